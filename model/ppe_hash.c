// SPDX-License-Identifier: MIT
/*
 * ppe_hash.c - the PPE bucket hash and the per-SoC table geometry.
 *
 * The hash is the driver's mtk_ppe_hash_entry() (mtk_ppe.c, hash mode 1, seed register at
 * its reset value): three 32-bit words taken from the original tuple, a "choose" step, a
 * rotate, xors, a fold, then a shift by log2(ways) so the result names way 0 of a bucket.
 * It was checked against every hashable line of the real MT7621/MT7981/MT7986 dumps in
 * data/traces (tests/unit/test_ppe_hash.c).
 *
 * The Airoha AN7581 driver has a function of the same shape (airoha_ppe_foe_get_entry_hash)
 * but the indices in real AN7581 dumps do not follow it (the hardware's SRAM/DRAM hashing
 * differs), so that SoC is marked hash_modelled = false rather than guessed at.
 *
 * Invariants: table_entries and ways are powers of two (the driver's are); no state.
 */
#include "ppe_hash.h"

static u32 ways_shift(u32 ways)
{
	u32 shift = 0;

	/* ffs(hash_offset) - 1 for a power of two; bounded by the word size */
	while (shift < 31 && (ways >> (shift + 1)) != 0)
		shift++;
	return shift;
}

u32 ppe_hash_words(u32 hv1, u32 hv2, u32 hv3, u32 table_entries, u32 ways)
{
	u32 hash;

	hash = (hv1 & hv2) | ((~hv1) & hv3);
	hash = (hash >> 24) | ((hash & 0xffffff) << 8);
	hash ^= hv1 ^ hv2 ^ hv3;
	hash ^= hash >> 16;
	hash <<= ways_shift(ways);
	hash &= table_entries - 1;
	return hash;
}

bool ppe_type_hashable(u32 type)
{
	return type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_ROUTE ||
	       type == PPE_PKT_IPV6_ROUTE_3T || type == PPE_PKT_IPV6_ROUTE_5T;
}

u32 ppe_hash_entry_type(const struct ppe_entry *e, u32 type, u32 table_entries, u32 ways)
{
	u32 hv1, hv2, hv3;

	switch (type) {
	case PPE_PKT_IPV4_HNAPT:
	case PPE_PKT_IPV4_ROUTE:
		hv1 = e->ports;
		hv2 = e->dst_ip[0];
		hv3 = e->src_ip[0];
		break;
	case PPE_PKT_IPV6_ROUTE_3T:
	case PPE_PKT_IPV6_ROUTE_5T:
		hv1 = e->src_ip[3] ^ e->dst_ip[3] ^ e->ports;
		hv2 = e->src_ip[2] ^ e->dst_ip[2] ^ e->dst_ip[0];
		hv3 = e->src_ip[1] ^ e->dst_ip[1] ^ e->src_ip[0];
		break;
	default:
		/* DS-Lite, 6RD, bridge: the driver WARNs once and returns MTK_PPE_HASH_MASK */
		return table_entries - 1;
	}
	return ppe_hash_words(hv1, hv2, hv3, table_entries, ways);
}

u32 ppe_hash_entry(const struct ppe_entry *e, u32 table_entries, u32 ways)
{
	/* hash_offset 2 only exists on NETSYS v1 SoCs, 4 on v2/v3 (struct mtk_soc_data) */
	u8 layout = ways == 4 ? PPE_NETSYS_V2 : PPE_NETSYS_V1;

	return ppe_hash_entry_type(e, ppe_ib1_type(e->ib1, layout), table_entries, ways);
}

void ppe_entry_set_orig(struct ppe_entry *e, const struct fs_tuple *t, u8 type)
{
	u32 i;

	for (i = 0; i < 4; i++) {
		e->src_ip[i] = t->src.ip6[i];
		e->dst_ip[i] = t->dst.ip6[i];
	}
	if (t->family == FS_AF_INET) {
		for (i = 1; i < 4; i++) {
			e->src_ip[i] = 0;
			e->dst_ip[i] = 0;
		}
	}
	/* mtk_foe_entry_prepare(): 3-tuple types carry 0xa5a5a5 padding and the protocol */
	if (type == PPE_PKT_IPV4_ROUTE || type == PPE_PKT_IPV6_ROUTE_3T)
		e->ports = PPE_IPV4_3T_PAD | t->proto;
	else
		e->ports = ppe_ports_make(t->sport, t->dport);
}

