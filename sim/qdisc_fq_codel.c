/* SPDX-License-Identifier: MIT */
/*
 * qdisc_fq_codel.c - fq_codel as in Linux net/sched/sch_fq_codel.c with the CoDel of
 * include/net/codel.h and codel_impl.h (behaviour re-implemented, not copied).
 *
 * Packets are hashed to `flows` queues (reciprocal_scale(hash, flows), as fq_codel_hash()).
 * A queue that becomes active joins the tail of new_flows with a deficit of one quantum.
 * Dequeue serves the head of new_flows, else of old_flows (DRR): a queue whose deficit is
 * spent gets another quantum and moves to the tail of old_flows; an empty queue found on
 * new_flows moves to old_flows once (so a flow that keeps coming back cannot starve the old
 * ones), an empty queue found on old_flows leaves the lists.  Each queue runs CoDel on its
 * head packet at dequeue time.  When the qdisc holds more than `limit` packets or more
 * than `memory_limit` bytes of truesize, fq_codel_drop() finds the queue with the largest
 * byte backlog and drops from its head until half its backlog or drop_batch packets are
 * gone, and increases that queue's CoDel count by the number dropped.
 *
 * CoDel (codel_dequeue()): once the head packet's sojourn time has stayed at or above
 * `target` for `interval` (and more than one MTU is queued), drop (or CE-mark ECT
 * packets) one packet and enter dropping state; the next drop is due interval/sqrt(count)
 * later, with 1/sqrt(count) kept in a 16-bit fixed-point value updated by one integer
 * Newton step per count change (codel_Newton_step()); leave dropping state when the
 * sojourn time falls below target.  Re-entering soon after leaving resumes near the old
 * drop rate (count - lastcount).
 *
 * Deviation: Linux's CoDel clock ticks in 1.024 us units held in a u32; this model keeps
 * exact nanoseconds in a u64 (no wrap), so decisions can differ by under a microsecond.
 *
 * Invariants: backlogs[i] is the byte sum of queue i; a queue is on at most one list
 * (flow->list); every queued packet's priv holds the truesize charged for it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "qdisc.h"

#define FQC_NIL (~(u32)0)
#define REC_INV_SQRT_SHIFT 16

enum { LIST_NONE, LIST_NEW, LIST_OLD };

struct codel_vars {
	u32 count;             /* drops since entering dropping state */
	u32 lastcount;         /* count when we last entered dropping state */
	bool dropping;
	u16 rec_inv_sqrt;      /* 1/sqrt(count) in Q0.16 */
	u64 first_above_time;  /* 0: sojourn below target */
	u64 drop_next;
	u64 ldelay;            /* sojourn time of the last dequeued packet */
};

struct fqc_flow {
	struct qdisc_pkt *head;
	struct qdisc_pkt *tail;
	s32 deficit;
	u32 next;              /* next flow on the same list */
	u8 list;
	struct codel_vars cv;
};

struct flow_list {
	u32 head;
	u32 tail;
};

struct fqc {
	struct fqc_flow *flows;
	u32 *backlogs;
	u32 nflows;
	u32 quantum;
	u32 drop_batch;
	u32 memory_limit;
	u32 limit;
	u32 mtu;
	u32 maxpacket;
	bool ecn;
	u64 target;
	u64 interval;
	u64 ce_threshold;
	struct flow_list new_flows;
	struct flow_list old_flows;
};

/* ---------------------------------------------------------------- flow lists */

static void list_add_tail(struct fqc *f, struct flow_list *l, u32 i, u8 which)
{
	f->flows[i].next = FQC_NIL;
	f->flows[i].list = which;
	if (l->tail == FQC_NIL)
		l->head = i;
	else
		f->flows[l->tail].next = i;
	l->tail = i;
}

static u32 list_pop_head(struct fqc *f, struct flow_list *l)
{
	u32 i = l->head;

	l->head = f->flows[i].next;
	if (l->head == FQC_NIL)
		l->tail = FQC_NIL;
	f->flows[i].next = FQC_NIL;
	f->flows[i].list = LIST_NONE;
	return i;
}

/* ---------------------------------------------------------------- CoDel */

static void codel_newton_step(struct codel_vars *v)
{
	u32 invsqrt = ((u32)v->rec_inv_sqrt) << REC_INV_SQRT_SHIFT;
	u32 invsqrt2 = (u32)(((u64)invsqrt * invsqrt) >> 32);
	u64 val = (3ULL << 32) - ((u64)v->count * invsqrt2);

	val >>= 2; /* keep the next multiply within 64 bits */
	val = (val * invsqrt) >> (32 - 2 + 1);
	v->rec_inv_sqrt = (u16)(val >> REC_INV_SQRT_SHIFT);
}

/* t + interval / sqrt(count) */
static u64 codel_control_law(u64 t, u64 interval, u16 rec_inv_sqrt)
{
	u32 scale = (u32)rec_inv_sqrt << REC_INV_SQRT_SHIFT;

	return t + (u64)(((unsigned __int128)interval * scale) >> 32);
}

