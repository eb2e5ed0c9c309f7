// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq ntuple rules (ethtool -N flow-type ...): which frames a rule
 * takes, the rule table of a steering snapshot, kept sorted by location
 * (the lowest location matching wins, as on most NICs), and the choice
 * of a frame's RX queue by rules, then RSS.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/in.h>

#include "vnetmq.h"

static bool vnetmq_eq(const void *v, const void *h, const void *m,
		      unsigned int len)
{
	const u8 *a = v, *b = h, *c = m;
	unsigned int i;

	for (i = 0; i < len; i++)
		if ((a[i] ^ b[i]) & c[i])
			return false;
	return true;
}

static u8 vnetmq_rule_l4(u32 flow_type)
{
	switch (flow_type) {
	case TCP_V4_FLOW:
	case TCP_V6_FLOW:
		return IPPROTO_TCP;
	case UDP_V4_FLOW:
	case UDP_V6_FLOW:
		return IPPROTO_UDP;
	case SCTP_V4_FLOW:
	case SCTP_V6_FLOW:
		return IPPROTO_SCTP;
	}
	return 0;
}

static bool vnetmq_match_ports4(const struct vnetmq_flow *f,
				const struct ethtool_tcpip4_spec *h,
				const struct ethtool_tcpip4_spec *m)
{
	return vnetmq_eq(f->src, &h->ip4src, &m->ip4src, 4) &&
	       vnetmq_eq(f->dst, &h->ip4dst, &m->ip4dst, 4) &&
	       vnetmq_eq(&f->sport, &h->psrc, &m->psrc, 2) &&
	       vnetmq_eq(&f->dport, &h->pdst, &m->pdst, 2) &&
	       vnetmq_eq(&f->tos, &h->tos, &m->tos, 1);
}

static bool vnetmq_match_ports6(const struct vnetmq_flow *f,
				const struct ethtool_tcpip6_spec *h,
				const struct ethtool_tcpip6_spec *m)
{
	return vnetmq_eq(f->src, h->ip6src, m->ip6src, 16) &&
	       vnetmq_eq(f->dst, h->ip6dst, m->ip6dst, 16) &&
	       vnetmq_eq(&f->sport, &h->psrc, &m->psrc, 2) &&
	       vnetmq_eq(&f->dport, &h->pdst, &m->pdst, 2) &&
	       vnetmq_eq(&f->tos, &h->tclass, &m->tclass, 1);
}

/* l4_4_bytes under a nonzero mask needs a frame that has them. */
static bool vnetmq_match_l4_bytes(const struct vnetmq_flow *f, __be32 h,
				  __be32 m)
{
	if (!m)
		return true;
	return f->has_l4 && vnetmq_eq(&f->l4_first, &h, &m, 4);
}

static bool vnetmq_match_user4(const struct vnetmq_flow *f,
			       const struct ethtool_usrip4_spec *h,
			       const struct ethtool_usrip4_spec *m)
{
	return vnetmq_eq(f->src, &h->ip4src, &m->ip4src, 4) &&
	       vnetmq_eq(f->dst, &h->ip4dst, &m->ip4dst, 4) &&
	       vnetmq_eq(&f->tos, &h->tos, &m->tos, 1) &&
	       vnetmq_eq(&f->l4_proto, &h->proto, &m->proto, 1) &&
	       vnetmq_match_l4_bytes(f, h->l4_4_bytes, m->l4_4_bytes);
}

static bool vnetmq_match_user6(const struct vnetmq_flow *f,
			       const struct ethtool_usrip6_spec *h,
			       const struct ethtool_usrip6_spec *m)
{
	return vnetmq_eq(f->src, h->ip6src, m->ip6src, 16) &&
	       vnetmq_eq(f->dst, h->ip6dst, m->ip6dst, 16) &&
	       vnetmq_eq(&f->tos, &h->tclass, &m->tclass, 1) &&
	       vnetmq_eq(&f->l4_proto, &h->l4_proto, &m->l4_proto, 1) &&
	       vnetmq_match_l4_bytes(f, h->l4_4_bytes, m->l4_4_bytes);
}

