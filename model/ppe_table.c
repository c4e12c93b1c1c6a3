// SPDX-License-Identifier: MIT
/*
 * ppe_table.c - the PPE's FOE table as hardware and as the mtk_eth_soc driver keep it:
 * geometry, UNBIND creation on a lookup miss, packet counting and "rate reached", the
 * driver's bucket lists of software flows and its bind decision, aging, clearing, the
 * idle-time and MIB read-back, and the debugfs listing.
 *
 * Sources: spec mediatek-ppe-wed.md §1-§2; mtk_ppe.c (__mtk_ppe_check_skb,
 * __mtk_foe_entry_commit, __mtk_foe_entry_clear, mtk_flow_entry_update,
 * __mtk_foe_entry_idle_time, mtk_foe_entry_get_mib, mtk_ppe_init_foe_table, mtk_ppe_start),
 * mtk_ppe.h (mtk_ppe_check_skb: u16 jiffies throttle), vendor hw_nat headers for the units
 * and the aging rule ("idle time > life time").
 *
 * Invariants:
 *  - a slot's state lives only in its ib1; inst->active/bound/fin count slots per state
 *    and are updated by slot_write_ib1() alone;
 *  - STATIC (reserved) slots stay INVALID and are never chosen by the hardware;
 *  - a software flow is on exactly one bucket list from replace until destroy; its hash is
 *    either PPE_HASH_NONE or a slot of its own bucket;
 *  - the hardware never evicts: a miss in a bucket without an INVALID way creates nothing.
 *
 * Behaviour copied on purpose, because it is what the driver does:
 *  - binding writes the FIRST matching flow of the bucket list, and the list is
 *    newest-first (hlist_add_head in mtk_foe_entry_commit); every other flow of the bucket
 *    gets hash 0xffff even if it was bound at another way (its entry then stays BIND in
 *    hardware, unknown to the driver, until it ages);
 *  - mtk_flow_entry_update copies the hardware ib1 (state included) into the flow when
 *    the tuple still matches, and the next commit writes that copy back: a flow whose entry
 *    aged or turned FIN before a stats poll re-commits a non-BIND state (counted in
 *    stats.commits_not_bound);
 *  - clearing writes INVALID, or UNBIND on 5.19..6.0 kernels, leaving the old bound
 *    fields behind (whose bits then read as an UNBIND packet count);
 *  - a debugfs read consumes the read-clear MIB counters.
 * Hardware details inferred rather than documented: aging changes only the state bits;
 * the UNBIND packet counter wraps within its field; TCP packets with SYN/FIN/RST that do
 * not hit a BIND entry are reported as TCP_FIN_SYN_RST and neither create nor count.
 */
#include "ppe_internal.h"
#include "ppe_hash.h"

#define PPE_INITIAL_JIFFIES_SECS 300  /* INITIAL_JIFFIES = -300 * HZ */

/* ------------------------------------------------------------- configuration ---- */

int ppe_config_for_soc(struct ppe_config *cfg, const char *soc, u16 kernel)
{
	const struct ppe_soc_geometry *g = ppe_soc_lookup(soc);
	u32 i;

	fs_memset(cfg, 0, sizeof(*cfg));
	if (!g || g->airoha || !g->offload_version || g->netsys < 1 || g->netsys > 3)
		return -1;
	for (i = 0; i + 1 < sizeof(cfg->soc) && g->name[i]; i++)
		cfg->soc[i] = g->name[i];
	cfg->kernel = kernel;
	cfg->netsys = g->netsys;
	cfg->offload_version = g->offload_version;
	cfg->ways = g->ways;
	/*
	 * Multi-PPE rework ([multi-ppe], 2024-06, first released with 6.11): flows go to the
	 * PPE of their ingress GMAC.  Before it NETSYS v2+ drivers created two PPEs but every
	 * GMAC forwarded into PPE0 (gdma_to_ppe 0x3333) and the offload used ppe[0].
	 */
	cfg->gmac_steering = kernel >= 611;
	if (cfg->gmac_steering)
		cfg->num_ppe = g->ppe_count;
	else
		cfg->num_ppe = g->netsys >= 2 ? FS_MIN(g->ppe_count, 2) : 1;
	cfg->entries = ppe_soc_default_entries(g, kernel / 100, kernel % 100);
	/* flow accounting (MIB) and its debugfs columns: ≈ v6.4, not pinned down (spec 4.1) */
	cfg->accounting = g->has_accounting && kernel >= 604;
	cfg->debugfs_counters = kernel >= 604;
	/*
	 * __mtk_foe_entry_clear wrote UNBIND after 0e80707d94e4 ("fix typo") until the fix
	 * "fix state in __mtk_foe_entry_clear" (2022-09, v6.0/v6.1) restored INVALID.
	 */
	cfg->clear_to_unbind = kernel >= 519 && kernel <= 600;
	cfg->reserved_slots = g->n_reserved > 0;
	cfg->reserved_suspicious = 0;
	cfg->dsa_tag_mtk = 1;
	cfg->bind_rate = 30;
	cfg->unbind_min_packets = 1000;
	cfg->age_unbind = 3;
	cfg->age_tcp = 7;
	cfg->age_udp = 12;
	cfg->age_fin = 1;
	cfg->age_non_l4 = 1;
	cfg->hz = 100;
	cfg->ts_base = 0;
	wed_config_for_soc(&cfg->wed, cfg->soc);
	return 0;
}

