/* SPDX-License-Identifier: MIT */
/*
 * router_output.c - transmit: from the device the stack hands a packet to (the routed
 * device, or a flow's cached port for DIRECT xmit) down to the port it leaves on.
 *
 * Each device on the way runs its netdev egress hooks (the selftest's dscp_egress case
 * depends on fast-path packets passing them), adds its header (VLAN tag, PPPoE session),
 * and a bridge picks the port from its forwarding database - which is the neighbour's
 * current port, so routed traffic through a bridge follows a roaming station at once.
 * DIRECT transmit skips the bridge and uses the port cached in the flow: if the station
 * has moved, the frame goes to where it was (counted as a stale-path drop).
 */
#include "router_internal.h"

static u32 per64(u32 cost, u32 len)
{
	return cost * ((len + 63) / 64);
}

static void push_encap(struct fs_packet *pkt, u16 id, u16 proto)
{
	if (pkt->num_encap >= FS_ENCAP_MAX)
		return;  /* the flowtable never builds deeper stacks; the slow path neither */
	pkt->encap[1] = pkt->encap[0];
	pkt->encap[0].id = id;
	pkt->encap[0].proto = proto;
	pkt->num_encap++;
}

static void tx_drop(struct router_pkt *rp, u8 reason)
{
	rp->res->verdict = ROUTER_DROP;
	rp->res->drop_reason = reason;
}

/* The next hop of a fast-path packet leaving through an L3 device (rt_nexthop). */
static union fs_addr fast_nexthop(struct router *r, const struct fs_packet *pkt)
{
	const struct fs_neigh *n = fs_neigh_find(&r->nc, pkt->t.family, &pkt->t.dst);
	const struct fs_route *rt;

	if (n)
		return pkt->t.dst;
	rt = fs_route_lookup(&r->nc, pkt->t.family, &pkt->t.dst, pkt->mark);
	return rt && !fs_addr_is_zero(&rt->gateway) ? rt->gateway : pkt->t.dst;
}

void router_transmit(struct router *r, struct router_pkt *rp, u16 dev, bool direct,
		     bool fast)
{
	struct fs_packet *pkt = rp->pkt;
	struct router_result *res = rp->res;
	const struct fs_cost_table *cost = &r->cfg.cost;
	const struct fs_netdev *l3 = fs_netdev_get(&r->nc, dev);
	const struct fs_neigh *n = NULL;
	u16 cur = dev;
	u32 depth;
	bool stolen;

	res->oif = dev;
	/* neigh_xmit needs a resolved neighbour on Ethernet-like L3 devices */
	if (!direct && l3 && l3->kind != FS_NETDEV_PPPOE && l3->kind != FS_NETDEV_TUNNEL) {
		if (fast && rp->neigh && rp->neigh <= r->nc.num_neigh &&
		    r->nc.neigh[rp->neigh - 1].ifindex == dev) {
			n = &r->nc.neigh[rp->neigh - 1];
		} else {
			if (fast)
				rp->nexthop = fast_nexthop(r, pkt);
			n = fs_neigh_lookup(&r->nc, dev, pkt->t.family, &rp->nexthop);
		}
		if (!n || !n->valid)
			return tx_drop(rp, ROUTER_DROP_NO_NEIGH);
	}
	for (depth = 0; depth < 8; depth++) {
		const struct fs_netdev *d = fs_netdev_get(&r->nc, cur);

		if (!d || !d->up)
			return tx_drop(rp, ROUTER_DROP_DEV_DOWN);
		if (!router_run_dev_hooks(r, rp, cur, true, &stolen))
			return tx_drop(rp, ROUTER_DROP_RULESET);
		switch (d->kind) {
		case FS_NETDEV_VLAN:
			push_encap(pkt, d->vlan_id, FS_ETH_P_8021Q);
			res->cycles += cost->vlan;
			cur = d->lower;
			continue;
		case FS_NETDEV_PPPOE:
			push_encap(pkt, d->pppoe_sid, FS_ETH_P_PPP_SES);
			res->cycles += cost->pppoe;
			cur = d->lower;
			continue;
		case FS_NETDEV_BRIDGE:
			if (!n || !n->port)
				return tx_drop(rp, ROUTER_DROP_NO_NEIGH);
			cur = n->port;
			continue;
		case FS_NETDEV_ETHER:
		case FS_NETDEV_DSA:
		case FS_NETDEV_WLAN:
			goto leaf;
		default:
			return tx_drop(rp, ROUTER_DROP_NO_ROUTE);
		}
	}
	return tx_drop(rp, ROUTER_DROP_NO_ROUTE);
leaf:
	if (direct) {
		/* cached port: is the destination still behind it? */
		n = fs_neigh_find(&r->nc, pkt->t.family, &pkt->t.dst);
		if (n && n->port && n->port != cur) {
			res->tx_dev = cur;
			return tx_drop(rp, ROUTER_DROP_STALE_HW);
		}
	}
	res->tx_dev = cur;
	res->verdict = ROUTER_FORWARD;
	if (n) {
		fs_memcpy(pkt->dst_mac, n->mac, 6);
		res->wcid = n->wcid;
	}
	res->cycles += fs_netdev_get(&r->nc, cur)->kind == FS_NETDEV_WLAN ? cost->tx_wifi :
									      cost->tx_eth;
	res->cycles += per64(cost->tx_per_byte64, pkt->len);
	if (res->frames > 1)
		res->cycles += (res->frames - 1) * cost->tx_eth;
}
