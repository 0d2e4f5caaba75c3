/*
 * stats.h - the statistics of test results: intervals for pass rates,
 * pass@k, and exact tests for a change between two runs.
 *
 * Every function is pure and exact where the textbooks give an exact
 * form; binomial coefficients go through lgamma(), so large counts do
 * not overflow.
 */
#ifndef SPECC_STATS_H
#define SPECC_STATS_H

#include <stdint.h>

/*
 * The Wilson score interval for k successes in n trials at the normal
 * quantile z (1.959964 for 95%).  With n == 0 the interval is [0, 1].
 */
void specc_wilson(int64_t k, int64_t n, double z, double *lo, double *hi);

/*
 * Two-sided exact McNemar test for paired outcomes: b pairs changed one
 * way (passed, then failed), c the other.  The p-value of the exact
 * binomial test of b against Binomial(b + c, 1/2); 1 when b + c == 0.
 */
double specc_mcnemar_exact(int64_t b, int64_t c);

/*
 * Two-sided Fisher exact test of the 2x2 table [[a, b], [c, d]] (rows:
 * runs; columns: passed, failed): the sum of the probabilities of every
 * table with the same margins that is no more likely than this one.
 */
double specc_fisher_exact(int64_t a, int64_t b, int64_t c, int64_t d);

/*
 * pass@k: the chance that at least one of k samples drawn without
 * replacement from n, of which c passed, passes (the unbiased estimator
 * of Chen et al., 2021).  pass^k: the chance that all k pass.  Both need
 * 1 <= k <= n and 0 <= c <= n, and return -1 otherwise.
 */
double specc_pass_at_k(int64_t n, int64_t c, int64_t k);
double specc_pass_all_k(int64_t n, int64_t c, int64_t k);

/*
 * Cohen's kappa of a k x k confusion matrix m (row-major: m[i * k + j]
 * counts the items the reference put in class i and the rater in class
 * j): (p_o - p_e) / (1 - p_e), the agreement beyond chance.  NaN when it
 * is undefined: no items, or chance agreement already 1.
 */
double specc_cohen_kappa(const int64_t *m, int k);

#endif
