/* SPDX-License-Identifier: MIT */
/*
 * tcp_sender.c - the sending half of a TCP endpoint: transmission, RTT/RTO, loss recovery.
 *
 *   sender      tcp_output() sends new data while cwnd, the peer's window and Nagle allow
 *               (tcp_write_xmit); segments in flight are a ring of (end, send time, flags);
 *               tcp_ack() pops acknowledged segments, takes an RTT sample (Karn), runs the
 *               recovery state machine (NewReno) and congestion avoidance (tcp_cc.c).
 *   RTO         Linux's estimator (tcp_rtt_estimator), the retransmission timer (also for
 *               SYN/SYN-ACK) with exponential backoff, go-back-N after a timeout.
 *
 * Invariants: snd_una <= snd_nxt <= snd_max; the ring holds exactly the segments in
 * [snd_una, snd_nxt) in order (packets_out entries).  The timer callback ends with
 * tcp_maybe_done().
 */
#include <glib.h>

#include "tcp_internal.h"

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

void tcp_set_rto(struct tcp_ep *ep)
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

void tcp_rtt_sample(struct tcp_ep *ep, u64 rtt_ns)
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

void tcp_arm_rto(struct tcp_ep *ep)
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
void tcp_output(struct tcp_ep *ep)
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
void tcp_ack(struct tcp_ep *ep, const struct fs_packet *h, bool pure)
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
