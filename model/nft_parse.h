/* SPDX-License-Identifier: MIT */
/*
 * nft_parse.h - private interface between the parts of the nft script parser: lexer
 * and token handling (nft_lex.c), commands (nft_parse.c), table contents
 * (nft_objects.c), selectors and values (nft_match.c) and rules/statements (nft_stmt.c).
 *
 * The parser is a hand-written recursive-descent parser turned iterative: nesting
 * (table blocks, chain blocks, anonymous chains inside a rule) is tracked with explicit
 * state and a bounded stack of rule builders, never with recursion.  All parser memory
 * is one heap allocation; no parser function keeps more than a few hundred bytes on the
 * stack.
 *
 * Errors: the first error wins; it carries the line and column of the offending token and
 * says what was expected.  After an error every parse function returns -1 immediately.
 */
#ifndef FS_NFT_PARSE_H
#define FS_NFT_PARSE_H

#include "nft_internal.h"

enum tok_type {
	TK_EOF, TK_NL, TK_WORD, TK_STR, TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN,
	TK_COMMA, TK_SEMI, TK_EQ, TK_EQEQ, TK_NE, TK_LT, TK_GT, TK_LE, TK_GE, TK_AMP, TK_PIPE,
	TK_ERR,
};

struct tok {
	u8 type;        /* enum tok_type */
	u32 line;
	u32 col;
	const char *s;  /* points into the script (strings: without the quotes) */
	u32 len;
};

struct lexer {
	const char *src;
	size_t len;
	size_t pos;
	u32 line;
	u32 col;
	const char *errmsg;  /* set with TK_ERR */
};

struct rule_builder {
	struct rs_insn insn[RS_MAX_INSN];
	u64 data[RS_MAX_RULE_DATA / 8];   /* u64 for alignment of rs_limit */
	char text[RS_MAX_TEXT];
	u32 ninsn;
	u32 dlen;
	u32 tlen;
	u32 brace;        /* listing text: nesting of { } (for ", " spacing) */
	u32 line;
	u32 col;
	u32 handle;
	struct rs_table *table;
	struct rs_chain *chain;
	bool recording;   /* append consumed tokens to text */
	bool terminal;    /* a verdict has been seen: only comment may follow */
};

struct pending_ref {
	u8 kind;          /* enum rs_kind */
	u16 insn;
	u16 elem;         /* 0xffff: the instruction's `a`; else index of a map entry */
	u32 chain_id;     /* chain holding the rule */
	u32 handle;       /* the rule */
	u32 table_id;
	u32 line;
	u32 col;
	char name[RS_NAME];
};

struct nft_parser {
	struct lexer lx;
	struct tok tok;           /* lookahead */
	struct rs_state *st;
	struct ruleset_error *err;
	bool failed;
	struct rule_builder *rb[RS_MAX_NEST + 1];
	u32 depth;                /* builders in use */
	struct pending_ref *refs;
	u32 nrefs;
	u32 refs_cap;
};

/* nft_lex.c */
void rsl_init(struct lexer *lx, const char *src, size_t len);
void rsl_next(struct lexer *lx, struct tok *t);

/* nft_parse.c: token handling shared with nft_stmt.c */
/* Record an error at token t (the first error wins); P_ERR formats the message. */
bool rsp_seterr(struct nft_parser *p, const struct tok *t);
#define P_ERR(p, t, ...)                                                               \
	(rsp_seterr((p), (t)) ? (fs_snprintf((p)->err->msg, sizeof((p)->err->msg), __VA_ARGS__), \
			       -1) : -1)
