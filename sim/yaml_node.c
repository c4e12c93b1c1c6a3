// SPDX-License-Identifier: MIT
/*
 * yaml_node.c - reading a loaded YAML tree: what kind a node is, keys of a mapping (unknown
 * ones reported with a "did you mean" suggestion, required ones), and the typed getters
 * without units: strings, booleans, integers, numbers and names from a list.
 *
 * Every getter either stores the value or adds one error saying what was expected and
 * what was found; none aborts, so a validator reports every error of a file in one run.
 */
#include "yaml_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ structure ---- */

char *yu_show(const struct yu_node *n)
{
	if (!n)
		return g_strdup("nothing");
	if (n->kind == YU_MAP)
		return g_strdup("a mapping");
	if (n->kind == YU_SEQ)
		return g_strdup("a list");
	if (n->is_null)
		return g_strdup("an empty value");
	if (n->len > 40)
		return g_strdup_printf("'%.37s...'", n->text);
	return g_strdup_printf("'%s'", n->text);
}

const char *yu_kind_name(const struct yu_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YU_MAP:
		return "a mapping";
	case YU_SEQ:
		return "a list";
	default:
		return n->is_null ? "an empty value" : "a scalar";
	}
}

static bool expect_kind(struct yu_diag *d, const struct yu_node *n, const char *what,
			enum yu_kind kind, const char *expected)
{
	char *s;

	if (n && n->kind == kind && !(kind == YU_SCALAR && n->is_null))
		return true;
	s = yu_show(n);
	yu_error(d, n, "%s: expected %s, got %s", what, expected, s);
	g_free(s);
	return false;
}

bool yu_expect_map(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_MAP, "a mapping");
}

bool yu_expect_seq(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_SEQ, "a list");
}

bool yu_expect_scalar(struct yu_diag *d, const struct yu_node *n, const char *what)
{
	return expect_kind(d, n, what, YU_SCALAR, "a value");
}

bool yu_expect_text(struct yu_diag *d, const struct yu_node *n, const char *what,
		    const char *expected)
{
	return expect_kind(d, n, what, YU_SCALAR, expected);
}

/* The pair of key in a mapping (keys are unique), or NULL. */
static const struct yu_pair *find_pair(const struct yu_node *map, const char *key)
{
	uint32_t i;

	if (!map || map->kind != YU_MAP)
		return NULL;
	for (i = 0; i < map->n_pairs; i++)
		if (!strcmp(map->pairs[i].key->text, key))
			return &map->pairs[i];
	return NULL;
}

struct yu_node *yu_get(const struct yu_node *map, const char *key)
{
	const struct yu_pair *p = find_pair(map, key);

	return p ? p->value : NULL;
}

struct yu_node *yu_get_key(const struct yu_node *map, const char *key)
{
	const struct yu_pair *p = find_pair(map, key);

	return p ? p->key : NULL;
}

