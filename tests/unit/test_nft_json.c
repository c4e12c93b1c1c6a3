/* SPDX-License-Identifier: MIT */
/*
 * The `nft -j list ruleset` reader (traces/nft_json.c): real dumps of nftables 1.0.6
 * (tests/data/nft-json) translate into rulesets that evaluate exactly like the nft text
 * they were loaded from - same verdict, same number of rules evaluated, same flow add and
 * NAT requests, same marks and DSCP, for a matrix of packets, conntrack states and hooks -
 * and malformed dumps fail (strict) or lose only the bad rule (tolerant) with exact messages
 * naming the JSON path.
 */
#include <string.h>

#include "testutil.h"
#include "selftest_fixture.h"
#include "nft_json.h"
#include "ruleset.h"
#include "flowtable.h"

#define DATA FLOWSIM_SOURCE_DIR "/tests/data/nft-json/"

/* ------------------------------------------------------------ evaluation ---- */

struct env {
	u32 flow_add, last_ft, nat;
	enum nft_nat_type nat_type;
	union fs_addr nat_to;
	u16 pmin, pmax;
	u32 rt_mtu;
};

static int env_flow_add(void *arg, struct nft_pktinfo *pi, u32 ft)
{
	struct env *e = arg;

	(void)pi;
	e->flow_add++;
	e->last_ft = ft;
	return 0;
}

static int env_nat(void *arg, struct nft_pktinfo *pi, enum nft_nat_type type,
		   const union fs_addr *addr, u16 pmin, u16 pmax)
{
	struct env *e = arg;

	(void)pi;
	e->nat++;
	e->nat_type = type;
	if (addr)
		e->nat_to = *addr;
	e->pmin = pmin;
	e->pmax = pmax;
	return 0;
}

static u16 env_rt_mtu(void *arg, struct nft_pktinfo *pi)
{
	(void)pi;
	((struct env *)arg)->rt_mtu++;
	return 1492;
}

static const struct ruleset_env_ops ops = {
	.flow_add = env_flow_add, .nat = env_nat, .rt_mtu = env_rt_mtu,
};

static struct ruleset *load_text(const char *text, size_t len)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;

	if (ruleset_apply(rs, text, len, &err))
		g_error("text does not load: %u:%u: %s", err.line, err.col, err.msg);
	return rs;
}

static struct ruleset *load_json(const char *path, u32 flags, struct nft_json_result *r)
{
	struct trace_diags d;
	struct ruleset *rs;

	trace_diags_init(&d);
	nft_json_result_init(r);
	if (nft_json_parse_file(path, TRACE_STRICT, flags, r, &d)) {
		trace_diags_print(&d, stderr);
		g_error("%s does not translate", path);
	}
	g_assert_cmpuint(trace_diags_len(&d), ==, 0);
	trace_diags_clear(&d);
	rs = load_text(r->text, r->text_len);
	return rs;
}

struct probe {
	const char *src, *dst;
	u16 sport, dport;
	u8 proto, tcp_flags;
	u8 ctinfo;
	const char *iif, *oif;
};

static const char *const devs[] = { "lo", "br-lan", "eth1", "lan1", "lan2", "wan", "veth0",
				    "veth1" };

static u16 ifindex(const char *name)
{
	u16 i;

	for (i = 0; name && i < G_N_ELEMENTS(devs); i++)
		if (!strcmp(devs[i], name))
			return i + 1;
	return 0;
}

struct outcome {
	int verdict;
	u32 rules;
	struct env env;
	u32 mark, ct_mark;
	u8 dscp;
};

static void eval_one(struct ruleset *rs, u32 chain, const struct probe *p, u8 hook, u64 now,
		     struct outcome *o)
{
	struct fs_packet pkt = tu_packet(p->src, p->sport, p->dst, p->dport, p->proto,
					 ifindex(p->iif), 600);
	struct conntrack_entry ct;
	struct nft_pktinfo pi;

