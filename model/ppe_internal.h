/* SPDX-License-Identifier: MIT */
/*
 * ppe_internal.h - shared between the files of the PPE model.  Not an API.
 *   ppe_table.c    the table: configuration, lifecycle, clock, slot state, debugfs;
 *   ppe_flows.c    the driver's software flows, bucket lists and bind decision;
 *   ppe_hw.c       the hardware's per-frame lookup, forwarding hit and aging;
 *   ppe_offload.c  the flowtable driver (replace/destroy/stats) and the frame path.
 *
 * Ownership: a struct ppe_slot is hardware state; its `e` is exactly what the FOE table
 * holds (and debugfs prints) and `eg` is the forwarding data of that entry that the
 * decoded fields do not carry in a form the model can use directly.  A struct ppe_flow is
 * the driver's mtk_flow_entry: it owns a prepared entry and points at a slot only through
 * `hash`, which - as in the driver - may go stale (the slot aged or was rebound) and is
 * re-validated by ppe_flow_update() before use.
 */
#ifndef FS_PPE_INTERNAL_H
#define FS_PPE_INTERNAL_H

#include "ppe.h"

#define PPE_NEIGH_NONE 0xffffffffu

/* What an entry delivers to: pinned when it is bound. */
struct ppe_egress {
	struct fs_encap encap[FS_ENCAP_MAX]; /* pushed on output, outermost first */
	u16 oif;                  /* lowest egress device (GMAC, DSA port, WLAN band) */
	u16 l3_oif;               /* routed egress device (its MTU applies) */
	u16 wcid;                 /* WED: station index as written into the entry */
	u8 num_encap;
	u8 path;                  /* ROUTER_PATH_PPE or ROUTER_PATH_WED */
	s8 wed;                   /* WED block, WED_NONE for Ethernet */
	u8 wcid_frozen;           /* the entry names a station, not just a band/bss */
	u8 pad[2];
	u32 neigh;                /* index into netconf neigh[] of the next hop, or NONE */
};

struct ppe_slot {
	struct ppe_entry e;       /* the hardware entry (e.index = slot number) */
	struct ppe_egress eg;
	u64 mib_packets;          /* hardware MIB counters since the last (read-clear) read */
	u64 mib_bytes;
	u64 acct_packets;         /* the driver's acct_table[index] totals */
	u64 acct_bytes;
	u32 rate_tick;            /* tick of rate_cnt */
	u16 rate_cnt;             /* packets seen by the UNBIND entry in rate_tick */
	u16 check_jiffies;        /* foe_check_time[index] (u16 jiffies) */
	u8 stale_reported;        /* FS_EV_WED_STALE already sent for this binding */
	u8 full_reported;         /* on way 0: FS_EV_PPE_FULL sent, no way freed since */
	u8 pad[6];
};

struct ppe_flow {
	struct ppe_flow *bnext;   /* bucket list (hlist, newest first like hlist_add_head) */
	struct ppe_flow **bpprev;
	struct ppe_flow *cnext;   /* cookie hash chain */
	const struct conntrack_entry *ct; /* cookie = (ct, dir) */
	struct fs_tuple match;    /* as it arrives */
	struct fs_tuple rewrite;  /* as it leaves */
	u32 ib1;                  /* entry->data.ib1: prepared flags, bind timestamp of the copy */
	u32 ib2;
	struct ppe_l2_info l2;
	struct ppe_egress eg;
	u32 bucket;               /* first slot of the bucket */
	u16 hash;                 /* slot or PPE_HASH_NONE */
	u8 dir;
	u8 ppe;                   /* PPE instance */
	u8 type;                  /* enum ppe_pkt_type */
	u8 pad[3];
};

struct ppe_instance {
	struct ppe_slot *slot;    /* cfg.entries */
	struct ppe_flow **bucket; /* cfg.entries / cfg.ways list heads */
	u32 active;               /* slots not INVALID */
	u32 bound;
	u32 fin;
	u32 reserved;
	struct ppe_stats stats;
};

struct ppe {
	struct ppe_config cfg;
	struct fs_netconf *nc;
	const struct fs_cost_table *cost;
	fs_event_fn ev;
	void *ev_arg;
	struct fs_lock *lock;
	struct ppe_instance inst[PPE_MAX];
	struct ppe_flow **cookie; /* (ct, dir) -> flow */
	u32 cookie_size;          /* power of two */
	u32 nflows;
	struct fs_cache *flow_cache;
	struct wed wed;
	u64 aged_tick;            /* last tick the aging scan ran for (+1; 0 = never) */
	u32 ts_mask;              /* bind timestamp mask */
};

