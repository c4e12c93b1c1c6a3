/* SPDX-License-Identifier: MIT */
/*
 * ppe.h - the MediaTek PPE (FOE table, "HNAT") hardware model and its mtk_eth_soc driver.
 *
 * One struct ppe models the SoC's 1..3 PPE instances together with what the driver keeps
 * for them (spec mediatek-ppe-wed.md §1-§3, mtk_ppe.c, mtk_ppe_offload.c):
 *  - the hashed FOE table: `entries` slots in buckets of `ways` consecutive slots; the
 *    hardware creates an UNBIND entry in a free way on a lookup miss, counts its packets per
 *    timestamp tick (1 s) and flags "rate reached" at >= bind_rate packets in one tick;
 *  - the driver's software flows (mtk_flow_entry), one per offloaded direction, queued on
 *    their bucket with hash 0xffff until the hardware reports a rate-reached UNBIND entry
 *    at an index of that bucket: then the FIRST matching flow of the bucket list is written
 *    there as BIND (at most once per 100 ms per index);
 *  - hardware aging (TCP 7 s, UDP 12 s, FIN 1 s, UNBIND 3 s below 1000 packets), the FE
 *    timestamp (15 bits on NETSYS v1, 8 bits on v2/v3) and the idle-time read-back the
 *    flowtable's stats use, MIB accounting where the SoC has it;
 *  - forwarding of frames that hit a BIND entry without the CPU, including to stale places:
 *    an entry pins its egress port (DSA port, Wi-Fi band/station through WED) and keeps
 *    delivering there after the destination moved, until the flow is torn down.
 *
 * The model plugs into the core through struct router_hw_ops (ppe_router_ops(), priv =
 * struct ppe *), whose .offload is the flowtable driver (FLOW_CLS_REPLACE/DESTROY/STATS).
 * Kernel-version differences are switches in struct ppe_config, filled by
 * ppe_config_for_soc() from a kernel version.
 */
#ifndef FS_PPE_H
#define FS_PPE_H

#include "router.h"
#include "ppe_format.h"
#include "wed.h"

#define PPE_MAX 3

/* errno-style results of the flowtable driver (returned negated) */
#define PPE_EEXIST 17
#define PPE_ENOMEM 12
#define PPE_EINVAL 22
#define PPE_EOPNOTSUPP 95
#define PPE_ENOENT 2

/* CPU reasons the hardware writes into the RX descriptor (MTK_PPE_CPU_REASON_*) */
enum ppe_cpu_reason {
	PPE_REASON_TTL_EXCEEDED = 0x02,
	PPE_REASON_OPTION_HEADER = 0x03,
	PPE_REASON_NO_FLOW = 0x07,
	PPE_REASON_IPV4_FRAG = 0x08,
	PPE_REASON_TCP_FIN_SYN_RST = 0x0c,
	PPE_REASON_UN_HIT = 0x0d,
	PPE_REASON_HIT_UNBIND = 0x0e,
	PPE_REASON_HIT_UNBIND_RATE_REACHED = 0x0f,
	PPE_REASON_HIT_BIND_TCP_FIN = 0x10,
	PPE_REASON_HIT_TTL_1 = 0x11,
	PPE_REASON_EXCEED_MTU = 0x1c,
	PPE_REASON_PPE_BYPASS = 0x1e,
	PPE_REASON__COUNT = 0x20,
};

struct ppe_config {
	char soc[16];              /* "mt7621" ... (lower case) */
	u16 kernel;                /* major * 100 + minor, e.g. 606 */
	u8 netsys;                 /* 1, 2, 3: ib1/ib2 layout and timestamp width */
	u8 offload_version;        /* 1: MT7621/7623 (port_mg 0x3f), 2: the rest */
	u8 num_ppe;                /* PPE instances (1..3) */
	u8 ways;                   /* hash_offset: 2 on v1, 4 on v2/v3 */
	u8 gmac_steering;          /* multi-PPE (>= 6.11): a flow lives in its ingress GMAC's PPE */
	u8 accounting;             /* MIB counters (has_accounting and a kernel that reads them) */
	u8 debugfs_counters;       /* debugfs lines end in " packets=%llu bytes=%llu" */
	u8 clear_to_unbind;        /* __mtk_foe_entry_clear writes UNBIND (5.19 .. 6.0) */
	u8 reserved_slots;         /* MT7621: STATIC slots inside every 128-entry block */
	u8 reserved_suspicious;    /* also offset 115 (crosses 1 KiB, not in the driver's list) */
	u8 dsa_tag_mtk;            /* the DSA switch uses DSA_TAG_PROTO_MTK (MT7530/MT7531) */
	u8 pad;
	u32 entries;               /* slots per PPE: a power of two, >= ways */
	u16 bind_rate;             /* MTK_PPE_BIND_RATE: packets per tick to flag a bind (30) */
	u16 unbind_min_packets;    /* MTK_PPE_UNBIND_AGE_MIN_PACKETS (1000) */
	u8 age_unbind;             /* seconds (MTK_PPE_UNBIND_AGE_DELTA, 3) */
	u8 age_tcp;                /* 7 */
	u8 age_udp;                /* 12 */
	u8 age_fin;                /* 1 */
	u8 age_non_l4;             /* 1 */
	u8 pad2;
	u16 hz;                    /* kernel HZ: the per-index check throttle is HZ/10 jiffies */
	u32 ts_base;               /* FE timestamp counter value at now = 0 (seconds) */
	struct wed_config wed;
};

