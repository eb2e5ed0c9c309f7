// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for vnetmq's RX interrupt coalescing rules: when a frame
 * schedules its RX queue's NAPI, and which ethtool -C values are taken.
 */

#include <kunit/test.h>
#include <linux/netlink.h>

#include "vnetmq.h"

struct vnetmq_due_case {
	const char *desc;
	u32 frames;
	u32 usecs;
	unsigned int waiting;
	bool urgent;
	bool due;
};

static const struct vnetmq_due_case vnetmq_due_cases[] = {
	{ "below rx-frames: the timer",		16, 20, 15, false, false },
	{ "one frame, timer on",		16, 20, 1, false, false },
	{ "rx-frames reached",			16, 20, 16, false, true },
	{ "past rx-frames",			16, 20, 40, false, true },
	{ "a stopped TX queue",			16, 20, 1, true, true },
	{ "rx-usecs 0: every frame",		16, 0, 1, false, true },
	{ "rx-frames 1: every frame",		1, 20, 1, false, true },
	{ "the most frames, one short",		64, 10000, 63, false, false },
	{ "the most frames",			64, 10000, 64, false, true },
	{ "a full ring below rx-frames",	64, 10000, 0, true, true },
};

KUNIT_ARRAY_PARAM_DESC(vnetmq_due, vnetmq_due_cases, desc);

static void vnetmq_coal_due_table(struct kunit *test)
{
	const struct vnetmq_due_case *c = test->param_value;
	struct vnetmq_coal coal = { .frames = c->frames, .usecs = c->usecs };

	KUNIT_EXPECT_EQ(test, vnetmq_coal_due(&coal, c->waiting, c->urgent),
			c->due);
}

struct vnetmq_lone_case {
	const char *desc;
	u64 end;
	u64 ns;
	u64 now;
	bool lone;
};

static const struct vnetmq_lone_case vnetmq_lone_cases[] = {
	{ "no poll yet",			0, 0, 1, true },
	{ "right after a poll",			5000, 2000, 5000, false },
	{ "idle as long as the poll took",	5000, 2000, 7000, false },
	{ "idle longer than the poll took",	5000, 2000, 7001, true },
	{ "a poll that ends after now",		9000, 0, 5000, false },
	{ "idle long, a longer poll",		0, U64_MAX, U64_MAX, false },
};

KUNIT_ARRAY_PARAM_DESC(vnetmq_lone, vnetmq_lone_cases, desc);

static void vnetmq_coal_lone_table(struct kunit *test)
{
	const struct vnetmq_lone_case *c = test->param_value;
	struct vnetmq_cpu_poll last = { .end = c->end, .ns = c->ns };

	KUNIT_EXPECT_EQ(test, vnetmq_coal_lone(&last, c->now), c->lone);
}

struct vnetmq_timer_case {
	const char *desc;
	u32 usecs;
	unsigned int resolution_ns;
	bool ok;
};

static const struct vnetmq_timer_case vnetmq_timer_cases[] = {
	{ "high-resolution timers",		20, 1, true },
	{ "a tick of 100 Hz",			20, 10000000, false },
	{ "a tick of 1000 Hz",			20, 1000000, false },
	{ "rx-usecs as long as the tick",	1000, 1000000, true },
	{ "rx-usecs a nanosecond short",	999, 999001, false },
	{ "the most rx-usecs, a slow tick",	VNETMQ_MAX_COAL_USECS, UINT_MAX,
						false },
};

KUNIT_ARRAY_PARAM_DESC(vnetmq_timer, vnetmq_timer_cases, desc);

/* A timer that cannot fire within rx-usecs must not hold a frame. */
static void vnetmq_coal_timer_table(struct kunit *test)
{
	const struct vnetmq_timer_case *c = test->param_value;
	struct vnetmq_coal coal = { .frames = 16, .usecs = c->usecs };

	KUNIT_EXPECT_EQ(test, vnetmq_coal_timer_ok(&coal, c->resolution_ns),
			c->ok);
}

struct vnetmq_check_case {
	const char *desc;
	u32 frames;
	u32 usecs;
	int err;
	const char *msg;
};

static const struct vnetmq_check_case vnetmq_check_cases[] = {
	{ "the default", VNETMQ_DEF_COAL_FRAMES, VNETMQ_DEF_COAL_USECS, 0 },
	{ "off: rx-usecs 0", 1, 0, 0 },
	{ "the most", VNETMQ_MAX_COAL_FRAMES, VNETMQ_MAX_COAL_USECS, 0 },
	{ "rx-frames 0", 0, 20, -EINVAL,
	  "rx-frames 0 is out of range: 1 to 64 (a NAPI poll's budget)" },
	{ "rx-frames 65", 65, 20, -EINVAL,
	  "rx-frames 65 is out of range: 1 to 64" },
	{ "rx-frames U32_MAX", U32_MAX, 20, -EINVAL,
	  "rx-frames 4294967295 is out of range" },
	{ "rx-usecs 10001", 16, 10001, -EINVAL,
	  "rx-usecs 10001 is out of range: 0 to 10000" },
	{ "rx-usecs U32_MAX", 16, U32_MAX, -EINVAL,
	  "rx-usecs 4294967295 is out of range" },
};

KUNIT_ARRAY_PARAM_DESC(vnetmq_check, vnetmq_check_cases, desc);

/* Every refusal says which value and what the range is. */
static void vnetmq_coal_check_table(struct kunit *test)
{
	const struct vnetmq_check_case *c = test->param_value;
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, vnetmq_coal_check(c->frames, c->usecs, &extack),
			c->err);
	if (!c->msg) {
		KUNIT_EXPECT_NULL(test, extack._msg);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack._msg, c->msg),
				  "extack: %s", extack._msg);
}

static struct kunit_case vnetmq_coal_cases[] = {
	KUNIT_CASE_PARAM(vnetmq_coal_due_table, vnetmq_due_gen_params),
	KUNIT_CASE_PARAM(vnetmq_coal_lone_table, vnetmq_lone_gen_params),
	KUNIT_CASE_PARAM(vnetmq_coal_timer_table, vnetmq_timer_gen_params),
	KUNIT_CASE_PARAM(vnetmq_coal_check_table, vnetmq_check_gen_params),
	{}
};

static struct kunit_suite vnetmq_coal_suite = {
	.name = "vnetmq_coalesce",
	.test_cases = vnetmq_coal_cases,
};

kunit_test_suite(vnetmq_coal_suite);
