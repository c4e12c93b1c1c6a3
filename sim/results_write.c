// SPDX-License-Identifier: MIT
/*
 * results_write.c - writing a run into the results database: results_begin_run() opens
 * the run's one write transaction (BEGIN IMMEDIATE) and inserts the run row, the row
 * writers (samples, events, traces, flows) add to it, results_finish_run() stores the
 * summary and commits, results_abort_run() rolls back.
 *
 * Invariants: nothing of a run is ever written outside its transaction; the void writers
 * keep the first error (r->pending) and skip further work; results_finish_run() then
 * rolls back and reports it; prepared statements are reused (bind, step, reset).
 */
#include "results_internal.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "conntrack.h"
#include "event.h"

/* started_wall honours SOURCE_DATE_EPOCH, so a database can be made reproducible */
#define RESULTS_EPOCH_ENV "SOURCE_DATE_EPOCH"

/* what a failing statement was doing, for messages */
static const char *const stmt_what[ST__COUNT] = {
	[ST_RUN] = "run", [ST_SUMMARY] = "run summary", [ST_SAMPLE] = "time-series sample",
	[ST_FLOW] = "flow result", [ST_EVENT] = "event", [ST_TRACE] = "trace",
};

/*
 * Step an INSERT/UPDATE of the run.  On failure the first error is kept in r->pending (the
 * run is then doomed: results_finish_run() rolls it back).
 */
static gboolean write_row(struct results *r, enum results_stmt which)
{
	sqlite3_stmt *st = r->st[which];
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && !r->pending) {
		r->pending_code = sqlite3_extended_errcode(r->db);
		r->pending = g_error_new(RESULTS_ERROR, RESULTS_ERROR_IO,
					 "results database %s: writing a %s: %s", r->path,
					 stmt_what[which], sqlite3_errmsg(r->db));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE;
}

/* A write outside a run is a bug in the caller; one already failed makes the rest moot. */
static gboolean writable(struct results *r, const char *fn)
{
	if (!r->in_run) {
		g_critical("%s: no run in progress (call results_begin_run first)", fn);
		return FALSE;
	}
	return r->pending == NULL;
}

/* ------------------------------------------------------------------- a run ---- */

/* started_wall: now in UTC, or SOURCE_DATE_EPOCH (reproducible builds' convention). */
static char *wall_clock_text(GError **error)
{
	const char *env = g_getenv(RESULTS_EPOCH_ENV);
	GDateTime *dt;
	char *text;

	if (env && *env) {
		guint64 secs;

		/* up to 9999-12-31T23:59:59Z, the last time ISO 8601 basic years print */
		if (!g_ascii_string_to_unsigned(env, 10, 0, 253402300799ull, &secs, NULL)) {
			g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_INVALID,
				    "environment variable %s='%s': expected whole seconds since "
				    "1970-01-01", RESULTS_EPOCH_ENV, env);
			return NULL;
		}
		dt = g_date_time_new_from_unix_utc((gint64)secs);
	} else {
		dt = g_date_time_new_now_utc();
	}
	if (!dt) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_INVALID,
			    "environment variable %s='%s': date out of range", RESULTS_EPOCH_ENV,
			    env ? env : "");
		return NULL;
	}
	text = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(dt);
	return text;
}

gboolean results_begin_run(struct results *r, const char *scenario_path,
			   const char *scenario_text, uint64_t seed, uint64_t duration_ns,
			   const char *engine, GError **error)
{
	sqlite3_stmt *st;
	char *wall;
	int rc;

	g_return_val_if_fail(r != NULL, FALSE);
	if (r->readonly || r->in_run) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_STATE,
			    "results database %s: %s", r->path,
			    r->readonly ? "opened read-only" : "a run is already in progress");
		return FALSE;
	}
	wall = wall_clock_text(error);
	if (!wall)
		return FALSE;
	rc = sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		if (rc == SQLITE_BUSY)
			g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_BUSY,
				    "results database %s is being written by another flowsim run "
				    "(a run holds it until it ends); wait for it or write to another "
				    "database", r->path);
		else
			res_set_sql_error(error, r, RESULTS_ERROR_IO, "starting a run");
		g_free(wall);
		return FALSE;
	}
	st = r->st[ST_RUN];
	bind_text(st, 1, wall);
	bind_text(st, 2, scenario_path);
	bind_text(st, 3, scenario_text);
	bind_u64(st, 4, seed);
	bind_u64(st, 5, duration_ns);
	bind_text(st, 6, engine ? engine : "builtin");
	bind_text(st, 7, FLOWSIM_VERSION);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		res_set_sql_error(error, r, RESULTS_ERROR_IO, "inserting the run");
		sqlite3_reset(st);
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		g_free(wall);
		return FALSE;
	}
	sqlite3_reset(st);
	g_free(wall);
	r->run_id = sqlite3_last_insert_rowid(r->db);
	r->in_run = TRUE;
	g_clear_error(&r->pending);
	return TRUE;
}

