/* SPDX-License-Identifier: MIT */
/*
 * The results database: the schema, exact read-back of everything a run writes, and the
 * guarantee that an interrupted run leaves nothing - including a writer process killed with
 * SIGKILL in the middle of a run and at arbitrary moments of a stream of runs.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "event.h"
#include "results.h"
#include "testutil.h"

/* ------------------------------------------------------------------ fixture ---- */

struct fx {
	char *dir;
	char *db;
};

static void fx_setup(struct fx *f, gconstpointer data)
{
	GError *err = NULL;

	f->dir = g_dir_make_tmp("flowsim-results-XXXXXX", &err);
	g_assert_no_error(err);
	f->db = g_build_filename(f->dir, "run.sqlite", NULL);
}

static void fx_teardown(struct fx *f, gconstpointer data)
{
	GDir *d = g_dir_open(f->dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *p = g_build_filename(f->dir, name, NULL);

		g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(f->dir);
	g_free(f->db);
	g_free(f->dir);
}

static struct results *open_ok(const char *path)
{
	GError *err = NULL;
	struct results *r = results_open(path, &err);

	g_assert_no_error(err);
	g_assert_nonnull(r);
	return r;
}

static void begin_ok(struct results *r, uint64_t seed)
{
	GError *err = NULL;

	g_assert_true(results_begin_run(r, "scn.yaml", "duration: 1s\n", seed, 1000000000ull,
					"builtin", &err));
	g_assert_no_error(err);
}

static void finish_ok(struct results *r, const char *summary)
{
	GError *err = NULL;

	g_assert_true(results_finish_run(r, summary, &err));
	g_assert_no_error(err);
}

/* One integer or text from raw SQL on a separate connection (what sqlite3 would see). */
static char *sql_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static int64_t sql_int(const char *path, const char *sql)
{
	char *t = sql_text(path, sql);
	int64_t v;

	g_assert_nonnull(t);
	v = g_ascii_strtoll(t, NULL, 10);
	g_free(t);
	return v;
}

static guint n_runs(const char *path)
{
	GError *err = NULL;
	struct results *r = results_open_readonly(path, &err);
	GPtrArray *runs;
	guint n;

	g_assert_no_error(err);
	runs = results_list_runs(r, &err);
	g_assert_no_error(err);
	n = runs->len;
	g_ptr_array_unref(runs);
	results_close(r);
	return n;
}

/* -------------------------------------------------------------------- schema ---- */

static void test_schema_created_with_tables_version_and_wal(struct fx *f, gconstpointer d)
{
	static const char *const tables[] = { "runs", "timeseries", "flows", "events", "traces" };
	static const char *const columns[] = {
		"id,started_wall,scenario_path,scenario_text,seed,duration_ns,engine,"
		"flowsim_version,summary_json",
		"run_id,t_ns,metric,key,value",
		"run_id,flow,name,type,family,proto,client,server,sport,dport,bytes_sent,"
		"bytes_delivered,goodput_bps,lost,lat_p50_ns,lat_p99_ns,path_json",
		"run_id,t_ns,type,detail,aux,orig,reply",
		"run_id,t_ns,kind,name,text",
	};
	struct results *r = open_ok(f->db);
	char *mode;
	guint i;

	results_close(r);
	for (i = 0; i < G_N_ELEMENTS(tables); i++) {
		char *sql = g_strdup_printf("SELECT group_concat(name, ',') FROM "
					    "(SELECT name FROM pragma_table_info('%s') ORDER BY cid)",
					    tables[i]);
		char *cols = sql_text(f->db, sql);

		g_assert_cmpstr(cols, ==, columns[i]);
		g_free(cols);
		g_free(sql);
	}
	g_assert_cmpint(sql_int(f->db, "PRAGMA user_version"), ==, RESULTS_SCHEMA_VERSION);
	g_assert_cmpint(sql_int(f->db, "PRAGMA application_id"), ==, 0x6673696d);
	mode = sql_text(f->db, "PRAGMA journal_mode");
	g_assert_cmpstr(mode, ==, "wal");
	g_free(mode);
	/* opening again keeps the schema (no second CREATE) */
	r = open_ok(f->db);
	results_close(r);
	g_assert_cmpuint(n_runs(f->db), ==, 0);
}

/* ----------------------------------------------------------------- read-back ---- */

struct sample { uint64_t t; const char *metric, *key; double v; };

static const struct sample samples[] = {
	{ 0, "throughput_bps", "wan", 0.0 },
	{ 1000000000, "throughput_bps", "wan", 941234567.25 },
	{ 1000000000, "cpu_util", "cpu0", 0.875 },
	{ 2000000000, "ppe_bound", "", 12 },
	{ 2000000000, "odd", "nan", NAN },
	{ 3000000000, "big", "x", 1e300 },
};

struct collect {
	guint n;
	GString *log;
};

static gboolean collect_sample(void *arg, uint64_t t, const char *metric, const char *key,
			       double v)
{
	struct collect *c = arg;
	const struct sample *s = &samples[c->n];

	g_assert_cmpuint(c->n, <, G_N_ELEMENTS(samples));
	g_assert_cmpuint(t, ==, s->t);
	g_assert_cmpstr(metric, ==, s->metric);
	g_assert_cmpstr(key, ==, s->key);
	if (isnan(s->v))
		g_assert_true(isnan(v));
	else
		g_assert_true(v == s->v);   /* bit-exact doubles */
	c->n++;
	return TRUE;
}

static const struct results_flow flows[] = {
	{ .flow = 0, .name = "bulk", .type = "tcp_bulk", .family = 2, .proto = 6,
	  .client = "pc", .server = "mirror", .sport = 40000, .dport = 443,
	  .bytes_sent = 18446744073709551615ull, .bytes_delivered = 123456789012ull,
	  .goodput_bps = 812345678.5, .lost = 17, .lat_p50_ns = 1500000, .lat_p99_ns = 9000000,
	  .path_json = "{\"slow\":3,\"flowtable\":120,\"ppe\":99000}" },
	{ .flow = 7, .name = NULL, .type = "udp", .family = 10, .proto = 17,
	  .client = "sta", .server = NULL, .sport = 5000, .dport = 5001,
	  .bytes_sent = 0, .bytes_delivered = 0, .goodput_bps = NAN, .lost = 0,
	  .lat_p50_ns = -1, .lat_p99_ns = -1, .path_json = NULL },
};

static gboolean collect_flow(void *arg, const struct results_flow *got)
{
	struct collect *c = arg;
	const struct results_flow *e = &flows[c->n];

	g_assert_cmpuint(c->n, <, G_N_ELEMENTS(flows));
	g_assert_cmpuint(got->flow, ==, e->flow);
	g_assert_cmpstr(got->name, ==, e->name);
	g_assert_cmpstr(got->type, ==, e->type);
	g_assert_cmpuint(got->family, ==, e->family);
	g_assert_cmpuint(got->proto, ==, e->proto);
	g_assert_cmpstr(got->client, ==, e->client);
	g_assert_cmpstr(got->server, ==, e->server);
	g_assert_cmpuint(got->sport, ==, e->sport);
	g_assert_cmpuint(got->dport, ==, e->dport);
	g_assert_cmpuint(got->bytes_sent, ==, e->bytes_sent);
	g_assert_cmpuint(got->bytes_delivered, ==, e->bytes_delivered);
	if (isnan(e->goodput_bps))
		g_assert_true(isnan(got->goodput_bps));
	else
		g_assert_true(got->goodput_bps == e->goodput_bps);
	g_assert_cmpuint(got->lost, ==, e->lost);
	g_assert_cmpint(got->lat_p50_ns, ==, e->lat_p50_ns);
	g_assert_cmpint(got->lat_p99_ns, ==, e->lat_p99_ns);
	g_assert_cmpstr(got->path_json, ==, e->path_json);
	c->n++;
	return TRUE;
}

static gboolean collect_event(void *arg, const struct results_event_row *e)
{
	struct collect *c = arg;

	g_string_append_printf(c->log, "%" G_GUINT64_FORMAT "|%s|%u|%u|%s|%s\n", e->t_ns,
			       e->type, e->detail, e->aux, e->orig ? e->orig : "NULL",
			       e->reply ? e->reply : "NULL");
	c->n++;
	return TRUE;
}

static gboolean collect_trace(void *arg, uint64_t t, const char *kind, const char *name,
			      const char *text)
{
	struct collect *c = arg;

	g_string_append_printf(c->log, "%" G_GUINT64_FORMAT "|%s|%s|%s", t, kind, name, text);
	c->n++;
	return TRUE;
}

static gboolean stop_after_one(void *arg, uint64_t t, const char *metric, const char *key,
			       double v)
{
	(*(guint *)arg)++;
	return FALSE;
}

static void test_run_reads_back_exactly(struct fx *f, gconstpointer d)
{
	const uint64_t seed = 0xfedcba9876543210ull;   /* > 2^63: stored as the same bits */
	struct results *r = open_ok(f->db);
	struct results_run_info *info;
	struct collect c = { 0, g_string_new(NULL) };
	struct fs_event ev;
	GError *err = NULL;
	guint i, stopped = 0;
	int64_t id;

	g_setenv("SOURCE_DATE_EPOCH", "1700000000", TRUE);
	g_assert_true(results_begin_run(r, "/tmp/sfo.yaml", "duration: 60s\nseed: 1\n", seed,
					60000000000ull, "builtin", &err));
	g_unsetenv("SOURCE_DATE_EPOCH");
	g_assert_no_error(err);
	id = results_run_id(r);
	g_assert_cmpint(id, >, 0);
	g_assert_true(results_in_run(r));
	for (i = 0; i < G_N_ELEMENTS(samples); i++)
		results_sample(r, samples[i].t, samples[i].metric, samples[i].key, samples[i].v);
	for (i = 0; i < G_N_ELEMENTS(flows); i++)
		results_flow(r, &flows[i]);
	results_event(r, 5, "ct_new", 0, 0, "udp src=a", NULL);
	memset(&ev, 0, sizeof(ev));
	ev.time = 1500000000;
	ev.type = FS_EV_PPE_BIND;
	ev.detail = 1234;
	ev.aux = 1;
	ev.orig = tu_packet("10.0.1.99", 5000, "10.0.2.99", 443, FS_IPPROTO_UDP, 1, 100).t;
	ev.reply = tu_packet("10.0.2.99", 443, "10.0.2.1", 5000, FS_IPPROTO_UDP, 2, 100).t;
	results_record_event(r, &ev);
	ev.type = FS_EV_PPE_FULL;
	memset(&ev.orig, 0, sizeof(ev.orig));
	memset(&ev.reply, 0, sizeof(ev.reply));
	results_record_event(r, &ev);
	ev.type = FS_EV_CT_NEW;
	ev.orig = tu_packet("dead:1::99", 0x1234, "dead:2::99", 0x8000, FS_IPPROTO_ICMPV6, 1,
			    100).t;
	results_record_event(r, &ev);
	results_trace(r, 1000000000, "conntrack", "conntrack/proc_nf_conntrack.000001000.txt",
		      "ipv4     2 udp      17 29 src=10.0.1.99\n");
	results_trace(r, 1000000000, "ppe_bind", "ppe0/bind.000001000.txt", "");
	g_assert_null(results_pending_error(r));
	finish_ok(r, "{\"throughput_bps\": 9.4e8}");
	g_assert_false(results_in_run(r));
	results_close(r);

	/* a read-only connection sees all of it, unchanged */
	r = results_open_readonly(f->db, &err);
	g_assert_no_error(err);
	info = results_get_run(r, id, &err);
	g_assert_no_error(err);
	g_assert_cmpint(info->id, ==, id);
	g_assert_cmpstr(info->started_wall, ==, "2023-11-14T22:13:20Z");
	g_assert_cmpstr(info->scenario_path, ==, "/tmp/sfo.yaml");
	g_assert_cmpstr(info->scenario_text, ==, "duration: 60s\nseed: 1\n");
	g_assert_cmpuint(info->seed, ==, seed);
	g_assert_cmpuint(info->duration_ns, ==, 60000000000ull);
	g_assert_cmpstr(info->engine, ==, "builtin");
	g_assert_cmpstr(info->flowsim_version, ==, FLOWSIM_VERSION);
	g_assert_cmpstr(info->summary_json, ==, "{\"throughput_bps\": 9.4e8}");
	g_assert_cmpuint(info->n_samples, ==, G_N_ELEMENTS(samples));
	g_assert_cmpuint(info->n_flows, ==, G_N_ELEMENTS(flows));
	g_assert_cmpuint(info->n_events, ==, 4);
	g_assert_cmpuint(info->n_traces, ==, 2);
	results_run_info_free(info);

	g_assert_true(results_read_samples(r, id, NULL, collect_sample, &c, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(c.n, ==, G_N_ELEMENTS(samples));
	c.n = 0;
	g_assert_true(results_read_flows(r, id, collect_flow, &c, &err));
	g_assert_cmpuint(c.n, ==, G_N_ELEMENTS(flows));
	c.n = 0;
	g_assert_true(results_read_events(r, id, collect_event, &c, &err));
	g_assert_cmpstr(c.log->str, ==,
			"5|ct_new|0|0|udp src=a|NULL\n"
			"1500000000|ppe_bind|1234|1|udp src=10.0.1.99 dst=10.0.2.99 sport=5000 "
			"dport=443|udp src=10.0.2.99 dst=10.0.2.1 sport=443 dport=5000\n"
			"1500000000|ppe_full|1234|1|NULL|NULL\n"
			"1500000000|ct_new|1234|1|icmpv6 src=dead:1::99 dst=dead:2::99 type=128 "
			"code=0 id=4660|NULL\n");
	g_string_truncate(c.log, 0);
	c.n = 0;
	g_assert_true(results_read_traces(r, id, NULL, collect_trace, &c, &err));
	g_assert_cmpstr(c.log->str, ==,
			"1000000000|conntrack|conntrack/proc_nf_conntrack.000001000.txt|"
			"ipv4     2 udp      17 29 src=10.0.1.99\n"
			"1000000000|ppe_bind|ppe0/bind.000001000.txt|");
	g_string_truncate(c.log, 0);
	c.n = 0;
	g_assert_true(results_read_traces(r, id, "ppe_bind", collect_trace, &c, &err));
	g_assert_cmpuint(c.n, ==, 1);
	/* filters and early stop */
	g_assert_true(results_read_samples(r, id, "throughput_bps", stop_after_one, &stopped,
					   &err));
	g_assert_cmpuint(stopped, ==, 1);
	results_close(r);
	g_string_free(c.log, TRUE);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM timeseries WHERE value IS NULL"),
			==, 1);
}

static void test_event_names_match_the_core(struct fx *f, gconstpointer d)
{
	char buf[160];
	struct fs_tuple t = tu_packet("10.0.1.99", 1, "10.0.2.99", 2, FS_IPPROTO_GRE, 1, 0).t;

	/* protocols without ports print addresses only; unknown ones their number */
	results_tuple_text(&t, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "gre src=10.0.1.99 dst=10.0.2.99");
	t.proto = 132;
	results_tuple_text(&t, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "proto=132 src=10.0.1.99 dst=10.0.2.99");
	g_assert_cmpint(results_tuple_text(&t, buf, 8), ==, 7);
	g_assert_cmpstr(buf, ==, "proto=1");
}

/* ---------------------------------------------------------- never finished ---- */

static void test_unfinished_run_is_absent_after_reopen(struct fx *f, gconstpointer d)
{
	struct results *r = open_ok(f->db);
	char *seeds;
	int i;

	begin_ok(r, 1);
	finish_ok(r, NULL);
	begin_ok(r, 2);
	for (i = 0; i < 1000; i++)
		results_sample(r, (uint64_t)i * 1000000, "m", "k", i);
	results_trace(r, 0, "conntrack", "x", "text");
	results_close(r);   /* no finish: rolled back */

	g_assert_cmpuint(n_runs(f->db), ==, 1);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM timeseries"), ==, 0);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM traces"), ==, 0);
	g_assert_cmpint(sql_int(f->db, "SELECT summary_json IS NOT NULL FROM runs"), ==, 1);

	/* explicit abort, then the connection is usable for the next run */
	r = open_ok(f->db);
	begin_ok(r, 3);
	results_sample(r, 0, "m", "k", 1);
	results_abort_run(r);
	g_assert_false(results_in_run(r));
	begin_ok(r, 4);
	results_sample(r, 0, "m", "k", 1);
	finish_ok(r, "{}");
	results_close(r);
	g_assert_cmpuint(n_runs(f->db), ==, 2);
	seeds = sql_text(f->db, "SELECT group_concat(seed) FROM runs");
	g_assert_cmpstr(seeds, ==, "1,4");
	g_free(seeds);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM timeseries"), ==, 1);
}

