/* SPDX-License-Identifier: MIT */
/*
 * sim_router_tx.c - the router machine's way out: a processed packet enters its transmit
 * port's egress qdisc when its core has finished it, PPE/WED frames wait in the port's
 * hardware FIFO, and the link sends one frame at a time at line rate, alternating between
 * the FIFO and the qdisc when both have frames.
 *
 * Invariants:
 *  - a port has at most one frame on the wire (tx_busy, on_wire) and at most one pending
 *    shaper wake-up (wake_pending);
 *  - a frame's wire time covers FCS, the 64-byte minimum and preamble/IFG (overhead);
 *  - every frame leaves through the tx callback (or back to the pool without one), every
 *    qdisc drop through the drop callback: nothing is lost silently.
 */
#include "sim_router_internal.h"

/* skb->len at the device: L2 header + L3 packet (no FCS) */
static u32 frame_len(const struct fs_packet *h)
{
	return sim_pkt_l2_len(h) + h->len;
}

/* time on the wire: frame + FCS, padded to the 64-byte minimum, plus preamble/IFG */
static u64 wire_ns(const struct sr_port *pt, const struct fs_packet *h)
{
	u32 bytes = frame_len(h) + 4;

	if (bytes < 64)
		bytes = 64;
	bytes += pt->overhead;
	if (!pt->rate_bps)
		return 0;
	return ((u64)bytes * 8 * FS_NSEC_PER_SEC + pt->rate_bps - 1) / pt->rate_bps;
}

static void tx_done(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_port *pt = a.p;
	struct sim_router *sr = pt->sr;
	struct sim_pkt *p = pt->on_wire;
	u64 now = engine_now(eng);

	pt->on_wire = NULL;
	pt->tx_busy = 0;
	sr->st.tx_frames++;
	sr->st.tx_bytes += frame_len(&p->hdr);
	if (sr->tx)
		sr->tx(sr->ctx, pt->ifindex, p, now, pt->on_wire_misdelivered);
	else
		sim_pkt_free(sr->pool, p);
	sr_port_kick(pt, now);
}

static void port_wake(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_port *pt = a.p;

	pt->wake_pending = 0;
	sr_port_kick(pt, engine_now(eng));
}

/* Start the next transmission if the link is idle. */
void sr_port_kick(struct sr_port *pt, u64 now)
{
	struct sim_router *sr = pt->sr;
	struct sim_pkt *p = NULL;
	u8 misdelivered = 0;
	bool from_hw;

	if (pt->tx_busy)
		return;
	/* round-robin between the hardware FIFO and the qdisc when both have frames */
	from_hw = pt->hw.len && (pt->rr || !pt->q);
	if (!from_hw && pt->q) {
		struct qdisc_pkt *qp = qdisc_dequeue(pt->q, now);

		if (qp)
			p = qp->data;
		else if (pt->hw.len)
			from_hw = true;
	}
	if (!p && from_hw) {
		p = sr_ring_pop(&pt->hw);
		misdelivered = p->flags & SIM_PKT_MISDELIVERED ? 1 : 0;
	}
	pt->rr ^= 1;
	if (!p) {
		u64 next = pt->q ? qdisc_next_time(pt->q, now) : QDISC_TIME_NEVER;

		if (next != QDISC_TIME_NEVER && next > now && !pt->wake_pending) {
			pt->wake_pending = 1;
			engine_schedule(sr->eng, next, port_wake, ENGINE_PTR(pt), ENGINE_NOARG);
		}
		return;
	}
	pt->tx_busy = 1;
	pt->on_wire = p;
	pt->on_wire_misdelivered = misdelivered;
	engine_schedule(sr->eng, now + wire_ns(pt, &p->hdr), tx_done, ENGINE_PTR(pt),
			ENGINE_NOARG);
}

static void egress_enqueue(struct sim_router *sr, struct sr_port *pt, struct sim_pkt *p,
			   u64 now)
{
	sr_qdisc_pkt_fill(p, frame_len(&p->hdr));
	/* the qdisc's drop callback returns dropped packets to us */
	qdisc_enqueue(pt->q, &p->q, now);
	sr_port_kick(pt, now);
}

/* A processed packet reaches its transmit device when its core has finished it. */
void sr_egress_event(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sim_pkt *p = a.p;
	struct sr_port *pt = b.p;
	struct sim_router *sr = pt->sr;
	u64 now = engine_now(eng);

	/* a GSO aggregate leaves as its segments, each with the rewritten headers */
	while (p) {
		struct sim_pkt *next = p->next;

		p->next = NULL;
		egress_enqueue(sr, pt, p, now);
		p = next;
	}
}

/*
 * Whether q queues the segments of an skb of segs segments apart: a shaping cake at or
 * below 1 Gbit/s splits GSO skbs (sch_cake.c cake_enqueue, CAKE_FLAG_SPLIT_GSO below
 * CAKE_SPLIT_GSO_THRESHOLD); every other kind keeps the skb whole.
 */
bool sr_qdisc_splits(const struct qdisc *q, u32 segs)
{
	return segs > 1 && q->ops == &qdisc_cake_ops && q->params.rate_bps &&
	       q->params.rate_bps <= 1000000000ULL;
}

/*
 * What a qdisc costs the host per skb of segs segments (the profile's host.qdisc figures):
 * fq_codel once per skb (sch_fq_codel.c keeps a GSO skb whole); htb with its fq_codel leaf
 * once per skb (sch_htb.c charges a GSO skb's qdisc_pkt_len whole); cake once per skb, or
 * per segment with the segmentation where it splits (sr_qdisc_splits); pfifo costs nothing
 * the driver's transmit does not.
 */
u64 sr_qdisc_cycles(const struct sim_router *sr, const struct qdisc *q, u32 segs)
{
	const struct soc_host *h = &sr->host;

	/* per packet: the kind by its ops table, not by name */
	if (q->ops == &qdisc_fq_codel_ops)
		return h->qdisc_fq_codel;
	if (q->ops == &qdisc_htb_ops)
		return h->qdisc_htb_fq_codel;
	if (q->ops != &qdisc_cake_ops)
		return 0;
	if (sr_qdisc_splits(q, segs))
		return (u64)segs * (h->qdisc_cake + h->gso_segment_cycles);
	return h->qdisc_cake;
}

void sr_qdisc_dropped(void *ctx, struct qdisc_pkt *qp, enum qdisc_drop_reason why, u64 now)
{
	struct sim_router *sr = ctx;

	sr->st.qdisc_drops++;
	sr_drop(sr, qp->data, SIM_DROP_QDISC, now);
}
