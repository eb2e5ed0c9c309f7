// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of vnetmq pairs: two real devices registered and linked
 * with vnetmq_pair_link(), the core of newlink, A with 4 TX queues and
 * 1 RX queue, B with 2 and 2.  Each end steers what it receives (RSS,
 * ntuple): every TX queue of the other end feeds every RX queue.  The
 * frames of most cases are not IP, so they hash to nothing and land on
 * entry 0 of the receiver's table; a case moves them by changing that
 * entry.  Frames are sent with netdev_start_xmit() on chosen queues of
 * one end and counted per RX queue by packet handlers on each end.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "test_util.h"
#include "vnetmq.h"

#define VNETMQ_PT_QUEUES	4

struct vnetmq_ptest {
	struct net_device *end[2];
	struct packet_type pt[2];
	atomic_t rx[2][VNETMQ_PT_QUEUES];
	unsigned long cpus[2][VNETMQ_PT_QUEUES];
	atomic_t l4_hash;
	struct packet_type ip_pt;
};

static int vnetmq_ptest_rcv(struct sk_buff *skb, struct net_device *dev,
			    struct packet_type *pt, struct net_device *orig)
{
	struct vnetmq_ptest *t = pt->af_packet_priv;
	int e = pt == &t->pt[1] || pt == &t->ip_pt;
	unsigned int cpu = smp_processor_id();

	if (skb_rx_queue_recorded(skb) &&
	    skb_get_rx_queue(skb) < VNETMQ_PT_QUEUES) {
		if (cpu < BITS_PER_LONG)
			set_bit(cpu, &t->cpus[e][skb_get_rx_queue(skb)]);
		atomic_inc(&t->rx[e][skb_get_rx_queue(skb)]);
	}
	if (skb->l4_hash)
		atomic_inc(&t->l4_hash);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static unsigned int vnetmq_ptest_received(struct vnetmq_ptest *t, int e)
{
	unsigned int q, n = 0;

	for (q = 0; q < VNETMQ_PT_QUEUES; q++)
		n += atomic_read(&t->rx[e][q]);
	return n;
}

/* NAPI runs in softirq on its own time: wait for it, boundedly. */
static bool vnetmq_ptest_wait(struct vnetmq_ptest *t, int e,
			      unsigned int want)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (vnetmq_ptest_received(t, e) >= want)
			return true;
		usleep_range(10000, 20000);
	}
	return false;
}

static struct net_device *vnetmq_ptest_alloc(unsigned int txqs,
					     unsigned int rxqs)
{
	struct net_device *dev;

	dev = alloc_netdev_mqs(sizeof(struct vnetmq_priv), "vnetmqpt%d",
			       NET_NAME_ENUM, vnetmq_link_ops.setup, txqs,
			       rxqs);
	if (!dev)
		return NULL;
	dev->rtnl_link_ops = &vnetmq_link_ops;
	/* As newlink does for a pair's ends. */
	vnetmq_steer_features(dev);
	/* No IPv6: its own frames would join the counts. */
	dev->mtu = IPV6_MIN_MTU - 1;
	return dev;
}

static int vnetmq_ptest_init(struct kunit *test)
{
	struct vnetmq_ptest *t;
	int err = -ENOMEM, e;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->end[0] = vnetmq_ptest_alloc(4, 1);
	t->end[1] = vnetmq_ptest_alloc(2, 2);
	if (!t->end[0] || !t->end[1])
		goto err_free;
	rtnl_lock();
	err = register_netdevice(t->end[0]);
	if (err) {
		rtnl_unlock();
		goto err_free;
	}
	err = register_netdevice(t->end[1]);
	if (err) {
		unregister_netdevice(t->end[0]);
		rtnl_unlock();
		free_netdev(t->end[1]);
		return err;
	}
	err = vnetmq_pair_link(t->end[0], t->end[1]);
	for (e = 0; e < 2 && !err; e++)
		err = dev_open(t->end[e], NULL);
	rtnl_unlock();
	for (e = 0; e < 2; e++) {
		unsigned int q;

		/* The peer's NAPI completes a frame on its RX queue's CPU,
		 * maybe another one: BQL would stop a queue between two
		 * frames of a case, which sends them as fast as it can.
		 */
		for (q = 0; q < t->end[e]->num_tx_queues; q++)
			vnetmq_test_no_bql(t->end[e], q);
		t->pt[e].type = htons(VNETMQ_TEST_PROTO);
		t->pt[e].dev = t->end[e];
		t->pt[e].func = vnetmq_ptest_rcv;
		t->pt[e].af_packet_priv = t;
		dev_add_pack(&t->pt[e]);
	}
	test->priv = t;
	return err;

err_free:
	/* Not registered: needs_free_netdev frees only on unregister. */
	for (e = 0; e < 2; e++)
		if (t->end[e] && t->end[e]->reg_state == NETREG_UNINITIALIZED)
			free_netdev(t->end[e]);
	return err;
}

