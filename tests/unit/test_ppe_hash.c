/* SPDX-License-Identifier: MIT */
/*
 * test_ppe_hash.c - the MediaTek PPE hash (model/ppe_hash.c), the per-SoC geometry and the
 * ib1/ib2 accessors (model/ppe_format.c).
 *
 * Golden values: the ten vectors of spec mediatek-ppe-wed.md 1.5, the worked decodes of
 * spec 1.7, and every hashable line of the real debugfs dumps in data/traces.
 */
#include "ppe_dump.h"
#include "ppe_hash.h"
#include "tuple.h"

#include <string.h>

#include "testutil.h"

#define TRACES FLOWSIM_SHARED_DIR "/data/traces/"

static struct fs_tuple tuple4(const char *src, u16 sport, const char *dst, u16 dport)
{
	struct fs_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = FS_AF_INET;
	t.proto = FS_IPPROTO_TCP;
	t.src = tu_addr(src);
	t.dst = tu_addr(dst);
	t.sport = sport;
	t.dport = dport;
	return t;
}

static struct fs_tuple tuple6(const char *src, u16 sport, const char *dst, u16 dport)
{
	struct fs_tuple t = tuple4("0.0.0.0", sport, "0.0.0.0", dport);

	t.family = FS_AF_INET6;
	t.src = tu_addr(src);
	t.dst = tu_addr(dst);
	return t;
}

/* spec 1.5: computed bucket for 8192 entries, v1 = 2 ways, v2 = 4 ways */
static void test_golden_vectors(void)
{
	static const struct {
		const char *src;
		u16 sport;
		const char *dst;
		u16 dport;
		bool v6;
		u32 ways;
		u32 bucket;
	} v[] = {
		{ "192.168.1.22", 52294, "185.187.81.227", 80, false, 2, 0x12f2 },
		{ "99.83.135.170", 443, "176.98.95.135", 52823, false, 2, 0x13ba },
		{ "2a01:d0:e6c6:0:196d:66d3:18c0:e02d", 52185, "2606:4700:10::6814:2917", 443,
		  true, 2, 0x1698 },
		{ "2a01:d0:e6c6:0:196d:66d3:18c0:e02d", 52235, "2a00:1450:4010:c0f::bc", 443,
		  true, 2, 0x1ce6 },
		{ "192.168.54.4", 50853, "157.148.61.140", 443, false, 4, 0x464 },
		{ "192.168.54.4", 50854, "157.148.61.140", 443, false, 4, 0x468 },
		{ "157.148.61.213", 80, "192.168.1.2", 42492, false, 4, 0x70c },
		{ "192.168.1.192", 9993, "192.168.1.101", 60278, false, 4, 0x6c },
		{ "192.168.1.224", 56854, "192.168.1.210", 2020, false, 4, 0x404 },
		{ "192.168.1.224", 56852, "192.168.1.210", 2020, false, 4, 0x40c },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		struct fs_tuple t = v[i].v6 ? tuple6(v[i].src, v[i].sport, v[i].dst, v[i].dport) :
					      tuple4(v[i].src, v[i].sport, v[i].dst, v[i].dport);
		u8 type = v[i].v6 ? PPE_PKT_IPV6_ROUTE_5T : PPE_PKT_IPV4_HNAPT;

		g_assert_cmphex(ppe_hash_tuple(&t, type, 8192, v[i].ways), ==, v[i].bucket);
		/* UDP and TCP hash alike: the protocol is not in a 5-tuple's hash words */
		t.proto = FS_IPPROTO_UDP;
		g_assert_cmphex(ppe_hash_tuple(&t, type, 8192, v[i].ways), ==, v[i].bucket);
	}
}

