/* SPDX-License-Identifier: MIT */
/*
 * The UCI reader (sim/uci.c): libuci's file syntax, firewall4's option names and value
 * syntaxes for /etc/config/firewall, errors with file:line, warnings for what the model
 * does not use, and `flowsim fw4 render` on top of it.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "testutil.h"
#include "uci.h"
#include "ruleset.h"

#define DATA FLOWSIM_SOURCE_DIR "/tests/data/uci/"

static gboolean has_warning(GPtrArray *w, const char *needle)
{
	guint i;

	for (i = 0; i < w->len; i++)
		if (strstr(g_ptr_array_index(w, i), needle))
			return TRUE;
	return FALSE;
}

static void test_openwrt_default_file(void)
{
	struct fw4_config *from_file = g_new0(struct fw4_config, 1);
	struct fw4_config *builtin = g_new0(struct fw4_config, 1);
	GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	u32 i;

	if (uci_firewall_load(DATA "firewall.openwrt", from_file, w, &err))
		g_error("%s", err->message);
	for (i = 0; i < w->len; i++)
		g_printerr("unexpected warning: %s\n", (char *)g_ptr_array_index(w, i));
	g_assert_cmpuint(w->len, ==, 0);
	fw4_config_openwrt_default(builtin);

	g_assert_cmpuint(from_file->defaults.input, ==, FW4_REJECT);
	g_assert_cmpuint(from_file->defaults.output, ==, FW4_ACCEPT);
	g_assert_cmpuint(from_file->defaults.forward, ==, FW4_REJECT);
	g_assert_cmpuint(from_file->defaults.syn_flood, ==, 1);
	g_assert_cmpuint(from_file->defaults.synflood_rate, ==, 25);
	g_assert_cmpuint(from_file->defaults.synflood_burst, ==, 50);
	g_assert_cmpuint(from_file->defaults.flow_offloading, ==, 0);
	g_assert_cmpuint(from_file->num_zones, ==, 2);
	g_assert_cmpstr(from_file->zone[1].name, ==, "wan");
	g_assert_cmpuint(from_file->zone[1].num_network, ==, 2);
	g_assert_cmpstr(from_file->zone[1].network[1], ==, "wan6");
	g_assert_cmpuint(from_file->zone[1].forward, ==, FW4_DROP);
	g_assert_cmpuint(from_file->zone[1].masq, ==, 1);
	g_assert_cmpuint(from_file->num_fwd, ==, 1);
	g_assert_cmpuint(from_file->num_rules, ==, 9);
	g_assert_cmpstr(from_file->rule[7].name, ==, "Allow-IPSec-ESP");
	g_assert_cmpuint(from_file->rule[7].proto_other, ==, 50);
	g_assert_cmpuint(from_file->rule[5].num_icmp6_types, ==, 10);
	g_assert_cmpuint(from_file->rule[5].num_icmp_types, ==, 0);
	g_assert_cmpuint(from_file->rule[5].limit, ==, 1000);
	/* the whole configuration is exactly the built-in OpenWrt default */
	for (i = 0; i < builtin->num_rules; i++)
		if (memcmp(&from_file->rule[i], &builtin->rule[i], sizeof(builtin->rule[i])))
			g_error("rule %u (%s) differs from fw4_config_openwrt_default()", i,
				builtin->rule[i].name);
	g_assert_true(memcmp(from_file, builtin, sizeof(*builtin)) == 0);
	g_ptr_array_unref(w);
	g_free(from_file);
	g_free(builtin);
}