/* Delete one end, as rtnetlink does: both go. */
static void vnetmq_ptest_delete(struct net_device *dev)
{
	LIST_HEAD(list);

	rtnl_lock();
	vnetmq_link_ops.dellink(dev, &list);
	unregister_netdevice_many(&list);
	rtnl_unlock();
}

static void vnetmq_ptest_exit(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	int e;

	if (!t)
		return;
	for (e = 0; e < 2; e++)
		dev_remove_pack(&t->pt[e]);
	if (t->ip_pt.dev)
		dev_remove_pack(&t->ip_pt);
	if (t->end[0])
		vnetmq_ptest_delete(t->end[0]);
}

/* Point entry 0 of @dev's RSS table, where non-IP frames land, at @q. */
static void vnetmq_ptest_entry0(struct kunit *test, struct net_device *dev,
				u32 q)
{
	struct ethtool_rxfh_param rxfh = {
		.hfunc = ETH_RSS_HASH_NO_CHANGE,
		.input_xfrm = RXH_XFRM_NO_CHANGE,
		.indir_size = VNETMQ_RSS_INDIR_SIZE,
	};
	u32 *indir;

	indir = kunit_kcalloc(test, VNETMQ_RSS_INDIR_SIZE, sizeof(*indir),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, indir);
	rxfh.indir = indir;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_get_rxfh(dev, &rxfh), 0);
	indir[0] = q;
	rxfh.key = NULL;
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxfh(dev, &rxfh, NULL), 0);
	rtnl_unlock();
}

/*
 * Every TX queue of A reaches the RX queue B's table says, B's TX
 * queues A's one RX queue; nothing loops back, BQL completes on the
 * sender, and each side counts its own half.  Each TX queue sends a
 * different number of frames, so a lost one cannot hide.
 */
static void vnetmq_ptest_crosses(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct rtnl_link_stats64 s;
	unsigned int q, i;

	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(a));
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(b));
	/* A: 1, 2, 3, 4 frames on TX queues 0..3; B: 5 and 6. */
	for (q = 0; q < 4; q++)
		for (i = 0; i <= q; i++)
			KUNIT_EXPECT_TRUE(test,
					  vnetmq_test_xmit(test, a, q, i));
	for (q = 0; q < 2; q++)
		for (i = 0; i < 5 + q; i++)
			KUNIT_EXPECT_TRUE(test,
					  vnetmq_test_xmit(test, b, q, i));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 10));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 0, 11));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][0]), 10);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][1]), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[0][0]), 5 + 6);
	KUNIT_EXPECT_EQ(test, vnetmq_ptest_received(t, 0), 11);

	vnetmq_test_stats(a, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 10);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 11);
	vnetmq_test_stats(b, &s);
	KUNIT_EXPECT_EQ(test, s.tx_packets, 11);
	KUNIT_EXPECT_EQ(test, s.rx_packets, 10);
#ifdef CONFIG_BQL
	/* Completed by B's NAPI, on A's queues. */
	for (q = 0; q < 4; q++) {
		struct dql *dql = &netdev_get_tx_queue(a, q)->dql;

		KUNIT_EXPECT_EQ(test, dql->num_completed, dql->num_queued);
		KUNIT_EXPECT_GT(test, dql->num_completed, 0);
	}
