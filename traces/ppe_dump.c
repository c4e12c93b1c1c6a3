// SPDX-License-Identifier: MIT
/*
 * ppe_dump.c - parse PPE debugfs dumps (MediaTek ppeN/entries|bind, mtk_ppe/, Airoha ppe/).
 *
 * The grammar is the line mtk_ppe_debugfs_foe_show() / airoha_ppe_debugfs_foe_show() print:
 *
 *   IDX SP STATE SP TYPE7 [SP "orig=" TUPLE] [SP "new=" TUPLE4] SP "eth=" MAC "->" MAC
 *   SP "etype=" HEX4 [SP "data=" HEX8] SP "vlan=" DEC "," DEC SP "ib1=" HEX8 SP "ib2=" HEX8
 *   [SP "packets=" DEC SP "bytes=" DEC]
 *
 * where IDX is %05x, TYPE7 the type name right-aligned in 7 columns, TUPLE
 * "src[:port]->dst[:port]" with IPv4 as dotted quads and IPv6 as eight 4-digit groups,
 * "(null)->(null)" for MediaTek types without a tuple, and no orig= at all for those types
 * on Airoha.  The printed type name decides which tuple fields follow, as the driver's own
 * switch does; ib1 is checked against it afterwards.
 *
 * Invariants: every input line ends up in exactly one class (see ppe_dump.h); no input can
 * make the parser read outside the line; messages carry line and column.
 */
#include <string.h>

#include "ppe_dump.h"


struct cursor {
	const char *s;
	gsize len;
	gsize pos;
	bool strict;
	bool normalised;
	char *err;          /* g_strdup'd message on failure */
	gsize err_col;      /* 0-based */
};

static const char *const type_names[] = {
	[PPE_PKT_IPV4_HNAPT] = "IPv4 5T",
	[PPE_PKT_IPV4_ROUTE] = "IPv4 3T",
	[PPE_PKT_BRIDGE] = "L2B",
	[PPE_PKT_IPV4_DSLITE] = "DS-LITE",
	[PPE_PKT_IPV6_ROUTE_3T] = "IPv6 3T",
	[PPE_PKT_IPV6_ROUTE_5T] = "IPv6 5T",
	[6] = NULL,
	[PPE_PKT_IPV6_6RD] = "6RD",
};

const char *ppe_dump_kind_name(enum ppe_dump_kind kind)
{
	switch (kind) {
	case PPE_DUMP_ENTRY:
		return "entry";
	case PPE_DUMP_BLANK:
		return "blank";
	case PPE_DUMP_COMMENT:
		return "comment";
	case PPE_DUMP_FOREIGN:
		return "foreign";
	case PPE_DUMP_BAD:
		return "bad";
	}
	return "?";
}

/* ------------------------------------------------------------ cursor ---- */

static bool at_end(const struct cursor *c)
{
	return c->pos >= c->len;
}

static char peek(const struct cursor *c)
{
	return at_end(c) ? '\0' : c->s[c->pos];
}

static bool has_prefix(const struct cursor *c, const char *lit)
{
	gsize n = strlen(lit);

	return c->len - c->pos >= n && memcmp(c->s + c->pos, lit, n) == 0;
}

/* What the text at pos looks like, for messages: a short escaped excerpt. */
static char *found_text(const struct cursor *c, gsize pos)
{
	GString *g;
	gsize i;

	if (pos >= c->len)
		return g_strdup("end of line (line truncated?)");
	g = g_string_new("'");
	for (i = pos; i < c->len && i < pos + 24; i++) {
		unsigned char ch = (unsigned char)c->s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\'')
			g_string_append_c(g, (char)ch);
		else
			g_string_append_printf(g, "\\x%02x", ch);
	}
	if (i < c->len)
		g_string_append(g, "...");
	g_string_append_c(g, '\'');
	/* a lone field that runs into the end of the line is most likely a cut paste */
	if (i == c->len && c->len - pos < 24 && !memchr(c->s + pos, ' ', c->len - pos) &&
	    !memchr(c->s + pos, '\t', c->len - pos) && !memchr(c->s + pos, '=', c->len - pos) &&
	    !g_strstr_len(c->s + pos, (gssize)(c->len - pos), "->"))
		g_string_append(g, " at the end of the line (line truncated?)");
	return g_string_free(g, FALSE);
}

