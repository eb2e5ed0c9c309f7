// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit integration suite: a real vnetmq device, registered and opened
 * under RTNL, transmitting with netdev_start_xmit() on chosen queues and
 * receiving through its own NAPI into a packet handler of the test's.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ethtool.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/netdev_queues.h>
#include <net/pkt_sched.h>
#include <net/rtnetlink.h>

#include "test_util.h"
#include "vnetmq.h"

#define VNETMQ_T_TXQ	4
#define VNETMQ_T_RXQ	2

struct vnetmq_itest {
	struct net_device *dev;
	struct packet_type pt;
	spinlock_t lock;	/* rx[], unrecorded */
	unsigned int rx[VNETMQ_MAX_QUEUES];
	unsigned int unrecorded;
};

static int vnetmq_itest_rcv(struct sk_buff *skb, struct net_device *dev,
			    struct packet_type *pt, struct net_device *orig)
{
	struct vnetmq_itest *t = container_of(pt, struct vnetmq_itest, pt);

	spin_lock_bh(&t->lock);
	if (skb_rx_queue_recorded(skb))
		t->rx[skb_get_rx_queue(skb)]++;
	else
		t->unrecorded++;
	spin_unlock_bh(&t->lock);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static unsigned int vnetmq_itest_received(struct vnetmq_itest *t)
{
	unsigned int i, n;

	spin_lock_bh(&t->lock);
	n = t->unrecorded;
	for (i = 0; i < ARRAY_SIZE(t->rx); i++)
		n += t->rx[i];
	spin_unlock_bh(&t->lock);
	return n;
}

/* NAPI runs in softirq on its own time: wait for it, boundedly. */
static bool vnetmq_itest_wait(struct vnetmq_itest *t, unsigned int want)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (vnetmq_itest_received(t) >= want)
			return true;
		usleep_range(10000, 20000);
	}
	return false;
}

static int vnetmq_itest_init(struct kunit *test)
{
	struct vnetmq_itest *t;
	struct net_device *dev;
	int err;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);

	dev = alloc_netdev_mqs(sizeof(struct vnetmq_priv), "vnetmqkt%d",
			       NET_NAME_ENUM, vnetmq_link_ops.setup,
			       VNETMQ_T_TXQ, VNETMQ_T_RXQ);
	if (!dev)
		return -ENOMEM;
	dev->rtnl_link_ops = &vnetmq_link_ops;
	/* Below IPV6_MIN_MTU: no IPv6 on the device, whose DAD, MLD and
	 * router solicitations would add frames of their own to the
	 * counts the cases check.
	 */
	dev->mtu = IPV6_MIN_MTU - 1;
	rtnl_lock();
	err = register_netdevice(dev);
	if (!err) {
		err = dev_open(dev, NULL);
		if (err)
			unregister_netdevice(dev);
	}
	rtnl_unlock();
	if (err) {
		/* needs_free_netdev frees it on unregister, not on failure */
		if (dev->reg_state == NETREG_UNINITIALIZED)
			free_netdev(dev);
		return err;
	}

	t->dev = dev;
	t->pt.type = htons(VNETMQ_TEST_PROTO);
	t->pt.dev = dev;
	t->pt.func = vnetmq_itest_rcv;
	dev_add_pack(&t->pt);
	test->priv = t;
	return 0;
}

static void vnetmq_itest_exit(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;

	if (!t)
		return;
	dev_remove_pack(&t->pt);
	rtnl_lock();
	unregister_netdevice(t->dev);
	rtnl_unlock();
}

static void vnetmq_itest_mapping(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct rtnl_link_stats64 s;
	unsigned int q, i;

	for (q = 0; q < VNETMQ_T_TXQ; q++)
		for (i = 0; i < 10; i++)
			KUNIT_EXPECT_TRUE(test,
					  vnetmq_test_xmit(test, t->dev, q, i));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 40));
	KUNIT_EXPECT_EQ(test, t->rx[0], 20);	/* from tx 0 and 2 */
	KUNIT_EXPECT_EQ(test, t->rx[1], 20);	/* from tx 1 and 3 */
	KUNIT_EXPECT_EQ(test, t->unrecorded, 0);

	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 40);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 40);
	KUNIT_EXPECT_EQ(test, s.tx_bytes, 40 * 60);
	/* Both sides count the whole frame, as veth and NICs do. */
	KUNIT_EXPECT_EQ(test, s.rx_bytes, 40 * 60);
	for (q = 0; q < VNETMQ_T_TXQ; q++) {
		u64 sent = u64_stats_read(&priv->txq_stats[q].packets);

		KUNIT_EXPECT_EQ(test, sent, 10);
	}
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->rxq[0].stats.packets), 20);
}

