// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show.c - `flowsim trace show`: a trace bundle decoded (bundle.h), as text for a
 * person or JSON for a program, or one trace file on its own.
 *
 * Text, in this order: what the manifest says about the router; one line per sample
 * (conntrack entries by state, PPE entries by state per table with the bound entries that
 * match no listed connection, CPU load of the interval ending there); per connection the
 * samples where its state changed (offload state, TCP state, PPE entries bound to either
 * direction, with "PPE still bound" where the conntrack side no longer says offloaded);
 * per-CPU load; with --entries every conntrack and PPE entry field by field.
 * JSON carries the same and the diagnostics, documented in docs/trace-bundle.md.
 *
 * PPE fields are decoded by the `flowsim ppe` decoders (cmd_ppe.h) so both commands say the
 * same thing about an entry.
 */
#include <string.h>

#include "cmd_ppe.h"
#include "cmd_trace.h"
#include "conntrack.h"

/* ------------------------------------------------------------------- JSON out ---- */

static void emit_json(JsonBuilder *jb)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(jb);
	char *text;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	printf("%s\n", text);
	g_free(text);
	json_node_unref(root);
	g_object_unref(gen);
}

static void jstr_or_null(JsonBuilder *jb, const char *key, const char *v)
{
	json_builder_set_member_name(jb, key);
	if (v && *v)
		json_builder_add_string_value(jb, v);
	else
		json_builder_add_null_value(jb);
}

static void jdouble(JsonBuilder *jb, const char *key, double v)
{
	json_builder_set_member_name(jb, key);
	json_builder_add_double_value(jb, v);
}

/* ------------------------------------------------------------- entry decode ---- */

static const char *flags_text(u32 flags, char *buf, gsize size)
{
	g_snprintf(buf, size, "%s%s%s%s", flags & CT_TEXT_UNREPLIED ? "[UNREPLIED]" : "",
		   flags & CT_TEXT_HW_OFFLOAD ? "[HW_OFFLOAD]" : "",
		   flags & CT_TEXT_OFFLOAD ? "[OFFLOAD]" : "",
		   flags & CT_TEXT_ASSURED ? "[ASSURED]" : "");
	return buf[0] ? buf : "-";
}

static enum bundle_flow_state ct_state(const struct ct_text_entry *e)
{
	if (e->flags & CT_TEXT_HW_OFFLOAD)
		return BF_HW_OFFLOAD;
	if (e->flags & CT_TEXT_OFFLOAD)
		return BF_OFFLOAD;
	if (e->flags & CT_TEXT_UNREPLIED)
		return BF_UNREPLIED;
	return e->flags & CT_TEXT_ASSURED ? BF_ASSURED : BF_SLOW;
}

static void json_ct_tuple(JsonBuilder *jb, const char *member, const struct ct_text_tuple *t)
{
	json_builder_set_member_name(jb, member);
	json_builder_begin_object(jb);
	jb_member_str(jb, "src", t->src.text);
	jb_member_str(jb, "dst", t->dst.text);
	if (t->l4_kind == CT_TEXT_L4_PORTS) {
		jb_member_int(jb, "sport", t->sport);
		jb_member_int(jb, "dport", t->dport);
	} else if (t->l4_kind == CT_TEXT_L4_ICMP) {
		jb_member_int(jb, "type", t->icmp_type);
		jb_member_int(jb, "code", t->icmp_code);
		jb_member_int(jb, "id", t->icmp_id);
	} else if (t->l4_kind == CT_TEXT_L4_GRE) {
		jb_member_int(jb, "srckey", t->gre_srckey);
		jb_member_int(jb, "dstkey", t->gre_dstkey);
	}
	if (t->has_counters) {
		jb_member_int(jb, "packets", (gint64)t->packets);
		jb_member_int(jb, "bytes", (gint64)t->bytes);
	}
	if (t->has_zone)
		jb_member_int(jb, "zone", t->zone);
	jb_member_bool(jb, "redacted", t->src.redacted || t->dst.redacted);
	json_builder_end_object(jb);
}

