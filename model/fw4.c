// SPDX-License-Identifier: MIT
/*
 * fw4.c - OpenWrt firewall4's ruleset generator (root/usr/share/firewall4/templates/
 * ruleset.uc and zone-*.uc, root/usr/share/ucode/fw4.uc), reduced to the options of
 * struct fw4_config.  See spec linux-flowtable.md §6.
 *
 * What the generated text contains, in fw4's order:
 *  - "table inet fw4" + "flush table inet fw4", then the table block;
 *  - flowtable ft (only with flow_offloading and at least one device): software mode
 *    lists each zone network's device that exists; hardware mode replaces bridges by
 *    their ports and VLANs by their parent (resolve_lower_devices), then probes every
 *    device (fw4's `nft -c ... flags offload`), falling back to the software list;
 *  - ct helper objects and helper_<zone> chains (zones with auto_helper and no masq);
 *  - input/forward/output with the ct state vmap, SYN-flood jump, zone dispatch by
 *    device and the REJECT policy as "policy drop" + "jump handle_reject";
 *    `meta l4proto { tcp, udp } flow offload @ft;` is the first rule of forward;
 *  - per zone input_/output_/forward_ chains and the accept/reject/drop _from_/_to_
 *    verdict chains, NAT-leakage protection in accept_to_<masq zone>;
 *  - dstnat/srcnat with DNAT redirects and masquerade, raw and mangle chains with the
 *    mtu_fix rules (ingress in mangle_forward, egress in mangle_postrouting).
 * The output always parses with the core's nft parser (tests/unit/test_fw4.c checks it).
 */
#include "fw4.h"

#define Z_MAX_DEV FW4_MAX_NETS

/* zone flags: which verdict chains exist (fw4's zone.sflags / zone.dflags) */
#define ZF_ACCEPT 0x1
#define ZF_REJECT 0x2
#define ZF_DROP 0x4

struct zinfo {
	char dev[Z_MAX_DEV][FS_IFNAMSIZ];   /* match devices (l3 devices) */
	u32 ndev;
	u8 sflags;
	u8 dflags;
	bool helper;
	bool dnat;
	bool snat;
};

struct w {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

struct fw4_ctx {
	const struct fw4_config *c;
	const struct fw4_network *nets;
	u32 num_nets;
	struct zinfo z[FW4_MAX_ZONES];
	struct fw4_offload off;
	struct w w;
};

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

/* ---------------------------------------------------------------- small helpers */

static bool seq(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return a[i] == b[i];
}

static int scmp(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return (int)(u8)a[i] - (int)(u8)b[i];
}

static void scopy(char *d, const char *s, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i]; i++)
		d[i] = s[i];
	if (size)
		d[i] = '\0';
}

static void put(struct w *w, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (w->len + 1 < w->size)
			w->buf[w->len] = s[i];
		else
			w->overflow = true;
		w->len++;
	}
}

static void putu(struct w *w, u32 v)
{
	char tmp[16];

	fs_snprintf(tmp, sizeof(tmp), "%u", v);
	put(w, tmp);
}

/* fw4.quote(s, true): double quotes, embedded '"' become '\'' */
static void putq(struct w *w, const char *s)
{
	char c[2] = { 0, 0 };
	size_t i;

	put(w, "\"");
	for (i = 0; s[i]; i++) {
		c[0] = s[i] == '"' ? '\'' : s[i];
		put(w, c);
	}
	put(w, "\"");
}

static const char *policy_name(u8 p)
{
	return p == FW4_ACCEPT ? "accept" : p == FW4_REJECT ? "reject" : "drop";
}

static u8 policy_flag(u8 p)
{
	return p == FW4_ACCEPT ? ZF_ACCEPT : p == FW4_REJECT ? ZF_REJECT : ZF_DROP;
}

/* ---------------------------------------------------------------- configuration */

void fw4_config_defaults(struct fw4_config *c)
{
	fs_memset(c, 0, sizeof(*c));
	/* fw4.uc parse_defaults */
	c->defaults.input = FW4_DROP;
	c->defaults.output = FW4_DROP;
	c->defaults.forward = FW4_DROP;
	c->defaults.synflood_rate = 25;
	c->defaults.synflood_burst = 50;
	c->defaults.auto_helper = 1;
}

