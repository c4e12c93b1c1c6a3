// SPDX-License-Identifier: MIT
/*
 * ppe_dump_line.c - one line of a PPE debugfs dump: is it a PPE line at all (blank,
 * comment, foreign text such as timestamps and conntrack lines, or an entry), and the
 * entry grammar mtk_ppe_debugfs_foe_show() / airoha_ppe_debugfs_foe_show() print:
 *
 *   IDX SP STATE SP TYPE7 [SP "orig=" TUPLE] [SP "new=" TUPLE4] SP "eth=" MAC "->" MAC
 *   SP "etype=" HEX4 [SP "data=" HEX8] SP "vlan=" DEC "," DEC SP "ib1=" HEX8 SP "ib2=" HEX8
 *   [SP "packets=" DEC SP "bytes=" DEC]
 *
 * where IDX is %05x, TYPE7 the type name right-aligned in 7 columns, TUPLE
 * "src[:port]->dst[:port]" with IPv4 as dotted quads and IPv6 as eight 4-digit groups,
 * "(null)->(null)" for MediaTek types without a tuple, and no orig= at all for those types
 * on Airoha.  The printed type name decides which tuple fields follow, as the driver's own
 * switch does; ib1 is checked against it afterwards.  The fields themselves are read by
 * ppe_dump_fields.c.
 *
 * Invariants: every input line ends up in exactly one class (see ppe_dump.h); a line that
 * fails to parse keeps no half-parsed entry; messages carry line and column.
 */
