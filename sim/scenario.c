// SPDX-License-Identifier: MIT
/*
 * scenario.c - load a scenario YAML file into struct scenario and validate it completely.
 *
 * Loading goes section by section in dependency order (radios, ports, router, hosts and
 * stations, traffic, events, output); every section reports all of its errors and keeps
 * going with what it could read, so one run of `flowsim validate` lists every problem.  A
 * reference that cannot be resolved becomes -1 after its error and later checks skip it.
 *
 * Invariants of a scenario that loaded (no errors): names are unique within ports, radios,
 * hosts+stations and traffic; every index is valid; each port's lower/conduit/master/radio
 * has the kind its kind needs and the device graph has no cycle; MTUs, rates, times and
 * sizes are in range; every host has an address that the router can reach; every traffic
 * endpoint has an address of the traffic's family; events are sorted by time.
 */
#include "scenario.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "uci.h"

const char *const scn_traffic_type_names[] = {
	"tcp_bulk", "udp_cbr", "udp_flood", "p2p_swarm", "web", "game", "voip", NULL,
};
const char *const scn_event_type_names[] = {
	"roam", "link_down", "link_up", "firewall_reload", NULL,
};
const char *const scn_snapshot_names[] = {
	"conntrack", "ppe", "ppe_bind", "nft", "flowtable", NULL,
};

static const char *const port_kind_names[] = {
	"ether", "dsa", "vlan", "pppoe", "bridge", "wlan", NULL,
};
static const uint8_t port_kind_value[] = {
	FS_NETDEV_ETHER, FS_NETDEV_DSA, FS_NETDEV_VLAN, FS_NETDEV_PPPOE, FS_NETDEV_BRIDGE,
	FS_NETDEV_WLAN,
};
static const char *const role_names[] = { "none", "lan", "wan", NULL };

struct ld {
	struct yu_diag *d;
	struct scenario *s;
	struct yu_doc *doc;
	const char *soc_dir;
	const struct yu_node **port_nodes;
	const struct yu_node *firewall_node;
	const struct yu_node *router_key;    /* the "router" key: place of router-wide notes */
};

#define ERR(l, n, ...) yu_error((l)->d, (n), __VA_ARGS__)

static const char *port_kind_name(uint8_t kind)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(port_kind_value); i++)
		if (port_kind_value[i] == kind)
			return port_kind_names[i];
	return "?";
}

/* ------------------------------------------------------------------ helpers ---- */

/* Names of everything, interface names included: a set Linux accepts for devices too. */
static bool valid_name(const char *s)
{
	const char *p;

	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (p = s; *p; p++)
		if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

static bool get_name(struct ld *l, const struct yu_node *n, const char *what, char *buf,
		     size_t size)
{
	if (!yu_str(l->d, n, what, buf, size))
		return false;
	if (!valid_name(buf)) {
		ERR(l, n, "%s: '%s' is not a valid name (letters, digits, '_', '-', '.')", what,
		    buf);
		return false;
	}
	return true;
}

/* A list of names (NULL-terminated) for suggestions; g_free the array only. */
static const char **names_of(const void *arr, size_t stride, uint32_t n, size_t name_off)
{
	const char **v = g_new0(const char *, n + 1);
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = (const char *)arr + i * stride + name_off;
	return v;
}

static void unknown_ref(struct ld *l, const struct yu_node *n, const char *what,
			const char *thing, const char **names)
{
	const char *sugg = yu_suggest(n->text, names);

	if (sugg)
		ERR(l, n, "%s: unknown %s '%s' (did you mean '%s'?)", what, thing, n->text, sugg);
	else if (names[0])
		ERR(l, n, "%s: unknown %s '%s'", what, thing, n->text);
	else
		ERR(l, n, "%s: unknown %s '%s' (none are defined)", what, thing, n->text);
}

static int find_port(struct ld *l, const struct yu_node *n, const char *what)
{
	const char **names;
	int i;

	if (!yu_expect_scalar(l->d, n, what))
		return -1;
	i = scenario_port_index(l->s, n->text);
	if (i >= 0)
		return i;
	names = names_of(l->s->ports, sizeof(struct scn_port), l->s->n_ports,
			 offsetof(struct scn_port, name));
	unknown_ref(l, n, what, "port", names);
	g_free(names);
	return -1;
}

static int find_host(struct ld *l, const struct yu_node *n, const char *what)
{
	const char **names;
	int i;

	if (!yu_expect_scalar(l->d, n, what))
		return -1;
	i = scenario_host_index(l->s, n->text);
	if (i >= 0)
		return i;
	names = names_of(l->s->hosts, sizeof(struct scn_host), l->s->n_hosts,
			 offsetof(struct scn_host, name));
	unknown_ref(l, n, what, "host", names);
	g_free(names);
	return -1;
}

static int find_radio(struct ld *l, const struct yu_node *n, const char *what)
{
	const char **names;
	int i;

	if (!yu_expect_scalar(l->d, n, what))
		return -1;
	i = scenario_radio_index(l->s, n->text);
	if (i >= 0)
		return i;
	names = names_of(l->s->radios, sizeof(struct scn_radio), l->s->n_radios,
			 offsetof(struct scn_radio, name));
	unknown_ref(l, n, what, "radio", names);
	g_free(names);
	return -1;
}

int scenario_port_index(const struct scenario *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->n_ports; i++)
		if (!strcmp(s->ports[i].name, name))
			return (int)i;
	return -1;
}

int scenario_host_index(const struct scenario *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->n_hosts; i++)
		if (!strcmp(s->hosts[i].name, name))
			return (int)i;
	return -1;
}

int scenario_radio_index(const struct scenario *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->n_radios; i++)
		if (!strcmp(s->radios[i].name, name))
			return (int)i;
	return -1;
}

/* A value or a list of values: the items of a list, or NULL meaning "n itself" (count 1). */
static const struct yu_node *const *one_or_list(const struct yu_node *n, uint32_t *count)
{
	if (n->kind == YU_SEQ) {
		*count = n->n_items;
		return (const struct yu_node *const *)n->items;
	}
	*count = 1;
	return NULL;
}

static const struct yu_node *list_item(const struct yu_node *n, const struct yu_node *const *v,
				       uint32_t i)
{
	return v ? v[i] : n;
}

/* "192.168.1.1/24" or "fd00::1/64" */
static bool parse_prefix(struct ld *l, const struct yu_node *n, const char *what,
			 struct scn_prefix *out, bool need_plen)
{
	const char *slash;
	char *end;
	unsigned long plen;
	int fam;

	if (!yu_expect_scalar(l->d, n, what))
		return false;
	slash = strchr(n->text, '/');
	fam = fs_addr_parse(n->text, slash ? (size_t)(slash - n->text) : n->len, &out->addr);
	if (!fam) {
		ERR(l, n, "%s: expected an address%s such as 192.168.1.1%s or fd00::1%s, got '%s'",
		    what, need_plen ? " with prefix length" : "", need_plen ? "/24" : "",
		    need_plen ? "/64" : "", n->text);
		return false;
	}
	out->family = (uint8_t)fam;
	if (!slash) {
		if (need_plen) {
			ERR(l, n, "%s: '%s' needs a prefix length (e.g. /%d)", what, n->text,
			    fam == FS_AF_INET ? 24 : 64);
			return false;
		}
		out->plen = fam == FS_AF_INET ? 32 : 128;
		return true;
	}
	plen = strtoul(slash + 1, &end, 10);
	if (!g_ascii_isdigit(slash[1]) || *end || plen > (fam == FS_AF_INET ? 32UL : 128UL)) {
		ERR(l, n, "%s: bad prefix length in '%s' (0..%d)", what, n->text,
		    fam == FS_AF_INET ? 32 : 128);
		return false;
	}
	out->plen = (uint8_t)plen;
	return true;
}

static bool parse_addr(struct ld *l, const struct yu_node *n, const char *what, int family,
		       union fs_addr *out)
{
	int fam;

	if (!yu_expect_scalar(l->d, n, what))
		return false;
	fam = strchr(n->text, '/') ? 0 : fs_addr_parse(n->text, n->len, out);
	if (!fam || (family && fam != family)) {
		ERR(l, n, "%s: expected an %s address, got '%s'", what,
		    family == FS_AF_INET6 ? "IPv6" : family == FS_AF_INET ? "IPv4" : "IP",
		    n->text);
		return false;
	}
	return true;
}

static char *addr_text(uint8_t family, const union fs_addr *a)
{
	char buf[64];

	fs_addr_format(buf, sizeof(buf), family, a);
	return g_strdup(buf);
}

/* Paths are relative to the scenario file's directory. */
static char *resolve_path(struct ld *l, const char *p)
{
	if (g_path_is_absolute(p))
		return g_strdup(p);
	return g_build_filename(l->s->dir, p, NULL);
}

/* ------------------------------------------------------------------- radios ---- */

static const char *const radio_keys[] = { "name", "band", "phy_rate", "shared_airtime", NULL };

/* "2.4", "5", "6" (optionally with GHz) -> enum scn_band, or -1 after an error. */
static int parse_band(struct ld *l, const struct yu_node *v, const char *what)
{
	if (!yu_expect_scalar(l->d, v, what))
		return -1;
	if (!strcmp(v->text, "2.4") || !g_ascii_strcasecmp(v->text, "2.4GHz"))
		return SCN_BAND_2G4;
	if (!strcmp(v->text, "5") || !g_ascii_strcasecmp(v->text, "5GHz"))
		return SCN_BAND_5G;
	if (!strcmp(v->text, "6") || !g_ascii_strcasecmp(v->text, "6GHz"))
		return SCN_BAND_6G;
	ERR(l, v, "%s: expected 2.4, 5 or 6 (GHz), got '%s'", what, v->text);
	return -1;
}

/* The first wlan port on a radio of that band, or -1 after an error. */
static int wlan_port_of_band(struct ld *l, const struct yu_node *v, const char *what)
{
	int band = parse_band(l, v, what);
	uint32_t i;

	if (band < 0)
		return -1;
	for (i = 0; i < l->s->n_ports; i++) {
		const struct scn_port *p = &l->s->ports[i];

		if (p->kind == FS_NETDEV_WLAN && p->radio >= 0 && l->s->radios[p->radio].band == band)
			return (int)i;
	}
	ERR(l, v, "%s: no wlan port is on a %s GHz radio", what, v->text);
	return -1;
}

