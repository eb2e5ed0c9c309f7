#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the performance kernel (tools/bench.sh boots it):
# pktgen sends FRAMES 60-byte frames per run into each case's device,
# RUNS rounds, the cases interleaved within each round (A, B, C, A, B,
# C, ...) so that drift hits every case alike.  Prints one line per run,
# "run CASE ROUND PPS", for vnetmq's pktgen cases also "polls CASE ROUND
# FRAMES POLLS" (its NAPI polls in that run), then "done".  Every device sees the same frames:
# UDP to a TEST-NET-2 address this host does not own, dropped by IP on
# receive (dummy only frees them: the TX-path bound, not a peer).
# veth-gro runs every frame through veth's NAPI and GRO, as vnetmq does
# by default: GRO on its receiver, TSO off on its sender (with TSO on,
# veth skips GRO for frames no local UDP socket sent).
#
# The backend cases move RW_FRAMES frames through one file per run, with
# the C program bench-rw (BENCH_RW): read from a vnetmq queue file
# serving queue pair 0 of a 1-queue device while pktgen sends on it, or
# from a tun queue (IFF_MULTI_QUEUE) the same way; and written to each.
#
# The pair cases cross a pair whose other end is in a netns of its own,
# 1 TX and 1 RX queue each end, defaults on both: a vnetmq pair (made by
# the selftests' vnetmq_pair.py) and a veth pair.  vnetmq-pair and
# veth-pair: pktgen as above, the frames dropped by IP in the peer's
# netns.  vnetmq-pair-tcp and veth-pair-tcp: one TCP connection carries
# TCP_BYTES from this netns to a sink in the peer's (tools/bench-tcp.c,
# built beside BENCH_RW), TSO and GRO on at both ends; their runs are
# in bit/s.
#
# Then the latency of one frame through vnetmq0 and through the veth
# pair, defaults on both (tools/bench-lat.c, built beside BENCH_RW).
#
# usage: bench-job.sh FRAMES RW_FRAMES RUNS BENCH_RW [CASE+CASE+...]

set -euo pipefail

