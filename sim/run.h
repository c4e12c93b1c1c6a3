/* SPDX-License-Identifier: MIT */
/*
 * run.h - one `flowsim run`: the world of a scenario driven through simulated time, with
 * what it produces:
 *
 *  - time series (every output.sample_interval, default 100 ms; rates are per second):
 *    packets and bytes per path (slow, flowtable, ppe, wed), delivered throughput per
 *    traffic item, CPU % per logical CPU, PPE occupancy, conntrack and flowtable counts,
 *    qdisc backlog and drops per port, router drops by reason;
 *  - snapshots at the times output.snapshots asks for (conntrack, ppe, ppe_bind, nft,
 *    flowtable), and conntrack -E lines, through sim/tracedir.h;
 *  - core events (results' events table), per-flow rows and the summary, through
 *    sim/results.h when a database is given;
 *  - the summary: share of packets and bytes per path, throughput per traffic item, CPU
 *    per core, latency percentiles of latency-measured items, PPE occupancy, offload event
 *    counts, drops - as text (run_print_summary) and JSON (run_summary_json, every key in
 *    docs/results-json.md).
 *
 * The run is deterministic: the same scenario and seed give byte-identical JSON and
 * database rows (except runs.started_wall, which results.c stamps).  The only wall-clock
 * reads are for the progress bar and the "simulated packets per wall second" line of the
 * text summary, which feed nothing else.
 *
 * Split: run.c (loop, sampling, recording), run_summary.c (summary, JSON, text).
 */
#ifndef FLOWSIM_RUN_H
#define FLOWSIM_RUN_H

#include <stdio.h>

#include <glib.h>

#include "replay.h"
#include "results.h"
#include "scenario.h"
#include "tracedir.h"
#include "world.h"

struct run_opts {
	bool has_seed;
	u64 seed;                   /* with has_seed: overrides the scenario's */
	u64 duration_ns;            /* 0: the scenario's */
	const char *soc_dir;
	bool progress;              /* progress bar on stderr */
	const char *replay;         /* --replay CAPTURE (sim/replay.h), NULL: none */
};

/* Per-sample accumulators of the summary (maxima over the run). */
struct run_peaks {
	u32 conntrack_max;
	u32 flowtable_max;
	u32 ppe_bound_max;
	u32 ppe_unbound_max;
	double cpu_max_pct;         /* the busiest CPU in any interval */
};

struct run {
	const struct scenario *s;
	struct run_opts opts;
	u64 seed, duration_ns;
	struct world *w;
	struct results *res;        /* optional */
	struct tracedir *td;        /* optional */
	struct replay *replay;      /* --replay: the capture being replayed, else NULL */
	/* sampling */
	u64 interval_ns;
	u64 next_sample;
	u64 last_sample;
	struct sim_router_stats prev_sr;
	u64 *prev_item_bytes;       /* per item: delivered payload bytes at the last sample */
	u64 *prev_qdisc_drops;      /* per port */
	u64 prev_drops[16];         /* drop counters at the last sample (run.c's order) */
	struct run_peaks peaks;
	/* snapshots: next index into each scenario snapshot's list / next periodic time */
	u32 *snap_at_idx;
	u64 *snap_next_every;
	bool end_snapshots;         /* no snapshots configured: take them at the end */
	u64 samples;
	GError *error;              /* first recording error (stops the run) */
	/* wall-clock figures for the text summary only */
	double wall_s;
};

/*
 * Build the world of a loaded scenario.  NULL with errors in d (FILE:LINE:COL of what
 * cannot be built).  The scenario must outlive the run.  With o->replay, the capture is read
 * first (its errors name the capture) and the scenario must have a replay: section.
 */
struct run *run_create(const struct scenario *s, const struct run_opts *o, struct yu_diag *d);
void run_destroy(struct run *r);

/* Record into res / td while running (either may be NULL).  Call before run_execute(). */
void run_set_outputs(struct run *r, struct results *res, struct tracedir *td);

/* Run to the end.  FALSE with *error when recording failed (the results are then void). */
gboolean run_execute(struct run *r, GError **error);

/* After run_execute(): per-flow rows into the results (when given). */
void run_record_flows(struct run *r);

/* The summary as JSON (pretty-printed, ends with a newline); g_free. */
char *run_summary_json(struct run *r);
/* The summary as text. */
void run_print_summary(struct run *r, FILE *f);

/* Nearest-rank percentile (p in 0..100) of n values, sorting v in place; 0 if n == 0. */
u64 run_percentile(u64 *v, size_t n, u32 p);

#endif /* FLOWSIM_RUN_H */
