// SPDX-License-Identifier: MIT
/*
 * test_replay.c - `flowsim run SCENARIO --replay CAPTURE` end to end: a capture of one TCP
 * connection (handshake, data both ways, FIN) and one UDP flow between a LAN client and a
 * WAN server, as `tcpdump -i any` (SLL2) records it inside the router, replayed through
 * the model: the conntrack snapshots show the flows offloaded ([OFFLOAD]) from the packet
 * that admits them, the path counts are exact, the replay block counts every packet,
 * each connection (both directions, NAT folded by the core's conntrack) gets a flows row
 * with its exact path counts, two runs are identical; the scenario's replay: section is validated; a missing
 * capture, a file that is not a capture and a scenario without replay: fail cleanly with
 * no database row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "testutil.h"
#include "pcap_fixture.h"
#include "replay.h"
#include "scenario.h"

#define T0 1700000000000000000ULL      /* capture clock of the first packet, ns */
#define MS 1000000ULL

static const char scenario_text[] =
	"name: replay-test\n"
	"duration: 2s\n"
	"router:\n"
	"  soc: mt7621\n"
	"  kernel: \"6.6\"\n"
	"  firewall:\n"
	"    defaults: {flow_offloading: 1}\n"
	"ports:\n"
	"  - {name: lan0, kind: ether, role: lan, network: lan, address: 10.0.1.1/24}\n"
	"  - {name: wan0, kind: ether, role: wan, network: wan, address: 10.0.2.1/24}\n"
	"replay:\n"
	"  ports:\n"
	"    - {from: 10.0.1.0/24, port: lan0}\n"
	"    - {from: 10.0.2.0/24, port: wan0}\n"
	"output:\n"
	"  snapshots:\n"
	"    - {what: conntrack, at: [1ms, 3ms, 15ms, 50ms, 150ms, 600ms, 1500ms]}\n";

struct cap {
	struct pf_writer w;
	u32 n_in, n_out, n_arp;
};

/* One SLL2 record: dir 0 = arriving on lan0 (ifindex 2), 1 = on wan0 (3); out: outgoing. */
static void put(struct cap *c, u64 t_ms_x10, bool wan, bool out, const char *src,
		const char *dst, u8 proto, u16 sp, u16 dp, u32 seq, u32 ack, u8 flags, u32 payload)
{
	struct pf_frame f;

	f.len = pf_ipv4(f.b, src, dst, proto, sp, dp, seq, ack, flags, payload, 64);
	pf_sll2(&f, out ? 4 : 0, wan ? 3 : 2, wan ? 0x22 : 0x11, 0x0800);
	pf_write(&c->w, &f, T0 + t_ms_x10 * MS / 10, 0);
	if (out)
		c->n_out++;
	else
		c->n_in++;
}

#define C "10.0.1.2"
#define S "10.0.2.2"
#define R "10.0.2.1"
#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define PSH 0x08

/*
 * The capture (times in ms after T0):
 *   0     SYN        client -> server            (+ its outgoing copy on wan0)
 *   1     SYN-ACK    server -> router (NAT)
 *   2     ACK        client -> server
 *   10    100 B      client -> server;  11 ACK back
 *   20..29 10 x 1000 B server -> client, each ACKed 0.5 ms later
 *   50    ARP frame (not IP)
 *   100,101 ... 190,191  UDP 5000 -> 53 and the answer, every 10 ms (10 each way)
 *   500   FIN client;  501 FIN-ACK server;  502 ACK client
 */
static void write_capture(const char *path, struct cap *c)
{
	struct pf_frame arp;
	u32 k;

	memset(c, 0, sizeof(*c));
	pf_open(&c->w, path, DLT_LINUX_SLL2);
	put(c, 0, false, false, C, S, 6, 40000, 5201, 1000, 0, SYN, 0);
	put(c, 1, true, true, R, S, 6, 40000, 5201, 1000, 0, SYN, 0);
	put(c, 10, true, false, S, R, 6, 5201, 40000, 5000, 1001, SYN | ACK, 0);
	put(c, 20, false, false, C, S, 6, 40000, 5201, 1001, 5001, ACK, 0);
	put(c, 100, false, false, C, S, 6, 40000, 5201, 1001, 5001, ACK | PSH, 100);
	put(c, 110, true, false, S, R, 6, 5201, 40000, 5001, 1101, ACK, 0);
	for (k = 0; k < 10; k++) {
		put(c, 200 + 10 * k, true, false, S, R, 6, 5201, 40000, 5001 + 1000 * k, 1101, ACK,
		    1000);
		put(c, 205 + 10 * k, false, false, C, S, 6, 40000, 5201, 1101, 6001 + 1000 * k, ACK,
		    0);
	}
	memset(&arp, 0, sizeof(arp));
	arp.len = 28;
	pf_sll2(&arp, 1, 2, 0x11, 0x0806);
	pf_write(&c->w, &arp, T0 + 50 * MS, 0);
	c->n_arp++;
	for (k = 0; k < 10; k++) {
		put(c, 1000 + 100 * k, false, false, C, S, 17, 5000, 53, 0, 0, 0, 40);
		put(c, 1010 + 100 * k, true, false, S, R, 17, 53, 5000, 0, 0, 0, 120);
	}
	put(c, 5000, false, false, C, S, 6, 40000, 5201, 1101, 15001, FIN | ACK, 0);
	put(c, 5010, true, false, S, R, 6, 5201, 40000, 15001, 1102, FIN | ACK, 0);
	put(c, 5020, false, false, C, S, 6, 40000, 5201, 1102, 15002, ACK, 0);
	pf_close(&c->w);
}