static void test_offload_file(void)
{
	struct fw4_config *c = g_new0(struct fw4_config, 1);
	GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	const struct fw4_rule *r;

	if (uci_firewall_load(DATA "firewall.offload", c, w, &err))
		g_error("%s", err->message);
	g_assert_cmpuint(c->defaults.forward, ==, FW4_REJECT);
	g_assert_cmpuint(c->defaults.flow_offloading, ==, 1);
	g_assert_cmpuint(c->defaults.flow_offloading_hw, ==, 1);
	g_assert_cmpuint(c->defaults.drop_invalid, ==, 1);
	/* synflood_protect wins over its alias syn_flood */
	g_assert_cmpuint(c->defaults.syn_flood, ==, 0);
	/* option network 'lan guest': blanks separate values */
	g_assert_cmpuint(c->zone[0].num_network, ==, 2);
	g_assert_cmpstr(c->zone[0].network[1], ==, "guest");
	/* "REJ"'ECT' is one value; unset policies inherit the defaults */
	g_assert_cmpuint(c->zone[1].input, ==, FW4_REJECT);
	g_assert_cmpuint(c->zone[1].output, ==, FW4_ACCEPT);
	g_assert_cmpuint(c->zone[1].forward, ==, FW4_REJECT);
	g_assert_cmpuint(c->num_zones, ==, 2);   /* iot is disabled */
	g_assert_cmpuint(c->num_rules, ==, 2);   /* the redirect and the SSH rule */
	r = &c->rule[0];
	g_assert_cmpstr(r->name, ==, "Allow-SSH-from-lab");
	g_assert_cmpuint(r->dest_port, ==, 22);
	g_assert_cmpuint(r->dest_port_end, ==, 23);
	g_assert_cmpuint(r->src_plen, ==, 24);
	g_assert_cmpuint(r->family, ==, FS_AF_INET);
	g_assert_cmpuint(r->src_ip.ip, ==, tu_addr("198.51.100.0").ip);
	r = &c->rule[1];
	g_assert_true(r->is_redirect);
	g_assert_cmpstr(r->name, ==, "NAS https");
	g_assert_cmpuint(r->src_dport, ==, 8443);
	g_assert_cmpuint(r->redirect_port, ==, 443);
	g_assert_cmpuint(r->dest_ip.ip, ==, tu_addr("192.168.1.10").ip);
	g_assert_cmpuint(r->proto_mask, ==, FW4_PROTO_TCP);

	g_assert_true(has_warning(w, "firewall.offload:13: section main: specifies unknown option "
				  "'unknown_defaults_option' (ignored)"));
	g_assert_true(has_warning(w, "firewall.offload:29: zone @zone[1] (wan): option 'log' is "
				  "not modelled by flowsim (ignored)"));
	g_assert_true(has_warning(w, "firewall.offload:31: zone @zone[2] (iot): is disabled"));
	g_assert_true(has_warning(w, "refers to disabled zone 'iot'; section skipped"));
	g_assert_true(has_warning(w, "target 'mark' is not modelled; section skipped"));
	g_assert_true(has_warning(w, "option 'src_port' is not modelled"));
	g_assert_true(has_warning(w, "'include' sections are not modelled"));
	g_ptr_array_unref(w);
	g_free(c);
}

struct bad_case {
	const char *text;
	const char *msg;    /* after "<file>:" */
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
		/* syntax */
		{ "option input ACCEPT\n", "1: 'option' outside a section: expected 'config TYPE'" },
		{ "config defaults\n\toption input 'ACCEPT\n", "2: unterminated single quote" },
		{ "config defaults\n\n\toption input \"ACC\n", "3: unterminated double quote" },
		{ "config defaults\n\toption input\n", "2: expected 'option NAME VALUE'" },
		{ "config zone\n\toption name lan wan\n",
		  "2: expected 'option NAME VALUE' (quote values that contain spaces)" },
		{ "config zone\n\toption na-me lan\n", "2: invalid option name 'na-me'" },
		{ "config zone a b c\n", "1: expected 'config TYPE' or 'config TYPE NAME'" },
		{ "config zone 'my zone'\n", "1: invalid section name 'my zone'" },
		{ "# ok\nconfog zone\n", "2: unknown keyword 'confog'" },
		/* values */
		{ "config defaults\n\toption input ALLOW\n",
		  "2: section @defaults[0]: option 'input' has invalid value 'ALLOW': expected ACCEPT, "
		  "REJECT or DROP" },
		{ "config defaults\n\toption flow_offloading maybe\n",
		  "2: section @defaults[0]: option 'flow_offloading' has invalid value 'maybe': "
		  "expected a boolean" },
		{ "config zone\n\toption network lan\n",
		  "1: section @zone[0]: option 'name' is mandatory but not set" },
		{ "config zone\n\toption name 'wan zone'\n",
		  "2: zone @zone[0] (wan zone): option 'name' has invalid value 'wan zone'" },
		{ "config zone\n\toption name lan\nconfig forwarding\n\toption src lan\n"
		  "\toption dest wan\n", "5: section @forwarding[0]: option 'dest' refers to "
		  "unknown zone 'wan'" },
		{ "config zone\n\toption name wan\nconfig rule\n\toption src wan\n\toption proto tcp\n"
		  "\toption dest_port 70000\n\toption target ACCEPT\n",
		  "6: section @rule[0]: option 'dest_port' has invalid value '70000'" },
		{ "config rule\n\toption name x\n\toption family ipx\n\toption target ACCEPT\n",
		  "3: section @rule[0] (x): option 'family' has invalid value 'ipx'" },
		{ "config rule\n\toption proto bogus\n\toption target ACCEPT\n",
		  "2: section @rule[0]: option 'proto' has invalid value 'bogus'" },
		{ "config rule\n\toption dest_ip 10.0.0.300\n\toption target DROP\n",
		  "2: section @rule[0]: option 'dest_ip' has invalid value '10.0.0.300'" },
		{ "config rule\n\toption target JUMP\n",
		  "2: section @rule[0]: option 'target' has invalid value 'JUMP'" },
		{ "config rule\n\toption proto icmp\n\toption icmp_type echo-sideways\n"
		  "\toption target ACCEPT\n",
		  "3: section @rule[0]: option 'icmp_type' has invalid value 'echo-sideways'" },
		{ "config defaults\n\toption synflood_rate 25/fortnight\n",
		  "2: section @defaults[0]: option 'synflood_rate' has invalid value '25/fortnight'" },
		{ "config redirect\n\toption src_dport 80\n",
		  "1: section @redirect[0]: option 'src' is mandatory but not set" },
	};
	u32 i, bad = 0;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fw4_config *c = g_new0(struct fw4_config, 1);
		GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
		GError *err = NULL;
		struct uci_file *f;
		char *want = g_strdup_printf("bad.uci:%s", cases[i].msg);
		int rc = -1;

		f = uci_parse("bad.uci", cases[i].text, strlen(cases[i].text), &err);
		if (f)
			rc = uci_firewall_config(f, c, w, &err);
		if (!rc) {
			g_printerr("case %u: accepted\n", i);
			bad++;
		} else if (!g_str_has_prefix(err->message, want)) {
			g_printerr("case %u:\n  got  %s\n  want %s...\n", i, err->message, want);
			bad++;
		}
		g_clear_error(&err);
		uci_file_free(f);
		g_ptr_array_unref(w);
		g_free(c);
		g_free(want);
	}
	g_assert_cmpuint(bad, ==, 0);
}

