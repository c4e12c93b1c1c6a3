/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text.c - parser for /proc/net/nf_conntrack, `conntrack -L` and `conntrack -E`
 * lines (grammar and sources in conntrack_text.h).
 *
 * How a line is read: a cursor walks space/tab separated tokens left to right; every
 * field is validated where it stands (range, protocol consistency, order) and the first
 * problem ends the line with the 1-based column of the offending token and a message
 * "expected X, found 'Y'".  Nothing is allocated: addresses are copied into the entry's
 * fixed buffers and converted with inet_pton from a stack copy.
 *
 * Invariants:
 *  - a line is MALFORMED only once it has shown it is conntrack (an event tag, protocol
 *    columns, or src=/dst= tokens); anything else that is not blank, a comment, a trailer
 *    or a bare time stamp is OTHER;
 *  - at most one of [HW_OFFLOAD] [OFFLOAD] [ASSURED] is accepted, as ct_seq_show and
 *    libnetfilter_conntrack's __snprintf_status_assured print exactly one;
 *  - the trailing key=value fields must come in the order both printers use.
 */
#include "conntrack_text.h"
#include "conntrack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

struct token {
	const char *p;
	size_t n;
	size_t off;    /* offset in the line: column - 1 */
};

/* ---- protocol tables ------------------------------------------------------------------ */

struct l4_desc {
	const char *name;
	u8 num;
	u8 kind;       /* enum ct_text_l4_kind */
};

/* Kernel l4proto names (nf_conntrack_standalone.c: l4proto_name) and libnfct proto2str. */
static const struct l4_desc l4_table[] = {
	{ "tcp", FS_IPPROTO_TCP, CT_TEXT_L4_PORTS },
	{ "udp", FS_IPPROTO_UDP, CT_TEXT_L4_PORTS },
	{ "icmp", FS_IPPROTO_ICMP, CT_TEXT_L4_ICMP },
	{ "icmpv6", FS_IPPROTO_ICMPV6, CT_TEXT_L4_ICMP },
	{ "udplite", 136, CT_TEXT_L4_PORTS },
	{ "sctp", 132, CT_TEXT_L4_PORTS },
	{ "dccp", 33, CT_TEXT_L4_PORTS },
	{ "gre", FS_IPPROTO_GRE, CT_TEXT_L4_GRE },
};

/* tcp_conntrack_names[] order == enum tcp_ct_state; old libnfct printed LISTEN for 9. */
static const char *const tcp_state_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/* sctp_conntrack_names[] (with the HEARTBEAT states of older kernels). */
static const char *const sctp_state_names[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
	"SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

/* dccp_state_names[]; libnfct indexes sctp_states for DCCP (a known quirk), so both. */
static const char *const dccp_state_names[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT",
	"IGNORE", "INVALID",
};

/* Trailing fields in print order (ct_seq_show / __snprintf_conntrack_default). */
enum trail_rank {
	TR_STATUS, TR_MARK, TR_SECMARK, TR_SECCTX, TR_ZONE, TR_DELTA, TR_START, TR_STOP,
	TR_HELPER, TR_USE, TR_ID, TR_LABELS, TR__COUNT
};

/* ---- small helpers -------------------------------------------------------------------- */

static bool tok_eq(const struct token *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && !memcmp(t->p, lit, n);
}

static bool tok_prefix(const struct token *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n >= n && !memcmp(t->p, lit, n);
}

static bool all_digits(const char *p, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!trace_is_digit(p[i]))
			return false;
	return true;
}

static void skip_space(struct cursor *c)
{
	while (c->pos < c->len && trace_is_space(c->s[c->pos]))
		c->pos++;
}

static bool at_end(struct cursor *c)
{
	skip_space(c);
	return c->pos >= c->len;
}

/*
 * Next token: a run of bytes other than space and tab.  "[start=" and "[stop=" tokens
 * run to their ']' because ctime() text has spaces in it.
 */
static bool peek_token(struct cursor *c, struct token *t)
{
	size_t p;

	skip_space(c);
	if (c->pos >= c->len)
		return false;
	p = c->pos;
	t->p = c->s + p;
	t->off = p;
	if (c->len - p > 7 && (!memcmp(t->p, "[start=", 7) || !memcmp(t->p, "[stop=", 6))) {
		const char *close = memchr(t->p, ']', c->len - p);

		if (close) {
			t->n = (size_t)(close - t->p) + 1;
			return true;
		}
	}
	while (p < c->len && !trace_is_space(c->s[p]))
		p++;
	t->n = p - c->pos;
	return true;
}

static bool next_token(struct cursor *c, struct token *t)
{
	if (!peek_token(c, t))
		return false;
	c->pos = t->off + t->n;
	return true;
}

