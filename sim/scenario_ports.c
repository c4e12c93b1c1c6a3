// SPDX-License-Identifier: MIT
/*
 * scenario_ports.c - the scenario's ports: section: the router's devices (ether, DSA user
 * ports, VLANs, PPPoE, bridges, wlan), their addresses, gateways, networks and qdiscs.
 *
 * Ports load in three passes - names and kinds first so that references may point forward,
 * then each port's details (lower devices, conduits, radios), then bridge members - and a
 * last check of what needs all of them (MTUs over lower devices, duplicate DSA ports, VLAN
 * ids, BSSes and GMACs, networks named twice) before roles are inherited down the device
 * graph.
 */
#include "scenario_internal.h"

#include <string.h>

static const char *const port_kind_names[] = {
	"ether", "dsa", "vlan", "pppoe", "bridge", "wlan", NULL,
};
static const uint8_t port_kind_value[] = {
	FS_NETDEV_ETHER, FS_NETDEV_DSA, FS_NETDEV_VLAN, FS_NETDEV_PPPOE, FS_NETDEV_BRIDGE,
	FS_NETDEV_WLAN,
};
static const char *const role_names[] = { "none", "lan", "wan", NULL };

const char *scn_port_kind_name(uint8_t kind)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(port_kind_value); i++)
		if (port_kind_value[i] == kind)
			return port_kind_names[i];
	return "?";
}

/* -------------------------------------------------------------------- ports ---- */

static const char *const port_common_keys[] = {
	"name", "kind", "role", "mtu", "network", "address", "gateway", "default_route",
	"qdisc",
};
/* keys each kind adds to the common ones */
static const char *const *const port_kind_keys[] = {
	(const char *const[]){ "rate", "delay", "gmac", "ingress_qdisc", NULL }, /* ether */
	(const char *const[]){ "rate", "delay", "conduit", "dsa_port", "ingress_qdisc", NULL },
	/* dsa */
	(const char *const[]){ "lower", "vlan_id", NULL },                     /* vlan */
	(const char *const[]){ "lower", "session", NULL },                     /* pppoe */
	(const char *const[]){ "members", NULL },                              /* bridge */
	(const char *const[]){ "radio", "bss", NULL },                         /* wlan */
};
static const char *const port_all_keys[] = {
	"name", "kind", "role", "mtu", "network", "address", "gateway", "default_route",
	"qdisc", "rate", "delay", "gmac", "conduit", "dsa_port", "lower", "vlan_id", "session",
	"members", "radio", "bss", "ingress_qdisc", NULL,
};

static void check_port_keys(struct scn_loader *l, const struct yu_node *n, int kind_idx)
{
	uint32_t i;

	yu_check_keys(l->d, n, "port", port_all_keys);
	if (kind_idx < 0)
		return;
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key;

		if (!scn_key_in(k->text, port_all_keys, 0))
			continue;   /* already reported */
		if (scn_key_in(k->text, port_common_keys, G_N_ELEMENTS(port_common_keys)) ||
		    scn_key_in(k->text, port_kind_keys[kind_idx], 0))
			continue;
		if (!strcmp(k->text, "ingress_qdisc")) {
			ERR(l, k, "ingress_qdisc: ingress shaping is modelled on ether and dsa "
			    "ports (where frames arrive), not on a %s port: put it on the ether "
			    "or dsa port under it", port_kind_names[kind_idx]);
			continue;
		}
		ERR(l, k, "key '%s' does not apply to a port of kind %s", k->text,
		    port_kind_names[kind_idx]);
	}
}

