// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's skb handling: what a frame looks like after
 * vnetmq_skb_xmit_prep() and vnetmq_skb_rx_prep(), on real skbs of every
 * shape the stack transmits.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>

#include "test_util.h"
#include "vnetmq.h"

/* Run a frame through both halves, as xmit and the poll do. */
static void vnetmq_cross(struct kunit *test, struct net_device *dev,
			 struct sk_buff *skb, u16 rxq)
{
	KUNIT_ASSERT_EQ(test, vnetmq_skb_xmit_prep(dev, skb),
			SKB_NOT_DROPPED_YET);
	vnetmq_skb_rx_prep(dev, skb, rxq);
}

static void vnetmq_skb_linear(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 3, 7);
	unsigned char *frame = skb->data;
	unsigned int headroom = skb_headroom(skb);

	skb->mark = 0x42;
	skb->priority = 6;
	skb->pkt_type = PACKET_OUTGOING;
	vnetmq_cross(test, dev, skb, 1);

	KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), VNETMQ_TEST_PROTO);
	KUNIT_EXPECT_EQ(test, (int)skb->pkt_type, PACKET_HOST);
	KUNIT_EXPECT_PTR_EQ(test, skb->dev, dev);
	KUNIT_EXPECT_PTR_EQ(test, skb_mac_header(skb), frame);
	KUNIT_EXPECT_EQ(test, skb->len, 100 - ETH_HLEN);
	KUNIT_EXPECT_EQ(test, skb_headroom(skb), headroom + ETH_HLEN);
	KUNIT_EXPECT_TRUE(test, skb_rx_queue_recorded(skb));
	KUNIT_EXPECT_EQ(test, skb_get_rx_queue(skb), 1);
	/* Same device, same netns: the mark is the sender's to keep. */
	KUNIT_EXPECT_EQ(test, skb->mark, 0x42);
	/* The priority is the sender's qdisc's, as __dev_forward_skb() says. */
	KUNIT_EXPECT_EQ(test, skb->priority, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_test_seq(skb), 7);
	kfree_skb(skb);
}

static void vnetmq_skb_multicast_is_not_host(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 60, 0, 0);

	eth_broadcast_addr(eth_hdr(skb)->h_dest);
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, (int)skb->pkt_type, PACKET_BROADCAST);
	kfree_skb(skb);
}

static void vnetmq_skb_paged(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 60, 0, 0);
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	skb_add_rx_frag(skb, 0, page, 0, 1000, PAGE_SIZE);
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->nr_frags, 1);
	KUNIT_EXPECT_EQ(test, skb->data_len, 1000);
	KUNIT_EXPECT_EQ(test, skb->len, 60 + 1000 - ETH_HLEN);
	kfree_skb(skb);
}

static void vnetmq_skb_frag_list(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 60, 0, 0);
	struct sk_buff *frag = alloc_skb(500, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, frag);
	skb_put_zero(frag, 500);
	skb_shinfo(skb)->frag_list = frag;
	skb->len += frag->len;
	skb->data_len += frag->len;
	skb->truesize += frag->truesize;

	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_TRUE(test, skb_has_frag_list(skb));
	KUNIT_EXPECT_PTR_EQ(test, skb_shinfo(skb)->frag_list, frag);
	KUNIT_EXPECT_EQ(test, skb->len, 60 + 500 - ETH_HLEN);
	kfree_skb(skb);
}

/* A GSO skb larger than the MTU crosses whole, as it does through veth. */
static void vnetmq_skb_gso_unsegmented(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	unsigned int len = dev->mtu * 4;
	struct sk_buff *skb = vnetmq_test_frame(test, dev, len, 0, 0);

	skb_shinfo(skb)->gso_size = 1448;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_TRUE(test, skb_is_gso(skb));
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->gso_size, 1448);
	KUNIT_EXPECT_EQ(test, skb->len, len - ETH_HLEN);
	kfree_skb(skb);
}

static void vnetmq_skb_oversize_dropped(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	unsigned int len = dev->mtu + ETH_HLEN + VLAN_HLEN + 1;
	struct sk_buff *skb = vnetmq_test_frame(test, dev, len, 0, 0);

	KUNIT_EXPECT_EQ(test, vnetmq_skb_xmit_prep(dev, skb),
			SKB_DROP_REASON_PKT_TOO_BIG);
	kfree_skb(skb);
}

