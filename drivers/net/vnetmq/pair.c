// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq pairs over rtnetlink: creating both ends in one request, and
 * deleting both when either goes.  netdev.c links them
 * (vnetmq_pair_link()) and runs their datapath; this file holds no
 * datapath code, and the fault sweep leaves it out (tools/fault.sh): the
 * core's registration runs under newlink, and its allocations are not
 * vnetmq's.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "vnetmq.h"

/**
 * vnetmq_dellink() - rtnl_link_ops.dellink: queue a device for deletion
 * @dev: a vnetmq device
 * @head: the list of devices to unregister
 *
 * Deleting an end deletes both.  The peer may be in another netns, whose
 * own work unregisters it; each end is queued once, however many times
 * the core asks (a netns dismantle or a module unload asks of each).
 *
 * Context: RTNL.
 */
void vnetmq_dellink(struct net_device *dev, struct list_head *head)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	if (priv->dying)
		return;
	WRITE_ONCE(priv->dying, true);
	unregister_netdevice_queue(dev, head);
	if (peer == dev)
		return;
	priv = netdev_priv(peer);
	WRITE_ONCE(priv->dying, true);
	unregister_netdevice_queue_net(dev_net(dev), peer, head);
}

/**
 * vnetmq_newlink() - rtnl_link_ops.newlink: a lone device, or a pair
 * @dev: the device the core allocated for the request
 * @params: the request's attributes and namespaces
 * @extack: where the core's checks say what they refuse
 *
 * With IFLA_VNETMQ_PEER_INFO, the peer is created and registered first,
 * as veth's: its name is taken before @dev's, which the core picked
 * without knowing of it.  The core validated the peer's attributes
 * (rtnl_get_peer_net()).  The peer is configured (brought up, if asked)
 * only once it is paired: up alone, it would start a datapath of its
 * own.
 *
 * Context: RTNL.
 * Return: 0, or the error of registering or configuring either end;
 * nothing is left registered then.
 */
int vnetmq_newlink(struct net_device *dev, struct rtnl_newlink_params *params,
		   struct netlink_ext_ack *extack)
{
	struct net *peer_net = rtnl_newlink_peer_net(params);
	struct nlattr *peer_tb[IFLA_MAX + 1];
	struct nlattr **data = params->data;
	struct nlattr **tb = params->tb;
	unsigned char name_assign_type;
	struct net_device *peer;
	struct ifinfomsg *ifmp;
	char ifname[IFNAMSIZ];
	LIST_HEAD(both);
	int err;

	if (!data || !data[IFLA_VNETMQ_PEER_INFO])
		return register_netdevice(dev);

	ifmp = nla_data(data[IFLA_VNETMQ_PEER_INFO]);
	err = rtnl_nla_parse_ifinfomsg(peer_tb, data[IFLA_VNETMQ_PEER_INFO],
				       extack);
	if (err < 0)
		return err;
	if (peer_tb[IFLA_IFNAME]) {
		nla_strscpy(ifname, peer_tb[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		snprintf(ifname, IFNAMSIZ, VNETMQ_DRV_NAME "%%d");
		name_assign_type = NET_NAME_ENUM;
	}
	peer = rtnl_create_link(peer_net, ifname, name_assign_type,
				dev->rtnl_link_ops, peer_tb, extack);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	/* As veth's: an index for the peer only with one for @dev. */
	if (dev->ifindex)
		peer->ifindex = ifmp->ifi_index;
	vnetmq_steer_features(peer);
	vnetmq_steer_features(dev);
	err = register_netdevice(peer);
	if (err) {
		free_netdev(peer);
		return err;
	}
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, VNETMQ_DRV_NAME "%%d");
	err = register_netdevice(dev);
	if (err) {
		unregister_netdevice(peer);
		return err;
	}
	err = vnetmq_pair_link(dev, peer);
	if (err) {
		unregister_netdevice(dev);
		unregister_netdevice(peer);
		return err;
	}
	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err) {
		vnetmq_dellink(dev, &both);
		unregister_netdevice_many(&both);
	}
	return err;
}

/**
 * vnetmq_get_link_net() - rtnl_link_ops.get_link_net: the peer's netns
 * @dev: a vnetmq device
 *
 * Context: RTNL.
 * Return: the netns of @dev's peer; @dev's own when it is alone.
 */
struct net *vnetmq_get_link_net(const struct net_device *dev)
{
	const struct vnetmq_priv *priv = netdev_priv(dev);

	return dev_net(rtnl_dereference(priv->peer));
}

const struct nla_policy vnetmq_policy[IFLA_VNETMQ_MAX + 1] = {
	[IFLA_VNETMQ_PEER_INFO]	= { .len = sizeof(struct ifinfomsg) },
};
