/* SPDX-License-Identifier: MIT */
/*
 * test_engine.c - the discrete-event engine: ordering, clock, stop, timers (cancel, move,
 * purge of dead entries), contract violations, and a randomized differential test against
 * a naive reference scheduler.
 */
#include <glib.h>
#include <string.h>

#include "engine.h"
#include "rng.h"

/* ------------------------------------------------------------ helpers */

struct trace {
	GArray *ev;      /* struct rec */
};

struct rec {
	u64 time;
	u64 label;
};

static void record_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct trace *t = a.p;
	struct rec r = { engine_now(eng), b.u };

	g_array_append_val(t->ev, r);
}

static struct trace *trace_new(void)
{
	struct trace *t = g_new0(struct trace, 1);

	t->ev = g_array_new(FALSE, FALSE, sizeof(struct rec));
	return t;
}

static void trace_free(struct trace *t)
{
	g_array_free(t->ev, TRUE);
	g_free(t);
}

static struct rec trace_at(const struct trace *t, guint i)
{
	return g_array_index(t->ev, struct rec, i);
}

/* ------------------------------------------------------------ ordering */

static void test_order_time_then_insertion(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	/* (time, label) in scheduling order; expected run order is by time, ties by this order */
	static const u64 sched[][2] = {
		{ 300, 1 }, { 100, 2 }, { 300, 3 }, { 0, 4 }, { 100, 5 },
		{ 255, 6 }, { 256, 7 }, { 65536, 8 }, { 100, 9 }, { 0, 10 },
	};
	static const u64 expect[] = { 4, 10, 2, 5, 9, 6, 7, 1, 3, 8 };
	guint i;

	for (i = 0; i < G_N_ELEMENTS(sched); i++)
		engine_schedule(eng, sched[i][0], record_cb, ENGINE_PTR(t), ENGINE_U64(sched[i][1]));
	g_assert_cmpuint(engine_pending(eng), ==, 10);
	g_assert_cmpuint(engine_run(eng), ==, 10);
	g_assert_cmpuint(t->ev->len, ==, 10);
	for (i = 0; i < G_N_ELEMENTS(expect); i++)
		g_assert_cmpuint(trace_at(t, i).label, ==, expect[i]);
	g_assert_cmpuint(engine_now(eng), ==, 65536);
	g_assert_cmpuint(engine_pending(eng), ==, 0);
	trace_free(t);
	engine_destroy(eng);
}

/* Times spanning every byte level, up to the largest representable time. */
static void test_order_extreme_times(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	u64 times[64 + 3];
	guint i, n = 0;

	for (i = 0; i < 64; i++)
		times[n++] = ((u64)1 << i) + (i & 1);
	times[n++] = ENGINE_TIME_NEVER;      /* runs under engine_run(), last */
	times[n++] = ENGINE_TIME_NEVER - 1;
	times[n++] = 0;
	/* schedule in reverse so insertion order disagrees with time order */
	for (i = n; i-- > 0;)
		engine_schedule(eng, times[i], record_cb, ENGINE_PTR(t), ENGINE_U64(times[i]));
	engine_run(eng);
	g_assert_cmpuint(t->ev->len, ==, n);
	for (i = 1; i < n; i++)
		g_assert_cmpuint(trace_at(t, i - 1).time, <=, trace_at(t, i).time);
	for (i = 0; i < n; i++)
		g_assert_cmpuint(trace_at(t, i).time, ==, trace_at(t, i).label);
	g_assert_cmpuint(engine_now(eng), ==, ENGINE_TIME_NEVER);
	trace_free(t);
	engine_destroy(eng);
}

/* An event scheduled for "now" from a callback runs after everything already due now. */
struct chain {
	struct trace *t;
	int left;
};

static void chain_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct chain *c = a.p;

	record_cb(eng, ENGINE_PTR(c->t), b);
	if (c->left-- > 0)
		engine_schedule(eng, engine_now(eng), chain_cb, a, ENGINE_U64(b.u + 100));
}