/* "found 'tok'" or "found end of line", for messages. */
static void describe(char *buf, size_t size, const struct token *t)
{
	char q[64];

	if (!t) {
		g_strlcpy(buf, "end of line", size);
		return;
	}
	trace_quote(q, sizeof(q), t->p, t->n, 40);
	g_snprintf(buf, size, "'%s'", q);
}

static enum ct_text_line_kind G_GNUC_PRINTF(4, 5)
fail_at(struct ct_text_error *err, struct cursor *c, const struct token *t,
	const char *fmt, ...)
{
	va_list ap;

	err->column = (u32)((t ? t->off : c->len) + 1);
	va_start(ap, fmt);
	g_vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return CT_TEXT_LINE_MALFORMED;
}

/* "expected <what>, found <token or end of line>" at the next token. */
static enum ct_text_line_kind expected(struct ct_text_error *err, struct cursor *c,
				       const char *what)
{
	struct token t;
	bool have = peek_token(c, &t);
	char found[80];

	describe(found, sizeof(found), have ? &t : NULL);
	return fail_at(err, c, have ? &t : NULL, "expected %s, found %s", what, found);
}

static const struct l4_desc *l4_lookup(const struct token *t)
{
	size_t i;

	for (i = 0; i < FS_ARRAY_SIZE(l4_table); i++)
		if (tok_eq(t, l4_table[i].name))
			return &l4_table[i];
	return NULL;
}

static bool is_l4_name(const struct token *t)
{
	return l4_lookup(t) || tok_eq(t, "unknown");
}

static bool is_l3_name(const struct token *t)
{
	return tok_eq(t, "ipv4") || tok_eq(t, "ipv6") || tok_eq(t, "unknown");
}

static int name_index(const char *const *names, size_t n, const struct token *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tok_eq(t, names[i]))
			return (int)i;
	return -1;
}

static bool is_state_token(const struct token *t)
{
	size_t i;

	if (!t->n || t->p[0] < 'A' || t->p[0] > 'Z')
		return false;
	for (i = 0; i < t->n; i++) {
		char ch = t->p[i];

		if (!((ch >= 'A' && ch <= 'Z') || trace_is_digit(ch) || ch == '_'))
			return false;
	}
	return true;
}

/* ---- prefixes: time stamps and event tags ---------------------------------------------- */

/*
 * "[sec.usec]" as conntrack -o timestamp prints it ("[%-8ld.%-6ld]"): both numbers
 * left-justified, so spaces may follow either before '.' or ']'.  usec is an integer
 * count of microseconds, not a decimal fraction.
 */
static bool parse_unix_bracket(const char *s, size_t n, size_t *used, s64 *sec, u32 *usec)
{
	size_t i = 1, a, b;
	u64 v, u;

	if (n < 4 || s[0] != '[' || !trace_is_digit(s[1]))
		return false;
	a = i;
	while (i < n && trace_is_digit(s[i]))
		i++;
	if (!trace_parse_u64(s + a, i - a, &v) || v > (u64)INT64_MAX)
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '.')
		return false;
	b = ++i;
	while (i < n && trace_is_digit(s[i]))
		i++;
	if (!trace_parse_u64(s + b, i - b, &u) || u > 999999)
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != ']')
		return false;
	*used = i + 1;
	*sec = (s64)v;
	*usec = (u32)u;
	return true;
}

/* Decimal fraction "5" -> 500000 us ("." then 1..9 digits); used by clock and date stamps. */
static bool parse_fraction(const char *s, size_t n, u32 *usec)
{
	u32 v = 0, scale = 100000;
	size_t i;

	if (!n || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (!trace_is_digit(s[i]))
			return false;
		v += (u32)(s[i] - '0') * scale;
		scale /= 10;
	}
	*usec = v;
	return true;
}

/* "HH:MM:SS[.frac]" -> seconds since midnight. */
static bool parse_clock(const char *s, size_t n, size_t *used, s64 *sec, u32 *usec)
{
	unsigned h, m, sc;
	size_t i;

	if (n < 8 || !trace_is_digit(s[0]) || !trace_is_digit(s[1]) || s[2] != ':' ||
	    !trace_is_digit(s[3]) || !trace_is_digit(s[4]) || s[5] != ':' ||
	    !trace_is_digit(s[6]) || !trace_is_digit(s[7]))
		return false;
	h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	m = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
	sc = (unsigned)(s[6] - '0') * 10 + (unsigned)(s[7] - '0');
	if (h > 23 || m > 59 || sc > 60)   /* 60: a leap second */
		return false;
	i = 8;
	*usec = 0;
	if (i < n && s[i] == '.') {
		size_t b = ++i;

		while (i < n && trace_is_digit(s[i]))
			i++;
		if (!parse_fraction(s + b, i - b, usec))
			return false;
	}
	*used = i;
	*sec = (s64)h * 3600 + m * 60 + sc;
	return true;
}

