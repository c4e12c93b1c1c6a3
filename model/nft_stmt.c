// SPDX-License-Identifier: MIT
/*
 * nft_stmt.c - compiles one nft rule into the instruction form of nft_internal.h: the
 * rule builder and the statements (counter, flow add, NAT, verdicts, reject, log,
 * limit, set statements, vmap).  Matches are parsed by nft_match.c.
 *
 * The listing text of the rule is recorded token by token as the rule is parsed;
 * anonymous counters are replaced by a marker token so the listing can print their live
 * values.  Anonymous chains ("goto { ... }") become binding chains named __chainN; they
 * are parsed with an explicit builder stack (rsp_rule_body), never by recursion.
 */
#include "nft_parse.h"

/* ---------------------------------------------------------------- builder */

struct rule_builder *rsp_top(struct nft_parser *p)
{
	return p->rb[p->depth - 1];
}

struct rs_insn *rsp_emit(struct nft_parser *p, u8 op, const struct tok *at)
{
	struct rule_builder *rb = rsp_top(p);
	struct rs_insn *in;

	if (p->failed)
		return NULL;
	if (rb->ninsn >= RS_MAX_INSN) {
		P_ERR(p, at, "rule too long (more than %d expressions)", RS_MAX_INSN);
		return NULL;
	}
	in = &rb->insn[rb->ninsn++];
	fs_memset(in, 0, sizeof(*in));
	in->op = op;
	in->line = at->line;
	in->col = (u16)(at->col > 0xffff ? 0xffff : at->col);
	return in;
}

u32 rsp_insn_index(struct nft_parser *p, const struct rs_insn *in)
{
	return (u32)(in - rsp_top(p)->insn);
}

void *rsp_data_alloc(struct nft_parser *p, u32 bytes, u32 align, u32 *off,
			const struct tok *at)
{
	struct rule_builder *rb = rsp_top(p);
	u32 o = (rb->dlen + align - 1) & ~(align - 1);

	if (o + bytes > RS_MAX_RULE_DATA) {
		P_ERR(p, at, "rule data too large (sets with too many elements)");
		return NULL;
	}
	rb->dlen = o + bytes;
	*off = o;
	return (u8 *)rb->data + o;
}

struct rule_builder *rsp_rule_begin(struct nft_parser *p, struct rs_table *t, struct rs_chain *c)
{
	struct rule_builder *rb;

	if (p->failed)
		return NULL;
	if (p->depth > RS_MAX_NEST) {
		P_ERR(p, &p->tok, "anonymous chains nested too deeply (at most %d)", RS_MAX_NEST);
		return NULL;
	}
	if (!p->rb[p->depth]) {
		p->rb[p->depth] = fs_zalloc(sizeof(struct rule_builder));
		if (!p->rb[p->depth]) {
			P_ERR(p, &p->tok, "out of memory");
			return NULL;
		}
	}
	rb = p->rb[p->depth++];
	rb->ninsn = 0;
	rb->dlen = 0;
	rb->tlen = 0;
	rb->brace = 0;
	rb->line = p->tok.line;
	rb->col = p->tok.col;
	rb->handle = p->st->next_handle++;
	rb->table = t;
	rb->chain = c;
	rb->recording = true;
	rb->terminal = false;
	return rb;
}

int rsp_rule_end(struct nft_parser *p, u32 pos)
{
	struct rule_builder *rb = rsp_top(p);
	struct rs_rule *r;
	u32 isz, dsz, size;
	struct tok at;

	p->depth--;
	if (p->failed)
		return -1;
	at.line = rb->line;
	at.col = rb->col;
	if (!rb->ninsn)
		return P_ERR(p, &at, "empty rule");
	while (rb->tlen && rb->text[rb->tlen - 1] == ' ')
		rb->tlen--;
	isz = rb->ninsn * (u32)sizeof(struct rs_insn);
	dsz = (rb->dlen + 7) & ~7u;
	size = (u32)sizeof(*r) + isz + dsz + rb->tlen + 1;
	r = fs_zalloc(size);
	if (!r)
		return P_ERR(p, &at, "out of memory");
	r->handle = rb->handle;
	r->ninsn = (u16)rb->ninsn;
	r->size = size;
	r->line = rb->line;
	r->text_off = (u32)sizeof(*r) + isz + dsz;
	r->text_len = (u16)rb->tlen;
	fs_memcpy(r->insn, rb->insn, isz);
	if (rb->dlen)
		fs_memcpy(rs_rule_data_mut(r), rb->data, rb->dlen);
	fs_memcpy((char *)r + r->text_off, rb->text, rb->tlen);
	if (rsi_chain_insert_rule(rb->chain, r, pos)) {
		fs_free(r);
		return P_ERR(p, &at, "too many rules in chain '%s'", rb->chain->name);
	}
	return 0;
}

