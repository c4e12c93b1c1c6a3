/* SPDX-License-Identifier: MIT */
/*
 * sim_router.h - the router as a machine: the flow-offload core (struct router) inside a
 * model of the hardware it runs on.
 *
 *   wire -> port -> [PPE: bound entry -> hardware egress FIFO, no CPU, no qdisc]
 *                -> RX ring (finite; a full ring drops for free, in the NIC)
 *                -> RX interrupt (at once, or moderated: sim_router_set_port_irq_moderation)
 *                -> NAPI poll on the port's IRQ core: up to `budget` frames per poll,
 *                   mac80211 RX per Wi-Fi frame, GRO merges the TCP segments of up to 8
 *                   flows per poll (net/core/gro.c), RPS hands each packet (by flow hash)
 *                   to the backlog of the core that processes it
 *                -> the core pays the cycles router_cpu_receive() charges, in time, plus
 *                   the host's share (qdisc, software GSO: sim_cpu_params.host)
 *                -> egress qdisc of the transmit port (fq_codel, cake, pfifo, ...)
 *                -> link serialisation at line rate -> tx callback (the world delivers it)
 *
 * Receive livelock comes out of this on its own: every frame the CPU takes from a ring
 * costs its receive cycles, even if the ruleset or a full egress queue drops it later, and
 * frames that wait for a busy CPU overflow the rings - so legitimate traffic loses to a
 * flood in proportion to the flood's share of arrivals, long before the links are full.
 *
 * Time is the engine's.  All per-packet work is O(1) apart from the core's own lookups.
 */
#ifndef FLOWSIM_SIM_ROUTER_H
#define FLOWSIM_SIM_ROUTER_H

#include "engine.h"
#include "router.h"
#include "simpkt.h"

#define SIM_ROUTER_MAX_CORES 8
#define SIM_ROUTER_MAX_PORTS 16
#define SIM_ROUTER_MAX_FLOWS (1u << 22)   /* flows whose paths are counted (sim_pkt.flow) */

struct soc_host;

struct sim_cpu_params {
	u32 cores;              /* CPU cores (1..8) */
	u32 mhz;                /* clock */
	u32 napi_budget;        /* frames per NAPI poll (64) */
	u32 rx_ring;            /* RX descriptors per port (e.g. 256) */
	u32 backlog;            /* per-core RPS backlog (netdev_max_backlog, 1000) */
	u32 irq_cycles;         /* cost of one RX interrupt (NAPI schedule) */
	u32 rps_cycles;         /* IRQ core's cost to steer one packet to another core */
	u32 gro_segs;           /* max TCP segments GRO merges (0/1: GRO off) */
	u32 hw_fifo;            /* frames the hardware egress queue holds (PPE path) */
	u8 rps;                 /* spread processing over all cores by flow hash (every port
				 * without its own mask from sim_router_set_port_steering) */
	/*
	 * SMT: logical CPUs i and j with i / threads_per_core == j / threads_per_core share a
	 * core; while both are busy each runs at smt_throughput_pct / (100 * threads) of a
	 * lone thread's speed (0 or 1 thread: no sharing).
	 */
	u32 rps_seed;            /* the boot's flow-hash key (hashrnd, random per boot):
				  * which CPU RPS picks for a flow depends on it */
	u32 threads_per_core;
	u32 smt_throughput_pct;  /* a core's throughput with all threads busy, % of one */
	/*
	 * The SoC profile's host figures (soc_profile.h), copied at creation; NULL charges
	 * none of them.  With them the host pays what the core's cost table leaves to it:
	 * mac80211 RX per Wi-Fi frame, GRO merging, the egress qdisc (fq_codel per skb, a
	 * shaping cake per segment), software GSO where the transmit device cannot segment
	 * (Wi-Fi always, Ethernet without TSO), and Wi-Fi driver TX in the mt76 TX worker.
	 */
	const struct soc_host *host;
};

/* a frame left port `ifindex` at `now` (last bit on the wire); misdelivered: the hardware
 * sent it where the destination no longer is, the receiver must drop it */
typedef void (*sim_router_tx_fn)(void *ctx, u16 ifindex, struct sim_pkt *p, u64 now,
				 bool misdelivered);
