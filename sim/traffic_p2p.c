/* SPDX-License-Identifier: MIT */
/*
 * traffic_p2p.c - the p2p swarm generator: `flows` concurrent slots, each running a flow
 * to a random remote peer with a rate drawn from a distribution (fixed, lognormal,
 * Pareto), TCP or UDP and download or upload by the configured shares; churn replaces a
 * random slot's flow at Poisson times; an end event stops every flow of the swarm.
 *
 * All draws come from the generator's rng stream, in event order.
 */
#include <glib.h>
#include <math.h>

#include "traffic_internal.h"

static int check_rate_spec(const struct traffic_rate_spec *r, const char *kind, char *err,
			   size_t errlen)
{
	if (r->dist > TRAFFIC_RATE_PARETO) {
		g_snprintf(err, errlen, "%s: rate distribution %u: expected fixed (0), lognormal "
			   "(1) or pareto (2)", kind, r->dist);
		return -1;
	}
	if (!trf_finite_positive(r->a) || r->a > 1e12) {
		g_snprintf(err, errlen, "%s: rate %g bit/s: expected a positive rate up to 1 Tbit/s",
			   kind, r->a);
		return -1;
	}
	if (r->dist != TRAFFIC_RATE_FIXED && !trf_finite_positive(r->b)) {
		g_snprintf(err, errlen, "%s: rate %s %g: expected a positive number", kind,
			   r->dist == TRAFFIC_RATE_LOGNORMAL ? "sigma" : "shape", r->b);
		return -1;
	}
	if (!isfinite(r->max) || r->max < 0 || (r->max > 0 && r->max < MIN_RATE_BPS)) {
		g_snprintf(err, errlen, "%s: rate cap %g bit/s: expected 0 (none) or >= %g",
			   kind, r->max, MIN_RATE_BPS);
		return -1;
	}
	return 0;
}

static int check_share(double v, const char *kind, const char *field, char *err, size_t errlen)
{
	if (!isfinite(v) || v < 0 || v > 1) {
		g_snprintf(err, errlen, "%s: %s %g: expected 0..1", kind, field, v);
		return -1;
	}
	return 0;
}

int traffic_add_p2p(struct traffic *t, const struct traffic_p2p *d, char *err, size_t errlen)
{
	const char *k = "p2p";
	struct traffic_p2p c = *d;
	struct tcp_app app[2];

	if (!c.udp_size)
		c.udp_size = 1400;
	if (!c.block)
		c.block = 16384;
	if (trf_check_hosts(&c.hosts, k, err, errlen) ||
	    trf_check_count(c.flows, k, "flows", err, errlen) ||
	    trf_check_start(t, c.start, k, err, errlen) ||
	    trf_check_duration(c.duration, k, err, errlen) ||
	    check_rate_spec(&c.rate, k, err, errlen) ||
	    check_share(c.tcp_share, k, "tcp_share", err, errlen) ||
	    check_share(c.download_share, k, "download_share", err, errlen) ||
	    trf_check_udp_size(c.udp_size, c.hosts.family, k, "udp_size", false, err, errlen))
		return -1;
	if (!isfinite(c.churn_per_s) || c.churn_per_s < 0 || c.churn_per_s > 1e6) {
		g_snprintf(err, errlen, "%s: churn %g/s: expected 0..1e6 per second", k,
			   c.churn_per_s);
		return -1;
	}
	if (c.block > (1u << 24)) {
		g_snprintf(err, errlen, "%s: block %u: expected 1..16777216 bytes", k, c.block);
		return -1;
	}
	trf_tcp_one_way_apps(app, 0, TCP_BYTES_UNLIMITED, 0, (u64)MIN_RATE_BPS, c.block);
	if (trf_tcp_validate(t, &c.hosts, c.cc, c.mss, 0, app, k, err, errlen))
		return -1;
	return trf_gen_add(t, TRAFFIC_P2P, &c, sizeof(c), c.start);
}

/* --- p2p */

static double draw_rate(struct rng *r, const struct traffic_rate_spec *s)
{
	double v;

	switch (s->dist) {
	case TRAFFIC_RATE_LOGNORMAL:
		v = rng_lognormal(r, log(s->a), s->b);
		break;
	case TRAFFIC_RATE_PARETO:
		v = rng_pareto(r, s->a, s->b);
		break;
	default:
		v = s->a;
		break;
	}
	if (s->max > 0 && v > s->max)
		v = s->max;
	if (!(v >= MIN_RATE_BPS))
		v = MIN_RATE_BPS;
	if (v > 1e12)
		v = 1e12;
	return v;
}

