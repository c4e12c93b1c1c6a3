// SPDX-License-Identifier: MIT
/*
 * test_run.c - `flowsim run`: the same scenario and seed give byte-identical JSON, database
 * rows and trace files; a malformed scenario fails with FILE:LINE:COL and leaves no
 * database row; every example runs and its summary answers the example's question (HFO
 * needs far less CPU than SFO for the same download; an unpaced flood collapses a TCP
 * upload through the slow path - receive livelock - but not with HFO; cake shapes SFO
 * traffic and HFO bypasses it; a roaming station keeps its download); every summary key
 * is documented; unsupported traffic distributions are refused with their position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "testutil.h"
#include "run.h"
#include "world.h"

#define EXAMPLES FLOWSIM_SOURCE_DIR "/examples/"
#define SOC_DIR FLOWSIM_SOURCE_DIR "/hw/soc"
#define SEC 1000000000ULL

/* ------------------------------------------------------------------ helpers ---- */

/* Run s for `secs` (0: its duration) in-process; returns the summary JSON. */
static char *run_json(const struct scenario *s, u64 secs, u64 seed)
{
	struct run_opts o;
	struct yu_diag d;
	struct run *r;
	GError *err = NULL;
	char *json;

	memset(&o, 0, sizeof(o));
	o.duration_ns = secs * SEC;
	o.soc_dir = SOC_DIR;
	if (seed) {
		o.has_seed = true;
		o.seed = seed;
	}
	yu_diag_init(&d);
	r = run_create(s, &o, &d);
	g_assert_nonnull(r);
	g_assert_true(run_execute(r, &err));
	g_assert_no_error(err);
	json = run_summary_json(r);
	run_destroy(r);
	yu_diag_clear(&d);
	return json;
}

static JsonNode *parse(const char *json)
{
	JsonParser *p = json_parser_new();
	GError *err = NULL;
	JsonNode *root;

	g_assert_true(json_parser_load_from_data(p, json, -1, &err));
	g_assert_no_error(err);
	root = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	return root;
}

/* A value by path "traffic/0/up_bps" (array indices as numbers). */
static JsonNode *at(JsonNode *root, const char *path)
{
	char **parts = g_strsplit(path, "/", -1);
	JsonNode *n = root;
	guint i;

	for (i = 0; parts[i]; i++) {
		if (JSON_NODE_HOLDS_ARRAY(n)) {
			JsonArray *a = json_node_get_array(n);
			guint idx = (guint)atoi(parts[i]);

			g_assert_cmpuint(idx, <, json_array_get_length(a));
			n = json_array_get_element(a, idx);
		} else {
			JsonObject *o = json_node_get_object(n);

			if (!json_object_has_member(o, parts[i]))
				g_error("summary has no %s", path);
			n = json_object_get_member(o, parts[i]);
		}
	}
	g_strfreev(parts);
	return n;
}

static double num(JsonNode *root, const char *path)
{
	JsonNode *n = at(root, path);

	return json_node_get_value_type(n) == G_TYPE_INT64 ? (double)json_node_get_int(n) :
							     json_node_get_double(n);
}

/* Index of the traffic item called name. */
static guint item(JsonNode *root, const char *name)
{
	JsonArray *a = json_node_get_array(at(root, "traffic"));
	guint i;

	for (i = 0; i < json_array_get_length(a); i++)
		if (!strcmp(json_object_get_string_member(json_array_get_object_element(a, i),
							  "name"), name))
			return i;
	g_error("no traffic item %s", name);
	return 0;
}

static double item_num(JsonNode *root, const char *name, const char *key)
{
	char *p = g_strdup_printf("traffic/%u/%s", item(root, name), key);
	double v = num(root, p);

	g_free(p);
	return v;
}

