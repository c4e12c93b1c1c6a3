// SPDX-License-Identifier: MIT
/*
 * cmd_ppe.c - `flowsim ppe hash` and `flowsim ppe check`: the MediaTek PPE hash and a
 * checker for real debugfs dumps.
 *
 * hash:  computes the bucket (first slot) a tuple hashes to with the core's
 *        ppe_hash_tuple(), for a SoC's geometry and table size.
 * check: reads a ppeN/entries|bind dump (model/ppe_format.h, traces/ppe_dump.h), decodes
 *        every entry for the SoC's ib1/ib2 layout, recomputes the bucket of every hashable
 *        entry and says ok or MISMATCH per entry.  Bad and foreign lines are reported with
 *        their line numbers and skipped (tolerant) or stop the run (--strict).
 *
 * Exit status: 0 = every hashable entry matches (and, with --strict, the file parses
 * cleanly); 1 = a mismatch, an index outside the table, a strict parse error, no PPE entry
 * at all, or a request the model cannot answer; 2 = usage error (options, tuple syntax,
 * unreadable file).
 */
#include "ppe_dump.h"
#include "ppe_hash.h"
#include "tuple.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cli.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

#define DEFAULT_KERNEL_MAJOR 6
#define DEFAULT_KERNEL_MINOR 6

struct ppe_cli {
	const char *cmd;                        /* "hash" or "check" */
	const char *soc_name;
	const struct ppe_soc_geometry *soc;
	u32 entries;
	bool entries_set;
	u32 kmajor;
	u32 kminor;
	bool verbose;
	bool json;
	bool strict;
	bool brief;
	bool help;
	GPtrArray *args;                        /* positional, borrowed from argv */
};

/* ------------------------------------------------------------------ help ---- */

static void list_socs(FILE *f)
{
	const struct ppe_soc_geometry *g;
	u32 i;

	fprintf(f, "SoCs (--soc):\n");
	for (i = 0; (g = ppe_soc_at(i)) != NULL; i++) {
		if (g->airoha)
			fprintf(f, "  %-7s Airoha layout, %u entries, hash not modelled (see below)\n",
				g->name, g->entries_old);
		else
			fprintf(f, "  %-7s NETSYS v%u, %u-way buckets, %u entries before kernel 6.11, "
				"%u from 6.11%s\n", g->name, g->netsys, g->ways, g->entries_old,
				g->entries_new, g->n_reserved ? ", reserved slots" : "");
	}
}

static void usage_ppe(FILE *f)
{
	fprintf(f,
		"usage: flowsim ppe hash --soc SOC [OPTIONS] TUPLE...\n"
		"       flowsim ppe check [--soc SOC] [OPTIONS] DUMPFILE\n\n"
		"MediaTek PPE (hardware flow offload) hash and debugfs dump checker.\n"
		"Run 'flowsim ppe hash --help' or 'flowsim ppe check --help' for details.\n");
}

static void usage_table_size(FILE *f)
{
	fprintf(f,
		"Table size: --entries N sets it (a power of two).  Without it the size is the\n"
		"SoC's default for --kernel (default %u.%u): MTK_PPE_ENTRIES is 8192 up to 6.10\n"
		"and 16384 from 6.11 (MT7620: 4096).  Dumps from 2021 MT7621 kernels hash with\n"
		"8192.\n",
		DEFAULT_KERNEL_MAJOR, DEFAULT_KERNEL_MINOR);
}

static void usage_hash(FILE *f)
{
	fprintf(f,
		"usage: flowsim ppe hash --soc SOC [--entries N] [--kernel VERSION] [--verbose] "
		"TUPLE...\n\n"
		"Print the PPE bucket (index of its first slot, 5 hex digits as debugfs prints\n"
		"indices) that each TUPLE hashes to (mtk_ppe_hash_entry).  TUPLE is one of:\n"
		"  'IPv4 5T 192.168.1.2:1234->1.2.3.4:443'\n"
		"  'IPv4 3T 192.168.1.2->1.2.3.4 proto 17'\n"
		"  'IPv6 5T [2001:db8::1]:1234->[2001:db8::2]:443'\n"
		"  'IPv6 5T 2001:0db8:0000:0000:0000:0000:0000:0001:1234->...'  (debugfs form)\n"
		"  'IPv6 3T 2001:db8::1->2001:db8::2 proto 6'\n"
		"  a whole debugfs line ('012f2 BND IPv4 5T orig=... ib2=...'): its orig tuple\n"
		"3-tuple types need 'proto N' (or tcp/udp): their ports word is 0xa5a5a500|proto.\n\n"
		"Options:\n"
		"  --soc SOC         SoC geometry (required)\n"
		"  --entries N       table size\n"
		"  --kernel VERSION  kernel version for the default table size (e.g. 6.12)\n"
		"  -v, --verbose     also print the SoC geometry and the bucket's slots\n\n");
	usage_table_size(f);
	fprintf(f, "\n");
	list_socs(f);
	fprintf(f,
		"\nExit status: 0 hashed; 1 the hash of this SoC or type is not modelled;\n"
		"2 usage error.\n");
}

static void usage_check(FILE *f)
{
	fprintf(f,
		"usage: flowsim ppe check [--soc SOC] [--entries N] [--kernel VERSION] [--strict]\n"
		"                         [--json] [--brief] DUMPFILE\n\n"
		"Check a PPE debugfs dump (cat /sys/kernel/debug/ppe0/entries, .../bind, the older\n"
		"mtk_ppe/ files, Airoha's ppe/): decode every entry for the SoC's ib1/ib2 layout,\n"
		"recompute the bucket of each hashable entry and print ok or MISMATCH (with the\n"
		"expected bucket; way = index - bucket).  DUMPFILE '-' reads standard input.\n\n"
		"Lines: '#' comments and blank lines are skipped.  Lines that are not PPE lines\n"
		"(timestamps, conntrack lines in a mixed paste) are skipped and counted as foreign.\n"
		"Truncated or malformed PPE lines are reported with line and column and skipped;\n"
		"with --strict the first such line (or any foreign line) is an error.\n"
		"Entries whose original tuple was redacted by the paste's author (x.x.x.x) are\n"
		"reported as redacted, not as mismatches.  DS-LITE, 6RD and bridge entries are not\n"
		"hashed by the driver; 3T entries cannot be hashed from a dump because their\n"
		"protocol is not printed.  Both are reported as not-hashable.\n\n"
		"Options:\n"
		"  --soc SOC         SoC (ib1/ib2 layout, ways).  Required for MediaTek dumps:\n"
		"                    NETSYS v1 and v2 lines look alike.  Airoha dumps (data=)\n"
		"                    are recognised and imply an7581.\n"
		"  --entries N       table size (see below)\n"
		"  --kernel VERSION  kernel version for the default table size (default %u.%u)\n"
		"  --strict          the first bad or foreign line is an error\n"
		"  --json            JSON report on standard output\n"
		"  --brief           one line per entry (no field decode)\n\n",
		DEFAULT_KERNEL_MAJOR, DEFAULT_KERNEL_MINOR);
	usage_table_size(f);
	fprintf(f,
		"If --entries is not given and an index does not fit the default table, the next\n"
		"size the driver has used (16384) is taken and a note says so; an index beyond\n"
		"that is an error.  With --entries, an index beyond N is an error.\n\n");
	list_socs(f);
	fprintf(f,
		"\nThe Airoha AN7581 driver's software hash does not give the indices real AN7581\n"
		"dumps show, so its entries are decoded but reported as not-modelled.\n\n"
		"JSON keys: file, soc, netsys (1-3, or \"airoha\"), ways, entries, entries_source\n"
		"(option | kernel-default | grown-to-fit), kernel, hash_modelled, format {airoha,\n"
		"counters: all|none|mixed}, notes [..], entries_checked [ {line, index, index_hex,\n"
		"state, type, type_id, status (ok|mismatch|redacted|not-hashable|not-modelled|\n"
		"out-of-range), bucket and bucket_hex (hash result, when hashed), way (when ok),\n"
		"reason (why not hashed), orig {src, dst,\n"
		"sport, dport}, new {..}, redacted [slots], ib1 {raw, state, type, udp, static,\n"
		"timestamp | unbind_packets+unbind_timestamp, ...}, ib2 {raw, dest_port, qid, ...},\n"
		"l2 {src_mac, dst_mac, etype, etype_meaning, etype_printed, vlan1, vlan2, data},\n"
		"wdma {bss, wcid, ring},\n"
		"packets, bytes, text, notes} ], problems [ {line, column, kind (bad|foreign),\n"
		"message} ], summary {entries, hashed, ok, mismatch, redacted, not_hashable,\n"
		"not_modelled, out_of_range, bad_lines, foreign_lines, comment_lines,\n"
		"blank_lines}.\n\n"
		"Exit status: 0 every hashable entry matches (with --strict: and no bad line);\n"
		"1 a mismatch, an index outside the table, a strict parse error, or no PPE entry\n"
		"in the file; 2 usage error or unreadable file.\n");
}

