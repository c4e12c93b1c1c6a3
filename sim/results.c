// SPDX-License-Identifier: MIT
/*
 * results.c - the results database (see results.h, schema and guarantees in docs/results.md):
 * opening (and creating the schema), closing, and the SQLite helpers the writer
 * (results_write.c) and the readers (results_read.c) share.
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
#include "results_internal.h"

#include <string.h>

G_DEFINE_QUARK(flowsim-results-error-quark, results_error)

/* PRAGMA application_id: "fsim" (0x6673696d), in decimal for the PRAGMA statement */
#define RESULTS_APP_ID 1718839661
/* how long begin_run/open wait for another writer before reporting it */
#define RESULTS_BUSY_MS 5000

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

/* ------------------------------------------------------------------ helpers ---- */

void res_set_sql_error(GError **error, struct results *r, int code, const char *what)
{
	g_set_error(error, RESULTS_ERROR, code, "results database %s: %s: %s", r->path, what,
		    sqlite3_errmsg(r->db));
}

/* Run SQL without results; FALSE with *error naming what failed. */
gboolean res_exec(struct results *r, const char *sql, const char *what, GError **error)
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

	/* a failed prepare leaves st NULL, which sqlite3_finalize() accepts */
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		res_set_sql_error(error, r,
				  rc == SQLITE_NOTADB ? RESULTS_ERROR_FORMAT : RESULTS_ERROR_IO,
				  "reading the schema");
		sqlite3_finalize(st);
		return FALSE;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return TRUE;
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
		if (!res_exec(r, "BEGIN IMMEDIATE", "locking to create the schema", error))
			return FALSE;
		locked = TRUE;
		if (!read_identity(r, &app_id, &version, &objects, error))
			goto fail;
	}
	if (app_id == 0 && objects == 0) {
		if (!res_exec(r, schema_sql, "creating the schema", error))
			goto fail;
		if (!res_exec(r, "PRAGMA application_id = " G_STRINGIFY(RESULTS_APP_ID) ";"
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
	if (locked && !res_exec(r, "COMMIT", "creating the schema", error))
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
			res_set_sql_error(error, r, RESULTS_ERROR_IO, "preparing statements");
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
	if (!res_exec(r, "PRAGMA foreign_keys = ON", "configuring", error))
		goto fail;
	if (!readonly) {
		/*
		 * WAL, see the top of the file.  journal_mode also is the first statement that
		 * reads the file, so a file that is not a database fails here.
		 * cache_size: 16 MiB keeps a typical run's pages in memory until COMMIT;
		 * journal_size_limit trims the -wal file a big run leaves behind.
		 */
		if (!res_exec(r, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
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