/* Optimal-string-alignment distance (Damerau): a swap of neighbours counts as one edit. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[65][65];

	if (la > 64 || lb > 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
			size_t best = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);

			best = MIN(best, d[i - 1][j - 1] + (ai != bj));
			if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == bj)
				best = MIN(best, d[i - 2][j - 2] + 1);
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *yu_suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = 99, len = strlen(word), limit;
	size_t i;

	/* a typo, not a different word: 1 edit for short words, up to 1/3 of the length */
	limit = len <= 4 ? 1 : MAX((size_t)2, len / 3);
	for (i = 0; candidates[i]; i++) {
		size_t dist = edit_distance(word, candidates[i]);

		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

static char *join_names(const char *const *names)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; names[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", names[i]);
	return g_string_free(s, FALSE);
}

bool yu_check_keys(struct yu_diag *d, const struct yu_node *map, const char *what,
		   const char *const *known)
{
	bool ok = true;
	uint32_t i;
	size_t k;

	if (!map || map->kind != YU_MAP)
		return false;
	for (i = 0; i < map->n_pairs; i++) {
		const struct yu_node *key = map->pairs[i].key;
		const char *sugg;
		bool found = false;

		for (k = 0; known[k]; k++)
			if (!strcmp(known[k], key->text))
				found = true;
		if (found)
			continue;
		ok = false;
		sugg = yu_suggest(key->text, known);
		if (sugg) {
			yu_error(d, key, "unknown key '%s' in %s (did you mean '%s'?)", key->text,
				 what, sugg);
		} else {
			char *all = join_names(known);

			yu_error(d, key, "unknown key '%s' in %s (expected one of: %s)", key->text,
				 what, all);
			g_free(all);
		}
	}
	return ok;
}

struct yu_node *yu_require(struct yu_diag *d, const struct yu_node *map, const char *what,
			   const char *key)
{
	struct yu_node *v = yu_get(map, key);

	if (!v)
		yu_error(d, map, "%s: missing required key '%s'", what, key);
	return v;
}

/* ----------------------------------------------------------------- typed values ---- */

bool yu_str(struct yu_diag *d, const struct yu_node *n, const char *what, char *buf,
	    size_t size)
{
	if (!yu_expect_text(d, n, what, "a string"))
		return false;
	if (n->len >= size) {
		yu_error(d, n, "%s: '%s' is too long (at most %zu characters)", what, n->text,
			 size - 1);
		return false;
	}
	memcpy(buf, n->text, n->len + 1);
	return true;
}

bool yu_strdup(struct yu_diag *d, const struct yu_node *n, const char *what, char **out)
{
	if (!yu_expect_text(d, n, what, "a string"))
		return false;
	*out = g_strdup(n->text);
	return true;
}

bool yu_bool(struct yu_diag *d, const struct yu_node *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	size_t i;

	if (!yu_expect_text(d, n, what, "a boolean (true/false, 1/0)"))
		return false;
	for (i = 0; yes[i]; i++) {
		if (!g_ascii_strcasecmp(n->text, yes[i])) {
			*out = true;
			return true;
		}
		if (!g_ascii_strcasecmp(n->text, no[i])) {
			*out = false;
			return true;
		}
	}
	yu_error(d, n, "%s: expected a boolean (true/false, 1/0), got '%s'", what, n->text);
	return false;
}

int yu_parse_u64(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;
	int base = 10;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		snprintf(err, errlen, "expected a non-negative integer, got '%s'", s);
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "expected an integer, got '%s'", s);
		return -1;
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno == ERANGE) {
		snprintf(err, errlen, "'%s' is too large", s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (*end) {
		snprintf(err, errlen, "expected an integer, got '%s'", s);
		return -1;
	}
	*out = v;
	return 0;
}

bool yu_u64(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t min,
	    uint64_t max, uint64_t *out)
{
	char err[160];
	uint64_t v;

	if (!yu_expect_text(d, n, what, "an integer"))
		return false;
	if (yu_parse_u64(n->text, &v, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	if (v < min || v > max) {
		yu_error(d, n, "%s: %" G_GUINT64_FORMAT " is out of range (%" G_GUINT64_FORMAT
			 "..%" G_GUINT64_FORMAT ")", what, v, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool yu_u32(struct yu_diag *d, const struct yu_node *n, const char *what, uint32_t min,
	    uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!yu_u64(d, n, what, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool yu_double(struct yu_diag *d, const struct yu_node *n, const char *what, double min,
	       double max, double *out)
{
	char *end;
	double v;
	const char *p;

	if (!yu_expect_text(d, n, what, "a number"))
		return false;
	p = n->text;
	/* plain decimal notation only: no hex floats, inf or nan */
	if (!(isdigit((unsigned char)p[0]) || p[0] == '.' ||
	      ((p[0] == '-' || p[0] == '+') && (isdigit((unsigned char)p[1]) || p[1] == '.'))) ||
	    strpbrk(p, "xXnN")) {
		yu_error(d, n, "%s: expected a number, got '%s'", what, n->text);
		return false;
	}
	errno = 0;
	v = strtod(p, &end);
	if (*end || errno == ERANGE || !isfinite(v)) {
		yu_error(d, n, "%s: expected a number, got '%s'", what, n->text);
		return false;
	}
	if (v < min || v > max) {
		yu_error(d, n, "%s: %s is out of range (%g..%g)", what, n->text, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool yu_enum(struct yu_diag *d, const struct yu_node *n, const char *what,
	     const char *const *names, int *out)
{
	const char *sugg;
	char *all;
	int i;

	if (!yu_expect_text(d, n, what, "a name"))
		return false;
	for (i = 0; names[i]; i++) {
		if (!strcmp(names[i], n->text)) {
			*out = i;
			return true;
		}
	}
	sugg = yu_suggest(n->text, names);
	if (sugg) {
		yu_error(d, n, "%s: unknown value '%s' (did you mean '%s'?)", what, n->text, sugg);
		return false;
	}
	all = join_names(names);
	yu_error(d, n, "%s: unknown value '%s' (expected one of: %s)", what, n->text, all);
	g_free(all);
	return false;
}
