/* SPDX-License-Identifier: MIT */
/*
 * engine.c - discrete-event core: clock, radix-256 bucket queue, lazily cancelled timers.
 *
 * Why this queue (measured on this machine: 2-core Xeon (Sapphire Rapids class) under KVM,
 * gcc 12 -O2, shared with other builds; best of 3 runs).  Hold model: N pending events, each
 * step pops the minimum and pushes it again at now + increment; increments from a fixed
 * table: exp = exponential mean 1 ms, unif = uniform [0, 2 ms), bimod = 95 % uniform
 * [0, 100 us) + 5 % uniform [10 ms, 20 ms).
 *
 * 1. Raw queue candidates, 16-byte entries (time, seq << 32 | index), M operations/s
 *    (pop + push), no callbacks - a scratch harness with the same loop as bench_engine:
 *
 *      N     dist   4-ary heap  binary heap  calendar (Brown)  radix heap (1-bit)
 *      1e3   exp       32.3        27.9          32.2              25.8
 *      1e4   exp       22.6        18.0          26.6              24.0
 *      1e5   exp       16.9        11.3          16.8              20.7
 *      1e6   exp        5.6         3.0           5.4              18.7
 *      1e3   unif      34.9        31.1          35.4              26.3
 *      1e4   unif      23.0        18.9          30.3              23.8
 *      1e5   unif      17.5        11.9          14.7              20.4
 *      1e6   unif       4.2         2.2           5.1              18.5
 *      1e3   bimod     28.9        25.7          36.5              29.6
 *      1e4   bimod     23.9        20.9          17.7              26.5
 *      1e5   bimod     17.7        14.3          14.8              23.6
 *      1e6   bimod      4.5         2.3           1.2              28.9
 *
 *    (4-ary heap: children of a node share one cache line; a bottom-up pop variant was
 *    within +-10 %.  Calendar: Brown's resize-by-sampling; it collapses on bimodal
 *    increments and on dense ns ties.)  The heaps fall below 20 M/s by N = 1e5 and to
 *    ~5 M/s at 1e6 (a cache miss per level), and the event record behind each heap entry
 *    would cost one more random access per event.  Bucket structures are insensitive to N
 *    and to the distribution, and with the event stored in the entry the run loop touches
 *    only sequential memory.  With 40-byte entries the 1-bit radix heap reached only
 *    16-17 M/s at 1e5 and 11 M/s at 1e6 (many moves per entry); 8-bit digits cut the
 *    moves to ~2 per event.
 *
 * 2. This engine (radix-256 bucket queue, 40-byte entries), end to end: engine_schedule()
 *    from the callback, dispatch through engine_run(); bench/bench_engine, M events/s:
 *
 *      N      exp    unif   bimod   moves/event   rto (timer moved on every event)
 *      1e3   23.8   23.3    27.1       2.0         20.6
 *      1e4   24.4   24.3    24.3       2.0         19.6
 *      1e5   31.4   32.0    34.6       2.0         12.9  (N = 1e5 random timers)
 *      1e6   22.8   24.1    21.5       2.0          5.4
 *
 * The heaps and the calendar queue are not used and were deleted; re-run bench_engine
 * after changing the queue.
 *
 * The queue.  Every entry carries its full event (time, sequence number, callback, two
 * arguments: 40 bytes), so running an event touches no memory but the queue itself.  Entries
 * live in 8 levels x 256 buckets.  Let `last` be the time of the most recent bucket
 * boundary the queue has advanced to (last <= now <= every queued time).  An entry with time
 * t goes to level L = index of the highest byte in which t and last differ (0 if equal) and
 * bucket = byte L of t.  So:
 *  - a level-0 bucket holds entries for exactly one time, (last & ~0xff) | bucket;
 *  - within a level, bucket order is time order, and every entry of level L is earlier than
 *    every entry of a higher level;
 * Pop takes the first entry of the lowest non-empty level-0 bucket (found with bitmaps).
 * When level 0 is empty, the lowest non-empty bucket of the lowest non-empty level is
 * redistributed ("cascaded") into lower levels after advancing `last` to that bucket's
 * lower bound (the first time it can hold).  An entry is therefore moved at most 7 times, in practice 1-3 times, and all
 * moves are sequential appends.
 *
 * Same-time order.  A level-0 bucket is kept sorted by sequence number.  Entries reach it
 * in sequence order except a timer re-queued after a move (it keeps the sequence number of
 * the move), so an append checks the tail and, in that rare case, inserts in place.
 * Entries with equal times always share a bucket and cascades are stable, so this yields
 * exact (time, sequence) order.
 *
 * Timers.  A timer is a record in a table (handle = generation << 32 | index + 1).  Its
 * queue entry has fn == NULL and a.u = index; the entry is "live" when its sequence number
 * is the record's live_seq.  Moving a timer later only updates the record (time, seq); when
 * the live entry comes up it is re-queued at the record's time.  Moving it earlier queues a
 * new live entry and leaves the old one dead.  A record is recycled when it is neither
 * armed nor referenced by any queued entry.  Dead entries are counted; when they exceed
 * half of the queue (and a floor), all buckets are filtered in one pass.
 *
 * Invariant kept by the run loop: last <= now, so any time a caller may schedule
 * (>= now) can be placed.  Popping dead entries can advance `last` past `now`; that only
 * happens while the run loop goes on to a later real event or until `until` (both then
 * become `now`), or drains the queue, after which `last` is reset to `now`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define EQ_LEVELS 8
#define EQ_SLOTS 256
#define EQ_SLOT_INIT_CAP 16
/* A drained bucket keeps its array unless it is large or the queue holds a lot of spare
 * capacity overall; this bounds memory to O(peak pending) without malloc churn. */
