// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq NAPI poll core.  It owns the rules of a poll (budget, completion,
 * the re-check after completion, TX completions and wakes) but calls NAPI
 * only through struct vnetmq_napi_ops, so KUnit can run it without a
 * napi_struct and stage the races it guards against.
 */

#include <kunit/visibility.h>
#include <linux/indirect_call_wrapper.h>

#include "vnetmq.h"

/**
 * vnetmq_rxq_init() - set up an RX queue with empty rings
 * @rq: the RX queue, zeroed
 * @dev: its device
 * @index: its index
 * @size: the size of each of its rings
 *
 * One ring in use, as without traffic classes.  The device's queues
 * are set up this way, and so are the test suites' bare RX queues.
 */
void vnetmq_rxq_init(struct vnetmq_rxq *rq, struct net_device *dev,
		     u16 index, unsigned int size)
{
	unsigned int tc;

	rq->dev = dev;
	rq->index = index;
	rq->nr_rings = 1;
	for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
		vnetmq_ring_init(&rq->ring[tc], size);
	u64_stats_init(&rq->stats.syncp);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_init);

/*
 * TX queues whose completions one poll gathers before it reports them.
 * A ring's frames interleave their TX queues (the default topology
 * has two per ring, pktgen sends them round robin): reporting each run of
 * one queue would mean a BQL completion and a wake test per frame.
 */
#define VNETMQ_POLL_TXQS	4

struct vnetmq_tx_batch {
	unsigned int n;
	struct {
		u16 txq;
		unsigned int pkts;
		unsigned int bytes;
	} q[VNETMQ_POLL_TXQS];
};

static void vnetmq_tx_batch_flush(struct vnetmq_rxq *rq,
				  const struct vnetmq_napi_ops *ops,
				  struct vnetmq_tx_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		INDIRECT_CALL_1(ops->tx_done, vnetmq_napi_tx_done, rq,
				b->q[i].txq, b->q[i].pkts, b->q[i].bytes);
	b->n = 0;
}

/*
 * Count a received frame's completion for the TX queue that sent it.
 * Frames written to a queue file were never transmitted: nothing
 * completes them.
 */
static void vnetmq_tx_batch_add(struct vnetmq_rxq *rq,
				const struct vnetmq_napi_ops *ops,
				struct vnetmq_tx_batch *b, u16 txq,
				unsigned int len)
{
	unsigned int i;

	if (txq == VNETMQ_TXQ_NONE)
		return;
	for (i = 0; i < b->n; i++) {
		if (b->q[i].txq == txq) {
			b->q[i].pkts++;
			b->q[i].bytes += len;
			return;
		}
	}
	if (b->n == VNETMQ_POLL_TXQS)
		vnetmq_tx_batch_flush(rq, ops, b);
	b->q[b->n].txq = txq;
	b->q[b->n].pkts = 1;
	b->q[b->n].bytes = len;
	b->n++;
}

/*
 * Strict priority: the highest class's ring first, each lower one gets
 * what budget is left.  Empty rings are skipped without their lock.
 */
static unsigned int vnetmq_rx_take(struct vnetmq_rxq *rq,
				   struct sk_buff_head *batch,
				   unsigned int budget, unsigned int *tc_work)
{
	unsigned int work = 0;
	int tc;

	for (tc = rq->nr_rings - 1; tc >= 0; tc--) {
		tc_work[tc] = 0;
		if (work == budget || vnetmq_ring_empty(&rq->ring[tc]))
			continue;
		tc_work[tc] = vnetmq_ring_consume(&rq->ring[tc], batch,
						  budget - work);
		work += tc_work[tc];
	}
	return work;
}

/*
 * Wake the TX queues that stopped on a ring this poll left with room,
 * whoever's frames it took: a TX queue whose frames all left while the
 * others kept the ring full has no completion of its own to wake it, a
 * ring can hold only frames written to a queue file, which complete no
 * TX queue, and the TX watchdog's kick (an empty poll) must recover a
 * queue whose wake was missed.
 */
static void vnetmq_rx_wake(struct vnetmq_rxq *rq,
			   const struct vnetmq_napi_ops *ops)
{
	struct vnetmq_ring *ring;
	unsigned int tc, start;

	for (tc = 0; tc < rq->nr_rings; tc++) {
		ring = &rq->ring[tc];
		start = vnetmq_ring_start_thrs(READ_ONCE(ring->size),
					       READ_ONCE(ring->feeders));
		if (vnetmq_ring_wake_due(ring, start))
			ops->wake(rq, tc);
	}
}

static bool vnetmq_rx_pending(const struct vnetmq_rxq *rq)
{
	unsigned int tc;

	for (tc = 0; tc < rq->nr_rings; tc++)
		if (!vnetmq_ring_empty(&rq->ring[tc]))
			return true;
	return false;
}

