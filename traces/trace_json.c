/* SPDX-License-Identifier: MIT */
/*
 * trace_json.c - the json-glib front end of the JSON readers (contract in trace_json.h):
 * byte checks, the structure scan, loading with value positions, problem reports.
 *
 * Invariants: the structure scan is iterative with a fixed stack (deeper nesting is still
 * counted, only the innermost opening positions beyond SCAN_STACK are not kept); a position
 * packed into the table is never NULL (lines start at 1); nothing here knows a schema.
 */
#include "trace_json.h"

#include <string.h>

#define SCAN_STACK 64

/* ------------------------------------------------------------------ positions ---- */

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

void trace_json_linecol(const char *buf, size_t off, u32 *line, u32 *col)
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

size_t trace_json_skip_space(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && g_ascii_isspace(buf[i]))
		i++;
	return i;
}

/* ---------------------------------------------------------------- lifecycle ---- */

void trace_json_init(struct trace_json *j, const char *name, enum trace_mode mode,
		     struct trace_diags *diags)
{
	memset(j, 0, sizeof(*j));
	j->name = name ? name : "<input>";
	j->mode = mode;
	j->diags = diags;
}

void trace_json_destroy(struct trace_json *j)
{
	if (j->pos)
		g_hash_table_destroy(j->pos);
	if (j->parser)
		g_object_unref(j->parser);
	j->pos = NULL;
	j->parser = NULL;
}

/* ------------------------------------------------------------------ pass 1 ---- */

