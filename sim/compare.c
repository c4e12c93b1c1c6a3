// SPDX-License-Identifier: MIT
/*
 * compare.c - load two sides (runs of a results database, or trace bundles) into one
 * representation and compare them metric by metric (compare.h, docs/compare.md).
 *
 * Invariants:
 *  - a bundle is imported by `flowsim trace import` itself (cmd_trace()), into a private
 *    temporary database that is deleted before compare_side_load() returns, so a bundle's
 *    time series are exactly what an imported bundle holds;
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
#include "compare.h"
#include "results.h"

G_DEFINE_QUARK(flowsim-compare-error-quark, compare_error)

/* ------------------------------------------------------------------ sides ---- */

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

static void series_free(gpointer p)
{
	struct series *s = p;

	g_array_free(s->t, TRUE);
	g_array_free(s->v, TRUE);
	g_free(s);
}

static void steps_free(gpointer p)
{
	g_array_free(p, TRUE);
}

static void keys_free(gpointer p)
{
	g_ptr_array_free(p, TRUE);
}

static struct compare_side *side_new(void)
{
	struct compare_side *s = g_new0(struct compare_side, 1);

	s->series = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, series_free);
	s->metric_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, keys_free);
	s->flows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, steps_free);
	s->flow_keys = g_ptr_array_new();
	s->times = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	s->binds = -1;
	return s;
}

void compare_side_free(struct compare_side *s)
{
	if (!s)
		return;
	g_free(s->label);
	g_free(s->engine);
	g_hash_table_destroy(s->series);
	g_hash_table_destroy(s->metric_keys);
	g_ptr_array_free(s->flow_keys, TRUE);
	g_hash_table_destroy(s->flows);
	g_array_free(s->times, TRUE);
	g_free(s);
}

const char *compare_side_label(const struct compare_side *s)
{
	return s->label;
}

bool compare_side_is_bundle(const struct compare_side *s)
{
	return s->bundle;
}

static gboolean on_sample(void *arg, uint64_t t, const char *metric, const char *key,
			  double value)
{
	struct compare_side *s = arg;
	char *k = g_strconcat(metric, "\t", key, NULL);
	struct series *se = g_hash_table_lookup(s->series, k);

	if (!se) {
		GPtrArray *keys = g_hash_table_lookup(s->metric_keys, metric);

		if (!keys) {
			keys = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(s->metric_keys, g_strdup(metric), keys);
		}
		g_ptr_array_add(keys, g_strdup(key));
		se = g_new0(struct series, 1);
		se->t = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		se->v = g_array_new(FALSE, FALSE, sizeof(double));
		g_hash_table_insert(s->series, k, se);
	} else {
		g_free(k);
	}
	g_array_append_val(se->t, t);
	g_array_append_val(se->v, value);
	g_array_append_val(s->times, t);
	return TRUE;
}

static void flow_set(struct compare_side *s, const char *key, uint64_t t, int st)
{
	GArray *steps = g_hash_table_lookup(s->flows, key);
	struct step x = { t, st };

	if (!steps) {
		char *k = g_strdup(key);

		steps = g_array_new(FALSE, FALSE, sizeof(struct step));
		g_hash_table_insert(s->flows, k, steps);
		g_ptr_array_add(s->flow_keys, k);
	}
	if (steps->len) {
		struct step *last = &g_array_index(steps, struct step, steps->len - 1);

		if (last->st == st)
			return;
		if (last->t == t) {    /* several changes at one time: the last one holds */
			last->st = st;
			return;
		}
	}
	g_array_append_val(steps, x);
}

static int flow_current(const struct compare_side *s, const char *key)
{
	GArray *steps = g_hash_table_lookup(s->flows, key);

	return steps && steps->len ? g_array_index(steps, struct step, steps->len - 1).st :
				     CS_ABSENT;
}

