/* SPDX-License-Identifier: MIT */
/*
 * qdisc_htb.c - tc HTB with a single class (rate = ceil) over an fq_codel leaf, behind the
 * root qdisc's tc-stab size table: OpenWrt sqm-scripts' simplest.qos shaper.  Behaviour
 * re-implemented from Linux net/sched/sch_htb.c, include/net/sch_generic.h,
 * net/sched/sch_api.c and iproute2's tc (q_htb.c, tc_core.c, tc_stab.c), not copied.
 *
 * Shaper.  With one class whose rate equals its ceil, HTB is a token bucket counted in
 * nanoseconds: `tokens` is how much transmission time the class has banked at time t_c,
 * at most `buffer` (the time to send `burst` bytes at `rate`).  The class is CAN_SEND
 * until a charge leaves its tokens negative (htb_charge_class() -> htb_class_mode(),
 * counted in overlimits); it is CANT_SEND until tokens + (now - t_c) is back to zero
 * (the wait-queue event htb_do_events() applies at the next dequeue), which is when
 * next_time() says the watchdog fires.  Each dequeued packet is charged
 * htb_accnt_tokens(): toks = min(tokens + min(now - t_c, mbuffer), buffer) - l2t(len),
 * floored at 1 - mbuffer (mbuffer = 60 s), t_c = now.  l2t() is psched_l2t_ns() with the
 * class's own overhead/mpu/linklayer at their tc defaults (none): len * mult >> shift with
 * mult/shift from psched_ratecfg_precompute__().  sqm's two-class tree (1:1 parent,
 * 1:10 leaf, same rate and burst) charges both classes identically, so one class is the
 * same shaper.
 *
 * Numbers as tc and the kernel make them: rate in bytes/s truncated (get_rate64()); the
 * buffer in 64-ns psched ticks, ceil(1e6 * burst / rate * 15.625) with tc's doubles
 * (tc_calc_xmittime(); 15.625 ticks/us from /proc/net/psched), then << 6
 * (PSCHED_TICKS2NS()); default burst rate / get_hz() + 1600 (q_htb.c, get_hz() = 1e9 on
 * hrtimer kernels, 1600 the class mtu default).  Tokens start full.
 *
 * tc-stab (qdisc_calculate_pkt_len()): len = skb->len + overhead; with mpu > 0 or an ATM
 * (or this simulator's PTM) link layer tc builds a 512-slot table for mtu 2047, so
 * cell_log 2: slot = (len - 1) >> 2, size = adjust((slot + 1) << 2) with adjust() = mpu
 * floor then ATM cells (tc_adjust_size()); slots past the table extrapolate as
 * data[511] * (slot / 512) + data[slot % 512]; at least 1 byte.
 *
 * Leaf.  A child fq_codel qdisc (qdisc_create()) whose drop callback forwards each
 * dropped packet to this qdisc's qdisc_drop_pkt(), so every drop is counted here once
 * with its reason and reaches our caller once.  Invariants: after every operation (and
 * before any forwarded drop reaches the caller) our backlog_pkts/bytes and memory_usage
 * equal the leaf's, i.e. the queued packets'; ecn_marks, ce_threshold_marks and
 * new_flow_count grow by exactly what the leaf's grew; tokens > -mbuffer; cant_send only
 * while tokens < 0 at t_c.
 */
#include <math.h>
#include <stdio.h>

#include "qdisc.h"

#define NSEC_PER_SEC 1000000000ULL
#define HTB_MBUFFER ((s64)(60 * NSEC_PER_SEC))  /* htb_change_class(): cl->mbuffer */
#define HTB_DEFAULT_MTU 1600                    /* q_htb.c: class "mtu" default */
#define HTB_HZ 1000000000ULL                    /* iproute2 get_hz() with hrtimers */
#define PSCHED_SHIFT 6                          /* a psched tick is 64 ns */
#define TC_TICKS_PER_USEC 15.625                /* tc_core_init(): 1000 / 64 */
#define STAB_CELL_LOG 2                         /* tc_calc_size_table(): mtu 2047 */
#define STAB_TSIZE 512                          /* ... tsize 512 */

struct htb {
	struct qdisc *leaf;         /* fq_codel */
	u64 rate_bytes_ps;
	u32 mult;                   /* psched_ratecfg: l2t = len * mult >> shift */
	u8 shift;
	s64 buffer;                 /* ns of transmission the bucket holds */
	s64 tokens;                 /* ns banked at t_c (negative: owed) */
	u64 t_c;
	bool cant_send;             /* cl->cmode == HTB_CANT_SEND */
	/* tc-stab */
	s32 overhead;
	u32 mpu;
	enum qdisc_atm_mode linklayer;
	bool stab_table;            /* a size table (mpu or non-Ethernet), not just overhead */
	/* leaf counters already reflected in ours */
	u64 leaf_ecn_marks;
	u64 leaf_ce_marks;
	u64 leaf_new_flows;
};

