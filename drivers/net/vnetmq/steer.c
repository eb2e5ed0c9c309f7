// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq receive steering's glue: the ethtool operations of RSS (-x/-X,
 * contexts, rx-flow-hash) and ntuple rules (-n/-N), and the snapshots
 * (struct vnetmq_steer) the peer's transmits steer by.  What the tables
 * mean is rss.c's and ntuple.c's.
 *
 * Steering acts on the frames an end of a pair receives from its peer.
 * A lone device loops its TX queues back by its TX map, which RSS would
 * contradict: it refuses these operations.
 *
 * The core serializes the set operations under RTNL (vnetmq is not
 * ops-locked); a get may run under the core's rss_lock alone, so it reads
 * the snapshot under RCU.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "vnetmq.h"

static struct vnetmq_steer *vnetmq_steer_cur(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return rtnl_dereference(priv->steer);
}

/* A private copy of the tables in force, to change and publish. */
static struct vnetmq_steer *vnetmq_steer_dup(struct net_device *dev)
{
	return kvmemdup(vnetmq_steer_cur(dev), sizeof(struct vnetmq_steer),
			GFP_KERNEL);
}

/*
 * Replace the tables: a transmit of the peer reads either the old or
 * the new snapshot, whole; the old one is freed after those transmits.
 */
static void vnetmq_steer_publish(struct net_device *dev,
				 struct vnetmq_steer *st)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_steer *old = vnetmq_steer_cur(dev);

	rcu_assign_pointer(priv->steer, st);
	kvfree_rcu(old, rcu);
}

/**
 * vnetmq_steer_init() - steering of a new device
 * @dev: the device, in ndo_init
 *
 * Context 0 hashes every flow type on its defaults, with a random key,
 * and spreads over the RX queues.
 *
 * Return: 0 or -ENOMEM.
 */
int vnetmq_steer_init(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_steer *st;

	st = kvzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	vnetmq_rss_ctx_init(&st->ctx[0], dev->real_num_rx_queues);
	RCU_INIT_POINTER(priv->steer, st);
	return 0;
}

/**
 * vnetmq_steer_free() - free a device's steering
 * @dev: the device, unregistered: no transmit of a peer reads it now
 */
void vnetmq_steer_free(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	kvfree(rcu_dereference_protected(priv->steer, true));
	RCU_INIT_POINTER(priv->steer, NULL);
}

/**
 * vnetmq_steer_set_queues() - the RX queue count changed (ethtool -L)
 * @dev: the device
 *
 * A default table spreads over the new count; a table the user set is
 * left as it is, and the core refused a count that would strand its
 * queues, as it refuses one below the queues of a context or a rule.
 *
 * Context: RTNL.
 */
void vnetmq_steer_set_queues(struct net_device *dev)
{
	struct vnetmq_steer *st;

	if (netif_is_rxfh_configured(dev))
		return;
	/* Without memory the old table stays: the datapath folds a queue
	 * out of range back into it (vnetmq_steer_pick()).
	 */
	st = vnetmq_steer_dup(dev);
	if (!st)
		return;
	vnetmq_rss_indir_spread(&st->ctx[0], dev->real_num_rx_queues);
	vnetmq_steer_publish(dev, st);
}

/**
 * vnetmq_steer_rx() - the RX queue of a frame the peer sends to @dev
 * @dev: the receiving end
 * @skb: the frame, at its Ethernet header
 *
 * Sets the frame's hash when RX hashing is on (with its L3 or L4 type),
 * and clears the sender's otherwise.  Rules apply while ntuple is on.
 *
 * Context: RCU-BH (ndo_start_xmit of the peer).
 * Return: an RX queue below @dev's real count, or VNETMQ_STEER_DROP.
 */
u32 vnetmq_steer_rx(struct net_device *dev, struct sk_buff *skb)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	netdev_features_t features = READ_ONCE(dev->features);
	const struct vnetmq_steer *st = rcu_dereference_bh(priv->steer);
	unsigned int nrx = READ_ONCE(dev->real_num_rx_queues);
	enum pkt_hash_types type;
	struct vnetmq_flow f;
	u32 q, hash;

	vnetmq_flow_parse(skb, &f);
	if (features & NETIF_F_NTUPLE) {
		q = vnetmq_steer_pick(st, &f, nrx, &hash, &type);
	} else {
		hash = vnetmq_rss_hash(&st->ctx[0], &f, &type);
		q = st->ctx[0].indir[hash % VNETMQ_RSS_INDIR_SIZE];
		q = likely(q < nrx) ? q : q % nrx;
	}
	if ((features & NETIF_F_RXHASH) && type != PKT_HASH_TYPE_NONE)
		skb_set_hash(skb, hash, type);
	else
		skb_clear_hash(skb);
	return q;
}

