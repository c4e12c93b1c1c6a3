/* SPDX-License-Identifier: MIT */
/*
 * bench_engine.c - event-engine throughput, classic hold model and a timer-heavy model.
 *
 * Hold model: N events pending; each event, when it runs, schedules one new event at
 * now + increment, so the queue size stays N.  Increments come from a precomputed table
 * (2^20 values, fixed seed) so the figure measures the engine, not the RNG:
 *   exp    exponential, mean 1 ms
 *   unif   uniform [0, 2 ms)
 *   bimod  95 % uniform [0, 100 us), 5 % uniform [10 ms, 20 ms)
 * Timer model ("rto"): N flows; every event is an ACK of a random flow (hold model with
 * exponential increments) that moves the flow's 200 ms retransmission timer, the way TCP
 * re-arms its RTO - the cancel/move path the engine's lazy timers are built for.
 *
 * Usage: bench_engine [max_N] [events_per_run]   (defaults 1000000, 10000000)
 * Prints events per wall-clock second for every (model, N).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine.h"
#include "rng.h"

#define NINC (1u << 20)

struct hold {
	u64 *inc;
	u32 i;
	u64 count;
	u64 target;
	/* timer model */
	engine_timer_id *rto;
	u32 nflows;
	struct rng rng;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fill_increments(u64 *inc, int dist)
{
	struct rng r;
	u32 i;

	rng_init(&r, 20240601, (u64)dist);
	for (i = 0; i < NINC; i++) {
		switch (dist) {
		case 0:
			inc[i] = (u64)rng_exponential(&r, 1e6);
			break;
		case 1:
			inc[i] = rng_below(&r, 2000000);
			break;
		default:
			if (rng_below(&r, 100) < 95)
				inc[i] = rng_below(&r, 100000);
			else
				inc[i] = 10000000 + rng_below(&r, 10000000);
			break;
		}
	}
}

static void hold_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct hold *h = a.p;

	engine_schedule(eng, engine_now(eng) + h->inc[h->i++ & (NINC - 1)], hold_cb, a, b);
	if (++h->count == h->target)
		engine_stop(eng);
}

static void rto_fire(struct engine *eng, engine_arg a, engine_arg b)
{
	struct hold *h = a.p;

	/* a retransmission: re-arm */
	engine_timer_set(eng, &h->rto[b.u], engine_now(eng) + 200000000, rto_fire, a, b);
}

static void ack_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct hold *h = a.p;
	u32 flow = (u32)rng_below(&h->rng, h->nflows);

	engine_timer_set(eng, &h->rto[flow], engine_now(eng) + 200000000, rto_fire, a,
			 ENGINE_U64(flow));
	engine_schedule(eng, engine_now(eng) + h->inc[h->i++ & (NINC - 1)], ack_cb, a, b);
	if (++h->count == h->target)
		engine_stop(eng);
}

static double run_model(u64 *inc, u32 n, u64 steps, bool timers, struct engine_stats *st)
{
	struct engine *eng = engine_create();
	struct hold h = { .inc = inc };
	double t0, dt;
	u32 k;

	if (!eng) {
		fprintf(stderr, "bench_engine: out of memory\n");
		exit(1);
	}
	rng_init(&h.rng, 7, 1);
	if (timers) {
		h.nflows = n;
		h.rto = calloc(n, sizeof(*h.rto));
		if (!h.rto) {
			fprintf(stderr, "bench_engine: out of memory\n");
			exit(1);
		}
	}
	for (k = 0; k < n; k++)
		engine_schedule(eng, inc[h.i++ & (NINC - 1)], timers ? ack_cb : hold_cb,
				ENGINE_PTR(&h), ENGINE_NOARG);
	/* warm up: let the queue reach its steady shape */
	h.target = 2ULL * n;
	engine_run(eng);
	h.count = 0;
	h.target = steps;
	t0 = wall();
	engine_run(eng);
	dt = wall() - t0;
	engine_get_stats(eng, st);
	engine_destroy(eng);
	free(h.rto);
	/* timer model: count ACK events (each also moves a timer); fired RTOs are extra */
	return (double)steps / dt;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "exp", "unif", "bimod" };
	u64 max_n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	u64 steps = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
	u64 *inc = malloc(NINC * sizeof(*inc));
	int dist;
	u32 n;

	if (!inc || !steps) {
		fprintf(stderr, "usage: bench_engine [max_N] [events_per_run]\n");
		return 2;
	}
	printf("%-6s %9s %12s %10s %14s\n", "model", "N", "Mevents/s", "moves/ev", "queue_entries");
	for (dist = 0; dist < 4; dist++) {
		fill_increments(inc, dist == 3 ? 0 : dist);
		for (n = 1000; n <= max_n; n *= 10) {
			struct engine_stats st;
			double rate = run_model(inc, n, steps, dist == 3, &st);

			printf("%-6s %9u %12.2f %10.2f %14llu\n", dist == 3 ? "rto" : names[dist],
			       n, rate / 1e6, (double)st.entry_moves / (double)st.executed,
			       (unsigned long long)st.queue_entries);
			fflush(stdout);
		}
	}
	free(inc);
	return 0;
}
