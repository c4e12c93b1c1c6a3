/* SPDX-License-Identifier: MIT */
/*
 * run.c - the run loop of `flowsim run` (see run.h): simulated time advances in steps to
 * the next sample or snapshot time (engine_run_until), and at each step the time series
 * are sampled and the due snapshots taken.  Core events go to the results database and
 * the trace directory as they happen.
 *
 * Sampling reads cumulative counters and stores differences, so a sample costs O(ports +
 * items + CPUs) and nothing is done per packet here.  A sample's time is the end of its
 * interval; the last interval may be shorter (run duration not a multiple).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* Drop counters sampled as time series: name, and where each comes from. */
enum { D_RING, D_BACKLOG, D_QDISC, D_INGRESS, D_HWFIFO, D_LINK, D_MEDIUM, D_MISDELIVERED,
       D__COUNT };
static const char *const drop_names[D__COUNT] = {
	"rx_ring", "backlog", "qdisc", "ingress_qdisc", "hw_fifo", "link", "medium",
	"misdelivered",
};

G_STATIC_ASSERT(D__COUNT <= G_N_ELEMENTS(((struct run *)0)->prev_drops));

static void drop_counters(const struct run *r, u64 out[D__COUNT])
{
	const struct sim_router_stats *st = sim_router_get_stats(r->w->sr);

	out[D_RING] = st->rx_ring_drops;
	out[D_BACKLOG] = st->backlog_drops;
	out[D_QDISC] = st->qdisc_drops;
	out[D_INGRESS] = st->ingress_qdisc_drops;
	out[D_HWFIFO] = st->hw_fifo_drops;
	out[D_LINK] = r->w->st.link_drops;
	out[D_MEDIUM] = r->w->st.medium_drops;
	out[D_MISDELIVERED] = r->w->st.misdelivered;
}

/* ------------------------------------------------------------- events ---- */

static void on_core_event(void *ctx, const struct fs_event *ev)
{
	struct run *r = ctx;

	if (r->res)
		results_record_event(r->res, ev);
	if (r->td)
		tracedir_ct_event(r->td, ev);
}

static void on_script_event(void *ctx, const struct scn_event *ev, u64 now)
{
	struct run *r = ctx;
	const struct scenario *s = r->s;
	char detail[128];

	if (!r->res)
		return;
	switch (ev->type) {
	case SCN_EV_ROAM:
		g_snprintf(detail, sizeof(detail), "%s -> %s", s->hosts[ev->host].name,
			   s->ports[ev->port].name);
		break;
	case SCN_EV_LINK_DOWN:
	case SCN_EV_LINK_UP:
		g_snprintf(detail, sizeof(detail), "%s", s->ports[ev->port].name);
		break;
	default:
		detail[0] = 0;
		break;
	}
	results_event(r->res, now, scn_event_type_names[ev->type], (u32)(ev->host >= 0 ? ev->host : 0),
		      (u32)(ev->port >= 0 ? ev->port : 0), detail[0] ? detail : NULL, NULL);
}

/* ------------------------------------------------------------- create ---- */

struct run *run_create(const struct scenario *s, const struct run_opts *o, struct yu_diag *d)
{
	struct run *r = g_new0(struct run, 1);
	struct world_opts wo;
	u32 i;

	r->s = s;
	r->opts = *o;
	r->seed = o->has_seed ? o->seed : s->seed;
	r->duration_ns = o->duration_ns ? o->duration_ns : s->duration_ns;
	memset(&wo, 0, sizeof(wo));
	wo.seed = r->seed;
	wo.duration_ns = r->duration_ns;
	wo.soc_dir = o->soc_dir;
	if (o->replay) {
		if (!s->replay.present) {
			yu_error_at(d, s->file, 0, 0, "--replay %s: the scenario has no replay: "
				    "section (which router port captured packets arrive on: replay: "
				    "{ports: [{from: PREFIX, port: NAME}]}, docs/scenario.md)",
				    o->replay);
			g_free(r);
			return NULL;
		}
		r->replay = replay_load(s, o->replay, r->duration_ns, d);
		if (!r->replay) {
			g_free(r);
			return NULL;
		}
	}
	r->w = world_create(s, &wo, on_core_event, r, d);
	if (!r->w || (r->replay && replay_attach(r->replay, r->w, d))) {
		world_destroy(r->w);
		replay_destroy(r->replay);
		g_free(r);
		return NULL;
	}
	r->w->script_fn = on_script_event;
	r->w->script_ctx = r;
	r->interval_ns = s->output.sample_interval_ns ? s->output.sample_interval_ns :
							FS_NSEC_PER_SEC;
	r->prev_item_bytes = g_new0(u64, s->n_traffic + 1);
	r->prev_qdisc_drops = g_new0(u64, s->n_ports + 1);
	r->snap_at_idx = g_new0(u32, s->output.n_snapshots + 1);
	r->snap_next_every = g_new0(u64, s->output.n_snapshots + 1);
	for (i = 0; i < s->output.n_snapshots; i++)
		r->snap_next_every[i] = s->output.snapshots[i].every_ns ?
						s->output.snapshots[i].every_ns : ~(u64)0;
	r->end_snapshots = s->output.n_snapshots == 0;
	return r;
}

