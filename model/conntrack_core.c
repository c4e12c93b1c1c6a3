/* SPDX-License-Identifier: MIT */
/*
 * conntrack_core.c - the conntrack table: lookup, creation, confirmation, expiry.
 *
 * After net/netfilter/nf_conntrack_core.c.  The table is a fixed array of buckets
 * (nf_conntrack_buckets) with singly linked chains of tuplehashes; each entry is hashed
 * twice, once per direction.  Entries are created unconfirmed by conntrack_in() and become
 * visible only through conntrack_confirm(), as __nf_conntrack_confirm does at the last
 * hook, so a packet dropped by the ruleset leaves no entry behind.
 *
 * Table full (nf_conntrack_max): like __nf_conntrack_alloc + early_drop, the allocation
 * first tries to evict one non-ASSURED, non-offloaded entry from the 8 chains starting at
 * the new tuple's bucket; if there is none the packet is dropped.  Established (ASSURED)
 * connections are therefore never harmed by a flood of new ones.
 */
#include "conntrack_internal.h"

#define CT_EVICTION_RANGE 8
#define CT_DAY_SECS 86400u

static const u32 linux_tcp_timeouts[TCP_CT_TIMEOUT_MAX] = {
	[TCP_CT_SYN_SENT] = 120,
	[TCP_CT_SYN_RECV] = 60,
	[TCP_CT_ESTABLISHED] = 432000,
	[TCP_CT_FIN_WAIT] = 120,
	[TCP_CT_CLOSE_WAIT] = 60,
	[TCP_CT_LAST_ACK] = 30,
	[TCP_CT_TIME_WAIT] = 120,
	[TCP_CT_CLOSE] = 10,
	[TCP_CT_SYN_SENT2] = 120,
	[TCP_CT_RETRANS] = 300,
	[TCP_CT_UNACK] = 300,
};

void conntrack_params_linux(struct conntrack_params *p)
{
	fs_memset(p, 0, sizeof(*p));
	fs_memcpy(p->tcp_timeout, linux_tcp_timeouts, sizeof(p->tcp_timeout));
	p->max = 262144;        /* auto-sized for > 4 GiB on 64-bit (nf_conntrack_init_start) */
	p->udp_timeout = 30;
	p->udp_timeout_stream = 120;
	p->icmp_timeout = 30;
	p->generic_timeout = 600;
	p->tcp_max_retrans = 3;
	p->tcp_loose = 1;
	p->tcp_be_liberal = 0;
	p->acct = 0;            /* nf_conntrack_acct defaults to off upstream */
	p->udp_stream_delay = 1;
	p->flowtable_tcp_timeout = 30;
	p->flowtable_udp_timeout = 30;
}

void conntrack_params_openwrt(struct conntrack_params *p)
{
	conntrack_params_linux(p);
	/* package/kernel/linux/files/sysctl-nf-conntrack.conf */
	p->tcp_timeout[TCP_CT_ESTABLISHED] = 7440;
	p->udp_timeout = 60;
	p->udp_timeout_stream = 180;
	p->tcp_max_retrans = 5;
	p->acct = 1;
	/* 661-kernel-ct-size-the-hashtable-more-adequately: a 256 MiB 32-bit or 512 MiB
	 * 64-bit router gets 32768 buckets and max = buckets */
	p->max = 32768;
}

