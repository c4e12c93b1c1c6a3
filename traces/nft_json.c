/* SPDX-License-Identifier: MIT */
/*
 * nft_json.c - `nft -j list ruleset` reader (contract in nft_json.h): JSON in, nft text out.
 *
 * Passes:
 *  1-3. trace_json.c: bytes (NUL, invalid UTF-8), structure (a cut-off dump is reported as
 *     truncated), json-glib's tree with the end position of every value;
 *  4. nft_json_objects.c: the "nftables" array sorted into tables, their objects, chains
 *     and rules;
 *  5. nft_json_emit.c: every rule translated once (nft_json_stmt.c), the script assembled
 *     table by table, then applied here to an empty core ruleset.  When the core refuses a
 *     line, the line's JSON object is known from the line map: strict mode reports it (for
 *     a rule, at the statement the error column falls in), tolerant mode leaves the object
 *     out and assembles again (at most once per object).
 *
 * Invariants: the result's text always applies to an empty ruleset; every diagnostic names
 * a JSON path; no recursion deeper than the fixed nesting of the schema.
 */
#include "nft_json_internal.h"

#include <string.h>

#include "ruleset.h"

bool nj_problem(struct nj_ctx *c, JsonNode *at, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (c->j.failed)
		return false;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	trace_json_problem(&c->j, at, "%s: %s", path, msg);
	g_free(msg);
	return false;
}

/* ------------------------------------------------------- check with the core ---- */

/* Apply to an empty core ruleset; on refusal report (and in tolerant mode drop) the object. */
static int check_with_core(struct nj_state *s, struct nft_json_result *r)
{
	u32 attempt;

	for (attempt = 0; attempt <= s->objs->len; attempt++) {
		struct ruleset *rs;
		struct ruleset_error err;
		const struct nj_line *l;
		struct nj_obj *o;
		char path[80];
		int rc;

		nj_skip_orphans(s, r);
		if (!nj_assemble(s, r))
			return -1;
		rs = ruleset_create();
		if (!rs) {
			trace_diags_add(s->c.j.diags, TRACE_ERROR, s->c.j.name, 0, 0, "out of memory");
			return -1;
		}
		memset(&err, 0, sizeof(err));
		rc = ruleset_apply(rs, s->script->str, s->script->len, &err);
		ruleset_destroy(rs);
		if (!rc) {
			nj_skip_orphans(s, r);   /* count the rules of chains assemble() left out */
			return 0;
		}
		if (!err.line || err.line > s->lines->len) {
			trace_diags_add(s->c.j.diags, TRACE_ERROR, s->c.j.name, 0, 0, "the model refuses "
					"the translated ruleset: %s", err.msg);
			return -1;
		}
		l = &g_array_index(s->lines, struct nj_line, err.line - 1);
		o = &g_array_index(s->objs, struct nj_obj, l->obj);
		nj_obj_path(o, path, sizeof(path));
		if (o->kind == NK_RULE && o->cols->len) {
			u32 k, e = 0, col = err.col > l->prefix ? err.col - 1 - l->prefix : 0;

			for (k = 0; k < o->cols->len; k++)
				if (g_array_index(o->cols, struct nj_stmt_col, k).off <= col)
					e = g_array_index(o->cols, struct nj_stmt_col, k).expr;
			g_snprintf(path, sizeof(path), "nftables[%u].rule.expr[%u]", o->index, e);
			nj_problem(&s->c, o->node, path, "the model refuses the rule \"%s\": %s",
				   o->text->str, err.msg);
		} else {
			nj_problem(&s->c, o->node, path, "the model refuses the %s: %s",
				   nj_kind_name(o->kind), err.msg);
		}
		if (s->c.j.failed)
			return -1;
		o->skip = true;
		if (o->kind == NK_RULE)
			r->rules_skipped++;
		else
			r->objects_skipped++;
	}
	trace_diags_add(s->c.j.diags, TRACE_ERROR, s->c.j.name, 0, 0,
			"the model refuses the translated ruleset");
	return -1;
}

/* ---------------------------------------------------------------------- API ---- */

void nft_json_result_init(struct nft_json_result *r)
{
	memset(r, 0, sizeof(*r));
	r->flowtables = g_array_new(FALSE, TRUE, sizeof(struct nft_json_flowtable));
}

