/* SPDX-License-Identifier: MIT */
/*
 * qdisc_cake.c - a cake-like shaper after Linux net/sched/sch_cake.c (behaviour
 * re-implemented, not copied), egress or ingress mode, one best-effort tin (see qdisc.h
 * for what is left out).
 *
 * Shaper (cake_advance_shaper()): deficit mode, no token bucket depth.  Each dequeued
 * packet advances time_next_packet by its adjusted length times the per-byte time
 * (rate_ns >> rate_shft, cake_set_rate()); no packet leaves while time_next_packet is in
 * the future (and the 1.5x failsafe clock too).  An idle shaper restarts from "now" when
 * the first packet arrives, so there is no burst credit.
 *
 * Ingress mode (CAKE_FLAG_INGRESS): the shaper sits after the bottleneck, so a packet
 * cake drops has already used the link.  As in Linux, cake_drop() (memory limit) and an
 * AQM drop in cake_dequeue() then advance the shaper by the dropped packet's adjusted
 * length with drop=true (time_next_packet moves, the failsafe clock does not); the AQM
 * drop also charges the flow's deficit and dequeue picks a flow again (goto retry, the
 * shaper is not re-checked until the next pass through begin); and COBALT's over-target
 * test uses the bulk flow count (mtu_time * bulk_flows * 2) where egress passes 0.
 *
 * Framing compensation (cake_calc_overhead()): with an explicit overhead the link-layer
 * header counted by Linux (pkt->mac_len) is removed and `overhead` added; the result is
 * raised to `mpu`; ATM rounds up to 48-byte cells sent as 53 bytes; PTM adds one byte per
 * started 64 (64b/65b).  Without an overhead setting ("raw") the Linux length is used.
 *
 * Flow queues: 1024 queues, 8-way set-associative by flow hash (cake_hash()), DRR++ with
 * new (sparse), old (bulk) and decaying lists; a queue's quantum is
 * max(min(rate / 4096, 1514), 300) bytes, with the same random dithering as cake.
 *
 * COBALT (cobalt_should_drop() & co.): CoDel with the reciprocal-sqrt cache for small
 * counts, drop_next doubling as an activity timer, ECN marking instead of dropping for ECT
 * packets; plus BLUE: a queue that overflows raises its drop probability by 1/256 at most
 * once per target, an empty one lowers it by 1/4096.  Overflow of the memory limit drops
 * from the head of the queue with the largest backlog (cake_drop(); Linux keeps a heap, we
 * scan - same choice except among equal backlogs, where we take the lowest index).
 *
 * Times are u64 nanoseconds throughout, as in cake (ktime).
 *
 * Invariants: backlogs[i] is the byte sum of queue i, tin_backlog their total;
 * buffer_used the truesize of all queued packets; sparse/bulk/decaying counts match the
 * `set` of the queues; a queue is on at most one list (flow->list).
 */
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"
#include "rng.h"

#define CAKE_QUEUES 1024
#define CAKE_SET_WAYS 8
#define CAKE_NIL (~(u32)0)
#define REC_INV_SQRT_CACHE 16

enum { SET_NONE, SET_SPARSE, SET_SPARSE_WAIT, SET_BULK, SET_DECAYING };
enum { LST_NONE, LST_NEW, LST_OLD, LST_DECAYING };

struct cobalt_params {
	u64 interval;
	u64 target;
	u64 mtu_time;      /* serialisation time of an MTU-sized packet */
	u32 p_inc;
	u32 p_dec;
};

struct cobalt_vars {
	u32 count;
	u32 rec_inv_sqrt;  /* Q0.32 */
	u64 drop_next;
	u64 blue_timer;
	u32 p_drop;        /* Q0.32 BLUE drop probability */
	bool dropping;
	bool ecn_marked;
};

struct cake_flow {
	struct qdisc_pkt *head;
	struct qdisc_pkt *tail;
	s32 deficit;
	u32 dropped;
	u32 prev;
	u32 next;
	u8 set;
	u8 list;
	struct cobalt_vars cv;
};

struct dlist {
	u32 head;
	u32 tail;
};