static struct fw4_zone *add_zone(struct fw4_config *c, const char *name, u8 in, u8 out, u8 fwd)
{
	struct fw4_zone *z = &c->zone[c->num_zones++];

	fs_memset(z, 0, sizeof(*z));
	scopy(z->name, name, sizeof(z->name));
	z->input = in;
	z->output = out;
	z->forward = fwd;
	z->auto_helper = 0xff;
	return z;
}

static struct fw4_rule *add_rule(struct fw4_config *c, const char *name, const char *src,
				 const char *dest, u8 family, u8 proto_mask)
{
	struct fw4_rule *r = &c->rule[c->num_rules++];

	fs_memset(r, 0, sizeof(*r));
	scopy(r->name, name, sizeof(r->name));
	scopy(r->src, src, sizeof(r->src));
	scopy(r->dest, dest, sizeof(r->dest));
	r->family = family;
	r->proto_mask = proto_mask;
	r->target = FW4_ACCEPT;
	return r;
}

void fw4_config_openwrt_default(struct fw4_config *c)
{
	static const u8 icmp6_in[] = { 128, 129, 1, 2, 3, 4, 133, 135, 134, 136 };
	static const u8 icmp6_fwd[] = { 128, 129, 1, 2, 3, 4 };
	static const u8 mld[] = { 130, 131, 132, 143 };
	struct fw4_zone *z;
	struct fw4_rule *r;
	u32 i;

	/* firewall4 root/etc/config/firewall */
	fw4_config_defaults(c);
	c->defaults.syn_flood = 1;
	c->defaults.input = FW4_REJECT;
	c->defaults.output = FW4_ACCEPT;
	c->defaults.forward = FW4_REJECT;

	z = add_zone(c, "lan", FW4_ACCEPT, FW4_ACCEPT, FW4_ACCEPT);
	scopy(z->network[z->num_network++], "lan", FW4_NAME);
	z = add_zone(c, "wan", FW4_REJECT, FW4_ACCEPT, FW4_DROP);
	scopy(z->network[z->num_network++], "wan", FW4_NAME);
	scopy(z->network[z->num_network++], "wan6", FW4_NAME);
	z->masq = 1;
	z->mtu_fix = 1;

	scopy(c->fwd[0].src, "lan", FW4_NAME);
	scopy(c->fwd[0].dest, "wan", FW4_NAME);
	c->num_fwd = 1;

	r = add_rule(c, "Allow-DHCP-Renew", "wan", "", FS_AF_INET, FW4_PROTO_UDP);
	r->dest_port = r->dest_port_end = 68;
	r = add_rule(c, "Allow-Ping", "wan", "", FS_AF_INET, FW4_PROTO_ICMP);
	r->icmp_type[r->num_icmp_types++] = 8;
	r = add_rule(c, "Allow-IGMP", "wan", "", FS_AF_INET, FW4_PROTO_OTHER);
	r->proto_other = 2;
	r = add_rule(c, "Allow-DHCPv6", "wan", "", FS_AF_INET6, FW4_PROTO_UDP);
	r->dest_port = r->dest_port_end = 546;
	r->dest_ip.ip6[0] = 0xfe800000;
	r->dest_plen = 10;
	r = add_rule(c, "Allow-MLD", "wan", "", FS_AF_INET6, FW4_PROTO_ICMP);
	r->src_ip.ip6[0] = 0xfe800000;
	r->src_plen = 10;
	for (i = 0; i < FS_ARRAY_SIZE(mld); i++)
		r->icmp6_type[r->num_icmp6_types++] = mld[i];
	r = add_rule(c, "Allow-ICMPv6-Input", "wan", "", FS_AF_INET6, FW4_PROTO_ICMP);
	for (i = 0; i < FS_ARRAY_SIZE(icmp6_in); i++)
		r->icmp6_type[r->num_icmp6_types++] = icmp6_in[i];
	r->limit = 1000;
	r = add_rule(c, "Allow-ICMPv6-Forward", "wan", "*", FS_AF_INET6, FW4_PROTO_ICMP);
	for (i = 0; i < FS_ARRAY_SIZE(icmp6_fwd); i++)
		r->icmp6_type[r->num_icmp6_types++] = icmp6_fwd[i];
	r->limit = 1000;
	r = add_rule(c, "Allow-IPSec-ESP", "wan", "lan", 0, FW4_PROTO_OTHER);
	r->proto_other = 50;
	r = add_rule(c, "Allow-ISAKMP", "wan", "lan", 0, FW4_PROTO_UDP);
	r->dest_port = r->dest_port_end = 500;
}