static void test_file_syntax(void)
{
	const char *text =
		"package firewall\n"
		"config 'zone' 'lan'   # a comment\n"
		"\toption name \"l\\\"an\"\n"
		"\tlist network 'a'\n"
		"\tlist network b\\ c\n"
		"\toption empty ''\n"
		"\toption cont \\\n   continued\n"
		"config zone\n";
	GError *err = NULL;
	struct uci_file *f = uci_parse("x", text, strlen(text), &err);
	const struct uci_section *s;
	const struct uci_option *o;

	g_assert_no_error(err);
	g_assert_cmpuint(f->sections->len, ==, 2);
	s = g_ptr_array_index(f->sections, 0);
	g_assert_cmpstr(s->type, ==, "zone");
	g_assert_cmpstr(s->name, ==, "lan");
	g_assert_cmpuint(s->line, ==, 2);
	o = uci_section_option(s, "name");
	g_assert_cmpstr(g_ptr_array_index(o->values, 0), ==, "l\"an");
	o = uci_section_option(s, "network");
	g_assert_true(o->is_list);
	g_assert_cmpuint(o->values->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(o->values, 1), ==, "b c");
	o = uci_section_option(s, "empty");
	g_assert_cmpstr(g_ptr_array_index(o->values, 0), ==, "");
	o = uci_section_option(s, "cont");
	g_assert_cmpstr(g_ptr_array_index(o->values, 0), ==, "continued");
	g_assert_cmpuint(o->line, ==, 7);
	s = g_ptr_array_index(f->sections, 1);
	g_assert_null(s->name);
	g_assert_cmpuint(s->line, ==, 9);
	g_assert_cmpuint(s->index, ==, 1);
	uci_file_free(f);

	g_assert_null(uci_load("/nonexistent/firewall", &err));
	g_assert_error(err, UCI_ERROR, UCI_ERROR_IO);
	g_assert_true(g_str_has_prefix(err->message, "/nonexistent/firewall: "));
	g_clear_error(&err);
}

