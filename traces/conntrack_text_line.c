/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text_line.c - one line of /proc/net/nf_conntrack, `conntrack -L` or
 * `conntrack -E` output (grammar and sources in conntrack_text.h): ct_text_parse_line().
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
 *
 * The tokenizer is in conntrack_text_lex.h, stamps, event tags and the trailer in
 * conntrack_text_stamp.c, tuples and trailing fields in conntrack_text_fields.c; whole
 * files (strict and tolerant modes, format checks) are read by conntrack_text.c.
 */
#include "conntrack_text_internal.h"
#include "conntrack.h"

#include <string.h>

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
	struct token t = { 0 };   /* set by peek_token(), which the compiler cannot see succeed */
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

		k = ctt_parse_trailer(&c, m, err);
		if (k != CT_TEXT_LINE_OTHER || err->message[0])
			return k;
		/* "conntrack ..." but not from conntrack-tools: judge it like any line. */
		memset(m, 0, sizeof(*m));
		c = save;
	}
	/* A line that is just a unix time: `date +%s` between samples. */
	if (ctt_parse_unix_plain(t.p, t.n, &m->sec, &m->usec)) {
		c.pos = t.off + t.n;
		if (at_end(&c)) {
			m->stamp = CT_TEXT_STAMP_UNIX;
			return CT_TEXT_LINE_TIME;
		}
		m->sec = 0;
		m->usec = 0;
		c.pos = t.off;
	}
	if (ctt_parse_stamp(&c, &e->stamp, &e->stamp_sec, &e->stamp_usec) && at_end(&c)) {
		m->stamp = e->stamp;
		m->sec = e->stamp_sec;
		m->usec = e->stamp_usec;
		e->stamp = CT_TEXT_STAMP_NONE;
		return CT_TEXT_LINE_TIME;
	}
	if (!peek_token(&c, &t))
		return other(err, c.pos + 1, "nothing after the time stamp");
	e->event = ctt_event_of(&t);
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
	if ((k = ctt_parse_tuple(&c, e, &e->orig, kind, "original", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if ((k = ctt_parse_tuple_extras(&c, &e->orig, "zone-orig=", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if (peek_token(&c, &t) && tok_eq(&t, "[UNREPLIED]")) {
		next_token(&c, &t);
		e->flags |= CT_TEXT_UNREPLIED;
	}
	if ((k = ctt_parse_tuple(&c, e, &e->reply, kind, "reply", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if ((k = ctt_parse_tuple_extras(&c, &e->reply, "zone-reply=", err)) != CT_TEXT_LINE_ENTRY)
		return k;
	if (e->orig.has_counters != e->reply.has_counters)
		return fail_at(err, &c, NULL, "expected packets=/bytes= counters in both "
			       "directions or in neither");
	if ((k = ctt_parse_trailing(&c, e, err)) != CT_TEXT_LINE_ENTRY)
		return k;
	return check_families(&c, e, err);
}