/*
 * Fill cfg for a SoC ("mt7621", "mt7622", "mt7623", "mt7620", "mt7981", "mt7986",
 * "mt7988") and kernel (major * 100 + minor).  Returns 0, or -1 for an unknown SoC or one
 * this model does not cover (Airoha AN7581, SoCs without a PPE).
 */
int ppe_config_for_soc(struct ppe_config *cfg, const char *soc, u16 kernel);

struct ppe;

/*
 * Create the model.  nc is the router's network configuration (read at offload time and
 * per hardware-forwarded packet: devices, neighbours); cost may be NULL (no cycles).
 * Returns NULL on a bad configuration or allocation failure.
 */
struct ppe *ppe_create(const struct ppe_config *cfg, struct fs_netconf *nc,
		       const struct fs_cost_table *cost, fs_event_fn ev, void *ev_arg);
void ppe_destroy(struct ppe *ppe);
const struct ppe_config *ppe_get_config(const struct ppe *ppe);

/* The hardware engine for router_set_hw(r, ppe_router_ops(), ppe). */
const struct router_hw_ops *ppe_router_ops(void);
/* Its flowtable driver alone (the same object as ppe_router_ops()->offload). */
const struct flowtable_hw_ops *ppe_flowtable_ops(void);

/* The FE timestamp register (0x0010) at time now, masked to the bind timestamp width. */
u32 ppe_fe_timestamp(const struct ppe *ppe, u64 now);
/* The PPE instance frames from this device enter (-1: not behind a PPE). */
int ppe_ingress_index(struct ppe *ppe, u16 ifindex);

struct ppe_occupancy {
	u32 bound;                 /* BIND */
	u32 unbound;               /* UNBIND */
	u32 fin;                   /* FIN */
	u32 reserved;              /* STATIC slots (never used) */
	u32 free;                  /* INVALID, usable */
};
void ppe_get_occupancy(const struct ppe *ppe, int ppe_idx, struct ppe_occupancy *o);

struct ppe_stats {
	u64 rx_packets;            /* frames looked up */
	u64 hw_packets, hw_bytes;  /* forwarded by the hardware (including misdelivered) */
	u64 misdelivered;          /* forwarded to a port/station the destination left */
	u64 reasons[PPE_REASON__COUNT]; /* frames sent to the CPU, by reason */
	u64 unbind_created;
	u64 full;                  /* misses that found no free way */
	u64 checks;                /* rate-reached reports the driver processed */
	u64 checks_throttled;      /* ... and ignored (same index within 100 ms) */
	u64 binds;
	u64 commits_not_bound;     /* commits whose ib1 copy carried a non-BIND state (see
				    * ppe_table.c: the driver re-commits a refreshed ib1) */
	u64 aged;
	u64 cleared;
	u64 stale_events;
};
const struct ppe_stats *ppe_get_stats(const struct ppe *ppe, int ppe_idx);

/* Software flows (driver mtk_flow_entry objects), and how many of them sit in a slot. */
u32 ppe_sw_flow_count(const struct ppe *ppe);
/*
 * The driver's view of a direction: its slot index or PPE_HASH_NONE (0xffff), and its PPE.
 * Returns -1 when the direction has no software flow.
 */
int ppe_flow_lookup(const struct ppe *ppe, const struct conntrack_entry *ct, u8 dir,
		    u16 *hash, u8 *ppe_idx);

/* A copy of one table slot (with the driver's accounting totals), or -1 if out of range. */
int ppe_entry_get(const struct ppe *ppe, int ppe_idx, u32 index, struct ppe_entry *out);

/*
 * /sys/kernel/debug/ppeN/entries (bind_only: .../bind): every non-INVALID slot in index
 * order through ppe_entry_format_line().  Like the driver, reading MIB counters for the
 * listing consumes them (read-clear).  Returns the length of the whole listing; buf gets
 * as much as fits, NUL-terminated (size > 0).  -1 on a bad PPE index.
 */
long ppe_dump(struct ppe *ppe, int ppe_idx, bool bind_only, char *buf, size_t size, u64 now);

#endif /* FS_PPE_H */