/*
 * With RX queue 0 hung, TX queues 0 and 2 fill its ring: each stops itself
 * while the ring still has room for the other, so the ring never holds more
 * than its size and nothing is dropped.  The TX timeout handler kicks the
 * NAPI; once the queue is unpaused that drains the ring and wakes both.
 */
static void vnetmq_itest_flow_control_and_timeout(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct netdev_queue *txq0 = netdev_get_tx_queue(t->dev, 0);
	struct netdev_queue *txq2 = netdev_get_tx_queue(t->dev, 2);
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	unsigned int size = 16, sent0 = 0, sent2 = 0;
	struct vnetmq_rxq *rq = &priv->rxq[0];
	struct rtnl_link_stats64 s;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_ring_size(t->dev, size, NULL), 0);
	rtnl_unlock();
	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_test_no_bql(t->dev, 2);
	WRITE_ONCE(rq->paused, true);

	while (sent0 < 2 * size && vnetmq_test_xmit(test, t->dev, 0, sent0))
		sent0++;
	/* Stopped once fewer than 2 slots (2 feeders) were left. */
	KUNIT_EXPECT_EQ(test, sent0, size - 1);
	KUNIT_EXPECT_TRUE(test, netif_tx_queue_stopped(txq0));
	while (sent2 < 2 * size && vnetmq_test_xmit(test, t->dev, 2, sent2))
		sent2++;
	KUNIT_EXPECT_EQ(test, sent2, 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&rq->ring[0].skbs), size);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[0].stops), 1);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[2].stops), 1);
	/* The other RX queue is unaffected. */
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 0));

	WRITE_ONCE(rq->paused, false);
	local_bh_disable();
	t->dev->netdev_ops->ndo_tx_timeout(t->dev, 0);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, size + 1));
	KUNIT_EXPECT_EQ(test, t->rx[0], size);
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq0));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq2));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[0].timeouts), 1);
	KUNIT_EXPECT_GE(test, u64_stats_read(&priv->txq_stats[0].wakes), 1);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 100));

	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, 0);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, 0);
}

/*
 * A feeder that stopped on a ring and whose frames all left while the
 * ring was too full to wake it (the others refilled it) is woken by the
 * next poll of that ring that leaves room, whoever's frames it took.
 */
static void vnetmq_itest_wake_other_feeder(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct netdev_queue *txq2 = netdev_get_tx_queue(t->dev, 2);
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct vnetmq_ring *ring = &priv->rxq[0].ring[0];

	/* TX queue 2 stopped on RX queue 0's ring, none of its frames left. */
	netif_tx_stop_queue(txq2);
	vnetmq_ring_mark_stopped(ring);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 0));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 1));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq2));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[2].wakes), 1);
	KUNIT_EXPECT_FALSE(test, test_bit(VNETMQ_RING_STOPPED, &ring->flags));
	/* TX queue 1 feeds the other RX queue: not woken from here. */
	netif_tx_stop_queue(netdev_get_tx_queue(t->dev, 1));
	vnetmq_ring_mark_stopped(ring);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 1));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 2));
	KUNIT_EXPECT_TRUE(test,
			  netif_tx_queue_stopped(netdev_get_tx_queue(t->dev,
								     1)));
	netif_tx_wake_queue(netdev_get_tx_queue(t->dev, 1));
}

/*
 * The TX watchdog checks every TX queue, not only the real ones: those
 * above the real count must not be left stopped.
 */
static void vnetmq_itest_idle_txqs_run(struct kunit *test,
				       struct net_device *dev)
{
	struct netdev_queue *txq;
	unsigned int i;

	for (i = dev->real_num_tx_queues; i < dev->num_tx_queues; i++) {
		txq = netdev_get_tx_queue(dev, i);
		KUNIT_EXPECT_FALSE_MSG(test, netif_xmit_stopped(txq),
				       "idle TX queue %u stopped", i);
	}
}

/*
 * ethtool -L under load: frames on the rings are delivered, not lost.
 * Then down and up with fewer queues than the device has.
 */