struct env {
	char *dir, *scn, *cap, *trace, *db;
};

static void env_init(struct env *e, const char *scenario)
{
	GError *err = NULL;

	e->dir = g_dir_make_tmp("replay-XXXXXX", &err);
	g_assert_no_error(err);
	e->scn = g_build_filename(e->dir, "s.yaml", NULL);
	e->cap = g_build_filename(e->dir, "c.pcap", NULL);
	e->trace = g_build_filename(e->dir, "trace", NULL);
	e->db = g_build_filename(e->dir, "r.sqlite", NULL);
	g_assert_true(g_file_set_contents(e->scn, scenario, -1, &err));
}

static void rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *n;

	if (d) {
		while ((n = g_dir_read_name(d))) {
			char *p = g_build_filename(path, n, NULL);

			rm_rf(p);
			g_free(p);
		}
		g_dir_close(d);
	}
	g_remove(path);
}

static void env_free(struct env *e)
{
	rm_rf(e->dir);
	g_free(e->dir);
	g_free(e->scn);
	g_free(e->cap);
	g_free(e->trace);
	g_free(e->db);
}

/* flowsim run SCN --replay CAP [extra...]; returns the exit status. */
static int run(const struct env *e, const char *cap, const char *const *extra, char **out,
	       char **err)
{
	const char *args[16] = { "run", e->scn, "--replay", cap, NULL };
	int n = 4;

	for (; extra && *extra && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	return tu_run_flowsim(NULL, args, out, err);
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

/* An integer by path "replay/skipped/outgoing". */
static gint64 jint(JsonNode *root, const char *path)
{
	char **parts = g_strsplit(path, "/", -1);
	JsonNode *n = root;
	guint i;

	for (i = 0; parts[i]; i++) {
		JsonObject *o;

		g_assert_true(JSON_NODE_HOLDS_OBJECT(n));
		o = json_node_get_object(n);
		if (!json_object_has_member(o, parts[i]))
			g_error("no member %s in %s", parts[i], path);
		n = json_object_get_member(o, parts[i]);
	}
	g_strfreev(parts);
	return json_node_get_int(n);
}

static char *read_text(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL), *text = NULL;

	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	g_free(p);
	return text;
}

/* The conntrack line of a protocol ("tcp"/"udp") in a snapshot, or NULL. */
static char *ct_line(const char *trace, u32 ms, const char *proto)
{
	char *name = g_strdup_printf("conntrack/proc_nf_conntrack.%09u.txt", ms);
	char *text = read_text(trace, name), **lines = g_strsplit(text, "\n", -1), *res = NULL;
	char *word = g_strdup_printf(" %s ", proto);
	guint i;

	for (i = 0; lines[i] && !res; i++)
		if (g_str_has_prefix(lines[i], "ipv") && strstr(lines[i], word))
			res = g_strdup(lines[i]);
	g_free(word);
	g_strfreev(lines);
	g_free(text);
	g_free(name);
	return res;
}

/* Simulated time (ns) of the first conntrack -E line holding all of the words, or 0. */
static u64 event_time(const char *trace, const char *w1, const char *w2)
{
	char *text = read_text(trace, "conntrack_events.txt"), **lines = g_strsplit(text, "\n", -1);
	u64 t = 0;
	guint i;

	for (i = 0; lines[i] && !t; i++) {
		unsigned long sec, usec;

		if (strstr(lines[i], w1) && strstr(lines[i], w2) &&
		    sscanf(lines[i], "[%lu.%lu]", &sec, &usec) == 2)
			t = (u64)sec * 1000000000ULL + (u64)usec * 1000ULL;
	}
	g_strfreev(lines);
	g_free(text);
	return t;
}

/* Every key of the replay block (not the port names under forwarded_by_port) in the docs. */
static void check_documented(JsonNode *n, const char *doc)
{
	GList *members, *l;

	if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		guint i;

		for (i = 0; i < json_array_get_length(a); i++)
			check_documented(json_array_get_element(a, i), doc);
		return;
	}
	if (!JSON_NODE_HOLDS_OBJECT(n))
		return;
	members = json_object_get_members(json_node_get_object(n));
	for (l = members; l; l = l->next) {
		char *quoted = g_strdup_printf("`%s`", (char *)l->data);

		if (!strstr(doc, quoted))
			g_error("replay key %s is not in docs/results-json.md", (char *)l->data);
		g_free(quoted);
		if (strcmp(l->data, "forwarded_by_port"))
			check_documented(json_object_get_member(json_node_get_object(n), l->data),
					 doc);
	}
	g_list_free(members);
}

