// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq: a virtual multiqueue loopback Ethernet device.
 *
 * Every frame transmitted on TX queue q is put on the ring of RX queue
 * vnetmq_rxq_for_txq(q) and received there by that queue's NAPI: of the
 * device itself, or of its peer if the device is one end of a pair.
 * This file is the glue: device setup, rtnetlink, the TX path and the
 * NAPI hooks of the poll core.  Devices are created only through
 * rtnetlink:
 *
 *   ip link add vnetmq0 numtxqueues 4 numrxqueues 2 type vnetmq
 *
 * or as a pair with IFLA_VNETMQ_PEER_INFO, whose ends may live in
 * different network namespaces.
 */

#include <kunit/visibility.h>
#include <linux/etherdevice.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <net/netdev_queues.h>
#include <net/pkt_sched.h>
#include <net/rtnetlink.h>
#include <uapi/linux/vnetmq.h>

#include "netlink-gen.h"
#include "vnetmq.h"

#define VNETMQ_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			 NETIF_F_RXCSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)

static DEFINE_IDA(vnetmq_ida);

/*
 * The device at the other end of @dev's TX queues: @dev itself, or its
 * peer.  The datapath reads it under RCU-BH (transmit, NAPI, the TX
 * watchdog), the control path under RTNL.  Both ends of a pair are
 * closed before either is handed back to itself, so a running datapath
 * always finds the peer it started with.
 */
static struct net_device *vnetmq_peer(const struct net_device *dev)
{
	const struct vnetmq_priv *priv = netdev_priv(dev);

	return rcu_dereference_check(priv->peer, rcu_read_lock_bh_held() ||
				     lockdep_rtnl_is_held());
}

static bool vnetmq_paired(const struct net_device *dev)
{
	return vnetmq_peer(dev) != dev;
}

/* The ends whose datapaths run as one: @dev, and its peer.  RTNL. */
static unsigned int vnetmq_ends(struct net_device *dev,
				struct net_device **end)
{
	end[0] = dev;
	end[1] = vnetmq_peer(dev);
	return end[1] == dev ? 1 : 2;
}

/* The RX queue, on the peer (or @dev), that TX queue @txq feeds. */
static struct vnetmq_rxq *vnetmq_rxq_of_txq(struct net_device *dev, u16 txq)
{
	struct vnetmq_priv *rpriv = netdev_priv(vnetmq_peer(dev));
	struct vnetmq_priv *priv = netdev_priv(dev);

	return &rpriv->rxq[priv->txq_map[txq].rxq];
}

/* The ring TX queue @txq feeds: that of its class on its RX queue. */
static struct vnetmq_ring *vnetmq_ring_of_txq(struct net_device *dev,
					      u16 txq)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return &vnetmq_rxq_of_txq(dev, txq)->ring[priv->txq_map[txq].tc];
}

/*
 * Queue pairs: TX queue q with RX queue q, for q below both counts.  The
 * datapath reads the counts while ethtool -L may change them (the rings
 * are closed and the TX queues stopped then).
 */
static unsigned int vnetmq_pairs(const struct net_device *dev)
{
	return min(READ_ONCE(dev->real_num_tx_queues),
		   READ_ONCE(dev->real_num_rx_queues));
}

/*
 * TX queue @txq is served by the queue file @qf: the frame goes to the
 * file's reader rather than to a ring.  No BQL: the queue's only limit is
 * the file's capacity, and its stop and wake are decided under the file's
 * lock, which the reader takes too, so a wake cannot be lost.
 */
static netdev_tx_t vnetmq_xmit_qfile(struct net_device *dev,
				     struct vnetmq_qfile *qf,
				     struct sk_buff *skb,
				     struct netdev_queue *txq,
				     struct vnetmq_txq_stats *st)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	enum skb_drop_reason reason;
	struct vnetmq_tx_frame f;
	bool stop;

	/* ndo_features_check made the core resolve GSO and checksums for a
	 * file without vnet headers; a frame validated before the file
	 * attached can still get here.
	 */
	reason = vnetmq_skb_qfile_prep(skb, READ_ONCE(qf->flags) &
				       VNETMQ_F_VNET_HDR);
	if (unlikely(reason)) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb_reason(skb, reason);
		return NETDEV_TX_OK;
	}
	vnetmq_skb_tx_frame(skb, &f);
	spin_lock(&qf->frames.lock);
	stop = vnetmq_qfile_push(qf, skb, READ_ONCE(priv->ring_size));
	if (stop)
		netif_tx_stop_queue(txq);
	spin_unlock(&qf->frames.lock);
	vnetmq_txq_count(st, &f, stop);
	if (wq_has_sleeper(&qf->wq))
		wake_up_interruptible_poll(&qf->wq, EPOLLIN | EPOLLRDNORM);
	return NETDEV_TX_OK;
}

/*
 * The IPI of vnetmq_rxq_irq(): this CPU is @rq's.  Its softirq, on the
 * way out of this interrupt, polls.
 */
static void vnetmq_rxq_irq_fn(void *info)
{
	struct vnetmq_rxq *rq = info;

	__napi_schedule(&rq->napi);
}

/*
 * Schedule @rq's NAPI as its interrupt would: on its CPU, so that a
 * queue's frames are received on one CPU whichever sends them (what
 * SO_INCOMING_CPU, RPS and RFS see of RSS on a NIC).  The caller that
 * takes NAPI's SCHED bit sends the IPI, one at a time per queue: the
 * csd is free again before its function runs, and the bit clears only
 * after the poll it started.  A NAPI already scheduled polls again
 * (NAPI_STATE_MISSED), where it is; so does one whose CPU went offline,
 * here.
 */
static void vnetmq_rxq_irq(struct vnetmq_rxq *rq)
{
	int cpu = READ_ONCE(rq->irq_cpu);

	if (cpu < 0 || cpu == smp_processor_id()) {
		napi_schedule(&rq->napi);
		return;
	}
	if (!napi_schedule_prep(&rq->napi))
		return;
	if (smp_call_function_single_async(cpu, &rq->irq_csd))
		__napi_schedule(&rq->napi);
}

/*
 * The CPU whose last poll tells whether a frame comes alone: @rq's own
 * on a pair's end, this one, which will poll, on a lone device.
 */
static struct vnetmq_cpu_poll *vnetmq_rxq_last_poll(struct vnetmq_rxq *rq)
{
	struct vnetmq_priv *priv = netdev_priv(rq->dev);
	int cpu = READ_ONCE(rq->irq_cpu);

	if (cpu < 0)
		return this_cpu_ptr(priv->cpu_poll);
	return per_cpu_ptr(priv->cpu_poll, cpu);
}

/*
 * A frame joined one of @rq's rings, which holds @waiting frames now.
 * Schedule the poll if it is due (vnetmq_coal_due()) or the clock cannot
 * time rx-usecs (vnetmq_coal_timer_ok()), else make sure the coalescing
 * timer will: one timer per queue, armed by the first frame that finds
 * it idle, so no frame waits longer than rx-usecs.
 */
