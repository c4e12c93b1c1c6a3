/* SPDX-License-Identifier: MIT */
/*
 * traffic.c - traffic generators and the flow table (see traffic.h for the model).
 *
 * Flows live in one array indexed by flow id (sim_pkt.flow); it grows by doubling and is
 * never shrunk, so ids stay valid for the whole run.  Because it can move, nothing keeps a
 * struct traffic_flow pointer across a call that may create flows; engine events carry
 * (traffic, id/direction) and look the flow up again.
 *
 * UDP streams: packet k of a stream leaves at t0 + k * num / den (integer ns, computed
 * exactly with 128-bit intermediates) while k < limit and that time is before the
 * stream's end; each send schedules the next (one fire-and-forget event per datagram).
 * A stream is OFF (direction unused), WAITING (a server stream that starts when the
 * client's first packet arrives), RUNNING or STOPPED; a UDP flow ends when none of its
 * streams is RUNNING or WAITING.
 *
 * TCP flows own a struct tcp_conn until its done callback, where the connection's
 * statistics are copied into the flow's results and the connection is freed.
 *
 * Generators: an event at the start time creates the initial flows; web arrivals and p2p
 * churn are Poisson processes driven by the generator's rng stream (seed, generator index);
 * p2p has an end event that stops its flows.  All draws happen in event order, which the
 * engine makes deterministic.
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "traffic.h"

#define EPHEMERAL_LO 32768u
#define EPHEMERAL_HI 60999u
#define UDP_HDR_LEN 8
#define MAX_L3 9000u                /* jumbo frames at most; no fragmentation modelled */
#define HELLO_PAYLOAD 8
#define HELLO_TRIES 5
#define HELLO_INTERVAL FS_SEC(1)
#define NEVER (~(u64)0)
#define MAX_FLOWS_PER_GEN 10000000u
#define MIN_RATE_BPS 1000.0         /* drawn p2p rates are floored here */

enum { ST_OFF, ST_WAITING, ST_RUNNING, ST_STOPPED };

struct udp_stream {
	u64 t0;
	u64 k;          /* datagrams sent */
	u64 limit;      /* NEVER: no count limit */
	u64 dur;        /* end = t0 + dur (NEVER: none) ... */
	u64 abs_end;    /* ... or this absolute time, whichever is first */
	u64 end;
	u64 num;        /* datagram k at t0 + k * num / den */
	u64 den;
	u32 size;
	u8 state;
};

struct lat_buf {
	u64 *v;
	size_t n;
	size_t cap;
};

struct traffic_flow {
	struct traffic_flow_result r;
	struct tcp_conn *conn;
	struct fs_tuple out[2];     /* tuple of packets sent by each side (UDP) */
	u32 qhash[2];
	bool out_known[2];
	bool keep_samples;
	u8 hello_tries;
	u8 ttl;
	u8 dscp;
	struct udp_stream us[2];
	struct lat_buf lat[2];
	u64 lat_sum[2];
};

struct traffic_gen {
	u8 kind;
	union {
		struct traffic_tcp_bulk bulk;
		struct traffic_udp_cbr cbr;
		struct traffic_udp_flood flood;
		struct traffic_p2p p2p;
		struct traffic_web web;
		struct traffic_game game;
	} d;
	struct rng rng;
	u32 *slots;                 /* p2p: flow id per concurrent slot */
	u32 n_slots;
	u64 flows_created;
	u64 churned;
	u64 end;                    /* absolute end of the generator (NEVER: none) */
	bool ended;
};

struct traffic {
	struct traffic_env env;     /* the host's */
	struct traffic_env tcp_env; /* counts packets, then the host's xmit */
	u64 seed;
	struct traffic_flow *flows;
	u32 n_flows;
	u32 cap_flows;
	struct traffic_gen *gens;
	u32 n_gens;
	u32 cap_gens;
	u32 next_port;
	void (*flow_obs)(void *ctx, u32 flow, enum traffic_flow_event ev);
	void *flow_obs_ctx;
	void (*tcp_obs)(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev,
			u64 arg);
	void *tcp_obs_ctx;
	struct traffic_totals tot;
};

static const char *const kind_names[] = {
	"tcp_bulk", "udp_cbr", "udp_flood", "p2p", "web", "game",
};

const char *traffic_kind_name(int kind)
{
	if (kind < 0 || kind >= (int)FS_ARRAY_SIZE(kind_names))
		return NULL;
	return kind_names[kind];
}

const char *traffic_flow_state_name(int state)
{
	static const char *const names[] = { "active", "done", "failed" };

	if (state < 0 || state >= (int)FS_ARRAY_SIZE(names))
		return NULL;
	return names[state];
}

static inline u64 now_ns(const struct traffic *t)
{
	return engine_now(t->env.eng);
}

static u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? NEVER : a + b;
}

static u32 ip_hdr_len(u8 family)
{
	return family == FS_AF_INET6 ? 40 : 20;
}

/* ------------------------------------------------------------ addresses and ports */