/* ---------------------------------------------------------------- statements */

static int stmt_set(struct nft_parser *p, u8 key, const struct tok *at)
{
	struct rs_insn *in;
	u32 v;

	if (rsp_advance(p))
		return -1;
	switch (key) {
	case RK_MARK:
	case RK_CT_MARK:
		in = rsp_emit(p, key == RK_MARK ? OP_SET_MARK : OP_SET_CT_MARK, at);
		break;
	case RK_IP_DSCP:
	case RK_IP6_DSCP:
		in = rsp_emit(p, OP_SET_DSCP, at);
		break;
	default:
		return P_ERR(p, at, "%s cannot be set (the model can set meta mark, ct mark, "
			     "ip dscp and ip6 dscp)", rsp_key(key)->name);
	}
	if (!in)
		return -1;
	if (rsp_scalar_one(p, key, &p->tok, &v))
		return -1;
	in->key = key;
	in->a = v;
	return rsp_advance(p);
}

/* "name : value" where the colon may be glued to either side */

static int stmt_vmap(struct nft_parser *p, u8 key, const struct tok *at)
{
	struct rs_insn *in;

	if (rsp_key(key)->cls == KC_ADDR)
		return P_ERR(p, at, "vmap on addresses is not supported");
	if (rsp_advance(p))
		return -1;
	in = rsp_emit(p, OP_VMAP, at);
	if (!in)
		return -1;
	in->key = key;
	if (rsp_map_entries(p, in, true))
		return -1;
	rsp_top(p)->terminal = true;
	return 0;
}

static int stmt_counter(struct nft_parser *p)
{
	struct rule_builder *rb = rsp_top(p);
	struct tok at = p->tok;
	u32 mark = rb->tlen;
	struct rs_insn *in;

	if (rsp_advance(p))
		return -1;
	if (rsp_is_word(p, "name")) {
		struct tok second;

		if (rsp_advance(p))
			return -1;
		rsp_peek2(p, &second);
		if (rsp_is_selector_start(&p->tok) && second.type == TK_WORD) {
			/* counter name ct direction map { original : a, reply : b } */
			u8 key = rsp_selector(p);

			if (!key)
				return -1;
			if (rsp_key(key)->cls != KC_SCALAR)
				return P_ERR(p, &at, "counter maps need a numeric key");
			if (rsp_expect_word(p, "map"))
				return -1;
			in = rsp_emit(p, OP_COUNTER_MAP, &at);
			if (!in)
				return -1;
			in->key = key;
			return rsp_map_entries(p, in, false);
		}
		if ((p->tok.type != TK_WORD && p->tok.type != TK_STR) || !p->tok.len)
			return rsp_expected(p, "a counter name");
		in = rsp_emit(p, OP_COUNTER_NAMED, &at);
		if (!in || rsp_add_ref(p, RS_K_COUNTER, rsp_insn_index(p, in), 0xffff, &p->tok))
			return -1;
		return rsp_advance(p);
	}
	in = rsp_emit(p, OP_COUNTER, &at);
	if (!in)
		return -1;
	if (rsp_is_word(p, "packets")) {
		if (rsp_advance(p) || rsp_u64(p, &p->tok, &in->c) || rsp_advance(p) ||
		    rsp_expect_word(p, "bytes") || rsp_u64(p, &p->tok, &in->d) || rsp_advance(p))
			return -1;
	}
	/* the listing prints the live values in place of what was written */
	if (!p->failed) {
		char ph[2] = { '\x01', (char)(0x40 + rsp_insn_index(p, in)) };

		rb->tlen = mark;
		rsp_text(p, ph, 2);
	}
	return p->failed ? -1 : 0;
}

