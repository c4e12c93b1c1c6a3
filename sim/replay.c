/* SPDX-License-Identifier: MIT */
/*
 * replay.c - a capture's packets injected into the simulated router at their times (see
 * replay.h for the rules: mapping, times, neighbours, open loop).
 *
 * Invariants: recs[] is sorted by time (stamps are raised, never lowered, in file order);
 * at most one injection event is pending; every injected packet ends in exactly one of
 * forwarded, misdelivered, local, dropped (or is still queued when the run ends), in the
 * totals and in its connection's counts alike; every kept record's conn indexes conns[].
 */
#include <string.h>

#include "replay.h"

struct replay_rec {
	u64 t;                       /* sim time of arrival */
	struct fs_packet hdr;        /* decoded headers; src_mac valid if has_src_mac */
	u16 map;                     /* replay.ports index */
	u8 has_src_mac;
};

struct replay {
	const struct scenario *s;
	struct world *w;
	char *file;
	char *linktype;
	GArray *recs;                /* struct replay_rec */
	u32 next;                    /* next record to inject */
	struct replay_stats st;
	u64 *fwd_port;               /* per scenario port */
	GArray *conns;               /* struct replay_conn, flow REPLAY_FLOW_BASE + index */
	GHashTable *conn_by_tuple;   /* original tuple (owned copy) -> index + 1 */
	struct replay_conn scratch;  /* see pkt_conn */
	struct replay_unmapped unm[REPLAY_UNMAPPED_LIST];
	u32 n_unm;
};

/* -------------------------------------------------------------------- load ---- */

static int map_of(const struct scenario *s, const struct fs_packet *h)
{
	u32 i;

	for (i = 0; i < s->replay.n_maps; i++) {
		const struct scn_replay_map *m = &s->replay.maps[i];

		if (m->from.family == h->t.family &&
		    fs_addr_in_prefix(h->t.family, &h->t.src, &m->from.addr, m->from.plen))
			return (int)i;
	}
	return -1;
}

static void note_unmapped(struct replay *rp, const struct fs_packet *h)
{
	u32 i;

	rp->st.unmapped++;
	for (i = 0; i < rp->n_unm; i++)
		if (rp->unm[i].family == h->t.family && fs_addr_equal(&rp->unm[i].addr, &h->t.src)) {
			rp->unm[i].packets++;
			return;
		}
	if (rp->n_unm == REPLAY_UNMAPPED_LIST)
		return;
	rp->unm[rp->n_unm].family = h->t.family;
	rp->unm[rp->n_unm].addr = h->t.src;
	rp->unm[rp->n_unm].packets = 1;
	rp->n_unm++;
}

/* ------------------------------------------------------------- connections ---- */

static guint tuple_hash(gconstpointer k)
{
	return fs_tuple_hash(k, 0);
}

static gboolean tuple_eq(gconstpointer a, gconstpointer b)
{
	return fs_tuple_equal(a, b);
}

/* A tuple as the core's conntrack keys it (model/conntrack_core.c conntrack_in, as
 * nf_conntrack_core.c resolve_normal_ct): pad cleared, no ports for protocols without. */
static void ct_key(struct fs_tuple *k, const struct fs_tuple *t)
{
	*k = *t;
	k->pad = 0;
	if (k->proto != FS_IPPROTO_TCP && k->proto != FS_IPPROTO_UDP &&
	    k->proto != FS_IPPROTO_ICMP && k->proto != FS_IPPROTO_ICMPV6)
		k->sport = k->dport = 0;
}

/*
 * Every new connection is keyed by a tuple some kept packet carries, so the distinct
 * tuples bound the connections: only a capture with more packets than REPLAY_MAX_CONNS
 * needs counting them.
 */
static bool too_many_tuples(const struct replay *rp)
{
	GHashTable *seen = g_hash_table_new(tuple_hash, tuple_eq);
	bool over = false;
	u32 i;

	for (i = 0; i < rp->recs->len && !over; i++) {
		struct replay_rec *rec = &g_array_index(rp->recs, struct replay_rec, i);

		rec->hdr.t.pad = 0;
		g_hash_table_add(seen, &rec->hdr.t);
		over = g_hash_table_size(seen) > REPLAY_MAX_CONNS;
	}
	g_hash_table_destroy(seen);
	return over;
}

