// SPDX-License-Identifier: MIT
/*
 * cmd_ppe_decode.c - one PPE entry's fields in words, for `flowsim ppe check`: the
 * original and new tuples (with the paste author's redactions put back), ib1 (state,
 * type, bind timestamp or unbind packet count, VLAN/PPPoE/TTL flags), ib2 (destination
 * PSE port, queue, MIB, WDMA), and what the stored l2.etype means.  Each decoder writes
 * text lines into a GString and/or JSON members into a JsonBuilder; either may be NULL.
 *
 * Field layouts are the core's (model/ppe_format.h): NETSYS v1, v2/v3 and Airoha differ,
 * so every decoder takes the layout.  Nothing here judges an entry (cmd_ppe_check.c does).
 */
#include "cmd_ppe.h"

#include <arpa/inet.h>

static void addr_text(char *buf, gsize size, bool ipv6, const u32 *a)
{
	if (ipv6) {
		struct in6_addr in6;
		guint i;

		for (i = 0; i < 4; i++) {
			in6.s6_addr[i * 4] = (guint8)(a[i] >> 24);
			in6.s6_addr[i * 4 + 1] = (guint8)(a[i] >> 16);
			in6.s6_addr[i * 4 + 2] = (guint8)(a[i] >> 8);
			in6.s6_addr[i * 4 + 3] = (guint8)a[i];
		}
		if (!inet_ntop(AF_INET6, &in6, buf, (socklen_t)size))
			g_strlcpy(buf, "?", size);
	} else {
		g_snprintf(buf, size, "%u.%u.%u.%u", a[0] >> 24, (a[0] >> 16) & 0xff,
			   (a[0] >> 8) & 0xff, a[0] & 0xff);
	}
}

const char *ppe_cli_slot_name(guint slot)
{
	static const char *const names[] = {
		"orig_src", "orig_dst", "new_src", "new_dst", "src_mac", "dst_mac",
	};

	return slot < G_N_ELEMENTS(names) ? names[slot] : "?";
}

const char *ppe_cli_mac_text(const struct ppe_dump_line *l, guint slot, const u8 *mac,
			     char *buf, gsize size)
{
	if (l->redacted & (1u << slot))
		return l->redact_text[slot];
	ppe_format_mac(buf, size, mac);
	return buf;
}

/* One endpoint as text: "1.2.3.4:80", "[2001:db8::1]:443", or the author's redaction. */
static char *endpoint_text(const struct ppe_dump_line *l, guint slot, bool ipv6,
			   const u32 *addr, bool has_port, u16 port)
{
	char a[64];

	if (l->redacted & (1u << slot))
		g_strlcpy(a, l->redact_text[slot], sizeof(a));
	else
		addr_text(a, sizeof(a), ipv6, addr);
	if (!has_port)
		return g_strdup(a);
	return ipv6 ? g_strdup_printf("[%s]:%u", a, port) : g_strdup_printf("%s:%u", a, port);
}

static const char *pse_port_name(u32 port, u8 layout)
{
	static const char *const mtk[16] = {
		"ADMA", "GDM1", "GDM2", "PPE0", "PPE1", "QDMA_TX", "QDMA_RX", "DROP",
		"WDMA0", "WDMA1", "TDMA", "NONE", "PPE2", "WDMA2", "EIP197", "GDM3",
	};
	static const char *const airoha[16] = {
		"CDM1", "GDM1", "GDM2", "GDM3", "PPE1", "CDM2", "CDM3", "CDM4",
		"PPE2", "GDM4", "CDM5", "?", "?", "?", "?", "DROP",
	};

	if (port >= 16)
		return "?";
	return layout == PPE_NETSYS_AIROHA ? airoha[port] : mtk[port];
}

/* Is the destination a Wi-Fi DMA ring (WED)?  v1 writes port 3 with the WINFO bit. */
static bool dest_is_wdma(u32 ib2, u8 layout)
{
	u32 port = ppe_ib2_dest_port(ib2, layout);

	if (layout == PPE_NETSYS_AIROHA)
		return false;
	/*
	 * v1: port 3 with the WINFO bit.  WINFO (17) overlaps PORT_MG (17:12), which offload
	 * version 1 SoCs fill with 0x3f, so a full PORT_MG is not a WDMA marker.
	 */
	if (layout == PPE_NETSYS_V1)
		return port == PPE_PSE_PPE0 && ppe_ib2_wdma_winfo(ib2, layout) &&
		       ppe_ib2_port_mg(ib2, layout) != 0x3f;
	return port == PPE_PSE_WDMA0 || port == PPE_PSE_WDMA1 || port == PPE_PSE_WDMA2;
}

/* What an l2.etype value means (the stored value, not the byte-swapped print). */
const char *ppe_cli_etype_meaning(u16 v, bool airoha, char *buf, gsize size)
{
	u32 low = v & 0xff, high = v >> 8;

	if (v == 0)
		return "none";
	if (v == 0x0800)
		return "IPv4";
	if (v == 0x86dd)
		return "IPv6";
	if (v == 0x8864)
		return "PPPoE session";
	if (!airoha && high <= 1 && low && !(low & (low - 1))) {
		g_snprintf(buf, size, "DSA port %d%s", __builtin_ctz(low),
			   high ? " + VLAN" : "");
		return buf;
	}
	return "unknown (stale or vendor value)";
}

