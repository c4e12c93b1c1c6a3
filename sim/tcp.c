/* SPDX-License-Identifier: MIT */
/*
 * tcp.c - the simulated TCP connection: handshake, sender, receiver, timers, close.
 *
 * See tcp.h for the behaviour and its Linux sources.  Structure:
 *   packets     tcp_new_pkt() fills a sim_pkt; tcp_xmit() hands it to the network and
 *               notes that an ACK went out (clears delayed/immediate ACK state).
 *   sender      tcp_output() sends new data while cwnd, the peer's window and Nagle allow
 *               (tcp_write_xmit); segments in flight are a ring of (end, send time, flags);
 *               tcp_ack() pops acknowledged segments, takes an RTT sample (Karn), runs the
 *               recovery state machine (NewReno) and congestion avoidance.
 *   receiver    tcp_data() accepts in-order data, keeps out-of-order intervals, decides
 *               between an immediate and a delayed ACK (__tcp_ack_snd_check).
 *   timers      per endpoint: retransmission (also SYN/SYN-ACK), delayed ACK, the
 *               application's write ticks and stop time.  Timer callbacks get (conn, side).
 *   app         when a side starts writing, how much it has written, when it closes.
 *
 * Invariants: snd_una <= snd_nxt <= snd_max; the ring holds exactly the segments in
 * [snd_una, snd_nxt) in order (packets_out entries); rcv_nxt only grows; out-of-order
 * intervals are sorted, disjoint, non-adjacent and lie beyond rcv_nxt.  Every entry point
 * (tcp_conn_start/input/close and the timer callbacks) ends with tcp_maybe_done(), which
 * may hand the connection to the done callback; nothing touches the connection after it.
 */
#include <glib.h>
#include <string.h>

#include "tcp.h"

#define SEG_RETRANS 0x1

struct tcp_seg {
	u64 end;        /* offset after the segment (a FIN counts one) */
	u64 tx_time;    /* ns of the last transmission */
	u32 flags;
	u32 pad;
};

struct tcp_ofo {
	u64 start;
	u64 end;
};

#define TCP_HDR_LEN 20
#define TCP_SYN_OPT_LEN 8          /* MSS (4) + NOP + window scale (3) */
#define TCP_INFINITE_SSTHRESH 0x7fffffffu
#define TCP_MAX_WSCALE 14

static inline u64 tcp_now(const struct tcp_conn *c)
{
	return engine_now(c->env.eng);
}

static void tcp_notify(struct tcp_ep *ep, enum tcp_event ev, u64 arg)
{
	struct tcp_conn *c = ep->conn;

	if (c->cfg.event)
		c->cfg.event(c->cfg.cb_ctx, c, ep->side, ev, arg);
}

static inline u32 snd_wire(const struct tcp_ep *ep, u64 off)
{
	return ep->iss + 1 + (u32)off;
}

static inline u32 rcv_wire(const struct tcp_ep *ep, u64 off)
{
	return ep->irs + 1 + (u32)off;
}

