/* SPDX-License-Identifier: MIT */
/*
 * nft_json.c - `nft -j list ruleset` reader (contract in nft_json.h): JSON in, nft text out.
 *
 * Passes:
 *  1. bytes: NUL and invalid UTF-8 with line:column (json-glib says neither where nor why);
 *  2. structure: a string-aware bracket scan, so a cut-off dump is reported as truncated;
 *  3. json-glib builds the tree, its "object-member"/"array-element" signals record where
 *     each value ended (for line:column in schema messages);
 *  4. the "nftables" array is sorted into tables, their objects, chains and rules (nftables
 *     lists chains, objects, sets, flowtables and then all rules, table by table, so rules
 *     may come long after their chain);
 *  5. every rule is translated once (nft_json_expr.c), then the script is assembled table
 *     by table and applied to an empty core ruleset.  When the core refuses a line, the
 *     line's JSON object is known from the line map: strict mode reports it, tolerant mode
 *     leaves the object out and assembles again (at most once per object).
 *
 * Invariants: the result's text always applies to an empty ruleset; every diagnostic names
 * a JSON path; no recursion deeper than the fixed nesting of the schema.
 */
#include "nft_json_internal.h"

#include <string.h>

#include "ruleset.h"

#define SCAN_STACK 64

/* ------------------------------------------------------------------ messages ---- */

#if GLIB_SIZEOF_SIZE_T >= 8
#define POS_COL_BITS 32
#define POS_CLAMP_LINE(l) (l)
#else
#define POS_COL_BITS 12
#define POS_CLAMP_LINE(l) ((l) > 0xfffffu ? 0xfffffu : (l))
#endif
#define POS_COL_MAX ((1u << (POS_COL_BITS - 1)) * 2 - 1)

static gpointer pack_pos(u32 line, u32 col)
{
	gsize l = POS_CLAMP_LINE(line);

	return GSIZE_TO_POINTER(l << POS_COL_BITS | (col > POS_COL_MAX ? POS_COL_MAX : col));
}

static void unpack_pos(gpointer p, u32 *line, u32 *col)
{
	gsize v = GPOINTER_TO_SIZE(p);

	*line = (u32)(v >> POS_COL_BITS);
	*col = (u32)(v & POS_COL_MAX);
}

bool nj_problem(struct nj_ctx *c, JsonNode *at, const char *path, const char *fmt, ...)
{
	u32 line = 0, col = 0;
	gpointer p;
	va_list ap;
	char *msg;

	if (c->failed)
		return false;
	if (at && c->pos && (p = g_hash_table_lookup(c->pos, at)))
		unpack_pos(p, &line, &col);
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	trace_diags_add(c->diags, c->mode == TRACE_STRICT ? TRACE_ERROR : TRACE_WARNING, c->name,
			line, col, "%s: %s", path, msg);
	g_free(msg);
	if (c->mode == TRACE_STRICT)
		c->failed = true;
	return false;
}

const char *nj_kind(JsonNode *n)
{
	GType t;

	if (!n)
		return "nothing";
	switch (json_node_get_node_type(n)) {
	case JSON_NODE_OBJECT:
		return "an object";
	case JSON_NODE_ARRAY:
		return "an array";
	case JSON_NODE_NULL:
		return "null";
	default:
		break;
	}
	t = json_node_get_value_type(n);
	if (t == G_TYPE_STRING)
		return "a string";
	if (t == G_TYPE_BOOLEAN)
		return "a boolean";
	return "a number";
}

static void offset_to_linecol(const char *buf, size_t off, u32 *line, u32 *col)
{
	u32 l = 1;
	size_t i, bol = 0;

	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			bol = i + 1;
		}
	}
	*line = l;
	*col = (u32)(off - bol + 1);
}

/* ---------------------------------------------------------- passes 1 to 3 ---- */

static bool check_bytes(const char *name, const char *buf, size_t len,
			struct trace_diags *diags)
{
	const char *nul = memchr(buf, '\0', len);
	const char *bad = NULL;
	u32 line, col;

	if (nul) {
		offset_to_linecol(buf, (size_t)(nul - buf), &line, &col);
		trace_diags_add(diags, TRACE_ERROR, name, line, col,
				"unexpected NUL byte: nft -j output is text");
		return false;
	}
	if (!g_utf8_validate_len(buf, len, &bad)) {
		offset_to_linecol(buf, (size_t)(bad - buf), &line, &col);
		trace_diags_add(diags, TRACE_ERROR, name, line, col,
				"invalid UTF-8 byte 0x%02x: nft -j output is UTF-8 text",
				(unsigned char)*bad);
		return false;
	}
	return true;
}

