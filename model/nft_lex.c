// SPDX-License-Identifier: MIT
/*
 * nft_lex.c - tokenizer for the nft script syntax (nft -f), plus the small string helpers
 * the ruleset engine needs in place of libc.
 *
 * Tokens follow nft's scanner closely enough for what the model parses:
 *  - words are runs of letters, digits and . : / - + * @ $ [ ] _ so that addresses
 *    ("dead:2::99", "10.0.0.0/24", "[::1]:53"), ranges ("1000-2000"), rates
 *    ("25/second"), wildcards ("eth*") and references ("@ft") are single tokens;
 *  - "quoted strings" (nft has no escapes inside strings) lose their quotes; they hold no
 *    control characters but tabs (refused at their column: '\x01' marks counters in a
 *    rule's listing text, and a listing must read back);
 *  - newlines are tokens (they end rules), a backslash before a newline joins lines,
 *    '#' starts a comment that runs to the end of the line;
 *  - == != <= >= < > = & | ( ) { } , ; are punctuation.
 * Invariant: every token carries the 1-based line and column of its first character (an
 * error token: of the offending character).
 *
 * Also here: the parser's token handling (lookahead, expectations, error messages,
 * the listing text of rules) and the names of families, hooks and priorities.
 */
#include "nft_parse.h"

size_t rsi_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t rsi_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

bool rsi_streq(const char *a, const char *b)
{
	size_t i = 0;

	for (;;) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
		i++;
	}
}

bool rsi_memeq_str(const char *s, u32 len, const char *lit)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (!lit[i] || lit[i] != s[i])
			return false;
	return lit[len] == '\0';
}

void rsi_strlcpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

u64 rsi_div_u64(u64 n, u32 d)
{
	u64 q = 0, r = 0;
	int i;

	if (!d)
		return 0;
	/* restoring division, one quotient bit per step: bounded at 64 iterations */
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ULL << i;
		}
	}
	return q;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == ':' || c == '/' || c == '-' || c == '*' ||
	       c == '@' || c == '$' || c == '[' || c == ']' || c == '+';
}

/* A character as a message shows it: itself when printable, else \xNN. */
static void show_char(char c, char buf[5])
{
	static const char hex[] = "0123456789abcdef";

	if (c >= ' ' && c <= '~') {
		buf[0] = c;
		buf[1] = '\0';
		return;
	}
	buf[0] = '\\';
	buf[1] = 'x';
	buf[2] = hex[(u8)c >> 4];
	buf[3] = hex[(u8)c & 15];
	buf[4] = '\0';
}

void rsl_init(struct lexer *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
	lx->col = 1;
	lx->errmsg = NULL;
}

static char lx_at(const struct lexer *lx, size_t off)
{
	return lx->pos + off < lx->len ? lx->src[lx->pos + off] : '\0';
}

static void lx_skip(struct lexer *lx, size_t n)
{
	lx->pos += n;
	lx->col += n;
}

static void lx_newline(struct lexer *lx, size_t n)
{
	lx->pos += n;
	lx->line++;
	lx->col = 1;
}

static void punct(struct lexer *lx, struct tok *t, u8 type, u32 n)
{
	t->type = type;
	t->len = n;
	lx_skip(lx, n);
}

