// SPDX-License-Identifier: MIT
/*
 * nft_eval.c - evaluation of one base chain for one packet, with netfilter's semantics
 * (nf_tables_core.c: nft_do_chain):
 *  - rules run in order; the first expression that does not hold ends the rule
 *    (NFT_BREAK) and evaluation continues with the next rule;
 *  - accept/drop end the base chain; jump pushes a return point (at most
 *    RS_JUMP_STACK deep), goto replaces the current chain, return pops (in the base
 *    chain it falls through to the policy), falling off a non-base chain returns;
 *  - `flow add @ft` asks the host; a refusal is NFT_BREAK (nft_flow_offload_eval);
 *  - NAT statements end the chain with the NAT verdict (nft_nat_eval stores
 *    nf_nat_setup_info()'s NF_ACCEPT as the verdict), family-mismatched NAT is skipped;
 *  - a vmap or counter-map lookup without a matching element is NFT_BREAK;
 *  - `limit` is nft_limit's token bucket in nanoseconds of pi->now.
 * Every rule looked at counts in *rules: that is what the CPU model charges.
 */
#include "nft_internal.h"

enum rule_result { RR_NEXT, RR_ACCEPT, RR_DROP, RR_RETURN, RR_JUMP, RR_GOTO };

struct evalctx {
	struct rs_state *st;
	struct nft_pktinfo *pi;
	const struct ruleset_env_ops *ops;
	void *env;
	const u64 *dbits[2];
	u8 dstate[2];      /* 0: not looked up, 1: dbits valid, 2: compare names */
};

static const char *dev_name(const struct evalctx *x, int out)
{
	const char *n = out ? x->pi->oifname : x->pi->iifname;

	return n ? n : "";
}

static const u64 *dev_bits(struct evalctx *x, int out)
{
	struct rs_state *st = x->st;
	u16 ifindex = out ? x->pi->oif : x->pi->iif;
	const char *name = out ? x->pi->oifname : x->pi->iifname;
	struct rs_devcache *slot;
	u32 i;

	if (x->dstate[out])
		return x->dbits[out];
	x->dstate[out] = 2;
	x->dbits[out] = NULL;
	if (!name || !st->devwords || !ifindex || ifindex >= RS_DEVCACHE_SLOTS)
		return NULL;
	slot = &st->devcache[ifindex];
	if (slot->name != name) {
		/* first packet through this device since the ruleset was committed */
		fs_memset(slot->bits, 0, st->devwords * sizeof(u64));
		for (i = 0; i < st->npats; i++)
			if (rsi_pattern_match(&st->pats[i], name))
				slot->bits[i / 64] |= 1ULL << (i % 64);
		slot->name = name;
	}
	x->dstate[out] = 1;
	x->dbits[out] = slot->bits;
	return slot->bits;
}

static bool dev_match(struct evalctx *x, int out, u32 pid)
{
	const u64 *bits = dev_bits(x, out);

	if (pid >= x->st->npats)
		return false;
	if (bits)
		return (bits[pid / 64] >> (pid % 64)) & 1;
	return rsi_pattern_match(&x->st->pats[pid], dev_name(x, out));
}

static bool is_dev_key(u8 key)
{
	return key == RK_IIF || key == RK_OIF || key == RK_IIFNAME || key == RK_OIFNAME;
}

static bool is_reply(u8 ctinfo)
{
	return ctinfo == CT_ESTABLISHED_REPLY || ctinfo == CT_RELATED_REPLY;
}

static u32 ct_state_bit(const struct nft_pktinfo *pi)
{
	/* nft_ct_get_eval, NFT_CT_STATE */
	if (!pi->ct)
		return pi->ctinfo == CT_UNTRACKED ? RS_CT_STATE_UNTRACKED : RS_CT_STATE_INVALID;
	switch (pi->ctinfo) {
	case CT_ESTABLISHED:
	case CT_ESTABLISHED_REPLY:
		return RS_CT_STATE_ESTABLISHED;
	case CT_RELATED:
	case CT_RELATED_REPLY:
		return RS_CT_STATE_RELATED;
	case CT_NEW:
		return RS_CT_STATE_NEW;
	case CT_UNTRACKED:
		return RS_CT_STATE_UNTRACKED;
	default:
		return RS_CT_STATE_INVALID;
	}
}

static bool is_th_proto(u8 proto)
{
	return proto == FS_IPPROTO_TCP || proto == FS_IPPROTO_UDP || proto == 132 ||
	       proto == 136 || proto == 33;
}