	memset(&ct, 0, sizeof(ct));
	memset(&pi, 0, sizeof(pi));
	memset(o, 0, sizeof(*o));
	pkt.tcp_flags = p->tcp_flags;
	pi.pkt = &pkt;
	pi.ct = p->ctinfo == CT_UNTRACKED || p->ctinfo == CT_INVALID ? NULL : &ct;
	pi.ctinfo = p->ctinfo;
	pi.hook = hook;
	pi.iif = hook == NFT_HOOK_OUTPUT ? 0 : ifindex(p->iif);
	pi.oif = hook == NFT_HOOK_PREROUTING || hook == NFT_HOOK_INPUT ? 0 : ifindex(p->oif);
	pi.iifname = pi.iif ? p->iif : NULL;
	pi.oifname = pi.oif ? p->oif : NULL;
	pi.now = now;
	o->verdict = (int)ruleset_eval_chain(rs, chain, &pi, &ops, &o->env, &o->rules);
	o->mark = pkt.mark;
	o->ct_mark = ct.mark;
	o->dscp = pkt.dscp;
}

static const struct probe probes[] = {
	{ "192.168.1.10", "203.0.113.5", 40000, 443, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "br-lan", "eth1" },
	{ "192.168.1.10", "203.0.113.5", 40000, 443, FS_IPPROTO_TCP, FS_TCP_ACK, CT_ESTABLISHED, "br-lan", "eth1" },
	{ "203.0.113.5", "192.168.1.10", 443, 40000, FS_IPPROTO_TCP, FS_TCP_ACK, CT_ESTABLISHED_REPLY, "eth1", "br-lan" },
	{ "203.0.113.5", "192.168.1.1", 5555, 22, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "eth1", "br-lan" },
	{ "203.0.113.5", "192.168.1.1", 5555, 22, FS_IPPROTO_TCP, FS_TCP_SYN | FS_TCP_ACK, CT_INVALID, "eth1", "br-lan" },
	{ "192.168.1.10", "203.0.113.5", 5000, 53, FS_IPPROTO_UDP, 0, CT_NEW, "br-lan", "eth1" },
	{ "192.168.1.10", "203.0.113.5", 5000, 10080, FS_IPPROTO_UDP, 0, CT_NEW, "br-lan", "eth1" },
	{ "192.168.1.10", "203.0.113.5", 5000, 21, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "br-lan", "eth1" },
	{ "192.168.1.10", "203.0.113.5", 5000, 6667, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "br-lan", "eth1" },
	{ "203.0.113.1", "203.0.113.2", 67, 68, FS_IPPROTO_UDP, 0, CT_NEW, "eth1", "br-lan" },
	{ "203.0.113.1", "203.0.113.2", 9, 500, FS_IPPROTO_UDP, 0, CT_NEW, "eth1", "br-lan" },
	{ "203.0.113.1", "203.0.113.2", 0, 8 << 8, FS_IPPROTO_ICMP, 0, CT_NEW, "eth1", "br-lan" },
	{ "203.0.113.1", "203.0.113.2", 0, 13 << 8, FS_IPPROTO_ICMP, 0, CT_NEW, "eth1", "br-lan" },
	{ "fe80::1", "ff02::16", 0, 143 << 8, FS_IPPROTO_ICMPV6, 0, CT_NEW, "eth1", "br-lan" },
	{ "2001:db8::1", "2001:db8:1::2", 0, 128 << 8, FS_IPPROTO_ICMPV6, 0, CT_NEW, "eth1", "br-lan" },
	{ "2001:db8::1", "2001:db8:1::2", 0, 137 << 8, FS_IPPROTO_ICMPV6, 0, CT_NEW, "eth1", "br-lan" },
	{ "fe80::1", "fe80::2", 547, 546, FS_IPPROTO_UDP, 0, CT_NEW, "eth1", "br-lan" },
	{ "2001:db8::1", "2001:db8:1::2", 40000, 80, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "br-lan", "eth1" },
	{ "203.0.113.1", "192.168.1.10", 0, 0, 50, 0, CT_NEW, "eth1", "br-lan" },
	{ "127.0.0.1", "127.0.0.1", 1000, 2000, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "lo", "lo" },
	{ "192.168.1.10", "203.0.113.5", 40000, 443, FS_IPPROTO_TCP, FS_TCP_SYN, CT_RELATED, "lan1", "wan" },
	{ "203.0.113.5", "192.168.1.10", 443, 40000, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "wan", "lan2" },
	{ "10.0.1.99", "10.0.2.99", 40000, 12345, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "veth0", "veth1" },
	{ "10.0.1.99", "10.6.6.6", 40001, 1666, FS_IPPROTO_TCP, FS_TCP_SYN, CT_NEW, "veth0", "veth1" },
	{ "10.0.2.99", "10.0.1.99", 12345, 40000, FS_IPPROTO_TCP, FS_TCP_ACK, CT_ESTABLISHED_REPLY, "veth1", "veth0" },
	{ "10.0.1.99", "10.0.2.99", 0, 8 << 8, FS_IPPROTO_ICMP, 0, CT_NEW, "veth0", "veth1" },
	{ "dead:1::99", "dead:2::99", 0, 128 << 8, FS_IPPROTO_ICMPV6, 0, CT_NEW, "veth0", "veth1" },
};

