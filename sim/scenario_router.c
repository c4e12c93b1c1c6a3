// SPDX-License-Identifier: MIT
/*
 * scenario_router.c - the scenario's router: section: SoC profile, kernel version,
 * conntrack profile and sysctls, PPE and WED overrides, the offload work delay, the
 * networks the ports define, then the firewall (scenario_firewall.c) and extra_nft.
 *
 * The defaults are OpenWrt's (kernel 6.6, fw4's shipped firewall, conntrack sized from the
 * SoC's RAM as nf_conntrack_init_start does); every key given overrides one of them.
 */
#include "scenario_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------- router ---- */

static const char *const router_keys[] = {
	"soc", "kernel", "conntrack", "firewall", "firewall_uci", "ruleset", "ruleset_json",
	"extra_nft", "ppe", "wed",
	"offload_work_delay", "packet_steering", NULL,
};

static bool parse_kernel(struct scn_loader *l, const struct yu_node *v, uint16_t *out)
{
	unsigned int major, minor;
	char tail;
	int n;

	if (!yu_expect_scalar(l->d, v, "kernel"))
		return false;
	n = sscanf(v->text, "%u.%u%c", &major, &minor, &tail);
	if (n == 3 && tail == '.') {
		unsigned int patch;

		n = sscanf(v->text, "%u.%u.%u%c", &major, &minor, &patch, &tail) == 3 ? 2 : 0;
	}
	if (n != 2 || minor > 99) {
		ERR(l, v, "kernel: expected a version such as 6.6 or 5.15, got '%s'", v->text);
		return false;
	}
	if (major * 100 + minor < 414 || major > 7) {
		ERR(l, v, "kernel: %s is outside the kernels flowsim models (4.14 .. 7.x)", v->text);
		return false;
	}
	*out = (uint16_t)(major * 100 + minor);
	return true;
}

struct sysctl_def {
	const char *name;
	uint64_t min, max;
	size_t off;                 /* offset in struct conntrack_params of a u32 or u8 */
	bool is_u8;
};

#define CTP(f) offsetof(struct conntrack_params, f)
#define CTT(i) (offsetof(struct conntrack_params, tcp_timeout) + (i) * sizeof(u32))

static const struct sysctl_def sysctls[] = {
	{ "nf_conntrack_max", 1, 0x7fffffff, CTP(max), false },
	{ "nf_conntrack_buckets", 1, 1 << 30, CTP(buckets), false },
	{ "nf_conntrack_tcp_timeout_syn_sent", 1, 0x7fffffff, CTT(TCP_CT_SYN_SENT), false },
	{ "nf_conntrack_tcp_timeout_syn_recv", 1, 0x7fffffff, CTT(TCP_CT_SYN_RECV), false },
	{ "nf_conntrack_tcp_timeout_established", 1, 0x7fffffff, CTT(TCP_CT_ESTABLISHED), false },
	{ "nf_conntrack_tcp_timeout_fin_wait", 1, 0x7fffffff, CTT(TCP_CT_FIN_WAIT), false },
	{ "nf_conntrack_tcp_timeout_close_wait", 1, 0x7fffffff, CTT(TCP_CT_CLOSE_WAIT), false },
	{ "nf_conntrack_tcp_timeout_last_ack", 1, 0x7fffffff, CTT(TCP_CT_LAST_ACK), false },
	{ "nf_conntrack_tcp_timeout_time_wait", 1, 0x7fffffff, CTT(TCP_CT_TIME_WAIT), false },
	{ "nf_conntrack_tcp_timeout_close", 1, 0x7fffffff, CTT(TCP_CT_CLOSE), false },
	{ "nf_conntrack_tcp_timeout_max_retrans", 1, 0x7fffffff, CTT(TCP_CT_RETRANS), false },
	{ "nf_conntrack_tcp_timeout_unacknowledged", 1, 0x7fffffff, CTT(TCP_CT_UNACK), false },
	{ "nf_conntrack_tcp_max_retrans", 0, 255, CTP(tcp_max_retrans), false },
	{ "nf_conntrack_tcp_loose", 0, 1, CTP(tcp_loose), true },
	{ "nf_conntrack_tcp_be_liberal", 0, 1, CTP(tcp_be_liberal), true },
	{ "nf_conntrack_udp_timeout", 1, 0x7fffffff, CTP(udp_timeout), false },
	{ "nf_conntrack_udp_timeout_stream", 1, 0x7fffffff, CTP(udp_timeout_stream), false },
	{ "nf_conntrack_icmp_timeout", 1, 0x7fffffff, CTP(icmp_timeout), false },
	{ "nf_conntrack_generic_timeout", 1, 0x7fffffff, CTP(generic_timeout), false },
	{ "nf_conntrack_acct", 0, 1, CTP(acct), true },
	{ "nf_flowtable_tcp_timeout", 1, 0x7fffffff, CTP(flowtable_tcp_timeout), false },
	{ "nf_flowtable_udp_timeout", 1, 0x7fffffff, CTP(flowtable_udp_timeout), false },
};

