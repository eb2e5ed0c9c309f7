#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: a bad DURATION or SEED is refused before anything builds;
# the tables come from the uapi (a new ioctl or netlink operation is in
# them with no edit to the fuzzer); the fuzzer refuses bad arguments.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

GEN=$REPO/tools/fuzz/uapi-gen.py
UAPI=$REPO/include/uapi/linux/vnetmq.h
SPEC=$REPO/Documentation/netlink/specs/vnetmq.yaml

@test "fuzz: DURATION that is not a number of seconds" {
	run -1 env DURATION=1m "$REPO/tools/fuzz.sh"
	[[ $output == *"DURATION=1m: give the seconds to run, e.g. DURATION=600"* ]]
}

@test "fuzz: SEED that is not a number" {
	run -1 env SEED=x "$REPO/tools/fuzz.sh"
	[[ $output == *"SEED=x: give a number, e.g. the seed a failed run printed"* ]]
}

@test "fuzz: no rig kernel yet" {
	run -1 env DURATION=5 "$REPO/tools/fuzz.sh"
	[[ $output == *"no rig kernel at $BUILD/kernel/linux: run 'make kernel' first"* ]]
}

@test "fuzz: the tables name every ioctl, operation and attribute" {
	run -0 "$GEN" "$UAPI" "$SPEC" "$BATS_TEST_TMPDIR/t.h"
	run -0 cat "$BATS_TEST_TMPDIR/t.h"
	[[ $output == *'{ "VNETMQ_ATTACH", VNETMQ_ATTACH },'* ]]
	[[ $output == *'{ "VNETMQ_SIOC_STATS_RESET", VNETMQ_SIOC_STATS_RESET },'* ]]
	[[ $output == *'{ "payload", VNETMQ_A_ECHO_PAYLOAD, FZ_BINARY, 1024, 1, 0LL },'* ]]
	[[ $output == *'{ "type", VNETMQ_A_QUEUE_TYPE, FZ_U32, 0, 0, 1LL },'* ]]
	[[ $output == *'{ "queue-get", VNETMQ_CMD_QUEUE_GET, 1, 1, fz_attrs_queue,'* ]]
}

@test "fuzz: a new ioctl and a new operation are fuzzed without an edit" {
	sed 's|^#define VNETMQ_GET_FEATURES.*|&\n#define VNETMQ_NEW\t_IOW(VNETMQ_IOC_MAGIC, 9, __u64)|' \
		"$UAPI" > "$BATS_TEST_TMPDIR/vnetmq.h"
	cp "$SPEC" "$BATS_TEST_TMPDIR/spec.yaml"
	cat >> "$BATS_TEST_TMPDIR/spec.yaml" <<'YAML'
    -
      name: new-op
      attribute-set: queue
      do:
        request:
          attributes:
            - ifindex
YAML
	run -0 "$GEN" "$BATS_TEST_TMPDIR/vnetmq.h" "$BATS_TEST_TMPDIR/spec.yaml" \
		"$BATS_TEST_TMPDIR/t.h"
	run -0 cat "$BATS_TEST_TMPDIR/t.h"
	[[ $output == *'{ "VNETMQ_NEW", VNETMQ_NEW },'* ]]
	[[ $output == *'{ "new-op", VNETMQ_CMD_NEW_OP, 1, 0, fz_attrs_queue,'* ]]
	[[ $output == *'static const struct fz_attr fz_req_new_op[] = {
	{ "ifindex", VNETMQ_A_QUEUE_IFINDEX,'* ]]
}

@test "fuzz: a uapi header with no ioctls" {
	echo '#define VNETMQ_F_VNET_HDR 1' > "$BATS_TEST_TMPDIR/empty.h"
	run -1 "$GEN" "$BATS_TEST_TMPDIR/empty.h" "$SPEC" "$BATS_TEST_TMPDIR/t.h"
	[[ $output == *"no ioctls found in $BATS_TEST_TMPDIR/empty.h"* ]]
}

@test "fuzz: the fuzzer refuses bad arguments" {
	"$GEN" "$UAPI" "$SPEC" "$BATS_TEST_TMPDIR/vnetmq_fuzz_uapi.h"
	gcc -O2 -Wall -Wextra -Werror -pthread -I"$REPO/include/uapi" \
		-I"$BATS_TEST_TMPDIR" -o "$BATS_TEST_TMPDIR/fz" \
		"$REPO/tools/fuzz/vnetmq_fuzz.c"
	run -2 "$BATS_TEST_TMPDIR/fz" --procs 0
	[[ $output == *"usage: vnetmq_fuzz [--seed N | --replay N]"* ]]
	run -2 "$BATS_TEST_TMPDIR/fz" --seed 12x
	[[ $output == *"seed 12x: want a number"* ]]
	run -2 env VNETMQ_NODE="$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/fz" --seconds 1
	[[ $output == *"$BATS_TEST_TMPDIR/none: No such file or directory (set VNETMQ_NODE to the vnetmq misc device's node)"* ]]
}
