// SPDX-License-Identifier: MIT
/*
 * ppe_dump.c - parse PPE debugfs dumps (MediaTek ppeN/entries|bind, mtk_ppe/, Airoha ppe/)
 * as whole files: split into lines, classify and parse each (ppe_dump_line.c), count the
 * classes, and apply the mode - strict stops at the first FOREIGN or BAD line with
 * "file:line:col: expected ...", tolerant keeps every line and counts.  Also reading a
 * file or standard input, and printing a parsed entry again with its redactions.
 *
 * Invariants: every input line ends up in exactly one class (see ppe_dump.h) and in
 * d->lines, in order; the counts always add up to the number of lines.
 */
#include "ppe_dump_internal.h"

const char *ppe_dump_kind_name(enum ppe_dump_kind kind)
{
	switch (kind) {
	case PPE_DUMP_ENTRY:
		return "entry";
	case PPE_DUMP_BLANK:
		return "blank";
	case PPE_DUMP_COMMENT:
		return "comment";
	case PPE_DUMP_FOREIGN:
		return "foreign";
	case PPE_DUMP_BAD:
		return "bad";
	}
	return "?";
}

/* ------------------------------------------------------------ the file ---- */

void ppe_dump_free(struct ppe_dump *d)
{
	if (!d)
		return;
	if (d->lines)
		g_ptr_array_free(d->lines, TRUE);
	g_free(d->filename);
	g_free(d);
}

static void line_free(gpointer p)
{
	struct ppe_dump_line *l = p;

	ppe_dump_line_clear(l);
	g_free(l);
}

struct ppe_dump *ppe_dump_parse(const char *filename, const char *text, gsize len,
				const struct ppe_dump_opts *opts, GError **error)
{
	struct ppe_dump *d = g_new0(struct ppe_dump, 1);
	gsize pos = 0;
	u32 lineno = 0;

	d->filename = g_strdup(filename ? filename : "<input>");
	d->lines = g_ptr_array_new_with_free_func(line_free);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		gsize end = nl ? (gsize)(nl - text) : len;
		struct ppe_dump_line *l = g_new0(struct ppe_dump_line, 1);

		l->lineno = ++lineno;
		ppe_dump_parse_line(text + pos, end - pos, opts, l);
		g_ptr_array_add(d->lines, l);
		pos = nl ? end + 1 : len;

		switch (l->kind) {
		case PPE_DUMP_ENTRY:
			d->n_entries++;
			d->n_normalised += l->normalised;
			d->n_redacted += l->redacted != 0;
			d->n_airoha += l->airoha;
			d->n_counters += l->counters;
			break;
		case PPE_DUMP_BLANK:
			d->n_blank++;
			break;
		case PPE_DUMP_COMMENT:
			d->n_comment++;
			break;
		case PPE_DUMP_FOREIGN:
			d->n_foreign++;
			break;
		case PPE_DUMP_BAD:
			d->n_bad++;
			break;
		}
		if (opts->strict && (l->kind == PPE_DUMP_BAD || l->kind == PPE_DUMP_FOREIGN)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u:%u: %s",
				    d->filename, l->lineno, l->column, l->error);
			ppe_dump_free(d);
			return NULL;
		}
	}
	return d;
}

bool ppe_dump_read_input(const char *path, char **text, gsize *len, GError **error)
{
	GError *err = NULL;

	*text = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0) {
		GIOChannel *ch = g_io_channel_unix_new(0);
		bool ok;

		/* binary mode: a dump is bytes, bad UTF-8 is the parser's business */
		g_io_channel_set_encoding(ch, NULL, NULL);
		ok = g_io_channel_read_to_end(ch, text, len, &err) == G_IO_STATUS_NORMAL;
		if (!ok) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
				    "<stdin>: cannot read: %s", err ? err->message : "read error");
			g_clear_error(&err);
			g_free(*text);
			*text = NULL;
		}
		g_io_channel_unref(ch);
		return ok;
	}
	if (!g_file_get_contents(path, text, len, &err)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", err->message);
		g_clear_error(&err);
		return false;
	}
	return true;
}