static int stmt_flow(struct nft_parser *p)
{
	struct tok at = p->tok, name;
	struct rs_insn *in;

	if (rsp_advance(p))
		return -1;
	if (!rsp_is_word(p, "add") && !rsp_is_word(p, "offload"))
		return rsp_expected(p, "'add' or 'offload' after 'flow'");
	if (rsp_advance(p))
		return -1;
	if (p->tok.type != TK_WORD || p->tok.len < 2 || p->tok.s[0] != '@')
		return rsp_expected(p, "a flowtable reference '@name'");
	name = rsp_subtok(&p->tok, 1, p->tok.len - 1);
	/* nft_flow_offload_validate: NFPROTO_IPV4, IPV6 or INET only */
	if (rsp_top(p)->table->family == NFT_FAMILY_NETDEV)
		return P_ERR(p, &at, "flow add needs an ip, ip6 or inet table");
	in = rsp_emit(p, OP_FLOW_ADD, &at);
	if (!in || rsp_add_ref(p, RS_K_FT, rsp_insn_index(p, in), 0xffff, &name))
		return -1;
	return rsp_advance(p);
}

static int port_range(struct nft_parser *p, const struct tok *t, u32 *lo, u32 *hi)
{
	u32 i;
	u64 a, b;

	for (i = 1; i < t->len; i++) {
		if (t->s[i] == '-') {
			struct tok x = rsp_subtok(t, 0, i), y = rsp_subtok(t, i + 1, t->len - i - 1);

			if (rsp_u64(p, &x, &a) || rsp_u64(p, &y, &b))
				return -1;
			goto check;
		}
	}
	if (rsp_u64(p, t, &a))
		return -1;
	b = a;
check:
	if (!a || a > 65535 || b > 65535 || a > b)
		return P_ERR(p, t, "expected a port 1-65535 or a range lo-hi");
	*lo = (u32)a;
	*hi = (u32)b;
	return 0;
}

/* ADDR | ADDR:PORT[-PORT] | [ADDR6]:PORT | :PORT */
static int nat_target(struct nft_parser *p, struct rs_insn *in, bool addr_ok)
{
	const struct tok t = p->tok;
	u32 i, alen = t.len, pstart = 0, lo = 0, hi = 0, aoff = 0, off;
	struct tok pt;
	int fam = 0;

	if (t.type != TK_WORD)
		return rsp_expected(p, addr_ok ? "an address[:port]" : "':port'");
	if (t.s[0] == '[') {
		for (i = 1; i < t.len && t.s[i] != ']'; i++)
			;
		if (i >= t.len)
			return P_ERR(p, &t, "expected ']' after the IPv6 address");
		aoff = 1;
		alen = i - 1;
		if (i + 1 < t.len) {
			if (t.s[i + 1] != ':')
				return P_ERR(p, &t, "expected ':port' after ']'");
			pstart = i + 2;
		}
	} else if (t.s[0] == ':') {
		alen = 0;
		pstart = 1;
	} else {
		bool dot = false;

		for (i = 0; i < t.len; i++)
			dot |= t.s[i] == '.';
		if (dot) {
			for (i = t.len; i > 0; i--) {
				if (t.s[i - 1] == ':') {
					alen = i - 1;
					pstart = i;
					break;
				}
			}
		}
	}
	if (alen) {
		union fs_addr *a;

		if (!addr_ok)
			return P_ERR(p, &t, "expected ':port' (this statement takes no address)");
		a = rsp_data_alloc(p, sizeof(*a), 4, &off, &t);
		if (!a)
			return -1;
		fam = fs_addr_parse(t.s + aoff, alen, a);
		if (!fam)
			return P_ERR(p, &t, "expected an IPv4 or IPv6 address");
		in->off = off;
		in->n = 1;
		in->flags |= RI_HAS_ADDR;
		if (in->b && in->b != (fam == FS_AF_INET ? 4u : 6u))
			return P_ERR(p, &t, "address family does not match the statement");
		in->b = fam == FS_AF_INET ? 4 : 6;
	} else if (addr_ok && !pstart) {
		return rsp_expected(p, "an address");
	}
	if (pstart) {
		if (pstart >= t.len)
			return P_ERR(p, &t, "expected a port after ':'");
		pt = rsp_subtok(&t, pstart, t.len - pstart);
		if (port_range(p, &pt, &lo, &hi))
			return -1;
		in->a = lo | (hi << 16);
	}
	return rsp_advance(p);
}