/* The stream offset of a wire sequence number, taken as the one nearest to `base`. */
static inline s64 wire_to_off(u32 wire, u32 isn, u64 base)
{
	s32 d = (s32)(wire - (isn + 1 + (u32)base));

	return (s64)base + d;
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

static struct sim_pkt *tcp_new_pkt(struct tcp_ep *ep, u8 flags, u32 seq, u32 payload)
{
	struct tcp_conn *c = ep->conn;
	struct sim_pkt *p = sim_pkt_alloc(c->env.pool);
	struct fs_packet *h = &p->hdr;
	bool syn = flags & FS_TCP_SYN;
	u32 ip = ep->out.family == FS_AF_INET6 ? 40 : 20;

	h->t = ep->out;
	h->seq = seq;
	h->tcp_flags = flags;
	if (flags & FS_TCP_ACK)
		h->ack = rcv_wire(ep, ep->rcv_nxt);
	h->win = tcp_adv_window(ep, syn);
	h->wscale = syn ? ep->rcv_wscale : 0xff;
	h->payload = (u16)payload;
	h->len = (u16)(ip + TCP_HDR_LEN + (syn ? TCP_SYN_OPT_LEN : 0) + payload);
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

static void tcp_xmit(struct tcp_ep *ep, struct sim_pkt *p)
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

static void tcp_send_syn(struct tcp_ep *ep)
{
	u8 flags = FS_TCP_SYN | (ep->side ? FS_TCP_ACK : 0);

	ep->syn_time = tcp_now(ep->conn);
	tcp_xmit(ep, tcp_new_pkt(ep, flags, ep->iss, 0));
}

static void tcp_send_ack(struct tcp_ep *ep)
{
	ep->st.pure_acks_out++;
	tcp_xmit(ep, tcp_new_pkt(ep, FS_TCP_ACK, snd_wire(ep, ep->snd_nxt), 0));
}

/* Payload [start, end) plus a FIN after it when fin. */
static void tcp_send_data(struct tcp_ep *ep, u64 start, u64 end, bool fin, bool retrans,
			  bool push)
{
	u32 len = (u32)(end - start);
	u8 flags = FS_TCP_ACK | (fin ? FS_TCP_FIN : 0) | (push && len ? FS_TCP_PSH : 0);

	if (len) {
		ep->st.data_segs_out++;
		ep->st.bytes_out += len;
	}
	if (retrans) {
		ep->st.retrans_segs++;
		ep->st.retrans_bytes += len;
	}
	tcp_xmit(ep, tcp_new_pkt(ep, flags, snd_wire(ep, start), len));
}

/* ------------------------------------------------------------ segment ring */

static inline struct tcp_seg *ring_at(struct tcp_ep *ep, u32 i)
{
	return &ep->ring[(ep->ring_head + i) & (ep->ring_cap - 1)];
}

static void ring_grow(struct tcp_ep *ep)
{
	u32 cap = ep->ring_cap ? ep->ring_cap * 2 : 16;
	struct tcp_seg *n = g_new(struct tcp_seg, cap);
	u32 i;

	for (i = 0; i < ep->packets_out; i++)
		n[i] = *ring_at(ep, i);
	g_free(ep->ring);
	ep->ring = n;
	ep->ring_cap = cap;
	ep->ring_head = 0;
}

static void ring_push(struct tcp_ep *ep, u64 end, u64 t, u32 flags)
{
	struct tcp_seg *s;

	if (ep->packets_out == ep->ring_cap)
		ring_grow(ep);
	s = ring_at(ep, ep->packets_out);
	s->end = end;
	s->tx_time = t;
	s->flags = flags;
	ep->packets_out++;
}

static void ring_pop(struct tcp_ep *ep)
{
	ep->ring_head = (ep->ring_head + 1) & (ep->ring_cap - 1);
	ep->packets_out--;
}

/* ------------------------------------------------------------ RTT and RTO */

static void tcp_set_rto(struct tcp_ep *ep)
{
	u64 rto = (u64)(ep->srtt_us >> 3) + ep->rttvar_us;

	ep->rto_us = (u32)FS_MIN(rto, (u64)TCP_RTO_MAX_US);
}

/* tcp_rtt_estimator(): RFC 6298 with Linux's rto_min applied to the variance term. */
static void tcp_rtt_estimator(struct tcp_ep *ep, s64 mrtt_us)
{
	s64 m = mrtt_us;
	u32 srtt = ep->srtt_us;

	if (srtt != 0) {
		m -= (srtt >> 3);
		srtt = (u32)((s64)srtt + m);
		if (m < 0) {
			m = -m;
			m -= (ep->mdev_us >> 2);
			/* a falling RTT moves mdev with a finer gain */
			if (m > 0)
				m >>= 3;
		} else {
			m -= (ep->mdev_us >> 2);
		}
		ep->mdev_us = (u32)((s64)ep->mdev_us + m);
		if (ep->mdev_us > ep->mdev_max_us) {
			ep->mdev_max_us = ep->mdev_us;
			if (ep->mdev_max_us > ep->rttvar_us)
				ep->rttvar_us = ep->mdev_max_us;
		}
		if (ep->snd_una > ep->rtt_seq) {
			/* once per window, let rttvar decay toward the window's mdev maximum */
			if (ep->mdev_max_us < ep->rttvar_us)
				ep->rttvar_us -= (ep->rttvar_us - ep->mdev_max_us) >> 2;
			ep->rtt_seq = ep->snd_nxt;
			ep->mdev_max_us = TCP_RTO_MIN_US;
		}
	} else {
		srtt = (u32)(m << 3);
		ep->mdev_us = (u32)(m << 1);
		ep->rttvar_us = FS_MAX(ep->mdev_us, TCP_RTO_MIN_US);
		ep->mdev_max_us = ep->rttvar_us;
		ep->rtt_seq = ep->snd_nxt;
	}
	ep->srtt_us = FS_MAX(1u, srtt);
}

static void tcp_rtt_sample(struct tcp_ep *ep, u64 rtt_ns)
{
	u64 us = rtt_ns / 1000;

	if (us == 0)
		us = 1;
	if (us > 0xffffffffULL)
		us = 0xffffffffULL;
	tcp_rtt_estimator(ep, (s64)us);
	tcp_set_rto(ep);
	ep->st.rtt_samples++;
	ep->st.rtt_sum_us += us;
	if (!ep->st.rtt_min_us || us < ep->st.rtt_min_us)
		ep->st.rtt_min_us = (u32)us;
	if (us > ep->st.rtt_max_us)
		ep->st.rtt_max_us = (u32)us;
	tcp_notify(ep, TCP_EV_RTT_SAMPLE, us);
}

static void tcp_rto_fire(struct engine *eng, engine_arg a, engine_arg b);
static void tcp_delack_fire(struct engine *eng, engine_arg a, engine_arg b);
static void tcp_app_tick(struct engine *eng, engine_arg a, engine_arg b);
static void tcp_app_stop_fire(struct engine *eng, engine_arg a, engine_arg b);

static void tcp_arm_rto(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;

	engine_timer_set(c->env.eng, &ep->rto_timer, tcp_now(c) + (u64)ep->rto_us * 1000,
			 tcp_rto_fire, ENGINE_PTR(c), ENGINE_U64(ep->side));
}

/* ------------------------------------------------------------ sender */

/* tcp_cwnd_validate(): remember whether this window used all of cwnd. */
static void tcp_cwnd_validate(struct tcp_ep *ep, bool is_cwnd_limited)
{
	if (ep->snd_una >= ep->cwnd_usage_seq || is_cwnd_limited ||
	    (!ep->is_cwnd_limited && ep->packets_out > ep->max_packets_out)) {
		ep->is_cwnd_limited = is_cwnd_limited;
		ep->max_packets_out = ep->packets_out;
		ep->cwnd_usage_seq = ep->snd_nxt;
	}
}

/* tcp_cwnd_restart(): the first data after an idle period longer than the RTO. */
static void tcp_idle_restart(struct tcp_ep *ep, u64 now)
{
	s64 delta = (s64)((now - ep->lsndtime) / 1000);
	u32 restart = FS_MIN(ep->init_cwnd, ep->cwnd);
	u32 cwnd = ep->cwnd;

	if (!ep->st.data_segs_out || delta <= (s64)ep->rto_us)
		return;
	/* tcp_current_ssthresh() in CA_Open */
	ep->ssthresh = FS_MAX(ep->ssthresh, (ep->cwnd >> 1) + (ep->cwnd >> 2));
	while ((delta -= ep->rto_us) > 0 && cwnd > restart)
		cwnd >>= 1;
	ep->cwnd = FS_MAX(cwnd, restart);
}

static void tcp_send_new(struct tcp_ep *ep, u64 len, bool fin, bool push)
{
	u64 now = tcp_now(ep->conn);
	u64 start = ep->snd_nxt;
	u64 end = start + len;
	bool retrans = start < ep->snd_max;

	if (ep->packets_out == 0 && !retrans) {
		/* new data after the pipe ran empty (tcp_slow_start_after_idle_check and
		 * CA_EVENT_TX_START in tcp_event_data_sent) */
		tcp_idle_restart(ep, now);
		tcp_cc_tx_start(ep, now);
	}
	tcp_send_data(ep, start, end, fin, retrans, push);
	ring_push(ep, end + fin, now, retrans ? SEG_RETRANS : 0);
	if (len < ep->mss)
		ep->snd_sml = end;
	ep->snd_nxt = end + fin;
	if (ep->snd_nxt > ep->snd_max)
		ep->snd_max = ep->snd_nxt;
	if (fin && !ep->st.fin_sent_ns) {
		ep->st.fin_sent_ns = now;
		tcp_notify(ep, TCP_EV_FIN_SENT, ep->stream_end);
	}
	ep->lsndtime = now;
	if (!engine_timer_pending(ep->conn->env.eng, ep->rto_timer))
		tcp_arm_rto(ep);
}

/* tcp_write_xmit(): send what cwnd, the peer's window and Nagle allow. */
static void tcp_output(struct tcp_ep *ep)
{
	bool cwnd_limited = false;
	u32 sent = 0;

	if (ep->state != TCP_ESTABLISHED || ep->conn->done)
		return;
	for (;;) {
		u64 data_end = ep->app_closed ? ep->stream_end : ep->app_end;
		/* limited transmit (RFC 3042): the first two duplicate ACKs each let one new
		 * segment out, as Linux's Reno emulation counts them as left the network */
		u32 cwnd = ep->cwnd + (ep->ca_state == TCP_CA_OPEN ? FS_MIN(ep->dupacks, 2u) : 0);

		if (ep->snd_nxt < data_end) {
			u64 len = FS_MIN((u64)ep->mss, data_end - ep->snd_nxt);
			bool fin = ep->app_closed && ep->snd_nxt + len == ep->stream_end;

			if (ep->packets_out >= cwnd) {
				cwnd_limited = true;
				break;
			}
			if (ep->snd_nxt + len > ep->snd_una + ep->snd_wnd)
				break;
			/* Nagle as Linux does it (tcp_nagle_check with Minshall's rule): a
			 * small segment waits while an earlier small one is unacknowledged */
			if (len < ep->mss && !fin && ep->packets_out > 0 &&
			    ep->snd_sml > ep->snd_una && ep->snd_sml <= ep->snd_nxt)
				break;
			tcp_send_new(ep, len, fin, ep->snd_nxt + len == data_end);
			sent++;
			continue;
		}
		/* a lone FIN is not held back by cwnd (tcp_cwnd_test) */
		if (ep->app_closed && ep->snd_nxt == ep->stream_end) {
			tcp_send_new(ep, 0, true, false);
			sent++;
		}
		break;
	}
	if (ep->packets_out >= ep->cwnd)
		cwnd_limited = true;
	if (sent || cwnd_limited)
		tcp_cwnd_validate(ep, cwnd_limited);
}

static void tcp_retransmit_head(struct tcp_ep *ep)
{
	struct tcp_seg *s = ring_at(ep, 0);
	bool fin = ep->app_closed && s->end == ep->stream_end + 1;
	u64 end = fin ? s->end - 1 : s->end;

	tcp_send_data(ep, ep->snd_una, end, fin, true, true);
	s->flags |= SEG_RETRANS;
	s->tx_time = tcp_now(ep->conn);
	ep->lsndtime = s->tx_time;
}

static void tcp_update_cwnd_max(struct tcp_ep *ep)
{
	if (ep->cwnd > ep->st.cwnd_max)
		ep->st.cwnd_max = ep->cwnd;
}

static void tcp_enter_recovery(struct tcp_ep *ep)
{
	tcp_notify(ep, TCP_EV_FAST_RETRANS, ep->cwnd);
	ep->st.fast_retrans++;
	ep->prior_cwnd = ep->cwnd;
	ep->ssthresh = tcp_cc_ssthresh(ep);
	ep->high_seq = ep->snd_max;
	ep->ca_state = TCP_CA_RECOVERY;
	ep->cwnd_cnt = 0;
	tcp_retransmit_head(ep);
	/* RFC 5681/6582: the three segments that left the network inflate the window */
	ep->cwnd = ep->ssthresh + 3;
}

static void tcp_dupack(struct tcp_ep *ep)
{
	ep->dupacks++;
	switch (ep->ca_state) {
	case TCP_CA_OPEN:
		if (ep->dupacks == 3)
			tcp_enter_recovery(ep);
		break;
	case TCP_CA_RECOVERY:
		ep->cwnd++;         /* another segment left the network */
		break;
	default:
		break;              /* CA_Loss: duplicates of the go-back-N resend */
	}
}

/* The peer acknowledged up to `ack` (offset), advertising window `wnd`. */
static void tcp_ack(struct tcp_ep *ep, const struct fs_packet *h, bool pure)
{
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);
	s64 ack = wire_to_off(h->ack, ep->iss, ep->snd_una);
	u64 wnd = (u64)h->win << ep->snd_wscale;
	u64 first_ackt = 0, last_ackt = 0, data_old, data_new, lim, old_nxt = ep->snd_nxt;
	bool have_ackt = false, retrans_acked = false;
	u32 acked = 0;

	if (ack < (s64)ep->snd_una || (u64)ack > ep->snd_max)
		return;     /* old, or acknowledges what was never sent */
	if ((u64)ack == ep->snd_una) {
		bool dup = pure && ep->packets_out > 0 && wnd == ep->snd_wnd;

		ep->snd_wnd = wnd;
		if (dup)
			tcp_dupack(ep);
		return;
	}

	/* pop the segments now fully acknowledged (tcp_clean_rtx_queue) */
	while (ep->packets_out) {
		struct tcp_seg *s = ring_at(ep, 0);

		if (s->end > (u64)ack)
			break;
		acked++;
		if (s->flags & SEG_RETRANS) {
			retrans_acked = true;
		} else {
			last_ackt = s->tx_time;
			if (!have_ackt)
				first_ackt = s->tx_time;
			have_ackt = true;
		}
		ring_pop(ep);
	}
	lim = ep->app_closed ? ep->stream_end : ~(u64)0;
	data_old = FS_MIN(ep->snd_una, lim);
	data_new = FS_MIN((u64)ack, lim);
	ep->st.bytes_acked += data_new - data_old;
	ep->snd_una = (u64)ack;
	if (ep->snd_nxt < ep->snd_una) {
		/* after go-back-N the peer already had more: those segments count as
		 * acknowledged too, as the kernel's retransmit queue still held them */
		acked += (u32)((ep->snd_una - old_nxt + ep->mss - 1) / ep->mss);
		ep->snd_nxt = ep->snd_una;
	}
	ep->snd_wnd = wnd;
	ep->retries = 0;

	/* Karn: no sample when a retransmitted segment is among those acknowledged */
	if (have_ackt && !retrans_acked) {
		tcp_rtt_sample(ep, now - first_ackt);
		tcp_cc_pkts_acked(ep, (s64)((now - last_ackt) / 1000), now);
	}

	switch (ep->ca_state) {
	case TCP_CA_RECOVERY:
		if ((u64)ack >= ep->high_seq) {
			/* full ACK: leave recovery with cwnd = ssthresh (tcp_end_cwnd_reduction) */
			ep->cwnd = ep->ssthresh;
			ep->ca_state = TCP_CA_OPEN;
			ep->dupacks = 0;
			tcp_notify(ep, TCP_EV_RECOVERY_END, ep->cwnd);
		} else {
			/* partial ACK: the next hole is lost too (RFC 6582 3.2 step 3) */
			tcp_retransmit_head(ep);
			ep->cwnd = ep->cwnd > acked ? ep->cwnd - acked : 0;
			ep->cwnd = FS_MAX(ep->cwnd + 1, 1u);
		}
		break;
	case TCP_CA_LOSS:
		if ((u64)ack >= ep->high_seq)
			ep->ca_state = TCP_CA_OPEN;
		ep->dupacks = 0;
		tcp_cc_cong_avoid(ep, acked, now);
		break;
	default:
		ep->dupacks = 0;
		tcp_cc_cong_avoid(ep, acked, now);
		break;
	}
	if (ep->ca_state == TCP_CA_OPEN)
		tcp_update_cwnd_max(ep);

	if (ep->packets_out)
		tcp_arm_rto(ep);
	else
		engine_timer_cancel(c->env.eng, ep->rto_timer);
}

/* ------------------------------------------------------------ receiver */

static void tcp_deliver_app(struct tcp_ep *ep, u64 n)
{
	u64 now = tcp_now(ep->conn);

	if (!n)
		return;
	if (!ep->st.app_bytes_rcvd)
		ep->st.first_rx_ns = now;
	ep->st.app_bytes_rcvd += n;
	ep->st.last_rx_ns = now;
}

static bool ofo_reserve(struct tcp_ep *ep)
{
	u32 cap;

	if (ep->ofo_len < ep->ofo_cap)
		return true;
	if (ep->ofo_cap >= TCP_OFO_MAX)
		return false;
	cap = ep->ofo_cap ? ep->ofo_cap * 2 : 4;
	ep->ofo = g_renew(struct tcp_ofo, ep->ofo, cap);
	ep->ofo_cap = cap;
	return true;
}

/* Add [s, e) to the sorted interval set; false if it had to be dropped. */
static bool ofo_insert(struct tcp_ep *ep, u64 s, u64 e)
{
	struct tcp_ofo *o = ep->ofo;
	u32 n = ep->ofo_len, i, j;

	/* common case: at or after the last interval (the segments after a hole) */
	if (n && s >= o[n - 1].start) {
		if (s <= o[n - 1].end) {
			o[n - 1].end = FS_MAX(o[n - 1].end, e);
			return true;
		}
		i = n;
	} else {
		for (i = 0; i < n && o[i].end < s; i++)
			;
	}
	if (i == n || e < o[i].start) {
		if (!ofo_reserve(ep))
			return false;
		o = ep->ofo;
		memmove(&o[i + 1], &o[i], (n - i) * sizeof(*o));
		o[i].start = s;
		o[i].end = e;
		ep->ofo_len++;
		return true;
	}
	/* overlaps or touches o[i]: merge, then absorb the intervals it now reaches */
	o[i].start = FS_MIN(o[i].start, s);
	o[i].end = FS_MAX(o[i].end, e);
	for (j = i + 1; j < n && o[j].start <= o[i].end; j++)
		o[i].end = FS_MAX(o[i].end, o[j].end);
	if (j > i + 1) {
		memmove(&o[i + 1], &o[j], (n - j) * sizeof(*o));
		ep->ofo_len -= j - i - 1;
	}
	return true;
}

static void tcp_ofo_drain(struct tcp_ep *ep)
{
	u32 k = 0;

	while (k < ep->ofo_len && ep->ofo[k].start <= ep->rcv_nxt) {
		if (ep->ofo[k].end > ep->rcv_nxt) {
			tcp_deliver_app(ep, ep->ofo[k].end - ep->rcv_nxt);
			ep->rcv_nxt = ep->ofo[k].end;
		}
		k++;
	}
	if (k) {
		memmove(ep->ofo, ep->ofo + k, (ep->ofo_len - k) * sizeof(*ep->ofo));
		ep->ofo_len -= k;
	}
}

static void tcp_schedule_delack(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);

	if (ep->ack_pending)
		return;     /* a pending delayed ACK keeps its deadline (tcp_send_delayed_ack) */
	ep->ack_pending = true;
	ep->delack_due = now + TCP_DELACK_NS;
	if (!engine_timer_pending(c->env.eng, ep->delack_timer))
		engine_timer_set(c->env.eng, &ep->delack_timer, ep->delack_due,
				 tcp_delack_fire, ENGINE_PTR(c), ENGINE_U64(ep->side));
}