#include "ppe_dump_internal.h"

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
	return ppe_fail_at(c, c->pos, "an entry state (UNB, BND or FIN)");
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
	gsize start = c->pos, pos = skip_blanks(c, c->pos), blanks;
	guint i;

	blanks = pos - start;
	if (blanks == 0)
		return ppe_fail_at(c, start, "a space before the entry type");
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
				return ppe_fail_at(c, start, "the entry type right-aligned in 7 "
						   "columns (\"%*s\")", 7, name);
			c->normalised = true;
		}
		c->pos = pos + n;
		*type = i < G_N_ELEMENTS(type_names) ? i : PPE_DUMP_TYPE_UNNAMED;
		return true;
	}
	return ppe_fail_at(c, pos, "an entry type (IPv4 5T, IPv4 3T, DS-LITE, IPv6 3T, IPv6 5T, "
			   "6RD, L2B or UNKNOWN)");
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

	if (!ppe_expect_hex(c, 5, "the entry index", &v))
		return false;
	e->index = v;
	if (!ppe_expect_sep(c, "the entry state") || !expect_state(c, &state))
		return false;
	type_col = skip_blanks(c, c->pos);
	if (!expect_type(c, &type))
		return false;
	l->type = type;
	/* only airoha_ppe_debugfs.c names type 2; the MediaTek driver prints UNKNOWN */
	if (type == PPE_PKT_BRIDGE &&
	    !g_strstr_len(c->s + c->pos, (gssize)(c->len - c->pos), " data="))
		return ppe_fail_at(c, type_col, "no 'L2B' type on a MediaTek line (only Airoha "
				   "lines, which have data=, name type 2; or the line is cut "
				   "short)");

	/*
	 * MediaTek always prints orig= ("(null)->(null)" for types without a tuple); Airoha
	 * leaves it out for those types.  Which of the two this is shows only at data=.
	 */
	{
		gsize p = skip_blanks(c, c->pos);

		had_orig = p + 5 <= c->len && memcmp(c->s + p, "orig=", 5) == 0;
	}
	if (type_has_tuple(type) || had_orig) {
		if (!ppe_expect_sep(c, "orig=") || !ppe_expect_lit(c, "orig="))
			return false;
		if (type_has_tuple(type)) {
			if (!ppe_expect_tuple(c, l, true, ppe_type_is_ipv6(type),
					      ppe_type_has_ports(type)))
				return false;
		} else if (!ppe_expect_lit(c, "(null)->(null)")) {
			return false;
		}
	}
	if (ppe_type_has_new_tuple(type)) {
		if (!ppe_expect_sep(c, "new=") || !ppe_expect_lit(c, "new="))
			return false;
		if (!ppe_expect_tuple(c, l, false, false, type != PPE_PKT_IPV4_ROUTE))
			return false;
	}
	if (!ppe_expect_sep(c, "eth="))
		return false;
	eth_col = c->pos;
	if (!ppe_expect_lit(c, "eth="))
		return false;
	if (!ppe_expect_mac(c, l, PPE_SLOT_SRC_MAC, e->l2.src_mac) || !ppe_expect_lit(c, "->") ||
	    !ppe_expect_mac(c, l, PPE_SLOT_DST_MAC, e->l2.dst_mac))
		return false;
	if (!ppe_expect_sep(c, "etype=") || !ppe_expect_lit(c, "etype=") ||
	    !ppe_expect_hex(c, 4, "the etype", &etype_printed))
		return false;
	if (!ppe_expect_sep(c, "vlan= (or data=)"))
		return false;
	if (has_prefix(c, "data=")) {
		c->pos += 5;
		l->airoha = true;
		if (!ppe_expect_hex(c, 8, "the Airoha data word", &v))
			return false;
		e->data = v;
		if (!ppe_expect_sep(c, "vlan="))
			return false;
	}
	if (!ppe_expect_lit(c, "vlan=") || !ppe_expect_dec(c, 65535, "vlan1", &d))
		return false;
	e->l2.vlan1 = (u16)d;
	if (!ppe_expect_lit(c, ",") || !ppe_expect_dec(c, 65535, "vlan2", &d))
		return false;
	e->l2.vlan2 = (u16)d;
	if (!ppe_expect_sep(c, "ib1=") || !ppe_expect_lit(c, "ib1="))
		return false;
	ib1_col = c->pos;
	if (!ppe_expect_hex(c, 8, "the ib1 word", &v))
		return false;
	e->ib1 = v;
	if (!ppe_expect_sep(c, "ib2=") || !ppe_expect_lit(c, "ib2=") ||
	    !ppe_expect_hex(c, 8, "the ib2 word", &v))
		return false;
	e->ib2 = v;

	/* optional packets=/bytes= (kernels with PPE accounting in debugfs; always on Airoha) */
	{
		gsize save = skip_blanks(c, c->pos);

		if (save < c->len) {
			if (!ppe_expect_sep(c, "packets=") || !ppe_expect_lit(c, "packets=") ||
			    !ppe_expect_dec(c, G_MAXUINT64, "the packet count", &d))
				return false;
			e->packets = d;
			if (!ppe_expect_sep(c, "bytes=") || !ppe_expect_lit(c, "bytes=") ||
			    !ppe_expect_dec(c, G_MAXUINT64, "the byte count", &d))
				return false;
			e->bytes = d;
			l->counters = true;
		} else if (l->airoha) {
			return ppe_fail_at(c, c->pos, "' packets=' (Airoha lines always end with "
					   "packets= and bytes=)");
		}
	}
	if (!at_end(c)) {
		gsize p = skip_blanks(c, c->pos);

		if (p < c->len || c->strict)
			return ppe_fail_at(c, c->pos, "the end of the line");
		c->normalised = true;
		c->pos = p;
	}

	/* etype: MediaTek prints ntohs() of the CPU-order field (swapped), Airoha as is */
	e->l2.etype = l->airoha ? (u16)etype_printed
				: (u16)((etype_printed >> 8) | ((etype_printed & 0xff) << 8));

	/* consistency of the printed names with ib1 */
	if (ppe_ib1_state(e->ib1) != state)
		return ppe_fail_at(c, ib1_col, "an ib1 word whose state bits (29:28) say %s, as "
				   "the line does (ib1 state is %s)", ppe_state_name(state),
				   ppe_state_name(ppe_ib1_state(e->ib1)));
	if (!type_has_tuple(type) && had_orig == l->airoha)
		return ppe_fail_at(c, eth_col, "%s for a type without a tuple on %s line",
				   l->airoha ? "no orig=" : "orig=(null)->(null)",
				   l->airoha ? "an Airoha" : "a MediaTek");
	layout = l->airoha ? PPE_NETSYS_AIROHA : opts->netsys;
	if (layout != 0) {
		u32 t = ppe_ib1_type(e->ib1, layout);
		const char *want = ppe_type_name(t, l->airoha);
		const char *got = type == PPE_DUMP_TYPE_UNNAMED ? "UNKNOWN" : type_names[type];

		if (strcmp(want, got) != 0) {
			if (l->airoha)
				return ppe_fail_at(c, ib1_col, "an ib1 word of type '%s' (ib1 type "
						   "bits 27:25 = %u, '%s', in the Airoha layout)",
						   got, t, want);
			return ppe_fail_at(c, ib1_col, "an ib1 word of type '%s' (its type bits "
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
		if (ppe_hexval(s[i]) < 0)
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
