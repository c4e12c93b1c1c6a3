/* SPDX-License-Identifier: MIT */
/*
 * qdisc_pfifo.c - pfifo: one FIFO limited in packets, tail drop (net/sched/sch_fifo.c,
 * pfifo_enqueue()).  The arriving packet is dropped when `limit` packets are already
 * queued; nothing queued is ever dropped.
 *
 * Invariant: head..tail is the queue in arrival order, count == stats.backlog_pkts.
 */
#include "qdisc.h"

struct pfifo {
	struct qdisc_pkt *head;
	struct qdisc_pkt *tail;
	u32 count;
	u32 limit;
};

static int pfifo_init(struct qdisc *q, const struct qdisc_params *p, char *err, size_t errlen)
{
	struct pfifo *f = q->priv;

	f->limit = p->limit; /* validated by the parser; 0 would drop everything, as in Linux */
	return 0;
}

static void pfifo_destroy(struct qdisc *q)
{
}

static enum qdisc_verdict pfifo_enqueue(struct qdisc *q, struct qdisc_pkt *pkt, u64 now)
{
	struct pfifo *f = q->priv;

	if (f->count >= f->limit) {
		qdisc_drop_pkt(q, pkt, QDISC_DROP_OVERLIMIT, now);
		return QDISC_DROPPED;
	}
	if (f->tail)
		f->tail->next = pkt;
	else
		f->head = pkt;
	f->tail = pkt;
	f->count++;
	qdisc_backlog_add(q, pkt, 0);
	return QDISC_ENQUEUED;
}

static struct qdisc_pkt *pfifo_dequeue(struct qdisc *q, u64 now)
{
	struct pfifo *f = q->priv;
	struct qdisc_pkt *pkt = f->head;

	if (!pkt)
		return NULL;
	f->head = pkt->next;
	if (!f->head)
		f->tail = NULL;
	f->count--;
	qdisc_backlog_sub(q, pkt, 0);
	return pkt;
}

static u64 pfifo_next_time(struct qdisc *q, u64 now)
{
	struct pfifo *f = q->priv;

	return f->head ? now : QDISC_TIME_NEVER;
}

static void pfifo_reset(struct qdisc *q, u64 now)
{
	struct qdisc_pkt *pkt;

	while ((pkt = pfifo_dequeue(q, now)))
		qdisc_drop_pkt(q, pkt, QDISC_DROP_FLUSH, now);
}

const struct qdisc_ops qdisc_pfifo_ops = {
	.kind = "pfifo",
	.priv_size = sizeof(struct pfifo),
	.init = pfifo_init,
	.destroy = pfifo_destroy,
	.enqueue = pfifo_enqueue,
	.dequeue = pfifo_dequeue,
	.next_time = pfifo_next_time,
	.reset = pfifo_reset,
};