/* what: the key ("qdisc", "ingress_qdisc") messages name; noqueue: whether it may be none */
static void load_qdisc(struct scn_loader *l, const struct yu_node *n, struct scn_qdisc *q,
		       const char *what, bool noqueue)
{
	static const char *const kinds[] = { "fq_codel", "cake", "htb", "pfifo", "noqueue", NULL };
	const struct yu_node *kind;
	char err[256];
	uint32_t i, errors;

	q->configured = true;
	kind = n->kind == YU_MAP ? yu_get(n, "kind") : n;
	if (!kind) {
		ERR(l, n, "%s: missing required key 'kind'", what);
		return;
	}
	if (!yu_str(l->d, kind, what, q->kind, sizeof(q->kind)))
		return;
	if (!strcmp(q->kind, "noqueue")) {
		if (!noqueue)
			ERR(l, kind, "%s: expected a qdisc for the ifb (cake, htb, fq_codel or "
			    "pfifo); leave the key out for no ingress shaping", what);
		else if (n->kind == YU_MAP && n->n_pairs > 1)
			ERR(l, n->pairs[n->pairs[0].key == yu_get_key(n, "kind") ? 1 : 0].key,
			    "%s: noqueue takes no options", what);
		return;
	}
	if (qdisc_params_init(&q->params, q->kind, err, sizeof(err))) {
		const char *sugg = yu_suggest(q->kind, kinds);

		if (sugg)
			ERR(l, kind, "%s: unknown qdisc '%s' (did you mean '%s'?)", what, q->kind,
			    sugg);
		else
			ERR(l, kind, "%s: unknown qdisc '%s' (expected one of: fq_codel, cake, "
			    "htb, pfifo%s)", what, q->kind, noqueue ? ", noqueue" : "");
		return;
	}
	if (n->kind != YU_MAP) {
		if (qdisc_params_check(&q->params, q->kind, err, sizeof(err)))
			ERR(l, n, "%s: %s", what, err);
		return;
	}
	errors = l->d->errors;
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key, *v = n->pairs[i].value;
		const char *val = NULL;
		bool flag;

		if (!strcmp(k->text, "kind"))
			continue;
		if (qdisc_param_is_flag(q->kind, k->text)) {
			if (!yu_bool(l->d, v, k->text, &flag))
				continue;
			if (!flag)
				continue;
		} else {
			if (!yu_expect_scalar(l->d, v, k->text))
				continue;
			val = v->text;
		}
		if (qdisc_params_set(&q->params, q->kind, k->text, val, err, sizeof(err)))
			ERR(l, val ? v : k, "%s: %s", what, err);
	}
	/* options that only make sense together (htb needs a rate): here, with a line, once
	 * every option read */
	if (l->d->errors == errors && qdisc_params_check(&q->params, q->kind, err, sizeof(err)))
		ERR(l, n, "%s: %s", what, err);
}

static void load_port_addresses(struct scn_loader *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "address"), *const *items;
	uint32_t i, cnt, j;

	if (!v)
		return;
	if (v->kind == YU_MAP) {
		ERR(l, v, "address: expected an address or a list of them, got a mapping");
		return;
	}
	items = scn_one_or_list(v, &cnt);
	if (cnt > SCN_MAX_PORT_ADDRS) {
		ERR(l, v, "address: at most %d addresses per port", SCN_MAX_PORT_ADDRS);
		return;
	}
	for (i = 0; i < cnt; i++) {
		struct scn_prefix pf;

		if (!scn_parse_prefix(l, scn_list_item(v, items, i), "address", &pf, true))
			continue;
		for (j = 0; j < p->n_addrs; j++)
			if (p->addrs[j].family == pf.family &&
			    fs_addr_equal(&p->addrs[j].addr, &pf.addr))
				ERR(l, scn_list_item(v, items, i), "address: '%s' is given twice",
				    scn_list_item(v, items, i)->text);
		p->addrs[p->n_addrs++] = pf;
	}
}

bool scn_on_link(const struct scn_port *p, uint8_t family, const union fs_addr *a)
{
	uint32_t i;

	for (i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].family == family &&
		    fs_addr_in_prefix(family, a, &p->addrs[i].addr, p->addrs[i].plen))
			return true;
	return false;
}

