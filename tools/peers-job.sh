#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make peers, inside the rig kernel: what vnetmq lets a developer test
# that the stack's other test devices do not.  The same probes run on a
# vnetmq device (4 TX, 2 RX queues), a veth pair (4 TX, 2 RX queues, GRO
# on for its NAPI) and a linked netdevsim pair (4 queues: it has no
# other shape), each probe a command anyone can run:
#
#   mqprio      tc qdisc add ... mqprio ... hw 1 mode dcb is offloaded
#   bql         after a pktgen burst, byte_queue_limits/limit of the TX
#               queue grew: the driver reports completions to BQL
#   coalesce    ethtool -C rx-usecs 10000 rx-frames 64 is taken, and
#               one frame then takes 5 ms longer to arrive than with
#               rx-usecs 0 rx-frames 1, under threaded NAPI (without it
#               vnetmq sends a frame that comes alone at once)
#   qstats      100 frames pinned to TX queue 1 show up in netdev
#               netlink's qstats of that queue
#
# Prints "peers PROBE DRIVER yes|no: DETAIL" per probe, then fails if a
# result differs from what Documentation/networking/vnetmq.rst claims
# ("Why vnetmq"), so that its table can never go stale.

set -uo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/lib.sh"

PROBES=(mqprio bql coalesce qstats)
DRIVERS=(vnetmq veth netdevsim)
# The table in vnetmq.rst: vnetmq can do all of it, the others none.
declare -A CLAIM=(
	[mqprio:vnetmq]=yes [mqprio:veth]=no [mqprio:netdevsim]=no
	[bql:vnetmq]=yes [bql:veth]=no [bql:netdevsim]=no
	[coalesce:vnetmq]=yes [coalesce:veth]=no [coalesce:netdevsim]=no
	[qstats:vnetmq]=yes [qstats:veth]=no [qstats:netdevsim]=no
)
declare -A GOT
ETH_P_PROBE=0x88B5
NSIM=/sys/bus/netdevsim

die() {
	echo "peers: $*"
	exit 1
}

# Each driver's devices: "TX RX", the one frames are sent on and the one
# they arrive on.
setup_vnetmq() {
	ip link add vnetmq0 numtxqueues 4 numrxqueues 2 type vnetmq &&
		dev_up vnetmq0 && echo "vnetmq0 vnetmq0"
}

setup_veth() {
	ip link add veth0 numtxqueues 4 numrxqueues 2 type veth \
		peer veth1 numtxqueues 4 numrxqueues 2 &&
		ethtool -K veth1 gro on > /dev/null &&
		dev_up veth0 && dev_up veth1 && echo "veth0 veth1"
}

nsim_name() {
	ls "$NSIM/devices/netdevsim$1/net/"
}

setup_netdevsim() {
	local a b ns
	echo "11 1 4" > "$NSIM/new_device" &&
		echo "12 1 4" > "$NSIM/new_device" || return 1
	udevadm settle 2>/dev/null
	a=$(nsim_name 11) && b=$(nsim_name 12) || return 1
	exec {ns}< /proc/self/ns/net
	echo "$ns:$(cat "/sys/class/net/$a/ifindex") $ns:$(cat "/sys/class/net/$b/ifindex")" \
		> "$NSIM/link_device" || return 1
	dev_up "$a" && dev_up "$b" && echo "$a $b"
}

result() {
	GOT[$1:$2]=$3
	echo "peers $1 $2 $3: $4"
}

probe_mqprio() {
	local drv=$1 tx=$2 out
	if ! out=$(tc qdisc add dev "$tx" root handle 100: mqprio num_tc 2 \
			map 0 0 0 0 1 1 1 1 0 0 0 0 0 0 0 0 queues 2@0 2@2 \
			hw 1 mode dcb 2>&1); then
		result mqprio "$drv" no "refused: $out"
		return
	fi
	tc qdisc del dev "$tx" root
	result mqprio "$drv" yes "offloaded"
}

probe_bql() {
	local drv=$1 tx=$2 limit
	local sysfs=/sys/class/net/$2/queues/tx-0/byte_queue_limits/limit
	if [ ! -e "$sysfs" ]; then
		result bql "$drv" no "no byte_queue_limits in sysfs"
		return
	fi
	pktgen_run "$tx" 20000 0 0 > /dev/null 2>&1
	pktgen_stop
	limit=$(cat "$sysfs")
	if [ "$limit" -gt 0 ]; then
		result bql "$drv" yes "limit $limit after 20000 frames"
	else
		result bql "$drv" no "limit $limit after 20000 frames"
	fi
}