/* ---------------------------------------------------------------- arithmetic */

/* psched_ratecfg_precompute__(): the largest shift that keeps mult within 32 bits */
static void htb_precompute(struct htb *h, u64 rate)
{
	u64 factor = NSEC_PER_SEC;
	int i;

	h->mult = 1;
	h->shift = 0;
	for (i = 0; i < 64; i++) {
		h->mult = (u32)(factor / rate);
		if ((h->mult & (1U << 31)) || (factor & (1ULL << 63)))
			break;
		factor <<= 1;
		h->shift++;
	}
}

/* psched_l2t_ns() with the class's own overhead 0, mpu 0, Ethernet */
static s64 htb_l2t(const struct htb *h, u32 len)
{
	return (s64)(((u64)len * h->mult) >> h->shift);
}

/* tc_adjust_size(): mpu floor, then the link layer */
static u32 stab_adjust(const struct htb *h, u32 sz)
{
	if (sz < h->mpu)
		sz = h->mpu;
	if (h->linklayer == QDISC_ATM_ATM)
		return (sz + 47) / 48 * 53;
	if (h->linklayer == QDISC_ATM_PTM)
		return sz + (sz + 63) / 64;
	return sz;
}

/* __qdisc_calculate_pkt_len(): the length HTB charges (qdisc_pkt_len()) */
static u32 htb_pkt_len(const struct htb *h, const struct qdisc_pkt *pkt)
{
	s64 len = (s64)pkt->len + h->overhead;

	if (h->stab_table) {
		s64 slot = len - 1;    /* cell_align -1 */

		if (slot < 0)
			slot = 0;
		slot >>= STAB_CELL_LOG;
		if (slot < STAB_TSIZE)
			len = stab_adjust(h, (u32)(slot + 1) << STAB_CELL_LOG);
		else
			len = (s64)stab_adjust(h, STAB_TSIZE << STAB_CELL_LOG) *
				      (slot / STAB_TSIZE) +
			      stab_adjust(h, (u32)(slot % STAB_TSIZE + 1) << STAB_CELL_LOG);
	}
	return len < 1 ? 1 : (u32)len;
}

/* tokens the class would have at `now` (uncapped: only the sign is used) */
static s64 htb_toks(const struct htb *h, u64 now)
{
	s64 diff = (s64)(now - h->t_c);

	return h->tokens + (diff < HTB_MBUFFER ? diff : HTB_MBUFFER);
}

/* htb_charge_class() -> htb_accnt_tokens() (ctokens are the same bucket) */
static void htb_charge(struct qdisc *sch, struct htb *h, const struct qdisc_pkt *pkt,
		       u64 now)
{
	s64 toks = htb_toks(h, now);

	if (toks > h->buffer)
		toks = h->buffer;
	toks -= htb_l2t(h, htb_pkt_len(h, pkt));
	if (toks <= -HTB_MBUFFER)
		toks = 1 - HTB_MBUFFER;
	h->tokens = toks;
	h->t_c = now;
	/* htb_change_class_mode(): we only dequeue in CAN_SEND, so this is a transition */
	if (toks < 0) {
		h->cant_send = true;
		sch->stats.overlimits++;
	}
}

/* ---------------------------------------------------------------- leaf */

/* mirror the leaf's queue state and counters (see the invariants above) */
static void htb_sync(struct qdisc *sch)
{
	struct htb *h = sch->priv;
	const struct qdisc_stats *ls = &h->leaf->stats;
	struct qdisc_stats *st = &sch->stats;

	st->backlog_pkts = ls->backlog_pkts;
	st->backlog_bytes = ls->backlog_bytes;
	st->memory_usage = ls->memory_usage;
	if (ls->max_backlog_pkts > st->max_backlog_pkts)
		st->max_backlog_pkts = ls->max_backlog_pkts;
	if (ls->max_backlog_bytes > st->max_backlog_bytes)
		st->max_backlog_bytes = ls->max_backlog_bytes;
	st->ecn_marks += ls->ecn_marks - h->leaf_ecn_marks;
	st->ce_threshold_marks += ls->ce_threshold_marks - h->leaf_ce_marks;
	st->new_flow_count += ls->new_flow_count - h->leaf_new_flows;
	h->leaf_ecn_marks = ls->ecn_marks;
	h->leaf_ce_marks = ls->ce_threshold_marks;
	h->leaf_new_flows = ls->new_flow_count;
}

