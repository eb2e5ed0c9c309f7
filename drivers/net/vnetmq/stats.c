// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq per-queue statistics.  Counters live for every queue the device
 * has (num_*_queues), not only the real ones, so device totals keep
 * counting across ethtool -L: netdev netlink gets the idle queues'
 * share from get_base_stats.
 *
 * Standard counters go out through ndo_get_stats64 and netdev netlink's
 * qstats only; ethtool -S carries what no standard field holds: polls,
 * full polls, TX timeouts and the frames of each traffic class.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <net/netdev_queues.h>

#include "vnetmq.h"

/**
 * vnetmq_rxq_count() - count frames an RX queue received or dropped
 * @rq: the RX queue
 * @tc: the traffic class of the ring they came from
 * @packets: frames handed to the stack
 * @bytes: their bytes
 * @drops: frames dropped
 *
 * Context: the queue's only writer (its NAPI, or the control path while
 * that NAPI is disabled).
 */
void vnetmq_rxq_count(struct vnetmq_rxq *rq, u8 tc, unsigned int packets,
		      unsigned int bytes, unsigned int drops)
{
	struct vnetmq_rxq_stats *st = &rq->stats;

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->packets, packets);
	u64_stats_add(&st->tc_packets[tc], packets);
	u64_stats_add(&st->bytes, bytes);
	u64_stats_add(&st->drops, drops);
	u64_stats_update_end(&st->syncp);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_count);

/**
 * vnetmq_rxq_count_poll() - count one NAPI poll of an RX queue
 * @rq: the RX queue
 * @tc_packets: frames the poll received from each of @rq's rings in use
 * @bytes: their bytes
 * @full_poll: the poll used its whole budget
 *
 * Context: the queue's NAPI poll.
 */
void vnetmq_rxq_count_poll(struct vnetmq_rxq *rq,
			   const unsigned int *tc_packets,
			   unsigned int bytes, bool full_poll)
{
	struct vnetmq_rxq_stats *st = &rq->stats;
	unsigned int tc;

	u64_stats_update_begin(&st->syncp);
	for (tc = 0; tc < rq->nr_rings; tc++) {
		u64_stats_add(&st->packets, tc_packets[tc]);
		u64_stats_add(&st->tc_packets[tc], tc_packets[tc]);
	}
	u64_stats_add(&st->bytes, bytes);
	u64_stats_inc(&st->polls);
	if (full_poll)
		u64_stats_inc(&st->full_polls);
	u64_stats_update_end(&st->syncp);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_count_poll);

/**
 * vnetmq_txq_count() - count one frame a TX queue took
 * @st: the TX queue's counters
 * @f: the frame, as vnetmq_skb_tx_frame() read it
 * @stopped: the queue stopped itself after it
 *
 * Context: ndo_start_xmit, under the queue's xmit lock.
 */
void vnetmq_txq_count(struct vnetmq_txq_stats *st,
		      const struct vnetmq_tx_frame *f, bool stopped)
{
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->packets);
	u64_stats_add(&st->bytes, f->len);
	if (f->gso_segs) {
		u64_stats_inc(&st->gso_packets);
		u64_stats_add(&st->gso_bytes, f->len);
		u64_stats_add(&st->gso_wire_packets, f->gso_segs);
		u64_stats_add(&st->gso_wire_bytes, f->wire_len);
	}
	if (stopped)
		u64_stats_inc(&st->stops);
	u64_stats_update_end(&st->syncp);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_txq_count);

/**
 * vnetmq_txq_count_drops() - count frames a TX queue lost on the control path
 * @st: the TX queue's counters
 * @drops: frames dropped (a queue file's frames, at detach or device down)
 *
 * Context: RTNL, with the device's TX queues stopped.
 */
void vnetmq_txq_count_drops(struct vnetmq_txq_stats *st, unsigned int drops)
{
	if (!drops)
		return;
	/* From process context: a 32-bit seqcount writer needs BH off. */
	local_bh_disable();
	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->drops, drops);
	u64_stats_update_end(&st->syncp);
	local_bh_enable();
}

/**
 * vnetmq_txq_count_timeout() - count a TX watchdog timeout
 * @st: the TX queue's counters
 *
 * Context: ndo_tx_timeout, with the TX queues frozen by the core.
 */
void vnetmq_txq_count_timeout(struct vnetmq_txq_stats *st)
{
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->timeouts);
	u64_stats_update_end(&st->syncp);
}

/**
 * vnetmq_txq_count_wake() - count a wake of a stopped TX queue
 * @st: the TX queue's counters
 *
 * Context: a NAPI poll that drains a ring this TX queue feeds, under the
 * queue's done_lock, or, while a queue file serves the TX queue, its
 * reader under the file's lock: never both.
 */
