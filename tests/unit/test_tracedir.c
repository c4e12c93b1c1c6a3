/* SPDX-License-Identifier: MIT */
/*
 * --trace-dir: the files hold exactly what the model prints (/proc/net/nf_conntrack via
 * ct_listing_table, conntrack -E -o timestamp via ct_listing_event_line, ppe0/entries and
 * ppe0/bind via ppe_dump), the same text reaches the results database, every file appears
 * under its final name only when whole (also when the writer is killed), the manifest is
 * JSON that says what was written, and --force replaces only a previous trace directory.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ppe.h"
#include "results.h"
#include "testutil.h"
#include "tracedir.h"

static const struct ct_listing_opts proc_opts = { .acct = 1, .zones = 1 };

/* ------------------------------------------------------------------ helpers ---- */

static char *tmp_dir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("flowsim-tracedir-XXXXXX", &err);

	g_assert_no_error(err);
	return d;
}

static void rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *p = g_build_filename(path, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			rm_rf(p);
		else
			g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(path);
}

/* Every file below dir, "sub/name" sorted, one per line. */
static void list_tree(const char *dir, const char *prefix, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, name, NULL);
		char *rel = *prefix ? g_strdup_printf("%s/%s", prefix, name) : g_strdup(name);

		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			list_tree(p, rel, out);
			g_free(rel);
		} else {
			g_ptr_array_add(out, rel);
		}
		g_free(p);
	}
	g_dir_close(d);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *tree(const char *dir)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GString *s = g_string_new(NULL);
	guint i;

	list_tree(dir, "", files);
	g_ptr_array_sort(files, cmp_str);
	for (i = 0; i < files->len; i++)
		g_string_append_printf(s, "%s\n", (char *)files->pdata[i]);
	g_ptr_array_unref(files);
	return g_string_free(s, FALSE);
}

