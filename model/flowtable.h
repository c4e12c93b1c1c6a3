/* SPDX-License-Identifier: MIT */
/*
 * flowtable.h - nf_flow_table: admission (nft_flow_offload_eval), the software fast path
 * (nf_flow_offload_ip_hook), lifetime (refresh, GC, teardown, conntrack fixup) and the
 * hardware-offload bookkeeping (nf_flow_table_offload.c) that a hardware model plugs into.
 *
 * Behaviour follows ../shared/spec/linux-flowtable.md §1-§4 with kernel 6.6 as default and
 * the differences of other kernels behind struct flowtable_behaviour.
 */
#ifndef FS_FLOWTABLE_H
#define FS_FLOWTABLE_H

#include "conntrack.h"
#include "netdev.h"

#define FLOWTABLE_MAX 4
#define FLOWTABLE_MAX_DEVS 16

/* nf_flowtable flags */
#define FLOWTABLE_F_HW_OFFLOAD 0x1
#define FLOWTABLE_F_COUNTER    0x2

/* Kernel-version switches.  flowtable_behaviour_for_kernel() fills them from a version. */
struct flowtable_behaviour {
	u16 kernel;                /* major * 100 + minor, e.g. 606 */
	u8 tcp_admit_established;  /* >= 5.18: TCP needs ESTABLISHED + ASSURED */
	u8 closing;                /* NF_FLOW_CLOSING (2025+): FIN/RST stay on the fast path */
	u8 refresh_once_per_sec;   /* >= 6.4: timeout written only if it advances > 1 s */
	u8 hw_bidirectional;       /* >= 6.3: hardware rules for both directions */
	u8 fixup_pickup;           /* <= 5.17: teardown forces ESTABLISHED + pickup timeouts */
	u8 ct_timeout_day_on_add;  /* flow_offload_add pins the ct timeout to 1 day */
};

void flowtable_behaviour_for_kernel(struct flowtable_behaviour *b, u16 kernel);

struct flowtable;

/*
 * What a hardware driver gets for one direction (FLOW_CLS_REPLACE's flow_rule, flattened):
 * the match on the arriving packet, the rewrite, and where it goes.
 */
struct flow_hw_rule {
	struct fs_tuple match;       /* tuple of the direction as it arrives (pre-NAT) */
	struct fs_tuple rewrite;     /* tuple as it leaves (post-NAT) */
	u16 iif;                     /* ingress device of the match (lowest, as in the key) */
	u16 oif;                     /* lowest egress device (GMAC, DSA port or WLAN) */
	u16 l3_oif;                  /* the routed egress device */
	u8 num_encap_in;             /* encapsulation on input (to pop) */
	u8 num_encap_out;            /* encapsulation to push on output, outermost first */
	struct fs_encap encap_in[FS_ENCAP_MAX];
	struct fs_encap encap_out[FS_ENCAP_MAX];
	u8 src_mac[6];
	u8 dst_mac[6];
	u8 dst_mac_valid;            /* neighbour resolved (NUD_VALID) */
	u8 dir;                      /* enum ct_dir */
	u16 wcid;                    /* WLAN egress: station index */
};

/*
 * Hardware offload driver (the PPE model implements it).  All calls run from the flowtable's
 * work processing with the current time.  Returning nonzero from replace refuses the
 * direction: the flow stays on the software fast path and is retried on a later refresh.
 */
struct flowtable_hw_ops {
	int (*replace)(void *priv, const struct conntrack_entry *ct,
		       const struct flow_hw_rule *rule, u64 now);
	void (*destroy)(void *priv, const struct conntrack_entry *ct, u8 dir, u64 now);
	/* FLOW_CLS_STATS: returns 0 and fills lastused (ns) and the counter deltas, or -1. */
	int (*stats)(void *priv, const struct conntrack_entry *ct, u8 dir, u64 now,
		     u64 *lastused, u64 *packets, u64 *bytes);
};

struct flowtable_config {
	char name[32];
	u16 devices[FLOWTABLE_MAX_DEVS];
	u8 num_devices;
	u8 flags;                    /* FLOWTABLE_F_* */
	s32 priority;
	u32 reg_seq;                 /* registration order (equal priority: newest runs first) */
};

struct flowtable *flowtable_create(const struct flowtable_config *cfg, u8 index);
void flowtable_destroy(struct flowtable *ft);
const struct flowtable_config *flowtable_config(const struct flowtable *ft);
u32 flowtable_count(const struct flowtable *ft);
bool flowtable_has_dev(const struct flowtable *ft, u16 ifindex);
void flowtable_set_hw(struct flowtable *ft, const struct flowtable_hw_ops *ops, void *priv);
/* nf_tables_updflowtable: a flowtable declared again with more devices hooks them too. */
void flowtable_set_devices(struct flowtable *ft, const u16 *devices, u8 n);

