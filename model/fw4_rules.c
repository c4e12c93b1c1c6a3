// SPDX-License-Identifier: MIT
/*
 * fw4_rules.c - `config rule` and `config redirect` sections as the nft rules firewall4
 * writes for them (fw4.uc parse_rule/parse_redirect, templates/rule.uc and redirect.uc).
 *
 * A rule lands in one chain, chosen like parse_rule does: src and dest zone give
 * forward_<src>, src alone input_<src>, dest alone output_<dest>, "*" the base chain.
 * One nft rule is written per protocol, and a family-less ICMP type list is split into
 * an IPv4 and an IPv6 rule.  Redirects become DNAT rules in dstnat_<src zone>.
 * Invariant: a rule naming a zone that does not exist is skipped, never written.
 */
#include "fw4_internal.h"

static const char *proto_word(u8 proto)
{
	switch (proto) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 50: return "esp";
	case 51: return "ah";
	case 58: return "ipv6-icmp";
	case 132: return "sctp";
	default: return NULL;
	}
}

static void put_addr(struct w *w, u8 family, const union fs_addr *a, u8 plen)
{
	char tmp[48];

	fs_addr_format(tmp, sizeof(tmp), family, a);
	put(w, tmp);
	if (plen != (family == FS_AF_INET ? 32 : 128)) {
		put(w, "/");
		putu(w, plen);
	}
}

static void put_types(struct w *w, const u8 *t, u32 n)
{
	u32 i;

	if (n > 1)
		put(w, "{ ");
	for (i = 0; i < n; i++) {
		if (i)
			put(w, ", ");
		putu(w, t[i]);
	}
	put(w, n > 1 ? " } " : " ");
}

static void put_ports(struct w *w, u16 lo, u16 hi)
{
	putu(w, lo);
	if (hi > lo) {
		put(w, "-");
		putu(w, hi);
	}
}

static void put_nfproto(struct w *w, u8 family)
{
	put(w, "meta nfproto ");
	put(w, family == FS_AF_INET ? "ipv4 " : "ipv6 ");
}

/* comment "!fw4: <section name>" */
static void put_rule_comment(struct w *w, const struct fw4_rule *r)
{
	char name[80];

	fs_snprintf(name, sizeof(name), "!fw4: %s", r->name);
	put(w, "comment ");
	putq(w, name);
}

/* Which chain a rule goes to (fw4.uc parse_rule); NULL: skip (unknown zone). */
static bool rule_chain(const struct fw4_config *c, const struct fw4_rule *r, char *chain,
		       size_t size)
{
	bool src_any = seq(r->src, "*"), dst_any = seq(r->dest, "*");
	int s = r->src[0] && !src_any ? fw4_find_zone(c, r->src) : -1;
	int d = r->dest[0] && !dst_any ? fw4_find_zone(c, r->dest) : -1;

	if ((r->src[0] && !src_any && s < 0) || (r->dest[0] && !dst_any && d < 0))
		return false;
	if (r->src[0]) {
		if (src_any)
			scopy(chain, r->dest[0] ? "forward" : "input", size);
		else
			fs_snprintf(chain, size, "%s_%s", r->dest[0] ? "forward" : "input", r->src);
	} else if (r->dest[0] && !dst_any) {
		fs_snprintf(chain, size, "output_%s", r->dest);
	} else {
		scopy(chain, "output", size);
	}
	return true;
}

static void put_one_rule(struct w *w, const struct fw4_config *c, const struct fw4_rule *r,
			 u8 family, u8 proto, bool any_proto)
{
	bool has_addrs = r->src_plen || r->dest_plen;
	bool ports = (proto == FS_IPPROTO_TCP || proto == FS_IPPROTO_UDP) && r->dest_port;
	const u8 *types = family == FS_AF_INET6 ? r->icmp6_type : r->icmp_type;
	u32 ntypes = proto == FS_IPPROTO_ICMP ?
		     (family == FS_AF_INET6 ? r->num_icmp6_types : r->num_icmp_types) : 0;
	u8 afam = family;

	put(w, "\t\t");
	if (family && !has_addrs)
		put_nfproto(w, family);
	if (!any_proto && !ports && !ntypes) {
		put(w, "meta l4proto ");
		if (proto == FS_IPPROTO_ICMP && !family) {
			put(w, "{ icmp, ipv6-icmp } ");
		} else if (proto == FS_IPPROTO_ICMP && family == FS_AF_INET6) {
			put(w, "ipv6-icmp ");
		} else if (proto_word(proto)) {
			put(w, proto_word(proto));
			put(w, " ");
		} else {
			putu(w, proto);
			put(w, " ");
		}
	}
	if (!afam)
		afam = r->src_plen > 32 || r->dest_plen > 32 ? FS_AF_INET6 : FS_AF_INET;
	if (r->src_plen) {
		put(w, afam == FS_AF_INET ? "ip saddr " : "ip6 saddr ");
		put_addr(w, afam, &r->src_ip, r->src_plen);
		put(w, " ");
	}
	if (r->dest_plen) {
		put(w, afam == FS_AF_INET ? "ip daddr " : "ip6 daddr ");
		put_addr(w, afam, &r->dest_ip, r->dest_plen);
		put(w, " ");
	}
	if (ports) {
		put(w, proto == FS_IPPROTO_TCP ? "tcp dport " : "udp dport ");
		put_ports(w, r->dest_port, r->dest_port_end ? r->dest_port_end : r->dest_port);
		put(w, " ");
	}
	if (ntypes) {
		put(w, family == FS_AF_INET6 ? "icmpv6 type " : "icmp type ");
		put_types(w, types, ntypes);
	}
	if (r->limit) {
		put(w, "limit rate ");
		putu(w, r->limit);
		put(w, "/second ");
		if (r->limit_burst) {
			put(w, "burst ");
			putu(w, r->limit_burst);
			put(w, " packets ");
		}
	}
	put(w, "counter ");
	if (r->dest[0] && !seq(r->dest, "*")) {
		put(w, "jump ");
		put(w, policy_name(r->target));
		put(w, "_to_");
		put(w, r->dest);
		put(w, " ");
	} else if (r->target == FW4_REJECT) {
		put(w, "jump handle_reject ");
	} else {
		put(w, policy_name(r->target));
		put(w, " ");
	}
	put_rule_comment(w, r);
	put(w, "\n");
	(void)c;
}

