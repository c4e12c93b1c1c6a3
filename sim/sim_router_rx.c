/* SPDX-License-Identifier: MIT */
/*
 * sim_router_rx.c - the router machine's way in: a received frame meets the hardware
 * engine (PPE/WED: straight to a port's hardware FIFO), else its port's RX ring and an
 * interrupt; the NAPI poll on the port's IRQ core takes up to a budget of frames, merges
 * TCP segments (GRO) and hands each skb on (sim_router_cpu.c: RPS); a core then runs the
 * skb through the flow-offload core and pays its cycles plus the host's transmit share
 * before the packet goes to its egress port (sim_router_tx.c).
 *
 * The interrupt may be moderated (mtk_eth_soc's delay interrupt, its delay moved by a copy
 * of lib/dim/net_dim.c's hill climb), and a NAPI that did work completes only when its
 * core has finished that work, taking what arrived meanwhile without an interrupt.
 *
 * Invariants:
 *  - a port is scheduled on at most one pending poll of its IRQ core (napi_scheduled), and
 *    stays scheduled while its ring has frames left after a poll (budget exhausted) or
 *    the core is still busy with the poll's work; its ring is empty whenever it is not
 *    scheduled, so the frames a moderation timer waits for are the ring's;
 *  - GRO keeps a flow's order: a segment that cannot join its flow's aggregate flushes the
 *    aggregate first, and at most SR_GRO_MAX_HELD aggregates are open within one poll;
 *  - a packet counts on its path (path_packets, flow_path) once per segment, when the core
 *    or the hardware forwards it, never again on the way out.
 */
#include <glib.h>
#include <string.h>

#include "sim_router_internal.h"

/* Count n forwarded packets of p's traffic flow on path (grows the table, never per packet
 * once every flow has been seen). */
static void flow_path_count(struct sim_router *sr, const struct sim_pkt *p, u32 path, u32 n)
{
	if (p->flow >= SIM_ROUTER_MAX_FLOWS || path >= ROUTER_PATH__COUNT)
		return;
	if (p->flow >= sr->n_flow_path) {
		u32 old = sr->n_flow_path, want = FS_MAX(p->flow + 1, old ? old * 2 : 64u);

		want = FS_MIN(want, (u32)SIM_ROUTER_MAX_FLOWS);
		sr->flow_path = g_realloc(sr->flow_path, (size_t)want * sizeof(*sr->flow_path));
		memset(sr->flow_path + old, 0, (size_t)(want - old) * sizeof(*sr->flow_path));
		sr->n_flow_path = want;
	}
	sr->flow_path[p->flow][path] += n;
}

/* Copy what the router rewrote on the aggregate's head to every merged segment. */
static void gso_fixup(struct sim_pkt *head, u32 seg_len[], u16 head_payload, u32 n)
{
	struct sim_pkt *s;
	u32 i = 0;

	head->hdr.flags &= (u8)~FS_PKT_GSO;
	head->hdr.gso_segs = 0;
	head->hdr.payload = head_payload;
	head->hdr.len = (u16)seg_len[i++];
	for (s = head->next; s; s = s->next) {
		struct fs_packet h = head->hdr;

		h.seq = s->hdr.seq;
		h.payload = s->hdr.payload;
		h.len = (u16)seg_len[i < n ? i : n - 1];
		h.tcp_flags = s->hdr.tcp_flags;
		i++;
		s->hdr = h;
	}
}

/*
 * What the transmit side costs the host beyond the core's cost table, for an skb of n
 * segments leaving port `out` (the cost table charges one driver transmit per skb):
 *
 *  - the egress qdisc runs in the transmitting context (net/core/dev.c __dev_xmit_skb,
 *    qdisc_run), on the same CPU: fq_codel once per skb (sch_fq_codel.c keeps a GSO skb
 *    whole); a shaping cake at or below 1 Gbit/s splits GSO skbs and queues every
 *    segment (sch_cake.c cake_enqueue, CAKE_FLAG_SPLIT_GSO below
 *    CAKE_SPLIT_GSO_THRESHOLD), so it pays segmentation and its cost per segment;
 *  - a device that cannot segment gets the segments from software GSO (net/core/dev.c
 *    validate_xmit_skb -> skb_gso_segment): Ethernet MACs without TSO, and every Wi-Fi
 *    interface, which mac80211 segments itself (net/mac80211/tx.c
 *    __ieee80211_subif_start_xmit), and PPPoE-encapsulated skbs; each extra segment pays
 *    the driver transmit again.
 *
 * It is charged here, with the core's run of the skb, because the transmit happens in the
 * same softirq on the same CPU (dev_queue_xmit from the forward path).
 */
