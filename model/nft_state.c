// SPDX-License-Identifier: MIT
/*
 * nft_state.c - the ruleset's object store: tables, chains, flowtables, counters and ct
 * helpers addressed by stable ids, device-name patterns, and cloning for transactions.
 *
 * Invariants:
 *  - an id is handed out once per state lineage (clones continue the sequence), so a chain
 *    id from ruleset_hook_chains() never names a different chain later;
 *  - every object belongs to exactly one table (table_id) and dies with it;
 *  - an anonymous ("binding") chain is referenced by exactly one rule and is deleted when
 *    that rule is flushed or deleted, as nf_tables does with NFT_CHAIN_BINDING;
 *  - the commit step (nft_commit.c) runs on every state before it is used.
 */
#include "nft_internal.h"

struct rs_state *rsi_state_create(void)
{
	struct rs_state *st = fs_zalloc(sizeof(*st));
	int k;

	if (!st)
		return NULL;
	st->next_table_id = 1;
	st->next_handle = 1;
	st->reg_seq = 1;
	for (k = 0; k < RS_K__COUNT; k++)
		st->ids[k].next = 1;
	return st;
}

static void chain_free(struct rs_chain *c)
{
	u32 i;

	for (i = 0; i < c->nrules; i++)
		fs_free(c->rules[i]);
	fs_free(c->rules);
	fs_free(c);
}

void rsi_state_built_free(struct rs_state *st)
{
	int h, f;

	for (h = 0; h < RS_NUM_INET_HOOKS; h++) {
		for (f = 0; f < 2; f++) {
			fs_free(st->hooks[h][f]);
			st->hooks[h][f] = NULL;
			st->nhooks[h][f] = 0;
		}
	}
	fs_free(st->netdev_chains);
	st->netdev_chains = NULL;
	st->nnetdev = 0;
	fs_free(st->devbits);
	st->devbits = NULL;
	st->devwords = 0;
	fs_memset(st->devcache, 0, sizeof(st->devcache));
}

void rsi_state_free(struct rs_state *st)
{
	u32 k, id;

	if (!st)
		return;
	for (k = 0; k < RS_K__COUNT; k++) {
		struct rs_idtab *t = &st->ids[k];

		for (id = 0; id < t->cap; id++) {
			if (!t->obj[id])
				continue;
			if (k == RS_K_CHAIN)
				chain_free(t->obj[id]);
			else
				fs_free(t->obj[id]);
		}
		fs_free(t->obj);
	}
	fs_free(st->tables);
	fs_free(st->pats);
	rsi_state_built_free(st);
	fs_free(st);
}

static void *memdup(const void *p, size_t n)
{
	void *q = fs_zalloc(n);

	if (q)
		fs_memcpy(q, p, n);
	return q;
}

static const size_t kind_size[RS_K__COUNT] = {
	[RS_K_CHAIN] = sizeof(struct rs_chain),
	[RS_K_FT] = sizeof(struct rs_flowtable),
	[RS_K_COUNTER] = sizeof(struct rs_counter),
	[RS_K_HELPER] = sizeof(struct rs_helper),
};

static struct rs_chain *chain_clone(const struct rs_chain *c)
{
	struct rs_chain *n = memdup(c, sizeof(*c));
	u32 i;

	if (!n)
		return NULL;
	n->rules = NULL;
	n->nrules = 0;
	n->cap = 0;
	if (!c->nrules)
		return n;
	n->rules = fs_zalloc_array(c->nrules, sizeof(*n->rules));
	if (!n->rules)
		goto fail;
	n->cap = c->nrules;
	for (i = 0; i < c->nrules; i++) {
		n->rules[i] = memdup(c->rules[i], c->rules[i]->size);
		if (!n->rules[i])
			goto fail;
		n->nrules++;
	}
	return n;
fail:
	chain_free(n);
	return NULL;
}

struct rs_state *rsi_state_clone(const struct rs_state *st)
{
	struct rs_state *n = fs_zalloc(sizeof(*n));
	u32 k, id;

