// SPDX-License-Identifier: MIT
/*
 * cmd_ppe_check.c - `flowsim ppe check`: a real PPE debugfs dump (ppeN/entries|bind, the
 * older mtk_ppe/ files, Airoha's ppe/) checked against the model's hash.  The file is
 * parsed once to learn what it is (MediaTek or Airoha lines, the highest index), then again
 * with the SoC's ib1 layout; every entry is judged (ok, MISMATCH, redacted, not hashable,
 * not modelled, out of range) and, when entries do not match, the table sizes and bucket
 * geometries that would match better are offered as hints.  The report itself is written
 * by cmd_ppe_report.c.
 *
 * Exit status: 0 every hashable entry matches (with --strict: and no bad line); 1 a
 * mismatch, an index outside the table, a strict parse error, or no PPE entry in the file;
 * 2 usage error or unreadable file.
 */
#include "cmd_ppe.h"

#include <stdarg.h>
#include <string.h>

void ppe_cli_usage_check(FILE *f)
{
	fprintf(f,
		"usage: flowsim ppe check [--soc SOC] [--entries N] [--kernel VERSION] [--strict]\n"
		"                         [--json] [--brief] DUMPFILE\n\n"
		"Check a PPE debugfs dump (cat /sys/kernel/debug/ppe0/entries, .../bind, the older\n"
		"mtk_ppe/ files, Airoha's ppe/): decode every entry for the SoC's ib1/ib2 layout,\n"
		"recompute the bucket of each hashable entry and print ok or MISMATCH (with the\n"
		"expected bucket; way = index - bucket).  DUMPFILE '-' reads standard input.\n\n"
		"Lines: '#' comments and blank lines are skipped.  Lines that are not PPE lines\n"
		"(timestamps, conntrack lines in a mixed paste) are skipped and counted as foreign.\n"
		"Truncated or malformed PPE lines are reported with line and column and skipped;\n"
		"with --strict the first such line (or any foreign line) is an error.\n"
		"Entries whose original tuple was redacted by the paste's author (x.x.x.x) are\n"
		"reported as redacted, not as mismatches.  DS-LITE, 6RD and bridge entries are not\n"
		"hashed by the driver; 3T entries cannot be hashed from a dump because their\n"
		"protocol is not printed.  Both are reported as not-hashable.\n\n"
		"Options:\n"
		"  --soc SOC         SoC (ib1/ib2 layout, ways).  Required for MediaTek dumps:\n"
		"                    NETSYS v1 and v2 lines look alike.  Airoha dumps (data=)\n"
		"                    are recognised and imply an7581.\n"
		"  --entries N       table size (see below)\n"
		"  --kernel VERSION  kernel version for the default table size (default %u.%u)\n"
		"  --strict          the first bad or foreign line is an error\n"
		"  --json            JSON report on standard output\n"
		"  --brief           one line per entry (no field decode)\n\n",
		DEFAULT_KERNEL_MAJOR, DEFAULT_KERNEL_MINOR);
	ppe_cli_usage_table_size(f);
	fprintf(f,
		"If --entries is not given and an index does not fit the default table, the next\n"
		"size the driver has used (16384) is taken and a note says so; an index beyond\n"
		"that is an error.  With --entries, an index beyond N is an error.\n\n");
	ppe_cli_list_socs(f);
	fprintf(f,
		"\nThe Airoha AN7581 driver's software hash does not give the indices real AN7581\n"
		"dumps show, so its entries are decoded but reported as not-modelled.\n\n"
		"JSON keys: file, soc, netsys (1-3, or \"airoha\"), ways, entries, entries_source\n"
		"(option | kernel-default | grown-to-fit), kernel, hash_modelled, format {airoha,\n"
		"counters: all|none|mixed}, notes [..], entries_checked [ {line, index, index_hex,\n"
		"state, type, type_id, status (ok|mismatch|redacted|not-hashable|not-modelled|\n"
		"out-of-range), bucket and bucket_hex (hash result, when hashed), way (when ok),\n"
		"reason (why not hashed), orig {src, dst,\n"
		"sport, dport}, new {..}, redacted [slots], ib1 {raw, state, type, udp, static,\n"
		"timestamp | unbind_packets+unbind_timestamp, ...}, ib2 {raw, dest_port, qid, ...},\n"
		"l2 {src_mac, dst_mac, etype, etype_meaning, etype_printed, vlan1, vlan2, data},\n"
		"wdma {bss, wcid, ring},\n"
		"packets, bytes, text, notes} ], problems [ {line, column, kind (bad|foreign),\n"
		"message} ], summary {entries, hashed, ok, mismatch, redacted, not_hashable,\n"
		"not_modelled, out_of_range, bad_lines, foreign_lines, comment_lines,\n"
		"blank_lines}.\n\n"
		"Exit status: 0 every hashable entry matches (with --strict: and no bad line);\n"
		"1 a mismatch, an index outside the table, a strict parse error, or no PPE entry\n"
		"in the file; 2 usage error or unreadable file.\n");
}

