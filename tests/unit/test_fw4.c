/* SPDX-License-Identifier: MIT */
/*
 * OpenWrt firewall4's generator in the core (model/fw4.c), spec linux-flowtable.md §6:
 * the flowtable block for no offload / software / hardware / hardware-fallback, the
 * `flow offload @ft` rule first in the forward chain, REJECT policies, masquerade,
 * mtu_fix, SYN-flood and helpers; every rendered ruleset loads into the core's engine
 * and forwards as fw4 intends.
 */
#include <string.h>

#include "testutil.h"
#include "fw4.h"
#include "ruleset.h"
#include "flowtable.h"

static const struct fw4_network nets[] = {
	{ "lan", "br-lan", "" }, { "wan", "eth1", "" }, { "wan6", "eth1", "" },
};

static char buf[1 << 17];

static const char *render(const struct fw4_config *c, const struct fs_netconf *nc,
			  bool (*cap)(void *, const char *), void *arg)
{
	int n = fw4_render(c, nets, G_N_ELEMENTS(nets), nc, cap, arg, buf, sizeof(buf));

	g_assert_cmpint(n, >, 0);
	g_assert_cmpuint(strlen(buf), ==, (gsize)n);
	return buf;
}

static struct ruleset *load(const char *text)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_error err;

	if (ruleset_apply(rs, text, strlen(text), &err))
		g_error("fw4 output does not load: %u:%u: %s\n%s", err.line, err.col, err.msg, text);
	return rs;
}

/* The body of chain `name` in the rendered text. */
static char *chain_text(const char *text, const char *name)
{
	char *head = g_strdup_printf("\tchain %s {\n", name);
	const char *s = strstr(text, head), *e;

	g_assert_nonnull(s);
	s += strlen(head);
	e = strstr(s, "\t}\n");
	g_free(head);
	return g_strndup(s, (gsize)(e - s));
}

static const char *sfo_block =
	"\tflowtable ft {\n"
	"\t\thook ingress priority 0;\n"
	"\t\tdevices = { \"br-lan\", \"eth1\" };\n"
	"\t\tcounter;\n"
	"\t}\n";

static void test_default_no_offload(void)
{
	struct fw4_config c;
	struct ruleset_flowtable ft[2];
	struct ruleset *rs;
	const char *t;
	char *fwd;

	fw4_config_openwrt_default(&c);
	t = render(&c, NULL, NULL, NULL);
	g_assert_true(g_str_has_prefix(t, "table inet fw4\nflush table inet fw4\n\ntable inet fw4 {\n"));
	g_assert_null(strstr(t, "flowtable"));
	g_assert_null(strstr(t, "flow offload"));
	fwd = chain_text(t, "forward");
	g_assert_true(g_str_has_prefix(fwd, "\t\ttype filter hook forward priority filter; policy "
				       "drop;\n\t\tct state vmap { established : accept, related : "
				       "accept } comment \"!fw4: Handle forwarded flows\"\n"));
	/* forward REJECT: policy drop + a final jump handle_reject */
	g_assert_true(g_str_has_suffix(fwd, "\t\tjump handle_reject\n"));
	g_free(fwd);
	rs = load(t);
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 0);
	ruleset_destroy(rs);
}

