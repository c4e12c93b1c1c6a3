// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show_internal.h - private declarations shared by the files of `flowsim trace
 * show`: cmd_trace_show.c (per-entry decoding, the bundle report, the dispatcher),
 * cmd_trace_show_text.c (a bundle as text), cmd_trace_show_json.c (JSON helpers and a
 * bundle as JSON) and cmd_trace_show_file.c (one trace file on its own).  Not an API.
 */
#ifndef FLOWSIM_CMD_TRACE_SHOW_INTERNAL_H
#define FLOWSIM_CMD_TRACE_SHOW_INTERNAL_H

#include "cmd_ppe.h"
#include "cmd_trace.h"
#include "conntrack.h"

/* cmd_trace_show.c: one conntrack or PPE entry, field by field, as text (out) or JSON (jb) */
enum bundle_flow_state trace_show_ct_state(const struct ct_text_entry *e);
void trace_show_ct_entry_out(const struct ct_text_entry *e, GString *out, JsonBuilder *jb);
void trace_show_ppe_entry_out(const struct ppe_dump_line *l, u8 netsys, const char *conn,
			     GString *out, JsonBuilder *jb);

/* cmd_trace_show_text.c: a bundle's timeline as text */
void trace_show_text_header(GString *s, const struct bundle *b, const struct bundle_timeline *tl);
void trace_show_text_samples(GString *s, const struct bundle_timeline *tl);
void trace_show_text_occupancy(GString *s, const struct bundle_timeline *tl);
void trace_show_text_flows(GString *s, const struct bundle_timeline *tl);
void trace_show_text_cpus(GString *s, const struct bundle_timeline *tl);

/* cmd_trace_show_json.c: JSON helpers, a bundle's timeline as JSON */
void trace_show_emit_json(JsonBuilder *jb);
void trace_show_jstr_or_null(JsonBuilder *jb, const char *key, const char *v);
void trace_show_jdouble(JsonBuilder *jb, const char *key, double v);
void trace_show_json_manifest(JsonBuilder *jb, const struct bundle *b);
void trace_show_json_point(JsonBuilder *jb, const struct bundle *b, const struct bundle_timeline *tl,
			     guint i);
void trace_show_json_flows(JsonBuilder *jb, const struct bundle_timeline *tl);

/*
 * cmd_trace_show_ruleset.c: static/ruleset.json decoded, as text lines (s) or the JSON
 * member "ruleset" (jb); problems go to d.  false: --strict and the dump does not decode.
 */
bool trace_show_ruleset(const struct bundle *b, bool strict, GString *s, JsonBuilder *jb,
			struct trace_diags *d);

/* cmd_trace_show_file.c: one trace file (not a bundle) whose contents are text[0..len) */
int trace_show_file(const struct trace_cli *o, const char *text, gsize len);

#endif /* FLOWSIM_CMD_TRACE_SHOW_INTERNAL_H */
