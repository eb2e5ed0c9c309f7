// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of vnetmq's receive steering helpers (rss.c, ntuple.c) on
 * real frames: the Toeplitz hash against the published vectors of
 * Microsoft's RSS specification, the header parser, the symmetric input
 * transformations, rule checking, matching and priority, and the choice
 * of RX queue.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "test_util.h"
#include "vnetmq.h"

/* "Verifying the RSS Hash Calculation", Microsoft: the key and cases. */
static const u8 vnetmq_rsst_key[VNETMQ_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct vnetmq_rsst_vector {
	const char *src, *dst;
	u16 sport, dport;
	u32 l4, l3;
};

static const struct vnetmq_rsst_vector vnetmq_rsst_vectors[] = {
	{ "66.9.149.187", "161.142.100.80", 2794, 1766,
	  0x51ccc178, 0x323e8fc2 },
	{ "199.92.111.2", "65.69.140.83", 14230, 4739,
	  0xc626b0ea, 0xd718262a },
	{ "24.19.198.95", "12.22.207.184", 12898, 38024,
	  0x5c2b394a, 0xd2d0a5de },
	{ "38.27.205.30", "209.142.163.6", 48228, 2217,
	  0xafc7327f, 0x82989176 },
	{ "153.39.163.191", "202.188.127.2", 44251, 1303,
	  0x10e828a2, 0x5d1809c5 },
	{ "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766,
	  0x40207d3d, 0x2cc18cd5 },
	{ "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739,
	  0xdde51bbf, 0x0f0c461c },
	{ "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf",
	  44251, 38024, 0x02d1feef, 0x4b61e985 },
};

/* What a frame of the tests carries. */
struct vnetmq_rsst_hdrs {
	bool v6, vlan, frag;
	u8 proto, tos;
	u32 label;
	u8 src[16], dst[16];
	u16 sport, dport;
};

static void vnetmq_rsst_addr(struct kunit *test, const char *s, bool v6,
			     u8 *out)
{
	if (v6)
		KUNIT_ASSERT_EQ(test, in6_pton(s, -1, out, -1, NULL), 1);
	else
		KUNIT_ASSERT_EQ(test, in4_pton(s, -1, out, -1, NULL), 1);
}

/* A frame as a transmit hands it over: skb->data at the Ethernet header. */
static struct sk_buff *vnetmq_rsst_frame(struct kunit *test,
					 const struct vnetmq_rsst_hdrs *h)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct ethhdr *eth;
	__be16 *ports;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth->h_proto = htons(h->v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (h->vlan) {
		struct vlan_hdr *vh = skb_put_zero(skb, VLAN_HLEN);

		vh->h_vlan_encapsulated_proto = eth->h_proto;
		eth->h_proto = htons(ETH_P_8021Q);
	}
	if (h->v6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		ip6h->version = 6;
		ip6_flow_hdr(ip6h, h->tos, htonl(h->label));
		ip6h->nexthdr = h->proto;
		memcpy(&ip6h->saddr, h->src, 16);
		memcpy(&ip6h->daddr, h->dst, 16);
	} else {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = h->tos;
		iph->protocol = h->proto;
		if (h->frag)
			iph->frag_off = htons(IP_MF);
		memcpy(&iph->saddr, h->src, 4);
		memcpy(&iph->daddr, h->dst, 4);
	}
	ports = skb_put_zero(skb, sizeof(struct udphdr));
	ports[0] = htons(h->sport);
	ports[1] = htons(h->dport);
	return skb;
}

static void vnetmq_rsst_parse(struct kunit *test,
			      const struct vnetmq_rsst_hdrs *h,
			      struct vnetmq_flow *f)
{
	struct sk_buff *skb = vnetmq_rsst_frame(test, h);

	vnetmq_flow_parse(skb, f);
	kfree_skb(skb);
}

static u32 vnetmq_rsst_hash(const struct vnetmq_flow *f, u32 fields, u8 xfrm)
{
	u8 in[VNETMQ_RSS_INPUT_MAX];

	return vnetmq_toeplitz(vnetmq_rsst_key, in,
			       vnetmq_rss_input(f, fields, xfrm, in));
}

#define VNETMQ_RSST_L4	(RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)
#define VNETMQ_RSST_L3	(RXH_IP_SRC | RXH_IP_DST)

/* Each published vector, from a real TCP frame through the parser. */
static void vnetmq_rsst_vectors_test(struct kunit *test)
{
	struct vnetmq_rsst_hdrs h = { .proto = IPPROTO_TCP };
	const struct vnetmq_rsst_vector *v;
	struct vnetmq_flow f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vnetmq_rsst_vectors); i++) {
		v = &vnetmq_rsst_vectors[i];
		h.v6 = strchr(v->src, ':');
		vnetmq_rsst_addr(test, v->src, h.v6, h.src);
		vnetmq_rsst_addr(test, v->dst, h.v6, h.dst);
		h.sport = v->sport;
		h.dport = v->dport;
		vnetmq_rsst_parse(test, &h, &f);
		KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f),
				h.v6 ? TCP_V6_FLOW : TCP_V4_FLOW);
		KUNIT_EXPECT_EQ_MSG(test,
				    vnetmq_rsst_hash(&f, VNETMQ_RSST_L4, 0),
				    v->l4, "vector %u with ports", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    vnetmq_rsst_hash(&f, VNETMQ_RSST_L3, 0),
				    v->l3, "vector %u without", i);
	}
}