static void load_port_gateway(struct scn_loader *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "gateway"), *const *items;
	uint32_t i, cnt;

	if (v) {
		items = scn_one_or_list(v, &cnt);
		for (i = 0; i < cnt; i++) {
			const struct yu_node *it = scn_list_item(v, items, i);
			union fs_addr a;
			bool *has;

			if (!scn_parse_addr(l, it, "gateway", 0, &a))
				continue;
			if (strchr(it->text, ':')) {
				has = &p->has_gw6;
				p->gw6 = a;
			} else {
				has = &p->has_gw4;
				p->gw4 = a;
			}
			if (*has) {
				ERR(l, it, "gateway: two %s gateways on one port",
				    strchr(it->text, ':') ? "IPv6" : "IPv4");
				continue;
			}
			*has = true;
			if (!scn_on_link(p, strchr(it->text, ':') ? FS_AF_INET6 : FS_AF_INET, &a))
				ERR(l, it, "gateway: %s is not inside any address prefix of port %s",
				    it->text, p->name);
		}
	}
	v = yu_get(n, "default_route");
	if (v)
		yu_bool(l->d, v, "default_route", &p->default_route);
}

static void load_port_networks(struct scn_loader *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "network"), *const *items;
	uint32_t i, cnt;

	if (!v)
		return;
	if (v->kind == YU_MAP) {
		ERR(l, v, "network: expected a network name or a list of them, got a mapping");
		return;
	}
	items = scn_one_or_list(v, &cnt);
	if (cnt > SCN_MAX_PORT_NETS) {
		ERR(l, v, "network: at most %d networks per port", SCN_MAX_PORT_NETS);
		return;
	}
	for (i = 0; i < cnt; i++)
		if (scn_get_name(l, scn_list_item(v, items, i), "network",
				 p->networks[p->n_networks], FW4_NAME))
			p->n_networks++;
}

/* First pass: names and kinds, so that later references may point forward. */
static void load_port_names(struct scn_loader *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, j;
	int kind;

	s->ports = g_new0(struct scn_port, seq->n_items);
	l->port_nodes = g_new0(const struct yu_node *, seq->n_items);
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v;
		struct scn_port *p = &s->ports[s->n_ports];

		if (!yu_expect_map(l->d, n, "ports[]"))
			continue;
		kind = -1;
		v = yu_require(l->d, n, "port", "kind");
		if (v)
			yu_enum(l->d, v, "kind", port_kind_names, &kind);
		check_port_keys(l, n, kind);
		v = yu_require(l->d, n, "port", "name");
		if (!v || kind < 0)
			continue;
		if (!yu_expect_scalar(l->d, v, "name"))
			continue;
		if (v->len >= FS_IFNAMSIZ) {
			ERR(l, v, "name: '%s' is longer than a Linux interface name (at most %d "
			    "characters)", v->text, FS_IFNAMSIZ - 1);
			continue;
		}
		if (!scn_get_name(l, v, "name", p->name, sizeof(p->name)))
			continue;
		for (j = 0; j < s->n_ports; j++)
			if (!strcmp(s->ports[j].name, p->name))
				break;
		if (j < s->n_ports) {
			ERR(l, v, "name: port '%s' is defined twice (first at line %u)", p->name,
			    s->ports[j].line);
			continue;
		}
		p->kind = port_kind_value[kind];
		p->line = n->line;
		p->col = n->col;
		p->lower = p->master = p->radio = -1;
		p->gmac = 0xff;
		l->port_nodes[s->n_ports] = n;
		s->n_ports++;
	}
	if (s->n_ports > FS_NETDEV_MAX - 1)
		ERR(l, seq, "ports: at most %d ports (the model's device table)", FS_NETDEV_MAX - 1);
}

static int lower_of_kind(struct scn_loader *l, const struct yu_node *v, const char *what,
			 const uint8_t *ok_kinds, size_t n_ok, const char *expected)
{
	int idx = scn_find_port(l, v, what);
	size_t i;

	if (idx < 0)
		return -1;
	for (i = 0; i < n_ok; i++)
		if (l->s->ports[idx].kind == ok_kinds[i])
			return idx;
	ERR(l, v, "%s: port '%s' is a %s port, expected %s", what, v->text,
	    scn_port_kind_name(l->s->ports[idx].kind), expected);
	return -1;
}

