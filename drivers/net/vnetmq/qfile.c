// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/vnetmq: queue files, the userspace backends of queue pairs.
 *
 * An open file is a queue handle; VNETMQ_ATTACH binds it to queue pair q
 * of a vnetmq device.  Frames the stack transmits on TX queue q are then
 * read from the file, and frames written to it are received on RX queue q
 * (include/uapi/linux/vnetmq.h).  This file is the glue of the file
 * operations; who serves which queue pair, and when a TX queue stops and
 * wakes, is decided in backend.c.
 *
 * Locking: ioctls and release take RTNL, under which a file attaches and
 * detaches and a device goes away.  Reads and writes never take RTNL and
 * may sleep, so they look the device up under RCU each time they need
 * it; a detach waits for a grace period before it drops the file's
 * frames, and deleting a device detaches its files, so the device a read
 * or write finds under RCU is whole.
 */

#include <linux/if_vlan.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/uio.h>
#include <linux/virtio_net.h>
#include <uapi/linux/vnetmq.h>

#include "vnetmq.h"

/* The largest frame any vnetmq device receives: max MTU, VLAN header. */
#define VNETMQ_MAX_FRAME	(ETH_MAX_MTU + VLAN_ETH_HLEN)
/* Written frames up to this size are linear; larger ones get page frags. */
#define VNETMQ_LINEAR_MAX	SKB_MAX_HEAD(NET_SKB_PAD + NET_IP_ALIGN)
/* ...and the headers of those are copied into the linear part. */
#define VNETMQ_LINEAR_HDR	128

static size_t vnetmq_vnet_hdr_len(const struct vnetmq_qfile *qf)
{
	return READ_ONCE(qf->flags) & VNETMQ_F_VNET_HDR ?
	       sizeof(struct virtio_net_hdr) : 0;
}

static bool vnetmq_qfile_attached(const struct vnetmq_qfile *qf)
{
	return READ_ONCE(qf->state) == VNETMQ_QF_ATTACHED;
}

/* A read wakes for a frame, or to find the file cut off. */
static bool vnetmq_qfile_readable(struct vnetmq_qfile *qf)
{
	return !skb_queue_empty_lockless(&qf->frames) ||
	       !vnetmq_qfile_attached(qf);
}

static bool vnetmq_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

static int vnetmq_qfile_open(struct inode *inode, struct file *file)
{
	struct vnetmq_qfile *qf;

	/* Anyone may open the node: what an open pins is the opener's. */
	qf = kzalloc_obj(*qf, GFP_KERNEL_ACCOUNT);
	if (!qf)
		return -ENOMEM;
	vnetmq_qfile_init(qf);
	file->private_data = qf;
	return stream_open(inode, file);
}

static int vnetmq_qfile_release(struct inode *inode, struct file *file)
{
	struct vnetmq_qfile *qf = file->private_data;

	/* Only this file's ioctls attach it, and none is running now.  A
	 * device going away cuts it off under RTNL at any time, and holds
	 * it on a list across a grace period after waking its user, who
	 * may close it then (on EPOLLHUP): RTNL waits for that to finish.
	 */
	if (READ_ONCE(qf->state) != VNETMQ_QF_NEW) {
		rtnl_lock();
		if (qf->state == VNETMQ_QF_ATTACHED)
			vnetmq_detach_qfile(rtnl_dereference(qf->dev), qf);
		rtnl_unlock();
	}
	/* Detaching waited for a grace period: no transmit sees @qf now. */
	vnetmq_qfile_purge(qf);
	kfree(qf);
	return 0;
}

/* Under the file's lock, which the transmit stops the queue under. */
static void vnetmq_qfile_wake_txq(struct net_device *dev, u16 q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q);
	struct vnetmq_priv *priv = netdev_priv(dev);

	if (netif_tx_queue_stopped(txq)) {
		netif_tx_wake_queue(txq);
		vnetmq_txq_count_wake(&priv->txq_stats[q]);
	}
}

/*
 * Take the oldest frame if the reader's buffer of @room bytes holds it.
 * A frame that does not fit stays queued, so a larger read gets it.
 * Wakes the TX queue, under the file's lock, if the file has room again.
 */