/* A lone "1700000000[.123]" (date +%s[.%N]) line. */
static bool parse_unix_plain(const char *s, size_t n, s64 *sec, u32 *usec)
{
	const char *dot = memchr(s, '.', n);
	size_t a = dot ? (size_t)(dot - s) : n;
	u64 v;

	/* Ten digits or more: a unix time (2001 on), not a small counter or a year. */
	if (a < 10 || !trace_parse_u64(s, a, &v) || v > (u64)INT64_MAX)
		return false;
	*usec = 0;
	if (dot && !parse_fraction(dot + 1, n - a - 1, usec))
		return false;
	*sec = (s64)v;
	return true;
}

/* An optional stamp at the cursor; true if one was consumed (followed by space or end). */
static bool parse_stamp(struct cursor *c, u8 *kind, s64 *sec, u32 *usec)
{
	const char *s = c->s + c->pos;
	size_t n = c->len - c->pos, used;
	s64 v;
	u32 us;
	u8 k;

	if (parse_unix_bracket(s, n, &used, &v, &us))
		k = CT_TEXT_STAMP_UNIX;
	else if (parse_clock(s, n, &used, &v, &us))
		k = CT_TEXT_STAMP_CLOCK;
	else
		return false;
	if (used < n && !trace_is_space(s[used]))
		return false;
	c->pos += used;
	*kind = k;
	*sec = v;
	*usec = us;
	return true;
}

static u8 event_of(const struct token *t)
{
	if (tok_eq(t, "[NEW]"))
		return CT_TEXT_EVENT_NEW;
	if (tok_eq(t, "[UPDATE]"))
		return CT_TEXT_EVENT_UPDATE;
	if (tok_eq(t, "[DESTROY]"))
		return CT_TEXT_EVENT_DESTROY;
	return CT_TEXT_EVENT_NONE;
}

/* ---- trailer ---------------------------------------------------------------------------- */

/* One fixed word of the trailer; on a mismatch err says which and where. */
static bool trailer_word(struct cursor *c, const char *word, const char *what,
			 struct ct_text_error *err)
{
	struct token t;
	char w[40];

	if (peek_token(c, &t) && tok_eq(&t, word)) {
		next_token(c, &t);
		return true;
	}
	g_snprintf(w, sizeof(w), "%s%s%s", what ? "" : "'", what ? what : word, what ? "" : "'");
	g_strlcat(w, " in the trailer", sizeof(w));
	expected(err, c, w);
	return false;
}

/*
 * "conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown." (conntrack.c prints
 * it to stderr after -L; "flow events" after -E is interrupted).
 */
static enum ct_text_line_kind parse_trailer(struct cursor *c, struct ct_text_meta *m,
					    struct ct_text_error *err)
{
	struct token t;
	u32 n;

	next_token(c, &t);                    /* "conntrack" */
	if (!next_token(c, &t) || t.n < 2 || t.p[0] != 'v' || t.n - 1 >= sizeof(m->version))
		return CT_TEXT_LINE_OTHER;
	memcpy(m->version, t.p + 1, t.n - 1);
	if (!next_token(c, &t) || !tok_eq(&t, "(conntrack-tools):"))
		return CT_TEXT_LINE_OTHER;
	/* From here on it is conntrack-tools talking: a message other than the count is OTHER. */
	if (!peek_token(c, &t) || !all_digits(t.p, t.n)) {
		err->column = (u32)(at_end(c) ? c->len + 1 : t.off + 1);
		g_snprintf(err->message, sizeof(err->message),
			   "not a conntrack line: a conntrack-tools message");
		return CT_TEXT_LINE_OTHER;
	}
	next_token(c, &t);
	if (!trace_parse_u32(t.p, t.n, &n))
		return fail_at(err, c, &t, "expected an entry count in the conntrack-tools trailer");
	m->count = n;
	if (!trailer_word(c, "flow", NULL, err))
		return CT_TEXT_LINE_MALFORMED;
	if (peek_token(c, &t) && tok_eq(&t, "events"))
		m->events = true;
	if (!trailer_word(c, m->events ? "events" : "entries", "'entries' or 'events'", err) ||
	    !trailer_word(c, "have", NULL, err) || !trailer_word(c, "been", NULL, err) ||
	    !trailer_word(c, "shown.", NULL, err))
		return CT_TEXT_LINE_MALFORMED;
	if (!at_end(c))
		return expected(err, c, "end of line after the trailer");
	return CT_TEXT_LINE_TRAILER;
}

/* ---- fields ------------------------------------------------------------------------------ */

