// SPDX-License-Identifier: MIT
/*
 * results.c - the results database (see results.h, schema and guarantees in docs/results.md).
 *
 * Invariants:
 *  - every row of a run is written inside the one write transaction opened by
 *    results_begin_run() (BEGIN IMMEDIATE) and committed by results_finish_run(); nothing of
 *    a run is ever written outside it, so the database only ever holds complete runs;
 *  - the database is in WAL mode.  Why WAL and not a rollback journal, when both survive
 *    kill -9: a run holds its write transaction for the whole simulation (minutes), and
 *    with a rollback journal the first cache spill takes the EXCLUSIVE lock and locks every
 *    reader (flowsim compare, sqlite3) out of the earlier runs until the run ends; WAL
 *    spills into the -wal file, never touches the main file before COMMIT, and readers keep
 *    seeing the last committed state.  A killed run leaves WAL frames without a commit
 *    frame, which the next opener ignores (no hot journal to replay, nothing to repair).
 *    synchronous=NORMAL: after a power cut the last committed run may be missing, never
 *    half present (consistency, not durability, is the requirement); the test suite
 *    kills writers with SIGKILL at many moments and checks exactly this;
 *  - foreign keys are on: a child row can never reference a run row that does not exist,
 *    which also catches the one way SQLite can leave a transaction early (an automatic
 *    rollback after SQLITE_FULL/IOERR: later inserts would otherwise autocommit);
 *  - the void writers keep the first error (r->pending) and skip further work;
 *    results_finish_run() then rolls back and reports it;
 *  - prepared statements are made once per connection and reused (bind, step, reset).
 */
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "conntrack.h"
#include "event.h"

G_DEFINE_QUARK(flowsim-results-error-quark, results_error)

/* PRAGMA application_id: "fsim" (0x6673696d), in decimal for the PRAGMA statement */
#define RESULTS_APP_ID 1718839661
/* how long begin_run/open wait for another writer before reporting it */
#define RESULTS_BUSY_MS 5000
/* started_wall honours SOURCE_DATE_EPOCH, so a database can be made reproducible */
#define RESULTS_EPOCH_ENV "SOURCE_DATE_EPOCH"

enum results_stmt {
	ST_RUN,
	ST_SUMMARY,
	ST_SAMPLE,
	ST_FLOW,
	ST_EVENT,
	ST_TRACE,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_RUN] = "INSERT INTO runs(started_wall, scenario_path, scenario_text, seed, "
		   "duration_ns, engine, flowsim_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_SUMMARY] = "UPDATE runs SET summary_json = ?2 WHERE id = ?1",
	[ST_SAMPLE] = "INSERT INTO timeseries(run_id, t_ns, metric, key, value) "
		      "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_FLOW] = "INSERT INTO flows(run_id, flow, name, type, family, proto, client, server, "
		    "sport, dport, bytes_sent, bytes_delivered, goodput_bps, lost, lat_p50_ns, "
		    "lat_p99_ns, path_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
		    "?12, ?13, ?14, ?15, ?16, ?17)",
	[ST_EVENT] = "INSERT INTO events(run_id, t_ns, type, detail, aux, orig, reply) "
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_TRACE] = "INSERT INTO traces(run_id, t_ns, kind, name, text) "
		     "VALUES (?1, ?2, ?3, ?4, ?5)",
};

/* what a failing statement was doing, for messages */
static const char *const stmt_what[ST__COUNT] = {
	[ST_RUN] = "run", [ST_SUMMARY] = "run summary", [ST_SAMPLE] = "time-series sample",
	[ST_FLOW] = "flow result", [ST_EVENT] = "event", [ST_TRACE] = "trace",
};

/*
 * Version 1.  Integers that are u64 in C (seed, byte counts) are stored as the int64 with
 * the same bits; times are ns, which int64 holds for 292 years.
 */
