/* SPDX-License-Identifier: MIT */
/*
 * world.c - building the world of a run from a validated scenario (see world.h): the core
 * with its network configuration and neighbours, the PPE, the fw4 ruleset, the router
 * machine with one port per physical device, hosts and stations with their attachment,
 * the radios' media, then (world_traffic.c, world_events.c) traffic and scripted events.
 *
 * Invariants after world_create():
 *  - every host has a physical port (Ethernet, DSA user port or WLAN) and, per family it
 *    has an address of, the L3 device, encapsulation and MACs its frames carry;
 *  - a directly reachable host has a neighbour entry (its L3 device, its port, its wcid);
 *    a host behind a gateway is reached through the gateway's neighbour entry, whose port
 *    is that host's physical port;
 *  - every physical port is a sim_router port; nothing else is.
 * Errors name the scenario item (FILE:LINE:COL) that cannot be built; none of them can
 * happen for the shipped examples, but a valid scenario may still ask for something the
 * world does not model (a host on a VLAN over a bridge, say).
 */
#include <string.h>

#include "world.h"

/* ------------------------------------------------------------------ helpers ---- */

static void mac_make(u8 mac[6], u8 tag, u8 b3, u32 index)
{
	mac[0] = 0x02;          /* locally administered, unicast */
	mac[1] = tag;
	mac[2] = 0;
	mac[3] = b3;
	mac[4] = (u8)(index >> 8);
	mac[5] = (u8)index;
}

static bool is_phys_kind(u8 kind)
{
	return kind == FS_NETDEV_ETHER || kind == FS_NETDEV_DSA || kind == FS_NETDEV_WLAN;
}

u32 world_cpus(const struct world *w)
{
	u32 n = w->s->router.soc.cpu.cores;

	if (w->s->router.soc.cpu.threads_per_core > 1)
		n *= w->s->router.soc.cpu.threads_per_core;
	if (n < 1)
		n = 1;
	return n > SIM_ROUTER_MAX_CORES ? SIM_ROUTER_MAX_CORES : n;
}

u64 world_cpu_hz(const struct world *w)
{
	return w->s->router.soc.cpu.clock_hz ? w->s->router.soc.cpu.clock_hz : 1000000000ULL;
}

u64 world_link_packets(const struct world *w)
{
	const struct sim_router_stats *st = sim_router_get_stats(w->sr);

	return st->rx_frames + st->tx_frames;
}

static void core_event(void *arg, const struct fs_event *ev)
{
	struct world *w = arg;

	if ((u32)ev->type < FS_EV__COUNT)
		w->st.events[ev->type]++;
	if (w->ev_fn)
		w->ev_fn(w->ev_ctx, ev);
}

/* ------------------------------------------------------------- attachment ---- */

/*
 * The L3 device candidates of a host on port `port`, as the scenario validator reads
 * reachability: the port, its bridge, and VLAN/PPPoE devices stacked on those.
 */
u32 world_l3_candidates(const struct scenario *s, int port, int *cand, u32 max)
{
	u32 n = 0, i, j;

	cand[n++] = port;
	if (s->ports[port].master >= 0)
		cand[n++] = s->ports[port].master;
	for (j = 0; j < n; j++)
		for (i = 0; i < s->n_ports && n < max; i++)
			if (s->ports[i].lower == cand[j] &&
			    (s->ports[i].kind == FS_NETDEV_PPPOE ||
			     s->ports[i].kind == FS_NETDEV_VLAN))
				cand[n++] = (int)i;
	return n;
}

/* Encapsulation of frames between the host and L3 device d (outermost first). */
int world_encap_for(const struct scenario *s, int d, struct world_attach *a, int *base)
{
	struct fs_encap stack[4];
	u32 n = 0, i;
	int cur = d;

	while (cur >= 0 && (s->ports[cur].kind == FS_NETDEV_VLAN ||
			    s->ports[cur].kind == FS_NETDEV_PPPOE)) {
		if (n == FS_ARRAY_SIZE(stack))
			return -1;
		stack[n].proto = s->ports[cur].kind == FS_NETDEV_VLAN ? FS_ETH_P_8021Q :
									   FS_ETH_P_PPP_SES;
		stack[n].id = s->ports[cur].kind == FS_NETDEV_VLAN ? s->ports[cur].vlan_id :
									    s->ports[cur].pppoe_sid;
		n++;
		cur = s->ports[cur].lower;
	}
	if (n > FS_ENCAP_MAX)
		return -1;
	/* the walk went from the top down: the lowest header is the outermost */
	a->num_encap = (u8)n;
	for (i = 0; i < n; i++)
		a->encap[i] = stack[n - 1 - i];
	*base = cur;
	return 0;
}

