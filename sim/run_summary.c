/* SPDX-License-Identifier: MIT */
/*
 * run_summary.c - the summary of a run, as JSON (docs/results-json.md) and as text.
 *
 * Both are built from one struct summary computed from the world's counters after the
 * run.  The JSON is written by hand rather than through json-glib so that its bytes are
 * fixed by this file alone: keys in a fixed order, integers as integers, reals with a
 * fixed number of decimals ("%.3f" for rates and percentages, "%.6f" for shares), so the
 * same run gives the same file on every machine and library version.
 *
 * Throughput of an item is the L4 payload its flows delivered, divided by the item's
 * active time (start to min(stop, run duration)).  CPU per core is the time the core spent
 * on packet work (sim_router busy time) over the run; the profile's background load is
 * reported beside it, not added.
 */
#include <math.h>
#include <string.h>

#include "run.h"

/* ------------------------------------------------------------ JSON writer ---- */

struct jw {
	GString *s;
	u32 depth;
	bool first;       /* no value yet at this depth */
};

static void jw_indent(struct jw *j)
{
	u32 i;

	g_string_append_c(j->s, '\n');
	for (i = 0; i < j->depth; i++)
		g_string_append(j->s, "  ");
}

static void jw_sep(struct jw *j)
{
	if (j->depth == 0)
		return;
	if (!j->first)
		g_string_append_c(j->s, ',');
	jw_indent(j);
	j->first = false;
}

static void jw_str_raw(struct jw *j, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	g_string_append_c(j->s, '"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(j->s, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf(j->s, "\\u%04x", *p);
		else
			g_string_append_c(j->s, (char)*p);
	}
	g_string_append_c(j->s, '"');
}

static void jw_key(struct jw *j, const char *k)
{
	jw_sep(j);
	if (k) {
		jw_str_raw(j, k);
		g_string_append(j->s, ": ");
	}
}

static void jw_open(struct jw *j, const char *k, char c)
{
	if (j->depth || k)
		jw_key(j, k);
	g_string_append_c(j->s, c);
	j->depth++;
	j->first = true;
}

static void jw_close(struct jw *j, char c)
{
	j->depth--;
	if (!j->first)
		jw_indent(j);
	g_string_append_c(j->s, c);
	j->first = false;
}

static void jw_u64(struct jw *j, const char *k, u64 v)
{
	jw_key(j, k);
	g_string_append_printf(j->s, "%" G_GUINT64_FORMAT, v);
}

static void jw_real(struct jw *j, const char *k, double v, int decimals)
{
	char buf[64];

	jw_key(j, k);
	if (!isfinite(v)) {
		g_string_append(j->s, "null");
		return;
	}
	g_snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (!strcmp(buf, "-0.000") || !strcmp(buf, "-0.000000"))
		memmove(buf, buf + 1, strlen(buf));
	g_string_append(j->s, buf);
}

static void jw_str(struct jw *j, const char *k, const char *v)
{
	jw_key(j, k);
	if (v)
		jw_str_raw(j, v);
	else
		g_string_append(j->s, "null");
}

static void jw_bool(struct jw *j, const char *k, bool v)
{
	jw_key(j, k);
	g_string_append(j->s, v ? "true" : "false");
}

/* ------------------------------------------------------------ the summary ---- */

struct lat_sum {
	u64 samples, p50, p99, max;
};

struct item_sum {
	u64 flows;
	u64 bytes[2];             /* delivered payload by sending side */
	double active_s;
	double bps[2];            /* [0] up (client -> server), [1] down */
	struct lat_sum lat[2];
};

static void item_summary(struct run *r, u32 i, const u32 *flows, struct item_sum *out)
{
	const struct scn_traffic *tr = &r->s->traffic[i];
	struct world_item *it = &r->w->items[i];
	u64 stop = FS_MIN(tr->stop_ns, r->duration_ns);
	int d;

	memset(out, 0, sizeof(*out));
	out->flows = flows[i];
	out->active_s = stop > tr->start_ns ? (double)(stop - tr->start_ns) / 1e9 : 0.0;
	for (d = 0; d < 2; d++) {
		struct world_lat *l = &it->lat[d];

		out->bytes[d] = it->rx_bytes[d];
		out->bps[d] = out->active_s > 0 ? (double)it->rx_bytes[d] * 8 / out->active_s : 0;
		if (l->n) {
			u64 *v = g_memdup2(l->v, l->n * sizeof(u64));

			out->lat[d].samples = l->n;
			out->lat[d].p50 = run_percentile(v, l->n, 50);
			out->lat[d].p99 = run_percentile(v, l->n, 99);
			out->lat[d].max = v[l->n - 1];
			g_free(v);
		}
	}
}

