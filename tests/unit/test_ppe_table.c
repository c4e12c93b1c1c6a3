/* SPDX-License-Identifier: MIT */
/*
 * test_ppe_table.c - the PPE table lifecycle: UNBIND creation, the per-tick bind rate,
 * the driver's check throttle and first-match binding, aging, timestamp wrap, full
 * buckets, reserved slots, clearing by kernel era, and the debugfs listing.
 */
#include "ppe_fixture.h"
#include "ppe_dump.h"

#define TCP FS_IPPROTO_TCP
#define UDP FS_IPPROTO_UDP

static const struct ppe_stats *st(struct pfx *fx, int idx)
{
	return ppe_get_stats(fx->ppe, idx);
}

static enum ppe_state slot_state(struct pfx *fx, int idx, u32 index)
{
	struct ppe_entry e = pfx_entry(fx, idx, index);

	return ppe_ib1_state(e.ib1);
}

static void test_geometry(void)
{
	struct ppe_config c;

	g_assert_cmpint(ppe_config_for_soc(&c, "mt7621", 606), ==, 0);
	g_assert_cmpuint(c.entries, ==, 8192);
	g_assert_cmpuint(c.ways, ==, 2);
	g_assert_cmpuint(c.num_ppe, ==, 1);
	g_assert_cmpuint(c.netsys, ==, 1);
	g_assert_true(c.reserved_slots);
	g_assert_false(c.accounting);
	g_assert_cmpuint(c.bind_rate, ==, 30);
	g_assert_cmpuint(c.wed.num, ==, 0);

	g_assert_cmpint(ppe_config_for_soc(&c, "mt7621", 612), ==, 0);
	g_assert_cmpuint(c.entries, ==, 16384);

	g_assert_cmpint(ppe_config_for_soc(&c, "mt7986", 606), ==, 0);
	g_assert_cmpuint(c.entries, ==, 8192);
	g_assert_cmpuint(c.ways, ==, 4);
	g_assert_cmpuint(c.num_ppe, ==, 2);
	g_assert_false(c.gmac_steering);
	g_assert_true(c.accounting);
	g_assert_false(c.reserved_slots);

	g_assert_cmpint(ppe_config_for_soc(&c, "mt7988", 612), ==, 0);
	g_assert_cmpuint(c.num_ppe, ==, 3);
	g_assert_true(c.gmac_steering);
	g_assert_cmpuint(c.netsys, ==, 3);
	g_assert_cmpuint(c.wed.num, ==, 3);

	g_assert_cmpint(ppe_config_for_soc(&c, "mt7981", 606), ==, 0);
	g_assert_cmpuint(c.wed.num, ==, 1);
	g_assert_cmpint(ppe_config_for_soc(&c, "mt7622", 606), ==, 0);
	g_assert_cmpuint(c.wed.num, ==, 2);
	g_assert_cmpuint(c.wed.version, ==, 1);

	g_assert_cmpint(ppe_config_for_soc(&c, "an7581", 612), ==, -1);
	g_assert_cmpint(ppe_config_for_soc(&c, "mt7628", 612), ==, -1);
}

static void test_fe_timestamp_width(void)
{
	struct pfx v1, v2;

	pfx_init(&v1, "mt7621", 606, 64);
	pfx_init(&v2, "mt7986", 606, 64);
	g_assert_cmpuint(ppe_fe_timestamp(v1.ppe, FS_SEC(270) + 5), ==, 270);
	g_assert_cmpuint(ppe_fe_timestamp(v2.ppe, FS_SEC(270) + 5), ==, 14);
	g_assert_cmpuint(ppe_fe_timestamp(v1.ppe, FS_SEC(32768 + 3)), ==, 3);
	pfx_fini(&v1);
	pfx_fini(&v2);
}