/**
 * vnetmq_rx_poll() - one NAPI poll of an RX queue
 * @rq: the RX queue
 * @budget: the most frames to receive
 * @ops: how to reach NAPI (vnetmq_napi_ops outside of tests)
 *
 * Receives at most @budget frames from @rq's rings, the ring of the
 * highest traffic class first, each ring in order, and reports each TX
 * queue's share of them as completed (BQL, and a wake if its ring has
 * room again): once per poll for each of the first VNETMQ_POLL_TXQS TX
 * queues seen, in the order first seen; more queues flush those.  Then
 * it wakes the TX queues that stopped on any of its rings, if the ring
 * has room again (vnetmq_ring_wake_due()), with or without work.  A
 * lower class gets only the budget the higher ones left: a flood in a
 * low class cannot delay a higher one by more than the frames of one
 * poll already on their way up.
 *
 * Completes NAPI only when it used less than @budget; after completing
 * it looks at the rings once more, because a producer that queued a
 * frame after its ring was last seen empty, while NAPI was still
 * scheduled, relied on this poll to see it.  A paused queue (debugfs)
 * takes nothing and completes without that re-check, as a hung RX
 * engine would.
 *
 * Context: softirq, or any context with BH disabled.
 * Return: the number of frames received.
 */
int vnetmq_rx_poll(struct vnetmq_rxq *rq, int budget,
		   const struct vnetmq_napi_ops *ops)
{
	unsigned int tc_work[VNETMQ_MAX_TC], bytes = 0, len;
	struct net_device *dev = rq->dev;
	struct vnetmq_tx_batch done;
	struct sk_buff_head batch;
	struct sk_buff *skb;
	int work;

	if (unlikely(budget <= 0))
		return 0;
	if (unlikely(READ_ONCE(rq->paused))) {
		ops->complete(rq, 0);
		memset(tc_work, 0, sizeof(tc_work));
		vnetmq_rxq_count_poll(rq, tc_work, 0, false);
		return 0;
	}

	__skb_queue_head_init(&batch);
	done.n = 0;
	work = vnetmq_rx_take(rq, &batch, budget, tc_work);
	while ((skb = __skb_dequeue(&batch))) {
		/* Until vnetmq_skb_rx_prep() the skb carries its TX queue,
		 * and its Ethernet header, which both sides count.
		 */
		len = skb->len;
		vnetmq_tx_batch_add(rq, ops, &done, skb_get_queue_mapping(skb),
				    len);
		vnetmq_skb_rx_prep(dev, skb, rq->index);
		bytes += len;
		INDIRECT_CALL_1(ops->receive, vnetmq_napi_receive, rq, skb);
	}
	vnetmq_tx_batch_flush(rq, ops, &done);
	vnetmq_rx_wake(rq, ops);
	vnetmq_rxq_count_poll(rq, tc_work, bytes, work == budget);

	if (work < budget && ops->complete(rq, work)) {
		/* Order the completion before the look at the rings; pairs
		 * with the full barrier of napi_schedule()'s atomic update
		 * after the producer's __skb_queue_tail().
		 */
		smp_mb();
		if (vnetmq_rx_pending(rq))
			ops->reschedule(rq);
	}
	return work;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rx_poll);

/* Empty one ring of a flushed RX queue; see vnetmq_rx_flush(). */
static unsigned int vnetmq_rx_flush_ring(struct vnetmq_rxq *rq, u8 tc,
					 bool deliver)
{
	unsigned int n = 0, packets = 0, bytes = 0, drops = 0;
	struct vnetmq_ring *ring = &rq->ring[tc];
	struct sk_buff_head batch;
	struct sk_buff *skb;

	__skb_queue_head_init(&batch);
	spin_lock_bh(&ring->skbs.lock);
	skb_queue_splice_init(&ring->skbs, &batch);
	spin_unlock_bh(&ring->skbs.lock);

	while ((skb = __skb_dequeue(&batch))) {
		unsigned int len;

		n++;
		if (!deliver) {
			kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
			drops++;
			continue;
		}
		len = skb->len;
		vnetmq_skb_rx_prep(rq->dev, skb, rq->index);
		/* A frame the backlog refuses is the core's drop to count. */
		if (netif_rx(skb) == NET_RX_SUCCESS) {
			packets++;
			bytes += len;
		}
	}
	if (n) {
		/* The counters' writer runs with BH off (32-bit seqcount). */
		local_bh_disable();
		vnetmq_rxq_count(rq, tc, packets, bytes, drops);
		local_bh_enable();
	}
	return n;
}

/**
 * vnetmq_rx_flush() - empty an RX queue's rings outside of NAPI
 * @rq: the RX queue; its NAPI disabled and no TX queue feeding it
 * @deliver: receive the frames (queues being reconfigured on a running
 *	device) rather than drop them (device going down)
 *
 * Every frame is accounted for: received and counted as a packet of
 * @rq and its class, freed and counted as a drop of @rq, or refused by
 * the stack's backlog, which counts it in the device's rx_dropped.  Every ring
 * is emptied, used or not, so none holds frames when the classes
 * change.  BQL state of the TX queues that sent them is the caller's to
 * reset.
 *
 * Context: process context; takes the ring locks with BH disabled.
 * Return: the number of frames taken off the rings.
 */
unsigned int vnetmq_rx_flush(struct vnetmq_rxq *rq, bool deliver)
{
	unsigned int n = 0;
	u8 tc;

	for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
		n += vnetmq_rx_flush_ring(rq, tc, deliver);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rx_flush);
