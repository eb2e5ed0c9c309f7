// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's TX-to-RX queue mapping and its ethtool
 * channels, parameterized over the queue topologies a user can create.
 */

#include <kunit/test.h>
#include <linux/ethtool.h>

#include "vnetmq.h"

struct vnetmq_topology {
	unsigned int tx;
	unsigned int rx;
};

static const struct vnetmq_topology vnetmq_topologies[] = {
	{ 1, 1 },
	{ 4, 2 },	/* the default device: more TX than RX queues */
	{ 2, 4 },	/* fewer TX than RX queues */
	{ 7, 3 },	/* counts that are not powers of two */
	{ 1, VNETMQ_MAX_QUEUES },
	{ VNETMQ_MAX_QUEUES, 1 },
	{ VNETMQ_MAX_QUEUES, VNETMQ_MAX_QUEUES },
	{ VNETMQ_MAX_QUEUES, 3 },
};

static void vnetmq_topology_desc(const struct vnetmq_topology *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u tx, %u rx", t->tx, t->rx);
}

KUNIT_ARRAY_PARAM(vnetmq_topology, vnetmq_topologies, vnetmq_topology_desc);

/* Every TX queue lands on an RX queue that exists. */
static void vnetmq_map_in_range(struct kunit *test)
{
	const struct vnetmq_topology *t = test->param_value;
	unsigned int q;

	for (q = 0; q < t->tx; q++)
		KUNIT_EXPECT_LT(test, vnetmq_rxq_for_txq(q, t->rx), t->rx);
}

/*
 * With at least as many RX as TX queues each TX queue gets an RX queue of
 * its own; with fewer, every RX queue is used and the TX queues spread
 * over them evenly (loads differ by at most one).
 */
static void vnetmq_map_spreads_evenly(struct kunit *test)
{
	const struct vnetmq_topology *t = test->param_value;
	unsigned int q, min = UINT_MAX, max = 0;
	unsigned int *load;

	load = kunit_kcalloc(test, t->rx, sizeof(*load), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, load);

	for (q = 0; q < t->tx; q++) {
		u16 rxq = vnetmq_rxq_for_txq(q, t->rx);

		KUNIT_ASSERT_LT(test, rxq, t->rx);
		load[rxq]++;
	}
	for (q = 0; q < min(t->tx, t->rx); q++) {
		min = min(min, load[q]);
		max = max(max, load[q]);
	}
	KUNIT_EXPECT_GE(test, min, 1);
	KUNIT_EXPECT_LE(test, max - min, 1);
	if (t->tx <= t->rx)
		KUNIT_EXPECT_EQ(test, max, 1);
	/* RX queues beyond the TX count receive nothing. */
	for (q = t->tx; q < t->rx; q++)
		KUNIT_EXPECT_EQ(test, load[q], 0);
}

/* The default 4 TX / 2 RX device, spelled out. */
static void vnetmq_map_default_device(struct kunit *test)
{
	static const u16 want[] = { 0, 1, 0, 1 };
	unsigned int q;

	for (q = 0; q < ARRAY_SIZE(want); q++)
		KUNIT_EXPECT_EQ_MSG(test, vnetmq_rxq_for_txq(q, 2), want[q],
				    "tx queue %u", q);
}

/*
 * The real RX count can shrink while frames are in flight (ethtool -L):
 * the mapping follows the count it is given, never an old one.
 */
static void vnetmq_map_follows_real_count(struct kunit *test)
{
	unsigned int rx, q;

	for (rx = VNETMQ_MAX_QUEUES; rx >= 1; rx /= 2)
		for (q = 0; q < VNETMQ_MAX_QUEUES; q++)
			KUNIT_ASSERT_LT(test, vnetmq_rxq_for_txq(q, rx), rx);
	KUNIT_EXPECT_EQ(test, vnetmq_rxq_for_txq(3, 4), 3);
	KUNIT_EXPECT_EQ(test, vnetmq_rxq_for_txq(3, 2), 1);
	KUNIT_EXPECT_EQ(test, vnetmq_rxq_for_txq(3, 1), 0);
}

