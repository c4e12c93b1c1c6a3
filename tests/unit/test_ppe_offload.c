/* SPDX-License-Identifier: MIT */
/*
 * test_ppe_offload.c - the PPE's flowtable driver (what mtk_flow_offload_replace accepts
 * and how it builds the entry), the stats read-back, and the hardware forwarding path
 * (packet rewrite, router_result, CPU reasons, PPE selection by ingress GMAC).
 */
#include "ppe_fixture.h"

#define TCP FS_IPPROTO_TCP
#define UDP FS_IPPROTO_UDP

static void test_ipv4_nat_accepted_as_hnapt(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_entry e;
	int slot;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.22", 52294, "185.187.81.227", 80, TCP, fx.lan2, fx.eth1);
	r.rewrite.src = tu_addr("100.64.1.1");
	r.rewrite.sport = 1234;
	slot = pfx_bind(&fx, 0, &r, FS_SEC(1682));
	/* the real MT7621 dump (spec 1.5, file 03) has this tuple at 0x12f2 */
	g_assert_cmpint(slot, ==, 0x12f2);
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(ppe_ib1_type(e.ib1, 1), ==, PPE_PKT_IPV4_HNAPT);
	g_assert_cmpuint(ppe_ib1_bind_timestamp(e.ib1, 1), ==, 1682);
	g_assert_true(ppe_ib1_ttl(e.ib1, 1));
	g_assert_true(ppe_ib1_cache(e.ib1, 1));
	g_assert_false(ppe_ib1_udp(e.ib1));
	g_assert_cmpuint(e.src_ip[0], ==, tu_addr("192.168.1.22").ip);
	g_assert_cmpuint(e.new_src_ip, ==, tu_addr("100.64.1.1").ip);
	g_assert_cmpuint(e.new_ports, ==, ppe_ports_make(1234, 80));
	/* GMAC egress: GDM2 = PSE 2, queue pse - 1, port_mg 0x3f on offload_version 1 */
	g_assert_cmpuint(ppe_ib2_dest_port(e.ib2, 1), ==, PPE_PSE_GDM2);
	g_assert_cmpuint(ppe_ib2_qid(e.ib2, 1), ==, 1);
	g_assert_true(ppe_ib2_pse_qos(e.ib2, 1));
	g_assert_cmpuint(ppe_ib2_port_mg(e.ib2, 1), ==, 0x3f);
	g_assert_cmpuint(ppe_ib2_port_ag(e.ib2, 1), ==, 0x1f);
	g_assert_false(ppe_ib2_mib_cnt(e.ib2, 1));
	g_assert_cmpuint(e.l2.etype, ==, 0x0800);
	pfx_fini(&fx);
}

static void test_ipv6_routed_accepted_nat_refused(void)
{
	struct pfx fx;
	struct flow_hw_rule r, nat, pnat;
	struct ppe_entry e;
	int slot;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("2001:db8:1::5", 52185, "2606:4700:10::6814:2917", 443, TCP, fx.lan1, fx.eth1);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(3));
	g_assert_cmpint(slot, !=, PPE_HASH_NONE);
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(ppe_ib1_type(e.ib1, 2), ==, PPE_PKT_IPV6_ROUTE_5T);
	g_assert_cmpuint(e.l2.etype, ==, 0x86dd);

	/* NAT66 / NPTv6: address rewrite refused; port rewrite too */
	nat = pfx_rule("2001:db8:1::6", 52185, "2606:4700::1", 443, TCP, fx.lan1, fx.eth1);
	nat.rewrite.src = tu_addr("2001:db8:ffff::6");
	g_assert_cmpint(pfx_replace(&fx, 1, &nat, FS_SEC(4)), ==, -PPE_EOPNOTSUPP);
	pnat = pfx_rule("2001:db8:1::7", 52185, "2606:4700::1", 443, UDP, fx.lan1, fx.eth1);
	pnat.rewrite.sport = 9999;
	g_assert_cmpint(pfx_replace(&fx, 2, &pnat, FS_SEC(4)), ==, -PPE_EOPNOTSUPP);
	g_assert_cmpint(pfx_hash(&fx, 1, 0), ==, -1);
	g_assert_cmpuint(ppe_sw_flow_count(fx.ppe), ==, 1);
	pfx_fini(&fx);
}

