/* SPDX-License-Identifier: MIT */
/*
 * The nft parser of the core (model/nft_*.c): the syntax of the kernel selftest
 * nft_flowtable.sh and of firewall4, load-time validation as nf_tables does it, exact
 * error positions, transactional apply, hook run order, and `flowsim nft check`.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "testutil.h"
#include "ruleset.h"
#include "flowtable.h"

#define DATA FLOWSIM_SOURCE_DIR "/tests/data/nft/"

static struct ruleset *load(const char *text)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;

	g_assert_nonnull(rs);
	if (ruleset_apply(rs, text, strlen(text), &err))
		g_error("ruleset does not load: %u:%u: %s", err.line, err.col, err.msg);
	return rs;
}

static void apply_ok(struct ruleset *rs, const char *text)
{
	struct ruleset_error err;

	if (ruleset_apply(rs, text, strlen(text), &err))
		g_error("script does not load: %u:%u: %s\n%s", err.line, err.col, err.msg, text);
}

static void apply_file(struct ruleset *rs, const char *name)
{
	char *path = g_strconcat(DATA, name, NULL);
	gsize len;
	char *text = tu_read_file(path, &len);
	struct ruleset_error err;

	if (ruleset_apply(rs, text, len, &err))
		g_error("%s:%u:%u: %s", path, err.line, err.col, err.msg);
	g_free(text);
	g_free(path);
}

static char *listing(const struct ruleset *rs)
{
	static char buf[1 << 17];

	g_assert_cmpint(ruleset_format(rs, buf, sizeof(buf)), >=, 0);
	return buf;
}

static const struct ruleset_chain_info *find_chain(const struct ruleset *rs, const char *table,
						   const char *name)
{
	static struct ruleset_chain_info c[256];
	u32 n = ruleset_chains(rs, c, 256), i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].table, table) && !strcmp(c[i].name, name))
			return &c[i];
	return NULL;
}

/* ------------------------------------------------------------------ selftest */

static void test_selftest_nsr1(void)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_flowtable ft[4];
	struct ruleset_counter_info ctr[8];
	const struct ruleset_chain_info *fwd;
	struct nft_chain_ref refs[8];
	u64 pk = 99, by = 99;

	apply_file(rs, "selftest_nsr1.nft");
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 4), ==, 1);
	g_assert_cmpstr(ft[0].table, ==, "filter");
	g_assert_cmpstr(ft[0].name, ==, "f1");
	g_assert_cmpuint(ft[0].family, ==, NFT_FAMILY_INET);
	g_assert_cmpint(ft[0].priority, ==, 0);
	g_assert_cmpuint(ft[0].flags, ==, 0);   /* no counter, no offload flag */
	g_assert_cmpuint(ft[0].num_devices, ==, 2);
	g_assert_cmpstr(ft[0].devices[0], ==, "veth0");
	g_assert_cmpstr(ft[0].devices[1], ==, "veth1");

	g_assert_cmpuint(ruleset_counters(rs, ctr, 8), ==, 2);
	g_assert_cmpstr(ctr[0].name, ==, "routed_orig");
	g_assert_cmpstr(ctr[1].name, ==, "routed_repl");
	g_assert_cmpint(ruleset_counter_get(rs, "inet filter", "routed_orig", &pk, &by), ==, 0);
	g_assert_cmpuint(pk, ==, 0);
	g_assert_cmpuint(by, ==, 0);
	g_assert_cmpint(ruleset_counter_get(rs, "ip filter", "routed_orig", &pk, &by), ==, -1);

	fwd = find_chain(rs, "filter", "forward");
	g_assert_nonnull(fwd);
	g_assert_true(fwd->base);
	g_assert_cmpuint(fwd->hook, ==, NFT_HOOK_FORWARD);
	g_assert_cmpuint(fwd->type, ==, NFT_CHAIN_FILTER);
	g_assert_cmpint(fwd->priority, ==, 0);
	g_assert_cmpuint(fwd->policy, ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(fwd->num_rules, ==, 5);

	/* inet chains serve both families; nothing on other hooks */
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET, NULL, refs, 8), ==, 1);
	g_assert_cmpuint(refs[0].id, ==, fwd->id);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET6, NULL, refs, 8), ==, 1);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_INPUT, FS_AF_INET, NULL, refs, 8), ==, 0);

	g_assert_nonnull(strstr(listing(rs),
		"\t\tmeta oif \"veth1\" tcp dport 12345 ct mark set 1 flow add @f1 counter name "
		"routed_orig accept\n"
		"\t\tct mark 1 counter name ct direction map { original : routed_orig, reply : "
		"routed_repl } accept\n"
		"\t\tct state established,related accept\n"));
	ruleset_destroy(rs);
}