static u32 roundup_pow2(u32 v)
{
	u32 p = 1;

	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

struct conntrack_table *conntrack_table_create(const struct conntrack_params *p,
					       fs_event_fn ev, void *ev_arg)
{
	struct conntrack_table *t = fs_zalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->p = *p;
	t->nbuckets = roundup_pow2(p->buckets ? p->buckets : FS_MAX(p->max, 1024u));
	t->bucket = fs_zalloc_array(t->nbuckets, sizeof(*t->bucket));
	t->cache = fs_cache_create("conntrack", sizeof(struct conntrack_entry));
	if (!t->bucket || !t->cache)
		goto err;
	t->seed = 0x5eed1e55;  /* fixed: results must not depend on a random seed */
	t->ev = ev;
	t->ev_arg = ev_arg;
	return t;
err:
	fs_free(t->bucket);
	fs_cache_destroy(t->cache);
	fs_free(t);
	return NULL;
}

void conntrack_table_destroy(struct conntrack_table *t)
{
	if (!t)
		return;
	fs_cache_destroy(t->cache);
	fs_free(t->bucket);
	fs_free(t);
}

const struct conntrack_params *conntrack_table_params(const struct conntrack_table *t)
{
	return &t->p;
}

u32 conntrack_count(const struct conntrack_table *t)
{
	return t->count;
}

size_t conntrack_memory(const struct conntrack_table *t)
{
	return fs_cache_bytes(t->cache) + (size_t)t->nbuckets * sizeof(*t->bucket);
}

/*
 * The key is every field but tuple.pad (which holds the direction).  The hash is a
 * multiply-xorshift over the key's 64-bit lanes: this lookup is the whole fast path, and
 * jhash's three mixing rounds cost more than the rest of it (measured with bench_core).
 */
#define CT_HASH_MUL 0x9e3779b97f4a7c15ULL

static inline u64 ct_lane(u32 hi, u32 lo)
{
	return (u64)hi << 32 | lo;
}

static inline u32 ct_hash(const struct conntrack_table *t, const struct fs_tuple *tp)
{
	u64 h = t->seed;

	h = (h ^ ct_lane(tp->src.ip6[0], tp->src.ip6[1])) * CT_HASH_MUL;
	h = (h ^ ct_lane(tp->src.ip6[2], tp->src.ip6[3])) * CT_HASH_MUL;
	h = (h ^ ct_lane(tp->dst.ip6[0], tp->dst.ip6[1])) * CT_HASH_MUL;
	h = (h ^ ct_lane(tp->dst.ip6[2], tp->dst.ip6[3])) * CT_HASH_MUL;
	h = (h ^ ct_lane((u32)tp->sport << 16 | tp->dport, (u32)tp->family << 8 | tp->proto)) *
	    CT_HASH_MUL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (u32)h & (t->nbuckets - 1);
}

static inline bool ct_key_equal(const struct fs_tuple *a, const struct fs_tuple *b)
{
	u32 d = (a->src.ip6[0] ^ b->src.ip6[0]) | (a->src.ip6[1] ^ b->src.ip6[1]) |
		(a->src.ip6[2] ^ b->src.ip6[2]) | (a->src.ip6[3] ^ b->src.ip6[3]) |
		(a->dst.ip6[0] ^ b->dst.ip6[0]) | (a->dst.ip6[1] ^ b->dst.ip6[1]) |
		(a->dst.ip6[2] ^ b->dst.ip6[2]) | (a->dst.ip6[3] ^ b->dst.ip6[3]) |
		(u32)(a->sport ^ b->sport) | (u32)(a->dport ^ b->dport) |
		(u32)(a->family ^ b->family) | (u32)(a->proto ^ b->proto);

	return d == 0;
}

u32 conntrack_hash(const struct conntrack_table *t, const struct fs_tuple *tp)
{
	return ct_hash(t, tp);
}

void conntrack_prefetch(struct conntrack_table *t, u32 h, int stage)
{
	struct ct_tuplehash *th;

	if (stage == 0) {
		fs_prefetch(&t->bucket[h]);
		return;
	}
	th = t->bucket[h];
	if (th) {
		const struct conntrack_entry *ct = ct_tuplehash_to_entry(th);

		/* the entry's first three lines: both tuples, status, flow, counters */
		fs_prefetch(ct);
		fs_prefetch((const char *)ct + 64);
		fs_prefetch((const char *)ct + 128);
	}
}

struct conntrack_entry *conntrack_find(struct conntrack_table *t, const struct fs_tuple *tp,
				       enum ct_dir *dir)
{
	struct ct_tuplehash *th;

	for (th = t->bucket[ct_hash(t, tp)]; th; th = th->next) {
		if (ct_key_equal(&th->tuple, tp)) {
			if (dir)
				*dir = ct_tuplehash_dir(th);
			return ct_tuplehash_to_entry(th);
		}
	}
	return NULL;
}

static void ct_hash_insert(struct conntrack_table *t, struct ct_tuplehash *th)
{
	u32 h = ct_hash(t, &th->tuple);

	th->next = t->bucket[h];
	t->bucket[h] = th;
}

static void ct_hash_remove(struct conntrack_table *t, struct ct_tuplehash *th)
{
	struct ct_tuplehash **pp = &t->bucket[ct_hash(t, &th->tuple)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == th) {
			*pp = th->next;
			th->next = NULL;
			return;
		}
	}
}

void conntrack_set_timeout(struct conntrack_entry *ct, u64 now, u32 secs)
{
	ct->timeout = fs_ticks(now) + secs * 1000u;
}

u32 conntrack_remaining_secs(const struct conntrack_entry *ct, u64 now)
{
	s32 left = fs_ticks_left(ct->timeout, now);

	/* ct_seq_show: nf_ct_expires() / HZ, i.e. rounded down */
	return left <= 0 ? 0 : (u32)left / 1000u;
}

