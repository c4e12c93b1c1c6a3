/* SPDX-License-Identifier: MIT */
/*
 * nft_json_objects.c - pass 4 of the `nft -j` reader: the "nftables" array sorted into
 * struct nj_obj (tables, chains, rules, flowtables, counters, ct helpers, sets and maps),
 * each with its family, table and name checked, and metainfo read into the result.
 *
 * nftables lists chains, objects, sets, flowtables and then all rules, table by table, so
 * rules may come long after their chain: objects are only collected here, the text is
 * written later (nft_json_emit.c).
 *
 * Invariants: every collected object but a table has table_obj set to a table collected
 * before it; a table is collected once per family and name; named sets and maps are indexed
 * in ctx.sets by "family\ttable\tname" for the rule translator to inline.
 */
#include "nft_json_internal.h"

#include <string.h>

static const char *const kind_names[] = {
	[NK_TABLE] = "table", [NK_CHAIN] = "chain", [NK_RULE] = "rule",
	[NK_FLOWTABLE] = "flowtable", [NK_COUNTER] = "counter", [NK_HELPER] = "ct helper",
	[NK_SET] = "set", [NK_META] = "metainfo", [NK_OTHER] = "object",
};

const char *nj_kind_name(u8 kind)
{
	return kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "object";
}

static bool family_ok(const char *f)
{
	static const char *const fams[] = { "ip", "ip6", "inet", "netdev", "arp", "bridge" };
	size_t i;

	for (i = 0; f && i < G_N_ELEMENTS(fams); i++)
		if (!strcmp(f, fams[i]))
			return true;
	return false;
}

void nj_obj_path(const struct nj_obj *o, char *buf, size_t size)
{
	g_snprintf(buf, size, "nftables[%u].%s", o->index, nj_kind_name(o->kind));
}

/* family/table/name of an object; false after a problem */
static bool obj_names(struct nj_state *s, struct nj_obj *o, bool need_name)
{
	char path[64];
	const char *field = o->kind == NK_TABLE ? "name" : "table";

	nj_obj_path(o, path, sizeof(path));
	o->family = trace_json_str_member(o->body, "family");
	if (!family_ok(o->family))
		return nj_problem(&s->c, o->node, path, "family: expected ip, ip6, inet, netdev, "
				  "arp or bridge");
	if (o->kind == NK_TABLE) {
		o->table = trace_json_str_member(o->body, "name");
		o->name = o->table;
	} else {
		o->table = trace_json_str_member(o->body, "table");
		o->name = trace_json_str_member(o->body, o->kind == NK_RULE ? "chain" : "name");
	}
	if (!o->table || !nj_plain_name(o->table))
		return nj_problem(&s->c, o->node, path, "%s: expected a table name (letters, "
				  "digits, '_', '.', '-')", field);
	if (need_name && (!o->name || !*o->name || strlen(o->name) >= 64))
		return nj_problem(&s->c, o->node, path, "%s: expected a name of 1 to 63 "
				  "characters", o->kind == NK_RULE ? "chain" : "name");
	return true;
}

static int find_table(struct nj_state *s, const char *family, const char *table)
{
	u32 i;

	for (i = 0; i < s->objs->len; i++) {
		const struct nj_obj *t = &g_array_index(s->objs, struct nj_obj, i);

		if (t->kind == NK_TABLE && !strcmp(t->family, family) && !strcmp(t->table, table))
			return (int)i;
	}
	return -1;
}

static void meta_info(struct nj_state *s, struct nft_json_result *r, struct nj_obj *o)
{
	JsonNode *v = json_object_get_member(o->body, "json_schema_version");
	const char *ver = trace_json_str_member(o->body, "version");
	char path[64];

	nj_obj_path(o, path, sizeof(path));
	if (ver)
		g_strlcpy(r->version, ver, sizeof(r->version));
	if (v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64 &&
	    json_node_get_int(v) >= 0 && json_node_get_int(v) <= 0xffff) {
		r->schema_version = (u32)json_node_get_int(v);
		if (r->schema_version > 1)
			nj_problem(&s->c, v, path, "json_schema_version %u is newer than the "
				   "version 1 this reader knows", r->schema_version);
	} else if (v) {
		nj_problem(&s->c, v, path, "json_schema_version: expected a number");
	}
}

