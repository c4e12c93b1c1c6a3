// SPDX-License-Identifier: MIT
/*
 * cmd_ppe_hash.c - `flowsim ppe hash`: the PPE bucket (index of its first slot) that a
 * tuple hashes to, with the core's ppe_hash_tuple() for a SoC's geometry and table size
 * (mtk_ppe_hash_entry).  A tuple is given as 'IPv4 5T a:p->b:q', 'IPv4 3T a->b proto N',
 * the IPv6 forms ([addr]:port or the debugfs eight-group form), or a whole debugfs line,
 * whose orig tuple is hashed and whose index is checked against the result.
 *
 * Exit status: 0 hashed; 1 the hash of this SoC or type is not modelled (or the line's
 * tuple is redacted); 2 usage error (options, tuple syntax).
 */
#include "cmd_ppe.h"

#include <arpa/inet.h>
#include <string.h>

void ppe_cli_usage_hash(FILE *f)
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
	ppe_cli_usage_table_size(f);
	fprintf(f, "\n");
	ppe_cli_list_socs(f);
	fprintf(f,
		"\nExit status: 0 hashed; 1 the hash of this SoC or type is not modelled;\n"
		"2 usage error.\n");
}

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
		else if (ppe_cli_parse_u32(q, &v) && v <= 255)
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

int ppe_cli_run_hash(struct ppe_cli *o)
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
		       ppe_cli_layout_name(g), g->ways, entries,
		       o->entries_set ? "--entries" : "kernel default");
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
