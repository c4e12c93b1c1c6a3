/* SPDX-License-Identifier: MIT */
/*
 * world_net.c - how frames move between hosts and the router (see world.h): the far-side
 * link of each Ethernet/DSA port, the Wi-Fi media, delivery to endpoints.
 *
 * Far-side link: a FIFO served at the port's rate, computed analytically - the frame's
 * departure is max(now, next_free) + its serialisation time, its arrival that plus the
 * propagation delay - so a frame costs one engine event.  The FIFO holds at most
 * WORLD_LINK_QUEUE_BYTES of backlog (the backlog is (next_free - now) at the line rate).
 *
 * Wi-Fi medium: real queues (aggregation depends on what is queued), one TXOP in flight.
 * While a TXOP's frames are delivered the medium stays busy, so the replies they trigger
 * (TCP ACKs) queue up and aggregate into the next TXOP, as they would on a real radio.
 *
 * Every frame ends in exactly one place: traffic_deliver(), sim_router_rx(), or the pool
 * (dropped, counted in world_stats).
 */
#include <string.h>

#include "replay.h"
#include "world.h"

struct medium_q {
	struct sim_pkt *head, *tail;
	u32 len;
};

struct world_medium {
	struct world *w;
	int radio;
	u64 phy_rate;             /* for frames of a station without its own rate */
	struct medium_q q[2];     /* 0: downlink (AP -> station), 1: uplink */
	u8 busy;
	u8 turn;
	struct sim_pkt *burst;    /* frames of the TXOP in flight */
	u8 burst_dir;
	u64 frames, txops, busy_ns;
};

/* ------------------------------------------------------------------ helpers ---- */

/* Ethernet bytes on the wire: frame + FCS (64 at least) + preamble and gap. */
static u32 eth_wire(const struct fs_packet *h)
{
	u32 frame = sim_pkt_l2_len(h) + h->len + 4;

	return (frame < 64 ? 64 : frame) + 20;
}

static u64 bits_ns(u64 bytes, u64 rate_bps)
{
	if (!rate_bps)
		return 0;
	return (bytes * 8 * FS_NSEC_PER_SEC + rate_bps - 1) / rate_bps;
}

/* The host that sent (dest false) or will receive (dest true) a packet, or NULL. */
static struct world_host *pkt_host(struct world *w, const struct sim_pkt *p, bool dest)
{
	u32 it = world_flow_item(w, p->flow);
	int side;

	if (it == ~0u)
		return NULL;
	side = dest ? !p->side : p->side;
	return &w->hosts[side ? w->items[it].server : w->items[it].client];
}

static struct world_medium *host_medium(const struct world_host *h)
{
	if (h->wp->kind != FS_NETDEV_WLAN)
		return NULL;
	return h->wp->medium ? h->wp->medium : h->wp->radio >= 0 ? h->own[h->wp->radio] : NULL;
}

static void drop_pkt(struct world *w, struct sim_pkt *p, u64 *counter)
{
	(*counter)++;
	sim_pkt_free(&w->pool, p);
}

static void lat_push(struct world_lat *l, u64 v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = g_renew(u64, l->v, l->cap);
	}
	l->v[l->n++] = v;
}

/* Is dst the address this host answers to (a p2p swarm's server: any peer address)? */
static bool addr_matches(struct world *w, u32 it, const struct world_host *h,
			 const struct fs_tuple *t, bool server)
{
	const struct scn_host *sh = &w->s->hosts[h->scn];
	const struct scn_traffic *tr = &w->s->traffic[w->items[it].scn];
	const union fs_addr *a = t->family == FS_AF_INET6 ? &sh->v6 : &sh->v4;

	if (fs_addr_equal(&t->dst, a))
		return true;
	return server && tr->type == SCN_P2P_SWARM && tr->peer_prefix.family == t->family &&
	       fs_addr_in_prefix(t->family, &t->dst, &tr->peer_prefix.addr,
				 tr->peer_prefix.plen);
}

/* The frame has reached its endpoint. */
static void deliver(struct world *w, struct sim_pkt *p)
{
	u32 it = world_flow_item(w, p->flow);
	struct world_host *h;
	struct world_item *item;
	u8 side = p->side & 1;

	if (it == ~0u) {
		drop_pkt(w, p, &w->st.misrouted);
		return;
	}
	item = &w->items[it];
	h = &w->hosts[side ? item->client : item->server];
	if (!addr_matches(w, it, h, &p->hdr.t, side == 0)) {
		drop_pkt(w, p, &w->st.misrouted);
		return;
	}
	item->rx_pkts[side]++;
	item->rx_bytes[side] += p->hdr.payload;
	if (item->latency)
		lat_push(&item->lat[side], engine_now(w->eng) - p->born);
	w->st.delivered++;
	traffic_deliver(w->traffic, p);
}

