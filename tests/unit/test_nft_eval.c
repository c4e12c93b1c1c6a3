/* SPDX-License-Identifier: MIT */
/*
 * Evaluation of nft chains by the core (model/nft_eval.c) with netfilter's semantics:
 * verdicts, policies, jump/goto/return with the jump stack, NFT_BREAK of `flow add`,
 * counters (anonymous, named, ct direction maps), ct state and vmaps, DSCP and mark
 * statements, NAT requests, device matches, limit's token bucket, and the rule count
 * the CPU model charges.
 */
#include <string.h>

#include "testutil.h"
#include "ruleset.h"

#define CS3 24

struct env {
	int flow_add_calls;
	int flow_add_ret;
	u32 last_ft;
	int nat_calls;
	int nat_ret;
	enum nft_nat_type nat_type;
	bool nat_addr;
	union fs_addr nat_to;
	u16 pmin, pmax;
	int rt_mtu_calls;
};

static int env_flow_add(void *arg, struct nft_pktinfo *pi, u32 ft)
{
	struct env *e = arg;

	e->flow_add_calls++;
	e->last_ft = ft;
	return e->flow_add_ret;
}

static int env_nat(void *arg, struct nft_pktinfo *pi, enum nft_nat_type type,
		   const union fs_addr *addr, u16 pmin, u16 pmax)
{
	struct env *e = arg;

	e->nat_calls++;
	e->nat_type = type;
	e->nat_addr = addr != NULL;
	if (addr)
		e->nat_to = *addr;
	e->pmin = pmin;
	e->pmax = pmax;
	return e->nat_ret;
}

static u16 env_rt_mtu(void *arg, struct nft_pktinfo *pi)
{
	((struct env *)arg)->rt_mtu_calls++;
	return 1500;
}

static const struct ruleset_env_ops ops = {
	.flow_add = env_flow_add,
	.nat = env_nat,
	.rt_mtu = env_rt_mtu,
};

struct ctx {
	struct ruleset *rs;
	struct env env;
	struct fs_packet pkt;
	struct conntrack_entry ct;
	struct nft_pktinfo pi;
	u32 rules;
};

static struct ruleset *load(const char *text)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;

	if (ruleset_apply(rs, text, strlen(text), &err))
		g_error("ruleset does not load: %u:%u: %s", err.line, err.col, err.msg);
	return rs;
}

/* A TCP packet veth0 -> veth1 (ifindex 1 -> 2) with an established conntrack entry. */
static void ctx_init(struct ctx *x, const char *rules)
{
	memset(x, 0, sizeof(*x));
	x->rs = load(rules);
	x->pkt = tu_packet("10.0.1.99", 40000, "10.0.2.99", 12345, FS_IPPROTO_TCP, 1, 1000);
	x->pkt.tcp_flags = FS_TCP_ACK;
	x->pi.pkt = &x->pkt;
	x->pi.ct = &x->ct;
	x->pi.ctinfo = CT_ESTABLISHED;
	x->pi.iif = 1;
	x->pi.oif = 2;
	x->pi.iifname = "veth0";
	x->pi.oifname = "veth1";
}

static u32 chain_id(const struct ruleset *rs, u8 hook, u8 family)
{
	struct nft_chain_ref r[4];

	g_assert_cmpuint(ruleset_hook_chains(rs, hook, family, NULL, r, 4), >=, 1);
	return r[0].id;
}

static enum nft_verdict run_hook(struct ctx *x, u8 hook)
{
	x->rules = 0;
	return ruleset_eval_chain(x->rs, chain_id(x->rs, hook, x->pkt.t.family), &x->pi, &ops,
				  &x->env, &x->rules);
}

static enum nft_verdict run(struct ctx *x)
{
	return run_hook(x, NFT_HOOK_FORWARD);
}

static u64 packets(const struct ruleset *rs, const char *name)
{
	u64 p = 0;

	g_assert_cmpint(ruleset_counter_get(rs, NULL, name, &p, NULL), ==, 0);
	return p;
}

static const char *const fwd_head =
	"table inet t {\n"
	" counter a { }\n counter b { }\n counter c { }\n counter d { }\n";

static char *with_fwd(const char *policy, const char *rules, const char *extra)
{
	return g_strdup_printf("%s chain fwd {\n  type filter hook forward priority 0; "
			       "policy %s;\n%s\n }\n%s}\n", fwd_head, policy, rules,
			       extra ? extra : "");
}