void vnetmq_txq_count_wake(struct vnetmq_txq_stats *st)
{
	u64_stats_update_begin(&st->wake_syncp);
	u64_stats_inc(&st->wakes);
	u64_stats_update_end(&st->wake_syncp);
}

static void vnetmq_rxq_read_raw(const struct vnetmq_rxq_stats *st,
				struct vnetmq_rxq_counts *c)
{
	unsigned int start, tc;

	do {
		start = u64_stats_fetch_begin(&st->syncp);
		c->packets = u64_stats_read(&st->packets);
		c->bytes = u64_stats_read(&st->bytes);
		c->drops = u64_stats_read(&st->drops);
		c->polls = u64_stats_read(&st->polls);
		c->full_polls = u64_stats_read(&st->full_polls);
		for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
			c->tc_packets[tc] = u64_stats_read(&st->tc_packets[tc]);
	} while (u64_stats_fetch_retry(&st->syncp, start));
}

static void vnetmq_txq_read_raw(const struct vnetmq_txq_stats *st,
				struct vnetmq_txq_counts *c)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&st->syncp);
		c->packets = u64_stats_read(&st->packets);
		c->bytes = u64_stats_read(&st->bytes);
		c->drops = u64_stats_read(&st->drops);
		c->stops = u64_stats_read(&st->stops);
		c->timeouts = u64_stats_read(&st->timeouts);
		c->gso_packets = u64_stats_read(&st->gso_packets);
		c->gso_bytes = u64_stats_read(&st->gso_bytes);
		c->gso_wire_packets = u64_stats_read(&st->gso_wire_packets);
		c->gso_wire_bytes = u64_stats_read(&st->gso_wire_bytes);
	} while (u64_stats_fetch_retry(&st->syncp, start));
	do {
		start = u64_stats_fetch_begin(&st->wake_syncp);
		c->wakes = u64_stats_read(&st->wakes);
	} while (u64_stats_fetch_retry(&st->wake_syncp, start));
}

/**
 * vnetmq_rxq_read() - an RX queue's counters since its last reset
 * @rq: the RX queue
 * @c: filled in
 *
 * Context: inside a read section of the device's stats_reset seqlock,
 * which keeps @rq's base still; the caller retries when the section
 * saw a reset.
 */
void vnetmq_rxq_read(const struct vnetmq_rxq *rq, struct vnetmq_rxq_counts *c)
{
	const struct vnetmq_rxq_counts *b = &rq->stats.base;
	unsigned int tc;

	vnetmq_rxq_read_raw(&rq->stats, c);
	c->packets -= b->packets;
	c->bytes -= b->bytes;
	c->drops -= b->drops;
	c->polls -= b->polls;
	c->full_polls -= b->full_polls;
	for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
		c->tc_packets[tc] -= b->tc_packets[tc];
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rxq_read);

/**
 * vnetmq_txq_read() - a TX queue's counters since its last reset
 * @st: the TX queue's counters
 * @c: filled in
 *
 * Context: as vnetmq_rxq_read().
 */
void vnetmq_txq_read(const struct vnetmq_txq_stats *st,
		     struct vnetmq_txq_counts *c)
{
	const struct vnetmq_txq_counts *b = &st->base;

	vnetmq_txq_read_raw(st, c);
	c->packets -= b->packets;
	c->bytes -= b->bytes;
	c->drops -= b->drops;
	c->stops -= b->stops;
	c->wakes -= b->wakes;
	c->timeouts -= b->timeouts;
	c->gso_packets -= b->gso_packets;
	c->gso_bytes -= b->gso_bytes;
	c->gso_wire_packets -= b->gso_wire_packets;
	c->gso_wire_bytes -= b->gso_wire_bytes;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_txq_read);

/*
 * A reset moves a queue's base up to its counters, which only grow, so
 * a read inside the section that sees the new base finds counters at
 * or above it.  Readers run in any context, BH included: the writer
 * keeps BH off so that none spins on this CPU while it holds the lock.
 */
static void vnetmq_rebase(struct net_device *dev, unsigned int rx_first,
			  unsigned int rx_end, unsigned int tx_first,
			  unsigned int tx_end)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_stats *st;
	struct vnetmq_rxq *rq;
	unsigned int i;

	write_seqlock_bh(&priv->stats_reset);
	for (i = rx_first; i < rx_end; i++) {
		rq = &priv->rxq[i];
		vnetmq_rxq_read_raw(&rq->stats, &rq->stats.base);
	}
	for (i = tx_first; i < tx_end; i++) {
		st = &priv->txq_stats[i];
		vnetmq_txq_read_raw(st, &st->base);
	}
	write_sequnlock_bh(&priv->stats_reset);
}

