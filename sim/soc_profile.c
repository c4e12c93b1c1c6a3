// SPDX-License-Identifier: MIT
/*
 * soc_profile.c - load SoC profiles (the YAML files in hw/soc) into struct soc_profile and
 * derive unlisted SoCs from their CPU class's reference profile.  What a loaded profile
 * gives the model (struct ppe_config, nf_conntrack's table size) is in soc_profile_model.c.
 *
 * Invariants: a loaded profile has every cost and host field set (a full profile must state
 * them all, a derived one inherits the rest); a PPE profile names a PPE the model
 * implements, with the same NETSYS version; cycle figures are scaled only by the rule in
 * soc_profile_scale(), never silently elsewhere.
 */
#include "soc_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wed.h"

const char *const soc_cpu_class_names[] = {
	"mips-24kc", "mips-74kc", "mips-1004kc", "cortex-a53", "cortex-a73", "x86-64", NULL,
};

const char *const soc_cost_field_names[] = {
	"rx_napi", "rx_per_byte64", "ip_forward", "conntrack", "conntrack_new", "nft_chain",
	"nft_rule", "nat", "flowtable", "hw_residual", "vlan", "pppoe", "tx_eth", "tx_wifi",
	"tx_per_byte64", "ipv6_extra", "local_deliver", NULL,
};

uint32_t *soc_cost_field(struct fs_cost_table *c, unsigned int i)
{
	uint32_t *f[] = {
		&c->rx_napi, &c->rx_per_byte64, &c->ip_forward, &c->conntrack, &c->conntrack_new,
		&c->nft_chain, &c->nft_rule, &c->nat, &c->flowtable, &c->hw_residual, &c->vlan,
		&c->pppoe, &c->tx_eth, &c->tx_wifi, &c->tx_per_byte64, &c->ipv6_extra,
		&c->local_deliver,
	};

	return i < G_N_ELEMENTS(f) ? f[i] : NULL;
}

G_STATIC_ASSERT(sizeof(struct fs_cost_table) == 17 * sizeof(uint32_t));

static const char *const wed_chip_names[] = {
	"none", "mt7915", "mt7916", "mt798x-wmac", "mt7996", NULL,
};

const char *soc_profile_dir(const char *soc_dir)
{
	const char *env;

	if (soc_dir && *soc_dir)
		return soc_dir;
	env = getenv("FLOWSIM_SOC_DIR");
	if (env && *env)
		return env;
	return FLOWSIM_SOC_DIR;
}

/* ---------------------------------------------------------------- small parsers ---- */

struct ctx {
	struct yu_diag *d;
	bool full;                   /* a complete profile: every field required */
	bool ok;
};

static struct yu_node *field(struct ctx *c, const struct yu_node *map, const char *what,
			     const char *key)
{
	struct yu_node *v = yu_get(map, key);

	if (!v && c->full) {
		yu_error(c->d, map, "%s: missing required key '%s'", what, key);
		c->ok = false;
	}
	return v;
}

static void get_u32(struct ctx *c, const struct yu_node *map, const char *what,
		    const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
	struct yu_node *v = field(c, map, what, key);

	if (v && !yu_u32(c->d, v, key, min, max, out))
		c->ok = false;
}

static void get_u8(struct ctx *c, const struct yu_node *map, const char *what,
		   const char *key, uint32_t min, uint32_t max, uint8_t *out)
{
	uint32_t v = *out;

	get_u32(c, map, what, key, min, max, &v);
	*out = (uint8_t)v;
}

static void get_u16(struct ctx *c, const struct yu_node *map, const char *what,
		    const char *key, uint32_t min, uint32_t max, uint16_t *out)
{
	uint32_t v = *out;

	get_u32(c, map, what, key, min, max, &v);
	*out = (uint16_t)v;
}

static void get_bool(struct ctx *c, const struct yu_node *map, const char *what,
		     const char *key, bool *out)
{
	struct yu_node *v = field(c, map, what, key);

	if (v && !yu_bool(c->d, v, key, out))
		c->ok = false;
}

static void get_bool8(struct ctx *c, const struct yu_node *map, const char *what,
		      const char *key, uint8_t *out)
{
	bool b = *out;

	get_bool(c, map, what, key, &b);
	*out = b;
}