static void test_complete_runs_get_distinct_ids(struct fx *f, gconstpointer d)
{
	struct results *r = open_ok(f->db);
	GPtrArray *runs;
	GError *err = NULL;
	int64_t a, b, c;

	begin_ok(r, 10);
	a = results_run_id(r);
	finish_ok(r, "{}");
	begin_ok(r, 11);
	b = results_run_id(r);
	finish_ok(r, "{}");
	results_close(r);
	/* another connection, later */
	r = open_ok(f->db);
	begin_ok(r, 12);
	c = results_run_id(r);
	finish_ok(r, "{}");
	g_assert_cmpint(a, !=, b);
	g_assert_cmpint(b, !=, c);
	g_assert_cmpint(a, <, b);
	g_assert_cmpint(b, <, c);
	runs = results_list_runs(r, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(runs->len, ==, 3);
	g_assert_cmpint(((struct results_run_info *)runs->pdata[0])->id, ==, a);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[2])->seed, ==, 12);
	g_ptr_array_unref(runs);
	results_close(r);
}

/* ------------------------------------------------------------ bad input/use ---- */

static void test_open_rejects_other_files(struct fx *f, gconstpointer d)
{
	GError *err = NULL;
	sqlite3 *db;
	struct results *r;

	/* not SQLite at all */
	g_assert_true(g_file_set_contents(f->db, "ipv4     2 udp      17 29 src=10.0.1.99 "
					  "dst=10.0.2.99 sport=1 dport=2 ...........\n", -1, NULL));
	r = results_open(f->db, &err);
	g_assert_null(r);
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_FORMAT);
	g_assert_nonnull(strstr(err->message, f->db));
	g_assert_nonnull(strstr(err->message, "not a database"));
	g_clear_error(&err);
	g_unlink(f->db);

	/* SQLite, but someone else's */
	g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close(db);
	r = results_open(f->db, &err);
	g_assert_null(r);
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_FORMAT);
	g_assert_nonnull(strstr(err->message, "not one written by flowsim"));
	g_clear_error(&err);
	g_unlink(f->db);

	/* ours, from a newer flowsim */
	r = open_ok(f->db);
	results_close(r);
	g_assert_cmpint(sqlite3_open(f->db, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL), ==,
			SQLITE_OK);
	sqlite3_close(db);
	r = results_open(f->db, &err);
	g_assert_null(r);
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_FORMAT);
	g_assert_nonnull(strstr(err->message, "schema version 9"));
	g_assert_nonnull(strstr(err->message, "newer flowsim"));
	g_clear_error(&err);

	/* read-only never creates */
	r = results_open_readonly("/nonexistent/dir/x.sqlite", &err);
	g_assert_null(r);
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_OPEN);
	g_assert_nonnull(strstr(err->message, "/nonexistent/dir/x.sqlite"));
	g_clear_error(&err);
	r = results_open("/nonexistent/dir/x.sqlite", &err);
	g_assert_null(r);
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_OPEN);
	g_clear_error(&err);
}

