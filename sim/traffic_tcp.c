/* SPDX-License-Identifier: MIT */
/*
 * traffic_tcp.c - TCP flows and the TCP generators: tcp_bulk (parallel connections, one
 * direction, optionally rate-limited or time-limited) and web (Poisson arrivals of short
 * request/response connections with bounded-Pareto response sizes).
 *
 * TCP flows own a struct tcp_conn until its done callback, where the connection's
 * statistics are copied into the flow's results and the connection is freed.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "traffic_internal.h"

/* ------------------------------------------------------------ TCP flows */

void trf_tcp_stats_to_result(struct traffic_flow_result *r, const struct tcp_conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		const struct tcp_ep *s = &c->ep[d], *rcv = &c->ep[!d];

		r->tx_pkts[d] = s->st.data_segs_out;
		r->tx_bytes[d] = s->st.bytes_out;
		r->rx_pkts[d] = rcv->st.data_segs_in;
		r->rx_bytes[d] = rcv->st.app_bytes_rcvd;
		r->first_rx_ns[d] = rcv->st.first_rx_ns;
		r->last_rx_ns[d] = rcv->st.last_rx_ns;
		r->lost_pkts[d] = s->st.retrans_segs;
		r->pure_acks[d] = s->st.pure_acks_out;
		r->fast_retrans[d] = s->st.fast_retrans;
		r->rto_events[d] = s->st.rto_events;
		r->srtt_us[d] = tcp_ep_srtt_us(s);
		r->min_rtt_us[d] = s->st.rtt_min_us;
		r->cwnd[d] = s->cwnd;
		r->cwnd_max[d] = s->st.cwnd_max;
	}
}

static void traffic_tcp_done(void *ctx, struct tcp_conn *c)
{
	struct traffic *t = ctx;
	u32 id = c->cfg.flow;
	struct traffic_flow *f = &t->flows[id];

	trf_tcp_stats_to_result(&f->r, c);
	f->conn = NULL;
	trf_flow_end(t, id, c->aborted ? TRAFFIC_FLOW_FAILED : TRAFFIC_FLOW_DONE);
	tcp_conn_destroy(c);
}

static void traffic_tcp_event(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev,
			      u64 arg)
{
	struct traffic *t = ctx;

	if (t->tcp_obs)
		t->tcp_obs(t->tcp_obs_ctx, c, side, ev, arg);
}

void trf_tcp_count_xmit(void *ctx, struct sim_pkt *p)
{
	struct traffic *t = ctx;

	t->tot.pkts_sent++;
	t->env.xmit(t->env.ctx, p);
}

static void tcp_fill_config(struct traffic *t, struct tcp_config *cfg,
			    const struct fs_tuple *tu, const struct traffic_hosts *h, u8 cc,
			    u16 mss, u32 rcvbuf)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tuple = *tu;
	cfg->mss = mss;
	cfg->cc = cc;
	cfg->ttl = h->ttl;
	cfg->dscp = h->dscp;
	cfg->rcvbuf = rcvbuf;
	cfg->done = traffic_tcp_done;
	cfg->event = t->tcp_obs ? traffic_tcp_event : NULL;
	cfg->cb_ctx = t;
}

/* A sender/receiver pair of applications: data from side `sender`. */
void trf_tcp_one_way_apps(struct tcp_app app[2], int sender, u64 bytes, u64 stop_at,
			  u64 rate, u32 chunk)
{
	memset(app, 0, 2 * sizeof(*app));
	app[sender].bytes = bytes;
	app[sender].stop_at = stop_at;
	app[sender].rate_bps = rate;
	app[sender].chunk = rate ? chunk : 0;
	app[!sender].bytes = 0;
	app[!sender].wait_eof = true;
}

u32 trf_tcp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		       const struct traffic_hosts *h, u8 cc, u16 mss, u32 rcvbuf,
		       const struct tcp_app app[2])
{
	struct tcp_config cfg;
	struct traffic_flow *f;
	char err[256];
	u32 id = trf_flow_alloc(t, gi, tu, h);
	int d;

	tcp_fill_config(t, &cfg, tu, h, cc, mss, rcvbuf);
	cfg.flow = id;
	cfg.iss[0] = rng_u32(&t->gens[gi].rng);
	cfg.iss[1] = rng_u32(&t->gens[gi].rng);
	cfg.app[0] = app[0];
	cfg.app[1] = app[1];
	f = &t->flows[id];
	f->r.cc = cc;
	for (d = 0; d < 2; d++)
		f->r.rate_bps[d] = app[d].rate_bps;
	/* the generator validated this configuration when it was added */
	f->conn = tcp_conn_create(&t->tcp_env, &cfg, err, sizeof(err));
	if (!f->conn)
		g_error("traffic: flow %u: %s", id, err);
	trf_notify_flow(t, id, TRAFFIC_FLOW_STARTED);
	tcp_conn_start(t->flows[id].conn);
	return id;
}

/* Try the configuration a generator will use, so that errors surface when it is added. */
int trf_tcp_validate(struct traffic *t, const struct traffic_hosts *h, u8 cc, u16 mss,
		     u32 rcvbuf, const struct tcp_app app[2], const char *kind, char *err,
		     size_t errlen)
{
	struct tcp_config cfg;
	struct tcp_conn *c;
	struct fs_tuple tu = { 0 };
	char msg[256];

	tu.family = h->family;
	tu.proto = FS_IPPROTO_TCP;
	tcp_fill_config(t, &cfg, &tu, h, cc, mss, rcvbuf);
	cfg.app[0] = app[0];
	cfg.app[1] = app[1];
	c = tcp_conn_create(&t->tcp_env, &cfg, msg, sizeof(msg));
	if (!c) {
		g_snprintf(err, errlen, "%s: %s", kind, msg);
		return -1;
	}
	tcp_conn_destroy(c);
	return 0;
}

