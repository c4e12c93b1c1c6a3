/* SPDX-License-Identifier: MIT */
/*
 * nft_json_internal.h - what the parts of the `nft -j` reader share: the parse context
 * (positions of JSON values, diagnostics, the named sets for inlining) and the rule
 * translator of nft_json_expr.c.  Nothing outside nft_json*.c may use it.
 */
#ifndef FS_NFT_JSON_INTERNAL_H
#define FS_NFT_JSON_INTERNAL_H

#include "nft_json.h"

#include <json-glib/json-glib.h>

struct nj_ctx {
	const char *name;
	enum trace_mode mode;
	struct trace_diags *diags;
	GHashTable *pos;        /* JsonNode * -> packed end position of the value */
	GHashTable *sets;       /* "family\ttable\tname" -> JsonObject * of a set or map */
	bool failed;            /* strict mode: a problem was reported */
};

/*
 * Report a problem at node (its line:column if known): an error in strict mode (and
 * ctx->failed is set), a warning in tolerant mode.  Always returns false.
 */
bool nj_problem(struct nj_ctx *c, JsonNode *at, const char *path, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
/* "an object", "a string", ... for messages */
const char *nj_kind(JsonNode *n);
/* A name usable as a bare word of the nft syntax (letters, digits, "_.-"). */
bool nj_plain_name(const char *s);
/* Append a name: bare when plain, else quoted; false if it cannot be written at all. */
bool nj_put_name(GString *out, const char *s);

/* Statement start columns of one translated rule (0-based offsets into its text). */
struct nj_stmt_col {
	u32 off;
	u32 expr;     /* index in the rule's "expr" array */
};

/*
 * Translate the rule object (member "rule" of nftables[index]) into one line of nft rule
 * text appended to out (statements only, no "add rule" prefix, no newline); cols receives
 * each statement's start.  family/table: where the rule lives (for named set lookups).
 * false after a problem was reported (out is then undefined).
 */
bool nj_rule_text(struct nj_ctx *c, u32 index, JsonObject *rule, const char *family,
		  const char *table, GString *out, GArray *cols);

#endif /* FS_NFT_JSON_INTERNAL_H */
