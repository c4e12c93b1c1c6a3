/* SPDX-License-Identifier: MIT */
/*
 * world_traffic.c - the scenario's traffic items as traffic generators (sim/traffic.h),
 * and the map from flows back to items.
 *
 * One item gives one generator, or two for `direction: both` on kinds whose generator
 * sends one way (tcp_bulk, udp_cbr, udp_flood).  Generators run from the item's start to
 * min(stop, run duration); an item that starts after the run ends gets none.  Translation
 * of the scenario's distributions:
 *   p2p rate   constant -> fixed; pareto {mean, shape} -> minimum mean (shape-1)/shape;
 *              lognormal {mean, sigma} -> median mean / exp(sigma^2 / 2);
 *   web size   pareto {mean, shape} -> bounded Pareto [xm, 10^4 xm] with xm chosen so that
 *              the bounded mean is exactly `mean`; constant -> [mean, mean + 1 byte].
 * Distributions the generators cannot draw (exponential and uniform rates, lognormal,
 * exponential and uniform web sizes) are refused with the item's position.
 *
 * Flow ids are dense (traffic.h), so the flow -> item map is an array filled on first use
 * of a flow from its generator.
 */
#include <math.h>
#include <string.h>

#include "rng.h"
#include "world.h"

static const char *const dist_names[] = {
	"constant", "exponential", "pareto", "lognormal", "uniform",
};

static bool host_addr(const struct scn_host *h, u8 family, union fs_addr *out)
{
	if (family == FS_AF_INET6 ? !h->has_v6 : !h->has_v4)
		return false;
	*out = family == FS_AF_INET6 ? h->v6 : h->v4;
	return true;
}

/* The network address of a prefix plus one: the first peer of a swarm. */
static union fs_addr prefix_first(const struct scn_prefix *p)
{
	union fs_addr a = p->addr;
	u32 w, bits;

	if (p->family == FS_AF_INET) {
		a.ip &= p->plen >= 32 ? 0xffffffffu : p->plen ? ~(0xffffffffu >> p->plen) : 0;
		a.ip += 1;
		return a;
	}
	for (w = 0; w < 4; w++) {
		bits = p->plen > w * 32 ? FS_MIN(32u, p->plen - w * 32) : 0;
		a.ip6[w] &= bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;
	}
	a.ip6[3] += 1;
	return a;
}

static int unsupported(struct world *w, const struct scn_traffic *tr, const char *what,
		       const struct scn_dist *dist, struct yu_diag *d)
{
	yu_error_at(d, w->s->file, tr->line, tr->col, "traffic '%s': %s distribution '%s' "
		    "is not supported by the traffic generator (use %s)", tr->name, what,
		    dist_names[dist->kind < FS_ARRAY_SIZE(dist_names) ? dist->kind : 0],
		    !strcmp(what, "rate") ? "constant, pareto or lognormal" : "constant or pareto");
	return -1;
}

static int p2p_rate(struct world *w, const struct scn_traffic *tr,
		    struct traffic_rate_spec *r, struct yu_diag *d)
{
	const struct scn_dist *dist = &tr->flow_rate;

	memset(r, 0, sizeof(*r));
	switch (dist->kind) {
	case SCN_DIST_CONSTANT:
		r->dist = TRAFFIC_RATE_FIXED;
		r->a = dist->mean;
		return 0;
	case SCN_DIST_PARETO:
		r->dist = TRAFFIC_RATE_PARETO;
		r->a = dist->mean * (dist->shape - 1.0) / dist->shape;
		r->b = dist->shape;
		return 0;
	case SCN_DIST_LOGNORMAL:
		r->dist = TRAFFIC_RATE_LOGNORMAL;
		r->a = dist->mean / exp(dist->shape * dist->shape / 2.0);
		r->b = dist->shape;
		return 0;
	default:
		return unsupported(w, tr, "rate", dist, d);
	}
}

static int web_size(struct world *w, const struct scn_traffic *tr, struct traffic_web *g,
		    struct yu_diag *d)
{
	const struct scn_dist *dist = &tr->flow_size;

	switch (dist->kind) {
	case SCN_DIST_CONSTANT:
		g->size_min = dist->mean;
		g->size_max = dist->mean + 1.0;
		g->alpha = 1.0;
		return 0;
	case SCN_DIST_PARETO: {
		/* the bounded mean scales linearly with xm at a fixed max/min ratio */
		double m1 = rng_bounded_pareto_mean(1.0, 1e4, dist->shape);

		g->size_min = dist->mean / m1;
		g->size_max = g->size_min * 1e4;
		g->alpha = dist->shape;
		return 0;
	}
	default:
		return unsupported(w, tr, "size", dist, d);
	}
}