/* Every row of the run's tables as text (runs without id and wall-clock start). */
static char *db_dump(const char *path)
{
	static const char *const queries[] = {
		("SELECT scenario_path, scenario_text, seed, duration_ns, engine, flowsim_version, "
		 "summary_json FROM runs ORDER BY id"),
		"SELECT * FROM timeseries ORDER BY rowid",
		"SELECT * FROM flows ORDER BY rowid",
		"SELECT * FROM events ORDER BY rowid",
		"SELECT * FROM traces ORDER BY rowid",
	};
	GString *s = g_string_new(NULL);
	sqlite3 *db;
	guint q;

	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	for (q = 0; q < G_N_ELEMENTS(queries); q++) {
		sqlite3_stmt *st;

		g_assert_cmpint(sqlite3_prepare_v2(db, queries[q], -1, &st, NULL), ==, SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int c;

			for (c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *t = sqlite3_column_text(st, c);

				g_string_append_printf(s, "%s|", t ? (const char *)t : "NULL");
			}
			g_string_append_c(s, '\n');
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return g_string_free(s, FALSE);
}

static int db_runs(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return 0;
	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	} else {
		n = 0;   /* no schema: no run */
	}
	sqlite3_close(db);
	return n;
}

static char *read_text(const char *path)
{
	char *t = NULL;

	g_assert_true(g_file_get_contents(path, &t, NULL, NULL));
	return t;
}

/* -------------------------------------------------------------- determinism ---- */

static void test_same_seed_same_bytes(void)
{
	char *dir = g_dir_make_tmp("flowsim-run-XXXXXX", NULL);
	char *db[2], *js[2], *td[2], *dump[2], *ev[2], *snap[2];
	int i;

	for (i = 0; i < 2; i++) {
		char *out = NULL, *err = NULL;

		db[i] = g_strdup_printf("%s/run%d.sqlite", dir, i);
		js[i] = g_strdup_printf("%s/run%d.json", dir, i);
		td[i] = g_strdup_printf("%s/trace%d", dir, i);
		{
			const char *args[] = { "run", EXAMPLES "wifi-roam-wed-mt7986.yaml", "--duration",
					       "12s", "--db", db[i], "--json", js[i], "--trace-dir",
					       td[i], "--soc-dir", SOC_DIR, "--quiet", NULL };

			g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
		}
		g_assert_cmpstr(err, ==, "");
		g_free(out);
		g_free(err);
		dump[i] = db_dump(db[i]);
		ev[i] = g_strdup_printf("%s/conntrack_events.txt", td[i]);
		snap[i] = g_strdup_printf("%s/ppe0/bind.000011000.txt", td[i]);
	}
	{
		char *a = read_text(js[0]), *b = read_text(js[1]);

		g_assert_cmpstr(a, ==, b);
		g_free(a);
		g_free(b);
	}
	/* every table holds rows, and the same ones */
	g_assert_cmpuint(strlen(dump[0]), >, 10000);
	g_assert_cmpstr(dump[0], ==, dump[1]);
	for (i = 0; i < 2; i++) {
		char *a = read_text(i ? snap[0] : ev[0]), *b = read_text(i ? snap[1] : ev[1]);

		g_assert_cmpstr(a, ==, b);
		g_free(a);
		g_free(b);
	}
	for (i = 0; i < 2; i++) {
		g_free(db[i]);
		g_free(js[i]);
		g_free(td[i]);
		g_free(dump[i]);
		g_free(ev[i]);
		g_free(snap[i]);
	}
	g_free(dir);
}

static void test_seed_changes_the_run(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "sfo-vs-hfo-mt7621.yaml");
	char *a = run_json(s, 3, 1), *b = run_json(s, 3, 1), *c = run_json(s, 3, 2);

	g_assert_cmpstr(a, ==, b);
	/* the p2p swarm's rates, peers and churn are drawn from the seed */
	g_assert_cmpstr(a, !=, c);
	g_free(a);
	g_free(b);
	g_free(c);
	scenario_free(s);
}

/* ---------------------------------------------------------------------- CLI ---- */