/* a frame the router dropped (the pool gets it back after this returns) */
typedef void (*sim_router_drop_fn)(void *ctx, struct sim_pkt *p, u8 reason, u64 now);

struct sim_router;

struct sim_router *sim_router_create(struct engine *eng, struct router *core,
				     const struct sim_cpu_params *cpu, struct sim_pkt_pool *pool,
				     sim_router_tx_fn tx, sim_router_drop_fn drop, void *ctx);
void sim_router_destroy(struct sim_router *sr);

/* A port is the lowest device frames use (GMAC, DSA port, WLAN); q NULL = pfifo 1000. */
int sim_router_add_port(struct sim_router *sr, u16 ifindex, u64 rate_bps, u32 overhead,
			struct qdisc *q, u32 irq_core);

/*
 * Packet steering of a port (net/core/dev.c get_rps_cpu, the port's rx-0 rps_cpus):
 * its NAPI poll runs on napi_core and every skb leaving GRO goes to the CPU of rps_mask
 * its flow hash picks (map->cpus[reciprocal_scale(hash, map->len)]), through that CPU's
 * backlog (enqueue_to_backlog, process_backlog).  The NAPI core keeps the driver receive
 * and GRO work; the steered CPU pays the rest of the path, a poll of its backlog and the
 * transmit, except an Ethernet port's TX completion, which its own NAPI core pays.  rps_mask 0: no RPS.  Returns -1 for an unknown port.
 */
int sim_router_set_port_steering(struct sim_router *sr, u16 ifindex, u32 napi_core,
				 u32 rps_mask);

/*
 * Hardware RX interrupt moderation of a port (mtk_eth_soc's PDMA/QDMA delay interrupt,
 * MTK_PDMA_DELAY_INT / MTK_QDMA_DELAY_INT): with interrupts enabled, the first frame into
 * the ring starts a timer and the interrupt is raised when `frames` frames are pending or
 * `delay_ns` after that first frame, whichever comes first.  delay_ns 0: no moderation
 * (an interrupt per frame while interrupts are on).  dim: the driver runs net_dim on
 * every poll (mtk_poll_rx -> net_dim, mtk_dim_rx applies the profile it picks): the delay
 * starts at profile 0 of NET_DIM_RX_EQE_PROFILES and moves with the traffic; delay_ns and
 * frames are then the start values.  Returns -1 for an unknown port.
 */
int sim_router_set_port_irq_moderation(struct sim_router *sr, u16 ifindex, u64 delay_ns,
				       u32 frames, bool dim);
/* The port's current moderation delay (ns; 0: none, or an unknown port). */
u64 sim_router_port_irq_delay(const struct sim_router *sr, u16 ifindex);

/*
 * Whether frames received on a port reach GRO (default: yes, when the CPU parameters
 * enable GRO at all).  Off for a port whose receive path bypasses it, such as a DSA user
 * port before the kernel fed DSA frames to GRO (world.c).  Returns -1 for an unknown port.
 */
int sim_router_set_port_gro(struct sim_router *sr, u16 ifindex, bool gro);

/*
 * OpenWrt's packet steering (network.globals.packet_steering, applied by netifd's
 * /usr/libexec/network/packet-steering.uc): where each network device's NAPI runs and
 * which CPUs RPS steers its packets to.  A device is what the script groups netdevs by
 * (one platform/PCI device: the SoC's Ethernet with all its GMACs, one Wi-Fi chip).
 *   mode 0: nothing is moved (NAPI on CPU 0, no RPS);
 *   mode 1: a device with a NAPI thread gets it pinned to the least loaded CPU, then RPS
 *           to the least loaded CPU other than that one (one CPU);
 *   mode 2: the same NAPI pinning, RPS to all CPUs.
 * Ethernet devices are placed first, then an extra load is put on each Ethernet NAPI CPU
 * (the script's eth_bias), then the Wi-Fi devices.  Load weights are the script's: NAPI
 * 1.0, RPS 0.75, an SMT sibling gets 0.75 of what its thread gets, Ethernet bias 2.0;
 * among equally loaded CPUs the lowest numbered is taken.  Without a NAPI thread
 * (threaded = 0: kernels before 5.12, or drivers without dev_set_threaded) the poll stays
 * on the interrupt's CPU 0.
 */
