// SPDX-License-Identifier: MIT
/*
 * yaml_util.c - libfyaml event stream -> position-carrying tree, diagnostics, and the typed
 * getters with units that scenario and SoC-profile loading share.
 *
 * Invariants: every node is owned by exactly one document (doc->nodes) even when aliases
 * share it; a mapping never holds two equal keys; numbers are parsed with integer decimal
 * arithmetic, so "2.5gbit" is exactly 2500000000 and "1.5s" exactly 1500000000 ns.
 */
#include "yaml_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#define YU_MAX_DEPTH 64
#define YU_MAX_ALIASES 10000
#define YU_MAX_NODES 2000000

/* ---------------------------------------------------------------- diagnostics ---- */

void yu_diag_init(struct yu_diag *d)
{
	d->msgs = g_ptr_array_new();
	d->errors = 0;
	d->warnings = 0;
}

static void msg_free(struct yu_msg *m)
{
	g_free(m->file);
	g_free(m->text);
	g_free(m);
}

void yu_diag_clear(struct yu_diag *d)
{
	guint i;

	if (!d->msgs)
		return;
	for (i = 0; i < d->msgs->len; i++)
		msg_free(g_ptr_array_index(d->msgs, i));
	g_ptr_array_free(d->msgs, TRUE);
	d->msgs = NULL;
	d->errors = 0;
	d->warnings = 0;
}

char *yu_msg_format(const struct yu_msg *m)
{
	const char *w = m->warning ? "warning: " : "";

	if (m->line && m->col)
		return g_strdup_printf("%s:%u:%u: %s%s", m->file, m->line, m->col, w, m->text);
	if (m->line)
		return g_strdup_printf("%s:%u: %s%s", m->file, m->line, w, m->text);
	return g_strdup_printf("%s: %s%s", m->file, w, m->text);
}

static void diag_addv(struct yu_diag *d, bool warning, const char *file, uint32_t line,
		      uint32_t col, const char *fmt, va_list ap)
{
	struct yu_msg *m;

	if (warning)
		d->warnings++;
	else
		d->errors++;
	if (d->msgs->len >= YU_MAX_MSGS)
		return;
	m = g_new0(struct yu_msg, 1);
	m->file = g_strdup(file ? file : "<input>");
	m->line = line;
	m->col = col;
	m->warning = warning;
	m->text = g_strdup_vprintf(fmt, ap);
	g_ptr_array_add(d->msgs, m);
}

void yu_error(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, false, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void yu_warning(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, true, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void yu_error_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, false, file, line, col, fmt, ap);
	va_end(ap);
}

void yu_warning_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, true, file, line, col, fmt, ap);
	va_end(ap);
}

/* -------------------------------------------------------------------- loading ---- */

struct frame {
	struct yu_node *node;
	struct yu_node *pending_key;   /* mappings: key waiting for its value */
	char *anchor;                  /* anchor to register when the collection ends */
};

struct builder {
	struct yu_doc *doc;
	struct yu_diag *d;
	struct frame stack[YU_MAX_DEPTH];
	int depth;
	GHashTable *anchors;           /* name -> node (completed nodes only) */
	uint32_t aliases;
	uint32_t last_line, last_col;
	bool failed;
	int documents;
};

static struct yu_node *node_new(struct builder *b, enum yu_kind kind, uint32_t line,
				uint32_t col)
{
	struct yu_node *n;

	if (b->doc->nodes->len >= YU_MAX_NODES) {
		yu_error_at(b->d, b->doc->file, line, col,
			    "document too large (more than %u nodes)", YU_MAX_NODES);
		b->failed = true;
		return NULL;
	}
	n = g_new0(struct yu_node, 1);
	n->kind = kind;
	n->file = b->doc->file;
	n->line = line;
	n->col = col;
	g_ptr_array_add(b->doc->nodes, n);
	return n;
}

static void node_free(gpointer p)
{
	struct yu_node *n = p;

	g_free(n->text);
	g_free(n->items);
	g_free(n->pairs);
	g_free(n);
}

static char *token_text(struct fy_token *t)
{
	const char *s;
	size_t len = 0;

	if (!t)
		return NULL;
	s = fy_token_get_text(t, &len);
	if (!s)
		return NULL;
	return g_strndup(s, len);
}