static void test_bad_json_fails_the_run_and_stores_nothing(struct fx *f, gconstpointer d)
{
	struct results *r = open_ok(f->db);
	struct results_flow fl = flows[0];
	GError *err = NULL;

	begin_ok(r, 1);
	results_sample(r, 0, "m", "k", 1);
	g_assert_false(results_finish_run(r, "{\"a\": 1,", &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "summary is not valid JSON"));
	g_clear_error(&err);
	g_assert_false(results_in_run(r));

	begin_ok(r, 2);
	fl.path_json = "{slow: 3}";
	results_flow(r, &fl);
	g_assert_nonnull(results_pending_error(r));
	/* later writes are skipped, the finish reports the first error */
	results_sample(r, 0, "m", "k", 1);
	g_assert_false(results_finish_run(r, "{}", &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "flow 0: path_json is not valid JSON: {slow: 3}"));
	g_clear_error(&err);

	/* a duplicate flow number is a constraint error too */
	begin_ok(r, 3);
	results_flow(r, &flows[0]);
	results_flow(r, &flows[0]);
	g_assert_false(results_finish_run(r, "{}", &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_IO);
	g_assert_nonnull(strstr(err->message, "writing a flow result"));
	g_clear_error(&err);

	/* out of order */
	g_assert_false(results_finish_run(r, "{}", &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_STATE);
	g_clear_error(&err);
	begin_ok(r, 4);
	g_assert_false(results_begin_run(r, NULL, NULL, 5, 0, NULL, &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_STATE);
	g_clear_error(&err);
	results_close(r);
	g_assert_cmpuint(n_runs(f->db), ==, 0);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM flows"), ==, 0);

	g_setenv("SOURCE_DATE_EPOCH", "yesterday", TRUE);
	r = open_ok(f->db);
	g_assert_false(results_begin_run(r, NULL, NULL, 5, 0, NULL, &err));
	g_unsetenv("SOURCE_DATE_EPOCH");
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_INVALID);
	g_assert_nonnull(strstr(err->message, "SOURCE_DATE_EPOCH='yesterday'"));
	g_clear_error(&err);
	results_close(r);
}

/* ------------------------------------------------------ concurrent access ---- */

static void test_readers_see_committed_runs_during_a_run(struct fx *f, gconstpointer d)
{
	struct results *w = open_ok(f->db), *w2, *ro;
	GPtrArray *runs;
	GError *err = NULL;
	int i;

	begin_ok(w, 1);
	results_sample(w, 0, "m", "k", 1);
	finish_ok(w, "{}");
	/* a long run, larger than the page cache: its pages spill before COMMIT */
	begin_ok(w, 2);
	for (i = 0; i < 300000; i++)
		results_sample(w, (uint64_t)i * 1000, "throughput_bps", "wan", i * 1.5);
	g_assert_null(results_pending_error(w));

	/* a reader (flowsim compare) is not locked out and sees only the complete run */
	ro = results_open_readonly(f->db, &err);
	g_assert_no_error(err);
	runs = results_list_runs(ro, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(runs->len, ==, 1);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[0])->n_samples, ==, 1);
	g_ptr_array_unref(runs);
	results_close(ro);
	/* its own connection sees the run in progress, without a summary */
	runs = results_list_runs(w, &err);
	g_assert_cmpuint(runs->len, ==, 2);
	g_assert_null(((struct results_run_info *)runs->pdata[1])->summary_json);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[1])->n_samples, ==, 300000);
	g_ptr_array_unref(runs);

	/* a second writer can open the file but not start a run while this one is open */
	w2 = open_ok(f->db);
	results_set_busy_timeout(w2, 50);
	g_assert_false(results_begin_run(w2, NULL, NULL, 3, 0, NULL, &err));
	g_assert_error(err, RESULTS_ERROR, RESULTS_ERROR_BUSY);
	g_assert_nonnull(strstr(err->message, "another flowsim run"));
	g_clear_error(&err);

	finish_ok(w, "{}");
	begin_ok(w2, 3);
	finish_ok(w2, "{}");
	results_close(w2);
	results_close(w);
	g_assert_cmpuint(n_runs(f->db), ==, 3);
}