/* Every base chain of every hook (and the ingress/egress chains of every device). */
static u32 compare_eval(struct ruleset *a, struct ruleset *b)
{
	u32 evaluated = 0, h, f, i, k, d;

	for (h = 0; h < NFT_HOOK__COUNT; h++) {
		for (f = 0; f < 2; f++) {
			for (d = 0; d < (h >= NFT_HOOK_INGRESS ? G_N_ELEMENTS(devs) : 1); d++) {
				const char *dev = h >= NFT_HOOK_INGRESS ? devs[d] : NULL;
				struct nft_chain_ref ra[16], rb[16];
				u32 na = ruleset_hook_chains(a, (u8)h, f ? 10 : 2, dev, ra, 16);
				u32 nb = ruleset_hook_chains(b, (u8)h, f ? 10 : 2, dev, rb, 16);

				g_assert_cmpuint(na, ==, nb);
				for (k = 0; k < na; k++) {
					g_assert_cmpint(ra[k].priority, ==, rb[k].priority);
					g_assert_cmpuint(ra[k].type, ==, rb[k].type);
					for (i = 0; i < G_N_ELEMENTS(probes); i++) {
						const struct probe *p = &probes[i];
						struct outcome oa, ob;
						u64 now = TU_MS(i);

						if ((tu_family(p->src) == FS_AF_INET6) != (f == 1))
							continue;
						eval_one(a, ra[k].id, p, (u8)h, now, &oa);
						eval_one(b, rb[k].id, p, (u8)h, now, &ob);
						g_assert_cmpint(oa.verdict, ==, ob.verdict);
						g_assert_cmpuint(oa.rules, ==, ob.rules);
						g_assert_cmpuint(oa.env.flow_add, ==, ob.env.flow_add);
						g_assert_cmpuint(oa.env.nat, ==, ob.env.nat);
						g_assert_cmpuint(oa.env.nat_type, ==, ob.env.nat_type);
						g_assert_true(!memcmp(&oa.env.nat_to, &ob.env.nat_to,
								      sizeof(oa.env.nat_to)));
						g_assert_cmpuint(oa.env.pmin, ==, ob.env.pmin);
						g_assert_cmpuint(oa.env.rt_mtu, ==, ob.env.rt_mtu);
						g_assert_cmpuint(oa.mark, ==, ob.mark);
						g_assert_cmpuint(oa.ct_mark, ==, ob.ct_mark);
						g_assert_cmpuint(oa.dscp, ==, ob.dscp);
						evaluated += oa.rules;
					}
				}
			}
		}
	}
	return evaluated;
}