static union fs_addr addr_add(u8 family, union fs_addr a, u32 i)
{
	u64 lo, nlo;

	if (family == FS_AF_INET) {
		a.ip += i;
		return a;
	}
	lo = (u64)a.ip6[2] << 32 | a.ip6[3];
	nlo = lo + i;
	if (nlo < lo && ++a.ip6[1] == 0)
		a.ip6[0]++;
	a.ip6[2] = (u32)(nlo >> 32);
	a.ip6[3] = (u32)nlo;
	return a;
}

static u16 next_port(struct traffic *t)
{
	u16 p = (u16)t->next_port;

	t->next_port = t->next_port >= EPHEMERAL_HI ? EPHEMERAL_LO : t->next_port + 1;
	return p;
}

static void make_tuple(struct traffic *t, const struct traffic_hosts *h, u32 ci, u32 si,
		       u16 dport, u8 proto, struct fs_tuple *tu)
{
	memset(tu, 0, sizeof(*tu));
	tu->family = h->family;
	tu->proto = proto;
	tu->src = addr_add(h->family, h->client, ci % (h->clients ? h->clients : 1));
	tu->dst = addr_add(h->family, h->server, si % (h->servers ? h->servers : 1));
	tu->sport = next_port(t);
	tu->dport = dport;
}

/* ------------------------------------------------------------ flow table */

static void notify_flow(struct traffic *t, u32 id, enum traffic_flow_event ev)
{
	if (t->flow_obs)
		t->flow_obs(t->flow_obs_ctx, id, ev);
}

static u32 flow_alloc(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		      const struct traffic_hosts *h)
{
	struct traffic_flow *f;
	struct fs_tuple inv;
	u32 id;

	if (t->n_flows == t->cap_flows) {
		t->cap_flows = t->cap_flows ? t->cap_flows * 2 : 64;
		t->flows = g_renew(struct traffic_flow, t->flows, t->cap_flows);
	}
	id = t->n_flows++;
	f = &t->flows[id];
	memset(f, 0, sizeof(*f));
	f->r.id = id;
	f->r.generator = gi;
	f->r.kind = t->gens[gi].kind;
	f->r.proto = tu->proto;
	f->r.state = TRAFFIC_FLOW_ACTIVE;
	f->r.tuple = *tu;
	f->r.start_ns = now_ns(t);
	f->out[0] = *tu;
	f->out_known[0] = true;
	f->qhash[0] = fs_tuple_hash(tu, 0);
	fs_tuple_invert(&inv, tu);
	f->qhash[1] = fs_tuple_hash(&inv, 0);
	f->ttl = h->ttl ? h->ttl : 64;
	f->dscp = h->dscp;
	t->gens[gi].flows_created++;
	t->tot.flows_started++;
	t->tot.flows_active++;
	return id;
}

static void flow_end(struct traffic *t, u32 id, u8 state)
{
	struct traffic_flow *f = &t->flows[id];

	if (f->r.state != TRAFFIC_FLOW_ACTIVE)
		return;
	f->r.state = state;
	f->r.end_ns = now_ns(t);
	t->tot.flows_active--;
	if (state == TRAFFIC_FLOW_DONE)
		t->tot.flows_done++;
	else
		t->tot.flows_failed++;
	notify_flow(t, id, TRAFFIC_FLOW_ENDED);
}

/* ------------------------------------------------------------ TCP flows */

static void tcp_stats_to_result(struct traffic_flow_result *r, const struct tcp_conn *c)
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

	tcp_stats_to_result(&f->r, c);
	f->conn = NULL;
	flow_end(t, id, c->aborted ? TRAFFIC_FLOW_FAILED : TRAFFIC_FLOW_DONE);
	tcp_conn_destroy(c);
}

static void traffic_tcp_event(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev,
			      u64 arg)
{
	struct traffic *t = ctx;

	if (t->tcp_obs)
		t->tcp_obs(t->tcp_obs_ctx, c, side, ev, arg);
}

static void tcp_count_xmit(void *ctx, struct sim_pkt *p)
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
static void tcp_one_way_apps(struct tcp_app app[2], int sender, u64 bytes, u64 stop_at,
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

static u32 tcp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
			  const struct traffic_hosts *h, u8 cc, u16 mss, u32 rcvbuf,
			  const struct tcp_app app[2])
{
	struct tcp_config cfg;
	struct traffic_flow *f;
	char err[256];
	u32 id = flow_alloc(t, gi, tu, h);
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
	notify_flow(t, id, TRAFFIC_FLOW_STARTED);
	tcp_conn_start(t->flows[id].conn);
	return id;
}