u32 ppe_hash_tuple(const struct fs_tuple *t, u8 type, u32 table_entries, u32 ways)
{
	struct ppe_entry e;
	bool v6 = type == PPE_PKT_IPV6_ROUTE_3T || type == PPE_PKT_IPV6_ROUTE_5T;
	bool v4 = type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_ROUTE;

	if ((v4 && t->family != FS_AF_INET) || (v6 && t->family != FS_AF_INET6) ||
	    (!v4 && !v6))
		return table_entries - 1;
	fs_memset(&e, 0, sizeof(e));
	ppe_entry_set_orig(&e, t, type);
	return ppe_hash_entry_type(&e, type, table_entries, ways);
}

/* ------------------------------------------------------------- geometry ---- */

/*
 * Values from struct mtk_soc_data (mtk_eth_soc.c, spec 1.2), the MT7621 hole list of
 * mtk_ppe_init_foe_table() and, for MT7620, OpenWrt PR #24515 (4K two-way table, eight
 * reserved slots per 128-entry block: 256 of 4096).  Airoha AN7581: 16K SRAM + 16K DRAM
 * entries (PPE_NUM_ENTRIES in airoha_eth.h), one slot per hash value, own debugfs format.
 */
static const struct ppe_soc_geometry ppe_socs[] = {
	{ .name = "mt7620", .netsys = 1, .ways = 2, .ppe_count = 1, .offload_version = 1,
	  .foe_entry_size = 80, .has_accounting = false, .hash_modelled = true,
	  .entries_old = 4096, .entries_new = 4096,
	  .reserved_offsets = { 12, 25, 38, 51, 76, 89, 102, 115 }, .n_reserved = 8 },
	{ .name = "mt7621", .netsys = 1, .ways = 2, .ppe_count = 1, .offload_version = 1,
	  .foe_entry_size = 80, .has_accounting = false, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384,
	  .reserved_offsets = { 12, 25, 38, 51, 76, 89, 102 }, .n_reserved = 7,
	  .suspicious_offset = 115 },
	{ .name = "mt7622", .netsys = 1, .ways = 2, .ppe_count = 1, .offload_version = 2,
	  .foe_entry_size = 80, .has_accounting = true, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384 },
	{ .name = "mt7623", .netsys = 1, .ways = 2, .ppe_count = 1, .offload_version = 1,
	  .foe_entry_size = 80, .has_accounting = false, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384 },
	{ .name = "mt7981", .netsys = 2, .ways = 4, .ppe_count = 2, .offload_version = 2,
	  .foe_entry_size = 96, .has_accounting = true, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384 },
	{ .name = "mt7986", .netsys = 2, .ways = 4, .ppe_count = 2, .offload_version = 2,
	  .foe_entry_size = 96, .has_accounting = true, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384 },
	{ .name = "mt7988", .netsys = 3, .ways = 4, .ppe_count = 3, .offload_version = 2,
	  .foe_entry_size = 128, .has_accounting = true, .hash_modelled = true,
	  .entries_old = 8192, .entries_new = 16384 },
	{ .name = "an7581", .netsys = PPE_NETSYS_AIROHA, .ways = 1, .ppe_count = 2,
	  .offload_version = 0, .foe_entry_size = 80, .has_accounting = true,
	  .airoha = true, .hash_modelled = false,
	  .entries_old = 32768, .entries_new = 32768 },
};

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool name_equal(const char *a, const char *b)
{
	u32 i;

	for (i = 0; i < 64; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
		if (a[i] == '\0')
			return true;
	}
	return false;
}

const struct ppe_soc_geometry *ppe_soc_lookup(const char *name)
{
	u32 i;

	if (!name)
		return NULL;
	for (i = 0; i < FS_ARRAY_SIZE(ppe_socs); i++)
		if (name_equal(name, ppe_socs[i].name))
			return &ppe_socs[i];
	return NULL;
}

const struct ppe_soc_geometry *ppe_soc_at(u32 i)
{
	return i < FS_ARRAY_SIZE(ppe_socs) ? &ppe_socs[i] : NULL;
}

/* MTK_PPE_ENTRIES_SHIFT went from 3 to 4 in commit ca18300e00d5, first released in 6.11. */
u32 ppe_soc_default_entries(const struct ppe_soc_geometry *g, u32 kmajor, u32 kminor)
{
	if (kmajor > 6 || (kmajor == 6 && kminor >= 11))
		return g->entries_new;
	return g->entries_old;
}

bool ppe_soc_slot_reserved(const struct ppe_soc_geometry *g, u32 index, bool with_suspicious)
{
	u32 off = index & 127;
	u32 i;

	for (i = 0; i < g->n_reserved && i < FS_ARRAY_SIZE(g->reserved_offsets); i++)
		if (g->reserved_offsets[i] == off)
			return true;
	return with_suspicious && g->suspicious_offset != 0 && g->suspicious_offset == off;
}
