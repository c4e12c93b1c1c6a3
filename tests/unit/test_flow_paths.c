// SPDX-License-Identifier: MIT
/*
 * test_flow_paths.c - the results database's flows.path_json: packets of each flow per
 * path (slow, flowtable, PPE, WED), as sim_router forwarded them.  Over all flows each path
 * adds up to the run summary's path packets, and a flow's own counts show how it was
 * forwarded: with hardware offload, a bulk TCP flow starts on the CPU (slow path, then the
 * flowtable until the PPE binds it) and then runs on the PPE.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "testutil.h"

#define SCN FLOWSIM_SOURCE_DIR "/tests/data/calibration/row24-mt7981-hfo-up.yaml"

static const char *const paths[] = { "slow", "flowtable", "ppe", "wed" };

static void test_path_json_per_flow(void)
{
	char *dir = g_dir_make_tmp("flowpaths-XXXXXX", NULL);
	char *db = g_build_filename(dir, "r.db", NULL);
	char *js = g_build_filename(dir, "r.json", NULL);
	const char *args[] = { "run", SCN, "--duration", "3s", "--db", db, "--json", js, NULL };
	gint64 sum[4] = { 0 }, bulk[4] = { 0 };
	JsonParser *jp = json_parser_new();
	JsonObject *summary;
	char *out, *err;
	sqlite3 *h;
	sqlite3_stmt *st;
	int rows = 0, i;

	g_assert_nonnull(dir);
	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	g_free(out);
	g_free(err);

	g_assert_cmpint(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(h, "SELECT type, path_json FROM flows ORDER BY flow",
					   -1, &st, NULL), ==, SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *pj = (const char *)sqlite3_column_text(st, 1);
		JsonParser *p = json_parser_new();
		JsonObject *o;

		g_assert_nonnull(pj);
		g_assert_true(json_parser_load_from_data(p, pj, -1, NULL));
		o = json_node_get_object(json_parser_get_root(p));
		/* exactly the four paths, integers */
		g_assert_cmpuint(json_object_get_size(o), ==, 4);
		for (i = 0; i < 4; i++) {
			gint64 v = json_object_get_int_member(o, paths[i]);

			g_assert_cmpint(v, >=, 0);
			sum[i] += v;
			if (!strcmp(type, "tcp_bulk"))
				bulk[i] += v;
		}
		g_object_unref(p);
		rows++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	g_assert_cmpint(rows, >=, 1);

	/* the flow went to the PPE after starting on the CPU; no Wi-Fi, so no WED */
	g_assert_cmpint(bulk[0], >=, 1);
	g_assert_cmpint(bulk[2], >, bulk[0] + bulk[1]);
	g_assert_cmpint(bulk[3], ==, 0);

	/* the flows' counts add up to the summary's per-path packets */
	g_assert_true(json_parser_load_from_file(jp, js, NULL));
	summary = json_object_get_object_member(json_node_get_object(json_parser_get_root(jp)),
						"paths");
	for (i = 0; i < 4; i++)
		g_assert_cmpint(sum[i], ==, json_object_get_int_member(
				json_object_get_object_member(summary, paths[i]), "packets"));
	g_object_unref(jp);

	g_unlink(db);
	g_unlink(js);
	g_rmdir(dir);
	g_free(db);
	g_free(js);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/results/path_json/per_flow_paths_add_up_to_the_summary",
			test_path_json_per_flow);
	return g_test_run();
}