/* Try the configuration a generator will use, so that errors surface when it is added. */
static int tcp_validate(struct traffic *t, const struct traffic_hosts *h, u8 cc, u16 mss,
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

/* ------------------------------------------------------------ UDP flows */

static void udp_send_ev(struct engine *eng, engine_arg a, engine_arg b);
static void udp_hello_ev(struct engine *eng, engine_arg a, engine_arg b);
static void udp_check_end(struct traffic *t, u32 id);

static void udp_emit(struct traffic *t, u32 id, int side, u32 payload, u32 seq)
{
	struct traffic_flow *f = &t->flows[id];
	struct sim_pkt *p = sim_pkt_alloc(t->env.pool);
	struct fs_packet *h = &p->hdr;

	h->t = f->out[side];
	h->seq = seq;
	h->payload = (u16)payload;
	h->len = (u16)(ip_hdr_len(h->t.family) + UDP_HDR_LEN + payload);
	h->gso_segs = 1;
	h->ttl = f->ttl;
	h->dscp = f->dscp;
	h->wscale = 0xff;
	/* Linux sets DF on UDP too (IP_PMTUDISC_WANT) */
	h->flags = h->t.family == FS_AF_INET ? FS_PKT_DF : 0;
	p->born = now_ns(t);
	p->flow = id;
	p->side = (u8)side;
	p->wire = traffic_eth_wire(h->len);
	p->q.len = h->len + 14u;
	p->q.mac_len = 14;
	p->q.hash = f->qhash[side];
	t->tot.pkts_sent++;
	t->env.xmit(t->env.ctx, p);
}

static u64 stream_time(const struct udp_stream *s, u64 k)
{
	return s->t0 + (u64)((unsigned __int128)k * s->num / s->den);
}

static void stream_stop(struct traffic *t, u32 id, int d)
{
	struct traffic_flow *f = &t->flows[id];

	if (f->us[d].state == ST_RUNNING || f->us[d].state == ST_WAITING)
		f->us[d].state = ST_STOPPED;
	/* the client stopped: a server that never heard from it will not start */
	if (d == 0 && f->us[1].state == ST_WAITING)
		f->us[1].state = ST_STOPPED;
}

static void stream_begin(struct traffic *t, u32 id, int d, u64 t0)
{
	struct udp_stream *s = &t->flows[id].us[d];

	s->t0 = t0;
	s->k = 0;
	s->end = FS_MIN(sat_add(t0, s->dur), s->abs_end);
	s->state = ST_RUNNING;
	if (s->limit == 0 || t0 >= s->end) {
		stream_stop(t, id, d);
		udp_check_end(t, id);
		return;
	}
	engine_schedule(t->env.eng, t0, udp_send_ev, ENGINE_PTR(t),
			ENGINE_U64((u64)id << 1 | (u64)d));
}

static void udp_send_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 id = (u32)(b.u >> 1);
	int d = (int)(b.u & 1);
	struct traffic_flow *f = &t->flows[id];
	struct udp_stream *s = &f->us[d];
	u64 next;

	if (s->state != ST_RUNNING)
		return;
	f->r.tx_pkts[d]++;
	f->r.tx_bytes[d] += s->size;
	udp_emit(t, id, d, s->size, (u32)s->k);
	f = &t->flows[id];
	s = &f->us[d];
	s->k++;
	next = stream_time(s, s->k);
	if (s->k >= s->limit || next >= s->end) {
		stream_stop(t, id, d);
		udp_check_end(t, id);
		return;
	}
	engine_schedule(eng, next, udp_send_ev, a, b);
}

static void udp_check_end(struct traffic *t, u32 id)
{
	struct traffic_flow *f = &t->flows[id];
	int d;

	if (f->r.state != TRAFFIC_FLOW_ACTIVE)
		return;
	for (d = 0; d < 2; d++)
		if (f->us[d].state == ST_RUNNING || f->us[d].state == ST_WAITING)
			return;
	flow_end(t, id, TRAFFIC_FLOW_DONE);
}

static void udp_send_hello(struct traffic *t, u32 id)
{
	struct traffic_flow *f = &t->flows[id];

	f->hello_tries++;
	t->tot.ctrl_pkts++;
	udp_emit(t, id, 0, HELLO_PAYLOAD, 0);
	engine_schedule(t->env.eng, now_ns(t) + HELLO_INTERVAL, udp_hello_ev, ENGINE_PTR(t),
			ENGINE_U64(id));
}

static void udp_hello_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 id = (u32)b.u;
	struct traffic_flow *f = &t->flows[id];

	/* the client repeats its hello until data arrives or it gives up */
	if (f->r.state != TRAFFIC_FLOW_ACTIVE || f->r.rx_pkts[1] ||
	    f->us[1].state == ST_STOPPED)
		return;
	if (f->hello_tries >= HELLO_TRIES) {
		if (f->us[1].state == ST_WAITING) {
			f->us[1].state = ST_STOPPED;
			flow_end(t, id, TRAFFIC_FLOW_FAILED);
		}
		return;
	}
	udp_send_hello(t, id);
}