static struct verdict judge(const struct ppe_dump_line *l, const struct ppe_soc_geometry *g,
			    u8 layout, u32 ways, u32 entries)
{
	struct verdict v = { .status = ST_OK };
	u32 type = ppe_ib1_type(l->entry.ib1, layout);

	if (l->entry.index >= entries) {
		v.status = ST_OUT_OF_RANGE;
		return v;
	}
	if (!ppe_type_hashable(type)) {
		v.status = ST_NOT_HASHABLE;
		v.reason = "the driver does not hash this type (mtk_ppe_hash_entry returns "
			   "MTK_PPE_HASH_MASK)";
		return v;
	}
	if (type == PPE_PKT_IPV4_ROUTE || type == PPE_PKT_IPV6_ROUTE_3T) {
		v.status = ST_NOT_HASHABLE;
		v.reason = "3-tuple entry: the ports word (0xa5a5a500|protocol) is not printed";
		return v;
	}
	if (ppe_dump_tuple_redacted(l)) {
		v.status = ST_REDACTED;
		v.reason = "the original tuple was redacted in the paste";
		return v;
	}
	if (!g->hash_modelled) {
		v.status = ST_NOT_MODELLED;
		v.reason = "the hash of this SoC is not modelled";
		return v;
	}
	v.bucket = ppe_hash_entry_type(&l->entry, type, entries, ways);
	v.status = (l->entry.index & ~(ways - 1)) == v.bucket ? ST_OK : ST_MISMATCH;
	return v;
}

static void count_verdict(struct check_summary *s, enum entry_status st)
{
	s->entries++;
	switch (st) {
	case ST_OK:
		s->hashed++;
		s->ok++;
		break;
	case ST_MISMATCH:
		s->hashed++;
		s->mismatch++;
		break;
	case ST_REDACTED:
		s->redacted++;
		break;
	case ST_NOT_HASHABLE:
		s->not_hashable++;
		break;
	case ST_NOT_MODELLED:
		s->not_modelled++;
		break;
	case ST_OUT_OF_RANGE:
		s->out_of_range++;
		break;
	}
}

/* How many hashed entries would match with another geometry (for hints). */
static void count_matches(const struct ppe_dump *d, const struct ppe_soc_geometry *g,
			  u8 layout, u32 ways, u32 entries, u32 *hashed, u32 *ok)
{
	guint i;

	*hashed = 0;
	*ok = 0;
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];
		struct verdict v;

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		v = judge(l, g, layout, ways, entries);
		if (v.status == ST_OK || v.status == ST_MISMATCH)
			(*hashed)++;
		if (v.status == ST_OK)
			(*ok)++;
	}
}

static void add_note(GPtrArray *notes, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void add_note(GPtrArray *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* Nothing to check: say why, listing the bad lines (they usually explain it). */
static void no_entries(const struct ppe_dump *d)
{
	guint i;

	fprintf(stderr, "flowsim ppe check: %s: no usable PPE debugfs entry lines (%u bad, "
		"%u foreign, %u comment, %u blank lines)\n", d->filename, d->n_bad, d->n_foreign,
		d->n_comment, d->n_blank);
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];

		if (l->kind == PPE_DUMP_BAD)
			fprintf(stderr, "%s:%u:%u: %s\n", d->filename, l->lineno, l->column,
				l->error);
	}
}

/*
 * Parse the dump (popts->netsys 0: without the ib1 type check); NULL after saying why:
 * the strict mode's first bad line, or that no line is a usable entry.
 */