enum scan_result { SCAN_COMPLETE, SCAN_TRUNCATED, SCAN_BROKEN };

struct scan {
	size_t end;
	size_t open_off;
	char open_ch;
	u32 depth;
};

static enum scan_result scan_structure(const char *buf, size_t start, size_t len, struct scan *s)
{
	size_t stack[SCAN_STACK];
	char kinds[SCAN_STACK];
	u32 depth = 0;
	size_t i, str_off = 0;
	bool in_str = false, esc = false;

	memset(s, 0, sizeof(*s));
	for (i = start; i < len; i++) {
		char ch = buf[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
			str_off = i;
		} else if (ch == '{' || ch == '[') {
			if (depth < SCAN_STACK) {
				stack[depth] = i;
				kinds[depth] = ch;
			}
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (!depth)
				return SCAN_BROKEN;
			depth--;
			if (depth < SCAN_STACK && (kinds[depth] == '{') != (ch == '}'))
				return SCAN_BROKEN;
			if (!depth) {
				s->end = i + 1;
				return SCAN_COMPLETE;
			}
		}
	}
	s->depth = depth;
	if (in_str) {
		s->open_off = str_off;
		s->open_ch = '"';
	} else if (depth) {
		u32 top = depth <= SCAN_STACK ? depth - 1 : SCAN_STACK - 1;

		s->open_off = stack[top];
		s->open_ch = kinds[top];
	} else {
		return SCAN_BROKEN;
	}
	return SCAN_TRUNCATED;
}

static void on_member(JsonParser *p, JsonObject *obj, const gchar *member, gpointer data)
{
	struct nj_ctx *c = data;
	JsonNode *n = json_object_get_member(obj, member);

	if (n)
		g_hash_table_insert(c->pos, n, pack_pos(json_parser_get_current_line(p),
							json_parser_get_current_pos(p)));
}

static void on_element(JsonParser *p, JsonArray *arr, gint index, gpointer data)
{
	struct nj_ctx *c = data;
	JsonNode *n = json_array_get_element(arr, (guint)index);

	if (n)
		g_hash_table_insert(c->pos, n, pack_pos(json_parser_get_current_line(p),
							json_parser_get_current_pos(p)));
}

struct err_pos {
	u32 line, col;
};

static void on_error(JsonParser *p, gpointer error, gpointer data)
{
	struct err_pos *e = data;

	(void)error;
	e->line = json_parser_get_current_line(p);
	e->col = json_parser_get_current_pos(p);
}

static const char *glib_message(const GError *e)
{
	const char *m = e->message;

	if (!strncmp(m, "<data>:", 7)) {
		const char *p = strstr(m, ": ");

		if (p)
			return p + 2;
	}
	return m;
}

/* ------------------------------------------------------------------ objects ---- */

enum nj_kind {
	NK_TABLE, NK_CHAIN, NK_RULE, NK_FLOWTABLE, NK_COUNTER, NK_HELPER, NK_SET, NK_META,
	NK_OTHER,
};

static const char *const kind_names[] = {
	[NK_TABLE] = "table", [NK_CHAIN] = "chain", [NK_RULE] = "rule",
	[NK_FLOWTABLE] = "flowtable", [NK_COUNTER] = "counter", [NK_HELPER] = "ct helper",
	[NK_SET] = "set", [NK_META] = "metainfo", [NK_OTHER] = "object",
};

struct nj_obj {
	u32 index;              /* in the nftables array */
	u8 kind;                /* enum nj_kind */
	bool skip;              /* left out (tolerant mode) */
	bool translated;        /* rules: text holds the statements */
	JsonNode *node;         /* the member value ({"family": ...}) */
	JsonObject *body;
	const char *family;
	const char *table;
	const char *name;       /* chains, objects; for rules: the chain */
	int table_obj;          /* index into objs of its table, -1 if none */
	GString *text;          /* rules: translated statements */
	GArray *cols;           /* rules: struct nj_stmt_col */
};

struct nj_line {
	u32 obj;                /* index into objs */
	u32 prefix;             /* columns before the rule's statements */
};

struct nj_state {
	struct nj_ctx c;
	u32 flags;
	GArray *objs;           /* struct nj_obj */
	GArray *lines;          /* struct nj_line, one per line of the script */
	GString *script;
};

