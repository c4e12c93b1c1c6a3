// SPDX-License-Identifier: MIT
/*
 * compare_tol.c - the comparison's tolerance rules: the defaults, --tol and --tol-file
 * rules (METRIC glob = relative%, absolute, or both), later rules winning (compare.h,
 * docs/compare.md).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare_internal.h"

/* ------------------------------------------------------------- tolerances ---- */

static void rule_free(gpointer p)
{
	struct tol_rule *r = p;

	g_free(r->pattern);
	g_free(r->where);
	g_free(r);
}

/* The defaults, and why, are in docs/compare.md */
static const struct {
	const char *pattern, *tol;
} default_tols[] = {
	{ "*", "10%,1" },
	{ "flow_state/agreement_pct", "5" },
	{ "flow_state/*_share_pct", "5" },
	{ "ppe_bound/*", "10%,2" },
	{ "ppe/binds", "10%,2" },
	{ "conntrack/*", "10%,2" },
	{ "flowtable/*", "10%,2" },
	{ "throughput_bps/*", "5%" },
	{ "cpu_pct/*/mean", "5" },
	{ "cpu_pct/*/max", "10" },
};

bool compare_tol_parse(const char *text, struct compare_tol *out)
{
	char **parts = g_strsplit(text, ",", -1);
	bool ok = parts[0] != NULL, have_rel = false, have_abs = false;
	guint i;

	out->rel = 0;
	out->abs = 0;
	for (i = 0; ok && parts[i]; i++) {
		char *p = g_strstrip(parts[i]), *end = NULL;
		double v;

		if (!*p || !(g_ascii_isdigit(*p) || *p == '.')) {
			ok = false;
			break;
		}
		v = g_ascii_strtod(p, &end);
		if (end == p || !isfinite(v) || v < 0) {
			ok = false;
		} else if (*end == '%' && end[1] == 0 && !have_rel) {
			out->rel = v / 100.0;
			have_rel = true;
		} else if (*end == 0 && !have_abs) {
			out->abs = v;
			have_abs = true;
		} else {
			ok = false;
		}
	}
	g_strfreev(parts);
	return ok;
}

static void add_rule(struct compare_tolset *t, const char *pattern,
		     const struct compare_tol *tol, bool user, const char *where)
{
	struct tol_rule *r = g_new0(struct tol_rule, 1);

	r->pattern = g_strdup(pattern);
	r->tol = *tol;
	r->user = user;
	r->where = g_strdup(where);
	g_ptr_array_add(t->rules, r);
}

struct compare_tolset *compare_tolset_new_default(void)
{
	struct compare_tolset *t = g_new0(struct compare_tolset, 1);
	guint i;

	t->rules = g_ptr_array_new_with_free_func(rule_free);
	for (i = 0; i < G_N_ELEMENTS(default_tols); i++) {
		struct compare_tol tol;

		if (!compare_tol_parse(default_tols[i].tol, &tol))
			g_error("bad default tolerance %s", default_tols[i].tol);
		add_rule(t, default_tols[i].pattern, &tol, false, "default");
	}
	return t;
}

void compare_tolset_free(struct compare_tolset *t)
{
	if (!t)
		return;
	g_ptr_array_free(t->rules, TRUE);
	g_free(t);
}

static bool valid_pattern(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (!(g_ascii_isalnum(*p) || strchr("_/*?.-", *p)))
			return false;
	return true;
}

/* "METRIC=VALUE" at where; col0 is the column of spec's first character (messages) */
static bool tol_add_at(struct compare_tolset *t, const char *spec, const char *where,
		       guint col0, GError **error)
{
	const char *eq = strchr(spec, '=');
	char *name, *val;
	struct compare_tol tol;
	bool ok = true;

	if (!eq) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected METRIC=TOLERANCE (e.g. cpu_pct/*/mean=3), got '%s'",
			    where, col0, spec);
		return false;
	}
	name = g_strstrip(g_strndup(spec, (gsize)(eq - spec)));
	val = g_strstrip(g_strdup(eq + 1));
	if (!valid_pattern(name)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected a metric name or glob (letters, digits, _ / * ?), "
			    "got '%s'", where, col0, name);
		ok = false;
	} else if (!compare_tol_parse(val, &tol)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE,
			    "%s:%u: expected a tolerance such as 10%%, 2.5 or 10%%,2 "
			    "(relative, absolute, or both), got '%s'", where,
			    col0 + (guint)(eq - spec) + 1, val);
		ok = false;
	} else {
		add_rule(t, name, &tol, true, where);
	}
	g_free(name);
	g_free(val);
	return ok;
}

bool compare_tolset_add(struct compare_tolset *t, const char *spec, const char *where,
			GError **error)
{
	return tol_add_at(t, spec, where ? where : "--tol", 1, error);
}

bool compare_tolset_load_file(struct compare_tolset *t, const char *path, GError **error)
{
	char *text = NULL, **lines;
	GError *e = NULL;
	bool ok = true;
	guint i;

	if (!g_file_get_contents(path, &text, NULL, &e)) {
		g_set_error(error, COMPARE_ERROR, COMPARE_ERROR_TOLERANCE, "%s", e->message);
		g_error_free(e);
		return false;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; ok && lines[i]; i++) {
		char *l = lines[i], *where;
		guint col = 1;

		while (*l == ' ' || *l == '\t') {
			l++;
			col++;
		}
		g_strchomp(l);
		if (!*l || *l == '#')
			continue;
		where = g_strdup_printf("%s:%u", path, i + 1);
		ok = tol_add_at(t, l, where, col, error);
		g_free(where);
	}
	g_strfreev(lines);
	g_free(text);
	return ok;
}

struct tol_rule *compare_tol_lookup(const struct compare_tolset *t, const char *name)
{
	guint i;

	for (i = t->rules->len; i-- > 0;) {
		struct tol_rule *r = g_ptr_array_index(t->rules, i);

		if (g_pattern_match_simple(r->pattern, name))
			return r;
	}
	return NULL;
}
