// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vnetmq generic netlink family (Documentation/netlink/specs/vnetmq.yaml),
 * for tools that predate netdev netlink: ECHO, STATS_RESET and QUEUE_GET.
 * netlink-gen.c, generated from the spec, holds the policies that
 * validate every attribute and the ops table; these are its handlers.
 *
 * Devices are looked up in the socket's netns under RTNL, which keeps
 * them and their queue counts still while a handler reads them.
 */

#include <net/genetlink.h>
#include <linux/rtnetlink.h>

#include "netlink-gen.h"
#include "vnetmq.h"

/*
 * Where a QUEUE_GET dump goes on from, in netlink_callback.ctx: the next
 * queue of each type (enum vnetmq_queue_type).
 */
struct vnetmq_nl_dump_ctx {
	u32 next[VNETMQ_QUEUE_TYPE_TX + 1];
};

/**
 * vnetmq_nl_echo_doit() - VNETMQ_CMD_ECHO: send the payload back
 * @skb: the request
 * @info: its attributes; the policy bounds the payload
 *
 * Return: 0, or -ENOMEM.
 */
int vnetmq_nl_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *payload = info->attrs[VNETMQ_A_ECHO_PAYLOAD];
	unsigned int len = payload ? nla_len(payload) : 0;
	struct sk_buff *rsp;
	void *hdr;

	rsp = genlmsg_new(nla_total_size(len), GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	hdr = genlmsg_iput(rsp, info);
	if (!hdr)
		goto err_free;
	if (payload &&
	    nla_put(rsp, VNETMQ_A_ECHO_PAYLOAD, len, nla_data(payload)))
		goto err_free;
	genlmsg_end(rsp, hdr);
	return genlmsg_reply(rsp, info);

err_free:
	nlmsg_free(rsp);
	return -EMSGSIZE;
}

/* The vnetmq device the request names.  Context: RTNL. */
static struct net_device *vnetmq_nl_dev(const struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VNETMQ_A_QUEUE_IFINDEX];
	struct net_device *dev;

	if (GENL_REQ_ATTR_CHECK(info, VNETMQ_A_QUEUE_IFINDEX))
		return ERR_PTR(-EINVAL);
	dev = __dev_get_by_index(genl_info_net(info), nla_get_u32(attr));
	if (!dev || !vnetmq_is_vnetmq(dev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no vnetmq device with this ifindex");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

/* The queues of @type in use. */
static unsigned int vnetmq_nl_queues(const struct net_device *dev, int type)
{
	return type == VNETMQ_QUEUE_TYPE_RX ? dev->real_num_rx_queues :
					      dev->real_num_tx_queues;
}

/*
 * The queue the request names by type and id: 0 and *type = -1 when it
 * names none and @optional allows that.  Context: RTNL.
 */
static int vnetmq_nl_queue(const struct genl_info *info, struct net_device *dev,
			   bool optional, int *type, u32 *id)
{
	struct nlattr *type_attr = info->attrs[VNETMQ_A_QUEUE_TYPE];
	struct nlattr *id_attr = info->attrs[VNETMQ_A_QUEUE_ID];
	unsigned int real;

	*type = -1;
	if (optional && !type_attr && !id_attr)
		return 0;
	if (GENL_REQ_ATTR_CHECK(info, VNETMQ_A_QUEUE_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, VNETMQ_A_QUEUE_ID))
		return -EINVAL;
	*type = nla_get_u32(type_attr);
	*id = nla_get_u32(id_attr);
	real = vnetmq_nl_queues(dev, *type);
	if (*id >= real) {
		NL_SET_BAD_ATTR(info->extack, id_attr);
		NL_SET_ERR_MSG_FMT(info->extack, "the device has %u %s queues",
				   real,
				   *type == VNETMQ_QUEUE_TYPE_RX ? "RX" : "TX");
		return -EINVAL;
	}
	return 0;
}

/**
 * vnetmq_nl_stats_reset_doit() - VNETMQ_CMD_STATS_RESET
 * @skb: the request
 * @info: ifindex, and type with id for one queue
 *
 * The ops table lets only CAP_NET_ADMIN in the socket's netns, where the
 * device is looked up, get here.
 *
 * Return: 0, or -EINVAL or -ENODEV with an extack message.
 */
int vnetmq_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	int err, type = -1;
	u32 id = 0;

	rtnl_lock();
	dev = vnetmq_nl_dev(info);
	err = PTR_ERR_OR_ZERO(dev);
	if (!err)
		err = vnetmq_nl_queue(info, dev, true, &type, &id);
	if (!err && type < 0)
		vnetmq_stats_reset(dev);
	else if (!err)
		vnetmq_stats_reset_queue(dev, type == VNETMQ_QUEUE_TYPE_RX, id);
	rtnl_unlock();
	return err;
}

static void vnetmq_nl_rxq_rings(const struct vnetmq_rxq *rq, u32 *len,
				u32 *size)
{
	unsigned int i;

	*len = 0;
	*size = 0;
	for (i = 0; i < rq->nr_rings; i++) {
		*len += skb_queue_len_lockless(&rq->ring[i].skbs);
		*size += READ_ONCE(rq->ring[i].size);
	}
}

static int vnetmq_nl_fill_rxq(struct sk_buff *rsp, struct net_device *dev,
			      u32 id)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_rxq *rq = &priv->rxq[id];
	u32 len, size;

	vnetmq_nl_rxq_rings(rq, &len, &size);
	if (nla_put_u32(rsp, VNETMQ_A_QUEUE_RING_LEN, len) ||
	    nla_put_u32(rsp, VNETMQ_A_QUEUE_RING_SIZE, size) ||
	    nla_put_u32(rsp, VNETMQ_A_QUEUE_RINGS, rq->nr_rings))
		return -EMSGSIZE;
	return 0;
}