#define EQ_SLOT_KEEP_CAP 1024
#define EQ_COMPACT_FLOOR 4096

enum tmr_state { TMR_FREE, TMR_ARMED, TMR_IDLE };

struct eq_entry {
	u64 time;
	u64 seq;
	engine_fn fn;          /* NULL: timer entry, a.u = timer index */
	engine_arg a;
	engine_arg b;
};

struct eq_slot {
	struct eq_entry *v;
	u32 len;
	u32 cap;
};

struct tmr {
	engine_fn fn;
	engine_arg a;
	engine_arg b;
	u64 time;              /* when it should fire */
	u64 seq;               /* its place among same-time events */
	u64 live_time;         /* the live queue entry's time (<= time) */
	u64 live_seq;          /* identifies the live queue entry */
	u32 gen;
	u32 refs;              /* queue entries pointing here, live or dead */
	u32 state;
	u32 next_free;
};

struct engine {
	u64 now;
	u64 last;
	u64 next_seq;
	u64 n_entries;
	u64 n_dead;
	u64 slot_cap_total;
	u8 level_mask;
	bool running;
	bool stop;
	u64 bm[EQ_LEVELS][EQ_SLOTS / 64];
	struct eq_slot slots[EQ_LEVELS][EQ_SLOTS];
	u32 head0[EQ_SLOTS];   /* level 0 pops from the front: first unconsumed entry */

	struct tmr *tmrs;
	u32 n_tmrs;            /* slots used in tmrs[] (high-water mark) */
	u32 cap_tmrs;
	u32 free_tmr;          /* head of the free list, ~0 if empty */
	u32 tmrs_in_use;

	struct engine_stats st;
};

#define TMR_NIL (~(u32)0)

static void __attribute__((noreturn, format(printf, 2, 3)))
engine_bug(const char *fn, const char *fmt, ...);

static void engine_bug(const char *fn, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "flowsim engine: %s: ", fn);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void *xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > ~(size_t)0 / size)
		engine_bug("xrealloc", "allocation of %zu x %zu bytes overflows", n, size);
	q = realloc(p, n * size);
	if (!q && n && size)
		engine_bug("xrealloc", "out of memory (%zu bytes)", n * size);
	return q;
}

/* ------------------------------------------------------------------ queue */