struct cake {
	struct cake_flow flows[CAKE_QUEUES];
	u32 backlogs[CAKE_QUEUES];
	u32 tags[CAKE_QUEUES];
	struct dlist lists[4];          /* indexed by LST_* (LST_NONE unused) */
	u32 rec_inv_sqrt_cache[REC_INV_SQRT_CACHE];
	struct cobalt_params cparams;
	u16 flow_quantum;
	u16 bulk_flow_count;
	u16 sparse_flow_count;
	u16 decaying_flow_count;
	u16 unresponsive_flow_count;
	u64 tin_backlog;
	u64 rate_ns;                    /* ns per byte << rate_shft; 0 = unlimited */
	u16 rate_shft;
	s32 overhead;
	bool overhead_set;
	u32 mpu;
	enum qdisc_atm_mode atm;
	bool flowblind;
	bool ingress;                   /* CAKE_FLAG_INGRESS */
	u64 time_next_packet;
	u64 failsafe_next_packet;
	u64 buffer_used;
	u64 buffer_limit;
	u64 buffer_max_used;
	struct rng rng;
	/* delay EWMAs as cake reports them (ns) */
	u64 avge_delay;
	u64 peak_delay;
	u64 base_delay;
};

/* ---------------------------------------------------------------- lists */

static void dl_add_tail(struct cake *c, u32 i, u8 which)
{
	struct dlist *l = &c->lists[which];
	struct cake_flow *f = &c->flows[i];

	f->list = which;
	f->next = CAKE_NIL;
	f->prev = l->tail;
	if (l->tail == CAKE_NIL)
		l->head = i;
	else
		c->flows[l->tail].next = i;
	l->tail = i;
}

static void dl_del(struct cake *c, u32 i)
{
	struct cake_flow *f = &c->flows[i];
	struct dlist *l;

	if (f->list == LST_NONE)
		return;
	l = &c->lists[f->list];
	if (f->prev == CAKE_NIL)
		l->head = f->next;
	else
		c->flows[f->prev].next = f->next;
	if (f->next == CAKE_NIL)
		l->tail = f->prev;
	else
		c->flows[f->next].prev = f->prev;
	f->list = LST_NONE;
	f->prev = f->next = CAKE_NIL;
}

static void dl_move_tail(struct cake *c, u32 i, u8 which)
{
	dl_del(c, i);
	dl_add_tail(c, i, which);
}

/* ---------------------------------------------------------------- COBALT */

static void cobalt_newton_step(struct cobalt_vars *v)
{
	u32 invsqrt = v->rec_inv_sqrt;
	u32 invsqrt2 = (u32)(((u64)invsqrt * invsqrt) >> 32);
	u64 val = (3ULL << 32) - ((u64)v->count * invsqrt2);

	val >>= 2;
	val = (val * invsqrt) >> (32 - 2 + 1);
	v->rec_inv_sqrt = (u32)val;
}

static void cobalt_cache_init(struct cake *c)
{
	struct cobalt_vars v = { 0 };

	/* exact-ish values for small counts, where one Newton step is too coarse */
	v.rec_inv_sqrt = ~0U;
	c->rec_inv_sqrt_cache[0] = v.rec_inv_sqrt;
	for (v.count = 1; v.count < REC_INV_SQRT_CACHE; v.count++) {
		cobalt_newton_step(&v);
		cobalt_newton_step(&v);
		cobalt_newton_step(&v);
		cobalt_newton_step(&v);
		c->rec_inv_sqrt_cache[v.count] = v.rec_inv_sqrt;
	}
}

static void cobalt_invsqrt(struct cake *c, struct cobalt_vars *v)
{
	if (v->count < REC_INV_SQRT_CACHE)
		v->rec_inv_sqrt = c->rec_inv_sqrt_cache[v->count];
	else
		cobalt_newton_step(v);
}

static u64 cobalt_control(u64 t, u64 interval, u32 rec_inv_sqrt)
{
	return t + (u64)(((unsigned __int128)interval * rec_inv_sqrt) >> 32);
}

static inline s64 tdiff(u64 a, u64 b)
{
	return (s64)(a - b);
}

/* queue overflowed: raise BLUE's probability (at most once per target); true if BLUE
 * just became active */
static bool cobalt_queue_full(struct cobalt_vars *v, const struct cobalt_params *p, u64 now)
{
	bool up = false;

	if (tdiff(now, v->blue_timer) > (s64)p->target) {
		up = !v->p_drop;
		v->p_drop += p->p_inc;
		if (v->p_drop < p->p_inc)
			v->p_drop = ~0U;
		v->blue_timer = now;
	}
	v->dropping = true;
	v->drop_next = now;
	if (!v->count)
		v->count = 1;
	return up;
}

/* queue found empty: lower BLUE's probability, decay the CoDel count; true if BLUE just
 * became inactive */