static int nat_flags(struct nft_parser *p)
{
	while (!p->failed && (rsp_is_word(p, "random") || rsp_is_word(p, "fully-random") ||
			      rsp_is_word(p, "persistent"))) {
		rsp_advance(p);
		if (rsp_is(p, TK_COMMA))
			rsp_advance(p);
	}
	return p->failed ? -1 : 0;
}

static int stmt_nat(struct nft_parser *p)
{
	struct tok at = p->tok;
	const struct rs_table *t = rsp_top(p)->table;
	struct rs_insn *in;
	u8 type;

	if (rsp_is_word(p, "masquerade"))
		type = NFT_NAT_MASQUERADE;
	else if (rsp_is_word(p, "snat"))
		type = NFT_NAT_SNAT;
	else if (rsp_is_word(p, "dnat"))
		type = NFT_NAT_DNAT;
	else
		type = NFT_NAT_REDIRECT;
	if (t->family == NFT_FAMILY_NETDEV)
		return P_ERR(p, &at, "NAT is not available in netdev tables");
	in = rsp_emit(p, OP_NAT, &at);
	if (!in || rsp_advance(p))
		return -1;
	in->aux = type;
	if (t->family == NFT_FAMILY_IP)
		in->b = 4;
	else if (t->family == NFT_FAMILY_IP6)
		in->b = 6;
	if (rsp_is_word(p, "ip") || rsp_is_word(p, "ip6")) {
		u32 fam = rsp_is_word(p, "ip") ? 4 : 6;

		if (in->b && in->b != fam)
			return P_ERR(p, &p->tok, "%s does not match the %s table",
				     fam == 4 ? "ip" : "ip6", rsi_family_name(t->family));
		in->b = fam;
		if (rsp_advance(p))
			return -1;
	}
	if (type == NFT_NAT_SNAT || type == NFT_NAT_DNAT) {
		if (rsp_expect_word(p, "to") || nat_target(p, in, true))
			return -1;
	} else if (rsp_is_word(p, "to")) {
		if (rsp_advance(p) || nat_target(p, in, false))
			return -1;
	}
	return nat_flags(p);
}

static int stmt_verdict(struct nft_parser *p)
{
	struct tok at = p->tok;
	struct rule_builder *rb = rsp_top(p);
	struct rs_insn *in = rsp_emit(p, OP_VERDICT, &at);

	if (!in)
		return -1;
	if (rsp_is_word(p, "accept"))
		in->aux = VC_ACCEPT;
	else if (rsp_is_word(p, "drop"))
		in->aux = VC_DROP;
	else if (rsp_is_word(p, "return"))
		in->aux = VC_RETURN;
	else if (rsp_is_word(p, "continue"))
		in->aux = VC_CONTINUE;
	else
		in->aux = rsp_is_word(p, "jump") ? VC_JUMP : VC_GOTO;
	rb->terminal = true;
	if (rsp_advance(p))
		return -1;
	if (in->aux != VC_JUMP && in->aux != VC_GOTO)
		return 0;
	if (rsp_is(p, TK_LBRACE)) {
		/* binding chain: jump { rules } */
		char name[RS_NAME];
		struct rs_chain *c = rsi_chain_add(p->st, rb->table, "");

		if (!c)
			return P_ERR(p, &at, "out of memory or too many chains");
		fs_snprintf(name, sizeof(name), "__chain%u", c->id);
		rsi_strlcpy(c->name, name, sizeof(c->name));
		c->anon = 1;
		in->a = c->id;
		rsp_text(p, name, (u32)rsi_strlen(name));
		rb->recording = false;
		if (rsp_advance(p))
			return -1;
		rb->recording = true;
		return rsp_rule_begin(p, rb->table, c) ? 0 : -1;
	}
	if ((p->tok.type != TK_WORD && p->tok.type != TK_STR) || !p->tok.len)
		return rsp_expected(p, "a chain name or '{'");
	if (rsp_add_ref(p, RS_K_CHAIN, rsp_insn_index(p, in), 0xffff, &p->tok))
		return -1;
	return rsp_advance(p);
}

