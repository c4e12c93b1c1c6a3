/* SPDX-License-Identifier: MIT */
/*
 * flowtable_offload.c - the kernel half of hardware offload (nf_flow_table_offload.c):
 * work items that install, remove and poll hardware rules through a driver's
 * flowtable_hw_ops, and what their results do to the flow and the conntrack entry.
 *
 * Invariants:
 *  - at most one work item per flow is outstanding (FLOW_F_HW_PENDING, as
 *    nf_flow_offload_work_alloc's test_and_set_bit): further requests are dropped, not
 *    queued - the refresh and GC paths retry them later;
 *  - a queued item holds a conntrack reference, so the entry outlives its work;
 *  - a refused direction leaves the flow on the software fast path with FLOW_F_HW still
 *    set; the next refresh (at most once per second) asks again.
 */
#include "flowtable_internal.h"

static bool flowtable_work_queue(struct flowtable_ctx *fc, struct conntrack_entry *ct,
				 u8 type, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);
	struct flowtable_work *w;

	if (flow->flags & FLOW_F_HW_PENDING)
		return false;
	if (fc->work_len == fc->work_cap) {
		u32 cap = fc->work_cap ? fc->work_cap * 2 : 64, i;
		struct flowtable_work *grown = fs_zalloc_array(cap, sizeof(*grown));

		if (!grown)
			return false;
		for (i = 0; i < fc->work_len; i++)
			grown[i] = fc->work[(fc->work_head + i) % fc->work_cap];
		fs_free(fc->work);
		fc->work = grown;
		fc->work_cap = cap;
		fc->work_head = 0;
	}
	w = &fc->work[(fc->work_head + fc->work_len) % fc->work_cap];
	w->ct = ct;
	w->type = type;
	w->due = now + fc->hw_work_delay;
	fc->work_len++;
	ct->use++;
	flow->flags |= FLOW_F_HW_PENDING;
	return true;
}

void flowtable_hw_add(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now)
{
	flowtable_work_queue(fc, ct, FT_WORK_ADD, now);
}

bool flowtable_hw_del(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now)
{
	if (!flowtable_work_queue(fc, ct, FT_WORK_DEL, now))
		return false;
	ct->flow.flags |= FLOW_F_HW_DYING;
	return true;
}

void flowtable_hw_stats(struct flowtable_ctx *fc, struct conntrack_entry *ct, u64 now)
{
	s32 full = (s32)(flowtable_timeout_secs(fc, ct) * 1000u);
	s32 left = fs_ticks_left(ct->flow.timeout, now);

	/* only once less than 90% of the timeout is left: ~3 s after the last refresh */
	if (left >= full / 10 * 9)
		return;
	flowtable_work_queue(fc, ct, FT_WORK_STATS, now);
}

static void copy_mac(u8 *dst, const u8 *src)
{
	fs_memcpy(dst, src, 6);
}

/*
 * nf_flow_offload_rule_alloc for one direction: match on the tuple as it arrives, rewrite
 * to the other direction's inverse (NAT), redirect to the egress device.
 */
static void flowtable_build_rule(struct flowtable_ctx *fc, struct conntrack_entry *ct, u8 dir,
				 struct flow_hw_rule *r)
{
	/* dir[d].oif is where d's packets leave; dir[!d].encap is what the link there carries */
	const struct flow_offload_dir *in = &ct->flow.dir[dir];
	const struct flow_offload_dir *out = &ct->flow.dir[!dir];
	const struct fs_tuple *other = &ct->tuplehash[!dir].tuple;
	struct fs_netconf *nc = fc->nc;
	const struct fs_netdev *l3;
	struct fs_neigh *n;
	u16 d;
	u32 depth;

	fs_memset(r, 0, sizeof(*r));
	r->dir = dir;
	r->match = ct->tuplehash[dir].tuple;
	r->match.pad = 0;
	r->rewrite = r->match;
	r->rewrite.src = other->dst;
	r->rewrite.dst = other->src;
	r->rewrite.sport = other->dport;
	r->rewrite.dport = other->sport;
	r->iif = in->iif;
	r->num_encap_in = in->num_encap;
	fs_memcpy(r->encap_in, in->encap, sizeof(r->encap_in));
	/* egress of this direction = the device the reply direction is expected on */
	r->l3_oif = in->oif;
	/* push what the reply direction expects to pop, outermost first */
	r->num_encap_out = out->num_encap;
	fs_memcpy(r->encap_out, out->encap, sizeof(r->encap_out));
	r->oif = in->xmit == FLOW_XMIT_DIRECT ? in->hw_oif : fs_netdev_lowest(nc, in->oif);

