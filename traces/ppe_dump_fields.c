// SPDX-License-Identifier: MIT
/*
 * ppe_dump_fields.c - the PPE dump reader's tokenizer: a cursor over one line and the
 * fields mtk_ppe_debugfs_foe_show() / airoha_ppe_debugfs_foe_show() print - separators,
 * literals, %0Nx hex words, decimal counters, IPv4 dotted quads, IPv6 as eight 4-digit
 * groups, ports, tuples and MAC addresses - with the paste author's redactions
 * ("x.x.x.x", "aa:aa:..") accepted and remembered per slot.
 *
 * Strict mode takes only the kernel's exact spelling; tolerant mode also takes other
 * spacing and uppercase hex and marks the cursor normalised.  Invariants: no function
 * reads outside the line; every failure message says what was expected and what was
 * found, at a column (see ppe_dump_internal.h).
 */
#include "ppe_dump_internal.h"

/* ------------------------------------------------------------ cursor ---- */

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

bool ppe_fail_at(struct cursor *c, gsize pos, const char *fmt, ...)
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

/* Uppercase hex digits in [start, end): an error in strict mode, normalised otherwise. */
static bool lowercase_hex(struct cursor *c, gsize start, gsize end, const char *what)
{
	gsize i;

	for (i = start; i < end; i++) {
		if (c->s[i] >= 'A' && c->s[i] <= 'F') {
			if (c->strict)
				return ppe_fail_at(c, i, "%s in lowercase hex", what);
			c->normalised = true;
		}
	}
	return true;
}

/* One field separator: exactly one space (strict), or any run of blanks (tolerant). */
bool ppe_expect_sep(struct cursor *c, const char *before)
{
	gsize start = c->pos;

	c->pos = skip_blanks(c, start);
	if (c->pos - start == 1 && c->s[start] == ' ')
		return true;
	if (c->pos == start || c->strict) {
		c->pos = start;
		return ppe_fail_at(c, start, "a single space before %s", before);
	}
	c->normalised = true;
	return true;
}

bool ppe_expect_lit(struct cursor *c, const char *lit)
{
	if (!has_prefix(c, lit))
		return ppe_fail_at(c, c->pos, "'%s'", lit);
	c->pos += strlen(lit);
	return true;
}

int ppe_hexval(char ch)
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
bool ppe_expect_hex(struct cursor *c, guint n, const char *what, guint32 *out)
{
	guint32 v = 0;
	guint i;

	for (i = 0; i < n; i++) {
		char ch = c->pos + i < c->len ? c->s[c->pos + i] : '\0';
		int d = ppe_hexval(ch);

		if (d < 0)
			return ppe_fail_at(c, c->pos, "%s (%u hex digits)", what, n);
		if (ch >= 'A' && ch <= 'F') {
			if (c->strict)
				return ppe_fail_at(c, c->pos + i, "%s in lowercase hex", what);
			c->normalised = true;
		}
		v = (v << 4) | (guint32)d;
	}
	/* a longer run of hex digits is a different field width, not this one */
	if (c->pos + n < c->len && ppe_hexval(c->s[c->pos + n]) >= 0)
		return ppe_fail_at(c, c->pos, "%s (%u hex digits)", what, n);
	c->pos += n;
	*out = v;
	return true;
}

/* Unsigned decimal as %d/%llu print it: no sign, no leading zeros, at most max. */
bool ppe_expect_dec(struct cursor *c, guint64 max, const char *what, guint64 *out)
{
	gsize start = c->pos;
	guint64 v = 0;

	while (!at_end(c) && g_ascii_isdigit(peek(c))) {
		guint d = (guint)(peek(c) - '0');

		if (v > (max - d) / 10) {
			c->pos = start;
			return ppe_fail_at(c, start, "%s (at most %" G_GUINT64_FORMAT ")", what,
					   max);
		}
		v = v * 10 + d;
		c->pos++;
	}
	if (c->pos == start)
		return ppe_fail_at(c, start, "%s (decimal)", what);
	if (c->pos - start > 1 && c->s[start] == '0') {
		if (c->strict) {
			c->pos = start;
			return ppe_fail_at(c, start, "%s without leading zeros", what);
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
			int d = ppe_hexval(s[g * 5 + k]);

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
		int hi = ppe_hexval(s[i * 3]), lo = ppe_hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return true;
}

/*
 * A paste author's redaction: "x.x.x.x", "a.b.c.d", "xx:xx:xx:xx:xx:xx", a run of x letters, "***": an
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
		    (g_ascii_isalpha(ch) && (!hex_field || ppe_hexval(ch) < 0)))
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

	if (!ppe_expect_lit(c, ":"))
		return false;
	if (!ppe_expect_dec(c, 65535, "a port number", &v))
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
				return ppe_fail_at(c, start, "an IPv4 address");
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
			return ppe_fail_at(c, start, "an IPv6 address followed by ':port'");
		alen = k - 1 - start;
	}
	if (!ppe_dump_parse_ipv6_full(c->s + start, alen, addr)) {
		if (!looks_redacted(c->s + start, alen, true))
			return ppe_fail_at(c, start,
					   "an IPv6 address as eight groups of four hex digits");
		note_redacted(l, slot, c->s + start, alen);
		memset(addr, 0, 4 * sizeof(u32));
	} else if (!lowercase_hex(c, start, start + alen, "an IPv6 address")) {
		return false;
	}
	c->pos = start + alen;
	return ports ? expect_port(c, port) : true;
}

bool ppe_expect_tuple(struct cursor *c, struct ppe_dump_line *l, bool orig, bool ipv6,
		      bool ports)
{
	struct ppe_entry *e = &l->entry;
	guint16 sport = 0, dport = 0;
	u32 src[4] = { 0 }, dst[4] = { 0 };

	if (!expect_addr(c, l, orig ? PPE_SLOT_ORIG_SRC : PPE_SLOT_NEW_SRC, ipv6, ports, src,
			 &sport))
		return false;
	if (!ppe_expect_lit(c, "->"))
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

bool ppe_expect_mac(struct cursor *c, struct ppe_dump_line *l, enum ppe_dump_slot slot,
		    u8 mac[6])
{
	gsize start = c->pos, end = token_end(c, false);

	if (ppe_dump_parse_mac(c->s + start, end - start, mac)) {
		if (!lowercase_hex(c, start, end, "a MAC address"))
			return false;
	} else if (looks_redacted(c->s + start, end - start, true)) {
		note_redacted(l, slot, c->s + start, end - start);
		memset(mac, 0, 6);
	} else {
		return ppe_fail_at(c, start, "a MAC address (aa:bb:cc:dd:ee:ff)");
	}
	c->pos = end;
	return true;
}

