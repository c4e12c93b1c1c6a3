/* SPDX-License-Identifier: MIT */
/*
 * qdisc_fixture.h - a bench for the qdisc tests (test_qdisc.c, test_qdisc_htb.c): a pool of
 * packets, sources that enqueue at fixed (or Poisson) intervals, and a link of a given rate
 * on the event engine that dequeues when idle, at the qdisc's next_time, recording what
 * leaves per flow; tc-style parameter helpers; and helpers that take packets from the pool
 * and drain a queue exactly at next_time for exact departure checks.
 */
#ifndef FLOWSIM_QDISC_FIXTURE_H
#define FLOWSIM_QDISC_FIXTURE_H

#include <glib.h>
#include <string.h>

#include "engine.h"
#include "qdisc.h"
#include "rng.h"

#define MAXFLOWS 8

struct tpkt {
	struct qdisc_pkt qp;
	u32 flow;
	struct tpkt *free_next;
};

struct flowstat {
	u64 delivered;
	u64 bytes;
	u64 dropped;
	u64 marked;
	u64 sojourn_max;
	u64 sojourn_sum;
};

struct harness {
	struct engine *eng;
	struct qdisc *q;
	u64 link_bps;          /* 0: infinitely fast link (the qdisc's shaper is the limit) */
	bool busy;
	engine_timer_id wake;
	struct tpkt *pool;
	struct tpkt *free;
	u32 pool_size;
	u64 outstanding;
	struct flowstat fs[MAXFLOWS];
	u64 adj_bytes;         /* cake: sum of adjusted lengths sent (pkt->priv at dequeue) */
	u64 first_tx;
	u64 last_tx;
	u64 drops_by_reason[4];
	GArray *drop_times;    /* u64, AQM drops */
	GArray *log;           /* u64: (flow << 48) | sequence of departures, determinism */
	u64 early_probe_fail;
};

struct source {
	struct harness *h;
	u32 flow;
	u32 len;
	u16 mac_len;
	u8 ecn;
	u64 interval;
	u64 stop;
	struct rng jitter;
	bool poisson;
};

static inline void h_drop(void *ctx, struct qdisc_pkt *qp, enum qdisc_drop_reason why, u64 now)
{
	struct harness *h = ctx;
	struct tpkt *p = (struct tpkt *)qp;

	h->fs[p->flow].dropped++;
	h->drops_by_reason[why]++;
	if (why == QDISC_DROP_AQM && h->drop_times)
		g_array_append_val(h->drop_times, now);
	p->free_next = h->free;
	h->free = p;
	h->outstanding--;
}

static inline struct harness *h_new(const char *kind, const struct qdisc_params *p, u64 link_bps)
{
	struct harness *h = g_new0(struct harness, 1);
	char err[256];
	u32 i;

	h->eng = engine_create();
	h->q = qdisc_create(kind, p, h_drop, h, err, sizeof(err));
	if (!h->q)
		g_error("qdisc_create(%s): %s", kind, err);
	h->link_bps = link_bps;
	h->pool_size = 40000;
	h->pool = g_new0(struct tpkt, h->pool_size);
	for (i = 0; i < h->pool_size; i++) {
		h->pool[i].free_next = h->free;
		h->free = &h->pool[i];
	}
	h->first_tx = ENGINE_TIME_NEVER;
	h->log = g_array_new(FALSE, FALSE, sizeof(u64));
	return h;
}

static inline void h_free(struct harness *h)
{
	/* let packets in flight finish (and sources run out) unless the link is held */
	if (!h->busy || engine_pending(h->eng))
		engine_run(h->eng);
	qdisc_destroy(h->q, engine_now(h->eng));
	g_assert_cmpuint(h->outstanding, ==, 0);
	engine_destroy(h->eng);
	if (h->drop_times)
		g_array_free(h->drop_times, TRUE);
	g_array_free(h->log, TRUE);
	g_free(h->pool);
	g_free(h);
}

static inline void h_try_send(struct harness *h);

static inline void h_tx_done(struct engine *eng, engine_arg a, engine_arg b)
{
	struct harness *h = a.p;
	struct tpkt *p = b.p;

	h->busy = false;
	p->free_next = h->free;
	h->free = p;
	h->outstanding--;
	h_try_send(h);
}

static inline void h_wake(struct engine *eng, engine_arg a, engine_arg b)
{
	h_try_send(a.p);
}

