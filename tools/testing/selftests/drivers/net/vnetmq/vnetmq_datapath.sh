#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq's datapath on a real device: per-queue delivery and counters,
# ethtool -L and -G under traffic, qstats over netdev netlink, and
# recovery from a TX timeout provoked through debugfs.  Then RX
# coalescing (ethtool -C), and the values ethtool -C, -L and -G refuse.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

DEV=vnetmq0
FRAMES=200

setup() {
	ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq &&
	dev_up "$DEV"
}

# Frames pinned to TX queue q come back on RX queue (q % 2) and nowhere
# else (the receivers' own count), qstats count them on both queues, and
# the kernel log says nothing about them (no per-frame logging).  One
# qstats read before and one after: each takes seconds under UML.
test_per_queue_counters() {
	local q before after got want log0 rc=0
	log0=$(dmesg | wc -l)
	before=$(qstats "$DEV") || return 1
	for q in 0 1 2 3; do
		pin_tx_queue "$DEV" "$q" || return 1
		got=$(send_frames "$DEV" "$FRAMES" 2) || return 1
		want="$FRAMES 0 0"
		[ $((q % 2)) -eq 0 ] || want="0 $FRAMES 0"
		echo "# tx-$q: back per RX queue and unrecorded: $got"
		[ "$got" = "$want" ] || rc=1
	done
	after=$(qstats "$DEV") || return 1
	tc qdisc del dev "$DEV" clsact
	for q in 0 1 2 3; do
		got=$(($(qstat "$after" tx "$q" tx-packets) -
		       $(qstat "$before" tx "$q" tx-packets)))
		echo "# tx queue $q tx-packets +$got"
		[ "$got" -eq "$FRAMES" ] || rc=1
	done
	for q in 0 1; do
		got=$(($(qstat "$after" rx "$q" rx-packets) -
		       $(qstat "$before" rx "$q" rx-packets)))
		echo "# rx queue $q rx-packets +$got"
		[ "$got" -eq $((2 * FRAMES)) ] || rc=1
	done
	echo "# kernel log lines while sending: $(($(dmesg | wc -l) - log0))"
	[ "$(dmesg | wc -l)" -eq "$log0" ] && [ "$rc" -eq 0 ]
}

# What went in came out or was counted as dropped.
counters_add_up() {
	local tx rx drops refused
	tx=$(dev_stat "$DEV" tx_packets)
	rx=$(dev_stat "$DEV" rx_packets)
	drops=$(dev_stat "$DEV" rx_dropped)
	# Frames refused at transmit never reached a ring: a sender that
	# picked a TX queue ethtool -L then took away (pktgen) has them
	# dropped, not counted in tx_packets.
	refused=$(dev_stat "$DEV" tx_dropped)
	echo "# tx $tx = rx $rx + dropped $drops; refused: $refused"
	[ "$tx" -eq $((rx + drops)) ]
}

# flood_start: pktgen sends on every TX queue until flood_stop; its pid
# in PG.
flood_start() {
	pktgen_run "$DEV" 0 0 3 &
	PG=$!
	sleep 0.5
}

# flood_stop: end the flood, which must still be running (pktgen has not
# given up); then every frame it sent has left the rings, counted.
flood_stop() {
	local rc=0
	pktgen_running "$DEV" || { echo "# pktgen stopped early"; rc=1; }
	pktgen_stop
	wait "$PG" || rc=1
	[ "$rc" -eq 0 ] && wait_for 5 counters_add_up
}

# ethtool -L while pktgen sends on every TX queue: the counts change, no
# frame is lost uncounted, and the totals still add up.
test_channels_under_traffic() {
	local rc=0 n
	flood_start
	ethtool -L "$DEV" combined 0 rx 1 tx 2 || rc=1
	n=$(find "/sys/class/net/$DEV/queues" -name "rx-*" | wc -l)
	[ "$n" -eq 1 ] || rc=1
	sleep 0.3
	ethtool -L "$DEV" combined 2 tx 1 rx 0 || rc=1
	sleep 0.3
	ethtool -L "$DEV" combined 1 tx 3 rx 1 || rc=1
	sleep 0.3
	ethtool -l "$DEV" | sed 's/^/# /'
	flood_stop && [ "$rc" -eq 0 ]
}

