// SPDX-License-Identifier: MIT
/*
 * nft_objects.c - declarations inside tables: chains (base chain type/hook/priority/
 * policy and their rules), flowtables, named counters and ct helper objects.
 *
 * Semantics follow nf_tables_api.c: redeclaring an object extends it; a base chain's
 * type, hook, priority and devices, and a flowtable's flags and priority, cannot change
 * in place (EOPNOTSUPP: fw4 deletes its flowtable before re-creating it for exactly this
 * reason); nat chains need a priority above conntrack's (-200) and no forward hook;
 * netdev chains need a device and hook ingress or egress.
 */
#include "nft_parse.h"

/* ---------------------------------------------------------------- chains */

static int parse_devices(struct nft_parser *p, char (*dev)[FS_IFNAMSIZ], u32 max, u32 *n)
{
	if (rsp_is(p, TK_WORD) || rsp_is(p, TK_STR)) {
		/* a single device */
		if (*n >= max)
			return P_ERR(p, &p->tok, "too many devices (at most %u)", max);
		if (rsp_devname(p, dev[*n], "a device name"))
			return -1;
		(*n)++;
		return 0;
	}
	if (rsp_expect(p, TK_LBRACE, "'{' or a device name"))
		return -1;
	for (;;) {
		u32 i;
		bool dup = false;
		char name[FS_IFNAMSIZ];

		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (rsp_is(p, TK_RBRACE))
			break;
		if (rsp_devname(p, name, "a device name"))
			return -1;
		for (i = 0; i < *n; i++)
			dup |= rsi_streq(dev[i], name);
		if (!dup) {
			if (*n >= max)
				return P_ERR(p, &p->tok, "too many devices (at most %u)", max);
			rsi_strlcpy(dev[(*n)++], name, FS_IFNAMSIZ);
		}
		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (rsp_is(p, TK_COMMA)) {
			rsp_advance(p);
			continue;
		}
		if (!rsp_is(p, TK_RBRACE))
			return rsp_expected(p, "',' or '}'");
	}
	return rsp_advance(p);
}

struct base_spec {
	u8 type;
	u8 hook;
	u8 ndev;
	s32 prio;
	char dev[RS_MAX_CHAIN_DEV][FS_IFNAMSIZ];
};

/* type T hook H [device D | devices = { ... }] priority P */
static int parse_base_spec(struct nft_parser *p, const struct rs_table *t, struct base_spec *b)
{
	struct tok at;
	u32 ndev = 0;

	fs_memset(b, 0, sizeof(*b));
	if (rsp_expect_word(p, "type"))
		return -1;
	at = p->tok;
	if (rsp_is_word(p, "filter"))
		b->type = NFT_CHAIN_FILTER;
	else if (rsp_is_word(p, "nat"))
		b->type = NFT_CHAIN_NAT;
	else if (rsp_is_word(p, "route"))
		b->type = NFT_CHAIN_ROUTE;
	else
		return rsp_expected(p, "a chain type (filter, nat, route)");
	if (rsp_advance(p) || rsp_expect_word(p, "hook"))
		return -1;
	if (p->tok.type != TK_WORD || rsp_hook(&p->tok, &b->hook))
		return rsp_expected(p, "a hook (prerouting, input, forward, output, postrouting, "
				     "ingress, egress)");
	if (t->family == NFT_FAMILY_NETDEV) {
		if (b->hook != NFT_HOOK_INGRESS && b->hook != NFT_HOOK_EGRESS)
			return P_ERR(p, &p->tok, "netdev chains use the ingress or egress hook");
	} else if (b->hook == NFT_HOOK_INGRESS || b->hook == NFT_HOOK_EGRESS) {
		return P_ERR(p, &p->tok, "the %s hook needs a netdev table in this model",
			     rsi_hook_name(b->hook));
	}
	if (b->type == NFT_CHAIN_NAT && (t->family == NFT_FAMILY_NETDEV ||
					 b->hook == NFT_HOOK_FORWARD))
		return P_ERR(p, &at, "nat chains cannot use the %s hook%s", rsi_hook_name(b->hook),
			     t->family == NFT_FAMILY_NETDEV ? " of a netdev table" : "");
	if (b->type == NFT_CHAIN_ROUTE && b->hook != NFT_HOOK_OUTPUT)
		return P_ERR(p, &at, "route chains only exist on the output hook");
	if (b->type != NFT_CHAIN_FILTER && t->family == NFT_FAMILY_NETDEV)
		return P_ERR(p, &at, "netdev chains must be of type filter");
	if (rsp_advance(p))
		return -1;
	if (rsp_is_word(p, "device")) {
		if (rsp_advance(p) || parse_devices(p, b->dev, RS_MAX_CHAIN_DEV, &ndev))
			return -1;
	} else if (rsp_is_word(p, "devices")) {
		if (rsp_advance(p) || rsp_expect(p, TK_EQ, "'='") ||
		    parse_devices(p, b->dev, RS_MAX_CHAIN_DEV, &ndev))
			return -1;
	}
	b->ndev = (u8)ndev;
	if (t->family == NFT_FAMILY_NETDEV && !ndev)
		return P_ERR(p, &p->tok, "a netdev base chain needs 'device \"name\"' before its "
			     "priority");
	if (t->family != NFT_FAMILY_NETDEV && ndev)
		return P_ERR(p, &p->tok, "devices are only allowed for netdev chains");
	at = p->tok;
	if (rsp_expect_word(p, "priority") || rsp_priority(p, t->family, b->hook, &b->prio))
		return -1;
	/* nf_tables_api.c: nat chains must run after conntrack */
	if (b->type == NFT_CHAIN_NAT && b->prio <= NFT_PRIO_CONNTRACK)
		return P_ERR(p, &at, "nat chains need a priority above conntrack (-200)");
	return 0;
}

