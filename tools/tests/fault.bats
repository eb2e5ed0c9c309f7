#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/fault.sh: a path it does not know is refused before anything
# boots, with the paths it has in the message.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

@test "faults: a path that does not exist" {
	BUILD=$BATS_TEST_TMPDIR run -1 env PATHS="create nope" "$REPO/tools/fault.sh"
	[[ $output == *"PATHS: no path 'nope' (have: create pair up channels rings qfile mqprio netlink ioctl xmit)"* ]]
}

@test "faults: no path at all" {
	BUILD=$BATS_TEST_TMPDIR run -1 env PATHS=" " "$REPO/tools/fault.sh"
	[[ $output == *"PATHS is empty: name some of: create pair up"* ]]
}

@test "faults: no rig kernel yet" {
	BUILD=$BATS_TEST_TMPDIR run -1 env PATHS=up "$REPO/tools/fault.sh"
	[[ $output == *"no rig kernel at $BATS_TEST_TMPDIR/kernel/linux: run 'make kernel' first"* ]]
}