static void test_malformed_scenario_no_db_row(void)
{
	char *dir = g_dir_make_tmp("flowsim-run-XXXXXX", NULL);
	char *db = g_strdup_printf("%s/results.sqlite", dir);
	char *bad = g_strdup_printf("%s/bad.yaml", dir);
	char *text = read_text(EXAMPLES "livelock-mt7620.yaml"), *fixed, *out, *err, *pos;
	char **parts;
	const char *good_args[] = { "run", EXAMPLES "livelock-mt7620.yaml", "--duration", "1s",
				    "--db", db, "--soc-dir", SOC_DIR, "-q", NULL };
	const char *bad_args[] = { "run", bad, "--db", db, "--soc-dir", SOC_DIR, NULL };

	/* a database with one complete run */
	g_assert_cmpint(tu_run_flowsim(NULL, good_args, &out, &err), ==, 0);
	g_free(out);
	g_free(err);
	g_assert_cmpint(db_runs(db), ==, 1);

	/* tc's "mbps" means bytes per second: refused with its position */
	parts = g_strsplit(text, "rate: 100mbit", 2);
	fixed = g_strjoinv("rate: 100mbps", parts);
	g_strfreev(parts);
	g_assert_true(g_file_set_contents(bad, fixed, -1, NULL));
	g_assert_cmpint(tu_run_flowsim(NULL, bad_args, &out, &err), ==, 1);
	pos = g_strdup_printf("%s:37:11: rate: '100mbps' is ambiguous", bad);
	g_assert_nonnull(strstr(err, pos));
	g_assert_cmpstr(out, ==, "");
	g_assert_cmpint(db_runs(db), ==, 1);
	g_free(out);
	g_free(err);
	g_free(pos);
	g_free(fixed);

	/* a YAML syntax error: same */
	g_assert_true(g_file_set_contents(bad, "duration: 10s\nrouter: [\n", -1, NULL));
	g_assert_cmpint(tu_run_flowsim(NULL, bad_args, &out, &err), ==, 1);
	pos = g_strdup_printf("%s:", bad);
	g_assert_true(g_str_has_prefix(err, pos));
	g_assert_cmpint(db_runs(db), ==, 1);
	g_free(out);
	g_free(err);
	g_free(pos);

	/* a database that did not exist is not created */
	g_free(db);
	db = g_strdup_printf("%s/never.sqlite", dir);
	bad_args[3] = db;
	g_assert_cmpint(tu_run_flowsim(NULL, bad_args, &out, &err), ==, 1);
	g_assert_false(g_file_test(db, G_FILE_TEST_EXISTS));
	g_free(out);
	g_free(err);
	g_free(text);
	g_free(bad);
	g_free(db);
	g_free(dir);
}

static void test_cli_usage(void)
{
	const char *none[] = { "run", NULL };
	const char *help[] = { "run", "--help", NULL };
	const char *dur[] = { "run", EXAMPLES "livelock-mt7620.yaml", "--duration", "10", NULL };
	const char *seed[] = { "run", EXAMPLES "livelock-mt7620.yaml", "--seed", "x", NULL };
	const char *json[] = { "run", EXAMPLES "livelock-mt7620.yaml", "--duration", "1500ms",
			       "--seed", "9", "--json", "-", "--soc-dir", SOC_DIR, NULL };
	char *out, *err;
	JsonNode *root;

	g_assert_cmpint(tu_run_flowsim(NULL, none, &out, &err), ==, 2);
	g_assert_nonnull(strstr(err, "expected one SCENARIO"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, help, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "--trace-dir"));
	g_assert_nonnull(strstr(out, "docs/results-json.md"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, dur, &out, &err), ==, 2);
	g_assert_nonnull(strstr(err, "--duration"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(NULL, seed, &out, &err), ==, 2);
	g_free(out);
	g_free(err);
	/* --json -: the JSON alone on stdout, the text summary on stderr */
	g_assert_cmpint(tu_run_flowsim(NULL, json, &out, &err), ==, 0);
	root = parse(out);
	g_assert_cmpfloat(num(root, "scenario/duration_ns"), ==, 1.5e9);
	g_assert_cmpfloat(num(root, "scenario/seed"), ==, 9);
	g_assert_nonnull(strstr(err, "flowsim run: livelock-mt7620"));
	json_node_unref(root);
	g_free(out);
	g_free(err);
}

static void test_trace_dir(void)
{
	char *dir = g_dir_make_tmp("flowsim-run-XXXXXX", NULL);
	char *td = g_strdup_printf("%s/trace", dir), *db = g_strdup_printf("%s/r.sqlite", dir);
	char *p, *t, *out, *err;
	const char *args[] = { "run", EXAMPLES "wifi-roam-wed-mt7986.yaml", "--duration", "3s",
			       "--trace-dir", td, "--db", db, "--soc-dir", SOC_DIR, "-q", NULL };
	JsonNode *manifest;
	int i;

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	g_free(out);
	g_free(err);
	t = read_text(p = g_strdup_printf("%s/manifest.json", td));
	manifest = parse(t);
	g_assert_true(json_node_get_boolean(at(manifest, "complete")));
	g_assert_cmpfloat(num(manifest, "end_ns"), ==, 3e9);
	json_node_unref(manifest);
	g_assert_cmpint(db_runs(db), ==, 1);
	g_free(t);
	g_free(p);
	/* ppe_bind every second: 1 s, 2 s, 3 s */
	for (i = 1; i <= 3; i++) {
		p = g_strdup_printf("%s/ppe0/bind.%09d.txt", td, i * 1000);
		g_assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
		g_free(p);
	}
	t = read_text(p = g_strdup_printf("%s/conntrack_events.txt", td));
	g_assert_nonnull(strstr(t, "[NEW] tcp"));
	g_free(t);
	g_free(p);
	g_free(td);
	g_free(db);
	g_free(dir);
}

/* ---------------------------------------------------------------- examples ---- */

static void test_examples_run(void)
{
	GDir *d = g_dir_open(EXAMPLES, 0, NULL);
	const char *name;
	guint n = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		char *path, *json;
		struct scenario *s;
		JsonNode *root;

		if (!g_str_has_suffix(name, ".yaml"))
			continue;
		path = g_strconcat(EXAMPLES, name, NULL);
		s = tu_load_scenario(path);
		json = run_json(s, 3, 0);
		root = parse(json);
		g_assert_cmpstr(json_node_get_string(at(root, "format")), ==, "flowsim-run-summary");
		g_assert_cmpfloat(num(root, "drops/misrouted"), ==, 0);
		g_assert_cmpfloat(num(root, "packets/delivered"), >, 100);
		g_test_message("%s: %.0f link packets", name, num(root, "packets/link_packets"));
		json_node_unref(root);
		g_free(json);
		scenario_free(s);
		g_free(path);
		n++;
	}
	g_dir_close(d);
	g_assert_cmpuint(n, >=, 4);
}

