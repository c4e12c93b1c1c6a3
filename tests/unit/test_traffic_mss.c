// SPDX-License-Identifier: MIT
/*
 * test_traffic_mss.c - every TCP flow of a scenario (bulk, web, p2p) uses the MSS of its
 * path: 1452 through a PPPoE WAN (MTU 1492: what fw4's mtu_fix clamp, `tcp option maxseg
 * size set rt mtu`, or path MTU discovery leave a real connection), 1460 over plain
 * Ethernet (MTU 1500), and the segments on the wire carry that much payload.
 */
#include <string.h>

#include <glib.h>

#include "testutil.h"
#include "traffic.h"
#include "tcp.h"
#include "world.h"

#define MSS_DIR FLOWSIM_SOURCE_DIR "/tests/data/mss/"
#define SOC_DIR FLOWSIM_SOURCE_DIR "/hw/soc"

/* Run the scenario for 2 s; check the MSS of every TCP flow of each traffic kind. */
static void check_mss(const char *file, u16 want)
{
	char *path = g_strconcat(MSS_DIR, file, NULL);
	struct scenario *s = tu_load_scenario(path);
	struct world_opts o = { .seed = 3, .duration_ns = TU_SEC(2), .soc_dir = SOC_DIR };
	u32 seen[TRAFFIC_GAME + 1] = { 0 }, live[TRAFFIC_GAME + 1] = { 0 };
	struct yu_diag d;
	struct world *w;
	u32 i, n;

	yu_diag_init(&d);
	w = world_create(s, &o, NULL, NULL, &d);
	g_assert_nonnull(w);
	engine_run_until(w->eng, TU_SEC(2));
	n = traffic_flow_count(w->traffic);
	for (i = 0; i < n; i++) {
		const struct tcp_conn *c = traffic_flow_tcp(w->traffic, i);
		struct traffic_flow_result fr;
		int dir;

		g_assert_true(traffic_flow_result(w->traffic, i, &fr));
		if (fr.proto != FS_IPPROTO_TCP)
			continue;
		/* a finished flow's endpoints are gone: its segments below still count */
		if (c) {
			g_assert_cmpuint(c->ep[0].mss, ==, want);
			g_assert_cmpuint(c->ep[1].mss, ==, want);
			live[fr.kind]++;
		}
		/* the bytes on the wire: no data segment carries more than the MSS, and a bulk
		 * sender's segments are full ones */
		for (dir = 0; dir < 2; dir++) {
			if (!fr.tx_pkts[dir])
				continue;
			g_assert_cmpuint(fr.tx_bytes[dir], <=, (u64)want * fr.tx_pkts[dir]);
			if (fr.kind == TRAFFIC_TCP_BULK && fr.tx_pkts[dir] > 1000)
				g_assert_cmpuint(fr.tx_bytes[dir], >, (u64)(want - 1) * fr.tx_pkts[dir]);
		}
		seen[fr.kind]++;
	}
	/* the scenario has all three kinds of TCP traffic, and they all ran */
	g_assert_cmpuint(seen[TRAFFIC_TCP_BULK], >=, 1);
	g_assert_cmpuint(seen[TRAFFIC_WEB], >=, 10);
	g_assert_cmpuint(seen[TRAFFIC_P2P], >=, 10);
	g_assert_cmpuint(live[TRAFFIC_TCP_BULK], >=, 1);
	g_assert_cmpuint(live[TRAFFIC_WEB], >=, 1);
	g_assert_cmpuint(live[TRAFFIC_P2P], >=, 10);
	world_destroy(w);
	yu_diag_clear(&d);
	scenario_free(s);
	g_free(path);
}

static void test_pppoe_mss_1452(void)
{
	check_mss("pppoe-web-p2p.yaml", 1452);
}

static void test_ethernet_mss_1460(void)
{
	check_mss("ipoe-web-p2p.yaml", 1460);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/traffic/mss/pppoe_wan_is_1452_for_bulk_web_p2p", test_pppoe_mss_1452);
	g_test_add_func("/traffic/mss/ethernet_wan_is_1460_for_bulk_web_p2p",
			test_ethernet_mss_1460);
	return g_test_run();
}
