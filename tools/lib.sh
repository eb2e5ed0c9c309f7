# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What every rig script shares: where things are, and how to fail.
# Paths can be overridden from the environment (the Makefile exports them).

VNETMQ_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$VNETMQ_REPO/build}
KVER=${KVER:-7.3}
KSRC=${KSRC:-}
VNETMQ_CACHE=${VNETMQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vnetmq}
TREE=$BUILD/src
KBUILD=$BUILD/kernel
RESULTS=$BUILD/results
LOGS=$BUILD/logs
# uml-run.sh's job directories, one per job name, and how it boots:
# seccomp mode, the one UML SMP runs in.
UML=$BUILD/uml
UML_MODE=(seccomp=on "ncpus=${VNETMQ_UML_CPUS:-2}")
# The host's own python: the pyenv shims on PATH do not work inside UML.
PY=${PY:-/usr/bin/python3}

export CCACHE_BASEDIR=$VNETMQ_REPO CCACHE_NOHASHDIR=1

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

note() {
	echo "${0##*/}: $*" >&2
}

# The kernel tree's files vnetmq adds or changes: prepare-tree.sh writes
# them into the overlay, and the patch series must yield exactly them.
# shellcheck disable=SC2034 # read by prepare-tree.sh and series.sh
SERIES_PATHS=(drivers/net/Kconfig drivers/net/Makefile drivers/net/vnetmq
	MAINTAINERS Documentation/networking/index.rst
	Documentation/networking/vnetmq.rst tools/testing/selftests/Makefile
	tools/testing/selftests/drivers/net/vnetmq include/uapi/linux/vnetmq.h
	Documentation/userspace-api/ioctl/ioctl-number.rst
	Documentation/netlink/specs/vnetmq.yaml
	include/uapi/linux/vnetmq_netlink.h tools/net/ynl/Makefile.deps
	include/uapi/linux/if_link.h Documentation/netlink/specs/rt-link.yaml)

# The selftests' C programs, for the host, whose binaries UML runs; set
# empty, the selftests use those installed beside them (tools/e2e.sh).
VNETMQ_QFILE=${VNETMQ_QFILE-$BUILD/selftests/vnetmq_qfile}
VNETMQ_IOCTL=${VNETMQ_IOCTL-$BUILD/selftests/vnetmq_ioctl}
# make fuzz's fuzzer and its generated tables (tools/fuzz.sh).
FUZZ=$BUILD/fuzz