static void test_selftest_dscp_chain_order(void)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_flowtable ft[2];
	struct nft_chain_ref refs[4];
	const struct ruleset_chain_info *c;
	struct ruleset_error err;
	const char *del = "delete table netdev dscpmangle\n";

	apply_file(rs, "selftest_nsr1.nft");
	apply_file(rs, "selftest_nat.nft");
	apply_file(rs, "selftest_dscp_ingress.nft");
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	/* the netdev chain is on veth0's ingress hook only */
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_INGRESS, FS_AF_INET, "veth0", refs, 4),
			 ==, 1);
	c = find_chain(rs, "dscpmangle", "setdscp0");
	g_assert_nonnull(c);
	g_assert_cmpuint(refs[0].id, ==, c->id);
	g_assert_cmpint(refs[0].priority, ==, 0);
	g_assert_cmpuint(c->family, ==, NFT_FAMILY_NETDEV);
	/* same priority as the flowtable, registered later: runs first (spec §2.1) */
	g_assert_cmpint(refs[0].priority, ==, ft[0].priority);
	g_assert_cmpuint(refs[0].reg_seq, >, ft[0].reg_seq);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_INGRESS, FS_AF_INET, "veth1", refs, 4),
			 ==, 0);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_EGRESS, FS_AF_INET, "veth0", refs, 4),
			 ==, 0);

	/* the script deletes it and loads the egress variant */
	g_assert_cmpint(ruleset_apply(rs, del, strlen(del), &err), ==, 0);
	apply_file(rs, "selftest_dscp_egress.nft");
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_EGRESS, FS_AF_INET, "veth1", refs, 4),
			 ==, 1);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_INGRESS, FS_AF_INET, "veth0", refs, 4),
			 ==, 0);

	/* dscp_fwd: "nft insert rule inet filter forward ip dscp set cs3" goes first */
	apply_ok(rs, "insert rule inet filter forward ip dscp set cs3\n");
	g_assert_nonnull(strstr(listing(rs), "policy drop;\n\t\tip dscp set cs3\n\t\tmeta oif"));

	/* the NAT table: ip family only, nat chains at priority 0 */
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_PREROUTING, FS_AF_INET, NULL, refs, 4),
			 ==, 1);
	g_assert_cmpuint(refs[0].type, ==, NFT_CHAIN_NAT);
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_PREROUTING, FS_AF_INET6, NULL, refs, 4),
			 ==, 0);
	ruleset_destroy(rs);
}

static void test_selftest_ns2_anonymous_chain(void)
{
	struct ruleset *rs = ruleset_create();
	const struct ruleset_chain_info *in;
	struct ruleset_chain_info c[8];
	u32 n, i, anon = 0;

	apply_file(rs, "selftest_ns2.nft");
	in = find_chain(rs, "filter", "input");
	g_assert_nonnull(in);
	g_assert_cmpuint(in->num_rules, ==, 1);
	n = ruleset_chains(rs, c, 8);
	for (i = 0; i < n; i++) {
		if (!c[i].anonymous)
			continue;
		anon++;
		g_assert_cmpuint(c[i].num_rules, ==, 2);
		g_assert_false(c[i].base);
	}
	g_assert_cmpuint(anon, ==, 1);
	/* the binding chain goes away with its rule */
	apply_ok(rs, "flush chain inet filter input\n");
	n = ruleset_chains(rs, c, 8);
	g_assert_cmpuint(n, ==, 1);
	ruleset_destroy(rs);
}