/*
 * TCP's MSS for a flow between two hosts: the smaller MTU of the router devices the two
 * reach it through, minus the IP and TCP headers - what MSS clamping (fw4's mtu_fix) or
 * path MTU discovery give a real connection through a PPPoE link.
 */
static u16 path_mss(struct world *w, int a, int b, u8 family)
{
	struct fs_netconf *nc = router_netconf(w->r);
	int f = family == FS_AF_INET6 ? 1 : 0, i;
	u32 mtu = 1500, hdr = f ? 60 : 40;

	for (i = 0; i < 2; i++) {
		const struct world_attach *at = &w->hosts[i ? b : a].att[f];
		const struct fs_netdev *d = at->ok ? fs_netdev_get(nc, at->l3) : NULL;

		if (d && d->mtu && d->mtu < mtu)
			mtu = d->mtu;
	}
	return (u16)(mtu > hdr + 64 ? mtu - hdr : 64);
}

/* The line rate of the host that sends a flood. */
static u64 sender_rate(const struct world *w, int host)
{
	const struct world_host *h = &w->hosts[host];

	if (h->wp->kind == FS_NETDEV_WLAN)
		return h->phy_rate;
	return h->wp->in.rate_bps;
}

static int add_item(struct world *w, u32 i, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	const struct scn_traffic *tr = &s->traffic[i];
	struct world_item *it = &w->items[i];
	struct traffic_hosts hosts;
	u64 stop = FS_MIN(tr->stop_ns, w->opts.duration_ns), dur;
	u8 dirs[2];
	u32 n_dirs = 0, k;
	char err[256];
	int g = 0;

	it->scn = (int)i;
	it->client = tr->client;
	it->server = tr->type == SCN_P2P_SWARM ? (int)w->swarm_host[i] : tr->server;
	it->latency = (tr->type == SCN_GAME || tr->type == SCN_VOIP) && tr->measure_latency;
	if (tr->start_ns >= stop)
		return 0;   /* starts after the run ends */
	dur = stop - tr->start_ns;
	memset(&hosts, 0, sizeof(hosts));
	hosts.family = tr->family;
	hosts.clients = 1;
	hosts.servers = 1;
	hosts.server_port = tr->port;
	if (!host_addr(&s->hosts[tr->client], tr->family, &hosts.client) ||
	    !host_addr(&s->hosts[tr->server], tr->family, &hosts.server)) {
		yu_error_at(d, s->file, tr->line, tr->col, "traffic '%s': an endpoint has no "
			    "address of the traffic's family", tr->name);
		return -1;
	}
	if (tr->direction == SCN_BOTH) {
		dirs[n_dirs++] = TRAFFIC_UPLOAD;
		dirs[n_dirs++] = TRAFFIC_DOWNLOAD;
	} else {
		dirs[n_dirs++] = tr->direction == SCN_UPLOAD ? TRAFFIC_UPLOAD : TRAFFIC_DOWNLOAD;
	}
	switch (tr->type) {
	case SCN_TCP_BULK:
		for (k = 0; k < n_dirs && g >= 0; k++) {
			struct traffic_tcp_bulk b;

			memset(&b, 0, sizeof(b));
			b.hosts = hosts;
			b.count = tr->count ? tr->count : 1;
			b.bytes = tr->bytes;
			b.duration = tr->flow_duration_ns ? FS_MIN(tr->flow_duration_ns, dur) : dur;
			b.start = tr->start_ns;
			b.direction = dirs[k];
			b.cc = tr->cc == SCN_CC_RENO ? TCP_CC_RENO : TCP_CC_CUBIC;
			b.mss = path_mss(w, tr->client, tr->server, tr->family);
			g = traffic_add_tcp_bulk(w->traffic, &b, err, sizeof(err));
			if (g >= 0)
				it->gens[it->n_gens++] = (u32)g;
		}
		break;
	case SCN_UDP_CBR:
		for (k = 0; k < n_dirs && g >= 0; k++) {
			struct traffic_udp_cbr c;

			memset(&c, 0, sizeof(c));
			c.hosts = hosts;
			c.count = 1;
			c.rate_bps = tr->rate_bps;
			c.size = tr->size;
			c.start = tr->start_ns;
			c.duration = dur;
			c.direction = dirs[k];
			g = traffic_add_udp_cbr(w->traffic, &c, err, sizeof(err));
			if (g >= 0)
				it->gens[it->n_gens++] = (u32)g;
		}
		break;
	case SCN_UDP_FLOOD:
		for (k = 0; k < n_dirs && g >= 0; k++) {
			struct traffic_udp_flood f;

			memset(&f, 0, sizeof(f));
			f.hosts = hosts;
			f.count = 1;
			f.line_rate_bps = sender_rate(w, dirs[k] == TRAFFIC_UPLOAD ? tr->client :
									      tr->server);
			f.size = tr->size;
			f.start = tr->start_ns;
			f.duration = dur;
			f.direction = dirs[k];
			g = traffic_add_udp_flood(w->traffic, &f, err, sizeof(err));
			if (g >= 0)
				it->gens[it->n_gens++] = (u32)g;
		}
		break;
	case SCN_P2P_SWARM: {
		struct traffic_p2p p;

		memset(&p, 0, sizeof(p));
		p.hosts = hosts;
		p.hosts.server = prefix_first(&tr->peer_prefix);
		p.hosts.servers = tr->peers ? tr->peers : tr->flows;
		p.flows = tr->flows;
		if (p2p_rate(w, tr, &p.rate, d))
			return -1;
		p.tcp_share = 1.0 - tr->udp_fraction;
		p.download_share = tr->direction == SCN_BOTH ? 0.5 :
				   tr->direction == SCN_DOWNLOAD ? 1.0 : 0.0;
		p.churn_per_s = tr->churn_per_s;
		p.start = tr->start_ns;
		p.duration = dur;
		p.cc = tr->cc == SCN_CC_RENO ? TCP_CC_RENO : TCP_CC_CUBIC;
		p.mss = path_mss(w, tr->client, it->server, tr->family);
		g = traffic_add_p2p(w->traffic, &p, err, sizeof(err));
		if (g >= 0)
			it->gens[it->n_gens++] = (u32)g;
		break;
	}
	case SCN_WEB: {
		struct traffic_web wb;

		memset(&wb, 0, sizeof(wb));
		wb.hosts = hosts;
		wb.flows_per_s = tr->new_flows_per_s;
		if (web_size(w, tr, &wb, d))
			return -1;
		wb.start = tr->start_ns;
		wb.duration = dur;
		wb.cc = tr->cc == SCN_CC_RENO ? TCP_CC_RENO : TCP_CC_CUBIC;
		wb.mss = path_mss(w, tr->client, tr->server, tr->family);
		g = traffic_add_web(w->traffic, &wb, err, sizeof(err));
		if (g >= 0)
			it->gens[it->n_gens++] = (u32)g;
		break;
	}
	case SCN_GAME:
	case SCN_VOIP: {
		struct traffic_game gm;

		memset(&gm, 0, sizeof(gm));
		gm.hosts = hosts;
		gm.count = 1;
		gm.interval = tr->interval_ns;
		gm.size_up = tr->direction == SCN_DOWNLOAD ? 0 : tr->size;
		gm.size_down = tr->direction == SCN_UPLOAD ? 0 : tr->size;
		gm.start = tr->start_ns;
		gm.duration = dur;
		g = traffic_add_game(w->traffic, &gm, err, sizeof(err));
		if (g >= 0)
			it->gens[it->n_gens++] = (u32)g;
		break;
	}
	default:
		g = -1;
		g_strlcpy(err, "unknown traffic type", sizeof(err));
		break;
	}
	if (g < 0) {
		yu_error_at(d, s->file, tr->line, tr->col, "traffic '%s': %s", tr->name, err);
		return -1;
	}
	return 0;
}