/* --------------------------------------------------------------- options ---- */

static bool parse_u32(const char *s, u32 *out)
{
	char *end;
	unsigned long v;

	if (!s || !g_ascii_isdigit(*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return false;
	*out = (u32)v;
	return true;
}

static bool parse_kernel(const char *s, u32 *major, u32 *minor)
{
	char **parts = g_strsplit(s, ".", 4);
	bool ok = parts[0] && parts[1] && parse_u32(parts[0], major) &&
		  parse_u32(parts[1], minor);
	u32 patch, i;

	for (i = 2; ok && parts[i]; i++)
		ok = parse_u32(parts[i], &patch);
	g_strfreev(parts);
	return ok;
}

/* Returns 0 to go on, or an exit status. */
static int parse_options(struct ppe_cli *o, int argc, char **argv)
{
	int i;

	o->kmajor = DEFAULT_KERNEL_MAJOR;
	o->kminor = DEFAULT_KERNEL_MINOR;
	o->args = g_ptr_array_new();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		const char *eq;
		char name[32];

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				g_ptr_array_add(o->args, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			g_ptr_array_add(o->args, (gpointer)a);
			continue;
		}
		eq = strchr(a, '=');
		g_strlcpy(name, a, eq ? MIN((gsize)(eq - a) + 1, sizeof(name)) : sizeof(name));
		if (eq)
			val = eq + 1;

		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			o->help = true;
			continue;
		}
		if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
			o->verbose = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--json")) {
			o->json = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--strict")) {
			o->strict = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--brief")) {
			o->brief = true;
			continue;
		}
		if (strcmp(name, "--soc") && strcmp(name, "--entries") && strcmp(name, "--kernel")) {
			fprintf(stderr, "flowsim ppe %s: unknown option '%s' (see --help)\n",
				o->cmd, a);
			return EXIT_USAGE;
		}
		if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "flowsim ppe %s: option %s needs a value\n", o->cmd,
					name);
				return EXIT_USAGE;
			}
			val = argv[++i];
		}
		if (!strcmp(name, "--soc")) {
			o->soc_name = val;
			o->soc = ppe_soc_lookup(val);
			if (!o->soc) {
				fprintf(stderr, "flowsim ppe %s: unknown SoC '%s'\n", o->cmd, val);
				list_socs(stderr);
				return EXIT_USAGE;
			}
		} else if (!strcmp(name, "--entries")) {
			if (!parse_u32(val, &o->entries) || o->entries < 1024 ||
			    o->entries > 65536 || (o->entries & (o->entries - 1))) {
				fprintf(stderr, "flowsim ppe %s: --entries '%s': expected a power of "
					"two from 1024 to 65536 (e.g. 8192 or 16384)\n", o->cmd, val);
				return EXIT_USAGE;
			}
			o->entries_set = true;
		} else {
			if (!parse_kernel(val, &o->kmajor, &o->kminor)) {
				fprintf(stderr, "flowsim ppe %s: --kernel '%s': expected a version "
					"like 6.6 or 6.12.30\n", o->cmd, val);
				return EXIT_USAGE;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------- printing ---- */

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

static const char *slot_name(guint slot)
{
	static const char *const names[] = {
		"orig_src", "orig_dst", "new_src", "new_dst", "src_mac", "dst_mac",
	};

	return slot < G_N_ELEMENTS(names) ? names[slot] : "?";
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
static const char *etype_meaning(u16 v, bool airoha, char *buf, gsize size)
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

/* ---------------------------------------------------------------- check ---- */

enum entry_status {
	ST_OK,
	ST_MISMATCH,
	ST_REDACTED,
	ST_NOT_HASHABLE,
	ST_NOT_MODELLED,
	ST_OUT_OF_RANGE,
};

static const char *status_name(enum entry_status st)
{
	static const char *const names[] = {
		"ok", "mismatch", "redacted", "not-hashable", "not-modelled", "out-of-range",
	};

	return names[st];
}

struct verdict {
	enum entry_status status;
	u32 bucket;          /* computed, valid when hashed */
	const char *reason;  /* for not-hashable / not-modelled */
};

struct check_summary {
	u32 entries, hashed, ok, mismatch, redacted, not_hashable, not_modelled, out_of_range;
};

static struct verdict judge(const struct ppe_dump_line *l, const struct ppe_soc_geometry *g,
			    u8 layout, u32 ways, u32 entries)
{
	struct verdict v = { .status = ST_OK };
	u32 type = ppe_ib1_type(l->entry.ib1, layout);

	if (l->entry.index >= entries) {
		v.status = ST_OUT_OF_RANGE;
		return v;
	}
	if (!ppe_type_hashable(type)) {
		v.status = ST_NOT_HASHABLE;
		v.reason = "the driver does not hash this type (mtk_ppe_hash_entry returns "
			   "MTK_PPE_HASH_MASK)";
		return v;
	}
	if (type == PPE_PKT_IPV4_ROUTE || type == PPE_PKT_IPV6_ROUTE_3T) {
		v.status = ST_NOT_HASHABLE;
		v.reason = "3-tuple entry: the ports word (0xa5a5a500|protocol) is not printed";
		return v;
	}
	if (ppe_dump_tuple_redacted(l)) {
		v.status = ST_REDACTED;
		v.reason = "the original tuple was redacted in the paste";
		return v;
	}
	if (!g->hash_modelled) {
		v.status = ST_NOT_MODELLED;
		v.reason = "the hash of this SoC is not modelled";
		return v;
	}
	v.bucket = ppe_hash_entry_type(&l->entry, type, entries, ways);
	v.status = (l->entry.index & ~(ways - 1)) == v.bucket ? ST_OK : ST_MISMATCH;
	return v;
}

static void count_verdict(struct check_summary *s, enum entry_status st)
{
	s->entries++;
	switch (st) {
	case ST_OK:
		s->hashed++;
		s->ok++;
		break;
	case ST_MISMATCH:
		s->hashed++;
		s->mismatch++;
		break;
	case ST_REDACTED:
		s->redacted++;
		break;
	case ST_NOT_HASHABLE:
		s->not_hashable++;
		break;
	case ST_NOT_MODELLED:
		s->not_modelled++;
		break;
	case ST_OUT_OF_RANGE:
		s->out_of_range++;
		break;
	}
}

/* How many hashed entries would match with another geometry (for hints). */
static void count_matches(const struct ppe_dump *d, const struct ppe_soc_geometry *g,
			  u8 layout, u32 ways, u32 entries, u32 *hashed, u32 *ok)
{
	guint i;

	*hashed = 0;
	*ok = 0;
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];
		struct verdict v;

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		v = judge(l, g, layout, ways, entries);
		if (v.status == ST_OK || v.status == ST_MISMATCH)
			(*hashed)++;
		if (v.status == ST_OK)
			(*ok)++;
	}
}

static void describe_ib1(GString *out, JsonBuilder *jb, u32 ib1, u8 layout)
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
		json_builder_set_member_name(jb, "raw");
		json_builder_add_string_value(jb, raw);
		json_builder_set_member_name(jb, "state");
		json_builder_add_string_value(jb, ppe_state_name(st));
		json_builder_set_member_name(jb, "type");
		json_builder_add_int_value(jb, type);
		json_builder_set_member_name(jb, "udp");
		json_builder_add_boolean_value(jb, ppe_ib1_udp(ib1));
		json_builder_set_member_name(jb, "static");
		json_builder_add_boolean_value(jb, ppe_ib1_static(ib1));
		if (bind) {
			json_builder_set_member_name(jb, "timestamp");
			json_builder_add_int_value(jb, ppe_ib1_bind_timestamp(ib1, layout));
			json_builder_set_member_name(jb, "timestamp_mask");
			json_builder_add_int_value(jb, ppe_ib1_timestamp_mask(layout));
			json_builder_set_member_name(jb, "vlan_layer");
			json_builder_add_int_value(jb, ppe_ib1_vlan_layer(ib1, layout));
			json_builder_set_member_name(jb, "pppoe");
			json_builder_add_boolean_value(jb, ppe_ib1_pppoe(ib1, layout));
			if (!airoha) {
				json_builder_set_member_name(jb, "vlan_tag");
				json_builder_add_boolean_value(jb, ppe_ib1_vlan_tag(ib1, layout));
				json_builder_set_member_name(jb, "cache");
				json_builder_add_boolean_value(jb, ppe_ib1_cache(ib1, layout));
			}
			json_builder_set_member_name(jb, "ttl");
			json_builder_add_boolean_value(jb, ppe_ib1_ttl(ib1, layout));
			if (layout == PPE_NETSYS_V1 || airoha) {
				json_builder_set_member_name(jb, "keepalive");
				json_builder_add_boolean_value(jb, ppe_ib1_keepalive(ib1, layout));
			}
		} else {
			json_builder_set_member_name(jb, "unbind_packets");
			json_builder_add_int_value(jb, ppe_ib1_unbind_packets(ib1, layout));
			json_builder_set_member_name(jb, "unbind_timestamp");
			json_builder_add_int_value(jb, ppe_ib1_unbind_timestamp(ib1));
			if (layout == PPE_NETSYS_V1 || airoha) {
				json_builder_set_member_name(jb, "prebind");
				json_builder_add_boolean_value(jb,
							       ppe_ib1_unbind_prebind(ib1, layout));
			}
		}
		json_builder_end_object(jb);
	}
}