static int stmt_reject(struct nft_parser *p)
{
	struct tok at = p->tok;
	struct rs_insn *in = rsp_emit(p, OP_VERDICT, &at);

	if (!in || rsp_advance(p))
		return -1;
	/* the model has no ICMP/RST generation: a reject drops the packet */
	in->aux = VC_DROP;
	in->flags |= RI_REJECT;
	rsp_top(p)->terminal = true;
	if (!rsp_is_word(p, "with"))
		return 0;
	if (rsp_advance(p))
		return -1;
	if (rsp_is_word(p, "tcp")) {
		if (rsp_advance(p))
			return -1;
		return rsp_expect_word(p, "reset");
	}
	if (!rsp_is_word(p, "icmp") && !rsp_is_word(p, "icmpv6") && !rsp_is_word(p, "icmpx"))
		return rsp_expected(p, "tcp reset, icmp, icmpv6 or icmpx after 'reject with'");
	if (rsp_advance(p))
		return -1;
	if (rsp_is_word(p, "type") && rsp_advance(p))
		return -1;
	if (p->tok.type != TK_WORD)
		return rsp_expected(p, "a reject code");
	return rsp_advance(p);
}

static int stmt_log(struct nft_parser *p)
{
	struct tok at = p->tok;

	if (!rsp_emit(p, OP_LOG, &at) || rsp_advance(p))
		return -1;
	for (;;) {
		if (rsp_is_word(p, "prefix")) {
			if (rsp_advance(p) || rsp_expect(p, TK_STR, "a quoted log prefix"))
				return -1;
		} else if (rsp_is_word(p, "level") || rsp_is_word(p, "group") ||
			   rsp_is_word(p, "snaplen") || rsp_is_word(p, "queue-threshold")) {
			if (rsp_advance(p))
				return -1;
			if (p->tok.type != TK_WORD)
				return rsp_expected(p, "a value");
			rsp_advance(p);
		} else if (rsp_is_word(p, "flags")) {
			if (rsp_advance(p))
				return -1;
			do {
				if (p->tok.type != TK_WORD)
					return rsp_expected(p, "a log flag");
				rsp_advance(p);
			} while (rsp_is(p, TK_COMMA) && !rsp_advance(p));
		} else {
			break;
		}
		if (p->failed)
			return -1;
	}
	return 0;
}