static void test_rate_29_does_not_bind_30_does(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct ppe_occupancy o;
	const struct fs_event *ev;
	u32 bucket;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.10", 40000, "1.1.1.1", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(10)), ==, 0);

	g_assert_cmpuint(pfx_burst(&fx, &p, 29, FS_SEC(10), FS_MSEC(10)), ==, 0);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, PPE_HASH_NONE);
	o = pfx_occ(&fx, 0);
	g_assert_cmpuint(o.unbound, ==, 1);
	g_assert_cmpuint(o.bound, ==, 0);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_UN_HIT], ==, 1);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_HIT_UNBIND], ==, 28);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_HIT_UNBIND_RATE_REACHED], ==, 0);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_PPE_UNBIND), ==, 1);

	/* the count starts again in the next tick: 29 more do not bind either */
	g_assert_cmpuint(pfx_burst(&fx, &p, 29, FS_SEC(11), FS_MSEC(10)), ==, 0);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, PPE_HASH_NONE);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_PPE_BIND), ==, 0);

	/* 30 in one tick: the 30th is reported and bound; it still goes to the CPU */
	g_assert_cmpuint(pfx_burst(&fx, &p, 30, FS_SEC(12), FS_MSEC(10)), ==, 0);
	bucket = pfx_bucket(&fx, &r.match, PPE_PKT_IPV4_HNAPT);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, (int)bucket);
	o = pfx_occ(&fx, 0);
	g_assert_cmpuint(o.bound, ==, 1);
	g_assert_cmpuint(o.unbound, ==, 0);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_HIT_UNBIND_RATE_REACHED], ==, 1);
	ev = pfx_last(&fx, FS_EV_PPE_BIND);
	g_assert_nonnull(ev);
	g_assert_cmpuint(ev->detail, ==, bucket);
	g_assert_cmpuint(ev->aux, ==, 0);
	g_assert_true(ev->ct == &fx.ct[0]);
	g_assert_true(fs_tuple_equal(&ev->orig, &r.match));

	/* from now on the hardware forwards */
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(12) + FS_MSEC(400), NULL, NULL));
	g_assert_cmpuint(st(&fx, 0)->hw_packets, ==, 1);
	pfx_fini(&fx);
}

static void test_binding_waits_for_software_flow(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.10", 40001, "1.1.1.1", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);

	/* rate reached without a software flow: reported, checked once, nothing bound */
	g_assert_cmpuint(pfx_burst(&fx, &p, 40, FS_SEC(20), FS_MSEC(5)), ==, 0);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_HIT_UNBIND_RATE_REACHED], ==, 11);
	g_assert_cmpuint(st(&fx, 0)->checks, ==, 1);
	g_assert_cmpuint(st(&fx, 0)->checks_throttled, ==, 10);
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 1);

	/* nf_flowtable offloads it: the next report (past the throttle) binds it */
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(20) + FS_MSEC(300)), ==, 0);
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(20) + FS_MSEC(300), NULL, NULL));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 1);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(20) + FS_MSEC(301), NULL, NULL));
	pfx_fini(&fx);
}

static void test_check_throttle_100ms(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.11", 40000, "8.8.8.8", 53, UDP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);

	/* 29 frames, then the 30th at 5.030 s: rate reached, checked (no flow yet) */
	g_assert_cmpuint(pfx_burst(&fx, &p, 29, FS_SEC(5), FS_MSEC(1)), ==, 0);
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(5) + FS_MSEC(30), NULL, NULL));
	g_assert_cmpuint(st(&fx, 0)->checks, ==, 1);
	g_assert_cmpint(pfx_replace(&fx, 0, &r, FS_SEC(5) + FS_MSEC(31)), ==, 0);

	/* 99 ms later the index is still throttled (HZ/10 jiffies) */
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(5) + FS_MSEC(129), NULL, NULL));
	g_assert_cmpuint(st(&fx, 0)->checks_throttled, ==, 1);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, PPE_HASH_NONE);
	/* 100 ms later it is checked and bound */
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(5) + FS_MSEC(130), NULL, NULL));
	g_assert_cmpuint(st(&fx, 0)->checks, ==, 2);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), !=, PPE_HASH_NONE);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(5) + FS_MSEC(131), NULL, NULL));
	pfx_fini(&fx);
}

/* Run the aging scan once per second from `from` to `to` (inclusive). */
static void run_timers(struct pfx *fx, u32 from, u32 to)
{
	u32 t;

	for (t = from; t <= to; t++)
		pfx_timers(fx, FS_SEC(t));
}

static void check_bound_aging(const char *soc, u8 proto, u32 delta)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	const struct fs_event *ev;
	int slot;

	pfx_init(&fx, soc, 606, 0);
	r = pfx_rule("192.168.1.12", 40000, "9.9.9.9", 443, proto, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(30));
	g_assert_cmpint(slot, >=, 0);
	g_assert_cmpint(slot, !=, PPE_HASH_NONE);
	/* last hardware-forwarded frame in tick 31 */
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(31) + FS_MSEC(500), NULL, NULL));

	run_timers(&fx, 31, 31 + delta);
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_BIND);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_PPE_AGED), ==, 0);
	run_timers(&fx, 32 + delta, 32 + delta);
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_INVALID);
	ev = pfx_last(&fx, FS_EV_PPE_AGED);
	g_assert_nonnull(ev);
	g_assert_cmpuint(ev->detail, ==, (u32)slot);
	g_assert_cmpuint(ev->aux, ==, 0 | (PPE_STATE_BIND << 8));
	g_assert_true(fs_tuple_equal(&ev->orig, &r.match));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	/* the frames go to the CPU again and build a new UNBIND entry */
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(33 + delta), NULL, NULL));
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 1);
	pfx_fini(&fx);
}

