// SPDX-License-Identifier: GPL-2.0-only
/* Sample for the xmastree gate: a longer declaration below a shorter one. */
static int sample(int a)
{
	int x = a;
	unsigned long long total = 0;

	return x + total;
}