void ppe_cli_describe_ib1(GString *out, JsonBuilder *jb, u32 ib1, u8 layout)
{
	enum ppe_state st = ppe_ib1_state(ib1);
	u32 type = ppe_ib1_type(ib1, layout);
	bool bind = st == PPE_STATE_BIND || st == PPE_STATE_FIN;
	bool airoha = layout == PPE_NETSYS_AIROHA;
	char raw[12];

	g_snprintf(raw, sizeof(raw), "%08x", ib1);
	if (out) {
		g_string_append_printf(out, "    ib1 %s: %s, type %u (%s), %s%s", raw,
				       ppe_state_name(st), type, ppe_type_name(type, airoha),
				       ppe_ib1_udp(ib1) ? "udp" : "not udp",
				       ppe_ib1_static(ib1) ? ", static" : "");
		if (bind) {
			g_string_append_printf(out, ", timestamp %u (%s bits), vlan_layer %u, "
					       "pppoe %d", ppe_ib1_bind_timestamp(ib1, layout),
					       ppe_ib1_timestamp_mask(layout) == 0xff ? "8" : "15",
					       ppe_ib1_vlan_layer(ib1, layout),
					       ppe_ib1_pppoe(ib1, layout));
			if (!airoha)
				g_string_append_printf(out, ", vlan_tag %d, cache %d",
						       ppe_ib1_vlan_tag(ib1, layout),
						       ppe_ib1_cache(ib1, layout));
			g_string_append_printf(out, ", ttl %d", ppe_ib1_ttl(ib1, layout));
			if (layout == PPE_NETSYS_V1 || airoha)
				g_string_append_printf(out, ", keepalive %d",
						       ppe_ib1_keepalive(ib1, layout));
		} else {
			g_string_append_printf(out, ", packets %u, timestamp %u",
					       ppe_ib1_unbind_packets(ib1, layout),
					       ppe_ib1_unbind_timestamp(ib1));
			if (layout == PPE_NETSYS_V1 || airoha)
				g_string_append_printf(out, ", prebind %d",
						       ppe_ib1_unbind_prebind(ib1, layout));
		}
		g_string_append_c(out, '\n');
	}
	if (jb) {
		json_builder_set_member_name(jb, "ib1");
		json_builder_begin_object(jb);
		jb_member_str(jb, "raw", raw);
		jb_member_str(jb, "state", ppe_state_name(st));
		jb_member_int(jb, "type", type);
		jb_member_bool(jb, "udp", ppe_ib1_udp(ib1));
		jb_member_bool(jb, "static", ppe_ib1_static(ib1));
		if (bind) {
			jb_member_int(jb, "timestamp", ppe_ib1_bind_timestamp(ib1, layout));
			jb_member_int(jb, "timestamp_mask", ppe_ib1_timestamp_mask(layout));
			jb_member_int(jb, "vlan_layer", ppe_ib1_vlan_layer(ib1, layout));
			jb_member_bool(jb, "pppoe", ppe_ib1_pppoe(ib1, layout));
			if (!airoha) {
				jb_member_bool(jb, "vlan_tag", ppe_ib1_vlan_tag(ib1, layout));
				jb_member_bool(jb, "cache", ppe_ib1_cache(ib1, layout));
			}
			jb_member_bool(jb, "ttl", ppe_ib1_ttl(ib1, layout));
			if (layout == PPE_NETSYS_V1 || airoha)
				jb_member_bool(jb, "keepalive", ppe_ib1_keepalive(ib1, layout));
		} else {
			jb_member_int(jb, "unbind_packets", ppe_ib1_unbind_packets(ib1, layout));
			jb_member_int(jb, "unbind_timestamp", ppe_ib1_unbind_timestamp(ib1));
			if (layout == PPE_NETSYS_V1 || airoha)
				jb_member_bool(jb, "prebind", ppe_ib1_unbind_prebind(ib1, layout));
		}
		json_builder_end_object(jb);
	}
}