static void test_software_offload(void)
{
	struct fw4_config c;
	struct ruleset_flowtable ft[2];
	struct fw4_offload off;
	struct ruleset *rs;
	const char *t;
	char *fwd;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	t = render(&c, NULL, NULL, NULL);
	g_assert_nonnull(strstr(t, sfo_block));
	fwd = chain_text(t, "forward");
	/* the offload rule is the forward chain's first rule (spec §6.3) */
	g_assert_true(g_str_has_prefix(fwd, "\t\ttype filter hook forward priority filter; "
				       "policy drop;\n\t\tmeta l4proto { tcp, udp } flow offload "
				       "@ft;\n\t\tct state vmap"));
	g_free(fwd);
	rs = load(t);
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	g_assert_cmpstr(ft[0].table, ==, "fw4");
	g_assert_cmpstr(ft[0].name, ==, "ft");
	g_assert_cmpuint(ft[0].flags, ==, FLOWTABLE_F_COUNTER);
	g_assert_cmpuint(ft[0].num_devices, ==, 2);
	g_assert_cmpstr(ft[0].devices[0], ==, "br-lan");
	g_assert_cmpstr(ft[0].devices[1], ==, "eth1");
	ruleset_destroy(rs);

	fw4_resolve_offload(&c, nets, G_N_ELEMENTS(nets), NULL, NULL, NULL, &off);
	g_assert_cmpuint(off.num, ==, 2);
	g_assert_false(off.hw);
	g_assert_false(off.hw_fallback);

	/* flow_offloading_hw alone does nothing */
	c.defaults.flow_offloading = 0;
	c.defaults.flow_offloading_hw = 1;
	t = render(&c, NULL, NULL, NULL);
	g_assert_null(strstr(t, "flowtable"));
}

/* br-lan with ports lan1/lan2, the WAN on eth0.2 (VLAN) over eth0, a missing wan6 device */
static void make_netconf(struct fs_netconf *nc, bool vlan_wan)
{
	struct fs_netdev d;
	int br, e0;

	fs_netconf_init(nc);
	memset(&d, 0, sizeof(d));
	d.kind = FS_NETDEV_BRIDGE;
	strcpy(d.name, "br-lan");
	br = fs_netdev_add(nc, &d);
	d.kind = FS_NETDEV_DSA;
	strcpy(d.name, "lan2");
	d.master = (u16)br;
	fs_netdev_add(nc, &d);
	strcpy(d.name, "lan1");
	fs_netdev_add(nc, &d);
	d.master = 0;
	d.kind = FS_NETDEV_ETHER;
	strcpy(d.name, "eth0");
	e0 = fs_netdev_add(nc, &d);
	d.kind = vlan_wan ? FS_NETDEV_VLAN : FS_NETDEV_ETHER;
	d.lower = vlan_wan ? (u16)e0 : 0;
	strcpy(d.name, "eth1");
	fs_netdev_add(nc, &d);
}

static bool all_capable(void *arg, const char *dev)
{
	return true;
}

static bool lan_only(void *arg, const char *dev)
{
	int *calls = arg;

	(*calls)++;
	return g_str_has_prefix(dev, "lan");
}

static void test_hardware_offload(void)
{
	struct fw4_config c;
	struct fs_netconf nc;
	struct ruleset_flowtable ft[2];
	struct ruleset *rs;
	const char *t;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	c.defaults.flow_offloading_hw = 1;
	/* bridge -> ports, VLAN -> parent, sorted (resolve_hw_offload_devices) */
	make_netconf(&nc, true);
	t = render(&c, &nc, all_capable, NULL);
	g_assert_nonnull(strstr(t, "\tflowtable ft {\n\t\thook ingress priority 0;\n"
				"\t\tdevices = { \"eth0\", \"lan1\", \"lan2\" };\n\t\tcounter;\n"
				"\t\tflags offload;\n\t}\n"));
	rs = load(t);
	g_assert_cmpuint(ruleset_flowtables(rs, ft, 2), ==, 1);
	g_assert_cmpuint(ft[0].flags, ==, FLOWTABLE_F_HW_OFFLOAD | FLOWTABLE_F_COUNTER);
	g_assert_cmpuint(ft[0].num_devices, ==, 3);
	ruleset_destroy(rs);
	fs_netconf_release(&nc);

	/* the spec's fixture: br-lan -> eth0, WAN eth1 gives { "eth0", "eth1" } */
	{
		struct fs_netdev d;

		fs_netconf_init(&nc);
		memset(&d, 0, sizeof(d));
		d.kind = FS_NETDEV_BRIDGE;
		strcpy(d.name, "br-lan");
		fs_netdev_add(&nc, &d);
		d.kind = FS_NETDEV_ETHER;
		d.master = 1;
		strcpy(d.name, "eth0");
		fs_netdev_add(&nc, &d);
		d.master = 0;
		strcpy(d.name, "eth1");
		fs_netdev_add(&nc, &d);
		t = render(&c, &nc, NULL, NULL);
		g_assert_nonnull(strstr(t, "\t\tdevices = { \"eth0\", \"eth1\" };\n\t\tcounter;\n"
					"\t\tflags offload;\n"));
		fs_netconf_release(&nc);
	}
}

