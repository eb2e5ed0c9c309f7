// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq: a virtual multiqueue loopback Ethernet device.
 *
 * Every frame transmitted on TX queue q comes back to the same device on
 * RX queue vnetmq_rxq_for_txq(q).  Devices are created and deleted only
 * through rtnetlink:
 *
 *   ip link add vnetmq0 numtxqueues 4 numrxqueues 2 type vnetmq
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "vnetmq.h"

#define VNETMQ_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			 NETIF_F_RXCSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE)

static void vnetmq_count_tx(struct vnetmq_txq_stats *st, unsigned int len,
			    bool delivered)
{
	u64_stats_update_begin(&st->syncp);
	if (delivered) {
		u64_stats_inc(&st->packets);
		u64_stats_add(&st->bytes, len);
	} else {
		u64_stats_inc(&st->drops);
	}
	u64_stats_update_end(&st->syncp);
}

static netdev_tx_t vnetmq_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	u16 txq = skb_get_queue_mapping(skb);
	unsigned int len = skb->len;
	bool delivered = false;
	u16 rxq;

	rxq = vnetmq_rxq_for_txq(txq, READ_ONCE(dev->real_num_rx_queues));
	skb_tx_timestamp(skb);
	/* Frees the skb and counts it in rx_dropped when it cannot cross. */
	if (__dev_forward_skb(dev, skb) == 0) {
		skb_record_rx_queue(skb, rxq);
		delivered = netif_rx(skb) == NET_RX_SUCCESS;
	}
	vnetmq_count_tx(&priv->txq_stats[txq], len, delivered);
	return NETDEV_TX_OK;
}

static void vnetmq_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *tot)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i, start;

	for (i = 0; i < dev->num_tx_queues; i++) {
		const struct vnetmq_txq_stats *st = &priv->txq_stats[i];
		u64 packets, bytes, drops;

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			packets = u64_stats_read(&st->packets);
			bytes = u64_stats_read(&st->bytes);
			drops = u64_stats_read(&st->drops);
		} while (u64_stats_fetch_retry(&st->syncp, start));

		/* A loopback: what a TX queue delivered is what RX received. */
		tot->tx_packets += packets;
		tot->tx_bytes += bytes;
		tot->tx_dropped += drops;
		tot->rx_packets += packets;
		tot->rx_bytes += bytes;
	}
}

static int vnetmq_dev_init(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	priv->txq_stats = kcalloc(dev->num_tx_queues,
				  sizeof(*priv->txq_stats), GFP_KERNEL);
	if (!priv->txq_stats)
		return -ENOMEM;
	for (i = 0; i < dev->num_tx_queues; i++)
		u64_stats_init(&priv->txq_stats[i].syncp);
	return 0;
}

/* Runs at free_netdev() time, after the last reader of the stats. */
static void vnetmq_dev_free(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	kfree(priv->txq_stats);
}

static const struct net_device_ops vnetmq_netdev_ops = {
	.ndo_init		= vnetmq_dev_init,
	.ndo_start_xmit		= vnetmq_start_xmit,
	.ndo_get_stats64	= vnetmq_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_features_check	= passthru_features_check,
};

static void vnetmq_setup(struct net_device *dev)
{
	ether_setup(dev);

	/* TX skbs are handed to the RX side: they must not be shared. */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;

	dev->netdev_ops = &vnetmq_netdev_ops;
	dev->features |= VNETMQ_FEATURES;
	dev->hw_features = VNETMQ_FEATURES;
	dev->hw_enc_features = VNETMQ_FEATURES;
	dev->vlan_features = VNETMQ_FEATURES;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vnetmq_dev_free;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);

	eth_hw_addr_random(dev);
}

static int vnetmq_validate_queues(struct nlattr *attr, const char *dir,
				  struct netlink_ext_ack *extack)
{
	if (attr && nla_get_u32(attr) > VNETMQ_MAX_QUEUES) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"vnetmq supports at most %u %s queues",
					VNETMQ_MAX_QUEUES, dir);
		return -EINVAL;
	}
	return 0;
}

static int vnetmq_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	int err;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid Ethernet address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid unicast Ethernet address");
			return -EADDRNOTAVAIL;
		}
	}
	err = vnetmq_validate_queues(tb[IFLA_NUM_TX_QUEUES], "TX", extack);
	if (err)
		return err;
	return vnetmq_validate_queues(tb[IFLA_NUM_RX_QUEUES], "RX", extack);
}

static unsigned int vnetmq_default_tx_queues(void)
{
	return VNETMQ_DEF_TX_QUEUES;
}

static unsigned int vnetmq_default_rx_queues(void)
{
	return VNETMQ_DEF_RX_QUEUES;
}

static struct rtnl_link_ops vnetmq_link_ops __read_mostly = {
	.kind			= VNETMQ_DRV_NAME,
	.priv_size		= sizeof(struct vnetmq_priv),
	.setup			= vnetmq_setup,
	.validate		= vnetmq_validate,
	.get_num_tx_queues	= vnetmq_default_tx_queues,
	.get_num_rx_queues	= vnetmq_default_rx_queues,
};

static int __init vnetmq_init(void)
{
	return rtnl_link_register(&vnetmq_link_ops);
}

/* rtnl_link_unregister() deletes every vnetmq device in every netns. */
static void __exit vnetmq_exit(void)
{
	rtnl_link_unregister(&vnetmq_link_ops);
}

module_init(vnetmq_init);
module_exit(vnetmq_exit);

MODULE_DESCRIPTION("Virtual multiqueue loopback Ethernet device");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(VNETMQ_DRV_NAME);
