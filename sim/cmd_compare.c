// SPDX-License-Identifier: MIT
/*
 * cmd_compare.c - `flowsim compare A B`: a CI gate between two runs, two bundles, or a
 * run and a bundle (docs/compare.md).  Exit 0 when every comparable metric is within its
 * tolerance, 1 when one is not (the report names it), 2 on usage or input errors.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compare.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: flowsim compare [OPTIONS] A B\n\n"
		"Compare two runs of results databases, two trace bundles, or one of each:\n"
		"per-connection offload state (slow / SFO / HFO) over time, PPE occupancy and\n"
		"bind counts, conntrack and flowtable counts, throughput and CPU, each with a\n"
		"tolerance (docs/compare.md).\n\n"
		"A and B are each:\n"
		"  DB.sqlite#RUNID  run RUNID of a results database\n"
		"  DB.sqlite        its last complete run\n"
		"  BUNDLE           a trace bundle (.tar.gz, .tar or directory), imported as\n"
		"                   `flowsim trace import` does\n\n"
		"Options:\n"
		"  --json                 the report as JSON on standard output\n"
		"  --tol METRIC=TOL       tolerance of the metrics METRIC names (a glob such as\n"
		"                         cpu_pct/*/mean); TOL is relative (10%%), absolute in\n"
		"                         the metric's unit (2.5), or both (10%%,2: the larger\n"
		"                         applies).  Repeatable; later rules win.\n"
		"  --tol-file FILE        METRIC = TOL lines ('#' comments), applied before --tol\n\n"
		"Metrics: flow_state/agreement_pct, flow_state/{sfo,hfo}_share_pct,\n"
		"ppe_bound/{total,ppeN}/{mean,max}, ppe/binds, conntrack/entries/{mean,max},\n"
		"flowtable/flows/{mean,max}, throughput_bps/{total,NAME}/mean,\n"
		"cpu_pct/{total,cpuN}/mean, cpu_pct/total/max.\n\n"
		"Exit status: 0 every comparable metric within tolerance; 1 at least one outside;\n"
		"2 usage error or an input that cannot be read.\n");
}

int cmd_compare(int argc, char **argv)
{
	gboolean json = FALSE, help = FALSE;
	gchar **tols = NULL;
	gchar *tol_file = NULL;
	GOptionEntry opts[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
		{ "tol", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tols, NULL, NULL },
		{ "tol-file", 0, 0, G_OPTION_ARG_FILENAME, &tol_file, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	struct compare_side *a = NULL, *b = NULL;
	struct compare_tolset *ts = NULL;
	struct compare_report *rep = NULL;
	GOptionContext *ctx;
	GError *err = NULL;
	int rc = COMPARE_EXIT_ERROR;
	guint i;

	ctx = g_option_context_new(NULL);
	g_option_context_set_help_enabled(ctx, FALSE);
	g_option_context_add_main_entries(ctx, opts, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim compare: %s (see --help)\n", err->message);
		goto out;
	}
	if (help) {
		usage(stdout);
		rc = COMPARE_EXIT_PASS;
		goto out;
	}
	if (argc != 3) {
		fprintf(stderr, "flowsim compare: expected two sides A and B, got %d argument%s "
			"(see --help)\n", argc - 1, argc == 2 ? "" : "s");
		goto out;
	}
	ts = compare_tolset_new_default();
	if (tol_file && !compare_tolset_load_file(ts, tol_file, &err))
		goto report;
	for (i = 0; tols && tols[i]; i++)
		if (!compare_tolset_add(ts, tols[i], "--tol", &err))
			goto report;
	a = compare_side_load(argv[1], &err);
	if (!a)
		goto report;
	b = compare_side_load(argv[2], &err);
	if (!b)
		goto report;
	rep = compare_sides(a, b, ts, &err);
	if (!rep)
		goto report;
	if (json) {
		char *j = compare_report_json(rep);

		printf("%s\n", j);
		g_free(j);
	} else {
		compare_report_print(rep, stdout);
	}
	rc = compare_report_pass(rep) ? COMPARE_EXIT_PASS : COMPARE_EXIT_FAIL;
report:
	if (err)
		fprintf(stderr, "flowsim compare: %s\n", err->message);
out:
	g_clear_error(&err);
	compare_report_free(rep);
	compare_side_free(a);
	compare_side_free(b);
	compare_tolset_free(ts);
	g_option_context_free(ctx);
	g_strfreev(tols);
	g_free(tol_file);
	return rc;
}