/* The same words through ppe_hash_entry(): the type comes from ib1 in the layout ways implies. */
static void test_entry_reads_type_from_ib1(void)
{
	struct fs_tuple t = tuple6("2a01:d0:e6c6:0:196d:66d3:18c0:e02d", 52185,
				   "2606:4700:10::6814:2917", 443);
	struct ppe_entry e;

	memset(&e, 0, sizeof(e));
	ppe_entry_set_orig(&e, &t, PPE_PKT_IPV6_ROUTE_5T);
	g_assert_cmphex(e.ports, ==, (52185u << 16) | 443);
	e.ib1 = 0x1a0002b2;   /* file 03: UNB IPv6 5T in the v1 layout */
	g_assert_cmphex(ppe_hash_entry(&e, 8192, 2), ==, 0x1698);
	/* the same entry with v1 type bits read as v2 is type 20: not hashed */
	g_assert_cmphex(ppe_hash_entry(&e, 8192, 4), ==, 8191);
	/* with v2 type bits (27:23) it is hashed into a 4-way bucket */
	e.ib1 = ppe_ib1_set_type(0x10000000, PPE_NETSYS_V2, PPE_PKT_IPV6_ROUTE_5T);
	g_assert_cmphex(ppe_hash_entry(&e, 8192, 4), ==,
			ppe_hash_entry_type(&e, PPE_PKT_IPV6_ROUTE_5T, 8192, 4));
}

static void test_unhashable_types_give_mask(void)
{
	struct fs_tuple t = tuple4("10.0.0.1", 1, "10.0.0.2", 2);
	struct fs_tuple t6 = tuple6("2001:db8::1", 1, "2001:db8::2", 2);
	struct ppe_entry e;

	memset(&e, 0, sizeof(e));
	ppe_entry_set_orig(&e, &t, PPE_PKT_IPV4_HNAPT);
	g_assert_cmphex(ppe_hash_entry_type(&e, PPE_PKT_IPV4_DSLITE, 8192, 2), ==, 8191);
	g_assert_cmphex(ppe_hash_entry_type(&e, PPE_PKT_IPV6_6RD, 16384, 4), ==, 16383);
	g_assert_cmphex(ppe_hash_entry_type(&e, PPE_PKT_BRIDGE, 8192, 4), ==, 8191);
	g_assert_cmphex(ppe_hash_entry_type(&e, 6, 8192, 4), ==, 8191);
	g_assert_false(ppe_type_hashable(PPE_PKT_IPV4_DSLITE));
	g_assert_true(ppe_type_hashable(PPE_PKT_IPV6_ROUTE_3T));
	/* a tuple whose family does not fit the type */
	g_assert_cmphex(ppe_hash_tuple(&t, PPE_PKT_IPV6_ROUTE_5T, 8192, 2), ==, 8191);
	g_assert_cmphex(ppe_hash_tuple(&t6, PPE_PKT_IPV4_HNAPT, 8192, 2), ==, 8191);
	g_assert_cmphex(ppe_hash_tuple(&t, PPE_PKT_IPV6_6RD, 8192, 2), ==, 8191);
}

