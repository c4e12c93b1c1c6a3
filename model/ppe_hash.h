/* SPDX-License-Identifier: MIT */
/*
 * ppe_hash.h - the MediaTek PPE bucket hash (mtk_ppe_hash_entry, hash mode 1) and the
 * per-SoC table geometry.
 *
 * The hash names the first slot (way 0) of a bucket of `ways` consecutive entries; the
 * hardware picks the way.  Types the driver cannot hash (bridge, DS-Lite, 6RD, unknown)
 * give table_entries - 1, like the driver's MTK_PPE_HASH_MASK.  Bit-exact: checked against
 * the indices of real debugfs dumps (spec mediatek-ppe-wed.md 1.5).
 */
#ifndef FS_PPE_HASH_H
#define FS_PPE_HASH_H

#include "fs_port.h"
#include "tuple.h"
#include "ppe_format.h"

/* Core hash on the three hash words (hv1..hv3 of spec 1.4); entries must be a power of 2. */
u32 ppe_hash_words(u32 hv1, u32 hv2, u32 hv3, u32 table_entries, u32 ways);

/*
 * Bucket (first index) of an entry, from its original tuple and the packet type in ib1.
 * The ib1 layout follows from ways as in every struct mtk_soc_data: 2 ways = NETSYS v1,
 * 4 ways = v2/v3.  ppe_hash_entry_type() takes the type explicitly instead.
 */
u32 ppe_hash_entry(const struct ppe_entry *e, u32 table_entries, u32 ways);
u32 ppe_hash_entry_type(const struct ppe_entry *e, u32 type, u32 table_entries, u32 ways);

/* True when the driver hashes entries of this type (IPv4 HNAPT/route, IPv6 3T/5T). */
bool ppe_type_hashable(u32 type);

/*
 * Bucket of a core tuple (model/tuple.h): host-order words, ports word = sport<<16|dport,
 * 3-tuple types use the pad 0xa5a5a500 | proto.  type is an enum ppe_pkt_type; a type
 * whose family does not match the tuple's gives table_entries - 1.
 */
u32 ppe_hash_tuple(const struct fs_tuple *t, u8 type, u32 table_entries, u32 ways);

/* Fill an entry's original tuple (src/dst/ports) from a core tuple for the given type. */
void ppe_entry_set_orig(struct ppe_entry *e, const struct fs_tuple *t, u8 type);

/* Per-SoC table geometry (struct mtk_soc_data + calibration). */
#define PPE_MT7621_RESERVED_PER_BLOCK 7
struct ppe_soc_geometry {
	const char *name;        /* "mt7621", ... lower case */
	u8 netsys;               /* 1, 2, 3 (Airoha: 0 = not a NETSYS layout) */
	u8 ways;                 /* hash_offset */
	u8 ppe_count;            /* ppe_num */
	u8 offload_version;
	u16 foe_entry_size;      /* bytes */
	bool has_accounting;
	bool airoha;             /* airoha_eth: own debugfs format and hash */
	bool hash_modelled;      /* ppe_hash_entry() is known to give this SoC's indices */
	u32 entries_old;         /* default table size, kernel < 6.11 */
	u32 entries_new;         /* default table size, kernel >= 6.11 */
	/* slots never used inside every 128-entry block (MT7621 only, mtk_ppe_init_foe_table) */
	u8 reserved_offsets[8];
	u8 n_reserved;           /* entries in reserved_offsets used by the driver */
	u8 suspicious_offset;    /* 115 on MT7621: crosses a 1 KiB boundary but not listed; 0 = none */
};

const struct ppe_soc_geometry *ppe_soc_lookup(const char *name);
/* i-th table entry (NULL past the end), for listings and --help. */
const struct ppe_soc_geometry *ppe_soc_at(u32 i);
/* Default table size for a kernel version (major, minor): 8192 before 6.11, else 16384. */
u32 ppe_soc_default_entries(const struct ppe_soc_geometry *g, u32 kmajor, u32 kminor);
/* True when index is one of the slots the driver marks STATIC (with_suspicious adds 115). */
bool ppe_soc_slot_reserved(const struct ppe_soc_geometry *g, u32 index, bool with_suspicious);

#endif /* FS_PPE_HASH_H */