static void ct_entry_out(const struct ct_text_entry *e, GString *out, JsonBuilder *jb)
{
	char *o = bundle_ct_key(e, false), *r = bundle_ct_key(e, true);
	char fl[64];

	if (out) {
		g_string_append_printf(out, "  - %s  reply %s  (line %u)\n", o, r, e->line);
		g_string_append_printf(out, "    %s, %s", bundle_flow_state_name(ct_state(e)),
				       flags_text(e->flags, fl, sizeof(fl)));
		if (e->has_timeout)
			g_string_append_printf(out, ", timeout %u s", e->timeout);
		else
			g_string_append(out, ", no timeout (offloaded)");
		if (e->has_state)
			g_string_append_printf(out, ", %s", e->state);
		if (e->orig.has_counters)
			g_string_append_printf(out, ", orig %" G_GUINT64_FORMAT " pkt %"
					       G_GUINT64_FORMAT " B", e->orig.packets, e->orig.bytes);
		if (e->reply.has_counters)
			g_string_append_printf(out, ", reply %" G_GUINT64_FORMAT " pkt %"
					       G_GUINT64_FORMAT " B", e->reply.packets,
					       e->reply.bytes);
		if (e->has_mark)
			g_string_append_printf(out, ", mark %u", e->mark);
		if (e->has_zone)
			g_string_append_printf(out, ", zone %u", e->zone);
		if (e->has_use)
			g_string_append_printf(out, ", use %u", e->use);
		g_string_append_c(out, '\n');
	}
	if (jb) {
		json_builder_begin_object(jb);
		jb_member_int(jb, "line", e->line);
		jb_member_str(jb, "key", o);
		jb_member_str(jb, "reply_key", r);
		if (e->has_l3) {
			jb_member_str(jb, "l3", e->l3_name);
			jb_member_int(jb, "l3_num", e->l3_num);
		}
		jb_member_str(jb, "l4", e->l4_name);
		jb_member_int(jb, "l4_num", e->l4_num);
		json_builder_set_member_name(jb, "timeout");
		if (e->has_timeout)
			json_builder_add_int_value(jb, e->timeout);
		else
			json_builder_add_null_value(jb);
		jstr_or_null(jb, "state", e->has_state ? e->state : NULL);
		json_ct_tuple(jb, "orig", &e->orig);
		json_ct_tuple(jb, "reply", &e->reply);
		json_builder_set_member_name(jb, "flags");
		json_builder_begin_array(jb);
		if (e->flags & CT_TEXT_UNREPLIED)
			json_builder_add_string_value(jb, "UNREPLIED");
		if (e->flags & CT_TEXT_ASSURED)
			json_builder_add_string_value(jb, "ASSURED");
		if (e->flags & CT_TEXT_OFFLOAD)
			json_builder_add_string_value(jb, "OFFLOAD");
		if (e->flags & CT_TEXT_HW_OFFLOAD)
			json_builder_add_string_value(jb, "HW_OFFLOAD");
		json_builder_end_array(jb);
		jb_member_str(jb, "offload_state", bundle_flow_state_name(ct_state(e)));
		if (e->has_mark)
			jb_member_int(jb, "mark", e->mark);
		if (e->has_zone)
			jb_member_int(jb, "zone", e->zone);
		if (e->has_use)
			jb_member_int(jb, "use", e->use);
		if (e->has_id)
			jb_member_int(jb, "id", e->id);
		if (e->has_helper)
			jb_member_str(jb, "helper", e->helper);
		json_builder_end_object(jb);
	}
	g_free(o);
	g_free(r);
}

/*
 * One PPE entry.  layout: PPE_NETSYS_* for ib1/ib2, 0 when the SoC is unknown (then only
 * what the line prints is shown).  conn: the connection it carries, or NULL.
 */
static void ppe_entry_out(const struct ppe_dump_line *l, u8 netsys, const char *conn,
			  GString *out, JsonBuilder *jb)
{
	const struct ppe_entry *e = &l->entry;
	struct ppe_soc_format fmt;
	bool known = l->airoha || netsys;
	u8 layout;
	u32 type = l->type;
	bool named = type != PPE_DUMP_TYPE_UNNAMED;
	bool v6 = named && ppe_type_is_ipv6(type);
	bool ports = named && ppe_type_has_ports(type);
	bool has_new = named && ppe_type_has_new_tuple(type);
	char *orig = ppe_cli_tuple_text(l, true, v6, ports);
	char *nw = has_new ? ppe_cli_tuple_text(l, false, false, ports) : NULL;
	char smac[24], dmac[24], eb[48];
	const char *sm = ppe_cli_mac_text(l, PPE_SLOT_SRC_MAC, e->l2.src_mac, smac, sizeof(smac));
	const char *dm = ppe_cli_mac_text(l, PPE_SLOT_DST_MAC, e->l2.dst_mac, dmac, sizeof(dmac));
	const char *etype = ppe_cli_etype_meaning(e->l2.etype, l->airoha, eb, sizeof(eb));
	const char *tname = named ? ppe_type_name(type, l->airoha) : "unnamed";

	ppe_dump_line_format(l, netsys ? netsys : PPE_NETSYS_V2, &fmt);
	layout = ppe_fmt_layout(&fmt);
	while (*tname == ' ')
		tname++;
	if (out) {
		g_string_append_printf(out, "  - %05x %s %-7s %s", e->index,
				       ppe_state_name(ppe_entry_state(e)), tname, orig);
		if (nw)
			g_string_append_printf(out, "  new %s", nw);
		g_string_append_c(out, '\n');
		if (conn)
			g_string_append_printf(out, "    connection: %s\n", conn);
		g_string_append_printf(out, "    eth %s -> %s, etype %04x (%s), vlan %u,%u", sm, dm,
				       e->l2.etype, etype, e->l2.vlan1, e->l2.vlan2);
		if (l->airoha)
			g_string_append_printf(out, ", data %08x", e->data);
		if (l->counters)
			g_string_append_printf(out, ", %" G_GUINT64_FORMAT " packets %"
					       G_GUINT64_FORMAT " bytes", e->packets, e->bytes);
		g_string_append_c(out, '\n');
		if (known) {
			ppe_cli_describe_ib1(out, NULL, e->ib1, layout);
			ppe_cli_describe_ib2(out, NULL, e, layout);
		} else {
			g_string_append_printf(out, "    ib1 %08x ib2 %08x (SoC unknown: give --soc "
					       "to decode)\n", e->ib1, e->ib2);
		}
	}
	if (jb) {
		json_builder_begin_object(jb);
		jb_member_int(jb, "line", l->lineno);
		jb_member_int(jb, "index", e->index);
		jb_member_str(jb, "state", ppe_state_name(ppe_entry_state(e)));
		jb_member_str(jb, "type", tname);
		ppe_cli_json_tuple(jb, "orig", l, true, v6, ports);
		if (has_new)
			ppe_cli_json_tuple(jb, "new", l, false, false, ports);
		jstr_or_null(jb, "connection", conn);
		jb_member_str(jb, "src_mac", sm);
		jb_member_str(jb, "dst_mac", dm);
		jb_member_int(jb, "etype", e->l2.etype);
		jb_member_str(jb, "etype_meaning", etype);
		jb_member_int(jb, "vlan1", e->l2.vlan1);
		jb_member_int(jb, "vlan2", e->l2.vlan2);
		if (l->airoha)
			jb_member_int(jb, "data", e->data);
		if (l->counters) {
			jb_member_int(jb, "packets", (gint64)e->packets);
			jb_member_int(jb, "bytes", (gint64)e->bytes);
		}
		if (known) {
			ppe_cli_describe_ib1(NULL, jb, e->ib1, layout);
			ppe_cli_describe_ib2(NULL, jb, e, layout);
		} else {
			jb_member_int(jb, "ib1_raw", e->ib1);
			jb_member_int(jb, "ib2_raw", e->ib2);
		}
		json_builder_end_object(jb);
	}
	g_free(orig);
	g_free(nw);
}

