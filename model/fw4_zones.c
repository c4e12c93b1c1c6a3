// SPDX-License-Identifier: MIT
/*
 * fw4_zones.c - firewall4's zones: what each zone needs (fw4.uc parse_zone and the
 * sflags/dflags bookkeeping) and the chains written for it (templates/zone-*.uc):
 * input_/output_/forward_<zone> with their rules and forwardings, the accept/reject/drop
 * _from_/_to_ verdict chains (NAT-leakage protection in accept_to_<masq zone>),
 * helper_<zone> with the conntrack helpers fw4 ships, and dstnat/srcnat with the
 * zone's redirects and masquerade.  See spec linux-flowtable.md §6.
 *
 * Invariants: a verdict chain exists only if some policy, forwarding or rule jumps to it
 * (fw4's flags); zones without a resolvable device get their chains but no dispatch or
 * verdict rules (there is nothing to match on).
 */
#include "fw4_internal.h"

/* ---------------------------------------------------------------- zone analysis */

static const struct fw4_network *find_net(const struct fw4_ctx *x, const char *name)
{
	u32 i;

	for (i = 0; i < x->num_nets; i++)
		if (seq(x->nets[i].name, name))
			return &x->nets[i];
	return NULL;
}

int fw4_find_zone(const struct fw4_config *c, const char *name)
{
	u32 i;

	for (i = 0; i < c->num_zones; i++)
		if (seq(c->zone[i].name, name))
			return (int)i;
	return -1;
}

static bool zone_helper(const struct fw4_config *c, const struct fw4_zone *z)
{
	u8 ah = z->auto_helper == 0xff ? 1 : z->auto_helper;

	if (!c->defaults.auto_helper)
		ah = 0;
	return ah && !z->masq && !z->masq6;
}

void fw4_analyse(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	u32 i, n;

	for (i = 0; i < c->num_zones; i++) {
		const struct fw4_zone *z = &c->zone[i];
		struct zinfo *zi = &x->z[i];

		for (n = 0; n < z->num_network; n++) {
			const struct fw4_network *net = find_net(x, z->network[n]);

			if (net)
				fw4_add_unique(zi->dev, &zi->ndev, Z_MAX_DEV,
					       net->l3_device[0] ? net->l3_device : net->device);
		}
		zi->sflags = policy_flag(z->input);
		zi->dflags = policy_flag(z->output) | policy_flag(z->forward);
		zi->snat = z->masq || z->masq6;
		zi->helper = zone_helper(c, z);
	}
	for (i = 0; i < c->num_fwd; i++) {
		int d = fw4_find_zone(c, c->fwd[i].dest);

		if (d >= 0 && (fw4_find_zone(c, c->fwd[i].src) >= 0 || seq(c->fwd[i].src, "*")))
			x->z[d].dflags |= ZF_ACCEPT;
	}
	for (i = 0; i < c->num_rules; i++) {
		const struct fw4_rule *r = &c->rule[i];
		int s = r->src[0] ? fw4_find_zone(c, r->src) : -1;
		int d = r->dest[0] ? fw4_find_zone(c, r->dest) : -1;

		if (r->is_redirect) {
			if (s >= 0)
				x->z[s].dnat = true;
			continue;
		}
		if (d >= 0)
			x->z[d].dflags |= policy_flag(r->target);
	}
}

/* ---------------------------------------------------------------- conntrack helpers */

struct helper_def {
	const char *name;
	u8 proto;
	u16 port;
	u8 v4only;
};

/* the helpers fw4 ships in /usr/share/firewall4/helpers (spec §6.4) */
static const struct helper_def helpers[] = {
	{ "amanda", FS_IPPROTO_UDP, 10080, 0 }, { "ftp", FS_IPPROTO_TCP, 21, 0 },
	{ "RAS", FS_IPPROTO_UDP, 1719, 0 }, { "Q.931", FS_IPPROTO_TCP, 1720, 0 },
	{ "irc", FS_IPPROTO_TCP, 6667, 1 }, { "netbios-ns", FS_IPPROTO_UDP, 137, 1 },
	{ "pptp", FS_IPPROTO_TCP, 1723, 1 }, { "sane", FS_IPPROTO_TCP, 6566, 0 },
	{ "sip", FS_IPPROTO_UDP, 5060, 0 }, { "snmp", FS_IPPROTO_UDP, 161, 1 },
	{ "tftp", FS_IPPROTO_UDP, 69, 0 }, { "rtsp", FS_IPPROTO_TCP, 554, 1 },
};

