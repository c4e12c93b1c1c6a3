/* SPDX-License-Identifier: MIT */
/*
 * test_bundle_cli.c - `flowsim trace show|import` on trace bundles and single trace files:
 * text, entries, JSON, exit codes and messages, import into a results database.  The
 * fixture (tests/data/bundle/timeline-mt7986) is described in test_bundle.c; the expected
 * numbers below are counted from its files by hand.
 */
#include "testutil.h"
#include "bundle_fixture.h"

/* -------------------------------------------------------------------- CLI ---- */

static void expect_in(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		g_error("expected '%s' in:\n%s", needle, hay);
}

static void test_cli_show_text(void)
{
	const char *args[] = { "trace", "show", FIXTURE, NULL };
	char *out, *err;

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	g_assert_cmpstr(err, ==, "");
	expect_in(out, "soc       mt7986: NETSYS v2, 4-way buckets, 2 PPEs\n");
	expect_in(out, "offload   flow_offloading=1 flow_offloading_hw=1 wed_enable=Y\n");
	expect_in(out, "ppe       ppe0 ppe1; 8192 entries per table (mt7986 default for "
		       "kernel 6.6)\n");
	/* per sample: conntrack by state, PPE BND/UNB/FIN + orphans, CPU busy/softirq */
	expect_in(out, "  2       1.01      5     1     1     0     0     3"
		       "                6/2/0      0                0/0/0      0   18.8   13.6\n");
	expect_in(out, "  4       3.03      4     0     1     0     1     2"
		       "                6/3/0      2                0/0/0      0    2.8    1.0\n");
	expect_in(out, "PPE occupancy peak: ppe0 9 of 8192 entries (0.11%, 6 bound) at "
		       "t=2.02 s\n");
	/* the offload timeline of connection B, with the stale-entry hints */
	expect_in(out, "  2   " B_KEY "  (reply udp 203.0.113.7:41641 -> 100.64.12.34:41641)\n"
		       "            0.00 s  hw_offload              PPE 2 bound, 0 unbound\n"
		       "            2.02 s  slow                    PPE 2 bound, 0 unbound  <- PPE "
		       "still bound, conntrack says not in hardware\n"
		       "            3.03 s  absent                 \n");
	expect_in(out, "            1.01 s  unreplied  SYN_SENT     PPE 0 bound, 1 unbound\n");
	expect_in(out, "  2       1.01      60.4 (48.5)        5.9 (2.0)        5.0 (2.0)"
		       "        4.0 (2.0)\n");
	g_free(out);
	g_free(err);
}

static void test_cli_show_entries(void)
{
	const char *args[] = { "trace", "show", "--entries", "--sample", "4", FIXTURE, NULL };
	const char *bad[] = { "trace", "show", "--entries", "--sample", "9", FIXTURE, NULL };
	char *out, *err;

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	g_assert_null(strstr(out, "sample 3 (t="));
	expect_in(out, "sample 4 (t=3.03 s) entries\n  conntrack (nf_conntrack): 4 entries\n");
	expect_in(out, "    offload, [OFFLOAD], no timeout (offloaded), orig 9 pkt 560 B, reply 8 "
		       "pkt 10512 B, mark 0, zone 0, use 3\n");
	/* B's entries: bound, but no connection any more */
	expect_in(out, "  - 01174 BND IPv4 5T 203.0.113.7:41641 -> 100.64.12.34:41641  new "
		       "203.0.113.7:41641 -> 192.168.1.35:41641\n    eth ");
	expect_in(out, "  - 016e4 BND IPv6 5T [2001:db8:100::20]:40000 -> "
		       "[2606:4700::6810:84e5]:443\n    connection: " F_KEY "\n");
	expect_in(out, "    ib2 00f08381: dest_port 1 (GDM1), qid 1, pse_qos 1");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, bad, &out, &err), ==, 2);
	expect_in(err, "has no sample 9");
	g_free(out);
	g_free(err);
}

