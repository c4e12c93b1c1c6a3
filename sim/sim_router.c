/* SPDX-License-Identifier: MIT */
/*
 * sim_router.c - the router machine around the flow-offload core (see sim_router.h for
 * the picture): creating and destroying it, its ports, and what it tells its owner
 * (statistics, a port's qdisc, the paths a traffic flow took).  The per-packet work lives
 * in sim_router_rx.c (way in, NAPI, GRO, the core's run), sim_router_cpu.c (CPU charging,
 * SMT, RPS, packet steering) and sim_router_tx.c (qdisc, hardware FIFO, links); their
 * shared state is in sim_router_internal.h.
 *
 * Invariants:
 *  - the CPU parameters are clamped once, at creation (1..SIM_ROUTER_MAX_CORES cores,
 *    nonzero clock, budget and ring sizes, GRO at most 64 segments), so no per-packet path
 *    checks them;
 *  - a port is added once per ifindex, owns its qdisc (a pfifo if none was given), its
 *    ingress (ifb) qdisc if it has one, and its rings; its qdisc's drops come back
 *    through sr_qdisc_dropped;
 *  - destroying the router frees what it allocated; packets still in flight belong to the
 *    pool, which the owner releases.
 */
#include <glib.h>

#include "sim_router_internal.h"

static void ring_init(struct sr_ring *r, u32 cap)
{
	r->slot = g_new0(struct sim_pkt *, cap ? cap : 1);
	r->cap = cap ? cap : 1;
	r->head = r->len = 0;
}

struct sim_router *sim_router_create(struct engine *eng, struct router *core,
				     const struct sim_cpu_params *cpu, struct sim_pkt_pool *pool,
				     sim_router_tx_fn tx, sim_router_drop_fn drop, void *ctx)
{
	struct sim_router *sr = g_new0(struct sim_router, 1);
	u32 i;

	sr->eng = eng;
	sr->core = core;
	sr->cpu = *cpu;
	if (sr->cpu.cores < 1)
		sr->cpu.cores = 1;
	if (sr->cpu.cores > SIM_ROUTER_MAX_CORES)
		sr->cpu.cores = SIM_ROUTER_MAX_CORES;
	if (!sr->cpu.mhz)
		sr->cpu.mhz = 1000;
	if (!sr->cpu.napi_budget)
		sr->cpu.napi_budget = 64;
	if (!sr->cpu.rx_ring)
		sr->cpu.rx_ring = 256;
	if (!sr->cpu.backlog)
		sr->cpu.backlog = 1000;
	if (!sr->cpu.hw_fifo)
		sr->cpu.hw_fifo = 1024;
	if (sr->cpu.gro_segs > 64)
		sr->cpu.gro_segs = 64;
	if (cpu->host)
		sr->host = *cpu->host;
	sr->cpu.host = NULL;        /* the copy above is what is used */
	sr->pool = pool;
	sr->tx = tx;
	sr->drop = drop;
	sr->ctx = ctx;
	for (i = 0; i < sr->cpu.cores; i++) {
		sr->cores[i].sr = sr;
		sr->cores[i].index = i;
		ring_init(&sr->cores[i].backlog, sr->cpu.backlog);
	}
	return sr;
}

void sim_router_destroy(struct sim_router *sr)
{
	u32 i;

	if (!sr)
		return;
	for (i = 0; i < SIM_ROUTER_MAX_PORTS; i++) {
		struct sr_port *pt = &sr->port[i];

		if (!pt->used)
			continue;
		/* packets still in flight belong to the pool, which the owner releases */
		if (pt->q)
			qdisc_destroy(pt->q, engine_now(sr->eng));
		if (pt->ifb_q)
			qdisc_destroy(pt->ifb_q, engine_now(sr->eng));
		g_free(pt->rx.slot);
		g_free(pt->hw.slot);
	}
	for (i = 0; i < sr->cpu.cores; i++)
		g_free(sr->cores[i].backlog.slot);
	g_free(sr->flow_path);
	g_free(sr);
}

int sim_router_add_port(struct sim_router *sr, u16 ifindex, u64 rate_bps, u32 overhead,
			struct qdisc *q, u32 irq_core)
{
	struct sr_port *pt = NULL;
	struct fs_netdev *dev;
	char err[128];
	u32 i;

	if (!ifindex || ifindex >= FS_NETDEV_MAX || sr->by_ifindex[ifindex])
		return -1;
	for (i = 0; i < SIM_ROUTER_MAX_PORTS && !pt; i++)
		if (!sr->port[i].used)
			pt = &sr->port[i];
	if (!pt)
		return -1;
	if (!q) {
		q = qdisc_create("pfifo", NULL, sr_qdisc_dropped, sr, err, sizeof(err));
		if (!q)
			return -1;
	} else {
		q->drop = sr_qdisc_dropped;
		q->drop_ctx = sr;
	}
	pt->used = 1;
	pt->sr = sr;
	pt->ifindex = ifindex;
	pt->rate_bps = rate_bps;
	pt->overhead = overhead;
	pt->q = q;
	pt->irq_core = irq_core < sr->cpu.cores ? irq_core : 0;
	dev = fs_netdev_get(router_netconf(sr->core), ifindex);
	pt->wlan = dev && dev->kind == FS_NETDEV_WLAN;
	ring_init(&pt->rx, sr->cpu.rx_ring);
	ring_init(&pt->hw, sr->cpu.hw_fifo);
	sr->by_ifindex[ifindex] = pt;
	return 0;
}

const struct sim_router_stats *sim_router_get_stats(const struct sim_router *sr)
{
	return &sr->st;
}

struct qdisc *sim_router_port_qdisc(struct sim_router *sr, u16 ifindex)
{
	struct sr_port *pt = ifindex < FS_NETDEV_MAX ? sr->by_ifindex[ifindex] : NULL;

	return pt ? pt->q : NULL;
}

bool sim_router_flow_paths(const struct sim_router *sr, u32 flow, u64 out[ROUTER_PATH__COUNT])
{
	u32 i;
	bool any = false;

	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		out[i] = flow < sr->n_flow_path ? sr->flow_path[flow][i] : 0;
		any |= out[i] != 0;
	}
	return any;
}
