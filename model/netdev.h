/* SPDX-License-Identifier: MIT */
/*
 * netdev.h - the router's network configuration as the core sees it: devices and how they
 * stack, local addresses, neighbours (with the bridge port or station behind them), routes.
 *
 * This is the part of the kernel's state that the flowtable reads when it builds a flow
 * (nft_flow_route, dev_fill_forward_path) and that decides where a packet goes.  Hosts build
 * it once (simulator: from the scenario; kernel shim: mirrored from the real netdevs) and
 * change it through these functions when something moves (a station roams, a link goes down).
 *
 * Device stacking follows the kernel: an upper device names its lower device (VLAN, PPPoE,
 * DSA user port -> conduit), a bridge port names its master.  The "lowest" device of a path
 * is where frames really enter and leave.
 */
#ifndef FS_NETDEV_H
#define FS_NETDEV_H

#include "tuple.h"

#define FS_IFNAMSIZ 16
#define FS_NETDEV_MAX 64
#define FS_ROUTE_MAX 128
#define FS_IFADDR_MAX 64

enum fs_netdev_kind {
	FS_NETDEV_ETHER,    /* a MAC of the SoC (GMAC) or any plain Ethernet NIC */
	FS_NETDEV_DSA,      /* DSA user port (lan1, wan): lower = conduit device */
	FS_NETDEV_VLAN,     /* 802.1Q upper device: lower = parent, vlan_id */
	FS_NETDEV_PPPOE,    /* PPPoE session (pppoe-wan): lower = Ethernet device */
	FS_NETDEV_BRIDGE,   /* bridge (br-lan): ports have master = this */
	FS_NETDEV_WLAN,     /* Wi-Fi interface: a band of a radio */
	FS_NETDEV_LOOPBACK,
	FS_NETDEV_TUNNEL,   /* IP tunnel / WireGuard: never a flowtable fast path here */
};

struct fs_netdev {
	char name[FS_IFNAMSIZ];
	u16 ifindex;        /* 0 = unused slot */
	u16 lower;          /* VLAN/PPPoE/DSA: lower device */
	u16 master;         /* bridge port: the bridge */
	u16 mtu;
	u8 kind;            /* enum fs_netdev_kind */
	u8 up;
	u16 vlan_id;        /* VLAN */
	u16 pppoe_sid;      /* PPPoE session id */
	u8 mac[6];
	u8 peer_mac[6];     /* PPPoE: the access concentrator's MAC */
	u8 gmac;            /* ETHER: SoC MAC id (GMAC0..2) that selects the PPE; 0xff: none */
	u8 dsa_port;        /* DSA: switch port number */
	u8 wlan_band;       /* WLAN: 0 = 2.4 GHz, 1 = 5 GHz, 2 = 6 GHz */
	u8 wlan_radio;      /* WLAN: radio (PCIe device / WMAC) index */
	u8 wlan_bss;        /* WLAN: BSS (vif) index */
	u8 wlan_wed;        /* WLAN: a WED instance serves this radio (driver wed_enable) */
};

struct fs_ifaddr {
	u16 ifindex;
	u8 family;
	u8 plen;
	union fs_addr addr;
};

struct fs_neigh {
	union fs_addr addr;
	u16 ifindex;        /* L3 device the neighbour is reached through */
	u16 port;           /* lowest device its MAC sits behind (bridge FDB, DSA port, WLAN) */
	u16 wcid;           /* Wi-Fi station index when behind a WLAN device */
	u8 family;
	u8 valid;           /* NUD_VALID */
	u8 mac[6];
};

struct fs_route {
	union fs_addr prefix;
	union fs_addr gateway;  /* zero: directly connected */
	u16 oif;
	u8 family;
	u8 plen;
	u32 mark;               /* policy routing: 0 matches any mark */
};

struct fs_netconf {
	struct fs_netdev dev[FS_NETDEV_MAX];   /* indexed by ifindex */
	struct fs_ifaddr addr[FS_IFADDR_MAX];
	u32 num_addr;
	struct fs_route route[FS_ROUTE_MAX];
	u32 num_route;
	struct fs_neigh *neigh;
	u32 num_neigh;
	u32 neigh_cap;
	u32 *neigh_index;       /* open addressing over neigh[], keyed by family+address */
	u32 neigh_index_mask;
};

void fs_netconf_init(struct fs_netconf *nc);
void fs_netconf_release(struct fs_netconf *nc);

/* Returns the new ifindex (1..FS_NETDEV_MAX-1), or -1 if the table is full or the name taken. */
int fs_netdev_add(struct fs_netconf *nc, const struct fs_netdev *tmpl);
struct fs_netdev *fs_netdev_get(struct fs_netconf *nc, u16 ifindex);
const struct fs_netdev *fs_netdev_by_name(const struct fs_netconf *nc, const char *name);
/* The device at the bottom of the stack (follows lower links; bridges have no single one). */
u16 fs_netdev_lowest(const struct fs_netconf *nc, u16 ifindex);

int fs_ifaddr_add(struct fs_netconf *nc, u16 ifindex, u8 family,
		  const union fs_addr *addr, u8 plen);
/* The first address of the family on the device (masquerade's source choice), or NULL. */
const struct fs_ifaddr *fs_ifaddr_first(const struct fs_netconf *nc, u16 ifindex, u8 family);
bool fs_addr_is_local(const struct fs_netconf *nc, u8 family, const union fs_addr *a);

int fs_route_add(struct fs_netconf *nc, const struct fs_route *rt);
/* Longest-prefix match honouring the mark; NULL = no route. */
const struct fs_route *fs_route_lookup(const struct fs_netconf *nc, u8 family,
				       const union fs_addr *dst, u32 mark);

/* Insert or update (roam, re-learn) a neighbour; returns 0 or -1 on allocation failure. */
int fs_neigh_update(struct fs_netconf *nc, const struct fs_neigh *n);
struct fs_neigh *fs_neigh_lookup(const struct fs_netconf *nc, u16 ifindex, u8 family,
				 const union fs_addr *addr);
/* By address alone, whatever device it is on now (addresses are unique per router). */
struct fs_neigh *fs_neigh_find(const struct fs_netconf *nc, u8 family, const union fs_addr *addr);

#endif /* FS_NETDEV_H */