static guint n_lines(const char *s)
{
	guint n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *read_rel(const char *dir, const char *rel)
{
	char *p = g_build_filename(dir, rel, NULL);
	char *text = tu_read_file(p, NULL);

	g_free(p);
	return text;
}

static JsonObject *manifest(const char *dir, JsonParser **parser)
{
	char *p = g_build_filename(dir, TRACEDIR_MANIFEST, NULL);
	GError *err = NULL;
	JsonNode *root;

	*parser = json_parser_new();
	g_assert_true(json_parser_load_from_file(*parser, p, &err));
	g_assert_no_error(err);
	g_free(p);
	root = json_parser_get_root(*parser);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
	return json_node_get_object(root);
}

static void udp(struct lab *lab, bool reply, u16 cport, u64 now)
{
	struct fs_packet p = reply ?
		tu_packet("10.0.2.99", 443, "10.0.2.1", cport, FS_IPPROTO_UDP, lab->wan, 1200) :
		tu_packet("10.0.1.99", cport, "10.0.2.99", 443, FS_IPPROTO_UDP, lab->lan, 1200);

	lab_send(lab, &p, now);
}

/* The lab with an MT7621 PPE, three UDP flows of which two are bound in hardware. */
static void hw_lab(struct lab *lab)
{
	GError *err = NULL;
	struct ppe_config pc;
	int i;

	g_assert_true(lab_init(lab, NULL, NULL, "lan", "wan", NULL, &err));
	g_assert_cmpint(ppe_config_for_soc(&pc, "mt7621", 606), ==, 0);
	lab_attach_ppe(lab, &pc);
	g_assert_true(lab_nft(lab, TU_RULES_HW_OFFLOAD, 0, &err));
	for (i = 0; i < 40; i++) {
		udp(lab, false, 5002, TU_SEC(10) + (u64)i * TU_MS(20));
		udp(lab, true, 5002, TU_SEC(10) + (u64)i * TU_MS(20) + 1000);
		udp(lab, false, 5003, TU_SEC(10) + (u64)i * TU_MS(20) + 2000);
	}
	udp(lab, false, 5004, TU_SEC(10) + TU_MS(900));
}

static const struct tracedir_info info_mt7621 = {
	.scenario_path = "examples/sfo-vs-hfo-mt7621.yaml",
	.seed = 42,
	.soc = "mt7621",
	.kernel = 606,
	.engine = "builtin",
	.duration_ns = 60000000000ull,
	.ct_opts = { .acct = 1, .zones = 1, .extended = 1 },
};

struct trace_rows {
	GString *names;
	GHashTable *text;        /* name -> text */
};

static gboolean collect_trace(void *arg, uint64_t t, const char *kind, const char *name,
			      const char *text)
{
	struct trace_rows *c = arg;

	g_string_append_printf(c->names, "%" G_GUINT64_FORMAT " %s %s\n", t, kind, name);
	if (g_hash_table_contains(c->text, name)) {
		/* the events come in pieces: concatenate */
		char *old = g_hash_table_lookup(c->text, name);

		g_hash_table_insert(c->text, g_strdup(name), g_strconcat(old, text, NULL));
	} else {
		g_hash_table_insert(c->text, g_strdup(name), g_strdup(text));
	}
	return TRUE;
}

/* ---------------------------------------------------------------- snapshots ---- */

static void test_snapshots_are_exactly_the_model_listings(void)
{
	char *base = tmp_dir(), *dir = g_build_filename(base, "out", "trace", NULL);
	char *db = g_build_filename(base, "run.sqlite", NULL);
	struct trace_rows rows = { g_string_new(NULL),
				   g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free) };
	char *want_ct, *want_entries, *want_bind, *got, *listing;
	struct results *res;
	struct tracedir *td;
	struct lab lab;
	GError *err = NULL;
	JsonParser *jp;
	JsonObject *m;
	JsonArray *files;
	long n;

	hw_lab(&lab);
	g_assert_cmpuint(lab_count(&lab, FS_EV_PPE_BIND, NULL), >=, 1);
	res = results_open(db, &err);
	g_assert_no_error(err);
	g_assert_true(results_begin_run(res, "x.yaml", "x", 42, 1, NULL, &err));

	td = tracedir_open(dir, res, &info_mt7621, 0, &err);
	g_assert_no_error(err);
	g_assert_nonnull(td);
	g_assert_true(tracedir_conntrack_snapshot(td, router_conntrack(lab.r), TU_SEC(11), NULL,
						  &err));
	g_assert_true(tracedir_ppe_snapshot(td, lab.ppe, 0, FALSE, TU_SEC(11), &err));
	g_assert_true(tracedir_ppe_snapshot(td, lab.ppe, 0, TRUE, TU_SEC(11), &err));
	g_assert_true(tracedir_conntrack_snapshot(td, router_conntrack(lab.r),
						  TU_SEC(12) + TU_MS(500), NULL, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(tracedir_n_files(td), ==, 4);
	g_assert_true(tracedir_close(td, TU_SEC(60), &err));
	g_assert_no_error(err);

	/* the expected texts, printed independently by the model */
	want_ct = g_malloc(1 << 16);
	g_assert_cmpint(ct_listing_table(router_conntrack(lab.r), TU_SEC(11), CT_LISTING_PROC,
					 &proc_opts, want_ct, 1 << 16), >, 0);
	want_entries = g_malloc(1 << 16);
	n = ppe_dump(lab.ppe, 0, false, want_entries, 1 << 16, TU_SEC(11));
	g_assert_cmpint(n, >, 0);
	want_bind = g_malloc(1 << 16);
	n = ppe_dump(lab.ppe, 0, true, want_bind, 1 << 16, TU_SEC(11));
	g_assert_cmpint(n, >, 0);

	listing = tree(dir);
	g_assert_cmpstr(listing, ==,
			"conntrack/proc_nf_conntrack.000011000.txt\n"
			"conntrack/proc_nf_conntrack.000012500.txt\n"
			"conntrack_events.txt\n"
			"manifest.json\n"
			"ppe0/bind.000011000.txt\n"
			"ppe0/entries.000011000.txt\n");
	g_free(listing);

	got = read_rel(dir, "conntrack/proc_nf_conntrack.000011000.txt");
	g_assert_cmpstr(got, ==, want_ct);
	/* three connections; the bound one prints as the hardware's */
	g_assert_cmpuint(n_lines(got), ==, 3);
	g_assert_nonnull(strstr(got, "[HW_OFFLOAD] mark=0 zone=0 use=3\n"));
	g_free(got);
	got = read_rel(dir, "ppe0/entries.000011000.txt");
	g_assert_cmpstr(got, ==, want_entries);
	g_free(got);
	got = read_rel(dir, "ppe0/bind.000011000.txt");
	g_assert_cmpstr(got, ==, want_bind);
	g_assert_nonnull(strstr(got, "BND"));
	g_assert_null(strstr(got, "UNB"));
	g_assert_nonnull(strstr(want_entries, "UNB"));
	g_free(got);

	/* the same text is in the run, under the same names */
	g_assert_true(results_read_traces(res, results_run_id(res), NULL, collect_trace, &rows,
					  &err));
	g_assert_cmpstr(rows.names->str, ==,
			"11000000000 conntrack conntrack/proc_nf_conntrack.000011000.txt\n"
			"11000000000 ppe_entries ppe0/entries.000011000.txt\n"
			"11000000000 ppe_bind ppe0/bind.000011000.txt\n"
			"12500000000 conntrack conntrack/proc_nf_conntrack.000012500.txt\n");
	g_assert_cmpstr(g_hash_table_lookup(rows.text,
					    "conntrack/proc_nf_conntrack.000011000.txt"), ==, want_ct);
	g_assert_cmpstr(g_hash_table_lookup(rows.text, "ppe0/entries.000011000.txt"), ==,
			want_entries);
	g_assert_cmpstr(g_hash_table_lookup(rows.text, "ppe0/bind.000011000.txt"), ==,
			want_bind);
	g_assert_true(results_finish_run(res, "{}", &err));
	results_close(res);

	/* the manifest */
	m = manifest(dir, &jp);
	g_assert_cmpstr(json_object_get_string_member(m, "format"), ==, "flowsim-trace-dir");
	g_assert_cmpint(json_object_get_int_member(m, "version"), ==, 1);
	g_assert_true(json_object_get_boolean_member(m, "complete"));
	g_assert_cmpstr(json_object_get_string_member(m, "scenario"), ==,
			"examples/sfo-vs-hfo-mt7621.yaml");
	g_assert_cmpint(json_object_get_int_member(m, "seed"), ==, 42);
	g_assert_cmpstr(json_object_get_string_member(m, "soc"), ==, "mt7621");
	g_assert_cmpstr(json_object_get_string_member(m, "kernel"), ==, "6.6");
	g_assert_cmpint(json_object_get_int_member(m, "end_ns"), ==, TU_SEC(60));
	g_assert_cmpint(json_object_get_int_member(m, "results_run_id"), ==, 1);
	files = json_object_get_array_member(m, "files");
	g_assert_cmpuint(json_array_get_length(files), ==, 4);
	{
		JsonObject *f1 = json_array_get_object_element(files, 1);
		JsonObject *samples = json_object_get_object_member(m, "samples");
		JsonArray *ct_times = json_object_get_array_member(samples,
								   "conntrack/proc_nf_conntrack");

		g_assert_cmpstr(json_object_get_string_member(f1, "path"), ==,
				"ppe0/entries.000011000.txt");
		g_assert_cmpstr(json_object_get_string_member(f1, "kind"), ==, "ppe_entries");
		g_assert_cmpint(json_object_get_int_member(f1, "ppe"), ==, 0);
		g_assert_cmpint(json_object_get_int_member(f1, "t_ns"), ==, TU_SEC(11));
		g_assert_cmpint(json_object_get_int_member(f1, "bytes"), ==,
				(gint64)strlen(want_entries));
		g_assert_cmpuint(json_array_get_length(ct_times), ==, 2);
		g_assert_cmpint(json_array_get_int_element(ct_times, 1), ==,
				TU_SEC(12) + TU_MS(500));
		g_assert_cmpuint(json_object_get_size(samples), ==, 3);
	}
	g_object_unref(jp);

	g_free(want_ct);
	g_free(want_entries);
	g_free(want_bind);
	g_string_free(rows.names, TRUE);
	g_hash_table_destroy(rows.text);
	lab_free(&lab);
	rm_rf(base);
	g_free(db);
	g_free(dir);
	g_free(base);
}

static void test_names_sort_by_time_and_bad_calls_fail(void)
{
	char *base = tmp_dir(), *dir = g_build_filename(base, "t", NULL), *listing;
	struct tracedir *td;
	struct lab lab;
	GError *err = NULL;

	hw_lab(&lab);
	td = tracedir_open(dir, NULL, NULL, 0, &err);
	g_assert_no_error(err);
	/* not a whole millisecond: the ns remainder is appended */
	g_assert_true(tracedir_text_snapshot(td, "nft", "nft/ruleset", 1500250, "table\n", &err));
	g_assert_true(tracedir_text_snapshot(td, "nft", "nft/ruleset", 1000, "t\n", &err));
	g_assert_true(tracedir_text_snapshot(td, "flowtable", "flowtable", 86400000000000ull,
					     "", &err));
	/* the same snapshot twice */
	g_assert_false(tracedir_text_snapshot(td, "nft", "nft/ruleset", 1000, "t\n", &err));
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "nft/ruleset.000000000_001000.txt written twice"));
	g_clear_error(&err);
	/* names that could leave the directory or hide */
	g_assert_false(tracedir_text_snapshot(td, "nft", "../x", 0, "", &err));
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "'../x'"));
	g_clear_error(&err);
	g_assert_false(tracedir_text_snapshot(td, "nft", "/etc/x", 0, "", &err));
	g_clear_error(&err);
	g_assert_false(tracedir_text_snapshot(td, "nft", "a//b", 0, "", &err));
	g_clear_error(&err);
	g_assert_false(tracedir_text_snapshot(td, "nft", ".hidden", 0, "", &err));
	g_clear_error(&err);
	/* MT7621 has one PPE */
	g_assert_false(tracedir_ppe_snapshot(td, lab.ppe, 1, FALSE, 0, &err));
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "no PPE 1 (the mt7621 has 1)"));
	g_clear_error(&err);
	g_assert_true(tracedir_close(td, 0, &err));
	listing = tree(dir);
	g_assert_cmpstr(listing, ==,
			"conntrack_events.txt\n"
			"flowtable.086400000.txt\n"
			"manifest.json\n"
			"nft/ruleset.000000000_001000.txt\n"
			"nft/ruleset.000000001_500250.txt\n");
	g_free(listing);
	lab_free(&lab);
	rm_rf(base);
	g_free(dir);
	g_free(base);
}

