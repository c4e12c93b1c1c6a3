/* SPDX-License-Identifier: MIT */
/*
 * router.c - the router context: configuration, ruleset and flowtable lifecycle, timers,
 * hook lists.  The per-packet path lives in router_input.c and router_output.c.
 *
 * Flowtables are instantiated from the ruleset.  A flowtable that the new ruleset no
 * longer declares, or declares anew (fw4 reload: `delete flowtable` + `add flowtable`,
 * which gives it a new registration), is flushed - every flow torn down - and replaced,
 * as nf_flow_table_free does in the kernel.
 */
#include "router_internal.h"
#include "flowtable_internal.h"

void router_config_default(struct router_config *cfg)
{
	fs_memset(cfg, 0, sizeof(*cfg));
	conntrack_params_openwrt(&cfg->ct);
	flowtable_behaviour_for_kernel(&cfg->ft, 606);
	/* a work item runs within a scheduler tick of being queued */
	cfg->hw_work_delay = FS_MSEC(1);
}

struct router *router_create(const struct router_config *cfg, fs_event_fn ev, void *ev_arg)
{
	struct router *r = fs_zalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->cfg = *cfg;
	r->ev = ev;
	r->ev_arg = ev_arg;
	fs_netconf_init(&r->nc);
	r->ct = conntrack_table_create(&cfg->ct, ev, ev_arg);
	r->rs = ruleset_create();
	if (!r->ct || !r->rs)
		goto err;
	flowtable_ctx_init(&r->fc, r->ct, &r->nc, &cfg->ft, cfg->hw_work_delay, ev, ev_arg);
	r->next_ft_gc = FS_NSEC_PER_SEC;
	r->next_ct_gc = FS_NSEC_PER_SEC;
	r->hooks_gen = 0xffffffffu;
	return r;
err:
	ruleset_destroy(r->rs);
	conntrack_table_destroy(r->ct);
	fs_free(r);
	return NULL;
}

void router_destroy(struct router *r)
{
	u32 i;

	if (!r)
		return;
	for (i = 0; i < r->fc.num_ft; i++) {
		if (!r->fc.ft[i])
			continue;
		flowtable_flush(&r->fc, r->fc.ft[i], 0, 0);
	}
	flowtable_ctx_release(&r->fc);
	for (i = 0; i < r->fc.num_ft; i++)
		flowtable_destroy(r->fc.ft[i]);
	ruleset_destroy(r->rs);
	conntrack_table_destroy(r->ct);
	fs_netconf_release(&r->nc);
	fs_free(r);
}

struct fs_netconf *router_netconf(struct router *r)
{
	return &r->nc;
}

struct conntrack_table *router_conntrack(struct router *r)
{
	return r->ct;
}

struct ruleset *router_ruleset(struct router *r)
{
	return r->rs;
}

const struct router_config *router_get_config(const struct router *r)
{
	return &r->cfg;
}

const struct router_stats *router_get_stats(const struct router *r)
{
	return &r->stats;
}

u32 router_num_flowtables(const struct router *r)
{
	return r->fc.num_ft;
}

struct flowtable *router_flowtable(struct router *r, u32 index)
{
	return index < r->fc.num_ft ? r->fc.ft[index] : NULL;
}

void router_set_hw(struct router *r, const struct router_hw_ops *ops, void *priv)
{
	u32 i;

	r->hw = ops;
	r->hw_priv = priv;
	for (i = 0; i < r->fc.num_ft; i++)
		if (r->fc.ft[i] && (flowtable_config(r->fc.ft[i])->flags & FLOWTABLE_F_HW_OFFLOAD))
			flowtable_set_hw(r->fc.ft[i], ops ? ops->offload : NULL, priv);
}