static void vnetmq_itest_set_queues_delivers(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct rtnl_link_stats64 s;
	unsigned int i;
	int err;

	vnetmq_test_no_bql(t->dev, 3);
	WRITE_ONCE(priv->rxq[1].paused, true);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 3, i));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&priv->rxq[1].ring[0].skbs), 5);

	rtnl_lock();
	err = vnetmq_set_queues(t->dev, 2, 1);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, t->dev->real_num_tx_queues, 2);
	KUNIT_EXPECT_EQ(test, t->dev->real_num_rx_queues, 1);
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 5));
	KUNIT_EXPECT_EQ(test, t->rx[1], 5);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&priv->rxq[1].ring[0]));
	vnetmq_itest_idle_txqs_run(test, t->dev);

	/* TX queue 1 now loops back to the only RX queue. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, i));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 8));
	KUNIT_EXPECT_EQ(test, t->rx[0], 3);

	/* Totals still count the queues that went idle. */
	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 8);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 8);

	rtnl_lock();
	dev_close(t->dev);
	err = dev_open(t->dev, NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	vnetmq_itest_idle_txqs_run(test, t->dev);

	rtnl_lock();
	err = vnetmq_set_queues(t->dev, VNETMQ_T_TXQ, VNETMQ_T_RXQ);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
}

/*
 * A feeder stopped on a ring that then holds only frames written to a
 * queue file: no TX completion will come for it, yet the poll that
 * drains the ring must wake it, or it stays stopped for good.
 */
static void vnetmq_itest_wake_after_written(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct netdev_queue *txq3 = netdev_get_tx_queue(t->dev, 3);
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct vnetmq_rxq *rq = &priv->rxq[1];
	struct sk_buff *skb;
	unsigned int i;
	int err;

	WRITE_ONCE(rq->paused, true);
	for (i = 0; i < 4; i++) {
		skb = vnetmq_test_frame(test, t->dev, 60, VNETMQ_TXQ_NONE, i);
		rcu_read_lock_bh();
		err = vnetmq_inject(t->dev, 1, skb);
		rcu_read_unlock_bh();
		KUNIT_EXPECT_EQ(test, err, 0);
		if (err)
			kfree_skb(skb);
	}
	/* TX queue 3 stopped on the ring, none of its frames on it. */
	netif_tx_stop_queue(txq3);
	vnetmq_ring_mark_stopped(&rq->ring[0]);
	WRITE_ONCE(rq->paused, false);
	local_bh_disable();
	napi_schedule(&rq->napi);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 4));
	KUNIT_EXPECT_EQ(test, t->rx[1], 4);
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq3));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[3].wakes), 1);
}

/*
 * ethtool -L took TX queue 3 away, but a sender that read the old count
 * (a packet socket bypassing the qdisc, pktgen) may still transmit on it:
 * the frame is dropped, never put on a ring no NAPI serves, and counted
 * by the core, as a frame the device refused, not by the queue: a
 * queue's drops are frames a queue file held when it went away.
 */
static void vnetmq_itest_xmit_above_real(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct rtnl_link_stats64 s;
	int err;

	rtnl_lock();
	err = vnetmq_set_queues(t->dev, 2, 1);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 3, 0));
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&priv->rxq[1].ring[0]));
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&priv->rxq[0].ring[0]));
	dev_get_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 0);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, 1);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[3].drops), 0);
	rtnl_lock();
	err = vnetmq_set_queues(t->dev, VNETMQ_T_TXQ, VNETMQ_T_RXQ);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
}

static void vnetmq_itest_ring_size_refused(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct netlink_ext_ack extack = {};
	int err;

	rtnl_lock();
	err = vnetmq_set_ring_size(t->dev, 3, &extack);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "below 4"));
}

/* Going down with frames on a ring drops and counts them. */
static void vnetmq_itest_close_drops(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct rtnl_link_stats64 s;
	unsigned int i;

	vnetmq_test_no_bql(t->dev, 0);
	WRITE_ONCE(priv->rxq[0].paused, true);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, i));
	rtnl_lock();
	dev_close(t->dev);
	rtnl_unlock();
	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 3);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, 3);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&priv->rxq[0].ring[0]));
}

/* Ten frames on each TX queue: twenty on each RX queue. */
static void vnetmq_itest_ten_per_txq(struct kunit *test, u32 seq)
{
	struct vnetmq_itest *t = test->priv;
	unsigned int q, i, before = vnetmq_itest_received(t);

	for (q = 0; q < VNETMQ_T_TXQ; q++)
		for (i = 0; i < 10; i++)
			KUNIT_EXPECT_TRUE(test,
					  vnetmq_test_xmit(test, t->dev, q,
							   seq + i));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, before + 40));
}

static u64 vnetmq_itest_qstat_rx(struct net_device *dev, int q)
{
	struct netdev_queue_stats_rx rx = {};

	vnetmq_stat_ops.get_queue_stats_rx(dev, q, &rx);
	return rx.packets;
}