static bool cobalt_queue_empty(struct cake *c, struct cobalt_vars *v,
			       const struct cobalt_params *p, u64 now)
{
	bool down = false;

	if (v->p_drop && tdiff(now, v->blue_timer) > (s64)p->target) {
		if (v->p_drop < p->p_dec)
			v->p_drop = 0;
		else
			v->p_drop -= p->p_dec;
		v->blue_timer = now;
		down = !v->p_drop;
	}
	v->dropping = false;
	if (v->count && tdiff(now, v->drop_next) >= 0) {
		v->count--;
		cobalt_invsqrt(c, v);
		v->drop_next = cobalt_control(v->drop_next, p->interval, v->rec_inv_sqrt);
	}
	return down;
}

/* decide on a freshly dequeued packet: true = drop it (it may have been CE-marked instead) */
static bool cobalt_should_drop(struct cake *c, struct cobalt_vars *v,
			       const struct cobalt_params *p, u64 now, struct qdisc_pkt *pkt,
			       u32 bulk_flows)
{
	bool next_due, over_target, drop = false;
	u64 sojourn = now - pkt->enq_time;
	s64 schedule = tdiff(now, v->drop_next);

	over_target = sojourn > p->target && sojourn > p->mtu_time * bulk_flows * 2 &&
		      sojourn > p->mtu_time * 4;
	next_due = v->count && schedule >= 0;
	v->ecn_marked = false;
	if (over_target) {
		if (!v->dropping) {
			v->dropping = true;
			v->drop_next = cobalt_control(now, p->interval, v->rec_inv_sqrt);
		}
		if (!v->count)
			v->count = 1;
	} else if (v->dropping) {
		v->dropping = false;
	}
	if (next_due && v->dropping) {
		/* mark ECT packets, drop the others */
		v->ecn_marked = qdisc_pkt_set_ce(pkt);
		drop = !v->ecn_marked;
		v->count++;
		if (!v->count)
			v->count--;
		cobalt_invsqrt(c, v);
		v->drop_next = cobalt_control(v->drop_next, p->interval, v->rec_inv_sqrt);
		schedule = tdiff(now, v->drop_next);
	} else {
		while (next_due) {
			v->count--;
			cobalt_invsqrt(c, v);
			v->drop_next = cobalt_control(v->drop_next, p->interval, v->rec_inv_sqrt);
			schedule = tdiff(now, v->drop_next);
			next_due = v->count && schedule >= 0;
		}
	}
	/* BLUE (deliberately without ECN) */
	if (v->p_drop)
		drop |= rng_u32(&c->rng) < v->p_drop;
	/* drop_next doubles as an activity timeout */
	if (!v->count)
		v->drop_next = now + p->interval;
	else if (schedule > 0 && !drop)
		v->drop_next = now;
	return drop;
}

/* ---------------------------------------------------------------- shaper & hashing */

static u32 cake_calc_overhead(const struct cake *c, const struct qdisc_pkt *pkt)
{
	s64 len = pkt->len;

	if (c->overhead_set)
		len -= pkt->mac_len;
	len += c->overhead;
	if (len < 0)
		len = 0;
	if (len < (s64)c->mpu)
		len = c->mpu;
	if (c->atm == QDISC_ATM_ATM)
		len = (len + 47) / 48 * 53;
	else if (c->atm == QDISC_ATM_PTM)
		len += (len + 63) / 64;
	return (u32)len;
}

static void cake_advance_shaper(struct cake *c, u32 len, bool drop)
{
	u64 dur, failsafe_dur;

	if (!c->rate_ns)
		return;
	dur = ((u64)len * c->rate_ns) >> c->rate_shft;
	failsafe_dur = dur + (dur >> 1);
	c->time_next_packet += dur;
	if (!drop)
		c->failsafe_next_packet += failsafe_dur;
}

static u32 cake_hash(struct cake *c, u32 flow_hash)
{
	u32 reduced, inner, outer, i, k;

	if (c->flowblind)
		flow_hash = 0;
	reduced = flow_hash % CAKE_QUEUES;
	if (c->tags[reduced] == flow_hash && c->flows[reduced].set)
		return reduced;
	inner = reduced % CAKE_SET_WAYS;
	outer = reduced - inner;
	/* a queue of the set already reserved for this flow? */
	for (i = 0, k = inner; i < CAKE_SET_WAYS; i++, k = (k + 1) % CAKE_SET_WAYS)
		if (c->tags[outer + k] == flow_hash)
			goto found;
	/* else an idle queue of the set */
	for (i = 0; i < CAKE_SET_WAYS; i++, k = (k + 1) % CAKE_SET_WAYS)
		if (!c->flows[outer + k].set)
			goto found;
	/* else share the original queue (k is back at inner) */
found:
	reduced = outer + k;
	c->tags[reduced] = flow_hash;
	return reduced;
}