/* Question 1: HFO forwards the same download with far less CPU than SFO. */
static void test_sfo_vs_hfo(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "sfo-vs-hfo-mt7621.yaml");
	JsonNode *hfo, *sfo;
	char *j;
	double down_h, down_s;

	j = run_json(s, 12, 0);
	hfo = parse(j);
	g_free(j);
	s->router.fw.defaults.flow_offloading_hw = 0;
	j = run_json(s, 12, 0);
	sfo = parse(j);
	g_free(j);
	g_assert_cmpstr(json_node_get_string(at(hfo, "offload/mode")), ==, "hardware");
	g_assert_cmpstr(json_node_get_string(at(sfo, "offload/mode")), ==, "software");
	down_h = item_num(hfo, "download", "down_bps");
	down_s = item_num(sfo, "download", "down_bps");
	g_test_message("download HFO %.1f Mbit/s cpu %.1f%%, SFO %.1f Mbit/s cpu %.1f%%",
		       down_h / 1e6, num(hfo, "cpu/per_cpu_pct/0"), down_s / 1e6,
		       num(sfo, "cpu/per_cpu_pct/0"));
	/*
	 * HFO is never slower, and for the same throughput it needs far less CPU: compare
	 * the CPU load per delivered bit (SFO may be CPU-bound below the line rate).
	 */
	g_assert_cmpfloat(down_h, >, 500e6);
	g_assert_cmpfloat(down_h, >=, 0.95 * down_s);
	g_assert_cmpfloat(num(hfo, "cpu/per_cpu_pct/0") / down_h, <,
			  0.5 * num(sfo, "cpu/per_cpu_pct/0") / down_s);
	g_assert_cmpfloat(num(hfo, "paths/ppe/byte_share"), >, 0.5);
	g_assert_cmpfloat(num(sfo, "paths/ppe/byte_share"), ==, 0);
	/* question 13: the swarm fills the PPE with UNBIND entries */
	g_assert_cmpfloat(num(hfo, "ppe/unbound_max"), >, 1000);
	json_node_unref(hfo);
	json_node_unref(sfo);
	scenario_free(s);
}

/*
 * Receive livelock: bytes the upload delivers between 12 s and 18 s.  The flood starts at
 * 5 s; with RACK-TLP the upload's lost retransmissions are repaired without timeouts, so it
 * keeps a few Mbit/s for some seconds before its window collapses (about 11 s).
 */
