#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: race vnetmq's control plane against its datapath on the
# rig kernel (SMP, every debug option) for DURATION seconds, with
# tools/stress-job.sh inside, then scan the console for kernel reports.
# make test runs it for STRESS_TEST_DURATION seconds as its stress stage.
#
# usage: stress.sh     DURATION (seconds, default 300) and SEED (default
#                      random; the job prints it) from the environment

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-300}
SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}

main() {
	local rc=0
	check_run_args 300
	reset_results stress
	[ -x "$KBUILD/linux" ] || die "no rig kernel at $KBUILD/linux: run 'make kernel' first"
	build_progs || die "the selftests' C programs did not build; see $LOGS/*-build.log"
	export VNETMQ_QFILE VNETMQ_IOCTL
	note "stress: $DURATION s, seed $SEED (SEED=$SEED repeats this run)"
	VNETMQ_UML_QUIET=1 VNETMQ_UML_TIMEOUT=$((DURATION + 600)) \
		"$VNETMQ_REPO/tools/uml-run.sh" stress \
		"$VNETMQ_REPO/tools/stress-job.sh" "$DURATION" "$SEED" || rc=$?
	job_verdict stress "$rc" \
		"stress: $DURATION s, seed $SEED: the device survives and every frame is accounted for"
}

main
