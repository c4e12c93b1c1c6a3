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

#include "qdisc.h"
#include "sim_router.h"

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
	struct sim_router_stats st;
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

static struct sim_pkt *ring_peek(struct sr_ring *r)
{
	return r->len ? r->slot[r->head] : NULL;
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

static void core_charge(struct sim_router *sr, struct sr_core *c, u64 start, u64 cycles)
{
	u64 ns = cycles_to_ns(sr, cycles);

	if (c->busy_until < start)
		c->busy_until = start;
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

/* Run one packet (or GRO aggregate) through the core on core c. */
static void process(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u64 now)
{
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
	core_charge(sr, c, now, res.cycles);
	if (n > 1)
		gso_fixup(p, seg_len, head_payload, n);
	if (res.verdict != ROUTER_FORWARD) {
		sr_drop(sr, p, res.verdict == ROUTER_DROP ? res.drop_reason : 0, c->busy_until);
		return;
	}
	sr->st.path_packets[res.path] += n;
	sr->st.path_bytes[res.path] += total;
	out = res.tx_dev < FS_NETDEV_MAX ? sr->by_ifindex[res.tx_dev] : NULL;
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

/* Take up to budget frames from a port's ring, merging TCP segments (GRO). */
static u32 napi_port(struct sim_router *sr, struct sr_core *c, struct sr_port *pt, u32 budget,
		     u64 now)
{
	u32 done = 0;

	while (done < budget && pt->rx.len) {
		struct sim_pkt *head = ring_pop(&pt->rx), *tail = head, *p;
		u32 segs = 1;
		struct sr_core *target = c;

		done++;
		/* napi_gro_receive: same flow, back to back in this poll */
		while (done < budget && (p = ring_peek(&pt->rx)) &&
		       gro_mergeable(head, p, segs, sr->cpu.gro_segs)) {
			ring_pop(&pt->rx);
			tail->next = p;
			tail = p;
			segs++;
			done++;
			sr->st.gro_merged++;
		}
		if (sr->cpu.rps && sr->cpu.cores > 1)
			target = &sr->cores[flow_hash(&head->hdr.t) % sr->cpu.cores];
		if (target != c) {
			core_charge(sr, c, now, sr->cpu.rps_cycles);
			if (!ring_push(&target->backlog, head)) {
				sr->st.backlog_drops += segs;
				sr_drop(sr, head, SIM_DROP_BACKLOG, c->busy_until);
				continue;
			}
			core_schedule(target, c->busy_until);
			continue;
		}
		process(sr, c, head, now);
	}
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
	/* process_backlog: packets RPS steered to this core */
	for (n = 0; n < sr->cpu.napi_budget && c->backlog.len; n++)
		process(sr, c, ring_pop(&c->backlog), now);
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
	g_free(sr);
}

int sim_router_add_port(struct sim_router *sr, u16 ifindex, u64 rate_bps, u32 overhead,
			struct qdisc *q, u32 irq_core)
{
	struct sr_port *pt = NULL;
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
	ring_init(&pt->rx, sr->cpu.rx_ring);
	ring_init(&pt->hw, sr->cpu.hw_fifo);
	sr->by_ifindex[ifindex] = pt;
	return 0;
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