static struct ppe_dump *parse_dump(const char *name, const char *text, gsize text_len,
				   const struct ppe_dump_opts *popts)
{
	struct ppe_dump *d;
	GError *err = NULL;

	d = ppe_dump_parse(name, text, text_len, popts, &err);
	if (!d) {
		fprintf(stderr, "flowsim ppe check: %s\n", err->message);
		g_clear_error(&err);
		return NULL;
	}
	if (d->n_entries == 0) {
		no_entries(d);
		ppe_dump_free(d);
		return NULL;
	}
	return d;
}

/* The table size: --entries, or the kernel's default grown to fit the highest index. */
static void table_size(struct check_ctx *cx, const struct ppe_cli *o, u32 max_index,
		       u32 max_line)
{
	if (o->entries_set) {
		cx->entries = o->entries;
		cx->entries_source = "option";
		return;
	}
	cx->entries = ppe_soc_default_entries(o->soc, o->kmajor, o->kminor);
	cx->entries_source = "kernel-default";
	if (max_index >= cx->entries && max_index < o->soc->entries_new) {
		add_note(cx->notes, "index %05x (line %u) does not fit the %u-entry table "
			 "of kernel %u.%u: using %u entries (MTK_PPE_ENTRIES from 6.11, or a "
			 "patched kernel); pass --entries to override", max_index, max_line,
			 cx->entries, o->kmajor, o->kminor, o->soc->entries_new);
		cx->entries = o->soc->entries_new;
		cx->entries_source = "grown-to-fit";
	}
}

/* Hints when entries do not match: another table size, or the other bucket geometry. */
static void add_hints(struct check_ctx *cx, const struct ppe_dump *d,
		      const struct check_summary *sum, u32 max_index)
{
	const struct ppe_soc_geometry *g = cx->g;
	u32 alt = cx->entries == 8192 ? 16384 : 8192;
	u32 alt_hashed, alt_ok;

	if (max_index < alt) {
		count_matches(d, g, cx->layout, cx->ways, alt, &alt_hashed, &alt_ok);
		if (alt_ok > sum->ok)
			add_note(cx->notes, "hint: with --entries %u, %u of %u hashed entries "
				 "would match", alt, alt_ok, alt_hashed);
	}
	if (!g->airoha) {
		u32 w = cx->ways == 2 ? 4 : 2;
		u8 lay = cx->ways == 2 ? PPE_NETSYS_V2 : PPE_NETSYS_V1;

		count_matches(d, g, lay, w, cx->entries, &alt_hashed, &alt_ok);
		if (alt_ok > sum->ok)
			add_note(cx->notes, "hint: as a NETSYS v%u SoC (%u-way buckets, e.g. "
				 "--soc %s), %u of %u hashed entries would match", lay, w,
				 w == 4 ? "mt7981" : "mt7621", alt_ok, alt_hashed);
	}
}