static u32 p2p_flow_new(struct traffic *t, u32 gi, u32 slot)
{
	struct traffic_gen *g = &t->gens[gi];
	const struct traffic_p2p d = g->d.p2p;
	u64 rate = (u64)draw_rate(&g->rng, &d.rate);
	bool tcp = rng_double(&g->rng) < d.tcp_share;
	bool down = rng_double(&g->rng) < d.download_share;
	u32 peer = (u32)rng_below(&g->rng, d.hosts.servers ? d.hosts.servers : 1);
	u16 port = (u16)rng_range(&g->rng, 10000, 65000);
	int sender = down ? 1 : 0;
	struct fs_tuple tu;

	trf_make_tuple(t, &d.hosts, slot, peer, d.hosts.server_port ? d.hosts.server_port : port,
		       tcp ? FS_IPPROTO_TCP : FS_IPPROTO_UDP, &tu);
	if (tcp) {
		struct tcp_app app[2];

		trf_tcp_one_way_apps(app, sender, TCP_BYTES_UNLIMITED, 0, rate, d.block);
		return trf_tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, d.mss, 0, app);
	} else {
		struct udp_stream st[2];

		st[0] = trf_stream_tpl(ST_OFF, 0, 0, 1, 1, NEVER, NEVER);
		st[1] = st[0];
		st[sender] = trf_stream_tpl(down ? ST_WAITING : ST_RUNNING, now_ns(t), d.udp_size,
					    (u64)d.udp_size * 8 * FS_NSEC_PER_SEC, rate, NEVER,
					    NEVER);
		return trf_udp_flow_start(t, gi, &tu, &d.hosts, st, false);
	}
}

/* End a flow now (churn, generator end): TCP closes both applications, UDP stops. */
static void flow_stop(struct traffic *t, u32 id)
{
	if (t->flows[id].r.state != TRAFFIC_FLOW_ACTIVE)
		return;
	if (t->flows[id].r.proto == FS_IPPROTO_TCP) {
		/* each close may complete the connection, which frees it */
		if (t->flows[id].conn)
			tcp_conn_close(t->flows[id].conn, 0);
		if (t->flows[id].conn)
			tcp_conn_close(t->flows[id].conn, 1);
		return;
	}
	trf_stream_stop(t, id, 0);
	trf_stream_stop(t, id, 1);
	trf_udp_check_end(t, id);
}

static void p2p_churn_ev(struct engine *eng, engine_arg a, engine_arg b);

static void p2p_schedule_churn(struct traffic *t, u32 gi)
{
	trf_gen_schedule_poisson(t, gi, t->gens[gi].d.p2p.churn_per_s, p2p_churn_ev);
}

static void p2p_churn_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 gi = (u32)b.u;
	u32 slot, id;

	if (t->gens[gi].ended)
		return;
	slot = (u32)rng_below(&t->gens[gi].rng, t->gens[gi].n_slots);
	flow_stop(t, t->gens[gi].slots[slot]);
	id = p2p_flow_new(t, gi, slot);
	t->gens[gi].slots[slot] = id;
	t->gens[gi].churned++;
	p2p_schedule_churn(t, gi);
}

static void gen_end_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 gi = (u32)b.u, i;

	t->gens[gi].ended = true;
	for (i = 0; i < t->gens[gi].n_slots; i++)
		flow_stop(t, t->gens[gi].slots[i]);
}

void trf_start_p2p(struct traffic *t, u32 gi)
{
	struct traffic_gen *g = &t->gens[gi];
	u32 n = g->d.p2p.flows, i;

	g->end = g->d.p2p.start + g->d.p2p.duration;
	g->slots = g_new(u32, n);
	g->n_slots = n;
	for (i = 0; i < n; i++) {
		u32 id = p2p_flow_new(t, gi, i);

		t->gens[gi].slots[i] = id;
	}
	g = &t->gens[gi];
	if (g->d.p2p.churn_per_s > 0)
		p2p_schedule_churn(t, gi);
	engine_schedule(t->env.eng, g->end, gen_end_ev, ENGINE_PTR(t), ENGINE_U64(gi));
}

