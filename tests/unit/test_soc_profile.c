// SPDX-License-Identifier: MIT
/*
 * test_soc_profile.c - the SoC profiles in hw/soc: every listed SoC loads with its whole
 * cost table, the PPE facts agree with the model's own SoC table, unlisted SoCs derive by
 * the documented scaling rule, conntrack auto-sizing follows spec linux-flowtable.md §5.4,
 * and malformed profiles are refused with file:line:col messages.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "soc_profile.h"
#include "yaml_util.h"

#define SOC_DIR FLOWSIM_SOURCE_DIR "/hw/soc"

static const char *const listed[] = {
	"mt7620", "mt7621", "mt7622", "mt7981", "mt7986", "mt7988", "qca9558", "x86-64-generic",
	NULL,
};

static void load_ok(const char *name, struct soc_profile *p)
{
	struct yu_diag d;
	guint i;

	yu_diag_init(&d);
	if (!soc_profile_load(name, NULL, SOC_DIR, p, &d)) {
		for (i = 0; i < d.msgs->len; i++) {
			char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));

			g_printerr("%s\n", m);
			g_free(m);
		}
		g_error("profile %s does not load", name);
	}
	g_assert_cmpuint(d.errors, ==, 0);
	yu_diag_clear(&d);
}

/* Errors of a profile given as text, joined by newlines. */
static char *profile_errors(const char *text)
{
	struct yu_diag d;
	struct yu_doc *doc;
	struct soc_profile p;
	GString *s = g_string_new(NULL);
	guint i;

	yu_diag_init(&d);
	doc = yu_load_string("t.yaml", text, strlen(text), &d);
	if (doc) {
		g_assert_false(soc_profile_from_node(doc->root, SOC_DIR, &p, &d));
		yu_doc_free(doc);
	}
	for (i = 0; i < d.msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));

		g_string_append_printf(s, "%s%s", i ? "\n" : "", m);
		g_free(m);
	}
	yu_diag_clear(&d);
	return g_string_free(s, FALSE);
}

static void test_every_listed_soc_loads_with_all_costs(void)
{
	char **names = soc_profile_list(SOC_DIR);
	guint i, f;

	for (i = 0; listed[i]; i++)
		g_assert_true(g_strv_contains((const char *const *)names, listed[i]));
	for (i = 0; names[i]; i++) {
		struct soc_profile p;

		load_ok(names[i], &p);
		g_assert_cmpstr(p.name, ==, names[i]);
		g_assert_cmpuint(p.cpu.cores, >=, 1);
		g_assert_cmpuint(p.cpu.clock_hz, >=, 100000000ULL);
		g_assert_cmpuint(p.ram_bytes, >=, 16ULL << 20);
		for (f = 0; soc_cost_field_names[f]; f++) {
			uint32_t v = *soc_cost_field(&p.cost, f);

			/* a PPE-forwarded packet costs nothing: everything else has a cost */
			if (!strcmp(soc_cost_field_names[f], "hw_residual"))
				g_assert_cmpuint(v, ==, 0);
			else
				g_assert_cmpuint(v, >, 0);
		}
		g_assert_cmpuint(f, ==, sizeof(struct fs_cost_table) / sizeof(uint32_t));
		/* the mechanisms the calibration relies on keep their order everywhere */
		g_assert_cmpuint(p.cost.flowtable, <, p.cost.ip_forward + p.cost.conntrack +
			p.cost.nat + 5 * p.cost.nft_chain + 14 * p.cost.nft_rule);
		g_assert_cmpuint(p.cost.tx_wifi, >, p.cost.tx_eth);
		g_assert_cmpuint(p.cost.conntrack_new, >, p.cost.conntrack);
		g_assert_cmpuint(p.host.napi_budget, ==, 64);
		g_assert_cmpuint(p.host.gro_max_segments, ==, 45);
		g_assert_cmpuint(p.host.qdisc_cake, >, p.host.qdisc_fq_codel);
	}
	g_strfreev(names);
}