/**
 * vnetmq_stats_reset() - start every counter of a device again from zero
 * @dev: the device
 *
 * The idle queues' counters too, so the device's totals start from zero.
 * The counters keep running: a reset records where they stand.
 */
void vnetmq_stats_reset(struct net_device *dev)
{
	vnetmq_rebase(dev, 0, dev->num_rx_queues, 0, dev->num_tx_queues);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_stats_reset);

/**
 * vnetmq_stats_reset_queue() - start one queue's counters again from zero
 * @dev: the device
 * @rx: an RX queue, else a TX queue
 * @queue: its index, below the device's num_rx_queues or num_tx_queues
 */
void vnetmq_stats_reset_queue(struct net_device *dev, bool rx, u16 queue)
{
	if (rx)
		vnetmq_rebase(dev, queue, queue + 1, 0, 0);
	else
		vnetmq_rebase(dev, 0, 0, queue, queue + 1);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_stats_reset_queue);

static void vnetmq_sum(struct net_device *dev, struct vnetmq_rxq_counts *rx,
		       struct vnetmq_txq_counts *tx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq_counts rs;
	struct vnetmq_txq_counts ts;
	unsigned int i;

	memset(rx, 0, sizeof(*rx));
	memset(tx, 0, sizeof(*tx));
	for (i = 0; i < dev->num_rx_queues; i++) {
		vnetmq_rxq_read(&priv->rxq[i], &rs);
		rx->packets += rs.packets;
		rx->bytes += rs.bytes;
		rx->drops += rs.drops;
	}
	for (i = 0; i < dev->num_tx_queues; i++) {
		vnetmq_txq_read(&priv->txq_stats[i], &ts);
		tx->packets += ts.packets;
		tx->bytes += ts.bytes;
		tx->drops += ts.drops;
	}
}

/**
 * vnetmq_get_stats64() - ndo_get_stats64: sum of every queue's counters
 * @dev: the device
 * @tot: totals to fill in
 */
void vnetmq_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *tot)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq_counts rx;
	struct vnetmq_txq_counts tx;
	unsigned int seq;

	do {
		seq = read_seqbegin(&priv->stats_reset);
		vnetmq_sum(dev, &rx, &tx);
	} while (read_seqretry(&priv->stats_reset, seq));
	tot->rx_packets += rx.packets;
	tot->rx_bytes += rx.bytes;
	tot->rx_dropped += rx.drops;
	tot->tx_packets += tx.packets;
	tot->tx_bytes += tx.bytes;
	tot->tx_dropped += tx.drops;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_get_stats64);

static void vnetmq_qstats_add_rx(struct netdev_queue_stats_rx *rx,
				 const struct vnetmq_rxq_counts *s)
{
	rx->packets += s->packets;
	rx->bytes += s->bytes;
	rx->hw_drops += s->drops;
}

static void vnetmq_qstats_add_tx(struct netdev_queue_stats_tx *tx,
				 const struct vnetmq_txq_counts *s)
{
	tx->packets += s->packets;
	tx->bytes += s->bytes;
	tx->hw_drops += s->drops;
	tx->stop += s->stops;
	tx->wake += s->wakes;
	tx->hw_gso_packets += s->gso_packets;
	tx->hw_gso_bytes += s->gso_bytes;
	tx->hw_gso_wire_packets += s->gso_wire_packets;
	tx->hw_gso_wire_bytes += s->gso_wire_bytes;
}

/* Only the fields vnetmq collects are set: the others stay unreported. */
static void vnetmq_qstats_zero(struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx)
{
	if (rx) {
		rx->packets = 0;
		rx->bytes = 0;
		rx->hw_drops = 0;
	}
	if (tx) {
		tx->packets = 0;
		tx->bytes = 0;
		tx->hw_drops = 0;
		tx->stop = 0;
		tx->wake = 0;
		tx->hw_gso_packets = 0;
		tx->hw_gso_bytes = 0;
		tx->hw_gso_wire_packets = 0;
		tx->hw_gso_wire_bytes = 0;
	}
}

static void vnetmq_get_queue_stats_rx(struct net_device *dev, int idx,
				      struct netdev_queue_stats_rx *rx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq_counts s;
	unsigned int seq;

	do {
		seq = read_seqbegin(&priv->stats_reset);
		vnetmq_rxq_read(&priv->rxq[idx], &s);
	} while (read_seqretry(&priv->stats_reset, seq));
	vnetmq_qstats_zero(rx, NULL);
	vnetmq_qstats_add_rx(rx, &s);
}

static void vnetmq_get_queue_stats_tx(struct net_device *dev, int idx,
				      struct netdev_queue_stats_tx *tx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_counts s;
	unsigned int seq;

	do {
		seq = read_seqbegin(&priv->stats_reset);
		vnetmq_txq_read(&priv->txq_stats[idx], &s);
	} while (read_seqretry(&priv->stats_reset, seq));
	vnetmq_qstats_zero(NULL, tx);
	vnetmq_qstats_add_tx(tx, &s);
}