static void test_cli_fw4_render(void)
{
	const char *def[] = { "fw4", "render", "--check", NULL };
	const char *hw[] = { "fw4", "render", "--uci", DATA "firewall.offload",
			     "--network", "lan=br-lan", "--network", "wan=eth1,pppoe-wan",
			     "--network", "wan6=eth1", "--bridge", "br-lan=lan1,lan2",
			     "--check", NULL };
	const char *fallback[] = { "fw4", "render", "--offload", "hw",
				   "--bridge", "br-lan=lan1,lan2", "--hw-capable", "lan1,lan2",
				   NULL };
	const char *bad[] = { "fw4", "render", "--network", "lan", NULL };
	const char *badfile[] = { "fw4", "render", "--uci", NULL, NULL };
	const char *help[] = { "fw4", "render", "--help", NULL };
	char *out, *err, *path;

	g_assert_cmpint(tu_run_flowsim(NULL, def, &out, &err), ==, 0);
	g_assert_true(g_str_has_prefix(out, "table inet fw4\nflush table inet fw4\n"));
	g_assert_null(strstr(out, "flowtable"));
	g_free(out);
	g_free(err);

	g_assert_cmpint(tu_run_flowsim(NULL, hw, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\t\tdevices = { \"eth1\", \"lan1\", \"lan2\" };\n"
				"\t\tcounter;\n\t\tflags offload;\n"));
	g_assert_nonnull(strstr(out, "dnat ip to 192.168.1.10:443"));
	g_assert_nonnull(strstr(err, "warning: "));
	g_free(out);
	g_free(err);

	g_assert_cmpint(tu_run_flowsim(NULL, fallback, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "\t\tdevices = { \"br-lan\", \"eth1\" };\n\t\tcounter;\n\t}"));
	g_assert_nonnull(strstr(err, "Hardware flow offloading unavailable, falling back to "
				"software offloading"));
	g_free(out);
	g_free(err);

	g_assert_cmpint(tu_run_flowsim(NULL, bad, &out, &err), ==, 2);
	g_assert_nonnull(strstr(err, "bad --network 'lan': expected NAME=VALUE"));
	g_free(out);
	g_free(err);

	path = g_build_filename(g_get_tmp_dir(), "flowsim-uci-bad", NULL);
	g_assert_true(g_file_set_contents(path, "config defaults\n\toption input maybe\n", -1,
					  NULL));
	badfile[3] = path;
	g_assert_cmpint(tu_run_flowsim(NULL, badfile, &out, &err), ==, 1);
	g_assert_nonnull(strstr(err, ":2: section @defaults[0]: option 'input' has invalid value"));
	g_free(out);
	g_free(err);
	g_unlink(path);
	g_free(path);

	g_assert_cmpint(tu_run_flowsim(NULL, help, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "--hw-capable"));
	g_free(out);
	g_free(err);
}

/*
 * Found by tests/fuzz/fuzz_uci: a rule name with a control character became the comment of
 * the rule fw4 renders, which the core's nft parser refuses, so a config that mapped did
 * not load.  The UCI reader refuses control characters (tabs aside) in words.
 */
static void test_control_characters_are_refused(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "config rule\n\toption name 'a\x01b'\n\toption target ACCEPT\n",
		  "ctl.uci:2: control character in a value: expected printable text" },
		{ "config rule\n\toption name \"a\x1e\"\n", "ctl.uci:2: control character in a value: "
		  "expected printable text" },
		{ "config zone\n\toption name lan\x0b\n", "ctl.uci:2: control character in a value: "
		  "expected printable text" },
		{ "config zone\n\toption name a\\\x07\n", "ctl.uci:2: control character in a value: "
		  "expected printable text" },
	};
	const char *tab = "config rule\r\n\toption name 'a\tb'\r\n\toption target ACCEPT\r\n";
	struct fw4_config *c = g_new0(struct fw4_config, 1);
	GError *err = NULL;
	struct uci_file *f;
	u32 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		f = uci_parse("ctl.uci", cases[i].text, strlen(cases[i].text), &err);
		g_assert_null(f);
		g_assert_error(err, UCI_ERROR, UCI_ERROR_SYNTAX);
		g_assert_cmpstr(err->message, ==, cases[i].msg);
		g_clear_error(&err);
	}
	/* a tab inside quotes and CRLF line ends are fine */
	f = uci_parse("ctl.uci", tab, strlen(tab), &err);
	g_assert_no_error(err);
	g_assert_cmpint(uci_firewall_config(f, c, NULL, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpstr(c->rule[0].name, ==, "a\tb");
	uci_file_free(f);
	g_free(c);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/uci/firewall/openwrt_default_file", test_openwrt_default_file);
	g_test_add_func("/uci/firewall/offload_options_and_warnings", test_offload_file);
	g_test_add_func("/uci/firewall/errors_name_file_and_line", test_errors);
	g_test_add_func("/uci/file/quoting_lists_continuations", test_file_syntax);
	g_test_add_func("/uci/file/control_characters_are_refused",
			test_control_characters_are_refused);
	g_test_add_func("/uci/cli/fw4_render", test_cli_fw4_render);
	return g_test_run();
}