static u64 vnetmq_itest_qstat_tx(struct net_device *dev, int q)
{
	struct netdev_queue_stats_tx tx = {};

	vnetmq_stat_ops.get_queue_stats_tx(dev, q, &tx);
	return tx.packets;
}

/*
 * A reset: every view of every counter starts again from zero
 * and counts on from there, while the counters underneath keep growing.
 */
static void vnetmq_itest_stats_reset(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	u64 data[VNETMQ_T_RXQ * 2 + VNETMQ_T_TXQ];
	struct rtnl_link_stats64 s;
	unsigned int i;

	vnetmq_itest_ten_per_txq(test, 0);
	vnetmq_stats_reset(t->dev);
	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.rx_packets + s.rx_bytes + s.tx_packets +
			      s.tx_bytes, 0);
	KUNIT_ASSERT_EQ(test, vnetmq_get_sset_count(t->dev, ETH_SS_STATS),
			ARRAY_SIZE(data));
	vnetmq_get_ethtool_stats(t->dev, NULL, data);
	for (i = 0; i < ARRAY_SIZE(data); i++)
		KUNIT_EXPECT_EQ_MSG(test, data[i], 0, "ethtool -S counter %u",
				    i);

	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 100));
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 101));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 42));
	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 2);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 2);
	KUNIT_EXPECT_EQ(test, s.rx_bytes, 2 * 60);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_rx(t->dev, 1), 2);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_tx(t->dev, 1), 2);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_rx(t->dev, 0), 0);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[1].packets), 12);
}

/*
 * One queue's reset leaves the others' counts, and the device totals,
 * qstats' queues and the idle queues' share (after ethtool -L) still
 * add up.
 */
static void vnetmq_itest_stats_reset_queue(struct kunit *test)
{
	struct netdev_queue_stats_rx base_rx = {};
	struct netdev_queue_stats_tx base_tx = {};
	struct vnetmq_itest *t = test->priv;
	struct rtnl_link_stats64 s;
	u64 rx, tx;
	int err;

	vnetmq_itest_ten_per_txq(test, 0);
	vnetmq_stats_reset_queue(t->dev, true, 1);
	vnetmq_stats_reset_queue(t->dev, false, 2);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_rx(t->dev, 0), 20);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_rx(t->dev, 1), 0);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_tx(t->dev, 1), 10);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_qstat_tx(t->dev, 2), 0);
	vnetmq_test_stats(t->dev, &s);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 20);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 30);

	rtnl_lock();
	err = vnetmq_set_queues(t->dev, 2, 1);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	vnetmq_stat_ops.get_base_stats(t->dev, &base_rx, &base_tx);
	KUNIT_EXPECT_EQ(test, base_rx.packets, 0);
	KUNIT_EXPECT_EQ(test, base_tx.packets, 10);
	rx = vnetmq_itest_qstat_rx(t->dev, 0);
	tx = vnetmq_itest_qstat_tx(t->dev, 0);
	tx += vnetmq_itest_qstat_tx(t->dev, 1);
	KUNIT_EXPECT_EQ(test, rx + base_rx.packets, s.rx_packets);
	KUNIT_EXPECT_EQ(test, tx + base_tx.packets, s.tx_packets);
}

/*
 * A reset is a write section of the stats_reset seqlock: a read of
 * several counters that a reset overlapped knows to read again.
 */
static void vnetmq_itest_stats_reset_retries_readers(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	unsigned int seq;

	seq = read_seqbegin(&priv->stats_reset);
	KUNIT_EXPECT_FALSE(test, read_seqretry(&priv->stats_reset, seq));
	vnetmq_stats_reset_queue(t->dev, false, 0);
	KUNIT_EXPECT_TRUE(test, read_seqretry(&priv->stats_reset, seq));
	seq = read_seqbegin(&priv->stats_reset);
	vnetmq_stats_reset(t->dev);
	KUNIT_EXPECT_TRUE(test, read_seqretry(&priv->stats_reset, seq));
}

/*
 * Module unload is rtnl_link_unregister(&vnetmq_link_ops) with devices
 * present.  The rig's kernel has vnetmq built in, so run that path on a
 * second registration of the same ops under a kind of the test's own.
 */
