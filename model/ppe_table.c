// SPDX-License-Identifier: MIT
/*
 * ppe_table.c - the PPE's FOE table as a whole: the configuration for a SoC and kernel,
 * the table's geometry and lifecycle (create/destroy, reserved STATIC slots), its clock,
 * the one place a slot's state changes, events, the MIB read-back, the getters and the
 * debugfs listing.  The driver's software flows and bind decision are in ppe_flows.c, the
 * hardware's own per-frame lookup and aging in ppe_hw.c (shared structs: ppe_internal.h).
 *
 * Sources: spec mediatek-ppe-wed.md §1-§2; mtk_ppe.c (mtk_foe_entry_get_mib,
 * mtk_ppe_init_foe_table, mtk_ppe_start, mtk_ppe_debugfs_foe_show), mtk_eth_soc.c (the
 * [multi-ppe] GMAC steering).
 *
 * Invariants:
 *  - a slot's state lives only in its ib1; inst->active/bound/fin count slots per state
 *    and are updated by ppe_slot_write_ib1() alone;
 *  - reserved slots are marked STATIC once, at creation, and nothing clears the bit;
 *  - a debugfs read consumes the read-clear MIB counters.
 */
#include "ppe_internal.h"
#include "ppe_hash.h"

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

/* the 8-bit timestamp an UNBIND entry carries (ib1 bits 7:0) */
u32 ppe_fe_unbind_ts(const struct ppe *ppe, u64 now)
{
	return (u32)((ppe_tick(now) + ppe->cfg.ts_base) & 0xff);
}

/* __mtk_foe_entry_idle_time: difference modulo the timestamp width */
u32 ppe_idle_ticks(u32 now_ts, u32 ts, u32 mask)
{
	now_ts &= mask;
	ts &= mask;
	if (ts > now_ts)
		return mask + 1 - ts + now_ts;
	return now_ts - ts;
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


void ppe_slot_tuple(const struct ppe *ppe, const struct ppe_slot *s, struct fs_tuple *t)
{
	u32 type = ppe_ib1_type(s->e.ib1, ppe->cfg.netsys);
	u32 i;

	fs_memset(t, 0, sizeof(*t));
	t->family = ppe_type_is_ipv6(type) ? FS_AF_INET6 : FS_AF_INET;
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
void ppe_slot_write_ib1(struct ppe *ppe, struct ppe_instance *in, struct ppe_slot *s,
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

/* mtk_foe_entry_get_mib: the hardware counters move into the driver's acct_table totals */
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
