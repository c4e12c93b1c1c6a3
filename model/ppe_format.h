/* SPDX-License-Identifier: MIT */
/*
 * ppe_format.h - one MediaTek PPE (FOE) table entry, decoded, and the debugfs line the
 * driver prints for it.
 *
 * struct ppe_entry keeps the words of a hardware entry (struct mtk_foe_entry in the kernel's
 * mtk_ppe.h) in named fields, in CPU byte order, exactly as the driver stores them:
 *  - ib1/ib2 are the raw info-block words; their bit layout depends on the NETSYS version
 *    (v1: MT7620/7621/7622/7623, v2: MT7981/7986, v3: MT7988) and is read through the
 *    accessors below, never by open-coded masks;
 *  - addresses are host-order words; IPv4 types use src_ip[0]/dst_ip[0] only, IPv6 types
 *    use all four words with [0] most significant;
 *  - ports is the raw ports word of the original tuple: (sport << 16) | dport for the
 *    5-tuple types, the pad 0xa5a5a500 | l4proto for IPv4/IPv6 3T (mtk_foe_entry_prepare);
 *  - l2.etype is the field as stored, which the MediaTek driver prints through ntohs() and
 *    therefore byte-swapped (IPv4 0x0800 prints "0008").  Airoha prints it unswapped.
 *
 * The type of an entry is not a separate field: the driver derives it from ib1 when it
 * prints, and so do we (ppe_ib1_type()).  The writer is kernel-safe and uses fs_snprintf
 * with C99 conversions only; MAC and IPv6 text is produced by hand.
 */
#ifndef FS_PPE_FORMAT_H
#define FS_PPE_FORMAT_H

#include "fs_port.h"

/* ib1 state field (MTK_FOE_STATE_*) */
enum ppe_state {
	PPE_STATE_INVALID = 0,
	PPE_STATE_UNBIND = 1,
	PPE_STATE_BIND = 2,
	PPE_STATE_FIN = 3,
};

/* ib1 packet type field (MTK_PPE_PKT_TYPE_*) */
enum ppe_pkt_type {
	PPE_PKT_IPV4_HNAPT = 0,
	PPE_PKT_IPV4_ROUTE = 1,
	PPE_PKT_BRIDGE = 2,
	PPE_PKT_IPV4_DSLITE = 3,
	PPE_PKT_IPV6_ROUTE_3T = 4,
	PPE_PKT_IPV6_ROUTE_5T = 5,
	PPE_PKT_IPV6_6RD = 7,
};

/* PSE port numbers (enum mtk_pse_port), as found in ib2's destination port field */
enum ppe_pse_port {
	PPE_PSE_ADMA = 0, PPE_PSE_GDM1 = 1, PPE_PSE_GDM2 = 2, PPE_PSE_PPE0 = 3,
	PPE_PSE_PPE1 = 4, PPE_PSE_QDMA_TX = 5, PPE_PSE_QDMA_RX = 6, PPE_PSE_DROP = 7,
	PPE_PSE_WDMA0 = 8, PPE_PSE_WDMA1 = 9, PPE_PSE_TDMA = 10, PPE_PSE_NONE = 11,
	PPE_PSE_PPE2 = 12, PPE_PSE_WDMA2 = 13, PPE_PSE_EIP197 = 14, PPE_PSE_GDM3 = 15,
};

#define PPE_IPV4_3T_PAD 0xa5a5a500u   /* ports word of 3-tuple entries, | l4proto */
#define PPE_HASH_NONE 0xffffu         /* "not in hardware" marker of software flows */

/* struct mtk_foe_mac_info: the L2 rewrite block */
struct ppe_l2_info {
	u8 src_mac[6];
	u8 dst_mac[6];
	u16 etype;     /* as stored (CPU order); DSA egress: BIT(port) (+BIT(8) with VLAN) */
	u16 vlan1;
	u16 vlan2;     /* NETSYS v1: also carries the WDMA info (BSS 5:0, WCID 13:6, RING 15:14) */
	u16 pppoe_id;
	u16 minfo;
	u16 winfo;     /* NETSYS v2: WDMA info (BSS 5:0, WCID 15:6) */
	u32 w3info;    /* NETSYS v3: WCID 15:0, BSS 23:16 */
	u32 amsdu;     /* NETSYS v3 */
};

