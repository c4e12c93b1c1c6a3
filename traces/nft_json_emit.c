/* SPDX-License-Identifier: MIT */
/*
 * nft_json_emit.c - pass 5 of the `nft -j` reader: nft text.  Every rule is translated once
 * (nft_json_stmt.c); the script is then assembled table by table - named counters, ct
 * helpers and flowtables first, then the chains with their rules - as often as the check
 * against the core (nft_json.c) leaves objects out.
 *
 * Invariants: s->lines has one entry per line of s->script, naming the object the line
 * came from (and, for a rule, the columns before its statements), so an error the core
 * reports at line:column maps back to a JSON path; an object marked skip is never written;
 * device names, chain and object names are checked before they reach the text.
 */
#include "nft_json_internal.h"

#include <string.h>

/* ----------------------------------------------------------------- assembly ---- */

static void add_line(struct nj_state *s, u32 obj, u32 prefix)
{
	struct nj_line l = { .obj = obj, .prefix = prefix };

	g_array_append_val(s->lines, l);
}

/* Append text that may hold several lines, all attributed to obj. */
static void emit(struct nj_state *s, u32 obj, const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (*p == '\n')
			add_line(s, obj, 0);
	g_string_append(s->script, text);
}

static bool int_member(JsonObject *o, const char *name, gint64 lo, gint64 hi, gint64 *out)
{
	JsonNode *n = json_object_get_member(o, name);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
	    json_node_get_int(n) < lo || json_node_get_int(n) > hi)
		return false;
	*out = json_node_get_int(n);
	return true;
}

/* Devices: a string or an array of strings, appended as { "a", "b" }; -1 on a problem. */
static int put_devices(struct nj_state *s, struct nj_obj *o, JsonNode *dev, GString *out,
		       char (*names)[16], u32 max)
{
	char path[64];
	u32 i, n = 1;
	JsonArray *a = NULL;

	nj_obj_path(o, path, sizeof(path));
	if (JSON_NODE_HOLDS_ARRAY(dev)) {
		a = json_node_get_array(dev);
		n = json_array_get_length(a);
	}
	if (!n || n > max) {
		nj_problem(&s->c, dev, path, "dev: expected 1 to %u device names", max);
		return -1;
	}
	g_string_append(out, "{ ");
	for (i = 0; i < n; i++) {
		JsonNode *e = a ? json_array_get_element(a, i) : dev;
		const char *d = JSON_NODE_HOLDS_VALUE(e) &&
				json_node_get_value_type(e) == G_TYPE_STRING ?
				json_node_get_string(e) : NULL;
		size_t j;

		if (!d || !*d || strlen(d) >= 16) {
			nj_problem(&s->c, e, path, "dev: expected a device name of 1 to 15 "
				   "characters");
			return -1;
		}
		for (j = 0; d[j]; j++) {
			if ((unsigned char)d[j] < 0x20 || d[j] == '"' || d[j] == '\\') {
				nj_problem(&s->c, e, path, "dev: unexpected character in a device "
					   "name");
				return -1;
			}
		}
		if (names)
			g_strlcpy(names[i], d, 16);
		g_string_append_printf(out, "%s\"%s\"", i ? ", " : "", d);
	}
	g_string_append(out, " }");
	return (int)n;
}

