/* SPDX-License-Identifier: MIT */
/*
 * bundle_samples.c - a trace bundle's sample directories: listed, their time files read and
 * their times set (split from bundle.c; docs/trace-bundle.md has the layout).
 *
 * Invariant: after bundle_list_samples() succeeds, b->samples is sorted by seq with
 * distinct seqs.
 */
#include "bundle_internal.h"

#include <string.h>

/* ---------------------------------------------------------------- samples ---- */

static bool is_ppe_dir(const char *s, gsize len)
{
	gsize i;

	if (len == 3 && !memcmp(s, "ppe", 3))
		return true;                       /* Airoha */
	if (len == 7 && !memcmp(s, "mtk_ppe", 7))
		return true;                       /* before the multi-PPE rework */
	if (len < 4 || len > 5 || memcmp(s, "ppe", 3))
		return false;
	for (i = 3; i < len; i++)
		if (!g_ascii_isdigit(s[i]))
			return false;
	return true;
}

static bool known_sample_file(const char *f)
{
	static const char *const names[] = {
		"time", "stat", "nf_conntrack", "conntrack", "conntrack.stderr",
	};
	const char *slash = strchr(f, '/');
	guint i;

	if (slash)
		return is_ppe_dir(f, (gsize)(slash - f)) &&
		       (!strcmp(slash + 1, "entries") || !strcmp(slash + 1, "bind"));
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (!strcmp(f, names[i]))
			return true;
	return false;
}

static bool known_top_file(const char *p)
{
	static const char *const statics[] = {
		"uname", "openwrt_release", "cpuinfo", "version", "firewall.uci",
		"ruleset.json", "wed_enable", "sysctl",
	};
	guint i;

	if (!strcmp(p, BUNDLE_MANIFEST) || !strcmp(p, "collect.log"))
		return true;
	if (!strncmp(p, "static/", 7))
		for (i = 0; i < G_N_ELEMENTS(statics); i++)
			if (!strcmp(p + 7, statics[i]))
				return true;
	return false;
}

/* "12345.67" (as /proc/uptime prints it) to centiseconds; more decimals are cut. */
static bool parse_uptime(const char *s, gsize len, u64 *cs)
{
	const char *dot = memchr(s, '.', len);
	u64 whole, frac = 0;
	gsize flen, i;

	if (!trace_parse_u64(s, dot ? (gsize)(dot - s) : len, &whole) || whole > G_MAXUINT64 / 200)
		return false;
	if (dot) {
		flen = len - (gsize)(dot + 1 - s);
		if (!flen)
			return false;
		for (i = 0; i < flen; i++) {
			if (!g_ascii_isdigit(dot[1 + i]))
				return false;
			if (i < 2)
				frac = frac * 10 + (u64)(dot[1 + i] - '0');
		}
		if (flen == 1)
			frac *= 10;
	}
	*cs = whole * 100 + frac;
	return true;
}

static bool parse_time_file(struct bundle *b, struct bundle_sample *s, GError **error)
{
	char *rel = g_strconcat(s->dir, "/time", NULL);
	gsize len;
	const char *text = bundle_get(b, rel, &len);
	struct trace_reader r;
	struct trace_line l;
	bool ok = true;

	if (!text) {
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"%s: no time file: the sample's time is taken from its number", rel);
		g_free(rel);
		return true;
	}
	trace_reader_init_buffer(&r, text, len);
	while (ok && trace_reader_next(&r, &l)) {
		const char *eq = memchr(l.text, '=', l.len);
		gsize klen = eq ? (gsize)(eq - l.text) : 0, vlen;
		const char *v = eq ? eq + 1 : NULL;
		char *label;
		guint64 u;

		if (!l.len)
			continue;
		vlen = eq ? l.len - klen - 1 : 0;
		label = bundle_file_label(b, rel);
		if (!eq || (l.flags & (TRACE_LINE_HAS_NUL | TRACE_LINE_TRUNCATED))) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s:%u:1: expected unix=SECONDS, uptime=SECONDS.CC or "
				    "uptime_end=SECONDS.CC", label, l.number);
			ok = false;
		} else if (!vlen) {
			/* the collector could not read the clock: nothing to note */
		} else if (klen == 4 && !memcmp(l.text, "unix", 4)) {
			ok = trace_parse_u64(v, vlen, &u) && u <= G_MAXINT64;
			s->has_unix = ok;
			s->unix_time = (s64)u;
		} else if (klen == 6 && !memcmp(l.text, "uptime", 6)) {
			ok = parse_uptime(v, vlen, &s->uptime_cs);
			s->has_uptime = ok;
		} else if (klen == 10 && !memcmp(l.text, "uptime_end", 10)) {
			ok = parse_uptime(v, vlen, &s->uptime_end_cs);
			s->has_uptime_end = ok;
		} else {
			trace_diags_add(&b->diags, TRACE_NOTE, label, l.number, 1,
					"unknown key '%.*s' ignored", (int)MIN(klen, 40), l.text);
		}
		if (!ok && eq)
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s:%u:%u: expected a number of seconds after '%.*s=', found "
				    "'%.*s'", label, l.number, (u32)klen + 2, (int)klen, l.text,
				    (int)MIN(vlen, 40), v);
		g_free(label);
	}
	trace_reader_destroy(&r);
	g_free(rel);
	return ok;
}