#endif
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, dev_get_iflink(a), b->ifindex);
	KUNIT_EXPECT_EQ(test, dev_get_iflink(b), a->ifindex);
	rcu_read_unlock();

	/* B's table moves them all: no TX queue of A has a fixed target. */
	vnetmq_ptest_entry0(test, b, 1);
	for (q = 0; q < 4; q++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, q, q));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 14));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][1]), 4);
}

/*
 * B's RX queue 1 hangs: A's TX queue 0 stops with a slot left for each
 * of A's other three (all of them may feed any of B's rings), nothing is
 * lost, and A's TX timeout kicks the NAPI of the RX queue it stopped on,
 * which wakes A's queue once it drains.
 */
static void vnetmq_ptest_flow_control(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct netdev_queue *txq = netdev_get_tx_queue(a, 0);
	struct vnetmq_priv *pa = netdev_priv(a), *pb = netdev_priv(b);
	unsigned int size = 16, sent = 0;
	struct rtnl_link_stats64 s;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_ring_size(b, size, NULL), 0);
	rtnl_unlock();
	/* RX queue 1: not where a TX queue's map entry starts. */
	vnetmq_ptest_entry0(test, b, 1);
	vnetmq_test_no_bql(a, 0);
	WRITE_ONCE(pb->rxq[1].paused, true);
	while (sent < 2 * size && vnetmq_test_xmit(test, a, 0, sent))
		sent++;
	KUNIT_EXPECT_EQ(test, sent, size - 3);
	KUNIT_EXPECT_TRUE(test, netif_tx_queue_stopped(txq));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&pa->txq_stats[0].stops), 1);
	/* The other end's queues are not held up. */
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, b, 0, 0));

	WRITE_ONCE(pb->rxq[1].paused, false);
	local_bh_disable();
	a->netdev_ops->ndo_tx_timeout(a, 0);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, size - 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][1]), size - 3);
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&pa->txq_stats[0].timeouts), 1);
	KUNIT_EXPECT_GE(test, u64_stats_read(&pa->txq_stats[0].wakes), 1);
	vnetmq_test_stats(a, &s);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, 0);
	vnetmq_test_stats(b, &s);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, 0);
	KUNIT_EXPECT_EQ(test, s.rx_packets, size - 3);
}

/*
 * An end going down takes the carrier of both, stops the other's TX
 * queues and drops what waited on its rings; up again, frames cross.
 */
static void vnetmq_ptest_peer_down(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct vnetmq_priv *pb = netdev_priv(b);
	struct rtnl_link_stats64 s;
	unsigned int i;

	vnetmq_ptest_entry0(test, b, 1);
	vnetmq_test_no_bql(a, 1);
	WRITE_ONCE(pb->rxq[1].paused, true);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, 1, i));
	rtnl_lock();
	dev_close(b);
	rtnl_unlock();
	WRITE_ONCE(pb->rxq[1].paused, false);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(a));
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(b));
	for (i = 0; i < 4; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(a, i);

		KUNIT_EXPECT_TRUE(test, netif_xmit_stopped(txq));
	}
	KUNIT_EXPECT_FALSE(test, vnetmq_test_xmit(test, a, 1, 3));
	vnetmq_test_stats(b, &s);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, 3);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&pb->rxq[1].ring[0]));

	/* A stays up alone, then B comes back: the datapath restarts. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, dev_open(b, NULL), 0);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(a));
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, 1, 4));
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, b, 1, 0));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 1));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 0, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][1]), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[0][0]), 1);
}

/*
 * ethtool -L on B: with one RX queue left, B's default table points all
 * at it; with two again, it spreads over both, and every ring has all
 * four of A's TX queues as feeders.
 */
