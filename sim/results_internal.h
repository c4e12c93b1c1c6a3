/* SPDX-License-Identifier: MIT */
/*
 * results_internal.h - private declarations shared by the results database's files (not
 * for callers outside sim/results*.c; results.h is the interface).
 *
 *   results.c        opening, schema check/creation, closing; shared SQLite helpers.
 *   results_write.c  writing a run: one transaction from results_begin_run() to
 *                    results_finish_run(), the row writers, tuple/event text.
 *   results_read.c   reading runs back: run list, run info, the per-table row readers.
 */
#ifndef FLOWSIM_RESULTS_INTERNAL_H
#define FLOWSIM_RESULTS_INTERNAL_H

#include <math.h>

#include <sqlite3.h>

#include "results.h"

enum results_stmt {
	ST_RUN,
	ST_SUMMARY,
	ST_SAMPLE,
	ST_FLOW,
	ST_EVENT,
	ST_TRACE,
	ST__COUNT
};

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

/* results.c */
void res_set_sql_error(GError **error, struct results *r, int code, const char *what);
gboolean res_exec(struct results *r, const char *sql, const char *what, GError **error);

static inline void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static inline void bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	/* the same 64 bits: u64 values >= 2^63 read back unchanged through (uint64_t) */
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static inline void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static inline char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? g_strdup((const char *)t) : NULL;
}

static inline const char *column_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

#endif /* FLOWSIM_RESULTS_INTERNAL_H */
