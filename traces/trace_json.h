/* SPDX-License-Identifier: MIT */
/*
 * trace_json.h - the json-glib front end shared by the JSON readers in traces/
 * (iperf3_json.c, nft_json*.c): byte checks, a structure scan, loading with positions, and
 * problem reports that point at the line:column of a JSON value.
 *
 * Passes, cheapest first:
 *  1. bytes (trace_json_check_bytes): NUL and invalid UTF-8 are reported with line:column
 *     (json-glib only says "JSON data must be UTF-8 encoded", without a position);
 *  2. structure (inside trace_json_load): a string-aware bracket scan finds where the
 *     top-level value ends, so trailing text and truncation are recognised - json-glib
 *     reports a truncated document as some unexpected character near the end, which reads
 *     like corruption;
 *  3. json-glib builds the tree; its "object-member" and "array-element" signals record
 *     where each value ended, so a schema problem can point at a line:column too
 *     (trace_json_problem).
 *
 * Invariants: a struct trace_json owns its parser and position table until
 * trace_json_destroy(); in strict mode only the first problem is reported (failed is set);
 * positions are 1-based, 0 when unknown.
 */
#ifndef FS_TRACE_JSON_H
#define FS_TRACE_JSON_H

#include "trace_common.h"

#include <json-glib/json-glib.h>

struct trace_json {
	/* given to trace_json_init() */
	const char *name;             /* the input's name in messages */
	enum trace_mode mode;
	struct trace_diags *diags;
	/* set by trace_json_load() */
	JsonParser *parser;
	GHashTable *pos;              /* JsonNode * -> packed end position of the value */
	size_t trailing;              /* first non-blank byte after the top-level value; len if none */
	u32 err_line, err_col;        /* from json-glib's "error" signal */
	/* set by trace_json_problem() */
	bool failed;                  /* strict mode: a problem was reported */
};

/* name NULL: "<input>". */
void trace_json_init(struct trace_json *j, const char *name, enum trace_mode mode,
		     struct trace_diags *diags);
void trace_json_destroy(struct trace_json *j);

/* 1-based line and byte column of offset off in buf. */
void trace_json_linecol(const char *buf, size_t off, u32 *line, u32 *col);

/* Offset of the first byte after a UTF-8 BOM and white space. */
size_t trace_json_skip_space(const char *buf, size_t len);

/*
 * Pass 1: an error "unexpected NUL byte: WHAT is text" or "invalid UTF-8 byte 0xNN: WHAT is
 * UTF-8 text" at its line:column; false then.
 */
bool trace_json_check_bytes(struct trace_json *j, const char *buf, size_t len,
			    const char *what);

/*
 * Passes 2 and 3 on buf[start, len) (start: the opening '{').  On a syntax error reports
 * "truncated JSON: ..." (a cut-off document; with glib_detail json-glib's own position and
 * message are added) or "invalid JSON: ..." and returns false.  On success *root is the
 * top-level node and j->trailing says where text after it starts (the caller words that).
 */
bool trace_json_load(struct trace_json *j, const char *buf, size_t start, size_t len,
		     bool glib_detail, JsonNode **root);

/*
 * Report a problem at node `at` (its line:column if known, else 0:0): an error in strict
 * mode (j->failed is set), a warning in tolerant mode; nothing once failed.  Returns false.
 */
bool trace_json_problem(struct trace_json *j, JsonNode *at, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
bool trace_json_problemv(struct trace_json *j, JsonNode *at, const char *fmt, va_list ap)
	G_GNUC_PRINTF(3, 0);

/* "an object", "an array", "null", "a string", "a boolean", "a number"; "nothing" for NULL. */
const char *trace_json_kind(JsonNode *n);

/* ---- typed access without messages ---------------------------------------------------- */

static inline bool trace_json_is_string(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING;
}

static inline bool trace_json_is_int(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64;
}

static inline JsonObject *trace_json_object(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* The string value of member name of o, NULL if absent or not a string. */
static inline const char *trace_json_str_member(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return trace_json_is_string(n) ? json_node_get_string(n) : NULL;
}

#endif /* FS_TRACE_JSON_H */