void conntrack_event(struct conntrack_table *t, enum fs_event_type type,
		     struct conntrack_entry *ct, u64 now, u32 detail)
{
	fs_event_emit(t->ev, t->ev_arg, type, now, detail, 0,
		      ct ? &ct->tuplehash[CT_DIR_ORIGINAL].tuple : NULL,
		      ct ? &ct->tuplehash[CT_DIR_REPLY].tuple : NULL, ct);
}

static void ct_free(struct conntrack_table *t, struct conntrack_entry *ct)
{
	t->count--;
	fs_cache_free(t->cache, ct);
}

static void ct_dying_unlink(struct conntrack_table *t, struct conntrack_entry *ct)
{
	struct ct_tuplehash **pp;

	for (pp = &t->dying; *pp; pp = &(*pp)->next) {
		if (*pp == &ct->tuplehash[CT_DIR_ORIGINAL]) {
			*pp = (*pp)->next;
			return;
		}
	}
}

void conntrack_put(struct conntrack_table *t, struct conntrack_entry *ct)
{
	if (--ct->use)
		return;
	if ((ct->status & (IPS_CONFIRMED | IPS_DYING)) == (IPS_CONFIRMED | IPS_DYING))
		ct_dying_unlink(t, ct);
	ct_free(t, ct);
}

void conntrack_kill(struct conntrack_table *t, struct conntrack_entry *ct, u64 now)
{
	if (ct->status & IPS_DYING)
		return;
	ct->status |= IPS_DYING;
	if (ct->status & IPS_CONFIRMED) {
		ct_hash_remove(t, &ct->tuplehash[CT_DIR_ORIGINAL]);
		ct_hash_remove(t, &ct->tuplehash[CT_DIR_REPLY]);
		conntrack_event(t, FS_EV_CT_DESTROY, ct, now, 0);
		ct->tuplehash[CT_DIR_ORIGINAL].next = t->dying;
		t->dying = &ct->tuplehash[CT_DIR_ORIGINAL];
	}
	conntrack_put(t, ct);
}

/* early_drop: evict one entry that never proved to be a real connection. */
static bool ct_early_drop(struct conntrack_table *t, u32 hash, u64 now)
{
	u32 i;

	for (i = 0; i < CT_EVICTION_RANGE; i++) {
		struct ct_tuplehash *th = t->bucket[(hash + i) & (t->nbuckets - 1)];

		for (; th; th = th->next) {
			struct conntrack_entry *ct = ct_tuplehash_to_entry(th);

			if (ct->status & (IPS_ASSURED | IPS_OFFLOAD | IPS_DYING))
				continue;
			conntrack_kill(t, ct, now);
			return true;
		}
	}
	return false;
}

static struct conntrack_entry *ct_alloc(struct conntrack_table *t, const struct fs_tuple *tp,
					u64 now)
{
	struct conntrack_entry *ct;

	if (t->p.max && t->count >= t->p.max && !ct_early_drop(t, ct_hash(t, tp), now))
		return NULL;
	ct = fs_cache_zalloc(t->cache);
	if (!ct)
		return NULL;
	t->count++;
	ct->use = 1;
	ct->tuplehash[CT_DIR_ORIGINAL].tuple = *tp;
	ct->tuplehash[CT_DIR_ORIGINAL].tuple.pad = CT_DIR_ORIGINAL;
	fs_tuple_invert(&ct->tuplehash[CT_DIR_REPLY].tuple, tp);
	ct->tuplehash[CT_DIR_REPLY].tuple.pad = CT_DIR_REPLY;
	return ct;
}

static bool icmp_is_error(u8 family, u8 type)
{
	if (family == FS_AF_INET)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type < 128;
}

/*
 * Neighbour discovery and MLD: nf_conntrack_icmpv6_error() marks them IP_CT_UNTRACKED
 * (noct_valid_new[]) before any lookup, so rules see "ct state untracked", not invalid.
 */
static bool icmpv6_is_untracked(u8 type)
{
	return type == 130 || type == 131 || type == 132 || type == 133 || type == 134 ||
	       type == 135 || type == 136 || type == 143;
}

static void ct_account(struct conntrack_table *t, struct conntrack_entry *ct,
		       enum ct_dir dir, const struct fs_packet *pkt)
{
	if (!t->p.acct)
		return;
	ct->acct[dir].packets += fs_packet_segments(pkt);
	ct->acct[dir].bytes += pkt->len;
}