static void test_hardware_fallback(void)
{
	struct fw4_config c;
	struct fs_netconf nc;
	struct fw4_offload off;
	struct ruleset *rs;
	const char *t;
	int calls = 0;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	c.defaults.flow_offloading_hw = 1;
	make_netconf(&nc, false);
	fw4_resolve_offload(&c, nets, G_N_ELEMENTS(nets), &nc, lan_only, &calls, &off);
	g_assert_true(off.hw_fallback);
	g_assert_false(off.hw);
	g_assert_cmpint(calls, >=, 1);
	/* eth1 fails the probe: software device list, no flags offload */
	t = render(&c, &nc, lan_only, &calls);
	g_assert_nonnull(strstr(t, sfo_block));
	g_assert_null(strstr(t, "flags offload"));
	g_assert_nonnull(strstr(t, "meta l4proto { tcp, udp } flow offload @ft;"));
	rs = load(t);
	ruleset_destroy(rs);
	fs_netconf_release(&nc);
}

static void test_software_skips_missing_devices(void)
{
	struct fw4_config c;
	struct fs_netconf nc;
	struct fs_netdev d;
	const char *t;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	fs_netconf_init(&nc);
	memset(&d, 0, sizeof(d));
	strcpy(d.name, "br-lan");
	d.kind = FS_NETDEV_BRIDGE;
	fs_netdev_add(&nc, &d);
	/* eth1 does not exist (/sys/class/net check) */
	t = render(&c, &nc, NULL, NULL);
	g_assert_nonnull(strstr(t, "\t\tdevices = { \"br-lan\" };\n"));
	fs_netconf_release(&nc);
	/* no device at all: no flowtable and no offload rule */
	fs_netconf_init(&nc);
	t = render(&c, &nc, NULL, NULL);
	g_assert_null(strstr(t, "flowtable ft"));
	g_assert_null(strstr(t, "flow offload"));
	fs_netconf_release(&nc);
}