static double upload_after_flood(struct scenario *s, double *cpu)
{
	char *a = run_json(s, 12, 0), *b = run_json(s, 18, 0);
	JsonNode *ra = parse(a), *rb = parse(b);
	double v = item_num(rb, "upload", "up_bytes") - item_num(ra, "upload", "up_bytes");

	*cpu = num(rb, "cpu/per_cpu_pct/0");
	json_node_unref(ra);
	json_node_unref(rb);
	g_free(a);
	g_free(b);
	return v * 8 / 6;   /* bit/s */
}

static void test_livelock(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "livelock-mt7620.yaml");
	double none, hw, cpu_none, cpu_hw;

	none = upload_after_flood(s, &cpu_none);
	s->router.fw.defaults.flow_offloading = 1;
	s->router.fw.defaults.flow_offloading_hw = 1;
	hw = upload_after_flood(s, &cpu_hw);
	g_test_message("upload after the flood: none %.2f Mbit/s (cpu %.0f%%), HFO %.2f Mbit/s "
		       "(cpu %.0f%%)", none / 1e6, cpu_none, hw / 1e6, cpu_hw);
	/* no offload: the CPU drowns in the flood and the upload collapses */
	g_assert_cmpfloat(none, <, 2e6);
	g_assert_cmpfloat(cpu_none, >, 80);
	/* HFO: the PPE forwards both, the upload keeps its share of the LAN link */
	g_assert_cmpfloat(hw, >, 40e6);
	g_assert_cmpfloat(cpu_hw, <, 10);
	scenario_free(s);
}

/* Questions 2 and 4: cake shapes SFO traffic; HFO bypasses the qdisc. */
static void test_sqm_bypass(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "sqm-cake-pppoe-mt7622.yaml");
	JsonNode *sfo, *hfo;
	char *j;

	j = run_json(s, 15, 0);
	sfo = parse(j);
	g_free(j);
	s->router.fw.defaults.flow_offloading_hw = 1;
	j = run_json(s, 15, 0);
	hfo = parse(j);
	g_free(j);
	g_test_message("uploads: SFO %.1f Mbit/s, HFO %.1f Mbit/s",
		       item_num(sfo, "uploads", "up_bps") / 1e6,
		       item_num(hfo, "uploads", "up_bps") / 1e6);
	/* active 5..15 s: cake's 100 Mbit/s less overhead, reached within a second or two */
	g_assert_cmpfloat(item_num(sfo, "uploads", "up_bps"), <, 100e6);
	g_assert_cmpfloat(item_num(sfo, "uploads", "up_bps"), >, 60e6);
	g_assert_cmpfloat(item_num(hfo, "uploads", "up_bps"), >, 300e6);
	g_assert_cmpfloat(num(hfo, "paths/ppe/byte_share"), >, 0.5);
	g_assert_cmpfloat(item_num(sfo, "call", "latency/up/samples"), >, 500);
	json_node_unref(sfo);
	json_node_unref(hfo);
	scenario_free(s);
}

/*
 * Questions 6 and 8: the phone roams from 5 to 2.4 GHz at 10 s.  With WED the PPE entries keep
 * sending to the old band (frozen band/BSS/station) until the flows are torn down, so the
 * download stalls and frames are misdelivered; without WED the software path follows the
 * station and the download goes on over 2.4 GHz.
 */
static double roam_download_after(struct scenario *s, JsonNode **end)
{
	char *a = run_json(s, 10, 0), *b = run_json(s, 14, 0);
	JsonNode *ra = parse(a), *rb = parse(b);
	double after = (item_num(rb, "download", "down_bytes") -
			item_num(ra, "download", "down_bytes")) * 8 / 4;

	/* an event at the end of a run still happens */
	g_assert_cmpfloat(num(ra, "events/roam"), ==, 1);
	g_assert_cmpfloat(num(rb, "events/roam"), ==, 1);
	json_node_unref(ra);
	g_free(a);
	g_free(b);
	*end = rb;
	return after;
}