void rsl_next(struct lexer *lx, struct tok *t)
{
	char c;

	/* whitespace, comments and line continuations; bounded by the script length */
	while (lx->pos < lx->len) {
		c = lx->src[lx->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx_skip(lx, 1);
		} else if (c == '\\' && lx_at(lx, 1) == '\n') {
			lx_newline(lx, 2);
		} else if (c == '\\' && lx_at(lx, 1) == '\r' && lx_at(lx, 2) == '\n') {
			lx_newline(lx, 3);
		} else if (c == '#') {
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				lx_skip(lx, 1);
		} else {
			break;
		}
	}
	t->line = lx->line;
	t->col = lx->col;
	t->s = lx->src + lx->pos;
	t->len = 0;
	if (lx->pos >= lx->len) {
		t->type = TK_EOF;
		return;
	}
	c = lx->src[lx->pos];
	if (c == '\0') {
		t->type = TK_ERR;
		lx->errmsg = "NUL byte in script";
		return;
	}
	if (c == '\n') {
		t->type = TK_NL;
		t->len = 1;
		lx_newline(lx, 1);
		return;
	}
	if (c == '"') {
		size_t start = lx->pos + 1, i = start;

		while (i < lx->len && lx->src[i] != '"' && lx->src[i] != '\n') {
			/*
			 * Control characters (tab aside) have no place in names, devices or
			 * comments, and '\x01' marks counters in a rule's listing text
			 */
			if ((u8)lx->src[i] < ' ' && lx->src[i] != '\t') {
				t->type = TK_ERR;
				t->s = lx->src + i;
				t->len = 1;
				t->col = lx->col + (u32)(i - lx->pos);
				lx->errmsg = "control character in a string: expected printable "
					     "text, got";
				return;
			}
			i++;
		}
		if (i >= lx->len || lx->src[i] != '"') {
			t->type = TK_ERR;
			lx->errmsg = "unterminated string: expected a closing '\"' on the same line";
			return;
		}
		t->type = TK_STR;
		t->s = lx->src + start;
		t->len = (u32)(i - start);
		lx_skip(lx, i + 1 - lx->pos);
		return;
	}
	if (is_word_char(c)) {
		size_t i = lx->pos;

		while (i < lx->len && is_word_char(lx->src[i]))
			i++;
		if (i - lx->pos > 1024) {
			t->type = TK_ERR;
			lx->errmsg = "word longer than 1024 characters";
			return;
		}
		t->type = TK_WORD;
		t->len = (u32)(i - lx->pos);
		lx_skip(lx, i - lx->pos);
		return;
	}
	switch (c) {
	case '{': punct(lx, t, TK_LBRACE, 1); return;
	case '}': punct(lx, t, TK_RBRACE, 1); return;
	case '(': punct(lx, t, TK_LPAREN, 1); return;
	case ')': punct(lx, t, TK_RPAREN, 1); return;
	case ',': punct(lx, t, TK_COMMA, 1); return;
	case ';': punct(lx, t, TK_SEMI, 1); return;
	case '&': punct(lx, t, TK_AMP, 1); return;
	case '|': punct(lx, t, TK_PIPE, 1); return;
	case '=':
		if (lx_at(lx, 1) == '=')
			punct(lx, t, TK_EQEQ, 2);
		else
			punct(lx, t, TK_EQ, 1);
		return;
	case '!':
		if (lx_at(lx, 1) == '=') {
			punct(lx, t, TK_NE, 2);
			return;
		}
		break;
	case '<':
		if (lx_at(lx, 1) == '=')
			punct(lx, t, TK_LE, 2);
		else
			punct(lx, t, TK_LT, 1);
		return;
	case '>':
		if (lx_at(lx, 1) == '=')
			punct(lx, t, TK_GE, 2);
		else
			punct(lx, t, TK_GT, 1);
		return;
	default:
		break;
	}
	t->type = TK_ERR;
	t->len = 1;
	lx->errmsg = "unexpected character";
}

/* ---------------------------------------------------------------- parser tokens */

bool rsp_seterr(struct nft_parser *p, const struct tok *t)
{
	if (p->failed)
		return false;
	p->failed = true;
	p->err->line = t ? t->line : 0;
	p->err->col = t ? t->col : 0;
	return true;
}

const char *rsp_tokname(u8 type)
{
	switch (type) {
	case TK_EOF: return "end of input";
	case TK_NL: return "end of line";
	case TK_LBRACE: return "'{'";
	case TK_RBRACE: return "'}'";
	case TK_LPAREN: return "'('";
	case TK_RPAREN: return "')'";
	case TK_COMMA: return "','";
	case TK_SEMI: return "';'";
	case TK_EQ: return "'='";
	case TK_EQEQ: return "'=='";
	case TK_NE: return "'!='";
	case TK_LT: return "'<'";
	case TK_GT: return "'>'";
	case TK_LE: return "'<='";
	case TK_GE: return "'>='";
	case TK_AMP: return "'&'";
	case TK_PIPE: return "'|'";
	default: return "token";
	}
}

