// SPDX-License-Identifier: MIT
/*
 * fw4_config.c - what firewall4 assumes before it reads a UCI file: fw4.uc's
 * parse_defaults values (policies DROP, SYN-flood limit 25/s burst 50, auto_helper on)
 * and OpenWrt's shipped /etc/config/firewall (lan and wan zones, lan->wan forwarding
 * and the standard Allow-* rules), as struct fw4_config.  See spec linux-flowtable.md §6.
 *
 * Invariant: the zone and rule counts written here stay far below FW4_MAX_ZONES and
 * FW4_MAX_RULES, so add_zone()/add_rule() need no bounds check.
 */
#include "fw4_internal.h"

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