/* -------------------------------------------------------------- delay lines ---- */

static void link_arrive(struct world *w, struct world_port *wp, struct sim_pkt *p)
{
	if (!wp->up) {
		drop_pkt(w, p, &w->st.link_drops);
		return;
	}
	sim_router_rx(w->sr, wp->ifindex, p);
}

static void dline_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world_dline *dl = a.p;
	struct world *w = dl->w;
	u64 now = engine_now(eng);

	dl->armed = false;
	dl->running = true;
	while (dl->head && dl->head->q.enq_time <= now) {
		struct sim_pkt *p = dl->head;

		dl->head = p->next;
		if (!dl->head)
			dl->tail = NULL;
		p->next = NULL;
		if (dl->to_host)
			deliver(w, p);
		else
			link_arrive(w, &w->ports[p->q.priv], p);
	}
	dl->running = false;
	if (dl->head) {
		dl->armed = true;
		engine_schedule(eng, dl->head->q.enq_time, dline_ev, ENGINE_PTR(dl), ENGINE_NOARG);
	}
}

/*
 * Put a frame on a host's delay line, due at `due`; aux: the scenario port it arrives on
 * (towards the router).  Due times on one line only grow (constant delay per host); a
 * roam between ports of different delays could break that for the frames in flight, so a
 * frame never overtakes the one before it.
 */
static void dline_push(struct world_dline *dl, struct sim_pkt *p, u64 due, u32 aux)
{
	if (dl->tail && due < dl->tail->q.enq_time)
		due = dl->tail->q.enq_time;
	/* the qdisc fields are free while a frame propagates */
	p->q.enq_time = due;
	p->q.priv = aux;
	p->next = NULL;
	if (dl->tail)
		dl->tail->next = p;
	else
		dl->head = p;
	dl->tail = p;
	if (!dl->armed && !dl->running) {
		dl->armed = true;
		engine_schedule(dl->w->eng, dl->head->q.enq_time, dline_ev, ENGINE_PTR(dl),
				ENGINE_NOARG);
	}
}

void world_dline_init(struct world *w, struct world_host *h)
{
	h->dl[0].w = w;
	h->dl[1].w = w;
	h->dl[1].to_host = true;
	h->lq[0].h = h;
	h->lq[0].tcp = true;
	h->lq[1].h = h;
}

static void chain_free(struct world *w, struct sim_pkt *p)
{
	while (p) {
		struct sim_pkt *next = p->next;

		sim_pkt_free(&w->pool, p);
		p = next;
	}
}

void world_dline_release(struct world *w, struct world_host *h)
{
	int i;

	for (i = 0; i < 2; i++) {
		chain_free(w, h->dl[i].head);
		h->dl[i].head = h->dl[i].tail = NULL;
		chain_free(w, h->lq[i].head);
		h->lq[i].head = h->lq[i].tail = NULL;
	}
}

/* ------------------------------------------------------------ far-side link ---- */

static void link_start(struct world_port *wp);

static void link_done_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world_port *wp = a.p;

	wp->in.busy = false;
	link_start(wp);
}

static void round_append(struct world_link *l, struct world_lq *q)
{
	q->next = NULL;
	if (l->active_tail)
		l->active_tail->next = q;
	else
		l->active_head = q;
	l->active_tail = q;
}

/*
 * Start the next burst: deficit round robin over the port's queues.  The queue at the head
 * of the round gets a quantum when its turn begins and sends while its credit covers its
 * next frame, then goes to the back of the round keeping what is left; a queue alone on
 * the link keeps its turn for up to WORLD_LINK_BURST frames.  Every frame fits in two
 * quanta, so finding the sender ends within two passes over the queues.  The frames go
 * onto the host's delay line at once, due when their last bit has crossed the link.
 */