static void vnetmq_rxq_kick(struct vnetmq_rxq *rq, unsigned int waiting,
			    bool urgent)
{
	struct vnetmq_priv *priv = netdev_priv(rq->dev);

	/* Threaded NAPI polls on its kthread's CPU, whose last poll says
	 * nothing about the one that polls here: no frame goes alone there.
	 * Callers have BH off, so this CPU, or @rq's, is the one that polls.
	 */
	if (vnetmq_coal_due(&priv->coal, waiting, urgent) ||
	    !vnetmq_coal_timer_ok(&priv->coal, hrtimer_resolution) ||
	    (waiting == 1 &&
	     !test_bit(NAPI_STATE_THREADED, &rq->napi.state) &&
	     vnetmq_coal_lone(vnetmq_rxq_last_poll(rq), ktime_get_ns()))) {
		vnetmq_rxq_irq(rq);
		return;
	}
	/* Fully ordered: the frame is on the ring before the bit is seen
	 * set.  A timer that clears the bit after this saw it set then
	 * schedules a poll that finds the frame.
	 */
	if (!test_and_set_bit(VNETMQ_RXQ_TIMER, &rq->flags))
		hrtimer_start(&rq->coal_timer,
			      us_to_ktime(READ_ONCE(priv->coal.usecs)),
			      HRTIMER_MODE_REL);
}

static enum hrtimer_restart vnetmq_coal_timer(struct hrtimer *timer)
{
	struct vnetmq_rxq *rq = container_of(timer, struct vnetmq_rxq,
					     coal_timer);

	clear_bit(VNETMQ_RXQ_TIMER, &rq->flags);
	/* Order the clear before the poll's look at the rings: a frame
	 * queued after that look saw the bit clear and armed the timer
	 * again.  Pairs with test_and_set_bit() in vnetmq_rxq_kick().
	 */
	smp_mb__after_atomic();
	vnetmq_rxq_irq(rq);
	return HRTIMER_NORESTART;
}

/*
 * The datapath is down and nothing can arm @rq's timer any more.  A
 * cancelled timer leaves its bit set, which would keep the next frame
 * from arming it: clear it.
 */
static void vnetmq_rxq_stop_timer(struct vnetmq_rxq *rq)
{
	hrtimer_cancel(&rq->coal_timer);
	clear_bit(VNETMQ_RXQ_TIMER, &rq->flags);
}

static netdev_tx_t vnetmq_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct vnetmq_txq_stats *st = &priv->txq_stats[qi];
	struct vnetmq_txq_map *map = &priv->txq_map[qi];
	struct net_device *rcv = vnetmq_peer(dev);
	struct vnetmq_priv *rpriv = netdev_priv(rcv);
	struct vnetmq_qfile *qf = NULL;
	enum skb_drop_reason reason;
	struct vnetmq_tx_frame f;
	struct vnetmq_ring *ring;
	struct vnetmq_rxq *rq;
	unsigned int start;
	bool stopped;
	u32 rxq;

	/* A TX queue above the real count has no mapping: a sender that
	 * picked it before ethtool -L took it away (a packet socket that
	 * bypasses the qdisc, pktgen) may still transmit on it.  A frame
	 * for a queue file stays on this device: the peer's MTU and netns
	 * are none of its business.
	 */
	if (unlikely(qi >= READ_ONCE(dev->real_num_tx_queues))) {
		reason = SKB_DROP_REASON_DEV_READY;
	} else {
		qf = vnetmq_backend_lookup(&priv->backends, qi,
					   vnetmq_pairs(dev));
		reason = vnetmq_skb_xmit_prep(qf ? dev : rcv, skb);
		if (!reason && !qf && rcv != dev)
			reason = vnetmq_skb_wire_csum(rcv, skb);
	}
	/* Refused, not taken: the core counts it. */
	if (unlikely(reason)) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb_reason(skb, reason);
		return NETDEV_TX_OK;
	}
	skb_tx_timestamp(skb);
	if (qf)
		return vnetmq_xmit_qfile(dev, qf, skb, txq, st);
	vnetmq_skb_tx_frame(skb, &f);
	if (rcv == dev) {
		rq = &rpriv->rxq[map->rxq];
	} else {
		/* The receiving end steers, as a NIC: RSS, ntuple. */
		rxq = vnetmq_steer_rx(rcv, skb);
		if (unlikely(rxq == VNETMQ_STEER_DROP)) {
			vnetmq_txq_count(st, &f, false);
			dev_core_stats_rx_dropped_inc(rcv);
			kfree_skb(skb);
			return NETDEV_TX_OK;
		}
		rq = &rpriv->rxq[rxq];
	}
	ring = &rq->ring[map->tc];

	/* Account before the frame is visible: the RX queue's NAPI may
	 * complete it on another CPU as soon as it is on the ring.
	 */
	netdev_tx_sent_queue(txq, f.len);
	vnetmq_ring_produce(ring, skb);
	stopped = false;
	if (unlikely(vnetmq_ring_free(ring) < map->feeders)) {
		start = vnetmq_ring_start_thrs(READ_ONCE(ring->size),
					       map->feeders);
		/* Steered, a TX queue feeds every RX queue's ring of its
		 * class: it records the one it stops on, whose poll alone
		 * wakes it.  Ordered before the wakers' test of the ring's
		 * STOPPED bit by vnetmq_ring_mark_stopped().
		 */
		if (rcv != dev) {
			WRITE_ONCE(map->rxq, rq->index);
			/* Pairs with smp_rmb() in the wakers. */
			smp_wmb();
		}
		netif_tx_stop_queue(txq);
		vnetmq_ring_mark_stopped(ring);
		stopped = vnetmq_ring_free(ring) < start;
		if (!stopped)
			netif_tx_start_queue(txq);
	}
	vnetmq_txq_count(st, &f, stopped);
	vnetmq_rxq_kick(rq, skb_queue_len_lockless(&ring->skbs),
			netif_xmit_stopped(txq));
	return NETDEV_TX_OK;
}

/**
 * vnetmq_napi_receive() - the poll core's receive hook: GRO, then the stack
 * @rq: the RX queue being polled
 * @skb: a received frame
 *
 * A frame GRO may not write to (vnetmq_skb_gro_ok()) goes up on its own.
 */
void vnetmq_napi_receive(struct vnetmq_rxq *rq, struct sk_buff *skb)
{
	if (likely(vnetmq_skb_gro_ok(skb)))
		napi_gro_receive(&rq->napi, skb);
	else
		netif_receive_skb(skb);
}

/*
 * Wake every TX queue (of the device or its peer) that stopped on ring
 * @tc of @rq, but not one a queue file serves: its reader wakes it.
 * Only @rq's NAPI wakes them, under each queue's done_lock, which the
 * other completers of a steered queue take too.
 */
static void vnetmq_wake_feeders(struct vnetmq_rxq *rq, u8 tc)
{
	struct net_device *dev = vnetmq_peer(rq->dev);
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_stats *st;
	struct netdev_queue *txq;
	unsigned int q, pairs;

	pairs = vnetmq_pairs(dev);
	for (q = 0; q < dev->real_num_tx_queues; q++) {
		txq = netdev_get_tx_queue(dev, q);
		if (priv->txq_map[q].tc != tc || !netif_tx_queue_stopped(txq))
			continue;
		/* The ring it stopped on was written before it stopped. */
		smp_rmb();
		if (READ_ONCE(priv->txq_map[q].rxq) != rq->index ||
		    vnetmq_backend_lookup(&priv->backends, q, pairs))
			continue;
		st = &priv->txq_stats[q];
		spin_lock(&st->done_lock);
		if (netif_tx_queue_stopped(txq)) {
			netif_tx_wake_queue(txq);
			vnetmq_txq_count_wake(st);
		}
		spin_unlock(&st->done_lock);
	}
}

