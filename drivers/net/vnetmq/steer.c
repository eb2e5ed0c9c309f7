// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq receive steering's glue: the snapshots of the tables (struct
 * vnetmq_steer) that the peer's transmits steer by, and the datapath's
 * entry.  What the tables mean is rss.c's and ntuple.c's; ethtool_rss.c
 * and ethtool_ntuple.c change them.
 *
 * Steering acts on the frames an end of a pair receives from its peer.
 * A lone device loops its TX queues back by its TX map, which RSS would
 * contradict: it refuses the steering operations.
 *
 * The core calls every operation under RTNL, vnetmq not being
 * ops-locked (were it, the set operations would lose RTNL and need a
 * lock of their own); the snapshot's readers besides use RCU.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "vnetmq.h"

/**
 * vnetmq_steer_cur() - the tables in force, for their writer
 * @dev: the device
 *
 * Context: RTNL.
 * Return: the published snapshot.
 */
struct vnetmq_steer *vnetmq_steer_cur(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return rtnl_dereference(priv->steer);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_steer_cur);

/**
 * vnetmq_steer_dup() - a private copy of the tables in force
 * @dev: the device
 *
 * To change, then publish with vnetmq_steer_publish() or free.
 *
 * Context: RTNL.
 * Return: the copy, or NULL without memory.
 */
struct vnetmq_steer *vnetmq_steer_dup(struct net_device *dev)
{
	return kvmemdup(vnetmq_steer_cur(dev), sizeof(struct vnetmq_steer),
			GFP_KERNEL);
}

/**
 * vnetmq_steer_publish() - replace the tables
 * @dev: the device
 * @st: the new tables, from vnetmq_steer_dup()
 *
 * A transmit of the peer reads either the old or the new snapshot,
 * whole; the old one is freed after those transmits.
 *
 * Context: RTNL.
 */
void vnetmq_steer_publish(struct net_device *dev, struct vnetmq_steer *st)
{
	struct vnetmq_steer *old = vnetmq_steer_cur(dev);
	struct vnetmq_priv *priv = netdev_priv(dev);

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

	st = kvzalloc_obj(*st);
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
 * vnetmq_steer_queues_prepare() - the tables for a new RX queue count
 * @dev: the device
 * @rx: the RX queue count ethtool -L asks for
 * @stp: set to the tables to publish once the count has changed, or
 *	NULL when they stay as they are
 *
 * A default table spreads over the new count; a table the user set is
 * left as it is, and the core refuses a count that would strand its
 * queues, as it refuses one below a context's.  A rule's queue, plus its
 * context's entries, is checked here: the core counts the queue only.
 * Memory is taken before anything changes.
 *
 * Context: RTNL.
 * Return: 0, -EINVAL if a rule sends frames to a queue at or above @rx
 * (the log says which), or -ENOMEM.
 */
int vnetmq_steer_queues_prepare(struct net_device *dev, unsigned int rx,
				struct vnetmq_steer **stp)
{
	struct vnetmq_steer *cur = vnetmq_steer_cur(dev);
	unsigned int need = vnetmq_rules_queues(cur);

	*stp = NULL;
	if (need > rx) {
		netdev_info(dev, "ntuple rules send frames to RX queue %u: delete them first\n",
			    need - 1);
		return -EINVAL;
	}
	if (netif_is_rxfh_configured(dev))
		return 0;
	*stp = vnetmq_steer_dup(dev);
	if (!*stp)
		return -ENOMEM;
	vnetmq_rss_indir_spread(&(*stp)->ctx[0], rx);
	return 0;
}

/**
 * vnetmq_steer_rx() - the RX queue of a frame the peer sends to @dev
 * @dev: the receiving end
 * @skb: the frame, at its Ethernet header
 *
 * Sets the frame's hash when RX hashing is on (with its L3 or L4 type),
 * and clears the sender's otherwise.
 *
 * Context: RCU-BH (ndo_start_xmit of the peer).
 * Return: an RX queue below @dev's real count, or VNETMQ_STEER_DROP.
 */
u32 vnetmq_steer_rx(struct net_device *dev, struct sk_buff *skb)
{
	netdev_features_t features = READ_ONCE(dev->features);
	struct vnetmq_priv *priv = netdev_priv(dev);
	const struct vnetmq_steer *st = rcu_dereference_bh(priv->steer);
	unsigned int nrx = READ_ONCE(dev->real_num_rx_queues);
	enum pkt_hash_types type;
	struct vnetmq_flow f;
	u32 q, hash;

	vnetmq_flow_parse(skb, &f);
	/* With ntuple-filters off there are no rules: turning it off
	 * deleted them, and none is added while it is off.
	 */
	q = vnetmq_steer_pick(st, &f, nrx, &hash, &type);
	if ((features & NETIF_F_RXHASH) && type != PKT_HASH_TYPE_NONE)
		skb_set_hash(skb, hash, type);
	else
		skb_clear_hash(skb);
	return q;
}

/**
 * vnetmq_steer_refuse() - refuse steering on a lone device
 * @dev: the device
 * @extack: where to say why, if there is one
 *
 * Return: true if @dev is alone: the caller returns -EOPNOTSUPP.
 */
bool vnetmq_steer_refuse(struct net_device *dev,
			 struct netlink_ext_ack *extack)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	if (rcu_access_pointer(priv->peer) != dev)
		return false;
	NL_SET_ERR_MSG(extack,
		       "vnetmq steers the frames a pair's end receives; a lone device loops each TX queue back to its mapped RX queue");
	return true;
}

/**
 * vnetmq_steer_features() - offer what a pair's end does as a receiver
 * @dev: an end of a pair, not yet registered
 *
 * RX hashing and ntuple filters, on by default; a lone device, which
 * steers nothing, does not offer them.  Nor can it turn rx-checksumming
 * off, which a pair's end can: it then reports no checksum verified
 * (vnetmq_skb_wire_csum()).
 */
void vnetmq_steer_features(struct net_device *dev)
{
	dev->hw_features |= VNETMQ_STEER_FEATURES | NETIF_F_RXCSUM;
	dev->features |= VNETMQ_STEER_FEATURES;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_steer_features);