static void test_database_only_without_a_directory(void)
{
	char *base = tmp_dir(), *db = g_build_filename(base, "r.sqlite", NULL), *listing;
	struct trace_rows rows = { g_string_new(NULL),
				   g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free) };
	struct results *res;
	struct tracedir *td;
	struct lab lab;
	GError *err = NULL;

	hw_lab(&lab);
	res = results_open(db, &err);
	g_assert_true(results_begin_run(res, NULL, NULL, 1, 1, NULL, &err));
	td = tracedir_open(NULL, res, &info_mt7621, 0, &err);
	g_assert_no_error(err);
	g_assert_true(tracedir_ppe_snapshot(td, lab.ppe, 0, TRUE, TU_SEC(11), &err));
	g_assert_true(tracedir_close(td, TU_SEC(11), &err));
	g_assert_true(results_finish_run(res, "{}", &err));
	g_assert_true(results_read_traces(res, 1, "ppe_bind", collect_trace, &rows, &err));
	g_assert_cmpstr(rows.names->str, ==, "11000000000 ppe_bind ppe0/bind.000011000.txt\n");
	results_close(res);
	/* nothing but the database in the directory */
	listing = tree(base);
	g_assert_cmpstr(listing, ==, "r.sqlite\n");
	g_free(listing);
	g_string_free(rows.names, TRUE);
	g_hash_table_destroy(rows.text);
	lab_free(&lab);
	rm_rf(base);
	g_free(db);
	g_free(base);
}