static void test_non_l4_refused(void)
{
	struct pfx fx;
	struct flow_hw_rule r;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.2", 0, "8.8.8.8", 0, FS_IPPROTO_GRE, fx.lan1, fx.eth1);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = pfx_rule("192.168.1.2", 7, "8.8.8.8", 0, FS_IPPROTO_ICMP, fx.lan1, fx.eth1);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	pfx_fini(&fx);
}

static int replace_encap(struct pfx *fx, int ct, const u16 *protos, u8 n)
{
	struct flow_hw_rule r = pfx_rule("192.168.1.3", (u16)(1000 + ct), "8.8.4.4", 53, UDP,
					 fx->lan1, fx->eth1);
	u8 i;

	for (i = 0; i < n && i < FS_ENCAP_MAX; i++) {
		r.encap_out[i].proto = protos[i];
		r.encap_out[i].id = (u16)(100 + i);
	}
	r.num_encap_out = n;
	return pfx_replace(fx, ct, &r, FS_SEC(1));
}

static void test_encapsulation_limits(void)
{
	static const u16 vlan[] = { FS_ETH_P_8021Q };
	static const u16 vlan2[] = { FS_ETH_P_8021Q, FS_ETH_P_8021Q };
	static const u16 pppoe_vlan[] = { FS_ETH_P_PPP_SES, FS_ETH_P_8021Q };
	static const u16 vlan_pppoe[] = { FS_ETH_P_8021Q, FS_ETH_P_PPP_SES };
	static const u16 pppoe2[] = { FS_ETH_P_PPP_SES, FS_ETH_P_PPP_SES };
	static const u16 qinq[] = { 0x88a8 };
	static const u16 three[] = { FS_ETH_P_8021Q, FS_ETH_P_8021Q };
	struct pfx fx;

	pfx_init(&fx, "mt7621", 606, 0);
	g_assert_cmpint(replace_encap(&fx, 0, vlan, 1), ==, 0);
	g_assert_cmpint(replace_encap(&fx, 1, vlan2, 2), ==, 0);
	g_assert_cmpint(replace_encap(&fx, 2, pppoe_vlan, 2), ==, 0);
	g_assert_cmpint(replace_encap(&fx, 3, vlan_pppoe, 2), ==, 0);
	g_assert_cmpint(replace_encap(&fx, 4, pppoe2, 2), ==, -PPE_EOPNOTSUPP);
	g_assert_cmpint(replace_encap(&fx, 5, qinq, 1), ==, -PPE_EOPNOTSUPP);
	/* a third layer (more than the rule can even carry) */
	g_assert_cmpint(replace_encap(&fx, 6, three, 3), ==, -PPE_EOPNOTSUPP);
	g_assert_cmpuint(ppe_sw_flow_count(fx.ppe), ==, 4);
	pfx_fini(&fx);
}

static void test_dsa_egress_entry(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_entry e;
	int slot;

	pfx_init(&fx, "mt7621", 606, 0);
	/* download towards DSA port 2: the MTK tag is one VLAN layer, etype = BIT(port) */
	r = pfx_rule("185.187.81.227", 80, "100.64.1.1", 1234, UDP, fx.eth1, fx.lan2);
	r.rewrite.dst = tu_addr("192.168.1.22");
	r.rewrite.dport = 52294;
	slot = pfx_bind(&fx, 0, &r, FS_SEC(2));
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(e.l2.etype, ==, 0x0004);
	g_assert_cmpuint(ppe_ib1_vlan_layer(e.ib1, 1), ==, 1);
	g_assert_false(ppe_ib1_vlan_tag(e.ib1, 1));
	g_assert_cmpuint(ppe_ib2_dest_port(e.ib2, 1), ==, PPE_PSE_GDM1);
	g_assert_cmpuint(ppe_ib2_qid(e.ib2, 1), ==, 5);
	/* the real line of spec 1.7: ib2=007ff035 */
	g_assert_cmpuint(e.ib2, ==, 0x007ff035);

	/* with an 802.1Q push as well: etype gets BIT(8), the layer count stays 1 */
	r = pfx_rule("185.187.81.227", 81, "100.64.1.1", 1235, UDP, fx.eth1, fx.lan2);
	r.encap_out[0].proto = FS_ETH_P_8021Q;
	r.encap_out[0].id = 5;
	r.num_encap_out = 1;
	slot = pfx_bind(&fx, 1, &r, FS_SEC(3));
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(e.l2.etype, ==, 0x0104);
	g_assert_cmpuint(e.l2.vlan1, ==, 5);
	g_assert_cmpuint(ppe_ib1_vlan_layer(e.ib1, 1), ==, 1);
	pfx_fini(&fx);
}

