/* SPDX-License-Identifier: MIT */
/*
 * nft_internal.h - private types of the nftables ruleset engine (nft_*.c).
 *
 * A ruleset is an immutable-while-evaluating "state": tables, chains with compiled rules,
 * flowtables, named counters and ct helper objects, each object addressed by a stable id
 * (ids are never reused, so a chain id handed to the router stays meaningful until the
 * next successful apply).  ruleset_apply() clones the committed state, runs the script
 * against the clone and swaps it in only if every command and the final validation
 * (nf_tables_api.c's transaction + nft_table_validate) succeeded: errors leave the
 * committed ruleset untouched.
 *
 * Rules are compiled at load time into one contiguous blob each: an array of
 * instructions (matches and statements, the kernel's nft_expr list) followed by their
 * data (value ranges, prefixes, device-pattern ids, map entries) and the listing text.
 * Blobs contain no pointers, so cloning a rule is one memcpy.  References to other
 * objects (jump targets, flowtables, counters, helpers) are stored as ids.
 *
 * Device names used by iif/oif/iifname/oifname are interned into a per-state pattern
 * table; evaluation keeps, per input/output ifindex, a bitmap of the patterns that name
 * matches, so the per-packet cost of a device match is a bit test.
 */
#ifndef FS_NFT_INTERNAL_H
#define FS_NFT_INTERNAL_H

#include "ruleset.h"
#include "flowtable.h"
#include "netdev.h"

#define RS_NAME 64               /* table/chain/object names (nft: NFT_NAME_MAXLEN 256) */
#define RS_SHORT_NAME 32         /* table and flowtable names (struct ruleset_flowtable) */
#define RS_MAX_INSN 48           /* expressions per rule */
#define RS_MAX_SET 256           /* elements of one anonymous set / map */
#define RS_MAX_RULE_DATA 8192    /* bytes of set data per rule */
#define RS_MAX_TEXT 2048         /* listing text per rule */
#define RS_MAX_NEST 4            /* anonymous chains nested in a rule (goto { ... }) */
#define RS_JUMP_STACK 16         /* NFT_JUMP_STACK_SIZE */
#define RS_MAX_CHAIN_DEV 8       /* devices of one netdev base chain */
#define RS_MAX_TABLES 256
#define RS_MAX_IDS (1u << 20)    /* ids ever allocated per object kind */
#define RS_MAX_RULES_PER_CHAIN 65535
#define RS_MAX_PATTERNS 4096
#define RS_MAX_SCRIPT (64u << 20)
#define RS_DEVCACHE_SLOTS FS_NETDEV_MAX

/* ct state bits as nft_ct.c exposes them (NF_CT_STATE_BIT) */
#define RS_CT_STATE_INVALID 0x01
#define RS_CT_STATE_ESTABLISHED 0x02
#define RS_CT_STATE_RELATED 0x04
#define RS_CT_STATE_NEW 0x08
#define RS_CT_STATE_UNTRACKED 0x40

/* Selectors (the kernel's payload/meta/ct keys the model supports). */
enum rs_key {
	RK_NONE,
	RK_IIF, RK_OIF, RK_IIFNAME, RK_OIFNAME,
	RK_L4PROTO, RK_NFPROTO, RK_PROTOCOL, RK_MARK,
	RK_IP_PROTO, RK_IP_SADDR, RK_IP_DADDR, RK_IP_DSCP,
	RK_IP6_SADDR, RK_IP6_DADDR, RK_IP6_NEXTHDR, RK_IP6_DSCP,
	RK_TCP_SPORT, RK_TCP_DPORT, RK_UDP_SPORT, RK_UDP_DPORT, RK_TH_SPORT, RK_TH_DPORT,
	RK_TCP_FLAGS,
	RK_ICMP_TYPE, RK_ICMPV6_TYPE,
	RK_CT_STATE, RK_CT_STATUS, RK_CT_MARK, RK_CT_DIRECTION,
	RK__COUNT
};