static bool put_chain(struct nj_state *s, u32 oi, GString *out)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	const char *type = trace_json_str_member(o->body, "type"), *hook = trace_json_str_member(o->body, "hook");
	const char *policy = trace_json_str_member(o->body, "policy");
	JsonNode *dev = json_object_get_member(o->body, "dev");
	char path[64];
	gint64 prio;

	nj_obj_path(o, path, sizeof(path));
	g_string_append(out, "\tchain ");
	if (!nj_put_name(out, o->name))
		return nj_problem(&s->c, o->node, path, "name: expected a chain name without "
				  "quotes or control characters");
	g_string_append(out, " {\n");
	if (!hook && !type)
		return true;
	if (!type || !hook || !nj_plain_name(type) || !nj_plain_name(hook))
		return nj_problem(&s->c, o->node, path, "a base chain needs \"type\" and \"hook\" "
				  "(names)");
	if (!int_member(o->body, "prio", -0x7fffffff, 0x7fffffff, &prio))
		return nj_problem(&s->c, o->node, path, "prio: expected a number");
	g_string_append_printf(out, "\t\ttype %s hook %s", type, hook);
	if (dev) {
		g_string_append(out, " devices = ");
		if (put_devices(s, o, dev, out, NULL, 8) < 0)
			return false;
	} else if (!strcmp(o->family, "netdev")) {
		return nj_problem(&s->c, o->node, path, "netdev base chain without \"dev\": the "
				  "dump does not say which device it hooks (nftables 1.0.6 leaves "
				  "it out of its JSON)");
	}
	g_string_append_printf(out, " priority %" G_GINT64_FORMAT ";", prio);
	if (policy) {
		if (strcmp(policy, "accept") && strcmp(policy, "drop"))
			return nj_problem(&s->c, o->node, path, "policy: expected accept or drop");
		g_string_append_printf(out, " policy %s;", policy);
	}
	g_string_append_c(out, '\n');
	return true;
}

static bool put_flowtable(struct nj_state *s, u32 oi, GString *out,
			  struct nft_json_flowtable *ft)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	const char *hook = trace_json_str_member(o->body, "hook");
	JsonNode *dev = json_object_get_member(o->body, "dev");
	JsonNode *flags = json_object_get_member(o->body, "flags");
	char path[64];
	gint64 prio = 0;
	int nd;

	nj_obj_path(o, path, sizeof(path));
	memset(ft, 0, sizeof(*ft));
	g_strlcpy(ft->family, o->family, sizeof(ft->family));
	g_strlcpy(ft->table, o->table, sizeof(ft->table));
	g_strlcpy(ft->name, o->name, sizeof(ft->name));
	if (!nj_plain_name(o->name) || strlen(o->name) >= 32)
		return nj_problem(&s->c, o->node, path, "name: expected a flowtable name of up to "
				  "31 letters, digits, '_', '.', '-'");
	if (hook && strcmp(hook, "ingress"))
		return nj_problem(&s->c, o->node, path, "hook: expected \"ingress\" (flowtables "
				  "only hook ingress)");
	if (json_object_has_member(o->body, "prio") &&
	    !int_member(o->body, "prio", -0x7fffffff, 0x7fffffff, &prio))
		return nj_problem(&s->c, o->node, path, "prio: expected a number");
	ft->prio = (s32)prio;
	g_string_append_printf(out, "\tflowtable %s {\n\t\thook ingress priority %" G_GINT64_FORMAT
			       "\n", o->name, prio);
	if (dev) {
		g_string_append(out, "\t\tdevices = ");
		nd = put_devices(s, o, dev, out, ft->devices, NFT_JSON_MAX_FT_DEVS);
		if (nd < 0)
			return false;
		ft->num_devices = (u32)nd;
		g_string_append_c(out, '\n');
	}
	if (flags) {
		u32 i, n = 1;
		JsonArray *a = NULL;

		ft->flags_known = true;
		if (JSON_NODE_HOLDS_ARRAY(flags)) {
			a = json_node_get_array(flags);
			n = json_array_get_length(a);
		}
		for (i = 0; i < n; i++) {
			JsonNode *e = a ? json_array_get_element(a, i) : flags;
			const char *f = JSON_NODE_HOLDS_VALUE(e) &&
					json_node_get_value_type(e) == G_TYPE_STRING ?
					json_node_get_string(e) : "";

			if (!strcmp(f, "offload"))
				ft->hw_offload = true;
			else if (!strcmp(f, "counter"))
				ft->counter = true;
			else
				return nj_problem(&s->c, e, path, "flags: expected \"offload\" or "
						  "\"counter\"");
		}
	} else if (s->flags & NFT_JSON_FT_HW_OFFLOAD) {
		ft->hw_offload = true;
	}
	if (ft->hw_offload)
		g_string_append(out, "\t\tflags offload\n");
	if (ft->counter)
		g_string_append(out, "\t\tcounter\n");
	g_string_append(out, "\t}\n");
	return true;
}