static void test_egress_must_be_gmac_dsa_or_wed(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_config cfg;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.4", 1000, "8.8.8.8", 53, UDP, fx.lan1, fx.usb0);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = pfx_rule("192.168.1.4", 1001, "8.8.8.8", 53, UDP, fx.lan1, fx.tun0);
	g_assert_cmpint(pfx_replace(&fx, 1, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = pfx_rule("192.168.1.4", 1002, "8.8.8.8", 53, UDP, fx.lan1, fx.br);
	g_assert_cmpint(pfx_replace(&fx, 2, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = pfx_rule("192.168.1.4", 1003, "8.8.8.8", 53, UDP, fx.lan1, 63);
	g_assert_cmpint(pfx_replace(&fx, 3, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	g_assert_cmpuint(ppe_sw_flow_count(fx.ppe), ==, 0);
	pfx_fini(&fx);

	/* a DSA switch with another tag protocol is not an offload target */
	memset(&fx, 0, sizeof(fx));
	pfx_build_netconf(&fx);
	g_assert_cmpint(ppe_config_for_soc(&cfg, "mt7621", 606), ==, 0);
	cfg.dsa_tag_mtk = 0;
	pfx_init_cfg(&fx, &cfg);
	r = pfx_rule("8.8.8.8", 53, "192.168.1.4", 1000, UDP, fx.eth1, fx.lan1);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	g_assert_false(ppe_router_ops()->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.lan1)));
	pfx_fini(&fx);
}

static void test_duplicate_cookie_and_bad_macs(void)
{
	struct pfx fx;
	struct flow_hw_rule r, bad;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.5", 1000, "8.8.8.8", 53, UDP, fx.lan1, fx.eth1);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, 0);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(2)), ==, -PPE_EEXIST);
	/* the other direction of the same conntrack entry is another cookie */
	r.dir = CT_DIR_REPLY;
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(2)), ==, 0);

	bad = pfx_rule("192.168.1.5", 1001, "8.8.8.8", 53, UDP, fx.lan1, fx.eth1);
	bad.dst_mac[0] = 0x01;                      /* multicast */
	g_assert_cmpint(pfx_replace(&fx, 1, &bad, FS_SEC(2)), ==, -PPE_EINVAL);
	bad = pfx_rule("192.168.1.5", 1002, "8.8.8.8", 53, UDP, fx.lan1, fx.eth1);
	memset(bad.src_mac, 0, 6);
	g_assert_cmpint(pfx_replace(&fx, 2, &bad, FS_SEC(2)), ==, -PPE_EINVAL);
	bad = pfx_rule("192.168.1.5", 1003, "8.8.8.8", 53, UDP, fx.lan1, fx.eth1);
	bad.dst_mac_valid = 0;
	g_assert_cmpint(pfx_replace(&fx, 3, &bad, FS_SEC(2)), ==, -PPE_EINVAL);
	g_assert_cmpuint(ppe_sw_flow_count(fx.ppe), ==, 2);

	/* destroy of an unknown cookie is harmless; of a known one frees the flow */
	pfx_destroy(&fx, 7, 0, FS_SEC(3));
	pfx_destroy(&fx, 0, 0, FS_SEC(3));
	pfx_destroy(&fx, 0, 1, FS_SEC(3));
	g_assert_cmpuint(ppe_sw_flow_count(fx.ppe), ==, 0);
	pfx_fini(&fx);
}

static void test_hw_forward_rewrites_packet(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p, out;
	struct router_result res;
	const struct ppe_stats *s;

	pfx_init(&fx, "mt7621", 606, 0);
	/* download: WAN -> LAN through DNAT-less masquerade reply, VLAN 7 pushed on lan2 */
	r = pfx_rule("93.184.216.34", 443, "100.64.1.1", 40001, TCP, fx.eth1, fx.lan2);
	r.rewrite.dst = tu_addr("192.168.1.50");
	r.rewrite.dport = 51000;
	r.encap_out[0].proto = FS_ETH_P_8021Q;
	r.encap_out[0].id = 7;
	r.num_encap_out = 1;
	r.l3_oif = fx.br;
	r.src_mac[5] = 0x0a;
	r.dst_mac[5] = 0x0b;
	pfx_bind(&fx, 0, &r, FS_SEC(10));

	p = pfx_pkt(&r);
	p.len = 1400;
	p.ttl = 50;
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(500), &res, &out));
	g_assert_cmpuint(out.t.dst.ip, ==, tu_addr("192.168.1.50").ip);
	g_assert_cmpuint(out.t.dport, ==, 51000);
	g_assert_cmpuint(out.t.src.ip, ==, tu_addr("93.184.216.34").ip);
	g_assert_cmpuint(out.ttl, ==, 49);
	g_assert_cmpuint(out.src_mac[5], ==, 0x0a);
	g_assert_cmpuint(out.dst_mac[5], ==, 0x0b);
	g_assert_cmpuint(out.num_encap, ==, 1);
	g_assert_cmpuint(out.encap[0].id, ==, 7);
	g_assert_cmpuint(res.verdict, ==, ROUTER_FORWARD);
	g_assert_cmpuint(res.path, ==, ROUTER_PATH_PPE);
	g_assert_cmpuint(res.drop_reason, ==, ROUTER_DROP_NONE);
	g_assert_cmpuint(res.bypass_qdisc, ==, 1);
	g_assert_cmpuint(res.oif, ==, fx.br);
	g_assert_cmpuint(res.tx_dev, ==, fx.lan2);
	g_assert_cmpuint(res.frames, ==, 1);
	g_assert_cmpuint(res.cycles, ==, 120);

	/* a GSO aggregate: every segment is a hardware packet */
	p.flags |= FS_PKT_GSO;
	p.gso_segs = 4;
	p.len = 5600;
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(600), &res, NULL));
	g_assert_cmpuint(res.frames, ==, 4);
	g_assert_cmpuint(res.cycles, ==, 480);
	s = ppe_get_stats(fx.ppe, 0);
	g_assert_cmpuint(s->hw_packets, ==, 5);
	g_assert_cmpuint(s->hw_bytes, ==, 1400 + 5600);
	pfx_fini(&fx);
}

