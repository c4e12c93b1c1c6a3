/* SPDX-License-Identifier: MIT */
/*
 * router_input.c - router_receive(): one packet through the modelled kernel.
 *
 * Order (spec linux-flowtable.md §2.1, DESIGN.md model contract):
 *   hardware engine -> for each device of the receive stack, lowest first: netdev ingress
 *   hooks in priority order (chains and flowtables) -> VLAN/PPPoE/bridge hand the packet up
 *   -> ip_rcv -> PREROUTING (chains below conntrack's -200, conntrack, the rest; nat chains
 *   only for a new connection) -> routing -> FORWARD or INPUT -> POSTROUTING (srcnat, then
 *   confirm) -> transmit (router_output.c).
 *
 * Cycles: every packet the CPU sees pays rx_napi, even if it is dropped later - that is
 * what makes an overloaded slow path collapse (receive livelock) in the simulator.
 */
#include "router_internal.h"

static u32 per64(u32 cost, u32 len)
{
	return cost * ((len + 63) / 64);
}

static void router_drop(struct router_pkt *rp, u8 reason)
{
	rp->res->verdict = ROUTER_DROP;
	rp->res->drop_reason = reason;
}

/* --- ruleset environment ------------------------------------------------------------ */

static int env_flow_add(void *env, struct nft_pktinfo *pi, u32 flowtable_id)
{
	struct router_pkt *rp = env;
	struct router *r = rp->r;
	struct flowtable_route_info ri;
	u32 i;

	if (!rp->ct || pi->hook != NFT_HOOK_FORWARD)
		return -1;
	for (i = 0; i < r->fc.num_ft; i++) {
		if (r->ft_rs_id[i] != flowtable_id)
			continue;
		ri.iif = rp->l3_iif;
		ri.oif = rp->l3_oif;
		ri.nexthop = rp->nexthop;
		ri.mark = rp->pkt->mark;
		return flowtable_admit(&r->fc, r->fc.ft[i], rp->pkt, rp->ct, rp->dir, &ri, rp->now);
	}
	return -1;
}

static int env_nat(void *env, struct nft_pktinfo *pi, enum nft_nat_type type,
		   const union fs_addr *addr, u16 port_min, u16 port_max)
{
	struct router_pkt *rp = env;
	struct conntrack_entry *ct = rp->ct;
	const struct fs_ifaddr *ifa;

	/* NAT bindings are made on the first packet only (nf_nat_inet_fn) */
	if (!ct || (ct->status & IPS_CONFIRMED))
		return 0;
	switch (type) {
	case NFT_NAT_MASQUERADE:
		ifa = fs_ifaddr_first(&rp->r->nc, rp->l3_oif, pi->pkt->t.family);
		if (!ifa)
			return -1;  /* no address to masquerade to: dropped */
		return conntrack_nat_snat(rp->r->ct, ct, &ifa->addr, port_min, port_max);
	case NFT_NAT_SNAT:
		return conntrack_nat_snat(rp->r->ct, ct, addr, port_min, port_max);
	case NFT_NAT_DNAT:
		return conntrack_nat_dnat(rp->r->ct, ct, addr, port_min);
	case NFT_NAT_REDIRECT:
		ifa = fs_ifaddr_first(&rp->r->nc, rp->l3_iif, pi->pkt->t.family);
		if (!ifa)
			return -1;
		return conntrack_nat_dnat(rp->r->ct, ct, &ifa->addr, port_min);
	}
	return -1;
}

static u16 env_rt_mtu(void *env, struct nft_pktinfo *pi)
{
	struct router_pkt *rp = env;
	const struct fs_netdev *d = fs_netdev_get(&rp->r->nc, rp->l3_oif);

	return d ? d->mtu : 1500;
}

static const struct ruleset_env_ops router_env_ops = {
	.flow_add = env_flow_add,
	.nat = env_nat,
	.rt_mtu = env_rt_mtu,
};

