/* SPDX-License-Identifier: MIT */
/*
 * traffic_udp.c - UDP flows and the constant-rate UDP generators udp_cbr and udp_flood.
 *
 * UDP streams: packet k of a stream leaves at t0 + k * num / den (integer ns, computed
 * exactly with 128-bit intermediates) while k < limit and that time is before the
 * stream's end; each send schedules the next (one fire-and-forget event per datagram).
 * A stream is OFF (direction unused), WAITING (a server stream that starts when the
 * client's first packet arrives), RUNNING or STOPPED; a UDP flow ends when none of its
 * streams is RUNNING or WAITING.  A flow whose data goes only server -> client starts with
 * the client's hello datagrams (traffic.h).
 */
#include <glib.h>
#include <string.h>

#include "traffic_internal.h"

/* ------------------------------------------------------------ UDP flows */

static void udp_send_ev(struct engine *eng, engine_arg a, engine_arg b);
static void udp_hello_ev(struct engine *eng, engine_arg a, engine_arg b);

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

void trf_stream_stop(struct traffic *t, u32 id, int d)
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
		trf_stream_stop(t, id, d);
		trf_udp_check_end(t, id);
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
		trf_stream_stop(t, id, d);
		trf_udp_check_end(t, id);
		return;
	}
	engine_schedule(eng, next, udp_send_ev, a, b);
}

void trf_udp_check_end(struct traffic *t, u32 id)
{
	struct traffic_flow *f = &t->flows[id];
	int d;

	if (f->r.state != TRAFFIC_FLOW_ACTIVE)
		return;
	for (d = 0; d < 2; d++)
		if (f->us[d].state == ST_RUNNING || f->us[d].state == ST_WAITING)
			return;
	trf_flow_end(t, id, TRAFFIC_FLOW_DONE);
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
			trf_flow_end(t, id, TRAFFIC_FLOW_FAILED);
		}
		return;
	}
	udp_send_hello(t, id);
}

/* Start a UDP flow with its stream templates (t0 of a RUNNING stream: its first send). */
u32 trf_udp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		       const struct traffic_hosts *h, const struct udp_stream st[2],
		       bool keep_samples)
{
	u32 id = trf_flow_alloc(t, gi, tu, h);
	struct traffic_flow *f = &t->flows[id];
	int d;

	f->keep_samples = keep_samples;
	for (d = 0; d < 2; d++) {
		f->us[d] = st[d];
		if (st[d].state != ST_OFF)
			f->r.rate_bps[d] = (u64)((unsigned __int128)st[d].size * 8 *
						 FS_NSEC_PER_SEC * st[d].den / st[d].num);
	}
	trf_notify_flow(t, id, TRAFFIC_FLOW_STARTED);
	if (st[0].state == ST_RUNNING) {
		t->flows[id].us[0].state = ST_OFF;  /* stream_begin() sets RUNNING */
		stream_begin(t, id, 0, FS_MAX(st[0].t0, now_ns(t)));
	} else if (st[1].state == ST_WAITING) {
		udp_send_hello(t, id);
	}
	return id;
}

void trf_udp_rx(struct traffic *t, u32 id, const struct sim_pkt *p)
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
struct udp_stream trf_stream_tpl(u8 state, u64 t0, u32 size, u64 num, u64 den, u64 dur,
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

/* ------------------------------------------------------------ udp_cbr, udp_flood */

/* The checks udp_cbr and udp_flood share (their descriptions have the same fields). */
static int check_udp_const(struct traffic *t, const struct traffic_hosts *h, u32 count,
			   u64 start, u64 duration, u8 direction, u32 size, const char *k,
			   char *err, size_t errlen)
{
	if (trf_check_hosts(h, k, err, errlen) ||
	    trf_check_count(count, k, "count", err, errlen) ||
	    trf_check_start(t, start, k, err, errlen) ||
	    trf_check_duration(duration, k, err, errlen) ||
	    trf_check_direction(direction, k, err, errlen) ||
	    trf_check_udp_size(size, h->family, k, "size", false, err, errlen))
		return -1;
	return 0;
}

int traffic_add_udp_cbr(struct traffic *t, const struct traffic_udp_cbr *d, char *err,
			size_t errlen)
{
	const char *k = "udp_cbr";

	if (check_udp_const(t, &d->hosts, d->count, d->start, d->duration, d->direction, d->size,
			    k, err, errlen))
		return -1;
	if (d->rate_bps == 0 || (u64)d->size * 8 * FS_NSEC_PER_SEC / d->rate_bps == 0) {
		g_snprintf(err, errlen, "%s: rate %llu bit/s: expected 1 bit/s .. one %u-byte "
			   "datagram per ns", k, (unsigned long long)d->rate_bps, d->size);
		return -1;
	}
	return trf_gen_add(t, TRAFFIC_UDP_CBR, d, sizeof(*d), d->start);
}

int traffic_add_udp_flood(struct traffic *t, const struct traffic_udp_flood *d, char *err,
			  size_t errlen)
{
	const char *k = "udp_flood";

	if (check_udp_const(t, &d->hosts, d->count, d->start, d->duration, d->direction, d->size,
			    k, err, errlen))
		return -1;
	if (d->line_rate_bps == 0 || d->line_rate_bps > 1000 * 1000000000ULL) {
		g_snprintf(err, errlen, "%s: line rate %llu bit/s: expected 1 bit/s .. 1 Tbit/s",
			   k, (unsigned long long)d->line_rate_bps);
		return -1;
	}
	return trf_gen_add(t, TRAFFIC_UDP_FLOOD, d, sizeof(*d), d->start);
}

static void start_udp_const(struct traffic *t, u32 gi, const struct traffic_hosts *h,
			    u32 count, u8 dir, u32 size, u64 num, u64 den, u64 dur)
{
	u32 i;

	for (i = 0; i < count; i++) {
		struct fs_tuple tu;
		struct udp_stream st[2];

		trf_make_tuple(t, h, i, i, h->server_port ? h->server_port : 5201, FS_IPPROTO_UDP,
			       &tu);
		st[0] = trf_stream_tpl(ST_OFF, 0, 0, 1, 1, NEVER, NEVER);
		st[1] = st[0];
		st[dir] = trf_stream_tpl(dir == TRAFFIC_UPLOAD ? ST_RUNNING : ST_WAITING, now_ns(t),
					 size, num, den, dur, NEVER);
		trf_udp_flow_start(t, gi, &tu, h, st, false);
	}
}

void trf_start_udp_cbr(struct traffic *t, u32 gi)
{
	const struct traffic_udp_cbr d = t->gens[gi].d.cbr;

	start_udp_const(t, gi, &d.hosts, d.count, d.direction, d.size,
			(u64)d.size * 8 * FS_NSEC_PER_SEC, d.rate_bps, d.duration);
}

void trf_start_udp_flood(struct traffic *t, u32 gi)
{
	const struct traffic_udp_flood d = t->gens[gi].d.flood;
	u32 wire = traffic_eth_wire(ip_hdr_len(d.hosts.family) + UDP_HDR_LEN + d.size);

	start_udp_const(t, gi, &d.hosts, d.count, d.direction, d.size,
			(u64)wire * 8 * FS_NSEC_PER_SEC, d.line_rate_bps, d.duration);
}
