/* SPDX-License-Identifier: MIT */
/*
 * flowtable_admit.c - `flow add @ft`: when a connection enters the flowtable, and the
 * per-direction route data the flow keeps.  After net/netfilter/nft_flow_offload.c
 * (nft_flow_offload_eval, nft_flow_route, nft_dev_forward_path, nft_dev_path_info) and
 * flow_offload_alloc/flow_offload_add of nf_flow_table_core.c.  Spec §1.
 *
 * Route data, per direction X: the route-based default makes X leave through its route's
 * (L3) device and expects the other direction to arrive on that same device.  If the
 * device stack below X's route (VLAN, PPPoE, bridge -> port, DSA) ends in a device the
 * flowtable is attached to, the other direction is expected there instead, with the
 * VLAN/PPPoE headers it will carry; with a bridge in the path or a hardware flowtable the
 * transmit becomes DIRECT to a cached port (which is why such flows go stale on roaming).
 */
#include "flowtable_internal.h"

#define CT_DAY_SECS 86400u

struct dev_path_info {
	u16 indev;                   /* lowest device of the path (0: invalid) */
	u16 outdev;                  /* first VLAN/PPPoE device, else indev */
	u8 num_encap;
	bool bridge;
	struct fs_encap encap[FS_ENCAP_MAX];  /* top-down order, as the walk finds them */
};

static bool dev_is_ether(const struct fs_netdev *d)
{
	return d->kind != FS_NETDEV_PPPOE && d->kind != FS_NETDEV_LOOPBACK &&
	       d->kind != FS_NETDEV_TUNNEL;
}

/* dev_fill_forward_path + nft_dev_path_info, from the L3 device down. */
static bool dev_path_walk(struct fs_netconf *nc, u16 dev, const struct fs_neigh *n,
			  struct dev_path_info *info)
{
	u32 depth;

	fs_memset(info, 0, sizeof(*info));
	for (depth = 0; depth < 8; depth++) {
		const struct fs_netdev *d = fs_netdev_get(nc, dev);

		if (!d)
			return false;
		switch (d->kind) {
		case FS_NETDEV_ETHER:
		case FS_NETDEV_WLAN:
		case FS_NETDEV_DSA:
			/* DSA user ports end the walk: the conduit is not what gets hooked */
			info->indev = dev;
			goto done;
		case FS_NETDEV_VLAN:
		case FS_NETDEV_PPPOE:
			if (info->num_encap >= FS_ENCAP_MAX)
				return false;  /* a third encapsulation invalidates the path */
			if (!info->outdev)
				info->outdev = dev;
			info->encap[info->num_encap].id =
				d->kind == FS_NETDEV_VLAN ? d->vlan_id : d->pppoe_sid;
			info->encap[info->num_encap].proto =
				d->kind == FS_NETDEV_VLAN ? FS_ETH_P_8021Q : FS_ETH_P_PPP_SES;
			info->num_encap++;
			dev = d->lower;
			break;
		case FS_NETDEV_BRIDGE:
			/* br_fill_forward_path: the FDB entry of the next hop's MAC */
			if (!n || !n->port)
				return false;
			info->bridge = true;
			dev = n->port;
			break;
		default:
			return false;
		}
	}
	return false;
done:
	if (!info->outdev)
		info->outdev = info->indev;
	return true;
}

struct flow_route_dir {
	u16 dev;                     /* the route's device */
	union fs_addr nexthop;
};

static void flow_route_dir_init(struct flowtable_ctx *fc, struct conntrack_entry *ct, u8 x,
				const struct flow_route_dir *rt)
{
	struct flow_offload *flow = ct_flow(ct);
	const struct fs_netdev *d = fs_netdev_get(fc->nc, rt->dev);

	const struct fs_neigh *n = fs_neigh_lookup(fc->nc, rt->dev, ct->tuplehash[0].tuple.family,
						   &rt->nexthop);

	flow->dir[x].oif = (u8)rt->dev;
	flow->dir[x].mtu = d ? d->mtu : 1500;
	flow->dir[x].xmit = FLOW_XMIT_NEIGH;
	/* cache the next hop as the kernel caches the route (dst_cache): its neighbour entry
	 * is looked up by index per packet, and still checked for validity then */
	flow->dir[x].neigh = n ? (u16)(n - fc->nc->neigh + 1) : 0;
	flow->dir[!x].iif = (u8)rt->dev;
}

/* nft_dev_forward_path for direction x */
static void flow_route_refine(struct flowtable_ctx *fc, struct flowtable *ft,
			      struct conntrack_entry *ct, u8 x, const struct flow_route_dir *rt)
{
	struct flow_offload *flow = ct_flow(ct);
	const struct fs_netdev *dev = fs_netdev_get(fc->nc, rt->dev);
	const struct fs_neigh *n = NULL;
	struct dev_path_info info;
	u32 i;

	if (!dev)
		return;
	if (dev_is_ether(dev)) {
		n = fs_neigh_lookup(fc->nc, rt->dev, ct->tuplehash[0].tuple.family, &rt->nexthop);
		if (!n || !n->valid)
			return;  /* no NUD_VALID neighbour: keep the route-based path */
	}
	if (!dev_path_walk(fc->nc, rt->dev, n, &info) || !flowtable_has_dev(ft, info.indev))
		return;
	flow->dir[!x].iif = (u8)info.indev;
	flow->dir[!x].num_encap = info.num_encap;
	/* stored in reverse: the key carries headers in wire order, outermost first */
	for (i = 0; i < info.num_encap; i++)
		flow->dir[!x].encap[i] = info.encap[info.num_encap - 1 - i];
	if (info.bridge || (ft->cfg.flags & FLOWTABLE_F_HW_OFFLOAD)) {
		flow->dir[x].xmit = FLOW_XMIT_DIRECT;
		flow->dir[x].oif = (u8)info.outdev;
		flow->dir[x].hw_oif = (u8)info.indev;
	}
}