/* The definition, bit by bit: the reference the driver's hash must match. */
static u32 vnetmq_rsst_toeplitz_ref(const u8 *key, const u8 *in,
				    unsigned int len)
{
	unsigned int b, k;
	u32 hash = 0, w;

	for (b = 0; b < 8 * len; b++) {
		if (!(in[b / 8] & (0x80 >> (b % 8))))
			continue;
		for (w = 0, k = b; k < b + 32; k++)
			w = w << 1 | ((key[k / 8] >> (7 - k % 8)) & 1);
		hash ^= w;
	}
	return hash;
}

/*
 * Every input length, on random keys and inputs, and on all-ones ones
 * (every bit of the window used): the same hash as the definition.  The
 * published vectors cover only the lengths of TCP over IPv4 and IPv6.
 */
static void vnetmq_rsst_toeplitz_test(struct kunit *test)
{
	u8 key[VNETMQ_RSS_KEY_SIZE], in[VNETMQ_RSS_INPUT_MAX];
	unsigned int len, round;

	for (round = 0; round < 64; round++) {
		if (round) {
			get_random_bytes(key, sizeof(key));
			get_random_bytes(in, sizeof(in));
		} else {
			memset(key, 0xff, sizeof(key));
			memset(in, 0xff, sizeof(in));
		}
		for (len = 0; len <= VNETMQ_RSS_INPUT_MAX; len++) {
			u32 want = vnetmq_rsst_toeplitz_ref(key, in, len);

			KUNIT_ASSERT_EQ_MSG(test, vnetmq_toeplitz(key, in, len),
					    want, "round %u, %u bytes", round,
					    len);
		}
	}
}

/* VLAN, fragments, other protocols, IPv6's class and label, non-IP. */
static void vnetmq_rsst_parse_test(struct kunit *test)
{
	struct vnetmq_rsst_hdrs h = {
		.proto = IPPROTO_UDP, .vlan = true, .tos = 0x28,
		.sport = 5000, .dport = 53,
	};
	struct vnetmq_flow f;
	struct sk_buff *skb;

	vnetmq_rsst_addr(test, "10.0.0.1", false, h.src);
	vnetmq_rsst_addr(test, "10.0.0.2", false, h.dst);
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), UDP_V4_FLOW);
	KUNIT_EXPECT_EQ(test, f.tos, 0x28);
	KUNIT_EXPECT_EQ(test, ntohs(f.dport), 53);
	KUNIT_EXPECT_EQ(test, ntohl(f.l4_first), 5000 << 16 | 53);

	/* A fragment hashes on its addresses alone. */
	h.frag = true;
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), IPV4_FLOW);
	KUNIT_EXPECT_FALSE(test, f.has_ports);
	KUNIT_EXPECT_FALSE(test, f.has_l4);

	h.frag = false;
	h.proto = IPPROTO_ICMP;
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), IPV4_FLOW);
	KUNIT_EXPECT_TRUE(test, f.has_l4);
	KUNIT_EXPECT_FALSE(test, f.has_ports);

	h.v6 = true;
	h.proto = IPPROTO_SCTP;
	h.label = 0xabcde;
	vnetmq_rsst_addr(test, "fd00::1", true, h.src);
	vnetmq_rsst_addr(test, "fd00::2", true, h.dst);
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), SCTP_V6_FLOW);
	KUNIT_EXPECT_EQ(test, f.tos, 0x28);
	KUNIT_EXPECT_EQ(test, ntohl(f.flow_label), 0xabcde);

	/* An IPv6 fragment: no L4 bytes, as an IPv4 one. */
	h.proto = NEXTHDR_FRAGMENT;
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), IPV6_FLOW);
	KUNIT_EXPECT_FALSE(test, f.has_l4);

	/* Not IP; and an IP frame cut short inside its header. */
	skb = vnetmq_test_frame(test, vnetmq_test_etherdev(test), 60, 0, 0);
	vnetmq_flow_parse(skb, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_flow_type(&f), 0);
	kfree_skb(skb);
	h.v6 = false;
	skb = vnetmq_rsst_frame(test, &h);
	skb_trim(skb, ETH_HLEN + VLAN_HLEN + 10);
	vnetmq_flow_parse(skb, &f);
	KUNIT_EXPECT_EQ(test, f.l3, VNETMQ_L3_NONE);
	kfree_skb(skb);
}