static inline void eq_mark(struct engine *eng, unsigned int level, unsigned int j)
{
	eng->bm[level][j >> 6] |= 1ULL << (j & 63);
	eng->level_mask |= (u8)(1u << level);
}

static inline void eq_unmark(struct engine *eng, unsigned int level, unsigned int j)
{
	u64 *w = eng->bm[level];

	w[j >> 6] &= ~(1ULL << (j & 63));
	if (!(w[0] | w[1] | w[2] | w[3]))
		eng->level_mask &= (u8)~(1u << level);
}

static inline unsigned int eq_first(const struct engine *eng, unsigned int level)
{
	const u64 *w = eng->bm[level];
	unsigned int i;

	for (i = 0; i < EQ_SLOTS / 64; i++)
		if (w[i])
			return i * 64 + (unsigned int)__builtin_ctzll(w[i]);
	return EQ_SLOTS; /* not reached: callers check level_mask first */
}

static void __attribute__((noinline)) eq_grow(struct engine *eng, struct eq_slot *s, u32 *head)
{
	u32 cap = s->cap ? s->cap * 2 : EQ_SLOT_INIT_CAP;

	/* level 0 pops from the front: reclaim the consumed prefix before growing */
	if (head && *head && *head >= s->len / 2) {
		memmove(s->v, s->v + *head, (size_t)(s->len - *head) * sizeof(*s->v));
		s->len -= *head;
		*head = 0;
		return;
	}
	if (cap < s->cap)
		engine_bug("engine_schedule", "too many events for one time bucket");
	s->v = xrealloc(s->v, cap, sizeof(*s->v));
	eng->slot_cap_total += cap - s->cap;
	s->cap = cap;
}

static void eq_release(struct engine *eng, struct eq_slot *s)
{
	s->len = 0;
	if (s->cap > EQ_SLOT_KEEP_CAP ||
	    eng->slot_cap_total > 2 * eng->n_entries + 64 * EQ_SLOT_KEEP_CAP) {
		eng->slot_cap_total -= s->cap;
		free(s->v);
		s->v = NULL;
		s->cap = 0;
	}
}

/* Level-0 append keeping same-time entries in sequence order. */
static void eq_append0(struct eq_slot *s, u32 head, const struct eq_entry *e)
{
	u32 k = s->len;

	while (k > head && s->v[k - 1].seq > e->seq) {
		s->v[k] = s->v[k - 1];
		k--;
	}
	s->v[k] = *e;
	s->len++;
}

/* Place an entry (time >= last) in its bucket. */
static inline void eq_place(struct engine *eng, const struct eq_entry *e)
{
	u64 x = e->time ^ eng->last;
	unsigned int level = x ? (unsigned int)(63 - __builtin_clzll(x)) >> 3 : 0;
	unsigned int j = (unsigned int)(e->time >> (8 * level)) & 0xff;
	struct eq_slot *s = &eng->slots[level][j];

	if (__builtin_expect(s->len == s->cap, 0))
		eq_grow(eng, s, level ? NULL : &eng->head0[j]);
	if (level == 0) {
		u32 head = eng->head0[j];

		if (__builtin_expect(s->len > head && s->v[s->len - 1].seq > e->seq, 0))
			eq_append0(s, head, e);
		else
			s->v[s->len++] = *e;
	} else {
		s->v[s->len++] = *e;
	}
	eq_mark(eng, level, j);
}

static inline void eq_push(struct engine *eng, u64 time, u64 seq, engine_fn fn, engine_arg a,
			   engine_arg b)
{
	struct eq_entry e = { .time = time, .seq = seq, .fn = fn, .a = a, .b = b };

	eq_place(eng, &e);
	eng->n_entries++;
}