struct ppe_dump *ppe_dump_load(const char *path, const struct ppe_dump_opts *opts,
			       GError **error)
{
	struct ppe_dump *d;
	gchar *text = NULL;
	gsize len = 0;

	if (!ppe_dump_read_input(path, &text, &len, error))
		return NULL;
	d = ppe_dump_parse(strcmp(path, "-") == 0 ? "<stdin>" : path, text, len, opts, error);
	g_free(text);
	return d;
}

void ppe_dump_line_format(const struct ppe_dump_line *l, u8 netsys, struct ppe_soc_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->netsys = l->airoha ? PPE_NETSYS_AIROHA : (netsys ? netsys : PPE_NETSYS_V1);
	fmt->airoha = l->airoha;
	fmt->counters = l->counters;
}

/*
 * Put redaction text back: find each redacted slot in the writer's output by walking the
 * same grammar (the writer's output is exact, so the walk is simple) and splice.
 */
static gsize skip_to(const char *s, gsize pos, const char *lit)
{
	const char *p = strstr(s + pos, lit);

	return p ? (gsize)(p - s) + strlen(lit) : strlen(s);
}

static gsize addr_len(const char *s, gsize pos, bool ipv6)
{
	gsize i = pos;

	if (ipv6)
		return 39;
	while (s[i] != '\0' && s[i] != ':' && s[i] != ' ' && s[i] != '-')
		i++;
	return i - pos;
}

char *ppe_dump_format_entry(const struct ppe_dump_line *l, u8 netsys)
{
	struct ppe_soc_format fmt;
	char buf[PPE_LINE_MAX];
	gsize starts[PPE_SLOT_COUNT] = { 0 }, lens[PPE_SLOT_COUNT] = { 0 };
	bool ipv6 = ppe_type_is_ipv6(l->type);
	GString *out;
	gsize pos, i;
	int n;

	if (l->kind != PPE_DUMP_ENTRY)
		return NULL;
	ppe_dump_line_format(l, netsys, &fmt);
	n = ppe_entry_format_line(&l->entry, &fmt, buf, sizeof(buf));
	if (n < 0 || (gsize)n >= sizeof(buf))
		return NULL;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (l->redacted == 0)
		return g_strdup(buf);

	/* locate slots from their field names (each appears once in a written line) */
	if (strstr(buf, " orig=")) {
		pos = skip_to(buf, 0, " orig=");
		starts[PPE_SLOT_ORIG_SRC] = pos;
		lens[PPE_SLOT_ORIG_SRC] = addr_len(buf, pos, ipv6);
		pos = skip_to(buf, pos, "->");
		starts[PPE_SLOT_ORIG_DST] = pos;
		lens[PPE_SLOT_ORIG_DST] = addr_len(buf, pos, ipv6);
	}
	if (strstr(buf, " new=")) {
		pos = skip_to(buf, 0, " new=");
		starts[PPE_SLOT_NEW_SRC] = pos;
		lens[PPE_SLOT_NEW_SRC] = addr_len(buf, pos, false);
		pos = skip_to(buf, pos, "->");
		starts[PPE_SLOT_NEW_DST] = pos;
		lens[PPE_SLOT_NEW_DST] = addr_len(buf, pos, false);
	}
	pos = skip_to(buf, 0, " eth=");
	starts[PPE_SLOT_SRC_MAC] = pos;
	lens[PPE_SLOT_SRC_MAC] = 17;
	starts[PPE_SLOT_DST_MAC] = pos + 19;
	lens[PPE_SLOT_DST_MAC] = 17;

	out = g_string_new(NULL);
	pos = 0;
	for (i = 0; i < PPE_SLOT_COUNT; i++) {
		if (!(l->redacted & (1u << i)))
			continue;
		g_string_append_len(out, buf + pos, (gssize)(starts[i] - pos));
		g_string_append(out, l->redact_text[i]);
		pos = starts[i] + lens[i];
	}
	g_string_append(out, buf + pos);
	return g_string_free(out, FALSE);
}