/* ------------------------------------------------------------ tcp_bulk */

int traffic_add_tcp_bulk(struct traffic *t, const struct traffic_tcp_bulk *d, char *err,
			 size_t errlen)
{
	const char *k = "tcp_bulk";
	struct tcp_app app[2];

	if (trf_check_hosts(&d->hosts, k, err, errlen) ||
	    trf_check_count(d->count, k, "count", err, errlen) ||
	    trf_check_start(t, d->start, k, err, errlen) ||
	    trf_check_direction(d->direction, k, err, errlen))
		return -1;
	if (d->bytes == 0 && trf_check_duration(d->duration, k, err, errlen))
		return -1;
	trf_tcp_one_way_apps(app, d->direction, d->bytes ? d->bytes : TCP_BYTES_UNLIMITED,
			     d->duration ? d->start + d->duration : 0, d->rate_bps, 0);
	if (trf_tcp_validate(t, &d->hosts, d->cc, d->mss, d->rcvbuf, app, k, err, errlen))
		return -1;
	return trf_gen_add(t, TRAFFIC_TCP_BULK, d, sizeof(*d), d->start);
}

void trf_start_tcp_bulk(struct traffic *t, u32 gi)
{
	const struct traffic_tcp_bulk d = t->gens[gi].d.bulk;
	u32 i;

	for (i = 0; i < d.count; i++) {
		struct fs_tuple tu;
		struct tcp_app app[2];

		trf_make_tuple(t, &d.hosts, i, i, d.hosts.server_port ? d.hosts.server_port : 5201,
			       FS_IPPROTO_TCP, &tu);
		trf_tcp_one_way_apps(app, d.direction, d.bytes ? d.bytes : TCP_BYTES_UNLIMITED,
				     d.duration ? d.start + d.duration : 0, d.rate_bps, 0);
		trf_tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, d.mss, d.rcvbuf, app);
	}
}

/* ------------------------------------------------------------ web */

int traffic_add_web(struct traffic *t, const struct traffic_web *d, char *err, size_t errlen)
{
	const char *k = "web";
	struct traffic_web c = *d;
	struct tcp_app app[2] = { { 0 } };

	if (!c.request)
		c.request = 300;
	if (trf_check_hosts(&c.hosts, k, err, errlen) ||
	    trf_check_start(t, c.start, k, err, errlen) ||
	    trf_check_duration(c.duration, k, err, errlen))
		return -1;
	if (!trf_finite_positive(c.flows_per_s) || c.flows_per_s > 1e7) {
		g_snprintf(err, errlen, "%s: flow rate %g/s: expected a positive rate up to 1e7/s",
			   k, c.flows_per_s);
		return -1;
	}
	if (!trf_finite_positive(c.size_min) || !isfinite(c.size_max) || c.size_max <= c.size_min ||
	    c.size_max > 1e12) {
		g_snprintf(err, errlen, "%s: sizes %g..%g: expected 0 < min < max <= 1e12 bytes", k,
			   c.size_min, c.size_max);
		return -1;
	}
	if (!trf_finite_positive(c.alpha)) {
		g_snprintf(err, errlen, "%s: alpha %g: expected a positive shape", k, c.alpha);
		return -1;
	}
	app[0].bytes = c.request;
	app[0].wait_eof = true;
	app[1].bytes = 1;
	app[1].after_rcv = c.request;
	if (trf_tcp_validate(t, &c.hosts, c.cc, c.mss, 0, app, k, err, errlen))
		return -1;
	return trf_gen_add(t, TRAFFIC_WEB, &c, sizeof(c), c.start);
}

static void web_arrival_ev(struct engine *eng, engine_arg a, engine_arg b);

static void web_schedule(struct traffic *t, u32 gi)
{
	trf_gen_schedule_poisson(t, gi, t->gens[gi].d.web.flows_per_s, web_arrival_ev);
}

static void web_arrival_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 gi = (u32)b.u;
	struct traffic_gen *g = &t->gens[gi];
	const struct traffic_web d = g->d.web;
	double sz = rng_bounded_pareto(&g->rng, d.size_min, d.size_max, d.alpha);
	u32 server = (u32)rng_below(&g->rng, d.hosts.servers ? d.hosts.servers : 1);
	u64 bytes = sz < 1 ? 1 : (u64)llround(sz);
	struct tcp_app app[2] = { { 0 } };
	struct fs_tuple tu;

	trf_make_tuple(t, &d.hosts, (u32)g->flows_created, server,
		       d.hosts.server_port ? d.hosts.server_port : 443, FS_IPPROTO_TCP, &tu);
	app[0].bytes = d.request;
	app[0].wait_eof = true;
	app[1].bytes = bytes;
	app[1].after_rcv = d.request;
	trf_tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, d.mss, 0, app);
	web_schedule(t, gi);
}

void trf_start_web(struct traffic *t, u32 gi)
{
	struct traffic_gen *g = &t->gens[gi];

	g->end = g->d.web.start + g->d.web.duration;
	web_schedule(t, gi);
}
