// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's RX rings and the flow-control thresholds that
 * keep several TX queues from overflowing one ring.
 */

#include <kunit/test.h>

#include "test_util.h"
#include "vnetmq.h"

static void vnetmq_test_ring_purge(void *ring)
{
	skb_queue_purge(&((struct vnetmq_ring *)ring)->skbs);
}

static struct vnetmq_ring *vnetmq_test_ring(struct kunit *test,
					    unsigned int size)
{
	struct vnetmq_ring *ring = kunit_kzalloc(test, sizeof(*ring),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ring);
	vnetmq_ring_init(ring, size);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vnetmq_test_ring_purge,
						  ring));
	return ring;
}

static void vnetmq_produce(struct vnetmq_ring *ring, struct sk_buff *skb)
{
	local_bh_disable();
	vnetmq_ring_produce(ring, skb);
	local_bh_enable();
}

static unsigned int vnetmq_consume(struct vnetmq_ring *ring,
				   struct sk_buff_head *batch,
				   unsigned int budget)
{
	unsigned int n;

	local_bh_disable();
	n = vnetmq_ring_consume(ring, batch, budget);
	local_bh_enable();
	return n;
}

static void vnetmq_ring_fifo(struct kunit *test)
{
	struct vnetmq_ring *ring = vnetmq_test_ring(test, 8);
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff_head batch;
	struct sk_buff *skb;
	u32 seq;

	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(ring));
	for (seq = 0; seq < 5; seq++) {
		skb = vnetmq_test_frame(test, dev, 60, 0, seq);
		vnetmq_produce(ring, skb);
	}
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_empty(ring));
	KUNIT_EXPECT_EQ(test, vnetmq_ring_free(ring), 3);

	__skb_queue_head_init(&batch);
	KUNIT_EXPECT_EQ(test, vnetmq_consume(ring, &batch, 3), 3);
	KUNIT_EXPECT_EQ(test, vnetmq_ring_free(ring), 6);
	KUNIT_EXPECT_EQ(test, vnetmq_consume(ring, &batch, 10), 2);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_empty(ring));
	KUNIT_EXPECT_EQ(test, vnetmq_consume(ring, &batch, 10), 0);

	for (seq = 0; (skb = __skb_dequeue(&batch)); seq++) {
		KUNIT_EXPECT_EQ(test, vnetmq_test_seq(skb), seq);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, seq, 5);
}

/* ethtool -G may shrink a ring below what it holds: no slot is free. */
static void vnetmq_ring_shrunk_below_len(struct kunit *test)
{
	struct vnetmq_ring *ring = vnetmq_test_ring(test, 8);
	struct net_device *dev = vnetmq_test_etherdev(test);
	int i;

	for (i = 0; i < 6; i++)
		vnetmq_produce(ring, vnetmq_test_frame(test, dev, 60, 0, i));
	WRITE_ONCE(ring->size, 4);
	KUNIT_EXPECT_EQ(test, vnetmq_ring_free(ring), 0);
	WRITE_ONCE(ring->size, 16);
	KUNIT_EXPECT_EQ(test, vnetmq_ring_free(ring), 10);
}

/*
 * A feeder's stop marks the ring; the first look with room to wake
 * clears the mark and asks for every stopped feeder to be woken, once.
 */
static void vnetmq_ring_wake_due_once(struct kunit *test)
{
	struct vnetmq_ring *ring = vnetmq_test_ring(test, 8);
	struct net_device *dev = vnetmq_test_etherdev(test);
	struct sk_buff_head batch;
	int i;

	KUNIT_EXPECT_FALSE(test, vnetmq_ring_wake_due(ring, 4));
	for (i = 0; i < 7; i++)
		vnetmq_produce(ring, vnetmq_test_frame(test, dev, 60, 0, i));
	vnetmq_ring_mark_stopped(ring);
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_wake_due(ring, 4));
	KUNIT_EXPECT_TRUE(test, test_bit(VNETMQ_RING_STOPPED, &ring->flags));

	__skb_queue_head_init(&batch);
	KUNIT_EXPECT_EQ(test, vnetmq_consume(ring, &batch, 3), 3);
	KUNIT_EXPECT_TRUE(test, vnetmq_ring_wake_due(ring, 4));
	KUNIT_EXPECT_FALSE(test, vnetmq_ring_wake_due(ring, 4));
	__skb_queue_purge(&batch);
}

