// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq queue files' RCU core: which file serves which queue pair, and
 * the TX queue's stop and wake decisions for a file's frames.
 *
 * Lifetimes.  The slot array is written under RTNL and read under RCU (BH)
 * by the transmit path.  A file is published only once it is fully set up
 * (its queue and flags written), and a file taken out of its slot keeps
 * its frames until a grace period has passed, so a transmit that looked
 * the file up before it was unpublished finds it whole.  The file itself
 * is freed by its release, after it was detached, so no grace period is
 * needed there: the detach waited for one.
 *
 * The helpers here take the slot array, plain values and one file; they
 * never reach the net_device, so KUnit drives every branch of them.
 */

#include <kunit/visibility.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/vnetmq.h>

#include "vnetmq.h"

/**
 * vnetmq_backends_init() - allocate the slots of a device's queue pairs
 * @b: the table, zeroed
 * @n: its number of queue pairs: min(num_tx_queues, num_rx_queues)
 *
 * Return: 0 or -ENOMEM.
 */
int vnetmq_backends_init(struct vnetmq_backends *b, unsigned int n)
{
	b->slot = kcalloc(n, sizeof(*b->slot), GFP_KERNEL);
	if (!b->slot)
		return -ENOMEM;
	b->n = n;
	b->attached = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backends_init);

/**
 * vnetmq_backends_free() - free the slots
 * @b: the table, every file detached (vnetmq_backend_detach_all())
 */
void vnetmq_backends_free(struct vnetmq_backends *b)
{
	kfree(b->slot);
	b->slot = NULL;
	b->n = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backends_free);

static struct vnetmq_qfile *vnetmq_slot(const struct vnetmq_backends *b,
					u16 queue)
{
	return rcu_dereference_protected(b->slot[queue],
					 lockdep_rtnl_is_held());
}

/**
 * vnetmq_backend_pick() - the queue pair an attach may take
 * @b: the table
 * @queue: a queue pair, or VNETMQ_QUEUE_ANY for the lowest free one
 * @pairs: queue pairs in use: min(real_num_tx_queues, real_num_rx_queues)
 *
 * Context: RTNL.
 * Return: the queue pair, or -EINVAL if @queue is out of range, -EBUSY if
 * it is taken, -ENOSPC if VNETMQ_QUEUE_ANY finds none free.
 */
int vnetmq_backend_pick(const struct vnetmq_backends *b, u32 queue,
			unsigned int pairs)
{
	unsigned int n = min(b->n, pairs);
	unsigned int q;

	if (queue == VNETMQ_QUEUE_ANY) {
		for (q = 0; q < n; q++)
			if (!vnetmq_slot(b, q))
				return q;
		return -ENOSPC;
	}
	if (queue >= n)
		return -EINVAL;
	return vnetmq_slot(b, queue) ? -EBUSY : queue;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_pick);

/**
 * vnetmq_backend_publish() - make a file the backend of a queue pair
 * @b: the table
 * @queue: a free queue pair, from vnetmq_backend_pick()
 * @qf: the file, its flags set; its queue is set here, before the
 *	pointer is published, and before the caller publishes its device
 *
 * Context: RTNL.
 */
void vnetmq_backend_publish(struct vnetmq_backends *b, u16 queue,
			    struct vnetmq_qfile *qf)
{
	WRITE_ONCE(qf->queue, queue);
	rcu_assign_pointer(b->slot[queue], qf);
	WRITE_ONCE(b->attached, b->attached + 1);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_publish);

/**
 * vnetmq_backend_unpublish() - empty a queue pair's slot
 * @b: the table
 * @queue: the queue pair, below @b->n
 *
 * Lookups that started before may still use the file until a grace
 * period has passed.
 *
 * Context: RTNL.
 * Return: the file that was there, or NULL.
 */
struct vnetmq_qfile *vnetmq_backend_unpublish(struct vnetmq_backends *b,
					      u16 queue)
{
	struct vnetmq_qfile *qf = vnetmq_slot(b, queue);

	if (qf) {
		RCU_INIT_POINTER(b->slot[queue], NULL);
		WRITE_ONCE(b->attached, b->attached - 1);
	}
	return qf;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_unpublish);

