/* SPDX-License-Identifier: MIT */
/*
 * sim_router.c - the router machine around the core: ports, RX rings, NAPI on cores, RPS,
 * GRO, CPU time, egress queues and links (see sim_router.h for the picture).
 *
 * Invariants:
 *  - a packet is in exactly one place: a ring, a backlog, a GRO chain, an egress event, a
 *    queue (qdisc or hardware FIFO), on the wire, or handed back through tx/drop callbacks;
 *  - a core processes packets one after another: busy_until only moves forward, and a
 *    packet's egress happens when the core finishes it;
 *  - a NAPI instance (port) is scheduled on at most one pending poll of its IRQ core.
 */
#include <glib.h>
#include <string.h>

#include "netdev.h"
#include "qdisc.h"
#include "sim_router.h"
#include "soc_profile.h"

struct sr_ring {
	struct sim_pkt **slot;
	u32 cap, head, len;
};

struct sim_router;

struct sr_port {
	struct sim_router *sr;
	u16 ifindex;
	u8 used;
	u8 napi_scheduled;          /* frames wait in rx for a poll of irq_core */
	u64 rate_bps;
	u32 overhead;               /* preamble + IFG bytes per frame (Ethernet: 20) */
	u32 irq_core;
	u8 wlan;                    /* a Wi-Fi interface: mac80211 RX and TX (GSO in software) */
	u8 rps_set;                 /* rps_mask was given (sim_router_set_port_steering) */
	u32 rps_mask;               /* CPUs RPS steers this port's skbs to (0: none) */
	struct qdisc *q;
	struct sr_ring rx;
	struct sr_ring hw;          /* hardware egress FIFO: PPE/WED frames, no qdisc */
	u8 tx_busy;
	u8 rr;                      /* round-robin between the FIFO and the qdisc */
	u8 wake_pending;            /* a shaper wake-up is scheduled */
	struct sim_pkt *on_wire;
	u8 on_wire_misdelivered;
};

struct sr_core {
	struct sim_router *sr;
	u32 index;
	u64 busy_until;
	u8 poll_scheduled;
	struct sr_ring backlog;     /* RPS: packets steered here from other cores */
	u64 win_start, win_busy;    /* SMT: busy time in the current window */
	u32 util_pct;               /* ... and the busy share of the last one */
};

struct sim_router {
	struct engine *eng;
	struct router *core;
	struct sim_cpu_params cpu;
	struct sim_pkt_pool *pool;
	sim_router_tx_fn tx;
	sim_router_drop_fn drop;
	void *ctx;
	struct sr_port port[SIM_ROUTER_MAX_PORTS];
	struct sr_port *by_ifindex[FS_NETDEV_MAX];
	struct sr_core cores[SIM_ROUTER_MAX_CORES];
	struct soc_host host;       /* host cycle figures (all zero without a profile) */
	struct sim_router_stats st;
	u64 (*flow_path)[ROUTER_PATH__COUNT];   /* packets per path, by sim_pkt.flow */
	u32 n_flow_path;
};

/* ------------------------------------------------------------------ rings ---- */

static void ring_init(struct sr_ring *r, u32 cap)
{
	r->slot = g_new0(struct sim_pkt *, cap ? cap : 1);
	r->cap = cap ? cap : 1;
	r->head = r->len = 0;
}

static bool ring_push(struct sr_ring *r, struct sim_pkt *p)
{
	if (r->len == r->cap)
		return false;
	r->slot[(r->head + r->len) % r->cap] = p;
	r->len++;
	return true;
}

static struct sim_pkt *ring_pop(struct sr_ring *r)
{
	struct sim_pkt *p;

	if (!r->len)
		return NULL;
	p = r->slot[r->head];
	r->head = (r->head + 1) % r->cap;
	r->len--;
	return p;
}

/* ------------------------------------------------------------------ helpers ---- */

static u32 l2_header(const struct fs_packet *h)
{
	u32 n = 14, i;

	for (i = 0; i < h->num_encap; i++)
		n += h->encap[i].proto == FS_ETH_P_PPP_SES ? 8 : 4;
	return n;
}