static void event_pos(struct builder *b, struct fy_event *e, uint32_t *line, uint32_t *col)
{
	const struct fy_mark *m = fy_event_start_mark(e);

	if (m && m->line >= 0 && m->column >= 0) {
		*line = (uint32_t)m->line + 1;
		*col = (uint32_t)m->column + 1;
		b->last_line = *line;
		b->last_col = *col;
		return;
	}
	/* implicit empty values carry no mark: place them at their key (or the last seen) */
	if (b->depth > 0 && b->stack[b->depth - 1].pending_key) {
		*line = b->stack[b->depth - 1].pending_key->line;
		*col = b->stack[b->depth - 1].pending_key->col;
		return;
	}
	*line = b->last_line ? b->last_line : 1;
	*col = b->last_col ? b->last_col : 1;
}

/* Tags: only !!str (forces a string) is meaningful to flowsim. */
static bool check_tag(struct builder *b, struct fy_token *tag, uint32_t line, uint32_t col,
		      bool *is_str)
{
	char *t;
	bool ok;

	*is_str = false;
	if (!tag)
		return true;
	t = token_text(tag);
	ok = t && (!strcmp(t, "!!str") || !strcmp(t, "tag:yaml.org,2002:str"));
	if (ok)
		*is_str = true;
	else
		yu_error_at(b->d, b->doc->file, line, col,
			    "YAML tag '%s' is not supported (only !!str)", t ? t : "?");
	g_free(t);
	return ok;
}

static void register_anchor(struct builder *b, char *anchor, struct yu_node *n)
{
	if (!anchor)
		return;
	/* a later anchor of the same name replaces the earlier one, as YAML specifies */
	g_hash_table_replace(b->anchors, anchor, n);
}

static bool seq_append(struct yu_node *seq, struct yu_node *n)
{
	if (seq->n_items == seq->cap) {
		seq->cap = seq->cap ? seq->cap * 2 : 8;
		seq->items = g_renew(struct yu_node *, seq->items, seq->cap);
	}
	seq->items[seq->n_items++] = n;
	return true;
}

static bool is_merge_key(const struct yu_node *k)
{
	return !k->quoted && !strcmp(k->text, "<<");
}

/* Attach a completed (or just started) node to its parent. */
static bool attach(struct builder *b, struct yu_node *n)
{
	struct frame *f;
	uint32_t i;

	if (b->depth == 0) {
		b->doc->root = n;
		return true;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == YU_SEQ)
		return seq_append(f->node, n);
	/* mapping */
	if (!f->pending_key) {
		if (n->kind != YU_SCALAR) {
			yu_error_at(b->d, b->doc->file, n->line, n->col,
				    "mapping keys must be plain strings, not %s",
				    n->kind == YU_MAP ? "mappings" : "lists");
			b->failed = true;
			return false;
		}
		if (is_merge_key(n)) {
			yu_error_at(b->d, b->doc->file, n->line, n->col,
				    "merge keys ('<<') are not supported");
			b->failed = true;
			return false;
		}
		for (i = 0; i < f->node->n_pairs; i++) {
			const struct yu_node *k = f->node->pairs[i].key;

			if (!strcmp(k->text, n->text)) {
				yu_error_at(b->d, b->doc->file, n->line, n->col,
					    "duplicate key '%s' (first given at line %u)",
					    n->text, k->line);
				b->failed = true;
				return false;
			}
		}
		f->pending_key = n;
		return true;
	}
	if (f->node->n_pairs == f->node->cap) {
		f->node->cap = f->node->cap ? f->node->cap * 2 : 8;
		f->node->pairs = g_renew(struct yu_pair, f->node->pairs, f->node->cap);
	}
	f->node->pairs[f->node->n_pairs].key = f->pending_key;
	f->node->pairs[f->node->n_pairs].value = n;
	f->node->n_pairs++;
	f->pending_key = NULL;
	return true;
}

