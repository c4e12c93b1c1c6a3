/* SPDX-License-Identifier: MIT */
/*
 * world.h - the simulated world of `flowsim run`, built from a validated scenario:
 *
 *   hosts --(far-side link: FIFO at the port's line rate, propagation delay)--> router port
 *   stations --(radio medium: shared airtime at each station's PHY rate)-----> WLAN port
 *   router ports --(sim_router: rings, NAPI, CPU, qdiscs, line rate)--> delay --> host
 *
 * The router is the flow-offload core (router_create with the scenario's config), its
 * network configuration (scenario_build_netconf plus one neighbour per directly reachable
 * host or gateway), the PPE when the SoC has one (router_set_hw before the ruleset, so
 * fw4's hardware probe and `flags offload` see it), and the ruleset fw4_render() makes from
 * the scenario's firewall, followed by extra_nft.  Around it, sim_router models the CPU.
 *
 * Links (world_net.c).  Every physical router port (Ethernet, DSA user port) has one
 * far-side transmitter for the frames that travel towards the router, serialised at the
 * port's rate: the hosts' NICs and the switch or ISP line in front of the port.  Every
 * host behind the port has two queues there, one for its TCP segments (never dropped:
 * TSQ keeps a real sender's segments in the socket, bounded by the window) and one for
 * everything else (drop-tail, WORLD_LINK_QUEUE_BYTES), and the transmitter serves all
 * queues of the port by deficit round robin (WORLD_DRR_QUANTUM bytes per turn): a switch
 * that shares its uplink fairly between its inputs, and a host qdisc (fq_codel) that does
 * not make a game's datagrams wait behind a bulk download.  So one host flooding at its
 * line rate slows the others but does not starve them.  A queue alone on the link sends
 * up to WORLD_LINK_BURST frames per transmitter event (others arriving meanwhile wait at
 * most that long).  A WAN host's extra round trip is added as rtt/2 of propagation each
 * way on the far side, on top of the port's delay.  Frames the router transmits arrive
 * after the port's delay plus the host's rtt/2.  Frames in flight wait on per-host delay
 * lines (one engine event for each line's head).
 *
 * Wi-Fi (world_net.c).  Each radio is one medium: a downlink queue (AP -> stations) and an
 * uplink queue (stations -> AP), served alternately one transmit opportunity (TXOP) at a
 * time.  A TXOP aggregates up to WORLD_AMPDU_MAX consecutive frames of one station (an
 * A-MPDU) and lasts WORLD_TXOP_OVERHEAD_NS (contention, preambles, block ack) plus the
 * frames' bits (with WORLD_MPDU_OVERHEAD bytes of MAC header/delimiter each) at the
 * station's PHY rate.  A radio with shared_airtime false gives every station a medium of
 * its own.  Not modelled: collisions, rate adaptation, retries, power save, per-station
 * airtime fairness (the queues are FIFO).  The router's WLAN ports have no line rate: the
 * medium is the bottleneck and the queue.
 *
 * Delivery.  A frame that leaves a router port is delivered to the endpoint of its flow on
 * the other side (traffic_deliver) if that host is still attached behind that port;
 * otherwise (a station that roamed away, a frame the PPE sent to a stale port) it is lost
 * and counted as misdelivered.
 *
 * Events (world_events.c): roam, link down/up and firewall reload at their times, and the
 * router's timers (router_timers at router_next_timer(), re-armed; packet processing can
 * only make the next timer earlier, which every transmit and drop checks).
 *
 * Replay (sim/replay.h): packets of a capture enter sim_router_rx() directly at their time
 * stamps; the transmit and drop callbacks hand packets whose flow id is a replayed
 * connection's (replay_flow(): REPLAY_FLOW_BASE and above) back to it.
 *
 * Determinism: everything is driven by the engine; random streams come from the seed.
 */
#ifndef FLOWSIM_WORLD_H
#define FLOWSIM_WORLD_H

#include <glib.h>

#include "engine.h"
#include "ppe.h"
#include "router.h"
#include "scenario.h"
#include "sim_router.h"
#include "simpkt.h"
#include "traffic.h"

/* Far side of a router port: bytes a host's datagram queue holds (~330 full frames). */
#define WORLD_LINK_QUEUE_BYTES (512u * 1024u)
/* Deficit round robin between the far side's queues: bytes per turn (one full frame). */
#define WORLD_DRR_QUANTUM 1538u
/* Frames a queue alone on its link sends per transmitter event. */
#define WORLD_LINK_BURST 16u
/* Wi-Fi medium: frames per queue (each direction), TXOP overhead, aggregation. */
#define WORLD_MEDIUM_QUEUE 1024u
#define WORLD_TXOP_OVERHEAD_NS 100000u
#define WORLD_AMPDU_MAX 64u
#define WORLD_MPDU_OVERHEAD 40u