/* Sort the nftables array into objects; false after a strict-mode problem. */
bool nj_collect(struct nj_state *s, JsonArray *arr, struct nft_json_result *r)
{
	u32 i, n = json_array_get_length(arr);

	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(arr, i), *val = NULL;
		JsonObject *eo = JSON_NODE_HOLDS_OBJECT(e) ? json_node_get_object(e) : NULL;
		struct nj_obj o = { .index = i, .table_obj = -1 };
		const char *k = NULL;
		char path[64];
		GList *m;

		g_snprintf(path, sizeof(path), "nftables[%u]", i);
		if (eo && json_object_get_size(eo) == 1) {
			m = json_object_get_members(eo);
			k = m->data;
			g_list_free(m);
			val = json_object_get_member(eo, k);
		}
		if (!k || !JSON_NODE_HOLDS_OBJECT(val)) {
			nj_problem(&s->c, e, path, "expected an object with one member (table, chain, "
				   "rule, set, map, flowtable, counter, ct helper, ...) holding an "
				   "object");
			if (s->c.j.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		o.node = val;
		o.body = json_node_get_object(val);
		if (!strcmp(k, "metainfo"))
			o.kind = NK_META;
		else if (!strcmp(k, "table"))
			o.kind = NK_TABLE;
		else if (!strcmp(k, "chain"))
			o.kind = NK_CHAIN;
		else if (!strcmp(k, "rule"))
			o.kind = NK_RULE;
		else if (!strcmp(k, "flowtable"))
			o.kind = NK_FLOWTABLE;
		else if (!strcmp(k, "counter"))
			o.kind = NK_COUNTER;
		else if (!strcmp(k, "ct helper"))
			o.kind = NK_HELPER;
		else if (!strcmp(k, "set") || !strcmp(k, "map"))
			o.kind = NK_SET;
		else
			o.kind = NK_OTHER;
		if (o.kind == NK_META) {
			meta_info(s, r, &o);
			if (s->c.j.failed)
				return false;
			continue;
		}
		if (o.kind == NK_OTHER) {
			char q[64];

			trace_quote(q, sizeof(q), k, strlen(k), 40);
			nj_problem(&s->c, e, path, "\"%s\" objects are not modelled: expected table, "
				   "chain, rule, set, map, flowtable, counter or ct helper", q);
			if (s->c.j.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		if (!obj_names(s, &o, o.kind != NK_TABLE)) {
			if (s->c.j.failed)
				return false;
			r->objects_skipped++;
			continue;
		}
		if (o.kind != NK_TABLE) {
			o.table_obj = find_table(s, o.family, o.table);
			if (o.table_obj < 0) {
				nj_obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is not declared before it "
					   "(expected a {\"table\": ...} object first)", o.family,
					   o.table);
				if (s->c.j.failed)
					return false;
				r->objects_skipped++;
				continue;
			}
		} else {
			JsonNode *fl = json_object_get_member(o.body, "flags");
			bool dormant = false;

			if (fl && JSON_NODE_HOLDS_ARRAY(fl)) {
				JsonArray *fa = json_node_get_array(fl);
				u32 j;

				for (j = 0; j < json_array_get_length(fa); j++) {
					JsonNode *f = json_array_get_element(fa, j);

					dormant |= JSON_NODE_HOLDS_VALUE(f) &&
						   json_node_get_value_type(f) == G_TYPE_STRING &&
						   !strcmp(json_node_get_string(f), "dormant");
				}
			}
			if (dormant) {
				nj_obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is dormant (flags "
					   "\"dormant\"): the model has no dormant tables", o.family,
					   o.table);
				if (s->c.j.failed)
					return false;
				o.skip = true;
			}
			if (find_table(s, o.family, o.table) >= 0) {
				nj_obj_path(&o, path, sizeof(path));
				nj_problem(&s->c, o.node, path, "table %s %s is listed twice", o.family,
					   o.table);
				if (s->c.j.failed)
					return false;
				r->objects_skipped++;
				continue;
			}
		}
		if (o.kind == NK_SET) {
			g_hash_table_insert(s->c.sets,
					    g_strdup_printf("%s\t%s\t%s", o.family, o.table, o.name),
					    o.body);
			r->sets++;
		}
		g_array_append_val(s->objs, o);
	}
	return true;
}