static void router_pktinfo(struct router_pkt *rp, struct nft_pktinfo *pi, u8 hook,
			   u16 iif, u16 oif)
{
	const struct fs_netdev *in = fs_netdev_get(&rp->r->nc, iif);
	const struct fs_netdev *out = fs_netdev_get(&rp->r->nc, oif);

	pi->pkt = rp->pkt;
	pi->now = rp->now;
	pi->ct = rp->ct;
	pi->ctinfo = rp->ct ? (u8)rp->ctinfo : CT_INVALID;
	pi->hook = hook;
	pi->iif = iif;
	pi->oif = oif;
	pi->iifname = in ? in->name : "";
	pi->oifname = out ? out->name : "";
}

static bool router_eval(struct router_pkt *rp, const struct nft_chain_ref *c, u8 hook,
			u16 iif, u16 oif)
{
	struct nft_pktinfo pi;
	enum nft_verdict v;
	u32 rules = 0;

	router_pktinfo(rp, &pi, hook, iif, oif);
	v = ruleset_eval_chain(rp->r->rs, c->id, &pi, &router_env_ops, rp, &rules);
	rp->res->rules += rules;
	rp->res->cycles += rp->r->cfg.cost.nft_chain + rules * rp->r->cfg.cost.nft_rule;
	return v != NFT_VERDICT_DROP;
}

/* Run one inet hook's chains with priority in [lo, hi). */
static bool router_run_hook(struct router_pkt *rp, u8 hook_idx, u8 hook, s32 lo, s32 hi,
			    u16 iif, u16 oif)
{
	const struct inet_hooks *ih = &rp->r->inet[hook_idx][rp->pkt->t.family == FS_AF_INET6];
	u32 i;

	for (i = 0; i < ih->n; i++) {
		const struct nft_chain_ref *c = &ih->c[i];

		if (c->priority < lo || c->priority >= hi)
			continue;
		/* nat chains see only the first packet of a connection */
		if (c->type == NFT_CHAIN_NAT && (!rp->ct || (rp->ct->status & IPS_CONFIRMED)))
			continue;
		if (!router_eval(rp, c, hook, iif, oif))
			return false;
	}
	return true;
}

bool router_run_dev_hooks(struct router *r, struct router_pkt *rp, u16 dev, bool egress,
			  bool *stolen)
{
	const struct dev_hooks *dh = egress ? &r->egress[dev] : &r->ingress[dev];
	struct nft_chain_ref c;
	u32 i;

	*stolen = false;
	for (i = 0; i < dh->n; i++) {
		const struct dev_hook *h = &dh->h[i];

		if (h->is_flowtable) {
			struct flowtable_xmit x;
			u8 reason = 0;

			rp->res->cycles += r->cfg.cost.flowtable;
			if (flowtable_hook(&r->fc, r->fc.ft[h->ft], rp->pkt, dev, rp->now, &x,
					   &reason) != FT_STOLEN)
				continue;
			/* fast path: straight to the transmit device */
			*stolen = true;
			rp->res->path = ROUTER_PATH_FLOWTABLE;
			rp->ct = x.ct;
			rp->dir = (enum ct_dir)x.dir;
			rp->neigh = x.neigh;
			router_transmit(r, rp, x.oif, x.xmit == FLOW_XMIT_DIRECT, true);
			return true;
		}
		c.id = h->chain;
		c.priority = h->priority;
		c.type = NFT_CHAIN_FILTER;
		if (!router_eval(rp, &c, egress ? NFT_HOOK_EGRESS : NFT_HOOK_INGRESS,
				 egress ? 0 : dev, egress ? dev : 0))
			return false;
	}
	return true;
}

