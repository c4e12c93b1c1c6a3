// SPDX-License-Identifier: MIT
/*
 * results_read.c - reading runs back from the results database: the list of runs, one
 * run's row with its row counts, and the readers that hand each time-series sample, flow,
 * event or trace row of a run to a callback (in insertion order) until it returns FALSE.
 *
 * Readers only read (no transaction of their own), so they see the last committed state
 * and never wait for a run in progress (WAL, see results.c).
 */
#include "results_internal.h"

#include <string.h>

/* ----------------------------------------------------------------- reading ---- */

static sqlite3_stmt *prepare_read(struct results *r, const char *sql, GError **error)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		res_set_sql_error(error, r, RESULTS_ERROR_IO, "reading");
		return NULL;
	}
	return st;
}

/* Finish a read loop: rc is the last sqlite3_step() result (or SQLITE_DONE if stopped). */
static gboolean end_read(struct results *r, sqlite3_stmt *st, int rc, GError **error)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		res_set_sql_error(error, r, RESULTS_ERROR_IO, "reading");
		sqlite3_finalize(st);
		return FALSE;
	}
	sqlite3_finalize(st);
	return TRUE;
}

void results_run_info_free(struct results_run_info *info)
{
	if (!info)
		return;
	g_free(info->started_wall);
	g_free(info->scenario_path);
	g_free(info->scenario_text);
	g_free(info->engine);
	g_free(info->flowsim_version);
	g_free(info->summary_json);
	g_free(info);
}

#define RUN_INFO_SQL                                                                     \
	"SELECT id, started_wall, scenario_path, scenario_text, seed, duration_ns, engine, " \
	"flowsim_version, summary_json, "                                                    \
	"(SELECT count(*) FROM timeseries WHERE run_id = runs.id), "                         \
	"(SELECT count(*) FROM flows WHERE run_id = runs.id), "                              \
	"(SELECT count(*) FROM events WHERE run_id = runs.id), "                             \
	"(SELECT count(*) FROM traces WHERE run_id = runs.id) FROM runs "

static struct results_run_info *run_info_row(sqlite3_stmt *st)
{
	struct results_run_info *i = g_new0(struct results_run_info, 1);

	i->id = sqlite3_column_int64(st, 0);
	i->started_wall = column_dup(st, 1);
	i->scenario_path = column_dup(st, 2);
	i->scenario_text = column_dup(st, 3);
	i->seed = (uint64_t)sqlite3_column_int64(st, 4);
	i->duration_ns = (uint64_t)sqlite3_column_int64(st, 5);
	i->engine = column_dup(st, 6);
	i->flowsim_version = column_dup(st, 7);
	i->summary_json = column_dup(st, 8);
	i->n_samples = (uint64_t)sqlite3_column_int64(st, 9);
	i->n_flows = (uint64_t)sqlite3_column_int64(st, 10);
	i->n_events = (uint64_t)sqlite3_column_int64(st, 11);
	i->n_traces = (uint64_t)sqlite3_column_int64(st, 12);
	return i;
}

GPtrArray *results_list_runs(struct results *r, GError **error)
{
	sqlite3_stmt *st = prepare_read(r, RUN_INFO_SQL "ORDER BY id", error);
	GPtrArray *runs;
	int rc;

	if (!st)
		return NULL;
	runs = g_ptr_array_new_with_free_func((GDestroyNotify)results_run_info_free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(runs, run_info_row(st));
	if (!end_read(r, st, rc, error)) {
		g_ptr_array_unref(runs);
		return NULL;
	}
	return runs;
}

struct results_run_info *results_get_run(struct results *r, int64_t id, GError **error)
{
	sqlite3_stmt *st = prepare_read(r, RUN_INFO_SQL "WHERE id = ?1", error);
	struct results_run_info *info = NULL;
	int rc;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		info = run_info_row(st);
	if (!end_read(r, st, rc, error))
		return NULL;
	if (!info)
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_NOT_FOUND,
			    "results database %s: no run %" G_GINT64_FORMAT, r->path, id);
	return info;
}

/* A reader's statement for run_id (?1) and an optional filter (?2, NULL: all rows). */
static sqlite3_stmt *prepare_rows(struct results *r, const char *sql, int64_t run_id,
				  const char *filter, GError **error)
{
	sqlite3_stmt *st = prepare_read(r, sql, error);

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, filter);
	return st;
}

/*
 * Hand each row of st (from prepare_rows, NULL: failed) to row() until it returns FALSE,
 * then finish the read.
 */