/* Start a UDP flow with its stream templates (t0 of a RUNNING stream: its first send). */
static u32 udp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
			  const struct traffic_hosts *h, const struct udp_stream st[2],
			  bool keep_samples)
{
	u32 id = flow_alloc(t, gi, tu, h);
	struct traffic_flow *f = &t->flows[id];
	int d;

	f->keep_samples = keep_samples;
	for (d = 0; d < 2; d++) {
		f->us[d] = st[d];
		if (st[d].state != ST_OFF)
			f->r.rate_bps[d] = (u64)((unsigned __int128)st[d].size * 8 *
						 FS_NSEC_PER_SEC * st[d].den / st[d].num);
	}
	notify_flow(t, id, TRAFFIC_FLOW_STARTED);
	if (st[0].state == ST_RUNNING) {
		t->flows[id].us[0].state = ST_OFF;  /* stream_begin() sets RUNNING */
		stream_begin(t, id, 0, FS_MAX(st[0].t0, now_ns(t)));
	} else if (st[1].state == ST_WAITING) {
		udp_send_hello(t, id);
	}
	return id;
}

static void udp_rx(struct traffic *t, u32 id, const struct sim_pkt *p)
{
	struct traffic_flow *f = &t->flows[id];
	int d = p->side & 1;
	u64 now = now_ns(t), lat;
	struct lat_buf *lb;

	if (d == 0) {
		if (!f->out_known[1]) {
			/* answer where the client's packets come from (after NAT) */
			fs_tuple_invert(&f->out[1], &p->hdr.t);
			f->out_known[1] = true;
			f->qhash[1] = fs_tuple_hash(&f->out[1], 0);
		}
		if (f->us[1].state == ST_WAITING) {
			f->us[1].state = ST_OFF;
			stream_begin(t, id, 1, now);
			f = &t->flows[id];
		}
		if (f->us[0].state == ST_OFF)
			return;     /* a hello, not data */
	}
	if (!f->r.rx_pkts[d]++)
		f->r.first_rx_ns[d] = now;
	f->r.rx_bytes[d] += p->hdr.payload;
	f->r.last_rx_ns[d] = now;
	lat = now - p->born;
	if (!f->r.latency[d].samples || lat < f->r.latency[d].min_ns)
		f->r.latency[d].min_ns = lat;
	if (lat > f->r.latency[d].max_ns)
		f->r.latency[d].max_ns = lat;
	f->r.latency[d].samples++;
	f->lat_sum[d] += lat;
	if (!f->keep_samples)
		return;
	lb = &f->lat[d];
	if (lb->n == lb->cap) {
		lb->cap = lb->cap ? lb->cap * 2 : 256;
		lb->v = g_renew(u64, lb->v, lb->cap);
	}
	lb->v[lb->n++] = lat;
}

/* A stream template: datagram k at t0 + k * num / den. */
static struct udp_stream stream_tpl(u8 state, u64 t0, u32 size, u64 num, u64 den, u64 dur,
				    u64 abs_end)
{
	struct udp_stream s = { 0 };

	s.state = state;
	s.t0 = t0;
	s.size = size;
	s.num = num;
	s.den = den;
	s.limit = NEVER;
	s.dur = dur;
	s.abs_end = abs_end;
	return s;
}

/* ------------------------------------------------------------ validation */

static int check_hosts(const struct traffic_hosts *h, const char *kind, char *err,
		       size_t errlen)
{
	if (h->family != FS_AF_INET && h->family != FS_AF_INET6) {
		g_snprintf(err, errlen, "%s: address family %u: expected IPv4 (%u) or IPv6 (%u)",
			   kind, h->family, FS_AF_INET, FS_AF_INET6);
		return -1;
	}
	if (fs_addr_is_zero(&h->client) || fs_addr_is_zero(&h->server)) {
		g_snprintf(err, errlen, "%s: client and server addresses must be set", kind);
		return -1;
	}
	if (h->dscp > 63) {
		g_snprintf(err, errlen, "%s: dscp %u: expected 0..63", kind, h->dscp);
		return -1;
	}
	if (h->clients > MAX_FLOWS_PER_GEN || h->servers > MAX_FLOWS_PER_GEN) {
		g_snprintf(err, errlen, "%s: more than %u client or server addresses", kind,
			   MAX_FLOWS_PER_GEN);
		return -1;
	}
	return 0;
}

static int check_count(u64 n, const char *kind, const char *field, char *err, size_t errlen)
{
	if (n < 1 || n > MAX_FLOWS_PER_GEN) {
		g_snprintf(err, errlen, "%s: %s %llu: expected 1..%u", kind, field,
			   (unsigned long long)n, MAX_FLOWS_PER_GEN);
		return -1;
	}
	return 0;
}

static int check_start(struct traffic *t, u64 start, const char *kind, char *err,
		       size_t errlen)
{
	if (start < now_ns(t)) {
		g_snprintf(err, errlen, "%s: start %llu ns is before the current time %llu ns",
			   kind, (unsigned long long)start, (unsigned long long)now_ns(t));
		return -1;
	}
	return 0;
}

static int check_duration(u64 dur, const char *kind, char *err, size_t errlen)
{
	if (dur == 0) {
		g_snprintf(err, errlen, "%s: duration 0: expected a positive duration", kind);
		return -1;
	}
	return 0;
}

