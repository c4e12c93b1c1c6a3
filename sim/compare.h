/* SPDX-License-Identifier: MIT */
/*
 * compare.h - `flowsim compare A B`: two runs, two bundles, or one of each, compared
 * metric by metric with tolerances (docs/compare.md).
 *
 * A side is loaded into one representation, a run of a results database (sim/results.h):
 *   "DB.sqlite#ID"  run ID of that database;
 *   "DB.sqlite"     its last complete run;
 *   a bundle        imported the way `flowsim trace import` does it (the same code,
 *                   into a private temporary database), and additionally decoded so that
 *                   its per-sample connection states are used instead of the events.
 * Metrics are then computed from the time series, the events and (bundles) the decoded
 * per-connection states; each has a tolerance, and the report passes when every
 * comparable metric is within its tolerance.
 */
#ifndef FLOWSIM_COMPARE_H
#define FLOWSIM_COMPARE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define COMPARE_ERROR compare_error_quark()
GQuark compare_error_quark(void);

enum compare_error_code {
	COMPARE_ERROR_INPUT,      /* a side cannot be loaded (not a database/bundle, no run) */
	COMPARE_ERROR_TOLERANCE,  /* a bad --tol or tolerance file line */
};

/* Exit status of `flowsim compare` */
#define COMPARE_EXIT_PASS 0
#define COMPARE_EXIT_FAIL 1
#define COMPARE_EXIT_ERROR 2

/* A connection's offload state, as compared */
enum compare_state {
	CS_ABSENT,                /* not tracked */
	CS_SLOW,                  /* tracked, neither flag: none */
	CS_SFO,                   /* [OFFLOAD]: software flowtable */
	CS_HFO,                   /* [HW_OFFLOAD]: hardware */
};

struct compare_side;

/* Load a side (see above).  NULL with a COMPARE_ERROR (or the results/bundle error). */
struct compare_side *compare_side_load(const char *spec, GError **error);
void compare_side_free(struct compare_side *s);
/* "run 3 of x.sqlite (builtin)", "bundle b.tar.gz" */
const char *compare_side_label(const struct compare_side *s);
bool compare_side_is_bundle(const struct compare_side *s);
/* The state of connection key (conntrack-style orig tuple text) at t_ns. */
enum compare_state compare_side_state_at(const struct compare_side *s, const char *key,
					 uint64_t t_ns);

/*
 * A tolerance: |b - a| <= max(abs, rel * max(|a|, |b|)).  For agreement metrics (one
 * value, a percentage) the value must be >= 100 - abs.
 */
struct compare_tol {
	double rel;               /* fraction, 0.1 = 10 % */
	double abs;               /* in the metric's unit */
};

/* Rules METRIC-GLOB = TOLERANCE, later rules override earlier ones. */
struct compare_tolset;
struct compare_tolset *compare_tolset_new_default(void);
void compare_tolset_free(struct compare_tolset *t);
/* "cpu_pct/cpu0/mean=3", "ppe_bound/total/max=10%", "conntrack/entries/mean=5%,2" (globs). */
bool compare_tolset_add(struct compare_tolset *t, const char *spec, const char *where,
			GError **error);
/* One "METRIC = TOLERANCE" per line, '#' comments.  Errors name FILE:LINE:COLUMN. */
bool compare_tolset_load_file(struct compare_tolset *t, const char *path, GError **error);
/* Parse "10%", "2.5", "10%,2" */
bool compare_tol_parse(const char *text, struct compare_tol *out);

enum compare_verdict {
	CV_WITHIN,
	CV_OUTSIDE,
	CV_NA,                    /* not comparable (a side lacks it) */
};

struct compare_metric {
	char *name;               /* "ppe_bound/total/mean" */
	char *unit;
	bool agreement;           /* one value (value), not a and b */
	double a, b, value;       /* NaN when missing */
	double diff;              /* b - a; agreement: value - 100 */
	struct compare_tol tol;
	enum compare_verdict verdict;
	char *note;               /* why n/a, where a value comes from (may be NULL) */
};

struct compare_report {
	char *a_label, *b_label;
	GPtrArray *metrics;       /* struct compare_metric *, in report order */
	uint32_t conn_a, conn_b, conn_both;   /* connection keys per side, in both */
	uint32_t n_within, n_outside, n_na;
};

/*
 * Compute every metric.  Tolerance rules that match no metric of the comparison are an
 * error (a misspelt metric name would otherwise silently keep its default).
 */
struct compare_report *compare_sides(const struct compare_side *a, const struct compare_side *b,
				     const struct compare_tolset *tols, GError **error);
void compare_report_free(struct compare_report *r);
const struct compare_metric *compare_report_find(const struct compare_report *r,
						 const char *name);
bool compare_report_pass(const struct compare_report *r);
void compare_report_print(const struct compare_report *r, FILE *f);
char *compare_report_json(const struct compare_report *r);   /* g_free() */
const char *compare_verdict_name(enum compare_verdict v);    /* "within", "OUTSIDE", "n/a" */

#endif /* FLOWSIM_COMPARE_H */
