/* SPDX-License-Identifier: MIT */
/*
 * ppe_fixture.h - a router-less test bench for the PPE/WED model (test_ppe_table.c,
 * test_ppe_offload.c, test_wed.c): a fixed network configuration, an event recorder,
 * fake conntrack entries (only their addresses are used, as the driver's cookies), and
 * helpers that drive the model through its router_hw_ops / flowtable_hw_ops exactly as
 * the core would.
 *
 * Devices (all up, MTU 1500):
 *   eth0 GMAC0, eth1 GMAC1, eth2 GMAC2; lan1/lan2 DSA ports 1/2 on eth0; br-lan over
 *   lan1, lan2, wlan0, wlan1; wlan0 = radio 0 band 0 (2.4 GHz), wlan1 = radio 0 band 1,
 *   wlan2 = radio 1 band 1 (a PCIe card), wlan3 = radio 2 band 1; usb0 an Ethernet NIC
 *   that is no SoC GMAC; tun0 a tunnel.  Every WLAN device asks for WED (wlan_wed = 1).
 */
#ifndef FLOWSIM_PPE_FIXTURE_H
#define FLOWSIM_PPE_FIXTURE_H

#include <string.h>

#include "testutil.h"
#include "ppe.h"
#include "ppe_hash.h"

#define PFX_CTS 1024

struct pfx {
	struct fs_netconf nc;
	struct ppe_config cfg;
	struct fs_cost_table cost;
	struct ppe *ppe;
	GArray *ev;                       /* struct fs_event */
	struct conntrack_entry *ct;       /* PFX_CTS fake entries (cookies) */
	u16 eth0, eth1, eth2, lan1, lan2, br, wlan0, wlan1, wlan2, wlan3, usb0, tun0;
};

static inline void pfx_record(void *arg, const struct fs_event *ev)
{
	struct pfx *fx = arg;

	g_array_append_val(fx->ev, *ev);
}

static inline u16 pfx_add_dev(struct pfx *fx, const char *name, u8 kind, u16 lower)
{
	struct fs_netdev d;
	int idx;

	memset(&d, 0, sizeof(d));
	g_strlcpy(d.name, name, sizeof(d.name));
	d.kind = kind;
	d.lower = lower;
	d.up = 1;
	d.mtu = 1500;
	d.gmac = 0xff;
	d.mac[0] = 0x02;
	d.mac[5] = (u8)(0x10 + fx->nc.num_addr + strlen(name));
	idx = fs_netdev_add(&fx->nc, &d);
	g_assert_cmpint(idx, >, 0);
	return (u16)idx;
}

static inline void pfx_build_netconf(struct pfx *fx)
{
	struct fs_netdev *d;

	fs_netconf_init(&fx->nc);
	fx->eth0 = pfx_add_dev(fx, "eth0", FS_NETDEV_ETHER, 0);
	fs_netdev_get(&fx->nc, fx->eth0)->gmac = 0;
	fx->eth1 = pfx_add_dev(fx, "eth1", FS_NETDEV_ETHER, 0);
	fs_netdev_get(&fx->nc, fx->eth1)->gmac = 1;
	fx->eth2 = pfx_add_dev(fx, "eth2", FS_NETDEV_ETHER, 0);
	fs_netdev_get(&fx->nc, fx->eth2)->gmac = 2;
	fx->lan1 = pfx_add_dev(fx, "lan1", FS_NETDEV_DSA, fx->eth0);
	fs_netdev_get(&fx->nc, fx->lan1)->dsa_port = 1;
	fx->lan2 = pfx_add_dev(fx, "lan2", FS_NETDEV_DSA, fx->eth0);
	fs_netdev_get(&fx->nc, fx->lan2)->dsa_port = 2;
	fx->br = pfx_add_dev(fx, "br-lan", FS_NETDEV_BRIDGE, 0);
	fs_netdev_get(&fx->nc, fx->lan1)->master = fx->br;
	fs_netdev_get(&fx->nc, fx->lan2)->master = fx->br;
	fx->wlan0 = pfx_add_dev(fx, "wlan0", FS_NETDEV_WLAN, 0);
	d = fs_netdev_get(&fx->nc, fx->wlan0);
	d->wlan_radio = 0; d->wlan_band = 0; d->wlan_bss = 0; d->wlan_wed = 1; d->master = fx->br;
	fx->wlan1 = pfx_add_dev(fx, "wlan1", FS_NETDEV_WLAN, 0);
	d = fs_netdev_get(&fx->nc, fx->wlan1);
	d->wlan_radio = 0; d->wlan_band = 1; d->wlan_bss = 1; d->wlan_wed = 1; d->master = fx->br;
	fx->wlan2 = pfx_add_dev(fx, "wlan2", FS_NETDEV_WLAN, 0);
	d = fs_netdev_get(&fx->nc, fx->wlan2);
	d->wlan_radio = 1; d->wlan_band = 1; d->wlan_bss = 2; d->wlan_wed = 1;
	fx->wlan3 = pfx_add_dev(fx, "wlan3", FS_NETDEV_WLAN, 0);
	d = fs_netdev_get(&fx->nc, fx->wlan3);
	d->wlan_radio = 2; d->wlan_band = 1; d->wlan_bss = 0; d->wlan_wed = 1;
	fx->usb0 = pfx_add_dev(fx, "usb0", FS_NETDEV_ETHER, 0);
	fx->tun0 = pfx_add_dev(fx, "tun0", FS_NETDEV_TUNNEL, 0);
}

