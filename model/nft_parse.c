// SPDX-License-Identifier: MIT
/*
 * nft_parse.c - the command level of the nft script parser: the script loop, the
 * one-line commands add/create/insert/delete/destroy/flush and table statements, and
 * the resolution of references at the end of each command.  Objects (chains,
 * flowtables, counters, ct helpers) are parsed by nft_objects.c, rules by nft_stmt.c.
 *
 * Semantics follow nft + nf_tables_api.c:
 *  - declaring an existing table/chain/flowtable again extends it (rules are appended,
 *    flowtable devices are merged);
 *  - `flush table` removes rules only: chains, flowtables and counters stay;
 *  - references (jump/goto targets, @flowtables, named counters, ct helpers) may point
 *    forward within one command (nft expands a table block into objects first, rules
 *    last) and are resolved at the end of each command;
 *  - deleting an object that a rule still references is refused (EBUSY).
 */
#include "nft_parse.h"

/* ---------------------------------------------------------------- table/object lookup */

/* [family] name: the family is optional (nft's default is ip). */
static int parse_family_and_name(struct nft_parser *p, u8 *family, char *name, u32 size)
{
	struct tok second;
	u8 fam;

	if (p->failed)
		return -1;
	if (p->tok.type != TK_WORD && p->tok.type != TK_STR)
		return rsp_expected(p, "a table family (ip, ip6, inet, netdev) or a table name");
	rsp_peek2(p, &second);
	if (p->tok.type == TK_WORD && !rsp_family(&p->tok, &fam) &&
	    (second.type == TK_WORD || second.type == TK_STR)) {
		if (fam == NFT_FAMILY_BRIDGE || fam == NFT_FAMILY_ARP)
			return P_ERR(p, &p->tok, "family '%s' is not supported by the model: "
				     "expected ip, ip6, inet or netdev", rsi_family_name(fam));
		*family = fam;
		if (rsp_advance(p))
			return -1;
	} else {
		*family = NFT_FAMILY_IP;
	}
	return rsp_name(p, name, size, "a table name");
}

static struct rs_table *lookup_table(struct nft_parser *p, const struct tok *at, u8 family,
				     const char *name)
{
	struct rs_table *t = rsi_table_find(p->st, family, name);

	if (!t)
		P_ERR(p, at, "table %s %s does not exist", rsi_family_name(family), name);
	return t;
}

/* [family] table: for commands that name an existing table */
static struct rs_table *parse_table_ref(struct nft_parser *p)
{
	struct tok at = p->tok;
	char name[RS_NAME];
	u8 family;

	if (parse_family_and_name(p, &family, name, RS_SHORT_NAME))
		return NULL;
	return lookup_table(p, &at, family, name);
}

static int cmd_table(struct nft_parser *p, bool create)
{
	struct tok at = p->tok;
	char name[RS_SHORT_NAME];
	struct rs_table *t;
	u8 family;

	if (parse_family_and_name(p, &family, name, sizeof(name)))
		return -1;
	t = rsi_table_find(p->st, family, name);
	if (t && create)
		return P_ERR(p, &at, "table %s %s already exists", rsi_family_name(family), name);
	if (!t) {
		t = rsi_table_add(p->st, family, name);
		if (!t)
			return P_ERR(p, &at, "out of memory or too many tables");
	}
	if (rsp_is(p, TK_LBRACE))
		return rsp_advance(p) ? -1 : rsp_table_block(p, t);
	return 0;
}

static struct rs_chain *parse_chain_ref(struct nft_parser *p, struct rs_table **tp)
{
	struct rs_table *t = parse_table_ref(p);
	struct tok at = p->tok;
	char name[RS_NAME];
	struct rs_chain *c;

	if (!t || rsp_name(p, name, sizeof(name), "a chain name"))
		return NULL;
	c = rsi_chain_find(p->st, t->id, name);
	if (!c || c->anon) {
		P_ERR(p, &at, "chain '%s' does not exist in table %s %s", name,
		      rsi_family_name(t->family), t->name);
		return NULL;
	}
	*tp = t;
	return c;
}

static int rule_index_by_handle(struct nft_parser *p, const struct rs_chain *c, u64 handle,
				const struct tok *at, u32 *idx)
{
	u32 i;

	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i]->handle == handle) {
			*idx = i;
			return 0;
		}
	}
	return P_ERR(p, at, "no rule with handle %u in chain '%s'", (u32)handle, c->name);
}

