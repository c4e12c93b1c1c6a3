// SPDX-License-Identifier: MIT
/*
 * yaml_load.c - libfyaml's event stream -> flowsim's position-carrying YAML tree
 * (struct yu_doc of struct yu_node), and reading the file it comes from.
 *
 * Invariants: every node is owned by exactly one document (doc->nodes) even when aliases
 * share it; a mapping never holds two equal keys; nesting, aliases and node count are
 * bounded (YU_MAX_DEPTH, YU_MAX_ALIASES, YU_MAX_NODES) so no input can exhaust memory or
 * the stack; a syntax error is reported once, at libfyaml's position, as FILE:LINE:COL;
 * only valid UTF-8 without NUL bytes reaches libfyaml (0.7.12 loops forever on some
 * invalid input, see yu_load_string).
 */
#include "yaml_util.h"

#include <string.h>

#include <libfyaml.h>

#define YU_MAX_DEPTH 64
#define YU_MAX_ALIASES 10000
#define YU_MAX_NODES 2000000

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

/*
 * libfyaml's errors are collected (fy_diag_set_collect_errors), not printed: printing one
 * draws the offending token's source lines, and libfyaml 0.7.12 crashes doing that for a
 * token on a line wider than 80 columns with tabs (found by tests/fuzz/fuzz_scenario).
 * Collected errors are freed with fy_diag_reset_error() while the parser still lives.
 * Messages that are not about a token still come as text: they are dropped (the parse
 * then fails with an error reported at the position last seen).
 */
static void diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

/* The first collected error (positions 1-based), else the position last seen. */
static void report_parse_errors(struct builder *b, struct fy_diag *diag)
{
	struct fy_diag_error *e;
	void *iter = NULL;

	while ((e = fy_diag_errors_iterate(diag, &iter)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		yu_error_at(b->d, b->doc->file, e->line > 0 ? (uint32_t)e->line : 1,
			    e->column > 0 ? (uint32_t)e->column : 1, "YAML syntax error: %s",
			    e->msg ? e->msg : "invalid YAML");
		return;
	}
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
	struct fy_event *e;
	struct builder b;
	const char *bad;
	int i;

	memset(&b, 0, sizeof(b));
	b.d = d;
	b.doc = g_new0(struct yu_doc, 1);
	b.doc->file = g_strdup(display ? display : "<input>");
	b.doc->text = g_strndup(text, len);
	b.doc->len = len;
	b.doc->nodes = g_ptr_array_new_with_free_func(node_free);
	b.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	/*
	 * Text must be UTF-8 without NUL bytes, checked here: libfyaml 0.7.12 never returns
	 * from a directive holding an invalid UTF-8 sequence ("%\xff", found by
	 * tests/fuzz/fuzz_scenario).
	 */
	if (!g_utf8_validate_len(text, len, &bad)) {
		uint32_t line = 1, col = 1;
		const char *p;

		/* columns count characters as libfyaml's marks do (UTF-8 continuation bytes
		 * are not columns); bounded by the bad byte's offset */
		for (p = text; p < bad; p++) {
			if (*p == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*p & 0xc0) != 0x80) {
				col++;
			}
		}
		if (!*bad)
			yu_error_at(d, b.doc->file, line, col,
				    "NUL byte: not a text file (expected YAML text)");
		else
			yu_error_at(d, b.doc->file, line, col, "invalid UTF-8 (byte 0x%02x): "
				    "expected YAML text in UTF-8", (unsigned int)(unsigned char)*bad);
		goto fail_nofy;
	}

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_output;
	dcfg.user = NULL;
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
	fy_diag_set_collect_errors(diag, true);
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
		report_parse_errors(&b, diag);
		b.failed = true;
	}
	fy_diag_reset_error(diag);
	fy_parser_destroy(fyp);
	fy_diag_unref(diag);
	for (i = 0; i < b.depth; i++)
		g_free(b.stack[i].anchor);
	g_hash_table_destroy(b.anchors);
	if (b.failed) {
		yu_doc_free(b.doc);
		return NULL;
	}
	return b.doc;

fail_nofy:
	g_hash_table_destroy(b.anchors);
	yu_doc_free(b.doc);
	return NULL;
}

char *yu_read_text(const char *path, const char *display, const char *expected, size_t *len,
		   struct yu_diag *d)
{
	GError *err = NULL;
	gchar *text = NULL;
	gsize n = 0;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		yu_error_at(d, display, 0, 0, "is a directory, expected %s", expected);
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &n, &err)) {
		yu_error_at(d, display, 0, 0, "cannot read: %s",
			    err->code == G_FILE_ERROR_NOENT ? "no such file" : err->message);
		g_error_free(err);
		return NULL;
	}
	*len = n;
	return text;
}

struct yu_doc *yu_load_file(const char *path, const char *display, struct yu_diag *d)
{
	struct yu_doc *doc;
	size_t len = 0;
	char *text;

	if (!display)
		display = path;
	text = yu_read_text(path, display, "a YAML file", &len, d);
	if (!text)
		return NULL;
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
