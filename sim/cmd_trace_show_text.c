// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show_text.c - `flowsim trace show` on a bundle, as text for a person: what the
 * manifest says about the router; one line per sample (conntrack entries by state, PPE
 * entries by state per table with the bound entries that match no listed connection, CPU
 * load of the interval ending there); PPE occupancy; per connection the samples where its
 * state changed (offload state, TCP state, PPE entries bound to either direction, with "PPE
 * still bound" where the conntrack side no longer says offloaded); per-CPU load.
 */
#include <string.h>

#include "cmd_trace_show_internal.h"

/* ------------------------------------------------------------ bundle: text ---- */

static const char *mv(const struct bundle *b, const char *key)
{
	const char *v = bundle_manifest_get(b, key);

	return v && *v ? v : "-";
}

void trace_show_text_header(GString *s, const struct bundle *b, const struct bundle_timeline *tl)
{
	guint i;
	bool any = false;

	g_string_append_printf(s, "bundle    %s%s%s%s\n", b->source, *b->top ? " (" : "",
			       b->top, *b->top ? "/)" : "");
	g_string_append_printf(s, "device    %s (board %s, host %s)\n", mv(b, "device"),
			       mv(b, "board"), mv(b, "host"));
	if (tl->soc)
		g_string_append_printf(s, "soc       %s: %s, %u-way buckets, %u PPE%s\n",
				       tl->soc->name, ppe_cli_layout_name(tl->soc), tl->soc->ways,
				       tl->soc->ppe_count, tl->soc->ppe_count == 1 ? "" : "s");
	else if (strcmp(mv(b, "soc"), "-"))
		g_string_append_printf(s, "soc       %s (not a SoC flowsim models)\n", mv(b, "soc"));
	else
		g_string_append(s, "soc       unknown (no MediaTek or Airoha SoC in the device tree "
				   "or cpuinfo)\n");
	if (strcmp(mv(b, "openwrt_release"), "-"))
		g_string_append_printf(s, "firmware  OpenWrt %s %s (%s), kernel %s %s\n",
				       mv(b, "openwrt_release"), mv(b, "openwrt_revision"),
				       mv(b, "openwrt_target"), mv(b, "kernel"), mv(b, "arch"));
	else
		g_string_append_printf(s, "firmware  not OpenWrt (no /etc/openwrt_release), kernel "
				       "%s %s\n", mv(b, "kernel"), mv(b, "arch"));
	g_string_append_printf(s, "offload   flow_offloading=%s flow_offloading_hw=%s "
			       "wed_enable=%s\n", mv(b, "flow_offloading"),
			       mv(b, "flow_offloading_hw"), mv(b, "wed_enable"));
	g_string_append_printf(s, "samples   %u every %u s from %s, %s (stop: %s), times from "
			       "%s\n", b->samples->len, b->interval, mv(b, "start_utc"),
			       b->complete ? "complete" : "INCOMPLETE", mv(b, "stop"),
			       b->time_from_uptime ? "/proc/uptime" :
			       b->time_from_unix ? "the wall clock" : "sample numbers");
	g_string_append(s, "ppe       ");
	for (i = 0; i < b->ppe_dirs->len; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "",
				       (const char *)g_ptr_array_index(b->ppe_dirs, i));
	if (!b->ppe_dirs->len)
		g_string_append(s, "none recorded");
	if (tl->table_size)
		g_string_append_printf(s, "; %u entries per table (%s)", tl->table_size,
				       tl->table_size_source);
	g_string_append(s, "\nstatic    ");
	for (i = 0; i < b->paths->len; i++) {
		const char *p = g_ptr_array_index(b->paths, i);

		if (!strncmp(p, "static/", 7)) {
			g_string_append_printf(s, "%s%s", any ? " " : "", p + 7);
			any = true;
		}
	}
	g_string_append(s, any ? "\n" : "none\n");
}

static const struct bundle_cpu_load *cpu_of(const struct bundle_point *pt, s32 cpu)
{
	guint j;

	for (j = 0; pt->has_cpu && j < pt->cpu->len; j++) {
		const struct bundle_cpu_load *c = &g_array_index(pt->cpu, struct bundle_cpu_load, j);

		if (c->cpu == cpu)
			return c->valid ? c : NULL;
	}
	return NULL;
}

void trace_show_text_samples(GString *s, const struct bundle_timeline *tl)
{
	guint i, j;

	g_string_append(s, "\nper sample: conntrack entries by state (u unreplied, s slow, a "
			   "assured, O [OFFLOAD], H [HW_OFFLOAD]); PPE entries BND/UNB/FIN and\n"
			   "bound entries matching no listed connection (orphan); CPU busy and "
			   "softirq % of the interval ending at the sample\n");
	g_string_append(s, "  #        t/s   conn     u     s     a     O     H");
	if (tl->points->len) {
		const struct bundle_point *p0 = &g_array_index(tl->points, struct bundle_point, 0);

		for (j = 0; j < p0->ppe->len; j++)
			g_string_append_printf(s, "  %-7s BND/UNB/FIN orphan",
					       g_array_index(p0->ppe, struct bundle_ppe_occ, j).dir);
	}
	g_string_append(s, "   cpu%  sirq%\n");
	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);
		const struct bundle_cpu_load *c = cpu_of(pt, PROC_STAT_AGGREGATE);

		g_string_append_printf(s, "  %-4u %7.2f", pt->seq, pt->t);
		if (pt->ct.present)
			g_string_append_printf(s, " %6u %5u %5u %5u %5u %5u", pt->ct.entries,
					       pt->ct.by_state[BF_UNREPLIED], pt->ct.by_state[BF_SLOW],
					       pt->ct.by_state[BF_ASSURED],
					       pt->ct.by_state[BF_OFFLOAD],
					       pt->ct.by_state[BF_HW_OFFLOAD]);
		else
			g_string_append_printf(s, " %6s %5s %5s %5s %5s %5s", "-", "", "", "", "",
					       "");
		for (j = 0; j < pt->ppe->len; j++) {
			const struct bundle_ppe_occ *oc = &g_array_index(pt->ppe,
									 struct bundle_ppe_occ, j);
			char cell[40];

			if (!oc->has_entries && !oc->has_bind)
				g_strlcpy(cell, "-", sizeof(cell));
			else if (!oc->has_entries)
				g_snprintf(cell, sizeof(cell), "%u/?/?", oc->state[PPE_STATE_BIND]);
			else
				g_snprintf(cell, sizeof(cell), "%u/%u/%u", oc->state[PPE_STATE_BIND],
					   oc->state[PPE_STATE_UNBIND], oc->state[PPE_STATE_FIN]);
			g_string_append_printf(s, "  %19s", cell);
			if (pt->ct.present && (oc->has_entries || oc->has_bind))
				g_string_append_printf(s, " %6u", oc->bound_orphan);
			else
				g_string_append_printf(s, " %6s", "-");
		}
		if (c)
			g_string_append_printf(s, " %6.1f %6.1f\n", c->busy_pct, c->softirq_pct);
		else
			g_string_append_printf(s, " %6s %6s\n", "-", "-");
	}
}

