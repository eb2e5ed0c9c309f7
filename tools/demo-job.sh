#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside UML (tools/demo.sh): make a 4-TX/2-RX vnetmq device, send
# frames on each TX queue in turn, and show on which RX queue they came
# back.  The RX side is counted by packet sockets in a PACKET_FANOUT_QM
# group (one per RX queue), not by the driver.  Then a userspace backend
# (the selftests' vnetmq_qfile, in $VNETMQ_QFILE) serves queue pair 0
# through /dev/vnetmq, echoing its frames, next to the looping queues.

set -euo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$(dirname "$(realpath "$0")")/../tools/testing/selftests/drivers/net/vnetmq/lib.sh"

DEV=vnetmq0
TXQ=4
RXQ=2
FRAMES=1000

# show_rx_queues: send FRAMES on each TX queue; where they came back.
show_rx_queues() {
	local q r row
	local -a got
	printf '%-9s %12s   %s\n' "TX queue" "frames sent" \
		"frames received per RX queue"
	for ((q = 0; q < TXQ; q++)); do
		pin_tx_queue "$DEV" "$q"
		read -r -a got <<<"$(send_frames "$DEV" "$FRAMES" "$RXQ")"
		row=""
		[ "${got[RXQ]}" -eq 0 ] || row="(no RX queue recorded: ${got[RXQ]}) "
		for ((r = 0; r < RXQ; r++)); do
			row+=$(printf 'rx-%d: %-6d ' "$r" "${got[r]}")
		done
		printf '%-9s %12d   %s\n' "tx-$q" "$FRAMES" "$row"
	done
	tc qdisc del dev "$DEV" clsact
}

ip link add "$DEV" numtxqueues "$TXQ" numrxqueues "$RXQ" type vnetmq
dev_up "$DEV"
echo
echo "$DEV: $TXQ TX queues, $RXQ RX queues; TX queue q loops back to RX queue q % $RXQ"
echo
show_rx_queues
echo
echo "The driver's own per-queue counters (ethtool -S $DEV):"
printf '%-9s %10s %8s %8s    %-9s %10s %8s\n' "TX queue" packets stops wakes \
	"RX queue" packets polls
for ((q = 0; q < TXQ; q++)); do
	tx=$(printf '%-9s %10d %8d %8d' "tx-$q" \
		"$(ethtool_stat "$DEV" "tx_queue_${q}_packets")" \
		"$(ethtool_stat "$DEV" "tx_queue_${q}_stops")" \
		"$(ethtool_stat "$DEV" "tx_queue_${q}_wakes")")
	rx=""
	if [ "$q" -lt "$RXQ" ]; then
		rx=$(printf '%-9s %10d %8d' "rx-$q" \
			"$(ethtool_stat "$DEV" "rx_queue_${q}_packets")" \
			"$(ethtool_stat "$DEV" "rx_queue_${q}_polls")")
	fi
	echo "$tx    $rx"
done
echo
echo "ethtool -L $DEV rx 1 tx 2 while the device is up:"
ethtool -L "$DEV" rx 1 tx 2
read -r -a got <<<"$(send_frames "$DEV" "$FRAMES" 1)"
echo "  $FRAMES frames sent, ${got[0]} received on rx-0"
ethtool -L "$DEV" rx "$RXQ" tx "$TXQ"

echo
echo "A userspace backend serves queue pair 0 (/dev/vnetmq): it reads every"
echo "frame of tx-0 and writes it back into rx-0; the other queues loop back."
work=$(mktemp -d)
qfile_node "$work" > /dev/null
"$VNETMQ_QFILE" serve "$DEV" 1 2 echo > "$work/serve.out" 2>&1 &
server=$!
wait_for 5 grep -q '^# ready' "$work/serve.out"
show_rx_queues
wait "$server"
sed -n 's/^# queue \([0-9]*\) \(read\|echoed\) /  backend, queue pair \1: \2 /p' \
	"$work/serve.out"
echo
ip -s link show dev "$DEV"
ip link del "$DEV"
