#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq's traffic classes (mqprio hw 1): a background flood on one TX
# queue next to a voice flow on another that feeds the same RX queue.
# With classes, every voice frame is delivered and its TX queue never
# stops; without them, the same flood stops it.  Then every map vnetmq
# cannot offload, each refused with its own message, and ethtool -L and
# -G with classes set.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

DEV=vnetmq0
VOICE=200
# 802.1D priorities to four WMM-like classes: background 0, best
# effort 1, video 2, voice 3.  Background owns TX queue 1 and voice TX
# queue 3: both loop back to RX queue 1.
MAP="1 0 0 1 2 2 3 3 1 1 1 1 1 1 1 1"
QUEUES="1@1 1@0 1@2 1@3"

# NAPI in threads of its own: run inline after each frame pktgen sends,
# on pktgen's CPU, it keeps every ring nearly empty, and no flood fills
# one.  A thread on another CPU is a consumer slower than the producer,
# as a real RX path is.
setup() {
	ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq &&
	dev_up "$DEV" &&
	echo 1 > "/sys/class/net/$DEV/threaded"
}

mqprio_add() {
	# shellcheck disable=SC2086 # MAP and QUEUES are word lists
	tc qdisc add dev "$DEV" root handle 100: mqprio num_tc 4 map $MAP \
		queues $QUEUES hw 1 mode dcb
}

# flood_with_voice PIN: pktgen floods background's TX queue 1 until the
# voice flow (VOICE frames at priority 6, 2 ms apart; pinned to TX queue
# 3 by tc if PIN) is done.  Prints the voice flow's result and the
# change of "tx QUEUE COUNTER" for voice (3) and background (1).
flood_with_voice() {
	local before after got q c
	before=$(qstats "$DEV") || return 1
	[ -z "$1" ] || pin_tx_queue "$DEV" 3 || return 1
	got=$(voice_beside_flood "$DEV" "$VOICE" \
		"$(qstat "$before" tx 1 tx-stop)")
	[ -z "$1" ] || tc qdisc del dev "$DEV" clsact
	after=$(qstats "$DEV") || return 1
	echo "voice $got"
	for q in 1 3; do
		for c in tx-packets tx-stop tx-hw-drops; do
			echo "tx $q $c $(($(qstat "$after" tx "$q" "$c") -
				$(qstat "$before" tx "$q" "$c")))"
		done
	done
}

# field OUT QUEUE COUNTER: a change flood_with_voice printed.
field() {
	awk -v q="$2" -v c="$3" \
		'$1 == "tx" && $2 == q && $3 == c { print $4 }' <<< "$1"
}

show() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<< "$1"
}

test_classes_protect_voice() {
	local out tc3
	mqprio_add || return 1
	tc3=$(ethtool_stat "$DEV" tc_3_rx_packets)
	out=$(flood_with_voice "") || { show "$out"; return 1; }
	show "$out"
	tc3=$(($(ethtool_stat "$DEV" tc_3_rx_packets) - tc3))
	echo "# voice class frames received: $tc3"
	[[ $out == *"\"rx_queues\": [0, $VOICE]"* ]] &&
	[ "$(field "$out" 3 tx-packets)" -eq "$VOICE" ] &&
	[ "$(field "$out" 3 tx-stop)" -eq 0 ] &&
	[ "$(field "$out" 1 tx-stop)" -gt 0 ] &&
	[ "$tc3" -eq "$VOICE" ]
}

# The same flood without classes: the voice queue shares the ring, and
# the flood stops it.  This is what the classes take away.  RX queue 1
# is paused (debugfs) until the flood has filled the ring and the first
# voice frame has stopped TX queue 3: a draining poll cannot hide the
# interference, however fast it runs.  Then every voice frame arrives.
test_without_classes_interference() {
	local knob before pg voice out rc=0
	tc qdisc del dev "$DEV" root || return 1
	knob=$(debugfs_dir "$DEV")/rx1_paused
	before=$(qstats "$DEV") || return 1
	pin_tx_queue "$DEV" 3 || return 1
	echo 1 > "$knob"
	pktgen_run "$DEV" 100000000 1 1 > /dev/null 2>&1 &
	pg=$!
	if wait_for 20 tx_stops_above "$DEV" 1 \
		"$(qstat "$before" tx 1 tx-stop)"; then
		"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" --count 20 \
			--rx-queues 2 --priority 6 --timeout 20 \
			> "$WORK/voice.json" &
		voice=$!
		wait_for 20 tx_stops_above "$DEV" 3 \
			"$(qstat "$before" tx 3 tx-stop)" || rc=1
	else
		echo "# no flood: TX queue 1 never stopped"
		rc=1
	fi
	echo 0 > "$knob"
	pktgen_stop
	wait "$pg"
	[ -z "$voice" ] || wait "$voice" || rc=1
	tc qdisc del dev "$DEV" clsact
	out=$(qstats "$DEV") || return 1
	echo "# voice $(cat "$WORK/voice.json" 2>/dev/null)"
	echo "# tx 3 tx-stop +$(($(qstat "$out" tx 3 tx-stop) -
		$(qstat "$before" tx 3 tx-stop)))"
	grep -q '"rx_queues": \[0, 20\]' "$WORK/voice.json" || rc=1
	return "$rc"
}