# ethtool -G while traffic flows, and a size the topology cannot use.
test_rings_under_traffic() {
	local rc=0 err n
	flood_start
	ethtool -G "$DEV" rx 16 || rc=1
	sleep 0.3
	ethtool -G "$DEV" rx 1024 || rc=1
	sleep 0.3
	flood_stop || rc=1
	n=$(ethtool -g "$DEV" | awk '/^RX:/ { v = $2 } END { print v }')
	[ "$n" -eq 1024 ] || rc=1
	if err=$(ethtool -G "$DEV" rx 3 2>&1); then
		echo "# ring size 3 was accepted"
		rc=1
	fi
	echo "# ethtool said: $err"
	[[ $err == *"below 4"* ]] && [ "$rc" -eq 0 ]
}

# netdev netlink: each queue is served by a NAPI, and per-queue qstats
# plus the base agree with ip -s link, also after ethtool -L shrank it.
test_qstats() {
	local ifindex out rc
	ifindex=$(cat "/sys/class/net/$DEV/ifindex")
	ethtool -L "$DEV" combined 1 tx 1 || return 1
	out=$(ynl_netdev --dump queue-get --json "{\"ifindex\": $ifindex}")
	rc=$?
	if [ "$rc" -eq 2 ]; then
		echo "# no YNL CLI: install the tests, or set VNETMQ_KSRC"
		return 1
	fi
	[ "$rc" -eq 0 ] || return 1
	echo "# queues: $out"
	"$PY" -c 'import json, sys
q = json.loads(sys.argv[1])
assert len(q) == 3, q
assert all("napi-id" in e for e in q), q' "$out" || return 1
	out=$(ynl_netdev --dump qstats-get --json "{\"ifindex\": $ifindex}") ||
		return 1
	echo "# device qstats: $out"
	"$PY" -c 'import json, sys
s = json.loads(sys.argv[1])[0]
want = [int(x) for x in sys.argv[2:]]
got = [s["rx-packets"], s["rx-bytes"], s["tx-packets"], s["tx-bytes"]]
assert got == want, (got, want)' "$out" \
		"$(dev_stat "$DEV" rx_packets)" "$(dev_stat "$DEV" rx_bytes)" \
		"$(dev_stat "$DEV" tx_packets)" "$(dev_stat "$DEV" tx_bytes)" ||
		return 1
	ethtool -L "$DEV" combined 2 tx 2
}

# TX skbs become RX skbs, so the device must not advertise
# IFF_TX_SKB_SHARING: pktgen refuses to send one skb several times.
test_no_skb_sharing() {
	local pg=/proc/net/pktgen
	pktgen_attach "$DEV" || return 1
	if echo "clone_skb 10" > "$pg/$DEV" 2>/dev/null; then
		echo "# pktgen accepted clone_skb 10"
		return 1
	fi
	echo "rem_device_all" > "$pg/kpktgend_0"
}

timeouts_fired() {
	[ "$(ethtool_stat "$DEV" tx_queue_0_timeouts)" -ge "$1" ]
}

# vnetmq's own line about a TX timeout (the core logs one too).
kicks_logged() {
	dmesg | grep -c "$DEV: TX queue 0 timed out.*kicking its NAPI"
}

# Pause RX queue 0 (debugfs): its 16-frame ring fills, TX queue 0 stops,
# the watchdog fires and the timeout handler kicks the NAPI, saying so
# unless ethtool -s msglvl took tx_err away.  Unpausing kicks nothing;
# the next timeout's kick drains the ring, wakes the queue and every
# frame arrives.
test_tx_timeout_recovery() {
	local knob sender got said n rc=0
	knob=$(debugfs_dir "$DEV")/rx0_paused
	[ -f "$knob" ] || { echo "# no $knob"; return 1; }
	ethtool -G "$DEV" rx 16 || return 1
	pin_tx_queue "$DEV" 0 || return 1
	echo 1 > "$knob"
	"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" --count 50 --rx-queues 2 \
		--timeout 20 > "$WORK/timeout.json" &
	sender=$!
	wait_for 10 timeouts_fired 1 || rc=1
	echo "# tx_queue_0_timeouts: $(ethtool_stat "$DEV" tx_queue_0_timeouts)"
	ethtool -s "$DEV" msglvl tx_err off || rc=1
	sleep 1
	said=$(kicks_logged)
	n=$(ethtool_stat "$DEV" tx_queue_0_timeouts)
	wait_for 10 timeouts_fired $((n + 1)) || rc=1
	echo "# msglvl tx_err off: logged $said, then $(kicks_logged)"
	[ "$said" -ge 1 ] && [ "$(kicks_logged)" -eq "$said" ] || rc=1
	ethtool -s "$DEV" msglvl tx_err on || rc=1
	echo 0 > "$knob"
	wait "$sender" || rc=1
	got=$(cat "$WORK/timeout.json")
	echo "# after unpausing: $got"
	[[ $got == *'"rx_queues": [50, 0]'* ]] || rc=1
	[ "$(qstat "$(qstats "$DEV")" tx 0 tx-stop)" -ge 1 ] || rc=1
	tc qdisc del dev "$DEV" clsact
	ethtool -G "$DEV" rx 256
	return "$rc"
}