static enum ct_l4_verdict ct_l4_packet(struct conntrack_table *t, struct conntrack_entry *ct,
				       enum ct_dir dir, const struct fs_packet *pkt, u64 now)
{
	switch (pkt->t.proto) {
	case FS_IPPROTO_TCP:
		return ct_tcp_packet(t, ct, dir, pkt, now);
	case FS_IPPROTO_UDP:
		return ct_udp_packet(t, ct, dir, pkt, now);
	case FS_IPPROTO_ICMP:
	case FS_IPPROTO_ICMPV6:
		conntrack_set_timeout(ct, now, t->p.icmp_timeout);
		return CT_L4_ACCEPT;
	default:
		conntrack_set_timeout(ct, now, t->p.generic_timeout);
		return CT_L4_ACCEPT;
	}
}

static bool ct_l4_new(struct conntrack_table *t, struct conntrack_entry *ct,
		      const struct fs_packet *pkt)
{
	if (pkt->t.proto == FS_IPPROTO_TCP)
		return ct_tcp_new(t, ct, pkt);
	if (pkt->t.proto == FS_IPPROTO_ICMP || pkt->t.proto == FS_IPPROTO_ICMPV6)
		/* only requests with a defined reply start a connection (icmp_new) */
		return fs_icmp_reply_type(pkt->t.family, (u8)(pkt->t.dport >> 8)) >= 0;
	return true;
}

static void ct_result(struct ct_in_result *res, struct conntrack_entry *ct, enum ct_dir dir)
{
	res->ct = ct;
	res->dir = dir;
	if (dir == CT_DIR_REPLY)
		res->ctinfo = CT_ESTABLISHED_REPLY;
	else if (ct->status & IPS_SEEN_REPLY)
		res->ctinfo = CT_ESTABLISHED;
	else
		res->ctinfo = CT_NEW;
}

void conntrack_in(struct conntrack_table *t, const struct fs_packet *pkt, u64 now,
		  struct ct_in_result *res)
{
	struct conntrack_entry *ct;
	enum ct_dir dir = CT_DIR_ORIGINAL;
	enum ct_l4_verdict v;
	struct fs_tuple tp = pkt->t;
	u32 attempt;

	fs_memset(res, 0, sizeof(*res));
	res->ctinfo = CT_INVALID;
	tp.pad = 0;
	if ((tp.proto == FS_IPPROTO_ICMP || tp.proto == FS_IPPROTO_ICMPV6) &&
	    icmp_is_error(tp.family, (u8)(tp.dport >> 8)))
		return;  /* errors are RELATED through their inner header, not modelled */
	if (tp.proto == FS_IPPROTO_ICMPV6 && icmpv6_is_untracked((u8)(tp.dport >> 8))) {
		res->ctinfo = CT_UNTRACKED;
		return;
	}
	if (tp.proto != FS_IPPROTO_TCP && tp.proto != FS_IPPROTO_UDP &&
	    tp.proto != FS_IPPROTO_ICMP && tp.proto != FS_IPPROTO_ICMPV6)
		tp.sport = tp.dport = 0;  /* generic protocol: addresses only */

	/* at most two rounds: a TCP SYN may kill a closed entry and start afresh */
	for (attempt = 0; attempt < 2; attempt++) {
		ct = conntrack_find(t, &tp, &dir);
		if (ct && !(ct->status & IPS_OFFLOAD) && conntrack_expired(ct, now)) {
			conntrack_kill(t, ct, now);  /* expired: reaped on lookup */
			ct = NULL;
		}
		if (!ct) {
			ct = ct_alloc(t, &tp, now);
			if (!ct) {
				res->drop = true;
				conntrack_event(t, FS_EV_CT_DROP_FULL, NULL, now, 0);
				return;
			}
			if (!ct_l4_new(t, ct, pkt)) {
				ct_free(t, ct);
				return;
			}
			dir = CT_DIR_ORIGINAL;
			res->is_new = true;
		}
		v = ct_l4_packet(t, ct, dir, pkt, now);
		if (v != CT_L4_REOPEN)
			break;
		conntrack_kill(t, ct, now);
	}

	switch (v) {
	case CT_L4_INVALID:
	case CT_L4_REOPEN:
		if (res->is_new)
			ct_free(t, ct);
		res->is_new = false;
		return;
	case CT_L4_KILL:
		ct_account(t, ct, dir, pkt);
		ct_result(res, ct, dir);
		if (res->is_new) {
			ct_free(t, ct);
			res->ct = NULL;
			res->is_new = false;
		} else {
			conntrack_kill(t, ct, now);
			res->ct = NULL;
		}
		return;
	case CT_L4_IGNORE:
		ct_result(res, ct, dir);
		return;
	case CT_L4_ACCEPT:
		break;
	}
	ct_account(t, ct, dir, pkt);
	ct_result(res, ct, dir);
	if (dir == CT_DIR_REPLY && !(ct->status & IPS_SEEN_REPLY)) {
		ct->status |= IPS_SEEN_REPLY;
		ct->ev_cache |= CT_EVMASK_REPLY;
	}
}