static int check_udp_size(u32 size, u8 family, const char *kind, const char *field, bool zero_ok,
			  char *err, size_t errlen)
{
	u32 max = MAX_L3 - ip_hdr_len(family) - UDP_HDR_LEN;

	if ((size == 0 && !zero_ok) || size > max) {
		g_snprintf(err, errlen, "%s: %s %u: expected %u..%u bytes (UDP payload)", kind,
			   field, size, zero_ok ? 0 : 1, max);
		return -1;
	}
	return 0;
}

static int check_direction(u8 dir, const char *kind, char *err, size_t errlen)
{
	if (dir > TRAFFIC_DOWNLOAD) {
		g_snprintf(err, errlen, "%s: direction %u: expected upload (0) or download (1)",
			   kind, dir);
		return -1;
	}
	return 0;
}

static bool finite_positive(double v)
{
	return isfinite(v) && v > 0;
}

/* ------------------------------------------------------------ generators */

static void gen_start_ev(struct engine *eng, engine_arg a, engine_arg b);

static int gen_add(struct traffic *t, u8 kind, const void *d, size_t dlen, u64 start)
{
	struct traffic_gen *g;
	u32 gi;

	if (t->n_gens == t->cap_gens) {
		t->cap_gens = t->cap_gens ? t->cap_gens * 2 : 8;
		t->gens = g_renew(struct traffic_gen, t->gens, t->cap_gens);
	}
	gi = t->n_gens++;
	g = &t->gens[gi];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	memcpy(&g->d, d, dlen);
	rng_init(&g->rng, t->seed, gi);
	g->end = NEVER;
	engine_schedule(t->env.eng, start, gen_start_ev, ENGINE_PTR(t), ENGINE_U64(gi));
	return (int)gi;
}

int traffic_add_tcp_bulk(struct traffic *t, const struct traffic_tcp_bulk *d, char *err,
			 size_t errlen)
{
	const char *k = "tcp_bulk";
	struct tcp_app app[2];

	if (check_hosts(&d->hosts, k, err, errlen) || check_count(d->count, k, "count", err, errlen) ||
	    check_start(t, d->start, k, err, errlen) || check_direction(d->direction, k, err, errlen))
		return -1;
	if (d->bytes == 0 && check_duration(d->duration, k, err, errlen))
		return -1;
	tcp_one_way_apps(app, d->direction, d->bytes ? d->bytes : TCP_BYTES_UNLIMITED,
			 d->duration ? d->start + d->duration : 0, d->rate_bps, 0);
	if (tcp_validate(t, &d->hosts, d->cc, d->mss, d->rcvbuf, app, k, err, errlen))
		return -1;
	return gen_add(t, TRAFFIC_TCP_BULK, d, sizeof(*d), d->start);
}

int traffic_add_udp_cbr(struct traffic *t, const struct traffic_udp_cbr *d, char *err,
			size_t errlen)
{
	const char *k = "udp_cbr";

	if (check_hosts(&d->hosts, k, err, errlen) || check_count(d->count, k, "count", err, errlen) ||
	    check_start(t, d->start, k, err, errlen) || check_duration(d->duration, k, err, errlen) ||
	    check_direction(d->direction, k, err, errlen) ||
	    check_udp_size(d->size, d->hosts.family, k, "size", false, err, errlen))
		return -1;
	if (d->rate_bps == 0 || (u64)d->size * 8 * FS_NSEC_PER_SEC / d->rate_bps == 0) {
		g_snprintf(err, errlen, "%s: rate %llu bit/s: expected 1 bit/s .. one %u-byte "
			   "datagram per ns", k, (unsigned long long)d->rate_bps, d->size);
		return -1;
	}
	return gen_add(t, TRAFFIC_UDP_CBR, d, sizeof(*d), d->start);
}

int traffic_add_udp_flood(struct traffic *t, const struct traffic_udp_flood *d, char *err,
			  size_t errlen)
{
	const char *k = "udp_flood";

	if (check_hosts(&d->hosts, k, err, errlen) || check_count(d->count, k, "count", err, errlen) ||
	    check_start(t, d->start, k, err, errlen) || check_duration(d->duration, k, err, errlen) ||
	    check_direction(d->direction, k, err, errlen) ||
	    check_udp_size(d->size, d->hosts.family, k, "size", false, err, errlen))
		return -1;
	if (d->line_rate_bps == 0 || d->line_rate_bps > 1000 * 1000000000ULL) {
		g_snprintf(err, errlen, "%s: line rate %llu bit/s: expected 1 bit/s .. 1 Tbit/s",
			   k, (unsigned long long)d->line_rate_bps);
		return -1;
	}
	return gen_add(t, TRAFFIC_UDP_FLOOD, d, sizeof(*d), d->start);
}