/* remove the head packet of queue i (dequeue_func()) */
static struct qdisc_pkt *fqc_dequeue_head(struct qdisc *q, struct fqc *f, u32 i)
{
	struct fqc_flow *flow = &f->flows[i];
	struct qdisc_pkt *pkt = flow->head;

	if (!pkt)
		return NULL;
	flow->head = pkt->next;
	if (!flow->head)
		flow->tail = NULL;
	pkt->next = NULL;
	f->backlogs[i] -= pkt->len;
	qdisc_backlog_sub(q, pkt, pkt->priv);
	return pkt;
}

static bool codel_should_drop(struct qdisc *q, struct fqc *f, struct codel_vars *v,
			      const struct qdisc_pkt *pkt, u64 now)
{
	if (!pkt) {
		v->first_above_time = 0;
		return false;
	}
	v->ldelay = now - pkt->enq_time;
	if (pkt->len > f->maxpacket)
		f->maxpacket = pkt->len;
	/* the whole qdisc's backlog, as fq_codel passes &sch->qstats.backlog */
	if (v->ldelay < f->target || q->stats.backlog_bytes <= f->mtu) {
		v->first_above_time = 0;
		return false;
	}
	if (v->first_above_time == 0) {
		v->first_above_time = now + f->interval;
		return false;
	}
	return now > v->first_above_time;
}

static struct qdisc_pkt *codel_dequeue(struct qdisc *q, struct fqc *f, u32 i, u64 now)
{
	struct codel_vars *v = &f->flows[i].cv;
	struct qdisc_pkt *pkt = fqc_dequeue_head(q, f, i);
	bool drop;

	if (!pkt) {
		v->dropping = false;
		return NULL;
	}
	drop = codel_should_drop(q, f, v, pkt, now);
	if (v->dropping) {
		if (!drop) {
			v->dropping = false;
		} else if (now >= v->drop_next) {
			/* a large backlog can make several drops due at once */
			while (v->dropping && now >= v->drop_next) {
				v->count++;
				codel_newton_step(v);
				if (f->ecn && qdisc_pkt_set_ce(pkt)) {
					q->stats.ecn_marks++;
					v->drop_next = codel_control_law(v->drop_next, f->interval,
									 v->rec_inv_sqrt);
					goto end;
				}
				qdisc_drop_pkt(q, pkt, QDISC_DROP_AQM, now);
				pkt = fqc_dequeue_head(q, f, i);
				if (!codel_should_drop(q, f, v, pkt, now))
					v->dropping = false;
				else
					v->drop_next = codel_control_law(v->drop_next, f->interval,
									 v->rec_inv_sqrt);
			}
		}
	} else if (drop) {
		u32 delta;

		if (f->ecn && qdisc_pkt_set_ce(pkt)) {
			q->stats.ecn_marks++;
		} else {
			qdisc_drop_pkt(q, pkt, QDISC_DROP_AQM, now);
			pkt = fqc_dequeue_head(q, f, i);
			codel_should_drop(q, f, v, pkt, now);
		}
		v->dropping = true;
		/* re-entering soon after leaving: start near the previous drop rate */
		delta = v->count - v->lastcount;
		if (delta > 1 && (s64)(now - v->drop_next) < (s64)(16 * f->interval)) {
			v->count = delta;
			codel_newton_step(v);
		} else {
			v->count = 1;
			v->rec_inv_sqrt = (u16)(~0U >> REC_INV_SQRT_SHIFT);
		}
		v->lastcount = v->count;
		v->drop_next = codel_control_law(now, f->interval, v->rec_inv_sqrt);
	}
end:
	if (pkt && v->ldelay > f->ce_threshold && qdisc_pkt_set_ce(pkt))
		q->stats.ce_threshold_marks++;
	return pkt;
}

/* ---------------------------------------------------------------- qdisc ops */

static int fqc_init(struct qdisc *q, const struct qdisc_params *p, char *err, size_t errlen)
{
	struct fqc *f = q->priv;
	u32 i;

	if (!p->flows || p->flows > 65536 || !p->quantum || !p->drop_batch || !p->target_ns ||
	    !p->interval_ns || !p->memory_limit || !p->mtu) {
		snprintf(err, errlen, "fq_codel: flows (1..65536), quantum, drop_batch, target, "
			 "interval, memory_limit and mtu must be positive");
		return -1;
	}
	f->nflows = p->flows;
	f->quantum = p->quantum;
	f->drop_batch = p->drop_batch;
	f->memory_limit = p->memory_limit;
	f->limit = p->limit;
	f->mtu = p->mtu;
	f->ecn = p->ecn;
	f->target = p->target_ns;
	f->interval = p->interval_ns;
	f->ce_threshold = p->ce_threshold_ns;
	f->flows = calloc(f->nflows, sizeof(*f->flows));
	f->backlogs = calloc(f->nflows, sizeof(*f->backlogs));
	if (!f->flows || !f->backlogs) {
		free(f->flows);
		free(f->backlogs);
		snprintf(err, errlen, "fq_codel: out of memory for %u flows", f->nflows);
		return -1;
	}
	for (i = 0; i < f->nflows; i++)
		f->flows[i].next = FQC_NIL;
	f->new_flows.head = f->new_flows.tail = FQC_NIL;
	f->old_flows.head = f->old_flows.tail = FQC_NIL;
	return 0;
}

