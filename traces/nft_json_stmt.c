/* SPDX-License-Identifier: MIT */
/*
 * nft_json_stmt.c - one rule of an `nft -j` dump into one line of nft rule text
 * (nj_rule_text): the statements - counter (anonymous, named, counter maps), mangle, vmap,
 * verdicts, flow add, snat/dnat/masquerade/redirect, reject, log, limit, ct helper, the
 * plain-text statements old nftables printed - and the rule's comment.  Matches and the
 * values statements carry are nft_json_expr.c's.
 *
 * The JSON forms are those of nftables' src/json.c (map_expr_json, nat_stmt_json,
 * reject_stmt_json, limit_stmt_json, ...).
 *
 * Invariants: statements are written in the order of the rule's "expr" array, each start
 * column recorded (struct nj_stmt_col) so a core error maps back to expr[N]; the same
 * character checks as nft_json_expr.c keep hostile strings out of the text.
 */
#include "nft_json_internal.h"

#include <string.h>

#define SUPPORTED_STATEMENTS "match, counter, mangle, vmap, accept, drop, continue, return, " \
	"jump, goto, flow, snat, dnat, masquerade, redirect, reject, log, limit or ct helper"

/* --------------------------------------------------------------- statements ---- */

static bool put_verdict(struct nj_rule *r, JsonNode *v, const char *path, GString *out)
{
	JsonNode *body;
	const char *k = nj_only_member(v, &body);

	if (k && (!strcmp(k, "accept") || !strcmp(k, "drop") || !strcmp(k, "continue") ||
		  !strcmp(k, "return")) && JSON_NODE_HOLDS_NULL(body)) {
		g_string_append(out, k);
		return true;
	}
	if (k && (!strcmp(k, "jump") || !strcmp(k, "goto"))) {
		JsonObject *o = trace_json_object(body);
		JsonNode *t = o ? json_object_get_member(o, "target") : NULL;

		if (!trace_json_is_string(t))
			return nj_problem(r->c, v, path, "expected {\"%s\": {\"target\": CHAIN}}", k);
		g_string_append_printf(out, "%s ", k);
		if (!nj_put_name(out, json_node_get_string(t)))
			return nj_problem(r->c, t, path, "%s.target: expected a chain name", k);
		return true;
	}
	return nj_problem(r->c, v, path, "expected a verdict ({\"accept\": null}, drop, continue, "
			  "return, {\"jump\": {\"target\": C}}, goto), got %s%s%s",
			  k ? "{\"" : trace_json_kind(v), k ? k : "", k ? "\": ...}" : "");
}

/* key : value pairs of a vmap or counter map: {"set": [[K, V], ...]} or "@map" */
static bool put_map(struct nj_rule *r, JsonNode *data, const struct nj_sel *sel, bool vmap,
		    const char *path, GString *out)
{
	JsonNode *body;
	const char *k = nj_only_member(data, &body);
	JsonArray *a = NULL;
	u32 i, n;

	if (trace_json_is_string(data) && json_node_get_string(data)[0] == '@')
		a = nj_named_elems(r, data, json_node_get_string(data), path, true);
	else if (k && !strcmp(k, "set") && body && JSON_NODE_HOLDS_ARRAY(body))
		a = json_node_get_array(body);
	else
		return nj_problem(r->c, data, path, "expected {\"set\": [[KEY, %s], ...]} or "
				  "\"@map\"", vmap ? "VERDICT" : "COUNTER");
	if (!a)
		return false;
	n = json_array_get_length(a);
	if (!n)
		return nj_problem(r->c, data, path, "expected at least one map element");
	g_string_append(out, "{ ");
	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);
		JsonArray *pair = JSON_NODE_HOLDS_ARRAY(e) ? json_node_get_array(e) : NULL;
		char *p = nj_sub(path, "[%u]", i);
		bool ok;

		if (!pair || json_array_get_length(pair) != 2) {
			ok = nj_problem(r->c, e, p, "expected a [KEY, VALUE] pair");
			g_free(p);
			return ok;
		}
		if (i)
			g_string_append(out, ", ");
		ok = nj_put_scalar(r, json_array_get_element(pair, 0), sel->vclass, p, out);
		g_string_append(out, " : ");
		if (ok && vmap) {
			ok = put_verdict(r, json_array_get_element(pair, 1), p, out);
		} else if (ok) {
			JsonNode *cn = json_array_get_element(pair, 1);

			if (!trace_json_is_string(cn) || !nj_put_name(out, json_node_get_string(cn)))
				ok = nj_problem(r->c, cn, p, "expected a counter name");
		}
		g_free(p);
		if (!ok)
			return false;
	}
	g_string_append(out, " }");
	return true;
}

