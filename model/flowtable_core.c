/* SPDX-License-Identifier: MIT */
/*
 * flowtable_core.c - flowtable lifetime: creation, refresh, teardown with conntrack fixup,
 * garbage collection and flushing.  After net/netfilter/nf_flow_table_core.c.
 *
 * Invariants:
 *  - a flow is LIVE from flow add until it is freed, and holds one conntrack reference;
 *    flows are found by walking conntrack (live and dying entries), not through a list of
 *    their own: the flow is embedded in its entry (flow.h);
 *  - TEARDOWN makes the fast path miss at once; the flow is freed by the next GC pass, or,
 *    for a hardware flow, after the hardware rule was destroyed (HW_DYING then HW_DEAD);
 *  - IPS_OFFLOAD on the conntrack entry is set exactly while the flow is LIVE and not torn
 *    down, so listings show [OFFLOAD] then.
 */
#include "flowtable_internal.h"

#define CT_DAY_SECS 86400u

void flowtable_behaviour_for_kernel(struct flowtable_behaviour *b, u16 kernel)
{
	fs_memset(b, 0, sizeof(*b));
	b->kernel = kernel;
	b->tcp_admit_established = kernel >= 518;
	b->fixup_pickup = kernel < 518;
	/*
	 * "netfilter: flowtable: fix excessive hw offload attempts after failure" (396ef64113a8,
	 * May 2022) limits the timeout update to once per second.  It is in mainline 5.19 and
	 * was backported to 5.15 stable; Debian's 6.1 has it (the package changelog, and the
	 * headers' flow_offload_refresh(..., bool force)).  A real 6.1 kernel in qemu expires
	 * idle flows up to 1 s earlier than a per-packet refresh would (tests/kernel).
	 */
	b->refresh_once_per_sec = kernel >= 515;
	b->hw_bidirectional = kernel >= 603;
	/* NF_FLOW_CLOSING landed in 2025 (about 6.15); dated from patch mails, see spec §9 */
	b->closing = kernel >= 615;
	b->ct_timeout_day_on_add = 1;
}

void flowtable_ctx_init(struct flowtable_ctx *fc, struct conntrack_table *ct,
			struct fs_netconf *nc, const struct flowtable_behaviour *b,
			u64 hw_work_delay, fs_event_fn ev, void *ev_arg)
{
	fs_memset(fc, 0, sizeof(*fc));
	fc->ct = ct;
	fc->nc = nc;
	fc->b = *b;
	fc->hw_work_delay = hw_work_delay;
	fc->ev = ev;
	fc->ev_arg = ev_arg;
}

void flowtable_ctx_release(struct flowtable_ctx *fc)
{
	while (fc->work_len) {
		struct flowtable_work *w = &fc->work[fc->work_head];

		conntrack_put(fc->ct, w->ct);
		fc->work_head = (fc->work_head + 1) % fc->work_cap;
		fc->work_len--;
	}
	fs_free(fc->work);
	fc->work = NULL;
}

struct flowtable *flowtable_create(const struct flowtable_config *cfg, u8 index)
{
	struct flowtable *ft = fs_zalloc(sizeof(*ft));

	if (!ft)
		return NULL;
	ft->cfg = *cfg;
	ft->index = index;
	return ft;
}

void flowtable_destroy(struct flowtable *ft)
{
	fs_free(ft);
}

const struct flowtable_config *flowtable_config(const struct flowtable *ft)
{
	return &ft->cfg;
}

u32 flowtable_count(const struct flowtable *ft)
{
	return ft->count;
}

bool flowtable_has_dev(const struct flowtable *ft, u16 ifindex)
{
	u32 i;

	for (i = 0; i < ft->cfg.num_devices; i++)
		if (ft->cfg.devices[i] == ifindex)
			return true;
	return false;
}

void flowtable_set_hw(struct flowtable *ft, const struct flowtable_hw_ops *ops, void *priv)
{
	ft->hw = ops;
	ft->hw_priv = priv;
}

void flowtable_set_devices(struct flowtable *ft, const u16 *devices, u8 n)
{
	u8 i;

	ft->cfg.num_devices = FS_MIN(n, (u8)FLOWTABLE_MAX_DEVS);
	for (i = 0; i < ft->cfg.num_devices; i++)
		ft->cfg.devices[i] = devices[i];
}

const struct flowtable_stats *flowtable_get_stats(const struct flowtable *ft)
{
	return &ft->stats;
}