static void fqc_destroy(struct qdisc *q)
{
	struct fqc *f = q->priv;

	free(f->flows);
	free(f->backlogs);
}

/* fq_codel_drop(): shed half of the fattest queue (at most max_packets); returns it. */
static u32 fqc_drop(struct qdisc *q, struct fqc *f, u32 max_packets, u64 now,
		    enum qdisc_drop_reason why, const struct qdisc_pkt *arriving, bool *hit)
{
	u32 maxbacklog = 0, idx = 0, i, len = 0, threshold;

	for (i = 0; i < f->nflows; i++) {
		if (f->backlogs[i] > maxbacklog) {
			maxbacklog = f->backlogs[i];
			idx = i;
		}
	}
	threshold = maxbacklog >> 1;
	i = 0;
	do {
		struct qdisc_pkt *pkt = fqc_dequeue_head(q, f, idx);

		if (!pkt)
			break;
		len += pkt->len;
		if (pkt == arriving)
			*hit = true;
		qdisc_drop_pkt(q, pkt, why, now);
	} while (++i < max_packets && len < threshold);
	/* tell CoDel to signal harder on this queue */
	f->flows[idx].cv.count += i;
	return idx;
}

static enum qdisc_verdict fqc_enqueue(struct qdisc *q, struct qdisc_pkt *pkt, u64 now)
{
	struct fqc *f = q->priv;
	u32 idx = (u32)(((u64)pkt->hash * f->nflows) >> 32);
	struct fqc_flow *flow = &f->flows[idx];
	bool memory_limited, hit = false;
	u32 ret;

	if (flow->tail)
		flow->tail->next = pkt;
	else
		flow->head = pkt;
	flow->tail = pkt;
	pkt->next = NULL;
	f->backlogs[idx] += pkt->len;
	pkt->priv = qdisc_truesize(pkt->len);
	qdisc_backlog_add(q, pkt, pkt->priv);
	if (flow->list == LIST_NONE) {
		list_add_tail(f, &f->new_flows, idx, LIST_NEW);
		q->stats.new_flow_count++;
		flow->deficit = (s32)f->quantum;
	}
	memory_limited = q->stats.memory_usage > f->memory_limit;
	if (q->stats.backlog_pkts <= f->limit && !memory_limited)
		return QDISC_ENQUEUED;
	ret = fqc_drop(q, f, f->drop_batch, now,
		       memory_limited ? QDISC_DROP_OVERMEMORY : QDISC_DROP_OVERLIMIT, pkt, &hit);
	if (hit)
		return QDISC_DROPPED;
	return ret == idx ? QDISC_CN : QDISC_ENQUEUED;
}

static struct qdisc_pkt *fqc_dequeue(struct qdisc *q, u64 now)
{
	struct fqc *f = q->priv;

	for (;;) {
		struct flow_list *l = &f->new_flows;
		struct qdisc_pkt *pkt;
		struct fqc_flow *flow;
		u32 i;

		if (l->head == FQC_NIL) {
			l = &f->old_flows;
			if (l->head == FQC_NIL)
				return NULL;
		}
		i = l->head;
		flow = &f->flows[i];
		if (flow->deficit <= 0) {
			flow->deficit += (s32)f->quantum;
			list_pop_head(f, l);
			list_add_tail(f, &f->old_flows, i, LIST_OLD);
			continue;
		}
		pkt = codel_dequeue(q, f, i, now);
		if (!pkt) {
			/* force a pass through old_flows to prevent starvation */
			list_pop_head(f, l);
			if (l == &f->new_flows && f->old_flows.head != FQC_NIL)
				list_add_tail(f, &f->old_flows, i, LIST_OLD);
			continue;
		}
		flow->deficit -= (s32)pkt->len;
		return pkt;
	}
}

static u64 fqc_next_time(struct qdisc *q, u64 now)
{
	return q->stats.backlog_pkts ? now : QDISC_TIME_NEVER;
}

static void fqc_reset(struct qdisc *q, u64 now)
{
	struct fqc *f = q->priv;
	u32 i;

	for (i = 0; i < f->nflows; i++) {
		struct qdisc_pkt *pkt;

		while ((pkt = fqc_dequeue_head(q, f, i)))
			qdisc_drop_pkt(q, pkt, QDISC_DROP_FLUSH, now);
		f->flows[i].next = FQC_NIL;
		f->flows[i].list = LIST_NONE;
		f->flows[i].deficit = 0;
		f->flows[i].cv = (struct codel_vars){ 0 };
	}
	f->new_flows.head = f->new_flows.tail = FQC_NIL;
	f->old_flows.head = f->old_flows.tail = FQC_NIL;
}

const struct qdisc_ops qdisc_fq_codel_ops = {
	.kind = "fq_codel",
	.priv_size = sizeof(struct fqc),
	.init = fqc_init,
	.destroy = fqc_destroy,
	.enqueue = fqc_enqueue,
	.dequeue = fqc_dequeue,
	.next_time = fqc_next_time,
	.reset = fqc_reset,
};