/* nft_flow_route: this direction's route is the packet's; the other is looked up back
 * toward the sender through the packet's input device (on-link if no route says more). */
static void flow_route(struct flowtable_ctx *fc, struct flowtable *ft, struct conntrack_entry *ct,
		       enum ct_dir dir, const struct flowtable_route_info *ri)
{
	const struct fs_tuple *t = &ct->tuplehash[dir].tuple;
	struct flow_route_dir rt[2];
	const struct fs_route *back;
	u8 x;

	rt[dir].dev = ri->oif;
	rt[dir].nexthop = ri->nexthop;
	rt[!dir].dev = ri->iif;
	rt[!dir].nexthop = t->src;
	back = fs_route_lookup(fc->nc, t->family, &t->src, ri->mark);
	if (back && back->oif == ri->iif && !fs_addr_is_zero(&back->gateway))
		rt[!dir].nexthop = back->gateway;
	for (x = 0; x < 2; x++)
		flow_route_dir_init(fc, ct, x, &rt[x]);
	for (x = 0; x < 2; x++)
		flow_route_refine(fc, ft, ct, x, &rt[x]);
}

static bool flowtable_admit_checks(struct flowtable_ctx *fc, const struct fs_packet *pkt,
				   const struct conntrack_entry *ct)
{
	/* nft_flow_offload_skip: IPsec-decrypted packets, IPv4 options */
	if (pkt->flags & FS_PKT_SECPATH)
		return false;
	if (pkt->t.family == FS_AF_INET && (pkt->flags & FS_PKT_IPOPT))
		return false;
	switch (ct->tuplehash[0].tuple.proto) {
	case FS_IPPROTO_TCP:
		if (pkt->tcp_flags & (FS_TCP_FIN | FS_TCP_RST))
			return false;
		/* nf_conntrack_tcp_established(), since the 5.18 teardown fixes */
		if (fc->b.tcp_admit_established &&
		    (ct->proto.tcp.state != TCP_CT_ESTABLISHED || !(ct->status & IPS_ASSURED)))
			return false;
		break;
	case FS_IPPROTO_UDP:
		break;
	default:
		return false;
	}
	if (ct->helper || (ct->status & (IPS_SEQ_ADJUST | IPS_NAT_CLASH)))
		return false;
	/* the first packet of every connection is still unconfirmed here */
	if (!(ct->status & IPS_CONFIRMED) || (ct->status & IPS_DYING))
		return false;
	return true;
}

int flowtable_admit(struct flowtable_ctx *fc, struct flowtable *ft, const struct fs_packet *pkt,
		    struct conntrack_entry *ct, enum ct_dir dir,
		    const struct flowtable_route_info *ri, u64 now)
{
	struct flow_offload *flow = ct_flow(ct);
	u32 timeout;

	if (!flowtable_admit_checks(fc, pkt, ct) || (ct->status & IPS_OFFLOAD))
		return -1;
	/*
	 * The flow is embedded in the entry (flow.h).  A torn-down flow still waiting for
	 * its GC pass is reclaimed here when it is software-only; one that still has
	 * hardware work outstanding must finish first, so admission fails until the next
	 * GC frees it (the kernel would allocate a second flow object meanwhile).
	 */
	if (flow->flags & FLOW_F_LIVE) {
		if (flow->flags & (FLOW_F_HW | FLOW_F_HW_PENDING))
			return -1;
		/* the caller holds its own reference: this never frees the entry */
		flowtable_free_flow(fc, fc->ft[flow->ft], ct, now);
	}
	fs_memset(flow, 0, sizeof(*flow));
	flow_route(fc, ft, ct, dir, ri);

	/* flow_offload_alloc: the NAT type is fixed at creation */
	if (ct->status & IPS_SRC_NAT)
		flow->flags |= FLOW_F_SNAT;
	if (ct->status & IPS_DST_NAT)
		flow->flags |= FLOW_F_DNAT;
	if (ct->tuplehash[0].tuple.proto == FS_IPPROTO_TCP) {
		ct->proto.tcp.flags[0] |= CT_TCP_FLAG_BE_LIBERAL;
		ct->proto.tcp.flags[1] |= CT_TCP_FLAG_BE_LIBERAL;
	}
	if (fc->b.hw_bidirectional)
		flow->flags |= FLOW_F_HW_BIDIR;

	/* flow_offload_add */
	flow->ft = ft->index;
	flow->flags |= FLOW_F_LIVE;
	timeout = flowtable_timeout_secs(fc, ct);
	flow->timeout = fs_ticks(now) + timeout * 1000u;
	ft->count++;
	ft->stats.added++;
	ct->use++;
	ct->status |= IPS_OFFLOAD;
	/* nf_ct_offload_timeout: keep the entry alive while conntrack sees nothing */
	if (fc->b.ct_timeout_day_on_add &&
	    fs_ticks_left(ct->timeout, now) < (s32)(CT_DAY_SECS / 2 * 1000u))
		conntrack_set_timeout(ct, now, CT_DAY_SECS);
	flowtable_event(fc, FS_EV_FLOW_ADD, ct, now, dir, ft->index);
	flowtable_event(fc, FS_EV_CT_OFFLOAD, ct, now, dir, ft->index);
	if ((ft->cfg.flags & FLOWTABLE_F_HW_OFFLOAD) && ft->hw) {
		flow->flags |= FLOW_F_HW;
		flowtable_hw_add(fc, ct, now);
	}
	return 0;
}
