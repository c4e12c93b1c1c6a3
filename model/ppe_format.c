// SPDX-License-Identifier: MIT
/*
 * ppe_format.c - ib1/ib2 field access for every PPE layout and the debugfs line writer.
 *
 * Field positions come from the kernel's mtk_ppe.h (MTK_FOE_IB1_*, MTK_FOE_IB2_*, with the
 * *_V2 variants used on NETSYS v2 and v3) and airoha_eth.h (AIROHA_FOE_IB1_* and AIROHA_FOE_IB2_*).
 * The writer reproduces mtk_ppe_debugfs_foe_show() (mtk_ppe_debugfs.c) and
 * airoha_ppe_debugfs_foe_show() (airoha_ppe_debugfs.c) byte for byte, including their
 * quirks: the MediaTek etype is printed through ntohs() of a CPU-order field (byte-swapped
 * on the little-endian SoCs), types without a tuple print "(null)" for both addresses
 * (vsprintf's answer to a NULL %pI4h pointer), and Airoha IPv6 lines print the last two
 * source MAC bytes as zero because that driver never fills them in for IPv6 types.
 *
 * Invariants: no libc, no FP arithmetic; the writer never writes past size and always
 * NUL-terminates when size > 0; its return value is the length of the full line.
 */
#include "ppe_format.h"

/* ---------------------------------------------------------------- ib1 / ib2 ---- */

static bool is_airoha(u8 netsys)
{
	return netsys == PPE_NETSYS_AIROHA;
}

/* v1 positions are shared by MT7620/7621/7622/7623; NETSYS v2 and v3 use the _V2 masks. */
static bool is_v1(u8 netsys)
{
	return netsys == PPE_NETSYS_V1;
}

u32 ppe_ib1_type(u32 ib1, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib1, 25, 3);    /* MTK_FOE_IB1_PACKET_TYPE */
	return ppe_field(ib1, 23, 5);            /* MTK_FOE_IB1_PACKET_TYPE_V2 */
}

u32 ppe_ib1_set_type(u32 ib1, u8 netsys, u32 type)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field_set(ib1, 25, 3, type);
	return ppe_field_set(ib1, 23, 5, type);
}

u32 ppe_ib1_set_state(u32 ib1, enum ppe_state state)
{
	return ppe_field_set(ib1, PPE_IB1_STATE_SHIFT, 2, (u32)state);
}

u32 ppe_ib1_timestamp_mask(u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return 0x7fff;                   /* 14:0 */
	return 0xff;                             /* MTK_FOE_IB1_BIND_TIMESTAMP_V2 7:0 */
}

u32 ppe_ib1_bind_timestamp(u32 ib1, u8 netsys)
{
	return ib1 & ppe_ib1_timestamp_mask(netsys);
}

u32 ppe_ib1_set_bind_timestamp(u32 ib1, u8 netsys, u32 ts)
{
	u32 mask = ppe_ib1_timestamp_mask(netsys);

	return (ib1 & ~mask) | (ts & mask);
}

u32 ppe_ib1_unbind_timestamp(u32 ib1)
{
	return ppe_field(ib1, 0, 8);
}

/*
 * MTK_FOE_IB1_UNBIND_PACKETS is 23:8 and has no _V2 variant, but on v2/v3 bit 23 is the
 * lowest bit of the packet type, so only 22:8 can be counter bits there.
 */
u32 ppe_ib1_unbind_packets(u32 ib1, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib1, 8, 16);
	return ppe_field(ib1, 8, 15);
}

bool ppe_ib1_unbind_prebind(u32 ib1, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib1, 24, 1);
	return false;
}

u32 ppe_ib1_vlan_layer(u32 ib1, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib1, 16, 4);    /* AIROHA_FOE_IB1_BIND_VLAN_LAYER 19:16 */
	if (is_v1(netsys))
		return ppe_field(ib1, 16, 3);
	return ppe_field(ib1, 14, 3);
}

bool ppe_ib1_pppoe(u32 ib1, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib1, 22, 1);
	if (is_v1(netsys))
		return ppe_field(ib1, 19, 1);
	return ppe_field(ib1, 17, 1);
}

bool ppe_ib1_vlan_tag(u32 ib1, u8 netsys)
{
	if (is_airoha(netsys))
		return false;                    /* Airoha has VPM 21:20 instead */
	if (is_v1(netsys))
		return ppe_field(ib1, 20, 1);
	return ppe_field(ib1, 18, 1);
}

