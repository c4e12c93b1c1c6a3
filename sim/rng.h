/* SPDX-License-Identifier: MIT */
/*
 * rng.h - deterministic random streams for the simulator.
 *
 * Generator: xoshiro256** (Blackman & Vigna), 256-bit state, period 2^256 - 1, 1 ns-class
 * per draw.  Each simulated entity (a flow, a station, a traffic source) owns its own
 * stream, created from (seed, stream id): the four state words are the splitmix64 outputs
 * number 4*id+1 .. 4*id+4 of a splitmix64 sequence that starts at splitmix64(seed).  So
 *  - a stream depends only on (seed, id): adding, removing or reordering other entities
 *    never changes it;
 *  - different ids of one seed get different, well-mixed states (splitmix64's output is a
 *    bijection of its counter, so no two ids share a state).
 * Pick stream ids from stable identities (flow number, station index), never from pointer
 * values or creation order that depends on hash iteration.
 *
 * Integer draws (rng_u64, rng_below, rng_range) are exact and identical on every platform.
 * Real-valued draws use 53-bit uniforms and libm (log, exp, pow, sqrt, cos): identical for
 * a given libm build (glibc's are the same on every x86-64 machine of one version), not
 * guaranteed across libms.  Results the simulator must reproduce bit for bit across
 * machines should therefore be derived from integer draws where practical.
 *
 * A struct rng is a plain value: copy it to fork a stream (both copies then produce the
 * same sequence), zero-initialised it is invalid (use rng_init).
 */
#ifndef FLOWSIM_RNG_H
#define FLOWSIM_RNG_H

#include "fs_port.h"

struct rng {
	u64 s[4];
};

/* One step of splitmix64: advances *state by the golden gamma and returns the mix. */
static inline u64 rng_splitmix64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Initialise stream `stream` of `seed` (see above). */
void rng_init(struct rng *r, u64 seed, u64 stream);

static inline u64 rng_rotl64(u64 x, unsigned int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Next 64 random bits (xoshiro256**). */
static inline u64 rng_u64(struct rng *r)
{
	u64 *s = r->s;
	u64 result = rng_rotl64(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl64(s[3], 45);
	return result;
}

static inline u32 rng_u32(struct rng *r)
{
	return (u32)(rng_u64(r) >> 32);
}

/* Uniform in [0, n) without bias (Lemire's multiply-and-reject).  n == 0 returns 0. */
u64 rng_below(struct rng *r, u64 n);
/* Uniform in [lo, hi], inclusive, without bias; lo > hi returns lo. */
u64 rng_range(struct rng *r, u64 lo, u64 hi);

/* Uniform double in [0, 1) with 53 random bits. */
static inline double rng_double(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

/* True with probability p (p <= 0: never, p >= 1: always); uses one draw. */
bool rng_bernoulli(struct rng *r, double p);
/* Exponential with the given mean (> 0); never negative, finite. */
double rng_exponential(struct rng *r, double mean);
/* Normal (Box-Muller, two draws per value, no cached spare: each call uses exactly two). */
double rng_normal(struct rng *r, double mean, double stddev);
/* Lognormal: exp(normal(mu, sigma)); mu, sigma are the underlying normal's parameters. */
double rng_lognormal(struct rng *r, double mu, double sigma);
/* Pareto (type I): scale xm > 0, shape alpha > 0; values >= xm; mean alpha*xm/(alpha-1). */
double rng_pareto(struct rng *r, double xm, double alpha);
/*
 * Bounded Pareto on [lo, hi] (0 < lo < hi), shape alpha > 0, by inverse transform - the
 * classic heavy-tailed web object size model.
 */
double rng_bounded_pareto(struct rng *r, double lo, double hi, double alpha);
/* Mean of the bounded Pareto distribution (for calibrating workloads and tests). */
double rng_bounded_pareto_mean(double lo, double hi, double alpha);

#endif /* FLOWSIM_RNG_H */