bool trace_json_check_bytes(struct trace_json *j, const char *buf, size_t len,
			    const char *what)
{
	const char *nul = memchr(buf, '\0', len);
	const char *bad = NULL;
	u32 line, col;

	if (nul) {
		trace_json_linecol(buf, (size_t)(nul - buf), &line, &col);
		trace_diags_add(j->diags, TRACE_ERROR, j->name, line, col,
				"unexpected NUL byte: %s is text", what);
		return false;
	}
	if (!g_utf8_validate_len(buf, len, &bad)) {
		trace_json_linecol(buf, (size_t)(bad - buf), &line, &col);
		trace_diags_add(j->diags, TRACE_ERROR, j->name, line, col,
				"invalid UTF-8 byte 0x%02x: %s is UTF-8 text",
				(unsigned char)*bad, what);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ pass 2 ---- */

enum scan_result { SCAN_COMPLETE, SCAN_TRUNCATED, SCAN_BROKEN };

struct scan {
	size_t end;          /* SCAN_COMPLETE: one past the closing bracket */
	size_t open_off;     /* SCAN_TRUNCATED: innermost unclosed container or string */
	char open_ch;        /* '{', '[' or '"' */
	u32 depth;           /* SCAN_TRUNCATED: containers left open */
};

static enum scan_result scan_structure(const char *buf, size_t start, size_t len,
				       struct scan *s)
{
	size_t stack[SCAN_STACK];
	char kinds[SCAN_STACK];
	u32 depth = 0;
	size_t i, str_off = 0;
	bool in_str = false, esc = false;

	memset(s, 0, sizeof(*s));
	for (i = start; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			str_off = i;
			break;
		case '{':
		case '[':
			if (depth < SCAN_STACK) {
				stack[depth] = i;
				kinds[depth] = c;
			}
			depth++;
			break;
		case '}':
		case ']':
			if (!depth)
				return SCAN_BROKEN;
			depth--;
			if (depth < SCAN_STACK && (kinds[depth] == '{') != (c == '}'))
				return SCAN_BROKEN;   /* mismatched: json-glib words it best */
			if (!depth) {
				s->end = i + 1;
				return SCAN_COMPLETE;
			}
			break;
		default:
			break;
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

/* ------------------------------------------------------------------ pass 3 ---- */

static void on_member(JsonParser *p, JsonObject *obj, const gchar *member, gpointer data)
{
	struct trace_json *j = data;
	JsonNode *n = json_object_get_member(obj, member);

	if (n)
		g_hash_table_insert(j->pos, n, pack_pos(json_parser_get_current_line(p),
							json_parser_get_current_pos(p)));
}

static void on_element(JsonParser *p, JsonArray *arr, gint index, gpointer data)
{
	struct trace_json *j = data;
	JsonNode *n = json_array_get_element(arr, (guint)index);

	if (n)
		g_hash_table_insert(j->pos, n, pack_pos(json_parser_get_current_line(p),
							json_parser_get_current_pos(p)));
}

static void on_error(JsonParser *p, gpointer error, gpointer data)
{
	struct trace_json *j = data;

	(void)error;
	j->err_line = json_parser_get_current_line(p);
	j->err_col = json_parser_get_current_pos(p);
}

/* json-glib's message without its own "<data>:L:C: " prefix. */
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

bool trace_json_load(struct trace_json *j, const char *buf, size_t start, size_t len,
		     bool glib_detail, JsonNode **root)
{
	enum scan_result sr;
	struct scan sc;
	GError *err = NULL;
	size_t parse_len;

	*root = NULL;
	sr = scan_structure(buf, start, len, &sc);
	parse_len = sr == SCAN_COMPLETE ? sc.end : len;
	j->parser = json_parser_new();
	j->pos = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_signal_connect(j->parser, "object-member", G_CALLBACK(on_member), j);
	g_signal_connect(j->parser, "array-element", G_CALLBACK(on_element), j);
	g_signal_connect(j->parser, "error", G_CALLBACK(on_error), j);
	if (!json_parser_load_from_data(j->parser, buf, (gssize)parse_len, &err)) {
		if (sr == SCAN_TRUNCATED) {
			u32 el, ec, ol, oc;
			char *detail = glib_detail ?
				g_strdup_printf("; json-glib at %u:%u: %s", j->err_line,
						j->err_col, glib_message(err)) : NULL;

			trace_json_linecol(buf, len, &el, &ec);
			trace_json_linecol(buf, sc.open_off, &ol, &oc);
			trace_diags_add(j->diags, TRACE_ERROR, j->name, el, ec,
					"truncated JSON: the input ends inside the %s opened at "
					"line %u, column %u (%u container%s left open%s)",
					sc.open_ch == '{' ? "object" : sc.open_ch == '[' ? "array" :
					"string", ol, oc, sc.depth, sc.depth == 1 ? "" : "s",
					detail ? detail : "");
			g_free(detail);
		} else {
			trace_diags_add(j->diags, TRACE_ERROR, j->name, j->err_line, j->err_col,
					"invalid JSON: %s", glib_message(err));
		}
		g_error_free(err);
		return false;
	}
	j->trailing = len;
	if (sr == SCAN_COMPLETE) {
		size_t i = sc.end;

		while (i < len && g_ascii_isspace(buf[i]))
			i++;
		j->trailing = i;
	}
	*root = json_parser_get_root(j->parser);
	return true;
}

/* ---------------------------------------------------------------- problems ---- */

bool trace_json_problemv(struct trace_json *j, JsonNode *at, const char *fmt, va_list ap)
{
	u32 line = 0, col = 0;
	gpointer p;

	if (j->failed)
		return false;
	if (at && j->pos && (p = g_hash_table_lookup(j->pos, at)))
		unpack_pos(p, &line, &col);
	trace_diags_addv(j->diags, j->mode == TRACE_STRICT ? TRACE_ERROR : TRACE_WARNING,
			 j->name, line, col, fmt, ap);
	if (j->mode == TRACE_STRICT)
		j->failed = true;
	return false;
}

bool trace_json_problem(struct trace_json *j, JsonNode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_json_problemv(j, at, fmt, ap);
	va_end(ap);
	return false;
}

const char *trace_json_kind(JsonNode *n)
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