/* The words of an original tuple as the entry stores them. */
struct ppe_key {
	u32 src[4];
	u32 dst[4];
	u32 ports;
};

/* ib2 MIB_CNT: counting enabled for the entry (MTK_FOE_IB2_MIB_CNT / _V2) */
static inline u32 ppe_ib2_mib_bit(u8 netsys)
{
	return netsys == PPE_NETSYS_V1 ? (1u << 10) : (1u << 15);
}

/* ---- ppe_table.c: the table, its clock and slot state ---- */
u64 ppe_tick(u64 now);
/* the 8-bit timestamp an UNBIND entry carries (ib1 bits 7:0) */
u32 ppe_fe_unbind_ts(const struct ppe *ppe, u64 now);
/* __mtk_foe_entry_idle_time: difference modulo the timestamp width */
u32 ppe_idle_ticks(u32 now_ts, u32 ts, u32 mask);
/* The one place a slot's ib1 (and so its state) changes. */
void ppe_slot_write_ib1(struct ppe *ppe, struct ppe_instance *in, struct ppe_slot *s,
			u32 ib1);
void ppe_emit(struct ppe *ppe, enum fs_event_type type, u64 now, u32 detail, u32 aux,
	      const struct fs_tuple *orig, const struct fs_tuple *reply,
	      const struct conntrack_entry *ct);
void ppe_flow_event_tuples(const struct ppe_flow *f, struct fs_tuple *orig,
			   struct fs_tuple *reply);
/* Rebuild the tuple an entry holds (for events about slots without a flow). */
void ppe_slot_tuple(const struct ppe *ppe, const struct ppe_slot *s, struct fs_tuple *t);
/* mtk_foe_entry_get_mib: read-clear the slot's MIB into its totals; returns the diff */
void ppe_mib_read(struct ppe *ppe, struct ppe_slot *s, u64 *packets, u64 *bytes);

/* ---- ppe_flows.c: the driver's software flows ---- */
struct ppe_flow *ppe_cookie_find(const struct ppe *ppe, const struct conntrack_entry *ct, u8 dir);
int ppe_cookie_insert(struct ppe *ppe, struct ppe_flow *f);
void ppe_cookie_remove(struct ppe *ppe, struct ppe_flow *f);
/* mtk_foe_entry_commit: queue a prepared flow on its bucket with hash 0xffff */
void ppe_flow_queue(struct ppe *ppe, struct ppe_flow *f);
/* mtk_foe_entry_clear: unlink, write INVALID (or UNBIND) at the flow's slot */
void ppe_flow_clear(struct ppe *ppe, struct ppe_flow *f, u64 now);
/* mtk_flow_entry_update: revalidate hash, refresh the timestamp copy */
void ppe_flow_update(struct ppe *ppe, struct ppe_flow *f);
/* __mtk_foe_entry_idle_time on the flow's ib1 copy, in seconds */
u32 ppe_flow_idle(const struct ppe *ppe, const struct ppe_flow *f, u64 now);
/* The software flow currently bound at a slot (hash == index), or NULL. */
struct ppe_flow *ppe_slot_owner(struct ppe *ppe, int idx, u32 index);
void ppe_key_from_entry(struct ppe_key *k, const struct ppe_entry *e);
/* write the tuple words of k into an entry (nothing else of it) */
void ppe_key_store(struct ppe_entry *e, const struct ppe_key *k);
/* mtk_flow_entry_match: same UDP bit and tuple bytes (length by the flow's type) */
bool ppe_key_match_entry(const struct ppe_key *k, u32 flow_type, bool udp,
			 const struct ppe_entry *e);
/* mtk_ppe_check_skb for a frame tagged HIT_UNBIND_RATE_REACHED at slot index */
void ppe_driver_check(struct ppe *ppe, int idx, u32 index, u64 now);

/* ---- ppe_hw.c: the hardware's own work ---- */
/*
 * The hardware's lookup for one received frame on PPE idx: creates UNBIND entries,
 * counts, flags rate-reached and runs the driver's check.  Returns the BIND slot that
 * forwards the frame, or NULL with *reason = the CPU reason (the frame goes to the CPU).
 */
struct ppe_slot *ppe_hw_lookup(struct ppe *ppe, int idx, const struct fs_packet *pkt,
			       u64 now, u32 *reason);
/* The hardware's part of forwarding through a BIND slot: timestamp refresh, MIB. */
void ppe_slot_hit(struct ppe *ppe, struct ppe_slot *s, const struct fs_packet *pkt, u64 now);
/* Hardware aging scan for the current tick (idempotent within a tick). */
void ppe_age(struct ppe *ppe, u64 now);
u64 ppe_next_age(const struct ppe *ppe);

#endif /* FS_PPE_INTERNAL_H */