static bool is_none(const struct yu_node *n)
{
	return n && n->kind == YU_SCALAR && !n->quoted && (!strcmp(n->text, "none") || n->is_null);
}

/* ----------------------------------------------------------------------- cpu ---- */

static const char *const cpu_keys[] = {
	"class", "cores", "threads_per_core", "smt_throughput", "clock", "bits",
	"memory_fraction", NULL,
};

static void parse_cpu(struct ctx *c, const struct yu_node *n, struct soc_profile *p,
		      bool derived, bool class_ref)
{
	struct yu_node *v;
	uint32_t num;
	int cls;

	if (!yu_expect_map(c->d, n, "cpu")) {
		c->ok = false;
		return;
	}
	if (!yu_check_keys(c->d, n, "cpu", cpu_keys))
		c->ok = false;
	v = yu_get(n, "class");
	if (v) {
		if (!yu_enum(c->d, v, "cpu.class", soc_cpu_class_names, &cls)) {
			c->ok = false;
		} else if (derived && cls != p->cpu.cls) {
			yu_error(c->d, v, "cpu.class: '%s' contradicts base '%s'", v->text,
				 soc_cpu_class_names[p->cpu.cls]);
			c->ok = false;
		} else {
			p->cpu.cls = (uint8_t)cls;
		}
	} else if (!derived) {
		yu_error(c->d, n, "cpu: missing required key 'class'");
		c->ok = false;
	}
	/* cores and clock are what describes an unlisted SoC: always required */
	v = yu_require(c->d, n, "cpu", "cores");
	if (!v || !yu_u32(c->d, v, "cores", 1, 64, &num))
		c->ok = false;
	else
		p->cpu.cores = (uint8_t)num;
	v = yu_require(c->d, n, "cpu", "clock");
	if (!v || !yu_freq(c->d, v, "clock", &p->cpu.clock_hz)) {
		c->ok = false;
	} else if (p->cpu.clock_hz < 10000000ULL || p->cpu.clock_hz > 10000000000ULL) {
		yu_error(c->d, v, "clock: %s is not a plausible CPU clock (10MHz..10GHz)",
			 v->text);
		c->ok = false;
	}
	v = yu_get(n, "threads_per_core");
	if (v)
		get_u8(c, n, "cpu", "threads_per_core", 1, 8, &p->cpu.threads_per_core);
	else if (!derived)
		p->cpu.threads_per_core = 1;
	v = yu_get(n, "bits");
	if (v) {
		uint32_t bits = 0;

		if (!yu_u32(c->d, v, "bits", 32, 64, &bits) || (bits != 32 && bits != 64)) {
			if (bits && bits != 32 && bits != 64)
				yu_error(c->d, v, "bits: expected 32 or 64, got '%s'", v->text);
			c->ok = false;
		} else {
			p->cpu.bits = (uint8_t)bits;
		}
	} else if (!derived) {
		yu_error(c->d, n, "cpu: missing required key 'bits'");
		c->ok = false;
	}
	v = yu_get(n, "smt_throughput");
	if (v) {
		if (!yu_double(c->d, v, "smt_throughput", 1.0, 8.0, &p->cpu.smt_throughput))
			c->ok = false;
	} else if (!derived) {
		p->cpu.smt_throughput = 1.0;
		if (p->cpu.threads_per_core > 1) {
			yu_error(c->d, n, "cpu: missing required key 'smt_throughput' "
				 "(threads_per_core is %u)", p->cpu.threads_per_core);
			c->ok = false;
		}
	}
	if (p->cpu.smt_throughput > p->cpu.threads_per_core) {
		yu_error(c->d, yu_get(n, "smt_throughput") ? yu_get(n, "smt_throughput") : n,
			 "smt_throughput: %.2f is more than threads_per_core (%u)",
			 p->cpu.smt_throughput, p->cpu.threads_per_core);
		c->ok = false;
	}
	v = yu_get(n, "memory_fraction");
	if (v) {
		if (!yu_double(c->d, v, "memory_fraction", 0.0, 1.0, &p->cpu.memory_fraction))
			c->ok = false;
	} else if (class_ref) {
		yu_error(c->d, n, "cpu: missing required key 'memory_fraction' "
			 "(class reference profiles scale others by it)");
		c->ok = false;
	}
}