/* skb->len at the device: L2 header + L3 packet (no FCS) */
static u32 frame_len(const struct fs_packet *h)
{
	return l2_header(h) + h->len;
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

static u32 flow_hash(const struct fs_tuple *t)
{
	/* direction-independent, like skb_get_hash's symmetric flow dissector use in RPS */
	u32 a = t->src.ip6[0] ^ t->src.ip6[1] ^ t->src.ip6[2] ^ t->src.ip6[3];
	u32 b = t->dst.ip6[0] ^ t->dst.ip6[1] ^ t->dst.ip6[2] ^ t->dst.ip6[3];
	u32 x = (a ^ b) * 0x9e3779b1u ^ ((u32)(t->sport ^ t->dport) << 16 | t->proto);

	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x;
}

static u64 cycles_to_ns(const struct sim_router *sr, u64 cycles)
{
	return (cycles * 1000 + sr->cpu.mhz - 1) / sr->cpu.mhz;
}

static void sr_drop(struct sim_router *sr, struct sim_pkt *p, u8 reason, u64 now)
{
	while (p) {
		struct sim_pkt *next = p->next;

		p->next = NULL;
		if (sr->drop)
			sr->drop(sr->ctx, p, reason, now);
		sim_pkt_free(sr->pool, p);
		p = next;
	}
}

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

/* ------------------------------------------------------------------ transmit ---- */

static void port_kick(struct sr_port *pt, u64 now);

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
	port_kick(pt, now);
}

static void port_wake(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sr_port *pt = a.p;

	pt->wake_pending = 0;
	port_kick(pt, engine_now(eng));
}

/* Start the next transmission if the link is idle. */
static void port_kick(struct sr_port *pt, u64 now)
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
		p = ring_pop(&pt->hw);
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
	p->q.len = frame_len(&p->hdr);
	p->q.mac_len = (u16)l2_header(&p->hdr);
	p->q.hash = flow_hash(&p->hdr.t);
	p->q.ecn = 0;
	/* the qdisc's drop callback returns dropped packets to us */
	qdisc_enqueue(pt->q, &p->q, now);
	port_kick(pt, now);
}

/* A processed packet reaches its transmit device when its core has finished it. */
static void egress_event(struct engine *eng, engine_arg a, engine_arg b)
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

static void qdisc_dropped(void *ctx, struct qdisc_pkt *qp, enum qdisc_drop_reason why, u64 now)
{
	struct sim_router *sr = ctx;

	sr->st.qdisc_drops++;
	sr_drop(sr, qp->data, SIM_DROP_QDISC, now);
}

/* ------------------------------------------------------------------ receive ---- */

static void core_poll(struct engine *eng, engine_arg a, engine_arg b);

static void core_schedule(struct sr_core *c, u64 now)
{
	if (c->poll_scheduled)
		return;
	c->poll_scheduled = 1;
	engine_schedule(c->sr->eng, FS_MAX(now, c->busy_until), core_poll, ENGINE_PTR(c),
			ENGINE_NOARG);
}

/*
 * SMT (MIPS MT VPEs): threads of one core share its pipeline; with all threads busy the
 * core does smt_throughput times one thread's work (the profile's figure), so a thread
 * runs at smt_throughput / threads of its lone speed while its sibling is busy.  A core
 * here runs its packets ahead in event time, so whether the sibling is busy at the same
 * instant is not known; the sibling's busy share over the last millisecond stands for the
 * chance that it is, and the work is stretched by that share of the slowdown.
 */
#define SR_SMT_WINDOW_NS 1000000ULL

static void smt_account(struct sr_core *c, u64 at, u64 ns)
{
	if (at >= c->win_start + SR_SMT_WINDOW_NS) {
		u64 span = at - c->win_start;

		c->util_pct = (u32)FS_MIN(100ULL, c->win_busy * 100 / (span ? span : 1));
		c->win_start = at;
		c->win_busy = 0;
	}
	c->win_busy += ns;
}

static u64 smt_stretch(const struct sim_router *sr, const struct sr_core *c, u64 ns)
{
	u32 t = sr->cpu.threads_per_core, first, i, util = 0;
	u64 slow;

	if (t < 2 || !sr->cpu.smt_throughput_pct || !ns)
		return ns;
	first = c->index / t * t;
	for (i = first; i < first + t && i < sr->cpu.cores; i++)
		if (i != c->index)
			util = FS_MAX(util, sr->cores[i].util_pct);
	/* extra time per ns with the sibling always busy, in 1/10000 */
	slow = (u64)t * 1000000 / sr->cpu.smt_throughput_pct - 10000;
	return ns + (ns * slow * util + 999999) / 1000000;
}

