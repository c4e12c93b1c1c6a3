/* SPDX-License-Identifier: MIT */
/*
 * sim_router_ifb.c - ingress shaping: the detour a port's received skbs take through an
 * ifb device when the port shapes what it receives (sqm-scripts' ingress side).
 *
 * What the kernel does (net/core/dev.c __netif_receive_skb_core, net/sched/act_mirred.c,
 * drivers/net/ifb.c), and where each step is paid here:
 *
 *   GRO, RPS -> sch_handle_ingress: the port's ingress filter, act_mirred "egress
 *   redirect" -> dev_queue_xmit(ifb) -> the ifb's qdisc (enqueue, and dequeue when the
 *   shaper allows) -> ifb_xmit queues the skb for the ifb's tasklet -> ifb_ri_tasklet
 *   sets skb->dev back to the port and calls netif_receive_skb -> RPS again (same map,
 *   same hash: the same CPU) -> the rest of the receive path, tc ingress skipped
 *   (tc_skip_classify), then the netfilter ingress hook (the flowtable) and forwarding.
 *
 *  - the redirect and the enqueue run on the CPU that processes the skb, before any of
 *    the forward path: it pays `ifb_redirect` and the qdisc's own cycles per skb, or per
 *    segment where cake splits a GRO aggregate (sr_qdisc_cycles; the ifb's transmit and
 *    tasklet then run once per segment, which `ifb_redirect` stands for too);
 *  - the skb leaves the qdisc at the shaper's pace for the CPU that runs the rest of its
 *    path: the one RPS picks (process_backlog), or without RPS the NAPI's CPU, where the
 *    ifb's tasklet runs it in the softirq passes it shares with the NAPI polls; both
 *    are the core's backlog here, and each pass over it costs a poll (irq_cycles);
 *  - the ifb stops taking skbs from its qdisc while TX_Q_LIMIT (32, ifb.c, its
 *    tx_queue_len) of them wait for a CPU (netif_tx_stop_queue in ifb_xmit, woken by the
 *    tasklet): when the CPU cannot keep up, the queue builds in the qdisc, where the AQM
 *    sees it.  Simplification: with RPS the real tasklet empties its queue into the
 *    target's backlog at once, so there the queue could build in the backlog instead;
 *    here it is held to 32 either way.
 *
 * Invariants:
 *  - an skb goes round the ifb at most once (SIM_PKT_IFB marks its return);
 *  - ifb_inflight counts exactly the skbs handed to a backlog and not yet run by a core,
 *    and never exceeds SR_IFB_TXQ;
 *  - a port has at most one pending shaper wake-up (ifb_wake_pending).
 */
#include "sim_router_internal.h"

#define SR_IFB_TXQ 32   /* drivers/net/ifb.c TX_Q_LIMIT: the ifb's tx_queue_len */

static void ifb_kick(struct sr_port *pt, u64 now);

static void ifb_wake(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_port *pt = a.p;

	pt->ifb_wake_pending = 0;
	ifb_kick(pt, engine_now(eng));
}

/*
 * The ifb's transmit: skbs out of the qdisc and back to the stack while the ifb's queue has
 * room.  Each goes to the backlog of the CPU that runs it: with RPS, netif_receive_skb
 * steers it (enqueue_to_backlog, that CPU's process_backlog); without, the ifb's tasklet
 * runs it on the NAPI's CPU, in the same softirq passes as the NAPI polls, which the
 * core's backlog stands for (sr_core_poll runs it after the ports' polls and charges a
 * pass per batch, as process_backlog or one tasklet run would cost).
 */
static void ifb_kick(struct sr_port *pt, u64 now)
{
	struct sim_router *sr = pt->sr;
	u32 guard;

	for (guard = 0; guard < 1u << 20 && pt->ifb_inflight < SR_IFB_TXQ; guard++) {
		u64 next = qdisc_next_time(pt->ifb_q, now);
		struct qdisc_pkt *qp;
		struct sim_pkt *p;
		struct sr_core *c;

		if (next == QDISC_TIME_NEVER)
			return;
		if (next > now) {
			if (!pt->ifb_wake_pending) {
				pt->ifb_wake_pending = 1;
				engine_schedule(sr->eng, next, ifb_wake, ENGINE_PTR(pt),
						ENGINE_NOARG);
			}
			return;
		}
		qp = qdisc_dequeue(pt->ifb_q, now);
		if (!qp)
			continue;           /* the AQM dropped what was due; ask again */
		p = qp->data;
		c = sr_rx_core(sr, pt, &p->hdr.t);
		if (!sr_ring_push(&c->backlog, p)) {
			struct sim_pkt *s;

			for (s = p; s; s = s->next)
				sr->st.backlog_drops++;     /* per segment, as RPS counts */
			sr_drop(sr, p, SIM_DROP_BACKLOG, now);
			continue;
		}
		pt->ifb_inflight++;
		sr_core_schedule(c, now);
	}
}