static int stmt_limit(struct nft_parser *p)
{
	static const struct named units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
		{ "week", 604800 }, { NULL, 0 },
	};
	struct tok at = p->tok, rt, ut;
	struct rs_insn *in = rsp_emit(p, OP_LIMIT, &at);
	struct rs_limit *l;
	u32 off, i, unit = 0;
	u64 rate, burst = 5;  /* NFT_LIMIT_PKT_BURST_DEFAULT */

	if (!in || rsp_advance(p) || rsp_expect_word(p, "rate"))
		return -1;
	if (rsp_is_word(p, "over")) {
		in->flags |= RI_INVERT;
		if (rsp_advance(p))
			return -1;
	}
	rt = p->tok;
	ut.len = 0;
	ut.s = rt.s;
	if (rt.type == TK_WORD) {
		for (i = 0; i < rt.len; i++) {
			if (rt.s[i] == '/') {
				ut = rsp_subtok(&rt, i + 1, rt.len - i - 1);
				rt = rsp_subtok(&rt, 0, i);
				break;
			}
		}
	}
	if (!rsp_all_digits(rt.s, rt.len) || rt.type != TK_WORD)
		return rsp_expected(p, "a rate 'N/second' (packet rates only)");
	if (rsp_u64(p, &rt, &rate) || rsp_advance(p))
		return -1;
	if (!ut.len) {
		if (!rsp_is_word(p, "/"))
			return rsp_expected(p, "'/unit' after the rate (bytes rates are not supported)");
		if (rsp_advance(p))
			return -1;
		ut = p->tok;
		if (rsp_advance(p))
			return -1;
	}
	if (!rsp_lookup_named(units, ut.s, ut.len, &unit))
		return P_ERR(p, &ut, "expected a time unit (second, minute, hour, day, week)");
	if (!rate || rate > 0xffffffffu)
		return P_ERR(p, &at, "limit rate must be 1 to 4294967295");
	if (rsp_is_word(p, "burst")) {
		if (rsp_advance(p) || rsp_u64(p, &p->tok, &burst) || rsp_advance(p))
			return -1;
		if (!rsp_is_word(p, "packets"))
			return rsp_expected(p, "'packets' (byte bursts are not supported)");
		if (rsp_advance(p))
			return -1;
		if (!burst || burst > 0xffffffffu)
			return P_ERR(p, &at, "limit burst must be 1 to 4294967295");
	}
	l = rsp_data_alloc(p, sizeof(*l), 8, &off, &at);
	if (!l)
		return -1;
	/* nft_limit_init (packet mode): cost = unit_ns / rate, tokens_max = cost * burst */
	l->rate = (u32)rate;
	l->unit = unit;
	l->burst = (u32)burst;
	l->cost = rsi_div_u64((u64)unit * FS_NSEC_PER_SEC, (u32)rate);
	l->tokens_max = l->cost * burst;
	in->off = off;
	in->n = 1;
	return 0;
}

static int stmt_tcp_option(struct nft_parser *p)
{
	struct tok at = p->tok;
	struct rs_insn *in;

	if (rsp_advance(p) || rsp_expect_word(p, "option"))
		return -1;
	if (!rsp_is_word(p, "maxseg"))
		return rsp_expected(p, "'maxseg' (the only TCP option the model handles)");
	if (rsp_advance(p) || rsp_expect_word(p, "size") || rsp_expect_word(p, "set"))
		return -1;
	in = rsp_emit(p, OP_MSS_RTMTU, &at);
	if (!in)
		return -1;
	in->key = RK_TCP_FLAGS;
	if (rsp_is_word(p, "rt")) {
		if (rsp_advance(p))
			return -1;
		return rsp_expect_word(p, "mtu");
	}
	if (rsp_scalar_one(p, RK_TCP_DPORT, &p->tok, &in->a))
		return -1;
	return rsp_advance(p);
}

static int stmt_ct_helper(struct nft_parser *p)
{
	struct tok at = p->tok;
	struct rs_insn *in;

	if (rsp_advance(p) || rsp_advance(p))   /* ct helper */
		return -1;
	if (!rsp_is_word(p, "set"))
		return P_ERR(p, &at, "matching on ct helper is not supported: expected "
			     "'ct helper set \"name\"'");
	if (rsp_top(p)->table->family == NFT_FAMILY_NETDEV)
		return P_ERR(p, &at, "ct helper needs an ip, ip6 or inet table");
	if (rsp_advance(p))
		return -1;
	if ((p->tok.type != TK_STR && p->tok.type != TK_WORD) || !p->tok.len)
		return rsp_expected(p, "a ct helper name");
	in = rsp_emit(p, OP_SET_CT_HELPER, &at);
	if (!in || rsp_add_ref(p, RS_K_HELPER, rsp_insn_index(p, in), 0xffff, &p->tok))
		return -1;
	return rsp_advance(p);
}

static int stmt_comment(struct nft_parser *p)
{
	if (rsp_advance(p))
		return -1;
	if (!rsp_is(p, TK_STR))
		return rsp_expected(p, "a quoted comment");
	return rsp_advance(p);
}