static void test_tcp_udp_offload(void)
{
	struct env e;
	struct cap c;
	char *out, *err, *l;
	const char *extra[] = { "--trace-dir", NULL, "--json", "-", "-q", NULL };
	JsonNode *j;
	u64 t;

	env_init(&e, scenario_text);
	write_capture(e.cap, &c);
	extra[1] = e.trace;
	g_assert_cmpint(run(&e, e.cap, extra, &out, &err), ==, 0);
	g_assert_cmpstr(err, ==, "");
	j = parse(out);
	/* every record accounted for */
	g_assert_cmpint(jint(j, "replay/records"), ==, c.n_in + c.n_out + c.n_arp);
	g_assert_cmpint(jint(j, "replay/decoded"), ==, c.n_in);
	g_assert_cmpint(jint(j, "replay/skipped/outgoing"), ==, 1);
	g_assert_cmpint(jint(j, "replay/skipped/non_ip"), ==, 1);
	g_assert_cmpint(jint(j, "replay/injected"), ==, 48);
	g_assert_cmpint(jint(j, "replay/forwarded"), ==, 48);
	g_assert_cmpint(jint(j, "replay/dropped"), ==, 0);
	g_assert_cmpint(jint(j, "replay/unmapped"), ==, 0);
	g_assert_cmpint(jint(j, "replay/first_ts_ns"), ==, (gint64)T0);
	/* the server's 23 packets leave on lan0, the client's 25 on wan0 */
	g_assert_cmpint(jint(j, "replay/forwarded_by_port/lan0"), ==, 23);
	g_assert_cmpint(jint(j, "replay/forwarded_by_port/wan0"), ==, 25);
	/* neighbours learnt from the capture: the client on lan0, the server on wan0 */
	g_assert_cmpint(jint(j, "replay/neighbours"), ==, 2);
	/*
	 * Slow path: TCP SYN, SYN-ACK, the handshake's ACK (which admits the flow: nft's
	 * flow add needs ESTABLISHED), the FIN (the flowtable tears the flow down and hands
	 * it to the stack), FIN-ACK and last ACK = 6; UDP request and the reply that admits it
	 * = 2.  Everything else (22 TCP, 18 UDP) takes the flowtable.
	 */
	g_assert_cmpint(jint(j, "paths/slow/packets"), ==, 8);
	g_assert_cmpint(jint(j, "paths/flowtable/packets"), ==, 40);
	g_assert_cmpint(jint(j, "paths/ppe/packets"), ==, 0);
	g_assert_cmpint(jint(j, "flowtable/added"), ==, 2);
	g_assert_cmpint(jint(j, "flowtable/torn_down"), ==, 1);
	g_assert_cmpint(jint(j, "packets/router_rx"), ==, 48);
	{
		char *doc = NULL;

		g_assert_true(g_file_get_contents(FLOWSIM_SOURCE_DIR "/docs/results-json.md", &doc,
						  NULL, NULL));
		check_documented(json_object_get_member(json_node_get_object(j), "replay"), doc);
		g_assert_nonnull(strstr(doc, "`replay`"));
		g_free(doc);
	}

	/* snapshots: not offloaded after the SYN, offloaded after the ACK at 2 ms */
	l = ct_line(e.trace, 1, "tcp");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "SYN_SENT src=10.0.1.2 dst=10.0.2.2 sport=40000 dport=5201"));
	g_assert_null(strstr(l, "[OFFLOAD]"));
	g_free(l);
	l = ct_line(e.trace, 3, "tcp");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "src=10.0.2.2 dst=10.0.2.1 sport=5201 dport=40000"));
	g_assert_nonnull(strstr(l, "[OFFLOAD]"));
	g_free(l);
	l = ct_line(e.trace, 50, "tcp");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "[OFFLOAD]"));
	g_free(l);
	g_assert_null(ct_line(e.trace, 50, "udp"));
	l = ct_line(e.trace, 150, "udp");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "sport=5000 dport=53"));
	g_assert_nonnull(strstr(l, "[OFFLOAD]"));
	g_free(l);
	/* after the FIN at 500 ms: back in conntrack's hands, TIME_WAIT */
	l = ct_line(e.trace, 600, "tcp");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "TIME_WAIT"));
	g_assert_null(strstr(l, "[OFFLOAD]"));
	g_free(l);
	/* conntrack -E: [OFFLOAD] set while the admitting packet is processed */
	t = event_time(e.trace, "ESTABLISHED", "[OFFLOAD]");
	g_assert_cmpuint(t, >=, 2 * MS);
	g_assert_cmpuint(t, <, 3 * MS);
	t = event_time(e.trace, "udp", "[OFFLOAD]");
	g_assert_cmpuint(t, >=, 101 * MS);
	g_assert_cmpuint(t, <, 102 * MS);
	t = event_time(e.trace, "FIN_WAIT", "[ASSURED]");
	g_assert_cmpuint(t, >=, 500 * MS);
	g_assert_cmpuint(t, <, 501 * MS);
	json_node_unref(j);
	g_free(out);
	g_free(err);
	env_free(&e);
}