static bool vnetmq_steer_refuse(struct net_device *dev,
				struct netlink_ext_ack *extack)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	if (rcu_access_pointer(priv->peer) != dev)
		return false;
	NL_SET_ERR_MSG(extack, "vnetmq steers the frames a pair's end receives; a lone device loops each TX queue back to its mapped RX queue");
	return true;
}

/**
 * vnetmq_get_rxfh_key_size() - ethtool_ops.get_rxfh_key_size: the Toeplitz key's size
 * @dev: the device
 * Return: VNETMQ_RSS_KEY_SIZE.
 */
u32 vnetmq_get_rxfh_key_size(struct net_device *dev)
{
	return VNETMQ_RSS_KEY_SIZE;
}

/**
 * vnetmq_get_rxfh_indir_size() - ethtool_ops.get_rxfh_indir_size: entries of every context's table
 * @dev: the device
 * Return: VNETMQ_RSS_INDIR_SIZE.
 */
u32 vnetmq_get_rxfh_indir_size(struct net_device *dev)
{
	return VNETMQ_RSS_INDIR_SIZE;
}

/**
 * vnetmq_get_rx_ring_count() - ethtool_ops.get_rx_ring_count: the real RX queues
 * @dev: the device
 * Return: real_num_rx_queues.
 */
u32 vnetmq_get_rx_ring_count(struct net_device *dev)
{
	return dev->real_num_rx_queues;
}

static void vnetmq_rss_ctx_get(const struct vnetmq_rss_ctx *ctx, u32 *indir,
			       u8 *key, u8 *hfunc, u8 *xfrm)
{
	unsigned int i;

	if (indir)
		for (i = 0; i < VNETMQ_RSS_INDIR_SIZE; i++)
			indir[i] = ctx->indir[i];
	if (key)
		memcpy(key, ctx->key, VNETMQ_RSS_KEY_SIZE);
	*hfunc = ETH_RSS_HASH_TOP;
	*xfrm = ctx->xfrm;
}

/**
 * vnetmq_get_rxfh() - ethtool_ops.get_rxfh: context 0's table, key and transform
 * @dev: the device
 * @rxfh: what to set, or where to get
 *
 * Context: RTNL or the core's rss_lock; the tables are read under RCU.
 * Return: 0, or -EOPNOTSUPP on a lone device.
 */
int vnetmq_get_rxfh(struct net_device *dev,
		    struct ethtool_rxfh_param *rxfh)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	if (vnetmq_steer_refuse(dev, NULL))
		return -EOPNOTSUPP;
	rcu_read_lock();
	vnetmq_rss_ctx_get(&rcu_dereference(priv->steer)->ctx[0], rxfh->indir,
			   rxfh->key, &rxfh->hfunc, &rxfh->input_xfrm);
	rcu_read_unlock();
	return 0;
}

/*
 * Apply what @rxfh sets to @ctx; the core has checked the entries
 * against the RX queues, the sizes, and input_xfrm against
 * supported_input_xfrm.  Toeplitz is the only function.
 */
static int vnetmq_rss_ctx_set(struct vnetmq_rss_ctx *ctx,
			      const struct ethtool_rxfh_param *rxfh,
			      struct netlink_ext_ack *extack)
{
	unsigned int i;

	if (rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE &&
	    rxfh->hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG(extack, "vnetmq hashes with Toeplitz only");
		return -EOPNOTSUPP;
	}
	if (rxfh->indir)
		for (i = 0; i < VNETMQ_RSS_INDIR_SIZE; i++)
			ctx->indir[i] = rxfh->indir[i];
	if (rxfh->key)
		memcpy(ctx->key, rxfh->key, VNETMQ_RSS_KEY_SIZE);
	if (rxfh->input_xfrm != RXH_XFRM_NO_CHANGE)
		ctx->xfrm = rxfh->input_xfrm;
	return 0;
}

/**
 * vnetmq_set_rxfh() - ethtool_ops.set_rxfh: change context 0 (ethtool -X)
 * @dev: the device
 * @rxfh: what to set, or where to get
 * @extack: where a refusal is explained
 *
 * Context: RTNL.
 * Return: 0 or a negative errno, said in @extack.
 */
int vnetmq_set_rxfh(struct net_device *dev,
		    struct ethtool_rxfh_param *rxfh,
		    struct netlink_ext_ack *extack)
{
	struct vnetmq_steer *st;
	int err;

	if (vnetmq_steer_refuse(dev, extack))
		return -EOPNOTSUPP;
	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	err = vnetmq_rss_ctx_set(&st->ctx[0], rxfh, extack);
	if (err) {
		kvfree(st);
		return err;
	}
	vnetmq_steer_publish(dev, st);
	return 0;
}