static u64 host_tx_cycles(const struct sim_router *sr, const struct sr_port *out,
			  const struct fs_packet *h0, u32 n, u32 *frames)
{
	const struct soc_host *h = &sr->host;
	const struct fs_cost_table *cost = &router_get_config(sr->core)->cost;
	u32 tx = out->wlan ? cost->tx_wifi : cost->tx_eth, i;
	bool segmented = false, pppoe = false;
	u64 c = 0;

	/* a MAC's TSO parses IP/TCP behind an Ethernet (+VLAN) header: a PPPoE session
	 * header in between leaves the segmentation to software */
	for (i = 0; i < h0->num_encap; i++)
		pppoe |= h0->encap[i].proto == FS_ETH_P_PPP_SES;

	if (out->q) {
		c += sr_qdisc_cycles(sr, out->q, n);
		segmented = sr_qdisc_splits(out->q, n);
	}
	if (n > 1 && !segmented && (out->wlan || !h->tso || pppoe)) {
		c += (u64)n * h->gso_segment_cycles;
		segmented = true;
	}
	if (segmented)
		c += (u64)(n - 1) * tx;
	*frames = segmented ? n : 1;
	return c;
}

/*
 * The Ethernet TX completion (DMA unmap, skb free, BQL completion) of `frames` driver
 * transmits.  mtk_eth_soc runs it in its TX NAPI (mtk_handle_irq_tx -> mtk_napi_tx ->
 * mtk_poll_tx), woken by the TX-done interrupt: on the interrupt's CPU, or with packet
 * steering on the CPU packet-steering.uc pins the device's "napi/mtk_eth-*" threads to
 * (task_device_match), which is the RX NAPI's.  So with RPS it is not paid by the CPU
 * that transmitted.  Which share of `tx_eth` it is no row measures: half is assumed
 * (docs/soc-profiles.md A15).  Wi-Fi completions are left with `tx_wifi`.
 */
#define SR_TX_COMPLETION_PCT 50

static u64 tx_completion_cycles(const struct sim_router *sr, const struct sr_port *out,
				u32 frames)
{
	const struct fs_cost_table *cost = &router_get_config(sr->core)->cost;

	if (out->wlan)
		return 0;
	return (u64)frames * cost->tx_eth * SR_TX_COMPLETION_PCT / 100;
}

/* Run one packet (or GRO aggregate) through the core on core c; steered: it came through
 * RPS from another CPU, which has paid its driver receive (sr_napi_share). */
void sr_process(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u64 now,
		bool steered)
{
	u64 cycles;
	struct router_result res;
	u32 seg_len[64], n = 0, total = 0, payload = 0;
	u16 head_payload = p->hdr.payload;
	struct sim_pkt *s;
	struct sr_port *out;

	for (s = p; s && n < 64; s = s->next) {
		seg_len[n++] = s->hdr.len;
		total += s->hdr.len;
		payload += s->hdr.payload;
	}
	/* sch_handle_ingress: a port with ingress shaping sends the skb round its ifb first;
	 * back from there it has paid its driver receive already */
	if (p->flags & SIM_PKT_IFB) {
		sr_ifb_returned(sr, p, now);
		steered = true;
	} else if (sr_ifb_redirect(sr, c, p, n, total, now, steered)) {
		return;
	}
	if (n > 1) {
		/* the aggregate is one big segment: conntrack's window tracking must see all
		 * of its payload, as it sees skb->len of a GRO skb */
		p->hdr.flags |= FS_PKT_GSO;
		p->hdr.gso_segs = (u16)n;
		p->hdr.len = (u16)FS_MIN(total, 65535u);
		p->hdr.payload = (u16)FS_MIN(payload, 65535u);
	}
	router_cpu_receive(sr->core, &p->hdr, FS_MAX(now, c->busy_until), &res);
	if (n > 1)
		gso_fixup(p, seg_len, head_payload, n);
	out = res.verdict == ROUTER_FORWARD && res.tx_dev < FS_NETDEV_MAX ?
	      sr->by_ifindex[res.tx_dev] : NULL;
	cycles = res.cycles;
	if (steered) {
		u64 napi = sr_napi_share(sr, n, FS_MIN(total, 65535u));

		cycles -= FS_MIN(cycles, napi);
	}
	if (out) {
		u32 frames = 1;

		cycles += host_tx_cycles(sr, out, &p->hdr, n, &frames);
		if (out->irq_core != c->index) {
			u64 done = FS_MIN(cycles, tx_completion_cycles(sr, out, frames));

			cycles -= done;
			sr_core_charge(sr, &sr->cores[out->irq_core], now, done);
		}
	}
	sr_core_charge(sr, c, now, cycles);
	if (res.verdict != ROUTER_FORWARD) {
		sr_drop(sr, p, res.verdict == ROUTER_DROP ? res.drop_reason : 0, c->busy_until);
		return;
	}
	sr->st.path_packets[res.path] += n;
	sr->st.path_bytes[res.path] += total;
	flow_path_count(sr, p, res.path, n);
	if (!out) {
		sr_drop(sr, p, ROUTER_DROP_NO_ROUTE, c->busy_until);
		return;
	}
	engine_schedule(sr->eng, c->busy_until, sr_egress_event, ENGINE_PTR(p), ENGINE_PTR(out));
}