/* ------------------------------------------------------------ kill -9 ---- */

/* Rows of one run in the stream-of-runs child (so a complete run is recognisable). */
#define STREAM_SAMPLES 3000
#define STREAM_EVENTS 50
#define STREAM_FLOWS 10
#define STREAM_TRACES 5

/* Child: write complete runs forever (bounded); tells the parent once it is writing. */
static G_NORETURN void child_stream_of_runs(const char *path, int ready_fd)
{
	struct results *r = results_open(path, NULL);
	char one = 1;
	int run, i;

	if (!r)
		_exit(2);
	for (run = 0; run < 100000; run++) {
		if (!results_begin_run(r, "stream.yaml", "x: 1\n", (uint64_t)run, 1, NULL, NULL))
			_exit(3);
		if (run == 0 && write(ready_fd, &one, 1) != 1)
			_exit(4);
		for (i = 0; i < STREAM_SAMPLES; i++)
			results_sample(r, (uint64_t)i, "m", "k", i);
		for (i = 0; i < STREAM_EVENTS; i++)
			results_event(r, (uint64_t)i, "ct_new", (uint32_t)i, 0, "o", "r");
		for (i = 0; i < STREAM_FLOWS; i++) {
			struct results_flow fl = flows[0];

			fl.flow = (uint32_t)i;
			results_flow(r, &fl);
		}
		for (i = 0; i < STREAM_TRACES; i++)
			results_trace(r, (uint64_t)i, "conntrack", "n", "line\n");
		if (!results_finish_run(r, "{\"rows\": 3000}", NULL))
			_exit(5);
	}
	_exit(0);
}

