/* SPDX-License-Identifier: MIT */
/*
 * tcp_sender.c - the sending half of a TCP endpoint: transmission, RTT/RTO, loss recovery.
 *
 *   sender      tcp_output() sends new data while cwnd, the peer's window and Nagle allow
 *               (tcp_write_xmit); segments in flight are a ring of (end, send time, flags);
 *               tcp_ack() pops acknowledged segments, takes an RTT sample (Karn), runs the
 *               recovery state machine (SACK or NewReno) and congestion avoidance (tcp_cc.c).
 *   SACK        tcp_sacktag() marks SACKed ring entries (tcp_sacktag_write_queue), skipping
 *               what the previous ACK's blocks covered; tcp_in_flight() is RFC 6675's pipe
 *               (tcp_packets_in_flight); in recovery tcp_sack_retransmit() resends the holes
 *               below the highest SACKed segment while pipe < cwnd (tcp_xmit_retransmit_queue).
 *   RACK        lost retransmissions (RFC 8985 6.2, tcp_recovery.c tcp_rack_detect_loss):
 *               a retransmission sent before a segment since delivered is lost again and
 *               resent in the same recovery, not left to the RTO.
 *   TLP         the tail loss probe (RFC 8985 7, tcp_schedule_loss_probe): in Open state
 *               with SACK the timer first fires 2 SRTT after the last ACK and sends one
 *               segment (new data, else the last one again) to draw a SACK.
 *   RTO         Linux's estimator (tcp_rtt_estimator), the retransmission timer (also for
 *               SYN/SYN-ACK) with exponential backoff, go-back-N after a timeout.
 *
 * Invariants: snd_una <= snd_nxt <= snd_max; the ring holds exactly the segments in
 * [snd_una, snd_nxt) in order (packets_out entries); sacked_out / retrans_out count the
 * ring entries with SEG_SACKED / SEG_RETX_OUT; highest_sack is the end of the highest
 * SACKed entry whenever sacked_out > 0.  The timer callback ends with
 * tcp_maybe_done().
 */
#include <glib.h>
#include <string.h>

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
	if (ep->ca_state == TCP_CA_RECOVERY)
		ep->prr_out++;
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