static void test_cpu_reasons_on_bound_entry(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p, q;
	const struct ppe_stats *s;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.6", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	pfx_bind(&fx, 0, &r, FS_SEC(1));
	p = pfx_pkt(&r);
	s = ppe_get_stats(fx.ppe, 0);

	q = p;
	q.ttl = 1;
	g_assert_false(pfx_rx(&fx, &q, FS_SEC(1) + FS_MSEC(100), NULL, NULL));
	g_assert_cmpuint(s->reasons[PPE_REASON_HIT_TTL_1], ==, 1);
	q = p;
	q.len = 1501;
	g_assert_false(pfx_rx(&fx, &q, FS_SEC(1) + FS_MSEC(101), NULL, NULL));
	g_assert_cmpuint(s->reasons[PPE_REASON_EXCEED_MTU], ==, 1);
	q = p;
	q.flags |= FS_PKT_FRAG;
	g_assert_false(pfx_rx(&fx, &q, FS_SEC(1) + FS_MSEC(102), NULL, NULL));
	g_assert_cmpuint(s->reasons[PPE_REASON_IPV4_FRAG], ==, 1);
	q = p;
	q.flags |= FS_PKT_IPOPT;
	g_assert_false(pfx_rx(&fx, &q, FS_SEC(1) + FS_MSEC(103), NULL, NULL));
	g_assert_cmpuint(s->reasons[PPE_REASON_OPTION_HEADER], ==, 1);
	/* still bound: an ordinary segment is forwarded */
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(1) + FS_MSEC(104), NULL, NULL));
	/* RST: to the CPU, the entry leaves BIND */
	q = p;
	q.tcp_flags = FS_TCP_RST;
	g_assert_false(pfx_rx(&fx, &q, FS_SEC(1) + FS_MSEC(105), NULL, NULL));
	g_assert_cmpuint(s->reasons[PPE_REASON_HIT_BIND_TCP_FIN], ==, 1);
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(1) + FS_MSEC(106), NULL, NULL));
	pfx_fini(&fx);
}

static void test_syn_does_not_build_entries(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.7", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	p.tcp_flags = FS_TCP_SYN;
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(1), NULL, NULL));
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->reasons[PPE_REASON_TCP_FIN_SYN_RST], ==, 1);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 0);
	/* ICMP still builds a 3-tuple IPv4 route entry (never bound by this driver) */
	r = pfx_rule("192.168.1.7", 0, "9.9.9.9", 0, FS_IPPROTO_ICMP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(1), NULL, NULL));
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 1);
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->unbind_created, ==, 1);
	pfx_fini(&fx);
}