struct world;
struct replay;

/* What a run may override from the scenario. */
struct world_opts {
	u64 seed;
	u64 duration_ns;
	const char *soc_dir;
};

struct world_host;

/*
 * A host's frames in flight on one side of its link.  Their due times only grow (one
 * constant delay per host), so they wait in a FIFO with one engine event for the head
 * instead of one pending event each: the event queue stays small and near-term.
 */
struct world_dline {
	struct world *w;
	struct sim_pkt *head, *tail;   /* due time in q.enq_time, arrival port in q.priv */
	bool to_host;                  /* frames the router sent, else frames towards it */
	bool armed;                    /* an event for the head is pending */
	bool running;                  /* the event is delivering (pushes do not arm) */
};

/* One queue at the far side of a port: a host's TCP segments, or its other frames. */
struct world_lq {
	struct world_host *h;
	struct sim_pkt *head, *tail;
	u64 bytes;                  /* wire bytes queued */
	u32 deficit;                /* deficit round robin credit, bytes */
	bool turn;                  /* got its quantum for the current turn */
	bool active;                /* on the port's round */
	bool tcp;                   /* the TCP queue (no limit) */
	struct world_lq *next;
};

/* The far side of a physical router port (frames towards the router). */
struct world_link {
	u64 rate_bps;
	u64 delay_ns;               /* the port's one-way propagation delay */
	bool busy;                  /* the transmitter is sending a burst */
	struct world_lq *active_head, *active_tail;   /* queues with frames, in round order */
	u64 frames, bytes, drops;
};

struct world_medium;

struct world_port {
	struct world *w;
	int scn;                    /* scenario port index */
	u16 ifindex;
	u8 kind;                    /* enum fs_netdev_kind */
	bool phys;                  /* a sim_router port (Ethernet, DSA user port, WLAN) */
	bool up;                    /* link state (link_down/link_up events) */
	struct world_link in;       /* Ethernet/DSA: frames towards the router */
	struct world_medium *medium;/* WLAN: the radio's medium (shared airtime) */
	int radio;
	struct qdisc *q;            /* egress qdisc given to sim_router (NULL: noqueue) */
};

/* How a host's frames of one family reach the router. */
struct world_attach {
	bool ok;
	u16 l3;                     /* the router's L3 device for the host (br-lan, pppoe-wan) */
	u8 num_encap;
	struct fs_encap encap[FS_ENCAP_MAX];
	u8 src_mac[6];              /* the host's MAC, or its gateway's / PPPoE AC's */
	u8 dst_mac[6];              /* the router device's */
	bool gateway;               /* reached through a gateway or a default route */
};

struct world_host {
	int scn;                    /* scenario host index */
	bool station;
	u8 mac[6];
	int port;                   /* scenario port it is attached to now */
	struct world_port *wp;      /* its physical port (Ethernet/DSA/WLAN) */
	u64 far_delay;              /* rtt/2: extra one-way delay beyond the port's link */
	u64 phy_rate;               /* stations: PHY rate */
	u16 wcid;                   /* stations: Wi-Fi station index (1-based) */
	struct world_medium **own;  /* per radio: the station's own medium on radios without
				     * shared airtime (created when it attaches there) */
	struct world_attach att[2]; /* [0] IPv4, [1] IPv6 */
	struct world_dline dl[2];   /* [0] towards the router, [1] towards the host */
	struct world_lq lq[2];      /* at its port's far side: [0] TCP, [1] the rest */
};

/* Latency samples of one direction of a traffic item (ns). */
struct world_lat {
	u64 *v;
	size_t n, cap;
};

/* One scenario traffic item and what its flows delivered. */
struct world_item {
	int scn;                    /* scenario traffic index */
	int client, server;         /* world host indices (p2p: server = the swarm's peers) */
	u32 gens[2];                /* traffic generators (two for direction: both) */
	u32 n_gens;
	bool latency;               /* measure_latency: keep per-packet delays */
	/* by sending side: [0] client -> server, [1] server -> client */
	u64 rx_pkts[2], rx_bytes[2];   /* L4 payload delivered */
	struct world_lat lat[2];
};

