#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# make mainline's counts (tools/mainline-results.py) on made-up runs:
# case lines with their directives, a case that failed then skipped, a
# file dying before its plan (an xfail when it refused netdevsim, a skip,
# or a fail), a plan cut short, a run with no output, and the JSON shape
# the issue asks for.

# shellcheck disable=SC2154 # output: set by bats' run
load helpers

results() {
	python3 "$REPO/tools/mainline-results.py" "$BATS_TEST_TMPDIR" \
		"$BATS_TEST_TMPDIR/results.json"
}

# ktap DEVICE FILE: stdin becomes DEVICE's output for FILE.
ktap() {
	mkdir -p "$BATS_TEST_TMPDIR/ktap/$1"
	cat > "$BATS_TEST_TMPDIR/ktap/$1/${2//\//__}.ktap"
	echo "$1 $2" >> "$BATS_TEST_TMPDIR/plan"
}

count() { # count DEVICE FILE KEY
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([t for t in d["tests"] if t["file"] == sys.argv[3]][0]["results"][sys.argv[2]][sys.argv[4]])' \
		"$BATS_TEST_TMPDIR/results.json" "$1" "$2" "$3"
}

@test "mainline: directives decide, and a failed case that skipped is a skip" {
	ktap vnetmq drivers/net/hw/ntuple.py <<'K'
TAP version 13
1..5
ok 1 ntuple.a
ok 2 ntuple.b # SKIP no socat
not ok 3 ntuple.c
ok 4 ntuple.d # XFAIL known
not ok 5 ntuple.e # SKIP skipped after a failed check
# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:2 error:0
K
	run results
	[ "$status" -eq 0 ]
	[ "$(count vnetmq drivers/net/hw/ntuple.py pass)" = 1 ]
	[ "$(count vnetmq drivers/net/hw/ntuple.py fail)" = 1 ]
	[ "$(count vnetmq drivers/net/hw/ntuple.py skip)" = 2 ]
	[ "$(count vnetmq drivers/net/hw/ntuple.py xfail)" = 1 ]
}

@test "mainline: a file dying before its plan counts one case" {
	printf 'Traceback\nlib.py.ksft.KsftXfailEx: Test does not work on netdevsim\n' |
		ktap netdevsim drivers/net/hw/rss_ctx.py
	printf 'Traceback\nKsftSkipEx: LOCAL_PREFIX_V6 required\n' |
		ktap netdevsim drivers/net/hw/nk_netns.py
	printf 'Traceback\nKeyError: x\n' | ktap veth drivers/net/hw/rss_ctx.py
	: | ktap vnetmq drivers/net/hw/rss_ctx.py
	run results
	[ "$status" -eq 0 ]
	[ "$(count netdevsim drivers/net/hw/rss_ctx.py xfail)" = 1 ]
	[ "$(count netdevsim drivers/net/hw/nk_netns.py skip)" = 1 ]
	[ "$(count veth drivers/net/hw/rss_ctx.py fail)" = 1 ]
	[ "$(count vnetmq drivers/net/hw/rss_ctx.py fail)" = 1 ]
}

@test "mainline: cases a plan announced and never reported fail" {
	printf 'TAP version 13\n1..4\nok 1 ping.a\n' | ktap veth drivers/net/ping.py
	run results
	[ "$status" -eq 0 ]
	[ "$(count veth drivers/net/ping.py pass)" = 1 ]
	[ "$(count veth drivers/net/ping.py fail)" = 3 ]
	[[ $output == *"drivers/net/ping.py"*"1/3/0/0"* ]]
}

@test "mainline: no plan file is an error that says where" {
	run python3 "$REPO/tools/mainline-results.py" \
		"$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/r.json"
	[ "$status" -eq 1 ]
	[[ $output == *"no plan in"* ]]
}
