// SPDX-License-Identifier: MIT
/*
 * ppe_flows.c - the mtk_eth_soc driver's side of the FOE table: its software flows
 * (struct mtk_flow_entry) found by (ct, dir) cookie, queued on the bucket their tuple
 * hashes to, matched against hardware entries, and bound by the driver's check when the
 * hardware reports "rate reached" (__mtk_ppe_check_skb -> __mtk_foe_entry_commit).
 * Also clearing, the stats-poll update and the idle time of a flow.
 *
 * Sources: spec mediatek-ppe-wed.md §1-§2; mtk_ppe.c (mtk_flow_entry_match,
 * __mtk_ppe_check_skb, __mtk_foe_entry_commit, __mtk_foe_entry_clear,
 * mtk_flow_entry_update, __mtk_foe_entry_idle_time), mtk_ppe.h (mtk_ppe_check_skb: u16
 * jiffies throttle).
 *
 * Invariants:
 *  - a software flow is on exactly one bucket list from replace until destroy; its hash is
 *    either PPE_HASH_NONE or a slot of its own bucket;
 *  - binding writes the FIRST matching flow of the bucket list, and the list is
 *    newest-first (hlist_add_head in mtk_foe_entry_commit); every other flow of the bucket
 *    gets hash 0xffff even if it was bound at another way (its entry then stays BIND in
 *    hardware, unknown to the driver, until it ages);
 *  - mtk_flow_entry_update copies the hardware ib1 (state included) into the flow when
 *    the tuple still matches, and the next commit writes that copy back: a flow whose entry
 *    aged or turned FIN before a stats poll re-commits a non-BIND state (counted in
 *    stats.commits_not_bound);
 *  - clearing writes INVALID, or UNBIND on 5.19..6.0 kernels, leaving the old bound
 *    fields behind (whose bits then read as an UNBIND packet count).
 */
#include "ppe_internal.h"
#include "ppe_hash.h"

#define PPE_INITIAL_JIFFIES_SECS 300  /* INITIAL_JIFFIES = -300 * HZ */

/* (u16)jiffies, with the kernel's INITIAL_JIFFIES offset so early checks are not skipped */
static u16 jiffies16(const struct ppe *ppe, u64 now)
{
	u64 per_jiffy = FS_NSEC_PER_SEC / ppe->cfg.hz;
	u32 initial = (u32)0 - (u32)PPE_INITIAL_JIFFIES_SECS * ppe->cfg.hz;

	return (u16)(now / per_jiffy + initial);
}

/* ------------------------------------------------------------- flow lookup ---- */

static u32 cookie_hash(const struct conntrack_entry *ct, u8 dir, u32 size)
{
	u64 p = (u64)(__UINTPTR_TYPE__)ct;
	u32 k[3];

	k[0] = (u32)p;
	k[1] = (u32)(p >> 32);
	k[2] = dir;
	return fs_jhash2(k, 3, 0x70706531) & (size - 1);
}

struct ppe_flow *ppe_cookie_find(const struct ppe *ppe, const struct conntrack_entry *ct, u8 dir)
{
	struct ppe_flow *f;

	for (f = ppe->cookie[cookie_hash(ct, dir, ppe->cookie_size)]; f; f = f->cnext)
		if (f->ct == ct && f->dir == dir)
			return f;
	return NULL;
}

/* Double the cookie table; on allocation failure keep the old one (longer chains). */
static void cookie_grow(struct ppe *ppe)
{
	u32 size = ppe->cookie_size * 2;
	struct ppe_flow **tab = fs_zalloc_array(size, sizeof(*tab));
	u32 i;

	if (!tab)
		return;
	for (i = 0; i < ppe->cookie_size; i++) {
		struct ppe_flow *f = ppe->cookie[i], *next;

		for (; f; f = next) {
			u32 h = cookie_hash(f->ct, f->dir, size);

			next = f->cnext;
			f->cnext = tab[h];
			tab[h] = f;
		}
	}
	fs_free(ppe->cookie);
	ppe->cookie = tab;
	ppe->cookie_size = size;
}

int ppe_cookie_insert(struct ppe *ppe, struct ppe_flow *f)
{
	u32 h;

	if (ppe->nflows >= ppe->cookie_size && ppe->cookie_size < (1u << 28))
		cookie_grow(ppe);
	h = cookie_hash(f->ct, f->dir, ppe->cookie_size);
	f->cnext = ppe->cookie[h];
	ppe->cookie[h] = f;
	ppe->nflows++;
	return 0;
}