/* How a selector's values are written and compared. */
enum rs_dtype {
	DT_IFNAME, DT_IFINDEX, DT_PROTO, DT_NFPROTO, DT_ETHERTYPE, DT_U32, DT_IPV4, DT_IPV6,
	DT_DSCP, DT_PORT, DT_TCPFLAGS, DT_ICMP, DT_ICMP6, DT_CTSTATE, DT_CTSTATUS, DT_CTDIR,
};

enum rs_op {
	OP_MATCH,          /* key cmp data: NFT_BREAK when false */
	OP_COUNTER,        /* anonymous counter: c = packets, d = bytes */
	OP_COUNTER_NAMED,  /* a = counter id */
	OP_COUNTER_MAP,    /* key -> counter id (struct rs_cmap_ent[n]) */
	OP_SET_CT_MARK,    /* a = mark */
	OP_SET_MARK,       /* a = mark */
	OP_SET_DSCP,       /* a = dscp, key = RK_IP_DSCP / RK_IP6_DSCP */
	OP_SET_CT_HELPER,  /* a = helper id */
	OP_FLOW_ADD,       /* a = flowtable id */
	OP_NAT,            /* aux = enum nft_nat_type, b = family (0 any), a = ports lo | hi << 16,
			    * flags & RI_HAS_ADDR: data = union fs_addr */
	OP_MSS_RTMTU,      /* tcp option maxseg size set rt mtu */
	OP_LIMIT,          /* data = struct rs_limit; c = tokens, d = last (ns) */
	OP_LOG,            /* no-op */
	OP_VERDICT,        /* aux = enum rs_vcode, a = chain id (jump/goto) */
	OP_VMAP,           /* key -> verdict (struct rs_vmap_ent[n]) */
};

enum rs_cmp {
	RC_IN,     /* value in one of the ranges / prefixes / patterns */
	RC_NOTIN,
	RC_ANY,    /* (v & a) != 0  (bitmask types: "ct state established,related") */
	RC_NONE,   /* (v & a) == 0 */
	RC_MASKEQ, /* (v & a) == b  ("tcp flags & (syn|ack) == syn", "tcp flags syn / syn,rst") */
	RC_MASKNE,
};

/* OP_VERDICT codes (also used in vmap entries) */
enum rs_vcode { VC_ACCEPT, VC_DROP, VC_RETURN, VC_JUMP, VC_GOTO, VC_CONTINUE };

/* rs_insn.flags */
#define RI_NUMERIC  0x01   /* iif/oif compared by ifindex value */
#define RI_HAS_ADDR 0x02   /* OP_NAT carries an address */
#define RI_REJECT   0x04   /* OP_VERDICT DROP written as "reject" */
#define RI_INVERT   0x08   /* OP_LIMIT "over" */
#define RI_STARTED  0x10   /* OP_LIMIT bucket initialised */

struct rs_insn {
	u8 op;          /* enum rs_op */
	u8 key;         /* enum rs_key */
	u8 cmp;         /* enum rs_cmp */
	u8 flags;       /* RI_* */
	u16 n;          /* elements in data */
	u16 aux;
	u32 off;        /* data offset from the end of the instruction array */
	u32 a;
	u32 b;
	u32 line;       /* source position, for load-time validation errors */
	u16 col;
	u16 pad;
	u32 pad2;
	u64 c;
	u64 d;
};

struct rs_range {
	u32 lo;
	u32 hi;
};

struct rs_prefix {
	union fs_addr addr;
	u8 plen;
	u8 pad[3];
};

struct rs_vmap_ent {
	u32 lo;
	u32 hi;
	u16 verdict;    /* enum rs_vcode */
	u16 pad;
	u32 chain;      /* jump/goto target id */
};

struct rs_cmap_ent {
	u32 lo;
	u32 hi;
	u32 counter;    /* counter id */
	u32 pad;
};

struct rs_limit {
	u64 cost;       /* ns of tokens one packet costs (nft_limit_pkts: nsecs / rate) */
	u64 tokens_max; /* cost * burst */
	u32 rate;
	u32 unit;       /* seconds per unit */
	u32 burst;
	u32 pad;
};

