#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq's life cycle: create a 4-TX/2-RX device through rtnetlink, send
# frames from a packet socket, check they come back and are counted,
# refuse queue counts beyond the limit with a message, delete the device.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

DEV=vnetmq0
FRAMES=64

queue_dirs() {
	find "/sys/class/net/$DEV/queues" -maxdepth 1 -name "$1-*" | wc -l
}

test_create() {
	ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq
}

test_queue_counts() {
	[ "$(queue_dirs tx)" -eq 4 ] && [ "$(queue_dirs rx)" -eq 2 ]
}

test_frames_loop_back() {
	local tx0 rx0 tx rx
	dev_up "$DEV" || return 1
	tx0=$(dev_stat "$DEV" tx_packets)
	rx0=$(dev_stat "$DEV" rx_packets)
	send_frames "$DEV" "$FRAMES" 2 > /dev/null || return 1
	tx=$(($(dev_stat "$DEV" tx_packets) - tx0))
	rx=$(($(dev_stat "$DEV" rx_packets) - rx0))
	echo "# sent $FRAMES: tx_packets +$tx, rx_packets +$rx"
	[ "$tx" -eq "$FRAMES" ] && [ "$rx" -eq "$FRAMES" ]
}

# Frames sent on TX queue q come back on RX queue q % 2, as counted by
# packet sockets in a PACKET_FANOUT_QM group, with the RX queue recorded.
test_queue_mapping() {
	local q got want
	for q in 0 1 2 3; do
		pin_tx_queue "$DEV" "$q" || return 1
		got=$(send_frames "$DEV" "$FRAMES" 2) || return 1
		if [ $((q % 2)) -eq 0 ]; then
			want="$FRAMES 0 0"
		else
			want="0 $FRAMES 0"
		fi
		echo "# tx-$q: rx-0 rx-1 unrecorded = $got"
		[ "$got" = "$want" ] || return 1
	done
	tc qdisc del dev "$DEV" clsact
}

# Link attributes out of range: refused with a message (vnetmq's for
# its queue limit and the address, the core's for the rest), and no
# device is left behind.
test_link_refused() {
	local rc=0 mk=(ip link add vnetmq1)
	refused "at most 256 TX queues" "${mk[@]}" numtxqueues 257 \
		type vnetmq || rc=1
	refused "at most 256 RX queues" "${mk[@]}" numrxqueues 257 \
		type vnetmq || rc=1
	refused "Invalid number of transmit queues" "${mk[@]}" \
		numtxqueues 0 type vnetmq || rc=1
	refused "Invalid Ethernet address length" "${mk[@]}" \
		address 02:00:00:00:00 type vnetmq || rc=1
	refused "Invalid unicast Ethernet address" "${mk[@]}" \
		address 01:00:5e:00:00:01 type vnetmq || rc=1
	refused "mtu less than device minimum" "${mk[@]}" mtu 67 \
		type vnetmq || rc=1
	refused "mtu greater than device maximum" "${mk[@]}" mtu 65536 \
		type vnetmq || rc=1
	[ ! -e /sys/class/net/vnetmq1 ] || rc=1
	return "$rc"
}

# Several devices at once, each with its own topology.
test_several_devices() {
	ip link add vnetmq1 numtxqueues 8 numrxqueues 8 type vnetmq &&
	ip link add vnetmq2 numtxqueues 1 numrxqueues 3 type vnetmq || return 1
	[ "$(ethtool -l vnetmq1 | awk '/^TX:/ { print $2; exit }')" -eq 8 ] &&
	[ "$(ethtool -l vnetmq2 | awk '/^RX:/ { print $2; exit }')" -eq 3 ]
}

# A device moved to another netns keeps working there, and goes away
# with that netns (the log scan catches a leaked reference).
test_netns_move() {
	local got
	ip netns add vnetmq-t || return 1
	ip link set vnetmq1 netns vnetmq-t || return 1
	[ ! -e /sys/class/net/vnetmq1 ] || return 1
	ip netns exec vnetmq-t \
		bash -c ". $VNETMQ_DIR/lib.sh && dev_up vnetmq1" || return 1
	got=$(ip netns exec vnetmq-t "$PY" "$VNETMQ_DIR/vnetmq_frames.py" \
		vnetmq1 --count 20 --rx-queues 8) || return 1
	echo "# in netns vnetmq-t: $got"
	[[ $got == *'"unrecorded": 0'* ]] && [[ $got == *'"sent": 20'* ]] &&
		ip netns del vnetmq-t && ip link del vnetmq2
}

test_delete() {
	ip link del "$DEV" && [ ! -e "/sys/class/net/$DEV" ]
}

ktap_require_root
ktap_plan 8
ktap_check "create a 4-TX/2-RX vnetmq device" test_create
ktap_check "sysfs shows 4 TX and 2 RX queues" test_queue_counts
ktap_check "frames from a packet socket are counted on TX and RX" \
	test_frames_loop_back
ktap_check "TX queue q arrives on RX queue q % 2" test_queue_mapping
ktap_check "link attributes out of range refused with a message" \
	test_link_refused
ktap_check "several devices at once" test_several_devices
ktap_check "move a device to another netns" test_netns_move
ktap_check "delete the device" test_delete
ktap_finish
