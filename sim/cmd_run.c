/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `flowsim run SCENARIO`: load and validate the scenario, build the world,
 * run it, and write what was asked: the text summary (stdout), the JSON summary (--json or
 * output.json), the SQLite results (--db or output.database), the trace directory
 * (--trace-dir).  --replay CAPTURE drives the router with a capture (sim/replay.h); the
 * capture is read and checked before anything is written, like the scenario.
 *
 * Nothing is written before the scenario has loaded and its world has been built, so a
 * malformed scenario leaves no database row and no file.  The database run is one
 * transaction (sim/results.h): a run that fails or is interrupted leaves no row either.
 * Exit status: 0 success, 1 the scenario or a run output failed, 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cli.h"
#include "run.h"

#define EXIT_USAGE 2

static const char summary[] =
	"Simulates the scenario: the router (conntrack, fw4 ruleset, flowtable, PPE/WED) on\n"
	"its SoC's CPU model, the hosts, stations and links around it, and the traffic.\n"
	"Prints a summary (share of packets per path, throughput per traffic item, CPU per\n"
	"core, latency percentiles, PPE occupancy, offload events) and writes the outputs the\n"
	"scenario or the options ask for.  The same scenario and seed always give the same\n"
	"results.\n\n"
	"Exit status: 0 success, 1 invalid scenario or failed output, 2 bad usage.\n"
	"Keys of the JSON summary: docs/results-json.md; database: docs/results.md.";

static void print_diag(const struct yu_diag *d)
{
	guint i;

	for (i = 0; i < d->msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d->msgs, i));

		fprintf(stderr, "%s\n", m);
		g_free(m);
	}
	if (d->errors + d->warnings > d->msgs->len)
		fprintf(stderr, "(%u more messages not shown)\n",
			d->errors + d->warnings - d->msgs->len);
}

/* Write text to path through a temporary file, so that no half-written file remains. */
static gboolean write_atomic(const char *path, const char *text, GError **error)
{
	return g_file_set_contents(path, text, -1, error);
}

struct cli {
	gchar *seed, *duration, *json, *db, *trace_dir, *soc_dir, *replay;
	gboolean quiet, force;
};