/**
 * vnetmq_napi_tx_done() - the poll core's TX completion hook
 * @rq: the RX queue being polled, whose ring the frames left
 * @txq: the TX queue that sent them, of @rq's device or of its peer
 * @pkts: frames completed
 * @bytes: their bytes, as counted at transmit
 *
 * Reports the completion to BQL and wakes @txq if it stopped on this
 * ring and the ring has room again; the poll then wakes the ring's
 * other feeders that stopped on it (vnetmq_wake_feeders()).  Alone, only
 * @rq's NAPI completes @txq's frames; in a pair, where the peer steers
 * each frame, the NAPIs of several RX queues may, one at a time under
 * @txq's done_lock, so BQL never sees two completers of one queue at
 * once.
 */
void vnetmq_napi_tx_done(struct vnetmq_rxq *rq, u16 txq, unsigned int pkts,
			 unsigned int bytes)
{
	struct net_device *dev = vnetmq_peer(rq->dev);
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct netdev_queue *nq = netdev_get_tx_queue(dev, txq);
	struct vnetmq_txq_stats *st = &priv->txq_stats[txq];
	struct vnetmq_txq_map *map = &priv->txq_map[txq];
	struct vnetmq_ring *ring = &rq->ring[map->tc];
	unsigned int start, room = 0;
	bool stopped;

	spin_lock(&st->done_lock);
	/* A steered queue may have stopped on another RX queue's ring:
	 * that ring's poll wakes it.
	 */
	stopped = netif_tx_queue_stopped(nq);
	/* The ring it stopped on was written before it stopped. */
	smp_rmb();
	if (stopped && READ_ONCE(map->rxq) == rq->index)
		room = vnetmq_ring_free(ring);
	start = vnetmq_ring_start_thrs(READ_ONCE(ring->size), map->feeders);
	if (!netif_txq_completed_wake(nq, pkts, bytes, room, start))
		vnetmq_txq_count_wake(st);
	spin_unlock(&st->done_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_napi_tx_done);

static bool vnetmq_napi_complete(struct vnetmq_rxq *rq, int work)
{
	return napi_complete_done(&rq->napi, work);
}

static void vnetmq_napi_reschedule(struct vnetmq_rxq *rq)
{
	napi_schedule(&rq->napi);
}

const struct vnetmq_napi_ops vnetmq_napi_ops = {
	.receive	= vnetmq_napi_receive,
	.tx_done	= vnetmq_napi_tx_done,
	.wake		= vnetmq_wake_feeders,
	.complete	= vnetmq_napi_complete,
	.reschedule	= vnetmq_napi_reschedule,
};

/* The poll made room on the ring: wake a writer of the queue's file. */
static void vnetmq_wake_writer(struct vnetmq_rxq *rq)
{
	struct vnetmq_priv *priv = netdev_priv(rq->dev);
	struct vnetmq_qfile *qf;

	qf = vnetmq_backend_lookup(&priv->backends, rq->index,
				   vnetmq_pairs(rq->dev));
	if (qf && wq_has_sleeper(&qf->wq))
		wake_up_interruptible_poll(&qf->wq, EPOLLOUT | EPOLLWRNORM);
}

static int vnetmq_poll(struct napi_struct *napi, int budget)
{
	struct vnetmq_rxq *rq = container_of(napi, struct vnetmq_rxq, napi);
	struct vnetmq_priv *priv = netdev_priv(rq->dev);
	u64 start = ktime_get_ns(), end;
	struct vnetmq_cpu_poll *last;
	int work;

	work = vnetmq_rx_poll(rq, budget, &vnetmq_napi_ops);
	if (!work)
		return 0;
	/* Only a poll that took frames says what a poll costs: an empty
	 * one (a timer's, a repoll after a full budget) would make the next
	 * frame look alone.
	 */
	end = ktime_get_ns();
	last = this_cpu_ptr(priv->cpu_poll);
	WRITE_ONCE(last->ns, end - start);
	WRITE_ONCE(last->end, end);
	vnetmq_wake_writer(rq);
	return work;
}

/*
 * Let written frames onto the rings an RX queue uses, or keep them off
 * all of them.  An unused ring stays closed: a writer that read the TX
 * queues' mapping while it changed may still pick one, and must fail
 * and retry rather than leave its frame where no poll looks.
 */
static void vnetmq_rxq_set_open(struct vnetmq_rxq *rq, bool open)
{
	unsigned int tc;

	for (tc = 0; tc < (open ? rq->nr_rings : VNETMQ_MAX_TC); tc++)
		vnetmq_ring_set_open(&rq->ring[tc], open);
}

/*
 * Bring up NAPI for the real RX queues and link every queue to the NAPI
 * that serves it: a TX queue to the NAPI that completes its frames, but
 * only on a lone device, as the NAPI of a pair's end is its peer's.  A
 * pair's end polls each RX queue on a CPU of its own, spread over the
 * online CPUs as drivers spread their queue interrupts.  Under RTNL,
 * with the TX queues stopped.
 */
static void vnetmq_start_rx(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	bool paired = vnetmq_paired(dev);
	unsigned int i;

	for (i = 0; i < dev->real_num_rx_queues; i++) {
		struct vnetmq_rxq *rq = &priv->rxq[i];

		WRITE_ONCE(rq->irq_cpu, paired ?
			   cpumask_local_spread(i, NUMA_NO_NODE) : -1);
		netif_napi_add_config(dev, &rq->napi, vnetmq_poll, i);
		napi_enable(&rq->napi);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, &rq->napi);
		vnetmq_rxq_set_open(rq, true);
	}
	if (paired)
		return;
	for (i = 0; i < dev->real_num_tx_queues; i++)
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_TX,
				     &vnetmq_rxq_of_txq(dev, i)->napi);
}

/*
 * Start the real TX queues, or wake them (@wake: the device was running).
 * A queue served by a file whose reader is behind stays stopped: the
 * reader wakes it.  The decision is taken under the file's lock, as the
 * reader's is, and lets the reader wake the queue from here on.  The
 * queues above the real count carry nothing, but netif_tx_disable()
 * stopped them too and the TX watchdog checks every queue: they start,
 * or the watchdog would find them stopped for ever.
 */
static void vnetmq_start_txqs(struct net_device *dev, bool wake)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < dev->real_num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);
		struct vnetmq_qfile *qf;
		bool run = true;

		qf = vnetmq_backend_get(&priv->backends, i);
		if (qf) {
			spin_lock_bh(&qf->frames.lock);
			qf->tx_live = true;
			run = vnetmq_qfile_may_start(qf, priv->ring_size);
		}
		if (!run)
			netif_tx_stop_queue(txq);
		else if (wake)
			netif_tx_wake_queue(txq);
		else
			netif_tx_start_queue(txq);
		if (qf) {
			spin_unlock_bh(&qf->frames.lock);
			/* Writers that found the ring closed retry. */
			wake_up_interruptible_poll(&qf->wq, EPOLLOUT);
		}
	}
	for (; i < dev->num_tx_queues; i++)
		netif_tx_start_queue(netdev_get_tx_queue(dev, i));
}

/* Readers of the files may not wake TX queues from here on. */
static void vnetmq_freeze_qfiles(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_qfile *qf;
	unsigned int i;

	for (i = 0; i < priv->backends.n; i++) {
		qf = vnetmq_backend_get(&priv->backends, i);
		if (!qf)
			continue;
		spin_lock_bh(&qf->frames.lock);
		qf->tx_live = false;
		spin_unlock_bh(&qf->frames.lock);
	}
}

