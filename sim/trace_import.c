// SPDX-License-Identifier: MIT
/*
 * trace_import.c - a trace bundle as one run of the results database (contract in
 * trace_import.h; used by `flowsim trace import` and `flowsim compare`).
 *
 * The run: engine "bundle", runs.scenario_path = the bundle's absolute path,
 * runs.scenario_text = its manifest, runs.duration_ns = the time of the last sample,
 * runs.summary_json = what it held;
 *   timeseries at each sample's time (ns since the first sample), named as the simulator
 *   names its own samples where they mean the same thing (sim/run.c):
 *     conntrack/entries, conntrack/<unreplied|slow|assured|offload|hw_offload>,
 *     conntrack_tcp/<STATE>, flowtable/flows (= offload + hw_offload),
 *     ppe_bound/<ppe>, ppe_unbound/<ppe>, ppe_fin/<ppe>, ppe_orphan_bound/<ppe>
 *     (<ppe> = the debugfs directory; the old single-PPE "mtk_ppe" is stored as ppe0),
 *     cpu_pct/<cpuN>, cpu_pct/cpu (all CPUs), cpu_softirq_pct/<cpuN|cpu>
 *     (per interval, at the time of the interval's later sample);
 *   events at the first sample where a connection was seen in a state (ct_new, ct_assured,
 *     ct_offload, ct_hw_offload, ct_hw_offload_clear, ct_destroy: the core's event names,
 *     at sample resolution), orig/reply as conntrack-style tuple text;
 *   traces: every file of the bundle (kind = what it is, name = its path in the bundle).
 */
#include "trace_import.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "conntrack.h"

/* What a bundle file is, for traces.kind */
static const char *file_kind(const char *path)
{
	static const struct {
		const char *suffix, *kind;
	} kinds[] = {
		{ "/nf_conntrack", "conntrack" },      /* = TRACEDIR_KIND_CONNTRACK */
		{ "/conntrack", "conntrack_l" },
		{ "/conntrack.stderr", "conntrack_l_stderr" },
		{ "/entries", "ppe_entries" },         /* = TRACEDIR_KIND_PPE_ENTRIES */
		{ "/bind", "ppe_bind" },               /* = TRACEDIR_KIND_PPE_BIND */
		{ "/stat", "proc_stat" },
		{ "/time", "sample_time" },
		{ "static/uname", "uname" },
		{ "static/openwrt_release", "openwrt_release" },
		{ "static/cpuinfo", "cpuinfo" },
		{ "static/version", "proc_version" },
		{ "static/firewall.uci", "uci_firewall" },
		{ "static/ruleset.json", "nft_json" },
		{ "static/wed_enable", "wed_enable" },
		{ "static/sysctl", "sysctl" },
		{ "manifest", "manifest" },
		{ "collect.log", "collect_log" },
	};
	gsize len = strlen(path);
	guint i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
		gsize sl = strlen(kinds[i].suffix);

		if (len >= sl && !strcmp(path + len - sl, kinds[i].suffix) &&
		    (kinds[i].suffix[0] == '/' ? !strncmp(path, "samples/", 8) : len == sl))
			return kinds[i].kind;
	}
	return "other";
}

static uint64_t t_ns(double t)
{
	return t <= 0 ? 0 : (uint64_t)llround(t * 1e9);
}

/* The PPE key of the timeseries: the debugfs directory, with the pre-6.1 name as ppe0 */
static const char *ppe_key(const char *dir)
{
	return strcmp(dir, "mtk_ppe") ? dir : "ppe0";
}