/* The core's events as state changes of a connection (model/event.h) */
static gboolean on_event(void *arg, const struct results_event_row *e)
{
	struct compare_side *s = arg;
	int cur;

	if (!strcmp(e->type, "ppe_bind")) {
		s->binds++;
		return TRUE;
	}
	if (s->states_sampled || !e->orig)
		return TRUE;
	cur = flow_current(s, e->orig);
	if (!strcmp(e->type, "ct_new"))
		flow_set(s, e->orig, e->t_ns, CS_SLOW);
	else if (!strcmp(e->type, "ct_offload"))
		flow_set(s, e->orig, e->t_ns, CS_SFO);
	else if (!strcmp(e->type, "ct_hw_offload"))
		flow_set(s, e->orig, e->t_ns, CS_HFO);
	else if (!strcmp(e->type, "ct_hw_offload_clear") && cur == CS_HFO)
		flow_set(s, e->orig, e->t_ns, CS_SFO);
	else if ((!strcmp(e->type, "flow_teardown") || !strcmp(e->type, "flow_del")) &&
		 cur != CS_ABSENT)
		flow_set(s, e->orig, e->t_ns, CS_SLOW);
	else if (!strcmp(e->type, "ct_destroy") && cur != CS_ABSENT)
		flow_set(s, e->orig, e->t_ns, CS_ABSENT);
	return TRUE;
}

static int cmp_u64(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_times(GArray *t)
{
	guint i, n = 0;

	g_array_sort(t, cmp_u64);
	for (i = 0; i < t->len; i++)
		if (!n || g_array_index(t, uint64_t, n - 1) != g_array_index(t, uint64_t, i))
			g_array_index(t, uint64_t, n++) = g_array_index(t, uint64_t, i);
	g_array_set_size(t, n);
}

static bool load_run(struct compare_side *s, const char *path, int64_t id, GError **error)
{
	struct results *r = results_open_readonly(path, error);
	struct results_run_info *info = NULL;
	GHashTableIter it;
	gpointer v;
	bool ok = false;

	if (!r)
		return false;
	if (id < 0) {
		GPtrArray *runs = results_list_runs(r, error);

		if (!runs)
			goto out;
		if (!runs->len) {
			g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
				    "%s: the database holds no complete run", path);
			g_ptr_array_free(runs, TRUE);
			goto out;
		}
		id = ((struct results_run_info *)g_ptr_array_index(runs, runs->len - 1))->id;
		g_ptr_array_free(runs, TRUE);
	}
	info = results_get_run(r, id, error);
	if (!info)
		goto out;
	s->engine = g_strdup(info->engine ? info->engine : "?");
	if (!s->label)
		s->label = g_strdup_printf("run %" G_GINT64_FORMAT " of %s (%s)", id, path,
					   s->engine);
	if (!results_read_samples(r, id, NULL, on_sample, s, error))
		goto out;
	s->binds = 0;
	if (!results_read_events(r, id, on_event, s, error))
		goto out;
	/* an imported bundle has no ppe_bind events: its binds are not known from them */
	if (!strcmp(s->engine, "bundle") && !s->bundle) {
		s->binds = -1;
	} else if (!s->bundle) {
		s->binds_src = "ppe_bind events";
	}
	sort_times(s->times);
	g_hash_table_iter_init(&it, s->metric_keys);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_sort(v, cmp_str);
	ok = true;
out:
	results_run_info_free(info);
	results_close(r);
	return ok;
}

static uint64_t t_ns(double t)
{
	return t <= 0 ? 0 : (uint64_t)llround(t * 1e9);
}

static int state_of(u8 bf)
{
	switch (bf) {
	case BF_ABSENT:
		return CS_ABSENT;
	case BF_OFFLOAD:
		return CS_SFO;
	case BF_HW_OFFLOAD:
		return CS_HFO;
	default:
		return CS_SLOW;
	}
}

/* Per-sample states and bind counts of a decoded bundle */
static void bundle_states(struct compare_side *s, const struct bundle_timeline *tl)
{
	guint i, p;

	s->binds = 0;
	s->binds_src = "bound PPE entries appearing between samples";
	for (i = 0; i < tl->flows->len; i++) {
		const struct bundle_flow *f = g_ptr_array_index(tl->flows, i);
		char buf[160];
		const char *key = f->key;
		u8 prev_bound = 0;

		/* the key the import gives the connection's events (results_tuple_text) */
		if (f->has_tuple) {
			results_tuple_text(&f->orig_tuple, buf, sizeof(buf));
			key = buf;
		}
		for (p = 0; p < tl->points->len; p++) {
			uint64_t t = t_ns(g_array_index(tl->points, struct bundle_point, p).t);

			if (f->state[p] != BF_ABSENT || g_hash_table_contains(s->flows, key))
				flow_set(s, key, t, state_of(f->state[p]));
			if (f->ppe_bound[p] > prev_bound)
				s->binds += f->ppe_bound[p] - prev_bound;
			prev_bound = f->ppe_bound[p];
		}
	}
}

