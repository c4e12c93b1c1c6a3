/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text_fields.c - the fields of a conntrack entry: the two tuples (addresses,
 * ports, ICMP type/code/id, GRE keys), their zones and counters, and the trailing status
 * flag and key=value fields.
 *
 * Invariants:
 *  - every number is range-checked where it stands; addresses are converted with
 *    inet_pton from a stack copy, or kept as text with .redacted set when they are masks;
 *  - at most one of [HW_OFFLOAD] [OFFLOAD] [ASSURED] is accepted, as ct_seq_show and
 *    libnetfilter_conntrack's __snprintf_status_assured print exactly one;
 *  - the trailing key=value fields must come in the order both printers use.
 */
#include "conntrack_text_internal.h"

#include <arpa/inet.h>
#include <string.h>

/* Trailing fields in print order (ct_seq_show / __snprintf_conntrack_default). */
enum trail_rank {
	TR_STATUS, TR_MARK, TR_SECMARK, TR_SECCTX, TR_ZONE, TR_DELTA, TR_START, TR_STOP,
	TR_HELPER, TR_USE, TR_ID, TR_LABELS, TR__COUNT
};

/* ---- fields ------------------------------------------------------------------------------ */

/*
 * Masks people type over addresses: x.x.x.x, a run of x letters, 192.168.1.x, <redacted>.  Only
 * characters an address or such a mask could hold, and at least one that no address
 * can (a letter beyond 'f', '*', '_', '<', '>').
 */
static bool is_redaction(const char *p, size_t n)
{
	bool marker = false;
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if ((ch >= 'g' && ch <= 'z') || (ch >= 'G' && ch <= 'Z') || ch == '*' ||
		    ch == '_' || ch == '<' || ch == '>')
			marker = true;
		else if (!(trace_is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
			   (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':' || ch == '-'))
			return false;
	}
	return marker;
}

static enum ct_text_line_kind parse_addr(struct cursor *c, const struct token *t, size_t klen,
					 struct ct_text_addr *a, struct ct_text_entry *e,
					 struct ct_text_error *err)
{
	const char *v = t->p + klen;
	size_t n = t->n - klen;
	unsigned char raw[16];
	char key[8];

	/* not g_strlcpy: the line is not NUL-terminated (strlen would run to the buffer's end) */
	klen = klen < sizeof(key) ? klen : sizeof(key) - 1;
	memcpy(key, t->p, klen);
	key[klen] = '\0';
	if (!n)
		return fail_at(err, c, t, "expected an address after '%s'", key);
	if (n >= sizeof(a->text)) {
		char q[64];

		trace_quote(q, sizeof(q), v, n, 40);
		return fail_at(err, c, t, "expected an IPv4 or IPv6 address after '%s', found "
			       "'%s' (%zu characters)", key, q, n);
	}
	memcpy(a->text, v, n);
	a->text[n] = '\0';
	if (memchr(v, ':', n) && inet_pton(AF_INET6, a->text, raw) == 1) {
		int i;

		a->family = FS_AF_INET6;
		for (i = 0; i < 4; i++)
			a->addr.ip6[i] = (u32)raw[4 * i] << 24 | (u32)raw[4 * i + 1] << 16 |
					 (u32)raw[4 * i + 2] << 8 | raw[4 * i + 3];
		return CT_TEXT_LINE_ENTRY;
	}
	if (!memchr(v, ':', n) && inet_pton(AF_INET, a->text, raw) == 1) {
		a->family = FS_AF_INET;
		a->addr.ip = (u32)raw[0] << 24 | (u32)raw[1] << 16 | (u32)raw[2] << 8 | raw[3];
		return CT_TEXT_LINE_ENTRY;
	}
	if (memchr(v, '\0', n) == NULL && is_redaction(v, n)) {
		a->redacted = true;
		e->redacted++;
		return CT_TEXT_LINE_ENTRY;
	}
	{
		char q[64];

		trace_quote(q, sizeof(q), v, n, 40);
		return fail_at(err, c, t, "expected an IPv4 or IPv6 address after '%s', found '%s'",
			       key, q);
	}
}

/* key=<unsigned decimal no larger than max>. */
static enum ct_text_line_kind parse_num_field(struct cursor *c, const char *key, u64 max,
					      u64 *out, struct ct_text_error *err)
{
	struct token t;
	size_t klen = strlen(key);
	char what[64];

	if (!peek_token(c, &t) || !tok_prefix(&t, key)) {
		g_snprintf(what, sizeof(what), "'%s'", key);
		return expected(err, c, what);
	}
	next_token(c, &t);
	if (!trace_parse_u64(t.p + klen, t.n - klen, out) || *out > max) {
		char q[64];

		trace_quote(q, sizeof(q), t.p + klen, t.n - klen, 40);
		return fail_at(err, c, &t, "expected a number 0-%llu after '%s', found '%s'",
			       (unsigned long long)max, key, q);
	}
	return CT_TEXT_LINE_ENTRY;
}

