// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnetmq RX interrupt coalescing: when a frame put on a ring schedules
 * its RX queue's NAPI.  A real NIC raises an interrupt per batch of
 * frames or per time slot, not per frame; vnetmq's "interrupt" is the
 * napi_schedule() of the transmit that fills the ring.  Scheduled per
 * frame, every frame a uniprocessor transmits ends in a softirq that
 * polls that one frame, and the polls cost more than the frames.
 *
 * The glue (netdev.c) asks vnetmq_coal_due() after each frame; if it
 * says no, an hrtimer per RX queue schedules the poll instead, at most
 * rx-usecs after the first frame that found the timer idle.
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
 * Return: true to schedule NAPI at once; false to leave the poll to the
 * RX queue's coalescing timer, which then must be armed.
 */
bool vnetmq_coal_due(const struct vnetmq_coal *coal, unsigned int waiting,
		     bool urgent)
{
	return urgent || !READ_ONCE(coal->usecs) ||
	       waiting >= READ_ONCE(coal->frames);
}
EXPORT_SYMBOL_IF_KUNIT(vnetmq_coal_due);