static bool fail_at(struct cursor *c, gsize pos, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool fail_at(struct cursor *c, gsize pos, const char *fmt, ...)
{
	char *what, *found;
	va_list ap;

	if (c->err)
		return false;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	found = found_text(c, pos);
	c->err = g_strdup_printf("expected %s, found %s", what, found);
	c->err_col = pos;
	g_free(what);
	g_free(found);
	return false;
}

/* One field separator: exactly one space (strict), or any run of blanks (tolerant). */
static bool expect_sep(struct cursor *c, const char *before)
{
	gsize start = c->pos;

	while (!at_end(c) && (peek(c) == ' ' || peek(c) == '\t'))
		c->pos++;
	if (c->pos - start == 1 && c->s[start] == ' ')
		return true;
	if (c->pos == start || c->strict) {
		c->pos = start;
		return fail_at(c, start, "a single space before %s", before);
	}
	c->normalised = true;
	return true;
}

static bool expect_lit(struct cursor *c, const char *lit)
{
	if (!has_prefix(c, lit))
		return fail_at(c, c->pos, "'%s'", lit);
	c->pos += strlen(lit);
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly n hex digits (the kernel prints %0Nx: lowercase, zero padded). */
static bool expect_hex(struct cursor *c, guint n, const char *what, guint32 *out)
{
	guint32 v = 0;
	guint i;

	for (i = 0; i < n; i++) {
		char ch = c->pos + i < c->len ? c->s[c->pos + i] : '\0';
		int d = hexval(ch);

		if (d < 0)
			return fail_at(c, c->pos, "%s (%u hex digits)", what, n);
		if (ch >= 'A' && ch <= 'F') {
			if (c->strict)
				return fail_at(c, c->pos + i, "%s in lowercase hex", what);
			c->normalised = true;
		}
		v = (v << 4) | (guint32)d;
	}
	/* a longer run of hex digits is a different field width, not this one */
	if (c->pos + n < c->len && hexval(c->s[c->pos + n]) >= 0)
		return fail_at(c, c->pos, "%s (%u hex digits)", what, n);
	c->pos += n;
	*out = v;
	return true;
}

/* Unsigned decimal as %d/%llu print it: no sign, no leading zeros, at most max. */
static bool expect_dec(struct cursor *c, guint64 max, const char *what, guint64 *out)
{
	gsize start = c->pos;
	guint64 v = 0;

	while (!at_end(c) && g_ascii_isdigit(peek(c))) {
		guint d = (guint)(peek(c) - '0');

		if (v > (max - d) / 10) {
			c->pos = start;
			return fail_at(c, start, "%s (at most %" G_GUINT64_FORMAT ")", what, max);
		}
		v = v * 10 + d;
		c->pos++;
	}
	if (c->pos == start)
		return fail_at(c, start, "%s (decimal)", what);
	if (c->pos - start > 1 && c->s[start] == '0') {
		if (c->strict) {
			c->pos = start;
			return fail_at(c, start, "%s without leading zeros", what);
		}
		c->normalised = true;
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------ address forms ---- */

bool ppe_dump_parse_ipv4(const char *s, gsize len, u32 *addr)
{
	guint32 v = 0;
	gsize i = 0;
	guint part;

	for (part = 0; part < 4; part++) {
		guint octet = 0, digits = 0;

		while (i < len && g_ascii_isdigit(s[i]) && digits < 4) {
			octet = octet * 10 + (guint)(s[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0 || digits > 3 || octet > 255)
			return false;
		if (digits > 1 && s[i - digits] == '0')
			return false;   /* %pI4h never prints leading zeros */
		v = (v << 8) | octet;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != len)
		return false;
	*addr = v;
	return true;
}

bool ppe_dump_parse_ipv6_full(const char *s, gsize len, u32 addr[4])
{
	guint32 w[4] = { 0, 0, 0, 0 };
	guint g, k;

	if (len != 39)
		return false;
	for (g = 0; g < 8; g++) {
		guint32 v = 0;

		for (k = 0; k < 4; k++) {
			int d = hexval(s[g * 5 + k]);

			if (d < 0)
				return false;
			v = (v << 4) | (guint32)d;
		}
		if (g < 7 && s[g * 5 + 4] != ':')
			return false;
		w[g / 2] |= v << ((g & 1) ? 0 : 16);
	}
	memcpy(addr, w, sizeof(w));
	return true;
}

bool ppe_dump_parse_mac(const char *s, gsize len, u8 mac[6])
{
	guint i;

	if (len != 17)
		return false;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return true;
}

/*
 * A paste author's redaction: "x.x.x.x", "a.b.c.d", "xx:xx:xx:xx:xx:xx", "xxx", "***": an
 * address-shaped token with a character the field cannot hold ('*', '?', '_', and letters -
 * any letter in an IPv4 address, non-hex letters in IPv6 addresses and MACs).
 */
static bool looks_redacted(const char *s, gsize len, bool hex_field)
{
	bool marker = false;
	gsize i;

	if (len == 0 || len >= PPE_REDACT_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == '*' || ch == '?' || ch == '_' ||
		    (g_ascii_isalpha(ch) && (!hex_field || hexval(ch) < 0)))
			marker = true;
		else if (!(g_ascii_isalnum(ch) || ch == '.' || ch == ':'))
			return false;
	}
	return marker;
}

static void note_redacted(struct ppe_dump_line *l, enum ppe_dump_slot slot, const char *s,
			  gsize len)
{
	l->redacted |= 1u << slot;
	memcpy(l->redact_text[slot], s, len);
	l->redact_text[slot][len] = '\0';
}

/* End of an address token: before "->", a blank, or (IPv4 only) a ':' port separator. */
static gsize token_end(const struct cursor *c, bool stop_at_colon)
{
	gsize i;

	for (i = c->pos; i < c->len; i++) {
		char ch = c->s[i];

		if (ch == ' ' || ch == '\t' || (stop_at_colon && ch == ':'))
			break;
		if (ch == '-' && i + 1 < c->len && c->s[i + 1] == '>')
			break;
	}
	return i;
}

static bool expect_port(struct cursor *c, guint16 *port)
{
	guint64 v;

	if (!expect_lit(c, ":"))
		return false;
	if (!expect_dec(c, 65535, "a port number", &v))
		return false;
	*port = (guint16)v;
	return true;
}

/* One address of a tuple (and its port if the type prints ports). */
static bool expect_addr(struct cursor *c, struct ppe_dump_line *l, enum ppe_dump_slot slot,
			bool ipv6, bool ports, u32 *addr, guint16 *port)
{
	gsize start = c->pos, end, alen;

	if (!ipv6) {
		end = token_end(c, true);
		alen = end - start;
		if (!ppe_dump_parse_ipv4(c->s + start, alen, addr)) {
			if (!looks_redacted(c->s + start, alen, false))
				return fail_at(c, start, "an IPv4 address");
			note_redacted(l, slot, c->s + start, alen);
			*addr = 0;
		}
		c->pos = end;
		return ports ? expect_port(c, port) : true;
	}

	end = token_end(c, false);
	alen = end - start;
	if (ports) {
		/* "%pI6:%d": the port is the field after the last colon */
		gsize k = end;

		while (k > start && c->s[k - 1] != ':')
			k--;
		if (k == start)
			return fail_at(c, start, "an IPv6 address followed by ':port'");
		alen = k - 1 - start;
	}
	if (!ppe_dump_parse_ipv6_full(c->s + start, alen, addr)) {
		if (!looks_redacted(c->s + start, alen, true))
			return fail_at(c, start,
				       "an IPv6 address as eight groups of four hex digits");
		note_redacted(l, slot, c->s + start, alen);
		memset(addr, 0, 4 * sizeof(u32));
	} else if (c->strict) {
		gsize i;

		for (i = start; i < start + alen; i++)
			if (c->s[i] >= 'A' && c->s[i] <= 'F')
				return fail_at(c, i, "an IPv6 address in lowercase hex");
	} else {
		gsize i;

		for (i = start; i < start + alen; i++)
			if (c->s[i] >= 'A' && c->s[i] <= 'F')
				c->normalised = true;
	}
	c->pos = start + alen;
	return ports ? expect_port(c, port) : true;
}

static bool expect_tuple(struct cursor *c, struct ppe_dump_line *l, bool orig, bool ipv6,
			 bool ports)
{
	struct ppe_entry *e = &l->entry;
	guint16 sport = 0, dport = 0;
	u32 src[4] = { 0 }, dst[4] = { 0 };

	if (!expect_addr(c, l, orig ? PPE_SLOT_ORIG_SRC : PPE_SLOT_NEW_SRC, ipv6, ports, src,
			 &sport))
		return false;
	if (!expect_lit(c, "->"))
		return false;
	if (!expect_addr(c, l, orig ? PPE_SLOT_ORIG_DST : PPE_SLOT_NEW_DST, ipv6, ports, dst,
			 &dport))
		return false;
	if (orig) {
		memcpy(e->src_ip, src, sizeof(e->src_ip));
		memcpy(e->dst_ip, dst, sizeof(e->dst_ip));
		if (ports)
			e->ports = ppe_ports_make(sport, dport);
	} else {
		e->new_src_ip = src[0];
		e->new_dst_ip = dst[0];
		if (ports)
			e->new_ports = ppe_ports_make(sport, dport);
	}
	return true;
}

static bool expect_mac(struct cursor *c, struct ppe_dump_line *l, enum ppe_dump_slot slot,
		       u8 mac[6])
{
	gsize start = c->pos, end = token_end(c, false);
	gsize i;

	if (ppe_dump_parse_mac(c->s + start, end - start, mac)) {
		for (i = start; i < end; i++) {
			if (c->s[i] >= 'A' && c->s[i] <= 'F') {
				if (c->strict)
					return fail_at(c, i, "a MAC address in lowercase hex");
				c->normalised = true;
			}
		}
	} else if (looks_redacted(c->s + start, end - start, true)) {
		note_redacted(l, slot, c->s + start, end - start);
		memset(mac, 0, 6);
	} else {
		return fail_at(c, start, "a MAC address (aa:bb:cc:dd:ee:ff)");
	}
	c->pos = end;
	return true;
}

/* ----------------------------------------------------------- the line ---- */

static bool expect_state(struct cursor *c, enum ppe_state *state)
{
	static const char *const names[] = { "INV", "UNB", "BND", "FIN" };
	guint i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if (has_prefix(c, names[i])) {
			c->pos += 3;
			*state = (enum ppe_state)i;
			return true;
		}
	}
	return fail_at(c, c->pos, "an entry state (UNB, BND or FIN)");
}

/* Does the text at pos spell name, with its one inner space stretched (tolerant)? */
static gsize match_type_name(const struct cursor *c, gsize pos, const char *name, bool strict,
			     bool *stretched)
{
	gsize i = pos, k;

	*stretched = false;
	for (k = 0; name[k] != '\0'; k++) {
		if (name[k] == ' ' && !strict) {
			gsize run = 0;

			while (i < c->len && (c->s[i] == ' ' || c->s[i] == '\t')) {
				i++;
				run++;
			}
			if (run == 0)
				return 0;
			if (run != 1 || c->s[i - 1] != ' ')
				*stretched = true;
			continue;
		}
		if (i >= c->len || c->s[i] != name[k])
			return 0;
		i++;
	}
	/* the name must end the field */
	if (i < c->len && c->s[i] != ' ' && c->s[i] != '\t')
		return 0;
	return i - pos;
}

/* " %7s": one separator space, then the name right-aligned in seven columns. */
static bool expect_type(struct cursor *c, u32 *type)
{
	gsize start = c->pos, pos = c->pos, blanks;
	guint i;

	while (pos < c->len && (c->s[pos] == ' ' || c->s[pos] == '\t'))
		pos++;
	blanks = pos - start;
	if (blanks == 0)
		return fail_at(c, start, "a space before the entry type");
	for (i = 0; i < G_N_ELEMENTS(type_names) + 1; i++) {
		const char *name = i < G_N_ELEMENTS(type_names) ? type_names[i] : "UNKNOWN";
		bool stretched;
		gsize n;
		bool exact;

		if (!name)
			continue;
		n = match_type_name(c, pos, name, c->strict, &stretched);
		if (n == 0)
			continue;
		exact = !stretched && blanks == 1 + (7 - MIN(strlen(name), 7)) &&
			memchr(c->s + start, '\t', blanks) == NULL;
		if (!exact) {
			if (c->strict)
				return fail_at(c, start,
					       "the entry type right-aligned in 7 columns (\"%*s\")",
					       7, name);
			c->normalised = true;
		}
		c->pos = pos + n;
		*type = i < G_N_ELEMENTS(type_names) ? i : PPE_DUMP_TYPE_UNNAMED;
		return true;
	}
	return fail_at(c, pos, "an entry type (IPv4 5T, IPv4 3T, DS-LITE, IPv6 3T, IPv6 5T, 6RD, "
		       "L2B or UNKNOWN)");
}

static bool type_has_tuple(u32 type)
{
	return type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV4_ROUTE ||
	       type == PPE_PKT_IPV4_DSLITE || ppe_type_is_ipv6(type);
}

/* Parse everything after the leading blanks of a line that looks like a PPE line. */
static bool parse_entry(struct cursor *c, const struct ppe_dump_opts *opts,
			struct ppe_dump_line *l)
{
	struct ppe_entry *e = &l->entry;
	enum ppe_state state = PPE_STATE_INVALID;
	guint32 v, etype_printed;
	guint64 d;
	gsize ib1_col, eth_col, type_col;
	bool had_orig;
	u32 type = 0;
	u8 layout;

	if (!expect_hex(c, 5, "the entry index", &v))
		return false;
	e->index = v;
	if (!expect_sep(c, "the entry state") || !expect_state(c, &state))
		return false;
	type_col = c->pos;
	while (type_col < c->len && (c->s[type_col] == ' ' || c->s[type_col] == '\t'))
		type_col++;
	if (!expect_type(c, &type))
		return false;
	l->type = type;
	/* only airoha_ppe_debugfs.c names type 2; the MediaTek driver prints UNKNOWN */
	if (type == PPE_PKT_BRIDGE &&
	    !g_strstr_len(c->s + c->pos, (gssize)(c->len - c->pos), " data="))
		return fail_at(c, type_col, "no 'L2B' type on a MediaTek line (only Airoha "
			       "lines, which have data=, name type 2; or the line is cut short)");

	/*
	 * MediaTek always prints orig= ("(null)->(null)" for types without a tuple); Airoha
	 * leaves it out for those types.  Which of the two this is shows only at data=.
	 */
	{
		gsize p = c->pos;

		while (p < c->len && (c->s[p] == ' ' || c->s[p] == '\t'))
			p++;
		had_orig = p + 5 <= c->len && memcmp(c->s + p, "orig=", 5) == 0;
	}
	if (type_has_tuple(type) || had_orig) {
		if (!expect_sep(c, "orig=") || !expect_lit(c, "orig="))
			return false;
		if (type_has_tuple(type)) {
			if (!expect_tuple(c, l, true, ppe_type_is_ipv6(type),
					  ppe_type_has_ports(type)))
				return false;
		} else if (!expect_lit(c, "(null)->(null)")) {
			return false;
		}
	}
	if (ppe_type_has_new_tuple(type)) {
		if (!expect_sep(c, "new=") || !expect_lit(c, "new="))
			return false;
		if (!expect_tuple(c, l, false, false, type != PPE_PKT_IPV4_ROUTE))
			return false;
	}
	if (!expect_sep(c, "eth="))
		return false;
	eth_col = c->pos;
	if (!expect_lit(c, "eth="))
		return false;
	if (!expect_mac(c, l, PPE_SLOT_SRC_MAC, e->l2.src_mac) || !expect_lit(c, "->") ||
	    !expect_mac(c, l, PPE_SLOT_DST_MAC, e->l2.dst_mac))
		return false;
	if (!expect_sep(c, "etype=") || !expect_lit(c, "etype=") ||
	    !expect_hex(c, 4, "the etype", &etype_printed))
		return false;
	if (!expect_sep(c, "vlan= (or data=)"))
		return false;
	if (has_prefix(c, "data=")) {
		c->pos += 5;
		l->airoha = true;
		if (!expect_hex(c, 8, "the Airoha data word", &v))
			return false;
		e->data = v;
		if (!expect_sep(c, "vlan="))
			return false;
	}
	if (!expect_lit(c, "vlan=") || !expect_dec(c, 65535, "vlan1", &d))
		return false;
	e->l2.vlan1 = (u16)d;
	if (!expect_lit(c, ",") || !expect_dec(c, 65535, "vlan2", &d))
		return false;
	e->l2.vlan2 = (u16)d;
	if (!expect_sep(c, "ib1=") || !expect_lit(c, "ib1="))
		return false;
	ib1_col = c->pos;
	if (!expect_hex(c, 8, "the ib1 word", &v))
		return false;
	e->ib1 = v;
	if (!expect_sep(c, "ib2=") || !expect_lit(c, "ib2=") ||
	    !expect_hex(c, 8, "the ib2 word", &v))
		return false;
	e->ib2 = v;

	/* optional packets=/bytes= (kernels with PPE accounting in debugfs; always on Airoha) */
	{
		gsize save = c->pos;

		while (save < c->len && (c->s[save] == ' ' || c->s[save] == '\t'))
			save++;
		if (save < c->len) {
			if (!expect_sep(c, "packets=") || !expect_lit(c, "packets=") ||
			    !expect_dec(c, G_MAXUINT64, "the packet count", &d))
				return false;
			e->packets = d;
			if (!expect_sep(c, "bytes=") || !expect_lit(c, "bytes=") ||
			    !expect_dec(c, G_MAXUINT64, "the byte count", &d))
				return false;
			e->bytes = d;
			l->counters = true;
		} else if (l->airoha) {
			return fail_at(c, c->pos, "' packets=' (Airoha lines always end with "
				       "packets= and bytes=)");
		}
	}
	if (!at_end(c)) {
		gsize p = c->pos;

		while (p < c->len && (c->s[p] == ' ' || c->s[p] == '\t'))
			p++;
		if (p < c->len || c->strict)
			return fail_at(c, c->pos, "the end of the line");
		c->normalised = true;
		c->pos = p;
	}

	/* etype: MediaTek prints ntohs() of the CPU-order field (swapped), Airoha as is */
	e->l2.etype = l->airoha ? (u16)etype_printed
				: (u16)((etype_printed >> 8) | ((etype_printed & 0xff) << 8));

	/* consistency of the printed names with ib1 */
	if (ppe_ib1_state(e->ib1) != state)
		return fail_at(c, ib1_col, "an ib1 word whose state bits (29:28) say %s, as the "
			       "line does (ib1 state is %s)", ppe_state_name(state),
			       ppe_state_name(ppe_ib1_state(e->ib1)));
	if (!type_has_tuple(type) && had_orig == l->airoha)
		return fail_at(c, eth_col, "%s for a type without a tuple on %s line",
			       l->airoha ? "no orig=" : "orig=(null)->(null)",
			       l->airoha ? "an Airoha" : "a MediaTek");
	layout = l->airoha ? PPE_NETSYS_AIROHA : opts->netsys;
	if (layout != 0) {
		u32 t = ppe_ib1_type(e->ib1, layout);
		const char *want = ppe_type_name(t, l->airoha);
		const char *got = type == PPE_DUMP_TYPE_UNNAMED ? "UNKNOWN" : type_names[type];

		if (strcmp(want, got) != 0) {
			if (l->airoha)
				return fail_at(c, ib1_col, "an ib1 word of type '%s' (ib1 type "
					       "bits 27:25 = %u, '%s', in the Airoha layout)",
					       got, t, want);
			return fail_at(c, ib1_col, "an ib1 word of type '%s' (its type bits "
				       "say %u, '%s', in the NETSYS v%u layout: wrong --soc?)",
				       got, t, want, layout);
		}
		if (type == PPE_DUMP_TYPE_UNNAMED)
			l->type = t;
	}
	return true;
}

/* A line that is meant to be a PPE line: index-shaped start or tell-tale field names. */
static bool looks_like_ppe(const char *s, gsize len)
{
	static const char *const states[] = { "UNB", "BND", "FIN", "INV", "UNK" };
	static const char *const marks[] = { "orig=", " ib1=", " eth=", "etype=", " ib2=" };
	gsize i, n;
	guint k;

	for (k = 0; k < G_N_ELEMENTS(marks); k++) {
		n = strlen(marks[k]);
		for (i = 0; i + n <= len; i++)
			if (memcmp(s + i, marks[k], n) == 0)
				return true;
	}
	for (i = 0; i < len && i < 5; i++)
		if (hexval(s[i]) < 0)
			return false;
	if (i < 5)
		return false;
	if (len == 5)
		return true;
	if (s[5] != ' ' && s[5] != '\t')
		return false;
	for (i = 5; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len)
		return true;
	/* second field: a state name, possibly cut short by the end of the line */
	for (k = 0; k < G_N_ELEMENTS(states); k++) {
		n = MIN(len - i, 3);
		if (memcmp(s + i, states[k], n) == 0 &&
		    (n == 3 ? (i + 3 == len || s[i + 3] == ' ' || s[i + 3] == '\t') : true))
			return true;
	}
	return false;
}

void ppe_dump_line_clear(struct ppe_dump_line *l)
{
	g_free(l->text);
	g_free(l->error);
	memset(l, 0, sizeof(*l));
}

enum ppe_dump_kind ppe_dump_parse_line(const char *line, gsize len,
				       const struct ppe_dump_opts *opts,
				       struct ppe_dump_line *out)
{
	struct cursor c = { .s = line, .len = len, .strict = opts->strict };
	gsize lead = 0;

	if (len > 0 && line[len - 1] == '\r') {
		len--;
		c.len = len;
		out->crlf = true;
	}
	out->text = g_malloc(len + 1);
	memcpy(out->text, line, len);
	out->text[len] = '\0';

	while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	if (lead == len) {
		out->kind = PPE_DUMP_BLANK;
		return out->kind;
	}
	if (line[lead] == '#') {
		out->kind = PPE_DUMP_COMMENT;
		return out->kind;
	}
	if (!looks_like_ppe(line + lead, len - lead)) {
		out->kind = PPE_DUMP_FOREIGN;
		out->column = (u32)lead + 1;
		out->error = g_strdup("not a PPE debugfs line (expected a 5-digit hex index "
				      "followed by UNB, BND or FIN)");
		return out->kind;
	}
	if (lead > 0) {
		if (c.strict) {
			out->kind = PPE_DUMP_BAD;
			out->column = 1;
			out->error = g_strdup("expected the entry index at the start of the line, "
					      "found leading whitespace");
			return out->kind;
		}
		c.normalised = true;
		c.pos = lead;
	}
	if (!parse_entry(&c, opts, out)) {
		out->kind = PPE_DUMP_BAD;
		out->column = (u32)c.err_col + 1;
		out->error = c.err;
		memset(&out->entry, 0, sizeof(out->entry));
		out->redacted = 0;
		return out->kind;
	}
	out->normalised = c.normalised;
	out->kind = PPE_DUMP_ENTRY;
	return out->kind;
}

/* ------------------------------------------------------------ the file ---- */

void ppe_dump_free(struct ppe_dump *d)
{
	if (!d)
		return;
	if (d->lines)
		g_ptr_array_free(d->lines, TRUE);
	g_free(d->filename);
	g_free(d);
}

static void line_free(gpointer p)
{
	struct ppe_dump_line *l = p;

	ppe_dump_line_clear(l);
	g_free(l);
}

struct ppe_dump *ppe_dump_parse(const char *filename, const char *text, gsize len,
				const struct ppe_dump_opts *opts, GError **error)
{
	struct ppe_dump *d = g_new0(struct ppe_dump, 1);
	gsize pos = 0;
	u32 lineno = 0;

	d->filename = g_strdup(filename ? filename : "<input>");
	d->lines = g_ptr_array_new_with_free_func(line_free);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		gsize end = nl ? (gsize)(nl - text) : len;
		struct ppe_dump_line *l = g_new0(struct ppe_dump_line, 1);

		l->lineno = ++lineno;
		ppe_dump_parse_line(text + pos, end - pos, opts, l);
		g_ptr_array_add(d->lines, l);
		pos = nl ? end + 1 : len;

		switch (l->kind) {
		case PPE_DUMP_ENTRY:
			d->n_entries++;
			d->n_normalised += l->normalised;
			d->n_redacted += l->redacted != 0;
			d->n_airoha += l->airoha;
			d->n_counters += l->counters;
			break;
		case PPE_DUMP_BLANK:
			d->n_blank++;
			break;
		case PPE_DUMP_COMMENT:
			d->n_comment++;
			break;
		case PPE_DUMP_FOREIGN:
			d->n_foreign++;
			break;
		case PPE_DUMP_BAD:
			d->n_bad++;
			break;
		}
		if (opts->strict && (l->kind == PPE_DUMP_BAD || l->kind == PPE_DUMP_FOREIGN)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u:%u: %s",
				    d->filename, l->lineno, l->column, l->error);
			ppe_dump_free(d);
			return NULL;
		}
	}
	return d;
}

struct ppe_dump *ppe_dump_load(const char *path, const struct ppe_dump_opts *opts,
			       GError **error)
{
	struct ppe_dump *d;
	GError *err = NULL;
	gchar *text = NULL;
	gsize len = 0;

	if (strcmp(path, "-") == 0) {
		GIOChannel *ch = g_io_channel_unix_new(0);

		g_io_channel_set_encoding(ch, NULL, NULL);
		if (g_io_channel_read_to_end(ch, &text, &len, &err) != G_IO_STATUS_NORMAL) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
				    "<stdin>: cannot read: %s", err ? err->message : "error");
			g_clear_error(&err);
			g_io_channel_unref(ch);
			return NULL;
		}
		g_io_channel_unref(ch);
		d = ppe_dump_parse("<stdin>", text, len, opts, error);
	} else {
		if (!g_file_get_contents(path, &text, &len, &err)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", err->message);
			g_clear_error(&err);
			return NULL;
		}
		d = ppe_dump_parse(path, text, len, opts, error);
	}
	g_free(text);
	return d;
}