void rsp_tokstr(const struct tok *t, char *buf, u32 size)
{
	u32 n, i, o = 0;

	if (!size)
		return;
	if (t->type != TK_WORD && t->type != TK_STR) {
		rsi_strlcpy(buf, rsp_tokname(t->type), size);
		return;
	}
	n = t->len;
	if (size < 8) {
		buf[0] = '\0';
		return;
	}
	buf[o++] = t->type == TK_STR ? '"' : '\'';
	for (i = 0; i < n && o + 5 < size; i++)
		buf[o++] = t->s[i];
	if (i < n) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o++] = t->type == TK_STR ? '"' : '\'';
	buf[o] = '\0';
}

int rsp_expected(struct nft_parser *p, const char *what)
{
	char got[48];

	rsp_tokstr(&p->tok, got, sizeof(got));
	return P_ERR(p, &p->tok, "expected %s, got %s", what, got);
}

static void text_add(struct nft_parser *p, struct rule_builder *rb, const char *s, u32 n)
{
	if (rb->tlen + n + 2 >= RS_MAX_TEXT) {
		P_ERR(p, &p->tok, "rule too long (more than %d characters)", RS_MAX_TEXT - 8);
		return;
	}
	fs_memcpy(rb->text + rb->tlen, s, n);
	rb->tlen += n;
}

/* Append a consumed token to the listing text of the rule being built. */
static void text_tok(struct nft_parser *p, struct rule_builder *rb, const struct tok *t)
{
	char prev = rb->tlen ? rb->text[rb->tlen - 1] : ' ';
	bool space;
	const char *sym;

	if (t->type == TK_NL || t->type == TK_SEMI || t->type == TK_EOF)
		return;
	space = prev != ' ' && prev != '(' && t->type != TK_COMMA && t->type != TK_RPAREN &&
		!(prev == ',' && !rb->brace);
	if (space)
		text_add(p, rb, " ", 1);
	switch (t->type) {
	case TK_WORD:
		text_add(p, rb, t->s, t->len);
		return;
	case TK_STR:
		text_add(p, rb, "\"", 1);
		text_add(p, rb, t->s, t->len);
		text_add(p, rb, "\"", 1);
		return;
	case TK_LBRACE:
		rb->brace++;
		sym = "{";
		break;
	case TK_RBRACE:
		if (rb->brace)
			rb->brace--;
		sym = "}";
		break;
	case TK_LPAREN: sym = "("; break;
	case TK_RPAREN: sym = ")"; break;
	case TK_COMMA: sym = ","; break;
	case TK_EQ: sym = "="; break;
	case TK_EQEQ: sym = "=="; break;
	case TK_NE: sym = "!="; break;
	case TK_LT: sym = "<"; break;
	case TK_GT: sym = ">"; break;
	case TK_LE: sym = "<="; break;
	case TK_GE: sym = ">="; break;
	case TK_AMP: sym = "&"; break;
	case TK_PIPE: sym = "|"; break;
	default: return;
	}
	text_add(p, rb, sym, (u32)rsi_strlen(sym));
}

void rsp_text(struct nft_parser *p, const char *s, u32 n)
{
	struct rule_builder *rb = p->depth ? p->rb[p->depth - 1] : NULL;

	if (!rb)
		return;
	if (rb->tlen && rb->text[rb->tlen - 1] != ' ' && rb->text[rb->tlen - 1] != '(')
		text_add(p, rb, " ", 1);
	text_add(p, rb, s, n);
}

int rsp_advance(struct nft_parser *p)
{
	if (p->failed)
		return -1;
	if (p->depth && p->rb[p->depth - 1]->recording)
		text_tok(p, p->rb[p->depth - 1], &p->tok);
	rsl_next(&p->lx, &p->tok);
	if (p->tok.type == TK_ERR) {
		if (p->lx.errmsg && p->tok.len == 1) {
			char c[5];

			show_char(p->tok.s[0], c);
			return P_ERR(p, &p->tok, "%s '%s'", p->lx.errmsg, c);
		}
		return P_ERR(p, &p->tok, "%s", p->lx.errmsg ? p->lx.errmsg : "bad token");
	}
	return p->failed ? -1 : 0;
}

