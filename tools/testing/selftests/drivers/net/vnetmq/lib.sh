# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the vnetmq selftests share: KTAP output in the kselftest format,
# and small helpers to make a device and drive frames through it.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

VNETMQ_DIR=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
PY=${PY:-/usr/bin/python3}

ktap_n=0
ktap_fail=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_fail=$((ktap_fail + 1))
	echo "not ok $ktap_n $*"
}

# ktap_check DESC CMD...: one test point, passing iff CMD succeeds.
ktap_check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc"
	fi
}

ktap_finish() {
	echo "# $((ktap_n - ktap_fail)) passed, $ktap_fail failed"
	[ "$ktap_fail" -eq 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}

ktap_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root"
		exit "$KSFT_SKIP"
	fi
}

# dev_stat DEV NAME: one counter from /sys/class/net/DEV/statistics.
dev_stat() {
	cat "/sys/class/net/$1/statistics/$2"
}

# dev_up DEV: bring DEV up without IPv6 autoconfiguration, so that the
# only frames on the device are the ones a test sends.
dev_up() {
	echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	ip link set dev "$1" up
}

# pin_tx_queue DEV Q: every frame DEV transmits from now on uses TX queue Q.
# (matchall filters cannot be replaced in place: delete, then add.)
pin_tx_queue() {
	tc qdisc replace dev "$1" clsact || return 1
	if [ -n "$(tc filter show dev "$1" egress)" ]; then
		tc filter del dev "$1" egress || return 1
	fi
	tc filter add dev "$1" egress pref 1 matchall \
		action skbedit queue_mapping "$2"
}

# send_frames DEV COUNT RXQ: send COUNT frames from a packet socket and
# print how many came back on each of RXQ RX queues, space separated,
# then how many came back with no RX queue recorded.
send_frames() {
	"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$1" --count "$2" \
		--rx-queues "$3" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)
print(*r["rx_queues"], r["unrecorded"])'
}

# ethtool_stat DEV NAME: one counter of ethtool -S DEV (the ones no
# standard counter holds: polls, timeouts, traffic classes).
ethtool_stat() {
	ethtool -S "$1" | awk -v name="$2:" '$1 == name { print $2 }'
}

# debugfs_dir DEV: the device's debugfs directory, named by the instance
# number that ethtool -i reports as bus-info "vnetmq.<id>".
debugfs_dir() {
	local id
	id=$(ethtool -i "$1" | sed -n 's/^bus-info: vnetmq\.//p')
	echo "/sys/kernel/debug/vnetmq/$id"
}

# refused WANT CMD...: CMD must fail, with an answer that contains WANT.
refused() {
	local want=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "# accepted: $*"
		return 1
	fi
	echo "# $(cut -c 1-72 <<< "${*: -3}"): $out"
	[[ $out == *"$want"* ]]
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local tries=$(($1 * 5))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
}

# pktgen_run DEV COUNT QMIN QMAX [SETTING...]: send COUNT frames from
# pktgen, spread over TX queues QMIN..QMAX, with pktgen's SETTINGs
# besides ("flag UDPSRC_RND"); returns when pktgen is done.  clone_skb
# and burst stay 0 and 1: vnetmq clears IFF_TX_SKB_SHARING.
pktgen_run() {
	local dev=$1 count=$2 qmin=$3 qmax=$4 pg=/proc/net/pktgen
	shift 4
	pktgen_attach "$dev" || return 1
	{
		echo "count $count"
		echo "pkt_size 60"
		echo "delay 0"
		echo "clone_skb 0"
		echo "dst_mac $(cat "/sys/class/net/$dev/address")"
		echo "dst 198.51.100.1"
		echo "queue_map_min $qmin"
		echo "queue_map_max $qmax"
		printf '%s\n' "$@"
	} | while read -r line; do
		[ -n "$line" ] && echo "$line" > "$pg/$dev"
	done
	echo start > "$pg/pgctrl"
}

# pktgen_stop: end every pktgen run under way.
pktgen_stop() {
	echo stop > /proc/net/pktgen/pgctrl
}

# pktgen_running DEV: pktgen's first thread is sending on DEV.  Not the
# "echo start" process being alive: it waits only 125 ms for the thread
# to pick the run up, and on a loaded host returns while it then runs.
pktgen_running() {
	grep -q "^Running: \(.* \)\?$1 " /proc/net/pktgen/kpktgend_0
}

# tx_stops_above DEV Q N: TX queue Q of DEV has stopped more than N times.
tx_stops_above() {
	[ "$(qstat "$(qstats "$1")" tx "$2" tx-stop)" -gt "$3" ]
}