/* ------------------------------------------------------------------- events ---- */

/*
 * A router like the lab's, but whose event callback is the test's: the conntrack -E line
 * must be printed while the event's conntrack entry still exists.
 */
struct ev_ctx {
	struct tracedir *td;
	struct results *res;
	GString *want;           /* ct_listing_event_line() with a timestamp, independently */
	guint n_new, n_update, n_destroy;
};

static void ev_cb(void *arg, const struct fs_event *ev)
{
	static const struct ct_listing_opts o = { .acct = 1, .zones = 1, .extended = 1,
						  .timestamp = 1 };
	struct ev_ctx *c = arg;
	char line[1024];

	if (ct_listing_event_line(ev, &o, line, sizeof(line)) > 0)
		g_string_append(c->want, line);
	c->n_new += ev->type == FS_EV_CT_NEW;
	c->n_update += ev->type == FS_EV_CT_UPDATE;
	c->n_destroy += ev->type == FS_EV_CT_DESTROY;
	if (c->td)
		tracedir_ct_event(c->td, ev);
	if (c->res)
		results_record_event(c->res, ev);
}

static u16 ev_port(struct fs_netconf *nc, const char *name, const char *v4, u8 mac)
{
	struct fs_netdev d;
	union fs_addr a = tu_addr(v4);
	int idx;

	memset(&d, 0, sizeof(d));
	g_strlcpy(d.name, name, sizeof(d.name));
	d.kind = FS_NETDEV_ETHER;
	d.up = 1;
	d.mtu = 1500;
	d.gmac = 0xff;
	d.mac[0] = 0x02;
	d.mac[5] = mac;
	idx = fs_netdev_add(nc, &d);
	g_assert_cmpint(idx, >, 0);
	fs_ifaddr_add(nc, (u16)idx, FS_AF_INET, &a, 24);
	return (u16)idx;
}

