/* SPDX-License-Identifier: MIT */
/*
 * kernel_compare_load.c - kernel_compare's inputs as per-connection timelines: the guest's
 * kernel_sampler files (real kernel, kernel shim), a simulator replay's trace directory and
 * the guest's events file (phase stamps).
 *
 * A connection is keyed by its original tuple as conntrack prints it ("tcp A:p -> B:q"); TCP
 * and UDP only.  Each sample of a column is compared with the column's previous one: a key
 * appearing is "seen", [OFFLOAD] or [HW_OFFLOAD] appearing "offload", disappearing "clear",
 * the key disappearing "gone" (a clear first if it was offloaded).  Sample times are seconds
 * since the report's time 0 (r->zero, realtime): the sampler's through the realtime stamp
 * each sample carries, the replay's through its capture's first packet (simulated time 0).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "conntrack_text.h"
#include "kernel_compare.h"
#include "trace_common.h"

/* ---- timelines -------------------------------------------------------------------------- */

static struct conn *conn_get(struct report *r, const char *key, bool is_tcp)
{
	struct conn *c = g_hash_table_lookup(r->conns, key);
	int i;

	if (c)
		return c;
	c = g_new0(struct conn, 1);
	c->key = g_strdup(key);
	c->is_tcp = is_tcp;
	for (i = 0; i < MAX_COLS; i++)
		c->col[i].evs = g_array_new(FALSE, FALSE, sizeof(struct ev));
	g_hash_table_insert(r->conns, c->key, c);
	g_ptr_array_add(r->order, c);
	return c;
}

static void add_ev(struct timeline *tl, enum ev_kind kind, double t)
{
	struct ev e = { kind, t };

	g_array_append_val(tl->evs, e);
}

/* The connections one sample showed: key -> offloaded (GINT_TO_POINTER(1 + offloaded)). */
struct sample {
	double t;
	GHashTable *seen;
};

static void apply_sample(struct report *r, int ci, const struct sample *s, GHashTable *allowed)
{
	GHashTableIter it;
	gpointer k, v;
	unsigned i;

	g_hash_table_iter_init(&it, s->seen);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *key = k;
		bool off = GPOINTER_TO_INT(v) == 2;
		struct conn *c;
		struct timeline *tl;

		if (allowed && !g_hash_table_contains(allowed, key))
			continue;
		c = conn_get(r, key, g_str_has_prefix(key, "tcp "));
		tl = &c->col[ci];
		c->in_col[ci] = true;
		if (!tl->present)
			add_ev(tl, EV_SEEN, s->t);
		if (off && !tl->offloaded) {
			add_ev(tl, EV_OFFLOAD, s->t);
			tl->ever_offloaded = true;
		} else if (!off && tl->offloaded) {
			add_ev(tl, EV_CLEAR, s->t);
		}
		tl->present = true;
		tl->offloaded = off;
	}
	for (i = 0; i < r->order->len; i++) {
		struct conn *c = g_ptr_array_index(r->order, i);
		struct timeline *tl = &c->col[ci];

		if (!tl->present || g_hash_table_contains(s->seen, c->key))
			continue;
		if (allowed && !g_hash_table_contains(allowed, c->key))
			continue;
		if (tl->offloaded)
			add_ev(tl, EV_CLEAR, s->t);
		add_ev(tl, EV_GONE, s->t);
		tl->present = false;
		tl->offloaded = false;
	}
}

/* Add one conntrack line to a sample; false (with a message) on a malformed line. */
static bool sample_line(struct sample *s, const char *file, unsigned lineno, const char *text,
			size_t len)
{
	struct ct_text_entry e;
	struct ct_text_meta meta;
	struct ct_text_error err;
	enum ct_text_line_kind kind = ct_text_parse_line(text, len, &e, &meta, &err);
	char key[256];

	if (kind == CT_TEXT_LINE_BLANK || kind == CT_TEXT_LINE_COMMENT ||
	    kind == CT_TEXT_LINE_TRAILER)
		return true;
	if (kind != CT_TEXT_LINE_ENTRY) {
		fprintf(stderr, "%s:%u:%u: %s\n", file, lineno, err.column, err.message);
		return false;
	}
	if (strcmp(e.l4_name, "tcp") && strcmp(e.l4_name, "udp"))
		return true;
	g_snprintf(key, sizeof(key), "%s %s:%u -> %s:%u", e.l4_name, e.orig.src.text,
		   e.orig.sport, e.orig.dst.text, e.orig.dport);
	g_hash_table_insert(s->seen, g_strdup(key),
			    GINT_TO_POINTER((e.flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD)) ? 2 : 1));
	return true;
}