/* entries = 0 keeps the SoC/kernel default table size. */
static inline void pfx_init_cfg(struct pfx *fx, const struct ppe_config *cfg)
{
	fx->cfg = *cfg;
	fx->ev = g_array_new(FALSE, TRUE, sizeof(struct fs_event));
	fx->ct = g_new0(struct conntrack_entry, PFX_CTS);
	memset(&fx->cost, 0, sizeof(fx->cost));
	fx->cost.hw_residual = 120;
	fx->ppe = ppe_create(&fx->cfg, &fx->nc, &fx->cost, pfx_record, fx);
	g_assert_nonnull(fx->ppe);
}

static inline void pfx_init(struct pfx *fx, const char *soc, u16 kernel, u32 entries)
{
	struct ppe_config cfg;

	memset(fx, 0, sizeof(*fx));
	pfx_build_netconf(fx);
	g_assert_cmpint(ppe_config_for_soc(&cfg, soc, kernel), ==, 0);
	if (entries)
		cfg.entries = entries;
	pfx_init_cfg(fx, &cfg);
}

static inline void pfx_fini(struct pfx *fx)
{
	ppe_destroy(fx->ppe);
	g_array_free(fx->ev, TRUE);
	g_free(fx->ct);
	fs_netconf_release(&fx->nc);
}

static inline struct flow_hw_rule pfx_rule(const char *src, u16 sport, const char *dst,
					   u16 dport, u8 proto, u16 iif, u16 oif)
{
	struct flow_hw_rule r;

	memset(&r, 0, sizeof(r));
	r.match.src = tu_addr(src);
	r.match.dst = tu_addr(dst);
	r.match.family = (u8)tu_family(src);
	r.match.proto = proto;
	r.match.sport = sport;
	r.match.dport = dport;
	r.rewrite = r.match;
	r.iif = iif;
	r.oif = oif;
	r.l3_oif = oif;
	r.src_mac[0] = 0x02; r.src_mac[5] = 0x01;
	r.dst_mac[0] = 0x02; r.dst_mac[5] = 0x02;
	r.dst_mac_valid = 1;
	r.dir = CT_DIR_ORIGINAL;
	return r;
}

static inline struct fs_packet pfx_pkt(const struct flow_hw_rule *r)
{
	struct fs_packet p;

	memset(&p, 0, sizeof(p));
	p.t = r->match;
	p.iif = r->iif;
	p.len = 1000;
	p.ttl = 64;
	p.wscale = 0xff;
	p.tcp_flags = r->match.proto == FS_IPPROTO_TCP ? FS_TCP_ACK : 0;
	return p;
}