/* Load a scalar key; false when the packet has no such field (the rule breaks). */
static bool key_u32(const struct evalctx *x, u8 key, u32 *v)
{
	const struct nft_pktinfo *pi = x->pi;
	const struct fs_packet *pkt = pi->pkt;
	const struct conntrack_entry *ct = pi->ct;
	u8 fam = pkt->t.family, proto = pkt->t.proto;

	switch (key) {
	case RK_IIF: *v = pi->iif; return true;
	case RK_OIF: *v = pi->oif; return true;
	case RK_L4PROTO: *v = proto; return true;
	case RK_NFPROTO: *v = fam; return true;
	case RK_PROTOCOL: *v = fam == FS_AF_INET ? 0x0800 : 0x86dd; return true;
	case RK_MARK: *v = pkt->mark; return true;
	case RK_IP_PROTO: *v = proto; return fam == FS_AF_INET;
	case RK_IP6_NEXTHDR: *v = proto; return fam == FS_AF_INET6;
	case RK_IP_DSCP: *v = pkt->dscp; return fam == FS_AF_INET;
	case RK_IP6_DSCP: *v = pkt->dscp; return fam == FS_AF_INET6;
	case RK_TCP_SPORT: *v = pkt->t.sport; return proto == FS_IPPROTO_TCP;
	case RK_TCP_DPORT: *v = pkt->t.dport; return proto == FS_IPPROTO_TCP;
	case RK_UDP_SPORT: *v = pkt->t.sport; return proto == FS_IPPROTO_UDP;
	case RK_UDP_DPORT: *v = pkt->t.dport; return proto == FS_IPPROTO_UDP;
	case RK_TH_SPORT: *v = pkt->t.sport; return is_th_proto(proto);
	case RK_TH_DPORT: *v = pkt->t.dport; return is_th_proto(proto);
	case RK_TCP_FLAGS: *v = pkt->tcp_flags; return proto == FS_IPPROTO_TCP;
	case RK_ICMP_TYPE:
		*v = pkt->t.dport >> 8;
		return fam == FS_AF_INET && proto == FS_IPPROTO_ICMP;
	case RK_ICMPV6_TYPE:
		*v = pkt->t.dport >> 8;
		return fam == FS_AF_INET6 && proto == FS_IPPROTO_ICMPV6;
	case RK_CT_STATE: *v = ct_state_bit(pi); return true;
	case RK_CT_STATUS: *v = ct ? ct->status : 0; return ct != NULL;
	case RK_CT_MARK: *v = ct ? ct->mark : 0; return ct != NULL;
	case RK_CT_DIRECTION: *v = is_reply(pi->ctinfo); return ct != NULL;
	default: return false;
	}
}

static bool in_ranges(const struct rs_range *r, u32 n, u32 v)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (v >= r[i].lo && v <= r[i].hi)
			return true;
	return false;
}

static bool eval_match(struct evalctx *x, const struct rs_rule *r, const struct rs_insn *in)
{
	const u8 *data = rs_rule_data(r);
	const struct fs_packet *pkt = x->pi->pkt;
	bool hit = false;
	u32 v, i;

	if (is_dev_key(in->key) && !(in->flags & RI_NUMERIC)) {
		const struct rs_range *pr = (const void *)(data + in->off);
		int out = in->key == RK_OIF || in->key == RK_OIFNAME;

		for (i = 0; i < in->n && !hit; i++)
			hit = dev_match(x, out, pr[i].lo);
		return in->cmp == RC_NOTIN ? !hit : hit;
	}
	if (in->key == RK_IP_SADDR || in->key == RK_IP_DADDR || in->key == RK_IP6_SADDR ||
	    in->key == RK_IP6_DADDR) {
		const struct rs_prefix *pf = (const void *)(data + in->off);
		bool v4 = in->key == RK_IP_SADDR || in->key == RK_IP_DADDR;
		bool src = in->key == RK_IP_SADDR || in->key == RK_IP6_SADDR;
		const union fs_addr *a = src ? &pkt->t.src : &pkt->t.dst;
		u8 fam = v4 ? FS_AF_INET : FS_AF_INET6;

		if (pkt->t.family != fam)
			return false;
		for (i = 0; i < in->n && !hit; i++)
			hit = fs_addr_in_prefix(fam, a, &pf[i].addr, pf[i].plen);
		return in->cmp == RC_NOTIN ? !hit : hit;
	}
	if (!key_u32(x, in->key, &v))
		return false;
	switch (in->cmp) {
	case RC_IN:
		return in_ranges((const void *)(data + in->off), in->n, v);
	case RC_NOTIN:
		return !in_ranges((const void *)(data + in->off), in->n, v);
	case RC_ANY:
		return (v & in->a) != 0;
	case RC_NONE:
		return (v & in->a) == 0;
	case RC_MASKEQ:
		return (v & in->a) == in->b;
	case RC_MASKNE:
		return (v & in->a) != in->b;
	default:
		return false;
	}
}