/* ------------------------------------------------------------------ GRO ---- */

static bool gro_mergeable(const struct sim_pkt *head, const struct sim_pkt *p, u32 segs,
			  u32 max)
{
	const struct fs_packet *a = &head->hdr, *b = &p->hdr;

	return segs < max && a->t.proto == FS_IPPROTO_TCP && a->payload && b->payload &&
	       !((a->tcp_flags | b->tcp_flags) & (FS_TCP_SYN | FS_TCP_FIN | FS_TCP_RST)) &&
	       !((a->flags | b->flags) & (FS_PKT_FRAG | FS_PKT_IPOPT)) &&
	       a->iif == b->iif && a->num_encap == b->num_encap &&
	       fs_tuple_equal(&a->t, &b->t);
}

/*
 * Packets GRO could hold to merge later ones into: TCP data without SYN/FIN/RST, behind
 * Ethernet or 802.1Q (vlan_gro_receive).  A PPPoE session frame is not: no kernel up to
 * 6.12 registers GRO for ETH_P_PPP_SES (Felix Fietkau's "pppoe: implement GRO support" is
 * still a netdev patch, calibration.md row 9), so dev_gro_receive passes it up alone.
 */
static bool gro_candidate(const struct sim_router *sr, const struct sr_port *pt,
			  const struct sim_pkt *p)
{
	const struct fs_packet *h = &p->hdr;
	u32 i;

	if (pt->no_gro)
		return false;
	for (i = 0; i < h->num_encap; i++)
		if (h->encap[i].proto == FS_ETH_P_PPP_SES)
			return false;
	return sr->cpu.gro_segs > 1 && h->t.proto == FS_IPPROTO_TCP && h->payload &&
	       !(h->tcp_flags & (FS_TCP_SYN | FS_TCP_FIN | FS_TCP_RST)) &&
	       !(h->flags & (FS_PKT_FRAG | FS_PKT_IPOPT));
}

static bool gro_same_flow(const struct sim_pkt *a, const struct sim_pkt *b)
{
	return a->hdr.iif == b->hdr.iif && a->hdr.num_encap == b->hdr.num_encap &&
	       fs_tuple_equal(&a->hdr.t, &b->hdr.t);
}

/*
 * Take up to budget frames from a port's ring, merging TCP segments (GRO) the way
 * net/core/gro.c does within a NAPI poll: dev_gro_receive keeps the aggregates of up to
 * MAX_GRO_SKBS (8) flows open at once (napi->gro_hash), so segments of several
 * interleaved TCP streams each join their own flow's aggregate; a packet of a flow that
 * cannot merge (pure ACK, FIN, aggregate full) flushes that flow's aggregate first, so a
 * flow's order is kept; a ninth flow flushes the oldest (gro_flush_oldest); the poll's
 * end flushes the rest (napi_complete_done / napi_gro_flush).
 */
#define SR_GRO_MAX_HELD 8