/* ----------------------------------------------------------------------- ppe ---- */

static const char *const ppe_keys[] = {
	"model", "offload_version", "instances", "ways", "entry_size", "accounting",
	"entries", "entries_6_11", "hw_max_entries", "reserved_offsets", "bind_rate",
	"unbind_min_packets", "age", NULL,
};
static const char *const age_keys[] = { "unbind", "tcp", "udp", "fin", "non_l4", NULL };

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static void parse_ppe(struct ctx *c, const struct yu_node *n, struct soc_profile *p)
{
	struct ppe_config probe;
	struct ctx pc = { c->d, true, true };   /* a PPE is described completely or not at all */
	struct yu_node *v;
	uint32_t i;

	memset(&p->ppe, 0, sizeof(p->ppe));
	if (is_none(n))
		return;
	if (!yu_expect_map(c->d, n, "ppe")) {
		c->ok = false;
		return;
	}
	if (!yu_check_keys(c->d, n, "ppe", ppe_keys))
		pc.ok = false;
	p->ppe.present = true;
	v = field(&pc, n, "ppe", "model");
	if (v && yu_str(c->d, v, "ppe.model", p->ppe.model, sizeof(p->ppe.model))) {
		if (ppe_config_for_soc(&probe, p->ppe.model, 606)) {
			yu_error(c->d, v, "ppe.model: '%s' is not a PPE the model implements "
				 "(mt7620, mt7621, mt7622, mt7623, mt7981, mt7986, mt7988)",
				 p->ppe.model);
			pc.ok = false;
		} else if (p->netsys && p->netsys != probe.netsys) {
			yu_error(c->d, v, "ppe.model: %s is a NETSYS v%u PPE but the profile says "
				 "netsys: %u", p->ppe.model, probe.netsys, p->netsys);
			pc.ok = false;
		}
	} else if (v) {
		pc.ok = false;
	}
	get_u8(&pc, n, "ppe", "offload_version", 1, 2, &p->ppe.offload_version);
	get_u8(&pc, n, "ppe", "instances", 1, PPE_MAX, &p->ppe.instances);
	get_u8(&pc, n, "ppe", "ways", 1, 8, &p->ppe.ways);
	get_u16(&pc, n, "ppe", "entry_size", 16, 256, &p->ppe.entry_size);
	get_bool8(&pc, n, "ppe", "accounting", &p->ppe.accounting);
	get_u32(&pc, n, "ppe", "entries", 1, 32768, &p->ppe.entries);
	get_u32(&pc, n, "ppe", "entries_6_11", 1, 32768, &p->ppe.entries_6_11);
	get_u32(&pc, n, "ppe", "hw_max_entries", 1, 65536, &p->ppe.hw_max_entries);
	if (p->ppe.ways && !pow2(p->ppe.ways)) {
		yu_error(c->d, yu_get(n, "ways"), "ways: %u is not a power of two", p->ppe.ways);
		pc.ok = false;
	}
	if (p->ppe.entries && (!pow2(p->ppe.entries) || p->ppe.entries < p->ppe.ways)) {
		yu_error(c->d, yu_get(n, "entries"),
			 "entries: %u is not a power of two of at least 'ways'", p->ppe.entries);
		pc.ok = false;
	}
	if (p->ppe.entries_6_11 &&
	    (!pow2(p->ppe.entries_6_11) || p->ppe.entries_6_11 < p->ppe.ways)) {
		yu_error(c->d, yu_get(n, "entries_6_11"),
			 "entries_6_11: %u is not a power of two of at least 'ways'",
			 p->ppe.entries_6_11);
		pc.ok = false;
	}
	if (p->ppe.hw_max_entries &&
	    (p->ppe.entries > p->ppe.hw_max_entries ||
	     p->ppe.entries_6_11 > p->ppe.hw_max_entries)) {
		yu_error(c->d, yu_get(n, "hw_max_entries"),
			 "hw_max_entries: %u is less than the entries the driver uses",
			 p->ppe.hw_max_entries);
		pc.ok = false;
	}
	v = yu_get(n, "reserved_offsets");
	if (v && !is_none(v)) {
		if (!yu_expect_seq(c->d, v, "reserved_offsets")) {
			pc.ok = false;
		} else if (v->n_items > G_N_ELEMENTS(p->ppe.reserved_offsets)) {
			yu_error(c->d, v, "reserved_offsets: at most %zu offsets",
				 G_N_ELEMENTS(p->ppe.reserved_offsets));
			pc.ok = false;
		} else {
			for (i = 0; i < v->n_items; i++) {
				uint32_t off;

				if (!yu_u32(c->d, v->items[i], "reserved_offsets", 0, 127, &off))
					pc.ok = false;
				else
					p->ppe.reserved_offsets[p->ppe.n_reserved++] = (uint8_t)off;
			}
		}
	}
	/* mtk_ppe_start's values unless stated */
	p->ppe.bind_rate = 30;
	p->ppe.unbind_min_packets = 1000;
	p->ppe.age_unbind = 3;
	p->ppe.age_tcp = 7;
	p->ppe.age_udp = 12;
	p->ppe.age_fin = 1;
	p->ppe.age_non_l4 = 1;
	pc.full = false;
	get_u16(&pc, n, "ppe", "bind_rate", 1, 65535, &p->ppe.bind_rate);
	get_u16(&pc, n, "ppe", "unbind_min_packets", 0, 65535, &p->ppe.unbind_min_packets);
	v = yu_get(n, "age");
	if (v) {
		if (!yu_expect_map(c->d, v, "ppe.age") || !yu_check_keys(c->d, v, "ppe.age", age_keys)) {
			pc.ok = false;
		} else {
			get_u8(&pc, v, "age", "unbind", 1, 255, &p->ppe.age_unbind);
			get_u8(&pc, v, "age", "tcp", 1, 255, &p->ppe.age_tcp);
			get_u8(&pc, v, "age", "udp", 1, 255, &p->ppe.age_udp);
			get_u8(&pc, v, "age", "fin", 1, 255, &p->ppe.age_fin);
			get_u8(&pc, v, "age", "non_l4", 1, 255, &p->ppe.age_non_l4);
		}
	}
	if (!pc.ok)
		c->ok = false;
}

