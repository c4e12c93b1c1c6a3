/* SPDX-License-Identifier: MIT */
/*
 * test_wed.c - WED: which SoCs and radios have it, station limits, the values frozen into
 * a WED entry, attach/detach on first/last flow, WED RX, and stale delivery after a
 * station roams (and the wired equivalent: a host moving to another DSA port).
 */
#include "ppe_fixture.h"

#define TCP FS_IPPROTO_TCP
#define UDP FS_IPPROTO_UDP

static const u8 sta_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };

/* A download flow WAN -> station behind Wi-Fi device dev with station index wcid. */
static struct flow_hw_rule wifi_rule(struct pfx *fx, u16 dev, u16 wcid, u16 port)
{
	struct flow_hw_rule r = pfx_rule("93.184.216.34", 443, "100.64.1.1", port, TCP,
					 fx->eth1, dev);

	r.rewrite.dst = tu_addr("192.168.1.77");
	r.rewrite.dport = 50000;
	r.l3_oif = fx->br;
	memcpy(r.dst_mac, sta_mac, 6);
	r.wcid = wcid;
	return r;
}

static void test_no_wed_on_mt7621(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7621", 606, 0);
	g_assert_cmpuint(fx.cfg.wed.num, ==, 0);
	r = wifi_rule(&fx, fx.wlan1, 5, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	/* the flow stays on the software path: the hardware never forwards it */
	p = pfx_pkt(&r);
	g_assert_cmpuint(pfx_burst(&fx, &p, 100, FS_SEC(2), FS_MSEC(5)), ==, 0);
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_ATTACH), ==, 0);
	/* Wi-Fi frames do not enter the PPE at all */
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.wlan1), ==, -1);
	pfx_fini(&fx);
}

static void test_mt7986_wed_entry_and_attach(void)
{
	struct pfx fx;
	struct flow_hw_rule r1, r2;
	struct ppe_entry e;
	struct ppe_wdma_info wi;
	struct fs_packet p, out;
	struct router_result res;
	const struct fs_event *ev;
	int slot;

	pfx_init(&fx, "mt7986", 606, 0);
	/* 5 GHz band of the built-in WMAC (radio 0, band 1: the second phy -> ring 1) */
	r1 = wifi_rule(&fx, fx.wlan1, 7, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r1, FS_SEC(1)), ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_ATTACH), ==, 1);
	ev = pfx_last(&fx, FS_EV_WED_ATTACH);
	g_assert_cmpuint(ev->detail, ==, 0);
	g_assert_cmpuint(ev->aux, ==, 0);
	r2 = wifi_rule(&fx, fx.wlan0, 8, 40001);
	g_assert_cmpint(pfx_replace(&fx, 1, &r2, FS_SEC(1)), ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_ATTACH), ==, 1);

	p = pfx_pkt(&r1);
	pfx_burst(&fx, &p, 30, FS_SEC(2), FS_MSEC(1));
	slot = pfx_hash(&fx, 0, 0);
	g_assert_cmpint(slot, !=, PPE_HASH_NONE);
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(ppe_ib2_dest_port(e.ib2, 2), ==, PPE_PSE_WDMA0);
	g_assert_true(ppe_ib2_wdma_winfo(e.ib2, 2));
	ppe_entry_wdma_info(&e, 2, &wi);
	g_assert_cmpuint(wi.bss, ==, 1);
	/* mt7915e on MT798x writes 0x3ff: the Wi-Fi side picks the station */
	g_assert_cmpuint(wi.wcid, ==, 0x3ff);
	g_assert_cmpuint(ppe_field(e.ib2, 17, 2), ==, 1);

	g_assert_true(pfx_rx(&fx, &p, FS_SEC(2) + FS_MSEC(500), &res, &out));
	g_assert_cmpuint(res.path, ==, ROUTER_PATH_WED);
	g_assert_cmpuint(res.verdict, ==, ROUTER_FORWARD);
	g_assert_cmpuint(res.tx_dev, ==, fx.wlan1);
	g_assert_cmpuint(res.bypass_qdisc, ==, 1);
	g_assert_cmpuint(out.t.dst.ip, ==, tu_addr("192.168.1.77").ip);

	pfx_destroy(&fx, 0, 0, FS_SEC(3));
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_DETACH), ==, 0);
	pfx_destroy(&fx, 1, 0, FS_SEC(3));
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_DETACH), ==, 1);
	/* the next flow attaches again */
	g_assert_cmpint(pfx_replace(&fx, 2, &r1, FS_SEC(4)), ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_ATTACH), ==, 2);
	pfx_fini(&fx);
}