static bool stmt_vmap(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		      GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *key = o ? json_object_get_member(o, "key") : NULL;
	JsonNode *data = o ? json_object_get_member(o, "data") : NULL;
	const struct nj_sel *sel;
	char *p;
	bool ok;

	if (!key || !data)
		return nj_problem(r->c, stmt, path, "expected {\"vmap\": {\"key\": SELECTOR, "
				  "\"data\": MAP}}");
	p = nj_sub(path, ".vmap.key");
	sel = nj_selector(r, key, p);
	g_free(p);
	if (!sel)
		return false;
	g_string_append_printf(out, "%s vmap ", sel->text);
	p = nj_sub(path, ".vmap.data");
	ok = put_map(r, data, sel, true, p, out);
	g_free(p);
	return ok;
}

static bool stmt_counter(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
			 GString *out)
{
	JsonObject *o = trace_json_object(body);

	if (!body || JSON_NODE_HOLDS_NULL(body)) {
		g_string_append(out, "counter");
		return true;
	}
	if (trace_json_is_string(body)) {
		g_string_append(out, "counter name ");
		if (!nj_put_name(out, json_node_get_string(body)))
			return nj_problem(r->c, body, path, "counter: expected a counter name");
		return true;
	}
	if (o && json_object_has_member(o, "map")) {
		/* counter name KEY map { k : name, ... } */
		JsonObject *m = trace_json_object(json_object_get_member(o, "map"));
		JsonNode *key = m ? json_object_get_member(m, "key") : NULL;
		JsonNode *data = m ? json_object_get_member(m, "data") : NULL;
		const struct nj_sel *sel;
		char *p;
		bool ok;

		if (!key || !data)
			return nj_problem(r->c, stmt, path, "expected {\"counter\": {\"map\": "
					  "{\"key\": SELECTOR, \"data\": MAP}}}");
		p = nj_sub(path, ".counter.map.key");
		sel = nj_selector(r, key, p);
		g_free(p);
		if (!sel)
			return false;
		g_string_append_printf(out, "counter name %s map ", sel->text);
		p = nj_sub(path, ".counter.map.data");
		ok = put_map(r, data, sel, false, p, out);
		g_free(p);
		return ok;
	}
	if (o) {
		JsonNode *pk = json_object_get_member(o, "packets");
		JsonNode *by = json_object_get_member(o, "bytes");

		if ((pk && !trace_json_is_int(pk)) || (by && !trace_json_is_int(by)) ||
		    (pk && json_node_get_int(pk) < 0) || (by && json_node_get_int(by) < 0) ||
		    !pk != !by)
			return nj_problem(r->c, stmt, path, "expected {\"counter\": {\"packets\": N, "
					  "\"bytes\": N}}");
		if (pk)
			g_string_append_printf(out, "counter packets %" G_GINT64_FORMAT " bytes %"
					       G_GINT64_FORMAT, json_node_get_int(pk),
					       json_node_get_int(by));
		else
			g_string_append(out, "counter");
		return true;
	}
	return nj_problem(r->c, stmt, path, "expected {\"counter\": null}, {\"counter\": "
			  "{\"packets\": N, \"bytes\": N}} or {\"counter\": NAME}, got %s",
			  trace_json_kind(body));
}