/* "expected <what>, got <current token>" at the current token */
int rsp_expected(struct nft_parser *p, const char *what);
int rsp_advance(struct nft_parser *p);
bool rsp_is_word(const struct nft_parser *p, const char *w);
bool rsp_is(const struct nft_parser *p, u8 type);
int rsp_peek2(struct nft_parser *p, struct tok *second);
int rsp_expect(struct nft_parser *p, u8 type, const char *what);
int rsp_expect_word(struct nft_parser *p, const char *w);
int rsp_name(struct nft_parser *p, char *out, u32 size, const char *what);
/* A device name as dev_valid_name() accepts it (nft_lex.c). */
int rsp_devname(struct nft_parser *p, char out[FS_IFNAMSIZ], const char *what);
int rsp_u64(struct nft_parser *p, const struct tok *t, u64 *out);
void rsp_tokstr(const struct tok *t, char *buf, u32 size);
void rsp_skip_nl(struct nft_parser *p);
int rsp_add_ref(struct nft_parser *p, u8 kind, u32 insn, u32 elem, const struct tok *t);
/* Append literal text to the listing of the rule being built (with nft spacing). */
void rsp_text(struct nft_parser *p, const char *s, u32 n);
const char *rsp_tokname(u8 type);

struct tok rsp_subtok(const struct tok *t, u32 start, u32 len);

/* nft_objects.c */
bool rsp_at_rule_end(const struct nft_parser *p);
int rsp_rule_into(struct nft_parser *p, struct rs_table *t, struct rs_chain *c, u32 pos);
int rsp_table_block(struct nft_parser *p, struct rs_table *t);
int rsp_chain_decl(struct nft_parser *p, struct rs_table *t, bool create, bool block_only);
int rsp_flowtable_decl(struct nft_parser *p, struct rs_table *t, bool create);
int rsp_counter_decl(struct nft_parser *p, struct rs_table *t, bool create);

/* nft_match.c: selectors, values, maps */
enum key_class { KC_SCALAR, KC_ADDR, KC_DEV };

struct key_info {
	const char *name;
	u8 dtype;        /* enum rs_dtype */
	u8 cls;          /* enum key_class */
	u8 bitmask;      /* values are flags: "a,b" means any of them */
	u8 family;       /* 4 / 6: IPv4/IPv6 header key; 0 either */
	u32 max;
};

struct named {
	const char *name;
	u32 val;
};

const struct key_info *rsp_key(u8 key);
bool rsp_lookup_named(const struct named *tab, const char *s, u32 n, u32 *v);
bool rsp_all_digits(const char *s, u32 n);
bool rsp_is_selector_start(const struct tok *t);
/* meta KEY | iif | ip saddr | ... ; returns the key or 0 after an error */
u8 rsp_selector(struct nft_parser *p);
int rsp_match(struct nft_parser *p, u8 key, const struct tok *at);
int rsp_scalar_one(struct nft_parser *p, u8 key, const struct tok *t, u32 *v);
/* { key : verdict, ... } (vmap) or { key : counter, ... } (counter map) */
int rsp_map_entries(struct nft_parser *p, struct rs_insn *in, bool vmap);

/* nft_stmt.c: the rule builder */
struct rule_builder *rsp_top(struct nft_parser *p);
struct rs_insn *rsp_emit(struct nft_parser *p, u8 op, const struct tok *at);
u32 rsp_insn_index(struct nft_parser *p, const struct rs_insn *in);
void *rsp_data_alloc(struct nft_parser *p, u32 bytes, u32 align, u32 *off,
		   const struct tok *at);
/* Parse one rule up to (not including) its terminator into p->rb[p->depth - 1]. */
int rsp_rule_body(struct nft_parser *p);
/* Start / finish a rule builder for `chain`; finish inserts the compiled rule at pos. */
struct rule_builder *rsp_rule_begin(struct nft_parser *p, struct rs_table *t,
				  struct rs_chain *c);
int rsp_rule_end(struct nft_parser *p, u32 pos);
int rsp_priority(struct nft_parser *p, u8 family, u8 hook, s32 *prio);
int rsp_family(const struct tok *t, u8 *family);
int rsp_hook(const struct tok *t, u8 *hook);

#endif /* FS_NFT_PARSE_H */