static gint sample_cmp(gconstpointer a, gconstpointer b)
{
	const struct bundle_sample *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sample times: /proc/uptime when it advances from sample to sample (centiseconds,
 * immune to wall-clock steps), else the wall clock when it never goes backwards, else
 * sample number x interval.  A stuck uptime is what a fake root gives.
 */
static void set_sample_times(struct bundle *b)
{
	bool mono_up = true, mono_unix = true, all_up = true, all_unix = true;
	guint i;

	for (i = 0; i < b->samples->len; i++) {
		const struct bundle_sample *s = &g_array_index(b->samples, struct bundle_sample, i);
		const struct bundle_sample *q = i ? s - 1 : NULL;

		all_up = all_up && s->has_uptime;
		all_unix = all_unix && s->has_unix;
		if (q && s->has_uptime && q->has_uptime && s->uptime_cs <= q->uptime_cs)
			mono_up = false;
		if (q && s->has_unix && q->has_unix && s->unix_time < q->unix_time)
			mono_unix = false;
	}
	if (all_up && !mono_up && b->samples->len > 1)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"/proc/uptime does not advance between samples (a reboot, or a "
				"fake root): sample times are taken from %s",
				all_unix && mono_unix ? "the wall clock" : "their numbers");
	b->time_from_uptime = all_up && mono_up;
	b->time_from_unix = !b->time_from_uptime && all_unix && mono_unix;
	if (!all_up && !b->time_from_unix && b->samples->len)
		trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
				"not every sample has a usable time: times are sample number x "
				"interval");
	for (i = 0; i < b->samples->len; i++) {
		struct bundle_sample *s = &g_array_index(b->samples, struct bundle_sample, i);
		const struct bundle_sample *s0 = &g_array_index(b->samples, struct bundle_sample, 0);

		if (b->time_from_uptime)
			s->t = (double)(s->uptime_cs - s0->uptime_cs) / 100.0;
		else if (b->time_from_unix)
			s->t = (double)(s->unix_time - s0->unix_time);
		else
			s->t = (double)(s->seq - s0->seq) * b->interval;
	}
}

bool bundle_list_samples(struct bundle *b, GError **error)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *ppe = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k;
	u32 declared = 0, i;
	bool ok = true;
	guint p;

	for (p = 0; p < b->paths->len && ok; p++) {
		const char *path = g_ptr_array_index(b->paths, p);
		const char *name, *slash;
		gsize dlen, d;
		u32 seq = 0;

		if (strncmp(path, "samples/", 8)) {
			if (!known_top_file(path))
				trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
						"'%s' is not part of the bundle format: ignored", path);
			continue;
		}
		name = path + 8;
		slash = strchr(name, '/');
		if (!slash) {
			trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
					"'%s': a file directly under samples/: ignored", path);
			continue;
		}
		dlen = (gsize)(slash - name);
		for (d = 0; d < dlen && g_ascii_isdigit(name[d]); d++)
			;
		if (d != dlen || !dlen || dlen > 9) {
			if (dlen > 4 && !memcmp(name + dlen - 4, ".tmp", 4))
				trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
						"'%.*s': a sample the collector did not finish: ignored",
						(int)(dlen + 8), path);
			else
				trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
						"'%s': sample directories are named by number "
						"(samples/000001): ignored", path);
			continue;
		}
		trace_parse_u32(name, dlen, &seq);
		if (!known_sample_file(slash + 1))
			trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
					"'%s' is not part of the bundle format: ignored", path);
		else if (strchr(slash + 1, '/'))
			g_hash_table_add(ppe, g_strndup(slash + 1,
					 (gsize)(strchr(slash + 1, '/') - (slash + 1))));
		{
			char *dir = g_strndup(path, dlen + 8);
			struct bundle_sample s;
			guint j;

			if (g_hash_table_contains(seen, dir)) {
				g_free(dir);
				continue;
			}
			if (!seq) {
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
					    "%s: '%s': samples are numbered from 1", b->source, dir);
				g_free(dir);
				ok = false;
				break;
			}
			for (j = 0; j < b->samples->len; j++) {
				if (g_array_index(b->samples, struct bundle_sample, j).seq == seq) {
					g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
						    "%s: '%s' and '%s' are both sample %u", b->source,
						    g_array_index(b->samples, struct bundle_sample,
								  j).dir, dir, seq);
					ok = false;
				}
			}
			if (!ok) {
				g_free(dir);
				break;
			}
			memset(&s, 0, sizeof(s));
			s.seq = seq;
			s.dir = dir;
			g_hash_table_add(seen, g_strdup(dir));
			g_array_append_val(b->samples, s);
		}
	}
	if (ok) {
		g_array_sort(b->samples, sample_cmp);
		g_hash_table_iter_init(&it, ppe);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_ptr_array_add(b->ppe_dirs, g_strdup(k));
		g_ptr_array_sort(b->ppe_dirs, bundle_str_ptr_cmp);
	}
	g_hash_table_destroy(seen);
	g_hash_table_destroy(ppe);
	if (!ok)
		return false;

	for (i = 0; i < b->samples->len && ok; i++)
		ok = parse_time_file(b, &g_array_index(b->samples, struct bundle_sample, i), error);
	if (!ok)
		return false;
	bundle_manifest_uint(b, "samples", true, &declared, NULL, NULL);
	if (declared != b->samples->len)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"the manifest says samples=%u, the bundle holds %u", declared,
				b->samples->len);
	if (!b->samples->len)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"no samples: only the one-off records can be shown");

	set_sample_times(b);
	return true;
}