/* The device went down: what the files hold is lost, as the rings' is. */
static void vnetmq_purge_qfiles(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_qfile *qf;
	unsigned int i;

	for (i = 0; i < priv->backends.n; i++) {
		qf = vnetmq_backend_get(&priv->backends, i);
		if (qf)
			vnetmq_txq_count_drops(&priv->txq_stats[i],
					       vnetmq_qfile_purge(qf));
	}
}

/*
 * Quiesce the datapath of @dev, and of its peer: the TX queues of each
 * end feed the other's rings.  The files' readers and NAPI go first, so
 * nothing can wake a TX queue after netif_tx_disable() stopped it; then
 * no transmit is running and the rings can be emptied: delivered when
 * the queues are being reconfigured, dropped when an end goes down.  A
 * ring is closed to written frames before it is emptied.  The rings'
 * frames were never completed, so BQL starts over.  Under RTNL.
 */
static void vnetmq_stop_datapath(struct net_device *dev, bool deliver)
{
	struct net_device *end[2];
	unsigned int e, i, n;

	n = vnetmq_ends(dev, end);
	/* Every NAPI first: each end's NAPI wakes the other's TX queues. */
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *priv = netdev_priv(end[e]);

		vnetmq_freeze_qfiles(end[e]);
		for (i = 0; i < end[e]->real_num_rx_queues; i++) {
			netif_queue_set_napi(end[e], i, NETDEV_QUEUE_TYPE_RX,
					     NULL);
			napi_disable(&priv->rxq[i].napi);
			vnetmq_rxq_set_open(&priv->rxq[i], false);
		}
	}
	for (e = 0; e < n; e++) {
		unsigned int i;

		for (i = 0; i < end[e]->real_num_tx_queues; i++)
			netif_queue_set_napi(end[e], i, NETDEV_QUEUE_TYPE_TX,
					     NULL);
		/* The TX watchdog must not take this stop, well under its
		 * 2 s, for a hang: every queue has just made progress.  The
		 * watchdog ignores a running queue, and a stopped one now
		 * looks fresh.
		 */
		for (i = 0; i < end[e]->num_tx_queues; i++)
			txq_trans_cond_update(netdev_get_tx_queue(end[e], i));
		netif_tx_disable(end[e]);
	}
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *priv = netdev_priv(end[e]);

		for (i = 0; i < end[e]->real_num_rx_queues; i++)
			vnetmq_rx_flush(&priv->rxq[i], deliver);
	}
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *priv = netdev_priv(end[e]);

		for (i = 0; i < end[e]->real_num_tx_queues; i++)
			netdev_tx_reset_queue(netdev_get_tx_queue(end[e], i));
		for (i = 0; i < end[e]->real_num_rx_queues; i++)
			__netif_napi_del(&priv->rxq[i].napi);
		priv->live = false;
	}
	/* One grace period for all the NAPIs deleted above, and for the
	 * writers of files that saw a ring open: the last that could arm
	 * a coalescing timer.  A timer that fires until it is cancelled
	 * finds its NAPI disabled.
	 */
	synchronize_net();
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *priv = netdev_priv(end[e]);

		for (i = 0; i < end[e]->real_num_rx_queues; i++)
			vnetmq_rxq_stop_timer(&priv->rxq[i]);
	}
}

/*
 * Start the datapath of @dev and of its peer, if both are up: every RX
 * side first, so no TX queue starts before the rings it feeds are
 * polled.  @wake: @dev was running (a pause), so its qdisc may hold
 * frames; a peer that waited up for @dev may too.  A pair's ends have
 * carrier while their datapath runs, so the TX watchdog leaves alone an
 * end whose peer is down, and counts from here once it has carrier
 * again, not from when its queues stopped.  Under RTNL.
 */
static void vnetmq_start_datapath(struct net_device *dev, bool wake)
{
	struct net_device *end[2];
	unsigned int e, i, n;

	n = vnetmq_ends(dev, end);
	for (e = 0; e < n; e++)
		if (!netif_running(end[e]))
			return;
	for (e = 0; e < n; e++)
		vnetmq_start_rx(end[e]);
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *priv = netdev_priv(end[e]);

		vnetmq_start_txqs(end[e], wake || end[e] != dev);
		priv->live = true;
		if (n == 1)
			continue;
		for (i = 0; i < end[e]->num_tx_queues; i++)
			txq_trans_cond_update(netdev_get_tx_queue(end[e], i));
		netif_carrier_on(end[e]);
	}
}

/*
 * Whether frames written to @dev's queue files may wait for its rings:
 * not while it or its peer is down, nor once the pair is being deleted
 * (an end may stay up a while after its peer is gone, until its own
 * netns unregisters it).
 */
static bool vnetmq_rx_wanted(const struct net_device *dev)
{
	const struct vnetmq_priv *priv = netdev_priv(dev);

	return netif_running(dev) && netif_running(vnetmq_peer(dev)) &&
	       !READ_ONCE(priv->dying);
}

/*
 * The end of a pair whose peer is down has no datapath: its TX queues
 * stay stopped until the peer comes up.
 */
static int vnetmq_open(struct net_device *dev)
{
	if (vnetmq_paired(dev) && !netif_running(vnetmq_peer(dev)))
		netif_tx_stop_all_queues(dev);
	vnetmq_start_datapath(dev, false);
	return 0;
}

/*
 * The core has deactivated TX and waited for running transmits.  Writers
 * waiting for room find none will come: a write to a down device drops
 * its frame, so they may go on; so may those of the peer, whose writes
 * drop too while this end is down.
 */
static int vnetmq_stop(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct net_device *end[2];
	struct vnetmq_qfile *qf;
	unsigned int e, i, n;

	if (priv->live)
		vnetmq_stop_datapath(dev, false);
	vnetmq_purge_qfiles(dev);
	n = vnetmq_ends(dev, end);
	for (e = 0; e < n; e++) {
		struct vnetmq_priv *epriv = netdev_priv(end[e]);

		if (n == 2)
			netif_carrier_off(end[e]);
		for (i = 0; i < epriv->backends.n; i++) {
			qf = vnetmq_backend_get(&epriv->backends, i);
			if (qf)
				wake_up_interruptible_poll(&qf->wq, EPOLLOUT);
		}
	}
	return 0;
}

/* Pause a running datapath (the pair's) for a change of its shape. */
static bool vnetmq_pause(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	bool running = priv->live;

	if (running)
		vnetmq_stop_datapath(dev, true);
	return running;
}

static void vnetmq_resume(struct net_device *dev, bool running)
{
	if (running)
		vnetmq_start_datapath(dev, true);
}

/*
 * Share each RX queue's ring space @size out among its rings: one per
 * traffic class of the device whose TX queues feed them.
 */
static void vnetmq_apply_ring_size(struct net_device *dev, unsigned int size)
{
	struct vnetmq_priv *spriv = netdev_priv(vnetmq_peer(dev));
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i, tc, share;

	WRITE_ONCE(priv->ring_size, size);
	share = vnetmq_tc_ring_share(size, vnetmq_tc_nr_rings(&spriv->tc));
	/* Idle queues too: they may become real with ethtool -L. */
	for (i = 0; i < dev->num_rx_queues; i++)
		for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
			WRITE_ONCE(priv->rxq[i].ring[tc].size, share);
}