static void load_radios(struct ld *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "radios"))
		return;
	s->radios = g_new0(struct scn_radio, seq->n_items);
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i];
		struct scn_radio *r = &s->radios[s->n_radios];
		const struct yu_node *v;

		if (!yu_expect_map(l->d, n, "radios[]"))
			continue;
		yu_check_keys(l->d, n, "radio", radio_keys);
		r->line = n->line;
		r->col = n->col;
		v = yu_require(l->d, n, "radio", "name");
		if (!v || !get_name(l, v, "name", r->name, sizeof(r->name)))
			continue;
		for (j = 0; j < s->n_radios; j++)
			if (!strcmp(s->radios[j].name, r->name))
				ERR(l, v, "name: radio '%s' is defined twice (first at line %u)",
				    r->name, s->radios[j].line);
		v = yu_require(l->d, n, "radio", "band");
		if (v) {
			int band = parse_band(l, v, "band");

			if (band >= 0)
				r->band = (uint8_t)band;
		}
		v = yu_require(l->d, n, "radio", "phy_rate");
		if (v && yu_rate(l->d, v, "phy_rate", &r->phy_rate_bps) &&
		    (r->phy_rate_bps < 1000000ULL || r->phy_rate_bps > 46000000000ULL))
			ERR(l, v, "phy_rate: %s is not a Wi-Fi PHY rate (1mbit..46gbit)", v->text);
		r->shared_airtime = true;
		v = yu_get(n, "shared_airtime");
		if (v)
			yu_bool(l->d, v, "shared_airtime", &r->shared_airtime);
		s->n_radios++;
	}
}

/* -------------------------------------------------------------------- ports ---- */

static const char *const port_common_keys[] = {
	"name", "kind", "role", "mtu", "network", "address", "gateway", "default_route",
	"qdisc",
};
/* keys each kind adds to the common ones */
static const char *const *const port_kind_keys[] = {
	(const char *const[]){ "rate", "delay", "gmac", NULL },                /* ether */
	(const char *const[]){ "rate", "delay", "conduit", "dsa_port", NULL }, /* dsa */
	(const char *const[]){ "lower", "vlan_id", NULL },                     /* vlan */
	(const char *const[]){ "lower", "session", NULL },                     /* pppoe */
	(const char *const[]){ "members", NULL },                              /* bridge */
	(const char *const[]){ "radio", "bss", NULL },                         /* wlan */
};
static const char *const port_all_keys[] = {
	"name", "kind", "role", "mtu", "network", "address", "gateway", "default_route",
	"qdisc", "rate", "delay", "gmac", "conduit", "dsa_port", "lower", "vlan_id", "session",
	"members", "radio", "bss", NULL,
};

static bool key_in(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; n ? i < n : list[i] != NULL; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static void check_port_keys(struct ld *l, const struct yu_node *n, int kind_idx)
{
	uint32_t i;

	yu_check_keys(l->d, n, "port", port_all_keys);
	if (kind_idx < 0)
		return;
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key;

		if (!key_in(k->text, port_all_keys, 0))
			continue;   /* already reported */
		if (key_in(k->text, port_common_keys, G_N_ELEMENTS(port_common_keys)) ||
		    key_in(k->text, port_kind_keys[kind_idx], 0))
			continue;
		ERR(l, k, "key '%s' does not apply to a port of kind %s", k->text,
		    port_kind_names[kind_idx]);
	}
}

static void load_qdisc(struct ld *l, const struct yu_node *n, struct scn_qdisc *q)
{
	const struct yu_node *kind;
	char err[256];
	uint32_t i;

	q->configured = true;
	kind = n->kind == YU_MAP ? yu_get(n, "kind") : n;
	if (!kind) {
		ERR(l, n, "qdisc: missing required key 'kind'");
		return;
	}
	if (!yu_str(l->d, kind, "qdisc", q->kind, sizeof(q->kind)))
		return;
	if (!strcmp(q->kind, "noqueue")) {
		if (n->kind == YU_MAP && n->n_pairs > 1)
			ERR(l, n->pairs[n->pairs[0].key == yu_get_key(n, "kind") ? 1 : 0].key,
			    "qdisc: noqueue takes no options");
		return;
	}
	if (qdisc_params_init(&q->params, q->kind, err, sizeof(err))) {
		static const char *const kinds[] = { "fq_codel", "cake", "pfifo", "noqueue", NULL };
		const char *sugg = yu_suggest(q->kind, kinds);

		if (sugg)
			ERR(l, kind, "qdisc: unknown qdisc '%s' (did you mean '%s'?)", q->kind, sugg);
		else
			ERR(l, kind, "qdisc: unknown qdisc '%s' (expected one of: fq_codel, cake, "
			    "pfifo, noqueue)", q->kind);
		return;
	}
	if (n->kind != YU_MAP)
		return;
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
			ERR(l, val ? v : k, "qdisc: %s", err);
	}
}

static void load_port_addresses(struct ld *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "address"), *const *items;
	uint32_t i, cnt, j;

	if (!v)
		return;
	if (v->kind == YU_MAP) {
		ERR(l, v, "address: expected an address or a list of them, got a mapping");
		return;
	}
	items = one_or_list(v, &cnt);
	if (cnt > SCN_MAX_PORT_ADDRS) {
		ERR(l, v, "address: at most %d addresses per port", SCN_MAX_PORT_ADDRS);
		return;
	}
	for (i = 0; i < cnt; i++) {
		struct scn_prefix pf;

		if (!parse_prefix(l, list_item(v, items, i), "address", &pf, true))
			continue;
		for (j = 0; j < p->n_addrs; j++)
			if (p->addrs[j].family == pf.family &&
			    fs_addr_equal(&p->addrs[j].addr, &pf.addr))
				ERR(l, list_item(v, items, i), "address: '%s' is given twice",
				    list_item(v, items, i)->text);
		p->addrs[p->n_addrs++] = pf;
	}
}

static bool on_link(const struct scn_port *p, uint8_t family, const union fs_addr *a)
{
	uint32_t i;

	for (i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].family == family &&
		    fs_addr_in_prefix(family, a, &p->addrs[i].addr, p->addrs[i].plen))
			return true;
	return false;
}

static void load_port_gateway(struct ld *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "gateway"), *const *items;
	uint32_t i, cnt;

	if (v) {
		items = one_or_list(v, &cnt);
		for (i = 0; i < cnt; i++) {
			const struct yu_node *it = list_item(v, items, i);
			union fs_addr a;
			bool *has;

			if (!parse_addr(l, it, "gateway", 0, &a))
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
			if (!on_link(p, strchr(it->text, ':') ? FS_AF_INET6 : FS_AF_INET, &a))
				ERR(l, it, "gateway: %s is not inside any address prefix of port %s",
				    it->text, p->name);
		}
	}
	v = yu_get(n, "default_route");
	if (v)
		yu_bool(l->d, v, "default_route", &p->default_route);
}

static void load_port_networks(struct ld *l, const struct yu_node *n, struct scn_port *p)
{
	const struct yu_node *v = yu_get(n, "network"), *const *items;
	uint32_t i, cnt;

	if (!v)
		return;
	if (v->kind == YU_MAP) {
		ERR(l, v, "network: expected a network name or a list of them, got a mapping");
		return;
	}
	items = one_or_list(v, &cnt);
	if (cnt > SCN_MAX_PORT_NETS) {
		ERR(l, v, "network: at most %d networks per port", SCN_MAX_PORT_NETS);
		return;
	}
	for (i = 0; i < cnt; i++)
		if (get_name(l, list_item(v, items, i), "network", p->networks[p->n_networks],
			     FW4_NAME))
			p->n_networks++;
}

/* First pass: names and kinds, so that later references may point forward. */
static void load_port_names(struct ld *l, const struct yu_node *seq)
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
		if (!get_name(l, v, "name", p->name, sizeof(p->name)))
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

static int lower_of_kind(struct ld *l, const struct yu_node *v, const char *what,
			 const uint8_t *ok_kinds, size_t n_ok, const char *expected)
{
	int idx = find_port(l, v, what);
	size_t i;

	if (idx < 0)
		return -1;
	for (i = 0; i < n_ok; i++)
		if (l->s->ports[idx].kind == ok_kinds[i])
			return idx;
	ERR(l, v, "%s: port '%s' is a %s port, expected %s", what, v->text,
	    port_kind_name(l->s->ports[idx].kind), expected);
	return -1;
}

static void load_port_details(struct ld *l, uint32_t idx)
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
			p->radio = find_radio(l, v, "radio");
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
		load_qdisc(l, v, &p->qdisc);
	else
		/* Linux defaults: a real MAC and a PPP device queue (fq_codel is OpenWrt's
		 * default_qdisc); VLAN, bridge, DSA user and mac80211 devices are IFF_NO_QUEUE */
		g_strlcpy(p->qdisc.kind, p->kind == FS_NETDEV_ETHER || p->kind == FS_NETDEV_PPPOE ?
					 "fq_codel" : "noqueue", sizeof(p->qdisc.kind));
	if (!p->qdisc.configured && !strcmp(p->qdisc.kind, "fq_codel"))
		qdisc_params_init(&p->qdisc.params, "fq_codel", (char[8]){ 0 }, 8);
}

static void load_bridge_members(struct ld *l, uint32_t idx)
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

static void check_ports(struct ld *l)
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
		if (p->kind == FS_NETDEV_DSA && p->lower >= 0) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_DSA && s->ports[j].lower == p->lower &&
				    s->ports[j].dsa_port == p->dsa_port)
					ERR(l, yu_get(n, "dsa_port"), "dsa_port: %u on conduit %s is "
					    "already used by port '%s'", p->dsa_port,
					    s->ports[p->lower].name, s->ports[j].name);
		}
		if (p->kind == FS_NETDEV_VLAN && p->lower >= 0) {
			for (j = 0; j < i; j++)
				if (s->ports[j].kind == FS_NETDEV_VLAN &&
				    s->ports[j].lower == p->lower && s->ports[j].vlan_id == p->vlan_id)
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

static void load_ports(struct ld *l, const struct yu_node *seq)
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

/* ------------------------------------------------------------------- router ---- */

static const char *const router_keys[] = {
	"soc", "kernel", "conntrack", "firewall", "firewall_uci", "extra_nft", "ppe", "wed",
	"offload_work_delay", NULL,
};

static bool parse_kernel(struct ld *l, const struct yu_node *v, uint16_t *out)
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

static void load_conntrack(struct ld *l, const struct yu_node *n)
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

static void load_ppe_overrides(struct ld *l, const struct yu_node *n)
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

static void load_wed(struct ld *l, const struct yu_node *n)
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
		int radio = find_radio(l, k, "wed");
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

/* ----------------------------------------------------------------- firewall ---- */

static const char *const firewall_keys[] = {
	"defaults", "zones", "forwardings", "rules", "redirects", NULL,
};
static const char *const fw_defaults_keys[] = {
	"input", "output", "forward", "drop_invalid", "syn_flood", "synflood_protect",
	"synflood_rate", "synflood_burst", "flow_offloading", "flow_offloading_hw",
	"auto_helper",
	/* fw4 options the model does not use (accepted with a warning) */
	"tcp_syncookies", "tcp_ecn", "tcp_window_scaling", "accept_redirects",
	"accept_source_route", "custom_chains", "disable_ipv6", "tcp_reject_code",
	"any_reject_code", "auto_includes", NULL,
};
static const char *const fw_defaults_unmodelled[] = {
	"tcp_syncookies", "tcp_ecn", "tcp_window_scaling", "accept_redirects",
	"accept_source_route", "custom_chains", "disable_ipv6", "tcp_reject_code",
	"any_reject_code", "auto_includes", NULL,
};
static const char *const fw_zone_keys[] = {
	"name", "network", "input", "output", "forward", "masq", "masq6", "mtu_fix",
	"masq_allow_invalid", "auto_helper",
	"family", "log", "log_limit", "device", "subnet", "masq_src", "masq_dest", "helper",
	"extra", "extra_src", "extra_dest", "enabled", NULL,
};
static const char *const fw_zone_unmodelled[] = {
	"family", "log", "log_limit", "device", "subnet", "masq_src", "masq_dest", "helper",
	"extra", "extra_src", "extra_dest", "enabled", NULL,
};
static const char *const fw_fwd_keys[] = { "src", "dest", "name", "family", "enabled", NULL };
static const char *const fw_rule_keys[] = {
	"name", "src", "dest", "family", "proto", "dest_port", "target", NULL,
};
static const char *const fw_redirect_keys[] = {
	"name", "src", "src_dport", "dest", "dest_ip", "dest_port", "proto", "target", NULL,
};

static bool fw_policy(struct ld *l, const struct yu_node *v, const char *what, u8 *out)
{
	static const char *const pol[] = { "ACCEPT", "REJECT", "DROP", NULL };
	size_t i;

	if (!yu_expect_scalar(l->d, v, what))
		return false;
	for (i = 0; pol[i]; i++) {
		if (!g_ascii_strcasecmp(v->text, pol[i])) {
			*out = (u8)i;
			return true;
		}
	}
	ERR(l, v, "%s: expected ACCEPT, REJECT or DROP, got '%s'", what, v->text);
	return false;
}

static void fw_bool(struct ld *l, const struct yu_node *map, const char *key, u8 *out)
{
	const struct yu_node *v = yu_get(map, key);
	bool b;

	if (v && yu_bool(l->d, v, key, &b))
		*out = b;
}

static void warn_unmodelled(struct ld *l, const struct yu_node *map, const char *what,
			    const char *const *keys)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		const struct yu_node *k = yu_get_key(map, keys[i]);

		if (k)
			yu_warning(l->d, k, "%s option '%s' has no effect in the model", what,
				   keys[i]);
	}
}

