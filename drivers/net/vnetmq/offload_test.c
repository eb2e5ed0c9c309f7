// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for what vnetmq does in a NIC's offloads' stead: the
 * checksum a pair's wire finishes (vnetmq_skb_wire_csum()) and the wire
 * frames a GSO frame is counted as (vnetmq_skb_tx_frame(), the TX
 * queue's counters), on real IPv4 frames.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>

#include "test_util.h"
#include "vnetmq.h"

#define SADDR	htonl(0xc0000201)	/* 192.0.2.1 */
#define DADDR	htonl(0xc0000202)

/*
 * An IPv4 frame of @proto (UDP or TCP) with @payload bytes of data, its
 * headers set as the stack leaves them for a device with checksum
 * offload: CHECKSUM_PARTIAL, the pseudo-header's sum in the field.
 */
static struct sk_buff *vnetmq_test_ip4(struct kunit *test,
				       struct net_device *dev, u8 proto,
				       unsigned int payload)
{
	unsigned int thlen = proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
						    sizeof(struct udphdr);
	unsigned int l4len = thlen + payload, i;
	struct sk_buff *skb;
	struct iphdr *iph;
	__sum16 *check;
	u8 *data;

	skb = vnetmq_test_frame(test, dev, ETH_HLEN + sizeof(*iph) + l4len,
				0, 0);
	eth_hdr(skb)->h_proto = htons(ETH_P_IP);
	skb->protocol = htons(ETH_P_IP);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + sizeof(*iph));
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = SADDR;
	iph->daddr = DADDR;
	iph->check = ip_fast_csum(iph, iph->ihl);
	data = skb_transport_header(skb) + thlen;
	for (i = 0; i < payload; i++)
		data[i] = i * 7 + 1;
	if (proto == IPPROTO_TCP) {
		tcp_hdr(skb)->source = htons(40000);
		tcp_hdr(skb)->dest = htons(80);
		tcp_hdr(skb)->doff = sizeof(struct tcphdr) / 4;
		check = &tcp_hdr(skb)->check;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		udp_hdr(skb)->source = htons(40000);
		udp_hdr(skb)->dest = htons(4789);
		udp_hdr(skb)->len = htons(l4len);
		check = &udp_hdr(skb)->check;
		skb->csum_offset = offsetof(struct udphdr, check);
	}
	*check = ~csum_tcpudp_magic(SADDR, DADDR, l4len, proto, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	return skb;
}

/* Whether the frame's L4 checksum, as it stands, is right. */
static bool vnetmq_test_l4_csum_ok(struct sk_buff *skb)
{
	unsigned int off = skb_transport_offset(skb);
	unsigned int len = skb->len - off;

	return !csum_tcpudp_magic(SADDR, DADDR, len, ip_hdr(skb)->protocol,
				  skb_checksum(skb, off, len, 0));
}

static struct net_device *vnetmq_test_rcv(struct kunit *test, bool rxcsum)
{
	struct net_device *dev = vnetmq_test_etherdev(test);

	dev->features = rxcsum ? NETIF_F_RXCSUM : 0;
	return dev;
}

/* A NIC's TX offload fills the checksum in; the peer's RX reports it. */
static void vnetmq_wire_csum_partial(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, true);
	struct sk_buff *skb;
	u8 proto;

	for (proto = 0; proto < 2; proto++) {
		skb = vnetmq_test_ip4(test, rcv, proto ? IPPROTO_TCP :
					  IPPROTO_UDP, 301);
		KUNIT_EXPECT_FALSE(test, vnetmq_test_l4_csum_ok(skb));
		KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
				SKB_NOT_DROPPED_YET);
		KUNIT_EXPECT_TRUE(test, vnetmq_test_l4_csum_ok(skb));
		KUNIT_EXPECT_EQ(test, (int)skb->ip_summed,
				CHECKSUM_UNNECESSARY);
		KUNIT_EXPECT_EQ(test, (int)skb->csum_level, 0);
		kfree_skb(skb);
	}
}

/* rx-checksumming off: computed all the same, but not reported. */
static void vnetmq_wire_csum_rx_off(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, false);
	struct sk_buff *skb = vnetmq_test_ip4(test, rcv, IPPROTO_UDP, 64);

	KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
			SKB_NOT_DROPPED_YET);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_l4_csum_ok(skb));
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	kfree_skb(skb);
}