static void test_mt7620_reference_reproduces_rows_1_to_3(void)
{
	struct soc_profile p;
	/* rows 1-3: 90.8 Mbit/s each way -> 11,758 packets/s, 2 data : 1 ACK */
	const double pps = 90.8e6 / (1448 * 8) * 1.5;
	double slow, sfo, busy_slow, busy_sfo;
	uint32_t per_byte, chains, rules;

	load_ok("mt7620", &p);
	/* average frame: 16.67 units of 64 bytes */
	per_byte = (uint32_t)(16.67 * (p.cost.rx_per_byte64 + p.cost.tx_per_byte64) + 0.5);
	chains = 5;
	rules = 14;
	slow = p.host.poll_cycles + per_byte + p.cost.rx_napi + p.cost.tx_eth +
	       p.host.qdisc_fq_codel + p.cost.vlan + p.cost.ip_forward + p.cost.conntrack +
	       p.cost.nat + chains * p.cost.nft_chain + rules * p.cost.nft_rule;
	sfo = p.host.poll_cycles + per_byte + p.cost.rx_napi + p.cost.tx_eth +
	      p.host.qdisc_fq_codel + p.cost.vlan + p.cost.flowtable;
	busy_slow = (slow * pps + p.host.background_cycles) / (double)p.cpu.clock_hz;
	busy_sfo = (sfo * pps + p.host.background_cycles) / (double)p.cpu.clock_hz;
	/* measured: 78.6 / 78.5 % and 39.1 / 35.2 % busy */
	g_assert_cmpfloat(busy_slow, >, 0.77);
	g_assert_cmpfloat(busy_slow, <, 0.80);
	g_assert_cmpfloat(busy_sfo, >, 0.35);
	g_assert_cmpfloat(busy_sfo, <, 0.391);
	/* HFO: only the background */
	g_assert_cmpfloat((double)p.host.background_cycles / (double)p.cpu.clock_hz, >, 0.035);
	g_assert_cmpfloat((double)p.host.background_cycles / (double)p.cpu.clock_hz, <, 0.038);
}

static void check_ppe_agrees(const struct soc_profile *p, uint16_t kernel)
{
	struct ppe_config a, b;

	g_assert_cmpint(soc_profile_ppe_config(p, kernel, &a), ==, 0);
	g_assert_cmpint(ppe_config_for_soc(&b, p->ppe.model, kernel), ==, 0);
	g_assert_cmpuint(p->netsys, ==, b.netsys);
	g_assert_cmpuint(a.netsys, ==, b.netsys);
	g_assert_cmpuint(a.offload_version, ==, b.offload_version);
	g_assert_cmpuint(a.num_ppe, ==, b.num_ppe);
	g_assert_cmpuint(a.ways, ==, b.ways);
	g_assert_cmpuint(a.entries, ==, b.entries);
	g_assert_cmpuint(a.gmac_steering, ==, b.gmac_steering);
	g_assert_cmpuint(a.accounting, ==, b.accounting);
	g_assert_cmpuint(a.reserved_slots, ==, b.reserved_slots);
	g_assert_cmpuint(a.bind_rate, ==, b.bind_rate);
	g_assert_cmpuint(a.unbind_min_packets, ==, b.unbind_min_packets);
	g_assert_cmpuint(a.age_unbind, ==, b.age_unbind);
	g_assert_cmpuint(a.age_tcp, ==, b.age_tcp);
	g_assert_cmpuint(a.age_udp, ==, b.age_udp);
	g_assert_cmpuint(a.age_fin, ==, b.age_fin);
	g_assert_cmpuint(a.wed.num, ==, b.wed.num);
	g_assert_cmpuint(a.wed.version, ==, b.wed.version);
	g_assert_cmpuint(a.wed.rx, ==, b.wed.rx);
	g_assert_cmpuint(a.wed.wmac_radio, ==, b.wed.wmac_radio);
	g_assert_cmpuint(a.wed.wmac_wed, ==, b.wed.wmac_wed);
	g_assert_cmpuint(a.wed.chip, ==, b.wed.chip);
	g_assert_cmpuint(a.wed.wcid_bits, ==, b.wed.wcid_bits);
	g_assert_cmpuint(a.wed.wcid_in_entry, ==, b.wed.wcid_in_entry);
	g_assert_cmpuint(a.wed.wcid_max, ==, b.wed.wcid_max);
}

