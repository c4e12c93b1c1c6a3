// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show_json.c - `flowsim trace show --json`: the JSON helpers every part of the
 * command uses, and a bundle's manifest, samples and connections as JSON (the document is
 * described in docs/trace-bundle.md).
 */
#include <string.h>

#include "cmd_trace_show_internal.h"

/* ------------------------------------------------------------------- JSON out ---- */

void trace_show_emit_json(JsonBuilder *jb)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(jb);
	char *text;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	printf("%s\n", text);
	g_free(text);
	json_node_unref(root);
	g_object_unref(gen);
}

void trace_show_jstr_or_null(JsonBuilder *jb, const char *key, const char *v)
{
	json_builder_set_member_name(jb, key);
	if (v && *v)
		json_builder_add_string_value(jb, v);
	else
		json_builder_add_null_value(jb);
}

void trace_show_jdouble(JsonBuilder *jb, const char *key, double v)
{
	json_builder_set_member_name(jb, key);
	json_builder_add_double_value(jb, v);
}

/* ------------------------------------------------------------ bundle: JSON ---- */

void trace_show_json_manifest(JsonBuilder *jb, const struct bundle *b)
{
	guint i;

	json_builder_set_member_name(jb, "manifest");
	json_builder_begin_object(jb);
	for (i = 0; i < b->manifest->len; i++) {
		const struct bundle_kv *kv = &g_array_index(b->manifest, struct bundle_kv, i);

		jb_member_str(jb, kv->key, kv->value);
	}
	json_builder_end_object(jb);
}

