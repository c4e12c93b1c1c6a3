/* SPDX-License-Identifier: MIT */
/*
 * conntrack.h - connection tracking (nf_conntrack) as far as flow offloading depends on it.
 *
 * Reproduced from the kernel (see ../shared/spec/linux-flowtable.md §5 for sources):
 *  - tuples for IPv4/IPv6 TCP, UDP, ICMP/ICMPv6 and "generic" protocols;
 *  - the TCP state machine (tcp_conntracks[][][]), its per-state timeouts, the RETRANS and
 *    UNACK pseudo-timeouts, ASSURED on the handshake-completing packet, loose pickup;
 *  - UDP unreplied/stream timeouts with the 2 s stream rule and ASSURED on the third packet;
 *  - nf_conntrack_max: a new connection is dropped when the table is full;
 *  - SNAT (masquerade) and DNAT by rewriting the reply tuple, with per-direction
 *    packet/byte accounting;
 *  - entries are confirmed (inserted into the table) only when their first packet leaves
 *    the router, as __nf_conntrack_confirm does at the last hook.
 *
 * Invariants:
 *  - an entry is in the hash table iff IPS_CONFIRMED is set and IPS_DYING is not;
 *  - use counts references: 1 for the table, +1 while the embedded flow is live
 *    (so offloaded entries list as use=2, as in the kernel);
 *  - deadlines are u32 millisecond ticks (fs_ticks); an entry is expired when its deadline
 *    is not in the future.
 */
#ifndef FS_CONNTRACK_H
#define FS_CONNTRACK_H

#include "flow.h"
#include "event.h"

/* Status bits: the kernel's enum ip_conntrack_status. */
#define IPS_EXPECTED     (1u << 0)
#define IPS_SEEN_REPLY   (1u << 1)
#define IPS_ASSURED      (1u << 2)
#define IPS_CONFIRMED    (1u << 3)
#define IPS_SRC_NAT      (1u << 4)
#define IPS_DST_NAT      (1u << 5)
#define IPS_SEQ_ADJUST   (1u << 6)
#define IPS_SRC_NAT_DONE (1u << 7)
#define IPS_DST_NAT_DONE (1u << 8)
#define IPS_DYING        (1u << 9)
#define IPS_FIXED_TIMEOUT (1u << 10)
#define IPS_NAT_CLASH    (1u << 12)
#define IPS_HELPER       (1u << 13)
#define IPS_OFFLOAD      (1u << 14)
#define IPS_HW_OFFLOAD   (1u << 15)
#define IPS_NAT_MASK     (IPS_SRC_NAT | IPS_DST_NAT)

enum ct_dir { CT_DIR_ORIGINAL = 0, CT_DIR_REPLY = 1 };

/* ctinfo as nft's "ct state" sees it */
enum ct_info {
	CT_ESTABLISHED,
	CT_RELATED,
	CT_NEW,
	CT_ESTABLISHED_REPLY,
	CT_RELATED_REPLY,
	CT_UNTRACKED,
	CT_INVALID,
};

enum tcp_ct_state {
	TCP_CT_NONE,
	TCP_CT_SYN_SENT,
	TCP_CT_SYN_RECV,
	TCP_CT_ESTABLISHED,
	TCP_CT_FIN_WAIT,
	TCP_CT_CLOSE_WAIT,
	TCP_CT_LAST_ACK,
	TCP_CT_TIME_WAIT,
	TCP_CT_CLOSE,
	TCP_CT_SYN_SENT2,
	TCP_CT_MAX,                /* "invalid" in the transition table */
	TCP_CT_IGNORE,
	TCP_CT_RETRANS,
	TCP_CT_UNACK,
	TCP_CT_TIMEOUT_MAX,
};

/* seen[].flags (IP_CT_TCP_FLAG_*) */
#define CT_TCP_FLAG_WINDOW_SCALE 0x01
#define CT_TCP_FLAG_SACK_PERM    0x02
#define CT_TCP_FLAG_CLOSE_INIT   0x04
#define CT_TCP_FLAG_BE_LIBERAL   0x08
#define CT_TCP_FLAG_DATA_UNACK   0x10
#define CT_TCP_FLAG_MAXACK_SET   0x20

