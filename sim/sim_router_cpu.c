/* SPDX-License-Identifier: MIT */
/*
 * sim_router_cpu.c - which CPU of the router does the work and what it costs it: cycles
 * charged to a core as time (stretched while its SMT sibling is busy), RPS handing an skb
 * that leaves GRO to the CPU its flow hash picks, a port's NAPI/RPS placement and OpenWrt's
 * packet steering plan (netifd's packet-steering.uc).
 *
 * Invariants:
 *  - a core's busy_until only moves forward, and every cycle charged to it is also counted
 *    in its busy_ns/cycles statistics;
 *  - the CPU RPS picks depends only on the port's mask, the flow's (direction-independent)
 *    hash and the run's rps_seed: a flow's packets all go to one CPU, in order;
 *  - an skb steered to another CPU leaves its driver receive (sr_napi_share) charged to
 *    the polling CPU, and the target pays the rest (sr_process with steered set).
 */
#include "sim_router_internal.h"

static u64 cycles_to_ns(const struct sim_router *sr, u64 cycles)
{
	return (cycles * 1000 + sr->cpu.mhz - 1) / sr->cpu.mhz;
}

/*
 * SMT (MIPS MT VPEs): threads of one core share its pipeline; with all threads busy the
 * core does smt_throughput times one thread's work (the profile's figure), so a thread
 * runs at smt_throughput / threads of its lone speed while its sibling is busy.  A core
 * here runs its packets ahead in event time, so whether the sibling is busy at the same
 * instant is not known; the sibling's busy share over the last millisecond stands for the
 * chance that it is, and the work is stretched by that share of the slowdown.
 */
#define SR_SMT_WINDOW_NS 1000000ULL

static void smt_account(struct sr_core *c, u64 at, u64 ns)
{
	if (at >= c->win_start + SR_SMT_WINDOW_NS) {
		u64 span = at - c->win_start;

		c->util_pct = (u32)FS_MIN(100ULL, c->win_busy * 100 / (span ? span : 1));
		c->win_start = at;
		c->win_busy = 0;
	}
	c->win_busy += ns;
}

static u64 smt_stretch(const struct sim_router *sr, const struct sr_core *c, u64 ns)
{
	u32 t = sr->cpu.threads_per_core, first, i, util = 0;
	u64 slow;

	if (t < 2 || !sr->cpu.smt_throughput_pct || !ns)
		return ns;
	first = c->index / t * t;
	for (i = first; i < first + t && i < sr->cpu.cores; i++)
		if (i != c->index)
			util = FS_MAX(util, sr->cores[i].util_pct);
	/* extra time per ns with the sibling always busy, in 1/10000 */
	slow = (u64)t * 1000000 / sr->cpu.smt_throughput_pct - 10000;
	return ns + (ns * slow * util + 999999) / 1000000;
}

/* Core c works `cycles` for something that arrived at `start`, after what it is doing. */
void sr_core_charge(struct sim_router *sr, struct sr_core *c, u64 start, u64 cycles)
{
	u64 ns;

	if (c->busy_until < start)
		c->busy_until = start;
	ns = smt_stretch(sr, c, cycles_to_ns(sr, cycles));
	if (sr->cpu.threads_per_core > 1)
		smt_account(c, c->busy_until, ns);
	c->busy_until += ns;
	sr->st.busy_ns[c->index] += ns;
	sr->st.cycles[c->index] += cycles;
}

/* ------------------------------------------------------------------ RPS ---- */

/*
 * skb_get_hash for RPS: the flow dissector's symmetric hash keyed with hashrnd, a random
 * key drawn once per boot (net/core/flow_dissector.c __flow_hash_from_keys,
 * net_get_random_once): here the run's seed stands for the boot.
 */