static int vnetmq_nl_fill_txq(struct sk_buff *rsp, struct net_device *dev,
			      u32 id)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	struct vnetmq_txq_map *map = &priv->txq_map[id];

	/* A pair's peer steers each frame: no RX queue is the TX queue's. */
	if (rtnl_dereference(priv->peer) == dev &&
	    nla_put_u32(rsp, VNETMQ_A_QUEUE_RX_QUEUE, map->rxq))
		return -EMSGSIZE;
	if (nla_put_u32(rsp, VNETMQ_A_QUEUE_TC, map->tc))
		return -EMSGSIZE;
	if (netif_tx_queue_stopped(netdev_get_tx_queue(dev, id)) &&
	    nla_put_flag(rsp, VNETMQ_A_QUEUE_STOPPED))
		return -EMSGSIZE;
	return 0;
}

/* One QUEUE_GET reply.  Context: RTNL. */
static int vnetmq_nl_fill_queue(struct sk_buff *rsp, struct net_device *dev,
				int type, u32 id, const struct genl_info *info)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	void *hdr;
	int err;

	hdr = genlmsg_iput(rsp, info);
	if (!hdr)
		return -EMSGSIZE;
	err = -EMSGSIZE;
	if (nla_put_u32(rsp, VNETMQ_A_QUEUE_IFINDEX, dev->ifindex) ||
	    nla_put_u32(rsp, VNETMQ_A_QUEUE_TYPE, type) ||
	    nla_put_u32(rsp, VNETMQ_A_QUEUE_ID, id))
		goto err_cancel;
	if (type == VNETMQ_QUEUE_TYPE_RX)
		err = vnetmq_nl_fill_rxq(rsp, dev, id);
	else
		err = vnetmq_nl_fill_txq(rsp, dev, id);
	if (err)
		goto err_cancel;
	if (vnetmq_backend_get(&priv->backends, id) &&
	    nla_put_flag(rsp, VNETMQ_A_QUEUE_BACKEND)) {
		err = -EMSGSIZE;
		goto err_cancel;
	}
	genlmsg_end(rsp, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(rsp, hdr);
	return err;
}

/**
 * vnetmq_nl_queue_get_doit() - VNETMQ_CMD_QUEUE_GET for one queue
 * @skb: the request
 * @info: ifindex, type and id
 *
 * Return: 0, or a negative errno with an extack message.
 */
int vnetmq_nl_queue_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	struct sk_buff *rsp;
	int err, type = -1;
	u32 id = 0;

	rsp = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	rtnl_lock();
	dev = vnetmq_nl_dev(info);
	err = PTR_ERR_OR_ZERO(dev);
	if (!err)
		err = vnetmq_nl_queue(info, dev, false, &type, &id);
	if (!err)
		err = vnetmq_nl_fill_queue(rsp, dev, type, id, info);
	rtnl_unlock();
	if (err) {
		nlmsg_free(rsp);
		return err;
	}
	return genlmsg_reply(rsp, info);
}

/**
 * vnetmq_nl_queue_get_dumpit() - VNETMQ_CMD_QUEUE_GET for every queue
 * @skb: the reply being filled
 * @cb: the dump; its request carries the ifindex
 *
 * The RX queues, then the TX queues, each in index order.
 *
 * Return: 0 when done, or a negative errno (-EMSGSIZE: go on later).
 */
int vnetmq_nl_queue_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct vnetmq_nl_dump_ctx *ctx = (void *)cb->ctx;
	struct net_device *dev;
	unsigned int type;
	int err = 0;
	u32 *next;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	dev = vnetmq_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	/* A queue that did not fit is dumped first next time. */
	for (type = 0; type < ARRAY_SIZE(ctx->next); type++) {
		next = &ctx->next[type];
		for (; *next < vnetmq_nl_queues(dev, type); (*next)++) {
			err = vnetmq_nl_fill_queue(skb, dev, type, *next, info);
			if (err)
				goto out;
		}
	}
out:
	rtnl_unlock();
	return err;
}
