/* SPDX-License-Identifier: MIT */
/*
 * ppe_dump_internal.h - shared between the files of the PPE debugfs dump reader.  Not an
 * API (the API is ppe_dump.h).
 *
 *   ppe_dump_fields.c  the cursor and one field at a time: separators, literals, hex and
 *                      decimal numbers, addresses, tuples and MACs, redaction;
 *   ppe_dump_line.c    one line: classification and the entry grammar;
 *   ppe_dump.c         a whole file: strict/tolerant handling, counts, reading, printing.
 *
 * A cursor never reads outside [s, s + len).  The first failure wins: it stores the
 * message and its column, and every later ppe_expect_* call on the cursor returns false.
 */
#ifndef FLOWSIM_PPE_DUMP_INTERNAL_H
#define FLOWSIM_PPE_DUMP_INTERNAL_H

#include "ppe_dump.h"

#include <string.h>

struct cursor {
	const char *s;
	gsize len;
	gsize pos;
	bool strict;
	bool normalised;
	char *err;          /* g_strdup'd message on failure */
	gsize err_col;      /* 0-based */
};

static inline bool at_end(const struct cursor *c)
{
	return c->pos >= c->len;
}

static inline char peek(const struct cursor *c)
{
	return at_end(c) ? '\0' : c->s[c->pos];
}

static inline bool has_prefix(const struct cursor *c, const char *lit)
{
	gsize n = strlen(lit);

	return c->len - c->pos >= n && memcmp(c->s + c->pos, lit, n) == 0;
}

/* The first position at or after pos that is not a space or tab. */
static inline gsize skip_blanks(const struct cursor *c, gsize pos)
{
	while (pos < c->len && (c->s[pos] == ' ' || c->s[pos] == '\t'))
		pos++;
	return pos;
}

/* ---- ppe_dump_fields.c ---- */
/* Value of a hex digit, or -1. */
int ppe_hexval(char ch);
/* Record "expected <what>, found <text at pos>" (first failure only); returns false. */
bool ppe_fail_at(struct cursor *c, gsize pos, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* One field separator: exactly one space (strict), or any run of blanks (tolerant). */
bool ppe_expect_sep(struct cursor *c, const char *before);
bool ppe_expect_lit(struct cursor *c, const char *lit);
/* Exactly n hex digits (the kernel prints %0Nx: lowercase, zero padded). */
bool ppe_expect_hex(struct cursor *c, guint n, const char *what, guint32 *out);
/* Unsigned decimal as %d/%llu print it: no sign, no leading zeros, at most max. */
bool ppe_expect_dec(struct cursor *c, guint64 max, const char *what, guint64 *out);
/* "src[:port]->dst[:port]" into the orig or new tuple of l's entry */
bool ppe_expect_tuple(struct cursor *c, struct ppe_dump_line *l, bool orig, bool ipv6,
		      bool ports);
bool ppe_expect_mac(struct cursor *c, struct ppe_dump_line *l, enum ppe_dump_slot slot,
		    u8 mac[6]);

#endif /* FLOWSIM_PPE_DUMP_INTERNAL_H */