static u32 *flows_per_item(struct run *r)
{
	u32 *n = g_new0(u32, r->s->n_traffic + 1), i, nf = traffic_flow_count(r->w->traffic);

	for (i = 0; i < nf; i++) {
		u32 it = world_flow_item(r->w, i);

		if (it != ~0u)
			n[it]++;
	}
	return n;
}

static double cpu_pct(const struct run *r, u32 c)
{
	const struct sim_router_stats *st = sim_router_get_stats(r->w->sr);
	double v = r->duration_ns ? 100.0 * (double)st->busy_ns[c] / (double)r->duration_ns : 0;

	return v > 100.0 ? 100.0 : v;
}

static double background_pct(const struct run *r)
{
	return 100.0 * (double)r->s->router.soc.host.background_cycles /
	       (double)world_cpu_hz(r->w);
}

static const char *offload_mode(const struct run *r)
{
	const struct fw4_defaults *d = &r->s->router.fw.defaults;

	if (!d->flow_offloading)
		return "none";
	if (r->w->offload.num == 0)
		return "none";
	return r->w->offload.hw ? "hardware" : "software";
}

static void json_paths(struct jw *j, const struct sim_router_stats *st)
{
	u64 tp = 0, tb = 0;
	u32 i;

	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		tp += st->path_packets[i];
		tb += st->path_bytes[i];
	}
	jw_open(j, "paths", '{');
	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		jw_open(j, router_path_name((u8)i), '{');
		jw_u64(j, "packets", st->path_packets[i]);
		jw_u64(j, "bytes", st->path_bytes[i]);
		jw_real(j, "packet_share", tp ? (double)st->path_packets[i] / (double)tp : 0, 6);
		jw_real(j, "byte_share", tb ? (double)st->path_bytes[i] / (double)tb : 0, 6);
		jw_close(j, '}');
	}
	jw_close(j, '}');
}

static void json_lat(struct jw *j, const char *k, const struct lat_sum *l)
{
	jw_open(j, k, '{');
	jw_u64(j, "samples", l->samples);
	jw_u64(j, "p50_ns", l->p50);
	jw_u64(j, "p99_ns", l->p99);
	jw_u64(j, "max_ns", l->max);
	jw_close(j, '}');
}

static void json_traffic(struct jw *j, struct run *r)
{
	static const char *const dir_names[] = { "download", "upload", "both" };
	u32 *flows = flows_per_item(r), i;

	jw_open(j, "traffic", '[');
	for (i = 0; i < r->s->n_traffic; i++) {
		const struct scn_traffic *tr = &r->s->traffic[i];
		struct item_sum is;

		item_summary(r, i, flows, &is);
		jw_open(j, NULL, '{');
		jw_str(j, "name", tr->name);
		jw_str(j, "type", scn_traffic_type_names[tr->type]);
		jw_str(j, "client", r->s->hosts[tr->client].name);
		jw_str(j, "server", r->s->hosts[tr->server].name);
		jw_str(j, "direction", dir_names[tr->direction < 3 ? tr->direction : 0]);
		jw_u64(j, "flows", is.flows);
		jw_real(j, "active_s", is.active_s, 3);
		jw_u64(j, "down_bytes", is.bytes[1]);
		jw_u64(j, "up_bytes", is.bytes[0]);
		jw_real(j, "down_bps", is.bps[1], 3);
		jw_real(j, "up_bps", is.bps[0], 3);
		jw_real(j, "throughput_bps", is.bps[0] + is.bps[1], 3);
		if (r->w->items[i].latency) {
			jw_open(j, "latency", '{');
			json_lat(j, "down", &is.lat[1]);
			json_lat(j, "up", &is.lat[0]);
			jw_close(j, '}');
		} else {
			jw_key(j, "latency");
			g_string_append(j->s, "null");
		}
		jw_close(j, '}');
	}
	jw_close(j, ']');
	g_free(flows);
}

