// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's NAPI poll core, run without NAPI: a fake
 * struct vnetmq_napi_ops records what the core asks of NAPI and stages
 * the interleavings it must survive.
 */

#include <kunit/test.h>

#include "test_util.h"
#include "vnetmq.h"

#define VNETMQ_FAKE_DONE_MAX	16

struct vnetmq_fake {
	struct vnetmq_rxq rq;
	struct sk_buff_head received;
	unsigned int completes;
	unsigned int reschedules;
	unsigned long woken;	/* bit tc: ring tc's feeders woken */
	bool complete_ret;
	/* A frame a producer queues while NAPI completes. */
	struct sk_buff *late;
	struct {
		u16 txq;
		unsigned int pkts, bytes;
	} done[VNETMQ_FAKE_DONE_MAX];
	unsigned int ndone;
};

static struct vnetmq_fake *to_fake(struct vnetmq_rxq *rq)
{
	return container_of(rq, struct vnetmq_fake, rq);
}

static void vnetmq_fake_receive(struct vnetmq_rxq *rq, struct sk_buff *skb)
{
	__skb_queue_tail(&to_fake(rq)->received, skb);
}

static void vnetmq_fake_tx_done(struct vnetmq_rxq *rq, u16 txq,
				unsigned int pkts, unsigned int bytes)
{
	struct vnetmq_fake *f = to_fake(rq);

	if (f->ndone < VNETMQ_FAKE_DONE_MAX) {
		f->done[f->ndone].txq = txq;
		f->done[f->ndone].pkts = pkts;
		f->done[f->ndone].bytes = bytes;
	}
	f->ndone++;
}

static void vnetmq_fake_wake(struct vnetmq_rxq *rq, u8 tc)
{
	__set_bit(tc, &to_fake(rq)->woken);
}

static bool vnetmq_fake_complete(struct vnetmq_rxq *rq, int work)
{
	struct vnetmq_fake *f = to_fake(rq);

	f->completes++;
	if (f->late) {
		vnetmq_ring_produce(&rq->ring[0], f->late);
		f->late = NULL;
	}
	return f->complete_ret;
}

static void vnetmq_fake_reschedule(struct vnetmq_rxq *rq)
{
	to_fake(rq)->reschedules++;
}

static const struct vnetmq_napi_ops vnetmq_fake_ops = {
	.receive	= vnetmq_fake_receive,
	.tx_done	= vnetmq_fake_tx_done,
	.wake		= vnetmq_fake_wake,
	.complete	= vnetmq_fake_complete,
	.reschedule	= vnetmq_fake_reschedule,
};

static void vnetmq_fake_cleanup(void *data)
{
	struct vnetmq_fake *f = data;

	skb_queue_purge(&f->rq.ring[0].skbs);
	skb_queue_purge(&f->received);
	kfree_skb(f->late);
}

static struct vnetmq_fake *vnetmq_fake_rxq(struct kunit *test, u16 index)
{
	struct vnetmq_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	vnetmq_rxq_init(&f->rq, vnetmq_test_etherdev(test), index, 64);
	skb_queue_head_init(&f->received);
	f->complete_ret = true;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vnetmq_fake_cleanup,
						  f));
	return f;
}

static void vnetmq_fake_fill(struct kunit *test, struct vnetmq_fake *f,
			     unsigned int n, u16 txq)
{
	struct sk_buff *skb;
	static u32 seq;

	while (n--) {
		skb = vnetmq_test_frame(test, f->rq.dev, 60, txq, seq++);
		local_bh_disable();
		vnetmq_ring_produce(&f->rq.ring[0], skb);
		local_bh_enable();
	}
}

static int vnetmq_poll_once(struct vnetmq_fake *f, int budget)
{
	int work;

	local_bh_disable();
	work = vnetmq_rx_poll(&f->rq, budget, &vnetmq_fake_ops);
	local_bh_enable();
	return work;
}

