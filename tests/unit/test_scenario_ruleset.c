/* SPDX-License-Identifier: MIT */
/*
 * A real router's ruleset drives the model: router.ruleset (nft text) and
 * router.ruleset_json (an `nft -j list ruleset` dump) in scenarios replace fw4's generated
 * ruleset, with FILE:LINE:COL errors; and a dump from tests/data/nft-json run through the
 * lab router offloads the same connections, packet by packet, as the nft text it came from.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "testutil.h"
#include "selftest_fixture.h"
#include "nft_json.h"
#include "scenario.h"
#include "yaml_util.h"

#define DATA FLOWSIM_SOURCE_DIR "/tests/data/nft-json"

#define PORTS \
	"ports:\n" \
	"  - {name: eth0, kind: ether, role: lan}\n" \
	"  - {name: br-lan, kind: bridge, members: [eth0], network: lan, address: 192.168.1.1/24}\n" \
	"  - {name: eth1, kind: ether, role: wan, network: wan, address: 10.0.0.2/24, " \
	"gateway: 10.0.0.1}\n" \
	"hosts:\n" \
	"  - {name: pc, port: eth0, ipv4: 192.168.1.10}\n" \
	"  - {name: server, port: eth1, ipv4: 203.0.113.1}\n"

static struct scenario *load(const char *router, struct yu_diag *d)
{
	char *text = g_strdup_printf("duration: 10s\nrouter:\n  soc: mt7621\n%s" PORTS, router);
	struct scenario *s;

	yu_diag_init(d);
	s = scenario_load_string("t.yaml", DATA, text, strlen(text), FLOWSIM_SOURCE_DIR "/hw/soc", d);
	g_free(text);
	return s;
}

static char *first_error(const struct yu_diag *d)
{
	guint i;

	for (i = 0; i < d->msgs->len; i++) {
		const struct yu_msg *m = g_ptr_array_index(d->msgs, i);

		if (!m->warning)
			return yu_msg_format(m);
	}
	return g_strdup("(no error)");
}

static char *translate(const char *json, u32 flags)
{
	struct nft_json_result r;
	struct trace_diags td;
	char *text;

	trace_diags_init(&td);
	nft_json_result_init(&r);
	g_assert_cmpint(nft_json_parse_file(json, TRACE_STRICT, flags, &r, &td), ==, 0);
	text = g_strdup(r.text);
	nft_json_result_clear(&r);
	trace_diags_clear(&td);
	return text;
}

static void test_ruleset_json(void)
{
	struct yu_diag d;
	struct scenario *s = load("  ruleset_json: fw4-offload-sw.json\n", &d);
	char *want = translate(DATA "/fw4-offload-sw.json", 0);

	g_assert_nonnull(s);
	g_assert_cmpstr(s->router.ruleset, ==, want);
	g_assert_cmpstr(s->router.ruleset_file, ==, DATA "/fw4-offload-sw.json");
	g_assert_true(s->router.fw.defaults.flow_offloading);
	g_assert_false(s->router.fw.defaults.flow_offloading_hw);
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(want);

	s = load("  ruleset_json: {file: fw4-offload-hw.json, hw_offload: true}\n", &d);
	want = translate(DATA "/fw4-offload-hw.json", NFT_JSON_FT_HW_OFFLOAD);
	g_assert_nonnull(s);
	g_assert_cmpstr(s->router.ruleset, ==, want);
	g_assert_true(s->router.fw.defaults.flow_offloading_hw);
	g_assert_nonnull(strstr(s->router.ruleset, "\t\tflags offload\n"));
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(want);

	/* a dump the model cannot take whole: strict error, or tolerant with a warning */
	s = load("  ruleset_json: selftest.json\n", &d);
	g_assert_null(s);
	want = first_error(&d);
	g_assert_cmpstr(want, ==, DATA "/selftest.json:1:3102: nftables[16].chain: netdev base "
			"chain without \"dev\": the dump does not say which device it hooks "
			"(nftables 1.0.6 leaves it out of its JSON)");
	g_free(want);
	yu_diag_clear(&d);
	s = load("  ruleset_json: {file: selftest.json, tolerant: true}\n", &d);
	g_assert_nonnull(s);
	g_assert_cmpuint(d.warnings, ==, 2);
	g_assert_null(strstr(s->router.ruleset, "dscpmangle {\n\tchain"));
	scenario_free(s);
	yu_diag_clear(&d);
}