static int check_buffer(struct ppe_cli *o, const char *name, const char *text, gsize text_len)
{
	struct ppe_dump_opts popts = { .strict = o->strict };
	struct check_summary sum = { 0 };
	struct check_ctx cx = { .o = o };
	struct ppe_dump *d;
	JsonBuilder *jb = NULL;
	GString *out = NULL;
	u32 max_index = 0, max_line = 0;
	bool any_airoha = false, any_mtk = false;
	int rc = 0;
	guint i;

	/* first without the ib1 type check, to learn what the file is */
	popts.netsys = 0;
	d = parse_dump(name, text, text_len, &popts);
	if (!d)
		return EXIT_MISMATCH;
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		if (l->airoha)
			any_airoha = true;
		else
			any_mtk = true;
		if (l->entry.index >= max_index) {
			max_index = l->entry.index;
			max_line = l->lineno;
		}
	}
	if (!o->soc) {
		if (any_airoha && !any_mtk) {
			o->soc = ppe_soc_lookup("an7581");
		} else {
			fprintf(stderr,
				"flowsim ppe check: %s: --soc is required for MediaTek dumps: NETSYS "
				"v1 (mt7620, mt7621, mt7622, mt7623) and v2/v3 (mt7981, mt7986, "
				"mt7988) lay out ib1 differently and use 2- or 4-way buckets, which "
				"a line does not show\n", d->filename);
			ppe_dump_free(d);
			return EXIT_USAGE;
		}
	}
	cx.g = o->soc;
	cx.layout = o->soc->airoha ? PPE_NETSYS_AIROHA : o->soc->netsys;
	cx.ways = o->soc->ways;
	cx.notes = g_ptr_array_new_with_free_func(g_free);
	if (o->soc->airoha && any_mtk)
		add_note(cx.notes, "the file has MediaTek lines (no data= field) but --soc %s is "
			 "Airoha; they are decoded with the Airoha layout", o->soc->name);
	if (!o->soc->airoha && any_airoha) {
		fprintf(stderr, "flowsim ppe check: %s: Airoha lines (data= field) but --soc %s "
			"is a MediaTek SoC: use --soc an7581\n", d->filename, o->soc->name);
		ppe_dump_free(d);
		g_ptr_array_free(cx.notes, TRUE);
		return EXIT_USAGE;
	}

	/* re-read with the SoC's layout so ib1's type is checked against the printed name */
	if (!o->soc->airoha) {
		ppe_dump_free(d);
		popts.netsys = o->soc->netsys;
		d = parse_dump(name, text, text_len, &popts);
		if (!d) {
			g_ptr_array_free(cx.notes, TRUE);
			return EXIT_MISMATCH;
		}
	}

	table_size(&cx, o, max_index, max_line);
	if (d->n_airoha == d->n_entries)
		add_note(cx.notes, "Airoha debugfs format (data= field, etype not byte-swapped)");
	else if (d->n_counters == d->n_entries)
		add_note(cx.notes, "lines print packets=/bytes= (kernel with PPE accounting in "
			 "debugfs)");
	else if (d->n_counters == 0)
		add_note(cx.notes, "lines have no packets=/bytes= (older kernel debugfs)");
	else
		add_note(cx.notes, "%u of %u lines print packets=/bytes=: mixed kernel eras?",
			 d->n_counters, d->n_entries);
	if (!o->soc->hash_modelled)
		add_note(cx.notes, "the %s hash is not modelled: the driver's software hash "
			 "(airoha_ppe_foe_get_entry_hash) does not give the indices real dumps show, "
			 "so entries are decoded but not checked", o->soc->name);

	if (o->json) {
		jb = json_builder_new();
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "entries_checked");
		json_builder_begin_array(jb);
	} else {
		out = g_string_new(NULL);
	}
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];
		struct verdict v;

		if (l->kind == PPE_DUMP_BAD && out)
			g_string_append_printf(out, "%s:%u:%u: bad line skipped: %s\n", d->filename,
					       l->lineno, l->column, l->error);
		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		v = judge(l, o->soc, cx.layout, cx.ways, cx.entries);
		count_verdict(&sum, v.status);
		ppe_cli_report_entry(&cx, d, l, &v, out, jb);
	}

	if (sum.mismatch && o->soc->hash_modelled)
		add_hints(&cx, d, &sum, max_index);

	/* consumes jb and out */
	ppe_cli_report_file(&cx, d, &sum, out, jb);
	if (sum.mismatch || sum.out_of_range || (o->strict && (d->n_bad || d->n_foreign)))
		rc = EXIT_MISMATCH;
	g_ptr_array_free(cx.notes, TRUE);
	ppe_dump_free(d);
	return rc;
}

/* The input is parsed twice, so it is read once (standard input included). */
int ppe_cli_run_check(struct ppe_cli *o)
{
	const char *path;
	char *text = NULL;
	gsize text_len = 0;
	GError *err = NULL;
	int rc;

	if (o->args->len != 1) {
		fprintf(stderr, "flowsim ppe check: expected one DUMPFILE, got %u (see --help)\n",
			o->args->len);
		return EXIT_USAGE;
	}
	path = o->args->pdata[0];
	if (!ppe_dump_read_input(path, &text, &text_len, &err)) {
		fprintf(stderr, "flowsim ppe check: %s\n", err->message);
		g_clear_error(&err);
		return EXIT_USAGE;
	}
	rc = check_buffer(o, strcmp(path, "-") ? path : "<stdin>", text, text_len);
	g_free(text);
	return rc;
}