static bool stmt_mangle(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
			GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *key = o ? json_object_get_member(o, "key") : NULL;
	JsonNode *val = o ? json_object_get_member(o, "value") : NULL;
	JsonNode *kb, *vb;
	const char *kk;
	const struct nj_sel *sel;
	char *p;
	bool ok;

	if (!key || !val)
		return nj_problem(r->c, stmt, path, "expected {\"mangle\": {\"key\": EXPRESSION, "
				  "\"value\": EXPRESSION}}");
	kk = nj_only_member(key, &kb);
	if (kk && !strcmp(kk, "tcp option")) {
		JsonObject *to = trace_json_object(kb);
		const char *vk = nj_only_member(val, &vb);

		if (!to || !trace_json_is_string(json_object_get_member(to, "name")) ||
		    strcmp(json_object_get_string_member(to, "name"), "maxseg") ||
		    !trace_json_is_string(json_object_get_member(to, "field")) ||
		    strcmp(json_object_get_string_member(to, "field"), "size"))
			return nj_problem(r->c, key, path, "mangle.key: the only TCP option the "
					  "model sets is maxseg size");
		if (vk && !strcmp(vk, "rt") && trace_json_object(vb) &&
		    trace_json_is_string(json_object_get_member(trace_json_object(vb), "key")) &&
		    !strcmp(json_object_get_string_member(trace_json_object(vb), "key"), "mtu")) {
			g_string_append(out, "tcp option maxseg size set rt mtu");
			return true;
		}
		if (trace_json_is_int(val) && json_node_get_int(val) >= 0 && json_node_get_int(val) <= 65535) {
			g_string_append_printf(out, "tcp option maxseg size set %" G_GINT64_FORMAT,
					       json_node_get_int(val));
			return true;
		}
		return nj_problem(r->c, val, path, "mangle.value: expected {\"rt\": {\"key\": "
				  "\"mtu\"}} or a size 0-65535");
	}
	p = nj_sub(path, ".mangle.key");
	sel = nj_selector(r, key, p);
	g_free(p);
	if (!sel)
		return false;
	if (strcmp(sel->text, "meta mark") && strcmp(sel->text, "ct mark") &&
	    strcmp(sel->text, "ip dscp") && strcmp(sel->text, "ip6 dscp"))
		return nj_problem(r->c, key, path, "mangle.key: the model sets meta mark, ct mark, "
				  "ip dscp, ip6 dscp and tcp option maxseg size, not %s", sel->text);
	g_string_append_printf(out, "%s set ", sel->text);
	p = nj_sub(path, ".mangle.value");
	ok = nj_put_scalar(r, val, VC_WORD, p, out);
	g_free(p);
	return ok;
}

static bool nat_flags(struct nj_rule *r, JsonNode *f, const char *path, GString *out)
{
	u32 i, n = 1;
	JsonArray *a = NULL;

	if (!f)
		return true;
	if (JSON_NODE_HOLDS_ARRAY(f)) {
		a = json_node_get_array(f);
		n = json_array_get_length(a);
	}
	for (i = 0; i < n; i++) {
		JsonNode *e = a ? json_array_get_element(a, i) : f;
		const char *s = trace_json_is_string(e) ? json_node_get_string(e) : "";

		if (strcmp(s, "random") && strcmp(s, "fully-random") && strcmp(s, "persistent"))
			return nj_problem(r->c, e, path, "flags: expected random, fully-random or "
					  "persistent");
		g_string_append_printf(out, "%s%s", i ? "," : " ", s);
	}
	return true;
}

