/* SPDX-License-Identifier: MIT */
/*
 * fakenet.h - a two-direction delay line on the engine for the traffic/TCP unit tests.
 *
 * Direction d carries the packets sent by side d (0: client -> server).  Each direction
 * has a line rate (0: infinite), a one-way propagation delay, an optional per-packet extra
 * delay function, an optional tail-drop limit on the bytes waiting for the line, and a drop
 * predicate for selected packets.  Serialisation is FIFO: a packet leaves at
 * max(now, line free) + wire * 8 / rate and arrives `delay` later.  Every packet handed to
 * the net is hashed (time and all header fields) so that two runs can be compared.
 */
#ifndef FLOWSIM_TEST_FAKENET_H
#define FLOWSIM_TEST_FAKENET_H

#include <glib.h>
#include <string.h>

#include "engine.h"
#include "simpkt.h"
#include "tcp.h"

struct fakenet;

struct fakenet_rec {
	u64 time;
	u8 side;
	u8 tcp_flags;
	u8 wscale;
	u8 proto;
	u32 seq;
	u32 ack;
	u16 win;
	u16 payload;
	u16 len;
	u32 flow;
	u64 born;
};

struct fakenet {
	struct engine *eng;
	struct sim_pkt_pool pool;
	struct traffic_env env;
	u64 rate[2];          /* bit/s, 0 = no serialisation */
	u64 delay[2];         /* ns */
	u64 qlimit[2];        /* bytes waiting for the line before tail drop; 0 = none */
	u64 busy[2];
	/* extra one-way delay for a packet (known-delay tests); NULL = none */
	u64 (*extra_delay)(struct fakenet *n, const struct sim_pkt *p);
	/* return true to drop the packet */
	bool (*drop)(struct fakenet *n, const struct sim_pkt *p);
	void *user;
	/* where arriving packets go; must free them */
	void (*deliver)(void *ctx, struct sim_pkt *p);
	void *deliver_ctx;
	GArray *trace;        /* struct fakenet_rec, when record is set */
	bool record;
	u64 hash;
	u64 sent[2];
	u64 dropped[2];
	u64 delivered[2];
};

static inline void fakenet_hash_bytes(struct fakenet *n, const void *data, size_t len)
{
	const u8 *b = data;
	size_t i;

	for (i = 0; i < len; i++) {
		n->hash ^= b[i];
		n->hash *= 0x100000001b3ULL;
	}
}

static inline void fakenet_hash_pkt(struct fakenet *n, const struct sim_pkt *p)
{
	const struct fs_packet *h = &p->hdr;
	u64 now = engine_now(n->eng);

	fakenet_hash_bytes(n, &now, sizeof(now));
	fakenet_hash_bytes(n, &h->t, sizeof(h->t));
	fakenet_hash_bytes(n, &h->seq, sizeof(h->seq));
	fakenet_hash_bytes(n, &h->ack, sizeof(h->ack));
	fakenet_hash_bytes(n, &h->win, sizeof(h->win));
	fakenet_hash_bytes(n, &h->payload, sizeof(h->payload));
	fakenet_hash_bytes(n, &h->len, sizeof(h->len));
	fakenet_hash_bytes(n, &h->tcp_flags, sizeof(h->tcp_flags));
	fakenet_hash_bytes(n, &h->ttl, sizeof(h->ttl));
	fakenet_hash_bytes(n, &h->dscp, sizeof(h->dscp));
	fakenet_hash_bytes(n, &h->flags, sizeof(h->flags));
	fakenet_hash_bytes(n, &h->wscale, sizeof(h->wscale));
	fakenet_hash_bytes(n, &p->born, sizeof(p->born));
	fakenet_hash_bytes(n, &p->flow, sizeof(p->flow));
	fakenet_hash_bytes(n, &p->wire, sizeof(p->wire));
	fakenet_hash_bytes(n, &p->side, sizeof(p->side));
	fakenet_hash_bytes(n, &p->q.len, sizeof(p->q.len));
	fakenet_hash_bytes(n, &p->q.hash, sizeof(p->q.hash));
}

static void fakenet_arrive(struct engine *eng, engine_arg a, engine_arg b)
{
	struct fakenet *n = a.p;
	struct sim_pkt *p = b.p;

	n->delivered[p->side]++;
	n->deliver(n->deliver_ctx, p);
}

static void fakenet_xmit(void *ctx, struct sim_pkt *p)
{
	struct fakenet *n = ctx;
	u64 now = engine_now(n->eng);
	int d = p->side & 1;
	u64 depart = now, arrive;

	g_assert_true(p->wire > 0 && p->hdr.len > 0);
	n->sent[d]++;
	fakenet_hash_pkt(n, p);
	if (n->record) {
		struct fakenet_rec r = {
			.time = now, .side = p->side, .tcp_flags = p->hdr.tcp_flags,
			.wscale = p->hdr.wscale, .proto = p->hdr.t.proto, .seq = p->hdr.seq,
			.ack = p->hdr.ack, .win = p->hdr.win, .payload = p->hdr.payload,
			.len = p->hdr.len, .flow = p->flow, .born = p->born,
		};

		g_array_append_val(n->trace, r);
	}
	if (n->drop && n->drop(n, p)) {
		n->dropped[d]++;
		sim_pkt_free(&n->pool, p);
		return;
	}
	if (n->rate[d]) {
		u64 start = n->busy[d] > now ? n->busy[d] : now;

		if (n->qlimit[d] && (start - now) * n->rate[d] / 8 / 1000000000ULL > n->qlimit[d]) {
			n->dropped[d]++;
			sim_pkt_free(&n->pool, p);
			return;
		}
		depart = start + (u64)p->wire * 8 * 1000000000ULL / n->rate[d];
		n->busy[d] = depart;
	}
	arrive = depart + n->delay[d] + (n->extra_delay ? n->extra_delay(n, p) : 0);
	engine_schedule(n->eng, arrive, fakenet_arrive, ENGINE_PTR(n), ENGINE_PTR(p));
}

static inline void fakenet_init(struct fakenet *n, u64 rate, u64 one_way_delay)
{
	memset(n, 0, sizeof(*n));
	n->eng = engine_create();
	sim_pkt_pool_init(&n->pool);
	n->env.eng = n->eng;
	n->env.pool = &n->pool;
	n->env.xmit = fakenet_xmit;
	n->env.ctx = n;
	n->rate[0] = n->rate[1] = rate;
	n->delay[0] = n->delay[1] = one_way_delay;
	n->hash = 0xcbf29ce484222325ULL;
	n->trace = g_array_new(FALSE, FALSE, sizeof(struct fakenet_rec));
}

static inline void fakenet_free(struct fakenet *n)
{
	engine_destroy(n->eng);
	sim_pkt_pool_release(&n->pool);
	g_array_free(n->trace, TRUE);
}

static inline const struct fakenet_rec *fakenet_rec_at(const struct fakenet *n, guint i)
{
	return &g_array_index(n->trace, struct fakenet_rec, i);
}

#endif