/* ------------------------------------------------------------ bundle: text ---- */

static const char *mv(const struct bundle *b, const char *key)
{
	const char *v = bundle_manifest_get(b, key);

	return v && *v ? v : "-";
}

static void text_header(GString *s, const struct bundle *b, const struct bundle_timeline *tl)
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

static void text_samples(GString *s, const struct bundle_timeline *tl)
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

static void text_occupancy(GString *s, const struct bundle_timeline *tl)
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

static void text_flows(GString *s, const struct bundle_timeline *tl)
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

static void text_cpus(GString *s, const struct bundle_timeline *tl)
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

/* ------------------------------------------------------------ bundle: JSON ---- */

static void json_manifest(JsonBuilder *jb, const struct bundle *b)
{
	guint i;

	json_builder_set_member_name(jb, "manifest");
	json_builder_begin_object(jb);
	for (i = 0; i < b->manifest->len; i++) {
		const struct bundle_kv *kv = &g_array_index(b->manifest, struct bundle_kv, i);

		jb_member_str(jb, kv->key, kv->value);
	}
	json_builder_end_object(jb);
}

static void json_point(JsonBuilder *jb, const struct bundle *b, const struct bundle_timeline *tl,
		       guint i)
{
	const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);
	const struct bundle_sample *sm = &g_array_index(b->samples, struct bundle_sample, i);
	guint j;

	jb_member_int(jb, "seq", pt->seq);
	jdouble(jb, "t", pt->t);
	json_builder_set_member_name(jb, "unix");
	if (sm->has_unix)
		json_builder_add_int_value(jb, sm->unix_time);
	else
		json_builder_add_null_value(jb);
	json_builder_set_member_name(jb, "uptime");
	if (sm->has_uptime)
		json_builder_add_double_value(jb, (double)sm->uptime_cs / 100.0);
	else
		json_builder_add_null_value(jb);

	json_builder_set_member_name(jb, "conntrack");
	if (!pt->ct.present) {
		json_builder_add_null_value(jb);
	} else {
		json_builder_begin_object(jb);
		jb_member_str(jb, "source", pt->ct.source);
		jb_member_int(jb, "entries", pt->ct.entries);
		for (j = BF_UNREPLIED; j < BF__COUNT; j++)
			jb_member_int(jb, bundle_flow_state_name(j), pt->ct.by_state[j]);
		jb_member_int(jb, "tcp", pt->ct.tcp);
		jb_member_int(jb, "udp", pt->ct.udp);
		jb_member_int(jb, "icmp", pt->ct.icmp);
		jb_member_int(jb, "other", pt->ct.other);
		json_builder_set_member_name(jb, "tcp_states");
		json_builder_begin_object(jb);
		for (j = 0; j < BUNDLE_TCP_STATES; j++)
			if (pt->ct.tcp_state[j])
				jb_member_int(jb, conntrack_tcp_state_name((u8)j), pt->ct.tcp_state[j]);
		json_builder_end_object(jb);
		jb_member_int(jb, "malformed", pt->ct.bad);
		json_builder_end_object(jb);
	}

	json_builder_set_member_name(jb, "ppe");
	json_builder_begin_array(jb);
	for (j = 0; j < pt->ppe->len; j++) {
		const struct bundle_ppe_occ *oc = &g_array_index(pt->ppe, struct bundle_ppe_occ, j);

		json_builder_begin_object(jb);
		jb_member_str(jb, "dir", oc->dir);
		jb_member_bool(jb, "has_entries", oc->has_entries);
		jb_member_bool(jb, "has_bind", oc->has_bind);
		jb_member_int(jb, "entries", oc->entries);
		jb_member_int(jb, "bound", oc->state[PPE_STATE_BIND]);
		jb_member_int(jb, "unbound", oc->state[PPE_STATE_UNBIND]);
		jb_member_int(jb, "fin", oc->state[PPE_STATE_FIN]);
		jb_member_int(jb, "bind_lines", oc->bind_lines);
		jb_member_int(jb, "ipv4", oc->ipv4);
		jb_member_int(jb, "ipv6", oc->ipv6);
		jb_member_int(jb, "other", oc->other);
		jb_member_int(jb, "max_index", oc->max_index);
		jb_member_int(jb, "bound_matched", oc->bound_matched);
		json_builder_set_member_name(jb, "bound_orphan");
		if (pt->ct.present)
			json_builder_add_int_value(jb, oc->bound_orphan);
		else
			json_builder_add_null_value(jb);
		jb_member_int(jb, "malformed", oc->bad);
		json_builder_set_member_name(jb, "occupancy_pct");
		if (tl->table_size && oc->has_entries)
			json_builder_add_double_value(jb, 100.0 * oc->entries / tl->table_size);
		else
			json_builder_add_null_value(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);

	json_builder_set_member_name(jb, "cpu");
	if (!pt->has_cpu) {
		json_builder_add_null_value(jb);
	} else {
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "seconds");
		if (pt->cpu_seconds > 0)
			json_builder_add_double_value(jb, pt->cpu_seconds);
		else
			json_builder_add_null_value(jb);
		json_builder_set_member_name(jb, "cpus");
		json_builder_begin_array(jb);
		for (j = 0; j < pt->cpu->len; j++) {
			const struct bundle_cpu_load *c = &g_array_index(pt->cpu,
									 struct bundle_cpu_load, j);
			char name[24];

			if (c->cpu == PROC_STAT_AGGREGATE)
				g_strlcpy(name, "cpu", sizeof(name));
			else
				g_snprintf(name, sizeof(name), "cpu%d", c->cpu);
			json_builder_begin_object(jb);
			jb_member_str(jb, "cpu", name);
			jb_member_bool(jb, "valid", c->valid);
			if (c->valid) {
				jdouble(jb, "busy_pct", c->busy_pct);
				jdouble(jb, "softirq_pct", c->softirq_pct);
				jdouble(jb, "irq_pct", c->irq_pct);
				jdouble(jb, "system_pct", c->system_pct);
				jdouble(jb, "user_pct", c->user_pct);
			}
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
}

static void json_flows(JsonBuilder *jb, const struct bundle_timeline *tl)
{
	guint i, p;

	json_builder_set_member_name(jb, "connections");
	json_builder_begin_array(jb);
	for (i = 0; i < tl->flows->len; i++) {
		const struct bundle_flow *f = g_ptr_array_index(tl->flows, i);

		json_builder_begin_object(jb);
		jb_member_str(jb, "key", f->key);
		jb_member_str(jb, "reply", f->reply);
		jb_member_int(jb, "l4_num", f->l4num);
		jb_member_int(jb, "first_seq", g_array_index(tl->points, struct bundle_point,
							      f->first).seq);
		jb_member_int(jb, "last_seq", g_array_index(tl->points, struct bundle_point,
							     f->last).seq);
		json_builder_set_member_name(jb, "state");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_string_value(jb, bundle_flow_state_name(f->state[p]));
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "tcp_state");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++) {
			if (f->tcp_state[p] < TCP_CT_MAX)
				json_builder_add_string_value(jb,
					conntrack_tcp_state_name(f->tcp_state[p]));
			else
				json_builder_add_null_value(jb);
		}
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "ppe_bound");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_int_value(jb, f->ppe_bound[p]);
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "ppe_unbound");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_int_value(jb, f->ppe_unbound[p]);
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);
}