static void link_start(struct world_port *wp)
{
	struct world_link *l = &wp->in;
	struct world *w = wp->w;
	struct world_lq *q;
	u64 t = engine_now(w->eng), wire;
	u32 n = 0;

	if (l->busy || !l->active_head)
		return;
	for (;;) {
		q = l->active_head;
		if (!q->turn) {
			q->turn = true;
			q->deficit += WORLD_DRR_QUANTUM;
		}
		if (q->deficit >= eth_wire(&q->head->hdr))
			break;
		q->turn = false;
		if (q->next) {
			l->active_head = q->next;
			round_append(l, q);
		}
	}
	for (;;) {
		struct sim_pkt *p = q->head;

		wire = eth_wire(&p->hdr);
		q->head = p->next;
		p->next = NULL;
		q->bytes -= wire;
		q->deficit -= (u32)wire;
		t += bits_ns(wire, l->rate_bps);
		l->frames++;
		l->bytes += wire;
		n++;
		dline_push(&q->h->dl[0], p, t + l->delay_ns + q->h->far_delay, (u32)wp->scn);
		if (!q->head) {
			/* empty: out of the round, credit forfeited */
			q->tail = NULL;
			q->active = false;
			q->turn = false;
			q->deficit = 0;
			l->active_head = q->next;
			if (!l->active_head)
				l->active_tail = NULL;
			q->next = NULL;
			break;
		}
		if (q->deficit >= eth_wire(&q->head->hdr))
			continue;
		if (!q->next && n < WORLD_LINK_BURST) {
			q->deficit += WORLD_DRR_QUANTUM;   /* alone: the turn goes on */
			continue;
		}
		q->turn = false;
		if (q->next) {
			l->active_head = q->next;
			round_append(l, q);
		}
		break;
	}
	l->busy = true;
	engine_schedule(w->eng, t, link_done_ev, ENGINE_PTR(wp), ENGINE_NOARG);
}

static void link_send(struct world *w, struct world_host *h, struct sim_pkt *p)
{
	struct world_port *wp = h->wp;
	struct world_link *l = &wp->in;
	struct world_lq *q = &h->lq[p->hdr.t.proto == FS_IPPROTO_TCP ? 0 : 1];
	u64 wire = eth_wire(&p->hdr);

	if (!wp->up || (!q->tcp && q->bytes + wire > WORLD_LINK_QUEUE_BYTES)) {
		drop_pkt(w, p, &l->drops);
		w->st.link_drops++;
		return;
	}
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->bytes += wire;
	if (!q->active) {
		q->active = true;
		round_append(l, q);
	}
	link_start(wp);
}

/* ------------------------------------------------------------------- medium ---- */

struct world_medium *world_medium_create(struct world *w, int radio, u64 phy_rate)
{
	struct world_medium *m = g_new0(struct world_medium, 1);

	m->w = w;
	m->radio = radio;
	m->phy_rate = phy_rate;
	return m;
}

static void mq_free(struct world *w, struct sim_pkt *p)
{
	while (p) {
		struct sim_pkt *next = p->next;

		sim_pkt_free(&w->pool, p);
		p = next;
	}
}

void world_medium_destroy(struct world_medium *m)
{
	if (!m)
		return;
	mq_free(m->w, m->q[0].head);
	mq_free(m->w, m->q[1].head);
	mq_free(m->w, m->burst);
	g_free(m);
}

u64 world_medium_queued(const struct world_medium *m)
{
	return m ? m->q[0].len + m->q[1].len : 0;
}

static void medium_done_ev(struct engine *eng, engine_arg a, engine_arg b);

/* Start the next TXOP: up to WORLD_AMPDU_MAX head frames of one station, one direction. */
static void medium_kick(struct world_medium *m)
{
	struct world *w = m->w;
	struct medium_q *q;
	struct world_host *sta = NULL;
	struct sim_pkt *tail = NULL;
	u64 bits = 0, rate;
	u32 n = 0;
	u8 dir;

	if (m->busy)
		return;
	dir = m->q[m->turn].len ? m->turn : (u8)!m->turn;
	q = &m->q[dir];
	if (!q->len)
		return;
	m->turn = (u8)!dir;      /* contention: the other side gets the next chance */
	m->burst = q->head;
	m->burst_dir = dir;
	while (q->head && n < WORLD_AMPDU_MAX) {
		struct sim_pkt *p = q->head;
		struct world_host *h = pkt_host(w, p, dir == 0);

		if (n && h != sta)
			break;
		sta = h;
		q->head = p->next;
		q->len--;
		tail = p;
		bits += (u64)(sim_pkt_l2_len(&p->hdr) + p->hdr.len + WORLD_MPDU_OVERHEAD) * 8;
		n++;
	}
	if (!q->head)
		q->tail = NULL;
	tail->next = NULL;
	rate = sta && sta->phy_rate ? sta->phy_rate : m->phy_rate;
	m->busy = 1;
	m->frames += n;
	m->txops++;
	w->st.medium_frames += n;
	w->st.txops++;
	{
		u64 air = WORLD_TXOP_OVERHEAD_NS + (rate ? (bits * FS_NSEC_PER_SEC + rate - 1) / rate : 0);

		m->busy_ns += air;
		engine_schedule(w->eng, engine_now(w->eng) + air, medium_done_ev, ENGINE_PTR(m),
				ENGINE_NOARG);
	}
}

