/* SPDX-License-Identifier: MIT */
/*
 * kernel_compare_judge.c - `kernel_compare report`: loads the columns (kernel_compare_load.c),
 * prints their timelines side by side (real kernel | kernel shim | simulator replay) and
 * decides.
 *
 * Decision (exit 0 PASS, 1 FAIL, 2 bad input): every other column, compared with the real
 * kernel over the time both observed (minus 1 s at the end, where a column may simply not
 * have sampled an event yet), must have
 *   - the same set of connections ever offloaded;
 *   - per connection, the same sequence of seen / offload / clear events;
 *   - each offload, clear and seen event within 1 s of the real kernel's (plus the longer
 *     sampling period of the two columns: a listing shows an event up to a period late);
 *   - the same order of offload/clear events across connections wherever the real kernel's
 *     are more than 2 s apart (closer ones are covered by the 1 s tolerance).
 * "Gone" events are shown with their difference but not judged: the kernel reaps expired
 * conntrack entries from an adaptive GC (1..60 s, nf_conntrack_core.c: gc_worker), so when an
 * entry disappears is not a flow-offload decision.  The real kernel itself must have offloaded
 * at least one TCP and one UDP connection and cleared them again, otherwise the test did not
 * exercise what it claims and fails.  Connections are TCP and UDP only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kernel_compare.h"

const char *const ev_names[EV_KINDS] = { "seen", "offload", "clear", "gone" };

/* ---- judging ------------------------------------------------------------------------------ */

/* The end of what both the real kernel and column ci observed of connection c. */
static double window_end(const struct report *r, const struct conn *c, int ci)
{
	double end = r->col[0].end;
	double other = c->col[ci].end > 0 ? c->col[ci].end : r->col[ci].end;

	return other < end ? other : end;
}

/* The judged events (seen/offload/clear) of a timeline up to `end`, at most `max`. */
static GArray *judged(const struct timeline *tl, double end, unsigned max)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct ev));
	unsigned i;

	for (i = 0; i < tl->evs->len && a->len < max; i++) {
		struct ev e = g_array_index(tl->evs, struct ev, i);

		if (e.t <= end && e.kind != EV_GONE)
			g_array_append_val(a, e);
	}
	return a;
}

/*
 * The events both sides are judged on: those up to END_MARGIN before the end of the common
 * window, on either side, and their counterparts on the other side up to the window's end -
 * so an event just before the cut on one side and within the tolerance after it on the other
 * is compared, not counted as missing.
 */
static void judged_pair(const struct timeline *a, const struct timeline *b, double end,
			GArray **ja, GArray **jb)
{
	GArray *sa = judged(a, end - END_MARGIN, G_MAXUINT), *sb = judged(b, end - END_MARGIN, G_MAXUINT);
	unsigned n = sa->len > sb->len ? sa->len : sb->len;

	g_array_free(sa, TRUE);
	g_array_free(sb, TRUE);
	*ja = judged(a, end, n);
	*jb = judged(b, end, n);
}

struct flat_ev {
	const struct conn *c;
	double t_real, t_col;
	enum ev_kind kind;
};

/* A column's mean sampling period. */
static double period_of(const struct column *col)
{
	return col->samples > 1 ? (col->end - col->start) / (double)(col->samples - 1) : 0;
}

/*
 * A connection one column saw for less than a sampling period and the other never saw is a
 * sampling accident, not a disagreement: a SYN answered by RST lives about a millisecond,
 * and whether a 100 ms or 20 ms sampler catches it is chance.  Only a never-offloaded
 * connection whose seen..gone span is shorter than the slower sampler's period qualifies.
 */
static bool too_short_to_sample(const struct timeline *tl, double period)
{
	double seen = -1, gone = -1;
	unsigned i;

	if (tl->ever_offloaded || tl->present)
		return false;
	for (i = 0; i < tl->evs->len; i++) {
		const struct ev *e = &g_array_index(tl->evs, struct ev, i);

		if (e->kind == EV_SEEN && seen < 0)
			seen = e->t;
		else if (e->kind == EV_GONE)
			gone = e->t;
	}
	return seen >= 0 && gone >= seen && gone - seen < period;
}

