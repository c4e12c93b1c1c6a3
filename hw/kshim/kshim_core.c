// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kshim_core.c - the model-facing half of the kernel shim: one router (model/router.h),
 * optionally a PPE model in front of it, the event ring, sysctls, and every listing the
 * debugfs files show.
 *
 * Invariants:
 *  - c->lock (spin_lock_bh) is held around every call into the core once c->live is set;
 *    before that (attach building the netconf) and after c->live is cleared and the hooks
 *    are gone (detach), the router is private to the caller.
 *  - The core's clock is boottime minus c->t0, the boottime at attach: it starts near 0,
 *    so the core's once-a-second GC grid starts at attach (the kernel's flowtable GC grid
 *    starts when the flowtable is created, i.e. when the ruleset is loaded - about the
 *    same moment in the reference test), and no catch-up loop runs over the host's
 *    uptime.  Boottime rather than ktime_get_ns(): it is what /proc/uptime prints
 *    (fs/proc/uptime.c), so event timestamps (core time + t0) compare directly with a
 *    test's uptime samples; conntrack's own timers are jiffies, which advance with both.
 *  - "now" is read after taking the lock, so the core never sees time go backwards even
 *    when packets race on several CPUs.
 *  - The event ring has a fixed number of fixed-size lines, allocated at load: memory is
 *    bounded; when it is full the oldest line is dropped and counted.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/stddef.h>

#include "router.h"
#include "conntrack.h"
#include "ct_listing.h"
#include "ppe.h"
#include "fw4.h"
#include "kshim.h"

#define KSHIM_EV_LINE 384

struct kshim_core {
	spinlock_t lock;
	spinlock_t ev_lock;              /* the ring only; nests inside lock */
	struct kshim_core_cfg cfg;
	struct router_config rcfg;       /* rcfg.ct holds the sysctl values */
	struct ppe_config pcfg;
	bool has_ppe;
	struct router *r;                /* published (readers may look) */
	struct router *pending;          /* being built by attach, private to it */
	struct ppe *ppe;
	bool live;
	u64 t0;                          /* boottime (ns) at attach */
	u64 next_timer;                  /* core time router_next_timer() said */
	/* event ring */
	char (*ev)[KSHIM_EV_LINE];
	u32 ev_cap, ev_head, ev_len;
	u64 ev_dropped;                  /* overwritten before anyone read them */
	u64 ev_total;
	/* shim counters */
	u64 hooked, skipped_non_ip, skipped_bad, neigh_learned, neigh_failed;
};

static u64 kshim_now(struct kshim_core *c)
{
	u64 b = ktime_get_boottime_ns();

	return b > c->t0 ? b - c->t0 : 0;
}

/* --- events ----------------------------------------------------------------------- */

static int kshim_tuple_text(char *buf, size_t size, const struct fs_tuple *t)
{
	char s[48], d[48];

	fs_addr_format(s, sizeof(s), t->family, &t->src);
	fs_addr_format(d, sizeof(d), t->family, &t->dst);
	return scnprintf(buf, size, "%s src=%s dst=%s sport=%u dport=%u",
			 conntrack_proto_name(t->proto), s, d, t->sport, t->dport);
}

/*
 * The core's event callback: runs inside core calls, i.e. under c->lock, except during
 * router_destroy() at detach, which runs without it (it may sleep); the ring has its own
 * lock for that reason.
 */