/* key=0x<hex>, as GRE keys print. */
static enum ct_text_line_kind parse_hex_field(struct cursor *c, const char *key, u32 *out,
					      struct ct_text_error *err)
{
	struct token t;
	size_t klen = strlen(key), i;
	u64 v = 0;

	if (!peek_token(c, &t) || !tok_prefix(&t, key)) {
		char what[64];

		g_snprintf(what, sizeof(what), "'%s'", key);
		return expected(err, c, what);
	}
	next_token(c, &t);
	if (t.n < klen + 3 || t.p[klen] != '0' || (t.p[klen + 1] | 0x20) != 'x' ||
	    t.n - klen - 2 > 8)
		goto bad;
	for (i = klen + 2; i < t.n; i++) {
		char ch = t.p[i];
		int d = g_ascii_xdigit_value(ch);

		if (d < 0)
			goto bad;
		v = v << 4 | (u64)d;
	}
	*out = (u32)v;
	return CT_TEXT_LINE_ENTRY;
bad:
	return fail_at(err, c, &t, "expected a hexadecimal key 0x0-0xffffffff after '%s'", key);
}

enum ct_text_line_kind ctt_parse_tuple(struct cursor *c, struct ct_text_entry *e,
				       struct ct_text_tuple *tp, u8 kind, const char *dir,
				       struct ct_text_error *err)
{
	enum ct_text_line_kind k;
	struct token t;
	char what[80];
	u64 v;