static void test_policy_and_verdicts(void)
{
	struct ctx x;
	char *t = with_fwd("drop", "  tcp dport 22 accept\n  counter name a", NULL);

	ctx_init(&x, t);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);    /* no match: policy */
	g_assert_cmpuint(x.rules, ==, 2);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	x.pkt.t.dport = 22;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.rules, ==, 1);                  /* stops at the verdict */
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	ruleset_destroy(x.rs);
	g_free(t);

	t = with_fwd("accept", "  tcp dport 12345 reject with tcp reset\n  counter name a", NULL);
	ctx_init(&x, t);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);    /* reject drops in the model */
	x.pkt.t.dport = 1;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_jump_return_goto(void)
{
	const char *extra =
		" chain j { counter name b; tcp dport 1 return; tcp dport 2 drop; "
		"tcp dport 3 goto g; counter name c }\n"
		" chain g { counter name d }\n";
	char *t = with_fwd("drop", "  jump j\n  counter name a\n  accept", extra);
	struct ctx x;

	ctx_init(&x, t);
	/* falls off the end of j: back to the rule after the jump */
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.rules, ==, 1 + 5 + 2);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	/* return: continue after the jump */
	x.pkt.t.dport = 1;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.rules, ==, 1 + 2 + 2);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 2);
	/* drop inside a jumped-to chain ends everything */
	x.pkt.t.dport = 2;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 2);
	/* goto g: falling off g returns to fwd after the jump to j */
	x.pkt.t.dport = 3;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "d"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 3);
	ruleset_destroy(x.rs);
	g_free(t);

	/* return in the base chain and a goto from it end at the policy */
	t = with_fwd("drop", "  tcp dport 1 return\n  tcp dport 2 goto g\n  accept",
		     " chain g { counter name a }\n");
	ctx_init(&x, t);
	x.pkt.t.dport = 1;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	x.pkt.t.dport = 2;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	x.pkt.t.dport = 3;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_deep_jumps(void)
{
	GString *s = g_string_new("table inet t {\n counter a { }\n chain c0 { type filter hook "
				  "forward priority 0; policy drop; jump c1; accept; }\n");
	struct ctx x;
	u32 i;

	for (i = 1; i < 15; i++)
		g_string_append_printf(s, " chain c%u { jump c%u; }\n", i, i + 1);
	g_string_append(s, " chain c15 { counter name a; }\n}\n");
	ctx_init(&x, s->str);
	/* 15 levels deep and back out through every return point */
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(x.rules, ==, 17);
	ruleset_destroy(x.rs);
	g_string_free(s, TRUE);
}

static void test_flow_add_break(void)
{
	char *t = with_fwd("drop",
			   "  meta l4proto { tcp, udp } flow add @ft counter name a accept\n"
			   "  counter name b accept",
			   " flowtable ft { hook ingress priority 0; devices = { veth0 }; }\n");
	struct ruleset_flowtable ft[1];
	struct ctx x;

	ctx_init(&x, t);
	g_assert_cmpuint(ruleset_flowtables(x.rs, ft, 1), ==, 1);
	/* refused (NFT_BREAK): the rest of the rule is skipped, evaluation goes on */
	x.env.flow_add_ret = 1;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.flow_add_calls, ==, 1);
	g_assert_cmpuint(x.env.last_ft, ==, ft[0].id);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 0);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(x.rules, ==, 2);
	/* accepted: the statement never decides, the next statement runs */
	x.env.flow_add_ret = 0;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	/* ICMP never reaches flow add */
	x.pkt.t.proto = FS_IPPROTO_ICMP;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.flow_add_calls, ==, 2);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_counters(void)
{
	char *t = with_fwd("accept", "  counter\n  counter name a\n  tcp dport 12345 counter "
			   "packets 7 bytes 70", NULL);
	char buf[4096];
	struct ctx x;
	u64 p, b;

	ctx_init(&x, t);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	x.pkt.len = 52;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	/* a GSO aggregate is one skb carrying every segment's bytes */
	x.pkt.flags |= FS_PKT_GSO;
	x.pkt.gso_segs = 4;
	x.pkt.len = 1500;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(ruleset_counter_get(x.rs, "t", "a", &p, &b), ==, 0);
	g_assert_cmpuint(p, ==, 3);
	g_assert_cmpuint(b, ==, 1000 + 52 + 6000);
	g_assert_cmpint(ruleset_format(x.rs, buf, sizeof(buf)), >, 0);
	g_assert_nonnull(strstr(buf, "\t\tcounter packets 3 bytes 7052\n"));
	g_assert_nonnull(strstr(buf, "tcp dport 12345 counter packets 10 bytes 7122\n"));
	g_assert_nonnull(strstr(buf, "counter a {\n\t\tpackets 3 bytes 7052\n"));
	ruleset_counters_reset(x.rs);
	g_assert_cmpint(ruleset_format(x.rs, buf, sizeof(buf)), >, 0);
	g_assert_nonnull(strstr(buf, "\t\tcounter packets 0 bytes 0\n"));
	g_assert_cmpuint(packets(x.rs, "a"), ==, 0);
	g_assert_cmpint(ruleset_counter_get(x.rs, NULL, "nope", &p, &b), ==, -1);
	ruleset_destroy(x.rs);
	g_free(t);
}

