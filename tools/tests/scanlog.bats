#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/scan-log.sh: a clean log passes; the one report every boot of the
# SMP debug kernel prints (boot-splat.log, copied from a console log) is
# let through; the same report from elsewhere, or a second report after
# it, fails the stage.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

SPLAT=$BATS_TEST_DIRNAME/boot-splat.log

console() {
	mkdir -p "$BUILD/logs"
	echo "Linux version 7.3.0" > "$BATS_TEST_TMPDIR/console.log"
	cat "$@" >> "$BATS_TEST_TMPDIR/console.log"
	echo "uml-init: job done" >> "$BATS_TEST_TMPDIR/console.log"
}

@test "scan-log: a clean log" {
	console /dev/null
	run -0 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
}

@test "scan-log: the boot's os_start_secondary RCU splat is allowed" {
	console "$SPLAT"
	run -0 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
}

@test "scan-log: the same splat from another caller is a report" {
	sed 's/os_start_secondary/vnetmq_open/' "$SPLAT" > "$BATS_TEST_TMPDIR/other"
	console "$BATS_TEST_TMPDIR/other"
	run -1 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	[[ $output == *"WARNING: suspicious RCU usage"* ]]
}

@test "scan-log: a report after the boot splat is not hidden by it" {
	printf 'WARNING: suspicious RCU usage\nnet/core/dev.c:1 suspicious rcu_dereference_check() usage!\n' \
		> "$BATS_TEST_TMPDIR/more"
	console "$SPLAT" "$BATS_TEST_TMPDIR/more"
	run -1 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	[[ $output == *"console.log:49:WARNING: suspicious RCU usage"* ]]
	[[ $output != *"console.log:2:"* ]]
}

@test "scan-log: a kmemleak leak report" {
	printf 'kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\nunreferenced object 0x6a5c1d00 (size 64):\n' \
		> "$BATS_TEST_TMPDIR/leak"
	console "$BATS_TEST_TMPDIR/leak"
	run -1 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	[[ $output == *"unreferenced object 0x6a5c1d00"* ]]
}

@test "scan-log: a KCSAN data race report" {
	printf '==================================================================\nBUG: KCSAN: data-race in vnetmq_poll / vnetmq_get_stats64\n' \
		> "$BATS_TEST_TMPDIR/race"
	console "$BATS_TEST_TMPDIR/race"
	run -1 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	[[ $output == *"BUG: KCSAN: data-race in vnetmq_poll / vnetmq_get_stats64"* ]]
}

@test "scan-log: an untracked reference is allowed, a tracker's leak is not" {
	echo 'ref_tracker: memory allocation failure, unreliable refcount tracker.' \
		> "$BATS_TEST_TMPDIR/untracked"
	console "$BATS_TEST_TMPDIR/untracked"
	run -0 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	echo 'ref_tracker: netdev@000000006c8b1a06 has 1/2 users at' \
		>> "$BATS_TEST_TMPDIR/untracked"
	console "$BATS_TEST_TMPDIR/untracked"
	run -1 "$REPO/tools/scan-log.sh" t "$BATS_TEST_TMPDIR/console.log"
	[[ $output == *"has 1/2 users at"* ]]
}