/* Symmetric inputs: the same hash both ways, and the bytes they say. */
static void vnetmq_rsst_xfrm_test(struct kunit *test)
{
	struct vnetmq_rsst_hdrs h = {
		.proto = IPPROTO_TCP, .sport = 1000, .dport = 80,
	};
	struct vnetmq_rsst_hdrs r = h;
	struct vnetmq_flow f, g;
	u8 in[VNETMQ_RSS_INPUT_MAX];
	u8 xfrm[] = { RXH_XFRM_SYM_XOR, RXH_XFRM_SYM_OR_XOR };
	unsigned int i;

	vnetmq_rsst_addr(test, "192.0.2.1", false, h.src);
	vnetmq_rsst_addr(test, "198.51.100.7", false, h.dst);
	memcpy(r.src, h.dst, 4);
	memcpy(r.dst, h.src, 4);
	r.sport = h.dport;
	r.dport = h.sport;
	vnetmq_rsst_parse(test, &h, &f);
	vnetmq_rsst_parse(test, &r, &g);
	KUNIT_EXPECT_NE(test, vnetmq_rsst_hash(&f, VNETMQ_RSST_L4, 0),
			vnetmq_rsst_hash(&g, VNETMQ_RSST_L4, 0));
	for (i = 0; i < ARRAY_SIZE(xfrm); i++)
		KUNIT_EXPECT_EQ(test,
				vnetmq_rsst_hash(&f, VNETMQ_RSST_L4, xfrm[i]),
				vnetmq_rsst_hash(&g, VNETMQ_RSST_L4, xfrm[i]));

	KUNIT_ASSERT_EQ(test, vnetmq_rss_input(&f, VNETMQ_RSST_L4,
					       RXH_XFRM_SYM_OR_XOR, in), 12);
	/* (src | dst, src ^ dst, sport | dport, sport ^ dport) */
	KUNIT_EXPECT_EQ(test, in[0], 192 | 198);
	KUNIT_EXPECT_EQ(test, in[4], 192 ^ 198);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(&in[8]), 1000 | 80);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(&in[10]), 1000 ^ 80);
	/* One field of a pair alone, and the flow label. */
	KUNIT_EXPECT_EQ(test, vnetmq_rss_input(&f, RXH_IP_DST | RXH_L4_B_2_3,
					       0, in), 6);
	KUNIT_EXPECT_EQ(test, in[0], 198);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(&in[4]), 80);
	h.v6 = true;
	h.label = 0x12345;
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_EQ(test, vnetmq_rss_input(&f, VNETMQ_RSST_L4 | RXH_IP6_FL,
					       0, in), VNETMQ_RSS_INPUT_MAX);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&in[36]), 0x12345);
}