/*
 * The flows rows of the database's only run, ordered by flow, one line each:
 * "flow name type family proto client server sport dport sent delivered goodput lost
 * lat50 lat99 path_json" (NULL printed as "-").
 */
static char *flow_rows(const char *db)
{
	GString *g = g_string_new(NULL);
	sqlite3 *h;
	sqlite3_stmt *st;
	int i;

	g_assert_cmpint(sqlite3_open(db, &h), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(h, "SELECT flow, name, type, family, proto, client, "
					   "server, sport, dport, bytes_sent, bytes_delivered, "
					   "goodput_bps, lost, lat_p50_ns, lat_p99_ns, path_json "
					   "FROM flows ORDER BY flow", -1, &st, NULL), ==, SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 16; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			g_string_append_printf(g, "%s%s", i ? " " : "", v ? (const char *)v : "-");
		}
		g_string_append_c(g, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	return g_string_free(g, FALSE);
}

/* A path's packets in a path_json text ("{\"slow\":6,...}"). */
static gint64 path_of(const char *row, const char *path)
{
	char *key = g_strdup_printf("\"%s\":", path);
	const char *at = strstr(row, key);

	g_assert_nonnull(at);
	g_free(key);
	return g_ascii_strtoll(at + strlen(path) + 3, NULL, 10);
}

static void test_deterministic(void)
{
	struct env e;
	struct cap c;
	char *out[2], *err[2], *ev[2], *rows[2], *trace2, *db2;
	const char *extra[] = { "--trace-dir", NULL, "--db", NULL, "--json", "-", "-q", NULL };
	int k;

	env_init(&e, scenario_text);
	write_capture(e.cap, &c);
	trace2 = g_strconcat(e.trace, "2", NULL);
	db2 = g_strconcat(e.db, "2", NULL);
	for (k = 0; k < 2; k++) {
		extra[1] = k ? trace2 : e.trace;
		extra[3] = k ? db2 : e.db;
		g_assert_cmpint(run(&e, e.cap, extra, &out[k], &err[k]), ==, 0);
		ev[k] = read_text(extra[1], "conntrack_events.txt");
		rows[k] = flow_rows(extra[3]);
	}
	g_assert_cmpstr(out[0], ==, out[1]);
	g_assert_cmpstr(ev[0], ==, ev[1]);
	g_assert_cmpuint(strlen(ev[0]), >, 100);
	g_assert_cmpstr(rows[0], ==, rows[1]);
	g_assert_cmpuint(strlen(rows[0]), >, 100);
	for (k = 0; k < 2; k++) {
		g_free(out[k]);
		g_free(err[k]);
		g_free(ev[k]);
		g_free(rows[k]);
	}
	g_remove(db2);
	g_free(db2);
	rm_rf(trace2);
	g_free(trace2);
	env_free(&e);
}

/* A database row exists only for runs that succeeded. */
static int db_rows(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int n = -1;

	if (!g_file_test(db, G_FILE_TEST_EXISTS))
		return 0;
	g_assert_cmpint(sqlite3_open(db, &h), ==, SQLITE_OK);
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	} else {
		n = 0;
	}
	sqlite3_close(h);
	return n;
}