static const char *str_member(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static bool family_ok(const char *f)
{
	static const char *const fams[] = { "ip", "ip6", "inet", "netdev", "arp", "bridge" };
	size_t i;

	for (i = 0; f && i < G_N_ELEMENTS(fams); i++)
		if (!strcmp(f, fams[i]))
			return true;
	return false;
}

static void obj_path(const struct nj_obj *o, char *buf, size_t size)
{
	g_snprintf(buf, size, "nftables[%u].%s", o->index, kind_names[o->kind]);
}

/* family/table/name of an object; false after a problem */
static bool obj_names(struct nj_state *s, struct nj_obj *o, bool need_name)
{
	char path[64];
	const char *field = o->kind == NK_TABLE ? "name" : "table";

	obj_path(o, path, sizeof(path));
	o->family = str_member(o->body, "family");
	if (!family_ok(o->family))
		return nj_problem(&s->c, o->node, path, "family: expected ip, ip6, inet, netdev, "
				  "arp or bridge");
	if (o->kind == NK_TABLE) {
		o->table = str_member(o->body, "name");
		o->name = o->table;
	} else {
		o->table = str_member(o->body, "table");
		o->name = str_member(o->body, o->kind == NK_RULE ? "chain" : "name");
	}
	if (!o->table || !nj_plain_name(o->table))
		return nj_problem(&s->c, o->node, path, "%s: expected a table name (letters, "
				  "digits, '_', '.', '-')", field);
	if (need_name && (!o->name || !*o->name || strlen(o->name) >= 64))
		return nj_problem(&s->c, o->node, path, "%s: expected a name of 1 to 63 "
				  "characters", o->kind == NK_RULE ? "chain" : "name");
	return true;
}

static int find_table(struct nj_state *s, const char *family, const char *table)
{
	u32 i;

	for (i = 0; i < s->objs->len; i++) {
		const struct nj_obj *t = &g_array_index(s->objs, struct nj_obj, i);

		if (t->kind == NK_TABLE && !strcmp(t->family, family) && !strcmp(t->table, table))
			return (int)i;
	}
	return -1;
}

static void meta_info(struct nj_state *s, struct nft_json_result *r, struct nj_obj *o)
{
	JsonNode *v = json_object_get_member(o->body, "json_schema_version");
	const char *ver = str_member(o->body, "version");
	char path[64];

	obj_path(o, path, sizeof(path));
	if (ver)
		g_strlcpy(r->version, ver, sizeof(r->version));
	if (v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64 &&
	    json_node_get_int(v) >= 0 && json_node_get_int(v) <= 0xffff) {
		r->schema_version = (u32)json_node_get_int(v);
		if (r->schema_version > 1)
			nj_problem(&s->c, v, path, "json_schema_version %u is newer than the "
				   "version 1 this reader knows", r->schema_version);
	} else if (v) {
		nj_problem(&s->c, v, path, "json_schema_version: expected a number");
	}
}

/* Sort the nftables array into objects; false after a strict-mode problem. */
static bool collect(struct nj_state *s, JsonArray *arr, struct nft_json_result *r)
{
	u32 i, n = json_array_get_length(arr);

	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(arr, i), *val = NULL;
		JsonObject *eo = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		struct nj_obj o = { .index = i, .table_obj = -1 };
		const char *k = NULL;
		char path[64];
		GList *m;

		g_snprintf(path, sizeof(path), "nftables[%u]", i);
		if (eo && json_object_get_size(eo) == 1) {
			m = json_object_get_members(eo);
			k = m->data;
			g_list_free(m);
			val = json_object_get_member(eo, k);
		}
		if (!k || !JSON_NODE_HOLDS_OBJECT(val)) {
			nj_problem(&s->c, e, path, "expected an object with one member (table, chain, "
				   "rule, set, map, flowtable, counter, ct helper, ...) holding an "
				   "object");
			if (s->c.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		o.node = val;
		o.body = json_node_get_object(val);
		if (!strcmp(k, "metainfo"))
			o.kind = NK_META;
		else if (!strcmp(k, "table"))
			o.kind = NK_TABLE;
		else if (!strcmp(k, "chain"))
			o.kind = NK_CHAIN;
		else if (!strcmp(k, "rule"))
			o.kind = NK_RULE;
		else if (!strcmp(k, "flowtable"))
			o.kind = NK_FLOWTABLE;
		else if (!strcmp(k, "counter"))
			o.kind = NK_COUNTER;
		else if (!strcmp(k, "ct helper"))
			o.kind = NK_HELPER;
		else if (!strcmp(k, "set") || !strcmp(k, "map"))
			o.kind = NK_SET;
		else
			o.kind = NK_OTHER;
		if (o.kind == NK_META) {
			meta_info(s, r, &o);
			if (s->c.failed)
				return false;
			continue;
		}
		if (o.kind == NK_OTHER) {
			char q[64];

			trace_quote(q, sizeof(q), k, strlen(k), 40);
			nj_problem(&s->c, e, path, "\"%s\" objects are not modelled: expected table, "
				   "chain, rule, set, map, flowtable, counter or ct helper", q);
			if (s->c.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		if (!obj_names(s, &o, o.kind != NK_TABLE)) {
			if (s->c.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		if (o.kind != NK_TABLE) {
			o.table_obj = find_table(s, o.family, o.table);
			if (o.table_obj < 0) {
				obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is not declared before it "
					   "(expected a {\"table\": ...} object first)", o.family,
					   o.table);
				if (s->c.failed)
					return false;
				r->objects_skipped++;
				continue;
			}
		} else {
			JsonNode *fl = json_object_get_member(o.body, "flags");
			bool dormant = false;

			if (fl && JSON_NODE_HOLDS_ARRAY(fl)) {
				JsonArray *fa = json_node_get_array(fl);
				u32 j;

				for (j = 0; j < json_array_get_length(fa); j++) {
					JsonNode *f = json_array_get_element(fa, j);

					dormant |= JSON_NODE_HOLDS_VALUE(f) &&
						   json_node_get_value_type(f) == G_TYPE_STRING &&
						   !strcmp(json_node_get_string(f), "dormant");
				}
			}
			if (dormant) {
				obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is dormant (flags "
					   "\"dormant\"): the model has no dormant tables", o.family,
					   o.table);
				if (s->c.failed)
					return false;
				o.skip = true;
			}
			if (find_table(s, o.family, o.table) >= 0) {
				obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is listed twice", o.family,
					   o.table);
				if (s->c.failed)
					return false;
				r->objects_skipped++;
				continue;
			}
		}
		if (o.kind == NK_SET) {
			g_hash_table_insert(s->c.sets,
					    g_strdup_printf("%s\t%s\t%s", o.family, o.table, o.name),
					    o.body);
			r->sets++;
		}
		g_array_append_val(s->objs, o);
	}
	return true;
}

/* ----------------------------------------------------------------- assembly ---- */

static void add_line(struct nj_state *s, u32 obj, u32 prefix)
{
	struct nj_line l = { .obj = obj, .prefix = prefix };

	g_array_append_val(s->lines, l);
}

/* Append text that may hold several lines, all attributed to obj. */
static void emit(struct nj_state *s, u32 obj, const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (*p == '\n')
			add_line(s, obj, 0);
	g_string_append(s->script, text);
}

static bool int_member(JsonObject *o, const char *name, gint64 lo, gint64 hi, gint64 *out)
{
	JsonNode *n = json_object_get_member(o, name);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
	    json_node_get_int(n) < lo || json_node_get_int(n) > hi)
		return false;
	*out = json_node_get_int(n);
	return true;
}

/* Devices: a string or an array of strings, appended as { "a", "b" }; -1 on a problem. */
static int put_devices(struct nj_state *s, struct nj_obj *o, JsonNode *dev, GString *out,
		       char (*names)[16], u32 max)
{
	char path[64];
	u32 i, n = 1;
	JsonArray *a = NULL;

	obj_path(o, path, sizeof(path));
	if (JSON_NODE_HOLDS_ARRAY(dev)) {
		a = json_node_get_array(dev);
		n = json_array_get_length(a);
	}
	if (!n || n > max) {
		nj_problem(&s->c, dev, path, "dev: expected 1 to %u device names", max);
		return -1;
	}
	g_string_append(out, "{ ");
	for (i = 0; i < n; i++) {
		JsonNode *e = a ? json_array_get_element(a, i) : dev;
		const char *d = JSON_NODE_HOLDS_VALUE(e) &&
				json_node_get_value_type(e) == G_TYPE_STRING ?
				json_node_get_string(e) : NULL;
		size_t j;

		if (!d || !*d || strlen(d) >= 16) {
			nj_problem(&s->c, e, path, "dev: expected a device name of 1 to 15 "
				   "characters");
			return -1;
		}
		for (j = 0; d[j]; j++) {
			if ((unsigned char)d[j] < 0x20 || d[j] == '"' || d[j] == '\\') {
				nj_problem(&s->c, e, path, "dev: unexpected character in a device "
					   "name");
				return -1;
			}
		}
		if (names)
			g_strlcpy(names[i], d, 16);
		g_string_append_printf(out, "%s\"%s\"", i ? ", " : "", d);
	}
	g_string_append(out, " }");
	return (int)n;
}

static bool put_chain(struct nj_state *s, u32 oi, GString *out)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	const char *type = str_member(o->body, "type"), *hook = str_member(o->body, "hook");
	const char *policy = str_member(o->body, "policy");
	JsonNode *dev = json_object_get_member(o->body, "dev");
	char path[64];
	gint64 prio;

	obj_path(o, path, sizeof(path));
	g_string_append(out, "\tchain ");
	if (!nj_put_name(out, o->name))
		return nj_problem(&s->c, o->node, path, "name: expected a chain name without "
				  "quotes or control characters");
	g_string_append(out, " {\n");
	if (!hook && !type)
		return true;
	if (!type || !hook || !nj_plain_name(type) || !nj_plain_name(hook))
		return nj_problem(&s->c, o->node, path, "a base chain needs \"type\" and \"hook\" "
				  "(names)");
	if (!int_member(o->body, "prio", -0x7fffffff, 0x7fffffff, &prio))
		return nj_problem(&s->c, o->node, path, "prio: expected a number");
	g_string_append_printf(out, "\t\ttype %s hook %s", type, hook);
	if (dev) {
		g_string_append(out, " devices = ");
		if (put_devices(s, o, dev, out, NULL, 8) < 0)
			return false;
	} else if (!strcmp(o->family, "netdev")) {
		return nj_problem(&s->c, o->node, path, "netdev base chain without \"dev\": the "
				  "dump does not say which device it hooks (nftables 1.0.6 leaves "
				  "it out of its JSON)");
	}
	g_string_append_printf(out, " priority %" G_GINT64_FORMAT ";", prio);
	if (policy) {
		if (strcmp(policy, "accept") && strcmp(policy, "drop"))
			return nj_problem(&s->c, o->node, path, "policy: expected accept or drop");
		g_string_append_printf(out, " policy %s;", policy);
	}
	g_string_append_c(out, '\n');
	return true;
}

static bool put_flowtable(struct nj_state *s, u32 oi, GString *out,
			  struct nft_json_flowtable *ft)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	const char *hook = str_member(o->body, "hook");
	JsonNode *dev = json_object_get_member(o->body, "dev");
	JsonNode *flags = json_object_get_member(o->body, "flags");
	char path[64];
	gint64 prio = 0;
	int nd;

	obj_path(o, path, sizeof(path));
	memset(ft, 0, sizeof(*ft));
	g_strlcpy(ft->family, o->family, sizeof(ft->family));
	g_strlcpy(ft->table, o->table, sizeof(ft->table));
	g_strlcpy(ft->name, o->name, sizeof(ft->name));
	if (!nj_plain_name(o->name) || strlen(o->name) >= 32)
		return nj_problem(&s->c, o->node, path, "name: expected a flowtable name of up to "
				  "31 letters, digits, '_', '.', '-'");
	if (hook && strcmp(hook, "ingress"))
		return nj_problem(&s->c, o->node, path, "hook: expected \"ingress\" (flowtables "
				  "only hook ingress)");
	if (json_object_has_member(o->body, "prio") &&
	    !int_member(o->body, "prio", -0x7fffffff, 0x7fffffff, &prio))
		return nj_problem(&s->c, o->node, path, "prio: expected a number");
	ft->prio = (s32)prio;
	g_string_append_printf(out, "\tflowtable %s {\n\t\thook ingress priority %" G_GINT64_FORMAT
			       "\n", o->name, prio);
	if (dev) {
		g_string_append(out, "\t\tdevices = ");
		nd = put_devices(s, o, dev, out, ft->devices, NFT_JSON_MAX_FT_DEVS);
		if (nd < 0)
			return false;
		ft->num_devices = (u32)nd;
		g_string_append_c(out, '\n');
	}
	if (flags) {
		u32 i, n = 1;
		JsonArray *a = NULL;

		ft->flags_known = true;
		if (JSON_NODE_HOLDS_ARRAY(flags)) {
			a = json_node_get_array(flags);
			n = json_array_get_length(a);
		}
		for (i = 0; i < n; i++) {
			JsonNode *e = a ? json_array_get_element(a, i) : flags;
			const char *f = JSON_NODE_HOLDS_VALUE(e) &&
					json_node_get_value_type(e) == G_TYPE_STRING ?
					json_node_get_string(e) : "";

			if (!strcmp(f, "offload"))
				ft->hw_offload = true;
			else if (!strcmp(f, "counter"))
				ft->counter = true;
			else
				return nj_problem(&s->c, e, path, "flags: expected \"offload\" or "
						  "\"counter\"");
		}
	} else if (s->flags & NFT_JSON_FT_HW_OFFLOAD) {
		ft->hw_offload = true;
	}
	if (ft->hw_offload)
		g_string_append(out, "\t\tflags offload\n");
	if (ft->counter)
		g_string_append(out, "\t\tcounter\n");
	g_string_append(out, "\t}\n");
	return true;
}

static bool put_object(struct nj_state *s, u32 oi, GString *out)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	char path[64];

	obj_path(o, path, sizeof(path));
	if (o->kind == NK_COUNTER) {
		gint64 pk = 0, by = 0;

		if ((json_object_has_member(o->body, "packets") &&
		     !int_member(o->body, "packets", 0, G_MAXINT64, &pk)) ||
		    (json_object_has_member(o->body, "bytes") &&
		     !int_member(o->body, "bytes", 0, G_MAXINT64, &by)))
			return nj_problem(&s->c, o->node, path, "packets, bytes: expected "
					  "non-negative numbers");
		g_string_append(out, "\tcounter ");
		if (!nj_put_name(out, o->name))
			return nj_problem(&s->c, o->node, path, "name: expected a counter name");
		g_string_append_printf(out, " {\n\t\tpackets %" G_GINT64_FORMAT " bytes %"
				       G_GINT64_FORMAT "\n\t}\n", pk, by);
		return true;
	}
	/* ct helper */
	{
		const char *type = str_member(o->body, "type");
		const char *proto = str_member(o->body, "protocol");
		const char *l3 = str_member(o->body, "l3proto");

		if (!type || !*type || strchr(type, '"') || strchr(type, '\\') || strchr(type, '\n'))
			return nj_problem(&s->c, o->node, path, "type: expected the helper's name");
		if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
			return nj_problem(&s->c, o->node, path, "protocol: expected tcp or udp");
		if (l3 && strcmp(l3, "ip") && strcmp(l3, "ip6") && strcmp(l3, "inet"))
			return nj_problem(&s->c, o->node, path, "l3proto: expected ip, ip6 or inet");
		g_string_append(out, "\tct helper ");
		if (!nj_put_name(out, o->name))
			return nj_problem(&s->c, o->node, path, "name: expected a helper name");
		g_string_append_printf(out, " {\n\t\ttype \"%s\" protocol %s\n", type, proto);
		if (l3)
			g_string_append_printf(out, "\t\tl3proto %s\n", l3);
		g_string_append(out, "\t}\n");
		return true;
	}
}