static const char *const wed_keys[] = {
	"blocks", "version", "rx", "wmac_radio", "wmac_wed", "chip", NULL,
};

static void parse_wed(struct ctx *c, const struct yu_node *n, struct soc_profile *p)
{
	struct ctx wc = { c->d, true, true };
	struct yu_node *v;
	int chip = -1;

	memset(&p->wed, 0, sizeof(p->wed));
	p->wed.wmac_radio = 0xff;
	if (is_none(n))
		return;
	if (!yu_expect_map(c->d, n, "wed")) {
		c->ok = false;
		return;
	}
	if (!p->ppe.present) {
		yu_error(c->d, n, "wed: WED delivers PPE-bound flows, but this profile has no PPE");
		c->ok = false;
		return;
	}
	if (!yu_check_keys(c->d, n, "wed", wed_keys))
		wc.ok = false;
	get_u8(&wc, n, "wed", "blocks", 1, WED_MAX, &p->wed.blocks);
	get_u8(&wc, n, "wed", "version", 1, 3, &p->wed.version);
	get_bool8(&wc, n, "wed", "rx", &p->wed.rx);
	get_bool8(&wc, n, "wed", "wmac_wed", &p->wed.wmac_wed);
	v = field(&wc, n, "wed", "wmac_radio");
	if (v && !is_none(v))
		get_u8(&wc, n, "wed", "wmac_radio", 0, 7, &p->wed.wmac_radio);
	v = field(&wc, n, "wed", "chip");
	if (v) {
		if (!yu_enum(c->d, v, "wed.chip", wed_chip_names, &chip) || chip == WED_CHIP_NONE) {
			if (chip == WED_CHIP_NONE)
				yu_error(c->d, v, "wed.chip: a WED block needs a Wi-Fi chip");
			wc.ok = false;
		} else {
			p->wed.chip = (uint8_t)chip;
		}
	}
	if (!wc.ok)
		c->ok = false;
}