static void test_errors(void)
{
	struct env e, e2;
	struct cap c;
	char *out, *err, *want, *bad, *missing;
	const char *extra[] = { "--db", NULL, "-q", NULL };
	char *noreplay;

	env_init(&e, scenario_text);
	write_capture(e.cap, &c);
	extra[1] = e.db;
	missing = g_build_filename(e.dir, "nope.pcap", NULL);
	g_assert_cmpint(run(&e, missing, extra, &out, &err), ==, 1);
	want = g_strdup_printf("%s: cannot open the capture: No such file or directory\n", missing);
	g_assert_cmpstr(err, ==, want);
	g_free(want);
	g_free(out);
	g_free(err);
	g_assert_cmpint(db_rows(e.db), ==, 0);

	bad = g_build_filename(e.dir, "bad.pcap", NULL);
	g_assert_true(g_file_set_contents(bad, "this is not a capture\n", -1, NULL));
	g_assert_cmpint(run(&e, bad, extra, &out, &err), ==, 1);
	want = g_strdup_printf("%s: not a pcap or pcapng file (libpcap: unknown file format)\n", bad);
	g_assert_cmpstr(err, ==, want);
	g_free(want);
	g_free(out);
	g_free(err);
	g_assert_cmpint(db_rows(e.db), ==, 0);

	/* the same capture replays into a database: one row */
	g_assert_cmpint(run(&e, e.cap, extra, &out, &err), ==, 0);
	g_free(out);
	g_free(err);
	g_assert_cmpint(db_rows(e.db), ==, 1);

	/* a scenario without replay: */
	noreplay = g_strdup(scenario_text);
	*strstr(noreplay, "replay:\n") = 0;
	g_strlcat(noreplay, "output: {}\n", strlen(noreplay) + 16);
	env_init(&e2, noreplay);
	extra[1] = e2.db;
	g_assert_cmpint(run(&e2, e.cap, extra, &out, &err), ==, 1);
	want = g_strdup_printf("%s: --replay %s: the scenario has no replay: section (which router "
			       "port captured packets arrive on: replay: {ports: [{from: PREFIX, "
			       "port: NAME}]}, docs/scenario.md)\n", e2.scn, e.cap);
	g_assert_cmpstr(err, ==, want);
	g_free(want);
	g_free(out);
	g_free(err);
	g_assert_cmpint(db_rows(e2.db), ==, 0);
	/* ... which runs without --replay */
	{
		const char *args[] = { "run", e2.scn, "-q", NULL };

		g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
		g_free(out);
		g_free(err);
	}
	g_free(noreplay);
	g_free(bad);
	g_free(missing);
	env_free(&e2);
	env_free(&e);
}

/*
 * One flows row per replayed connection: the TCP connection and the UDP flow, each with
 * both directions folded although the server's packets are addressed to the router (the
 * capture is taken inside it, after masquerading) - the core's conntrack entry says they
 * are replies.  Their path counts split the capture's 8 slow / 40 flowtable exactly.
 */
static void test_connection_rows(void)
{
	struct env e;
	struct cap c;
	char *out, *err, *rows, *want, **lines;
	const char *extra[] = { "--db", NULL, "--json", "-", "-q", NULL };
	JsonNode *j;

	env_init(&e, scenario_text);
	write_capture(e.cap, &c);
	extra[1] = e.db;
	g_assert_cmpint(run(&e, e.cap, extra, &out, &err), ==, 0);
	g_assert_cmpstr(err, ==, "");
	j = parse(out);
	g_assert_cmpint(jint(j, "replay/connections"), ==, 2);
	rows = flow_rows(e.db);
	/*
	 * TCP: the client's 15 packets (SYN, ACK, 100 B, 10 ACKs, FIN, ACK) and the server's
	 * 13 (SYN-ACK, ACK, 10 x 1000 B, FIN-ACK); slow: SYN, SYN-ACK, the admitting ACK, FIN,
	 * FIN-ACK, last ACK.  UDP: 10 x 40 B requests, 10 x 120 B answers; slow: the first
	 * request and the answer that admits it.  Payload bytes; nothing lost; goodput and
	 * latency are not measured for a capture.
	 */
	want = g_strdup_printf(
		"%u replay replay 2 6 10.0.1.2 10.0.2.2 40000 5201 10100 10100 - 0 - - "
		"{\"slow\":6,\"flowtable\":22,\"ppe\":0,\"wed\":0}\n"
		"%u replay replay 2 17 10.0.1.2 10.0.2.2 5000 53 1600 1600 - 0 - - "
		"{\"slow\":2,\"flowtable\":18,\"ppe\":0,\"wed\":0}\n",
		REPLAY_FLOW_BASE, REPLAY_FLOW_BASE + 1);
	g_assert_cmpstr(rows, ==, want);
	/* per path, the rows add up to the summary's totals */
	lines = g_strsplit(rows, "\n", -1);
	g_assert_cmpint(path_of(lines[0], "slow") + path_of(lines[1], "slow"), ==,
			jint(j, "paths/slow/packets"));
	g_assert_cmpint(path_of(lines[0], "flowtable") + path_of(lines[1], "flowtable"), ==,
			jint(j, "paths/flowtable/packets"));
	g_strfreev(lines);
	g_free(want);
	g_free(rows);
	json_node_unref(j);
	g_free(out);
	g_free(err);
	env_free(&e);
}