static const char schema_sql[] =
	"CREATE TABLE runs (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  started_wall TEXT NOT NULL,\n"
	"  scenario_path TEXT,\n"
	"  scenario_text TEXT,\n"
	"  seed INTEGER NOT NULL,\n"
	"  duration_ns INTEGER NOT NULL,\n"
	"  engine TEXT NOT NULL,\n"
	"  flowsim_version TEXT NOT NULL,\n"
	"  summary_json TEXT CHECK (summary_json IS NULL OR json_valid(summary_json))\n"
	");\n"
	"CREATE TABLE timeseries (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  t_ns INTEGER NOT NULL,\n"
	"  metric TEXT NOT NULL,\n"
	"  key TEXT NOT NULL,\n"
	"  value REAL\n"
	");\n"
	"CREATE INDEX timeseries_by_run ON timeseries(run_id, metric, key, t_ns);\n"
	"CREATE TABLE flows (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  flow INTEGER NOT NULL,\n"
	"  name TEXT,\n"
	"  type TEXT,\n"
	"  family INTEGER NOT NULL,\n"
	"  proto INTEGER NOT NULL,\n"
	"  client TEXT,\n"
	"  server TEXT,\n"
	"  sport INTEGER NOT NULL,\n"
	"  dport INTEGER NOT NULL,\n"
	"  bytes_sent INTEGER NOT NULL,\n"
	"  bytes_delivered INTEGER NOT NULL,\n"
	"  goodput_bps REAL,\n"
	"  lost INTEGER NOT NULL,\n"
	"  lat_p50_ns INTEGER,\n"
	"  lat_p99_ns INTEGER,\n"
	"  path_json TEXT CHECK (path_json IS NULL OR json_valid(path_json)),\n"
	"  PRIMARY KEY (run_id, flow)\n"
	");\n"
	"CREATE TABLE events (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  t_ns INTEGER NOT NULL,\n"
	"  type TEXT NOT NULL,\n"
	"  detail INTEGER NOT NULL,\n"
	"  aux INTEGER NOT NULL,\n"
	"  orig TEXT,\n"
	"  reply TEXT\n"
	");\n"
	"CREATE INDEX events_by_run ON events(run_id, t_ns);\n"
	"CREATE TABLE traces (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  t_ns INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  text TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX traces_by_run ON traces(run_id, kind, t_ns);\n";

struct results {
	sqlite3 *db;
	char *path;
	gboolean readonly;
	gboolean in_run;
	int64_t run_id;
	GError *pending;               /* first error of a void writer during the run */
	int pending_code;              /* its SQLite extended result code */
	sqlite3_stmt *st[ST__COUNT];
};

/* ------------------------------------------------------------------ helpers ---- */

static void set_sql_error(GError **error, struct results *r, int code, const char *what)
{
	g_set_error(error, RESULTS_ERROR, code, "results database %s: %s: %s", r->path, what,
		    sqlite3_errmsg(r->db));
}