static void test_aging_tcp_7s(void)
{
	check_bound_aging("mt7986", TCP, 7);
	check_bound_aging("mt7621", TCP, 7);
}

static void test_aging_udp_12s(void)
{
	check_bound_aging("mt7986", UDP, 12);
	check_bound_aging("mt7621", UDP, 12);
}

static void test_aging_fin_1s(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p, fin;
	int slot;

	pfx_init(&fx, "mt7986", 606, 0);
	r = pfx_rule("192.168.1.13", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(40));
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(40) + FS_MSEC(100), NULL, NULL));

	/* a FIN never matches a bound entry in hardware: to the CPU, entry to FIN */
	fin = p;
	fin.tcp_flags = FS_TCP_FIN | FS_TCP_ACK;
	g_assert_false(pfx_rx(&fx, &fin, FS_SEC(40) + FS_MSEC(200), NULL, NULL));
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_FIN);
	g_assert_cmpuint(st(&fx, 0)->reasons[PPE_REASON_HIT_BIND_TCP_FIN], ==, 1);
	g_assert_cmpuint(pfx_occ(&fx, 0).fin, ==, 1);
	/* nor do the packets after it */
	g_assert_false(pfx_rx(&fx, &p, FS_SEC(40) + FS_MSEC(300), NULL, NULL));

	run_timers(&fx, 41, 41);
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_FIN);
	run_timers(&fx, 42, 42);
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_INVALID);
	g_assert_cmpuint(pfx_last(&fx, FS_EV_PPE_AGED)->aux >> 8, ==, PPE_STATE_FIN);
	pfx_fini(&fx);
}