/* The upper device a frame on dev goes to next, or 0 when it is at the IP layer. */
static u16 router_upper(struct router *r, struct router_pkt *rp, u16 dev)
{
	struct fs_packet *pkt = rp->pkt;
	const struct fs_netdev *d = fs_netdev_get(&r->nc, dev);
	u16 i;

	if (pkt->num_encap) {
		const struct fs_encap *e = &pkt->encap[0];

		for (i = 1; i < FS_NETDEV_MAX; i++) {
			const struct fs_netdev *u = &r->nc.dev[i];

			if (!u->ifindex || u->lower != dev)
				continue;
			if ((u->kind == FS_NETDEV_VLAN && e->proto == FS_ETH_P_8021Q &&
			     u->vlan_id == e->id) ||
			    (u->kind == FS_NETDEV_PPPOE && e->proto == FS_ETH_P_PPP_SES &&
			     u->pppoe_sid == e->id)) {
				rp->res->cycles += u->kind == FS_NETDEV_VLAN ? r->cfg.cost.vlan :
									 r->cfg.cost.pppoe;
				pkt->num_encap--;
				pkt->encap[0] = pkt->encap[1];
				return i;
			}
		}
		return 0xffff;  /* tagged for nothing we have: the stack drops it */
	}
	if (d && d->master)
		return d->master;
	return 0;
}

static bool router_is_local(struct router *r, const struct fs_packet *pkt)
{
	return fs_addr_is_local(&r->nc, pkt->t.family, &pkt->t.dst);
}

static void router_finish_ct(struct router_pkt *rp, bool confirm)
{
	struct router *r = rp->r;

	if (!rp->ct)
		return;
	/* a packet that does not leave keeps its events cached for the next one, as
	 * nf_ct_deliver_cached_events runs only from the confirm hooks */
	if (!confirm && (rp->ct->status & IPS_CONFIRMED))
		return;
	if (!(rp->ct->status & IPS_CONFIRMED)) {
		if (!confirm || !conntrack_confirm(r->ct, rp->ct, rp->now)) {
			if (!confirm)
				conntrack_discard(r->ct, rp->ct);
			rp->ct = NULL;
			return;
		}
	}
	conntrack_deliver_cached_events(r->ct, rp->ct, rp->now);
}