static unsigned judge_column(struct report *r, int ci, GString *why)
{
	unsigned i, j, bad = 0;
	GArray *flat = g_array_new(FALSE, FALSE, sizeof(struct flat_ev));
	/*
	 * A listing shows an event at the first sample after it, up to one period late, so two
	 * observations of events exactly TIME_TOL apart can be TIME_TOL plus a period apart.
	 */
	double pa = period_of(&r->col[0]), pb = period_of(&r->col[ci]);
	double tol = TIME_TOL + (pa > pb ? pa : pb);

	for (i = 0; i < r->order->len; i++) {
		struct conn *c = g_ptr_array_index(r->order, i);
		double end = window_end(r, c, ci);
		GArray *a, *b;
		bool off_a = false, off_b = false;

		judged_pair(&c->col[0], &c->col[ci], end, &a, &b);
		if ((!a->len && too_short_to_sample(&c->col[ci], pa > pb ? pa : pb)) ||
		    (!b->len && too_short_to_sample(&c->col[0], pa > pb ? pa : pb))) {
			g_array_free(a, TRUE);
			g_array_free(b, TRUE);
			continue;
		}

		for (j = 0; j < a->len; j++)
			off_a |= g_array_index(a, struct ev, j).kind == EV_OFFLOAD;
		for (j = 0; j < b->len; j++)
			off_b |= g_array_index(b, struct ev, j).kind == EV_OFFLOAD;
		if (off_a != off_b) {
			g_string_append_printf(why, "  %s: %s by the real kernel, %s by the %s\n", c->key,
					       off_a ? "offloaded" : "not offloaded",
					       off_b ? "offloaded" : "not offloaded", r->col[ci].name);
			bad++;
		}
		if (a->len != b->len) {
			g_string_append_printf(why, "  %s: %u events in the real kernel, %u in the %s\n",
					       c->key, a->len, b->len, r->col[ci].name);
			bad++;
		}
		for (j = 0; j < a->len && j < b->len; j++) {
			struct ev ea = g_array_index(a, struct ev, j), eb = g_array_index(b, struct ev, j);

			if (ea.kind != eb.kind) {
				g_string_append_printf(why, "  %s: event %u is '%s' in the real kernel, '%s' in the %s\n",
						       c->key, j + 1, ev_names[ea.kind], ev_names[eb.kind],
						       r->col[ci].name);
				bad++;
				break;
			}
			if (fabs(ea.t - eb.t) > tol) {
				g_string_append_printf(why, "  %s: '%s' at %.2f s in the real kernel, %.2f s in the %s (more than %.0f s + one sample period apart)\n",
						       c->key, ev_names[ea.kind], ea.t, eb.t,
						       r->col[ci].name, TIME_TOL);
				bad++;
			}
			if (ea.kind == EV_OFFLOAD || ea.kind == EV_CLEAR) {
				struct flat_ev f = { c, ea.t, eb.t, ea.kind };

				g_array_append_val(flat, f);
			}
		}
		g_array_free(a, TRUE);
		g_array_free(b, TRUE);
	}
	/* Order across connections, where the real kernel's events are clearly apart. */
	for (i = 0; i < flat->len; i++)
		for (j = 0; j < flat->len; j++) {
			struct flat_ev *x = &g_array_index(flat, struct flat_ev, i);
			struct flat_ev *y = &g_array_index(flat, struct flat_ev, j);

			if (x->t_real + ORDER_GAP < y->t_real && !(x->t_col < y->t_col)) {
				g_string_append_printf(why, "  order: %s '%s' (%.2f s) before %s '%s' (%.2f s) in the real kernel, not in the %s\n",
						       x->c->key, ev_names[x->kind], x->t_real, y->c->key,
						       ev_names[y->kind], y->t_real, r->col[ci].name);
				bad++;
			}
		}
	g_array_free(flat, TRUE);
	return bad;
}

/* The real kernel must have exercised what the test is about. */
static unsigned judge_real(struct report *r, GString *why)
{
	bool tcp_off = false, udp_off = false, tcp_clear = false, udp_clear = false;
	unsigned i, j;

	for (i = 0; i < r->order->len; i++) {
		struct conn *c = g_ptr_array_index(r->order, i);
		GArray *evs = c->col[0].evs;

		for (j = 0; j < evs->len; j++) {
			enum ev_kind k = g_array_index(evs, struct ev, j).kind;

			if (k == EV_OFFLOAD)
				*(c->is_tcp ? &tcp_off : &udp_off) = true;
			if (k == EV_CLEAR)
				*(c->is_tcp ? &tcp_clear : &udp_clear) = true;
		}
	}
	if (!tcp_off || !udp_off || !tcp_clear || !udp_clear) {
		g_string_append_printf(why, "  the real kernel did not offload and clear both a TCP and a UDP connection (tcp %s/%s, udp %s/%s): the test setup is broken\n",
				       tcp_off ? "offloaded" : "never offloaded",
				       tcp_clear ? "cleared" : "never cleared",
				       udp_off ? "offloaded" : "never offloaded",
				       udp_clear ? "cleared" : "never cleared");
		return 1;
	}
	return 0;
}

static void print_cell(GString *o, const struct timeline *tl, enum ev_kind kind, unsigned nth,
		       bool used)
{
	unsigned i, seen = 0;

	if (!used) {
		g_string_append_printf(o, " %10s", "");
		return;
	}
	for (i = 0; i < tl->evs->len; i++) {
		const struct ev *e = &g_array_index(tl->evs, struct ev, i);

		if (e->kind == kind && seen++ == nth) {
			g_string_append_printf(o, " %10.2f", e->t);
			return;
		}
	}
	g_string_append_printf(o, " %10s", "-");
}

static unsigned count_kind(const struct timeline *tl, enum ev_kind kind)
{
	unsigned i, n = 0;

	for (i = 0; i < tl->evs->len; i++)
		n += g_array_index(tl->evs, struct ev, i).kind == kind;
	return n;
}