/* One compiled rule; everything after the header is in the same allocation. */
struct rs_rule {
	u32 handle;
	u16 ninsn;
	u16 text_len;
	u32 size;       /* bytes of the allocation */
	u32 text_off;   /* offset of the listing text from the start of the blob */
	u32 line;
	u32 pad;
	struct rs_insn insn[];
};

static inline const u8 *rs_rule_data(const struct rs_rule *r)
{
	return (const u8 *)&r->insn[r->ninsn];
}

static inline u8 *rs_rule_data_mut(struct rs_rule *r)
{
	return (u8 *)&r->insn[r->ninsn];
}

struct rs_table {
	u32 id;
	u8 family;
	char name[RS_SHORT_NAME];
};

struct rs_chain {
	u32 id;
	u32 table_id;
	char name[RS_NAME];
	u8 family;
	u8 base;
	u8 type;         /* enum nft_chain_type */
	u8 hook;         /* enum nft_hook */
	u8 policy;       /* NFT_VERDICT_ACCEPT / NFT_VERDICT_DROP */
	u8 anon;         /* binding chain of a "jump { ... }" */
	u8 ndev;
	u8 pad;
	s32 prio;
	u32 reg_seq;     /* hook registration order */
	char dev[RS_MAX_CHAIN_DEV][FS_IFNAMSIZ];
	struct rs_rule **rules;
	u32 nrules;
	u32 cap;
};

struct rs_flowtable {
	u32 id;
	u32 table_id;
	char name[RS_SHORT_NAME];
	u8 family;
	u8 flags;        /* FLOWTABLE_F_* */
	u8 ndev;
	u8 pad;
	s32 prio;
	u32 reg_seq;
	char dev[FLOWTABLE_MAX_DEVS][FS_IFNAMSIZ];
};

struct rs_counter {
	u32 id;
	u32 table_id;
	char name[RS_NAME];
	u64 packets;
	u64 bytes;
};

struct rs_helper {
	u32 id;
	u32 table_id;
	char name[RS_NAME];
	char type[RS_NAME];
	u8 l4proto;
};

struct rs_devpat {
	char name[FS_IFNAMSIZ];
	u8 len;          /* characters before the wildcard (or the whole name) */
	u8 wildcard;     /* trailing '*' */
};

/* Per-ifindex cache: which device patterns the device's name matches. */
struct rs_devcache {
	const char *name;  /* the name pointer the bits were computed for */
	u64 *bits;
};

/* Object kinds addressed by id. */
enum rs_kind { RS_K_CHAIN, RS_K_FT, RS_K_COUNTER, RS_K_HELPER, RS_K__COUNT };

struct rs_idtab {
	void **obj;      /* indexed by id; NULL: free/deleted; id 0 never used */
	u32 cap;
	u32 next;        /* next id to hand out */
};

#define RS_NUM_INET_HOOKS 5  /* prerouting .. postrouting */

struct rs_state {
	struct rs_table *tables;
	u32 ntables;
	u32 tables_cap;
	u32 next_table_id;
	struct rs_idtab ids[RS_K__COUNT];
	u32 next_handle;
	u32 reg_seq;
	struct rs_devpat *pats;
	u32 npats;
	u32 pats_cap;

	/* built at commit: base chains per inet hook and packet family (0 v4, 1 v6) */
	struct nft_chain_ref *hooks[RS_NUM_INET_HOOKS][2];
	u32 nhooks[RS_NUM_INET_HOOKS][2];
	u32 *netdev_chains;     /* ingress/egress chain ids, sorted in run order */
	u32 nnetdev;
	/* evaluation cache, rebuilt at commit */
	struct rs_devcache devcache[RS_DEVCACHE_SLOTS];
	u64 *devbits;           /* RS_DEVCACHE_SLOTS * devwords */
	u32 devwords;
};