static void describe_ib2(GString *out, JsonBuilder *jb, const struct ppe_entry *e, u8 layout)
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
			g_string_append_printf(out, "    wdma (from vlan2): bss %u, wcid %u, ring %u\n",
					       wi.bss, wi.wcid, wi.ring);
		else if (wdma)
			g_string_append_printf(out, "    wdma: not printed by debugfs (winfo on "
					       "NETSYS v2/v3)\n");
	}
	if (jb) {
		json_builder_set_member_name(jb, "ib2");
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "raw");
		json_builder_add_string_value(jb, raw);
		json_builder_set_member_name(jb, "dest_port");
		json_builder_add_int_value(jb, port);
		json_builder_set_member_name(jb, "dest_port_name");
		json_builder_add_string_value(jb, pname);
		json_builder_set_member_name(jb, "qid");
		json_builder_add_int_value(jb, ppe_ib2_qid(ib2, layout));
		json_builder_set_member_name(jb, "pse_qos");
		json_builder_add_boolean_value(jb, ppe_ib2_pse_qos(ib2, layout));
		json_builder_set_member_name(jb, "multicast");
		json_builder_add_boolean_value(jb, ppe_ib2_multicast(ib2, layout));
		if (!airoha) {
			json_builder_set_member_name(jb, "mib_cnt");
			json_builder_add_boolean_value(jb, ppe_ib2_mib_cnt(ib2, layout));
			json_builder_set_member_name(jb, "port_mg");
			json_builder_add_int_value(jb, ppe_ib2_port_mg(ib2, layout));
			json_builder_set_member_name(jb, "wdma_winfo");
			json_builder_add_boolean_value(jb, ppe_ib2_wdma_winfo(ib2, layout));
			json_builder_set_member_name(jb, "wdma");
			json_builder_add_boolean_value(jb, wdma);
		} else {
			json_builder_set_member_name(jb, "fast_path");
			json_builder_add_boolean_value(jb, ppe_ib2_fast_path(ib2, layout));
		}
		json_builder_set_member_name(jb, "port_ag");
		json_builder_add_int_value(jb, ppe_ib2_port_ag(ib2, layout));
		if (layout == PPE_NETSYS_V1 || airoha) {
			json_builder_set_member_name(jb, "dscp");
			json_builder_add_int_value(jb, ppe_ib2_dscp(ib2, layout));
		}
		json_builder_end_object(jb);
		if (wdma && layout == PPE_NETSYS_V1) {
			json_builder_set_member_name(jb, "wdma");
			json_builder_begin_object(jb);
			json_builder_set_member_name(jb, "bss");
			json_builder_add_int_value(jb, wi.bss);
			json_builder_set_member_name(jb, "wcid");
			json_builder_add_int_value(jb, wi.wcid);
			json_builder_set_member_name(jb, "ring");
			json_builder_add_int_value(jb, wi.ring);
			json_builder_end_object(jb);
		}
	}
}

static void json_tuple(JsonBuilder *jb, const char *member, const struct ppe_dump_line *l,
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
	json_builder_set_member_name(jb, "src");
	json_builder_add_string_value(jb, s);
	json_builder_set_member_name(jb, "dst");
	json_builder_add_string_value(jb, d);
	if (ports) {
		json_builder_set_member_name(jb, "sport");
		json_builder_add_int_value(jb, ppe_ports_sport(pw));
		json_builder_set_member_name(jb, "dport");
		json_builder_add_int_value(jb, ppe_ports_dport(pw));
	}
	json_builder_end_object(jb);
	g_free(s);
	g_free(d);
}

static char *tuple_text(const struct ppe_dump_line *l, bool orig, bool ipv6, bool ports)
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