	/* MACs: cached for DIRECT, else a neighbour lookup that must be NUD_VALID */
	l3 = fs_netdev_get(nc, in->oif);
	if (l3)
		copy_mac(r->src_mac, l3->mac);
	for (d = in->oif, depth = 0; d && depth < 8; depth++) {
		const struct fs_netdev *dv = fs_netdev_get(nc, d);

		if (!dv)
			break;
		if (dv->kind == FS_NETDEV_PPPOE) {
			copy_mac(r->dst_mac, dv->peer_mac);
			r->dst_mac_valid = 1;
			break;
		}
		d = dv->lower;
	}
	if (!r->dst_mac_valid) {
		/* the next hop cached at flow creation is registered on the routed (L3)
		 * device - for a bridge that is the bridge, not the port DIRECT xmit uses */
		if (in->neigh && in->neigh <= nc->num_neigh) {
			n = &nc->neigh[in->neigh - 1];
		} else {
			const struct fs_route *rt = fs_route_lookup(nc, other->family,
								    &r->rewrite.dst, 0);
			union fs_addr nh = r->rewrite.dst;

			if (rt && !fs_addr_is_zero(&rt->gateway))
				nh = rt->gateway;
			n = fs_neigh_lookup(nc, in->oif, other->family, &nh);
		}
		if (n && n->valid) {
			copy_mac(r->dst_mac, n->mac);
			r->dst_mac_valid = 1;
			r->wcid = n->wcid;
			if (in->xmit != FLOW_XMIT_DIRECT && n->port)
				r->oif = n->port;
		}
	}
}

static void flowtable_work_add(struct flowtable_ctx *fc, struct flowtable *ft,
			       struct conntrack_entry *ct, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);
	u32 ok = 0, dirs = (flow->flags & FLOW_F_HW_BIDIR) ? 2 : 1, d;
	struct flow_hw_rule rule;

	for (d = 0; d < dirs; d++) {
		if (flow->dir[d].hw_state) {
			continue;  /* the driver would answer -EEXIST for its cookie */
		}
		flowtable_build_rule(fc, ct, (u8)d, &rule);
		if (ft->hw->replace(ft->hw_priv, ct, &rule, now) == 0) {
			flow->dir[d].hw_state = 1;
			ok++;
		}
	}
	if (!ok) {
		ft->stats.hw_add_refused++;
		return;
	}
	ft->stats.hw_add_ok++;
	if (!(ct->status & IPS_HW_OFFLOAD)) {
		ct->status |= IPS_HW_OFFLOAD;
		flowtable_event(fc, FS_EV_CT_HW_OFFLOAD, ct, now, ok, ft->index);
	}
}

static void flowtable_work_del(struct flowtable_ctx *fc, struct flowtable *ft,
			       struct conntrack_entry *ct, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);
	u32 d;

	if (ct->status & IPS_HW_OFFLOAD) {
		ct->status &= ~IPS_HW_OFFLOAD;
		flowtable_event(fc, FS_EV_CT_HW_OFFLOAD_CLEAR, ct, now, 0, ft->index);
	}
	for (d = 0; d < 2; d++) {
		if (flow->dir[d].hw_state)
			ft->hw->destroy(ft->hw_priv, ct, (u8)d, now);
		flow->dir[d].hw_state = 0;
	}
	ft->stats.hw_del++;
	flow->flags |= FLOW_F_HW_DEAD;
}

static void flowtable_work_stats(struct flowtable_ctx *fc, struct flowtable *ft,
				 struct conntrack_entry *ct, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);
	u32 dirs = (flow->flags & FLOW_F_HW_BIDIR) ? 2 : 1, d;
	u64 lastused = 0;

	ft->stats.hw_stats++;
	for (d = 0; d < dirs; d++) {
		u64 used = 0, pkts = 0, bytes = 0;

		if (!flow->dir[d].hw_state)
			continue;  /* no rule: the driver reports nothing */
		if (ft->hw->stats(ft->hw_priv, ct, (u8)d, now, &used, &pkts, &bytes))
			continue;
		if (used > lastused)
			lastused = used;
		if ((ft->cfg.flags & FLOWTABLE_F_COUNTER) && pkts) {
			ct->acct[d].packets += pkts;
			ct->acct[d].bytes += bytes;
		}
	}
	if (lastused) {
		u32 until = fs_ticks(lastused) + flowtable_timeout_secs(fc, ct) * 1000u;

		/* flow->timeout = max(timeout, lastused + flow timeout) */
		if ((s32)(until - flow->timeout) > 0)
			flow->timeout = until;
	}
}

void flowtable_run_work(struct flowtable_ctx *fc, u64 now)
{
	while (fc->work_len && fc->work[fc->work_head].due <= now) {
		struct flowtable_work w = fc->work[fc->work_head];
		struct flow_offload *flow = ct_flow(w.ct);
		struct flowtable *ft = fc->ft[flow->ft];
		u64 t = now == FS_U64_MAX ? w.due : now;

		fc->work_head = (fc->work_head + 1) % fc->work_cap;
		fc->work_len--;
		flow->flags &= ~FLOW_F_HW_PENDING;
		if ((flow->flags & FLOW_F_LIVE) && ft && ft->hw) {
			switch (w.type) {
			case FT_WORK_ADD:
				flowtable_work_add(fc, ft, w.ct, t);
				break;
			case FT_WORK_DEL:
				flowtable_work_del(fc, ft, w.ct, t);
				break;
			case FT_WORK_STATS:
				flowtable_work_stats(fc, ft, w.ct, t);
				break;
			}
		}
		conntrack_put(fc->ct, w.ct);
	}
}

u64 flowtable_next_work(const struct flowtable_ctx *fc)
{
	return fc->work_len ? fc->work[fc->work_head].due : FS_U64_MAX;
}