void ppe_dump_line_format(const struct ppe_dump_line *l, u8 netsys, struct ppe_soc_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->netsys = l->airoha ? PPE_NETSYS_AIROHA : (netsys ? netsys : PPE_NETSYS_V1);
	fmt->airoha = l->airoha;
	fmt->counters = l->counters;
}

/*
 * Put redaction text back: find each redacted slot in the writer's output by walking the
 * same grammar (the writer's output is exact, so the walk is simple) and splice.
 */
static gsize skip_to(const char *s, gsize pos, const char *lit)
{
	const char *p = strstr(s + pos, lit);

	return p ? (gsize)(p - s) + strlen(lit) : strlen(s);
}

static gsize addr_len(const char *s, gsize pos, bool ipv6)
{
	gsize i = pos;

	if (ipv6)
		return 39;
	while (s[i] != '\0' && s[i] != ':' && s[i] != ' ' && s[i] != '-')
		i++;
	return i - pos;
}

char *ppe_dump_format_entry(const struct ppe_dump_line *l, u8 netsys)
{
	struct ppe_soc_format fmt;
	char buf[PPE_LINE_MAX];
	gsize starts[PPE_SLOT_COUNT] = { 0 }, lens[PPE_SLOT_COUNT] = { 0 };
	bool ipv6 = ppe_type_is_ipv6(l->type);
	GString *out;
	gsize pos, i;
	int n;

	if (l->kind != PPE_DUMP_ENTRY)
		return NULL;
	ppe_dump_line_format(l, netsys, &fmt);
	n = ppe_entry_format_line(&l->entry, &fmt, buf, sizeof(buf));
	if (n < 0 || (gsize)n >= sizeof(buf))
		return NULL;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (l->redacted == 0)
		return g_strdup(buf);

	/* locate slots from their field names (each appears once in a written line) */
	if (strstr(buf, " orig=")) {
		pos = skip_to(buf, 0, " orig=");
		starts[PPE_SLOT_ORIG_SRC] = pos;
		lens[PPE_SLOT_ORIG_SRC] = addr_len(buf, pos, ipv6);
		pos = skip_to(buf, pos, "->");
		starts[PPE_SLOT_ORIG_DST] = pos;
		lens[PPE_SLOT_ORIG_DST] = addr_len(buf, pos, ipv6);
	}
	if (strstr(buf, " new=")) {
		pos = skip_to(buf, 0, " new=");
		starts[PPE_SLOT_NEW_SRC] = pos;
		lens[PPE_SLOT_NEW_SRC] = addr_len(buf, pos, false);
		pos = skip_to(buf, pos, "->");
		starts[PPE_SLOT_NEW_DST] = pos;
		lens[PPE_SLOT_NEW_DST] = addr_len(buf, pos, false);
	}
	pos = skip_to(buf, 0, " eth=");
	starts[PPE_SLOT_SRC_MAC] = pos;
	lens[PPE_SLOT_SRC_MAC] = 17;
	starts[PPE_SLOT_DST_MAC] = pos + 19;
	lens[PPE_SLOT_DST_MAC] = 17;

	out = g_string_new(NULL);
	pos = 0;
	for (i = 0; i < PPE_SLOT_COUNT; i++) {
		if (!(l->redacted & (1u << i)))
			continue;
		g_string_append_len(out, buf + pos, (gssize)(starts[i] - pos));
		g_string_append(out, l->redact_text[i]);
		pos = starts[i] + lens[i];
	}
	g_string_append(out, buf + pos);
	return g_string_free(out, FALSE);
}