/* Child: one run that never ends; signals after `signal_after` rows. */
static G_NORETURN void child_one_long_run(const char *path, int ready_fd, int signal_after)
{
	struct results *r = results_open(path, NULL);
	char one = 1;
	int i;

	if (!r || !results_begin_run(r, "long.yaml", "x: 1\n", 99, 1, NULL, NULL))
		_exit(2);
	for (i = 0; i < 50000000; i++) {
		results_sample(r, (uint64_t)i, "throughput_bps", "wan", i);
		if (i % 16 == 0)
			results_event(r, (uint64_t)i, "ct_update", 1, 2, "udp src=10.0.1.99", NULL);
		if (i == signal_after && write(ready_fd, &one, 1) != 1)
			_exit(4);
	}
	_exit(0);      /* never finished: nothing of it may be stored either way */
}

static pid_t spawn(int *ready_rd)
{
	int p[2];
	pid_t pid;

	g_assert_cmpint(pipe(p), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		close(p[0]);
		*ready_rd = p[1];
		return 0;
	}
	close(p[1]);
	*ready_rd = p[0];
	return pid;
}

static void wait_ready_then_kill(pid_t pid, int rd, gulong delay_us)
{
	char c;
	int status;

	g_assert_cmpint(read(rd, &c, 1), ==, 1);
	close(rd);
	if (delay_us)
		g_usleep(delay_us);
	g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
}