# gro_run KNOB [--tap]
gro_run() {
	echo 1 > "$1" &&
	"$PY" "$VNETMQ_DIR/vnetmq_gro.py" "$DEV" --segments 8 --unpause "$@"
}

# ethtool -K gro: on, the 8 segments of one TCP flow that reach a poll
# together come up merged (BQL may hold a few back for a second poll);
# off, each comes up on its own.  With a packet tap open (tcpdump) every
# frame sent is a clone, which GRO must not merge into: it comes up
# whole, and the boot's kmemleak scan finds no head left behind.
# rx-checksumming is fixed: a looped-back frame keeps its checksum state
# either way.
test_gro() {
	local knob on off tap
	knob=$(debugfs_dir "$DEV")/rx0_paused
	pin_tx_queue "$DEV" 0 || return 1
	ethtool -K "$DEV" gro on && on=$(gro_run "$knob") &&
	tap=$(gro_run "$knob" --tap) &&
	ethtool -K "$DEV" gro off && off=$(gro_run "$knob") || return 1
	ethtool -K "$DEV" gro on
	tc qdisc del dev "$DEV" clsact
	echo "# gro on: $on"
	echo "# gro on, a tap open: $tap"
	echo "# gro off: $off"
	"$PY" -c 'import json, sys
on, tap, off = (json.loads(a) for a in sys.argv[1:])
assert on["received"] < 8 and max(on["lengths"]) > 154, on
assert sum(tap["lengths"]) == 8 * 154 - (8 - tap["received"]) * 54, tap
assert off["lengths"] == [154] * 8, off' "$on" "$tap" "$off" &&
		ethtool -k "$DEV" | grep -q "rx-checksumming: on \[fixed\]"
}

# coal_frames_per_poll FRAMES: pktgen sends FRAMES on TX queue 0; prints
# the frames RX queue 0 received per NAPI poll, times 10.
coal_frames_per_poll() {
	local polls rx
	polls=$(ethtool_stat "$DEV" rx_queue_0_polls)
	rx=$(dev_stat "$DEV" rx_packets)
	pktgen_run "$DEV" "$1" 0 0 || return 1
	polls=$(($(ethtool_stat "$DEV" rx_queue_0_polls) - polls))
	rx=$(($(dev_stat "$DEV" rx_packets) - rx))
	echo "# $(ethtool -c "$DEV" | grep -E '^rx-(usecs|frames):' |
		tr -s '\t\n' '  '): $rx frames, $polls polls" >&2
	echo $((rx * 10 / (polls ? polls : 1)))
}