static void vnetmq_itest_unregister_removes_devices(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct net_device *own = t->dev;
	char name[2][IFNAMSIZ] = {};
	struct rtnl_link_ops *ops;
	struct net_device *dev[2];
	struct vnetmq_priv *priv;
	unsigned int i;
	int err = 0;

	ops = kunit_kzalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	ops->kind = "vnetmq_kunit";
	ops->priv_size = vnetmq_link_ops.priv_size;
	ops->setup = vnetmq_link_ops.setup;
	ops->validate = vnetmq_link_ops.validate;
	KUNIT_ASSERT_EQ(test, rtnl_link_register(ops), 0);

	rtnl_lock();
	for (i = 0; i < ARRAY_SIZE(dev); i++) {
		dev[i] = alloc_netdev_mqs(ops->priv_size, "vnetmqku%d",
					  NET_NAME_ENUM, ops->setup, 2, 1);
		if (!dev[i]) {
			err = -ENOMEM;
			break;
		}
		dev[i]->rtnl_link_ops = ops;
		err = register_netdevice(dev[i]);
		if (err) {
			free_netdev(dev[i]);
			break;
		}
		strscpy(name[i], dev[i]->name);
	}
	if (!err)
		err = dev_open(dev[0], NULL);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);

	/* Leave frames on a ring of the running device. */
	if (!err) {
		priv = netdev_priv(dev[0]);
		WRITE_ONCE(priv->rxq[0].paused, true);
		vnetmq_test_no_bql(dev[0], 0);
		t->dev = dev[0];
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_TRUE(test,
					  vnetmq_test_xmit(test, t->dev, 0, i));
		t->dev = own;
	}

	rtnl_link_unregister(ops);
	rtnl_lock();
	for (i = 0; i < ARRAY_SIZE(dev); i++)
		KUNIT_EXPECT_NULL(test, __dev_get_by_name(&init_net, name[i]));
	rtnl_unlock();
}

/* mqprio hw 1 with @num_tc classes of 4 / @num_tc TX queues each. */
static int vnetmq_itest_set_tc(struct net_device *dev, u8 num_tc,
			       struct netlink_ext_ack *extack)
{
	struct tc_mqprio_qopt_offload m = {
		.mode = TC_MQPRIO_MODE_DCB,
		.shaper = TC_MQPRIO_SHAPER_DCB,
		.extack = extack,
	};
	unsigned int c;
	int err;

	m.qopt.num_tc = num_tc;
	for (c = 0; c < num_tc; c++) {
		m.qopt.count[c] = VNETMQ_T_TXQ / num_tc;
		m.qopt.offset[c] = c * VNETMQ_T_TXQ / num_tc;
	}
	rtnl_lock();
	err = dev->netdev_ops->ndo_setup_tc(dev, TC_SETUP_QDISC_MQPRIO, &m);
	rtnl_unlock();
	return err;
}

/*
 * Why classes get rings of their own: with RX queue 0 hung, class 0's
 * TX queue 0 fills its ring and stops, but class 1's TX queue 2, which
 * feeds the same RX queue, keeps sending into a ring of its own.
 * Without classes it was stopped after one frame
 * (vnetmq_itest_flow_control_and_timeout).
 */
static void vnetmq_itest_classes_isolate(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct netdev_queue *txq0 = netdev_get_tx_queue(t->dev, 0);
	struct netdev_queue *txq2 = netdev_get_tx_queue(t->dev, 2);
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct vnetmq_rxq *rq = &priv->rxq[0];
	unsigned int sent0 = 0, i;

	KUNIT_ASSERT_EQ(test, vnetmq_itest_set_tc(t->dev, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->dev->num_tc, 2);
	KUNIT_EXPECT_EQ(test, rq->nr_rings, 2);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_ring_size(t->dev, 32, NULL), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, rq->ring[1].size, 16);
	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_test_no_bql(t->dev, 2);
	WRITE_ONCE(rq->paused, true);

	while (sent0 < 64 && vnetmq_test_xmit(test, t->dev, 0, sent0))
		sent0++;
	/* Class 0's ring on RX queue 0 has one feeder: it fills up. */
	KUNIT_EXPECT_EQ(test, sent0, 16);
	KUNIT_EXPECT_TRUE(test, netif_tx_queue_stopped(txq0));
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 2, i));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq2));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&priv->txq_stats[2].stops), 0);

	WRITE_ONCE(rq->paused, false);
	local_bh_disable();
	napi_schedule(&rq->napi);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 24));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&rq->stats.tc_packets[0]), 16);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&rq->stats.tc_packets[1]), 8);
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq0));

	KUNIT_EXPECT_EQ(test, vnetmq_itest_set_tc(t->dev, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->dev->num_tc, 0);
	KUNIT_EXPECT_EQ(test, rq->nr_rings, 1);
	KUNIT_EXPECT_EQ(test, rq->ring[0].size, 32);
}