/* ---------------------------------------------------------------- device resolution */

static const struct fw4_network *find_net(const struct fw4_ctx *x, const char *name)
{
	u32 i;

	for (i = 0; i < x->num_nets; i++)
		if (seq(x->nets[i].name, name))
			return &x->nets[i];
	return NULL;
}

static int find_zone(const struct fw4_config *c, const char *name)
{
	u32 i;

	for (i = 0; i < c->num_zones; i++)
		if (seq(c->zone[i].name, name))
			return (int)i;
	return -1;
}

static void add_unique(char (*list)[FS_IFNAMSIZ], u32 *n, u32 max, const char *dev)
{
	u32 i;

	if (!dev[0])
		return;
	for (i = 0; i < *n; i++)
		if (seq(list[i], dev))
			return;
	if (*n < max)
		scopy(list[(*n)++], dev, FS_IFNAMSIZ);
}

/* fw4 sorts with ucode's sort(): plain string order; insertion sort, n is small */
static void sort_devs(char (*list)[FS_IFNAMSIZ], u32 n)
{
	char tmp[FS_IFNAMSIZ];
	u32 i, j;

	for (i = 1; i < n; i++) {
		scopy(tmp, list[i], sizeof(tmp));
		for (j = i; j > 0 && scmp(list[j - 1], tmp) > 0; j--)
			scopy(list[j], list[j - 1], FS_IFNAMSIZ);
		scopy(list[j], tmp, FS_IFNAMSIZ);
	}
}

/*
 * resolve_lower_devices(): bridges become their ports, VLANs their parent, recursively;
 * other devices stay; unknown devices vanish (the /sys/class/net check).  Explicit stack.
 */
static void resolve_lower(const struct fs_netconf *nc, const char *name,
			  struct fw4_offload *out)
{
	const struct fs_netdev *d;
	u16 stack[FS_NETDEV_MAX];
	u32 sp = 0, steps = 0;

	if (!nc) {
		add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS, name);
		return;
	}
	d = fs_netdev_by_name(nc, name);
	if (!d)
		return;
	stack[sp++] = d->ifindex;
	while (sp && steps++ < 4 * FS_NETDEV_MAX) {
		u16 idx = stack[--sp];
		const struct fs_netdev *dev;
		u32 i;

		if (idx >= FS_NETDEV_MAX || !nc->dev[idx].ifindex)
			continue;
		dev = &nc->dev[idx];
		if (dev->kind == FS_NETDEV_VLAN) {
			if (dev->lower && sp < FS_NETDEV_MAX)
				stack[sp++] = dev->lower;
		} else if (dev->kind == FS_NETDEV_BRIDGE) {
			for (i = FS_NETDEV_MAX; i > 1; i--)
				if (nc->dev[i - 1].ifindex && nc->dev[i - 1].master == idx &&
				    sp < FS_NETDEV_MAX)
					stack[sp++] = (u16)(i - 1);
		} else {
			add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS, dev->name);
		}
	}
}

void fw4_resolve_offload(const struct fw4_config *c, const struct fw4_network *nets,
			 u32 num_nets, const struct fs_netconf *nc,
			 bool (*hw_capable)(void *arg, const char *dev), void *arg,
			 struct fw4_offload *out)
{
	u32 zi, ni, k, i;

