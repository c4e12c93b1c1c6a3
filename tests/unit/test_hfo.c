/* SPDX-License-Identifier: MIT */
/*
 * Hardware flow offloading through the whole router: the flowtable with `flags offload`
 * asks the PPE model to install each direction; the PPE binds only flows the flowtable
 * holds, only at >= 30 packets in one second, and a small table leaves surplus flows on the
 * software fast path (spec mediatek-ppe-wed.md §2, linux-flowtable.md §4).
 */
#include <string.h>

#include "ppe.h"
#include "testutil.h"

/* The lab with a PPE of the given SoC; entries != 0 overrides the table size. */
static void hw_lab(struct lab *lab, const char *soc, u32 entries)
{
	GError *err = NULL;
	struct ppe_config pc;

	g_assert_true(lab_init(lab, NULL, NULL, "lan", "wan", NULL, &err));
	g_assert_cmpint(ppe_config_for_soc(&pc, soc, 606), ==, 0);
	if (entries)
		pc.entries = entries;
	lab_attach_ppe(lab, &pc);
	g_assert_true(lab_nft(lab, TU_RULES_HW_OFFLOAD, 0, &err));
}

static struct router_result udp(struct lab *lab, bool reply, u16 cport, u64 now)
{
	struct fs_packet p = reply ?
		tu_packet("10.0.2.99", 443, "10.0.2.1", cport, FS_IPPROTO_UDP, lab->wan, 1200) :
		tu_packet("10.0.1.99", cport, "10.0.2.99", 443, FS_IPPROTO_UDP, lab->lan, 1200);

	return lab_send(lab, &p, now);
}

static void test_bind_needs_30_packets_in_one_second(void)
{
	struct lab lab;
	struct router_result r;
	int i;

	hw_lab(&lab, "mt7621", 0);
	/* 29 packets inside one second (after the flow exists): no bind */
	for (i = 0; i < 29; i++)
		r = udp(&lab, false, 5000, TU_SEC(10) + (u64)i * TU_MS(30));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	g_assert_cmpuint(lab_count(&lab, FS_EV_PPE_BIND, NULL), ==, 0);
	/* the next second: 30 packets -> rate reached -> bound; then the hardware forwards */
	for (i = 0; i < 30; i++)
		r = udp(&lab, false, 5000, TU_SEC(11) + (u64)i * TU_MS(30));
	g_assert_cmpuint(lab_count(&lab, FS_EV_PPE_BIND, NULL), ==, 1);
	r = udp(&lab, false, 5000, TU_SEC(12));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_PPE);
	g_assert_cmpuint(r.bypass_qdisc, ==, 1);
	g_assert_cmpuint(r.tx_dev, ==, lab.wan);
	/* only the direction that reached the rate is bound */
	r = udp(&lab, true, 5000, TU_SEC(12));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	lab_free(&lab);
}

static void test_bind_waits_for_the_flowtable(void)
{
	struct lab lab;
	int i;

	/* no `flow offload` rule: the PPE sees plenty of packets but no software flow */
	hw_lab(&lab, "mt7621", 0);
	g_assert_true(lab_nft(&lab, "flush chain inet fw4 forward\n", 0, NULL));
	for (i = 0; i < 200; i++)
		udp(&lab, false, 5001, TU_SEC(10) + (u64)i * TU_MS(10));
	g_assert_cmpuint(lab_count(&lab, FS_EV_PPE_UNBIND, NULL), >=, 1);
	g_assert_cmpuint(lab_count(&lab, FS_EV_PPE_BIND, NULL), ==, 0);
	lab_free(&lab);
}

static void test_small_table_spills_surplus_flows_to_software(void)
{
	struct lab lab;
	struct ppe_occupancy occ;
	struct router_result r;
	u32 f, i, on_ppe = 0, on_ft = 0;

	hw_lab(&lab, "mt7986", 64);
	/* 100 flows at 50 packets/s each, both directions, for 3 s */
	for (i = 0; i < 150; i++) {
		for (f = 0; f < 100; f++) {
			u64 t = TU_SEC(10) + (u64)i * TU_MS(20) + f * 1000;

			udp(&lab, false, (u16)(6000 + f), t);
			udp(&lab, true, (u16)(6000 + f), t + 500);
		}
	}
	ppe_get_occupancy(lab.ppe, 0, &occ);
	g_assert_cmpuint(occ.bound, <=, 64);
	g_assert_cmpuint(occ.bound, >, 0);
	for (f = 0; f < 100; f++) {
		r = udp(&lab, false, (u16)(6000 + f), TU_SEC(13));
		on_ppe += r.path == ROUTER_PATH_PPE;
		on_ft += r.path == ROUTER_PATH_FLOWTABLE;
	}
	/* every flow is forwarded; those without a hardware slot stay in software */
	g_assert_cmpuint(on_ppe + on_ft, ==, 100);
	g_assert_cmpuint(on_ppe, <=, 64);
	g_assert_cmpuint(on_ft, >=, 36);
	g_test_message("64-entry table: %u bound entries, %u flows in hardware, %u in software",
		       occ.bound, on_ppe, on_ft);
	lab_free(&lab);
}

static void test_listing_shows_hw_offload_and_ppe_dump(void)
{
	struct lab lab;
	struct fs_packet probe;
	char *line, dump[4096];
	int i;

	hw_lab(&lab, "mt7621", 0);
	for (i = 0; i < 40; i++) {
		udp(&lab, false, 5002, TU_SEC(10) + (u64)i * TU_MS(20));
		udp(&lab, true, 5002, TU_SEC(10) + (u64)i * TU_MS(20) + 1000);
	}
	probe = tu_packet("10.0.1.99", 5002, "10.0.2.99", 443, FS_IPPROTO_UDP, 0, 0);
	line = lab_proc_line(&lab, &probe.t, TU_SEC(11));
	g_assert_nonnull(strstr(line, "[HW_OFFLOAD] mark=0 zone=0 use=3\n"));
	g_assert_null(strstr(line, "[OFFLOAD]"));
	g_free(line);
	g_assert_cmpint(ppe_dump(lab.ppe, 0, true, dump, sizeof(dump), TU_SEC(11)), >, 0);
	/* both directions bound: upload keyed on the LAN tuple, download on the NAT address */
	g_assert_nonnull(strstr(dump, " BND IPv4 5T orig=10.0.1.99:5002->10.0.2.99:443 new=10.0.2.1:5002->10.0.2.99:443 "));
	g_assert_nonnull(strstr(dump, " BND IPv4 5T orig=10.0.2.99:443->10.0.2.1:5002 new=10.0.2.99:443->10.0.1.99:5002 "));
	lab_free(&lab);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hfo/bind_needs_30_packets_in_one_second", test_bind_needs_30_packets_in_one_second);
	g_test_add_func("/hfo/bind_waits_for_the_flowtable", test_bind_waits_for_the_flowtable);
	g_test_add_func("/hfo/small_table_spills_surplus_flows_to_software",
			test_small_table_spills_surplus_flows_to_software);
	g_test_add_func("/hfo/listing_shows_hw_offload_and_ppe_dump", test_listing_shows_hw_offload_and_ppe_dump);
	return g_test_run();
}
