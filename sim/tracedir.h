/* SPDX-License-Identifier: MIT */
/*
 * tracedir.h - `flowsim run --trace-dir DIR`: what the router would have printed, in the
 * real formats, at the times the scenario asks, written as a trace bundle:
 *
 *   DIR/manifest.json                              the run and every file (written at open
 *                                                  with "complete": false, rewritten at close)
 *   DIR/conntrack/proc_nf_conntrack.<T>.txt        /proc/net/nf_conntrack at time T
 *   DIR/conntrack_events.txt                       `conntrack -E -o timestamp` lines
 *   DIR/ppe<N>/entries.<T>.txt                     /sys/kernel/debug/ppe<N>/entries
 *   DIR/ppe<N>/bind.<T>.txt                        /sys/kernel/debug/ppe<N>/bind
 *   DIR/<stem>.<T>.txt                             any other text snapshot (nft, flowtable)
 *
 * <T> is the simulated time in milliseconds, zero-padded to 9 digits so names sort by time
 * ("000001500" = 1.5 s); a time that is not a whole millisecond gets "_<ns remainder,
 * 6 digits>" appended.  Each snapshot's text is exactly what model/ct_listing.h and
 * model/ppe.h print.  The same text also goes to the results database (results_trace(),
 * kind and name as in the manifest) when a struct results is given; with dir NULL only the
 * database gets it.
 *
 * Interruption: every file is written under a temporary name (".<name>.tmp" in the same
 * directory) and renamed into place when whole, so a run killed at any moment never leaves
 * a half-written file under a final name; the events file is renamed into place at close.
 * A directory whose manifest says "complete": false is the rest of an interrupted run.
 * (This is about the process being interrupted; files are not fsync()ed, so a power cut
 * may still lose recent files.)
 *
 * Order of calls for a run:
 *   results_begin_run() -> tracedir_open() -> snapshots/events ... -> tracedir_close()
 *   -> results_finish_run().  tracedir_close() must come before results_finish_run(): it
 *   stores the last conntrack -E lines in the run.
 */
#ifndef FLOWSIM_TRACEDIR_H
#define FLOWSIM_TRACEDIR_H

#include <glib.h>
#include <stdint.h>

#include "ct_listing.h"

struct results;
struct ppe;
struct conntrack_table;
struct fs_event;

#define TRACEDIR_FORMAT "flowsim-trace-dir"
#define TRACEDIR_FORMAT_VERSION 1
#define TRACEDIR_MANIFEST "manifest.json"
#define TRACEDIR_EVENTS "conntrack_events.txt"

/* kinds (the manifest's "kind" and the results traces.kind column) */
#define TRACEDIR_KIND_CONNTRACK "conntrack"
#define TRACEDIR_KIND_CT_EVENTS "conntrack_events"
#define TRACEDIR_KIND_PPE_ENTRIES "ppe_entries"
#define TRACEDIR_KIND_PPE_BIND "ppe_bind"

#define TRACEDIR_ERROR tracedir_error_quark()
GQuark tracedir_error_quark(void);

enum tracedir_error_code {
	TRACEDIR_ERROR_EXISTS,     /* DIR exists, is not empty, and no TRACEDIR_FORCE */
	TRACEDIR_ERROR_FOREIGN,    /* TRACEDIR_FORCE, but DIR holds what flowsim did not write */
	TRACEDIR_ERROR_IO,         /* creating, writing, renaming a file failed */
	TRACEDIR_ERROR_INVALID,    /* bad argument: stem, PPE index, same snapshot twice */
};

enum tracedir_flags {
	/*
	 * Replace a previous trace directory: allowed only when DIR has a flowsim
	 * manifest.json; removes the files a trace directory consists of (the names above and
	 * leftover temporary files) and fails if anything else is left.
	 */
	TRACEDIR_FORCE = 1u << 0,
};

/* What manifest.json says about the run.  Strings are copied. */
struct tracedir_info {
	const char *scenario_path;   /* may be NULL */
	uint64_t seed;
	const char *soc;             /* "mt7621"; NULL: no SoC */
	uint16_t kernel;             /* major * 100 + minor; 0: not stated */
	const char *engine;          /* NULL: "builtin" */
	uint64_t duration_ns;
	/*
	 * How conntrack text is printed: acct and zones for /proc (as the router's kernel
	 * config), extended for the -E lines.  The events always get the timestamp prefix.
	 */
	struct ct_listing_opts ct_opts;
};

struct tracedir;

/*
 * Start a trace directory (dir NULL: no files, only results_trace() rows; res NULL: no
 * rows).  Creates dir with its parents; writes manifest.json ("complete": false).
 * NULL with *error when dir exists and is not empty (see TRACEDIR_FORCE) or on I/O errors.
 */
struct tracedir *tracedir_open(const char *dir, struct results *res,
			       const struct tracedir_info *info, unsigned int flags,
			       GError **error);

/* /proc/net/nf_conntrack at now (opts NULL: info->ct_opts). */
gboolean tracedir_conntrack_snapshot(struct tracedir *td, struct conntrack_table *t,
				     uint64_t now, const struct ct_listing_opts *opts,
				     GError **error);
/*
 * ppe<ppe_idx>/entries (bind_only: ppe<ppe_idx>/bind) at now, via ppe_dump().  Like the
 * real debugfs file, reading it folds the MIB counters into the entries' totals.
 */
gboolean tracedir_ppe_snapshot(struct tracedir *td, struct ppe *ppe, int ppe_idx,
			       gboolean bind_only, uint64_t now, GError **error);
/*
 * Any other text at now as "<stem>.<T>.txt", e.g. stem "nft/ruleset", kind "nft".  stem:
 * relative, made of [A-Za-z0-9_-] components separated by '/', no "." or ".." parts.
 */
gboolean tracedir_text_snapshot(struct tracedir *td, const char *kind, const char *stem,
				uint64_t now, const char *text, GError **error);

/*
 * A core event: FS_EV_CT_NEW/UPDATE/DESTROY become one `conntrack -E -o timestamp` line
 * (ct_listing_event_line()); other types are ignored.  Call it from the core's event
 * callback (ev->ct must still be valid).  Errors are kept for tracedir_close().
 */
void tracedir_ct_event(struct tracedir *td, const struct fs_event *ev);
/* The first error of tracedir_ct_event() (NULL: none), for a run loop that stops early. */
const GError *tracedir_pending_error(const struct tracedir *td);

/* Snapshot files written so far (not counting the events file and the manifest). */
guint tracedir_n_files(const struct tracedir *td);

/*
 * Finish: put conntrack_events.txt in place, store the last event lines in the results,
 * rewrite manifest.json with "complete": true, end_ns and the run id.  Frees td whatever
 * the outcome; FALSE with *error if anything failed (then the manifest stays incomplete).
 */
gboolean tracedir_close(struct tracedir *td, uint64_t end_ns, GError **error);
/*
 * Give up (the run failed): the events file is discarded, the manifest stays
 * "complete": false but lists the snapshot files written so far.  Frees td.
 */
void tracedir_abort(struct tracedir *td);

#endif
