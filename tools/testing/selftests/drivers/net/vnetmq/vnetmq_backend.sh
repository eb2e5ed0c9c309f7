#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq queue files (/dev/vnetmq): userspace serving queue pairs of a
# 4-TX/4-RX device.  Traffic on every queue with files attached to some
# (the rest loop back), backpressure both ways, frames dropped at close
# and at link down, ethtool -L refused while attached, the lifetimes of
# files against their devices, bad input, the vnet header both ways, VLAN
# tags, and permissions.
# vnetmq_qfile (built from vnetmq_qfile.c) does the file side; it checks
# each answer of the kernel itself and says on stderr what differed.

# Test functions run through ktap_check, which shellcheck cannot see.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$(realpath "$0")")/lib.sh"

DEV=vnetmq0
DEV2=vnetmq1
NS=vnetmq-b
FRAMES=4000
QFILE=${VNETMQ_QFILE:-$VNETMQ_DIR/vnetmq_qfile}
# A private directory for the node, the program's copy and its outputs.
WORK=
QF=

# show FILE: what a program printed, as KTAP diagnostics.
show() {
	sed -e 's/^# //' -e 's/^/# /' "$1"
}

# run_shown CMD...: run CMD, show what it printed; its success.
run_shown() {
	local rc=0
	"$@" > "$WORK/run.out" 2>&1 || rc=1
	show "$WORK/run.out"
	return "$rc"
}

# The program is copied into WORK (mode 0755, as is WORK), so that the
# unprivileged user of test_perm_user can run it wherever it was built.
setup() {
	if [ ! -x "$QFILE" ]; then
		echo "# no $QFILE: build it (make -C $VNETMQ_DIR)"
		return 1
	fi
	WORK=$(mktemp -d) && chmod 0755 "$WORK" || return 1
	QF=$WORK/vnetmq_qfile
	install -m 0755 "$QFILE" "$QF" &&
	ip link add "$DEV" numtxqueues 4 numrxqueues 4 type vnetmq &&
	dev_up "$DEV" && qfile_node "$WORK" && "$QF" features
}

# stats_save FILE: DEV's per-queue qstats, named as in
# "tx_queue_0_tx-stop", then its ethtool -S counters; one "name value" a
# line.
stats_save() {
	{
		qstats "$DEV" | awk '{ print $1 "_queue_" $2 "_" $3, $4 }'
		ethtool -S "$DEV" |
			awk 'NR > 1 { sub(":$", "", $1); print $1, $2 }'
	} > "$1"
}

# saved FILE NAME: counter NAME as stats_save wrote it to FILE.
saved() {
	awk -v n="$2" '$1 == n { print $2 }' "$1"
}

# delta FILE0 FILE1 NAME: how much counter NAME grew from FILE0 to FILE1.
delta() {
	awk -v n="$3" '$1 == n { v[FILENAME] = $2 }
		END {
			if (!(ARGV[1] in v) || !(ARGV[2] in v)) exit 1
			print v[ARGV[2]] - v[ARGV[1]]
		}' "$1" "$2" || { echo "# no counter $3" >&2; return 1; }
}

# served OUT Q WHAT: the count a serve run printed for queue Q ("read"
# or "echoed").
served() {
	awk -v q="$2" -v w="$3" \
		'$2 == "queue" && $3 == q && $4 == w { print $5 }' "$1"
}

# serve_start OUT ARGS...: vnetmq_qfile serve ARGS in the background
# (its pid in SERVER), returning once its files are attached.
serve_start() {
	local out=$1
	shift
	"$QF" serve "$@" > "$out" 2>&1 &
	SERVER=$!
	wait_for 5 grep -q '^# ready' "$out" && return 0
	show "$out"
	return 1
}

# serve_wait OUT: wait for the serve run, show what it printed.
serve_wait() {
	local rc=0
	wait "$SERVER" || rc=1
	SERVER=
	show "$1"
	return "$rc"
}

