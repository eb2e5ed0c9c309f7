#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fault-injection sweep, inside the rig kernel (tools/fault.sh boots
# it): for each path into vnetmq (device creation, a pair's, link up,
# ethtool -L, -G, a queue file's attach and write, mqprio offload, the
# vnetmq netlink family, the stats ioctl, transmit from a packet socket)
# fail its 1st allocation, then its 2nd, ..., until a run reaches no
# further one.
# /proc/self/fail-nth fails the Nth allocation of one task; failslab's
# and fail_page_alloc's stack-trace filters count only allocations with
# vnetmq's text (START..END, from the host) on their stack.  Each attr's
# "times" goes down by one per injected failure, which tells a run that
# failed an allocation from one that had no Nth.
#
# After every point: a command that failed said why on stderr, a device
# that creation refused does not exist, and the device, put back as it
# was, loops frames back on every RX queue.  Prints "points PATH N
# failed F absorbed A" per path, then "faults: ok".  Absorbed: the
# command still succeeded.  That is only allowed of an allocation that
# says it has a fallback (__GFP_NOWARN: the fault code prints nothing
# for it) or of one the core makes best effort (BEST_EFFORT, found in
# the stack the fault code printed); anything else is an error vnetmq
# swallowed.  kmemleak's own allocations (REJECT_START..REJECT_END) are
# never failed: they are not vnetmq's, and kmemleak is checking it.
# The caller scans the console for kernel reports (kmemleak among them).
#
# usage: fault-job.sh START END REJECT_START REJECT_END PATH...

set -uo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/lib.sh"

START=$1
END=$2
REJECT_START=$3
REJECT_END=$4
shift 4
PATHS=("$@")
DEV=vnetmqf
HERE=$(dirname "$0")
DBG=/sys/kernel/debug
ATTRS=(failslab fail_page_alloc)
TIMES=1000000
MAX_POINTS=400
OP_TIMEOUT=30
# Best effort by design: the core goes on without a uevent, and a
# driver never fails on debugfs (vnetmq's knobs are for tests).
# The slab allocator's refill of a CPU's sheaf (__pcs_replace_empty_main)
# allocates on the side of the allocation vnetmq asked for, which falls
# back to the slow path when that fails: the core's best effort too.
BEST_EFFORT='kobject_uevent_env|debugfs_create|__pcs_replace_empty_main'
WORK=$(mktemp -d)
OUT=$WORK/op.out

die() {
	echo "faults: $*"
	[ ! -s "$OUT" ] || sed 's/^/faults:   /' "$OUT"
	exit 1
}

attr_set() {
	echo "$3" > "$DBG/$1/$2" || die "cannot set $1/$2 to $3"
}

# Only fail-nth fails anything (probability 0), GFP_KERNEL and order-0
# allocations included, and only under vnetmq's text.
arm() {
	local a
	for a in "${ATTRS[@]}"; do
		[ -d "$DBG/$a" ] || die "no $DBG/$a: the kernel lacks CONFIG_FAILSLAB/FAIL_PAGE_ALLOC"
		attr_set "$a" probability 0
		attr_set "$a" verbose 2
		# Every injection prints: a ratelimited one would pass for
		# a __GFP_NOWARN allocation.
		attr_set "$a" verbose_ratelimit_interval_ms 0
		attr_set "$a" times "$TIMES"
		attr_set "$a" ignore-gfp-wait N
		attr_set "$a" stacktrace-depth 32
		attr_set "$a" require-start "$START"
		attr_set "$a" require-end "$END"
		attr_set "$a" reject-start "$REJECT_START"
		attr_set "$a" reject-end "$REJECT_END"
	done
	attr_set fail_page_alloc min-order 0
	attr_set fail_page_alloc ignore-gfp-highmem N
}

# injected: failures injected so far, over both attrs.
injected() {
	local a n=0
	for a in "${ATTRS[@]}"; do
		n=$((n + TIMES - $(cat "$DBG/$a/times")))
	done
	echo "$n"
}

# guarded WHAT CMD...: CMD in the background.  One that has not finished
# after OP_TIMEOUT seconds hangs: its kernel stack, the device's
# counters and every blocked task (sysrq w) are printed, it is killed,
# and the exit status is 124.
guarded() {
	local what=$1 pid waited=0
	shift
	"$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge $((OP_TIMEOUT * 10)) ]; then
			echo "faults: $what hangs; its kernel stack:"
			cat "/proc/$pid/stack" 2>/dev/null
			ethtool -S "$DEV" 2>&1
			echo w > /proc/sysrq-trigger
			kill -9 "$pid"
			wait "$pid"
			return 124
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	wait "$pid"
}