static void import_samples(struct results *r, const struct bundle_timeline *tl)
{
	static const char *const ct_keys[BF__COUNT] = {
		[BF_UNREPLIED] = "unreplied", [BF_SLOW] = "slow", [BF_ASSURED] = "assured",
		[BF_OFFLOAD] = "offload", [BF_HW_OFFLOAD] = "hw_offload",
	};
	guint i, j;

	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);
		uint64_t t = t_ns(pt->t);

		if (pt->ct.present) {
			results_sample(r, t, "conntrack", "entries", pt->ct.entries);
			for (j = BF_UNREPLIED; j < BF__COUNT; j++)
				results_sample(r, t, "conntrack", ct_keys[j], pt->ct.by_state[j]);
			results_sample(r, t, "flowtable", "flows",
				       pt->ct.by_state[BF_OFFLOAD] + pt->ct.by_state[BF_HW_OFFLOAD]);
			for (j = 0; j < BUNDLE_TCP_STATES; j++)
				if (pt->ct.tcp_state[j])
					results_sample(r, t, "conntrack_tcp",
						       conntrack_tcp_state_name((u8)j),
						       pt->ct.tcp_state[j]);
		}
		for (j = 0; j < pt->ppe->len; j++) {
			const struct bundle_ppe_occ *oc = &g_array_index(pt->ppe,
									 struct bundle_ppe_occ, j);
			const char *k = ppe_key(oc->dir);

			if (!oc->has_entries && !oc->has_bind)
				continue;
			results_sample(r, t, "ppe_bound", k, oc->state[PPE_STATE_BIND]);
			if (oc->has_entries) {
				results_sample(r, t, "ppe_unbound", k, oc->state[PPE_STATE_UNBIND]);
				results_sample(r, t, "ppe_fin", k, oc->state[PPE_STATE_FIN]);
			}
			if (pt->ct.present)
				results_sample(r, t, "ppe_orphan_bound", k, oc->bound_orphan);
		}
		if (!pt->has_cpu)
			continue;
		for (j = 0; j < pt->cpu->len; j++) {
			const struct bundle_cpu_load *c = &g_array_index(pt->cpu,
									 struct bundle_cpu_load, j);
			char key[24];

			if (!c->valid)
				continue;
			if (c->cpu == PROC_STAT_AGGREGATE)
				g_strlcpy(key, "cpu", sizeof(key));
			else
				g_snprintf(key, sizeof(key), "cpu%d", c->cpu);
			results_sample(r, t, "cpu_pct", key, c->busy_pct);
			results_sample(r, t, "cpu_softirq_pct", key, c->softirq_pct);
		}
	}
}

/* The tuple as results_record_event() prints it, or the bundle's text when redacted */
static char *event_tuple(const struct bundle_flow *f, bool reply)
{
	char buf[160];

	if (f->has_tuple) {
		results_tuple_text(reply ? &f->reply_tuple : &f->orig_tuple, buf, sizeof(buf));
		return g_strdup(buf);
	}
	return g_strdup(reply ? f->reply : f->key);
}

static void import_flow_events(struct results *r, const struct bundle_timeline *tl)
{
	guint i, p;

	for (i = 0; i < tl->flows->len; i++) {
		const struct bundle_flow *f = g_ptr_array_index(tl->flows, i);
		char *o = event_tuple(f, false), *rp = event_tuple(f, true);
		u8 prev = BF_ABSENT;

		for (p = 0; p < tl->points->len; p++) {
			uint64_t t = t_ns(g_array_index(tl->points, struct bundle_point, p).t);
			u8 st = f->state[p];

			if (st == prev)
				continue;
			if (prev == BF_ABSENT)
				results_event(r, t, "ct_new", 0, 0, o, rp);
			if (st == BF_ABSENT)
				results_event(r, t, "ct_destroy", 0, 0, o, rp);
			else if (st == BF_ASSURED && prev < BF_ASSURED)
				results_event(r, t, "ct_assured", 0, 0, o, rp);
			else if (st == BF_OFFLOAD && prev != BF_HW_OFFLOAD)
				results_event(r, t, "ct_offload", 0, 0, o, rp);
			else if (st == BF_HW_OFFLOAD)
				results_event(r, t, "ct_hw_offload", 0, 0, o, rp);
			if (prev == BF_HW_OFFLOAD && st != BF_ABSENT)
				results_event(r, t, "ct_hw_offload_clear", 0, 0, o, rp);
			prev = st;
		}
		g_free(o);
		g_free(rp);
	}
}

static void import_traces(struct results *r, const struct bundle *b)
{
	guint i, j;

	for (i = 0; i < b->paths->len; i++) {
		const char *p = g_ptr_array_index(b->paths, i);
		const char *text = bundle_get(b, p, NULL);
		uint64_t t = 0;

		/* a sample's files carry its time; one-off records time 0 */
		for (j = 0; j < b->samples->len; j++) {
			const struct bundle_sample *s = &g_array_index(b->samples,
								       struct bundle_sample, j);
			gsize dl = strlen(s->dir);

			if (!strncmp(p, s->dir, dl) && p[dl] == '/') {
				t = t_ns(s->t);
				break;
			}
		}
		results_trace(r, t, file_kind(p), p, text);
	}
}