/* The gateway neighbour of port p for a family (created on first use). */
static int gateway_neigh(struct world *w, int p, u8 family, u16 phys, u8 mac[6])
{
	struct fs_netconf *nc = router_netconf(w->r);
	const struct scn_port *sp = &w->s->ports[p];
	const union fs_addr *gw = family == FS_AF_INET ? &sp->gw4 : &sp->gw6;
	struct fs_neigh n, *old;

	mac_make(mac, 0x47, family == FS_AF_INET ? 4 : 6, (u32)p);
	old = fs_neigh_lookup(nc, w->ifindex_of[p], family, gw);
	if (old)
		return 0;   /* first host behind the gateway decides its port */
	memset(&n, 0, sizeof(n));
	n.addr = *gw;
	n.family = family;
	n.ifindex = w->ifindex_of[p];
	n.port = phys;
	n.valid = 1;
	memcpy(n.mac, mac, 6);
	return fs_neigh_update(nc, &n);
}

int world_host_attach(struct world *w, struct world_host *h, int port)
{
	const struct scenario *s = w->s;
	const struct scn_host *sh = &s->hosts[h->scn];
	struct fs_netconf *nc = router_netconf(w->r);
	int cand[FS_NETDEV_MAX];
	u32 nc_cand, fam, j;
	int phys = port;

	while (phys >= 0 && s->ports[phys].kind == FS_NETDEV_VLAN)
		phys = s->ports[phys].lower;
	if (phys < 0 || !is_phys_kind(s->ports[phys].kind))
		return -1;
	h->port = port;
	h->wp = &w->ports[phys];
	/* a station on a radio without shared airtime has a medium of its own there */
	if (h->wp->kind == FS_NETDEV_WLAN && !h->wp->medium && h->wp->radio >= 0 &&
	    !h->own[h->wp->radio])
		h->own[h->wp->radio] = world_medium_create(w, h->wp->radio, h->phy_rate);
	nc_cand = world_l3_candidates(s, port, cand, FS_NETDEV_MAX);
	for (fam = 0; fam < 2; fam++) {
		u8 family = fam ? FS_AF_INET6 : FS_AF_INET;
		const union fs_addr *addr = fam ? &sh->v6 : &sh->v4;
		struct world_attach *a = &h->att[fam];
		int d = -1, base;
		bool via_gw = false;

		memset(a, 0, sizeof(*a));
		if (!(fam ? sh->has_v6 : sh->has_v4))
			continue;
		for (j = 0; j < nc_cand && d < 0; j++)
			if (scn_on_link(&s->ports[cand[j]], family, addr))
				d = cand[j];
		for (j = 0; j < nc_cand && d < 0; j++) {
			const struct scn_port *p = &s->ports[cand[j]];

			if (p->default_route || (fam ? p->has_gw6 : p->has_gw4)) {
				d = cand[j];
				via_gw = true;
			}
		}
		if (d < 0 || world_encap_for(s, d, a, &base))
			return -1;
		a->ok = true;
		a->l3 = w->ifindex_of[d];
		a->gateway = via_gw;
		memcpy(a->dst_mac, fs_netdev_get(nc, w->ifindex_of[base >= 0 ? base : d])->mac, 6);
		if (!via_gw) {
			struct fs_neigh n;

			memcpy(a->src_mac, h->mac, 6);
			if (s->ports[d].kind == FS_NETDEV_PPPOE)
				continue;   /* point-to-point: no neighbour */
			memset(&n, 0, sizeof(n));
			n.addr = *addr;
			n.family = family;
			n.ifindex = a->l3;
			n.port = h->wp->ifindex;
			n.wcid = h->wp->kind == FS_NETDEV_WLAN ? h->wcid : 0;
			n.valid = 1;
			memcpy(n.mac, h->mac, 6);
			if (fs_neigh_update(nc, &n))
				return -1;
		} else if (s->ports[d].kind == FS_NETDEV_PPPOE && s->ports[d].default_route &&
			   !(fam ? s->ports[d].has_gw6 : s->ports[d].has_gw4)) {
			/* frames from the internet come from the access concentrator */
			memcpy(a->src_mac, fs_netdev_get(nc, a->l3)->peer_mac, 6);
		} else if (s->ports[d].default_route) {
			mac_make(a->src_mac, 0x47, 0, (u32)d);
		} else if (gateway_neigh(w, d, family, h->wp->ifindex, a->src_mac)) {
			return -1;
		}
	}
	return 0;
}