static void test_wifi_roam(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "wifi-roam-wed-mt7986.yaml");
	JsonNode *end;
	double after;
	uint32_t i;

	after = roam_download_after(s, &end);
	g_test_message("WED: download after the roam %.1f Mbit/s, %.0f misdelivered",
		       after / 1e6, num(end, "drops/misdelivered"));
	g_assert_cmpfloat(num(end, "paths/wed/byte_share"), >, 0.5);
	g_assert_cmpfloat(after, <, 1e6);
	g_assert_cmpfloat(num(end, "drops/misdelivered"), >, 0);
	json_node_unref(end);

	for (i = 0; i < s->n_radios; i++)
		s->radios[i].wed = false;
	after = roam_download_after(s, &end);
	g_test_message("no WED: download after the roam %.1f Mbit/s", after / 1e6);
	/* the 2.4 GHz radio's 574 Mbit/s PHY rate bounds it */
	g_assert_cmpfloat(after, >, 100e6);
	g_assert_cmpfloat(after, <, 574e6);
	g_assert_cmpfloat(num(end, "paths/wed/byte_share"), ==, 0);
	json_node_unref(end);
	scenario_free(s);
}

/* Link down/up and a firewall reload: flows torn down, traffic stops and resumes. */
static void test_link_and_reload_events(void)
{
	static const char text[] =
		"seed: 5\n"
		"duration: 9s\n"
		"router:\n"
		"  soc: mt7621\n"
		"  firewall: {defaults: {flow_offloading: 1}}\n"
		"ports:\n"
		"  - {name: eth0, kind: ether, gmac: 0}\n"
		"  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0, role: lan, rate: 100mbit,\n"
		"     network: lan, address: 192.168.1.1/24}\n"
		"  - {name: wan, kind: dsa, conduit: eth0, dsa_port: 4, role: wan, rate: 100mbit,\n"
		"     network: wan, address: 100.64.0.2/24, gateway: 100.64.0.1}\n"
		"hosts:\n"
		"  - {name: pc, port: lan1, ipv4: 192.168.1.10}\n"
		"  - {name: srv, port: wan, ipv4: 203.0.113.10, rtt: 10ms}\n"
		"traffic:\n"
		"  - {name: dl, type: tcp_bulk, client: pc, server: srv}\n"
		"events:\n"
		"  - {at: 3s, type: link_down, port: wan}\n"
		"  - {at: 4s, type: link_up, port: wan}\n"
		"  - {at: 7s, type: firewall_reload}\n";
	struct yu_diag d;
	struct scenario *s;
	char *j[4];
	JsonNode *r[4];
	static const u64 secs[4] = { 3, 4, 6, 9 };
	int i;

	yu_diag_init(&d);
	s = scenario_load_string("events.yaml", ".", text, strlen(text), SOC_DIR, &d);
	g_assert_nonnull(s);
	for (i = 0; i < 4; i++) {
		j[i] = run_json(s, secs[i], 0);
		r[i] = parse(j[i]);
	}
	/* down at 3 s: the flow is torn down (NETDEV_DOWN) and nothing arrives until 4 s */
	g_assert_cmpfloat(num(r[1], "events/link_change"), ==, 2);
	g_assert_cmpfloat(num(r[1], "events/flow_teardown"), >=, 1);
	g_assert_cmpfloat(item_num(r[1], "dl", "down_bytes") - item_num(r[0], "dl", "down_bytes"),
			  <, 100000);
	/* the connection recovers; the reload flushes the flowtable, which fills again */
	g_assert_cmpfloat(item_num(r[2], "dl", "down_bytes") - item_num(r[1], "dl", "down_bytes"),
			  >, 10e6);
	g_assert_cmpfloat(num(r[3], "events/firewall_reload"), ==, 1);
	g_assert_cmpfloat(num(r[3], "events/flow_teardown"), >, num(r[2], "events/flow_teardown"));
	g_assert_cmpfloat(num(r[3], "flowtable/flows"), ==, 1);
	g_assert_cmpfloat(item_num(r[3], "dl", "down_bytes") - item_num(r[2], "dl", "down_bytes"),
			  >, 10e6);
	for (i = 0; i < 4; i++) {
		json_node_unref(r[i]);
		g_free(j[i]);
	}
	yu_diag_clear(&d);
	scenario_free(s);
}

/* ---------------------------------------------------------------- the JSON ---- */

static void collect_keys(JsonNode *n, GHashTable *keys)
{
	if (JSON_NODE_HOLDS_OBJECT(n)) {
		GList *members = json_object_get_members(json_node_get_object(n)), *l;

		for (l = members; l; l = l->next) {
			g_hash_table_add(keys, g_strdup(l->data));
			collect_keys(json_object_get_member(json_node_get_object(n), l->data), keys);
		}
		g_list_free(members);
	} else if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		guint i;

		for (i = 0; i < json_array_get_length(a); i++)
			collect_keys(json_array_get_element(a, i), keys);
	}
}