/* add rule / insert rule: TABLE CHAIN [position H | index N] RULE */
static int cmd_rule(struct nft_parser *p, bool insert)
{
	struct rs_table *t = NULL;
	struct rs_chain *c = parse_chain_ref(p, &t);
	u32 pos = insert ? 0 : ~0u;

	if (!c)
		return -1;
	if (rsp_is_word(p, "position") || rsp_is_word(p, "handle") || rsp_is_word(p, "index")) {
		bool index = rsp_is_word(p, "index");
		struct tok at;
		u64 v;
		u32 idx;

		if (rsp_advance(p))
			return -1;
		at = p->tok;
		if (rsp_u64(p, &at, &v) || rsp_advance(p))
			return -1;
		if (index) {
			if (v > c->nrules || (!insert && v >= c->nrules))
				return P_ERR(p, &at, "chain '%s' has no rule at index %u", c->name,
					     (u32)v);
			idx = (u32)v;
		} else if (rule_index_by_handle(p, c, v, &at, &idx)) {
			return -1;
		}
		pos = insert ? idx : idx + 1;
	}
	if (rsp_at_rule_end(p))
		return rsp_expected(p, "a rule");
	return rsp_rule_into(p, t, c, pos);
}

static int cmd_flush(struct nft_parser *p)
{
	if (rsp_is_word(p, "ruleset")) {
		while (p->st->ntables)
			rsi_table_delete(p->st, p->st->tables[0].id);
		return rsp_advance(p);
	}
	if (rsp_is_word(p, "table")) {
		struct rs_table *t;

		if (rsp_advance(p))
			return -1;
		t = parse_table_ref(p);
		if (!t)
			return -1;
		rsi_table_flush(p->st, t->id);
		return 0;
	}
	if (rsp_is_word(p, "chain")) {
		struct rs_table *t = NULL;
		struct rs_chain *c;

		if (rsp_advance(p))
			return -1;
		c = parse_chain_ref(p, &t);
		if (!c)
			return -1;
		rsi_chain_flush(p->st, c);
		return 0;
	}
	return rsp_expected(p, "ruleset, table or chain after 'flush'");
}

static int cmd_delete(struct nft_parser *p, bool destroy)
{
	struct tok what = p->tok, at;
	char name[RS_NAME];
	struct rs_table *t;
	u8 family;

	if (rsp_is_word(p, "table")) {
		if (rsp_advance(p))
			return -1;
		at = p->tok;
		if (parse_family_and_name(p, &family, name, RS_SHORT_NAME))
			return -1;
		t = rsi_table_find(p->st, family, name);
		if (!t)
			return destroy ? 0 : (lookup_table(p, &at, family, name), -1);
		rsi_table_delete(p->st, t->id);
		return 0;
	}
	if (rsp_is_word(p, "rule")) {
		struct rs_chain *c;
		u64 handle;
		u32 idx;

		if (rsp_advance(p))
			return -1;
		c = parse_chain_ref(p, &t);
		if (!c || rsp_expect_word(p, "handle"))
			return -1;
		at = p->tok;
		if (rsp_u64(p, &at, &handle) || rsp_advance(p))
			return -1;
		if (rule_index_by_handle(p, c, handle, &at, &idx))
			return destroy && !p->failed ? 0 : -1;
		rsi_rule_free(p->st, c->rules[idx]);
		for (; idx + 1 < c->nrules; idx++)
			c->rules[idx] = c->rules[idx + 1];
		c->nrules--;
		return 0;
	}
	if (!rsp_is_word(p, "chain") && !rsp_is_word(p, "flowtable") && !rsp_is_word(p, "counter"))
		return rsp_expected(p, "table, chain, rule, flowtable or counter after 'delete'");
	if (rsp_advance(p))
		return -1;
	t = parse_table_ref(p);
	if (!t)
		return -1;
	at = p->tok;
	if (rsp_name(p, name, sizeof(name), "an object name"))
		return -1;
	if (rsi_memeq_str(what.s, what.len, "chain")) {
		struct rs_chain *c = rsi_chain_find(p->st, t->id, name);

		if (!c || c->anon)
			return destroy ? 0 : P_ERR(p, &at, "chain '%s' does not exist in table %s %s",
						   name, rsi_family_name(t->family), t->name);
		if (rsi_object_referenced(p->st, RS_K_CHAIN, c->id, c->id))
			return P_ERR(p, &at, "chain '%s' is in use: a jump or goto refers to it",
				     name);
		rsi_chain_delete(p->st, c);
		return 0;
	}
	if (rsi_memeq_str(what.s, what.len, "flowtable")) {
		struct rs_flowtable *ft = rsi_ft_find(p->st, t->id, name);

		if (!ft)
			return destroy ? 0 : P_ERR(p, &at, "flowtable '%s' does not exist in table "
						   "%s %s", name, rsi_family_name(t->family),
						   t->name);
		if (rsi_object_referenced(p->st, RS_K_FT, ft->id, 0))
			return P_ERR(p, &at, "flowtable '%s' is in use: flush the rules that add "
				     "flows to it first", name);
		rsi_object_delete(p->st, RS_K_FT, ft->id);
		return 0;
	} else {
		struct rs_counter *c = rsi_counter_find(p->st, t->id, name);

		if (!c)
			return destroy ? 0 : P_ERR(p, &at, "counter '%s' does not exist in table "
						   "%s %s", name, rsi_family_name(t->family),
						   t->name);
		if (rsi_object_referenced(p->st, RS_K_COUNTER, c->id, 0))
			return P_ERR(p, &at, "counter '%s' is in use by a rule", name);
		rsi_object_delete(p->st, RS_K_COUNTER, c->id);
		return 0;
	}
}

