#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: line and function coverage of the driver
# (drivers/net/vnetmq/, its KUnit files left out).  Builds make
# coverage's kernel (clang-19, UML's CONFIG_GCOV: kunit/coverage.config;
# $BUILD/coverage-kernel), runs the KUnit suites, the e2e selftests, the
# full fault sweep and a fuzz run (FUZZ_COVERAGE_DURATION seconds, 120 by
# default) on it, each boot writing its profile when the kernel halts,
# merges the profiles and prints the report (tools/coverage-report.py),
# with an HTML copy under $COVERAGE/html, then each stage's own share:
# the lines only it runs (only random input, for the fuzz stage).
# Not part of make test: a fourth kernel, and a clang build of it.
#
# usage: coverage.sh      STAGES (default "kunit e2e faults fuzz") from the
#                         environment

set -euo pipefail
# The child scripts pick the same kernel, results and logs.
export VNETMQ_KERNEL=coverage
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

ALL_STAGES="kunit e2e faults fuzz"
STAGES=${STAGES:-$ALL_STAGES}
PROFRAW=$COVERAGE/profraw
PROFDATA=$COVERAGE/vnetmq.profdata
LLVM_SUFFIX=-19

# clang links the profile runtime into the kernel; Debian ships it in
# libclang-rt-19-dev, which nothing else of the rig needs.
check_tools() {
	local t rt
	for t in clang llvm-profdata llvm-cov; do
		command -v "$t$LLVM_SUFFIX" >/dev/null ||
			die "no $t$LLVM_SUFFIX: run 'make setup'"
	done
	rt=$(clang$LLVM_SUFFIX -print-resource-dir)/lib/linux/libclang_rt.profile-x86_64.a
	[ -f "$rt" ] || die "no $rt: install libclang-rt${LLVM_SUFFIX}-dev ('make coverage' runs 'tools/setup-host.sh coverage' first)"
}

# The driver's source files, named as the kernel was built from them (in
# the overlay tree, not where its links lead); its KUnit suites are not
# what is measured.
driver_sources() {
	local f
	for f in "$TREE"/drivers/net/vnetmq/*.[ch]; do
		case ${f##*/} in
		*_test.c | test_util.[ch]) ;;
		*) echo "$f" ;;
		esac
	done
}

run_stage() {
	local s=$1 rc=0
	echo "=== coverage: $s" >&2
	# Every boot of the kernel adds its counts to a profile of its stage
	# here when it halts: %4m merges them into a pool of four files per
	# binary, so that a host process UML forks cannot leave a profile of
	# its own.
	export LLVM_PROFILE_FILE=$PROFRAW/$s/%4m.profraw
	case $s in
	kunit) "$VNETMQ_REPO/tools/kunit.sh" || rc=$? ;;
	e2e) "$VNETMQ_REPO/tools/e2e.sh" || rc=$? ;;
	faults) "$VNETMQ_REPO/tools/fault.sh" || rc=$? ;;
	fuzz) DURATION=${FUZZ_COVERAGE_DURATION:-120} \
		"$VNETMQ_REPO/tools/fuzz.sh" || rc=$? ;;
	esac
	return "$rc"
}

merge_profiles() {
	local -a raw
	mapfile -t raw < <(find "$PROFRAW" -name '*.profraw' | sort)
	[ ${#raw[@]} -gt 0 ] ||
		die "no profile under $PROFRAW: no boot of $KBUILD/linux halted cleanly (see $LOGS)"
	note "merging ${#raw[@]} profiles"
	"llvm-profdata$LLVM_SUFFIX" merge -sparse -o "$PROFDATA" "${raw[@]}" ||
		die "llvm-profdata could not merge the profiles in $PROFRAW"
}

# stage_show STAGE SRC...: STAGE's own profile as llvm-cov's text, in
# $COVERAGE/STAGE.txt; nothing if STAGE left no profile.
stage_show() {
	local s=$1 data=$COVERAGE/$1.profdata
	local -a raw
	shift
	rm -f "$COVERAGE/$s.txt"
	mapfile -t raw < <(find "$PROFRAW/$s" -name '*.profraw' 2>/dev/null | sort)
	[ ${#raw[@]} -gt 0 ] || return 0
	if ! "llvm-profdata$LLVM_SUFFIX" merge -sparse -o "$data" "${raw[@]}"; then
		die "llvm-profdata could not merge stage $s's profiles"
	fi
	"llvm-cov$LLVM_SUFFIX" show -format=text -instr-profile="$data" \
		"$KBUILD/linux" "$@" > "$COVERAGE/$s.txt" ||
		die "llvm-cov could not show stage $s's profile"
}

# llvm-cov over the driver's files only: JSON for the numbers, text for
# the lines never run, HTML to read; then each stage's own share.
report() {
	local -a src cov stages
	local s
	mapfile -t src < <(driver_sources)
	for s in $STAGES; do
		stage_show "$s" "${src[@]}"
		[ ! -f "$COVERAGE/$s.txt" ] || stages+=("--stage=$s=$COVERAGE/$s.txt")
	done
	cov=("llvm-cov$LLVM_SUFFIX" -instr-profile="$PROFDATA" "$KBUILD/linux")
	"${cov[0]}" export -format=text "${cov[@]:1}" "${src[@]}" \
		> "$COVERAGE/vnetmq.json" || die "llvm-cov export failed"
	"${cov[0]}" show -format=text "${cov[@]:1}" "${src[@]}" \
		> "$COVERAGE/vnetmq.txt" || die "llvm-cov show failed"
	rm -rf "$COVERAGE/html"
	"${cov[0]}" show -format=html -output-dir="$COVERAGE/html" \
		"${cov[@]:1}" "${src[@]}" || die "llvm-cov show -format=html failed"
	"$PY" "$VNETMQ_REPO/tools/coverage-report.py" "$COVERAGE/vnetmq.json" \
		"$COVERAGE/vnetmq.txt" "$COVERAGE/uncovered.txt" "${stages[@]}" |
		tee "$COVERAGE/summary.txt"
	note "lines never run: $COVERAGE/uncovered.txt; HTML: $COVERAGE/html/index.html"
}

main() {
	local s rc=0
	check_words STAGES stage "$STAGES" "$ALL_STAGES"
	check_tools
	prepare_tree
	build_kernel || die "no coverage kernel; see $LOGS/$KNAME-build.log"
	rm -rf "$RESULTS" "$PROFRAW"
	mkdir -p "$RESULTS" "$PROFRAW"
	for s in $STAGES; do
		run_stage "$s" || rc=1
	done
	merge_profiles
	report
	"$PY" "$VNETMQ_REPO/tools/report.py" "$RESULTS" || rc=1
	[ "$rc" = 0 ] || note "some tests failed: the coverage above counts what ran; see $LOGS"
	return "$rc"
}

main
