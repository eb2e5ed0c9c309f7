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
#include <linux/ethtool.h>

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

/**
 * vnetmq_channels_from_queues() - report queue counts as ethtool channels
 * @ch: filled with the counts and their maxima
 * @num_tx: TX queues the device has (num_tx_queues)
 * @num_rx: RX queues the device has
 * @real_tx: TX queues in use
 * @real_rx: RX queues in use
 *
 * As NICs report them: the queue pairs (TX queue q with RX queue q) are
 * combined channels, the queues above the smaller count TX-only or
 * RX-only channels.  A request may also leave combined at 0 and give
 * both counts whole, so the TX-only and RX-only maxima are the queue
 * counts themselves.
 */
void vnetmq_channels_from_queues(struct ethtool_channels *ch,
				 unsigned int num_tx, unsigned int num_rx,
				 unsigned int real_tx, unsigned int real_rx)
{
	ch->max_combined = min(num_tx, num_rx);
	ch->max_tx = num_tx;
	ch->max_rx = num_rx;
	ch->combined_count = min(real_tx, real_rx);
	ch->tx_count = real_tx - ch->combined_count;
	ch->rx_count = real_rx - ch->combined_count;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_channels_from_queues);

/**
 * vnetmq_channels_to_queues() - the queue counts an ethtool -L request asks for
 * @ch: the request, each count within the maxima of
 *	vnetmq_channels_from_queues() (checked by the ethtool core)
 * @num_tx: TX queues the device has
 * @num_rx: RX queues the device has
 * @tx: set to the TX queue count, combined plus TX-only channels
 * @rx: set to the RX queue count, combined plus RX-only channels
 *
 * Return: 0, or -EINVAL if either count is 0 or above what the device
 * has; @tx and @rx are set either way, for the caller's message.
 */
int vnetmq_channels_to_queues(const struct ethtool_channels *ch,
			      unsigned int num_tx, unsigned int num_rx,
			      unsigned int *tx, unsigned int *rx)
{
	*tx = ch->combined_count + ch->tx_count;
	*rx = ch->combined_count + ch->rx_count;
	if (!*tx || !*rx || *tx > num_tx || *rx > num_rx || ch->other_count)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_channels_to_queues);