static inline int pfx_replace(struct pfx *fx, int ct, const struct flow_hw_rule *r, u64 now)
{
	return ppe_flowtable_ops()->replace(fx->ppe, &fx->ct[ct], r, now);
}

static inline void pfx_destroy(struct pfx *fx, int ct, u8 dir, u64 now)
{
	ppe_flowtable_ops()->destroy(fx->ppe, &fx->ct[ct], dir, now);
}

static inline bool pfx_rx(struct pfx *fx, const struct fs_packet *tmpl, u64 now,
			  struct router_result *res, struct fs_packet *out)
{
	struct fs_packet p = *tmpl;
	struct router_result r;
	bool fwd;

	memset(&r, 0, sizeof(r));
	fwd = ppe_router_ops()->rx(fx->ppe, &p, now, &r);
	if (res)
		*res = r;
	if (out)
		*out = p;
	return fwd;
}

/* n frames, the i-th at t0 + i * step; returns how many the hardware forwarded. */
static inline u32 pfx_burst(struct pfx *fx, const struct fs_packet *tmpl, u32 n, u64 t0, u64 step)
{
	u32 i, fwd = 0;

	for (i = 0; i < n; i++)
		fwd += pfx_rx(fx, tmpl, t0 + i * step, NULL, NULL);
	return fwd;
}

static inline void pfx_timers(struct pfx *fx, u64 now)
{
	ppe_router_ops()->timers(fx->ppe, now);
}

/* The driver's slot for a flow direction: index, PPE_HASH_NONE, or -1 without a flow. */
static inline int pfx_hash(struct pfx *fx, int ct, u8 dir)
{
	u16 hash;

	if (ppe_flow_lookup(fx->ppe, &fx->ct[ct], dir, &hash, NULL))
		return -1;
	return hash;
}

static inline u32 pfx_count(struct pfx *fx, enum fs_event_type type)
{
	u32 i, n = 0;

	for (i = 0; i < fx->ev->len; i++)
		n += g_array_index(fx->ev, struct fs_event, i).type == type;
	return n;
}

static inline const struct fs_event *pfx_last(struct pfx *fx, enum fs_event_type type)
{
	guint i;

	for (i = fx->ev->len; i > 0; i--) {
		const struct fs_event *e = &g_array_index(fx->ev, struct fs_event, i - 1);

		if (e->type == type)
			return e;
	}
	return NULL;
}

static inline struct ppe_occupancy pfx_occ(struct pfx *fx, int idx)
{
	struct ppe_occupancy o;

	ppe_get_occupancy(fx->ppe, idx, &o);
	return o;
}

static inline struct ppe_entry pfx_entry(struct pfx *fx, int idx, u32 index)
{
	struct ppe_entry e;

	g_assert_cmpint(ppe_entry_get(fx->ppe, idx, index, &e), ==, 0);
	return e;
}

/* Bucket (way 0) of a tuple in this configuration. */
static inline u32 pfx_bucket(struct pfx *fx, const struct fs_tuple *t, u8 type)
{
	return ppe_hash_tuple(t, type, fx->cfg.entries, fx->cfg.ways);
}

/* Offload a flow and drive it to BIND: 30 frames in one tick from t0; returns its slot. */
static inline int pfx_bind(struct pfx *fx, int ct, const struct flow_hw_rule *r, u64 t0)
{
	struct fs_packet p = pfx_pkt(r);

	g_assert_cmpint(pfx_replace(fx, ct, r, t0), ==, 0);
	pfx_burst(fx, &p, 30, t0, FS_MSEC(1));
	return pfx_hash(fx, ct, r->dir);
}

static inline void pfx_set_neigh(struct pfx *fx, const char *addr, u16 ifindex, u16 port,
				 u16 wcid, const u8 *mac)
{
	struct fs_neigh n;

	memset(&n, 0, sizeof(n));
	n.addr = tu_addr(addr);
	n.family = (u8)tu_family(addr);
	n.ifindex = ifindex;
	n.port = port;
	n.wcid = wcid;
	n.valid = 1;
	memcpy(n.mac, mac, 6);
	g_assert_cmpint(fs_neigh_update(&fx->nc, &n), ==, 0);
}

#endif