static void remove_tmp(const char *dir, const char *db)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	guint i;

	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		char *p = g_strconcat(db, sfx[i], NULL);

		g_unlink(p);
		g_free(p);
	}
	g_rmdir(dir);
}

static bool load_bundle(struct compare_side *s, const char *path, GError **error)
{
	struct bundle *b;
	struct bundle_timeline *tl = NULL;
	struct bundle_decode_opts o;
	char *dir = NULL, *db = NULL;
	char *argv[8];
	bool ok = false;
	int rc;

	memset(&o, 0, sizeof(o));
	b = bundle_open(path, error);
	if (!b)
		return false;
	tl = bundle_decode(b, &o, error);
	if (!tl)
		goto out;
	dir = g_dir_make_tmp("flowsim-compare-XXXXXX", error);
	if (!dir)
		goto out;
	db = g_build_filename(dir, "import.sqlite", NULL);
	/* the very code of `flowsim trace import` (sim/cmd_trace.c) */
	argv[0] = "trace";
	argv[1] = "import";
	argv[2] = "--quiet";
	argv[3] = "--db";
	argv[4] = db;
	argv[5] = (char *)path;
	argv[6] = NULL;
	rc = cmd_trace(6, argv);
	if (rc) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
			    "%s: the bundle could not be imported (flowsim trace import failed "
			    "with status %d)", path, rc);
		goto out;
	}
	s->bundle = true;
	s->states_sampled = true;
	s->label = g_strdup_printf("bundle %s", path);
	if (!load_run(s, db, -1, error))
		goto out;
	bundle_states(s, tl);
	ok = true;
out:
	if (dir)
		remove_tmp(dir, db);
	g_free(db);
	g_free(dir);
	bundle_timeline_free(tl);
	bundle_free(b);
	return ok;
}

enum spec_kind { SPEC_DB, SPEC_BUNDLE, SPEC_UNKNOWN };

static enum spec_kind file_kind(const char *path, GError **error)
{
	unsigned char head[512];
	size_t n;
	FILE *f;

	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		return SPEC_BUNDLE;
	f = fopen(path, "rb");
	if (!f) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT, "%s: %s", path,
			    g_strerror(errno));
		return SPEC_UNKNOWN;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n >= 16 && !memcmp(head, "SQLite format 3", 16))
		return SPEC_DB;
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return SPEC_BUNDLE;
	if (n >= 262 && !memcmp(head + 257, "ustar", 5))
		return SPEC_BUNDLE;
	g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
		    "%s: expected a flowsim results database (SQLite), a trace bundle "
		    "(.tar.gz, .tar or directory) or DB#RUNID; this file is %s", path,
		    n ? "neither" : "empty");
	return SPEC_UNKNOWN;
}

struct compare_side *compare_side_load(const char *spec, GError **error)
{
	struct compare_side *s;
	const char *hash = strrchr(spec, '#');
	char *path;
	int64_t id = -1;
	enum spec_kind k;
	bool ok;

	if (!*spec) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
			    "empty side: expected DB.sqlite[#RUNID] or a bundle");
		return NULL;
	}
	if (hash && !g_file_test(spec, G_FILE_TEST_EXISTS)) {
		const char *p;
		char *end = NULL;

		for (p = hash + 1; *p && g_ascii_isdigit(*p); p++)
			;
		if (hash[1] == 0 || *p) {
			g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
				    "%s: column %ld: expected a run id (digits) after '#'", spec,
				    (long)(hash - spec) + 2);
			return NULL;
		}
		errno = 0;
		id = g_ascii_strtoll(hash + 1, &end, 10);
		if (errno || id <= 0) {
			g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
				    "%s: run id must be a positive number", spec);
			return NULL;
		}
		path = g_strndup(spec, (gsize)(hash - spec));
	} else {
		path = g_strdup(spec);
	}
	k = file_kind(path, error);
	if (k == SPEC_UNKNOWN) {
		g_free(path);
		return NULL;
	}
	if (k == SPEC_BUNDLE && id >= 0) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
			    "%s: #RUNID selects a run of a results database, but %s is a "
			    "trace bundle", spec, path);
		g_free(path);
		return NULL;
	}
	s = side_new();
	ok = k == SPEC_DB ? load_run(s, path, id, error) : load_bundle(s, path, error);
	g_free(path);
	if (!ok) {
		compare_side_free(s);
		return NULL;
	}
	return s;
}

