/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vnetmq.yaml */
/* YNL-GEN kernel header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _LINUX_VNETMQ_GEN_H
#define _LINUX_VNETMQ_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/vnetmq_netlink.h>

int vnetmq_nl_echo_doit(struct sk_buff *skb, struct genl_info *info);
int vnetmq_nl_stats_reset_doit(struct sk_buff *skb, struct genl_info *info);
int vnetmq_nl_queue_get_doit(struct sk_buff *skb, struct genl_info *info);
int vnetmq_nl_queue_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);

extern struct genl_family vnetmq_nl_family;

#endif /* _LINUX_VNETMQ_GEN_H */