static int vnetmq_qfile_take(struct vnetmq_qfile *qf, size_t room,
			     struct sk_buff **skbp)
{
	size_t hdr_len = vnetmq_vnet_hdr_len(qf);
	struct vnetmq_priv *priv = NULL;
	struct net_device *dev;
	struct sk_buff *skb;
	unsigned int size;
	int err = 0;
	bool wake;
	u16 q;

	if (room < hdr_len)
		return -EINVAL;
	rcu_read_lock();
	dev = vnetmq_qfile_dev(qf, &q);
	if (dev)
		priv = netdev_priv(dev);
	spin_lock_bh(&qf->frames.lock);
	skb = skb_peek(&qf->frames);
	if (!skb) {
		if (!vnetmq_qfile_attached(qf))
			err = -EBADFD;
	} else if (skb->len + hdr_len > room) {
		err = -EMSGSIZE;
	} else {
		size = priv ? READ_ONCE(priv->ring_size) : 0;
		*skbp = vnetmq_qfile_pop(qf, size, &wake);
		if (wake && priv)
			vnetmq_qfile_wake_txq(dev, q);
	}
	spin_unlock_bh(&qf->frames.lock);
	rcu_read_unlock();
	return err;
}

/* Copy a frame out: vnet header, then the frame.  vnetmq offers no VLAN
 * TX offload, so the stack has put any tag into the frame itself before
 * ndo_start_xmit (validate_xmit_vlan); there is no out-of-band tag here.
 */
static ssize_t vnetmq_qfile_put(struct vnetmq_qfile *qf, struct sk_buff *skb,
				struct iov_iter *to)
{
	size_t hdr_len = vnetmq_vnet_hdr_len(qf);
	struct virtio_net_hdr hdr;

	if (hdr_len) {
		/* A GSO type no virtio_net_hdr describes: one validated
		 * before the file attached got past ndo_features_check.
		 */
		if (virtio_net_hdr_from_skb(skb, &hdr, true, false, 0))
			return -EINVAL;
		if (copy_to_iter(&hdr, hdr_len, to) != hdr_len)
			return -EFAULT;
	}
	if (skb_copy_datagram_iter(skb, 0, to, skb->len))
		return -EFAULT;
	return hdr_len + skb->len;
}

static ssize_t vnetmq_qfile_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vnetmq_qfile *qf = iocb->ki_filp->private_data;
	bool nonblock = vnetmq_nonblock(iocb);
	struct sk_buff *skb = NULL;
	struct net_device *dev;
	ssize_t ret;

	for (;;) {
		ret = vnetmq_qfile_take(qf, iov_iter_count(to), &skb);
		if (ret || skb)
			break;
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(qf->wq,
					       vnetmq_qfile_readable(qf));
		if (ret)
			return ret;
	}
	if (ret)
		return ret;

	ret = vnetmq_qfile_put(qf, skb, to);
	if (ret >= 0) {
		consume_skb(skb);
		return ret;
	}
	/* Taken off the file but not delivered: a TX drop. */
	rcu_read_lock();
	dev = rcu_dereference(qf->dev);
	if (dev)
		dev_core_stats_tx_dropped_inc(dev);
	rcu_read_unlock();
	kfree_skb_reason(skb, ret == -EFAULT ? SKB_DROP_REASON_SKB_UCOPY_FAULT :
					       SKB_DROP_REASON_SKB_BAD_GSO);
	return ret;
}

static struct sk_buff *vnetmq_qfile_build(struct iov_iter *from, size_t len,
					  int *err)
{
	size_t linear = len <= VNETMQ_LINEAR_MAX ? len : VNETMQ_LINEAR_HDR;
	struct sk_buff *skb;

	skb = alloc_skb_with_frags(NET_SKB_PAD + NET_IP_ALIGN + linear,
				   len - linear, PAGE_ALLOC_COSTLY_ORDER, err,
				   GFP_KERNEL_ACCOUNT);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put(skb, linear);
	skb->data_len = len - linear;
	skb->len += len - linear;
	if (skb_copy_datagram_from_iter(skb, 0, from, len)) {
		kfree_skb(skb);
		*err = -EFAULT;
		return NULL;
	}
	skb_reset_mac_header(skb);
	/* Where virtio_net_hdr_to_skb() has the flow dissector start, and
	 * what it checks a GSO frame against.
	 */
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	return skb;
}

/*
 * Hand a frame to the device; wait for room on the RX ring unless
 * @nonblock.  Return: 0 if the device took it, or an error; the caller
 * frees @skb then.
 */