void nft_json_result_clear(struct nft_json_result *r)
{
	if (r->flowtables)
		g_array_free(r->flowtables, TRUE);
	g_free(r->text);
	memset(r, 0, sizeof(*r));
}

static void free_objs(GArray *objs)
{
	u32 i;

	for (i = 0; i < objs->len; i++) {
		struct nj_obj *o = &g_array_index(objs, struct nj_obj, i);

		if (o->text)
			g_string_free(o->text, TRUE);
		if (o->cols)
			g_array_free(o->cols, TRUE);
	}
	g_array_free(objs, TRUE);
}

static int translate(struct nj_state *s, JsonNode *root, struct nft_json_result *r)
{
	JsonObject *ro = JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
	JsonNode *arr = ro ? json_object_get_member(ro, "nftables") : NULL;

	if (!arr || !JSON_NODE_HOLDS_ARRAY(arr)) {
		trace_diags_add(s->c.j.diags, TRACE_ERROR, s->c.j.name, 0, 0,
				"expected {\"nftables\": [...]} (the output of nft -j list ruleset), "
				"got %s%s", ro ? "an object without an \"nftables\" array" :
				trace_json_kind(root), "");
		return -1;
	}
	r->objects = json_array_get_length(json_node_get_array(arr));
	if (!nj_collect(s, json_node_get_array(arr), r) || !nj_translate_rules(s, r))
		return -1;
	if (check_with_core(s, r))
		return -1;
	r->text = g_strndup(s->script->str, s->script->len);
	r->text_len = s->script->len;
	return 0;
}

int nft_json_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			  u32 flags, struct nft_json_result *r, struct trace_diags *diags)
{
	struct nj_state s;
	JsonNode *root;
	size_t start;
	int ret = -1;

	nft_json_result_clear(r);
	nft_json_result_init(r);
	memset(&s, 0, sizeof(s));
	trace_json_init(&s.c.j, name, mode, diags);
	s.flags = flags;
	if (!buf)
		len = 0;
	if (len && !trace_json_check_bytes(&s.c.j, buf, len, "nft -j output"))
		return -1;
	start = trace_json_skip_space(buf, len);
	if (start >= len) {
		trace_diags_add(diags, TRACE_ERROR, s.c.j.name, 0, 0,
				"empty input: expected the output of nft -j list ruleset");
		return -1;
	}
	if (buf[start] != '{') {
		u32 l, c;
		char q[64];

		trace_json_linecol(buf, start, &l, &c);
		trace_quote(q, sizeof(q), buf + start, len - start, 20);
		trace_diags_add(diags, TRACE_ERROR, s.c.j.name, l, c,
				"expected '{' starting {\"nftables\": [...]}, found '%s'", q);
		return -1;
	}
	s.c.sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s.objs = g_array_new(FALSE, TRUE, sizeof(struct nj_obj));
	s.lines = g_array_new(FALSE, FALSE, sizeof(struct nj_line));
	s.script = g_string_new(NULL);
	if (!trace_json_load(&s.c.j, buf, start, len, false, &root))
		goto out;
	if (s.c.j.trailing < len) {
		u32 l, c;

		trace_json_linecol(buf, s.c.j.trailing, &l, &c);
		trace_diags_add(diags, mode == TRACE_STRICT ? TRACE_ERROR : TRACE_WARNING,
				s.c.j.name, l, c, "%s text after the end of the JSON object",
				mode == TRACE_STRICT ? "unexpected" : "ignored");
		if (mode == TRACE_STRICT)
			goto out;
	}
	ret = translate(&s, root, r);
out:
	free_objs(s.objs);
	g_array_free(s.lines, TRUE);
	g_string_free(s.script, TRUE);
	g_hash_table_destroy(s.c.sets);
	trace_json_destroy(&s.c.j);
	if (ret)
		g_array_set_size(r->flowtables, 0);
	return ret;
}

int nft_json_parse_file(const char *path, enum trace_mode mode, u32 flags,
			struct nft_json_result *r, struct trace_diags *diags)
{
	char *buf;
	size_t len;
	int ret;

	if (!trace_read_file(path, &buf, &len, diags)) {
		nft_json_result_clear(r);
		nft_json_result_init(r);
		return -1;
	}
	ret = nft_json_parse_buffer(path, buf, len, mode, flags, r, diags);
	g_free(buf);
	return ret;
}