void trace_show_text_occupancy(GString *s, const struct bundle_timeline *tl)
{
	u32 peak = 0, peak_bnd = 0;
	const char *peak_dir = NULL;
	double peak_t = 0;
	guint i, j;

	if (!tl->table_size)
		return;
	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);

		for (j = 0; j < pt->ppe->len; j++) {
			const struct bundle_ppe_occ *oc = &g_array_index(pt->ppe,
									 struct bundle_ppe_occ, j);

			if (oc->entries > peak || !peak_dir) {
				peak = oc->entries;
				peak_bnd = oc->state[PPE_STATE_BIND];
				peak_dir = oc->dir;
				peak_t = pt->t;
			}
		}
	}
	if (peak_dir)
		g_string_append_printf(s, "PPE occupancy peak: %s %u of %u entries (%.2f%%, %u "
				       "bound) at t=%.2f s\n", peak_dir, peak, tl->table_size,
				       100.0 * peak / tl->table_size, peak_bnd, peak_t);
}

struct run {
	u8 state, tcp, bound, unbound;
};

static struct run run_at(const struct bundle_flow *f, guint p)
{
	struct run r = { f->state[p], f->tcp_state[p], f->ppe_bound[p], f->ppe_unbound[p] };

	return r;
}

void trace_show_text_flows(GString *s, const struct bundle_timeline *tl)
{
	guint i, p;

	g_string_append_printf(s, "\nconnections: %u, each with the samples where its state "
			       "changed (PPE: entries bound/unbound to its two directions)\n",
			       tl->flows->len);
	for (i = 0; i < tl->flows->len; i++) {
		const struct bundle_flow *f = g_ptr_array_index(tl->flows, i);
		struct run prev = { 0xff, 0xff, 0xff, 0xff };

		g_string_append_printf(s, "  %-3u %s  (reply %s)\n", i + 1, f->key, f->reply);
		for (p = 0; p < tl->points->len; p++) {
			const struct bundle_point *pt = &g_array_index(tl->points,
								       struct bundle_point, p);
			struct run r = run_at(f, p);

			if (!memcmp(&r, &prev, sizeof(r)))
				continue;
			if (r.state == BF_ABSENT && prev.state == 0xff) {
				prev = r;
				continue;   /* not listed yet: nothing to say */
			}
			g_string_append_printf(s, "        %8.2f s  %-10s %-12s", pt->t,
					       bundle_flow_state_name(r.state),
					       r.tcp < TCP_CT_MAX ? conntrack_tcp_state_name(r.tcp) :
								    "");
			if (r.bound || r.unbound)
				g_string_append_printf(s, " PPE %u bound, %u unbound", r.bound,
						       r.unbound);
			else if (r.state != BF_ABSENT)
				g_string_append(s, " no PPE entry");
			if (r.bound && r.state != BF_HW_OFFLOAD)
				g_string_append(s, r.state == BF_ABSENT ?
						   "  <- PPE still bound after the connection is gone" :
						   "  <- PPE still bound, conntrack says not in hardware");
			g_string_append_c(s, '\n');
			prev = r;
		}
	}
}