static void test_aging_unbind_3s_below_1000_packets(void)
{
	struct pfx fx;
	struct flow_hw_rule a, b;
	struct fs_packet pa, pb;
	u32 ia, ib;

	pfx_init(&fx, "mt7621", 606, 0);
	a = pfx_rule("192.168.1.14", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	b = pfx_rule("192.168.1.15", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	pa = pfx_pkt(&a);
	pb = pfx_pkt(&b);
	/* no software flows: a stays below 1000 packets, b gets 1000 */
	pfx_burst(&fx, &pa, 5, FS_SEC(50), FS_MSEC(10));
	pfx_burst(&fx, &pb, 1000, FS_SEC(50), (u64)500000);
	ia = pfx_bucket(&fx, &a.match, PPE_PKT_IPV4_HNAPT);
	ib = pfx_bucket(&fx, &b.match, PPE_PKT_IPV4_HNAPT);
	if (ppe_ib1_static(pfx_entry(&fx, 0, ia).ib1))
		ia++;
	if (ppe_ib1_static(pfx_entry(&fx, 0, ib).ib1))
		ib++;
	g_assert_cmpint(slot_state(&fx, 0, ia), ==, PPE_STATE_UNBIND);
	g_assert_cmpuint(ppe_ib1_unbind_packets(pfx_entry(&fx, 0, ia).ib1, 1), ==, 5);
	g_assert_cmpuint(ppe_ib1_unbind_packets(pfx_entry(&fx, 0, ib).ib1, 1), ==, 1000);

	run_timers(&fx, 51, 53);
	g_assert_cmpint(slot_state(&fx, 0, ia), ==, PPE_STATE_UNBIND);
	run_timers(&fx, 54, 54);
	g_assert_cmpint(slot_state(&fx, 0, ia), ==, PPE_STATE_INVALID);
	g_assert_cmpuint(pfx_last(&fx, FS_EV_PPE_AGED)->aux >> 8, ==, PPE_STATE_UNBIND);
	/* 1000 packets or more: the UNBIND entry is never aged */
	run_timers(&fx, 55, 120);
	g_assert_cmpint(slot_state(&fx, 0, ib), ==, PPE_STATE_UNBIND);
	pfx_fini(&fx);
}

/*
 * The flowtable's stats read the idle time from the entry's timestamp modulo its width:
 * 8 bits on NETSYS v2 (an aged flow idle for 260 s looks 4 s idle), 15 bits on v1.
 */
static u64 idle_after_aging(const char *soc)
{
	struct pfx fx;
	struct flow_hw_rule r;
	u64 lastused = 0, pk = 1, by = 1;
	int slot;

	pfx_init(&fx, soc, 606, 0);
	r = pfx_rule("192.168.1.16", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	slot = pfx_bind(&fx, 0, &r, FS_SEC(10));   /* committed in tick 10 */
	run_timers(&fx, 11, 30);
	g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_INVALID);
	g_assert_cmpint(ppe_flowtable_ops()->stats(fx.ppe, &fx.ct[0], 0, FS_SEC(270), &lastused,
						  &pk, &by), ==, 0);
	g_assert_cmpuint(pk, ==, 0);
	g_assert_cmpuint(by, ==, 0);
	pfx_fini(&fx);
	return lastused;
}

static void test_timestamp_wrap_v2_vs_v1(void)
{
	g_assert_cmpuint(idle_after_aging("mt7986"), ==, FS_SEC(266));
	g_assert_cmpuint(idle_after_aging("mt7621"), ==, FS_SEC(10));
}

/* tuples that share the bucket of the first one (destination port search) */
static u32 colliding(struct pfx *fx, const char *src, struct flow_hw_rule *out, u32 n, u8 proto)
{
	u32 found = 0, bucket = 0, port;

	for (port = 1000; port < 60000 && found < n; port++) {
		struct flow_hw_rule r = pfx_rule(src, 40000, "203.0.113.5", (u16)port, proto,
						 fx->lan1, fx->eth1);
		u32 b = pfx_bucket(fx, &r.match, PPE_PKT_IPV4_HNAPT);

		if (found == 0)
			bucket = b;
		if (b == bucket)
			out[found++] = r;
	}
	g_assert_cmpuint(found, ==, n);
	return bucket;
}

static void test_full_bucket_stays_software(void)
{
	struct pfx fx;
	struct flow_hw_rule r[5];
	struct fs_packet p;
	const struct fs_event *ev;
	u32 bucket, i, unb;

	pfx_init(&fx, "mt7986", 606, 64);
	bucket = colliding(&fx, "192.168.1.20", r, 5, TCP);
	for (i = 0; i < 4; i++)
		g_assert_cmpint(pfx_bind(&fx, (int)i, &r[i], FS_SEC(60 + i)), ==, (int)(bucket + i));
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 4);

	/* the fifth: offloaded by the flowtable, but no way to create an UNBIND entry in */
	unb = (u32)st(&fx, 0)->unbind_created;
	g_assert_cmpint(pfx_replace(&fx, 4, &r[4], FS_SEC(70)), ==, 0);
	p = pfx_pkt(&r[4]);
	g_assert_cmpuint(pfx_burst(&fx, &p, 40, FS_SEC(70), FS_MSEC(5)), ==, 0);
	g_assert_cmpuint(st(&fx, 0)->unbind_created, ==, unb);
	g_assert_cmpuint(st(&fx, 0)->full, ==, 40);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_PPE_FULL), ==, 1);
	ev = pfx_last(&fx, FS_EV_PPE_FULL);
	g_assert_cmpuint(ev->detail, ==, bucket);
	g_assert_true(fs_tuple_equal(&ev->orig, &r[4].match));
	g_assert_cmpint(pfx_hash(&fx, 4, 0), ==, PPE_HASH_NONE);

	/* no eviction: only when the bound flows go idle and age does a way free up */
	run_timers(&fx, 71, 80);
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, 0);
	g_assert_cmpuint(pfx_burst(&fx, &p, 30, FS_SEC(81), FS_MSEC(5)), ==, 0);
	g_assert_cmpint(pfx_hash(&fx, 4, 0), ==, (int)bucket);
	pfx_fini(&fx);
}

static u32 expected_bound(struct pfx *fx, const struct flow_hw_rule *r, u32 n)
{
	u32 nb = fx->cfg.entries / fx->cfg.ways;
	u32 *per = g_new0(u32, nb);
	u32 *usable = g_new0(u32, nb);
	u32 i, w, sum = 0;

	for (i = 0; i < nb; i++)
		for (w = 0; w < fx->cfg.ways; w++)
			usable[i] += !ppe_ib1_static(pfx_entry(fx, 0, i * fx->cfg.ways + w).ib1);
	for (i = 0; i < n; i++)
		per[pfx_bucket(fx, &r[i].match, PPE_PKT_IPV4_HNAPT) / fx->cfg.ways]++;
	for (i = 0; i < nb; i++)
		sum += MIN(per[i], usable[i]);
	g_free(per);
	g_free(usable);
	return sum;
}

