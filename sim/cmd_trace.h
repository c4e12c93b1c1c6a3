/* SPDX-License-Identifier: MIT */
/*
 * cmd_trace.h - shared between the files of `flowsim trace`.  Not an API (cli.h has
 * cmd_trace).
 *
 *   cmd_trace.c        options, the dispatcher, `trace import` (bundle -> results database);
 *   cmd_trace_show.c   `trace show`: entry decoding, the bundle report, the dispatcher;
 *   cmd_trace_show_text.c / _json.c   the bundle timeline as text / JSON;
 *   cmd_trace_show_file.c             one trace file (PPE dump, conntrack, stat, manifest);
 *   cmd_trace_show_internal.h         what those files share.
 *
 * Exit status: 0 done; 1 the bundle or file cannot be used (missing manifest, truncated
 * archive, strict-mode parse error, database error); 2 usage error.
 */
#ifndef FLOWSIM_CMD_TRACE_H
#define FLOWSIM_CMD_TRACE_H

#include "bundle.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#define TRACE_EXIT_BAD 1
#define TRACE_EXIT_USAGE 2

struct trace_cli {
	const char *cmd;          /* "show" or "import" */
	const char *path;         /* BUNDLE or FILE */
	const char *db;           /* import --db */
	bool json;
	bool entries;             /* show: per-entry fields */
	u32 sample;               /* show --sample N: only this sample's entries (0: all) */
	bool quiet;               /* no notes on stderr */
	struct bundle_decode_opts dec;
};

/* ---- cmd_trace_show.c ---- */
int trace_cli_show(const struct trace_cli *o);

/* ---- cmd_trace.c ---- */
/* Warnings and notes to stderr (notes only without --quiet). */
void trace_cli_print_diags(const struct trace_diags *d, bool quiet);
/* Diagnostics as a JSON array member "diagnostics". */
void trace_cli_json_diags(JsonBuilder *jb, const struct trace_diags *a,
			  const struct trace_diags *b);

#endif /* FLOWSIM_CMD_TRACE_H */