static void fw_defaults(struct ld *l, const struct yu_node *n, struct fw4_defaults *d)
{
	const struct yu_node *v;
	uint32_t u;

	if (!yu_expect_map(l->d, n, "defaults"))
		return;
	yu_check_keys(l->d, n, "firewall defaults", fw_defaults_keys);
	warn_unmodelled(l, n, "defaults", fw_defaults_unmodelled);
	v = yu_get(n, "input");
	if (v)
		fw_policy(l, v, "input", &d->input);
	v = yu_get(n, "output");
	if (v)
		fw_policy(l, v, "output", &d->output);
	v = yu_get(n, "forward");
	if (v)
		fw_policy(l, v, "forward", &d->forward);
	fw_bool(l, n, "drop_invalid", &d->drop_invalid);
	fw_bool(l, n, "syn_flood", &d->syn_flood);
	fw_bool(l, n, "synflood_protect", &d->syn_flood);
	fw_bool(l, n, "flow_offloading", &d->flow_offloading);
	fw_bool(l, n, "flow_offloading_hw", &d->flow_offloading_hw);
	fw_bool(l, n, "auto_helper", &d->auto_helper);
	v = yu_get(n, "synflood_rate");
	if (v && yu_expect_scalar(l->d, v, "synflood_rate")) {
		/* fw4's limit syntax: N, N/second, N/s, N/minute ... */
		char unit[16] = "";
		unsigned int rate;
		int k = sscanf(v->text, "%u/%15s", &rate, unit);

		if (k < 1 || rate == 0 || (k == 2 && strcmp(unit, "second") && strcmp(unit, "sec") &&
					   strcmp(unit, "s")) || strchr(v->text, ' '))
			ERR(l, v, "synflood_rate: expected packets per second such as 25 or "
			    "25/second, got '%s'", v->text);
		else
			d->synflood_rate = rate;
	}
	v = yu_get(n, "synflood_burst");
	if (v && yu_u32(l->d, v, "synflood_burst", 1, 1000000, &u))
		d->synflood_burst = u;
	if (d->flow_offloading_hw && !d->flow_offloading)
		yu_warning(l->d, yu_get_key(n, "flow_offloading_hw"), "flow_offloading_hw has no "
			   "effect without flow_offloading (fw4 emits no flowtable)");
}

static int fw_zone_index(const struct fw4_config *fw, const char *name)
{
	uint32_t i;

	for (i = 0; i < fw->num_zones; i++)
		if (!strcmp(fw->zone[i].name, name))
			return (int)i;
	return -1;
}

static void fw_zone_ref(struct ld *l, const struct yu_node *v, const char *what,
			const struct fw4_config *fw, char *out, bool allow_any)
{
	const char *names[FW4_MAX_ZONES + 1];
	const char *sugg;
	uint32_t i;

	if (!yu_expect_scalar(l->d, v, what))
		return;
	if ((allow_any && !strcmp(v->text, "*")) || fw_zone_index(fw, v->text) >= 0) {
		g_strlcpy(out, v->text, FW4_NAME);
		return;
	}
	for (i = 0; i < fw->num_zones; i++)
		names[i] = fw->zone[i].name;
	names[i] = NULL;
	sugg = yu_suggest(v->text, names);
	if (sugg)
		ERR(l, v, "%s: unknown zone '%s' (did you mean '%s'?)", what, v->text, sugg);
	else
		ERR(l, v, "%s: unknown zone '%s'", what, v->text);
}

static void fw_zones(struct ld *l, const struct yu_node *seq, struct fw4_config *fw)
{
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "zones"))
		return;
	fw->num_zones = 0;
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v, *const *items;
		struct fw4_zone *z;
		uint32_t cnt;

		if (!yu_expect_map(l->d, n, "zones[]"))
			continue;
		if (fw->num_zones >= FW4_MAX_ZONES) {
			ERR(l, n, "zones: at most %d zones", FW4_MAX_ZONES);
			break;
		}
		z = &fw->zone[fw->num_zones];
		memset(z, 0, sizeof(*z));
		/* fw4 zone defaults: input/output/forward inherit the defaults' policies */
		z->input = fw->defaults.input;
		z->output = fw->defaults.output;
		z->forward = fw->defaults.forward;
		z->mtu_fix = 0;
		z->auto_helper = 0xff;
		yu_check_keys(l->d, n, "zone", fw_zone_keys);
		warn_unmodelled(l, n, "zone", fw_zone_unmodelled);
		v = yu_require(l->d, n, "zone", "name");
		if (!v || !get_name(l, v, "name", z->name, sizeof(z->name)))
			continue;
		if (fw_zone_index(fw, z->name) >= 0) {
			ERR(l, v, "name: zone '%s' is defined twice", z->name);
			continue;
		}
		v = yu_get(n, "network");
		if (v && v->kind != YU_MAP) {
			items = one_or_list(v, &cnt);
			for (j = 0; j < cnt && z->num_network < FW4_MAX_NETS; j++)
				if (get_name(l, list_item(v, items, j), "network",
					     z->network[z->num_network], FW4_NAME))
					z->num_network++;
			if (cnt > FW4_MAX_NETS)
				ERR(l, v, "network: at most %d networks per zone", FW4_MAX_NETS);
		} else if (v) {
			ERR(l, v, "network: expected a network name or a list, got a mapping");
		}
		v = yu_get(n, "input");
		if (v)
			fw_policy(l, v, "input", &z->input);
		v = yu_get(n, "output");
		if (v)
			fw_policy(l, v, "output", &z->output);
		v = yu_get(n, "forward");
		if (v)
			fw_policy(l, v, "forward", &z->forward);
		fw_bool(l, n, "masq", &z->masq);
		fw_bool(l, n, "masq6", &z->masq6);
		fw_bool(l, n, "mtu_fix", &z->mtu_fix);
		fw_bool(l, n, "masq_allow_invalid", &z->masq_allow_invalid);
		if (yu_get(n, "auto_helper"))
			fw_bool(l, n, "auto_helper", &z->auto_helper);
		fw->num_zones++;
	}
}

static u8 parse_proto(struct ld *l, const struct yu_node *v)
{
	const struct yu_node *const *items;
	uint32_t cnt, i;
	u8 mask = 0;

	if (v->kind == YU_MAP) {
		ERR(l, v, "proto: expected a protocol or a list of them, got a mapping");
		return 0;
	}
	items = one_or_list(v, &cnt);
	for (i = 0; i < cnt; i++) {
		const struct yu_node *it = list_item(v, items, i);

		if (!yu_expect_scalar(l->d, it, "proto"))
			continue;
		if (!strcmp(it->text, "tcp"))
			mask |= 1;
		else if (!strcmp(it->text, "udp"))
			mask |= 2;
		else if (!strcmp(it->text, "icmp"))
			mask |= 4;
		else if (!strcmp(it->text, "tcpudp"))
			mask |= 3;
		else if (!strcmp(it->text, "all") || !strcmp(it->text, "any"))
			mask |= 7;
		else
			ERR(l, it, "proto: expected tcp, udp, icmp, tcpudp or all, got '%s'",
			    it->text);
	}
	return mask;
}

static bool parse_port_range(struct ld *l, const struct yu_node *v, const char *what,
			     u16 *lo, u16 *hi)
{
	unsigned int a, b;
	char tail;

	if (!yu_expect_scalar(l->d, v, what))
		return false;
	if (sscanf(v->text, "%u-%u%c", &a, &b, &tail) == 2 ||
	    sscanf(v->text, "%u:%u%c", &a, &b, &tail) == 2) {
		/* range */
	} else if (sscanf(v->text, "%u%c", &a, &tail) == 1) {
		b = a;
	} else {
		ERR(l, v, "%s: expected a port or a range such as 8000-8100, got '%s'", what,
		    v->text);
		return false;
	}
	if (!a || a > 65535 || b > 65535 || b < a) {
		ERR(l, v, "%s: '%s' is not a port range within 1..65535", what, v->text);
		return false;
	}
	*lo = (u16)a;
	*hi = (u16)b;
	return true;
}

