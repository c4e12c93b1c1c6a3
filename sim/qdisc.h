/* SPDX-License-Identifier: MIT */
/*
 * qdisc.h - egress queueing disciplines of a simulated device (the SQM part of a router).
 *
 * Kinds (qdisc_create() by name):
 *   pfifo     tail-drop FIFO limited in packets (sch_fifo.c).
 *   fq_codel  Linux fq_codel (sch_fq_codel.c + codel.h/codel_impl.h): hashed flow queues,
 *             DRR over new/old flow lists, CoDel per queue, fat-flow batch drop on overflow.
 *   htb       tc HTB with one class whose rate equals its ceil and an fq_codel leaf: what
 *             OpenWrt's sqm-scripts simplest.qos installs (and simple.qos when no DSCP is
 *             set), with the root qdisc's tc-stab link-layer compensation.  Shaper as
 *             sch_htb.c's htb_charge_class()/htb_class_mode(): tokens are nanoseconds of
 *             transmission time, the bucket holds `burst` bytes' worth at `rate`
 *             (quantised to 64 ns psched ticks by tc), starts full, a dequeue charges
 *             psched_l2t_ns() of the packet's stab length; the class stops sending when
 *             its tokens go negative and resumes when they are back to zero.  Default burst
 *             as tc's q_htb.c: rate / get_hz() + 1600 bytes (the class mtu default; get_hz()
 *             is 1e9 on hrtimer kernels, so about one 1600-byte packet).  sqm-scripts
 *             instead passes "burst B cburst B" with B = SHAPER_BURST_DUR_US (default
 *             1000 us) of the rate in bytes, at least ceil((MTU + 48) / 48) * 53 (1749 for
 *             MTU 1500) - src/functions.sh get_burst()/get_htb_burst(), src/defaults.sh;
 *             e.g. 62500 bytes at 500 Mbit/s.  tc-stab (overhead, mpu, linklayer): the
 *             Linux length plus overhead (the MAC header is NOT removed, unlike cake); with
 *             mpu > 0 or a non-Ethernet link layer through tc's size table (mtu 2047,
 *             tsize 512, i.e. rounded up to 4 bytes, then mpu, then ATM cells of 48 ->
 *             53 bytes; beyond 2048 bytes the table is extrapolated as the kernel does).
 *             Simplifications, stated honestly: one class (sqm's 1:1 parent with the same
 *             rate and burst stays in step with its 1:10 leaf, so it changes nothing); no
 *             direct queue, no classifier, no HTB quantum (with one class it has no
 *             effect), no htb_hysteresis (off by default in Linux); `quantum` sets the
 *             leaf fq_codel's quantum; the leaf counts Linux lengths (pkt->len) for its DRR
 *             deficits and byte backlog where Linux would use the stab length; "linklayer
 *             ptm" (+1 byte per started 64, as cake's ptm) is an extension of this
 *             simulator: iproute2's tc-stab accepts only ethernet, atm and adsl.
 *             overlimits counts CAN_SEND -> CANT_SEND transitions, as Linux 6.1's
 *             htb_change_class_mode() does, not refused dequeues.  As in htb_reset(), a
 *             reset puts the class back in CAN_SEND but keeps its tokens.
 *   cake      a cake-like shaper (sch_cake.c): deficit-mode shaper at a configured rate with
 *             cake's overhead/mpu/ATM/PTM framing compensation, 8-way set-associative flow
 *             queues, DRR++ with sparse/bulk/decaying flows, COBALT (CoDel + BLUE) AQM;
 *             "ingress" mode (CAKE_FLAG_INGRESS) as in Linux: packets dropped by COBALT or
 *             by the memory limit still advance the shaper (they used the link before they
 *             reached us), an AQM drop also charges the flow's deficit and makes dequeue
 *             pick a flow again, and COBALT's over-target test counts the bulk flows.
 *             Simplifications, stated honestly: one best-effort tin (diffserv keywords are
 *             accepted, and with no DSCP information every packet maps to cake's best-effort
 *             tin anyway); flow isolation by flow hash only: the host-isolation
 *             keywords (triple-isolate - cake's default -, dual-srchost, dual-dsthost,
 *             hosts, srchost, dsthost) and nat are accepted and behave as "flows" (per-
 *             flow fairness, no per-host fairness); no ACK filter, no GSO splitting
 *             (the caller passes MTU-sized packets), no autorate-ingress.
 *
 * Packets.  The caller embeds a struct qdisc_pkt in its own packet object and fills len,
 * hash, mac_len and ecn; the qdisc owns `next`, `enq_time` and `priv` while the packet is
 * queued.  The qdisc never frees or copies a packet: a dequeued packet is returned, a dropped
 * one is handed to the drop callback (exactly once, whatever the reason), so the caller
 * always gets its packets back.
 *
 * Time.  Every call takes the current time in ns; a qdisc never reads a clock.  Shapers
 * report through qdisc_next_time() when a packet may leave; the host's device model
 * schedules its next dequeue attempt for then (the qdisc watchdog, in Linux terms).
 *
 * Randomness.  cake's BLUE drops and DRR dithering draw from a struct rng stream given by
 * (params.seed, params.stream): same parameters and inputs, same output.
 *
 * Allocation happens only in qdisc_create(); enqueue/dequeue never allocate.
 */
