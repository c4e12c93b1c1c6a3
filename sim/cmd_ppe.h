/* SPDX-License-Identifier: MIT */
/*
 * cmd_ppe.h - shared between the files of `flowsim ppe`.  Not an API (cli.h has cmd_ppe).
 *
 *   cmd_ppe.c         the dispatcher: subcommand, options, common help text;
 *   cmd_ppe_hash.c    `ppe hash`: tuple arguments (or a debugfs line) to a bucket;
 *   cmd_ppe_check.c   `ppe check`: read a dump, judge every entry, hints, exit status;
 *   cmd_ppe_decode.c  one entry's fields as text or JSON (tuples, ib1, ib2, WDMA, etype);
 *   cmd_ppe_report.c  the per-entry report and the file-level text and JSON output.
 *
 * Exit status: 0 = every hashable entry matches (and, with --strict, the file parses
 * cleanly); 1 = a mismatch, an index outside the table, a strict parse error, no PPE entry
 * at all, or a request the model cannot answer; 2 = usage error (options, tuple syntax,
 * unreadable file).
 */
#ifndef FLOWSIM_CMD_PPE_H
#define FLOWSIM_CMD_PPE_H

#include "ppe_dump.h"
#include "ppe_hash.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

#define DEFAULT_KERNEL_MAJOR 6
#define DEFAULT_KERNEL_MINOR 6

struct ppe_cli {
	const char *cmd;                        /* "hash" or "check" */
	const char *soc_name;
	const struct ppe_soc_geometry *soc;
	u32 entries;
	bool entries_set;
	u32 kmajor;
	u32 kminor;
	bool verbose;
	bool json;
	bool strict;
	bool brief;
	bool help;
	GPtrArray *args;                        /* positional, borrowed from argv */
};

/* What `ppe check` concluded about one entry. */
enum entry_status {
	ST_OK,
	ST_MISMATCH,
	ST_REDACTED,
	ST_NOT_HASHABLE,
	ST_NOT_MODELLED,
	ST_OUT_OF_RANGE,
};

struct verdict {
	enum entry_status status;
	u32 bucket;          /* computed, valid when hashed */
	const char *reason;  /* for not-hashable / not-modelled */
};

struct check_summary {
	u32 entries, hashed, ok, mismatch, redacted, not_hashable, not_modelled, out_of_range;
};

struct check_ctx {
	const struct ppe_cli *o;
	const struct ppe_soc_geometry *g;
	u8 layout;
	u32 ways;
	u32 entries;
	const char *entries_source;
	GPtrArray *notes;          /* char* */
};

/* A JSON object member in one call: "key": value. */
static inline void jb_member_int(JsonBuilder *jb, const char *key, gint64 v)
{
	json_builder_set_member_name(jb, key);
	json_builder_add_int_value(jb, v);
}

static inline void jb_member_str(JsonBuilder *jb, const char *key, const char *v)
{
	json_builder_set_member_name(jb, key);
	json_builder_add_string_value(jb, v);
}

static inline void jb_member_bool(JsonBuilder *jb, const char *key, gboolean v)
{
	json_builder_set_member_name(jb, key);
	json_builder_add_boolean_value(jb, v);
}

/* ---- cmd_ppe.c ---- */
void ppe_cli_list_socs(FILE *f);
void ppe_cli_usage_table_size(FILE *f);
bool ppe_cli_parse_u32(const char *s, u32 *out);
/* "Airoha layout", "NETSYS v1", "NETSYS v2" or "NETSYS v3" */
const char *ppe_cli_layout_name(const struct ppe_soc_geometry *g);

/* ---- cmd_ppe_hash.c ---- */
void ppe_cli_usage_hash(FILE *f);
int ppe_cli_run_hash(struct ppe_cli *o);

/* ---- cmd_ppe_check.c ---- */
void ppe_cli_usage_check(FILE *f);
int ppe_cli_run_check(struct ppe_cli *o);

/* ---- cmd_ppe_decode.c ---- */
/* "orig_src", "orig_dst", ... for enum ppe_dump_slot */
const char *ppe_cli_slot_name(guint slot);
/* a MAC of the entry as text, or the author's redaction of it */
const char *ppe_cli_mac_text(const struct ppe_dump_line *l, guint slot, const u8 *mac,
			     char *buf, gsize size);
/* What an l2.etype value means (the stored value, not the byte-swapped print). */
const char *ppe_cli_etype_meaning(u16 v, bool airoha, char *buf, gsize size);
/* ib1/ib2 decoded into out (text lines) and/or jb (members "ib1", "ib2", "wdma") */
void ppe_cli_describe_ib1(GString *out, JsonBuilder *jb, u32 ib1, u8 layout);
void ppe_cli_describe_ib2(GString *out, JsonBuilder *jb, const struct ppe_entry *e,
			  u8 layout);
/* the orig (or new) tuple as "src:port -> dst:port", or as a JSON member */
char *ppe_cli_tuple_text(const struct ppe_dump_line *l, bool orig, bool ipv6, bool ports);
void ppe_cli_json_tuple(JsonBuilder *jb, const char *member, const struct ppe_dump_line *l,
			bool orig, bool ipv6, bool ports);

/* ---- cmd_ppe_report.c ---- */
const char *ppe_cli_status_name(enum entry_status st);
void ppe_cli_report_entry(const struct check_ctx *cx, const struct ppe_dump *d,
			  const struct ppe_dump_line *l, const struct verdict *v, GString *out,
			  JsonBuilder *jb);
/*
 * After every entry was reported: the JSON document (jb: problems, file, soc, ..., summary)
 * or the text header, notes, entry lines (out), foreign-line ranges and summary.
 */
void ppe_cli_report_file(const struct check_ctx *cx, const struct ppe_dump *d,
			 const struct check_summary *sum, GString *out, JsonBuilder *jb);

#endif /* FLOWSIM_CMD_PPE_H */