static void test_zones_masq_mtu_synflood(void)
{
	struct fw4_config c;
	const char *t;
	char *s;

	fw4_config_openwrt_default(&c);
	t = render(&c, NULL, NULL, NULL);
	s = chain_text(t, "input");
	g_assert_cmpstr(s, ==,
		"\t\ttype filter hook input priority filter; policy drop;\n"
		"\t\tiifname \"lo\" accept comment \"!fw4: Accept traffic from loopback\"\n"
		"\t\tct state vmap { established : accept, related : accept } comment \"!fw4: Handle "
		"inbound flows\"\n"
		"\t\ttcp flags & (fin | syn | rst | ack) == syn jump syn_flood comment \"!fw4: Rate "
		"limit TCP syn packets\"\n"
		"\t\tiifname \"br-lan\" jump input_lan comment \"!fw4: Handle lan IPv4/IPv6 input "
		"traffic\"\n"
		"\t\tiifname \"eth1\" jump input_wan comment \"!fw4: Handle wan IPv4/IPv6 input "
		"traffic\"\n"
		"\t\tjump handle_reject\n");
	g_free(s);
	s = chain_text(t, "syn_flood");
	g_assert_cmpstr(s, ==, "\t\tlimit rate 25/second burst 50 packets return comment \"!fw4: "
			"Accept SYN packets below rate-limit\"\n\t\tdrop comment \"!fw4: Drop excess "
			"packets\"\n");
	g_free(s);
	s = chain_text(t, "srcnat_wan");
	g_assert_cmpstr(s, ==, "\t\tmeta nfproto ipv4 masquerade comment \"!fw4: Masquerade IPv4 "
			"wan traffic\"\n");
	g_free(s);
	s = chain_text(t, "accept_to_wan");
	g_assert_true(g_str_has_prefix(s, "\t\tmeta nfproto ipv4 oifname \"eth1\" ct state invalid "
				       "counter drop comment \"!fw4: Prevent NAT leakage\"\n"));
	g_free(s);
	s = chain_text(t, "mangle_forward");
	g_assert_nonnull(strstr(s, "\t\tiifname \"eth1\" tcp flags syn / syn,fin,rst tcp option "
				"maxseg size set rt mtu comment \"!fw4: Zone wan IPv4/IPv6 ingress MTU "
				"fixing\"\n"));
	g_free(s);
	s = chain_text(t, "mangle_postrouting");
	g_assert_nonnull(strstr(s, "\t\toifname \"eth1\" tcp flags syn / syn,fin,rst tcp option "
				"maxseg size set rt mtu comment \"!fw4: Zone wan IPv4/IPv6 egress MTU "
				"fixing\"\n"));
	g_free(s);
	s = chain_text(t, "forward_lan");
	g_assert_cmpstr(s, ==, "\t\tjump accept_to_wan comment \"!fw4: Accept lan to wan "
			"forwarding\"\n\t\tjump accept_to_lan\n");
	g_free(s);
	/* helpers: lan (no masq) only */
	g_assert_nonnull(strstr(t, "\tchain helper_lan {\n"));
	g_assert_null(strstr(t, "helper_wan"));
	g_assert_nonnull(strstr(t, "\t\tmeta l4proto tcp tcp dport 21 ct helper set \"ftp\""));
	g_assert_nonnull(strstr(t, "\tct helper Q.931 {\n\t\ttype \"Q.931\" protocol tcp;\n\t}\n"));
	/* no syn_flood without the option */
	c.defaults.syn_flood = 0;
	c.defaults.auto_helper = 0;
	c.defaults.drop_invalid = 1;
	t = render(&c, NULL, NULL, NULL);
	g_assert_null(strstr(t, "syn_flood"));
	g_assert_null(strstr(t, "helper_lan"));
	g_assert_null(strstr(t, "Prevent NAT leakage"));
	g_assert_nonnull(strstr(t, "ct state vmap { established : accept, related : accept, "
				"invalid : drop }"));
	ruleset_destroy(load(t));
}

static void test_redirect_and_pppoe(void)
{
	static const struct fw4_network pppoe[] = {
		{ "lan", "br-lan", "" }, { "wan", "eth1", "pppoe-wan" }, { "wan6", "eth1", "" },
	};
	struct fw4_config c;
	struct fw4_rule *r;
	struct ruleset *rs;
	char *s;
	int n;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	r = &c.rule[c.num_rules++];
	memset(r, 0, sizeof(*r));
	strcpy(r->name, "nas-https");
	strcpy(r->src, "wan");
	strcpy(r->dest, "lan");
	r->is_redirect = 1;
	r->proto_mask = FW4_PROTO_TCP;
	r->src_dport = 8443;
	r->dest_ip = tu_addr("192.168.1.10");
	r->redirect_port = 443;
	n = fw4_render(&c, pppoe, G_N_ELEMENTS(pppoe), NULL, NULL, NULL, buf, sizeof(buf));
	g_assert_cmpint(n, >, 0);
	/* zones match the L3 device; the flowtable lists the physical device (§6.2) */
	g_assert_nonnull(strstr(buf, "\t\tdevices = { \"br-lan\", \"eth1\" };\n"));
	g_assert_nonnull(strstr(buf, "\t\tiifname { \"pppoe-wan\", \"eth1\" } jump forward_wan"));
	s = chain_text(buf, "dstnat_wan");
	g_assert_cmpstr(s, ==, "\t\tmeta nfproto ipv4 tcp dport 8443 counter dnat ip to "
			"192.168.1.10:443 comment \"!fw4: nas-https\"\n");
	g_free(s);
	s = chain_text(buf, "forward_wan");
	g_assert_nonnull(strstr(s, "\t\tct status dnat accept comment \"!fw4: Accept port forwards\"\n"
				"\t\tjump drop_to_wan\n"));
	g_free(s);
	g_assert_nonnull(strstr(buf, "\t\tiifname { \"pppoe-wan\", \"eth1\" } jump dstnat_wan"));
	rs = load(buf);
	ruleset_destroy(rs);
}

