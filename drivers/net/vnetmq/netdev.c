// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq: a virtual multiqueue loopback Ethernet device.
 *
 * Every frame transmitted on TX queue q is put on the ring of RX queue
 * vnetmq_rxq_for_txq(q) and received there by that queue's NAPI.  This
 * file is the glue: device setup, rtnetlink, the TX path and the NAPI
 * hooks of the poll core.  Devices are created only through rtnetlink:
 *
 *   ip link add vnetmq0 numtxqueues 4 numrxqueues 2 type vnetmq
 */

#include <kunit/visibility.h>
#include <linux/etherdevice.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <net/netdev_queues.h>
#include <net/rtnetlink.h>

#include "vnetmq.h"

#define VNETMQ_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			 NETIF_F_RXCSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE)

static DEFINE_IDA(vnetmq_ida);

static struct vnetmq_rxq *vnetmq_rxq_of_txq(struct net_device *dev, u16 txq)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	return &priv->rxq[vnetmq_rxq_for_txq(txq, dev->real_num_rx_queues)];
}

static unsigned int vnetmq_feeders(struct net_device *dev, u16 rxq)
{
	return vnetmq_txqs_per_rxq(rxq, dev->real_num_tx_queues,
				   dev->real_num_rx_queues);
}

static netdev_tx_t vnetmq_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct vnetmq_txq_stats *st = &priv->txq_stats[qi];
	enum skb_drop_reason reason;
	unsigned int feeders, start;
	struct vnetmq_rxq *rq;
	unsigned int len;
	bool stopped;

	reason = vnetmq_skb_xmit_prep(dev, skb);
	if (unlikely(reason)) {
		vnetmq_txq_count(st, 0, false, false);
		kfree_skb_reason(skb, reason);
		return NETDEV_TX_OK;
	}
	skb_tx_timestamp(skb);
	len = skb->len;
	rq = vnetmq_rxq_of_txq(dev, qi);
	feeders = vnetmq_feeders(dev, rq->index);

	/* Account before the frame is visible: the RX queue's NAPI may
	 * complete it on another CPU as soon as it is on the ring.
	 */
	netdev_tx_sent_queue(txq, len);
	vnetmq_ring_produce(&rq->ring, skb);
	start = vnetmq_ring_start_thrs(READ_ONCE(rq->ring.size), feeders);
	stopped = !netif_txq_maybe_stop(txq, vnetmq_ring_free(&rq->ring),
					feeders, start);
	vnetmq_txq_count(st, len, true, stopped);
	napi_schedule(&rq->napi);
	return NETDEV_TX_OK;
}

/**
 * vnetmq_napi_receive() - the poll core's receive hook: GRO, then the stack
 * @rq: the RX queue being polled
 * @skb: a received frame
 */
void vnetmq_napi_receive(struct vnetmq_rxq *rq, struct sk_buff *skb)
{
	napi_gro_receive(&rq->napi, skb);
}

/**
 * vnetmq_napi_tx_done() - the poll core's TX completion hook
 * @rq: the RX queue being polled, whose ring the frames left
 * @txq: the TX queue that sent them
 * @pkts: frames completed
 * @bytes: their bytes, as counted at transmit
 *
 * Reports the completion to BQL and wakes @txq if it was stopped and
 * its ring has room again.  Only @rq's NAPI completes @txq's frames, so
 * BQL never sees two completers of one queue.
 */
void vnetmq_napi_tx_done(struct vnetmq_rxq *rq, u16 txq, unsigned int pkts,
			 unsigned int bytes)
{
	unsigned int feeders = vnetmq_feeders(rq->dev, rq->index);
	struct vnetmq_priv *priv = netdev_priv(rq->dev);
	unsigned int start;

	start = vnetmq_ring_start_thrs(READ_ONCE(rq->ring.size), feeders);
	if (!netif_txq_completed_wake(netdev_get_tx_queue(rq->dev, txq),
				      pkts, bytes,
				      vnetmq_ring_free(&rq->ring), start))
		vnetmq_txq_count_wake(&priv->txq_stats[txq]);
}

static bool vnetmq_napi_complete(struct vnetmq_rxq *rq, int work)
{
	return napi_complete_done(&rq->napi, work);
}

static void vnetmq_napi_reschedule(struct vnetmq_rxq *rq)
{
	napi_schedule(&rq->napi);
}

const struct vnetmq_napi_ops vnetmq_napi_ops = {
	.receive	= vnetmq_napi_receive,
	.tx_done	= vnetmq_napi_tx_done,
	.complete	= vnetmq_napi_complete,
	.reschedule	= vnetmq_napi_reschedule,
};

static int vnetmq_poll(struct napi_struct *napi, int budget)
{
	struct vnetmq_rxq *rq = container_of(napi, struct vnetmq_rxq, napi);

	return vnetmq_rx_poll(rq, budget, &vnetmq_napi_ops);
}