static int vnetmq_qfile_send(struct vnetmq_qfile *qf, struct sk_buff *skb,
			     bool nonblock)
{
	struct net_device *dev;
	int err;
	u16 q;

	for (;;) {
		rcu_read_lock_bh();
		dev = vnetmq_qfile_dev(qf, &q);
		err = dev ? vnetmq_inject(dev, q, skb) : -EBADFD;
		rcu_read_unlock_bh();
		if (err != -ENOBUFS)
			return err;
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(qf->wq,
					       vnetmq_qfile_writable(qf));
		if (err)
			return err;
	}
}

/*
 * virtio_net_hdr_to_skb() may find the protocol through the device's
 * header_ops and the transport header with the flow dissector, which
 * needs a netns: it gets the device, as tun gives it.  skb->dev holds no
 * reference, so it is set only inside the RCU section; vnetmq_inject()
 * sets it again for the device that takes the frame (another one, if the
 * file moves meanwhile: what the header says does not depend on it).
 */
static int vnetmq_qfile_hdr_to_skb(struct vnetmq_qfile *qf,
				   struct sk_buff *skb,
				   const struct virtio_net_hdr *hdr)
{
	struct net_device *dev;
	int err = -EBADFD;
	u16 q;

	rcu_read_lock();
	dev = vnetmq_qfile_dev(qf, &q);
	if (dev) {
		skb->dev = dev;
		err = virtio_net_hdr_to_skb(skb, hdr, true) ? -EINVAL : 0;
		skb->dev = NULL;
	}
	rcu_read_unlock();
	return err;
}

static ssize_t vnetmq_qfile_write_iter(struct kiocb *iocb,
				       struct iov_iter *from)
{
	struct vnetmq_qfile *qf = iocb->ki_filp->private_data;
	size_t hdr_len = vnetmq_vnet_hdr_len(qf);
	bool nonblock = vnetmq_nonblock(iocb);
	size_t len = iov_iter_count(from);
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;
	int err;

	if (!vnetmq_qfile_attached(qf))
		return -EBADFD;
	if (len < hdr_len)
		return -EINVAL;
	if (hdr_len && !copy_from_iter_full(&hdr, hdr_len, from))
		return -EFAULT;
	if (len - hdr_len < ETH_HLEN)
		return -EINVAL;
	if (len - hdr_len > VNETMQ_MAX_FRAME)
		return -EMSGSIZE;

	skb = vnetmq_qfile_build(from, len - hdr_len, &err);
	if (!skb)
		return err;
	err = hdr_len ? vnetmq_qfile_hdr_to_skb(qf, skb, &hdr) : 0;
	if (err) {
		kfree_skb_reason(skb, err == -EINVAL ? SKB_DROP_REASON_DEV_HDR :
				 SKB_DROP_REASON_DEV_READY);
		return err;
	}
	err = vnetmq_qfile_send(qf, skb, nonblock);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	return len;
}

