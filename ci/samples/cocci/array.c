// SPDX-License-Identifier: GPL-2.0-only
/* Sample for the coccicheck gate: an open-coded ARRAY_SIZE(). */
#include <linux/module.h>

static const int sample_table[] = { 1, 2, 3 };

static int __init sample_init(void)
{
	return sizeof(sample_table) / sizeof(sample_table[0]) == 3 ? 0 : -EINVAL;
}
module_init(sample_init);

MODULE_DESCRIPTION("coccinelle sample");
MODULE_LICENSE("GPL");