/*
 * Bring up NAPI for the real RX queues and link every queue to the NAPI
 * that serves it (a TX queue to the NAPI that completes its frames).
 * Under RTNL, with the TX queues stopped.
 */
static void vnetmq_start_datapath(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < dev->real_num_rx_queues; i++) {
		struct vnetmq_rxq *rq = &priv->rxq[i];

		netif_napi_add_config(dev, &rq->napi, vnetmq_poll, i);
		napi_enable(&rq->napi);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, &rq->napi);
	}
	for (i = 0; i < dev->real_num_tx_queues; i++)
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_TX,
				     &vnetmq_rxq_of_txq(dev, i)->napi);
}

/*
 * Quiesce the datapath and empty every ring.  NAPI goes first, so no poll
 * can wake a TX queue after netif_tx_disable() stopped it; then no
 * transmit is running and the rings can be emptied: delivered when the
 * queues are being reconfigured, dropped when the device goes down.  The
 * rings' frames were never completed, so BQL starts over.  Under RTNL.
 */
static void vnetmq_stop_datapath(struct net_device *dev, bool deliver)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < dev->real_num_rx_queues; i++) {
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, NULL);
		napi_disable(&priv->rxq[i].napi);
	}
	for (i = 0; i < dev->real_num_tx_queues; i++)
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_TX, NULL);
	netif_tx_disable(dev);

	for (i = 0; i < dev->real_num_rx_queues; i++)
		vnetmq_rx_flush(&priv->rxq[i], deliver);
	for (i = 0; i < dev->real_num_tx_queues; i++)
		netdev_tx_reset_queue(netdev_get_tx_queue(dev, i));

	for (i = 0; i < dev->real_num_rx_queues; i++)
		__netif_napi_del(&priv->rxq[i].napi);
	/* One grace period for all the NAPIs deleted above. */
	synchronize_net();
}

static int vnetmq_open(struct net_device *dev)
{
	vnetmq_start_datapath(dev);
	netif_tx_start_all_queues(dev);
	return 0;
}

/* The core has deactivated TX and waited for running transmits. */
static int vnetmq_stop(struct net_device *dev)
{
	vnetmq_stop_datapath(dev, false);
	return 0;
}

static void vnetmq_apply_ring_size(struct net_device *dev, unsigned int size)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;

	priv->ring_size = size;
	/* Idle queues too: they may become real with ethtool -L. */
	for (i = 0; i < dev->num_rx_queues; i++)
		WRITE_ONCE(priv->rxq[i].ring.size, size);
}

/**
 * vnetmq_set_queues() - change the real TX and RX queue counts (ethtool -L)
 * @dev: the device
 * @tx: new real_num_tx_queues, 1..num_tx_queues
 * @rx: new real_num_rx_queues, 1..num_rx_queues
 *
 * Safe while frames flow: the datapath is quiesced, every frame on a ring
 * is delivered and counted, NAPI of removed RX queues is deleted, and the
 * datapath restarts with the new mapping.  Rings grow if the new topology
 * needs more room per RX queue (vnetmq_ring_min_size()).
 *
 * Context: RTNL.
 * Return: 0, or the error of netif_set_real_num_queues(); the old counts
 * then stay in force.
 */
int vnetmq_set_queues(struct net_device *dev, unsigned int tx, unsigned int rx)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	bool running = netif_running(dev);
	int err;

	ASSERT_RTNL();
	if (running)
		vnetmq_stop_datapath(dev, true);
	err = netif_set_real_num_queues(dev, tx, rx);
	if (!err && priv->ring_size < vnetmq_ring_min_size(tx, rx))
		vnetmq_apply_ring_size(dev, vnetmq_ring_min_size(tx, rx));
	if (running) {
		vnetmq_start_datapath(dev);
		netif_tx_wake_all_queues(dev);
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_queues);

/**
 * vnetmq_set_ring_size() - resize every RX ring (ethtool -G rx N)
 * @dev: the device
 * @size: new size in frames, at most VNETMQ_MAX_RING_SIZE (checked by
 *	the ethtool core)
 * @extack: where to say why a size is refused
 *
 * Takes effect at once, frames flowing or not: a ring holding more than
 * its new size stops its TX queues until its poll drains it.
 *
 * Context: RTNL.
 * Return: 0, or -EINVAL if @size is below what the queue topology needs.
 */
int vnetmq_set_ring_size(struct net_device *dev, unsigned int size,
			 struct netlink_ext_ack *extack)
{
	unsigned int min = vnetmq_ring_min_size(dev->real_num_tx_queues,
						dev->real_num_rx_queues);

	ASSERT_RTNL();
	if (size < min) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "RX ring size %u is below %u: %u TX queues share an RX queue",
				       size, min, min / 2);
		return -EINVAL;
	}
	vnetmq_apply_ring_size(dev, size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_ring_size);