static void kshim_event(void *arg, const struct fs_event *ev)
{
	struct kshim_core *c = arg;
	/* counters on [DESTROY] when nf_conntrack_acct is on, as conntrack -E prints */
	const struct ct_listing_opts opts = { .acct = c->rcfg.ct.acct };
	u64 boot = ev->time + c->t0;
	char *line;
	size_t n;
	int m;

	if (!c->ev_cap)
		return;
	spin_lock_bh(&c->ev_lock);
	if (c->ev_len == c->ev_cap) {
		c->ev_head = (c->ev_head + 1) % c->ev_cap;
		c->ev_len--;
		c->ev_dropped++;
	}
	line = c->ev[(c->ev_head + c->ev_len) % c->ev_cap];
	/* conntrack -E -o timestamp's "[%-.8ld.%-.6ld]\t" prefix, with boottime */
	n = scnprintf(line, KSHIM_EV_LINE, "[%.8llu.%.6llu]\t",
		      (unsigned long long)(boot / NSEC_PER_SEC),
		      (unsigned long long)(boot % NSEC_PER_SEC / NSEC_PER_USEC));
	m = ct_listing_event_line(ev, &opts, line + n, KSHIM_EV_LINE - n);
	if (m < 0) {
		scnprintf(line + n, KSHIM_EV_LINE - n, "%s (line too long)\n",
			  fs_event_name(ev->type));
	} else if (m == 0) {
		/* not a conntrack -E event: "<name>[(detail)] <orig tuple>" */
		n += scnprintf(line + n, KSHIM_EV_LINE - n, "%s", fs_event_name(ev->type));
		if (ev->type == FS_EV_FLOW_TEARDOWN)
			n += scnprintf(line + n, KSHIM_EV_LINE - n, "(%s)",
				       fs_teardown_reason_name(ev->detail));
		else if (ev->type == FS_EV_CT_STATE)
			n += scnprintf(line + n, KSHIM_EV_LINE - n, "(%s)",
				       conntrack_tcp_state_name(ev->detail));
		else if (ev->type == FS_EV_CT_TIMEOUT_FIXUP)
			n += scnprintf(line + n, KSHIM_EV_LINE - n, "(%us)", ev->detail);
		else if (ev->type >= FS_EV_PPE_UNBIND && ev->type <= FS_EV_PPE_FULL)
			n += scnprintf(line + n, KSHIM_EV_LINE - n, "(ppe%u,%u)", ev->aux,
				       ev->detail);
		if (ev->orig.family) {
			n += scnprintf(line + n, KSHIM_EV_LINE - n, " ");
			n += kshim_tuple_text(line + n, KSHIM_EV_LINE - n, &ev->orig);
		}
		scnprintf(line + n, KSHIM_EV_LINE - n, "\n");
	}
	c->ev_len++;
	c->ev_total++;
	spin_unlock_bh(&c->ev_lock);
}

/* --- lifetime ----------------------------------------------------------------------- */

struct kshim_core *kshim_core_create(const struct kshim_core_cfg *cfg, char *err, size_t errlen)
{
	struct kshim_core *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c) {
		scnprintf(err, errlen, "out of memory");
		return NULL;
	}
	spin_lock_init(&c->lock);
	spin_lock_init(&c->ev_lock);
	c->cfg = *cfg;
	router_config_default(&c->rcfg);
	flowtable_behaviour_for_kernel(&c->rcfg.ft, cfg->kernel);
	if (cfg->ct_openwrt)
		conntrack_params_openwrt(&c->rcfg.ct);
	else
		conntrack_params_linux(&c->rcfg.ct);
	if (strcmp(cfg->soc, "none")) {
		if (ppe_config_for_soc(&c->pcfg, cfg->soc, cfg->kernel)) {
			scnprintf(err, errlen, "soc=%s: not a PPE SoC this model covers "
				  "(none, mt7620, mt7621, mt7622, mt7623, mt7981, mt7986, mt7988)",
				  cfg->soc);
			goto fail;
		}
		c->has_ppe = true;
	}
	c->ev_cap = cfg->events_max;
	if (c->ev_cap) {
		c->ev = kvcalloc(c->ev_cap, KSHIM_EV_LINE, GFP_KERNEL | __GFP_NOWARN);
		if (!c->ev) {
			scnprintf(err, errlen, "out of memory for %u event lines", c->ev_cap);
			goto fail;
		}
	}
	return c;
fail:
	kfree(c);
	return NULL;
}

void kshim_core_destroy(struct kshim_core *c)
{
	if (!c)
		return;
	kshim_core_router_free(c);
	kvfree(c->ev);
	kfree(c);
}

u32 kshim_core_num_ppe(const struct kshim_core *c)
{
	return c->has_ppe ? c->pcfg.num_ppe : 0;
}

bool kshim_core_has_ppe(const struct kshim_core *c)
{
	return c->has_ppe;
}

int kshim_core_router_new(struct kshim_core *c)
{
	struct router *r;

	if (c->r || c->pending)
		return -EBUSY;
	/* process context, no lock: the core's tables come from GFP_KERNEL (port_kernel.c) */
	c->t0 = ktime_get_boottime_ns();
	r = router_create(&c->rcfg, kshim_event, c);
	if (!r)
		return -ENOMEM;
	c->pending = r;
	return 0;
}

struct fs_netconf *kshim_core_netconf(struct kshim_core *c)
{
	return c->pending ? router_netconf(c->pending) : NULL;
}