static __poll_t vnetmq_qfile_poll(struct file *file, poll_table *wait)
{
	struct vnetmq_qfile *qf = file->private_data;
	__poll_t mask = 0;
	u8 state;

	poll_wait(file, &qf->wq, wait);
	state = READ_ONCE(qf->state);
	if (state == VNETMQ_QF_GONE)
		return EPOLLERR | EPOLLHUP;
	if (!skb_queue_empty_lockless(&qf->frames))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (state != VNETMQ_QF_ATTACHED)
		return mask | EPOLLERR;
	if (vnetmq_qfile_writable(qf))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* Attach as @a asks; *@new is set if this call attached the file. */
static int vnetmq_qfile_do_attach(struct vnetmq_qfile *qf,
				  struct vnetmq_attach *a, bool *new)
{
	struct net_device *dev;
	int q;

	if (qf->state == VNETMQ_QF_GONE)
		return -EBADFD;
	if (a->reserved || a->flags & ~VNETMQ_QF_FLAGS)
		return -EINVAL;
	dev = __dev_get_by_index(current->nsproxy->net_ns, a->ifindex);
	/* A device being deleted is unlisted first, under RTNL. */
	if (!dev || !vnetmq_is_vnetmq(dev))
		return -ENODEV;
	if (!ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	if (qf->state == VNETMQ_QF_ATTACHED) {
		/* Repeating an attach is not an error; changing it is. */
		if (rtnl_dereference(qf->dev) != dev || a->flags != qf->flags ||
		    (a->queue != VNETMQ_QUEUE_ANY && a->queue != qf->queue))
			return -EBUSY;
		a->queue = qf->queue;
		return 0;
	}
	q = vnetmq_attach_qfile(dev, qf, a->queue, a->flags);
	if (q < 0)
		return q;
	a->queue = q;
	*new = true;
	return 0;
}

/*
 * The caller of an ATTACH that attached the file cannot learn its queue
 * pair: undo that attach, unless another thread of the caller's has
 * detached the file or moved it meanwhile.
 */
static void vnetmq_qfile_undo_attach(struct vnetmq_qfile *qf,
				     const struct vnetmq_attach *a)
{
	struct net_device *dev;

	rtnl_lock();
	dev = rtnl_dereference(qf->dev);
	if (qf->state == VNETMQ_QF_ATTACHED && qf->queue == a->queue &&
	    dev->ifindex == a->ifindex &&
	    net_eq(dev_net(dev), current->nsproxy->net_ns))
		vnetmq_detach_qfile(dev, qf);
	rtnl_unlock();
}

static int vnetmq_qfile_do_detach(struct vnetmq_qfile *qf)
{
	if (qf->state == VNETMQ_QF_GONE)
		return -EBADFD;
	if (qf->state == VNETMQ_QF_ATTACHED)
		vnetmq_detach_qfile(rtnl_dereference(qf->dev), qf);
	return 0;
}

static int vnetmq_qfile_do_get(struct vnetmq_qfile *qf,
			       struct vnetmq_attach *a)
{
	if (qf->state != VNETMQ_QF_ATTACHED)
		return -EBADFD;
	memset(a, 0, sizeof(*a));
	a->ifindex = rtnl_dereference(qf->dev)->ifindex;
	a->queue = qf->queue;
	a->flags = qf->flags;
	return 0;
}

static long vnetmq_qfile_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct vnetmq_qfile *qf = file->private_data;
	void __user *argp = (void __user *)arg;
	struct vnetmq_attach a;
	bool new = false;
	int err;

	switch (cmd) {
	case VNETMQ_GET_FEATURES:
		return put_user((u32)VNETMQ_QF_FLAGS, (u32 __user *)argp);
	case VNETMQ_ATTACH:
		if (copy_from_user(&a, argp, sizeof(a)))
			return -EFAULT;
		rtnl_lock();
		err = vnetmq_qfile_do_attach(qf, &a, &new);
		rtnl_unlock();
		if (err || !copy_to_user(argp, &a, sizeof(a)))
			return err;
		if (new)
			vnetmq_qfile_undo_attach(qf, &a);
		return -EFAULT;
	case VNETMQ_DETACH:
		rtnl_lock();
		err = vnetmq_qfile_do_detach(qf);
		rtnl_unlock();
		return err;
	case VNETMQ_GET:
		rtnl_lock();
		err = vnetmq_qfile_do_get(qf, &a);
		rtnl_unlock();
		if (!err && copy_to_user(argp, &a, sizeof(a)))
			err = -EFAULT;
		return err;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vnetmq_qfile_fops = {
	.owner		= THIS_MODULE,
	.open		= vnetmq_qfile_open,
	.release	= vnetmq_qfile_release,
	.read_iter	= vnetmq_qfile_read_iter,
	.write_iter	= vnetmq_qfile_write_iter,
	.poll		= vnetmq_qfile_poll,
	.unlocked_ioctl	= vnetmq_qfile_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* Anyone may open it, as /dev/net/tun; attaching needs CAP_NET_ADMIN. */
static struct miscdevice vnetmq_miscdev = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= VNETMQ_DRV_NAME,
	.nodename	= VNETMQ_DRV_NAME,
	.mode		= 0666,
	.fops		= &vnetmq_qfile_fops,
};

/**
 * vnetmq_qfile_register() - create /dev/vnetmq
 *
 * Return: 0, or the error of misc_register().
 */
int vnetmq_qfile_register(void)
{
	return misc_register(&vnetmq_miscdev);
}

/**
 * vnetmq_qfile_unregister() - remove /dev/vnetmq
 *
 * No file is open: each holds a reference to the module.
 */
void vnetmq_qfile_unregister(void)
{
	misc_deregister(&vnetmq_miscdev);
}