static void router_slow_path(struct router *r, struct router_pkt *rp)
{
	struct fs_packet *pkt = rp->pkt;
	const struct fs_cost_table *cost = &r->cfg.cost;
	const struct fs_route *rt;
	const struct fs_netdev *out;
	struct ct_in_result cr;
	u32 segs;

	rp->res->cycles += cost->ip_forward + (pkt->t.family == FS_AF_INET6 ? cost->ipv6_extra : 0);

	/* PREROUTING: raw, then conntrack at -200, then mangle/dstnat/filter */
	if (!router_run_hook(rp, 0, NFT_HOOK_PREROUTING, -0x7fffffff, NFT_PRIO_CONNTRACK,
			     rp->l3_iif, 0))
		return router_drop(rp, ROUTER_DROP_RULESET);
	conntrack_in(r->ct, pkt, rp->now, &cr);
	rp->res->cycles += cost->conntrack + (cr.is_new ? cost->conntrack_new : 0);
	if (cr.drop)
		return router_drop(rp, ROUTER_DROP_CT_FULL);
	rp->ct = cr.ct;
	rp->dir = cr.dir;
	rp->ctinfo = cr.ctinfo;
	if (!router_run_hook(rp, 0, NFT_HOOK_PREROUTING, NFT_PRIO_CONNTRACK, 0x7fffffff,
			     rp->l3_iif, 0))
		goto drop_ruleset;
	if (rp->ct) {
		/* a new connection without a DNAT rule gets a null binding */
		rp->ct->status |= IPS_DST_NAT_DONE;
		if (rp->ct->status & IPS_NAT_MASK)
			rp->res->cycles += cost->nat;
		conntrack_nat_packet(rp->ct, rp->dir, pkt, true);
	}

	if (router_is_local(r, pkt)) {
		if (!router_run_hook(rp, 1, NFT_HOOK_INPUT, -0x7fffffff, 0x7fffffff,
				     rp->l3_iif, 0))
			goto drop_ruleset;
		router_finish_ct(rp, true);
		rp->res->verdict = ROUTER_LOCAL;
		rp->res->cycles += cost->local_deliver;
		return;
	}

	rt = fs_route_lookup(&r->nc, pkt->t.family, &pkt->t.dst, pkt->mark);
	if (!rt) {
		router_finish_ct(rp, false);
		return router_drop(rp, ROUTER_DROP_NO_ROUTE);
	}
	rp->l3_oif = rt->oif;
	rp->nexthop = fs_addr_is_zero(&rt->gateway) ? pkt->t.dst : rt->gateway;
	/*
	 * ip_forward / ip6_forward, before the FORWARD hook: TTL, then MTU (DF or IPv6: ICMP
	 * frag-needed / packet-too-big and drop), then the TTL decrement.  Packets without DF
	 * are fragmented on output, after POSTROUTING.
	 */
	if (pkt->ttl <= 1) {
		router_finish_ct(rp, false);
		return router_drop(rp, ROUTER_DROP_TTL);
	}
	out = fs_netdev_get(&r->nc, rp->l3_oif);
	segs = fs_packet_segments(pkt);
	if (out && pkt->len / segs > out->mtu) {
		if (pkt->t.family == FS_AF_INET6 || (pkt->flags & FS_PKT_DF)) {
			router_finish_ct(rp, false);
			return router_drop(rp, ROUTER_DROP_MTU);
		}
		rp->res->frames = (u16)((pkt->len + out->mtu - 21) / (out->mtu - 20));
	}
	pkt->ttl--;
	if (!router_run_hook(rp, 2, NFT_HOOK_FORWARD, -0x7fffffff, 0x7fffffff,
			     rp->l3_iif, rp->l3_oif))
		goto drop_ruleset;
	/* the next hop sees fragments (and reassembles before its conntrack) */
	if (rp->res->frames > 1)
		pkt->flags |= FS_PKT_FRAG;

	if (!router_run_hook(rp, 4, NFT_HOOK_POSTROUTING, -0x7fffffff, 0x7fffffff, 0,
			     rp->l3_oif))
		goto drop_ruleset;
	if (rp->ct) {
		rp->ct->status |= IPS_SRC_NAT_DONE;
		conntrack_nat_packet(rp->ct, rp->dir, pkt, false);
	}
	router_finish_ct(rp, true);
	router_transmit(r, rp, rp->l3_oif, false, false);
	return;

drop_ruleset:
	router_finish_ct(rp, false);
	router_drop(rp, ROUTER_DROP_RULESET);
}

static void router_account(struct router *r, const struct router_result *res, u32 len,
			   u32 segs)
{
	if (res->verdict == ROUTER_DROP)
		r->stats.drops[res->drop_reason]++;
	else {
		r->stats.packets[res->path] += segs;
		r->stats.bytes[res->path] += len;
	}
	r->stats.cycles += res->cycles;
}

static void router_begin(struct router *r, u64 now, struct router_result *res)
{
	fs_memset(res, 0, sizeof(*res));
	res->frames = 1;
	if (flowtable_next_work(&r->fc) <= now)
		flowtable_run_work(&r->fc, now);
	if (r->hooks_gen != ruleset_generation(r->rs))
		router_rebuild_hooks(r);
}

/* The two halves without router_begin(), so router_receive() runs it once. */
static bool hw_receive(struct router *r, struct fs_packet *pkt, u64 now,
		       struct router_result *res)
{
	const struct fs_netdev *dev;
	u32 len = pkt->len, segs = fs_packet_segments(pkt);

	if (!r->hw || !r->hw->rx)
		return false;
	dev = fs_netdev_get(&r->nc, pkt->iif);
	if (!dev || !dev->up || !r->hw->rx(r->hw_priv, pkt, now, res))
		return false;
	router_account(r, res, len, segs);
	return true;
}

