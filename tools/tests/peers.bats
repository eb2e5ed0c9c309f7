#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/peers.sh: refuses arguments, and says what to do with no kernel.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

@test "peers: takes no arguments" {
	run -1 "$REPO/tools/peers.sh" vnetmq
	[[ $output == *"usage: "*"peers.sh (no arguments)"* ]]
}

@test "peers: no rig kernel yet" {
	run -1 "$REPO/tools/peers.sh"
	[[ $output == *"no rig kernel at $BUILD/kernel/linux: run 'make kernel' first"* ]]
}