/*
 * With classes set: ethtool -L may not take a TX queue a class owns, may
 * change the RX queues (the headroom follows), and a second mqprio is
 * refused until the first is deleted.
 */
static void vnetmq_itest_classes_and_channels(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct netlink_ext_ack extack = {};
	int err;

	KUNIT_ASSERT_EQ(test, vnetmq_itest_set_tc(t->dev, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_set_tc(t->dev, 4, &extack), -EBUSY);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "delete the mqprio"));

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_queues(t->dev, 3, 2), -EBUSY);
	err = vnetmq_set_queues(t->dev, VNETMQ_T_TXQ, 1);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, t->dev->num_tc, 2);
	/* TX queues 0 and 1 now share class 0's ring of RX queue 0. */
	KUNIT_EXPECT_EQ(test, priv->txq_map[1].rxq, 0);
	KUNIT_EXPECT_EQ(test, priv->txq_map[1].feeders, 2);
	KUNIT_EXPECT_EQ(test, priv->txq_map[3].tc, 1);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 3, 0));
	KUNIT_EXPECT_TRUE(test, vnetmq_itest_wait(t, 1));

	KUNIT_EXPECT_EQ(test, vnetmq_itest_set_tc(t->dev, 0, NULL), 0);
	rtnl_lock();
	err = vnetmq_set_queues(t->dev, 3, VNETMQ_T_RXQ);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
}

/*
 * rx-usecs for coalescing that only the count or a stopped TX queue can
 * trigger: 10 s, beyond what ethtool may set, never fires within
 * vnetmq_itest_wait()'s few seconds.
 */
#define VNETMQ_T_NO_TIMER	(10 * USEC_PER_SEC)

/*
 * rx-usecs for cases that watch the timer armed, then fire: 200 ms, so
 * that a test thread a loaded host keeps off its CPU for a while still
 * finds it armed (at ethtool's 10 ms at most, it did not always).
 */
#define VNETMQ_T_TIMER		(200 * USEC_PER_MSEC)

static void vnetmq_itest_set_coal(struct net_device *dev, u32 frames,
				  u32 usecs)
{
	rtnl_lock();
	vnetmq_set_coal(dev, frames, usecs);
	rtnl_unlock();
}

/*
 * As if @dev had ended a poll that took @poll_ns, @ago_ns ago, on every
 * CPU (the test may move between CPUs before it transmits).
 */
static void vnetmq_itest_last_poll(struct net_device *dev, u64 ago_ns,
				   u64 poll_ns)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_cpu_poll *last;
	u64 now = ktime_get_ns();
	int cpu;

	for_each_possible_cpu(cpu) {
		last = per_cpu_ptr(priv->cpu_poll, cpu);
		WRITE_ONCE(last->ns, poll_ns);
		WRITE_ONCE(last->end, now - ago_ns);
	}
}

/*
 * As if a poll that took a second had just ended: the next frame joins
 * a batch rather than going at once as a lone frame would.
 */
static void vnetmq_itest_busy(struct net_device *dev)
{
	vnetmq_itest_last_poll(dev, 0, NSEC_PER_SEC);
}

static u64 vnetmq_itest_polls(struct net_device *dev, u16 rxq)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return u64_stats_read(&priv->rxq[rxq].stats.polls);
}

/* rx-frames 4: three frames wait on the ring, the fourth polls all four. */
static void vnetmq_itest_coal_frames(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	u64 polls = vnetmq_itest_polls(t->dev, 0);
	unsigned int i;

	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_itest_set_coal(t->dev, 4, VNETMQ_T_NO_TIMER);
	vnetmq_itest_busy(t->dev);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, i));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&priv->rxq[0].ring[0].skbs), 3);
	KUNIT_EXPECT_TRUE(test, test_bit(VNETMQ_RXQ_TIMER,
					 &priv->rxq[0].flags));
	KUNIT_EXPECT_EQ(test, vnetmq_itest_polls(t->dev, 0), polls);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_received(t), 0);

	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 3));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 4));
	KUNIT_EXPECT_EQ(test, t->rx[0], 4);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_polls(t->dev, 0), polls + 1);
}

/* Below rx-frames, the timer delivers the frame after rx-usecs. */
static void vnetmq_itest_coal_timer(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	u64 polls = vnetmq_itest_polls(t->dev, 1);

	vnetmq_test_no_bql(t->dev, 1);
	vnetmq_itest_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES, VNETMQ_T_TIMER);
	vnetmq_itest_busy(t->dev);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 0));
	KUNIT_EXPECT_TRUE(test, test_bit(VNETMQ_RXQ_TIMER,
					 &priv->rxq[1].flags));
	KUNIT_EXPECT_EQ(test, vnetmq_itest_received(t), 0);
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 1));
	KUNIT_EXPECT_EQ(test, t->rx[1], 1);
	KUNIT_EXPECT_EQ(test, vnetmq_itest_polls(t->dev, 1), polls + 1);
}