struct check_ctx {
	const struct ppe_cli *o;
	const struct ppe_soc_geometry *g;
	u8 layout;
	u32 ways;
	u32 entries;
	const char *entries_source;
	GPtrArray *notes;          /* char* */
};

static void report_entry(const struct check_ctx *cx, const struct ppe_dump *d,
			 const struct ppe_dump_line *l, const struct verdict *v, GString *out,
			 JsonBuilder *jb)
{
	const struct ppe_entry *e = &l->entry;
	u32 type = ppe_ib1_type(e->ib1, cx->layout);
	bool ipv6 = ppe_type_is_ipv6(type);
	bool tuple = ppe_type_hashable(type) || type == PPE_PKT_IPV4_DSLITE ||
		     type == PPE_PKT_IPV6_6RD;
	bool airoha = cx->layout == PPE_NETSYS_AIROHA;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	char idx[8], mbuf[24], ebuf[40];
	const char *tname = ppe_type_name(type, airoha);
	u32 way = e->index - v->bucket;
	u16 printed_etype = airoha ? e->l2.etype :
				     (u16)((e->l2.etype >> 8) | (e->l2.etype << 8));
	guint i;

	g_snprintf(idx, sizeof(idx), "%05x", e->index);
	if (ppe_soc_slot_reserved(cx->g, e->index, false))
		g_ptr_array_add(notes, g_strdup_printf("slot %s is one the %s driver reserves "
						       "(STATIC, offset %u of its 128-entry block)",
						       idx, cx->g->name, e->index & 127));
	else if (ppe_soc_slot_reserved(cx->g, e->index, true))
		g_ptr_array_add(notes, g_strdup_printf("slot %s is at offset 115 of its "
						       "128-entry block, which crosses a 1 KiB "
						       "boundary but is not reserved by the driver",
						       idx));
	if (ppe_ib1_state(e->ib1) == PPE_STATE_UNBIND && !l->redacted)
		g_ptr_array_add(notes, g_strdup("UNB entry: the hardware fills only the tuple; "
						"new=, eth=, etype and ib2 are left over or zero"));
	for (i = 0; v->status == ST_OK && i < way; i++)
		if (ppe_soc_slot_reserved(cx->g, v->bucket + i, false))
			g_ptr_array_add(notes, g_strdup_printf("way %u (slot %05x) of this bucket "
							       "is reserved (STATIC) on %s", i,
							       v->bucket + i, cx->g->name));
	if (l->normalised)
		g_ptr_array_add(notes, g_strdup("spacing or hex case differs from the kernel's "
						"output (accepted in tolerant mode)"));

	if (out) {
		g_string_append_printf(out, "%s:%u: %s %s %s ", d->filename, l->lineno, idx,
				       ppe_state_name(ppe_ib1_state(e->ib1)), tname);
		switch (v->status) {
		case ST_OK:
			g_string_append_printf(out, "ok: bucket %05x, way %u\n", v->bucket, way);
			break;
		case ST_MISMATCH:
			g_string_append_printf(out, "MISMATCH: hash gives bucket %05x (slots "
					       "%05x-%05x), index is in bucket %05x\n", v->bucket,
					       v->bucket, v->bucket + cx->ways - 1,
					       e->index & ~(cx->ways - 1));
			break;
		case ST_OUT_OF_RANGE:
			g_string_append_printf(out, "out of range: index %s does not fit a "
					       "%u-entry table (try --entries %u)\n", idx,
					       cx->entries, cx->entries * 2);
			break;
		default:
			g_string_append_printf(out, "%s: %s\n", status_name(v->status), v->reason);
			break;
		}
		if (!cx->o->brief) {
			if (tuple) {
				char *t = tuple_text(l, true, ipv6, ppe_type_has_ports(type));

				g_string_append_printf(out, "    orig %s", t);
				g_free(t);
				if (ppe_type_has_new_tuple(type)) {
					t = tuple_text(l, false, false, type != PPE_PKT_IPV4_ROUTE);
					g_string_append_printf(out, ", new %s", t);
					g_free(t);
				}
				g_string_append_c(out, '\n');
			}
			describe_ib1(out, NULL, e->ib1, cx->layout);
			describe_ib2(out, NULL, e, cx->layout);
			ppe_format_mac(mbuf, sizeof(mbuf), e->l2.src_mac);
			g_string_append_printf(out, "    l2 %s", (l->redacted & (1u << PPE_SLOT_SRC_MAC)) ?
					       l->redact_text[PPE_SLOT_SRC_MAC] : mbuf);
			ppe_format_mac(mbuf, sizeof(mbuf), e->l2.dst_mac);
			g_string_append_printf(out, " -> %s, etype field %04x (%s; printed %04x), "
					       "vlan %u,%u",
					       (l->redacted & (1u << PPE_SLOT_DST_MAC)) ?
					       l->redact_text[PPE_SLOT_DST_MAC] : mbuf,
					       e->l2.etype, etype_meaning(e->l2.etype, airoha, ebuf,
									  sizeof(ebuf)),
					       printed_etype, e->l2.vlan1, e->l2.vlan2);
			if (airoha)
				g_string_append_printf(out, ", data %08x", e->data);
			if (l->counters)
				g_string_append_printf(out, ", packets %" G_GUINT64_FORMAT ", bytes %"
						       G_GUINT64_FORMAT, (guint64)e->packets,
						       (guint64)e->bytes);
			g_string_append_c(out, '\n');
		}
		for (i = 0; i < notes->len; i++)
			g_string_append_printf(out, "    note: %s\n", (char *)notes->pdata[i]);
	}

	if (jb) {
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "line");
		json_builder_add_int_value(jb, l->lineno);
		json_builder_set_member_name(jb, "index");
		json_builder_add_int_value(jb, e->index);
		json_builder_set_member_name(jb, "index_hex");
		json_builder_add_string_value(jb, idx);
		json_builder_set_member_name(jb, "state");
		json_builder_add_string_value(jb, ppe_state_name(ppe_ib1_state(e->ib1)));
		json_builder_set_member_name(jb, "type");
		json_builder_add_string_value(jb, tname);
		json_builder_set_member_name(jb, "type_id");
		json_builder_add_int_value(jb, type);
		json_builder_set_member_name(jb, "status");
		json_builder_add_string_value(jb, status_name(v->status));
		if (v->status == ST_OK || v->status == ST_MISMATCH) {
			json_builder_set_member_name(jb, "bucket");
			json_builder_add_int_value(jb, v->bucket);
			json_builder_set_member_name(jb, "bucket_hex");
			g_snprintf(mbuf, sizeof(mbuf), "%05x", v->bucket);
			json_builder_add_string_value(jb, mbuf);
		}
		if (v->status == ST_OK) {
			json_builder_set_member_name(jb, "way");
			json_builder_add_int_value(jb, way);
		}
		if (v->reason) {
			json_builder_set_member_name(jb, "reason");
			json_builder_add_string_value(jb, v->reason);
		}
		if (tuple) {
			json_tuple(jb, "orig", l, true, ipv6, ppe_type_has_ports(type));
			if (ppe_type_has_new_tuple(type))
				json_tuple(jb, "new", l, false, false, type != PPE_PKT_IPV4_ROUTE);
		}
		json_builder_set_member_name(jb, "redacted");
		json_builder_begin_array(jb);
		for (i = 0; i < PPE_SLOT_COUNT; i++)
			if (l->redacted & (1u << i))
				json_builder_add_string_value(jb, slot_name(i));
		json_builder_end_array(jb);
		describe_ib1(NULL, jb, e->ib1, cx->layout);
		describe_ib2(NULL, jb, e, cx->layout);
		json_builder_set_member_name(jb, "l2");
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "src_mac");
		ppe_format_mac(mbuf, sizeof(mbuf), e->l2.src_mac);
		json_builder_add_string_value(jb, (l->redacted & (1u << PPE_SLOT_SRC_MAC)) ?
					      l->redact_text[PPE_SLOT_SRC_MAC] : mbuf);
		json_builder_set_member_name(jb, "dst_mac");
		ppe_format_mac(mbuf, sizeof(mbuf), e->l2.dst_mac);
		json_builder_add_string_value(jb, (l->redacted & (1u << PPE_SLOT_DST_MAC)) ?
					      l->redact_text[PPE_SLOT_DST_MAC] : mbuf);
		json_builder_set_member_name(jb, "etype");
		json_builder_add_int_value(jb, e->l2.etype);
		json_builder_set_member_name(jb, "etype_meaning");
		json_builder_add_string_value(jb, etype_meaning(e->l2.etype, airoha, ebuf,
								sizeof(ebuf)));
		json_builder_set_member_name(jb, "etype_printed");
		g_snprintf(mbuf, sizeof(mbuf), "%04x", printed_etype);
		json_builder_add_string_value(jb, mbuf);
		json_builder_set_member_name(jb, "vlan1");
		json_builder_add_int_value(jb, e->l2.vlan1);
		json_builder_set_member_name(jb, "vlan2");
		json_builder_add_int_value(jb, e->l2.vlan2);
		if (airoha) {
			json_builder_set_member_name(jb, "data");
			g_snprintf(mbuf, sizeof(mbuf), "%08x", e->data);
			json_builder_add_string_value(jb, mbuf);
		}
		json_builder_end_object(jb);
		if (l->counters) {
			json_builder_set_member_name(jb, "packets");
			json_builder_add_int_value(jb, (gint64)e->packets);
			json_builder_set_member_name(jb, "bytes");
			json_builder_add_int_value(jb, (gint64)e->bytes);
		}
		json_builder_set_member_name(jb, "text");
		json_builder_add_string_value(jb, l->text);
		json_builder_set_member_name(jb, "notes");
		json_builder_begin_array(jb);
		for (i = 0; i < notes->len; i++)
			json_builder_add_string_value(jb, notes->pdata[i]);
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
	g_ptr_array_free(notes, TRUE);
}