	fs_memset(out, 0, sizeof(*out));
	if (!c->defaults.flow_offloading)
		return;
	if (c->defaults.flow_offloading_hw) {
		/* resolve_hw_offload_devices */
		for (zi = 0; zi < c->num_zones; zi++) {
			const struct fw4_zone *z = &c->zone[zi];

			for (ni = 0; ni < z->num_network; ni++)
				for (k = 0; k < num_nets; k++)
					if (seq(nets[k].name, z->network[ni]) && nets[k].device[0])
						resolve_lower(nc, nets[k].device, out);
		}
		sort_devs(out->dev, out->num);
		if (out->num) {
			bool ok = true;

			for (i = 0; i < out->num && ok; i++)
				ok = !hw_capable || hw_capable(arg, out->dev[i]);
			if (ok) {
				out->hw = true;
				return;
			}
			out->hw_fallback = true;
		}
		out->num = 0;
	}
	/* resolve_offload_devices: each zone network's device, if it exists */
	for (zi = 0; zi < c->num_zones; zi++) {
		const struct fw4_zone *z = &c->zone[zi];

		for (ni = 0; ni < z->num_network; ni++) {
			for (k = 0; k < num_nets; k++) {
				if (!seq(nets[k].name, z->network[ni]) || !nets[k].device[0])
					continue;
				if (nc && !fs_netdev_by_name(nc, nets[k].device))
					continue;
				add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS, nets[k].device);
			}
		}
	}
	sort_devs(out->dev, out->num);
}

/* ---------------------------------------------------------------- zone analysis */

static bool zone_helper(const struct fw4_config *c, const struct fw4_zone *z)
{
	u8 ah = z->auto_helper == 0xff ? 1 : z->auto_helper;

	if (!c->defaults.auto_helper)
		ah = 0;
	return ah && !z->masq && !z->masq6;
}

static void analyse(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	u32 i, n;

	for (i = 0; i < c->num_zones; i++) {
		const struct fw4_zone *z = &c->zone[i];
		struct zinfo *zi = &x->z[i];

		for (n = 0; n < z->num_network; n++) {
			const struct fw4_network *net = find_net(x, z->network[n]);

			if (net)
				add_unique(zi->dev, &zi->ndev, Z_MAX_DEV,
					   net->l3_device[0] ? net->l3_device : net->device);
		}
		zi->sflags = policy_flag(z->input);
		zi->dflags = policy_flag(z->output) | policy_flag(z->forward);
		zi->snat = z->masq || z->masq6;
		zi->helper = zone_helper(c, z);
	}
	for (i = 0; i < c->num_fwd; i++) {
		int d = find_zone(c, c->fwd[i].dest);

		if (d >= 0 && (find_zone(c, c->fwd[i].src) >= 0 || seq(c->fwd[i].src, "*")))
			x->z[d].dflags |= ZF_ACCEPT;
	}
	for (i = 0; i < c->num_rules; i++) {
		const struct fw4_rule *r = &c->rule[i];
		int s = r->src[0] ? find_zone(c, r->src) : -1;
		int d = r->dest[0] ? find_zone(c, r->dest) : -1;

		if (r->is_redirect) {
			if (s >= 0)
				x->z[s].dnat = true;
			continue;
		}
		if (d >= 0)
			x->z[d].dflags |= policy_flag(r->target);
	}
}

/* "iifname "x"" or "iifname { "a", "b" }" */
static void put_devmatch(struct w *w, const char *what, const struct zinfo *zi)
{
	u32 i;

	put(w, what);
	put(w, zi->ndev > 1 ? " { " : " ");
	for (i = 0; i < zi->ndev; i++) {
		if (i)
			put(w, ", ");
		putq(w, zi->dev[i]);
	}
	put(w, zi->ndev > 1 ? " } " : " ");
}

static const char *fam_human(u8 family)
{
	return family == FS_AF_INET ? "IPv4" : family == FS_AF_INET6 ? "IPv6" : "IPv4/IPv6";
}

/* ---------------------------------------------------------------- config rules */

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

