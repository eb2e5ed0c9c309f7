#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the rig kernel and run the KUnit suites on it with kunit.py (SMP,
# two CPUs), then scan the console log for kernel reports.
#
# usage: kunit.sh [FILTER_GLOB]     e.g. kunit.sh 'vnetmq_queue.*'

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

json=$LOGS/kunit.json
console=$LOGS/kunit.console.log

run_kunit() {
	local rc=0
	rm -f "$json" "$KBUILD/test.log"
	if ! build_kernel; then
		result kunit 1 "kunit: the rig kernel did not build (log: $LOGS/kernel-build.log)"
		return 1
	fi
	kunit_boot "$json" --kernel_args seccomp=on --kernel_args ncpus=2 \
		--timeout "${VNETMQ_KUNIT_TIMEOUT:-900}" "$@" || rc=$?
	return "$rc"
}

main() {
	local rc=0
	prepare_tree
	reset_results kunit
	run_kunit "$@" || rc=$?
	[ -f "$KBUILD/test.log" ] && cp "$KBUILD/test.log" "$console"
	[ -f "$json" ] && "$PY" "$VNETMQ_REPO/tools/kunit-results.py" "$json" \
		>> "$RESULTS/kunit.tap"
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$RESULTS/kunit.tap"; then
		result kunit 1 "kunit: kunit.py exited with $rc (a build failure or a crash: see the output above and $console)"
	fi
	if [ -f "$console" ]; then
		"$VNETMQ_REPO/tools/scan-log.sh" kunit "$console" || rc=1
	fi
	note "results: $json, console: $console"
	return "$rc"
}

main "$@"
