/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the simulator's discrete-event core: one clock, one event queue.
 *
 * Time is an integer count of nanoseconds (u64) starting at 0.  An event is a callback
 * with two 64-bit arguments (each a pointer or an integer, see engine_arg) that runs at an
 * absolute time.  Events run in (time, insertion sequence) order: two events for the same
 * nanosecond run in the order they were scheduled, so a run is a pure function of what was
 * scheduled - no hash order, no address order, no wall clock.
 *
 * Two kinds of events:
 *
 *  - engine_schedule(): fire-and-forget.  The cheapest path (no bookkeeping beyond the queue
 *    entry); cannot be cancelled.  Use it for packet arrivals, transmission completions and
 *    everything else that always happens.
 *
 *  - timers (engine_timer_*): cancellable and movable, identified by an engine_timer_id.
 *    Cancel is O(1) (lazy: the queue entry is skipped when it comes up).  Moving a timer to a
 *    later time (the RTO/keepalive/watchdog pattern) is O(1) and adds no queue entry: the old
 *    entry is re-queued at the new time when it comes up.  Moving it earlier adds one entry.
 *    Dead entries are purged in bulk when they outnumber live ones, so memory stays
 *    proportional to the number of pending events.
 *    A moved timer takes its place among same-time events as if it had been cancelled and
 *    scheduled anew at the moment of the move.
 *
 * Callbacks may schedule, cancel and move events (including their own timer), and may call
 * engine_stop(); they must not call engine_run*() (no nesting).
 *
 * Contract violations - scheduling in the past (when < engine_now()), nesting run calls,
 * time overflow - are programming errors: the engine prints a message naming the call and
 * aborts.  Memory exhaustion also aborts (as GLib does); the hot paths allocate only when a
 * queue array grows, never per event.
 *
 * The queue is a radix-256 bucket queue (see the comment at the top of engine.c for the
 * measurements that chose it): push is O(1), pop is O(1) amortised with each entry moved at
 * most 7 times (typically 1-3), for any distribution of event times.
 *
 * Single-threaded: one engine per thread; distinct engines share nothing.
 */
#ifndef FLOWSIM_ENGINE_H
#define FLOWSIM_ENGINE_H

#include "fs_port.h"

struct engine;

/* One event argument: a pointer or a 64-bit integer (callers know which). */
typedef union engine_arg {
	void *p;
	u64 u;
} engine_arg;

#define ENGINE_PTR(x) ((engine_arg){ .p = (x) })
#define ENGINE_U64(x) ((engine_arg){ .u = (u64)(x) })
#define ENGINE_NOARG ENGINE_U64(0)

typedef void (*engine_fn)(struct engine *eng, engine_arg a, engine_arg b);

/* A timer handle: 0 is never a valid handle (use it for "no timer"). */
typedef u64 engine_timer_id;
#define ENGINE_TIMER_NONE ((engine_timer_id)0)

/* Returned for "no time": a timer that is not pending, an empty queue. */
#define ENGINE_TIME_NEVER (~(u64)0)

struct engine_stats {
	u64 executed;          /* callbacks run (events + timers) */
	u64 scheduled;         /* engine_schedule*() calls */
	u64 timers_started;    /* engine_timer_start() calls (and arming engine_timer_set()) */
	u64 timers_fired;
	u64 timers_cancelled;
	u64 timers_moved;      /* engine_timer_reschedule() on a pending timer */
	u64 timer_requeues;    /* entries re-queued because their timer had moved later */
	u64 dead_skipped;      /* cancelled/superseded entries dropped when they came up */
	u64 compactions;       /* bulk purges of dead entries */
	u64 entry_moves;       /* queue-internal moves between buckets (cost indicator) */
	u64 pending;           /* events and timers that will still run */
	u64 queue_entries;     /* entries in the queue, including dead ones */
	u64 timers_allocated;  /* timer records in use (pending, or dead but still queued) */
};

/* Create an engine at time 0 with an empty queue; NULL only if memory is exhausted. */
struct engine *engine_create(void);
/* Free the engine.  Pending events are discarded without running. */
void engine_destroy(struct engine *eng);

/* The current time: the time of the running event, or where the last run stopped. */
u64 engine_now(const struct engine *eng);

/* Run fn(eng, a, b) at absolute time `when` (>= engine_now()). */
void engine_schedule(struct engine *eng, u64 when, engine_fn fn, engine_arg a, engine_arg b);
/* Same, `delay` ns from now. */
void engine_schedule_in(struct engine *eng, u64 delay, engine_fn fn, engine_arg a,
			engine_arg b);

/* Start a timer running fn(eng, a, b) at `when` (>= engine_now()); returns its handle. */
engine_timer_id engine_timer_start(struct engine *eng, u64 when, engine_fn fn, engine_arg a,
				   engine_arg b);
/*
 * Cancel a pending timer.  Returns true if it was pending (it will not run), false if the
 * handle is stale (the timer already ran or was cancelled) or ENGINE_TIMER_NONE.
 */
bool engine_timer_cancel(struct engine *eng, engine_timer_id id);
/*
 * Move a pending timer to `when` (>= engine_now()), keeping its handle.  Returns false,
 * changing nothing, if the timer is not pending.
 */
bool engine_timer_reschedule(struct engine *eng, engine_timer_id id, u64 when);
/* Is the timer still going to run? */
bool engine_timer_pending(const struct engine *eng, engine_timer_id id);
/* When will it run?  ENGINE_TIME_NEVER if it is not pending. */
u64 engine_timer_expires(const struct engine *eng, engine_timer_id id);
/*
 * mod_timer() semantics for a handle stored in the caller's object: if *id is pending, move
 * it to `when` and replace its callback and arguments; otherwise start a new timer and
 * store its handle in *id.  A timer callback that wants to re-arm itself simply calls this
 * with its own handle variable.
 */
void engine_timer_set(struct engine *eng, engine_timer_id *id, u64 when, engine_fn fn,
		      engine_arg a, engine_arg b);

/*
 * Run events with time <= until, in order, then set the clock to `until` (unless
 * engine_stop() was called, in which case the clock stays at the stopping event's time).
 * until < engine_now() runs nothing.  Returns the number of callbacks run.
 */
u64 engine_run_until(struct engine *eng, u64 until);
/* Run until the queue is empty or engine_stop() is called.  The clock stays at the last
 * event's time.  Returns the number of callbacks run. */
u64 engine_run(struct engine *eng);
/*
 * Make the running engine_run*() return after the current callback.  Called outside a run,
 * the next run call returns at once, running nothing (the request is consumed either way).
 */
void engine_stop(struct engine *eng);

/* Events and timers that will still run. */
u64 engine_pending(const struct engine *eng);
void engine_get_stats(const struct engine *eng, struct engine_stats *st);

#endif /* FLOWSIM_ENGINE_H */