static void test_ppe_facts_agree_with_the_model(void)
{
	static const char *const with_ppe[] = {
		"mt7620", "mt7621", "mt7622", "mt7981", "mt7986", "mt7988", NULL,
	};
	static const uint16_t kernels[] = { 515, 601, 606, 611, 612 };
	struct soc_profile p;
	struct ppe_config c;
	guint i, k;

	for (i = 0; with_ppe[i]; i++) {
		load_ok(with_ppe[i], &p);
		g_assert_true(p.ppe.present);
		for (k = 0; k < G_N_ELEMENTS(kernels); k++)
			check_ppe_agrees(&p, kernels[k]);
	}
	/* exact values the spec gives */
	load_ok("mt7621", &p);
	g_assert_cmpint(soc_profile_ppe_config(&p, 606, &c), ==, 0);
	g_assert_cmpuint(c.entries, ==, 8192);
	g_assert_cmpuint(p.ppe.n_reserved, ==, 7);
	g_assert_cmpint(soc_profile_ppe_config(&p, 611, &c), ==, 0);
	g_assert_cmpuint(c.entries, ==, 16384);
	g_assert_cmpuint(p.wed.blocks, ==, 0);
	load_ok("mt7988", &p);
	g_assert_cmpuint(p.netsys, ==, 3);
	g_assert_cmpuint(p.ppe.instances, ==, 3);
	g_assert_cmpint(soc_profile_ppe_config(&p, 612, &c), ==, 0);
	g_assert_cmpuint(c.num_ppe, ==, 3);
	g_assert_cmpuint(c.wed.num, ==, 3);
	g_assert_cmpuint(c.wed.wcid_bits, ==, 16);
	load_ok("mt7620", &p);
	g_assert_cmpint(soc_profile_ppe_config(&p, 612, &c), ==, 0);
	g_assert_cmpuint(c.entries, ==, 4096);
	g_assert_cmpuint(p.ppe.n_reserved, ==, 8);
	for (i = 0; i < 2; i++) {
		load_ok(i ? "x86-64-generic" : "qca9558", &p);
		g_assert_false(p.ppe.present);
		g_assert_cmpint(soc_profile_ppe_config(&p, 606, &c), ==, -1);
	}
}

static struct soc_profile derive(const char *text)
{
	struct yu_diag d;
	struct yu_doc *doc;
	struct soc_profile p;

	yu_diag_init(&d);
	doc = yu_load_string("inline.yaml", text, strlen(text), &d);
	g_assert_nonnull(doc);
	g_assert_true(soc_profile_from_node(doc->root, SOC_DIR, &p, &d));
	g_assert_cmpuint(d.errors, ==, 0);
	yu_doc_free(doc);
	yu_diag_clear(&d);
	return p;
}

static void test_base_cortex_a53_at_1300mhz_is_mt7981(void)
{
	struct soc_profile ref, d, mt7981;
	guint f;

	load_ok("mt7622", &ref);
	load_ok("mt7981", &mt7981);
	d = derive("name: my-a53\nbase: cortex-a53\ncpu: {cores: 2, clock: 1.3GHz}\n"
		   "ram: 512MiB\nppe: none\n");
	g_assert_cmpstr(d.derived_from, ==, "mt7622");
	g_assert_cmpfloat_with_epsilon(d.scale, 0.7 + 0.3 * 1300.0 / 1350.0, 1e-12);
	for (f = 0; soc_cost_field_names[f]; f++)
		g_assert_cmpuint(*soc_cost_field(&d.cost, f), ==, *soc_cost_field(&mt7981.cost, f));
	g_assert_cmpuint(d.host.poll_cycles, ==, mt7981.host.poll_cycles);
	g_assert_cmpuint(d.host.qdisc_cake, ==, mt7981.host.qdisc_cake);
	g_assert_cmpuint(d.host.wifi_rx_extra, ==, mt7981.host.wifi_rx_extra);
	g_assert_cmpuint(d.host.background_cycles, ==, mt7981.host.background_cycles);
	/* inherited, not scaled */
	g_assert_cmpuint(d.host.rx_ring, ==, ref.host.rx_ring);
	g_assert_cmpuint(d.cpu.bits, ==, 64);
	g_assert_false(d.ppe.present);
	g_assert_false(d.class_reference);
}