/* the leaf dropped a packet (already unlinked and out of its backlog): ours now */
static void htb_leaf_dropped(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why,
			     u64 now)
{
	struct qdisc *sch = ctx;

	htb_sync(sch);
	qdisc_drop_pkt(sch, pkt, why, now);
}

/* ---------------------------------------------------------------- qdisc ops */

static int htb_init(struct qdisc *sch, const struct qdisc_params *p, char *err,
		    size_t errlen)
{
	struct htb *h = sch->priv;
	char lerr[200];
	u64 burst;
	double ticks;

	if (p->rate_bps / 8 == 0) {
		snprintf(err, errlen, "htb: rate is required");
		return -1;
	}
	if (p->overhead < -64 || p->overhead > 256 || p->mpu > 256) {
		snprintf(err, errlen, "htb: overhead must be -64..256 and mpu 0..256");
		return -1;
	}
	h->rate_bytes_ps = p->rate_bps / 8;
	htb_precompute(h, h->rate_bytes_ps);
	burst = p->burst ? p->burst : h->rate_bytes_ps / HTB_HZ + HTB_DEFAULT_MTU;
	/* tc_calc_xmittime(), evaluated as tc does it (doubles, ceil, capped at UINT_MAX) */
	ticks = ceil(1000000 * ((double)burst / (double)h->rate_bytes_ps) * TC_TICKS_PER_USEC);
	if (ticks > 4294967295.0)
		ticks = 4294967295.0;
	h->buffer = (s64)((u64)ticks << PSCHED_SHIFT);
	h->tokens = h->buffer;
	h->t_c = 0;
	h->overhead = p->overhead;
	h->mpu = p->mpu;
	h->linklayer = p->atm;
	/* tc_calc_size_table(): no table for Ethernet without mpu, only the overhead */
	h->stab_table = p->mpu || p->atm != QDISC_ATM_NONE;

	h->leaf = qdisc_create("fq_codel", p, htb_leaf_dropped, sch, lerr, sizeof(lerr));
	if (!h->leaf) {
		snprintf(err, errlen, "htb: leaf %s", lerr);
		return -1;
	}
	return 0;
}

static void htb_destroy(struct qdisc *sch)
{
	struct htb *h = sch->priv;

	/* qdisc_destroy() reset us first: the leaf holds nothing */
	qdisc_destroy(h->leaf, h->t_c);
}

static enum qdisc_verdict htb_enqueue(struct qdisc *sch, struct qdisc_pkt *pkt, u64 now)
{
	struct htb *h = sch->priv;
	enum qdisc_verdict v = qdisc_enqueue(h->leaf, pkt, now);

	htb_sync(sch);
	return v;
}

static struct qdisc_pkt *htb_dequeue(struct qdisc *sch, u64 now)
{
	struct htb *h = sch->priv;
	struct qdisc_pkt *pkt;

	if (!sch->stats.backlog_pkts)
		return NULL;
	if (h->cant_send) {
		/* htb_do_events(): the class's event is due once its tokens are back */
		if (htb_toks(h, now) < 0)
			return NULL;
		h->cant_send = false;
	}
	pkt = qdisc_dequeue(h->leaf, now);
	htb_sync(sch);
	if (!pkt)
		return NULL;   /* CoDel dropped what was queued: nothing to charge */
	htb_charge(sch, h, pkt, now);
	return pkt;
}

static u64 htb_next_time(struct qdisc *sch, u64 now)
{
	struct htb *h = sch->priv;
	s64 toks;

	if (!sch->stats.backlog_pkts)
		return QDISC_TIME_NEVER;
	if (!h->cant_send)
		return now;
	toks = htb_toks(h, now);
	return toks >= 0 ? now : now + (u64)-toks;
}

static void htb_reset(struct qdisc *sch, u64 now)
{
	struct htb *h = sch->priv;

	qdisc_reset(h->leaf, now);
	htb_sync(sch);
	/* htb_reset(): cmode = HTB_CAN_SEND, tokens and t_c untouched */
	h->cant_send = false;
}

const struct qdisc_ops qdisc_htb_ops = {
	.kind = "htb",
	.priv_size = sizeof(struct htb),
	.init = htb_init,
	.destroy = htb_destroy,
	.enqueue = htb_enqueue,
	.dequeue = htb_dequeue,
	.next_time = htb_next_time,
	.reset = htb_reset,
};