/* A poll receives exactly min(budget, frames), in order. */
static void vnetmq_poll_budget_exact(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);
	struct sk_buff *skb;
	bool first = true;
	u32 prev = 0;

	vnetmq_fake_fill(test, f, 10, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 4), 4);
	KUNIT_EXPECT_EQ(test, f->completes, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 4), 4);
	KUNIT_EXPECT_EQ(test, f->completes, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 4), 2);
	KUNIT_EXPECT_EQ(test, f->completes, 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->received), 10);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&f->rq.ring[0]));

	skb_queue_walk(&f->received, skb) {
		if (!first)
			KUNIT_EXPECT_EQ(test, vnetmq_test_seq(skb), prev + 1);
		prev = vnetmq_test_seq(skb);
		first = false;
	}
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.polls), 3);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.full_polls), 2);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.packets), 10);
	/* The whole frame, as the TX side counts it. */
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.bytes), 10 * 60);
}

/* Work == budget never completes, even when the ring happens to be empty. */
static void vnetmq_poll_complete_iff_under_budget(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);

	vnetmq_fake_fill(test, f, 4, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 4), 4);
	KUNIT_EXPECT_EQ(test, f->completes, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 4), 0);
	KUNIT_EXPECT_EQ(test, f->completes, 1);
	KUNIT_EXPECT_EQ(test, f->reschedules, 0);
	/* Budget 0 (netpoll): receive nothing, complete nothing. */
	vnetmq_fake_fill(test, f, 1, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 0), 0);
	KUNIT_EXPECT_EQ(test, f->completes, 1);
}

/*
 * The lost wakeup: a frame arrives after the poll saw the ring empty but
 * before NAPI completed, and its producer found NAPI still scheduled.
 * The poll must schedule itself again, or that frame waits for the next
 * transmit, which a stopped queue never makes.
 */
static void vnetmq_poll_lost_wakeup(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);

	vnetmq_fake_fill(test, f, 2, 0);
	f->late = vnetmq_test_frame(test, f->rq.dev, 60, 0, 99);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 2);
	KUNIT_EXPECT_EQ(test, f->completes, 1);
	KUNIT_EXPECT_EQ(test, f->reschedules, 1);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_test_seq(skb_peek_tail(&f->received)), 99);
}

/* If NAPI refuses to complete, it polls again by itself: no reschedule. */
static void vnetmq_poll_no_reschedule_when_not_completed(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);

	vnetmq_fake_fill(test, f, 2, 0);
	f->complete_ret = false;
	f->late = vnetmq_test_frame(test, f->rq.dev, 60, 0, 99);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 2);
	KUNIT_EXPECT_EQ(test, f->reschedules, 0);
}

/*
 * Completions go to the TX queue that sent each frame, one report per
 * queue and poll however the queues' frames interleave.
 */
static void vnetmq_poll_tx_done_per_queue(struct kunit *test)
{
	static const u16 order[] = { 1, 3, 1, 3, 1, VNETMQ_TXQ_NONE };
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 1);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		vnetmq_fake_fill(test, f, 1, order[i]);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 6);
	KUNIT_ASSERT_EQ(test, f->ndone, 2);
	KUNIT_EXPECT_EQ(test, f->done[0].txq, 1);
	KUNIT_EXPECT_EQ(test, f->done[0].pkts, 3);
	KUNIT_EXPECT_EQ(test, f->done[0].bytes, 180);
	KUNIT_EXPECT_EQ(test, f->done[1].txq, 3);
	KUNIT_EXPECT_EQ(test, f->done[1].pkts, 2);
	KUNIT_EXPECT_EQ(test, f->done[1].bytes, 120);
}

/*
 * More TX queues in one poll than it gathers: the gathered ones are
 * reported when the next one comes, and nothing is lost or doubled.
 */
static void vnetmq_poll_tx_done_many_queues(struct kunit *test)
{
	static const u16 order[] = { 0, 1, 2, 3, 4, 0, 5 };
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 1);
	unsigned int pkts[6] = {}, bytes = 0, i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		vnetmq_fake_fill(test, f, 1, order[i]);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 7);
	/* 0-3 flushed by 4; then 4, 0 and 5 at the end of the poll. */
	KUNIT_ASSERT_EQ(test, f->ndone, 7);
	for (i = 0; i < f->ndone; i++) {
		KUNIT_ASSERT_LT(test, f->done[i].txq, ARRAY_SIZE(pkts));
		pkts[f->done[i].txq] += f->done[i].pkts;
		bytes += f->done[i].bytes;
	}
	KUNIT_EXPECT_EQ(test, pkts[0], 2);
	for (i = 1; i < ARRAY_SIZE(pkts); i++)
		KUNIT_EXPECT_EQ(test, pkts[i], 1);
	KUNIT_EXPECT_EQ(test, bytes, 7 * 60);
	KUNIT_EXPECT_EQ(test, f->done[4].txq, 4);
	KUNIT_EXPECT_EQ(test, f->done[5].txq, 0);
}