static void test_base_scaling_rule_and_overrides(void)
{
	struct soc_profile ref, d;

	load_ok("mt7621", &ref);
	/* twice the reference clock: (1 - 0.3) + 0.3 x 2 = 1.3 */
	d = derive("base: mips-1004kc\ncpu: {cores: 1, clock: 1760MHz}\nram: 128MiB\nppe: none\n"
		   "costs: {flowtable: 1234}\nhost: {rx_ring: 256}\n");
	g_assert_cmpstr(d.name, ==, "mips-1004kc-custom");
	g_assert_cmpfloat_with_epsilon(d.scale, 1.3, 1e-12);
	g_assert_cmpuint(d.cost.ip_forward, ==, (uint32_t)(ref.cost.ip_forward * 1.3 + 0.5));
	g_assert_cmpuint(d.cost.rx_napi, ==, (uint32_t)(ref.cost.rx_napi * 1.3 + 0.5));
	g_assert_cmpuint(d.host.poll_cycles, ==, (uint32_t)(ref.host.poll_cycles * 1.3 + 0.5));
	g_assert_cmpuint(d.cost.flowtable, ==, 1234);      /* explicit beats derived */
	g_assert_cmpuint(d.host.rx_ring, ==, 256);
	g_assert_cmpuint(d.host.tx_ring, ==, ref.host.tx_ring);
	g_assert_cmpuint(d.cpu.threads_per_core, ==, 2);   /* the class's SMT */
	g_assert_cmpuint(d.cpu.cores, ==, 1);
	/* same clock as the reference: identical figures */
	d = derive("base: mips-1004kc\ncpu: {cores: 2, clock: 880MHz}\nram: 256MiB\n"
		   "ppe: {model: mt7621, offload_version: 1, instances: 1, ways: 2, entry_size: 80,\n"
		   "      accounting: false, entries: 8192, entries_6_11: 16384,\n"
		   "      hw_max_entries: 16384, reserved_offsets: [12, 25, 38, 51, 76, 89, 102]}\n"
		   "netsys: 1\n");
	g_assert_cmpuint(d.cost.conntrack, ==, ref.cost.conntrack);
	g_assert_true(d.ppe.present);
	g_assert_cmpuint(d.ppe.bind_rate, ==, 30);
}

static void test_conntrack_autosize(void)
{
	uint32_t b, m;

	/* spec §5.4 OpenWrt examples */
	soc_conntrack_size(256ULL << 20, 32, 606, true, &b, &m);
	g_assert_cmpuint(b, ==, 32768);
	g_assert_cmpuint(m, ==, 32768);
	soc_conntrack_size(512ULL << 20, 64, 606, true, &b, &m);
	g_assert_cmpuint(b, ==, 32768);
	soc_conntrack_size((1ULL << 30) - (16ULL << 20), 64, 606, true, &b, &m);
	g_assert_cmpuint(b, ==, 64512);
	soc_conntrack_size(2ULL << 30, 64, 606, true, &b, &m);
	g_assert_cmpuint(b, ==, 65536);
	soc_conntrack_size(8ULL << 30, 64, 606, true, &b, &m);
	g_assert_cmpuint(b, ==, 262144);
	/* mainline: divisor 16384, max = buckets, minimum 1024 */
	soc_conntrack_size(256ULL << 20, 32, 606, false, &b, &m);
	g_assert_cmpuint(b, ==, 4096);
	g_assert_cmpuint(m, ==, 4096);
	soc_conntrack_size(32ULL << 20, 32, 606, false, &b, &m);
	g_assert_cmpuint(b, ==, 1024);
	/* before 5.15: max = 4 x buckets, > 1 GiB -> 16384 */
	soc_conntrack_size(256ULL << 20, 32, 510, false, &b, &m);
	g_assert_cmpuint(b, ==, 4096);
	g_assert_cmpuint(m, ==, 16384);
	soc_conntrack_size(2ULL << 30, 64, 510, false, &b, &m);
	g_assert_cmpuint(b, ==, 16384);
	g_assert_cmpuint(m, ==, 65536);
}