static void test_station_limits(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_entry e;
	struct ppe_wdma_info wi;
	int slot;

	/* MT7916/MT798x: wcid <= 524 */
	pfx_init(&fx, "mt7986", 606, 0);
	r = wifi_rule(&fx, fx.wlan1, 524, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, 0);
	r = wifi_rule(&fx, fx.wlan1, 525, 40001);
	g_assert_cmpint(pfx_replace(&fx, 1, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	pfx_fini(&fx);

	/* MT7622 + MT7915 (radio 1): wcid <= 268, frozen into an 8-bit field */
	pfx_init(&fx, "mt7622", 606, 0);
	r = wifi_rule(&fx, fx.wlan2, 269, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = wifi_rule(&fx, fx.wlan2, 200, 40001);
	slot = pfx_bind(&fx, 1, &r, FS_SEC(2));
	e = pfx_entry(&fx, 0, (u32)slot);
	/* v1: WDMA destination is PSE port 3, info in vlan2 (spec 1.7 "vlan=0,129" style) */
	g_assert_cmpuint(ppe_ib2_dest_port(e.ib2, 1), ==, 3);
	g_assert_cmpuint(ppe_ib2_port_mg(e.ib2, 1) & 0x1f, ==, 0);
	ppe_entry_wdma_info(&e, 1, &wi);
	g_assert_cmpuint(wi.wcid, ==, 200);
	g_assert_cmpuint(wi.bss, ==, 2);
	g_assert_cmpuint(wi.ring, ==, 0);
	pfx_fini(&fx);
}

static void test_mt7622_wmac_has_no_wed(void)
{
	struct pfx fx;
	struct flow_hw_rule r;

	pfx_init(&fx, "mt7622", 606, 0);
	/* radio 0 is the SoC's own 2.4 GHz WMAC (mt7615e): no WED even with wed_enable */
	r = wifi_rule(&fx, fx.wlan0, 3, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	r = wifi_rule(&fx, fx.wlan2, 3, 40001);
	g_assert_cmpint(pfx_replace(&fx, 1, &r, FS_SEC(1)), ==, 0);
	/* two v1 blocks: radio 1 and radio 2 both get one */
	r = wifi_rule(&fx, fx.wlan3, 3, 40002);
	g_assert_cmpint(pfx_replace(&fx, 2, &r, FS_SEC(1)), ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_ATTACH), ==, 2);
	pfx_fini(&fx);

	/* MT7981 has one block: the second radio to come up gets none */
	pfx_init(&fx, "mt7981", 606, 0);
	r = wifi_rule(&fx, fx.wlan1, 3, 40000);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(1)), ==, 0);
	r = wifi_rule(&fx, fx.wlan2, 3, 40001);
	g_assert_cmpint(pfx_replace(&fx, 1, &r, FS_SEC(1)), ==, -PPE_EOPNOTSUPP);
	pfx_fini(&fx);
}

/* On v1 the 8-bit WCID field keeps only the low byte: station 260 gets station 4's frames. */
static void test_v1_wcid_truncation_misdelivers(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct router_result res;
	struct ppe_entry e;
	struct ppe_wdma_info wi;
	int slot;

	pfx_init(&fx, "mt7622", 606, 0);
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan2, 260, sta_mac);
	r = wifi_rule(&fx, fx.wlan2, 260, 40000);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(2));
	e = pfx_entry(&fx, 0, (u32)slot);
	ppe_entry_wdma_info(&e, 1, &wi);
	g_assert_cmpuint(wi.wcid, ==, 4);
	p = pfx_pkt(&r);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(2) + FS_MSEC(500), &res, NULL));
	g_assert_cmpuint(res.drop_reason, ==, ROUTER_DROP_STALE_HW);
	g_assert_cmpuint(res.wcid, ==, 4);
	pfx_fini(&fx);
}

/*
 * A station roams from 5 GHz (wlan2, MT7915 on MT7622) to 2.4 GHz (wlan0): the host
 * updates the neighbour, the bound entry does not change, and every frame that hits it
 * is delivered to the old band/station until the flowtable destroys the rule.
 */