static void vnetmq_rsst_fields_test(struct kunit *test)
{
	struct vnetmq_rss_ctx ctx = {};
	struct vnetmq_rsst_hdrs h = {
		.proto = IPPROTO_UDP, .sport = 1, .dport = 2,
	};
	enum pkt_hash_types type;
	struct vnetmq_flow f;

	KUNIT_EXPECT_TRUE(test, vnetmq_rss_fields_ok(UDP_V4_FLOW,
						     VNETMQ_RSST_L4));
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_fields_ok(IPV4_FLOW,
						      RXH_L4_B_0_1));
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_fields_ok(TCP_V4_FLOW,
						      RXH_IP6_FL));
	KUNIT_EXPECT_TRUE(test, vnetmq_rss_fields_ok(IPV6_FLOW, RXH_IP6_FL));
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_fields_ok(ETHER_FLOW, 0));
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_fields_ok(TCP_V4_FLOW,
						      RXH_L2DA));
	KUNIT_EXPECT_EQ(test, vnetmq_rss_default_fields(TCP_V6_FLOW),
			VNETMQ_RSST_L4);
	KUNIT_EXPECT_EQ(test, vnetmq_rss_default_fields(IPV4_FLOW),
			VNETMQ_RSST_L3);

	vnetmq_rss_ctx_init(&ctx, 4);
	KUNIT_EXPECT_EQ(test, ctx.indir[5], 1);
	/* A symmetric transform wants fields in pairs, no flow label. */
	KUNIT_EXPECT_TRUE(test, vnetmq_rss_sym_ok(&ctx));
	ctx.xfrm = RXH_XFRM_SYM_XOR;
	KUNIT_EXPECT_TRUE(test, vnetmq_rss_sym_ok(&ctx));
	ctx.fields[TCP_V6_FLOW] = VNETMQ_RSST_L3 | RXH_L4_B_0_1;
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_sym_ok(&ctx));
	ctx.fields[TCP_V6_FLOW] = VNETMQ_RSST_L4 | RXH_IP6_FL;
	KUNIT_EXPECT_FALSE(test, vnetmq_rss_sym_ok(&ctx));
	ctx.fields[TCP_V6_FLOW] = RXH_L4_B_0_1 | RXH_L4_B_2_3;
	KUNIT_EXPECT_TRUE(test, vnetmq_rss_sym_ok(&ctx));
	ctx.xfrm = 0;
	vnetmq_rsst_addr(test, "10.1.1.1", false, h.src);
	vnetmq_rsst_addr(test, "10.1.1.2", false, h.dst);
	vnetmq_rsst_parse(test, &h, &f);
	vnetmq_rss_hash(&ctx, &f, &type);
	KUNIT_EXPECT_EQ(test, type, PKT_HASH_TYPE_L4);
	ctx.fields[UDP_V4_FLOW] = VNETMQ_RSST_L3;
	vnetmq_rss_hash(&ctx, &f, &type);
	KUNIT_EXPECT_EQ(test, type, PKT_HASH_TYPE_L3);
	ctx.fields[UDP_V4_FLOW] = 0;
	KUNIT_EXPECT_EQ(test, vnetmq_rss_hash(&ctx, &f, &type), 0);
	KUNIT_EXPECT_EQ(test, type, PKT_HASH_TYPE_NONE);
}

/* A UDP/IPv4 rule at @loc for destination port @dport, to @ring. */
static struct ethtool_rx_flow_spec vnetmq_rsst_rule(u32 loc, u16 dport,
						    u64 ring)
{
	struct ethtool_rx_flow_spec fs = {
		.flow_type = UDP_V4_FLOW,
		.ring_cookie = ring,
		.location = loc,
	};

	fs.h_u.udp_ip4_spec.pdst = htons(dport);
	fs.m_u.udp_ip4_spec.pdst = htons(0xffff);
	return fs;
}

static struct vnetmq_steer *vnetmq_rsst_steer(struct kunit *test)
{
	struct vnetmq_steer *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	vnetmq_rss_ctx_init(&st->ctx[0], 4);
	return st;
}

/* What a rule may be, and what it says. */
static void vnetmq_rsst_rule_check_test(struct kunit *test)
{
	struct ethtool_rx_flow_spec fs = vnetmq_rsst_rule(0, 53, 3);
	struct vnetmq_steer *st = vnetmq_rsst_steer(test);

	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), 0);
	fs.ring_cookie = 4;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EINVAL);
	fs.ring_cookie = RX_CLS_FLOW_DISC;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), 0);
	fs.ring_cookie = 1ULL << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF | 1;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EOPNOTSUPP);
	fs.ring_cookie = 0;
	fs.location = VNETMQ_MAX_RULES;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EINVAL);
	fs.location = 0;
	fs.flow_type |= FLOW_EXT;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EOPNOTSUPP);
	fs.flow_type = ETHER_FLOW;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EOPNOTSUPP);
	fs.flow_type = IPV4_USER_FLOW;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), -EINVAL);
	fs.h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 0, 4), 0);
	/* A context must exist. */
	fs.flow_type = UDP_V4_FLOW | FLOW_RSS;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 2, 4), -ENOENT);
	vnetmq_rss_ctx_init(&st->ctx[2], 4);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 2, 4), 0);
	/* Context 2 spreads over 0..3: offset by 1, queue 4 is missing. */
	fs.ring_cookie = 1;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 2, 4), -EINVAL);
	vnetmq_rss_indir_spread(&st->ctx[2], 3);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 2, 4), 0);
	fs.ring_cookie = RX_CLS_FLOW_DISC;
	KUNIT_EXPECT_EQ(test, vnetmq_rule_check(st, &fs, 2, 4), -EINVAL);
}

