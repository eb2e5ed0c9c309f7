// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq test knobs in debugfs, as netdevsim keeps its own:
 *
 *   /sys/kernel/debug/vnetmq/<id>/rx<N>_paused
 *
 * <id> is the instance number that ethtool -i reports as bus-info
 * "vnetmq.<id>"; it survives renames and netns moves.  Writing 1 to
 * rx<N>_paused makes RX queue N's polls take nothing off its ring, as a
 * hung RX engine would, so its TX queues stop and the TX watchdog fires.
 * Writing 0 lifts the fault but kicks nothing: recovering is the TX
 * timeout handler's job.
 */

#include <linux/debugfs.h>

#include "vnetmq.h"

static struct dentry *vnetmq_debugfs_root;

/**
 * vnetmq_debugfs_init() - create a device's knobs
 * @dev: a vnetmq device in ndo_init, its instance id and queues allocated
 *
 * debugfs failures are not errors: the device works without its knobs.
 */
void vnetmq_debugfs_init(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);
	unsigned int i;
	char name[32];

	snprintf(name, sizeof(name), "%d", priv->id);
	priv->debugfs = debugfs_create_dir(name, vnetmq_debugfs_root);
	for (i = 0; i < dev->num_rx_queues; i++) {
		snprintf(name, sizeof(name), "rx%u_paused", i);
		debugfs_create_bool(name, 0600, priv->debugfs,
				    &priv->rxq[i].paused);
	}
}

/**
 * vnetmq_debugfs_exit() - remove a device's knobs
 * @dev: the device
 */
void vnetmq_debugfs_exit(struct net_device *dev)
{
	struct vnetmq_priv *priv = netdev_priv(dev);

	debugfs_remove(priv->debugfs);
	priv->debugfs = NULL;
}

/** vnetmq_debugfs_register() - create the driver's debugfs directory */
void vnetmq_debugfs_register(void)
{
	vnetmq_debugfs_root = debugfs_create_dir(VNETMQ_DRV_NAME, NULL);
}

/** vnetmq_debugfs_unregister() - remove the driver's debugfs directory */
void vnetmq_debugfs_unregister(void)
{
	debugfs_remove(vnetmq_debugfs_root);
}