enum compare_state compare_side_state_at(const struct compare_side *s, const char *key,
					 uint64_t t)
{
	GArray *steps = g_hash_table_lookup(s->flows, key);
	guint lo = 0, hi;

	if (!steps || !steps->len || g_array_index(steps, struct step, 0).t > t)
		return CS_ABSENT;
	hi = steps->len;   /* invariant: steps[lo].t <= t, steps[hi].t > t (hi = len: none) */
	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(steps, struct step, mid).t <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (enum compare_state)g_array_index(steps, struct step, lo).st;
}

/* ------------------------------------------------------------- tolerances ---- */

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

static void rule_free(gpointer p)
{
	struct tol_rule *r = p;

	g_free(r->pattern);
	g_free(r->where);
	g_free(r);
}

/* The defaults, and why, are in docs/compare.md */
static const struct {
	const char *pattern, *tol;
} default_tols[] = {
	{ "*", "10%,1" },
	{ "flow_state/agreement_pct", "5" },
	{ "flow_state/*_share_pct", "5" },
	{ "ppe_bound/*", "10%,2" },
	{ "ppe/binds", "10%,2" },
	{ "conntrack/*", "10%,2" },
	{ "flowtable/*", "10%,2" },
	{ "throughput_bps/*", "5%" },
	{ "cpu_pct/*/mean", "5" },
	{ "cpu_pct/*/max", "10" },
};

bool compare_tol_parse(const char *text, struct compare_tol *out)
{
	char **parts = g_strsplit(text, ",", -1);
	bool ok = parts[0] != NULL, have_rel = false, have_abs = false;
	guint i;

	out->rel = 0;
	out->abs = 0;
	for (i = 0; ok && parts[i]; i++) {
		char *p = g_strstrip(parts[i]), *end = NULL;
		double v;

		if (!*p || !(g_ascii_isdigit(*p) || *p == '.')) {
			ok = false;
			break;
		}
		v = g_ascii_strtod(p, &end);
		if (end == p || !isfinite(v) || v < 0) {
			ok = false;
		} else if (*end == '%' && end[1] == 0 && !have_rel) {
			out->rel = v / 100.0;
			have_rel = true;
		} else if (*end == 0 && !have_abs) {
			out->abs = v;
			have_abs = true;
		} else {
			ok = false;
		}
	}
	g_strfreev(parts);
	return ok;
}

static void add_rule(struct compare_tolset *t, const char *pattern,
		     const struct compare_tol *tol, bool user, const char *where)
{
	struct tol_rule *r = g_new0(struct tol_rule, 1);

	r->pattern = g_strdup(pattern);
	r->tol = *tol;
	r->user = user;
	r->where = g_strdup(where);
	g_ptr_array_add(t->rules, r);
}

struct compare_tolset *compare_tolset_new_default(void)
{
	struct compare_tolset *t = g_new0(struct compare_tolset, 1);
	guint i;

	t->rules = g_ptr_array_new_with_free_func(rule_free);
	for (i = 0; i < G_N_ELEMENTS(default_tols); i++) {
		struct compare_tol tol;

		if (!compare_tol_parse(default_tols[i].tol, &tol))
			g_error("bad default tolerance %s", default_tols[i].tol);
		add_rule(t, default_tols[i].pattern, &tol, false, "default");
	}
	return t;
}

void compare_tolset_free(struct compare_tolset *t)
{
	if (!t)
		return;
	g_ptr_array_free(t->rules, TRUE);
	g_free(t);
}

static bool valid_pattern(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (!(g_ascii_isalnum(*p) || strchr("_/*?.-", *p)))
			return false;
	return true;
}