static void test_ruleset_nft(void)
{
	struct yu_diag d;
	struct scenario *s = load("  ruleset: fw4-offload-sw.nft\n", &d);
	gsize len;
	char *want = tu_read_file(DATA "/fw4-offload-sw.nft", &len);

	g_assert_nonnull(s);
	g_assert_cmpstr(s->router.ruleset, ==, want);
	g_assert_true(s->router.fw.defaults.flow_offloading);
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(want);
}

static void expect_error(const char *router, const char *msg)
{
	struct yu_diag d;
	struct scenario *s = load(router, &d);
	char *m;

	g_assert_null(s);
	m = first_error(&d);
	g_assert_cmpstr(m, ==, msg);
	g_free(m);
	yu_diag_clear(&d);
}

static void test_errors(void)
{
	expect_error("  ruleset: fw4-default.nft\n  ruleset_json: fw4-default.json\n",
		     "t.yaml:5:3: ruleset_json: give either ruleset or ruleset_json, not both");
	expect_error("  firewall: {defaults: {flow_offloading: 1}}\n  ruleset: fw4-default.nft\n",
		     "t.yaml:4:3: firewall: a router with its own ruleset has no fw4 firewall: give "
		     "either firewall/firewall_uci or ruleset/ruleset_json");
	expect_error("  ruleset: missing.nft\n",
		     "t.yaml:4:12: ruleset: no such file: " DATA "/missing.nft");
	expect_error("  ruleset_json: {file: missing.json}\n",
		     "t.yaml:4:24: ruleset_json: no such file: " DATA "/missing.json");
	/* an nft error points into the ruleset file */
	expect_error("  ruleset: fw4-default.json\n",
		     DATA "/fw4-default.json:1:1: expected a command (table, add, create, insert, "
		     "delete, destroy, flush), got '{'");
	expect_error("  ruleset_json: fw4-default.nft\n",
		     DATA "/fw4-default.nft:1:1: expected '{' starting {\"nftables\": [...]}, found "
		     "'table inet fw4\\x0aflush...'");
	expect_error("  ruleset_json: {hw_offload: true}\n",
		     "t.yaml:4:17: ruleset_json: missing required key 'file'");
}

/* ------------------------------------------------------------------ lab run ---- */

static const char selftest_text[] = SELFTEST_RULESET;

struct trip {
	struct router_result r;
	u8 dscp;
};

/*
 * A TCP connection 10.0.1.99:40000 -> 10.0.2.99:12345 with data both ways (the server
 * answers the router's masquerade address 10.0.2.1); the result of every packet.
 */
static void run_conn(struct lab *lab, struct trip *out, u32 n)
{
	u32 i, cseq = 1000, sseq = 900000;

	for (i = 0; i < n; i++) {
		bool reply = i % 2 == 1;
		u8 flags = i == 0 ? FS_TCP_SYN : i == 1 ? FS_TCP_SYN | FS_TCP_ACK : FS_TCP_ACK;
		u16 payload = i < 3 ? 0 : 500;
		struct fs_packet p = reply ?
			tu_packet("10.0.2.99", 12345, "10.0.2.1", 40000, FS_IPPROTO_TCP, lab->wan,
				  (u16)(52 + payload)) :
			tu_packet("10.0.1.99", 40000, "10.0.2.99", 12345, FS_IPPROTO_TCP, lab->lan,
				  (u16)(52 + payload));

		p.tcp_flags = flags;
		p.payload = payload;
		p.win = 64240;
		p.seq = reply ? sseq : cseq;
		p.ack = reply ? cseq : (i ? sseq : 0);
		if (reply)
			sseq += payload + ((flags & FS_TCP_SYN) ? 1 : 0);
		else
			cseq += payload + ((flags & FS_TCP_SYN) ? 1 : 0);
		out[i].r = tu_lab_send(lab, &p, TU_MS(10 + i));
		out[i].dscp = p.dscp;
	}
}