static char *summary_json(const struct bundle *b, const struct bundle_timeline *tl)
{
	JsonBuilder *jb = json_builder_new();
	JsonGenerator *gen = json_generator_new();
	JsonNode *root;
	u32 max_ct = 0, max_bound = 0, max_off = 0, max_orphan = 0;
	double max_cpu = 0;
	char *out;
	guint i, j;
	static const char *const keys[] = {
		"device", "soc", "kernel", "openwrt_release", "openwrt_revision",
		"flow_offloading", "flow_offloading_hw", "wed_enable", "start_utc",
	};

	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);
		u32 bound = 0, orphan = 0;

		max_ct = MAX(max_ct, pt->ct.entries);
		max_off = MAX(max_off, pt->ct.by_state[BF_OFFLOAD] + pt->ct.by_state[BF_HW_OFFLOAD]);
		for (j = 0; j < pt->ppe->len; j++) {
			bound += g_array_index(pt->ppe, struct bundle_ppe_occ, j).state[PPE_STATE_BIND];
			orphan += g_array_index(pt->ppe, struct bundle_ppe_occ, j).bound_orphan;
		}
		max_bound = MAX(max_bound, bound);
		max_orphan = MAX(max_orphan, orphan);
		for (j = 0; pt->has_cpu && j < pt->cpu->len; j++) {
			const struct bundle_cpu_load *c = &g_array_index(pt->cpu,
									 struct bundle_cpu_load, j);

			if (c->valid && c->cpu == PROC_STAT_AGGREGATE)
				max_cpu = MAX(max_cpu, c->busy_pct);
		}
	}
	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "bundle");
	json_builder_add_string_value(jb, b->source);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *v = bundle_manifest_get(b, keys[i]);

		json_builder_set_member_name(jb, keys[i]);
		if (v && *v)
			json_builder_add_string_value(jb, v);
		else
			json_builder_add_null_value(jb);
	}
	json_builder_set_member_name(jb, "complete");
	json_builder_add_boolean_value(jb, b->complete);
	json_builder_set_member_name(jb, "interval_s");
	json_builder_add_int_value(jb, b->interval);
	json_builder_set_member_name(jb, "samples");
	json_builder_add_int_value(jb, b->samples->len);
	json_builder_set_member_name(jb, "connections");
	json_builder_add_int_value(jb, tl->flows->len);
	json_builder_set_member_name(jb, "conntrack_max");
	json_builder_add_int_value(jb, max_ct);
	json_builder_set_member_name(jb, "offloaded_max");
	json_builder_add_int_value(jb, max_off);
	json_builder_set_member_name(jb, "ppe_bound_max");
	json_builder_add_int_value(jb, max_bound);
	json_builder_set_member_name(jb, "ppe_orphan_bound_max");
	json_builder_add_int_value(jb, max_orphan);
	json_builder_set_member_name(jb, "cpu_max_pct");
	json_builder_add_double_value(jb, max_cpu);
	json_builder_set_member_name(jb, "warnings");
	json_builder_add_int_value(jb, trace_diags_count(&b->diags, TRACE_WARNING) +
					   trace_diags_count(&tl->diags, TRACE_WARNING));
	json_builder_end_object(jb);
	root = json_builder_get_root(jb);
	json_generator_set_root(gen, root);
	out = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(jb);
	return out;
}

gint64 trace_import_decoded(struct results *db, const char *path, const struct bundle *b,
			    const struct bundle_timeline *tl, GError **error)
{
	char *summary, *abs;
	double last;
	gint64 run;

	last = b->samples->len ?
		       g_array_index(b->samples, struct bundle_sample, b->samples->len - 1).t : 0;
	/* the run names its bundle by absolute path: the database outlives the cwd */
	abs = g_canonicalize_filename(path, NULL);
	if (!results_begin_run(db, abs, b->manifest_text, 0, t_ns(last), "bundle", error)) {
		g_free(abs);
		return -1;
	}
	g_free(abs);
	import_samples(db, tl);
	import_flow_events(db, tl);
	import_traces(db, b);
	summary = summary_json(b, tl);
	run = results_run_id(db);
	if (!results_finish_run(db, summary, error))
		run = -1;
	g_free(summary);
	return run;
}

static void append_diags(struct trace_diags *to, const struct trace_diags *from)
{
	u32 i;

	for (i = 0; to && i < trace_diags_len(from); i++) {
		const struct trace_diag *d = trace_diags_get(from, i);

		trace_diags_add(to, d->severity, d->file, d->line, d->column, "%s", d->message);
	}
}

gint64 trace_import_bundle(const char *path, struct results *db,
			   const struct bundle_decode_opts *opts, struct trace_diags *diags,
			   GError **error)
{
	struct bundle_decode_opts defaults;
	struct bundle_timeline *tl;
	struct bundle *b;
	gint64 run = -1;

	memset(&defaults, 0, sizeof(defaults));
	b = bundle_open(path, error);
	if (!b)
		return -1;
	tl = bundle_decode(b, opts ? opts : &defaults, error);
	if (tl) {
		append_diags(diags, &b->diags);
		append_diags(diags, &tl->diags);
		run = trace_import_decoded(db, path, b, tl, error);
	}
	bundle_timeline_free(tl);
	bundle_free(b);
	return run;
}
