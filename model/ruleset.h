/* SPDX-License-Identifier: MIT */
/*
 * ruleset.h - nftables rules as the core evaluates them.
 *
 * A ruleset is built from nft text (the syntax of `nft -f`): table blocks with chains, sets
 * of rules and flowtables, and one-line commands (add/insert/delete/flush) that change an
 * existing ruleset.  ruleset_apply() is transactional like `nft -f`: a script with an error
 * changes nothing and reports line and column.
 *
 * The router asks for the base chains of a hook in the order netfilter runs them and
 * evaluates them one by one, so it can place conntrack (priority -200) and confirmation
 * between them exactly as the kernel does.  Side effects that belong to other subsystems
 * (flow add, NAT) are requested through struct ruleset_env_ops; counters, marks and DSCP
 * are applied directly.  Evaluation reports how many rules it looked at, which is what the
 * CPU model charges.
 */
#ifndef FS_RULESET_H
#define FS_RULESET_H

#include "conntrack.h"

/* NFPROTO_* */
enum nft_family {
	NFT_FAMILY_INET = 1,
	NFT_FAMILY_IP = 2,
	NFT_FAMILY_ARP = 3,
	NFT_FAMILY_NETDEV = 5,
	NFT_FAMILY_BRIDGE = 7,
	NFT_FAMILY_IP6 = 10,
};

enum nft_hook {
	NFT_HOOK_PREROUTING,
	NFT_HOOK_INPUT,
	NFT_HOOK_FORWARD,
	NFT_HOOK_OUTPUT,
	NFT_HOOK_POSTROUTING,
	NFT_HOOK_INGRESS,
	NFT_HOOK_EGRESS,
	NFT_HOOK__COUNT
};

enum nft_chain_type { NFT_CHAIN_FILTER, NFT_CHAIN_NAT, NFT_CHAIN_ROUTE };

enum nft_verdict {
	NFT_VERDICT_ACCEPT,  /* this base chain accepts; the next hook entry runs */
	NFT_VERDICT_DROP,
	NFT_VERDICT_STOLEN,
};

/* Standard priorities (nft's named priorities for inet/ip/ip6) */
#define NFT_PRIO_RAW (-300)
#define NFT_PRIO_MANGLE (-150)
#define NFT_PRIO_DSTNAT (-100)
#define NFT_PRIO_FILTER 0
#define NFT_PRIO_SECURITY 50
#define NFT_PRIO_SRCNAT 100
#define NFT_PRIO_CONNTRACK (-200)

struct ruleset_error {
	u32 line;           /* 1-based; 0 when the error has no position */
	u32 col;            /* 1-based */
	char msg[200];
};

/* What a rule sees of the packet and what it may change. */
struct nft_pktinfo {
	struct fs_packet *pkt;
	struct conntrack_entry *ct;  /* NULL: untracked or invalid */
	u8 ctinfo;                   /* enum ct_info */
	u8 hook;                     /* enum nft_hook */
	u16 iif;                     /* input device (ifindex), 0 if none (output hook) */
	u16 oif;                     /* output device, 0 before routing */
	const char *iifname;         /* stable storage (the device's name): see below */
	const char *oifname;
	u64 now;                     /* ns: the clock of `limit rate` token buckets */
};

enum nft_nat_type { NFT_NAT_SNAT, NFT_NAT_DNAT, NFT_NAT_MASQUERADE, NFT_NAT_REDIRECT };

struct ruleset_env_ops {
	/* `flow add @name`: 0 = offloaded (or already), nonzero = NFT_BREAK */
	int (*flow_add)(void *env, struct nft_pktinfo *pi, u32 flowtable_id);
	/* NAT statements: addr NULL for masquerade; ports 0 = keep. 0 ok, nonzero = drop */
	int (*nat)(void *env, struct nft_pktinfo *pi, enum nft_nat_type type,
		   const union fs_addr *addr, u16 port_min, u16 port_max);
	/* `rt mtu` for `tcp option maxseg size set rt mtu` */
	u16 (*rt_mtu)(void *env, struct nft_pktinfo *pi);
};

struct ruleset;

struct ruleset *ruleset_create(void);
void ruleset_destroy(struct ruleset *rs);