int cmd_report(int argc, char **argv)
{
	struct report r = { 0 };
	const char *real = NULL, *module = NULL, *events = NULL, *zero = NULL, *out = NULL;
	GPtrArray *sims = g_ptr_array_new();
	GHashTable *claimed;
	GString *o = g_string_new(NULL), *why = g_string_new(NULL);
	unsigned i, fails = 0, require = 1;
	int rc = 0, ci, ncols;

	/* options come as pairs: "--name value" */
	for (i = 0; i < (unsigned)argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < (unsigned)argc ? argv[i + 1] : NULL;

		if (!v)
			return die_input("%s: missing value", a);
		if (!strcmp(a, "--real"))
			real = v;
		else if (!strcmp(a, "--module"))
			module = v;
		else if (!strcmp(a, "--sim"))
			g_ptr_array_add(sims, (gpointer)v);
		else if (!strcmp(a, "--events"))
			events = v;
		else if (!strcmp(a, "--zero"))
			zero = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--require-columns"))
			require = (unsigned)atoi(v);
		else
			return die_input("unknown option %s", a);
	}
	if (!real || !events || !zero)
		return die_input("report needs --real, --events and --zero");

	r.conns = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, conn_free);
	r.order = g_ptr_array_new();
	r.col[0].name = "real kernel";
	r.col[1].name = "kernel shim";
	r.col[2].name = "simulator replay";
	r.zero = first_packet_time(zero, &rc);
	if (rc)
		return rc;
	g_string_append_printf(o, "flowsim kernel reference test: real kernel | kernel shim | simulator replay\n"
			       "time 0 = first packet captured entering the router (%s)\n\n", zero);
	rc = load_events(&r, events, o);
	if (rc)
		return rc;
	rc = load_sampler_file(&r, 0, real);
	if (rc)
		return rc;
	if (module) {
		rc = load_sampler_file(&r, 1, module);
		if (rc == 2)
			return rc;
		if (rc) {
			g_string_append(why, "  kernel shim: its nf_conntrack listing has a malformed line (see above)\n");
			fails++;
			rc = 0;
		}
	}
	claimed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < sims->len; i++) {
		rc = load_sim_part(&r, 2, g_ptr_array_index(sims, i), claimed);
		if (rc == 2)
			return rc;
		if (rc) {
			g_string_append(why, "  simulator replay: a conntrack snapshot has a malformed line (see above)\n");
			fails++;
			rc = 0;
		}
	}
	g_hash_table_destroy(claimed);

	ncols = 0;
	for (ci = 0; ci < MAX_COLS; ci++)
		if (r.col[ci].used) {
			ncols++;
			g_string_append_printf(o, "%-17s %4u samples, %7.2f .. %7.2f s\n", r.col[ci].name,
					       r.col[ci].samples, r.col[ci].start, r.col[ci].end);
		} else {
			g_string_append_printf(o, "%-17s not available\n", r.col[ci].name);
		}
	g_string_append_printf(o, "\n%-44s %-8s %10s %10s %10s\n", "connection (original tuple)", "event",
			       "real", "shim", "sim");
	for (i = 0; i < r.order->len; i++) {
		struct conn *c = g_ptr_array_index(r.order, i);
		enum ev_kind k;
		unsigned nth, max;
		bool first = true;

		for (k = 0; k < EV_KINDS; k++) {
			max = 0;
			for (ci = 0; ci < MAX_COLS; ci++)
				if (count_kind(&c->col[ci], k) > max)
					max = count_kind(&c->col[ci], k);
			for (nth = 0; nth < max; nth++) {
				g_string_append_printf(o, "%-44s %-8s", first ? c->key : "", ev_names[k]);
				first = false;
				for (ci = 0; ci < MAX_COLS; ci++)
					print_cell(o, &c->col[ci], k, nth, r.col[ci].used);
				g_string_append(o, "\n");
			}
		}
	}
	g_string_append(o, "\n");

	fails += judge_real(&r, why);
	for (ci = 1; ci < MAX_COLS; ci++) {
		unsigned bad;

		if (!r.col[ci].used)
			continue;
		bad = judge_column(&r, ci, why);
		g_string_append_printf(o, "%s vs real kernel: %s\n", r.col[ci].name,
				       bad ? "DIFFERENT" : "same offload decisions, order and times (1 s + sampling)");
		fails += bad;
	}
	if ((unsigned)ncols < require) {
		g_string_append_printf(why, "  only %d of the %u required columns are available\n", ncols,
				       require);
		fails++;
	}
	if (fails)
		g_string_append_printf(o, "\nFAIL:\n%s", why->str);
	else
		g_string_append_printf(o, "\nPASS (%d column%s)\n", ncols, ncols == 1 ? "" : "s");

	fputs(o->str, stdout);
	if (out && !g_file_set_contents(out, o->str, (gssize)o->len, NULL))
		rc = die_input("%s: cannot write the report", out);
	g_string_free(o, TRUE);
	g_string_free(why, TRUE);
	g_ptr_array_free(r.order, TRUE);
	g_hash_table_destroy(r.conns);
	g_ptr_array_free(sims, TRUE);
	if (rc)
		return rc;
	return fails ? 1 : 0;
}