/* Which chain a rule goes to (fw4.uc parse_rule); NULL: skip (unknown zone). */
static bool rule_chain(const struct fw4_config *c, const struct fw4_rule *r, char *chain,
		       size_t size)
{
	bool src_any = seq(r->src, "*"), dst_any = seq(r->dest, "*");
	int s = r->src[0] && !src_any ? find_zone(c, r->src) : -1;
	int d = r->dest[0] && !dst_any ? find_zone(c, r->dest) : -1;

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
	if (family && !has_addrs) {
		put(w, "meta nfproto ");
		put(w, family == FS_AF_INET ? "ipv4 " : "ipv6 ");
	}
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
	put(w, "comment ");
	{
		char name[80];

		fs_snprintf(name, sizeof(name), "!fw4: %s", r->name);
		putq(w, name);
	}
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

static void put_rules_for(struct w *w, const struct fw4_config *c, const char *chain)
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

static void put_redirects(struct w *w, const struct fw4_config *c, const char *zone)
{
	static const u8 protos[] = { FS_IPPROTO_TCP, FS_IPPROTO_UDP };
	static const u8 bits[] = { FW4_PROTO_TCP, FW4_PROTO_UDP };
	char name[80];
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
			if (fam) {
				put(w, "meta nfproto ");
				put(w, fam == FS_AF_INET ? "ipv4 " : "ipv6 ");
			}
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
			fs_snprintf(name, sizeof(name), "!fw4: %s", r->name);
			put(w, " comment ");
			putq(w, name);
			put(w, "\n");
		}
	}
}

/* ---------------------------------------------------------------- the ruleset */

static void put_ctstate(struct w *w, const struct fw4_config *c, const char *what)
{
	put(w, "\t\tct state vmap { established : accept, related : accept");
	if (c->defaults.drop_invalid)
		put(w, ", invalid : drop");
	put(w, " } comment \"!fw4: Handle ");
	put(w, what);
	put(w, " flows\"\n");
}

static void put_dispatch(struct fw4_ctx *x, const char *match, const char *dir,
			 const char *human)
{
	u32 i;

	for (i = 0; i < x->c->num_zones; i++) {
		const struct fw4_zone *z = &x->c->zone[i];

		if (!x->z[i].ndev)
			continue;
		put(&x->w, "\t\t");
		put_devmatch(&x->w, match, &x->z[i]);
		put(&x->w, "jump ");
		put(&x->w, dir);
		put(&x->w, "_");
		put(&x->w, z->name);
		put(&x->w, " comment \"!fw4: Handle ");
		put(&x->w, z->name);
		put(&x->w, " IPv4/IPv6 ");
		put(&x->w, human);
		put(&x->w, " traffic\"\n");
	}
}

static void chain_open(struct w *w, const char *name, const char *type, const char *hook,
		       const char *prio, const char *policy)
{
	put(w, "\tchain ");
	put(w, name);
	put(w, " {\n");
	if (!type)
		return;
	put(w, "\t\ttype ");
	put(w, type);
	put(w, " hook ");
	put(w, hook);
	put(w, " priority ");
	put(w, prio);
	put(w, "; policy ");
	put(w, policy);
	put(w, ";\n");
}

static void chain_close(struct w *w)
{
	put(w, "\t}\n\n");
}

static u8 drop_if_reject(u8 p)
{
	return p == FW4_REJECT ? FW4_DROP : p;
}

