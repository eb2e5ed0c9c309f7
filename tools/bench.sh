#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: vnetmq against veth, lo and dummy, measured in one boot of
# each of two performance kernels of its own (kunit/bench.config: UML,
# uniprocessor, no debug option; the rig's source tree): on kunit.py's
# minimal base, with a periodic tick and no high-resolution timers, and
# on UML's defconfig, which has NO_HZ_IDLE and HIGH_RES_TIMERS as the
# kernels users build do.  tools/bench-job.sh runs the cases interleaved
# inside each; tools/bench-report.py writes $BUILD/bench/results.json
# and results-defconfig.json, the charts beside them, and the tables on
# stdout.
#
# usage: bench.sh     FRAMES (frames per pktgen run), RW_FRAMES (per run
#                     through a file), RUNS and CASES (a blank-separated
#                     subset; tools/bench-job.sh lists them) from the
#                     environment; KERNELS="minimal defconfig" (either)

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

FRAMES=${FRAMES:-1000000}
# Through userspace under UML, a frame costs a host context switch or two.
RW_FRAMES=${RW_FRAMES:-$((FRAMES / 100))}
RUNS=${RUNS:-15}
KERNELS=${KERNELS:-minimal defconfig}
out=$BUILD/bench
rw=$out/bench-rw

check_args() {
	[[ $FRAMES =~ ^[1-9][0-9]*$ ]] ||
		die "FRAMES=$FRAMES: give a frame count per run, e.g. FRAMES=1000000"
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] ||
		die "RUNS=$RUNS: give a number of runs per case, e.g. RUNS=15"
	[[ $RW_FRAMES =~ ^[1-9][0-9]*$ ]] ||
		die "RW_FRAMES=$RW_FRAMES: give a frame count per backend run"
	local k
	for k in $KERNELS; do
		[[ $k =~ ^(minimal|defconfig)$ ]] ||
			die "KERNELS=$KERNELS: give minimal, defconfig or both"
	done
}

# build_prog NAME: tools/NAME.c into $out/NAME
build_prog() {
	mkdir -p "$out" "$LOGS"
	gcc -O2 -Wall -Wextra -Werror -I"$VNETMQ_REPO/include/uapi" \
		-o "$out/$1" "$VNETMQ_REPO/tools/$1.c" \
		> "$LOGS/$1-build.log" 2>&1 ||
		{ cat "$LOGS/$1-build.log" >&2; die "$1 did not build"; }
}

# bench_on KERNEL: build it, boot it, report into $out/NAME.json.
bench_on() {
	local name=results title="" rc=0
	if [ "$1" = defconfig ]; then
		use_bench_kernel defconfig
		name=results-defconfig
		title=", defconfig: NO_HZ_IDLE, HIGH_RES_TIMERS"
	else
		use_bench_kernel
	fi
	build_kernel || die "no performance kernel ($KNAME)"
	note "booting $KNAME: $RUNS runs of $FRAMES frames per case ($RW_FRAMES through userspace)"
	VNETMQ_LINUX=$KBUILD/linux VNETMQ_UML_CPUS=1 VNETMQ_UML_QUIET=1 \
		VNETMQ_UML_TIMEOUT=3600 "$VNETMQ_REPO/tools/uml-run.sh" "$KNAME" \
		"$VNETMQ_REPO/tools/bench-job.sh" "$FRAMES" "$RW_FRAMES" \
		"$RUNS" "$rw" ${CASES:+"${CASES// /+}"} || rc=$?
	[ "$rc" = 0 ] ||
		die "the benchmark failed (exit $rc); see $UML/$KNAME/job.out and $LOGS/$KNAME.console.log"
	echo "== $KNAME ($name.json)"
	"$PY" "$VNETMQ_REPO/tools/bench-report.py" \
		--config "$KBUILD/.config" --frames "$FRAMES" --out "$out" \
		--name "$name" --title "$title" "$UML/$KNAME/job.out"
}

main() {
	local k
	check_args
	prepare_tree
	build_prog bench-rw
	build_prog bench-lat
	build_prog bench-tcp
	for k in $KERNELS; do
		bench_on "$k"
	done
}

main