/* Strict by default: a cut packet stops the run; tolerant: skipped and counted. */
static void test_strict_tolerant(void)
{
	struct env e, e2;
	struct pf_writer w;
	struct pf_frame f;
	char *out, *err, *want, *tol;
	const char *extra[] = { "--json", "-", "-q", NULL };
	JsonNode *j;
	int i;

	env_init(&e, scenario_text);
	pf_open(&w, e.cap, DLT_EN10MB);
	for (i = 0; i < 3; i++) {
		f.len = pf_ipv4(f.b, C, S, 17, 5000, 53, 0, 0, 0, 40, 64);
		pf_eth(&f, 0x11, 0, 0, 4);
		pf_write(&w, &f, T0 + (u64)i * MS, i == 1 ? 36 : 0);
	}
	/* a source no mapping covers */
	f.len = pf_ipv4(f.b, "192.0.2.77", S, 17, 5000, 53, 0, 0, 0, 40, 64);
	pf_eth(&f, 0x11, 0, 0, 4);
	pf_write(&w, &f, T0 + 5 * MS, 0);
	pf_write(&w, &f, T0 + 6 * MS, 0);
	/* after the end of the run (duration 2 s) */
	f.len = pf_ipv4(f.b, C, S, 17, 5000, 53, 0, 0, 0, 40, 64);
	pf_eth(&f, 0x11, 0, 0, 4);
	pf_write(&w, &f, T0 + 2500 * MS, 0);
	pf_close(&w);

	g_assert_cmpint(run(&e, e.cap, extra, &out, &err), ==, 1);
	want = g_strdup_printf("%s: packet 2 (offset %u, time 1700000000.001000000): expected an "
			       "8-byte UDP header, found 2 captured bytes\n", e.cap,
			       24 + 16 + 14 + 20 + 8 + 40);
	g_assert_cmpstr(err, ==, want);
	g_assert_cmpstr(out, ==, "");
	g_free(want);
	g_free(out);
	g_free(err);

	{
		char **parts = g_strsplit(scenario_text, "replay:\n", 2);

		tol = g_strjoinv("replay:\n  tolerant: true\n", parts);
		g_strfreev(parts);
	}
	env_init(&e2, tol);
	g_assert_cmpint(run(&e2, e.cap, extra, &out, &err), ==, 0);
	want = g_strdup_printf("%s: warning: packet 2 (offset 122, time 1700000000.001000000): "
			       "skipped (truncated): expected an 8-byte UDP header, found 2 "
			       "captured bytes\n", e.cap);
	g_assert_cmpstr(err, ==, want);
	g_free(want);
	j = parse(out);
	g_assert_cmpint(jint(j, "replay/records"), ==, 6);
	g_assert_cmpint(jint(j, "replay/decoded"), ==, 5);
	g_assert_cmpint(jint(j, "replay/skipped/truncated"), ==, 1);
	g_assert_cmpint(jint(j, "replay/unmapped"), ==, 2);
	g_assert_cmpint(jint(j, "replay/after_end"), ==, 1);
	g_assert_cmpint(jint(j, "replay/injected"), ==, 2);
	g_assert_cmpint(jint(j, "paths/slow/packets"), ==, 2);
	g_assert_nonnull(strstr(out, "\"unmapped_sources\": [\n      {\n        \"address\": "
				"\"192.0.2.77\",\n        \"packets\": 2\n      }\n    ]"));
	json_node_unref(j);
	g_free(out);
	g_free(err);
	g_free(tol);
	env_free(&e2);
	env_free(&e);
}

