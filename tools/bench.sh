#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: vnetmq against veth, lo and dummy, measured in one boot of a
# performance kernel of its own (kunit/bench.config: UML, uniprocessor,
# no debug option; the rig's source tree).  tools/bench-job.sh runs the
# cases interleaved inside it; tools/bench-report.py writes
# $BUILD/bench/results.json, the chart $BUILD/bench/results.png, and the
# table on stdout.
#
# usage: bench.sh     FRAMES (frames per pktgen run), RW_FRAMES (per run
#                     through a file), RUNS and CASES (a blank-separated
#                     subset; tools/bench-job.sh lists them) from the
#                     environment

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

FRAMES=${FRAMES:-1000000}
# Through userspace under UML, a frame costs a host context switch or two.
RW_FRAMES=${RW_FRAMES:-$((FRAMES / 100))}
RUNS=${RUNS:-15}
out=$BUILD/bench
rw=$out/bench-rw

check_args() {
	[[ $FRAMES =~ ^[1-9][0-9]*$ ]] ||
		die "FRAMES=$FRAMES: give a frame count per run, e.g. FRAMES=1000000"
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] ||
		die "RUNS=$RUNS: give a number of runs per case, e.g. RUNS=15"
	[[ $RW_FRAMES =~ ^[1-9][0-9]*$ ]] ||
		die "RW_FRAMES=$RW_FRAMES: give a frame count per backend run"
}

build_rw() {
	mkdir -p "$out" "$LOGS"
	gcc -O2 -Wall -Wextra -Werror -I"$VNETMQ_REPO/include/uapi" \
		-o "$rw" "$VNETMQ_REPO/tools/bench-rw.c" \
		> "$LOGS/bench-rw-build.log" 2>&1 ||
		{ cat "$LOGS/bench-rw-build.log" >&2; die "bench-rw did not build"; }
}

main() {
	local rc=0
	check_args
	use_bench_kernel
	prepare_tree
	build_kernel || die "no performance kernel"
	build_rw
	note "booting the performance kernel: $RUNS runs of $FRAMES frames per case ($RW_FRAMES through userspace)"
	VNETMQ_LINUX=$KBUILD/linux VNETMQ_UML_CPUS=1 VNETMQ_UML_QUIET=1 \
		VNETMQ_UML_TIMEOUT=3600 "$VNETMQ_REPO/tools/uml-run.sh" bench \
		"$VNETMQ_REPO/tools/bench-job.sh" "$FRAMES" "$RW_FRAMES" \
		"$RUNS" "$rw" ${CASES:+"${CASES// /+}"} || rc=$?
	[ "$rc" = 0 ] ||
		die "the benchmark failed (exit $rc); see $UML/bench/job.out and $LOGS/bench.console.log"
	"$PY" "$VNETMQ_REPO/tools/bench-report.py" \
		--config "$KBUILD/.config" --frames "$FRAMES" --out "$out" \
		"$UML/bench/job.out"
}

main
