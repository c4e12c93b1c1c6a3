// SPDX-License-Identifier: MIT
/*
 * compare.c - compare two loaded sides (runs of a results database, or trace bundles)
 * metric by metric (compare.h, docs/compare.md).  Loading a side is compare_side.c, the
 * tolerance rules compare_tol.c, the text/JSON report compare_report.c
 * (compare_internal.h has what they share).
 *
 * Invariants:
 *  - a connection's offload state is a step function of time (sorted changes); for bundles
 *    it comes from the decoded samples, for runs from the core's events (ct_new,
 *    ct_offload, ct_hw_offload, ct_hw_offload_clear, flow_teardown/flow_del, ct_destroy);
 *  - a metric one side cannot provide is "n/a" with a note and never fails the comparison.
 */
#include "bundle.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli.h"
#include "compare_internal.h"
#include "results.h"

G_DEFINE_QUARK(flowsim-compare-error-quark, compare_error)

/* ---------------------------------------------------------------- metrics ---- */

const char *compare_verdict_name(enum compare_verdict v)
{
	return v == CV_WITHIN ? "within" : v == CV_OUTSIDE ? "OUTSIDE" : "n/a";
}

static void metric_free(gpointer p)
{
	struct compare_metric *m = p;

	g_free(m->name);
	g_free(m->unit);
	g_free(m->note);
	g_free(m);
}

static struct compare_metric *add_metric(struct compare_report *r, const char *name,
					 const char *unit, double a, double b, char *note)
{
	struct compare_metric *m = g_new0(struct compare_metric, 1);

	m->name = g_strdup(name);
	m->unit = g_strdup(unit);
	m->a = a;
	m->b = b;
	m->value = NAN;
	m->diff = b - a;
	m->note = note;
	g_ptr_array_add(r->metrics, m);
	return m;
}

static const struct series *series_get(const struct compare_side *s, const char *metric,
				       const char *key)
{
	char *k = g_strconcat(metric, "\t", key, NULL);
	const struct series *se = g_hash_table_lookup(s->series, k);

	g_free(k);
	return se;
}

enum agg { AGG_SUM, AGG_AVG };

/*
 * Mean and max over time of one series (key != NULL) or of the per-time sum/average of
 * all keys of the metric but `skip` (key == NULL).  FALSE when there are no samples.
 */
static bool stats(const struct compare_side *s, const char *metric, const char *key,
		  enum agg agg, const char *skip, double *mean, double *max)
{
	GPtrArray *keys = g_hash_table_lookup(s->metric_keys, metric);
	GHashTable *acc;
	GHashTableIter it;
	gpointer tk, tv;
	double sum = 0, mx = -INFINITY;
	guint i, j, n = 0;

	if (key) {
		const struct series *se = series_get(s, metric, key);

		if (!se || !se->v->len)
			return false;
		for (i = 0; i < se->v->len; i++) {
			double v = g_array_index(se->v, double, i);

			if (isnan(v))
				continue;
			sum += v;
			mx = MAX(mx, v);
			n++;
		}
		*mean = n ? sum / n : NAN;
		*max = n ? mx : NAN;
		return n > 0;
	}
	if (!keys)
		return false;
	/* t -> [sum, count] */
	acc = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	for (i = 0; i < keys->len; i++) {
		const char *k = g_ptr_array_index(keys, i);
		const struct series *se;

		if (skip && !strcmp(k, skip))
			continue;
		se = series_get(s, metric, k);
		for (j = 0; j < se->t->len; j++) {
			gint64 t = (gint64)g_array_index(se->t, uint64_t, j);
			double v = g_array_index(se->v, double, j), *a;

			if (isnan(v))
				continue;
			a = g_hash_table_lookup(acc, &t);
			if (!a) {
				gint64 *kk = g_new(gint64, 1);

				*kk = t;
				a = g_new0(double, 2);
				g_hash_table_insert(acc, kk, a);
			}
			a[0] += v;
			a[1] += 1;
		}
	}
	g_hash_table_iter_init(&it, acc);
	while (g_hash_table_iter_next(&it, &tk, &tv)) {
		const double *a = tv;
		double v = agg == AGG_SUM ? a[0] : a[0] / a[1];

		sum += v;
		mx = MAX(mx, v);
		n++;
	}
	g_hash_table_destroy(acc);
	*mean = n ? sum / n : NAN;
	*max = n ? mx : NAN;
	return n > 0;
}