static void core_charge(struct sim_router *sr, struct sr_core *c, u64 start, u64 cycles)
{
	u64 ns;

	if (c->busy_until < start)
		c->busy_until = start;
	ns = smt_stretch(sr, c, cycles_to_ns(sr, cycles));
	if (sr->cpu.threads_per_core > 1)
		smt_account(c, c->busy_until, ns);
	c->busy_until += ns;
	sr->st.busy_ns[c->index] += ns;
	sr->st.cycles[c->index] += cycles;
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
 */
static u64 host_tx_cycles(const struct sim_router *sr, const struct sr_port *out,
			  const struct fs_packet *h0, u32 n)
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

	if (out->q && !strcmp(out->q->ops->kind, "fq_codel")) {
		c += h->qdisc_fq_codel;
	} else if (out->q && !strcmp(out->q->ops->kind, "cake")) {
		u64 rate = out->q->params.rate_bps;

		if (n > 1 && rate && rate <= 1000000000ULL) {
			c += (u64)n * (h->qdisc_cake + h->gso_segment_cycles);
			segmented = true;
		} else {
			c += h->qdisc_cake;
		}
	}
	if (n > 1 && !segmented && (out->wlan || !h->tso || pppoe)) {
		c += (u64)n * h->gso_segment_cycles;
		segmented = true;
	}
	if (segmented)
		c += (u64)(n - 1) * tx;
	return c;
}

/*
 * The part of the core's receive charge that the NAPI poll pays before RPS hands the skb
 * on (router_input.c: rx_napi per segment + rx_per_byte64): the driver's receive, done
 * on the polling CPU (get_rps_cpu runs after GRO, in netif_receive_skb_list_internal).
 */
static u64 napi_share(const struct sim_router *sr, u32 segs, u32 len)
{
	const struct fs_cost_table *cost = &router_get_config(sr->core)->cost;

	return (u64)cost->rx_napi * segs + (u64)cost->rx_per_byte64 * ((len + 63) / 64);
}

/* Run one packet (or GRO aggregate) through the core on core c; steered: it came through
 * RPS from another CPU, which has paid its driver receive (napi_share). */
static void process(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u64 now,
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
		u64 napi = napi_share(sr, n, FS_MIN(total, 65535u));

		cycles -= FS_MIN(cycles, napi);
	}
	core_charge(sr, c, now, cycles + (out ? host_tx_cycles(sr, out, &p->hdr, n) : 0));
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
	engine_schedule(sr->eng, c->busy_until, egress_event, ENGINE_PTR(p), ENGINE_PTR(out));
}

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
 * skb_get_hash for RPS: the flow dissector's symmetric hash keyed with hashrnd, a random
 * key drawn once per boot (net/core/flow_dissector.c __flow_hash_from_keys,
 * net_get_random_once): here the run's seed stands for the boot.
 */
