/* SPDX-License-Identifier: MIT */
/*
 * Trace bundles and rulesets: `flowsim trace show` decodes static/ruleset.json (tables,
 * chains, rules, flowtables with devices and hardware offload, from the dump's flags or
 * else the manifest's flow_offloading_hw) as text and JSON, tolerates a damaged dump (or
 * fails with --strict); and the import library (sim/trace_import.h) stores a bundle as a
 * run exactly as `flowsim trace import` does.
 */
#include "bundle_fixture.h"
#include "trace_import.h"

#define NFT_JSON FLOWSIM_SOURCE_DIR "/tests/data/nft-json"

static int show(const char *const *args, char **out, char **err)
{
	static const char *const head[] = { "trace", "show", NULL };

	return tu_run_flowsim(head, args, out, err);
}

static void test_show_fixture(void)
{
	const char *args[] = { FIXTURE, NULL };
	const char *jargs[] = { "--json", FIXTURE, NULL };
	char *out, *err;
	JsonParser *p;
	JsonObject *rs, *ft;

	g_assert_cmpint(show(args, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\nruleset   static/ruleset.json: nftables 1.1.1, 1 table, "
				"1 chains (1 base), 2 rules\nflowtable inet fw4 ft: priority -100, "
				"devices lan1 lan2 lan3 lan4 eth1; hardware offload\n"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(show(jargs, &out, &err), ==, 0);
	p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
	rs = json_object_get_object_member(json_node_get_object(json_parser_get_root(p)),
					   "ruleset");
	g_assert_true(json_object_get_boolean_member(rs, "decoded"));
	g_assert_cmpstr(json_object_get_string_member(rs, "nftables_version"), ==, "1.1.1");
	g_assert_cmpint(json_object_get_int_member(rs, "rules"), ==, 2);
	g_assert_cmpint(json_object_get_int_member(rs, "rules_skipped"), ==, 0);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(rs, "flowtables")),
			 ==, 1);
	ft = json_array_get_object_element(json_object_get_array_member(rs, "flowtables"), 0);
	g_assert_cmpstr(json_object_get_string_member(ft, "name"), ==, "ft");
	g_assert_cmpint(json_object_get_int_member(ft, "priority"), ==, -100);
	g_assert_true(json_object_get_boolean_member(ft, "hw_offload"));
	g_assert_cmpstr(json_object_get_string_member(ft, "flags_from"), ==, "dump");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(ft, "devices")), ==,
			 5);
	g_object_unref(p);
	g_free(out);
	g_free(err);
}

/* nftables 1.0.6 prints no flowtable flags: the manifest's flow_offloading_hw decides */
static void test_show_dump_without_flags(void)
{
	char *dir = tmpdir_new(), *b = copy_fixture(dir, "b"), *rs, *text;
	const char *args[] = { b, NULL };
	const char *jargs[] = { "--json", b, NULL };
	char *out, *err;
	gsize len;

	rs = g_build_filename(b, "static", "ruleset.json", NULL);
	text = tu_read_file(NFT_JSON "/fw4-offload-hw.json", &len);
	write_file(rs, text, (gssize)len);
	g_assert_cmpint(show(args, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\nruleset   static/ruleset.json: nftables 1.0.6, 1 table, "
				"28 chains (13 base), 57 rules\nflowtable inet fw4 ft: priority 0, "
				"devices lan1 lan2 wan; hardware offload (no flags in the dump; "
				"flow_offloading_hw=1)\n"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(show(jargs, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\"flags_from\" : \"flow_offloading_hw\""));
	g_free(out);
	g_free(err);

	/* a dump cut short: a message and "not decoded"; --strict makes it an error */
	write_file(rs, text, 5000);
	g_assert_cmpint(show(args, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\nruleset   static/ruleset.json: not decoded (see the "
				"messages)\n"));
	g_assert_nonnull(strstr(err, "/static/ruleset.json:1:5001: truncated JSON: the input "
				"ends inside the "));
	g_free(out);
	g_free(err);
	{
		const char *sargs[] = { "--strict", b, NULL };

		g_assert_cmpint(show(sargs, &out, &err), ==, 1);
		g_assert_cmpstr(out, ==, "");
		g_assert_nonnull(strstr(err, "truncated JSON"));
		g_free(out);
		g_free(err);
	}
	g_free(text);
	g_free(rs);
	rm_rf(dir);
	g_free(b);
	g_free(dir);
}

static gboolean count_row(void *arg, uint64_t t, const char *metric, const char *key,
			  double v)
{
	(void)t;
	(void)metric;
	(void)key;
	(void)v;
	(*(u32 *)arg)++;
	return TRUE;
}

static gboolean count_trace(void *arg, uint64_t t, const char *kind, const char *name,
			    const char *text)
{
	(void)t;
	(void)name;
	(void)text;
	if (!strcmp(kind, "nft_json"))
		(*(u32 *)arg)++;
	return TRUE;
}

/* The library call stores what `flowsim trace import` stores */
static void test_import_api(void)
{
	char *dir = tmpdir_new();
	char *db_lib = g_build_filename(dir, "lib.sqlite", NULL);
	char *db_cli = g_build_filename(dir, "cli.sqlite", NULL);
	const char *args[] = { "--quiet", "--db", db_cli, FIXTURE, NULL };
	static const char *const head[] = { "trace", "import", NULL };
	struct trace_diags d;
	GError *err = NULL;
	struct results *r;
	u32 n_lib = 0, n_cli = 0, nft = 0;
	char *out, *errs;
	gint64 run;

	trace_diags_init(&d);
	r = results_open(db_lib, &err);
	g_assert_no_error(err);
	run = trace_import_bundle(FIXTURE, r, NULL, &d, &err);
	g_assert_no_error(err);
	g_assert_cmpint(run, ==, 1);
	run = trace_import_bundle(FIXTURE, r, NULL, &d, &err);
	g_assert_cmpint(run, ==, 2);
	g_assert_true(results_read_samples(r, 2, NULL, count_row, &n_lib, &err));
	g_assert_true(results_read_traces(r, 2, NULL, count_trace, &nft, &err));
	g_assert_cmpuint(nft, ==, 1);
	run = trace_import_bundle(DATA "/no-such-bundle", r, NULL, &d, &err);
	g_assert_cmpint(run, ==, -1);
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err->message, "no-such-bundle"));
	g_clear_error(&err);
	results_close(r);

	g_assert_cmpint(tu_run_flowsim(head, args, &out, &errs), ==, 0);
	g_free(out);
	g_free(errs);
	r = results_open_readonly(db_cli, &err);
	g_assert_no_error(err);
	g_assert_true(results_read_samples(r, 1, NULL, count_row, &n_cli, &err));
	results_close(r);
	g_assert_cmpuint(n_lib, >, 20);
	g_assert_cmpuint(n_lib, ==, n_cli);
	trace_diags_clear(&d);
	rm_rf(dir);
	g_free(db_lib);
	g_free(db_cli);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/trace/show/ruleset_of_the_fixture", test_show_fixture);
	g_test_add_func("/trace/show/ruleset_without_flags_and_damaged", 
			test_show_dump_without_flags);
	g_test_add_func("/trace/import/library_equals_cli", test_import_api);
	return g_test_run();
}