static void test_selftest_nat_reload(void)
{
	struct ruleset *rs = ruleset_create();
	const struct ruleset_chain_info *pre;
	const char *bridge_nat =
		"flush table ip nat\n"
		"table ip nat {\n"
		"   chain prerouting {\n"
		"      type nat hook prerouting priority 0; policy accept;\n"
		"      meta iif \"br0\" ip daddr 10.6.6.6 tcp dport 1666 counter dnat ip to 10.0.2.99:12345\n"
		"   }\n"
		"   chain postrouting {\n"
		"      type nat hook postrouting priority 0; policy accept;\n"
		"      meta oifname \"veth1\" counter masquerade\n"
		"   }\n"
		"}\n";
	u32 id;

	apply_file(rs, "selftest_nat.nft");
	pre = find_chain(rs, "nat", "prerouting");
	id = pre->id;
	apply_ok(rs, bridge_nat);
	pre = find_chain(rs, "nat", "prerouting");
	/* flush table keeps the chains (same id), replaces the rules */
	g_assert_cmpuint(pre->id, ==, id);
	g_assert_cmpuint(pre->num_rules, ==, 1);
	g_assert_nonnull(strstr(listing(rs), "meta iif \"br0\""));
	g_assert_null(strstr(listing(rs), "meta iif \"veth0\""));
	ruleset_destroy(rs);
}

/* ------------------------------------------------------------------ syntax */

static void test_all_constructs(void)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_flowtable ft[2];
	const struct ruleset_chain_info *c;
	u64 pk, by;

	apply_file(rs, "constructs.nft");
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	g_assert_cmpint(ft[0].priority, ==, -10);
	g_assert_cmpuint(ft[0].flags, ==, FLOWTABLE_F_HW_OFFLOAD | FLOWTABLE_F_COUNTER);
	g_assert_cmpstr(ft[0].devices[0], ==, "eth0");
	g_assert_cmpstr(ft[0].devices[1], ==, "lan1");
	c = find_chain(rs, "t", "base_in");
	g_assert_cmpint(c->priority, ==, 5);
	g_assert_cmpuint(c->num_rules, ==, 19);
	c = find_chain(rs, "t", "post");
	g_assert_cmpuint(c->type, ==, NFT_CHAIN_NAT);
	g_assert_cmpint(c->priority, ==, NFT_PRIO_SRCNAT);
	c = find_chain(rs, "t", "pre");
	g_assert_cmpint(c->priority, ==, NFT_PRIO_DSTNAT);
	c = find_chain(rs, "t", "mangle_out");
	g_assert_cmpuint(c->type, ==, NFT_CHAIN_ROUTE);
	g_assert_cmpint(c->priority, ==, NFT_PRIO_MANGLE);
	c = find_chain(rs, "t", "sub");
	/* insert rule goes first, add rule ... index 0 after the first */
	g_assert_cmpuint(c->num_rules, ==, 7);
	g_assert_nonnull(strstr(listing(rs), "chain sub {\n\t\tip dscp set cs2\n\t\tcounter packets "
				"0 bytes 0\n\t\tlimit rate over 100/minute burst 20 packets drop\n"));
	g_assert_cmpint(ruleset_counter_get(rs, "t", "c2", &pk, &by), ==, 0);
	g_assert_cmpuint(pk, ==, 10);
	g_assert_cmpuint(by, ==, 1000);
	ruleset_destroy(rs);
}

static void test_priorities(void)
{
	static const struct { const char *spec; s32 prio; } cases[] = {
		{ "raw", -300 }, { "mangle", -150 }, { "dstnat", -100 }, { "filter", 0 },
		{ "security", 50 }, { "srcnat", 100 }, { "-150", -150 }, { "42", 42 },
		{ "filter + 10", 10 }, { "mangle - 5", -155 }, { "raw+1", -299 },
		{ "srcnat-2", 98 },
	};
	u32 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("table ip t { chain c { type filter hook input "
					     "priority %s; } }\n", cases[i].spec);
		struct ruleset *rs = load(text);

		g_assert_cmpint(find_chain(rs, "t", "c")->priority, ==, cases[i].prio);
		ruleset_destroy(rs);
		g_free(text);
	}
}

struct err_case {
	const char *text;
	u32 line, col;
	const char *msg;
};