static u32 napi_port(struct sim_router *sr, struct sr_core *c, struct sr_port *pt, u32 budget,
		     u64 now)
{
	struct sim_pkt *held[SR_GRO_MAX_HELD], *tail[SR_GRO_MAX_HELD];
	u32 segs[SR_GRO_MAX_HELD];
	u32 done = 0, nh = 0, i;

	while (done < budget && pt->rx.len) {
		struct sim_pkt *p = sr_ring_pop(&pt->rx);
		bool merged = false;

		done++;
		pt->dim.pkts++;
		pt->dim.bytes += p->hdr.len;
		/*
		 * In the NAPI poll, before RPS: mac80211 handles every Wi-Fi frame (mt76
		 * mac80211.c mt76_rx_complete: ieee80211_rx_list per frame, then
		 * napi_gro_receive), and GRO pays per merged segment (net/core/gro.c
		 * dev_gro_receive -> tcp_gro_receive -> skb_gro_receive).
		 */
		if (pt->wlan)
			sr_core_charge(sr, c, now, sr->host.wifi_rx_extra);
		for (i = 0; i < nh && !merged; i++) {
			if (!gro_same_flow(held[i], p))
				continue;
			/* tcp_gro_receive flushes unless the segment continues the aggregate */
			if (gro_candidate(sr, pt, p) &&
			    gro_mergeable(held[i], p, segs[i], sr->cpu.gro_segs) &&
			    p->hdr.seq == tail[i]->hdr.seq + tail[i]->hdr.payload) {
				tail[i]->next = p;
				tail[i] = p;
				segs[i]++;
				sr->st.gro_merged++;
				sr_core_charge(sr, c, now, sr->host.gro_merge_cycles);
				merged = true;
				break;
			}
			/* same flow, cannot merge: the held aggregate goes up first */
			sr_gro_deliver(sr, c, pt, held[i], segs[i], now);
			nh--;
			memmove(&held[i], &held[i + 1], (nh - i) * sizeof(held[0]));
			memmove(&tail[i], &tail[i + 1], (nh - i) * sizeof(tail[0]));
			memmove(&segs[i], &segs[i + 1], (nh - i) * sizeof(segs[0]));
			break;
		}
		if (merged)
			continue;
		if (!gro_candidate(sr, pt, p)) {
			sr_gro_deliver(sr, c, pt, p, 1, now);
			continue;
		}
		if (nh == SR_GRO_MAX_HELD) {
			sr_gro_deliver(sr, c, pt, held[0], segs[0], now);
			nh--;
			memmove(&held[0], &held[1], nh * sizeof(held[0]));
			memmove(&tail[0], &tail[1], nh * sizeof(tail[0]));
			memmove(&segs[0], &segs[1], nh * sizeof(segs[0]));
		}
		held[nh] = tail[nh] = p;
		segs[nh++] = 1;
	}
	for (i = 0; i < nh; i++)
		sr_gro_deliver(sr, c, pt, held[i], segs[i], now);
	return done;
}

/* ------------------------------------------------------------- NAPI poll ---- */

static void dim_poll_done(struct sr_port *pt, u64 now);

/* NET_RX softirq on core c: the NAPI of every port whose IRQ is here, then its backlog. */
void sr_core_poll(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_core *c = a.p;
	struct sim_router *sr = c->sr;
	u64 now = engine_now(eng);
	bool more = false;
	u32 i, n;

	c->poll_scheduled = 0;
	sr->st.polls++;
	for (i = 0; i < SIM_ROUTER_MAX_PORTS; i++) {
		struct sr_port *pt = &sr->port[i];

		if (!pt->used || pt->irq_core != c->index || !pt->napi_scheduled)
			continue;
		n = napi_port(sr, c, pt, sr->cpu.napi_budget, now);
		if (pt->dim_on)
			dim_poll_done(pt, now);
		if (pt->rx.len) {
			more = true;            /* budget exhausted: poll again */
		} else if (n && c->busy_until > now) {
			/*
			 * The poll's work ends at busy_until, and only then does the driver
			 * complete: mtk_napi_rx re-reads the RX status and polls again
			 * while frames came in (do ... while irq_status & rx_irq_done_mask),
			 * as ag71xx_poll does (RX_STATUS_PR -> more), before
			 * napi_complete_done re-enables the interrupt.  Frames that arrived
			 * meanwhile are taken by that poll, without an interrupt.
			 */
			more = true;
			sr->st.napi_repolls++;
		} else {
			pt->napi_scheduled = 0; /* napi_complete_done: interrupts back on */
		}
	}
	/*
	 * process_backlog: packets RPS steered to this core.  Reaching it costs this CPU a
	 * softirq run and a poll of its backlog NAPI (the IPI net_rps_send_ipi sent, then
	 * net_rx_action -> process_backlog): the profile's per-poll cost.
	 */
	if (c->backlog.len) {
		sr->st.backlog_polls++;
		sr_core_charge(sr, c, now, sr->cpu.irq_cycles);
	}
	for (n = 0; n < sr->cpu.napi_budget && c->backlog.len; n++)
		sr_process(sr, c, sr_ring_pop(&c->backlog), now, true);
	if (c->backlog.len)
		more = true;
	if (more)
		sr_core_schedule(c, c->busy_until);
}

