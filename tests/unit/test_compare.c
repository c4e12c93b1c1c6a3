// SPDX-License-Identifier: MIT
/*
 * test_compare.c - `flowsim compare`: runs written through the results API, the bundle
 * test vector, injected differences, tolerances and malformed inputs.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "testutil.h"
#include "compare.h"
#include "results.h"

#define BUNDLE FLOWSIM_SOURCE_DIR "/tests/data/bundle/timeline-mt7986"

struct run_spec {
	double ppe_scale;     /* multiplies the PPE occupancy */
	bool hw;              /* connections reach HW_OFFLOAD */
	double cpu_add;       /* added to cpu0 */
};

static const struct run_spec base = { 1.0, true, 0 };

static char *conn(int i)
{
	return g_strdup_printf("udp src=10.0.1.%d dst=10.0.2.99 sport=%d dport=443", 10 + i,
			       5000 + i);
}

static int64_t write_run(const char *db, const struct run_spec *sp)
{
	GError *err = NULL;
	struct results *r = results_open(db, &err);
	int64_t id;
	int t, i;

	g_assert_no_error(err);
	g_assert_true(results_begin_run(r, "test.yaml", "duration: 10s\n", 1, 10000000000ull,
					"builtin", &err));
	g_assert_no_error(err);
	for (i = 0; i < 3; i++) {
		char *o = conn(i);

		results_event(r, 500000000ull, "ct_new", 0, 0, o, NULL);
		results_event(r, 1500000000ull, "ct_offload", 0, 0, o, NULL);
		if (sp->hw) {
			results_event(r, 2500000000ull, "ct_hw_offload", 1, 0, o, NULL);
			results_event(r, 2500000000ull, "ppe_bind", (uint32_t)i, 0, o, NULL);
		}
		g_free(o);
	}
	for (t = 1; t <= 10; t++) {
		uint64_t ns = (uint64_t)t * 1000000000ull;

		results_sample(r, ns, "cpu_pct", "cpu0", 40.0 + t + sp->cpu_add);
		results_sample(r, ns, "cpu_pct", "cpu1", 10.0);
		results_sample(r, ns, "ppe_bound", "ppe0", (t >= 3 ? 60.0 : 0) * sp->ppe_scale);
		results_sample(r, ns, "conntrack", "entries", 3);
		results_sample(r, ns, "flowtable", "flows", t >= 2 ? 3 : 0);
		results_sample(r, ns, "throughput_bps", "bulk", 9.4e8);
	}
	g_assert_true(results_finish_run(r, "{}", &err));
	g_assert_no_error(err);
	id = results_run_id(r);
	results_close(r);
	return id;
}

struct fixture {
	char *dir, *db;
	int64_t same1, same2, ppe2x, nohw, cpu_hot;
};

static void fx_setup(struct fixture *f, gconstpointer data)
{
	struct run_spec s;

	(void)data;
	f->dir = g_dir_make_tmp("test-compare-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->db = g_build_filename(f->dir, "r.sqlite", NULL);
	f->same1 = write_run(f->db, &base);
	f->same2 = write_run(f->db, &base);
	s = base;
	s.ppe_scale = 2.0;
	f->ppe2x = write_run(f->db, &s);
	s = base;
	s.hw = false;
	f->nohw = write_run(f->db, &s);
	s = base;
	s.cpu_add = 30;
	f->cpu_hot = write_run(f->db, &s);
}

static void fx_teardown(struct fixture *f, gconstpointer data)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	guint i;

	(void)data;
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		char *p = g_strconcat(f->db, sfx[i], NULL);

		g_unlink(p);
		g_free(p);
	}
	g_rmdir(f->dir);
	g_free(f->db);
	g_free(f->dir);
}

static char *spec(const struct fixture *f, int64_t id)
{
	return g_strdup_printf("%s#%" G_GINT64_FORMAT, f->db, id);
}