static void put_filter_chains(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	const struct fw4_defaults *d = &c->defaults;
	struct w *w = &x->w;
	u32 i;

	chain_open(w, "input", "filter", "input", "filter",
		   policy_name(drop_if_reject(d->input)));
	put(w, "\t\tiifname \"lo\" accept comment \"!fw4: Accept traffic from loopback\"\n");
	put_ctstate(w, c, "inbound");
	if (d->syn_flood && d->synflood_rate)
		put(w, "\t\ttcp flags & (fin | syn | rst | ack) == syn jump syn_flood comment "
		       "\"!fw4: Rate limit TCP syn packets\"\n");
	put_rules_for(w, c, "input");
	put_dispatch(x, "iifname", "input", "input");
	if (d->input == FW4_REJECT)
		put(w, "\t\tjump handle_reject\n");
	chain_close(w);

	chain_open(w, "forward", "filter", "forward", "filter",
		   policy_name(drop_if_reject(d->forward)));
	if (x->off.num)
		put(w, "\t\tmeta l4proto { tcp, udp } flow offload @ft;\n");
	put_ctstate(w, c, "forwarded");
	put_rules_for(w, c, "forward");
	for (i = 0; i < c->num_fwd; i++) {
		/* forwardings with src '*' go to the forward chain itself */
		if (!seq(c->fwd[i].src, "*") || find_zone(c, c->fwd[i].dest) < 0)
			continue;
		put(w, "\t\tjump accept_to_");
		put(w, c->fwd[i].dest);
		put(w, " comment \"!fw4: Accept any to ");
		put(w, c->fwd[i].dest);
		put(w, " forwarding\"\n");
	}
	put_dispatch(x, "iifname", "forward", "forward");
	if (d->forward == FW4_REJECT)
		put(w, "\t\tjump handle_reject\n");
	chain_close(w);

	chain_open(w, "output", "filter", "output", "filter",
		   policy_name(drop_if_reject(d->output)));
	put(w, "\t\toifname \"lo\" accept comment \"!fw4: Accept traffic towards loopback\"\n");
	put_ctstate(w, c, "outbound");
	put_rules_for(w, c, "output");
	put_dispatch(x, "oifname", "output", "output");
	if (d->output == FW4_REJECT)
		put(w, "\t\tjump handle_reject\n");
	chain_close(w);

	chain_open(w, "prerouting", "filter", "prerouting", "filter", "accept");
	for (i = 0; i < c->num_zones; i++) {
		if (!x->z[i].helper || !x->z[i].ndev)
			continue;
		put(w, "\t\t");
		put_devmatch(w, "iifname", &x->z[i]);
		put(w, "jump helper_");
		put(w, c->zone[i].name);
		put(w, " comment \"!fw4: Handle ");
		put(w, c->zone[i].name);
		put(w, " IPv4/IPv6 helper assignment\"\n");
	}
	chain_close(w);

	chain_open(w, "handle_reject", NULL, NULL, NULL, NULL);
	put(w, "\t\tmeta l4proto tcp reject with tcp reset comment \"!fw4: Reject TCP traffic\"\n");
	put(w, "\t\treject with icmpx type port-unreachable comment \"!fw4: Reject any other "
	       "traffic\"\n");
	chain_close(w);

	if (d->syn_flood && d->synflood_rate) {
		chain_open(w, "syn_flood", NULL, NULL, NULL, NULL);
		put(w, "\t\tlimit rate ");
		putu(w, d->synflood_rate);
		put(w, "/second");
		if (d->synflood_burst) {
			put(w, " burst ");
			putu(w, d->synflood_burst);
			put(w, " packets");
		}
		put(w, " return comment \"!fw4: Accept SYN packets below rate-limit\"\n");
		put(w, "\t\tdrop comment \"!fw4: Drop excess packets\"\n");
		chain_close(w);
	}
}