static JsonNode *json_path1(JsonNode *root, const char *path)
{
	GError *e = NULL;
	JsonNode *r = json_path_query(path, root, &e);
	JsonArray *a;
	JsonNode *n;

	g_assert_no_error(e);
	a = json_node_get_array(r);
	if (json_array_get_length(a) != 1)
		g_error("%s: %u results", path, json_array_get_length(a));
	n = json_node_copy(json_array_get_element(a, 0));
	json_node_unref(r);
	return n;
}

static gint64 jint(JsonNode *root, const char *path)
{
	JsonNode *n = json_path1(root, path);
	gint64 v = json_node_get_int(n);

	json_node_unref(n);
	return v;
}

static void test_cli_show_json(void)
{
	const char *args[] = { "trace", "show", "--json", "--entries", "--sample", "2", FIXTURE,
			       NULL };
	char *out, *err;
	JsonParser *p = json_parser_new();
	GError *e = NULL;
	JsonNode *root, *n;
	JsonArray *st;

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	g_assert_true(json_parser_load_from_data(p, out, -1, &e));
	g_assert_no_error(e);
	root = json_parser_get_root(p);
	g_assert_cmpint(jint(root, "$.table_size"), ==, 8192);
	g_assert_cmpint(jint(root, "$.samples[3].ppe[0].bound"), ==, 6);
	g_assert_cmpint(jint(root, "$.samples[3].ppe[0].bound_orphan"), ==, 2);
	g_assert_cmpint(jint(root, "$.samples[1].conntrack.hw_offload"), ==, 3);
	g_assert_cmpint(jint(root, "$.samples[1].conntrack.tcp_states.SYN_SENT"), ==, 1);
	n = json_path1(root, "$.samples[1].cpu.cpus[0].busy_pct");
	g_assert_cmpfloat_with_epsilon(json_node_get_double(n), 100.0 * 76 / 404, 1e-9);
	json_node_unref(n);
	n = json_path1(root, "$.connections[1].state");
	st = json_node_get_array(n);
	g_assert_cmpuint(json_array_get_length(st), ==, 4);
	g_assert_cmpstr(json_array_get_string_element(st, 0), ==, "hw_offload");
	g_assert_cmpstr(json_array_get_string_element(st, 2), ==, "slow");
	g_assert_cmpstr(json_array_get_string_element(st, 3), ==, "absent");
	json_node_unref(n);
	/* entries only for sample 2: its 8 PPE entries, field by field */
	g_assert_cmpint(jint(root, "$.samples[1].entries.ppe.ppe0[0].index"), ==, 0x1bc);
	g_assert_cmpint(jint(root, "$.samples[1].entries.ppe.ppe0[0].ib1.timestamp"), ==, 0x3b);
	g_assert_cmpint(jint(root, "$.samples[1].entries.ppe.ppe0[0].ib2.dest_port"), ==, 2);
	g_assert_cmpint(jint(root, "$.samples[1].entries.conntrack[3].orig.sport"), ==, 51530);
	n = json_path1(root, "$.samples[1].entries.conntrack[3].state");
	g_assert_cmpstr(json_node_get_string(n), ==, "SYN_SENT");
	json_node_unref(n);
	/* ... and none for the others */
	n = json_path_query("$.samples[*].entries", root, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(json_array_get_length(json_node_get_array(n)), ==, 1);
	json_node_unref(n);
	g_free(out);
	g_free(err);
	g_object_unref(p);
}

static void test_cli_errors(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *tgz = make_tar(dir, "bundle", NULL, true);
	char *cut = g_strconcat(tgz, ".cut", NULL);
	char *garbage = g_build_filename(dir, "garbage", NULL);
	char *m = g_build_filename(top, "manifest", NULL);
	gsize len;
	char *data = tu_read_file(tgz, &len);
	char *out, *err;
	const char *a_cut[] = { "trace", "show", cut, NULL };
	const char *a_garbage[] = { "trace", "show", "--json", garbage, NULL };
	const char *a_nomanifest[] = { "trace", "show", top, NULL };
	const char *a_usage1[] = { "trace", NULL };
	const char *a_usage2[] = { "trace", "show", "--frobnicate", top, NULL };
	const char *a_usage3[] = { "trace", "import", top, NULL };
	const char *a_usage4[] = { "trace", "show", "--soc", "ipq8074", top, NULL };
	const char *a_usage5[] = { "trace", "list", NULL };

	write_file(cut, data, (gssize)(len * 2 / 3));
	write_file(garbage, "this is not a trace\nat all\n", -1);
	g_assert_cmpint(tu_run_flowsim(NULL, a_cut, &out, &err), ==, 1);
	expect_in(err, "flowsim trace show: ");
	expect_in(err, "truncated gzip stream");
	g_assert_cmpstr(out, ==, "");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_garbage, &out, &err), ==, 1);
	expect_in(err, "garbage: not a trace bundle (no gzip or tar header)");
	g_assert_cmpstr(out, ==, "");
	g_free(out);
	g_free(err);
	g_assert_cmpint(g_unlink(m), ==, 0);
	g_assert_cmpint(tu_run_flowsim(NULL, a_nomanifest, &out, &err), ==, 1);
	expect_in(err, "no manifest");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_usage1, &out, &err), ==, 2);
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_usage2, &out, &err), ==, 2);
	expect_in(err, "--frobnicate");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_usage3, &out, &err), ==, 2);
	expect_in(err, "--db FILE is required");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_usage4, &out, &err), ==, 2);
	expect_in(err, "ipq8074");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, a_usage5, &out, &err), ==, 2);
	g_free(out);
	g_free(err);
	rm_rf(dir);
	g_free(data);
	g_free(m);
	g_free(garbage);
	g_free(cut);
	g_free(tgz);
	g_free(top);
	g_free(dir);
}