/* What @dev's rings need: from the TX queues that feed them. */
static unsigned int vnetmq_min_ring_size(struct net_device *dev)
{
	struct net_device *sender = vnetmq_peer(dev);
	struct vnetmq_priv *spriv;

	spriv = netdev_priv(sender);
	return vnetmq_tc_ring_min_size(spriv->txq_map,
				       sender->real_num_tx_queues,
				       vnetmq_tc_nr_rings(&spriv->tc));
}

/* Map @tx's TX queues onto the RX queues of its peer (or its own). */
static void vnetmq_map_txqs(struct net_device *tx)
{
	struct vnetmq_priv *priv = netdev_priv(tx);
	struct net_device *rx = vnetmq_peer(tx);
	struct vnetmq_txq_map *map;
	struct vnetmq_priv *rpriv;
	unsigned int i, r, tc;

	rpriv = netdev_priv(rx);
	/* Steered (a pair), any TX queue may feed any RX queue: each ring
	 * of a class has that whole class as feeders, as if the peer had
	 * one RX queue.
	 */
	vnetmq_txq_map_build(priv->txq_map, &priv->tc,
			     tx->real_num_tx_queues,
			     rx == tx ? rx->real_num_rx_queues : 1);
	for (i = 0; i < rx->num_rx_queues; i++) {
		rpriv->rxq[i].nr_rings = vnetmq_tc_nr_rings(&priv->tc);
		for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
			WRITE_ONCE(rpriv->rxq[i].ring[tc].feeders, 0);
	}
	for (i = 0; i < tx->real_num_tx_queues; i++) {
		map = &priv->txq_map[i];
		if (rx == tx) {
			WRITE_ONCE(vnetmq_ring_of_txq(tx, i)->feeders,
				   map->feeders);
			continue;
		}
		for (r = 0; r < rx->real_num_rx_queues; r++)
			WRITE_ONCE(rpriv->rxq[r].ring[map->tc].feeders,
				   map->feeders);
	}
	vnetmq_apply_ring_size(rx, max(rpriv->ring_size,
				       vnetmq_min_ring_size(rx)));
}

/*
 * The queue counts or the classes of an end changed, with no frame in
 * flight: map the TX queues of both ends again (an end's RX count is
 * its peer's TX map), and grow the rings if the new topology needs more
 * room.
 */
static void vnetmq_apply_topology(struct net_device *dev)
{
	struct net_device *end[2];
	unsigned int e, n;

	n = vnetmq_ends(dev, end);
	for (e = 0; e < n; e++)
		vnetmq_map_txqs(end[e]);
}

/**
 * vnetmq_set_queues() - change the real TX and RX queue counts (ethtool -L)
 * @dev: the device
 * @tx: new real_num_tx_queues, 1..num_tx_queues
 * @rx: new real_num_rx_queues, 1..num_rx_queues
 *
 * Safe while frames flow: the datapath is quiesced, every frame on a ring
 * is delivered and counted, NAPI of removed RX queues is deleted, and the
 * datapath restarts with the new mapping.  Rings grow if the new topology
 * needs more room per RX queue (vnetmq_tc_ring_min_size()).
 *
 * A queue pair served by a queue file cannot be removed: the file must
 * detach first.  Nor can a TX queue of a traffic class: the core would
 * drop the classes.  TX queues added beyond the classes join class 0.
 *
 * Context: RTNL.
 * Return: 0, -EBUSY if the new counts would remove a queue pair that a
 * file serves or a TX queue of a class, -EINVAL if an ntuple rule sends
 * frames to an RX queue they remove, or the error of
 * netif_set_real_num_queues() (or -ENOMEM); the old counts then stay in
 * force.
 */
int vnetmq_set_queues(struct net_device *dev, unsigned int tx, unsigned int rx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_steer *st;
	bool running;
	int err, q;

	ASSERT_RTNL();
	/* ethtool's set_channels has no extack: the log says why. */
	q = vnetmq_backend_first_at(&priv->backends, min(tx, rx));
	if (q >= 0) {
		netdev_info(dev, "cannot remove queue pair %d: a queue file serves it\n",
			    q);
		return -EBUSY;
	}
	if (tx < vnetmq_tc_last_txq(&priv->tc)) {
		netdev_info(dev, "cannot go below %u TX queues: traffic classes use them; delete the mqprio qdisc first\n",
			    vnetmq_tc_last_txq(&priv->tc));
		return -EBUSY;
	}
	err = vnetmq_steer_queues_prepare(dev, rx, &st);
	if (err)
		return err;
	running = vnetmq_pause(dev);
	err = netif_set_real_num_queues(dev, tx, rx);
	if (!err) {
		if (st)
			vnetmq_steer_publish(dev, st);
		vnetmq_apply_topology(dev);
	} else {
		kvfree(st);
	}
	vnetmq_resume(dev, running);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_queues);

/**
 * vnetmq_set_ring_size() - resize every RX ring (ethtool -G rx N)
 * @dev: the device
 * @size: new size in frames, at most VNETMQ_MAX_RING_SIZE (checked by
 *	the ethtool core)
 * @extack: where to say why a size is refused
 *
 * Takes effect at once, frames flowing or not: a ring holding more than
 * its new size stops its TX queues until its poll drains it.
 *
 * Context: RTNL.
 * Return: 0, or -EINVAL if @size is below what the queue topology needs.
 */
int vnetmq_set_ring_size(struct net_device *dev, unsigned int size,
			 struct netlink_ext_ack *extack)
{
	struct vnetmq_priv *spriv = netdev_priv(vnetmq_peer(dev));
	unsigned int min = vnetmq_min_ring_size(dev);

	ASSERT_RTNL();
	if (size < min && spriv->tc.num_tc) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "RX ring size %u is below %u: %u classes, up to %u TX queues per ring",
				       size, min, spriv->tc.num_tc,
				       min / spriv->tc.num_tc / 2);
		return -EINVAL;
	}
	if (size < min) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "RX ring size %u is below %u: %u TX queues share an RX queue",
				       size, min, min / 2);
		return -EINVAL;
	}
	vnetmq_apply_ring_size(dev, size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_ring_size);

/*
 * mqprio in hardware mode: tc qdisc add dev X root mqprio ... hw 1.  The
 * datapath pauses while the rings are shared out again; their frames
 * are delivered first, so none is left on a ring no poll serves.
 * Deleting the qdisc comes here with num_tc 0.
 */
static int vnetmq_setup_mqprio(struct net_device *dev,
			       struct tc_mqprio_qopt_offload *mqprio)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct tc_mqprio_qopt *qopt = &mqprio->qopt;
	bool running;
	int err, i;

	ASSERT_RTNL();
	if (qopt->num_tc && priv->tc.num_tc) {
		NL_SET_ERR_MSG_MOD(mqprio->extack,
				   "traffic classes are set already: delete the mqprio qdisc first");
		return -EBUSY;
	}
	err = vnetmq_tc_check(mqprio, dev->real_num_tx_queues,
			      mqprio->extack);
	if (err)
		return err;

	running = vnetmq_pause(dev);
	vnetmq_tc_set(&priv->tc, mqprio);
	vnetmq_apply_topology(dev);
	if (qopt->num_tc) {
		/* Cannot fail: vnetmq_tc_check() bounded num_tc. */
		netdev_set_num_tc(dev, qopt->num_tc);
		for (i = 0; i < qopt->num_tc; i++)
			netdev_set_tc_queue(dev, i, qopt->count[i],
					    qopt->offset[i]);
		for (i = 0; i <= TC_BITMASK; i++)
			netdev_set_prio_tc_map(dev, i, qopt->prio_tc_map[i]);
		qopt->hw = TC_MQPRIO_HW_OFFLOAD_TCS;
	} else {
		netdev_reset_tc(dev);
	}
	vnetmq_resume(dev, running);
	return 0;
}

