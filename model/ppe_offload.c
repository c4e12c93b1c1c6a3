// SPDX-License-Identifier: MIT
/*
 * ppe_offload.c - the mtk_eth_soc flowtable driver (FLOW_CLS_REPLACE / DESTROY / STATS)
 * and the hardware engine in front of the CPU (struct router_hw_ops) for the PPE model.
 *
 * Replace follows mtk_flow_offload_replace ([offload-new], spec §3): duplicate cookie
 * -EEXIST; IPv4 TCP/UDP becomes an HNAPT entry (NAT or not), IPv6 TCP/UDP a 5-tuple route
 * entry and any IPv6 address/port rewrite is refused (no IPv6 mangle support); VLAN push
 * (802.1Q only) and PPPoE push up to two layers, PPPoE at most once; invalid MACs -EINVAL;
 * the output device must be a WLAN station reachable through WED, a DSA user port of an
 * MTK-tagged switch, or a GMAC of the SoC (mtk_flow_set_output_device), else -EOPNOTSUPP.
 * The entry is built the way mtk_foe_entry_prepare/set_vlan/set_pppoe/set_dsa/set_wdma/
 * set_queue/set_pse_port build it, so debugfs lines decode like real ones.  The flow then
 * waits on its bucket (ppe_table.c) until the hardware reports it.
 *
 * Receive: a frame whose lowest device is a SoC GMAC (directly, through a DSA user port or
 * VLAN/PPPoE upper) enters the PPE of that GMAC; a WLAN frame enters a PPE only with WED
 * RX (NETSYS v2+).  A BIND hit is forwarded here without the CPU: NAT, TTL, MACs and
 * encapsulation from the entry, qdiscs bypassed, residual cycles charged.  The entry pins
 * its egress port (and for WED its band ring, bss and, on MT7915/MT7996, the station):
 * when the next hop's neighbour entry says the destination now sits elsewhere, the frame
 * is still delivered to the pinned place - reported as ROUTER_DROP_STALE_HW - until the
 * flowtable destroys the rule.
 *
 * Locking: every entry point takes ppe->lock (the driver's ppe_lock / flow offload mutex).
 */
#include "ppe_internal.h"
#include "ppe_hash.h"

/* ------------------------------------------------- entry building (ib1/ib2) ---- */

static bool v1(const struct ppe *ppe)
{
	return ppe->cfg.netsys == PPE_NETSYS_V1;
}

static u32 ib1_bit(const struct ppe *ppe, unsigned int bit_v1, unsigned int bit_v2)
{
	return 1u << (v1(ppe) ? bit_v1 : bit_v2);
}

#define IB1_PPPOE(p)    ib1_bit(p, 19, 17)
#define IB1_VLAN_TAG(p) ib1_bit(p, 20, 18)
#define IB1_CACHE(p)    ib1_bit(p, 22, 20)
#define IB1_TTL(p)      ib1_bit(p, 24, 22)

static u32 ib1_vlan_layer(const struct ppe *ppe, u32 ib1)
{
	return ppe_ib1_vlan_layer(ib1, ppe->cfg.netsys);
}

static u32 ib1_set_vlan_layer(const struct ppe *ppe, u32 ib1, u32 layer)
{
	return v1(ppe) ? ppe_field_set(ib1, 16, 3, layer) : ppe_field_set(ib1, 14, 3, layer);
}

/* mtk_foe_entry_prepare */
static void entry_prepare(const struct ppe *ppe, struct ppe_flow *f, u8 type, bool udp,
			  const u8 *smac, const u8 *dmac)
{
	u32 ib1 = ppe_ib1_set_state(0, PPE_STATE_BIND);

	ib1 = ppe_ib1_set_type(ib1, ppe->cfg.netsys, type);
	if (udp)
		ib1 |= PPE_IB1_UDP;
	ib1 |= IB1_CACHE(ppe) | IB1_TTL(ppe);
	f->ib1 = ib1;
	if (v1(ppe)) {
		/* PORT_MG 0x3f on offload_version 1 (MT7621/7623), 0 on MT7622 */
		u32 port_mg = ppe->cfg.offload_version > 1 ? 0 : 0x3f;

		f->ib2 = ppe_field_set(0, 12, 6, port_mg);
		f->ib2 = ppe_field_set(f->ib2, 18, 6, 0x1f);   /* PORT_AG */
	} else {
		f->ib2 = ppe_field_set(0, 20, 4, 0xf);         /* PORT_AG_V2 */
	}
	fs_memset(&f->l2, 0, sizeof(f->l2));
	fs_memcpy(f->l2.src_mac, smac, 6);
	fs_memcpy(f->l2.dst_mac, dmac, 6);
	f->l2.etype = type >= PPE_PKT_IPV6_ROUTE_3T ? 0x86dd : 0x0800;
}