/* Into the ifb's qdisc, when the redirecting core has done the redirect (b: the port):
 * one skb (a GSO aggregate's qdisc_pkt_len counts every segment's headers), or each
 * segment on its own where the qdisc splits it. */
static void ifb_enqueue_event(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sim_pkt *p = a.p, *s;
	struct sr_port *pt = b.p;
	u64 now = engine_now(eng);
	u32 segs = 0, len = 0;

	for (s = p; s; s = s->next) {
		s->flags |= SIM_PKT_IFB;
		segs++;
		len += sim_pkt_l2_len(&s->hdr) + s->hdr.len;
	}
	if (!sr_qdisc_splits(pt->ifb_q, segs)) {
		sr_qdisc_pkt_fill(p, len);
		qdisc_enqueue(pt->ifb_q, &p->q, now);
	} else {
		while (p) {
			struct sim_pkt *next = p->next;

			p->next = NULL;
			sr_qdisc_pkt_fill(p, sim_pkt_l2_len(&p->hdr) + p->hdr.len);
			qdisc_enqueue(pt->ifb_q, &p->q, now);
			p = next;
		}
	}
	ifb_kick(pt, now);
}

/*
 * sch_handle_ingress on core c for an skb (segs segments, len bytes of L3) received on its
 * port: if the port shapes its ingress, pay the redirect and the qdisc, queue the skb for
 * the ifb when the core is done, and return true (the skb is the ifb's now).  steered: the
 * skb came through RPS, whose sender paid the driver receive; else c pays it here, where
 * the core's own charge for it would have come with the forward path.
 */
bool sr_ifb_redirect(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u32 segs,
		     u32 len, u64 now, bool steered)
{
	struct sr_port *pt = p->hdr.iif < FS_NETDEV_MAX ? sr->by_ifindex[p->hdr.iif] : NULL;
	u32 skbs;
	u64 cycles;

	if (!pt || !pt->ifb_q)
		return false;
	skbs = sr_qdisc_splits(pt->ifb_q, segs) ? segs : 1;
	cycles = sr_qdisc_cycles(sr, pt->ifb_q, segs) + (u64)skbs * sr->host.ifb_redirect;
	if (!steered)
		cycles += sr_napi_share(sr, segs, FS_MIN(len, 65535u));
	sr_core_charge(sr, c, now, cycles);
	sr->st.ifb_redirects += skbs;
	engine_schedule(sr->eng, c->busy_until, ifb_enqueue_event, ENGINE_PTR(p),
			ENGINE_PTR(pt));
	return true;
}

/* A core takes an skb the ifb handed back: room in the ifb's queue again. */
void sr_ifb_returned(struct sim_router *sr, struct sim_pkt *p, u64 now)
{
	struct sr_port *pt = p->hdr.iif < FS_NETDEV_MAX ? sr->by_ifindex[p->hdr.iif] : NULL;
	struct sim_pkt *s;

	for (s = p; s; s = s->next)
		s->flags &= (u8)~SIM_PKT_IFB;
	if (!pt || !pt->ifb_q || !pt->ifb_inflight)
		return;
	pt->ifb_inflight--;
	/*
	 * netif_tx_wake_queue: the ifb may take from its qdisc again.  Not from here: this
	 * runs inside the core's poll, before the skb is charged, and what the ifb hands
	 * on goes to this very core, whose next poll must wait for that charge.  An event
	 * at `now` runs after the poll, when busy_until is final.
	 */
	if (pt->ifb_inflight == SR_IFB_TXQ - 1 && !pt->ifb_wake_pending) {
		pt->ifb_wake_pending = 1;
		engine_schedule(sr->eng, now, ifb_wake, ENGINE_PTR(pt), ENGINE_NOARG);
	}
}

static void ifb_dropped(void *ctx, struct qdisc_pkt *qp, enum qdisc_drop_reason why, u64 now)
{
	struct sim_router *sr = ctx;
	struct sim_pkt *s;

	for (s = qp->data; s; s = s->next)
		sr->st.ingress_qdisc_drops++;
	sr_drop(sr, qp->data, SIM_DROP_INGRESS_QDISC, now);
}

int sim_router_set_port_ingress(struct sim_router *sr, u16 ifindex, struct qdisc *q)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	if (!pt || pt->ifb_q || !q)
		return -1;
	q->drop = ifb_dropped;
	q->drop_ctx = sr;
	pt->ifb_q = q;
	return 0;
}

struct qdisc *sim_router_port_ingress_qdisc(struct sim_router *sr, u16 ifindex)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	return pt ? pt->ifb_q : NULL;
}