/* The database opens cleanly, is intact, and holds only complete runs (no orphan rows). */
static void assert_consistent(const char *path)
{
	char *ok = sql_text(path, "PRAGMA integrity_check");

	g_assert_cmpstr(ok, ==, "ok");
	g_free(ok);
	g_assert_null(sql_text(path, "SELECT 1 FROM pragma_foreign_key_check LIMIT 1"));
	g_assert_cmpint(sql_int(path, "SELECT count(*) FROM runs WHERE summary_json IS NULL"), ==,
			0);
}

static void write_complete_runs(const char *path, int n, int rows)
{
	struct results *r = open_ok(path);
	int k, i;

	for (k = 0; k < n; k++) {
		begin_ok(r, (uint64_t)k);
		for (i = 0; i < rows; i++)
			results_sample(r, (uint64_t)i, "m", "k", i);
		finish_ok(r, "{}");
	}
	results_close(r);
}

static void test_sigkill_midway_leaves_only_complete_runs(struct fx *f, gconstpointer d)
{
	char *wal = g_strconcat(f->db, "-wal", NULL);
	struct results *r;
	GPtrArray *runs;
	GError *err = NULL;
	GStatBuf st;
	pid_t pid;
	int rd;

	write_complete_runs(f->db, 2, 1000);
	/* the last connection checkpointed and removed the WAL: the main file is everything */
	g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));

	pid = spawn(&rd);
	if (pid == 0)
		child_one_long_run(f->db, rd, 400000);
	wait_ready_then_kill(pid, rd, 20000);
	/* it died mid-transaction with uncommitted pages spilled into the WAL */
	g_assert_cmpint(g_stat(wal, &st), ==, 0);
	g_assert_cmpint(st.st_size, >, 1 << 20);
	g_test_message("killed writer left a %lld-byte WAL", (long long)st.st_size);

	assert_consistent(f->db);
	r = open_ok(f->db);
	runs = results_list_runs(r, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(runs->len, ==, 2);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[0])->n_samples, ==, 1000);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[1])->n_samples, ==, 1000);
	g_assert_cmpuint(((struct results_run_info *)runs->pdata[1])->n_events, ==, 0);
	g_ptr_array_unref(runs);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM timeseries"), ==, 2000);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM events"), ==, 0);
	/* the next run works and gets an id of its own */
	begin_ok(r, 7);
	g_assert_cmpint(results_run_id(r), ==, 3);
	finish_ok(r, "{}");
	results_close(r);
	assert_consistent(f->db);
	g_assert_cmpuint(n_runs(f->db), ==, 3);
	g_free(wal);
}