static bool scalar_is_null(const char *s, bool quoted)
{
	if (quoted)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static void handle_event(struct builder *b, struct fy_event *e)
{
	uint32_t line, col;
	struct yu_node *n;
	char *anchor = NULL;
	bool is_str;

	switch (e->type) {
	case FYET_DOCUMENT_START:
		if (++b->documents > 1) {
			event_pos(b, e, &line, &col);
			yu_error_at(b->d, b->doc->file, line, col,
				    "only one YAML document is allowed per file");
			b->failed = true;
		}
		return;
	case FYET_SCALAR:
		event_pos(b, e, &line, &col);
		if (!check_tag(b, e->scalar.tag, line, col, &is_str)) {
			b->failed = true;
			return;
		}
		n = node_new(b, YU_SCALAR, line, col);
		if (!n)
			return;
		n->text = token_text(e->scalar.value);
		if (!n->text)
			n->text = g_strdup("");
		n->len = strlen(n->text);
		n->quoted = is_str || (e->scalar.value &&
				       fy_token_scalar_style(e->scalar.value) != FYSS_PLAIN);
		n->is_null = scalar_is_null(n->text, n->quoted);
		n->block = e->scalar.value &&
			   (fy_token_scalar_style(e->scalar.value) == FYSS_LITERAL ||
			    fy_token_scalar_style(e->scalar.value) == FYSS_FOLDED);
		anchor = token_text(e->scalar.anchor);
		if (attach(b, n))
			register_anchor(b, anchor, n);
		else
			g_free(anchor);
		return;
	case FYET_ALIAS: {
		char *name = token_text(e->alias.anchor);

		event_pos(b, e, &line, &col);
		n = name ? g_hash_table_lookup(b->anchors, name) : NULL;
		if (!n) {
			yu_error_at(b->d, b->doc->file, line, col,
				    "alias '*%s' names no earlier anchor", name ? name : "?");
			b->failed = true;
		} else if (++b->aliases > YU_MAX_ALIASES) {
			yu_error_at(b->d, b->doc->file, line, col,
				    "too many aliases (more than %u)", YU_MAX_ALIASES);
			b->failed = true;
		} else {
			attach(b, n);
		}
		g_free(name);
		return;
	}
	case FYET_SEQUENCE_START:
	case FYET_MAPPING_START: {
		bool seq = e->type == FYET_SEQUENCE_START;
		struct fy_token *tag = seq ? e->sequence_start.tag : e->mapping_start.tag;

		event_pos(b, e, &line, &col);
		if (!check_tag(b, tag, line, col, &is_str)) {
			b->failed = true;
			return;
		}
		if (b->depth >= YU_MAX_DEPTH) {
			yu_error_at(b->d, b->doc->file, line, col,
				    "nesting deeper than %d levels", YU_MAX_DEPTH);
			b->failed = true;
			return;
		}
		n = node_new(b, seq ? YU_SEQ : YU_MAP, line, col);
		if (!n)
			return;
		if (!attach(b, n))
			return;
		b->stack[b->depth].node = n;
		b->stack[b->depth].pending_key = NULL;
		b->stack[b->depth].anchor = token_text(seq ? e->sequence_start.anchor :
							     e->mapping_start.anchor);
		b->depth++;
		return;
	}
	case FYET_SEQUENCE_END:
	case FYET_MAPPING_END:
		if (b->depth > 0) {
			struct frame *f = &b->stack[--b->depth];

			register_anchor(b, f->anchor, f->node);
			f->anchor = NULL;
		}
		return;
	default:
		return;
	}
}

/* libfyaml's diagnostic text ("NAME:LINE:COL: error: MSG", then the source line and a
 * caret line) is captured rather than collected: collected errors are never freed by
 * libfyaml 0.7. */
static void diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	g_string_append_len(user, buf, (gssize)len);
}