struct ppe_entry {
	u32 index;        /* slot in the FOE table */
	u32 ib1;
	u32 ib2;
	u32 src_ip[4];    /* original tuple */
	u32 dst_ip[4];
	u32 ports;        /* (sport << 16) | dport, or PPE_IPV4_3T_PAD | proto */
	u32 new_src_ip;   /* IPv4 types (HNAPT, route, DS-Lite): tuple after NAT */
	u32 new_dst_ip;
	u32 new_ports;
	struct ppe_l2_info l2;
	u32 data;         /* Airoha only: the word printed as data= */
	u64 packets;      /* flow accounting (MIB); zero without accounting */
	u64 bytes;
};

/*
 * ib1/ib2 layouts: MediaTek NETSYS v1, v2, v3 (v3 = v2 for ib1/ib2), and Airoha AN7581
 * (airoha_eth.h: v1-like state/type positions, its own PPPoE/VLAN/ib2 fields).  Every
 * accessor taking "u8 netsys" accepts one of these values.
 */
#define PPE_NETSYS_V1 1
#define PPE_NETSYS_V2 2
#define PPE_NETSYS_V3 3
#define PPE_NETSYS_AIROHA 0x80

/* How a given SoC/kernel lays out ib1/ib2 and prints its debugfs lines. */
struct ppe_soc_format {
	u8 netsys;        /* PPE_NETSYS_*: selects the ib1/ib2 layout (spec 1.7) */
	bool counters;    /* the kernel prints " packets=%llu bytes=%llu" ([dbg-new]) */
	bool airoha;      /* airoha_ppe_debugfs.c: data= field, etype unswapped, type 2 "L2B" */
	u32 entries;      /* table size: 8192 (kernel <= 6.10) or 16384 (>= 6.11) */
};

/* ---- ib1 (all versions) ---- */
#define PPE_IB1_STATIC (1u << 31)
#define PPE_IB1_UDP (1u << 30)
#define PPE_IB1_STATE_SHIFT 28
#define PPE_IB1_STATE_MASK (3u << 28)

static inline u32 ppe_field(u32 word, unsigned int lo, unsigned int width)
{
	return (word >> lo) & ((width >= 32) ? 0xffffffffu : ((1u << width) - 1));
}

static inline u32 ppe_field_set(u32 word, unsigned int lo, unsigned int width, u32 val)
{
	u32 mask = ((width >= 32) ? 0xffffffffu : ((1u << width) - 1)) << lo;

	return (word & ~mask) | ((val << lo) & mask);
}

static inline enum ppe_state ppe_ib1_state(u32 ib1)
{
	return (enum ppe_state)ppe_field(ib1, 28, 2);
}

static inline bool ppe_ib1_udp(u32 ib1)
{
	return (ib1 & PPE_IB1_UDP) != 0;
}

static inline bool ppe_ib1_static(u32 ib1)
{
	return (ib1 & PPE_IB1_STATIC) != 0;
}

/* Accessors that depend on the NETSYS version (1, 2 or 3; 3 shares v2's layout). */
u32 ppe_ib1_type(u32 ib1, u8 netsys);
u32 ppe_ib1_set_type(u32 ib1, u8 netsys, u32 type);
u32 ppe_ib1_set_state(u32 ib1, enum ppe_state state);
u32 ppe_ib1_bind_timestamp(u32 ib1, u8 netsys);
u32 ppe_ib1_set_bind_timestamp(u32 ib1, u8 netsys, u32 ts);
u32 ppe_ib1_timestamp_mask(u8 netsys);      /* 0x7fff on v1, 0xff on v2/v3 */
u32 ppe_ib1_unbind_timestamp(u32 ib1);      /* bits 7:0 */
u32 ppe_ib1_unbind_packets(u32 ib1, u8 netsys);
u32 ppe_ib1_vlan_layer(u32 ib1, u8 netsys);
bool ppe_ib1_pppoe(u32 ib1, u8 netsys);
bool ppe_ib1_vlan_tag(u32 ib1, u8 netsys);
bool ppe_ib1_cache(u32 ib1, u8 netsys);
bool ppe_ib1_ttl(u32 ib1, u8 netsys);
bool ppe_ib1_keepalive(u32 ib1, u8 netsys);   /* v1 only (bit 15); false on v2/v3 */
bool ppe_ib1_unbind_prebind(u32 ib1, u8 netsys); /* v1 only (bit 24) */