static void test_lab_run(void)
{
	struct lab a, b;
	char *json_text = translate(DATA "/selftest-flowtable.json", 0);
	struct trip ta[12], tb[12];
	u32 i, fast = 0;

	tu_lab_init(&a, NULL, selftest_text);
	tu_lab_init(&b, NULL, json_text);
	run_conn(&a, ta, 12);
	run_conn(&b, tb, 12);
	for (i = 0; i < 12; i++) {
		g_assert_cmpuint(ta[i].r.verdict, ==, tb[i].r.verdict);
		g_assert_cmpuint(ta[i].r.path, ==, tb[i].r.path);
		g_assert_cmpuint(ta[i].r.tx_dev, ==, tb[i].r.tx_dev);
		g_assert_cmpuint(ta[i].dscp, ==, tb[i].dscp);
		fast += tb[i].r.path == ROUTER_PATH_FLOWTABLE;
	}
	g_assert_cmpuint(tu_lab_count(&a, FS_EV_FLOW_ADD, NULL), ==, 1);
	g_assert_cmpuint(tu_lab_count(&b, FS_EV_FLOW_ADD, NULL), ==, 1);
	g_assert_cmpuint(tu_lab_count(&a, FS_EV_CT_OFFLOAD, NULL), ==,
			 tu_lab_count(&b, FS_EV_CT_OFFLOAD, NULL));
	g_assert_cmpuint(fast, >=, 6);
	tu_lab_free(&a);
	tu_lab_free(&b);
	g_free(json_text);
}

/* flowsim run with router.ruleset / ruleset_json: the summary shows the ruleset was the one
 * in force (a forward-drop ruleset forwards nothing; fw4's software-offload dump offloads). */
static JsonObject *run_summary(const char *dir, const char *router_yaml, JsonParser **keep)
{
	char *scn = g_build_filename(dir, "s.yaml", NULL);
	char *js = g_build_filename(dir, "s.json", NULL);
	char *text = g_strdup_printf("duration: 2s\nrouter:\n  soc: mt7621\n%s" PORTS
				     "traffic:\n  - {type: udp_cbr, client: pc, server: server, "
				     "rate: 10mbit}\n", router_yaml);
	const char *args[] = { "run", "-q", "--json", js, scn, NULL };
	char *out = NULL, *err = NULL;
	GError *e = NULL;

	g_assert_true(g_file_set_contents(scn, text, -1, NULL));
	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	*keep = json_parser_new();
	g_assert_true(json_parser_load_from_file(*keep, js, &e));
	g_free(scn);
	g_free(js);
	g_free(text);
	g_free(out);
	g_free(err);
	return json_node_get_object(json_parser_get_root(*keep));
}

static gint64 path_packets(JsonObject *sum, const char *path)
{
	return json_object_get_int_member(json_object_get_object_member(
		json_object_get_object_member(sum, "paths"), path), "packets");
}

static void test_run_uses_ruleset(void)
{
	char *dir = g_dir_make_tmp("flowsim-ruleset-XXXXXX", NULL);
	char *nft = g_build_filename(dir, "drop.nft", NULL);
	char *yaml = g_strdup_printf("  ruleset: %s\n", nft);
	JsonParser *jp;
	JsonObject *sum;

	g_assert_true(g_file_set_contents(nft,
		"table inet t {\n"
		"	chain forward {\n"
		"		type filter hook forward priority filter; policy drop;\n"
		"	}\n"
		"}\n", -1, NULL));
	sum = run_summary(dir, yaml, &jp);
	g_assert_cmpint(path_packets(sum, "slow"), ==, 0);
	g_assert_cmpint(path_packets(sum, "flowtable"), ==, 0);
	g_assert_cmpstr(json_object_get_string_member(
		json_object_get_object_member(sum, "offload"), "mode"), ==, "none");
	g_object_unref(jp);

	sum = run_summary(dir, "  ruleset_json: " DATA "/fw4-offload-sw.json\n", &jp);
	g_assert_cmpstr(json_object_get_string_member(
		json_object_get_object_member(sum, "offload"), "mode"), ==, "software");
	g_assert_cmpint(path_packets(sum, "flowtable"), >, 1000);
	g_assert_cmpint(path_packets(sum, "slow"), <, 10);
	g_object_unref(jp);

	{
		static const char *const files[] = { "s.yaml", "s.json", "drop.nft" };
		guint i;

		for (i = 0; i < G_N_ELEMENTS(files); i++) {
			char *f = g_build_filename(dir, files[i], NULL);

			g_remove(f);
			g_free(f);
		}
	}
	g_rmdir(dir);
	g_free(yaml);
	g_free(nft);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/scenario/ruleset_json/replaces_fw4", test_ruleset_json);
	g_test_add_func("/scenario/ruleset/replaces_fw4", test_ruleset_nft);
	g_test_add_func("/scenario/ruleset/errors_name_file_line_col", test_errors);
	g_test_add_func("/scenario/ruleset_json/lab_run_matches_text", test_lab_run);
	g_test_add_func("/run/ruleset/replaces_fw4_in_the_run", test_run_uses_ruleset);
	return g_test_run();
}