static void test_buffer_too_small(void)
{
	struct fw4_config c;
	char small[256];

	fw4_config_openwrt_default(&c);
	g_assert_cmpint(fw4_render(&c, nets, G_N_ELEMENTS(nets), NULL, NULL, NULL, small,
				   sizeof(small)), ==, -1);
	g_assert_cmpuint(strlen(small), ==, sizeof(small) - 1);
}

/* fw4 reload: the same render loads again; switching SFO -> HFO needs the delete. */
static void test_reload(void)
{
	struct fw4_config c;
	struct fs_netconf nc;
	struct ruleset_error err;
	struct ruleset *rs;
	struct ruleset_chain_info before[128], after[128];
	char *sfo, *hfo, *hfo_reload;
	u32 n1, n2;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	sfo = g_strdup(render(&c, NULL, NULL, NULL));
	rs = load(sfo);
	n1 = ruleset_chains(rs, before, 128);
	g_assert_cmpint(ruleset_apply(rs, sfo, strlen(sfo), &err), ==, 0);
	n2 = ruleset_chains(rs, after, 128);
	g_assert_cmpuint(n1, ==, n2);
	g_assert_cmpuint(before[0].id, ==, after[0].id);
	g_assert_cmpuint(after[0].num_rules, ==, before[0].num_rules);

	c.defaults.flow_offloading_hw = 1;
	make_netconf(&nc, false);
	hfo = g_strdup(render(&c, &nc, NULL, NULL));
	g_assert_cmpint(ruleset_apply(rs, hfo, strlen(hfo), &err), ==, -1);
	g_assert_nonnull(strstr(err.msg, "delete it first"));
	/* what fw4 renders when check_flowtable() finds ft */
	hfo_reload = g_strconcat("table inet fw4\nflush table inet fw4\ndelete flowtable inet fw4 ft\n",
				 hfo + strlen("table inet fw4\nflush table inet fw4\n"), NULL);
	g_assert_cmpint(ruleset_apply(rs, hfo_reload, strlen(hfo_reload), &err), ==, 0);
	ruleset_destroy(rs);
	fs_netconf_release(&nc);
	g_free(sfo);
	g_free(hfo);
	g_free(hfo_reload);
}

/* Evaluate the rendered ruleset: LAN -> WAN is offloaded and accepted, WAN -> LAN is not. */
struct fenv {
	int flow_adds;
	int masq;
};

static int fe_flow_add(void *arg, struct nft_pktinfo *pi, u32 ft)
{
	((struct fenv *)arg)->flow_adds++;
	return 1;   /* not offloadable yet (no ASSURED): NFT_BREAK */
}

static int fe_nat(void *arg, struct nft_pktinfo *pi, enum nft_nat_type t,
		  const union fs_addr *a, u16 lo, u16 hi)
{
	((struct fenv *)arg)->masq += t == NFT_NAT_MASQUERADE;
	return 0;
}

