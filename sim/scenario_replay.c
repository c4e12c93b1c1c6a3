// SPDX-License-Identifier: MIT
/*
 * scenario_replay.c - the scenario's replay: section, used by `flowsim run --replay
 * CAPTURE` (sim/replay.h): which router port each captured packet arrives on, by its
 * source address, and how the capture is read.
 *
 *   replay:
 *     ports:                      # first match wins
 *       - {from: 10.0.1.0/24, port: lan1}
 *       - {from: "fd00:1::/64", port: lan1}
 *       - {from: 0.0.0.0/0, port: wan}
 *     start: 0                    # sim time of the capture's first packet
 *     skip_outgoing: true         # SLL/SLL2 (tcpdump -i any): leave out outgoing packets
 *     tolerant: false             # skip undecodable packets instead of failing
 *
 * Invariant after loading (no errors): present is set, at least one mapping, every
 * mapping's port is one a host could attach to (ether, dsa user port or vlan, with a
 * role), prefixes have their host bits cleared, start is within the run.
 */
#include "scenario_internal.h"

#include <string.h>

static const char *const replay_keys[] = {
	"ports", "start", "skip_outgoing", "tolerant", NULL,
};
static const char *const map_keys[] = { "from", "port", NULL };

/* Clear the bits beyond plen, so that prefix matching compares networks. */
static void prefix_mask(struct scn_prefix *p)
{
	uint32_t w, bits;

	if (p->family == FS_AF_INET) {
		p->addr.ip &= p->plen >= 32 ? 0xffffffffu : p->plen ? ~(0xffffffffu >> p->plen) : 0;
		return;
	}
	for (w = 0; w < 4; w++) {
		bits = p->plen > w * 32 ? FS_MIN(32u, p->plen - w * 32u) : 0;
		p->addr.ip6[w] &= bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;
	}
}

static bool port_ok(struct scn_loader *l, const struct yu_node *v, int port)
{
	const struct scenario *s = l->s;
	const struct scn_port *p = &s->ports[port];
	uint32_t k;

	if (p->kind != FS_NETDEV_ETHER && p->kind != FS_NETDEV_DSA && p->kind != FS_NETDEV_VLAN) {
		ERR(l, v, "port: '%s' is a %s port; captured packets arrive on an ether, dsa or "
		    "vlan port (where a host would be attached)", p->name,
		    scn_port_kind_name(p->kind));
		return false;
	}
	for (k = 0; k < s->n_ports; k++)
		if (s->ports[k].kind == FS_NETDEV_DSA && s->ports[k].lower == port) {
			ERR(l, v, "port: '%s' is the DSA conduit: map to its user port instead",
			    p->name);
			return false;
		}
	if (!p->role) {
		ERR(l, v, "port: '%s' has no role: give it role: lan or role: wan", p->name);
		return false;
	}
	return true;
}

static void load_map(struct scn_loader *l, const struct yu_node *n)
{
	struct scn_replay *rp = &l->s->replay;
	struct scn_replay_map *m = &rp->maps[rp->n_maps];
	const struct yu_node *v;
	bool ok = true;

	if (!yu_expect_map(l->d, n, "replay.ports[]"))
		return;
	yu_check_keys(l->d, n, "replay.ports[]", map_keys);
	m->line = n->line;
	m->col = n->col;
	m->port = -1;
	v = yu_require(l->d, n, "replay.ports[]", "from");
	if (!v || !scn_parse_prefix(l, v, "from", &m->from, false))
		ok = false;
	else
		prefix_mask(&m->from);
	v = yu_require(l->d, n, "replay.ports[]", "port");
	if (v) {
		m->port = scn_find_port(l, v, "port");
		if (m->port >= 0 && !port_ok(l, v, m->port))
			m->port = -1;
	}
	if (ok && m->port >= 0)
		rp->n_maps++;
}

void scn_load_replay(struct scn_loader *l, const struct yu_node *n)
{
	struct scenario *s = l->s;
	struct scn_replay *rp = &s->replay;
	const struct yu_node *v;
	uint32_t i;

	if (!yu_expect_map(l->d, n, "replay"))
		return;
	yu_check_keys(l->d, n, "replay", replay_keys);
	rp->present = true;
	rp->line = n->line;
	rp->col = n->col;
	rp->skip_outgoing = true;
	v = yu_require(l->d, n, "replay", "ports");
	if (v && yu_expect_seq(l->d, v, "replay.ports")) {
		if (!v->n_items)
			ERR(l, v, "replay.ports: expected at least one {from: PREFIX, port: NAME}");
		rp->maps = g_new0(struct scn_replay_map, v->n_items + 1);
		for (i = 0; i < v->n_items; i++)
			load_map(l, v->items[i]);
	}
	v = yu_get(n, "start");
	if (v && yu_duration(l->d, v, "start", &rp->start_ns) && s->duration_ns &&
	    rp->start_ns >= s->duration_ns)
		ERR(l, v, "start: %s is not before the end of the run (duration)", v->text);
	v = yu_get(n, "skip_outgoing");
	if (v)
		yu_bool(l->d, v, "skip_outgoing", &rp->skip_outgoing);
	v = yu_get(n, "tolerant");
	if (v)
		yu_bool(l->d, v, "tolerant", &rp->tolerant);
}