/* 3-tuple types hash the pad word 0xa5a5a500 | protocol (mtk_foe_entry_prepare) */
static void test_three_tuple_uses_pad_and_protocol(void)
{
	struct fs_tuple t = tuple4("192.168.1.20", 999, "198.51.100.9", 888);
	struct fs_tuple t6 = tuple6("2001:db8:1::20", 5, "2001:db8:ffff::9", 6);
	struct ppe_entry e;
	u32 tcp, udp;

	memset(&e, 0, sizeof(e));
	ppe_entry_set_orig(&e, &t, PPE_PKT_IPV4_ROUTE);
	g_assert_cmphex(e.ports, ==, 0xa5a5a506);
	tcp = ppe_hash_tuple(&t, PPE_PKT_IPV4_ROUTE, 8192, 2);
	g_assert_cmphex(tcp, ==, ppe_hash_words(0xa5a5a506, t.dst.ip, t.src.ip, 8192, 2));
	t.proto = FS_IPPROTO_UDP;
	udp = ppe_hash_tuple(&t, PPE_PKT_IPV4_ROUTE, 8192, 2);
	g_assert_cmphex(udp, ==, ppe_hash_words(0xa5a5a511, t.dst.ip, t.src.ip, 8192, 2));
	/* ports do not matter for 3T */
	t.sport = 1;
	g_assert_cmphex(ppe_hash_tuple(&t, PPE_PKT_IPV4_ROUTE, 8192, 2), ==, udp);

	t6.proto = FS_IPPROTO_UDP;
	g_assert_cmphex(ppe_hash_tuple(&t6, PPE_PKT_IPV6_ROUTE_3T, 8192, 4), ==,
			ppe_hash_words(t6.src.ip6[3] ^ t6.dst.ip6[3] ^ 0xa5a5a511,
				       t6.src.ip6[2] ^ t6.dst.ip6[2] ^ t6.dst.ip6[0],
				       t6.src.ip6[1] ^ t6.dst.ip6[1] ^ t6.src.ip6[0], 8192, 4));
}

/* Growing the table adds one high bit: h(16K) mod 8K == h(8K); results name way 0. */
static void test_table_size_and_ways(void)
{
	GRand *r = g_rand_new_with_seed(7581);
	guint i;

	for (i = 0; i < 20000; i++) {
		u32 a = g_rand_int(r), b = g_rand_int(r), c = g_rand_int(r);
		u32 h8 = ppe_hash_words(a, b, c, 8192, 2);
		u32 h16 = ppe_hash_words(a, b, c, 16384, 2);
		u32 h8v2 = ppe_hash_words(a, b, c, 8192, 4);

		g_assert_cmphex(h16 & 8191, ==, h8);
		g_assert_cmphex(h8 & 1, ==, 0);
		g_assert_cmphex(h8v2 & 3, ==, 0);
		g_assert_cmpuint(h16, <, 16384);
		g_assert_cmphex(ppe_hash_words(a, b, c, 4096, 2), ==, h8 & 4095);
	}
	g_rand_free(r);
}

struct dump_expect {
	const char *file;
	const char *soc;
	u32 entries;       /* table size the dump was taken with */
	u32 ok;            /* hashable lines whose index is in the computed bucket */
	u32 redacted;
	u32 not_hashable;  /* 6RD etc., and all Airoha lines (hash not modelled) */
	u32 way1;          /* entries found in way 1 or higher */
};