static bool stmt_nat(struct nj_rule *r, const char *kind, JsonNode *stmt, JsonNode *body,
		     const char *path, GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *addr = NULL, *port = NULL, *family = NULL, *pb;
	bool addr_ok = !strcmp(kind, "snat") || !strcmp(kind, "dnat");
	const char *pk;
	GList *m, *l;

	if (body && !JSON_NODE_HOLDS_NULL(body) && !o)
		return nj_problem(r->c, stmt, path, "%s: expected null or an object", kind);
	g_string_append(out, kind);
	if (!o)
		return !addr_ok || nj_problem(r->c, stmt, path, "%s: expected an \"addr\"", kind);
	m = json_object_get_members(o);
	for (l = m; l; l = l->next) {
		const char *name = l->data;

		if (strcmp(name, "addr") && strcmp(name, "port") && strcmp(name, "family") &&
		    strcmp(name, "flags")) {
			char q[64];

			nj_show(q, sizeof(q), name);
			g_list_free(m);
			return nj_problem(r->c, stmt, path, "%s.%s is not supported by the model "
					  "(expected addr, port, family, flags)", kind, q);
		}
	}
	g_list_free(m);
	addr = json_object_get_member(o, "addr");
	port = json_object_get_member(o, "port");
	family = json_object_get_member(o, "family");
	if (family) {
		const char *f = trace_json_is_string(family) ? json_node_get_string(family) : "";

		if (strcmp(f, "ip") && strcmp(f, "ip6"))
			return nj_problem(r->c, family, path, "%s.family: expected \"ip\" or \"ip6\"",
					  kind);
		g_string_append_printf(out, " %s", f);
	}
	if (addr && !addr_ok)
		return nj_problem(r->c, addr, path, "%s takes no address", kind);
	if (addr_ok && !addr)
		return nj_problem(r->c, stmt, path, "%s: expected an \"addr\"", kind);
	if (addr || port)
		g_string_append(out, " to ");
	if (addr) {
		const char *a = trace_json_is_string(addr) ? json_node_get_string(addr) : NULL;

		if (!a || !nj_word_ok(a) || strchr(a, '[') || strchr(a, ']'))
			return nj_problem(r->c, addr, path, "%s.addr: expected an address (address "
					  "ranges, prefixes and maps are not supported)", kind);
		if (strchr(a, ':') && port)
			g_string_append_printf(out, "[%s]", a);
		else
			g_string_append(out, a);
	}
	if (port) {
		g_string_append_c(out, ':');
		pk = nj_only_member(port, &pb);
		if (trace_json_is_int(port) && json_node_get_int(port) > 0 && json_node_get_int(port) <= 65535) {
			g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(port));
		} else if (pk && !strcmp(pk, "range") && JSON_NODE_HOLDS_ARRAY(pb) &&
			   json_array_get_length(json_node_get_array(pb)) == 2 &&
			   trace_json_is_int(json_array_get_element(json_node_get_array(pb), 0)) &&
			   trace_json_is_int(json_array_get_element(json_node_get_array(pb), 1))) {
			JsonArray *ra = json_node_get_array(pb);

			g_string_append_printf(out, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
					       json_array_get_int_element(ra, 0),
					       json_array_get_int_element(ra, 1));
		} else {
			return nj_problem(r->c, port, path, "%s.port: expected a port 1-65535 or "
					  "{\"range\": [LOW, HIGH]}", kind);
		}
	}
	return nat_flags(r, json_object_get_member(o, "flags"), path, out);
}

static bool stmt_reject(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
			GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *t, *e;
	const char *ts;

	g_string_append(out, "reject");
	if (!body || JSON_NODE_HOLDS_NULL(body))
		return true;
	if (!o)
		return nj_problem(r->c, stmt, path, "reject: expected null or {\"type\": T, "
				  "\"expr\": CODE}");
	t = json_object_get_member(o, "type");
	e = json_object_get_member(o, "expr");
	if (!t)
		return true;
	ts = trace_json_is_string(t) ? json_node_get_string(t) : "";
	if (!strcmp(ts, "tcp reset")) {
		g_string_append(out, " with tcp reset");
		return true;
	}
	if (strcmp(ts, "icmp") && strcmp(ts, "icmpv6") && strcmp(ts, "icmpx"))
		return nj_problem(r->c, t, path, "reject.type: expected \"tcp reset\", \"icmp\", "
				  "\"icmpv6\" or \"icmpx\"");
	g_string_append_printf(out, " with %s type ", ts);
	if (trace_json_is_string(e) && nj_word_ok(json_node_get_string(e))) {
		g_string_append(out, json_node_get_string(e));
	} else if (trace_json_is_int(e) && json_node_get_int(e) >= 0 && json_node_get_int(e) <= 255) {
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(e));
	} else if (!e) {
		/* nft's default code (reject_stmt_json prints it whenever it is set) */
		g_string_append(out, "port-unreachable");
	} else {
		return nj_problem(r->c, e, path, "reject.expr: expected a reject code name or "
				  "number");
	}
	return true;
}

static bool stmt_log(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		     GString *out)
{
	static const char *const nums[] = { "group", "snaplen", "queue-threshold" };
	JsonObject *o = trace_json_object(body);
	JsonNode *v;
	size_t i;

	g_string_append(out, "log");
	if (!body || JSON_NODE_HOLDS_NULL(body))
		return true;
	if (!o)
		return nj_problem(r->c, stmt, path, "log: expected null or an object");
	v = json_object_get_member(o, "prefix");
	if (v) {
		if (!trace_json_is_string(v) || !nj_quoted_ok(json_node_get_string(v)))
			return nj_problem(r->c, v, path, "log.prefix: expected a string without "
					  "quotes, backslashes or control characters");
		g_string_append_printf(out, " prefix \"%s\"", json_node_get_string(v));
	}
	v = json_object_get_member(o, "level");
	if (v) {
		if (!trace_json_is_string(v) || !nj_word_ok(json_node_get_string(v)))
			return nj_problem(r->c, v, path, "log.level: expected a level name");
		g_string_append_printf(out, " level %s", json_node_get_string(v));
	}
	for (i = 0; i < G_N_ELEMENTS(nums); i++) {
		v = json_object_get_member(o, nums[i]);
		if (!v)
			continue;
		if (!trace_json_is_int(v) || json_node_get_int(v) < 0)
			return nj_problem(r->c, v, path, "log.%s: expected a number", nums[i]);
		g_string_append_printf(out, " %s %" G_GINT64_FORMAT, nums[i], json_node_get_int(v));
	}
	/* log flags only change what the kernel logs; the model's log is a no-op */
	return true;
}