# mqprio_refused WANT ARGS...: mqprio ARGS must fail, tc printing WANT.
mqprio_refused() {
	local want=$1
	shift
	refused "$want" tc qdisc add dev "$DEV" root mqprio "$@" && return
	tc qdisc del dev "$DEV" root 2>/dev/null
	return 1
}

test_bad_maps() {
	local m=(map 0 1 2 3 0 0 0 0 0 0 0 0 0 0 0 0) rc=0
	mqprio_refused "needs TX queues 3-4; the device has 4" num_tc 4 \
		"${m[@]}" queues 1@0 1@1 1@2 2@3 hw 1 || rc=1
	mqprio_refused "classes 0 and 1 share TX queues" num_tc 4 "${m[@]}" \
		queues 2@0 1@1 1@2 1@3 hw 1 || rc=1
	mqprio_refused "9 traffic classes: vnetmq has at most 8" num_tc 9 \
		map 0 1 2 3 4 5 6 7 8 queues 1@0 1@1 1@2 1@3 1@0 1@1 1@2 \
		1@3 1@0 hw 1 || rc=1
	mqprio_refused "vnetmq has no rate limits" num_tc 2 map 0 1 \
		queues 2@0 2@2 hw 1 mode channel shaper bw_rlimit \
		max_rate 1Gbit 1Gbit || rc=1
	mqprio_add || return 1
	# A second offload while one is set: a new root qdisc asks for it
	# before the old one is gone.  (mqprio's clean-up of the refused
	# qdisc then sets the device's class count to 0: tc shows "tc 0",
	# while vnetmq keeps the old classes' rings until the old qdisc is
	# deleted.)
	if err=$(tc qdisc replace dev "$DEV" root handle 200: mqprio num_tc 2 \
		map 0 1 queues 2@0 2@2 hw 1 2>&1); then
		echo "# replaced"
		rc=1
	fi
	echo "# replace: $err"
	[[ $err == *"delete the mqprio qdisc first"* ]] || rc=1
	show "$(tc qdisc show dev "$DEV" root)"
	[[ $(tc qdisc show dev "$DEV" root) == *"mqprio 100: root"* ]] &&
		[ "$(ethtool -S "$DEV" | grep -c "tc_._rx_packets")" -eq 4 ] ||
		rc=1
	return "$rc"
}

# With classes: ethtool -L may not take a class's TX queue (the log says
# why), may change the RX queues; ethtool -G needs room for every class.
test_channels_and_rings_with_classes() {
	local log0 err rc=0
	log0=$(dmesg | wc -l)
	if ethtool -L "$DEV" combined 2 tx 1 2> /dev/null; then
		echo "# ethtool -L took a TX queue of a class"
		rc=1
	fi
	dmesg | tail -n +$((log0 + 1)) | sed 's/^/# /'
	dmesg | tail -n +$((log0 + 1)) |
		grep -q "cannot go below 4 TX queues" || rc=1
	ethtool -L "$DEV" combined 1 tx 3 || rc=1
	[ "$(ethtool_stat "$DEV" tc_3_rx_packets)" -ge "$VOICE" ] || rc=1
	send_frames "$DEV" 50 1 > /dev/null || rc=1
	ethtool -L "$DEV" combined 2 tx 2 || rc=1
	if err=$(ethtool -G "$DEV" rx 7 2>&1); then
		echo "# ring size 7 accepted with 4 classes"
		rc=1
	fi
	echo "# ethtool -G rx 7: $err"
	[[ $err == *"below 8: 4 classes, up to 1 TX queues per ring"* ]] ||
		rc=1
	ethtool -G "$DEV" rx 8 || rc=1
	ethtool -G "$DEV" rx 256 || rc=1
	return "$rc"
}

# tc qdisc del: one class again, the per-class counters are gone, and
# frames still loop back.
test_delete_returns_to_one_class() {
	local got
	tc qdisc del dev "$DEV" root || return 1
	got=$(send_frames "$DEV" 20 2) || return 1
	echo "# 20 frames sent, back per RX queue and unrecorded: $got"
	! ethtool -S "$DEV" | grep -q tc_ &&
	! tc qdisc show dev "$DEV" | grep -q mqprio &&
	[ $((${got// /+})) -eq 20 ]
}

cleanup() {
	rm -rf "$WORK"
	pktgen_stop 2>/dev/null
	ip link del "$DEV" 2>/dev/null
}

ktap_require_root
WORK=$(mktemp -d) || exit 1
trap cleanup EXIT
ktap_plan 6
ktap_check "create and bring up a 4-TX/2-RX device" setup
ktap_check "mqprio hw 1: a background flood leaves voice alone" \
	test_classes_protect_voice
ktap_check "no classes: the same flood stops the voice queue" \
	test_without_classes_interference
ktap_check "maps that do not fit are refused with a message" test_bad_maps
ktap_check "ethtool -L and -G with classes set" \
	test_channels_and_rings_with_classes
ktap_check "tc qdisc del returns to one class" \
	test_delete_returns_to_one_class
ktap_finish
