// SPDX-License-Identifier: GPL-2.0-only
/* Sample for the i386 gate: %lu fits size_t on x86_64, not on i386. */
#include <linux/module.h>

static int __init sample_init(void)
{
	pr_info("sample: %lu bytes\n", sizeof(long));
	return 0;
}
module_init(sample_init);

MODULE_DESCRIPTION("i386 sample");
MODULE_LICENSE("GPL");