/* Same tables, chains (hook, priority, policy, rule count) and counters. */
static void compare_structure(const struct ruleset *a, const struct ruleset *b)
{
	static struct ruleset_chain_info ca[64], cb[64];
	u32 na = ruleset_chains(a, ca, 64), nb = ruleset_chains(b, cb, 64), i, j;

	g_assert_cmpuint(na, ==, nb);
	for (i = 0; i < na; i++) {
		bool found = false;

		for (j = 0; j < nb && !found; j++) {
			if (strcmp(ca[i].name, cb[j].name) || strcmp(ca[i].table, cb[j].table))
				continue;
			found = true;
			g_assert_cmpuint(ca[i].base, ==, cb[j].base);
			g_assert_cmpuint(ca[i].hook, ==, cb[j].hook);
			g_assert_cmpint(ca[i].priority, ==, cb[j].priority);
			g_assert_cmpuint(ca[i].policy, ==, cb[j].policy);
			g_assert_cmpuint(ca[i].num_rules, ==, cb[j].num_rules);
			g_assert_cmpuint(ca[i].type, ==, cb[j].type);
		}
		g_assert_true(found);
	}
}

static void roundtrip(const char *nft, const char *json, u32 flags, u32 expect_rules,
		      u32 expect_ft, u8 expect_ft_flags)
{
	struct nft_json_result r;
	struct ruleset_flowtable fa[4], fb[4];
	gsize len;
	char *text = tu_read_file(nft, &len);
	struct ruleset *a = load_text(text, len);
	struct ruleset *b = load_json(json, flags, &r);
	u32 na, nb, n;

	g_assert_cmpuint(r.rules, ==, expect_rules);
	g_assert_cmpuint(r.rules_skipped, ==, 0);
	g_assert_cmpuint(r.objects_skipped, ==, 0);
	g_assert_cmpstr(r.version, ==, "1.0.6");
	g_assert_cmpuint(r.schema_version, ==, 1);
	compare_structure(a, b);
	na = ruleset_flowtables(a, fa, 4);
	nb = ruleset_flowtables(b, fb, 4);
	g_assert_cmpuint(na, ==, expect_ft);
	g_assert_cmpuint(nb, ==, expect_ft);
	g_assert_cmpuint(r.flowtables->len, ==, expect_ft);
	if (expect_ft) {
		g_assert_cmpstr(fa[0].name, ==, fb[0].name);
		g_assert_cmpuint(fa[0].num_devices, ==, fb[0].num_devices);
		g_assert_cmpstr(fa[0].devices[0], ==, fb[0].devices[0]);
		/* the text's `counter` flag is not in the JSON; offload is whatever flags say */
		g_assert_cmpuint(fb[0].flags, ==, expect_ft_flags);
		g_assert_cmpuint(fa[0].flags & FLOWTABLE_F_HW_OFFLOAD, ==,
				 fb[0].flags & FLOWTABLE_F_HW_OFFLOAD);
	}
	n = compare_eval(a, b);
	g_assert_cmpuint(n, >, 500);   /* the matrix does reach deep into the chains */
	ruleset_destroy(a);
	ruleset_destroy(b);
	nft_json_result_clear(&r);
	g_free(text);
}

static void test_fw4_default(void)
{
	roundtrip(DATA "fw4-default.nft", DATA "fw4-default.json", 0, 56, 0, 0);
}

static void test_fw4_offload_sw(void)
{
	roundtrip(DATA "fw4-offload-sw.nft", DATA "fw4-offload-sw.json", 0, 57, 1, 0);
}

static void test_fw4_offload_hw(void)
{
	roundtrip(DATA "fw4-offload-hw.nft", DATA "fw4-offload-hw.json", NFT_JSON_FT_HW_OFFLOAD,
		  57, 1, FLOWTABLE_F_HW_OFFLOAD);
}

static const char selftest_text[] = SELFTEST_RULESET;