	if (!n)
		return NULL;
	n->ntables = st->ntables;
	n->tables_cap = st->ntables;
	n->next_table_id = st->next_table_id;
	n->next_handle = st->next_handle;
	n->reg_seq = st->reg_seq;
	if (st->ntables) {
		n->tables = memdup(st->tables, st->ntables * sizeof(*st->tables));
		if (!n->tables)
			goto fail;
	}
	n->npats = st->npats;
	n->pats_cap = st->npats;
	if (st->npats) {
		n->pats = memdup(st->pats, st->npats * sizeof(*st->pats));
		if (!n->pats)
			goto fail;
	}
	for (k = 0; k < RS_K__COUNT; k++) {
		const struct rs_idtab *t = &st->ids[k];
		struct rs_idtab *nt = &n->ids[k];

		nt->next = t->next;
		if (!t->cap)
			continue;
		nt->obj = fs_zalloc_array(t->cap, sizeof(void *));
		if (!nt->obj)
			goto fail;
		nt->cap = t->cap;
		for (id = 0; id < t->cap; id++) {
			if (!t->obj[id])
				continue;
			if (k == RS_K_CHAIN)
				nt->obj[id] = chain_clone(t->obj[id]);
			else
				nt->obj[id] = memdup(t->obj[id], kind_size[k]);
			if (!nt->obj[id])
				goto fail;
		}
	}
	return n;
fail:
	rsi_state_free(n);
	return NULL;
}

int rsi_id_alloc(struct rs_state *st, enum rs_kind k, void *obj, u32 *id)
{
	struct rs_idtab *t = &st->ids[k];

	if (t->next >= RS_MAX_IDS)
		return -1;
	if (t->next >= t->cap) {
		u32 ncap = t->cap ? t->cap * 2 : 16;
		void **nobj;

		while (ncap <= t->next)
			ncap *= 2;
		nobj = fs_zalloc_array(ncap, sizeof(void *));
		if (!nobj)
			return -1;
		if (t->cap)
			fs_memcpy(nobj, t->obj, t->cap * sizeof(void *));
		fs_free(t->obj);
		t->obj = nobj;
		t->cap = ncap;
	}
	*id = t->next++;
	t->obj[*id] = obj;
	return 0;
}

void rsi_id_release(struct rs_state *st, enum rs_kind k, u32 id)
{
	struct rs_idtab *t = &st->ids[k];

	if (id && id < t->cap)
		t->obj[id] = NULL;
}

/* ---------------------------------------------------------------- tables */

struct rs_table *rsi_table_find(const struct rs_state *st, u8 family, const char *name)
{
	u32 i;

	for (i = 0; i < st->ntables; i++)
		if (st->tables[i].family == family && rsi_streq(st->tables[i].name, name))
			return &st->tables[i];
	return NULL;
}

struct rs_table *rsi_table_by_id(const struct rs_state *st, u32 id)
{
	u32 i;

	for (i = 0; i < st->ntables; i++)
		if (st->tables[i].id == id)
			return &st->tables[i];
	return NULL;
}

struct rs_table *rsi_table_add(struct rs_state *st, u8 family, const char *name)
{
	struct rs_table *t;

	if (st->ntables >= RS_MAX_TABLES)
		return NULL;
	if (st->ntables == st->tables_cap) {
		u32 ncap = st->tables_cap ? st->tables_cap * 2 : 4;
		struct rs_table *nt = fs_zalloc_array(ncap, sizeof(*nt));

		if (!nt)
			return NULL;
		if (st->ntables)
			fs_memcpy(nt, st->tables, st->ntables * sizeof(*nt));
		fs_free(st->tables);
		st->tables = nt;
		st->tables_cap = ncap;
	}
	t = &st->tables[st->ntables++];
	fs_memset(t, 0, sizeof(*t));
	t->id = st->next_table_id++;
	t->family = family;
	rsi_strlcpy(t->name, name, sizeof(t->name));
	return t;
}

void rsi_table_delete(struct rs_state *st, u32 table_id)
{
	u32 k, id, i;

	for (k = 0; k < RS_K__COUNT; k++) {
		struct rs_idtab *t = &st->ids[k];

		for (id = 0; id < t->cap; id++) {
			u32 *owner;

			if (!t->obj[id])
				continue;
			/* every object kind starts with { u32 id; u32 table_id; } */
			owner = (u32 *)t->obj[id] + 1;
			if (*owner != table_id)
				continue;
			if (k == RS_K_CHAIN)
				chain_free(t->obj[id]);
			else
				fs_free(t->obj[id]);
			t->obj[id] = NULL;
		}
	}
	for (i = 0; i < st->ntables; i++) {
		if (st->tables[i].id != table_id)
			continue;
		for (; i + 1 < st->ntables; i++)
			st->tables[i] = st->tables[i + 1];
		st->ntables--;
		break;
	}
}

/* ---------------------------------------------------------------- chains */

struct rs_chain *rsi_chain_find(const struct rs_state *st, u32 table_id, const char *name)
{
	const struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 id;

	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];

		if (c && c->table_id == table_id && rsi_streq(c->name, name))
			return c;
	}
	return NULL;
}