void ppe_cookie_remove(struct ppe *ppe, struct ppe_flow *f)
{
	struct ppe_flow **pp = &ppe->cookie[cookie_hash(f->ct, f->dir, ppe->cookie_size)];

	for (; *pp; pp = &(*pp)->cnext) {
		if (*pp == f) {
			*pp = f->cnext;
			f->cnext = NULL;
			ppe->nflows--;
			return;
		}
	}
}

/* ------------------------------------------------------------ bucket lists ---- */

static void bucket_unlink(struct ppe_flow *f)
{
	if (!f->bpprev)
		return;
	*f->bpprev = f->bnext;
	if (f->bnext)
		f->bnext->bpprev = f->bpprev;
	f->bnext = NULL;
	f->bpprev = NULL;
}

void ppe_flow_queue(struct ppe *ppe, struct ppe_flow *f)
{
	struct ppe_flow **head = &ppe->inst[f->ppe].bucket[f->bucket / ppe->cfg.ways];

	/* hlist_add_head: the newest flow is found first by __mtk_ppe_check_skb */
	f->bnext = *head;
	if (*head)
		(*head)->bpprev = &f->bnext;
	*head = f;
	f->bpprev = head;
	f->hash = PPE_HASH_NONE;
}

/* ---------------------------------------------------------------- matching ---- */

void ppe_key_from_entry(struct ppe_key *k, const struct ppe_entry *e)
{
	u32 i;

	for (i = 0; i < 4; i++) {
		k->src[i] = e->src_ip[i];
		k->dst[i] = e->dst_ip[i];
	}
	k->ports = e->ports;
}

void ppe_key_store(struct ppe_entry *e, const struct ppe_key *k)
{
	u32 i;

	for (i = 0; i < 4; i++) {
		e->src_ip[i] = k->src[i];
		e->dst_ip[i] = k->dst[i];
	}
	e->ports = k->ports;
}

static void key_from_tuple(struct ppe_key *k, const struct fs_tuple *t, u32 type)
{
	struct ppe_entry e;

	ppe_entry_set_orig(&e, t, (u8)type);
	ppe_key_from_entry(k, &e);
}

/*
 * mtk_flow_entry_match: same UDP bit, and the original tuple bytes equal - 12 bytes for
 * the IPv4 types, 36 for the IPv6 ones (the flow's type decides the length, not the
 * entry's: the driver compares raw memory).
 */
bool ppe_key_match_entry(const struct ppe_key *k, u32 flow_type, bool udp,
			 const struct ppe_entry *e)
{
	u32 i;

	if (ppe_ib1_udp(e->ib1) != udp)
		return false;
	if (k->ports != e->ports || k->src[0] != e->src_ip[0] || k->dst[0] != e->dst_ip[0])
		return false;
	if (!ppe_type_is_ipv6(flow_type))
		return true;
	for (i = 1; i < 4; i++)
		if (k->src[i] != e->src_ip[i] || k->dst[i] != e->dst_ip[i])
			return false;
	return true;
}

static bool flow_match_slot(const struct ppe_flow *f, const struct ppe_slot *s)
{
	struct ppe_key k;

	key_from_tuple(&k, &f->match, f->type);
	return ppe_key_match_entry(&k, f->type, f->match.proto == FS_IPPROTO_UDP, &s->e);
}

/* ---------------------------------------------------- commit / clear / update ---- */