static bool same_name(const char *a, const char *b, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* The ifindexes of a declaration's devices; unknown devices are skipped with a warning. */
static u8 router_flowtable_devices(struct router *r, const struct ruleset_flowtable *d,
				   u16 *out)
{
	u8 n = 0;
	u32 i;

	for (i = 0; i < d->num_devices && n < FLOWTABLE_MAX_DEVS; i++) {
		const struct fs_netdev *dev = fs_netdev_by_name(&r->nc, d->devices[i]);

		if (!dev) {
			fs_log(FS_LOG_WARN, "flowtable %s: no device %s", d->name, d->devices[i]);
			continue;
		}
		out[n++] = dev->ifindex;
	}
	return n;
}

/* Build a flowtable from its ruleset declaration. */
static struct flowtable *router_make_flowtable(struct router *r, const struct ruleset_flowtable *d,
					       u8 index)
{
	struct flowtable_config cfg;
	struct flowtable *ft;

	fs_memset(&cfg, 0, sizeof(cfg));
	fs_memcpy(cfg.name, d->name, sizeof(cfg.name));
	cfg.flags = d->flags;
	cfg.priority = d->priority;
	cfg.reg_seq = d->reg_seq;
	cfg.num_devices = router_flowtable_devices(r, d, cfg.devices);
	ft = flowtable_create(&cfg, index);
	if (ft && (cfg.flags & FLOWTABLE_F_HW_OFFLOAD) && r->hw)
		flowtable_set_hw(ft, r->hw->offload, r->hw_priv);
	return ft;
}

/* old flowtable index -> new index, for flows of kept flowtables */
struct restamp {
	u8 map[FLOWTABLE_MAX];
};

static int restamp_flow(struct conntrack_entry *ct, void *arg)
{
	struct restamp *rs = arg;

	if ((ct->flow.flags & FLOW_F_LIVE) && ct->flow.ft < FLOWTABLE_MAX)
		ct->flow.ft = rs->map[ct->flow.ft];
	return 0;
}

/* Reconcile router flowtables with the ruleset's declarations. */
static int router_sync_flowtables(struct router *r, u64 now)
{
	struct ruleset_flowtable decl[FLOWTABLE_MAX];
	struct flowtable *next[FLOWTABLE_MAX];
	u32 n = ruleset_flowtables(r->rs, decl, FLOWTABLE_MAX), i, j;
	bool kept[FLOWTABLE_MAX];

	fs_memset(next, 0, sizeof(next));
	fs_memset(kept, 0, sizeof(kept));
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->fc.num_ft; j++) {
			const struct flowtable_config *c = flowtable_config(r->fc.ft[j]);

			if (!kept[j] && r->ft_reg_seq[j] == decl[i].reg_seq &&
			    same_name(c->name, decl[i].name, sizeof(c->name))) {
				u16 devs[FLOWTABLE_MAX_DEVS];
				u8 nd = router_flowtable_devices(r, &decl[i], devs);

				/* an update may have added devices: hook them as well */
				flowtable_set_devices(r->fc.ft[j], devs, nd);
				next[i] = r->fc.ft[j];
				kept[j] = true;
				break;
			}
		}
	}
	/* flush what goes away before indices are reassigned */
	for (j = 0; j < r->fc.num_ft; j++) {
		if (kept[j])
			continue;
		flowtable_flush(&r->fc, r->fc.ft[j], 0, now);
	}
	for (j = 0; j < r->fc.num_ft; j++) {
		if (!kept[j]) {
			flowtable_destroy(r->fc.ft[j]);
			r->fc.ft[j] = NULL;
		}
	}
	for (i = 0; i < n; i++) {
		if (next[i])
			continue;
		next[i] = router_make_flowtable(r, &decl[i], (u8)i);
		if (!next[i])
			return -1;
	}
	/* a kept flowtable may move to a new index: re-stamp its flows in one walk */
	{
		struct restamp rs;
		bool moved = false;

		for (i = 0; i < FLOWTABLE_MAX; i++)
			rs.map[i] = (u8)i;
		for (i = 0; i < n; i++) {
			rs.map[next[i]->index] = (u8)i;
			moved |= next[i]->index != i;
		}
		if (moved)
			conntrack_for_each_all(r->ct, restamp_flow, &rs);
	}
	for (i = 0; i < n; i++) {
		next[i]->index = (u8)i;
		r->fc.ft[i] = next[i];
		r->ft_rs_id[i] = decl[i].id;
		r->ft_reg_seq[i] = decl[i].reg_seq;
	}
	for (i = n; i < FLOWTABLE_MAX; i++)
		r->fc.ft[i] = NULL;
	r->fc.num_ft = n;
	return 0;
}

int router_apply_ruleset(struct router *r, const char *text, size_t len, u64 now,
			 struct ruleset_error *err)
{
	if (ruleset_apply(r->rs, text, len, err))
		return -1;
	if (router_sync_flowtables(r, now)) {
		if (err) {
			err->line = err->col = 0;
			fs_snprintf(err->msg, sizeof(err->msg), "out of memory creating flowtables");
		}
		return -1;
	}
	router_rebuild_hooks(r);
	return 0;
}

static void dev_hooks_insert(struct dev_hooks *dh, const struct dev_hook *h)
{
	u32 pos = dh->n;

	if (dh->n >= ROUTER_DEV_HOOK_MAX) {
		fs_log(FS_LOG_WARN, "too many hooks on one device; ignoring one");
		return;
	}
	/* nf_hook_entries_grow: ascending priority; equal priority -> newest first */
	while (pos > 0 && (dh->h[pos - 1].priority > h->priority ||
			   (dh->h[pos - 1].priority == h->priority &&
			    dh->h[pos - 1].reg_seq < h->reg_seq))) {
		dh->h[pos] = dh->h[pos - 1];
		pos--;
	}
	dh->h[pos] = *h;
	dh->n++;
}