static void test_frames_not_behind_a_gmac_bypass(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.9.2", 40000, "9.9.9.9", 443, UDP, fx.usb0, fx.eth1);
	p = pfx_pkt(&r);
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.usb0), ==, -1);
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.lan1), ==, 0);
	g_assert_cmpuint(pfx_burst(&fx, &p, 50, FS_SEC(1), FS_MSEC(1)), ==, 0);
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->rx_packets, ==, 0);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 0);
	pfx_fini(&fx);
}

static void test_stats_lastused_and_mib(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	u64 used, pk, by;
	int slot;
	char buf[1024];

	/* MT7986 has MIB accounting */
	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.8", 40000, "9.9.9.9", 443, UDP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);

	/* never bound: the zero timestamp of the prepared entry makes lastused arbitrarily old */
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(100)), ==, 0);
	g_assert_cmpint(ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(100), &used, &pk,
						  &by), ==, 0);
	g_assert_cmpuint(used, ==, FS_SEC(100) - FS_SEC(100 % 256));
	g_assert_cmpint(ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[5], 0, FS_SEC(100), &used, &pk,
						  &by), ==, -1);

	pfx_burst(&fx, &p, 30, FS_SEC(101), FS_MSEC(1));
	slot = pfx_hash(&fx, 0, 0);
	g_assert_cmpint(slot, !=, PPE_HASH_NONE);
	g_assert_true(ppe_ib2_mib_cnt(pfx_entry(&fx, 0, (u32)slot).ib2, 2));
	g_assert_cmpuint(pfx_burst(&fx, &p, 10, FS_SEC(103), FS_MSEC(10)), ==, 10);
	g_assert_cmpint(ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(106), &used, &pk,
						  &by), ==, 0);
	g_assert_cmpuint(used, ==, FS_SEC(103));
	g_assert_cmpuint(pk, ==, 10);
	g_assert_cmpuint(by, ==, 10000);
	/* read-clear: nothing new */
	ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(106), &used, &pk, &by);
	g_assert_cmpuint(pk, ==, 0);

	/* a debugfs read consumes the MIB counts the next stats diff would have seen */
	pfx_burst(&fx, &p, 5, FS_SEC(107), FS_MSEC(10));
	ppe_dump(fx.ppe, 0, true, buf, sizeof(buf), FS_SEC(108));
	g_assert_nonnull(strstr(buf, " packets=15 bytes=15000"));
	ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(108), &used, &pk, &by);
	g_assert_cmpuint(pk, ==, 0);
	g_assert_cmpuint(pfx_entry(&fx, 0, (u32)slot).packets, ==, 15);
	/* clearing zeroes the driver's totals */
	pfx_destroy(&fx, 0, 0, FS_SEC(109));
	g_assert_cmpuint(pfx_entry(&fx, 0, (u32)slot).packets, ==, 0);
	pfx_fini(&fx);

	/* MT7621 has none: zero diffs, and the listing prints zeros */
	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.8", 40000, "9.9.9.9", 443, UDP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	pfx_bind(&fx, 0, &r, FS_SEC(101));
	pfx_burst(&fx, &p, 10, FS_SEC(103), FS_MSEC(10));
	ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(104), &used, &pk, &by);
	g_assert_cmpuint(used, ==, FS_SEC(103));
	g_assert_cmpuint(pk, ==, 0);
	g_assert_cmpuint(by, ==, 0);
	ppe_dump(fx.ppe, 0, true, buf, sizeof(buf), FS_SEC(104));
	g_assert_nonnull(strstr(buf, " packets=0 bytes=0\n"));
	pfx_fini(&fx);
}

/*
 * mtk_flow_entry_update copies the hardware ib1 into the flow when the tuple still
 * matches; after the entry aged, the next commit writes that INVALID-state copy back, so
 * the flow cannot bind again while it lives (driver behaviour, counted as such).
 */
static void test_stale_ib1_copy_blocks_rebinding(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	u64 used, pk, by;
	u32 t;
	int slot;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.9", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(10));
	for (t = 11; t <= 20; t++)
		pfx_timers(&fx, FS_SEC(t));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(20), &used, &pk, &by);
	/* traffic resumes: a fresh UNBIND, rate reached, commit of the stale copy */
	pfx_burst(&fx, &p, 30, FS_SEC(21), FS_MSEC(1));
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, slot);
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->commits_not_bound, ==, 1);
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(21) + FS_MSEC(500), NULL, NULL));
	pfx_fini(&fx);
}