static void test_order_zero_delay_goes_last(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	struct chain c = { t, 2 };

	engine_schedule(eng, 50, chain_cb, ENGINE_PTR(&c), ENGINE_U64(1));
	engine_schedule(eng, 50, record_cb, ENGINE_PTR(t), ENGINE_U64(2));
	engine_schedule(eng, 51, record_cb, ENGINE_PTR(t), ENGINE_U64(3));
	engine_run(eng);
	g_assert_cmpuint(t->ev->len, ==, 5);
	g_assert_cmpuint(trace_at(t, 0).label, ==, 1);
	g_assert_cmpuint(trace_at(t, 1).label, ==, 2);
	g_assert_cmpuint(trace_at(t, 2).label, ==, 101);
	g_assert_cmpuint(trace_at(t, 3).label, ==, 201);
	g_assert_cmpuint(trace_at(t, 4).label, ==, 3);
	trace_free(t);
	engine_destroy(eng);
}

/* Long chains at one instant: the same-time bucket is consumed from the front while it
 * grows at the back; order must stay exactly FIFO. */
struct samechain {
	u64 next_label;
	u64 last_seen;
	u64 runs;
	bool ordered;
};

static void samechain_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct samechain *c = a.p;

	if (b.u <= c->last_seen && c->runs)
		c->ordered = false;
	c->last_seen = b.u;
	c->runs++;
	if (c->next_label < 200000)
		engine_schedule(eng, engine_now(eng), samechain_cb, a, ENGINE_U64(c->next_label++));
}

static void test_order_long_same_time_chain(void)
{
	struct engine *eng = engine_create();
	struct samechain c = { .next_label = 0, .ordered = true };
	int i;

	for (i = 0; i < 3; i++)
		engine_schedule(eng, 77, samechain_cb, ENGINE_PTR(&c), ENGINE_U64(c.next_label++));
	g_assert_cmpuint(engine_run(eng), ==, 200000);
	g_assert_true(c.ordered);
	g_assert_cmpuint(engine_now(eng), ==, 77);
	engine_destroy(eng);
}

/* ------------------------------------------------------------ clock, run_until, stop */

static void test_run_until_inclusive_and_clock(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();

	engine_schedule(eng, 10, record_cb, ENGINE_PTR(t), ENGINE_U64(10));
	engine_schedule(eng, 20, record_cb, ENGINE_PTR(t), ENGINE_U64(20));
	engine_schedule(eng, 30, record_cb, ENGINE_PTR(t), ENGINE_U64(30));
	g_assert_cmpuint(engine_run_until(eng, 20), ==, 2);
	g_assert_cmpuint(engine_now(eng), ==, 20);
	g_assert_cmpuint(engine_run_until(eng, 25), ==, 0);
	g_assert_cmpuint(engine_now(eng), ==, 25);
	/* until in the past: nothing happens, the clock does not go back */
	g_assert_cmpuint(engine_run_until(eng, 5), ==, 0);
	g_assert_cmpuint(engine_now(eng), ==, 25);
	engine_schedule_in(eng, 1, record_cb, ENGINE_PTR(t), ENGINE_U64(26));
	g_assert_cmpuint(engine_run(eng), ==, 2);
	g_assert_cmpuint(engine_now(eng), ==, 30);
	g_assert_cmpuint(trace_at(t, 2).label, ==, 26);
	g_assert_cmpuint(trace_at(t, 3).label, ==, 30);
	trace_free(t);
	engine_destroy(eng);
}

static void stop_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	record_cb(eng, a, b);
	engine_stop(eng);
}

static void test_stop(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();

	engine_schedule(eng, 10, record_cb, ENGINE_PTR(t), ENGINE_U64(1));
	engine_schedule(eng, 20, stop_cb, ENGINE_PTR(t), ENGINE_U64(2));
	engine_schedule(eng, 20, record_cb, ENGINE_PTR(t), ENGINE_U64(3));
	engine_schedule(eng, 40, record_cb, ENGINE_PTR(t), ENGINE_U64(4));
	g_assert_cmpuint(engine_run_until(eng, 100), ==, 2);
	g_assert_cmpuint(engine_now(eng), ==, 20); /* stopped: clock stays at the event */
	g_assert_cmpuint(engine_pending(eng), ==, 2);
	/* stop requested outside a run: the next run returns at once, and consumes it */
	engine_stop(eng);
	g_assert_cmpuint(engine_run(eng), ==, 0);
	g_assert_cmpuint(engine_run(eng), ==, 2);
	g_assert_cmpuint(t->ev->len, ==, 4);
	trace_free(t);
	engine_destroy(eng);
}

/* ------------------------------------------------------------ timers */