/* The kernel reference test's shape: EN10MB per-device captures merged, hosts declared. */
static void test_ethernet_with_hosts(void)
{
	static const char text[] =
		"duration: 1s\n"
		"router:\n"
		"  soc: mt7621\n"
		"  firewall:\n"
		"    defaults: {flow_offloading: 1, flow_offloading_hw: 1}\n"
		"ports:\n"
		"  - {name: eth0, kind: ether, gmac: 0}\n"
		"  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0, role: lan}\n"
		"  - {name: wan, kind: dsa, conduit: eth0, dsa_port: 4, role: wan, network: wan,\n"
		"     address: 100.64.0.2/24, gateway: 100.64.0.1}\n"
		"  - {name: br-lan, kind: bridge, members: [lan1], network: lan,\n"
		"     address: 192.168.1.1/24}\n"
		"hosts:\n"
		"  - {name: pc, port: lan1, ipv4: 192.168.1.10}\n"
		"  - {name: srv, port: wan, ipv4: 203.0.113.10}\n"
		"replay:\n"
		"  ports:\n"
		"    - {from: 192.168.1.0/24, port: lan1}\n"
		"    - {from: 0.0.0.0/0, port: wan}\n";
	struct env e;
	struct pf_writer w;
	struct pf_frame f;
	char *out, *err;
	const char *extra[] = { "--json", "-", "-q", NULL };
	JsonNode *j;
	u32 k;

	env_init(&e, text);
	pf_open(&w, e.cap, DLT_EN10MB);
	/* a UDP stream both ways, 100 packets each, 1 ms apart (replies to the WAN address) */
	for (k = 0; k < 100; k++) {
		f.len = pf_ipv4(f.b, "192.168.1.10", "203.0.113.10", 17, 7000, 7001, 0, 0, 0, 1000, 64);
		pf_eth(&f, 0x10, 0, 0, 4);
		pf_write(&w, &f, T0 + k * MS, 0);
		f.len = pf_ipv4(f.b, "203.0.113.10", "100.64.0.2", 17, 7001, 7000, 0, 0, 0, 1000, 60);
		pf_eth(&f, 0x20, 0, 0, 4);
		pf_write(&w, &f, T0 + k * MS + MS / 2, 0);
	}
	pf_close(&w);
	g_assert_cmpint(run(&e, e.cap, extra, &out, &err), ==, 0);
	j = parse(out);
	g_assert_cmpint(jint(j, "replay/injected"), ==, 200);
	g_assert_cmpint(jint(j, "replay/forwarded"), ==, 200);
	g_assert_cmpint(jint(j, "replay/forwarded_by_port/lan1"), ==, 100);
	g_assert_cmpint(jint(j, "replay/forwarded_by_port/wan"), ==, 100);
	/* the scenario's hosts made the neighbours: pc, and srv's gateway 100.64.0.1 */
	g_assert_cmpint(jint(j, "replay/neighbours"), ==, 0);
	/* the PPE binds the flow after the slow and software paths: every path is used */
	g_assert_cmpint(jint(j, "paths/slow/packets"), ==, 2);
	g_assert_cmpint(jint(j, "paths/slow/packets") + jint(j, "paths/flowtable/packets") +
			jint(j, "paths/ppe/packets"), ==, 200);
	g_assert_cmpint(jint(j, "paths/ppe/packets"), >, 0);
	g_assert_cmpint(jint(j, "packets/delivered"), ==, 0);
	json_node_unref(j);
	g_free(out);
	g_free(err);

	/* a traffic generator alongside: both are counted apart, neither disturbs the other */
	{
		char *with = g_strconcat(text, "traffic:\n  - {type: udp_cbr, client: pc, server: srv, "
					 "rate: 1mbit, size: 1000}\n", NULL);

		g_assert_true(g_file_set_contents(e.scn, with, -1, NULL));
		g_free(with);
	}
	{
		const char *extra_db[] = { "--db", e.db, "--json", "-", "-q", NULL };

		g_assert_cmpint(run(&e, e.cap, extra_db, &out, &err), ==, 0);
	}
	j = parse(out);
	g_assert_cmpint(jint(j, "replay/injected"), ==, 200);
	g_assert_cmpint(jint(j, "replay/forwarded"), ==, 200);
	g_assert_cmpint(jint(j, "replay/connections"), ==, 1);
	/* the generated flow's row (flow 0) and the replayed connection's, paths apart */
	{
		char *rows = flow_rows(e.db), **lines = g_strsplit(rows, "\n", -1);
		char *head = g_strdup_printf("%u replay replay 2 17 192.168.1.10 203.0.113.10 7000 "
					     "7001 ", REPLAY_FLOW_BASE);
		const char *const paths[] = { "slow", "flowtable", "ppe", "wed" };
		u32 i;

		g_assert_cmpuint(g_strv_length(lines), ==, 3);   /* two rows and "" */
		g_assert_true(g_str_has_prefix(lines[0], "0 "));
		g_assert_null(strstr(lines[0], "replay"));
		g_assert_true(g_str_has_prefix(lines[1], head));
		g_assert_cmpint(path_of(lines[1], "slow"), ==, 2);
		g_assert_cmpint(path_of(lines[1], "ppe"), >, 0);
		g_assert_cmpint(path_of(lines[1], "slow") + path_of(lines[1], "flowtable") +
				path_of(lines[1], "ppe"), ==, 200);
		for (i = 0; i < 4; i++) {
			char *key = g_strdup_printf("paths/%s/packets", paths[i]);

			g_assert_cmpint(path_of(lines[0], paths[i]) + path_of(lines[1], paths[i]),
					==, jint(j, key));
			g_free(key);
		}
		g_free(head);
		g_strfreev(lines);
		g_free(rows);
	}
	/* 1 Mbit/s of 1000-byte datagrams for 1 s: 125 sent, all delivered */
	g_assert_cmpint(jint(j, "packets/delivered"), >=, 120);
	g_assert_cmpint(jint(j, "packets/delivered"), ==, jint(j, "packets/sent"));
	g_assert_cmpint(jint(j, "packets/router_rx"), ==, 200 + jint(j, "packets/sent"));
	json_node_unref(j);
	g_free(out);
	g_free(err);
	env_free(&e);
}