/*
 * Masks people type over addresses: x.x.x.x, xxx, 192.168.1.x, <redacted>.  Only
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

static enum ct_text_line_kind parse_tuple(struct cursor *c, struct ct_text_entry *e,
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
static enum ct_text_line_kind parse_tuple_extras(struct cursor *c, struct ct_text_tuple *tp,
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

static enum ct_text_line_kind parse_trailing(struct cursor *c, struct ct_text_entry *e,
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

/* ---- one line ----------------------------------------------------------------------------- */

/* Does the rest of the line look like conntrack at all (for telling OTHER from MALFORMED)? */
static bool mentions_tuple(const struct cursor *c)
{
	size_t i;

	for (i = c->pos; i + 4 <= c->len; i++) {
		if ((i == 0 || trace_is_space(c->s[i - 1])) &&
		    (!memcmp(c->s + i, "src=", 4) || !memcmp(c->s + i, "dst=", 4)))
			return true;
	}
	return false;
}

/* "0252a BND IPv4 ..." (mtk_ppe_debugfs.c: hash as %05x, then the entry state name). */
static bool is_ppe_dump_line(struct cursor *c)
{
	struct cursor k = *c;
	struct token a, b;
	size_t i;

	if (!next_token(&k, &a) || a.n < 4 || a.n > 5 || !next_token(&k, &b))
		return false;
	for (i = 0; i < a.n; i++)
		if (!g_ascii_isxdigit(a.p[i]))
			return false;
	return tok_eq(&b, "BND") || tok_eq(&b, "UNB") || tok_eq(&b, "INV") || tok_eq(&b, "FIN");
}

static enum ct_text_line_kind other(struct ct_text_error *err, size_t col, const char *why)
{
	err->column = (u32)col;
	g_snprintf(err->message, sizeof(err->message), "not a conntrack line: %s", why);
	return CT_TEXT_LINE_OTHER;
}

static enum ct_text_line_kind parse_protocols(struct cursor *c, struct ct_text_entry *e,
					      u8 *kind, struct ct_text_error *err)
{
	struct cursor save = *c;
	struct token t1, t2, t3, t4;
	const struct l4_desc *d;
	u32 num;
	char q[64];

	next_token(c, &t1);
	/* l3 columns: "ipv4 2 tcp 6"; tried first since "unknown" is both an l3 and l4 name. */
	if (is_l3_name(&t1) && next_token(c, &t2) && all_digits(t2.p, t2.n) &&
	    next_token(c, &t3) && is_l4_name(&t3) && next_token(c, &t4) &&
	    all_digits(t4.p, t4.n)) {
		if (!trace_parse_u32(t2.p, t2.n, &num) || num > 255)
			return fail_at(err, c, &t2, "expected an l3 protocol number 0-255");
		if ((tok_eq(&t1, "ipv4") && num != 2) || (tok_eq(&t1, "ipv6") && num != 10))
			return fail_at(err, c, &t2, "expected l3 number %u for '%.*s', found %u",
				       tok_eq(&t1, "ipv4") ? 2u : 10u, (int)t1.n, t1.p, num);
		e->has_l3 = true;
		memcpy(e->l3_name, t1.p, t1.n);
		e->l3_num = (u8)num;
		c->pos = t3.off;        /* continue at the l4 name */
	} else {
		*c = save;
	}
	next_token(c, &t1);             /* the l4 name */
	if (!is_l4_name(&t1)) {
		trace_quote(q, sizeof(q), t1.p, t1.n, 40);
		return fail_at(err, c, &t1, "expected a protocol name (tcp, udp, icmp, ...) or an "
			       "l3 name (ipv4, ipv6), found '%s'", q);
	}
	if (!next_token(c, &t2))
		return fail_at(err, c, NULL, "expected the protocol number after '%.*s', found "
			       "end of line", (int)t1.n, t1.p);
	if (!trace_parse_u32(t2.p, t2.n, &num) || num > 255) {
		trace_quote(q, sizeof(q), t2.p, t2.n, 40);
		return fail_at(err, c, &t2, "expected the protocol number 0-255 after '%.*s', "
			       "found '%s'", (int)t1.n, t1.p, q);
	}
	d = l4_lookup(&t1);
	if (d && d->num != num)
		return fail_at(err, c, &t2, "expected protocol number %u for '%s', found %u",
			       d->num, d->name, num);
	memcpy(e->l4_name, t1.p, t1.n);
	e->l4_num = (u8)num;
	*kind = d ? d->kind : CT_TEXT_L4_NONE;
	return CT_TEXT_LINE_ENTRY;
}

static enum ct_text_line_kind parse_state(struct cursor *c, struct ct_text_entry *e,
					  struct ct_text_error *err)
{
	struct token t;
	int idx;