	if (!peek_token(c, &t) || !tok_prefix(&t, "src=")) {
		g_snprintf(what, sizeof(what), "'src=' starting the %s tuple", dir);
		return expected(err, c, what);
	}
	next_token(c, &t);
	k = parse_addr(c, &t, 4, &tp->src, e, err);
	if (k != CT_TEXT_LINE_ENTRY)
		return k;
	if (!peek_token(c, &t) || !tok_prefix(&t, "dst=")) {
		g_snprintf(what, sizeof(what), "'dst=' after the %s source address", dir);
		return expected(err, c, what);
	}
	next_token(c, &t);
	k = parse_addr(c, &t, 4, &tp->dst, e, err);
	if (k != CT_TEXT_LINE_ENTRY)
		return k;
	if (tp->src.family && tp->dst.family && tp->src.family != tp->dst.family)
		return fail_at(err, c, &t, "expected a destination of the same address family "
			       "as the source in the %s tuple", dir);
	/* A generic ("unknown") protocol may still carry ports in libnfct output. */
	if (kind == CT_TEXT_L4_NONE && peek_token(c, &t) && tok_prefix(&t, "sport="))
		kind = CT_TEXT_L4_PORTS;
	tp->l4_kind = kind;
	switch (kind) {
	case CT_TEXT_L4_PORTS:
		if ((k = parse_num_field(c, "sport=", 65535, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->sport = (u16)v;
		if ((k = parse_num_field(c, "dport=", 65535, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->dport = (u16)v;
		break;
	case CT_TEXT_L4_ICMP:
		if ((k = parse_num_field(c, "type=", 255, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->icmp_type = (u8)v;
		if ((k = parse_num_field(c, "code=", 255, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->icmp_code = (u8)v;
		if ((k = parse_num_field(c, "id=", 65535, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->icmp_id = (u16)v;
		break;
	case CT_TEXT_L4_GRE:
		if ((k = parse_hex_field(c, "srckey=", &tp->gre_srckey, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		if ((k = parse_hex_field(c, "dstkey=", &tp->gre_dstkey, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		break;
	default:
		break;
	}
	return CT_TEXT_LINE_ENTRY;
}

/* [zone-orig=|zone-reply=] [packets= bytes=] after a tuple. */
enum ct_text_line_kind ctt_parse_tuple_extras(struct cursor *c, struct ct_text_tuple *tp,
					      const char *zone_key, struct ct_text_error *err)
{
	enum ct_text_line_kind k;
	struct token t;
	u64 v;

	if (peek_token(c, &t) && tok_prefix(&t, zone_key)) {
		if ((k = parse_num_field(c, zone_key, 65535, &v, err)) != CT_TEXT_LINE_ENTRY)
			return k;
		tp->has_zone = true;
		tp->zone = (u16)v;
	}
	if (peek_token(c, &t) && tok_prefix(&t, "packets=")) {
		if ((k = parse_num_field(c, "packets=", UINT64_MAX, &tp->packets, err)) !=
		    CT_TEXT_LINE_ENTRY)
			return k;
		if ((k = parse_num_field(c, "bytes=", UINT64_MAX, &tp->bytes, err)) !=
		    CT_TEXT_LINE_ENTRY)
			return k;
		tp->has_counters = true;
	}
	return CT_TEXT_LINE_ENTRY;
}

static int trail_rank_of(const struct token *t)
{
	static const struct { const char *key; int rank; } keys[] = {
		{ "mark=", TR_MARK }, { "secmark=", TR_SECMARK }, { "secctx=", TR_SECCTX },
		{ "zone=", TR_ZONE }, { "delta-time=", TR_DELTA }, { "[start=", TR_START },
		{ "[stop=", TR_STOP }, { "helper=", TR_HELPER }, { "use=", TR_USE },
		{ "id=", TR_ID }, { "labels=", TR_LABELS },
	};
	size_t i;

	if (tok_eq(t, "[HW_OFFLOAD]") || tok_eq(t, "[OFFLOAD]") || tok_eq(t, "[ASSURED]"))
		return TR_STATUS;
	for (i = 0; i < FS_ARRAY_SIZE(keys); i++)
		if (tok_prefix(t, keys[i].key))
			return keys[i].rank;
	return -1;
}

enum ct_text_line_kind ctt_parse_trailing(struct cursor *c, struct ct_text_entry *e,
					  struct ct_text_error *err)
{
	int last = -1;
	struct token t;

	while (peek_token(c, &t)) {
		int rank = trail_rank_of(&t);
		const char *eq;
		u64 v;
		enum ct_text_line_kind k = CT_TEXT_LINE_ENTRY;
		char q[64];

		if (rank < 0) {
			if (tok_eq(&t, "[UNREPLIED]"))
				return fail_at(err, c, &t, "unexpected '[UNREPLIED]' after the reply "
					       "tuple (it comes before the reply tuple)");
			trace_quote(q, sizeof(q), t.p, t.n, 40);
			return fail_at(err, c, &t, "expected a status flag or mark=, zone=, use=, "
				       "... after the reply tuple, found '%s'", q);
		}
		if (rank <= last) {
			trace_quote(q, sizeof(q), t.p, t.n, 40);
			if (rank == TR_STATUS)
				return fail_at(err, c, &t, "unexpected second status flag '%s' "
					       "(conntrack prints one of [HW_OFFLOAD], [OFFLOAD], "
					       "[ASSURED])", q);
			return fail_at(err, c, &t, rank == last ? "unexpected second '%s'" :
				       "unexpected '%s' here: conntrack prints it earlier in the line",
				       q);
		}
		last = rank;
		eq = memchr(t.p, '=', t.n);
		switch (rank) {
		case TR_STATUS:
			next_token(c, &t);
			e->flags |= tok_eq(&t, "[HW_OFFLOAD]") ? CT_TEXT_HW_OFFLOAD :
				    tok_eq(&t, "[OFFLOAD]") ? CT_TEXT_OFFLOAD : CT_TEXT_ASSURED;
			break;
		case TR_MARK:
			k = parse_num_field(c, "mark=", UINT32_MAX, &v, err);
			e->has_mark = true;
			e->mark = (u32)v;
			break;
		case TR_SECMARK:
			k = parse_num_field(c, "secmark=", UINT32_MAX, &v, err);
			e->has_secmark = true;
			e->secmark = (u32)v;
			break;
		case TR_ZONE:
			k = parse_num_field(c, "zone=", 65535, &v, err);
			e->has_zone = true;
			e->zone = (u16)v;
			break;
		case TR_DELTA:
			k = parse_num_field(c, "delta-time=", UINT64_MAX, &e->delta_time, err);
			e->has_delta_time = true;
			break;
		case TR_USE:
			k = parse_num_field(c, "use=", UINT32_MAX, &v, err);
			e->has_use = true;
			e->use = (u32)v;
			break;
		case TR_ID:
			k = parse_num_field(c, "id=", UINT32_MAX, &v, err);
			e->has_id = true;
			e->id = (u32)v;
			break;
		case TR_START:
		case TR_STOP:
			next_token(c, &t);
			if (t.p[t.n - 1] != ']')
				return fail_at(err, c, &t, "expected ']' closing '%.*s'",
					       (int)(eq - t.p + 1), t.p);
			if (rank == TR_START)
				e->has_start = true;
			else
				e->has_stop = true;
			break;
		case TR_HELPER: {
			size_t n = t.n - 7;

			next_token(c, &t);
			if (!n || n >= sizeof(e->helper) || memchr(t.p + 7, '\0', n))
				return fail_at(err, c, &t, "expected a helper name of 1-%zu "
					       "characters after 'helper='", sizeof(e->helper) - 1);
			memcpy(e->helper, t.p + 7, n);
			e->helper[n] = '\0';
			e->has_helper = true;
			break;
		}
		default:  /* secctx=, labels=: free text without spaces */
			next_token(c, &t);
			if ((size_t)(eq - t.p) + 1 == t.n)
				return fail_at(err, c, &t, "expected a value after '%.*s'",
					       (int)(eq - t.p + 1), t.p);
			if (rank == TR_SECCTX)
				e->has_secctx = true;
			else
				e->has_labels = true;
			break;
		}
		if (k != CT_TEXT_LINE_ENTRY)
			return k;
	}
	return CT_TEXT_LINE_ENTRY;
}