/* ---------------------------------------------------------------------- time ---- */

u64 ppe_tick(u64 now)
{
	return now / FS_NSEC_PER_SEC;
}

/* FE timestamp register 0x0010: a seconds counter, read masked to the bind width. */
u32 ppe_fe_timestamp(const struct ppe *ppe, u64 now)
{
	return (u32)((ppe_tick(now) + ppe->cfg.ts_base) & ppe->ts_mask);
}

static u32 fe_unbind_ts(const struct ppe *ppe, u64 now)
{
	return (u32)((ppe_tick(now) + ppe->cfg.ts_base) & 0xff);
}

/* __mtk_foe_entry_idle_time: difference modulo the timestamp width */
static u32 idle_ticks(u32 now_ts, u32 ts, u32 mask)
{
	now_ts &= mask;
	ts &= mask;
	if (ts > now_ts)
		return mask + 1 - ts + now_ts;
	return now_ts - ts;
}

/* (u16)jiffies, with the kernel's INITIAL_JIFFIES offset so early checks are not skipped */
static u16 jiffies16(const struct ppe *ppe, u64 now)
{
	u64 per_jiffy = FS_NSEC_PER_SEC / ppe->cfg.hz;
	u32 initial = (u32)0 - (u32)PPE_INITIAL_JIFFIES_SECS * ppe->cfg.hz;

	return (u16)(now / per_jiffy + initial);
}

/* -------------------------------------------------------------------- events ---- */

void ppe_emit(struct ppe *ppe, enum fs_event_type type, u64 now, u32 detail, u32 aux,
	      const struct fs_tuple *orig, const struct fs_tuple *reply,
	      const struct conntrack_entry *ct)
{
	fs_event_emit(ppe->ev, ppe->ev_arg, type, now, detail, aux, orig, reply, ct);
}

/* The connection's tuples: match is the direction's tuple, rewrite the other one inverted. */
void ppe_flow_event_tuples(const struct ppe_flow *f, struct fs_tuple *orig,
			   struct fs_tuple *reply)
{
	if (f->dir == CT_DIR_ORIGINAL) {
		*orig = f->match;
		fs_tuple_invert(reply, &f->rewrite);
	} else {
		fs_tuple_invert(orig, &f->rewrite);
		*reply = f->match;
	}
}

static bool type_is_ipv6(u32 type)
{
	return type == PPE_PKT_IPV6_ROUTE_3T || type == PPE_PKT_IPV6_ROUTE_5T ||
	       type == PPE_PKT_IPV6_6RD;
}