void kshim_core_router_start(struct kshim_core *c)
{
	struct ppe *ppe = NULL;

	if (!c->pending)
		return;
	/* the PPE reads the netconf (GMACs) at creation: after the caller filled it */
	if (c->has_ppe) {
		ppe = ppe_create(&c->pcfg, router_netconf(c->pending), NULL, kshim_event, c);
		if (!ppe)
			pr_err("flowsim: PPE model for %s could not be created; running without\n",
			       c->cfg.soc);
		else
			router_set_hw(c->pending, ppe_router_ops(), ppe);
	}
	spin_lock_bh(&c->lock);
	c->r = c->pending;
	c->pending = NULL;
	c->ppe = ppe;
	c->next_timer = router_next_timer(c->r);
	c->live = true;
	spin_unlock_bh(&c->lock);
}

void kshim_core_router_stop(struct kshim_core *c)
{
	spin_lock_bh(&c->lock);
	c->live = false;
	spin_unlock_bh(&c->lock);
}

void kshim_core_router_free(struct kshim_core *c)
{
	struct router *r;
	struct ppe *ppe;

	spin_lock_bh(&c->lock);
	c->live = false;
	r = c->r ? c->r : c->pending;
	ppe = c->ppe;
	c->r = NULL;
	c->pending = NULL;
	c->ppe = NULL;
	spin_unlock_bh(&c->lock);
	if (!r)
		return;
	/*
	 * Process context, without c->lock: the hooks are unregistered, kshim_net_detach()
	 * waited for running ones (synchronize_net) and the timer work is cancelled, so
	 * nothing else reaches r, and destroying it may sleep (kmem_cache_destroy).  router_destroy() flushes
	 * the flowtables, which still calls the PPE driver ops: the PPE goes last.
	 */
	router_destroy(r);
	ppe_destroy(ppe);
}

bool kshim_core_attached(const struct kshim_core *c)
{
	return c->r != NULL;
}

/* --- configuration -------------------------------------------------------------------- */

static bool kshim_fw4_hw_capable(void *arg, const char *dev)
{
	struct kshim_core *c = arg;
	const struct router_hw_ops *ops = ppe_router_ops();

	if (!c->ppe || !ops->dev_capable)
		return false;
	return ops->dev_capable(c->ppe, fs_netdev_by_name(router_netconf(c->r), dev));
}

char *kshim_core_fw4_default(struct kshim_core *c, const char *lan, const char *wan,
			     bool offload, bool offload_hw)
{
	struct fw4_network nets[2];
	struct fw4_config *cfg;
	size_t size = 16384;
	char *buf = NULL;
	u32 n = 0;
	int len = -1;
	int tries;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	fw4_config_openwrt_default(cfg);
	cfg->defaults.flow_offloading = offload;
	cfg->defaults.flow_offloading_hw = offload_hw;
	memset(nets, 0, sizeof(nets));
	if (lan && *lan) {
		strscpy(nets[n].name, "lan", sizeof(nets[n].name));
		strscpy(nets[n].device, lan, sizeof(nets[n].device));
		n++;
	}
	if (wan && *wan) {
		strscpy(nets[n].name, "wan", sizeof(nets[n].name));
		strscpy(nets[n].device, wan, sizeof(nets[n].device));
		n++;
	}
	for (tries = 0; tries < 6 && len < 0; tries++, size *= 2) {
		kvfree(buf);
		buf = kvmalloc(size, GFP_KERNEL);
		if (!buf)
			break;
		spin_lock_bh(&c->lock);
		if (c->r)
			len = fw4_render(cfg, nets, n, router_netconf(c->r), kshim_fw4_hw_capable,
					 c, buf, size);
		else
			len = -2;
		spin_unlock_bh(&c->lock);
		if (len == -2)
			break;
	}
	kfree(cfg);
	if (len < 0) {
		kvfree(buf);
		return NULL;
	}
	return buf;
}

/*
 * Writing the ruleset file replaces the whole ruleset, as `nft flush ruleset; nft -f FILE`
 * in one transaction would: the core's apply is incremental like `nft -f`, so the text is
 * prefixed with "flush ruleset" and error lines are shifted back by that one line.
 */