static void ev_neigh_route(struct fs_netconf *nc, u16 dev, const char *host, const char *net)
{
	struct fs_neigh n;
	struct fs_route rt;

	memset(&n, 0, sizeof(n));
	n.addr = tu_addr(host);
	n.family = FS_AF_INET;
	n.ifindex = dev;
	n.port = dev;
	n.valid = 1;
	n.mac[0] = 0x02;
	n.mac[5] = (u8)dev;
	g_assert_cmpint(fs_neigh_update(nc, &n), ==, 0);
	memset(&rt, 0, sizeof(rt));
	rt.prefix = tu_addr(net);
	rt.family = FS_AF_INET;
	rt.plen = 24;
	rt.oif = dev;
	fs_route_add(nc, &rt);
}

static struct router *ev_router(struct ev_ctx *c, u16 *lan, u16 *wan)
{
	static const char *rules =
		"table inet fw4 {\n"
		"	flowtable ft { hook ingress priority 0; devices = { lan, wan }; counter; }\n"
		"	chain forward {\n"
		"		type filter hook forward priority filter; policy accept;\n"
		"		meta l4proto { tcp, udp } flow offload @ft\n"
		"	}\n"
		"	chain srcnat {\n"
		"		type nat hook postrouting priority srcnat; policy accept;\n"
		"		oifname \"wan\" meta nfproto ipv4 masquerade\n"
		"	}\n"
		"}\n";
	struct router_config cfg;
	struct ruleset_error rerr;
	struct router *r;

	router_config_default(&cfg);
	r = router_create(&cfg, ev_cb, c);
	g_assert_nonnull(r);
	*lan = ev_port(router_netconf(r), "lan", "10.0.1.1", 1);
	*wan = ev_port(router_netconf(r), "wan", "10.0.2.1", 2);
	ev_neigh_route(router_netconf(r), *lan, "10.0.1.99", "10.0.1.0");
	ev_neigh_route(router_netconf(r), *wan, "10.0.2.99", "10.0.2.0");
	g_assert_cmpint(router_apply_ruleset(r, rules, strlen(rules), 0, &rerr), ==, 0);
	return r;
}

static void ev_send(struct router *r, u16 lan, u16 wan, bool reply, u16 cport, u64 now)
{
	struct router_result res;
	struct fs_packet p = reply ?
		tu_packet("10.0.2.99", 443, "10.0.2.1", cport, FS_IPPROTO_UDP, wan, 200) :
		tu_packet("10.0.1.99", cport, "10.0.2.99", 443, FS_IPPROTO_UDP, lan, 200);

	router_timers(r, now);
	router_receive(r, &p, now, &res);
}

/* Drive connections through NEW, UPDATE (reply, assured) and DESTROY (timeout). */
static void ev_traffic(struct router *r, u16 lan, u16 wan, int flows)
{
	int f, i;

	for (f = 0; f < flows; f++) {
		u64 t0 = TU_SEC(1) + (u64)f * TU_MS(3);

		ev_send(r, lan, wan, false, (u16)(6000 + f), t0);
		for (i = 1; i < 4; i++) {
			ev_send(r, lan, wan, true, (u16)(6000 + f), t0 + (u64)i * TU_MS(100));
			ev_send(r, lan, wan, false, (u16)(6000 + f), t0 + (u64)i * TU_MS(100) + 1);
		}
	}
	/* idle: flowtable and conntrack time the entries out */
	for (i = 5; i <= 400; i += 5)
		router_timers(r, TU_SEC(i));
}