static struct compare_report *compare_ids(const struct fixture *f, int64_t x, int64_t y)
{
	GError *err = NULL;
	char *sa = spec(f, x), *sb = spec(f, y);
	struct compare_side *a = compare_side_load(sa, &err), *b;
	struct compare_tolset *ts = compare_tolset_new_default();
	struct compare_report *r;

	g_assert_no_error(err);
	b = compare_side_load(sb, &err);
	g_assert_no_error(err);
	r = compare_sides(a, b, ts, &err);
	g_assert_no_error(err);
	compare_tolset_free(ts);
	compare_side_free(a);
	compare_side_free(b);
	g_free(sa);
	g_free(sb);
	return r;
}

static const char *const compare_cmd[] = { "compare", NULL };

static void test_identical_runs_pass(struct fixture *f, gconstpointer data)
{
	struct compare_report *r = compare_ids(f, f->same1, f->same2);
	const struct compare_metric *m;
	char *sa = spec(f, f->same1), *sb = spec(f, f->same2), *out = NULL, *errs = NULL;
	const char *args[] = { sa, sb, NULL };

	(void)data;
	g_assert_true(compare_report_pass(r));
	g_assert_cmpuint(r->n_outside, ==, 0);
	g_assert_cmpuint(r->conn_both, ==, 3);
	m = compare_report_find(r, "flow_state/agreement_pct");
	g_assert_nonnull(m);
	g_assert_cmpfloat(m->value, ==, 100.0);
	/* 3 connections: slow at 1 s, SFO at 2 s, HFO from 3 s to 10 s: 1/10 and 8/10 */
	m = compare_report_find(r, "flow_state/hfo_share_pct");
	g_assert_cmpfloat_with_epsilon(m->a, 80.0, 1e-9);
	m = compare_report_find(r, "flow_state/sfo_share_pct");
	g_assert_cmpfloat_with_epsilon(m->a, 10.0, 1e-9);
	m = compare_report_find(r, "ppe_bound/total/mean");
	g_assert_cmpfloat_with_epsilon(m->a, 48.0, 1e-9);   /* 8 x 60 / 10 */
	g_assert_cmpint(m->verdict, ==, CV_WITHIN);
	m = compare_report_find(r, "ppe/binds");
	g_assert_cmpfloat(m->a, ==, 3);
	m = compare_report_find(r, "throughput_bps/bulk/mean");
	g_assert_nonnull(m);
	g_assert_cmpint(m->verdict, ==, CV_WITHIN);
	m = compare_report_find(r, "cpu_pct/total/mean");
	g_assert_cmpfloat_with_epsilon(m->a, (45.5 + 10) / 2, 1e-9);
	compare_report_free(r);

	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 0);
	g_assert_nonnull(strstr(out, "PASS"));
	g_free(out);
	g_free(errs);
	g_free(sa);
	g_free(sb);
}

static void test_ppe_difference_fails(struct fixture *f, gconstpointer data)
{
	struct compare_report *r = compare_ids(f, f->same1, f->ppe2x);
	const struct compare_metric *m;
	char *sa = spec(f, f->same1), *sb = spec(f, f->ppe2x), *out = NULL, *errs = NULL;
	const char *args[] = { "--json", sa, sb, NULL };
	const char *loose[] = { "--tol", "ppe_bound/*=150%", sa, sb, NULL };

	(void)data;
	g_assert_false(compare_report_pass(r));
	m = compare_report_find(r, "ppe_bound/total/mean");
	g_assert_cmpint(m->verdict, ==, CV_OUTSIDE);
	g_assert_cmpfloat_with_epsilon(m->diff, 48.0, 1e-9);
	/* what did not change stays within */
	g_assert_cmpint(compare_report_find(r, "conntrack/entries/mean")->verdict, ==, CV_WITHIN);
	g_assert_cmpint(compare_report_find(r, "flow_state/agreement_pct")->verdict, ==,
			CV_WITHIN);
	compare_report_free(r);

	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 1);
	g_assert_nonnull(strstr(out, "\"failed\""));
	g_assert_nonnull(strstr(out, "\"ppe_bound/total/mean\""));
	g_assert_nonnull(strstr(out, "\"pass\" : false"));
	g_free(out);
	g_free(errs);
	/* a looser tolerance makes the same pair pass */
	g_assert_cmpint(tu_run_flowsim(compare_cmd, loose, &out, &errs), ==, 0);
	g_free(out);
	g_free(errs);
	g_free(sa);
	g_free(sb);
}