static int stmt_selector(struct nft_parser *p)
{
	struct tok at = p->tok;
	u8 key = rsp_selector(p);

	if (!key)
		return -1;
	if (rsp_is_word(p, "set"))
		return stmt_set(p, key, &at);
	if (rsp_is_word(p, "vmap"))
		return stmt_vmap(p, key, &at);
	if (rsp_is_word(p, "map"))
		return P_ERR(p, &p->tok, "data maps are not supported (vmap is)");
	return rsp_match(p, key, &at);
}

static int rsp_stmt(struct nft_parser *p)
{
	struct tok second;
	char got[48];

	if (p->tok.type != TK_WORD)
		return rsp_expected(p, "a match or a statement");
	if (rsp_is_word(p, "counter"))
		return stmt_counter(p);
	if (rsp_is_word(p, "ct")) {
		rsp_peek2(p, &second);
		if (second.type == TK_WORD && rsi_memeq_str(second.s, second.len, "helper"))
			return stmt_ct_helper(p);
		return stmt_selector(p);
	}
	if (rsp_is_word(p, "tcp")) {
		rsp_peek2(p, &second);
		if (second.type == TK_WORD && rsi_memeq_str(second.s, second.len, "option"))
			return stmt_tcp_option(p);
		return stmt_selector(p);
	}
	if (rsp_is_selector_start(&p->tok))
		return stmt_selector(p);
	if (rsp_is_word(p, "flow"))
		return stmt_flow(p);
	if (rsp_is_word(p, "masquerade") || rsp_is_word(p, "snat") || rsp_is_word(p, "dnat") ||
	    rsp_is_word(p, "redirect"))
		return stmt_nat(p);
	if (rsp_is_word(p, "accept") || rsp_is_word(p, "drop") || rsp_is_word(p, "return") ||
	    rsp_is_word(p, "continue") || rsp_is_word(p, "jump") || rsp_is_word(p, "goto"))
		return stmt_verdict(p);
	if (rsp_is_word(p, "reject"))
		return stmt_reject(p);
	if (rsp_is_word(p, "log"))
		return stmt_log(p);
	if (rsp_is_word(p, "limit"))
		return stmt_limit(p);
	if (rsp_is_word(p, "comment"))
		return stmt_comment(p);
	rsp_tokstr(&p->tok, got, sizeof(got));
	return P_ERR(p, &p->tok, "unknown or unsupported statement %s: expected a match (meta, "
		     "iif, oif, iifname, oifname, ip, ip6, tcp, udp, th, icmp, icmpv6, ct) or a "
		     "statement (counter, flow add, masquerade, snat, dnat, redirect, accept, "
		     "drop, reject, jump, goto, return, log, limit, comment)", got);
}

int rsp_rule_body(struct nft_parser *p)
{
	u32 base = p->depth;

	while (!p->failed) {
		struct rule_builder *rb = rsp_top(p);

		if (p->depth > base) {
			/* inside a binding chain: its own rules end at newline / ';' */
			if (rsp_is(p, TK_NL) || rsp_is(p, TK_SEMI)) {
				if (rb->ninsn) {
					struct rs_table *t = rb->table;
					struct rs_chain *c = rb->chain;

					if (rsp_rule_end(p, ~0u) || !rsp_rule_begin(p, t, c))
						return -1;
				}
				rsp_advance(p);
				continue;
			}
			if (rsp_is(p, TK_RBRACE)) {
				struct rule_builder *outer;

				if (rb->ninsn) {
					if (rsp_rule_end(p, ~0u))
						return -1;
				} else {
					p->depth--;
				}
				outer = rsp_top(p);
				outer->recording = false;
				rsp_advance(p);
				outer->recording = true;
				continue;
			}
			if (rsp_is(p, TK_EOF))
				return rsp_expected(p, "'}' to close the anonymous chain");
		} else if (rsp_at_rule_end(p)) {
			return 0;
		}
		if (rb->terminal && !rsp_is_word(p, "comment")) {
			char got[48];

			rsp_tokstr(&p->tok, got, sizeof(got));
			return P_ERR(p, &p->tok, "%s after a verdict has no effect: only a comment "
				     "may follow", got);
		}
		if (rsp_stmt(p))
			return -1;
	}
	return -1;
}