int kshim_core_apply_ruleset(struct kshim_core *c, const char *text, size_t len, char *err,
			     size_t errlen)
{
	static const char prefix[] = "flush ruleset\n";
	struct ruleset_error e;
	char *full;
	int rc = 0;

	full = kvmalloc(sizeof(prefix) + len, GFP_KERNEL);
	if (!full) {
		scnprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(full, prefix, sizeof(prefix) - 1);
	memcpy(full + sizeof(prefix) - 1, text, len);
	full[sizeof(prefix) - 1 + len] = 0;
	memset(&e, 0, sizeof(e));
	spin_lock_bh(&c->lock);
	if (!c->r) {
		rc = -ENODEV;
		scnprintf(err, errlen, "not attached");
	} else if (router_apply_ruleset(c->r, full, sizeof(prefix) - 1 + len, kshim_now(c), &e)) {
		rc = -EINVAL;
		if (e.line > 1)
			e.line--;
		ruleset_error_format(&e, err, errlen);
	} else {
		c->next_timer = router_next_timer(c->r);
	}
	spin_unlock_bh(&c->lock);
	kvfree(full);
	return rc;
}

struct kshim_sysctl {
	const char *name;
	u16 off;
	u8 size;        /* sizeof the field: 4 or 1 */
};

#define KS_U32(n, f) { n, offsetof(struct conntrack_params, f), 4 }
#define KS_U8(n, f) { n, offsetof(struct conntrack_params, f), 1 }

static const struct kshim_sysctl kshim_sysctls[] = {
	KS_U32("nf_conntrack_max", max),
	KS_U32("nf_conntrack_buckets", buckets),
	KS_U32("nf_conntrack_tcp_timeout_syn_sent", tcp_timeout[TCP_CT_SYN_SENT]),
	KS_U32("nf_conntrack_tcp_timeout_syn_recv", tcp_timeout[TCP_CT_SYN_RECV]),
	KS_U32("nf_conntrack_tcp_timeout_established", tcp_timeout[TCP_CT_ESTABLISHED]),
	KS_U32("nf_conntrack_tcp_timeout_fin_wait", tcp_timeout[TCP_CT_FIN_WAIT]),
	KS_U32("nf_conntrack_tcp_timeout_close_wait", tcp_timeout[TCP_CT_CLOSE_WAIT]),
	KS_U32("nf_conntrack_tcp_timeout_last_ack", tcp_timeout[TCP_CT_LAST_ACK]),
	KS_U32("nf_conntrack_tcp_timeout_time_wait", tcp_timeout[TCP_CT_TIME_WAIT]),
	KS_U32("nf_conntrack_tcp_timeout_close", tcp_timeout[TCP_CT_CLOSE]),
	KS_U32("nf_conntrack_tcp_timeout_max_retrans", tcp_timeout[TCP_CT_RETRANS]),
	KS_U32("nf_conntrack_tcp_timeout_unacknowledged", tcp_timeout[TCP_CT_UNACK]),
	KS_U32("nf_conntrack_tcp_max_retrans", tcp_max_retrans),
	KS_U8("nf_conntrack_tcp_loose", tcp_loose),
	KS_U8("nf_conntrack_tcp_be_liberal", tcp_be_liberal),
	KS_U32("nf_conntrack_udp_timeout", udp_timeout),
	KS_U32("nf_conntrack_udp_timeout_stream", udp_timeout_stream),
	KS_U32("nf_conntrack_icmp_timeout", icmp_timeout),
	KS_U32("nf_conntrack_generic_timeout", generic_timeout),
	KS_U8("nf_conntrack_acct", acct),
	KS_U32("nf_flowtable_tcp_timeout", flowtable_tcp_timeout),
	KS_U32("nf_flowtable_udp_timeout", flowtable_udp_timeout),
};

static void kshim_param_put(struct conntrack_params *p, const struct kshim_sysctl *s, u32 v)
{
	u8 *field = (u8 *)p + s->off;

	if (s->size == 4)
		memcpy(field, &v, 4);
	else
		*field = (u8)v;
}

static u32 kshim_param_get(const struct conntrack_params *p, const struct kshim_sysctl *s)
{
	const u8 *field = (const u8 *)p + s->off;
	u32 v;

	if (s->size == 1)
		return *field;
	memcpy(&v, field, 4);
	return v;
}

/* nf_conntrack_max / _buckets: 16 M entries, 128 MiB of buckets at most */
#define KSHIM_CT_LIMIT (1u << 24)

int kshim_core_sysctl_set(struct kshim_core *c, const char *name, u32 value, char *err,
			  size_t errlen)
{
	const struct kshim_sysctl *s = NULL;
	u32 i;

	/* "net.netfilter.nf_..." as sysctl(8) names it, or the bare /proc file name */
	if (!strncmp(name, "net.netfilter.", 14))
		name += 14;
	for (i = 0; i < ARRAY_SIZE(kshim_sysctls); i++)
		if (!strcmp(kshim_sysctls[i].name, name))
			s = &kshim_sysctls[i];
	if (!s) {
		scnprintf(err, errlen, "unknown sysctl '%s'", name);
		return -EINVAL;
	}
	if (s->size == 1 && value > 255) {
		scnprintf(err, errlen, "%s: value %u out of range 0..255", name, value);
		return -EINVAL;
	}
	/* the table is allocated at attach: keep it to what a shadow of one router needs */
	if ((!strcmp(s->name, "nf_conntrack_buckets") || !strcmp(s->name, "nf_conntrack_max")) &&
	    value > KSHIM_CT_LIMIT) {
		scnprintf(err, errlen, "%s: value %u out of range 0..%u", name, value,
			  KSHIM_CT_LIMIT);
		return -EINVAL;
	}
	spin_lock_bh(&c->lock);
	kshim_param_put(&c->rcfg.ct, s, value);
	if (c->r) {
		/*
		 * Like the real sysctl, a change takes effect at once: the conntrack table
		 * keeps its parameters in its own (mutable) storage and every reader uses
		 * them per packet; the core's interface only hands out a const view, which
		 * we write through here (the object itself is not const).  max applies at
		 * once (it is read per new connection); buckets sizes the table at creation
		 * and only applies at the next attach.
		 */
		struct conntrack_params *live =
			(struct conntrack_params *)conntrack_table_params(router_conntrack(c->r));

		kshim_param_put(live, s, value);
	}
	spin_unlock_bh(&c->lock);
	return 0;
}

int kshim_core_sysctl_format(struct kshim_core *c, char *buf, size_t size)
{
	size_t n = 0;
	u32 i;

	spin_lock_bh(&c->lock);
	for (i = 0; i < ARRAY_SIZE(kshim_sysctls) && n < size; i++)
		n += scnprintf(buf + n, size - n, "%s %u\n", kshim_sysctls[i].name,
			       kshim_param_get(&c->rcfg.ct, &kshim_sysctls[i]));
	spin_unlock_bh(&c->lock);
	return n + 1 >= size ? -ENOSPC : (int)n;
}

/* --- packets ---------------------------------------------------------------------------- */

static void kshim_run_timers_locked(struct kshim_core *c, u64 now)
{
	if (now >= c->next_timer) {
		router_timers(c->r, now);
		c->next_timer = router_next_timer(c->r);
	}
}

/*
 * Neighbour learning.  The kernel resolves a neighbour before it forwards to it, and the
 * frames we see carry the result: a frame arriving on device D from L3 source S came from
 * S's next hop on D, whose MAC is the frame's source MAC.  The next hop is S itself when S
 * is on a connected route of D, else the gateway of the route toward S through D.  ARP
 * requests and replies (sender address/MAC) are learned the same way, which covers a
 * server that has not sent an IP packet yet but answered the router's ARP request.
 * Called with the lock held.
 */
static void kshim_learn_locked(struct kshim_core *c, u16 dev, u16 vlan, u8 family,
			       const union fs_addr *src, const u8 *mac, u32 mark)
{
	struct fs_netconf *nc = router_netconf(c->r);
	const struct fs_netdev *d;
	const struct fs_route *rt;
	struct fs_neigh nn, *n;
	u16 l3 = dev, i;

	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) ||
	    fs_addr_is_zero(src))
		return;
	if (vlan) {
		for (i = 1, l3 = 0; i < FS_NETDEV_MAX; i++) {
			d = &nc->dev[i];
			if (d->ifindex && d->kind == FS_NETDEV_VLAN && d->lower == dev &&
			    d->vlan_id == vlan) {
				l3 = i;
				break;
			}
		}
		if (!l3)
			return;
	}
	d = fs_netdev_get(nc, l3);
	if (!d)
		return;
	if (d->master)
		l3 = d->master;
	rt = fs_route_lookup(nc, family, src, mark);
	if (!rt || rt->oif != l3)
		return;
	memset(&nn, 0, sizeof(nn));
	nn.addr = fs_addr_is_zero(&rt->gateway) ? *src : rt->gateway;
	n = fs_neigh_lookup(nc, l3, family, &nn.addr);
	if (n && n->valid && n->port == dev && !memcmp(n->mac, mac, 6))
		return;
	nn.ifindex = l3;
	nn.port = dev;
	nn.family = family;
	nn.valid = 1;
	memcpy(nn.mac, mac, 6);
	if (fs_neigh_update(nc, &nn))
		c->neigh_failed++;
	else
		c->neigh_learned++;
}