	if (peek_token(c, &t) && e->l4_num == FS_IPPROTO_GRE && tok_prefix(&t, "timeout=")) {
		/* gre_print_conntrack: "timeout=%u, stream_timeout=%u " */
		u32 v1, v2;

		next_token(c, &t);
		if (t.n < 10 || t.p[t.n - 1] != ',' || !trace_parse_u32(t.p + 8, t.n - 9, &v1))
			return fail_at(err, c, &t, "expected 'timeout=<seconds>,' (GRE)");
		if (!next_token(c, &t))
			return fail_at(err, c, NULL, "expected 'stream_timeout=<seconds>' after "
				       "the GRE timeout, found end of line");
		if (!tok_prefix(&t, "stream_timeout=") ||
		    !trace_parse_u32(t.p + 15, t.n - 15, &v2))
			return fail_at(err, c, &t, "expected 'stream_timeout=<seconds>' after the "
				       "GRE timeout");
		e->has_gre_timeouts = true;
		e->gre_timeout = v1;
		e->gre_stream_timeout = v2;
		return CT_TEXT_LINE_ENTRY;
	}
	if (!peek_token(c, &t) || !is_state_token(&t))
		return CT_TEXT_LINE_ENTRY;
	if (t.n >= sizeof(e->state))
		return fail_at(err, c, &t, "expected a connection state name, found a "
			       "%zu-character word", t.n);
	if (e->l4_num == FS_IPPROTO_TCP) {
		idx = name_index(tcp_state_names, FS_ARRAY_SIZE(tcp_state_names), &t);
		if (idx < 0 && tok_eq(&t, "LISTEN"))
			idx = TCP_CT_SYN_SENT2;
		if (idx < 0)
			return fail_at(err, c, &t, "expected a TCP state (ESTABLISHED, SYN_SENT, "
				       "TIME_WAIT, ...), found '%.*s'", (int)t.n, t.p);
		e->tcp_state = (u8)idx;
	} else if (e->l4_num == 132 || e->l4_num == 33) {
		if (name_index(sctp_state_names, FS_ARRAY_SIZE(sctp_state_names), &t) < 0 &&
		    name_index(dccp_state_names, FS_ARRAY_SIZE(dccp_state_names), &t) < 0)
			return fail_at(err, c, &t, "expected a %s state, found '%.*s'",
				       e->l4_name, (int)t.n, t.p);
	} else {
		return fail_at(err, c, &t, "unexpected state '%.*s': %s entries have no state",
			       (int)t.n, t.p, e->l4_name);
	}
	next_token(c, &t);
	memcpy(e->state, t.p, t.n);
	e->has_state = true;
	return CT_TEXT_LINE_ENTRY;
}

static enum ct_text_line_kind check_families(struct cursor *c, struct ct_text_entry *e,
					     struct ct_text_error *err)
{
	const struct ct_text_addr *a[4] = { &e->orig.src, &e->orig.dst,
					    &e->reply.src, &e->reply.dst };
	u8 fam = 0;
	size_t i;

	if (e->has_l3 && e->l3_num == 2)
		fam = FS_AF_INET;
	else if (e->has_l3 && e->l3_num == 10)
		fam = FS_AF_INET6;
	for (i = 0; i < 4; i++) {
		if (!a[i]->family)
			continue;
		if (!fam) {
			fam = a[i]->family;
			continue;
		}
		if (a[i]->family != fam)
			return fail_at(err, c, NULL, "expected %s addresses throughout the line, "
				       "found '%s'", fam == FS_AF_INET ? "IPv4" : "IPv6",
				       a[i]->text);
	}
	return CT_TEXT_LINE_ENTRY;
}

enum ct_text_line_kind ct_text_parse_line(const char *text, size_t len,
					  struct ct_text_entry *e, struct ct_text_meta *m,
					  struct ct_text_error *err)
{
	struct cursor c = { .s = text, .len = len, .pos = 0 };
	enum ct_text_line_kind k;
	struct token t;
	u8 kind = CT_TEXT_L4_NONE;

	memset(e, 0, sizeof(*e));
	memset(m, 0, sizeof(*m));
	memset(err, 0, sizeof(*err));
	e->tcp_state = CT_TEXT_TCP_STATE_NONE;
	if (at_end(&c))
		return CT_TEXT_LINE_BLANK;
	if (c.s[c.pos] == '#')
		return CT_TEXT_LINE_COMMENT;

