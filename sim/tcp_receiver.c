/* SPDX-License-Identifier: MIT */
/*
 * tcp_receiver.c - the receiving half of a TCP endpoint: data and ACK generation.
 *
 *   receiver    tcp_data() accepts in-order data, keeps out-of-order intervals, decides
 *               between an immediate and a delayed ACK (__tcp_ack_snd_check);
 *               tcp_ack_flush() sends an owed immediate ACK; the delayed-ACK timer
 *               (TCP_DELACK_MIN) sends the other kind.
 *   SACK        the blocks to report (tcp_sack_new_ofo_skb / tcp_sack_remove): the
 *               out-of-order interval a segment landed in moves to the front, blocks it
 *               absorbed go, at most SIM_PKT_MAX_SACK are kept; tcp_new_pkt() copies them.
 *
 * Invariants: rcv_nxt only grows; out-of-order intervals are sorted, disjoint,
 * non-adjacent and lie beyond rcv_nxt; every SACK block equals one out-of-order interval
 * and the blocks are disjoint.  The timer callback ends with tcp_maybe_done().
 */
#include <glib.h>
#include <string.h>

#include "tcp_internal.h"

static void tcp_delack_fire(struct engine *eng, engine_arg a, engine_arg b);

void tcp_send_ack(struct tcp_ep *ep)
{
	ep->st.pure_acks_out++;
	tcp_xmit(ep, tcp_new_pkt(ep, FS_TCP_ACK, snd_wire(ep, ep->snd_nxt), 0));
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

/* Add [s, e) to the sorted interval set; the index of the interval now holding it, or -1
 * if it had to be dropped. */
static int ofo_insert(struct tcp_ep *ep, u64 s, u64 e)
{
	struct tcp_ofo *o = ep->ofo;
	u32 n = ep->ofo_len, i, j;

	/* common case: at or after the last interval (the segments after a hole) */
	if (n && s >= o[n - 1].start) {
		if (s <= o[n - 1].end) {
			o[n - 1].end = FS_MAX(o[n - 1].end, e);
			return (int)n - 1;
		}
		i = n;
	} else {
		for (i = 0; i < n && o[i].end < s; i++)
			;
	}
	if (i == n || e < o[i].start) {
		if (!ofo_reserve(ep))
			return -1;
		o = ep->ofo;
		memmove(&o[i + 1], &o[i], (n - i) * sizeof(*o));
		o[i].start = s;
		o[i].end = e;
		ep->ofo_len++;
		return (int)i;
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
	return (int)i;
}

/*
 * tcp_sack_new_ofo_skb(): the interval [s, e) a segment just joined becomes the first
 * block; older blocks it overlaps were merged into it and go; the rest keep their order.
 */
static void sack_note(struct tcp_ep *ep, u64 s, u64 e)
{
	struct tcp_sack_block *b = ep->sack_blk;
	u32 i, n = 0;

	for (i = 0; i < ep->sack_n; i++) {
		if (b[i].end < s || b[i].start > e)
			b[n++] = b[i];
	}
	if (n == SIM_PKT_MAX_SACK)
		n--;        /* the oldest block falls off */
	memmove(&b[1], &b[0], n * sizeof(*b));
	b[0].start = s;
	b[0].end = e;
	ep->sack_n = n + 1;
}

/* tcp_sack_remove(): blocks the cumulative ACK has reached are no news any more. */
static void sack_trim(struct tcp_ep *ep)
{
	struct tcp_sack_block *b = ep->sack_blk;
	u32 i, n = 0;

	for (i = 0; i < ep->sack_n; i++) {
		if (b[i].start > ep->rcv_nxt)
			b[n++] = b[i];
	}
	ep->sack_n = n;
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
void tcp_data(struct tcp_ep *ep, const struct fs_packet *h)
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
		if (len) {
			int i = ofo_insert(ep, (u64)s, (u64)e);

			if (i < 0)
				ep->st.ofo_dropped++;
			else if (ep->sack_ok)
				sack_note(ep, ep->ofo[i].start, ep->ofo[i].end);
		}
		ep->ack_now = true;     /* a duplicate ACK tells the sender about the hole */
		return;
	}
	if ((u64)e > ep->rcv_nxt) {
		tcp_deliver_app(ep, (u64)e - ep->rcv_nxt);
		ep->rcv_nxt = (u64)e;
	}
	if (ep->ofo_len)
		tcp_ofo_drain(ep);
	if (ep->sack_n)
		sack_trim(ep);
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
void tcp_ack_flush(struct tcp_ep *ep)
{
	if (ep->state != TCP_ESTABLISHED || ep->conn->done)
		return;
	if (ep->ack_now)
		tcp_send_ack(ep);
}

/* ------------------------------------------------------------ delayed-ACK timer */

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
