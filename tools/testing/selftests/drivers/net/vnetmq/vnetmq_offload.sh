#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq pairs as two NICs on a wire, for their offloads: a datagram
# whose checksum the stack left to the device arrives with it filled in
# and reported verified (TP_STATUS_CSUM_VALID), or only filled in with
# the receiver's rx-checksumming (and GRO) off; one with a corrupted
# checksum is not reported verified; a TCP stream with TSO on is counted
# in the sender's tx-hw-gso-* qstats, as the frames it would be on a
# wire, and not with TSO off.  (A lone device's rx-checksumming stays
# fixed on: vnetmq_datapath.sh.)

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

A=vnmqoa0
B=vnmqob0
NS=vnetmq-offload
A_IP=192.0.2.1
B_IP=192.0.2.2
OFFLOAD=("$PY" "$VNETMQ_DIR/vnetmq_offload.py")
STREAM=$((4 * 1024 * 1024))

in_ns() {
	ip netns exec "$NS" "$@"
}

test_setup() {
	ip netns add "$NS" &&
		"$PY" "$VNETMQ_DIR/vnetmq_pair.py" "$A" "$B" --netns "$NS" \
			--queues 2 2 --peer-queues 2 2 &&
		ip addr add "$A_IP/24" dev "$A" && ip link set "$A" up &&
		in_ns ip addr add "$B_IP/24" dev "$B" &&
		in_ns ip link set "$B" up && in_ns ip link set lo up
}

# arrival [--bad]: how one datagram from A reached B's packet socket
# (vnetmq_offload.py watch's JSON).
arrival() {
	local out=$TMPDIR/offload-watch.out pid tries=50
	in_ns "${OFFLOAD[@]}" watch "$B" 9000 5 > "$out" 2>&1 &
	pid=$!
	until grep -q '^# ready' "$out"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { cat "$out"; return 1; }
		sleep 0.1
	done
	"${OFFLOAD[@]}" udp "$B_IP" 9000 "$@" || return 1
	wait "$pid" || { cat "$out"; return 1; }
	tail -n 1 "$out"
}

# expect_arrival JSON [--bad]: the datagram arrived as JSON says.
expect_arrival() {
	local got want=$1
	shift
	got=$(arrival "$@") || return 1
	echo "# $got"
	[ "$got" = "$want" ]
}

test_csum_filled_verified() {
	expect_arrival '{"frames": 1, "verified": true, "csum_ok": true}'
}

# GRO checks a UDP checksum itself, and a packet socket reports what it
# checked: GRO off, so that the report is the device's alone.
test_csum_rx_off() {
	in_ns ethtool -K "$B" rx off gro off || return 1
	expect_arrival '{"frames": 1, "verified": false, "csum_ok": true}'
	local rc=$?
	in_ns ethtool -K "$B" rx on gro on && return "$rc"
}

test_bad_csum_not_verified() {
	expect_arrival '{"frames": 1, "verified": false, "csum_ok": false}' \
		--bad
}

# gso_counts DEV: "SUPER WIRE", DEV's tx-hw-gso-packets and
# tx-hw-gso-wire-packets over its TX queues.
gso_counts() {
	local s
	s=$(qstats "$1") || return 1
	awk '$1 == "tx" && $3 == "tx-hw-gso-packets" { p += $4 }
	     $1 == "tx" && $3 == "tx-hw-gso-wire-packets" { w += $4 }
	     END { print p + 0, w + 0 }' <<< "$s"
}

# stream_gso: "SUPER WIRE" A counted for one STREAM-byte TCP stream to B.
stream_gso() {
	local out=$TMPDIR/offload-sink.out pid tries=50 before after
	# Not through in_ns: $! must be the sink itself, to kill it.
	ip netns exec "$NS" "${OFFLOAD[@]}" sink "$B_IP" 9001 > "$out" 2>&1 &
	pid=$!
	until grep -q '^# ready' "$out"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { cat "$out" >&2; kill "$pid"; return 1; }
		sleep 0.1
	done
	before=$(gso_counts "$A") &&
		"${OFFLOAD[@]}" stream "$B_IP" 9001 "$STREAM" &&
		after=$(gso_counts "$A")
	kill "$pid"
	wait "$pid" 2> /dev/null
	[ -n "$after" ] || return 1
	# shellcheck disable=SC2086
	set -- $before $after
	echo "$(($3 - $1)) $(($4 - $2))"
}

# As hw/tso.py: 90 % of the stream in 64 KiB frames, and in 1500-byte
# frames on the wire.
test_tso_counted() {
	local got
	ethtool -K "$A" tso on || return 1
	got=$(stream_gso) || return 1
	echo "# TSO on: $got (GSO frames, wire frames)"
	# shellcheck disable=SC2086
	set -- $got
	[ "$1" -ge $((STREAM * 9 / 10 / 65536)) ] &&
		[ "$2" -ge $((STREAM * 9 / 10 / 1500)) ]
}

test_tso_off_not_counted() {
	local got rc
	ethtool -K "$A" tso off || return 1
	got=$(stream_gso)
	rc=$?
	ethtool -K "$A" tso on || return 1
	[ "$rc" = 0 ] || return 1
	echo "# TSO off: $got (GSO frames, wire frames)"
	# shellcheck disable=SC2086
	set -- $got
	[ "$1" -lt 15 ]
}

cleanup() {
	ip link del "$A" 2> /dev/null
	ip netns del "$NS" 2> /dev/null
}

ktap_require_root
if ! ynl netdev --help > /dev/null 2>&1; then
	echo "1..0 # SKIP no YNL CLI and netdev spec (see lib.sh: ynl)"
	exit "$KSFT_SKIP"
fi
trap cleanup EXIT
ktap_plan 6
ktap_check "a pair, peer in another netns" test_setup
ktap_check "a partial checksum arrives filled in and verified" \
	test_csum_filled_verified
ktap_check "rx-checksumming off: filled in, not verified" test_csum_rx_off
ktap_check "a corrupted checksum is not verified" test_bad_csum_not_verified
ktap_check "a TSO stream is counted in tx-hw-gso-*" test_tso_counted
ktap_check "TSO off: no tx-hw-gso frames" test_tso_off_not_counted
ktap_finish
