/* SPDX-License-Identifier: MIT */
/*
 * trace_common.h - what every trace parser in traces/ shares: diagnostics, the strict and
 * tolerant parsing modes, a line reader that survives what real pastes contain, and
 * allocation-free number scanning.
 *
 * Diagnostics.  A parser never prints; it appends diagnostics (file, line, column,
 * severity, message) to a struct trace_diags owned by the caller.  The list keeps at most
 * max_kept entries (default TRACE_DIAGS_MAX_KEPT) so a 100k-line garbage file read in
 * tolerant mode cannot make it grow without bound; the rest are only counted.  Line and
 * column are 1-based; 0 means "not meaningful" (a whole-file problem, or a line-level one).
 *
 * Modes.  TRACE_STRICT: the first bad line is an error, parsing stops, the parser fails.
 * TRACE_TOLERANT: a bad line becomes a warning, is skipped and counted, parsing goes on.
 *
 * Line reader.  Works on a buffer in memory or on a stdio stream (for pipes and files too
 * large to slurp).  Every line comes back without its terminator; the reader notes:
 *  - CRLF endings (the CR is removed) and a missing final newline;
 *  - NUL bytes inside the line (the line is returned whole: parsers must use the length,
 *    never strlen, and reject the NUL as an unexpected character);
 *  - lines longer than the limit (default TRACE_LINE_MAX): the first `max_line` bytes are
 *    returned and flagged truncated, the rest of the line is consumed and its full length
 *    reported, so line numbers stay right;
 *  - a UTF-8 byte-order mark at the start of the first line (removed, flagged).
 * Invariant: line numbers count '\n' terminators exactly as an editor would.
 */
#ifndef FS_TRACE_COMMON_H
#define FS_TRACE_COMMON_H

/*
 * bool comes from the core's port header, which must be seen before any <stdbool.h>:
 * fs_port.h typedefs bool itself.  Traces share the core's types anyway.
 */
#include "fs_port.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

enum trace_mode {
	TRACE_STRICT,    /* first bad line: error, stop, fail */
	TRACE_TOLERANT,  /* bad lines: warning, skip, count, go on */
};

enum trace_severity {
	TRACE_NOTE,
	TRACE_WARNING,
	TRACE_ERROR,
};

#define TRACE_SEVERITY_COUNT 3
#define TRACE_DIAGS_MAX_KEPT 1000

struct trace_diag {
	char *file;        /* as given by the caller (path or "<buffer>") */
	uint32_t line;     /* 1-based; 0: whole input */
	uint32_t column;   /* 1-based byte column; 0: whole line */
	enum trace_severity severity;
	char *message;     /* e.g. "expected 'dport=' after the source port, found 'x'" */
};

struct trace_diags {
	GArray *items;                          /* struct trace_diag */
	uint32_t count[TRACE_SEVERITY_COUNT];   /* all reported, kept or not */
	uint32_t max_kept;
	uint32_t dropped;                       /* reported beyond max_kept */
};

void trace_diags_init(struct trace_diags *d);
void trace_diags_clear(struct trace_diags *d);  /* frees everything; d can be re-used */

void trace_diags_add(struct trace_diags *d, enum trace_severity sev, const char *file,
		     uint32_t line, uint32_t column, const char *fmt, ...) G_GNUC_PRINTF(6, 7);
void trace_diags_addv(struct trace_diags *d, enum trace_severity sev, const char *file,
		      uint32_t line, uint32_t column, const char *fmt, va_list ap)
		      G_GNUC_PRINTF(6, 0);

uint32_t trace_diags_len(const struct trace_diags *d);  /* kept entries */
const struct trace_diag *trace_diags_get(const struct trace_diags *d, uint32_t i);
uint32_t trace_diags_count(const struct trace_diags *d, enum trace_severity sev);
/* First kept diagnostic of this severity, or NULL. */
const struct trace_diag *trace_diags_first(const struct trace_diags *d,
					   enum trace_severity sev);

/*
 * "file:line:column: message" for errors, "file:line:column: warning: message" and
 * "...: note: ..." otherwise; line/column parts are left out when 0.  g_free() the result.
 */
char *trace_diag_format(const struct trace_diag *diag);
/* Every kept diagnostic, one per line, then a note if some were dropped. */
void trace_diags_print(const struct trace_diags *d, FILE *out);
const char *trace_severity_name(enum trace_severity sev);

/* ---- line reader ------------------------------------------------------------------------ */

#define TRACE_LINE_MAX (64u * 1024u)

#define TRACE_LINE_CRLF      0x01u  /* ended in "\r\n"; the '\r' was removed */
#define TRACE_LINE_NO_EOL    0x02u  /* last line of the input, no final '\n' */
#define TRACE_LINE_HAS_NUL   0x04u  /* contains at least one NUL byte */
#define TRACE_LINE_TRUNCATED 0x08u  /* longer than max_line: text holds the first max_line bytes */
#define TRACE_LINE_BOM       0x10u  /* a UTF-8 BOM was removed from the start */

struct trace_line {
	const char *text;   /* not NUL-terminated; valid until the next trace_reader_next() */
	size_t len;
	size_t full_len;    /* length before truncation (== len unless TRUNCATED) */
	uint32_t number;    /* 1-based */
	uint32_t flags;     /* TRACE_LINE_* */
};

struct trace_reader {
	/* buffer mode */
	const char *buf;
	size_t len;
	size_t pos;
	/* stream mode */
	FILE *fp;
	char *sbuf;
	size_t scap;
	size_t sfill;
	bool eof;
	int io_errno;       /* errno of a failed read, 0 if none */
	/* both */
	size_t max_line;
	uint32_t lineno;
};

void trace_reader_init_buffer(struct trace_reader *r, const char *buf, size_t len);
void trace_reader_init_stream(struct trace_reader *r, FILE *fp);
void trace_reader_set_max_line(struct trace_reader *r, size_t max_line);
/* Next line; false at the end of input (or on a read error: see io_errno). */
bool trace_reader_next(struct trace_reader *r, struct trace_line *line);
void trace_reader_destroy(struct trace_reader *r);

/*
 * Slurp a whole file.  On failure adds an error diagnostic naming the file and the reason
 * and returns false.  g_free() *buf.
 */
bool trace_read_file(const char *path, char **buf, size_t *len, struct trace_diags *diags);

/* ---- scanning helpers (no allocation) ---------------------------------------------------- */

/* Unsigned decimal in [s, s+len): all digits, no sign, no overflow.  False otherwise. */
bool trace_parse_u64(const char *s, size_t len, uint64_t *out);
bool trace_parse_u32(const char *s, size_t len, uint32_t *out);

/*
 * Quote a token for a message: printable ASCII is kept, other bytes become \xNN, and at most
 * `max` input bytes are shown (then "...").  Writes a NUL-terminated string into buf.
 */
void trace_quote(char *buf, size_t size, const char *s, size_t len, size_t max);

static inline bool trace_is_space(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool trace_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#endif /* FS_TRACE_COMMON_H */