static u32 rps_hash(const struct sim_router *sr, const struct fs_tuple *t)
{
	u32 x = flow_hash(t) ^ sr->cpu.rps_seed;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/*
 * The CPU RPS picks for a flow hash from a mask (get_rps_cpu: the rps_map lists the
 * mask's CPUs in order and map->cpus[reciprocal_scale(hash, map->len)] is taken).
 */
static u32 rps_pick(u32 mask, u32 hash)
{
	u32 n = (u32)__builtin_popcount(mask), k, i;

	k = (u32)(((u64)hash * n) >> 32);
	for (i = 0; i < 32; i++)
		if (mask & (1u << i) && !k--)
			return i;
	return 0;
}

/* An skb leaving GRO: to the core RPS picks for its flow, or processed here. */
static void gro_deliver(struct sim_router *sr, struct sr_core *c, struct sr_port *pt,
			struct sim_pkt *head, u32 segs, u64 now)
{
	struct sr_core *target = c;
	u32 mask = pt->rps_set ? pt->rps_mask :
		   sr->cpu.rps ? (1u << sr->cpu.cores) - 1 : 0;

	mask &= (1u << sr->cpu.cores) - 1;
	if (mask)
		target = &sr->cores[rps_pick(mask, rps_hash(sr, &head->hdr.t))];
	if (target != c) {
		struct sim_pkt *s;
		u32 len = 0;

		for (s = head; s; s = s->next)
			len += s->hdr.len;
		/* the driver receive stays here; get_rps_cpu + enqueue_to_backlog */
		core_charge(sr, c, now, napi_share(sr, segs, FS_MIN(len, 65535u)) +
			    sr->cpu.rps_cycles);
		sr->st.rps_steered++;
		if (!ring_push(&target->backlog, head)) {
			sr->st.backlog_drops += segs;
			sr_drop(sr, head, SIM_DROP_BACKLOG, c->busy_until);
			return;
		}
		core_schedule(target, c->busy_until);
		return;
	}
	process(sr, c, head, now, false);
}

/*
 * Packets GRO could hold to merge later ones into: TCP data without SYN/FIN/RST, behind
 * Ethernet or 802.1Q (vlan_gro_receive).  A PPPoE session frame is not: no kernel up to
 * 6.12 registers GRO for ETH_P_PPP_SES (Felix Fietkau's "pppoe: implement GRO support" is
 * still a netdev patch, calibration.md row 9), so dev_gro_receive passes it up alone.
 */
static bool gro_candidate(const struct sim_router *sr, const struct sim_pkt *p)
{
	const struct fs_packet *h = &p->hdr;
	u32 i;

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
		struct sim_pkt *p = ring_pop(&pt->rx);
		bool merged = false;

		done++;
		/*
		 * In the NAPI poll, before RPS: mac80211 handles every Wi-Fi frame (mt76
		 * mac80211.c mt76_rx_complete: ieee80211_rx_list per frame, then
		 * napi_gro_receive), and GRO pays per merged segment (net/core/gro.c
		 * dev_gro_receive -> tcp_gro_receive -> skb_gro_receive).
		 */
		if (pt->wlan)
			core_charge(sr, c, now, sr->host.wifi_rx_extra);
		for (i = 0; i < nh && !merged; i++) {
			if (!gro_same_flow(held[i], p))
				continue;
			/* tcp_gro_receive flushes unless the segment continues the aggregate */
			if (gro_candidate(sr, p) &&
			    gro_mergeable(held[i], p, segs[i], sr->cpu.gro_segs) &&
			    p->hdr.seq == tail[i]->hdr.seq + tail[i]->hdr.payload) {
				tail[i]->next = p;
				tail[i] = p;
				segs[i]++;
				sr->st.gro_merged++;
				core_charge(sr, c, now, sr->host.gro_merge_cycles);
				merged = true;
				break;
			}
			/* same flow, cannot merge: the held aggregate goes up first */
			gro_deliver(sr, c, pt, held[i], segs[i], now);
			nh--;
			memmove(&held[i], &held[i + 1], (nh - i) * sizeof(held[0]));
			memmove(&tail[i], &tail[i + 1], (nh - i) * sizeof(tail[0]));
			memmove(&segs[i], &segs[i + 1], (nh - i) * sizeof(segs[0]));
			break;
		}
		if (merged)
			continue;
		if (!gro_candidate(sr, p)) {
			gro_deliver(sr, c, pt, p, 1, now);
			continue;
		}
		if (nh == SR_GRO_MAX_HELD) {
			gro_deliver(sr, c, pt, held[0], segs[0], now);
			nh--;
			memmove(&held[0], &held[1], nh * sizeof(held[0]));
			memmove(&tail[0], &tail[1], nh * sizeof(tail[0]));
			memmove(&segs[0], &segs[1], nh * sizeof(segs[0]));
		}
		held[nh] = tail[nh] = p;
		segs[nh++] = 1;
	}
	for (i = 0; i < nh; i++)
		gro_deliver(sr, c, pt, held[i], segs[i], now);
	return done;
}

static void core_poll(struct engine *eng, engine_arg a, engine_arg b)
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
		napi_port(sr, c, pt, sr->cpu.napi_budget, now);
		if (pt->rx.len)
			more = true;            /* budget exhausted: poll again */
		else
			pt->napi_scheduled = 0; /* napi_complete: interrupts back on */
	}
	/*
	 * process_backlog: packets RPS steered to this core.  Reaching it costs this CPU a
	 * softirq run and a poll of its backlog NAPI (the IPI net_rps_send_ipi sent, then
	 * net_rx_action -> process_backlog): the profile's per-poll cost.
	 */
	if (c->backlog.len) {
		sr->st.backlog_polls++;
		core_charge(sr, c, now, sr->cpu.irq_cycles);
	}
	for (n = 0; n < sr->cpu.napi_budget && c->backlog.len; n++)
		process(sr, c, ring_pop(&c->backlog), now, true);
	if (c->backlog.len)
		more = true;
	if (more)
		core_schedule(c, c->busy_until);
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
		if (!ring_push(&out->hw, p)) {
			sr->st.hw_fifo_drops++;
			sr_drop(sr, p, SIM_DROP_HW_FIFO, now);
			return;
		}
		port_kick(out, now);
		return;
	}
	if (!ring_push(&pt->rx, p)) {
		sr->st.rx_ring_drops++;
		sr_drop(sr, p, SIM_DROP_RX_RING, now);
		return;
	}
	if (!pt->napi_scheduled) {
		struct sr_core *c = &sr->cores[pt->irq_core];

		/* the interrupt: raise NET_RX softirq, interrupts off until napi_complete */
		pt->napi_scheduled = 1;
		sr->st.irqs++;
		core_charge(sr, c, now, sr->cpu.irq_cycles);
		core_schedule(c, now);
	}
}