void run_destroy(struct run *r)
{
	if (!r)
		return;
	/* tearing the world down emits events (conntrack destroy ...): not part of the run */
	r->res = NULL;
	r->td = NULL;
	world_destroy(r->w);
	replay_destroy(r->replay);   /* after the world: its teardown may still report drops */
	g_free(r->prev_item_bytes);
	g_free(r->prev_qdisc_drops);
	g_free(r->snap_at_idx);
	g_free(r->snap_next_every);
	g_clear_error(&r->error);
	g_free(r);
}

void run_set_outputs(struct run *r, struct results *res, struct tracedir *td)
{
	r->res = res;
	r->td = td;
}

/* ------------------------------------------------------------ sampling ---- */

static double per_s(u64 delta, u64 dt_ns)
{
	return dt_ns ? (double)delta * 1e9 / (double)dt_ns : 0.0;
}

static void sample_put(struct run *r, u64 now, const char *metric, const char *key, double v)
{
	if (r->res)
		results_sample(r->res, now, metric, key, v);
}

static void sample(struct run *r, u64 now)
{
	struct world *w = r->w;
	const struct scenario *s = r->s;
	const struct sim_router_stats *st = sim_router_get_stats(w->sr);
	u64 dt = now - r->last_sample, drops[D__COUNT];
	u32 i, n, cpus = world_cpus(w);

	r->samples++;
	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		sample_put(r, now, "path_pps", router_path_name((u8)i),
			   per_s(st->path_packets[i] - r->prev_sr.path_packets[i], dt));
		sample_put(r, now, "path_bps", router_path_name((u8)i),
			   8 * per_s(st->path_bytes[i] - r->prev_sr.path_bytes[i], dt));
	}
	for (i = 0; i < cpus; i++) {
		char key[16];
		double pct = dt ? 100.0 * (double)(st->busy_ns[i] - r->prev_sr.busy_ns[i]) /
					  (double)dt : 0.0;

		if (pct > 100.0)
			pct = 100.0;   /* work charged ahead of time ends up in the next interval */
		if (pct > r->peaks.cpu_max_pct)
			r->peaks.cpu_max_pct = pct;
		g_snprintf(key, sizeof(key), "cpu%u", i);
		sample_put(r, now, "cpu_pct", key, pct);
	}
	for (i = 0; i < s->n_traffic; i++) {
		const struct world_item *it = &w->items[i];
		u64 b = it->rx_bytes[0] + it->rx_bytes[1];

		sample_put(r, now, "throughput_bps", s->traffic[i].name,
			   8 * per_s(b - r->prev_item_bytes[i], dt));
		r->prev_item_bytes[i] = b;
	}
	if (w->ppe) {
		u32 np = ppe_get_config(w->ppe)->num_ppe;

		for (i = 0; i < np; i++) {
			struct ppe_occupancy o;
			char key[16];

			ppe_get_occupancy(w->ppe, (int)i, &o);
			g_snprintf(key, sizeof(key), "ppe%u", i);
			sample_put(r, now, "ppe_bound", key, o.bound);
			sample_put(r, now, "ppe_unbound", key, o.unbound);
			r->peaks.ppe_bound_max = FS_MAX(r->peaks.ppe_bound_max, o.bound);
			r->peaks.ppe_unbound_max = FS_MAX(r->peaks.ppe_unbound_max, o.unbound);
		}
	}
	n = conntrack_count(router_conntrack(w->r));
	r->peaks.conntrack_max = FS_MAX(r->peaks.conntrack_max, n);
	sample_put(r, now, "conntrack", "entries", n);
	n = 0;
	for (i = 0; i < router_num_flowtables(w->r); i++)
		n += flowtable_count(router_flowtable(w->r, i));
	r->peaks.flowtable_max = FS_MAX(r->peaks.flowtable_max, n);
	sample_put(r, now, "flowtable", "flows", n);
	for (i = 0; i < s->n_ports; i++) {
		const struct world_port *wp = &w->ports[i];

		if (!wp->phys || !wp->q)
			continue;
		sample_put(r, now, "qdisc_backlog_pkts", s->ports[i].name,
			   wp->q->stats.backlog_pkts);
		sample_put(r, now, "qdisc_drops_pps", s->ports[i].name,
			   per_s(wp->q->stats.dropped_pkts - r->prev_qdisc_drops[i], dt));
		r->prev_qdisc_drops[i] = wp->q->stats.dropped_pkts;
	}
	for (i = 0; i < s->n_ports; i++) {
		const struct world_port *wp = &w->ports[i];
		struct qdisc *iq = wp->phys ? sim_router_port_ingress_qdisc(w->sr, wp->ifindex) :
				   NULL;

		if (iq)
			sample_put(r, now, "ingress_backlog_pkts", s->ports[i].name,
				   iq->stats.backlog_pkts);
	}
	drop_counters(r, drops);
	for (i = 0; i < D__COUNT; i++) {
		sample_put(r, now, "drops_pps", drop_names[i], per_s(drops[i] - r->prev_drops[i], dt));
		r->prev_drops[i] = drops[i];
	}
	r->prev_sr = *st;
	r->last_sample = now;
}

