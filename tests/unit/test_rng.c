/* SPDX-License-Identifier: MIT */
/*
 * test_rng.c - deterministic random streams: reference vectors of the generators, pinned
 * first outputs per (seed, stream) (a changed value is a determinism regression: every
 * stored result would change), stream independence, unbiased integer draws, and the means
 * of the real-valued distributions checked statistically with fixed seeds.
 */
#include <glib.h>
#include <math.h>

#include "rng.h"

static void test_splitmix64_reference(void)
{
	u64 s = 0;

	/* splitmix64 seeded with 0: first output of Vigna's reference implementation */
	g_assert_cmphex(rng_splitmix64(&s), ==, 0xe220a8397b1dcdafULL);
	g_assert_cmphex(s, ==, 0x9e3779b97f4a7c15ULL);
}

static void test_xoshiro_reference(void)
{
	struct rng r = { { 1, 2, 3, 4 } };

	/* xoshiro256** reference outputs for state {1, 2, 3, 4} */
	g_assert_cmpuint(rng_u64(&r), ==, 11520ULL);
	g_assert_cmpuint(rng_u64(&r), ==, 0ULL);
	g_assert_cmpuint(rng_u64(&r), ==, 1509978240ULL);
	g_assert_cmpuint(rng_u64(&r), ==, 1215971899390074240ULL);
}

static void expect_stream(u64 seed, u64 stream, const u64 *want)
{
	struct rng r;
	int i;

	rng_init(&r, seed, stream);
	for (i = 0; i < 4; i++)
		g_assert_cmphex(rng_u64(&r), ==, want[i]);
}

/* Values computed with an independent implementation of the derivation in rng.h. */
static void test_stream_pinned_outputs(void)
{
	static const u64 s42_0[] = { 0x19e479e2aaa77bfbULL, 0x5e3efe753be27527ULL,
				     0xc3ed7125b780200aULL, 0x85b911e2152f876eULL };
	static const u64 s42_1[] = { 0xdc0ceac213e01703ULL, 0x0c6c512f56b6fc7bULL,
				     0xa4753d14c96816a0ULL, 0xd767db31d076b4b5ULL };
	static const u64 s0_0[] = { 0xfb5405f7bd79c540ULL, 0x780c98e26cea5883ULL,
				    0x2a146e0980febc66ULL, 0x4851477db8791fcaULL };
	static const u64 s1_big[] = { 0x6d6185f330c4006dULL, 0xc16655be8511090fULL,
				      0x4b04a4b0599a8031ULL, 0x99a61231328f8d57ULL };
	struct rng r;

	expect_stream(42, 0, s42_0);
	expect_stream(42, 1, s42_1);
	expect_stream(0, 0, s0_0);
	expect_stream(1, 123456789, s1_big);
	rng_init(&r, 42, 0);
	g_assert_true(rng_double(&r) == (double)(0x19e479e2aaa77bfbULL >> 11) * 0x1.0p-53);
}

static void test_stream_independent(void)
{
	struct rng a, b, others[100];
	u64 first[16];
	int i, k;

	rng_init(&a, 7, 5);
	for (i = 0; i < 16; i++)
		first[i] = rng_u64(&a);
	/* create and use many other streams, then recreate stream 5: identical */
	for (k = 0; k < 100; k++) {
		rng_init(&others[k], 7, (u64)k + 1000);
		for (i = 0; i < 10; i++)
			rng_u64(&others[k]);
	}
	rng_init(&b, 7, 5);
	for (i = 0; i < 16; i++)
		g_assert_cmphex(rng_u64(&b), ==, first[i]);
	/* neighbouring streams and seeds differ from the first draw on */
	for (k = 0; k < 100; k++) {
		rng_init(&b, 7, (u64)k);
		if (k != 5)
			g_assert_cmphex(rng_u64(&b), !=, first[0]);
		rng_init(&b, (u64)k + 8, 5);
		g_assert_cmphex(rng_u64(&b), !=, first[0]);
	}
}

static void test_below_bounds_and_edges(void)
{
	struct rng r;
	int i;

	rng_init(&r, 1, 1);
	g_assert_cmpuint(rng_below(&r, 0), ==, 0);
	g_assert_cmpuint(rng_below(&r, 1), ==, 0);
	for (i = 0; i < 100000; i++) {
		u64 n = rng_u64(&r) >> (i % 64);

		if (n)
			g_assert_cmpuint(rng_below(&r, n), <, n);
	}
	g_assert_cmpuint(rng_range(&r, 5, 5), ==, 5);
	g_assert_cmpuint(rng_range(&r, 9, 3), ==, 9);
	for (i = 0; i < 10000; i++) {
		u64 v = rng_range(&r, 10, 20);

		g_assert_cmpuint(v, >=, 10);
		g_assert_cmpuint(v, <=, 20);
	}
	rng_range(&r, 0, ~0ULL); /* full range must not divide by zero */
}

/* Chi-square over n = 7 buckets and the upper/lower halves of n = 2^63 + 1 (where a naive
 * modulo would be badly biased and rejection happens for half the draws). */
static void test_below_unbiased(void)
{
	struct rng r;
	u64 count[7] = { 0 };
	const int draws = 700000;
	double chi2 = 0, expect = draws / 7.0;
	u64 big = (1ULL << 63) + 1, upper = 0;
	int i;

	rng_init(&r, 2024, 3);
	for (i = 0; i < draws; i++)
		count[rng_below(&r, 7)]++;
	for (i = 0; i < 7; i++)
		chi2 += (count[i] - expect) * (count[i] - expect) / expect;
	/* 6 degrees of freedom: P(chi2 > 22.46) = 0.001 */
	g_assert_cmpfloat(chi2, <, 22.46);

	for (i = 0; i < 200000; i++)
		upper += rng_below(&r, big) >= big / 2;
	/* fraction 0.5, sd 0.0011: within 5 sd */
	g_assert_cmpfloat(fabs(upper / 200000.0 - 0.5), <, 0.0056);
}