static const char *const conntrack_keys[] = { "profile", "sysctl", NULL };
static const char *const ct_profile_names[] = { "openwrt", "linux", NULL };

static void load_conntrack(struct scn_loader *l, const struct yu_node *n)
{
	struct scn_router *r = &l->s->router;
	struct conntrack_params *ct = &r->config.ct;
	const struct yu_node *v;
	const char *names[G_N_ELEMENTS(sysctls) + 1];
	uint32_t buckets, max, i;
	size_t k;
	int prof = SCN_CT_OPENWRT;

	if (n && yu_expect_map(l->d, n, "conntrack")) {
		yu_check_keys(l->d, n, "conntrack", conntrack_keys);
		v = yu_get(n, "profile");
		if (v)
			yu_enum(l->d, v, "profile", ct_profile_names, &prof);
	}
	r->ct_profile = (uint8_t)prof;
	if (prof == SCN_CT_OPENWRT)
		conntrack_params_openwrt(ct);
	else
		conntrack_params_linux(ct);
	/* auto-sized from the SoC's RAM (nf_conntrack_init_start) */
	soc_conntrack_size(r->soc.ram_bytes, r->soc.cpu.bits ? r->soc.cpu.bits : 32, r->kernel,
			   prof == SCN_CT_OPENWRT, &buckets, &max);
	ct->buckets = buckets;
	ct->max = max;
	/* the UDP 2-second stream rule is from 2022 (spec linux-flowtable.md §5.2) */
	ct->udp_stream_delay = r->kernel >= 519;

	v = n && n->kind == YU_MAP ? yu_get(n, "sysctl") : NULL;
	if (!v || !yu_expect_map(l->d, v, "sysctl"))
		return;
	for (k = 0; k < G_N_ELEMENTS(sysctls); k++)
		names[k] = sysctls[k].name;
	names[k] = NULL;
	r->sysctls = g_new0(struct scn_sysctl, v->n_pairs);
	for (i = 0; i < v->n_pairs; i++) {
		const struct yu_node *key = v->pairs[i].key, *val = v->pairs[i].value;
		const char *name = key->text;
		const struct sysctl_def *def = NULL;
		const char *sugg;
		uint64_t x;

		if (g_str_has_prefix(name, "net.netfilter."))
			name += strlen("net.netfilter.");
		for (k = 0; k < G_N_ELEMENTS(sysctls); k++)
			if (!strcmp(sysctls[k].name, name))
				def = &sysctls[k];
		if (!def) {
			sugg = yu_suggest(name, names);
			if (sugg)
				ERR(l, key, "sysctl: '%s' is not a conntrack/flowtable sysctl the model "
				    "has (did you mean '%s'?)", key->text, sugg);
			else
				ERR(l, key, "sysctl: '%s' is not a conntrack/flowtable sysctl the model "
				    "has", key->text);
			continue;
		}
		if (!yu_u64(l->d, val, name, def->min, def->max, &x))
			continue;
		if (def->is_u8)
			*((u8 *)ct + def->off) = (u8)x;
		else
			*(u32 *)((u8 *)ct + def->off) = (u32)x;
		/* SYN_SENT2 shares the syn_sent sysctl in the kernel's table */
		if (def->off == CTT(TCP_CT_SYN_SENT))
			ct->tcp_timeout[TCP_CT_SYN_SENT2] = (u32)x;
		g_strlcpy(r->sysctls[r->n_sysctls].name, name, sizeof(r->sysctls[0].name));
		r->sysctls[r->n_sysctls].value = x;
		r->n_sysctls++;
	}
}