int world_traffic_create(struct world *w, struct yu_diag *d)
{
	const struct scenario *s = w->s;
	struct traffic_env env = {
		.eng = w->eng, .pool = &w->pool, .xmit = world_host_xmit, .ctx = w,
	};
	u32 i, k;

	w->traffic = traffic_create(&env, w->opts.seed);
	w->items = g_new0(struct world_item, s->n_traffic ? s->n_traffic : 1);
	for (i = 0; i < s->n_traffic; i++)
		if (add_item(w, i, d))
			return -1;
	w->n_gens = traffic_generator_count(w->traffic);
	w->gen_item = g_new0(u32, w->n_gens ? w->n_gens : 1);
	for (i = 0; i < s->n_traffic; i++)
		for (k = 0; k < w->items[i].n_gens; k++)
			w->gen_item[w->items[i].gens[k]] = i;
	return 0;
}

u32 world_flow_item(struct world *w, u32 flow)
{
	struct traffic_flow_result r;

	if (G_LIKELY(flow < w->n_flow_item && w->flow_item[flow] != ~0u))
		return w->flow_item[flow];
	if (flow >= w->n_flow_item) {
		u32 n = traffic_flow_count(w->traffic), cap = w->n_flow_item ? w->n_flow_item : 64;

		if (flow >= n)
			return ~0u;
		while (cap < n)
			cap *= 2;
		w->flow_item = g_renew(u32, w->flow_item, cap);
		memset(w->flow_item + w->n_flow_item, 0xff,
		       (cap - w->n_flow_item) * sizeof(u32));
		w->n_flow_item = cap;
	}
	if (!traffic_flow_result(w->traffic, flow, &r) || r.generator >= w->n_gens)
		return ~0u;
	w->flow_item[flow] = w->gen_item[r.generator];
	return w->flow_item[flow];
}
