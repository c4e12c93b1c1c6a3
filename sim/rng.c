/* SPDX-License-Identifier: MIT */
/*
 * rng.c - stream derivation and the distribution helpers of rng.h.
 *
 * Every helper consumes a fixed number of draws per call (rng_below/rng_range: one, plus
 * one per rejection), so the position of a stream after N calls does not depend on the
 * values drawn - except for rejection, which is deterministic anyway.
 */
#include <math.h>

#include "rng.h"

#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ULL

void rng_init(struct rng *r, u64 seed, u64 stream)
{
	u64 z = seed;
	u64 c = rng_splitmix64(&z);
	int i;

	/* jump the counter to this stream's block of four outputs */
	c += stream * 4 * SPLITMIX_GAMMA;
	for (i = 0; i < 4; i++)
		r->s[i] = rng_splitmix64(&c);
	/* the all-zero state is xoshiro's only fixed point; unreachable in practice */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

u64 rng_below(struct rng *r, u64 n)
{
	unsigned __int128 m;
	u64 lo;

	if (!n)
		return 0;
	m = (unsigned __int128)rng_u64(r) * n;
	lo = (u64)m;
	if (lo < n) {
		/* reject the 2^64 mod n low products that would over-represent some values */
		u64 t = -n % n;

		while (lo < t) {
			m = (unsigned __int128)rng_u64(r) * n;
			lo = (u64)m;
		}
	}
	return (u64)(m >> 64);
}

u64 rng_range(struct rng *r, u64 lo, u64 hi)
{
	if (lo >= hi)
		return lo;
	if (hi - lo == ~(u64)0)
		return rng_u64(r);
	return lo + rng_below(r, hi - lo + 1);
}

bool rng_bernoulli(struct rng *r, double p)
{
	double u = rng_double(r);

	return u < p;
}

/* (0, 1]: safe for log() */
static inline double open_low(struct rng *r)
{
	return 1.0 - rng_double(r);
}

double rng_exponential(struct rng *r, double mean)
{
	return -log(open_low(r)) * mean;
}

double rng_normal(struct rng *r, double mean, double stddev)
{
	double u1 = open_low(r);
	double u2 = rng_double(r);

	return mean + stddev * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double rng_lognormal(struct rng *r, double mu, double sigma)
{
	return exp(rng_normal(r, mu, sigma));
}

double rng_pareto(struct rng *r, double xm, double alpha)
{
	return xm * pow(open_low(r), -1.0 / alpha);
}

double rng_bounded_pareto(struct rng *r, double lo, double hi, double alpha)
{
	double u = rng_double(r);
	double ratio = pow(lo / hi, alpha);
	double x = lo * pow(1.0 - u * (1.0 - ratio), -1.0 / alpha);

	/* rounding can overshoot by an ulp at u -> 1 */
	return x > hi ? hi : x;
}

double rng_bounded_pareto_mean(double lo, double hi, double alpha)
{
	double la = pow(lo, alpha);
	double ratio = pow(lo / hi, alpha);

	if (fabs(alpha - 1.0) < 1e-12)
		return lo * log(hi / lo) / (1.0 - lo / hi);
	return la / (1.0 - ratio) * alpha / (alpha - 1.0) *
	       (pow(lo, 1.0 - alpha) - pow(hi, 1.0 - alpha));
}
