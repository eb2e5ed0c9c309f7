# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the vnetmq selftests share: KTAP output in the kselftest format,
# and small helpers to make a device and drive frames through it.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

VNETMQ_DIR=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
PY=${PY:-/usr/bin/python3}

ktap_n=0
ktap_fail=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_fail=$((ktap_fail + 1))
	echo "not ok $ktap_n $*"
}

# ktap_check DESC CMD...: one test point, passing iff CMD succeeds.
ktap_check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc"
	fi
}

ktap_finish() {
	echo "# $((ktap_n - ktap_fail)) passed, $ktap_fail failed"
	[ "$ktap_fail" -eq 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}

ktap_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root"
		exit "$KSFT_SKIP"
	fi
}

# dev_stat DEV NAME: one counter from /sys/class/net/DEV/statistics.
dev_stat() {
	cat "/sys/class/net/$1/statistics/$2"
}

# dev_up DEV: bring DEV up without IPv6 autoconfiguration, so that the
# only frames on the device are the ones a test sends.
dev_up() {
	echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	ip link set dev "$1" up
}

# pin_tx_queue DEV Q: every frame DEV transmits from now on uses TX queue Q.
# (matchall filters cannot be replaced in place: delete, then add.)
pin_tx_queue() {
	tc qdisc replace dev "$1" clsact || return 1
	if [ -n "$(tc filter show dev "$1" egress)" ]; then
		tc filter del dev "$1" egress || return 1
	fi
	tc filter add dev "$1" egress pref 1 matchall \
		action skbedit queue_mapping "$2"
}

# send_frames DEV COUNT RXQ: send COUNT frames from a packet socket and
# print how many came back on each of RXQ RX queues, space separated,
# then how many came back with no RX queue recorded.
send_frames() {
	"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$1" --count "$2" \
		--rx-queues "$3" |
		"$PY" -c 'import json, sys; r = json.load(sys.stdin); print(*r["rx_queues"], r["unrecorded"])'
}