/*
 * The connection of a packet about to enter the router, and its direction (0: original).
 * The core knows best: a conntrack entry holding the tuple in either direction names the
 * connection by its original tuple, NAT included (a reply to a masqueraded connection
 * carries the router's address, not the client's).  Without one (the connection's first
 * packet, a packet conntrack does not track, an entry already gone) the tuple itself or
 * its plain inverse is looked up among the replay's connections, else it starts one.
 */
static u32 conn_of(struct replay *rp, const struct fs_tuple *pt, u8 *side)
{
	struct conntrack_entry *ct;
	struct fs_tuple k, inv;
	struct replay_conn c;
	enum ct_dir dir;
	gpointer v;

	ct_key(&k, pt);
	ct = conntrack_find(router_conntrack(rp->w->r), &k, &dir);
	if (ct) {
		ct_key(&inv, &ct->tuplehash[CT_DIR_ORIGINAL].tuple);
		v = g_hash_table_lookup(rp->conn_by_tuple, &inv);
		if (v) {
			*side = dir == CT_DIR_REPLY;
			return GPOINTER_TO_UINT(v) - 1;
		}
		/* an entry the replay did not start (a generated flow's tuple): by the tuple */
	}
	v = g_hash_table_lookup(rp->conn_by_tuple, &k);
	if (v) {
		*side = 0;
		return GPOINTER_TO_UINT(v) - 1;
	}
	fs_tuple_invert(&inv, &k);
	ct_key(&inv, &inv);
	v = g_hash_table_lookup(rp->conn_by_tuple, &inv);
	if (v) {
		*side = 1;
		return GPOINTER_TO_UINT(v) - 1;
	}
	memset(&c, 0, sizeof(c));
	c.t = k;
	c.first_ns = engine_now(rp->w->eng);
	g_array_append_val(rp->conns, c);
	g_hash_table_insert(rp->conn_by_tuple, g_memdup2(&k, sizeof(k)),
			    GUINT_TO_POINTER(rp->conns->len));
	rp->st.connections = rp->conns->len;
	*side = 0;
	return rp->conns->len - 1;
}

static void diags_to_yu(const struct trace_diags *td, struct yu_diag *d)
{
	u32 i;

	for (i = 0; i < trace_diags_len(td); i++) {
		const struct trace_diag *g = trace_diags_get(td, i);

		if (g->severity == TRACE_ERROR)
			yu_error_at(d, g->file, 0, 0, "%s", g->message);
		else if (g->severity == TRACE_WARNING)
			yu_warning_at(d, g->file, 0, 0, "%s", g->message);
	}
}

struct replay *replay_load(const struct scenario *s, const char *path, u64 duration_ns,
			   struct yu_diag *d)
{
	struct pcap_reader_opts o = {
		.mode = s->replay.tolerant ? TRACE_TOLERANT : TRACE_STRICT,
		.skip_outgoing = s->replay.skip_outgoing,
	};
	struct trace_diags td;
	struct pcap_reader *pr;
	struct replay *rp;
	struct pcap_pkt pk;
	u64 last = 0;
	bool first = true;
	int rc;

	trace_diags_init(&td);
	pr = pcap_reader_open(path, &o, &td);
	if (!pr) {
		diags_to_yu(&td, d);
		trace_diags_clear(&td);
		return NULL;
	}
	rp = g_new0(struct replay, 1);
	rp->s = s;
	rp->file = g_strdup(path);
	rp->linktype = g_strdup(pcap_reader_linktype_name(pr));
	rp->recs = g_array_new(FALSE, FALSE, sizeof(struct replay_rec));
	rp->fwd_port = g_new0(u64, s->n_ports + 1);
	rp->conns = g_array_new(FALSE, FALSE, sizeof(struct replay_conn));
	rp->conn_by_tuple = g_hash_table_new_full(tuple_hash, tuple_eq, g_free, NULL);
	while ((rc = pcap_reader_next(pr, &pk)) == 1) {
		struct replay_rec rec;
		int m = map_of(s, &pk.hdr);
		u64 t;

		if (first) {
			rp->st.first_ts_ns = pcap_reader_get_stats(pr)->first_ts_ns;
			first = false;
		}
		if (m < 0) {
			note_unmapped(rp, &pk.hdr);
			continue;
		}
		t = pk.ts_ns >= rp->st.first_ts_ns ? pk.ts_ns - rp->st.first_ts_ns : 0;
		t = t > ~(u64)0 - s->replay.start_ns ? ~(u64)0 : t + s->replay.start_ns;
		if (t < last) {
			t = last;
			rp->st.reordered++;
		}
		if (t >= duration_ns) {
			rp->st.after_end++;
			continue;
		}
		last = t;
		memset(&rec, 0, sizeof(rec));
		rec.t = t;
		rec.hdr = pk.hdr;
		rec.map = (u16)m;
		rec.has_src_mac = pk.has_src_mac;
		g_array_append_val(rp->recs, rec);
	}
	if (rc == 0 && rp->recs->len > REPLAY_MAX_CONNS && too_many_tuples(rp)) {
		yu_error_at(d, path, 0, 0, "more than %u distinct 5-tuples: a replay numbers at "
			    "most that many connections", REPLAY_MAX_CONNS);
		rc = -1;
	}
	{
		const struct pcap_reader_stats *ps = pcap_reader_get_stats(pr);

		rp->st.records = ps->records;
		rp->st.decoded = ps->decoded;
		memcpy(rp->st.skipped, ps->skipped, sizeof(rp->st.skipped));
	}
	rp->st.scheduled = rp->recs->len;
	diags_to_yu(&td, d);
	trace_diags_clear(&td);
	pcap_reader_close(pr);
	if (rc < 0) {
		replay_destroy(rp);
		return NULL;
	}
	return rp;
}