/* The idle queues' share: what ethtool -L took out of the real range. */
static void vnetmq_get_base_stats(struct net_device *dev,
				  struct netdev_queue_stats_rx *rx,
				  struct netdev_queue_stats_tx *tx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq_counts rs;
	struct vnetmq_txq_counts ts;
	unsigned int i, seq;

	do {
		seq = read_seqbegin(&priv->stats_reset);
		vnetmq_qstats_zero(rx, tx);
		for (i = dev->real_num_rx_queues; i < dev->num_rx_queues; i++) {
			vnetmq_rxq_read(&priv->rxq[i], &rs);
			vnetmq_qstats_add_rx(rx, &rs);
		}
		for (i = dev->real_num_tx_queues; i < dev->num_tx_queues; i++) {
			vnetmq_txq_read(&priv->txq_stats[i], &ts);
			vnetmq_qstats_add_tx(tx, &ts);
		}
	} while (read_seqretry(&priv->stats_reset, seq));
}

const struct netdev_stat_ops vnetmq_stat_ops = {
	.get_queue_stats_rx	= vnetmq_get_queue_stats_rx,
	.get_queue_stats_tx	= vnetmq_get_queue_stats_tx,
	.get_base_stats		= vnetmq_get_base_stats,
};
EXPORT_SYMBOL_IF_KUNIT(vnetmq_stat_ops);

/*
 * ethtool -S: per RX queue its polls and full polls, per TX queue its
 * timeouts, and while traffic classes are set, each class's frames
 * summed over every RX queue, idle ones included.
 */
enum {
	VNETMQ_RXQ_STATS = 2,
	VNETMQ_TXQ_STATS = 1,
};

/**
 * vnetmq_get_sset_count() - ethtool -S: number of counters
 * @dev: the device
 * @sset: string set; only ETH_SS_STATS is supported
 *
 * Return: the counter count, or -EOPNOTSUPP.
 */
int vnetmq_get_sset_count(struct net_device *dev, int sset)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return dev->real_num_rx_queues * VNETMQ_RXQ_STATS +
	       dev->real_num_tx_queues * VNETMQ_TXQ_STATS + priv->tc.num_tc;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_get_sset_count);

/**
 * vnetmq_get_strings() - ethtool -S: counter names
 * @dev: the device
 * @sset: string set
 * @data: ETH_GSTRING_LEN bytes per counter
 *
 * rx_queue_<n>_polls and rx_queue_<n>_full_polls for each real RX queue,
 * tx_queue_<n>_timeouts for each real TX queue, then tc_<c>_rx_packets
 * for each traffic class.
 */
void vnetmq_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < dev->real_num_rx_queues; i++) {
		ethtool_sprintf(&data, "rx_queue_%u_polls", i);
		ethtool_sprintf(&data, "rx_queue_%u_full_polls", i);
	}
	for (i = 0; i < dev->real_num_tx_queues; i++)
		ethtool_sprintf(&data, "tx_queue_%u_timeouts", i);
	for (i = 0; i < priv->tc.num_tc; i++)
		ethtool_sprintf(&data, "tc_%u_rx_packets", i);
}

/**
 * vnetmq_get_ethtool_stats() - ethtool -S: counter values
 * @dev: the device
 * @stats: unused
 * @data: one u64 per name from vnetmq_get_strings(), in that order
 */
void vnetmq_get_ethtool_stats(struct net_device *dev,
			      struct ethtool_stats *stats, u64 *data)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i, tc, seq, num_tc = priv->tc.num_tc;
	struct vnetmq_rxq_counts rs;
	struct vnetmq_txq_counts ts;
	u64 *tc_data, *d;

	/* The per-class counters come last. */
	tc_data = data + vnetmq_get_sset_count(dev, ETH_SS_STATS) - num_tc;
	do {
		seq = read_seqbegin(&priv->stats_reset);
		d = data;
		memset(tc_data, 0, num_tc * sizeof(*tc_data));
		for (i = 0; i < dev->num_rx_queues; i++) {
			vnetmq_rxq_read(&priv->rxq[i], &rs);
			if (i < dev->real_num_rx_queues) {
				*d++ = rs.polls;
				*d++ = rs.full_polls;
			}
			for (tc = 0; tc < num_tc; tc++)
				tc_data[tc] += rs.tc_packets[tc];
		}
		for (i = 0; i < dev->real_num_tx_queues; i++) {
			vnetmq_txq_read(&priv->txq_stats[i], &ts);
			*d++ = ts.timeouts;
		}
	} while (read_seqretry(&priv->stats_reset, seq));
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_get_ethtool_stats);
