#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq pairs: create one with a single rtnetlink request
# (vnetmq_pair.py), its peer in another netns; ping across; check
# that each TX queue lands on the peer's RX queue of the same number and
# that qstats count it there; take the carrier away with the peer; change
# the peer's queues under traffic; delete an end, then a netns, while
# pktgen floods the pair; and create a pair without privileges in a user
# namespace of its own, but not reach into the initial netns from there.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

A=vnmqa0
B=vnmqb0
NS=vnetmq-pair
FRAMES=64

# pair_add NAME PEER [NETNS | pid:PID]: one RTM_NEWLINK for both ends,
# the peer in NETNS or in the netns of process PID.
pair_add() {
	local where=${3:-}
	case $where in
	"") "$PY" "$VNETMQ_DIR/vnetmq_pair.py" "$1" "$2" ;;
	pid:*) "$PY" "$VNETMQ_DIR/vnetmq_pair.py" "$1" "$2" \
		--netns-pid "${where#pid:}" ;;
	*) "$PY" "$VNETMQ_DIR/vnetmq_pair.py" "$1" "$2" --netns "$where" ;;
	esac
}

in_ns() {
	ip netns exec "$NS" "$@"
}

test_create() {
	ip netns add "$NS" && pair_add "$A" "$B" "$NS" &&
		in_ns ip link show "$B" > /dev/null
}

# Each end names the other: ip shows A@B with the peer's netns.
test_link_info() {
	local a b
	a=$(ip -d link show "$A") || return 1
	b=$(in_ns cat "/sys/class/net/$B/ifindex") || return 1
	echo "# $(head -1 <<< "$a" | cut -c 1-72)"
	[ "$(cat "/sys/class/net/$A/iflink")" = "$b" ] &&
		[[ $a == *"link-netns $NS"* ]]
}

no_carrier() {
	ip link show "$1" | grep -q NO-CARRIER
}

has_carrier() {
	! no_carrier "$1"
}

test_no_carrier_alone() {
	dev_up "$A" || return 1
	wait_for 10 no_carrier "$A"
}

test_ping_across() {
	in_ns sh -c "echo 1 > /proc/sys/net/ipv6/conf/$B/disable_ipv6" &&
		in_ns ip link set "$B" up &&
		ip addr add 192.0.2.1/24 dev "$A" &&
		in_ns ip addr add 192.0.2.2/24 dev "$B" &&
		wait_for 10 has_carrier "$A" &&
		ping -q -c 5 -i 0.2 -W 2 192.0.2.2 > /dev/null &&
		in_ns ping -q -c 5 -i 0.2 -W 2 192.0.2.1 > /dev/null
}

# b_rxq_packets Q: rx-packets of B's RX queue Q, from qstats in its netns.
b_rxq_packets() {
	in_ns bash -c ". '$VNETMQ_DIR/lib.sh';
		qstat \"\$(qstats $B)\" rx $1 rx-packets"
}

# a_txq_packets Q: tx-packets of A's TX queue Q.
a_txq_packets() {
	qstat "$(qstats "$A")" tx "$1" tx-packets
}

# Every TX queue of A reaches B, which steers what it receives
# (vnetmq_rss.sh tests how): B's RX queues count, in qstats, what A's
# TX queues counted.  Queue q sends (q + 1) x FRAMES.  B's counters are
# read first: a frame of A's own (ARP) sent between the two reads then
# counts on B's side only, within the few the upper bound allows.
test_queues_reach_peer() {
	local q rx0 tx0=0 tx=0 rx
	rx0=$(b_rx_total) || return 1
	for q in 0 1 2 3; do
		tx0=$((tx0 + $(a_txq_packets "$q"))) || return 1
	done
	for q in 0 1 2 3; do
		pktgen_run "$A" $(((q + 1) * FRAMES)) "$q" "$q" > /dev/null ||
			return 1
	done
	for q in 0 1 2 3; do
		tx=$((tx + $(a_txq_packets "$q")))
	done
	tx=$((tx - tx0))
	[ "$tx" -ge $((10 * FRAMES)) ] || return 1
	wait_for 5 b_rx_total_reached $((rx0 + tx)) || true
	rx=$(($(b_rx_total) - rx0))
	echo "# $A tx: $tx; $B rx: $rx"
	[ "$rx" -ge "$tx" ] && [ "$rx" -le $((tx + 8)) ]
}

# b_rx_total: what B's two RX queues have counted in all.
b_rx_total() {
	echo $(($(b_rxq_packets 0) + $(b_rxq_packets 1)))
}

b_rx_total_reached() {
	[ "$(b_rx_total)" -ge "$1" ]
}

test_peer_down_takes_carrier() {
	in_ns ip link set "$B" down && wait_for 10 no_carrier "$A" &&
		in_ns ip link set "$B" up && wait_for 10 has_carrier "$A"
}