/* Window tracking per direction (ip_ct_tcp_state), packed by field for size. */
struct ct_tcp {
	u32 td_end[2];      /* highest seq + len sent */
	u32 td_maxend[2];   /* highest ack + window the peer allowed */
	u32 td_maxwin[2];   /* largest window seen (0: relearn from the next packet) */
	u32 last_seq;
	u32 last_ack;
	u32 last_end;
	u16 last_win;
	u8 td_scale[2];
	u8 flags[2];        /* CT_TCP_FLAG_* */
	u8 state;           /* enum tcp_ct_state */
	u8 last_dir;
	u8 last_index;      /* flag class of the last packet */
	u8 retrans;
};

/* tuple.pad is reused as the direction of a tuplehash; it is not part of the key. */
struct ct_tuplehash {
	struct ct_tuplehash *next;
	struct fs_tuple tuple;
};

struct ct_counter {
	u64 packets;
	u64 bytes;
};

/*
 * Layout: what the fast path reads first (both tuples, status, the flow, counters) fills
 * the first three cache lines; the TCP window state that only the slow path needs comes
 * last.  240 bytes in all, flow included.
 */
struct conntrack_entry {
	struct ct_tuplehash tuplehash[2];
	u32 timeout;             /* deadline in ticks (fs_ticks) */
	u32 status;              /* IPS_* */
	u32 mark;
	u16 use;
	u8 helper;               /* nonzero: a conntrack helper is attached (never offloaded) */
	u8 ev_cache;             /* CT_EVMASK_* collected during the current packet */
	struct flow_offload flow;
	struct ct_counter acct[2];
	union {
		struct ct_tcp tcp;
		struct {
			u32 stream_ts;   /* UDP: REPLIED timeout only after this tick */
		} udp;
	} proto;
};

static inline enum ct_dir ct_tuplehash_dir(const struct ct_tuplehash *th)
{
	return (enum ct_dir)th->tuple.pad;
}

static inline struct conntrack_entry *ct_tuplehash_to_entry(const struct ct_tuplehash *th)
{
	const struct ct_tuplehash *base = th - ct_tuplehash_dir(th);

	return fs_container_of(base, struct conntrack_entry, tuplehash[0]);
}

/* Timeouts in seconds, the sysctls of nf_conntrack-sysctl.rst. */
struct conntrack_params {
	u32 max;                          /* nf_conntrack_max */
	u32 buckets;                      /* nf_conntrack_buckets (0: derive from max) */
	u32 tcp_timeout[TCP_CT_TIMEOUT_MAX];
	u32 udp_timeout;                  /* nf_conntrack_udp_timeout (unreplied) */
	u32 udp_timeout_stream;           /* nf_conntrack_udp_timeout_stream */
	u32 icmp_timeout;
	u32 generic_timeout;
	u32 tcp_max_retrans;
	u8 tcp_loose;
	u8 tcp_be_liberal;
	u8 acct;                          /* nf_conntrack_acct */
	u8 udp_stream_delay;              /* 2 s stream rule (kernels >= ~5.19) */
	u32 flowtable_tcp_timeout;        /* nf_flowtable_tcp_timeout */
	u32 flowtable_udp_timeout;        /* nf_flowtable_udp_timeout */
};

/* Upstream Linux defaults (Debian) and OpenWrt's sysctl-nf-conntrack.conf overrides. */
void conntrack_params_linux(struct conntrack_params *p);
void conntrack_params_openwrt(struct conntrack_params *p);

struct conntrack_table;

struct conntrack_table *conntrack_table_create(const struct conntrack_params *p,
					       fs_event_fn ev, void *ev_arg);
void conntrack_table_destroy(struct conntrack_table *t);
const struct conntrack_params *conntrack_table_params(const struct conntrack_table *t);
u32 conntrack_count(const struct conntrack_table *t);
size_t conntrack_memory(const struct conntrack_table *t);

/*
 * Batched lookups (a NAPI poll's worth of packets): stage 0 prefetches the bucket of each
 * tuple, stage 1 the first entry of each chain, so the misses of many packets overlap.
 */
u32 conntrack_hash(const struct conntrack_table *t, const struct fs_tuple *tp);
void conntrack_prefetch(struct conntrack_table *t, u32 hash, int stage);