/* Tell the core's copy of a context what the driver chose for it. */
static void vnetmq_rss_ctx_report(struct ethtool_rxfh_context *ctx,
				  const struct vnetmq_rss_ctx *c)
{
	vnetmq_rss_ctx_get(c, ethtool_rxfh_context_indir(ctx),
			   ethtool_rxfh_context_key(ctx), &ctx->hfunc,
			   &ctx->input_xfrm);
}

/**
 * vnetmq_create_rxfh_context() - ethtool_ops.create_rxfh_context: ethtool -X context new
 * @dev: the device
 * @ctx: the core's copy of the context
 * @rxfh: what to set, or where to get
 * @extack: where a refusal is explained
 *
 * Context: RTNL.
 * Return: 0 or a negative errno, said in @extack.
 */
int vnetmq_create_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       const struct ethtool_rxfh_param *rxfh,
			       struct netlink_ext_ack *extack)
{
	u32 id = rxfh->rss_context;
	struct vnetmq_steer *st;
	int err;

	if (vnetmq_steer_refuse(dev, extack))
		return -EOPNOTSUPP;
	/* rxfh_max_num_contexts keeps the core's IDs in range. */
	if (WARN_ON_ONCE(!id || id >= VNETMQ_RSS_MAX_CTX))
		return -EINVAL;
	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	vnetmq_rss_ctx_init(&st->ctx[id], dev->real_num_rx_queues);
	err = vnetmq_rss_ctx_set(&st->ctx[id], rxfh, extack);
	if (err) {
		kvfree(st);
		return err;
	}
	vnetmq_rss_ctx_report(ctx, &st->ctx[id]);
	vnetmq_steer_publish(dev, st);
	return 0;
}

/**
 * vnetmq_modify_rxfh_context() - ethtool_ops.modify_rxfh_context: ethtool -X context N
 * @dev: the device
 * @ctx: the core's copy of the context
 * @rxfh: what to set, or where to get
 * @extack: where a refusal is explained
 *
 * Context: RTNL.
 * Return: 0 or a negative errno, said in @extack.
 */
int vnetmq_modify_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       const struct ethtool_rxfh_param *rxfh,
			       struct netlink_ext_ack *extack)
{
	struct vnetmq_steer *st;
	int err;

	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	err = vnetmq_rss_ctx_set(&st->ctx[rxfh->rss_context], rxfh, extack);
	if (err) {
		kvfree(st);
		return err;
	}
	vnetmq_steer_publish(dev, st);
	return 0;
}

/**
 * vnetmq_remove_rxfh_context() - ethtool_ops.remove_rxfh_context: ethtool -X context N delete
 * @dev: the device
 * @ctx: the core's copy of the context
 * @rss_context: the context's ID
 * @extack: where a refusal is explained
 *
 *
 * Context: RTNL.
 * Return: 0 or -ENOMEM.
 */
int vnetmq_remove_rxfh_context(struct net_device *dev,
			       struct ethtool_rxfh_context *ctx,
			       u32 rss_context,
			       struct netlink_ext_ack *extack)
{
	struct vnetmq_steer *st;

	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	memset(&st->ctx[rss_context], 0, sizeof(st->ctx[0]));
	vnetmq_steer_publish(dev, st);
	return 0;
}

/**
 * vnetmq_get_rxfh_fields() - ethtool_ops.get_rxfh_fields: ethtool -n rx-flow-hash
 * @dev: the device
 * @fields: the flow type, and its fields
 *
 * Context: RTNL or the core's rss_lock; the tables are read under RCU.
 * Return: 0, -EOPNOTSUPP for a flow type vnetmq does not hash or on a
 * lone device, -ENOENT for no such context.
 */
int vnetmq_get_rxfh_fields(struct net_device *dev,
			   struct ethtool_rxfh_fields *fields)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	const struct vnetmq_rss_ctx *ctx;
	int err = 0;

	if (vnetmq_steer_refuse(dev, NULL) ||
	    !vnetmq_rss_fields_ok(fields->flow_type, 0))
		return -EOPNOTSUPP;
	if (fields->rss_context >= VNETMQ_RSS_MAX_CTX)
		return -ENOENT;
	rcu_read_lock();
	ctx = &rcu_dereference(priv->steer)->ctx[fields->rss_context];
	if (ctx->used)
		fields->data = ctx->fields[fields->flow_type];
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}

/**
 * vnetmq_set_rxfh_fields() - ethtool_ops.set_rxfh_fields: ethtool -N rx-flow-hash
 * @dev: the device
 * @fields: the flow type, and its fields
 * @extack: where a refusal is explained
 *
 * Context: RTNL.
 * Return: 0 or a negative errno, said in @extack.
 */
int vnetmq_set_rxfh_fields(struct net_device *dev,
			   const struct ethtool_rxfh_fields *fields,
			   struct netlink_ext_ack *extack)
{
	struct vnetmq_steer *st;