/* Watchdog: a TX queue stayed stopped; its ring is not being drained. */
static void vnetmq_tx_timeout(struct net_device *dev, unsigned int qi)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_stats *st = &priv->txq_stats[qi];
	struct vnetmq_rxq *rq = vnetmq_rxq_of_txq(dev, qi);

	/* The core has frozen the TX queues: no transmit writes @st now. */
	vnetmq_txq_count_timeout(st);
	if (net_ratelimit())
		netdev_warn(dev, "TX queue %u timed out with %u frames on RX queue %u; kicking its NAPI\n",
			    qi, skb_queue_len_lockless(&rq->ring.skbs),
			    rq->index);
	napi_schedule(&rq->napi);
}

static int vnetmq_dev_init(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i, size;

	priv->id = ida_alloc(&vnetmq_ida, GFP_KERNEL);
	if (priv->id < 0)
		return priv->id;
	priv->rxq = kvcalloc(dev->num_rx_queues, sizeof(*priv->rxq),
			     GFP_KERNEL);
	priv->txq_stats = kvcalloc(dev->num_tx_queues,
				   sizeof(*priv->txq_stats), GFP_KERNEL);
	if (!priv->rxq || !priv->txq_stats) {
		kvfree(priv->rxq);
		kvfree(priv->txq_stats);
		priv->rxq = NULL;
		priv->txq_stats = NULL;
		ida_free(&vnetmq_ida, priv->id);
		return -ENOMEM;
	}

	size = vnetmq_ring_min_size(dev->num_tx_queues, dev->num_rx_queues);
	size = max(size, VNETMQ_DEF_RING_SIZE);
	priv->ring_size = size;
	for (i = 0; i < dev->num_rx_queues; i++) {
		struct vnetmq_rxq *rq = &priv->rxq[i];

		rq->dev = dev;
		rq->index = i;
		vnetmq_ring_init(&rq->ring, size);
		u64_stats_init(&rq->stats.syncp);
	}
	for (i = 0; i < dev->num_tx_queues; i++) {
		u64_stats_init(&priv->txq_stats[i].syncp);
		u64_stats_init(&priv->txq_stats[i].wake_syncp);
	}
	vnetmq_debugfs_init(dev);
	return 0;
}

/* Unregistering, or registering failed after ndo_init. */
static void vnetmq_dev_uninit(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	vnetmq_debugfs_exit(dev);
	ida_free(&vnetmq_ida, priv->id);
}

/* free_netdev() time: after the last reader of the counters. */
static void vnetmq_dev_free(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	kvfree(priv->rxq);
	kvfree(priv->txq_stats);
}

static const struct net_device_ops vnetmq_netdev_ops = {
	.ndo_init		= vnetmq_dev_init,
	.ndo_uninit		= vnetmq_dev_uninit,
	.ndo_open		= vnetmq_open,
	.ndo_stop		= vnetmq_stop,
	.ndo_start_xmit		= vnetmq_start_xmit,
	.ndo_get_stats64	= vnetmq_get_stats64,
	.ndo_tx_timeout		= vnetmq_tx_timeout,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_features_check	= passthru_features_check,
};

static void vnetmq_setup(struct net_device *dev)
{
	ether_setup(dev);

	/* TX skbs become RX skbs: they must not be shared (pktgen). */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_DISABLE_NETPOLL;

	dev->netdev_ops = &vnetmq_netdev_ops;
	dev->ethtool_ops = &vnetmq_ethtool_ops;
	dev->stat_ops = &vnetmq_stat_ops;
	dev->features |= VNETMQ_FEATURES;
	dev->hw_features = VNETMQ_FEATURES;
	dev->hw_enc_features = VNETMQ_FEATURES;
	dev->vlan_features = VNETMQ_FEATURES;
	dev->watchdog_timeo = VNETMQ_WATCHDOG_TIMEO;
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

VISIBLE_IF_KUNIT struct rtnl_link_ops vnetmq_link_ops __read_mostly = {
	.kind			= VNETMQ_DRV_NAME,
	.priv_size		= sizeof(struct vnetmq_priv),
	.setup			= vnetmq_setup,
	.validate		= vnetmq_validate,
	.get_num_tx_queues	= vnetmq_default_tx_queues,
	.get_num_rx_queues	= vnetmq_default_rx_queues,
};
EXPORT_SYMBOL_IF_KUNIT(vnetmq_link_ops);

static int __init vnetmq_init(void)
{
	int err;

	vnetmq_debugfs_register();
	err = rtnl_link_register(&vnetmq_link_ops);
	if (err)
		vnetmq_debugfs_unregister();
	return err;
}

/* rtnl_link_unregister() deletes every vnetmq device in every netns. */
static void __exit vnetmq_exit(void)
{
	rtnl_link_unregister(&vnetmq_link_ops);
	vnetmq_debugfs_unregister();
}

module_init(vnetmq_init);
module_exit(vnetmq_exit);

MODULE_DESCRIPTION("Virtual multiqueue loopback Ethernet device");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(VNETMQ_DRV_NAME);