static bool stmt_limit(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		       GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *rate, *per, *burst, *inv, *unit;
	const char *ps;

	if (trace_json_is_string(body))
		return nj_problem(r->c, stmt, path, "limit: named limit objects are not supported "
				  "by the model: expected {\"rate\": N, \"per\": UNIT, ...}");
	if (!o)
		return nj_problem(r->c, stmt, path, "limit: expected {\"rate\": N, \"per\": UNIT, "
				  "\"burst\": N}");
	rate = json_object_get_member(o, "rate");
	per = json_object_get_member(o, "per");
	burst = json_object_get_member(o, "burst");
	inv = json_object_get_member(o, "inv");
	unit = json_object_get_member(o, "rate_unit");
	if (unit && (!trace_json_is_string(unit) || strcmp(json_node_get_string(unit), "packets")))
		return nj_problem(r->c, unit, path, "limit.rate_unit: byte rates are not supported "
				  "by the model: expected \"packets\"");
	if (!trace_json_is_int(rate) || json_node_get_int(rate) < 1 || json_node_get_int(rate) > 0xffffffffLL)
		return nj_problem(r->c, rate ? rate : stmt, path, "limit.rate: expected a number "
				  "1-4294967295");
	ps = trace_json_is_string(per) ? json_node_get_string(per) : "";
	if (strcmp(ps, "second") && strcmp(ps, "minute") && strcmp(ps, "hour") &&
	    strcmp(ps, "day") && strcmp(ps, "week"))
		return nj_problem(r->c, per ? per : stmt, path, "limit.per: expected second, "
				  "minute, hour, day or week");
	if (burst && (!trace_json_is_int(burst) || json_node_get_int(burst) < 0 ||
		      json_node_get_int(burst) > 0xffffffffLL))
		return nj_problem(r->c, burst, path, "limit.burst: expected a number");
	if (inv && (!JSON_NODE_HOLDS_VALUE(inv) || json_node_get_value_type(inv) != G_TYPE_BOOLEAN))
		return nj_problem(r->c, inv, path, "limit.inv: expected true or false");
	g_string_append_printf(out, "limit rate %s%" G_GINT64_FORMAT "/%s",
			       inv && json_node_get_boolean(inv) ? "over " : "",
			       json_node_get_int(rate), ps);
	if (burst && json_node_get_int(burst) > 0)
		g_string_append_printf(out, " burst %" G_GINT64_FORMAT " packets",
				       json_node_get_int(burst));
	return true;
}

static bool stmt_flow(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		      GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *op = o ? json_object_get_member(o, "op") : NULL;
	JsonNode *ft = o ? json_object_get_member(o, "flowtable") : NULL;
	const char *fs;

	if (!trace_json_is_string(op) || strcmp(json_node_get_string(op), "add") || !trace_json_is_string(ft))
		return nj_problem(r->c, stmt, path, "expected {\"flow\": {\"op\": \"add\", "
				  "\"flowtable\": \"@NAME\"}}");
	fs = json_node_get_string(ft);
	if (fs[0] == '@')
		fs++;
	if (!nj_plain_name(fs))
		return nj_problem(r->c, ft, path, "flow.flowtable: expected \"@NAME\"");
	g_string_append_printf(out, "flow add @%s", fs);
	return true;
}

/* nftables before 1.0.2 printed statements without a JSON form as their text */
static bool stmt_text(struct nj_rule *r, JsonNode *stmt, const char *path, GString *out)
{
	const char *s = json_node_get_string(stmt);
	size_t i;
	char q[64];

	for (i = 0; s[i]; i++) {
		if (!(g_ascii_isalnum(s[i]) || strchr(" _.:/-*@+,", s[i])))
			break;
	}
	if (s[i] || !g_str_has_prefix(s, "flow ")) {
		nj_show(q, sizeof(q), s);
		return nj_problem(r->c, stmt, path, "expected a statement object, got the string "
				  "\"%s\" (only \"flow add @NAME\" is read as text)", q);
	}
	g_string_append(out, s);
	return true;
}