/* The selftest's nsr1 forward chain, packet by packet (spec §7). */
static void test_selftest_nsr1_forward(void)
{
	char *path = g_strconcat(FLOWSIM_SOURCE_DIR, "/tests/data/nft/selftest_nsr1.nft", NULL);
	gsize len;
	char *text = tu_read_file(path, &len);
	struct ctx x;
	u64 ob, rb;

	ctx_init(&x, text);
	/* original direction, port 12345, towards veth1: marked, offloaded, counted */
	x.pi.ctinfo = CT_NEW;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.ct.mark, ==, 1);
	g_assert_cmpint(x.env.flow_add_calls, ==, 1);
	g_assert_cmpuint(packets(x.rs, "routed_orig"), ==, 1);
	/* the reply (towards veth0): rule 1 fails on oif, rule 2 counts it as reply */
	x.pkt = tu_packet("10.0.2.99", 12345, "10.0.1.99", 40000, FS_IPPROTO_TCP, 2, 60);
	x.pi.iif = 2;
	x.pi.oif = 1;
	x.pi.iifname = "veth1";
	x.pi.oifname = "veth0";
	x.pi.ctinfo = CT_ESTABLISHED_REPLY;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.rules, ==, 2);
	g_assert_cmpint(ruleset_counter_get(x.rs, "filter", "routed_repl", NULL, &rb), ==, 0);
	g_assert_cmpuint(rb, ==, 60);
	g_assert_cmpint(ruleset_counter_get(x.rs, "filter", "routed_orig", NULL, &ob), ==, 0);
	g_assert_cmpuint(ob, ==, 1000);
	/* an unmarked established flow of another port: ct state rule */
	x.ct.mark = 0;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.rules, ==, 3);
	/* no conntrack: ct direction cannot be read, the map rule breaks */
	x.ct.mark = 1;
	x.pi.ct = NULL;
	x.pi.ctinfo = CT_INVALID;
	x.pkt.t.proto = FS_IPPROTO_UDP;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(x.rules, ==, 5);
	/* ICMP is accepted by the nfproto/l4proto rules */
	x.pkt.t.proto = FS_IPPROTO_ICMP;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	ruleset_destroy(x.rs);
	g_free(text);
	g_free(path);
}