struct vnetmq_fc_topology {
	unsigned int tx, rx;
};

static const struct vnetmq_fc_topology vnetmq_fc_topologies[] = {
	{ 1, 1 }, { 4, 2 }, { 8, 1 }, { 7, 3 }, { 2, 4 },
	{ VNETMQ_MAX_QUEUES, 1 }, { VNETMQ_MAX_QUEUES, 7 },
};

static void vnetmq_fc_desc(const struct vnetmq_fc_topology *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u tx, %u rx", t->tx, t->rx);
}

KUNIT_ARRAY_PARAM(vnetmq_fc, vnetmq_fc_topologies, vnetmq_fc_desc);

static struct vnetmq_txq_map *vnetmq_fc_map(struct kunit *test,
					    const struct vnetmq_fc_topology *t)
{
	struct vnetmq_tc none = {};
	struct vnetmq_txq_map *map;

	map = kunit_kcalloc(test, t->tx, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	vnetmq_txq_map_build(map, &none, t->tx, t->rx);
	return map;
}

/*
 * Without traffic classes, the headroom a TX queue keeps is exactly the
 * TX queues mapped to its RX queue.
 */
static void vnetmq_fc_feeders_match_mapping(struct kunit *test)
{
	const struct vnetmq_fc_topology *t = test->param_value;
	struct vnetmq_txq_map *map = vnetmq_fc_map(test, t);
	unsigned int r, q, n, busiest = 0;

	for (r = 0; r < t->rx; r++) {
		for (n = 0, q = 0; q < t->tx; q++)
			n += vnetmq_rxq_for_txq(q, t->rx) == r;
		for (q = 0; q < t->tx; q++) {
			if (map[q].rxq != r)
				continue;
			KUNIT_EXPECT_EQ_MSG(test, map[q].feeders, n,
					    "tx queue %u", q);
			KUNIT_EXPECT_EQ(test, map[q].tc, 0);
		}
		busiest = max(busiest, n);
	}
	KUNIT_EXPECT_EQ(test, vnetmq_tc_ring_min_size(map, t->tx, 1),
			2 * busiest);
}

/*
 * The worst interleaving for one ring: every running feeder passes the
 * core's "stopped?" check, then all of them add a frame before any looks
 * at the ring again; each then stops if fewer slots are free than there
 * are feeders, as ndo_start_xmit does.  The ring must never hold more than
 * its size, and once drained to the start threshold every stopped feeder
 * must be wakeable.
 */
static void vnetmq_fc_never_overflows(struct kunit *test)
{
	const struct vnetmq_fc_topology *t = test->param_value;
	struct vnetmq_txq_map *map = vnetmq_fc_map(test, t);
	unsigned int feeders = DIV_ROUND_UP(t->tx, t->rx);
	unsigned int size = vnetmq_tc_ring_min_size(map, t->tx, 1);
	unsigned int len = 0, running = feeders, round;

	for (round = 0; running && round < 2 * size; round++) {
		unsigned int free;

		len += running;		/* every running feeder adds one */
		KUNIT_ASSERT_LE(test, len, size);
		free = size - len;
		if (free < feeders)	/* each looks, and stops */
			running = 0;
	}
	KUNIT_EXPECT_EQ(test, running, 0);
	/* Drained to the start threshold, the feeders may run again... */
	KUNIT_EXPECT_LE(test, vnetmq_ring_start_thrs(size, feeders), size);
	/* ...and one more frame each does not stop them at once. */
	KUNIT_EXPECT_GE(test, vnetmq_ring_start_thrs(size, feeders), feeders);
}

static struct kunit_case vnetmq_ring_cases[] = {
	KUNIT_CASE(vnetmq_ring_fifo),
	KUNIT_CASE(vnetmq_ring_shrunk_below_len),
	KUNIT_CASE(vnetmq_ring_wake_due_once),
	KUNIT_CASE_PARAM(vnetmq_fc_feeders_match_mapping, vnetmq_fc_gen_params),
	KUNIT_CASE_PARAM(vnetmq_fc_never_overflows, vnetmq_fc_gen_params),
	{}
};

static struct kunit_suite vnetmq_ring_suite = {
	.name = "vnetmq_ring",
	.test_cases = vnetmq_ring_cases,
};

kunit_test_suite(vnetmq_ring_suite);