	peek_token(&c, &t);
	if (tok_eq(&t, "conntrack")) {
		struct cursor save = c;

		k = parse_trailer(&c, m, err);
		if (k != CT_TEXT_LINE_OTHER || err->message[0])
			return k;
		/* "conntrack ..." but not from conntrack-tools: judge it like any line. */
		memset(m, 0, sizeof(*m));
		c = save;
	}
	/* A line that is just a unix time: `date +%s` between samples. */
	if (parse_unix_plain(t.p, t.n, &m->sec, &m->usec)) {
		c.pos = t.off + t.n;
		if (at_end(&c)) {
			m->stamp = CT_TEXT_STAMP_UNIX;
			return CT_TEXT_LINE_TIME;
		}
		m->sec = 0;
		m->usec = 0;
		c.pos = t.off;
	}
	if (parse_stamp(&c, &e->stamp, &e->stamp_sec, &e->stamp_usec) && at_end(&c)) {
		m->stamp = e->stamp;
		m->sec = e->stamp_sec;
		m->usec = e->stamp_usec;
		e->stamp = CT_TEXT_STAMP_NONE;
		return CT_TEXT_LINE_TIME;
	}
	if (!peek_token(&c, &t))
		return other(err, c.pos + 1, "nothing after the time stamp");
	e->event = event_of(&t);
	if (e->event != CT_TEXT_EVENT_NONE) {
		next_token(&c, &t);
		if (at_end(&c))
			return fail_at(err, &c, NULL, "expected the protocol columns after '%.*s'",
				       (int)t.n, t.p);
		peek_token(&c, &t);
	} else if (!is_l4_name(&t) && !is_l3_name(&t)) {
		if (is_ppe_dump_line(&c))
			return other(err, t.off + 1, "a PPE debugfs entry");
		if (!mentions_tuple(&c))
			return other(err, t.off + 1, "expected a protocol name (tcp, udp, ...), "
				     "an l3 name (ipv4, ipv6) or an event tag ([NEW], ...)");
	}