/*
 * A frame that finds its queue idle for longer than the last poll took
 * goes at once, timer or not: its sender is slower than the poll, and
 * waiting would only add to its latency.
 */
static void vnetmq_itest_coal_quiet(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	u64 polls = vnetmq_itest_polls(t->dev, 1);

	vnetmq_test_no_bql(t->dev, 1);
	vnetmq_itest_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES,
			      VNETMQ_T_NO_TIMER);
	vnetmq_itest_last_poll(t->dev, NSEC_PER_SEC, NSEC_PER_MSEC);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 0));
	KUNIT_EXPECT_FALSE(test, test_bit(VNETMQ_RXQ_TIMER,
					  &priv->rxq[1].flags));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 1));
	KUNIT_EXPECT_EQ(test, vnetmq_itest_polls(t->dev, 1), polls + 1);
}

/*
 * Threaded NAPI polls on its kthread's CPU, whose record says nothing
 * about the sender's: a frame waits for the batch even after long quiet.
 */
static void vnetmq_itest_coal_threaded(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	int err;

	vnetmq_test_no_bql(t->dev, 1);
	vnetmq_itest_set_coal(t->dev, 2, VNETMQ_T_NO_TIMER);
	err = dev_set_threaded(t->dev, NETDEV_NAPI_THREADED_ENABLED);
	KUNIT_ASSERT_EQ(test, err, 0);
	vnetmq_itest_last_poll(t->dev, NSEC_PER_SEC, 0);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 0));
	KUNIT_EXPECT_TRUE(test, test_bit(VNETMQ_RXQ_TIMER,
					 &priv->rxq[1].flags));
	KUNIT_EXPECT_EQ(test, vnetmq_itest_received(t), 0);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 1));
	KUNIT_EXPECT_TRUE(test, vnetmq_itest_wait(t, 2));
	err = dev_set_threaded(t->dev, NETDEV_NAPI_THREADED_DISABLED);
	KUNIT_EXPECT_EQ(test, err, 0);
}

/*
 * The poll that takes a frame records on its CPU when it ended and how
 * long it took; the next frame's transmit reads that record.
 */
static void vnetmq_itest_coal_records_poll(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct vnetmq_cpu_poll *last;
	u64 start = ktime_get_ns();
	bool recorded = false;
	int cpu;

	vnetmq_test_no_bql(t->dev, 1);
	vnetmq_itest_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES,
			      VNETMQ_T_NO_TIMER);
	vnetmq_itest_last_poll(t->dev, 2 * NSEC_PER_SEC, 0);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 1, 0));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 1));
	for_each_possible_cpu(cpu) {
		last = per_cpu_ptr(priv->cpu_poll, cpu);
		if (READ_ONCE(last->end) < start)
			continue;
		KUNIT_EXPECT_GT(test, READ_ONCE(last->ns), 0);
		KUNIT_EXPECT_LE(test, READ_ONCE(last->end), ktime_get_ns());
		recorded = true;
	}
	KUNIT_EXPECT_TRUE(test, recorded);
}

/*
 * A TX queue stopped by its ring, or by BQL, waits for completions: the
 * frame that stops it schedules the poll at once, whatever rx-frames.
 */
static void vnetmq_itest_coal_stopped(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	unsigned int i, size = 16;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_ring_size(t->dev, size, NULL), 0);
	rtnl_unlock();
	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_itest_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES,
			      VNETMQ_T_NO_TIMER);
	vnetmq_itest_busy(t->dev);
	/* 14 frames wait; the 15th leaves one slot for 2 feeders: stop. */
	for (i = 0; i < size - 1; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, i));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, size - 1));
	KUNIT_EXPECT_FALSE(test,
			   netif_xmit_stopped(netdev_get_tx_queue(t->dev, 0)));

	/* TX queue 2 with BQL as the core set it: the first frame is over
	 * its limit, and BQL stops the queue.
	 */
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 2, 0));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, size));
}

/*
 * The device goes down with a timer armed: the timer is cancelled, and
 * the next frame after the device is up again arms it anew.
 */