static void test_errors_have_positions(void)
{
	static const struct err_case cases[] = {
		{ "table inet t {\n\tchain c {\n\t\ttcp dport 99999 accept\n\t}\n}\n", 3, 13,
		  "tcp dport: value '99999' out of range (0-65535)" },
		{ "table inet t {\n  chain c {\n    meta l4proto foo accept\n  }\n}\n", 3, 18,
		  "expected a protocol" },
		{ "table inet t {\n  chain c {\n    frobnicate\n  }\n}\n", 3, 5,
		  "unknown or unsupported statement 'frobnicate'" },
		{ "table inet t {\n  chain c {\n    jump nowhere\n  }\n}\n", 3, 10,
		  "chain 'nowhere' does not exist in table inet t" },
		{ "table inet t {\n  chain c {\n    flow add @ft\n  }\n}\n", 3, 15,
		  "flowtable 'ft' does not exist" },
		{ "table bridge t {\n}\n", 1, 7, "family 'bridge' is not supported" },
		{ "table inet t {\n  chain c {\n    accept drop\n  }\n}\n", 3, 12,
		  "'drop' after a verdict has no effect" },
		{ "table inet t {\n  chain c {\n    type filter hook forward priority 0; policy "
		  "maybe;\n  }\n}\n", 3, 49, "expected a policy (accept or drop), got 'maybe'" },
		{ "table inet t {\n  chain c {\n    type filter hook input priority wrong;\n  }\n}\n",
		  3, 37, "unknown priority 'wrong'" },
		{ "table inet t {\n  chain c {\n    ip saddr 10.0.0.1/33 accept\n  }\n}\n", 3, 14,
		  "prefix length 33 is above 32" },
		{ "table inet t {\n  chain c {\n    ip saddr dead::1 accept\n  }\n}\n", 3, 14,
		  "is not an IPv4 address" },
		{ "table ip6 t {\n  chain c {\n    ip saddr 10.0.0.1 accept\n  }\n}\n", 3, 5,
		  "ip saddr cannot match in an ip6 table" },
		{ "table inet t {\n  chain c {\n    comment \"unterminated\n  }\n}\n", 3, 13,
		  "unterminated string" },
		{ "table inet t {\n  chain c {\n    ct state established,bogus accept\n  }\n}\n", 3,
		  26, "expected new, established, related, invalid or untracked, got 'bogus'" },
		{ "table inet t {\n  chain c {\n    iif \"eth*\" accept\n  }\n}\n", 3, 9,
		  "iif takes a device, not a wildcard" },
		{ "add rule inet t c accept\n", 1, 10, "table inet t does not exist" },
		{ "table inet t {\n  chain c {\n    accept\n", 4, 1, "expected '}' to close the chain" },
		{ "table inet t {\n  chain c {\n    tcp dport { 22 80 }\n  }\n}\n", 3, 20,
		  "expected ',' or '}', got '80'" },
		{ "table inet t {\n  chain c {\n    tcp dport { 22,\n 80\n", 5, 1,
		  "expected ',' or '}', got end of input" },
		{ "table netdev t {\n  chain c {\n    type filter hook ingress priority 0;\n  }\n}\n",
		  3, 30, "a netdev base chain needs 'device \"name\"' before its priority" },
		{ "table inet t {\n  chain c {\n    type nat hook forward priority 0;\n  }\n}\n", 3, 10,
		  "nat chains cannot use the forward hook" },
		{ "table inet t {\n  chain c {\n    type nat hook postrouting priority raw;\n  }\n}\n",
		  3, 31, "nat chains need a priority above conntrack (-200)" },
		{ "table inet t {\n  chain c {\n    type filter hook ingress device eth0 priority 0;\n"
		  "  }\n}\n", 3, 22, "the ingress hook needs a netdev table" },
		{ "list ruleset\n", 1, 1, "command not supported" },
		{ "table inet t {\n  set s { type ipv4_addr; }\n}\n", 2, 3,
		  "named sets and maps are not supported" },
		{ "table inet t {\n  chain c {\n    limit rate 10 mbytes/second\n  }\n}\n", 3, 19,
		  "'/unit' after the rate" },
		{ "table inet t { chain c { ip dscp set cs9; } }\n", 1, 38, "expected a DSCP class" },
		{ "table inet t { chain c { tcp dport 10-5 accept; } }\n", 1, 36,
		  "range start is above its end" },
		{ "table inet t { chain c { meta mark set; } }\n", 1, 39, "expected a number" },
		{ "table inet t { chain c { type filter hook postrouting priority 0; snat to 1.2.3.4; "
		  "} }\n", 1, 67, "NAT is only allowed in chains of type nat" },
		{ "table inet t { chain c { ! } }\n", 1, 26, "unexpected character '!'" },
	};
	u32 i, bad = 0;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ruleset *rs = ruleset_create();
		struct ruleset_error err;

		if (!ruleset_apply(rs, cases[i].text, strlen(cases[i].text), &err)) {
			g_printerr("case %u loaded but should fail:\n%s", i, cases[i].text);
			bad++;
		} else if (err.line != cases[i].line || err.col != cases[i].col ||
			   !strstr(err.msg, cases[i].msg)) {
			g_printerr("case %u: got %u:%u: %s\n        want %u:%u: ...%s...\n", i,
				   err.line, err.col, err.msg, cases[i].line, cases[i].col,
				   cases[i].msg);
			bad++;
		}
		ruleset_destroy(rs);
	}
	g_assert_cmpuint(bad, ==, 0);
}