/* mtk_foe_entry_set_vlan */
static int entry_set_vlan(const struct ppe *ppe, struct ppe_flow *f, u16 vid)
{
	switch (ib1_vlan_layer(ppe, f->ib1)) {
	case 0:
		f->ib1 = ib1_set_vlan_layer(ppe, f->ib1 | IB1_VLAN_TAG(ppe), 1);
		f->l2.vlan1 = vid;
		return 0;
	case 1:
		if (!(f->ib1 & IB1_VLAN_TAG(ppe))) {
			/* the layer is a DSA tag: the VLAN rides in vlan1, flagged in etype */
			f->l2.vlan1 = vid;
			f->l2.etype |= 1u << 8;
		} else {
			f->l2.vlan2 = vid;
			f->ib1 = ib1_set_vlan_layer(ppe, f->ib1, 2);
		}
		return 0;
	default:
		return -1;
	}
}

/* mtk_foe_entry_set_pppoe */
static void entry_set_pppoe(const struct ppe *ppe, struct ppe_flow *f, u16 sid)
{
	if (!ib1_vlan_layer(ppe, f->ib1) || (f->ib1 & IB1_VLAN_TAG(ppe)))
		f->l2.etype = FS_ETH_P_PPP_SES;
	f->ib1 |= IB1_PPPOE(ppe);
	f->l2.pppoe_id = sid;
}

/* mtk_foe_entry_set_dsa: the MTK special tag counts as a VLAN layer */
static void entry_set_dsa(const struct ppe *ppe, struct ppe_flow *f, u8 port)
{
	f->l2.etype = (u16)(1u << port);
	if (!ib1_vlan_layer(ppe, f->ib1))
		f->ib1 = ib1_set_vlan_layer(ppe, f->ib1, 1);
	else
		f->l2.etype |= 1u << 8;
	f->ib1 &= ~IB1_VLAN_TAG(ppe);
}

/* mtk_foe_entry_set_wdma */
static void entry_set_wdma(const struct ppe *ppe, struct ppe_flow *f, const struct wed_path *p)
{
	switch (ppe->cfg.netsys) {
	case PPE_NETSYS_V1:
		f->ib2 = ppe_field_set(f->ib2, 12, 6, 0);      /* ~PORT_MG */
		f->ib2 |= 1u << 17;                            /* WDMA_WINFO */
		if (p->wdma_idx)
			f->ib2 |= 1u << 16;                    /* WDMA_DEVIDX */
		f->l2.vlan2 = (u16)(ppe_field_set(0, 0, 6, p->bss) |
				    ppe_field_set(0, 6, 8, p->wcid) |
				    ppe_field_set(0, 14, 2, p->queue));
		break;
	case PPE_NETSYS_V2:
		f->ib2 &= ~(1u << 7);                          /* ~PORT_MG_V2 */
		f->ib2 = ppe_field_set(f->ib2, 17, 2, p->queue); /* RX_IDX */
		f->ib2 |= 1u << 19;                            /* WDMA_WINFO_V2 */
		f->l2.winfo = (u16)(ppe_field_set(0, 0, 6, p->bss) |
				    ppe_field_set(0, 6, 10, p->wcid));
		break;
	default:
		f->ib2 &= ~(1u << 7);
		f->ib2 = ppe_field_set(f->ib2, 17, 2, p->queue);
		f->ib2 |= 1u << 19;
		f->l2.w3info = ppe_field_set(0, 0, 16, p->wcid) | ppe_field_set(0, 16, 8, p->bss);
		break;
	}
}

