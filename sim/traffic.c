/* SPDX-License-Identifier: MIT */
/*
 * traffic.c - the flow table, generator registration and results (see traffic.h for the
 * model; traffic_internal.h lists the generator files).
 *
 * Flows live in one array indexed by flow id (sim_pkt.flow); it grows by doubling and is
 * never shrunk, so ids stay valid for the whole run.  Because it can move, nothing keeps a
 * struct traffic_flow pointer across a call that may create flows; engine events carry
 * (traffic, id/direction) and look the flow up again.
 *
 * Generators: an event at the start time creates the initial flows (the kind's
 * trf_start_*()); web arrivals and p2p churn are Poisson processes driven by the
 * generator's rng stream (seed, generator index).  All draws happen in event order, which
 * the engine makes deterministic.
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traffic_internal.h"

static const char *const kind_names[] = {
	"tcp_bulk", "udp_cbr", "udp_flood", "p2p", "web", "game",
};

const char *traffic_kind_name(int kind)
{
	if (kind < 0 || kind >= (int)FS_ARRAY_SIZE(kind_names))
		return NULL;
	return kind_names[kind];
}

const char *traffic_flow_state_name(int state)
{
	static const char *const names[] = { "active", "done", "failed" };

	if (state < 0 || state >= (int)FS_ARRAY_SIZE(names))
		return NULL;
	return names[state];
}

/* ------------------------------------------------------------ addresses and ports */

static union fs_addr addr_add(u8 family, union fs_addr a, u32 i)
{
	u64 lo, nlo;

	if (family == FS_AF_INET) {
		a.ip += i;
		return a;
	}
	lo = (u64)a.ip6[2] << 32 | a.ip6[3];
	nlo = lo + i;
	if (nlo < lo && ++a.ip6[1] == 0)
		a.ip6[0]++;
	a.ip6[2] = (u32)(nlo >> 32);
	a.ip6[3] = (u32)nlo;
	return a;
}

static u16 next_port(struct traffic *t)
{
	u16 p = (u16)t->next_port;

	t->next_port = t->next_port >= EPHEMERAL_HI ? EPHEMERAL_LO : t->next_port + 1;
	return p;
}

void trf_make_tuple(struct traffic *t, const struct traffic_hosts *h, u32 ci, u32 si,
		    u16 dport, u8 proto, struct fs_tuple *tu)
{
	memset(tu, 0, sizeof(*tu));
	tu->family = h->family;
	tu->proto = proto;
	tu->src = addr_add(h->family, h->client, ci % (h->clients ? h->clients : 1));
	tu->dst = addr_add(h->family, h->server, si % (h->servers ? h->servers : 1));
	tu->sport = next_port(t);
	tu->dport = dport;
}

/* ------------------------------------------------------------ flow table */

void trf_notify_flow(struct traffic *t, u32 id, enum traffic_flow_event ev)
{
	if (t->flow_obs)
		t->flow_obs(t->flow_obs_ctx, id, ev);
}

u32 trf_flow_alloc(struct traffic *t, u32 gi, const struct fs_tuple *tu,
		   const struct traffic_hosts *h)
{
	struct traffic_flow *f;
	struct fs_tuple inv;
	u32 id;

	if (t->n_flows == t->cap_flows) {
		t->cap_flows = t->cap_flows ? t->cap_flows * 2 : 64;
		t->flows = g_renew(struct traffic_flow, t->flows, t->cap_flows);
	}
	id = t->n_flows++;
	f = &t->flows[id];
	memset(f, 0, sizeof(*f));
	f->r.id = id;
	f->r.generator = gi;
	f->r.kind = t->gens[gi].kind;
	f->r.proto = tu->proto;
	f->r.state = TRAFFIC_FLOW_ACTIVE;
	f->r.tuple = *tu;
	f->r.start_ns = now_ns(t);
	f->out[0] = *tu;
	f->out_known[0] = true;
	f->qhash[0] = fs_tuple_hash(tu, 0);
	fs_tuple_invert(&inv, tu);
	f->qhash[1] = fs_tuple_hash(&inv, 0);
	f->ttl = h->ttl ? h->ttl : 64;
	f->dscp = h->dscp;
	t->gens[gi].flows_created++;
	t->tot.flows_started++;
	t->tot.flows_active++;
	return id;
}

void trf_flow_end(struct traffic *t, u32 id, u8 state)
{
	struct traffic_flow *f = &t->flows[id];

	if (f->r.state != TRAFFIC_FLOW_ACTIVE)
		return;
	f->r.state = state;
	f->r.end_ns = now_ns(t);
	t->tot.flows_active--;
	if (state == TRAFFIC_FLOW_DONE)
		t->tot.flows_done++;
	else
		t->tot.flows_failed++;
	trf_notify_flow(t, id, TRAFFIC_FLOW_ENDED);
}

/* ------------------------------------------------------------ validation */