/* Run SQL without results; FALSE with *error naming what failed. */
static gboolean exec(struct results *r, const char *sql, const char *what, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec(r->db, sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return TRUE;
	g_set_error(error, RESULTS_ERROR,
		    rc == SQLITE_BUSY ? RESULTS_ERROR_BUSY :
		    rc == SQLITE_NOTADB ? RESULTS_ERROR_FORMAT : RESULTS_ERROR_IO,
		    "results database %s: %s: %s", r->path, what, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return FALSE;
}

/* One integer from a single-row query (a PRAGMA), or FALSE with *error. */
static gboolean query_int(struct results *r, const char *sql, int64_t *out, GError **error)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		set_sql_error(error, r, rc == SQLITE_NOTADB ? RESULTS_ERROR_FORMAT : RESULTS_ERROR_IO,
			      "reading the schema");
		return FALSE;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		set_sql_error(error, r, rc == SQLITE_NOTADB ? RESULTS_ERROR_FORMAT : RESULTS_ERROR_IO,
			      "reading the schema");
		sqlite3_finalize(st);
		return FALSE;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return TRUE;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	/* the same 64 bits: u64 values >= 2^63 read back unchanged through (uint64_t) */
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? g_strdup((const char *)t) : NULL;
}

static const char *column_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

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

/* ---------------------------------------------------------------- open/close ---- */

/* Read what identifies the file: application_id, user_version, number of objects. */
static gboolean read_identity(struct results *r, int64_t *app_id, int64_t *version,
			      int64_t *objects, GError **error)
{
	return query_int(r, "PRAGMA application_id", app_id, error) &&
	       query_int(r, "PRAGMA user_version", version, error) &&
	       query_int(r, "SELECT count(*) FROM sqlite_schema", objects, error);
}

/*
 * Check the schema; create it in an empty file (writers only).  A file that already has
 * it is only read (no write lock, so opening never waits for a run in progress); creation
 * runs in an IMMEDIATE transaction that re-reads the file, so two processes creating the
 * same new file do not both create it.
 */
static gboolean check_schema(struct results *r, GError **error)
{
	int64_t app_id, version, objects;
	gboolean locked = FALSE;

	if (!read_identity(r, &app_id, &version, &objects, error))
		return FALSE;
	if (app_id == 0 && objects == 0) {
		if (r->readonly) {
			g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_FORMAT,
				    "results database %s: empty file, no flowsim runs in it", r->path);
			return FALSE;
		}
		if (!exec(r, "BEGIN IMMEDIATE", "locking to create the schema", error))
			return FALSE;
		locked = TRUE;
		if (!read_identity(r, &app_id, &version, &objects, error))
			goto fail;
	}
	if (app_id == 0 && objects == 0) {
		if (!exec(r, schema_sql, "creating the schema", error))
			goto fail;
		if (!exec(r, "PRAGMA application_id = " G_STRINGIFY(RESULTS_APP_ID) ";"
			  "PRAGMA user_version = " G_STRINGIFY(RESULTS_SCHEMA_VERSION),
			  "creating the schema", error))
			goto fail;
		version = RESULTS_SCHEMA_VERSION;
	} else if (app_id != RESULTS_APP_ID) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_FORMAT,
			    "results database %s: an SQLite database, but not one written by "
			    "flowsim (application_id %" G_GINT64_FORMAT ", expected %d)",
			    r->path, app_id, RESULTS_APP_ID);
		goto fail;
	}
	if (version != RESULTS_SCHEMA_VERSION) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_FORMAT,
			    "results database %s: schema version %" G_GINT64_FORMAT
			    ", this flowsim reads version %d%s", r->path, version,
			    RESULTS_SCHEMA_VERSION,
			    version > RESULTS_SCHEMA_VERSION ? " (written by a newer flowsim)" : "");
		goto fail;
	}
	if (locked && !exec(r, "COMMIT", "creating the schema", error))
		goto fail;
	return TRUE;
fail:
	if (locked && !sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}

static gboolean prepare_all(struct results *r, GError **error)
{
	int i;

	for (i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(r->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i],
				       NULL) != SQLITE_OK) {
			set_sql_error(error, r, RESULTS_ERROR_IO, "preparing statements");
			return FALSE;
		}
	}
	return TRUE;
}

static struct results *open_common(const char *path, gboolean readonly, GError **error)
{
	struct results *r;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	g_return_val_if_fail(path != NULL, NULL);
	r = g_new0(struct results, 1);
	r->path = g_strdup(path);
	r->readonly = readonly;
	r->run_id = -1;
	rc = sqlite3_open_v2(path, &r->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		g_set_error(error, RESULTS_ERROR, RESULTS_ERROR_OPEN,
			    "cannot open results database %s: %s", path,
			    r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(r->db, 1);
	sqlite3_busy_timeout(r->db, RESULTS_BUSY_MS);
	if (!exec(r, "PRAGMA foreign_keys = ON", "configuring", error))
		goto fail;
	if (!readonly) {
		/*
		 * WAL, see the top of the file.  journal_mode also is the first statement that
		 * reads the file, so a file that is not a database fails here.
		 * cache_size: 16 MiB keeps a typical run's pages in memory until COMMIT;
		 * journal_size_limit trims the -wal file a big run leaves behind.
		 */
		if (!exec(r, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			  "PRAGMA cache_size = -16384; PRAGMA journal_size_limit = 67108864",
			  "configuring", error))
			goto fail;
	}
	if (!check_schema(r, error))
		goto fail;
	if (!readonly && !prepare_all(r, error))
		goto fail;
	return r;
fail:
	results_close(r);
	return NULL;
}

struct results *results_open(const char *path, GError **error)
{
	return open_common(path, FALSE, error);
}

struct results *results_open_readonly(const char *path, GError **error)
{
	return open_common(path, TRUE, error);
}

void results_close(struct results *r)
{
	int i;

	if (!r)
		return;
	results_abort_run(r);
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(r->st[i]);
	/* the last connection to close checkpoints the WAL into the main file */
	sqlite3_close(r->db);
	g_clear_error(&r->pending);
	g_free(r->path);
	g_free(r);
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
			set_sql_error(error, r, RESULTS_ERROR_IO, "starting a run");
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
		set_sql_error(error, r, RESULTS_ERROR_IO, "inserting the run");
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
	if (!exec(r, "COMMIT", "committing the run", error))
		goto rollback;
	r->in_run = FALSE;
	g_clear_error(&r->pending);
	return TRUE;
rollback:
	results_abort_run(r);
	return FALSE;
}

/* ----------------------------------------------------------------- reading ---- */

static sqlite3_stmt *prepare_read(struct results *r, const char *sql, GError **error)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		set_sql_error(error, r, RESULTS_ERROR_IO, "reading");
		return NULL;
	}
	return st;
}