bool rsp_is(const struct nft_parser *p, u8 type)
{
	return p->tok.type == type;
}

bool rsp_is_word(const struct nft_parser *p, const char *w)
{
	return p->tok.type == TK_WORD && rsi_memeq_str(p->tok.s, p->tok.len, w);
}

int rsp_peek2(struct nft_parser *p, struct tok *second)
{
	struct lexer save = p->lx;

	rsl_next(&p->lx, second);
	p->lx = save;
	return 0;
}

int rsp_expect(struct nft_parser *p, u8 type, const char *what)
{
	if (p->failed)
		return -1;
	if (p->tok.type != type)
		return rsp_expected(p, what);
	return rsp_advance(p);
}

int rsp_expect_word(struct nft_parser *p, const char *w)
{
	char what[40];

	if (p->failed)
		return -1;
	if (!rsp_is_word(p, w)) {
		fs_snprintf(what, sizeof(what), "'%s'", w);
		return rsp_expected(p, what);
	}
	return rsp_advance(p);
}

void rsp_skip_nl(struct nft_parser *p)
{
	while (!p->failed && (rsp_is(p, TK_NL) || rsp_is(p, TK_SEMI)))
		rsp_advance(p);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '/';
}

/*
 * An object name: a word (identifier) or a quoted string of the same characters.  nft's
 * grammar takes identifiers only; quotes are accepted around them, but what is inside must
 * be an identifier too, since listings print names bare and must read back.
 */
int rsp_name(struct nft_parser *p, char *out, u32 size, const char *what)
{
	u32 i;

	if (p->failed)
		return -1;
	if (p->tok.type != TK_WORD && p->tok.type != TK_STR)
		return rsp_expected(p, what);
	if (!p->tok.len || p->tok.len >= size)
		return P_ERR(p, &p->tok, "%s must be 1 to %u characters long", what, size - 1);
	for (i = 0; i < p->tok.len; i++) {
		if (!name_char_ok(p->tok.s[i])) {
			char c[5];

			show_char(p->tok.s[i], c);
			return P_ERR(p, &p->tok, "invalid character '%s' in %s", c, what);
		}
	}
	fs_memcpy(out, p->tok.s, p->tok.len);
	out[p->tok.len] = '\0';
	return rsp_advance(p);
}

/*
 * A device name (a word or a quoted string): what dev_valid_name() (net/core/dev.c)
 * accepts, 1 to IFNAMSIZ - 1 characters, not "." or "..", no '/', ':' or white space.
 * Other characters are the kernel's to allow; listings quote such names (rsi_bare_word).
 */
int rsp_devname(struct nft_parser *p, char out[FS_IFNAMSIZ], const char *what)
{
	const struct tok *t = &p->tok;
	u32 i;

	if (p->failed)
		return -1;
	if (t->type != TK_WORD && t->type != TK_STR)
		return rsp_expected(p, what);
	if (!t->len || t->len >= FS_IFNAMSIZ)
		return P_ERR(p, t, "%s must be 1 to %d characters long", what, FS_IFNAMSIZ - 1);
	if (rsi_memeq_str(t->s, t->len, ".") || rsi_memeq_str(t->s, t->len, ".."))
		return P_ERR(p, t, "'%s' is not valid as %s: expected an interface name",
			     t->len == 1 ? "." : "..", what);
	for (i = 0; i < t->len; i++) {
		char c = t->s[i];

		if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r')) {
			char shown[5];

			show_char(c, shown);
			return P_ERR(p, t, "invalid character '%s' in %s: interface names have no "
				     "'/', ':' or white space", shown, what);
		}
	}
	fs_memcpy(out, t->s, t->len);
	out[t->len] = '\0';
	return rsp_advance(p);
}

bool rsi_bare_word(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!is_word_char(s[i]))
			return false;
	return i > 0;
}