static void test_offload_state_difference_fails(struct fixture *f, gconstpointer data)
{
	struct compare_report *r = compare_ids(f, f->same1, f->nohw);
	const struct compare_metric *m;
	char *sa = spec(f, f->same1), *sb = spec(f, f->nohw), *out = NULL, *errs = NULL;
	const char *args[] = { sa, sb, NULL };

	(void)data;
	m = compare_report_find(r, "flow_state/agreement_pct");
	/* HFO vs SFO from 3 s to 10 s: 2 of 10 samples agree */
	g_assert_cmpfloat_with_epsilon(m->value, 20.0, 1e-9);
	g_assert_cmpint(m->verdict, ==, CV_OUTSIDE);
	g_assert_cmpint(compare_report_find(r, "ppe/binds")->verdict, ==, CV_OUTSIDE);
	compare_report_free(r);
	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 1);
	g_assert_nonnull(strstr(out, "FAIL: outside tolerance: flow_state/agreement_pct"));
	g_free(out);
	g_free(errs);
	g_free(sa);
	g_free(sb);
}

static void test_cpu_difference_and_tolerance_file(struct fixture *f, gconstpointer data)
{
	char *sa = spec(f, f->same1), *sb = spec(f, f->cpu_hot), *out = NULL, *errs = NULL;
	char *tf = g_build_filename(f->dir, "tol.txt", NULL);
	const char *args[] = { sa, sb, NULL };
	const char *with_file[] = { "--tol-file", tf, sa, sb, NULL };
	struct compare_report *r = compare_ids(f, f->same1, f->cpu_hot);

	(void)data;
	/* cpu0 +30 points: the mean over two cores moves 15 */
	g_assert_cmpfloat_with_epsilon(compare_report_find(r, "cpu_pct/total/mean")->diff, 15.0,
				       1e-9);
	g_assert_cmpint(compare_report_find(r, "cpu_pct/cpu0/mean")->verdict, ==, CV_OUTSIDE);
	g_assert_cmpint(compare_report_find(r, "cpu_pct/cpu1/mean")->verdict, ==, CV_WITHIN);
	compare_report_free(r);
	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 1);
	g_assert_nonnull(strstr(out, "cpu_pct/cpu0/mean"));
	g_free(out);
	g_free(errs);
	g_assert_true(g_file_set_contents(tf, "# CPU is noisy on this board\n"
					      "cpu_pct/* = 40\n", -1, NULL));
	g_assert_cmpint(tu_run_flowsim(compare_cmd, with_file, &out, &errs), ==, 0);
	g_free(out);
	g_free(errs);
	g_assert_true(g_file_set_contents(tf, "cpu_pct/* = 40\n  ppe_bound/* = lots\n", -1,
					  NULL));
	g_assert_cmpint(tu_run_flowsim(compare_cmd, with_file, &out, &errs), ==, 2);
	g_assert_nonnull(strstr(errs, "tol.txt:2:"));
	g_assert_nonnull(strstr(errs, "'lots'"));
	g_free(out);
	g_free(errs);
	g_unlink(tf);
	g_free(tf);
	g_free(sa);
	g_free(sb);
}

static void test_last_run_is_default(struct fixture *f, gconstpointer data)
{
	GError *err = NULL;
	struct compare_side *s = compare_side_load(f->db, &err);
	char *want = g_strdup_printf("run %" G_GINT64_FORMAT " of", f->cpu_hot);

	(void)data;
	g_assert_no_error(err);
	g_assert_true(g_str_has_prefix(compare_side_label(s), want));
	g_assert_false(compare_side_is_bundle(s));
	g_free(want);
	compare_side_free(s);
}