static void count(u64 *packets, u64 *bytes, const struct fs_packet *pkt)
{
	/* one skb; a GSO aggregate carries the bytes of all its segments */
	*packets += 1;
	*bytes += (u64)pkt->len * fs_packet_segments(pkt);
}

static bool eval_limit(struct rs_insn *in, const struct rs_limit *l, u64 now)
{
	u64 tokens, elapsed;
	bool pass;

	/* nft_limit_eval: tokens accrue in ns, capped at tokens_max; a packet costs `cost` */
	if (!(in->flags & RI_STARTED)) {
		in->flags |= RI_STARTED;
		in->c = l->tokens_max;
		in->d = now;
	}
	elapsed = now > in->d ? now - in->d : 0;
	if (elapsed > l->tokens_max)
		elapsed = l->tokens_max;
	tokens = in->c + elapsed;
	if (tokens > l->tokens_max)
		tokens = l->tokens_max;
	in->d = now > in->d ? now : in->d;
	if (tokens >= l->cost) {
		in->c = tokens - l->cost;
		pass = true;
	} else {
		in->c = tokens;
		pass = false;
	}
	return (in->flags & RI_INVERT) ? !pass : pass;
}

static bool map_key(struct evalctx *x, const struct rs_insn *in, u32 lo, u32 hi, u32 v)
{
	if (is_dev_key(in->key))
		return dev_match(x, in->key == RK_OIF || in->key == RK_OIFNAME, lo);
	return v >= lo && v <= hi;
}

static int vcode_result(u16 vc)
{
	switch (vc) {
	case VC_ACCEPT: return RR_ACCEPT;
	case VC_DROP: return RR_DROP;
	case VC_RETURN: return RR_RETURN;
	case VC_JUMP: return RR_JUMP;
	case VC_GOTO: return RR_GOTO;
	default: return RR_NEXT;
	}
}

static int eval_rule(struct evalctx *x, struct rs_rule *r, u32 *target)
{
	struct nft_pktinfo *pi = x->pi;
	struct fs_packet *pkt = pi->pkt;
	const u8 *data = rs_rule_data(r);
	u32 i, e, v = 0;

	for (i = 0; i < r->ninsn; i++) {
		struct rs_insn *in = &r->insn[i];

		switch (in->op) {
		case OP_MATCH:
			if (!eval_match(x, r, in))
				return RR_NEXT;
			break;
		case OP_COUNTER:
			count(&in->c, &in->d, pkt);
			break;
		case OP_COUNTER_NAMED: {
			struct rs_counter *c = rsi_obj(x->st, RS_K_COUNTER, in->a);

			if (c)
				count(&c->packets, &c->bytes, pkt);
			break;
		}
		case OP_COUNTER_MAP: {
			const struct rs_cmap_ent *ent = (const void *)(data + in->off);
			struct rs_counter *c = NULL;

			if (!key_u32(x, in->key, &v))
				return RR_NEXT;
			for (e = 0; e < in->n && !c; e++)
				if (v >= ent[e].lo && v <= ent[e].hi)
					c = rsi_obj(x->st, RS_K_COUNTER, ent[e].counter);
			if (!c)
				return RR_NEXT;
			count(&c->packets, &c->bytes, pkt);
			break;
		}
		case OP_SET_CT_MARK:
			if (pi->ct)
				pi->ct->mark = in->a;
			break;
		case OP_SET_MARK:
			pkt->mark = in->a;
			break;
		case OP_SET_DSCP:
			if (pkt->t.family != (in->key == RK_IP_DSCP ? FS_AF_INET : FS_AF_INET6))
				return RR_NEXT;
			pkt->dscp = (u8)in->a;
			break;
		case OP_SET_CT_HELPER: {
			/* nft_ct_helper_obj_eval: only unconfirmed entries of the helper's proto */
			const struct rs_helper *h = rsi_obj(x->st, RS_K_HELPER, in->a);
			struct conntrack_entry *ct = pi->ct;

			if (!h || !ct || (ct->status & (IPS_CONFIRMED | IPS_HELPER)) ||
			    h->l4proto != pkt->t.proto)
				break;
			ct->helper = (u8)(in->a > 255 ? 255 : in->a);
			ct->status |= IPS_HELPER;
			break;
		}
		case OP_FLOW_ADD:
			if (!x->ops || !x->ops->flow_add || x->ops->flow_add(x->env, pi, in->a))
				return RR_NEXT;
			break;
		case OP_NAT: {
			const union fs_addr *addr = NULL;
			u8 fam = pkt->t.family;

			if (in->b && fam != (in->b == 4 ? FS_AF_INET : FS_AF_INET6))
				break;
			if (in->flags & RI_HAS_ADDR)
				addr = (const void *)(data + in->off);
			if (x->ops && x->ops->nat &&
			    x->ops->nat(x->env, pi, (enum nft_nat_type)in->aux, addr,
					(u16)(in->a & 0xffff), (u16)(in->a >> 16)))
				return RR_DROP;
			return RR_ACCEPT;
		}
		case OP_MSS_RTMTU:
			if (pkt->t.proto != FS_IPPROTO_TCP)
				return RR_NEXT;
			/* the model has no MSS option to clamp: the route lookup is the cost */
			if (!in->a && x->ops && x->ops->rt_mtu)
				(void)x->ops->rt_mtu(x->env, pi);
			break;
		case OP_LIMIT:
			if (!eval_limit(in, (const void *)(data + in->off), pi->now))
				return RR_NEXT;
			break;
		case OP_LOG:
			break;
		case OP_VERDICT:
			if (in->aux == VC_CONTINUE)
				break;
			*target = in->a;
			return vcode_result(in->aux);
		case OP_VMAP: {
			const struct rs_vmap_ent *ent = (const void *)(data + in->off);

			if (!is_dev_key(in->key) && !key_u32(x, in->key, &v))
				return RR_NEXT;
			for (e = 0; e < in->n; e++) {
				if (!map_key(x, in, ent[e].lo, ent[e].hi, v))
					continue;
				if (ent[e].verdict == VC_CONTINUE)
					return RR_NEXT;
				*target = ent[e].chain;
				return vcode_result(ent[e].verdict);
			}
			return RR_NEXT;
		}
		default:
			break;
		}
	}
	return RR_NEXT;
}