/* Translate every rule once; a rule whose chain is unknown is a problem too. */
static bool translate_rules(struct nj_state *s, struct nft_json_result *r)
{
	u32 i, j;

	for (i = 0; i < s->objs->len; i++) {
		struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
		bool found = false;
		char path[64];

		if (o->kind != NK_RULE)
			continue;
		for (j = 0; j < s->objs->len && !found; j++) {
			const struct nj_obj *ch = &g_array_index(s->objs, struct nj_obj, j);

			found = ch->kind == NK_CHAIN && !strcmp(ch->family, o->family) &&
				!strcmp(ch->table, o->table) && !strcmp(ch->name, o->name);
		}
		o->text = g_string_new(NULL);
		o->cols = g_array_new(FALSE, FALSE, sizeof(struct nj_stmt_col));
		if (!found) {
			obj_path(o, path, sizeof(path));
			nj_problem(&s->c, o->node, path, "chain %s of table %s %s is not declared in "
				   "the dump", o->name, o->family, o->table);
		} else if (nj_rule_text(&s->c, o->index, o->body, o->family, o->table, o->text,
					o->cols)) {
			o->translated = true;
			continue;
		}
		if (s->c.failed)
			return false;
		o->skip = true;
		r->rules_skipped++;
	}
	return true;
}

