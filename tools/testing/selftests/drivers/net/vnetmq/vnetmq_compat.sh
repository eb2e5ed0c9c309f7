#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq's compatibility interfaces, for tools that predate netdev netlink:
# the SIOCDEVPRIVATE stats reset (through vnetmq_ioctl) and the vnetmq
# generic netlink family (through the kernel's YNL CLI and its spec):
# echo, stats-reset of a device or one queue, queue-get.  Every bad
# input and every missing privilege, with the answer it gets.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

DEV=vnetmq0
IOCTL=${VNETMQ_IOCTL:-$VNETMQ_DIR/vnetmq_ioctl}
QFILE=${VNETMQ_QFILE:-$VNETMQ_DIR/vnetmq_qfile}
# Root in a user namespace of its own: CAP_NET_ADMIN there, not in the
# init netns, whose owner is the init user namespace.
USERNS=(unshare --user --map-root-user)
# Root without CAP_NET_ADMIN, in the init user namespace.
NOADMIN=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)

setup() {
	local p
	for p in "$IOCTL" "$QFILE"; do
		[ -x "$p" ] && continue
		echo "# no $p: build it (make -C $VNETMQ_DIR)"
		return 1
	done
	ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq &&
	dev_up "$DEV" &&
	IFINDEX=$(cat "/sys/class/net/$DEV/ifindex")
}

nl() {
	ynl vnetmq "$@"
}

# nl_userns ARGS...: nl, as root of a user namespace of its own.
nl_userns() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	"${USERNS[@]}" bash -c '. "$1" && shift && ynl vnetmq "$@"' bash \
		"$VNETMQ_DIR/lib.sh" "$@"
}

# counters_are DEV RX TX: the device's rx and tx packet totals.
counters_are() {
	local rx tx
	rx=$(dev_stat "$1" rx_packets)
	tx=$(dev_stat "$1" tx_packets)
	echo "# $1: rx_packets $rx, tx_packets $tx (want $2, $3)"
	[ "$rx" = "$2" ] && [ "$tx" = "$3" ]
}

# qstats_sum STATS TYPE COUNTER: COUNTER summed over TYPE's queues.
qstats_sum() {
	awk -v t="$2" -v c="$3" '$1 == t && $3 == c { s += $4 }
		END { print s + 0 }' <<< "$1"
}

# A reset: every counter to zero, ip -s link, qstats and
# ethtool -S alike; they count on from there.
test_ioctl_reset() {
	local st
	send_frames "$DEV" 30 2 > /dev/null || return 1
	[ "$(dev_stat "$DEV" rx_packets)" -ge 30 ] || return 1
	"$IOCTL" "$DEV" reset || return 1
	counters_are "$DEV" 0 0 || return 1
	[ "$(ethtool_stat "$DEV" rx_queue_0_polls)" = 0 ] || return 1
	[ "$(ethtool_stat "$DEV" rx_queue_1_polls)" = 0 ] || return 1
	send_frames "$DEV" 20 2 > /dev/null || return 1
	counters_are "$DEV" 20 20 || return 1
	st=$(qstats "$DEV") || return 1
	[ "$(qstats_sum "$st" rx rx-packets)" = 20 ] &&
	[ "$(qstats_sum "$st" tx tx-packets)" = 20 ]
}

# Unknown sub-commands: EOPNOTSUPP, and nothing is left locked: a reset
# still goes through.
test_ioctl_unknown() {
	local n
	for n in 1 2 15; do
		refused "(EOPNOTSUPP)" "$IOCTL" "$DEV" raw "$n" || return 1
	done
	timeout 10 "$IOCTL" "$DEV" reset &&
	counters_are "$DEV" 0 0
}

# CAP_NET_ADMIN in the device's netns: neither root without it nor root
# of another user namespace may reset; root of the user namespace that
# owns a netns may reset the devices in it.
test_ioctl_permissions() {
	send_frames "$DEV" 5 2 > /dev/null || return 1
	refused "(EPERM)" "${NOADMIN[@]}" "$IOCTL" "$DEV" reset || return 1
	refused "(EPERM)" "${USERNS[@]}" "$IOCTL" "$DEV" reset || return 1
	counters_are "$DEV" 5 5 || return 1
	# shellcheck disable=SC2016 # expanded by the inner sh
	"${USERNS[@]}" --net sh -c '
		ip link add vnetmq9 type vnetmq && ip link set vnetmq9 up &&
		"$1" vnetmq9 reset' sh "$IOCTL"
}

