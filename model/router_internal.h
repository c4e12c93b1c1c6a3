/* SPDX-License-Identifier: MIT */
/* router_internal.h - shared by router*.c; not part of the interface. */
#ifndef FS_ROUTER_INTERNAL_H
#define FS_ROUTER_INTERNAL_H

#include "router.h"

#define ROUTER_HOOK_MAX 16          /* base chains per hook and family */
#define ROUTER_DEV_HOOK_MAX 8       /* netdev chains + flowtables per device and direction */

/* One entry of a device's ingress or egress hook list. */
struct dev_hook {
	u8 is_flowtable;
	u8 ft;                      /* router flowtable index */
	u32 chain;                  /* chain id */
	s32 priority;
	u32 reg_seq;
};

struct dev_hooks {
	struct dev_hook h[ROUTER_DEV_HOOK_MAX];
	u32 n;
};

struct inet_hooks {
	struct nft_chain_ref c[ROUTER_HOOK_MAX];
	u32 n;
};

struct router {
	struct router_config cfg;
	struct fs_netconf nc;
	struct conntrack_table *ct;
	struct ruleset *rs;
	struct flowtable_ctx fc;
	u32 ft_rs_id[FLOWTABLE_MAX];        /* ruleset flowtable id of each router flowtable */
	u32 ft_reg_seq[FLOWTABLE_MAX];
	const struct router_hw_ops *hw;
	void *hw_priv;
	fs_event_fn ev;
	void *ev_arg;
	struct router_stats stats;
	u64 next_ft_gc;
	u64 next_ct_gc;
	u32 hooks_gen;                      /* ruleset generation the caches were built for */
	struct inet_hooks inet[5][2];       /* [hook][0: IPv4, 1: IPv6] */
	struct dev_hooks ingress[FS_NETDEV_MAX];
	struct dev_hooks egress[FS_NETDEV_MAX];
};

/* State of one packet on its way through the slow path (the env of ruleset ops). */
struct router_pkt {
	struct router *r;
	struct fs_packet *pkt;
	struct router_result *res;
	struct conntrack_entry *ct;
	enum ct_dir dir;
	enum ct_info ctinfo;
	u16 l3_iif;
	u16 l3_oif;
	union fs_addr nexthop;
	u16 neigh;              /* fast path: the flow's cached next hop (1-based), 0 = none */
	u64 now;
};

void router_rebuild_hooks(struct router *r);
bool router_run_dev_hooks(struct router *r, struct router_pkt *rp, u16 dev, bool egress,
			  bool *stolen);
void router_transmit(struct router *r, struct router_pkt *rp, u16 dev, bool direct,
		     bool check_station);

#endif