void fw4_put_ct_helpers(struct w *w)
{
	u32 i;

	for (i = 0; i < FS_ARRAY_SIZE(helpers); i++) {
		put(w, "\tct helper ");
		put(w, helpers[i].name);
		put(w, " {\n\t\ttype ");
		putq(w, helpers[i].name);
		put(w, helpers[i].proto == FS_IPPROTO_TCP ? " protocol tcp;\n\t}\n\n" :
							    " protocol udp;\n\t}\n\n");
	}
}

/* ---------------------------------------------------------------- zone chains */

static const char *fam_human(u8 family)
{
	return family == FS_AF_INET ? "IPv4" : family == FS_AF_INET6 ? "IPv6" : "IPv4/IPv6";
}

static const char *flag_name(u8 flag)
{
	return flag == ZF_ACCEPT ? "accept" : flag == ZF_REJECT ? "reject" : "drop";
}

void fw4_put_forwardings(struct w *w, const struct fw4_config *c, const char *src,
			 const char *label)
{
	u32 i;

	for (i = 0; i < c->num_fwd; i++) {
		if (!seq(c->fwd[i].src, src) || fw4_find_zone(c, c->fwd[i].dest) < 0)
			continue;
		put(w, "\t\tjump accept_to_");
		put(w, c->fwd[i].dest);
		put(w, " comment \"!fw4: Accept ");
		put(w, label);
		put(w, " to ");
		put(w, c->fwd[i].dest);
		put(w, " forwarding\"\n");
	}
}

/* the last rule of input_/output_/forward_<zone>: "jump <policy><dir><zone>" */
static void put_policy_jump(struct w *w, u8 policy, const char *dir, const char *zone)
{
	put(w, "\t\tjump ");
	put(w, policy_name(policy));
	put(w, dir);
	put(w, zone);
	put(w, "\n");
}

static void put_verdict_rule(struct fw4_ctx *x, u32 zi, const char *match, u8 flag)
{
	const struct fw4_zone *z = &x->c->zone[zi];
	struct w *w = &x->w;
	const char *v = flag_name(flag);

	if (!x->z[zi].ndev)
		return;
	put(w, "\t\t");
	fw4_put_devmatch(w, match, &x->z[zi]);
	put(w, "counter ");
	put(w, flag == ZF_REJECT ? "jump handle_reject" : v);
	put(w, " comment \"!fw4: ");
	put(w, v);
	put(w, " ");
	put(w, z->name);
	put(w, " ");
	put(w, fam_human(0));
	put(w, " traffic\"\n");
}

