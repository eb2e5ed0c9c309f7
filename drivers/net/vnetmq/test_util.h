/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by vnetmq's KUnit suites. */
#ifndef _VNETMQ_TEST_UTIL_H
#define _VNETMQ_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/netdevice.h>

/* IEEE 802 local experimental EtherType: nothing in the stack claims it. */
#define VNETMQ_TEST_PROTO	0x88b5

struct net_device *vnetmq_test_etherdev(struct kunit *test);
struct sk_buff *vnetmq_test_frame(struct kunit *test, struct net_device *dev,
				  unsigned int len, u16 txq, u32 seq);
u32 vnetmq_test_seq(const struct sk_buff *skb);
bool vnetmq_test_xmit_skb(struct net_device *dev, struct sk_buff *skb);
bool vnetmq_test_xmit(struct kunit *test, struct net_device *dev, u16 txq,
		      u32 seq);
void vnetmq_test_no_bql(struct net_device *dev, u16 q);
void vnetmq_test_stats(struct net_device *dev, struct rtnl_link_stats64 *s);

#endif /* _VNETMQ_TEST_UTIL_H */
