// SPDX-License-Identifier: GPL-2.0-only
/* Sample for modpost: uses provider.ko's helper, which it may not export. */
#include <linux/module.h>

int sample_helper(int x);

static int __init sample_init(void)
{
	return sample_helper(-1);
}
module_init(sample_init);

MODULE_DESCRIPTION("modpost sample: the user");
MODULE_LICENSE("GPL");