/* Move the lowest non-empty bucket above level 0 down; false if that bucket is > until. */
static bool eq_cascade(struct engine *eng, u64 until)
{
	unsigned int level = (unsigned int)__builtin_ctz(eng->level_mask);
	unsigned int j = eq_first(eng, level);
	unsigned int shift = 8 * level;
	u64 keep = level == EQ_LEVELS - 1 ? 0 : ~0ULL << (shift + 8);
	u64 base = (eng->last & keep) | ((u64)j << shift);
	struct eq_slot *s = &eng->slots[level][j];
	u32 k;

	if (base > until)
		return false;
	eng->last = base;
	for (k = 0; k < s->len; k++)
		eq_place(eng, &s->v[k]);
	eng->st.entry_moves += s->len;
	eq_release(eng, s);
	eq_unmark(eng, level, j);
	return true;
}

/* Pop the first entry if its time is <= until. */
static inline bool eq_pop(struct engine *eng, u64 until, struct eq_entry *out)
{
	for (;;) {
		if (eng->level_mask & 1) {
			unsigned int j = eq_first(eng, 0);
			u64 t = (eng->last & ~0xffULL) | j;
			struct eq_slot *s = &eng->slots[0][j];

			if (t > until)
				return false;
			*out = s->v[eng->head0[j]++];
			if (eng->head0[j] == s->len) {
				eng->head0[j] = 0;
				eq_release(eng, s);
				eq_unmark(eng, 0, j);
			}
			eng->last = t;
			eng->n_entries--;
			return true;
		}
		if (!eng->level_mask || !eq_cascade(eng, until))
			return false;
	}
}

/* ------------------------------------------------------------------ timers */

static inline u64 tmr_handle(const struct engine *eng, u32 idx)
{
	return ((u64)eng->tmrs[idx].gen << 32) | (idx + 1);
}

/* The armed record behind a handle, or NULL. */
static inline struct tmr *tmr_lookup(const struct engine *eng, engine_timer_id id)
{
	u32 idx = (u32)id - 1;
	struct tmr *t;

	if ((u32)id == 0 || idx >= eng->n_tmrs)
		return NULL;
	t = &eng->tmrs[idx];
	if (t->gen != (u32)(id >> 32) || t->state != TMR_ARMED)
		return NULL;
	return t;
}

static u32 tmr_alloc(struct engine *eng)
{
	u32 idx;

	if (eng->free_tmr != TMR_NIL) {
		idx = eng->free_tmr;
		eng->free_tmr = eng->tmrs[idx].next_free;
	} else {
		if (eng->n_tmrs == eng->cap_tmrs) {
			u32 cap = eng->cap_tmrs ? eng->cap_tmrs * 2 : 64;

			if (cap <= eng->cap_tmrs || cap > 0x7fffffffu)
				engine_bug("engine_timer_start", "too many timers");
			eng->tmrs = xrealloc(eng->tmrs, cap, sizeof(*eng->tmrs));
			eng->cap_tmrs = cap;
		}
		idx = eng->n_tmrs++;
		eng->tmrs[idx].gen = 0;
	}
	eng->tmrs[idx].gen++;
	if (!eng->tmrs[idx].gen) /* keep handles nonzero after a wrap */
		eng->tmrs[idx].gen = 1;
	eng->tmrs[idx].refs = 0;
	eng->tmrs_in_use++;
	return idx;
}

static void tmr_put(struct engine *eng, u32 idx)
{
	struct tmr *t = &eng->tmrs[idx];

	if (t->refs || t->state == TMR_ARMED)
		return;
	t->state = TMR_FREE;
	t->gen++; /* handles to the old use die even before reuse */
	t->next_free = eng->free_tmr;
	eng->free_tmr = idx;
	eng->tmrs_in_use--;
}

