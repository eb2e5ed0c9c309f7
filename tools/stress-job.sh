#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress, inside the rig kernel (tools/stress.sh boots it, SMP with
# every debug option): traffic on every queue of vnetmq0 from pktgen, a
# packet socket and two queue files echoing what they read, while the
# control plane changes the device under it at random for DURATION
# seconds: ethtool -L (combined, and with TX-only channels), -G and -C, link down and
# up, mqprio added and removed, queue files attached and detached with a
# read and a poll blocked, a second device deleted and created again
# under pktgen, a device in a netns deleted with the netns.  $RANDOM is
# seeded with SEED, printed first, so a run can be repeated.
#
# Afterwards vnetmq0 must still loop frames back on every queue, and
# every frame must be accounted for: transmitted and written frames
# equal received, read and dropped ones.  Prints "ops NAME OK REFUSED"
# per operation and "frames ..." lines, then "stress: ok" or the
# failure; the caller scans the console for kernel reports.
#
# usage: stress-job.sh DURATION SEED

set -uo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/lib.sh"

DURATION=$1
RANDOM=$2
DEV=vnetmq0
EPH=vnetmq1
WORK=$(mktemp -d)
STOP=$WORK/stop
declare -A OK REFUSED

die() {
	echo "stress: $*"
	exit 1
}

pick() {
	local -a words=("$@")
	echo "${words[RANDOM % ${#words[@]}]}"
}

# op NAME CMD...: one control-plane operation; refusals are expected
# (ethtool -L while a file serves a queue pair, mqprio on too few
# queues, ...), a kernel report is not.
op() {
	local name=$1
	shift
	if "$@" > /dev/null 2>&1; then
		OK[$name]=$((${OK[$name]:-0} + 1))
	else
		REFUSED[$name]=$((${REFUSED[$name]:-0} + 1))
	fi
}

running() {
	[ ! -e "$STOP" ]
}

tx_queues() {
	find "/sys/class/net/$DEV/queues" -maxdepth 1 -name 'tx-*' | wc -l
}

# Traffic sources, each looping until STOP exists.
pktgen_loop() {
	local n=0
	while running; do
		if pktgen_run "$DEV" 20000 0 "$(($(tx_queues) - 1))" \
			> /dev/null 2>&1; then
			n=$((n + 1))
		else
			sleep 0.1
		fi
	done
	echo "$n" > "$WORK/pktgen.runs"
}

# Frames from a packet socket on the second device, which the ops
# delete under it.  (Not pktgen: it warns about every device removed
# while it sends.)
eph_loop() {
	while running; do
		if [ -d "/sys/class/net/$EPH" ]; then
			"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$EPH" --count 100 \
				--rx-queues 2 --timeout 1 > /dev/null 2>&1
		else
			sleep 0.1
		fi
	done
}

# A packet socket on every protocol of every device, never read: the
# stack counts a frame no handler takes as a drop (rx_dropped) on top of
# vnetmq's count of it as received.  Sockets bound to vnetmq0 stop
# taking frames while it is down, and its NAPI runs before they are
# back; this one is bound to no device, so it takes every frame.  It
# must be open before the first frame and stay open until the counts
# are taken: on a loaded host Python takes seconds to start, and the
# last echoed frames are still on their way up when the loops end.
sink() {
	exec "$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
open(sys.argv[1], "w").close()
time.sleep(1e6)' "$WORK/sink.open"
}

socket_loop() {
	while running; do
		"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" --count 100 \
			--rx-queues 2 --timeout 1 > /dev/null 2>&1
	done
}

# Two files echo what they read, one second at a time; each run's
# counts go to its own file for the accounting.
backend_loop() {
	local i=0
	while running; do
		i=$((i + 1))
		"$VNETMQ_QFILE" serve "$DEV" 2 1 echo > "$WORK/serve.$i" 2>&1
	done
}

# A file of the second device attached with a read and a poll blocked,
# then detached or closed, while the ops delete that device.  (On
# vnetmq0 the blocked read would take frames the accounting misses.)
lifetime_loop() {
	while running; do
		"$VNETMQ_QFILE" lifetimes "$(pick detach-blocked close detach)" \
			"$EPH" > /dev/null 2>&1
		sleep 0.2
	done
}

mqprio() {
	if tc qdisc show dev "$DEV" | grep mqprio > /dev/null; then
		tc qdisc del dev "$DEV" root
	else
		tc qdisc add dev "$DEV" root handle 100: mqprio num_tc 2 \
			map 0 0 0 0 1 1 1 1 0 0 0 0 0 0 0 0 queues 1@0 1@1 \
			hw 1 mode dcb
	fi
}

link_bounce() {
	ip link set dev "$DEV" down && sleep 0.05 && dev_up "$DEV"
}

eph_recreate() {
	ip link del "$EPH" 2>/dev/null
	ip link add "$EPH" numtxqueues 2 numrxqueues 2 type vnetmq &&
	dev_up "$EPH"
}

netns_cycle() {
	local ns=stress$RANDOM
	ip netns add "$ns" &&
	ip -n "$ns" link add vnetmq9 numtxqueues 2 numrxqueues 2 type vnetmq &&
	ip -n "$ns" link set dev vnetmq9 up &&
	ip netns del "$ns"
}

