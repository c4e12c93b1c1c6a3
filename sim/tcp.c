/* SPDX-License-Identifier: MIT */
/*
 * tcp.c - the simulated TCP connection: setup, handshake, segment dispatch, teardown.
 *
 * See tcp.h for the behaviour and its Linux sources.  The connection is split by concern
 * (tcp_internal.h lists the files); this file holds:
 *   packets     tcp_new_pkt() fills a sim_pkt; tcp_xmit() hands it to the network and
 *               notes that an ACK went out (clears delayed/immediate ACK state).
 *   lifecycle   configuration checks, the 3-way handshake, tcp_rcv() dispatching a segment
 *               to the sender (tcp_ack, tcp_sender.c) and the receiver (tcp_data,
 *               tcp_receiver.c), the end of the connection and its timers' cancellation.
 *   timers      per endpoint: retransmission (also SYN/SYN-ACK, tcp_sender.c), delayed ACK
 *               (tcp_receiver.c), the application's write ticks and stop time (tcp_app.c).
 *               Timer callbacks get (conn, side).
 *
 * Invariants: snd_una <= snd_nxt <= snd_max; the ring holds exactly the segments in
 * [snd_una, snd_nxt) in order (packets_out entries); rcv_nxt only grows; out-of-order
 * intervals are sorted, disjoint, non-adjacent and lie beyond rcv_nxt.  Every entry point
 * (tcp_conn_start/input/close and the timer callbacks) ends with tcp_maybe_done(), which
 * may hand the connection to the done callback; nothing touches the connection after it.
 */
#include <glib.h>

#include "tcp_internal.h"

void tcp_notify(struct tcp_ep *ep, enum tcp_event ev, u64 arg)
{
	struct tcp_conn *c = ep->conn;

	if (c->cfg.event)
		c->cfg.event(c->cfg.cb_ctx, c, ep->side, ev, arg);
}

const char *tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1",
		"FIN_WAIT2", "CLOSING", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK",
	};

	if ((unsigned int)s >= FS_ARRAY_SIZE(names))
		return "?";
	return names[s];
}

static bool ep_fin_acked(const struct tcp_ep *ep)
{
	return ep->app_closed && ep->snd_una > ep->stream_end;
}

enum tcp_state tcp_ep_state(const struct tcp_ep *ep)
{
	if (ep->conn->done && !ep->conn->aborted)
		return ep->passive_close ? TCP_CLOSED : TCP_TIME_WAIT;
	if (ep->conn->aborted)
		return TCP_CLOSED;
	if (ep->state != TCP_ESTABLISHED)
		return (enum tcp_state)ep->state;
	if (!ep->app_closed)
		return ep->eof ? TCP_CLOSE_WAIT : TCP_ESTABLISHED;
	if (ep->passive_close)
		return ep_fin_acked(ep) ? TCP_CLOSED : TCP_LAST_ACK;
	if (!ep->eof)
		return ep_fin_acked(ep) ? TCP_FIN_WAIT2 : TCP_FIN_WAIT1;
	return ep_fin_acked(ep) ? TCP_TIME_WAIT : TCP_CLOSING;
}

/* ------------------------------------------------------------ packets */

static u16 tcp_adv_window(const struct tcp_ep *ep, bool syn)
{
	/* the application reads at once, so the whole buffer is always free (see tcp.h) */
	if (syn)
		return (u16)FS_MIN(ep->rcvbuf, 65535u);
	return (u16)FS_MIN(ep->rcvbuf >> ep->rcv_wscale, 65535u);
}

struct sim_pkt *tcp_new_pkt(struct tcp_ep *ep, u8 flags, u32 seq, u32 payload)
{
	struct tcp_conn *c = ep->conn;
	struct sim_pkt *p = sim_pkt_alloc(c->env.pool);
	struct fs_packet *h = &p->hdr;
	bool syn = flags & FS_TCP_SYN;
	u32 ip = ep->out.family == FS_AF_INET6 ? 40 : 20;
	u32 opt = syn ? TCP_SYN_OPT_LEN : 0;