static void add_note(GPtrArray *notes, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void add_note(GPtrArray *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* "2-3, 7-8": line numbers of one kind, as ranges */
static char *line_ranges(const struct ppe_dump *d, enum ppe_dump_kind kind)
{
	GString *g = g_string_new(NULL);
	guint i;
	u32 start = 0, prev = 0;

	for (i = 0; i <= d->lines->len; i++) {
		const struct ppe_dump_line *l = i < d->lines->len ? d->lines->pdata[i] : NULL;

		if (l && l->kind == kind) {
			if (start && l->lineno == prev + 1) {
				prev = l->lineno;
				continue;
			}
		}
		if (start) {
			if (g->len)
				g_string_append(g, ", ");
			if (start == prev)
				g_string_append_printf(g, "%u", start);
			else
				g_string_append_printf(g, "%u-%u", start, prev);
			start = 0;
		}
		if (l && l->kind == kind) {
			start = l->lineno;
			prev = l->lineno;
		}
	}
	return g_string_free(g, FALSE);
}

/* Nothing to check: say why, listing the bad lines (they usually explain it). */
static void no_entries(const struct ppe_dump *d)
{
	guint i;

	fprintf(stderr, "flowsim ppe check: %s: no usable PPE debugfs entry lines (%u bad, "
		"%u foreign, %u comment, %u blank lines)\n", d->filename, d->n_bad, d->n_foreign,
		d->n_comment, d->n_blank);
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];

		if (l->kind == PPE_DUMP_BAD)
			fprintf(stderr, "%s:%u:%u: %s\n", d->filename, l->lineno, l->column,
				l->error);
	}
}

