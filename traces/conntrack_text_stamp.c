/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text_stamp.c - what a conntrack text line may carry besides an entry: time
 * stamps (conntrack -o timestamp's "[sec.usec]", a pasted "HH:MM:SS", a lone unix time),
 * the event tags of conntrack -E, and conntrack-tools' "N flow entries have been shown."
 * trailer.
 *
 * Invariant: a stamp is only taken when a space or the end of the line follows it, and a
 * "conntrack ..." line is a trailer only once "(conntrack-tools):" has been seen; before
 * that it is OTHER, after it a wrong word is MALFORMED at that word.
 */
#include "conntrack_text_internal.h"

#include <string.h>

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
bool ctt_parse_unix_plain(const char *s, size_t n, s64 *sec, u32 *usec)
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
bool ctt_parse_stamp(struct cursor *c, u8 *kind, s64 *sec, u32 *usec)
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

u8 ctt_event_of(const struct token *t)
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
enum ct_text_line_kind ctt_parse_trailer(struct cursor *c, struct ct_text_meta *m,
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