static void test_error_is_transactional(void)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;
	char *before;
	u32 gen;
	const char *bad =
		"add chain inet filter extra\n"
		"add rule inet filter extra counter accept\n"
		"delete flowtable inet filter f1\n"      /* in use by the forward chain */
		"add rule inet filter forward drop\n";

	apply_file(rs, "selftest_nsr1.nft");
	before = g_strdup(listing(rs));
	gen = ruleset_generation(rs);
	g_assert_cmpint(ruleset_apply(rs, bad, strlen(bad), &err), ==, -1);
	g_assert_cmpuint(err.line, ==, 3);
	g_assert_cmpuint(err.col, ==, 30);
	g_assert_nonnull(strstr(err.msg, "flowtable 'f1' is in use"));
	g_assert_cmpstr(listing(rs), ==, before);
	g_assert_cmpuint(ruleset_generation(rs), ==, gen);
	g_assert_null(find_chain(rs, "filter", "extra"));
	g_free(before);
	ruleset_destroy(rs);
}

static void test_one_line_commands(void)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_flowtable ft[2];
	struct ruleset_error err;
	const char *busy = "delete chain inet t sub\n";
	const char *text =
		"add table inet t\n"
		"add chain inet t in { type filter hook input priority 0; policy drop; }\n"
		"add chain inet t sub\n"
		"add rule inet t in jump sub\n"
		"add rule inet t sub counter accept\n"
		"insert rule inet t in tcp dport 22 accept\n"
		"add flowtable inet t ft { hook ingress priority 0; devices = { a }; }\n"
		"add counter inet t k\n";

	apply_ok(rs, text);
	g_assert_cmpuint(find_chain(rs, "t", "in")->num_rules, ==, 2);
	g_assert_nonnull(strstr(listing(rs), "policy drop;\n\t\ttcp dport 22 accept\n"
				"\t\tjump sub\n"));
	/* a chain a jump refers to cannot go */
	g_assert_cmpint(ruleset_apply(rs, busy, strlen(busy), &err), ==, -1);
	g_assert_nonnull(strstr(err.msg, "chain 'sub' is in use"));
	apply_ok(rs, "flush chain inet t in\ndelete chain inet t sub\n");
	g_assert_null(find_chain(rs, "t", "sub"));
	/* redeclaring a flowtable merges devices; changing flags needs a delete first */
	apply_ok(rs, "table inet t { flowtable ft { hook ingress priority 0; devices = { b, a }; "
		     "counter; } }\n");
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	g_assert_cmpuint(ft[0].num_devices, ==, 2);
	g_assert_cmpuint(ft[0].flags, ==, FLOWTABLE_F_COUNTER);
	text = "table inet t { flowtable ft { hook ingress priority 0; devices = { a }; "
	       "flags offload; } }\n";
	g_assert_cmpint(ruleset_apply(rs, text, strlen(text), &err), ==, -1);
	g_assert_nonnull(strstr(err.msg, "cannot change offload mode in place"));
	apply_ok(rs, "delete flowtable inet t ft\n");
	apply_ok(rs, text);
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	g_assert_cmpuint(ft[0].flags, ==, FLOWTABLE_F_HW_OFFLOAD);
	apply_ok(rs, "destroy table inet nothere\ndelete table inet t\n");
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 0);
	apply_ok(rs, "table ip a { }\ntable ip b { }\nflush ruleset\n");
	g_assert_cmpuint(ruleset_chains(rs, NULL, 0), ==, 0);
	ruleset_destroy(rs);
}