static void test_malformed_profiles_name_the_place(void)
{
	char *e;

	e = profile_errors("base: cortex-a55\ncpu: {cores: 2, clock: 1GHz}\nram: 1GiB\nppe: none\n");
	g_assert_cmpstr(e, ==, "t.yaml:1:7: base: unknown value 'cortex-a55' (did you mean "
			       "'cortex-a53'?)");
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 2, clock: 1GHz}\nram: 1GiB\n"
			   "ppe: none\ncosts: {rx_napii: 5}\n");
	g_assert_cmpstr(e, ==, "t.yaml:5:9: unknown key 'rx_napii' in costs (did you mean "
			       "'rx_napi'?)");
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 0, clock: 1GHz}\nram: 1GiB\nppe: none\n");
	g_assert_cmpstr(e, ==, "t.yaml:2:14: cores: 0 is out of range (1..64)");
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 2, clock: 1gbit}\nram: 1GiB\nppe: none\n");
	g_assert_cmpstr(e, ==, "t.yaml:2:24: clock: expected a frequency such as 880MHz or "
			       "1.3GHz, got '1gbit'");
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 2, clock: 1GHz}\nram: 1GiB\n");
	g_assert_cmpstr(e, ==, "t.yaml:1:1: SoC profile: missing required key 'ppe' (a mapping "
			       "or none)");
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 2, clock: 1GHz}\nram: 1GiB\n"
			   "ppe: {model: mt9999}\n");
	g_assert_true(g_str_has_prefix(e, "t.yaml:4:14: ppe.model: 'mt9999' is not a PPE the "
					  "model implements"));
	g_free(e);
	e = profile_errors("base: cortex-a53\ncpu: {cores: 2, clock: 1GHz}\nram: 1GiB\n"
			   "ppe: none\nwed: {blocks: 1}\n");
	g_assert_cmpstr(e, ==, "t.yaml:5:6: wed: WED delivers PPE-bound flows, but this profile "
			       "has no PPE");
	g_free(e);
	e = profile_errors("base: mips-24kc\ncpu: {cores: 1, clock: 580MHz}\nram: 8GiB\nppe: none\n");
	g_assert_cmpstr(e, ==, "t.yaml:3:6: ram: 8GiB does not fit a 32-bit CPU's address space");
	g_free(e);
	/* a full profile must state every cost field */
	e = profile_errors("name: x\nnetsys: none\ncpu: {class: x86-64, cores: 1, clock: 1GHz, "
			   "bits: 64}\nram: 1GiB\nppe: none\ncosts: {rx_napi: 1}\nhost: {}\n");
	g_assert_true(g_str_has_prefix(e, "t.yaml:6:8: costs: missing required key "
					  "'rx_per_byte64'\n"));
	g_free(e);
}

static void test_unknown_name_suggests_and_env_dir(void)
{
	struct yu_diag d;
	struct soc_profile p;
	char *dir, *src, *dst, *text;
	char **names;
	gsize len;

	yu_diag_init(&d);
	g_assert_false(soc_profile_load("mt7622x", NULL, SOC_DIR, &p, &d));
	g_assert_cmpuint(d.errors, ==, 1);
	text = yu_msg_format(g_ptr_array_index(d.msgs, 0));
	g_assert_cmpstr(text, ==, "mt7622x: no SoC profile of that name in " SOC_DIR
				  " (did you mean 'mt7622'?)");
	g_free(text);
	yu_diag_clear(&d);

	/* FLOWSIM_SOC_DIR is used when no directory is given */
	dir = g_dir_make_tmp("socdir-XXXXXX", NULL);
	g_assert_nonnull(dir);
	src = g_build_filename(SOC_DIR, "mt7981.yaml", NULL);
	dst = g_build_filename(dir, "board-a.yaml", NULL);
	g_assert_true(g_file_get_contents(src, &text, &len, NULL));
	g_assert_true(g_file_set_contents(dst, text, (gssize)len, NULL));
	g_setenv("FLOWSIM_SOC_DIR", dir, TRUE);
	names = soc_profile_list(NULL);
	g_assert_cmpuint(g_strv_length(names), ==, 1);
	g_assert_cmpstr(names[0], ==, "board-a");
	yu_diag_init(&d);
	g_assert_true(soc_profile_load("board-a", NULL, NULL, &p, &d));
	g_assert_cmpstr(p.name, ==, "mt7981");   /* the file's own name key */
	yu_diag_clear(&d);
	g_unsetenv("FLOWSIM_SOC_DIR");
	g_strfreev(names);
	g_unlink(dst);
	g_rmdir(dir);
	g_free(text);
	g_free(src);
	g_free(dst);
	g_free(dir);
}