static void vnetmq_itest_coal_down_up(struct kunit *test)
{
	struct vnetmq_itest *t = test->priv;
	struct vnetmq_priv *priv = netdev_priv(t->dev);
	struct vnetmq_rxq *rq = &priv->rxq[0];

	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_itest_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES,
			      VNETMQ_T_NO_TIMER);
	vnetmq_itest_busy(t->dev);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 0));
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&rq->coal_timer));
	rtnl_lock();
	dev_close(t->dev);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&rq->coal_timer));
	KUNIT_EXPECT_FALSE(test, test_bit(VNETMQ_RXQ_TIMER, &rq->flags));
	vnetmq_set_coal(t->dev, VNETMQ_MAX_COAL_FRAMES, VNETMQ_T_TIMER);
	KUNIT_EXPECT_EQ(test, dev_open(t->dev, NULL), 0);
	rtnl_unlock();
	vnetmq_test_no_bql(t->dev, 0);
	vnetmq_itest_busy(t->dev);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, t->dev, 0, 1));
	KUNIT_EXPECT_TRUE(test, test_bit(VNETMQ_RXQ_TIMER, &rq->flags));
	KUNIT_ASSERT_TRUE(test, vnetmq_itest_wait(t, 1));
}

/* ethtool -C: what is set reads back; a refused value changes nothing. */
static void vnetmq_itest_coal_ethtool(struct kunit *test)
{
	const struct ethtool_ops *ops = &vnetmq_ethtool_ops;
	struct kernel_ethtool_coalesce kec = {};
	struct vnetmq_itest *t = test->priv;
	struct netlink_ext_ack extack = {};
	struct ethtool_coalesce ec = {};
	int err;

	KUNIT_EXPECT_EQ(test, ops->get_coalesce(t->dev, &ec, &kec, NULL), 0);
	KUNIT_EXPECT_EQ(test, ec.rx_max_coalesced_frames,
			VNETMQ_DEF_COAL_FRAMES);
	KUNIT_EXPECT_EQ(test, ec.rx_coalesce_usecs, VNETMQ_DEF_COAL_USECS);

	ec.rx_max_coalesced_frames = 8;
	ec.rx_coalesce_usecs = 50;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, ops->set_coalesce(t->dev, &ec, &kec, NULL), 0);
	ec.rx_max_coalesced_frames = 0;
	err = ops->set_coalesce(t->dev, &ec, &kec, &extack);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);

	memset(&ec, 0, sizeof(ec));
	KUNIT_EXPECT_EQ(test, ops->get_coalesce(t->dev, &ec, &kec, NULL), 0);
	KUNIT_EXPECT_EQ(test, ec.rx_max_coalesced_frames, 8);
	KUNIT_EXPECT_EQ(test, ec.rx_coalesce_usecs, 50);
}

static struct kunit_case vnetmq_itest_cases[] = {
	KUNIT_CASE(vnetmq_itest_mapping),
	KUNIT_CASE(vnetmq_itest_flow_control_and_timeout),
	KUNIT_CASE(vnetmq_itest_wake_other_feeder),
	KUNIT_CASE(vnetmq_itest_set_queues_delivers),
	KUNIT_CASE(vnetmq_itest_wake_after_written),
	KUNIT_CASE(vnetmq_itest_xmit_above_real),
	KUNIT_CASE(vnetmq_itest_ring_size_refused),
	KUNIT_CASE(vnetmq_itest_close_drops),
	KUNIT_CASE(vnetmq_itest_classes_isolate),
	KUNIT_CASE(vnetmq_itest_classes_and_channels),
	KUNIT_CASE(vnetmq_itest_stats_reset),
	KUNIT_CASE(vnetmq_itest_stats_reset_queue),
	KUNIT_CASE(vnetmq_itest_stats_reset_retries_readers),
	KUNIT_CASE(vnetmq_itest_unregister_removes_devices),
	KUNIT_CASE(vnetmq_itest_coal_frames),
	KUNIT_CASE(vnetmq_itest_coal_timer),
	KUNIT_CASE(vnetmq_itest_coal_quiet),
	KUNIT_CASE(vnetmq_itest_coal_records_poll),
	KUNIT_CASE(vnetmq_itest_coal_threaded),
	KUNIT_CASE(vnetmq_itest_coal_stopped),
	KUNIT_CASE(vnetmq_itest_coal_down_up),
	KUNIT_CASE(vnetmq_itest_coal_ethtool),
	{}
};

static struct kunit_suite vnetmq_itest_suite = {
	.name = "vnetmq_netdev",
	.init = vnetmq_itest_init,
	.exit = vnetmq_itest_exit,
	.test_cases = vnetmq_itest_cases,
};

kunit_test_suite(vnetmq_itest_suite);