static void test_bundle_vs_itself(void)
{
	GError *err = NULL;
	struct compare_side *a = compare_side_load(BUNDLE, &err), *b;
	struct compare_tolset *ts = compare_tolset_new_default();
	struct compare_report *r;
	const struct compare_metric *m;
	const char *args[] = { BUNDLE, BUNDLE, NULL };
	char *out = NULL, *errs = NULL;

	g_assert_no_error(err);
	g_assert_true(compare_side_is_bundle(a));
	b = compare_side_load(BUNDLE, &err);
	g_assert_no_error(err);
	r = compare_sides(a, b, ts, &err);
	g_assert_no_error(err);
	g_assert_true(compare_report_pass(r));
	g_assert_cmpuint(r->conn_both, ==, r->conn_a);
	g_assert_cmpuint(r->conn_a, >, 0);
	m = compare_report_find(r, "flow_state/agreement_pct");
	g_assert_cmpfloat(m->value, ==, 100.0);
	g_assert_cmpint(compare_report_find(r, "ppe_bound/total/max")->verdict, ==, CV_WITHIN);
	g_assert_cmpint(compare_report_find(r, "cpu_pct/total/mean")->verdict, ==, CV_WITHIN);
	/* bundles record no throughput */
	g_assert_cmpint(compare_report_find(r, "throughput_bps/total/mean")->verdict, ==, CV_NA);
	compare_report_free(r);
	compare_tolset_free(ts);
	compare_side_free(a);
	compare_side_free(b);
	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 0);
	g_free(out);
	g_free(errs);
}

static void test_bundle_vs_run(struct fixture *f, gconstpointer data)
{
	GError *err = NULL;
	char *sb = spec(f, f->same1), *out = NULL, *errs = NULL;
	struct compare_side *a = compare_side_load(BUNDLE, &err), *b;
	struct compare_tolset *ts = compare_tolset_new_default();
	struct compare_report *r;
	const struct compare_metric *m;
	const char *args[] = { "--json", BUNDLE, sb, NULL };
	int rc;

	(void)data;
	g_assert_no_error(err);
	b = compare_side_load(sb, &err);
	g_assert_no_error(err);
	r = compare_sides(a, b, ts, &err);
	g_assert_no_error(err);
	/* different connections: agreement cannot be computed, and says why */
	m = compare_report_find(r, "flow_state/agreement_pct");
	g_assert_cmpint(m->verdict, ==, CV_NA);
	g_assert_nonnull(strstr(m->note, "no connection appears in both"));
	m = compare_report_find(r, "throughput_bps/total/mean");
	g_assert_cmpint(m->verdict, ==, CV_NA);
	g_assert_nonnull(strstr(m->note, "A has no"));
	g_assert_null(compare_report_find(r, "throughput_bps/bulk/mean"));
	/* counts both have are compared: the bundle's ~5 entries vs the run's 3 */
	m = compare_report_find(r, "conntrack/entries/mean");
	g_assert_cmpint(m->verdict, !=, CV_NA);
	g_assert_cmpfloat(m->b, ==, 3.0);
	/* ppe1 is only in the bundle */
	g_assert_cmpint(compare_report_find(r, "ppe_bound/ppe1/mean")->verdict, ==, CV_NA);
	g_assert_cmpuint(r->n_na, >, 0);
	g_assert_cmpuint(r->n_within + r->n_outside, >, 0);
	compare_report_free(r);
	compare_tolset_free(ts);
	compare_side_free(a);
	compare_side_free(b);
	rc = tu_run_flowsim(compare_cmd, args, &out, &errs);
	g_assert_true(rc == 0 || rc == 1);
	g_assert_nonnull(strstr(out, "\"verdict\" : \"n/a\""));
	g_free(out);
	g_free(errs);
	g_free(sb);
}

static void expect_error(const char *const *args, const char *msg)
{
	char *out = NULL, *errs = NULL;

	g_assert_cmpint(tu_run_flowsim(compare_cmd, args, &out, &errs), ==, 2);
	if (!strstr(errs, msg))
		g_error("expected '%s' in: %s", msg, errs);
	g_free(out);
	g_free(errs);
}

