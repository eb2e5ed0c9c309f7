#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnetmq.ko loaded and unloaded for real, inside make module's kernel
# (tools/module.sh boots it): load; three devices, two up, one with
# frames held on its rings (its RX queues paused through debugfs), one
# with a queue file attached and frames waiting in it; rmmod refused
# while the file is open; the file closed, rmmod with the devices still
# there; load again, frames loop back; then vnetmq_kunit.ko, whose
# suites run as it loads and must all pass (a symbol vnetmq.ko does not
# export fails its load); both unloaded.  Prints each step, then
# "module: ok".  The caller scans the console for kernel reports;
# the boot ends with a kmemleak scan (tools/uml-init.sh).
#
# usage: module-job.sh VNETMQ_KO

set -uo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/lib.sh"

KO=$1
KUNIT_KO=${KO%/*}/vnetmq_kunit.ko
WORK=$(mktemp -d)

die() {
	echo "module: $*"
	exit 1
}

step() {
	echo "module: $*"
}

load() {
	insmod "$KO" || die "insmod $KO failed"
	[ -d /sys/module/vnetmq ] || die "insmod succeeded but /sys/module/vnetmq is missing"
	# A reload may get another minor: a node of its own each time.
	rm -f "$WORK/vnetmq"
	qfile_node "$WORK" > /dev/null || die "no vnetmq queue file node after insmod"
}

# mkdev DEV up|down [TXQ RXQ]: a vnetmq device, 4 TX and 2 RX queues
# unless told.
mkdev() {
	ip link add "$1" numtxqueues "${3:-4}" numrxqueues "${4:-2}" \
		type vnetmq || die "cannot create $1"
	[ "$2" = down ] || ip link set "$1" up || die "cannot bring $1 up"
}

# inflight DEV Q: bytes TX queue Q of DEV sent and not yet completed.
inflight() {
	cat "/sys/class/net/$1/queues/tx-$2/byte_queue_limits/inflight"
}

# Frames sent on $1 with both RX queues paused stay on the rings (and,
# once BQL stops a TX queue that sees no completion, in the qdisc).  A
# packet socket sends them: pktgen would wait for its frame to be freed.
hold_on_ring() {
	local d q
	d=$(debugfs_dir "$1")
	for q in 0 1; do
		echo 1 > "$d/rx${q}_paused" ||
			die "cannot pause RX queue $q of $1"
	done
	send 16 "$1"
	wait_for 5 held "$1" || die "no frame of $1 is held on its rings"
}

# send N DEV: N 60-byte frames from a packet socket.
send() {
	"$PY" -c 'import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[2], 0))
for i in range(int(sys.argv[1])):
    s.send(b"\xff" * 6 + b"\x02" + bytes(5) + b"\x88\xb5" + bytes([i]) * 46)
' "$1" "$2" || die "cannot send frames on $2"
}

# held DEV: bytes DEV's TX queues sent that no poll has completed.
held() {
	[ "$(held_bytes "$1")" -gt 0 ]
}

held_bytes() {
	local q n=0
	for q in 0 1 2 3; do
		n=$((n + $(inflight "$1" "$q")))
	done
	echo "$n"
}

# serve_held DEV: a queue file on queue pair 0 of DEV (its only one)
# that reads nothing, with frames waiting in it.  Sets SERVER (its pid).
serve_held() {
	local out=$WORK/serve.out
	"$VNETMQ_QFILE" serve "$1" 1 60 hold > "$out" 2>&1 &
	SERVER=$!
	wait_for 10 grep -q '^# ready' "$out" ||
		die "vnetmq_qfile did not attach to $1: $(cat "$out")"
	send 8 "$1"
	wait_for 5 queued_in_file "$1" || die "no frame of $1 waits in the file"
}

queued_in_file() {
	[ "$(dev_stat "$1" tx_packets)" -ge 8 ]
}

refused_while_open() {
	local out
	if out=$(rmmod vnetmq 2>&1); then
		die "rmmod succeeded while a queue file was open"
	fi
	step "rmmod refused while a queue file is open: $out"
	[ -d /sys/module/vnetmq ] || die "the module is gone after a refused rmmod"
	[[ $out == *"in use"* ]] || die "rmmod said '$out', not that the module is in use"
}

unload() {
	rmmod vnetmq || die "rmmod failed"
	[ ! -d /sys/module/vnetmq ] || die "/sys/module/vnetmq is still there"
	for d in "$@"; do
		[ ! -e "/sys/class/net/$d" ] || die "$d outlived its module"
	done
	step "unloaded with $* present"
}

loops_back() {
	local rx
	rx=$(dev_stat "$1" rx_packets)
	pktgen_run "$1" 8 0 3 > /dev/null 2>&1 || die "pktgen could not send on $1"
	wait_for 5 rx_reached "$1" $((rx + 8)) || die "$1: 8 frames sent, $(($(dev_stat "$1" rx_packets) - rx)) came back"
}

rx_reached() {
	[ "$(dev_stat "$1" rx_packets)" -ge "$2" ]
}

# kunit_suites: load vnetmq_kunit.ko, whose suites run as it loads, and
# check each suite's KTAP result in debugfs: every suite ran and passed.
kunit_suites() {
	local d r n=0 bad=0
	insmod "$KUNIT_KO" || die "insmod $KUNIT_KO failed (a symbol vnetmq.ko does not export? see the console)"
	for d in /sys/kernel/debug/kunit/vnetmq_*; do
		[ -f "$d/results" ] || continue
		n=$((n + 1))
		r=$(grep -E '^(not )?ok [0-9]+ vnetmq_' "$d/results" | tail -n 1)
		step "kunit: ${r:-no result for ${d##*/}}"
		if [[ $r != ok* ]]; then
			bad=$((bad + 1))
			grep -E '^ +not ok' "$d/results" | sed 's/^ */module: kunit:   /'
		fi
	done
	[ "$n" -ge 8 ] || die "kunit: $n vnetmq suites ran, want at least 8"
	[ "$bad" = 0 ] || die "kunit: $bad of $n suites failed"
	rmmod vnetmq_kunit || die "rmmod vnetmq_kunit failed"
}

main() {
	[ -n "${VNETMQ_QFILE:-}" ] || die "no VNETMQ_QFILE: run through tools/module.sh"
	[ ! -d /sys/module/vnetmq ] || die "vnetmq is built in: this kernel cannot unload it"
	load
	step "loaded $KO"
	mkdev mod0 up
	mkdev mod1 up 1 1
	mkdev mod2 down
	hold_on_ring mod0
	serve_held mod1
	step "mod0: $(held_bytes mod0) bytes held on its rings; mod1: a file holds 8 frames; mod2 down"
	refused_while_open
	kill "$SERVER"
	wait "$SERVER" 2>/dev/null
	unload mod0 mod1 mod2
	load
	mkdev mod0 up
	loops_back mod0
	step "reloaded: mod0 loops frames back"
	kunit_suites
	step "vnetmq_kunit.ko: every suite passed"
	unload mod0
	echo "module: ok"
}

main