static int parse_args(int argc, char **argv, struct cli *c, char **scenario)
{
	GOptionEntry entries[] = {
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &c->seed,
		  "seed of every random stream (default: the scenario's)", "N" },
		{ "duration", 0, 0, G_OPTION_ARG_STRING, &c->duration,
		  "simulated time, e.g. 10s (default: the scenario's)", "T" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &c->json,
		  "write the JSON summary to FILE ('-': stdout, '': none; default: output.json)",
		  "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &c->db,
		  "store the run in the SQLite database FILE ('': none; default: output.database)",
		  "FILE" },
		{ "trace-dir", 0, 0, G_OPTION_ARG_FILENAME, &c->trace_dir,
		  "write conntrack/PPE snapshots and conntrack -E lines to DIR", "DIR" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &c->force,
		  "replace an existing trace directory written by flowsim", NULL },
		{ "replay", 0, 0, G_OPTION_ARG_FILENAME, &c->replay,
		  "drive the router with a pcap/pcapng capture's packets at their time stamps "
		  "(the scenario's replay: section maps sources to ports)", "CAPTURE" },
		{ "soc-dir", 0, 0, G_OPTION_ARG_FILENAME, &c->soc_dir,
		  "where SoC profile names are looked up", "DIR" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &c->quiet,
		  "no progress bar and no text summary", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO - run a scenario");
	GError *err = NULL;

	g_set_prgname("flowsim run");
	g_option_context_set_summary(ctx, summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim run: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (argc != 2) {
		fprintf(stderr, "flowsim run: expected one SCENARIO file (see flowsim run --help)\n");
		return EXIT_USAGE;
	}
	*scenario = argv[1];
	return 0;
}

static int parse_numbers(const struct cli *c, struct run_opts *o)
{
	char err[160];

	if (c->seed) {
		if (yu_parse_u64(c->seed, &o->seed, err, sizeof(err))) {
			fprintf(stderr, "flowsim run: --seed: %s\n", err);
			return EXIT_USAGE;
		}
		o->has_seed = true;
	}
	if (c->duration) {
		if (yu_parse_duration(c->duration, &o->duration_ns, err, sizeof(err))) {
			fprintf(stderr, "flowsim run: --duration: %s\n", err);
			return EXIT_USAGE;
		}
		if (!o->duration_ns || o->duration_ns > 7ULL * 24 * 3600 * FS_NSEC_PER_SEC) {
			fprintf(stderr, "flowsim run: --duration: expected more than 0 and at most "
				"a week\n");
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* Open the database and the trace directory; FALSE with a message printed. */
static gboolean open_outputs(struct run *r, const struct cli *c, const char *path,
			     const char *db, struct results **res, struct tracedir **td)
{
	const struct scenario *s = r->s;
	GError *err = NULL;
	gchar *text = NULL;

	if (db) {
		*res = results_open(db, &err);
		if (!*res)
			goto fail;
		g_file_get_contents(path, &text, NULL, NULL);
		if (!results_begin_run(*res, path, text, r->seed, r->duration_ns, "builtin", &err))
			goto fail;
	}
	if (c->trace_dir || *res) {
		struct tracedir_info info;

		memset(&info, 0, sizeof(info));
		info.scenario_path = path;
		info.seed = r->seed;
		info.soc = s->router.soc.name;
		info.kernel = s->router.kernel;
		info.engine = "builtin";
		info.duration_ns = r->duration_ns;
		info.ct_opts.acct = s->router.config.ct.acct;
		info.ct_opts.zones = 1;
		*td = tracedir_open(c->trace_dir, *res, &info, c->force ? TRACEDIR_FORCE : 0, &err);
		if (!*td)
			goto fail;
	}
	g_free(text);
	return TRUE;
fail:
	fprintf(stderr, "flowsim run: %s\n", err->message);
	g_error_free(err);
	g_free(text);
	return FALSE;
}

static int finish(struct run *r, const struct cli *c, const char *json, struct results *res,
		  struct tracedir **td)
{
	GError *err = NULL;
	char *sum;
	int rc = 0;

	run_record_flows(r);
	if (*td) {
		gboolean ok = tracedir_close(*td, r->duration_ns, &err);

		*td = NULL;
		if (!ok)
			goto fail;
	}
	sum = run_summary_json(r);
	if (res && !results_finish_run(res, sum, &err)) {
		g_free(sum);
		goto fail;
	}
	if (json && !strcmp(json, "-"))
		fputs(sum, stdout);
	else if (json && !write_atomic(json, sum, &err)) {
		g_free(sum);
		goto fail;
	}
	g_free(sum);
	if (!c->quiet)
		run_print_summary(r, json && !strcmp(json, "-") ? stderr : stdout);
	return rc;
fail:
	fprintf(stderr, "flowsim run: %s\n", err->message);
	g_error_free(err);
	return 1;
}

int cmd_run(int argc, char **argv)
{
	struct cli c;
	struct run_opts o;
	struct yu_diag d;
	struct scenario *s = NULL;
	struct run *r = NULL;
	struct results *res = NULL;
	struct tracedir *td = NULL;
	GError *err = NULL;
	char *path = NULL;
	const char *json, *db;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	rc = parse_args(argc, argv, &c, &path);
	if (!rc)
		rc = parse_numbers(&c, &o);
	if (rc)
		goto out;
	yu_diag_init(&d);
	s = scenario_load(path, c.soc_dir, &d);
	if (s) {
		o.soc_dir = c.soc_dir;
		o.replay = c.replay;
		o.progress = !c.quiet && isatty(STDERR_FILENO);
		r = run_create(s, &o, &d);
	}
	print_diag(&d);
	yu_diag_clear(&d);
	if (!r) {
		rc = 1;
		goto out;
	}
	/* an empty --json / --db turns off what the scenario's output section asks for */
	json = c.json ? (*c.json ? c.json : NULL) : s->output.json;
	db = c.db ? (*c.db ? c.db : NULL) : s->output.database;
	if (!open_outputs(r, &c, path, db, &res, &td)) {
		rc = 1;
		goto out;
	}
	run_set_outputs(r, res, td);
	if (!run_execute(r, &err)) {
		fprintf(stderr, "flowsim run: %s\n", err->message);
		g_error_free(err);
		rc = 1;
		goto out;
	}
	rc = finish(r, &c, json, res, &td);
out:
	if (td)
		tracedir_abort(td);
	if (res) {
		results_abort_run(res);
		results_close(res);
	}
	run_destroy(r);
	scenario_free(s);
	g_free(c.seed);
	g_free(c.duration);
	g_free(c.json);
	g_free(c.db);
	g_free(c.trace_dir);
	g_free(c.soc_dir);
	g_free(c.replay);
	return rc;
}