enum nft_verdict ruleset_eval_chain(struct ruleset *rs, u32 chain_id, struct nft_pktinfo *pi,
				    const struct ruleset_env_ops *ops, void *env, u32 *rules)
{
	struct {
		struct rs_chain *chain;
		u32 rule;
	} stack[RS_JUMP_STACK];
	struct evalctx x;
	struct rs_chain *base, *c;
	u32 sp = 0, ri = 0, steps = 0, nrules = 0;
	enum nft_verdict v;

	x.st = rs->cur;
	x.pi = pi;
	x.ops = ops;
	x.env = env;
	x.dstate[0] = x.dstate[1] = 0;
	x.dbits[0] = x.dbits[1] = NULL;
	base = rsi_chain(x.st, chain_id);
	if (!base)
		return NFT_VERDICT_ACCEPT;
	c = base;
	/* bounded: the commit step guarantees no loops and at most RS_JUMP_STACK levels */
	for (;;) {
		u32 target = 0;
		int res;

		if (++steps > (1u << 24)) {
			fs_log(FS_LOG_ERR, "ruleset: evaluation of chain %s did not terminate\n",
			       base->name);
			v = NFT_VERDICT_DROP;
			break;
		}
		if (ri >= c->nrules) {
			if (!sp) {
				v = (enum nft_verdict)base->policy;
				break;
			}
			sp--;
			c = stack[sp].chain;
			ri = stack[sp].rule;
			continue;
		}
		nrules++;
		res = eval_rule(&x, c->rules[ri++], &target);
		if (res == RR_NEXT)
			continue;
		if (res == RR_ACCEPT) {
			v = NFT_VERDICT_ACCEPT;
			break;
		}
		if (res == RR_DROP) {
			v = NFT_VERDICT_DROP;
			break;
		}
		if (res == RR_RETURN) {
			if (!sp) {
				v = (enum nft_verdict)base->policy;
				break;
			}
			sp--;
			c = stack[sp].chain;
			ri = stack[sp].rule;
			continue;
		}
		if (!rsi_chain(x.st, target))
			continue;
		if (res == RR_JUMP) {
			if (sp >= RS_JUMP_STACK) {
				v = NFT_VERDICT_DROP;
				break;
			}
			stack[sp].chain = c;
			stack[sp].rule = ri;
			sp++;
		}
		c = rsi_chain(x.st, target);
		ri = 0;
	}
	if (rules)
		*rules += nrules;
	return v;
}