/* The whole script from the objects not skipped; flowtables into r. */
static bool assemble(struct nj_state *s, struct nft_json_result *r)
{
	GString *tmp = g_string_new(NULL);
	u32 t, i, j;
	bool ok = true;

	g_string_truncate(s->script, 0);
	g_array_set_size(s->lines, 0);
	g_array_set_size(r->flowtables, 0);
	r->tables = r->chains = r->base_chains = r->rules = r->counters = r->helpers = 0;
	for (t = 0; t < s->objs->len && ok; t++) {
		struct nj_obj *to = &g_array_index(s->objs, struct nj_obj, t);

		if (to->kind != NK_TABLE || to->skip)
			continue;
		g_string_printf(tmp, "table %s %s {\n", to->family, to->table);
		emit(s, t, tmp->str);
		r->tables++;
		/* objects, then flowtables, then chains with their rules */
		for (i = 0; i < s->objs->len && ok; i++) {
			struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
			struct nft_json_flowtable ft;

			if (o->skip || o->table_obj != (int)t ||
			    (o->kind != NK_COUNTER && o->kind != NK_HELPER && o->kind != NK_FLOWTABLE))
				continue;
			g_string_truncate(tmp, 0);
			if (o->kind == NK_FLOWTABLE) {
				ok = put_flowtable(s, i, tmp, &ft);
				if (ok)
					g_array_append_val(r->flowtables, ft);
			} else {
				ok = put_object(s, i, tmp);
				if (ok && o->kind == NK_COUNTER)
					r->counters++;
				else if (ok)
					r->helpers++;
			}
			if (!ok) {
				if (s->c.failed)
					break;
				o->skip = true;
				r->objects_skipped++;
				ok = true;
				continue;
			}
			emit(s, i, tmp->str);
		}
		for (i = 0; i < s->objs->len && ok; i++) {
			struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);

			if (o->skip || o->table_obj != (int)t || o->kind != NK_CHAIN)
				continue;
			g_string_truncate(tmp, 0);
			if (!put_chain(s, i, tmp)) {
				if (s->c.failed) {
					ok = false;
					break;
				}
				o->skip = true;
				r->objects_skipped++;
				continue;
			}
			emit(s, i, tmp->str);
			r->chains++;
			if (json_object_has_member(o->body, "hook"))
				r->base_chains++;
			for (j = 0; j < s->objs->len; j++) {
				struct nj_obj *ru = &g_array_index(s->objs, struct nj_obj, j);

				if (ru->kind != NK_RULE || ru->skip || !ru->translated ||
				    ru->table_obj != (int)t || strcmp(ru->name, o->name))
					continue;
				g_string_append(s->script, "\t\t");
				g_string_append_len(s->script, ru->text->str, (gssize)ru->text->len);
				g_string_append_c(s->script, '\n');
				add_line(s, j, 2);
				r->rules++;
			}
			emit(s, i, "\t}\n");
		}
		emit(s, t, "}\n");
	}
	g_string_free(tmp, TRUE);
	return ok;
}

