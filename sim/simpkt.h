/* SPDX-License-Identifier: MIT */
/*
 * simpkt.h - a packet in the simulated world.
 *
 * The router core works on struct fs_packet (headers as metadata); the rest of the world
 * needs a little more: where the packet belongs (flow), when its application created it
 * (latency), its size on the wire, and linkage for the egress queues (struct qdisc_pkt,
 * whose data pointer points back at the sim_pkt).  Packets come from a pool and go back to
 * it when delivered or dropped; nothing else allocates packets.
 */
#ifndef FLOWSIM_SIMPKT_H
#define FLOWSIM_SIMPKT_H

#include "packet.h"
#include "qdisc.h"

struct sim_pkt {
	struct fs_packet hdr;     /* what the router core sees and rewrites */
	struct qdisc_pkt q;       /* egress queue linkage; q.data == this packet */
	struct sim_pkt *next;     /* owned by whoever holds the packet (pool, ring, link) */
	u64 born;                 /* ns when the sending application created it */
	u32 flow;                 /* traffic flow id (index into the run's flow table) */
	u32 wire;                 /* bytes on the wire: L2 frame + preamble/IFG (Ethernet 20) */
	u8 side;                  /* 0: sent by the flow's client, 1: by its server */
	u8 flags;                 /* SIM_PKT_* */
	u8 pad[2];
	/* TCP options struct fs_packet has no field for (written and read only by sim/tcp*.c;
	 * zero in every other packet) */
	u8 tcp_sack_perm;         /* SYN / SYN-ACK: the SACK-permitted option (RFC 2018) */
	u8 tcp_nsack;             /* SACK blocks carried, 0..SIM_PKT_MAX_SACK */
	u32 tcp_sack[4][2];       /* [start, end) wire sequence numbers, most recent first */
};

#define SIM_PKT_MAX_SACK 4        /* TCP_NUM_SACKS: 4 blocks fit without timestamps */

/* sim_pkt.flags */
#define SIM_PKT_MISDELIVERED 0x01 /* hardware sent it to a port the destination left */
#define SIM_PKT_IFB 0x02          /* came back from its port's ifb: ingress shaping is done */

struct sim_pkt_slab;

struct sim_pkt_pool {
	struct sim_pkt *free;
	struct sim_pkt_slab *slabs;
	u64 allocated;            /* packets ever created (pool growth) */
	u64 in_use;
};

void sim_pkt_pool_init(struct sim_pkt_pool *pool);
void sim_pkt_pool_release(struct sim_pkt_pool *pool);
/* A zeroed packet (q.data set); aborts on out-of-memory. */
struct sim_pkt *sim_pkt_alloc(struct sim_pkt_pool *pool);
void sim_pkt_free(struct sim_pkt_pool *pool, struct sim_pkt *p);

/* Bytes of link-layer header in front of h's L3 packet at a device: Ethernet 14, each
 * 802.1Q tag 4, a PPPoE session header (+ PPP protocol) 8; no FCS. */
static inline u32 sim_pkt_l2_len(const struct fs_packet *h)
{
	u32 n = 14, i;

	for (i = 0; i < h->num_encap; i++)
		n += h->encap[i].proto == FS_ETH_P_PPP_SES ? 8 : 4;
	return n;
}

#endif
