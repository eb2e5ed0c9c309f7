// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq RX rings.  Producers (ndo_start_xmit) and the consumer (NAPI) run
 * with BH disabled, so the list lock is taken without _bh here; process
 * context users (vnetmq_rx_flush()) disable BH themselves.
 */

#include <kunit/visibility.h>

#include "vnetmq.h"

/**
 * vnetmq_ring_init() - initialise an empty ring
 * @ring: the ring
 * @size: its capacity in frames
 */
void vnetmq_ring_init(struct vnetmq_ring *ring, unsigned int size)
{
	skb_queue_head_init(&ring->skbs);
	ring->size = size;
	ring->open = false;
	ring->flags = 0;
	ring->feeders = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_init);

/**
 * vnetmq_ring_produce() - append a frame to a ring
 * @ring: the ring
 * @skb: the frame; owned by the ring from here on
 *
 * Never fails: the TX queues' flow control (see queue.c) keeps the ring
 * within its size, so the frame's BQL accounting, done before this call,
 * never has to be undone.  Call with BH disabled.
 */
void vnetmq_ring_produce(struct vnetmq_ring *ring, struct sk_buff *skb)
{
	spin_lock(&ring->skbs.lock);
	__skb_queue_tail(&ring->skbs, skb);
	spin_unlock(&ring->skbs.lock);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_produce);

/* Room for a written frame; see vnetmq_ring_inject(). */
static bool vnetmq_ring_room(const struct vnetmq_ring *ring,
			     unsigned int reserve)
{
	unsigned int free = vnetmq_ring_free(ring);

	if (free <= reserve)
		return false;
	return !test_bit(VNETMQ_RING_STOPPED, &ring->flags) ||
	       free >= vnetmq_ring_start_thrs(READ_ONCE(ring->size), reserve);
}

/**
 * vnetmq_ring_inject() - append a frame written to a queue file
 * @ring: the ring of the queue file's RX queue
 * @skb: the frame; owned by the ring if this returns 0
 * @reserve: slots to leave free: the stop headroom of the TX queues
 *	feeding the ring (struct vnetmq_txq_map), which flow control
 *	counts on
 *
 * Unlike a transmitted frame, a written one has no TX queue to stop, so
 * it is refused when it would eat into the TX queues' headroom, and while
 * a TX queue that stopped on the ring waits for it to drain to the wake
 * threshold: a busy writer cannot keep a stopped TX queue from waking.
 * Call with BH disabled.
 *
 * Return: 0, -ENOBUFS if the ring has no room, -ENETDOWN if it is closed
 * (its NAPI is down).
 */
int vnetmq_ring_inject(struct vnetmq_ring *ring, struct sk_buff *skb,
		       unsigned int reserve)
{
	int err = 0;

	spin_lock(&ring->skbs.lock);
	if (!ring->open)
		err = -ENETDOWN;
	else if (!vnetmq_ring_room(ring, reserve))
		err = -ENOBUFS;
	else
		__skb_queue_tail(&ring->skbs, skb);
	spin_unlock(&ring->skbs.lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_inject);

/**
 * vnetmq_ring_set_open() - let written frames in, or keep them out
 * @ring: the ring
 * @open: whether vnetmq_ring_inject() may add frames
 *
 * Closed before the ring is emptied outside of NAPI, so no written frame
 * lands on it afterwards; opened once its NAPI is up.
 *
 * Context: process context.
 */
void vnetmq_ring_set_open(struct vnetmq_ring *ring, bool open)
{
	spin_lock_bh(&ring->skbs.lock);
	WRITE_ONCE(ring->open, open);
	spin_unlock_bh(&ring->skbs.lock);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_set_open);

/**
 * vnetmq_ring_writable() - whether a written frame would fit, without the lock
 * @ring: the ring
 * @reserve: as for vnetmq_ring_inject()
 *
 * A closed ring is not writable: it opens when its queues are set up
 * again, and whoever opens it wakes the writers.
 *
 * Return: true if vnetmq_ring_inject() would take a frame now.
 */
bool vnetmq_ring_writable(const struct vnetmq_ring *ring, unsigned int reserve)
{
	return READ_ONCE(ring->open) && vnetmq_ring_room(ring, reserve);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_writable);

/**
 * vnetmq_ring_consume() - take the oldest frames off a ring
 * @ring: the ring
 * @batch: a list the frames are appended to, in order
 * @budget: the most frames to take
 *
 * Call with BH disabled.
 *
 * Return: the number of frames moved to @batch.
 */
unsigned int vnetmq_ring_consume(struct vnetmq_ring *ring,
				 struct sk_buff_head *batch,
				 unsigned int budget)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	spin_lock(&ring->skbs.lock);
	while (n < budget && (skb = __skb_dequeue(&ring->skbs))) {
		__skb_queue_tail(batch, skb);
		n++;
	}
	spin_unlock(&ring->skbs.lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_consume);

/**
 * vnetmq_ring_free() - free slots in a ring, read without its lock
 * @ring: the ring
 *
 * Return: size minus frames held, or 0 if a shrunk ring still holds more.
 */
unsigned int vnetmq_ring_free(const struct vnetmq_ring *ring)
{
	unsigned int len = skb_queue_len_lockless(&ring->skbs);
	unsigned int size = READ_ONCE(ring->size);

	return size > len ? size - len : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_free);

/**
 * vnetmq_ring_empty() - whether a ring holds no frame, read without its lock
 * @ring: the ring
 *
 * Return: true if empty.
 */
bool vnetmq_ring_empty(const struct vnetmq_ring *ring)
{
	return skb_queue_empty_lockless(&ring->skbs);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_empty);

/**
 * vnetmq_ring_mark_stopped() - note that a feeder stopped itself on a ring
 * @ring: the ring
 *
 * Called by a TX queue that has just stopped because @ring is nearly
 * full, before it looks at the free slots once more.  The next poll that
 * leaves the ring with room to wake a feeder then wakes every stopped
 * feeder (vnetmq_ring_wake_due()), not only those whose frames it took:
 * a feeder whose frames all left while the ring was still too full, and
 * refilled by the others, would otherwise never be woken.
 */
void vnetmq_ring_mark_stopped(struct vnetmq_ring *ring)
{
	/* The queue's stop bit before the mark... */
	smp_mb__before_atomic();
	set_bit(VNETMQ_RING_STOPPED, &ring->flags);
	/* ...and the mark before the re-check of the free slots.  Pairs
	 * with the full barrier in vnetmq_ring_wake_due().
	 */
	smp_mb__after_atomic();
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_mark_stopped);

/**
 * vnetmq_ring_wake_due() - whether a poll must wake a ring's stopped feeders
 * @ring: the ring, after the poll took frames off it
 * @start: free slots at which a stopped feeder may wake
 *	(vnetmq_ring_start_thrs())
 *
 * Either this sees the mark of a feeder that stopped, or that feeder's
 * re-check sees the slots this poll freed and restarts itself: a feeder
 * left stopped with the mark clear is impossible.
 *
 * Context: the ring's consumer.
 * Return: true once per vnetmq_ring_mark_stopped(), when the ring has
 * @start free slots; the caller then wakes every stopped feeder.
 */
bool vnetmq_ring_wake_due(struct vnetmq_ring *ring, unsigned int start)
{
	/* The dequeues before the look at the mark. */
	smp_mb();
	if (!test_bit(VNETMQ_RING_STOPPED, &ring->flags) ||
	    vnetmq_ring_free(ring) < start)
		return false;
	return test_and_clear_bit(VNETMQ_RING_STOPPED, &ring->flags);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_ring_wake_due);