/* ------------------------------------------------------------- interrupts ---- */

/* The RX interrupt: NET_RX softirq raised on the port's IRQ core; the driver masks its RX
 * interrupt (mtk_handle_irq_rx: mtk_rx_irq_disable, __napi_schedule) until
 * napi_complete_done. */
static void port_irq(struct sim_router *sr, struct sr_port *pt, u64 now)
{
	struct sr_core *c = &sr->cores[pt->irq_core];

	pt->mod_armed = 0;
	pt->napi_scheduled = 1;
	pt->dim.events++;
	sr->st.irqs++;
	sr_core_charge(sr, c, now, sr->cpu.irq_cycles);
	sr_core_schedule(c, now);
}

/* The delay-interrupt timer of a moderated port ran out (b: the deadline it was armed
 * for; an older timer whose frames already raised the interrupt is ignored). */
static void moderation_timer(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_port *pt = a.p;

	if (!pt->mod_armed || pt->napi_scheduled || pt->mod_deadline != b.u)
		return;
	port_irq(pt->sr, pt, engine_now(eng));
}

/*
 * A frame is in the ring and the port's interrupt is enabled.  Without moderation it
 * interrupts at once.  With it (mtk_eth_soc: MTK_PDMA_DELAY_INT / MTK_QDMA_DELAY_INT,
 * written by mtk_dim_rx with PTIME in 20 us units and PINT frames) the hardware raises
 * the interrupt when PINT frames are pending or PTIME after the first of them.  The ring
 * is empty whenever interrupts are enabled (napi_complete_done only after a poll found
 * it empty), so the frames pending are the ring's.
 */
static void port_rx_pending(struct sim_router *sr, struct sr_port *pt, u64 now)
{
	if (!pt->mod_delay_ns || pt->rx.len >= pt->mod_frames) {
		port_irq(sr, pt, now);
		return;
	}
	if (pt->mod_armed)
		return;
	pt->mod_armed = 1;
	pt->mod_deadline = now + pt->mod_delay_ns;
	engine_schedule(sr->eng, pt->mod_deadline, moderation_timer, ENGINE_PTR(pt),
			ENGINE_U64(pt->mod_deadline));
}

/* ------------------------------------------------------------ net_dim ---- */

/*
 * lib/dim/net_dim.c for the RX side of mtk_eth_soc (rx_dim.mode
 * DIM_CQ_PERIOD_MODE_START_FROM_EQE, state zeroed at probe: profile 0, parked on top).
 * mtk_dim_rx turns a profile into the delay register: PTIME = DIV_ROUND_UP(usec, 20)
 * units of 20 us (at most MTK_PDMA_DELAY_PTIME_MASK 0xff), PINT = min(pkts,
 * MTK_PDMA_DELAY_PINT_MASK 0x7f).  Profiles 0 and 1 (1 and 8 us) give the same 20 us.
 */
enum { DIM_START_MEASURE, DIM_MEASURE_IN_PROGRESS };
enum { DIM_PARKING_ON_TOP, DIM_PARKING_TIRED, DIM_GOING_RIGHT, DIM_GOING_LEFT };
enum { DIM_STATS_WORSE, DIM_STATS_SAME, DIM_STATS_BETTER };
enum { DIM_STEPPED, DIM_TOO_TIRED, DIM_ON_EDGE };

#define SR_DIM_PROFILES 5
#define SR_DIM_NEVENTS 64
static const u32 sr_dim_rx_eqe_usec[SR_DIM_PROFILES] = { 1, 8, 64, 128, 256 };
#define SR_DIM_RX_EQE_PKTS 256