/* The selftest's rulesets, the flowtable written into the dump by hand (see README). */
static void test_selftest_flowtable(void)
{
	struct nft_json_result r;
	struct ruleset *a = load_text(selftest_text, strlen(selftest_text));
	struct ruleset *b = load_json(DATA "selftest-flowtable.json", 0, &r);
	u64 pa, ba, pb, bb;

	g_assert_cmpuint(r.tables, ==, 3);
	g_assert_cmpuint(r.chains, ==, 4);
	g_assert_cmpuint(r.base_chains, ==, 4);
	g_assert_cmpuint(r.rules, ==, 8);
	g_assert_cmpuint(r.counters, ==, 2);
	compare_structure(a, b);
	g_assert_cmpuint(compare_eval(a, b), >, 20);
	/* named counters count the same packets */
	g_assert_cmpint(ruleset_counter_get(a, "inet filter", "routed_orig", &pa, &ba), ==, 0);
	g_assert_cmpint(ruleset_counter_get(b, "inet filter", "routed_orig", &pb, &bb), ==, 0);
	g_assert_cmpuint(pa, >, 0);
	g_assert_cmpuint(pa, ==, pb);
	g_assert_cmpuint(ba, ==, bb);
	g_assert_true(g_str_has_suffix(r.text, "\t\tip dscp set cs3\n\t}\n}\n"));
	ruleset_destroy(a);
	ruleset_destroy(b);
	nft_json_result_clear(&r);
}

/* ------------------------------------------------------------ malformed ---- */

static int parse(const char *json, enum trace_mode mode, struct nft_json_result *r,
		 struct trace_diags *d)
{
	trace_diags_init(d);
	nft_json_result_init(r);
	return nft_json_parse_buffer("dump.json", json, strlen(json), mode, 0, r, d);
}

static char *first_diag(const struct trace_diags *d)
{
	g_assert_cmpuint(trace_diags_len(d), >=, 1);
	return trace_diag_format(trace_diags_get(d, 0));
}

static void expect_error(const char *json, const char *msg)
{
	struct nft_json_result r;
	struct trace_diags d;
	char *m;

	g_assert_cmpint(parse(json, TRACE_STRICT, &r, &d), ==, -1);
	m = first_diag(&d);
	g_assert_cmpstr(m, ==, msg);
	g_assert_null(r.text);
	g_free(m);
	nft_json_result_clear(&r);
	trace_diags_clear(&d);
}

static void test_selftest_netdev_without_dev(void)
{
	struct nft_json_result r;
	struct trace_diags d;
	char *m;

	trace_diags_init(&d);
	nft_json_result_init(&r);
	g_assert_cmpint(nft_json_parse_file(DATA "selftest.json", TRACE_STRICT, 0, &r, &d), ==,
			-1);
	m = first_diag(&d);
	g_assert_cmpstr(m, ==, DATA "selftest.json:1:3102: nftables[16].chain: netdev base "
			"chain without \"dev\": the dump does not say which device it hooks "
			"(nftables 1.0.6 leaves it out of its JSON)");
	g_free(m);
	trace_diags_clear(&d);
	g_assert_cmpint(nft_json_parse_file(DATA "selftest.json", TRACE_TOLERANT, 0, &r, &d), ==,
			0);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 1);
	g_assert_cmpuint(r.tables, ==, 3);
	g_assert_cmpuint(r.chains, ==, 3);
	g_assert_cmpuint(r.rules, ==, 7);
	g_assert_cmpuint(r.rules_skipped, ==, 1);
	g_assert_cmpuint(r.objects_skipped, ==, 1);
	nft_json_result_clear(&r);
	trace_diags_clear(&d);
}

#define HEAD "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " \
	"{\"table\": {\"family\": \"inet\", \"name\": \"t\", \"handle\": 1}}, " \
	"{\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"fwd\", \"handle\": 1, " \
	"\"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, \"policy\": \"drop\"}}"
#define RULE(expr) ", {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"fwd\", " \
	"\"handle\": 2, \"expr\": [" expr "]}}"
#define ACCEPT_TCP "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, " \
	"\"right\": \"tcp\"}}, {\"accept\": null}"