static void put_verdict_rule(struct fw4_ctx *x, u32 zi, const char *match, u8 flag)
{
	const struct fw4_zone *z = &x->c->zone[zi];
	struct w *w = &x->w;
	const char *v = flag == ZF_ACCEPT ? "accept" : flag == ZF_REJECT ? "reject" : "drop";

	if (!x->z[zi].ndev)
		return;
	put(w, "\t\t");
	put_devmatch(w, match, &x->z[zi]);
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

static void put_zone_chains(struct fw4_ctx *x, u32 zi)
{
	const struct fw4_config *c = x->c;
	const struct fw4_zone *z = &c->zone[zi];
	const struct zinfo *info = &x->z[zi];
	struct w *w = &x->w;
	char name[FW4_NAME + 16];
	static const u8 flags[] = { ZF_ACCEPT, ZF_REJECT, ZF_DROP };
	u32 i, k;

	fs_snprintf(name, sizeof(name), "input_%s", z->name);
	chain_open(w, name, NULL, NULL, NULL, NULL);
	put_rules_for(w, c, name);
	if (info->dnat)
		put(w, "\t\tct status dnat accept comment \"!fw4: Accept port redirections\"\n");
	put(w, "\t\tjump ");
	put(w, policy_name(z->input));
	put(w, "_from_");
	put(w, z->name);
	put(w, "\n");
	chain_close(w);

	fs_snprintf(name, sizeof(name), "output_%s", z->name);
	chain_open(w, name, NULL, NULL, NULL, NULL);
	put_rules_for(w, c, name);
	put(w, "\t\tjump ");
	put(w, policy_name(z->output));
	put(w, "_to_");
	put(w, z->name);
	put(w, "\n");
	chain_close(w);

	fs_snprintf(name, sizeof(name), "forward_%s", z->name);
	chain_open(w, name, NULL, NULL, NULL, NULL);
	put_rules_for(w, c, name);
	for (i = 0; i < c->num_fwd; i++) {
		if (!seq(c->fwd[i].src, z->name) || find_zone(c, c->fwd[i].dest) < 0)
			continue;
		put(w, "\t\tjump accept_to_");
		put(w, c->fwd[i].dest);
		put(w, " comment \"!fw4: Accept ");
		put(w, z->name);
		put(w, " to ");
		put(w, c->fwd[i].dest);
		put(w, " forwarding\"\n");
	}
	if (info->dnat)
		put(w, "\t\tct status dnat accept comment \"!fw4: Accept port forwards\"\n");
	put(w, "\t\tjump ");
	put(w, policy_name(z->forward));
	put(w, "_to_");
	put(w, z->name);
	put(w, "\n");
	chain_close(w);

	if (info->helper) {
		fs_snprintf(name, sizeof(name), "helper_%s", z->name);
		chain_open(w, name, NULL, NULL, NULL, NULL);
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
		chain_close(w);
	}

	for (k = 0; k < FS_ARRAY_SIZE(flags); k++) {
		const char *v = flags[k] == ZF_ACCEPT ? "accept" :
				flags[k] == ZF_REJECT ? "reject" : "drop";

		if (info->sflags & flags[k]) {
			fs_snprintf(name, sizeof(name), "%s_from_%s", v, z->name);
			chain_open(w, name, NULL, NULL, NULL, NULL);
			put_verdict_rule(x, zi, "iifname", flags[k]);
			chain_close(w);
		}
		if (info->dflags & flags[k]) {
			fs_snprintf(name, sizeof(name), "%s_to_%s", v, z->name);
			chain_open(w, name, NULL, NULL, NULL, NULL);
			/* zone-drop-invalid.uc: keep untranslated invalid packets off the WAN */
			if (flags[k] == ZF_ACCEPT && (z->masq || z->masq6) &&
			    !z->masq_allow_invalid && !c->defaults.drop_invalid && info->ndev) {
				put(w, "\t\t");
				if (z->masq != z->masq6)
					put(w, z->masq ? "meta nfproto ipv4 " : "meta nfproto ipv6 ");
				put_devmatch(w, "oifname", info);
				put(w, "ct state invalid counter drop comment \"!fw4: Prevent NAT "
				       "leakage\"\n");
			}
			put_verdict_rule(x, zi, "oifname", flags[k]);
			chain_close(w);
		}
	}
}

static void put_nat_chains(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	struct w *w = &x->w;
	char name[FW4_NAME + 16];
	u32 i;

	chain_open(w, "dstnat", "nat", "prerouting", "dstnat", "accept");
	for (i = 0; i < c->num_zones; i++) {
		if (!x->z[i].dnat || !x->z[i].ndev)
			continue;
		put(w, "\t\t");
		put_devmatch(w, "iifname", &x->z[i]);
		put(w, "jump dstnat_");
		put(w, c->zone[i].name);
		put(w, " comment \"!fw4: Handle ");
		put(w, c->zone[i].name);
		put(w, " IPv4/IPv6 dstnat traffic\"\n");
	}
	chain_close(w);

	chain_open(w, "srcnat", "nat", "postrouting", "srcnat", "accept");
	for (i = 0; i < c->num_zones; i++) {
		if (!x->z[i].snat || !x->z[i].ndev)
			continue;
		put(w, "\t\t");
		put_devmatch(w, "oifname", &x->z[i]);
		put(w, "jump srcnat_");
		put(w, c->zone[i].name);
		put(w, " comment \"!fw4: Handle ");
		put(w, c->zone[i].name);
		put(w, " IPv4/IPv6 srcnat traffic\"\n");
	}
	chain_close(w);

	for (i = 0; i < c->num_zones; i++) {
		const struct fw4_zone *z = &c->zone[i];

		if (x->z[i].dnat) {
			fs_snprintf(name, sizeof(name), "dstnat_%s", z->name);
			chain_open(w, name, NULL, NULL, NULL, NULL);
			put_redirects(w, c, z->name);
			chain_close(w);
		}
		if (x->z[i].snat) {
			fs_snprintf(name, sizeof(name), "srcnat_%s", z->name);
			chain_open(w, name, NULL, NULL, NULL, NULL);
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
			chain_close(w);
		}
	}
}

static void put_mssfix(struct fw4_ctx *x, const char *match, const char *dir)
{
	u32 i;

	for (i = 0; i < x->c->num_zones; i++) {
		if (!x->c->zone[i].mtu_fix || !x->z[i].ndev)
			continue;
		put(&x->w, "\t\t");
		put_devmatch(&x->w, match, &x->z[i]);
		put(&x->w, "tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu "
			   "comment \"!fw4: Zone ");
		put(&x->w, x->c->zone[i].name);
		put(&x->w, " IPv4/IPv6 ");
		put(&x->w, dir);
		put(&x->w, " MTU fixing\"\n");
	}
}

static void put_raw_mangle(struct fw4_ctx *x)
{
	struct w *w = &x->w;

	chain_open(w, "raw_prerouting", "filter", "prerouting", "raw", "accept");
	chain_close(w);
	chain_open(w, "raw_output", "filter", "output", "raw", "accept");
	chain_close(w);
	chain_open(w, "mangle_prerouting", "filter", "prerouting", "mangle", "accept");
	chain_close(w);
	chain_open(w, "mangle_postrouting", "filter", "postrouting", "mangle", "accept");
	put_mssfix(x, "oifname", "egress");
	chain_close(w);
	chain_open(w, "mangle_input", "filter", "input", "mangle", "accept");
	chain_close(w);
	chain_open(w, "mangle_output", "route", "output", "mangle", "accept");
	chain_close(w);
	chain_open(w, "mangle_forward", "filter", "forward", "mangle", "accept");
	put_mssfix(x, "iifname", "ingress");
	put(w, "\t}\n");
}

static void put_header(struct fw4_ctx *x)
{
	struct w *w = &x->w;
	u32 i;

	put(w, "table inet fw4\nflush table inet fw4\n\ntable inet fw4 {\n");
	if (x->off.num) {
		put(w, "\tflowtable ft {\n\t\thook ingress priority 0;\n\t\tdevices = { ");
		for (i = 0; i < x->off.num; i++) {
			if (i)
				put(w, ", ");
			putq(w, x->off.dev[i]);
		}
		put(w, " };\n\t\tcounter;\n");
		if (x->off.hw)
			put(w, "\t\tflags offload;\n");
		put(w, "\t}\n\n");
	}
	for (i = 0; i < FS_ARRAY_SIZE(helpers); i++) {
		put(w, "\tct helper ");
		put(w, helpers[i].name);
		put(w, " {\n\t\ttype ");
		putq(w, helpers[i].name);
		put(w, helpers[i].proto == FS_IPPROTO_TCP ? " protocol tcp;\n\t}\n\n" :
							    " protocol udp;\n\t}\n\n");
	}
}

int fw4_render(const struct fw4_config *c, const struct fw4_network *nets, u32 num_nets,
	       const struct fs_netconf *nc, bool (*hw_capable)(void *arg, const char *dev),
	       void *arg, char *buf, size_t size)
{
	struct fw4_ctx *x = fs_zalloc(sizeof(*x));
	u32 i;
	int len;

	if (!x)
		return -1;
	x->c = c;
	x->nets = nets;
	x->num_nets = num_nets;
	x->w.buf = buf;
	x->w.size = size;
	fw4_resolve_offload(c, nets, num_nets, nc, hw_capable, arg, &x->off);
	analyse(x);

	put_header(x);
	put_filter_chains(x);
	for (i = 0; i < c->num_zones; i++)
		put_zone_chains(x, i);
	put_nat_chains(x);
	put_raw_mangle(x);
	put(&x->w, "}\n");

	if (size)
		buf[x->w.len < size ? x->w.len : size - 1] = '\0';
	len = x->w.overflow || x->w.len >= size ? -1 : (int)x->w.len;
	fs_free(x);
	return len;
}