static void vnetmq_skb_runt_dropped(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_zero(skb, ETH_HLEN - 1);
	skb->dev = dev;
	KUNIT_EXPECT_EQ(test, vnetmq_skb_xmit_prep(dev, skb),
			SKB_DROP_REASON_PKT_TOO_SMALL);
	kfree_skb(skb);
}

/* The header may sit in a frag; it is pulled into the linear part. */
static void vnetmq_skb_header_in_frag(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL);
	struct ethhdr *eth;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_NOT_NULL(test, page);
	eth = page_address(page);
	ether_addr_copy(eth->h_dest, dev->dev_addr);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(VNETMQ_TEST_PROTO);
	skb_add_rx_frag(skb, 0, page, 0, 100, PAGE_SIZE);
	skb->dev = dev;

	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), VNETMQ_TEST_PROTO);
	KUNIT_EXPECT_EQ(test, (int)skb->pkt_type, PACKET_HOST);
	KUNIT_EXPECT_EQ(test, skb->len, 100 - ETH_HLEN);
	kfree_skb(skb);
}

/* CHECKSUM_PARTIAL means "not computed, but valid": it stays so. */
static void vnetmq_skb_csum_partial(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 0, 0);
	unsigned char *start = skb->data + ETH_HLEN + 20;

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = start - skb->head;
	skb->csum_offset = 16;
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	KUNIT_EXPECT_PTR_EQ(test, skb_checksum_start(skb), start);
	KUNIT_EXPECT_EQ(test, skb->csum_offset, 16);
	kfree_skb(skb);
}

static void vnetmq_skb_csum_none(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 0, 0);

	skb->ip_summed = CHECKSUM_NONE;
	vnetmq_cross(test, dev, skb, 0);
	/* Not claimed valid: the receiver verifies it. */
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	kfree_skb(skb);
}

/* CHECKSUM_COMPLETE must cover what remains after the header pull. */
static void vnetmq_skb_csum_complete(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 0, 0);
	unsigned int i;

	/* A payload whose sum is not zero, so +0 and -0 cannot hide a bug. */
	for (i = ETH_HLEN; i < skb->len; i++)
		skb->data[i] = i * 7 + 1;
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_COMPLETE);
	KUNIT_EXPECT_EQ(test, (__force u16)csum_fold(skb->csum),
			(__force u16)csum_fold(skb_checksum(skb, 0, skb->len,
							    0)));
	kfree_skb(skb);
}

static void vnetmq_skb_vlan_inband(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 0, 0);

	skb = vlan_insert_tag(skb, htons(ETH_P_8021Q), 42);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), ETH_P_8021Q);
	KUNIT_EXPECT_EQ(test, skb->len, 100 + VLAN_HLEN - ETH_HLEN);
	kfree_skb(skb);
}

static void vnetmq_skb_vlan_accel(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_frame(test, dev, 100, 0, 0);

	__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), 42);
	vnetmq_cross(test, dev, skb, 0);
	KUNIT_EXPECT_TRUE(test, skb_vlan_tag_present(skb));
	KUNIT_EXPECT_EQ(test, skb_vlan_tag_get_id(skb), 42);
	KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), VNETMQ_TEST_PROTO);
	kfree_skb(skb);
}

static struct kunit_case vnetmq_skb_cases[] = {
	KUNIT_CASE(vnetmq_skb_linear),
	KUNIT_CASE(vnetmq_skb_multicast_is_not_host),
	KUNIT_CASE(vnetmq_skb_paged),
	KUNIT_CASE(vnetmq_skb_frag_list),
	KUNIT_CASE(vnetmq_skb_gso_unsegmented),
	KUNIT_CASE(vnetmq_skb_oversize_dropped),
	KUNIT_CASE(vnetmq_skb_runt_dropped),
	KUNIT_CASE(vnetmq_skb_header_in_frag),
	KUNIT_CASE(vnetmq_skb_csum_partial),
	KUNIT_CASE(vnetmq_skb_csum_none),
	KUNIT_CASE(vnetmq_skb_csum_complete),
	KUNIT_CASE(vnetmq_skb_vlan_inband),
	KUNIT_CASE(vnetmq_skb_vlan_accel),
	{}
};

static struct kunit_suite vnetmq_skb_suite = {
	.name = "vnetmq_skb",
	.test_cases = vnetmq_skb_cases,
};

kunit_test_suite(vnetmq_skb_suite);