void kshim_core_receive(struct kshim_core *c, struct fs_packet *pkt)
{
	struct router_result res;
	u64 now;

	spin_lock_bh(&c->lock);
	if (!c->live)
		goto out;
	now = kshim_now(c);
	kshim_run_timers_locked(c, now);
	kshim_learn_locked(c, pkt->iif, pkt->num_encap && pkt->encap[0].proto == FS_ETH_P_8021Q ?
			   pkt->encap[0].id : 0, pkt->t.family, &pkt->t.src, pkt->src_mac,
			   pkt->mark);
	router_receive(c->r, pkt, now, &res);
	c->hooked++;
	/* a packet may have queued hardware work or armed nothing new: re-read */
	c->next_timer = router_next_timer(c->r);
out:
	spin_unlock_bh(&c->lock);
}

void kshim_core_learn(struct kshim_core *c, u16 iif, u16 vlan, u8 family,
		      const union fs_addr *addr, const u8 *mac)
{
	spin_lock_bh(&c->lock);
	if (c->live)
		kshim_learn_locked(c, iif, vlan, family, addr, mac, 0);
	spin_unlock_bh(&c->lock);
}

void kshim_core_dev_state(struct kshim_core *c, u16 idx, bool up)
{
	spin_lock_bh(&c->lock);
	if (c->live)
		router_dev_set_up(c->r, idx, up, kshim_now(c));
	spin_unlock_bh(&c->lock);
}