static bool statement(struct nj_rule *r, JsonNode *stmt, const char *path, GString *out)
{
	JsonNode *body;
	const char *k;
	char q[64];

	if (trace_json_is_string(stmt))
		return stmt_text(r, stmt, path, out);
	k = nj_only_member(stmt, &body);
	if (!k)
		return nj_problem(r->c, stmt, path, "expected a statement (an object with one "
				  "member: " SUPPORTED_STATEMENTS "), got %s", trace_json_kind(stmt));
	if (!strcmp(k, "match"))
		return nj_stmt_match(r, stmt, body, path, out);
	if (!strcmp(k, "counter"))
		return stmt_counter(r, stmt, body, path, out);
	if (!strcmp(k, "mangle"))
		return stmt_mangle(r, stmt, body, path, out);
	if (!strcmp(k, "vmap"))
		return stmt_vmap(r, stmt, body, path, out);
	if (!strcmp(k, "accept") || !strcmp(k, "drop") || !strcmp(k, "continue") ||
	    !strcmp(k, "return") || !strcmp(k, "jump") || !strcmp(k, "goto"))
		return put_verdict(r, stmt, path, out);
	if (!strcmp(k, "flow"))
		return stmt_flow(r, stmt, body, path, out);
	if (!strcmp(k, "snat") || !strcmp(k, "dnat") || !strcmp(k, "masquerade") ||
	    !strcmp(k, "redirect"))
		return stmt_nat(r, k, stmt, body, path, out);
	if (!strcmp(k, "reject"))
		return stmt_reject(r, stmt, body, path, out);
	if (!strcmp(k, "log"))
		return stmt_log(r, stmt, body, path, out);
	if (!strcmp(k, "limit"))
		return stmt_limit(r, stmt, body, path, out);
	if (!strcmp(k, "ct helper")) {
		if (!trace_json_is_string(body) || !nj_quoted_ok(json_node_get_string(body)) ||
		    !*json_node_get_string(body))
			return nj_problem(r->c, stmt, path, "expected {\"ct helper\": NAME}");
		g_string_append_printf(out, "ct helper set \"%s\"", json_node_get_string(body));
		return true;
	}
	nj_show(q, sizeof(q), k);
	return nj_problem(r->c, stmt, path, "unsupported statement \"%s\": expected "
			  SUPPORTED_STATEMENTS, q);
}

bool nj_rule_text(struct nj_ctx *c, u32 index, JsonObject *rule, const char *family,
		  const char *table, GString *out, GArray *cols)
{
	struct nj_rule r = { .c = c, .family = family, .table = table };
	JsonNode *expr = json_object_get_member(rule, "expr");
	JsonNode *comment = json_object_get_member(rule, "comment");
	JsonArray *a;
	char path[64];
	u32 i, n;

	g_snprintf(path, sizeof(path), "nftables[%u].rule.expr", index);
	if (!expr || !JSON_NODE_HOLDS_ARRAY(expr))
		return nj_problem(c, expr, path, "expected an array of statements, got %s",
				  expr ? trace_json_kind(expr) : "nothing");
	a = json_node_get_array(expr);
	n = json_array_get_length(a);
	if (!n)
		return nj_problem(c, expr, path, "expected at least one statement");
	for (i = 0; i < n; i++) {
		struct nj_stmt_col sc = { .off = (u32)out->len, .expr = i };

		g_snprintf(path, sizeof(path), "nftables[%u].rule.expr[%u]", index, i);
		if (i)
			g_string_append_c(out, ' ');
		sc.off = (u32)out->len;
		g_array_append_val(cols, sc);
		if (!statement(&r, json_array_get_element(a, i), path, out))
			return false;
	}
	if (comment) {
		g_snprintf(path, sizeof(path), "nftables[%u].rule.comment", index);
		if (!trace_json_is_string(comment) || !nj_quoted_ok(json_node_get_string(comment)))
			return nj_problem(c, comment, path, "expected a string without quotes, "
					  "backslashes or control characters");
		g_string_append_printf(out, " comment \"%s\"", json_node_get_string(comment));
	}
	return true;
}