/* __mtk_foe_entry_commit: stamp, copy the body, write ib1 last. */
static void flow_commit(struct ppe *ppe, int idx, struct ppe_flow *f, u32 index, u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	struct ppe_slot *s = &in->slot[index];
	u8 ns = ppe->cfg.netsys;
	struct ppe_key k;
	struct fs_tuple orig, reply;

	f->ib1 = ppe_ib1_set_bind_timestamp(f->ib1, ns, ppe_fe_timestamp(ppe, now));
	key_from_tuple(&k, &f->match, f->type);
	ppe_key_store(&s->e, &k);
	if (f->type == PPE_PKT_IPV4_HNAPT) {
		s->e.new_src_ip = f->rewrite.src.ip;
		s->e.new_dst_ip = f->rewrite.dst.ip;
		s->e.new_ports = ppe_ports_make(f->rewrite.sport, f->rewrite.dport);
	} else {
		s->e.new_src_ip = 0;
		s->e.new_dst_ip = 0;
		s->e.new_ports = 0;
	}
	s->e.ib2 = f->ib2;
	if (ppe->cfg.accounting)
		s->e.ib2 |= ppe_ib2_mib_bit(ns);
	s->e.l2 = f->l2;
	s->eg = f->eg;
	s->stale_reported = 0;
	ppe_slot_write_ib1(ppe, in, s, f->ib1);

	if (ppe_ib1_state(f->ib1) != PPE_STATE_BIND) {
		in->stats.commits_not_bound++;
		return;
	}
	in->stats.binds++;
	ppe_flow_event_tuples(f, &orig, &reply);
	ppe_emit(ppe, FS_EV_PPE_BIND, now, index, (u32)idx, &orig, &reply, f->ct);
}

void ppe_flow_clear(struct ppe *ppe, struct ppe_flow *f, u64 now)
{
	struct ppe_instance *in = &ppe->inst[f->ppe];

	bucket_unlink(f);
	if (f->hash != PPE_HASH_NONE && f->hash < ppe->cfg.entries) {
		struct ppe_slot *s = &in->slot[f->hash];
		enum ppe_state st = ppe->cfg.clear_to_unbind ? PPE_STATE_UNBIND : PPE_STATE_INVALID;
		struct fs_tuple orig, reply;

		/* the driver does not check whose entry the slot holds now */
		ppe_slot_write_ib1(ppe, in, s, ppe_ib1_set_state(s->e.ib1, st));
		if (ppe->cfg.accounting) {
			s->acct_packets = 0;
			s->acct_bytes = 0;
		}
		in->stats.cleared++;
		ppe_flow_event_tuples(f, &orig, &reply);
		ppe_emit(ppe, FS_EV_PPE_CLEAR, now, f->hash, f->ppe, &orig, &reply, f->ct);
	}
	f->hash = PPE_HASH_NONE;
}

void ppe_flow_update(struct ppe *ppe, struct ppe_flow *f)
{
	struct ppe_slot *s;

	if (f->hash == PPE_HASH_NONE || f->hash >= ppe->cfg.entries)
		return;
	s = &ppe->inst[f->ppe].slot[f->hash];
	if (!flow_match_slot(f, s)) {
		/* the slot was reused for another tuple: the flow silently left hardware */
		f->hash = PPE_HASH_NONE;
		return;
	}
	f->ib1 = s->e.ib1;
}

u32 ppe_flow_idle(const struct ppe *ppe, const struct ppe_flow *f, u64 now)
{
	return ppe_idle_ticks(ppe_fe_timestamp(ppe, now), f->ib1, ppe->ts_mask);
}

struct ppe_flow *ppe_slot_owner(struct ppe *ppe, int idx, u32 index)
{
	struct ppe_flow *f = ppe->inst[idx].bucket[index / ppe->cfg.ways];

	for (; f; f = f->bnext)
		if (f->hash == index)
			return f;
	return NULL;
}

/* ---------------------------------------------------- the driver's bind check ---- */

/*
 * mtk_ppe_check_skb + __mtk_ppe_check_skb, for a frame the hardware tagged with
 * HIT_UNBIND_RATE_REACHED at slot index.
 */
void ppe_driver_check(struct ppe *ppe, int idx, u32 index, u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	struct ppe_slot *s = &in->slot[index];
	u16 j = jiffies16(ppe, now);
	u16 diff = (u16)(j - s->check_jiffies);
	struct ppe_flow *f, *next;
	bool found = false;

	if (diff < ppe->cfg.hz / 10) {
		in->stats.checks_throttled++;
		return;
	}
	s->check_jiffies = j;
	in->stats.checks++;

	if (ppe_ib1_state(s->e.ib1) == PPE_STATE_BIND)
		return;
	for (f = in->bucket[index / ppe->cfg.ways]; f; f = next) {
		next = f->bnext;
		if (found || !flow_match_slot(f, s)) {
			f->hash = PPE_HASH_NONE;
			continue;
		}
		f->hash = (u16)index;
		flow_commit(ppe, idx, f, index, now);
		found = true;
	}
	/* no bridge (L2) flows are modelled: an unmatched report ends here */
}