u64 kshim_core_timers(struct kshim_core *c)
{
	u64 now, wait = 100 * NSEC_PER_MSEC;

	spin_lock_bh(&c->lock);
	if (c->live) {
		now = kshim_now(c);
		kshim_run_timers_locked(c, now);
		wait = c->next_timer > now ? c->next_timer - now : 0;
	}
	spin_unlock_bh(&c->lock);
	return wait;
}

void kshim_core_count_skip(struct kshim_core *c, bool non_ip)
{
	spin_lock_bh(&c->lock);
	if (non_ip)
		c->skipped_non_ip++;
	else
		c->skipped_bad++;
	spin_unlock_bh(&c->lock);
}

/* --- listings ----------------------------------------------------------------------------- */

struct kshim_out {
	char *buf;
	size_t size, len;
	bool overflow;
};

static __printf(2, 3) void kshim_put(struct kshim_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->overflow = true;
		return;
	}
	o->len += n;
}

static const char *kshim_dev_name(struct kshim_core *c, u16 idx)
{
	const struct fs_netdev *d = fs_netdev_get(router_netconf(c->r), idx);

	return d ? d->name : "-";
}

static void kshim_put_tuple(struct kshim_out *o, const struct fs_tuple *t)
{
	char s[48], d[48];

	fs_addr_format(s, sizeof(s), t->family, &t->src);
	fs_addr_format(d, sizeof(d), t->family, &t->dst);
	kshim_put(o, "src=%s dst=%s sport=%u dport=%u", s, d, t->sport, t->dport);
}

struct kshim_ft_walk {
	struct kshim_core *c;
	struct kshim_out *o;
	u64 now;
	u32 n;
};

