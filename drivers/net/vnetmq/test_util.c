// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by vnetmq's KUnit suites. */

#include <kunit/resource.h>
#include <linux/etherdevice.h>

#include "test_util.h"
#include "vnetmq.h"

KUNIT_DEFINE_ACTION_WRAPPER(vnetmq_test_free_netdev, free_netdev,
			    struct net_device *);

/**
 * vnetmq_test_etherdev() - an unregistered Ethernet device for eth_type_trans()
 * @test: the test; the device is freed when it ends
 *
 * Return: the device; the test is aborted if it cannot be allocated.
 */
struct net_device *vnetmq_test_etherdev(struct kunit *test)
{
	struct net_device *dev;

	dev = alloc_etherdev(0);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vnetmq_test_free_netdev,
						  dev));
	eth_hw_addr_random(dev);
	return dev;
}

/**
 * vnetmq_test_frame() - a linear Ethernet frame addressed to @dev
 * @test: the test
 * @dev: source and destination device
 * @len: frame length including the Ethernet header, at least ETH_HLEN + 4
 * @txq: TX queue the frame is sent on
 * @seq: sequence number stored after the header
 *
 * The caller owns the skb (the code under test usually frees it).
 *
 * Return: the frame; the test is aborted if it cannot be allocated.
 */
struct sk_buff *vnetmq_test_frame(struct kunit *test, struct net_device *dev,
				  unsigned int len, u16 txq, u32 seq)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_SKB_PAD);
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dev->dev_addr);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(VNETMQ_TEST_PROTO);
	put_unaligned_be32(seq, skb_put_zero(skb, len - ETH_HLEN));
	skb->dev = dev;
	skb->protocol = htons(VNETMQ_TEST_PROTO);
	skb_set_queue_mapping(skb, txq);
	return skb;
}

/**
 * vnetmq_test_seq() - the sequence number of a frame, before or after RX prep
 * @skb: a frame from vnetmq_test_frame()
 *
 * Return: its sequence number.
 */
u32 vnetmq_test_seq(const struct sk_buff *skb)
{
	return get_unaligned_be32(skb_mac_header(skb) + ETH_HLEN);
}

/**
 * vnetmq_test_xmit_skb() - transmit a frame as the core does
 * @dev: a registered, running device
 * @skb: the frame, its queue mapping set; consumed
 *
 * The queue's xmit lock held and BH off, and never on a stopped queue.
 *
 * Return: true if the device took the frame.
 */
bool vnetmq_test_xmit_skb(struct net_device *dev, struct sk_buff *skb)
{
	netdev_tx_t rc = NETDEV_TX_BUSY;
	struct netdev_queue *q;

	q = netdev_get_tx_queue(dev, skb_get_queue_mapping(skb));
	local_bh_disable();
	__netif_tx_lock(q, smp_processor_id());
	if (!netif_xmit_frozen_or_stopped(q))
		rc = netdev_start_xmit(skb, dev, q, false);
	__netif_tx_unlock(q);
	local_bh_enable();
	if (rc != NETDEV_TX_OK)
		kfree_skb(skb);
	return rc == NETDEV_TX_OK;
}

/**
 * vnetmq_test_xmit() - transmit a test frame as the core does
 * @test: the test
 * @dev: a registered, running device
 * @txq: the TX queue
 * @seq: the frame's sequence number
 *
 * Return: true if the device took the frame.
 */
bool vnetmq_test_xmit(struct kunit *test, struct net_device *dev, u16 txq,
		      u32 seq)
{
	return vnetmq_test_xmit_skb(dev,
				    vnetmq_test_frame(test, dev, 60, txq, seq));
}

/**
 * vnetmq_test_no_bql() - take BQL out of a TX queue's way
 * @dev: the device
 * @q: the TX queue
 *
 * For cases about the rings' own stops: BQL would stop the queue first.
 */
void vnetmq_test_no_bql(struct net_device *dev, u16 q)
{
#ifdef CONFIG_BQL
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q);

	txq->dql.min_limit = DQL_MAX_LIMIT;
	netdev_tx_reset_queue(txq);
	/* dql_reset() leaves adj_limit alone until the first completion. */
	txq->dql.adj_limit = DQL_MAX_LIMIT;
#endif
}

/**
 * vnetmq_test_stats() - the counters vnetmq itself keeps for a device
 * @dev: the device
 * @s: filled with them; the core's own drop counters are not added
 */
void vnetmq_test_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	memset(s, 0, sizeof(*s));
	vnetmq_get_stats64(dev, s);
}

MODULE_DESCRIPTION("KUnit tests for the vnetmq driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