/* ------------------------------------------------------------- per-entry ---- */

/* The entries of one sample; false (error set) on a strict-mode parse error. */
static bool sample_entries(const struct bundle *b, const struct bundle_timeline *tl, guint i,
			   bool strict, GString *out, JsonBuilder *jb, GError **error)
{
	const struct bundle_sample *sm = &g_array_index(b->samples, struct bundle_sample, i);
	GHashTable *dirmap = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *source = NULL;
	GArray *ct;
	bool ok = true;
	guint j, k;

	ct = bundle_sample_conntrack(b, sm, strict, &source, NULL, error);
	if (!ct && error && *error) {
		g_hash_table_destroy(dirmap);
		return false;
	}
	if (out)
		g_string_append_printf(out, "\nsample %u (t=%.2f s) entries\n", sm->seq, sm->t);
	if (jb) {
		json_builder_set_member_name(jb, "entries");
		json_builder_begin_object(jb);
		jstr_or_null(jb, "conntrack_source", source);
		json_builder_set_member_name(jb, "conntrack");
		json_builder_begin_array(jb);
	}
	if (ct && out)
		g_string_append_printf(out, "  conntrack (%s): %u entries\n", source, ct->len);
	for (j = 0; ct && j < ct->len; j++) {
		const struct ct_text_entry *e = &g_array_index(ct, struct ct_text_entry, j);
		char *key = bundle_ct_key(e, false);

		ct_entry_out(e, out, jb);
		if (e->orig.l4_kind == CT_TEXT_L4_PORTS) {
			g_hash_table_insert(dirmap, bundle_ct_key(e, false), g_strdup(key));
			g_hash_table_insert(dirmap, bundle_ct_key(e, true), g_strdup(key));
		}
		g_free(key);
	}
	if (jb) {
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "ppe");
		json_builder_begin_object(jb);
	}
	for (j = 0; j < b->ppe_dirs->len && ok; j++) {
		const char *dir = g_ptr_array_index(b->ppe_dirs, j);
		struct ppe_dump *d = bundle_sample_ppe(b, sm, dir, false, tl->netsys, strict, error);
		bool from_bind = false;

		if (!d && error && *error) {
			ok = false;
			break;
		}
		if (!d) {
			d = bundle_sample_ppe(b, sm, dir, true, tl->netsys, strict, error);
			from_bind = true;
			if (!d && error && *error) {
				ok = false;
				break;
			}
		}
		if (!d)
			continue;
		if (out)
			g_string_append_printf(out, "  %s/%s: %u entries\n", dir,
					       from_bind ? "bind" : "entries", d->n_entries);
		if (jb) {
			json_builder_set_member_name(jb, dir);
			json_builder_begin_array(jb);
		}
		for (k = 0; k < d->lines->len; k++) {
			const struct ppe_dump_line *l = g_ptr_array_index(d->lines, k);
			char *pk;

			if (l->kind != PPE_DUMP_ENTRY)
				continue;
			pk = bundle_ppe_key(l, tl->netsys);
			ppe_entry_out(l, tl->netsys, pk ? g_hash_table_lookup(dirmap, pk) : NULL,
				      out, jb);
			g_free(pk);
		}
		if (jb)
			json_builder_end_array(jb);
		ppe_dump_free(d);
	}
	if (jb) {
		json_builder_end_object(jb);
		json_builder_end_object(jb);
	}
	if (ct)
		g_array_free(ct, TRUE);
	g_hash_table_destroy(dirmap);
	return ok;
}

