/* SPDX-License-Identifier: MIT */
/*
 * results.h - a run's results in SQLite, written so that an interrupted run leaves nothing
 * half-written: everything of one run happens inside one transaction that commits only at
 * results_finish_run(); a run killed at any moment (even kill -9) rolls back on the next
 * open, and the database holds only complete runs.
 *
 * Schema (documented in docs/results.md):
 *   runs(id, started_wall, scenario_path, scenario_text, seed, duration_ns, engine,
 *        flowsim_version, summary_json)
 *   timeseries(run_id, t_ns, metric, key, value)      per-second samples
 *   flows(run_id, flow, name, type, family, proto, client, server, sport, dport,
 *         bytes_sent, bytes_delivered, goodput_bps, lost, lat_p50_ns, lat_p99_ns, path_json)
 *   events(run_id, t_ns, type, detail, aux, orig, reply)
 *   traces(run_id, t_ns, kind, name, text)           emitted trace snapshots (the files of
 *                                                    --trace-dir, also stored here)
 */
#ifndef FLOWSIM_RESULTS_H
#define FLOWSIM_RESULTS_H

#include <glib.h>
#include <stdint.h>

struct results;

/* Open or create the database (schema created if missing).  NULL with *error on failure. */
struct results *results_open(const char *path, GError **error);
void results_close(struct results *r);

/* Begin a run: opens the transaction and inserts the run row.  Returns FALSE on error. */
gboolean results_begin_run(struct results *r, const char *scenario_path,
			   const char *scenario_text, uint64_t seed, uint64_t duration_ns,
			   const char *engine, GError **error);
int64_t results_run_id(const struct results *r);

void results_sample(struct results *r, uint64_t t_ns, const char *metric, const char *key,
		    double value);
void results_event(struct results *r, uint64_t t_ns, const char *type, uint32_t detail,
		   uint32_t aux, const char *orig, const char *reply);
void results_trace(struct results *r, uint64_t t_ns, const char *kind, const char *name,
		   const char *text);

struct results_flow {
	uint32_t flow;
	const char *name, *type;
	uint8_t family, proto;
	const char *client, *server;
	uint16_t sport, dport;
	uint64_t bytes_sent, bytes_delivered;
	double goodput_bps;
	uint64_t lost;
	int64_t lat_p50_ns, lat_p99_ns;   /* -1 when not measured */
	const char *path_json;            /* packets per path, e.g. {"slow":3,"flowtable":120} */
};
void results_flow(struct results *r, const struct results_flow *f);

/* Store the summary and commit.  Until this returns TRUE the run is not in the database. */
gboolean results_finish_run(struct results *r, const char *summary_json, GError **error);


/* ---- added by the results implementation (the declarations above are the contract) ---- */

struct fs_event;
struct fs_tuple;

#define RESULTS_ERROR results_error_quark()
GQuark results_error_quark(void);

enum results_error_code {
	RESULTS_ERROR_OPEN,        /* cannot open or create the file */
	RESULTS_ERROR_FORMAT,      /* not a flowsim results database, or a newer schema */
	RESULTS_ERROR_BUSY,        /* another process holds the database (a run in progress) */
	RESULTS_ERROR_IO,          /* SQLite failed while writing or reading (disk full ...) */
	RESULTS_ERROR_STATE,       /* call out of order (no run in progress, run already open) */
	RESULTS_ERROR_NOT_FOUND,   /* no run with that id */
	RESULTS_ERROR_INVALID,     /* bad value (summary not JSON ...) */
};

/* The schema version written into PRAGMA user_version (docs/results.md). */
#define RESULTS_SCHEMA_VERSION 1

/* Open an existing database for reading only (flowsim compare).  Never creates it. */
struct results *results_open_readonly(const char *path, GError **error);

/*
 * Give up the run in progress: roll back, so nothing of it is stored.  No-op without a run.
 * results_close() does the same for a run that was not finished.
 */
void results_abort_run(struct results *r);
/*
 * How long results_begin_run() waits for another process's run to end before failing with
 * RESULTS_ERROR_BUSY (default 5000 ms).
 */
void results_set_busy_timeout(struct results *r, int ms);
/* TRUE between results_begin_run() and results_finish_run()/results_abort_run(). */
gboolean results_in_run(const struct results *r);

/*
 * The void writers above (sample, event, trace, flow) cannot return errors; the first one
 * is kept here (NULL: none) and makes results_finish_run() fail and roll back.  A run loop
 * may poll it to stop early, e.g. on a full disk.
 */
const GError *results_pending_error(const struct results *r);

/*
 * A core event as an events row: type = fs_event_name(), detail/aux as given, orig/reply as
 * conntrack-style tuple text ("udp src=10.0.1.99 dst=10.0.2.99 sport=5000 dport=443"),
 * NULL for an all-zero tuple.
 */
void results_record_event(struct results *r, const struct fs_event *ev);
/* The tuple text used by results_record_event(); returns the length (truncated to size). */
int results_tuple_text(const struct fs_tuple *t, char *buf, size_t size);

/* ---- reading runs back (flowsim compare, reports, tests) ---- */

struct results_run_info {
	int64_t id;
	char *started_wall;        /* ISO 8601 UTC, "2025-01-31T12:00:00Z" */
	char *scenario_path;       /* may be NULL */
	char *scenario_text;       /* may be NULL */
	uint64_t seed;
	uint64_t duration_ns;
	char *engine;
	char *flowsim_version;
	char *summary_json;        /* NULL only while the run is in progress (own connection) */
	uint64_t n_samples, n_flows, n_events, n_traces;   /* rows of the run per table */
};
void results_run_info_free(struct results_run_info *info);

/*
 * Complete runs in id order (a connection in the middle of a run also sees its own run).
 * Elements are struct results_run_info *, freed with the array.  NULL with *error on failure.
 */
GPtrArray *results_list_runs(struct results *r, GError **error);
/* One run; NULL with RESULTS_ERROR_NOT_FOUND if there is none with that id. */
struct results_run_info *results_get_run(struct results *r, int64_t id, GError **error);

/*
 * Row readers, in the order the rows were written.  A callback returns FALSE to stop early
 * (the reader then returns TRUE).  The strings passed are valid only during the callback.
 * Values stored as SQL NULL come back as: key "" (sample), NaN (value, goodput_bps),
 * -1 (lat_p50_ns, lat_p99_ns), NULL (strings).  metric/kind NULL: every row.
 */
typedef gboolean (*results_sample_fn)(void *arg, uint64_t t_ns, const char *metric,
				      const char *key, double value);
gboolean results_read_samples(struct results *r, int64_t run_id, const char *metric,
			      results_sample_fn fn, void *arg, GError **error);

typedef gboolean (*results_flow_fn)(void *arg, const struct results_flow *f);
gboolean results_read_flows(struct results *r, int64_t run_id, results_flow_fn fn, void *arg,
			    GError **error);

struct results_event_row {
	uint64_t t_ns;
	const char *type;
	uint32_t detail, aux;
	const char *orig, *reply;  /* NULL when not stored */
};
typedef gboolean (*results_event_fn)(void *arg, const struct results_event_row *e);
gboolean results_read_events(struct results *r, int64_t run_id, results_event_fn fn,
			     void *arg, GError **error);

typedef gboolean (*results_trace_fn)(void *arg, uint64_t t_ns, const char *kind,
				     const char *name, const char *text);
gboolean results_read_traces(struct results *r, int64_t run_id, const char *kind,
			     results_trace_fn fn, void *arg, GError **error);

#endif