/* Lone trace files: the shared real-world pastes. */
static void test_cli_show_single_files(void)
{
	const char *ppe[] = { "trace", "show", "--soc", "mt7981",
			      SHARED_TRACES "/01-openwrt-issue-19206-gl-mt3000-mt7981-ppe0-"
			      "entries.txt", NULL };
	const char *ct[] = { "trace", "show", "--json",
			     SHARED_TRACES "/11-luci-issue-5909-conntrack-L-sw-offload-lantiq.txt",
			     NULL };
	const char *mixed[] = { "trace", "show", SHARED_TRACES "/06-openwrt-issue-17915-proc-"
				"nf_conntrack-and-ppe-bind-timeline.txt", NULL };
	char *out, *err;

	g_assert_cmpint(tu_run_flowsim(NULL, ppe, &out, &err), ==, 0);
	expect_in(out, "PPE dump, 3 entries: 0 BND, 3 UNB, 0 FIN");
	expect_in(out, "  - 0070c UNB IPv4 5T 157.148.61.213:80 -> 192.168.1.2:42492");
	expect_in(out, "    ib1 1000016b: UNB, type 0 (IPv4 5T), not udp");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, ct, &out, &err), ==, 0);
	expect_in(out, "\"entries\" : 3");
	expect_in(out, "\"offload\" : 1");
	expect_in(out, "\"assured\" : 2");
	g_free(out);
	g_free(err);
	/* the time line and the PPE lines of a mixed paste are skipped, its conntrack kept */
	g_assert_cmpint(tu_run_flowsim(NULL, mixed, &out, &err), ==, 0);
	expect_in(out, "conntrack listing, 2 entries: 0 unreplied, 1 slow, 0 assured, 0 "
		       "[OFFLOAD], 1 [HW_OFFLOAD]");
	g_free(out);
	g_free(err);
}

static gboolean count_sample(void *arg, uint64_t t, const char *metric, const char *key,
			     double value)
{
	GHashTable *h = arg;
	char *k = g_strdup_printf("%" G_GUINT64_FORMAT " %s %s", t, metric, key);
	double *v = g_new(double, 1);

	*v = value;
	g_hash_table_insert(h, k, v);
	return TRUE;
}

static gboolean count_rows(void *arg, uint64_t t, const char *kind, const char *name,
			   const char *text)
{
	(*(guint *)arg)++;
	return TRUE;
}

struct ev_count {
	guint n, hw_clear, destroy;
};

static gboolean count_events(void *arg, const struct results_event_row *e)
{
	struct ev_count *c = arg;

	c->n++;
	if (!strcmp(e->type, "ct_hw_offload_clear")) {
		c->hw_clear++;
		g_assert_cmpuint(e->t_ns, ==, 2020000000u);
		g_assert_cmpstr(e->orig, ==, "udp src=192.168.1.35 dst=203.0.113.7 sport=41641 "
				"dport=41641");
	}
	if (!strcmp(e->type, "ct_destroy"))
		c->destroy++;
	return TRUE;
}