/**
 * vnetmq_rule_match() - does a rule take a frame?
 * @r: the rule
 * @f: the parsed frame
 *
 * A flow type with ports takes only frames of its protocol that carry
 * them (not fragments); a user flow type takes any frame of its IP
 * version.  Mask bits set are the bits compared.
 *
 * Return: true if @f matches @r.
 */
bool vnetmq_rule_match(const struct vnetmq_rule *r, const struct vnetmq_flow *f)
{
	const union ethtool_flow_union *h = &r->fs.h_u, *m = &r->fs.m_u;
	bool v4 = f->l3 == VNETMQ_L3_IPV4, v6 = f->l3 == VNETMQ_L3_IPV6;
	u32 ft = r->fs.flow_type & ~FLOW_RSS;
	u8 l4 = vnetmq_rule_l4(ft);

	if (l4 && (!f->has_ports || f->l4_proto != l4))
		return false;
	switch (ft) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		return v4 && vnetmq_match_ports4(f, &h->tcp_ip4_spec,
						 &m->tcp_ip4_spec);
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
		return v6 && vnetmq_match_ports6(f, &h->tcp_ip6_spec,
						 &m->tcp_ip6_spec);
	case IPV4_USER_FLOW:
		return v4 && vnetmq_match_user4(f, &h->usr_ip4_spec,
						&m->usr_ip4_spec);
	case IPV6_USER_FLOW:
		return v6 && vnetmq_match_user6(f, &h->usr_ip6_spec,
						&m->usr_ip6_spec);
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_match);

/**
 * vnetmq_rule_lookup() - the rule that decides a frame's queue
 * @st: the steering tables
 * @f: the parsed frame
 *
 * Return: the matching rule of the lowest location, or NULL.
 */
