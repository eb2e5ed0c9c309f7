// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq receive-side scaling: how the receiving end of a pair picks the
 * RX queue of a frame, as a NIC does.  A frame's headers are parsed once
 * (vnetmq_flow_parse()); the first ntuple rule that matches them decides
 * (ntuple.c), or else RSS context 0: a Toeplitz hash over the fields
 * ethtool -N rx-flow-hash selects, through the context's indirection
 * table.  The tables are one immutable snapshot, struct vnetmq_steer.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/unaligned.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "vnetmq.h"

/* The IPv4 part of a flow: header length, or 0 if the frame has none. */
static unsigned int vnetmq_flow_ipv4(const struct sk_buff *skb,
				     unsigned int off, struct vnetmq_flow *f)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5 || iph->version != 4)
		return 0;
	f->l3 = VNETMQ_L3_IPV4;
	f->src[0] = iph->saddr;
	f->dst[0] = iph->daddr;
	f->tos = iph->tos;
	/* A fragment's ports are in the first fragment only: a NIC hashes
	 * every fragment of a datagram on its addresses.
	 */
	if (ip_is_fragment(iph))
		return 0;
	f->l4_proto = iph->protocol;
	return iph->ihl * 4;
}

static unsigned int vnetmq_flow_ipv6(const struct sk_buff *skb,
				     unsigned int off, struct vnetmq_flow *f)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return 0;
	f->l3 = VNETMQ_L3_IPV6;
	memcpy(f->src, &ip6h->saddr, sizeof(f->src));
	memcpy(f->dst, &ip6h->daddr, sizeof(f->dst));
	f->tos = ipv6_get_dsfield(ip6h);
	f->flow_label = ip6_flowlabel(ip6h);
	/* Extension headers are not walked: a NIC's parser stops there
	 * too, and such a frame is hashed as IPv6 other.  A fragment is
	 * one, with no L4 bytes of its own, as an IPv4 fragment.
	 */
	if (ip6h->nexthdr == NEXTHDR_FRAGMENT)
		return 0;
	f->l4_proto = ip6h->nexthdr;
	return sizeof(*ip6h);
}

/**
 * vnetmq_flow_parse() - read the headers steering goes by
 * @skb: a frame, skb->data at its Ethernet header
 * @f: filled with what was found; zeroed first
 *
 * One VLAN tag in the frame (or in skb->vlan_tci) is skipped.  Ports are
 * read for TCP, UDP and SCTP, and the first four bytes after the IP
 * header of any protocol, for ntuple's l4_4_bytes; a fragment has
 * neither.
 */
