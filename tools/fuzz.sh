#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: random input against every uapi of vnetmq (queue files, the
# private ioctl, the generic netlink family) from several processes and
# threads, while the control plane changes the devices under them, on the
# rig kernel for DURATION seconds.  The fuzzer's tables come from the
# uapi header and the netlink spec (tools/fuzz/uapi-gen.py).  A kernel
# report fails the run, which prints the seed and the last operations of
# every thread; SEED= replays a run.  make test runs it for
# FUZZ_TEST_DURATION seconds.
#
# usage: fuzz.sh     DURATION (seconds, default 600) and SEED (default
#                    random; printed) from the environment

set -euo pipefail
# shellcheck source=tools/lib.sh
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-600}
SEED=${SEED:-$((RANDOM * 32768 + RANDOM))}

# The fuzzer, for the host (UML runs host binaries), its tables generated
# from the uapi first.
build_fuzzer() {
	local log=$LOGS/vnetmq_fuzz-build.log
	mkdir -p "$FUZZ" "$LOGS"
	rm -f "$FUZZ/vnetmq_fuzz"
	{
		"$PY" "$VNETMQ_REPO/tools/fuzz/uapi-gen.py" \
			"$VNETMQ_REPO/include/uapi/linux/vnetmq.h" \
			"$VNETMQ_REPO/Documentation/netlink/specs/vnetmq.yaml" \
			"$FUZZ/vnetmq_fuzz_uapi.h" &&
		gcc -O2 -Wall -Wextra -Werror -pthread \
			-I"$VNETMQ_REPO/include/uapi" -I"$FUZZ" \
			-o "$FUZZ/vnetmq_fuzz" "$VNETMQ_REPO/tools/fuzz/vnetmq_fuzz.c"
	} > "$log" 2>&1 || { cat "$log" >&2; return 1; }
}

main() {
	local rc=0
	check_run_args 600
	reset_results fuzz
	[ -x "$KBUILD/linux" ] || die "no rig kernel at $KBUILD/linux: run 'make kernel' first"
	build_fuzzer || die "the fuzzer did not build; see $LOGS/vnetmq_fuzz-build.log"
	note "fuzz: $DURATION s, seed $SEED (make fuzz SEED=$SEED replays it)"
	VNETMQ_UML_QUIET=1 VNETMQ_UML_TIMEOUT=$((DURATION + 600)) \
		"$VNETMQ_REPO/tools/uml-run.sh" fuzz \
		"$VNETMQ_REPO/tools/fuzz-job.sh" "$FUZZ/vnetmq_fuzz" \
		"$DURATION" "$SEED" || rc=$?
	job_verdict fuzz "$rc" \
		"fuzz: $DURATION s, seed $SEED: no kernel report (make fuzz SEED=$SEED replays it)"
}

main