/* Every hashable line of every real dump: index & ~(ways-1) == computed bucket. */
static void test_matches_every_real_dump_line(void)
{
	static const struct dump_expect files[] = {
		{ "01-openwrt-issue-19206-gl-mt3000-mt7981-ppe0-entries.txt", "mt7981", 8192,
		  3, 0, 0, 0 },
		{ "03-openwrt-pr-3952-turn87-mt7621-ppe-entries.txt", "mt7621", 8192, 6, 0, 1, 1 },
		{ "04-openwrt-pr-22533-gl-mt6000-mt7986-ppe0-entries.txt", "mt7986", 8192,
		  3, 0, 0, 0 },
		{ "06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt", "mt7621",
		  16384, 0, 4, 0, 0 },
		{ "08-openwrt-pr-24038-airoha-an7581-ppe-bind-first.txt", "an7581", 32768,
		  0, 0, 2, 0 },
	};
	u32 total_ok = 0;
	guint f, i;

	for (f = 0; f < G_N_ELEMENTS(files); f++) {
		const struct ppe_soc_geometry *g = ppe_soc_lookup(files[f].soc);
		struct ppe_dump_opts o = { .netsys = g->airoha ? 0 : g->netsys };
		char *path = g_strconcat(TRACES, files[f].file, NULL);
		GError *err = NULL;
		struct ppe_dump *d = ppe_dump_load(path, &o, &err);
		u32 ok = 0, redacted = 0, nh = 0, way1 = 0;

		g_assert_no_error(err);
		g_assert_nonnull(d);
		for (i = 0; i < d->lines->len; i++) {
			const struct ppe_dump_line *l = d->lines->pdata[i];
			u8 layout = g->airoha ? PPE_NETSYS_AIROHA : g->netsys;
			u32 type, bucket;

			if (l->kind != PPE_DUMP_ENTRY)
				continue;
			g_assert_cmpuint(l->entry.index, <, files[f].entries);
			type = ppe_ib1_type(l->entry.ib1, layout);
			if (ppe_dump_tuple_redacted(l)) {
				redacted++;
				continue;
			}
			if (!ppe_type_hashable(type) || !g->hash_modelled) {
				nh++;
				continue;
			}
			bucket = ppe_hash_entry(&l->entry, files[f].entries, g->ways);
			if (bucket != (l->entry.index & ~(u32)(g->ways - 1)))
				g_error("%s:%u: index %05x, hash %05x", files[f].file, l->lineno,
					l->entry.index, bucket);
			ok++;
			way1 += l->entry.index != bucket;
		}
		g_assert_cmpuint(ok, ==, files[f].ok);
		g_assert_cmpuint(redacted, ==, files[f].redacted);
		g_assert_cmpuint(nh, ==, files[f].not_hashable);
		g_assert_cmpuint(way1, ==, files[f].way1);
		total_ok += ok;
		ppe_dump_free(d);
		g_free(path);
	}
	/* 12 real lines checked bit-exactly (3 + 6 + 3) */
	g_assert_cmpuint(total_ok, ==, 12);
}

/* File 03's way-1 entry 01ce7 sits behind slot 01ce6, which MT7621 reserves (offset 102). */
static void test_mt7621_way1_entry_behind_reserved_slot(void)
{
	const struct ppe_soc_geometry *g = ppe_soc_lookup("mt7621");

	g_assert_true(ppe_soc_slot_reserved(g, 0x1ce6, false));
	g_assert_cmpuint(0x1ce6 & 127, ==, 102);
	g_assert_false(ppe_soc_slot_reserved(g, 0x1ce7, true));
}

static void test_soc_geometry(void)
{
	static const struct {
		const char *name;
		u8 netsys, ways, ppes;
		u16 size;
		bool acct;
	} want[] = {
		{ "mt7621", 1, 2, 1, 80, false },
		{ "mt7622", 1, 2, 1, 80, true },
		{ "mt7623", 1, 2, 1, 80, false },
		{ "mt7981", 2, 4, 2, 96, true },
		{ "mt7986", 2, 4, 2, 96, true },
		{ "mt7988", 3, 4, 3, 128, true },
	};
	const struct ppe_soc_geometry *g;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		g = ppe_soc_lookup(want[i].name);
		g_assert_nonnull(g);
		g_assert_cmpuint(g->netsys, ==, want[i].netsys);
		g_assert_cmpuint(g->ways, ==, want[i].ways);
		g_assert_cmpuint(g->ppe_count, ==, want[i].ppes);
		g_assert_cmpuint(g->foe_entry_size, ==, want[i].size);
		g_assert_cmpint(g->has_accounting, ==, want[i].acct);
		g_assert_true(g->hash_modelled);
		g_assert_cmpuint(ppe_soc_default_entries(g, 6, 6), ==, 8192);
		g_assert_cmpuint(ppe_soc_default_entries(g, 5, 10), ==, 8192);
		g_assert_cmpuint(ppe_soc_default_entries(g, 6, 10), ==, 8192);
		g_assert_cmpuint(ppe_soc_default_entries(g, 6, 11), ==, 16384);
		g_assert_cmpuint(ppe_soc_default_entries(g, 6, 12), ==, 16384);
		g_assert_cmpuint(ppe_soc_default_entries(g, 7, 0), ==, 16384);
	}
	g_assert_true(ppe_soc_lookup("MT7621") == ppe_soc_lookup("mt7621"));
	g_assert_null(ppe_soc_lookup("mt7628"));
	g_assert_null(ppe_soc_lookup(""));
	g_assert_null(ppe_soc_lookup(NULL));
	g_assert_null(ppe_soc_lookup("mt76211"));

	g = ppe_soc_lookup("mt7620");
	g_assert_cmpuint(g->ways, ==, 2);
	g_assert_cmpuint(ppe_soc_default_entries(g, 6, 12), ==, 4096);
	g = ppe_soc_lookup("an7581");
	g_assert_true(g->airoha);
	g_assert_false(g->hash_modelled);
	for (i = 0; ppe_soc_at(i); i++)
		;
	g_assert_cmpuint(i, ==, 8);
}