static int cmd_add(struct nft_parser *p, bool create)
{
	struct rs_table *t;

	if (rsp_is_word(p, "table"))
		return rsp_advance(p) ? -1 : cmd_table(p, create);
	if (rsp_is_word(p, "rule"))
		return rsp_advance(p) ? -1 : cmd_rule(p, false);
	if (rsp_is_word(p, "chain")) {
		if (rsp_advance(p))
			return -1;
		t = parse_table_ref(p);
		return t ? rsp_chain_decl(p, t, create, false) : -1;
	}
	if (rsp_is_word(p, "flowtable")) {
		if (rsp_advance(p))
			return -1;
		t = parse_table_ref(p);
		return t ? rsp_flowtable_decl(p, t, create) : -1;
	}
	if (rsp_is_word(p, "counter")) {
		if (rsp_advance(p))
			return -1;
		t = parse_table_ref(p);
		return t ? rsp_counter_decl(p, t, create) : -1;
	}
	return rsp_expected(p, "table, chain, rule, flowtable or counter");
}

/* ---------------------------------------------------------------- references */

static int resolve_refs(struct nft_parser *p)
{
	u32 i, j;

	for (i = 0; i < p->nrefs && !p->failed; i++) {
		const struct pending_ref *r = &p->refs[i];
		const struct rs_table *t = rsi_table_by_id(p->st, r->table_id);
		struct rs_chain *holder = rsi_chain(p->st, r->chain_id);
		struct rs_rule *rule = NULL;
		struct tok at;
		u32 id = 0;

		at.line = r->line;
		at.col = r->col;
		if (!t || !holder)
			continue;
		for (j = 0; j < holder->nrules; j++)
			if (holder->rules[j]->handle == r->handle)
				rule = holder->rules[j];
		if (!rule)
			continue;
		switch (r->kind) {
		case RS_K_CHAIN: {
			struct rs_chain *c = rsi_chain_find(p->st, t->id, r->name);

			if (!c || c->anon)
				return P_ERR(p, &at, "chain '%s' does not exist in table %s %s",
					     r->name, rsi_family_name(t->family), t->name);
			if (c->base)
				return P_ERR(p, &at, "cannot jump to base chain '%s'", r->name);
			id = c->id;
			break;
		}
		case RS_K_FT: {
			struct rs_flowtable *ft = rsi_ft_find(p->st, t->id, r->name);

			if (!ft)
				return P_ERR(p, &at, "flowtable '%s' does not exist in table %s %s",
					     r->name, rsi_family_name(t->family), t->name);
			id = ft->id;
			break;
		}
		case RS_K_COUNTER: {
			struct rs_counter *c = rsi_counter_find(p->st, t->id, r->name);

			if (!c)
				return P_ERR(p, &at, "counter '%s' does not exist in table %s %s",
					     r->name, rsi_family_name(t->family), t->name);
			id = c->id;
			break;
		}
		case RS_K_HELPER: {
			struct rs_helper *h = rsi_helper_find(p->st, t->id, r->name);

			if (!h)
				return P_ERR(p, &at, "ct helper '%s' does not exist in table %s %s",
					     r->name, rsi_family_name(t->family), t->name);
			id = h->id;
			break;
		}
		default:
			break;
		}
		if (r->elem == 0xffff) {
			rule->insn[r->insn].a = id;
		} else if (rule->insn[r->insn].op == OP_VMAP) {
			struct rs_vmap_ent *e = (void *)(rs_rule_data_mut(rule) +
							 rule->insn[r->insn].off);
			e[r->elem].chain = id;
		} else {
			struct rs_cmap_ent *e = (void *)(rs_rule_data_mut(rule) +
							 rule->insn[r->insn].off);
			e[r->elem].counter = id;
		}
	}
	p->nrefs = 0;
	return p->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- script */

static int parse_command(struct nft_parser *p)
{
	struct tok cmd = p->tok;

	if (rsp_is_word(p, "table"))
		return rsp_advance(p) ? -1 : cmd_table(p, false);
	if (rsp_is_word(p, "add"))
		return rsp_advance(p) ? -1 : cmd_add(p, false);
	if (rsp_is_word(p, "create"))
		return rsp_advance(p) ? -1 : cmd_add(p, true);
	if (rsp_is_word(p, "insert")) {
		if (rsp_advance(p) || rsp_expect_word(p, "rule"))
			return -1;
		return cmd_rule(p, true);
	}
	if (rsp_is_word(p, "delete"))
		return rsp_advance(p) ? -1 : cmd_delete(p, false);
	if (rsp_is_word(p, "destroy"))
		return rsp_advance(p) ? -1 : cmd_delete(p, true);
	if (rsp_is_word(p, "flush"))
		return rsp_advance(p) ? -1 : cmd_flush(p);
	if (rsp_is_word(p, "list") || rsp_is_word(p, "reset") || rsp_is_word(p, "monitor") ||
	    rsp_is_word(p, "describe") || rsp_is_word(p, "rename") || rsp_is_word(p, "replace"))
		return P_ERR(p, &cmd, "command not supported in a ruleset script: expected table, "
			     "add, create, insert, delete, destroy or flush");
	if (rsp_is_word(p, "include") || rsp_is_word(p, "define"))
		return P_ERR(p, &cmd, "'include' and 'define' are not supported: give the expanded "
			     "ruleset");
	return rsp_expected(p, "a command (table, add, create, insert, delete, destroy, flush)");
}

int rsi_parse(struct rs_state *st, const char *text, size_t len, struct ruleset_error *err)
{
	struct nft_parser *p;
	int rc = 0;
	u32 i;

	if (len > RS_MAX_SCRIPT) {
		err->line = 0;
		err->col = 0;
		fs_snprintf(err->msg, sizeof(err->msg), "script too large (%u bytes, at most %u)",
			    (u32)FS_MIN(len, 0xffffffffu), RS_MAX_SCRIPT);
		return -1;
	}
	p = fs_zalloc(sizeof(*p));
	if (!p) {
		fs_snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	p->st = st;
	p->err = err;
	rsl_init(&p->lx, text, len);
	p->tok.type = TK_NL;      /* a neutral token to "consume" first */
	rsp_advance(p);
	while (!p->failed) {
		rsp_skip_nl(p);
		if (p->failed || rsp_is(p, TK_EOF))
			break;
		if (parse_command(p))
			break;
		if (!p->failed && !rsp_is(p, TK_NL) && !rsp_is(p, TK_SEMI) && !rsp_is(p, TK_EOF))
			rsp_expected(p, "end of command (newline or ';')");
		if (!p->failed)
			resolve_refs(p);
	}
	rc = p->failed ? -1 : 0;
	for (i = 0; i <= RS_MAX_NEST; i++)
		fs_free(p->rb[i]);
	fs_free(p->refs);
	fs_free(p);
	return rc;
}