/* The index of the first ring entry ending after `off` (packets_out if none). */
static u32 ring_find(struct tcp_ep *ep, u64 off)
{
	u32 lo = 0, hi = ep->packets_out;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (ring_at(ep, mid)->end > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static inline u64 ring_seg_start(struct tcp_ep *ep, u32 i)
{
	return i ? ring_at(ep, i - 1)->end : ep->snd_una;
}

static void ring_pop(struct tcp_ep *ep)
{
	struct tcp_seg *s = ring_at(ep, 0);

	if (s->flags & SEG_SACKED)
		ep->sacked_out--;
	if (s->flags & SEG_RETX_OUT)
		ep->retrans_out--;
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

/*
 * The retransmission timer, or the tail loss probe timer before it (net/ipv4/tcp_output.c
 * tcp_schedule_loss_probe, RFC 8985 7.2): with SACK, in the Open state, data out and no
 * probe outstanding, a probe is due 2 SRTT after the last ACK or send - plus TCP_RTO_MIN
 * when a single segment is out (its ACK may be delayed), else plus TCP_TIMEOUT_MIN (2
 * jiffies) - or at the RTO's time if that is earlier, still as a probe.
 */
#define TCP_TIMEOUT_MIN_US (2 * 1000000u / CC_HZ_TLP)
#define CC_HZ_TLP 1000u   /* the jiffy clock of tcp_cc.c */

void tcp_arm_rto(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 rto = (u64)ep->rto_us * 1000;

	ep->tlp_armed = false;
	if (ep->sack_ok && ep->state == TCP_ESTABLISHED && ep->ca_state == TCP_CA_OPEN &&
	    ep->packets_out && ep->srtt_us && !ep->tlp_high_seq) {
		u64 pto = (u64)(ep->srtt_us >> 2) +
			  (ep->packets_out == 1 ? TCP_RTO_MIN_US : TCP_TIMEOUT_MIN_US);

		/* the probe timer takes the RTO's time if that is earlier, and fires as a
		 * probe all the same (ICSK_TIME_LOSS_PROBE) */
		rto = FS_MIN(rto, pto * 1000);
		ep->tlp_armed = true;
	}
	engine_timer_set(c->env.eng, &ep->rto_timer, tcp_now(c) + rto, tcp_rto_fire,
			 ENGINE_PTR(c), ENGINE_U64(ep->side));
}

/* ------------------------------------------------------------ SACK scoreboard */

/*
 * tcp_packets_in_flight(): RFC 6675's pipe.  Without SACK every segment out is in flight.
 * With SACK, SACKed segments have left the network; in recovery every un-SACKed segment
 * below the highest SACKed one (and the head, retransmitted on entry) is lost, unless its
 * retransmission is out (retrans_out adds those back).
 */
static u32 tcp_in_flight(struct tcp_ep *ep)
{
	u64 lost_end;
	u32 below;

	if (!ep->sack_ok)
		return ep->packets_out;
	if (ep->ca_state != TCP_CA_RECOVERY || !ep->packets_out)
		return ep->packets_out - ep->sacked_out;
	lost_end = ring_at(ep, 0)->end;
	if (ep->sacked_out && ep->highest_sack > lost_end)
		lost_end = ep->highest_sack;
	below = ring_find(ep, lost_end - 1) + 1;   /* entries ending at or before lost_end */
	return ep->packets_out - below + ep->retrans_out;
}

/*
 * tcp_rack_advance(): a segment was delivered (SACKed, or cumulatively acknowledged without
 * having been SACKed).  If it was sent after the one RACK remembers, remember it.  A
 * retransmitted segment delivered sooner than the minimum RTT after its resend is taken
 * to be the original's delivery and ignored (the kernel's ambiguity check).
 */
static void tcp_rack_advance(struct tcp_ep *ep, const struct tcp_seg *seg)
{
	u64 now = tcp_now(ep->conn);
	u64 rtt_us = (now - seg->tx_time) / 1000;

	if ((seg->flags & SEG_RETRANS) && rtt_us < ep->st.rtt_min_us)
		return;
	if (seg->tx_time > ep->rack_mstamp ||
	    (seg->tx_time == ep->rack_mstamp && seg->end > ep->rack_end)) {
		ep->rack_mstamp = seg->tx_time;
		ep->rack_end = seg->end;
		ep->rack_rtt_us = (u32)FS_MIN(rtt_us, 0xffffffffULL);
	}
}

/* Mark the whole segments inside [s, e) SACKed. */
static void tcp_sack_mark(struct tcp_ep *ep, u64 s, u64 e)
{
	u32 i = ring_find(ep, s);

	if (i < ep->packets_out && ring_seg_start(ep, i) < s)
		i++;        /* a block starting mid-segment does not cover it */
	for (; i < ep->packets_out; i++) {
		struct tcp_seg *seg = ring_at(ep, i);

		if (seg->end > e)
			break;
		if (seg->flags & SEG_SACKED)
			continue;
		seg->flags |= SEG_SACKED;
		if (seg->flags & SEG_RETX_OUT) {
			seg->flags &= ~SEG_RETX_OUT;
			ep->retrans_out--;
		}
		tcp_rack_advance(ep, seg);
		if (!ep->sacked_out || seg->end > ep->highest_sack)
			ep->highest_sack = seg->end;
		ep->sacked_out++;
		ep->st.sacked_segs++;
	}
}

/*
 * tcp_sacktag_write_queue(): apply the ACK's SACK blocks to the ring.  Blocks are clipped
 * to what is in the ring; the parts the previous ACK's blocks already covered were marked
 * then and are skipped (Linux's recv_sack_cache), so an ACK costs O(blocks) searches plus
 * the segments newly SACKed.
 */
static void tcp_sacktag(struct tcp_ep *ep, const struct sim_pkt *p)
{
	struct tcp_sack_block cur[SIM_PKT_MAX_SACK];
	u32 i, k, n = 0, nb = FS_MIN((u32)p->tcp_nsack, (u32)SIM_PKT_MAX_SACK);

	for (i = 0; i < nb; i++) {
		s64 bs = wire_to_off(p->tcp_sack[i][0], ep->iss, ep->snd_una);
		s64 be = wire_to_off(p->tcp_sack[i][1], ep->iss, ep->snd_una);
		u64 s, e;

		ep->st.sack_blocks_in++;
		if (be <= bs || be <= (s64)ep->snd_una || bs >= (s64)ep->snd_nxt)
			continue;   /* invalid, old (D-SACK-like) or beyond what is out */
		s = FS_MAX((u64)bs, ep->snd_una);
		e = FS_MIN((u64)be, ep->snd_nxt);
		cur[n].start = s;
		cur[n].end = e;
		n++;
		for (k = 0; k < ep->sack_cache_n && s < e; k++) {
			const struct tcp_sack_block *c = &ep->sack_cache[k];

			if (c->start <= s && c->end >= e)
				s = e;
			else if (c->start <= s && c->end > s)
				s = c->end;
			else if (c->start < e && c->end >= e)
				e = c->start;
		}
		if (s < e)
			tcp_sack_mark(ep, s, e);
	}
	memcpy(ep->sack_cache, cur, n * sizeof(cur[0]));
	ep->sack_cache_n = n;
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

static void tcp_sack_retransmit(struct tcp_ep *ep);

/* tcp_write_xmit(): send what cwnd, the peer's window and Nagle allow. */
void tcp_output(struct tcp_ep *ep)
{
	bool cwnd_limited = false;
	u32 sent = 0;

	if (ep->state != TCP_ESTABLISHED || ep->conn->done)
		return;
	if (ep->sack_ok && ep->ca_state == TCP_CA_RECOVERY)
		tcp_sack_retransmit(ep);
	for (;;) {
		u64 data_end = ep->app_closed ? ep->stream_end : ep->app_end;
		/* limited transmit (RFC 3042): the first two duplicate ACKs each let one new
		 * segment out, as Linux's Reno emulation counts them as left the network (with
		 * SACK, the SACKed segments leave the pipe instead) */
		u32 cwnd = ep->cwnd + (ep->ca_state == TCP_CA_OPEN && !ep->sack_ok ?
				       FS_MIN(ep->dupacks, 2u) : 0);

		if (ep->snd_nxt < data_end) {
			u64 len = FS_MIN((u64)ep->mss, data_end - ep->snd_nxt);
			bool fin = ep->app_closed && ep->snd_nxt + len == ep->stream_end;

			if (tcp_in_flight(ep) >= cwnd) {
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
	if (tcp_in_flight(ep) >= ep->cwnd)
		cwnd_limited = true;
	if (sent || cwnd_limited)
		tcp_cwnd_validate(ep, cwnd_limited);
}

/* Send ring entry i again (tcp_retransmit_skb). */
static void tcp_retransmit_seg(struct tcp_ep *ep, u32 i)
{
	struct tcp_seg *s = ring_at(ep, i);
	bool fin = ep->app_closed && s->end == ep->stream_end + 1;
	u64 end = fin ? s->end - 1 : s->end;

	tcp_send_data(ep, ring_seg_start(ep, i), end, fin, true, true);
	s->flags |= SEG_RETRANS;
	s->tx_time = tcp_now(ep->conn);
	ep->lsndtime = s->tx_time;
	if (ep->sack_ok && ep->ca_state == TCP_CA_RECOVERY && !(s->flags & SEG_RETX_OUT)) {
		s->flags |= SEG_RETX_OUT;
		ep->retrans_out++;
	}
}

static void tcp_retransmit_head(struct tcp_ep *ep)
{
	tcp_retransmit_seg(ep, 0);
}

/*
 * RACK's detection of lost retransmissions (tcp_rack_detect_loss, RFC 8985 6.2): in
 * recovery a retransmission is lost when a segment sent after it has been delivered and
 * more than the RACK RTT plus the reordering window has passed since it was sent.  The
 * window is zero in recovery while no reordering has been seen (tcp_rack_reo_wnd), so a
 * retransmission sent before the latest delivered segment is lost: it loses its
 * retransmitted mark and the retransmit walk resends it, instead of waiting for the RTO
 * as RFC 6675 alone does.  Only the retransmitted range (below retx_hint) is walked, and
 * only while retransmissions are out.
 */
static void tcp_rack_mark_lost_retrans(struct tcp_ep *ep)
{
	u64 now = tcp_now(ep->conn), hint = ep->retx_hint;
	u32 i, seen = 0, out = ep->retrans_out;

	if (!ep->sack_ok || ep->ca_state != TCP_CA_RECOVERY || !out || !ep->rack_mstamp)
		return;
	for (i = 0; i < ep->packets_out && seen < out; i++) {
		struct tcp_seg *s = ring_at(ep, i);

		if (s->end > hint)
			break;
		if (!(s->flags & SEG_RETX_OUT))
			continue;
		seen++;
		if (s->tx_time >= ep->rack_mstamp ||
		    now < s->tx_time + (u64)ep->rack_rtt_us * 1000)
			continue;
		s->flags &= ~SEG_RETX_OUT;
		ep->retrans_out--;
		ep->st.rack_lost_retrans++;
		/* the walk resumes at the first segment lost again */
		if (ring_seg_start(ep, i) < ep->retx_hint)
			ep->retx_hint = ring_seg_start(ep, i);
	}
}

/*
 * tcp_xmit_retransmit_queue(): in SACK recovery, resend the lost segments (un-SACKed,
 * below the highest SACKed one) in order while the pipe is below cwnd.  retx_hint remembers
 * how far this recovery got, so every segment is looked at once per recovery.
 */
static void tcp_sack_retransmit(struct tcp_ep *ep)
{
	u64 lost_end;
	u32 i;

	if (!ep->packets_out || !ep->sacked_out)
		return;
	lost_end = ep->highest_sack;
	for (i = ring_find(ep, FS_MAX(ep->retx_hint, ep->snd_una)); i < ep->packets_out; i++) {
		struct tcp_seg *s = ring_at(ep, i);

		if (s->end >= lost_end)
			break;      /* the highest SACKed segment and beyond are not lost */
		if (!(s->flags & (SEG_SACKED | SEG_RETX_OUT))) {
			if (tcp_in_flight(ep) >= ep->cwnd)
				break;
			tcp_retransmit_seg(ep, i);
		}
		ep->retx_hint = s->end;
	}
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
	ep->retrans_out = 0;
	ep->prr_delivered = 0;
	ep->prr_out = 0;
	tcp_retransmit_head(ep);
	if (ep->sack_ok) {
		/* RFC 6675 5: cwnd = ssthresh, the pipe decides what goes out next */
		ep->retx_hint = ring_at(ep, 0)->end;
		ep->cwnd = ep->ssthresh;
		return;
	}
	/* RFC 5681/6582: the three segments that left the network inflate the window */
	ep->cwnd = ep->ssthresh + 3;
}

/*
 * tcp_cwnd_reduction(): proportional rate reduction (RFC 6937) with slow-start reduction
 * bound.  While more than ssthresh is in flight, send ssthresh/prior_cwnd segments per
 * segment delivered; below it, grow back toward ssthresh by at most one more than was
 * delivered.  cwnd is set so that the pipe test in tcp_output() lets sndcnt out.
 */
static void tcp_prr(struct tcp_ep *ep, u32 delivered)
{
	u32 pipe = tcp_in_flight(ep);
	s64 sndcnt;

	if (!delivered || !ep->prior_cwnd)
		return;
	ep->prr_delivered += delivered;
	if (pipe > ep->ssthresh) {
		u64 dividend = (u64)ep->ssthresh * ep->prr_delivered + ep->prior_cwnd - 1;

		sndcnt = (s64)(dividend / ep->prior_cwnd) - ep->prr_out;
	} else {
		s64 room = (s64)ep->prr_delivered - ep->prr_out;

		sndcnt = FS_MIN((s64)(ep->ssthresh - pipe), FS_MAX(room, (s64)delivered) + 1);
	}
	if (sndcnt < 0)
		sndcnt = 0;
	ep->cwnd = pipe + (u32)sndcnt;
}

/* tcp_time_to_recover() with SACK: dupthresh segments SACKed above a hole. */
static void tcp_sack_check_recovery(struct tcp_ep *ep)
{
	if (ep->ca_state == TCP_CA_OPEN && ep->packets_out &&
	    (ep->sacked_out >= TCP_DUPTHRESH || ep->dupacks >= TCP_DUPTHRESH))
		tcp_enter_recovery(ep);
}

static void tcp_dupack(struct tcp_ep *ep)
{
	ep->dupacks++;
	if (ep->sack_ok) {
		tcp_sack_check_recovery(ep);  /* the pipe, not inflation, counts departures */
		return;
	}
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

/* The peer acknowledged up to `ack` (offset), advertising window `wnd`, and SACKed the
 * blocks p carries. */
void tcp_ack(struct tcp_ep *ep, const struct sim_pkt *p, bool pure)
{
	const struct fs_packet *h = &p->hdr;
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);
	s64 ack = wire_to_off(h->ack, ep->iss, ep->snd_una);
	u64 wnd = (u64)h->win << ep->snd_wscale;
	u64 first_ackt = 0, last_ackt = 0, data_old, data_new, lim, old_nxt = ep->snd_nxt;
	bool have_ackt = false, retrans_acked = false;
	u32 acked = 0, undelivered = ep->packets_out - ep->sacked_out;

	if (ack < (s64)ep->snd_una || (u64)ack > ep->snd_max)
		return;     /* old, or acknowledges what was never sent */
	if ((u64)ack == ep->snd_una) {
		bool dup = pure && ep->packets_out > 0 && wnd == ep->snd_wnd;

		ep->snd_wnd = wnd;
		if (ep->sack_ok)
			tcp_sacktag(ep, p);
		if (dup)
			tcp_dupack(ep);
		else if (ep->sack_ok)
			tcp_sack_check_recovery(ep);
		tcp_rack_mark_lost_retrans(ep);
		if (ep->sack_ok && ep->ca_state == TCP_CA_RECOVERY)
			tcp_prr(ep, undelivered - (ep->packets_out - ep->sacked_out));
		return;
	}

	/* pop the segments now fully acknowledged (tcp_clean_rtx_queue) */
	while (ep->packets_out) {
		struct tcp_seg *s = ring_at(ep, 0);

		if (s->end > (u64)ack)
			break;
		acked++;
		if (!(s->flags & SEG_SACKED))
			tcp_rack_advance(ep, s);
		if (s->flags & SEG_RETRANS) {
			retrans_acked = true;
		} else if (!(s->flags & SEG_SACKED)) {
			/* a SACKed segment arrived earlier: its send time would inflate
			 * the sample (tcp_clean_rtx_queue skips it too) */
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
	/* the probe's episode is over once everything up to it is acknowledged
	 * (tcp_process_tlp_ack) */
	if (ep->tlp_high_seq && (u64)ack >= ep->tlp_high_seq)
		ep->tlp_high_seq = 0;
	if (ep->sack_ok)
		tcp_sacktag(ep, p);

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
		} else if (!ep->sack_ok) {
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
	if (ep->sack_ok) {
		u32 left = ep->packets_out - ep->sacked_out;

		tcp_sack_check_recovery(ep);  /* a new loss after the one just repaired */
		tcp_rack_mark_lost_retrans(ep);
		if (ep->ca_state == TCP_CA_RECOVERY)
			tcp_prr(ep, undelivered > left ? undelivered - left : 0);
	}
	if (ep->ca_state == TCP_CA_OPEN)
		tcp_update_cwnd_max(ep);

	if (ep->packets_out)
		tcp_arm_rto(ep);
	else
		engine_timer_cancel(c->env.eng, ep->rto_timer);
}

/*
 * tcp_send_loss_probe(): one segment to draw a SACK out of the receiver if the tail of the
 * window was lost - new data if there is some (sent even if cwnd is full), else the last
 * segment again - then the retransmission timer proper.
 */
static void tcp_send_loss_probe(struct tcp_ep *ep)
{
	u64 data_end = ep->app_closed ? ep->stream_end : ep->app_end;

	ep->tlp_armed = false;
	ep->st.tlp_probes++;
	if (ep->snd_nxt < data_end &&
	    ep->snd_nxt + FS_MIN((u64)ep->mss, data_end - ep->snd_nxt) <=
	    ep->snd_una + ep->snd_wnd) {
		u64 len = FS_MIN((u64)ep->mss, data_end - ep->snd_nxt);
		bool fin = ep->app_closed && ep->snd_nxt + len == ep->stream_end;

		tcp_send_new(ep, len, fin, ep->snd_nxt + len == data_end);
	} else {
		tcp_retransmit_seg(ep, ep->packets_out - 1);
	}
	ep->tlp_high_seq = ep->snd_nxt;
	tcp_arm_rto(ep);
	tcp_ack_flush(ep);
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
	if (ep->tlp_armed) {
		tcp_send_loss_probe(ep);
		goto out;
	}
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
	ep->tlp_high_seq = 0;
	/* exponential backoff (tcp_retransmit_timer), then go back to snd_una */
	ep->rto_us = (u32)FS_MIN((u64)ep->rto_us * 2, (u64)TCP_RTO_MAX_US);
	ep->snd_nxt = ep->snd_una;
	ep->packets_out = 0;
	ep->ring_head = 0;
	/* the scoreboard went with the ring (go-back-N resends SACKed data too) */
	ep->sacked_out = 0;
	ep->retrans_out = 0;
	ep->sack_cache_n = 0;
	tcp_output(ep);
	tcp_ack_flush(ep);
out:
	tcp_maybe_done(c);
}