static void test_events_are_timestamped_ct_listing_lines(void)
{
	char *base = tmp_dir(), *dir = g_build_filename(base, "t", NULL);
	char *db = g_build_filename(base, "r.sqlite", NULL), *got, *first_line;
	struct trace_rows rows = { g_string_new(NULL),
				   g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free) };
	struct ev_ctx c = { .want = g_string_new(NULL) };
	GError *err = NULL;
	struct router *r;
	JsonParser *jp;
	JsonObject *m, *evs;
	u16 lan, wan;
	char *tmp_events = g_build_filename(dir, ".conntrack_events.txt.tmp", NULL);
	char *final_events = g_build_filename(dir, TRACEDIR_EVENTS, NULL);

	c.res = results_open(db, &err);
	g_assert_true(results_begin_run(c.res, NULL, NULL, 1, 1, NULL, &err));
	c.td = tracedir_open(dir, c.res, &info_mt7621, 0, &err);
	g_assert_no_error(err);
	r = ev_router(&c, &lan, &wan);
	/* 400 connections: the event text goes to the database in more than one piece */
	ev_traffic(r, lan, wan, 400);
	g_assert_cmpuint(c.n_new, ==, 400);
	g_assert_cmpuint(c.n_update, >=, 400);
	g_assert_cmpuint(c.n_destroy, ==, 400);
	g_assert_cmpuint(c.want->len, >, 64 * 1024);
	g_assert_null(tracedir_pending_error(c.td));

	/* until the run ends, the events are not under their final name */
	g_assert_true(g_file_test(tmp_events, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(final_events, G_FILE_TEST_EXISTS));
	m = manifest(dir, &jp);
	g_assert_false(json_object_get_boolean_member(m, "complete"));
	g_object_unref(jp);

	g_assert_true(tracedir_close(c.td, TU_SEC(400), &err));
	g_assert_no_error(err);
	c.td = NULL;
	g_assert_false(g_file_test(tmp_events, G_FILE_TEST_EXISTS));
	got = read_rel(dir, TRACEDIR_EVENTS);
	g_assert_cmpstr(got, ==, c.want->str);
	/* conntrack -E -o extended,timestamp: "[sec.usec]\t" then the event */
	first_line = g_strndup(got, strchr(got, '\n') - got);
	g_assert_true(g_str_has_prefix(first_line,
				       "[00000001.000000]\t    [NEW] ipv4     2 udp      17 "));
	g_assert_nonnull(strstr(got, "]\t[DESTROY] ipv4     2 udp      17 "));
	g_free(first_line);

	/* the database has the same text, in pieces whose concatenation is the file */
	g_assert_true(results_read_traces(c.res, 1, TRACEDIR_KIND_CT_EVENTS, collect_trace,
					  &rows, &err));
	g_assert_cmpstr(g_hash_table_lookup(rows.text, TRACEDIR_EVENTS), ==, got);
	g_assert_cmpuint(n_lines(rows.names->str), >=, 2);
	/* and every core event as a row */
	g_assert_true(results_finish_run(c.res, "{}", &err));
	{
		struct results_run_info *info = results_get_run(c.res, 1, &err);

		g_assert_cmpuint(info->n_events, >=, c.n_new + c.n_update + c.n_destroy);
		results_run_info_free(info);
	}
	results_close(c.res);

	m = manifest(dir, &jp);
	g_assert_true(json_object_get_boolean_member(m, "complete"));
	evs = json_object_get_object_member(m, "conntrack_events");
	g_assert_cmpstr(json_object_get_string_member(evs, "path"), ==, TRACEDIR_EVENTS);
	g_assert_cmpstr(json_object_get_string_member(evs, "format"), ==,
			"conntrack -E -o extended,timestamp");
	g_assert_cmpint(json_object_get_int_member(evs, "lines"), ==,
			c.n_new + c.n_update + c.n_destroy);
	g_object_unref(jp);

	g_free(got);
	router_destroy(r);
	g_string_free(c.want, TRUE);
	g_string_free(rows.names, TRUE);
	g_hash_table_destroy(rows.text);
	rm_rf(base);
	g_free(tmp_events);
	g_free(final_events);
	g_free(db);
	g_free(dir);
	g_free(base);
}