/**
 * vnetmq_backend_lookup() - the file serving a TX queue, on the datapath
 * @b: the table
 * @queue: the TX queue
 * @pairs: queue pairs in use, read once by the caller
 *
 * Bounded by @pairs as well as by the table, so a queue ethtool -L has
 * just taken away is never looked at.
 *
 * Context: RCU read side (BH disabled, as in ndo_start_xmit).
 * Return: the file, or NULL for a queue that loops back.
 */
struct vnetmq_qfile *vnetmq_backend_lookup(const struct vnetmq_backends *b,
					   u16 queue, unsigned int pairs)
{
	if (!READ_ONCE(b->attached) || queue >= min(b->n, pairs))
		return NULL;
	return rcu_dereference_check(b->slot[queue], rcu_read_lock_bh_held());
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_lookup);

/**
 * vnetmq_backend_get() - the file serving a queue pair, on the control path
 * @b: the table
 * @queue: the queue pair, any value
 *
 * Context: RTNL.
 * Return: the file, or NULL.
 */
struct vnetmq_qfile *vnetmq_backend_get(const struct vnetmq_backends *b,
					u16 queue)
{
	return queue < b->n ? vnetmq_slot(b, queue) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_get);

/**
 * vnetmq_backend_first_at() - lowest attached queue pair at or above @from
 * @b: the table
 * @from: the first queue pair to look at
 *
 * ethtool -L asks it which attached queue pair a new count would remove.
 *
 * Context: RTNL.
 * Return: the queue pair, or -1 if none.
 */
int vnetmq_backend_first_at(const struct vnetmq_backends *b, u16 from)
{
	unsigned int q;

	for (q = from; q < b->n; q++)
		if (vnetmq_slot(b, q))
			return q;
	return -1;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_first_at);

/**
 * vnetmq_qfile_init() - initialise a new, unattached file
 * @qf: the file, zeroed
 */
void vnetmq_qfile_init(struct vnetmq_qfile *qf)
{
	skb_queue_head_init(&qf->frames);
	init_waitqueue_head(&qf->wq);
	INIT_LIST_HEAD(&qf->node);
	qf->state = VNETMQ_QF_NEW;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_init);

/**
 * vnetmq_qfile_dev() - the device a file serves, and its queue pair
 * @qf: the file
 * @queue: set to the queue pair if a device is returned
 *
 * The file's reads and writes look both up on every call, as a DETACH and
 * an ATTACH to another device may come between two of them.  An attach
 * writes the queue before it publishes the device, and a detach waits a
 * grace period after it withdrew the device, before any later attach
 * writes the queue again: a reader that finds a device reads its queue.
 *
 * Context: RCU read side (either flavour).
 * Return: the device, or NULL if the file is not attached.
 */
struct net_device *vnetmq_qfile_dev(const struct vnetmq_qfile *qf, u16 *queue)
{
	struct net_device *dev;

	dev = rcu_dereference_check(qf->dev, rcu_read_lock_bh_held());
	if (dev) {
		/* The queue is no address dependency of @dev: order the
		 * loads.  Pairs with rcu_assign_pointer() in the attach.
		 */
		smp_rmb();
		*queue = READ_ONCE(qf->queue);
	}
	return dev;
}

/**
 * vnetmq_qfile_push() - queue a transmitted frame for the reader
 * @qf: the file
 * @skb: the frame; owned by the file from here on
 * @size: the file's capacity in frames (the RX ring size)
 *
 * The core only transmits on a running TX queue, so the frame is always
 * taken, even if ethtool -G has just shrunk @size below what the file
 * holds: the queue stops at once and the file holds at most one frame
 * more than its old size.
 *
 * Context: @qf->frames.lock held; the caller stops the TX queue under it.
 * Return: true if the TX queue must stop.
 */
bool vnetmq_qfile_push(struct vnetmq_qfile *qf, struct sk_buff *skb,
		       unsigned int size)
{
	lockdep_assert_held(&qf->frames.lock);
	__skb_queue_tail(&qf->frames, skb);
	return skb_queue_len(&qf->frames) >= size;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_push);

/**
 * vnetmq_qfile_may_start() - whether a file has room to run its TX queue
 * @qf: the file
 * @size: its capacity in frames
 *
 * A stopped TX queue starts again once the reader has drained the file to
 * half its capacity, so a busy queue does not flap on every frame.
 *
 * Context: @qf->frames.lock held.
 * Return: true if the TX queue may run.
 */
