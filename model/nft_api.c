// SPDX-License-Identifier: MIT
/*
 * nft_api.c - the public ruleset interface (ruleset.h): transactional apply, the hook
 * run order for the router, flowtable and counter queries.
 *
 * Invariant: rs->cur is always a committed (validated, hook lists built) state.  Apply
 * works on a clone and swaps only on success, like an nf_tables transaction that either
 * commits as a whole or is aborted.
 */
#include "nft_internal.h"

struct ruleset *ruleset_create(void)
{
	struct ruleset *rs = fs_zalloc(sizeof(*rs));
	struct ruleset_error err;

	if (!rs)
		return NULL;
	rs->cur = rsi_state_create();
	if (!rs->cur || rsi_state_commit(rs->cur, &err)) {
		rsi_state_free(rs->cur);
		fs_free(rs);
		return NULL;
	}
	return rs;
}

void ruleset_destroy(struct ruleset *rs)
{
	if (!rs)
		return;
	rsi_state_free(rs->cur);
	fs_free(rs);
}

int ruleset_apply(struct ruleset *rs, const char *text, size_t len, struct ruleset_error *err)
{
	struct ruleset_error dummy;
	struct rs_state *next;

	if (!err)
		err = &dummy;
	fs_memset(err, 0, sizeof(*err));
	if (!text && len) {
		fs_snprintf(err->msg, sizeof(err->msg), "no script text");
		return -1;
	}
	next = rsi_state_clone(rs->cur);
	if (!next) {
		fs_snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	if (rsi_parse(next, text ? text : "", len, err) || rsi_state_commit(next, err)) {
		rsi_state_free(next);
		return -1;
	}
	rsi_state_free(rs->cur);
	rs->cur = next;
	rs->generation++;
	return 0;
}

u32 ruleset_generation(const struct ruleset *rs)
{
	return rs->generation;
}

void ruleset_devices_changed(struct ruleset *rs)
{
	u32 i;

	for (i = 0; i < RS_DEVCACHE_SLOTS; i++)
		rs->cur->devcache[i].name = NULL;
}

static bool chain_has_dev(const struct rs_chain *c, const char *devname)
{
	u32 i;

	for (i = 0; i < c->ndev; i++)
		if (rsi_streq(c->dev[i], devname))
			return true;
	return false;
}

u32 ruleset_hook_chains(const struct ruleset *rs, u8 hook, u8 pkt_family, const char *devname,
			struct nft_chain_ref *out, u32 max)
{
	const struct rs_state *st = rs->cur;
	u32 i, n = 0;

	if (hook == NFT_HOOK_INGRESS || hook == NFT_HOOK_EGRESS) {
		if (!devname)
			return 0;
		for (i = 0; i < st->nnetdev && n < max; i++) {
			const struct rs_chain *c = rsi_chain(st, st->netdev_chains[i]);

			if (!c || c->hook != hook || !chain_has_dev(c, devname))
				continue;
			out[n].id = c->id;
			out[n].reg_seq = c->reg_seq;
			out[n].priority = c->prio;
			out[n].type = c->type;
			out[n].family = c->family;
			n++;
		}
		return n;
	}
	if (hook >= RS_NUM_INET_HOOKS)
		return 0;
	if (pkt_family != FS_AF_INET && pkt_family != FS_AF_INET6)
		return 0;
	i = pkt_family == FS_AF_INET ? 0 : 1;
	n = FS_MIN(max, st->nhooks[hook][i]);
	if (n)
		fs_memcpy(out, st->hooks[hook][i], n * sizeof(*out));
	return n;
}

u32 ruleset_flowtables(const struct ruleset *rs, struct ruleset_flowtable *out, u32 max)
{
	const struct rs_state *st = rs->cur;
	const struct rs_idtab *t = &st->ids[RS_K_FT];
	u32 id, n = 0, i;

	for (id = 1; id < t->cap && n < max; id++) {
		const struct rs_flowtable *ft = t->obj[id];
		const struct rs_table *tab;
		struct ruleset_flowtable *o;

		if (!ft)
			continue;
		tab = rsi_table_by_id(st, ft->table_id);
		o = &out[n++];
		fs_memset(o, 0, sizeof(*o));
		o->id = ft->id;
		rsi_strlcpy(o->table, tab ? tab->name : "", sizeof(o->table));
		rsi_strlcpy(o->name, ft->name, sizeof(o->name));
		o->family = ft->family;
		o->flags = ft->flags;
		o->num_devices = ft->ndev;
		o->priority = ft->prio;
		o->reg_seq = ft->reg_seq;
		for (i = 0; i < ft->ndev && i < FS_ARRAY_SIZE(o->devices); i++)
			rsi_strlcpy(o->devices[i], ft->dev[i], sizeof(o->devices[i]));
	}
	return n;
}

/* "name" or "family name" */
static bool table_matches(const struct rs_table *t, const char *spec)
{
	u32 i;

	for (i = 0; spec[i]; i++) {
		if (spec[i] == ' ') {
			const char *fam = rsi_family_name(t->family);
			u32 j;

			for (j = 0; j < i; j++)
				if (fam[j] != spec[j])
					return false;
			return fam[i] == '\0' && rsi_streq(t->name, spec + i + 1);
		}
	}
	return rsi_streq(t->name, spec);
}

int ruleset_counter_get(const struct ruleset *rs, const char *table, const char *name,
			u64 *packets, u64 *bytes)
{
	const struct rs_state *st = rs->cur;
	u32 i;

	for (i = 0; i < st->ntables; i++) {
		const struct rs_counter *c;

		if (table && !table_matches(&st->tables[i], table))
			continue;
		c = rsi_counter_find(st, st->tables[i].id, name);
		if (!c)
			continue;
		if (packets)
			*packets = c->packets;
		if (bytes)
			*bytes = c->bytes;
		return 0;
	}
	return -1;
}

void ruleset_counters_reset(struct ruleset *rs)
{
	struct rs_state *st = rs->cur;
	struct rs_idtab *ct = &st->ids[RS_K_COUNTER], *ch = &st->ids[RS_K_CHAIN];
	u32 id, i, j;

	for (id = 1; id < ct->cap; id++) {
		struct rs_counter *c = ct->obj[id];

		if (c)
			c->packets = c->bytes = 0;
	}
	for (id = 1; id < ch->cap; id++) {
		struct rs_chain *c = ch->obj[id];

		if (!c)
			continue;
		for (i = 0; i < c->nrules; i++) {
			for (j = 0; j < c->rules[i]->ninsn; j++) {
				struct rs_insn *in = &c->rules[i]->insn[j];

				if (in->op == OP_COUNTER)
					in->c = in->d = 0;
			}
		}
	}
}

int ruleset_error_format(const struct ruleset_error *err, char *buf, size_t size)
{
	if (err->line)
		return fs_snprintf(buf, size, "%u:%u: %s", err->line, err->col, err->msg);
	return fs_snprintf(buf, size, "%s", err->msg);
}

u32 ruleset_tables(const struct ruleset *rs, struct ruleset_table_info *out, u32 max)
{
	const struct rs_state *st = rs->cur;
	u32 i, k, id, n = 0;

	for (i = 0; i < st->ntables && n < max; i++) {
		struct ruleset_table_info *o = &out[n++];
		u32 counts[RS_K__COUNT] = { 0 };

		fs_memset(o, 0, sizeof(*o));
		rsi_strlcpy(o->name, st->tables[i].name, sizeof(o->name));
		o->family = st->tables[i].family;
		for (k = 0; k < RS_K__COUNT; k++) {
			const struct rs_idtab *t = &st->ids[k];

			for (id = 1; id < t->cap; id++) {
				const u32 *obj = t->obj[id];

				if (obj && obj[1] == st->tables[i].id)
					counts[k]++;
			}
		}
		o->num_chains = counts[RS_K_CHAIN];
		o->num_flowtables = counts[RS_K_FT];
		o->num_counters = counts[RS_K_COUNTER];
	}
	return n;
}

u32 ruleset_chains(const struct ruleset *rs, struct ruleset_chain_info *out, u32 max)
{
	const struct rs_state *st = rs->cur;
	const struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 id, i, n = 0;

	for (id = 1; id < t->cap && n < max; id++) {
		const struct rs_chain *c = t->obj[id];
		const struct rs_table *tab;
		struct ruleset_chain_info *o;

		if (!c)
			continue;
		tab = rsi_table_by_id(st, c->table_id);
		o = &out[n++];
		fs_memset(o, 0, sizeof(*o));
		o->id = c->id;
		rsi_strlcpy(o->table, tab ? tab->name : "", sizeof(o->table));
		rsi_strlcpy(o->name, c->name, sizeof(o->name));
		o->family = c->family;
		o->base = c->base;
		o->type = c->type;
		o->hook = c->hook;
		o->policy = c->policy;
		o->anonymous = c->anon;
		o->priority = c->prio;
		o->reg_seq = c->reg_seq;
		o->num_rules = c->nrules;
		o->num_devices = c->ndev;
		for (i = 0; i < c->ndev && i < FS_ARRAY_SIZE(o->devices); i++)
			rsi_strlcpy(o->devices[i], c->dev[i], sizeof(o->devices[i]));
	}
	return n;
}

u32 ruleset_counters(const struct ruleset *rs, struct ruleset_counter_info *out, u32 max)
{
	const struct rs_state *st = rs->cur;
	const struct rs_idtab *t = &st->ids[RS_K_COUNTER];
	u32 id, n = 0;

	for (id = 1; id < t->cap && n < max; id++) {
		const struct rs_counter *c = t->obj[id];
		const struct rs_table *tab;
		struct ruleset_counter_info *o;

		if (!c)
			continue;
		tab = rsi_table_by_id(st, c->table_id);
		o = &out[n++];
		fs_memset(o, 0, sizeof(*o));
		rsi_strlcpy(o->table, tab ? tab->name : "", sizeof(o->table));
		rsi_strlcpy(o->name, c->name, sizeof(o->name));
		o->family = tab ? tab->family : 0;
		o->packets = c->packets;
		o->bytes = c->bytes;
	}
	return n;
}