static const char *const ppe_override_keys[] = {
	"entries", "bind_rate", "unbind_min_packets", "reserved_suspicious", "age", NULL,
};
static const char *const ppe_age_keys[] = { "unbind", "tcp", "udp", "fin", "non_l4", NULL };

static void load_ppe_overrides(struct scn_loader *l, const struct yu_node *n)
{
	struct scn_router *r = &l->s->router;
	const struct yu_node *v;
	uint32_t u;
	bool b;

	if (!yu_expect_map(l->d, n, "ppe"))
		return;
	if (!r->has_ppe) {
		ERR(l, n, "ppe: SoC %s has no PPE", r->soc.name);
		return;
	}
	yu_check_keys(l->d, n, "router.ppe", ppe_override_keys);
	v = yu_get(n, "entries");
	if (v && yu_u32(l->d, v, "entries", 1, 65536, &u)) {
		if (u & (u - 1) || u < r->ppe.ways)
			ERR(l, v, "entries: %u is not a power of two (of at least %u ways)", u,
			    r->ppe.ways);
		else if (u > r->soc.ppe.hw_max_entries || u > 32768)
			ERR(l, v, "entries: %u is more than %s's PPE supports (%u)", u, r->soc.name,
			    MIN(r->soc.ppe.hw_max_entries, 32768U));
		else
			r->ppe.entries = u;
	}
	v = yu_get(n, "bind_rate");
	if (v && yu_u32(l->d, v, "bind_rate", 1, 65535, &u))
		r->ppe.bind_rate = (u16)u;
	v = yu_get(n, "unbind_min_packets");
	if (v && yu_u32(l->d, v, "unbind_min_packets", 0, 65535, &u))
		r->ppe.unbind_min_packets = (u16)u;
	v = yu_get(n, "reserved_suspicious");
	if (v && yu_bool(l->d, v, "reserved_suspicious", &b))
		r->ppe.reserved_suspicious = b;
	v = yu_get(n, "age");
	if (v && yu_expect_map(l->d, v, "age") && yu_check_keys(l->d, v, "router.ppe.age",
								  ppe_age_keys)) {
		static const char *const k[] = { "unbind", "tcp", "udp", "fin", "non_l4" };
		u8 *f[] = { &r->ppe.age_unbind, &r->ppe.age_tcp, &r->ppe.age_udp, &r->ppe.age_fin,
			    &r->ppe.age_non_l4 };
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(k); i++) {
			const struct yu_node *a = yu_get(v, k[i]);

			if (a && yu_u32(l->d, a, k[i], 1, 255, &u))
				*f[i] = (u8)u;
		}
	}
}

static void load_wed(struct scn_loader *l, const struct yu_node *n)
{
	struct scn_router *r = &l->s->router;
	uint32_t i, enabled = 0;

	if (!yu_expect_map(l->d, n, "wed"))
		return;
	if (!r->soc.wed.blocks) {
		ERR(l, n, "wed: SoC %s has no WED", r->soc.name);
		return;
	}
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key;
		int radio = scn_find_radio(l, k, "wed");
		bool on;

		if (radio < 0 || !yu_bool(l->d, n->pairs[i].value, k->text, &on))
			continue;
		l->s->radios[radio].wed = on;
		enabled += on;
		/* mtk_wed needs the Wi-Fi driver's hooks: MT7622's own WMAC runs mt7615e */
		if (on && radio == r->soc.wed.wmac_radio && !r->soc.wed.wmac_wed)
			yu_warning(l->d, k, "wed: radio '%s' is %s's built-in WMAC, whose driver has no "
				   "WED hooks: it stays on the CPU path", k->text, r->soc.name);
	}
	if (enabled > r->soc.wed.blocks)
		yu_warning(l->d, n, "wed: %u radios ask for WED but %s has %u WED block%s: the "
			   "first to attach get them (mtk_wed_assign)", enabled, r->soc.name,
			   r->soc.wed.blocks, r->soc.wed.blocks == 1 ? "" : "s");
}