static void json_cpu(struct jw *j, struct run *r)
{
	u32 i, n = world_cpus(r->w);
	double sum = 0;

	jw_open(j, "cpu", '{');
	jw_u64(j, "cpus", n);
	jw_u64(j, "clock_hz", world_cpu_hz(r->w));
	jw_open(j, "per_cpu_pct", '[');
	for (i = 0; i < n; i++) {
		jw_real(j, NULL, cpu_pct(r, i), 3);
		sum += cpu_pct(r, i);
	}
	jw_close(j, ']');
	jw_real(j, "mean_pct", sum / n, 3);
	jw_real(j, "max_interval_pct", r->peaks.cpu_max_pct, 3);
	jw_real(j, "background_pct", background_pct(r), 3);
	jw_u64(j, "cycles", router_get_stats(r->w->r)->cycles);
	jw_close(j, '}');
}

static void json_ppe(struct jw *j, struct run *r)
{
	u32 i, np;

	if (!r->w->ppe) {
		jw_key(j, "ppe");
		g_string_append(j->s, "null");
		return;
	}
	np = ppe_get_config(r->w->ppe)->num_ppe;
	jw_open(j, "ppe", '{');
	jw_u64(j, "entries", ppe_get_config(r->w->ppe)->entries);
	jw_u64(j, "bound_max", r->peaks.ppe_bound_max);
	jw_u64(j, "unbound_max", r->peaks.ppe_unbound_max);
	jw_open(j, "instances", '[');
	for (i = 0; i < np; i++) {
		const struct ppe_stats *ps = ppe_get_stats(r->w->ppe, (int)i);
		struct ppe_occupancy o;

		ppe_get_occupancy(r->w->ppe, (int)i, &o);
		jw_open(j, NULL, '{');
		jw_u64(j, "bound", o.bound);
		jw_u64(j, "unbound", o.unbound);
		jw_u64(j, "fin", o.fin);
		jw_u64(j, "reserved", o.reserved);
		jw_u64(j, "free", o.free);
		jw_real(j, "occupancy_pct", 100.0 * (o.bound + o.unbound + o.fin) /
			(double)FS_MAX(1u, o.bound + o.unbound + o.fin + o.free), 3);
		jw_u64(j, "hw_packets", ps->hw_packets);
		jw_u64(j, "hw_bytes", ps->hw_bytes);
		jw_u64(j, "misdelivered", ps->misdelivered);
		jw_u64(j, "binds", ps->binds);
		jw_u64(j, "unbind_created", ps->unbind_created);
		jw_u64(j, "full", ps->full);
		jw_u64(j, "aged", ps->aged);
		jw_u64(j, "cleared", ps->cleared);
		jw_close(j, '}');
	}
	jw_close(j, ']');
	jw_close(j, '}');
}

static void json_tables(struct jw *j, struct run *r)
{
	struct flowtable_stats fs;
	u32 i, flows = 0, nft = router_num_flowtables(r->w->r);

	memset(&fs, 0, sizeof(fs));
	for (i = 0; i < nft; i++) {
		const struct flowtable_stats *x = flowtable_get_stats(router_flowtable(r->w->r, i));

		flows += flowtable_count(router_flowtable(r->w->r, i));
		fs.added += x->added;
		fs.torn_down += x->torn_down;
		fs.hw_add_ok += x->hw_add_ok;
		fs.hw_add_refused += x->hw_add_refused;
	}
	jw_open(j, "conntrack", '{');
	jw_u64(j, "entries", conntrack_count(router_conntrack(r->w->r)));
	jw_u64(j, "entries_max", r->peaks.conntrack_max);
	jw_u64(j, "limit", conntrack_table_params(router_conntrack(r->w->r))->max);
	jw_close(j, '}');
	jw_open(j, "flowtable", '{');
	jw_u64(j, "flowtables", nft);
	jw_u64(j, "flows", flows);
	jw_u64(j, "flows_max", r->peaks.flowtable_max);
	jw_u64(j, "added", fs.added);
	jw_u64(j, "torn_down", fs.torn_down);
	jw_u64(j, "hw_add_ok", fs.hw_add_ok);
	jw_u64(j, "hw_add_refused", fs.hw_add_refused);
	jw_close(j, '}');
}