void vnetmq_flow_parse(const struct sk_buff *skb, struct vnetmq_flow *f)
{
	unsigned int off = ETH_HLEN, l3len = 0;
	const struct vlan_hdr *vh;
	const struct ethhdr *eth;
	struct vlan_hdr _vh;
	struct ethhdr _eth;
	__be32 _l4, *l4;
	__be16 proto;

	memset(f, 0, sizeof(*f));
	eth = skb_header_pointer(skb, 0, sizeof(_eth), &_eth);
	if (!eth)
		return;
	proto = eth->h_proto;
	if (eth_type_vlan(proto)) {
		vh = skb_header_pointer(skb, off, sizeof(_vh), &_vh);
		if (!vh)
			return;
		proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	if (proto == htons(ETH_P_IP))
		l3len = vnetmq_flow_ipv4(skb, off, f);
	else if (proto == htons(ETH_P_IPV6))
		l3len = vnetmq_flow_ipv6(skb, off, f);
	if (!l3len)
		return;
	l4 = skb_header_pointer(skb, off + l3len, sizeof(_l4), &_l4);
	if (!l4)
		return;
	/* A packet socket's frame may leave the IP header unaligned. */
	f->l4_first = get_unaligned(l4);
	f->has_l4 = true;
	if (f->l4_proto == IPPROTO_TCP || f->l4_proto == IPPROTO_UDP ||
	    f->l4_proto == IPPROTO_SCTP) {
		f->sport = get_unaligned((const __be16 *)l4);
		f->dport = get_unaligned((const __be16 *)l4 + 1);
		f->has_ports = true;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_flow_parse);

/**
 * vnetmq_flow_type() - the ethtool flow type a parsed frame hashes as
 * @f: from vnetmq_flow_parse()
 *
 * Return: TCP_V4_FLOW and its kin for a frame with ports, IPV4_FLOW or
 * IPV6_FLOW for other IP frames (fragments included), 0 for non-IP.
 */
u32 vnetmq_flow_type(const struct vnetmq_flow *f)
{
	bool v4 = f->l3 == VNETMQ_L3_IPV4;

	if (f->l3 == VNETMQ_L3_NONE)
		return 0;
	if (f->has_ports) {
		switch (f->l4_proto) {
		case IPPROTO_TCP:
			return v4 ? TCP_V4_FLOW : TCP_V6_FLOW;
		case IPPROTO_UDP:
			return v4 ? UDP_V4_FLOW : UDP_V6_FLOW;
		case IPPROTO_SCTP:
			return v4 ? SCTP_V4_FLOW : SCTP_V6_FLOW;
		}
	}
	return v4 ? IPV4_FLOW : IPV6_FLOW;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_flow_type);

/**
 * vnetmq_rss_fields_ok() - may rx-flow-hash select @fields for @flow_type?
 * @flow_type: an ethtool flow type
 * @fields: RXH_* bits
 *
 * Addresses for every IP flow type; ports for the types that have them;
 * the flow label for IPv6 types.  RXH_DISCARD is not offered.
 *
 * Return: true if vnetmq hashes @flow_type and supports every bit of
 * @fields for it.
 */
bool vnetmq_rss_fields_ok(u32 flow_type, u32 fields)
{
	u32 ok = RXH_IP_SRC | RXH_IP_DST;

	switch (flow_type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		ok |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
		break;
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
		ok |= RXH_L4_B_0_1 | RXH_L4_B_2_3 | RXH_IP6_FL;
		break;
	case IPV6_FLOW:
		ok |= RXH_IP6_FL;
		break;
	case IPV4_FLOW:
		break;
	default:
		return false;
	}
	return !(fields & ~ok);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_fields_ok);

/**
 * vnetmq_rss_sym_ok() - does a symmetric transform keep a context
 *	symmetric?
 * @ctx: the context
 *
 * The core checks context 0's fields against its transform on the ioctl
 * path only; a context's own fields and transform are the driver's to
 * check.  A symmetric input needs, for every flow type, sources and
 * destinations selected in pairs, and no flow label.
 *
 * Return: true if @ctx has no symmetric transform, or its fields fit it.
 */
bool vnetmq_rss_sym_ok(const struct vnetmq_rss_ctx *ctx)
{
	const u32 pair_l4 = RXH_L4_B_0_1 | RXH_L4_B_2_3;
	const u32 pair_ip = RXH_IP_SRC | RXH_IP_DST;
	u32 ft, f;

	if (!(ctx->xfrm & (RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR)))
		return true;
	for (ft = 0; ft < ARRAY_SIZE(ctx->fields); ft++) {
		f = ctx->fields[ft];
		if ((f & ~(pair_ip | pair_l4)) ||
		    hweight32(f & pair_ip) == 1 || hweight32(f & pair_l4) == 1)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_sym_ok);

/**
 * vnetmq_rss_default_fields() - what a flow type hashes on at creation
 * @flow_type: a flow type vnetmq hashes
 *
 * Return: addresses and ports (the 4-tuple) for TCP, UDP and SCTP, the
 * addresses for other IP traffic, as NICs default to.
 */
u32 vnetmq_rss_default_fields(u32 flow_type)
{
	if (vnetmq_rss_fields_ok(flow_type, RXH_L4_B_0_1))
		return RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3;
	return RXH_IP_SRC | RXH_IP_DST;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_default_fields);

/* Append @len bytes of @a and @b to @in, transformed as @xfrm says. */
static unsigned int vnetmq_rss_put_pair(u8 *in, const void *a, const void *b,
					unsigned int len, u8 xfrm)
{
	const u8 *x = a, *y = b;
	unsigned int i;

	if (!(xfrm & (RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR))) {
		memcpy(in, x, len);
		memcpy(in + len, y, len);
		return 2 * len;
	}
	for (i = 0; i < len; i++) {
		in[i] = xfrm & RXH_XFRM_SYM_OR_XOR ? x[i] | y[i] : x[i] ^ y[i];
		in[len + i] = x[i] ^ y[i];
	}
	return 2 * len;
}

/* One half of a pair of fields when only one is selected. */
static unsigned int vnetmq_rss_put_one(u8 *in, const void *a,
				       unsigned int len)
{
	memcpy(in, a, len);
	return len;
}

/**
 * vnetmq_rss_input() - the bytes a frame's Toeplitz hash is computed over
 * @f: the parsed frame
 * @fields: RXH_* bits selected for its flow type
 * @xfrm: RXH_XFRM_* input transformation
 * @in: at least VNETMQ_RSS_INPUT_MAX bytes
 *
 * The order is Microsoft's RSS specification's: source address,
 * destination address, source port, destination port, all in network
 * byte order; then the IPv6 flow label, as a 32-bit big-endian word.
 * With a symmetric transformation a source and destination pair that
 * are both selected is fed as (src ^ dst, src ^ dst), or with
 * RXH_XFRM_SYM_OR_XOR as (src | dst, src ^ dst): the same bytes both
 * ways of a connection.
 *
 * Return: the input's length, 0 if nothing selected is in the frame.
 */
unsigned int vnetmq_rss_input(const struct vnetmq_flow *f, u32 fields,
			      u8 xfrm, u8 *in)
{
	unsigned int alen = f->l3 == VNETMQ_L3_IPV4 ? 4 : 16, n = 0;
	u32 both;

	if (f->l3 == VNETMQ_L3_NONE)
		return 0;
	both = RXH_IP_SRC | RXH_IP_DST;
	if ((fields & both) == both)
		n += vnetmq_rss_put_pair(in + n, f->src, f->dst, alen, xfrm);
	else if (fields & RXH_IP_SRC)
		n += vnetmq_rss_put_one(in + n, f->src, alen);
	else if (fields & RXH_IP_DST)
		n += vnetmq_rss_put_one(in + n, f->dst, alen);
	both = RXH_L4_B_0_1 | RXH_L4_B_2_3;
	if (f->has_ports) {
		if ((fields & both) == both)
			n += vnetmq_rss_put_pair(in + n, &f->sport, &f->dport,
						 2, xfrm);
		else if (fields & RXH_L4_B_0_1)
			n += vnetmq_rss_put_one(in + n, &f->sport, 2);
		else if (fields & RXH_L4_B_2_3)
			n += vnetmq_rss_put_one(in + n, &f->dport, 2);
	}
	if ((fields & RXH_IP6_FL) && f->l3 == VNETMQ_L3_IPV6)
		n += vnetmq_rss_put_one(in + n, &f->flow_label, 4);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_input);

/**
 * vnetmq_toeplitz() - the Toeplitz hash of up to VNETMQ_RSS_INPUT_MAX bytes
 * @key: VNETMQ_RSS_KEY_SIZE bytes
 * @in: the input, at most VNETMQ_RSS_INPUT_MAX bytes
 * @len: its length
 *
 * For each set bit of the input, most significant first, the 32 key
 * bits starting at that bit's position are XORed into the result.  It
 * runs for every frame a pair's end receives: byte by byte, with the 40
 * key bits that one input byte's set bits can start at in a window, and
 * only the set bits visited.
 *
 * Return: the hash.
 */
u32 vnetmq_toeplitz(const u8 *key, const u8 *in, unsigned int len)
{
	u64 window = (u64)get_unaligned_be32(key) << 8 | key[4];
	unsigned int i, bit;
	u32 hash = 0;

	BUILD_BUG_ON(VNETMQ_RSS_INPUT_MAX + 4 > VNETMQ_RSS_KEY_SIZE);

	for (i = 0; i < len; i++) {
		unsigned long set = in[i];

		/* The byte's bit @bit, 7 - @bit from its most significant,
		 * starts at key bit 8 * i + 7 - @bit: the window's 32 bits
		 * above bit @bit.
		 */
		for_each_set_bit(bit, &set, BITS_PER_BYTE)
			hash ^= (u32)(window >> (bit + 1));
		if (i + 1 < len)
			window = window << 8 | key[i + 5];
	}
	return hash;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_toeplitz);

/**
 * vnetmq_rss_ctx_init() - an RSS context's state at creation
 * @ctx: the context
 * @nrx: the device's real RX queue count
 *
 * Every flow type hashes on its defaults, with a random key; the table
 * spreads over the RX queues in turn; no input transformation.
 */
void vnetmq_rss_ctx_init(struct vnetmq_rss_ctx *ctx, unsigned int nrx)
{
	u32 ft;

	for (ft = 0; ft < ARRAY_SIZE(ctx->fields); ft++)
		ctx->fields[ft] = vnetmq_rss_fields_ok(ft, 0) ?
				  vnetmq_rss_default_fields(ft) : 0;
	netdev_rss_key_fill(ctx->key, sizeof(ctx->key));
	vnetmq_rss_indir_spread(ctx, nrx);
	ctx->xfrm = 0;
	ctx->used = true;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_ctx_init);

/**
 * vnetmq_rss_indir_spread() - the default indirection table
 * @ctx: the context
 * @nrx: the RX queues to spread over, at least 1
 */
void vnetmq_rss_indir_spread(struct vnetmq_rss_ctx *ctx, unsigned int nrx)
{
	unsigned int i;

	for (i = 0; i < VNETMQ_RSS_INDIR_SIZE; i++)
		ctx->indir[i] = ethtool_rxfh_indir_default(i, nrx);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_indir_spread);

/**
 * vnetmq_rss_hash() - a frame's hash under one context
 * @ctx: the context
 * @f: the parsed frame
 * @type: set to the hash's type: L4 when ports went in, L3 when only
 *	addresses did, NONE (and the hash 0) when nothing did
 *
 * Return: the Toeplitz hash.
 */
u32 vnetmq_rss_hash(const struct vnetmq_rss_ctx *ctx,
		    const struct vnetmq_flow *f, enum pkt_hash_types *type)
{
	u32 ft = vnetmq_flow_type(f);
	u8 in[VNETMQ_RSS_INPUT_MAX];
	unsigned int len;
	u32 fields;

	*type = PKT_HASH_TYPE_NONE;
	if (!ft)
		return 0;
	fields = ctx->fields[ft];
	len = vnetmq_rss_input(f, fields, ctx->xfrm, in);
	if (!len)
		return 0;
	*type = f->has_ports && (fields & (RXH_L4_B_0_1 | RXH_L4_B_2_3)) ?
		PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3;
	return vnetmq_toeplitz(ctx->key, in, len);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rss_hash);