/* The table: sorted, replaced in place, locations found and freed. */
static void vnetmq_rsst_rule_table_test(struct kunit *test)
{
	struct vnetmq_steer *st = vnetmq_rsst_steer(test);
	struct ethtool_rx_flow_spec fs;
	u32 locs[] = { 5, 1, 9 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(locs); i++) {
		fs = vnetmq_rsst_rule(locs[i], 100 + i, i);
		vnetmq_rule_insert(st, &fs, 0);
	}
	KUNIT_ASSERT_EQ(test, st->nr_rules, 3);
	KUNIT_EXPECT_EQ(test, st->rule[0].fs.location, 1);
	KUNIT_EXPECT_EQ(test, st->rule[1].fs.location, 5);
	KUNIT_EXPECT_EQ(test, st->rule[2].fs.location, 9);
	fs = vnetmq_rsst_rule(5, 7, 3);
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, st->nr_rules, 3);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_find(st, 5)->fs.ring_cookie, 3);
	KUNIT_EXPECT_NULL(test, vnetmq_rule_find(st, 2));

	KUNIT_EXPECT_EQ(test, vnetmq_rule_free_loc(st, RX_CLS_LOC_ANY), 0);
	/* The same match, whatever it does, is found where it is. */
	fs = vnetmq_rsst_rule(RX_CLS_LOC_ANY, 101, RX_CLS_FLOW_DISC);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_same(st, &fs), 1);
	fs.m_u.udp_ip4_spec.pdst = htons(0xfff0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_same(st, &fs), -ENOENT);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_free_loc(st, RX_CLS_LOC_LAST),
			VNETMQ_MAX_RULES - 1);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_delete(st, 2), -ENOENT);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_delete(st, 1), 0);
	KUNIT_EXPECT_EQ(test, st->nr_rules, 2);
	KUNIT_EXPECT_EQ(test, st->rule[0].fs.location, 5);
	for (i = 0; i < VNETMQ_MAX_RULES; i++) {
		fs = vnetmq_rsst_rule(i, 1, 0);
		vnetmq_rule_insert(st, &fs, 0);
	}
	KUNIT_EXPECT_EQ(test, st->nr_rules, VNETMQ_MAX_RULES);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_free_loc(st, RX_CLS_LOC_FIRST),
			-ENOSPC);
}

/* Masks, the protocol of a port rule, and the lowest location first. */
static void vnetmq_rsst_rule_match_test(struct kunit *test)
{
	struct vnetmq_steer *st = vnetmq_rsst_steer(test);
	struct vnetmq_rsst_hdrs h = {
		.proto = IPPROTO_UDP, .sport = 4000, .dport = 53, .tos = 0x10,
	};
	struct ethtool_rx_flow_spec fs;
	struct vnetmq_flow f;

	vnetmq_rsst_addr(test, "10.0.0.1", false, h.src);
	vnetmq_rsst_addr(test, "10.0.0.2", false, h.dst);
	vnetmq_rsst_parse(test, &h, &f);
	fs = vnetmq_rsst_rule(7, 53, 1);
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_lookup(st, &f)->fs.location, 7);
	/* A lower location matching too wins; masked bits are ignored. */
	fs = vnetmq_rsst_rule(3, 0x35ff, 2);
	fs.m_u.udp_ip4_spec.pdst = htons(0xff00);
	fs.h_u.udp_ip4_spec.pdst = htons(0xff00);
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_lookup(st, &f)->fs.location, 7);
	fs.h_u.udp_ip4_spec.pdst = htons(0x0000);
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_lookup(st, &f)->fs.location, 3);
	/* TOS is compared when masked. */
	fs.h_u.udp_ip4_spec.tos = 0x20;
	fs.m_u.udp_ip4_spec.tos = 0xff;
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_lookup(st, &f)->fs.location, 7);

	/* The same ports over TCP, or over IPv6, are not this rule's. */
	h.proto = IPPROTO_TCP;
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_NULL(test, vnetmq_rule_lookup(st, &f));
	/* A user flow takes any protocol, and its first four L4 bytes. */
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = IPV4_USER_FLOW;
	fs.h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
	fs.h_u.usr_ip4_spec.l4_4_bytes = htonl(4000 << 16 | 53);
	fs.m_u.usr_ip4_spec.l4_4_bytes = htonl(0xffffffff);
	fs.location = 10;
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rule_lookup(st, &f)->fs.location, 10);
	h.v6 = true;
	vnetmq_rsst_addr(test, "fd00::1", true, h.src);
	vnetmq_rsst_parse(test, &h, &f);
	KUNIT_EXPECT_NULL(test, vnetmq_rule_lookup(st, &f));
}