void results_set_busy_timeout(struct results *r, int ms)
{
	sqlite3_busy_timeout(r->db, ms);
}

int64_t results_run_id(const struct results *r)
{
	return r->run_id;
}

gboolean results_in_run(const struct results *r)
{
	return r->in_run;
}

const GError *results_pending_error(const struct results *r)
{
	return r->pending;
}

void results_sample(struct results *r, uint64_t t_ns, const char *metric, const char *key,
		    double value)
{
	sqlite3_stmt *st = r->st[ST_SAMPLE];

	g_return_if_fail(metric != NULL);
	if (!writable(r, G_STRFUNC))
		return;
	sqlite3_bind_int64(st, 1, r->run_id);
	bind_u64(st, 2, t_ns);
	bind_text(st, 3, metric);
	bind_text(st, 4, key ? key : "");
	bind_real(st, 5, value);
	write_row(r, ST_SAMPLE);
}

void results_event(struct results *r, uint64_t t_ns, const char *type, uint32_t detail,
		   uint32_t aux, const char *orig, const char *reply)
{
	sqlite3_stmt *st = r->st[ST_EVENT];

	g_return_if_fail(type != NULL);
	if (!writable(r, G_STRFUNC))
		return;
	sqlite3_bind_int64(st, 1, r->run_id);
	bind_u64(st, 2, t_ns);
	bind_text(st, 3, type);
	sqlite3_bind_int64(st, 4, detail);
	sqlite3_bind_int64(st, 5, aux);
	bind_text(st, 6, orig);
	bind_text(st, 7, reply);
	write_row(r, ST_EVENT);
}

void results_trace(struct results *r, uint64_t t_ns, const char *kind, const char *name,
		   const char *text)
{
	sqlite3_stmt *st = r->st[ST_TRACE];

	g_return_if_fail(kind != NULL && name != NULL && text != NULL);
	if (!writable(r, G_STRFUNC))
		return;
	sqlite3_bind_int64(st, 1, r->run_id);
	bind_u64(st, 2, t_ns);
	bind_text(st, 3, kind);
	bind_text(st, 4, name);
	bind_text(st, 5, text);
	write_row(r, ST_TRACE);
}

void results_flow(struct results *r, const struct results_flow *f)
{
	sqlite3_stmt *st = r->st[ST_FLOW];

	g_return_if_fail(f != NULL);
	if (!writable(r, G_STRFUNC))
		return;
	sqlite3_bind_int64(st, 1, r->run_id);
	sqlite3_bind_int64(st, 2, f->flow);
	bind_text(st, 3, f->name);
	bind_text(st, 4, f->type);
	sqlite3_bind_int(st, 5, f->family);
	sqlite3_bind_int(st, 6, f->proto);
	bind_text(st, 7, f->client);
	bind_text(st, 8, f->server);
	sqlite3_bind_int(st, 9, f->sport);
	sqlite3_bind_int(st, 10, f->dport);
	bind_u64(st, 11, f->bytes_sent);
	bind_u64(st, 12, f->bytes_delivered);
	bind_real(st, 13, f->goodput_bps);
	bind_u64(st, 14, f->lost);
	if (f->lat_p50_ns >= 0)
		sqlite3_bind_int64(st, 15, f->lat_p50_ns);
	else
		sqlite3_bind_null(st, 15);
	if (f->lat_p99_ns >= 0)
		sqlite3_bind_int64(st, 16, f->lat_p99_ns);
	else
		sqlite3_bind_null(st, 16);
	bind_text(st, 17, f->path_json);
	if (!write_row(r, ST_FLOW) && r->pending && r->pending_code == SQLITE_CONSTRAINT_CHECK) {
		g_clear_error(&r->pending);
		r->pending = g_error_new(RESULTS_ERROR, RESULTS_ERROR_INVALID,
					 "results database %s: flow %u: path_json is not valid "
					 "JSON: %s", r->path, f->flow, f->path_json);
	}
}