static void build_networks(struct scn_loader *l)
{
	struct scenario *s = l->s;
	struct scn_router *r = &s->router;
	uint32_t i, j;

	for (i = 0; i < s->n_ports; i++) {
		const struct scn_port *p = &s->ports[i];

		for (j = 0; j < p->n_networks; j++) {
			struct fw4_network *net;

			if (r->n_networks >= SCN_MAX_NETWORKS) {
				ERR(l, l->port_nodes[i], "network: at most %d networks",
				    SCN_MAX_NETWORKS);
				return;
			}
			net = &r->networks[r->n_networks++];
			g_strlcpy(net->name, p->networks[j], sizeof(net->name));
			/* ifc.device is the physical side; l3_device the IP one (pppoe-wan) */
			g_strlcpy(net->device, p->kind == FS_NETDEV_PPPOE && p->lower >= 0 ?
					       s->ports[p->lower].name : p->name, sizeof(net->device));
			g_strlcpy(net->l3_device, p->name, sizeof(net->l3_device));
		}
	}
}

void scn_load_router(struct scn_loader *l, const struct yu_node *n)
{
	struct scenario *s = l->s;
	struct scn_router *r = &s->router;
	const struct yu_node *v;
	uint64_t delay;
	uint32_t steer;
	bool soc_ok = false;

	router_config_default(&r->config);
	r->kernel = 606;
	fw4_config_openwrt_default(&r->fw);
	if (!yu_expect_map(l->d, n, "router"))
		return;
	yu_check_keys(l->d, n, "router", router_keys);

	v = yu_get(n, "kernel");
	if (v)
		parse_kernel(l, v, &r->kernel);
	flowtable_behaviour_for_kernel(&r->config.ft, r->kernel);

	v = yu_require(l->d, n, "router", "soc");
	if (v) {
		if (v->kind == YU_MAP)
			soc_ok = soc_profile_from_node(v, l->soc_dir, &r->soc, l->d);
		else if (yu_expect_scalar(l->d, v, "soc")) {
			size_t before = l->d->msgs->len;

			soc_ok = soc_profile_load(v->text, s->dir, l->soc_dir, &r->soc, l->d);
			/* a missing profile is the scenario's error: say where it was named */
			if (!soc_ok && l->d->msgs->len == before + 1) {
				struct yu_msg *m = g_ptr_array_index(l->d->msgs, before);

				if (!m->line) {
					char *t = g_strdup_printf("soc: '%s': %s", v->text, m->text);

					g_free(m->text);
					m->text = t;
					g_free(m->file);
					m->file = g_strdup(v->file);
					m->line = v->line;
					m->col = v->col;
				}
			}
		}
	}
	if (soc_ok) {
		r->config.cost = r->soc.cost;
		r->has_ppe = soc_profile_ppe_config(&r->soc, r->kernel, &r->ppe) == 0;
	}
	load_conntrack(l, yu_get(n, "conntrack"));

	v = yu_get(n, "ppe");
	if (v && soc_ok)
		load_ppe_overrides(l, v);
	v = yu_get(n, "wed");
	if (v && soc_ok)
		load_wed(l, v);
	v = yu_get(n, "offload_work_delay");
	if (v && yu_duration(l->d, v, "offload_work_delay", &delay)) {
		if (delay > 10000000000ULL)
			ERR(l, v, "offload_work_delay: %s is longer than 10s", v->text);
		else
			r->config.hw_work_delay = delay;
	}

	/* network.globals.packet_steering: netifd runs packet-steering.uc with it */
	v = yu_get(n, "packet_steering");
	if (v && yu_u32(l->d, v, "packet_steering", 0, 2, &steer))
		r->packet_steering = (uint8_t)steer;

	build_networks(l);
	scn_load_router_firewall(l, n);

	v = yu_get(n, "extra_nft");
	if (v && yu_strdup(l->d, v, "extra_nft", &r->extra_nft) && !*r->extra_nft) {
		g_free(r->extra_nft);
		r->extra_nft = NULL;
	}
}