static void test_ppe_chosen_by_ingress_gmac(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_occupancy o0, o1, o2;
	u8 idx = 9;

	/* MT7986 on 6.12: frames and flows from GMAC1 use PPE1 */
	pfx_init(&fx, "mt7986", 612, 0);
	r = pfx_rule("93.184.216.34", 443, "100.64.1.1", 40001, TCP, fx.eth1, fx.lan1);
	g_assert_cmpint(pfx_bind(&fx, 0, &r, FS_SEC(5)), !=, PPE_HASH_NONE);
	g_assert_cmpint(ppe_flow_lookup(fx.ppe, &fx.ct[0], 0, NULL, &idx), ==, 0);
	g_assert_cmpuint(idx, ==, 1);
	o0 = pfx_occ(&fx, 0);
	o1 = pfx_occ(&fx, 1);
	g_assert_cmpuint(o0.bound + o0.unbound, ==, 0);
	g_assert_cmpuint(o1.bound, ==, 1);
	r = pfx_rule("192.168.1.10", 40000, "93.184.216.34", 443, TCP, fx.lan1, fx.eth1);
	g_assert_cmpint(pfx_bind(&fx, 1, &r, FS_SEC(6)), !=, PPE_HASH_NONE);
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 1);
	pfx_fini(&fx);

	/* MT7986 on 6.6: one PPE in use */
	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("93.184.216.34", 443, "100.64.1.1", 40001, TCP, fx.eth1, fx.lan1);
	pfx_bind(&fx, 0, &r, FS_SEC(5));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 1);
	g_assert_cmpuint(pfx_occ(&fx, 1).bound, ==, 0);
	pfx_fini(&fx);

	/* MT7988 on 6.12: GMAC2 -> PPE2 */
	pfx_init(&fx, "mt7988", 612, 0);
	r = pfx_rule("93.184.216.34", 443, "100.64.1.1", 40001, TCP, fx.eth2, fx.lan1);
	pfx_bind(&fx, 0, &r, FS_SEC(5));
	o2 = pfx_occ(&fx, 2);
	g_assert_cmpuint(o2.bound, ==, 1);
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.eth2), ==, 2);
	pfx_fini(&fx);
}

static void test_dev_capable(void)
{
	struct pfx fx;
	const struct router_hw_ops *ops = ppe_router_ops();

	g_assert_true(ops->offload == ppe_flowtable_ops());
	pfx_init(&fx, "mt7621", 606, 0);
	g_assert_true(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.eth0)));
	g_assert_true(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.lan1)));
	g_assert_false(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.usb0)));
	g_assert_false(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.br)));
	g_assert_false(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.wlan0)));
	g_assert_false(ops->dev_capable(fx.ppe, NULL));
	pfx_fini(&fx);
	pfx_init(&fx, "mt7986", 606, 0);
	g_assert_true(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.wlan0)));
	pfx_fini(&fx);
	pfx_init(&fx, "mt7622", 606, 0);
	/* WED v1 has no RX offload: Wi-Fi netdevs cannot bind the flowtable block */
	g_assert_false(ops->dev_capable(fx.ppe, fs_netdev_get(&fx.nc, fx.wlan2)));
	pfx_fini(&fx);
}

/*
 * End to end through router_receive(): a UDP stream goes slow path -> flowtable (SFO) ->
 * PPE once the flowtable offloaded it and 30 frames arrived within one tick; each
 * direction binds in the PPE of its ingress GMAC (MT7986, kernel 6.12).
 */
static const char *ruleset_hw =
	"table inet filter {\n"
	"	flowtable ft {\n"
	"		hook ingress priority 0; devices = { veth0, veth1 };\n"
	"		flags offload; counter;\n"
	"	}\n"
	"	chain forward {\n"
	"		type filter hook forward priority filter; policy accept;\n"
	"		meta l4proto { tcp, udp } flow add @ft\n"
	"	}\n"
	"}\n";