bool ppe_ib1_cache(u32 ib1, u8 netsys)
{
	if (is_airoha(netsys))
		return false;
	if (is_v1(netsys))
		return ppe_field(ib1, 22, 1);
	return ppe_field(ib1, 20, 1);
}

bool ppe_ib1_ttl(u32 ib1, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib1, 24, 1);
	return ppe_field(ib1, 22, 1);
}

bool ppe_ib1_keepalive(u32 ib1, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib1, 15, 1);
	return false;
}

u32 ppe_ib2_qid(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 0, 5);     /* AIROHA_FOE_IB2_NBQ */
	if (is_v1(netsys))
		return ppe_field(ib2, 0, 4);
	return ppe_field(ib2, 0, 7);
}

u32 ppe_ib2_dest_port(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 5, 4);     /* AIROHA_FOE_IB2_PSE_PORT */
	if (is_v1(netsys))
		return ppe_field(ib2, 5, 3);
	return ppe_field(ib2, 9, 4);
}

bool ppe_ib2_pse_qos(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 9, 1);
	if (is_v1(netsys))
		return ppe_field(ib2, 4, 1);
	return ppe_field(ib2, 8, 1);
}

bool ppe_ib2_multicast(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 11, 1);
	if (is_v1(netsys))
		return ppe_field(ib2, 8, 1);
	return ppe_field(ib2, 13, 1);
}

bool ppe_ib2_mib_cnt(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return false;
	if (is_v1(netsys))
		return ppe_field(ib2, 10, 1);
	return ppe_field(ib2, 15, 1);
}

u32 ppe_ib2_port_mg(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return 0;
	if (is_v1(netsys))
		return ppe_field(ib2, 12, 6);
	return ppe_field(ib2, 7, 1);
}

u32 ppe_ib2_port_ag(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 13, 11);
	if (is_v1(netsys))
		return ppe_field(ib2, 18, 6);
	return ppe_field(ib2, 20, 4);
}

/* v1: MTK_FOE_IB2_WDMA_WINFO (17) overlaps PORT_MG; it is set together with DEST_PORT 3. */
bool ppe_ib2_wdma_winfo(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return false;
	if (is_v1(netsys))
		return ppe_field(ib2, 17, 1);
	return ppe_field(ib2, 19, 1);
}

u32 ppe_ib2_dscp(u32 ib2, u8 netsys)
{
	if (is_v1(netsys) || is_airoha(netsys))
		return ppe_field(ib2, 24, 8);
	return 0;
}

bool ppe_ib2_fast_path(u32 ib2, u8 netsys)
{
	if (is_airoha(netsys))
		return ppe_field(ib2, 10, 1);
	return false;
}

void ppe_entry_wdma_info(const struct ppe_entry *e, u8 netsys, struct ppe_wdma_info *wi)
{
	wi->bss = 0;
	wi->wcid = 0;
	wi->ring = 0;
	if (is_v1(netsys)) {
		wi->bss = ppe_field(e->l2.vlan2, 0, 6);
		wi->wcid = ppe_field(e->l2.vlan2, 6, 8);
		wi->ring = ppe_field(e->l2.vlan2, 14, 2);
	} else if (netsys == PPE_NETSYS_V2) {
		wi->bss = ppe_field(e->l2.winfo, 0, 6);
		wi->wcid = ppe_field(e->l2.winfo, 6, 10);
	} else if (netsys == PPE_NETSYS_V3) {
		wi->wcid = ppe_field(e->l2.w3info, 0, 16);
		wi->bss = ppe_field(e->l2.w3info, 16, 8);
	}
}

/* ------------------------------------------------------------------ types ---- */

enum ppe_state ppe_entry_state(const struct ppe_entry *e)
{
	return ppe_ib1_state(e->ib1);
}

u32 ppe_entry_type(const struct ppe_entry *e, const struct ppe_soc_format *fmt)
{
	return ppe_ib1_type(e->ib1, ppe_fmt_layout(fmt));
}

bool ppe_type_is_ipv6(u32 type)
{
	return type == PPE_PKT_IPV6_ROUTE_3T || type == PPE_PKT_IPV6_ROUTE_5T ||
	       type == PPE_PKT_IPV6_6RD;
}

bool ppe_type_has_ports(u32 type)
{
	return type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_DSLITE ||
	       type == PPE_PKT_IPV6_ROUTE_5T;
}

bool ppe_type_has_new_tuple(u32 type)
{
	return type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_ROUTE ||
	       type == PPE_PKT_IPV4_DSLITE;
}