void trace_show_text_cpus(GString *s, const struct bundle_timeline *tl)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(s32));
	guint i, j, k;

	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);

		for (j = 0; pt->has_cpu && j < pt->cpu->len; j++) {
			s32 id = g_array_index(pt->cpu, struct bundle_cpu_load, j).cpu;
			bool seen = false;

			for (k = 0; k < ids->len; k++)
				seen = seen || g_array_index(ids, s32, k) == id;
			if (!seen && id != PROC_STAT_AGGREGATE)
				g_array_append_val(ids, id);
		}
	}
	if (ids->len) {
		g_string_append(s, "\nCPU load per CPU: busy% (softirq%) of the interval ending "
				   "at the sample\n  #        t/s");
		for (k = 0; k < ids->len; k++)
			g_string_append_printf(s, "  %14s%d", "cpu", g_array_index(ids, s32, k));
		g_string_append_c(s, '\n');
		for (i = 0; i < tl->points->len; i++) {
			const struct bundle_point *pt = &g_array_index(tl->points,
								       struct bundle_point, i);

			if (!pt->has_cpu)
				continue;
			g_string_append_printf(s, "  %-4u %7.2f", pt->seq, pt->t);
			for (k = 0; k < ids->len; k++) {
				const struct bundle_cpu_load *c =
					cpu_of(pt, g_array_index(ids, s32, k));
				char cell[32];

				if (c)
					g_snprintf(cell, sizeof(cell), "%.1f (%.1f)", c->busy_pct,
						   c->softirq_pct);
				else
					g_strlcpy(cell, "-", sizeof(cell));
				g_string_append_printf(s, "  %15s", cell);
			}
			g_string_append_c(s, '\n');
		}
	}
	g_array_free(ids, TRUE);
}