static gboolean read_rows(struct results *r, sqlite3_stmt *st,
			  gboolean (*row)(sqlite3_stmt *st, void *ctx), void *ctx, GError **error)
{
	int rc;

	if (!st)
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row(st, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return end_read(r, st, rc, error);
}

/* A reader's callback and its argument, as row() sees them. */
struct reader {
	union {
		results_sample_fn sample;
		results_flow_fn flow;
		results_event_fn event;
		results_trace_fn trace;
	} fn;
	void *arg;
};

static gboolean sample_row(sqlite3_stmt *st, void *ctx)
{
	const struct reader *rd = ctx;
	double v = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN :
		   sqlite3_column_double(st, 3);

	return rd->fn.sample(rd->arg, (uint64_t)sqlite3_column_int64(st, 0), column_str(st, 1),
			     column_str(st, 2), v);
}

gboolean results_read_samples(struct results *r, int64_t run_id, const char *metric,
			      results_sample_fn fn, void *arg, GError **error)
{
	struct reader rd = { .fn.sample = fn, .arg = arg };

	return read_rows(r, prepare_rows(r,
		"SELECT t_ns, metric, key, value FROM timeseries WHERE run_id = ?1 "
		"AND (?2 IS NULL OR metric = ?2) ORDER BY rowid", run_id, metric, error),
		sample_row, &rd, error);
}

static gboolean flow_row(sqlite3_stmt *st, void *ctx)
{
	const struct reader *rd = ctx;
	struct results_flow f;

	memset(&f, 0, sizeof(f));
	f.flow = (uint32_t)sqlite3_column_int64(st, 0);
	f.name = column_str(st, 1);
	f.type = column_str(st, 2);
	f.family = (uint8_t)sqlite3_column_int(st, 3);
	f.proto = (uint8_t)sqlite3_column_int(st, 4);
	f.client = column_str(st, 5);
	f.server = column_str(st, 6);
	f.sport = (uint16_t)sqlite3_column_int(st, 7);
	f.dport = (uint16_t)sqlite3_column_int(st, 8);
	f.bytes_sent = (uint64_t)sqlite3_column_int64(st, 9);
	f.bytes_delivered = (uint64_t)sqlite3_column_int64(st, 10);
	f.goodput_bps = sqlite3_column_type(st, 11) == SQLITE_NULL ? NAN :
			sqlite3_column_double(st, 11);
	f.lost = (uint64_t)sqlite3_column_int64(st, 12);
	f.lat_p50_ns = sqlite3_column_type(st, 13) == SQLITE_NULL ? -1 :
		       sqlite3_column_int64(st, 13);
	f.lat_p99_ns = sqlite3_column_type(st, 14) == SQLITE_NULL ? -1 :
		       sqlite3_column_int64(st, 14);
	f.path_json = column_str(st, 15);
	return rd->fn.flow(rd->arg, &f);
}

gboolean results_read_flows(struct results *r, int64_t run_id, results_flow_fn fn, void *arg,
			    GError **error)
{
	struct reader rd = { .fn.flow = fn, .arg = arg };

	return read_rows(r, prepare_rows(r,
		"SELECT flow, name, type, family, proto, client, server, sport, dport, bytes_sent, "
		"bytes_delivered, goodput_bps, lost, lat_p50_ns, lat_p99_ns, path_json FROM flows "
		"WHERE run_id = ?1 ORDER BY rowid", run_id, NULL, error),
		flow_row, &rd, error);
}

static gboolean event_row(sqlite3_stmt *st, void *ctx)
{
	const struct reader *rd = ctx;
	struct results_event_row e = {
		.t_ns = (uint64_t)sqlite3_column_int64(st, 0),
		.type = column_str(st, 1),
		.detail = (uint32_t)sqlite3_column_int64(st, 2),
		.aux = (uint32_t)sqlite3_column_int64(st, 3),
		.orig = column_str(st, 4),
		.reply = column_str(st, 5),
	};

	return rd->fn.event(rd->arg, &e);
}

gboolean results_read_events(struct results *r, int64_t run_id, results_event_fn fn,
			     void *arg, GError **error)
{
	struct reader rd = { .fn.event = fn, .arg = arg };

	return read_rows(r, prepare_rows(r,
		"SELECT t_ns, type, detail, aux, orig, reply FROM events WHERE run_id = ?1 "
		"ORDER BY rowid", run_id, NULL, error),
		event_row, &rd, error);
}

static gboolean trace_row(sqlite3_stmt *st, void *ctx)
{
	const struct reader *rd = ctx;

	return rd->fn.trace(rd->arg, (uint64_t)sqlite3_column_int64(st, 0), column_str(st, 1),
			    column_str(st, 2), column_str(st, 3));
}

gboolean results_read_traces(struct results *r, int64_t run_id, const char *kind,
			     results_trace_fn fn, void *arg, GError **error)
{
	struct reader rd = { .fn.trace = fn, .arg = arg };

	return read_rows(r, prepare_rows(r,
		"SELECT t_ns, kind, name, text FROM traces WHERE run_id = ?1 "
		"AND (?2 IS NULL OR kind = ?2) ORDER BY rowid", run_id, kind, error),
		trace_row, &rd, error);
}
