/* SPDX-License-Identifier: MIT */
/* simpkt.c - the packet pool: slabs of packets recycled through a free list. */
#include <glib.h>
#include <string.h>

#include "simpkt.h"

#define SIM_PKT_SLAB 4096

struct sim_pkt_slab {
	struct sim_pkt_slab *next;
	struct sim_pkt pkts[SIM_PKT_SLAB];
};

void sim_pkt_pool_init(struct sim_pkt_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
}

void sim_pkt_pool_release(struct sim_pkt_pool *pool)
{
	struct sim_pkt_slab *s, *next;

	for (s = pool->slabs; s; s = next) {
		next = s->next;
		g_free(s);
	}
	memset(pool, 0, sizeof(*pool));
}

struct sim_pkt *sim_pkt_alloc(struct sim_pkt_pool *pool)
{
	struct sim_pkt *p;

	if (!pool->free) {
		struct sim_pkt_slab *s = g_new(struct sim_pkt_slab, 1);
		int i;

		s->next = pool->slabs;
		pool->slabs = s;
		/* thread the free list in address order so allocation order is stable */
		for (i = SIM_PKT_SLAB - 1; i >= 0; i--) {
			s->pkts[i].next = pool->free;
			pool->free = &s->pkts[i];
		}
		pool->allocated += SIM_PKT_SLAB;
	}
	p = pool->free;
	pool->free = p->next;
	memset(p, 0, sizeof(*p));
	p->q.data = p;
	pool->in_use++;
	return p;
}

void sim_pkt_free(struct sim_pkt_pool *pool, struct sim_pkt *p)
{
	p->next = pool->free;
	pool->free = p;
	pool->in_use--;
}