	if (syn && !c->cfg.no_sack && (!ep->side || ep->sack_ok)) {
		/* the client offers SACK, the server answers an offer (tcp_syn_options) */
		p->tcp_sack_perm = 1;
		opt += TCP_SACK_PERM_LEN;
	} else if ((flags & FS_TCP_ACK) && ep->sack_ok && ep->sack_n) {
		/* tcp_established_options(): as many blocks as fit beside the payload */
		u32 n = ep->sack_n, i;

		while (n && payload + TCP_SACK_OPT_LEN(n) > ep->mss)
			n--;
		for (i = 0; i < n; i++) {
			p->tcp_sack[i][0] = rcv_wire(ep, ep->sack_blk[i].start);
			p->tcp_sack[i][1] = rcv_wire(ep, ep->sack_blk[i].end);
		}
		p->tcp_nsack = (u8)n;
		opt += n ? TCP_SACK_OPT_LEN(n) : 0;
	}
	h->t = ep->out;
	h->seq = seq;
	h->tcp_flags = flags;
	if (flags & FS_TCP_ACK)
		h->ack = rcv_wire(ep, ep->rcv_nxt);
	h->win = tcp_adv_window(ep, syn);
	h->wscale = syn ? ep->rcv_wscale : 0xff;
	h->payload = (u16)payload;
	h->len = (u16)(ip + TCP_HDR_LEN + opt + payload);
	h->gso_segs = 1;
	h->ttl = c->cfg.ttl;
	h->dscp = c->cfg.dscp;
	/* Linux sets DF on TCP over IPv4 (path MTU discovery) */
	h->flags = ep->out.family == FS_AF_INET ? FS_PKT_DF : 0;
	p->born = tcp_now(c);
	p->flow = c->cfg.flow;
	p->side = ep->side;
	p->wire = traffic_eth_wire(h->len);
	p->q.len = h->len + 14u;
	p->q.mac_len = 14;
	p->q.hash = c->qhash[ep->side];
	return p;
}

void tcp_xmit(struct tcp_ep *ep, struct sim_pkt *p)
{
	struct tcp_conn *c = ep->conn;

	ep->st.segs_out++;
	if (p->hdr.tcp_flags & FS_TCP_ACK) {
		/* this segment acknowledges everything received so far */
		ep->rcv_wup = ep->rcv_nxt;
		ep->ack_pending = false;
		ep->ack_now = false;
	}
	c->env.xmit(c->env.ctx, p);
}

void tcp_send_syn(struct tcp_ep *ep)
{
	u8 flags = FS_TCP_SYN | (ep->side ? FS_TCP_ACK : 0);

	ep->syn_time = tcp_now(ep->conn);
	tcp_xmit(ep, tcp_new_pkt(ep, flags, ep->iss, 0));
}

/* ------------------------------------------------------------ lifecycle */

static bool ep_finished(const struct tcp_ep *ep)
{
	return ep_fin_acked(ep) && ep->eof;
}

static void tcp_cancel_timers(struct tcp_conn *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct tcp_ep *ep = &c->ep[i];

		engine_timer_cancel(c->env.eng, ep->rto_timer);
		engine_timer_cancel(c->env.eng, ep->delack_timer);
		engine_timer_cancel(c->env.eng, ep->app_timer);
		engine_timer_cancel(c->env.eng, ep->stop_timer);
		ep->rto_timer = ep->delack_timer = ep->app_timer = ep->stop_timer =
			ENGINE_TIMER_NONE;
	}
}

/* The last call of every entry point: report the end of the connection. */
void tcp_maybe_done(struct tcp_conn *c)
{
	if (c->done_reported)
		return;
	if (!c->done && ep_finished(&c->ep[0]) && ep_finished(&c->ep[1])) {
		c->done = true;
		c->end_ns = tcp_now(c);
		tcp_notify(&c->ep[0], TCP_EV_DONE, 0);
	}
	if (!c->done)
		return;
	tcp_cancel_timers(c);
	c->done_reported = true;
	if (c->cfg.done)
		c->cfg.done(c->cfg.cb_ctx, c);   /* may destroy c */
}

void tcp_abort(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;

	c->done = true;
	c->aborted = true;
	c->end_ns = tcp_now(c);
	tcp_notify(ep, TCP_EV_ABORT, 0);
}

static void tcp_established(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);

	ep->state = TCP_ESTABLISHED;
	engine_timer_cancel(c->env.eng, ep->rto_timer);
	ep->retries = 0;
	if (ep->srtt_us)
		tcp_set_rto(ep);
	else
		ep->rto_us = TCP_TIMEOUT_INIT_US;
	ep->cwnd = ep->init_cwnd;
	ep->ssthresh = TCP_INFINITE_SSTHRESH;
	ep->st.established_ns = now;
	tcp_cc_init(ep, now);
	tcp_notify(ep, TCP_EV_ESTABLISHED, 0);
}

static void tcp_handshake_rtt(struct tcp_ep *ep)
{
	if (!ep->syn_retransmitted)
		tcp_rtt_sample(ep, tcp_now(ep->conn) - ep->syn_time);
}

