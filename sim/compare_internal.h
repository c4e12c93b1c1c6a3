// SPDX-License-Identifier: MIT
/*
 * compare_internal.h - private declarations shared by the comparison's files:
 * compare_side.c (loading a side: a run or a bundle), compare_tol.c (tolerance rules),
 * compare.c (the metrics) and compare_report.c (the text and JSON report).
 * Not part of the compare.h contract.
 */
#ifndef FLOWSIM_SIM_COMPARE_INTERNAL_H
#define FLOWSIM_SIM_COMPARE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "compare.h"

struct series {
	GArray *t;                /* uint64_t */
	GArray *v;                /* double */
};

struct step {
	uint64_t t;
	int st;                   /* enum compare_state */
};

struct compare_side {
	char *label;
	bool bundle;
	char *engine;
	GHashTable *series;       /* "metric\tkey" -> struct series * */
	GHashTable *metric_keys;  /* metric -> GPtrArray of keys (sorted at the end) */
	GHashTable *flows;        /* connection key -> GArray of struct step */
	GPtrArray *flow_keys;     /* in first-seen order */
	GArray *times;            /* distinct sample times, sorted (uint64_t) */
	int64_t binds;            /* -1: unknown */
	const char *binds_src;
	bool states_sampled;      /* per-sample states (bundles), not events */
};

struct tol_rule {
	char *pattern;
	struct compare_tol tol;
	bool user;
	char *where;              /* "--tol", "FILE:LINE" */
	bool used;
};

struct compare_tolset {
	GPtrArray *rules;         /* struct tol_rule *, later overrides earlier */
};

/* compare_side.c */
int compare_cmp_str(gconstpointer a, gconstpointer b);
void compare_sort_times(GArray *t);

/* compare_tol.c */
struct tol_rule *compare_tol_lookup(const struct compare_tolset *t, const char *name);

#endif