/* --------------------------------------------------------------- costs, host ---- */

static void parse_costs(struct ctx *c, const struct yu_node *n, struct fs_cost_table *cost)
{
	unsigned int i;

	if (!yu_expect_map(c->d, n, "costs")) {
		c->ok = false;
		return;
	}
	if (!yu_check_keys(c->d, n, "costs", soc_cost_field_names))
		c->ok = false;
	for (i = 0; soc_cost_field_names[i]; i++)
		get_u32(c, n, "costs", soc_cost_field_names[i], 0, 100000000,
			soc_cost_field(cost, i));
}

static const char *const host_keys[] = {
	"napi_budget", "netdev_budget", "rx_ring", "tx_ring", "backlog", "poll_cycles",
	"rx_irq_delay_us", "rx_irq_delay_frames", "rx_irq_dim", "background_cycles", "wifi_rx_extra", "gro", "tso", "gso_segment_cycles", "qdisc", NULL,
};
static const char *const gro_keys[] = { "enabled", "max_segments", "merge_cycles", "list", NULL };
static const char *const qdisc_keys[] = { "fq_codel", "htb_fq_codel", "cake", "ifb_redirect", NULL };

static void parse_host(struct ctx *c, const struct yu_node *n, struct soc_host *h)
{
	struct yu_node *v;
	uint32_t bg;
	bool full;

	if (!yu_expect_map(c->d, n, "host")) {
		c->ok = false;
		return;
	}
	if (!yu_check_keys(c->d, n, "host", host_keys))
		c->ok = false;
	get_u32(c, n, "host", "napi_budget", 1, 4096, &h->napi_budget);
	get_u32(c, n, "host", "netdev_budget", 1, 100000, &h->netdev_budget);
	get_u32(c, n, "host", "rx_ring", 8, 65536, &h->rx_ring);
	get_u32(c, n, "host", "tx_ring", 8, 65536, &h->tx_ring);
	get_u32(c, n, "host", "backlog", 1, 10000000, &h->backlog);
	get_u32(c, n, "host", "poll_cycles", 0, 100000000, &h->poll_cycles);
	/* optional even in a complete profile (added after the format was fixed): absent,
	 * a frame into an idle ring interrupts at once */
	full = c->full;
	c->full = false;
	get_u32(c, n, "host", "rx_irq_delay_us", 0, 1000000, &h->rx_irq_delay_us);
	get_u32(c, n, "host", "rx_irq_delay_frames", 1, 65536, &h->rx_irq_delay_frames);
	get_bool(c, n, "host", "rx_irq_dim", &h->rx_irq_dim);
	c->full = full;
	bg = (uint32_t)MIN(h->background_cycles, (uint64_t)UINT32_MAX);
	get_u32(c, n, "host", "background_cycles", 0, 4000000000U, &bg);
	h->background_cycles = bg;
	get_u32(c, n, "host", "wifi_rx_extra", 0, 100000000, &h->wifi_rx_extra);
	get_bool(c, n, "host", "tso", &h->tso);
	get_u32(c, n, "host", "gso_segment_cycles", 0, 100000000, &h->gso_segment_cycles);
	v = field(c, n, "host", "gro");
	if (v) {
		if (!yu_expect_map(c->d, v, "host.gro") ||
		    !yu_check_keys(c->d, v, "host.gro", gro_keys)) {
			c->ok = false;
		} else {
			get_bool(c, v, "host.gro", "enabled", &h->gro);
			get_u32(c, v, "host.gro", "max_segments", 1, 64, &h->gro_max_segments);
			get_u32(c, v, "host.gro", "merge_cycles", 0, 100000000, &h->gro_merge_cycles);
			get_bool(c, v, "host.gro", "list", &h->gro_list);
		}
	}
	v = field(c, n, "host", "qdisc");
	if (v) {
		if (!yu_expect_map(c->d, v, "host.qdisc") ||
		    !yu_check_keys(c->d, v, "host.qdisc", qdisc_keys)) {
			c->ok = false;
		} else {
			get_u32(c, v, "host.qdisc", "fq_codel", 0, 100000000, &h->qdisc_fq_codel);
			get_u32(c, v, "host.qdisc", "htb_fq_codel", 0, 100000000,
				&h->qdisc_htb_fq_codel);
			get_u32(c, v, "host.qdisc", "cake", 0, 100000000, &h->qdisc_cake);
			get_u32(c, v, "host.qdisc", "ifb_redirect", 0, 100000000, &h->ifb_redirect);
		}
	}
}