static void fw_rules(struct ld *l, const struct yu_node *seq, struct fw4_config *fw,
		     bool redirects)
{
	const char *what = redirects ? "redirects" : "rules";
	uint32_t i;

	if (!yu_expect_seq(l->d, seq, what))
		return;
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v;
		struct fw4_rule *r;
		int fam;

		if (!yu_expect_map(l->d, n, redirects ? "redirects[]" : "rules[]"))
			continue;
		if (fw->num_rules >= FW4_MAX_RULES) {
			ERR(l, n, "%s: at most %d rules and redirects together", what, FW4_MAX_RULES);
			break;
		}
		r = &fw->rule[fw->num_rules];
		memset(r, 0, sizeof(*r));
		r->is_redirect = redirects;
		r->proto_mask = 3;    /* fw4: tcpudp unless stated */
		yu_check_keys(l->d, n, redirects ? "redirect" : "rule",
			      redirects ? fw_redirect_keys : fw_rule_keys);
		v = yu_get(n, "name");
		if (v)
			yu_str(l->d, v, "name", r->name, sizeof(r->name));
		v = yu_get(n, "src");
		if (v)
			fw_zone_ref(l, v, "src", fw, r->src, !redirects);
		else if (redirects)
			ERR(l, n, "redirect: missing required key 'src'");
		v = yu_get(n, "dest");
		if (v)
			fw_zone_ref(l, v, "dest", fw, r->dest, !redirects);
		v = yu_get(n, "family");
		if (v && yu_expect_scalar(l->d, v, "family")) {
			static const char *const fams[] = { "any", "ipv4", "ipv6", NULL };

			if (yu_enum(l->d, v, "family", fams, &fam))
				r->family = fam == 1 ? FS_AF_INET : fam == 2 ? FS_AF_INET6 : 0;
		}
		v = yu_get(n, "proto");
		if (v)
			r->proto_mask = parse_proto(l, v);
		if (redirects) {
			u16 hi;

			v = yu_require(l->d, n, "redirect", "src_dport");
			if (v && parse_port_range(l, v, "src_dport", &r->src_dport, &hi) &&
			    hi != r->src_dport)
				ERR(l, v, "src_dport: the model redirects single ports, not ranges");
			v = yu_require(l->d, n, "redirect", "dest_ip");
			if (v)
				parse_addr(l, v, "dest_ip", FS_AF_INET, &r->dest_ip);
			r->family = FS_AF_INET;
			v = yu_get(n, "dest_port");
			r->redirect_port = r->src_dport;
			if (v)
				parse_port_range(l, v, "dest_port", &r->redirect_port, &hi);
			v = yu_get(n, "target");
			if (v && yu_expect_scalar(l->d, v, "target") && strcmp(v->text, "DNAT"))
				ERR(l, v, "target: the model supports redirects with target DNAT, "
				    "got '%s'", v->text);
		} else {
			v = yu_get(n, "dest_port");
			if (v)
				parse_port_range(l, v, "dest_port", &r->dest_port, &r->dest_port_end);
			r->target = FW4_DROP;
			v = yu_get(n, "target");
			if (v)
				fw_policy(l, v, "target", &r->target);
			else
				r->target = FW4_ACCEPT;   /* fw4: rules default to ACCEPT */
		}
		fw->num_rules++;
	}
}

static void load_firewall(struct ld *l, const struct yu_node *n)
{
	struct fw4_config *fw = &l->s->router.fw;
	const struct yu_node *v;
	uint32_t i;

	if (!yu_expect_map(l->d, n, "firewall"))
		return;
	yu_check_keys(l->d, n, "firewall", firewall_keys);
	v = yu_get(n, "defaults");
	if (v)
		fw_defaults(l, v, &fw->defaults);
	/* own zones replace the shipped zones, forwardings and rules altogether */
	if (yu_get(n, "zones")) {
		fw->num_zones = 0;
		fw->num_fwd = 0;
		fw->num_rules = 0;
		fw_zones(l, yu_get(n, "zones"), fw);
	} else if (yu_get(n, "forwardings") || yu_get(n, "rules") || yu_get(n, "redirects")) {
		/* they refer to the shipped zones (lan, wan): keep those */
		fw->num_fwd = 0;
		fw->num_rules = 0;
	}
	v = yu_get(n, "forwardings");
	if (v && yu_expect_seq(l->d, v, "forwardings")) {
		for (i = 0; i < v->n_items; i++) {
			const struct yu_node *f = v->items[i], *x;
			struct fw4_forwarding *fwd;

			if (!yu_expect_map(l->d, f, "forwardings[]"))
				continue;
			if (fw->num_fwd >= FW4_MAX_FWD) {
				ERR(l, f, "forwardings: at most %d", FW4_MAX_FWD);
				break;
			}
			fwd = &fw->fwd[fw->num_fwd];
			memset(fwd, 0, sizeof(*fwd));
			yu_check_keys(l->d, f, "forwarding", fw_fwd_keys);
			x = yu_require(l->d, f, "forwarding", "src");
			if (x)
				fw_zone_ref(l, x, "src", fw, fwd->src, false);
			x = yu_require(l->d, f, "forwarding", "dest");
			if (x)
				fw_zone_ref(l, x, "dest", fw, fwd->dest, false);
			fw->num_fwd++;
		}
	}
	v = yu_get(n, "rules");
	if (v)
		fw_rules(l, v, fw, false);
	v = yu_get(n, "redirects");
	if (v)
		fw_rules(l, v, fw, true);
}

/* "path:line: message" from the UCI reader -> a message at that place. */
static void uci_message(struct ld *l, const struct yu_node *at, const char *text, bool warning)
{
	const char *c1 = strchr(text, ':');
	char *end;
	unsigned long line = 0;

	if (c1 && g_ascii_isdigit(c1[1])) {
		line = strtoul(c1 + 1, &end, 10);
		if (*end == ':' && end[1] == ' ') {
			char *file = g_strndup(text, (gsize)(c1 - text));

			if (warning)
				yu_warning_at(l->d, file, (uint32_t)line, 0, "%s", end + 2);
			else
				yu_error_at(l->d, file, (uint32_t)line, 0, "%s", end + 2);
			g_free(file);
			return;
		}
	}
	if (warning)
		yu_warning(l->d, at, "firewall_uci: %s", text);
	else
		ERR(l, at, "firewall_uci: %s", text);
}

static bool load_firewall_uci(struct ld *l, const struct yu_node *v)
{
	struct scn_router *r = &l->s->router;
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	bool ok = false;
	char *path;
	guint i;

	if (!yu_expect_scalar(l->d, v, "firewall_uci"))
		goto out;
	path = resolve_path(l, v->text);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		ERR(l, v, "firewall_uci: no such file: %s", path);
		g_free(path);
		goto out;
	}
	r->firewall_uci = path;
	if (uci_firewall_load(path, &r->fw, warnings, &err)) {
		uci_message(l, v, err ? err->message : "cannot read", false);
		g_clear_error(&err);
	} else {
		ok = true;
	}
	for (i = 0; i < warnings->len; i++)
		uci_message(l, v, g_ptr_array_index(warnings, i), true);
out:
	g_ptr_array_free(warnings, TRUE);
	return ok;
}

/* Networks the firewall's zones name must be defined on a port. */
static const struct yu_node *zone_node(struct ld *l, const char *name);

enum zone_check { ZC_STRICT, ZC_FILE, ZC_SHIPPED };

/*
 * Networks the firewall's zones name should be defined on a port.  Zones written in the
 * scenario must be exact (error); zones from a UCI file may list networks the scenario does
 * not model (warning, fw4 skips them); OpenWrt's shipped zones only warn when a zone
 * matches no network at all (wan6 is routinely absent).
 */
static void check_zone_networks(struct ld *l, enum zone_check mode, const struct yu_node *at)
{
	struct scn_router *r = &l->s->router;
	const char *names[SCN_MAX_NETWORKS + 1];
	uint32_t i, j, k, matched;

	for (i = 0; i < r->n_networks; i++)
		names[i] = r->networks[i].name;
	names[i] = NULL;
	for (i = 0; i < r->fw.num_zones; i++) {
		const struct fw4_zone *z = &r->fw.zone[i];

		matched = 0;
		for (j = 0; j < z->num_network; j++) {
			for (k = 0; k < r->n_networks; k++)
				if (!strcmp(r->networks[k].name, z->network[j]))
					break;
			if (k < r->n_networks) {
				matched++;
				continue;
			}
			if (mode == ZC_STRICT) {
				const char *sugg = yu_suggest(z->network[j], names);
				const struct yu_node *zn = zone_node(l, z->name);

				if (sugg)
					ERR(l, zn, "zone '%s': network '%s' is not defined on any "
					    "port (did you mean '%s'?)", z->name, z->network[j], sugg);
				else
					ERR(l, zn, "zone '%s': network '%s' is not defined on any "
					    "port", z->name, z->network[j]);
			} else if (mode == ZC_FILE) {
				yu_warning(l->d, at, "zone '%s': network '%s' is not defined on any "
					   "port (fw4 skips it)", z->name, z->network[j]);
			}
		}
		if (mode == ZC_SHIPPED && !matched)
			yu_warning(l->d, at, "OpenWrt's default firewall zone '%s' matches no "
				   "network: give a port 'network: %s'", z->name,
				   z->num_network ? z->network[0] : z->name);
	}
}

/* The zone node that defines zone i (for precise messages), else the firewall node. */
static const struct yu_node *zone_node(struct ld *l, const char *name)
{
	const struct yu_node *zs = l->firewall_node ? yu_get(l->firewall_node, "zones") : NULL;
	uint32_t i;

	if (zs && zs->kind == YU_SEQ)
		for (i = 0; i < zs->n_items; i++) {
			const struct yu_node *nm = yu_get(zs->items[i], "name");

			if (nm && nm->kind == YU_SCALAR && !strcmp(nm->text, name))
				return yu_get(zs->items[i], "network") ? yu_get(zs->items[i], "network") :
									 zs->items[i];
		}
	return l->firewall_node;
}

static void build_networks(struct ld *l)
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

static void load_router(struct ld *l, const struct yu_node *n)
{
	struct scenario *s = l->s;
	struct scn_router *r = &s->router;
	const struct yu_node *v, *fw_inline, *fw_uci;
	uint64_t delay;
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

	build_networks(l);
	fw_inline = yu_get(n, "firewall");
	fw_uci = yu_get(n, "firewall_uci");
	l->firewall_node = fw_inline;
	if (fw_inline && fw_uci) {
		ERR(l, yu_get_key(n, "firewall_uci"), "firewall_uci: give either firewall or "
		    "firewall_uci, not both");
	} else if (fw_inline) {
		load_firewall(l, fw_inline);
		/* own zones must name defined networks; the shipped ones may not (wan6) */
		check_zone_networks(l, yu_get(fw_inline, "zones") ? ZC_STRICT : ZC_SHIPPED,
				    fw_inline);
	} else if (fw_uci) {
		if (load_firewall_uci(l, fw_uci))
			check_zone_networks(l, ZC_FILE, fw_uci);
	} else {
		check_zone_networks(l, ZC_SHIPPED, l->router_key ? l->router_key : n);
	}

	v = yu_get(n, "extra_nft");
	if (v && yu_strdup(l->d, v, "extra_nft", &r->extra_nft) && !*r->extra_nft) {
		g_free(r->extra_nft);
		r->extra_nft = NULL;
	}
}

/* -------------------------------------------------------------------- hosts ---- */

static const char *const host_keys[] = { "name", "port", "ipv4", "ipv6", "rtt", NULL };
static const char *const station_keys[] = {
	"name", "port", "radio", "band", "ipv4", "ipv6", "phy_rate", NULL,
};