/* ------------------------------------------------------------------ bundle ---- */

static int show_bundle(const struct trace_cli *o)
{
	GError *err = NULL;
	struct bundle *b = bundle_open(o->path, &err);
	struct bundle_timeline *tl = NULL;
	int rc = TRACE_EXIT_BAD;
	guint i;

	if (!b)
		goto out;
	tl = bundle_decode(b, &o->dec, &err);
	if (!tl)
		goto out;
	if (o->sample) {
		bool found = false;

		for (i = 0; i < b->samples->len; i++)
			found = found || g_array_index(b->samples, struct bundle_sample,
						       i).seq == o->sample;
		if (!found) {
			fprintf(stderr, "flowsim trace show: %s has no sample %u\n", o->path,
				o->sample);
			rc = TRACE_EXIT_USAGE;
			goto out;
		}
	}
	trace_cli_print_diags(&b->diags, o->quiet);
	trace_cli_print_diags(&tl->diags, o->quiet);
	if (o->json) {
		JsonBuilder *jb = json_builder_new();

		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "bundle");
		json_builder_begin_object(jb);
		jb_member_str(jb, "source", b->source);
		jb_member_bool(jb, "archive", b->archive);
		jb_member_str(jb, "top", b->top);
		jb_member_int(jb, "version", b->version);
		jb_member_bool(jb, "complete", b->complete);
		jb_member_int(jb, "interval", b->interval);
		jb_member_int(jb, "files", b->paths->len);
		jb_member_int(jb, "bytes", (gint64)b->total_bytes);
		jb_member_str(jb, "time_source", b->time_from_uptime ? "uptime" :
				  b->time_from_unix ? "unix" : "seq");
		json_builder_end_object(jb);
		json_manifest(jb, b);
		json_builder_set_member_name(jb, "soc");
		if (tl->soc) {
			json_builder_begin_object(jb);
			jb_member_str(jb, "name", tl->soc->name);
			jb_member_str(jb, "layout", ppe_cli_layout_name(tl->soc));
			jb_member_int(jb, "ways", tl->soc->ways);
			jb_member_int(jb, "ppe_count", tl->soc->ppe_count);
			json_builder_end_object(jb);
		} else {
			json_builder_add_null_value(jb);
		}
		json_builder_set_member_name(jb, "table_size");
		if (tl->table_size)
			json_builder_add_int_value(jb, tl->table_size);
		else
			json_builder_add_null_value(jb);
		jstr_or_null(jb, "table_size_source", tl->table_size_source);
		json_builder_set_member_name(jb, "files");
		json_builder_begin_array(jb);
		for (i = 0; i < b->paths->len; i++)
			json_builder_add_string_value(jb, g_ptr_array_index(b->paths, i));
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "samples");
		json_builder_begin_array(jb);
		for (i = 0; i < tl->points->len && !err; i++) {
			json_builder_begin_object(jb);
			json_point(jb, b, tl, i);
			if (o->entries && (!o->sample || o->sample ==
			    g_array_index(b->samples, struct bundle_sample, i).seq))
				sample_entries(b, tl, i, o->dec.strict, NULL, jb, &err);
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		json_flows(jb, tl);
		trace_cli_json_diags(jb, &b->diags, &tl->diags);
		json_builder_end_object(jb);
		if (!err)
			emit_json(jb);
		g_object_unref(jb);
	} else {
		GString *s = g_string_new(NULL);

		text_header(s, b, tl);
		text_samples(s, tl);
		text_occupancy(s, tl);
		text_flows(s, tl);
		text_cpus(s, tl);
		for (i = 0; o->entries && i < tl->points->len && !err; i++)
			if (!o->sample || o->sample ==
			    g_array_index(b->samples, struct bundle_sample, i).seq)
				sample_entries(b, tl, i, o->dec.strict, s, NULL, &err);
		if (!err)
			fputs(s->str, stdout);
		g_string_free(s, TRUE);
	}
	if (!err)
		rc = 0;