#ifndef FLOWSIM_QDISC_H
#define FLOWSIM_QDISC_H

#include <stddef.h>

#include "fs_port.h"

/* IP ECN field values (RFC 3168), as in include/net/inet_ecn.h */
#define QDISC_ECN_NOT_ECT 0
#define QDISC_ECN_ECT_1 1
#define QDISC_ECN_ECT_0 2
#define QDISC_ECN_CE 3

struct qdisc_pkt {
	void *data;              /* the caller's packet (opaque to the qdisc) */
	struct qdisc_pkt *next;  /* qdisc-owned while queued */
	u64 enq_time;            /* set by qdisc_enqueue(): the ns it arrived */
	u32 len;                 /* bytes as Linux qdiscs count them: skb->len, i.e. the L2
				  * frame with its link-layer header, without FCS/preamble */
	u32 hash;                /* flow hash (skb_get_hash()): same flow, same hash */
	u16 mac_len;             /* link-layer header bytes included in len (14 on Ethernet,
				  * 18 with a VLAN tag, 0 on IP-only devices); cake removes it
				  * when an explicit overhead is configured */
	u8 ecn;                  /* the packet's IP ECN field; AQMs may set it to CE */
	u8 flags;                /* reserved, 0 */
	u32 priv;                /* qdisc-owned while queued */
};

/* Sojourn-time histogram: bucket i counts sojourns in [2^i, 2^(i+1)) microseconds, bucket 0
 * also everything below 1 us, the last bucket everything above. */
#define QDISC_SOJOURN_BUCKETS 24

struct qdisc_stats {
	u64 arrivals;            /* packets passed to qdisc_enqueue() */
	u64 arrival_bytes;
	u64 sent_pkts;           /* packets returned by qdisc_dequeue() */
	u64 sent_bytes;
	u64 dropped_pkts;        /* every packet handed to the drop callback */
	u64 dropped_bytes;
	u64 drops_overlimit;     /* queue or memory limit (tail drop, fat-flow head drop) */
	u64 drops_overmemory;    /* subset of drops_overlimit due to the memory limit */
	u64 drops_aqm;           /* CoDel / COBALT / BLUE */
	u64 ecn_marks;           /* AQM marked CE instead of dropping */
	u64 ce_threshold_marks;  /* fq_codel ce_threshold marks */
	u64 overlimits;          /* tc's "overlimits": cake, a dequeue the shaper refused;
				  * htb, the class ran out of tokens (CAN_SEND -> CANT_SEND) */
	u64 new_flow_count;      /* flow queues that became active (fq_codel new_flow_count) */
	u32 backlog_pkts;
	u32 max_backlog_pkts;
	u64 backlog_bytes;
	u64 max_backlog_bytes;
	u64 memory_usage;        /* bytes of truesize held (fq_codel, cake) */
	u64 sojourn_sum_ns;      /* over sent packets */
	u64 sojourn_max_ns;
	u64 last_sojourn_ns;
	u64 sojourn_hist[QDISC_SOJOURN_BUCKETS];
};

