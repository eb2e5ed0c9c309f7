/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * vnetmq queue files: a userspace backend for one queue pair of a vnetmq
 * device.
 *
 * Every open file of /dev/vnetmq is a queue handle.  Once attached to
 * queue pair q of a vnetmq device, the frames the stack transmits on TX
 * queue q are read from the file, one frame per read(), and every frame
 * written to the file is received on RX queue q through that queue's
 * NAPI.  Queue pairs with no file attached loop their frames back.
 *
 * See Documentation/networking/vnetmq.rst.
 */
#ifndef _UAPI_LINUX_VNETMQ_H
#define _UAPI_LINUX_VNETMQ_H

#include <linux/ioctl.h>
#include <linux/sockios.h>
#include <linux/types.h>

/* Each frame read or written starts with a struct virtio_net_hdr. */
#define VNETMQ_F_VNET_HDR	(1U << 0)

/* struct vnetmq_attach.queue: the lowest-numbered free queue pair. */
#define VNETMQ_QUEUE_ANY	0xffffffffU

/**
 * struct vnetmq_attach - what a queue file serves
 * @ifindex: the vnetmq device, by ifindex in the caller's network
 *	namespace
 * @queue: the queue pair, below the device's TX and RX queue counts, or
 *	%VNETMQ_QUEUE_ANY on %VNETMQ_ATTACH; the queue chosen on return
 * @flags: %VNETMQ_F_* flags
 * @reserved: must be zero
 *
 * %VNETMQ_ATTACH reads it and writes back @queue; %VNETMQ_GET fills it
 * in while the file is attached.
 */
struct vnetmq_attach {
	__u32 ifindex;
	__u32 queue;
	__u32 flags;
	__u32 reserved;
};

#define VNETMQ_IOC_MAGIC	0xBB

/*
 * VNETMQ_ATTACH: bind the file to a queue pair.  Needs CAP_NET_ADMIN in
 * the user namespace that owns the device's network namespace (EPERM).
 * Attaching again to the queue pair it serves, with the same flags, is a
 * no-op; a file that was detached may attach anywhere again.  Errors:
 * ENODEV (no such vnetmq device, or it is going away), EINVAL (queue out
 * of range, unknown flags, reserved not zero), EBUSY (queue pair taken,
 * or the file serves another one), ENOSPC (VNETMQ_QUEUE_ANY and no free
 * queue pair), EBADFD (the device the file served was deleted).
 */
#define VNETMQ_ATTACH		_IOWR(VNETMQ_IOC_MAGIC, 0, struct vnetmq_attach)
/*
 * VNETMQ_DETACH: hand the queue pair back to loopback; frames not yet
 * read are dropped and counted.  Detaching a detached file is a no-op.
 */
#define VNETMQ_DETACH		_IO(VNETMQ_IOC_MAGIC, 1)
/* VNETMQ_GET: the device and queue pair the file serves; EBADFD if none. */
#define VNETMQ_GET		_IOR(VNETMQ_IOC_MAGIC, 2, struct vnetmq_attach)
/*
 * VNETMQ_GET_FEATURES: the VNETMQ_F_* flags this kernel supports (__u32),
 * whatever the file's state.
 */
#define VNETMQ_GET_FEATURES	_IOR(VNETMQ_IOC_MAGIC, 3, __u32)

/*
 * Private ioctls of a vnetmq device, on any socket, with ifr_name naming
 * the device, for tools that predate netdev netlink.
 * VNETMQ_SIOC_STATS_RESET starts every counter vnetmq keeps for the
 * device again from zero (not the core's drop counts, which ip -s link
 * adds to them: frames refused at transmit or written to a down
 * device); it needs CAP_NET_ADMIN in the user namespace that owns the
 * device's network namespace (EPERM).  Any other SIOCDEVPRIVATE
 * sub-command fails with EOPNOTSUPP.  The vnetmq generic netlink family
 * (<linux/vnetmq_netlink.h>) resets one queue as well.
 */
#define VNETMQ_SIOC_STATS_RESET	(SIOCDEVPRIVATE + 0)

#endif /* _UAPI_LINUX_VNETMQ_H */