/* Finds the entry whose tuple of either direction equals t; sets *dir. */
struct conntrack_entry *conntrack_find(struct conntrack_table *t, const struct fs_tuple *tp,
				       enum ct_dir *dir);

/* Result of conntrack_in(). */
struct ct_in_result {
	struct conntrack_entry *ct;   /* NULL: untracked or invalid or dropped */
	enum ct_dir dir;
	enum ct_info ctinfo;
	bool drop;                    /* table full: the kernel drops the packet */
	bool is_new;                  /* ct allocated for this packet, not yet confirmed */
};

/*
 * nf_conntrack_in at PREROUTING: look up (or create, unconfirmed) the entry for the packet's
 * tuple, run the L4 state machine, account the packet.  An unconfirmed new entry is owned
 * by the caller until conntrack_confirm() or conntrack_discard().
 */
void conntrack_in(struct conntrack_table *t, const struct fs_packet *pkt, u64 now,
		  struct ct_in_result *res);
/* __nf_conntrack_confirm: insert a new entry; returns false on a clash (packet dropped). */
bool conntrack_confirm(struct conntrack_table *t, struct conntrack_entry *ct, u64 now);
/* Free an unconfirmed entry whose packet was dropped before leaving. */
void conntrack_discard(struct conntrack_table *t, struct conntrack_entry *ct);

/* NAT setup on the first packet (nf_nat_setup_info): rewrite the reply tuple. */
int conntrack_nat_snat(struct conntrack_table *t, struct conntrack_entry *ct,
		       const union fs_addr *addr, u16 port_min, u16 port_max);
int conntrack_nat_dnat(struct conntrack_table *t, struct conntrack_entry *ct,
		       const union fs_addr *addr, u16 port);
/* Apply an entry's NAT to a packet of direction dir (before routing / after, by type). */
void conntrack_nat_packet(const struct conntrack_entry *ct, enum ct_dir dir,
			  struct fs_packet *pkt, bool dst_part);

/* Timeout refresh of an entry (nf_ct_refresh): absolute deadline = now + secs. */
void conntrack_set_timeout(struct conntrack_entry *ct, u64 now, u32 secs);
void conntrack_event(struct conntrack_table *t, enum fs_event_type type,
		     struct conntrack_entry *ct, u64 now, u32 detail);

/*
 * Deliver the events a packet caused, as nf_ct_deliver_cached_events does when the packet
 * leaves conntrack's view: one [UPDATE] carrying everything that changed.
 */
void conntrack_deliver_cached_events(struct conntrack_table *t, struct conntrack_entry *ct,
				     u64 now);

/* Drop a reference; frees the entry when the last one goes. */
void conntrack_put(struct conntrack_table *t, struct conntrack_entry *ct);
/* Remove from the table now (timeout, flush): DESTROY event, reference dropped. */
void conntrack_kill(struct conntrack_table *t, struct conntrack_entry *ct, u64 now);

/*
 * Conntrack GC: reap expired entries.  Offloaded entries (IPS_OFFLOAD) are not reaped while
 * their flow is live: their timeout is held far in the future by the flowtable (§3.4).
 */
void conntrack_gc(struct conntrack_table *t, u64 now);

/* Iterate over confirmed entries in table order; fn returns nonzero to stop. */
int conntrack_for_each(struct conntrack_table *t,
		       int (*fn)(struct conntrack_entry *ct, void *arg), void *arg);
/* The same, then the killed entries something still holds (the flowtable GC needs them).
 * fn may drop the entry's last reference. */
int conntrack_for_each_all(struct conntrack_table *t,
			   int (*fn)(struct conntrack_entry *ct, void *arg), void *arg);

static inline bool conntrack_expired(const struct conntrack_entry *ct, u64 now)
{
	return fs_ticks_left(ct->timeout, now) <= 0;
}

/* Seconds left before expiry, as /proc prints it (rounded down, never negative). */
u32 conntrack_remaining_secs(const struct conntrack_entry *ct, u64 now);
const char *conntrack_tcp_state_name(u8 state);
const char *conntrack_proto_name(u8 proto);

#endif /* FS_CONNTRACK_H */