/* Can the router reach addr on port idx: a prefix of the port, its bridge or a VLAN/PPPoE
 * device stacked on them, or a default route there (WAN side)? */
static bool reachable(const struct scenario *s, int idx, uint8_t family, const union fs_addr *a)
{
	int cand[FS_NETDEV_MAX];
	uint32_t n = 0, i, j;

	cand[n++] = idx;
	if (s->ports[idx].master >= 0)
		cand[n++] = s->ports[idx].master;
	/* VLAN and PPPoE devices stacked on those, at any depth (PPPoE on VLAN 7 on wan) */
	for (j = 0; j < n; j++)
		for (i = 0; i < s->n_ports && n < FS_NETDEV_MAX; i++)
			if (s->ports[i].lower == cand[j] && (s->ports[i].kind == FS_NETDEV_PPPOE ||
							      s->ports[i].kind == FS_NETDEV_VLAN))
				cand[n++] = (int)i;
	for (j = 0; j < n; j++) {
		const struct scn_port *p = &s->ports[cand[j]];

		if (on_link(p, family, a))
			return true;
		if (p->default_route || (family == FS_AF_INET ? p->has_gw4 : p->has_gw6))
			return true;
	}
	return false;
}

static void load_host_addrs(struct ld *l, const struct yu_node *n, struct scn_host *h)
{
	const struct yu_node *v;

	v = yu_get(n, "ipv4");
	if (v)
		h->has_v4 = parse_addr(l, v, "ipv4", FS_AF_INET, &h->v4);
	v = yu_get(n, "ipv6");
	if (v)
		h->has_v6 = parse_addr(l, v, "ipv6", FS_AF_INET6, &h->v6);
	if (!yu_get(n, "ipv4") && !yu_get(n, "ipv6"))
		ERR(l, n, "%s '%s': needs an ipv4 or ipv6 address", h->station ? "station" : "host",
		    h->name);
}

static void check_host_place(struct ld *l, const struct yu_node *n, struct scn_host *h)
{
	const struct scenario *s = l->s;
	int fam;

	if (h->port < 0)
		return;
	h->role = s->ports[h->port].role;
	for (fam = 0; fam < 2; fam++) {
		bool has = fam ? h->has_v6 : h->has_v4;
		const union fs_addr *a = fam ? &h->v6 : &h->v4;
		uint8_t family = fam ? FS_AF_INET6 : FS_AF_INET;

		if (!has || reachable(s, h->port, family, a))
			continue;
		{
			char *t = addr_text(family, a);

			ERR(l, yu_get(n, fam ? "ipv6" : "ipv4"), "%s: %s is in no subnet of port %s "
			    "(or its bridge / PPPoE device) and no default route leads there",
			    fam ? "ipv6" : "ipv4", t, s->ports[h->port].name);
			g_free(t);
		}
	}
}

static bool host_name_unique(struct ld *l, const struct yu_node *v, const char *name)
{
	uint32_t i;

	for (i = 0; i < l->s->n_hosts; i++) {
		if (!strcmp(l->s->hosts[i].name, name)) {
			ERR(l, v, "name: '%s' is already a %s (line %u)", name,
			    l->s->hosts[i].station ? "station" : "host", l->s->hosts[i].line);
			return false;
		}
	}
	return true;
}

static void load_hosts(struct ld *l, const struct yu_node *hosts, const struct yu_node *stas)
{
	struct scenario *s = l->s;
	uint32_t total = (hosts && hosts->kind == YU_SEQ ? hosts->n_items : 0) +
			 (stas && stas->kind == YU_SEQ ? stas->n_items : 0);
	uint32_t i;

	s->hosts = g_new0(struct scn_host, total + 1);
	if (hosts && yu_expect_seq(l->d, hosts, "hosts")) {
		for (i = 0; i < hosts->n_items; i++) {
			const struct yu_node *n = hosts->items[i], *v;
			struct scn_host *h = &s->hosts[s->n_hosts];
			const struct scn_port *p;

			if (!yu_expect_map(l->d, n, "hosts[]"))
				continue;
			yu_check_keys(l->d, n, "host", host_keys);
			h->line = n->line;
			h->col = n->col;
			h->port = -1;
			v = yu_require(l->d, n, "host", "name");
			if (!v || !get_name(l, v, "name", h->name, sizeof(h->name)) ||
			    !host_name_unique(l, v, h->name))
				continue;
			v = yu_require(l->d, n, "host", "port");
			if (v)
				h->port = find_port(l, v, "port");
			if (h->port >= 0) {
				p = &s->ports[h->port];
				if (p->kind == FS_NETDEV_WLAN) {
					ERR(l, v, "port: '%s' is a Wi-Fi port: put Wi-Fi clients under "
					    "stations", p->name);
					h->port = -1;
				} else if (p->kind == FS_NETDEV_BRIDGE || p->kind == FS_NETDEV_PPPOE) {
					ERR(l, v, "port: '%s' is a %s port: attach the host to a "
					    "physical port%s", p->name, port_kind_name(p->kind),
					    p->kind == FS_NETDEV_BRIDGE ? " that is a bridge member" :
					    " (the PPPoE port's lower)");
					h->port = -1;
				} else {
					uint32_t k;

					for (k = 0; k < s->n_ports; k++)
						if (s->ports[k].kind == FS_NETDEV_DSA &&
						    s->ports[k].lower == h->port)
							break;
					if (k < s->n_ports) {
						ERR(l, v, "port: '%s' is the DSA conduit: attach the host to "
						    "one of its user ports", p->name);
						h->port = -1;
					} else if (!p->role) {
						ERR(l, v, "port: '%s' has no role: give it role: lan or "
						    "role: wan", p->name);
						h->port = -1;
					}
				}
			}
			load_host_addrs(l, n, h);
			v = yu_get(n, "rtt");
			if (v && yu_duration(l->d, v, "rtt", &h->rtt_ns) && h->rtt_ns > 60000000000ULL)
				ERR(l, v, "rtt: %s is more than a minute", v->text);
			check_host_place(l, n, h);
			s->n_hosts++;
		}
	}
	if (stas && yu_expect_seq(l->d, stas, "stations")) {
		for (i = 0; i < stas->n_items; i++) {
			const struct yu_node *n = stas->items[i], *v, *vr;
			struct scn_host *h = &s->hosts[s->n_hosts];

			if (!yu_expect_map(l->d, n, "stations[]"))
				continue;
			yu_check_keys(l->d, n, "station", station_keys);
			h->station = true;
			h->line = n->line;
			h->col = n->col;
			h->port = -1;
			v = yu_require(l->d, n, "station", "name");
			if (!v || !get_name(l, v, "name", h->name, sizeof(h->name)) ||
			    !host_name_unique(l, v, h->name))
				continue;
			v = yu_get(n, "port");
			vr = yu_get(n, "radio");
			if (!!v + !!vr + !!yu_get(n, "band") > 1) {
				ERR(l, yu_get_key(n, v ? (vr ? "radio" : "band") : "band"),
				    "station: give one of port, radio or band");
			} else if (yu_get(n, "band")) {
				h->port = wlan_port_of_band(l, yu_get(n, "band"), "band");
			} else if (v) {
				h->port = find_port(l, v, "port");
				if (h->port >= 0 && s->ports[h->port].kind != FS_NETDEV_WLAN) {
					ERR(l, v, "port: '%s' is a %s port, a station needs a wlan port",
					    v->text, port_kind_name(s->ports[h->port].kind));
					h->port = -1;
				}
			} else if (vr) {
				int radio = find_radio(l, vr, "radio");
				uint32_t k;

				for (k = 0; radio >= 0 && k < s->n_ports; k++)
					if (s->ports[k].kind == FS_NETDEV_WLAN && s->ports[k].radio == radio)
						break;
				if (radio >= 0 && k == s->n_ports)
					ERR(l, vr, "radio: no wlan port uses radio '%s'", vr->text);
				else if (radio >= 0)
					h->port = (int)k;
			} else {
				ERR(l, n, "station: missing required key 'port' (or 'radio' or 'band')");
			}
			load_host_addrs(l, n, h);
			v = yu_get(n, "phy_rate");
			if (v && yu_rate(l->d, v, "phy_rate", &h->phy_rate_bps) &&
			    (h->phy_rate_bps < 1000000ULL || h->phy_rate_bps > 46000000000ULL))
				ERR(l, v, "phy_rate: %s is not a Wi-Fi PHY rate (1mbit..46gbit)",
				    v->text);
			check_host_place(l, n, h);
			s->n_hosts++;
		}
	}
}

static void check_addresses_unique(struct ld *l)
{
	const struct scenario *s = l->s;
	uint32_t i, j, k;

	for (i = 0; i < s->n_hosts; i++) {
		const struct scn_host *h = &s->hosts[i];

		for (j = 0; j < i; j++) {
			const struct scn_host *o = &s->hosts[j];

			if ((h->has_v4 && o->has_v4 && fs_addr_equal(&h->v4, &o->v4)) ||
			    (h->has_v6 && o->has_v6 && fs_addr_equal(&h->v6, &o->v6)))
				yu_error_at(l->d, l->doc->file, h->line, h->col,
					    "%s '%s' has the same address as '%s' (line %u)",
					    h->station ? "station" : "host", h->name, o->name, o->line);
		}
		for (j = 0; j < s->n_ports; j++)
			for (k = 0; k < s->ports[j].n_addrs; k++) {
				const struct scn_prefix *pf = &s->ports[j].addrs[k];

				if ((pf->family == FS_AF_INET && h->has_v4 &&
				     fs_addr_equal(&pf->addr, &h->v4)) ||
				    (pf->family == FS_AF_INET6 && h->has_v6 &&
				     fs_addr_equal(&pf->addr, &h->v6)))
					yu_error_at(l->d, l->doc->file, h->line, h->col,
						    "%s '%s' has the router's address on port %s",
						    h->station ? "station" : "host", h->name,
						    s->ports[j].name);
			}
	}
}

/* ------------------------------------------------------------------ traffic ---- */

static const char *const traffic_common_keys[] = {
	"name", "type", "client", "server", "direction", "ip", "port", "start", "stop",
};
static const char *const *const traffic_type_keys[] = {
	(const char *const[]){ "cc", "count", "bytes", "duration", NULL },          /* tcp_bulk */
	(const char *const[]){ "rate", "size", NULL },                              /* udp_cbr */
	(const char *const[]){ "size", NULL },                                      /* udp_flood */
	(const char *const[]){ "flows", "peers", "peer_prefix", "rate", "churn", "udp_fraction",
			       NULL },                                               /* p2p_swarm */
	(const char *const[]){ "new_flows", "size", NULL },                         /* web */
	(const char *const[]){ "interval", "size", "measure_latency", NULL },       /* game */
	(const char *const[]){ "interval", "size", "measure_latency", NULL },       /* voip */
};
static const char *const traffic_all_keys[] = {
	"name", "type", "client", "server", "direction", "ip", "port", "start", "stop", "cc",
	"count", "bytes", "duration", "rate", "size", "flows", "peers", "peer_prefix", "churn",
	"udp_fraction", "new_flows", "interval", "measure_latency", NULL,
};
static const char *const direction_names[] = { "download", "upload", "both", NULL };
static const char *const cc_names[] = { "cubic", "reno", NULL };
static const char *const dist_names[] = {
	"constant", "exponential", "pareto", "lognormal", "uniform", NULL,
};
static const char *const dist_keys[] = {
	"dist", "value", "mean", "shape", "sigma", "min", "max", NULL,
};