/* ----------------------------------------------------------- snapshots ---- */

static int offloaded_line(struct conntrack_entry *ct, void *arg)
{
	void **a = arg;
	GString *out = a[0];
	const u64 *now = a[1];
	struct ct_listing_opts o = { .acct = 1, .zones = 1 };
	char line[512];

	if ((ct->status & IPS_OFFLOAD) && ct_listing_proc_line(ct, *now, &o, line, sizeof(line)) > 0)
		g_string_append(out, line);
	return 0;
}

static gboolean take_snapshot(struct run *r, u8 what, u64 now, GError **error)
{
	struct world *w = r->w;
	u32 i, np;

	if (!r->td) {
		/*
		 * Reading ppeN/entries folds the MIB counters into the entries' totals, as the
		 * driver does: read even when nothing is recorded, so that the run does not
		 * depend on whether it is being recorded.  The other snapshots only read.
		 */
		if (w->ppe && (what == SCN_SNAP_PPE || what == SCN_SNAP_PPE_BIND)) {
			char scratch[4096];

			np = ppe_get_config(w->ppe)->num_ppe;
			for (i = 0; i < np; i++)
				ppe_dump(w->ppe, (int)i, what == SCN_SNAP_PPE_BIND, scratch,
					 sizeof(scratch), now);
		}
		return TRUE;
	}
	switch (what) {
	case SCN_SNAP_CONNTRACK:
		return tracedir_conntrack_snapshot(r->td, router_conntrack(w->r), now, NULL, error);
	case SCN_SNAP_PPE:
	case SCN_SNAP_PPE_BIND:
		if (!w->ppe)
			return TRUE;
		np = ppe_get_config(w->ppe)->num_ppe;
		for (i = 0; i < np; i++)
			if (!tracedir_ppe_snapshot(r->td, w->ppe, (int)i, what == SCN_SNAP_PPE_BIND,
						   now, error))
				return FALSE;
		return TRUE;
	case SCN_SNAP_NFT: {
		size_t size = 1 << 20;
		char *buf = g_malloc(size);
		gboolean ok;
		int len = ruleset_format(router_ruleset(w->r), buf, size);

		while (len < 0 && size < (64u << 20)) {
			size *= 4;
			buf = g_realloc(buf, size);
			len = ruleset_format(router_ruleset(w->r), buf, size);
		}
		ok = tracedir_text_snapshot(r->td, "nft", "nft/ruleset", now, buf, error);
		g_free(buf);
		return ok;
	}
	case SCN_SNAP_FLOWTABLE: {
		/* no kernel file lists the flowtable: users grep OFFLOAD in /proc */
		GString *out = g_string_new(NULL);
		void *arg[2] = { out, &now };
		gboolean ok;

		conntrack_for_each(router_conntrack(w->r), offloaded_line, arg);
		ok = tracedir_text_snapshot(r->td, "flowtable", "flowtable/offloaded", now,
					    out->str, error);
		g_string_free(out, TRUE);
		return ok;
	}
	}
	return TRUE;
}

