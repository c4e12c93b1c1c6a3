/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text_internal.h - what the files of the conntrack text line parser
 * (traces/conntrack_text_*.c) share and nothing else may use: the tokenizer
 * (conntrack_text_lex.h) and the parsers of the parts of a line.
 *
 * Every ctt_parse_* function returns CT_TEXT_LINE_ENTRY when its part was read (or was
 * optional and absent), else what the whole line is (MALFORMED, OTHER) with err filled in.
 */
#ifndef FS_CONNTRACK_TEXT_INTERNAL_H
#define FS_CONNTRACK_TEXT_INTERNAL_H

#include "conntrack_text_lex.h"

/* -------------------------------------------------- conntrack_text_stamp.c ---- */

/* An optional stamp at the cursor; true if one was consumed (followed by space or end). */
bool ctt_parse_stamp(struct cursor *c, u8 *kind, s64 *sec, u32 *usec);
/* A lone "1700000000[.123]" (date +%s[.%N]) token. */
bool ctt_parse_unix_plain(const char *s, size_t n, s64 *sec, u32 *usec);
u8 ctt_event_of(const struct token *t);   /* enum ct_text_event of "[NEW]" ... */
/* A line starting with "conntrack": TRAILER, OTHER (err may say why) or MALFORMED. */
enum ct_text_line_kind ctt_parse_trailer(struct cursor *c, struct ct_text_meta *m,
					 struct ct_text_error *err);

/* ------------------------------------------------- conntrack_text_fields.c ---- */

/* src= dst= and the protocol's fields (kind: enum ct_text_l4_kind); dir names it. */
enum ct_text_line_kind ctt_parse_tuple(struct cursor *c, struct ct_text_entry *e,
				       struct ct_text_tuple *tp, u8 kind, const char *dir,
				       struct ct_text_error *err);
/* [zone-orig=|zone-reply=] [packets= bytes=] after a tuple. */
enum ct_text_line_kind ctt_parse_tuple_extras(struct cursor *c, struct ct_text_tuple *tp,
					      const char *zone_key, struct ct_text_error *err);
/* The status flag and key=value fields after the reply tuple, to the end of the line. */
enum ct_text_line_kind ctt_parse_trailing(struct cursor *c, struct ct_text_entry *e,
					  struct ct_text_error *err);

#endif /* FS_CONNTRACK_TEXT_INTERNAL_H */