static void test_json_keys_documented(void)
{
	struct scenario *s = tu_load_scenario(EXAMPLES "sfo-vs-hfo-mt7621.yaml");
	char *j = run_json(s, 2, 0), *doc = read_text(FLOWSIM_SOURCE_DIR "/docs/results-json.md");
	JsonNode *root = parse(j);
	GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k;

	collect_keys(root, keys);
	g_assert_cmpuint(g_hash_table_size(keys), >, 60);
	g_hash_table_iter_init(&it, keys);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		char *quoted = g_strdup_printf("`%s`", (char *)k);

		if (!strstr(doc, quoted))
			g_error("summary key %s is not in docs/results-json.md", (char *)k);
		g_free(quoted);
	}
	g_hash_table_destroy(keys);
	json_node_unref(root);
	g_free(j);
	g_free(doc);
	scenario_free(s);
}

/* ------------------------------------------------------------------ world ---- */

/* An MT7621-style router: GMAC 0 as the DSA conduit of a LAN and a WAN user port. */
#define DSA_PORTS \
	"ports:\n" \
	"  - {name: eth0, kind: ether, gmac: 0}\n" \
	"  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0, role: lan,\n" \
	"     network: lan, address: 192.168.1.1/24}\n" \
	"  - {name: wan, kind: dsa, conduit: eth0, dsa_port: 4, role: wan,\n" \
	"     network: wan, address: 100.64.0.2/24, gateway: 100.64.0.1}\n"

static void test_unsupported_distribution(void)
{
	static const char text[] =
		"duration: 5s\n"
		"router: {soc: mt7621}\n"
		DSA_PORTS
		"hosts:\n"
		"  - {name: pc, port: lan1, ipv4: 192.168.1.10}\n"
		"  - {name: web, port: wan, ipv4: 203.0.113.10}\n"
		"traffic:\n"
		"  - {name: browse, type: web, client: pc, server: web, new_flows: 5/s,\n"
		"     size: {dist: lognormal, mean: 100KiB, sigma: 1}}\n";
	struct yu_diag d;
	struct scenario *s;
	struct run_opts o;
	char *m;

	yu_diag_init(&d);
	s = scenario_load_string("web.yaml", ".", text, strlen(text), SOC_DIR, &d);
	g_assert_nonnull(s);
	memset(&o, 0, sizeof(o));
	g_assert_null(run_create(s, &o, &d));
	g_assert_cmpuint(d.errors, ==, 1);
	m = yu_msg_format(g_ptr_array_index(d.msgs, 0));
	g_assert_cmpstr(m, ==, "web.yaml:13:5: traffic 'browse': size distribution 'lognormal' "
			       "is not supported by the traffic generator (use constant or pareto)");
	g_free(m);
	yu_diag_clear(&d);
	scenario_free(s);
}

/*
 * Kernel-era receive paths (world.c): a DSA user port's frames reach GRO from v5.8
 * (gro_cells in dsa_switch_rcv), so the same MT7621 download merges nothing on 5.4 and
 * merges most segments on 6.6, where the router then forwards far more per CPU cycle.
 */
static double dsa_download(const char *kernel, double *gro_merged)
{
	char *text = g_strdup_printf(
		"duration: 2s\n"
		"router: {soc: mt7621, kernel: \"%s\"}\n"
		DSA_PORTS
		"hosts:\n"
		"  - {name: pc, port: lan1, ipv4: 192.168.1.10}\n"
		"  - {name: server, port: wan, ipv4: 100.64.0.10}\n"
		"traffic:\n"
		"  - {name: bulk, type: tcp_bulk, client: pc, server: server,\n"
		"     direction: download}\n", kernel);
	struct yu_diag d;
	struct scenario *s;
	JsonNode *root;
	char *json;
	double bps;

	yu_diag_init(&d);
	s = scenario_load_string("dsa.yaml", ".", text, strlen(text), SOC_DIR, &d);
	g_assert_nonnull(s);
	json = run_json(s, 0, 1);
	root = parse(json);
	*gro_merged = num(root, "packets/gro_merged");
	bps = item_num(root, "bulk", "down_bps");
	json_node_unref(root);
	g_free(json);
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(text);
	return bps;
}

