/* SPDX-License-Identifier: MIT */
/*
 * packet.h - what the core knows about one packet.
 *
 * The core never sees payload bytes; a packet is its headers' contents as metadata.  Hosts
 * fill a struct fs_packet from a simulated packet, a pcap record or a real skb; the core
 * rewrites it in place on NAT, TTL decrement, DSCP marking and encapsulation changes, so
 * after router_receive() it describes the packet as transmitted.
 */
#ifndef FS_PACKET_H
#define FS_PACKET_H

#include "tuple.h"

/* TCP flag bits as on the wire. */
#define FS_TCP_FIN 0x01
#define FS_TCP_SYN 0x02
#define FS_TCP_RST 0x04
#define FS_TCP_PSH 0x08
#define FS_TCP_ACK 0x10

/* fs_packet.flags */
#define FS_PKT_FRAG     0x01 /* IPv4 MF set or fragment offset != 0 */
#define FS_PKT_IPOPT    0x02 /* IPv4 options (ihl != 5) or IPv6 extension headers */
#define FS_PKT_SECPATH  0x04 /* decrypted by IPsec on this host */
#define FS_PKT_DF       0x08 /* IPv4 don't-fragment */
#define FS_PKT_GSO      0x10 /* a GRO/GSO aggregate of gso_segs segments */

#define FS_ENCAP_MAX 2
#define FS_ETH_P_8021Q 0x8100
#define FS_ETH_P_PPP_SES 0x8864

struct fs_encap {
	u16 id;      /* VLAN id or PPPoE session id */
	u16 proto;   /* FS_ETH_P_8021Q or FS_ETH_P_PPP_SES */
};

struct fs_packet {
	struct fs_tuple t;    /* addresses, ports/ICMP ids, family, protocol */
	u32 mark;             /* skb->mark */
	u32 seq;              /* TCP sequence number */
	u32 ack;              /* TCP acknowledgement number */
	u16 win;              /* TCP window field (unscaled) */
	u16 payload;          /* L4 payload bytes (TCP data length) */
	u16 len;              /* L3 length: IP header + L4 header + payload */
	u16 gso_segs;         /* segments when FS_PKT_GSO, else 0 or 1 */
	u16 iif;              /* ifindex of the device the frame arrived on */
	u8 tcp_flags;
	u8 ttl;               /* IPv4 TTL or IPv6 hop limit */
	u8 dscp;              /* DSCP (6 bits) */
	u8 flags;             /* FS_PKT_* */
	u8 wscale;            /* TCP window-scale option on SYN/SYN-ACK, 0xff if absent */
	u8 num_encap;         /* tags/headers in front of IP on the wire, outermost first */
	struct fs_encap encap[FS_ENCAP_MAX];
	u8 src_mac[6];
	u8 dst_mac[6];
};

/* L3 length of one wire packet (for a GSO aggregate, of one segment). */
static inline u32 fs_packet_segments(const struct fs_packet *p)
{
	return (p->flags & FS_PKT_GSO) && p->gso_segs > 1 ? p->gso_segs : 1;
}

#endif /* FS_PACKET_H */