/*
 * ethtool -l reports queue pairs as combined channels and the rest as
 * TX-only or RX-only; what it reports, ethtool -L gives back unchanged.
 */
static void vnetmq_channels_round_trip(struct kunit *test)
{
	const struct vnetmq_topology *t = test->param_value;
	struct ethtool_channels ch = {};
	unsigned int tx, rx;

	vnetmq_channels_from_queues(&ch, t->tx, t->rx, t->tx, t->rx);
	KUNIT_EXPECT_EQ(test, ch.combined_count, min(t->tx, t->rx));
	KUNIT_EXPECT_EQ(test, ch.max_combined, min(t->tx, t->rx));
	KUNIT_EXPECT_EQ(test, ch.tx_count + ch.combined_count, t->tx);
	KUNIT_EXPECT_EQ(test, ch.rx_count + ch.combined_count, t->rx);
	KUNIT_EXPECT_TRUE(test, !ch.tx_count || !ch.rx_count);
	KUNIT_EXPECT_EQ(test, ch.max_tx, t->tx);
	KUNIT_EXPECT_EQ(test, ch.max_rx, t->rx);
	KUNIT_EXPECT_EQ(test, vnetmq_channels_to_queues(&ch, t->tx, t->rx,
							&tx, &rx), 0);
	KUNIT_EXPECT_EQ(test, tx, t->tx);
	KUNIT_EXPECT_EQ(test, rx, t->rx);
}

/* The default device: the forms ethtool -L accepts, and what it refuses. */
static void vnetmq_channels_requests(struct kunit *test)
{
	static const struct {
		u32 combined, tx, rx;
		int err;
		unsigned int want_tx, want_rx;
	} req[] = {
		{ 2, 2, 0, 0, 4, 2 },		/* as reported */
		{ 1, 0, 0, 0, 1, 1 },		/* combined 1 */
		{ 0, 3, 1, 0, 3, 1 },		/* combined 0 tx 3 rx 1 */
		{ 1, 3, 1, 0, 4, 2 },		/* a mixture */
		{ 2, 2, 1, -EINVAL, 4, 3 },	/* 3 RX queues */
		{ 2, 3, 0, -EINVAL, 5, 2 },	/* 5 TX queues */
		{ 0, 0, 2, -EINVAL, 0, 2 },	/* no TX queue */
		{ 0, 4, 0, -EINVAL, 4, 0 },	/* no RX queue */
	};
	struct ethtool_channels ch = {};
	unsigned int i, tx, rx;
	int err;

	for (i = 0; i < ARRAY_SIZE(req); i++) {
		ch.combined_count = req[i].combined;
		ch.tx_count = req[i].tx;
		ch.rx_count = req[i].rx;
		err = vnetmq_channels_to_queues(&ch, 4, 2, &tx, &rx);
		KUNIT_EXPECT_EQ_MSG(test, err, req[i].err, "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, tx, req[i].want_tx, "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rx, req[i].want_rx, "request %u", i);
	}
	ch.combined_count = 1;
	ch.other_count = 1;
	KUNIT_EXPECT_EQ(test, vnetmq_channels_to_queues(&ch, 4, 2, &tx, &rx),
			-EINVAL);
}

static struct kunit_case vnetmq_queue_cases[] = {
	KUNIT_CASE_PARAM(vnetmq_map_in_range, vnetmq_topology_gen_params),
	KUNIT_CASE_PARAM(vnetmq_map_spreads_evenly, vnetmq_topology_gen_params),
	KUNIT_CASE(vnetmq_map_default_device),
	KUNIT_CASE(vnetmq_map_follows_real_count),
	KUNIT_CASE_PARAM(vnetmq_channels_round_trip,
			 vnetmq_topology_gen_params),
	KUNIT_CASE(vnetmq_channels_requests),
	{}
};

static struct kunit_suite vnetmq_queue_suite = {
	.name = "vnetmq_queue",
	.test_cases = vnetmq_queue_cases,
};

kunit_test_suite(vnetmq_queue_suite);