static int apply_base_spec(struct nft_parser *p, struct rs_chain *c, const struct base_spec *b,
			   bool fresh, const struct tok *at)
{
	u32 i;

	if (c->base) {
		bool same = c->type == b->type && c->hook == b->hook && c->prio == b->prio &&
			    c->ndev == b->ndev;

		for (i = 0; same && i < b->ndev; i++)
			same = rsi_streq(c->dev[i], b->dev[i]);
		if (!same)
			return P_ERR(p, at, "chain '%s' exists with a different type, hook, priority "
				     "or device: it cannot be changed in place", c->name);
		return 0;
	}
	if (!fresh && c->nrules)
		return P_ERR(p, at, "chain '%s' already exists as a regular chain", c->name);
	c->base = 1;
	c->type = b->type;
	c->hook = b->hook;
	c->prio = b->prio;
	c->ndev = b->ndev;
	for (i = 0; i < b->ndev; i++)
		rsi_strlcpy(c->dev[i], b->dev[i], FS_IFNAMSIZ);
	c->reg_seq = p->st->reg_seq++;
	return 0;
}

bool rsp_at_rule_end(const struct nft_parser *p)
{
	return rsp_is(p, TK_NL) || rsp_is(p, TK_SEMI) || rsp_is(p, TK_RBRACE) || rsp_is(p, TK_EOF);
}

int rsp_rule_into(struct nft_parser *p, struct rs_table *t, struct rs_chain *c, u32 pos)
{
	if (!rsp_rule_begin(p, t, c))
		return -1;
	if (rsp_rule_body(p))
		return -1;
	return rsp_rule_end(p, pos);
}

/* The body of a chain block, after '{' up to and including '}'. */
static int parse_chain_block(struct nft_parser *p, struct rs_table *t, struct rs_chain *c,
			     bool fresh)
{
	while (!p->failed) {
		rsp_skip_nl(p);
		if (rsp_is(p, TK_RBRACE))
			return rsp_advance(p);
		if (rsp_is(p, TK_EOF))
			return rsp_expected(p, "'}' to close the chain");
		if (rsp_is_word(p, "type")) {
			struct base_spec b;
			struct tok at = p->tok;

			if (parse_base_spec(p, t, &b) || apply_base_spec(p, c, &b, fresh, &at))
				return -1;
			continue;
		}
		if (rsp_is_word(p, "policy")) {
			struct tok at = p->tok;

			if (rsp_advance(p))
				return -1;
			if (!c->base)
				return P_ERR(p, &at, "only base chains have a policy");
			if (rsp_is_word(p, "accept"))
				c->policy = NFT_VERDICT_ACCEPT;
			else if (rsp_is_word(p, "drop"))
				c->policy = NFT_VERDICT_DROP;
			else
				return rsp_expected(p, "a policy (accept or drop)");
			if (rsp_advance(p))
				return -1;
			continue;
		}
		if (rsp_is_word(p, "comment")) {
			struct tok second;

			rsp_peek2(p, &second);
			if (second.type == TK_STR) {
				rsp_advance(p);
				rsp_advance(p);
				continue;
			}
		}
		if (rsp_rule_into(p, t, c, ~0u))
			return -1;
		if (!rsp_at_rule_end(p))
			return rsp_expected(p, "end of rule");
	}
	return -1;
}