static void test_truncated(void)
{
	gsize len;
	char *full = tu_read_file(DATA "fw4-default.json", &len);

	full[1000] = '\0';
	expect_error(full, "dump.json:1:1001: truncated JSON: the input ends inside the object "
		     "opened at line 1, column 989 (3 containers left open)");
	g_free(full);
	expect_error("", "dump.json: empty input: expected the output of nft -j list ruleset");
	expect_error("Error: Could not process rule\n", "dump.json:1:1: expected '{' starting "
		     "{\"nftables\": [...]}, found 'Error: Could not pro...'");
	expect_error("{\"tables\": []}", "dump.json: expected {\"nftables\": [...]} (the output of "
		     "nft -j list ruleset), got an object without an \"nftables\" array");
	expect_error("{\"nftables\": [1,]}", "dump.json:1:16: invalid JSON: Parse error: "
		     "unexpected character `,', expected character `]'");
}

static void test_wrong_types(void)
{
	expect_error(HEAD RULE("{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": "
			       "\"l4proto\"}}, \"right\": true}}") "]}",
		     "dump.json:1:426: nftables[3].rule.expr[0].match.right: expected a value "
		     "(string, number, prefix, range), got a boolean");
	expect_error(HEAD RULE(ACCEPT_TCP) ", {\"chain\": {\"family\": \"inet\", \"table\": \"t\", "
		     "\"name\": \"in\", \"type\": \"filter\", \"hook\": \"input\", \"prio\": \"x\"}}]}",
		     "dump.json:1:556: nftables[4].chain: prio: expected a number");
	expect_error(HEAD RULE("{\"counter\": [1]}") "]}",
		     "dump.json:1:368: nftables[3].rule.expr[0]: expected {\"counter\": null}, "
		     "{\"counter\": {\"packets\": N, \"bytes\": N}} or {\"counter\": NAME}, got an "
		     "array");
	expect_error(HEAD ", {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"fwd\", "
		     "\"expr\": {}}}]}", "dump.json:1:340: nftables[3].rule.expr: expected an array of "
		     "statements, got an object");
	expect_error(HEAD RULE("{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": "
			       "\"iifname\"}}, \"right\": \"a\\\"b\"}}") "]}",
		     "dump.json:1:428: nftables[3].rule.expr[0].match.right: expected an interface "
		     "name (1 to 15 printable characters), got \"a\"b\"");
}

static void test_unknown_expression(void)
{
	struct nft_json_result r;
	struct trace_diags d;
	char *m;
	const char *json = HEAD RULE("{\"xt\": {\"type\": \"match\", \"name\": \"conntrack\"}}, "
				     "{\"accept\": null}") RULE(ACCEPT_TCP)
		RULE("{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"sctp\", "
		     "\"field\": \"dport\"}}, \"right\": 9}}, {\"drop\": null}") "]}";

	expect_error(json, "dump.json:1:399: nftables[3].rule.expr[0]: unsupported statement "
		     "\"xt\": expected match, counter, mangle, vmap, accept, drop, continue, return, "
		     "jump, goto, flow, snat, dnat, masquerade, redirect, reject, log, limit or ct "
		     "helper");
	g_assert_cmpint(parse(json, TRACE_TOLERANT, &r, &d), ==, 0);
	g_assert_cmpuint(r.rules, ==, 1);
	g_assert_cmpuint(r.rules_skipped, ==, 2);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 2);
	m = trace_diag_format(trace_diags_get(&d, 1));
	g_assert_cmpstr(m, ==, "dump.json:1:764: warning: nftables[5].rule.expr[0].match.left: "
			"unsupported selector sctp dport: expected one of meta "
			"l4proto/nfproto/protocol/mark/iif/oif/iifname/oifname, ip "
			"protocol/saddr/daddr/dscp, ip6 saddr/daddr/nexthdr/dscp, tcp "
			"sport/dport/flags, udp sport/dport, th sport/dport, icmp type, icmpv6 type, "
			"ct state/status/mark/direction");
	g_free(m);
	g_assert_cmpstr(r.text, ==, "table inet t {\n\tchain fwd {\n\t\ttype filter hook forward "
			"priority 0; policy drop;\n\t\tmeta l4proto tcp accept\n\t}\n}\n");
	nft_json_result_clear(&r);
	trace_diags_clear(&d);
}