# frames TX RX latency: the median time, in microseconds, from sending one
# frame on TX to its arrival on RX, over five frames.
# frames TX RX burst: send 100 frames on TX, through its qdisc.
frames() {
	"$PY" - "$@" "$ETH_P_PROBE" <<'EOF'
import socket, statistics, sys, time
tx, rx, what, proto = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 16)
r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
r.bind((rx, proto))
r.settimeout(2)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((tx, 0))
mac = open(f'/sys/class/net/{rx}/address').read().strip()
head = bytes.fromhex(mac.replace(':', '')) * 2 + proto.to_bytes(2, 'big')
if what == 'burst':
    for i in range(100):
        s.send(head + i.to_bytes(4, 'big').ljust(46, b'\0'))
    sys.exit(0)
took = []
for i in range(5):
    start = time.monotonic()
    s.send(head + i.to_bytes(4, 'big').ljust(46, b'\0'))
    r.recv(2048)
    took.append(time.monotonic() - start)
print(int(statistics.median(took) * 1e6))
EOF
}

# One frame's latency with coalescing off, then with the longest wait
# ethtool allows vnetmq: a device whose NAPI runs off a timer of its own
# (netdevsim's) is slow either way.  Under threaded NAPI, where vnetmq
# holds even a frame that comes alone (its polls run on another CPU, so
# whether the sender is slower than a poll is not known); a device that
# has no threaded NAPI is probed as it is.
probe_coalesce() {
	local drv=$1 tx=$2 rx=$3 out off on
	local threaded=/sys/class/net/$rx/threaded
	if ! out=$(ethtool -C "$rx" rx-usecs 0 rx-frames 1 2>&1); then
		result coalesce "$drv" no "refused: ${out//$'\n'/ }"
		return
	fi
	echo 1 2>/dev/null > "$threaded"
	off=$(frames "$tx" "$rx" latency 2>/dev/null) || off=timeout
	ethtool -C "$rx" rx-usecs 10000 rx-frames 64 2>/dev/null
	on=$(frames "$tx" "$rx" latency 2>/dev/null) || on=timeout
	echo 0 2>/dev/null > "$threaded"
	if [ "$off" != timeout ] && [ "$on" != timeout ] &&
	   [ $((on - off)) -ge 5000 ]; then
		result coalesce "$drv" yes "one frame took $off us, with rx-usecs 10000 $on us"
	else
		result coalesce "$drv" no "taken, no effect: one frame took $off us, with rx-usecs 10000 $on us"
	fi
}

# TX queue 1's packets in netdev netlink's qstats (0 if none).
txq1_packets() {
	qstat "$(qstats "$1" 2>/dev/null)" tx 1 tx-packets
}

probe_qstats() {
	local drv=$1 tx=$2 rx=$3 before after
	before=$(txq1_packets "$tx")
	pin_tx_queue "$tx" 1 && frames "$tx" "$rx" burst
	tc qdisc del dev "$tx" clsact 2>/dev/null
	after=$(txq1_packets "$tx")
	if [ $((after - before)) -eq 100 ]; then
		result qstats "$drv" yes "TX queue 1 counted 100 of 100"
	else
		result qstats "$drv" no "TX queue 1 counted $((after - before)) of 100"
	fi
}

main() {
	local drv devs tx rx p key rc=0
	ip link set lo up
	for drv in "${DRIVERS[@]}"; do
		devs=$("setup_$drv") || die "could not set up $drv"
		read -r tx rx <<< "$devs"
		for p in "${PROBES[@]}"; do
			"probe_$p" "$drv" "$tx" "$rx"
		done
	done
	for p in "${PROBES[@]}"; do
		for drv in "${DRIVERS[@]}"; do
			key=$p:$drv
			if [ "${GOT[$key]:-}" != "${CLAIM[$key]}" ]; then
				echo "peers: $p on $drv: ${GOT[$key]:-no result}, but Documentation/networking/vnetmq.rst says ${CLAIM[$key]}: update its table"
				rc=1
			fi
		done
	done
	[ "$rc" = 0 ] && echo "peers: ok"
	return "$rc"
}

main
