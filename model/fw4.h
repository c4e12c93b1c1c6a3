/* SPDX-License-Identifier: MIT */
/*
 * fw4.h - OpenWrt firewall4's ruleset generator: UCI `config defaults`, zones, forwardings
 * and rules in, nft text out (spec linux-flowtable.md §6; firewall4's ruleset.uc/fw4.uc).
 *
 * The text is what `fw4 print` would emit for the parts that matter to forwarding and
 * offload: the flowtable `ft` (software or hardware device list), `flow offload @ft` as the
 * first rule of the forward chain, the ct state vmap, zone dispatch, masquerade, mtu_fix,
 * SYN-flood protection and the helper assignments.  Reading a real /etc/config/firewall is
 * the host's job (sim/uci.c); this file works on the parsed options only.
 */
#ifndef FS_FW4_H
#define FS_FW4_H

#include "netdev.h"

#define FW4_MAX_ZONES 16
#define FW4_MAX_NETS 8
#define FW4_MAX_FWD 32
#define FW4_MAX_RULES 64
#define FW4_NAME 32
#define FW4_MAX_ICMP 16
#define FW4_MAX_OFFLOAD_DEVS 32

enum fw4_policy { FW4_ACCEPT, FW4_REJECT, FW4_DROP };

struct fw4_defaults {
	u8 input, output, forward;     /* enum fw4_policy */
	u8 drop_invalid;
	u8 syn_flood;                  /* synflood_protect / syn_flood */
	u32 synflood_rate;             /* packets per second */
	u32 synflood_burst;
	u8 flow_offloading;
	u8 flow_offloading_hw;
	u8 auto_helper;
};

struct fw4_zone {
	char name[FW4_NAME];
	char network[FW4_MAX_NETS][FW4_NAME];
	u8 num_network;
	u8 input, output, forward;
	u8 masq;
	u8 masq6;
	u8 mtu_fix;
	u8 masq_allow_invalid;
	u8 auto_helper;                /* zone option; 0xff = inherit */
};

struct fw4_forwarding {
	char src[FW4_NAME];
	char dest[FW4_NAME];
};

/* A `config rule` (and `config redirect` for DNAT) reduced to what the engine evaluates. */
struct fw4_rule {
	char name[64];
	char src[FW4_NAME];            /* zone, "*" or empty */
	char dest[FW4_NAME];
	u8 family;                     /* 0 any, FS_AF_INET, FS_AF_INET6 */
	u8 proto_mask;                 /* bit 0 tcp, 1 udp, 2 icmp */
	u16 dest_port;                 /* 0 any */
	u16 dest_port_end;
	u8 target;                     /* enum fw4_policy (ACCEPT/REJECT/DROP) */
	u8 is_redirect;                /* config redirect: DNAT */
	union fs_addr dest_ip;         /* redirect target address */
	u16 redirect_port;             /* redirect target port */
	u16 src_dport;                 /* redirect: external port */
	/* Appended by the fw4 implementation (zero = not used): */
	u8 proto_other;                /* IP protocol number when proto_mask has FW4_PROTO_OTHER */
	u8 num_icmp_types;             /* icmp_type[] for IPv4 (ICMP) */
	u8 num_icmp6_types;            /* icmp6_type[] for IPv6 (ICMPv6) */
	u8 src_plen;                   /* src_ip/src_plen match; 0 = any */
	u8 dest_plen;                  /* config rule: dest_ip/dest_plen match; 0 = any */
	u8 icmp_type[FW4_MAX_ICMP];
	u8 icmp6_type[FW4_MAX_ICMP];
	union fs_addr src_ip;
	u32 limit;                     /* packets per second; 0 = no limit */
	u32 limit_burst;               /* 0 = nft's default */
};

/* fw4_rule.proto_mask bits */
#define FW4_PROTO_TCP 0x1
#define FW4_PROTO_UDP 0x2
#define FW4_PROTO_ICMP 0x4
#define FW4_PROTO_OTHER 0x8

struct fw4_config {
	struct fw4_defaults defaults;
	struct fw4_zone zone[FW4_MAX_ZONES];
	u32 num_zones;
	struct fw4_forwarding fwd[FW4_MAX_FWD];
	u32 num_fwd;
	struct fw4_rule rule[FW4_MAX_RULES];
	u32 num_rules;
};

/* A logical network of /etc/config/network: ifc.device and ifc.l3_device. */
struct fw4_network {
	char name[FW4_NAME];
	char device[FS_IFNAMSIZ];      /* e.g. br-lan, eth1, wan */
	char l3_device[FS_IFNAMSIZ];   /* e.g. pppoe-wan; empty = same as device */
};

/* fw4's parse_defaults/zone defaults: what an empty config section means. */
void fw4_config_defaults(struct fw4_config *c);
/* OpenWrt's shipped /etc/config/firewall (lan/wan zones, lan->wan forwarding). */
void fw4_config_openwrt_default(struct fw4_config *c);

/*
 * Render the fw4 ruleset.  nc resolves devices: in hardware mode bridges and VLANs are
 * replaced by their lower devices (resolve_hw_offload_devices); hw_capable says whether a
 * device accepts `flags offload` (fw4's `nft -c` probe) - if any listed device does not,
 * fw4 falls back to software offloading, as it does on a real router.
 * Returns the length written, or -1 if buf is too small.
 */
int fw4_render(const struct fw4_config *c, const struct fw4_network *nets, u32 num_nets,
	       const struct fs_netconf *nc, bool (*hw_capable)(void *arg, const char *dev),
	       void *arg, char *buf, size_t size);

/*
 * Added by the fw4 implementation: fw4's resolve_offload_devices() on its own, so hosts
 * can show what fw4_render() decided.  Fills *out with the flowtable's devices (sorted,
 * de-duplicated; num = 0: no flowtable is generated) and whether `flags offload` stays;
 * hw_fallback says that hardware offload was requested but a device failed the probe
 * ("Hardware flow offloading unavailable, falling back to software offloading").
 */
struct fw4_offload {
	char dev[FW4_MAX_OFFLOAD_DEVS][FS_IFNAMSIZ];
	u32 num;
	bool hw;
	bool hw_fallback;
};
void fw4_resolve_offload(const struct fw4_config *c, const struct fw4_network *nets,
			 u32 num_nets, const struct fs_netconf *nc,
			 bool (*hw_capable)(void *arg, const char *dev), void *arg,
			 struct fw4_offload *out);

#endif /* FS_FW4_H */
