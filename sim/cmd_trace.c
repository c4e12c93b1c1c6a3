// SPDX-License-Identifier: MIT
/*
 * cmd_trace.c - `flowsim trace show|import`: trace bundles recorded on routers by
 * traces/collect.sh (docs/trace-bundle.md).
 *
 *   flowsim trace show [--json] [--entries] [--sample N] BUNDLE|FILE
 *   flowsim trace import --db FILE BUNDLE
 *
 * `import` stores a bundle as one run of the results database (sim/results.h) with
 * trace_import_decoded() (sim/trace_import.c, also used by `flowsim compare`); engine
 * "bundle", so that a router's behaviour sits next to simulated runs:
 *   runs.scenario_path = the bundle path, runs.scenario_text = its manifest,
 *   runs.duration_ns = the time of the last sample, runs.summary_json = what it held;
 *   timeseries at each sample's time (ns since the first sample), named as the simulator
 *   names its own samples where they mean the same thing (sim/run.c):
 *     conntrack/entries, conntrack/<unreplied|slow|assured|offload|hw_offload>,
 *     conntrack_tcp/<STATE>, flowtable/flows (= offload + hw_offload),
 *     ppe_bound/<ppe>, ppe_unbound/<ppe>, ppe_fin/<ppe>, ppe_orphan_bound/<ppe>
 *     (<ppe> = the debugfs directory; the old single-PPE "mtk_ppe" is stored as ppe0),
 *     cpu_pct/<cpuN>, cpu_pct/cpu (all CPUs), cpu_softirq_pct/<cpuN|cpu>
 *     (per interval, at the time of the interval's later sample);
 *   events at the first sample where a connection was seen in a state (ct_new, ct_assured,
 *     ct_offload, ct_hw_offload, ct_hw_offload_clear, ct_destroy: the core's event names,
 *     at sample resolution), orig/reply as conntrack-style tuple text;
 *   traces: every file of the bundle (kind = what it is, name = its path in the bundle).
 * Everything happens in one transaction (results.h): an import that fails leaves nothing.
 */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "cmd_trace.h"
#include "conntrack.h"
#include "results.h"
#include "trace_import.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: flowsim trace show [OPTIONS] BUNDLE|FILE\n"
		"       flowsim trace import [OPTIONS] --db FILE BUNDLE\n\n"
		"Trace bundles are what traces/collect.sh records on a router: PPE tables,\n"
		"conntrack listings and CPU counters every few seconds, plus the device,\n"
		"firmware, firewall and nftables ruleset (docs/trace-bundle.md).  BUNDLE is\n"
		"the .tar.gz it writes, that archive unpacked, or a plain .tar.\n\n"
		"show    decode a bundle: per sample the conntrack counts, PPE occupancy and\n"
		"        CPU load; per connection its offload state over time and the PPE\n"
		"        entries bound to it.  FILE may also be one trace file on its own (a PPE\n"
		"        dump, a conntrack listing, /proc/stat samples).\n"
		"import  store a bundle as a run (engine \"bundle\") of a results database.\n\n"
		"Options:\n"
		"  --json           JSON on standard output (show)\n"
		"  --entries        also every conntrack and PPE entry, field by field (show)\n"
		"  --sample N       with --entries: only sample N\n"
		"  --db FILE        results database to import into (created if missing)\n"
		"  --soc SOC        SoC for the PPE layout when the manifest has none or a wrong\n"
		"                   one (mt7621, mt7986, an7581, ...)\n"
		"  --table-size N   PPE entries per table for occupancy (default: the SoC's\n"
		"                   default for the manifest's kernel)\n"
		"  --strict         a malformed line in any sample file is an error\n"
		"  -q, --quiet      no notes on standard error (warnings are still printed)\n\n"
		"Exit status: 0 done; 1 the bundle cannot be used (missing manifest, truncated\n"
		"archive, a strict-mode parse error, a database error); 2 usage error.\n");
}

/* ---------------------------------------------------------------- diagnostics ---- */

void trace_cli_print_diags(const struct trace_diags *d, bool quiet)
{
	u32 i, n = trace_diags_len(d);

	for (i = 0; i < n; i++) {
		const struct trace_diag *x = trace_diags_get(d, i);
		char *m;

		if (quiet && x->severity == TRACE_NOTE)
			continue;
		m = trace_diag_format(x);
		fprintf(stderr, "%s\n", m);
		g_free(m);
	}
	if (d->dropped)
		fprintf(stderr, "(%u more messages not shown)\n", d->dropped);
}

static void json_diags_one(JsonBuilder *jb, const struct trace_diags *d)
{
	u32 i, n = d ? trace_diags_len(d) : 0;

	for (i = 0; i < n; i++) {
		const struct trace_diag *x = trace_diags_get(d, i);

		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "file");
		json_builder_add_string_value(jb, x->file);
		json_builder_set_member_name(jb, "line");
		json_builder_add_int_value(jb, x->line);
		json_builder_set_member_name(jb, "column");
		json_builder_add_int_value(jb, x->column);
		json_builder_set_member_name(jb, "severity");
		json_builder_add_string_value(jb, trace_severity_name(x->severity));
		json_builder_set_member_name(jb, "message");
		json_builder_add_string_value(jb, x->message);
		json_builder_end_object(jb);
	}
}