int results_tuple_text(const struct fs_tuple *t, char *buf, size_t size)
{
	char src[48], dst[48], proto[16];
	const char *pname;
	int n;

	fs_addr_format(src, sizeof(src), t->family, &t->src);
	fs_addr_format(dst, sizeof(dst), t->family, &t->dst);
	pname = conntrack_proto_name(t->proto);
	if (strcmp(pname, "unknown") == 0) {
		g_snprintf(proto, sizeof(proto), "proto=%u", t->proto);
		pname = proto;
	}
	switch (t->proto) {
	case FS_IPPROTO_TCP:
	case FS_IPPROTO_UDP:
		n = g_snprintf(buf, size, "%s src=%s dst=%s sport=%u dport=%u", pname, src, dst,
			       t->sport, t->dport);
		break;
	case FS_IPPROTO_ICMP:
	case FS_IPPROTO_ICMPV6:
		n = g_snprintf(buf, size, "%s src=%s dst=%s type=%u code=%u id=%u", pname, src,
			       dst, t->dport >> 8, t->dport & 0xff, t->sport);
		break;
	default:
		n = g_snprintf(buf, size, "%s src=%s dst=%s", pname, src, dst);
		break;
	}
	return size && (size_t)n >= size ? (int)size - 1 : n;
}

void results_record_event(struct results *r, const struct fs_event *ev)
{
	char orig[160], reply[160];
	bool has_orig = ev->orig.family != 0, has_reply = ev->reply.family != 0;

	if (has_orig)
		results_tuple_text(&ev->orig, orig, sizeof(orig));
	if (has_reply)
		results_tuple_text(&ev->reply, reply, sizeof(reply));
	results_event(r, ev->time, fs_event_name(ev->type), ev->detail, ev->aux,
		      has_orig ? orig : NULL, has_reply ? reply : NULL);
}

void results_abort_run(struct results *r)
{
	if (!r || !r->in_run)
		return;
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	r->in_run = FALSE;
	r->run_id = -1;
	g_clear_error(&r->pending);
}

static gboolean check_summary(struct results *r, const char *json, GError **error)
{
	JsonParser *p = json_parser_new();
	GError *e = NULL;
	gboolean ok = json_parser_load_from_data(p, json, -1, &e);

	if (!ok) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_INVALID,
			    "results database %s: run summary is not valid JSON: %s", r->path,
			    e->message);
		g_error_free(e);
	}
	g_object_unref(p);
	return ok;
}

gboolean results_finish_run(struct results *r, const char *summary_json, GError **error)
{
	sqlite3_stmt *st;

	g_return_val_if_fail(r != NULL, FALSE);
	if (!r->in_run) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_STATE,
			    "results database %s: no run in progress", r->path);
		return FALSE;
	}
	if (r->pending) {
		g_propagate_error(error, g_error_copy(r->pending));
		goto rollback;
	}
	if (!summary_json)
		summary_json = "{}";
	if (!check_summary(r, summary_json, error))
		goto rollback;
	st = r->st[ST_SUMMARY];
	sqlite3_bind_int64(st, 1, r->run_id);
	bind_text(st, 2, summary_json);
	if (!write_row(r, ST_SUMMARY)) {
		g_propagate_error(error, g_error_copy(r->pending));
		goto rollback;
	}
	/* an automatic rollback (disk full ...) would have ended the transaction early */
	if (sqlite3_get_autocommit(r->db)) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_IO,
			    "results database %s: the run's transaction was rolled back by SQLite "
			    "after an earlier error", r->path);
		goto rollback;
	}
	if (!res_exec(r, "COMMIT", "committing the run", error))
		goto rollback;
	r->in_run = FALSE;
	g_clear_error(&r->pending);
	return TRUE;
rollback:
	results_abort_run(r);
	return FALSE;
}