/* ------------------------------------------------------------------ setup ---- */

struct sim_router *sim_router_create(struct engine *eng, struct router *core,
				     const struct sim_cpu_params *cpu, struct sim_pkt_pool *pool,
				     sim_router_tx_fn tx, sim_router_drop_fn drop, void *ctx)
{
	struct sim_router *sr = g_new0(struct sim_router, 1);
	u32 i;

	sr->eng = eng;
	sr->core = core;
	sr->cpu = *cpu;
	if (sr->cpu.cores < 1)
		sr->cpu.cores = 1;
	if (sr->cpu.cores > SIM_ROUTER_MAX_CORES)
		sr->cpu.cores = SIM_ROUTER_MAX_CORES;
	if (!sr->cpu.mhz)
		sr->cpu.mhz = 1000;
	if (!sr->cpu.napi_budget)
		sr->cpu.napi_budget = 64;
	if (!sr->cpu.rx_ring)
		sr->cpu.rx_ring = 256;
	if (!sr->cpu.backlog)
		sr->cpu.backlog = 1000;
	if (!sr->cpu.hw_fifo)
		sr->cpu.hw_fifo = 1024;
	if (sr->cpu.gro_segs > 64)
		sr->cpu.gro_segs = 64;
	if (cpu->host)
		sr->host = *cpu->host;
	sr->cpu.host = NULL;        /* the copy above is what is used */
	sr->pool = pool;
	sr->tx = tx;
	sr->drop = drop;
	sr->ctx = ctx;
	for (i = 0; i < sr->cpu.cores; i++) {
		sr->cores[i].sr = sr;
		sr->cores[i].index = i;
		ring_init(&sr->cores[i].backlog, sr->cpu.backlog);
	}
	return sr;
}

void sim_router_destroy(struct sim_router *sr)
{
	u32 i;

	if (!sr)
		return;
	for (i = 0; i < SIM_ROUTER_MAX_PORTS; i++) {
		struct sr_port *pt = &sr->port[i];

		if (!pt->used)
			continue;
		/* packets still in flight belong to the pool, which the owner releases */
		if (pt->q)
			qdisc_destroy(pt->q, engine_now(sr->eng));
		g_free(pt->rx.slot);
		g_free(pt->hw.slot);
	}
	for (i = 0; i < sr->cpu.cores; i++)
		g_free(sr->cores[i].backlog.slot);
	g_free(sr->flow_path);
	g_free(sr);
}

int sim_router_add_port(struct sim_router *sr, u16 ifindex, u64 rate_bps, u32 overhead,
			struct qdisc *q, u32 irq_core)
{
	struct sr_port *pt = NULL;
	struct fs_netdev *dev;
	char err[128];
	u32 i;

	if (!ifindex || ifindex >= FS_NETDEV_MAX || sr->by_ifindex[ifindex])
		return -1;
	for (i = 0; i < SIM_ROUTER_MAX_PORTS && !pt; i++)
		if (!sr->port[i].used)
			pt = &sr->port[i];
	if (!pt)
		return -1;
	if (!q) {
		q = qdisc_create("pfifo", NULL, qdisc_dropped, sr, err, sizeof(err));
		if (!q)
			return -1;
	} else {
		q->drop = qdisc_dropped;
		q->drop_ctx = sr;
	}
	pt->used = 1;
	pt->sr = sr;
	pt->ifindex = ifindex;
	pt->rate_bps = rate_bps;
	pt->overhead = overhead;
	pt->q = q;
	pt->irq_core = irq_core < sr->cpu.cores ? irq_core : 0;
	dev = fs_netdev_get(router_netconf(sr->core), ifindex);
	pt->wlan = dev && dev->kind == FS_NETDEV_WLAN;
	ring_init(&pt->rx, sr->cpu.rx_ring);
	ring_init(&pt->hw, sr->cpu.hw_fifo);
	sr->by_ifindex[ifindex] = pt;
	return 0;
}

