// SPDX-License-Identifier: MIT
/*
 * cmd_ppe_report.c - what `flowsim ppe check` prints: per entry, a verdict line (ok with
 * bucket and way, MISMATCH with the expected bucket, out of range, or why it was not
 * hashed), the decoded fields unless --brief, and notes (reserved slots, UNBIND leftovers,
 * normalised spacing); per file, a header naming SoC, layout and table size, the notes,
 * the foreign-line ranges and a summary - or, with --json, one JSON document with the same
 * content (keys listed in `flowsim ppe check --help`).
 *
 * Invariant: the text and the JSON report say the same things, in the same order.
 */
#include "cmd_ppe.h"

#include <string.h>

const char *ppe_cli_status_name(enum entry_status st)
{
	static const char *const names[] = {
		"ok", "mismatch", "redacted", "not-hashable", "not-modelled", "out-of-range",
	};

	return names[st];
}

void ppe_cli_report_entry(const struct check_ctx *cx, const struct ppe_dump *d,
			  const struct ppe_dump_line *l, const struct verdict *v, GString *out,
			  JsonBuilder *jb)
{
	const struct ppe_entry *e = &l->entry;
	u32 type = ppe_ib1_type(e->ib1, cx->layout);
	bool ipv6 = ppe_type_is_ipv6(type);
	bool tuple = ppe_type_hashable(type) || type == PPE_PKT_IPV4_DSLITE ||
		     type == PPE_PKT_IPV6_6RD;
	bool airoha = cx->layout == PPE_NETSYS_AIROHA;
	GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
	char idx[8], mbuf[24], ebuf[40];
	const char *tname = ppe_type_name(type, airoha);
	u32 way = e->index - v->bucket;
	u16 printed_etype = airoha ? e->l2.etype :
				     (u16)((e->l2.etype >> 8) | (e->l2.etype << 8));
	guint i;

	g_snprintf(idx, sizeof(idx), "%05x", e->index);
	if (ppe_soc_slot_reserved(cx->g, e->index, false))
		g_ptr_array_add(notes, g_strdup_printf("slot %s is one the %s driver reserves "
						       "(STATIC, offset %u of its 128-entry block)",
						       idx, cx->g->name, e->index & 127));
	else if (ppe_soc_slot_reserved(cx->g, e->index, true))
		g_ptr_array_add(notes, g_strdup_printf("slot %s is at offset 115 of its "
						       "128-entry block, which crosses a 1 KiB "
						       "boundary but is not reserved by the driver",
						       idx));
	if (ppe_ib1_state(e->ib1) == PPE_STATE_UNBIND && !l->redacted)
		g_ptr_array_add(notes, g_strdup("UNB entry: the hardware fills only the tuple; "
						"new=, eth=, etype and ib2 are left over or zero"));
	for (i = 0; v->status == ST_OK && i < way; i++)
		if (ppe_soc_slot_reserved(cx->g, v->bucket + i, false))
			g_ptr_array_add(notes, g_strdup_printf("way %u (slot %05x) of this bucket "
							       "is reserved (STATIC) on %s", i,
							       v->bucket + i, cx->g->name));
	if (l->normalised)
		g_ptr_array_add(notes, g_strdup("spacing or hex case differs from the kernel's "
						"output (accepted in tolerant mode)"));

	if (out) {
		g_string_append_printf(out, "%s:%u: %s %s %s ", d->filename, l->lineno, idx,
				       ppe_state_name(ppe_ib1_state(e->ib1)), tname);
		switch (v->status) {
		case ST_OK:
			g_string_append_printf(out, "ok: bucket %05x, way %u\n", v->bucket, way);
			break;
		case ST_MISMATCH:
			g_string_append_printf(out, "MISMATCH: hash gives bucket %05x (slots "
					       "%05x-%05x), index is in bucket %05x\n", v->bucket,
					       v->bucket, v->bucket + cx->ways - 1,
					       e->index & ~(cx->ways - 1));
			break;
		case ST_OUT_OF_RANGE:
			g_string_append_printf(out, "out of range: index %s does not fit a "
					       "%u-entry table (try --entries %u)\n", idx,
					       cx->entries, cx->entries * 2);
			break;
		default:
			g_string_append_printf(out, "%s: %s\n", ppe_cli_status_name(v->status),
					       v->reason);
			break;
		}
		if (!cx->o->brief) {
			if (tuple) {
				char *t = ppe_cli_tuple_text(l, true, ipv6,
							     ppe_type_has_ports(type));

				g_string_append_printf(out, "    orig %s", t);
				g_free(t);
				if (ppe_type_has_new_tuple(type)) {
					t = ppe_cli_tuple_text(l, false, false,
							       type != PPE_PKT_IPV4_ROUTE);
					g_string_append_printf(out, ", new %s", t);
					g_free(t);
				}
				g_string_append_c(out, '\n');
			}
			ppe_cli_describe_ib1(out, NULL, e->ib1, cx->layout);
			ppe_cli_describe_ib2(out, NULL, e, cx->layout);
			g_string_append_printf(out, "    l2 %s",
					       ppe_cli_mac_text(l, PPE_SLOT_SRC_MAC, e->l2.src_mac,
								mbuf, sizeof(mbuf)));
			g_string_append_printf(out, " -> %s, etype field %04x (%s; printed %04x), "
					       "vlan %u,%u",
					       ppe_cli_mac_text(l, PPE_SLOT_DST_MAC, e->l2.dst_mac,
								mbuf, sizeof(mbuf)),
					       e->l2.etype,
					       ppe_cli_etype_meaning(e->l2.etype, airoha, ebuf,
								     sizeof(ebuf)),
					       printed_etype, e->l2.vlan1, e->l2.vlan2);
			if (airoha)
				g_string_append_printf(out, ", data %08x", e->data);
			if (l->counters)
				g_string_append_printf(out, ", packets %" G_GUINT64_FORMAT ", bytes %"
						       G_GUINT64_FORMAT, (guint64)e->packets,
						       (guint64)e->bytes);
			g_string_append_c(out, '\n');
		}
		for (i = 0; i < notes->len; i++)
			g_string_append_printf(out, "    note: %s\n", (char *)notes->pdata[i]);
	}

	if (jb) {
		json_builder_begin_object(jb);
		jb_member_int(jb, "line", l->lineno);
		jb_member_int(jb, "index", e->index);
		jb_member_str(jb, "index_hex", idx);
		jb_member_str(jb, "state", ppe_state_name(ppe_ib1_state(e->ib1)));
		jb_member_str(jb, "type", tname);
		jb_member_int(jb, "type_id", type);
		jb_member_str(jb, "status", ppe_cli_status_name(v->status));
		if (v->status == ST_OK || v->status == ST_MISMATCH) {
			jb_member_int(jb, "bucket", v->bucket);
			g_snprintf(mbuf, sizeof(mbuf), "%05x", v->bucket);
			jb_member_str(jb, "bucket_hex", mbuf);
		}
		if (v->status == ST_OK)
			jb_member_int(jb, "way", way);
		if (v->reason)
			jb_member_str(jb, "reason", v->reason);
		if (tuple) {
			ppe_cli_json_tuple(jb, "orig", l, true, ipv6, ppe_type_has_ports(type));
			if (ppe_type_has_new_tuple(type))
				ppe_cli_json_tuple(jb, "new", l, false, false,
						   type != PPE_PKT_IPV4_ROUTE);
		}
		json_builder_set_member_name(jb, "redacted");
		json_builder_begin_array(jb);
		for (i = 0; i < PPE_SLOT_COUNT; i++)
			if (l->redacted & (1u << i))
				json_builder_add_string_value(jb, ppe_cli_slot_name(i));
		json_builder_end_array(jb);
		ppe_cli_describe_ib1(NULL, jb, e->ib1, cx->layout);
		ppe_cli_describe_ib2(NULL, jb, e, cx->layout);
		json_builder_set_member_name(jb, "l2");
		json_builder_begin_object(jb);
		jb_member_str(jb, "src_mac", ppe_cli_mac_text(l, PPE_SLOT_SRC_MAC, e->l2.src_mac,
							      mbuf, sizeof(mbuf)));
		jb_member_str(jb, "dst_mac", ppe_cli_mac_text(l, PPE_SLOT_DST_MAC, e->l2.dst_mac,
							      mbuf, sizeof(mbuf)));
		jb_member_int(jb, "etype", e->l2.etype);
		jb_member_str(jb, "etype_meaning",
			      ppe_cli_etype_meaning(e->l2.etype, airoha, ebuf, sizeof(ebuf)));
		g_snprintf(mbuf, sizeof(mbuf), "%04x", printed_etype);
		jb_member_str(jb, "etype_printed", mbuf);
		jb_member_int(jb, "vlan1", e->l2.vlan1);
		jb_member_int(jb, "vlan2", e->l2.vlan2);
		if (airoha) {
			g_snprintf(mbuf, sizeof(mbuf), "%08x", e->data);
			jb_member_str(jb, "data", mbuf);
		}
		json_builder_end_object(jb);
		if (l->counters) {
			jb_member_int(jb, "packets", (gint64)e->packets);
			jb_member_int(jb, "bytes", (gint64)e->bytes);
		}
		jb_member_str(jb, "text", l->text);
		json_builder_set_member_name(jb, "notes");
		json_builder_begin_array(jb);
		for (i = 0; i < notes->len; i++)
			json_builder_add_string_value(jb, notes->pdata[i]);
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
	g_ptr_array_free(notes, TRUE);
}

/* "2-3, 7-8": line numbers of one kind, as ranges */
static char *line_ranges(const struct ppe_dump *d, enum ppe_dump_kind kind)
{
	GString *g = g_string_new(NULL);
	guint i;
	u32 start = 0, prev = 0;

	for (i = 0; i <= d->lines->len; i++) {
		const struct ppe_dump_line *l = i < d->lines->len ? d->lines->pdata[i] : NULL;

		if (l && l->kind == kind) {
			if (start && l->lineno == prev + 1) {
				prev = l->lineno;
				continue;
			}
		}
		if (start) {
			if (g->len)
				g_string_append(g, ", ");
			if (start == prev)
				g_string_append_printf(g, "%u", start);
			else
				g_string_append_printf(g, "%u-%u", start, prev);
			start = 0;
		}
		if (l && l->kind == kind) {
			start = l->lineno;
			prev = l->lineno;
		}
	}
	return g_string_free(g, FALSE);
}

void ppe_cli_report_file(const struct check_ctx *cx, const struct ppe_dump *d,
			 const struct check_summary *sum, GString *out, JsonBuilder *jb)
{
	const struct ppe_cli *o = cx->o;
	guint i;

	if (jb) {
		JsonGenerator *gen;
		JsonNode *root;
		char *json, *r;

		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "problems");
		json_builder_begin_array(jb);
		for (i = 0; i < d->lines->len; i++) {
			const struct ppe_dump_line *l = d->lines->pdata[i];

			if (l->kind != PPE_DUMP_BAD && l->kind != PPE_DUMP_FOREIGN)
				continue;
			json_builder_begin_object(jb);
			jb_member_int(jb, "line", l->lineno);
			jb_member_int(jb, "column", l->column);
			jb_member_str(jb, "kind", ppe_dump_kind_name(l->kind));
			jb_member_str(jb, "message", l->error);
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		jb_member_str(jb, "file", d->filename);
		jb_member_str(jb, "soc", o->soc->name);
		json_builder_set_member_name(jb, "netsys");
		if (o->soc->airoha)
			json_builder_add_string_value(jb, "airoha");
		else
			json_builder_add_int_value(jb, o->soc->netsys);
		jb_member_int(jb, "ways", cx->ways);
		jb_member_int(jb, "entries", cx->entries);
		jb_member_str(jb, "entries_source", cx->entries_source);
		r = g_strdup_printf("%u.%u", o->kmajor, o->kminor);
		jb_member_str(jb, "kernel", r);
		g_free(r);
		jb_member_bool(jb, "hash_modelled", o->soc->hash_modelled);
		json_builder_set_member_name(jb, "format");
		json_builder_begin_object(jb);
		jb_member_bool(jb, "airoha", d->n_airoha > 0);
		jb_member_str(jb, "counters", d->n_counters == d->n_entries ? "all" :
			      d->n_counters == 0 ? "none" : "mixed");
		json_builder_end_object(jb);
		json_builder_set_member_name(jb, "notes");
		json_builder_begin_array(jb);
		for (i = 0; i < cx->notes->len; i++)
			json_builder_add_string_value(jb, cx->notes->pdata[i]);
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "summary");
		json_builder_begin_object(jb);
		jb_member_int(jb, "entries", sum->entries);
		jb_member_int(jb, "hashed", sum->hashed);
		jb_member_int(jb, "ok", sum->ok);
		jb_member_int(jb, "mismatch", sum->mismatch);
		jb_member_int(jb, "redacted", sum->redacted);
		jb_member_int(jb, "not_hashable", sum->not_hashable);
		jb_member_int(jb, "not_modelled", sum->not_modelled);
		jb_member_int(jb, "out_of_range", sum->out_of_range);
		jb_member_int(jb, "bad_lines", d->n_bad);
		jb_member_int(jb, "foreign_lines", d->n_foreign);
		jb_member_int(jb, "comment_lines", d->n_comment);
		jb_member_int(jb, "blank_lines", d->n_blank);
		json_builder_end_object(jb);
		json_builder_end_object(jb);
		root = json_builder_get_root(jb);
		gen = json_generator_new();
		json_generator_set_pretty(gen, TRUE);
		json_generator_set_root(gen, root);
		json = json_generator_to_data(gen, NULL);
		fputs(json, stdout);
		fputc('\n', stdout);
		g_free(json);
		json_node_unref(root);
		g_object_unref(gen);
		g_object_unref(jb);
	} else {
		char *ranges;

		printf("%s: %s (%s, %u-way buckets), %u-entry table (%s)\n", d->filename,
		       o->soc->name, ppe_cli_layout_name(o->soc), cx->ways, cx->entries,
		       !strcmp(cx->entries_source, "option") ? "--entries" :
		       !strcmp(cx->entries_source, "grown-to-fit") ? "grown to fit an index" :
		       "kernel default");
		for (i = 0; i < cx->notes->len; i++)
			printf("note: %s\n", (char *)cx->notes->pdata[i]);
		fputs(out->str, stdout);
		if (d->n_foreign) {
			ranges = line_ranges(d, PPE_DUMP_FOREIGN);
			printf("%s: skipped %u foreign (non-PPE) line%s: %s\n", d->filename,
			       d->n_foreign, d->n_foreign == 1 ? "" : "s", ranges);
			g_free(ranges);
		}
		printf("summary: %u entries, %u hashed: %u ok, %u mismatch; %u redacted, "
		       "%u not hashable, %u not modelled, %u out of range; %u bad lines, "
		       "%u foreign lines\n", sum->entries, sum->hashed, sum->ok, sum->mismatch,
		       sum->redacted, sum->not_hashable, sum->not_modelled, sum->out_of_range,
		       d->n_bad, d->n_foreign);
		g_string_free(out, TRUE);
	}
}