static int check_rate_spec(const struct traffic_rate_spec *r, const char *kind, char *err,
			   size_t errlen)
{
	if (r->dist > TRAFFIC_RATE_PARETO) {
		g_snprintf(err, errlen, "%s: rate distribution %u: expected fixed (0), lognormal "
			   "(1) or pareto (2)", kind, r->dist);
		return -1;
	}
	if (!finite_positive(r->a) || r->a > 1e12) {
		g_snprintf(err, errlen, "%s: rate %g bit/s: expected a positive rate up to 1 Tbit/s",
			   kind, r->a);
		return -1;
	}
	if (r->dist != TRAFFIC_RATE_FIXED && !finite_positive(r->b)) {
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
	if (check_hosts(&c.hosts, k, err, errlen) || check_count(c.flows, k, "flows", err, errlen) ||
	    check_start(t, c.start, k, err, errlen) || check_duration(c.duration, k, err, errlen) ||
	    check_rate_spec(&c.rate, k, err, errlen) ||
	    check_share(c.tcp_share, k, "tcp_share", err, errlen) ||
	    check_share(c.download_share, k, "download_share", err, errlen) ||
	    check_udp_size(c.udp_size, c.hosts.family, k, "udp_size", false, err, errlen))
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
	tcp_one_way_apps(app, 0, TCP_BYTES_UNLIMITED, 0, (u64)MIN_RATE_BPS, c.block);
	if (tcp_validate(t, &c.hosts, c.cc, 0, 0, app, k, err, errlen))
		return -1;
	return gen_add(t, TRAFFIC_P2P, &c, sizeof(c), c.start);
}

int traffic_add_web(struct traffic *t, const struct traffic_web *d, char *err, size_t errlen)
{
	const char *k = "web";
	struct traffic_web c = *d;
	struct tcp_app app[2] = { { 0 } };

	if (!c.request)
		c.request = 300;
	if (check_hosts(&c.hosts, k, err, errlen) || check_start(t, c.start, k, err, errlen) ||
	    check_duration(c.duration, k, err, errlen))
		return -1;
	if (!finite_positive(c.flows_per_s) || c.flows_per_s > 1e7) {
		g_snprintf(err, errlen, "%s: flow rate %g/s: expected a positive rate up to 1e7/s",
			   k, c.flows_per_s);
		return -1;
	}
	if (!finite_positive(c.size_min) || !isfinite(c.size_max) || c.size_max <= c.size_min ||
	    c.size_max > 1e12) {
		g_snprintf(err, errlen, "%s: sizes %g..%g: expected 0 < min < max <= 1e12 bytes", k,
			   c.size_min, c.size_max);
		return -1;
	}
	if (!finite_positive(c.alpha)) {
		g_snprintf(err, errlen, "%s: alpha %g: expected a positive shape", k, c.alpha);
		return -1;
	}
	app[0].bytes = c.request;
	app[0].wait_eof = true;
	app[1].bytes = 1;
	app[1].after_rcv = c.request;
	if (tcp_validate(t, &c.hosts, c.cc, 0, 0, app, k, err, errlen))
		return -1;
	return gen_add(t, TRAFFIC_WEB, &c, sizeof(c), c.start);
}

int traffic_add_game(struct traffic *t, const struct traffic_game *d, char *err,
		     size_t errlen)
{
	const char *k = "game";

	if (check_hosts(&d->hosts, k, err, errlen) || check_count(d->count, k, "count", err, errlen) ||
	    check_start(t, d->start, k, err, errlen) || check_duration(d->duration, k, err, errlen) ||
	    check_udp_size(d->size_up, d->hosts.family, k, "size_up", true, err, errlen) ||
	    check_udp_size(d->size_down, d->hosts.family, k, "size_down", true, err, errlen))
		return -1;
	if (d->interval == 0) {
		g_snprintf(err, errlen, "%s: interval 0: expected a positive interval", k);
		return -1;
	}
	if (!d->size_up && !d->size_down) {
		g_snprintf(err, errlen, "%s: size_up and size_down are both 0: nothing to send", k);
		return -1;
	}
	return gen_add(t, TRAFFIC_GAME, d, sizeof(*d), d->start);
}

/* --- per-kind start */

static void start_tcp_bulk(struct traffic *t, u32 gi)
{
	const struct traffic_tcp_bulk d = t->gens[gi].d.bulk;
	u32 i;

	for (i = 0; i < d.count; i++) {
		struct fs_tuple tu;
		struct tcp_app app[2];

		make_tuple(t, &d.hosts, i, i, d.hosts.server_port ? d.hosts.server_port : 5201,
			   FS_IPPROTO_TCP, &tu);
		tcp_one_way_apps(app, d.direction, d.bytes ? d.bytes : TCP_BYTES_UNLIMITED,
				 d.duration ? d.start + d.duration : 0, d.rate_bps, 0);
		tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, d.mss, d.rcvbuf, app);
	}
}