enum qdisc_verdict {
	QDISC_ENQUEUED = 0,      /* accepted; nothing of this flow was dropped */
	QDISC_DROPPED,           /* the arriving packet itself was dropped (callback ran) */
	QDISC_CN,                /* accepted, but packets of the same flow were dropped to make
				  * room (NET_XMIT_CN) */
};

enum qdisc_drop_reason {
	QDISC_DROP_OVERLIMIT,    /* queue full (packets) */
	QDISC_DROP_OVERMEMORY,   /* memory limit */
	QDISC_DROP_AQM,          /* CoDel / COBALT / BLUE */
	QDISC_DROP_FLUSH,        /* qdisc_reset() / qdisc_destroy() */
};

/* Called for every dropped packet; the packet is no longer the qdisc's. */
typedef void (*qdisc_drop_fn)(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why,
			      u64 now);

enum qdisc_atm_mode { QDISC_ATM_NONE, QDISC_ATM_ATM, QDISC_ATM_PTM };

/*
 * Parameters.  qdisc_params_init() fills the defaults of one kind (Linux's defaults for a
 * 1500-byte-MTU Ethernet device); qdisc_params_set()/qdisc_params_parse() change them with
 * tc's option names and units.
 */
struct qdisc_params {
	u32 limit;               /* packets (pfifo 1000, fq_codel and htb's leaf 10240,
				  * cake 10240) */
	u32 mtu;                 /* psched_mtu(): MTU + link header, 1514 */
	/* fq_codel */
	u32 flows;               /* 1024 */
	u32 quantum;             /* 1514 (psched_mtu) */
	u64 target_ns;           /* 5 ms (cake: also 5 ms, "rtt X" sets X/20) */
	u64 interval_ns;         /* 100 ms (cake: the "rtt") */
	u64 ce_threshold_ns;     /* ~0: disabled (the default) */
	u32 memory_limit;        /* fq_codel (and htb's leaf) 32 MB; cake "memlimit",
				  * 0 = automatic */
	u32 drop_batch;          /* 64 */
	bool ecn;                /* fq_codel true; cake always marks ECT packets */
	/* shapers (cake, htb; htb's fq_codel leaf uses the fq_codel fields above) */
	u64 rate_bps;            /* bits per second; cake: 0 = unlimited; htb "rate" (or
				  * "bandwidth"), required: 0 fails qdisc_create() */
	s32 overhead;            /* bytes added per packet (may be negative); htb: tc-stab
				  * overhead, added to the Linux length (MAC header kept) */
	bool overhead_set;       /* cake: false = "raw": no compensation, len as counted by
				  * Linux; htb: only records that "overhead" was given */
	u32 mpu;                 /* minimum packet unit after overhead */
	enum qdisc_atm_mode atm; /* htb: "linklayer" (ethernet = NONE, atm/adsl = ATM, ptm) */
	u32 burst;               /* htb: bucket depth in bytes; 0 = tc's default
				  * (rate in bytes/s / 1e9 + 1600) */
	bool flowblind;          /* cake "flowblind": one queue for all flows */
	bool ingress;            /* cake "ingress" (CAKE_FLAG_INGRESS), "egress" clears it */
	/* randomness (cake) */
	u64 seed;
	u64 stream;
};

struct qdisc;

struct qdisc_ops {
	const char *kind;
	size_t priv_size;
	int (*init)(struct qdisc *q, const struct qdisc_params *p, char *err, size_t errlen);
	void (*destroy)(struct qdisc *q);
	enum qdisc_verdict (*enqueue)(struct qdisc *q, struct qdisc_pkt *pkt, u64 now);
	struct qdisc_pkt *(*dequeue)(struct qdisc *q, u64 now);
	u64 (*next_time)(struct qdisc *q, u64 now);
	/* remove every queued packet (each through the drop callback, QDISC_DROP_FLUSH) */
	void (*reset)(struct qdisc *q, u64 now);
};

struct qdisc {
	const struct qdisc_ops *ops;
	struct qdisc_stats stats;
	qdisc_drop_fn drop;
	void *drop_ctx;
	struct qdisc_params params;   /* as given (after validation) */
	void *priv;                   /* ops->priv_size bytes, zeroed before init */
};

#define QDISC_TIME_NEVER (~(u64)0)