static void cpu_receive(struct router *r, struct fs_packet *pkt, u64 now,
			struct router_result *res)
{
	struct router_pkt rp;
	const struct fs_netdev *dev;
	u16 cur, up;
	u32 depth;
	bool stolen;
	u32 len = pkt->len, segs = fs_packet_segments(pkt);

	fs_memset(&rp, 0, sizeof(rp));
	rp.r = r;
	rp.pkt = pkt;
	rp.res = res;
	rp.now = now;

	dev = fs_netdev_get(&r->nc, pkt->iif);
	if (!dev || !dev->up) {
		router_drop(&rp, ROUTER_DROP_DEV_DOWN);
		goto out;
	}
	res->path = ROUTER_PATH_SLOW;
	res->cycles += r->cfg.cost.rx_napi * segs + per64(r->cfg.cost.rx_per_byte64, len);
	for (cur = pkt->iif, depth = 0; depth < 6; depth++) {
		if (!router_run_dev_hooks(r, &rp, cur, false, &stolen)) {
			router_drop(&rp, ROUTER_DROP_RULESET);
			goto out;
		}
		if (stolen)
			goto out;
		up = router_upper(r, &rp, cur);
		if (!up)
			break;
		if (up == 0xffff) {
			router_drop(&rp, ROUTER_DROP_NO_ROUTE);
			goto out;
		}
		cur = up;
	}
	rp.l3_iif = cur;
	router_slow_path(r, &rp);
out:
	router_account(r, res, len, segs);
}

bool router_hw_receive(struct router *r, struct fs_packet *pkt, u64 now,
		       struct router_result *res)
{
	router_begin(r, now, res);
	return hw_receive(r, pkt, now, res);
}

void router_cpu_receive(struct router *r, struct fs_packet *pkt, u64 now,
			struct router_result *res)
{
	router_begin(r, now, res);
	cpu_receive(r, pkt, now, res);
}

void router_receive(struct router *r, struct fs_packet *pkt, u64 now,
		    struct router_result *res)
{
	router_begin(r, now, res);
	if (!hw_receive(r, pkt, now, res))
		cpu_receive(r, pkt, now, res);
}

/*
 * Software pipeline over the batch: the bucket of packet i + 2D and the entry of packet i + D
 * are fetched while packet i is processed, so each lookup's misses are in flight for the
 * time it takes to process D packets.
 */
#define ROUTER_PREFETCH_DIST 8

void router_receive_batch(struct router *r, struct fs_packet *pkts, u32 n, u64 now,
			  struct router_result *res)
{
	/* each packet's hash, computed once when its bucket is fetched, used again a
	 * distance later for its entry */
	u32 hash[2 * ROUTER_PREFETCH_DIST];
	u32 i, j;

	for (i = 0; i < n && i < 2 * ROUTER_PREFETCH_DIST; i++) {
		hash[i] = conntrack_hash(r->ct, &pkts[i].t);
		conntrack_prefetch(r->ct, hash[i], 0);
	}
	for (i = 0; i < n && i < ROUTER_PREFETCH_DIST; i++)
		conntrack_prefetch(r->ct, hash[i], 1);
	for (i = 0; i < n; i++) {
		j = i + 2 * ROUTER_PREFETCH_DIST;
		if (j < n) {
			/* the slot of packet i is free: its entry was fetched a distance ago */
			hash[j % (2 * ROUTER_PREFETCH_DIST)] = conntrack_hash(r->ct, &pkts[j].t);
			conntrack_prefetch(r->ct, hash[j % (2 * ROUTER_PREFETCH_DIST)], 0);
		}
		j = i + ROUTER_PREFETCH_DIST;
		if (j < n)
			conntrack_prefetch(r->ct, hash[j % (2 * ROUTER_PREFETCH_DIST)], 1);
		router_receive(r, &pkts[i], now, &res[i]);
	}
}