static void test_load_validation(void)
{
	static const struct err_case cases[] = {
		/* nft_flow_offload_validate: forward hook only, also through jumps */
		{ "table inet t {\n flowtable f { hook ingress priority 0; devices = { a }; }\n"
		  " chain in { type filter hook input priority 0; jump sub; }\n"
		  " chain sub { meta l4proto tcp flow add @f; }\n}\n", 4, 31,
		  "flow add is only allowed in chains of the forward hook" },
		{ "table netdev t {\n chain c { type filter hook ingress device a priority 0;\n"
		  "  flow add @f\n }\n}\n", 3, 3, "flow add needs an ip, ip6 or inet table" },
		{ "table inet t {\n chain post { type nat hook prerouting priority dstnat;\n"
		  "  masquerade\n }\n}\n", 3, 3,
		  "masquerade is only allowed on the postrouting hook" },
		{ "table inet t {\n chain c { type filter hook postrouting priority 0;\n"
		  "  dnat ip to 1.2.3.4\n }\n}\n", 3, 3, "NAT is only allowed in chains of type nat" },
		{ "table inet t {\n chain c { type filter hook input priority 0;\n"
		  "  tcp option maxseg size set rt mtu\n }\n}\n", 3, 3,
		  "rt mtu is only allowed on the forward, output and postrouting hooks" },
		{ "table inet t {\n chain a { type filter hook input priority 0; jump b; }\n"
		  " chain b { jump c; }\n chain c { jump b; }\n}\n", 4, 12,
		  "jump to chain 'b' creates a loop" },
		{ "table inet t {\n chain a { type filter hook input priority 0; }\n"
		  " chain b { jump a; }\n}\n", 3, 17, "cannot jump to base chain 'a'" },
	};
	GString *deep = g_string_new("table inet t {\n chain c0 { type filter hook input priority 0;"
				     " jump c1; }\n");
	struct ruleset_error err;
	struct ruleset *rs;
	u32 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		rs = ruleset_create();
		if (!ruleset_apply(rs, cases[i].text, strlen(cases[i].text), &err))
			g_error("case %u loaded but should fail", i);
		if (err.line != cases[i].line || err.col != cases[i].col ||
		    !strstr(err.msg, cases[i].msg))
			g_error("case %u: got %u:%u: %s", i, err.line, err.col, err.msg);
		ruleset_destroy(rs);
	}
	/* NFT_JUMP_STACK_SIZE: 15 nested jumps load, 16 do not */
	for (i = 1; i <= 15; i++)
		g_string_append_printf(deep, " chain c%u { jump c%u; }\n", i, i + 1);
	g_string_append(deep, " chain c16 { accept; }\n}\n");
	rs = ruleset_create();
	g_assert_cmpint(ruleset_apply(rs, deep->str, deep->len, &err), ==, -1);
	g_assert_nonnull(strstr(err.msg, "too many nested jumps"));
	apply_ok(rs, "table inet u { chain c0 { type filter hook input priority 0; jump c1; }\n"
		     " chain c1 { accept; } }\n");
	ruleset_destroy(rs);
	g_string_free(deep, TRUE);
}

static void test_hook_order(void)
{
	struct ruleset *rs = ruleset_create();
	struct nft_chain_ref refs[8];
	const char *names4[] = { "ip_mangle", "inet_b", "ip_filter", "inet_a", "inet_late" };
	u32 n, i;

	apply_ok(rs, "table inet x { chain inet_a { type filter hook forward priority 0; } }\n");
	apply_ok(rs, "table ip y { chain ip_filter { type filter hook forward priority 0; }\n"
		     " chain ip_mangle { type filter hook forward priority mangle; } }\n");
	apply_ok(rs, "table ip6 z { chain ip6_filter { type filter hook forward priority -5; } }\n");
	apply_ok(rs, "table inet x { chain inet_b { type filter hook forward priority 0; }\n"
		     " chain inet_late { type filter hook forward priority 10; } }\n");
	n = ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET, NULL, refs, 8);
	g_assert_cmpuint(n, ==, 5);
	/* ascending priority; equal priority: most recently registered first */
	for (i = 0; i < n; i++) {
		const struct ruleset_chain_info *c = NULL;
		struct ruleset_chain_info all[16];
		u32 m = ruleset_chains(rs, all, 16), k;

		for (k = 0; k < m; k++)
			if (all[k].id == refs[i].id)
				c = &all[k];
		g_assert_nonnull(c);
		g_assert_cmpstr(c->name, ==, names4[i]);
	}
	n = ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET6, NULL, refs, 8);
	g_assert_cmpuint(n, ==, 4);
	g_assert_cmpint(refs[0].priority, ==, -5);
	g_assert_cmpuint(refs[0].family, ==, NFT_FAMILY_IP6);
	/* max bounds the output */
	g_assert_cmpuint(ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET, NULL, refs, 2), ==,
			 2);
	ruleset_destroy(rs);
}