/* ---------------------------------------------------------------- setup */

static int cake_init(struct qdisc *q, const struct qdisc_params *p, char *err, size_t errlen)
{
	struct cake *c = q->priv;
	u64 rate = p->rate_bps / 8; /* cake works in bytes per second */
	u64 byte_target_ns, interval_us = p->interval_ns / 1000;
	u32 i;

	if (!p->target_ns || !p->interval_ns || !p->mtu || !p->limit) {
		snprintf(err, errlen, "cake: target, rtt, mtu and limit must be positive");
		return -1;
	}
	if (p->overhead < -64 || p->overhead > 256 || p->mpu > 256) {
		snprintf(err, errlen, "cake: overhead must be -64..256 and mpu 0..256");
		return -1;
	}
	for (i = 0; i < CAKE_QUEUES; i++) {
		c->flows[i].prev = c->flows[i].next = CAKE_NIL;
		c->tags[i] = 0;
	}
	for (i = 0; i < 4; i++)
		c->lists[i].head = c->lists[i].tail = CAKE_NIL;
	cobalt_cache_init(c);
	rng_init(&c->rng, p->seed, p->stream);
	c->overhead = p->overhead;
	c->overhead_set = p->overhead_set;
	c->mpu = p->mpu;
	c->atm = p->atm;
	c->flowblind = p->flowblind;
	c->ingress = p->ingress;

	/* cake_set_rate(): time per byte as a fixed-point number */
	c->flow_quantum = 1514;
	c->rate_ns = 0;
	c->rate_shft = 0;
	if (rate) {
		u64 r = rate < 64 ? 64 : rate;

		c->flow_quantum = (u16)(rate >> 12 > 1514 ? 1514 : rate >> 12 < 300 ? 300 :
					rate >> 12);
		c->rate_shft = 34;
		c->rate_ns = (1000000000ULL << 34) / r;
		while (c->rate_ns >> 34) {
			c->rate_ns >>= 1;
			c->rate_shft--;
		}
	}
	byte_target_ns = ((u64)p->mtu * c->rate_ns) >> c->rate_shft;
	c->cparams.target = byte_target_ns * 3 / 2 > p->target_ns ? byte_target_ns * 3 / 2 :
								      p->target_ns;
	c->cparams.interval = p->interval_ns + c->cparams.target - p->target_ns;
	if (c->cparams.interval < c->cparams.target * 2)
		c->cparams.interval = c->cparams.target * 2;
	c->cparams.mtu_time = byte_target_ns;
	c->cparams.p_inc = 1 << 24; /* 1/256 */
	c->cparams.p_dec = 1 << 20; /* 1/4096 */

	/* cake_reconfigure(): memory limit */
	if (p->memory_limit) {
		c->buffer_limit = p->memory_limit;
	} else if (rate) {
		c->buffer_limit = rate * interval_us / 250000;
		if (c->buffer_limit < (4u << 20))
			c->buffer_limit = 4u << 20;
	} else {
		c->buffer_limit = 0xffffffffULL;
	}
	{
		u64 cap = (u64)p->limit * p->mtu;

		if (cap < p->memory_limit)
			cap = p->memory_limit;
		if (c->buffer_limit > cap)
			c->buffer_limit = cap;
	}
	return 0;
}

static void cake_destroy(struct qdisc *q)
{
}

/* ---------------------------------------------------------------- enqueue */

static struct qdisc_pkt *cake_dequeue_one(struct qdisc *q, struct cake *c, u32 i)
{
	struct cake_flow *flow = &c->flows[i];
	struct qdisc_pkt *pkt = flow->head;
	u32 ts;

	if (!pkt)
		return NULL;
	flow->head = pkt->next;
	if (!flow->head)
		flow->tail = NULL;
	pkt->next = NULL;
	ts = qdisc_truesize(pkt->len);
	c->backlogs[i] -= pkt->len;
	c->tin_backlog -= pkt->len;
	c->buffer_used -= ts;
	qdisc_backlog_sub(q, pkt, ts);
	return pkt;
}

