/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vnetmq: virtual multiqueue loopback Ethernet device.
 *
 * The helpers declared here are pure: they take plain values or a single
 * skb and touch no device state, so the KUnit suites can drive every
 * branch of them on real skbs without a registered netdev.
 */
#ifndef _VNETMQ_H
#define _VNETMQ_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#define VNETMQ_DRV_NAME		"vnetmq"
/* tun's limit: a per-queue resource must stay bounded per device. */
#define VNETMQ_MAX_QUEUES	256
/* The seed's topology: four TX queues folded onto two RX queues. */
#define VNETMQ_DEF_TX_QUEUES	4
#define VNETMQ_DEF_RX_QUEUES	2

/**
 * struct vnetmq_txq_stats - counters of one TX queue
 * @packets: frames delivered to the RX side
 * @bytes: bytes of those frames
 * @drops: frames dropped on the way to the RX side
 * @syncp: protects the 64-bit counters on 32-bit hosts
 *
 * Written only by ndo_start_xmit under the queue's xmit lock, so a
 * queue's counters have a single writer.
 */
struct vnetmq_txq_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drops;
	struct u64_stats_sync syncp;
};

/**
 * struct vnetmq_priv - private part of a vnetmq net_device
 * @txq_stats: one entry per TX queue (num_tx_queues of them)
 */
struct vnetmq_priv {
	struct vnetmq_txq_stats *txq_stats;
};

u16 vnetmq_rxq_for_txq(u16 txq, unsigned int real_num_rx_queues);

#endif /* _VNETMQ_H */
