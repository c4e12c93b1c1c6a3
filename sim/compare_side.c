// SPDX-License-Identifier: MIT
/*
 * compare_side.c - loads one side of a comparison (a run of a results database, or a trace
 * bundle) into the representation compare.c compares (compare.h, docs/compare.md).
 *
 * Invariants:
 *  - a bundle is imported by the code of `flowsim trace import` (trace_import_decoded(),
 *    sim/trace_import.c), into a private
 *    temporary database that is deleted before compare_side_load() returns, so a bundle's
 *    time series are exactly what an imported bundle holds;
 *  - a connection's offload state is a step function of time (sorted changes); for bundles
 *    it comes from the decoded samples, for runs from the core's events (ct_new,
 *    ct_offload, ct_hw_offload, ct_hw_offload_clear, flow_teardown/flow_del, ct_destroy).
 */
#include "bundle.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "compare_internal.h"
#include "trace_import.h"
#include "results.h"

/* ------------------------------------------------------------------ sides ---- */

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

int compare_cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void compare_sort_times(GArray *t)
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
	compare_sort_times(s->times);
	g_hash_table_iter_init(&it, s->metric_keys);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_ptr_array_sort(v, compare_cmp_str);
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
	struct results *r;
	GError *ierr = NULL;
	gint64 run;
	bool ok = false;

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
	/* the very code of `flowsim trace import` (sim/trace_import.c) */
	r = results_open(db, &ierr);
	run = r ? trace_import_decoded(r, path, b, tl, &ierr) : -1;
	results_close(r);
	if (run < 0) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_INPUT,
			    "%s: the bundle could not be imported (%s)", path,
			    ierr ? ierr->message : "unknown error");
		g_clear_error(&ierr);
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