static int check_buffer(struct ppe_cli *o, const char *name, const char *text, gsize text_len)
{
	struct ppe_dump_opts popts = { .strict = o->strict };
	struct check_summary sum = { 0 };
	struct check_ctx cx = { .o = o };
	struct ppe_dump *d;
	GError *err = NULL;
	JsonBuilder *jb = NULL;
	GString *out = NULL;
	u32 max_index = 0, max_line = 0, alt_hashed, alt_ok;
	bool any_airoha = false, any_mtk = false;
	int rc = 0;
	guint i;

	/* first without the ib1 type check, to learn what the file is */
	popts.netsys = 0;
	d = ppe_dump_parse(name, text, text_len, &popts, &err);
	if (!d) {
		fprintf(stderr, "flowsim ppe check: %s\n", err->message);
		g_clear_error(&err);
		return EXIT_MISMATCH;
	}
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		if (l->airoha)
			any_airoha = true;
		else
			any_mtk = true;
		if (l->entry.index >= max_index) {
			max_index = l->entry.index;
			max_line = l->lineno;
		}
	}
	if (d->n_entries == 0) {
		no_entries(d);
		ppe_dump_free(d);
		return EXIT_MISMATCH;
	}
	if (!o->soc) {
		if (any_airoha && !any_mtk) {
			o->soc = ppe_soc_lookup("an7581");
		} else {
			fprintf(stderr,
				"flowsim ppe check: %s: --soc is required for MediaTek dumps: NETSYS "
				"v1 (mt7620, mt7621, mt7622, mt7623) and v2/v3 (mt7981, mt7986, "
				"mt7988) lay out ib1 differently and use 2- or 4-way buckets, which "
				"a line does not show\n", d->filename);
			ppe_dump_free(d);
			return EXIT_USAGE;
		}
	}
	cx.g = o->soc;
	cx.layout = o->soc->airoha ? PPE_NETSYS_AIROHA : o->soc->netsys;
	cx.ways = o->soc->ways;
	cx.notes = g_ptr_array_new_with_free_func(g_free);
	if (o->soc->airoha && any_mtk)
		add_note(cx.notes, "the file has MediaTek lines (no data= field) but --soc %s is "
			 "Airoha; they are decoded with the Airoha layout", o->soc->name);
	if (!o->soc->airoha && any_airoha) {
		fprintf(stderr, "flowsim ppe check: %s: Airoha lines (data= field) but --soc %s "
			"is a MediaTek SoC: use --soc an7581\n", d->filename, o->soc->name);
		ppe_dump_free(d);
		g_ptr_array_free(cx.notes, TRUE);
		return EXIT_USAGE;
	}

	/* re-read with the SoC's layout so ib1's type is checked against the printed name */
	if (!o->soc->airoha) {
		ppe_dump_free(d);
		popts.netsys = o->soc->netsys;
		d = ppe_dump_parse(name, text, text_len, &popts, &err);
		if (!d) {
			fprintf(stderr, "flowsim ppe check: %s\n", err->message);
			g_clear_error(&err);
			g_ptr_array_free(cx.notes, TRUE);
			return EXIT_MISMATCH;
		}
		if (d->n_entries == 0) {
			no_entries(d);
			ppe_dump_free(d);
			g_ptr_array_free(cx.notes, TRUE);
			return EXIT_MISMATCH;
		}
	}

	/* table size */
	if (o->entries_set) {
		cx.entries = o->entries;
		cx.entries_source = "option";
	} else {
		cx.entries = ppe_soc_default_entries(o->soc, o->kmajor, o->kminor);
		cx.entries_source = "kernel-default";
		if (max_index >= cx.entries && max_index < o->soc->entries_new) {
			add_note(cx.notes, "index %05x (line %u) does not fit the %u-entry table "
				 "of kernel %u.%u: using %u entries (MTK_PPE_ENTRIES from 6.11, or a "
				 "patched kernel); pass --entries to override", max_index, max_line,
				 cx.entries, o->kmajor, o->kminor, o->soc->entries_new);
			cx.entries = o->soc->entries_new;
			cx.entries_source = "grown-to-fit";
		}
	}
	if (d->n_airoha == d->n_entries)
		add_note(cx.notes, "Airoha debugfs format (data= field, etype not byte-swapped)");
	else if (d->n_counters == d->n_entries)
		add_note(cx.notes, "lines print packets=/bytes= (kernel with PPE accounting in "
			 "debugfs)");
	else if (d->n_counters == 0)
		add_note(cx.notes, "lines have no packets=/bytes= (older kernel debugfs)");
	else
		add_note(cx.notes, "%u of %u lines print packets=/bytes=: mixed kernel eras?",
			 d->n_counters, d->n_entries);
	if (!o->soc->hash_modelled)
		add_note(cx.notes, "the %s hash is not modelled: the driver's software hash "
			 "(airoha_ppe_foe_get_entry_hash) does not give the indices real dumps show, "
			 "so entries are decoded but not checked", o->soc->name);

	if (o->json) {
		jb = json_builder_new();
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "entries_checked");
		json_builder_begin_array(jb);
	} else {
		out = g_string_new(NULL);
	}
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];
		struct verdict v;

		if (l->kind == PPE_DUMP_BAD && out)
			g_string_append_printf(out, "%s:%u:%u: bad line skipped: %s\n", d->filename,
					       l->lineno, l->column, l->error);
		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		v = judge(l, o->soc, cx.layout, cx.ways, cx.entries);
		count_verdict(&sum, v.status);
		report_entry(&cx, d, l, &v, out, jb);
	}

	/* hints when entries do not match */
	if (sum.mismatch && o->soc->hash_modelled) {
		u32 alt = cx.entries == 8192 ? 16384 : 8192;

		if (max_index < alt) {
			count_matches(d, o->soc, cx.layout, cx.ways, alt, &alt_hashed, &alt_ok);
			if (alt_ok > sum.ok)
				add_note(cx.notes, "hint: with --entries %u, %u of %u hashed entries "
					 "would match", alt, alt_ok, alt_hashed);
		}
		if (!o->soc->airoha) {
			u32 w = cx.ways == 2 ? 4 : 2;
			u8 lay = cx.ways == 2 ? PPE_NETSYS_V2 : PPE_NETSYS_V1;

			count_matches(d, o->soc, lay, w, cx.entries, &alt_hashed, &alt_ok);
			if (alt_ok > sum.ok)
				add_note(cx.notes, "hint: as a NETSYS v%u SoC (%u-way buckets, e.g. "
					 "--soc %s), %u of %u hashed entries would match", lay, w,
					 w == 4 ? "mt7981" : "mt7621", alt_ok, alt_hashed);
		}
	}

	if (jb) {
		JsonGenerator *gen;
		JsonNode *root;
		char *json, *r;

		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "problems");
		json_builder_begin_array(jb);
		for (i = 0; i < d->lines->len; i++) {
			const struct ppe_dump_line *l = d->lines->pdata[i];

			if (l->kind != PPE_DUMP_BAD && l->kind != PPE_DUMP_FOREIGN)
				continue;
			json_builder_begin_object(jb);
			json_builder_set_member_name(jb, "line");
			json_builder_add_int_value(jb, l->lineno);
			json_builder_set_member_name(jb, "column");
			json_builder_add_int_value(jb, l->column);
			json_builder_set_member_name(jb, "kind");
			json_builder_add_string_value(jb, ppe_dump_kind_name(l->kind));
			json_builder_set_member_name(jb, "message");
			json_builder_add_string_value(jb, l->error);
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "file");
		json_builder_add_string_value(jb, d->filename);
		json_builder_set_member_name(jb, "soc");
		json_builder_add_string_value(jb, o->soc->name);
		json_builder_set_member_name(jb, "netsys");
		if (o->soc->airoha)
			json_builder_add_string_value(jb, "airoha");
		else
			json_builder_add_int_value(jb, o->soc->netsys);
		json_builder_set_member_name(jb, "ways");
		json_builder_add_int_value(jb, cx.ways);
		json_builder_set_member_name(jb, "entries");
		json_builder_add_int_value(jb, cx.entries);
		json_builder_set_member_name(jb, "entries_source");
		json_builder_add_string_value(jb, cx.entries_source);
		json_builder_set_member_name(jb, "kernel");
		r = g_strdup_printf("%u.%u", o->kmajor, o->kminor);
		json_builder_add_string_value(jb, r);
		g_free(r);
		json_builder_set_member_name(jb, "hash_modelled");
		json_builder_add_boolean_value(jb, o->soc->hash_modelled);
		json_builder_set_member_name(jb, "format");
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "airoha");
		json_builder_add_boolean_value(jb, d->n_airoha > 0);
		json_builder_set_member_name(jb, "counters");
		json_builder_add_string_value(jb, d->n_counters == d->n_entries ? "all" :
					      d->n_counters == 0 ? "none" : "mixed");
		json_builder_end_object(jb);
		json_builder_set_member_name(jb, "notes");
		json_builder_begin_array(jb);
		for (i = 0; i < cx.notes->len; i++)
			json_builder_add_string_value(jb, cx.notes->pdata[i]);
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "summary");
		json_builder_begin_object(jb);
#define SUM(k, v) do { json_builder_set_member_name(jb, k); \
		       json_builder_add_int_value(jb, v); } while (0)
		SUM("entries", sum.entries);
		SUM("hashed", sum.hashed);
		SUM("ok", sum.ok);
		SUM("mismatch", sum.mismatch);
		SUM("redacted", sum.redacted);
		SUM("not_hashable", sum.not_hashable);
		SUM("not_modelled", sum.not_modelled);
		SUM("out_of_range", sum.out_of_range);
		SUM("bad_lines", d->n_bad);
		SUM("foreign_lines", d->n_foreign);
		SUM("comment_lines", d->n_comment);
		SUM("blank_lines", d->n_blank);