static void dim_apply(struct sr_port *pt)
{
	u32 ptime = FS_MIN((sr_dim_rx_eqe_usec[pt->dim.ix] + 19) / 20, 0xffu);

	pt->mod_delay_ns = (u64)ptime * 20000;
	pt->mod_frames = FS_MIN((u32)SR_DIM_RX_EQE_PKTS, 0x7fu);
}

/* IS_SIGNIFICANT_DIFF: more than 10% off a non-zero reference */
static bool dim_significant(s64 val, s64 ref)
{
	s64 d = val > ref ? val - ref : ref - val;

	return ref && 100 * d / ref > 10;
}

/* net_dim_stats_compare: throughput first, then packet rate, then fewer interrupts */
static int dim_compare(const struct sr_dim *d, s64 ppms, s64 bpms, s64 epms)
{
	if (!d->prev_bpms)
		return bpms ? DIM_STATS_BETTER : DIM_STATS_SAME;
	if (dim_significant(bpms, d->prev_bpms))
		return bpms > d->prev_bpms ? DIM_STATS_BETTER : DIM_STATS_WORSE;
	if (!d->prev_ppms)
		return ppms ? DIM_STATS_BETTER : DIM_STATS_SAME;
	if (dim_significant(ppms, d->prev_ppms))
		return ppms > d->prev_ppms ? DIM_STATS_BETTER : DIM_STATS_WORSE;
	if (!d->prev_epms)
		return DIM_STATS_SAME;
	if (dim_significant(epms, d->prev_epms))
		return epms < d->prev_epms ? DIM_STATS_BETTER : DIM_STATS_WORSE;
	return DIM_STATS_SAME;
}

static int dim_step(struct sr_dim *d)
{
	if (d->tired == SR_DIM_PROFILES * 2)
		return DIM_TOO_TIRED;
	switch (d->tune) {
	case DIM_GOING_RIGHT:
		if (d->ix == SR_DIM_PROFILES - 1)
			return DIM_ON_EDGE;
		d->ix++;
		d->steps_right++;
		break;
	case DIM_GOING_LEFT:
		if (d->ix == 0)
			return DIM_ON_EDGE;
		d->ix--;
		d->steps_left++;
		break;
	default:
		break;
	}
	d->tired++;
	return DIM_STEPPED;
}

static void dim_exit_parking(struct sr_dim *d)
{
	d->tune = d->ix ? DIM_GOING_LEFT : DIM_GOING_RIGHT;
	dim_step(d);
}

static void dim_park(struct sr_dim *d, u8 how)
{
	d->steps_right = 0;
	d->steps_left = 0;
	if (how == DIM_PARKING_ON_TOP)
		d->tired = 0;
	d->tune = how;
}

static bool dim_on_top(const struct sr_dim *d)
{
	switch (d->tune) {
	case DIM_GOING_RIGHT:
		return d->steps_left > 1 && d->steps_right == 1;
	case DIM_GOING_LEFT:
		return d->steps_right > 1 && d->steps_left == 1;
	default:
		return true;
	}
}

/* net_dim_decision: true if the profile changed */
static bool dim_decide(struct sr_dim *d, s64 ppms, s64 bpms, s64 epms)
{
	u8 prev_tune = d->tune, prev_ix = d->ix;
	int res;

	switch (d->tune) {
	case DIM_PARKING_ON_TOP:
		if (dim_compare(d, ppms, bpms, epms) != DIM_STATS_SAME)
			dim_exit_parking(d);
		break;
	case DIM_PARKING_TIRED:
		if (!--d->tired)
			dim_exit_parking(d);
		break;
	default:
		if (dim_compare(d, ppms, bpms, epms) != DIM_STATS_BETTER) {
			/* dim_turn */
			if (d->tune == DIM_GOING_RIGHT) {
				d->tune = DIM_GOING_LEFT;
				d->steps_left = 0;
			} else {
				d->tune = DIM_GOING_RIGHT;
				d->steps_right = 0;
			}
		}
		if (dim_on_top(d)) {
			dim_park(d, DIM_PARKING_ON_TOP);
			break;
		}
		res = dim_step(d);
		if (res == DIM_ON_EDGE)
			dim_park(d, DIM_PARKING_ON_TOP);
		else if (res == DIM_TOO_TIRED)
			dim_park(d, DIM_PARKING_TIRED);
		break;
	}
	if (prev_tune != DIM_PARKING_ON_TOP || d->tune != DIM_PARKING_ON_TOP) {
		d->prev_ppms = ppms;
		d->prev_bpms = bpms;
		d->prev_epms = epms;
	}
	return d->ix != prev_ix;
}