/* ----------------------------------------------------------------- attach ---- */

static void mac_make(u8 mac[6], u8 tag, u32 index)
{
	mac[0] = 0x02;          /* locally administered, unicast */
	mac[1] = 0x52;          /* 'R': made up by the replay */
	mac[2] = tag;
	mac[3] = (u8)(index >> 16);
	mac[4] = (u8)(index >> 8);
	mac[5] = (u8)index;
}

/* Add a neighbour unless the device already has one for the address. */
static int neigh_ensure(struct replay *rp, u16 l3, u8 family, const union fs_addr *a,
			u16 phys, const u8 *mac, u8 out_mac[6])
{
	struct fs_netconf *nc = router_netconf(rp->w->r);
	struct fs_neigh *old = fs_neigh_lookup(nc, l3, family, a);
	struct fs_neigh n;

	if (fs_addr_is_local(nc, family, a)) {
		/* the router's own address (its outgoing packets, or replies to it) */
		if (mac)
			memcpy(out_mac, mac, 6);
		else
			mac_make(out_mac, 0x4c, 0);
		return 0;
	}
	if (old) {
		memcpy(out_mac, old->mac, 6);
		return 0;
	}
	memset(&n, 0, sizeof(n));
	n.addr = *a;
	n.family = family;
	n.ifindex = l3;
	n.port = phys;
	n.valid = 1;
	if (mac)
		memcpy(n.mac, mac, 6);
	else
		mac_make(n.mac, 0x4e, (u32)rp->st.neighbours);
	memcpy(out_mac, n.mac, 6);
	rp->st.neighbours++;
	return fs_neigh_update(nc, &n);
}

/* What a host at port `port` with this source address would put on the frame. */
static int attach_rec(struct replay *rp, struct replay_rec *rec, u16 *phys_ifindex)
{
	const struct scenario *s = rp->s;
	struct world *w = rp->w;
	struct fs_netconf *nc = router_netconf(w->r);
	struct fs_packet *h = &rec->hdr;
	int port = s->replay.maps[rec->map].port, phys = port, cand[FS_NETDEV_MAX], dev = -1, base;
	struct world_attach a;
	u32 n, j;
	bool via_gw = false;
	u8 mac[6];

	while (phys >= 0 && s->ports[phys].kind == FS_NETDEV_VLAN)
		phys = s->ports[phys].lower;
	if (phys < 0 || !w->ports[phys].phys)
		return -1;
	*phys_ifindex = w->ports[phys].ifindex;
	n = world_l3_candidates(s, port, cand, FS_NETDEV_MAX);
	for (j = 0; j < n && dev < 0; j++)
		if (scn_on_link(&s->ports[cand[j]], h->t.family, &h->t.src))
			dev = cand[j];
	for (j = 0; j < n && dev < 0; j++) {
		const struct scn_port *p = &s->ports[cand[j]];

		if (p->default_route || (h->t.family == FS_AF_INET6 ? p->has_gw6 : p->has_gw4)) {
			dev = cand[j];
			via_gw = true;
		}
	}
	if (dev < 0)
		dev = port;   /* no route back that way: the router decides what to do with it */
	memset(&a, 0, sizeof(a));
	if (world_encap_for(s, dev, &a, &base))
		return -1;
	h->num_encap = a.num_encap;
	memcpy(h->encap, a.encap, sizeof(h->encap));
	memcpy(h->dst_mac, fs_netdev_get(nc, w->ifindex_of[base >= 0 ? base : dev])->mac, 6);
	if (s->ports[dev].kind == FS_NETDEV_PPPOE) {
		/* point to point: frames come from the access concentrator, no neighbour */
		if (!rec->has_src_mac)
			memcpy(h->src_mac, fs_netdev_get(nc, w->ifindex_of[dev])->peer_mac, 6);
		return 0;
	}
	if (!via_gw) {
		if (!scn_on_link(&s->ports[dev], h->t.family, &h->t.src)) {
			if (!rec->has_src_mac)
				mac_make(h->src_mac, 0x53, rec->map);
			return 0;
		}
		if (neigh_ensure(rp, w->ifindex_of[dev], h->t.family, &h->t.src, *phys_ifindex,
				 rec->has_src_mac ? h->src_mac : NULL, mac))
			return -1;
	} else {
		const struct scn_port *p = &s->ports[dev];
		bool gw = h->t.family == FS_AF_INET6 ? p->has_gw6 : p->has_gw4;

		if (!gw) {
			if (!rec->has_src_mac)
				mac_make(h->src_mac, 0x47, (u32)dev);
			return 0;
		}
		if (neigh_ensure(rp, w->ifindex_of[dev], h->t.family,
				 h->t.family == FS_AF_INET6 ? &p->gw6 : &p->gw4, *phys_ifindex,
				 rec->has_src_mac ? h->src_mac : NULL, mac))
			return -1;
	}
	if (!rec->has_src_mac)
		memcpy(h->src_mac, mac, 6);
	return 0;
}