test_nl_echo() {
	local big
	big=$(printf '%02x' $(seq 0 255) $(seq 0 255) $(seq 0 255) $(seq 0 255))
	[ "$(nl --do echo --json '{"payload": "68656c6c6f"}')" = \
		'{"payload": "68656c6c6f"}' ] || return 1
	[ "$(nl --do echo --json "{\"payload\": \"$big\"}")" = \
		"{\"payload\": \"$big\"}" ] || return 1
	[ "$(nl --do echo --json '{}')" = '{}' ] || return 1
	refused "binary attribute size out of range" nl --do echo \
		--json "{\"payload\": \"${big}00\"}"
}

# queue_json TYPE ID: the attributes naming one queue of $DEV.
queue_json() {
	echo "{\"ifindex\": $IFINDEX, \"type\": \"$1\", \"id\": $2}"
}

reset_queue() {
	nl --do stats-reset --json "$(queue_json "$1" "$2")" > /dev/null
}

# Reset one RX queue, then one TX queue, then the device; the other
# queues keep their counts, and the totals follow.
test_nl_reset() {
	local st after rx0 tx2
	pktgen_run "$DEV" 400 0 3 || return 1
	st=$(qstats "$DEV") || return 1
	[ "$(qstat "$st" rx 0 rx-packets)" -gt 0 ] &&
	[ "$(qstat "$st" rx 1 rx-packets)" -gt 0 ] || return 1
	reset_queue rx 1 && reset_queue tx 3 || return 1
	after=$(qstats "$DEV") || return 1
	rx0=$(qstat "$st" rx 0 rx-packets)
	tx2=$(qstat "$st" tx 2 tx-packets)
	echo "# reset rx 1 and tx 3; rx 0 kept $rx0, tx 2 kept $tx2"
	[ "$(qstat "$after" rx 1 rx-packets)" = 0 ] &&
	[ "$(qstat "$after" tx 3 tx-packets)" = 0 ] &&
	[ "$(qstat "$after" rx 0 rx-packets)" = "$rx0" ] &&
	[ "$(qstat "$after" tx 2 tx-packets)" = "$tx2" ] &&
	[ "$(dev_stat "$DEV" rx_packets)" = "$rx0" ] || return 1
	nl --do stats-reset --json "{\"ifindex\": $IFINDEX}" > /dev/null &&
	counters_are "$DEV" 0 0
}

test_nl_refused() {
	local lo
	lo=$(cat /sys/class/net/lo/ifindex)
	refused "no vnetmq device with this ifindex" nl --do stats-reset \
		--json "{\"ifindex\": $lo}" || return 1
	refused "Numerical result out of range" nl --do stats-reset \
		--json '{"ifindex": 0}' || return 1
	refused "'miss-type': 'ifindex'" nl --do stats-reset --json '{}' ||
		return 1
	refused "'miss-type': 'id'" nl --do stats-reset \
		--json "{\"ifindex\": $IFINDEX, \"type\": \"rx\"}" || return 1
	refused "the device has 2 RX queues" nl --do stats-reset \
		--json "{\"ifindex\": $IFINDEX, \"type\": \"rx\", \"id\": 2}" ||
		return 1
	refused "the device has 4 TX queues" nl --do queue-get \
		--json "{\"ifindex\": $IFINDEX, \"type\": \"tx\", \"id\": 4}" ||
		return 1
	refused "Numerical result out of range" nl --do queue-get \
		--json "{\"ifindex\": $IFINDEX, \"type\": 2, \"id\": 0}" ||
		return 1
	refused "'miss-type': 'ifindex'" nl --dump queue-get --json '{}' ||
		return 1
	send_frames "$DEV" 3 2 > /dev/null || return 1
	refused "Operation not permitted" nl_userns --do stats-reset \
		--json "{\"ifindex\": $IFINDEX}" || return 1
	counters_are "$DEV" 3 3
}

# nl_raw CASE WANT: vnetmq_nlraw.py's CASE gets WANT ("ERRNO: extack").
nl_raw() {
	local got
	got=$("$PY" "$VNETMQ_DIR/vnetmq_nlraw.py" "$IFINDEX" "$1") || return 1
	echo "# $1: $got"
	[ "$got" = "$2" ]
}

# What no YNL client sends: the family's policy (strict validation, as
# for every new family) refuses it before vnetmq sees it.
test_nl_malformed() {
	local rc=0
	nl_raw short-ifindex "EINVAL: invalid attribute length" || rc=1
	nl_raw long-type "EINVAL: invalid attribute length" || rc=1
	nl_raw unknown-attr "EINVAL: Unknown attribute type" || rc=1
	nl_raw truncated "EINVAL: bytes leftover after parsing attributes" ||
		rc=1
	nl_raw unknown-cmd "EOPNOTSUPP: " || rc=1
	return "$rc"
}

# queue_get ARGS...: one queue, as "key=value" words in the spec's order.
queue_get() {
	local out
	out=$(nl --do queue-get --json "$(queue_json "$1" "$2")") || return 1
	"$PY" -c 'import json, sys
print(" ".join(f"{k}={v}" for k, v in json.loads(sys.argv[1]).items()
	       if k != "ifindex"))' "$out"
}

tx0_stopped() {
	[[ $(queue_get tx 0) == *stopped=* ]]
}

# Every queue by dump; then what classes, a backend and a full ring
# change in the answer for one queue.
test_nl_queue_get() {
	local out want knob sender rc=0
	out=$(nl --dump queue-get --json "{\"ifindex\": $IFINDEX}") || return 1
	echo "# dump: $out"
	"$PY" -c 'import json, sys
qs = json.loads(sys.argv[1])
assert [(q["type"], q["id"]) for q in qs] == \
	[("rx", 0), ("rx", 1), ("tx", 0), ("tx", 1), ("tx", 2), ("tx", 3)], qs
for q in qs:
	if q["type"] == "rx":
		assert (q["ring-len"], q["ring-size"], q["rings"]) == \
			(0, 256, 1), q
	else:
		assert (q["rx-queue"], q["tc"]) == (q["id"] % 2, 0), q
	assert "stopped" not in q and "backend" not in q, q' "$out" || return 1
	tc qdisc add dev "$DEV" root handle 100: mqprio num_tc 2 \
		map 0 0 0 0 1 1 1 1 0 0 0 0 0 0 0 0 queues 2@0 2@2 hw 1 \
		mode dcb || return 1
	out="$(queue_get rx 0) / $(queue_get tx 3)"
	tc qdisc del dev "$DEV" root
	echo "# with 2 classes: $out"
	want="type=rx id=0 ring-len=0 ring-size=256 rings=2"
	want+=" / type=tx id=3 rx-queue=1 tc=1"
	[ "$out" = "$want" ] || rc=1
	knob=$(debugfs_dir "$DEV")/rx0_paused
	ethtool -G "$DEV" rx 16 || return 1
	pin_tx_queue "$DEV" 0 || return 1
	echo 1 > "$knob"
	"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" --count 30 --rx-queues 2 \
		--timeout 20 > /dev/null &
	sender=$!
	wait_for 10 tx0_stopped || rc=1
	out="$(queue_get rx 0) / $(queue_get tx 0)"
	echo "# RX queue 0 paused: $out"
	want="^type=rx id=0 ring-len=1[456] ring-size=16 rings=1"
	want+=" / type=tx id=0 rx-queue=0 tc=0 stopped=True$"
	[[ $out =~ $want ]] || rc=1
	echo 0 > "$knob"
	wait "$sender" || rc=1
	tc qdisc del dev "$DEV" clsact
	ethtool -G "$DEV" rx 256 || rc=1
	return "$rc"
}

test_nl_queue_backend() {
	local tmp out server rc=0
	tmp=$(mktemp -d) && qfile_node "$tmp" || return 1
	"$QFILE" serve "$DEV" 1 3 hold > "$tmp/serve.out" 2>&1 &
	server=$!
	wait_for 10 grep -q '# ready' "$tmp/serve.out" || rc=1
	out="$(queue_get rx 0) / $(queue_get tx 1)"
	echo "# queue pair 0 served: $out"
	[[ $out == *"backend=True / type=tx id=1 rx-queue=1 tc=0" ]] || rc=1
	kill "$server" 2>/dev/null
	wait "$server"
	rm -rf "$tmp"
	return "$rc"
}

cleanup() {
	pktgen_stop 2>/dev/null
	ip link del "$DEV" 2>/dev/null
}

ktap_require_root
trap cleanup EXIT
ktap_plan 10
ktap_check "create and bring up a 4-TX/2-RX device" setup
ktap_check "SIOCDEVPRIVATE+0 resets every counter" test_ioctl_reset
ktap_check "other SIOCDEVPRIVATE sub-commands: EOPNOTSUPP" test_ioctl_unknown
ktap_check "the reset needs CAP_NET_ADMIN in the device's netns" \
	test_ioctl_permissions
ktap_check "netlink echo sends the payload back, up to 1024 bytes" \
	test_nl_echo
ktap_check "netlink stats-reset of one queue, then of the device" \
	test_nl_reset
ktap_check "netlink refuses bad requests with a message" test_nl_refused
ktap_check "netlink attributes of the wrong size, unknown ones refused" \
	test_nl_malformed
ktap_check "netlink queue-get: every queue, classes, a full ring" \
	test_nl_queue_get
ktap_check "netlink queue-get: a queue file serves queue pair 0" \
	test_nl_queue_backend
ktap_finish
