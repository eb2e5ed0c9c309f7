// SPDX-License-Identifier: GPL-2.0-only
/* vnetmq queue mapping: which RX queue a TX queue loops back to. */

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
 * count, which may change while the device runs, so callers read it once
 * per frame and use the same value for the ring and the recorded queue.
 *
 * Return: an RX queue index below @real_num_rx_queues.
 */
u16 vnetmq_rxq_for_txq(u16 txq, unsigned int real_num_rx_queues)
{
	return txq % real_num_rx_queues;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_for_txq);