out:
	if (err) {
		fprintf(stderr, "flowsim trace show: %s\n", err->message);
		g_error_free(err);
	}
	bundle_timeline_free(tl);
	bundle_free(b);
	return rc;
}

/* -------------------------------------------------------------- one file ---- */

enum file_kind { FK_UNKNOWN, FK_PPE, FK_CONNTRACK, FK_STAT };

/* What a lone trace file holds: decided by its first line that is not blank or '#'. */
static enum file_kind sniff(const char *text, gsize len)
{
	struct trace_reader r;
	struct trace_line l;
	enum file_kind k = FK_UNKNOWN;

	trace_reader_init_buffer(&r, text, len);
	while (k == FK_UNKNOWN && trace_reader_next(&r, &l)) {
		struct ppe_dump_line pl;
		struct ct_text_entry e;
		struct ct_text_meta m;
		struct ct_text_error err;
		struct ppe_dump_opts po = { 0 };
		gsize i = 0;

		while (i < l.len && trace_is_space(l.text[i]))
			i++;
		if (i == l.len || l.text[i] == '#')
			continue;
		memset(&pl, 0, sizeof(pl));
		if (ppe_dump_parse_line(l.text, l.len, &po, &pl) == PPE_DUMP_ENTRY)
			k = FK_PPE;
		ppe_dump_line_clear(&pl);
		if (k != FK_UNKNOWN)
			break;
		switch (ct_text_parse_line(l.text, l.len, &e, &m, &err)) {
		case CT_TEXT_LINE_ENTRY:
			k = FK_CONNTRACK;
			continue;
		case CT_TEXT_LINE_TIME:
			continue;   /* a pasted time stamp before the listing */
		default:
			break;
		}
		if (l.len - i >= 4 && !memcmp(l.text + i, "cpu", 3))
			k = FK_STAT;
		else
			break;
	}
	trace_reader_destroy(&r);
	return k;
}