static void test_format_roundtrip(void)
{
	struct ruleset *a = ruleset_create(), *b;
	char *first;

	apply_file(a, "constructs.nft");
	apply_file(a, "selftest_nsr1.nft");
	apply_file(a, "selftest_ns2.nft");
	first = g_strdup(listing(a));
	b = load(first);
	g_assert_cmpstr(listing(b), ==, first);
	/* a too small buffer is reported, not overrun */
	{
		char small[64];

		g_assert_cmpint(ruleset_format(a, small, sizeof(small)), ==, -1);
		g_assert_cmpuint(strlen(small), ==, sizeof(small) - 1);
	}
	g_free(first);
	ruleset_destroy(a);
	ruleset_destroy(b);
}

/* The exact error of a script on an empty ruleset, as "LINE:COL: message". */
static char *apply_error(const char *text, size_t len)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;
	char buf[300];

	g_assert_cmpint(ruleset_apply(rs, text, len, &err), ==, -1);
	g_assert_cmpint(ruleset_error_format(&err, buf, sizeof(buf)), >, 0);
	ruleset_destroy(rs);
	return g_strdup(buf);
}

#define assert_apply_error(text, want) do {                                        \
		char *got_ = apply_error(text, sizeof(text) - 1);                      \
		g_assert_cmpstr(got_, ==, want);                                       \
		g_free(got_);                                                          \
	} while (0)

/*
 * Found by tests/fuzz/fuzz_nft: quoted names took any character, but listings print names
 * bare, so `table " "` loaded and its listing did not.  Inside quotes a name must be an
 * identifier too.
 */
static void test_quoted_names_are_identifiers(void)
{
	struct ruleset *rs;

	assert_apply_error("table \" \"\n", "1:7: invalid character ' ' in a table name");
	assert_apply_error("table inet t { chain \"a!\" { } }\n",
			   "1:22: invalid character '!' in a chain name");
	assert_apply_error("table inet t { flowtable \"f t\" { } }\n",
			   "1:26: invalid character ' ' in a flowtable name");
	/* quotes around an identifier are still fine */
	rs = load("table inet \"t\" { chain \"c\" { } }\n");
	g_assert_nonnull(strstr(listing(rs), "table inet t {\n\tchain c {\n"));
	ruleset_destroy(rs);
}

/*
 * Found by tests/fuzz/fuzz_nft: a control character inside a string reached the rule's
 * listing text, where '\x01' marks a counter (the listing lost the rest of the string), and
 * device names took blanks.  Strings refuse control characters at their column; device
 * names follow dev_valid_name().
 */
static void test_control_characters_and_bad_device_names_are_refused(void)
{
	assert_apply_error("table inet t { chain c { iifname \"e\x07\x01\" accept; } }\n",
			   "1:36: control character in a string: expected printable text, "
			   "got '\\x07'");
	assert_apply_error("table \"\x01\"\n",
			   "1:8: control character in a string: expected printable text, "
			   "got '\\x01'");
	assert_apply_error("table inet t { chain c { \x01 } }\n",
			   "1:26: unexpected character '\\x01'");
	assert_apply_error("table inet t {\n\tflowtable f {\n\t\thook ingress priority 0\n"
			   "\t\tdevices = { \"h te0\" }\n\t}\n}\n",
			   "4:15: invalid character ' ' in a device name: interface names have "
			   "no '/', ':' or white space");
	assert_apply_error("table netdev t { chain c { type filter hook ingress device \"eth0:1\" "
			   "priority 0; } }\n",
			   "1:60: invalid character ':' in a device name: interface names have "
			   "no '/', ':' or white space");
	assert_apply_error("table inet t { flowtable f { hook ingress priority 0; devices = { .. }; "
			   "} }\n", "1:67: '..' is not valid as a device name: expected an "
			   "interface name");
}