int sim_router_set_port_steering(struct sim_router *sr, u16 ifindex, u32 napi_core,
				 u32 rps_mask)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	if (!pt)
		return -1;
	pt->irq_core = napi_core < sr->cpu.cores ? napi_core : 0;
	pt->rps_mask = rps_mask & ((1u << sr->cpu.cores) - 1);
	pt->rps_set = 1;
	return 0;
}

/* ------------------------------------------------------------ packet steering ---- */

/*
 * get_next_cpu of packet-steering.uc: the least loaded CPU (lowest number among equals),
 * skipping `prev` (-1: none) if it would be first; the CPU gets `weight` and each SMT
 * sibling (same core_id) 0.75 of it.  Loads in hundredths.
 */
static u32 steer_next_cpu(u32 *load, u32 cpus, u32 tpc, u32 weight, int prev)
{
	u32 best = 0, second = 0, i;
	bool have2 = false;

	for (i = 1; i < cpus; i++)
		if (load[i] < load[best])
			best = i;
	if ((int)best == prev && cpus > 1) {
		second = best == 0 ? 1 : 0;
		for (i = 0; i < cpus; i++)
			if (i != best && load[i] < load[second])
				second = i;
		have2 = true;
	}
	if (have2)
		best = second;
	load[best] += weight;
	if (tpc > 1)
		for (i = best / tpc * tpc; i < best / tpc * tpc + tpc && i < cpus; i++)
			if (i != best)
				load[i] += weight * 75 / 100;
	return best;
}

static void steer_place(struct sim_steer_dev *d, u32 mode, u32 *load, u32 cpus, u32 tpc)
{
	int napi = -1;

	d->napi_cpu = 0;
	if (d->threaded) {
		napi = (int)steer_next_cpu(load, cpus, tpc, 100, -1);
		d->napi_cpu = (u32)napi;
	}
	if (mode == 2)
		d->rps_mask = (1u << cpus) - 1;
	else
		d->rps_mask = 1u << steer_next_cpu(load, cpus, tpc, 75, napi);
}

void sim_router_steering_plan(u32 mode, u32 cpus, u32 threads_per_core,
			      struct sim_steer_dev *dev, u32 n)
{
	u32 load[SIM_ROUTER_MAX_CORES] = { 0 };
	u32 i, tpc = threads_per_core;

	if (cpus > SIM_ROUTER_MAX_CORES)
		cpus = SIM_ROUTER_MAX_CORES;
	for (i = 0; i < n; i++) {
		dev[i].napi_cpu = 0;
		dev[i].rps_mask = 0;
	}
	/* the script exits on one CPU; 0 leaves everything where the kernel put it */
	if (!mode || cpus < 2)
		return;
	for (i = 0; i < n; i++)
		if (!dev[i].wlan)
			steer_place(&dev[i], mode, load, cpus, tpc);
	/* eth_bias: keep other tasks off the CPUs with Ethernet NAPI */
	for (i = 0; i < n; i++)
		if (!dev[i].wlan && dev[i].threaded) {
			u32 c = dev[i].napi_cpu, j;

			load[c] += 200;
			if (tpc > 1)
				for (j = c / tpc * tpc; j < c / tpc * tpc + tpc && j < cpus; j++)
					if (j != c)
						load[j] += 150;
		}
	for (i = 0; i < n; i++)
		if (dev[i].wlan)
			steer_place(&dev[i], mode, load, cpus, tpc);
}

const struct sim_router_stats *sim_router_get_stats(const struct sim_router *sr)
{
	return &sr->st;
}

struct qdisc *sim_router_port_qdisc(struct sim_router *sr, u16 ifindex)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	return pt ? pt->q : NULL;
}

bool sim_router_flow_paths(const struct sim_router *sr, u32 flow, u64 out[ROUTER_PATH__COUNT])
{
	u32 i;
	bool any = false;

	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		out[i] = flow < sr->n_flow_path ? sr->flow_path[flow][i] : 0;
		any |= out[i] != 0;
	}
	return any;
}