static void test_sigkill_at_many_moments_never_leaves_half_a_run(struct fx *f,
								   gconstpointer d)
{
	/* wall-clock delays only choose where the writer dies; any outcome must pass */
	static const gulong delays_us[] = { 0, 300, 1000, 2500, 5000, 9000, 17000, 33000,
					    65000, 130000 };
	struct results *r;
	GPtrArray *runs;
	GError *err = NULL;
	guint i, total = 0;

	for (i = 0; i < G_N_ELEMENTS(delays_us); i++) {
		int rd;
		pid_t pid = spawn(&rd);

		if (pid == 0)
			child_stream_of_runs(f->db, rd);
		wait_ready_then_kill(pid, rd, delays_us[i]);
		assert_consistent(f->db);
	}
	r = open_ok(f->db);
	runs = results_list_runs(r, &err);
	g_assert_no_error(err);
	for (i = 0; i < runs->len; i++) {
		struct results_run_info *info = runs->pdata[i];

		g_assert_cmpuint(info->n_samples, ==, STREAM_SAMPLES);
		g_assert_cmpuint(info->n_events, ==, STREAM_EVENTS);
		g_assert_cmpuint(info->n_flows, ==, STREAM_FLOWS);
		g_assert_cmpuint(info->n_traces, ==, STREAM_TRACES);
		g_assert_cmpstr(info->summary_json, ==, "{\"rows\": 3000}");
		if (i)
			g_assert_cmpint(info->id, >, ((struct results_run_info *)
						      runs->pdata[i - 1])->id);
	}
	total = runs->len;
	g_ptr_array_unref(runs);
	g_assert_cmpint(sql_int(f->db, "SELECT count(*) FROM timeseries"), ==,
			(int64_t)total * STREAM_SAMPLES);
	results_close(r);
	g_test_message("%zu kills, %u complete runs survived", G_N_ELEMENTS(delays_us), total);
	/* the longer kills let at least some runs through: the test exercised commits */
	g_assert_cmpuint(total, >, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, fx_setup, fn, fx_teardown)
	ADD("/results/schema/created_with_tables_version_and_wal",
	    test_schema_created_with_tables_version_and_wal);
	ADD("/results/run/reads_back_exactly", test_run_reads_back_exactly);
	ADD("/results/run/event_tuple_text", test_event_names_match_the_core);
	ADD("/results/run/unfinished_is_absent_after_reopen",
	    test_unfinished_run_is_absent_after_reopen);
	ADD("/results/run/complete_runs_get_distinct_ids", test_complete_runs_get_distinct_ids);
	ADD("/results/open/rejects_other_files", test_open_rejects_other_files);
	ADD("/results/run/bad_json_fails_the_run_and_stores_nothing",
	    test_bad_json_fails_the_run_and_stores_nothing);
	ADD("/results/wal/readers_see_committed_runs_during_a_run",
	    test_readers_see_committed_runs_during_a_run);
	ADD("/results/kill/sigkill_midway_leaves_only_complete_runs",
	    test_sigkill_midway_leaves_only_complete_runs);
	ADD("/results/kill/sigkill_at_many_moments_never_leaves_half_a_run",
	    test_sigkill_at_many_moments_never_leaves_half_a_run);
#undef ADD
	return g_test_run();
}