# with_fault N CMD...: CMD with its Nth allocation under vnetmq failed.
# The shell arms its own task, then becomes CMD.
with_fault() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	guarded "point $1: '${*:2}'" \
		sh -c 'echo "$0" > /proc/self/fail-nth && exec "$@"' "$@"
}

# loops_back: 8 frames pktgen sends on each TX queue come back.  One run
# over every queue: pktgen takes them in turn (queue_map_min..max, not
# random), so 8 per queue, and all of them back means every queue's.
loops_back() {
	local rx n last
	last=$(($(find "/sys/class/net/$DEV/queues" -maxdepth 1 -name 'tx-*' |
		wc -l) - 1))
	n=$((8 * (last + 1)))
	rx=$(dev_stat "$DEV" rx_packets)
	guarded "pktgen on TX queues 0-$last" pktgen_run "$DEV" "$n" 0 "$last" \
		> "$OUT" 2>&1 || die "pktgen could not send on TX queues 0-$last"
	wait_for 5 rx_reached $((rx + n)) ||
		die "TX queues 0-$last: $n frames sent, $(($(dev_stat "$DEV" rx_packets) - rx)) came back"
}

rx_reached() {
	[ "$(dev_stat "$DEV" rx_packets)" -ge "$1" ]
}

exists() {
	[ -d "/sys/class/net/$DEV" ]
}

fresh() {
	! exists || ip link del "$DEV" || die "cannot delete $DEV"
	if ! ip link add "$DEV" numtxqueues 4 numrxqueues 2 type vnetmq ||
		! dev_up "$DEV"; then
		die "cannot make $DEV"
	fi
}

# Each path: PATH_prep puts the device where the operation starts,
# PATH_op N runs it with the Nth allocation failed, PATH_check RC checks
# and restores the device after each run, the last (no failure left to
# inject) too.  Every check ends in loops_back.

create_prep() {
	! exists || ip link del "$DEV" || die "cannot delete $DEV"
}
create_op() {
	with_fault "$1" ip link add "$DEV" numtxqueues 4 numrxqueues 2 \
		type vnetmq
}
create_check() {
	[ "$1" = 0 ] || ! exists ||
		die "creation failed but left $DEV behind"
	fresh
	loops_back
}

up_prep() {
	exists || fresh
	ip link set "$DEV" down
}
up_op() {
	with_fault "$1" ip link set "$DEV" up
}
up_check() {
	ip link set "$DEV" up || die "$DEV does not come up after the failure"
	loops_back
}

channels_prep() {
	exists || fresh
	ethtool -L "$DEV" combined 2 || die "cannot set 2 channels"
}
channels_op() {
	with_fault "$1" ethtool -L "$DEV" combined 1
}
channels_check() {
	local n
	n=$(ethtool -l "$DEV" | awk '/^Combined:/ { v = $2 } END { print v }')
	[ "$n" = 1 ] || [ "$n" = 2 ] ||
		die "after a failed ethtool -L: $n combined channels"
	[ "$1" = 0 ] || [ "$n" = 2 ] ||
		die "ethtool -L failed but the channels changed to $n"
	[ "$1" != 0 ] || [ "$n" = 1 ] ||
		die "ethtool -L succeeded but the channels are $n"
	loops_back
}

rings_prep() {
	exists || fresh
	ethtool -G "$DEV" rx 256 || die "cannot set the rings to 256"
}
rings_op() {
	with_fault "$1" ethtool -G "$DEV" rx 1024
}
rings_check() {
	local n
	n=$(ethtool -g "$DEV" | awk '/^RX:/ { v = $2 } END { print v }')
	[ "$1" = 0 ] || [ "$n" = 256 ] ||
		die "ethtool -G failed but the rings changed to $n"
	loops_back
}

qfile_prep() {
	exists || fresh
}
qfile_op() {
	with_fault "$1" "$VNETMQ_QFILE" write "$DEV" 2
}
qfile_check() {
	loops_back
}

# Channels change only with no traffic classes: the qdisc goes first.
# (Not grep -q: its early exit can make tc die of SIGPIPE, and pipefail
# then reads a match as none.)
mqprio_prep() {
	exists || fresh
	if tc qdisc show dev "$DEV" | grep mqprio > /dev/null; then
		tc qdisc del dev "$DEV" root || die "cannot remove mqprio"
	fi
	ethtool -L "$DEV" combined 2 tx 2 || die "cannot set 4 TX queues"
}
mqprio_op() {
	with_fault "$1" tc qdisc add dev "$DEV" root handle 100: mqprio \
		num_tc 2 map 0 0 0 0 0 0 1 1 queues 2@0 2@2 hw 1 mode dcb
}
mqprio_check() {
	mqprio_prep
	loops_back
}

