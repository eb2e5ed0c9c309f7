// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq ethtool operations: channels (-L), rings (-G), coalescing (-C),
 * stats (-S) and the message level (-s msglvl).  Offloads (-k/-K) are
 * the core's; receive steering's (-x/-X, -n/-N) are steer.c's.
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>

#include "vnetmq.h"

static void vnetmq_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	strscpy(info->driver, VNETMQ_DRV_NAME, sizeof(info->driver));
	/* Names the device's debugfs directory, vnetmq/<id>/. */
	snprintf(info->bus_info, sizeof(info->bus_info), "%s.%d",
		 VNETMQ_DRV_NAME, priv->id);
}

static void vnetmq_get_channels(struct net_device *dev,
				struct ethtool_channels *ch)
{
	vnetmq_channels_from_queues(ch, dev->num_tx_queues, dev->num_rx_queues,
				    dev->real_num_tx_queues,
				    dev->real_num_rx_queues);
}

/* The core has checked each count against get_channels' maxima. */
static int vnetmq_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	unsigned int tx, rx;

	if (vnetmq_channels_to_queues(ch, dev->num_tx_queues,
				      dev->num_rx_queues, &tx, &rx)) {
		/* set_channels has no extack: the log says why. */
		netdev_info(dev, "channels ask for %u TX and %u RX queues (combined + tx, combined + rx); the device has up to %u and %u\n",
			    tx, rx, dev->num_tx_queues, dev->num_rx_queues);
		return -EINVAL;
	}
	return vnetmq_set_queues(dev, tx, rx);
}

static u32 vnetmq_get_msglevel(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return priv->msg_enable;
}

static void vnetmq_set_msglevel(struct net_device *dev, u32 value)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	priv->msg_enable = value;
}

static void vnetmq_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	ring->rx_max_pending = VNETMQ_MAX_RING_SIZE;
	ring->rx_pending = priv->ring_size;
}

static int vnetmq_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	return vnetmq_set_ring_size(dev, ring->rx_pending, extack);
}

static int vnetmq_get_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	ec->rx_max_coalesced_frames = priv->coal.frames;
	ec->rx_coalesce_usecs = priv->coal.usecs;
	return 0;
}

/* The core refuses the parameters supported_coalesce_params lacks. */
static int vnetmq_set_coalesce(struct net_device *dev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	int err;

	err = vnetmq_coal_check(ec->rx_max_coalesced_frames,
				ec->rx_coalesce_usecs, extack);
	if (err)
		return err;
	vnetmq_set_coal(dev, ec->rx_max_coalesced_frames,
			ec->rx_coalesce_usecs);
	return 0;
}

const struct ethtool_ops vnetmq_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.supported_input_xfrm	= RXH_XFRM_SYM_XOR | RXH_XFRM_SYM_OR_XOR,
	.rxfh_per_ctx_fields	= 1,
	.rxfh_per_ctx_key	= 1,
	.cap_rss_rxnfc_adds	= 1,
	.rxfh_max_num_contexts	= VNETMQ_RSS_MAX_CTX,
	.get_drvinfo		= vnetmq_get_drvinfo,
	.get_msglevel		= vnetmq_get_msglevel,
	.set_msglevel		= vnetmq_set_msglevel,
	.get_link		= ethtool_op_get_link,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_channels		= vnetmq_get_channels,
	.set_channels		= vnetmq_set_channels,
	.get_ringparam		= vnetmq_get_ringparam,
	.set_ringparam		= vnetmq_set_ringparam,
	.get_coalesce		= vnetmq_get_coalesce,
	.set_coalesce		= vnetmq_set_coalesce,
	.get_sset_count		= vnetmq_get_sset_count,
	.get_strings		= vnetmq_get_strings,
	.get_ethtool_stats	= vnetmq_get_ethtool_stats,
	.get_rx_ring_count	= vnetmq_get_rx_ring_count,
	.get_rxfh_key_size	= vnetmq_get_rxfh_key_size,
	.get_rxfh_indir_size	= vnetmq_get_rxfh_indir_size,
	.get_rxfh		= vnetmq_get_rxfh,
	.set_rxfh		= vnetmq_set_rxfh,
	.get_rxfh_fields	= vnetmq_get_rxfh_fields,
	.set_rxfh_fields	= vnetmq_set_rxfh_fields,
	.create_rxfh_context	= vnetmq_create_rxfh_context,
	.modify_rxfh_context	= vnetmq_modify_rxfh_context,
	.remove_rxfh_context	= vnetmq_remove_rxfh_context,
	.get_rxnfc		= vnetmq_get_rxnfc,
	.set_rxnfc		= vnetmq_set_rxnfc,
};
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ethtool_ops);