/* 7 dead slots per 128 on MT7621 (448 at 8K, spec 1.1); MT7620 loses 256 of 4096 (PR #24515) */
static void test_reserved_slot_counts(void)
{
	const struct ppe_soc_geometry *m21 = ppe_soc_lookup("mt7621");
	const struct ppe_soc_geometry *m20 = ppe_soc_lookup("mt7620");
	const struct ppe_soc_geometry *m86 = ppe_soc_lookup("mt7986");
	u32 i, n21 = 0, n21s = 0, n20 = 0, n86 = 0;

	for (i = 0; i < 8192; i++) {
		n21 += ppe_soc_slot_reserved(m21, i, false);
		n21s += ppe_soc_slot_reserved(m21, i, true);
		n86 += ppe_soc_slot_reserved(m86, i, true);
		/* 80-byte records crossing a 1 KiB boundary: the arithmetic behind the list */
		if (ppe_soc_slot_reserved(m21, i, true))
			g_assert_cmpuint((80 * (i & 127)) % 1024, >, 944);
	}
	for (i = 0; i < 4096; i++)
		n20 += ppe_soc_slot_reserved(m20, i, false);
	g_assert_cmpuint(n21, ==, 448);
	g_assert_cmpuint(n21s, ==, 512);
	g_assert_cmpuint(n20, ==, 256);
	g_assert_cmpuint(n86, ==, 0);
	g_assert_true(ppe_soc_slot_reserved(m21, 128 + 12, false));
	g_assert_false(ppe_soc_slot_reserved(m21, 115, false));
	g_assert_true(ppe_soc_slot_reserved(m21, 115, true));
}