/* chain NAME [{ ... }] within table t */
int rsp_chain_decl(struct nft_parser *p, struct rs_table *t, bool create, bool block_only)
{
	struct tok at = p->tok;
	char name[RS_NAME];
	struct rs_chain *c;
	bool fresh = false;

	if (rsp_name(p, name, sizeof(name), "a chain name"))
		return -1;
	c = rsi_chain_find(p->st, t->id, name);
	if (c && create)
		return P_ERR(p, &at, "chain '%s' already exists", name);
	if (!c) {
		c = rsi_chain_add(p->st, t, name);
		if (!c)
			return P_ERR(p, &at, "out of memory or too many chains");
		fresh = true;
	}
	if (rsp_is(p, TK_LBRACE))
		return rsp_advance(p) ? -1 : parse_chain_block(p, t, c, fresh);
	if (block_only)
		return rsp_expected(p, "'{'");
	return 0;
}

/* ---------------------------------------------------------------- flowtables */

int rsp_flowtable_decl(struct nft_parser *p, struct rs_table *t, bool create)
{
	struct tok at = p->tok, hook_at;
	char name[RS_SHORT_NAME];
	char dev[FLOWTABLE_MAX_DEVS][FS_IFNAMSIZ];
	u32 ndev = 0, i, j;
	bool has_hook = false, offload = false, counter = false;
	s32 prio = 0;
	struct rs_flowtable *ft;

	if (rsp_name(p, name, sizeof(name), "a flowtable name"))
		return -1;
	if (t->family != NFT_FAMILY_INET && t->family != NFT_FAMILY_IP &&
	    t->family != NFT_FAMILY_IP6)
		return P_ERR(p, &at, "flowtables need an ip, ip6 or inet table");
	hook_at = at;
	if (rsp_expect(p, TK_LBRACE, "'{'"))
		return -1;
	for (;;) {
		rsp_skip_nl(p);
		if (p->failed)
			return -1;
		if (rsp_is(p, TK_RBRACE))
			break;
		if (rsp_is_word(p, "hook")) {
			u8 hook;

			hook_at = p->tok;
			if (rsp_advance(p))
				return -1;
			if (p->tok.type != TK_WORD || rsp_hook(&p->tok, &hook) ||
			    hook != NFT_HOOK_INGRESS)
				return rsp_expected(p, "'ingress' (flowtables only hook ingress)");
			if (rsp_advance(p) || rsp_expect_word(p, "priority") ||
			    rsp_priority(p, NFT_FAMILY_NETDEV, hook, &prio))
				return -1;
			has_hook = true;
		} else if (rsp_is_word(p, "devices")) {
			if (rsp_advance(p) || rsp_expect(p, TK_EQ, "'='") ||
			    parse_devices(p, dev, FLOWTABLE_MAX_DEVS, &ndev))
				return -1;
		} else if (rsp_is_word(p, "counter")) {
			counter = true;
			rsp_advance(p);
		} else if (rsp_is_word(p, "flags")) {
			if (rsp_advance(p))
				return -1;
			if (!rsp_is_word(p, "offload"))
				return rsp_expected(p, "'offload'");
			offload = true;
			rsp_advance(p);
		} else if (rsp_is_word(p, "comment")) {
			rsp_advance(p);
			if (!rsp_is(p, TK_STR))
				return rsp_expected(p, "a quoted comment");
			rsp_advance(p);
		} else {
			return rsp_expected(p, "hook, devices, counter, flags or '}'");
		}
		if (!rsp_is(p, TK_SEMI) && !rsp_is(p, TK_NL) && !rsp_is(p, TK_RBRACE))
			return rsp_expected(p, "';', end of line or '}'");
	}
	if (rsp_advance(p))
		return -1;
	ft = rsi_ft_find(p->st, t->id, name);
	if (ft && create)
		return P_ERR(p, &at, "flowtable '%s' already exists", name);
	if (ft) {
		/* nf_tables_updflowtable: flags and hook cannot change, devices are added */
		if (!!(ft->flags & FLOWTABLE_F_HW_OFFLOAD) != offload)
			return P_ERR(p, &at, "flowtable '%s' exists with different flags: delete it "
				     "first (a flowtable cannot change offload mode in place)", name);
		if (has_hook && ft->prio != prio)
			return P_ERR(p, &hook_at, "flowtable '%s' exists with priority %d: it "
				     "cannot be changed in place", name, (int)ft->prio);
		if (counter)
			ft->flags |= FLOWTABLE_F_COUNTER;
		for (i = 0; i < ndev; i++) {
			bool dup = false;

			for (j = 0; j < ft->ndev; j++)
				dup |= rsi_streq(ft->dev[j], dev[i]);
			if (dup)
				continue;
			if (ft->ndev >= FLOWTABLE_MAX_DEVS)
				return P_ERR(p, &at, "flowtable '%s': too many devices (at most %d)",
					     name, FLOWTABLE_MAX_DEVS);
			rsi_strlcpy(ft->dev[ft->ndev++], dev[i], FS_IFNAMSIZ);
		}
		return 0;
	}
	if (!has_hook)
		return P_ERR(p, &at, "flowtable '%s' needs 'hook ingress priority N'", name);
	ft = fs_zalloc(sizeof(*ft));
	if (!ft || rsi_id_alloc(p->st, RS_K_FT, ft, &ft->id)) {
		fs_free(ft);
		return P_ERR(p, &at, "out of memory");
	}
	ft->table_id = t->id;
	ft->family = t->family;
	rsi_strlcpy(ft->name, name, sizeof(ft->name));
	ft->prio = prio;
	ft->flags = (offload ? FLOWTABLE_F_HW_OFFLOAD : 0) | (counter ? FLOWTABLE_F_COUNTER : 0);
	ft->ndev = (u8)ndev;
	for (i = 0; i < ndev; i++)
		rsi_strlcpy(ft->dev[i], dev[i], FS_IFNAMSIZ);
	ft->reg_seq = p->st->reg_seq++;
	return 0;
}