static char *lacks(const struct compare_side *a, bool ha, bool hb, const char *what)
{
	(void)a;
	if (!ha && !hb)
		return g_strdup_printf("neither side has %s", what);
	return g_strdup_printf("%s has no %s", ha ? "B" : "A", what);
}

/* name/mean and name/max of one series or aggregate on both sides */
static void mean_max(struct compare_report *r, const struct compare_side *a,
		     const struct compare_side *b, const char *name, const char *unit,
		     const char *metric, const char *key, enum agg agg, const char *skip,
		     const char *what, bool with_max)
{
	double ma = NAN, xa = NAN, mb = NAN, xb = NAN;
	bool ha = stats(a, metric, key, agg, skip, &ma, &xa);
	bool hb = stats(b, metric, key, agg, skip, &mb, &xb);
	char *n1 = g_strconcat(name, "/mean", NULL), *n2 = g_strconcat(name, "/max", NULL);

	add_metric(r, n1, unit, ma, mb, ha && hb ? NULL : lacks(a, ha, hb, what));
	if (with_max)
		add_metric(r, n2, unit, xa, xb, ha && hb ? NULL : lacks(a, ha, hb, what));
	g_free(n1);
	g_free(n2);
}

/* Per-key metrics for the keys of either side (n/a for keys only one side has) */
static void per_key(struct compare_report *r, const struct compare_side *a,
		    const struct compare_side *b, const char *metric, const char *unit,
		    const char *skip, bool with_max, const char *what)
{
	GPtrArray *ka = g_hash_table_lookup(a->metric_keys, metric);
	GPtrArray *kb = g_hash_table_lookup(b->metric_keys, metric);
	GPtrArray *all = g_ptr_array_new();
	guint i;

	for (i = 0; ka && i < ka->len; i++)
		g_ptr_array_add(all, g_ptr_array_index(ka, i));
	for (i = 0; kb && i < kb->len; i++) {
		char *k = g_ptr_array_index(kb, i);
		guint j;
		bool dup = false;

		for (j = 0; ka && j < ka->len && !dup; j++)
			dup = !strcmp(g_ptr_array_index(ka, j), k);
		if (!dup)
			g_ptr_array_add(all, k);
	}
	g_ptr_array_sort(all, compare_cmp_str);
	for (i = 0; i < all->len; i++) {
		const char *k = g_ptr_array_index(all, i);
		char *name, *w;

		if (skip && !strcmp(k, skip))
			continue;
		name = g_strdup_printf("%s/%s", metric, k);
		w = g_strdup_printf("%s %s samples", what, k);
		mean_max(r, a, b, name, unit, metric, k, AGG_SUM, NULL, w, with_max);
		g_free(name);
		g_free(w);
	}
	g_ptr_array_free(all, TRUE);
}

/* The sample times of both sides up to the end of the shorter one */
static GArray *common_grid(const struct compare_side *a, const struct compare_side *b)
{
	GArray *g = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	uint64_t end;

	if (!a->times->len || !b->times->len)
		return g;
	end = MIN(g_array_index(a->times, uint64_t, a->times->len - 1),
		  g_array_index(b->times, uint64_t, b->times->len - 1));
	g_array_append_vals(g, a->times->data, a->times->len);
	g_array_append_vals(g, b->times->data, b->times->len);
	compare_sort_times(g);
	while (g->len && g_array_index(g, uint64_t, g->len - 1) > end)
		g_array_set_size(g, g->len - 1);
	return g;
}

