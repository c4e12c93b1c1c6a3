/* SPDX-License-Identifier: MIT */
/*
 * traffic_internal.h - private declarations shared by the traffic generator files (not for
 * callers outside sim/traffic*.c; traffic.h is the interface).
 *
 *   traffic.c       the flow table, addresses and ports, generator registration and start,
 *                   the checks every generator shares, results and the public API.
 *   traffic_tcp.c   TCP flows (a struct tcp_conn per flow) and the tcp_bulk and web kinds.
 *   traffic_udp.c   UDP flows (paced streams, hello, receive side) and udp_cbr/udp_flood.
 *   traffic_p2p.c   the p2p swarm: rate distributions, slots, churn, generator end.
 *   traffic_game.c  game/VoIP: bidirectional paced UDP with per-packet latency samples.
 */
#ifndef FLOWSIM_TRAFFIC_INTERNAL_H
#define FLOWSIM_TRAFFIC_INTERNAL_H

#include "rng.h"
#include "traffic.h"

#define EPHEMERAL_LO 32768u
#define EPHEMERAL_HI 60999u
#define UDP_HDR_LEN 8
#define MAX_L3 9000u                /* jumbo frames at most; no fragmentation modelled */
#define HELLO_PAYLOAD 8
#define HELLO_TRIES 5
#define HELLO_INTERVAL FS_SEC(1)
#define NEVER (~(u64)0)
#define MAX_FLOWS_PER_GEN 10000000u
#define MIN_RATE_BPS 1000.0         /* drawn p2p rates are floored here */

enum { ST_OFF, ST_WAITING, ST_RUNNING, ST_STOPPED };

struct udp_stream {
	u64 t0;
	u64 k;          /* datagrams sent */
	u64 limit;      /* NEVER: no count limit */
	u64 dur;        /* end = t0 + dur (NEVER: none) ... */
	u64 abs_end;    /* ... or this absolute time, whichever is first */
	u64 end;
	u64 num;        /* datagram k at t0 + k * num / den */
	u64 den;
	u32 size;
	u8 state;
};

struct lat_buf {
	u64 *v;
	size_t n;
	size_t cap;
};

struct traffic_flow {
	struct traffic_flow_result r;
	struct tcp_conn *conn;
	struct fs_tuple out[2];     /* tuple of packets sent by each side (UDP) */
	u32 qhash[2];
	bool out_known[2];
	bool keep_samples;
	u8 hello_tries;
	u8 ttl;
	u8 dscp;
	struct udp_stream us[2];
	struct lat_buf lat[2];
	u64 lat_sum[2];
};

struct traffic_gen {
	u8 kind;
	union {
		struct traffic_tcp_bulk bulk;
		struct traffic_udp_cbr cbr;
		struct traffic_udp_flood flood;
		struct traffic_p2p p2p;
		struct traffic_web web;
		struct traffic_game game;
	} d;
	struct rng rng;
	u32 *slots;                 /* p2p: flow id per concurrent slot */
	u32 n_slots;
	u64 flows_created;
	u64 churned;
	u64 end;                    /* absolute end of the generator (NEVER: none) */
	bool ended;
};

struct traffic {
	struct traffic_env env;     /* the host's */
	struct traffic_env tcp_env; /* counts packets, then the host's xmit */
	u64 seed;
	struct traffic_flow *flows;
	u32 n_flows;
	u32 cap_flows;
	struct traffic_gen *gens;
	u32 n_gens;
	u32 cap_gens;
	u32 next_port;
	void (*flow_obs)(void *ctx, u32 flow, enum traffic_flow_event ev);
	void *flow_obs_ctx;
	void (*tcp_obs)(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev,
			u64 arg);
	void *tcp_obs_ctx;
	struct traffic_totals tot;
};

static inline u64 now_ns(const struct traffic *t)
{
	return engine_now(t->env.eng);
}

static inline u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? NEVER : a + b;
}

static inline u32 ip_hdr_len(u8 family)
{
	return family == FS_AF_INET6 ? 40 : 20;
}

/* ---- traffic.c ---- */
void trf_make_tuple(struct traffic *t, const struct traffic_hosts *h, u32 ci, u32 si,
		    u16 dport, u8 proto, struct fs_tuple *tu);
void trf_notify_flow(struct traffic *t, u32 id, enum traffic_flow_event ev);
u32 trf_flow_alloc(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		   const struct traffic_hosts *h);
void trf_flow_end(struct traffic *t, u32 id, u8 state);
int trf_gen_add(struct traffic *t, u8 kind, const void *d, size_t dlen, u64 start);
void trf_gen_schedule_poisson(struct traffic *t, u32 gi, double per_s, engine_fn fn);
/* Checks of generator descriptions: 0, or -1 with a message naming kind and field. */
int trf_check_hosts(const struct traffic_hosts *h, const char *kind, char *err,
		    size_t errlen);
int trf_check_count(u64 n, const char *kind, const char *field, char *err, size_t errlen);
int trf_check_start(struct traffic *t, u64 start, const char *kind, char *err,
		    size_t errlen);
int trf_check_duration(u64 dur, const char *kind, char *err, size_t errlen);
int trf_check_udp_size(u32 size, u8 family, const char *kind, const char *field,
		       bool zero_ok, char *err, size_t errlen);
int trf_check_direction(u8 dir, const char *kind, char *err, size_t errlen);
bool trf_finite_positive(double v);

/* ---- traffic_tcp.c ---- */
void trf_tcp_stats_to_result(struct traffic_flow_result *r, const struct tcp_conn *c);
void trf_tcp_count_xmit(void *ctx, struct sim_pkt *p);
void trf_tcp_one_way_apps(struct tcp_app app[2], int sender, u64 bytes, u64 stop_at,
			  u64 rate, u32 chunk);
u32 trf_tcp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		       const struct traffic_hosts *h, u8 cc, u16 mss, u32 rcvbuf,
		       const struct tcp_app app[2]);
int trf_tcp_validate(struct traffic *t, const struct traffic_hosts *h, u8 cc, u16 mss,
		     u32 rcvbuf, const struct tcp_app app[2], const char *kind, char *err,
		     size_t errlen);
void trf_start_tcp_bulk(struct traffic *t, u32 gi);
void trf_start_web(struct traffic *t, u32 gi);

/* ---- traffic_udp.c ---- */
void trf_stream_stop(struct traffic *t, u32 id, int d);
void trf_udp_check_end(struct traffic *t, u32 id);
u32 trf_udp_flow_start(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		       const struct traffic_hosts *h, const struct udp_stream st[2],
		       bool keep_samples);
void trf_udp_rx(struct traffic *t, u32 id, const struct sim_pkt *p);
struct udp_stream trf_stream_tpl(u8 state, u64 t0, u32 size, u64 num, u64 den, u64 dur,
				 u64 abs_end);
void trf_start_udp_cbr(struct traffic *t, u32 gi);
void trf_start_udp_flood(struct traffic *t, u32 gi);

/* ---- traffic_p2p.c ---- */
void trf_start_p2p(struct traffic *t, u32 gi);

/* ---- traffic_game.c ---- */
void trf_start_game(struct traffic *t, u32 gi);

#endif /* FLOWSIM_TRAFFIC_INTERNAL_H */