static int vnetmq_setup_tc(struct net_device *dev, enum tc_setup_type type,
			   void *type_data)
{
	switch (type) {
	case TC_SETUP_QDISC_MQPRIO:
		return vnetmq_setup_mqprio(dev, type_data);
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * Watchdog: a TX queue stayed stopped; its ring (on the peer, in a
 * pair) is not being drained.  Runs in the watchdog's timer, BH off.
 */
static void vnetmq_tx_timeout(struct net_device *dev, unsigned int qi)
{
	struct vnetmq_ring *ring = vnetmq_ring_of_txq(dev, qi);
	struct vnetmq_rxq *rq = vnetmq_rxq_of_txq(dev, qi);
	struct vnetmq_priv *priv = netdev_priv(dev);
	bool say;

	/* The core has frozen the TX queues: no transmit writes them now. */
	vnetmq_txq_count_timeout(&priv->txq_stats[qi]);
	say = netif_msg_tx_err(priv) && net_ratelimit();
	if (vnetmq_backend_lookup(&priv->backends, qi, vnetmq_pairs(dev))) {
		if (say)
			netdev_warn(dev, "TX queue %u timed out: the reader of its queue file is not reading\n",
				    qi);
		/* Only the reader can restart the queue.  The watchdog
		 * stops at the first hung queue it finds: let it pass this
		 * one next time, so a hung ring behind it is still kicked.
		 */
		txq_trans_cond_update(netdev_get_tx_queue(dev, qi));
		return;
	}
	if (say)
		netdev_warn(dev, "TX queue %u timed out with %u frames on its ring of RX queue %u of %s; kicking its NAPI\n",
			    qi, skb_queue_len_lockless(&ring->skbs), rq->index,
			    netdev_name(rq->dev));
	napi_schedule(&rq->napi);
}

/*
 * A private ioctl, for tools that predate netdev netlink: SIOCDEVPRIVATE
 * + 0 resets the counters.  The core checks no capability for private
 * ioctls, so it is checked here, against the device's netns.
 */
static int vnetmq_siocdevprivate(struct net_device *dev, struct ifreq *ifr,
				 void __user *data, int cmd)
{
	if (cmd != VNETMQ_SIOC_STATS_RESET)
		return -EOPNOTSUPP;
	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	vnetmq_stats_reset(dev);
	return 0;
}

/*
 * free_netdev() time: after the last reader of the counters; also
 * ndo_init's error path, so every pointer is reset.
 */
static void vnetmq_dev_free(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	kvfree(priv->rxq);
	kvfree(priv->txq_stats);
	kvfree(priv->txq_map);
	vnetmq_steer_free(dev);
	free_percpu(priv->cpu_poll);
	vnetmq_backends_free(&priv->backends);
	priv->cpu_poll = NULL;
	priv->rxq = NULL;
	priv->txq_stats = NULL;
	priv->txq_map = NULL;
}

static int vnetmq_dev_init(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	priv->id = ida_alloc(&vnetmq_ida, GFP_KERNEL);
	if (priv->id < 0)
		return priv->id;
	priv->rxq = kvcalloc(dev->num_rx_queues, sizeof(*priv->rxq),
			     GFP_KERNEL);
	priv->txq_stats = kvcalloc(dev->num_tx_queues,
				   sizeof(*priv->txq_stats), GFP_KERNEL);
	priv->txq_map = kvcalloc(dev->num_tx_queues, sizeof(*priv->txq_map),
				 GFP_KERNEL);
	priv->cpu_poll = alloc_percpu(struct vnetmq_cpu_poll);
	if (!priv->rxq || !priv->txq_stats || !priv->txq_map ||
	    !priv->cpu_poll || vnetmq_steer_init(dev) ||
	    vnetmq_backends_init(&priv->backends,
				 min(dev->num_tx_queues, dev->num_rx_queues))) {
		vnetmq_dev_free(dev);
		ida_free(&vnetmq_ida, priv->id);
		return -ENOMEM;
	}

	/* Alone until vnetmq_pair_link(), which runs before any open. */
	RCU_INIT_POINTER(priv->peer, dev);
	priv->msg_enable = NETIF_MSG_DRV | NETIF_MSG_TX_ERR;
	seqlock_init(&priv->stats_reset);
	priv->coal.frames = VNETMQ_DEF_COAL_FRAMES;
	priv->coal.usecs = VNETMQ_DEF_COAL_USECS;
	for (i = 0; i < dev->num_rx_queues; i++) {
		struct vnetmq_rxq *rq = &priv->rxq[i];

		vnetmq_rxq_init(rq, dev, i, 0);
		hrtimer_setup(&rq->coal_timer, vnetmq_coal_timer,
			      CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		rq->irq_cpu = -1;
		INIT_CSD(&rq->irq_csd, vnetmq_rxq_irq_fn, rq);
	}
	/* vnetmq_apply_topology() sizes the rings. */
	priv->ring_size = VNETMQ_DEF_RING_SIZE;
	vnetmq_apply_topology(dev);
	for (i = 0; i < dev->num_tx_queues; i++) {
		u64_stats_init(&priv->txq_stats[i].syncp);
		u64_stats_init(&priv->txq_stats[i].wake_syncp);
		spin_lock_init(&priv->txq_stats[i].done_lock);
	}
	vnetmq_debugfs_init(dev);
	return 0;
}

/*
 * The peer of @dev unregisters: hand @dev back to itself.  Its datapath
 * is stopped: the peer was closed, which stopped both ends.  @dev is
 * being unregistered too (dellink queued it), but in its own netns's
 * time, so until then it is a lone device, down or up without carrier.
 */
static void vnetmq_unpair(struct net_device *dev, struct net_device *peer)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	WARN_ON_ONCE(priv->live);
	rcu_assign_pointer(priv->peer, dev);
	netdev_put(peer, &priv->peer_tracker);
	vnetmq_map_txqs(dev);
}

/*
 * Unregistering (the device is down), or registering failed after
 * ndo_init.  Queue files outlive the device: they are cut off here.
 * The peer's readers of the old pointer are done before the device is
 * freed: unregistering waits for a grace period after this.
 */
static void vnetmq_dev_uninit(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct net_device *peer = vnetmq_peer(dev);

	if (peer != dev) {
		vnetmq_unpair(peer, dev);
		vnetmq_unpair(dev, peer);
	}
	vnetmq_backend_detach_all(&priv->backends);
	vnetmq_debugfs_exit(dev);
	ida_free(&vnetmq_ida, priv->id);
}

/* The GSO types a struct virtio_net_hdr can describe. */
#define VNETMQ_VNET_HDR_GSO	(NETIF_F_TSO | NETIF_F_TSO_ECN | \
				 NETIF_F_TSO6 | NETIF_F_GSO_UDP_L4)

/*
 * A queue file without vnet headers cannot carry GSO or checksum state,
 * and one with them only the GSO types a virtio_net_hdr describes: have
 * the core segment (and checksum) the other frames sent on its TX queue.
 * The qdisc path calls this under RCU, after the TX queue was picked;
 * __dev_direct_xmit() (PACKET_QDISC_BYPASS, AF_XDP) outside RCU, before
 * it sets the queue mapping, which holds something else then.  A frame
 * this lets through to a file that cannot carry it is dropped and
 * counted by vnetmq_skb_qfile_prep().
 */
/* ntuple-filters off deletes the rules (steer.c); the rest is the core's. */
static int vnetmq_set_features(struct net_device *dev,
			       netdev_features_t features)
{
	if ((dev->features & NETIF_F_NTUPLE) && !(features & NETIF_F_NTUPLE))
		return vnetmq_ntuple_flush(dev);
	return 0;
}

static netdev_features_t vnetmq_features_check(struct sk_buff *skb,
					       struct net_device *dev,
					       netdev_features_t features)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_qfile *qf;
	u32 flags = 0;
	bool served;

	rcu_read_lock();
	qf = vnetmq_backend_lookup(&priv->backends, skb_get_queue_mapping(skb),
				   vnetmq_pairs(dev));
	served = !!qf;
	if (qf)
		flags = READ_ONCE(qf->flags);
	rcu_read_unlock();
	if (!served)
		return features;
	if (!(flags & VNETMQ_F_VNET_HDR))
		return features & ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	/* A virtio_net_hdr describes no BIG TCP frame (above 64 KiB). */
	if (skb->len > GSO_LEGACY_MAX_SIZE)
		return features & ~NETIF_F_GSO_MASK;
	return features & ~(NETIF_F_GSO_MASK & ~VNETMQ_VNET_HDR_GSO);
}