static bool put_object(struct nj_state *s, u32 oi, GString *out)
{
	struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, oi);
	char path[64];

	nj_obj_path(o, path, sizeof(path));
	if (o->kind == NK_COUNTER) {
		gint64 pk = 0, by = 0;

		if ((json_object_has_member(o->body, "packets") &&
		     !int_member(o->body, "packets", 0, G_MAXINT64, &pk)) ||
		    (json_object_has_member(o->body, "bytes") &&
		     !int_member(o->body, "bytes", 0, G_MAXINT64, &by)))
			return nj_problem(&s->c, o->node, path, "packets, bytes: expected "
					  "non-negative numbers");
		g_string_append(out, "\tcounter ");
		if (!nj_put_name(out, o->name))
			return nj_problem(&s->c, o->node, path, "name: expected a counter name");
		g_string_append_printf(out, " {\n\t\tpackets %" G_GINT64_FORMAT " bytes %"
				       G_GINT64_FORMAT "\n\t}\n", pk, by);
		return true;
	}
	/* ct helper */
	{
		const char *type = trace_json_str_member(o->body, "type");
		const char *proto = trace_json_str_member(o->body, "protocol");
		const char *l3 = trace_json_str_member(o->body, "l3proto");

		if (!type || !*type || strchr(type, '"') || strchr(type, '\\') || strchr(type, '\n'))
			return nj_problem(&s->c, o->node, path, "type: expected the helper's name");
		if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
			return nj_problem(&s->c, o->node, path, "protocol: expected tcp or udp");
		if (l3 && strcmp(l3, "ip") && strcmp(l3, "ip6") && strcmp(l3, "inet"))
			return nj_problem(&s->c, o->node, path, "l3proto: expected ip, ip6 or inet");
		g_string_append(out, "\tct helper ");
		if (!nj_put_name(out, o->name))
			return nj_problem(&s->c, o->node, path, "name: expected a helper name");
		g_string_append_printf(out, " {\n\t\ttype \"%s\" protocol %s\n", type, proto);
		if (l3)
			g_string_append_printf(out, "\t\tl3proto %s\n", l3);
		g_string_append(out, "\t}\n");
		return true;
	}
}

/* Translate every rule once; a rule whose chain is unknown is a problem too. */
bool nj_translate_rules(struct nj_state *s, struct nft_json_result *r)
{
	u32 i, j;

	for (i = 0; i < s->objs->len; i++) {
		struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
		bool found = false;
		char path[64];

		if (o->kind != NK_RULE)
			continue;
		for (j = 0; j < s->objs->len && !found; j++) {
			const struct nj_obj *ch = &g_array_index(s->objs, struct nj_obj, j);

			found = ch->kind == NK_CHAIN && !strcmp(ch->family, o->family) &&
				!strcmp(ch->table, o->table) && !strcmp(ch->name, o->name);
		}
		o->text = g_string_new(NULL);
		o->cols = g_array_new(FALSE, FALSE, sizeof(struct nj_stmt_col));
		if (!found) {
			nj_obj_path(o, path, sizeof(path));
			nj_problem(&s->c, o->node, path, "chain %s of table %s %s is not declared in "
				   "the dump", o->name, o->family, o->table);
		} else if (nj_rule_text(&s->c, o->index, o->body, o->family, o->table, o->text,
					o->cols)) {
			o->translated = true;
			continue;
		}
		if (s->c.j.failed)
			return false;
		o->skip = true;
		r->rules_skipped++;
	}
	return true;
}