static void test_roam_stale_until_destroy(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct router_result res;
	const struct fs_event *ev;
	u32 i;
	int slot;

	pfx_init(&fx, "mt7622", 606, 0);
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan2, 5, sta_mac);
	r = wifi_rule(&fx, fx.wlan2, 5, 40000);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(10));
	p = pfx_pkt(&r);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(100), &res, NULL));
	g_assert_cmpuint(res.verdict, ==, ROUTER_FORWARD);
	g_assert_cmpuint(res.wcid, ==, 5);

	/* roam: now behind wlan0 as station 3 */
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan0, 3, sta_mac);
	for (i = 0; i < 50; i++) {
		/* the traffic keeps the entry alive: aging does not end the window */
		pfx_timers(&fx, FS_SEC(11) + i * FS_MSEC(100));
		g_assert_true(pfx_rx(&fx, &p, FS_SEC(11) + i * FS_MSEC(100), &res, NULL));
		g_assert_cmpuint(res.verdict, ==, ROUTER_DROP);
		g_assert_cmpuint(res.drop_reason, ==, ROUTER_DROP_STALE_HW);
		g_assert_cmpuint(res.path, ==, ROUTER_PATH_WED);
		g_assert_cmpuint(res.tx_dev, ==, fx.wlan2);
		g_assert_cmpuint(res.wcid, ==, 5);
		g_assert_cmpuint(res.bypass_qdisc, ==, 1);
	}
	pfx_timers(&fx, FS_SEC(16));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 1);
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->misdelivered, ==, 50);
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->stale_events, ==, 1);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_STALE), ==, 1);
	ev = pfx_last(&fx, FS_EV_WED_STALE);
	g_assert_cmpuint(ev->detail, ==, (u32)slot);
	g_assert_true(ev->ct == &fx.ct[0]);
	g_assert_cmpuint(ev->orig.dport, ==, 40000);

	/* teardown: the rule is destroyed, frames go to the CPU (the software path knows) */
	pfx_destroy(&fx, 0, 0, FS_SEC(16));
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(16) + FS_MSEC(1), &res, NULL));
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->misdelivered, ==, 50);
	/* re-offloading towards the new place: the MT7622 WMAC has no WED, software path */
	r = wifi_rule(&fx, fx.wlan0, 3, 40000);
	g_assert_cmpint(pfx_replace(&fx, 1, &r, FS_SEC(17)), ==, -PPE_EOPNOTSUPP);
	pfx_fini(&fx);
}

/* MT798x entries carry wcid 0x3ff: a new station index on the same band is harmless. */
static void test_roam_same_band_without_frozen_wcid(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct router_result res;

	pfx_init(&fx, "mt7986", 606, 0);
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan1, 5, sta_mac);
	r = wifi_rule(&fx, fx.wlan1, 5, 40000);
	pfx_bind(&fx, 0, &r, FS_SEC(10));
	p = pfx_pkt(&r);
	/* reconnect on the same band with another wcid */
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan1, 9, sta_mac);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(500), &res, NULL));
	g_assert_cmpuint(res.verdict, ==, ROUTER_FORWARD);
	/* roam to the other band: the entry still names band ring 1 / bss 1 */
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.wlan0, 9, sta_mac);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(600), &res, NULL));
	g_assert_cmpuint(res.drop_reason, ==, ROUTER_DROP_STALE_HW);
	g_assert_cmpuint(res.tx_dev, ==, fx.wlan1);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_STALE), ==, 1);
	pfx_fini(&fx);
}

/* The same mechanism for a wired host that moves from lan1 to lan2 (DSA port pinned). */
static void test_dsa_port_move_is_stale(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct router_result res;
	u32 i;

	pfx_init(&fx, "mt7621", 606, 0);
	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.lan1, 0, sta_mac);
	r = wifi_rule(&fx, fx.lan1, 0, 40000);
	pfx_bind(&fx, 0, &r, FS_SEC(10));
	p = pfx_pkt(&r);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(10) + FS_MSEC(100), &res, NULL));
	g_assert_cmpuint(res.verdict, ==, ROUTER_FORWARD);
	g_assert_cmpuint(res.path, ==, ROUTER_PATH_PPE);

	pfx_set_neigh(&fx, "192.168.1.77", fx.br, fx.lan2, 0, sta_mac);
	for (i = 0; i < 10; i++) {
		g_assert_true(pfx_rx(&fx, &p, FS_SEC(11) + i, &res, NULL));
		g_assert_cmpuint(res.drop_reason, ==, ROUTER_DROP_STALE_HW);
		g_assert_cmpuint(res.path, ==, ROUTER_PATH_PPE);
		g_assert_cmpuint(res.tx_dev, ==, fx.lan1);
	}
	g_assert_cmpuint(ppe_get_stats(fx.ppe, 0)->misdelivered, ==, 10);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_WED_STALE), ==, 0);
	pfx_destroy(&fx, 0, 0, FS_SEC(12));
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(12) + 1, &res, NULL));
	pfx_fini(&fx);
}