void trace_show_json_point(JsonBuilder *jb, const struct bundle *b, const struct bundle_timeline *tl,
		       guint i)
{
	const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);
	const struct bundle_sample *sm = &g_array_index(b->samples, struct bundle_sample, i);
	guint j;

	jb_member_int(jb, "seq", pt->seq);
	trace_show_jdouble(jb, "t", pt->t);
	json_builder_set_member_name(jb, "unix");
	if (sm->has_unix)
		json_builder_add_int_value(jb, sm->unix_time);
	else
		json_builder_add_null_value(jb);
	json_builder_set_member_name(jb, "uptime");
	if (sm->has_uptime)
		json_builder_add_double_value(jb, (double)sm->uptime_cs / 100.0);
	else
		json_builder_add_null_value(jb);

	json_builder_set_member_name(jb, "conntrack");
	if (!pt->ct.present) {
		json_builder_add_null_value(jb);
	} else {
		json_builder_begin_object(jb);
		jb_member_str(jb, "source", pt->ct.source);
		jb_member_int(jb, "entries", pt->ct.entries);
		for (j = BF_UNREPLIED; j < BF__COUNT; j++)
			jb_member_int(jb, bundle_flow_state_name(j), pt->ct.by_state[j]);
		jb_member_int(jb, "tcp", pt->ct.tcp);
		jb_member_int(jb, "udp", pt->ct.udp);
		jb_member_int(jb, "icmp", pt->ct.icmp);
		jb_member_int(jb, "other", pt->ct.other);
		json_builder_set_member_name(jb, "tcp_states");
		json_builder_begin_object(jb);
		for (j = 0; j < BUNDLE_TCP_STATES; j++)
			if (pt->ct.tcp_state[j])
				jb_member_int(jb, conntrack_tcp_state_name((u8)j), pt->ct.tcp_state[j]);
		json_builder_end_object(jb);
		jb_member_int(jb, "malformed", pt->ct.bad);
		json_builder_end_object(jb);
	}

	json_builder_set_member_name(jb, "ppe");
	json_builder_begin_array(jb);
	for (j = 0; j < pt->ppe->len; j++) {
		const struct bundle_ppe_occ *oc = &g_array_index(pt->ppe, struct bundle_ppe_occ, j);

		json_builder_begin_object(jb);
		jb_member_str(jb, "dir", oc->dir);
		jb_member_bool(jb, "has_entries", oc->has_entries);
		jb_member_bool(jb, "has_bind", oc->has_bind);
		jb_member_int(jb, "entries", oc->entries);
		jb_member_int(jb, "bound", oc->state[PPE_STATE_BIND]);
		jb_member_int(jb, "unbound", oc->state[PPE_STATE_UNBIND]);
		jb_member_int(jb, "fin", oc->state[PPE_STATE_FIN]);
		jb_member_int(jb, "bind_lines", oc->bind_lines);
		jb_member_int(jb, "ipv4", oc->ipv4);
		jb_member_int(jb, "ipv6", oc->ipv6);
		jb_member_int(jb, "other", oc->other);
		jb_member_int(jb, "max_index", oc->max_index);
		jb_member_int(jb, "bound_matched", oc->bound_matched);
		json_builder_set_member_name(jb, "bound_orphan");
		if (pt->ct.present)
			json_builder_add_int_value(jb, oc->bound_orphan);
		else
			json_builder_add_null_value(jb);
		jb_member_int(jb, "malformed", oc->bad);
		json_builder_set_member_name(jb, "occupancy_pct");
		if (tl->table_size && oc->has_entries)
			json_builder_add_double_value(jb, 100.0 * oc->entries / tl->table_size);
		else
			json_builder_add_null_value(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);

	json_builder_set_member_name(jb, "cpu");
	if (!pt->has_cpu) {
		json_builder_add_null_value(jb);
	} else {
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "seconds");
		if (pt->cpu_seconds > 0)
			json_builder_add_double_value(jb, pt->cpu_seconds);
		else
			json_builder_add_null_value(jb);
		json_builder_set_member_name(jb, "cpus");
		json_builder_begin_array(jb);
		for (j = 0; j < pt->cpu->len; j++) {
			const struct bundle_cpu_load *c = &g_array_index(pt->cpu,
									 struct bundle_cpu_load, j);
			char name[24];

			if (c->cpu == PROC_STAT_AGGREGATE)
				g_strlcpy(name, "cpu", sizeof(name));
			else
				g_snprintf(name, sizeof(name), "cpu%d", c->cpu);
			json_builder_begin_object(jb);
			jb_member_str(jb, "cpu", name);
			jb_member_bool(jb, "valid", c->valid);
			if (c->valid) {
				trace_show_jdouble(jb, "busy_pct", c->busy_pct);
				trace_show_jdouble(jb, "softirq_pct", c->softirq_pct);
				trace_show_jdouble(jb, "irq_pct", c->irq_pct);
				trace_show_jdouble(jb, "system_pct", c->system_pct);
				trace_show_jdouble(jb, "user_pct", c->user_pct);
			}
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
}

void trace_show_json_flows(JsonBuilder *jb, const struct bundle_timeline *tl)
{
	guint i, p;

	json_builder_set_member_name(jb, "connections");
	json_builder_begin_array(jb);
	for (i = 0; i < tl->flows->len; i++) {
		const struct bundle_flow *f = g_ptr_array_index(tl->flows, i);

		json_builder_begin_object(jb);
		jb_member_str(jb, "key", f->key);
		jb_member_str(jb, "reply", f->reply);
		jb_member_int(jb, "l4_num", f->l4num);
		jb_member_int(jb, "first_seq", g_array_index(tl->points, struct bundle_point,
							      f->first).seq);
		jb_member_int(jb, "last_seq", g_array_index(tl->points, struct bundle_point,
							     f->last).seq);
		json_builder_set_member_name(jb, "state");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_string_value(jb, bundle_flow_state_name(f->state[p]));
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "tcp_state");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++) {
			if (f->tcp_state[p] < TCP_CT_MAX)
				json_builder_add_string_value(jb,
					conntrack_tcp_state_name(f->tcp_state[p]));
			else
				json_builder_add_null_value(jb);
		}
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "ppe_bound");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_int_value(jb, f->ppe_bound[p]);
		json_builder_end_array(jb);
		json_builder_set_member_name(jb, "ppe_unbound");
		json_builder_begin_array(jb);
		for (p = 0; p < tl->points->len; p++)
			json_builder_add_int_value(jb, f->ppe_unbound[p]);
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);
}