FRAMES=$1
RW_FRAMES=$2
RUNS=$3
BENCH_RW=$4
# bench-lat and bench-tcp, built beside bench-rw; frames per latency
# probe; bytes per TCP run
BENCH_LAT=${BENCH_RW%/*}/bench-lat
BENCH_TCP=${BENCH_RW%/*}/bench-tcp
LAT_COUNT=400
TCP_BYTES=${TCP_BYTES:-268435456}
TCP_PORT=5201
PAIR_PY=$(dirname "$0")/testing/selftests/drivers/net/vnetmq/vnetmq_pair.py
PG=/proc/net/pktgen
ALL_CASES=(vnetmq vnetmq-gro-off vnetmq-coal-off vnetmq-4q veth veth-gro lo dummy
	   vnetmq-backend tun vnetmq-backend-write tun-write
	   vnetmq-pair veth-pair vnetmq-pair-tcp veth-pair-tcp)
CASES=("${ALL_CASES[@]}")
[ -z "${5:-}" ] || IFS=+ read -r -a CASES <<< "$5"

die() {
	echo "bench-job: $*" >&2
	exit 1
}

# quiet_up DEV: up, without IPv6's own traffic (the defconfig-based
# kernel has no IPv6 at all).
quiet_up() {
	local v6=/proc/sys/net/ipv6/conf/$1/disable_ipv6
	[ ! -e "$v6" ] || echo 1 > "$v6"
	ip link set dev "$1" up
}

setup() {
	ip link add vnetmq0 numtxqueues 1 numrxqueues 1 type vnetmq
	ip link add vnetmq1 numtxqueues 1 numrxqueues 1 type vnetmq
	ip link add vnetmq2 numtxqueues 1 numrxqueues 1 type vnetmq
	ip link add vnetmq4 numtxqueues 4 numrxqueues 2 type vnetmq
	ip link add veth0 type veth peer name veth1
	ip link add veth2 type veth peer name veth3
	ip link add dummyb type dummy
	ip link add vnetmqb numtxqueues 1 numrxqueues 1 type vnetmq
	ip tuntap add dev tap0 mode tap multi_queue
	setup_pairs
	for d in vnetmq0 vnetmq1 vnetmq2 vnetmq4 veth0 veth1 veth2 veth3 dummyb \
		 vnetmqb tap0; do
		quiet_up "$d"
	done
	ip link set lo up
	ethtool -K vnetmq1 gro off
	ethtool -C vnetmq2 rx-usecs 0
	ethtool -K veth2 tso off
	ethtool -K veth3 gro on
	[ -d "$PG" ] || die "no $PG: the kernel lacks CONFIG_NET_PKTGEN"
	# Under UML /dev is the host's: make the nodes from sysfs.
	VNETMQ_NODE=$TMPDIR/vnetmq
	TUN_NODE=$TMPDIR/tun
	node "$VNETMQ_NODE" /sys/class/misc/vnetmq/dev
	node "$TUN_NODE" /sys/class/misc/tun/dev
}

# pair_end PEER NS ADDR: the pair's far end PEER (vpb or tpb) in netns
# NS: up, address ADDR/24, GRO on, its TCP sink started.
pair_end() {
	local peer=$1 ns=$2 out=$TMPDIR/sink-$1.out tries=50
	ip -n "$ns" link set dev lo up
	quiet_up_in "$ns" "$peer"
	ip -n "$ns" addr add "$3/24" dev "$peer"
	ip netns exec "$ns" ethtool -K "$peer" gro on tso on
	ip netns exec "$ns" "$BENCH_TCP" sink "$3" "$TCP_PORT" > "$out" 2>&1 &
	until grep -q '^# ready' "$out"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "bench-tcp sink in $ns never got ready: $(cat "$out")"
		sleep 0.1
	done
}

quiet_up_in() {
	local v6=/proc/sys/net/ipv6/conf/$2/disable_ipv6
	ip netns exec "$1" sh -c "[ ! -e $v6 ] || echo 1 > $v6"
	ip -n "$1" link set dev "$2" up
}

# The pair cases' devices: vpa (here) with vpb (netns bpv), tpa with tpb
# (netns bpt).
setup_pairs() {
	ip netns add bpv
	ip netns add bpt
	python3 "$PAIR_PY" vpa vpb --netns bpv --queues 1 1 --peer-queues 1 1 ||
		die "no vnetmq pair: $PAIR_PY failed"
	ip link add tpa type veth peer name tpb netns bpt
	pair_end vpb bpv 10.77.0.2
	pair_end tpb bpt 10.78.0.2
	ip addr add 10.77.0.1/24 dev vpa
	ip addr add 10.78.0.1/24 dev tpa
	quiet_up vpa
	quiet_up tpa
	ethtool -K vpa gro on tso on
	ethtool -K tpa gro on tso on
}

node() {
	local nr
	nr=$(cat "$2") || die "no $2"
	mknod -m 0600 "$1" c "${nr%:*}" "${nr#*:}"
}

# device CASE: the device pktgen sends on; its peer's MAC is the
# frames' destination, so they are for this host at the Ethernet layer.
case_dev() {
	case $1 in
	vnetmq) echo vnetmq0 ;;
	vnetmq-gro-off) echo vnetmq1 ;;
	vnetmq-coal-off) echo vnetmq2 ;;
	vnetmq-4q) echo vnetmq4 ;;
	veth) echo veth0 ;;
	veth-gro) echo veth2 ;;
	lo) echo lo ;;
	dummy) echo dummyb ;;
	vnetmq-backend*) echo vnetmqb ;;
	tun*) echo tap0 ;;
	vnetmq-pair*) echo vpa ;;
	veth-pair*) echo tpa ;;
	*) die "no case $1" ;;
	esac
}

dst_mac() {
	case $1 in
	veth0) cat /sys/class/net/veth1/address ;;
	veth2) cat /sys/class/net/veth3/address ;;
	vpa) ip netns exec bpv cat /sys/class/net/vpb/address ;;
	tpa) ip netns exec bpt cat /sys/class/net/tpb/address ;;
	*) cat "/sys/class/net/$1/address" ;;
	esac
}

pg_set() {
	echo "$2" > "$PG/$1"
}

# pktgen DEV FRAMES QMAX: one pktgen run; prints its packets/s.
pktgen() {
	local dev=$1 res
	pg_set kpktgend_0 rem_device_all
	pg_set kpktgend_0 "add_device $dev"
	pg_set "$dev" "count $2"
	pg_set "$dev" "pkt_size 60"
	pg_set "$dev" "delay 0"
	pg_set "$dev" "clone_skb 0"
	pg_set "$dev" "dst_mac $(dst_mac "$dev")"
	pg_set "$dev" "dst 198.51.100.1"
	pg_set "$dev" "queue_map_min 0"
	pg_set "$dev" "queue_map_max $3"
	pg_set pgctrl start
	res=$(cat "$PG/$dev")
	sed -n 's/.* \([0-9][0-9]*\)pps .*/\1/p' <<<"$res" | head -n 1 |
		grep . || die "$dev: no rate in pktgen's result: $res"
}