static void start_udp_const(struct traffic *t, u32 gi, const struct traffic_hosts *h,
			    u32 count, u8 dir, u32 size, u64 num, u64 den, u64 dur)
{
	u32 i;

	for (i = 0; i < count; i++) {
		struct fs_tuple tu;
		struct udp_stream st[2];

		make_tuple(t, h, i, i, h->server_port ? h->server_port : 5201, FS_IPPROTO_UDP,
			   &tu);
		st[0] = stream_tpl(ST_OFF, 0, 0, 1, 1, NEVER, NEVER);
		st[1] = st[0];
		st[dir] = stream_tpl(dir == TRAFFIC_UPLOAD ? ST_RUNNING : ST_WAITING, now_ns(t),
				     size, num, den, dur, NEVER);
		udp_flow_start(t, gi, &tu, h, st, false);
	}
}

static void start_game(struct traffic *t, u32 gi)
{
	const struct traffic_game d = t->gens[gi].d.game;
	u64 end = d.start + d.duration;
	u32 i;

	for (i = 0; i < d.count; i++) {
		struct fs_tuple tu;
		struct udp_stream st[2];
		/* each flow its own phase, so that flows do not tick in lockstep */
		u64 phase = rng_below(&t->gens[gi].rng, d.interval);

		make_tuple(t, &d.hosts, i, i, d.hosts.server_port ? d.hosts.server_port : 3074,
			   FS_IPPROTO_UDP, &tu);
		st[0] = stream_tpl(d.size_up ? ST_RUNNING : ST_OFF, d.start + phase, d.size_up,
				   d.interval, 1, NEVER, end);
		st[1] = stream_tpl(d.size_down ? ST_WAITING : ST_OFF, 0, d.size_down, d.interval,
				   1, NEVER, end);
		udp_flow_start(t, gi, &tu, &d.hosts, st, true);
	}
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

	make_tuple(t, &d.hosts, slot, peer, d.hosts.server_port ? d.hosts.server_port : port,
		   tcp ? FS_IPPROTO_TCP : FS_IPPROTO_UDP, &tu);
	if (tcp) {
		struct tcp_app app[2];

		tcp_one_way_apps(app, sender, TCP_BYTES_UNLIMITED, 0, rate, d.block);
		return tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, 0, 0, app);
	} else {
		struct udp_stream st[2];

		st[0] = stream_tpl(ST_OFF, 0, 0, 1, 1, NEVER, NEVER);
		st[1] = st[0];
		st[sender] = stream_tpl(down ? ST_WAITING : ST_RUNNING, now_ns(t), d.udp_size,
					(u64)d.udp_size * 8 * FS_NSEC_PER_SEC, rate, NEVER, NEVER);
		return udp_flow_start(t, gi, &tu, &d.hosts, st, false);
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
	stream_stop(t, id, 0);
	stream_stop(t, id, 1);
	udp_check_end(t, id);
}

static void p2p_churn_ev(struct engine *eng, engine_arg a, engine_arg b);