/* Payload and FIN of a segment from the peer (tcp_data_queue + __tcp_ack_snd_check). */
static void tcp_data(struct tcp_ep *ep, const struct fs_packet *h)
{
	u32 len = h->payload;
	bool fin = h->tcp_flags & FS_TCP_FIN;
	s64 s = wire_to_off(h->seq, ep->irs, ep->rcv_nxt);
	s64 e = s + len;
	bool had_ofo = ep->ofo_len > 0;

	if (len == 0 && !fin)
		return;
	if (len)
		ep->st.data_segs_in++;
	if (e + (s64)fin <= (s64)ep->rcv_nxt || s < 0) {
		/* entirely old (a retransmission of what we have): tell the sender at once */
		ep->st.dup_segs_in++;
		ep->ack_now = true;
		return;
	}
	if (e > (s64)(ep->rcv_nxt + ep->rcvbuf)) {
		ep->ack_now = true;     /* beyond the window we advertised */
		return;
	}
	if (fin && !ep->rcv_fin_seen) {
		ep->rcv_fin_seen = true;
		ep->rcv_fin_off = (u64)e;
	}
	if ((u64)s > ep->rcv_nxt) {
		ep->st.ofo_segs_in++;
		if (len && !ofo_insert(ep, (u64)s, (u64)e))
			ep->st.ofo_dropped++;
		ep->ack_now = true;     /* a duplicate ACK tells the sender about the hole */
		return;
	}
	if ((u64)e > ep->rcv_nxt) {
		tcp_deliver_app(ep, (u64)e - ep->rcv_nxt);
		ep->rcv_nxt = (u64)e;
	}
	if (ep->ofo_len)
		tcp_ofo_drain(ep);
	if (ep->rcv_fin_seen && !ep->eof && ep->rcv_nxt == ep->rcv_fin_off) {
		ep->rcv_nxt++;
		ep->eof = true;
		ep->st.eof_ns = tcp_now(ep->conn);
		tcp_notify(ep, TCP_EV_EOF, ep->st.app_bytes_rcvd);
		ep->ack_now = true;
	}
	if (had_ofo || ep->ofo_len)
		ep->ack_now = true;     /* a hole was (partly) filled: RFC 5681 4.2 */
	else if (ep->rcv_nxt - ep->rcv_wup > ep->mss)
		ep->ack_now = true;     /* more than one full segment unacknowledged */
	else if (!ep->ack_now)
		tcp_schedule_delack(ep);
}

