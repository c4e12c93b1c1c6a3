/* SPDX-License-Identifier: MIT */
/*
 * sim_router_internal.h - private to sim_router*.c: the router machine's state (ports,
 * cores, rings) and the small helpers more than one of those files needs.
 *
 * The machine is split by concern, like net/netfilter/nf_flow_table_{core,ip,offload}.c:
 *   sim_router.c      create/destroy, ports, statistics and flow-path queries;
 *   sim_router_rx.c   a frame's way in: hardware engine, RX ring, the NAPI poll of a core
 *                     (GRO, process_backlog) and the core's run of the packet;
 *   sim_router_cpu.c  which CPU does the work and what it costs it: charging with SMT
 *                     sharing, RPS, OpenWrt packet steering;
 *   sim_router_tx.c   the way out: egress qdisc, hardware FIFO, links at line rate;
 *   sim_router_ifb.c  ingress shaping: the detour of a port's skbs through an ifb.
 *
 * Invariants (of the whole machine):
 *  - a packet is in exactly one place: a ring, a backlog, a GRO chain, an egress event, a
 *    queue (qdisc or hardware FIFO), on the wire, or handed back through tx/drop callbacks;
 *  - a core processes packets one after another: busy_until only moves forward, and a
 *    packet's egress happens when the core finishes it;
 *  - a NAPI instance (port) is scheduled on at most one pending poll of its IRQ core.
 *
 * Everything here is on the per-packet path: the helpers are static inline so that
 * splitting the machine over several files costs no calls the single file did not make.
 */
#ifndef FLOWSIM_SIM_ROUTER_INTERNAL_H
#define FLOWSIM_SIM_ROUTER_INTERNAL_H

#include "netdev.h"
#include "qdisc.h"
#include "sim_router.h"
#include "soc_profile.h"

/*
 * net_dim state of a port's RX interrupt moderation (include/linux/dim.h struct dim,
 * lib/dim/net_dim.c): samples every DIM_NEVENTS interrupts, a hill climb over the five
 * NET_DIM_RX_EQE_PROFILES.
 */
struct sr_dim_sample {
	u64 t;                      /* ns */
	u32 pkts, bytes;
	u16 events;
};

struct sr_dim {
	u8 state;                   /* DIM_START_MEASURE, DIM_MEASURE_IN_PROGRESS */
	u8 tune;                    /* enum dim_tune_state */
	u8 ix, steps_right, steps_left, tired;
	struct sr_dim_sample start;
	s64 prev_ppms, prev_bpms, prev_epms;
	u32 pkts, bytes;            /* counters as the driver keeps them (eth->rx_packets, ...) */
	u16 events;                 /* eth->rx_events: RX interrupts */
};

/* a fixed-size FIFO of packets (RX descriptors, RPS backlog, hardware egress queue) */
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
	u8 no_gro;                  /* its frames bypass GRO (sim_router_set_port_gro) */
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
	/* RX interrupt moderation (sim_router_set_port_irq_moderation) */
	u64 mod_delay_ns;           /* 0: none */
	u32 mod_frames;
	u8 mod_armed;               /* the delay timer runs for the frames now pending */
	u64 mod_deadline;           /* when it fires (stale timer events are ignored) */
	u8 dim_on;                  /* net_dim adapts mod_delay_ns (mtk_dim_rx) */
	struct sr_dim dim;
	/* ingress shaping through an ifb (sim_router_set_port_ingress; sim_router_ifb.c) */
	struct qdisc *ifb_q;
	u32 ifb_inflight;           /* skbs the ifb handed back and no core has run yet */
	u8 ifb_wake_pending;        /* a shaper wake-up of the ifb is scheduled */
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

/* ---------------------------------------------------------- across the files ---- */

/* sim_router_rx.c */
void sr_core_poll(struct engine *eng, engine_arg a, engine_arg b);
void sr_process(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u64 now,
		bool steered);

/* sim_router_cpu.c */
void sr_core_charge(struct sim_router *sr, struct sr_core *c, u64 start, u64 cycles);
/* the core that runs an skb of port pt with tuple t: RPS's pick, or the NAPI core */
struct sr_core *sr_rx_core(struct sim_router *sr, const struct sr_port *pt,
			   const struct fs_tuple *t);
void sr_gro_deliver(struct sim_router *sr, struct sr_core *c, struct sr_port *pt,
		    struct sim_pkt *head, u32 segs, u64 now);

/* sim_router_ifb.c */
bool sr_ifb_redirect(struct sim_router *sr, struct sr_core *c, struct sim_pkt *p, u32 segs,
		     u32 len, u64 now, bool steered);
void sr_ifb_returned(struct sim_router *sr, struct sim_pkt *p, u64 now);

/* sim_router_tx.c */
void sr_port_kick(struct sr_port *pt, u64 now);
void sr_egress_event(struct engine *eng, engine_arg a, engine_arg b);
void sr_qdisc_dropped(void *ctx, struct qdisc_pkt *qp, enum qdisc_drop_reason why, u64 now);
/* whether q queues an skb's segments apart, and what q costs the host for the skb */
bool sr_qdisc_splits(const struct qdisc *q, u32 segs);
u64 sr_qdisc_cycles(const struct sim_router *sr, const struct qdisc *q, u32 segs);

/* ------------------------------------------------------------------ rings ---- */

static inline bool sr_ring_push(struct sr_ring *r, struct sim_pkt *p)
{
	if (r->len == r->cap)
		return false;
	r->slot[(r->head + r->len) % r->cap] = p;
	r->len++;
	return true;
}

static inline struct sim_pkt *sr_ring_pop(struct sr_ring *r)
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

static inline u32 sr_flow_hash(const struct fs_tuple *t)
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

/* Ready p's qdisc linkage for a queue: len bytes as the qdisc counts them (skb->len). */
static inline void sr_qdisc_pkt_fill(struct sim_pkt *p, u32 len)
{
	p->q.len = len;
	p->q.mac_len = (u16)sim_pkt_l2_len(&p->hdr);
	p->q.hash = sr_flow_hash(&p->hdr.t);
	p->q.ecn = 0;
}

/* Hand a packet (or a chain of them: a GRO aggregate) back through the drop callback. */
static inline void sr_drop(struct sim_router *sr, struct sim_pkt *p, u8 reason, u64 now)
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

/* Raise NET_RX on core c: one poll pending at a time, run when the core is free. */
static inline void sr_core_schedule(struct sr_core *c, u64 now)
{
	if (c->poll_scheduled)
		return;
	c->poll_scheduled = 1;
	engine_schedule(c->sr->eng, FS_MAX(now, c->busy_until), sr_core_poll, ENGINE_PTR(c),
			ENGINE_NOARG);
}

/*
 * The part of the core's receive charge that the NAPI poll pays before RPS hands the skb
 * on (router_input.c: rx_napi per segment + rx_per_byte64): the driver's receive, done
 * on the polling CPU (get_rps_cpu runs after GRO, in netif_receive_skb_list_internal).
 */
static inline u64 sr_napi_share(const struct sim_router *sr, u32 segs, u32 len)
{
	const struct fs_cost_table *cost = &router_get_config(sr->core)->cost;

	return (u64)cost->rx_napi * segs + (u64)cost->rx_per_byte64 * ((len + 63) / 64);
}

#endif