/* The next snapshot time after (or at) `after`, ~0 if none. */
static u64 next_snapshot(const struct run *r)
{
	const struct scn_output *o = &r->s->output;
	u64 t = ~(u64)0;
	u32 i;

	for (i = 0; i < o->n_snapshots; i++) {
		const struct scn_snapshot *sn = &o->snapshots[i];

		if (r->snap_at_idx[i] < sn->n_at)
			t = FS_MIN(t, sn->at_ns[r->snap_at_idx[i]]);
		t = FS_MIN(t, r->snap_next_every[i]);
	}
	return t;
}

static gboolean snapshots_due(struct run *r, u64 now, GError **error)
{
	const struct scn_output *o = &r->s->output;
	u32 i;

	for (i = 0; i < o->n_snapshots; i++) {
		const struct scn_snapshot *sn = &o->snapshots[i];
		bool due = false;

		while (r->snap_at_idx[i] < sn->n_at && sn->at_ns[r->snap_at_idx[i]] <= now) {
			r->snap_at_idx[i]++;
			due = true;
		}
		while (r->snap_next_every[i] <= now) {
			r->snap_next_every[i] += sn->every_ns;
			due = true;
		}
		if (due && !take_snapshot(r, sn->what, now, error))
			return FALSE;
	}
	return TRUE;
}

/* ------------------------------------------------------------ progress ---- */

static void progress(struct run *r, u64 now, gint64 wall0, gint64 *last)
{
	gint64 t = g_get_monotonic_time();
	double frac = (double)now / (double)r->duration_ns, secs = (t - wall0) / 1e6;
	char bar[41];
	u32 i, fill = (u32)(frac * 40);

	if (t - *last < 200000 && now < r->duration_ns)
		return;
	*last = t;
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[40] = 0;
	fprintf(stderr, "\r[%s] %5.1f%%  %.1f/%.1f s  %.2f M pkt/s ", bar, frac * 100,
		now / 1e9, r->duration_ns / 1e9,
		secs > 0 ? world_link_packets(r->w) / secs / 1e6 : 0.0);
	if (now >= r->duration_ns)
		fprintf(stderr, "\r%*s\r", 80, "");   /* done: the summary replaces the bar */
	fflush(stderr);
}

/* ------------------------------------------------------------- execute ---- */

static gboolean recording_failed(struct run *r, GError **error)
{
	const GError *e = r->res ? results_pending_error(r->res) : NULL;

	if (!e && r->td)
		e = tracedir_pending_error(r->td);
	if (e) {
		g_set_error_literal(error, e->domain, e->code, e->message);
		return TRUE;
	}
	return FALSE;
}

gboolean run_execute(struct run *r, GError **error)
{
	struct engine *eng = r->w->eng;
	gint64 wall0 = g_get_monotonic_time(), last = 0;
	u64 end = r->duration_ns;

	r->next_sample = FS_MIN(r->interval_ns, end);
	r->last_sample = 0;
	for (;;) {
		u64 t = FS_MIN(FS_MIN(r->next_sample, next_snapshot(r)), end);

		engine_run_until(eng, t);
		if (t == r->next_sample) {
			sample(r, t);
			r->next_sample = t + r->interval_ns > end && t < end ? end :
											t + r->interval_ns;
		}
		if (!snapshots_due(r, t, error))
			return FALSE;
		if (recording_failed(r, error))
			return FALSE;
		if (r->opts.progress)
			progress(r, t, wall0, &last);
		if (t >= end)
			break;
	}
	if (r->end_snapshots && r->td) {
		if (!take_snapshot(r, SCN_SNAP_CONNTRACK, end, error) ||
		    !take_snapshot(r, SCN_SNAP_PPE_BIND, end, error))
			return FALSE;
	}
	r->wall_s = (g_get_monotonic_time() - wall0) / 1e6;
	return !recording_failed(r, error);
}

/* ---------------------------------------------------------------- flows ---- */

static void addr_text(char *buf, size_t size, const union fs_addr *a, u8 family)
{
	fs_addr_format(buf, size, family, a);
}

