#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq receive steering, on the receiving end B of a pair whose peer A
# floods it with pktgen: the default RSS table spreads flows over B's RX
# queues; ethtool -X equal and weight move them; rx-flow-hash without
# ports keeps a host pair on one queue; ntuple rules (ethtool -N) put a
# flow on a queue, drop it, or spread it through an RSS context; the
# core keeps ethtool -L from stranding a table; a lone device refuses
# steering; and a pair in a user namespace of one's own steers too.
# B's qstats count where each frame landed.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

A=vnmqra0
B=vnmqrb0
NS=vnetmq-rss
FRAMES=2000
# pktgen's frames go to UDP port 9; these make one flow per source port.
RANDOM_FLOWS=("flag UDPSRC_RND" "udp_src_min 1024" "udp_src_max 65000")

in_ns() {
	ip netns exec "$NS" "$@"
}

# rx_counts: B's four RX queues' rx-packets, on one line.
rx_counts() {
	local stats q out=()
	stats=$(in_ns bash -c ". '$VNETMQ_DIR/lib.sh'; qstats $B") || return 1
	for q in 0 1 2 3; do
		out+=("$(qstat "$stats" rx "$q" rx-packets)")
	done
	echo "${out[*]}"
}

# flood [SETTING...]: FRAMES frames from A over its four TX queues, then
# print how many each of B's RX queues took meanwhile.
flood() {
	local before after i
	read -ra before <<< "$(rx_counts)" || return 1
	pktgen_run "$A" "$FRAMES" 0 3 "$@" > /dev/null || return 1
	wait_for 5 flood_landed "${before[@]}" || true
	read -ra after <<< "$(rx_counts)" || return 1
	for i in 0 1 2 3; do
		printf '%s ' $((after[i] - before[i]))
	done
	echo
}

flood_landed() {
	local now sum=0 i
	read -ra now <<< "$(rx_counts)" || return 1
	for i in 0 1 2 3; do
		sum=$((sum + now[i] - $1))
		shift
	done
	[ "$sum" -ge "$FRAMES" ]
}

# landed COUNTS WANT...: queue i took at least WANT[i] frames when
# WANT[i] is a number, and none when it is 0; "-" leaves it unchecked.
landed() {
	local got i=0 w
	read -ra got <<< "$1"
	shift
	echo "# rx per queue: ${got[*]}"
	for w in "$@"; do
		case $w in
		-) ;;
		0) [ "${got[i]}" -le 4 ] || return 1 ;;
		*) [ "${got[i]}" -ge "$w" ] || return 1 ;;
		esac
		i=$((i + 1))
	done
}

test_create() {
	local no6=/proc/sys/net/ipv6/conf/$B/disable_ipv6
	ip netns add "$NS" &&
		"$PY" "$VNETMQ_DIR/vnetmq_pair.py" "$A" "$B" --netns "$NS" \
			--queues 4 4 --peer-queues 4 4 &&
		in_ns sh -c "echo 1 > $no6" &&
		in_ns ip link set "$B" up && dev_up "$A" &&
		in_ns ethtool -x "$B" | grep -q "with 4 RX ring"
}

test_default_spreads() {
	local c
	c=$(flood "${RANDOM_FLOWS[@]}") || return 1
	landed "$c" $((FRAMES / 10)) $((FRAMES / 10)) $((FRAMES / 10)) \
		$((FRAMES / 10))
}

test_equal_and_weight() {
	local c
	in_ns ethtool -X "$B" equal 1 || return 1
	c=$(flood "${RANDOM_FLOWS[@]}") || return 1
	landed "$c" "$FRAMES" 0 0 0 || return 1
	in_ns ethtool -X "$B" weight 0 0 1 3 || return 1
	c=$(flood "${RANDOM_FLOWS[@]}") || return 1
	landed "$c" 0 0 $((FRAMES / 10)) $((FRAMES / 2)) || return 1
	in_ns ethtool -X "$B" default
}

# Hashing UDP on addresses alone: every source port, one queue.
test_flow_hash_fields() {
	local c out
	in_ns ethtool -N "$B" rx-flow-hash udp4 sd || return 1
	in_ns ethtool -n "$B" rx-flow-hash udp4 | grep -q "IP SA" || return 1
	c=$(flood "${RANDOM_FLOWS[@]}") || return 1
	in_ns ethtool -N "$B" rx-flow-hash udp4 sdfn || return 1
	echo "# rx per queue: $c"
	[ "$(tr ' ' '\n' <<< "$c" | grep -c '^[1-9]')" = 1 ] || return 1
	# bookworm's ethtool 6.1 says so, but exits 0 here.
	out=$(in_ns ethtool -N "$B" rx-flow-hash ah4 sd 2>&1)
	echo "# ah4: $out"
	[[ $out == *"Operation not supported"* ]]
}