/* "METRIC=VALUE" at where; col0 is the column of spec's first character (messages) */
static bool tol_add_at(struct compare_tolset *t, const char *spec, const char *where,
		       guint col0, GError **error)
{
	const char *eq = strchr(spec, '=');
	char *name, *val;
	struct compare_tol tol;
	bool ok = true;

	if (!eq) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected METRIC=TOLERANCE (e.g. cpu_pct/*/mean=3), got '%s'",
			    where, col0, spec);
		return false;
	}
	name = g_strstrip(g_strndup(spec, (gsize)(eq - spec)));
	val = g_strstrip(g_strdup(eq + 1));
	if (!valid_pattern(name)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected a metric name or glob (letters, digits, _ / * ?), "
			    "got '%s'", where, col0, name);
		ok = false;
	} else if (!compare_tol_parse(val, &tol)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected a tolerance such as 10%%, 2.5 or 10%%,2 "
			    "(relative, absolute, or both), got '%s'", where,
			    col0 + (guint)(eq - spec) + 1, val);
		ok = false;
	} else {
		add_rule(t, name, &tol, true, where);
	}
	g_free(name);
	g_free(val);
	return ok;
}

bool compare_tolset_add(struct compare_tolset *t, const char *spec, const char *where,
			GError **error)
{
	return tol_add_at(t, spec, where ? where : "--tol", 1, error);
}

bool compare_tolset_load_file(struct compare_tolset *t, const char *path, GError **error)
{
	char *text = NULL, **lines;
	GError *e = NULL;
	bool ok = true;
	guint i;

	if (!g_file_get_contents(path, &text, NULL, &e)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE, "%s", e->message);
		g_error_free(e);
		return false;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; ok && lines[i]; i++) {
		char *l = lines[i], *where;
		guint col = 1;

		while (*l == ' ' || *l == '\t') {
			l++;
			col++;
		}
		g_strchomp(l);
		if (!*l || *l == '#')
			continue;
		where = g_strdup_printf("%s:%u", path, i + 1);
		ok = tol_add_at(t, l, where, col, error);
		g_free(where);
	}
	g_strfreev(lines);
	g_free(text);
	return ok;
}

static struct tol_rule *tol_lookup(const struct compare_tolset *t, const char *name)
{
	guint i;

	for (i = t->rules->len; i-- > 0;) {
		struct tol_rule *r = g_ptr_array_index(t->rules, i);

		if (g_pattern_match_simple(r->pattern, name))
			return r;
	}
	return NULL;
}

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
	g_ptr_array_sort(all, cmp_str);
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
	sort_times(g);
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
		struct tol_rule *rule = tol_lookup(tols, x->name);

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

/* ----------------------------------------------------------------- output ---- */

static void fmt_num(char *buf, size_t size, double v)
{
	if (isnan(v))
		g_strlcpy(buf, "-", size);
	else if (fabs(v) >= 1e6)
		g_snprintf(buf, size, "%.4g", v);
	else if (v == floor(v))
		g_snprintf(buf, size, "%.0f", v);
	else
		g_snprintf(buf, size, "%.2f", v);
}

static void fmt_tol(char *buf, size_t size, const struct compare_metric *m)
{
	char x[32];

	if (m->agreement) {
		fmt_num(x, sizeof(x), 100.0 - m->tol.abs);
		g_snprintf(buf, size, ">=%s", x);
		return;
	}
	fmt_num(x, sizeof(x), m->tol.abs);
	if (m->tol.rel > 0 && m->tol.abs > 0)
		g_snprintf(buf, size, "%g%%|%s", m->tol.rel * 100, x);
	else if (m->tol.rel > 0)
		g_snprintf(buf, size, "%g%%", m->tol.rel * 100);
	else
		g_snprintf(buf, size, "%s", x);
}

void compare_report_print(const struct compare_report *r, FILE *f)
{
	guint i;
	bool first = true;

	fprintf(f, "A: %s\nB: %s\n", r->a_label, r->b_label);
	fprintf(f, "connections: A %u, B %u, in both %u\n\n", r->conn_a, r->conn_b,
		r->conn_both);
	fprintf(f, "%-30s %12s %12s %12s %10s  %-7s %s\n", "metric", "A", "B", "B-A",
		"tolerance", "verdict", "note");
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);
		char a[32], b[32], d[32], t[40];

		if (m->agreement) {
			fmt_num(a, sizeof(a), m->value);
			g_strlcpy(b, "", sizeof(b));
		} else {
			fmt_num(a, sizeof(a), m->a);
			fmt_num(b, sizeof(b), m->b);
		}
		fmt_num(d, sizeof(d), m->diff);
		fmt_tol(t, sizeof(t), m);
		fprintf(f, "%-30s %12s %12s %12s %10s  %-7s %s\n", m->name, a, b, d, t,
			compare_verdict_name(m->verdict), m->note ? m->note : "");
	}
	fprintf(f, "\n%u within, %u outside, %u not comparable\n", r->n_within, r->n_outside,
		r->n_na);
	if (compare_report_pass(r)) {
		fprintf(f, "PASS: every comparable metric is within its tolerance\n");
		return;
	}
	fprintf(f, "FAIL: outside tolerance:");
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		if (m->verdict != CV_OUTSIDE)
			continue;
		fprintf(f, "%s %s", first ? "" : ",", m->name);
		first = false;
	}
	fprintf(f, "\n");
}