static void vnetmq_ptest_peer_channels(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct vnetmq_priv *pb = netdev_priv(b);
	unsigned int q;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_queues(b, 2, 1), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, READ_ONCE(pb->rxq[0].ring[0].feeders), 4);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, rcu_dereference(pb->steer)->ctx[0].indir[1], 0);
	rcu_read_unlock();
	for (q = 0; q < 4; q++)
		KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, q, q));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 4));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][0]), 4);

	/* Back to two RX queues while B is down; A's map follows. */
	rtnl_lock();
	dev_close(b);
	KUNIT_EXPECT_EQ(test, vnetmq_set_queues(b, 2, 2), 0);
	KUNIT_EXPECT_EQ(test, dev_open(b, NULL), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, READ_ONCE(pb->rxq[1].ring[0].feeders), 4);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, 3, 0));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 5));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][0]), 5);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, rcu_dereference(pb->steer)->ctx[0].indir[1], 1);
	rcu_read_unlock();
}

/* A UDP/IPv4 frame from A to B's address, on A's TX queue 0. */
static bool vnetmq_ptest_udp(struct kunit *test, struct net_device *a,
			     u16 dport)
{
	struct sk_buff *skb = vnetmq_test_frame(test, a, 60, 0, 0);
	struct iphdr *iph = (struct iphdr *)(skb->data + ETH_HLEN);
	__be16 *ports = (__be16 *)(iph + 1);

	eth_hdr(skb)->h_proto = htons(ETH_P_IP);
	skb->protocol = htons(ETH_P_IP);
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 1;
	iph->tot_len = htons(60 - ETH_HLEN);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);
	ports[0] = htons(40000);
	ports[1] = htons(dport);
	return vnetmq_test_xmit_skb(a, skb);
}

/* Count the IP frames B receives too. */
static void vnetmq_ptest_count_ip(struct vnetmq_ptest *t)
{
	t->ip_pt.type = htons(ETH_P_IP);
	t->ip_pt.dev = t->end[1];
	t->ip_pt.func = vnetmq_ptest_rcv;
	t->ip_pt.af_packet_priv = t;
	dev_add_pack(&t->ip_pt);
}

/* An ntuple rule on @dev: UDP/IPv4 to @dport goes to RX queue @q. */
static void vnetmq_ptest_rule(struct kunit *test, struct net_device *dev,
			      u16 dport, u64 q)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLINS };

	nfc.fs.flow_type = UDP_V4_FLOW;
	nfc.fs.h_u.udp_ip4_spec.pdst = htons(dport);
	nfc.fs.m_u.udp_ip4_spec.pdst = htons(0xffff);
	nfc.fs.ring_cookie = q;
	nfc.fs.location = RX_CLS_LOC_ANY;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(dev, &nfc), 0);
	rtnl_unlock();
}

/*
 * A steered TX queue stops on the ring it found full, and only that
 * ring's poll wakes it: A's TX queue 0 has frames on B's RX queues 0
 * and 1, and stops on 1's; 0's poll completes its frames there, but
 * must leave it stopped while 1 hangs.
 */
static void vnetmq_ptest_steer_wake(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct netdev_queue *txq = netdev_get_tx_queue(a, 0);
	struct vnetmq_priv *pb = netdev_priv(b);
	unsigned int i, size = 16;

	vnetmq_ptest_count_ip(t);
	vnetmq_ptest_rule(test, b, 1, 0);
	vnetmq_ptest_rule(test, b, 2, 1);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_ring_size(b, size, NULL), 0);
	rtnl_unlock();
	vnetmq_test_no_bql(a, 0);
	WRITE_ONCE(pb->rxq[0].paused, true);
	WRITE_ONCE(pb->rxq[1].paused, true);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, vnetmq_ptest_udp(test, a, 1));
	for (i = 0; i < 2 * size && vnetmq_ptest_udp(test, a, 2); i++)
		;
	KUNIT_EXPECT_EQ(test, i, size - 3);
	KUNIT_ASSERT_TRUE(test, netif_tx_queue_stopped(txq));

	WRITE_ONCE(pb->rxq[0].paused, false);
	local_bh_disable();
	napi_schedule(&pb->rxq[0].napi);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 4));
	KUNIT_EXPECT_TRUE(test, netif_tx_queue_stopped(txq));

	WRITE_ONCE(pb->rxq[1].paused, false);
	local_bh_disable();
	napi_schedule(&pb->rxq[1].napi);
	local_bh_enable();
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 4 + size - 3));
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq));
}