static void flow_metrics(struct compare_report *r, const struct compare_side *a,
			 const struct compare_side *b)
{
	GArray *grid = common_grid(a, b);
	const struct compare_side *sd[2] = { a, b };
	double share[2][2];
	uint64_t agree = 0, total = 0;
	struct compare_metric *m;
	guint i, j, k;

	r->conn_a = a->flow_keys->len;
	r->conn_b = b->flow_keys->len;
	for (i = 0; i < a->flow_keys->len; i++) {
		const char *key = g_ptr_array_index(a->flow_keys, i);

		if (!g_hash_table_contains(b->flows, key))
			continue;
		r->conn_both++;
		for (j = 0; j < grid->len; j++) {
			uint64_t t = g_array_index(grid, uint64_t, j);
			enum compare_state x = compare_side_state_at(a, key, t);
			enum compare_state y = compare_side_state_at(b, key, t);

			if (x == CS_ABSENT && y == CS_ABSENT)
				continue;
			total++;
			agree += x == y;
		}
	}
	m = add_metric(r, "flow_state/agreement_pct", "%", NAN, NAN, NULL);
	m->agreement = true;
	if (total) {
		m->value = 100.0 * (double)agree / (double)total;
		m->diff = m->value - 100.0;
		m->note = g_strdup_printf("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
					  " connection-samples agree, %u connections in both",
					  agree, total, r->conn_both);
	} else {
		m->note = !grid->len ? g_strdup("no common sample times") :
			  g_strdup_printf("no connection appears in both (A %u, B %u)",
					  r->conn_a, r->conn_b);
	}
	/* the share of time tracked connections spend offloaded, each side on its own */
	for (k = 0; k < 2; k++) {
		const struct compare_side *s = sd[k];
		uint64_t present = 0, sfo = 0, hfo = 0;

		for (i = 0; i < s->flow_keys->len; i++) {
			const char *key = g_ptr_array_index(s->flow_keys, i);

			for (j = 0; j < s->times->len; j++) {
				enum compare_state x = compare_side_state_at(
					s, key, g_array_index(s->times, uint64_t, j));

				present += x != CS_ABSENT;
				sfo += x == CS_SFO;
				hfo += x == CS_HFO;
			}
		}
		share[k][0] = present ? 100.0 * (double)sfo / (double)present : NAN;
		share[k][1] = present ? 100.0 * (double)hfo / (double)present : NAN;
	}
	add_metric(r, "flow_state/sfo_share_pct", "%", share[0][0], share[1][0],
		   isnan(share[0][0]) || isnan(share[1][0]) ?
			   lacks(a, !isnan(share[0][0]), !isnan(share[1][0]),
				 "tracked connections at its sample times") : NULL);
	add_metric(r, "flow_state/hfo_share_pct", "%", share[0][1], share[1][1],
		   isnan(share[0][1]) || isnan(share[1][1]) ?
			   lacks(a, !isnan(share[0][1]), !isnan(share[1][1]),
				 "tracked connections at its sample times") : NULL);
	g_array_free(grid, TRUE);
}

static void decide(struct compare_metric *m)
{
	double lim;

	if (m->agreement) {
		if (isnan(m->value))
			m->verdict = CV_NA;
		else
			m->verdict = m->value >= 100.0 - m->tol.abs - 1e-9 ? CV_WITHIN : CV_OUTSIDE;
		return;
	}
	if (isnan(m->a) || isnan(m->b)) {
		m->verdict = CV_NA;
		return;
	}
	lim = MAX(m->tol.abs, m->tol.rel * MAX(fabs(m->a), fabs(m->b)));
	m->verdict = fabs(m->b - m->a) <= lim * (1 + 1e-12) + 1e-12 ? CV_WITHIN : CV_OUTSIDE;
}