struct rs_chain *rsi_chain_add(struct rs_state *st, const struct rs_table *t, const char *name)
{
	struct rs_chain *c = fs_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	if (rsi_id_alloc(st, RS_K_CHAIN, c, &c->id)) {
		fs_free(c);
		return NULL;
	}
	c->table_id = t->id;
	c->family = t->family;
	c->policy = NFT_VERDICT_ACCEPT;
	rsi_strlcpy(c->name, name, sizeof(c->name));
	return c;
}

int rsi_chain_insert_rule(struct rs_chain *c, struct rs_rule *r, u32 pos)
{
	u32 i;

	if (c->nrules >= RS_MAX_RULES_PER_CHAIN)
		return -1;
	if (c->nrules == c->cap) {
		u32 ncap = c->cap ? c->cap * 2 : 8;
		struct rs_rule **nr = fs_zalloc_array(ncap, sizeof(*nr));

		if (!nr)
			return -1;
		if (c->nrules)
			fs_memcpy(nr, c->rules, c->nrules * sizeof(*nr));
		fs_free(c->rules);
		c->rules = nr;
		c->cap = ncap;
	}
	if (pos > c->nrules)
		pos = c->nrules;
	for (i = c->nrules; i > pos; i--)
		c->rules[i] = c->rules[i - 1];
	c->rules[pos] = r;
	c->nrules++;
	return 0;
}

/*
 * Free a chain's rules and every binding chain hanging below them.  The worklist holds
 * chain ids; each binding chain is reachable from one rule only, so every chain enters it
 * at most once and the loop is bounded by the number of chains.
 */
static void flush_with_bindings(struct rs_state *st, struct rs_chain *first, bool delete_first)
{
	struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 *work = fs_zalloc_array(t->cap ? t->cap : 1, sizeof(u32));
	u32 nwork = 0, iter = 0;
	struct rs_chain *c = first;

	for (;;) {
		u32 i, j;

		for (i = 0; i < c->nrules; i++) {
			struct rs_rule *r = c->rules[i];

			for (j = 0; work && j < r->ninsn; j++) {
				const struct rs_insn *in = &r->insn[j];
				struct rs_chain *tgt;

				if (in->op != OP_VERDICT ||
				    (in->aux != VC_JUMP && in->aux != VC_GOTO))
					continue;
				tgt = rsi_chain(st, in->a);
				if (tgt && tgt->anon && tgt != first && nwork < t->cap)
					work[nwork++] = tgt->id;
			}
			fs_free(r);
		}
		c->nrules = 0;
		if (c != first || delete_first) {
			rsi_id_release(st, RS_K_CHAIN, c->id);
			chain_free(c);
		}
		c = NULL;
		while (nwork && !c && iter++ < t->cap) {
			c = rsi_chain(st, work[--nwork]);
		}
		if (!c)
			break;
	}
	fs_free(work);
}

void rsi_chain_flush(struct rs_state *st, struct rs_chain *c)
{
	flush_with_bindings(st, c, false);
}

void rsi_chain_delete(struct rs_state *st, struct rs_chain *c)
{
	flush_with_bindings(st, c, true);
}

void rsi_rule_free(struct rs_state *st, struct rs_rule *r)
{
	u32 j;

	/* a deleted rule takes its binding chains with it */
	for (j = 0; j < r->ninsn; j++) {
		const struct rs_insn *in = &r->insn[j];
		struct rs_chain *tgt;

		if (in->op != OP_VERDICT || (in->aux != VC_JUMP && in->aux != VC_GOTO))
			continue;
		tgt = rsi_chain(st, in->a);
		if (tgt && tgt->anon)
			rsi_chain_delete(st, tgt);
	}
	fs_free(r);
}

void rsi_table_flush(struct rs_state *st, u32 table_id)
{
	struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 id;

	/* binding chains go with their rules: delete them first, then empty the others */
	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];

		if (c && c->table_id == table_id && c->anon) {
			rsi_id_release(st, RS_K_CHAIN, id);
			chain_free(c);
		}
	}
	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];
		u32 i;

		if (!c || c->table_id != table_id)
			continue;
		for (i = 0; i < c->nrules; i++)
			fs_free(c->rules[i]);
		c->nrules = 0;
	}
}