static void load_port_details(struct scn_loader *l, uint32_t idx)
{
	static const uint8_t vlan_lowers[] = { FS_NETDEV_ETHER, FS_NETDEV_DSA, FS_NETDEV_BRIDGE };
	static const uint8_t pppoe_lowers[] = { FS_NETDEV_ETHER, FS_NETDEV_DSA, FS_NETDEV_VLAN };
	static const uint8_t conduits[] = { FS_NETDEV_ETHER };
	struct scn_port *p = &l->s->ports[idx];
	const struct yu_node *n = l->port_nodes[idx], *v;
	uint32_t u;
	int role;

	v = yu_get(n, "role");
	if (v && yu_enum(l->d, v, "role", role_names, &role))
		p->role = (uint8_t)role;

	p->mtu = p->kind == FS_NETDEV_PPPOE ? 1492 : 1500;
	v = yu_get(n, "mtu");
	if (v && yu_u32(l->d, v, "mtu", 0, 1000000, &u)) {
		if (u < 68 || u > 65535)
			ERR(l, v, "mtu: %u is outside 68..65535", u);
		else
			p->mtu = (uint16_t)u;
	}

	switch (p->kind) {
	case FS_NETDEV_ETHER:
	case FS_NETDEV_DSA:
		p->rate_bps = 1000000000ULL;
		v = yu_get(n, "rate");
		if (v && yu_rate(l->d, v, "rate", &p->rate_bps) &&
		    (p->rate_bps < 1000ULL || p->rate_bps > 800000000000ULL))
			ERR(l, v, "rate: %s is not a plausible line rate (1kbit..800gbit)", v->text);
		v = yu_get(n, "delay");
		if (v && yu_duration(l->d, v, "delay", &p->delay_ns) &&
		    p->delay_ns > 10000000000ULL)
			ERR(l, v, "delay: %s is more than 10s of one-way propagation", v->text);
		if (p->kind == FS_NETDEV_ETHER) {
			v = yu_get(n, "gmac");
			if (v && yu_u32(l->d, v, "gmac", 0, 2, &u))
				p->gmac = (uint8_t)u;
		} else {
			v = yu_require(l->d, n, "port", "conduit");
			if (v)
				p->lower = lower_of_kind(l, v, "conduit", conduits, 1,
							 "an ether port (the CPU-facing MAC)");
			v = yu_require(l->d, n, "port", "dsa_port");
			if (v && yu_u32(l->d, v, "dsa_port", 0, 15, &u))
				p->dsa_port = (uint8_t)u;
		}
		break;
	case FS_NETDEV_VLAN:
		v = yu_require(l->d, n, "port", "lower");
		if (v)
			p->lower = lower_of_kind(l, v, "lower", vlan_lowers, 3,
						 "an ether, dsa or bridge port");
		v = yu_require(l->d, n, "port", "vlan_id");
		if (v && yu_u32(l->d, v, "vlan_id", 1, 4094, &u))
			p->vlan_id = (uint16_t)u;
		break;
	case FS_NETDEV_PPPOE:
		v = yu_require(l->d, n, "port", "lower");
		if (v)
			p->lower = lower_of_kind(l, v, "lower", pppoe_lowers, 3,
						 "an ether, dsa or vlan port");
		v = yu_require(l->d, n, "port", "session");
		if (v && yu_u32(l->d, v, "session", 1, 65534, &u))
			p->pppoe_sid = (uint16_t)u;
		break;
	case FS_NETDEV_WLAN:
		v = yu_require(l->d, n, "port", "radio");
		if (v)
			p->radio = scn_find_radio(l, v, "radio");
		v = yu_get(n, "bss");
		if (v && yu_u32(l->d, v, "bss", 0, 15, &u))
			p->bss = (uint8_t)u;
		break;
	default:
		break;
	}
	load_port_networks(l, n, p);
	load_port_addresses(l, n, p);
	load_port_gateway(l, n, p);
	v = yu_get(n, "qdisc");
	if (v)
		load_qdisc(l, v, &p->qdisc, "qdisc", true);
	else
		/* Linux defaults: a real MAC and a PPP device queue (fq_codel is OpenWrt's
		 * default_qdisc); VLAN, bridge, DSA user and mac80211 devices are IFF_NO_QUEUE */
		g_strlcpy(p->qdisc.kind, p->kind == FS_NETDEV_ETHER || p->kind == FS_NETDEV_PPPOE ?
					 "fq_codel" : "noqueue", sizeof(p->qdisc.kind));
	if (!p->qdisc.configured && !strcmp(p->qdisc.kind, "fq_codel"))
		qdisc_params_init(&p->qdisc.params, "fq_codel", (char[8]){ 0 }, 8);
	/* sqm-scripts' ingress side: an ifb behind the port's tc ingress (sim_router.h) */
	v = yu_get(n, "ingress_qdisc");
	if (v)
		load_qdisc(l, v, &p->ingress, "ingress_qdisc", false);
}