static bool parse_stamp(const char *s, const char *name, double *out)
{
	const char *p = strstr(s, name);
	char *end;

	if (!p)
		return false;
	p += strlen(name);
	*out = g_ascii_strtod(p, &end);
	return end != p;
}

/* A kernel_sampler file: "# sample N boottime= realtime=" headers, each followed by a listing. */
int load_sampler_file(struct report *r, int ci, const char *path)
{
	char *buf;
	size_t len;
	struct trace_diags diags;
	struct trace_reader rd;
	struct trace_line line;
	struct sample s = { 0 };
	bool in_sample = false, skip = false;
	int rc = 0;

	trace_diags_init(&diags);
	if (!trace_read_file(path, &buf, &len, &diags)) {
		trace_diags_print(&diags, stderr);
		trace_diags_clear(&diags);
		return 2;
	}
	trace_diags_clear(&diags);
	trace_reader_init_buffer(&rd, buf, len);
	while (trace_reader_next(&rd, &line)) {
		char *text = g_strndup(line.text, line.len);

		if (g_str_has_prefix(text, "# sample ")) {
			double real;

			if (in_sample && !skip) {
				apply_sample(r, ci, &s, NULL);
				r->col[ci].samples++;
				r->col[ci].end = s.t;
			}
			if (!parse_stamp(text, "realtime=", &real)) {
				rc = die_input("%s:%u: sample header without realtime=", path,
					       line.number);
				g_free(text);
				break;
			}
			if (!s.seen)
				s.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_hash_table_remove_all(s.seen);
			s.t = real - r->zero;
			if (!r->col[ci].samples && !in_sample)
				r->col[ci].start = s.t;
			in_sample = true;
			skip = false;
		} else if (g_str_has_prefix(text, "# unavailable") ||
			   g_str_has_prefix(text, "# read error")) {
			skip = true;   /* the file could not be read at this sample: no information */
		} else if (in_sample && !skip &&
			   !sample_line(&s, path, line.number, line.text, line.len)) {
			rc = 1;        /* a malformed listing line is a failure of that column */
			g_free(text);
			break;
		}
		g_free(text);
	}
	/* The sampler finishes a sample before it looks at the stop file, so the last one is
	 * whole too. */
	if (!rc && in_sample && !skip) {
		apply_sample(r, ci, &s, NULL);
		r->col[ci].samples++;
		r->col[ci].end = s.t;
	}
	trace_reader_destroy(&rd);
	if (s.seen)
		g_hash_table_destroy(s.seen);
	g_free(buf);
	r->col[ci].used = true;
	return rc;
}