void ppe_slot_tuple(const struct ppe *ppe, const struct ppe_slot *s, struct fs_tuple *t)
{
	u32 type = ppe_ib1_type(s->e.ib1, ppe->cfg.netsys);
	u32 i;

	fs_memset(t, 0, sizeof(*t));
	t->family = type_is_ipv6(type) ? FS_AF_INET6 : FS_AF_INET;
	for (i = 0; i < 4; i++) {
		t->src.ip6[i] = s->e.src_ip[i];
		t->dst.ip6[i] = s->e.dst_ip[i];
	}
	if (t->family == FS_AF_INET) {
		for (i = 1; i < 4; i++)
			t->src.ip6[i] = t->dst.ip6[i] = 0;
	}
	if (type == PPE_PKT_IPV4_ROUTE || type == PPE_PKT_IPV6_ROUTE_3T) {
		t->proto = (u8)(s->e.ports & 0xff);
	} else {
		t->proto = ppe_ib1_udp(s->e.ib1) ? FS_IPPROTO_UDP : FS_IPPROTO_TCP;
		t->sport = ppe_ports_sport(s->e.ports);
		t->dport = ppe_ports_dport(s->e.ports);
	}
}

/* ------------------------------------------------------------- slot state ---- */

static bool slot_static(const struct ppe_slot *s)
{
	return ppe_ib1_static(s->e.ib1);
}

static void count_state(struct ppe_instance *in, enum ppe_state st, int delta)
{
	if (st != PPE_STATE_INVALID)
		in->active = (u32)((s32)in->active + delta);
	if (st == PPE_STATE_BIND)
		in->bound = (u32)((s32)in->bound + delta);
	else if (st == PPE_STATE_FIN)
		in->fin = (u32)((s32)in->fin + delta);
}