/* A pair's end links to its peer; a lone device to itself (no link). */
static int vnetmq_get_iflink(const struct net_device *dev)
{
	int iflink;

	rcu_read_lock();
	iflink = READ_ONCE(vnetmq_peer(dev)->ifindex);
	rcu_read_unlock();
	return iflink;
}

static const struct net_device_ops vnetmq_netdev_ops = {
	.ndo_init		= vnetmq_dev_init,
	.ndo_uninit		= vnetmq_dev_uninit,
	.ndo_open		= vnetmq_open,
	.ndo_stop		= vnetmq_stop,
	.ndo_start_xmit		= vnetmq_start_xmit,
	.ndo_get_stats64	= vnetmq_get_stats64,
	.ndo_tx_timeout		= vnetmq_tx_timeout,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_features_check	= vnetmq_features_check,
	.ndo_set_features	= vnetmq_set_features,
	.ndo_setup_tc		= vnetmq_setup_tc,
	.ndo_siocdevprivate	= vnetmq_siocdevprivate,
	.ndo_get_iflink		= vnetmq_get_iflink,
};

static void vnetmq_setup(struct net_device *dev)
{
	ether_setup(dev);

	/* TX skbs become RX skbs: they must not be shared (pktgen). */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_DISABLE_NETPOLL;

	dev->netdev_ops = &vnetmq_netdev_ops;
	dev->ethtool_ops = &vnetmq_ethtool_ops;
	dev->stat_ops = &vnetmq_stat_ops;
	dev->features |= VNETMQ_FEATURES;
	/* A looped-back frame keeps its checksum state, as through veth:
	 * turning RXCSUM off would change nothing, so it is fixed on.
	 */
	dev->hw_features = VNETMQ_FEATURES & ~NETIF_F_RXCSUM;
	dev->hw_enc_features = VNETMQ_FEATURES;
	dev->vlan_features = VNETMQ_FEATURES;
	dev->watchdog_timeo = VNETMQ_WATCHDOG_TIMEO;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vnetmq_dev_free;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);

	eth_hw_addr_random(dev);
}

/**
 * vnetmq_is_vnetmq() - whether a net_device is a vnetmq device
 * @dev: any net_device
 *
 * Return: true if @dev is vnetmq's.
 */
bool vnetmq_is_vnetmq(const struct net_device *dev)
{
	return dev->netdev_ops == &vnetmq_netdev_ops;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_is_vnetmq);

/**
 * vnetmq_attach_qfile() - make a queue file the backend of a queue pair
 * @dev: a registered vnetmq device
 * @qf: an unattached file
 * @queue: the queue pair, or VNETMQ_QUEUE_ANY
 * @flags: VNETMQ_F_* flags, already checked
 *
 * A running device's datapath pauses while the file is published: the
 * frames of the pair's TX queue on a ring are delivered and BQL starts
 * over, so that queue never has two completers.
 *
 * Context: RTNL.
 * Return: the queue pair, or the error of vnetmq_backend_pick().
 */
int vnetmq_attach_qfile(struct net_device *dev, struct vnetmq_qfile *qf,
			u32 queue, u32 flags)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	bool running;
	int q;

	ASSERT_RTNL();
	q = vnetmq_backend_pick(&priv->backends, queue, vnetmq_pairs(dev));
	if (q < 0)
		return q;
	running = vnetmq_pause(dev);
	WRITE_ONCE(qf->flags, flags);
	qf->tx_live = false;
	/* Queue and flags before the device: a reader of the file that
	 * finds the device uses them (vnetmq_qfile_dev()).
	 */
	vnetmq_backend_publish(&priv->backends, q, qf);
	rcu_assign_pointer(qf->dev, dev);
	WRITE_ONCE(qf->state, VNETMQ_QF_ATTACHED);
	vnetmq_resume(dev, running);
	return q;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_attach_qfile);

/**
 * vnetmq_detach_qfile() - hand a queue pair back to loopback
 * @dev: the device @qf serves
 * @qf: an attached file
 *
 * The frames the file holds are dropped and counted on its TX queue.
 *
 * Context: RTNL; sleeps.
 */
void vnetmq_detach_qfile(struct net_device *dev, struct vnetmq_qfile *qf)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int drops;
	u16 q = qf->queue;
	bool running;

	ASSERT_RTNL();
	running = vnetmq_pause(dev);
	drops = vnetmq_backend_detach(&priv->backends, q);
	/* The TX queues are stopped, or the device is down. */
	vnetmq_txq_count_drops(&priv->txq_stats[q], drops);
	vnetmq_resume(dev, running);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_detach_qfile);

/*
 * The ring frames written to @dev's file of queue pair @queue join, and
 * the room they leave on it (*@reserve) for the TX queues that feed it.
 * Alone, the ring of the pair's class.  In a pair the rings are ordered
 * by the peer's classes, which a written frame has none of: class 0's.
 * The mapping may be changing: the rings are closed then.
 */
static struct vnetmq_ring *vnetmq_inject_ring(struct net_device *dev,
					      u16 queue,
					      unsigned int *reserve)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_map *map = &priv->txq_map[queue];
	struct vnetmq_ring *ring;

	if (vnetmq_paired(dev)) {
		ring = &priv->rxq[queue].ring[0];
		*reserve = READ_ONCE(ring->feeders);
		return ring;
	}
	*reserve = READ_ONCE(map->feeders);
	return &priv->rxq[queue].ring[READ_ONCE(map->tc)];
}

/**
 * vnetmq_inject() - receive a frame written to a queue file
 * @dev: the device the file serves
 * @queue: the file's queue pair
 * @skb: the frame, at its Ethernet header
 *
 * The frame joins the RX queue's ring and goes up the stack through its
 * NAPI.  A frame the device cannot receive (it or its peer is down, or
 * the frame is larger than the MTU allows) is dropped, counted in
 * rx_dropped, and reported to the drop monitor with its reason.
 *
 * Context: RCU read side with BH disabled, which pins @dev.
 * Return: 0 if the frame was taken (received or dropped), -ENOBUFS if
 * the ring has no room for it now; the caller keeps @skb then.
 */
