/* SPDX-License-Identifier: MIT */
/*
 * replay.h - `flowsim run SCENARIO --replay CAPTURE`: a pcap/pcapng capture's packets
 * driven into the simulated router at their time stamps (docs/scenario.md, "replay").
 *
 * Loading (replay_load, before the world exists): the capture is read completely with
 * traces/pcap_reader (strict unless replay.tolerant), each decoded packet is given the
 * router port of the first replay.ports mapping whose prefix holds its source address,
 * and its simulated arrival time: replay.start + (its stamp - the stamp of the capture's
 * first record, whatever it holds).  A packet no mapping covers is counted as unmapped
 * (its source listed in the summary); a packet whose time is at or after the end of the
 * run is counted as after_end; a stamp earlier than the packet before it (tcpdump -i any interleaves interfaces) is
 * raised to that packet's time (counted as reordered), so the file order is kept.
 * Memory: one struct replay_rec (~100 bytes) per packet kept.
 *
 * Attaching (replay_attach, after world_create): every packet gets what a host on the
 * mapped port would give it - the L3 device (the port, its bridge, a VLAN/PPPoE device
 * stacked on them whose prefix holds the source, else the one with the default route), the
 * VLAN/PPPoE headers of that device stack (the capture's own tags are decoded through and
 * replaced), the router device's MAC as destination, the capture's source MAC when it has
 * one.  Sources on a connected prefix get a neighbour entry, as a warm ARP/ND cache would
 * have (with the capture's MAC, else a made-up one), unless the scenario already has one
 * (a host with that address); gateways of ports whose default route a source arrives
 * through get one too; so does a destination the capture never shows as a source, on the
 * port of the mapping that holds it (ARP would resolve it).  The router's own addresses
 * never become neighbours.  Then one engine event at a time injects the packets through
 * sim_router_rx() on the port: PPE, RX ring, NAPI, GRO, CPU cost, conntrack, the ruleset,
 * the flowtable - the same path as generated traffic, so every output works.
 *
 * Open loop: the capture already has both directions, so a forwarded packet is counted
 * (per transmit port) and freed, a dropped one counted; nothing reacts to it.  Traffic
 * generators of the scenario run alongside.
 *
 * Connections: as it is injected, each packet is given the connection its tuple (as the
 * core sees it arrive, before any NAT) belongs to, the way conntrack folds both
 * directions.  The core is asked first: a conntrack entry holding the tuple in either
 * direction (conntrack_find) names the connection by its original tuple and says the
 * direction - which is what folds a masqueraded connection's replies (addressed to the
 * router, as `tcpdump -i any` inside it records them) into it.  Without an entry (the
 * connection's first packet, untracked packets, an entry gone) a packet whose tuple is a
 * known connection's original tuple goes the original way (sim_pkt.side 0), one whose
 * tuple is its plain inverse (fs_tuple_invert) the reply way (side 1); any other tuple
 * starts a new connection with that original tuple.  So a reply to a masqueraded address
 * that arrives while the core has no entry for its connection (the first packet still
 * queued, or lost before conntrack) counts as a connection of its own, as the core also
 * sees a new connection in it.  Cost per replayed packet: one conntrack lookup and one
 * GHashTable lookup (two or three without an entry); transmit and drop index an array;
 * generated packets pay nothing.  Connection i's packets carry
 * sim_pkt.flow == REPLAY_FLOW_BASE + i, above the generated flows, so sim_router counts
 * their paths per connection (sim_router_flow_paths) and the world hands them back here
 * (replay_flow).  Per connection and direction the replay counts injected packets and
 * payload bytes and what became of them; results get one `flows` row per connection
 * (run_record_flows).
 * Limits: generated flows are numbered from 0 up, so a run that replays supports
 * REPLAY_FLOW_BASE = 262144 of them (a generated flow numbered higher would be taken for a
 * replayed connection); sim_router's per-flow path table, which grows by doubling, holds
 * up to 2 * (REPLAY_FLOW_BASE + connections) rows of 32 bytes (16 MiB and more) once a
 * replayed packet is forwarded - the base is the trade between the two.
 */
