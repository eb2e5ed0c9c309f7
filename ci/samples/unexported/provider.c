// SPDX-License-Identifier: GPL-2.0-only
/* Sample for modpost: a helper the next module uses, not exported. */
#include <linux/export.h>
#include <linux/module.h>

int sample_helper(int x);

int sample_helper(int x)
{
	return x + 1;
}
#ifdef SAMPLE_EXPORT
EXPORT_SYMBOL_GPL(sample_helper);
#endif

MODULE_DESCRIPTION("modpost sample: the provider");
MODULE_LICENSE("GPL");