/* Finish a read loop: rc is the last sqlite3_step() result (or SQLITE_DONE if stopped). */
static gboolean end_read(struct results *r, sqlite3_stmt *st, int rc, GError **error)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_sql_error(error, r, RESULTS_ERROR_IO, "reading");
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

gboolean results_read_samples(struct results *r, int64_t run_id, const char *metric,
			      results_sample_fn fn, void *arg, GError **error)
{
	sqlite3_stmt *st = prepare_rows(r,
		"SELECT t_ns, metric, key, value FROM timeseries WHERE run_id = ?1 "
		"AND (?2 IS NULL OR metric = ?2) ORDER BY rowid", run_id, metric, error);
	int rc;

	if (!st)
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		double v = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN :
			   sqlite3_column_double(st, 3);

		if (!fn(arg, (uint64_t)sqlite3_column_int64(st, 0), column_str(st, 1),
			column_str(st, 2), v)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return end_read(r, st, rc, error);
}

gboolean results_read_flows(struct results *r, int64_t run_id, results_flow_fn fn, void *arg,
			    GError **error)
{
	sqlite3_stmt *st = prepare_rows(r,
		"SELECT flow, name, type, family, proto, client, server, sport, dport, bytes_sent, "
		"bytes_delivered, goodput_bps, lost, lat_p50_ns, lat_p99_ns, path_json FROM flows "
		"WHERE run_id = ?1 ORDER BY rowid", run_id, NULL, error);
	int rc;

	if (!st)
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
		if (!fn(arg, &f)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return end_read(r, st, rc, error);
}

gboolean results_read_events(struct results *r, int64_t run_id, results_event_fn fn,
			     void *arg, GError **error)
{
	sqlite3_stmt *st = prepare_rows(r,
		"SELECT t_ns, type, detail, aux, orig, reply FROM events WHERE run_id = ?1 "
		"ORDER BY rowid", run_id, NULL, error);
	int rc;

	if (!st)
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct results_event_row e = {
			.t_ns = (uint64_t)sqlite3_column_int64(st, 0),
			.type = column_str(st, 1),
			.detail = (uint32_t)sqlite3_column_int64(st, 2),
			.aux = (uint32_t)sqlite3_column_int64(st, 3),
			.orig = column_str(st, 4),
			.reply = column_str(st, 5),
		};

		if (!fn(arg, &e)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return end_read(r, st, rc, error);
}

gboolean results_read_traces(struct results *r, int64_t run_id, const char *kind,
			     results_trace_fn fn, void *arg, GError **error)
{
	sqlite3_stmt *st = prepare_rows(r,
		"SELECT t_ns, kind, name, text FROM traces WHERE run_id = ?1 "
		"AND (?2 IS NULL OR kind = ?2) ORDER BY rowid", run_id, kind, error);
	int rc;

	if (!st)
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(arg, (uint64_t)sqlite3_column_int64(st, 0), column_str(st, 1),
			column_str(st, 2), column_str(st, 3))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return end_read(r, st, rc, error);
}