/* A UDP sum of zero goes on the wire as 0xffff: 0 means "no checksum". */
static void vnetmq_wire_csum_udp_zero(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, true);
	struct sk_buff *skb = vnetmq_test_ip4(test, rcv, IPPROTO_UDP, 2);
	u8 *data = skb_transport_header(skb) + sizeof(struct udphdr);
	unsigned int off = skb_transport_offset(skb);
	__sum16 check;

	/* Payload that makes the sum of the rest come out at zero. */
	data[0] = 0;
	data[1] = 0;
	udp_hdr(skb)->check = 0;
	check = csum_tcpudp_magic(SADDR, DADDR, skb->len - off, IPPROTO_UDP,
				  skb_checksum(skb, off, skb->len - off, 0));
	put_unaligned(check, (__sum16 *)data);
	udp_hdr(skb)->check = ~csum_tcpudp_magic(SADDR, DADDR, skb->len - off,
						 IPPROTO_UDP, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
			SKB_NOT_DROPPED_YET);
	KUNIT_EXPECT_EQ(test, (__force u16)udp_hdr(skb)->check, 0xffff);
	KUNIT_EXPECT_TRUE(test, vnetmq_test_l4_csum_ok(skb));
	kfree_skb(skb);
}

/* A GSO frame crosses whole: its segments' checksums are never made. */
static void vnetmq_wire_csum_gso_stays_partial(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, true);
	struct sk_buff *skb = vnetmq_test_ip4(test, rcv, IPPROTO_TCP, 3000);
	__sum16 check = tcp_hdr(skb)->check;

	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
			SKB_NOT_DROPPED_YET);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	KUNIT_EXPECT_EQ(test, (__force u16)tcp_hdr(skb)->check,
			(__force u16)check);
	kfree_skb(skb);
}

/* A frame sent with its checksum made (or corrupted) is not vouched for. */
static void vnetmq_wire_csum_none_untouched(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, true);
	struct sk_buff *skb = vnetmq_test_ip4(test, rcv, IPPROTO_UDP, 64);
	__sum16 check = (__force __sum16)htons(0x1234);

	skb->ip_summed = CHECKSUM_NONE;
	udp_hdr(skb)->check = check;
	KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
			SKB_NOT_DROPPED_YET);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	KUNIT_EXPECT_EQ(test, (__force u16)udp_hdr(skb)->check,
			(__force u16)check);
	kfree_skb(skb);
}

/*
 * A frame the sender's side verified (forwarded from a NIC) arrives
 * verified only where the receiver checks: a wire carries no verdict.
 */
static void vnetmq_wire_csum_verdict_not_carried(struct kunit *test)
{
	struct sk_buff *skb;
	int rxcsum;

	for (rxcsum = 0; rxcsum < 2; rxcsum++) {
		struct net_device *rcv = vnetmq_test_rcv(test, rxcsum);

		skb = vnetmq_test_ip4(test, rcv, IPPROTO_UDP, 64);
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
				SKB_NOT_DROPPED_YET);
		KUNIT_EXPECT_EQ(test, (int)skb->ip_summed,
				rxcsum ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE);
		kfree_skb(skb);
	}
}

/* A checksum field past the linear head is left alone, not warned on. */
static void vnetmq_wire_csum_field_outside_head(struct kunit *test)
{
	struct net_device *rcv = vnetmq_test_rcv(test, true);
	struct sk_buff *skb = vnetmq_test_ip4(test, rcv, IPPROTO_UDP, 64);

	skb->csum_offset = skb_headlen(skb);
	KUNIT_EXPECT_EQ(test, vnetmq_skb_wire_csum(rcv, skb),
			SKB_NOT_DROPPED_YET);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

static void vnetmq_tx_frame_plain(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_ip4(test, dev, IPPROTO_TCP, 100);
	struct vnetmq_tx_frame f;

	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.len, skb->len);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 0);
	KUNIT_EXPECT_EQ(test, f.wire_len, skb->len);
	kfree_skb(skb);
}

/* 3000 bytes of TCP in 1000-byte segments: three frames, headers thrice. */
static void vnetmq_tx_frame_tso(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_ip4(test, dev, IPPROTO_TCP, 3000);
	unsigned int hdrs = ETH_HLEN + sizeof(struct iphdr) +
			    sizeof(struct tcphdr);
	struct vnetmq_tx_frame f;

	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	skb_shinfo(skb)->gso_segs = 3;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.len, hdrs + 3000);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 3);
	KUNIT_EXPECT_EQ(test, f.wire_len, 3 * hdrs + 3000);
	/* Should a sender leave gso_segs 0, it is derived from gso_size. */
	skb_shinfo(skb)->gso_segs = 0;
	skb_shinfo(skb)->gso_type |= SKB_GSO_DODGY;
	skb_shinfo(skb)->gso_size = 999;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 4);
	KUNIT_EXPECT_EQ(test, f.wire_len, 4 * hdrs + 3000);
	/* A gso_size of 1: a wire frame per byte of payload. */
	skb_shinfo(skb)->gso_size = 1;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 3000);
	skb_shinfo(skb)->gso_size = 999;
	/* A TCP header shorter than one: no headers to repeat. */
	tcp_hdr(skb)->doff = 4;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.wire_len, skb->len);
	kfree_skb(skb);
}

