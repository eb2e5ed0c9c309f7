#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make test` runs: the rig's own tests, KUnit, then e2e, a
# short make stress (STRESS_TEST_DURATION seconds, 45 by default) and a
# reduced fault sweep (FAULT_TEST_PATHS) on the same kernel, the module
# test on a kernel of its own (vnetmq.ko), then the static gates (the
# series patch by patch among them), then each gate on its deliberately
# bad sample.  A failing stage does not stop the next; the summary
# counts every case and gate.

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

stage() {
	local name=$1 start=$SECONDS
	shift
	echo "=== $name" >&2
	"$@" || true
	echo "=== $name took $((SECONDS - start)) s" >&2
}

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$LOGS"
stage rig "$VNETMQ_REPO/tools/rig-tests.sh"
stage kunit "$VNETMQ_REPO/tools/kunit.sh"
if [ -x "$KBUILD/linux" ]; then
	stage e2e "$VNETMQ_REPO/tools/e2e.sh"
	stage stress env DURATION="${STRESS_TEST_DURATION:-45}" \
		"$VNETMQ_REPO/tools/stress.sh"
	stage faults env PATHS="${FAULT_TEST_PATHS:-create qfile netlink}" \
		"$VNETMQ_REPO/tools/fault.sh"
else
	result e2e 1 "e2e: no rig kernel to boot (the KUnit build failed)"
fi
stage module "$VNETMQ_REPO/tools/module.sh"
stage gates "$VNETMQ_REPO/ci/gates.sh"
stage samples "$VNETMQ_REPO/ci/gate-samples.sh"
echo "logs, kunit.py JSON and gate outputs: $LOGS"
"$PY" "$VNETMQ_REPO/tools/report.py" "$RESULTS"