/* Received frames carry this RX queue, no longer their TX queue. */
static void vnetmq_poll_records_rx_queue(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 5);
	struct sk_buff *skb;

	vnetmq_fake_fill(test, f, 3, 2);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 3);
	skb_queue_walk(&f->received, skb) {
		KUNIT_EXPECT_EQ(test, skb_get_rx_queue(skb), 5);
		KUNIT_EXPECT_EQ(test, ntohs(skb->protocol), VNETMQ_TEST_PROTO);
	}
}

/* A paused queue takes nothing and completes without re-arming itself. */
static void vnetmq_poll_paused(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);

	vnetmq_fake_fill(test, f, 3, 0);
	WRITE_ONCE(f->rq.paused, true);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 0);
	KUNIT_EXPECT_EQ(test, f->completes, 1);
	KUNIT_EXPECT_EQ(test, f->reschedules, 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->rq.ring[0].skbs), 3);
	WRITE_ONCE(f->rq.paused, false);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 8), 3);
}

/* Going down, ring frames are dropped and counted, never leaked. */
static void vnetmq_poll_flush_drops(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);

	vnetmq_fake_fill(test, f, 7, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_rx_flush(&f->rq, false), 7);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(&f->rq.ring[0]));
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.drops), 7);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.packets), 0);
}

/*
 * A TX queue stopped on the ring, and the ring then held only frames
 * written to a queue file, which complete no TX queue: the poll that
 * leaves the ring with room wakes the ring's feeders all the same, once;
 * a poll that finds the ring still too full does not.
 */
static void vnetmq_poll_wake_written(struct kunit *test)
{
	struct vnetmq_fake *f = vnetmq_fake_rxq(test, 0);
	struct vnetmq_ring *ring = &f->rq.ring[0];

	ring->feeders = 2;
	vnetmq_fake_fill(test, f, 60, VNETMQ_TXQ_NONE);
	vnetmq_ring_mark_stopped(ring);
	/* 64 slots, 60 held: 20 taken leave 24 free, below the 32 needed. */
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 20), 20);
	KUNIT_EXPECT_EQ(test, f->woken, 0);
	KUNIT_EXPECT_EQ(test, f->ndone, 0);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 20), 20);
	KUNIT_EXPECT_EQ(test, f->woken, BIT(0));
	KUNIT_EXPECT_FALSE(test, test_bit(VNETMQ_RING_STOPPED, &ring->flags));
	f->woken = 0;
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 64), 20);
	KUNIT_EXPECT_EQ(test, f->woken, 0);
	/* The TX watchdog's kick: an empty poll wakes a missed feeder. */
	vnetmq_ring_mark_stopped(ring);
	KUNIT_EXPECT_EQ(test, vnetmq_poll_once(f, 64), 0);
	KUNIT_EXPECT_EQ(test, f->woken, BIT(0));
	KUNIT_EXPECT_EQ(test, f->ndone, 0);
}

static struct kunit_case vnetmq_poll_cases[] = {
	KUNIT_CASE(vnetmq_poll_budget_exact),
	KUNIT_CASE(vnetmq_poll_complete_iff_under_budget),
	KUNIT_CASE(vnetmq_poll_lost_wakeup),
	KUNIT_CASE(vnetmq_poll_wake_written),
	KUNIT_CASE(vnetmq_poll_no_reschedule_when_not_completed),
	KUNIT_CASE(vnetmq_poll_tx_done_per_queue),
	KUNIT_CASE(vnetmq_poll_tx_done_many_queues),
	KUNIT_CASE(vnetmq_poll_records_rx_queue),
	KUNIT_CASE(vnetmq_poll_paused),
	KUNIT_CASE(vnetmq_poll_flush_drops),
	{}
};

static struct kunit_suite vnetmq_poll_suite = {
	.name = "vnetmq_poll",
	.test_cases = vnetmq_poll_cases,
};

kunit_test_suite(vnetmq_poll_suite);
