#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make test` runs: the rig's own tests, KUnit, then e2e, a
# short make stress (STRESS_TEST_DURATION seconds, 45 by default) and a
# reduced fault sweep (FAULT_TEST_PATHS) on the same kernel, the module
# test on a kernel of its own (vnetmq.ko), and the static gates (the
# series patch by patch among them), then each gate on its deliberately
# bad sample.  A failing stage does not stop the next; the summary
# counts every case and gate.
#
# The gates boot nothing, and a UML boot leaves about one of the two
# CPUs idle: the gates and their samples run beside the UML stages, from
# the end of the KUnit stage (which prepared the tree they check), their
# output held in $LOGS/gates.out and shown when both are done.

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

static_stages() {
	stage gates "$VNETMQ_REPO/ci/gates.sh"
	stage samples "$VNETMQ_REPO/ci/gate-samples.sh"
}

uml_stages() {
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
}

main() {
	local start=$SECONDS static
	rm -rf "$RESULTS"
	mkdir -p "$RESULTS" "$LOGS"
	stage rig "$VNETMQ_REPO/tools/rig-tests.sh"
	stage kunit "$VNETMQ_REPO/tools/kunit.sh"
	static_stages > "$LOGS/gates.out" 2>&1 &
	static=$!
	echo "=== gates and samples: running beside the UML stages (output: $LOGS/gates.out)" >&2
	uml_stages
	wait "$static" || true
	cat "$LOGS/gates.out" >&2
	echo "=== make test took $((SECONDS - start)) s" >&2
	echo "logs, kunit.py JSON and gate outputs: $LOGS"
	"$PY" "$VNETMQ_REPO/tools/report.py" "$RESULTS"
}

main