/* The replay: section is checked like every other (FILE:LINE:COL). */
static void test_validation(void)
{
	static const char text[] =
		"duration: 1s\n"
		"router: {soc: mt7621}\n"
		"ports:\n"
		"  - {name: eth0, kind: ether, gmac: 0}\n"
		"  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0, role: lan}\n"
		"  - {name: br-lan, kind: bridge, members: [lan1], network: lan,\n"
		"     address: 192.168.1.1/24}\n"
		"  - {name: eth1, kind: ether, network: wan, address: 10.0.0.2/24}\n"
		"replay:\n"
		"  ports:\n"
		"    - {from: 192.168.1.0/24, port: br-lan}\n"
		"    - {from: 10.0.0.0/8, port: eth0}\n"
		"    - {from: 10.0.0.0/8, port: eth1}\n"
		"    - {from: 10.0.0.300/8, port: lan1}\n"
		"    - {from: \"fd00::/64\", port: lan2}\n"
		"    - {from: 0.0.0.0/0, port: lan1, via: x}\n"
		"  start: 2s\n"
		"  tolerant: maybe\n"
		"  skip_outgoing: false\n"
		"  speed: 2\n";
	static const char *const want[] = {
		"t.yaml:11:36: port: 'br-lan' is a bridge port; captured packets arrive on an ether, "
		"dsa or vlan port (where a host would be attached)",
		"t.yaml:12:32: port: 'eth0' is the DSA conduit: map to its user port instead",
		"t.yaml:13:32: port: 'eth1' has no role: give it role: lan or role: wan",
		NULL,
	};
	struct yu_diag d;
	struct scenario *s;
	GString *all = g_string_new(NULL);
	guint i;

	yu_diag_init(&d);
	s = scenario_load_string("t.yaml", NULL, text, strlen(text), FLOWSIM_SOURCE_DIR "/hw/soc",
				 &d);
	g_assert_null(s);
	for (i = 0; i < d.msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));

		g_string_append_printf(all, "%s\n", m);
		g_free(m);
	}
	for (i = 0; want[i]; i++)
		if (!strstr(all->str, want[i]))
			g_error("missing \"%s\" in:\n%s", want[i], all->str);
	g_assert_nonnull(strstr(all->str, "t.yaml:14:14: from: expected an address"));
	g_assert_nonnull(strstr(all->str, "t.yaml:15:33: port: unknown port 'lan2' (did you "
				"mean 'lan1'?)"));
	g_assert_nonnull(strstr(all->str, "t.yaml:16:37: unknown key 'via' in replay.ports[]"));
	g_assert_nonnull(strstr(all->str, "t.yaml:17:10: start: 2s is not before the end of the "
				"run (duration)"));
	g_assert_nonnull(strstr(all->str, "t.yaml:18:13: tolerant: expected a boolean"));
	g_assert_nonnull(strstr(all->str, "t.yaml:20:3: unknown key 'speed' in replay"));
	g_string_free(all, TRUE);
	yu_diag_clear(&d);

	/* a good section loads */
	{
		static const char good[] =
			"duration: 1s\n"
			"router: {soc: mt7621}\n"
			"ports:\n"
			"  - {name: eth0, kind: ether, role: lan, network: lan, address: 192.168.1.1/24}\n"
			"  - {name: eth1, kind: ether, role: wan, network: wan, address: 10.0.0.2/24}\n"
			"replay:\n"
			"  ports:\n"
			"    - {from: 192.168.1.77/24, port: eth0}\n"
			"    - {from: \"::/0\", port: eth1}\n"
			"  start: 100ms\n";

		yu_diag_init(&d);
		s = scenario_load_string("g.yaml", NULL, good, strlen(good),
					 FLOWSIM_SOURCE_DIR "/hw/soc", &d);
		g_assert_nonnull(s);
		g_assert_true(s->replay.present);
		g_assert_cmpuint(s->replay.n_maps, ==, 2);
		g_assert_cmphex(s->replay.maps[0].from.addr.ip, ==, 0xc0a80100);   /* masked */
		g_assert_cmpuint(s->replay.maps[0].from.plen, ==, 24);
		g_assert_cmpint(s->replay.maps[1].port, ==, 1);
		g_assert_cmpuint(s->replay.maps[1].from.family, ==, FS_AF_INET6);
		g_assert_cmpuint(s->replay.start_ns, ==, 100 * MS);
		g_assert_true(s->replay.skip_outgoing);
		g_assert_false(s->replay.tolerant);
		scenario_free(s);
		yu_diag_clear(&d);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/run/tcp_udp_offloaded_at_admitting_packet", test_tcp_udp_offload);
	g_test_add_func("/replay/run/deterministic", test_deterministic);
	g_test_add_func("/replay/run/one_flow_row_per_connection", test_connection_rows);
	g_test_add_func("/replay/run/errors_leave_no_row", test_errors);
	g_test_add_func("/replay/run/strict_tolerant_unmapped_after_end", test_strict_tolerant);
	g_test_add_func("/replay/run/ethernet_capture_with_hosts_ppe_and_traffic", test_ethernet_with_hosts);
	g_test_add_func("/replay/scenario/validation", test_validation);
	return g_test_run();
}