static void check_small_table(const char *soc, u32 entries, u32 nflows)
{
	struct pfx fx;
	struct flow_hw_rule *r = g_new0(struct flow_hw_rule, nflows);
	u32 i, in_hw = 0, expect, buckets = 0;
	char src[32], dst[32];
	GHashTable *used = g_hash_table_new(g_direct_hash, g_direct_equal);

	pfx_init(&fx, soc, 606, entries);
	for (i = 0; i < nflows; i++) {
		g_snprintf(src, sizeof(src), "10.%u.%u.7", (i * 37) % 250, (i * 91) % 250);
		g_snprintf(dst, sizeof(dst), "198.51.100.%u", (i * 13) % 250);
		r[i] = pfx_rule(src, (u16)(1024 + (i * 7919) % 50000), dst, 443, TCP, fx.lan1,
				fx.eth1);
	}
	expect = expected_bound(&fx, r, nflows);
	for (i = 0; i < nflows; i++) {
		u32 b = pfx_bucket(&fx, &r[i].match, PPE_PKT_IPV4_HNAPT);
		bool usable = !ppe_ib1_static(pfx_entry(&fx, 0, b).ib1) ||
			      !ppe_ib1_static(pfx_entry(&fx, 0, b + 1).ib1);

		if (usable && !g_hash_table_contains(used, GUINT_TO_POINTER(b + 1))) {
			g_hash_table_add(used, GUINT_TO_POINTER(b + 1));
			buckets++;
		}
	}
	for (i = 0; i < nflows; i++)
		pfx_bind(&fx, (int)i, &r[i], FS_SEC(100 + i));
	for (i = 0; i < nflows; i++)
		in_hw += pfx_hash(&fx, (int)i, 0) != PPE_HASH_NONE;
	g_assert_cmpuint(pfx_occ(&fx, 0).bound, ==, expect);
	g_assert_cmpuint(expect, >, entries / 2);
	/*
	 * The driver only remembers the last flow it bound in each bucket: binding one resets
	 * the hash of every other flow of the bucket (__mtk_ppe_check_skb).
	 */
	g_assert_cmpuint(in_hw, ==, buckets);
	g_hash_table_destroy(used);
	g_assert_cmpuint(expect, <=, entries - pfx_occ(&fx, 0).reserved);
	g_assert_cmpuint(expect, <, nflows);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 0);
	for (i = 0; i < entries; i++) {
		struct ppe_entry e = pfx_entry(&fx, 0, i);

		if (ppe_ib1_static(e.ib1))
			g_assert_cmpint(ppe_ib1_state(e.ib1), ==, PPE_STATE_INVALID);
	}
	g_free(r);
	pfx_fini(&fx);
}

static void test_small_table_100_flows(void)
{
	check_small_table("mt7986", 64, 100);
	/* 128 entries on MT7621: 7 reserved slots (offsets 12, 25, ... 102) */
	check_small_table("mt7621", 128, 200);
}

static void test_first_matching_flow_wins(void)
{
	struct pfx fx;
	struct flow_hw_rule a, b;
	struct fs_packet p, out;
	struct ppe_entry e;
	int slot;

	pfx_init(&fx, "mt7621", 606, 0);
	/* the same original tuple offloaded twice with different NAT (old flow not yet destroyed) */
	a = pfx_rule("192.168.1.30", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	a.rewrite.src = tu_addr("100.64.0.1");
	a.rewrite.sport = 1111;
	b = a;
	b.rewrite.sport = 2222;
	g_assert_cmpint(pfx_replace(&fx, 0, &a, FS_SEC(5)), ==, 0);
	g_assert_cmpint(pfx_replace(&fx, 1, &b, FS_SEC(5)), ==, 0);
	p = pfx_pkt(&a);
	pfx_burst(&fx, &p, 30, FS_SEC(6), FS_MSEC(1));
	/* hlist_add_head: the newer flow is first in the bucket list and wins */
	slot = pfx_hash(&fx, 1, 0);
	g_assert_cmpint(slot, !=, PPE_HASH_NONE);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, PPE_HASH_NONE);
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpuint(ppe_ports_sport(e.new_ports), ==, 2222);
	g_assert_true(pfx_rx(&fx, &p, FS_SEC(6) + FS_MSEC(500), NULL, &out));
	g_assert_cmpuint(out.t.sport, ==, 2222);
	g_assert_cmpuint(out.t.src.ip, ==, tu_addr("100.64.0.1").ip);
	g_assert_cmpuint(out.ttl, ==, 63);
	pfx_fini(&fx);
}

/*
 * Binding a second flow of a bucket sets every other flow's hash to 0xffff, even one that
 * is bound at another way: that entry keeps forwarding but the driver no longer knows it,
 * so destroying that flow does not clear it.
 */