void ppe_cli_describe_ib2(GString *out, JsonBuilder *jb, const struct ppe_entry *e, u8 layout)
{
	u32 ib2 = e->ib2;
	u32 port = ppe_ib2_dest_port(ib2, layout);
	bool airoha = layout == PPE_NETSYS_AIROHA;
	bool wdma = dest_is_wdma(ib2, layout);
	const char *pname = (layout == PPE_NETSYS_V1 && wdma) ? "WDMA on NETSYS v1" :
			    pse_port_name(port, layout);
	struct ppe_wdma_info wi;
	char raw[12];

	g_snprintf(raw, sizeof(raw), "%08x", ib2);
	ppe_entry_wdma_info(e, layout, &wi);
	if (out) {
		g_string_append_printf(out, "    ib2 %s: dest_port %u (%s), qid %u, pse_qos %d, "
				       "multicast %d", raw, port, pname,
				       ppe_ib2_qid(ib2, layout), ppe_ib2_pse_qos(ib2, layout),
				       ppe_ib2_multicast(ib2, layout));
		if (!airoha)
			g_string_append_printf(out, ", mib_cnt %d, port_mg %u",
					       ppe_ib2_mib_cnt(ib2, layout),
					       ppe_ib2_port_mg(ib2, layout));
		else
			g_string_append_printf(out, ", fast_path %d",
					       ppe_ib2_fast_path(ib2, layout));
		if (wdma)
			g_string_append(out, ", wdma_winfo 1");
		g_string_append_printf(out, ", port_ag %u", ppe_ib2_port_ag(ib2, layout));
		if (layout == PPE_NETSYS_V1 || airoha)
			g_string_append_printf(out, ", dscp %u", ppe_ib2_dscp(ib2, layout));
		g_string_append_c(out, '\n');
		if (wdma && layout == PPE_NETSYS_V1)
			g_string_append_printf(out,
					       "    wdma (from vlan2): bss %u, wcid %u, ring %u\n",
					       wi.bss, wi.wcid, wi.ring);
		else if (wdma)
			g_string_append_printf(out, "    wdma: not printed by debugfs (winfo on "
					       "NETSYS v2/v3)\n");
	}
	if (jb) {
		json_builder_set_member_name(jb, "ib2");
		json_builder_begin_object(jb);
		jb_member_str(jb, "raw", raw);
		jb_member_int(jb, "dest_port", port);
		jb_member_str(jb, "dest_port_name", pname);
		jb_member_int(jb, "qid", ppe_ib2_qid(ib2, layout));
		jb_member_bool(jb, "pse_qos", ppe_ib2_pse_qos(ib2, layout));
		jb_member_bool(jb, "multicast", ppe_ib2_multicast(ib2, layout));
		if (!airoha) {
			jb_member_bool(jb, "mib_cnt", ppe_ib2_mib_cnt(ib2, layout));
			jb_member_int(jb, "port_mg", ppe_ib2_port_mg(ib2, layout));
			jb_member_bool(jb, "wdma_winfo", ppe_ib2_wdma_winfo(ib2, layout));
			jb_member_bool(jb, "wdma", wdma);
		} else {
			jb_member_bool(jb, "fast_path", ppe_ib2_fast_path(ib2, layout));
		}
		jb_member_int(jb, "port_ag", ppe_ib2_port_ag(ib2, layout));
		if (layout == PPE_NETSYS_V1 || airoha)
			jb_member_int(jb, "dscp", ppe_ib2_dscp(ib2, layout));
		json_builder_end_object(jb);
		if (wdma && layout == PPE_NETSYS_V1) {
			json_builder_set_member_name(jb, "wdma");
			json_builder_begin_object(jb);
			jb_member_int(jb, "bss", wi.bss);
			jb_member_int(jb, "wcid", wi.wcid);
			jb_member_int(jb, "ring", wi.ring);
			json_builder_end_object(jb);
		}
	}
}

void ppe_cli_json_tuple(JsonBuilder *jb, const char *member, const struct ppe_dump_line *l,
			bool orig, bool ipv6, bool ports)
{
	const struct ppe_entry *e = &l->entry;
	guint s_slot = orig ? PPE_SLOT_ORIG_SRC : PPE_SLOT_NEW_SRC;
	guint d_slot = orig ? PPE_SLOT_ORIG_DST : PPE_SLOT_NEW_DST;
	const u32 *src = orig ? e->src_ip : &e->new_src_ip;
	const u32 *dst = orig ? e->dst_ip : &e->new_dst_ip;
	u32 pw = orig ? e->ports : e->new_ports;
	char *s = endpoint_text(l, s_slot, ipv6, src, false, 0);
	char *d = endpoint_text(l, d_slot, ipv6, dst, false, 0);

	json_builder_set_member_name(jb, member);
	json_builder_begin_object(jb);
	jb_member_str(jb, "src", s);
	jb_member_str(jb, "dst", d);
	if (ports) {
		jb_member_int(jb, "sport", ppe_ports_sport(pw));
		jb_member_int(jb, "dport", ppe_ports_dport(pw));
	}
	json_builder_end_object(jb);
	g_free(s);
	g_free(d);
}

char *ppe_cli_tuple_text(const struct ppe_dump_line *l, bool orig, bool ipv6, bool ports)
{
	const struct ppe_entry *e = &l->entry;
	u32 pw = orig ? e->ports : e->new_ports;
	char *s = endpoint_text(l, orig ? PPE_SLOT_ORIG_SRC : PPE_SLOT_NEW_SRC, ipv6,
				orig ? e->src_ip : &e->new_src_ip, ports, ppe_ports_sport(pw));
	char *d = endpoint_text(l, orig ? PPE_SLOT_ORIG_DST : PPE_SLOT_NEW_DST, ipv6,
				orig ? e->dst_ip : &e->new_dst_ip, ports, ppe_ports_dport(pw));
	char *r = g_strdup_printf("%s -> %s", s, d);

	g_free(s);
	g_free(d);
	return r;
}