# ethtool -L on B (4 TX, 2 RX queues) while A pings it, every 0.3 s for
# 3 s: one RX queue, then two, ...  No echo is lost: a change delivers
# what waits on the rings.
test_peer_channels_under_traffic() {
	local pid rc=0 i out
	out=$(mktemp)
	ping -q -i 0.01 -c 300 -W 2 192.0.2.2 > "$out" &
	pid=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.3
		if [ $((i % 2)) = 1 ]; then
			in_ns ethtool -L "$B" combined 1 tx 3 || rc=1
		else
			in_ns ethtool -L "$B" combined 2 tx 2 || rc=1
		fi
	done
	wait "$pid" || rc=1
	echo "# $(grep -o '[0-9]* received.*loss' "$out")"
	grep -q ' 0% packet loss' "$out" || rc=1
	rm -f "$out"
	return "$rc"
}

# flood_then DELETE...: pktgen floods A; DELETE runs under it.  Both
# ends must be gone afterwards.
flood_then() {
	local pg rc=0
	pktgen_run "$A" 100000000 0 3 > /dev/null 2>&1 &
	pg=$!
	wait_for 20 pktgen_running "$A" || rc=1
	sleep 0.3
	"$@" || rc=1
	# A peer in another netns is unregistered by that netns's own work.
	wait_for 10 test ! -e "/sys/class/net/$A" || rc=1
	pktgen_stop
	wait "$pg"
	return "$rc"
}

test_delete_peer_under_traffic() {
	flood_then in_ns ip link del "$B" || return 1
	! in_ns ip link show "$B" 2> /dev/null
}

test_delete_netns_under_traffic() {
	pair_add "$A" "$B" "$NS" && dev_up "$A" &&
		in_ns ip link set "$B" up || return 1
	flood_then ip netns del "$NS"
}

# Unprivileged: a pair inside a user and network namespace of one's own
# is allowed; its peer in the initial netns is not.
test_unprivileged() {
	local rc=0
	unshare -U -r -n bash -c ". $VNETMQ_DIR/lib.sh;
		$(declare -f pair_add); pair_add u0 u1 &&
		ip link show u1 > /dev/null && ip link del u0 &&
		! ip link show u1 2> /dev/null" || rc=1
	refused "Operation not permitted" unshare -U -r -n bash -c \
		". $VNETMQ_DIR/lib.sh; $(declare -f pair_add);
		pair_add u0 u1 pid:1" || rc=1
	return "$rc"
}

rx_reached() {
	[ "$(dev_stat "$1" rx_packets)" -ge "$2" ]
}

# A peer created up waits, without carrier, for its end; up, both run.
test_peer_created_up() {
	local rc=0
	"$PY" "$VNETMQ_DIR/vnetmq_pair.py" u0 u1 --peer-up || return 1
	wait_for 10 no_carrier u1 || rc=1
	dev_up u0 && wait_for 10 has_carrier u1 || rc=1
	pktgen_run u0 "$FRAMES" 0 3 > /dev/null || rc=1
	wait_for 5 rx_reached u1 "$FRAMES" || rc=1
	echo "# u0 tx_packets $(dev_stat u0 tx_packets)," \
		"u1 rx_packets $(dev_stat u1 rx_packets)"
	ip link del u0 || rc=1
	return "$rc"
}

test_name_taken() {
	ip link add "$A" type vnetmq || return 1
	refused "File exists" pair_add x0 "$A" || return 1
	! ip link show x0 2> /dev/null && ip link del "$A"
}

cleanup() {
	pktgen_stop 2> /dev/null
	ip link del "$A" 2> /dev/null
	ip netns del "$NS" 2> /dev/null
}

ktap_require_root
if ! ynl netdev --help > /dev/null 2>&1; then
	echo "1..0 # SKIP no YNL CLI and netdev spec (see lib.sh: ynl)"
	exit "$KSFT_SKIP"
fi
trap cleanup EXIT
ktap_plan 12
ktap_check "create a pair, peer in another netns" test_create
ktap_check "each end links to the other" test_link_info
ktap_check "an end alone has no carrier" test_no_carrier_alone
ktap_check "ping across the pair" test_ping_across
ktap_check "every TX queue reaches the peer's RX queues" \
	test_queues_reach_peer
ktap_check "the peer going down takes the carrier" \
	test_peer_down_takes_carrier
ktap_check "ethtool -L on the peer under traffic" \
	test_peer_channels_under_traffic
ktap_check "delete the peer under pktgen: both ends go" \
	test_delete_peer_under_traffic
ktap_check "delete the peer's netns under pktgen: both ends go" \
	test_delete_netns_under_traffic
ktap_check "unprivileged pair in a user namespace; not into init_net" \
	test_unprivileged
ktap_check "a peer created up waits for its end" test_peer_created_up
ktap_check "a taken peer name is refused, nothing left" test_name_taken
ktap_finish