# voice_beside_flood DEV COUNT STOPS: pktgen floods TX queue 1 of DEV
# until it stops more than STOPS times (its ring is full), then COUNT
# frames go out at priority 6 (voice, through mqprio's map), 2 ms apart,
# on the TX queue the stack picks for them; prints what vnetmq_frames.py
# counted of them, or why there was no flood.
voice_beside_flood() {
	local pg rc=0
	# pktgen's output must not hold a command substitution open.
	pktgen_run "$1" 100000000 1 1 > /dev/null 2>&1 &
	pg=$!
	if wait_for 20 tx_stops_above "$1" 1 "$3"; then
		"$PY" "$VNETMQ_DIR/vnetmq_frames.py" "$1" --count "$2" \
			--rx-queues 2 --priority 6 --interval 0.002 \
			--timeout 20 || rc=1
	else
		echo "no flood: TX queue 1 never stopped"
		rc=1
	fi
	pktgen_stop
	wait "$pg"
	return "$rc"
}

# pktgen_attach DEV: make DEV pktgen's only device, on its first thread.
# rem_device_all only flags the thread and waits 125 ms for it; on a busy
# machine the thread takes longer, and until it has run, adding the same
# device again fails with EBUSY ("interface already used").
pktgen_attach() {
	local pg=/proc/net/pktgen
	[ -d "$pg" ] || modprobe pktgen 2>/dev/null
	echo "rem_device_all" > "$pg/kpktgend_0" || return 1
	if ! wait_for 10 pktgen_add_device "$1"; then
		echo "pktgen: add_device $1 still refused after 10 s" >&2
		return 1
	fi
}

pktgen_add_device() {
	echo "add_device $1" 2> /dev/null > /proc/net/pktgen/kpktgend_0
}

# qfile_node DIR: export VNETMQ_NODE, the queue file node: /dev/vnetmq if
# it is vnetmq's, else one made in DIR from sysfs (under UML, /dev is the
# host's, read-only).
qfile_node() {
	local nr
	nr=$(cat /sys/class/misc/vnetmq/dev) || return 1
	if [ -c /dev/vnetmq ] && [ "$(stat -c %Hr:%Lr /dev/vnetmq)" = "$nr" ]
	then
		VNETMQ_NODE=/dev/vnetmq
	else
		VNETMQ_NODE=$1/vnetmq
		mknod -m 0666 "$VNETMQ_NODE" c "${nr%:*}" "${nr#*:}" || return 1
	fi
	export VNETMQ_NODE
	echo "# queue files through $VNETMQ_NODE ($nr)"
}

# ynl FAMILY ARGS...: the kernel's YNL CLI on FAMILY's spec.  Installed
# (make -C tools/testing/selftests TARGETS=drivers/net/vnetmq install),
# these tests find the CLI and the spec in net/lib beside them, which
# installs with them; in a kernel tree, in VNETMQ_KSRC or the tree they
# sit in.  2 if none has them.
ynl() {
	local fam=$1 lib=$VNETMQ_DIR/../../../net/lib
	local ksrc=${VNETMQ_KSRC:-$VNETMQ_DIR/../../../../../..}
	local cli=$lib/ynl/pyynl/cli.py spec=$lib/specs/$fam.yaml

	shift
	if [ ! -f "$cli" ] || [ ! -f "$spec" ]; then
		cli=$ksrc/tools/net/ynl/pyynl/cli.py
		spec=$ksrc/Documentation/netlink/specs/$fam.yaml
	fi
	[ -f "$cli" ] && [ -f "$spec" ] || return 2
	"$PY" "$cli" --no-schema --output-json --spec "$spec" "$@"
}

# ynl_netdev ARGS...: the YNL CLI on the netdev family.
ynl_netdev() {
	ynl netdev "$@"
}

# qstats DEV: DEV's per-queue counters from netdev netlink, one line
# "rx|tx QUEUE COUNTER VALUE" each (e.g. "tx 2 tx-stop 5").
qstats() {
	local ifindex out
	ifindex=$(cat "/sys/class/net/$1/ifindex") || return 1
	out=$(ynl_netdev --dump qstats-get \
		--json "{\"ifindex\": $ifindex, \"scope\": \"queue\"}") ||
		return
	"$PY" -c 'import json, sys
for q in json.loads(sys.argv[1]):
	for k, v in q.items():
		if k not in ("ifindex", "queue-type", "queue-id"):
			print(q["queue-type"], q["queue-id"], k, v)' "$out"
}

# qstat STATS TYPE QUEUE COUNTER: one counter out of qstats' output, 0 if
# it is not there (netdev netlink leaves out what a queue never counted).
qstat() {
	awk -v t="$2" -v q="$3" -v c="$4" '
		$1 == t && $2 == q && $3 == c { v = $4 }
		END { print v + 0 }' <<< "$1"
}