static void vnetmq_tx_frame_udp_l4(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_ip4(test, dev, IPPROTO_UDP, 2500);
	unsigned int hdrs = ETH_HLEN + sizeof(struct iphdr) +
			    sizeof(struct udphdr);
	struct vnetmq_tx_frame f;

	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 3);
	KUNIT_EXPECT_EQ(test, f.wire_len, 3 * hdrs + 2500);
	kfree_skb(skb);
}

/*
 * Tunnelled, the headers each wire frame repeats end with the inner TCP
 * header: here one with 12 bytes of options, 100 bytes into the frame.
 */
static void vnetmq_tx_frame_encap(struct kunit *test)
{
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff *skb = vnetmq_test_ip4(test, dev, IPPROTO_UDP, 3000);
	struct vnetmq_tx_frame f;
	struct tcphdr *inner;

	skb->encapsulation = 1;
	skb_set_inner_transport_header(skb, 100);
	inner = inner_tcp_hdr(skb);
	inner->doff = (sizeof(*inner) + 12) / 4;
	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4 | SKB_GSO_UDP_TUNNEL;
	skb_shinfo(skb)->gso_segs = 3;
	vnetmq_skb_tx_frame(skb, &f);
	KUNIT_EXPECT_EQ(test, f.gso_segs, 3);
	KUNIT_EXPECT_EQ(test, f.wire_len, skb->len + 2 * (100 + 32));
	kfree_skb(skb);
}

/* A TX queue counts a GSO frame once, and as its wire frames. */
static void vnetmq_tx_frame_counted(struct kunit *test)
{
	struct vnetmq_tx_frame plain = { .len = 100, .wire_len = 100 };
	struct vnetmq_tx_frame gso = {
		.len = 3054, .gso_segs = 3, .wire_len = 3162,
	};
	struct vnetmq_txq_stats *st;
	struct vnetmq_txq_counts c;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	u64_stats_init(&st->syncp);
	u64_stats_init(&st->wake_syncp);
	vnetmq_txq_count(st, &plain, false);
	vnetmq_txq_count(st, &gso, false);
	vnetmq_txq_read(st, &c);
	KUNIT_EXPECT_EQ(test, c.packets, 2);
	KUNIT_EXPECT_EQ(test, c.bytes, 3154);
	KUNIT_EXPECT_EQ(test, c.gso_packets, 1);
	KUNIT_EXPECT_EQ(test, c.gso_bytes, 3054);
	KUNIT_EXPECT_EQ(test, c.gso_wire_packets, 3);
	KUNIT_EXPECT_EQ(test, c.gso_wire_bytes, 3162);
	/* A reset starts them from zero too. */
	st->base = c;
	vnetmq_txq_count(st, &gso, false);
	vnetmq_txq_read(st, &c);
	KUNIT_EXPECT_EQ(test, c.gso_packets, 1);
	KUNIT_EXPECT_EQ(test, c.gso_wire_packets, 3);
}

static struct kunit_case vnetmq_offload_cases[] = {
	KUNIT_CASE(vnetmq_wire_csum_partial),
	KUNIT_CASE(vnetmq_wire_csum_rx_off),
	KUNIT_CASE(vnetmq_wire_csum_udp_zero),
	KUNIT_CASE(vnetmq_wire_csum_gso_stays_partial),
	KUNIT_CASE(vnetmq_wire_csum_none_untouched),
	KUNIT_CASE(vnetmq_wire_csum_verdict_not_carried),
	KUNIT_CASE(vnetmq_wire_csum_field_outside_head),
	KUNIT_CASE(vnetmq_tx_frame_plain),
	KUNIT_CASE(vnetmq_tx_frame_tso),
	KUNIT_CASE(vnetmq_tx_frame_udp_l4),
	KUNIT_CASE(vnetmq_tx_frame_encap),
	KUNIT_CASE(vnetmq_tx_frame_counted),
	{}
};

static struct kunit_suite vnetmq_offload_suite = {
	.name = "vnetmq_offload",
	.test_cases = vnetmq_offload_cases,
};

kunit_test_suite(vnetmq_offload_suite);