/* The registered kinds, NULL-terminated ("pfifo", "fq_codel", "htb", "cake"). */
extern const struct qdisc_ops *const qdisc_kinds[];
const struct qdisc_ops *qdisc_find_ops(const char *kind);

/* Defaults of `kind`; -1 (with a message) if the kind is unknown. */
int qdisc_params_init(struct qdisc_params *p, const char *kind, char *err, size_t errlen);
/*
 * Set one tc-style option of `kind`: key "limit" value "1000", key "target" value "5ms",
 * key "bandwidth" value "100mbit", or a keyword without value (value NULL) such as
 * "ethernet", "pppoe-ptm", "noecn".  Returns 0, or -1 with a message naming the option and
 * what was expected.
 */
int qdisc_params_set(struct qdisc_params *p, const char *kind, const char *key,
		     const char *value, char *err, size_t errlen);
/* tc-style word list, e.g. {"bandwidth", "100mbit", "ethernet", "rtt", "50ms"}. */
int qdisc_params_parse(struct qdisc_params *p, const char *kind, int argc,
		       const char *const *argv, char *err, size_t errlen);
/* true if `key` is a keyword of `kind` that takes no value */
bool qdisc_param_is_flag(const char *kind, const char *key);
/*
 * Whether qdisc_create() would accept these parameters (it builds and frees the qdisc):
 * checks that need the whole option set, such as htb's required rate, so that a loader
 * can report them at the options' position.  0, or -1 with qdisc_create()'s message.
 */
int qdisc_params_check(const struct qdisc_params *p, const char *kind, char *err,
		       size_t errlen);

/*
 * Create a qdisc.  p == NULL means the kind's defaults.  Returns NULL with a message in err
 * for an unknown kind or invalid parameters (or memory exhaustion).
 */
struct qdisc *qdisc_create(const char *kind, const struct qdisc_params *p, qdisc_drop_fn drop,
			   void *drop_ctx, char *err, size_t errlen);
/* Flush (drop callback with QDISC_DROP_FLUSH at time `now`) and free. */
void qdisc_destroy(struct qdisc *q, u64 now);

/* Offer a packet at `now`; sets pkt->enq_time.  See enum qdisc_verdict. */
enum qdisc_verdict qdisc_enqueue(struct qdisc *q, struct qdisc_pkt *pkt, u64 now);
/* The next packet to transmit, or NULL (empty, shaper not ready, or AQM dropped the rest). */
struct qdisc_pkt *qdisc_dequeue(struct qdisc *q, u64 now);
/*
 * When a dequeue can next return a packet: `now` if one may leave now, a later time if a
 * shaper holds the queue until then, QDISC_TIME_NEVER if the qdisc is empty.  A dequeue at
 * the returned time may still yield NULL when the AQM drops what was queued.
 */
u64 qdisc_next_time(struct qdisc *q, u64 now);
void qdisc_reset(struct qdisc *q, u64 now);

/* ---- helpers for qdisc implementations (qdisc.c) ---- */

/* Account a packet entering / leaving the queue (backlog, memory, maxima). */
void qdisc_backlog_add(struct qdisc *q, const struct qdisc_pkt *pkt, u32 truesize);
void qdisc_backlog_sub(struct qdisc *q, const struct qdisc_pkt *pkt, u32 truesize);
/* Count and hand a dropped packet to the caller; the packet must already be unlinked and
 * its backlog subtracted (or never added). */
void qdisc_drop_pkt(struct qdisc *q, struct qdisc_pkt *pkt, enum qdisc_drop_reason why,
		    u64 now);
/* INET_ECN_set_ce(): true (and CE set) if the packet is ECN-capable or already CE. */
bool qdisc_pkt_set_ce(struct qdisc_pkt *pkt);
/* Approximate skb->truesize of a packet of `len` bytes (data rounded to cache lines,
 * plus struct sk_buff and skb_shared_info), used for memory limits. */
u32 qdisc_truesize(u32 len);

extern const struct qdisc_ops qdisc_pfifo_ops;
extern const struct qdisc_ops qdisc_fq_codel_ops;
extern const struct qdisc_ops qdisc_htb_ops;
extern const struct qdisc_ops qdisc_cake_ops;

#endif /* FLOWSIM_QDISC_H */