typedef bool (*quantity_fn)(struct yu_diag *d, const struct yu_node *n, const char *what,
			    uint64_t *out);

static bool dist_value(struct ld *l, const struct yu_node *map, const char *key,
		       quantity_fn fn, double *out, bool required, const char *what)
{
	const struct yu_node *v = required ? yu_require(l->d, map, what, key) : yu_get(map, key);
	uint64_t x;

	if (!v)
		return false;
	if (!fn(l->d, v, key, &x))
		return false;
	if (!x) {
		ERR(l, v, "%s: must be greater than zero", key);
		return false;
	}
	*out = (double)x;
	return true;
}

/* A scalar (constant) or {dist: ..., ...}. */
static void load_dist(struct ld *l, const struct yu_node *n, const char *what, quantity_fn fn,
		      struct scn_dist *out)
{
	const struct yu_node *v;
	uint64_t x;
	int kind = -1;

	memset(out, 0, sizeof(*out));
	if (n->kind == YU_SCALAR) {
		if (fn(l->d, n, what, &x)) {
			if (!x)
				ERR(l, n, "%s: must be greater than zero", what);
			out->kind = SCN_DIST_CONSTANT;
			out->mean = (double)x;
		}
		return;
	}
	if (!yu_expect_map(l->d, n, what))
		return;
	yu_check_keys(l->d, n, what, dist_keys);
	v = yu_require(l->d, n, what, "dist");
	if (!v || !yu_enum(l->d, v, "dist", dist_names, &kind))
		return;
	out->kind = (uint8_t)kind;
	switch (kind) {
	case SCN_DIST_CONSTANT:
		dist_value(l, n, "value", fn, &out->mean, true, what);
		break;
	case SCN_DIST_EXPONENTIAL:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		break;
	case SCN_DIST_PARETO:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		v = yu_require(l->d, n, what, "shape");
		if (v && yu_double(l->d, v, "shape", 0, 100, &out->shape) && out->shape <= 1.0)
			ERR(l, v, "shape: a Pareto shape must be above 1 (else the mean is "
			    "infinite), got %s", v->text);
		break;
	case SCN_DIST_LOGNORMAL:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		v = yu_require(l->d, n, what, "sigma");
		if (v && yu_double(l->d, v, "sigma", 0, 10, &out->shape) && out->shape <= 0)
			ERR(l, v, "sigma: must be greater than zero");
		break;
	case SCN_DIST_UNIFORM:
		if (dist_value(l, n, "min", fn, &out->min, true, what) &&
		    dist_value(l, n, "max", fn, &out->max, true, what) && out->max < out->min)
			ERR(l, yu_get(n, "max"), "max: less than min");
		out->mean = (out->min + out->max) / 2;
		break;
	}
	/* keys of other distributions are unknown here */
	{
		static const char *const used[][3] = {
			{ "value", NULL, NULL }, { "mean", NULL, NULL }, { "mean", "shape", NULL },
			{ "mean", "sigma", NULL }, { "min", "max", NULL },
		};
		uint32_t i;

		for (i = 0; i < n->n_pairs; i++) {
			const char *k = n->pairs[i].key->text;

			if (!strcmp(k, "dist") || !key_in(k, dist_keys, 0))
				continue;
			if ((used[kind][0] && !strcmp(k, used[kind][0])) ||
			    (used[kind][1] && !strcmp(k, used[kind][1])))
				continue;
			ERR(l, n->pairs[i].key, "key '%s' does not apply to a %s distribution", k,
			    dist_names[kind]);
		}
	}
}

static void check_traffic_keys(struct ld *l, const struct yu_node *n, int type)
{
	uint32_t i;

	yu_check_keys(l->d, n, "traffic", traffic_all_keys);
	if (type < 0)
		return;
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key;

		if (!key_in(k->text, traffic_all_keys, 0) ||
		    key_in(k->text, traffic_common_keys, G_N_ELEMENTS(traffic_common_keys)) ||
		    key_in(k->text, traffic_type_keys[type], 0))
			continue;
		ERR(l, k, "key '%s' does not apply to traffic of type %s", k->text,
		    scn_traffic_type_names[type]);
	}
}

static bool wrap_rate(struct yu_diag *d, const struct yu_node *n, const char *w, uint64_t *o)
{
	return yu_rate(d, n, w, o);
}

static bool wrap_size(struct yu_diag *d, const struct yu_node *n, const char *w, uint64_t *o)
{
	return yu_size(d, n, w, o);
}

static void endpoint_family(struct ld *l, const struct yu_node *n, struct scn_traffic *t)
{
	const struct scn_host *c = t->client >= 0 ? &l->s->hosts[t->client] : NULL;
	const struct scn_host *sv = t->server >= 0 ? &l->s->hosts[t->server] : NULL;
	const struct yu_node *v = yu_get(n, "ip");
	uint32_t ip = 0;

	if (v && yu_u32(l->d, v, "ip", 4, 6, &ip) && ip != 4 && ip != 6) {
		ERR(l, v, "ip: expected 4 or 6, got '%s'", v->text);
		ip = 0;
	}
	if (!c || !sv)
		return;
	if (!ip)
		ip = (c->has_v4 && sv->has_v4) ? 4 : (c->has_v6 && sv->has_v6) ? 6 : 0;
	if (!ip) {
		ERR(l, n, "traffic '%s': %s and %s share no address family", t->name, c->name,
		    sv->name);
		return;
	}
	t->family = ip == 4 ? FS_AF_INET : FS_AF_INET6;
	if (ip == 4 ? !c->has_v4 : !c->has_v6)
		ERR(l, v ? v : n, "traffic '%s': %s has no IPv%u address", t->name, c->name, ip);
	if (ip == 4 ? !sv->has_v4 : !sv->has_v6)
		ERR(l, v ? v : n, "traffic '%s': %s has no IPv%u address", t->name, sv->name, ip);
}

static void load_traffic_item(struct ld *l, const struct yu_node *n, struct scn_traffic *t,
			      uint32_t index)
{
	const struct scenario *s = l->s;
	const struct yu_node *v;
	uint64_t x;
	uint32_t u;
	int type = -1, e;

	t->client = t->server = -1;
	t->line = n->line;
	t->col = n->col;
	v = yu_require(l->d, n, "traffic", "type");
	if (v)
		yu_enum(l->d, v, "type", scn_traffic_type_names, &type);
	check_traffic_keys(l, n, type);
	if (type < 0)
		return;
	t->type = (uint8_t)type;
	v = yu_get(n, "name");
	if (v)
		get_name(l, v, "name", t->name, sizeof(t->name));
	else
		g_snprintf(t->name, sizeof(t->name), "%s-%u", scn_traffic_type_names[type], index);

	v = yu_require(l->d, n, "traffic", "client");
	if (v)
		t->client = find_host(l, v, "client");
	v = yu_require(l->d, n, "traffic", "server");
	if (v)
		t->server = find_host(l, v, "server");
	if (t->client >= 0 && t->client == t->server) {
		ERR(l, v, "server: the client and the server are the same host");
		t->server = -1;
	}
	endpoint_family(l, n, t);

	t->direction = type == SCN_GAME || type == SCN_VOIP || type == SCN_P2P_SWARM ?
			       SCN_BOTH : SCN_DOWNLOAD;
	v = yu_get(n, "direction");
	if (v && yu_enum(l->d, v, "direction", direction_names, &e))
		t->direction = (uint8_t)e;
	v = yu_get(n, "port");
	if (v && yu_u32(l->d, v, "port", 1, 65535, &u))
		t->port = (uint16_t)u;

	t->start_ns = 0;
	t->stop_ns = s->duration_ns;
	v = yu_get(n, "start");
	if (v)
		yu_duration(l->d, v, "start", &t->start_ns);
	v = yu_get(n, "stop");
	if (v)
		yu_duration(l->d, v, "stop", &t->stop_ns);
	if (s->duration_ns && t->stop_ns > s->duration_ns)
		ERR(l, yu_get(n, "stop"), "stop: %s is after the end of the run (duration)",
		    yu_get(n, "stop")->text);
	else if (t->start_ns >= t->stop_ns && (yu_get(n, "start") || yu_get(n, "stop")))
		ERR(l, yu_get(n, "start") ? yu_get(n, "start") : yu_get(n, "stop"),
		    "start: traffic '%s' starts at or after it stops", t->name);

	switch (type) {
	case SCN_TCP_BULK:
		t->cc = SCN_CC_CUBIC;
		v = yu_get(n, "cc");
		if (v && yu_enum(l->d, v, "cc", cc_names, &e))
			t->cc = (uint8_t)e;
		t->count = 1;
		v = yu_get(n, "count");
		if (v)
			yu_u32(l->d, v, "count", 1, 100000, &t->count);
		v = yu_get(n, "bytes");
		if (v && yu_size(l->d, v, "bytes", &t->bytes) && !t->bytes)
			ERR(l, v, "bytes: must be greater than zero");
		v = yu_get(n, "duration");
		if (v && yu_duration(l->d, v, "duration", &t->flow_duration_ns) &&
		    !t->flow_duration_ns)
			ERR(l, v, "duration: must be greater than zero");
		if (yu_get(n, "bytes") && yu_get(n, "duration"))
			ERR(l, yu_get_key(n, "duration"), "tcp_bulk: give either bytes or duration, "
			    "not both");
		break;
	case SCN_UDP_CBR:
		v = yu_require(l->d, n, "udp_cbr", "rate");
		if (v && yu_rate(l->d, v, "rate", &t->rate_bps) && !t->rate_bps)
			ERR(l, v, "rate: must be greater than zero");
		/* fall through */
	case SCN_UDP_FLOOD:
		t->size = 1472;   /* fills a 1500-byte MTU */
		v = yu_get(n, "size");
		if (v && yu_size(l->d, v, "size", &x)) {
			if (x < 1 || x > 65507)
				ERR(l, v, "size: a UDP payload is 1..65507 bytes, got %s", v->text);
			else
				t->size = (uint32_t)x;
		}
		break;
	case SCN_GAME:
	case SCN_VOIP:
		t->interval_ns = 20000000ULL;
		t->size = type == SCN_VOIP ? 172 : 100;   /* G.711 20 ms + RTP; a game tick */
		t->measure_latency = true;
		v = yu_get(n, "interval");
		if (v && yu_duration(l->d, v, "interval", &t->interval_ns) &&
		    (t->interval_ns < 100000ULL || t->interval_ns > 10000000000ULL))
			ERR(l, v, "interval: %s is outside 100us..10s", v->text);
		v = yu_get(n, "size");
		if (v && yu_size(l->d, v, "size", &x)) {
			if (x < 1 || x > 65507)
				ERR(l, v, "size: a UDP payload is 1..65507 bytes, got %s", v->text);
			else
				t->size = (uint32_t)x;
		}
		v = yu_get(n, "measure_latency");
		if (v)
			yu_bool(l->d, v, "measure_latency", &t->measure_latency);
		break;
	case SCN_P2P_SWARM:
		v = yu_require(l->d, n, "p2p_swarm", "flows");
		if (v)
			yu_u32(l->d, v, "flows", 1, 1000000, &t->flows);
		t->peers = t->flows;
		v = yu_get(n, "peers");
		if (v)
			yu_u32(l->d, v, "peers", 1, 1000000, &t->peers);
		v = yu_require(l->d, n, "p2p_swarm", "rate");
		if (v)
			load_dist(l, v, "rate", wrap_rate, &t->flow_rate);
		v = yu_get(n, "churn");
		if (v)
			yu_event_rate(l->d, v, "churn", &t->churn_per_s);
		t->udp_fraction = 0.5;
		v = yu_get(n, "udp_fraction");
		if (v)
			yu_double(l->d, v, "udp_fraction", 0.0, 1.0, &t->udp_fraction);
		v = yu_require(l->d, n, "p2p_swarm", "peer_prefix");
		if (v && parse_prefix(l, v, "peer_prefix", &t->peer_prefix, true)) {
			uint32_t bits = (t->peer_prefix.family == FS_AF_INET ? 32 : 128) -
					t->peer_prefix.plen;

			if (t->family && t->peer_prefix.family != t->family)
				ERR(l, v, "peer_prefix: an IPv%d prefix for IPv%d traffic",
				    t->peer_prefix.family == FS_AF_INET ? 4 : 6,
				    t->family == FS_AF_INET ? 4 : 6);
			else if (bits < 32 && ((1ULL << bits) - 1) < t->peers)
				ERR(l, v, "peer_prefix: %s holds fewer than %u peers", v->text,
				    t->peers);
		}
		break;
	case SCN_WEB:
		v = yu_require(l->d, n, "web", "new_flows");
		if (v && yu_event_rate(l->d, v, "new_flows", &t->new_flows_per_s) &&
		    t->new_flows_per_s <= 0)
			ERR(l, v, "new_flows: must be greater than zero");
		v = yu_require(l->d, n, "web", "size");
		if (v)
			load_dist(l, v, "size", wrap_size, &t->flow_size);
		break;
	}
}