static int kshim_ft_line(struct conntrack_entry *ct, void *arg)
{
	static const struct { u16 bit; const char *name; } flags[] = {
		{ FLOW_F_SNAT, "snat" }, { FLOW_F_DNAT, "dnat" }, { FLOW_F_CLOSING, "closing" },
		{ FLOW_F_TEARDOWN, "teardown" }, { FLOW_F_HW, "hw" },
		{ FLOW_F_HW_DYING, "hw_dying" }, { FLOW_F_HW_DEAD, "hw_dead" },
		{ FLOW_F_HW_PENDING, "hw_pending" }, { FLOW_F_HW_BIDIR, "hw_bidir" },
	};
	static const char *const xmit[] = { "neigh", "xfrm", "direct" };
	struct kshim_ft_walk *w = arg;
	struct kshim_out *o = w->o;
	const struct flow_offload *f = &ct->flow;
	struct flowtable *ft;
	const char *sep = "";
	s32 left;
	u32 i, d;

	if (!(f->flags & FLOW_F_LIVE))
		return 0;
	ft = router_flowtable(w->c->r, f->ft);
	left = fs_ticks_left(f->timeout, w->now);
	kshim_put(o, "ft=%s %s ", ft ? flowtable_config(ft)->name : "?",
		  conntrack_proto_name(ct->tuplehash[0].tuple.proto));
	kshim_put_tuple(o, &ct->tuplehash[0].tuple);
	kshim_put(o, " ");
	kshim_put_tuple(o, &ct->tuplehash[1].tuple);
	kshim_put(o, " timeout=%d flags=", left > 0 ? left / 1000 : 0);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		if (!(f->flags & flags[i].bit))
			continue;
		kshim_put(o, "%s%s", sep, flags[i].name);
		sep = ",";
	}
	if (!*sep)
		kshim_put(o, "-");
	for (d = 0; d < 2; d++) {
		const struct flow_offload_dir *fd = &f->dir[d];

		kshim_put(o, " %s=%s>%s,%s,mtu=%u,hw=%u", d ? "reply" : "orig",
			  kshim_dev_name(w->c, fd->iif), kshim_dev_name(w->c, fd->oif),
			  fd->xmit < ARRAY_SIZE(xmit) ? xmit[fd->xmit] : "?", fd->mtu,
			  fd->hw_state);
		for (i = 0; i < fd->num_encap && i < FS_ENCAP_MAX; i++)
			kshim_put(o, ",%s%u", fd->encap[i].proto == FS_ETH_P_8021Q ? "vlan" : "pppoe",
				  fd->encap[i].id);
	}
	kshim_put(o, "\n");
	w->n++;
	return o->overflow;
}

static void kshim_dump_flowtable(struct kshim_core *c, struct kshim_out *o, u64 now)
{
	struct kshim_ft_walk w = { c, o, now, 0 };

	conntrack_for_each_all(router_conntrack(c->r), kshim_ft_line, &w);
}

static void __kshim_dump_events(struct kshim_core *c, struct kshim_out *o)
{
	u32 i;

	if (c->ev_dropped)
		kshim_put(o, "# %llu events dropped (ring of %u lines full)\n",
			  (unsigned long long)c->ev_dropped, c->ev_cap);
	for (i = 0; i < c->ev_len && !o->overflow; i++)
		kshim_put(o, "%s", c->ev[(c->ev_head + i) % c->ev_cap]);
	if (o->overflow)
		return;
	/* drained: what was shown is gone */
	c->ev_head = c->ev_len = 0;
	c->ev_dropped = 0;
}

static void kshim_dump_events(struct kshim_core *c, struct kshim_out *o)
{
	spin_lock_bh(&c->ev_lock);
	__kshim_dump_events(c, o);
	spin_unlock_bh(&c->ev_lock);
}

static void kshim_dump_stats(struct kshim_core *c, struct kshim_out *o, u64 now)
{
	const struct router_stats *s;
	u32 i, j;

	kshim_put(o, "attached %u\nlive %u\ncore_time_ns %llu\nboottime_at_attach_ns %llu\n",
		  c->r != NULL, c->live, (unsigned long long)now, (unsigned long long)c->t0);
	kshim_put(o, "hooked_packets %llu\nskipped_non_ip %llu\nskipped_malformed %llu\n",
		  c->hooked, c->skipped_non_ip, c->skipped_bad);
	kshim_put(o, "neigh_learned %llu\nneigh_alloc_failed %llu\nevents_total %llu\n",
		  c->neigh_learned, c->neigh_failed, c->ev_total);
	kshim_put(o, "events_pending %u\nevents_dropped %llu\n", c->ev_len, c->ev_dropped);
	if (!c->r)
		return;
	s = router_get_stats(c->r);
	for (i = 0; i < ROUTER_PATH__COUNT; i++)
		kshim_put(o, "path_%s packets %llu bytes %llu\n", router_path_name(i),
			  s->packets[i], s->bytes[i]);
	for (i = 1; i < ROUTER_DROP__COUNT; i++)
		kshim_put(o, "drop_%s %llu\n", router_drop_reason_name(i), s->drops[i]);
	kshim_put(o, "conntrack_count %u\n", conntrack_count(router_conntrack(c->r)));
	kshim_put(o, "neighbours %u\n", router_netconf(c->r)->num_neigh);
	for (i = 0; i < router_num_flowtables(c->r); i++) {
		struct flowtable *ft = router_flowtable(c->r, i);
		const struct flowtable_stats *fs = flowtable_get_stats(ft);

		kshim_put(o, "flowtable %s flows %u fast_packets %llu fast_bytes %llu added %llu "
			  "torn_down %llu freed %llu hw_add_ok %llu hw_add_refused %llu",
			  flowtable_config(ft)->name, flowtable_count(ft), fs->fast_packets,
			  fs->fast_bytes, fs->added, fs->torn_down, fs->freed, fs->hw_add_ok,
			  fs->hw_add_refused);
		for (j = 0; j < FT_SLOW__COUNT; j++)
			kshim_put(o, " slow%u %llu", j, fs->slow_reasons[j]);
		kshim_put(o, "\n");
	}
}

