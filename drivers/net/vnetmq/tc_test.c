// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's traffic classes: which mqprio maps are
 * offloaded, which ring each TX queue feeds, how the ring space is
 * shared, and the poll's strict priority between the classes' rings.
 */

#include <kunit/test.h>
#include <net/pkt_sched.h>

#include "test_util.h"
#include "vnetmq.h"

/* Four WMM-like classes on the default device, one TX queue each. */
static void vnetmq_tc_wmm_qopt(struct tc_mqprio_qopt_offload *m)
{
	/* IEEE 802.1D priority to WMM access category, voice highest. */
	static const u8 prio_tc[] = { 1, 0, 0, 1, 2, 2, 3, 3 };
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->qopt.num_tc = 4;
	for (i = 0; i < 4; i++) {
		m->qopt.count[i] = 1;
		m->qopt.offset[i] = i;
	}
	for (i = 0; i <= TC_BITMASK; i++)
		m->qopt.prio_tc_map[i] = prio_tc[i % ARRAY_SIZE(prio_tc)];
	m->mode = TC_MQPRIO_MODE_DCB;
	m->shaper = TC_MQPRIO_SHAPER_DCB;
}

static void vnetmq_tc_check_accepts(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct tc_mqprio_qopt_offload m;

	vnetmq_tc_wmm_qopt(&m);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_check(&m, 4, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);
	/* A queue left out of every class is allowed: it is class 0's. */
	KUNIT_EXPECT_EQ(test, vnetmq_tc_check(&m, 6, &extack), 0);
	/* Deleting the classes always fits. */
	memset(&m, 0, sizeof(m));
	KUNIT_EXPECT_EQ(test, vnetmq_tc_check(&m, 1, &extack), 0);
}

struct vnetmq_tc_bad {
	const char *name;
	void (*spoil)(struct tc_mqprio_qopt_offload *m);
	int err;
	const char *msg;
};

static void vnetmq_tc_too_many(struct tc_mqprio_qopt_offload *m)
{
	m->qopt.num_tc = VNETMQ_MAX_TC + 1;
}

static void vnetmq_tc_prio_out(struct tc_mqprio_qopt_offload *m)
{
	m->qopt.prio_tc_map[TC_BITMASK] = 4;
}

static void vnetmq_tc_empty(struct tc_mqprio_qopt_offload *m)
{
	m->qopt.count[2] = 0;
}

static void vnetmq_tc_beyond(struct tc_mqprio_qopt_offload *m)
{
	m->qopt.count[3] = 2;
}

static void vnetmq_tc_overlap(struct tc_mqprio_qopt_offload *m)
{
	m->qopt.count[0] = 2;
}

static void vnetmq_tc_channel(struct tc_mqprio_qopt_offload *m)
{
	m->mode = TC_MQPRIO_MODE_CHANNEL;
}

static void vnetmq_tc_rate(struct tc_mqprio_qopt_offload *m)
{
	m->shaper = TC_MQPRIO_SHAPER_BW_RATE;
	m->flags = TC_MQPRIO_F_MAX_RATE;
}

static void vnetmq_tc_preempt(struct tc_mqprio_qopt_offload *m)
{
	m->preemptible_tcs = BIT(0);
}

static const struct vnetmq_tc_bad vnetmq_tc_bads[] = {
	{ "nine classes", vnetmq_tc_too_many, -EINVAL, "at most 8" },
	{ "priority to a missing class", vnetmq_tc_prio_out, -EINVAL,
	  "priority 15 maps to class 4 of 4" },
	{ "class without queues", vnetmq_tc_empty, -EINVAL,
	  "class 2 has no TX queue" },
	{ "queues beyond the device's", vnetmq_tc_beyond, -EINVAL,
	  "needs TX queues 3-4; the device has 4" },
	{ "classes sharing a queue", vnetmq_tc_overlap, -EINVAL,
	  "classes 0 and 1 share" },
	{ "channel mode", vnetmq_tc_channel, -EOPNOTSUPP, "dcb mode" },
	{ "rate limits", vnetmq_tc_rate, -EOPNOTSUPP, "no rate limits" },
	{ "frame preemption", vnetmq_tc_preempt, -EOPNOTSUPP, "preemption" },
};

KUNIT_ARRAY_PARAM_DESC(vnetmq_tc_bad, vnetmq_tc_bads, name);

/* Each map that does not fit is refused with its own message. */
static void vnetmq_tc_check_refuses(struct kunit *test)
{
	const struct vnetmq_tc_bad *b = test->param_value;
	struct netlink_ext_ack extack = {};
	struct tc_mqprio_qopt_offload m;

	vnetmq_tc_wmm_qopt(&m);
	b->spoil(&m);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_check(&m, 4, &extack), b->err);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack._msg, b->msg),
				  "message: %s", extack._msg);
}

