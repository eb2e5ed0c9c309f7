// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq RX interrupt coalescing: when a frame put on a ring schedules
 * its RX queue's NAPI.  A real NIC raises an interrupt per batch of
 * frames or per time slot, not per frame; vnetmq's "interrupt" is the
 * napi_schedule() of the transmit that fills the ring.  Scheduled per
 * frame, every frame a uniprocessor transmits ends in a softirq that
 * polls that one frame, and the polls cost more than the frames.
 *
 * The glue (netdev.c) asks vnetmq_coal_due() after each frame, and
 * vnetmq_coal_lone() about a frame alone on its ring; if both say no,
 * an hrtimer per RX queue schedules the poll instead, at most rx-usecs
 * after the first frame that found the timer idle, if the clock can
 * time that (vnetmq_coal_timer_ok()).
 */

#include <kunit/visibility.h>
#include <linux/netlink.h>

#include "vnetmq.h"

/**
 * vnetmq_coal_check() - validate the coalescing ethtool -C asks for
 * @frames: rx-frames
 * @usecs: rx-usecs
 * @extack: where to say why the request is refused
 *
 * Return: 0, or -EINVAL if either is out of range: 1 to
 * VNETMQ_MAX_COAL_FRAMES frames (0 frames would be no trigger at all),
 * 0 to VNETMQ_MAX_COAL_USECS microseconds.
 */
int vnetmq_coal_check(u32 frames, u32 usecs, struct netlink_ext_ack *extack)
{
	if (!frames || frames > VNETMQ_MAX_COAL_FRAMES) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "rx-frames %u is out of range: 1 to %u (a NAPI poll's budget)",
				       frames, VNETMQ_MAX_COAL_FRAMES);
		return -EINVAL;
	}
	if (usecs > VNETMQ_MAX_COAL_USECS) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "rx-usecs %u is out of range: 0 to %u",
				       usecs, VNETMQ_MAX_COAL_USECS);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_coal_check);

/**
 * vnetmq_coal_due() - whether a frame just queued must schedule NAPI now
 * @coal: the device's coalescing
 * @waiting: frames on the frame's ring, itself included
 * @urgent: a TX queue feeding the ring is stopped, by the ring's flow
 *	control or by BQL: it waits for this queue's completions, and
 *	holding them back would only idle it
 *
 * Return: true to schedule NAPI at once; false to ask vnetmq_coal_lone()
 * about a frame alone on its ring, or else to leave the poll to the RX
 * queue's coalescing timer, which then must be armed.
 */
bool vnetmq_coal_due(const struct vnetmq_coal *coal, unsigned int waiting,
		     bool urgent)
{
	return urgent || !READ_ONCE(coal->usecs) ||
	       waiting >= READ_ONCE(coal->frames);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_coal_due);

/**
 * vnetmq_coal_timer_ok() - whether the coalescing timer can keep rx-usecs
 * @coal: the device's coalescing
 * @resolution_ns: the resolution of hrtimers (hrtimer_resolution)
 *
 * Without high-resolution timers an hrtimer fires on a tick, up to a
 * jiffy late: a frame left to the timer would wait for that, not for
 * rx-usecs.  A TCP stream, which sends again only once its frames are
 * received (TCP Small Queues), then moves a few frames a tick.  With
 * such a clock a frame that is not due schedules NAPI at once, as with
 * rx-usecs 0: no frame waits longer than rx-usecs.
 *
 * Return: true if a timer of @resolution_ns fires within rx-usecs.
 */
bool vnetmq_coal_timer_ok(const struct vnetmq_coal *coal,
			  unsigned int resolution_ns)
{
	return (u64)READ_ONCE(coal->usecs) * NSEC_PER_USEC >= resolution_ns;
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_coal_timer_ok);

/**
 * vnetmq_coal_lone() - whether a frame alone on its ring should go at once
 * @last: the device's last poll on this CPU that took frames
 * @now: ktime_get_ns() at the frame's transmit
 *
 * Batching pays only while frames come faster than a poll takes.  A
 * frame alone on its ring, sent after the CPU went without a poll for
 * longer than the last one took, has a sender slower than the poll (a
 * ping, a request and its response): no second frame is likely to join
 * it in time, and waiting would only add rx-usecs to its latency.  A
 * frame that follows a poll closer than that waits for rx-frames, or
 * for the timer.  The CPU's last poll, not the queue's: with frames
 * spread over several queues, each queue's polls are further apart than
 * the sender's frames, and each frame would go alone.
 *
 * Return: true to schedule NAPI at once.
 */
bool vnetmq_coal_lone(const struct vnetmq_cpu_poll *last, u64 now)
{
	u64 end = READ_ONCE(last->end);

	/* An end after @now is a torn read on 32-bit, or a test's. */
	return now > end && now - end > READ_ONCE(last->ns);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_coal_lone);