static void json_events_drops(struct jw *j, struct run *r)
{
	const struct world_stats *ws = &r->w->st;
	const struct sim_router_stats *st = sim_router_get_stats(r->w->sr);
	u32 i;

	jw_open(j, "events", '{');
	for (i = 0; i < FS_EV__COUNT; i++)
		jw_u64(j, fs_event_name((enum fs_event_type)i), ws->events[i]);
	jw_u64(j, "roam", ws->roams);
	jw_u64(j, "link_change", ws->link_changes);
	jw_u64(j, "firewall_reload", ws->reloads);
	jw_close(j, '}');
	jw_open(j, "drops", '{');
	for (i = 1; i < ROUTER_DROP__COUNT; i++)
		jw_u64(j, router_drop_reason_name((u8)i), ws->router_drops[i]);
	jw_u64(j, "rx_ring", st->rx_ring_drops);
	jw_u64(j, "backlog", st->backlog_drops);
	jw_u64(j, "qdisc", st->qdisc_drops);
	jw_u64(j, "ingress_qdisc", st->ingress_qdisc_drops);
	jw_u64(j, "hw_fifo", st->hw_fifo_drops);
	jw_u64(j, "link", ws->link_drops);
	jw_u64(j, "medium", ws->medium_drops);
	jw_u64(j, "misdelivered", ws->misdelivered);
	jw_u64(j, "misrouted", ws->misrouted);
	jw_close(j, '}');
}

/* --replay: what became of the capture's packets (docs/results-json.md, "replay"). */
static void json_replay(struct jw *j, struct run *r)
{
	const struct replay_stats *rs;
	u32 i;

	if (!r->replay)
		return;
	rs = replay_get_stats(r->replay);
	jw_open(j, "replay", '{');
	jw_str(j, "file", replay_file(r->replay));
	jw_str(j, "linktype", replay_linktype(r->replay));
	jw_u64(j, "first_ts_ns", rs->first_ts_ns);
	jw_u64(j, "records", rs->records);
	jw_u64(j, "decoded", rs->decoded);
	jw_open(j, "skipped", '{');
	for (i = 0; i < PCAP_SKIP__COUNT; i++)
		jw_u64(j, pcap_skip_reason_name((enum pcap_skip_reason)i), rs->skipped[i]);
	jw_close(j, '}');
	jw_u64(j, "unmapped", rs->unmapped);
	jw_u64(j, "after_end", rs->after_end);
	jw_u64(j, "reordered", rs->reordered);
	jw_u64(j, "injected", rs->injected);
	jw_u64(j, "link_down", rs->link_down);
	jw_u64(j, "forwarded", rs->forwarded);
	jw_u64(j, "misdelivered", rs->misdelivered);
	jw_u64(j, "local", rs->local);
	jw_u64(j, "dropped", rs->dropped);
	jw_u64(j, "neighbours", rs->neighbours);
	jw_u64(j, "connections", rs->connections);
	jw_open(j, "forwarded_by_port", '{');
	for (i = 0; i < r->s->n_ports; i++)
		if (replay_forwarded_on(r->replay, i))
			jw_u64(j, r->s->ports[i].name, replay_forwarded_on(r->replay, i));
	jw_close(j, '}');
	jw_open(j, "unmapped_sources", '[');
	for (i = 0; i < replay_unmapped_count(r->replay); i++) {
		const struct replay_unmapped *u = replay_unmapped_get(r->replay, i);
		char addr[64];

		fs_addr_format(addr, sizeof(addr), u->family, &u->addr);
		jw_open(j, NULL, '{');
		jw_str(j, "address", addr);
		jw_u64(j, "packets", u->packets);
		jw_close(j, '}');
	}
	jw_close(j, ']');
	jw_close(j, '}');
}