static void test_abort_keeps_whole_snapshots_and_drops_the_events(void)
{
	char *base = tmp_dir(), *dir = g_build_filename(base, "t", NULL), *listing;
	struct ev_ctx c = { .want = g_string_new(NULL) };
	GError *err = NULL;
	struct router *r;
	JsonParser *jp;
	JsonObject *m;
	u16 lan, wan;

	c.td = tracedir_open(dir, NULL, &info_mt7621, 0, &err);
	g_assert_no_error(err);
	r = ev_router(&c, &lan, &wan);
	ev_traffic(r, lan, wan, 3);
	g_assert_true(tracedir_conntrack_snapshot(c.td, router_conntrack(r), TU_SEC(1), NULL,
						  &err));
	tracedir_abort(c.td);
	listing = tree(dir);
	g_assert_cmpstr(listing, ==, "conntrack/proc_nf_conntrack.000001000.txt\nmanifest.json\n");
	g_free(listing);
	m = manifest(dir, &jp);
	g_assert_false(json_object_get_boolean_member(m, "complete"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(m, "files")), ==, 1);
	g_assert_true(json_object_get_null_member(json_object_get_object_member(
		m, "conntrack_events"), "path"));
	g_object_unref(jp);
	router_destroy(r);
	g_string_free(c.want, TRUE);
	rm_rf(base);
	g_free(dir);
	g_free(base);
}

/* ------------------------------------------------------- existing directory ---- */

static void test_existing_directory_needs_force_and_must_be_ours(void)
{
	char *base = tmp_dir(), *dir = g_build_filename(base, "t", NULL), *listing;
	char *user = g_build_filename(dir, "notes.txt", NULL);
	char *file = g_build_filename(base, "plain", NULL);
	struct tracedir *td;
	GError *err = NULL;

	/* an empty existing directory is fine */
	g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
	td = tracedir_open(dir, NULL, NULL, 0, &err);
	g_assert_no_error(err);
	g_assert_true(tracedir_text_snapshot(td, "nft", "nft/ruleset", TU_SEC(1), "a\n", &err));
	g_assert_true(tracedir_close(td, TU_SEC(1), &err));

	/* a previous trace directory: refused without --force */
	td = tracedir_open(dir, NULL, NULL, 0, &err);
	g_assert_null(td);
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_EXISTS);
	g_assert_nonnull(strstr(err->message, dir));
	g_assert_nonnull(strstr(err->message, "exists and is not empty"));
	g_clear_error(&err);

	/* replaced with it: the old files are gone */
	td = tracedir_open(dir, NULL, NULL, TRACEDIR_FORCE, &err);
	g_assert_no_error(err);
	g_assert_true(tracedir_text_snapshot(td, "nft", "nft/ruleset", TU_SEC(2), "b\n", &err));
	g_assert_true(tracedir_close(td, TU_SEC(2), &err));
	listing = tree(dir);
	g_assert_cmpstr(listing, ==,
			"conntrack_events.txt\nmanifest.json\nnft/ruleset.000002000.txt\n");
	g_free(listing);

	/* something of the user's in it: refused, nothing of the user's is deleted */
	g_assert_true(g_file_set_contents(user, "mine\n", -1, NULL));
	td = tracedir_open(dir, NULL, NULL, TRACEDIR_FORCE, &err);
	g_assert_null(td);
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_FOREIGN);
	g_assert_nonnull(strstr(err->message, "notes.txt was not written by flowsim"));
	g_clear_error(&err);
	g_assert_true(g_file_test(user, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));

	/* a directory that never was a trace directory: --force refuses to touch it */
	g_unlink(user);
	rm_rf(dir);
	g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(user, "mine\n", -1, NULL));
	td = tracedir_open(dir, NULL, NULL, TRACEDIR_FORCE, &err);
	g_assert_null(td);
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_FOREIGN);
	g_assert_nonnull(strstr(err->message, "not a flowsim trace directory"));
	g_clear_error(&err);
	g_assert_true(g_file_test(user, G_FILE_TEST_EXISTS));

	/* a file in the way */
	g_assert_true(g_file_set_contents(file, "x", -1, NULL));
	td = tracedir_open(file, NULL, NULL, TRACEDIR_FORCE, &err);
	g_assert_null(td);
	g_assert_error(err, TRACEDIR_ERROR, TRACEDIR_ERROR_EXISTS);
	g_assert_nonnull(strstr(err->message, "exists and is not a directory"));
	g_clear_error(&err);

	rm_rf(base);
	g_free(file);
	g_free(user);
	g_free(dir);
	g_free(base);
}

/* ------------------------------------------------------------------ kill -9 ---- */

#define BLOB_BYTES (3 * 1024 * 1024)