static void test_timer_cancel(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	engine_timer_id a, b;
	struct engine_stats st;

	a = engine_timer_start(eng, 100, record_cb, ENGINE_PTR(t), ENGINE_U64(1));
	b = engine_timer_start(eng, 200, record_cb, ENGINE_PTR(t), ENGINE_U64(2));
	g_assert_cmpuint(a, !=, ENGINE_TIMER_NONE);
	g_assert_cmpuint(a, !=, b);
	g_assert_true(engine_timer_pending(eng, a));
	g_assert_cmpuint(engine_timer_expires(eng, b), ==, 200);
	g_assert_true(engine_timer_cancel(eng, a));
	g_assert_false(engine_timer_cancel(eng, a));
	g_assert_false(engine_timer_pending(eng, a));
	g_assert_cmpuint(engine_timer_expires(eng, a), ==, ENGINE_TIME_NEVER);
	g_assert_false(engine_timer_cancel(eng, ENGINE_TIMER_NONE));
	g_assert_false(engine_timer_reschedule(eng, a, 500));
	g_assert_cmpuint(engine_pending(eng), ==, 1);
	g_assert_cmpuint(engine_run(eng), ==, 1);
	g_assert_cmpuint(t->ev->len, ==, 1);
	g_assert_cmpuint(trace_at(t, 0).label, ==, 2);
	/* the cancelled timer's dead entry did not move the clock */
	g_assert_cmpuint(engine_now(eng), ==, 200);
	/* fired timers are not pending; their handles stay dead after the slot is reused */
	g_assert_false(engine_timer_pending(eng, b));
	g_assert_false(engine_timer_cancel(eng, b));
	a = engine_timer_start(eng, 300, record_cb, ENGINE_PTR(t), ENGINE_U64(3));
	g_assert_false(engine_timer_pending(eng, b));
	g_assert_true(engine_timer_pending(eng, a));
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.timers_started, ==, 3);
	g_assert_cmpuint(st.timers_cancelled, ==, 1);
	g_assert_cmpuint(st.timers_fired, ==, 1);
	g_assert_cmpuint(st.dead_skipped, ==, 1);
	trace_free(t);
	engine_destroy(eng);
}

/* A dead entry beyond the last event must not push the queue past the clock. */
static void test_timer_dead_entry_after_last_event(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	engine_timer_id id;

	engine_schedule(eng, 10, record_cb, ENGINE_PTR(t), ENGINE_U64(1));
	id = engine_timer_start(eng, 1000000, record_cb, ENGINE_PTR(t), ENGINE_U64(2));
	engine_timer_cancel(eng, id);
	engine_run(eng);
	g_assert_cmpuint(engine_now(eng), ==, 10);
	/* schedule between the clock and the dead entry's time: must still be ordered */
	engine_schedule(eng, 20, record_cb, ENGINE_PTR(t), ENGINE_U64(3));
	engine_schedule(eng, 15, record_cb, ENGINE_PTR(t), ENGINE_U64(4));
	engine_run(eng);
	g_assert_cmpuint(t->ev->len, ==, 3);
	g_assert_cmpuint(trace_at(t, 1).label, ==, 4);
	g_assert_cmpuint(trace_at(t, 2).label, ==, 3);
	trace_free(t);
	engine_destroy(eng);
}

static void test_timer_move_later_and_earlier(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	engine_timer_id id;
	struct engine_stats st;

	id = engine_timer_start(eng, 100, record_cb, ENGINE_PTR(t), ENGINE_U64(7));
	g_assert_true(engine_timer_reschedule(eng, id, 5000)); /* later: no new entry */
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.queue_entries, ==, 1);
	g_assert_cmpuint(engine_timer_expires(eng, id), ==, 5000);
	g_assert_cmpuint(engine_run_until(eng, 4999), ==, 0);
	g_assert_true(engine_timer_pending(eng, id));
	g_assert_true(engine_timer_reschedule(eng, id, 6000));
	g_assert_true(engine_timer_reschedule(eng, id, 5500)); /* earlier than the live entry */
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.timer_requeues, ==, 1);
	g_assert_cmpuint(engine_pending(eng), ==, 1);
	g_assert_cmpuint(engine_run(eng), ==, 1);
	g_assert_cmpuint(trace_at(t, 0).time, ==, 5500);
	g_assert_cmpuint(engine_now(eng), ==, 5500);
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.timers_moved, ==, 3);
	g_assert_cmpuint(st.queue_entries, ==, 0);
	g_assert_cmpuint(st.timers_allocated, ==, 0);
	trace_free(t);
	engine_destroy(eng);
}