#undef SUM
		json_builder_end_object(jb);
		json_builder_end_object(jb);
		root = json_builder_get_root(jb);
		gen = json_generator_new();
		json_generator_set_pretty(gen, TRUE);
		json_generator_set_root(gen, root);
		json = json_generator_to_data(gen, NULL);
		fputs(json, stdout);
		fputc('\n', stdout);
		g_free(json);
		json_node_unref(root);
		g_object_unref(gen);
		g_object_unref(jb);
	} else {
		char *ranges;

		printf("%s: %s (%s, %u-way buckets), %u-entry table (%s)\n", d->filename,
		       o->soc->name, o->soc->airoha ? "Airoha layout" :
		       o->soc->netsys == 1 ? "NETSYS v1" : o->soc->netsys == 2 ? "NETSYS v2" :
		       "NETSYS v3", cx.ways, cx.entries,
		       !strcmp(cx.entries_source, "option") ? "--entries" :
		       !strcmp(cx.entries_source, "grown-to-fit") ? "grown to fit an index" :
		       "kernel default");
		for (i = 0; i < cx.notes->len; i++)
			printf("note: %s\n", (char *)cx.notes->pdata[i]);
		fputs(out->str, stdout);
		if (d->n_foreign) {
			ranges = line_ranges(d, PPE_DUMP_FOREIGN);
			printf("%s: skipped %u foreign (non-PPE) line%s: %s\n", d->filename,
			       d->n_foreign, d->n_foreign == 1 ? "" : "s", ranges);
			g_free(ranges);
		}
		printf("summary: %u entries, %u hashed: %u ok, %u mismatch; %u redacted, "
		       "%u not hashable, %u not modelled, %u out of range; %u bad lines, "
		       "%u foreign lines\n", sum.entries, sum.hashed, sum.ok, sum.mismatch,
		       sum.redacted, sum.not_hashable, sum.not_modelled, sum.out_of_range,
		       d->n_bad, d->n_foreign);
		g_string_free(out, TRUE);
	}
	if (sum.mismatch || sum.out_of_range || (o->strict && (d->n_bad || d->n_foreign)))
		rc = EXIT_MISMATCH;
	g_ptr_array_free(cx.notes, TRUE);
	ppe_dump_free(d);
	return rc;
}

/* The input is parsed twice, so it is read once (standard input included). */
static int run_check(struct ppe_cli *o)
{
	const char *path, *name;
	char *text = NULL;
	gsize text_len = 0;
	GError *err = NULL;
	int rc;

	if (o->args->len != 1) {
		fprintf(stderr, "flowsim ppe check: expected one DUMPFILE, got %u (see --help)\n",
			o->args->len);
		return EXIT_USAGE;
	}
	path = o->args->pdata[0];
	name = path;
	if (!strcmp(path, "-")) {
		GIOChannel *ch = g_io_channel_unix_new(0);

		g_io_channel_set_encoding(ch, NULL, NULL);
		if (g_io_channel_read_to_end(ch, &text, &text_len, &err) != G_IO_STATUS_NORMAL) {
			fprintf(stderr, "flowsim ppe check: <stdin>: cannot read: %s\n",
				err ? err->message : "read error");
			g_clear_error(&err);
			g_io_channel_unref(ch);
			g_free(text);
			return EXIT_USAGE;
		}
		g_io_channel_unref(ch);
		name = "<stdin>";
	} else if (!g_file_get_contents(path, &text, &text_len, &err)) {
		fprintf(stderr, "flowsim ppe check: %s\n", err->message);
		g_clear_error(&err);
		return EXIT_USAGE;
	}
	rc = check_buffer(o, name, text, text_len);
	g_free(text);
	return rc;
}

/* ----------------------------------------------------------------- hash ---- */

struct hash_input {
	struct fs_tuple t;
	u8 type;
	bool from_dump;               /* a debugfs line was given */
	struct ppe_dump_line line;
};

static bool parse_port(const char *s, gsize len, u16 *port)
{
	u32 v = 0;
	gsize i;

	if (len == 0 || len > 5)
		return false;
	for (i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (u32)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (u16)v;
	return true;
}

static bool addr_from_text(const char *s, gsize len, bool ipv6, union fs_addr *a)
{
	char buf[64];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, sizeof(*a));
	if (ipv6) {
		struct in6_addr in6;
		guint i;

		if (inet_pton(AF_INET6, buf, &in6) != 1)
			return false;
		for (i = 0; i < 4; i++)
			a->ip6[i] = (u32)in6.s6_addr[i * 4] << 24 |
				    (u32)in6.s6_addr[i * 4 + 1] << 16 |
				    (u32)in6.s6_addr[i * 4 + 2] << 8 | in6.s6_addr[i * 4 + 3];
		return true;
	} else {
		struct in_addr in4;

		if (inet_pton(AF_INET, buf, &in4) != 1)
			return false;
		a->ip = ntohl(in4.s_addr);
		return true;
	}
}

/* One endpoint of a tuple argument; *err is set on failure. */
static bool parse_endpoint(const char *s, gsize len, bool ipv6, bool ports, union fs_addr *a,
			   u16 *port, char **err)
{
	const char *colon;
	gsize alen = len;

	if (!ports) {
		if (ipv6 && len >= 2 && s[0] == '[' && s[len - 1] == ']') {
			s++;
			len -= 2;
		}
		if (!addr_from_text(s, len, ipv6, a)) {
			*err = g_strdup_printf("expected an %s address, found '%.*s'",
					       ipv6 ? "IPv6" : "IPv4", (int)len, s);
			return false;
		}
		return true;
	}
	if (ipv6 && len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);

		if (!rb || rb + 1 >= s + len || rb[1] != ':') {
			*err = g_strdup_printf("expected [IPv6 address]:port, found '%.*s'",
					       (int)len, s);
			return false;
		}
		if (!addr_from_text(s + 1, (gsize)(rb - s - 1), true, a) ||
		    !parse_port(rb + 2, (gsize)(s + len - rb - 2), port)) {
			*err = g_strdup_printf("expected [IPv6 address]:port, found '%.*s'",
					       (int)len, s);
			return false;
		}
		return true;
	}
	colon = NULL;
	for (alen = len; alen > 0; alen--) {
		if (s[alen - 1] == ':') {
			colon = s + alen - 1;
			break;
		}
	}
	if (ipv6) {
		/* the debugfs form: eight groups, then ":port" - nine fields, no "::" */
		guint colons = 0;
		gsize i;

		for (i = 0; i < len; i++)
			colons += s[i] == ':';
		if (colons != 8 || g_strstr_len(s, (gssize)len, "::")) {
			*err = g_strdup_printf("expected [IPv6 address]:port or the debugfs form "
					       "(eight groups then :port), found '%.*s'", (int)len, s);
			return false;
		}
	}
	if (!colon || !addr_from_text(s, (gsize)(colon - s), ipv6, a) ||
	    !parse_port(colon + 1, (gsize)(s + len - colon - 1), port)) {
		*err = g_strdup_printf("expected %s:port, found '%.*s'",
				       ipv6 ? "an IPv6 address" : "an IPv4 address", (int)len, s);
		return false;
	}
	return true;
}