static void p2p_schedule_churn(struct traffic *t, u32 gi)
{
	struct traffic_gen *g = &t->gens[gi];
	double gap = rng_exponential(&g->rng, 1e9 / g->d.p2p.churn_per_s);
	u64 next = sat_add(now_ns(t), gap >= 1 ? (u64)gap : 1);

	if (next < g->end)
		engine_schedule(t->env.eng, next, p2p_churn_ev, ENGINE_PTR(t), ENGINE_U64(gi));
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

static void start_p2p(struct traffic *t, u32 gi)
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

/* --- web */

static void web_arrival_ev(struct engine *eng, engine_arg a, engine_arg b);

static void web_schedule(struct traffic *t, u32 gi)
{
	struct traffic_gen *g = &t->gens[gi];
	double gap = rng_exponential(&g->rng, 1e9 / g->d.web.flows_per_s);
	u64 next = sat_add(now_ns(t), gap >= 1 ? (u64)gap : 1);

	if (next < g->end)
		engine_schedule(t->env.eng, next, web_arrival_ev, ENGINE_PTR(t), ENGINE_U64(gi));
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

	make_tuple(t, &d.hosts, (u32)g->flows_created, server,
		   d.hosts.server_port ? d.hosts.server_port : 443, FS_IPPROTO_TCP, &tu);
	app[0].bytes = d.request;
	app[0].wait_eof = true;
	app[1].bytes = bytes;
	app[1].after_rcv = d.request;
	tcp_flow_start(t, gi, &tu, &d.hosts, d.cc, 0, 0, app);
	web_schedule(t, gi);
}

static void gen_start_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 gi = (u32)b.u;
	struct traffic_gen *g = &t->gens[gi];

	switch (g->kind) {
	case TRAFFIC_TCP_BULK:
		start_tcp_bulk(t, gi);
		break;
	case TRAFFIC_UDP_CBR: {
		const struct traffic_udp_cbr d = g->d.cbr;

		start_udp_const(t, gi, &d.hosts, d.count, d.direction, d.size,
				(u64)d.size * 8 * FS_NSEC_PER_SEC, d.rate_bps, d.duration);
		break;
	}
	case TRAFFIC_UDP_FLOOD: {
		const struct traffic_udp_flood d = g->d.flood;
		u32 wire = traffic_eth_wire(ip_hdr_len(d.hosts.family) + UDP_HDR_LEN + d.size);

		start_udp_const(t, gi, &d.hosts, d.count, d.direction, d.size,
				(u64)wire * 8 * FS_NSEC_PER_SEC, d.line_rate_bps, d.duration);
		break;
	}
	case TRAFFIC_P2P:
		start_p2p(t, gi);
		break;
	case TRAFFIC_WEB:
		g->end = g->d.web.start + g->d.web.duration;
		web_schedule(t, gi);
		break;
	case TRAFFIC_GAME:
		start_game(t, gi);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ API */

struct traffic *traffic_create(const struct traffic_env *env, u64 seed)
{
	struct traffic *t = g_new0(struct traffic, 1);

	t->env = *env;
	t->tcp_env = *env;
	t->tcp_env.xmit = tcp_count_xmit;
	t->tcp_env.ctx = t;
	t->seed = seed;
	t->next_port = EPHEMERAL_LO;
	return t;
}

void traffic_destroy(struct traffic *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->n_flows; i++) {
		struct traffic_flow *f = &t->flows[i];

		tcp_conn_destroy(f->conn);
		g_free(f->lat[0].v);
		g_free(f->lat[1].v);
	}
	for (i = 0; i < t->n_gens; i++)
		g_free(t->gens[i].slots);
	g_free(t->flows);
	g_free(t->gens);
	g_free(t);
}

void traffic_deliver(struct traffic *t, struct sim_pkt *p)
{
	u32 id = p->flow;

	t->tot.pkts_delivered++;
	if (id >= t->n_flows) {
		t->tot.pkts_late++;
	} else if (t->flows[id].r.proto == FS_IPPROTO_TCP) {
		if (t->flows[id].conn)
			tcp_conn_input(t->flows[id].conn, p);   /* may end and free the conn */
		else
			t->tot.pkts_late++;
	} else {
		if (t->flows[id].r.state != TRAFFIC_FLOW_ACTIVE)
			t->tot.pkts_late++;
		udp_rx(t, id, p);
	}
	sim_pkt_free(t->env.pool, p);
}

void traffic_set_flow_observer(struct traffic *t,
			       void (*fn)(void *ctx, u32 flow, enum traffic_flow_event ev),
			       void *ctx)
{
	t->flow_obs = fn;
	t->flow_obs_ctx = ctx;
}

void traffic_set_tcp_observer(struct traffic *t,
			      void (*fn)(void *ctx, const struct tcp_conn *c, int side,
					 enum tcp_event ev, u64 arg),
			      void *ctx)
{
	t->tcp_obs = fn;
	t->tcp_obs_ctx = ctx;
}

u32 traffic_flow_count(const struct traffic *t)
{
	return t->n_flows;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static u64 percentile(const u64 *v, size_t n, u32 pct)
{
	size_t rank = (size_t)(((unsigned __int128)n * pct + 99) / 100);

	return rank ? v[rank - 1] : v[0];
}

bool traffic_flow_result(struct traffic *t, u32 id, struct traffic_flow_result *out)
{
	struct traffic_flow *f;
	int d;

	if (id >= t->n_flows)
		return false;
	f = &t->flows[id];
	*out = f->r;
	if (f->conn)
		tcp_stats_to_result(out, f->conn);
	for (d = 0; d < 2; d++) {
		struct traffic_latency *l = &out->latency[d];

		if (out->proto == FS_IPPROTO_UDP)
			out->lost_pkts[d] = out->tx_pkts[d] - FS_MIN(out->rx_pkts[d], out->tx_pkts[d]);
		if (out->last_rx_ns[d] > out->start_ns)
			out->goodput_bps[d] = (double)out->rx_bytes[d] * 8e9 /
					      (double)(out->last_rx_ns[d] - out->start_ns);
		if (l->samples)
			l->mean_ns = f->lat_sum[d] / l->samples;
		if (f->lat[d].n) {
			qsort(f->lat[d].v, f->lat[d].n, sizeof(u64), cmp_u64);
			l->p50_ns = percentile(f->lat[d].v, f->lat[d].n, 50);
			l->p99_ns = percentile(f->lat[d].v, f->lat[d].n, 99);
		}
	}
	return true;
}

const struct tcp_conn *traffic_flow_tcp(const struct traffic *t, u32 id)
{
	return id < t->n_flows ? t->flows[id].conn : NULL;
}

void traffic_get_totals(const struct traffic *t, struct traffic_totals *out)
{
	*out = t->tot;
}

u32 traffic_generator_count(const struct traffic *t)
{
	return t->n_gens;
}

bool traffic_generator_info(const struct traffic *t, u32 gen, struct traffic_gen_info *out)
{
	const struct traffic_gen *g;
	u32 i;

	if (gen >= t->n_gens)
		return false;
	g = &t->gens[gen];
	memset(out, 0, sizeof(*out));
	out->kind = g->kind;
	out->flows_created = g->flows_created;
	out->churned = g->churned;
	for (i = 0; i < g->n_slots; i++)
		out->active += t->flows[g->slots[i]].r.state == TRAFFIC_FLOW_ACTIVE;
	return true;
}
