// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq queue mapping and flow-control thresholds.
 *
 * Several TX queues can feed one RX ring.  Each TX queue stops itself when,
 * after adding a frame, fewer free slots remain than there are TX queues
 * feeding the ring.  Every producer that gets past the core's "stopped"
 * check has seen at least that many free slots after its own previous
 * frame, and each feeder adds at most one frame between two such checks,
 * so the ring never holds more frames than its size: no frame is ever
 * refused, and ndo_start_xmit never returns NETDEV_TX_BUSY.
 */

#include <kunit/visibility.h>

#include "vnetmq.h"

/**
 * vnetmq_rxq_for_txq() - RX queue that frames sent on a TX queue arrive on
 * @txq: TX queue index, below the device's real_num_tx_queues
 * @real_num_rx_queues: the device's current real_num_rx_queues, at least 1
 *
 * TX queue q loops back to RX queue q % real_num_rx_queues: with more TX
 * than RX queues several TX queues share an RX queue; with fewer, the
 * upper RX queues receive nothing.  The result depends on the *real*
 * count, which ethtool -L changes, so callers read the count once per
 * frame and use the same value for the ring and the recorded queue.
 *
 * Return: an RX queue index below @real_num_rx_queues.
 */
u16 vnetmq_rxq_for_txq(u16 txq, unsigned int real_num_rx_queues)
{
	return txq % real_num_rx_queues;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_for_txq);

/**
 * vnetmq_txqs_per_rxq() - number of TX queues that feed an RX queue
 * @rxq: RX queue index
 * @real_num_tx_queues: the device's real_num_tx_queues
 * @real_num_rx_queues: the device's real_num_rx_queues, at least 1
 *
 * Return: how many q < @real_num_tx_queues have
 * vnetmq_rxq_for_txq(q) == @rxq; this is the headroom a TX queue keeps
 * free on @rxq's ring before it stops.
 */
unsigned int vnetmq_txqs_per_rxq(u16 rxq, unsigned int real_num_tx_queues,
				 unsigned int real_num_rx_queues)
{
	if (rxq >= real_num_tx_queues)
		return 0;
	return (real_num_tx_queues - 1 - rxq) / real_num_rx_queues + 1;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_txqs_per_rxq);

/**
 * vnetmq_ring_min_size() - smallest RX ring size a queue topology allows
 * @real_num_tx_queues: TX queue count
 * @real_num_rx_queues: RX queue count, at least 1
 *
 * A ring must hold the stop headroom of its busiest RX queue twice over,
 * so a stopped TX queue can be woken with room to spare.
 *
 * Return: the minimum ring size in frames.
 */
unsigned int vnetmq_ring_min_size(unsigned int real_num_tx_queues,
				  unsigned int real_num_rx_queues)
{
	return 2 * DIV_ROUND_UP(real_num_tx_queues, real_num_rx_queues);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_min_size);

/**
 * vnetmq_ring_start_thrs() - free slots at which a stopped TX queue wakes
 * @size: ring size
 * @feeders: TX queues feeding the ring (its stop headroom)
 *
 * Waking at half a ring rather than at the stop threshold keeps a busy
 * queue from flapping between stopped and running on every frame.
 *
 * Return: the number of free slots needed to wake a feeder.
 */
unsigned int vnetmq_ring_start_thrs(unsigned int size, unsigned int feeders)
{
	return max(size / 2, feeders);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_start_thrs);