bool vnetmq_qfile_may_start(const struct vnetmq_qfile *qf, unsigned int size)
{
	lockdep_assert_held(&qf->frames.lock);
	return skb_queue_len(&qf->frames) <= size / 2;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_may_start);

/**
 * vnetmq_qfile_pop() - take the oldest frame for the reader
 * @qf: the file
 * @size: its capacity in frames
 * @wake: set if the TX queue may be woken (the datapath is live and the
 *	file has room); the caller wakes it, under the lock, if stopped
 *
 * Context: @qf->frames.lock held.
 * Return: the frame, or NULL if the file holds none.
 */
struct sk_buff *vnetmq_qfile_pop(struct vnetmq_qfile *qf, unsigned int size,
				 bool *wake)
{
	struct sk_buff *skb = __skb_dequeue(&qf->frames);

	*wake = skb && qf->tx_live && vnetmq_qfile_may_start(qf, size);
	return skb;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_pop);

/**
 * vnetmq_qfile_purge() - drop every frame a file holds
 * @qf: the file, unpublished at least a grace period ago, or its TX queue
 *	stopped for good (device down)
 *
 * Context: process context.
 * Return: the number of frames dropped, for the TX queue's counters.
 */
unsigned int vnetmq_qfile_purge(struct vnetmq_qfile *qf)
{
	struct sk_buff_head list;
	struct sk_buff *skb;
	unsigned int n = 0;

	__skb_queue_head_init(&list);
	spin_lock_bh(&qf->frames.lock);
	skb_queue_splice_init(&qf->frames, &list);
	spin_unlock_bh(&qf->frames.lock);
	while ((skb = __skb_dequeue(&list))) {
		kfree_skb_reason(skb, SKB_DROP_REASON_QUEUE_PURGE);
		n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_qfile_purge);

/*
 * Cut an unpublished file off its device and wake every reader, writer
 * and poller at once: they find the file no longer attached.  Its frames
 * stay until a grace period has passed.
 */
static void vnetmq_qfile_cut(struct vnetmq_qfile *qf, bool gone)
{
	WRITE_ONCE(qf->state, gone ? VNETMQ_QF_GONE : VNETMQ_QF_DETACHED);
	RCU_INIT_POINTER(qf->dev, NULL);
	wake_up_interruptible_poll(&qf->wq,
				   EPOLLERR | (gone ? EPOLLHUP : 0));
}

/**
 * vnetmq_backend_detach() - hand a queue pair back to loopback
 * @b: the table
 * @queue: the queue pair, below @b->n
 *
 * Unpublishes the file, wakes its waiters, waits a grace period so that
 * no transmit is still inside the file, then drops the frames it holds.
 * The file may attach again.
 *
 * Context: RTNL; sleeps.
 * Return: the number of frames dropped, for the TX queue's counters.
 */
unsigned int vnetmq_backend_detach(struct vnetmq_backends *b, u16 queue)
{
	struct vnetmq_qfile *qf = vnetmq_backend_unpublish(b, queue);

	if (!qf)
		return 0;
	vnetmq_qfile_cut(qf, false);
	synchronize_net();
	return vnetmq_qfile_purge(qf);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_detach);

/**
 * vnetmq_backend_detach_all() - detach every file: the device is going away
 * @b: the table
 *
 * Like vnetmq_backend_detach() for each queue pair, with one grace period
 * for all; the files are dead from here on (read, write and ioctl fail
 * with -EBADFD) but stay open until their users close them.
 *
 * Context: RTNL; sleeps.
 * Return: the number of files detached.
 */
unsigned int vnetmq_backend_detach_all(struct vnetmq_backends *b)
{
	struct vnetmq_qfile *qf, *tmp;
	unsigned int q, n = 0;
	LIST_HEAD(cut);

	for (q = 0; q < b->n; q++) {
		qf = vnetmq_backend_unpublish(b, q);
		if (!qf)
			continue;
		vnetmq_qfile_cut(qf, true);
		list_add_tail(&qf->node, &cut);
		n++;
	}
	if (!n)
		return 0;
	synchronize_net();
	list_for_each_entry_safe(qf, tmp, &cut, node) {
		list_del_init(&qf->node);
		vnetmq_qfile_purge(qf);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_backend_detach_all);