/*
 * A moved timer is ordered among same-time events as if scheduled at the move: event E1
 * scheduled before the move runs first, E2 scheduled after the move runs after it.
 */
struct move_ctx {
	struct trace *t;
	engine_timer_id id;
};

static void mover_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct move_ctx *m = a.p;

	g_assert_true(engine_timer_reschedule(eng, m->id, 1000));
	engine_schedule(eng, 1000, record_cb, ENGINE_PTR(m->t), ENGINE_U64(2));
}

static void test_timer_move_tie_order(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	struct move_ctx m = { t, 0 };

	m.id = engine_timer_start(eng, 500, record_cb, ENGINE_PTR(t), ENGINE_U64(9));
	engine_schedule(eng, 1000, record_cb, ENGINE_PTR(t), ENGINE_U64(1));
	engine_schedule(eng, 100, mover_cb, ENGINE_PTR(&m), ENGINE_NOARG);
	engine_run(eng);
	g_assert_cmpuint(t->ev->len, ==, 3);
	g_assert_cmpuint(trace_at(t, 0).label, ==, 1);
	g_assert_cmpuint(trace_at(t, 1).label, ==, 9);
	g_assert_cmpuint(trace_at(t, 2).label, ==, 2);
	trace_free(t);
	engine_destroy(eng);
}

static void rearm_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	engine_timer_id *id = a.p;

	/* the handle of a firing timer is already dead: engine_timer_set starts a new one */
	g_assert_false(engine_timer_pending(eng, *id));
	if (engine_now(eng) < 1000)
		engine_timer_set(eng, id, engine_now(eng) + 100, rearm_cb, a, b);
}

static void test_timer_set_rearms_from_callback(void)
{
	struct engine *eng = engine_create();
	engine_timer_id id = ENGINE_TIMER_NONE;
	struct engine_stats st;

	engine_timer_set(eng, &id, 100, rearm_cb, ENGINE_PTR(&id), ENGINE_NOARG);
	g_assert_cmpuint(engine_run(eng), ==, 10);
	g_assert_cmpuint(engine_now(eng), ==, 1000);
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.timers_started, ==, 10);
	g_assert_cmpuint(st.timers_allocated, ==, 0);
	engine_destroy(eng);
}

/* Cancelling almost everything keeps the queue proportional to what is pending. */
static void test_timer_dead_entries_purged(void)
{
	struct engine *eng = engine_create();
	struct trace *t = trace_new();
	engine_timer_id *ids = g_new(engine_timer_id, 200000);
	struct engine_stats st;
	guint i;

	for (i = 0; i < 200000; i++)
		ids[i] = engine_timer_start(eng, 1000 + i, record_cb, ENGINE_PTR(t), ENGINE_U64(i));
	/* move every timer earlier twice: each move leaves a dead entry behind */
	for (i = 0; i < 200000; i++) {
		engine_timer_reschedule(eng, ids[i], 900 + i / 2);
		engine_timer_reschedule(eng, ids[i], 800 + i / 4);
	}
	for (i = 0; i < 200000; i++)
		if (i % 100)
			engine_timer_cancel(eng, ids[i]);
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.pending, ==, 2000);
	g_assert_cmpuint(st.compactions, >, 0);
	g_assert_cmpuint(st.queue_entries, <=, 2000 + 4096);
	g_assert_cmpuint(engine_run(eng), ==, 2000);
	for (i = 0; i < 2000; i++) {
		g_assert_cmpuint(trace_at(t, i).label, ==, i * 100);
		g_assert_cmpuint(trace_at(t, i).time, ==, 800 + i * 100 / 4);
	}
	engine_get_stats(eng, &st);
	g_assert_cmpuint(st.queue_entries, ==, 0);
	g_assert_cmpuint(st.timers_allocated, ==, 0);
	g_free(ids);
	trace_free(t);
	engine_destroy(eng);
}

/* ------------------------------------------------------------ contract violations */

static void noop_cb(struct engine *eng, engine_arg a, engine_arg b)
{
}