static void test_rendered_ruleset_forwards(void)
{
	static const struct ruleset_env_ops ops = { .flow_add = fe_flow_add, .nat = fe_nat };
	struct fw4_config c;
	struct ruleset *rs;
	struct nft_chain_ref refs[8];
	struct fs_packet pkt;
	struct conntrack_entry ct;
	struct nft_pktinfo pi;
	struct fenv env = { 0, 0 };
	u32 n, i, rules = 0;
	enum nft_verdict v = NFT_VERDICT_ACCEPT;

	fw4_config_openwrt_default(&c);
	c.defaults.flow_offloading = 1;
	rs = load(render(&c, NULL, NULL, NULL));
	memset(&ct, 0, sizeof(ct));
	pkt = tu_packet("192.168.1.2", 40000, "198.51.100.7", 443, FS_IPPROTO_TCP, 1, 60);
	pkt.tcp_flags = FS_TCP_SYN;
	memset(&pi, 0, sizeof(pi));
	pi.pkt = &pkt;
	pi.ct = &ct;
	pi.ctinfo = CT_NEW;
	pi.iif = 1;
	pi.oif = 2;
	pi.iifname = "br-lan";
	pi.oifname = "eth1";
	n = ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET, NULL, refs, 8);
	g_assert_cmpuint(n, ==, 2);   /* mangle_forward, then forward */
	g_assert_cmpint(refs[0].priority, ==, NFT_PRIO_MANGLE);
	for (i = 0; i < n && v == NFT_VERDICT_ACCEPT; i++)
		v = ruleset_eval_chain(rs, refs[i].id, &pi, &ops, &env, &rules);
	g_assert_cmpint(v, ==, NFT_VERDICT_ACCEPT);
	g_assert_cmpint(env.flow_adds, ==, 1);
	/* mangle_forward 1 + forward: flow offload, ct vmap, iifname lan, forward_lan's jump,
	 * accept_to_wan's leakage rule and accept */
	g_assert_cmpuint(rules, ==, 1 + 6);
	n = ruleset_hook_chains(rs, NFT_HOOK_POSTROUTING, FS_AF_INET, NULL, refs, 8);
	g_assert_cmpuint(n, ==, 2);   /* mangle_postrouting, srcnat */
	g_assert_cmpint(ruleset_eval_chain(rs, refs[1].id, &pi, &ops, &env, NULL), ==,
			NFT_VERDICT_ACCEPT);
	g_assert_cmpint(env.masq, ==, 1);

	/* a new connection from the WAN is dropped by drop_to_wan */
	pkt = tu_packet("198.51.100.7", 443, "192.168.1.2", 40000, FS_IPPROTO_TCP, 2, 60);
	pi.iif = 2;
	pi.oif = 1;
	pi.iifname = "eth1";
	pi.oifname = "br-lan";
	n = ruleset_hook_chains(rs, NFT_HOOK_FORWARD, FS_AF_INET, NULL, refs, 8);
	g_assert_cmpint(ruleset_eval_chain(rs, refs[1].id, &pi, &ops, &env, NULL), ==,
			NFT_VERDICT_DROP);
	/* its reply direction, once established, is accepted by the vmap */
	pi.ctinfo = CT_ESTABLISHED_REPLY;
	g_assert_cmpint(ruleset_eval_chain(rs, refs[1].id, &pi, &ops, &env, NULL), ==,
			NFT_VERDICT_ACCEPT);
	ruleset_destroy(rs);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fw4/render/openwrt_default_without_offload", test_default_no_offload);
	g_test_add_func("/fw4/render/software_offload_flowtable", test_software_offload);
	g_test_add_func("/fw4/render/hardware_offload_resolves_lower_devices",
			test_hardware_offload);
	g_test_add_func("/fw4/render/hardware_probe_failure_falls_back", test_hardware_fallback);
	g_test_add_func("/fw4/render/software_mode_skips_missing_devices",
			test_software_skips_missing_devices);
	g_test_add_func("/fw4/render/zones_masq_mtu_fix_synflood_helpers",
			test_zones_masq_mtu_synflood);
	g_test_add_func("/fw4/render/redirect_and_pppoe_wan", test_redirect_and_pppoe);
	g_test_add_func("/fw4/render/buffer_too_small", test_buffer_too_small);
	g_test_add_func("/fw4/render/reload_and_offload_mode_change", test_reload);
	g_test_add_func("/fw4/eval/lan_to_wan_offloaded_wan_to_lan_dropped",
			test_rendered_ruleset_forwards);
	return g_test_run();
}