static void test_wed_rx_enters_ppe_on_v2_only(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	/* upload from a Wi-Fi station: WED RX feeds the PPE on MT7986 */
	pfx_init(&fx, "mt7986", 606, 0);
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.wlan1), ==, 0);
	r = pfx_rule("192.168.1.77", 50000, "93.184.216.34", 443, TCP, fx.wlan1, fx.eth1);
	g_assert_cmpint(pfx_bind(&fx, 0, &r, FS_SEC(5)), !=, PPE_HASH_NONE);
	p = pfx_pkt(&r);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(5) + FS_MSEC(500), NULL, NULL));
	pfx_fini(&fx);

	/* MT7622 (WED v1): the rule is accepted, but Wi-Fi frames reach the CPU directly */
	pfx_init(&fx, "mt7622", 606, 0);
	g_assert_cmpint(ppe_ingress_index(fx.ppe, fx.wlan2), ==, -1);
	r = pfx_rule("192.168.1.77", 50000, "93.184.216.34", 443, TCP, fx.wlan2, fx.eth1);
	g_assert_cmpint(pfx_bind(&fx, 0, &r, FS_SEC(5)), ==, PPE_HASH_NONE);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound + pfx_occ(&fx, 0).bound, ==, 0);
	pfx_fini(&fx);
}

static void test_wed_block_api(void)
{
	struct wed w;
	struct wed_config c;
	struct fs_netconf nc;
	struct fs_netdev d;
	struct wed_path p;
	int ifx;

	wed_config_for_soc(&c, "MT7988");
	g_assert_cmpuint(c.num, ==, 3);
	g_assert_cmpuint(c.version, ==, 3);
	g_assert_cmpuint(c.wcid_bits, ==, 16);
	wed_config_for_soc(&c, "mt7621");
	g_assert_cmpuint(c.num, ==, 0);
	wed_config_for_soc(&c, NULL);
	g_assert_cmpuint(c.num, ==, 0);
	g_assert_cmpuint(wed_chip_wcid_max(WED_CHIP_MT7915), ==, 268);
	g_assert_cmpuint(wed_chip_wcid_max(WED_CHIP_MT7916), ==, 524);

	fs_netconf_init(&nc);
	memset(&d, 0, sizeof(d));
	g_strlcpy(d.name, "phy0-ap0", sizeof(d.name));
	d.kind = FS_NETDEV_WLAN;
	d.wlan_wed = 1;
	d.wlan_radio = 4;
	d.up = 1;
	ifx = fs_netdev_add(&nc, &d);
	g_assert_cmpint(ifx, >, 0);
	wed_config_for_soc(&c, "mt7988");
	wed_init(&w, &c, NULL, NULL);
	g_assert_cmpint(wed_fill_path(&w, &nc, fs_netdev_get(&nc, (u16)ifx), 600, &p), ==,
			-WED_EIO);
	g_assert_cmpint(wed_fill_path(&w, &nc, fs_netdev_get(&nc, (u16)ifx), 500, &p), ==, 0);
	g_assert_cmpuint(p.wcid, ==, 500);
	g_assert_cmpuint(p.pse_port, ==, PPE_PSE_WDMA0);
	g_assert_cmpuint(p.queue, ==, 0);
	g_assert_true(p.wcid_frozen);
	g_assert_cmpint(wed_flow_add(&w, 0, 1), ==, 0);
	g_assert_cmpint(wed_flow_add(&w, 2, 1), ==, -WED_ENODEV);
	g_assert_cmpuint(wed_num_flows(&w, 0), ==, 1);
	wed_flow_remove(&w, 0, 2);
	wed_flow_remove(&w, 0, 2);
	g_assert_cmpuint(wed_num_flows(&w, 0), ==, 0);
	fs_netdev_get(&nc, (u16)ifx)->wlan_wed = 0;
	g_assert_cmpint(wed_fill_path(&w, &nc, fs_netdev_get(&nc, (u16)ifx), 1, &p), ==,
			-WED_ENODEV);
	fs_netconf_release(&nc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wed/none_on_mt7621_wlan_egress_stays_software", test_no_wed_on_mt7621);
	g_test_add_func("/wed/mt7986_entry_frozen_values_and_attach_detach",
			test_mt7986_wed_entry_and_attach);
	g_test_add_func("/wed/station_limits_268_mt7915_524_mt798x", test_station_limits);
	g_test_add_func("/wed/mt7622_wmac_has_none_blocks_first_come", test_mt7622_wmac_has_no_wed);
	g_test_add_func("/wed/v1_8bit_wcid_truncation_misdelivers",
			test_v1_wcid_truncation_misdelivers);
	g_test_add_func("/wed/roam_misdelivers_until_destroy", test_roam_stale_until_destroy);
	g_test_add_func("/wed/roam_same_band_without_frozen_wcid",
			test_roam_same_band_without_frozen_wcid);
	g_test_add_func("/wed/dsa_port_move_pins_old_port", test_dsa_port_move_is_stale);
	g_test_add_func("/wed/wed_rx_enters_ppe_on_v2_only", test_wed_rx_enters_ppe_on_v2_only);
	g_test_add_func("/wed/block_api", test_wed_block_api);
	return g_test_run();
}