/* Purge dead timer entries from every bucket. */
static void eq_compact(struct engine *eng)
{
	unsigned int level, j;

	for (level = 0; level < EQ_LEVELS; level++) {
		for (j = 0; j < EQ_SLOTS; j++) {
			struct eq_slot *s = &eng->slots[level][j];
			u32 head = level ? 0 : eng->head0[j];
			u32 r, w = head;

			if (s->len == head)
				continue;
			for (r = head; r < s->len; r++) {
				struct eq_entry *e = &s->v[r];

				if (!e->fn) {
					struct tmr *t = &eng->tmrs[e->a.u];

					if (t->state != TMR_ARMED || t->live_seq != e->seq) {
						t->refs--;
						tmr_put(eng, (u32)e->a.u);
						eng->n_entries--;
						continue;
					}
				}
				s->v[w++] = *e;
			}
			s->len = w;
			if (s->len == head) {
				if (!level)
					eng->head0[j] = 0;
				eq_release(eng, s);
				eq_unmark(eng, level, j);
			}
		}
	}
	eng->n_dead = 0;
	eng->st.compactions++;
}

static inline void note_dead(struct engine *eng)
{
	eng->n_dead++;
	if (eng->n_dead > EQ_COMPACT_FLOOR && eng->n_dead * 2 > eng->n_entries)
		eq_compact(eng);
}

/* ------------------------------------------------------------------ API */

struct engine *engine_create(void)
{
	struct engine *eng = calloc(1, sizeof(*eng));

	if (!eng)
		return NULL;
	eng->free_tmr = TMR_NIL;
	return eng;
}

void engine_destroy(struct engine *eng)
{
	unsigned int level, j;

	if (!eng)
		return;
	for (level = 0; level < EQ_LEVELS; level++)
		for (j = 0; j < EQ_SLOTS; j++)
			free(eng->slots[level][j].v);
	free(eng->tmrs);
	free(eng);
}

u64 engine_now(const struct engine *eng)
{
	return eng->now;
}

void engine_schedule(struct engine *eng, u64 when, engine_fn fn, engine_arg a, engine_arg b)
{
	if (__builtin_expect(when < eng->now, 0))
		engine_bug("engine_schedule", "time %llu is before now %llu",
			   (unsigned long long)when, (unsigned long long)eng->now);
	if (__builtin_expect(!fn, 0))
		engine_bug("engine_schedule", "NULL callback");
	eq_push(eng, when, eng->next_seq++, fn, a, b);
	eng->st.scheduled++;
}

void engine_schedule_in(struct engine *eng, u64 delay, engine_fn fn, engine_arg a,
			engine_arg b)
{
	if (__builtin_expect(delay > ENGINE_TIME_NEVER - eng->now, 0))
		engine_bug("engine_schedule_in", "now %llu + delay %llu overflows",
			   (unsigned long long)eng->now, (unsigned long long)delay);
	engine_schedule(eng, eng->now + delay, fn, a, b);
}

engine_timer_id engine_timer_start(struct engine *eng, u64 when, engine_fn fn, engine_arg a,
				   engine_arg b)
{
	struct tmr *t;
	u32 idx;

	if (when < eng->now)
		engine_bug("engine_timer_start", "time %llu is before now %llu",
			   (unsigned long long)when, (unsigned long long)eng->now);
	if (!fn)
		engine_bug("engine_timer_start", "NULL callback");
	idx = tmr_alloc(eng);
	t = &eng->tmrs[idx];
	t->fn = fn;
	t->a = a;
	t->b = b;
	t->time = t->live_time = when;
	t->seq = t->live_seq = eng->next_seq++;
	t->state = TMR_ARMED;
	t->refs = 1;
	eq_push(eng, when, t->seq, NULL, ENGINE_U64(idx), ENGINE_NOARG);
	eng->st.timers_started++;
	return tmr_handle(eng, idx);
}

bool engine_timer_cancel(struct engine *eng, engine_timer_id id)
{
	struct tmr *t = tmr_lookup(eng, id);

	if (!t)
		return false;
	t->state = TMR_IDLE;
	eng->st.timers_cancelled++;
	/* the live entry stays queued (refs > 0) and is dropped when it comes up */
	note_dead(eng);
	return true;
}