static int cmp_ms_files(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A replay's trace directory.  Its connections are taken only if no earlier --sim part
 * showed them (a connection belongs to the part whose packets created it).
 */
int load_sim_part(struct report *r, int ci, const char *spec, GHashTable *claimed)
{
	const char *eq = strchr(spec, '=');
	char *dir, *sub;
	GDir *d;
	GError *gerr = NULL;
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *allowed;
	GPtrArray *samples = g_ptr_array_new();
	double zero;
	const char *name;
	unsigned i;
	int rc = 0;

	if (!eq)
		return die_input("--sim: expected DIR=PCAP, got '%s'", spec);
	dir = g_strndup(spec, (gsize)(eq - spec));
	zero = first_packet_time(eq + 1, &rc);
	if (rc)
		goto out;
	sub = g_build_filename(dir, "conntrack", NULL);
	d = g_dir_open(sub, 0, &gerr);
	if (!d) {
		rc = die_input("%s: %s", sub, gerr->message);
		g_error_free(gerr);
		g_free(sub);
		goto out;
	}
	while ((name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, "proc_nf_conntrack.") && g_str_has_suffix(name, ".txt"))
			g_ptr_array_add(files, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(files, cmp_ms_files);
	if (!files->len) {
		rc = die_input("%s: no proc_nf_conntrack.<T>.txt snapshots (is a conntrack snapshot "
			       "in the scenario's output?)", sub);
		g_free(sub);
		goto out;
	}
	/* Parse every snapshot first, to know which connections this part shows at all. */
	for (i = 0; i < files->len && !rc; i++) {
		const char *f = g_ptr_array_index(files, i);
		const char *ms = f + strlen("proc_nf_conntrack.");
		guint64 msv = g_ascii_strtoull(ms, NULL, 10);
		double frac = 0;
		const char *us = strchr(ms, '_');
		char *path = g_build_filename(sub, f, NULL);
		char *buf;
		gsize len;
		struct sample *s = g_new0(struct sample, 1);
		struct trace_reader rd;
		struct trace_line line;

		if (us)
			frac = (double)g_ascii_strtoull(us + 1, NULL, 10) / 1e9;
		s->t = zero + (double)msv / 1e3 + frac - r->zero;
		s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_ptr_array_add(samples, s);
		if (!g_file_get_contents(path, &buf, &len, &gerr)) {
			rc = die_input("%s: %s", path, gerr->message);
			g_error_free(gerr);
			g_free(path);
			break;
		}
		trace_reader_init_buffer(&rd, buf, len);
		while (trace_reader_next(&rd, &line))
			if (!sample_line(s, path, line.number, line.text, line.len)) {
				rc = 1;
				break;
			}
		trace_reader_destroy(&rd);
		g_free(buf);
		g_free(path);
		{
			GHashTableIter it;
			gpointer k;

			g_hash_table_iter_init(&it, s->seen);
			while (g_hash_table_iter_next(&it, &k, NULL))
				if (!g_hash_table_contains(claimed, k))
					g_hash_table_add(mine, g_strdup(k));
		}
	}
	g_free(sub);
	allowed = mine;
	for (i = 0; i < samples->len && !rc; i++) {
		struct sample *s = g_ptr_array_index(samples, i);

		apply_sample(r, ci, s, allowed);
		r->col[ci].samples++;
		if (!r->col[ci].used && i == 0)
			r->col[ci].start = s->t;
		/* Per connection, the window is the part's own. */
		{
			GHashTableIter it;
			gpointer k;

			g_hash_table_iter_init(&it, mine);
			while (g_hash_table_iter_next(&it, &k, NULL)) {
				struct conn *c = g_hash_table_lookup(r->conns, k);

				if (c)
					c->col[ci].end = s->t;
			}
		}
		if (s->t > r->col[ci].end)
			r->col[ci].end = s->t;
	}
	{
		GHashTableIter it;
		gpointer k;

		g_hash_table_iter_init(&it, mine);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_hash_table_add(claimed, g_strdup(k));
	}
	r->col[ci].used = true;
out:
	for (i = 0; i < samples->len; i++) {
		struct sample *s = g_ptr_array_index(samples, i);

		g_hash_table_destroy(s->seen);
		g_free(s);
	}
	g_ptr_array_free(samples, TRUE);
	g_hash_table_destroy(mine);
	g_ptr_array_free(files, TRUE);
	g_free(dir);
	return rc;
}

int load_events(struct report *r, const char *path, GString *o)
{
	char *buf;
	gsize len;
	GError *gerr = NULL;
	gchar **lines;
	unsigned i;

	if (!g_file_get_contents(path, &buf, &len, &gerr)) {
		int rc = die_input("%s: %s", path, gerr->message);

		g_error_free(gerr);
		return rc;
	}
	lines = g_strsplit(buf, "\n", -1);
	g_string_append(o, "phases (seconds since the first captured packet):\n");
	for (i = 0; lines[i]; i++) {
		double boot, real;
		char *sp;

		if (!*lines[i])
			continue;
		if (!parse_stamp(lines[i], "boottime=", &boot) ||
		    !parse_stamp(lines[i], "realtime=", &real)) {
			g_strfreev(lines);
			g_free(buf);
			return die_input("%s:%u: expected 'LABEL boottime=S realtime=S'", path, i + 1);
		}
		sp = strchr(lines[i], ' ');
		if (sp)
			*sp = '\0';
		g_string_append_printf(o, "  %-18s %8.2f   (uptime %.2f)\n", lines[i], real - r->zero,
				       boot);
		r->boot_to_real = real - boot;
		r->have_clock = true;
	}
	g_string_append(o, "\n");
	g_strfreev(lines);
	g_free(buf);
	return 0;
}

void conn_free(gpointer p)
{
	struct conn *c = p;
	int i;

	for (i = 0; i < MAX_COLS; i++)
		g_array_free(c->col[i].evs, TRUE);
	g_free(c->key);
	g_free(c);
}