/* mtk_foe_entry_set_queue */
static void entry_set_queue(const struct ppe *ppe, struct ppe_flow *f, u32 queue)
{
	if (v1(ppe)) {
		f->ib2 = ppe_field_set(f->ib2, 0, 4, queue);
		f->ib2 |= 1u << 4;                             /* PSE_QOS */
	} else {
		f->ib2 = ppe_field_set(f->ib2, 0, 7, queue);
		f->ib2 |= 1u << 8;                             /* PSE_QOS_V2 */
	}
}

/* mtk_foe_entry_set_pse_port */
static void entry_set_pse_port(const struct ppe *ppe, struct ppe_flow *f, u32 port)
{
	if (v1(ppe))
		f->ib2 = ppe_field_set(f->ib2, 5, 3, port);
	else
		f->ib2 = ppe_field_set(f->ib2, 9, 4, port);
}

/* ------------------------------------------------------------- device roles ---- */

static const struct fs_netdev *dev_get(const struct ppe *ppe, u16 ifindex)
{
	return fs_netdev_get(ppe->nc, ifindex);
}

static bool is_gmac(const struct fs_netdev *d)
{
	return d && d->kind == FS_NETDEV_ETHER && d->gmac != 0xff;
}

/* GDM1/2/3 = PSE ports 1, 2, 15 */
static u32 gmac_pse_port(u8 gmac)
{
	return gmac == 0 ? PPE_PSE_GDM1 : gmac == 1 ? PPE_PSE_GDM2 : PPE_PSE_GDM3;
}

/* mtk_open ([multi-ppe]): GMAC 2 -> PPE2, GMAC 1 -> PPE1 if the SoC has them, else PPE0 */
static int gmac_ppe(const struct ppe *ppe, u8 gmac)
{
	if (!ppe->cfg.gmac_steering)
		return 0;
	if (gmac == 2 && ppe->cfg.num_ppe >= 3)
		return 2;
	if (gmac == 1 && ppe->cfg.num_ppe >= 2)
		return 1;
	return 0;
}

/* The conduit GMAC of an MTK-tagged DSA user port, or NULL. */
static const struct fs_netdev *dsa_conduit(const struct ppe *ppe, const struct fs_netdev *d)
{
	const struct fs_netdev *c;

	if (!d || d->kind != FS_NETDEV_DSA || !ppe->cfg.dsa_tag_mtk)
		return NULL;
	c = dev_get(ppe, fs_netdev_lowest(ppe->nc, d->ifindex));
	return is_gmac(c) ? c : NULL;
}

int ppe_ingress_index(struct ppe *ppe, u16 ifindex)
{
	const struct fs_netdev *d = dev_get(ppe, fs_netdev_lowest(ppe->nc, ifindex));
	int w;

	if (!d)
		return -1;
	if (is_gmac(d))
		return gmac_ppe(ppe, d->gmac);
	if (d->kind == FS_NETDEV_WLAN && ppe->wed.cfg.rx) {
		/* WED RX: the block's WDMA feeds the PPE its flows were offloaded to */
		w = wed_index_for_dev(&ppe->wed, ppe->nc, d);
		if (w == WED_NONE)
			return -1;
		return ppe->cfg.gmac_steering && w < ppe->cfg.num_ppe ? w : 0;
	}
	return -1;
}

/* The PPE a flow is installed in (mtk_flow_offload_replace's ppe_index). */
static int flow_ppe(struct ppe *ppe, u16 iif)
{
	const struct fs_netdev *d = dev_get(ppe, fs_netdev_lowest(ppe->nc, iif));
	int w;

	if (ppe->cfg.netsys < 2 || !ppe->cfg.gmac_steering || !d)
		return 0;
	if (is_gmac(d))
		return gmac_ppe(ppe, d->gmac);
	if (d->kind == FS_NETDEV_WLAN) {
		/* the WED block's tc callback passes its own index as ppe_index */
		w = wed_index_for_dev(&ppe->wed, ppe->nc, d);
		if (w != WED_NONE && w < ppe->cfg.num_ppe)
			return w;
	}
	return 0;
}