static void load_traffic(struct ld *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "traffic"))
		return;
	s->traffic = g_new0(struct scn_traffic, seq->n_items + 1);
	for (i = 0; i < seq->n_items; i++) {
		struct scn_traffic *t = &s->traffic[s->n_traffic];

		if (!yu_expect_map(l->d, seq->items[i], "traffic[]"))
			continue;
		load_traffic_item(l, seq->items[i], t, i);
		for (j = 0; j < s->n_traffic; j++)
			if (t->name[0] && !strcmp(s->traffic[j].name, t->name))
				ERR(l, yu_get(seq->items[i], "name") ? yu_get(seq->items[i], "name") :
								       seq->items[i],
				    "name: traffic '%s' is defined twice (first at line %u)", t->name,
				    s->traffic[j].line);
		s->n_traffic++;
	}
}

/* ------------------------------------------------------------------- events ---- */

static const char *const event_keys[] = {
	"at", "type", "station", "to", "band", "port", NULL,
};

static int cmp_event(const void *a, const void *b)
{
	const struct scn_event *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

static void load_events(struct ld *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, k;

	if (!yu_expect_seq(l->d, seq, "events"))
		return;
	s->events = g_new0(struct scn_event, seq->n_items + 1);
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v;
		struct scn_event *e = &s->events[s->n_events];
		int type = -1;

		if (!yu_expect_map(l->d, n, "events[]"))
			continue;
		yu_check_keys(l->d, n, "event", event_keys);
		e->line = n->line;
		e->col = n->col;
		e->host = e->port = -1;
		v = yu_require(l->d, n, "event", "at");
		if (v && yu_duration(l->d, v, "at", &e->at_ns) && s->duration_ns &&
		    e->at_ns > s->duration_ns)
			ERR(l, v, "at: %s is after the end of the run (duration)", v->text);
		v = yu_require(l->d, n, "event", "type");
		if (!v || !yu_enum(l->d, v, "type", scn_event_type_names, &type))
			continue;
		e->type = (uint8_t)type;
		for (k = 0; k < n->n_pairs; k++) {
			const char *key = n->pairs[k].key->text;
			bool ok = !strcmp(key, "at") || !strcmp(key, "type") ||
				  (type == SCN_EV_ROAM && (!strcmp(key, "station") ||
							   !strcmp(key, "to") ||
							   !strcmp(key, "band"))) ||
				  ((type == SCN_EV_LINK_DOWN || type == SCN_EV_LINK_UP) &&
				   !strcmp(key, "port"));

			if (!ok && key_in(key, event_keys, 0))
				ERR(l, n->pairs[k].key, "key '%s' does not apply to a %s event", key,
				    scn_event_type_names[type]);
		}
		switch (type) {
		case SCN_EV_ROAM:
			v = yu_require(l->d, n, "roam", "station");
			if (v) {
				e->host = find_host(l, v, "station");
				if (e->host >= 0 && !s->hosts[e->host].station) {
					ERR(l, v, "station: '%s' is a wired host, only stations roam",
					    v->text);
					e->host = -1;
				}
			}
			if (yu_get(n, "band") && yu_get(n, "to")) {
				ERR(l, yu_get_key(n, "band"), "roam: give either to or band, not both");
				break;
			}
			if (yu_get(n, "band")) {
				e->port = wlan_port_of_band(l, yu_get(n, "band"), "band");
				break;
			}
			v = yu_require(l->d, n, "roam", "to");
			if (v) {
				e->port = find_port(l, v, "to");
				if (e->port >= 0) {
					const struct scn_port *p = &s->ports[e->port];

					if (p->kind != FS_NETDEV_WLAN && p->kind != FS_NETDEV_ETHER &&
					    p->kind != FS_NETDEV_DSA) {
						ERR(l, v, "to: '%s' is a %s port; a station roams to a "
						    "wlan port or to an Ethernet port with an AP behind it",
						    p->name, port_kind_name(p->kind));
						e->port = -1;
					} else if (p->role == SCN_ROLE_WAN) {
						ERR(l, v, "to: '%s' is a WAN port", p->name);
						e->port = -1;
					}
				}
			}
			break;
		case SCN_EV_LINK_DOWN:
		case SCN_EV_LINK_UP:
			v = yu_require(l->d, n, "event", "port");
			if (v)
				e->port = find_port(l, v, "port");
			break;
		default:
			break;
		}
		s->n_events++;
	}
	qsort(s->events, s->n_events, sizeof(*s->events), cmp_event);
}

/* ------------------------------------------------------------------- output ---- */

static const char *const output_keys[] = {
	"database", "json", "sample_interval", "snapshots", NULL,
};
static const char *const snapshot_keys[] = { "what", "every", "at", NULL };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void load_output(struct ld *l, const struct yu_node *n)
{
	struct scenario *s = l->s;
	struct scn_output *o = &s->output;
	const struct yu_node *v;
	uint32_t i, j;

	o->sample_interval_ns = 100000000ULL;
	if (!n || !yu_expect_map(l->d, n, "output"))
		return;
	yu_check_keys(l->d, n, "output", output_keys);
	v = yu_get(n, "database");
	if (v && yu_expect_scalar(l->d, v, "database"))
		o->database = resolve_path(l, v->text);
	v = yu_get(n, "json");
	if (v && yu_expect_scalar(l->d, v, "json"))
		o->json = resolve_path(l, v->text);
	if (o->database && o->json && !strcmp(o->database, o->json))
		ERR(l, v, "json: the same file as database");
	v = yu_get(n, "sample_interval");
	if (v && yu_duration(l->d, v, "sample_interval", &o->sample_interval_ns) &&
	    (o->sample_interval_ns < 1000000ULL ||
	     (s->duration_ns && o->sample_interval_ns > s->duration_ns)))
		ERR(l, v, "sample_interval: %s is outside 1ms..duration", v->text);
	v = yu_get(n, "snapshots");
	if (!v || !yu_expect_seq(l->d, v, "snapshots"))
		return;
	for (i = 0; i < v->n_items; i++) {
		const struct yu_node *sn = v->items[i], *x;
		struct scn_snapshot *snap;
		int what;

		if (!yu_expect_map(l->d, sn, "snapshots[]"))
			continue;
		if (o->n_snapshots >= SCN_MAX_SNAPSHOTS) {
			ERR(l, sn, "snapshots: at most %d", SCN_MAX_SNAPSHOTS);
			break;
		}
		yu_check_keys(l->d, sn, "snapshot", snapshot_keys);
		x = yu_require(l->d, sn, "snapshot", "what");
		if (!x || !yu_enum(l->d, x, "what", scn_snapshot_names, &what))
			continue;
		snap = &o->snapshots[o->n_snapshots];
		snap->what = (uint8_t)what;
		for (j = 0; j < o->n_snapshots; j++)
			if (o->snapshots[j].what == what)
				ERR(l, x, "what: %s snapshots are already configured", x->text);
		x = yu_get(sn, "every");
		if (x && yu_duration(l->d, x, "every", &snap->every_ns) &&
		    (snap->every_ns < 1000000ULL ||
		     (s->duration_ns && snap->every_ns > s->duration_ns)))
			ERR(l, x, "every: %s is outside 1ms..duration", x->text);
		x = yu_get(sn, "at");
		if (x && yu_expect_seq(l->d, x, "at")) {
			snap->at_ns = g_new0(uint64_t, x->n_items + 1);
			for (j = 0; j < x->n_items; j++) {
				uint64_t t;

				if (!yu_duration(l->d, x->items[j], "at", &t))
					continue;
				if (s->duration_ns && t > s->duration_ns) {
					ERR(l, x->items[j], "at: %s is after the end of the run",
					    x->items[j]->text);
					continue;
				}
				snap->at_ns[snap->n_at++] = t;
			}
			qsort(snap->at_ns, snap->n_at, sizeof(uint64_t), cmp_u64);
		}
		if (!yu_get(sn, "every") && !yu_get(sn, "at"))
			ERR(l, sn, "snapshot: give 'every' or 'at' (or both)");
		o->n_snapshots++;
	}
}

/* ----------------------------------------------------------- extra_nft check ---- */

static bool hw_capable_cb(void *arg, const char *dev)
{
	const struct scenario *s = arg;
	int i = scenario_port_index(s, dev);

	return s->router.has_ppe && i >= 0 &&
	       (s->ports[i].kind == FS_NETDEV_ETHER || s->ports[i].kind == FS_NETDEV_DSA);
}