static void test_rebinding_a_bucket_forgets_other_bound_flows(void)
{
	struct pfx fx;
	struct flow_hw_rule r[2];
	struct fs_packet p0;
	u32 bucket;

	pfx_init(&fx, "mt7986", 606, 64);
	bucket = colliding(&fx, "192.168.1.40", r, 2, UDP);
	g_assert_cmpint(pfx_bind(&fx, 0, &r[0], FS_SEC(10)), ==, (int)bucket);
	g_assert_cmpint(pfx_bind(&fx, 1, &r[1], FS_SEC(11)), ==, (int)bucket + 1);
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, PPE_HASH_NONE);
	g_assert_cmpint(slot_state(&fx, 0, bucket), ==, PPE_STATE_BIND);

	pfx_destroy(&fx, 0, 0, FS_SEC(12));
	g_assert_cmpint(slot_state(&fx, 0, bucket), ==, PPE_STATE_BIND);
	p0 = pfx_pkt(&r[0]);
	g_assert_true(pfx_rx(&fx, &p0, FS_SEC(12) + 1, NULL, NULL));
	pfx_fini(&fx);
}

static void test_mt7621_reserved_slots_never_used(void)
{
	struct pfx fx;
	struct flow_hw_rule *r = g_new0(struct flow_hw_rule, 30000);
	struct fs_packet p;
	u32 i, created;
	char src[32], dst[32];

	pfx_init(&fx, "mt7621", 606, 0);
	g_assert_cmpuint(pfx_occ(&fx, 0).reserved, ==, 448);
	/* 30000 different flows, one frame each: UNBIND entries wherever a way is free */
	GRand *rng = g_rand_new_with_seed(42);

	for (i = 0; i < 30000; i++) {
		u32 a = g_rand_int(rng), b = g_rand_int(rng);

		g_snprintf(src, sizeof(src), "10.%u.%u.%u", (a >> 16) & 255, (a >> 8) & 255, a & 255);
		g_snprintf(dst, sizeof(dst), "198.51.%u.%u", (b >> 8) & 255, b & 255);
		r[i] = pfx_rule(src, (u16)(1024 + (b >> 16) % 60000), dst, 80, TCP, fx.lan1,
				fx.eth1);
		p = pfx_pkt(&r[i]);
		pfx_rx(&fx, &p, FS_SEC(1) + i, NULL, NULL);
	}
	created = (u32)st(&fx, 0)->unbind_created;
	g_assert_cmpuint(created, ==, pfx_occ(&fx, 0).unbound);
	g_assert_cmpuint(created, ==, expected_bound(&fx, r, 30000));
	g_assert_cmpuint(created, >, 7000);
	g_rand_free(rng);
	g_free(r);
	for (i = 0; i < 8192; i++) {
		struct ppe_entry e = pfx_entry(&fx, 0, i);
		u32 off = i & 127;
		bool hole = off == 12 || off == 25 || off == 38 || off == 51 || off == 76 ||
			    off == 89 || off == 102;

		g_assert_cmpint(ppe_ib1_static(e.ib1), ==, hole);
		if (hole)
			g_assert_cmpint(ppe_ib1_state(e.ib1), ==, PPE_STATE_INVALID);
	}
	for (i = 0; i < fx.ev->len; i++) {
		const struct fs_event *ev = &g_array_index(fx.ev, struct fs_event, i);

		if (ev->type == FS_EV_PPE_UNBIND)
			g_assert_false(ppe_ib1_static(pfx_entry(&fx, 0, ev->detail).ib1));
	}
	pfx_fini(&fx);
}

static void check_clear_state(u16 kernel, enum ppe_state expect)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct ppe_entry e;
	int slot;

	pfx_init(&fx, "mt7621", kernel, 0);
	r = pfx_rule("192.168.1.50", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	r.rewrite.src = tu_addr("100.64.0.2");
	slot = pfx_bind(&fx, 0, &r, FS_SEC(3));
	pfx_destroy(&fx, 0, 0, FS_SEC(4));
	g_assert_cmpint(pfx_hash(&fx, 0, 0), ==, -1);
	e = pfx_entry(&fx, 0, (u32)slot);
	g_assert_cmpint(ppe_ib1_state(e.ib1), ==, expect);
	g_assert_cmpuint(pfx_count(&fx, FS_EV_PPE_CLEAR), ==, 1);
	/* the old bound contents stay in the slot either way */
	g_assert_cmpuint(e.new_src_ip, ==, tu_addr("100.64.0.2").ip);
	if (expect == PPE_STATE_UNBIND) {
		/* bound ib1 bits read as an UNBIND packet count >= 1000: never aged */
		g_assert_cmpuint(ppe_ib1_unbind_packets(e.ib1, 1), >=, 1000);
		run_timers(&fx, 5, 60);
		g_assert_cmpint(slot_state(&fx, 0, (u32)slot), ==, PPE_STATE_UNBIND);
	}
	pfx_fini(&fx);
}

static void test_clear_state_by_kernel(void)
{
	check_clear_state(600, PPE_STATE_UNBIND);
	check_clear_state(519, PPE_STATE_UNBIND);
	check_clear_state(601, PPE_STATE_INVALID);
	check_clear_state(606, PPE_STATE_INVALID);
}