/* Rules of chains that were left out go too (counted). */
static void skip_orphans(struct nj_state *s, struct nft_json_result *r)
{
	u32 i, j;

	for (i = 0; i < s->objs->len; i++) {
		struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
		bool live = false;

		if (o->kind == NK_TABLE || o->skip)
			continue;
		if (g_array_index(s->objs, struct nj_obj, o->table_obj).skip) {
			live = false;
		} else if (o->kind == NK_RULE) {
			for (j = 0; j < s->objs->len && !live; j++) {
				const struct nj_obj *ch = &g_array_index(s->objs, struct nj_obj, j);

				live = ch->kind == NK_CHAIN && !ch->skip &&
				       ch->table_obj == o->table_obj && !strcmp(ch->name, o->name);
			}
		} else {
			live = true;
		}
		if (live)
			continue;
		o->skip = true;
		if (o->kind == NK_RULE)
			r->rules_skipped++;
		else
			r->objects_skipped++;
	}
}

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

		skip_orphans(s, r);
		if (!assemble(s, r))
			return -1;
		rs = ruleset_create();
		if (!rs) {
			trace_diags_add(s->c.diags, TRACE_ERROR, s->c.name, 0, 0, "out of memory");
			return -1;
		}
		memset(&err, 0, sizeof(err));
		rc = ruleset_apply(rs, s->script->str, s->script->len, &err);
		ruleset_destroy(rs);
		if (!rc) {
			skip_orphans(s, r);   /* count the rules of chains assemble() left out */
			return 0;
		}
		if (!err.line || err.line > s->lines->len) {
			trace_diags_add(s->c.diags, TRACE_ERROR, s->c.name, 0, 0, "the model refuses "
					"the translated ruleset: %s", err.msg);
			return -1;
		}
		l = &g_array_index(s->lines, struct nj_line, err.line - 1);
		o = &g_array_index(s->objs, struct nj_obj, l->obj);
		obj_path(o, path, sizeof(path));
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
				   kind_names[o->kind], err.msg);
		}
		if (s->c.failed)
			return -1;
		o->skip = true;
		if (o->kind == NK_RULE)
			r->rules_skipped++;
		else
			r->objects_skipped++;
	}
	trace_diags_add(s->c.diags, TRACE_ERROR, s->c.name, 0, 0,
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
		trace_diags_add(s->c.diags, TRACE_ERROR, s->c.name, 0, 0,
				"expected {\"nftables\": [...]} (the output of nft -j list ruleset), "
				"got %s%s", ro ? "an object without an \"nftables\" array" :
				nj_kind(root), "");
		return -1;
	}
	r->objects = json_array_get_length(json_node_get_array(arr));
	if (!collect(s, json_node_get_array(arr), r) || !translate_rules(s, r))
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
	struct err_pos ep = { 0, 0 };
	JsonParser *parser;
	enum scan_result sr;
	struct scan sc;
	GError *err = NULL;
	size_t start = 0, parse_len;
	int ret = -1;

	nft_json_result_clear(r);
	nft_json_result_init(r);
	memset(&s, 0, sizeof(s));
	s.c.name = name ? name : "<input>";
	s.c.mode = mode;
	s.c.diags = diags;
	s.flags = flags;
	if (!buf)
		len = 0;
	if (len && !check_bytes(s.c.name, buf, len, diags))
		return -1;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		start = 3;
	while (start < len && g_ascii_isspace(buf[start]))
		start++;
	if (start >= len) {
		trace_diags_add(diags, TRACE_ERROR, s.c.name, 0, 0,
				"empty input: expected the output of nft -j list ruleset");
		return -1;
	}
	if (buf[start] != '{') {
		u32 l, c;
		char q[64];

		offset_to_linecol(buf, start, &l, &c);
		trace_quote(q, sizeof(q), buf + start, len - start, 20);
		trace_diags_add(diags, TRACE_ERROR, s.c.name, l, c,
				"expected '{' starting {\"nftables\": [...]}, found '%s'", q);
		return -1;
	}
	sr = scan_structure(buf, start, len, &sc);
	parse_len = sr == SCAN_COMPLETE ? sc.end : len;
	parser = json_parser_new();
	s.c.pos = g_hash_table_new(g_direct_hash, g_direct_equal);
	s.c.sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s.objs = g_array_new(FALSE, TRUE, sizeof(struct nj_obj));
	s.lines = g_array_new(FALSE, FALSE, sizeof(struct nj_line));
	s.script = g_string_new(NULL);
	g_signal_connect(parser, "object-member", G_CALLBACK(on_member), &s.c);
	g_signal_connect(parser, "array-element", G_CALLBACK(on_element), &s.c);
	g_signal_connect(parser, "error", G_CALLBACK(on_error), &ep);
	if (!json_parser_load_from_data(parser, buf, (gssize)parse_len, &err)) {
		if (sr == SCAN_TRUNCATED) {
			u32 el, ec, ol, oc;

			offset_to_linecol(buf, len, &el, &ec);
			offset_to_linecol(buf, sc.open_off, &ol, &oc);
			trace_diags_add(diags, TRACE_ERROR, s.c.name, el, ec,
					"truncated JSON: the input ends inside the %s opened at line "
					"%u, column %u (%u container%s left open)",
					sc.open_ch == '{' ? "object" : sc.open_ch == '[' ? "array" :
					"string", ol, oc, sc.depth, sc.depth == 1 ? "" : "s");
		} else {
			trace_diags_add(diags, TRACE_ERROR, s.c.name, ep.line, ep.col,
					"invalid JSON: %s", glib_message(err));
		}
		goto out;
	}
	if (sr == SCAN_COMPLETE) {
		size_t i = sc.end;

		while (i < len && g_ascii_isspace(buf[i]))
			i++;
		if (i < len) {
			u32 l, c;

			offset_to_linecol(buf, i, &l, &c);
			trace_diags_add(diags, mode == TRACE_STRICT ? TRACE_ERROR : TRACE_WARNING,
					s.c.name, l, c, "%s text after the end of the JSON object",
					mode == TRACE_STRICT ? "unexpected" : "ignored");
			if (mode == TRACE_STRICT)
				goto out;
		}
	}
	ret = translate(&s, json_parser_get_root(parser), r);
out:
	if (err)
		g_error_free(err);
	free_objs(s.objs);
	g_array_free(s.lines, TRUE);
	g_string_free(s.script, TRUE);
	g_hash_table_destroy(s.c.sets);
	g_hash_table_destroy(s.c.pos);
	g_object_unref(parser);
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