static void test_ct_state_and_vmap(void)
{
	static const struct { u8 ctinfo; bool ct; enum nft_verdict v; u64 a; } cases[] = {
		{ CT_NEW, true, NFT_VERDICT_DROP, 1 },
		{ CT_ESTABLISHED, true, NFT_VERDICT_ACCEPT, 0 },
		{ CT_ESTABLISHED_REPLY, true, NFT_VERDICT_ACCEPT, 0 },
		{ CT_RELATED, true, NFT_VERDICT_ACCEPT, 0 },
		{ CT_RELATED_REPLY, true, NFT_VERDICT_ACCEPT, 0 },
		{ CT_INVALID, false, NFT_VERDICT_DROP, 0 },
		{ CT_UNTRACKED, false, NFT_VERDICT_ACCEPT, 0 },
	};
	char *t = with_fwd("drop",
			   "  ct state vmap { established : accept, related : accept, invalid : drop }\n"
			   "  ct state untracked accept\n"
			   "  ct state new,invalid counter name a\n", NULL);
	struct ctx x;
	u32 i;

	ctx_init(&x, t);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		u64 before = packets(x.rs, "a");

		x.pi.ctinfo = cases[i].ctinfo;
		x.pi.ct = cases[i].ct ? &x.ct : NULL;
		g_assert_cmpint(run(&x), ==, cases[i].v);
		g_assert_cmpuint(packets(x.rs, "a") - before, ==, cases[i].a);
	}
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_ct_keys(void)
{
	char *t = with_fwd("drop",
			   "  ct status dnat counter name a\n"
			   "  ct direction reply counter name b\n"
			   "  ct mark { 5, 7-9 } counter name c\n"
			   "  ct mark set 0x2a meta mark set 42 accept", NULL);
	struct ctx x;

	ctx_init(&x, t);
	x.ct.status = IPS_DST_NAT | IPS_CONFIRMED;
	x.ct.mark = 8;
	x.pi.ctinfo = CT_RELATED_REPLY;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	g_assert_cmpuint(x.ct.mark, ==, 42);
	g_assert_cmpuint(x.pkt.mark, ==, 42);
	x.ct.status = IPS_SRC_NAT;
	x.pi.ctinfo = CT_ESTABLISHED;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_dscp(void)
{
	struct ctx x;
	struct nft_chain_ref r[2];
	const char *t = "table netdev m { chain c { type filter hook ingress device \"veth0\" "
			"priority 0; policy accept; ip dscp set cs3; ip6 dscp set af41; } }\n"
			"table inet f { chain fwd { type filter hook forward priority 0; "
			"ip dscp cs3 accept; ip dscp != 0 drop; ip6 dscp { af41, ef } drop; } }\n";

	ctx_init(&x, t);
	g_assert_cmpuint(ruleset_hook_chains(x.rs, NFT_HOOK_INGRESS, FS_AF_INET, "veth0", r, 2),
			 ==, 1);
	g_assert_cmpint(ruleset_eval_chain(x.rs, r[0].id, &x.pi, &ops, &x.env, NULL), ==,
			NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.pkt.dscp, ==, CS3);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	x.pkt.dscp = 10;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	/* IPv6: ip dscp set does not apply, ip6 dscp set does */
	x.pkt = tu_packet("dead:1::99", 1, "dead:2::99", 2, FS_IPPROTO_TCP, 1, 100);
	g_assert_cmpint(ruleset_eval_chain(x.rs, r[0].id, &x.pi, &ops, &x.env, NULL), ==,
			NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(x.pkt.dscp, ==, 34);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	x.pkt.dscp = 0;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	ruleset_destroy(x.rs);
}

static void test_nat(void)
{
	const char *t =
		"table inet n {\n"
		" chain pre { type nat hook prerouting priority dstnat;\n"
		"  tcp dport 1666 dnat ip to 10.0.2.99:12345\n"
		"  tcp dport 8443 dnat ip6 to [2001:db8::10]:443\n"
		"  udp dport 53 redirect to :5353\n }\n"
		" chain post { type nat hook postrouting priority srcnat;\n"
		"  oifname \"veth1\" meta nfproto ipv4 masquerade\n"
		"  oifname \"veth9\" snat ip to 198.51.100.1:2000-3000\n"
		"  counter\n }\n}\n";
	struct ctx x;

	ctx_init(&x, t);
	x.pkt.t.dport = 1666;
	g_assert_cmpint(run_hook(&x, NFT_HOOK_PREROUTING), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.nat_calls, ==, 1);
	g_assert_cmpint(x.env.nat_type, ==, NFT_NAT_DNAT);
	g_assert_true(x.env.nat_addr);
	g_assert_cmpuint(x.env.nat_to.ip, ==, tu_addr("10.0.2.99").ip);
	g_assert_cmpuint(x.env.pmin, ==, 12345);
	g_assert_cmpuint(x.env.pmax, ==, 12345);
	/* an IPv6 dnat statement does not apply to IPv4: skipped, chain goes on */
	x.pkt.t.dport = 8443;
	g_assert_cmpint(run_hook(&x, NFT_HOOK_PREROUTING), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.nat_calls, ==, 1);
	g_assert_cmpuint(x.rules, ==, 3);
	x.pkt.t.proto = FS_IPPROTO_UDP;
	x.pkt.t.dport = 53;
	g_assert_cmpint(run_hook(&x, NFT_HOOK_PREROUTING), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.nat_type, ==, NFT_NAT_REDIRECT);
	g_assert_false(x.env.nat_addr);
	g_assert_cmpuint(x.env.pmin, ==, 5353);
	/* masquerade: no address, ends the chain with accept (the counter is not reached) */
	g_assert_cmpint(run_hook(&x, NFT_HOOK_POSTROUTING), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.nat_type, ==, NFT_NAT_MASQUERADE);
	g_assert_false(x.env.nat_addr);
	g_assert_cmpuint(x.rules, ==, 1);
	x.pi.oifname = "veth9";
	x.pi.oif = 9;
	g_assert_cmpint(run_hook(&x, NFT_HOOK_POSTROUTING), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.nat_type, ==, NFT_NAT_SNAT);
	g_assert_cmpuint(x.env.pmin, ==, 2000);
	g_assert_cmpuint(x.env.pmax, ==, 3000);
	/* a NAT failure drops the packet */
	x.env.nat_ret = 1;
	g_assert_cmpint(run_hook(&x, NFT_HOOK_POSTROUTING), ==, NFT_VERDICT_DROP);
	ruleset_destroy(x.rs);
}

static void test_device_matches(void)
{
	char *t = with_fwd("drop",
			   "  iif \"veth0\" oif veth1 counter name a\n"
			   "  iifname \"vet*\" oifname != { \"eth0\", \"eth1\" } counter name b\n"
			   "  meta iif != 0 iifname { \"x\", \"veth0\" } counter name c\n"
			   "  iifname vmap { \"lo\" : drop, \"veth*\" : accept }", NULL);
	char other[16] = "eth0";
	struct ctx x;

	ctx_init(&x, t);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	/* another device behind the same ifindex after ruleset_devices_changed() */
	memcpy(other, "lo", 3);
	x.pi.iifname = other;
	ruleset_devices_changed(x.rs);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 1);
	g_assert_cmpuint(packets(x.rs, "c"), ==, 1);
	/* no input device (output path): iif 0, empty name */
	x.pi.iif = 0;
	x.pi.iifname = NULL;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpuint(x.rules, ==, 4);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_matches(void)
{
	static const struct {
		const char *rule;
		bool hit;
	} cases[] = {
		{ "ip saddr 10.0.1.0/24", true }, { "ip saddr != 10.0.1.0/24", false },
		{ "ip daddr { 10.0.3.1, 10.0.2.0/25 }", true }, { "ip6 saddr ::/0", false },
		{ "tcp dport 12000-13000", true }, { "tcp dport { 80, 443 }", false },
		{ "tcp sport >= 40000", true }, { "tcp sport < 40000", false },
		{ "th dport 12345", true }, { "udp dport 12345", false },
		{ "meta l4proto tcp", true }, { "ip protocol udp", false },
		{ "meta nfproto ipv4", true }, { "meta protocol ip6", false },
		{ "tcp flags ack", true }, { "tcp flags syn", false },
		{ "tcp flags & (syn | ack) == ack", true }, { "tcp flags syn / syn,rst", false },
		{ "tcp flags != syn", true }, { "tcp flags == ack", true },
		{ "meta mark 0", true }, { "meta mark != 0", false },
		{ "icmp type echo-request", false }, { "ip6 nexthdr tcp", false },
		{ "ct direction original", true }, { "ct direction reply", false },
	};
	u32 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *rules = g_strdup_printf("  %s accept", cases[i].rule);
		char *t = with_fwd("drop", rules, NULL);
		struct ctx x;

		ctx_init(&x, t);
		if ((run(&x) == NFT_VERDICT_ACCEPT) != cases[i].hit)
			g_error("'%s' should %smatch", cases[i].rule, cases[i].hit ? "" : "not ");
		ruleset_destroy(x.rs);
		g_free(t);
		g_free(rules);
	}
}

static void test_icmp_and_mss(void)
{
	char *t = with_fwd("drop",
			   "  icmp type { echo-request, echo-reply } accept\n"
			   "  icmpv6 type nd-neighbor-solicit accept\n"
			   "  tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu accept", NULL);
	struct ctx x;

	ctx_init(&x, t);
	x.pkt.t.proto = FS_IPPROTO_ICMP;
	x.pkt.t.dport = 8 << 8;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	x.pkt.t.dport = 3 << 8;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	x.pkt = tu_packet("fe80::1", 0, "ff02::1", 135 << 8, FS_IPPROTO_ICMPV6, 1, 80);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	x.pkt = tu_packet("10.0.1.99", 40000, "10.0.2.99", 80, FS_IPPROTO_TCP, 1, 60);
	x.pkt.tcp_flags = FS_TCP_SYN;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(x.env.rt_mtu_calls, ==, 1);
	x.pkt.tcp_flags = FS_TCP_SYN | FS_TCP_ACK;   /* SYN-ACK also matches syn / syn,fin,rst */
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	x.pkt.tcp_flags = FS_TCP_SYN | FS_TCP_RST;
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	g_assert_cmpint(x.env.rt_mtu_calls, ==, 2);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_limit_token_bucket(void)
{
	char *t = with_fwd("drop", "  limit rate 25/second burst 50 packets counter name a accept\n"
			   "  counter name b", NULL);
	struct ctx x;
	u32 i;

	ctx_init(&x, t);
	x.pi.now = FS_SEC(100);
	/* a full bucket lets the burst through at once (nft_limit: tokens_max = 50 * 40 ms) */
	for (i = 0; i < 60; i++)
		run(&x);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 50);
	g_assert_cmpuint(packets(x.rs, "b"), ==, 10);
	/* 40 ms later one more packet's worth of tokens */
	x.pi.now += FS_MSEC(40);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	/* a long pause refills to the burst, not beyond */
	x.pi.now += FS_SEC(60);
	for (i = 0; i < 60; i++)
		run(&x);
	g_assert_cmpuint(packets(x.rs, "a"), ==, 101);
	ruleset_destroy(x.rs);
	g_free(t);

	/* "over" inverts: packets above the rate match */
	t = with_fwd("accept", "  limit rate over 1/second burst 2 packets drop", NULL);
	ctx_init(&x, t);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(run(&x), ==, NFT_VERDICT_DROP);
	ruleset_destroy(x.rs);
	g_free(t);
}

static void test_helper_assignment(void)
{
	const char *t =
		"table inet fw4 {\n ct helper ftp { type \"ftp\" protocol tcp; }\n"
		" chain pre { type filter hook prerouting priority filter;\n"
		"  tcp dport 21 ct helper set \"ftp\"\n }\n}\n";
	struct ctx x;

	ctx_init(&x, t);
	x.pkt.t.dport = 21;
	/* only unconfirmed (new) entries get a helper */
	x.ct.status = IPS_CONFIRMED;
	run_hook(&x, NFT_HOOK_PREROUTING);
	g_assert_cmpuint(x.ct.helper, ==, 0);
	x.ct.status = 0;
	run_hook(&x, NFT_HOOK_PREROUTING);
	g_assert_cmpuint(x.ct.helper, !=, 0);
	g_assert_true(x.ct.status & IPS_HELPER);
	ruleset_destroy(x.rs);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nft/eval/verdicts_and_policy", test_policy_and_verdicts);
	g_test_add_func("/nft/eval/jump_return_goto", test_jump_return_goto);
	g_test_add_func("/nft/eval/fifteen_nested_jumps", test_deep_jumps);
	g_test_add_func("/nft/eval/flow_add_refused_is_nft_break", test_flow_add_break);
	g_test_add_func("/nft/eval/counters_anonymous_named_reset", test_counters);
	g_test_add_func("/nft/eval/selftest_nsr1_forward_chain", test_selftest_nsr1_forward);
	g_test_add_func("/nft/eval/ct_state_and_vmap", test_ct_state_and_vmap);
	g_test_add_func("/nft/eval/ct_status_direction_mark", test_ct_keys);
	g_test_add_func("/nft/eval/dscp_set_per_family", test_dscp);
	g_test_add_func("/nft/eval/nat_statements", test_nat);
	g_test_add_func("/nft/eval/device_matches_and_cache", test_device_matches);
	g_test_add_func("/nft/eval/payload_and_meta_matches", test_matches);
	g_test_add_func("/nft/eval/icmp_types_and_mss_clamp", test_icmp_and_mss);
	g_test_add_func("/nft/eval/limit_token_bucket", test_limit_token_bucket);
	g_test_add_func("/nft/eval/ct_helper_on_new_connections", test_helper_assignment);
	return g_test_run();
}