static double sample_at(GHashTable *h, const char *k)
{
	double *v = g_hash_table_lookup(h, k);

	if (!v)
		g_error("no sample '%s'", k);
	return *v;
}

static void test_cli_import(void)
{
	char *dir = tmpdir_new();
	char *db = g_build_filename(dir, "results.db", NULL);
	const char *args[] = { "trace", "import", "--db", db, FIXTURE, NULL };
	char *out, *err;
	GError *e = NULL;
	struct results *r;
	GPtrArray *runs;
	struct results_run_info *info;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	guint traces = 0;
	struct ev_count ev = { 0 };

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	expect_in(out, "imported as run 1 of");
	g_free(out);
	g_free(err);
	r = results_open_readonly(db, &e);
	g_assert_no_error(e);
	runs = results_list_runs(r, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(runs->len, ==, 1);
	info = g_ptr_array_index(runs, 0);
	g_assert_cmpstr(info->engine, ==, "bundle");
	g_assert_cmpuint(info->duration_ns, ==, 3030000000u);
	g_assert_nonnull(strstr(info->scenario_path, "tests/data/bundle/timeline-mt7986"));
	g_assert_nonnull(strstr(info->scenario_text, "soc=mt7986\n"));
	expect_in(info->summary_json, "\"ppe_orphan_bound_max\":2");
	g_assert_cmpuint(info->n_traces, ==, 36);
	g_assert_true(results_read_samples(r, info->id, NULL, count_sample, h, &e));
	g_assert_cmpfloat(sample_at(h, "3030000000 ppe_bound ppe0"), ==, 6);
	g_assert_cmpfloat(sample_at(h, "3030000000 ppe_orphan_bound ppe0"), ==, 2);
	g_assert_cmpfloat(sample_at(h, "0 ppe_unbound ppe0"), ==, 3);
	g_assert_cmpfloat(sample_at(h, "1010000000 conntrack hw_offload"), ==, 3);
	g_assert_cmpfloat(sample_at(h, "1010000000 flowtable flows"), ==, 3);
	g_assert_cmpfloat(sample_at(h, "1010000000 conntrack_tcp SYN_SENT"), ==, 1);
	g_assert_cmpfloat_with_epsilon(sample_at(h, "1010000000 cpu_pct cpu0"), 100.0 * 61 / 101,
				       1e-9);
	g_assert_cmpfloat_with_epsilon(sample_at(h, "1010000000 cpu_softirq_pct cpu"),
				       100.0 * 55 / 404, 1e-9);
	g_assert_null(g_hash_table_lookup(h, "0 cpu_pct cpu0"));
	g_assert_true(results_read_traces(r, info->id, "ppe_entries", count_rows, &traces, &e));
	g_assert_cmpuint(traces, ==, 8);
	g_assert_true(results_read_events(r, info->id, count_events, &ev, &e));
	g_assert_no_error(e);
	/* A: new, assured, hw; B: new, hw, hw_clear, destroy; D: new; F: new, hw; E: new,
	 * assured, offload */
	g_assert_cmpuint(ev.n, ==, 13);
	g_assert_cmpuint(ev.hw_clear, ==, 1);
	g_assert_cmpuint(ev.destroy, ==, 1);
	g_ptr_array_free(runs, TRUE);
	results_close(r);
	g_hash_table_destroy(h);
	rm_rf(dir);
	g_free(db);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/bundle/cli/show_text_timeline", test_cli_show_text);
	g_test_add_func("/bundle/cli/show_entries_of_one_sample", test_cli_show_entries);
	g_test_add_func("/bundle/cli/show_json", test_cli_show_json);
	g_test_add_func("/bundle/cli/malformed_bundles_and_usage_exit_codes", test_cli_errors);
	g_test_add_func("/bundle/cli/show_single_trace_files", test_cli_show_single_files);
	g_test_add_func("/bundle/cli/import_into_results_database", test_cli_import);
	return g_test_run();
}