# serve_check S0 S1 OUT K MODE: per queue, what the counters grew by from
# snapshot S0 to S1 against what the serve run OUT read.  An attached
# queue q (q < K): every frame handed to the file was read or dropped,
# and RX queue q received exactly what was echoed.  Other queues looped
# back: TX q = RX q + drops.  All TX queues sum up to FRAMES.
serve_check() {
	local s0=$1 s1=$2 out=$3 k=$4 mode=$5 q tx txd rx rxd rd ec rc=0
	local total=0
	for q in 0 1 2 3; do
		tx=$(delta "$s0" "$s1" "tx_queue_${q}_tx-packets") &&
		txd=$(delta "$s0" "$s1" "tx_queue_${q}_tx-hw-drops") &&
		rx=$(delta "$s0" "$s1" "rx_queue_${q}_rx-packets") &&
		rxd=$(delta "$s0" "$s1" "rx_queue_${q}_rx-hw-drops") || return 1
		total=$((total + tx))
		if [ "$q" -ge "$k" ]; then
			echo "# queue $q loops back: tx +$tx = rx +$rx" \
				"+ drops +$txd/+$rxd"
			[ "$tx" -gt 0 ] && [ "$tx" -eq $((rx + rxd + txd)) ] ||
				rc=1
			continue
		fi
		rd=$(served "$out" "$q" read)
		ec=0
		[ "$mode" = count ] || ec=$(served "$out" "$q" echoed)
		echo "# queue $q attached: tx +$tx = read $rd + drops +$txd;" \
			"rx +$rx = echoed $ec"
		[ -n "$rd" ] && [ "$rd" -gt 0 ] &&
			[ "$tx" -eq $((rd + txd)) ] && [ "$rx" -eq "$ec" ] ||
			rc=1
	done
	echo "# $FRAMES frames from pktgen, $total on the TX queues"
	[ "$total" -eq "$FRAMES" ] && [ "$rc" -eq 0 ]
}

# serve_traffic K MODE: K files on queue pairs 0..K-1 while pktgen sends
# FRAMES frames round robin over TX queues 0..3.
serve_traffic() {
	local k=$1 mode=$2 out=$WORK/serve.out rc=0
	stats_save "$WORK/s0"
	serve_start "$out" "$DEV" "$k" 3 "$mode" || return 1
	pktgen_run "$DEV" "$FRAMES" 0 3 || rc=1
	serve_wait "$out" || rc=1
	stats_save "$WORK/s1"
	serve_check "$WORK/s0" "$WORK/s1" "$out" "$k" "$mode" && [ "$rc" = 0 ]
}

test_traffic_count() {
	serve_traffic 2 count
}

test_traffic_echo() {
	serve_traffic 4 echo
}

ring_size() {
	ethtool -g "$DEV" | awk '/^RX:/ { v = $2 } END { print v }'
}

# A reader that pauses 0.5 s after its first frame, with 16-frame queues:
# TX queue 0 stops instead of dropping, wakes as the reader drains, and
# the watchdog (2 s) never fires.
test_backpressure() {
	local out=$WORK/bp.out ring rc=0 n tx rd txd st wk to
	ring=$(ring_size)
	n=1000
	ethtool -G "$DEV" rx 16 || return 1
	stats_save "$WORK/s0"
	if serve_start "$out" "$DEV" 1 2 count 500; then
		pktgen_run "$DEV" "$n" 0 0 || rc=1
		serve_wait "$out" || rc=1
	else
		rc=1
	fi
	stats_save "$WORK/s1"
	ethtool -G "$DEV" rx "$ring" || rc=1
	rd=$(served "$out" 0 read)
	tx=$(delta "$WORK/s0" "$WORK/s1" tx_queue_0_tx-packets) &&
	txd=$(delta "$WORK/s0" "$WORK/s1" tx_queue_0_tx-hw-drops) &&
	st=$(delta "$WORK/s0" "$WORK/s1" tx_queue_0_tx-stop) &&
	wk=$(delta "$WORK/s0" "$WORK/s1" tx_queue_0_tx-wake) &&
	to=$(delta "$WORK/s0" "$WORK/s1" tx_queue_0_timeouts) || return 1
	echo "# tx_queue_0: packets +$tx read $rd drops +$txd stops +$st" \
		"wakes +$wk timeouts +$to"
	[ "$rc" -eq 0 ] && [ "$tx" -eq "$n" ] && [ "$rd" = "$n" ] &&
		[ "$txd" -eq 0 ] && [ "$st" -gt 0 ] && [ "$wk" -gt 0 ] &&
		[ "$to" -eq 0 ]
}

# RX queue 0 paused (debugfs) with a 16-frame ring: the file's writes
# fill it, then an O_NONBLOCK write gets EAGAIN, poll has no EPOLLOUT,
# and a blocking write waits (until a DETACH wakes it).  Down and up
# empty the ring again.
test_rx_full() {
	local knob ring rc=0
	knob=$(debugfs_dir "$DEV")/rx0_paused
	[ -f "$knob" ] || { echo "# no $knob"; return 1; }
	ring=$(ring_size)
	ethtool -G "$DEV" rx 16 || return 1
	echo 1 > "$knob"
	run_shown "$QF" rxfull "$DEV" || rc=1
	echo 0 > "$knob"
	ip link set dev "$DEV" down
	dev_up "$DEV" && ethtool -G "$DEV" rx "$ring" || rc=1
	return "$rc"
}