/*
 * net_dim at the end of a poll of the port (mtk_poll_rx: dim_update_sample with the
 * driver's event, packet and byte counters, then net_dim).  A new profile is applied at
 * once (the kernel's mtk_dim_rx work item runs a moment later), and measuring restarts
 * with the next poll.
 */
static void dim_poll_done(struct sr_port *pt, u64 now)
{
	struct sr_dim *d = &pt->dim;
	u64 dt_us;
	s64 ppms, bpms, epms;

	if (d->state == DIM_MEASURE_IN_PROGRESS) {
		if ((u16)(d->events - d->start.events) < SR_DIM_NEVENTS)
			return;
		/* dim_calc_stats: per-millisecond rates over the sample */
		dt_us = (now - d->start.t) / 1000;
		if (dt_us) {
			ppms = (s64)(((u64)(u32)(d->pkts - d->start.pkts) * 1000 + dt_us - 1) / dt_us);
			bpms = (s64)(((u64)(u32)(d->bytes - d->start.bytes) * 1000 + dt_us - 1) /
				     dt_us);
			epms = (s64)(((u64)SR_DIM_NEVENTS * 1000 + dt_us - 1) / dt_us);
			if (dim_decide(d, ppms, bpms, epms)) {
				dim_apply(pt);
				d->state = DIM_START_MEASURE;
				return;
			}
		}
	}
	d->start.t = now;
	d->start.pkts = d->pkts;
	d->start.bytes = d->bytes;
	d->start.events = d->events;
	d->state = DIM_MEASURE_IN_PROGRESS;
}

int sim_router_set_port_irq_moderation(struct sim_router *sr, u16 ifindex, u64 delay_ns,
				       u32 frames, bool dim)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	if (!pt)
		return -1;
	pt->mod_delay_ns = delay_ns;
	pt->mod_frames = FS_MAX(frames, 1u);
	pt->dim_on = dim;
	memset(&pt->dim, 0, sizeof(pt->dim));
	if (dim)
		dim_apply(pt);  /* mtk_hw_init -> mtk_dim_rx with the zeroed state */
	return 0;
}

int sim_router_set_port_gro(struct sim_router *sr, u16 ifindex, bool gro)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	if (!pt)
		return -1;
	pt->no_gro = !gro;
	return 0;
}

u64 sim_router_port_irq_delay(const struct sim_router *sr, u16 ifindex)
{
	const struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	return pt ? pt->mod_delay_ns : 0;
}

void sim_router_rx(struct sim_router *sr, u16 ifindex, struct sim_pkt *p)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;
	u64 now = engine_now(sr->eng);
	struct router_result res;

	p->next = NULL;
	if (!pt) {
		sr_drop(sr, p, ROUTER_DROP_DEV_DOWN, now);
		return;
	}
	sr->st.rx_frames++;
	p->hdr.iif = ifindex;
	/* the hardware engine sees every frame first, at line rate, without the CPU */
	if (router_hw_receive(sr->core, &p->hdr, now, &res)) {
		struct sr_port *out = res.tx_dev < FS_NETDEV_MAX ? sr->by_ifindex[res.tx_dev] : NULL;
		bool stale = res.verdict == ROUTER_DROP && res.drop_reason == ROUTER_DROP_STALE_HW;

		if ((res.verdict != ROUTER_FORWARD && !stale) || !out) {
			sr_drop(sr, p, res.drop_reason, now);
			return;
		}
		sr->st.path_packets[res.path]++;
		sr->st.path_bytes[res.path] += p->hdr.len;
		flow_path_count(sr, p, res.path, 1);
		if (stale)
			p->flags |= SIM_PKT_MISDELIVERED;   /* leaves on the wire, arrives nowhere */
		if (!sr_ring_push(&out->hw, p)) {
			sr->st.hw_fifo_drops++;
			sr_drop(sr, p, SIM_DROP_HW_FIFO, now);
			return;
		}
		sr_port_kick(out, now);
		return;
	}
	if (!sr_ring_push(&pt->rx, p)) {
		sr->st.rx_ring_drops++;
		sr_drop(sr, p, SIM_DROP_RX_RING, now);
		return;
	}
	if (!pt->napi_scheduled)
		port_rx_pending(sr, pt, now);
}