/* Emit one rule per protocol (and per family for family-less ICMP type lists). */
static void put_rule(struct w *w, const struct fw4_config *c, const struct fw4_rule *r)
{
	static const u8 protos[] = { FS_IPPROTO_TCP, FS_IPPROTO_UDP, FS_IPPROTO_ICMP, 0 };
	static const u8 bits[] = { FW4_PROTO_TCP, FW4_PROTO_UDP, FW4_PROTO_ICMP, FW4_PROTO_OTHER };
	u32 i;

	if (!r->proto_mask) {
		put_one_rule(w, c, r, r->family, 0, true);
		return;
	}
	for (i = 0; i < FS_ARRAY_SIZE(protos); i++) {
		u8 proto = bits[i] == FW4_PROTO_OTHER ? r->proto_other : protos[i];

		if (!(r->proto_mask & bits[i]))
			continue;
		if (proto == FS_IPPROTO_ICMP && !r->family &&
		    (r->num_icmp_types || r->num_icmp6_types)) {
			if (r->num_icmp_types)
				put_one_rule(w, c, r, FS_AF_INET, proto, false);
			if (r->num_icmp6_types)
				put_one_rule(w, c, r, FS_AF_INET6, proto, false);
			continue;
		}
		put_one_rule(w, c, r, r->family, proto, false);
	}
}

void fw4_put_rules_for(struct w *w, const struct fw4_config *c, const char *chain)
{
	char rc[FW4_NAME + 16];
	u32 i;

	for (i = 0; i < c->num_rules; i++) {
		const struct fw4_rule *r = &c->rule[i];

		if (r->is_redirect || !rule_chain(c, r, rc, sizeof(rc)) || !seq(rc, chain))
			continue;
		put_rule(w, c, r);
	}
}

void fw4_put_redirects(struct w *w, const struct fw4_config *c, const char *zone)
{
	static const u8 protos[] = { FS_IPPROTO_TCP, FS_IPPROTO_UDP };
	static const u8 bits[] = { FW4_PROTO_TCP, FW4_PROTO_UDP };
	u32 i, k;

	for (i = 0; i < c->num_rules; i++) {
		const struct fw4_rule *r = &c->rule[i];
		u8 mask = r->proto_mask & (FW4_PROTO_TCP | FW4_PROTO_UDP);
		u8 fam = fs_addr_is_zero(&r->dest_ip) ? r->family :
			 (r->dest_ip.ip6[1] | r->dest_ip.ip6[2] | r->dest_ip.ip6[3] ||
			  r->family == FS_AF_INET6) ? FS_AF_INET6 : FS_AF_INET;

		if (!r->is_redirect || !seq(r->src, zone))
			continue;
		if (!mask)
			mask = FW4_PROTO_TCP | FW4_PROTO_UDP;
		for (k = 0; k < FS_ARRAY_SIZE(protos); k++) {
			if (!(mask & bits[k]))
				continue;
			put(w, "\t\t");
			if (fam)
				put_nfproto(w, fam);
			if (r->src_dport) {
				put(w, protos[k] == FS_IPPROTO_TCP ? "tcp dport " : "udp dport ");
				putu(w, r->src_dport);
				put(w, " ");
			} else {
				put(w, "meta l4proto ");
				put(w, proto_word(protos[k]));
				put(w, " ");
			}
			put(w, "counter ");
			if (fs_addr_is_zero(&r->dest_ip)) {
				put(w, "redirect");
				if (r->redirect_port) {
					put(w, " to :");
					putu(w, r->redirect_port);
				}
			} else {
				char a[48];

				fs_addr_format(a, sizeof(a), fam ? fam : FS_AF_INET, &r->dest_ip);
				put(w, fam == FS_AF_INET6 ? "dnat ip6 to " : "dnat ip to ");
				if (fam == FS_AF_INET6 && r->redirect_port)
					put(w, "[");
				put(w, a);
				if (fam == FS_AF_INET6 && r->redirect_port)
					put(w, "]");
				if (r->redirect_port) {
					put(w, ":");
					putu(w, r->redirect_port);
				}
			}
			put(w, " ");
			put_rule_comment(w, r);
			put(w, "\n");
		}
	}
}