static void test_dsa_gro_by_kernel(void)
{
	double merged_54, merged_66, bps_54, bps_66;

	bps_54 = dsa_download("5.4", &merged_54);
	bps_66 = dsa_download("6.6", &merged_66);
	g_test_message("5.4: %.1f Mbit/s, %.0f merged; 6.6: %.1f Mbit/s, %.0f merged",
		       bps_54 / 1e6, merged_54, bps_66 / 1e6, merged_66);
	g_assert_cmpfloat(merged_54, ==, 0);
	g_assert_cmpfloat(merged_66, >, 10000);
	g_assert_cmpfloat(bps_66, >, bps_54 * 1.5);
}

/*
 * mtk_eth_soc's RX delay interrupt by kernel: net_dim's start profile (20 us) from the
 * OpenWrt 5.10 backport of e9229ffd550b on; before it the fixed MTK_PDMA_DELAY_RX_DELAY
 * of mtk_hw_init (PTIME 4 x 20 us = 80 us, or 4 frames).  Wi-Fi has no such delay.
 */
static u64 wan_irq_delay(const char *kernel)
{
	char *text = g_strdup_printf(
		"duration: 1s\n"
		"router: {soc: mt7622, kernel: \"%s\"}\n"
		"ports:\n"
		"  - {name: wan, kind: ether, role: wan, network: wan, address: 100.64.0.2/24,\n"
		"     gateway: 100.64.0.1}\n"
		"  - {name: lan, kind: ether, role: lan, network: lan, address: 192.168.1.1/24}\n"
		"hosts:\n"
		"  - {name: pc, port: lan, ipv4: 192.168.1.10}\n"
		"  - {name: server, port: wan, ipv4: 100.64.0.10}\n", kernel);
	struct world_opts o = { .seed = 1, .soc_dir = SOC_DIR };
	struct yu_diag d;
	struct scenario *s;
	struct world *w;
	u64 delay;

	yu_diag_init(&d);
	s = scenario_load_string("irq.yaml", ".", text, strlen(text), SOC_DIR, &d);
	g_assert_nonnull(s);
	w = world_create(s, &o, NULL, NULL, &d);
	g_assert_nonnull(w);
	delay = sim_router_port_irq_delay(w->sr, w->ifindex_of[0]);
	world_destroy(w);
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(text);
	return delay;
}

static void test_irq_delay_by_kernel(void)
{
	g_assert_cmpuint(wan_irq_delay("5.4"), ==, 80000);
	g_assert_cmpuint(wan_irq_delay("5.10"), ==, 20000);
	g_assert_cmpuint(wan_irq_delay("6.6"), ==, 20000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/run/determinism/same_seed_same_json_db_and_traces",
			test_same_seed_same_bytes);
	g_test_add_func("/run/determinism/seed_changes_the_run", test_seed_changes_the_run);
	g_test_add_func("/run/cli/malformed_scenario_leaves_no_db_row",
			test_malformed_scenario_no_db_row);
	g_test_add_func("/run/cli/usage_and_overrides", test_cli_usage);
	g_test_add_func("/run/cli/trace_dir", test_trace_dir);
	g_test_add_func("/run/examples/all_run", test_examples_run);
	g_test_add_func("/run/examples/flood_livelocks_slow_path_not_hfo", test_livelock);
	g_test_add_func("/run/examples/cake_shapes_sfo_hfo_bypasses", test_sqm_bypass);
	g_test_add_func("/run/examples/roam_stalls_with_wed_not_without", test_wifi_roam);
	g_test_add_func("/run/world/link_down_up_and_firewall_reload",
			test_link_and_reload_events);
	g_test_add_func("/run/json/every_key_documented", test_json_keys_documented);
	g_test_add_func("/run/world/dsa_ports_reach_gro_from_5_8", test_dsa_gro_by_kernel);
	g_test_add_func("/run/world/mtk_rx_delay_fixed_before_5_10", test_irq_delay_by_kernel);
	g_test_add_func("/run/world/unsupported_distribution_refused",
			test_unsupported_distribution);
	/* last: it fails while the core offloads no reply direction through a bridge (see
	 * the report on flowtable_build_rule), and a failure ends the program */
	g_test_add_func("/run/offload/hfo_needs_far_less_cpu_than_sfo", test_sfo_vs_hfo);
	return g_test_run();
}
