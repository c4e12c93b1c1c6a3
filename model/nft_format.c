// SPDX-License-Identifier: MIT
/*
 * nft_format.c - `nft list ruleset`-style listing of the committed ruleset.
 *
 * Tables are printed in creation order, inside each table the flowtables, counters,
 * ct helpers and then chains (binding chains of "jump { ... }" appear as __chainN).
 * Rules print the text they were written with (normalised spacing, quoted strings);
 * anonymous counters print their live "counter packets N bytes M".
 */
#include "nft_internal.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
		else
			o->overflow = true;
		o->len++;
	}
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, rsi_strlen(s));
}

static void putu(struct out *o, u64 v)
{
	char tmp[24];
	int n = fs_snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);

	put(o, tmp, n > 0 ? (size_t)n : 0);
}

static void put_prio(struct out *o, u8 family, u8 hook, s32 prio)
{
	const char *name = rsi_prio_name(family, hook, prio);
	char tmp[16];
	int n;

	if (name) {
		puts_(o, name);
		return;
	}
	n = fs_snprintf(tmp, sizeof(tmp), "%d", (int)prio);
	put(o, tmp, n > 0 ? (size_t)n : 0);
}

static void put_devices(struct out *o, char (*dev)[FS_IFNAMSIZ], u32 n, bool quote)
{
	u32 i;

	puts_(o, "{ ");
	for (i = 0; i < n; i++) {
		/* nft lists flowtable devices bare; a name that is not one word needs quotes */
		bool q = quote || !rsi_bare_word(dev[i]);

		if (i)
			puts_(o, ", ");
		if (q)
			puts_(o, "\"");
		puts_(o, dev[i]);
		if (q)
			puts_(o, "\"");
	}
	puts_(o, " }");
}

static void put_rule(struct out *o, const struct rs_rule *r)
{
	const char *t = (const char *)r + r->text_off;
	u32 i;

	puts_(o, "\t\t");
	for (i = 0; i < r->text_len; i++) {
		if (t[i] == '\x01' && i + 1 < r->text_len) {
			u32 idx = (u8)t[i + 1] - 0x40;

			if (idx < r->ninsn) {
				puts_(o, "counter packets ");
				putu(o, r->insn[idx].c);
				puts_(o, " bytes ");
				putu(o, r->insn[idx].d);
			}
			i++;
			continue;
		}
		put(o, &t[i], 1);
	}
	puts_(o, "\n");
}

static void put_chain(struct out *o, const struct rs_chain *c)
{
	u32 i;

	puts_(o, "\tchain ");
	puts_(o, c->name);
	puts_(o, " {\n");
	if (c->base) {
		puts_(o, "\t\ttype ");
		puts_(o, rsi_chain_type_name(c->type));
		puts_(o, " hook ");
		puts_(o, rsi_hook_name(c->hook));
		if (c->ndev == 1) {
			puts_(o, " device \"");
			puts_(o, c->dev[0]);
			puts_(o, "\"");
		} else if (c->ndev > 1) {
			puts_(o, " devices = ");
			put_devices(o, (char (*)[FS_IFNAMSIZ])c->dev, c->ndev, true);
		}
		puts_(o, " priority ");
		put_prio(o, c->family, c->hook, c->prio);
		puts_(o, "; policy ");
		puts_(o, c->policy == NFT_VERDICT_DROP ? "drop" : "accept");
		puts_(o, ";\n");
	}
	for (i = 0; i < c->nrules; i++)
		put_rule(o, c->rules[i]);
	puts_(o, "\t}\n");
}

static void put_table(struct out *o, const struct rs_state *st, const struct rs_table *t)
{
	const struct rs_idtab *ids;
	bool first = true;
	u32 id;

	puts_(o, "table ");
	puts_(o, rsi_family_name(t->family));
	puts_(o, " ");
	puts_(o, t->name);
	puts_(o, " {\n");

	ids = &st->ids[RS_K_FT];
	for (id = 1; id < ids->cap; id++) {
		const struct rs_flowtable *ft = ids->obj[id];

		if (!ft || ft->table_id != t->id)
			continue;
		if (!first)
			puts_(o, "\n");
		first = false;
		puts_(o, "\tflowtable ");
		puts_(o, ft->name);
		puts_(o, " {\n\t\thook ingress priority ");
		put_prio(o, NFT_FAMILY_NETDEV, NFT_HOOK_INGRESS, ft->prio);
		puts_(o, "\n\t\tdevices = ");
		put_devices(o, (char (*)[FS_IFNAMSIZ])ft->dev, ft->ndev, false);
		puts_(o, "\n");
		if (ft->flags & FLOWTABLE_F_HW_OFFLOAD)
			puts_(o, "\t\tflags offload\n");
		if (ft->flags & FLOWTABLE_F_COUNTER)
			puts_(o, "\t\tcounter\n");
		puts_(o, "\t}\n");
	}
	ids = &st->ids[RS_K_COUNTER];
	for (id = 1; id < ids->cap; id++) {
		const struct rs_counter *c = ids->obj[id];

		if (!c || c->table_id != t->id)
			continue;
		if (!first)
			puts_(o, "\n");
		first = false;
		puts_(o, "\tcounter ");
		puts_(o, c->name);
		puts_(o, " {\n\t\tpackets ");
		putu(o, c->packets);
		puts_(o, " bytes ");
		putu(o, c->bytes);
		puts_(o, "\n\t}\n");
	}
	ids = &st->ids[RS_K_HELPER];
	for (id = 1; id < ids->cap; id++) {
		const struct rs_helper *h = ids->obj[id];

		if (!h || h->table_id != t->id)
			continue;
		if (!first)
			puts_(o, "\n");
		first = false;
		puts_(o, "\tct helper ");
		puts_(o, h->name);
		puts_(o, " {\n\t\ttype \"");
		puts_(o, h->type);
		puts_(o, h->l4proto == FS_IPPROTO_TCP ? "\" protocol tcp\n\t}\n" :
						       "\" protocol udp\n\t}\n");
	}
	ids = &st->ids[RS_K_CHAIN];
	for (id = 1; id < ids->cap; id++) {
		const struct rs_chain *c = ids->obj[id];

		if (!c || c->table_id != t->id)
			continue;
		if (!first)
			puts_(o, "\n");
		first = false;
		put_chain(o, c);
	}
	puts_(o, "}\n");
}

int ruleset_format(const struct ruleset *rs, char *buf, size_t size)
{
	const struct rs_state *st = rs->cur;
	struct out o = { buf, size, 0, false };
	u32 i;

	for (i = 0; i < st->ntables; i++)
		put_table(&o, st, &st->tables[i]);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	if (o.overflow || o.len >= size)
		return -1;
	return (int)o.len;
}