/* Parse and apply an nft script atomically.  0 on success, -1 with *err filled. */
int ruleset_apply(struct ruleset *rs, const char *text, size_t len, struct ruleset_error *err);
/* Increments on every successful apply: hosts re-read hook lists when it changes. */
u32 ruleset_generation(const struct ruleset *rs);

struct nft_chain_ref {
	u32 id;              /* chain id for ruleset_eval_chain */
	u32 reg_seq;         /* registration order, comparable with ruleset_flowtable.reg_seq */
	s32 priority;
	u8 type;             /* enum nft_chain_type */
	u8 family;
};

/*
 * Base chains registered on a hook for a packet of family pkt_family (FS_AF_INET/INET6), in
 * the order netfilter runs them: ascending priority, and among equal priorities the most
 * recently registered first.  For ingress/egress only netdev chains on device devname.
 * Returns the number written (at most max).
 */
u32 ruleset_hook_chains(const struct ruleset *rs, u8 hook, u8 pkt_family, const char *devname,
			struct nft_chain_ref *out, u32 max);

/* Evaluate one base chain (with jumps/gotos).  *rules counts evaluated rules. */
enum nft_verdict ruleset_eval_chain(struct ruleset *rs, u32 chain_id, struct nft_pktinfo *pi,
				    const struct ruleset_env_ops *ops, void *env, u32 *rules);

/* Flowtables declared in the ruleset, for the router to instantiate. */
struct ruleset_flowtable {
	u32 id;                  /* flowtable_id passed to flow_add */
	char table[32];
	char name[32];
	u8 family;
	u8 flags;                /* FLOWTABLE_F_HW_OFFLOAD / FLOWTABLE_F_COUNTER */
	u8 num_devices;
	s32 priority;
	u32 reg_seq;
	char devices[16][16];
};
u32 ruleset_flowtables(const struct ruleset *rs, struct ruleset_flowtable *out, u32 max);

/* Named counter objects and the counters of ruleset rules ("counter" statements). */
int ruleset_counter_get(const struct ruleset *rs, const char *table, const char *name,
			u64 *packets, u64 *bytes);
void ruleset_counters_reset(struct ruleset *rs);

/* Print the ruleset as `nft list ruleset` would (with counter values). */
int ruleset_format(const struct ruleset *rs, char *buf, size_t size);

/*
 * Added by the ruleset implementation:
 *
 * ruleset_format() returns the length written (without the NUL), or -1 if buf is too
 * small (the text is then truncated but NUL-terminated).
 *
 * Device matches (iif/oif/iifname/oifname) are resolved once per ifindex and cached,
 * keyed by the iifname/oifname pointers: hosts pass the device's own name storage and
 * call ruleset_devices_changed() after renaming or re-creating a device.
 *
 * ruleset_counter_get(): `table` is "name" or "family name" (e.g. "inet filter").
 */
void ruleset_devices_changed(struct ruleset *rs);

/* Introspection for listings and checks (`flowsim nft check`). */
struct ruleset_table_info {
	char name[32];
	u8 family;            /* enum nft_family */
	u32 num_chains;
	u32 num_flowtables;
	u32 num_counters;
};
u32 ruleset_tables(const struct ruleset *rs, struct ruleset_table_info *out, u32 max);

struct ruleset_chain_info {
	u32 id;
	char table[32];
	char name[64];
	u8 family;
	u8 base;              /* base chain (has a hook) */
	u8 type;              /* enum nft_chain_type */
	u8 hook;              /* enum nft_hook */
	u8 policy;            /* enum nft_verdict */
	u8 anonymous;         /* binding chain of "jump { ... }" */
	u8 num_devices;
	s32 priority;
	u32 reg_seq;
	u32 num_rules;
	char devices[8][16];
};
/* Chains of all tables in creation order. */
u32 ruleset_chains(const struct ruleset *rs, struct ruleset_chain_info *out, u32 max);

struct ruleset_counter_info {
	char table[32];
	char name[64];
	u8 family;
	u64 packets;
	u64 bytes;
};
u32 ruleset_counters(const struct ruleset *rs, struct ruleset_counter_info *out, u32 max);
/* Error text as "LINE:COL: message" (or just the message without a position). */
int ruleset_error_format(const struct ruleset_error *err, char *buf, size_t size);

#endif /* FS_RULESET_H */