static void test_router_udp_stream_reaches_ppe(void)
{
	struct lab lab;
	struct ppe_config cfg;
	struct ppe *ppe;
	struct fs_netconf *nc;
	struct router_result up, down;
	u32 i, first_hw = 0;

	tu_lab_init(&lab, NULL, NULL);
	nc = router_netconf(lab.r);
	fs_netdev_get(nc, lab.lan)->gmac = 0;
	fs_netdev_get(nc, lab.wan)->gmac = 1;
	g_assert_cmpint(ppe_config_for_soc(&cfg, "mt7986", 612), ==, 0);
	ppe = ppe_create(&cfg, nc, &router_get_config(lab.r)->cost, NULL, NULL);
	g_assert_nonnull(ppe);
	router_set_hw(lab.r, ppe_router_ops(), ppe);
	tu_lab_nft(&lab, ruleset_hw, 0);

	for (i = 0; i < 100; i++) {
		u64 now = TU_SEC(1) + i * TU_MS(10);
		struct fs_packet p = tu_packet("10.0.1.99", 40000, "10.0.2.99", 5001, FS_IPPROTO_UDP,
					       lab.lan, 1000);
		struct fs_packet q = tu_packet("10.0.2.99", 5001, "10.0.1.99", 40000, FS_IPPROTO_UDP,
					       lab.wan, 1000);

		up = tu_lab_send(&lab, &p, now);
		down = tu_lab_send(&lab, &q, now + TU_MS(1));
		if (i == 0)
			g_assert_cmpuint(up.path, ==, ROUTER_PATH_SLOW);
		if (up.path == ROUTER_PATH_PPE && !first_hw)
			first_hw = i;
	}
	/* 30 frames of each direction in tick 1 after the flowtable handed it over */
	g_assert_cmpuint(first_hw, >=, 29);
	g_assert_cmpuint(first_hw, <=, 31);
	g_assert_cmpuint(up.path, ==, ROUTER_PATH_PPE);
	g_assert_cmpuint(down.path, ==, ROUTER_PATH_PPE);
	g_assert_cmpuint(up.bypass_qdisc, ==, 1);
	g_assert_cmpuint(ppe_get_stats(ppe, 0)->binds, ==, 1);
	g_assert_cmpuint(ppe_get_stats(ppe, 1)->binds, ==, 1);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_CT_HW_OFFLOAD, NULL), ==, 1);
	tu_lab_free(&lab);
	ppe_destroy(ppe);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppe/offload/ipv4_nat_accepted_as_hnapt", test_ipv4_nat_accepted_as_hnapt);
	g_test_add_func("/ppe/offload/ipv6_routed_accepted_nat66_refused",
			test_ipv6_routed_accepted_nat_refused);
	g_test_add_func("/ppe/offload/non_tcp_udp_refused", test_non_l4_refused);
	g_test_add_func("/ppe/offload/encapsulation_at_most_2_layers_1_pppoe_8021q_only",
			test_encapsulation_limits);
	g_test_add_func("/ppe/offload/dsa_egress_entry_matches_real_line", test_dsa_egress_entry);
	g_test_add_func("/ppe/offload/egress_must_be_gmac_dsa_or_wed",
			test_egress_must_be_gmac_dsa_or_wed);
	g_test_add_func("/ppe/offload/duplicate_cookie_and_bad_macs_refused",
			test_duplicate_cookie_and_bad_macs);
	g_test_add_func("/ppe/offload/hw_forward_rewrites_packet_and_bypasses_qdisc",
			test_hw_forward_rewrites_packet);
	g_test_add_func("/ppe/offload/bound_entry_cpu_reasons", test_cpu_reasons_on_bound_entry);
	g_test_add_func("/ppe/offload/syn_builds_no_entry_icmp_builds_3t",
			test_syn_does_not_build_entries);
	g_test_add_func("/ppe/offload/frames_not_behind_a_gmac_bypass_the_ppe",
			test_frames_not_behind_a_gmac_bypass);
	g_test_add_func("/ppe/offload/stats_lastused_and_mib_diffs", test_stats_lastused_and_mib);
	g_test_add_func("/ppe/offload/stale_ib1_copy_blocks_rebinding",
			test_stale_ib1_copy_blocks_rebinding);
	g_test_add_func("/ppe/offload/ppe_chosen_by_ingress_gmac", test_ppe_chosen_by_ingress_gmac);
	g_test_add_func("/ppe/offload/dev_capable", test_dev_capable);
	g_test_add_func("/ppe/router/udp_stream_goes_slow_flowtable_ppe",
			test_router_udp_stream_reaches_ppe);
	return g_test_run();
}