int trf_check_hosts(const struct traffic_hosts *h, const char *kind, char *err,
		    size_t errlen)
{
	if (h->family != FS_AF_INET && h->family != FS_AF_INET6) {
		g_snprintf(err, errlen, "%s: address family %u: expected IPv4 (%u) or IPv6 (%u)",
			   kind, h->family, FS_AF_INET, FS_AF_INET6);
		return -1;
	}
	if (fs_addr_is_zero(&h->client) || fs_addr_is_zero(&h->server)) {
		g_snprintf(err, errlen, "%s: client and server addresses must be set", kind);
		return -1;
	}
	if (h->dscp > 63) {
		g_snprintf(err, errlen, "%s: dscp %u: expected 0..63", kind, h->dscp);
		return -1;
	}
	if (h->clients > MAX_FLOWS_PER_GEN || h->servers > MAX_FLOWS_PER_GEN) {
		g_snprintf(err, errlen, "%s: more than %u client or server addresses", kind,
			   MAX_FLOWS_PER_GEN);
		return -1;
	}
	return 0;
}

int trf_check_count(u64 n, const char *kind, const char *field, char *err, size_t errlen)
{
	if (n < 1 || n > MAX_FLOWS_PER_GEN) {
		g_snprintf(err, errlen, "%s: %s %llu: expected 1..%u", kind, field,
			   (unsigned long long)n, MAX_FLOWS_PER_GEN);
		return -1;
	}
	return 0;
}

int trf_check_start(struct traffic *t, u64 start, const char *kind, char *err,
		    size_t errlen)
{
	if (start < now_ns(t)) {
		g_snprintf(err, errlen, "%s: start %llu ns is before the current time %llu ns",
			   kind, (unsigned long long)start, (unsigned long long)now_ns(t));
		return -1;
	}
	return 0;
}

int trf_check_duration(u64 dur, const char *kind, char *err, size_t errlen)
{
	if (dur == 0) {
		g_snprintf(err, errlen, "%s: duration 0: expected a positive duration", kind);
		return -1;
	}
	return 0;
}

int trf_check_udp_size(u32 size, u8 family, const char *kind, const char *field, bool zero_ok,
		       char *err, size_t errlen)
{
	u32 max = MAX_L3 - ip_hdr_len(family) - UDP_HDR_LEN;

	if ((size == 0 && !zero_ok) || size > max) {
		g_snprintf(err, errlen, "%s: %s %u: expected %u..%u bytes (UDP payload)", kind,
			   field, size, zero_ok ? 0 : 1, max);
		return -1;
	}
	return 0;
}

int trf_check_direction(u8 dir, const char *kind, char *err, size_t errlen)
{
	if (dir > TRAFFIC_DOWNLOAD) {
		g_snprintf(err, errlen, "%s: direction %u: expected upload (0) or download (1)",
			   kind, dir);
		return -1;
	}
	return 0;
}

bool trf_finite_positive(double v)
{
	return isfinite(v) && v > 0;
}

/* ------------------------------------------------------------ generators */

static void gen_start_ev(struct engine *eng, engine_arg a, engine_arg b);

int trf_gen_add(struct traffic *t, u8 kind, const void *d, size_t dlen, u64 start)
{
	struct traffic_gen *g;
	u32 gi;

	if (t->n_gens == t->cap_gens) {
		t->cap_gens = t->cap_gens ? t->cap_gens * 2 : 8;
		t->gens = g_renew(struct traffic_gen, t->gens, t->cap_gens);
	}
	gi = t->n_gens++;
	g = &t->gens[gi];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	memcpy(&g->d, d, dlen);
	rng_init(&g->rng, t->seed, gi);
	g->end = NEVER;
	engine_schedule(t->env.eng, start, gen_start_ev, ENGINE_PTR(t), ENGINE_U64(gi));
	return (int)gi;
}


/*
 * Schedule fn(t, gi) at the next arrival of a Poisson process of per_s events per second
 * (web arrivals, p2p churn), drawn from the generator's stream; nothing once the arrival
 * falls at or after the generator's end.
 */
void trf_gen_schedule_poisson(struct traffic *t, u32 gi, double per_s, engine_fn fn)
{
	struct traffic_gen *g = &t->gens[gi];
	double gap = rng_exponential(&g->rng, 1e9 / per_s);
	u64 next = sat_add(now_ns(t), gap >= 1 ? (u64)gap : 1);

	if (next < g->end)
		engine_schedule(t->env.eng, next, fn, ENGINE_PTR(t), ENGINE_U64(gi));
}