static void tcp_learn_peer(struct tcp_ep *ep, const struct fs_packet *h)
{
	ep->irs = h->seq;
	ep->rcv_nxt = 0;
	ep->rcv_wup = 0;
	if (h->wscale == 0xff) {
		/* RFC 7323: scaling only when both SYNs carry the option */
		ep->snd_wscale = 0;
		ep->rcv_wscale = 0;
	} else {
		ep->snd_wscale = FS_MIN(h->wscale, (u8)TCP_MAX_WSCALE);
	}
	ep->snd_wnd = h->win;   /* a SYN's window is never scaled */
}

/* Segment processing at the receiving endpoint (tcp_rcv_state_process). */
static void tcp_rcv(struct tcp_ep *ep, const struct sim_pkt *p)
{
	const struct fs_packet *h = &p->hdr;
	u8 fl = h->tcp_flags;
	bool pure;

	if (fl & FS_TCP_RST)
		return;
	switch (ep->state) {
	case TCP_LISTEN:
		if ((fl & (FS_TCP_SYN | FS_TCP_ACK)) != FS_TCP_SYN)
			return;
		/* reply to where the SYN came from (after any NAT on the way) */
		fs_tuple_invert(&ep->out, &h->t);
		ep->tuple_known = true;
		tcp_learn_peer(ep, h);
		ep->sack_ok = p->tcp_sack_perm && !ep->conn->cfg.no_sack;
		ep->state = TCP_SYN_RCVD;
		ep->rto_us = TCP_TIMEOUT_INIT_US;
		tcp_send_syn(ep);
		tcp_arm_rto(ep);
		return;
	case TCP_SYN_SENT:
		if ((fl & (FS_TCP_SYN | FS_TCP_ACK)) != (FS_TCP_SYN | FS_TCP_ACK) ||
		    h->ack != ep->iss + 1)
			return;
		tcp_learn_peer(ep, h);
		ep->sack_ok = p->tcp_sack_perm && !ep->conn->cfg.no_sack;
		tcp_handshake_rtt(ep);
		tcp_established(ep);
		tcp_send_ack(ep);       /* the third packet of the handshake */
		goto out;
	case TCP_SYN_RCVD:
		if ((fl & FS_TCP_SYN) && !(fl & FS_TCP_ACK)) {
			tcp_send_syn(ep);   /* our SYN-ACK was lost */
			return;
		}
		if (!(fl & FS_TCP_ACK) || h->ack != ep->iss + 1)
			return;
		tcp_handshake_rtt(ep);
		tcp_established(ep);
		break;
	case TCP_ESTABLISHED:
		if (fl & FS_TCP_SYN) {
			ep->ack_now = true; /* a repeated SYN-ACK: our ACK was lost */
			goto out;
		}
		break;
	default:
		return;
	}
	pure = h->payload == 0 && !(fl & (FS_TCP_SYN | FS_TCP_FIN));
	if (fl & FS_TCP_ACK)
		tcp_ack(ep, p, pure);
	tcp_data(ep, h);
out:
	tcp_ep_advance(ep);
}

/*
 * The common tail of an event at one endpoint.  (After tcp_app_close() the application
 * check is a no-op, so closers may use it too.)
 */
void tcp_ep_advance(struct tcp_ep *ep)
{
	tcp_app_check(ep);
	tcp_output(ep);
	tcp_ack_flush(ep);
}

/* ------------------------------------------------------------ API */

static u8 tcp_wscale_for(u32 rcvbuf)
{
	u8 s = 0;

	while (s < TCP_MAX_WSCALE && (rcvbuf >> s) > 65535)
		s++;
	return s;
}

static int check_app(const struct tcp_app *a, const char *who, u16 mss, char *err,
		     size_t errlen)
{
	if (a->bytes == TCP_BYTES_UNLIMITED && a->wait_eof) {
		g_snprintf(err, errlen, "tcp: %s application: an unlimited writer cannot wait "
			   "for end-of-file", who);
		return -1;
	}
	if (a->rate_bps && a->bytes == 0) {
		g_snprintf(err, errlen, "tcp: %s application: a write rate needs bytes to send",
			   who);
		return -1;
	}
	if (a->rate_bps && (a->chunk ? a->chunk : mss) * 8ULL * FS_NSEC_PER_SEC / a->rate_bps
			   == 0) {
		g_snprintf(err, errlen, "tcp: %s application: rate %llu bit/s is too high for "
			   "%u-byte writes", who, (unsigned long long)a->rate_bps,
			   a->chunk ? a->chunk : mss);
		return -1;
	}
	return 0;
}