/* cake_drop(): prune the head of the longest queue */
static u32 cake_drop(struct qdisc *q, struct cake *c, u64 now, const struct qdisc_pkt *arriving,
		     bool *hit)
{
	u32 i, idx = 0, max = 0;
	struct qdisc_pkt *pkt;

	for (i = 0; i < CAKE_QUEUES; i++) {
		if (c->backlogs[i] > max) {
			max = c->backlogs[i];
			idx = i;
		}
	}
	pkt = cake_dequeue_one(q, c, idx);
	if (!pkt)
		return idx;
	if (cobalt_queue_full(&c->flows[idx].cv, &c->cparams, now))
		c->unresponsive_flow_count++;
	c->flows[idx].dropped++;
	if (pkt == arriving)
		*hit = true;
	/* ingress: the dropped packet already crossed the link */
	if (c->ingress)
		cake_advance_shaper(c, pkt->priv, true);
	qdisc_drop_pkt(q, pkt, QDISC_DROP_OVERMEMORY, now);
	return idx;
}

static enum qdisc_verdict cake_enqueue(struct qdisc *q, struct qdisc_pkt *pkt, u64 now)
{
	struct cake *c = q->priv;
	u32 idx = cake_hash(c, pkt->hash);
	struct cake_flow *flow = &c->flows[idx];
	u32 ts = qdisc_truesize(pkt->len);
	bool hit = false;

	/* an idle shaper does not bank credit */
	if (!c->tin_backlog && !q->stats.backlog_pkts) {
		if (c->time_next_packet < now) {
			c->failsafe_next_packet = now;
			c->time_next_packet = now;
		} else if (c->time_next_packet > now && c->failsafe_next_packet > now) {
			q->stats.overlimits++;
		}
	}
	pkt->priv = cake_calc_overhead(c, pkt);
	if (flow->tail)
		flow->tail->next = pkt;
	else
		flow->head = pkt;
	flow->tail = pkt;
	pkt->next = NULL;
	c->buffer_used += ts;
	c->backlogs[idx] += pkt->len;
	c->tin_backlog += pkt->len;
	qdisc_backlog_add(q, pkt, ts);

	if (flow->set == SET_NONE || flow->set == SET_DECAYING) {
		if (flow->set == SET_NONE) {
			dl_add_tail(c, idx, LST_NEW);
		} else {
			c->decaying_flow_count--;
			dl_move_tail(c, idx, LST_NEW);
		}
		flow->set = SET_SPARSE;
		c->sparse_flow_count++;
		q->stats.new_flow_count++;
		/* one quantum, scaled by quantum_div[1] = 65535 as cake does */
		flow->deficit = (s32)(((u32)c->flow_quantum * 65535u) >> 16);
	} else if (flow->set == SET_SPARSE_WAIT) {
		/* was empty and counted sparse, but already in the bulk rotation */
		flow->set = SET_BULK;
		c->sparse_flow_count--;
		c->bulk_flow_count++;
	}
	if (c->buffer_used > c->buffer_max_used)
		c->buffer_max_used = c->buffer_used;
	while (c->buffer_used > c->buffer_limit)
		cake_drop(q, c, now, pkt, &hit);
	return hit ? QDISC_DROPPED : QDISC_ENQUEUED;
}

/* ---------------------------------------------------------------- dequeue */

static u64 ewma(u64 avg, u64 sample, unsigned int shift)
{
	avg -= avg >> shift;
	avg += sample >> shift;
	return avg;
}

static struct qdisc_pkt *cake_dequeue(struct qdisc *q, u64 now)
{
	struct cake *c = q->priv;
	bool first_flow = true;
	struct qdisc_pkt *pkt;
	struct cake_flow *flow;
	u64 delay;
	u32 i, len;

begin:
	if (!q->stats.backlog_pkts)
		return NULL;
	/* global hard shaper */
	if (c->rate_ns && c->time_next_packet > now && c->failsafe_next_packet > now) {
		q->stats.overlimits++;
		return NULL;
	}
	if (!(c->sparse_flow_count + c->bulk_flow_count))
		return NULL;
retry:
	{
		u8 which = LST_DECAYING;

		if (!first_flow || c->lists[LST_DECAYING].head == CAKE_NIL) {
			which = LST_NEW;
			if (c->lists[LST_NEW].head == CAKE_NIL) {
				which = LST_OLD;
				if (c->lists[LST_OLD].head == CAKE_NIL) {
					which = LST_DECAYING;
					if (c->lists[LST_DECAYING].head == CAKE_NIL)
						goto begin;
				}
			}
		}
		i = c->lists[which].head;
	}
	flow = &c->flows[i];
	first_flow = false;