int vnetmq_inject(struct net_device *dev, u16 queue, struct sk_buff *skb)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq *rq = &priv->rxq[queue];
	enum skb_drop_reason reason;
	struct vnetmq_ring *ring;
	unsigned int reserve;
	int err;

	reason = vnetmq_skb_inject_prep(dev, skb);
	if (!reason && !vnetmq_rx_wanted(dev))
		reason = SKB_DROP_REASON_DEV_READY;
	if (!reason) {
		ring = vnetmq_inject_ring(dev, queue, &reserve);
		err = vnetmq_ring_inject(ring, skb, reserve);
		if (!err) {
			vnetmq_rxq_kick(rq, skb_queue_len_lockless(&ring->skbs),
					false);
			return 0;
		}
		/* Full: the writer waits for the poll, which is due now. */
		if (err == -ENOBUFS)
			vnetmq_rxq_kick(rq, 0, true);
		/* Closed on a running device: its queues are changing.  The
		 * writer keeps the frame, and may outlive the device.
		 */
		if (err == -ENOBUFS || vnetmq_rx_wanted(dev)) {
			skb->dev = NULL;
			return -ENOBUFS;
		}
		reason = SKB_DROP_REASON_DEV_READY;
	}
	dev_core_stats_rx_dropped_inc(dev);
	kfree_skb_reason(skb, reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_inject);

/**
 * vnetmq_qfile_writable() - whether a write to a file would not wait
 * @qf: the file
 *
 * Return: true if the file's RX ring has room, or the file is not
 * attached, or the device or its peer is down (a write then fails or
 * drops at once);
 * false while the ring is full, or closed on a running device whose
 * queues are changing: whoever opens it again wakes the writers.
 */
bool vnetmq_qfile_writable(struct vnetmq_qfile *qf)
{
	struct vnetmq_ring *ring;
	struct net_device *dev;
	unsigned int reserve;
	bool ok = true;
	u16 q;

	rcu_read_lock();
	dev = vnetmq_qfile_dev(qf, &q);
	if (dev) {
		ring = vnetmq_inject_ring(dev, q, &reserve);
		ok = vnetmq_ring_writable(ring, reserve) ||
		     !vnetmq_rx_wanted(dev);
	}
	rcu_read_unlock();
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_writable);

/**
 * vnetmq_set_coal() - set RX interrupt coalescing (ethtool -C)
 * @dev: the device
 * @frames: rx-frames, checked by vnetmq_coal_check()
 * @usecs: rx-usecs, checked by vnetmq_coal_check()
 *
 * Takes effect with the next frame; a timer already armed still fires
 * at its old time.
 *
 * Context: RTNL.
 */
void vnetmq_set_coal(struct net_device *dev, u32 frames, u32 usecs)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	ASSERT_RTNL();
	WRITE_ONCE(priv->coal.frames, frames);
	WRITE_ONCE(priv->coal.usecs, usecs);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_coal);

/**
 * vnetmq_pair_link() - make two new vnetmq devices the ends of a pair
 * @a: a registered vnetmq device, down and alone
 * @b: another, down and alone, which may be in another netns
 *
 * From here on each end's TX queues feed the other's RX queues, each
 * end holds a reference on the other, and deleting either deletes both
 * (dellink).  Carrier is off until both ends are up.
 *
 * Context: RTNL.
 * Return: 0, or -EBUSY (and a warning) if either is up.
 */
int vnetmq_pair_link(struct net_device *a, struct net_device *b)
{
	struct vnetmq_priv *pa = netdev_priv(a), *pb = netdev_priv(b);

	ASSERT_RTNL();
	/* Up alone, either would run a datapath of its own. */
	if (WARN_ON_ONCE(netif_running(a) || netif_running(b)))
		return -EBUSY;
	netif_carrier_off(a);
	netif_carrier_off(b);
	netdev_hold(b, &pa->peer_tracker, GFP_KERNEL);
	netdev_hold(a, &pb->peer_tracker, GFP_KERNEL);
	rcu_assign_pointer(pa->peer, b);
	rcu_assign_pointer(pb->peer, a);
	vnetmq_apply_topology(a);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_pair_link);

static int vnetmq_validate_queues(struct nlattr *attr, const char *dir,
				  struct netlink_ext_ack *extack)
{
	if (attr && nla_get_u32(attr) > VNETMQ_MAX_QUEUES) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"vnetmq supports at most %u %s queues",
					VNETMQ_MAX_QUEUES, dir);
		return -EINVAL;
	}
	return 0;
}

static int vnetmq_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	int err;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid Ethernet address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid unicast Ethernet address");
			return -EADDRNOTAVAIL;
		}
	}
	err = vnetmq_validate_queues(tb[IFLA_NUM_TX_QUEUES], "TX", extack);
	if (err)
		return err;
	return vnetmq_validate_queues(tb[IFLA_NUM_RX_QUEUES], "RX", extack);
}

static unsigned int vnetmq_default_tx_queues(void)
{
	return VNETMQ_DEF_TX_QUEUES;
}

static unsigned int vnetmq_default_rx_queues(void)
{
	return VNETMQ_DEF_RX_QUEUES;
}

VISIBLE_IF_KUNIT struct rtnl_link_ops vnetmq_link_ops __read_mostly = {
	.kind			= VNETMQ_DRV_NAME,
	.priv_size		= sizeof(struct vnetmq_priv),
	.setup			= vnetmq_setup,
	.validate		= vnetmq_validate,
	.newlink		= vnetmq_newlink,
	.dellink		= vnetmq_dellink,
	.policy			= vnetmq_policy,
	.maxtype		= IFLA_VNETMQ_MAX,
	.peer_type		= IFLA_VNETMQ_PEER_INFO,
	.get_link_net		= vnetmq_get_link_net,
	.get_num_tx_queues	= vnetmq_default_tx_queues,
	.get_num_rx_queues	= vnetmq_default_rx_queues,
};
EXPORT_SYMBOL_IF_KUNIT(vnetmq_link_ops);

static int __init vnetmq_init(void)
{
	int err;

	vnetmq_debugfs_register();
	err = rtnl_link_register(&vnetmq_link_ops);
	if (err)
		goto err_debugfs;
	err = vnetmq_qfile_register();
	if (err)
		goto err_link;
	err = genl_register_family(&vnetmq_nl_family);
	if (err)
		goto err_qfile;
	return 0;

err_qfile:
	vnetmq_qfile_unregister();
err_link:
	rtnl_link_unregister(&vnetmq_link_ops);
err_debugfs:
	vnetmq_debugfs_unregister();
	return err;
}

/*
 * No queue file is open (each holds a module reference), and
 * rtnl_link_unregister() deletes every vnetmq device in every netns.
 */
static void __exit vnetmq_exit(void)
{
	genl_unregister_family(&vnetmq_nl_family);
	vnetmq_qfile_unregister();
	rtnl_link_unregister(&vnetmq_link_ops);
	vnetmq_debugfs_unregister();
}

module_init(vnetmq_init);
module_exit(vnetmq_exit);

MODULE_DESCRIPTION("Virtual multiqueue loopback Ethernet device");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(VNETMQ_DRV_NAME);