struct tcp_conn *tcp_conn_create(const struct traffic_env *env, const struct tcp_config *cfg,
				 char *err, size_t errlen)
{
	struct tcp_conn *c;
	struct fs_tuple inv;
	u32 rcvbuf = cfg->rcvbuf ? cfg->rcvbuf : TCP_DEFAULT_RCVBUF;
	u16 mss = cfg->mss;
	int i;

	if (cfg->tuple.family != FS_AF_INET && cfg->tuple.family != FS_AF_INET6) {
		g_snprintf(err, errlen, "tcp: address family %u is neither IPv4 nor IPv6",
			   cfg->tuple.family);
		return NULL;
	}
	if (!mss)
		mss = cfg->tuple.family == FS_AF_INET ? 1460 : 1440;
	if (mss < 64 || mss > 9000) {
		g_snprintf(err, errlen, "tcp: mss %u outside 64..9000 bytes", mss);
		return NULL;
	}
	if (rcvbuf < 2u * mss || rcvbuf > (65535u << TCP_MAX_WSCALE)) {
		g_snprintf(err, errlen, "tcp: receive buffer %u bytes outside %u..%u", rcvbuf,
			   2u * mss, 65535u << TCP_MAX_WSCALE);
		return NULL;
	}
	if (!tcp_cc_name(cfg->cc)) {
		g_snprintf(err, errlen, "tcp: unknown congestion control %u", cfg->cc);
		return NULL;
	}
	if (check_app(&cfg->app[0], "client", mss, err, errlen) ||
	    check_app(&cfg->app[1], "server", mss, err, errlen))
		return NULL;

	c = g_new0(struct tcp_conn, 1);
	c->env = *env;
	c->cfg = *cfg;
	c->cfg.tuple.proto = FS_IPPROTO_TCP;
	c->cfg.tuple.pad = 0;
	if (!c->cfg.ttl)
		c->cfg.ttl = 64;
	c->qhash[0] = fs_tuple_hash(&c->cfg.tuple, 0);
	fs_tuple_invert(&inv, &c->cfg.tuple);
	c->qhash[1] = fs_tuple_hash(&inv, 0);
	for (i = 0; i < 2; i++) {
		struct tcp_ep *ep = &c->ep[i];

		ep->conn = c;
		ep->side = (u8)i;
		ep->state = i ? TCP_LISTEN : TCP_CLOSED;
		ep->mss = mss;
		ep->iss = cfg->iss[i];
		ep->rcvbuf = rcvbuf;
		ep->rcv_wscale = tcp_wscale_for(rcvbuf);
		ep->init_cwnd = cfg->init_cwnd ? cfg->init_cwnd : TCP_INIT_CWND;
		ep->cwnd = ep->init_cwnd;
		ep->ssthresh = TCP_INFINITE_SSTHRESH;
		ep->cwnd_clamp = 0xffffffffu;
		ep->rto_us = TCP_TIMEOUT_INIT_US;
		ep->app = cfg->app[i];
		if (ep->app.rate_bps && !ep->app.chunk)
			ep->app.chunk = mss;
	}
	c->ep[0].out = c->cfg.tuple;
	c->ep[0].tuple_known = true;
	return c;
}

void tcp_conn_destroy(struct tcp_conn *c)
{
	int i;

	if (!c)
		return;
	tcp_cancel_timers(c);
	for (i = 0; i < 2; i++) {
		g_free(c->ep[i].ring);
		g_free(c->ep[i].ofo);
	}
	g_free(c);
}

void tcp_conn_start(struct tcp_conn *c)
{
	struct tcp_ep *ep = &c->ep[0];

	if (ep->state != TCP_CLOSED || c->done)
		return;
	c->start_ns = tcp_now(c);
	ep->state = TCP_SYN_SENT;
	ep->rto_us = TCP_TIMEOUT_INIT_US;
	tcp_send_syn(ep);
	tcp_arm_rto(ep);
	tcp_maybe_done(c);
}

void tcp_conn_input(struct tcp_conn *c, const struct sim_pkt *p)
{
	struct tcp_ep *ep = &c->ep[!p->side];

	if (c->done || p->hdr.t.proto != FS_IPPROTO_TCP)
		return;
	ep->st.segs_in++;
	tcp_rcv(ep, p);
	tcp_maybe_done(c);
}

void tcp_conn_close(struct tcp_conn *c, int side)
{
	struct tcp_ep *ep = &c->ep[side & 1];

	if (c->done || ep->app_closed)
		return;
	if (ep->state != TCP_ESTABLISHED) {
		/* not connected yet: close as soon as it is, without sending anything */
		ep->app.bytes = 0;
		ep->app.after_rcv = 0;
		ep->app.wait_eof = false;
		ep->app.rate_bps = 0;
		return;
	}
	if (!ep->app_started) {
		ep->app.after_rcv = 0;
		ep->app.bytes = 0;
		ep->app.rate_bps = 0;
	}
	tcp_app_close(ep);
	tcp_ep_advance(ep);
	tcp_maybe_done(c);
}