/* The first "...:LINE:COL: error: MSG" line of the captured text (positions 1-based). */
static void report_parse_errors(struct builder *b, GString *out)
{
	char **lines = g_strsplit(out->str, "\n", -1);
	guint i;

	for (i = 0; lines[i]; i++) {
		char *e = strstr(lines[i], ": error: ");
		unsigned long line = 0, col = 0;
		char *p, *q;

		if (!e)
			continue;
		/* walk back over ":COL" and ":LINE" */
		*e = 0;
		p = strrchr(lines[i], ':');
		if (p) {
			col = strtoul(p + 1, NULL, 10);
			*p = 0;
			q = strrchr(lines[i], ':');
			if (q)
				line = strtoul(q + 1, NULL, 10);
		}
		yu_error_at(b->d, b->doc->file, line ? (uint32_t)line : 1, col ? (uint32_t)col : 1,
			    "YAML syntax error: %s", e + strlen(": error: "));
		g_strfreev(lines);
		return;
	}
	g_strfreev(lines);
	yu_error_at(b->d, b->doc->file, b->last_line ? b->last_line : 1,
		    b->last_col ? b->last_col : 1, "YAML syntax error");
}

struct yu_doc *yu_load_string(const char *display, const char *text, size_t len,
			      struct yu_diag *d)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg pcfg;
	struct fy_diag *diag;
	struct fy_parser *fyp;
	GString *diag_text = g_string_new(NULL);
	struct fy_event *e;
	struct builder b;
	int i;

	memset(&b, 0, sizeof(b));
	b.d = d;
	b.doc = g_new0(struct yu_doc, 1);
	b.doc->file = g_strdup(display ? display : "<input>");
	b.doc->text = g_strndup(text, len);
	b.doc->len = len;
	b.doc->nodes = g_ptr_array_new_with_free_func(node_free);
	b.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (memchr(text, '\0', len)) {
		yu_error_at(d, b.doc->file, 0, 0, "not a text file (contains NUL bytes)");
		goto fail_nofy;
	}

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_output;
	dcfg.user = diag_text;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = false;
	dcfg.show_module = false;
	diag = fy_diag_create(&dcfg);
	if (!diag) {
		yu_error_at(d, b.doc->file, 0, 0, "cannot create a YAML parser");
		goto fail_nofy;
	}
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
	pcfg.diag = diag;
	fyp = fy_parser_create(&pcfg);
	if (!fyp || fy_parser_set_string(fyp, text, len)) {
		yu_error_at(d, b.doc->file, 0, 0, "cannot create a YAML parser");
		if (fyp)
			fy_parser_destroy(fyp);
		fy_diag_unref(diag);
		goto fail_nofy;
	}
	while (!b.failed && (e = fy_parser_parse(fyp)) != NULL) {
		handle_event(&b, e);
		fy_parser_event_free(fyp, e);
	}
	if (!b.failed && fy_parser_get_stream_error(fyp)) {
		report_parse_errors(&b, diag_text);
		b.failed = true;
	}
	fy_parser_destroy(fyp);
	fy_diag_unref(diag);
	for (i = 0; i < b.depth; i++)
		g_free(b.stack[i].anchor);
	g_hash_table_destroy(b.anchors);
	g_string_free(diag_text, TRUE);
	if (b.failed) {
		yu_doc_free(b.doc);
		return NULL;
	}
	return b.doc;

fail_nofy:
	g_hash_table_destroy(b.anchors);
	g_string_free(diag_text, TRUE);
	yu_doc_free(b.doc);
	return NULL;
}

struct yu_doc *yu_load_file(const char *path, const char *display, struct yu_diag *d)
{
	GError *err = NULL;
	gchar *text = NULL;
	gsize len = 0;
	struct yu_doc *doc;

	if (!display)
		display = path;
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		yu_error_at(d, display, 0, 0, "is a directory, expected a YAML file");
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &len, &err)) {
		yu_error_at(d, display, 0, 0, "cannot read: %s",
			    err->code == G_FILE_ERROR_NOENT ? "no such file" : err->message);
		g_error_free(err);
		return NULL;
	}
	doc = yu_load_string(display, text, len, d);
	g_free(text);
	return doc;
}

void yu_doc_free(struct yu_doc *doc)
{
	if (!doc)
		return;
	g_ptr_array_free(doc->nodes, TRUE);
	g_free(doc->file);
	g_free(doc->text);
	g_free(doc);
}

/* ------------------------------------------------------------------ structure ---- */

char *yu_show(const struct yu_node *n)
{
	if (!n)
		return g_strdup("nothing");
	if (n->kind == YU_MAP)
		return g_strdup("a mapping");
	if (n->kind == YU_SEQ)
		return g_strdup("a list");
	if (n->is_null)
		return g_strdup("an empty value");
	if (n->len > 40)
		return g_strdup_printf("'%.37s...'", n->text);
	return g_strdup_printf("'%s'", n->text);
}

