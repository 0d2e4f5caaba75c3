/*
 * stats.c - Wilson intervals, exact McNemar and Fisher tests, pass@k.
 */
#include <math.h>

#include "specc/stats.h"

/* log C(n, k), exact enough for p-values down to 1e-300. */
static double log_choose(int64_t n, int64_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

void specc_wilson(int64_t k, int64_t n, double z, double *lo, double *hi)
{
	double p, denom, centre, half;

	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / (double)n;
	denom = 1 + z * z / (double)n;
	centre = (p + z * z / (2.0 * (double)n)) / denom;
	half = z * sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n)) / denom;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

double specc_mcnemar_exact(int64_t b, int64_t c)
{
	int64_t n = b + c, m = b < c ? b : c;
	double tail = 0;

	if (n <= 0)
		return 1;
	/* P(X <= min(b, c)) for X ~ Binomial(n, 1/2), doubled. */
	for (int64_t i = 0; i <= m; i++)
		tail += exp(log_choose(n, i) - (double)n * M_LN2);
	tail *= 2;
	return tail > 1 ? 1 : tail;
}

/* Hypergeometric probability of a table with top-left cell x and the
 * given margins: row 1 sums to r1, column 1 to c1, all to n. */
static double hyper_log(int64_t x, int64_t r1, int64_t c1, int64_t n)
{
	return log_choose(r1, x) + log_choose(n - r1, c1 - x) - log_choose(n, c1);
}

double specc_fisher_exact(int64_t a, int64_t b, int64_t c, int64_t d)
{
	int64_t r1 = a + b, c1 = a + c, n = a + b + c + d;
	int64_t lo = c1 - (n - r1) > 0 ? c1 - (n - r1) : 0, hi = r1 < c1 ? r1 : c1;
	double observed, p = 0;

	if (n <= 0)
		return 1;
	observed = hyper_log(a, r1, c1, n);
	for (int64_t x = lo; x <= hi; x++) {
		double l = hyper_log(x, r1, c1, n);
		/* Ties within rounding count as "no more likely". */
		if (l <= observed + 1e-7)
			p += exp(l);
	}
	return p > 1 ? 1 : p;
}

double specc_pass_at_k(int64_t n, int64_t c, int64_t k)
{
	if (k < 1 || k > n || c < 0 || c > n)
		return -1;
	if (n - c < k)
		return 1;
	return 1 - exp(log_choose(n - c, k) - log_choose(n, k));
}

double specc_pass_all_k(int64_t n, int64_t c, int64_t k)
{
	if (k < 1 || k > n || c < 0 || c > n)
		return -1;
	if (c < k)
		return 0;
	return exp(log_choose(c, k) - log_choose(n, k));
}

double specc_cohen_kappa(const int64_t *m, int k)
{
	double n = 0, agree = 0, chance = 0;

	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			n += (double)m[i * k + j];
	if (n == 0)
		return NAN;
	for (int i = 0; i < k; i++) {
		double row = 0, column = 0;
		for (int j = 0; j < k; j++) {
			row += (double)m[i * k + j];
			column += (double)m[j * k + i];
		}
		agree += (double)m[i * k + i];
		chance += row * column;
	}
	agree /= n;
	chance /= n * n;
	if (chance >= 1)
		return NAN;
	return (agree - chance) / (1 - chance);
}