struct world_stats {
	u64 host_frames;            /* frames hosts and stations sent */
	u64 link_drops;             /* far-side FIFO full or link down */
	u64 medium_frames;          /* frames sent over the air */
	u64 medium_drops;           /* medium queue full */
	u64 txops;
	u64 delivered;              /* frames handed to traffic_deliver */
	u64 misdelivered;           /* left a port the destination is not behind */
	u64 misrouted;              /* reached the right host with a wrong address */
	u64 router_drops[SIM_DROP_HW_FIFO + 1];   /* by router/sim_router drop reason */
	u64 events[FS_EV__COUNT];   /* core events by type */
	u64 roams, link_changes, reloads, timer_runs;
};

typedef void (*world_event_fn)(void *ctx, const struct fs_event *ev);

struct world {
	const struct scenario *s;
	struct world_opts opts;
	struct engine *eng;
	struct sim_pkt_pool pool;
	struct router *r;
	struct ppe *ppe;
	struct sim_router *sr;
	struct traffic *traffic;
	u16 *ifindex_of;            /* scenario port -> ifindex */
	struct world_port *ports;   /* per scenario port */
	struct world_port *port_of[FS_NETDEV_MAX];  /* physical ports by ifindex */
	struct world_medium **media;/* per radio */
	struct world_host *hosts;   /* per scenario host, then one per p2p swarm (its peers) */
	u32 n_hosts;
	u32 *swarm_host;            /* per traffic item: the swarm's peer host (p2p only) */
	struct world_item *items;   /* per scenario traffic item */
	u32 *gen_item;              /* traffic generator -> item */
	u32 n_gens;
	u32 *flow_item;             /* flow id -> item (grows; ~0 = unknown yet) */
	u32 n_flow_item;
	struct fw4_offload offload; /* what fw4 decided (devices, hw, fallback) */
	char *ruleset_text;         /* the fw4 ruleset as applied */
	size_t ruleset_len;
	engine_timer_id router_timer;
	u64 router_timer_at;
	struct world_stats st;
	world_event_fn ev_fn;       /* core events (run.c records them) */
	void *ev_ctx;
	/* scripted event hooks for the recorder (roam, link, reload); may be NULL */
	void (*script_fn)(void *ctx, const struct scn_event *ev, u64 now);
	void *script_ctx;
	struct replay *replay;      /* flowsim run --replay (sim/replay.h), else NULL */
};

/*
 * Build the world (nothing runs yet; traffic and events are scheduled).  Returns NULL with
 * errors in d (FILE:LINE:COL of the scenario item that cannot be built).  ev_fn receives
 * every core event; it is set before the ruleset is applied.
 */
struct world *world_create(const struct scenario *s, const struct world_opts *o,
			   world_event_fn ev_fn, void *ev_ctx, struct yu_diag *d);
void world_destroy(struct world *w);

/* CPU figures of the profile: logical CPUs, their clock. */
u32 world_cpus(const struct world *w);
u64 world_cpu_hz(const struct world *w);

/* Frames the router received plus frames it transmitted (link packets of the run). */
u64 world_link_packets(const struct world *w);

/* Item a flow belongs to (looked up on first use), or ~0u. */
u32 world_flow_item(struct world *w, u32 flow);

/* ---- internal, between world*.c ---- */

/* world_net.c */
struct world_medium *world_medium_create(struct world *w, int radio, u64 phy_rate);
void world_medium_destroy(struct world_medium *m);
void world_host_xmit(void *ctx, struct sim_pkt *p);
void world_router_tx(void *ctx, u16 ifindex, struct sim_pkt *p, u64 now, bool misdelivered);
void world_router_drop(void *ctx, struct sim_pkt *p, u8 reason, u64 now);
u64 world_medium_queued(const struct world_medium *m);
void world_dline_init(struct world *w, struct world_host *h);
void world_dline_release(struct world *w, struct world_host *h);
/* (Re)compute how host h reaches the router from port `port` (attach or roam). */
int world_host_attach(struct world *w, struct world_host *h, int port);
/* world.c: the L3 device candidates of something attached to port `port` (the port, its
 * bridge, VLAN/PPPoE devices stacked on those), and the encapsulation between it and L3
 * device d (*base: the device below the stack).  Used by hosts and by replay.c. */
u32 world_l3_candidates(const struct scenario *s, int port, int *cand, u32 max);
int world_encap_for(const struct scenario *s, int d, struct world_attach *a, int *base);

/* world_traffic.c */
int world_traffic_create(struct world *w, struct yu_diag *d);

/* world_events.c */
void world_events_schedule(struct world *w);
void world_router_timer_check(struct world *w);
int world_apply_firewall(struct world *w, bool reload, u64 now, struct yu_diag *d);

#endif /* FLOWSIM_WORLD_H */
