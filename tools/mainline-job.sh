#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mainline, inside make mainline's kernel: each line of /mnt/plan,
# "DEVICE FILE", runs one of the tree's driver selftests against DEVICE:
#
#   vnetmq     a vnetmq pair, 16 TX and 16 RX queues each end, the remote
#              end in the netns mlr, through NETIF
#   veth       a veth pair of the same shape, through NETIF
#   netdevsim  the tests' own netdevsim pair (no NETIF)
#
# Each file gets a fresh pair and netns: a test killed half-way leaves
# contexts, channels or programs behind.  Its output goes to
# /mnt/ktap/DEVICE/FILE.ktap (slashes as "__"), and "DEVICE FILE RC
# SECONDS" to /mnt/runs.tsv.
#
# usage: mainline-job.sh INSTALL ETHTOOL_DIR

set -uo pipefail

INSTALL=$1
ETHTOOL_DIR=$2
NS=mlr
LOCAL=(NETIF=mlv0 LOCAL_V4=198.51.100.1 REMOTE_V4=198.51.100.2
       LOCAL_V6=2001:db8:1::1 REMOTE_V6=2001:db8:1::2 REMOTE_TYPE=netns
       "REMOTE_ARGS=$NS" LOCAL_PREFIX_V6=2001:db8:2::/64)
NETIF_VARS=(NETIF LOCAL_V4 REMOTE_V4 LOCAL_V6 REMOTE_V6 REMOTE_TYPE
	    REMOTE_ARGS LOCAL_PREFIX_V6)
# The tests' own limit (drivers/net/settings); hw/ sets none, and
# rss_ctx.py alone runs over 6 minutes under UML.
LIMIT=360
HW_LIMIT=900

prepare_system() {
	local k
	mkdir -p /run/tmp /run/shim
	mount -t bpf bpf /sys/fs/bpf
	mount -t configfs configfs /sys/kernel/config
	ip link set lo up
	# The tests' netns inherit these; IPv6 addresses survive their
	# down and up, and are usable at once.
	sysctl -qw net.core.devconf_inherit_init_net=1
	for k in all default; do
		sysctl -qw "net.ipv6.conf.$k.keep_addr_on_down=1"
		sysctl -qw "net.ipv6.conf.$k.accept_dad=0"
	done
	# No udev runs here: the netdevsim set-up's settle has nothing to
	# wait for.
	printf '#!/bin/sh\nexit 0\n' > /run/shim/udevadm
	chmod +x /run/shim/udevadm
	export PATH=/run/shim:$ETHTOOL_DIR:$PATH TMPDIR=/run/tmp NO_COLOR=1
}

addresses() {
	ip addr add 198.51.100.1/24 dev mlv0 &&
		ip addr add 2001:db8:1::1/64 dev mlv0 nodad &&
		ip -n "$NS" addr add 198.51.100.2/24 dev mlv1 &&
		ip -n "$NS" addr add 2001:db8:1::2/64 dev mlv1 nodad &&
		ip -n "$NS" link set lo up && ip -n "$NS" link set mlv1 up &&
		ip link set mlv0 up &&
		ip -n "$NS" -6 route add 2001:db8:2::/64 via 2001:db8:1::1
}

setup_vnetmq() {
	ip netns add "$NS" &&
		python3 "$VNETMQ_KSRC/tools/testing/selftests/drivers/net/vnetmq/vnetmq_pair.py" \
			mlv0 mlv1 --netns "$NS" --queues 16 16 --peer-queues 16 16 &&
		addresses
}

setup_veth() {
	ip netns add "$NS" &&
		ip link add mlv0 numtxqueues 16 numrxqueues 16 type veth peer \
			name mlv1 numtxqueues 16 numrxqueues 16 netns "$NS" &&
		addresses
}

setup_netdevsim() {
	:
}

# Whatever a test or a set-up left: links, netns, netdevsim devices.
teardown() {
	local id
	ip link del mlv0 2> /dev/null
	ip -all netns delete 2> /dev/null
	for id in /sys/bus/netdevsim/devices/netdevsim*; do
		[ -e "$id" ] || continue
		echo "${id##*netdevsim}" > /sys/bus/netdevsim/del_device
	done
}

run_one() {
	local dev=$1 file=$2 out start rc v limit
	local -a envs=("${LOCAL[@]}")
	out=/mnt/ktap/$dev/${file//\//__}.ktap
	mkdir -p "/mnt/ktap/$dev"
	teardown
	if ! "setup_$dev" > "$out" 2>&1; then
		echo "# mainline: setting up $dev failed" >> "$out"
		printf '%s\t%s\t%s\t%s\n' "$dev" "$file" setup 0 >> /mnt/runs.tsv
		return
	fi
	if [ "$dev" = netdevsim ]; then
		envs=()
		for v in "${NETIF_VARS[@]}"; do
			envs+=(-u "$v")
		done
	fi
	limit=$LIMIT
	[[ $file != */hw/* ]] || limit=$HW_LIMIT
	start=$(date +%s)
	(cd "$INSTALL/$(dirname "$file")" && env "${envs[@]}" \
		timeout --foreground -k 30 "$limit" "./$(basename "$file")") \
		>> "$out" 2>&1
	rc=$?
	printf '%s\t%s\t%s\t%s\n' "$dev" "$file" "$rc" \
		$(($(date +%s) - start)) >> /mnt/runs.tsv
	echo "mainline: $dev $file: exit $rc"
}

main() {
	local dev file
	prepare_system
	: > /mnt/runs.tsv
	while read -r dev file; do
		run_one "$dev" "$file" < /dev/null
	done < /mnt/plan
	teardown
}

main