/*
 * A destination the capture never shows as a source (the other side stayed silent, or
 * its packets were not captured): the mapping that holds it says where it lives, and if
 * it is on a connected prefix there it gets a neighbour as well, as ARP would resolve it.
 */
static int learn_dst(struct replay *rp, const struct fs_packet *h)
{
	const struct scenario *s = rp->s;
	struct world *w = rp->w;
	struct fs_packet tmp = { 0 };
	int m, port, phys, cand[FS_NETDEV_MAX];
	u32 n, j;
	u8 mac[6];

	tmp.t.src = h->t.dst;
	tmp.t.family = h->t.family;
	m = map_of(s, &tmp);
	if (m < 0)
		return 0;
	port = phys = s->replay.maps[m].port;
	while (phys >= 0 && s->ports[phys].kind == FS_NETDEV_VLAN)
		phys = s->ports[phys].lower;
	if (phys < 0 || !w->ports[phys].phys)
		return 0;
	n = world_l3_candidates(s, port, cand, FS_NETDEV_MAX);
	for (j = 0; j < n; j++)
		if (s->ports[cand[j]].kind != FS_NETDEV_PPPOE &&
		    scn_on_link(&s->ports[cand[j]], h->t.family, &h->t.dst))
			return neigh_ensure(rp, w->ifindex_of[cand[j]], h->t.family, &h->t.dst,
					    w->ports[phys].ifindex, NULL, mac);
	return 0;
}

static void inject_ev(struct engine *eng, engine_arg a, engine_arg b);

static void schedule_next(struct replay *rp)
{
	if (rp->next < rp->recs->len)
		engine_schedule(rp->w->eng, g_array_index(rp->recs, struct replay_rec, rp->next).t,
				inject_ev, ENGINE_PTR(rp), ENGINE_NOARG);
}

int replay_attach(struct replay *rp, struct world *w, struct yu_diag *d)
{
	u32 i;

	rp->w = w;
	w->replay = rp;
	for (i = 0; i < rp->recs->len; i++) {
		struct replay_rec *rec = &g_array_index(rp->recs, struct replay_rec, i);
		u16 phys;

		if (attach_rec(rp, rec, &phys)) {
			const struct scn_replay_map *m = &rp->s->replay.maps[rec->map];

			yu_error_at(d, rp->s->file, m->line, m->col, "replay: packets from this "
				    "prefix cannot enter the router at port '%s' (the world models "
				    "ports with at most %d VLAN/PPPoE headers, and the core's "
				    "neighbour table must have room)", rp->s->ports[m->port].name,
				    FS_ENCAP_MAX);
			return -1;
		}
		rec->hdr.iif = phys;   /* the physical port: where inject_ev hands it over */
	}
	/* after every source, so that the capture's own MACs win */
	for (i = 0; i < rp->recs->len; i++)
		if (learn_dst(rp, &g_array_index(rp->recs, struct replay_rec, i).hdr)) {
			yu_error_at(d, rp->s->file, rp->s->replay.line, rp->s->replay.col,
				    "replay: the core's neighbour table is full");
			return -1;
		}
	schedule_next(rp);
	return 0;
}

