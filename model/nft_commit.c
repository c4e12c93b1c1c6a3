// SPDX-License-Identifier: MIT
/*
 * nft_commit.c - the last step of a ruleset transaction: validate the whole ruleset the
 * way nf_tables does before it commits (nft_table_validate: every base chain walked with
 * its jumps; loops and paths deeper than the jump stack are refused, hook-restricted
 * expressions checked against the base chain they are reached from), then build the
 * per-hook run order and reset the device-match cache.
 *
 * Invariants after success: no jump path from a base chain loops or is deeper than
 * RS_JUMP_STACK (so evaluation never overflows its stack), `flow add` is only reached
 * from forward hooks (nft_flow_offload_validate), NAT statements only from nat chains of
 * the hooks nft_nat_validate / nft_masq_validate / nft_redir_validate allow, and
 * `rt mtu` only where a route exists (nft_rt_validate).
 */
#include "nft_internal.h"

struct vframe {
	u32 chain;
	u32 rule;
	u32 insn;
	u32 elem;
};

static int verr(struct ruleset_error *err, const struct rs_insn *in, const char *what,
		const struct rs_chain *base, const char *need)
{
	err->line = in->line;
	err->col = in->col;
	fs_snprintf(err->msg, sizeof(err->msg),
		    "%s is only allowed %s, but this rule is reached from base chain '%s' (%s hook)",
		    what, need, base->name, rsi_hook_name(base->hook));
	return -1;
}

static int check_insn_hook(const struct rs_insn *in, const struct rs_chain *b,
			   struct ruleset_error *err)
{
	u32 mask = 1u << b->hook;

	switch (in->op) {
	case OP_FLOW_ADD:
		/* nft_flow_offload_validate: hook mask must be FORWARD only */
		if (b->hook != NFT_HOOK_FORWARD)
			return verr(err, in, "flow add", b, "in chains of the forward hook");
		return 0;
	case OP_NAT: {
		u32 allow;
		const char *need;

		if (b->type != NFT_CHAIN_NAT)
			return verr(err, in, "NAT", b, "in chains of type nat");
		switch (in->aux) {
		case NFT_NAT_MASQUERADE:
			allow = 1u << NFT_HOOK_POSTROUTING;
			need = "on the postrouting hook";
			break;
		case NFT_NAT_SNAT:
			allow = (1u << NFT_HOOK_POSTROUTING) | (1u << NFT_HOOK_INPUT);
			need = "on the postrouting and input hooks";
			break;
		default:
			allow = (1u << NFT_HOOK_PREROUTING) | (1u << NFT_HOOK_OUTPUT);
			need = "on the prerouting and output hooks";
			break;
		}
		if (!(mask & allow))
			return verr(err, in, in->aux == NFT_NAT_MASQUERADE ? "masquerade" :
				    in->aux == NFT_NAT_SNAT ? "snat" :
				    in->aux == NFT_NAT_DNAT ? "dnat" : "redirect", b, need);
		return 0;
	}
	case OP_MSS_RTMTU:
		/* nft_rt_validate: NFT_RT_TCPMSS needs a route */
		if (!(mask & ((1u << NFT_HOOK_FORWARD) | (1u << NFT_HOOK_OUTPUT) |
			      (1u << NFT_HOOK_POSTROUTING))))
			return verr(err, in, "rt mtu", b,
				    "on the forward, output and postrouting hooks");
		return 0;
	default:
		return 0;
	}
}

/* Next jump/goto target at or after the frame's position; 0 when the chain is done. */
static u32 next_target(const struct rs_state *st, struct vframe *f, const struct rs_chain *b,
		       struct ruleset_error *err, const struct rs_insn **src, int *rc)
{
	const struct rs_chain *c = rsi_chain(st, f->chain);

	*rc = 0;
	while (c && f->rule < c->nrules) {
		const struct rs_rule *r = c->rules[f->rule];

		while (f->insn < r->ninsn) {
			const struct rs_insn *in = &r->insn[f->insn];

			if (f->elem == 0 && check_insn_hook(in, b, err)) {
				*rc = -1;
				return 0;
			}
			if (in->op == OP_VERDICT && (in->aux == VC_JUMP || in->aux == VC_GOTO) &&
			    f->elem == 0) {
				f->elem = 1;
				*src = in;
				return in->a;
			}
			if (in->op == OP_VMAP) {
				const struct rs_vmap_ent *ent =
					(const void *)(rs_rule_data(r) + in->off);

				while (f->elem < in->n) {
					const struct rs_vmap_ent *e = &ent[f->elem++];

					if (e->verdict == VC_JUMP || e->verdict == VC_GOTO) {
						*src = in;
						return e->chain;
					}
				}
			}
			f->insn++;
			f->elem = 0;
		}
		f->rule++;
		f->insn = 0;
		f->elem = 0;
	}
	return 0;
}

static int validate_base(const struct rs_state *st, const struct rs_chain *b,
			 struct ruleset_error *err, u32 *budget)
{
	struct vframe stack[RS_JUMP_STACK + 1];
	u32 sp = 0;

