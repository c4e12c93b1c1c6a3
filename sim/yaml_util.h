/* SPDX-License-Identifier: MIT */
/*
 * yaml_util.h - reading flowsim's YAML inputs (scenarios, SoC profiles) with positions.
 *
 * yu_load_file() parses one YAML document with libfyaml's event API into a small tree in
 * which every node (mapping keys included) knows its file, line and column.  Anchors and
 * aliases are resolved by sharing the anchored node; duplicate mapping keys, YAML tags other
 * than !!str and merge keys are errors.
 *
 * Every problem goes into a struct yu_diag as "FILE:LINE:COL: message" (columns and lines
 * are 1-based).  The typed getters below check a node and either store the value or add an
 * error saying what was expected and what was found; they never abort, so a validator can
 * report every error of a file in one run.
 *
 * Units (all case-insensitive unless noted; decimal fractions are exact, a value that is
 * not a whole number of the base unit is an error):
 *   bit rate   bit kbit mbit gbit tbit (tc's names, powers of 1000), also kbit/s Mbit/s ...
 *              tc's "bps" family means BYTES per second and is refused as ambiguous;
 *   duration   ns us ms s min h; a bare 0 is allowed;
 *   size       B kB KB MB GB TB (powers of 1000) KiB MiB GiB TiB (powers of 1024), case
 *              as written (Mb would be megabit); a bare integer is bytes;
 *   frequency  Hz kHz MHz GHz;
 *   event rate N/s N/min N/h (events per second as a double).
 *
 * Implemented in yaml_diag.c (the messages), yaml_load.c (parsing and reading files),
 * yaml_node.c (structure and values without units) and yaml_units.c (values with units).
 */
#ifndef FLOWSIM_YAML_UTIL_H
#define FLOWSIM_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

enum yu_kind { YU_SCALAR, YU_SEQ, YU_MAP };

struct yu_node;

struct yu_pair {
	struct yu_node *key;       /* always a scalar */
	struct yu_node *value;
};

struct yu_node {
	enum yu_kind kind;
	const char *file;          /* display name of the file (owned by the document) */
	uint32_t line;             /* 1-based */
	uint32_t col;              /* 1-based */
	/* YU_SCALAR */
	char *text;                /* NUL-terminated */
	size_t len;
	bool quoted;               /* not a plain scalar (or tagged !!str) */
	bool block;                /* a literal (|) or folded (>) block scalar: line/col are
				    * those of its first content line */
	bool is_null;              /* plain empty, ~, null */
	/* YU_SEQ */
	struct yu_node **items;
	uint32_t n_items;
	/* YU_MAP */
	struct yu_pair *pairs;
	uint32_t n_pairs;
	uint32_t cap;              /* items or pairs allocated */
};

struct yu_msg {
	char *file;
	uint32_t line;             /* 0: no position (I/O errors) */
	uint32_t col;              /* 0: no column */
	bool warning;
	char *text;
};

struct yu_diag {
	GPtrArray *msgs;           /* struct yu_msg *, in the order found */
	uint32_t errors;
	uint32_t warnings;
};

#define YU_MAX_MSGS 1000

void yu_diag_init(struct yu_diag *d);
void yu_diag_clear(struct yu_diag *d);
/* "FILE:LINE:COL: text", "FILE:LINE: text", "FILE: text"; warnings get "warning: ".  g_free. */
char *yu_msg_format(const struct yu_msg *m);

void yu_error(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
void yu_warning(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
void yu_error_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		 const char *fmt, ...) G_GNUC_PRINTF(5, 6);
void yu_warning_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		   const char *fmt, ...) G_GNUC_PRINTF(5, 6);

struct yu_doc {
	char *file;                /* display name */
	char *text;                /* the source text (NUL-terminated copy) */
	size_t len;
	struct yu_node *root;      /* NULL for an empty document */
	GPtrArray *nodes;          /* every node, for freeing */
};

/*
 * Parse a file (display = the name used in messages, NULL: the path).  NULL on an I/O or
 * syntax error (reported into d).  An empty file gives a document whose root is NULL.
 */
struct yu_doc *yu_load_file(const char *path, const char *display, struct yu_diag *d);
struct yu_doc *yu_load_string(const char *display, const char *text, size_t len,
			      struct yu_diag *d);
