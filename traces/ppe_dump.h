/* SPDX-License-Identifier: MIT */
/*
 * ppe_dump.h - reader for MediaTek/Airoha PPE debugfs dumps.
 *
 * Reads what `cat /sys/kernel/debug/ppeN/entries` (or .../bind, the older mtk_ppe/ layout,
 * Airoha's /sys/kernel/debug/ppe/...) prints, one entry per line, into struct ppe_entry
 * (model/ppe_format.h).  The line grammar is the one ppe_entry_format_line() writes, so
 * parse -> format gives the same bytes back for every unmodified line.
 *
 * Real pastes are not clean: they are cut mid-line, mixed with timestamps and conntrack
 * lines, and redacted by their authors (x.x.x.x, aa:aa:..).  Every input line is
 * classified:
 *   ENTRY    a PPE line, parsed (possibly with redacted addresses: see redacted below)
 *   BLANK    empty or whitespace only                          (skipped in both modes)
 *   COMMENT  first non-blank character '#'                     (skipped in both modes)
 *   FOREIGN  not a PPE line at all (timestamps, conntrack, prompts)
 *   BAD      a PPE line that is truncated or malformed: error text with line and column
 * Strict mode accepts only BLANK/COMMENT/ENTRY with the exact kernel spacing and stops at
 * the first other line ("file:line:col: expected ...").  Tolerant mode keeps going, counts
 * FOREIGN and BAD lines, and also accepts entries whose whitespace or hex case was changed
 * by the paste (those are marked normalised: parsed, but not byte-exact).
 */
#ifndef FLOWSIM_PPE_DUMP_H
#define FLOWSIM_PPE_DUMP_H

/* the core's port header typedefs bool: it must come before anything that pulls <stdbool.h> */
#include "ppe_format.h"

#include <glib.h>

enum ppe_dump_kind {
	PPE_DUMP_ENTRY,
	PPE_DUMP_BLANK,
	PPE_DUMP_COMMENT,
	PPE_DUMP_FOREIGN,
	PPE_DUMP_BAD,
};

/* Address/MAC slots that a paste's author may have redacted */
enum ppe_dump_slot {
	PPE_SLOT_ORIG_SRC,
	PPE_SLOT_ORIG_DST,
	PPE_SLOT_NEW_SRC,
	PPE_SLOT_NEW_DST,
	PPE_SLOT_SRC_MAC,
	PPE_SLOT_DST_MAC,
	PPE_SLOT_COUNT,
};

#define PPE_REDACT_TEXT_MAX 48
#define PPE_DUMP_TYPE_UNNAMED 0xffu

struct ppe_dump_opts {
	/*
	 * Layout to check ib1's packet type against the printed type name: PPE_NETSYS_V1/V2/V3,
	 * or 0 to skip that check.  Airoha lines (data=) are always checked with the Airoha
	 * layout.  The state name is always checked against ib1.
	 */
	u8 netsys;
	bool strict;
};

struct ppe_dump_line {
	enum ppe_dump_kind kind;
	u32 lineno;                 /* 1-based */
	char *text;                 /* the line without its '\n' (a trailing '\r' is dropped) */
	bool crlf;                  /* the line ended in "\r\n" */

	/* PPE_DUMP_ENTRY */
	struct ppe_entry entry;     /* redacted slots hold zero */
	u32 type;                   /* enum ppe_pkt_type from the printed name; for "UNKNOWN"
				     * ib1's type if opts.netsys was given, else
				     * PPE_DUMP_TYPE_UNNAMED */
	bool airoha;                /* has data= */
	bool counters;              /* has packets=/bytes= */
	bool normalised;            /* tolerant mode accepted spacing/case changes */
	u32 redacted;               /* bit (1 << enum ppe_dump_slot) per redacted field */
	char redact_text[PPE_SLOT_COUNT][PPE_REDACT_TEXT_MAX];

	/* PPE_DUMP_BAD (and FOREIGN in strict mode) */
	u32 column;                 /* 1-based byte column of the problem */
	char *error;                /* "expected ..., found ..." */
};

/* True when the entry's original tuple (the hash input) contains a redacted address. */
static inline bool ppe_dump_tuple_redacted(const struct ppe_dump_line *l)
{
	return (l->redacted & ((1u << PPE_SLOT_ORIG_SRC) | (1u << PPE_SLOT_ORIG_DST))) != 0;
}

struct ppe_dump {
	char *filename;
	GPtrArray *lines;           /* struct ppe_dump_line *, one per input line, in order */
	u32 n_entries;
	u32 n_bad;
	u32 n_foreign;
	u32 n_comment;
	u32 n_blank;
	u32 n_normalised;
	u32 n_redacted;             /* entries with any redacted field */
	u32 n_airoha;               /* entries in the Airoha format */
	u32 n_counters;             /* entries with packets=/bytes= */
};

/*
 * Parse a whole dump held in memory.  filename is used in messages.  Strict mode: NULL and
 * a GError "file:line:col: expected ..." on the first FOREIGN or BAD line.  Tolerant mode
 * never fails on content.  Free with ppe_dump_free().
 */
struct ppe_dump *ppe_dump_parse(const char *filename, const char *text, gsize len,
				const struct ppe_dump_opts *opts, GError **error);
/*
 * Read a whole file ("-" = standard input, read as bytes) into *text (g_free() it).
 * On failure: false and a GError "<stdin>: cannot read: ..." or the file error's text.
 */
bool ppe_dump_read_input(const char *path, char **text, gsize *len, GError **error);
/* Read and parse a file ("-" = standard input). */
struct ppe_dump *ppe_dump_load(const char *path, const struct ppe_dump_opts *opts,
			       GError **error);
void ppe_dump_free(struct ppe_dump *d);

/*
 * Classify and parse one line (no '\n').  Fills *out (which the caller clears and later
 * releases with ppe_dump_line_clear()).  Returns out->kind.
 */
enum ppe_dump_kind ppe_dump_parse_line(const char *line, gsize len,
				       const struct ppe_dump_opts *opts,
				       struct ppe_dump_line *out);
void ppe_dump_line_clear(struct ppe_dump_line *l);

/* The ppe_soc_format a parsed line was printed with, for a given MediaTek netsys. */
void ppe_dump_line_format(const struct ppe_dump_line *l, u8 netsys, struct ppe_soc_format *fmt);

/*
 * Print an ENTRY line again through the core's writer (no trailing newline), putting the
 * author's redaction text back into redacted fields.  g_free() the result.
 */
char *ppe_dump_format_entry(const struct ppe_dump_line *l, u8 netsys);

/* Parse "aa:bb:cc:dd:ee:ff" (exactly 17 characters, either case). */
bool ppe_dump_parse_mac(const char *s, gsize len, u8 mac[6]);
/* Parse the debugfs IPv6 form: eight groups of exactly four hex digits. */
bool ppe_dump_parse_ipv6_full(const char *s, gsize len, u32 addr[4]);
/* Parse a dotted quad into a host-order word. */
bool ppe_dump_parse_ipv4(const char *s, gsize len, u32 *addr);

const char *ppe_dump_kind_name(enum ppe_dump_kind kind);

#endif /* FLOWSIM_PPE_DUMP_H */