	k = parse_protocols(&c, e, &kind, err);
	if (k != CT_TEXT_LINE_ENTRY)
		return k;
	if (peek_token(&c, &t) && all_digits(t.p, t.n)) {
		next_token(&c, &t);
		if (!trace_parse_u32(t.p, t.n, &e->timeout))
			return fail_at(err, &c, &t, "expected a timeout in seconds 0-%u",
				       UINT32_MAX);
		e->has_timeout = true;
	}
	if ((k = parse_state(&c, e, err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if ((k = parse_tuple(&c, e, &e->orig, kind, "original", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if ((k = parse_tuple_extras(&c, &e->orig, "zone-orig=", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if (peek_token(&c, &t) && tok_eq(&t, "[UNREPLIED]")) {
		next_token(&c, &t);
		e->flags |= CT_TEXT_UNREPLIED;
	}
	if ((k = parse_tuple(&c, e, &e->reply, kind, "reply", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if ((k = parse_tuple_extras(&c, &e->reply, "zone-reply=", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if (e->orig.has_counters != e->reply.has_counters)
		return fail_at(err, &c, NULL, "expected packets=/bytes= counters in both "
			       "directions or in neither");
	if ((k = parse_trailing(&c, e, err)) != CT_TEXT_LINE_ENTRY)
		return k;
	return check_families(&c, e, err);
}

/* ---- whole inputs ------------------------------------------------------------------------ */

struct file_state {
	const char *name;
	enum trace_mode mode;
	ct_text_entry_fn fn;
	void *arg;
	struct ct_text_stats *st;
	struct trace_diags *diags;
	/* shape of the first entry: has_l3 | event << 1 | stamp << 2 */
	int shape;
	u32 shape_line;
	u32 since_trailer;           /* entries since the last trailer */
	u32 malformed_since_trailer;
	bool have_sample;
	u8 sample_stamp;
	s64 sample_sec;
	u32 sample_usec;
};

static int entry_shape(const struct ct_text_entry *e)
{
	return (e->has_l3 ? 1 : 0) | (e->event != CT_TEXT_EVENT_NONE ? 2 : 0) | e->stamp << 2;
}

static const char *shape_text(int shape)
{
	static const char *const names[] = {
		"conntrack -L", "/proc/net/nf_conntrack or -o extended",
		"conntrack -E", "conntrack -E -o extended",
	};

	return names[shape & 3];
}

/* A bad line: in strict mode an error that stops, in tolerant mode a diagnostic. */
static int report(struct file_state *fs, const struct trace_line *ln, u32 column,
		  enum trace_severity tolerant_sev, const char *msg)
{
	const char *hint = (ln->flags & TRACE_LINE_NO_EOL) && tolerant_sev == TRACE_WARNING ?
			   " (last line has no newline: truncated paste?)" : "";

	if (fs->mode == TRACE_STRICT) {
		trace_diags_add(fs->diags, TRACE_ERROR, fs->name, ln->number, column, "%s%s",
				msg, hint);
		return -1;
	}
	trace_diags_add(fs->diags, tolerant_sev, fs->name, ln->number, column, "%s%s; skipped",
			msg, hint);
	return 0;
}

static int handle_line(struct file_state *fs, const struct trace_line *ln)
{
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error err;
	enum ct_text_line_kind k;
	char msg[CT_TEXT_ERR_LEN + 80];
	int ret;

	fs->st->lines++;
	if (ln->flags & TRACE_LINE_TRUNCATED) {
		fs->st->malformed++;
		fs->malformed_since_trailer++;
		g_snprintf(msg, sizeof(msg), "line too long (%zu bytes, limit %zu)", ln->full_len,
			   ln->len);
		return report(fs, ln, 0, TRACE_WARNING, msg);
	}
	k = ct_text_parse_line(ln->text, ln->len, &e, &m, &err);
	switch (k) {
	case CT_TEXT_LINE_BLANK:
		fs->st->blank++;
		return 0;
	case CT_TEXT_LINE_COMMENT:
		fs->st->comments++;
		return 0;
	case CT_TEXT_LINE_TIME:
		fs->st->time_lines++;
		fs->st->not_conntrack++;
		fs->have_sample = true;
		fs->sample_stamp = m.stamp;
		fs->sample_sec = m.sec;
		fs->sample_usec = m.usec;
		return report(fs, ln, 1, TRACE_NOTE, fs->mode == TRACE_STRICT ?
			      "expected a conntrack entry, found a time stamp line" :
			      "not a conntrack line: a time stamp (used as the sample time)");
	case CT_TEXT_LINE_OTHER:
		fs->st->not_conntrack++;
		if (fs->mode == TRACE_STRICT) {
			char q[64];
			size_t off = err.column ? err.column - 1 : 0;

			trace_quote(q, sizeof(q), ln->text + off, ln->len - off, 40);
			g_snprintf(msg, sizeof(msg), "expected a conntrack entry, found '%s' (%s)", q,
				   err.message);
			return report(fs, ln, err.column, TRACE_NOTE, msg);
		}
		return report(fs, ln, err.column, TRACE_NOTE, err.message);
	case CT_TEXT_LINE_MALFORMED:
		fs->st->malformed++;
		fs->malformed_since_trailer++;
		return report(fs, ln, err.column, TRACE_WARNING, err.message);
	case CT_TEXT_LINE_TRAILER:
		fs->st->trailers++;
		if (m.count != fs->since_trailer) {
			fs->st->trailer_mismatches++;
			g_snprintf(msg, sizeof(msg), "conntrack-tools trailer says %u flow %s, but %u "
				   "entries were parsed%s", m.count, m.events ? "events" : "entries",
				   fs->since_trailer, fs->malformed_since_trailer ?
				   " (malformed lines were skipped)" : "");
			if (fs->mode == TRACE_STRICT) {
				trace_diags_add(fs->diags, TRACE_ERROR, fs->name, ln->number, 0,
						"%s", msg);
				return -1;
			}
			trace_diags_add(fs->diags, TRACE_WARNING, fs->name, ln->number, 0, "%s",
					msg);
		}
		fs->since_trailer = 0;
		fs->malformed_since_trailer = 0;
		return 0;
	case CT_TEXT_LINE_ENTRY:
		break;
	}

	e.line = ln->number;
	if (fs->have_sample) {
		e.has_sample_time = true;
		e.sample_stamp = fs->sample_stamp;
		e.sample_sec = fs->sample_sec;
		e.sample_usec = fs->sample_usec;
	}
	if (fs->shape < 0) {
		fs->shape = entry_shape(&e);
		fs->shape_line = ln->number;
	} else if (entry_shape(&e) != fs->shape) {
		g_snprintf(msg, sizeof(msg), "line format (%s%s) differs from line %u (%s%s)",
			   shape_text(entry_shape(&e)), e.stamp ? " with time stamp" : "",
			   fs->shape_line, shape_text(fs->shape),
			   fs->shape >> 2 ? " with time stamp" : "");
		if (fs->mode == TRACE_STRICT) {
			trace_diags_add(fs->diags, TRACE_ERROR, fs->name, ln->number, 0, "%s", msg);
			return -1;
		}
		trace_diags_add(fs->diags, TRACE_WARNING, fs->name, ln->number, 0, "%s", msg);
	}
	fs->st->entries++;
	fs->since_trailer++;
	if (e.event != CT_TEXT_EVENT_NONE)
		fs->st->events++;
	fs->st->redacted_addrs += e.redacted;
	if (e.flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD))
		fs->st->offloaded++;
	if (e.flags & CT_TEXT_HW_OFFLOAD)
		fs->st->hw_offloaded++;
	if (fs->fn) {
		ret = fs->fn(&e, fs->arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_reader(const char *name, struct trace_reader *r, enum trace_mode mode,
			ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			struct trace_diags *diags)
{
	struct ct_text_stats local;
	struct file_state fs = {
		.name = name ? name : "<input>", .mode = mode, .fn = fn, .arg = arg,
		.st = stats ? stats : &local, .diags = diags, .shape = -1,
	};
	struct trace_line ln;
	int ret = 0;

	memset(fs.st, 0, sizeof(*fs.st));
	while (trace_reader_next(r, &ln)) {
		ret = handle_line(&fs, &ln);
		if (ret)
			return ret;
	}
	if (r->io_errno) {
		trace_diags_add(diags, TRACE_ERROR, fs.name, r->lineno + 1, 0, "read error: %s",
				g_strerror(r->io_errno));
		return -1;
	}
	if (!fs.st->entries && fs.st->not_conntrack + fs.st->malformed > 0)
		trace_diags_add(diags, TRACE_WARNING, fs.name, 0, 0,
				"no conntrack entries found (%u lines were not conntrack, "
				"%u malformed)", fs.st->not_conntrack, fs.st->malformed);
	return 0;
}

int ct_text_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags)
{
	struct trace_reader r;
	int ret;

	trace_reader_init_buffer(&r, buf, len);
	ret = parse_reader(name, &r, mode, fn, arg, stats, diags);
	trace_reader_destroy(&r);
	return ret;
}

int ct_text_parse_stream(const char *name, FILE *fp, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags)
{
	struct trace_reader r;
	int ret;

	trace_reader_init_stream(&r, fp);
	ret = parse_reader(name, &r, mode, fn, arg, stats, diags);
	trace_reader_destroy(&r);
	return ret;
}

int ct_text_parse_file(const char *path, enum trace_mode mode, ct_text_entry_fn fn, void *arg,
		       struct ct_text_stats *stats, struct trace_diags *diags)
{
	FILE *fp = fopen(path, "rb");
	int ret;

	if (!fp) {
		trace_diags_add(diags, TRACE_ERROR, path, 0, 0, "cannot open: %s",
				g_strerror(errno));
		if (stats)
			memset(stats, 0, sizeof(*stats));
		return -1;
	}
	ret = ct_text_parse_stream(path, fp, mode, fn, arg, stats, diags);
	fclose(fp);
	return ret;
}

static int collect(const struct ct_text_entry *e, void *arg)
{
	g_array_append_val((GArray *)arg, *e);
	return 0;
}

GArray *ct_text_load_file(const char *path, enum trace_mode mode, struct ct_text_stats *stats,
			  struct trace_diags *diags)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct ct_text_entry));

	if (ct_text_parse_file(path, mode, collect, a, stats, diags)) {
		g_array_free(a, TRUE);
		return NULL;
	}
	return a;
}

/* ---- conversions -------------------------------------------------------------------------- */

u32 ct_text_status_bits(const struct ct_text_entry *e)
{
	u32 bits = 0;

	if (!(e->flags & CT_TEXT_UNREPLIED))
		bits |= IPS_SEEN_REPLY;
	if (e->flags & CT_TEXT_ASSURED)
		bits |= IPS_ASSURED;
	if (e->flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD))
		bits |= IPS_OFFLOAD;
	if (e->flags & CT_TEXT_HW_OFFLOAD)
		bits |= IPS_HW_OFFLOAD;
	return bits;
}

bool ct_text_to_fs_tuple(const struct ct_text_entry *e, const struct ct_text_tuple *t,
			 struct fs_tuple *out)
{
	memset(out, 0, sizeof(*out));
	if (t->src.redacted || t->dst.redacted || !t->src.family)
		return false;
	out->src = t->src.addr;
	out->dst = t->dst.addr;
	out->family = t->src.family;
	out->proto = e->l4_num;
	switch (t->l4_kind) {
	case CT_TEXT_L4_PORTS:
		out->sport = t->sport;
		out->dport = t->dport;
		break;
	case CT_TEXT_L4_ICMP:
		/* tuple.h: sport = echo id, dport = type << 8 | code */
		out->sport = t->icmp_id;
		out->dport = (u16)(t->icmp_type << 8 | t->icmp_code);
		break;
	case CT_TEXT_L4_GRE:
		/* PPTP GRE keys are 16-bit call ids (nf_conntrack_proto_gre.c) */
		out->sport = (u16)t->gre_srckey;
		out->dport = (u16)t->gre_dstkey;
		break;
	default:
		break;
	}
	return true;
}

const char *ct_text_event_name(enum ct_text_event ev)
{
	switch (ev) {
	case CT_TEXT_EVENT_NEW:
		return "NEW";
	case CT_TEXT_EVENT_UPDATE:
		return "UPDATE";
	case CT_TEXT_EVENT_DESTROY:
		return "DESTROY";
	default:
		return "";
	}
}