drops_grew() {
	[ "$(qstat "$(qstats "$DEV")" tx 0 tx-hw-drops)" -gt "$1" ]
}

stops_grew() {
	[ "$(qstat "$(qstats "$DEV")" tx 0 tx-stop)" -gt "$1" ]
}

# send_bg COUNT: COUNT frames from a packet socket in the background (TX
# queue 0 is pinned), its pid in SENDER; what came back goes to WORK.
send_bg() {
	"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" --count "$1" \
		--rx-queues 4 --timeout 3 > "$WORK/sent.json" 2>&1 &
	SENDER=$!
}

# Frames a file holds unread are dropped and counted when it is closed
# (the rest, waiting in the qdisc, then loop back), and when the device
# goes down while it is still attached (a close later drops nothing).
test_queued_drops() {
	local out=$WORK/hold.out s0=$WORK/s0 s1=$WORK/s1 rc=0 d0 tx txd back
	local st0 ring
	ring=$(ring_size)
	ethtool -G "$DEV" rx 16 || return 1
	stats_save "$s0"
	serve_start "$out" "$DEV" 1 0.5 hold || return 1
	send_bg 40
	serve_wait "$out" || rc=1
	wait "$SENDER"
	stats_save "$s1"
	back=$("$PY" -c 'import json, sys
print(sum(json.load(sys.stdin)["rx_queues"]))' < "$WORK/sent.json") ||
		back=0
	tx=$(delta "$s0" "$s1" tx_queue_0_tx-packets) &&
	txd=$(delta "$s0" "$s1" tx_queue_0_tx-hw-drops) || return 1
	echo "# close: 40 sent, tx +$tx, dropped +$txd, looped back $back"
	[ "$tx" -eq 40 ] && [ "$txd" -gt 0 ] && [ $((txd + back)) -eq 40 ] ||
		rc=1

	stats_save "$s0"
	d0=$(saved "$s0" tx_queue_0_tx-hw-drops)
	st0=$(saved "$s0" tx_queue_0_tx-stop)
	# Held long enough for the seconds a qstats read takes under UML.
	serve_start "$out" "$DEV" 1 8 hold || return 1
	send_bg 40
	if ! wait_for 6 stops_grew "$st0"; then
		echo "# TX queue 0 never stopped"
		rc=1
	fi
	ip link set dev "$DEV" down
	# qstats has no queues to report while the device is down.
	dev_up "$DEV" || rc=1
	if ! wait_for 6 drops_grew "$d0"; then
		echo "# no drop counted at down"
		rc=1
	fi
	serve_wait "$out" || { echo "# the holding file failed"; rc=1; }
	wait "$SENDER"
	stats_save "$s1"
	tx=$(delta "$s0" "$s1" tx_queue_0_tx-packets) &&
	txd=$(delta "$s0" "$s1" tx_queue_0_tx-hw-drops) || return 1
	ethtool -G "$DEV" rx "$ring" || rc=1
	echo "# down: handed to the file +$tx, dropped +$txd"
	[ "$txd" -gt 0 ] && [ "$tx" -eq "$txd" ] && [ "$rc" -eq 0 ]
}

queue_dirs() {
	find "/sys/class/net/$DEV/queues" -maxdepth 1 -name "$1-*" | wc -l
}

# ethtool -L that would take away an attached queue pair is refused,
# naming it (in ethtool's message, or in the kernel log: set_channels has
# no extack); one that keeps every attached pair goes through.
test_channels_attached() {
	local out=$WORK/ch.out err log log0 rc=0
	serve_start "$out" "$DEV" 4 2 count || return 1
	log0=$(dmesg | wc -l)
	if err=$(ethtool -L "$DEV" combined 2 tx 2 2>&1); then
		echo "# ethtool -L combined 2 took queue pairs 2 and 3 away"
		rc=1
	fi
	log=$(dmesg | tail -n +$((log0 + 1)))
	echo "# ethtool said: $err"
	echo "# the kernel said: $log"
	[[ $err =~ queue.*[23] ]] || [[ $log =~ $DEV.*queue.*[23] ]] || rc=1
	[ "$(queue_dirs rx)" -eq 4 ] || rc=1
	serve_wait "$out" || rc=1
	serve_start "$out" "$DEV" 2 2 count || return 1
	ethtool -L "$DEV" combined 2 || rc=1
	serve_wait "$out" || rc=1
	ethtool -L "$DEV" combined 4 || rc=1
	return "$rc"
}

# lifetime ORDER: one of vnetmq_qfile's lifetime orders, shown.
lifetime() {
	run_shown "$QF" lifetimes "$@"
}

# Close first: the queue pair is free again and TX queue 0 loops back.
test_close_first() {
	local got
	lifetime close "$DEV" || return 1
	got=$(send_frames "$DEV" 50 4) || return 1
	echo "# tx-0 after the close: rx-0..3 unrecorded = $got"
	[ "$got" = "50 0 0 0 0" ]
}

test_detach() {
	lifetime detach "$DEV"
}

test_detach_blocked() {
	lifetime detach-blocked "$DEV"
}

# gone_run DELETE_CMD... : vnetmq_qfile lifetimes ARGS (in GONE_ARGS)
# attaches and blocks, DELETE_CMD takes the device away, then SIGUSR1
# tells the program to check its blocked calls woke and what follows.
gone_run() {
	local out=$WORK/gone.out pid rc=0
	"$QF" lifetimes "${GONE_ARGS[@]}" > "$out" 2>&1 &
	pid=$!
	if wait_for 5 grep -q '^# ready' "$out"; then
		"$@" || rc=1
	else
		rc=1
	fi
	kill -USR1 "$pid" 2>/dev/null
	wait "$pid" || rc=1
	show "$out"
	return "$rc"
}

# Delete first: the device goes while a file is attached, with a read
# and a poll blocked on it.
test_delete_first() {
	ip link add "$DEV2" numtxqueues 2 numrxqueues 2 type vnetmq &&
		dev_up "$DEV2" || return 1
	GONE_ARGS=(delete "$DEV2")
	gone_run ip link del "$DEV2" || return 1
	[ ! -e "/sys/class/net/$DEV2" ]
}

# The same with the device's netns deleted (and nothing of the program
# left in it: it attached from there, then went back).
test_netns_first() {
	ip netns add "$NS" || return 1
	ip -n "$NS" link add "$DEV2" numtxqueues 2 numrxqueues 2 \
		type vnetmq &&
	ip netns exec "$NS" bash -c ". $VNETMQ_DIR/lib.sh && dev_up $DEV2" ||
		return 1
	GONE_ARGS=(netns "/var/run/netns/$NS" "$DEV2")
	gone_run ip netns del "$NS" && return 0
	# What was left of the netns, for a failure seen once in five runs.
	ip -n "$NS" -br link show 2>&1 | sed 's/^/# left in the netns: /'
	ip netns del "$NS" 2>/dev/null
	return 1
}

# Files that close the moment they see EPOLLHUP, while the device that
# hung them up is still being deleted.
test_race_hup() {
	run_shown "$QF" race hup "$DEV2" 10
}

# One file moving between a 4-pair device and a 1-pair one while
# another thread writes to it.
test_race_reattach() {
	local rc=0

	ip link add "$DEV2" numtxqueues 1 numrxqueues 1 type vnetmq &&
		dev_up "$DEV2" || return 1
	run_shown "$QF" race reattach "$DEV" "$DEV2" 20 || rc=1
	ip link del "$DEV2" || rc=1
	return "$rc"
}

# tx_packets DEV Q: frames TX queue Q of DEV has sent.
tx_packets() {
	qstat "$(qstats "$1")" tx "$2" tx-packets
}

# A writer and a pktgen flood on one ring: queue pair 1's file and TX
# queue 3 both feed RX queue 1 of a 4-TX/2-RX device, and the writer
# keeps the ring full enough that TX queue 3 stops.  A poll that takes
# only written frames must wake it all the same: it never stays stopped
# long enough for the TX watchdog, and the flood goes on after the
# writer is done.
test_writer_and_flood() {
	local rc=0 pg p1 p2 stops timeouts

	ip link add "$DEV2" numtxqueues 4 numrxqueues 2 type vnetmq &&
		dev_up "$DEV2" || return 1
	pktgen_run "$DEV2" 0 3 3 > /dev/null 2>&1 &
	pg=$!
	run_shown "$QF" write "$DEV2" 20000 1 || rc=1
	sleep 3
	p1=$(tx_packets "$DEV2" 3)
	sleep 1
	p2=$(tx_packets "$DEV2" 3)
	stops=$(qstat "$(qstats "$DEV2")" tx 3 tx-stop)
	timeouts=$(ethtool_stat "$DEV2" tx_queue_3_timeouts)
	echo "# TX queue 3: $p1 frames, a second later $p2"
	echo "# TX queue 3: $stops stops, $timeouts timeouts"
	[ "$p2" -gt "$p1" ] || { echo "# TX queue 3 stays stopped"; rc=1; }
	[ "$timeouts" = 0 ] || { echo "# TX queue 3 stalled"; rc=1; }
	pktgen_running "$DEV2" || { echo "# pktgen stopped early"; rc=1; }
	pktgen_stop
	wait "$pg"
	ip link del "$DEV2" || rc=1
	return "$rc"
}

# A writer polling for room while other attaches pause the datapath.
test_race_pause() {
	run_shown "$QF" race pause "$DEV" 30
}

test_badinput() {
	run_shown "$QF" badinput "$DEV"
}

test_vnethdr() {
	run_shown "$QF" vnethdr "$DEV"
}

# A VLAN device on top: its frames reach the file with the tag in them.
test_vlan() {
	local rc=0

	# dev_up: IPv6 off first, or its own MLD and DAD frames can reach
	# queue 0 ahead of the test's frame.
	ip link add link "$DEV" name "$DEV.42" type vlan id 42 &&
		dev_up "$DEV.42" || return 1
	run_shown "$QF" vlan "$DEV" "$DEV.42" 42 || rc=1
	ip link del "$DEV.42" || rc=1
	return "$rc"
}

test_perm_user() {
	run_shown setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$QF" perm "$DEV"
}

test_perm_userns() {
	run_shown unshare -U -r "$QF" perm "$DEV"
}

# Root of a user namespace owns the netns it makes, and a vnetmq device
# made there: ATTACH needs CAP_NET_ADMIN over that netns, not the host.
test_perm_own_netns() {
	run_shown unshare -U -r -n bash -c "ip link add $DEV type vnetmq &&
		ip link set dev $DEV up && '$QF' perm $DEV allowed"
}

# userns_check DESC CMD...: ktap_check, or a skip without user namespaces.
userns_check() {
	if unshare -U -r true 2>/dev/null; then
		ktap_check "$@"
	else
		ktap_n=$((ktap_n + 1))
		echo "ok $ktap_n $1 # SKIP no user namespaces (CONFIG_USER_NS)"
	fi
}

test_delete() {
	tc qdisc del dev "$DEV" clsact
	ip link del "$DEV" && [ ! -e "/sys/class/net/$DEV" ]
}

cleanup() {
	[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null
	ip link del "$DEV" 2>/dev/null
	ip link del "$DEV2" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ -z "$WORK" ] || rm -rf "$WORK"
}

SERVER=
ktap_require_root
trap cleanup EXIT
ktap_plan 24
ktap_check "create a 4-TX/4-RX device, the node, features" setup
ktap_check "2 files attached, pktgen on 4 TX queues: frames add up" \
	test_traffic_count
ktap_check "4 files echoing pktgen's frames back to their RX queues" \
	test_traffic_echo
ktap_check "a paused reader stops TX queue 0, drops nothing, drains" \
	test_backpressure
ktap_check "RX ring full: EAGAIN, no EPOLLOUT, a blocking write waits" \
	test_rx_full
ktap_check "ethtool -L refused while it would remove an attached queue" \
	test_channels_attached
ktap_check "pin TX queue 0 for the tests that follow" pin_tx_queue "$DEV" 0
ktap_check "unread frames dropped and counted at close and at link down" \
	test_queued_drops
ktap_check "close first: the queue pair is freed and loops back" \
	test_close_first
ktap_check "detach, detach again, attach again" test_detach
ktap_check "detach wakes a blocked read and poll" test_detach_blocked
ktap_check "delete first: blocked calls wake, then EBADFD" test_delete_first
ktap_check "netns deleted first: blocked calls wake, then EBADFD" \
	test_netns_first
ktap_check "files closed on EPOLLHUP while their device is deleted" \
	test_race_hup
ktap_check "a file re-attached to a smaller device while a thread writes" \
	test_race_reattach
ktap_check "no POLLOUT while pauses keep written frames off the rings" \
	test_race_pause
ktap_check "a writer and a flood on one ring: the flood's TX queue wakes" \
	test_writer_and_flood
ktap_check "bad input: lengths, buffers, pointers, ioctls, attach" \
	test_badinput
ktap_check "vnet header: a TCP GSO frame both ways" test_vnethdr
ktap_check "a VLAN device's frames carry their tag in the frame" test_vlan
ktap_check "EPERM for an unprivileged user" test_perm_user
userns_check "EPERM for root of a new user namespace" test_perm_userns
userns_check "root of a user namespace attaches in its own netns" \
	test_perm_own_netns
ktap_check "delete the device" test_delete
ktap_finish