static bool mac_valid(const u8 *m)
{
	/* is_valid_ether_addr: not zero, not multicast */
	return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

/* The neighbour the entry delivers to: next hop on the routed device, by MAC. */
static u32 find_neigh(const struct ppe *ppe, const struct flow_hw_rule *rule)
{
	const struct fs_netconf *nc = ppe->nc;
	u32 i, any = PPE_NEIGH_NONE;

	for (i = 0; i < nc->num_neigh; i++) {
		const struct fs_neigh *n = &nc->neigh[i];

		if (fs_memcmp(n->mac, rule->dst_mac, 6))
			continue;
		if (n->ifindex == rule->l3_oif)
			return i;
		if (any == PPE_NEIGH_NONE)
			any = i;
	}
	return any;
}

/* ------------------------------------------------------------------ replace ---- */

static bool tuple_addr_port_equal(const struct fs_tuple *a, const struct fs_tuple *b)
{
	return fs_addr_equal(&a->src, &b->src) && fs_addr_equal(&a->dst, &b->dst) &&
	       a->sport == b->sport && a->dport == b->dport;
}

static int replace_locked(struct ppe *ppe, const struct conntrack_entry *ct,
			  const struct flow_hw_rule *rule, u64 now)
{
	const struct fs_tuple *m = &rule->match;
	const struct fs_netdev *odev, *conduit;
	struct ppe_flow tmp, *f;
	struct wed_path wp;
	u32 vlans = 0, pppoes = 0, pse, i;
	int ppe_idx, wed_idx = WED_NONE;
	u8 type;

	if (ppe_cookie_find(ppe, ct, rule->dir))
		return -PPE_EEXIST;
	ppe_idx = flow_ppe(ppe, rule->iif);

	/* CONTROL/BASIC/PORTS keys: IPv4 or IPv6, TCP or UDP only */
	if (m->family == FS_AF_INET)
		type = PPE_PKT_IPV4_HNAPT;
	else if (m->family == FS_AF_INET6)
		type = PPE_PKT_IPV6_ROUTE_5T;
	else
		return -PPE_EOPNOTSUPP;
	if (m->proto != FS_IPPROTO_TCP && m->proto != FS_IPPROTO_UDP)
		return -PPE_EOPNOTSUPP;
	if (rule->rewrite.family != m->family || rule->rewrite.proto != m->proto)
		return -PPE_EOPNOTSUPP;
	/* FLOW_ACT_MANGLE_HDR_TYPE_IP6 (and IPv6 port mangles) hit "default: -EOPNOTSUPP" */
	if (type == PPE_PKT_IPV6_ROUTE_5T && !tuple_addr_port_equal(m, &rule->rewrite))
		return -PPE_EOPNOTSUPP;

	/* VLAN_PUSH / PPPOE_PUSH actions, outermost first */
	if (rule->num_encap_out > FS_ENCAP_MAX)
		return -PPE_EOPNOTSUPP;
	for (i = 0; i < rule->num_encap_out; i++) {
		const struct fs_encap *e = &rule->encap_out[i];

		if (e->proto == FS_ETH_P_8021Q) {
			if (vlans + pppoes == 2)
				return -PPE_EOPNOTSUPP;
			vlans++;
		} else if (e->proto == FS_ETH_P_PPP_SES) {
			if (pppoes == 1 || vlans == 2)
				return -PPE_EOPNOTSUPP;
			pppoes++;
		} else {
			return -PPE_EOPNOTSUPP;  /* 802.1ad and anything else */
		}
	}
	if (!rule->dst_mac_valid || !mac_valid(rule->src_mac) || !mac_valid(rule->dst_mac))
		return -PPE_EINVAL;

	fs_memset(&tmp, 0, sizeof(tmp));
	entry_prepare(ppe, &tmp, type, m->proto == FS_IPPROTO_UDP, rule->src_mac, rule->dst_mac);
	for (i = 0; i < rule->num_encap_out; i++)
		if (rule->encap_out[i].proto == FS_ETH_P_8021Q)
			entry_set_vlan(ppe, &tmp, rule->encap_out[i].id);
	for (i = 0; i < rule->num_encap_out; i++)
		if (rule->encap_out[i].proto == FS_ETH_P_PPP_SES)
			entry_set_pppoe(ppe, &tmp, rule->encap_out[i].id);

	/* mtk_flow_set_output_device */
	odev = dev_get(ppe, rule->oif);
	if (!odev)
		return -PPE_EOPNOTSUPP;
	tmp.eg.path = ROUTER_PATH_PPE;
	tmp.eg.wed = WED_NONE;
	if (odev->kind == FS_NETDEV_WLAN) {
		/* dev_fill_forward_path must end in DEV_PATH_MTK_WDMA, else "not a GMAC" */
		if (wed_fill_path(&ppe->wed, ppe->nc, odev, rule->wcid, &wp))
			return -PPE_EOPNOTSUPP;
		entry_set_wdma(ppe, &tmp, &wp);
		pse = wp.pse_port;
		wed_idx = wp.wdma_idx;
		tmp.eg.path = ROUTER_PATH_WED;
		tmp.eg.wed = (s8)wed_idx;
		tmp.eg.wcid = wp.wcid;
		tmp.eg.wcid_frozen = wp.wcid_frozen;
	} else if ((conduit = dsa_conduit(ppe, odev)) != NULL) {
		pse = gmac_pse_port(conduit->gmac);
		entry_set_dsa(ppe, &tmp, odev->dsa_port);
		entry_set_queue(ppe, &tmp, 3u + odev->dsa_port);
	} else if (is_gmac(odev)) {
		pse = gmac_pse_port(odev->gmac);
		entry_set_queue(ppe, &tmp, pse - 1);
	} else {
		return -PPE_EOPNOTSUPP;
	}
	entry_set_pse_port(ppe, &tmp, pse);

	if (wed_idx != WED_NONE && wed_flow_add(&ppe->wed, wed_idx, now) < 0)
		return -WED_ENODEV;

	f = fs_cache_zalloc(ppe->flow_cache);
	if (!f) {
		if (wed_idx != WED_NONE)
			wed_flow_remove(&ppe->wed, wed_idx, now);
		return -PPE_ENOMEM;
	}
	f->ct = ct;
	f->dir = rule->dir;
	f->match = *m;
	f->rewrite = rule->rewrite;
	f->ib1 = tmp.ib1;
	f->ib2 = tmp.ib2;
	f->l2 = tmp.l2;
	f->eg = tmp.eg;
	f->eg.oif = rule->oif;
	f->eg.l3_oif = rule->l3_oif;
	f->eg.num_encap = rule->num_encap_out;
	for (i = 0; i < rule->num_encap_out; i++)
		f->eg.encap[i] = rule->encap_out[i];
	f->eg.neigh = find_neigh(ppe, rule);
	f->type = type;
	f->ppe = (u8)ppe_idx;
	f->bucket = ppe_hash_tuple(m, type, ppe->cfg.entries, ppe->cfg.ways) &
		    ~(u32)(ppe->cfg.ways - 1);
	ppe_flow_queue(ppe, f);
	ppe_cookie_insert(ppe, f);
	return 0;
}

static int op_replace(void *priv, const struct conntrack_entry *ct,
		      const struct flow_hw_rule *rule, u64 now)
{
	struct ppe *ppe = priv;
	int ret;

	fs_lock_acquire(ppe->lock);
	ret = replace_locked(ppe, ct, rule, now);
	fs_lock_release(ppe->lock);
	return ret;
}

/* mtk_flow_offload_destroy */
static void op_destroy(void *priv, const struct conntrack_entry *ct, u8 dir, u64 now)
{
	struct ppe *ppe = priv;
	struct ppe_flow *f;

	fs_lock_acquire(ppe->lock);
	f = ppe_cookie_find(ppe, ct, dir);
	if (f) {
		ppe_flow_clear(ppe, f, now);
		ppe_cookie_remove(ppe, f);
		if (f->eg.wed != WED_NONE)
			wed_flow_remove(&ppe->wed, f->eg.wed, now);
		fs_cache_free(ppe->flow_cache, f);
	}
	fs_lock_release(ppe->lock);
}

/* mtk_flow_offload_stats */
static int op_stats(void *priv, const struct conntrack_entry *ct, u8 dir, u64 now,
		    u64 *lastused, u64 *packets, u64 *bytes)
{
	struct ppe *ppe = priv;
	struct ppe_flow *f;
	u64 idle_ns;

	fs_lock_acquire(ppe->lock);
	f = ppe_cookie_find(ppe, ct, dir);
	if (!f) {
		fs_lock_release(ppe->lock);
		return -1;
	}
	ppe_flow_update(ppe, f);
	idle_ns = (u64)ppe_flow_idle(ppe, f, now) * FS_NSEC_PER_SEC;
	*lastused = now > idle_ns ? now - idle_ns : 0;
	*packets = 0;
	*bytes = 0;
	if (f->hash != PPE_HASH_NONE && ppe->cfg.accounting)
		ppe_mib_read(ppe, &ppe->inst[f->ppe].slot[f->hash], packets, bytes);
	fs_lock_release(ppe->lock);
	return 0;
}

static const struct flowtable_hw_ops ppe_ft_ops = {
	.replace = op_replace,
	.destroy = op_destroy,
	.stats = op_stats,
};

const struct flowtable_hw_ops *ppe_flowtable_ops(void)
{
	return &ppe_ft_ops;
}

/* ------------------------------------------------------------- hardware rx ---- */

/* Where the destination really is now, against what the entry pinned. */
static bool egress_stale(const struct ppe *ppe, const struct ppe_egress *eg)
{
	const struct fs_neigh *n;

	if (eg->neigh == PPE_NEIGH_NONE || eg->neigh >= ppe->nc->num_neigh)
		return false;
	n = &ppe->nc->neigh[eg->neigh];
	if (n->port && n->port != eg->oif)
		return true;   /* moved to another band, radio or switch port */
	if (eg->path == ROUTER_PATH_WED && eg->wcid_frozen && n->wcid != eg->wcid)
		return true;   /* the entry names a station index the destination no longer has */
	return false;
}

static void rewrite_packet(const struct ppe *ppe, const struct ppe_slot *s, struct fs_packet *pkt)
{
	u32 type = ppe_ib1_type(s->e.ib1, ppe->cfg.netsys);
	u32 i;

	if (type == PPE_PKT_IPV4_HNAPT) {
		pkt->t.src.ip = s->e.new_src_ip;
		pkt->t.dst.ip = s->e.new_dst_ip;
		pkt->t.sport = ppe_ports_sport(s->e.new_ports);
		pkt->t.dport = ppe_ports_dport(s->e.new_ports);
	}
	if (ppe_ib1_ttl(s->e.ib1, ppe->cfg.netsys) && pkt->ttl)
		pkt->ttl--;
	fs_memcpy(pkt->src_mac, s->e.l2.src_mac, 6);
	fs_memcpy(pkt->dst_mac, s->e.l2.dst_mac, 6);
	pkt->num_encap = s->eg.num_encap;
	for (i = 0; i < FS_ENCAP_MAX; i++)
		pkt->encap[i] = s->eg.encap[i];
}

static void report_stale(struct ppe *ppe, int idx, struct ppe_slot *s, u64 now)
{
	struct ppe_flow *f;
	struct fs_tuple orig, reply;

	if (s->stale_reported)
		return;
	s->stale_reported = 1;
	if (s->eg.path != ROUTER_PATH_WED)
		return;        /* event.h has no wired-port variant; counted in stats */
	ppe->inst[idx].stats.stale_events++;
	ppe->wed.stale_entries++;
	f = ppe_slot_owner(ppe, idx, s->e.index);
	if (f) {
		ppe_flow_event_tuples(f, &orig, &reply);
		ppe_emit(ppe, FS_EV_WED_STALE, now, s->e.index, (u32)idx | ((u32)s->eg.wed << 8),
			 &orig, &reply, f->ct);
	} else {
		ppe_slot_tuple(ppe, s, &orig);
		ppe_emit(ppe, FS_EV_WED_STALE, now, s->e.index, (u32)idx | ((u32)s->eg.wed << 8),
			 &orig, NULL, NULL);
	}
}

static bool op_rx(void *priv, struct fs_packet *pkt, u64 now, struct router_result *res)
{
	struct ppe *ppe = priv;
	struct ppe_instance *in;
	struct ppe_slot *s;
	u32 reason, segs;
	int idx;

	fs_lock_acquire(ppe->lock);
	idx = ppe_ingress_index(ppe, pkt->iif);
	if (idx < 0) {
		fs_lock_release(ppe->lock);
		return false;
	}
	s = ppe_hw_lookup(ppe, idx, pkt, now, &reason);
	if (!s) {
		fs_lock_release(ppe->lock);
		return false;
	}
	in = &ppe->inst[idx];
	segs = fs_packet_segments(pkt);
	ppe_slot_hit(ppe, s, pkt, now);
	rewrite_packet(ppe, s, pkt);

	fs_memset(res, 0, sizeof(*res));
	res->verdict = ROUTER_FORWARD;
	res->path = s->eg.path;
	res->drop_reason = ROUTER_DROP_NONE;
	res->bypass_qdisc = 1;
	res->oif = s->eg.l3_oif;
	res->tx_dev = s->eg.oif;
	res->wcid = s->eg.path == ROUTER_PATH_WED ? s->eg.wcid : 0;
	res->frames = (u16)segs;
	res->cycles = ppe->cost ? ppe->cost->hw_residual * segs : 0;
	in->stats.hw_packets += segs;
	in->stats.hw_bytes += pkt->len;   /* L3 bytes of the whole (GSO) packet */

	if (egress_stale(ppe, &s->eg)) {
		/* delivered to the pinned port/station: lost for the real destination */
		res->verdict = ROUTER_DROP;
		res->drop_reason = ROUTER_DROP_STALE_HW;
		in->stats.misdelivered += segs;
		if (s->eg.path == ROUTER_PATH_WED)
			ppe->wed.misdelivered += segs;
		report_stale(ppe, idx, s, now);
	}
	fs_lock_release(ppe->lock);
	return true;
}

static void op_timers(void *priv, u64 now)
{
	struct ppe *ppe = priv;

	fs_lock_acquire(ppe->lock);
	ppe_age(ppe, now);
	fs_lock_release(ppe->lock);
}

static u64 op_next_timer(void *priv)
{
	struct ppe *ppe = priv;
	u64 t;

	fs_lock_acquire(ppe->lock);
	t = ppe_next_age(ppe);
	fs_lock_release(ppe->lock);
	return t;
}

/*
 * FLOW_BLOCK_BIND succeeds on the SoC's GMAC netdevs (mtk_eth_setup_tc), on DSA user
 * ports of an MTK-tagged switch (DSA forwards TC_SETUP_FT to its conduit) and, with WED
 * RX (v2+), on WED-served Wi-Fi netdevs (mtk_wed_setup_tc); everything else answers
 * -EOPNOTSUPP, which OpenWrt's flowtable patch ignores.
 */
static bool op_dev_capable(void *priv, const struct fs_netdev *dev)
{
	struct ppe *ppe = priv;
	bool ok = false;

	if (!dev)
		return false;
	fs_lock_acquire(ppe->lock);
	switch (dev->kind) {
	case FS_NETDEV_ETHER:
		ok = is_gmac(dev);
		break;
	case FS_NETDEV_DSA:
		ok = dsa_conduit(ppe, dev) != NULL;
		break;
	case FS_NETDEV_WLAN:
		ok = ppe->wed.cfg.rx && wed_index_for_dev(&ppe->wed, ppe->nc, dev) != WED_NONE;
		break;
	default:
		ok = false;
		break;
	}
	fs_lock_release(ppe->lock);
	return ok;
}

static const struct router_hw_ops ppe_hw_ops = {
	.rx = op_rx,
	.timers = op_timers,
	.next_timer = op_next_timer,
	.offload = &ppe_ft_ops,
	.dev_capable = op_dev_capable,
};

const struct router_hw_ops *ppe_router_ops(void)
{
	return &ppe_hw_ops;
}