/* ---------------------------------------------------------------- counters and helpers */

int rsp_counter_decl(struct nft_parser *p, struct rs_table *t, bool create)
{
	struct tok at = p->tok;
	char name[RS_NAME];
	u64 packets = 0, bytes = 0;
	struct rs_counter *c;

	if (rsp_name(p, name, sizeof(name), "a counter name"))
		return -1;
	if (rsp_is(p, TK_LBRACE)) {
		if (rsp_advance(p))
			return -1;
		for (;;) {
			rsp_skip_nl(p);
			if (p->failed)
				return -1;
			if (rsp_is(p, TK_RBRACE))
				break;
			if (rsp_is_word(p, "packets")) {
				if (rsp_advance(p) || rsp_u64(p, &p->tok, &packets) || rsp_advance(p))
					return -1;
			} else if (rsp_is_word(p, "bytes")) {
				if (rsp_advance(p) || rsp_u64(p, &p->tok, &bytes) || rsp_advance(p))
					return -1;
			} else if (rsp_is_word(p, "comment")) {
				if (rsp_advance(p) || rsp_expect(p, TK_STR, "a quoted comment"))
					return -1;
			} else {
				return rsp_expected(p, "packets, bytes, comment or '}'");
			}
		}
		if (rsp_advance(p))
			return -1;
	}
	c = rsi_counter_find(p->st, t->id, name);
	if (c && create)
		return P_ERR(p, &at, "counter '%s' already exists", name);
	if (c)
		return 0;
	c = fs_zalloc(sizeof(*c));
	if (!c || rsi_id_alloc(p->st, RS_K_COUNTER, c, &c->id)) {
		fs_free(c);
		return P_ERR(p, &at, "out of memory");
	}
	c->table_id = t->id;
	rsi_strlcpy(c->name, name, sizeof(c->name));
	c->packets = packets;
	c->bytes = bytes;
	return 0;
}