char *run_summary_json(struct run *r)
{
	const struct scenario *s = r->s;
	const struct sim_router_stats *st = sim_router_get_stats(r->w->sr);
	struct traffic_totals tt;
	struct jw j = { g_string_new(NULL), 0, true };
	char kernel[16];
	u32 i;

	traffic_get_totals(r->w->traffic, &tt);
	g_snprintf(kernel, sizeof(kernel), "%u.%u", s->router.kernel / 100, s->router.kernel % 100);
	jw_open(&j, NULL, '{');
	jw_str(&j, "format", "flowsim-run-summary");
	jw_u64(&j, "version", 1);
	jw_open(&j, "scenario", '{');
	jw_str(&j, "name", s->name);
	jw_u64(&j, "seed", r->seed);
	jw_u64(&j, "duration_ns", r->duration_ns);
	jw_str(&j, "soc", s->router.soc.name);
	jw_str(&j, "kernel", kernel);
	jw_close(&j, '}');
	jw_open(&j, "offload", '{');
	jw_bool(&j, "flow_offloading", s->router.fw.defaults.flow_offloading);
	jw_bool(&j, "flow_offloading_hw", s->router.fw.defaults.flow_offloading_hw);
	jw_str(&j, "mode", offload_mode(r));
	jw_bool(&j, "hw_fallback", r->w->offload.hw_fallback);
	jw_open(&j, "devices", '[');
	for (i = 0; i < r->w->offload.num; i++)
		jw_str(&j, NULL, r->w->offload.dev[i]);
	jw_close(&j, ']');
	jw_close(&j, '}');
	json_paths(&j, st);
	json_traffic(&j, r);
	json_cpu(&j, r);
	json_ppe(&j, r);
	json_tables(&j, r);
	json_events_drops(&j, r);
	jw_open(&j, "flows", '{');
	jw_u64(&j, "started", tt.flows_started);
	jw_u64(&j, "active", tt.flows_active);
	jw_u64(&j, "done", tt.flows_done);
	jw_u64(&j, "failed", tt.flows_failed);
	jw_close(&j, '}');
	jw_open(&j, "packets", '{');
	jw_u64(&j, "sent", r->w->st.host_frames);
	jw_u64(&j, "delivered", r->w->st.delivered);
	jw_u64(&j, "router_rx", st->rx_frames);
	jw_u64(&j, "router_tx", st->tx_frames);
	jw_u64(&j, "link_packets", world_link_packets(r->w));
	jw_u64(&j, "gro_merged", st->gro_merged);
	jw_close(&j, '}');
	json_replay(&j, r);
	jw_close(&j, '}');
	g_string_append_c(j.s, '\n');
	return g_string_free(j.s, FALSE);
}

/* ------------------------------------------------------------------ text ---- */

static const char *si(double v, char *buf, size_t size, const char *unit)
{
	if (v >= 1e9)
		g_snprintf(buf, size, "%.2f G%s", v / 1e9, unit);
	else if (v >= 1e6)
		g_snprintf(buf, size, "%.2f M%s", v / 1e6, unit);
	else if (v >= 1e3)
		g_snprintf(buf, size, "%.2f k%s", v / 1e3, unit);
	else
		g_snprintf(buf, size, "%.0f %s", v, unit);
	return buf;
}