/*
 * B steers what A sends: an ntuple rule puts one flow on RX queue 1, a
 * drop rule drops another, the rest follows B's table (entry 0 for
 * nothing here: this flow's hash picks its own), and each frame carries
 * its L4 hash.  With ntuple off the rules stand aside.
 */
static void vnetmq_ptest_steer(struct kunit *test)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_SRXCLSRLINS };
	struct net_device *a, *b;
	struct vnetmq_ptest *t;
	struct ethtool_rx_flow_spec *fs = &nfc.fs;
	struct rtnl_link_stats64 s;
	u64 dropped;

	t = test->priv;
	a = t->end[0];
	b = t->end[1];
	vnetmq_ptest_count_ip(t);
	/* Everything on queue 0 but what the rule takes. */
	vnetmq_ptest_entry0(test, b, 0);
	dropped = dev_get_stats(b, &s)->rx_dropped;
	fs->flow_type = UDP_V4_FLOW;
	fs->h_u.udp_ip4_spec.pdst = htons(53);
	fs->m_u.udp_ip4_spec.pdst = htons(0xffff);
	fs->ring_cookie = 1;
	fs->location = RX_CLS_LOC_ANY;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(b, &nfc), 0);
	KUNIT_EXPECT_EQ(test, fs->location, 0);
	/* The same frames again, wherever: it would never match. */
	fs->location = RX_CLS_LOC_ANY;
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(b, &nfc), -EEXIST);
	fs->h_u.udp_ip4_spec.pdst = htons(9);
	fs->ring_cookie = RX_CLS_FLOW_DISC;
	fs->location = 5;
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(b, &nfc), 0);
	fs->ring_cookie = 2;
	KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(b, &nfc), -EINVAL);
	rtnl_unlock();

	KUNIT_EXPECT_TRUE(test, vnetmq_ptest_udp(test, a, 53));
	KUNIT_EXPECT_TRUE(test, vnetmq_ptest_udp(test, a, 53));
	KUNIT_EXPECT_TRUE(test, vnetmq_ptest_udp(test, a, 9));
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, 2));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][1]), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->l4_hash), 2);
	/* The core's counter: vnetmq's own count what reached a ring. */
	KUNIT_EXPECT_EQ(test, dev_get_stats(b, &s)->rx_dropped, dropped + 1);

	/* The rules keep B's RX queue 1: ethtool -L may not take it. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vnetmq_set_queues(b, 2, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, b->real_num_rx_queues, 2);
	/* ntuple-filters off: the rules go. */
	b->wanted_features &= ~NETIF_F_NTUPLE;
	netdev_update_features(b);
	KUNIT_EXPECT_EQ(test, vnetmq_steer_cur(b)->nr_rules, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_set_queues(b, 2, 1), 0);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, vnetmq_ptest_udp(test, a, 9));
	KUNIT_EXPECT_TRUE(test, vnetmq_ptest_wait(t, 1, 3));
}

/* Write frames to A's queue pair 0 until its ring is full. */
static unsigned int vnetmq_ptest_fill(struct kunit *test,
				      struct net_device *a)
{
	struct sk_buff *skb;
	unsigned int n = 0;
	int err;

	do {
		skb = vnetmq_test_frame(test, a, 60, 0, n);
		rcu_read_lock_bh();
		err = vnetmq_inject(a, 0, skb);
		rcu_read_unlock_bh();
		if (err)
			kfree_skb(skb);
		else
			n++;
	} while (!err && n < 2 * VNETMQ_MAX_RING_SIZE);
	return n;
}

/*
 * A queue file on A's queue pair 0 takes A's TX queue 0 from the pair,
 * and what it writes is received by A, on its ring of class 0.  A full
 * ring makes the file unwritable until B goes down; then a write is
 * dropped and counted rather than left to wait.
 */