static void test_malformed_inputs(struct fixture *f, gconstpointer data)
{
	char *txt = g_build_filename(f->dir, "notes.txt", NULL);
	char *bad_id = g_strdup_printf("%s#abc", f->db);
	char *no_run = g_strdup_printf("%s#999", f->db);
	char *bundle_id = g_strdup_printf("%s#1", BUNDLE);
	char *s1 = spec(f, f->same1);
	const char *a1[] = { s1, NULL };
	const char *a2[] = { s1, "/nonexistent/x.sqlite", NULL };
	const char *a3[] = { s1, txt, NULL };
	const char *a4[] = { s1, bad_id, NULL };
	const char *a5[] = { s1, no_run, NULL };
	const char *a6[] = { "--tol", "nosuch/metric=5", s1, s1, NULL };
	const char *a7[] = { "--tol", "cpu_pct/*/mean", s1, s1, NULL };
	const char *a8[] = { "--tol", "cpu_pct/*/mean=-3", s1, s1, NULL };
	const char *a9[] = { s1, bundle_id, NULL };
	const char *a10[] = { "--bogus", s1, s1, NULL };

	(void)data;
	g_assert_true(g_file_set_contents(txt, "hello\n", -1, NULL));
	expect_error(a1, "expected two sides");
	expect_error(a2, "/nonexistent/x.sqlite");
	expect_error(a3, "notes.txt: expected a flowsim results database");
	expect_error(a4, "expected a run id");
	expect_error(a5, "999");
	expect_error(a6, "matches no metric");
	expect_error(a7, "expected METRIC=TOLERANCE");
	expect_error(a8, "'-3'");
	expect_error(a9, "#1");
	expect_error(a10, "--bogus");
	g_unlink(txt);
	g_free(txt);
	g_free(bad_id);
	g_free(no_run);
	g_free(bundle_id);
	g_free(s1);
}

static void test_tolerance_syntax(void)
{
	struct compare_tol t;

	g_assert_true(compare_tol_parse("10%", &t));
	g_assert_cmpfloat_with_epsilon(t.rel, 0.1, 1e-12);
	g_assert_cmpfloat(t.abs, ==, 0);
	g_assert_true(compare_tol_parse("2.5", &t));
	g_assert_cmpfloat(t.abs, ==, 2.5);
	g_assert_true(compare_tol_parse("10%, 2", &t));
	g_assert_cmpfloat(t.abs, ==, 2);
	g_assert_cmpfloat_with_epsilon(t.rel, 0.1, 1e-12);
	g_assert_false(compare_tol_parse("", &t));
	g_assert_false(compare_tol_parse("5,6", &t));
	g_assert_false(compare_tol_parse("x", &t));
	g_assert_false(compare_tol_parse("-1", &t));
	g_assert_false(compare_tol_parse("5%%", &t));
	g_assert_false(compare_tol_parse("inf", &t));
}

#define FX(path, fn) g_test_add(path, struct fixture, NULL, fx_setup, fn, fx_teardown)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	FX("/compare/runs/identical_pass_exit_0", test_identical_runs_pass);
	FX("/compare/runs/ppe_occupancy_doubled_fails_naming_metric", test_ppe_difference_fails);
	FX("/compare/runs/hw_offload_missing_fails_flow_state", test_offload_state_difference_fails);
	FX("/compare/runs/cpu_difference_and_tolerance_file", test_cpu_difference_and_tolerance_file);
	FX("/compare/runs/db_without_id_is_last_run", test_last_run_is_default);
	g_test_add_func("/compare/bundle/vs_itself_pass", test_bundle_vs_itself);
	FX("/compare/bundle/vs_run_reports_comparable_metrics", test_bundle_vs_run);
	FX("/compare/cli/malformed_inputs_exit_2", test_malformed_inputs);
	g_test_add_func("/compare/tolerance/syntax", test_tolerance_syntax);
	return g_test_run();
}
