// SPDX-License-Identifier: GPL-2.0-only
/* vnetmq ethtool operations: channels (-L), rings (-G), stats (-S). */

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
	ch->max_rx = dev->num_rx_queues;
	ch->max_tx = dev->num_tx_queues;
	ch->rx_count = dev->real_num_rx_queues;
	ch->tx_count = dev->real_num_tx_queues;
}

/* The core has checked the counts against get_channels' maxima. */
static int vnetmq_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	if (!ch->rx_count || !ch->tx_count || ch->combined_count)
		return -EINVAL;
	return vnetmq_set_queues(dev, ch->tx_count, ch->rx_count);
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

const struct ethtool_ops vnetmq_ethtool_ops = {
	.get_drvinfo		= vnetmq_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_channels		= vnetmq_get_channels,
	.set_channels		= vnetmq_set_channels,
	.get_ringparam		= vnetmq_get_ringparam,
	.set_ringparam		= vnetmq_set_ringparam,
	.get_sset_count		= vnetmq_get_sset_count,
	.get_strings		= vnetmq_get_strings,
	.get_ethtool_stats	= vnetmq_get_ethtool_stats,
};