static bool insn_refers(const struct rs_rule *r, const struct rs_insn *in, enum rs_kind k,
			u32 id)
{
	const u8 *data = rs_rule_data(r);
	u32 e;

	switch (k) {
	case RS_K_CHAIN:
		if (in->op == OP_VERDICT)
			return (in->aux == VC_JUMP || in->aux == VC_GOTO) && in->a == id;
		if (in->op == OP_VMAP) {
			const struct rs_vmap_ent *ent = (const void *)(data + in->off);

			for (e = 0; e < in->n; e++)
				if ((ent[e].verdict == VC_JUMP || ent[e].verdict == VC_GOTO) &&
				    ent[e].chain == id)
					return true;
		}
		return false;
	case RS_K_FT:
		return in->op == OP_FLOW_ADD && in->a == id;
	case RS_K_COUNTER:
		if (in->op == OP_COUNTER_NAMED)
			return in->a == id;
		if (in->op == OP_COUNTER_MAP) {
			const struct rs_cmap_ent *ent = (const void *)(data + in->off);

			for (e = 0; e < in->n; e++)
				if (ent[e].counter == id)
					return true;
		}
		return false;
	case RS_K_HELPER:
		return in->op == OP_SET_CT_HELPER && in->a == id;
	default:
		return false;
	}
}

bool rsi_object_referenced(const struct rs_state *st, enum rs_kind k, u32 id, u32 except_chain)
{
	const struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 cid, i, j;

	for (cid = 1; cid < t->cap; cid++) {
		const struct rs_chain *c = t->obj[cid];

		if (!c || cid == except_chain)
			continue;
		for (i = 0; i < c->nrules; i++)
			for (j = 0; j < c->rules[i]->ninsn; j++)
				if (insn_refers(c->rules[i], &c->rules[i]->insn[j], k, id))
					return true;
	}
	return false;
}

static void *obj_find(const struct rs_state *st, enum rs_kind k, u32 table_id, const char *name,
		      size_t name_off)
{
	const struct rs_idtab *t = &st->ids[k];
	u32 id;

	for (id = 1; id < t->cap; id++) {
		u32 *o = t->obj[id];

		if (o && o[1] == table_id && rsi_streq((const char *)o + name_off, name))
			return o;
	}
	return NULL;
}

struct rs_flowtable *rsi_ft_find(const struct rs_state *st, u32 table_id, const char *name)
{
	return obj_find(st, RS_K_FT, table_id, name, __builtin_offsetof(struct rs_flowtable, name));
}

struct rs_counter *rsi_counter_find(const struct rs_state *st, u32 table_id, const char *name)
{
	return obj_find(st, RS_K_COUNTER, table_id, name,
			__builtin_offsetof(struct rs_counter, name));
}

struct rs_helper *rsi_helper_find(const struct rs_state *st, u32 table_id, const char *name)
{
	return obj_find(st, RS_K_HELPER, table_id, name, __builtin_offsetof(struct rs_helper, name));
}

void rsi_object_delete(struct rs_state *st, enum rs_kind k, u32 id)
{
	void *o = rsi_obj(st, k, id);

	if (!o)
		return;
	rsi_id_release(st, k, id);
	if (k == RS_K_CHAIN)
		chain_free(o);
	else
		fs_free(o);
}

/* ---------------------------------------------------------------- device patterns */

int rsi_pattern_intern(struct rs_state *st, const char *name, u32 len)
{
	struct rs_devpat p;
	u32 i;

	if (len >= FS_IFNAMSIZ)
		return -1;
	fs_memset(&p, 0, sizeof(p));
	fs_memcpy(p.name, name, len);
	p.len = (u8)len;
	if (len && name[len - 1] == '*') {
		/* nft: a trailing '*' in an interface name is a prefix wildcard */
		p.wildcard = 1;
		p.len = (u8)(len - 1);
	}
	for (i = 0; i < st->npats; i++)
		if (!fs_memcmp(&st->pats[i], &p, sizeof(p)))
			return (int)i;
	if (st->npats >= RS_MAX_PATTERNS)
		return -1;
	if (st->npats == st->pats_cap) {
		u32 ncap = st->pats_cap ? st->pats_cap * 2 : 16;
		struct rs_devpat *np = fs_zalloc_array(ncap, sizeof(*np));

		if (!np)
			return -1;
		if (st->npats)
			fs_memcpy(np, st->pats, st->npats * sizeof(*np));
		fs_free(st->pats);
		st->pats = np;
		st->pats_cap = ncap;
	}
	st->pats[st->npats] = p;
	return (int)st->npats++;
}

bool rsi_pattern_match(const struct rs_devpat *p, const char *name)
{
	u32 i;

	for (i = 0; i < p->len; i++)
		if (name[i] != p->name[i])
			return false;
	return p->wildcard || name[p->len] == '\0';
}