const char *yu_kind_name(const struct yu_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YU_MAP:
		return "a mapping";
	case YU_SEQ:
		return "a list";
	default:
		return n->is_null ? "an empty value" : "a scalar";
	}
}

static bool expect_kind(struct yu_diag *d, const struct yu_node *n, const char *what,
			enum yu_kind kind, const char *expected)
{
	char *s;

	if (n && n->kind == kind && !(kind == YU_SCALAR && n->is_null))
		return true;
	s = yu_show(n);
	yu_error(d, n, "%s: expected %s, got %s", what, expected, s);
	g_free(s);
	return false;
}

bool yu_expect_map(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_MAP, "a mapping");
}

bool yu_expect_seq(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_SEQ, "a list");
}

bool yu_expect_scalar(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_SCALAR, "a value");
}

struct yu_node *yu_get(const struct yu_node *map, const char *key)
{
	uint32_t i;

	if (!map || map->kind != YU_MAP)
		return NULL;
	for (i = 0; i < map->n_pairs; i++)
		if (!strcmp(map->pairs[i].key->text, key))
			return map->pairs[i].value;
	return NULL;
}

struct yu_node *yu_get_key(const struct yu_node *map, const char *key)
{
	uint32_t i;

	if (!map || map->kind != YU_MAP)
		return NULL;
	for (i = 0; i < map->n_pairs; i++)
		if (!strcmp(map->pairs[i].key->text, key))
			return map->pairs[i].key;
	return NULL;
}