static void load_bridge_members(struct scn_loader *l, uint32_t idx)
{
	static const uint8_t member_kinds[] = {
		FS_NETDEV_ETHER, FS_NETDEV_DSA, FS_NETDEV_VLAN, FS_NETDEV_WLAN,
	};
	const struct yu_node *v = yu_require(l->d, l->port_nodes[idx], "port", "members");
	uint32_t i;

	if (!v || !yu_expect_seq(l->d, v, "members"))
		return;
	if (!v->n_items)
		ERR(l, v, "members: a bridge needs at least one member port");
	for (i = 0; i < v->n_items; i++) {
		int m = lower_of_kind(l, v->items[i], "members", member_kinds, 4,
				      "an ether, dsa, vlan or wlan port");
		struct scn_port *mp;

		if (m < 0)
			continue;
		mp = &l->s->ports[m];
		if (mp->master == (int)idx) {
			ERR(l, v->items[i], "members: port '%s' is listed twice", mp->name);
			continue;
		}
		if (mp->master >= 0) {
			ERR(l, v->items[i], "members: port '%s' is already a member of bridge '%s'",
			    mp->name, l->s->ports[mp->master].name);
			continue;
		}
		if (mp->kind == FS_NETDEV_VLAN && mp->lower == (int)idx) {
			ERR(l, v->items[i], "members: VLAN '%s' sits on this bridge and cannot be "
			    "its member", mp->name);
			continue;
		}
		mp->master = (int)idx;
	}
}

/*
 * A port's role without looking at its bridge: its own, else its lower device's (VLAN,
 * PPPoE), else for a bridge the first member that has one; Wi-Fi ports default to LAN.
 * DSA user ports do not inherit from their conduit, which carries LAN and WAN alike.
 */
static uint8_t role_down(const struct scenario *s, int idx, int depth)
{
	const struct scn_port *p = &s->ports[idx];
	uint32_t i;
	uint8_t r;

	if (p->role || depth > 8)
		return p->role;
	if (p->lower >= 0 && (p->kind == FS_NETDEV_VLAN || p->kind == FS_NETDEV_PPPOE))
		return role_down(s, p->lower, depth + 1);
	if (p->kind == FS_NETDEV_BRIDGE) {
		for (i = 0; i < s->n_ports; i++)
			if (s->ports[i].master == idx && (r = role_down(s, (int)i, depth + 1)))
				return r;
		return SCN_ROLE_NONE;
	}
	return p->kind == FS_NETDEV_WLAN ? SCN_ROLE_LAN : SCN_ROLE_NONE;
}

/* The role a port ends up with: its own, else its bridge's, else role_down(). */
static uint8_t resolve_role(const struct scenario *s, int idx)
{
	const struct scn_port *p = &s->ports[idx];
	uint8_t r;

	if (p->role)
		return p->role;
	if (p->master >= 0 && (r = role_down(s, p->master, 0)))
		return r;
	return role_down(s, idx, 0);
}