/*
 * Where line/col (1-based) of a scalar's text is in the file.  Block scalars start at the
 * first content line (column 1 of the mark); their lines are indented by the block's
 * indentation, which the source text tells.  Flow scalars sit on the mark's line, one
 * column later when quoted.
 */
static void text_position(const struct yu_doc *doc, const struct yu_node *n, uint32_t line,
			  uint32_t col, uint32_t *fline, uint32_t *fcol)
{
	const char *p = doc->text;
	uint32_t cur = 1, indent = 0;

	if (!n->block) {
		*fline = n->line;
		*fcol = n->col + (col ? col - 1 : 0) + (n->quoted ? 1 : 0);
		return;
	}
	*fline = n->line + (line ? line - 1 : 0);
	while (p && *p && cur < *fline)
		if (*p++ == '\n')
			cur++;
	while (p && p[indent] == ' ')
		indent++;
	*fcol = indent + (col ? col : 1);
}

static void check_extra_nft(struct ld *l, const struct yu_node *at)
{
	struct scenario *s = l->s;
	struct fs_netconf nc;
	struct ruleset *rs;
	struct ruleset_error err;
	uint16_t *ifx;
	size_t size = 1 << 20;
	char *buf;
	int len;

	if (!s->router.extra_nft)
		return;
	memset(&err, 0, sizeof(err));
	ifx = g_new0(uint16_t, s->n_ports + 1);
	fs_netconf_init(&nc);
	rs = ruleset_create();
	buf = g_malloc(size);
	if (scenario_build_netconf(s, &nc, ifx) == 0) {
		len = fw4_render(&s->router.fw, s->router.networks, s->router.n_networks, &nc,
				 hw_capable_cb, s, buf, size);
		if (len < 0 || ruleset_apply(rs, buf, (size_t)len, &err))
			yu_warning(l->d, at, "extra_nft: cannot be checked because fw4's own "
				   "ruleset did not apply (%s)", err.msg[0] ? err.msg : "too large");
		else if (ruleset_apply(rs, s->router.extra_nft, strlen(s->router.extra_nft), &err)) {
			uint32_t fl, fc;

			text_position(l->doc, at, err.line, err.col, &fl, &fc);
			yu_error_at(l->d, l->doc->file, fl, fc, "extra_nft: %s", err.msg);
		}
	}
	g_free(buf);
	ruleset_destroy(rs);
	fs_netconf_release(&nc);
	g_free(ifx);
}

/* --------------------------------------------------------------------- top ---- */

static const char *const top_keys[] = {
	"name", "description", "seed", "duration", "router", "ports", "radios", "hosts",
	"stations", "traffic", "events", "output", NULL,
};

static void load_top(struct ld *l)
{
	struct scenario *s = l->s;
	const struct yu_node *root = l->doc->root, *v;

	if (!root) {
		yu_error_at(l->d, l->doc->file, 0, 0, "empty file: expected a scenario mapping");
		return;
	}
	if (!yu_expect_map(l->d, root, "scenario"))
		return;
	yu_check_keys(l->d, root, "scenario", top_keys);
	v = yu_get(root, "name");
	if (v)
		yu_str(l->d, v, "name", s->name, sizeof(s->name));
	v = yu_get(root, "description");
	if (v)
		yu_strdup(l->d, v, "description", &s->description);
	s->seed = 1;
	v = yu_get(root, "seed");
	if (v)
		yu_u64(l->d, v, "seed", 0, UINT64_MAX, &s->seed);
	v = yu_require(l->d, root, "scenario", "duration");
	if (v && yu_duration(l->d, v, "duration", &s->duration_ns)) {
		if (!s->duration_ns)
			ERR(l, v, "duration: must be greater than zero");
		else if (s->duration_ns > 7ULL * 24 * 3600 * 1000000000ULL)
			ERR(l, v, "duration: %s is more than a week of simulated time", v->text);
	}
	v = yu_get(root, "radios");
	if (v)
		load_radios(l, v);
	v = yu_require(l->d, root, "scenario", "ports");
	if (v)
		load_ports(l, v);
	v = yu_require(l->d, root, "scenario", "router");
	l->router_key = yu_get_key(root, "router");
	if (v)
		load_router(l, v);
	load_hosts(l, yu_get(root, "hosts"), yu_get(root, "stations"));
	check_addresses_unique(l);
	v = yu_get(root, "traffic");
	if (v)
		load_traffic(l, v);
	v = yu_get(root, "events");
	if (v)
		load_events(l, v);
	load_output(l, yu_get(root, "output"));
	v = yu_get(root, "router");
	if (v && v->kind == YU_MAP && yu_get(v, "extra_nft") && !l->d->errors)
		check_extra_nft(l, yu_get(v, "extra_nft"));
}

struct scenario *scenario_load_string(const char *display, const char *dir, const char *text,
				      size_t len, const char *soc_dir, struct yu_diag *d)
{
	struct ld l;
	struct scenario *s;
	uint32_t errors = d->errors;

	memset(&l, 0, sizeof(l));
	l.d = d;
	l.soc_dir = soc_dir;
	l.doc = yu_load_string(display, text, len, d);
	if (!l.doc)
		return NULL;
	s = g_new0(struct scenario, 1);
	s->file = g_strdup(display);
	s->dir = g_strdup(dir ? dir : ".");
	l.s = s;
	load_top(&l);
	g_free(l.port_nodes);
	yu_doc_free(l.doc);
	if (d->errors != errors) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

struct scenario *scenario_load(const char *path, const char *soc_dir, struct yu_diag *d)
{
	GError *err = NULL;
	struct scenario *s;
	gchar *text = NULL, *dir;
	gsize len = 0;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		yu_error_at(d, path, 0, 0, "is a directory, expected a scenario file");
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &len, &err)) {
		yu_error_at(d, path, 0, 0, "cannot read: %s",
			    err->code == G_FILE_ERROR_NOENT ? "no such file" : err->message);
		g_error_free(err);
		return NULL;
	}
	dir = g_path_get_dirname(path);
	s = scenario_load_string(path, dir, text, len, soc_dir, d);
	g_free(dir);
	g_free(text);
	return s;
}

void scenario_free(struct scenario *s)
{
	uint32_t i;

	if (!s)
		return;
	g_free(s->file);
	g_free(s->dir);
	g_free(s->description);
	g_free(s->router.sysctls);
	g_free(s->router.firewall_uci);
	g_free(s->router.extra_nft);
	g_free(s->ports);
	g_free(s->radios);
	g_free(s->hosts);
	g_free(s->traffic);
	g_free(s->events);
	g_free(s->output.database);
	g_free(s->output.json);
	for (i = 0; i < s->output.n_snapshots; i++)
		g_free(s->output.snapshots[i].at_ns);
	g_free(s);
}

/* ---------------------------------------------------------------- netconf ---- */

/* The mask of a 32-bit word with its first `bits` bits set. */
static uint32_t prefix_mask(uint32_t bits)
{
	return bits >= 32 ? 0xffffffffU : bits ? ~(0xffffffffU >> bits) : 0;
}

int scenario_build_netconf(const struct scenario *s, struct fs_netconf *nc,
			   uint16_t *ifindex_of)
{
	uint32_t i, j;
	bool progress = true;

	for (i = 0; i < s->n_ports; i++)
		ifindex_of[i] = 0;
	/* add lower devices, conduits and bridges before the ports that use them */
	while (progress) {
		progress = false;
		for (i = 0; i < s->n_ports; i++) {
			const struct scn_port *p = &s->ports[i];
			struct fs_netdev dev;
			int idx;

			if (ifindex_of[i] || (p->lower >= 0 && !ifindex_of[p->lower]) ||
			    (p->master >= 0 && !ifindex_of[p->master]))
				continue;
			memset(&dev, 0, sizeof(dev));
			g_strlcpy(dev.name, p->name, sizeof(dev.name));
			dev.kind = p->kind;
			dev.up = 1;
			dev.mtu = p->mtu;
			dev.lower = p->lower >= 0 ? ifindex_of[p->lower] : 0;
			dev.master = p->master >= 0 ? ifindex_of[p->master] : 0;
			dev.vlan_id = p->vlan_id;
			dev.pppoe_sid = p->pppoe_sid;
			dev.gmac = p->kind == FS_NETDEV_DSA && p->lower >= 0 ?
					   s->ports[p->lower].gmac : p->gmac;
			dev.dsa_port = p->dsa_port;
			if (p->radio >= 0) {
				dev.wlan_band = s->radios[p->radio].band;
				dev.wlan_radio = (u8)p->radio;
				dev.wlan_bss = p->bss;
				dev.wlan_wed = s->radios[p->radio].wed;
			}
			/* locally administered, unique per port */
			dev.mac[0] = 0x02;
			dev.mac[4] = (u8)(i >> 8);
			dev.mac[5] = (u8)i;
			idx = fs_netdev_add(nc, &dev);
			if (idx < 0)
				return -1;
			ifindex_of[i] = (uint16_t)idx;
			progress = true;
		}
	}
	for (i = 0; i < s->n_ports; i++)
		if (!ifindex_of[i])
			return -1;   /* a cycle (cannot happen in a validated scenario) */
	for (i = 0; i < s->n_ports; i++) {
		const struct scn_port *p = &s->ports[i];

		for (j = 0; j < p->n_addrs; j++) {
			const struct scn_prefix *pf = &p->addrs[j];
			struct fs_route rt;
			uint32_t w;

			if (fs_ifaddr_add(nc, ifindex_of[i], pf->family, &pf->addr, pf->plen))
				return -1;
			memset(&rt, 0, sizeof(rt));
			rt.family = pf->family;
			rt.plen = pf->plen;
			rt.oif = ifindex_of[i];
			/* the connected route: the address with its host bits cleared */
			if (pf->family == FS_AF_INET) {
				rt.prefix.ip = pf->addr.ip & prefix_mask(pf->plen);
			} else {
				for (w = 0; w < 4; w++) {
					uint32_t bits = pf->plen > w * 32 ? MIN(32U, pf->plen - w * 32) : 0;

					rt.prefix.ip6[w] = pf->addr.ip6[w] & prefix_mask(bits);
				}
			}
			if (fs_route_add(nc, &rt))
				return -1;
		}
		if (p->has_gw4 || p->has_gw6 || p->default_route) {
			int fam;

			for (fam = 0; fam < 2; fam++) {
				struct fs_route rt;
				bool gw = fam ? p->has_gw6 : p->has_gw4;

				if (!gw && !p->default_route)
					continue;
				memset(&rt, 0, sizeof(rt));
				rt.family = fam ? FS_AF_INET6 : FS_AF_INET;
				rt.oif = ifindex_of[i];
				if (gw)
					rt.gateway = fam ? p->gw6 : p->gw4;
				if (fs_route_add(nc, &rt))
					return -1;
			}
		}
	}
	return 0;
}
