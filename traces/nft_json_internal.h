/* SPDX-License-Identifier: MIT */
/*
 * nft_json_internal.h - what the parts of the `nft -j` reader share.  Nothing outside
 * nft_json*.c may use it.
 *
 * The parts, in the order a dump goes through them:
 *  nft_json.c         the API: front end (trace_json.c), then the passes below, then the
 *                     check against the core, mapping a refused script line back to the
 *                     JSON path of its object or statement;
 *  nft_json_objects.c the "nftables" array sorted into tables, their objects, chains and
 *                     rules (struct nj_obj), named sets and maps indexed for inlining;
 *  nft_json_emit.c    nft text for tables, chains, flowtables, counters, ct helpers, the
 *                     script assembled table by table with its line map (struct nj_line);
 *  nft_json_stmt.c    one rule's statements into nft rule text (nj_rule_text);
 *  nft_json_expr.c    what statements are made of: values, sets and maps, selectors and
 *                     matches, and the checks that keep hostile strings out of the text.
 */
#ifndef FS_NFT_JSON_INTERNAL_H
#define FS_NFT_JSON_INTERNAL_H

#include "nft_json.h"
#include "trace_json.h"

/* ------------------------------------------------------------- parse context ---- */

struct nj_ctx {
	struct trace_json j;    /* name, mode, diags, value positions, failed */
	GHashTable *sets;       /* "family\ttable\tname" -> JsonObject * of a set or map */
};

/*
 * Report a problem at node (its line:column if known) as "PATH: message": an error in
 * strict mode (and c->j.failed is set), a warning in tolerant mode.  Always returns false.
 */
bool nj_problem(struct nj_ctx *c, JsonNode *at, const char *path, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/* --------------------------------------------------------------- objects ---- */

enum nj_kind {
	NK_TABLE, NK_CHAIN, NK_RULE, NK_FLOWTABLE, NK_COUNTER, NK_HELPER, NK_SET, NK_META,
	NK_OTHER,
};

/* "table", "chain", ... "ct helper", "object" */
const char *nj_kind_name(u8 kind);

struct nj_obj {
	u32 index;              /* in the nftables array */
	u8 kind;                /* enum nj_kind */
	bool skip;              /* left out (tolerant mode) */
	bool translated;        /* rules: text holds the statements */
	JsonNode *node;         /* the member value ({"family": ...}) */
	JsonObject *body;
	const char *family;
	const char *table;
	const char *name;       /* chains, objects; for rules: the chain */
	int table_obj;          /* index into objs of its table, -1 if none */
	GString *text;          /* rules: translated statements */
	GArray *cols;           /* rules: struct nj_stmt_col */
};

/* One line of the assembled script: the object it came from. */
struct nj_line {
	u32 obj;                /* index into objs */
	u32 prefix;             /* columns before the rule's statements */
};

struct nj_state {
	struct nj_ctx c;
	u32 flags;              /* NFT_JSON_* */
	GArray *objs;           /* struct nj_obj */
	GArray *lines;          /* struct nj_line, one per line of the script */
	GString *script;
};

/* "nftables[INDEX].KIND" */
void nj_obj_path(const struct nj_obj *o, char *buf, size_t size);

/* Sort the nftables array into s->objs; false after a strict-mode problem. */
bool nj_collect(struct nj_state *s, JsonArray *arr, struct nft_json_result *r);

/* Translate every rule once; false after a strict-mode problem. */
bool nj_translate_rules(struct nj_state *s, struct nft_json_result *r);
/* Rules of chains (and objects of tables) that were left out go too (counted). */
void nj_skip_orphans(struct nj_state *s, struct nft_json_result *r);
/* The whole script from the objects not skipped into s->script, flowtables into r. */
bool nj_assemble(struct nj_state *s, struct nft_json_result *r);

/* ------------------------------------------------------------------ rules ---- */

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

/* What one statement is translated with: the context and where the rule lives. */
struct nj_rule {
	struct nj_ctx *c;
	const char *family;
	const char *table;
};

/* How the values of a selector are written. */
enum nj_vclass {
	VC_WORD,      /* names, numbers, ranges */
	VC_IFNAME,    /* quoted device names */
	VC_ADDR,      /* addresses and prefixes */
	VC_FLAGS,     /* bitmask: "a,b" means any of them */
};

struct nj_sel {
	const char *proto;    /* JSON: "meta", "ct" or the payload protocol */
	const char *field;
	const char *text;     /* nft text */
	u8 vclass;            /* enum nj_vclass */
};

/* A name usable as a bare word of the nft syntax (letters, digits, "_.-"). */
bool nj_plain_name(const char *s);
/* Append a name: bare when plain, else quoted; false if it cannot be written at all. */
bool nj_put_name(GString *out, const char *s);
/* A value written as a bare word: no characters the nft lexer treats specially. */
bool nj_word_ok(const char *s);
/* A value written inside double quotes: printable, no quote or backslash. */
bool nj_quoted_ok(const char *s);
/* The single member of a one-member object ({"accept": null}), or NULL. */
const char *nj_only_member(JsonNode *n, JsonNode **val);
/* path followed by a formatted tail; g_free() it. */
char *nj_sub(const char *path, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A JSON string for messages, quoted and shortened. */
void nj_show(char *buf, size_t size, const char *s);

/* One value: a string, a non-negative integer, a prefix, a range, or {"elem": {"val"}}. */
bool nj_put_scalar(struct nj_rule *r, JsonNode *v, u8 vclass, const char *path,
		   GString *out);
/* Elements of a named set or map ("@name") of the rule's table, or NULL after a problem. */
JsonArray *nj_named_elems(struct nj_rule *r, JsonNode *v, const char *ref, const char *path,
			  bool map);
/* {"meta": {"key"}}, {"payload": {"protocol", "field"}}, {"ct": {"key"}}; NULL: problem. */
const struct nj_sel *nj_selector(struct nj_rule *r, JsonNode *n, const char *path);
/* {"match": {"op", "left", "right"}} */
bool nj_stmt_match(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		   GString *out);

#endif /* FS_NFT_JSON_INTERNAL_H */