void flowtable_event(struct flowtable_ctx *fc, enum fs_event_type type,
		     struct conntrack_entry *ct, u64 now, u32 detail, u32 aux)
{
	fs_event_emit(fc->ev, fc->ev_arg, type, now, detail, aux,
		      &ct->tuplehash[CT_DIR_ORIGINAL].tuple, &ct->tuplehash[CT_DIR_REPLY].tuple, ct);
}

void flowtable_refresh(struct flowtable_ctx *fc, struct flowtable *ft,
		       struct conntrack_entry *ct, u64 now, bool force)
{
	struct flow_offload *flow = ct_flow(ct);
	u32 timeout = fs_ticks(now) + flowtable_timeout_secs(fc, ct) * 1000u;

	/* >= 6.4: written only when it advances by more than a second (HZ), which also
	 * limits hardware retries to one per second; older kernels wrote every packet */
	if (!force && fc->b.refresh_once_per_sec && (s32)(timeout - flow->timeout) <= 1000)
		return;
	if (!force && !fc->b.refresh_once_per_sec && timeout == flow->timeout)
		return;
	flow->timeout = timeout;
	if (!(ft->cfg.flags & FLOWTABLE_F_HW_OFFLOAD) || (flow->flags & FLOW_F_CLOSING))
		return;
	flowtable_hw_add(fc, ct, now);
}

/*
 * flow_offload_fixup_ct: the conntrack entry saw no packet while offloaded; give it the
 * timeout it would have had, minus the idle time the flowtable already waited.
 */
static void flowtable_fixup_ct(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now,
			       u32 reason)
{
	const struct conntrack_params *p = conntrack_table_params(fc->ct);
	u8 proto = ct->tuplehash[0].tuple.proto;
	bool expired = reason == FS_TEARDOWN_TIMEOUT;
	s64 timeout;

	if (proto == FS_IPPROTO_TCP) {
		struct ct_tcp *tcp = &ct->proto.tcp;

		/* relearn the window from the next packet */
		tcp->td_maxwin[0] = 0;
		tcp->td_maxwin[1] = 0;
		if (fc->b.fixup_pickup) {
			/* <= 5.17: back to ESTABLISHED with the pickup timeout */
			tcp->state = TCP_CT_ESTABLISHED;
			conntrack_set_timeout(ct, now, 120);
			goto done;
		}
		if (fc->b.closing) {
			tcp->flags[0] &= ~CT_TCP_FLAG_MAXACK_SET;
			tcp->flags[1] &= ~CT_TCP_FLAG_MAXACK_SET;
			if (ct->flow.flags & FLOW_F_CLOSING) {
				tcp->state = TCP_CT_CLOSE;
				tcp->flags[0] |= CT_TCP_FLAG_CLOSE_INIT;
				conntrack_set_timeout(ct, now, p->tcp_timeout[TCP_CT_CLOSE]);
				goto done;
			}
			timeout = p->tcp_timeout[tcp->state];
			if (!(ct->status & IPS_SEEN_REPLY) &&
			    timeout > p->tcp_timeout[TCP_CT_UNACK])
				timeout = p->tcp_timeout[TCP_CT_UNACK];
			if (expired)
				timeout -= p->flowtable_tcp_timeout;
		} else {
			timeout = (s64)p->tcp_timeout[tcp->state] - p->flowtable_tcp_timeout;
		}
	} else if (proto == FS_IPPROTO_UDP) {
		if (fc->b.fixup_pickup) {
			conntrack_set_timeout(ct, now, 30);
			goto done;
		}
		if (fc->b.closing) {
			timeout = ct->status & IPS_SEEN_REPLY ? p->udp_timeout_stream :
								 p->udp_timeout;
			if (expired)
				timeout -= p->flowtable_udp_timeout;
		} else {
			/* 5.18..6.13: always the REPLIED timeout */
			timeout = (s64)p->udp_timeout_stream - p->flowtable_udp_timeout;
		}
	} else {
		return;
	}
	if (timeout < 0)
		timeout = 0;
	/* only ever lowered (the offloaded deadline is about a day away) */
	if (fs_ticks_left(ct->timeout, now) > (s32)(timeout * 1000))
		conntrack_set_timeout(ct, now, (u32)timeout);
done:
	conntrack_event(fc->ct, FS_EV_CT_TIMEOUT_FIXUP, ct, now,
			conntrack_remaining_secs(ct, now));
}