void router_rebuild_hooks(struct router *r)
{
	static const u8 inet_hooks[5] = { NFT_HOOK_PREROUTING, NFT_HOOK_INPUT, NFT_HOOK_FORWARD,
					  NFT_HOOK_OUTPUT, NFT_HOOK_POSTROUTING };
	struct nft_chain_ref refs[ROUTER_DEV_HOOK_MAX];
	u32 h, f, d, i, n;

	for (h = 0; h < 5; h++)
		for (f = 0; f < 2; f++)
			r->inet[h][f].n = ruleset_hook_chains(r->rs, inet_hooks[h],
							      f ? FS_AF_INET6 : FS_AF_INET, NULL,
							      r->inet[h][f].c, ROUTER_HOOK_MAX);
	for (d = 1; d < FS_NETDEV_MAX; d++) {
		const struct fs_netdev *dev = &r->nc.dev[d];

		r->ingress[d].n = r->egress[d].n = 0;
		if (!dev->ifindex)
			continue;
		for (f = 0; f < 2; f++) {
			struct dev_hooks *dh = f ? &r->egress[d] : &r->ingress[d];

			/* netdev chains are family-agnostic: ask once, for IPv4 */
			n = ruleset_hook_chains(r->rs, f ? NFT_HOOK_EGRESS : NFT_HOOK_INGRESS,
						FS_AF_INET, dev->name, refs, ROUTER_DEV_HOOK_MAX);
			for (i = 0; i < n; i++) {
				struct dev_hook hk = { 0, 0, refs[i].id, refs[i].priority,
						       refs[i].reg_seq };

				dev_hooks_insert(dh, &hk);
			}
		}
		for (i = 0; i < r->fc.num_ft; i++) {
			const struct flowtable_config *c = flowtable_config(r->fc.ft[i]);
			struct dev_hook hk = { 1, (u8)i, 0, c->priority, c->reg_seq };

			if (flowtable_has_dev(r->fc.ft[i], (u16)d))
				dev_hooks_insert(&r->ingress[d], &hk);
		}
	}
	r->hooks_gen = ruleset_generation(r->rs);
}

void router_dev_set_up(struct router *r, u16 ifindex, bool up, u64 now)
{
	struct fs_netdev *dev = fs_netdev_get(&r->nc, ifindex);
	u32 i;

	if (!dev || dev->up == up)
		return;
	dev->up = up;
	if (up)
		return;
	/* NETDEV_DOWN: nf_flow_table_cleanup(dev) */
	for (i = 0; i < r->fc.num_ft; i++)
		flowtable_flush(&r->fc, r->fc.ft[i], ifindex, now);
}

void router_timers(struct router *r, u64 now)
{
	u32 i;

	flowtable_run_work(&r->fc, now);
	while (r->next_ft_gc <= now) {
		u64 t = r->next_ft_gc;

		flowtable_run_work(&r->fc, t);
		for (i = 0; i < r->fc.num_ft; i++)
			flowtable_gc(&r->fc, r->fc.ft[i], t);
		r->next_ft_gc += FS_NSEC_PER_SEC;
	}
	while (r->next_ct_gc <= now) {
		conntrack_gc(r->ct, r->next_ct_gc);
		r->next_ct_gc += FS_NSEC_PER_SEC;
	}
	flowtable_run_work(&r->fc, now);
	if (r->hw && r->hw->timers)
		r->hw->timers(r->hw_priv, now);
}

u64 router_next_timer(const struct router *r)
{
	u64 t = FS_MIN(r->next_ft_gc, r->next_ct_gc);

	t = FS_MIN(t, flowtable_next_work(&r->fc));
	if (r->hw && r->hw->next_timer)
		t = FS_MIN(t, r->hw->next_timer(r->hw_priv));
	return t;
}

const char *router_path_name(u8 path)
{
	static const char *const names[] = { "slow", "flowtable", "ppe", "wed" };

	return path < FS_ARRAY_SIZE(names) ? names[path] : "?";
}

const char *router_drop_reason_name(u8 reason)
{
	static const char *const names[] = {
		"none", "ruleset", "conntrack_full", "invalid", "no_route", "ttl",
		"mtu", "dev_down", "no_neigh", "stale_path",
	};

	return reason < FS_ARRAY_SIZE(names) ? names[reason] : "?";
}