# ethtool -C: the defaults are rx-frames 64, rx-usecs 200.  rx-frames 16
# with a timer too long to fire batches frames (6 or more a poll: a poll
# that finds the ring refilling also ends a batch early), rx-usecs 0
# polls every frame, and below rx-frames the timer delivers the frames.
# The batches are counted under threaded NAPI, whose polls run on another
# CPU than pktgen's, so no frame goes at once for want of company, as a
# frame pktgen takes longer to make than a poll takes would.
test_coalesce() {
	local batched single got rc=0
	local threaded=/sys/class/net/$DEV/threaded
	ethtool -c "$DEV" | grep -qE '^rx-usecs:[[:space:]]+200$' &&
	ethtool -c "$DEV" | grep -qE '^rx-frames:[[:space:]]+64$' || rc=1
	ethtool -C "$DEV" rx-frames 16 rx-usecs 10000 || return 1
	echo 1 > "$threaded" || return 1
	batched=$(coal_frames_per_poll 4000) || rc=1
	echo 0 > "$threaded" || rc=1
	[ -n "$batched" ] || return 1
	ethtool -C "$DEV" rx-usecs 0 || return 1
	single=$(coal_frames_per_poll 4000) || return 1
	echo "# frames per poll x10: batched $batched, every frame $single"
	[ "$batched" -ge 60 ] && [ "$single" -le 15 ] || rc=1
	ethtool -C "$DEV" rx-frames 64 rx-usecs 1000 || return 1
	pin_tx_queue "$DEV" 0 || return 1
	got=$(send_frames "$DEV" 3 2) || rc=1
	tc qdisc del dev "$DEV" clsact
	echo "# 3 frames, 64 wanted for a poll: back per RX queue $got"
	[ "$got" = "3 0 0" ] || rc=1
	ethtool -C "$DEV" rx-frames 64 rx-usecs 200 || rc=1
	return "$rc"
}

# Values out of range are refused with the range, parameters vnetmq has
# not by the core (supported_coalesce_params), and a refusal changes
# nothing.
test_coalesce_refused() {
	local before rc=0
	before=$(ethtool -c "$DEV")
	refused "rx-frames 0 is out of range: 1 to 64" \
		ethtool -C "$DEV" rx-frames 0 || rc=1
	refused "rx-frames 65 is out of range" \
		ethtool -C "$DEV" rx-frames 65 || rc=1
	refused "rx-usecs 10001 is out of range: 0 to 10000" \
		ethtool -C "$DEV" rx-usecs 10001 || rc=1
	refused "cannot modify an unsupported parameter" \
		ethtool -C "$DEV" tx-usecs 5 || rc=1
	[ "$(ethtool -c "$DEV")" = "$before" ] || rc=1
	return "$rc"
}

# ethtool -L and -G values of 0 and above the maximum: the core refuses
# what exceeds the maxima vnetmq reports, vnetmq what they allow but the
# device cannot be (its log says why: set_channels has no extack), and a
# refusal changes nothing.
test_limits_refused() {
	local before log0 rc=0
	before=$(ethtool -l "$DEV"; ethtool -g "$DEV")
	log0=$(dmesg | wc -l)
	refused "would result in no RX or TX channel" \
		ethtool -L "$DEV" combined 0 || rc=1
	refused "requested channel count exceeds maximum" \
		ethtool -L "$DEV" combined 3 || rc=1
	refused "Invalid argument" ethtool -L "$DEV" combined 2 tx 3 || rc=1
	dmesg | tail -n "+$((log0 + 1))" |
		grep -q "channels ask for 5 TX and 2 RX queues" || rc=1
	refused "RX ring size 0 is below 4: 2 TX queues share an RX queue" \
		ethtool -G "$DEV" rx 0 || rc=1
	refused "requested ring size exceeds maximum" \
		ethtool -G "$DEV" rx 4097 || rc=1
	[ "$(ethtool -l "$DEV"; ethtool -g "$DEV")" = "$before" ] || rc=1
	return "$rc"
}

cleanup() {
	rm -rf "$WORK"
	ip link del "$DEV" 2>/dev/null
}

ktap_require_root
WORK=$(mktemp -d) || exit 1
trap cleanup EXIT
ktap_plan 11
ktap_check "create and bring up a 4-TX/2-RX device" setup
ktap_check "per-queue counters follow the mapping" test_per_queue_counters
ktap_check "ethtool -L under pktgen traffic" test_channels_under_traffic
ktap_check "ethtool -G under pktgen traffic" test_rings_under_traffic
ktap_check "netdev netlink queues and qstats" test_qstats
ktap_check "pktgen clone_skb refused (no IFF_TX_SKB_SHARING)" \
	test_no_skb_sharing
ktap_check "TX timeout recovery" test_tx_timeout_recovery
ktap_check "ethtool -K gro on merges a TCP flow, not a tap's clones" \
	test_gro
ktap_check "ethtool -C batches frames per poll, or polls every frame" \
	test_coalesce
ktap_check "ethtool -C values out of range refused with the range" \
	test_coalesce_refused
ktap_check "ethtool -L and -G values of 0 and above the maximum refused" \
	test_limits_refused
ktap_finish