static bool parse_tuple_arg(const char *arg, u8 netsys, struct hash_input *in, char **err)
{
	const char *p = arg, *arrow, *end, *proto_kw;
	bool ipv6, five;
	gsize i;

	/* a whole debugfs line? */
	for (i = 0; i < 5 && g_ascii_isxdigit(arg[i]); i++)
		;
	if (i == 5 && (arg[5] == ' ' || arg[5] == '\t')) {
		struct ppe_dump_opts o = { .netsys = netsys, .strict = false };

		in->from_dump = true;
		if (ppe_dump_parse_line(arg, strlen(arg), &o, &in->line) != PPE_DUMP_ENTRY) {
			*err = g_strdup_printf("column %u: %s", in->line.column,
					       in->line.error ? in->line.error : "not a PPE line");
			return false;
		}
		return true;
	}

	while (*p == ' ' || *p == '\t')
		p++;
	if (!g_ascii_strncasecmp(p, "ipv4", 4))
		ipv6 = false;
	else if (!g_ascii_strncasecmp(p, "ipv6", 4))
		ipv6 = true;
	else {
		*err = g_strdup("expected 'IPv4 5T', 'IPv4 3T', 'IPv6 5T' or 'IPv6 3T' first");
		return false;
	}
	p += 4;
	while (*p == ' ' || *p == '\t' || *p == '-')
		p++;
	if (!g_ascii_strncasecmp(p, "5t", 2))
		five = true;
	else if (!g_ascii_strncasecmp(p, "3t", 2))
		five = false;
	else {
		*err = g_strdup("expected 5T or 3T after the address family");
		return false;
	}
	p += 2;
	if (*p != ' ' && *p != '\t') {
		*err = g_strdup("expected a space after the tuple type");
		return false;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	arrow = strstr(p, "->");
	if (!arrow) {
		*err = g_strdup("expected SRC->DST");
		return false;
	}
	memset(&in->t, 0, sizeof(in->t));
	in->t.family = ipv6 ? FS_AF_INET6 : FS_AF_INET;
	in->t.proto = FS_IPPROTO_TCP;
	in->type = ipv6 ? (five ? PPE_PKT_IPV6_ROUTE_5T : PPE_PKT_IPV6_ROUTE_3T) :
			  (five ? PPE_PKT_IPV4_HNAPT : PPE_PKT_IPV4_ROUTE);
	end = arrow;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (!parse_endpoint(p, (gsize)(end - p), ipv6, five, &in->t.src, &in->t.sport, err))
		return false;
	p = arrow + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	proto_kw = strstr(p, " proto");
	if (!proto_kw)
		proto_kw = strstr(p, "\tproto");
	end = proto_kw ? proto_kw : p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (!parse_endpoint(p, (gsize)(end - p), ipv6, five, &in->t.dst, &in->t.dport, err))
		return false;
	if (proto_kw) {
		const char *q = proto_kw + 6;
		u32 v;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!g_ascii_strcasecmp(q, "tcp"))
			in->t.proto = FS_IPPROTO_TCP;
		else if (!g_ascii_strcasecmp(q, "udp"))
			in->t.proto = FS_IPPROTO_UDP;
		else if (parse_u32(q, &v) && v <= 255)
			in->t.proto = (u8)v;
		else {
			*err = g_strdup_printf("expected 'proto N' (0-255, tcp or udp), found "
					       "'proto %s'", q);
			return false;
		}
	} else if (!five) {
		*err = g_strdup("3-tuple types hash the protocol (ports word "
				"0xa5a5a500|proto): add 'proto N', e.g. 'proto 17'");
		return false;
	}
	return true;
}

static int run_hash(struct ppe_cli *o)
{
	const struct ppe_soc_geometry *g = o->soc;
	u32 entries;
	guint i;
	int rc = 0;

	if (!g) {
		fprintf(stderr, "flowsim ppe hash: --soc is required (see --help)\n");
		return EXIT_USAGE;
	}
	if (o->args->len == 0) {
		fprintf(stderr, "flowsim ppe hash: expected a TUPLE (see --help)\n");
		return EXIT_USAGE;
	}
	if (!g->hash_modelled) {
		fprintf(stderr, "flowsim ppe hash: the %s hash is not modelled: the driver's "
			"software hash does not give the indices real dumps show\n", g->name);
		return EXIT_MISMATCH;
	}
	entries = o->entries_set ? o->entries : ppe_soc_default_entries(g, o->kmajor, o->kminor);

	for (i = 0; i < o->args->len; i++) {
		const char *arg = o->args->pdata[i];
		struct hash_input in;
		char *err = NULL;
		u32 bucket, type, w;

		memset(&in, 0, sizeof(in));
		if (!parse_tuple_arg(arg, g->netsys, &in, &err)) {
			fprintf(stderr, "flowsim ppe hash: '%s': %s\n", arg, err);
			g_free(err);
			ppe_dump_line_clear(&in.line);
			return EXIT_USAGE;
		}
		if (in.from_dump) {
			type = ppe_ib1_type(in.line.entry.ib1, g->netsys);
			if (ppe_dump_tuple_redacted(&in.line)) {
				fprintf(stderr, "flowsim ppe hash: '%s': the original tuple is "
					"redacted; nothing to hash\n", arg);
				rc = EXIT_MISMATCH;
			} else if (!ppe_type_hashable(type) || type == PPE_PKT_IPV4_ROUTE ||
				   type == PPE_PKT_IPV6_ROUTE_3T) {
				fprintf(stderr, "flowsim ppe hash: '%s': type %s %s\n", arg,
					ppe_type_name(type, false),
					ppe_type_hashable(type) ?
					"needs the protocol, which debugfs does not print: use "
					"the 'IPv4 3T a->b proto N' form" :
					"is not hashed by the driver (MTK_PPE_HASH_MASK)");
				rc = EXIT_MISMATCH;
			} else {
				bucket = ppe_hash_entry_type(&in.line.entry, type, entries, g->ways);
				printf("%05x\n", bucket);
				if (o->verbose)
					printf("  dump index %05x: %s\n", in.line.entry.index,
					       (in.line.entry.index & ~(u32)(g->ways - 1)) == bucket ?
					       "in this bucket (ok)" : "NOT in this bucket");
			}
			ppe_dump_line_clear(&in.line);
			if (rc)
				continue;
		} else {
			bucket = ppe_hash_tuple(&in.t, in.type, entries, g->ways);
			printf("%05x\n", bucket);
		}
		if (!o->verbose)
			continue;
		printf("  soc %s: %s, %u-way buckets, %u entries (%s)\n", g->name,
		       g->netsys == 1 ? "NETSYS v1" : g->netsys == 2 ? "NETSYS v2" : "NETSYS v3",
		       g->ways, entries, o->entries_set ? "--entries" : "kernel default");
		printf("  slots:");
		for (w = 0; w < g->ways; w++) {
			u32 slot = bucket + w;

			printf(" %05x%s", slot,
			       ppe_soc_slot_reserved(g, slot, false) ? " (reserved STATIC)" :
			       ppe_soc_slot_reserved(g, slot, true) ? " (offset 115: suspicious)" :
			       "");
		}
		printf("\n");
	}
	return rc;
}

/* ------------------------------------------------------------------ main ---- */

int cmd_ppe(int argc, char **argv)
{
	struct ppe_cli o;
	int rc;

	memset(&o, 0, sizeof(o));
	if (argc < 2) {
		usage_ppe(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage_ppe(stdout);
		return 0;
	}
	if (strcmp(argv[1], "hash") && strcmp(argv[1], "check")) {
		fprintf(stderr, "flowsim ppe: unknown subcommand '%s'\n", argv[1]);
		usage_ppe(stderr);
		return EXIT_USAGE;
	}
	o.cmd = argv[1];
	rc = parse_options(&o, argc - 1, argv + 1);
	if (rc == 0 && o.help) {
		if (!strcmp(o.cmd, "hash"))
			usage_hash(stdout);
		else
			usage_check(stdout);
	} else if (rc == 0) {
		rc = !strcmp(o.cmd, "hash") ? run_hash(&o) : run_check(&o);
	}
	g_ptr_array_free(o.args, TRUE);
	return rc;
}