# rw_rate OUTPUT: the rate bench-rw printed.
rw_rate() {
	awk '$1 == "rate" { print $2; found = 1 } END { exit !found }' "$1" ||
		die "bench-rw printed no rate: $(cat "$1")"
}

# rw_read KIND DEV: a reader on one file while pktgen sends RW_FRAMES.
rw_read() {
	local out=$TMPDIR/rw.out pid tries=50 node=$VNETMQ_NODE
	[ "$1" = vnetmq ] || node=$TUN_NODE
	"$BENCH_RW" read "$1" "$node" "$2" > "$out" 2>&1 &
	pid=$!
	until grep -q '^# ready' "$out"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "bench-rw read $1 never got ready: $(cat "$out")"
		sleep 0.1
	done
	pktgen "$2" "$RW_FRAMES" 0 > /dev/null
	wait "$pid" || die "bench-rw read $1 failed: $(cat "$out")"
	rw_rate "$out"
}

rw_write() {
	local out=$TMPDIR/rw.out node=$VNETMQ_NODE
	[ "$1" = vnetmq ] || node=$TUN_NODE
	"$BENCH_RW" write "$1" "$node" "$2" "$RW_FRAMES" > "$out" 2>&1 ||
		die "bench-rw write $1 failed: $(cat "$out")"
	rw_rate "$out"
}

# tcp_run ADDR: one TCP_BYTES stream to the sink at ADDR; prints its
# bit/s.
tcp_run() {
	local out
	out=$("$BENCH_TCP" send "$1" "$TCP_PORT" "$TCP_BYTES") ||
		die "bench-tcp send to $1 failed: $out"
	awk '$1 == "rate" { print $2 }' <<< "$out"
}

# polls DEV: the NAPI polls so far (ethtool -S) of the RX queues DEV's
# frames arrive on: DEV's own, or its peer's for the pair.
polls() {
	local stats=(ethtool -S "$1")
	[ "$1" != vpa ] || stats=(ip netns exec bpv ethtool -S vpb)
	"${stats[@]}" |
		awk '$1 ~ /^rx_queue_[0-9]+_polls:$/ { n += $2 } END { print n + 0 }'
}

# pktgen_case CASE: a case pktgen sends into a vnetmq device, whose
# frames per poll say how well its RX coalescing batches.
pktgen_case() {
	case $1 in
	vnetmq-backend* | vnetmq-pair-tcp) return 1 ;;
	vnetmq*) return 0 ;;
	*) return 1 ;;
	esac
}

# run_case CASE: one run; prints its frames per second.
run_case() {
	local dev
	dev=$(case_dev "$1")
	case $1 in
	vnetmq-4q) pktgen "$dev" "$FRAMES" 3 ;;
	vnetmq-backend) rw_read vnetmq "$dev" ;;
	tun) rw_read tun "$dev" ;;
	vnetmq-backend-write) rw_write vnetmq "$dev" ;;
	tun-write) rw_write tun "$dev" ;;
	vnetmq-pair-tcp) tcp_run 10.77.0.2 ;;
	veth-pair-tcp) tcp_run 10.78.0.2 ;;
	*) pktgen "$dev" "$FRAMES" 0 ;;
	esac
}

# lat_probe CASE TX RX GAP_US: "lat CASE GAP_US MEDIAN_NS P99_NS" over
# LAT_COUNT frames sent on TX one at a time, GAP_US apart, each awaited
# on RX.
lat_probe() {
	local out
	out=$("$BENCH_LAT" "$2" "$3" "$LAT_COUNT" "$4") ||
		die "bench-lat on $2 failed: $out"
	echo "lat $1 $4 $(cut -d' ' -f2,3 <<< "$out")"
}

# latency GAP_US: vnetmq (its own receiver) and veth (to its peer); 1000
# is a ping, 0 request-response traffic, the next frame right after the
# last came back.
latency() {
	lat_probe vnetmq vnetmq0 vnetmq0 "$1"
	lat_probe veth veth0 veth1 "$1"
}

main() {
	local r c p pps
	for c in "${CASES[@]}"; do
		[[ " ${ALL_CASES[*]} " == *" $c "* ]] ||
			die "no case '$c' (have: ${ALL_CASES[*]})"
	done
	setup
	echo "kernel $(uname -r)"
	for r in $(seq 1 "$RUNS"); do
		for c in "${CASES[@]}"; do
			pktgen_case "$c" && p=$(polls "$(case_dev "$c")")
			pps=$(run_case "$c")
			echo "run $c $r $pps"
			pktgen_case "$c" || continue
			echo "polls $c $r $FRAMES $(($(polls "$(case_dev "$c")") - p))"
		done
	done
	latency 1000
	latency 0
	echo "done"
}

main