static int show_ppe_file(const struct trace_cli *o, const char *text, gsize len)
{
	const struct ppe_soc_geometry *g = o->dec.soc ? bundle_soc_lookup(o->dec.soc) : NULL;
	struct ppe_dump_opts po = { .netsys = bundle_soc_netsys(g), .strict = o->dec.strict };
	GError *err = NULL;
	struct ppe_dump *d = ppe_dump_parse(o->path, text, len, &po, &err);
	u32 st[4] = { 0 };
	GString *s;
	JsonBuilder *jb = NULL;
	guint i;

	if (!d) {
		fprintf(stderr, "flowsim trace show: %s\n", err->message);
		g_error_free(err);
		return TRACE_EXIT_BAD;
	}
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(d->lines, i);

		if (l->kind == PPE_DUMP_ENTRY)
			st[ppe_entry_state(&l->entry) & 3]++;
		else if (l->kind == PPE_DUMP_BAD)
			fprintf(stderr, "%s:%u:%u: warning: %s\n", o->path, l->lineno, l->column,
				l->error);
	}
	s = g_string_new(NULL);
	if (o->json) {
		jb = json_builder_new();
		json_builder_begin_object(jb);
		jb_member_str(jb, "file", o->path);
		jb_member_str(jb, "kind", "ppe");
		jb_member_int(jb, "entries", d->n_entries);
		jb_member_int(jb, "bound", st[PPE_STATE_BIND]);
		jb_member_int(jb, "unbound", st[PPE_STATE_UNBIND]);
		jb_member_int(jb, "fin", st[PPE_STATE_FIN]);
		jb_member_int(jb, "malformed", d->n_bad);
		jb_member_int(jb, "foreign", d->n_foreign);
		json_builder_set_member_name(jb, "entries_decoded");
		json_builder_begin_array(jb);
	} else {
		g_string_append_printf(s, "%s: PPE dump, %u entries: %u BND, %u UNB, %u FIN; %u "
				       "malformed and %u foreign lines skipped\n", o->path,
				       d->n_entries, st[PPE_STATE_BIND], st[PPE_STATE_UNBIND],
				       st[PPE_STATE_FIN], d->n_bad, d->n_foreign);
	}
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(d->lines, i);

		if (l->kind == PPE_DUMP_ENTRY)
			ppe_entry_out(l, po.netsys, NULL, jb ? NULL : s, jb);
	}
	if (jb) {
		json_builder_end_array(jb);
		json_builder_end_object(jb);
		emit_json(jb);
		g_object_unref(jb);
	} else {
		fputs(s->str, stdout);
	}
	g_string_free(s, TRUE);
	ppe_dump_free(d);
	return 0;
}

static int show_ct_file(const struct trace_cli *o)
{
	struct trace_diags diags;
	struct ct_text_stats st;
	GArray *a;
	GString *s;
	JsonBuilder *jb = NULL;
	u32 by[BF__COUNT] = { 0 };
	guint i;
	int rc = 0;

	trace_diags_init(&diags);
	a = ct_text_load_file(o->path, o->dec.strict ? TRACE_STRICT : TRACE_TOLERANT, &st, &diags);
	trace_cli_print_diags(&diags, o->quiet);
	if (!a) {
		trace_diags_clear(&diags);
		return TRACE_EXIT_BAD;
	}
	for (i = 0; i < a->len; i++)
		by[ct_state(&g_array_index(a, struct ct_text_entry, i))]++;
	s = g_string_new(NULL);
	if (o->json) {
		jb = json_builder_new();
		json_builder_begin_object(jb);
		jb_member_str(jb, "file", o->path);
		jb_member_str(jb, "kind", "conntrack");
		jb_member_int(jb, "entries", a->len);
		for (i = BF_UNREPLIED; i < BF__COUNT; i++)
			jb_member_int(jb, bundle_flow_state_name(i), by[i]);
		jb_member_int(jb, "malformed", st.malformed);
		json_builder_set_member_name(jb, "entries_decoded");
		json_builder_begin_array(jb);
	} else {
		g_string_append_printf(s, "%s: conntrack listing, %u entries: %u unreplied, %u "
				       "slow, %u assured, %u [OFFLOAD], %u [HW_OFFLOAD]; %u "
				       "malformed lines skipped\n", o->path, a->len,
				       by[BF_UNREPLIED], by[BF_SLOW], by[BF_ASSURED],
				       by[BF_OFFLOAD], by[BF_HW_OFFLOAD], st.malformed);
	}
	for (i = 0; i < a->len; i++)
		ct_entry_out(&g_array_index(a, struct ct_text_entry, i), jb ? NULL : s, jb);
	if (jb) {
		json_builder_end_array(jb);
		trace_cli_json_diags(jb, &diags, NULL);
		json_builder_end_object(jb);
		emit_json(jb);
		g_object_unref(jb);
	} else {
		fputs(s->str, stdout);
	}
	g_string_free(s, TRUE);
	g_array_free(a, TRUE);
	trace_diags_clear(&diags);
	return rc;
}

