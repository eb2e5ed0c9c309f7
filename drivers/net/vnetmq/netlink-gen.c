// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vnetmq.yaml */
/* YNL-GEN kernel source */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/vnetmq_netlink.h>

/* VNETMQ_CMD_ECHO - do */
static const struct nla_policy vnetmq_echo_nl_policy[VNETMQ_A_ECHO_PAYLOAD + 1] = {
	[VNETMQ_A_ECHO_PAYLOAD] = NLA_POLICY_MAX_LEN(VNETMQ_ECHO_MAX_LEN),
};

/* VNETMQ_CMD_STATS_RESET - do */
static const struct nla_policy vnetmq_stats_reset_nl_policy[VNETMQ_A_QUEUE_ID + 1] = {
	[VNETMQ_A_QUEUE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VNETMQ_A_QUEUE_TYPE] = NLA_POLICY_MAX(NLA_U32, 1),
	[VNETMQ_A_QUEUE_ID] = { .type = NLA_U32, },
};

/* VNETMQ_CMD_QUEUE_GET - do */
static const struct nla_policy vnetmq_queue_get_do_nl_policy[VNETMQ_A_QUEUE_ID + 1] = {
	[VNETMQ_A_QUEUE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VNETMQ_A_QUEUE_TYPE] = NLA_POLICY_MAX(NLA_U32, 1),
	[VNETMQ_A_QUEUE_ID] = { .type = NLA_U32, },
};

/* VNETMQ_CMD_QUEUE_GET - dump */
static const struct nla_policy vnetmq_queue_get_dump_nl_policy[VNETMQ_A_QUEUE_IFINDEX + 1] = {
	[VNETMQ_A_QUEUE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Ops table for vnetmq */
static const struct genl_split_ops vnetmq_nl_ops[] = {
	{
		.cmd		= VNETMQ_CMD_ECHO,
		.doit		= vnetmq_nl_echo_doit,
		.policy		= vnetmq_echo_nl_policy,
		.maxattr	= VNETMQ_A_ECHO_PAYLOAD,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VNETMQ_CMD_STATS_RESET,
		.doit		= vnetmq_nl_stats_reset_doit,
		.policy		= vnetmq_stats_reset_nl_policy,
		.maxattr	= VNETMQ_A_QUEUE_ID,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VNETMQ_CMD_QUEUE_GET,
		.doit		= vnetmq_nl_queue_get_doit,
		.policy		= vnetmq_queue_get_do_nl_policy,
		.maxattr	= VNETMQ_A_QUEUE_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VNETMQ_CMD_QUEUE_GET,
		.dumpit		= vnetmq_nl_queue_get_dumpit,
		.policy		= vnetmq_queue_get_dump_nl_policy,
		.maxattr	= VNETMQ_A_QUEUE_IFINDEX,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

struct genl_family vnetmq_nl_family __ro_after_init = {
	.name		= VNETMQ_FAMILY_NAME,
	.version	= VNETMQ_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= vnetmq_nl_ops,
	.n_split_ops	= ARRAY_SIZE(vnetmq_nl_ops),
};
