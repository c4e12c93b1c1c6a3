/* SPDX-License-Identifier: MIT */
/*
 * traffic.h - traffic generators and the flow table of a simulation run.
 *
 * A struct traffic owns every flow of a run.  Generators (added from plain description
 * structs, typically filled by the scenario loader) create flows at their start time and
 * later (web arrivals, p2p churn); each flow gets an id - the index into the flow table,
 * stamped into sim_pkt.flow of all its packets - client and server addresses, an ephemeral
 * client port, and per-flow results.
 *
 * Host interface (struct traffic_env, in tcp.h): flows send packets through env->xmit();
 * the run loop moves them through links and the router and, when a packet reaches its
 * destination endpoint, calls traffic_deliver(), which consumes it and frees it back to the
 * pool.  A packet that is dropped on the way is freed by whoever drops it.  sim_pkt.side
 * says who sent a packet (0: the flow's client, normally on the LAN; 1: its server), so the
 * packet is delivered to the other side.  Servers answer the address and port they saw
 * (the inverse of the tuple of the first packet they received), so NAT on the way works.
 *
 * Kinds:
 *   tcp_bulk   `count` TCP connections, each moving `bytes` (or, with bytes 0, as much as
 *              possible for `duration`) in one direction, optionally rate-limited.
 *   udp_cbr    `count` flows of `size`-byte datagrams at `rate_bps` payload bit/s for
 *              `duration`: exactly ceil(duration * rate / (8 * size)) datagrams, the k-th
 *              at start + k * 8 * size / rate (exact integer time, no drift).
 *   udp_flood  unpaced: one datagram per wire time at `line_rate_bps` (what a sender on a
 *              line of that rate manages), i.e. size + headers + Ethernet overhead.
 *   p2p        a swarm: `flows` concurrent flows to `servers` remote peers, each with a rate
 *              drawn from a distribution (fixed, lognormal, Pareto), TCP (rate-limited
 *              block writes) or UDP (uTP-like datagrams) by `tcp_share`, download or upload
 *              by `download_share`; churn replaces a random flow by a new one (new peer,
 *              port, rate) at Poisson times, `churn_per_s` on average.
 *   web        short TCP flows arriving as a Poisson process: a request of `request` bytes,
 *              a response with a bounded-Pareto size; the server closes after the
 *              response, the client at end-of-file (flow completion time = duration).
 *   game       bidirectional UDP (games, VoIP): `size_up` bytes every `interval` from the
 *              client, `size_down` from the server once the client's first packet arrived;
 *              every packet's one-way latency (arrival - born) is kept and p50/p99 computed.
 *
 * A UDP flow whose data goes only server -> client first sends one small "hello"
 * datagram from the client (as iperf3 -u -R does), repeated every second up to 5 times
 * until data arrives: the server learns the client's (post-NAT) address from it and the
 * router sees the connection start from the LAN side.
 *
 * Randomness: generator g draws from rng stream (seed, g) in the order of its own events;
 * nothing else is random.  Determinism follows from the engine's.
 *
 * Cost: traffic_deliver() is O(1) (index into the flow table); UDP senders use one
 * fire-and-forget engine event per datagram; no allocation per packet beyond the pool
 * (game flows append latency samples to a doubling array).  A flow record is a few hundred
 * bytes and is kept for the whole run (the results).
 */
#ifndef FLOWSIM_TRAFFIC_H
#define FLOWSIM_TRAFFIC_H

#include <stddef.h>

#include "tcp.h"

enum traffic_kind {
	TRAFFIC_TCP_BULK,
	TRAFFIC_UDP_CBR,
	TRAFFIC_UDP_FLOOD,
	TRAFFIC_P2P,
	TRAFFIC_WEB,
	TRAFFIC_GAME,
};
/* "tcp_bulk", "udp_cbr", "udp_flood", "p2p", "web", "game"; NULL if unknown. */
const char *traffic_kind_name(int kind);

/* Which way the data goes: upload = client -> server. */
enum traffic_dir {
	TRAFFIC_UPLOAD = 0,
	TRAFFIC_DOWNLOAD = 1,
};

/*
 * Endpoints.  Flows use client addresses client, client+1, ... (clients of them, 0 = 1)
 * and server addresses server ... server+servers-1 (IPv6: the last 32 bits are counted).
 * Client ports are ephemeral: 32768, 32769, ... up to 60999 and round again (Linux's
 * ip_local_port_range), one counter per struct traffic.
 */
struct traffic_hosts {
	u8 family;              /* FS_AF_INET or FS_AF_INET6 */
	u8 dscp;                /* DSCP of every packet (6 bits) */
	u8 ttl;                 /* 0: 64 */
	union fs_addr client;
	u32 clients;
	union fs_addr server;
	u32 servers;
	u16 server_port;        /* 0: the kind's default (5201, 443, game 3074, p2p random) */
};

