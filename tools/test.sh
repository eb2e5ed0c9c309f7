#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make test` runs: the rig's own tests, KUnit, then e2e,
# make peers, a short make stress (STRESS_TEST_DURATION seconds, 45 by default), a
# short make fuzz (FUZZ_TEST_DURATION seconds, 60 by default) and a
# reduced fault sweep (FAULT_TEST_PATHS) on the same kernel, the module
# test on a kernel of its own (vnetmq.ko), and the static gates (the
# series patch by patch among them), then each gate on its deliberately
# bad sample, and the KUnit suites again under KCSAN (make kcsan).  A
# failing stage does not stop the next; the summary counts every case
# and gate.
#
# The gates boot nothing, and a UML boot leaves about one of the two
# CPUs idle: the gates and their samples run beside the UML stages, from
# the end of the KUnit stage (which prepared the tree they check), their
# output held in $LOGS/gates.out and shown when all are done.  The KCSAN
# stage needs no UML kernel either and follows them there, niced like
# the gates' builds: warm, it is a kernel built from ccache and a QEMU
# boot of seconds, about 2 minutes, which ends in the minute or so the
# UML stages outlast the gates instead of after everything.

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

# The KCSAN stage runs every suite, which takes seconds under TCG (the
# kernel's build is the stage's cost).  KCSAN_TEST_SUITES="g1 g2 ..."
# narrows it to some globs (one boot each), e.g. to the suites that
# race threads: "vnetmq_backend vnetmq_poll vnetmq_netdev".
kcsan_stage() {
	local -a globs
	read -ra globs <<<"${KCSAN_TEST_SUITES:-}"
	stage kcsan nice -n 10 "$VNETMQ_REPO/tools/kcsan.sh" "${globs[@]}"
}

static_stages() {
	stage gates "$VNETMQ_REPO/ci/gates.sh"
	stage samples "$VNETMQ_REPO/ci/gate-samples.sh"
	kcsan_stage
}

uml_stages() {
	if [ -x "$KBUILD/linux" ]; then
		stage e2e "$VNETMQ_REPO/tools/e2e.sh"
		stage peers "$VNETMQ_REPO/tools/peers.sh"
		stage stress env DURATION="${STRESS_TEST_DURATION:-45}" \
			"$VNETMQ_REPO/tools/stress.sh"
		stage fuzz env DURATION="${FUZZ_TEST_DURATION:-60}" \
			"$VNETMQ_REPO/tools/fuzz.sh"
		stage faults env PATHS="${FAULT_TEST_PATHS:-pair qfile netlink}" \
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
	echo "=== gates, samples and kcsan: running beside the UML stages (output: $LOGS/gates.out)" >&2
	uml_stages
	wait "$static" || true
	cat "$LOGS/gates.out" >&2
	echo "=== make test took $((SECONDS - start)) s" >&2
	echo "logs, kunit.py JSON and gate outputs: $LOGS"
	"$PY" "$VNETMQ_REPO/tools/report.py" "$RESULTS"
}

main