const char *ppe_state_name(enum ppe_state state)
{
	static const char *const names[] = { "INV", "UNB", "BND", "FIN" };

	if ((u32)state >= FS_ARRAY_SIZE(names))
		return "UNK";
	return names[state];
}

/* mtk_foe_pkt_type_str() / airoha ppe_type_str[]: only Airoha names the bridge type. */
const char *ppe_type_name(u32 type, bool airoha)
{
	switch (type) {
	case PPE_PKT_IPV4_HNAPT:
		return "IPv4 5T";
	case PPE_PKT_IPV4_ROUTE:
		return "IPv4 3T";
	case PPE_PKT_BRIDGE:
		return airoha ? "L2B" : "UNKNOWN";
	case PPE_PKT_IPV4_DSLITE:
		return "DS-LITE";
	case PPE_PKT_IPV6_ROUTE_3T:
		return "IPv6 3T";
	case PPE_PKT_IPV6_ROUTE_5T:
		return "IPv6 5T";
	case PPE_PKT_IPV6_6RD:
		return "6RD";
	default:
		return "UNKNOWN";
	}
}

/* ------------------------------------------------------------------ writer ---- */

/* An snprintf-style sink: counts the full length, stores what fits, keeps a NUL. */
struct ppe_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct ppe_out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
		o->buf[o->len + 1] = '\0';
	}
	o->len++;
}

static void out_str(struct ppe_out *o, const char *s)
{
	u32 i;

	for (i = 0; s[i] != '\0' && i < 4096; i++)
		out_char(o, s[i]);
}

static const char hex_digits[] = "0123456789abcdef";

static void out_hex(struct ppe_out *o, u32 val, u32 digits)
{
	u32 i;

	for (i = digits; i > 0; i--)
		out_char(o, hex_digits[(val >> ((i - 1) * 4)) & 0xf]);
}

/* Unsigned decimal without leading zeros (what %d/%u print for these values). */
static void out_dec(struct ppe_out *o, u32 val)
{
	char tmp[12];
	u32 n = 0;

	do {
		tmp[n++] = (char)('0' + val % 10);
		val /= 10;
	} while (val != 0 && n < sizeof(tmp));
	while (n > 0)
		out_char(o, tmp[--n]);
}

/*
 * 64-bit counters go through fs_snprintf: a u64 division would need libgcc's __udivdi3,
 * which 32-bit kernels (MT7621 is MIPS32) do not link.
 */
static void out_u64(struct ppe_out *o, u64 val)
{
	char tmp[24];

	fs_snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)val);
	out_str(o, tmp);
}

static void out_ipv4(struct ppe_out *o, u32 addr)
{
	out_dec(o, addr >> 24);
	out_char(o, '.');
	out_dec(o, (addr >> 16) & 0xff);
	out_char(o, '.');
	out_dec(o, (addr >> 8) & 0xff);
	out_char(o, '.');
	out_dec(o, addr & 0xff);
}

/* %pI6 (not %pI6c): eight groups of four lowercase hex digits, no "::" compression. */
static void out_ipv6(struct ppe_out *o, const u32 addr[4])
{
	u32 i;

	for (i = 0; i < 8; i++) {
		if (i)
			out_char(o, ':');
		out_hex(o, (addr[i / 2] >> ((i & 1) ? 0 : 16)) & 0xffff, 4);
	}
}

static void out_mac(struct ppe_out *o, const u8 mac[6])
{
	u32 i;

	for (i = 0; i < 6; i++) {
		if (i)
			out_char(o, ':');
		out_hex(o, mac[i], 2);
	}
}

/*
 * mtk_print_addr_info(): "src[:sport]->dst[:dport]".  has_addr false reproduces the NULL
 * pointers the driver passes for types without a tuple.
 */
static void out_tuple(struct ppe_out *o, bool has_addr, bool ipv6, const u32 *src,
		      const u32 *dst, bool ports, u32 ports_word)
{
	if (!has_addr)
		out_str(o, "(null)");
	else if (ipv6)
		out_ipv6(o, src);
	else
		out_ipv4(o, src[0]);
	if (ports) {
		out_char(o, ':');
		out_dec(o, ppe_ports_sport(ports_word));
	}
	out_str(o, "->");
	if (!has_addr)
		out_str(o, "(null)");
	else if (ipv6)
		out_ipv6(o, dst);
	else
		out_ipv4(o, dst[0]);
	if (ports) {
		out_char(o, ':');
		out_dec(o, ppe_ports_dport(ports_word));
	}
}