void fw4_put_zone_chains(struct fw4_ctx *x, u32 zi)
{
	const struct fw4_config *c = x->c;
	const struct fw4_zone *z = &c->zone[zi];
	const struct zinfo *info = &x->z[zi];
	struct w *w = &x->w;
	char name[FW4_NAME + 16];
	static const u8 flags[] = { ZF_ACCEPT, ZF_REJECT, ZF_DROP };
	u32 i, k;

	fs_snprintf(name, sizeof(name), "input_%s", z->name);
	fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
	fw4_put_rules_for(w, c, name);
	if (info->dnat)
		put(w, "\t\tct status dnat accept comment \"!fw4: Accept port redirections\"\n");
	put_policy_jump(w, z->input, "_from_", z->name);
	fw4_chain_close(w);

	fs_snprintf(name, sizeof(name), "output_%s", z->name);
	fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
	fw4_put_rules_for(w, c, name);
	put_policy_jump(w, z->output, "_to_", z->name);
	fw4_chain_close(w);

	fs_snprintf(name, sizeof(name), "forward_%s", z->name);
	fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
	fw4_put_rules_for(w, c, name);
	fw4_put_forwardings(w, c, z->name, z->name);
	if (info->dnat)
		put(w, "\t\tct status dnat accept comment \"!fw4: Accept port forwards\"\n");
	put_policy_jump(w, z->forward, "_to_", z->name);
	fw4_chain_close(w);

	if (info->helper) {
		fs_snprintf(name, sizeof(name), "helper_%s", z->name);
		fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
		for (i = 0; i < FS_ARRAY_SIZE(helpers); i++) {
			const struct helper_def *h = &helpers[i];
			const char *p = h->proto == FS_IPPROTO_TCP ? "tcp" : "udp";

			put(w, "\t\t");
			if (h->v4only)
				put(w, "meta nfproto ipv4 ");
			put(w, "meta l4proto ");
			put(w, p);
			put(w, " ");
			put(w, p);
			put(w, " dport ");
			putu(w, h->port);
			put(w, " ct helper set ");
			putq(w, h->name);
			put(w, " comment \"!fw4: ");
			put(w, h->name);
			put(w, " connection tracking helper\"\n");
		}
		fw4_chain_close(w);
	}

	for (k = 0; k < FS_ARRAY_SIZE(flags); k++) {
		const char *v = flag_name(flags[k]);

		if (info->sflags & flags[k]) {
			fs_snprintf(name, sizeof(name), "%s_from_%s", v, z->name);
			fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
			put_verdict_rule(x, zi, "iifname", flags[k]);
			fw4_chain_close(w);
		}
		if (info->dflags & flags[k]) {
			fs_snprintf(name, sizeof(name), "%s_to_%s", v, z->name);
			fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
			/* zone-drop-invalid.uc: keep untranslated invalid packets off the WAN */
			if (flags[k] == ZF_ACCEPT && (z->masq || z->masq6) &&
			    !z->masq_allow_invalid && !c->defaults.drop_invalid && info->ndev) {
				put(w, "\t\t");
				if (z->masq != z->masq6)
					put(w, z->masq ? "meta nfproto ipv4 " : "meta nfproto ipv6 ");
				fw4_put_devmatch(w, "oifname", info);
				put(w, "ct state invalid counter drop comment \"!fw4: Prevent NAT "
				       "leakage\"\n");
			}
			put_verdict_rule(x, zi, "oifname", flags[k]);
			fw4_chain_close(w);
		}
	}
}

/* ---------------------------------------------------------------- NAT */

void fw4_put_nat_chains(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	struct w *w = &x->w;
	char name[FW4_NAME + 16];
	u32 i;

	fw4_chain_open(w, "dstnat", "nat", "prerouting", "dstnat", "accept");
	for (i = 0; i < c->num_zones; i++)
		if (x->z[i].dnat && x->z[i].ndev)
			fw4_put_zone_jump(x, i, "iifname", "dstnat", "dstnat traffic");
	fw4_chain_close(w);

	fw4_chain_open(w, "srcnat", "nat", "postrouting", "srcnat", "accept");
	for (i = 0; i < c->num_zones; i++)
		if (x->z[i].snat && x->z[i].ndev)
			fw4_put_zone_jump(x, i, "oifname", "srcnat", "srcnat traffic");
	fw4_chain_close(w);

	for (i = 0; i < c->num_zones; i++) {
		const struct fw4_zone *z = &c->zone[i];

		if (x->z[i].dnat) {
			fs_snprintf(name, sizeof(name), "dstnat_%s", z->name);
			fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
			fw4_put_redirects(w, c, z->name);
			fw4_chain_close(w);
		}
		if (x->z[i].snat) {
			fs_snprintf(name, sizeof(name), "srcnat_%s", z->name);
			fw4_chain_open(w, name, NULL, NULL, NULL, NULL);
			if (z->masq) {
				put(w, "\t\tmeta nfproto ipv4 masquerade comment \"!fw4: Masquerade "
				       "IPv4 ");
				put(w, z->name);
				put(w, " traffic\"\n");
			}
			if (z->masq6) {
				put(w, "\t\tmeta nfproto ipv6 masquerade comment \"!fw4: Masquerade "
				       "IPv6 ");
				put(w, z->name);
				put(w, " traffic\"\n");
			}
			fw4_chain_close(w);
		}
	}
}