/* Send what is owed after processing: an immediate ACK, or arm the delayed one. */
static void tcp_ack_flush(struct tcp_ep *ep)
{
	if (ep->state != TCP_ESTABLISHED || ep->conn->done)
		return;
	if (ep->ack_now)
		tcp_send_ack(ep);
}

/* ------------------------------------------------------------ application */

static void tcp_app_close(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;

	if (ep->app_closed)
		return;
	engine_timer_cancel(c->env.eng, ep->app_timer);
	engine_timer_cancel(c->env.eng, ep->stop_timer);
	if (!ep->app_started)
		ep->app_end = 0;
	else if (ep->app_end == TCP_BYTES_UNLIMITED)
		ep->app_end = ep->snd_max;   /* what an always-ready writer had handed over */
	ep->stream_end = ep->app_end;
	ep->app_closed = true;
	ep->passive_close = ep->eof;
}

/* One write of a rate-limited application. */
static void tcp_app_write(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 chunk = ep->app.chunk ? ep->app.chunk : ep->mss;
	u64 left = ep->app.bytes - ep->app_end;
	unsigned __int128 off;
	u64 next;

	ep->app_end += FS_MIN(chunk, left);
	ep->app_writes++;
	if (ep->app_end >= ep->app.bytes)
		return;
	/* write k happens at start + k * chunk * 8 / rate, exactly (no drift) */
	off = (unsigned __int128)ep->app_writes * chunk * 8 * FS_NSEC_PER_SEC / ep->app.rate_bps;
	next = ep->app_start_ns + (u64)off;
	engine_timer_set(c->env.eng, &ep->app_timer, FS_MAX(next, tcp_now(c)), tcp_app_tick,
			 ENGINE_PTR(c), ENGINE_U64(ep->side));
}