/* ct helper NAME { type "ftp" protocol tcp; [l3proto ip;] } */
static int parse_helper_decl(struct nft_parser *p, struct rs_table *t)
{
	struct tok at = p->tok;
	char name[RS_NAME], type[RS_NAME];
	u8 proto = 0;
	struct rs_helper *h;

	type[0] = '\0';
	if (rsp_name(p, name, sizeof(name), "a ct helper name") || rsp_expect(p, TK_LBRACE, "'{'"))
		return -1;
	if (t->family == NFT_FAMILY_NETDEV)
		return P_ERR(p, &at, "ct helpers need an ip, ip6 or inet table");
	for (;;) {
		rsp_skip_nl(p);
		if (p->failed)
			return -1;
		if (rsp_is(p, TK_RBRACE))
			break;
		if (rsp_is_word(p, "type")) {
			if (rsp_advance(p))
				return -1;
			if (!rsp_is(p, TK_STR))
				return rsp_expected(p, "the helper type as a quoted string");
			if (rsp_name(p, type, sizeof(type), "a helper type"))
				return -1;
			if (!rsp_is_word(p, "protocol"))
				return rsp_expected(p, "'protocol'");
			if (rsp_advance(p))
				return -1;
			if (rsp_is_word(p, "tcp"))
				proto = FS_IPPROTO_TCP;
			else if (rsp_is_word(p, "udp"))
				proto = FS_IPPROTO_UDP;
			else
				return rsp_expected(p, "tcp or udp");
			rsp_advance(p);
		} else if (rsp_is_word(p, "l3proto")) {
			if (rsp_advance(p))
				return -1;
			if (!rsp_is_word(p, "ip") && !rsp_is_word(p, "ip6") && !rsp_is_word(p, "inet"))
				return rsp_expected(p, "ip, ip6 or inet");
			rsp_advance(p);
		} else {
			return rsp_expected(p, "type, l3proto or '}'");
		}
	}
	if (rsp_advance(p))
		return -1;
	if (!type[0])
		return P_ERR(p, &at, "ct helper '%s' needs 'type \"name\" protocol tcp|udp'", name);
	h = rsi_helper_find(p->st, t->id, name);
	if (h) {
		if (h->l4proto != proto || !rsi_streq(h->type, type))
			return P_ERR(p, &at, "ct helper '%s' exists with a different type", name);
		return 0;
	}
	h = fs_zalloc(sizeof(*h));
	if (!h || rsi_id_alloc(p->st, RS_K_HELPER, h, &h->id)) {
		fs_free(h);
		return P_ERR(p, &at, "out of memory");
	}
	h->table_id = t->id;
	h->l4proto = proto;
	rsi_strlcpy(h->name, name, sizeof(h->name));
	rsi_strlcpy(h->type, type, sizeof(h->type));
	return 0;
}

/* ---------------------------------------------------------------- tables */

int rsp_table_block(struct nft_parser *p, struct rs_table *t)
{
	while (!p->failed) {
		rsp_skip_nl(p);
		if (rsp_is(p, TK_RBRACE))
			return rsp_advance(p);
		if (rsp_is_word(p, "chain")) {
			if (rsp_advance(p) || rsp_chain_decl(p, t, false, true))
				return -1;
		} else if (rsp_is_word(p, "flowtable")) {
			if (rsp_advance(p) || rsp_flowtable_decl(p, t, false))
				return -1;
		} else if (rsp_is_word(p, "counter")) {
			if (rsp_advance(p) || rsp_counter_decl(p, t, false))
				return -1;
		} else if (rsp_is_word(p, "ct")) {
			if (rsp_advance(p) || rsp_expect_word(p, "helper") || parse_helper_decl(p, t))
				return -1;
		} else if (rsp_is_word(p, "comment")) {
			if (rsp_advance(p) || rsp_expect(p, TK_STR, "a quoted comment"))
				return -1;
		} else if (rsp_is_word(p, "set") || rsp_is_word(p, "map")) {
			return P_ERR(p, &p->tok, "named sets and maps are not supported by the model: "
				     "use anonymous sets { ... } in rules");
		} else if (rsp_is_word(p, "define") || rsp_is_word(p, "include")) {
			return P_ERR(p, &p->tok, "'define' and 'include' are not supported: give the "
				     "expanded ruleset");
		} else if (rsp_is_word(p, "flags")) {
			return P_ERR(p, &p->tok, "table flags (dormant, owner) are not supported");
		} else if (rsp_is(p, TK_EOF)) {
			return rsp_expected(p, "'}' to close the table");
		} else {
			return rsp_expected(p, "chain, flowtable, counter, ct helper or '}'");
		}
		if (!rsp_is(p, TK_NL) && !rsp_is(p, TK_SEMI) && !rsp_is(p, TK_RBRACE))
			return rsp_expected(p, "end of line or '}'");
	}
	return -1;
}

/* table/add table/create table: [family] NAME [{ ... }] */