static void vnetmq_ptest_qfile(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct vnetmq_priv *pa = netdev_priv(a);
	struct rtnl_link_stats64 s, s0;
	struct vnetmq_qfile *qf;
	struct sk_buff *skb;

	qf = kunit_kzalloc(test, sizeof(*qf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, qf);
	vnetmq_qfile_init(qf);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_attach_qfile(a, qf, 0, 0));
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, vnetmq_test_xmit(test, a, 0, 0));
	KUNIT_EXPECT_EQ(test, 1, skb_queue_len(&qf->frames));

	skb = vnetmq_test_frame(test, a, 60, 0, 1);
	rcu_read_lock_bh();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_inject(a, 0, skb));
	rcu_read_unlock_bh();
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 0, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[0][0]), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_ptest_received(t, 1), 0);

	WRITE_ONCE(pa->rxq[0].paused, true);
	KUNIT_EXPECT_GT(test, vnetmq_ptest_fill(test, a), 0);
	KUNIT_EXPECT_FALSE(test, vnetmq_qfile_writable(qf));
	rtnl_lock();
	dev_close(b);
	rtnl_unlock();
	WRITE_ONCE(pa->rxq[0].paused, false);
	KUNIT_EXPECT_TRUE(test, vnetmq_qfile_writable(qf));
	dev_get_stats(a, &s0);
	skb = vnetmq_test_frame(test, a, 60, 0, 2);
	rcu_read_lock_bh();
	KUNIT_EXPECT_EQ(test, 0, vnetmq_inject(a, 0, skb));
	rcu_read_unlock_bh();
	/* The core's counter: the frame never reached a ring. */
	dev_get_stats(a, &s);
	KUNIT_EXPECT_EQ(test, s.rx_dropped, s0.rx_dropped + 1);
}

struct vnetmq_ptest_sender {
	struct net_device *dev;
	unsigned long sent;
};

/*
 * Transmit on every TX queue until the device is unregistering.  The
 * reference keeps it from being freed under the loop; the deleting side
 * waits for it in netdev_run_todo() until this lets go.
 */
