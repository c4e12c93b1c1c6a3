/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text_lex.h - the tokenizer of the conntrack text line parser
 * (traces/conntrack_text_*.c only): a cursor walks a line (not NUL-terminated, NUL bytes
 * included) token by token, and a failure is reported at the offending token's column as
 * "expected X, found 'Y'".
 *
 * A token is a run of bytes other than space and tab, except "[start=...]" and
 * "[stop=...]", which run to their ']' (ctime() text has spaces).  Nothing is allocated.
 * The helpers are small and on every token's path, hence inline.
 */
#ifndef FS_CONNTRACK_TEXT_LEX_H
#define FS_CONNTRACK_TEXT_LEX_H

#include "conntrack_text.h"

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

/* ---- small helpers -------------------------------------------------------------------- */

static inline bool tok_eq(const struct token *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && !memcmp(t->p, lit, n);
}

static inline bool tok_prefix(const struct token *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n >= n && !memcmp(t->p, lit, n);
}

static inline bool all_digits(const char *p, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!trace_is_digit(p[i]))
			return false;
	return true;
}

static inline void skip_space(struct cursor *c)
{
	while (c->pos < c->len && trace_is_space(c->s[c->pos]))
		c->pos++;
}

static inline bool at_end(struct cursor *c)
{
	skip_space(c);
	return c->pos >= c->len;
}

/*
 * Next token: a run of bytes other than space and tab.  "[start=" and "[stop=" tokens
 * run to their ']' because ctime() text has spaces in it.
 */
static inline bool peek_token(struct cursor *c, struct token *t)
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

static inline bool next_token(struct cursor *c, struct token *t)
{
	if (!peek_token(c, t))
		return false;
	c->pos = t->off + t->n;
	return true;
}

/* "found 'tok'" or "found end of line", for messages. */
static inline void describe(char *buf, size_t size, const struct token *t)
{
	char q[64];

	if (!t) {
		g_strlcpy(buf, "end of line", size);
		return;
	}
	trace_quote(q, sizeof(q), t->p, t->n, 40);
	g_snprintf(buf, size, "'%s'", q);
}

static inline enum ct_text_line_kind G_GNUC_PRINTF(4, 5)
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
static inline enum ct_text_line_kind expected(struct ct_text_error *err, struct cursor *c,
					      const char *what)
{
	struct token t;
	bool have = peek_token(c, &t);
	char found[80];

	describe(found, sizeof(found), have ? &t : NULL);
	return fail_at(err, c, have ? &t : NULL, "expected %s, found %s", what, found);
}

#endif /* FS_CONNTRACK_TEXT_LEX_H */
