#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/stress.sh: a bad DURATION or SEED is refused before anything
# boots, with the fix in the message.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

@test "stress: DURATION that is not a number of seconds" {
	BUILD=$BATS_TEST_TMPDIR run -1 env DURATION=1m "$REPO/tools/stress.sh"
	[[ $output == *"DURATION=1m: give the seconds to run, e.g. DURATION=300"* ]]
}

@test "stress: SEED that is not a number" {
	BUILD=$BATS_TEST_TMPDIR run -1 env SEED=x "$REPO/tools/stress.sh"
	[[ $output == *"SEED=x: give a number, e.g. the seed a failed run printed"* ]]
}

@test "stress: no rig kernel yet" {
	BUILD=$BATS_TEST_TMPDIR run -1 env DURATION=5 "$REPO/tools/stress.sh"
	[[ $output == *"no rig kernel at $BATS_TEST_TMPDIR/kernel/linux: run 'make kernel' first"* ]]
}