#ifndef FLOWSIM_REPLAY_H
#define FLOWSIM_REPLAY_H

#include "pcap_reader.h"
#include "sim_router.h"
#include "world.h"

/* sim_pkt.flow of replayed connection i: REPLAY_FLOW_BASE + i (below SIM_ROUTER_MAX_FLOWS,
 * so that the router counts its paths) */
#define REPLAY_FLOW_BASE (1u << 18)
#define REPLAY_MAX_CONNS (SIM_ROUTER_MAX_FLOWS - REPLAY_FLOW_BASE)
#define REPLAY_UNMAPPED_LIST 16      /* distinct unmapped sources listed */

struct replay_unmapped {
	u8 family;
	union fs_addr addr;
	u64 packets;
};

struct replay_stats {
	u64 records;                 /* capture records read */
	u64 decoded;                 /* IP packets decoded (not skipped by the reader) */
	u64 skipped[PCAP_SKIP__COUNT];
	u64 unmapped;                /* decoded, but no replay.ports prefix holds the source */
	u64 after_end;               /* at or after the end of the run */
	u64 reordered;               /* stamp raised to the previous packet's */
	u64 scheduled;               /* kept for injection */
	u64 injected;                /* handed to the router's port */
	u64 link_down;               /* arrived while the port's link was down (lost) */
	u64 forwarded;               /* left the router (fast, slow or hardware path) */
	u64 misdelivered;            /* sent by stale hardware state where nobody is */
	u64 local;                   /* for the router itself (input chain), consumed */
	u64 dropped;                 /* dropped by the router (ruleset, no route, queues...) */
	u64 neighbours;              /* neighbour entries added from the capture */
	u64 first_ts_ns;             /* capture stamp of sim time replay.start */
	u64 connections;             /* connections of the packets injected (or link_down) */
};

/* One replayed connection; [0] the original direction (its first packet's), [1] reply. */
struct replay_conn {
	struct fs_tuple t;           /* original tuple, as the core saw it arrive */
	u64 first_ns;                /* sim time of its first packet */
	u64 injected[2];             /* handed to the router's port */
	u64 injected_payload[2];     /* their L4 payload bytes */
	u64 forwarded[2];            /* left the router */
	u64 forwarded_payload[2];
	u64 misdelivered[2], local[2], dropped[2], link_down[2];
};

/* Whether sim_pkt.flow `flow` is a replayed connection's (cheap: one compare). */
static inline bool replay_flow(u32 flow)
{
	return flow - REPLAY_FLOW_BASE < REPLAY_MAX_CONNS;
}

struct replay;

/* Read and map the capture; NULL with errors in d ("CAPTURE: ..." or the scenario's). */
struct replay *replay_load(const struct scenario *s, const char *path, u64 duration_ns,
			   struct yu_diag *d);
/* Neighbours, encapsulation, the first injection event; -1 with an error in d. */
int replay_attach(struct replay *rp, struct world *w, struct yu_diag *d);
void replay_destroy(struct replay *rp);

const struct replay_stats *replay_get_stats(const struct replay *rp);
const char *replay_file(const struct replay *rp);
const char *replay_linktype(const struct replay *rp);
/* Packets forwarded out of scenario port i. */
u64 replay_forwarded_on(const struct replay *rp, u32 port);
/* The first distinct unmapped sources (up to REPLAY_UNMAPPED_LIST), in order of appearance. */
u32 replay_unmapped_count(const struct replay *rp);
const struct replay_unmapped *replay_unmapped_get(const struct replay *rp, u32 i);
/* Connections in order of their first packet (flow REPLAY_FLOW_BASE + i). */
u32 replay_conn_count(const struct replay *rp);
const struct replay_conn *replay_conn_get(const struct replay *rp, u32 i);

/* world_net.c: a replayed packet left scenario port `port` (-1: none) / was dropped. */
void replay_tx(struct replay *rp, int port, struct sim_pkt *p, bool misdelivered);
void replay_drop(struct replay *rp, struct sim_pkt *p, u8 reason);

#endif /* FLOWSIM_REPLAY_H */
