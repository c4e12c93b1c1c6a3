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
 *
 * This file decodes entries and drives the bundle report; cmd_trace_show_text.c and
 * cmd_trace_show_json.c write a bundle's timeline, cmd_trace_show_file.c handles one trace
 * file (cmd_trace_show_internal.h has what they share).
 */
#include <string.h>

#include "cmd_trace_show_internal.h"

/* ------------------------------------------------------------- entry decode ---- */

static const char *flags_text(u32 flags, char *buf, gsize size)
{
	g_snprintf(buf, size, "%s%s%s%s", flags & CT_TEXT_UNREPLIED ? "[UNREPLIED]" : "",
		   flags & CT_TEXT_HW_OFFLOAD ? "[HW_OFFLOAD]" : "",
		   flags & CT_TEXT_OFFLOAD ? "[OFFLOAD]" : "",
		   flags & CT_TEXT_ASSURED ? "[ASSURED]" : "");
	return buf[0] ? buf : "-";
}

enum bundle_flow_state trace_show_ct_state(const struct ct_text_entry *e)
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

void trace_show_ct_entry_out(const struct ct_text_entry *e, GString *out, JsonBuilder *jb)
{
	char *o = bundle_ct_key(e, false), *r = bundle_ct_key(e, true);
	char fl[64];

	if (out) {
		g_string_append_printf(out, "  - %s  reply %s  (line %u)\n", o, r, e->line);
		g_string_append_printf(out, "    %s, %s", bundle_flow_state_name(trace_show_ct_state(e)),
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
		trace_show_jstr_or_null(jb, "state", e->has_state ? e->state : NULL);
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
		jb_member_str(jb, "offload_state", bundle_flow_state_name(trace_show_ct_state(e)));
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
void trace_show_ppe_entry_out(const struct ppe_dump_line *l, u8 netsys, const char *conn,
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
		trace_show_jstr_or_null(jb, "connection", conn);
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
		trace_show_jstr_or_null(jb, "conntrack_source", source);
		json_builder_set_member_name(jb, "conntrack");
		json_builder_begin_array(jb);
	}
	if (ct && out)
		g_string_append_printf(out, "  conntrack (%s): %u entries\n", source, ct->len);
	for (j = 0; ct && j < ct->len; j++) {
		const struct ct_text_entry *e = &g_array_index(ct, struct ct_text_entry, j);
		char *key = bundle_ct_key(e, false);

		trace_show_ct_entry_out(e, out, jb);
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
			trace_show_ppe_entry_out(l, tl->netsys, pk ? g_hash_table_lookup(dirmap, pk) : NULL,
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
	struct trace_diags rd;      /* static/ruleset.json */
	bool ruleset_ok = true;
	int rc = TRACE_EXIT_BAD;
	guint i;

	trace_diags_init(&rd);
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
		trace_show_json_manifest(jb, b);
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
		trace_show_jstr_or_null(jb, "table_size_source", tl->table_size_source);
		json_builder_set_member_name(jb, "files");
		json_builder_begin_array(jb);
		for (i = 0; i < b->paths->len; i++)
			json_builder_add_string_value(jb, g_ptr_array_index(b->paths, i));
		json_builder_end_array(jb);
		ruleset_ok = trace_show_ruleset(b, o->dec.strict, NULL, jb, &rd);
		json_builder_set_member_name(jb, "samples");
		json_builder_begin_array(jb);
		for (i = 0; i < tl->points->len && !err; i++) {
			json_builder_begin_object(jb);
			trace_show_json_point(jb, b, tl, i);
			if (o->entries && (!o->sample || o->sample ==
			    g_array_index(b->samples, struct bundle_sample, i).seq))
				sample_entries(b, tl, i, o->dec.strict, NULL, jb, &err);
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		trace_show_json_flows(jb, tl);
		trace_cli_json_diags(jb, &b->diags, &tl->diags);
		json_builder_end_object(jb);
		trace_cli_print_diags(&rd, o->quiet);
		if (!err && ruleset_ok)
			trace_show_emit_json(jb);
		g_object_unref(jb);
	} else {
		GString *s = g_string_new(NULL);

		trace_show_text_header(s, b, tl);
		ruleset_ok = trace_show_ruleset(b, o->dec.strict, s, NULL, &rd);
		trace_show_text_samples(s, tl);
		trace_show_text_occupancy(s, tl);
		trace_show_text_flows(s, tl);
		trace_show_text_cpus(s, tl);
		for (i = 0; o->entries && i < tl->points->len && !err; i++)
			if (!o->sample || o->sample ==
			    g_array_index(b->samples, struct bundle_sample, i).seq)
				sample_entries(b, tl, i, o->dec.strict, s, NULL, &err);
		trace_cli_print_diags(&rd, o->quiet);
		if (!err && ruleset_ok)
			fputs(s->str, stdout);
		g_string_free(s, TRUE);
	}
	if (!err)
		rc = ruleset_ok ? 0 : TRACE_EXIT_BAD;
out:
	if (err) {
		fprintf(stderr, "flowsim trace show: %s\n", err->message);
		g_error_free(err);
	}
	trace_diags_clear(&rd);
	bundle_timeline_free(tl);
	bundle_free(b);
	return rc;
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
	rc = trace_show_file(o, text, len);
	g_free(text);
	return rc;
}