static void vnetmq_tc_queue_classes(struct kunit *test)
{
	struct tc_mqprio_qopt_offload m;
	struct vnetmq_tc tc;

	vnetmq_tc_wmm_qopt(&m);
	m.qopt.num_tc = 2;
	m.qopt.count[0] = 2;
	m.qopt.offset[0] = 3;	/* class 0: TX queues 3 and 4 */
	m.qopt.count[1] = 2;
	m.qopt.offset[1] = 0;	/* class 1: TX queues 0 and 1 */
	vnetmq_tc_set(&tc, &m);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 0), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 1), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 2), 0);	/* in none */
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 3), 0);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 4), 0);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 5), 0);	/* in none */
	KUNIT_EXPECT_EQ(test, vnetmq_tc_last_txq(&tc), 5);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_nr_rings(&tc), 2);

	memset(&m, 0, sizeof(m));
	vnetmq_tc_set(&tc, &m);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_last_txq(&tc), 0);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_nr_rings(&tc), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_of_txq(&tc, 3), 0);
}

/*
 * The stop headroom counts only the TX queues of the same class on the
 * same RX queue: those are the only ones that share a ring.
 */
static void vnetmq_tc_map_feeders(struct kunit *test)
{
	struct tc_mqprio_qopt_offload m;
	struct vnetmq_txq_map map[8];
	struct vnetmq_tc tc;
	unsigned int q;

	/* 8 TX queues on 2 RX queues: class 0 has 0-5, class 1 has 6-7. */
	vnetmq_tc_wmm_qopt(&m);
	m.qopt.num_tc = 2;
	m.qopt.count[0] = 6;
	m.qopt.offset[0] = 0;
	m.qopt.count[1] = 2;
	m.qopt.offset[1] = 6;
	vnetmq_tc_set(&tc, &m);
	vnetmq_txq_map_build(map, &tc, 8, 2);
	for (q = 0; q < 8; q++) {
		KUNIT_EXPECT_EQ(test, map[q].rxq, q % 2);
		KUNIT_EXPECT_EQ(test, map[q].tc, q < 6 ? 0 : 1);
		KUNIT_EXPECT_EQ_MSG(test, map[q].feeders, q < 6 ? 3 : 1,
				    "tx queue %u", q);
	}
	/* Two rings per RX queue, the busiest fed by 3: 2 * 2 * 3. */
	KUNIT_EXPECT_EQ(test, vnetmq_tc_ring_min_size(map, 8, 2), 12);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_ring_share(256, 2), 128);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_ring_share(12, 2), 6);
}

struct vnetmq_tc_napi {
	struct vnetmq_rxq rq;
	u32 seq[16];
	unsigned int received;
};

static void vnetmq_tc_receive(struct vnetmq_rxq *rq, struct sk_buff *skb)
{
	struct vnetmq_tc_napi *f = container_of(rq, struct vnetmq_tc_napi, rq);

	if (f->received < ARRAY_SIZE(f->seq))
		f->seq[f->received] = vnetmq_test_seq(skb);
	f->received++;
	kfree_skb(skb);
}

static void vnetmq_tc_tx_done(struct vnetmq_rxq *rq, u16 txq,
			      unsigned int pkts, unsigned int bytes)
{
}

static void vnetmq_tc_wake(struct vnetmq_rxq *rq, u8 tc)
{
}

static bool vnetmq_tc_complete(struct vnetmq_rxq *rq, int work)
{
	return true;
}

static void vnetmq_tc_reschedule(struct vnetmq_rxq *rq)
{
}

static const struct vnetmq_napi_ops vnetmq_tc_napi_ops = {
	.receive	= vnetmq_tc_receive,
	.tx_done	= vnetmq_tc_tx_done,
	.wake		= vnetmq_tc_wake,
	.complete	= vnetmq_tc_complete,
	.reschedule	= vnetmq_tc_reschedule,
};

static void vnetmq_tc_napi_purge(void *data)
{
	struct vnetmq_tc_napi *f = data;
	unsigned int tc;

	for (tc = 0; tc < VNETMQ_MAX_TC; tc++)
		skb_queue_purge(&f->rq.ring[tc].skbs);
}

static struct vnetmq_tc_napi *vnetmq_tc_napi(struct kunit *test,
					     unsigned int nr_rings)
{
	struct vnetmq_tc_napi *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	vnetmq_rxq_init(&f->rq, vnetmq_test_etherdev(test), 0, 16);
	f->rq.nr_rings = nr_rings;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vnetmq_tc_napi_purge,
						  f));
	return f;
}