static void check_dump(const char *soc, u16 kernel)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;
	struct ppe_dump_opts opts = { .strict = true };
	struct ppe_dump *d;
	GError *err = NULL;
	char *buf;
	long len, len2;
	u32 i, bound, n = 0;
	char src[64];

	pfx_init(&fx, soc, kernel, 0);
	for (i = 0; i < 12; i++) {
		if (i % 3 == 2)
			g_snprintf(src, sizeof(src), "2001:db8::%x", i + 1);
		else
			g_snprintf(src, sizeof(src), "192.168.7.%u", i + 1);
		r = pfx_rule(src, (u16)(30000 + i), i % 3 == 2 ? "2606:4700::1111" : "1.0.0.1",
			     443, i % 2 ? UDP : TCP, fx.lan1, fx.eth1);
		if (i % 3 != 2) {
			r.rewrite.src = tu_addr("100.64.9.9");
			r.rewrite.sport = (u16)(50000 + i);
		}
		pfx_bind(&fx, (int)i, &r, FS_SEC(10 + i));
		p = pfx_pkt(&r);
		pfx_rx(&fx, &p, FS_SEC(10 + i) + FS_MSEC(900), NULL, NULL);
	}
	/* one UNBIND entry as well */
	r = pfx_rule("192.168.7.200", 1, "1.0.0.1", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	pfx_rx(&fx, &p, FS_SEC(30), NULL, NULL);
	bound = pfx_occ(&fx, 0).bound;
	g_assert_cmpuint(bound, ==, 12);

	len = ppe_dump(fx.ppe, 0, true, NULL, 0, FS_SEC(31));
	g_assert_cmpint(len, >, 0);
	buf = g_malloc((gsize)len + 1);
	len2 = ppe_dump(fx.ppe, 0, true, buf, (size_t)len + 1, FS_SEC(31));
	g_assert_cmpint(len2, ==, len);
	g_assert_cmpuint(strlen(buf), ==, (gsize)len);

	opts.netsys = fx.cfg.netsys;
	d = ppe_dump_parse("bind", buf, (gsize)len, &opts, &err);
	g_assert_no_error(err);
	g_assert_nonnull(d);
	g_assert_cmpuint(d->n_entries, ==, bound);
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(d->lines, i);
		struct ppe_entry hw;

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		n++;
		g_assert_cmpint(ppe_ib1_state(l->entry.ib1), ==, PPE_STATE_BIND);
		g_assert_cmpuint(l->counters, ==, fx.cfg.debugfs_counters);
		/* the line hashes to its own bucket */
		g_assert_cmpuint(ppe_hash_entry(&l->entry, fx.cfg.entries, fx.cfg.ways), ==,
				 l->entry.index & ~(fx.cfg.ways - 1));
		hw = pfx_entry(&fx, 0, l->entry.index);
		g_assert_cmpuint(l->entry.ib1, ==, hw.ib1);
		g_assert_cmpuint(l->entry.ib2, ==, hw.ib2);
		g_assert_cmpmem(l->entry.src_ip, 16, hw.src_ip, 16);
		g_assert_cmpuint(l->entry.ports, ==, hw.ports);
		if (fx.cfg.accounting)
			g_assert_cmpuint(l->entry.packets, ==, 1);
	}
	g_assert_cmpuint(n, ==, bound);
	ppe_dump_free(d);
	g_free(buf);

	/* the full listing also shows the UNBIND line */
	len = ppe_dump(fx.ppe, 0, false, NULL, 0, FS_SEC(31));
	buf = g_malloc((gsize)len + 1);
	ppe_dump(fx.ppe, 0, false, buf, (size_t)len + 1, FS_SEC(31));
	g_assert_nonnull(strstr(buf, " UNB "));
	d = ppe_dump_parse("entries", buf, (gsize)len, &opts, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(d->n_entries, ==, bound + 1);
	ppe_dump_free(d);
	g_free(buf);
	pfx_fini(&fx);
}

static void test_dump_parses_back_and_hashes(void)
{
	check_dump("mt7621", 606);
	check_dump("mt7986", 606);
	check_dump("mt7988", 612);
	check_dump("mt7622", 515);
}