bool engine_timer_reschedule(struct engine *eng, engine_timer_id id, u64 when)
{
	struct tmr *t = tmr_lookup(eng, id);

	if (!t)
		return false;
	if (when < eng->now)
		engine_bug("engine_timer_reschedule", "time %llu is before now %llu",
			   (unsigned long long)when, (unsigned long long)eng->now);
	t->time = when;
	t->seq = eng->next_seq++;
	eng->st.timers_moved++;
	if (when >= t->live_time)
		return true; /* the live entry will be re-queued when it comes up */
	t->live_time = when;
	t->live_seq = t->seq;
	t->refs++;
	eq_push(eng, when, t->seq, NULL, ENGINE_U64((u32)id - 1), ENGINE_NOARG);
	note_dead(eng);
	return true;
}

bool engine_timer_pending(const struct engine *eng, engine_timer_id id)
{
	return tmr_lookup(eng, id) != NULL;
}

u64 engine_timer_expires(const struct engine *eng, engine_timer_id id)
{
	const struct tmr *t = tmr_lookup(eng, id);

	return t ? t->time : ENGINE_TIME_NEVER;
}

void engine_timer_set(struct engine *eng, engine_timer_id *id, u64 when, engine_fn fn,
		      engine_arg a, engine_arg b)
{
	struct tmr *t = tmr_lookup(eng, *id);

	if (!t) {
		*id = engine_timer_start(eng, when, fn, a, b);
		return;
	}
	if (!fn)
		engine_bug("engine_timer_set", "NULL callback");
	t->fn = fn;
	t->a = a;
	t->b = b;
	engine_timer_reschedule(eng, *id, when);
}

/* A timer entry came up at `time`: fire it, re-queue it, or drop it. */
static bool timer_entry(struct engine *eng, const struct eq_entry *e, engine_fn *fn,
			engine_arg *a, engine_arg *b)
{
	u32 idx = (u32)e->a.u;
	struct tmr *t = &eng->tmrs[idx];

	if (t->state != TMR_ARMED || t->live_seq != e->seq) {
		t->refs--;
		tmr_put(eng, idx);
		eng->n_dead--;
		eng->st.dead_skipped++;
		return false;
	}
	if (t->seq != e->seq) {
		/* moved later: re-queue at the new time with the move's sequence number */
		t->live_time = t->time;
		t->live_seq = t->seq;
		eq_push(eng, t->time, t->seq, NULL, e->a, ENGINE_NOARG);
		eng->st.timer_requeues++;
		return false;
	}
	*fn = t->fn;
	*a = t->a;
	*b = t->b;
	t->state = TMR_IDLE;
	t->refs--;
	tmr_put(eng, idx);
	eng->st.timers_fired++;
	return true;
}

u64 engine_run_until(struct engine *eng, u64 until)
{
	u64 executed = 0;
	struct eq_entry e;

	if (eng->running)
		engine_bug("engine_run_until", "called from inside an event callback");
	if (eng->stop) {
		eng->stop = false;
		return 0;
	}
	if (until < eng->now)
		return 0;
	eng->running = true;
	while (eq_pop(eng, until, &e)) {
		engine_fn fn = e.fn;
		engine_arg a = e.a, b = e.b;

		if (!fn && !timer_entry(eng, &e, &fn, &a, &b))
			continue;
		eng->now = e.time;
		fn(eng, a, b);
		executed++;
		if (eng->stop)
			break;
	}
	eng->running = false;
	eng->st.executed += executed;
	if (eng->stop) {
		eng->stop = false;
	} else if (until != ENGINE_TIME_NEVER) {
		eng->now = until;
	}
	if (!eng->n_entries)
		eng->last = eng->now; /* dead entries may have carried `last` past `now` */
	return executed;
}

u64 engine_run(struct engine *eng)
{
	return engine_run_until(eng, ENGINE_TIME_NEVER);
}

void engine_stop(struct engine *eng)
{
	eng->stop = true;
}

u64 engine_pending(const struct engine *eng)
{
	return eng->n_entries - eng->n_dead;
}

void engine_get_stats(const struct engine *eng, struct engine_stats *st)
{
	*st = eng->st;
	st->pending = engine_pending(eng);
	st->queue_entries = eng->n_entries;
	st->timers_allocated = eng->tmrs_in_use;
}