static int build_hosts(struct world *w, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	u32 i, k, wcid = 0;

	w->n_hosts = s->n_hosts;
	for (i = 0; i < s->n_traffic; i++)
		if (s->traffic[i].type == SCN_P2P_SWARM)
			w->n_hosts++;
	w->hosts = g_new0(struct world_host, w->n_hosts + 1);
	w->swarm_host = g_new0(u32, s->n_traffic + 1);
	for (i = 0; i < s->n_hosts; i++) {
		const struct scn_host *sh = &s->hosts[i];
		struct world_host *h = &w->hosts[i];

		h->scn = (int)i;
		h->station = sh->station;
		h->own = g_new0(struct world_medium *, s->n_radios + 1);
		world_dline_init(w, h);
		mac_make(h->mac, 0x48, 0, i);
		h->far_delay = sh->rtt_ns / 2;
		if (sh->station) {
			const struct scn_port *p = &s->ports[sh->port];

			h->wcid = (u16)++wcid;
			h->phy_rate = sh->phy_rate_bps;
			if (!h->phy_rate && p->radio >= 0)
				h->phy_rate = s->radios[p->radio].phy_rate_bps;
		}
		if (world_host_attach(w, h, sh->port)) {
			yu_error_at(d, s->file, sh->line, sh->col,
				    "%s '%s': cannot attach it to port '%s' (the world models hosts "
				    "on Ethernet, DSA and WLAN ports, or on VLANs over them, with at "
				    "most %d VLAN/PPPoE headers)", sh->station ? "station" : "host",
				    sh->name, s->ports[sh->port].name, FS_ENCAP_MAX);
			return -1;
		}
	}
	/*
	 * A p2p swarm's peers are internet hosts of their own: they share the server host's
	 * place (port, addresses' route, round trip) but not its queue - a bulk download
	 * from the server must not hold up the swarm's datagrams at the server's NIC.
	 */
	for (i = 0, k = s->n_hosts; i < s->n_traffic; i++) {
		const struct world_host *srv;
		struct world_host *h;

		if (s->traffic[i].type != SCN_P2P_SWARM)
			continue;
		srv = &w->hosts[s->traffic[i].server];
		h = &w->hosts[k++];
		h->scn = srv->scn;
		h->station = srv->station;
		h->own = g_new0(struct world_medium *, s->n_radios + 1);
		world_dline_init(w, h);
		memcpy(h->mac, srv->mac, 6);   /* its neighbour entry stays the server's */
		h->far_delay = srv->far_delay;
		h->phy_rate = srv->phy_rate;
		h->wcid = srv->wcid;
		if (world_host_attach(w, h, srv->port))
			return -1;   /* the server attached at the same port above */
		w->swarm_host[i] = k - 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ router ---- */

static bool fw4_hw_probe(void *arg, const char *dev)
{
	struct world *w = arg;
	const struct fs_netdev *nd;

	if (!w->ppe)
		return false;
	nd = fs_netdev_by_name(router_netconf(w->r), dev);
	return nd && ppe_router_ops()->dev_capable(w->ppe, nd);
}

int world_apply_firewall(struct world *w, bool reload, u64 now, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	const struct scn_router *sr = &s->router;
	static const char del[] = "delete table inet fw4\n";
	size_t size = 1 << 20;
	struct ruleset_error err;
	char *buf = g_malloc(size);
	int len, off = reload ? (int)strlen(del) : 0;

	if (sr->ruleset) {
		/* router.ruleset / ruleset_json replace fw4's ruleset: a reload starts afresh */
		static const char flush[] = "flush ruleset\n";
		size_t rl = strlen(sr->ruleset);

		off = reload ? (int)strlen(flush) : 0;
		if (reload)
			memcpy(buf, flush, (size_t)off);
		len = rl + (size_t)off < size ? (int)rl : -1;
		if (len >= 0)
			memcpy(buf + off, sr->ruleset, rl);
	} else {
		if (reload)
			memcpy(buf, del, (size_t)off);
		len = fw4_render(&sr->fw, sr->networks, sr->n_networks, router_netconf(w->r),
				 fw4_hw_probe, w, buf + off, size - (size_t)off);
	}
	if (len < 0) {
		yu_error_at(d, s->file, 0, 0, "router: fw4's ruleset is larger than %zu bytes", size);
		g_free(buf);
		return -1;
	}
	if (!sr->ruleset)
		fw4_resolve_offload(&sr->fw, sr->networks, sr->n_networks, router_netconf(w->r),
				    fw4_hw_probe, w, &w->offload);
	memset(&err, 0, sizeof(err));
	if (router_apply_ruleset(w->r, buf, (size_t)(len + off), now, &err)) {
		if (sr->ruleset)
			yu_error_at(d, sr->ruleset_file, err.line, err.col, "router: the ruleset "
				    "does not apply to this router: %s", err.msg);
		else
			yu_error_at(d, s->file, 0, 0, "router: fw4's ruleset does not apply: "
				    "%u:%u: %s", err.line, err.col, err.msg);
		g_free(buf);
		return -1;
	}
	if (sr->extra_nft &&
	    router_apply_ruleset(w->r, sr->extra_nft, strlen(sr->extra_nft), now, &err)) {
		yu_error_at(d, s->file, 0, 0, "router.extra_nft: line %u:%u of the block: %s",
			    err.line, err.col, err.msg);
		g_free(buf);
		return -1;
	}
	if (sr->ruleset) {
		/* what the summary reports as the offload mode: the ruleset's flowtables */
		struct ruleset_flowtable ft[8];
		u32 i, j, n = ruleset_flowtables(router_ruleset(w->r), ft, 8);

		memset(&w->offload, 0, sizeof(w->offload));
		for (i = 0; i < n && i < 8; i++) {
			w->offload.hw |= !!(ft[i].flags & FLOWTABLE_F_HW_OFFLOAD);
			for (j = 0; j < ft[i].num_devices && w->offload.num < FW4_MAX_OFFLOAD_DEVS; j++)
				g_strlcpy(w->offload.dev[w->offload.num++], ft[i].devices[j],
					  sizeof(w->offload.dev[0]));
		}
	}
	g_free(w->ruleset_text);
	w->ruleset_text = g_strndup(buf + off, (gsize)len);
	w->ruleset_len = (size_t)len;
	g_free(buf);
	return 0;
}

static int build_router(struct world *w, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	struct fs_netconf *nc;
	u32 i;

	w->r = router_create(&s->router.config, core_event, w);
	if (!w->r) {
		yu_error_at(d, s->file, 0, 0, "router: cannot create the core (out of memory)");
		return -1;
	}
	nc = router_netconf(w->r);
	w->ifindex_of = g_new0(u16, s->n_ports + 1);
	if (scenario_build_netconf(s, nc, w->ifindex_of)) {
		yu_error_at(d, s->file, 0, 0, "ports: more devices, addresses or routes than the "
			    "core's tables hold (%d devices, %d routes)", FS_NETDEV_MAX - 1,
			    FS_ROUTE_MAX);
		return -1;
	}
	for (i = 0; i < s->n_ports; i++) {
		struct fs_netdev *nd = fs_netdev_get(nc, w->ifindex_of[i]);

		if (nd->kind == FS_NETDEV_PPPOE)
			mac_make(nd->peer_mac, 0x41, 0, i);   /* the access concentrator */
	}
	if (s->router.has_ppe) {
		w->ppe = ppe_create(&s->router.ppe, nc, &router_get_config(w->r)->cost, core_event,
				    w);
		if (!w->ppe) {
			yu_error_at(d, s->file, 0, 0, "router.ppe: the PPE model refused the "
				    "configuration of %s", s->router.ppe.soc);
			return -1;
		}
		router_set_hw(w->r, ppe_router_ops(), w->ppe);
	}
	return 0;
}

/* The drop callback a qdisc has between its creation and sim_router_add_port(), which
 * installs the router's own: nothing can be queued in between, so a call is a bug. */
static void qdisc_drop_unowned(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why,
			       u64 now)
{
	g_error("world: a qdisc dropped a packet before sim_router owned it");
}

/* The egress qdisc of a physical port; NULL is sim_router's default (pfifo 1000). */
static struct qdisc *port_qdisc(struct world *w, u32 i, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	const struct scn_port *p = &s->ports[i];
	const struct scn_qdisc *sq = &p->qdisc;
	struct qdisc_params params;
	struct qdisc *q;
	char err[160];

	u32 j;

	/*
	 * sim_router has one queue per physical port.  A qdisc configured on a device stacked
	 * on it (cake on pppoe-wan, the usual SQM setup) shapes what leaves the port: it is
	 * used there unless the port has a configured qdisc of its own.  A DSA user port is
	 * IFF_NO_QUEUE: its frames queue in the conduit's qdisc.
	 */
	if (!(sq->configured && strcmp(sq->kind, "noqueue"))) {
		for (j = 0; j < s->n_ports; j++) {
			const struct scn_port *u = &s->ports[j];
			int low = u->lower;

			if (u->kind != FS_NETDEV_VLAN && u->kind != FS_NETDEV_PPPOE)
				continue;
			while (low >= 0 && low != (int)i && (s->ports[low].kind == FS_NETDEV_VLAN ||
							    s->ports[low].kind == FS_NETDEV_PPPOE))
				low = s->ports[low].lower;
			if (low == (int)i && u->qdisc.configured && strcmp(u->qdisc.kind, "noqueue")) {
				sq = &u->qdisc;
				break;
			}
		}
	}
	if (p->kind == FS_NETDEV_DSA && !strcmp(sq->kind, "noqueue") && p->lower >= 0)
		sq = &s->ports[p->lower].qdisc;
	if (!strcmp(sq->kind, "noqueue") || p->kind == FS_NETDEV_WLAN)
		return NULL;
	params = sq->params;
	params.seed = w->opts.seed;
	params.stream = 1000 + i;
	q = qdisc_create(sq->kind, &params, qdisc_drop_unowned, w, err, sizeof(err));
	if (!q)
		yu_error_at(d, s->file, p->line, p->col, "port '%s': qdisc: %s", p->name, err);
	return q;
}

/* Ingress shaping of a physical port (scn_port.ingress: the qdisc of its ifb). */
static int port_ingress(struct world *w, u32 i, u16 ifindex, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	const struct scn_port *p = &s->ports[i];
	struct qdisc_params params;
	struct qdisc *q;
	char err[160];

	if (!p->ingress.configured)
		return 0;
	params = p->ingress.params;
	params.seed = w->opts.seed;
	params.stream = 2000 + i;
	q = qdisc_create(p->ingress.kind, &params, qdisc_drop_unowned, w, err, sizeof(err));
	if (!q) {
		yu_error_at(d, s->file, p->line, p->col, "port '%s': ingress_qdisc: %s", p->name,
			    err);
		return -1;
	}
	if (sim_router_set_port_ingress(w->sr, ifindex, q)) {
		qdisc_destroy(q, 0);
		return -1;
	}
	return 0;
}

/*
 * router.packet_steering: the devices packet-steering.uc sees are the SoC's Ethernet
 * (every GMAC is a netdev of one platform device; DSA user ports are uppers of their
 * conduit and skipped, their packets are the conduit's) and one per radio.  NAPI runs in
 * a kthread the script can pin from kernel 5.12 (dev_set_threaded) on mtk_eth_soc
 * (OpenWrt's 702-net-ethernet-mtk_eth_soc-enable-threaded-NAPI.patch; the SoCs with a
 * PPE here) and mt76.
 */
static int steer_ports(struct world *w)
{
	const struct scenario *s = w->s;
	struct sim_steer_dev *dev;
	u32 i, n = 1 + s->n_radios;
	bool threads = s->router.kernel >= 512;

	if (!s->router.packet_steering)
		return 0;
	dev = g_new0(struct sim_steer_dev, n);
	dev[0].threaded = threads && s->router.soc.ppe.present;
	for (i = 0; i < s->n_radios; i++) {
		dev[1 + i].threaded = threads;
		dev[1 + i].wlan = 1;
	}
	sim_router_steering_plan(s->router.packet_steering, world_cpus(w),
				 s->router.soc.cpu.threads_per_core, dev, n);
	for (i = 0; i < s->n_ports; i++) {
		const struct scn_port *p = &s->ports[i];
		const struct sim_steer_dev *sd;

		if (!w->ports[i].phys)
			continue;
		sd = p->kind == FS_NETDEV_WLAN && p->radio >= 0 ? &dev[1 + p->radio] : &dev[0];
		sim_router_set_port_steering(w->sr, w->ports[i].ifindex, sd->napi_cpu,
					     sd->rps_mask);
	}
	g_free(dev);
	return 0;
}

/*
 * The Ethernet DMA's RX interrupt moderation (mtk_eth_soc delay interrupt; the profiles
 * describe today's driver, with net_dim).  Before net_dim (e9229ffd550b "implement
 * dynamic interrupt moderation", v5.13, carried by OpenWrt's 5.10 as backport
 * 610-v5.13-45) mtk_hw_init wrote a fixed MTK_PDMA_DELAY_RX_DELAY: PTIME 4 (20 us units:
 * 80 us) or PINT 4 frames, and nothing moved it.  rx_irq_dim marks that driver.
 */
static void port_irq_moderation(struct world *w, u16 ifindex, const struct soc_host *hp)
{
	u64 delay_ns = (u64)hp->rx_irq_delay_us * 1000;
	u32 frames = hp->rx_irq_delay_frames ? hp->rx_irq_delay_frames : hp->rx_ring;
	bool dim = hp->rx_irq_dim;

	if (dim && w->s->router.kernel < 510) {
		delay_ns = 4 * 20 * 1000;
		frames = 4;
		dim = false;
	}
	sim_router_set_port_irq_moderation(w->sr, ifindex, delay_ns, frames, dim);
}

static int build_machine(struct world *w, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	const struct soc_host *hp = &s->router.soc.host;
	struct sim_cpu_params cpu;
	u32 i;

	memset(&cpu, 0, sizeof(cpu));
	cpu.cores = world_cpus(w);
	cpu.mhz = (u32)(world_cpu_hz(w) / 1000000);
	cpu.napi_budget = hp->napi_budget;
	cpu.rx_ring = hp->rx_ring;
	cpu.backlog = hp->backlog;
	cpu.irq_cycles = hp->poll_cycles;
	cpu.rps_cycles = 0;
	cpu.gro_segs = hp->gro ? hp->gro_max_segments : 0;
	cpu.hw_fifo = hp->tx_ring;
	cpu.rps = 0;   /* no RPS unless router.packet_steering asks (below) */
	cpu.host = hp; /* mac80211 RX, GRO, qdisc and software GSO cycles (sim_router.h) */
	cpu.rps_seed = (u32)((w->opts.seed + 1) * 0x9e3779b97f4a7c15ULL >> 32);
	cpu.threads_per_core = s->router.soc.cpu.threads_per_core;
	cpu.smt_throughput_pct = (u32)(s->router.soc.cpu.smt_throughput * 100 + 0.5);
	w->sr = sim_router_create(w->eng, w->r, &cpu, &w->pool, world_router_tx,
				  world_router_drop, w);
	w->ports = g_new0(struct world_port, s->n_ports + 1);
	w->media = g_new0(struct world_medium *, s->n_radios + 1);
	for (i = 0; i < s->n_radios; i++)
		if (s->radios[i].shared_airtime)
			w->media[i] = world_medium_create(w, (int)i, s->radios[i].phy_rate_bps);
	for (i = 0; i < s->n_ports; i++) {
		const struct scn_port *p = &s->ports[i];
		struct world_port *wp = &w->ports[i];
		bool wlan = p->kind == FS_NETDEV_WLAN;
		u32 irq;

		wp->w = w;
		wp->scn = (int)i;
		wp->ifindex = w->ifindex_of[i];
		wp->kind = p->kind;
		wp->radio = p->radio;
		wp->up = true;
		wp->phys = is_phys_kind(p->kind);
		if (!wp->phys)
			continue;
		w->port_of[wp->ifindex] = wp;
		wp->in.rate_bps = p->rate_bps;
		wp->in.delay_ns = p->delay_ns;
		if (wlan && p->radio >= 0)
			wp->medium = w->media[p->radio];
		wp->q = port_qdisc(w, i, d);
		if (!wp->q && d->errors)
			return -1;
		/* every interrupt on CPU 0: the default affinity is all CPUs and the GIC routes
		 * to the first of the mask (irq-mips-gic.c, irq-gic.c gic_set_affinity);
		 * OpenWrt moves none unless packet_steering is set (sim_router.h) */
		irq = 0;
		if (sim_router_add_port(w->sr, wp->ifindex, wlan ? 0 : p->rate_bps, wlan ? 0 : 20,
					wp->q, irq)) {
			yu_error_at(d, s->file, p->line, p->col, "port '%s': more than %d physical "
				    "ports", p->name, SIM_ROUTER_MAX_PORTS);
			if (wp->q)
				qdisc_destroy(wp->q, 0);
			wp->q = NULL;
			return -1;
		}
		if (port_ingress(w, i, wp->ifindex, d))
			return -1;
		if (!wlan && hp->rx_irq_delay_us)
			port_irq_moderation(w, wp->ifindex, hp);
		/*
		 * A DSA user port's frames reach GRO from v5.8 on (e131a5634830 "net: dsa: add
		 * GRO support via gro_cells": dsa_switch_rcv hands the untagged skb to
		 * gro_cells_receive instead of netif_receive_skb).  Before it the conduit's
		 * napi_gro_receive finds no GRO handler for ETH_P_XDSA and every frame goes up
		 * alone.  The patch was queued for 4.19.180; a panic report on 5.4.105-rc1
		 * asked to drop it from 5.4 (the 21.02 "DSA is slower than swconfig" era).
		 * Patch levels are not modelled: 4.19 and 5.4 are taken without it.
		 */
		if (p->kind == FS_NETDEV_DSA && s->router.kernel < 508)
			sim_router_set_port_gro(w->sr, wp->ifindex, false);
	}
	return steer_ports(w);
}

/* ------------------------------------------------------------------ create ---- */

struct world *world_create(const struct scenario *s, const struct world_opts *o,
			   world_event_fn ev_fn, void *ev_ctx, struct yu_diag *d)
{
	struct world *w = g_new0(struct world, 1);
	u32 errors = d->errors;

	w->s = s;
	w->opts = *o;
	if (!w->opts.duration_ns)
		w->opts.duration_ns = s->duration_ns;
	w->ev_fn = ev_fn;
	w->ev_ctx = ev_ctx;
	w->eng = engine_create();
	sim_pkt_pool_init(&w->pool);
	if (build_router(w, d) || build_machine(w, d) || build_hosts(w, d) ||
	    world_apply_firewall(w, false, 0, d) || world_traffic_create(w, d) ||
	    d->errors != errors) {
		world_destroy(w);
		return NULL;
	}
	world_events_schedule(w);
	return w;
}

void world_destroy(struct world *w)
{
	const struct scenario *s;
	u32 i;

	if (!w)
		return;
	s = w->s;
	/* the traffic first (its timers), then the machine (its queues hold packets) */
	if (w->traffic)
		traffic_destroy(w->traffic);
	if (w->sr)
		sim_router_destroy(w->sr);
	if (w->hosts)
		for (i = 0; i < w->n_hosts; i++) {
			u32 k;

			world_dline_release(w, &w->hosts[i]);
			for (k = 0; w->hosts[i].own && k < s->n_radios; k++)
				world_medium_destroy(w->hosts[i].own[k]);
			g_free(w->hosts[i].own);
		}
	if (w->media)
		for (i = 0; i < s->n_radios; i++)
			world_medium_destroy(w->media[i]);
	if (w->r)
		router_destroy(w->r);
	if (w->ppe)
		ppe_destroy(w->ppe);
	if (w->items)
		for (i = 0; i < s->n_traffic; i++) {
			g_free(w->items[i].lat[0].v);
			g_free(w->items[i].lat[1].v);
		}
	g_free(w->items);
	g_free(w->gen_item);
	g_free(w->flow_item);
	g_free(w->hosts);
	g_free(w->swarm_host);
	g_free(w->ports);
	g_free(w->media);
	g_free(w->ifindex_of);
	g_free(w->ruleset_text);
	engine_destroy(w->eng);
	sim_pkt_pool_release(&w->pool);
	g_free(w);
}
