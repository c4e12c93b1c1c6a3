/* SPDX-License-Identifier: MIT */
/*
 * trace_import.h - a trace bundle (traces/bundle.h) as one run of a results database
 * (sim/results.h): what `flowsim trace import` stores and what `flowsim compare` reads a
 * bundle side from.  The layout of the run (time series, events, traces) is described at
 * the top of trace_import.c and in docs/trace-bundle.md.
 *
 * The import is one transaction: on failure nothing of the run is stored.
 */
#ifndef FLOWSIM_TRACE_IMPORT_H
#define FLOWSIM_TRACE_IMPORT_H

#include <glib.h>

#include "bundle.h"
#include "results.h"

/*
 * Store an opened and decoded bundle as a run (engine "bundle") of db.  path names the
 * bundle in the run (stored as an absolute path: the database outlives the working
 * directory).  Returns the run id, or -1 with *error set.
 */
gint64 trace_import_decoded(struct results *db, const char *path, const struct bundle *b,
			    const struct bundle_timeline *tl, GError **error);

/*
 * Open, decode (opts: NULL for the defaults) and import the bundle at path.  The bundle's
 * and the decoder's diagnostics are appended to *diags when diags is not NULL.  Returns
 * the run id, or -1 with *error set.
 */
gint64 trace_import_bundle(const char *path, struct results *db,
			   const struct bundle_decode_opts *opts, struct trace_diags *diags,
			   GError **error);

#endif /* FLOWSIM_TRACE_IMPORT_H */