static void gen_start_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct traffic *t = a.p;
	u32 gi = (u32)b.u;
	struct traffic_gen *g = &t->gens[gi];

	switch (g->kind) {
	case TRAFFIC_TCP_BULK:
		trf_start_tcp_bulk(t, gi);
		break;
	case TRAFFIC_UDP_CBR:
		trf_start_udp_cbr(t, gi);
		break;
	case TRAFFIC_UDP_FLOOD:
		trf_start_udp_flood(t, gi);
		break;
	case TRAFFIC_P2P:
		trf_start_p2p(t, gi);
		break;
	case TRAFFIC_WEB:
		trf_start_web(t, gi);
		break;
	case TRAFFIC_GAME:
		trf_start_game(t, gi);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ API */

struct traffic *traffic_create(const struct traffic_env *env, u64 seed)
{
	struct traffic *t = g_new0(struct traffic, 1);

	t->env = *env;
	t->tcp_env = *env;
	t->tcp_env.xmit = trf_tcp_count_xmit;
	t->tcp_env.ctx = t;
	t->seed = seed;
	t->next_port = EPHEMERAL_LO;
	return t;
}

void traffic_destroy(struct traffic *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->n_flows; i++) {
		struct traffic_flow *f = &t->flows[i];

		tcp_conn_destroy(f->conn);
		g_free(f->lat[0].v);
		g_free(f->lat[1].v);
	}
	for (i = 0; i < t->n_gens; i++)
		g_free(t->gens[i].slots);
	g_free(t->flows);
	g_free(t->gens);
	g_free(t);
}

void traffic_deliver(struct traffic *t, struct sim_pkt *p)
{
	u32 id = p->flow;

	t->tot.pkts_delivered++;
	if (id >= t->n_flows) {
		t->tot.pkts_late++;
	} else if (t->flows[id].r.proto == FS_IPPROTO_TCP) {
		if (t->flows[id].conn)
			tcp_conn_input(t->flows[id].conn, p);   /* may end and free the conn */
		else
			t->tot.pkts_late++;
	} else {
		if (t->flows[id].r.state != TRAFFIC_FLOW_ACTIVE)
			t->tot.pkts_late++;
		trf_udp_rx(t, id, p);
	}
	sim_pkt_free(t->env.pool, p);
}

void traffic_set_flow_observer(struct traffic *t,
			       void (*fn)(void *ctx, u32 flow, enum traffic_flow_event ev),
			       void *ctx)
{
	t->flow_obs = fn;
	t->flow_obs_ctx = ctx;
}

void traffic_set_tcp_observer(struct traffic *t,
			      void (*fn)(void *ctx, const struct tcp_conn *c, int side,
					 enum tcp_event ev, u64 arg),
			      void *ctx)
{
	t->tcp_obs = fn;
	t->tcp_obs_ctx = ctx;
}

u32 traffic_flow_count(const struct traffic *t)
{
	return t->n_flows;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static u64 percentile(const u64 *v, size_t n, u32 pct)
{
	size_t rank = (size_t)(((unsigned __int128)n * pct + 99) / 100);

	return rank ? v[rank - 1] : v[0];
}

bool traffic_flow_result(struct traffic *t, u32 id, struct traffic_flow_result *out)
{
	struct traffic_flow *f;
	int d;

	if (id >= t->n_flows)
		return false;
	f = &t->flows[id];
	*out = f->r;
	if (f->conn)
		trf_tcp_stats_to_result(out, f->conn);
	for (d = 0; d < 2; d++) {
		struct traffic_latency *l = &out->latency[d];

		if (out->proto == FS_IPPROTO_UDP)
			out->lost_pkts[d] = out->tx_pkts[d] - FS_MIN(out->rx_pkts[d], out->tx_pkts[d]);
		if (out->last_rx_ns[d] > out->start_ns)
			out->goodput_bps[d] = (double)out->rx_bytes[d] * 8e9 /
					      (double)(out->last_rx_ns[d] - out->start_ns);
		if (l->samples)
			l->mean_ns = f->lat_sum[d] / l->samples;
		if (f->lat[d].n) {
			qsort(f->lat[d].v, f->lat[d].n, sizeof(u64), cmp_u64);
			l->p50_ns = percentile(f->lat[d].v, f->lat[d].n, 50);
			l->p99_ns = percentile(f->lat[d].v, f->lat[d].n, 99);
		}
	}
	return true;
}

const struct tcp_conn *traffic_flow_tcp(const struct traffic *t, u32 id)
{
	return id < t->n_flows ? t->flows[id].conn : NULL;
}

void traffic_get_totals(const struct traffic *t, struct traffic_totals *out)
{
	*out = t->tot;
}

u32 traffic_generator_count(const struct traffic *t)
{
	return t->n_gens;
}

bool traffic_generator_info(const struct traffic *t, u32 gen, struct traffic_gen_info *out)
{
	const struct traffic_gen *g;
	u32 i;

	if (gen >= t->n_gens)
		return false;
	g = &t->gens[gen];
	memset(out, 0, sizeof(*out));
	out->kind = g->kind;
	out->flows_created = g->flows_created;
	out->churned = g->churned;
	for (i = 0; i < g->n_slots; i++)
		out->active += t->flows[g->slots[i]].r.state == TRAFFIC_FLOW_ACTIVE;
	return true;
}