void conntrack_deliver_cached_events(struct conntrack_table *t, struct conntrack_entry *ct,
				     u64 now)
{
	u8 mask = ct->ev_cache;

	ct->ev_cache = 0;
	if (mask && (ct->status & IPS_CONFIRMED) && !(ct->status & IPS_DYING))
		conntrack_event(t, FS_EV_CT_UPDATE, ct, now, mask);
}

bool conntrack_confirm(struct conntrack_table *t, struct conntrack_entry *ct, u64 now)
{
	if (ct->status & IPS_CONFIRMED)
		return true;
	/* a clash: another entry took one of our tuples meanwhile (NAT port reuse) */
	if (conntrack_find(t, &ct->tuplehash[CT_DIR_ORIGINAL].tuple, NULL) ||
	    conntrack_find(t, &ct->tuplehash[CT_DIR_REPLY].tuple, NULL)) {
		ct_free(t, ct);
		return false;
	}
	ct->status |= IPS_CONFIRMED;
	ct_hash_insert(t, &ct->tuplehash[CT_DIR_ORIGINAL]);
	ct_hash_insert(t, &ct->tuplehash[CT_DIR_REPLY]);
	/* the NEW event carries whatever the first packet changed */
	ct->ev_cache = 0;
	conntrack_event(t, FS_EV_CT_NEW, ct, now, 0);
	return true;
}

void conntrack_discard(struct conntrack_table *t, struct conntrack_entry *ct)
{
	if (!(ct->status & IPS_CONFIRMED))
		ct_free(t, ct);
}

/*
 * gc_worker: expired entries go; offloaded ones are kept alive as nf_ct_offload_timeout()
 * does in 5.x-6.x kernels: less than half a day left -> one more day.
 */
void conntrack_gc(struct conntrack_table *t, u64 now)
{
	u32 b;

	for (b = 0; b < t->nbuckets; b++) {
		struct ct_tuplehash *th = t->bucket[b], *next;

		for (; th; th = next) {
			struct conntrack_entry *ct = ct_tuplehash_to_entry(th);

			next = th->next;
			/* visit each entry once, through its original-direction hash */
			if (ct_tuplehash_dir(th) != CT_DIR_ORIGINAL)
				continue;
			if (ct->status & IPS_OFFLOAD) {
				if (fs_ticks_left(ct->timeout, now) < (s32)(CT_DAY_SECS / 2 * 1000u))
					conntrack_set_timeout(ct, now, CT_DAY_SECS);
				continue;
			}
			if (conntrack_expired(ct, now)) {
				/* next may be our own reply hash in this chain: re-read after */
				if (next == &ct->tuplehash[CT_DIR_REPLY])
					next = next->next;
				conntrack_kill(t, ct, now);
			}
		}
	}
}

int conntrack_for_each(struct conntrack_table *t,
		       int (*fn)(struct conntrack_entry *ct, void *arg), void *arg)
{
	u32 b;
	int rc;

	for (b = 0; b < t->nbuckets; b++) {
		struct ct_tuplehash *th = t->bucket[b], *next;

		for (; th; th = next) {
			next = th->next;
			if (ct_tuplehash_dir(th) != CT_DIR_ORIGINAL)
				continue;
			rc = fn(ct_tuplehash_to_entry(th), arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int conntrack_for_each_all(struct conntrack_table *t,
			   int (*fn)(struct conntrack_entry *ct, void *arg), void *arg)
{
	struct ct_tuplehash *th, *next;
	int rc = conntrack_for_each(t, fn, arg);

	for (th = t->dying; !rc && th; th = next) {
		next = th->next;
		rc = fn(ct_tuplehash_to_entry(th), arg);
	}
	return rc;
}

const char *conntrack_tcp_state_name(u8 state)
{
	static const char *const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	};

	return state < FS_ARRAY_SIZE(names) ? names[state] : "UNKNOWN";
}

const char *conntrack_proto_name(u8 proto)
{
	switch (proto) {
	case FS_IPPROTO_TCP: return "tcp";
	case FS_IPPROTO_UDP: return "udp";
	case FS_IPPROTO_ICMP: return "icmp";
	case FS_IPPROTO_ICMPV6: return "icmpv6";
	case FS_IPPROTO_GRE: return "gre";
	default: return "unknown";
	}
}
