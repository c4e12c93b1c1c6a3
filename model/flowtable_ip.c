/* SPDX-License-Identifier: MIT */
/*
 * flowtable_ip.c - the software fast path: nf_flow_offload_ip_hook / _ipv6_hook of
 * net/netfilter/nf_flow_table_ip.c, for a packet seen on one hooked device.
 *
 * The checks run in the kernel's order (spec linux-flowtable.md §2.2): tuple build
 * (fragments, options, TTL), lookup (device and encapsulation are part of the key), MTU,
 * TCP flags, then refresh, NAT, TTL decrement, accounting and the transmit decision.
 * Anything that fails sends the packet to the classic path unchanged (NF_ACCEPT).
 */
#include "flowtable_internal.h"

static bool encap_match(const struct flow_offload_dir *d, const struct fs_packet *pkt)
{
	u32 i;

	if (d->num_encap != pkt->num_encap)
		return false;
	for (i = 0; i < d->num_encap; i++)
		if (d->encap[i].id != pkt->encap[i].id || d->encap[i].proto != pkt->encap[i].proto)
			return false;
	return true;
}

/* flow_offload_lookup: the key is the tuple plus input device and encapsulation. */
static struct conntrack_entry *flowtable_lookup(struct flowtable_ctx *fc, struct flowtable *ft,
						const struct fs_packet *pkt, u16 dev,
						enum ct_dir *dir, u8 *reason)
{
	struct conntrack_entry *ct;
	struct fs_tuple key = pkt->t;

	key.pad = 0;
	ct = conntrack_find(fc->ct, &key, dir);
	if (!ct || !(ct->flow.flags & FLOW_F_LIVE) || ct->flow.ft != ft->index ||
	    ct->flow.dir[*dir].iif != dev || !encap_match(&ct->flow.dir[*dir], pkt)) {
		*reason = FT_SLOW_MISS;
		return NULL;
	}
	if ((ct->flow.flags & FLOW_F_TEARDOWN) || (ct->status & IPS_DYING)) {
		*reason = FT_SLOW_TEARDOWN;
		return NULL;
	}
	return ct;
}

/* nf_flow_exceeds_mtu: a GSO packet passes if each segment fits */
static bool flowtable_exceeds_mtu(const struct fs_packet *pkt, u16 mtu)
{
	u32 segs = fs_packet_segments(pkt);

	if (pkt->len <= mtu)
		return false;
	return segs <= 1 || (pkt->len + segs - 1) / segs > mtu;
}

enum flowtable_verdict flowtable_hook(struct flowtable_ctx *fc, struct flowtable *ft,
				      struct fs_packet *pkt, u16 dev, u64 now,
				      struct flowtable_xmit *x, u8 *reason)
{
	struct conntrack_entry *ct;
	struct flow_offload *flow;
	enum ct_dir dir = CT_DIR_ORIGINAL;

	/* nf_flow_tuple_ip / _ipv6 */
	if (pkt->flags & (FS_PKT_FRAG | FS_PKT_IPOPT)) {
		*reason = FT_SLOW_FRAG;
		goto slow;
	}
	if (pkt->t.proto != FS_IPPROTO_TCP && pkt->t.proto != FS_IPPROTO_UDP) {
		*reason = FT_SLOW_PROTO;
		goto slow;
	}
	if (pkt->ttl <= 1) {
		*reason = FT_SLOW_TTL;
		goto slow;
	}
	ct = flowtable_lookup(fc, ft, pkt, dev, &dir, reason);
	if (!ct)
		goto slow;
	flow = ct_flow(ct);
	if (flowtable_exceeds_mtu(pkt, flow->dir[dir].mtu)) {
		*reason = FT_SLOW_MTU;
		goto slow;
	}
	/* nf_flow_state_check */
	if (pkt->t.proto == FS_IPPROTO_TCP) {
		if (fc->b.closing) {
			if ((pkt->tcp_flags & FS_TCP_SYN) && (flow->flags & FLOW_F_CLOSING)) {
				flowtable_teardown(fc, ct, FS_TEARDOWN_CLOSING_SYN, now);
				*reason = FT_SLOW_TCP_FLAGS;
				goto slow;
			}
			if (pkt->tcp_flags & (FS_TCP_FIN | FS_TCP_RST))
				flow->flags |= FLOW_F_CLOSING;
		} else if (pkt->tcp_flags & (FS_TCP_FIN | FS_TCP_RST)) {
			flowtable_teardown(fc, ct, FS_TEARDOWN_TCP_FLAGS, now);
			*reason = FT_SLOW_TCP_FLAGS;
			goto slow;
		}
	}

	flowtable_refresh(fc, ft, ct, now, false);

	/* nf_flow_encap_pop, NAT (ports before addresses: same result here), TTL */
	pkt->num_encap = 0;
	if (flow->flags & FLOW_F_SNAT)
		conntrack_nat_packet(ct, dir, pkt, dir == CT_DIR_REPLY);
	if (flow->flags & FLOW_F_DNAT)
		conntrack_nat_packet(ct, dir, pkt, dir == CT_DIR_ORIGINAL);
	pkt->ttl--;

	if (ft->cfg.flags & FLOWTABLE_F_COUNTER) {
		ct->acct[dir].packets += fs_packet_segments(pkt);
		ct->acct[dir].bytes += pkt->len;
	}
	ft->stats.fast_packets += fs_packet_segments(pkt);
	ft->stats.fast_bytes += pkt->len;

	x->oif = flow->dir[dir].oif;
	x->neigh = flow->dir[dir].neigh;
	x->xmit = flow->dir[dir].xmit;
	x->dir = (u8)dir;
	x->ct = ct;
	return FT_STOLEN;
slow:
	ft->stats.slow_reasons[*reason]++;
	return FT_ACCEPT;
}