long kshim_core_dump(struct kshim_core *c, enum kshim_dump kind, int idx, char *buf,
		     size_t size)
{
	struct ct_listing_opts opts;
	struct kshim_out o = { buf, size, 0, false };
	long rc;
	u64 now;
	int n;

	if (!size)
		return -ENOSPC;
	buf[0] = 0;
	memset(&opts, 0, sizeof(opts));
	spin_lock_bh(&c->lock);
	now = c->r ? kshim_now(c) : 0;
	if (c->live)
		kshim_run_timers_locked(c, now);
	if (c->r)
		opts.acct = conntrack_table_params(router_conntrack(c->r))->acct;
	/* Debian's kernel has CONFIG_NF_CONNTRACK_ZONES: /proc prints zone=0 */
	opts.zones = IS_ENABLED(CONFIG_NF_CONNTRACK_ZONES);
	switch (kind) {
	case KSHIM_DUMP_PROC:
	case KSHIM_DUMP_CLI:
		if (!c->r)
			break;
		n = ct_listing_table(router_conntrack(c->r), now,
				     kind == KSHIM_DUMP_PROC ? CT_LISTING_PROC : CT_LISTING_CLI,
				     &opts, buf, size);
		if (n < 0)
			o.overflow = true;
		else
			o.len = n;
		break;
	case KSHIM_DUMP_FLOWTABLE:
		if (c->r)
			kshim_dump_flowtable(c, &o, now);
		break;
	case KSHIM_DUMP_EVENTS:
		kshim_dump_events(c, &o);
		break;
	case KSHIM_DUMP_STATS:
		kshim_dump_stats(c, &o, now);
		break;
	case KSHIM_DUMP_PPE_ENTRIES:
	case KSHIM_DUMP_PPE_BIND:
		if (!c->has_ppe || idx < 0 || (u32)idx >= c->pcfg.num_ppe) {
			spin_unlock_bh(&c->lock);
			return -ENODEV;
		}
		if (!c->ppe)
			break;
		rc = ppe_dump(c->ppe, idx, kind == KSHIM_DUMP_PPE_BIND, buf, size, now);
		if (rc < 0 || (size_t)rc >= size)
			o.overflow = true;
		else
			o.len = rc;
		break;
	}
	spin_unlock_bh(&c->lock);
	if (o.overflow)
		return -ENOSPC;
	buf[o.len] = 0;
	return o.len;
}

size_t kshim_core_dump_hint(struct kshim_core *c, enum kshim_dump kind)
{
	size_t n = 0;

	spin_lock_bh(&c->lock);
	switch (kind) {
	case KSHIM_DUMP_PROC:
	case KSHIM_DUMP_CLI:
	case KSHIM_DUMP_FLOWTABLE:
		n = c->r ? (size_t)conntrack_count(router_conntrack(c->r)) * 400 : 0;
		break;
	case KSHIM_DUMP_EVENTS:
		n = (size_t)c->ev_len * KSHIM_EV_LINE;
		break;
	case KSHIM_DUMP_STATS:
		n = 4096;
		break;
	case KSHIM_DUMP_PPE_ENTRIES:
	case KSHIM_DUMP_PPE_BIND:
		n = c->has_ppe ? (size_t)c->pcfg.entries * 64 : 0;
		break;
	}
	spin_unlock_bh(&c->lock);
	return n + 4096;
}
