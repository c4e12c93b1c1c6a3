/* SPDX-License-Identifier: MIT */
/*
 * cost.h - CPU cycles charged per packet, by path.
 *
 * The numbers come from a SoC profile (the YAML files in hw/soc), where each one names the
 * calibration measurement it was fitted to.  The core charges what the packet's path
 * touched: a slow-path packet pays receive, conntrack, every evaluated rule, NAT and
 * transmit; a flowtable packet pays receive, the fast path and transmit; a PPE packet pays
 * only the residual host cost.  Qdisc costs are charged by the host, which owns the queues.
 */
#ifndef FS_COST_H
#define FS_COST_H

#include "fs_port.h"

struct fs_cost_table {
	u32 rx_napi;          /* driver RX, IRQ/NAPI, skb alloc: every received packet */
	u32 rx_per_byte64;    /* per 64 bytes received (DMA, cache misses on headers+data) */
	u32 ip_forward;       /* ip_rcv + routing lookup + ip_forward: slow path base */
	u32 conntrack;        /* conntrack lookup and state update */
	u32 conntrack_new;    /* allocate and confirm a new conntrack entry */
	u32 nft_chain;        /* entering one base chain (hook dispatch) */
	u32 nft_rule;         /* evaluating one rule */
	u32 nat;              /* NAT mangling on the slow path (per packet of a NAT conn) */
	u32 flowtable;        /* flowtable hook: lookup, NAT, TTL, neigh xmit */
	u32 hw_residual;      /* host cost of a packet the PPE forwarded (usually 0) */
	u32 vlan;             /* VLAN tag pop or push in software */
	u32 pppoe;            /* PPPoE session decap or encap in software */
	u32 tx_eth;           /* Ethernet driver transmit */
	u32 tx_wifi;          /* Wi-Fi driver transmit (mac80211 + driver) */
	u32 tx_per_byte64;    /* per 64 bytes transmitted */
	u32 ipv6_extra;       /* IPv6 slow path surcharge (ip6_rcv, larger tuples) */
	u32 local_deliver;    /* delivering to a local socket (router's own services) */
};

#endif /* FS_COST_H */