/* ib2 */
u32 ppe_ib2_qid(u32 ib2, u8 netsys);
u32 ppe_ib2_dest_port(u32 ib2, u8 netsys);
bool ppe_ib2_pse_qos(u32 ib2, u8 netsys);
bool ppe_ib2_multicast(u32 ib2, u8 netsys);
bool ppe_ib2_mib_cnt(u32 ib2, u8 netsys);
u32 ppe_ib2_port_mg(u32 ib2, u8 netsys);
u32 ppe_ib2_port_ag(u32 ib2, u8 netsys);
bool ppe_ib2_wdma_winfo(u32 ib2, u8 netsys);
u32 ppe_ib2_dscp(u32 ib2, u8 netsys);         /* v1 and Airoha (31:24); 0 on v2/v3 */
bool ppe_ib2_fast_path(u32 ib2, u8 netsys);   /* Airoha only */

/* The layout value a format selects (PPE_NETSYS_AIROHA for Airoha lines). */
static inline u8 ppe_fmt_layout(const struct ppe_soc_format *fmt)
{
	return fmt->airoha ? PPE_NETSYS_AIROHA : fmt->netsys;
}

/* WDMA (WED) destination info, from vlan2 (v1), winfo (v2) or w3info (v3). */
struct ppe_wdma_info {
	u32 bss;
	u32 wcid;
	u32 ring;     /* v1 only */
};
void ppe_entry_wdma_info(const struct ppe_entry *e, u8 netsys, struct ppe_wdma_info *wi);

/* Type helpers */
enum ppe_state ppe_entry_state(const struct ppe_entry *e);
u32 ppe_entry_type(const struct ppe_entry *e, const struct ppe_soc_format *fmt);
bool ppe_type_is_ipv6(u32 type);       /* 3T/5T/6RD: orig tuple is IPv6 */
bool ppe_type_has_ports(u32 type);     /* HNAPT, DS-Lite, IPv6 5T print ports */
bool ppe_type_has_new_tuple(u32 type); /* HNAPT, route, DS-Lite print new= */
static inline u16 ppe_ports_sport(u32 ports)
{
	return (u16)(ports >> 16);
}

static inline u16 ppe_ports_dport(u32 ports)
{
	return (u16)ports;
}

static inline u32 ppe_ports_make(u16 sport, u16 dport)
{
	return ((u32)sport << 16) | dport;
}

/* Names the debugfs prints: "UNB"/"BND"/"FIN"/"INV"; "IPv4 5T".."    6RD"/"UNKNOWN"/"L2B". */
const char *ppe_state_name(enum ppe_state state);
const char *ppe_type_name(u32 type, bool airoha);

/*
 * Print the debugfs line of an entry exactly as mtk_ppe_debugfs.c (or airoha_ppe_debugfs.c
 * when fmt->airoha) would, including the trailing '\n'.  Returns the length the full line
 * has (like snprintf: a return >= size means buf was too small and holds a truncated,
 * NUL-terminated prefix), or -1 on a NULL/zero-size buffer.
 */
#define PPE_LINE_MAX 320
int ppe_entry_format_line(const struct ppe_entry *e, const struct ppe_soc_format *fmt,
			  char *buf, size_t size);

/* Building blocks shared with parsers and listings (return chars written, like snprintf). */
int ppe_format_mac(char *buf, size_t size, const u8 mac[6]);       /* "aa:bb:cc:dd:ee:ff" */
int ppe_format_ipv6_full(char *buf, size_t size, const u32 addr[4]); /* 8 groups of 4 digits */
int ppe_format_ipv4(char *buf, size_t size, u32 addr);              /* %pI4h */

#endif /* FS_PPE_FORMAT_H */