/* The one place a slot's ib1 (and so its state) changes. */
static void slot_write_ib1(struct ppe *ppe, struct ppe_instance *in, struct ppe_slot *s,
			   u32 ib1)
{
	enum ppe_state old = ppe_ib1_state(s->e.ib1);
	enum ppe_state now = ppe_ib1_state(ib1);

	s->e.ib1 = ib1;
	if (old == now)
		return;
	count_state(in, old, -1);
	count_state(in, now, 1);
	if (now == PPE_STATE_INVALID) {
		/* a way of the bucket is free again: a later miss may report FULL anew */
		in->slot[s->e.index & ~(u32)(ppe->cfg.ways - 1)].full_reported = 0;
	}
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

/* The words of an original tuple as the entry stores them. */
struct ppe_key {
	u32 src[4];
	u32 dst[4];
	u32 ports;
};

static void key_from_tuple(struct ppe_key *k, const struct fs_tuple *t, u32 type)
{
	struct ppe_entry e;
	u32 i;

	ppe_entry_set_orig(&e, t, (u8)type);
	for (i = 0; i < 4; i++) {
		k->src[i] = e.src_ip[i];
		k->dst[i] = e.dst_ip[i];
	}
	k->ports = e.ports;
}

/*
 * mtk_flow_entry_match: same UDP bit, and the original tuple bytes equal - 12 bytes for
 * the IPv4 types, 36 for the IPv6 ones (the flow's type decides the length, not the
 * entry's: the driver compares raw memory).
 */
static bool key_match_entry(const struct ppe_key *k, u32 flow_type, bool udp,
			    const struct ppe_entry *e)
{
	u32 i;

	if (ppe_ib1_udp(e->ib1) != udp)
		return false;
	if (k->ports != e->ports || k->src[0] != e->src_ip[0] || k->dst[0] != e->dst_ip[0])
		return false;
	if (!type_is_ipv6(flow_type))
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
	return key_match_entry(&k, f->type, f->match.proto == FS_IPPROTO_UDP, &s->e);
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
	u32 i;

	f->ib1 = ppe_ib1_set_bind_timestamp(f->ib1, ns, ppe_fe_timestamp(ppe, now));
	key_from_tuple(&k, &f->match, f->type);
	for (i = 0; i < 4; i++) {
		s->e.src_ip[i] = k.src[i];
		s->e.dst_ip[i] = k.dst[i];
	}
	s->e.ports = k.ports;
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
	slot_write_ib1(ppe, in, s, f->ib1);

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
		slot_write_ib1(ppe, in, s, ppe_ib1_set_state(s->e.ib1, st));
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
	return idle_ticks(ppe_fe_timestamp(ppe, now), f->ib1, ppe->ts_mask);
}

void ppe_mib_read(struct ppe *ppe, struct ppe_slot *s, u64 *packets, u64 *bytes)
{
	u64 p = s->mib_packets, b = s->mib_bytes;

	/* MTK_PPE_MIB_CFG_RD_CLR: reading returns the counts since the last read */
	s->mib_packets = 0;
	s->mib_bytes = 0;
	s->acct_packets += p;
	s->acct_bytes += b;
	if (packets)
		*packets = p;
	if (bytes)
		*bytes = b;
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
static void driver_check(struct ppe *ppe, int idx, u32 index, u64 now)
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

/* ------------------------------------------------------------ hardware path ---- */

static int packet_type(const struct fs_packet *pkt)
{
	bool l4 = pkt->t.proto == FS_IPPROTO_TCP || pkt->t.proto == FS_IPPROTO_UDP;

	/* MTK_PPE_FLOW_CFG: IPv4 NAPT/NAT and IPv6 3T/5T route entries are built */
	if (pkt->t.family == FS_AF_INET)
		return l4 ? PPE_PKT_IPV4_HNAPT : PPE_PKT_IPV4_ROUTE;
	if (pkt->t.family == FS_AF_INET6)
		return l4 ? PPE_PKT_IPV6_ROUTE_5T : PPE_PKT_IPV6_ROUTE_3T;
	return -1;
}

static struct ppe_slot *find_slot(struct ppe *ppe, struct ppe_instance *in, u32 bucket,
				  const struct ppe_key *k, u32 type, bool udp)
{
	u32 w;

	for (w = 0; w < ppe->cfg.ways; w++) {
		struct ppe_slot *s = &in->slot[bucket + w];

		if (slot_static(s) || ppe_ib1_state(s->e.ib1) == PPE_STATE_INVALID)
			continue;
		if (ppe_ib1_type(s->e.ib1, ppe->cfg.netsys) != type)
			continue;
		if (key_match_entry(k, type, udp, &s->e))
			return s;
	}
	return NULL;
}

static struct ppe_slot *free_way(struct ppe *ppe, struct ppe_instance *in, u32 bucket)
{
	u32 w;

	for (w = 0; w < ppe->cfg.ways; w++) {
		struct ppe_slot *s = &in->slot[bucket + w];

		if (!slot_static(s) && ppe_ib1_state(s->e.ib1) == PPE_STATE_INVALID)
			return s;
	}
	return NULL;
}

static u32 unbind_packets_width(u8 netsys)
{
	/* 23:8 on v1; on v2/v3 bit 23 belongs to the packet type, leaving 22:8 */
	return netsys == PPE_NETSYS_V1 ? 16 : 15;
}

/* An UNBIND entry sees segs packets: per-tick rate, timestamp, packet counter. */
static void unbind_count(struct ppe *ppe, struct ppe_instance *in, struct ppe_slot *s,
			 u64 now, u32 segs)
{
	u32 tick = (u32)ppe_tick(now);
	u32 width = unbind_packets_width(ppe->cfg.netsys);
	u32 ib1 = s->e.ib1;
	u32 cnt;

	if (s->rate_tick != tick) {
		s->rate_tick = tick;
		s->rate_cnt = 0;
	}
	s->rate_cnt = (u16)FS_MIN(0xffffu, (u32)s->rate_cnt + segs);
	cnt = ppe_field(ib1, 8, width) + segs;
	ib1 = ppe_field_set(ib1, 8, width, cnt);
	ib1 = ppe_field_set(ib1, 0, 8, fe_unbind_ts(ppe, now));
	slot_write_ib1(ppe, in, s, ib1);
}

static void report_full(struct ppe *ppe, int idx, u32 bucket, const struct fs_packet *pkt,
			u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	struct ppe_slot *way0 = &in->slot[bucket];

	in->stats.full++;
	if (way0->full_reported)
		return;
	way0->full_reported = 1;
	ppe_emit(ppe, FS_EV_PPE_FULL, now, bucket, (u32)idx, &pkt->t, NULL, NULL);
}

struct ppe_slot *ppe_hw_lookup(struct ppe *ppe, int idx, const struct fs_packet *pkt,
			       u64 now, u32 *reason)
{
	struct ppe_instance *in = &ppe->inst[idx];
	const struct ppe_config *cfg = &ppe->cfg;
	u32 segs = fs_packet_segments(pkt);
	bool tcp = pkt->t.proto == FS_IPPROTO_TCP;
	bool udp = pkt->t.proto == FS_IPPROTO_UDP;
	bool ctl = tcp && (pkt->tcp_flags & (FS_TCP_SYN | FS_TCP_FIN | FS_TCP_RST));
	struct ppe_slot *s;
	struct ppe_entry probe;
	struct ppe_key k;
	bool created = false;
	u32 bucket, i;
	int type;

	in->stats.rx_packets += segs;
	if (pkt->flags & FS_PKT_FRAG) {
		*reason = PPE_REASON_IPV4_FRAG;
		goto cpu;
	}
	if (pkt->flags & FS_PKT_IPOPT) {
		*reason = PPE_REASON_OPTION_HEADER;
		goto cpu;
	}
	type = packet_type(pkt);
	if (type < 0) {
		*reason = PPE_REASON_PPE_BYPASS;
		goto cpu;
	}
	/* only the tuple words are read (hash and compare): no need to clear the rest */
	ppe_entry_set_orig(&probe, &pkt->t, (u8)type);
	for (i = 0; i < 4; i++) {
		k.src[i] = probe.src_ip[i];
		k.dst[i] = probe.dst_ip[i];
	}
	k.ports = probe.ports;
	bucket = ppe_hash_entry_type(&probe, (u32)type, cfg->entries, cfg->ways);
	bucket &= ~(u32)(cfg->ways - 1);

	s = find_slot(ppe, in, bucket, &k, (u32)type, udp);
	if (s) {
		switch (ppe_ib1_state(s->e.ib1)) {
		case PPE_STATE_BIND:
			if (tcp && (pkt->tcp_flags & (FS_TCP_FIN | FS_TCP_RST))) {
				/* HIT_BIND_TCP_FIN: to the CPU, entry aged with the FIN delta */
				u32 ib1 = ppe_ib1_set_state(s->e.ib1, PPE_STATE_FIN);

				ib1 = ppe_ib1_set_bind_timestamp(ib1, cfg->netsys,
								 ppe_fe_timestamp(ppe, now));
				slot_write_ib1(ppe, in, s, ib1);
				*reason = PPE_REASON_HIT_BIND_TCP_FIN;
				goto cpu;
			}
			if (pkt->ttl <= 1) {
				*reason = PPE_REASON_HIT_TTL_1;
				goto cpu;
			}
			{
				const struct fs_netdev *l3 = fs_netdev_get(ppe->nc, s->eg.l3_oif);

				/* pkt->len covers a whole GSO aggregate: check one segment */
				if (l3 && l3->mtu && (pkt->len + segs - 1) / segs > l3->mtu) {
					*reason = PPE_REASON_EXCEED_MTU;
					goto cpu;
				}
			}
			*reason = 0;
			return s;
		case PPE_STATE_FIN:
			*reason = PPE_REASON_HIT_BIND_TCP_FIN;
			goto cpu;
		default:
			break;
		}
		/* UNBIND */
		if (ctl) {
			*reason = PPE_REASON_TCP_FIN_SYN_RST;
			goto cpu;
		}
		unbind_count(ppe, in, s, now, segs);
	} else {
		if (ctl) {
			*reason = PPE_REASON_TCP_FIN_SYN_RST;
			goto cpu;
		}
		s = free_way(ppe, in, bucket);
		if (!s) {
			/* no eviction: the flow stays on the CPU path until a way frees up */
			report_full(ppe, idx, bucket, pkt, now);
			*reason = PPE_REASON_UN_HIT;
			goto cpu;
		}
		/*
		 * SEARCH_MISS_ACTION_FORWARD_BUILD: the hardware writes the parsed tuple and a
		 * fresh UNBIND ib1; the rest of the slot keeps whatever it held before.
		 */
		for (i = 0; i < 4; i++) {
			s->e.src_ip[i] = k.src[i];
			s->e.dst_ip[i] = k.dst[i];
		}
		s->e.ports = k.ports;
		{
			u32 ib1 = ppe_ib1_set_state(0, PPE_STATE_UNBIND);

			ib1 = ppe_ib1_set_type(ib1, cfg->netsys, (u32)type);
			if (udp)
				ib1 |= PPE_IB1_UDP;
			slot_write_ib1(ppe, in, s, ib1);
		}
		s->rate_tick = (u32)ppe_tick(now);
		s->rate_cnt = 0;
		unbind_count(ppe, in, s, now, segs);
		created = true;
		in->stats.unbind_created++;
		ppe_emit(ppe, FS_EV_PPE_UNBIND, now, s->e.index, (u32)idx, &pkt->t, NULL, NULL);
	}

	if (s->rate_cnt >= cfg->bind_rate) {
		*reason = PPE_REASON_HIT_UNBIND_RATE_REACHED;
		in->stats.reasons[*reason] += segs;
		/* mtk_poll_rx calls mtk_ppe_check_skb for this reason only */
		driver_check(ppe, idx, s->e.index, now);
		return NULL;
	}
	*reason = created ? PPE_REASON_UN_HIT : PPE_REASON_HIT_UNBIND;
cpu:
	in->stats.reasons[*reason & (PPE_REASON__COUNT - 1)] += segs;
	return NULL;
}

void ppe_slot_hit(struct ppe *ppe, struct ppe_slot *s, const struct fs_packet *pkt, u64 now)
{
	u8 ns = ppe->cfg.netsys;
	u32 segs = fs_packet_segments(pkt);

	s->e.ib1 = ppe_ib1_set_bind_timestamp(s->e.ib1, ns, ppe_fe_timestamp(ppe, now));
	if (ppe->cfg.accounting && (s->e.ib2 & ppe_ib2_mib_bit(ns))) {
		/* MIB widths: 40-bit packets / 48-bit bytes on v1/v2, 64-bit on v3 */
		u64 pmask = ns >= PPE_NETSYS_V3 ? ~0ULL : (1ULL << 40) - 1;
		u64 bmask = ns >= PPE_NETSYS_V3 ? ~0ULL : (1ULL << 48) - 1;

		s->mib_packets = (s->mib_packets + segs) & pmask;
		s->mib_bytes = (s->mib_bytes + pkt->len) & bmask;
	}
}

/* ----------------------------------------------------------------- aging ---- */

static void age_slot(struct ppe *ppe, int idx, struct ppe_slot *s, u32 fe, u32 fe8, u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	const struct ppe_config *cfg = &ppe->cfg;
	enum ppe_state st = ppe_ib1_state(s->e.ib1);
	u32 ib1 = s->e.ib1;
	u32 idle, delta, type;
	struct fs_tuple t;

	switch (st) {
	case PPE_STATE_BIND:
		type = ppe_ib1_type(ib1, cfg->netsys);
		idle = idle_ticks(fe, ib1, ppe->ts_mask);
		if (ppe_ib1_udp(ib1))
			delta = cfg->age_udp;
		else if (type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV6_ROUTE_5T ||
			 type == PPE_PKT_IPV4_DSLITE)
			delta = cfg->age_tcp;
		else
			delta = cfg->age_non_l4;
		break;
	case PPE_STATE_FIN:
		idle = idle_ticks(fe, ib1, ppe->ts_mask);
		delta = cfg->age_fin;
		break;
	case PPE_STATE_UNBIND:
		if (ppe_field(ib1, 8, unbind_packets_width(cfg->netsys)) >= cfg->unbind_min_packets)
			return;
		idle = idle_ticks(fe8, ib1, 0xff);
		delta = cfg->age_unbind;
		break;
	default:
		return;
	}
	/* vendor hw_nat: an entry is aged when its idle time is greater than the delta */
	if (idle <= delta)
		return;
	slot_write_ib1(ppe, in, s, ppe_ib1_set_state(ib1, PPE_STATE_INVALID));
	in->stats.aged++;
	ppe_slot_tuple(ppe, s, &t);
	ppe_emit(ppe, FS_EV_PPE_AGED, now, s->e.index, (u32)idx | ((u32)st << 8), &t, NULL, NULL);
}

void ppe_age(struct ppe *ppe, u64 now)
{
	u64 tick = ppe_tick(now);
	u32 fe, fe8, i;
	int idx;

	if (ppe->aged_tick == tick + 1)
		return;
	ppe->aged_tick = tick + 1;
	fe = ppe_fe_timestamp(ppe, now);
	fe8 = fe_unbind_ts(ppe, now);
	for (idx = 0; idx < ppe->cfg.num_ppe; idx++) {
		struct ppe_instance *in = &ppe->inst[idx];

		for (i = 0; i < ppe->cfg.entries && in->active; i++)
			age_slot(ppe, idx, &in->slot[i], fe, fe8, now);
	}
}

u64 ppe_next_age(const struct ppe *ppe)
{
	int idx;

	for (idx = 0; idx < ppe->cfg.num_ppe; idx++)
		if (ppe->inst[idx].active)
			return ppe->aged_tick * FS_NSEC_PER_SEC;
	return ~0ULL;
}

/* ------------------------------------------------------------ create/destroy ---- */

static bool is_pow2(u32 v)
{
	return v && !(v & (v - 1));
}

static int config_valid(const struct ppe_config *c)
{
	if (c->netsys < 1 || c->netsys > 3)
		return 0;
	if (c->num_ppe < 1 || c->num_ppe > PPE_MAX)
		return 0;
	if (!is_pow2(c->ways) || c->ways > 8)
		return 0;
	/* slot numbers must stay below the driver's 0xffff "not in hardware" marker */
	if (!is_pow2(c->entries) || c->entries < c->ways || c->entries > 32768)
		return 0;
	if (!c->bind_rate || c->hz < 10)
		return 0;
	return 1;
}

static void mark_reserved(struct ppe *ppe, struct ppe_instance *in)
{
	const struct ppe_soc_geometry *g = ppe_soc_lookup(ppe->cfg.soc);
	u32 i;

	if (!ppe->cfg.reserved_slots)
		return;
	if (!g || !g->n_reserved)
		g = ppe_soc_lookup("mt7621");
	if (!g)
		return;
	/* mtk_ppe_init_foe_table: entries crossing a 1024-byte boundary get STATIC */
	for (i = 0; i < ppe->cfg.entries; i++) {
		if (ppe_soc_slot_reserved(g, i, ppe->cfg.reserved_suspicious)) {
			in->slot[i].e.ib1 |= PPE_IB1_STATIC;
			in->reserved++;
		}
	}
}

struct ppe *ppe_create(const struct ppe_config *cfg, struct fs_netconf *nc,
		       const struct fs_cost_table *cost, fs_event_fn ev, void *ev_arg)
{
	struct ppe *ppe;
	u32 i;
	int idx;

	if (!cfg || !nc || !config_valid(cfg))
		return NULL;
	ppe = fs_zalloc(sizeof(*ppe));
	if (!ppe)
		return NULL;
	ppe->cfg = *cfg;
	ppe->cfg.soc[sizeof(ppe->cfg.soc) - 1] = 0;
	ppe->nc = nc;
	ppe->cost = cost;
	ppe->ev = ev;
	ppe->ev_arg = ev_arg;
	ppe->ts_mask = ppe_ib1_timestamp_mask(cfg->netsys);
	ppe->lock = fs_lock_create();
	if (!ppe->lock)
		goto err;
	ppe->flow_cache = fs_cache_create("ppe_flow", sizeof(struct ppe_flow));
	if (!ppe->flow_cache)
		goto err;
	ppe->cookie_size = 1024;
	ppe->cookie = fs_zalloc_array(ppe->cookie_size, sizeof(*ppe->cookie));
	if (!ppe->cookie)
		goto err;
	for (idx = 0; idx < cfg->num_ppe; idx++) {
		struct ppe_instance *in = &ppe->inst[idx];

		in->slot = fs_zalloc_array(cfg->entries, sizeof(*in->slot));
		in->bucket = fs_zalloc_array(cfg->entries / cfg->ways, sizeof(*in->bucket));
		if (!in->slot || !in->bucket)
			goto err;
		for (i = 0; i < cfg->entries; i++)
			in->slot[i].e.index = i;
		mark_reserved(ppe, in);
	}
	wed_init(&ppe->wed, &cfg->wed, ev, ev_arg);
	return ppe;
err:
	ppe_destroy(ppe);
	return NULL;
}

void ppe_destroy(struct ppe *ppe)
{
	int idx;

	if (!ppe)
		return;
	/* flows live in the cache; destroying it frees them all */
	fs_cache_destroy(ppe->flow_cache);
	fs_free(ppe->cookie);
	for (idx = 0; idx < PPE_MAX; idx++) {
		fs_free(ppe->inst[idx].slot);
		fs_free(ppe->inst[idx].bucket);
	}
	if (ppe->lock)
		fs_lock_destroy(ppe->lock);
	fs_free(ppe);
}

const struct ppe_config *ppe_get_config(const struct ppe *ppe)
{
	return &ppe->cfg;
}

/* ------------------------------------------------------------------ getters ---- */

void ppe_get_occupancy(const struct ppe *ppe, int idx, struct ppe_occupancy *o)
{
	const struct ppe_instance *in;

	fs_memset(o, 0, sizeof(*o));
	if (idx < 0 || idx >= ppe->cfg.num_ppe)
		return;
	in = &ppe->inst[idx];
	fs_lock_acquire(ppe->lock);
	o->bound = in->bound;
	o->fin = in->fin;
	o->unbound = in->active - in->bound - in->fin;
	o->reserved = in->reserved;
	o->free = ppe->cfg.entries - in->active - in->reserved;
	fs_lock_release(ppe->lock);
}

const struct ppe_stats *ppe_get_stats(const struct ppe *ppe, int idx)
{
	if (idx < 0 || idx >= ppe->cfg.num_ppe)
		return NULL;
	return &ppe->inst[idx].stats;
}

u32 ppe_sw_flow_count(const struct ppe *ppe)
{
	return ppe->nflows;
}

int ppe_flow_lookup(const struct ppe *ppe, const struct conntrack_entry *ct, u8 dir,
		    u16 *hash, u8 *ppe_idx)
{
	const struct ppe_flow *f;
	int ret = -1;

	fs_lock_acquire(ppe->lock);
	f = ppe_cookie_find(ppe, ct, dir);
	if (f) {
		if (hash)
			*hash = f->hash;
		if (ppe_idx)
			*ppe_idx = f->ppe;
		ret = 0;
	}
	fs_lock_release(ppe->lock);
	return ret;
}

int ppe_entry_get(const struct ppe *ppe, int idx, u32 index, struct ppe_entry *out)
{
	const struct ppe_slot *s;

	if (idx < 0 || idx >= ppe->cfg.num_ppe || index >= ppe->cfg.entries)
		return -1;
	s = &ppe->inst[idx].slot[index];
	fs_lock_acquire(ppe->lock);
	*out = s->e;
	out->packets = s->acct_packets;
	out->bytes = s->acct_bytes;
	fs_lock_release(ppe->lock);
	return 0;
}

/* ------------------------------------------------------------------ debugfs ---- */

long ppe_dump(struct ppe *ppe, int idx, bool bind_only, char *buf, size_t size, u64 now)
{
	struct ppe_soc_format fmt;
	struct ppe_instance *in;
	char line[PPE_LINE_MAX];
	size_t total = 0;
	u32 i;

	if (idx < 0 || idx >= ppe->cfg.num_ppe)
		return -1;
	in = &ppe->inst[idx];
	fs_memset(&fmt, 0, sizeof(fmt));
	fmt.netsys = ppe->cfg.netsys;
	fmt.counters = ppe->cfg.debugfs_counters;
	fmt.airoha = false;
	fmt.entries = ppe->cfg.entries;
	if (buf && size)
		buf[0] = 0;

	fs_lock_acquire(ppe->lock);
	for (i = 0; i < ppe->cfg.entries; i++) {
		struct ppe_slot *s = &in->slot[i];
		enum ppe_state st = ppe_ib1_state(s->e.ib1);
		struct ppe_entry e;
		int n;

		if (st == PPE_STATE_INVALID || (bind_only && st != PPE_STATE_BIND))
			continue;
		e = s->e;
		e.packets = 0;
		e.bytes = 0;
		if (ppe->cfg.accounting) {
			/* mtk_ppe_debugfs_foe_show calls mtk_foe_entry_get_mib: read-clear */
			ppe_mib_read(ppe, s, NULL, NULL);
			e.packets = s->acct_packets;
			e.bytes = s->acct_bytes;
		}
		n = ppe_entry_format_line(&e, &fmt, line, sizeof(line));
		if (n < 0)
			continue;
		if ((size_t)n >= sizeof(line))
			n = (int)sizeof(line) - 1;
		if (buf && size && total < size - 1) {
			size_t room = size - 1 - total;
			size_t c = (size_t)n < room ? (size_t)n : room;

			fs_memcpy(buf + total, line, c);
			buf[total + c] = 0;
		}
		total += (size_t)n;
	}
	fs_lock_release(ppe->lock);
	(void)now;
	return (long)total;
}