/* The whole script from the objects not skipped; flowtables into r. */
bool nj_assemble(struct nj_state *s, struct nft_json_result *r)
{
	GString *tmp = g_string_new(NULL);
	u32 t, i, j;
	bool ok = true;

	g_string_truncate(s->script, 0);
	g_array_set_size(s->lines, 0);
	g_array_set_size(r->flowtables, 0);
	r->tables = r->chains = r->base_chains = r->rules = r->counters = r->helpers = 0;
	for (t = 0; t < s->objs->len && ok; t++) {
		struct nj_obj *to = &g_array_index(s->objs, struct nj_obj, t);

		if (to->kind != NK_TABLE || to->skip)
			continue;
		g_string_printf(tmp, "table %s %s {\n", to->family, to->table);
		emit(s, t, tmp->str);
		r->tables++;
		/* objects, then flowtables, then chains with their rules */
		for (i = 0; i < s->objs->len && ok; i++) {
			struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
			struct nft_json_flowtable ft;

			if (o->skip || o->table_obj != (int)t ||
			    (o->kind != NK_COUNTER && o->kind != NK_HELPER && o->kind != NK_FLOWTABLE))
				continue;
			g_string_truncate(tmp, 0);
			if (o->kind == NK_FLOWTABLE) {
				ok = put_flowtable(s, i, tmp, &ft);
				if (ok)
					g_array_append_val(r->flowtables, ft);
			} else {
				ok = put_object(s, i, tmp);
				if (ok && o->kind == NK_COUNTER)
					r->counters++;
				else if (ok)
					r->helpers++;
			}
			if (!ok) {
				if (s->c.j.failed)
					break;
				o->skip = true;
				r->objects_skipped++;
				ok = true;
				continue;
			}
			emit(s, i, tmp->str);
		}
		for (i = 0; i < s->objs->len && ok; i++) {
			struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);

			if (o->skip || o->table_obj != (int)t || o->kind != NK_CHAIN)
				continue;
			g_string_truncate(tmp, 0);
			if (!put_chain(s, i, tmp)) {
				if (s->c.j.failed) {
					ok = false;
					break;
				}
				o->skip = true;
				r->objects_skipped++;
				continue;
			}
			emit(s, i, tmp->str);
			r->chains++;
			if (json_object_has_member(o->body, "hook"))
				r->base_chains++;
			for (j = 0; j < s->objs->len; j++) {
				struct nj_obj *ru = &g_array_index(s->objs, struct nj_obj, j);

				if (ru->kind != NK_RULE || ru->skip || !ru->translated ||
				    ru->table_obj != (int)t || strcmp(ru->name, o->name))
					continue;
				g_string_append(s->script, "\t\t");
				g_string_append_len(s->script, ru->text->str, (gssize)ru->text->len);
				g_string_append_c(s->script, '\n');
				add_line(s, j, 2);
				r->rules++;
			}
			emit(s, i, "\t}\n");
		}
		emit(s, t, "}\n");
	}
	g_string_free(tmp, TRUE);
	return ok;
}

/* Rules of chains that were left out go too (counted). */
void nj_skip_orphans(struct nj_state *s, struct nft_json_result *r)
{
	u32 i, j;

	for (i = 0; i < s->objs->len; i++) {
		struct nj_obj *o = &g_array_index(s->objs, struct nj_obj, i);
		bool live = false;

		if (o->kind == NK_TABLE || o->skip)
			continue;
		if (g_array_index(s->objs, struct nj_obj, o->table_obj).skip) {
			live = false;
		} else if (o->kind == NK_RULE) {
			for (j = 0; j < s->objs->len && !live; j++) {
				const struct nj_obj *ch = &g_array_index(s->objs, struct nj_obj, j);

				live = ch->kind == NK_CHAIN && !ch->skip &&
				       ch->table_obj == o->table_obj && !strcmp(ch->name, o->name);
			}
		} else {
			live = true;
		}
		if (live)
			continue;
		o->skip = true;
		if (o->kind == NK_RULE)
			r->rules_skipped++;
		else
			r->objects_skipped++;
	}
}