	if (vnetmq_steer_refuse(dev, extack))
		return -EOPNOTSUPP;
	if (!vnetmq_rss_fields_ok(fields->flow_type, 0)) {
		NL_SET_ERR_MSG(extack, "vnetmq hashes TCP, UDP, SCTP and other IP flows of IPv4 and IPv6 only");
		return -EOPNOTSUPP;
	}
	if (!vnetmq_rss_fields_ok(fields->flow_type, fields->data)) {
		NL_SET_ERR_MSG(extack, "this flow type cannot hash on a field asked for: ports need TCP, UDP or SCTP, the flow label IPv6");
		return -EINVAL;
	}
	if (fields->rss_context >= VNETMQ_RSS_MAX_CTX ||
	    !vnetmq_steer_cur(dev)->ctx[fields->rss_context].used) {
		NL_SET_ERR_MSG(extack, "no such RSS context");
		return -ENOENT;
	}
	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	st->ctx[fields->rss_context].fields[fields->flow_type] = fields->data;
	vnetmq_steer_publish(dev, st);
	return 0;
}

static int vnetmq_get_rules(const struct vnetmq_steer *st,
			    struct ethtool_rxnfc *info, u32 *rule_locs)
{
	const struct vnetmq_rule *r;
	unsigned int i;

	switch (info->cmd) {
	case ETHTOOL_GRXCLSRLCNT:
		info->rule_cnt = st->nr_rules;
		info->data = VNETMQ_MAX_RULES | RX_CLS_LOC_SPECIAL;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		r = vnetmq_rule_find(st, info->fs.location);
		if (!r)
			return -ENOENT;
		info->fs = r->fs;
		info->rss_context = r->rss_context;
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		if (info->rule_cnt < st->nr_rules)
			return -EMSGSIZE;
		for (i = 0; i < st->nr_rules; i++)
			rule_locs[i] = st->rule[i].fs.location;
		info->rule_cnt = st->nr_rules;
		info->data = VNETMQ_MAX_RULES;
		return 0;
	}
	return -EOPNOTSUPP;
}

/**
 * vnetmq_get_rxnfc() - ethtool_ops.get_rxnfc: the ntuple rules (ethtool -n)
 * @dev: the device
 * @info: the request
 * @rule_locs: where GRXCLSRLALL writes the locations
 *
 * Context: RTNL or the core's rss_lock; the tables are read under RCU.
 * Return: 0 or a negative errno.
 */
int vnetmq_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
		     u32 *rule_locs)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	int err;

	if (vnetmq_steer_refuse(dev, NULL))
		return -EOPNOTSUPP;
	rcu_read_lock();
	err = vnetmq_get_rules(rcu_dereference(priv->steer), info, rule_locs);
	rcu_read_unlock();
	return err;
}

static int vnetmq_add_rule(struct net_device *dev, struct ethtool_rxnfc *info)
{
	struct ethtool_rx_flow_spec *fs = &info->fs;
	struct vnetmq_steer *st;
	int loc, err;

	if (!(dev->features & NETIF_F_NTUPLE))
		return -EOPNOTSUPP;
	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	if (fs->location & RX_CLS_LOC_SPECIAL) {
		loc = vnetmq_rule_same(st, fs);
		if (loc < 0)
			loc = vnetmq_rule_free_loc(st, fs->location);
		if (loc < 0) {
			err = loc;
			goto out;
		}
		fs->location = loc;
	}
	err = vnetmq_rule_check(st, fs, info->rss_context,
				dev->real_num_rx_queues);
	if (err)
		goto out;
	vnetmq_rule_insert(st, fs, info->rss_context);
	vnetmq_steer_publish(dev, st);
	return 0;
out:
	kvfree(st);
	return err;
}

static int vnetmq_del_rule(struct net_device *dev, u32 loc)
{
	struct vnetmq_steer *st;
	int err;

	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	err = vnetmq_rule_delete(st, loc);
	if (err) {
		kvfree(st);
		return err;
	}
	vnetmq_steer_publish(dev, st);
	return 0;
}

/**
 * vnetmq_set_rxnfc() - ethtool_ops.set_rxnfc: add or delete an ntuple rule (ethtool -N)
 * @dev: the device
 * @info: the request
 *
 * Context: RTNL.
 * Return: 0, or the errno of vnetmq_rule_check(), -ENOSPC with every location taken, -ENOENT for no rule at a location deleted, -EOPNOTSUPP with ntuple off or on a lone device.
 */
int vnetmq_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info)
{
	if (vnetmq_steer_refuse(dev, NULL))
		return -EOPNOTSUPP;
	switch (info->cmd) {
	case ETHTOOL_SRXCLSRLINS:
		return vnetmq_add_rule(dev, info);
	case ETHTOOL_SRXCLSRLDEL:
		return vnetmq_del_rule(dev, info->fs.location);
	}
	return -EOPNOTSUPP;
}