struct ruleset {
	struct rs_state *cur;
	u32 generation;
};

/* --- nft_state.c / nft_commit.c --- */
struct rs_state *rsi_state_create(void);
void rsi_state_free(struct rs_state *st);
struct rs_state *rsi_state_clone(const struct rs_state *st);
/* Validate references, hooks and jump depth, then build the hook lists. */
int rsi_state_commit(struct rs_state *st, struct ruleset_error *err);
/* Free the hook lists and device cache built by the commit step. */
void rsi_state_built_free(struct rs_state *st);

static inline void *rsi_obj(const struct rs_state *st, enum rs_kind k, u32 id)
{
	const struct rs_idtab *t = &st->ids[k];

	return id && id < t->cap ? t->obj[id] : NULL;
}

static inline struct rs_chain *rsi_chain(const struct rs_state *st, u32 id)
{
	return rsi_obj(st, RS_K_CHAIN, id);
}

int rsi_id_alloc(struct rs_state *st, enum rs_kind k, void *obj, u32 *id);
void rsi_id_release(struct rs_state *st, enum rs_kind k, u32 id);

struct rs_table *rsi_table_find(const struct rs_state *st, u8 family, const char *name);
struct rs_table *rsi_table_by_id(const struct rs_state *st, u32 id);
struct rs_table *rsi_table_add(struct rs_state *st, u8 family, const char *name);
void rsi_table_delete(struct rs_state *st, u32 table_id);
void rsi_table_flush(struct rs_state *st, u32 table_id);

struct rs_chain *rsi_chain_find(const struct rs_state *st, u32 table_id, const char *name);
struct rs_chain *rsi_chain_add(struct rs_state *st, const struct rs_table *t, const char *name);
void rsi_chain_flush(struct rs_state *st, struct rs_chain *c);
void rsi_chain_delete(struct rs_state *st, struct rs_chain *c);
int rsi_chain_insert_rule(struct rs_chain *c, struct rs_rule *r, u32 pos);
/* Ids of chains/objects that rules outside `except_chain` refer to. */
bool rsi_object_referenced(const struct rs_state *st, enum rs_kind k, u32 id, u32 except_chain);
void rsi_rule_free(struct rs_state *st, struct rs_rule *r);

struct rs_flowtable *rsi_ft_find(const struct rs_state *st, u32 table_id, const char *name);
struct rs_counter *rsi_counter_find(const struct rs_state *st, u32 table_id, const char *name);
struct rs_helper *rsi_helper_find(const struct rs_state *st, u32 table_id, const char *name);
void rsi_object_delete(struct rs_state *st, enum rs_kind k, u32 id);

/* Intern a device pattern ("eth0", "wlan*"); returns its id or -1. */
int rsi_pattern_intern(struct rs_state *st, const char *name, u32 len);
bool rsi_pattern_match(const struct rs_devpat *p, const char *name);

/* --- nft_parse.c --- */
int rsi_parse(struct rs_state *st, const char *text, size_t len, struct ruleset_error *err);

/* --- nft_stmt.c / nft_lex.c helpers shared with the formatter --- */
const char *rsi_hook_name(u8 hook);
const char *rsi_family_name(u8 family);
const char *rsi_chain_type_name(u8 type);
/* The standard priority name for (family, prio), or NULL. */
const char *rsi_prio_name(u8 family, u8 hook, s32 prio);

/* Small string helpers: the core has no libc. */
size_t rsi_strlen(const char *s);
size_t rsi_strnlen(const char *s, size_t max);
bool rsi_streq(const char *a, const char *b);
bool rsi_memeq_str(const char *s, u32 len, const char *lit);
void rsi_strlcpy(char *dst, const char *src, size_t size);
/* s is one nft word token as it stands (a listing may print it without quotes) */
bool rsi_bare_word(const char *s);
/* u64 / u32 without the compiler's 64-bit division helpers (32-bit kernels lack them) */
u64 rsi_div_u64(u64 n, u32 d);

#endif /* FS_NFT_INTERNAL_H */
