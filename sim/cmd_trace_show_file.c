// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show_file.c - `flowsim trace show FILE` on one trace file rather than a bundle:
 * a PPE dump, a conntrack listing or /proc/stat samples, recognised by their first line, with
 * a summary and every entry, as text or JSON.
 */
#include <string.h>

#include "cmd_trace_show_internal.h"

/* -------------------------------------------------------------- one file ---- */

enum file_kind { FK_UNKNOWN, FK_PPE, FK_CONNTRACK, FK_STAT };

/*
 * The end of a one-file report: in JSON the "entries_decoded" array and the document are
 * closed (after the diagnostics, when diags is given) and printed, as text s is printed.
 * Frees jb.
 */
static void file_out_finish(JsonBuilder *jb, GString *s, const struct trace_diags *diags)
{
	if (jb) {
		json_builder_end_array(jb);
		if (diags)
			trace_cli_json_diags(jb, diags, NULL);
		json_builder_end_object(jb);
		trace_show_emit_json(jb);
		g_object_unref(jb);
	} else {
		fputs(s->str, stdout);
	}
}

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
			trace_show_ppe_entry_out(l, po.netsys, NULL, jb ? NULL : s, jb);
	}
	file_out_finish(jb, s, NULL);
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
		by[trace_show_ct_state(&g_array_index(a, struct ct_text_entry, i))]++;
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
		trace_show_ct_entry_out(&g_array_index(a, struct ct_text_entry, i), jb ? NULL : s, jb);
	file_out_finish(jb, s, &diags);
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
				trace_show_jdouble(jb, "busy_pct", u->busy_pct);
				trace_show_jdouble(jb, "softirq_pct", u->softirq_pct);
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
	file_out_finish(jb, s, &diags);
	g_string_free(s, TRUE);
	proc_stat_report_clear(&rep);
	proc_stat_series_clear(&ser);
	trace_diags_clear(&diags);
	return 0;
}

/* A lone trace file: what its first line says it is decides the report. */
int trace_show_file(const struct trace_cli *o, const char *text, gsize len)
{
	int rc;

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
	return rc;
}