static inline void h_try_send(struct harness *h)
{
	u64 now = engine_now(h->eng);
	u64 nt;
	struct tpkt *p;
	u64 sojourn;

	if (h->busy)
		return;
	nt = qdisc_next_time(h->q, now);
	if (nt == QDISC_TIME_NEVER)
		return;
	if (nt > now) {
		/* the shaper must not release anything before next_time */
		if (qdisc_dequeue(h->q, now))
			h->early_probe_fail++;
		engine_timer_set(h->eng, &h->wake, nt, h_wake, ENGINE_PTR(h), ENGINE_NOARG);
		return;
	}
	p = (struct tpkt *)qdisc_dequeue(h->q, now);
	if (!p)
		return; /* AQM dropped what was there */
	sojourn = now - p->qp.enq_time;
	h->fs[p->flow].delivered++;
	h->fs[p->flow].bytes += p->qp.len;
	h->fs[p->flow].sojourn_sum += sojourn;
	if (p->qp.ecn == QDISC_ECN_CE)
		h->fs[p->flow].marked++;
	if (sojourn > h->fs[p->flow].sojourn_max)
		h->fs[p->flow].sojourn_max = sojourn;
	if (!strcmp(h->q->ops->kind, "cake"))
		h->adj_bytes += p->qp.priv;
	if (h->first_tx == ENGINE_TIME_NEVER)
		h->first_tx = now;
	h->last_tx = now;
	{
		u64 v = ((u64)p->flow << 48) | h->fs[p->flow].delivered;

		g_array_append_val(h->log, v);
	}
	h->busy = true;
	engine_schedule(h->eng, now + (h->link_bps ? (u64)p->qp.len * 8000000000ULL / h->link_bps : 0),
			h_tx_done, ENGINE_PTR(h), ENGINE_PTR(p));
}

/* take a packet from the pool without offering it */
static inline struct tpkt *h_take(struct harness *h, u32 flow, u32 len, u16 mac_len)
{
	struct tpkt *p = h->free;

	g_assert_nonnull(p);
	h->free = p->free_next;
	memset(&p->qp, 0, sizeof(p->qp));
	p->flow = flow;
	p->qp.data = p;
	p->qp.len = len;
	p->qp.mac_len = mac_len;
	p->qp.hash = 0x9e3779b9u * (flow + 1); /* distinct queues for distinct flows */
	h->outstanding++;
	return p;
}

/* take a packet from the pool and enqueue it now; the link sends when it can */
static inline void h_offer(struct harness *h, u32 flow, u32 len, u16 mac_len, u8 ecn)
{
	struct tpkt *p = h_take(h, flow, len, mac_len);

	p->qp.ecn = ecn;
	qdisc_enqueue(h->q, &p->qp, engine_now(h->eng));
	h_try_send(h);
}

static inline void src_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct source *s = a.p;
	u64 next;

	h_offer(s->h, s->flow, s->len, s->mac_len, s->ecn);
	next = s->poisson ? (u64)rng_exponential(&s->jitter, (double)s->interval) + 1 :
			    s->interval;
	if (engine_now(eng) + next < s->stop)
		engine_schedule(eng, engine_now(eng) + next, src_cb, a, b);
}

static inline void src_start(struct source *s, struct harness *h, u32 flow, u32 len, u64 interval,
		      u64 start, u64 stop)
{
	memset(s, 0, sizeof(*s));
	s->h = h;
	s->flow = flow;
	s->len = len;
	s->mac_len = 14;
	s->interval = interval;
	s->stop = stop;
	rng_init(&s->jitter, 99, flow);
	engine_schedule(h->eng, start, src_cb, ENGINE_PTR(s), ENGINE_NOARG);
}

static inline struct qdisc_params params(const char *kind, const char *const *argv)
{
	struct qdisc_params p;
	char err[256];
	int argc = 0;

	g_assert_cmpint(qdisc_params_init(&p, kind, err, sizeof(err)), ==, 0);
	while (argv && argv[argc])
		argc++;
	if (qdisc_params_parse(&p, kind, argc, argv, err, sizeof(err)))
		g_error("params: %s", err);
	return p;
}

/* ------------------------------------------------------------ factory & parameters */

static inline void expect_param_error(const char *kind, const char *const *argv, const char *msg)
{
	struct qdisc_params p;
	char err[256] = "";
	int argc = 0;

	while (argv[argc])
		argc++;
	qdisc_params_init(&p, kind, NULL, 0);
	g_assert_cmpint(qdisc_params_parse(&p, kind, argc, argv, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, msg);
}

static inline void h_give_back(struct harness *h, struct tpkt *p)
{
	p->free_next = h->free;
	h->free = p;
	h->outstanding--;
}

/*
 * Dequeue `n` packets, each exactly at qdisc_next_time() (checking that nothing leaves a
 * nanosecond earlier when the shaper holds the queue), starting at `now`; departure times
 * into t[], the packets back to the pool in order; returns them for identity checks.
 */
static inline void drain_at_next_time(struct harness *h, u64 now, u32 n, u64 *t, struct tpkt **out)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u64 nt = qdisc_next_time(h->q, now);
		struct tpkt *p;

		g_assert_cmpuint(nt, !=, QDISC_TIME_NEVER);
		g_assert_cmpuint(nt, >=, now);
		if (nt > now)
			g_assert_null(qdisc_dequeue(h->q, nt - 1));
		p = (struct tpkt *)qdisc_dequeue(h->q, nt);
		g_assert_nonnull(p);
		t[i] = nt;
		if (out)
			out[i] = p;
		h_give_back(h, p);
		now = nt;
	}
}

#endif