# All to queue 0 by the table; the rule takes port 9 to queue 2.
test_ntuple_queue() {
	local c rc=0
	in_ns ethtool -X "$B" equal 1 &&
		in_ns ethtool -N "$B" flow-type udp4 dst-port 9 action 2 \
			loc 3 || return 1
	in_ns ethtool -n "$B" | grep -q "Filter: 3" || rc=1
	c=$(flood "${RANDOM_FLOWS[@]}") || rc=1
	landed "$c" 0 0 "$FRAMES" 0 || rc=1
	in_ns ethtool -N "$B" delete 3 || rc=1
	c=$(flood "${RANDOM_FLOWS[@]}") || rc=1
	landed "$c" "$FRAMES" 0 0 0 || rc=1
	return "$rc"
}

test_ntuple_drop() {
	local c drops rc=0
	drops=$(in_ns cat "/sys/class/net/$B/statistics/rx_dropped")
	in_ns ethtool -N "$B" flow-type udp4 dst-port 9 action -1 loc 1 ||
		return 1
	c=$(flood) || rc=1
	landed "$c" 0 0 0 0 || rc=1
	drops=$(($(in_ns cat "/sys/class/net/$B/statistics/rx_dropped") -
		drops))
	echo "# rx_dropped: $drops"
	[ "$drops" -ge "$FRAMES" ] || rc=1
	in_ns ethtool -N "$B" delete 1 || rc=1
	return "$rc"
}

# A context spreading over queues 2 and 3; port 9 is its.  The core
# refuses to delete a context a rule uses.
test_context() {
	local ctx c rc=0
	ctx=$(in_ns ethtool -X "$B" context new weight 0 0 1 1 |
		awk '/New RSS context is/ { print $NF }')
	[ -n "$ctx" ] || return 1
	echo "# context $ctx"
	in_ns ethtool -N "$B" flow-type udp4 dst-port 9 context "$ctx" \
		loc 2 || rc=1
	c=$(flood "${RANDOM_FLOWS[@]}") || rc=1
	landed "$c" 0 0 $((FRAMES / 10)) $((FRAMES / 10)) || rc=1
	refused "Device or resource busy" \
		in_ns ethtool -X "$B" context "$ctx" delete || rc=1
	in_ns ethtool -N "$B" delete 2 &&
		in_ns ethtool -X "$B" context "$ctx" delete || rc=1
	return "$rc"
}

# A table on queue 3 keeps ethtool -L from taking queue 3 away.
test_channels_keep_table() {
	local rc=0
	in_ns ethtool -X "$B" weight 0 0 0 1 || return 1
	refused "Invalid argument" in_ns ethtool -L "$B" combined 2 || rc=1
	in_ns ethtool -X "$B" default &&
		in_ns ethtool -L "$B" combined 2 &&
		in_ns ethtool -x "$B" | grep -q "with 2 RX ring" &&
		in_ns ethtool -L "$B" combined 4 || rc=1
	return "$rc"
}

test_lone_refuses() {
	local rc=0
	ip link add vnmqlone type vnetmq || return 1
	refused "Operation not supported" ethtool -X vnmqlone equal 1 || rc=1
	refused "Operation not supported" \
		ethtool -N vnmqlone flow-type udp4 dst-port 9 action 1 || rc=1
	ip link del vnmqlone
	return "$rc"
}

test_unprivileged() {
	unshare -U -r -n bash -c "$PY $VNETMQ_DIR/vnetmq_pair.py u0 u1 \
			--peer-queues 2 2 &&
		ethtool -X u1 equal 1 &&
		ethtool -N u1 flow-type tcp4 dst-port 80 action 1 &&
		ethtool -n u1 | grep -q 'Action: Direct to queue 1'"
}

cleanup() {
	pktgen_stop 2> /dev/null
	ip link del "$A" 2> /dev/null
	ip link del vnmqlone 2> /dev/null
	ip netns del "$NS" 2> /dev/null
}

ktap_require_root
if ! ynl netdev --help > /dev/null 2>&1; then
	echo "1..0 # SKIP no YNL CLI and netdev spec (see lib.sh: ynl)"
	exit "$KSFT_SKIP"
fi
trap cleanup EXIT
ktap_plan 10
ktap_check "a pair with four RX queues on the steering end" test_create
ktap_check "the default table spreads flows over every queue" \
	test_default_spreads
ktap_check "ethtool -X equal and weight move the flows" test_equal_and_weight
ktap_check "rx-flow-hash without ports: one queue for a host pair" \
	test_flow_hash_fields
ktap_check "an ntuple rule puts a flow on its queue, until deleted" \
	test_ntuple_queue
ktap_check "an ntuple drop rule drops, counted in rx_dropped" \
	test_ntuple_drop
ktap_check "an ntuple rule spreads through an RSS context" test_context
ktap_check "ethtool -L cannot strand the table's queues" \
	test_channels_keep_table
ktap_check "a lone device refuses steering" test_lone_refuses
ktap_check "unprivileged: a pair in a user namespace steers" \
	test_unprivileged
ktap_finish