/* A rule that translates but the core refuses: the path names the statement. */
static void test_core_refusal(void)
{
	struct nft_json_result r;
	struct trace_diags d;
	const char *json = HEAD RULE(ACCEPT_TCP) RULE("{\"jump\": {\"target\": \"nowhere\"}}") "]}";

	expect_error(json, "dump.json:1:565: nftables[4].rule.expr[0]: the model refuses the rule "
		     "\"jump nowhere\": chain 'nowhere' does not exist in table inet t");
	g_assert_cmpint(parse(json, TRACE_TOLERANT, &r, &d), ==, 0);
	g_assert_cmpuint(r.rules, ==, 1);
	g_assert_cmpuint(r.rules_skipped, ==, 1);
	nft_json_result_clear(&r);
	trace_diags_clear(&d);
}

/* Named sets and maps are inlined; flowtable flags are honoured when present. */
static void test_named_sets_and_flags(void)
{
	struct nft_json_result r;
	struct trace_diags d;
	const char *json = HEAD
		", {\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": \"post\", "
		"\"type\": \"nat\", \"hook\": \"postrouting\", \"prio\": 100, \"policy\": \"accept\"}}"
		", {\"set\": {\"family\": \"inet\", \"name\": \"ports\", \"table\": \"t\", \"type\": "
		"\"inet_service\", \"elem\": [22, {\"range\": [8000, 8100]}]}}"
		", {\"map\": {\"family\": \"inet\", \"name\": \"vm\", \"table\": \"t\", \"type\": "
		"\"inet_proto\", \"map\": \"verdict\", \"elem\": [[\"tcp\", {\"accept\": null}], "
		"[\"udp\", {\"drop\": null}]]}}"
		", {\"flowtable\": {\"family\": \"inet\", \"name\": \"ft\", \"table\": \"t\", \"hook\": "
		"\"ingress\", \"prio\": 0, \"dev\": \"eth0\", \"flags\": [\"offload\", \"counter\"]}}"
		RULE("{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"tcp\", "
		     "\"field\": \"dport\"}}, \"right\": \"@ports\"}}, {\"flow\": {\"op\": \"add\", "
		     "\"flowtable\": \"@ft\"}}, {\"accept\": null}")
		RULE("{\"match\": {\"op\": \"==\", \"left\": {\"&\": [{\"payload\": {\"protocol\": "
		     "\"tcp\", \"field\": \"flags\"}}, [\"syn\", \"ack\"]]}, \"right\": \"syn\"}}, "
		     "{\"limit\": {\"rate\": 10, \"per\": \"minute\", \"burst\": 3}}, {\"log\": "
		     "{\"prefix\": \"x: \"}}, {\"accept\": null}")
		RULE("{\"vmap\": {\"key\": {\"meta\": {\"key\": \"l4proto\"}}, \"data\": \"@vm\"}}")
		", {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"post\", \"expr\": "
		"[{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": "
		"\"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}}}, "
		"{\"snat\": {\"family\": \"ip\", \"addr\": \"192.0.2.1\", \"port\": {\"range\": [1024, "
		"2048]}, \"flags\": \"random\"}}]}}"
		"]}";

	g_assert_cmpint(parse(json, TRACE_STRICT, &r, &d), ==, 0);
	g_assert_cmpuint(r.sets, ==, 2);
	g_assert_cmpuint(r.flowtables->len, ==, 1);
	g_assert_true(g_array_index(r.flowtables, struct nft_json_flowtable, 0).flags_known);
	g_assert_true(g_array_index(r.flowtables, struct nft_json_flowtable, 0).hw_offload);
	g_assert_cmpstr(r.text, ==,
			"table inet t {\n"
			"\tflowtable ft {\n\t\thook ingress priority 0\n\t\tdevices = { \"eth0\" }\n"
			"\t\tflags offload\n\t\tcounter\n\t}\n"
			"\tchain fwd {\n\t\ttype filter hook forward priority 0; policy drop;\n"
			"\t\ttcp dport { 22, 8000-8100 } flow add @ft accept\n"
			"\t\ttcp flags & (syn,ack) == syn limit rate 10/minute burst 3 packets "
			"log prefix \"x: \" accept\n"
			"\t\tmeta l4proto vmap { tcp : accept, udp : drop }\n"
			"\t}\n"
			"\tchain post {\n\t\ttype nat hook postrouting priority 100; policy accept;\n"
			"\t\tip saddr != 10.0.0.0/8 snat ip to 192.0.2.1:1024-2048 random\n"
			"\t}\n}\n");
	nft_json_result_clear(&r);
	trace_diags_clear(&d);
}