static void test_contract_past_aborts(void)
{
	if (g_test_subprocess()) {
		struct engine *eng = engine_create();

		engine_schedule(eng, 100, noop_cb, ENGINE_NOARG, ENGINE_NOARG);
		engine_run_until(eng, 200);
		engine_schedule(eng, 150, noop_cb, ENGINE_NOARG, ENGINE_NOARG);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*engine_schedule: time 150 is before now 200*");
}

static void nested_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	engine_run(eng);
}

static void test_contract_nested_run_aborts(void)
{
	if (g_test_subprocess()) {
		struct engine *eng = engine_create();

		engine_schedule(eng, 1, nested_cb, ENGINE_NOARG, ENGINE_NOARG);
		engine_run(eng);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*engine_run_until: called from inside an event callback*");
}

/* ------------------------------------------------------------ differential test */

/*
 * The same randomized workload runs against the engine and against a naive reference
 * (an unsorted array scanned for the minimum (time, seq)).  Callbacks draw from one RNG
 * stream, so as long as both schedulers run events in the same order they make the same
 * calls; any divergence shows up in the traces.
 */
#define DIFF_TIMERS 64

struct naive_ev {
	u64 time;
	u64 seq;
	u64 label;
	int timer;       /* -1: plain event */
};

struct world {
	bool naive;
	struct engine *eng;
	GArray *pend;     /* naive: struct naive_ev */
	u64 now;
	u64 seq;
	struct rng rng;
	GArray *log;      /* struct rec */
	engine_timer_id tid[DIFF_TIMERS];
	bool tarmed[DIFF_TIMERS];  /* naive only */
	u64 next_label;
	u64 budget;
};

static void w_event(struct world *w, u64 label);

static void w_engine_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world *w = a.p;

	w->now = engine_now(eng);
	w_event(w, b.u);
}

static u64 w_pick_time(struct world *w)
{
	switch (rng_below(&w->rng, 4)) {
	case 0:
		return w->now;                           /* same instant */
	case 1:
		return w->now + rng_below(&w->rng, 4);   /* near ties */
	case 2:
		return w->now + rng_below(&w->rng, 1000);
	default:
		return w->now + rng_below(&w->rng, (u64)1 << rng_below(&w->rng, 40));
	}
}

static void w_schedule(struct world *w, u64 time, u64 label)
{
	if (w->naive) {
		struct naive_ev e = { time, w->seq++, label, -1 };

		g_array_append_val(w->pend, e);
	} else {
		engine_schedule(w->eng, time, w_engine_cb, ENGINE_PTR(w), ENGINE_U64(label));
	}
}

static int naive_find_timer(struct world *w, int k)
{
	guint i;

	for (i = 0; i < w->pend->len; i++)
		if (g_array_index(w->pend, struct naive_ev, i).timer == k)
			return (int)i;
	return -1;
}

/* timer k: start (if idle) or move (if armed) to `time` */
static void w_timer_set(struct world *w, int k, u64 time)
{
	u64 label = 1000000 + (u64)k;

	if (w->naive) {
		int i = naive_find_timer(w, k);
		struct naive_ev e = { time, w->seq++, label, k };

		if (i >= 0)
			g_array_remove_index(w->pend, (guint)i);
		g_array_append_val(w->pend, e);
		w->tarmed[k] = true;
	} else {
		engine_timer_set(w->eng, &w->tid[k], time, w_engine_cb, ENGINE_PTR(w),
				 ENGINE_U64(label));
	}
}

static void w_timer_cancel(struct world *w, int k)
{
	bool was;

	if (w->naive) {
		int i = naive_find_timer(w, k);

		was = i >= 0;
		if (was)
			g_array_remove_index(w->pend, (guint)i);
		w->tarmed[k] = false;
	} else {
		was = engine_timer_cancel(w->eng, w->tid[k]);
	}
	/* log the observable result of cancel too */
	{
		struct rec r = { w->now, 2000000 + (u64)k * 2 + was };

		g_array_append_val(w->log, r);
	}
}

