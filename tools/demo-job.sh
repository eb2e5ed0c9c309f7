#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside UML (tools/demo.sh): make a 4-TX/2-RX vnetmq device, send
# frames on each TX queue in turn, and show on which RX queue they came
# back.  The RX side is counted by packet sockets in a PACKET_FANOUT_QM
# group (one per RX queue), not by the driver.  Then a userspace backend
# (the selftests' vnetmq_qfile, in $VNETMQ_QFILE) serves queue pair 0
# through /dev/vnetmq, echoing its frames, next to the looping queues.
# Between the two, traffic classes keep a voice flow clear of a flood.

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

# voice_next_to_flood: pktgen floods tx-1 until 200 frames at priority 6
# (voice, through mqprio's map) are through; print the voice flow's
# frames back, and the stops of both TX queues during the flood.
voice_next_to_flood() {
	local before after got
	before=$(qstats "$DEV")
	got=$(voice_beside_flood "$DEV" 200 "$(qstat "$before" tx 1 tx-stop)")
	after=$(qstats "$DEV")
	printf '  %-24s voice back on rx-1: %3s   tx-3 (voice) stops: %4d   tx-1 (background) stops: %4d\n' \
		"$1" "$("$PY" -c 'import json, sys
print(json.loads(sys.argv[1])["rx_queues"][1])' "$got")" \
		$(($(qstat "$after" tx 3 tx-stop) - $(qstat "$before" tx 3 tx-stop))) \
		$(($(qstat "$after" tx 1 tx-stop) - $(qstat "$before" tx 1 tx-stop)))
}

# NAPI in threads: run inline on pktgen's CPU it would keep the rings
# empty, and no flood would fill one.
demo_classes() {
	echo 1 > "/sys/class/net/$DEV/threaded"
	tc qdisc add dev "$DEV" root handle 100: mqprio num_tc 4 \
		map 1 0 0 1 2 2 3 3 1 1 1 1 1 1 1 1 \
		queues 1@1 1@0 1@2 1@3 hw 1 mode dcb
	voice_next_to_flood "with classes:"
	tc qdisc del dev "$DEV" root
	pin_tx_queue "$DEV" 3
	voice_next_to_flood "without (voice on tx-3):"
	tc qdisc del dev "$DEV" clsact
	echo 0 > "/sys/class/net/$DEV/threaded"
}

ip link add "$DEV" numtxqueues "$TXQ" numrxqueues "$RXQ" type vnetmq
dev_up "$DEV"
echo
echo "$DEV: $TXQ TX queues, $RXQ RX queues; TX queue q loops back to RX queue q % $RXQ"
echo
show_rx_queues
echo
echo "Per-queue counters (netdev netlink qstats; polls from ethtool -S $DEV):"
stats=$(qstats "$DEV")
printf '%-9s %10s %8s %8s    %-9s %10s %8s\n' "TX queue" packets stops wakes \
	"RX queue" packets polls
for ((q = 0; q < TXQ; q++)); do
	tx=$(printf '%-9s %10d %8d %8d' "tx-$q" \
		"$(qstat "$stats" tx "$q" tx-packets)" \
		"$(qstat "$stats" tx "$q" tx-stop)" \
		"$(qstat "$stats" tx "$q" tx-wake)")
	rx=""
	if [ "$q" -lt "$RXQ" ]; then
		rx=$(printf '%-9s %10d %8d' "rx-$q" \
			"$(qstat "$stats" rx "$q" rx-packets)" \
			"$(ethtool_stat "$DEV" "rx_queue_${q}_polls")")
	fi
	echo "$tx    $rx"
done
echo
echo "ethtool -L $DEV combined 1 tx 1 (2 TX, 1 RX queue) while the device is up:"
ethtool -L "$DEV" combined 1 tx 1
read -r -a got <<<"$(send_frames "$DEV" "$FRAMES" 1)"
echo "  $FRAMES frames sent, ${got[0]} received on rx-0"
ethtool -L "$DEV" combined "$RXQ" tx $((TXQ - RXQ))

echo
echo "Traffic classes (mqprio hw 1): background owns tx-1, voice tx-3; both"
echo "loop back to rx-1.  pktgen floods tx-1 while 200 voice frames"
echo "(SO_PRIORITY 6) go out 2 ms apart:"
demo_classes
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