static bool type_has_tuple(u32 type)
{
	return type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_ROUTE ||
	       type == PPE_PKT_IPV4_DSLITE || ppe_type_is_ipv6(type);
}

static void out_pad_left(struct ppe_out *o, const char *s, u32 width)
{
	u32 n = 0;

	while (s[n] != '\0' && n < width)
		n++;
	while (n < width) {
		out_char(o, ' ');
		n++;
	}
	out_str(o, s);
}

int ppe_entry_format_line(const struct ppe_entry *e, const struct ppe_soc_format *fmt,
			  char *buf, size_t size)
{
	struct ppe_out o = { .buf = buf, .size = size, .len = 0 };
	u32 type = ppe_entry_type(e, fmt);
	bool has_tuple = type_has_tuple(type);
	bool ipv6 = ppe_type_is_ipv6(type);
	u8 src_mac[6];
	u16 etype;

	if (!buf || size == 0)
		return -1;
	buf[0] = '\0';

	out_hex(&o, e->index, 5);                /* %05x: indices stay below 0x100000 */
	out_char(&o, ' ');
	out_str(&o, ppe_state_name(ppe_entry_state(e)));
	out_char(&o, ' ');
	out_pad_left(&o, ppe_type_name(type, fmt->airoha), 7);

	/* Airoha skips orig= for types without a tuple; MediaTek prints (null)->(null). */
	if (has_tuple || !fmt->airoha) {
		out_str(&o, " orig=");
		out_tuple(&o, has_tuple, ipv6, e->src_ip, e->dst_ip, ppe_type_has_ports(type),
			  e->ports);
	}
	if (ppe_type_has_new_tuple(type)) {
		out_str(&o, " new=");
		out_tuple(&o, true, false, &e->new_src_ip, &e->new_dst_ip,
			  type != PPE_PKT_IPV4_ROUTE, e->new_ports);
	}

	fs_memcpy(src_mac, e->l2.src_mac, sizeof(src_mac));
	if (fmt->airoha && type >= PPE_PKT_IPV6_ROUTE_3T) {
		/* airoha_ppe_debugfs.c only sets h_source[4..5] for IPv4 layouts */
		src_mac[4] = 0;
		src_mac[5] = 0;
	}
	/* ntohs() of a CPU-order u16 on a little-endian SoC: the bytes come out swapped */
	etype = fmt->airoha ? e->l2.etype : (u16)((e->l2.etype >> 8) | (e->l2.etype << 8));

	out_str(&o, " eth=");
	out_mac(&o, src_mac);
	out_str(&o, "->");
	out_mac(&o, e->l2.dst_mac);
	out_str(&o, " etype=");
	out_hex(&o, etype, 4);
	if (fmt->airoha) {
		out_str(&o, " data=");
		out_hex(&o, e->data, 8);
	}
	out_str(&o, " vlan=");
	out_dec(&o, e->l2.vlan1);
	out_char(&o, ',');
	out_dec(&o, e->l2.vlan2);
	out_str(&o, " ib1=");
	out_hex(&o, e->ib1, 8);
	out_str(&o, " ib2=");
	out_hex(&o, e->ib2, 8);
	if (fmt->counters || fmt->airoha) {
		out_str(&o, " packets=");
		out_u64(&o, e->packets);
		out_str(&o, " bytes=");
		out_u64(&o, e->bytes);
	}
	out_char(&o, '\n');
	return (int)o.len;
}

int ppe_format_mac(char *buf, size_t size, const u8 mac[6])
{
	struct ppe_out o = { .buf = buf, .size = size, .len = 0 };

	if (!buf || size == 0)
		return -1;
	buf[0] = '\0';
	out_mac(&o, mac);
	return (int)o.len;
}

int ppe_format_ipv6_full(char *buf, size_t size, const u32 addr[4])
{
	struct ppe_out o = { .buf = buf, .size = size, .len = 0 };

	if (!buf || size == 0)
		return -1;
	buf[0] = '\0';
	out_ipv6(&o, addr);
	return (int)o.len;
}

int ppe_format_ipv4(char *buf, size_t size, u32 addr)
{
	struct ppe_out o = { .buf = buf, .size = size, .len = 0 };

	if (!buf || size == 0)
		return -1;
	buf[0] = '\0';
	out_ipv4(&o, addr);
	return (int)o.len;
}
