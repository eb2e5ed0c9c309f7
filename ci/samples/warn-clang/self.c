// SPDX-License-Identifier: GPL-2.0-only
/* Sample for the clang gate: a self-assignment only clang warns about. */
#include <linux/module.h>

static int sample_value;

static int __init sample_init(void)
{
	int v = sample_value;

	v = v;
	return v;
}
module_init(sample_init);

MODULE_DESCRIPTION("clang sample");
MODULE_LICENSE("GPL");