static char *blob_text(void)
{
	char *t = g_malloc(BLOB_BYTES + 1);
	guint i;

	for (i = 0; i < BLOB_BYTES; i++)
		t[i] = (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
	t[BLOB_BYTES] = 0;
	return t;
}

static G_NORETURN void child_snapshots(const char *dir, int ready_fd)
{
	char *text = blob_text();
	struct tracedir *td = tracedir_open(dir, NULL, NULL, TRACEDIR_FORCE, NULL);
	char one = 1;
	int i;

	if (!td)
		_exit(2);
	for (i = 0; i < 100000; i++) {
		if (!tracedir_text_snapshot(td, "blob", "blob/data", (u64)i * TU_MS(1), text, NULL))
			_exit(3);
		if (i == 0 && write(ready_fd, &one, 1) != 1)
			_exit(4);
	}
	_exit(0);
}

static void test_killed_writer_never_leaves_a_partial_file(void)
{
	static const gulong delays_us[] = { 0, 700, 2000, 5000, 11000, 23000 };
	char *base = tmp_dir(), *dir = g_build_filename(base, "t", NULL);
	char *blob = blob_text();
	guint k, whole = 0, mid_write = 0;

	for (k = 0; k < G_N_ELEMENTS(delays_us); k++) {
		GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
		JsonParser *jp;
		int p[2], status;
		pid_t pid;
		char c;
		guint i;

		g_assert_cmpint(pipe(p), ==, 0);
		pid = fork();
		g_assert_cmpint(pid, >=, 0);
		if (pid == 0) {
			close(p[0]);
			child_snapshots(dir, p[1]);
		}
		close(p[1]);
		g_assert_cmpint(read(p[0], &c, 1), ==, 1);
		close(p[0]);
		if (delays_us[k])
			g_usleep(delays_us[k]);
		g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
		g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
		g_assert_true(WIFSIGNALED(status));

		/* every snapshot under a final name is whole; the manifest says incomplete */
		list_tree(dir, "", files);
		for (i = 0; i < files->len; i++) {
			const char *rel = files->pdata[i];
			const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

			if (name[0] == '.') {
				g_assert_true(g_str_has_suffix(name, ".tmp"));
				mid_write += g_str_has_prefix(rel, "blob/");
				continue;
			}
			if (g_str_has_prefix(rel, "blob/")) {
				char *got = read_rel(dir, rel);

				g_assert_cmpuint(strlen(got), ==, BLOB_BYTES);
				g_assert_true(memcmp(got, blob, BLOB_BYTES) == 0);
				g_free(got);
				whole++;
			} else {
				g_assert_cmpstr(rel, ==, TRACEDIR_MANIFEST);
			}
		}
		g_assert_false(json_object_get_boolean_member(manifest(dir, &jp), "complete"));
		g_object_unref(jp);
		g_ptr_array_unref(files);
	}
	g_test_message("%zu kills (%u in the middle of a snapshot), %u whole 3 MiB snapshots "
		       "checked", G_N_ELEMENTS(delays_us), mid_write, whole);
	g_assert_cmpuint(whole, >, 0);
	/* --force clears what the killed run left, temporaries included */
	{
		GError *err = NULL;
		struct tracedir *td = tracedir_open(dir, NULL, NULL, TRACEDIR_FORCE, &err);
		char *listing;

		g_assert_no_error(err);
		tracedir_abort(td);
		listing = tree(dir);
		g_assert_cmpstr(listing, ==, "manifest.json\n");
		g_free(listing);
	}
	g_free(blob);
	rm_rf(base);
	g_free(dir);
	g_free(base);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tracedir/snapshots/are_exactly_the_model_listings",
			test_snapshots_are_exactly_the_model_listings);
	g_test_add_func("/tracedir/snapshots/names_sort_by_time_and_bad_calls_fail",
			test_names_sort_by_time_and_bad_calls_fail);
	g_test_add_func("/tracedir/snapshots/database_only_without_a_directory",
			test_database_only_without_a_directory);
	g_test_add_func("/tracedir/events/are_timestamped_ct_listing_lines",
			test_events_are_timestamped_ct_listing_lines);
	g_test_add_func("/tracedir/abort/keeps_whole_snapshots_and_drops_the_events",
			test_abort_keeps_whole_snapshots_and_drops_the_events);
	g_test_add_func("/tracedir/force/existing_directory_needs_force_and_must_be_ours",
			test_existing_directory_needs_force_and_must_be_ours);
	g_test_add_func("/tracedir/kill/killed_writer_never_leaves_a_partial_file",
			test_killed_writer_never_leaves_a_partial_file);
	return g_test_run();
}