/*
 * A whole file as text (g_free; *len without the NUL added), or NULL after "DISPLAY: is a
 * directory, expected EXPECTED" or "DISPLAY: cannot read: ..." in d.
 */
char *yu_read_text(const char *path, const char *display, const char *expected, size_t *len,
		   struct yu_diag *d);
void yu_doc_free(struct yu_doc *doc);

/* ------------------------------------------------------------------ structure ---- */

const char *yu_kind_name(const struct yu_node *n);   /* "a mapping", "a list", "'text'" */
/* A short rendering of a scalar for messages: quoted, cut at 40 characters. */
char *yu_show(const struct yu_node *n);

/* Is it a mapping / list?  If not: "WHAT: expected a mapping, got ...". */
bool yu_expect_map(struct yu_diag *d, const struct yu_node *n, const char *what);
bool yu_expect_seq(struct yu_diag *d, const struct yu_node *n, const char *what);
bool yu_expect_scalar(struct yu_diag *d, const struct yu_node *n, const char *what);
/* A scalar that is not empty; if not: "WHAT: expected EXPECTED, got ...". */
bool yu_expect_text(struct yu_diag *d, const struct yu_node *n, const char *what,
		    const char *expected);

/* The value of key in a mapping, or NULL. */
struct yu_node *yu_get(const struct yu_node *map, const char *key);
/* The key node of key in a mapping (for messages about a key), or NULL. */
struct yu_node *yu_get_key(const struct yu_node *map, const char *key);

/*
 * Every key of map must be one of known (NULL-terminated): others are reported as
 * "unknown key 'x' in WHAT (did you mean 'y'?)" or "... expected one of: a, b, c".
 * Returns true when all keys are known.
 */
bool yu_check_keys(struct yu_diag *d, const struct yu_node *map, const char *what,
		   const char *const *known);
/* A required key: its value, or NULL after "WHAT: missing required key 'key'". */
struct yu_node *yu_require(struct yu_diag *d, const struct yu_node *map, const char *what,
			   const char *key);

/* The closest candidate to word (edit distance, case-insensitive), or NULL if none is close. */
const char *yu_suggest(const char *word, const char *const *candidates);

/* ----------------------------------------------------------------- typed values ---- */

/* A string (any scalar) of at most size-1 bytes, no NUL bytes. */
bool yu_str(struct yu_diag *d, const struct yu_node *n, const char *what, char *buf,
	    size_t size);
/* A string as a new g_strdup'ed copy (any length). */
bool yu_strdup(struct yu_diag *d, const struct yu_node *n, const char *what, char **out);
/* true/false/yes/no/on/off/1/0 (UCI's spellings too). */
bool yu_bool(struct yu_diag *d, const struct yu_node *n, const char *what, bool *out);
/* A decimal (or 0x hex) integer in [min, max]. */
bool yu_u64(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t min,
	    uint64_t max, uint64_t *out);
bool yu_u32(struct yu_diag *d, const struct yu_node *n, const char *what, uint32_t min,
	    uint32_t max, uint32_t *out);
bool yu_double(struct yu_diag *d, const struct yu_node *n, const char *what, double min,
	       double max, double *out);
bool yu_rate(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bps);
bool yu_duration(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *ns);
bool yu_size(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bytes);
bool yu_freq(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *hz);
bool yu_event_rate(struct yu_diag *d, const struct yu_node *n, const char *what,
		   double *per_sec);
/* One of names (NULL-terminated), exact; else "expected one of: ..." with a suggestion. */
bool yu_enum(struct yu_diag *d, const struct yu_node *n, const char *what,
	     const char *const *names, int *out);

/*
 * The same parsers on plain text, for the command line and tests.  0 on success, -1 with a
 * message ("expected a bit rate such as 100mbit or 2.5gbit, got 'x'") in err.
 */
int yu_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen);
int yu_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen);
int yu_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
int yu_parse_freq(const char *s, uint64_t *hz, char *err, size_t errlen);
int yu_parse_event_rate(const char *s, double *per_sec, char *err, size_t errlen);
int yu_parse_u64(const char *s, uint64_t *out, char *err, size_t errlen);

#endif /* FLOWSIM_YAML_UTIL_H */