/* Queue @n frames numbered from @seq on the ring of class @tc. */
static void vnetmq_tc_fill(struct kunit *test, struct vnetmq_tc_napi *f,
			   u8 tc, u32 seq, unsigned int n)
{
	struct sk_buff *skb;
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* Allocated before BH goes off: it may sleep. */
		skb = vnetmq_test_frame(test, f->rq.dev, 60, tc, seq + i);
		local_bh_disable();
		vnetmq_ring_produce(&f->rq.ring[tc], skb);
		local_bh_enable();
	}
}

static int vnetmq_tc_poll(struct vnetmq_tc_napi *f, int budget)
{
	int work;

	local_bh_disable();
	work = vnetmq_rx_poll(&f->rq, budget, &vnetmq_tc_napi_ops);
	local_bh_enable();
	return work;
}

/*
 * Background frames queued first still wait for the voice frames queued
 * after them: the poll serves the highest class's ring first.
 */
static void vnetmq_tc_poll_strict_priority(struct kunit *test)
{
	static const u32 want[] = { 300, 301, 200, 100, 0, 1, 2 };
	struct vnetmq_tc_napi *f = vnetmq_tc_napi(test, 4);
	unsigned int i;

	vnetmq_tc_fill(test, f, 0, 0, 3);	/* background */
	vnetmq_tc_fill(test, f, 1, 100, 1);	/* best effort */
	vnetmq_tc_fill(test, f, 2, 200, 1);	/* video */
	vnetmq_tc_fill(test, f, 3, 300, 2);	/* voice */
	KUNIT_EXPECT_EQ(test, vnetmq_tc_poll(f, 64), ARRAY_SIZE(want));
	KUNIT_ASSERT_EQ(test, f->received, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ_MSG(test, f->seq[i], want[i], "frame %u", i);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.tc_packets[0]), 3);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.tc_packets[3]), 2);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.packets), 7);
}

/*
 * A full background ring cannot take the budget from voice; voice takes
 * what it needs and background only the rest, in order.
 */
static void vnetmq_tc_poll_budget_to_higher(struct kunit *test)
{
	struct vnetmq_tc_napi *f = vnetmq_tc_napi(test, 2);

	vnetmq_tc_fill(test, f, 0, 0, 16);
	vnetmq_tc_fill(test, f, 1, 100, 3);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_poll(f, 4), 4);
	KUNIT_EXPECT_EQ(test, f->seq[0], 100);
	KUNIT_EXPECT_EQ(test, f->seq[2], 102);
	KUNIT_EXPECT_EQ(test, f->seq[3], 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->rq.ring[0].skbs), 15);

	vnetmq_tc_fill(test, f, 1, 200, 2);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_poll(f, 2), 2);
	KUNIT_EXPECT_EQ(test, f->seq[4], 200);
	KUNIT_EXPECT_EQ(test, f->seq[5], 201);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->rq.ring[0].skbs), 15);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_poll(f, 64), 15);
	KUNIT_EXPECT_EQ(test, f->seq[6], 1);
}

/* Rings above the classes in use are never polled. */
static void vnetmq_tc_poll_rings_in_use(struct kunit *test)
{
	struct vnetmq_tc_napi *f = vnetmq_tc_napi(test, 1);

	vnetmq_tc_fill(test, f, 1, 0, 2);
	KUNIT_EXPECT_EQ(test, vnetmq_tc_poll(f, 64), 0);
	/* ...but a flush empties every ring: none keeps a frame. */
	KUNIT_EXPECT_EQ(test, vnetmq_rx_flush(&f->rq, false), 2);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&f->rq.stats.drops), 2);
}

static struct kunit_case vnetmq_tc_cases[] = {
	KUNIT_CASE(vnetmq_tc_check_accepts),
	KUNIT_CASE_PARAM(vnetmq_tc_check_refuses, vnetmq_tc_bad_gen_params),
	KUNIT_CASE(vnetmq_tc_queue_classes),
	KUNIT_CASE(vnetmq_tc_map_feeders),
	KUNIT_CASE(vnetmq_tc_poll_strict_priority),
	KUNIT_CASE(vnetmq_tc_poll_budget_to_higher),
	KUNIT_CASE(vnetmq_tc_poll_rings_in_use),
	{}
};

static struct kunit_suite vnetmq_tc_suite = {
	.name = "vnetmq_tc",
	.test_cases = vnetmq_tc_cases,
};

kunit_test_suite(vnetmq_tc_suite);