/* ----------------------------------------------------------------- inject ---- */

static void inject_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct replay *rp = a.p;
	struct world *w = rp->w;
	u64 now = engine_now(eng);

	while (rp->next < rp->recs->len) {
		const struct replay_rec *rec = &g_array_index(rp->recs, struct replay_rec, rp->next);
		struct replay_conn *c;
		struct world_port *wp;
		struct sim_pkt *p;
		u32 ci;
		u8 side;

		if (rec->t > now)
			break;
		rp->next++;
		ci = conn_of(rp, &rec->hdr.t, &side);
		c = &g_array_index(rp->conns, struct replay_conn, ci);
		wp = rec->hdr.iif < FS_NETDEV_MAX ? w->port_of[rec->hdr.iif] : NULL;
		if (!wp || !wp->up) {
			rp->st.link_down++;
			c->link_down[side]++;
			continue;
		}
		p = sim_pkt_alloc(&w->pool);
		p->hdr = rec->hdr;
		p->flow = REPLAY_FLOW_BASE + ci;
		p->side = side;
		p->born = now;
		p->wire = (u32)rec->hdr.len + 14 + 4 * rec->hdr.num_encap + 4 + 20;
		rp->st.injected++;
		c->injected[side]++;
		c->injected_payload[side] += rec->hdr.payload;
		sim_router_rx(w->sr, wp->ifindex, p);
	}
	world_router_timer_check(w);
	schedule_next(rp);
}

/*
 * The connection a replayed packet belongs to (every one injected has one); a scratch
 * record for a flow number the replay never gave out (a generated flow past the
 * REPLAY_FLOW_BASE limit of replay.h: outside the contract, counted in the totals only).
 */
static struct replay_conn *pkt_conn(struct replay *rp, const struct sim_pkt *p)
{
	u32 i = p->flow - REPLAY_FLOW_BASE;

	if (G_UNLIKELY(i >= rp->conns->len))
		return &rp->scratch;
	return &g_array_index(rp->conns, struct replay_conn, i);
}

void replay_tx(struct replay *rp, int port, struct sim_pkt *p, bool misdelivered)
{
	struct replay_conn *c = pkt_conn(rp, p);
	u8 side = p->side & 1;

	if (misdelivered || port < 0) {
		rp->st.misdelivered++;
		c->misdelivered[side]++;
	} else {
		rp->st.forwarded++;
		rp->fwd_port[port]++;
		c->forwarded[side]++;
		c->forwarded_payload[side] += p->hdr.payload;
	}
	sim_pkt_free(&rp->w->pool, p);
}

void replay_drop(struct replay *rp, struct sim_pkt *p, u8 reason)
{
	struct replay_conn *c = pkt_conn(rp, p);
	u8 side = p->side & 1;

	if (reason) {
		rp->st.dropped++;
		c->dropped[side]++;
	} else {
		rp->st.local++;
		c->local[side]++;
	}
}

/* ---------------------------------------------------------------- results ---- */

void replay_destroy(struct replay *rp)
{
	if (!rp)
		return;
	g_free(rp->file);
	g_free(rp->linktype);
	g_array_free(rp->recs, TRUE);
	g_free(rp->fwd_port);
	g_array_free(rp->conns, TRUE);
	g_hash_table_destroy(rp->conn_by_tuple);
	g_free(rp);
}

const struct replay_stats *replay_get_stats(const struct replay *rp)
{
	return &rp->st;
}

const char *replay_file(const struct replay *rp)
{
	return rp->file;
}

const char *replay_linktype(const struct replay *rp)
{
	return rp->linktype;
}

u64 replay_forwarded_on(const struct replay *rp, u32 port)
{
	return port < rp->s->n_ports ? rp->fwd_port[port] : 0;
}

u32 replay_unmapped_count(const struct replay *rp)
{
	return rp->n_unm;
}

const struct replay_unmapped *replay_unmapped_get(const struct replay *rp, u32 i)
{
	return i < rp->n_unm ? &rp->unm[i] : NULL;
}

u32 replay_conn_count(const struct replay *rp)
{
	return rp->conns->len;
}

const struct replay_conn *replay_conn_get(const struct replay *rp, u32 i)
{
	return i < rp->conns->len ? &g_array_index(rp->conns, struct replay_conn, i) : NULL;
}