static void json_num(JsonBuilder *jb, const char *name, double v)
{
	json_builder_set_member_name(jb, name);
	if (isnan(v) || !isfinite(v))
		json_builder_add_null_value(jb);
	else
		json_builder_add_double_value(jb, v);
}

char *compare_report_json(const struct compare_report *r)
{
	JsonBuilder *jb = json_builder_new();
	JsonGenerator *gen = json_generator_new();
	JsonNode *root;
	char *out;
	guint i;

	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "a");
	json_builder_add_string_value(jb, r->a_label);
	json_builder_set_member_name(jb, "b");
	json_builder_add_string_value(jb, r->b_label);
	json_builder_set_member_name(jb, "connections");
	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "a");
	json_builder_add_int_value(jb, r->conn_a);
	json_builder_set_member_name(jb, "b");
	json_builder_add_int_value(jb, r->conn_b);
	json_builder_set_member_name(jb, "both");
	json_builder_add_int_value(jb, r->conn_both);
	json_builder_end_object(jb);
	json_builder_set_member_name(jb, "metrics");
	json_builder_begin_array(jb);
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "name");
		json_builder_add_string_value(jb, m->name);
		json_builder_set_member_name(jb, "unit");
		json_builder_add_string_value(jb, m->unit);
		json_builder_set_member_name(jb, "kind");
		json_builder_add_string_value(jb, m->agreement ? "agreement" : "values");
		if (m->agreement) {
			json_num(jb, "value", m->value);
		} else {
			json_num(jb, "a", m->a);
			json_num(jb, "b", m->b);
		}
		json_num(jb, "diff", m->diff);
		json_builder_set_member_name(jb, "tolerance");
		json_builder_begin_object(jb);
		json_num(jb, "relative", m->tol.rel);
		json_num(jb, "absolute", m->tol.abs);
		json_builder_end_object(jb);
		json_builder_set_member_name(jb, "verdict");
		json_builder_add_string_value(jb, m->verdict == CV_WITHIN ? "within" :
						  m->verdict == CV_OUTSIDE ? "outside" : "n/a");
		json_builder_set_member_name(jb, "note");
		if (m->note)
			json_builder_add_string_value(jb, m->note);
		else
			json_builder_add_null_value(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);
	json_builder_set_member_name(jb, "within");
	json_builder_add_int_value(jb, r->n_within);
	json_builder_set_member_name(jb, "outside");
	json_builder_add_int_value(jb, r->n_outside);
	json_builder_set_member_name(jb, "not_comparable");
	json_builder_add_int_value(jb, r->n_na);
	json_builder_set_member_name(jb, "failed");
	json_builder_begin_array(jb);
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		if (m->verdict == CV_OUTSIDE)
			json_builder_add_string_value(jb, m->name);
	}
	json_builder_end_array(jb);
	json_builder_set_member_name(jb, "pass");
	json_builder_add_boolean_value(jb, compare_report_pass(r));
	json_builder_end_object(jb);
	root = json_builder_get_root(jb);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	out = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(jb);
	return out;
}