void run_print_summary(struct run *r, FILE *f)
{
	const struct scenario *s = r->s;
	const struct sim_router_stats *st = sim_router_get_stats(r->w->sr);
	const struct world_stats *ws = &r->w->st;
	u32 *flows = flows_per_item(r), i, n = world_cpus(r->w);
	u64 tp = 0, tb = 0;
	char a[32], b[32];

	fprintf(f, "flowsim run: %s (seed %" G_GUINT64_FORMAT ", %.3f s simulated, %s, kernel "
		"%u.%u)\n", s->name[0] ? s->name : s->file, r->seed, r->duration_ns / 1e9,
		s->router.soc.name, s->router.kernel / 100, s->router.kernel % 100);
	fprintf(f, "offload: %s%s\n", offload_mode(r),
		r->w->offload.hw_fallback ? " (hardware requested, fw4 fell back to software)" : "");
	for (i = 0; i < ROUTER_PATH__COUNT; i++) {
		tp += st->path_packets[i];
		tb += st->path_bytes[i];
	}
	fprintf(f, "\npath        packets        share   bytes           share\n");
	for (i = 0; i < ROUTER_PATH__COUNT; i++)
		fprintf(f, "  %-9s %-14" G_GUINT64_FORMAT " %5.1f%%  %-15" G_GUINT64_FORMAT
			" %5.1f%%\n", router_path_name((u8)i), st->path_packets[i],
			tp ? 100.0 * st->path_packets[i] / tp : 0.0, st->path_bytes[i],
			tb ? 100.0 * st->path_bytes[i] / tb : 0.0);
	fprintf(f, "\ntraffic\n");
	for (i = 0; i < s->n_traffic; i++) {
		const struct scn_traffic *tr = &s->traffic[i];
		struct item_sum is;
		int d;

		item_summary(r, i, flows, &is);
		fprintf(f, "  %-14s %-10s %5" G_GUINT64_FORMAT " flows  down %s  up %s\n",
			tr->name, scn_traffic_type_names[tr->type], is.flows,
			si(is.bps[1], a, sizeof(a), "bit/s"), si(is.bps[0], b, sizeof(b), "bit/s"));
		for (d = 1; d >= 0 && r->w->items[i].latency; d--)
			if (is.lat[d].samples)
				fprintf(f, "  %-14s %s latency p50 %.3f ms  p99 %.3f ms  max %.3f ms "
					"(%" G_GUINT64_FORMAT " packets)\n", "", d ? "down" : "up  ",
					is.lat[d].p50 / 1e6, is.lat[d].p99 / 1e6, is.lat[d].max / 1e6,
					is.lat[d].samples);
	}
	fprintf(f, "\ncpu (packet work; background %.1f%% not included)\n ",
		background_pct(r));
	for (i = 0; i < n; i++)
		fprintf(f, " cpu%u %5.1f%%", i, cpu_pct(r, i));
	fprintf(f, "\n");
	if (r->w->ppe) {
		u32 np = ppe_get_config(r->w->ppe)->num_ppe;

		fprintf(f, "\n");
		for (i = 0; i < np; i++) {
			struct ppe_occupancy o;
			const struct ppe_stats *ps = ppe_get_stats(r->w->ppe, (int)i);

			ppe_get_occupancy(r->w->ppe, (int)i, &o);
			fprintf(f, "ppe%u: %u bound, %u unbound, %u free of %u (bound max %u); %"
				G_GUINT64_FORMAT " binds, %" G_GUINT64_FORMAT " table-full misses\n",
				i, o.bound, o.unbound, o.free, ppe_get_config(r->w->ppe)->entries,
				r->peaks.ppe_bound_max, ps->binds, ps->full);
		}
	}
	fprintf(f, "conntrack: %u entries at the end (max %u, limit %u)\n",
		conntrack_count(router_conntrack(r->w->r)), r->peaks.conntrack_max,
		conntrack_table_params(router_conntrack(r->w->r))->max);
	fprintf(f, "events:");
	for (i = 0; i < FS_EV__COUNT; i++)
		if (ws->events[i] && i != FS_EV_CT_UPDATE)
			fprintf(f, " %s %" G_GUINT64_FORMAT, fs_event_name((enum fs_event_type)i),
				ws->events[i]);
	fprintf(f, "\ndrops: rx_ring %" G_GUINT64_FORMAT ", backlog %" G_GUINT64_FORMAT
		", qdisc %" G_GUINT64_FORMAT ", hw_fifo %" G_GUINT64_FORMAT ", link %"
		G_GUINT64_FORMAT ", wifi %" G_GUINT64_FORMAT ", misdelivered %" G_GUINT64_FORMAT
		"\n", st->rx_ring_drops, st->backlog_drops, st->qdisc_drops, st->hw_fifo_drops,
		ws->link_drops, ws->medium_drops, ws->misdelivered);
	if (st->ifb_redirects)
		fprintf(f, "ingress shaping: %" G_GUINT64_FORMAT " skbs through the ifb, %"
			G_GUINT64_FORMAT " dropped there\n", st->ifb_redirects,
			st->ingress_qdisc_drops);
	if (r->replay) {
		const struct replay_stats *rs = replay_get_stats(r->replay);

		fprintf(f, "replay: %s (%s): %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT
			" injected (%" G_GUINT64_FORMAT " connections), %" G_GUINT64_FORMAT
			" forwarded, %" G_GUINT64_FORMAT " local, %" G_GUINT64_FORMAT " dropped; "
			"not replayed:", replay_file(r->replay), replay_linktype(r->replay),
			rs->records, rs->injected, rs->connections, rs->forwarded, rs->local,
			rs->dropped);
		for (i = 0; i < PCAP_SKIP__COUNT; i++)
			if (rs->skipped[i])
				fprintf(f, " %s %" G_GUINT64_FORMAT,
					pcap_skip_reason_name((enum pcap_skip_reason)i), rs->skipped[i]);
		fprintf(f, " unmapped %" G_GUINT64_FORMAT " after_end %" G_GUINT64_FORMAT "\n",
			rs->unmapped, rs->after_end);
		for (i = 0; i < replay_unmapped_count(r->replay); i++) {
			const struct replay_unmapped *u = replay_unmapped_get(r->replay, i);
			char addr[64];

			fs_addr_format(addr, sizeof(addr), u->family, &u->addr);
			fprintf(f, "  unmapped source %s: %" G_GUINT64_FORMAT " packets\n", addr,
				u->packets);
		}
	}
	fprintf(f, "\nsimulated %" G_GUINT64_FORMAT " link packets in %.2f s (%.2f M packets per "
		"wall second)\n", world_link_packets(r->w), r->wall_s,
		r->wall_s > 0 ? world_link_packets(r->w) / r->wall_s / 1e6 : 0.0);
	g_free(flows);
}