/* Found by tests/fuzz/fuzz_nft: a device name that is not one nft word is listed quoted. */
static void test_odd_device_names_list_quoted(void)
{
	struct ruleset *a = load("table inet t {\n\tflowtable f {\n\t\thook ingress priority 0\n"
				 "\t\tdevices = { \"br-l!n\", eth1 }\n\t}\n}\n"), *b;
	char *first = g_strdup(listing(a));

	g_assert_nonnull(strstr(first, "\t\tdevices = { \"br-l!n\", eth1 }\n"));
	b = load(first);
	g_assert_cmpstr(listing(b), ==, first);
	g_free(first);
	ruleset_destroy(a);
	ruleset_destroy(b);
}

/* ------------------------------------------------------------------ CLI */

static void test_cli_nft_check(void)
{
	char *bad = g_build_filename(g_get_tmp_dir(), "flowsim-nft-bad-XXXXXX.nft", NULL);
	const char *ok_argv[] = { "nft", "check", DATA "selftest_nsr1.nft",
				  DATA "selftest_dscp_ingress.nft", NULL };
	const char *bad_argv[] = { "nft", "check", bad, NULL };
	const char *help_argv[] = { "nft", "check", "--help", NULL };
	char *out, *err, *want;
	int fd;

	g_assert_cmpint(tu_run_flowsim(NULL, ok_argv, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "table inet filter: 1 chains, 1 flowtables, 2 counters"));
	g_assert_nonnull(strstr(out, "chain forward: type filter hook forward priority 0 policy "
				"drop, 5 rules"));
	g_assert_nonnull(strstr(out, "flowtable f1: hook ingress priority 0, devices veth0, veth1"));
	g_assert_nonnull(strstr(out, "  ipv4 forward: inet filter forward (0)"));
	g_assert_nonnull(strstr(out, "  netdev ingress veth0: chain netdev dscpmangle setdscp0 (0),"
				" flowtable inet filter f1 (0)"));
	g_free(out);
	g_free(err);

	fd = g_mkstemp(bad);
	g_assert_cmpint(fd, >=, 0);
	g_assert_true(g_file_set_contents(bad, "table inet t {\n  chain c {\n    tcp dport x\n"
					  "  }\n}\n", -1, NULL));
	close(fd);
	g_assert_cmpint(tu_run_flowsim(NULL, bad_argv, &out, &err), ==, 1);
	want = g_strdup_printf("%s:3:15: tcp dport: expected a port number", bad);
	g_assert_nonnull(strstr(err, want));
	g_free(want);
	g_free(out);
	g_free(err);
	g_unlink(bad);
	g_free(bad);

	g_assert_cmpint(tu_run_flowsim(NULL, help_argv, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "--list"));
	g_free(out);
	g_free(err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nft/parse/selftest_nsr1_ruleset", test_selftest_nsr1);
	g_test_add_func("/nft/parse/selftest_dscpmangle_runs_before_flowtable",
			test_selftest_dscp_chain_order);
	g_test_add_func("/nft/parse/selftest_ns2_anonymous_chain", test_selftest_ns2_anonymous_chain);
	g_test_add_func("/nft/parse/flush_table_keeps_chains", test_selftest_nat_reload);
	g_test_add_func("/nft/parse/every_supported_construct", test_all_constructs);
	g_test_add_func("/nft/parse/named_priorities_and_offsets", test_priorities);
	g_test_add_func("/nft/parse/errors_name_line_and_column", test_errors_have_positions);
	g_test_add_func("/nft/parse/failed_script_changes_nothing", test_error_is_transactional);
	g_test_add_func("/nft/parse/one_line_commands", test_one_line_commands);
	g_test_add_func("/nft/parse/load_validation_like_nf_tables", test_load_validation);
	g_test_add_func("/nft/parse/hook_order_priority_then_newest", test_hook_order);
	g_test_add_func("/nft/parse/listing_reparses_identically", test_format_roundtrip);
	g_test_add_func("/nft/parse/quoted_names_are_identifiers",
			test_quoted_names_are_identifiers);
	g_test_add_func("/nft/parse/control_characters_and_bad_device_names_are_refused",
			test_control_characters_and_bad_device_names_are_refused);
	g_test_add_func("/nft/format/odd_device_names_list_quoted",
			test_odd_device_names_list_quoted);
	g_test_add_func("/nft/cli/check_summary_and_errors", test_cli_nft_check);
	return g_test_run();
}