# Build $VNETMQ_QFILE and $VNETMQ_IOCTL.  kselftest's lib.mk cannot build
# them in the overlay, where the selftests directory is a link into this
# repository; kselftest.h comes from the overlay tree.
build_progs() {
	local log dir=$VNETMQ_REPO/tools/testing/selftests/drivers/net/vnetmq
	local prog
	for prog in "$VNETMQ_QFILE" "$VNETMQ_IOCTL"; do
		log=$LOGS/${prog##*/}-build.log
		mkdir -p "$(dirname "$prog")" "$LOGS"
		rm -f "$prog"
		if ! gcc -O2 -Wall -Wextra -Werror -pthread \
			-I"$VNETMQ_REPO/include/uapi" \
			-I"$TREE/tools/testing/selftests" \
			-o "$prog" "$dir/${prog##*/}.c" > "$log" 2>&1; then
			cat "$log" >&2
			note "${prog##*/} did not build; see $log"
			return 1
		fi
	done
}

# check_run_args EXAMPLE: DURATION and SEED of a seeded run (make stress,
# make fuzz) are numbers; EXAMPLE is the duration the message suggests.
check_run_args() {
	[[ $DURATION =~ ^[1-9][0-9]*$ ]] ||
		die "DURATION=$DURATION: give the seconds to run, e.g. DURATION=$1"
	[[ $SEED =~ ^[0-9]+$ ]] ||
		die "SEED=$SEED: give a number, e.g. the seed a failed run printed"
}

# check_words VAR NOUN WORDS ALL: WORDS (VAR's value) names at least one
# of ALL, and nothing else.
check_words() {
	local var=$1 noun=$2 words=$3 all=$4 w
	[ -n "${words//[[:space:]]/}" ] || die "$var is empty: name some of: $all"
	for w in $words; do
		[[ " $all " == *" $w "* ]] || die "$var: no $noun '$w' (have: $all)"
	done
}

# The kernel tree to build: KSRC if given, else Debian's pinned source.
pristine_tree() {
	if [ -n "$KSRC" ]; then
		[ -d "$KSRC" ] || die "KSRC=$KSRC is not a directory"
		echo "$KSRC"
	else
		"$VNETMQ_REPO/tools/fetch-kernel.sh" "$VNETMQ_CACHE" "$KVER"
	fi
}

prepare_tree() {
	local src
	src=$(pristine_tree) || exit 1
	"$VNETMQ_REPO/tools/prepare-tree.sh" "$src" "$TREE" "$VNETMQ_REPO"
}

# kunit.py on the rig kernel: one build serves KUnit and e2e.  "config"
# and "run" take the rig's Kconfig fragments; "exec" boots what is built.
kunit_py() {
	local cmd=$1
	local -a cfg=()
	shift
	[ "$cmd" = exec ] || cfg=("${KCONFIGS[@]/#/--kunitconfig=}"
		"${KMAKE[@]/#/--make_options=}")
	# A kernel QEMU boots: kunit.py must know it for every command.
	[ "$KARCH" = um ] || cfg+=(--arch="$KARCH"
		"${KQEMU[@]/#/--qemu_args=}")
	(cd "$TREE" && "$PY" tools/testing/kunit/kunit.py "$cmd" \
		--build_dir="$KBUILD" "${cfg[@]}" "$@")
}

# kunit_boot JSON EXEC_ARGS...: boot the built kernel with kunit.py exec
# and parse its results into JSON.  kunit.py parses the console as it
# comes, and a boot message printed between two KTAP lines (an
# asynchronous probe, the other CPU's timer) can make it report passing
# suites as crashed: tools/ktap-only.py takes such lines out first.  The
# whole console stays in $KBUILD/test.log.
kunit_boot() {
	local json=$1 ktap=$KBUILD/test.ktap rc=0
	shift
	rm -f "$json" "$ktap" "$KBUILD/test.log"
	kunit_py exec --raw_output=all "$@" > /dev/null || rc=$?
	[ -f "$KBUILD/test.log" ] || return 1
	"$PY" "$VNETMQ_REPO/tools/ktap-only.py" < "$KBUILD/test.log" > "$ktap"
	(cd "$TREE" && "$PY" tools/testing/kunit/kunit.py parse \
		--json="$json" "$ktap") || rc=$?
	return "$rc"
}

# The kernel build_kernel() makes: the rig's (KUnit, e2e, demo: the
# driver's .kunitconfig and the rig's fragments) unless a script picks
# make bench's performance kernel with use_bench_kernel.  KOBJECTS: the
# objects (CC and AS lines) in a full build, for the progress line
# before the first build has counted its own: measured on 7.3
# (build_kernel() records the real count after a build from scratch).
KCONFIGS=(. "$VNETMQ_REPO/kunit/debug.config" "$VNETMQ_REPO/kunit/e2e.config"
	  "$VNETMQ_REPO/kunit/lean.config")
KNAME=kernel
KOBJECTS=800
# What its .config starts from: kunit.py's base (the KCONFIGS fragments,
# everything else at its Kconfig default) or, with KBASE=defconfig, the
# architecture's defconfig (defconfig_config()).
KBASE=kunit
# The compiler, and any other make option, every make of it takes.
KMAKE=("CC=ccache gcc")
# Its architecture: UML, but for make kcsan's kernel, which QEMU boots
# with KQEMU's extra arguments.
KARCH=um
KQEMU=()

# use_bench_kernel [defconfig]: make bench's performance kernel, on
# kunit.py's minimal base (a periodic tick, no high-resolution timers);
# with "defconfig", the same options on UML's defconfig, which has
# NO_HZ_IDLE and HIGH_RES_TIMERS as the kernels users build do.
use_bench_kernel() {
	KCONFIGS=("$VNETMQ_REPO/kunit/bench.config")
	if [ "${1:-}" = defconfig ]; then
		KBUILD=$BUILD/bench-defconfig-kernel
		KNAME=bench-defconfig-kernel
		KBASE=defconfig
		KOBJECTS=1000
	else
		KBUILD=$BUILD/bench-kernel
		KNAME=bench-kernel
		KOBJECTS=700
	fi
}

# make module's kernel: vnetmq as a module (kunit/module.config).
use_module_kernel() {
	KBUILD=$BUILD/module-kernel
	KCONFIGS=("$VNETMQ_REPO/kunit/module.config")
	KNAME=module-kernel
	KOBJECTS=760
}

# make kcsan's kernel: the driver's KUnit suites on x86_64 with KCSAN
# (kunit/kcsan.config), which UML lacks, booted by QEMU on two vCPUs.
use_kcsan_kernel() {
	KBUILD=$BUILD/kcsan-kernel
	KCONFIGS=(. "$VNETMQ_REPO/kunit/kcsan.config")
	KNAME=kcsan-kernel
	KOBJECTS=1100
	KARCH=x86_64
	KQEMU=("-smp ${VNETMQ_KCSAN_CPUS:-2}")
}

# make coverage's kernel: the rig's e2e and KUnit configuration built by
# clang-19 with UML's CONFIG_GCOV, which under clang is source-based
# coverage (kunit/coverage.config), of the driver's code only
# (tools/coverage-cc.sh).  The stages run on it keep their
# results, logs and job directories under $COVERAGE, away from make
# test's.  A script started with VNETMQ_KERNEL=coverage in its
# environment picks it (see the end of this file).
COVERAGE=$BUILD/coverage

use_coverage_kernel() {
	KBUILD=$BUILD/coverage-kernel
	KCONFIGS=(. "$VNETMQ_REPO/kunit/e2e.config"
		  "$VNETMQ_REPO/kunit/coverage.config")
	KNAME=coverage-kernel
	KOBJECTS=930
	KMAKE=(LLVM=-19 "CC=ccache $VNETMQ_REPO/tools/coverage-cc.sh")
	RESULTS=$COVERAGE/results
	LOGS=$COVERAGE/logs
	UML=$COVERAGE/uml
	# shellcheck disable=SC2034 # read by fuzz.sh
	FUZZ=$COVERAGE/fuzz
	# Built by clang, UML loses the host process of user space's first
	# address space in seccomp mode ("Unexpectedly lost MM child"), and
	# init dies; ptrace mode, which is UP only, works.  KUnit runs no
	# user space and keeps its two CPUs.
	# shellcheck disable=SC2034 # read by uml-run.sh
	UML_MODE=(seccomp=off ncpus=1)
}

# install_kselftests DIR LOG TARGET...: headers_install into DIR/headers,
# then the kselftest install of TARGETs into DIR/install (built in
# DIR/build), the output in LOG.  net/lib comes along, with its BPF
# programs: built by the clang the rig installs (setup-host.sh).
install_kselftests() {
	local dir=$1 log=$2
	shift 2
	rm -rf "$dir/install"
	mkdir -p "$dir" "$LOGS"
	{
		make -s -C "$TREE" O="$dir/headers" \
			INSTALL_HDR_PATH="$dir/headers/usr" headers_install &&
		make -s -C "$TREE/tools/testing/selftests" TARGETS="$*" \
			O="$dir/build" INSTALL_PATH="$dir/install" \
			KHDR_INCLUDES="-isystem $dir/headers/usr/include" \
			CLANG=clang-19 install
	} > "$log" 2>&1
}

# make mainline's kernel: the rig's, with what the tree's driver
# selftests need besides (kunit/mainline.config: BPF, netkit, XDP
# sockets, tunnels, ...), in a tree of its own so that make test's
# kernel does not change.
use_mainline_kernel() {
	KBUILD=$BUILD/mainline-kernel
	KCONFIGS=(. "$VNETMQ_REPO/kunit/debug.config"
		  "$VNETMQ_REPO/kunit/e2e.config"
		  "$VNETMQ_REPO/kunit/mainline.config")
	KNAME=mainline-kernel
	KOBJECTS=1100
}

# defconfig_config: the architecture's defconfig with the KCONFIGS
# fragments merged in.  Like kunit.py for its base, fail when an option
# a fragment sets did not survive olddefconfig (an unmet dependency).
defconfig_config() {
	local opt missing=0
	mkdir -p "$KBUILD"
	make -C "$TREE" ARCH="$KARCH" O="$KBUILD" "${KMAKE[@]}" defconfig &&
		(cd "$KBUILD" && ARCH=$KARCH "$TREE/scripts/kconfig/merge_config.sh" \
			-m .config "${KCONFIGS[@]}") &&
		make -C "$TREE" ARCH="$KARCH" O="$KBUILD" "${KMAKE[@]}" \
			olddefconfig || return 1
	while read -r opt; do
		grep -qxF "$opt" "$KBUILD/.config" && continue
		echo "not in the .config: $opt"
		missing=1
	done < <(grep -hE '^(CONFIG_|# CONFIG_.* is not set)' "${KCONFIGS[@]}")
	return "$missing"
}

# make_config: the .config of the kernel build_kernel() makes (KBASE).
make_config() {
	if [ "$KBASE" = defconfig ]; then
		defconfig_config
	else
		kunit_py config
	fi
}

# Build the rig kernel: make_config() writes and checks the .config, then
# kbuild runs here rather than inside kunit.py, which throws kbuild's
# output away and would leave a newcomer 13 silent minutes.  Progress
# goes to stderr, kbuild's output to $LOGS/kernel-build.log.
build_kernel() {
	local log=$LOGS/$KNAME-build.log count=$KBUILD/.vnetmq-objects expect n
	local full=1
	mkdir -p "$LOGS"
	# From scratch: not even a failed build left an object behind.
	[ -z "$(find "$KBUILD" -name '*.o' -print -quit 2>/dev/null)" ] || full=0
	make_config > "$LOGS/$KNAME-config.log" 2>&1 || {
		cat "$LOGS/$KNAME-config.log" >&2
		note "could not make $KNAME's .config; see above"
		return 1
	}
	expect=$(cat "$count" 2>/dev/null || echo "$KOBJECTS")
	n=$(make -C "$TREE" ARCH="$KARCH" O="$KBUILD" "${KMAKE[@]}" \
		-j"$(nproc)" all 2>&1 |
		"$PY" "$VNETMQ_REPO/tools/progress.py" --label "$KNAME build" \
			--log "$log" --count '^  (CC|AS) ' --expect "$expect") || {
		tail -n 30 "$log" >&2
		note "$KNAME build failed; full log: $log"
		return 1
	}
	# A build from scratch counts what the next one can expect.
	[ "$full" = 0 ] || echo "$n" > "$count"
}

# with_progress LABEL SIZE_PATH CMD...: run CMD (a function too) and show
# its elapsed time, and SIZE_PATH's size if not empty, until it ends.
with_progress() {
	local label=$1 size_of=$2 pid rc=0
	local -a size=()
	shift 2
	[ -z "$size_of" ] || size=(--size-of "$size_of")
	"$@" &
	pid=$!
	"$PY" "$VNETMQ_REPO/tools/progress.py" --label "$label" --pid "$pid" \
		"${size[@]}" || true
	wait "$pid" || rc=$?
	return "$rc"
}

# Results are flat TAP lines, one file per stage, counted by report.py.
result() {
	local stage=$1 ok=$2 name=$3
	mkdir -p "$RESULTS"
	if [ "$ok" = 0 ]; then
		echo "ok - $name" >> "$RESULTS/$stage.tap"
	else
		echo "not ok - $name" >> "$RESULTS/$stage.tap"
	fi
}

# why_failed STAGE RC OUT LOG: TAP diagnostics under a failed job's
# result, so the summary (tools/report.py), the one part of a CI log
# that is sure to be kept, says why: UML's exit status, the job's last
# lines, and how far the console got.
why_failed() {
	local stage=$1 rc=$2 out=$3 log=$4
	{
		echo "# UML exited with $rc"
		[ ! -f "$out" ] || tail -n 6 "$out" | sed 's/^/# job: /'
		[ ! -f "$log" ] || tail -n 3 "$log" | sed 's/^/# console: /'
	} >> "$RESULTS/$stage.tap"
}

reset_results() {
	mkdir -p "$RESULTS" "$LOGS"
	: > "$RESULTS/$1.tap"
}

# job_verdict STAGE RC TEXT: the verdict on a uml-run.sh job named STAGE
# that exited RC: its output on stderr, result TEXT for the stage, then
# its console scanned for kernel reports.  Returns 1 if either failed.
job_verdict() {
	local stage=$1 rc=$2 out=$UML/$1/job.out log=$LOGS/$1.console.log
	[ ! -f "$out" ] || sed 's/^/# /' "$out" >&2
	result "$stage" "$rc" "$3"
	[ "$rc" = 0 ] || why_failed "$stage" "$rc" "$out" "$log"
	"$VNETMQ_REPO/tools/scan-log.sh" "$stage" "$log" || rc=1
	[ "$rc" = 0 ] || note "$stage failed; see $out and $log"
	return "$rc"
}

case ${VNETMQ_KERNEL:-rig} in
rig) ;;
coverage) use_coverage_kernel ;;
mainline) use_mainline_kernel ;;
*) die "VNETMQ_KERNEL=$VNETMQ_KERNEL: no such kernel (rig, coverage or mainline)" ;;
esac