netlink_prep() {
	exists || fresh
}
netlink_op() {
	with_fault "$1" "$PY" "$HERE/fault-netlink.py" \
		"$VNETMQ_KSRC" "$(cat "/sys/class/net/$DEV/ifindex")"
}
netlink_check() {
	loops_back
}

ioctl_prep() {
	exists || fresh
}
ioctl_op() {
	with_fault "$1" "$VNETMQ_IOCTL" "$DEV" reset
}
ioctl_check() {
	loops_back
}

xmit_prep() {
	exists || fresh
}
xmit_op() {
	with_fault "$1" "$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$DEV" \
		--count 8 --rx-queues 2
}
xmit_check() {
	loops_back
}

# A pair: one RTM_NEWLINK makes both ends, the peer in a netns of its
# own, or neither: a peer registered before its end failed goes again.
PAIR=(fpa0 fpa1 fpns)
pair_gone() {
	[ ! -d "/sys/class/net/${PAIR[0]}" ] &&
		! ip -n "${PAIR[2]}" link show "${PAIR[1]}" > /dev/null 2>&1
}
pair_prep() {
	exists || fresh
	ip link del "${PAIR[0]}" 2> /dev/null
	ip netns del "${PAIR[2]}" 2> /dev/null
	ip netns add "${PAIR[2]}" || die "cannot add netns ${PAIR[2]}"
}
pair_op() {
	with_fault "$1" "$PY" "$VNETMQ_DIR/vnetmq_pair.py" "${PAIR[0]}" \
		"${PAIR[1]}" --netns "${PAIR[2]}" --queues 4 2 --peer-queues 2 4
}
pair_check() {
	[ "$1" = 0 ] || pair_gone ||
		die "pair creation failed but left an end behind"
	ip link del "${PAIR[0]}" 2> /dev/null
	ip netns del "${PAIR[2]}" || die "cannot delete netns ${PAIR[2]}"
	loops_back
}

# absorbed_why: why the last run survived the failure it injected:
# "fallback" (__GFP_NOWARN, so the fault code printed nothing) or the
# best-effort function on the stack; fails if neither (see the top).
absorbed_why() {
	local trace why
	trace=$(dmesg)
	if ! grep -q 'FAULT_INJECTION: forcing a failure' <<< "$trace"; then
		echo fallback
		return 0
	fi
	why=$(grep -oE "$BEST_EFFORT" <<< "$trace" | head -n 1)
	if [ -n "$why" ]; then
		echo "$why"
		return 0
	fi
	echo "$trace" | sed -n '/FAULT_INJECTION/,$p' | head -n 40 >> "$OUT"
	return 1
}

# sweep PATH: every allocation point of PATH, failed one at a time.
sweep() {
	local path=$1 n=0 before rc why failed=0 absorbed=0
	declare -F "${path}_op" > /dev/null || die "no path '$path'"
	while :; do
		n=$((n + 1))
		[ "$n" -le "$MAX_POINTS" ] ||
			die "$path: more than $MAX_POINTS allocation points"
		"${path}_prep"
		before=$(injected)
		dmesg -C
		rc=0
		"${path}_op" "$n" > "$OUT" 2>&1 || rc=$?
		[ "$rc" != 124 ] || die "$path: point $n: the command hung"
		if [ "$(injected)" = "$before" ]; then
			[ "$rc" = 0 ] ||
				die "$path: failed (exit $rc) with no fault injected"
			# The next path starts from a device that works.
			"${path}_check" 0
			break
		fi
		if [ "$rc" = 0 ]; then
			why=$(absorbed_why) ||
				die "$path: point $n: the command succeeded, the allocation failure swallowed"
			echo "faults: $path point $n absorbed: $why"
			absorbed=$((absorbed + 1))
		else
			[ -s "$OUT" ] ||
				die "$path: point $n: failed (exit $rc) without a word"
			failed=$((failed + 1))
		fi
		"${path}_check" "$rc"
	done
	echo "points $path $((n - 1)) failed $failed absorbed $absorbed"
}

main() {
	local p
	if [ -z "${VNETMQ_QFILE:-}" ] || [ -z "${VNETMQ_IOCTL:-}" ]; then
		die "no VNETMQ_QFILE/VNETMQ_IOCTL: run through tools/fault.sh"
	fi
	qfile_node "$WORK" > /dev/null || die "no vnetmq queue file node"
	arm
	echo "faults: vnetmq text $START..$END, kmemleak's $REJECT_START..$REJECT_END left alone"
	for p in "${PATHS[@]}"; do
		sweep "$p"
	done
	ip link del "$DEV" 2>/dev/null
	echo "faults: ok"
}

main