one_op() {
	case $((RANDOM % 8)) in
	0) op channels-combined ethtool -L "$DEV" combined "$(pick 1 2)" \
		tx 0 ;;
	1) op channels-tx ethtool -L "$DEV" combined "$(pick 1 2)" \
		tx "$(pick 0 1 2)" ;;
	2) op rings ethtool -G "$DEV" rx "$(pick 16 64 256 1024)" ;;
	3) op coalesce ethtool -C "$DEV" rx-frames "$(pick 1 16 64)" \
		rx-usecs "$(pick 0 20 1000)" ;;
	4) op link-down-up link_bounce ;;
	5) op mqprio mqprio ;;
	6) op device-recreate eph_recreate ;;
	7) op netns-delete netns_cycle ;;
	esac
}

setup() {
	ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq &&
	dev_up "$DEV" && eph_recreate && ip link set lo up &&
	qfile_node "$WORK" && pktgen_attach "$DEV"
}

# The device as it started: every queue, no classes, the default ring
# and coalescing, up.
restore() {
	tc qdisc del dev "$DEV" root 2>/dev/null
	tc qdisc del dev "$DEV" clsact 2>/dev/null
	dev_up "$DEV" &&
	ethtool -L "$DEV" combined 2 tx 2 &&
	ethtool -G "$DEV" rx 256 &&
	ethtool -C "$DEV" rx-frames 16 rx-usecs 20
}

# served WHAT: frames the queue files read (WHAT read) or wrote back
# (WHAT echoed), over every run.
served() {
	cat "$WORK"/serve.* 2>/dev/null |
		awk -v what="$1" '$1 == "#" && $2 == "queue" && $4 == what {
			n += $5 } END { print n + 0 }'
}

# Every frame transmitted or written was received, read by a file or
# counted as dropped: by vnetmq's RX queues (rx_dropped: the device went
# down with frames on a ring, or could not take a written frame) or TX
# queues (qstats tx-hw-drops: frames a file held when it went away).
# The core's tx_dropped is left out: it counts frames vnetmq never took
# (sent while the qdisc was noop, or refused at transmit on a queue
# ethtool -L had just taken away from pktgen).  A frame may still be
# on its way up when the loops end, so the counts get five seconds to
# settle.
accounted() {
	wait_for 5 balance > /dev/null
	balance
}

balance() {
	local tx rx rxd txd rd wr
	tx=$(dev_stat "$DEV" tx_packets)
	rx=$(dev_stat "$DEV" rx_packets)
	rxd=$(dev_stat "$DEV" rx_dropped)
	txd=$(qstats "$DEV" | awk '$3 == "tx-hw-drops" { n += $4 } END { print n + 0 }')
	rd=$(served read)
	wr=$(served echoed)
	echo "frames transmitted $tx, written $wr"
	echo "frames received $rx, read $rd, dropped rx $rxd tx $txd" \
		"(and $(($(dev_stat "$DEV" tx_dropped) - txd)) the core dropped before vnetmq)"
	[ $((tx + wr)) -eq $((rx + rd + rxd + txd)) ]
}

# Frames pinned to each TX queue in turn come back on RX queue q % 2.
loops_back() {
	local q got want rc=0
	for q in 0 1 2 3; do
		pin_tx_queue "$DEV" "$q" || return 1
		got=$(send_frames "$DEV" 50 2) || rc=1
		want="50 0 0"
		[ $((q % 2)) -eq 0 ] || want="0 50 0"
		echo "after: TX queue $q: back per RX queue and unrecorded: $got"
		[ "$got" = "$want" ] || rc=1
	done
	tc qdisc del dev "$DEV" clsact
	return "$rc"
}

main() {
	local end pids=() name total=0 sinkpid
	[ -x "${VNETMQ_QFILE:-}" ] || die "no VNETMQ_QFILE"
	setup || die "setup failed"
	echo "stress: seed $2, $DURATION s, $(nproc) CPUs"
	sink & sinkpid=$!
	wait_for 30 test -e "$WORK/sink.open" ||
		die "the sink socket did not open in 30 s"
	pktgen_loop & pids+=($!)
	eph_loop & pids+=($!)
	socket_loop & pids+=($!)
	backend_loop & pids+=($!)
	lifetime_loop & pids+=($!)
	end=$((SECONDS + DURATION))
	while [ "$SECONDS" -lt "$end" ]; do
		one_op
		total=$((total + 1))
	done
	touch "$STOP"
	pktgen_stop
	wait "${pids[@]}"
	for name in "${!OK[@]}" "${!REFUSED[@]}"; do
		echo "$name"
	done | sort -u | while read -r name; do
		echo "ops $name ${OK[$name]:-0} ${REFUSED[$name]:-0}"
	done
	echo "ops total $total, pktgen runs $(cat "$WORK/pktgen.runs")"
	restore || die "vnetmq0 could not be set back to 4 TX and 2 RX queues"
	accounted || die "frames unaccounted for"
	kill "$sinkpid"
	loops_back || die "vnetmq0 no longer loops frames back on every queue"
	echo "stress: ok"
}

main "$@"