struct compare_report *compare_sides(const struct compare_side *a, const struct compare_side *b,
				     const struct compare_tolset *tols, GError **error)
{
	struct compare_report *r = g_new0(struct compare_report, 1);
	bool both_runs = !a->bundle && !b->bundle && strcmp(a->engine, "bundle") &&
			 strcmp(b->engine, "bundle");
	const char *cpu_all_a, *cpu_all_b;
	struct compare_metric *m;
	guint i;

	r->a_label = g_strdup(a->label);
	r->b_label = g_strdup(b->label);
	r->metrics = g_ptr_array_new_with_free_func(metric_free);

	flow_metrics(r, a, b);

	mean_max(r, a, b, "ppe_bound/total", "entries", "ppe_bound", NULL, AGG_SUM, NULL,
		 "PPE samples", true);
	per_key(r, a, b, "ppe_bound", "entries", NULL, true, "PPE");
	m = add_metric(r, "ppe/binds", "binds", a->binds >= 0 ? (double)a->binds : NAN,
		       b->binds >= 0 ? (double)b->binds : NAN, NULL);
	if (a->binds < 0 || b->binds < 0)
		m->note = lacks(a, a->binds >= 0, b->binds >= 0,
				"bind count (a run imported from a bundle has no ppe_bind events)");
	else if (a->binds_src != b->binds_src)
		m->note = g_strdup_printf("A: %s; B: %s", a->binds_src, b->binds_src);

	mean_max(r, a, b, "conntrack/entries", "entries", "conntrack", "entries", AGG_SUM, NULL,
		 "conntrack samples", true);
	mean_max(r, a, b, "flowtable/flows", "flows", "flowtable", "flows", AGG_SUM, NULL,
		 "flowtable samples", true);

	mean_max(r, a, b, "throughput_bps/total", "bit/s", "throughput_bps", NULL, AGG_SUM, NULL,
		 "throughput samples (bundles record none)", false);
	if (both_runs)
		per_key(r, a, b, "throughput_bps", "bit/s", NULL, false, "traffic");

	/* CPU: a bundle has the all-CPU line of /proc/stat as key "cpu"; a run only cpuN */
	cpu_all_a = series_get(a, "cpu_pct", "cpu") ? "cpu" : NULL;
	cpu_all_b = series_get(b, "cpu_pct", "cpu") ? "cpu" : NULL;
	{
		double ma = NAN, xa = NAN, mb = NAN, xb = NAN;
		bool ha = cpu_all_a ? stats(a, "cpu_pct", "cpu", AGG_AVG, NULL, &ma, &xa) :
				      stats(a, "cpu_pct", NULL, AGG_AVG, NULL, &ma, &xa);
		bool hb = cpu_all_b ? stats(b, "cpu_pct", "cpu", AGG_AVG, NULL, &mb, &xb) :
				      stats(b, "cpu_pct", NULL, AGG_AVG, NULL, &mb, &xb);
		char *w = lacks(a, ha, hb, "CPU samples");

		add_metric(r, "cpu_pct/total/mean", "%", ma, mb, ha && hb ? NULL : g_strdup(w));
		add_metric(r, "cpu_pct/total/max", "%", xa, xb, ha && hb ? NULL : g_strdup(w));
		g_free(w);
	}
	per_key(r, a, b, "cpu_pct", "%", "cpu", false, "CPU");

	for (i = 0; i < tols->rules->len; i++)
		((struct tol_rule *)g_ptr_array_index(tols->rules, i))->used = false;
	for (i = 0; i < r->metrics->len; i++) {
		struct compare_metric *x = g_ptr_array_index(r->metrics, i);
		struct tol_rule *rule = compare_tol_lookup(tols, x->name);

		if (rule) {
			x->tol = rule->tol;
			rule->used = true;
		}
		decide(x);
		r->n_within += x->verdict == CV_WITHIN;
		r->n_outside += x->verdict == CV_OUTSIDE;
		r->n_na += x->verdict == CV_NA;
	}
	for (i = 0; i < tols->rules->len; i++) {
		struct tol_rule *rule = g_ptr_array_index(tols->rules, i);
		guint j;
		bool any = false;

		if (!rule->user || rule->used)
			continue;
		/* overridden by a later rule still names real metrics */
		for (j = 0; j < r->metrics->len && !any; j++)
			any = g_pattern_match_simple(rule->pattern,
						     ((struct compare_metric *)g_ptr_array_index(
							      r->metrics, j))->name);
		if (!any) {
			g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
				    "%s: tolerance for '%s' matches no metric of this comparison "
				    "(see flowsim compare --help for the names)",
				    rule->where, rule->pattern);
			compare_report_free(r);
			return NULL;
		}
	}
	return r;
}

void compare_report_free(struct compare_report *r)
{
	if (!r)
		return;
	g_free(r->a_label);
	g_free(r->b_label);
	g_ptr_array_free(r->metrics, TRUE);
	g_free(r);
}

const struct compare_metric *compare_report_find(const struct compare_report *r,
						 const char *name)
{
	guint i;

	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

bool compare_report_pass(const struct compare_report *r)
{
	return r->n_outside == 0;
}