static int show_stat_file(const struct trace_cli *o)
{
	struct trace_diags diags;
	struct proc_stat_series ser = { 0 };
	struct proc_stat_report rep;
	JsonBuilder *jb = NULL;
	GString *s;
	u32 n;
	guint i, j;

	trace_diags_init(&diags);
	if (proc_stat_parse_file(o->path, o->dec.strict ? TRACE_STRICT : TRACE_TOLERANT, &ser,
				 NULL, &diags) != 0) {
		trace_cli_print_diags(&diags, o->quiet);
		trace_diags_clear(&diags);
		proc_stat_series_clear(&ser);
		return TRACE_EXIT_BAD;
	}
	proc_stat_report_init(&rep);
	n = proc_stat_compute(&ser, &rep, o->path, &diags);
	trace_cli_print_diags(&diags, o->quiet);
	s = g_string_new(NULL);
	if (o->json) {
		jb = json_builder_new();
		json_builder_begin_object(jb);
		jb_member_str(jb, "file", o->path);
		jb_member_str(jb, "kind", "proc_stat");
		jb_member_int(jb, "samples", ser.samples->len);
		json_builder_set_member_name(jb, "intervals");
		json_builder_begin_array(jb);
	} else {
		g_string_append_printf(s, "%s: /proc/stat, %u samples, %u intervals (busy%% / "
				       "softirq%% per CPU)\n", o->path, ser.samples->len, n);
	}
	for (i = 0; i < rep.intervals->len; i++) {
		const struct proc_stat_interval *iv =
			&g_array_index(rep.intervals, struct proc_stat_interval, i);

		if (jb) {
			json_builder_begin_object(jb);
			jb_member_int(jb, "from", iv->from + 1);
			jb_member_int(jb, "to", iv->to + 1);
			json_builder_set_member_name(jb, "seconds");
			if (iv->has_seconds)
				json_builder_add_double_value(jb, iv->seconds);
			else
				json_builder_add_null_value(jb);
			json_builder_set_member_name(jb, "cpus");
			json_builder_begin_array(jb);
		} else {
			g_string_append_printf(s, "  %u -> %u:", iv->from + 1, iv->to + 1);
		}
		for (j = 0; j < iv->count; j++) {
			const struct proc_stat_usage *u =
				&g_array_index(rep.usage, struct proc_stat_usage, iv->first + j);
			char name[24];

			if (u->cpu == PROC_STAT_AGGREGATE)
				g_strlcpy(name, "cpu", sizeof(name));
			else
				g_snprintf(name, sizeof(name), "cpu%d", u->cpu);
			if (jb) {
				json_builder_begin_object(jb);
				jb_member_str(jb, "cpu", name);
				jb_member_bool(jb, "valid", u->status == PROC_STAT_OK);
				jdouble(jb, "busy_pct", u->busy_pct);
				jdouble(jb, "softirq_pct", u->softirq_pct);
				json_builder_end_object(jb);
			} else if (u->status == PROC_STAT_OK) {
				g_string_append_printf(s, "  %s %.1f/%.1f", name, u->busy_pct,
						       u->softirq_pct);
			} else {
				g_string_append_printf(s, "  %s -", name);
			}
		}
		if (jb) {
			json_builder_end_array(jb);
			json_builder_end_object(jb);
		} else {
			g_string_append_c(s, '\n');
		}
	}
	if (jb) {
		json_builder_end_array(jb);
		trace_cli_json_diags(jb, &diags, NULL);
		json_builder_end_object(jb);
		emit_json(jb);
		g_object_unref(jb);
	} else {
		fputs(s->str, stdout);
	}
	g_string_free(s, TRUE);
	proc_stat_report_clear(&rep);
	proc_stat_series_clear(&ser);
	trace_diags_clear(&diags);
	return 0;
}

static bool looks_like_archive(const char *text, gsize len)
{
	/* gzip magic, or a tar header ("ustar" at offset 257) */
	return (len >= 2 && (guint8)text[0] == 0x1f && (guint8)text[1] == 0x8b) ||
	       (len >= 512 && !memcmp(text + 257, "ustar", 5));
}

int trace_cli_show(const struct trace_cli *o)
{
	GError *err = NULL;
	char *text = NULL;
	gsize len = 0;
	int rc;
	char *base;

	if (g_file_test(o->path, G_FILE_TEST_IS_DIR))
		return show_bundle(o);
	base = g_path_get_basename(o->path);
	if (!strcmp(base, BUNDLE_MANIFEST)) {
		/* the manifest of an unpacked bundle: show the bundle */
		struct trace_cli o2 = *o;
		char *dir = g_path_get_dirname(o->path);

		o2.path = dir;
		rc = show_bundle(&o2);
		g_free(dir);
		g_free(base);
		return rc;
	}
	g_free(base);
	if (!g_file_get_contents(o->path, &text, &len, &err)) {
		fprintf(stderr, "flowsim trace show: %s\n", err->message);
		g_error_free(err);
		return TRACE_EXIT_BAD;
	}
	if (looks_like_archive(text, len)) {
		g_free(text);
		return show_bundle(o);
	}
	if (o->entries || o->sample) {
		g_free(text);
		fprintf(stderr, "flowsim trace show: %s: --entries/--sample are for bundles (a "
			"single file's entries are always shown)\n", o->path);
		return TRACE_EXIT_USAGE;
	}
	switch (sniff(text, len)) {
	case FK_PPE:
		rc = show_ppe_file(o, text, len);
		break;
	case FK_CONNTRACK:
		rc = show_ct_file(o);
		break;
	case FK_STAT:
		rc = show_stat_file(o);
		break;
	default:
		fprintf(stderr, "flowsim trace show: %s: not a trace bundle (no gzip or tar "
			"header), and its first line is not a PPE entry, a conntrack entry or a "
			"/proc/stat cpu line\n", o->path);
		rc = TRACE_EXIT_BAD;
		break;
	}
	g_free(text);
	return rc;
}