/* spec 1.7 worked decodes of real lines */
static void test_ib_decodes_from_spec(void)
{
	struct ppe_entry e;
	struct ppe_wdma_info wi;

	/* MT7621 ib1=61410692: BIND HNAPT UDP vlan_layer 1, cache + TTL, timestamp 1682 */
	g_assert_cmpint(ppe_ib1_state(0x61410692), ==, PPE_STATE_BIND);
	g_assert_cmpuint(ppe_ib1_type(0x61410692, 1), ==, PPE_PKT_IPV4_HNAPT);
	g_assert_true(ppe_ib1_udp(0x61410692));
	g_assert_cmpuint(ppe_ib1_vlan_layer(0x61410692, 1), ==, 1);
	g_assert_true(ppe_ib1_cache(0x61410692, 1));
	g_assert_true(ppe_ib1_ttl(0x61410692, 1));
	g_assert_false(ppe_ib1_pppoe(0x61410692, 1));
	g_assert_cmpuint(ppe_ib1_bind_timestamp(0x61410692, 1), ==, 1682);
	/* ib2=007ff035: DEST_PORT 1 (GDM1), QID 5, PSE_QOS, PORT_MG 0x3f, PORT_AG 0x1f */
	g_assert_cmpuint(ppe_ib2_dest_port(0x007ff035, 1), ==, PPE_PSE_GDM1);
	g_assert_cmpuint(ppe_ib2_qid(0x007ff035, 1), ==, 5);
	g_assert_true(ppe_ib2_pse_qos(0x007ff035, 1));
	g_assert_cmpuint(ppe_ib2_port_mg(0x007ff035, 1), ==, 0x3f);
	g_assert_cmpuint(ppe_ib2_port_ag(0x007ff035, 1), ==, 0x1f);
	g_assert_false(ppe_ib2_mib_cnt(0x007ff035, 1));
	/* ib1=614808ef: BIND with the PPPoE bit and vlan_layer 0 */
	g_assert_true(ppe_ib1_pppoe(0x614808ef, 1));
	g_assert_cmpuint(ppe_ib1_vlan_layer(0x614808ef, 1), ==, 0);
	/* unbind ib1=500003a1: UNBIND, UDP, 3 packets, timestamp 0xa1 */
	g_assert_cmpint(ppe_ib1_state(0x500003a1), ==, PPE_STATE_UNBIND);
	g_assert_true(ppe_ib1_udp(0x500003a1));
	g_assert_cmpuint(ppe_ib1_unbind_packets(0x500003a1, 1), ==, 3);
	g_assert_cmpuint(ppe_ib1_unbind_timestamp(0x500003a1), ==, 0xa1);
	/* unbind ib1=1e0004b4: UNBIND type 7 (6RD) */
	g_assert_cmpuint(ppe_ib1_type(0x1e0004b4, 1), ==, PPE_PKT_IPV6_6RD);
	/* WED: vlan=0,129 -> BSS 1, WCID 2, ring 0; ib2=007e0060 -> DEST_PORT 3, WINFO */
	memset(&e, 0, sizeof(e));
	e.l2.vlan2 = 129;
	ppe_entry_wdma_info(&e, 1, &wi);
	g_assert_cmpuint(wi.bss, ==, 1);
	g_assert_cmpuint(wi.wcid, ==, 2);
	g_assert_cmpuint(wi.ring, ==, 0);
	g_assert_cmpuint(ppe_ib2_dest_port(0x007e0060, 1), ==, 3);
	g_assert_true(ppe_ib2_wdma_winfo(0x007e0060, 1));
	/* PORT_MG written as 0; the field (17:12) still shows the overlapping WINFO bit */
	g_assert_cmphex(ppe_ib2_port_mg(0x007e0060, 1), ==, 0x20);
}