	fs_memset(stack, 0, sizeof(stack));
	stack[0].chain = b->id;
	for (;;) {
		const struct rs_insn *src = NULL;
		u32 tgt, i;
		int rc;

		if (!(*budget)--) {
			err->line = 0;
			err->col = 0;
			fs_snprintf(err->msg, sizeof(err->msg),
				    "ruleset jump graph too large to validate");
			return -1;
		}
		tgt = next_target(st, &stack[sp], b, err, &src, &rc);
		if (rc)
			return -1;
		if (!tgt) {
			if (!sp)
				return 0;
			sp--;
			continue;
		}
		for (i = 0; i <= sp; i++) {
			if (stack[i].chain == tgt) {
				err->line = src->line;
				err->col = src->col;
				fs_snprintf(err->msg, sizeof(err->msg),
					    "jump to chain '%s' creates a loop",
					    rsi_chain(st, tgt)->name);
				return -1;
			}
		}
		if (sp + 1 >= RS_JUMP_STACK) {
			err->line = src->line;
			err->col = src->col;
			fs_snprintf(err->msg, sizeof(err->msg),
				    "too many nested jumps from base chain '%s' (at most %d)",
				    b->name, RS_JUMP_STACK - 1);
			return -1;
		}
		sp++;
		fs_memset(&stack[sp], 0, sizeof(stack[sp]));
		stack[sp].chain = tgt;
	}
}

/* Run order: ascending priority; equal priorities run the most recently registered first
 * (nf_hook_entries_grow inserts before the first entry of >= priority). */
static bool runs_before(const struct rs_chain *a, const struct rs_chain *b)
{
	if (a->prio != b->prio)
		return a->prio < b->prio;
	return a->reg_seq > b->reg_seq;
}

static int build_hooks(struct rs_state *st)
{
	struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 id, h, f, n, i, nnet = 0;

	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];

		if (!c || !c->base)
			continue;
		if (c->family == NFT_FAMILY_NETDEV) {
			nnet++;
			continue;
		}
		for (f = 0; f < 2; f++) {
			if (c->family == (f ? NFT_FAMILY_IP : NFT_FAMILY_IP6))
				continue;
			st->nhooks[c->hook][f]++;
		}
	}
	for (h = 0; h < RS_NUM_INET_HOOKS; h++) {
		for (f = 0; f < 2; f++) {
			if (!st->nhooks[h][f])
				continue;
			st->hooks[h][f] = fs_zalloc_array(st->nhooks[h][f],
							  sizeof(struct nft_chain_ref));
			if (!st->hooks[h][f])
				return -1;
			st->nhooks[h][f] = 0;
		}
	}
	if (nnet) {
		st->netdev_chains = fs_zalloc_array(nnet, sizeof(u32));
		if (!st->netdev_chains)
			return -1;
	}
	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];

		if (!c || !c->base)
			continue;
		if (c->family == NFT_FAMILY_NETDEV) {
			/* insertion sort into run order */
			for (i = st->nnetdev; i > 0; i--) {
				struct rs_chain *prev = rsi_chain(st, st->netdev_chains[i - 1]);

				if (!runs_before(c, prev))
					break;
				st->netdev_chains[i] = st->netdev_chains[i - 1];
			}
			st->netdev_chains[i] = c->id;
			st->nnetdev++;
			continue;
		}
		for (f = 0; f < 2; f++) {
			struct nft_chain_ref *list;

			if (c->family == (f ? NFT_FAMILY_IP : NFT_FAMILY_IP6))
				continue;
			list = st->hooks[c->hook][f];
			n = st->nhooks[c->hook][f];
			for (i = n; i > 0; i--) {
				struct rs_chain *prev = rsi_chain(st, list[i - 1].id);

				if (!runs_before(c, prev))
					break;
				list[i] = list[i - 1];
			}
			list[i].id = c->id;
			list[i].reg_seq = c->reg_seq;
			list[i].priority = c->prio;
			list[i].type = c->type;
			list[i].family = c->family;
			st->nhooks[c->hook][f] = n + 1;
		}
	}
	return 0;
}

int rsi_state_commit(struct rs_state *st, struct ruleset_error *err)
{
	struct rs_idtab *t = &st->ids[RS_K_CHAIN];
	u32 id, budget = 1u << 22;

	for (id = 1; id < t->cap; id++) {
		struct rs_chain *c = t->obj[id];

		if (c && c->base && validate_base(st, c, err, &budget))
			return -1;
	}
	rsi_state_built_free(st);
	if (build_hooks(st))
		goto nomem;
	st->devwords = (st->npats + 63) / 64;
	if (st->devwords) {
		u32 i;

		st->devbits = fs_zalloc_array((size_t)RS_DEVCACHE_SLOTS * st->devwords, sizeof(u64));
		if (!st->devbits)
			goto nomem;
		for (i = 0; i < RS_DEVCACHE_SLOTS; i++)
			st->devcache[i].bits = st->devbits + (size_t)i * st->devwords;
	}
	return 0;
nomem:
	rsi_state_built_free(st);
	err->line = 0;
	err->col = 0;
	fs_snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -1;
}