struct traffic_tcp_bulk {
	struct traffic_hosts hosts;
	u32 count;              /* parallel connections, >= 1 */
	u64 bytes;              /* per connection; 0: unlimited for `duration` */
	u64 duration;           /* ns (required when bytes is 0) */
	u64 start;              /* ns, absolute */
	u8 direction;           /* enum traffic_dir */
	u8 cc;                  /* enum tcp_cc_algo */
	u16 mss;                /* 0: 1460 (IPv4) / 1440 (IPv6) */
	u32 rcvbuf;             /* 0: 6 MiB */
	u64 rate_bps;           /* application rate limit per connection; 0: none */
};

struct traffic_udp_cbr {
	struct traffic_hosts hosts;
	u32 count;              /* flows, >= 1 */
	u64 rate_bps;           /* UDP payload bit/s per flow */
	u32 size;               /* UDP payload bytes per datagram */
	u64 start;
	u64 duration;
	u8 direction;
};

struct traffic_udp_flood {
	struct traffic_hosts hosts;
	u32 count;
	u64 line_rate_bps;      /* the sender's line rate (Ethernet) */
	u32 size;               /* UDP payload bytes per datagram */
	u64 start;
	u64 duration;
	u8 direction;
};

enum traffic_rate_dist {
	TRAFFIC_RATE_FIXED,     /* a */
	TRAFFIC_RATE_LOGNORMAL, /* median a bit/s, sigma b (of the underlying normal) */
	TRAFFIC_RATE_PARETO,    /* minimum a bit/s, shape b */
};

struct traffic_rate_spec {
	u8 dist;                /* enum traffic_rate_dist */
	double a;
	double b;
	double max;             /* cap in bit/s; 0: none */
};

struct traffic_p2p {
	struct traffic_hosts hosts;   /* client: the local peer(s); servers: remote peers */
	u32 flows;              /* concurrent flows, >= 1 */
	struct traffic_rate_spec rate;  /* per-flow payload rate */
	double tcp_share;       /* fraction of TCP flows (the rest UDP), 0..1 */
	double download_share;  /* fraction of flows carrying data to the client, 0..1 */
	double churn_per_s;     /* flow replacements per second (Poisson); 0: none */
	u32 udp_size;           /* UDP payload bytes; 0: 1400 */
	u32 block;              /* TCP application write size; 0: 16384 (a BitTorrent block) */
	u64 start;
	u64 duration;
	u8 cc;
	u16 mss;                /* TCP flows' MSS (the path's: 1452 over PPPoE); 0: 1460 / 1440 */
};

struct traffic_web {
	struct traffic_hosts hosts;
	double flows_per_s;     /* Poisson arrival rate */
	double size_min;        /* bounded Pareto response size, bytes */
	double size_max;
	double alpha;
	u32 request;            /* request bytes; 0: 300 */
	u64 start;
	u64 duration;           /* arrivals stop after it; started flows complete */
	u8 cc;
	u16 mss;                /* the path's MSS (1452 over PPPoE); 0: 1460 (IPv4) / 1440 (IPv6) */
};

struct traffic_game {
	struct traffic_hosts hosts;
	u32 count;
	u64 interval;           /* ns between datagrams, each direction */
	u32 size_up;            /* client -> server payload bytes; 0: silent */
	u32 size_down;          /* server -> client payload bytes; 0: silent */
	u64 start;
	u64 duration;
};

struct traffic;

struct traffic *traffic_create(const struct traffic_env *env, u64 seed);
/* Frees everything (before the engine: live connections cancel their timers); packets
 * still in the network must be freed by the network. */
void traffic_destroy(struct traffic *t);

/*
 * Add a generator; its first flows start at d->start (>= the engine's current time).
 * Returns the generator index, or -1 with a message in err naming the field and what was
 * expected ("udp_cbr: size 0: expected 1..8972 bytes").
 */
int traffic_add_tcp_bulk(struct traffic *t, const struct traffic_tcp_bulk *d, char *err,
			 size_t errlen);
int traffic_add_udp_cbr(struct traffic *t, const struct traffic_udp_cbr *d, char *err,
			size_t errlen);
int traffic_add_udp_flood(struct traffic *t, const struct traffic_udp_flood *d, char *err,
			  size_t errlen);
int traffic_add_p2p(struct traffic *t, const struct traffic_p2p *d, char *err, size_t errlen);
int traffic_add_web(struct traffic *t, const struct traffic_web *d, char *err, size_t errlen);
int traffic_add_game(struct traffic *t, const struct traffic_game *d, char *err,
		     size_t errlen);