struct sim_steer_dev {
	u8 threaded;                /* in: the driver runs NAPI in a kthread */
	u8 wlan;                    /* in: a Wi-Fi device (placed after Ethernet) */
	u32 napi_cpu;               /* out */
	u32 rps_mask;               /* out: 0 = no RPS */
};
void sim_router_steering_plan(u32 mode, u32 cpus, u32 threads_per_core,
			      struct sim_steer_dev *dev, u32 n);

/*
 * Ingress shaping of a port the way sqm-scripts sets it up: a tc ingress filter on the
 * port redirects every received skb (act_mirred "egress redirect dev ifb4<port>") to an
 * ifb device whose egress qdisc q shapes it; the ifb then hands it back to the stack as if
 * received on the port again (drivers/net/ifb.c ifb_ri_tasklet -> netif_receive_skb).
 * Where that sits on the receive path (net/core/dev.c __netif_receive_skb_core): after
 * GRO and RPS (sch_handle_ingress runs on the CPU that processes the skb), before the
 * netfilter ingress hook, so the software flowtable's packets are shaped too; frames the
 * PPE or WED forwards never reach the CPU and are not.  The router owns q (its drops come
 * back through the drop callback, reason SIM_DROP_INGRESS_QDISC).  Returns -1 for an
 * unknown port or a port that already has one.
 */
int sim_router_set_port_ingress(struct sim_router *sr, u16 ifindex, struct qdisc *q);
/* The ingress (ifb) qdisc of a port, or NULL. */
struct qdisc *sim_router_port_ingress_qdisc(struct sim_router *sr, u16 ifindex);

/* A frame has been fully received on port ifindex. */
void sim_router_rx(struct sim_router *sr, u16 ifindex, struct sim_pkt *p);

/* Drop reasons beyond enum router_drop_reason (for the drop callback). */
enum sim_router_drop {
	SIM_DROP_RX_RING = 100,     /* RX ring full: dropped by the NIC */
	SIM_DROP_BACKLOG,           /* RPS backlog full */
	SIM_DROP_QDISC,             /* egress qdisc drop (limit or AQM) */
	SIM_DROP_HW_FIFO,           /* hardware egress queue full */
	SIM_DROP_INGRESS_QDISC,     /* ingress (ifb) qdisc drop (limit or AQM) */
};

struct sim_router_stats {
	u64 rx_frames, rx_ring_drops, backlog_drops, qdisc_drops, hw_fifo_drops;
	u64 ingress_qdisc_drops;    /* packets the ingress (ifb) qdiscs dropped */
	u64 ifb_redirects;          /* skbs redirected to an ifb (a GRO aggregate counts once,
				     * or per segment where the ifb's cake splits it) */
	u64 gro_merged;             /* segments that joined an aggregate */
	u64 polls, irqs;
	u64 napi_repolls;           /* polls a NAPI made again before napi_complete because
				     * frames arrived while it worked (no interrupt) */
	u64 rps_steered;            /* skbs handed to another CPU's backlog */
	u64 backlog_polls;          /* polls of a CPU's RPS backlog (each pays irq_cycles) */
	u64 busy_ns[SIM_ROUTER_MAX_CORES];   /* time each core spent processing */
	u64 cycles[SIM_ROUTER_MAX_CORES];
	u64 path_packets[ROUTER_PATH__COUNT];
	u64 path_bytes[ROUTER_PATH__COUNT];
	u64 tx_frames, tx_bytes;
};
const struct sim_router_stats *sim_router_get_stats(const struct sim_router *sr);
/*
 * Packets of traffic flow `flow` (sim_pkt.flow, both directions) the router forwarded, per
 * path (enum router_path: slow, flowtable, PPE, WED), as path_packets counts them (a GRO
 * aggregate counts its segments).  Returns false if it forwarded none (out all zero).
 */
bool sim_router_flow_paths(const struct sim_router *sr, u32 flow, u64 out[ROUTER_PATH__COUNT]);

/* Qdisc of a port (for its statistics), or NULL. */
struct qdisc *sim_router_port_qdisc(struct sim_router *sr, u16 ifindex);

#endif