/* The queue: of a rule, dropped, a context's plus the rule's, RSS. */
static void vnetmq_rsst_pick_test(struct kunit *test)
{
	struct vnetmq_steer *st = vnetmq_rsst_steer(test);
	struct vnetmq_rsst_hdrs h = {
		.proto = IPPROTO_UDP, .sport = 4000, .dport = 53,
	};
	struct ethtool_rx_flow_spec fs;
	enum pkt_hash_types type;
	struct vnetmq_flow f;
	u32 hash, want, i;

	vnetmq_rsst_addr(test, "10.0.0.1", false, h.src);
	vnetmq_rsst_addr(test, "10.0.0.2", false, h.dst);
	vnetmq_rsst_parse(test, &h, &f);
	memcpy(st->ctx[0].key, vnetmq_rsst_key, sizeof(vnetmq_rsst_key));
	want = vnetmq_rsst_hash(&f, VNETMQ_RSST_L4, 0);
	for (i = 0; i < VNETMQ_RSS_INDIR_SIZE; i++)
		st->ctx[0].indir[i] = i % 3;
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 4, &hash, &type),
			want % VNETMQ_RSS_INDIR_SIZE % 3);
	KUNIT_EXPECT_EQ(test, hash, want);
	KUNIT_EXPECT_EQ(test, type, PKT_HASH_TYPE_L4);

	fs = vnetmq_rsst_rule(1, 53, 3);
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 4, &hash, &type), 3);
	KUNIT_EXPECT_EQ(test, hash, want);
	/* A queue beyond a shrunk count folds back in range. */
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 2, &hash, &type), 1);
	fs.ring_cookie = RX_CLS_FLOW_DISC;
	vnetmq_rule_insert(st, &fs, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 4, &hash, &type),
			VNETMQ_STEER_DROP);
	/* Context 5 sends all to its queue 1, offset by the rule's 2. */
	vnetmq_rss_ctx_init(&st->ctx[5], 4);
	memset(st->ctx[5].indir, 0, sizeof(st->ctx[5].indir));
	st->ctx[5].indir[want % VNETMQ_RSS_INDIR_SIZE] = 1;
	memcpy(st->ctx[5].key, vnetmq_rsst_key, sizeof(vnetmq_rsst_key));
	fs.flow_type |= FLOW_RSS;
	fs.ring_cookie = 2;
	vnetmq_rule_insert(st, &fs, 5);
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 4, &hash, &type), 3);
	/* The rules need queue 3: 2, plus context 5's highest, 1. */
	KUNIT_EXPECT_EQ(test, vnetmq_rules_queues(st), 4);
	st->ctx[5].indir[7] = 3;
	KUNIT_EXPECT_EQ(test, vnetmq_rules_queues(st), 6);
	st->ctx[5].indir[7] = 0;

	/* Other traffic is context 0's. */
	h.dport = 54;
	vnetmq_rsst_parse(test, &h, &f);
	want = vnetmq_rsst_hash(&f, VNETMQ_RSST_L4, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_steer_pick(st, &f, 4, &hash, &type),
			want % VNETMQ_RSS_INDIR_SIZE % 3);
}

static struct kunit_case vnetmq_rsst_cases[] = {
	KUNIT_CASE(vnetmq_rsst_vectors_test),
	KUNIT_CASE(vnetmq_rsst_toeplitz_test),
	KUNIT_CASE(vnetmq_rsst_parse_test),
	KUNIT_CASE(vnetmq_rsst_xfrm_test),
	KUNIT_CASE(vnetmq_rsst_fields_test),
	KUNIT_CASE(vnetmq_rsst_rule_check_test),
	KUNIT_CASE(vnetmq_rsst_rule_table_test),
	KUNIT_CASE(vnetmq_rsst_rule_match_test),
	KUNIT_CASE(vnetmq_rsst_pick_test),
	{}
};

static struct kunit_suite vnetmq_rsst_suite = {
	.name = "vnetmq_rss",
	.test_cases = vnetmq_rsst_cases,
};

kunit_test_suite(vnetmq_rsst_suite);