/* Optimal-string-alignment distance (Damerau): a swap of neighbours counts as one edit. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[65][65];

	if (la > 64 || lb > 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
			size_t best = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);

			best = MIN(best, d[i - 1][j - 1] + (ai != bj));
			if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == bj)
				best = MIN(best, d[i - 2][j - 2] + 1);
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *yu_suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = 99, len = strlen(word), limit;
	size_t i;

	/* a typo, not a different word: 1 edit for short words, up to 1/3 of the length */
	limit = len <= 4 ? 1 : MAX((size_t)2, len / 3);
	for (i = 0; candidates[i]; i++) {
		size_t dist = edit_distance(word, candidates[i]);

		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

static char *join_names(const char *const *names)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; names[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", names[i]);
	return g_string_free(s, FALSE);
}

bool yu_check_keys(struct yu_diag *d, const struct yu_node *map, const char *what,
		   const char *const *known)
{
	bool ok = true;
	uint32_t i;
	size_t k;

	if (!map || map->kind != YU_MAP)
		return false;
	for (i = 0; i < map->n_pairs; i++) {
		const struct yu_node *key = map->pairs[i].key;
		const char *sugg;
		bool found = false;

		for (k = 0; known[k]; k++)
			if (!strcmp(known[k], key->text))
				found = true;
		if (found)
			continue;
		ok = false;
		sugg = yu_suggest(key->text, known);
		if (sugg) {
			yu_error(d, key, "unknown key '%s' in %s (did you mean '%s'?)", key->text,
				 what, sugg);
		} else {
			char *all = join_names(known);

			yu_error(d, key, "unknown key '%s' in %s (expected one of: %s)", key->text,
				 what, all);
			g_free(all);
		}
	}
	return ok;
}

struct yu_node *yu_require(struct yu_diag *d, const struct yu_node *map, const char *what,
			   const char *key)
{
	struct yu_node *v = yu_get(map, key);

	if (!v)
		yu_error(d, map, "%s: missing required key '%s'", what, key);
	return v;
}

/* ----------------------------------------------------------------- typed values ---- */

static bool scalar_text(struct yu_diag *d, const struct yu_node *n, const char *what,
			const char *expected)
{
	char *s;

	if (n && n->kind == YU_SCALAR && !n->is_null)
		return true;
	s = yu_show(n);
	yu_error(d, n, "%s: expected %s, got %s", what, expected, s);
	g_free(s);
	return false;
}

bool yu_str(struct yu_diag *d, const struct yu_node *n, const char *what, char *buf,
	    size_t size)
{
	if (!scalar_text(d, n, what, "a string"))
		return false;
	if (n->len >= size) {
		yu_error(d, n, "%s: '%s' is too long (at most %zu characters)", what, n->text,
			 size - 1);
		return false;
	}
	memcpy(buf, n->text, n->len + 1);
	return true;
}

bool yu_strdup(struct yu_diag *d, const struct yu_node *n, const char *what, char **out)
{
	if (!scalar_text(d, n, what, "a string"))
		return false;
	*out = g_strdup(n->text);
	return true;
}

bool yu_bool(struct yu_diag *d, const struct yu_node *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	size_t i;

	if (!scalar_text(d, n, what, "a boolean (true/false, 1/0)"))
		return false;
	for (i = 0; yes[i]; i++) {
		if (!g_ascii_strcasecmp(n->text, yes[i])) {
			*out = true;
			return true;
		}
		if (!g_ascii_strcasecmp(n->text, no[i])) {
			*out = false;
			return true;
		}
	}
	yu_error(d, n, "%s: expected a boolean (true/false, 1/0), got '%s'", what, n->text);
	return false;
}

int yu_parse_u64(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;
	int base = 10;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		snprintf(err, errlen, "expected a non-negative integer, got '%s'", s);
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "expected an integer, got '%s'", s);
		return -1;
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno == ERANGE) {
		snprintf(err, errlen, "'%s' is too large", s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (*end) {
		snprintf(err, errlen, "expected an integer, got '%s'", s);
		return -1;
	}
	*out = v;
	return 0;
}

bool yu_u64(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t min,
	    uint64_t max, uint64_t *out)
{
	char err[160];
	uint64_t v;

	if (!scalar_text(d, n, what, "an integer"))
		return false;
	if (yu_parse_u64(n->text, &v, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	if (v < min || v > max) {
		yu_error(d, n, "%s: %" G_GUINT64_FORMAT " is out of range (%" G_GUINT64_FORMAT
			 "..%" G_GUINT64_FORMAT ")", what, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool yu_u32(struct yu_diag *d, const struct yu_node *n, const char *what, uint32_t min,
	    uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!yu_u64(d, n, what, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool yu_double(struct yu_diag *d, const struct yu_node *n, const char *what, double min,
	       double max, double *out)
{
	char *end;
	double v;
	const char *p;

	if (!scalar_text(d, n, what, "a number"))
		return false;
	p = n->text;
	/* plain decimal notation only: no hex floats, inf or nan */
	if (!(isdigit((unsigned char)p[0]) || p[0] == '.' ||
	      ((p[0] == '-' || p[0] == '+') && (isdigit((unsigned char)p[1]) || p[1] == '.'))) ||
	    strpbrk(p, "xXnN")) {
		yu_error(d, n, "%s: expected a number, got '%s'", what, n->text);
		return false;
	}
	errno = 0;
	v = strtod(p, &end);
	if (*end || errno == ERANGE || !isfinite(v)) {
		yu_error(d, n, "%s: expected a number, got '%s'", what, n->text);
		return false;
	}
	if (v < min || v > max) {
		yu_error(d, n, "%s: %s is out of range (%g..%g)", what, n->text, min, max);
		return false;
	}
	*out = v;
	return true;
}

/* ---------------------------------------------------------------------- units ---- */

struct unit {
	const char *name;
	uint64_t mult;      /* base units per one of this unit */
	bool exact_case;
};

/* Exact decimal: "<digits>[.<digits>]" -> mantissa and fraction digits. */
static int parse_decimal(const char *s, const char **end, uint64_t *mant, unsigned *frac)
{
	uint64_t m = 0;
	unsigned f = 0, digits = 0;
	bool point = false;
	const char *p = s;

	for (;; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		if (m > (UINT64_MAX - 9) / 10)
			return -2;   /* too many digits */
		m = m * 10 + (uint64_t)(*p - '0');
		digits++;
		if (point)
			f++;
	}
	if (!digits)
		return -1;
	if (f > 18)
		return -2;
	*mant = m;
	*frac = f;
	*end = p;
	return 0;
}

static const struct unit *find_unit(const struct unit *units, const char *u)
{
	size_t i;

	for (i = 0; units[i].name; i++) {
		if (units[i].exact_case ? !strcmp(units[i].name, u) :
					  !g_ascii_strcasecmp(units[i].name, u))
			return &units[i];
	}
	return NULL;
}

/*
 * "<decimal><spaces?><unit>" with units from the table; bare_mult != 0 allows a bare number
 * (bare_zero_only: only "0").  The result is exact or an error.
 */
static int parse_quantity(const char *s, const struct unit *units, uint64_t bare_mult,
			  bool bare_zero_only, const char *expected, const char *base_name,
			  uint64_t *out, char *err, size_t errlen)
{
	const char *p = s, *end;
	const struct unit *u;
	uint64_t mant, mult, pow10 = 1;
	unsigned frac, i;
	unsigned __int128 v;
	int rc;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		snprintf(err, errlen, "must not be negative, got '%s'", s);
		return -1;
	}
	if (*p == '+')
		p++;
	rc = parse_decimal(p, &end, &mant, &frac);
	if (rc == -2) {
		snprintf(err, errlen, "'%s' is too large or too precise", s);
		return -1;
	}
	if (rc) {
		snprintf(err, errlen, "expected %s, got '%s'", expected, s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (!*end) {
		if (bare_mult && (!bare_zero_only || mant == 0)) {
			mult = bare_mult;
		} else {
			snprintf(err, errlen, "'%s' has no unit: expected %s", s, expected);
			return -1;
		}
	} else {
		u = find_unit(units, end);
		if (!u) {
			snprintf(err, errlen, "expected %s, got '%s'", expected, s);
			return -1;
		}
		mult = u->mult;
	}
	for (i = 0; i < frac; i++)
		pow10 *= 10;
	v = (unsigned __int128)mant * mult;
	if (v % pow10) {
		snprintf(err, errlen, "'%s' is not a whole number of %s", s, base_name);
		return -1;
	}
	v /= pow10;
	if (v > UINT64_MAX) {
		snprintf(err, errlen, "'%s' is too large", s);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

static const struct unit rate_units[] = {
	{ "bit", 1, false }, { "kbit", 1000ULL, false }, { "mbit", 1000000ULL, false },
	{ "gbit", 1000000000ULL, false }, { "tbit", 1000000000000ULL, false },
	{ "bit/s", 1, false }, { "kbit/s", 1000ULL, false }, { "mbit/s", 1000000ULL, false },
	{ "gbit/s", 1000000000ULL, false }, { "tbit/s", 1000000000000ULL, false },
	{ "bps", 0, false }, { "kbps", 0, false }, { "mbps", 0, false }, { "gbps", 0, false },
	{ "tbps", 0, false }, { NULL, 0, false },
};

int yu_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen)
{
	const char *p = s;
	const struct unit *u;

	/* tc's bps/kbps/... are BYTES per second: refuse rather than guess */
	while (*p && (isdigit((unsigned char)*p) || *p == '.' || *p == ' ' || *p == '+'))
		p++;
	u = *p ? find_unit(rate_units, p) : NULL;
	if (u && u->mult == 0) {
		snprintf(err, errlen,
			 "'%s' is ambiguous: tc reads '%s' as bytes per second; write e.g. 100mbit "
			 "for megabits per second", s, p);
		return -1;
	}
	return parse_quantity(s, rate_units, 0, false, "a bit rate such as 100mbit or 2.5gbit",
			      "bit/s", bps, err, errlen);
}

static const struct unit duration_units[] = {
	{ "ns", 1, false }, { "us", 1000ULL, false }, { "\xc2\xb5s", 1000ULL, false },
	{ "ms", 1000000ULL, false }, { "s", 1000000000ULL, false },
	{ "min", 60000000000ULL, false }, { "h", 3600000000000ULL, false }, { NULL, 0, false },
};

int yu_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	return parse_quantity(s, duration_units, 1, true,
			      "a duration such as 300ms, 1.5s or 2min", "nanoseconds", ns, err,
			      errlen);
}

static const struct unit size_units[] = {
	{ "B", 1, true }, { "kB", 1000ULL, true }, { "KB", 1000ULL, true },
	{ "MB", 1000000ULL, true }, { "GB", 1000000000ULL, true },
	{ "TB", 1000000000000ULL, true }, { "KiB", 1024ULL, true }, { "kiB", 1024ULL, true },
	{ "MiB", 1048576ULL, true }, { "GiB", 1073741824ULL, true },
	{ "TiB", 1099511627776ULL, true }, { NULL, 0, false },
};

int yu_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	return parse_quantity(s, size_units, 1, false, "a size such as 1500, 64KiB or 1GiB",
			      "bytes", bytes, err, errlen);
}

static const struct unit freq_units[] = {
	{ "Hz", 1, false }, { "kHz", 1000ULL, false }, { "MHz", 1000000ULL, false },
	{ "GHz", 1000000000ULL, false }, { NULL, 0, false },
};

int yu_parse_freq(const char *s, uint64_t *hz, char *err, size_t errlen)
{
	return parse_quantity(s, freq_units, 0, false, "a frequency such as 880MHz or 1.3GHz",
			      "Hz", hz, err, errlen);
}

int yu_parse_event_rate(const char *s, double *per_sec, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char *num, *end;
	double v, div;

	if (!slash) {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		return -1;
	}
	if (!strcmp(slash, "/s"))
		div = 1;
	else if (!strcmp(slash, "/min"))
		div = 60;
	else if (!strcmp(slash, "/h"))
		div = 3600;
	else {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		return -1;
	}
	num = g_strndup(s, (gsize)(slash - s));
	g_strstrip(num);
	if (num[0] == '-') {
		snprintf(err, errlen, "must not be negative, got '%s'", s);
		g_free(num);
		return -1;
	}
	errno = 0;
	v = (isdigit((unsigned char)num[0]) || num[0] == '.') && !strpbrk(num, "xXnN") ?
		    strtod(num, &end) : NAN;
	if (isnan(v) || *end || errno == ERANGE || !isfinite(v)) {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		g_free(num);
		return -1;
	}
	g_free(num);
	*per_sec = v / div;
	return 0;
}

typedef int (*parse_fn)(const char *s, uint64_t *out, char *err, size_t errlen);

static bool typed_u64(struct yu_diag *d, const struct yu_node *n, const char *what,
		      const char *expected, parse_fn fn, uint64_t *out)
{
	char err[256];

	if (!scalar_text(d, n, what, expected))
		return false;
	if (fn(n->text, out, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	return true;
}

bool yu_rate(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bps)
{
	return typed_u64(d, n, what, "a bit rate such as 100mbit or 2.5gbit", yu_parse_rate,
			 bps);
}

bool yu_duration(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *ns)
{
	return typed_u64(d, n, what, "a duration such as 300ms, 1.5s or 2min",
			 yu_parse_duration, ns);
}

bool yu_size(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bytes)
{
	return typed_u64(d, n, what, "a size such as 1500, 64KiB or 1GiB", yu_parse_size,
			 bytes);
}

bool yu_freq(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *hz)
{
	return typed_u64(d, n, what, "a frequency such as 880MHz or 1.3GHz", yu_parse_freq, hz);
}

bool yu_event_rate(struct yu_diag *d, const struct yu_node *n, const char *what,
		   double *per_sec)
{
	char err[256];

	if (!scalar_text(d, n, what, "a rate of events such as 20/s"))
		return false;
	if (yu_parse_event_rate(n->text, per_sec, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	return true;
}

bool yu_enum(struct yu_diag *d, const struct yu_node *n, const char *what,
	     const char *const *names, int *out)
{
	const char *sugg;
	char *all;
	int i;

	if (!scalar_text(d, n, what, "a name"))
		return false;
	for (i = 0; names[i]; i++) {
		if (!strcmp(names[i], n->text)) {
			*out = i;
			return true;
		}
	}
	sugg = yu_suggest(n->text, names);
	if (sugg) {
		yu_error(d, n, "%s: unknown value '%s' (did you mean '%s'?)", what, n->text, sugg);
		return false;
	}
	all = join_names(names);
	yu_error(d, n, "%s: unknown value '%s' (expected one of: %s)", what, n->text, all);
	g_free(all);
	return false;
}