/* Counters a flowtable keeps for reports and tests. */
struct flowtable_stats {
	u64 fast_packets, fast_bytes;
	u64 added, torn_down, freed;
	u64 hw_add_ok, hw_add_refused, hw_del, hw_stats;
	u64 slow_reasons[8];         /* why a hooked packet went to the slow path */
};
const struct flowtable_stats *flowtable_get_stats(const struct flowtable *ft);

/* flowtable_stats.slow_reasons[] */
enum flowtable_slow_reason {
	FT_SLOW_MISS,        /* no flow for this tuple/device/encapsulation */
	FT_SLOW_FRAG,        /* fragment, IP options or extension headers */
	FT_SLOW_TTL,         /* TTL / hop limit <= 1 */
	FT_SLOW_PROTO,       /* not TCP or UDP */
	FT_SLOW_MTU,         /* larger than the flow's MTU */
	FT_SLOW_TCP_FLAGS,   /* FIN/RST tore the flow down */
	FT_SLOW_TEARDOWN,    /* flow exists but is being torn down */
	FT_SLOW__COUNT
};

/*
 * The flowtables of one router and what they share: conntrack, the network configuration,
 * kernel behaviour and the hardware work queue (nf_ft_offload_{add,del,stats}).
 */
struct flowtable_work;

struct flowtable_ctx {
	struct conntrack_table *ct;
	struct fs_netconf *nc;
	struct flowtable_behaviour b;
	u64 hw_work_delay;
	struct flowtable *ft[FLOWTABLE_MAX];
	u32 num_ft;
	/* hardware work FIFO: all items have the same delay, so FIFO = due order */
	struct flowtable_work *work;
	u32 work_head, work_len, work_cap;
	fs_event_fn ev;
	void *ev_arg;
};

void flowtable_ctx_init(struct flowtable_ctx *fc, struct conntrack_table *ct,
			struct fs_netconf *nc, const struct flowtable_behaviour *b,
			u64 hw_work_delay, fs_event_fn ev, void *ev_arg);
void flowtable_ctx_release(struct flowtable_ctx *fc);

/* What the forward path passes to `flow add`: the packet's devices around routing. */
struct flowtable_route_info {
	u16 iif;             /* L3 input device of the packet */
	u16 oif;             /* L3 output device chosen by routing */
	union fs_addr nexthop;  /* gateway of the output route, or the destination */
	u32 mark;
};

/* nft_flow_offload_eval: 0 = the flow exists now (or already did), -1 = NFT_BREAK. */
int flowtable_admit(struct flowtable_ctx *fc, struct flowtable *ft, const struct fs_packet *pkt,
		    struct conntrack_entry *ct, enum ct_dir dir,
		    const struct flowtable_route_info *ri, u64 now);

enum flowtable_verdict { FT_ACCEPT, FT_STOLEN, FT_DROP };

/* Where a fast-path packet goes. */
struct flowtable_xmit {
	u16 oif;             /* device passed to dev_queue_xmit / neigh_xmit */
	u16 neigh;           /* NEIGH: cached next hop (1-based neighbour index), 0 = look up */
	u8 xmit;             /* enum flow_xmit_type */
	u8 dir;
	struct conntrack_entry *ct;
};

/*
 * nf_flow_offload_ip_hook / ipv6_hook for a packet seen on device dev (with the encaps it
 * still carries at that device).  FT_STOLEN: the packet was rewritten (NAT, TTL) and *x
 * says where it leaves.  reason gets an enum flowtable_slow_reason on FT_ACCEPT.
 */
enum flowtable_verdict flowtable_hook(struct flowtable_ctx *fc, struct flowtable *ft,
				      struct fs_packet *pkt, u16 dev, u64 now,
				      struct flowtable_xmit *x, u8 *reason);

/* flow_offload_teardown + fixup of the conntrack entry. */
void flowtable_teardown(struct flowtable_ctx *fc, struct conntrack_entry *ct, u32 reason,
			u64 now);
/* nf_flow_offload_work_gc for one flowtable: run every second. */
void flowtable_gc(struct flowtable_ctx *fc, struct flowtable *ft, u64 now);
/* nf_flow_table_free / cleanup: tear down every flow (of one device, or all when dev = 0). */
void flowtable_flush(struct flowtable_ctx *fc, struct flowtable *ft, u16 dev, u64 now);
/* Run hardware work that is due. */
void flowtable_run_work(struct flowtable_ctx *fc, u64 now);
/* When the next hardware work item is due (U64 max if none). */
u64 flowtable_next_work(const struct flowtable_ctx *fc);

#endif /* FS_FLOWTABLE_H */