static void medium_done_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world_medium *m = a.p;
	struct world *w = m->w;
	struct sim_pkt *p = m->burst;
	u8 dir = m->burst_dir;

	m->burst = NULL;
	/* still busy while delivering: replies wait for the next TXOP and aggregate */
	while (p) {
		struct sim_pkt *next = p->next;
		struct world_host *h = pkt_host(w, p, dir == 0);

		p->next = NULL;
		if (!h || host_medium(h) != m || !h->wp->up)
			drop_pkt(w, p, &w->st.misdelivered);
		else if (dir == 0)
			deliver(w, p);
		else
			sim_router_rx(w->sr, h->wp->ifindex, p);
		p = next;
	}
	m->busy = 0;
	medium_kick(m);
}

static void medium_enqueue(struct world_medium *m, struct sim_pkt *p, u8 dir)
{
	struct medium_q *q = &m->q[dir];

	if (q->len >= WORLD_MEDIUM_QUEUE) {
		drop_pkt(m->w, p, &m->w->st.medium_drops);
		return;
	}
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
	medium_kick(m);
}

/* -------------------------------------------------------- hosts and router ---- */

void world_host_xmit(void *ctx, struct sim_pkt *p)
{
	struct world *w = ctx;
	struct world_host *h = pkt_host(w, p, false);
	const struct world_attach *a;
	struct world_medium *m;

	w->st.host_frames++;
	if (!h) {
		drop_pkt(w, p, &w->st.misrouted);
		return;
	}
	a = &h->att[p->hdr.t.family == FS_AF_INET6 ? 1 : 0];
	if (!a->ok) {
		drop_pkt(w, p, &w->st.misrouted);
		return;
	}
	p->hdr.num_encap = a->num_encap;
	memcpy(p->hdr.encap, a->encap, sizeof(p->hdr.encap));
	memcpy(p->hdr.src_mac, a->src_mac, 6);
	memcpy(p->hdr.dst_mac, a->dst_mac, 6);
	m = host_medium(h);
	if (m) {
		if (!h->wp->up) {
			drop_pkt(w, p, &w->st.link_drops);
			return;
		}
		medium_enqueue(m, p, 1);
		return;
	}
	link_send(w, h, p);
}

void world_router_tx(void *ctx, u16 ifindex, struct sim_pkt *p, u64 now, bool misdelivered)
{
	struct world *w = ctx;
	struct world_port *wp = ifindex < FS_NETDEV_MAX ? w->port_of[ifindex] : NULL;
	struct world_host *h;
	struct world_medium *m;

	world_router_timer_check(w);
	if (replay_flow(p->flow) && w->replay) {
		replay_tx(w->replay, wp ? wp->scn : -1, p, misdelivered);
		return;
	}
	if (misdelivered || !wp) {
		drop_pkt(w, p, &w->st.misdelivered);
		return;
	}
	if (!wp->up) {
		drop_pkt(w, p, &w->st.link_drops);
		return;
	}
	h = pkt_host(w, p, true);
	if (!h || h->wp != wp) {
		/* the destination is not behind this port (any more) */
		drop_pkt(w, p, &w->st.misdelivered);
		return;
	}
	m = host_medium(h);
	if (m) {
		medium_enqueue(m, p, 0);
		return;
	}
	dline_push(&h->dl[1], p, now + wp->in.delay_ns + h->far_delay, 0);
}

void world_router_drop(void *ctx, struct sim_pkt *p, u8 reason, u64 now)
{
	struct world *w = ctx;

	if (reason < FS_ARRAY_SIZE(w->st.router_drops))
		w->st.router_drops[reason]++;
	if (replay_flow(p->flow) && w->replay)
		replay_drop(w->replay, p, reason);
	world_router_timer_check(w);
}