/* The path_json object of sim_pkt.flow `flow`'s forwarded packets. */
static void path_json_of(struct world *w, u32 flow, char *buf, size_t size)
{
	u64 pp[ROUTER_PATH__COUNT];

	sim_router_flow_paths(w->sr, flow, pp);
	g_snprintf(buf, size, "{\"slow\":%llu,\"flowtable\":%llu,\"ppe\":%llu,\"wed\":%llu}",
		   (unsigned long long)pp[ROUTER_PATH_SLOW],
		   (unsigned long long)pp[ROUTER_PATH_FLOWTABLE],
		   (unsigned long long)pp[ROUTER_PATH_PPE],
		   (unsigned long long)pp[ROUTER_PATH_WED]);
}

/*
 * One row per replayed connection (sim/replay.h): flow REPLAY_FLOW_BASE + i, name and type
 * "replay", client/server the addresses of its original tuple (its first packet's source
 * and destination as the router received it), bytes the L4 payload injected and forwarded,
 * lost what the router dropped, sent nowhere (stale hardware) or never got (link down).
 * Nothing measures goodput or latency of a capture: both NULL.
 */
static void record_replay_flows(struct run *r)
{
	u32 i, n = replay_conn_count(r->replay);

	for (i = 0; i < n; i++) {
		const struct replay_conn *c = replay_conn_get(r->replay, i);
		struct results_flow f;
		char cli[64], srv[64], paths[160];
		int d;

		memset(&f, 0, sizeof(f));
		f.flow = REPLAY_FLOW_BASE + i;
		f.name = "replay";
		f.type = "replay";
		f.family = c->t.family;
		f.proto = c->t.proto;
		addr_text(cli, sizeof(cli), &c->t.src, c->t.family);
		addr_text(srv, sizeof(srv), &c->t.dst, c->t.family);
		f.client = cli;
		f.server = srv;
		f.sport = c->t.sport;
		f.dport = c->t.dport;
		f.goodput_bps = NAN;
		f.lat_p50_ns = -1;
		f.lat_p99_ns = -1;
		for (d = 0; d < 2; d++) {
			f.bytes_sent += c->injected_payload[d];
			f.bytes_delivered += c->forwarded_payload[d];
			f.lost += c->dropped[d] + c->misdelivered[d] + c->link_down[d];
		}
		path_json_of(r->w, f.flow, paths, sizeof(paths));
		f.path_json = paths;
		results_flow(r->res, &f);
	}
}

void run_record_flows(struct run *r)
{
	struct world *w = r->w;
	u32 i, n;

	if (!r->res)
		return;
	n = traffic_flow_count(w->traffic);
	for (i = 0; i < n; i++) {
		struct traffic_flow_result fr;
		struct results_flow f;
		char cli[64], srv[64], paths[160];
		u32 it = world_flow_item(w, i);
		const struct scn_traffic *tr;
		int d;

		if (it == ~0u || !traffic_flow_result(w->traffic, i, &fr))
			continue;
		tr = &r->s->traffic[w->items[it].scn];
		memset(&f, 0, sizeof(f));
		f.flow = i;
		f.name = tr->name;
		f.type = scn_traffic_type_names[tr->type];
		f.family = fr.tuple.family;
		f.proto = fr.proto;
		addr_text(cli, sizeof(cli), &fr.tuple.src, fr.tuple.family);
		addr_text(srv, sizeof(srv), &fr.tuple.dst, fr.tuple.family);
		f.client = cli;
		f.server = srv;
		f.sport = fr.tuple.sport;
		f.dport = fr.tuple.dport;
		f.lat_p50_ns = -1;
		f.lat_p99_ns = -1;
		/* both directions together: a flow's data direction carries nearly all of it */
		for (d = 0; d < 2; d++) {
			f.bytes_sent += fr.tx_bytes[d];
			f.bytes_delivered += fr.rx_bytes[d];
			f.goodput_bps += fr.goodput_bps[d];
			f.lost += fr.lost_pkts[d];
			if (fr.latency[d].samples) {
				f.lat_p50_ns = FS_MAX(f.lat_p50_ns, (s64)fr.latency[d].p50_ns);
				f.lat_p99_ns = FS_MAX(f.lat_p99_ns, (s64)fr.latency[d].p99_ns);
			}
		}
		/* packets of the flow (both directions) per path, as the router forwarded them */
		path_json_of(w, i, paths, sizeof(paths));
		f.path_json = paths;
		results_flow(r->res, &f);
	}
	if (r->replay)
		record_replay_flows(r);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

u64 run_percentile(u64 *v, size_t n, u32 p)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (size_t)ceil((double)p / 100.0 * (double)n);
	return v[rank ? rank - 1 : 0];
}