void flowtable_teardown(struct flowtable_ctx *fc, struct conntrack_entry *ct, u32 reason,
			u64 now)
{
	struct flow_offload *flow = ct_flow(ct);

	if (!(flow->flags & FLOW_F_LIVE) || (flow->flags & FLOW_F_TEARDOWN))
		return;
	ct->status &= ~IPS_OFFLOAD;
	flow->flags |= FLOW_F_TEARDOWN;
	fc->ft[flow->ft]->stats.torn_down++;
	flowtable_event(fc, FS_EV_FLOW_TEARDOWN, ct, now, reason, flow->ft);
	flowtable_fixup_ct(fc, ct, now, reason);
}

/* flow_offload_del: unlink and drop the flow's conntrack reference. */
void flowtable_free_flow(struct flowtable_ctx *fc, struct flowtable *ft,
			 struct conntrack_entry *ct, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);

	ft->count--;
	ft->stats.freed++;
	flow->flags = 0;
	flowtable_event(fc, FS_EV_FLOW_DEL, ct, now, 0, ft->index);
	conntrack_put(fc->ct, ct);
}

/* nf_flow_offload_gc_step */
static void flowtable_gc_step(struct flowtable_ctx *fc, struct flowtable *ft,
			      struct conntrack_entry *ct, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);

	if (fs_ticks_left(flow->timeout, now) <= 0)
		flowtable_teardown(fc, ct, FS_TEARDOWN_TIMEOUT, now);
	else if (ct->status & IPS_DYING)
		flowtable_teardown(fc, ct, FS_TEARDOWN_CT_DYING, now);

	if (flow->flags & FLOW_F_TEARDOWN) {
		if (flow->flags & FLOW_F_HW) {
			if (!(flow->flags & FLOW_F_HW_DYING))
				flowtable_hw_del(fc, ct, now);
			else if (flow->flags & FLOW_F_HW_DEAD)
				flowtable_free_flow(fc, ft, ct, now);
		} else {
			flowtable_free_flow(fc, ft, ct, now);
		}
	} else if (flow->flags & FLOW_F_HW) {
		flowtable_hw_stats(fc, ct, now);
	}
}

struct gc_walk {
	struct flowtable_ctx *fc;
	struct flowtable *ft;     /* NULL: every flowtable */
	u64 now;
	u16 dev;                  /* flush: only flows using this device (0: all) */
	u8 mode;                  /* 0 gc, 1 teardown for flush, 2 gc torn-down only */
};

static int flowtable_walk_one(struct conntrack_entry *ct, void *arg)
{
	struct gc_walk *w = arg;
	struct flow_offload *flow = ct_flow(ct);
	struct flowtable *ft;

	if (!(flow->flags & FLOW_F_LIVE))
		return 0;
	ft = w->fc->ft[flow->ft];
	if (w->ft && ft != w->ft)
		return 0;
	switch (w->mode) {
	case 0:
		flowtable_gc_step(w->fc, ft, ct, w->now);
		break;
	case 1:
		if (w->dev && flow->dir[0].iif != w->dev && flow->dir[1].iif != w->dev &&
		    flow->dir[0].oif != w->dev && flow->dir[1].oif != w->dev)
			break;
		flowtable_teardown(w->fc, ct, w->dev ? FS_TEARDOWN_DEV_DOWN : FS_TEARDOWN_FLUSH,
				   w->now);
		break;
	case 2:
		if (flow->flags & FLOW_F_TEARDOWN)
			flowtable_gc_step(w->fc, ft, ct, w->now);
		break;
	}
	return 0;
}

void flowtable_gc(struct flowtable_ctx *fc, struct flowtable *ft, u64 now)
{
	struct gc_walk w = { fc, ft, now, 0, 0 };

	conntrack_for_each_all(fc->ct, flowtable_walk_one, &w);
}

void flowtable_flush(struct flowtable_ctx *fc, struct flowtable *ft, u16 dev, u64 now)
{
	struct gc_walk w = { fc, ft, now, dev, 1 };
	u32 round;

	conntrack_for_each_all(fc->ct, flowtable_walk_one, &w);
	/* nf_flow_table_free: gc, flush the hardware work, gc again - synchronously */
	w.mode = 2;
	for (round = 0; round < 3; round++) {
		conntrack_for_each_all(fc->ct, flowtable_walk_one, &w);
		flowtable_run_work(fc, FS_U64_MAX);
	}
}