const struct vnetmq_rule *vnetmq_rule_lookup(const struct vnetmq_steer *st,
					     const struct vnetmq_flow *f)
{
	unsigned int i;

	if (f->l3 == VNETMQ_L3_NONE)
		return NULL;
	for (i = 0; i < st->nr_rules; i++)
		if (vnetmq_rule_match(&st->rule[i], f))
			return &st->rule[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_lookup);

/**
 * vnetmq_rule_check() - may @fs become a rule?
 * @st: the steering tables it would join
 * @fs: the rule, as ETHTOOL_SRXCLSRLINS gives it (location resolved)
 * @rss_context: the context of a FLOW_RSS rule
 * @nrx: the device's real RX queue count
 *
 * set_rxnfc has no extack, so the refusals differ by errno: -EINVAL
 * for a malformed rule, or a queue or location out of range (a
 * context's queues count from the rule's queue), -EOPNOTSUPP for what
 * vnetmq does not match on (FLOW_EXT, MAC, AH/ESP, Ethernet flows),
 * -ENOENT for a context that does not exist.
 *
 * Return: 0 or a negative errno.
 */
int vnetmq_rule_check(const struct vnetmq_steer *st,
		      const struct ethtool_rx_flow_spec *fs, u32 rss_context,
		      unsigned int nrx)
{
	u32 ft = fs->flow_type & ~FLOW_RSS;
	unsigned int i;
	u64 ring;

	if (fs->flow_type & (FLOW_EXT | FLOW_MAC_EXT))
		return -EOPNOTSUPP;
	switch (ft) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
	case IPV6_USER_FLOW:
		break;
	case IPV4_USER_FLOW:
		if (fs->m_u.usr_ip4_spec.ip_ver ||
		    fs->h_u.usr_ip4_spec.ip_ver != ETH_RX_NFC_IP4)
			return -EINVAL;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (fs->location >= VNETMQ_MAX_RULES)
		return -EINVAL;
	if (fs->ring_cookie == RX_CLS_FLOW_DISC)
		return fs->flow_type & FLOW_RSS ? -EINVAL : 0;
	if (fs->ring_cookie == RX_CLS_FLOW_WAKE ||
	    ethtool_get_flow_spec_ring_vf(fs->ring_cookie))
		return -EOPNOTSUPP;
	ring = ethtool_get_flow_spec_ring(fs->ring_cookie);
	if (ring >= nrx)
		return -EINVAL;
	if (!(fs->flow_type & FLOW_RSS))
		return 0;
	if (rss_context >= VNETMQ_RSS_MAX_CTX || !st->ctx[rss_context].used)
		return -ENOENT;
	/* The context's queues, offset by the rule's, must exist. */
	for (i = 0; i < VNETMQ_RSS_INDIR_SIZE; i++)
		if (ring + st->ctx[rss_context].indir[i] >= nrx)
			return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_check);

/* Index of the rule at @loc, or where it would go: *found says which. */
static unsigned int vnetmq_rule_pos(const struct vnetmq_steer *st, u32 loc,
				    bool *found)
{
	unsigned int i;

	for (i = 0; i < st->nr_rules && st->rule[i].fs.location < loc; i++)
		;
	*found = i < st->nr_rules && st->rule[i].fs.location == loc;
	return i;
}

/**
 * vnetmq_rule_find() - the rule at a location
 * @st: the steering tables
 * @loc: the location
 *
 * Return: the rule, or NULL if @loc holds none.
 */
const struct vnetmq_rule *vnetmq_rule_find(const struct vnetmq_steer *st,
					   u32 loc)
{
	bool found;
	unsigned int i = vnetmq_rule_pos(st, loc, &found);

	return found ? &st->rule[i] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_find);

/**
 * vnetmq_rule_same() - the rule that matches what @fs matches
 * @st: the steering tables
 * @fs: a rule being added
 *
 * A rule added without a location may not shadow one that takes the
 * same frames: one of the two would never match.
 *
 * Return: that rule's location, or -ENOENT.
 */
int vnetmq_rule_same(const struct vnetmq_steer *st,
		     const struct ethtool_rx_flow_spec *fs)
{
	const struct ethtool_rx_flow_spec *o;
	unsigned int i;

	for (i = 0; i < st->nr_rules; i++) {
		o = &st->rule[i].fs;
		if ((o->flow_type & ~FLOW_RSS) == (fs->flow_type & ~FLOW_RSS) &&
		    !memcmp(&o->h_u, &fs->h_u, sizeof(fs->h_u)) &&
		    !memcmp(&o->m_u, &fs->m_u, sizeof(fs->m_u)))
			return o->location;
	}
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_same);

/**
 * vnetmq_rule_free_loc() - resolve a special location
 * @st: the steering tables
 * @loc: RX_CLS_LOC_ANY, RX_CLS_LOC_FIRST or RX_CLS_LOC_LAST
 *
 * Return: the lowest free location for ANY and FIRST, the highest for
 * LAST, or -ENOSPC if every location holds a rule.
 */
int vnetmq_rule_free_loc(const struct vnetmq_steer *st, u32 loc)
{
	int i;

	if (loc == RX_CLS_LOC_LAST) {
		for (i = VNETMQ_MAX_RULES - 1; i >= 0; i--)
			if (!vnetmq_rule_find(st, i))
				return i;
		return -ENOSPC;
	}
	for (i = 0; i < VNETMQ_MAX_RULES; i++)
		if (!vnetmq_rule_find(st, i))
			return i;
	return -ENOSPC;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_free_loc);

/**
 * vnetmq_rule_insert() - add a checked rule, or replace the one at its
 * location
 * @st: the steering tables, not yet published
 * @fs: the rule, from vnetmq_rule_check()
 * @rss_context: its context, for FLOW_RSS
 */
void vnetmq_rule_insert(struct vnetmq_steer *st,
			const struct ethtool_rx_flow_spec *fs, u32 rss_context)
{
	bool found;
	unsigned int i = vnetmq_rule_pos(st, fs->location, &found);

	if (!found) {
		memmove(&st->rule[i + 1], &st->rule[i],
			(st->nr_rules - i) * sizeof(st->rule[0]));
		st->nr_rules++;
	}
	st->rule[i].fs = *fs;
	st->rule[i].rss_context = fs->flow_type & FLOW_RSS ? rss_context : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_insert);

/**
 * vnetmq_rule_delete() - remove the rule at a location
 * @st: the steering tables, not yet published
 * @loc: its location
 *
 * Return: 0, or -ENOENT if @loc holds no rule.
 */
int vnetmq_rule_delete(struct vnetmq_steer *st, u32 loc)
{
	bool found;
	unsigned int i = vnetmq_rule_pos(st, loc, &found);

	if (!found)
		return -ENOENT;
	st->nr_rules--;
	memmove(&st->rule[i], &st->rule[i + 1],
		(st->nr_rules - i) * sizeof(st->rule[0]));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rule_delete);

/**
 * vnetmq_rules_queues() - the RX queues the rules need
 * @st: the steering tables
 *
 * A rule needs its queue; a rule through a context needs its queue plus
 * each of the context's entries.  The core checks the first before
 * ethtool -L; the driver checks both, and checks again when a context
 * used by a rule changes its table.
 *
 * Return: one more than the highest RX queue a rule can send to, or 0.
 */
unsigned int vnetmq_rules_queues(const struct vnetmq_steer *st)
{
	const struct vnetmq_rule *r;
	unsigned int i, e, top = 0;
	u64 q;

	for (i = 0; i < st->nr_rules; i++) {
		r = &st->rule[i];
		if (r->fs.ring_cookie == RX_CLS_FLOW_DISC)
			continue;
		q = ethtool_get_flow_spec_ring(r->fs.ring_cookie);
		if (r->fs.flow_type & FLOW_RSS)
			for (e = 0; e < VNETMQ_RSS_INDIR_SIZE; e++)
				top = max_t(u64, top, q + 1 +
					    st->ctx[r->rss_context].indir[e]);
		else
			top = max_t(u64, top, q + 1);
	}
	return top;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_rules_queues);

/**
 * vnetmq_steer_pick() - the RX queue of a frame, and its hash
 * @st: the receiving end's steering tables
 * @f: the parsed frame
 * @nrx: the receiver's real RX queue count, at least 1
 * @hash: set to the frame's hash (0 with @type NONE)
 * @type: set to the hash's type
 *
 * The first matching ntuple rule (lowest location) decides: a queue, a
 * drop, or an RSS context (whose table's queue is added to the rule's,
 * as with cap_rss_rxnfc_adds).  Without a match, context 0 does.  The
 * hash is that of the context that decided, or context 0's.  The
 * tables are kept within the real RX queues under RTNL; a queue at or
 * above @nrx, which only a transient can give, folds back into range.
 *
 * Return: the RX queue, or VNETMQ_STEER_DROP.
 */
u32 vnetmq_steer_pick(const struct vnetmq_steer *st,
		      const struct vnetmq_flow *f, unsigned int nrx,
		      u32 *hash, enum pkt_hash_types *type)
{
	const struct vnetmq_rule *rule = vnetmq_rule_lookup(st, f);
	const struct vnetmq_rss_ctx *ctx = &st->ctx[0];
	u32 base = 0, q;

	if (rule) {
		u64 cookie = rule->fs.ring_cookie;

		if (cookie == RX_CLS_FLOW_DISC) {
			*hash = vnetmq_rss_hash(ctx, f, type);
			return VNETMQ_STEER_DROP;
		}
		base = ethtool_get_flow_spec_ring(cookie);
		if (!(rule->fs.flow_type & FLOW_RSS)) {
			*hash = vnetmq_rss_hash(ctx, f, type);
			q = base;
			goto out;
		}
		ctx = &st->ctx[rule->rss_context];
	}
	*hash = vnetmq_rss_hash(ctx, f, type);
	q = base + ctx->indir[*hash % VNETMQ_RSS_INDIR_SIZE];
out:
	return likely(q < nrx) ? q : q % nrx;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_steer_pick);