static void check_ports(struct scn_loader *l)
{
	struct scenario *s = l->s;
	uint8_t *roles = g_new0(uint8_t, s->n_ports + 1);
	uint32_t i, j;

	for (i = 0; i < s->n_ports; i++) {
		struct scn_port *p = &s->ports[i];
		const struct yu_node *n = l->port_nodes[i];

		if (p->master >= 0 && (p->n_addrs || p->n_networks)) {
			ERR(l, yu_get_key(n, p->n_addrs ? "address" : "network"),
			    "port '%s' is a member of bridge '%s': give addresses and networks to "
			    "the bridge", p->name, s->ports[p->master].name);
		}
		if (p->lower >= 0 && (p->kind == FS_NETDEV_VLAN || p->kind == FS_NETDEV_PPPOE)) {
			const struct scn_port *lo = &s->ports[p->lower];
			uint32_t over = p->kind == FS_NETDEV_PPPOE ? 8 : 0;

			if (p->mtu + over > lo->mtu)
				ERR(l, yu_get(n, "mtu") ? yu_get(n, "mtu") : n,
				    "mtu: %u%s does not fit the lower port %s (MTU %u)", p->mtu,
				    over ? " + 8 (PPPoE header)" : "", lo->name, lo->mtu);
			if (lo->master >= 0 && p->kind == FS_NETDEV_PPPOE)
				ERR(l, yu_get(n, "lower"), "lower: port '%s' is a bridge member; "
				    "PPPoE runs on the bridge's lower-level port", lo->name);
		}
		/* a missing dsa_port / vlan_id is already an error: no clash with its default */
		if (p->kind == FS_NETDEV_DSA && p->lower >= 0 && yu_get(n, "dsa_port")) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_DSA && s->ports[j].lower == p->lower &&
				    yu_get(l->port_nodes[j], "dsa_port") &&
				    s->ports[j].dsa_port == p->dsa_port)
					ERR(l, yu_get(n, "dsa_port"), "dsa_port: %u on conduit %s is "
					    "already used by port '%s'", p->dsa_port,
					    s->ports[p->lower].name, s->ports[j].name);
		}
		if (p->kind == FS_NETDEV_VLAN && p->lower >= 0 && yu_get(n, "vlan_id")) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_VLAN &&
				    s->ports[j].lower == p->lower &&
				    yu_get(l->port_nodes[j], "vlan_id") &&
				    s->ports[j].vlan_id == p->vlan_id)
					ERR(l, yu_get(n, "vlan_id"), "vlan_id: VLAN %u on %s is "
					    "already port '%s'", p->vlan_id, s->ports[p->lower].name,
					    s->ports[j].name);
		}
		if (p->kind == FS_NETDEV_WLAN && p->radio >= 0) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_WLAN && s->ports[j].radio == p->radio &&
				    s->ports[j].bss == p->bss)
					ERR(l, yu_get(n, "bss") ? yu_get(n, "bss") : n,
					    "bss: radio %s BSS %u is already port '%s'",
					    s->radios[p->radio].name, p->bss, s->ports[j].name);
		}
		if (p->kind == FS_NETDEV_ETHER && p->gmac != 0xff) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_ETHER && s->ports[j].gmac == p->gmac)
					ERR(l, yu_get(n, "gmac"), "gmac: GMAC %u is already port '%s'",
					    p->gmac, s->ports[j].name);
		}
		if (p->default_route && (p->has_gw4 || p->has_gw6))
			ERR(l, yu_get_key(n, "default_route"), "default_route: give either gateway "
			    "or default_route, not both");
		for (j = 0; j < p->n_networks; j++) {
			uint32_t k, m;

			for (k = 0; k <= i; k++)
				for (m = 0; m < s->ports[k].n_networks; m++)
					if ((k < i || m < j) &&
					    !strcmp(s->ports[k].networks[m], p->networks[j]))
						ERR(l, yu_get(n, "network"), "network: '%s' is already "
						    "the network of port '%s'", p->networks[j],
						    s->ports[k].name);
		}
	}
	/* resolve on the explicit roles, then store (resolution reads explicit roles only) */
	for (i = 0; i < s->n_ports; i++)
		roles[i] = resolve_role(s, (int)i);
	for (i = 0; i < s->n_ports; i++)
		s->ports[i].role = roles[i];
	g_free(roles);
}

void scn_load_ports(struct scn_loader *l, const struct yu_node *seq)
{
	uint32_t i;

	if (!yu_expect_seq(l->d, seq, "ports"))
		return;
	if (!seq->n_items) {
		ERR(l, seq, "ports: a router needs at least one port");
		return;
	}
	load_port_names(l, seq);
	for (i = 0; i < l->s->n_ports; i++)
		load_port_details(l, i);
	for (i = 0; i < l->s->n_ports; i++)
		if (l->s->ports[i].kind == FS_NETDEV_BRIDGE)
			load_bridge_members(l, i);
	check_ports(l);
}
