/*
 * test-stats.c - the statistics against values computed by hand (the
 * working is in each comment) and against textbook examples.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <cmocka.h>

#include "specc/stats.h"

#define Z95 1.959964
#define NEAR(got, want, tol) assert_true(fabs((got) - (want)) < (tol))

static void wilson(void **state)
{
	double lo, hi;

	(void)state;
	/* 18/30: p = 0.6, z^2 = 3.841459, denominator 1 + z^2/30 = 1.128049;
	 * centre (0.6 + z^2/60) / 1.128049 = 0.588650; half-width
	 * z * sqrt(0.24/30 + z^2/3600) / 1.128049 = 0.165446. */
	specc_wilson(18, 30, Z95, &lo, &hi);
	NEAR(lo, 0.423204, 1e-5);
	NEAR(hi, 0.754096, 1e-5);
	/* 30/30: centre 1.064024 / 1.128049 = 0.943241, half-width
	 * z * sqrt(z^2/3600) / 1.128049 = 0.056757; the top is capped. */
	specc_wilson(30, 30, Z95, &lo, &hi);
	NEAR(lo, 0.886484, 1e-5);
	NEAR(hi, 1.0, 1e-9);
	/* 0/10 mirrors 10/10. */
	specc_wilson(0, 10, Z95, &lo, &hi);
	NEAR(lo, 0.0, 1e-12);
	NEAR(hi, 0.277530, 1e-5);
	specc_wilson(0, 0, Z95, &lo, &hi);
	NEAR(lo, 0.0, 1e-12);
	NEAR(hi, 1.0, 1e-12);
}

static void mcnemar(void **state)
{
	(void)state;
	/* 12 pairs passed then failed, none the other way: 2 * 0.5^12. */
	NEAR(specc_mcnemar_exact(12, 0), 0.00048828125, 1e-12);
	NEAR(specc_mcnemar_exact(0, 12), 0.00048828125, 1e-12);
	/* 1 vs 6: 2 * (C(7,0) + C(7,1)) / 2^7 = 2 * 8/128. */
	NEAR(specc_mcnemar_exact(1, 6), 0.125, 1e-12);
	/* 5 vs 5: 2 * 638/1024 > 1, so 1. */
	NEAR(specc_mcnemar_exact(5, 5), 1.0, 1e-12);
	NEAR(specc_mcnemar_exact(0, 0), 1.0, 1e-12);
	/* Large counts do not overflow: 600 vs 400 is far from even. */
	assert_true(specc_mcnemar_exact(600, 400) < 1e-9);
	assert_true(specc_mcnemar_exact(600, 400) > 0);
}

static void fisher(void **state)
{
	(void)state;
	/* Margins 4/4 of 8: tables x = 0..4 have C(4,x)^2/70 = 1, 16, 36,
	 * 16, 1 (/70); x = 3 has 16/70, and the tables no more likely are
	 * x = 0, 1, 3, 4: 34/70. */
	NEAR(specc_fisher_exact(3, 1, 1, 3), 34.0 / 70.0, 1e-9);
	/* Fisher's tea tasting, all 4 right: 2/70 two-sided. */
	NEAR(specc_fisher_exact(4, 0, 0, 4), 2.0 / 70.0, 1e-9);
	/* 30/30 against 18/30, summed with exact integers in Python. */
	NEAR(specc_fisher_exact(30, 0, 18, 12), 0.0001236183632391236, 1e-12);
	NEAR(specc_fisher_exact(10, 5, 10, 5), 1.0, 1e-9);
	NEAR(specc_fisher_exact(0, 0, 0, 0), 1.0, 1e-12);
}

static void pass_at_k(void **state)
{
	(void)state;
	/* n = 5 samples, c = 2 passed, k = 2: 1 - C(3,2)/C(5,2) = 0.7;
	 * all of 2 pass: C(2,2)/C(5,2) = 0.1. */
	NEAR(specc_pass_at_k(5, 2, 2), 0.7, 1e-12);
	NEAR(specc_pass_all_k(5, 2, 2), 0.1, 1e-12);
	/* k = 1 is the pass rate. */
	NEAR(specc_pass_at_k(10, 3, 1), 0.3, 1e-12);
	NEAR(specc_pass_all_k(10, 3, 1), 0.3, 1e-12);
	/* Fewer failures than k: some sample passes for sure. */
	NEAR(specc_pass_at_k(5, 4, 2), 1.0, 1e-12);
	NEAR(specc_pass_all_k(5, 1, 2), 0.0, 1e-12);
	NEAR(specc_pass_all_k(5, 5, 5), 1.0, 1e-12);
	assert_true(specc_pass_at_k(5, 2, 6) < 0);
	assert_true(specc_pass_at_k(5, 6, 2) < 0);
	assert_true(specc_pass_all_k(5, 2, 0) < 0);
}

/* Hand-computed: p_o and p_e from the margins, kappa = (p_o - p_e) / (1 - p_e). */
static void kappa(void **state)
{
	static const int64_t perfect[] = { 10, 0, 0, 10 };
	static const int64_t inverted[] = { 0, 186, 186, 0 };
	/* n 50, p_o 35/50 = 0.7; rows 25, 25; columns 30, 20; p_e 0.5. */
	static const int64_t mixed[] = { 20, 5, 10, 15 };
	/* A third class (unclear) that the reference never uses: the
	 * inverted grader with 2 of 372 unclear.  p_o 0; rows 186, 186, 0;
	 * columns 185, 185, 2; p_e = 2 * 186 * 185 / 372^2 = 0.497312. */
	static const int64_t three[] = { 0, 185, 1, 185, 0, 1, 0, 0, 0 };
	static const int64_t none[] = { 0, 0, 0, 0 };
	static const int64_t constant[] = { 5, 0, 0, 0 };
	double pe = 2.0 * 186 * 185 / (372.0 * 372.0);
	(void)state;
	assert_true(fabs(specc_cohen_kappa(perfect, 2) - 1.0) < 1e-12);
	assert_true(fabs(specc_cohen_kappa(inverted, 2) + 1.0) < 1e-12);
	assert_true(fabs(specc_cohen_kappa(mixed, 2) - 0.4) < 1e-12);
	assert_true(fabs(specc_cohen_kappa(three, 3) - (0 - pe) / (1 - pe)) < 1e-12);
	assert_true(isnan(specc_cohen_kappa(none, 2)));
	assert_true(isnan(specc_cohen_kappa(constant, 2)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kappa),
		cmocka_unit_test(wilson),
		cmocka_unit_test(mcnemar),
		cmocka_unit_test(fisher),
		cmocka_unit_test(pass_at_k),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
