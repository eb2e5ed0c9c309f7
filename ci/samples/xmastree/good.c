// SPDX-License-Identifier: GPL-2.0-only
/* Control for the xmastree gate: the one accepted exception, an
 * initializer that needs the variable above it.
 */
struct sample_priv {
	int *values;
	unsigned long long count;
};

static int sample(struct sample_priv *p)
{
	struct sample_priv *priv = p;
	unsigned long long total = priv->count;
	int i;

	for (i = 0; i < 2; i++) {
		unsigned long long part = priv->values[i];
		int n = 1;

		total += part * n;
	}
	return total;
}
