#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside UML (tools/demo.sh): make a 4-TX/2-RX vnetmq device, send
# frames on each TX queue in turn, and show on which RX queue they came
# back.  The RX side is counted by packet sockets in a PACKET_FANOUT_QM
# group (one per RX queue), not by the driver.

set -euo pipefail
# shellcheck source=tools/testing/selftests/drivers/net/vnetmq/lib.sh
. "$(dirname "$(realpath "$0")")/../tools/testing/selftests/drivers/net/vnetmq/lib.sh"

DEV=vnetmq0
TXQ=4
RXQ=2
FRAMES=1000

ip link add "$DEV" numtxqueues "$TXQ" numrxqueues "$RXQ" type vnetmq
dev_up "$DEV"
echo
echo "$DEV: $TXQ TX queues, $RXQ RX queues; TX queue q loops back to RX queue q % $RXQ"
echo
printf '%-9s %12s   %s\n' "TX queue" "frames sent" "frames received per RX queue"
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
echo
ip -s link show dev "$DEV"
ip link del "$DEV"