/* ------------------------------------------------------------------- scaling ---- */

double soc_profile_scale(const struct soc_profile *ref, uint64_t clock_hz)
{
	double m = ref->cpu.memory_fraction;

	if (!ref->cpu.clock_hz)
		return 1.0;
	return (1.0 - m) + m * (double)clock_hz / (double)ref->cpu.clock_hz;
}

static uint32_t scaled(uint32_t v, double f)
{
	double r = floor((double)v * f + 0.5);

	return r > (double)UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

/* Scale every cycle figure (not counts, sizes or flags). */
static void apply_scale(struct soc_profile *p, double f)
{
	unsigned int i;

	for (i = 0; soc_cost_field_names[i]; i++) {
		uint32_t *v = soc_cost_field(&p->cost, i);

		*v = scaled(*v, f);
	}
	p->host.poll_cycles = scaled(p->host.poll_cycles, f);
	p->host.background_cycles = (uint64_t)floor((double)p->host.background_cycles * f + 0.5);
	p->host.wifi_rx_extra = scaled(p->host.wifi_rx_extra, f);
	p->host.gro_merge_cycles = scaled(p->host.gro_merge_cycles, f);
	p->host.gso_segment_cycles = scaled(p->host.gso_segment_cycles, f);
	p->host.qdisc_fq_codel = scaled(p->host.qdisc_fq_codel, f);
	p->host.qdisc_htb_fq_codel = scaled(p->host.qdisc_htb_fq_codel, f);
	p->host.qdisc_cake = scaled(p->host.qdisc_cake, f);
	p->host.ifb_redirect = scaled(p->host.ifb_redirect, f);
	p->scale = f;
}

/* Is the file a class reference for cls?  (A cheap look at two keys.) */
static bool file_is_reference(const char *path, int cls)
{
	struct yu_diag d;
	struct yu_doc *doc;
	struct yu_node *r, *cpu, *c;
	bool yes = false;
	bool b;

	yu_diag_init(&d);
	doc = yu_load_file(path, NULL, &d);
	if (doc && doc->root && doc->root->kind == YU_MAP) {
		r = yu_get(doc->root, "class_reference");
		cpu = yu_get(doc->root, "cpu");
		c = yu_get(cpu, "class");
		if (r && c && c->kind == YU_SCALAR && yu_bool(&d, r, "class_reference", &b) && b &&
		    !strcmp(c->text, soc_cpu_class_names[cls]))
			yes = true;
	}
	yu_doc_free(doc);
	yu_diag_clear(&d);
	return yes;
}

static bool load_path(const char *path, const char *soc_dir, struct soc_profile *out,
		      struct yu_diag *d, bool allow_base);

static bool load_reference(struct ctx *c, const struct yu_node *at, int cls,
			   const char *soc_dir, struct soc_profile *ref)
{
	const char *dir = soc_profile_dir(soc_dir);
	char **names = soc_profile_list(soc_dir);
	char *found = NULL;
	int n = 0, i;
	bool ok;

	for (i = 0; names && names[i]; i++) {
		char *path = g_strdup_printf("%s/%s.yaml", dir, names[i]);

		if (file_is_reference(path, cls)) {
			if (!found)
				found = g_strdup(path);
			n++;
		}
		g_free(path);
	}
	g_strfreev(names);
	if (n != 1) {
		if (n)
			yu_error(c->d, at, "base: %d profiles in %s declare class_reference for '%s'",
				 n, dir, soc_cpu_class_names[cls]);
		else
			yu_error(c->d, at, "base: no profile in %s declares class_reference for '%s'",
				 dir, soc_cpu_class_names[cls]);
		g_free(found);
		return false;
	}
	ok = load_path(found, soc_dir, ref, c->d, false);
	g_free(found);
	return ok;
}

/* --------------------------------------------------------------------- profile ---- */

static const char *const top_keys[] = {
	"name", "description", "base", "class_reference", "netsys", "cpu", "ram", "ppe",
	"wed", "costs", "host", NULL,
};

static bool parse_profile(const struct yu_node *root, const char *soc_dir,
			  struct soc_profile *p, struct yu_diag *d, bool allow_base)
{
	struct ctx c = { d, true, true };
	struct yu_node *v, *base;
	bool class_ref = false;
	int cls;

	memset(p, 0, sizeof(*p));
	p->scale = 1.0;
	if (!yu_expect_map(d, root, "SoC profile"))
		return false;
	if (!yu_check_keys(d, root, "SoC profile", top_keys))
		c.ok = false;

	base = yu_get(root, "base");
	if (base) {
		struct soc_profile ref;

		if (!allow_base) {
			yu_error(d, base, "base: a class reference profile cannot itself have a base");
			return false;
		}
		if (!yu_enum(d, base, "base", soc_cpu_class_names, &cls))
			return false;
		if (yu_get(root, "class_reference")) {
			yu_error(d, yu_get_key(root, "class_reference"),
				 "class_reference: a profile with a base is not a reference");
			return false;
		}
		if (!load_reference(&c, base, cls, soc_dir, &ref))
			return false;
		*p = ref;
		p->class_reference = false;
		g_strlcpy(p->derived_from, ref.name, sizeof(p->derived_from));
		p->description[0] = 0;
		c.full = false;
	} else {
		v = yu_get(root, "class_reference");
		if (v && !yu_bool(d, v, "class_reference", &class_ref))
			c.ok = false;
		p->class_reference = class_ref;
	}

	v = yu_get(root, "name");
	if (v) {
		if (!yu_str(d, v, "name", p->name, sizeof(p->name)))
			c.ok = false;
	} else if (!base) {
		yu_error(d, root, "SoC profile: missing required key 'name'");
		c.ok = false;
	} else {
		g_snprintf(p->name, sizeof(p->name), "%s-custom", soc_cpu_class_names[cls]);
	}
	v = yu_get(root, "description");
	if (v && !yu_str(d, v, "description", p->description, sizeof(p->description)))
		c.ok = false;

	v = yu_get(root, "netsys");
	if (v) {
		uint32_t ns;

		if (is_none(v))
			p->netsys = 0;
		else if (!yu_u32(d, v, "netsys", 1, 3, &ns))
			c.ok = false;
		else
			p->netsys = (uint8_t)ns;
	} else if (!base) {
		yu_error(d, root, "SoC profile: missing required key 'netsys' (1..3 or none)");
		c.ok = false;
	}

	v = yu_get(root, "cpu");
	if (v) {
		struct soc_profile ref_cpu = *p;   /* the reference's clock and memory_fraction */

		parse_cpu(&c, v, p, base != NULL, class_ref);
		if (base && c.ok)
			apply_scale(p, soc_profile_scale(&ref_cpu, p->cpu.clock_hz));
	} else {
		yu_error(d, root, "SoC profile: missing required key 'cpu'");
		c.ok = false;
	}

	v = yu_get(root, "ram");
	if (v) {
		if (!yu_size(d, v, "ram", &p->ram_bytes)) {
			c.ok = false;
		} else if (p->ram_bytes < (16ULL << 20) || p->ram_bytes > (1ULL << 40)) {
			yu_error(d, v, "ram: %s is not plausible for a router (16MiB..1TiB)", v->text);
			c.ok = false;
		} else if (p->cpu.bits == 32 && p->ram_bytes > (4ULL << 30)) {
			yu_error(d, v, "ram: %s does not fit a 32-bit CPU's address space", v->text);
			c.ok = false;
		}
	} else {
		yu_error(d, root, "SoC profile: missing required key 'ram'");
		c.ok = false;
	}

	/* PPE and WED are never inherited: an unlisted SoC must say what it has */
	v = yu_get(root, "ppe");
	if (v) {
		parse_ppe(&c, v, p);
	} else {
		yu_error(d, root, "SoC profile: missing required key 'ppe' (a mapping or none)");
		c.ok = false;
	}
	if (p->ppe.present && !p->netsys && yu_get(root, "netsys")) {
		yu_error(d, yu_get(root, "netsys"), "netsys: a profile with a PPE needs netsys 1..3");
		c.ok = false;
	}
	v = yu_get(root, "wed");
	if (v) {
		parse_wed(&c, v, p);
	} else {
		memset(&p->wed, 0, sizeof(p->wed));
		p->wed.wmac_radio = 0xff;
	}

	v = yu_get(root, "costs");
	if (v)
		parse_costs(&c, v, &p->cost);
	else if (!base) {
		yu_error(d, root, "SoC profile: missing required key 'costs'");
		c.ok = false;
	}
	v = yu_get(root, "host");
	if (v)
		parse_host(&c, v, &p->host);
	else if (!base) {
		yu_error(d, root, "SoC profile: missing required key 'host'");
		c.ok = false;
	}
	return c.ok;
}

static bool load_path(const char *path, const char *soc_dir, struct soc_profile *out,
		      struct yu_diag *d, bool allow_base)
{
	struct yu_doc *doc = yu_load_file(path, NULL, d);
	bool ok;

	if (!doc)
		return false;
	if (!doc->root) {
		yu_error_at(d, doc->file, 0, 0, "empty file: expected a SoC profile mapping");
		yu_doc_free(doc);
		return false;
	}
	ok = parse_profile(doc->root, soc_dir, out, d, allow_base);
	if (ok)
		g_strlcpy(out->source, path, sizeof(out->source));
	yu_doc_free(doc);
	return ok;
}

bool soc_profile_from_node(const struct yu_node *map, const char *soc_dir,
			   struct soc_profile *out, struct yu_diag *d)
{
	bool ok = parse_profile(map, soc_dir, out, d, true);

	if (ok)
		g_snprintf(out->source, sizeof(out->source), "inline in %s:%u", map->file,
			   map->line);
	return ok;
}

static bool looks_like_path(const char *s)
{
	return strchr(s, '/') || g_str_has_suffix(s, ".yaml") || g_str_has_suffix(s, ".yml");
}

bool soc_profile_load(const char *name_or_path, const char *rel_dir, const char *soc_dir,
		      struct soc_profile *out, struct yu_diag *d)
{
	const char *dir = soc_profile_dir(soc_dir);
	char *path;
	bool ok;

	if (looks_like_path(name_or_path)) {
		if (g_path_is_absolute(name_or_path) || !rel_dir)
			path = g_strdup(name_or_path);
		else
			path = g_build_filename(rel_dir, name_or_path, NULL);
	} else {
		path = g_strdup_printf("%s/%s.yaml", dir, name_or_path);
		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			char **names = soc_profile_list(soc_dir);
			const char *sugg = names ? yu_suggest(name_or_path,
							      (const char *const *)names) : NULL;
			char *all = names ? g_strjoinv(", ", names) : g_strdup("");

			if (sugg)
				yu_error_at(d, name_or_path, 0, 0,
					    "no SoC profile of that name in %s (did you mean '%s'?)",
					    dir, sugg);
			else
				yu_error_at(d, name_or_path, 0, 0,
					    "no SoC profile of that name in %s (available: %s)", dir,
					    all);
			g_free(all);
			g_strfreev(names);
			g_free(path);
			return false;
		}
	}
	ok = load_path(path, soc_dir, out, d, true);
	g_free(path);
	return ok;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **soc_profile_list(const char *soc_dir)
{
	const char *dir = soc_profile_dir(soc_dir);
	GDir *gd = g_dir_open(dir, 0, NULL);
	GPtrArray *a = g_ptr_array_new();
	const char *f;

	if (gd) {
		while ((f = g_dir_read_name(gd)) != NULL)
			if (g_str_has_suffix(f, ".yaml"))
				g_ptr_array_add(a, g_strndup(f, strlen(f) - 5));
		g_dir_close(gd);
	}
	g_ptr_array_sort(a, cmp_str);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}
