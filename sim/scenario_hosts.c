// SPDX-License-Identifier: MIT
/*
 * scenario_hosts.c - the scenario's hosts: (wired) and stations: (Wi-Fi clients) sections,
 * which share one name space and one array, and the check that no two of them, nor a host
 * and the router, have the same address.
 *
 * Invariant after loading: a host's port is a physical port with a role (not a bridge,
 * PPPoE device or DSA conduit), a station's port is a wlan port, and each address the host
 * has is reachable from the router on that port.
 */
#include "scenario_internal.h"

#include <string.h>

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

		if (scn_on_link(p, family, a))
			return true;
		if (p->default_route || (family == FS_AF_INET ? p->has_gw4 : p->has_gw6))
			return true;
	}
	return false;
}

static void load_host_addrs(struct scn_loader *l, const struct yu_node *n, struct scn_host *h)
{
	const struct yu_node *v;

	v = yu_get(n, "ipv4");
	if (v)
		h->has_v4 = scn_parse_addr(l, v, "ipv4", FS_AF_INET, &h->v4);
	v = yu_get(n, "ipv6");
	if (v)
		h->has_v6 = scn_parse_addr(l, v, "ipv6", FS_AF_INET6, &h->v6);
	if (!yu_get(n, "ipv4") && !yu_get(n, "ipv6"))
		ERR(l, n, "%s '%s': needs an ipv4 or ipv6 address", h->station ? "station" : "host",
		    h->name);
}

static void check_host_place(struct scn_loader *l, const struct yu_node *n, struct scn_host *h)
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
			char *t = scn_addr_text(family, a);

			ERR(l, yu_get(n, fam ? "ipv6" : "ipv4"), "%s: %s is in no subnet of port %s "
			    "(or its bridge / PPPoE device) and no default route leads there",
			    fam ? "ipv6" : "ipv4", t, s->ports[h->port].name);
			g_free(t);
		}
	}
}

static bool host_name_unique(struct scn_loader *l, const struct yu_node *v, const char *name)
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

void scn_load_hosts(struct scn_loader *l, const struct yu_node *hosts, const struct yu_node *stas)
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
			if (!v || !scn_get_name(l, v, "name", h->name, sizeof(h->name)) ||
			    !host_name_unique(l, v, h->name))
				continue;
			v = yu_require(l->d, n, "host", "port");
			if (v)
				h->port = scn_find_port(l, v, "port");
			if (h->port >= 0) {
				p = &s->ports[h->port];
				if (p->kind == FS_NETDEV_WLAN) {
					ERR(l, v, "port: '%s' is a Wi-Fi port: put Wi-Fi clients under "
					    "stations", p->name);
					h->port = -1;
				} else if (p->kind == FS_NETDEV_BRIDGE || p->kind == FS_NETDEV_PPPOE) {
					ERR(l, v, "port: '%s' is a %s port: attach the host to a "
					    "physical port%s", p->name, scn_port_kind_name(p->kind),
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
			if (!v || !scn_get_name(l, v, "name", h->name, sizeof(h->name)) ||
			    !host_name_unique(l, v, h->name))
				continue;
			v = yu_get(n, "port");
			vr = yu_get(n, "radio");
			if (!!v + !!vr + !!yu_get(n, "band") > 1) {
				ERR(l, yu_get_key(n, v ? (vr ? "radio" : "band") : "band"),
				    "station: give one of port, radio or band");
			} else if (yu_get(n, "band")) {
				h->port = scn_wlan_port_of_band(l, yu_get(n, "band"), "band");
			} else if (v) {
				h->port = scn_find_port(l, v, "port");
				if (h->port >= 0 && s->ports[h->port].kind != FS_NETDEV_WLAN) {
					ERR(l, v, "port: '%s' is a %s port, a station needs a wlan port",
					    v->text, scn_port_kind_name(s->ports[h->port].kind));
					h->port = -1;
				}
			} else if (vr) {
				int radio = scn_find_radio(l, vr, "radio");
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
			if (v)
				scn_load_phy_rate(l, v, &h->phy_rate_bps);
			check_host_place(l, n, h);
			s->n_hosts++;
		}
	}
}

void scn_check_addresses_unique(struct scn_loader *l)
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
