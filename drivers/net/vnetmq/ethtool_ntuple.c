// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq ntuple's ethtool operations: list, add and delete rules
 * (-n/-N flow-type).  Each change publishes a new snapshot of the tables
 * (steer.c).
 */

#include <kunit/visibility.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include "vnetmq.h"

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
 * vnetmq_get_rxnfc() - the ntuple rules (ethtool -n)
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
		if (fs->location != RX_CLS_LOC_ANY &&
		    fs->location != RX_CLS_LOC_FIRST &&
		    fs->location != RX_CLS_LOC_LAST) {
			err = -EINVAL;
			goto out;
		}
		/* A second rule for the same frames would never match:
		 * refused, as a NIC's filter table refuses it.
		 */
		if (vnetmq_rule_same(st, fs) >= 0) {
			err = -EEXIST;
			goto out;
		}
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
 * vnetmq_set_rxnfc() - add or delete an ntuple rule (ethtool -N)
 * @dev: the device
 * @info: the request
 *
 * Context: RTNL.
 * Return: 0, or the errno of vnetmq_rule_check(), -EEXIST for a rule
 * without a location that matches what a rule matches, -ENOSPC with
 * every location taken, -ENOENT for no rule at a location deleted,
 * -EOPNOTSUPP with ntuple off or on a lone device.
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
EXPORT_SYMBOL_IF_KUNIT(vnetmq_set_rxnfc);

/**
 * vnetmq_ntuple_flush() - delete every rule (ntuple-filters off)
 * @dev: the device
 *
 * As a NIC's filter table, the rules go with the feature, rather than
 * stay listed and unused.
 *
 * Context: RTNL.
 * Return: 0, or -ENOMEM: the feature then stays on.
 */
int vnetmq_ntuple_flush(struct net_device *dev)
{
	struct vnetmq_steer *st;

	if (!vnetmq_steer_cur(dev)->nr_rules)
		return 0;
	st = vnetmq_steer_dup(dev);
	if (!st)
		return -ENOMEM;
	st->nr_rules = 0;
	vnetmq_steer_publish(dev, st);
	return 0;
}
