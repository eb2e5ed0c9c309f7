// SPDX-License-Identifier: GPL-2.0-only
/* Sample for the sparse gate: an __rcu pointer read without rcu_dereference(). */
#include <linux/module.h>
#include <linux/rcupdate.h>

struct sample {
	int value;
};

static struct sample __rcu *sample_ptr;

static int __init sample_init(void)
{
	struct sample *s = sample_ptr;

	return s ? s->value : 0;
}
module_init(sample_init);

MODULE_DESCRIPTION("sparse sample");
MODULE_LICENSE("GPL");
