#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/ktap-only.py: boot lines before the KTAP output and every KTAP
# line after it pass; an unindented kernel message inside it goes, at the
# place (between a suite's "# module:" line and its plan) where kunit.py's
# parser took the whole run for crashed.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

MOUSE='input: ImExPS/2 Generic Explorer Mouse as /devices/platform/i8042/serio1/input/input2'

# ktap [STRAY]: a console whose KTAP output has STRAY in it twice.
ktap() {
	cat <<EOC
Linux version 7.3.0
tsc: Refined TSC clocksource calibration: 2600.016 MHz
KTAP version 1
1..2
    KTAP version 1
    # Subtest: vnetmq_queue
    # module: vnetmq_kunit
${1:+$1
}    1..1
    ok 1 vnetmq_map_default_device
# vnetmq_queue: pass:1 fail:0 skip:0 total:1
ok 1 vnetmq_queue
    KTAP version 1
    # Subtest: vnetmq_tc
    1..1
${1:+$1
}    # vnetmq_tc_map: EXPECTATION FAILED at drivers/net/vnetmq/tc_test.c:10
    not ok 1 vnetmq_tc_map
not ok 2 vnetmq_tc
EOC
}

@test "ktap-only: a console without strays passes whole" {
	ktap > "$BATS_TEST_TMPDIR/clean"
	run -0 "$REPO/tools/ktap-only.py" < "$BATS_TEST_TMPDIR/clean"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/clean")" ]
}

@test "ktap-only: a kernel message inside the KTAP output goes" {
	ktap "$MOUSE" > "$BATS_TEST_TMPDIR/stray"
	[ "$(grep -c ImExPS "$BATS_TEST_TMPDIR/stray")" = 2 ]
	run -0 "$REPO/tools/ktap-only.py" < "$BATS_TEST_TMPDIR/stray"
	[ "$output" = "$(ktap)" ]
}

@test "ktap-only: boot lines before the KTAP output stay" {
	{ echo "$MOUSE"; ktap; } > "$BATS_TEST_TMPDIR/early"
	run -0 "$REPO/tools/ktap-only.py" < "$BATS_TEST_TMPDIR/early"
	[ "${lines[0]}" = "$MOUSE" ]
}

@test "ktap-only: indented lines (a report's stack) stay" {
	ktap '  <TASK>' > "$BATS_TEST_TMPDIR/stack"
	run -0 "$REPO/tools/ktap-only.py" < "$BATS_TEST_TMPDIR/stack"
	[ "$(grep -c '<TASK>' <<< "$output")" = 2 ]
}