/*
 * The Ethernet RX interrupt moderation (docs/soc-profiles.md, host): the mtk_eth_soc SoCs
 * start at the delay mtk_hw_init writes (20 us / 127 frames) with net_dim; the others
 * have none.  The keys are optional even in a complete profile: one written before they
 * existed still loads, without moderation.
 */
static void test_rx_irq_moderation_keys(void)
{
	static const char *const mtk[] = { "mt7621", "mt7622", "mt7981", "mt7986", "mt7988" };
	static const char *const none[] = { "mt7620", "qca9558", "x86-64-generic" };
	struct soc_profile p;
	struct yu_diag d;
	char *src, *text, *dir, *dst, **lines;
	GString *g;
	gsize len;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(mtk); i++) {
		load_ok(mtk[i], &p);
		g_assert_cmpuint(p.host.rx_irq_delay_us, ==, 20);
		g_assert_cmpuint(p.host.rx_irq_delay_frames, ==, 127);
		g_assert_true(p.host.rx_irq_dim);
	}
	for (i = 0; i < G_N_ELEMENTS(none); i++) {
		load_ok(none[i], &p);
		g_assert_cmpuint(p.host.rx_irq_delay_us, ==, 0);
		g_assert_false(p.host.rx_irq_dim);
	}

	src = g_build_filename(SOC_DIR, "mt7622.yaml", NULL);
	g_assert_true(g_file_get_contents(src, &text, &len, NULL));
	lines = g_strsplit(text, "\n", -1);
	g = g_string_new(NULL);
	for (i = 0; lines[i]; i++)
		if (!strstr(lines[i], "rx_irq_"))
			g_string_append_printf(g, "%s\n", lines[i]);
	dir = g_dir_make_tmp("socirq-XXXXXX", NULL);
	g_assert_nonnull(dir);
	dst = g_build_filename(dir, "old-mt7622.yaml", NULL);
	g_assert_true(g_file_set_contents(dst, g->str, (gssize)g->len, NULL));
	yu_diag_init(&d);
	g_assert_true(soc_profile_load(dst, NULL, SOC_DIR, &p, &d));
	g_assert_cmpuint(d.errors, ==, 0);
	g_assert_cmpuint(p.host.rx_irq_delay_us, ==, 0);
	g_assert_false(p.host.rx_irq_dim);
	yu_diag_clear(&d);
	g_unlink(dst);
	g_rmdir(dir);
	g_free(dst);
	g_free(dir);
	g_string_free(g, TRUE);
	g_strfreev(lines);
	g_free(text);
	g_free(src);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/soc_profile/every_listed_soc_loads_with_all_costs",
			test_every_listed_soc_loads_with_all_costs);
	g_test_add_func("/soc_profile/mt7620_reference_reproduces_rows_1_to_3",
			test_mt7620_reference_reproduces_rows_1_to_3);
	g_test_add_func("/soc_profile/ppe_facts_agree_with_the_model",
			test_ppe_facts_agree_with_the_model);
	g_test_add_func("/soc_profile/base_cortex_a53_at_1300mhz_is_mt7981",
			test_base_cortex_a53_at_1300mhz_is_mt7981);
	g_test_add_func("/soc_profile/base_scaling_rule_and_overrides",
			test_base_scaling_rule_and_overrides);
	g_test_add_func("/soc_profile/conntrack_autosize", test_conntrack_autosize);
	g_test_add_func("/soc_profile/malformed_profiles_name_the_place",
			test_malformed_profiles_name_the_place);
	g_test_add_func("/soc_profile/rx_irq_moderation_keys", test_rx_irq_moderation_keys);
	g_test_add_func("/soc_profile/unknown_name_suggests_and_env_dir",
			test_unknown_name_suggests_and_env_dir);
	return g_test_run();
}
