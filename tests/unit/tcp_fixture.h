/* SPDX-License-Identifier: MIT */
/*
 * tcp_fixture.h - shared test bench of the TCP tests (test_tcp.c, test_tcp_cc.c): one
 * simulated TCP connection over the fake delay line (fakenet.h), its events recorded, with
 * drop controls (the n-th data segment, a time window, a cwnd threshold, random loss, a
 * range or a list of segments) and the SACK blocks the data sender receives.
 */
#ifndef FLOWSIM_TEST_TCP_FIXTURE_H
#define FLOWSIM_TEST_TCP_FIXTURE_H

#include <glib.h>
#include <math.h>
#include <string.h>

#include "fakenet.h"
#include "tcp.h"
#include "testutil.h"

#define MBIT 1000000ULL
#define GBIT 1000000000ULL

struct evrec {
	u64 time;
	int side;
	enum tcp_event ev;
	u64 arg;
};

struct tc {
	struct fakenet net;
	struct tcp_conn *c;
	struct tcp_config cfg;
	GArray *events;
	bool done;
	u64 done_at;
	/* drop controls */
	u32 drop_data_index;     /* drop the n-th data segment from the data sender (1-based) */
	int drop_side;
	u32 data_seen;
	u64 drop_from, drop_until;   /* drop everything in [from, until) */
	u32 drop_cwnd;           /* drop the first data segment sent at cwnd >= this */
	bool cwnd_drop_done;
	double drop_prob;        /* random loss */
	GRand *rand;
	u32 drop_first, drop_last;   /* drop data segments [first, last] (1-based) once */
	const u32 *drop_list;    /* drop these data segments (1-based, ascending) once */
	u32 drop_list_len;
	/* SACK observation: ACKs from side !drop_side carrying blocks */
	GArray *sacks;           /* struct sackrec */
	u32 last_seq_in;         /* wire seq of the last data segment delivered to receiver */
};

struct sackrec {
	u32 ack;
	u32 seg_seq;             /* the data segment whose arrival this ACK answers */
	u8 n;
	u32 blk[4][2];
};

static inline void tc_deliver(void *ctx, struct sim_pkt *p)
{
	struct tc *t = ctx;

	if (p->hdr.payload)
		t->last_seq_in = p->hdr.seq;
	if (t->c && !t->done)
		tcp_conn_input(t->c, p);
	sim_pkt_free(&t->net.pool, p);
}

static inline void tc_event(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev, u64 arg)
{
	struct tc *t = ctx;
	struct evrec r = { engine_now(t->net.eng), side, ev, arg };

	g_array_append_val(t->events, r);
}

static inline void tc_done(void *ctx, struct tcp_conn *c)
{
	struct tc *t = ctx;

	t->done = true;
	t->done_at = engine_now(t->net.eng);
}

static inline bool tc_drop(struct fakenet *n, const struct sim_pkt *p)
{
	struct tc *t = n->user;
	u64 now = engine_now(n->eng);

	if (t->drop_until && now >= t->drop_from && now < t->drop_until)
		return true;
	if (t->sacks && p->side != t->drop_side && p->tcp_nsack) {
		struct sackrec r = { p->hdr.ack, t->last_seq_in, p->tcp_nsack, { { 0 } } };

		memcpy(r.blk, p->tcp_sack, sizeof(r.blk));
		g_array_append_val(t->sacks, r);
	}
	if (p->side == t->drop_side && p->hdr.payload > 0) {
		u32 i;

		t->data_seen++;
		if (t->data_seen == t->drop_data_index)
			return true;
		if (t->data_seen >= t->drop_first && t->data_seen <= t->drop_last)
			return true;
		for (i = 0; i < t->drop_list_len; i++)
			if (t->data_seen == t->drop_list[i])
				return true;
		if (t->drop_cwnd && !t->cwnd_drop_done &&
		    tcp_conn_ep(t->c, t->drop_side)->cwnd >= t->drop_cwnd) {
			t->cwnd_drop_done = true;
			return true;
		}
	}
	if (t->rand && g_rand_double(t->rand) < t->drop_prob)
		return true;
	return false;
}

/* A connection 10.0.1.99:40000 -> 10.0.2.99:5201 (or dead:1::99 -> dead:2::99). */
static inline void tc_init(struct tc *t, u64 rate, u64 rtt, int cc, bool v6)
{
	memset(t, 0, sizeof(*t));
	fakenet_init(&t->net, rate, rtt / 2);
	t->net.deliver = tc_deliver;
	t->net.deliver_ctx = t;
	t->net.drop = tc_drop;
	t->net.user = t;
	t->events = g_array_new(FALSE, FALSE, sizeof(struct evrec));
	t->cfg.tuple.family = v6 ? FS_AF_INET6 : FS_AF_INET;
	t->cfg.tuple.src = tu_addr(v6 ? "dead:1::99" : "10.0.1.99");
	t->cfg.tuple.dst = tu_addr(v6 ? "dead:2::99" : "10.0.2.99");
	t->cfg.tuple.sport = 40000;
	t->cfg.tuple.dport = 5201;
	t->cfg.flow = 7;
	t->cfg.cc = (u8)cc;
	t->cfg.iss[0] = 1000;
	t->cfg.iss[1] = 500000;
	t->cfg.event = tc_event;
	t->cfg.done = tc_done;
	t->cfg.cb_ctx = t;
	t->drop_side = -1;
}

/* Side `sender` sends `bytes` (or unlimited until stop_at); the other side receives. */
static inline void tc_bulk(struct tc *t, int sender, u64 bytes, u64 stop_at)
{
	t->cfg.app[sender].bytes = bytes;
	t->cfg.app[sender].stop_at = stop_at;
	t->cfg.app[!sender].bytes = 0;
	t->cfg.app[!sender].wait_eof = true;
}

static inline void tc_start(struct tc *t)
{
	char err[256];

	t->c = tcp_conn_create(&t->net.env, &t->cfg, err, sizeof(err));
	g_assert_nonnull(t->c);
	tcp_conn_start(t->c);
}

static inline void tc_free(struct tc *t)
{
	tcp_conn_destroy(t->c);
	fakenet_free(&t->net);
	g_array_free(t->events, TRUE);
	if (t->sacks)
		g_array_free(t->sacks, TRUE);
	if (t->rand)
		g_rand_free(t->rand);
}

static inline guint tc_count(const struct tc *t, enum tcp_event ev, int side)
{
	guint i, n = 0;

	for (i = 0; i < t->events->len; i++) {
		const struct evrec *r = &g_array_index(t->events, struct evrec, i);

		if (r->ev == ev && (side < 0 || r->side == side))
			n++;
	}
	return n;
}

static inline const struct evrec *tc_find(const struct tc *t, enum tcp_event ev, guint nth)
{
	guint i;

	for (i = 0; i < t->events->len; i++) {
		const struct evrec *r = &g_array_index(t->events, struct evrec, i);

		if (r->ev == ev && nth-- == 0)
			return r;
	}
	return NULL;
}

#endif /* FLOWSIM_TEST_TCP_FIXTURE_H */