int rsp_u64(struct nft_parser *p, const struct tok *t, u64 *out)
{
	const char *s = t->s;
	u32 n = t->len, i = 0, base = 10;
	u64 v = 0;

	if (t->type != TK_WORD || !n)
		return P_ERR(p, t, "expected a number");
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++) {
		u32 d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (u32)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (u32)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (u32)(c - 'A' + 10);
		else {
			char got[48];

			rsp_tokstr(t, got, sizeof(got));
			return P_ERR(p, t, "expected a number, got %s", got);
		}
		if (v > (~0ULL - d) / base)
			return P_ERR(p, t, "number too large");
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int rsp_add_ref(struct nft_parser *p, u8 kind, u32 insn, u32 elem, const struct tok *t)
{
	struct rule_builder *rb = p->rb[p->depth - 1];
	struct pending_ref *r;

	if (t->len >= RS_NAME)
		return P_ERR(p, t, "name too long (at most %d characters)", RS_NAME - 1);
	if (p->nrefs == p->refs_cap) {
		u32 ncap = p->refs_cap ? p->refs_cap * 2 : 32;
		struct pending_ref *nr;

		if (ncap > (1u << 20))
			return P_ERR(p, t, "too many references in one command");
		nr = fs_zalloc_array(ncap, sizeof(*nr));
		if (!nr)
			return P_ERR(p, t, "out of memory");
		if (p->nrefs)
			fs_memcpy(nr, p->refs, p->nrefs * sizeof(*nr));
		fs_free(p->refs);
		p->refs = nr;
		p->refs_cap = ncap;
	}
	r = &p->refs[p->nrefs++];
	fs_memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->insn = (u16)insn;
	r->elem = (u16)elem;
	r->chain_id = rb->chain->id;
	r->handle = rb->handle;
	r->table_id = rb->table->id;
	r->line = t->line;
	r->col = t->col;
	fs_memcpy(r->name, t->s, t->len);
	r->name[t->len] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- names of things */

static const char *const family_names[] = {
	[NFT_FAMILY_INET] = "inet", [NFT_FAMILY_IP] = "ip", [NFT_FAMILY_ARP] = "arp",
	[NFT_FAMILY_NETDEV] = "netdev", [NFT_FAMILY_BRIDGE] = "bridge", [NFT_FAMILY_IP6] = "ip6",
};

const char *rsi_family_name(u8 family)
{
	if (family < FS_ARRAY_SIZE(family_names) && family_names[family])
		return family_names[family];
	return "?";
}

static const char *const hook_names[NFT_HOOK__COUNT] = {
	"prerouting", "input", "forward", "output", "postrouting", "ingress", "egress",
};

const char *rsi_hook_name(u8 hook)
{
	return hook < NFT_HOOK__COUNT ? hook_names[hook] : "?";
}

const char *rsi_chain_type_name(u8 type)
{
	switch (type) {
	case NFT_CHAIN_FILTER: return "filter";
	case NFT_CHAIN_NAT: return "nat";
	case NFT_CHAIN_ROUTE: return "route";
	default: return "?";
	}
}

struct prio_name {
	const char *name;
	s32 prio;
};

static const struct prio_name inet_prios[] = {
	{ "raw", NFT_PRIO_RAW }, { "mangle", NFT_PRIO_MANGLE }, { "dstnat", NFT_PRIO_DSTNAT },
	{ "filter", NFT_PRIO_FILTER }, { "security", NFT_PRIO_SECURITY },
	{ "srcnat", NFT_PRIO_SRCNAT },
};

const char *rsi_prio_name(u8 family, u8 hook, s32 prio)
{
	u32 i;

	if (family == NFT_FAMILY_NETDEV)
		return prio == 0 ? "filter" : NULL;
	for (i = 0; i < FS_ARRAY_SIZE(inet_prios); i++) {
		if (inet_prios[i].prio != prio)
			continue;
		/* nft prints dstnat/srcnat only where they are meaningful */
		if (prio == NFT_PRIO_DSTNAT && hook != NFT_HOOK_PREROUTING)
			return NULL;
		if (prio == NFT_PRIO_SRCNAT && hook != NFT_HOOK_POSTROUTING)
			return NULL;
		return inet_prios[i].name;
	}
	return NULL;
}

int rsp_family(const struct tok *t, u8 *family)
{
	u32 i;

	if (t->type != TK_WORD)
		return -1;
	for (i = 0; i < FS_ARRAY_SIZE(family_names); i++) {
		if (family_names[i] && rsi_memeq_str(t->s, t->len, family_names[i])) {
			*family = (u8)i;
			return 0;
		}
	}
	return -1;
}

int rsp_hook(const struct tok *t, u8 *hook)
{
	u8 i;

	for (i = 0; i < NFT_HOOK__COUNT; i++) {
		if (rsi_memeq_str(t->s, t->len, hook_names[i])) {
			*hook = i;
			return 0;
		}
	}
	return -1;
}

static int parse_signed(struct nft_parser *p, const struct tok *t, const char *s, u32 n,
			s32 sign, s32 *out)
{
	struct tok sub = *t;
	u64 v;

	sub.s = s;
	sub.len = n;
	if (rsp_u64(p, &sub, &v))
		return -1;
	if (v > 0x7fffffff)
		return P_ERR(p, t, "priority out of range");
	*out = sign * (s32)v;
	return 0;
}

/* priority N | NAME | NAME + N | NAME - N (also "NAME+N" written as one word) */
int rsp_priority(struct nft_parser *p, u8 family, u8 hook, s32 *prio)
{
	struct tok t = p->tok;
	u32 i, split = 0;
	s32 base = 0, off = 0;
	bool named = false;

	if (t.type != TK_WORD)
		return rsp_expected(p, "a priority (number or raw, mangle, dstnat, filter, security, "
				     "srcnat)");
	if (t.s[0] == '-' || (t.s[0] >= '0' && t.s[0] <= '9'))
		return parse_signed(p, &t, t.s[0] == '-' ? t.s + 1 : t.s,
				    t.s[0] == '-' ? t.len - 1 : t.len, t.s[0] == '-' ? -1 : 1,
				    prio) ? -1 : rsp_advance(p);
	for (i = 1; i < t.len; i++) {
		if (t.s[i] == '+' || t.s[i] == '-') {
			split = i;
			break;
		}
	}
	for (i = 0; i < FS_ARRAY_SIZE(inet_prios); i++) {
		if (rsi_memeq_str(t.s, split ? split : t.len, inet_prios[i].name)) {
			if (family == NFT_FAMILY_NETDEV && inet_prios[i].prio != 0)
				break;
			base = inet_prios[i].prio;
			named = true;
			break;
		}
	}
	if (!named) {
		char got[48];

		rsp_tokstr(&t, got, sizeof(got));
		return P_ERR(p, &t, "unknown priority %s for a %s chain: expected a number or %s",
			     got, rsi_family_name(family),
			     family == NFT_FAMILY_NETDEV ? "filter" :
			     "raw, mangle, dstnat, filter, security or srcnat");
	}
	(void)hook;
	if (split) {
		if (parse_signed(p, &t, t.s + split + 1, t.len - split - 1,
				 t.s[split] == '-' ? -1 : 1, &off))
			return -1;
		*prio = base + off;
		return rsp_advance(p);
	}
	if (rsp_advance(p))
		return -1;
	if (rsp_is_word(p, "+") || rsp_is_word(p, "-")) {
		s32 sign = p->tok.s[0] == '-' ? -1 : 1;

		if (rsp_advance(p))
			return -1;
		if (parse_signed(p, &p->tok, p->tok.s, p->tok.len, sign, &off))
			return -1;
		if (rsp_advance(p))
			return -1;
	}
	*prio = base + off;
	return 0;
}

/* A sub-slice of a token, for "key:value" and "lo-hi" written as one word. */
struct tok rsp_subtok(const struct tok *t, u32 start, u32 len)
{
	struct tok s = *t;

	s.s = t->s + start;
	s.len = len;
	s.col = t->col + start;
	return s;
}