	/* flow isolation (DRR++) */
	if (flow->deficit <= 0) {
		/* queues with a deficit leave the sparse and decaying rotations */
		if (flow->set == SET_SPARSE) {
			if (flow->head) {
				c->sparse_flow_count--;
				c->bulk_flow_count++;
				flow->set = SET_BULK;
			} else {
				/* in the bulk rotation for deficit accounting, still counted
				 * as sparse */
				flow->set = SET_SPARSE_WAIT;
			}
		}
		/* quantum_div[1] = 65535 with random dithering of the rounding */
		flow->deficit += (s32)(((u32)c->flow_quantum * 65535u + (rng_u32(&c->rng) >> 16))
				       >> 16);
		dl_move_tail(c, i, LST_OLD);
		goto retry;
	}

	/* retrieve a packet via the AQM */
	for (;;) {
		pkt = cake_dequeue_one(q, c, i);
		if (!pkt) {
			/* the queue was empty */
			if (cobalt_queue_empty(c, &flow->cv, &c->cparams, now))
				c->unresponsive_flow_count--;
			if (flow->cv.p_drop || flow->cv.count || now < flow->cv.drop_next) {
				/* keep it until its AQM state has decayed */
				dl_move_tail(c, i, LST_DECAYING);
				if (flow->set == SET_BULK) {
					c->bulk_flow_count--;
					c->decaying_flow_count++;
				} else if (flow->set == SET_SPARSE ||
					   flow->set == SET_SPARSE_WAIT) {
					c->sparse_flow_count--;
					c->decaying_flow_count++;
				}
				flow->set = SET_DECAYING;
			} else {
				dl_del(c, i);
				if (flow->set == SET_SPARSE || flow->set == SET_SPARSE_WAIT)
					c->sparse_flow_count--;
				else if (flow->set == SET_BULK)
					c->bulk_flow_count--;
				else
					c->decaying_flow_count--;
				flow->set = SET_NONE;
			}
			goto begin;
		}
		/* the bulk_flows term counts only in ingress mode; the last packet of a queue
		 * is never dropped */
		if (!cobalt_should_drop(c, &flow->cv, &c->cparams, now, pkt,
					c->ingress ? c->bulk_flow_count : 0) || !flow->head)
			break;
		if (c->ingress) {
			len = pkt->priv;
			cake_advance_shaper(c, len, true);
			flow->deficit -= (s32)len;
		}
		flow->dropped++;
		qdisc_drop_pkt(q, pkt, QDISC_DROP_AQM, now);
		if (c->ingress)
			goto retry;
	}
	if (flow->cv.ecn_marked)
		q->stats.ecn_marks++;
	delay = now - pkt->enq_time;
	c->avge_delay = ewma(c->avge_delay, delay, 8);
	c->peak_delay = ewma(c->peak_delay, delay, delay > c->peak_delay ? 2 : 8);
	c->base_delay = ewma(c->base_delay, delay, delay < c->base_delay ? 2 : 8);
	len = pkt->priv;
	cake_advance_shaper(c, len, false);
	flow->deficit -= (s32)len;
	return pkt;
}

static u64 cake_next_time(struct qdisc *q, u64 now)
{
	struct cake *c = q->priv;
	u64 t;

	if (!q->stats.backlog_pkts)
		return QDISC_TIME_NEVER;
	if (!c->rate_ns)
		return now;
	t = c->time_next_packet < c->failsafe_next_packet ? c->time_next_packet :
							    c->failsafe_next_packet;
	return t > now ? t : now;
}

static void cake_reset(struct qdisc *q, u64 now)
{
	struct cake *c = q->priv;
	u32 i;

	for (i = 0; i < CAKE_QUEUES; i++) {
		struct qdisc_pkt *pkt;

		while ((pkt = cake_dequeue_one(q, c, i)))
			qdisc_drop_pkt(q, pkt, QDISC_DROP_FLUSH, now);
		dl_del(c, i);
		c->flows[i].set = SET_NONE;
		c->flows[i].deficit = 0;
		c->flows[i].cv = (struct cobalt_vars){ 0 };
	}
	c->sparse_flow_count = c->bulk_flow_count = 0;
	c->decaying_flow_count = c->unresponsive_flow_count = 0;
}

const struct qdisc_ops qdisc_cake_ops = {
	.kind = "cake",
	.priv_size = sizeof(struct cake),
	.init = cake_init,
	.destroy = cake_destroy,
	.enqueue = cake_enqueue,
	.dequeue = cake_dequeue,
	.next_time = cake_next_time,
	.reset = cake_reset,
};