static void test_dump_truncates_safely(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	char small[40];
	long len;

	pfx_init(&fx, "mt7621", 606, 0);
	r = pfx_rule("192.168.1.60", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	pfx_bind(&fx, 0, &r, FS_SEC(3));
	memset(small, 'x', sizeof(small));
	len = ppe_dump(fx.ppe, 0, true, small, sizeof(small), FS_SEC(4));
	g_assert_cmpint(len, >, (long)sizeof(small));
	g_assert_cmpuint(strlen(small), ==, sizeof(small) - 1);
	g_assert_cmpint(ppe_dump(fx.ppe, 3, true, small, sizeof(small), FS_SEC(4)), ==, -1);
	pfx_fini(&fx);
}

static void test_bad_config_rejected(void)
{
	struct fs_netconf nc;
	struct ppe_config c;

	fs_netconf_init(&nc);
	g_assert_cmpint(ppe_config_for_soc(&c, "mt7986", 606), ==, 0);
	c.entries = 1000;                       /* not a power of two */
	g_assert_null(ppe_create(&c, &nc, NULL, NULL, NULL));
	g_assert_cmpint(ppe_config_for_soc(&c, "mt7986", 606), ==, 0);
	c.num_ppe = 4;
	g_assert_null(ppe_create(&c, &nc, NULL, NULL, NULL));
	g_assert_cmpint(ppe_config_for_soc(&c, "mt7986", 606), ==, 0);
	c.entries = 65536;                      /* slot numbers would reach 0xffff */
	g_assert_null(ppe_create(&c, &nc, NULL, NULL, NULL));
	g_assert_null(ppe_create(NULL, &nc, NULL, NULL, NULL));
	fs_netconf_release(&nc);
}

static void test_next_timer(void)
{
	struct pfx fx;
	struct flow_hw_rule r;
	struct fs_packet p;

	pfx_init(&fx, "mt7986", 606, 64);
	g_assert_cmpuint(ppe_router_ops()->next_timer(fx.ppe), ==, ~0ULL);
	r = pfx_rule("192.168.1.61", 40000, "9.9.9.9", 443, TCP, fx.lan1, fx.eth1);
	p = pfx_pkt(&r);
	pfx_rx(&fx, &p, FS_SEC(7) + FS_MSEC(300), NULL, NULL);
	pfx_timers(&fx, FS_SEC(7) + FS_MSEC(300));
	g_assert_cmpuint(ppe_router_ops()->next_timer(fx.ppe), ==, FS_SEC(8));
	run_timers(&fx, 8, 11);
	g_assert_cmpuint(pfx_occ(&fx, 0).unbound, ==, 0);
	g_assert_cmpuint(ppe_router_ops()->next_timer(fx.ppe), ==, ~0ULL);
	pfx_fini(&fx);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppe/table/geometry_per_soc_and_kernel", test_geometry);
	g_test_add_func("/ppe/table/fe_timestamp_15_vs_8_bits", test_fe_timestamp_width);
	g_test_add_func("/ppe/table/29_packets_in_a_tick_do_not_bind_30_do",
			test_rate_29_does_not_bind_30_does);
	g_test_add_func("/ppe/table/binding_waits_for_the_software_flow",
			test_binding_waits_for_software_flow);
	g_test_add_func("/ppe/table/check_throttled_100ms_per_index", test_check_throttle_100ms);
	g_test_add_func("/ppe/table/aging_tcp_after_7s_idle", test_aging_tcp_7s);
	g_test_add_func("/ppe/table/aging_udp_after_12s_idle", test_aging_udp_12s);
	g_test_add_func("/ppe/table/aging_fin_after_1s_idle", test_aging_fin_1s);
	g_test_add_func("/ppe/table/aging_unbind_after_3s_below_1000_packets",
			test_aging_unbind_3s_below_1000_packets);
	g_test_add_func("/ppe/table/idle_time_wraps_at_256s_on_v2_not_v1",
			test_timestamp_wrap_v2_vs_v1);
	g_test_add_func("/ppe/table/full_bucket_leaves_flow_in_software",
			test_full_bucket_stays_software);
	g_test_add_func("/ppe/table/small_table_binds_at_most_its_ways",
			test_small_table_100_flows);
	g_test_add_func("/ppe/table/first_matching_software_flow_wins",
			test_first_matching_flow_wins);
	g_test_add_func("/ppe/table/rebinding_a_bucket_forgets_other_bound_flows",
			test_rebinding_a_bucket_forgets_other_bound_flows);
	g_test_add_func("/ppe/table/mt7621_reserved_slots_never_used",
			test_mt7621_reserved_slots_never_used);
	g_test_add_func("/ppe/table/clear_writes_unbind_on_5_19_to_6_0_else_invalid",
			test_clear_state_by_kernel);
	g_test_add_func("/ppe/table/dump_parses_back_and_hashes_to_its_bucket",
			test_dump_parses_back_and_hashes);
	g_test_add_func("/ppe/table/dump_truncates_safely", test_dump_truncates_safely);
	g_test_add_func("/ppe/table/bad_config_rejected", test_bad_config_rejected);
	g_test_add_func("/ppe/table/next_timer_only_with_live_entries", test_next_timer);
	return g_test_run();
}