static u32 rps_hash(const struct sim_router *sr, const struct fs_tuple *t)
{
	u32 x = sr_flow_hash(t) ^ sr->cpu.rps_seed;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/*
 * The CPU RPS picks for a flow hash from a mask (get_rps_cpu: the rps_map lists the
 * mask's CPUs in order and map->cpus[reciprocal_scale(hash, map->len)] is taken).
 */
static u32 rps_pick(u32 mask, u32 hash)
{
	u32 n = (u32)__builtin_popcount(mask), k, i;

	k = (u32)(((u64)hash * n) >> 32);
	for (i = 0; i < 32; i++)
		if (mask & (1u << i) && !k--)
			return i;
	return 0;
}

/* the CPUs RPS steers a port's skbs to (0: none) */
static u32 port_rps_mask(const struct sim_router *sr, const struct sr_port *pt)
{
	u32 mask = pt->rps_set ? pt->rps_mask :
		   sr->cpu.rps ? (1u << sr->cpu.cores) - 1 : 0;

	return mask & ((1u << sr->cpu.cores) - 1);
}

struct sr_core *sr_rx_core(struct sim_router *sr, const struct sr_port *pt,
			   const struct fs_tuple *t)
{
	u32 mask = port_rps_mask(sr, pt);

	if (mask)
		return &sr->cores[rps_pick(mask, rps_hash(sr, t))];
	return &sr->cores[pt->irq_core];
}

/* An skb leaving GRO: to the core RPS picks for its flow, or processed here. */
void sr_gro_deliver(struct sim_router *sr, struct sr_core *c, struct sr_port *pt,
		    struct sim_pkt *head, u32 segs, u64 now)
{
	struct sr_core *target = sr_rx_core(sr, pt, &head->hdr.t);

	if (target != c) {
		struct sim_pkt *s;
		u32 len = 0;

		for (s = head; s; s = s->next)
			len += s->hdr.len;
		/* the driver receive stays here; get_rps_cpu + enqueue_to_backlog */
		sr_core_charge(sr, c, now, sr_napi_share(sr, segs, FS_MIN(len, 65535u)) +
			       sr->cpu.rps_cycles);
		sr->st.rps_steered++;
		if (!sr_ring_push(&target->backlog, head)) {
			sr->st.backlog_drops += segs;
			sr_drop(sr, head, SIM_DROP_BACKLOG, c->busy_until);
			return;
		}
		sr_core_schedule(target, c->busy_until);
		return;
	}
	sr_process(sr, c, head, now, false);
}

int sim_router_set_port_steering(struct sim_router *sr, u16 ifindex, u32 napi_core,
				 u32 rps_mask)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	if (!pt)
		return -1;
	pt->irq_core = napi_core < sr->cpu.cores ? napi_core : 0;
	pt->rps_mask = rps_mask & ((1u << sr->cpu.cores) - 1);
	pt->rps_set = 1;
	return 0;
}

/* ------------------------------------------------------------ packet steering ---- */

/*
 * get_next_cpu of packet-steering.uc: the least loaded CPU (lowest number among equals),
 * skipping `prev` (-1: none) if it would be first; the CPU gets `weight` and each SMT
 * sibling (same core_id) 0.75 of it.  Loads in hundredths.
 */
static u32 steer_next_cpu(u32 *load, u32 cpus, u32 tpc, u32 weight, int prev)
{
	u32 best = 0, second = 0, i;
	bool have2 = false;

	for (i = 1; i < cpus; i++)
		if (load[i] < load[best])
			best = i;
	if ((int)best == prev && cpus > 1) {
		second = best == 0 ? 1 : 0;
		for (i = 0; i < cpus; i++)
			if (i != best && load[i] < load[second])
				second = i;
		have2 = true;
	}
	if (have2)
		best = second;
	load[best] += weight;
	if (tpc > 1)
		for (i = best / tpc * tpc; i < best / tpc * tpc + tpc && i < cpus; i++)
			if (i != best)
				load[i] += weight * 75 / 100;
	return best;
}

static void steer_place(struct sim_steer_dev *d, u32 mode, u32 *load, u32 cpus, u32 tpc)
{
	int napi = -1;

	d->napi_cpu = 0;
	if (d->threaded) {
		napi = (int)steer_next_cpu(load, cpus, tpc, 100, -1);
		d->napi_cpu = (u32)napi;
	}
	if (mode == 2)
		d->rps_mask = (1u << cpus) - 1;
	else
		d->rps_mask = 1u << steer_next_cpu(load, cpus, tpc, 75, napi);
}

void sim_router_steering_plan(u32 mode, u32 cpus, u32 threads_per_core,
			      struct sim_steer_dev *dev, u32 n)
{
	u32 load[SIM_ROUTER_MAX_CORES] = { 0 };
	u32 i, tpc = threads_per_core;

	if (cpus > SIM_ROUTER_MAX_CORES)
		cpus = SIM_ROUTER_MAX_CORES;
	for (i = 0; i < n; i++) {
		dev[i].napi_cpu = 0;
		dev[i].rps_mask = 0;
	}
	/* the script exits on one CPU; 0 leaves everything where the kernel put it */
	if (!mode || cpus < 2)
		return;
	for (i = 0; i < n; i++)
		if (!dev[i].wlan)
			steer_place(&dev[i], mode, load, cpus, tpc);
	/* eth_bias: keep other tasks off the CPUs with Ethernet NAPI */
	for (i = 0; i < n; i++)
		if (!dev[i].wlan && dev[i].threaded) {
			u32 c = dev[i].napi_cpu, j;

			load[c] += 200;
			if (tpc > 1)
				for (j = c / tpc * tpc; j < c / tpc * tpc + tpc && j < cpus; j++)
					if (j != c)
						load[j] += 150;
		}
	for (i = 0; i < n; i++)
		if (dev[i].wlan)
			steer_place(&dev[i], mode, load, cpus, tpc);
}