static int vnetmq_ptest_send(void *arg)
{
	struct vnetmq_ptest_sender *s = arg;
	struct net_device *dev = s->dev;
	netdevice_tracker tracker;
	struct netdev_queue *txq;
	struct sk_buff *skb;
	unsigned int n;
	u16 q = 0;

	netdev_hold(dev, &tracker, GFP_KERNEL);
	while (READ_ONCE(dev->reg_state) == NETREG_REGISTERED) {
		/* Unregistering sets it to 0, maybe since the test above. */
		n = READ_ONCE(dev->real_num_tx_queues);
		if (!n)
			break;
		skb = alloc_skb(NET_SKB_PAD + 60, GFP_KERNEL);
		if (!skb)
			break;
		skb_reserve(skb, NET_SKB_PAD);
		skb_reset_mac_header(skb);
		skb_put_zero(skb, 60);
		eth_hdr(skb)->h_proto = htons(VNETMQ_TEST_PROTO);
		skb->dev = dev;
		q = (q + 1) % n;
		skb_set_queue_mapping(skb, q);
		txq = netdev_get_tx_queue(dev, q);
		local_bh_disable();
		__netif_tx_lock(txq, smp_processor_id());
		if (!netif_xmit_frozen_or_stopped(txq) &&
		    netdev_start_xmit(skb, dev, txq, false) == NETDEV_TX_OK) {
			skb = NULL;
			WRITE_ONCE(s->sent, s->sent + 1);
		}
		__netif_tx_unlock(txq);
		local_bh_enable();
		kfree_skb(skb);
		cond_resched();
	}
	netdev_put(dev, &tracker);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Delete the pair through B while a thread transmits on A and frames
 * wait on B's rings for coalescing: KASAN and kmemleak watch the
 * teardown.
 */
static void vnetmq_ptest_delete_under_traffic(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct vnetmq_ptest_sender s = { .dev = t->end[0] };
	struct task_struct *task;
	int e, i;

	task = kthread_run(vnetmq_ptest_send, &s, "vnetmq-pt-send");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (i = 0; i < 2000 && READ_ONCE(s.sent) < 100; i++)
		usleep_range(1000, 2000);
	for (e = 0; e < 2; e++)
		dev_remove_pack(&t->pt[e]);
	vnetmq_ptest_delete(t->end[1]);
	kthread_stop(task);
	KUNIT_EXPECT_GE(test, s.sent, 100);
	t->end[0] = NULL;
	test->priv = NULL;
}

/*
 * B's tables change under a thread transmitting on A: each transmit
 * reads one snapshot, whole, while RTNL replaces it (ethtool -X, a rule
 * added and deleted, ethtool -L), and the replaced ones are freed after
 * a grace period.  KASAN watches the readers; then the pair goes, under
 * the same traffic.
 */
static void vnetmq_ptest_steer_under_traffic(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct vnetmq_ptest_sender s = { .dev = t->end[0] };
	struct net_device *b = t->end[1];
	struct ethtool_rxnfc nfc = { };
	struct task_struct *task;
	unsigned int i, sent;
	int e;

	task = kthread_run(vnetmq_ptest_send, &s, "vnetmq-pt-steer");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	nfc.fs.flow_type = UDP_V4_FLOW;
	nfc.fs.m_u.udp_ip4_spec.pdst = htons(0xffff);
	for (i = 0; i < 200; i++) {
		vnetmq_ptest_entry0(test, b, i % 2);
		nfc.cmd = i % 2 ? ETHTOOL_SRXCLSRLDEL : ETHTOOL_SRXCLSRLINS;
		nfc.fs.h_u.udp_ip4_spec.pdst = htons(i);
		nfc.fs.ring_cookie = 0;
		nfc.fs.location = 7;
		rtnl_lock();
		KUNIT_EXPECT_EQ(test, vnetmq_set_rxnfc(b, &nfc), 0);
		if (i % 50 == 49)
			KUNIT_EXPECT_EQ(test, vnetmq_set_queues(b, 2,
								2 - i / 50 % 2),
					0);
		rtnl_unlock();
		cond_resched();
	}
	sent = READ_ONCE(s.sent);
	for (e = 0; e < 2; e++)
		dev_remove_pack(&t->pt[e]);
	vnetmq_ptest_delete(b);
	kthread_stop(task);
	KUNIT_EXPECT_GT(test, sent, 0);
	t->end[0] = NULL;
	test->priv = NULL;
}

struct vnetmq_ptest_completer {
	struct vnetmq_rxq *rq;
	unsigned int n;
	struct completion done;
};

/* Complete @n one-frame transmits of A's TX queue 0 from @rq's NAPI. */
static int vnetmq_ptest_complete(void *arg)
{
	struct vnetmq_ptest_completer *c = arg;
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		local_bh_disable();
		vnetmq_napi_tx_done(c->rq, 0, 1, 60);
		local_bh_enable();
		if (!(i % 1024))
			cond_resched();
	}
	complete(&c->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Steered, one TX queue's frames are completed by the NAPIs of several
 * RX queues, on several CPUs: two threads on two CPUs complete A's TX
 * queue 0 as B's RX queues 0 and 1 would, at once, and BQL must count
 * every completion (dql_completed() takes one completer at a time).
 */
static void vnetmq_ptest_completers(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct netdev_queue *txq = netdev_get_tx_queue(t->end[0], 0);
	struct vnetmq_priv *pb = netdev_priv(t->end[1]);
	struct vnetmq_ptest_completer c[2];
	const unsigned int n = 100000;
	struct task_struct *task[2];
	unsigned int i;

	if (!IS_ENABLED(CONFIG_BQL) || num_online_cpus() < 2)
		kunit_skip(test, "needs BQL and two CPUs");
	/* What A's xmit accounts, for frames that never reach a ring. */
	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	for (i = 0; i < 2 * n; i++)
		netdev_tx_sent_queue(txq, 60);
	__netif_tx_unlock(txq);
	local_bh_enable();
	for (i = 0; i < 2; i++) {
		c[i].rq = &pb->rxq[i];
		c[i].n = n;
		init_completion(&c[i].done);
		task[i] = kthread_create(vnetmq_ptest_complete, &c[i],
					 "vnetmq-pt-done%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task[i]));
		kthread_bind(task[i], i);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(task[i]);
	for (i = 0; i < 2; i++) {
		wait_for_completion(&c[i].done);
		kthread_stop(task[i]);
	}
#ifdef CONFIG_BQL
	KUNIT_EXPECT_EQ(test, txq->dql.num_completed, txq->dql.num_queued);
#endif
	KUNIT_EXPECT_FALSE(test, netif_xmit_stopped(txq));
}

/*
 * A pair's end polls each RX queue on a CPU of its own, as a NIC's queue
 * interrupts land: whichever CPU sends them, frames steered to one of
 * B's RX queues are received on that queue's CPU, and B's two queues
 * have two CPUs.
 */
static void vnetmq_ptest_irq_cpu(struct kunit *test)
{
	struct vnetmq_ptest *t = test->priv;
	struct net_device *a = t->end[0], *b = t->end[1];
	struct vnetmq_priv *pb = netdev_priv(b);
	unsigned int q, cpu, i, sent = 0;
	bool took = true;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	KUNIT_ASSERT_GE(test, pb->rxq[0].irq_cpu, 0);
	KUNIT_ASSERT_GE(test, pb->rxq[1].irq_cpu, 0);
	KUNIT_ASSERT_LT(test, pb->rxq[1].irq_cpu, BITS_PER_LONG);
	KUNIT_EXPECT_NE(test, pb->rxq[0].irq_cpu, pb->rxq[1].irq_cpu);
	for (q = 0; q < 2; q++) {
		vnetmq_ptest_entry0(test, b, q);
		for_each_online_cpu(cpu) {
			const struct cpumask *one = cpumask_of(cpu);

			KUNIT_ASSERT_EQ(test,
					set_cpus_allowed_ptr(current, one), 0);
			for (i = 0; i < 8; i++, sent++)
				took &= vnetmq_test_xmit(test, a, i % 4, sent);
		}
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	KUNIT_EXPECT_TRUE(test, took);
	KUNIT_ASSERT_TRUE(test, vnetmq_ptest_wait(t, 1, sent));
	for (q = 0; q < 2; q++) {
		unsigned long seen = READ_ONCE(t->cpus[1][q]);

		KUNIT_EXPECT_EQ(test, atomic_read(&t->rx[1][q]), sent / 2);
		KUNIT_EXPECT_EQ_MSG(test, seen, BIT(pb->rxq[q].irq_cpu),
				    "CPUs that received queue %u's frames", q);
	}
}

static struct kunit_case vnetmq_ptest_cases[] = {
	KUNIT_CASE(vnetmq_ptest_crosses),
	KUNIT_CASE(vnetmq_ptest_flow_control),
	KUNIT_CASE(vnetmq_ptest_peer_down),
	KUNIT_CASE(vnetmq_ptest_peer_channels),
	KUNIT_CASE(vnetmq_ptest_qfile),
	KUNIT_CASE(vnetmq_ptest_steer),
	KUNIT_CASE(vnetmq_ptest_steer_wake),
	KUNIT_CASE(vnetmq_ptest_completers),
	KUNIT_CASE(vnetmq_ptest_irq_cpu),
	KUNIT_CASE(vnetmq_ptest_steer_under_traffic),
	KUNIT_CASE(vnetmq_ptest_delete_under_traffic),
	{}
};

static struct kunit_suite vnetmq_ptest_suite = {
	.name = "vnetmq_pair",
	.init = vnetmq_ptest_init,
	.exit = vnetmq_ptest_exit,
	.test_cases = vnetmq_ptest_cases,
};

kunit_test_suite(vnetmq_ptest_suite);
