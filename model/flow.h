/* SPDX-License-Identifier: MIT */
/*
 * flow.h - the flowtable entry (the kernel's struct flow_offload), as data.
 *
 * Design choice: a flow is embedded in its conntrack entry instead of being allocated
 * separately.  The kernel keeps one flow per conntrack entry anyway (IPS_OFFLOAD), and the
 * flowtable key of direction d is exactly the conntrack tuple of d plus the expected input
 * device and encapsulation.  So one hash index answers both lookups: the fast path finds
 * the conntrack entry by the packet's tuple and then checks that the embedded flow is live,
 * belongs to this flowtable and expects this input device and encapsulation - the same
 * predicate the kernel's rhashtable compare evaluates.  This halves the memory per
 * connection and makes the fast path one hash lookup.
 */
#ifndef FS_FLOW_H
#define FS_FLOW_H

#include "packet.h"
#include "netdev.h"

/*
 * Time inside entries: u32 milliseconds ("ticks"), compared wrap-safely like the kernel's
 * u32 jiffies.  Differences must stay below 24 days, which every timeout does.
 */
static inline u32 fs_ticks(u64 now)
{
	return (u32)(now / 1000000ULL);
}

/* ticks left until deadline (negative: past) */
static inline s32 fs_ticks_left(u32 deadline, u64 now)
{
	return (s32)(deadline - fs_ticks(now));
}

/* flow_offload.flags: the kernel's enum nf_flow_flags (as bits) */
#define FLOW_F_SNAT          0x0001
#define FLOW_F_DNAT          0x0002
#define FLOW_F_CLOSING       0x0004 /* NF_FLOW_CLOSING kernels only */
#define FLOW_F_TEARDOWN      0x0008
#define FLOW_F_HW            0x0010 /* hardware offload requested */
#define FLOW_F_HW_DYING      0x0020
#define FLOW_F_HW_DEAD       0x0040
#define FLOW_F_HW_PENDING    0x0080 /* one outstanding hardware work item */
#define FLOW_F_HW_BIDIR      0x0100
#define FLOW_F_LIVE          0x8000 /* model bookkeeping: the flow is in a flowtable */

/* flow_offload_dir.xmit */
enum flow_xmit_type {
	FLOW_XMIT_NEIGH,    /* routed: neigh_xmit through the route's (L3) device */
	FLOW_XMIT_XFRM,     /* IPsec output */
	FLOW_XMIT_DIRECT,   /* cached MACs, transmit on out ifindex (bridge port / HW mode) */
};

/* Per-direction route data (flow_offload_tuple beyond the conntrack tuple). */
struct flow_offload_dir {
	u8 iif;             /* expected input device (key) */
	u8 oif;             /* NEIGH: the route's device; DIRECT: outermost upper / port */
	u8 hw_oif;          /* DIRECT: lowest device; NEIGH: 0 */
	u8 xmit;            /* enum flow_xmit_type */
	u16 mtu;
	u16 neigh;          /* next hop: 1-based index into fs_netconf.neigh, 0 = none */
	struct fs_encap encap[FS_ENCAP_MAX]; /* expected on input (key), outermost first */
	u8 num_encap;
	u8 hw_state;        /* 0 none, 1 rule installed in hardware (driver accepted) */
	u16 pad;
};

struct flow_offload {
	u32 timeout;            /* deadline in ticks (see fs_ticks) */
	u16 flags;              /* FLOW_F_* */
	u8 ft;                  /* index of the flowtable holding it */
	u8 pad;
	struct flow_offload_dir dir[2];
};

#endif /* FS_FLOW_H */
