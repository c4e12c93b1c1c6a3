// SPDX-License-Identifier: MIT
/*
 * cmd_trace_show_ruleset.c - `flowsim trace show`: the bundle's static/ruleset.json
 * (`nft -j list ruleset` on the router) decoded with traces/nft_json.c: tables, chains and
 * rules the model reads, and every flowtable with its devices and whether it offloads to
 * hardware.
 *
 * Where the dump records a flowtable's flags (newer nftables prints "flags"), they are
 * used; nftables 1.0.6's JSON has no such member, and then the firewall's
 * flow_offloading_hw from the manifest tells (fw4 adds `flags offload` exactly when it is
 * set and every device passed the probe - a fallback to software is not visible then).
 * Decoding is tolerant unless --strict: what the model cannot express is counted.
 */
#include <string.h>

#include "cmd_trace_show_internal.h"
#include "nft_json.h"

#define RULESET_PATH "static/ruleset.json"

static const char *flags_source(const struct nft_json_flowtable *ft, const char *hw_opt)
{
	if (ft->flags_known)
		return "dump";
	return hw_opt ? "flow_offloading_hw" : "unknown";
}

bool trace_show_ruleset(const struct bundle *b, bool strict, GString *s, JsonBuilder *jb,
			struct trace_diags *d)
{
	const char *hw_opt = bundle_manifest_get(b, "flow_offloading_hw");
	struct nft_json_result r;
	const char *text;
	char *name;
	gsize len = 0;
	u32 i, j;
	int rc;

	if (hw_opt && !*hw_opt)
		hw_opt = NULL;
	text = bundle_get(b, RULESET_PATH, &len);
	if (!text) {
		if (s)
			g_string_append(s, "ruleset   none recorded\n");
		if (jb) {
			json_builder_set_member_name(jb, "ruleset");
			json_builder_add_null_value(jb);
		}
		return true;
	}
	name = g_strdup_printf("%s/" RULESET_PATH, b->source);
	nft_json_result_init(&r);
	rc = nft_json_parse_buffer(name, text, len, strict ? TRACE_STRICT : TRACE_TOLERANT,
				   hw_opt && !strcmp(hw_opt, "1") ? NFT_JSON_FT_HW_OFFLOAD : 0, &r,
				   d);
	g_free(name);
	if (s && rc) {
		g_string_append(s, "ruleset   " RULESET_PATH ": not decoded (see the messages)\n");
	} else if (s) {
		g_string_append_printf(s, "ruleset   " RULESET_PATH ": nftables %s, %u table%s, %u "
				       "chains (%u base), %u rules", r.version[0] ? r.version : "?",
				       r.tables, r.tables == 1 ? "" : "s", r.chains, r.base_chains,
				       r.rules);
		if (r.rules_skipped || r.objects_skipped)
			g_string_append_printf(s, "; the model cannot express %u rules and %u "
					       "other objects", r.rules_skipped, r.objects_skipped);
		g_string_append_c(s, '\n');
		for (i = 0; i < r.flowtables->len; i++) {
			const struct nft_json_flowtable *ft =
				&g_array_index(r.flowtables, struct nft_json_flowtable, i);

			g_string_append_printf(s, "flowtable %s %s %s: priority %d, devices",
					       ft->family, ft->table, ft->name, (int)ft->prio);
			for (j = 0; j < ft->num_devices; j++)
				g_string_append_printf(s, " %s", ft->devices[j]);
			if (!ft->num_devices)
				g_string_append(s, " none");
			g_string_append_printf(s, "; %s offload%s", ft->hw_offload ? "hardware" :
					       "software", ft->counter ? ", counter" : "");
			if (!ft->flags_known)
				g_string_append_printf(s, " (no flags in the dump; %s)", hw_opt ?
						       (ft->hw_offload ? "flow_offloading_hw=1" :
							"flow_offloading_hw=0") :
						       "flow_offloading_hw not recorded");
			g_string_append_c(s, '\n');
		}
		if (!r.flowtables->len)
			g_string_append(s, "flowtable none: no offloading\n");
	}
	if (jb) {
		json_builder_set_member_name(jb, "ruleset");
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "file");
		json_builder_add_string_value(jb, RULESET_PATH);
		json_builder_set_member_name(jb, "decoded");
		json_builder_add_boolean_value(jb, rc == 0);
		trace_show_jstr_or_null(jb, "nftables_version", rc || !r.version[0] ? NULL : r.version);
		if (!rc) {
			static const char *const keys[] = {
				"tables", "chains", "base_chains", "rules", "rules_skipped",
				"objects_skipped",
			};
			const u32 vals[] = {
				r.tables, r.chains, r.base_chains, r.rules, r.rules_skipped,
				r.objects_skipped,
			};

			for (i = 0; i < G_N_ELEMENTS(keys); i++) {
				json_builder_set_member_name(jb, keys[i]);
				json_builder_add_int_value(jb, vals[i]);
			}
		}
		json_builder_set_member_name(jb, "flowtables");
		json_builder_begin_array(jb);
		for (i = 0; !rc && i < r.flowtables->len; i++) {
			const struct nft_json_flowtable *ft =
				&g_array_index(r.flowtables, struct nft_json_flowtable, i);

			json_builder_begin_object(jb);
			json_builder_set_member_name(jb, "family");
			json_builder_add_string_value(jb, ft->family);
			json_builder_set_member_name(jb, "table");
			json_builder_add_string_value(jb, ft->table);
			json_builder_set_member_name(jb, "name");
			json_builder_add_string_value(jb, ft->name);
			json_builder_set_member_name(jb, "priority");
			json_builder_add_int_value(jb, ft->prio);
			json_builder_set_member_name(jb, "devices");
			json_builder_begin_array(jb);
			for (j = 0; j < ft->num_devices; j++)
				json_builder_add_string_value(jb, ft->devices[j]);
			json_builder_end_array(jb);
			json_builder_set_member_name(jb, "hw_offload");
			json_builder_add_boolean_value(jb, ft->hw_offload);
			json_builder_set_member_name(jb, "counter");
			json_builder_add_boolean_value(jb, ft->counter);
			json_builder_set_member_name(jb, "flags_from");
			json_builder_add_string_value(jb, flags_source(ft, hw_opt));
			json_builder_end_object(jb);
		}
		json_builder_end_array(jb);
		json_builder_end_object(jb);
	}
	nft_json_result_clear(&r);
	return rc == 0 || !strict;
}