/* A packet reached the endpoint it was sent to.  Consumes (frees) the packet. */
void traffic_deliver(struct traffic *t, struct sim_pkt *p);

/* Flow lifecycle notifications (optional); must not add generators or destroy t. */
enum traffic_flow_event { TRAFFIC_FLOW_STARTED, TRAFFIC_FLOW_ENDED };
void traffic_set_flow_observer(struct traffic *t,
			       void (*fn)(void *ctx, u32 flow, enum traffic_flow_event ev),
			       void *ctx);
/* TCP events of every connection (tcp.h enum tcp_event), optional; set before flows start. */
void traffic_set_tcp_observer(struct traffic *t,
			      void (*fn)(void *ctx, const struct tcp_conn *c, int side,
					 enum tcp_event ev, u64 arg),
			      void *ctx);

/* ---- results ---- */

enum traffic_flow_state {
	TRAFFIC_FLOW_ACTIVE,
	TRAFFIC_FLOW_DONE,      /* completed (TCP: both FINs acknowledged; UDP: sending ended) */
	TRAFFIC_FLOW_FAILED,    /* TCP aborted after its retries, UDP hello never answered */
};
const char *traffic_flow_state_name(int state);

struct traffic_latency {
	u64 samples;
	u64 min_ns;
	u64 max_ns;
	u64 mean_ns;
	u64 p50_ns;             /* nearest-rank percentiles; game flows only (else 0) */
	u64 p99_ns;
};

/*
 * One flow's results.  Per-direction arrays are indexed by the SENDING side:
 * [0] client -> server, [1] server -> client.
 */
struct traffic_flow_result {
	u32 id;
	u32 generator;
	u8 kind;                /* enum traffic_kind of the generator */
	u8 proto;               /* FS_IPPROTO_TCP / FS_IPPROTO_UDP */
	u8 state;               /* enum traffic_flow_state */
	u8 cc;                  /* TCP */
	struct fs_tuple tuple;  /* client -> server, as the client sends it */
	u64 start_ns;
	u64 end_ns;             /* 0 while active */
	u64 rate_bps[2];        /* configured sending rate (UDP, rate-limited TCP); 0: none */
	u64 tx_pkts[2];         /* UDP datagrams / TCP data segments sent (with retransmits) */
	u64 tx_bytes[2];        /* payload bytes sent (TCP: with retransmissions) */
	u64 rx_pkts[2];         /* UDP datagrams / TCP data segments that arrived */
	u64 rx_bytes[2];        /* payload delivered to the application (TCP: in order) */
	u64 first_rx_ns[2];     /* first / last byte delivered */
	u64 last_rx_ns[2];
	u64 lost_pkts[2];       /* UDP: sent - arrived (in flight counts as lost);
				 * TCP: segments retransmitted */
	double goodput_bps[2];  /* rx_bytes * 8 / (last_rx - start); 0 if nothing arrived */
	/* TCP, by sending side */
	u64 pure_acks[2];
	u32 fast_retrans[2];
	u32 rto_events[2];
	u32 srtt_us[2];
	u32 min_rtt_us[2];
	u32 cwnd[2];            /* now (or at the end) */
	u32 cwnd_max[2];
	/* UDP one-way latency (arrival - born) */
	struct traffic_latency latency[2];
};

u32 traffic_flow_count(const struct traffic *t);
/* Fill *out for flow id (percentiles are computed here); false if id is out of range. */
bool traffic_flow_result(struct traffic *t, u32 id, struct traffic_flow_result *out);
/* The live TCP connection of a flow (for cwnd/RTT sampling), NULL if none or ended. */
const struct tcp_conn *traffic_flow_tcp(const struct traffic *t, u32 id);

struct traffic_totals {
	u64 flows_started;
	u64 flows_active;
	u64 flows_done;
	u64 flows_failed;
	u64 pkts_sent;          /* every packet handed to env->xmit */
	u64 pkts_delivered;     /* every packet passed to traffic_deliver */
	u64 pkts_late;          /* delivered to a flow that had already ended */
	u64 ctrl_pkts;          /* UDP hello datagrams */
};
void traffic_get_totals(const struct traffic *t, struct traffic_totals *out);

struct traffic_gen_info {
	u8 kind;
	u64 flows_created;
	u64 churned;            /* p2p flows replaced */
	u32 active;             /* p2p: slots with a running flow */
};
u32 traffic_generator_count(const struct traffic *t);
bool traffic_generator_info(const struct traffic *t, u32 gen, struct traffic_gen_info *out);

#endif /* FLOWSIM_TRAFFIC_H */