static void tcp_app_start(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);

	ep->app_started = true;
	ep->app_start_ns = now;
	if (ep->app.bytes && ep->app.stop_at) {
		if (ep->app.stop_at <= now) {
			tcp_app_close(ep);
			return;
		}
		engine_timer_set(c->env.eng, &ep->stop_timer, ep->app.stop_at, tcp_app_stop_fire,
				 ENGINE_PTR(c), ENGINE_U64(ep->side));
	}
	if (ep->app.bytes == 0)
		ep->app_end = 0;
	else if (ep->app.rate_bps == 0)
		ep->app_end = ep->app.bytes;
	else
		tcp_app_write(ep);
}

/* Start or close the application when its conditions are met. */
static void tcp_app_check(struct tcp_ep *ep)
{
	bool all_written;

	if (ep->state != TCP_ESTABLISHED || ep->app_closed)
		return;
	if (!ep->app_started) {
		if (ep->st.app_bytes_rcvd >= ep->app.after_rcv)
			tcp_app_start(ep);
		else if (ep->eof)
			tcp_app_close(ep);     /* the request never came complete */
		if (!ep->app_started || ep->app_closed)
			return;
	}
	all_written = ep->app.bytes != TCP_BYTES_UNLIMITED && ep->app_end >= ep->app.bytes;
	if (all_written && (!ep->app.wait_eof || ep->eof))
		tcp_app_close(ep);
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
static void tcp_maybe_done(struct tcp_conn *c)
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

static void tcp_abort(struct tcp_ep *ep)
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
static void tcp_rcv(struct tcp_ep *ep, const struct fs_packet *h)
{
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
		tcp_ack(ep, h, pure);
	tcp_data(ep, h);
out:
	tcp_app_check(ep);
	tcp_output(ep);
	tcp_ack_flush(ep);
}

/* ------------------------------------------------------------ timers */

static void tcp_rto_fire(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];
	u32 expired = ep->rto_us;

	if (c->done)
		return;
	if (ep->state == TCP_SYN_SENT || ep->state == TCP_SYN_RCVD) {
		u32 max = ep->state == TCP_SYN_SENT ? TCP_SYN_RETRIES : TCP_SYNACK_RETRIES;

		if (++ep->retries > max) {
			tcp_abort(ep);
			goto out;
		}
		ep->st.rto_events++;
		ep->st.syn_retrans++;
		ep->syn_retransmitted = true;
		tcp_notify(ep, TCP_EV_RTO, expired);
		ep->rto_us = (u32)FS_MIN((u64)ep->rto_us * 2, (u64)TCP_RTO_MAX_US);
		tcp_send_syn(ep);
		tcp_arm_rto(ep);
		goto out;
	}
	if (ep->state != TCP_ESTABLISHED || !ep->packets_out)
		goto out;
	if (++ep->retries > TCP_RETRIES2) {
		tcp_abort(ep);
		goto out;
	}
	ep->st.rto_events++;
	tcp_notify(ep, TCP_EV_RTO, expired);
	/* tcp_enter_loss(): a new ssthresh unless this is a repeated timeout of one loss */
	if (ep->ca_state != TCP_CA_LOSS || ep->snd_una >= ep->high_seq) {
		ep->prior_cwnd = ep->cwnd;
		ep->ssthresh = tcp_cc_ssthresh(ep);
	}
	ep->cwnd = 1;
	ep->cwnd_cnt = 0;
	ep->ca_state = TCP_CA_LOSS;
	ep->high_seq = ep->snd_max;
	ep->dupacks = 0;
	tcp_cc_enter_loss(ep, engine_now(eng));
	/* exponential backoff (tcp_retransmit_timer), then go back to snd_una */
	ep->rto_us = (u32)FS_MIN((u64)ep->rto_us * 2, (u64)TCP_RTO_MAX_US);
	ep->snd_nxt = ep->snd_una;
	ep->packets_out = 0;
	ep->ring_head = 0;
	tcp_output(ep);
	tcp_ack_flush(ep);
out:
	tcp_maybe_done(c);
}

static void tcp_delack_fire(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];
	u64 now = engine_now(eng);

	if (c->done || !ep->ack_pending)
		return;
	if (now < ep->delack_due) {
		/* the ACK this timer was armed for went out; a later one is pending */
		engine_timer_set(eng, &ep->delack_timer, ep->delack_due, tcp_delack_fire, a, b);
		return;
	}
	ep->ack_now = true;
	tcp_ack_flush(ep);
	tcp_maybe_done(c);
}

static void tcp_app_tick(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];

	if (c->done || ep->app_closed)
		return;
	tcp_app_write(ep);
	tcp_app_check(ep);
	tcp_output(ep);
	tcp_ack_flush(ep);
	tcp_maybe_done(c);
}

static void tcp_app_stop_fire(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];

	if (c->done)
		return;
	tcp_app_close(ep);
	tcp_output(ep);
	tcp_ack_flush(ep);
	tcp_maybe_done(c);
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
	tcp_rcv(ep, &p->hdr);
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
	tcp_output(ep);
	tcp_ack_flush(ep);
	tcp_maybe_done(c);
}
