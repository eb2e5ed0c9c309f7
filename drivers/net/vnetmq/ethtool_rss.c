// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq RSS's ethtool operations: context 0's key, table and transform
 * (-x/-X), more contexts (-X context new), and the fields each context
 * hashes (-N rx-flow-hash).  Each change publishes a new snapshot of the
 * tables (steer.c).
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "vnetmq.h"

/**
 * vnetmq_get_rxfh_key_size() - the Toeplitz key's size
 * @dev: the device
 *
 * Return: VNETMQ_RSS_KEY_SIZE.
 */
u32 vnetmq_get_rxfh_key_size(struct net_device *dev)
{
	return VNETMQ_RSS_KEY_SIZE;
}

/**
 * vnetmq_get_rxfh_indir_size() - entries of every context's table
 * @dev: the device
 *
 * Return: VNETMQ_RSS_INDIR_SIZE.
 */
u32 vnetmq_get_rxfh_indir_size(struct net_device *dev)
{
	return VNETMQ_RSS_INDIR_SIZE;
}

/**
 * vnetmq_get_rx_ring_count() - the real RX queues
 * @dev: the device
 *
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
 * vnetmq_get_rxfh() - context 0's table, key and transform
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
EXPORT_SYMBOL_IF_KUNIT(vnetmq_get_rxfh);

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

/*
 * Publish @st, changed in context @id, unless a symmetric transform no
 * longer fits that context's fields, or a rule through the context now
 * reaches past the RX queues (the core checks neither for a context).
 * @st is the caller's no more.
 */
static int vnetmq_rss_commit(struct net_device *dev, struct vnetmq_steer *st,
			     u32 id, struct netlink_ext_ack *extack)
{
	if (!vnetmq_rss_sym_ok(&st->ctx[id])) {
		NL_SET_ERR_MSG(extack,
			       "a symmetric transform needs sources and destinations hashed in pairs, and no flow label");
		kvfree(st);
		return -EINVAL;
	}
	if (vnetmq_rules_queues(st) > dev->real_num_rx_queues) {
		NL_SET_ERR_MSG(extack,
			       "an ntuple rule adds its queue to this context's entries: the sum must be an RX queue");
		kvfree(st);
		return -EINVAL;
	}
	vnetmq_steer_publish(dev, st);
	return 0;
}

/* Apply @rxfh to context @id, on a copy of the tables, and commit. */
static int vnetmq_rss_apply(struct net_device *dev, struct vnetmq_steer *st,
			    u32 id, const struct ethtool_rxfh_param *rxfh,
			    struct netlink_ext_ack *extack)
{
	int err;

	if (!st)
		return -ENOMEM;
	err = vnetmq_rss_ctx_set(&st->ctx[id], rxfh, extack);
	if (err) {
		kvfree(st);
		return err;
	}
	return vnetmq_rss_commit(dev, st, id, extack);
}

/**
 * vnetmq_set_rxfh() - change context 0 (ethtool -X)
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
	if (vnetmq_steer_refuse(dev, extack))
		return -EOPNOTSUPP;
	return vnetmq_rss_apply(dev, vnetmq_steer_dup(dev), 0, rxfh, extack);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_rxfh);

/* Tell the core's copy of a context what the driver chose for it. */
static void vnetmq_rss_ctx_report(struct ethtool_rxfh_context *ctx,
				  const struct vnetmq_rss_ctx *c)
{
	vnetmq_rss_ctx_get(c, ethtool_rxfh_context_indir(ctx),
			   ethtool_rxfh_context_key(ctx), &ctx->hfunc,
			   &ctx->input_xfrm);
}

/**
 * vnetmq_create_rxfh_context() - ethtool -X context new
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
	/* The core keeps what it reports; it frees @ctx if this fails. */
	vnetmq_rss_ctx_report(ctx, &st->ctx[id]);
	return vnetmq_rss_commit(dev, st, id, extack);
}

/**
 * vnetmq_modify_rxfh_context() - ethtool -X context N
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
	return vnetmq_rss_apply(dev, vnetmq_steer_dup(dev), rxfh->rss_context,
				rxfh, extack);
}

/**
 * vnetmq_remove_rxfh_context() - ethtool -X context N delete
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
 * vnetmq_get_rxfh_fields() - ethtool -n rx-flow-hash
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
 * vnetmq_set_rxfh_fields() - ethtool -N rx-flow-hash
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
		NL_SET_ERR_MSG(extack,
			       "vnetmq hashes TCP, UDP, SCTP and other IP flows of IPv4 and IPv6 only");
		return -EOPNOTSUPP;
	}
	if (!vnetmq_rss_fields_ok(fields->flow_type, fields->data)) {
		NL_SET_ERR_MSG(extack,
			       "this flow type cannot hash on a field asked for: ports need TCP, UDP or SCTP, the flow label IPv6");
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
	return vnetmq_rss_commit(dev, st, fields->rss_context, extack);
}