void trace_cli_json_diags(JsonBuilder *jb, const struct trace_diags *a,
			  const struct trace_diags *b)
{
	json_builder_set_member_name(jb, "diagnostics");
	json_builder_begin_array(jb);
	json_diags_one(jb, a);
	json_diags_one(jb, b);
	json_builder_end_array(jb);
}

/* ------------------------------------------------------------------- import ---- */

static int trace_import(const struct trace_cli *o)
{
	GError *err = NULL;
	struct bundle *b;
	struct bundle_timeline *tl = NULL;
	struct results *r = NULL;
	int rc = TRACE_EXIT_BAD;
	gint64 run;

	b = bundle_open(o->path, &err);
	if (!b)
		goto out;
	tl = bundle_decode(b, &o->dec, &err);
	if (!tl)
		goto out;
	trace_cli_print_diags(&b->diags, o->quiet);
	trace_cli_print_diags(&tl->diags, o->quiet);
	r = results_open(o->db, &err);
	if (!r)
		goto out;
	run = trace_import_decoded(r, o->path, b, tl, &err);
	if (run < 0)
		goto out;
	if (!o->quiet)
		printf("%s: imported as run %" G_GINT64_FORMAT " of %s (%u samples, %u "
		       "connections, %u files)\n", o->path, run, o->db,
		       b->samples->len, tl->flows->len, b->paths->len);
	rc = 0;
out:
	if (err) {
		fprintf(stderr, "flowsim trace import: %s\n", err->message);
		g_error_free(err);
	}
	results_close(r);   /* rolls back a run that did not finish */
	bundle_timeline_free(tl);
	bundle_free(b);
	return rc;
}

/* ------------------------------------------------------------------ options ---- */

int cmd_trace(int argc, char **argv)
{
	struct trace_cli o;
	gboolean json = FALSE, entries = FALSE, strict = FALSE, quiet = FALSE, help = FALSE;
	gint sample = 0, table_size = 0;
	gchar *db = NULL, *soc = NULL;
	GOptionEntry opts[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
		{ "entries", 0, 0, G_OPTION_ARG_NONE, &entries, NULL, NULL },
		{ "sample", 0, 0, G_OPTION_ARG_INT, &sample, NULL, NULL },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &db, NULL, NULL },
		{ "soc", 0, 0, G_OPTION_ARG_STRING, &soc, NULL, NULL },
		{ "table-size", 0, 0, G_OPTION_ARG_INT, &table_size, NULL, NULL },
		{ "strict", 0, 0, G_OPTION_ARG_NONE, &strict, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx;
	GError *err = NULL;
	int rc = TRACE_EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	if (argc < 2) {
		usage(stderr);
		return TRACE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	o.cmd = argv[1];
	if (strcmp(o.cmd, "show") && strcmp(o.cmd, "import")) {
		fprintf(stderr, "flowsim trace: unknown subcommand '%s' (show, import)\n\n", o.cmd);
		usage(stderr);
		return TRACE_EXIT_USAGE;
	}
	ctx = g_option_context_new(NULL);
	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_add_main_entries(ctx, opts, NULL);
	argc--;
	argv++;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim trace %s: %s (see --help)\n", o.cmd, err->message);
		g_error_free(err);
		goto out;
	}
	if (help) {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "flowsim trace %s: expected one %s, got %d arguments\n", o.cmd,
			strcmp(o.cmd, "show") ? "BUNDLE" : "BUNDLE or FILE", argc - 1);
		goto out;
	}
	o.path = argv[1];
	if (sample < 0 || table_size < 0 || (table_size && (table_size < 1024 ||
	    table_size > 65536 || (table_size & (table_size - 1))))) {
		fprintf(stderr, "flowsim trace %s: %s\n", o.cmd, sample < 0 ?
			"--sample: expected a sample number >= 1" :
			"--table-size: expected a power of two from 1024 to 65536");
		goto out;
	}
	if (soc && !bundle_soc_lookup(soc)) {
		fprintf(stderr, "flowsim trace %s: --soc '%s': not a SoC flowsim models (see "
			"flowsim ppe hash --help)\n", o.cmd, soc);
		goto out;
	}
	o.json = json;
	o.entries = entries;
	o.sample = (u32)sample;
	o.quiet = quiet;
	o.db = db;
	o.dec.strict = strict;
	o.dec.soc = soc;
	o.dec.table_size = (u32)table_size;
	if (!strcmp(o.cmd, "import")) {
		if (!db) {
			fprintf(stderr, "flowsim trace import: --db FILE is required\n");
			goto out;
		}
		if (json || entries || sample) {
			fprintf(stderr, "flowsim trace import: --json, --entries and --sample "
				"are options of show\n");
			goto out;
		}
		rc = trace_import(&o);
	} else {
		if (db) {
			fprintf(stderr, "flowsim trace show: --db is an option of import\n");
			goto out;
		}
		if (sample && !entries) {
			fprintf(stderr, "flowsim trace show: --sample N selects the sample of "
				"--entries\n");
			goto out;
		}
		rc = trace_cli_show(&o);
	}
out:
	g_option_context_free(ctx);
	g_free(db);
	g_free(soc);
	return rc;
}