static void w_event(struct world *w, u64 label)
{
	struct rec r = { w->now, label };
	int n, i;

	g_array_append_val(w->log, r);
	if (label >= 1000000 && label < 2000000 && w->naive)
		w->tarmed[label - 1000000] = false;
	if (!w->budget)
		return;
	w->budget--;
	n = (int)rng_below(&w->rng, 4);
	for (i = 0; i < n; i++) {
		u32 op = (u32)rng_below(&w->rng, 10);
		int k = (int)rng_below(&w->rng, DIFF_TIMERS);

		if (op < 5)
			w_schedule(w, w_pick_time(w), w->next_label++);
		else if (op < 8)
			w_timer_set(w, k, w_pick_time(w));
		else
			w_timer_cancel(w, k);
	}
}

static void w_run_naive(struct world *w)
{
	while (w->pend->len) {
		guint i, best = 0;
		struct naive_ev e;

		for (i = 1; i < w->pend->len; i++) {
			struct naive_ev *a = &g_array_index(w->pend, struct naive_ev, i);
			struct naive_ev *b = &g_array_index(w->pend, struct naive_ev, best);

			if (a->time < b->time || (a->time == b->time && a->seq < b->seq))
				best = i;
		}
		e = g_array_index(w->pend, struct naive_ev, best);
		g_array_remove_index_fast(w->pend, best);
		w->now = e.time;
		w_event(w, e.label);
	}
}

static GArray *w_run(bool naive, u64 seed)
{
	struct world w;
	int i;

	memset(&w, 0, sizeof(w));
	w.naive = naive;
	w.pend = g_array_new(FALSE, FALSE, sizeof(struct naive_ev));
	w.log = g_array_new(FALSE, FALSE, sizeof(struct rec));
	w.eng = naive ? NULL : engine_create();
	w.budget = 6000;
	w.next_label = 1;
	rng_init(&w.rng, seed, 0);
	for (i = 0; i < 50; i++)
		w_schedule(&w, rng_below(&w.rng, 100), w.next_label++);
	if (naive) {
		w_run_naive(&w);
	} else {
		engine_run(w.eng);
		g_assert_cmpuint(engine_pending(w.eng), ==, 0);
		engine_destroy(w.eng);
	}
	g_array_free(w.pend, TRUE);
	return w.log;
}

static void test_differential_vs_naive(void)
{
	u64 seed;

	for (seed = 1; seed <= 6; seed++) {
		GArray *a = w_run(false, seed);
		GArray *b = w_run(true, seed);
		guint i;

		g_assert_cmpuint(a->len, ==, b->len);
		g_assert_cmpuint(a->len, >, 6000);
		for (i = 0; i < a->len; i++) {
			struct rec *x = &g_array_index(a, struct rec, i);
			struct rec *y = &g_array_index(b, struct rec, i);

			if (x->time != y->time || x->label != y->label)
				g_error("seed %llu: step %u differs: engine (%llu, %llu) naive (%llu, %llu)",
					(unsigned long long)seed, i, (unsigned long long)x->time,
					(unsigned long long)x->label, (unsigned long long)y->time,
					(unsigned long long)y->label);
		}
		g_array_free(a, TRUE);
		g_array_free(b, TRUE);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/engine/order/time_then_insertion", test_order_time_then_insertion);
	g_test_add_func("/engine/order/extreme_times", test_order_extreme_times);
	g_test_add_func("/engine/order/zero_delay_goes_last", test_order_zero_delay_goes_last);
	g_test_add_func("/engine/order/long_same_time_chain", test_order_long_same_time_chain);
	g_test_add_func("/engine/run_until/inclusive_and_clock", test_run_until_inclusive_and_clock);
	g_test_add_func("/engine/stop", test_stop);
	g_test_add_func("/engine/timer/cancel", test_timer_cancel);
	g_test_add_func("/engine/timer/dead_entry_after_last_event",
			test_timer_dead_entry_after_last_event);
	g_test_add_func("/engine/timer/move_later_and_earlier", test_timer_move_later_and_earlier);
	g_test_add_func("/engine/timer/move_tie_order", test_timer_move_tie_order);
	g_test_add_func("/engine/timer/set_rearms_from_callback",
			test_timer_set_rearms_from_callback);
	g_test_add_func("/engine/timer/dead_entries_purged", test_timer_dead_entries_purged);
	g_test_add_func("/engine/contract/schedule_in_past_aborts", test_contract_past_aborts);
	g_test_add_func("/engine/contract/nested_run_aborts", test_contract_nested_run_aborts);
	g_test_add_func("/engine/differential/matches_naive_scheduler", test_differential_vs_naive);
	return g_test_run();
}