/* Sample mean within 5 standard errors (sample sd) of the expected mean. */
static void check_mean(const char *what, double *x, int n, double want)
{
	double sum = 0, sq = 0, mean, sd;
	int i;

	for (i = 0; i < n; i++)
		sum += x[i];
	mean = sum / n;
	for (i = 0; i < n; i++)
		sq += (x[i] - mean) * (x[i] - mean);
	sd = sqrt(sq / (n - 1));
	if (fabs(mean - want) > 5 * sd / sqrt(n))
		g_error("%s: mean %.6g, expected %.6g (+- %.3g)", what, mean, want,
			5 * sd / sqrt(n));
}

#define NS 400000

static void test_double_range_and_mean(void)
{
	struct rng r;
	double *x = g_new(double, NS);
	int i;

	rng_init(&r, 11, 0);
	for (i = 0; i < NS; i++) {
		x[i] = rng_double(&r);
		g_assert_cmpfloat(x[i], >=, 0.0);
		g_assert_cmpfloat(x[i], <, 1.0);
	}
	check_mean("uniform", x, NS, 0.5);
	for (i = 0; i < NS; i++)
		x[i] = rng_bernoulli(&r, 0.3);
	check_mean("bernoulli", x, NS, 0.3);
	g_assert_false(rng_bernoulli(&r, 0.0));
	g_assert_true(rng_bernoulli(&r, 1.0));
	g_free(x);
}

static void test_exponential_mean(void)
{
	struct rng r;
	double *x = g_new(double, NS);
	int i;

	rng_init(&r, 12, 0);
	for (i = 0; i < NS; i++) {
		x[i] = rng_exponential(&r, 3.5);
		g_assert_true(x[i] >= 0 && isfinite(x[i]));
	}
	check_mean("exponential", x, NS, 3.5);
	g_free(x);
}

static void test_normal_and_lognormal(void)
{
	struct rng r;
	double *x = g_new(double, NS);
	double sq = 0;
	int i;

	rng_init(&r, 13, 0);
	for (i = 0; i < NS; i++)
		x[i] = rng_normal(&r, -2.0, 4.0);
	check_mean("normal", x, NS, -2.0);
	for (i = 0; i < NS; i++)
		sq += (x[i] + 2.0) * (x[i] + 2.0);
	/* variance 16: relative sd of the sample variance ~ sqrt(2/n) = 0.22 % */
	g_assert_cmpfloat(fabs(sq / NS / 16.0 - 1.0), <, 0.012);
	for (i = 0; i < NS; i++) {
		x[i] = rng_lognormal(&r, 1.0, 0.5);
		g_assert_cmpfloat(x[i], >, 0.0);
	}
	check_mean("lognormal", x, NS, exp(1.0 + 0.5 * 0.5 / 2));
	g_free(x);
}

static void test_pareto(void)
{
	struct rng r;
	double *x = g_new(double, NS);
	double mean;
	int i;

	rng_init(&r, 14, 0);
	for (i = 0; i < NS; i++) {
		x[i] = rng_pareto(&r, 2.0, 3.0);
		g_assert_cmpfloat(x[i], >=, 2.0);
	}
	check_mean("pareto", x, NS, 3.0 * 2.0 / (3.0 - 1.0));

	/* web-like sizes: 1 KB .. 10 MB, alpha 1.1 (heavy tail) */
	mean = rng_bounded_pareto_mean(1000.0, 1e7, 1.1);
	for (i = 0; i < NS; i++) {
		x[i] = rng_bounded_pareto(&r, 1000.0, 1e7, 1.1);
		g_assert_cmpfloat(x[i], >=, 1000.0);
		g_assert_cmpfloat(x[i], <=, 1e7);
	}
	check_mean("bounded pareto 1.1", x, NS, mean);
	/* alpha 1 uses the closed form's limit */
	mean = rng_bounded_pareto_mean(10.0, 1e4, 1.0);
	g_assert_cmpfloat(fabs(mean - 10.0 * log(1e3) / (1 - 1e-3)), <, 1e-9);
	for (i = 0; i < NS; i++)
		x[i] = rng_bounded_pareto(&r, 10.0, 1e4, 1.0);
	check_mean("bounded pareto 1.0", x, NS, mean);
	g_free(x);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rng/splitmix64/reference_vector", test_splitmix64_reference);
	g_test_add_func("/rng/xoshiro256ss/reference_vector", test_xoshiro_reference);
	g_test_add_func("/rng/stream/pinned_first_outputs", test_stream_pinned_outputs);
	g_test_add_func("/rng/stream/independent_of_other_streams", test_stream_independent);
	g_test_add_func("/rng/below/bounds_and_edges", test_below_bounds_and_edges);
	g_test_add_func("/rng/below/unbiased", test_below_unbiased);
	g_test_add_func("/rng/double/range_and_mean", test_double_range_and_mean);
	g_test_add_func("/rng/exponential/mean", test_exponential_mean);
	g_test_add_func("/rng/normal_lognormal/moments", test_normal_and_lognormal);
	g_test_add_func("/rng/pareto/means_and_bounds", test_pareto);
	return g_test_run();
}
