// SPDX-License-Identifier: MIT
/*
 * scenario_output.c - the scenario's output: section: where results go (SQLite database,
 * JSON), the sampling interval and the table snapshots (conntrack, PPE, nft, flowtable)
 * taken periodically or at given times.
 *
 * Paths are relative to the scenario file; snapshot times are sorted and within the run.
 */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------- output ---- */

static const char *const output_keys[] = {
	"database", "json", "sample_interval", "snapshots", NULL,
};
static const char *const snapshot_keys[] = { "what", "every", "at", NULL };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void scn_load_output(struct scn_loader *l, const struct yu_node *n)
{
	struct scenario *s = l->s;
	struct scn_output *o = &s->output;
	const struct yu_node *v;
	uint32_t i, j;

	o->sample_interval_ns = 100000000ULL;
	if (!n || !yu_expect_map(l->d, n, "output"))
		return;
	yu_check_keys(l->d, n, "output", output_keys);
	v = yu_get(n, "database");
	if (v && yu_expect_scalar(l->d, v, "database"))
		o->database = scn_resolve_path(l, v->text);
	v = yu_get(n, "json");
	if (v && yu_expect_scalar(l->d, v, "json"))
		o->json = scn_resolve_path(l, v->text);
	if (o->database && o->json && !strcmp(o->database, o->json))
		ERR(l, v, "json: the same file as database");
	v = yu_get(n, "sample_interval");
	if (v && yu_duration(l->d, v, "sample_interval", &o->sample_interval_ns) &&
	    (o->sample_interval_ns < 1000000ULL ||
	     (s->duration_ns && o->sample_interval_ns > s->duration_ns)))
		ERR(l, v, "sample_interval: %s is outside 1ms..duration", v->text);
	v = yu_get(n, "snapshots");
	if (!v || !yu_expect_seq(l->d, v, "snapshots"))
		return;
	for (i = 0; i < v->n_items; i++) {
		const struct yu_node *sn = v->items[i], *x;
		struct scn_snapshot *snap;
		int what;

		if (!yu_expect_map(l->d, sn, "snapshots[]"))
			continue;
		if (o->n_snapshots >= SCN_MAX_SNAPSHOTS) {
			ERR(l, sn, "snapshots: at most %d", SCN_MAX_SNAPSHOTS);
			break;
		}
		yu_check_keys(l->d, sn, "snapshot", snapshot_keys);
		x = yu_require(l->d, sn, "snapshot", "what");
		if (!x || !yu_enum(l->d, x, "what", scn_snapshot_names, &what))
			continue;
		snap = &o->snapshots[o->n_snapshots];
		snap->what = (uint8_t)what;
		for (j = 0; j < o->n_snapshots; j++)
			if (o->snapshots[j].what == what)
				ERR(l, x, "what: %s snapshots are already configured", x->text);
		x = yu_get(sn, "every");
		if (x && yu_duration(l->d, x, "every", &snap->every_ns) &&
		    (snap->every_ns < 1000000ULL ||
		     (s->duration_ns && snap->every_ns > s->duration_ns)))
			ERR(l, x, "every: %s is outside 1ms..duration", x->text);
		x = yu_get(sn, "at");
		if (x && yu_expect_seq(l->d, x, "at")) {
			snap->at_ns = g_new0(uint64_t, x->n_items + 1);
			for (j = 0; j < x->n_items; j++) {
				uint64_t t;

				if (!yu_duration(l->d, x->items[j], "at", &t))
					continue;
				if (s->duration_ns && t > s->duration_ns) {
					ERR(l, x->items[j], "at: %s is after the end of the run",
					    x->items[j]->text);
					continue;
				}
				snap->at_ns[snap->n_at++] = t;
			}
			qsort(snap->at_ns, snap->n_at, sizeof(uint64_t), cmp_u64);
		}
		if (!yu_get(sn, "every") && !yu_get(sn, "at"))
			ERR(l, sn, "snapshot: give 'every' or 'at' (or both)");
		o->n_snapshots++;
	}
}