static void test_ib_layouts_by_version(void)
{
	u32 ib1;

	/* MT7981 (v2) UNB line of file 01: type 0, 8 packets, timestamp 0x6a */
	g_assert_cmpuint(ppe_ib1_type(0x1000086a, 2), ==, 0);
	g_assert_cmpuint(ppe_ib1_unbind_packets(0x1000086a, 2), ==, 8);
	g_assert_cmpuint(ppe_ib1_unbind_timestamp(0x1000086a), ==, 0x6a);
	/* v2 type field is 27:23 and v1's is 27:25 */
	ib1 = ppe_ib1_set_type(0, 2, PPE_PKT_IPV6_ROUTE_5T);
	g_assert_cmphex(ib1, ==, 5u << 23);
	g_assert_cmpuint(ppe_ib1_type(ib1, 3), ==, 5);
	g_assert_cmphex(ppe_ib1_set_type(0, 1, PPE_PKT_IPV6_ROUTE_5T), ==, 5u << 25);
	/* bind timestamp: 15 bits on v1, 8 bits on v2/v3 */
	g_assert_cmphex(ppe_ib1_timestamp_mask(1), ==, 0x7fff);
	g_assert_cmphex(ppe_ib1_timestamp_mask(2), ==, 0xff);
	g_assert_cmphex(ppe_ib1_timestamp_mask(3), ==, 0xff);
	g_assert_cmphex(ppe_ib1_set_bind_timestamp(0x214127b9, 1, 0x12345), ==, 0x21412345);
	g_assert_cmphex(ppe_ib1_set_bind_timestamp(0xffffffff, 2, 0x1234), ==, 0xffffff34);
	g_assert_cmpuint(ppe_ib1_bind_timestamp(0x214127b9, 2), ==, 0xb9);
	/* v2 bind fields */
	g_assert_cmpuint(ppe_ib1_vlan_layer(7u << 14, 2), ==, 7);
	g_assert_true(ppe_ib1_pppoe(1u << 17, 2));
	g_assert_false(ppe_ib1_pppoe(1u << 17, 1));
	g_assert_true(ppe_ib1_vlan_tag(1u << 18, 2));
	g_assert_true(ppe_ib1_cache(1u << 20, 2));
	g_assert_true(ppe_ib1_ttl(1u << 22, 2));
	/* v2 ib2 */
	g_assert_cmpuint(ppe_ib2_qid(0x7f, 2), ==, 0x7f);
	g_assert_cmpuint(ppe_ib2_dest_port(8u << 9, 2), ==, PPE_PSE_WDMA0);
	g_assert_true(ppe_ib2_pse_qos(1u << 8, 2));
	g_assert_true(ppe_ib2_mib_cnt(1u << 15, 2));
	g_assert_true(ppe_ib2_wdma_winfo(1u << 19, 2));
	g_assert_cmpuint(ppe_ib2_port_ag(0xfu << 20, 2), ==, 0xf);
	/* state setter keeps everything else */
	g_assert_cmphex(ppe_ib1_set_state(0x214127b9, PPE_STATE_UNBIND), ==, 0x114127b9);
	/* Airoha (airoha_eth.h): type 27:25, PPPoE 22, vlan layer 19:16 */
	g_assert_cmpuint(ppe_ib1_type(0x21000123, PPE_NETSYS_AIROHA), ==, 0);
	g_assert_cmpuint(ppe_ib1_bind_timestamp(0x21000123, PPE_NETSYS_AIROHA), ==, 0x123);
	g_assert_true(ppe_ib1_pppoe(1u << 22, PPE_NETSYS_AIROHA));
	g_assert_cmpuint(ppe_ib1_vlan_layer(0xfu << 16, PPE_NETSYS_AIROHA), ==, 0xf);
	g_assert_cmpuint(ppe_ib2_dest_port(0x0003e240, PPE_NETSYS_AIROHA), ==, 2);
	g_assert_true(ppe_ib2_pse_qos(0x0003e240, PPE_NETSYS_AIROHA));
	g_assert_cmpuint(ppe_ib2_port_ag(0x0003e240, PPE_NETSYS_AIROHA), ==, 0x1f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppe/hash/golden_vectors_spec_1_5", test_golden_vectors);
	g_test_add_func("/ppe/hash/entry_reads_type_from_ib1", test_entry_reads_type_from_ib1);
	g_test_add_func("/ppe/hash/unhashable_types_give_mask", test_unhashable_types_give_mask);
	g_test_add_func("/ppe/hash/three_tuple_uses_pad_and_protocol",
			test_three_tuple_uses_pad_and_protocol);
	g_test_add_func("/ppe/hash/table_size_and_ways", test_table_size_and_ways);
	g_test_add_func("/ppe/hash/matches_every_real_dump_line",
			test_matches_every_real_dump_line);
	g_test_add_func("/ppe/hash/mt7621_way1_entry_behind_reserved_slot",
			test_mt7621_way1_entry_behind_reserved_slot);
	g_test_add_func("/ppe/soc/geometry", test_soc_geometry);
	g_test_add_func("/ppe/soc/reserved_slot_counts", test_reserved_slot_counts);
	g_test_add_func("/ppe/ib/decodes_from_spec", test_ib_decodes_from_spec);
	g_test_add_func("/ppe/ib/layouts_by_version", test_ib_layouts_by_version);
	return g_test_run();
}
