/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vnetmq.yaml */
/* YNL-GEN uapi header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _UAPI_LINUX_VNETMQ_NETLINK_H
#define _UAPI_LINUX_VNETMQ_NETLINK_H

#define VNETMQ_FAMILY_NAME	"vnetmq"
#define VNETMQ_FAMILY_VERSION	1

#define VNETMQ_ECHO_MAX_LEN	1024

/*
 * the direction of a queue
 */
enum vnetmq_queue_type {
	VNETMQ_QUEUE_TYPE_RX,
	VNETMQ_QUEUE_TYPE_TX,
};

enum {
	VNETMQ_A_ECHO_PAYLOAD = 1,

	__VNETMQ_A_ECHO_MAX,
	VNETMQ_A_ECHO_MAX = (__VNETMQ_A_ECHO_MAX - 1)
};

enum {
	VNETMQ_A_QUEUE_IFINDEX = 1,
	VNETMQ_A_QUEUE_TYPE,
	VNETMQ_A_QUEUE_ID,
	VNETMQ_A_QUEUE_RING_LEN,
	VNETMQ_A_QUEUE_RING_SIZE,
	VNETMQ_A_QUEUE_RINGS,
	VNETMQ_A_QUEUE_RX_QUEUE,
	VNETMQ_A_QUEUE_TC,
	VNETMQ_A_QUEUE_STOPPED,
	VNETMQ_A_QUEUE_BACKEND,

	__VNETMQ_A_QUEUE_MAX,
	VNETMQ_A_QUEUE_MAX = (__VNETMQ_A_QUEUE_MAX - 1)
};

enum {
	VNETMQ_CMD_ECHO = 1,
	VNETMQ_CMD_STATS_RESET,
	VNETMQ_CMD_QUEUE_GET,

	__VNETMQ_CMD_MAX,
	VNETMQ_CMD_MAX = (__VNETMQ_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_VNETMQ_NETLINK_H */
