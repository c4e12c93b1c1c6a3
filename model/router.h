/* SPDX-License-Identifier: MIT */
/*
 * router.h - the core's context and its one entry point per packet.
 *
 * struct router holds everything the kernel would: network configuration, conntrack,
 * the nftables ruleset and the flowtables it declares, and optionally a hardware
 * forwarding engine (the PPE model) in front of the CPU.  There is no global state: hosts
 * may run many routers side by side.
 *
 * router_receive() takes a packet the way the kernel does:
 *   ingress port -> hardware engine (bound entry: forwarded without the CPU)
 *   -> netdev ingress hooks on each device of the receive stack, lowest first, in priority
 *      order, flowtables among them (hit: fast path, straight to egress)
 *   -> PREROUTING (raw, conntrack, mangle, dstnat) -> routing -> FORWARD (flow add) or INPUT
 *   -> POSTROUTING (srcnat, confirm) -> egress hooks -> transmit on the lowest device.
 * It returns the verdict, the path, the CPU cycles charged from the cost table, the egress
 * device, and reports state changes through the event callback.
 *
 * Time passes only through the "now" arguments; router_timers() runs what is due (flowtable
 * GC each second, conntrack GC, hardware work, hardware aging) and router_next_timer() says
 * when it next needs to be called.
 */
#ifndef FS_ROUTER_H
#define FS_ROUTER_H

#include "flowtable.h"
#include "ruleset.h"
#include "cost.h"

struct router_config {
	struct conntrack_params ct;
	struct flowtable_behaviour ft;
	struct fs_cost_table cost;
	u64 hw_work_delay;        /* ns from a flowtable hardware request to its work running */
};

/* Kernel 6.6 + OpenWrt conntrack profile; no costs (all zero). */
void router_config_default(struct router_config *cfg);

enum router_verdict { ROUTER_FORWARD, ROUTER_LOCAL, ROUTER_DROP };

enum router_path {
	ROUTER_PATH_SLOW,        /* netfilter + IP stack */
	ROUTER_PATH_FLOWTABLE,   /* software fast path (SFO) */
	ROUTER_PATH_PPE,         /* hardware (HFO) to an Ethernet port */
	ROUTER_PATH_WED,         /* hardware to a Wi-Fi station through WED */
	ROUTER_PATH__COUNT
};

enum router_drop_reason {
	ROUTER_DROP_NONE,
	ROUTER_DROP_RULESET,     /* a chain or policy dropped it */
	ROUTER_DROP_CT_FULL,     /* nf_conntrack_max reached */
	ROUTER_DROP_CT_INVALID,  /* conntrack found it invalid and a rule dropped it */
	ROUTER_DROP_NO_ROUTE,
	ROUTER_DROP_TTL,         /* TTL/hop limit exhausted */
	ROUTER_DROP_MTU,         /* too big with DF (ICMP frag-needed / PTB) */
	ROUTER_DROP_DEV_DOWN,
	ROUTER_DROP_NO_NEIGH,
	ROUTER_DROP_STALE_HW,    /* hardware delivered to where the destination no longer is */
	ROUTER_DROP__COUNT
};

struct router_result {
	u8 verdict;              /* enum router_verdict */
	u8 path;                 /* enum router_path */
	u8 drop_reason;          /* enum router_drop_reason */
	u8 bypass_qdisc;         /* hardware path: Linux qdiscs never see it */
	u16 oif;                 /* L3 egress device */
	u16 tx_dev;              /* device the frame leaves on (lowest) */
	u16 wcid;                /* Wi-Fi egress: station index used */
	u16 frames;              /* frames transmitted (fragmentation may split) */
	u32 cycles;              /* CPU cycles charged */
	u32 rules;               /* nft rules evaluated */
};

/* A hardware forwarding engine in front of the CPU (implemented by the PPE model). */
struct router_hw_ops {
	/* Driver RX for a frame from device iif.  Returns true when the hardware forwarded it
	 * (pkt rewritten, res->path/tx_dev/... filled); false sends it to the CPU. */
	bool (*rx)(void *priv, struct fs_packet *pkt, u64 now, struct router_result *res);
	void (*timers)(void *priv, u64 now);
	u64 (*next_timer)(void *priv);
	/* The flowtable driver for `flags offload` flowtables. */
	const struct flowtable_hw_ops *offload;
	/* Whether a device can bind a hardware flowtable (ndo_setup_tc / fw4's probe). */
	bool (*dev_capable)(void *priv, const struct fs_netdev *dev);
};

struct router;

struct router *router_create(const struct router_config *cfg, fs_event_fn ev, void *ev_arg);
void router_destroy(struct router *r);

struct fs_netconf *router_netconf(struct router *r);
struct conntrack_table *router_conntrack(struct router *r);
struct ruleset *router_ruleset(struct router *r);
const struct router_config *router_get_config(const struct router *r);

/* Attach a hardware engine; must precede router_apply_ruleset() to take effect on flowtables. */
void router_set_hw(struct router *r, const struct router_hw_ops *ops, void *priv);

/*
 * Apply nft text (nft -f).  Flowtables that the script deletes or redefines are flushed
 * (every flow torn down), as fw4 reload does.  0 or -1 with *err.
 */
int router_apply_ruleset(struct router *r, const char *text, size_t len, u64 now,
			 struct ruleset_error *err);

/* The per-packet entry point.  pkt is rewritten to what leaves the router. */
void router_receive(struct router *r, struct fs_packet *pkt, u64 now,
		    struct router_result *res);

/*
 * router_receive() in its two halves, for hosts that model the CPU: the hardware engine at
 * the port (returns true when it handled the frame - forwarded, or misdelivered to a stale
 * port), and what the CPU does with a frame the hardware passed up (from the RX ring, when
 * NAPI gets to it).  router_receive() is exactly the first, then the second if needed.
 */
bool router_hw_receive(struct router *r, struct fs_packet *pkt, u64 now,
		       struct router_result *res);
void router_cpu_receive(struct router *r, struct fs_packet *pkt, u64 now,
			struct router_result *res);

/*
 * The same for n packets received together (one NAPI poll): identical results to n calls
 * of router_receive() in order, with the table lookups' cache misses overlapped.
 */
void router_receive_batch(struct router *r, struct fs_packet *pkts, u32 n, u64 now,
			  struct router_result *res);

void router_timers(struct router *r, u64 now);
u64 router_next_timer(const struct router *r);

/* Administrative events. */
void router_dev_set_up(struct router *r, u16 ifindex, bool up, u64 now);

/* Flowtables instantiated from the ruleset (index 0..n-1). */
u32 router_num_flowtables(const struct router *r);
struct flowtable *router_flowtable(struct router *r, u32 index);

/* Per-router totals for reports. */
struct router_stats {
	u64 packets[ROUTER_PATH__COUNT];
	u64 bytes[ROUTER_PATH__COUNT];
	u64 drops[ROUTER_DROP__COUNT];
	u64 cycles;
};
const struct router_stats *router_get_stats(const struct router *r);

const char *router_path_name(u8 path);
const char *router_drop_reason_name(u8 reason);

#endif /* FS_ROUTER_H */