/* flowsim nft check --json: summary, --print, exit status 0 / 1 / 2 */
static void test_cli(void)
{
	static const char *const head[] = { "nft", "check", "--json", NULL };
	const char *ok[] = { DATA "fw4-offload-sw.json", NULL };
	const char *print[] = { "--print", "--quiet", DATA "selftest-flowtable.json", NULL };
	const char *bad[] = { DATA "selftest.json", NULL };
	const char *tolerant[] = { "--tolerant", DATA "selftest.json", NULL };
	const char *missing[] = { DATA "no-such.json", NULL };
	struct nft_json_result r;
	char *out, *err;

	g_assert_cmpint(tu_run_flowsim(head, ok, &out, &err), ==, 0);
	g_assert_true(g_str_has_prefix(out, DATA "fw4-offload-sw.json: nftables 1.0.6, 99 objects: "
				       "1 tables, 28 chains, 57 rules, 1 flowtables; skipped 0 "
				       "rules, 0 objects\n"));
	g_assert_nonnull(strstr(out, "  flowtable ft: hook ingress priority 0, devices br-lan, "
				"eth1\n"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(head, print, &out, &err), ==, 0);
	ruleset_destroy(load_json(DATA "selftest-flowtable.json", 0, &r));
	g_assert_cmpstr(out, ==, r.text);
	nft_json_result_clear(&r);
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(head, bad, &out, &err), ==, 1);
	g_assert_cmpstr(err, ==, DATA "selftest.json:1:3102: nftables[16].chain: netdev base chain "
			"without \"dev\": the dump does not say which device it hooks (nftables "
			"1.0.6 leaves it out of its JSON)\n");
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(head, tolerant, &out, &err), ==, 0);
	g_assert_true(g_str_has_prefix(err, DATA "selftest.json:1:3102: warning: "));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(head, missing, &out, &err), ==, 2);
	g_free(out);
	g_free(err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nft_json/fw4_default/evaluates_like_text", test_fw4_default);
	g_test_add_func("/nft_json/fw4_offload_sw/evaluates_like_text", test_fw4_offload_sw);
	g_test_add_func("/nft_json/fw4_offload_hw/evaluates_like_text", test_fw4_offload_hw);
	g_test_add_func("/nft_json/selftest_flowtable/evaluates_like_text",
			test_selftest_flowtable);
	g_test_add_func("/nft_json/selftest/netdev_chain_without_dev", 
			test_selftest_netdev_without_dev);
	g_test_add_func("/nft_json/malformed/truncated_and_not_json", test_truncated);
	g_test_add_func("/nft_json/malformed/wrong_types", test_wrong_types);
	g_test_add_func("/nft_json/malformed/unknown_expression", test_unknown_expression);
	g_test_add_func("/nft_json/malformed/core_refusal_names_statement", test_core_refusal);
	g_test_add_func("/nft_json/cli/check_json", test_cli);
	g_test_add_func("/nft_json/named_sets_maps_and_flowtable_flags",
			test_named_sets_and_flags);
	return g_test_run();
}
