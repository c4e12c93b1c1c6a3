/* SPDX-License-Identifier: MIT */
/*
 * nft_json_expr.c - one rule of an `nft -j` dump into nft rule text (contract in
 * nft_json.h): statements, the selectors on their left-hand sides and the values on the
 * right, written the way `nft list ruleset` writes them so that the core's parser
 * (model/nft_match.c, model/nft_stmt.c) reads them back.
 *
 * The JSON forms are those of nftables' src/json.c (relational_expr_json, payload_expr_json,
 * meta_expr_json, ct_expr_json, set_expr_json, map_expr_json, nat_stmt_json, ...): a match is
 * {"match": {"op", "left", "right"}}, a bitmask test is op "in", "tcp flags & (a|b) == c" is
 * a binary "&" on the left.  Every string that lands in the text is checked for characters
 * that could change the meaning of the script (quotes, newlines, braces), so a hostile dump
 * cannot inject statements.
 */
#include "nft_json_internal.h"

#include <string.h>

/* How the values of a selector are written. */
enum nj_vclass {
	VC_WORD,      /* names, numbers, ranges */
	VC_IFNAME,    /* quoted device names */
	VC_ADDR,      /* addresses and prefixes */
	VC_FLAGS,     /* bitmask: "a,b" means any of them */
};

struct nj_sel {
	const char *proto;    /* JSON: "meta", "ct" or the payload protocol */
	const char *field;
	const char *text;     /* nft text */
	u8 vclass;
};

static const struct nj_sel selectors[] = {
	{ "meta", "l4proto", "meta l4proto", VC_WORD },
	{ "meta", "nfproto", "meta nfproto", VC_WORD },
	{ "meta", "protocol", "meta protocol", VC_WORD },
	{ "meta", "mark", "meta mark", VC_WORD },
	{ "meta", "iif", "meta iif", VC_IFNAME },
	{ "meta", "oif", "meta oif", VC_IFNAME },
	{ "meta", "iifname", "meta iifname", VC_IFNAME },
	{ "meta", "oifname", "meta oifname", VC_IFNAME },
	{ "ip", "protocol", "ip protocol", VC_WORD },
	{ "ip", "saddr", "ip saddr", VC_ADDR },
	{ "ip", "daddr", "ip daddr", VC_ADDR },
	{ "ip", "dscp", "ip dscp", VC_WORD },
	{ "ip6", "saddr", "ip6 saddr", VC_ADDR },
	{ "ip6", "daddr", "ip6 daddr", VC_ADDR },
	{ "ip6", "nexthdr", "ip6 nexthdr", VC_WORD },
	{ "ip6", "dscp", "ip6 dscp", VC_WORD },
	{ "tcp", "sport", "tcp sport", VC_WORD },
	{ "tcp", "dport", "tcp dport", VC_WORD },
	{ "tcp", "flags", "tcp flags", VC_FLAGS },
	{ "udp", "sport", "udp sport", VC_WORD },
	{ "udp", "dport", "udp dport", VC_WORD },
	{ "th", "sport", "th sport", VC_WORD },
	{ "th", "dport", "th dport", VC_WORD },
	{ "icmp", "type", "icmp type", VC_WORD },
	{ "icmpv6", "type", "icmpv6 type", VC_WORD },
	{ "ct", "state", "ct state", VC_FLAGS },
	{ "ct", "status", "ct status", VC_FLAGS },
	{ "ct", "mark", "ct mark", VC_WORD },
	{ "ct", "direction", "ct direction", VC_WORD },
};

#define SUPPORTED_SELECTORS "meta l4proto/nfproto/protocol/mark/iif/oif/iifname/oifname, " \
	"ip protocol/saddr/daddr/dscp, ip6 saddr/daddr/nexthdr/dscp, tcp sport/dport/flags, " \
	"udp sport/dport, th sport/dport, icmp type, icmpv6 type, ct state/status/mark/direction"

#define SUPPORTED_STATEMENTS "match, counter, mangle, vmap, accept, drop, continue, return, " \
	"jump, goto, flow, snat, dnat, masquerade, redirect, reject, log, limit or ct helper"

/* ------------------------------------------------------------------ helpers ---- */

/* The single member of a one-member object ({"accept": null}), or NULL. */
static const char *only_member(JsonNode *n, JsonNode **val)
{
	JsonObject *o;
	GList *m;
	const char *name;

	if (!n || !JSON_NODE_HOLDS_OBJECT(n))
		return NULL;
	o = json_node_get_object(n);
	if (json_object_get_size(o) != 1)
		return NULL;
	m = json_object_get_members(o);
	name = m->data;
	g_list_free(m);
	*val = json_object_get_member(o, name);
	return name;
}

static bool is_string(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING;
}

static bool is_int(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64;
}

static JsonObject *obj_of(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* A value written as a bare word: no characters the nft lexer treats specially. */
static bool word_ok(const char *s)
{
	size_t i;

	if (!*s)
		return false;
	for (i = 0; s[i]; i++) {
		char ch = s[i];

		if (!(g_ascii_isalnum(ch) || ch == '_' || ch == '.' || ch == ':' || ch == '/' ||
		      ch == '-' || ch == '*' || ch == '+' || ch == '[' || ch == ']'))
			return false;
	}
	return true;
}

/* A value written inside double quotes: printable, no quote or backslash. */
static bool quoted_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\' || s[i] == 0x7f)
			return false;
	return true;
}

bool nj_plain_name(const char *s)
{
	size_t i;

	if (!*s || !(g_ascii_isalpha(s[0]) || s[0] == '_'))
		return false;
	for (i = 0; s[i]; i++)
		if (!(g_ascii_isalnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

bool nj_put_name(GString *out, const char *s)
{
	if (nj_plain_name(s)) {
		g_string_append(out, s);
		return true;
	}
	if (!*s || !quoted_ok(s))
		return false;
	g_string_append_printf(out, "\"%s\"", s);
	return true;
}

static char *sub(const char *path, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static char *sub(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *tail, *r;

	va_start(ap, fmt);
	tail = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	r = g_strconcat(path, tail, NULL);
	g_free(tail);
	return r;
}

/* A JSON string for messages, quoted and shortened. */
static void show(char *buf, size_t size, const char *s)
{
	trace_quote(buf, size, s, strlen(s), 40);
}

/* ------------------------------------------------------------------- values ---- */

struct rule_ctx {
	struct nj_ctx *c;
	const char *family;
	const char *table;
};

static bool put_scalar(struct rule_ctx *r, JsonNode *v, u8 vclass, const char *path,
		       GString *out);

/* {"prefix": {"addr": A, "len": N}} */
static bool put_prefix(struct rule_ctx *r, JsonNode *v, JsonNode *body, const char *path,
		       GString *out)
{
	JsonObject *o = obj_of(body);
	JsonNode *addr = o ? json_object_get_member(o, "addr") : NULL;
	JsonNode *len = o ? json_object_get_member(o, "len") : NULL;

	if (!is_string(addr) || !is_int(len) || json_node_get_int(len) < 0 ||
	    json_node_get_int(len) > 128 || !word_ok(json_node_get_string(addr)))
		return nj_problem(r->c, v, path, "expected a prefix {\"addr\": ADDRESS, \"len\": "
				  "0-128}");
	g_string_append_printf(out, "%s/%d", json_node_get_string(addr),
			       (int)json_node_get_int(len));
	return true;
}

/* {"range": [LO, HI]} */
static bool put_range(struct rule_ctx *r, JsonNode *v, JsonNode *body, u8 vclass,
		      const char *path, GString *out)
{
	JsonArray *a = body && JSON_NODE_HOLDS_ARRAY(body) ? json_node_get_array(body) : NULL;
	char *p;
	bool ok;

	if (!a || json_array_get_length(a) != 2)
		return nj_problem(r->c, v, path, "expected a range [LOW, HIGH]");
	if (vclass == VC_ADDR)
		return nj_problem(r->c, v, path, "address ranges are not supported by the model: "
				  "expected an address or a prefix");
	p = sub(path, ".range[0]");
	ok = put_scalar(r, json_array_get_element(a, 0), vclass, p, out);
	g_free(p);
	if (!ok)
		return false;
	g_string_append_c(out, '-');
	p = sub(path, ".range[1]");
	ok = put_scalar(r, json_array_get_element(a, 1), vclass, p, out);
	g_free(p);
	return ok;
}

/* One value: a string, a non-negative integer, a prefix, a range, or {"elem": {"val"}}. */
static bool put_scalar(struct rule_ctx *r, JsonNode *v, u8 vclass, const char *path,
		       GString *out)
{
	JsonNode *body;
	const char *k;
	char q[64];

	if (is_string(v)) {
		const char *s = json_node_get_string(v);

		if (vclass == VC_IFNAME) {
			if (!*s || strlen(s) >= 16 || !quoted_ok(s)) {
				show(q, sizeof(q), s);
				return nj_problem(r->c, v, path, "expected an interface name (1 to 15 "
						  "printable characters), got \"%s\"", q);
			}
			g_string_append_printf(out, "\"%s\"", s);
			return true;
		}
		if (!word_ok(s)) {
			show(q, sizeof(q), s);
			return nj_problem(r->c, v, path, "expected a value (a name, number or "
					  "address), got \"%s\"", q);
		}
		g_string_append(out, s);
		return true;
	}
	if (is_int(v)) {
		if (json_node_get_int(v) < 0)
			return nj_problem(r->c, v, path, "expected a non-negative number, got %" G_GINT64_FORMAT,
					  json_node_get_int(v));
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(v));
		return true;
	}
	k = only_member(v, &body);
	if (k && !strcmp(k, "prefix"))
		return put_prefix(r, v, body, path, out);
	if (k && !strcmp(k, "range"))
		return put_range(r, v, body, vclass, path, out);
	if (k && !strcmp(k, "elem")) {
		JsonObject *o = obj_of(body);
		JsonNode *val = o ? json_object_get_member(o, "val") : NULL;
		char *p;
		bool ok;

		if (!val)
			return nj_problem(r->c, v, path, "expected {\"elem\": {\"val\": VALUE, ...}}");
		p = sub(path, ".elem.val");
		ok = put_scalar(r, val, vclass, p, out);
		g_free(p);
		return ok;
	}
	if (k && !strcmp(k, "concat"))
		return nj_problem(r->c, v, path, "concatenations are not supported by the model: "
				  "expected a single value");
	return nj_problem(r->c, v, path, "expected a value (string, number, prefix, range), got "
			  "%s%s%s", k ? "{\"" : nj_kind(v), k ? k : "", k ? "\": ...}" : "");
}

/* Elements of a named set or map ("@name") of the rule's table, or NULL after a problem. */
static JsonArray *named_elems(struct rule_ctx *r, JsonNode *v, const char *ref,
			      const char *path, bool map)
{
	char *key = g_strdup_printf("%s\t%s\t%s", r->family, r->table, ref + 1);
	JsonObject *set = g_hash_table_lookup(r->c->sets, key);
	JsonNode *elem;
	char q[64];

	g_free(key);
	show(q, sizeof(q), ref);
	if (!set) {
		nj_problem(r->c, v, path, "reference to %s: no such %s in table %s %s", q,
			   map ? "map" : "set", r->family, r->table);
		return NULL;
	}
	elem = json_object_get_member(set, "elem");
	if (!elem) {
		nj_problem(r->c, v, path, "%s is empty: the model has no empty sets (a rule "
			   "matching it never matches)", q);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_ARRAY(elem)) {
		nj_problem(r->c, elem, path, "elements of %s: expected an array, got %s", q,
			   nj_kind(elem));
		return NULL;
	}
	if (!json_array_get_length(json_node_get_array(elem))) {
		nj_problem(r->c, v, path, "%s is empty: the model has no empty sets (a rule "
			   "matching it never matches)", q);
		return NULL;
	}
	return json_node_get_array(elem);
}

static bool put_elems(struct rule_ctx *r, JsonArray *a, u8 vclass, const char *path,
		      GString *out)
{
	u32 i, n = json_array_get_length(a);

	g_string_append(out, "{ ");
	for (i = 0; i < n; i++) {
		char *p = sub(path, "[%u]", i);
		bool ok;

		if (i)
			g_string_append(out, ", ");
		ok = put_scalar(r, json_array_get_element(a, i), vclass, p, out);
		g_free(p);
		if (!ok)
			return false;
	}
	g_string_append(out, " }");
	return true;
}

/* The right-hand side of a match: a value, a set, a list (bitmask), "@set". */
static bool put_rhs(struct rule_ctx *r, JsonNode *v, u8 vclass, const char *path,
		    GString *out)
{
	JsonNode *body;
	const char *k;

	if (is_string(v) && json_node_get_string(v)[0] == '@') {
		JsonArray *a = named_elems(r, v, json_node_get_string(v), path, false);

		return a && put_elems(r, a, vclass, path, out);
	}
	if (v && JSON_NODE_HOLDS_ARRAY(v)) {
		JsonArray *a = json_node_get_array(v);
		u32 i, n = json_array_get_length(a);

		if (!n)
			return nj_problem(r->c, v, path, "expected at least one value in the list");
		if (vclass != VC_FLAGS)
			return put_elems(r, a, vclass, path, out);
		for (i = 0; i < n; i++) {
			char *p = sub(path, "[%u]", i);
			bool ok;

			if (i)
				g_string_append_c(out, ',');
			ok = put_scalar(r, json_array_get_element(a, i), vclass, p, out);
			g_free(p);
			if (!ok)
				return false;
		}
		return true;
	}
	k = only_member(v, &body);
	if (k && !strcmp(k, "set")) {
		char *p = sub(path, ".set");
		bool ok;

		if (body && JSON_NODE_HOLDS_ARRAY(body) &&
		    json_array_get_length(json_node_get_array(body))) {
			ok = put_elems(r, json_node_get_array(body), vclass, p, out);
		} else if (body && !JSON_NODE_HOLDS_ARRAY(body) && !JSON_NODE_HOLDS_NULL(body)) {
			/* SET := EXPRESSION: a set of one */
			g_string_append(out, "{ ");
			ok = put_scalar(r, body, vclass, p, out);
			g_string_append(out, " }");
		} else {
			ok = nj_problem(r->c, v, p, "expected a non-empty array of set elements");
		}
		g_free(p);
		return ok;
	}
	return put_scalar(r, v, vclass, path, out);
}

/* ---------------------------------------------------------------- selectors ---- */

/* {"meta": {"key"}}, {"payload": {"protocol", "field"}}, {"ct": {"key"}} */
static const struct nj_sel *selector(struct rule_ctx *r, JsonNode *n, const char *path)
{
	JsonNode *body;
	const char *k = only_member(n, &body);
	JsonObject *o = obj_of(body);
	const char *proto = NULL, *field = NULL;
	char q1[64], q2[64];
	size_t i;

	if (k && o && !strcmp(k, "meta") && is_string(json_object_get_member(o, "key"))) {
		proto = "meta";
		field = json_object_get_string_member(o, "key");
	} else if (k && o && !strcmp(k, "ct") && is_string(json_object_get_member(o, "key"))) {
		if (json_object_has_member(o, "dir") || json_object_has_member(o, "family")) {
			nj_problem(r->c, n, path, "ct keys with a direction or family are not "
				   "supported: expected one of " SUPPORTED_SELECTORS);
			return NULL;
		}
		proto = "ct";
		field = json_object_get_string_member(o, "key");
	} else if (k && o && !strcmp(k, "payload") &&
		   is_string(json_object_get_member(o, "protocol")) &&
		   is_string(json_object_get_member(o, "field"))) {
		proto = json_object_get_string_member(o, "protocol");
		field = json_object_get_string_member(o, "field");
	} else {
		nj_problem(r->c, n, path, "expected a selector ({\"meta\": {\"key\": K}}, "
			   "{\"payload\": {\"protocol\": P, \"field\": F}} or {\"ct\": {\"key\": K}}), "
			   "got %s%s%s", k ? "{\"" : nj_kind(n), k ? k : "", k ? "\": ...}" : "");
		return NULL;
	}
	for (i = 0; i < G_N_ELEMENTS(selectors); i++)
		if (!strcmp(selectors[i].proto, proto) && !strcmp(selectors[i].field, field))
			return &selectors[i];
	show(q1, sizeof(q1), proto);
	show(q2, sizeof(q2), field);
	nj_problem(r->c, n, path, "unsupported selector %s %s: expected one of "
		   SUPPORTED_SELECTORS, q1, q2);
	return NULL;
}

/* ------------------------------------------------------------------ matches ---- */

static bool stmt_match(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
		       GString *out)
{
	JsonObject *o = obj_of(body);
	JsonNode *left = o ? json_object_get_member(o, "left") : NULL;
	JsonNode *right = o ? json_object_get_member(o, "right") : NULL;
	JsonNode *op = o ? json_object_get_member(o, "op") : NULL;
	const struct nj_sel *sel;
	const char *ops, *binop;
	JsonNode *lb;
	char *p;
	bool ok;

	if (!left || !right || !is_string(op))
		return nj_problem(r->c, stmt, path, "expected {\"match\": {\"op\": OP, \"left\": "
				  "EXPRESSION, \"right\": EXPRESSION}}");
	ops = json_node_get_string(op);
	if (strcmp(ops, "==") && strcmp(ops, "!=") && strcmp(ops, "<") && strcmp(ops, ">") &&
	    strcmp(ops, "<=") && strcmp(ops, ">=") && strcmp(ops, "in")) {
		char q[64];

		show(q, sizeof(q), ops);
		return nj_problem(r->c, op, path, "match.op: expected ==, !=, <, >, <=, >= or in, "
				  "got \"%s\"", q);
	}
	binop = only_member(left, &lb);
	if (binop && !strcmp(binop, "&")) {
		/* "tcp flags & (fin | syn | rst | ack) == syn" */
		JsonArray *a = lb && JSON_NODE_HOLDS_ARRAY(lb) ? json_node_get_array(lb) : NULL;

		p = sub(path, ".match.left.&[0]");
		if (!a || json_array_get_length(a) != 2) {
			g_free(p);
			return nj_problem(r->c, left, path, "match.left: expected {\"&\": [SELECTOR, "
					  "MASK]}");
		}
		sel = selector(r, json_array_get_element(a, 0), p);
		g_free(p);
		if (!sel)
			return false;
		if (strcmp(sel->text, "tcp flags"))
			return nj_problem(r->c, left, path, "match.left: the model supports a mask "
					  "(&) only on tcp flags, not on %s", sel->text);
		if (strcmp(ops, "==") && strcmp(ops, "!="))
			return nj_problem(r->c, op, path, "match.op: a masked value is compared with "
					  "== or !=, got \"%s\"", ops);
		g_string_append_printf(out, "%s & (", sel->text);
		p = sub(path, ".match.left.&[1]");
		ok = put_rhs(r, json_array_get_element(a, 1), VC_FLAGS, p, out);
		g_free(p);
		if (!ok)
			return false;
		/* the core reads flag lists in parentheses with '|' as well as ',' */
		g_string_append_printf(out, ") %s ", ops);
		p = sub(path, ".match.right");
		ok = put_rhs(r, right, VC_FLAGS, p, out);
		g_free(p);
		return ok;
	}
	if (binop && (!strcmp(binop, "|") || !strcmp(binop, "^") || !strcmp(binop, "<<") ||
		      !strcmp(binop, ">>")))
		return nj_problem(r->c, left, path, "match.left: the binary operation \"%s\" is not "
				  "supported (only & on tcp flags)", binop);
	p = sub(path, ".match.left");
	sel = selector(r, left, p);
	g_free(p);
	if (!sel)
		return false;
	g_string_append(out, sel->text);
	g_string_append_c(out, ' ');
	if (!strcmp(ops, "in")) {
		/* bitmask test, or set membership */
	} else if (!strcmp(ops, "==") && sel->vclass == VC_FLAGS) {
		g_string_append(out, "== ");
	} else if (strcmp(ops, "==")) {
		g_string_append(out, ops);
		g_string_append_c(out, ' ');
	}
	p = sub(path, ".match.right");
	ok = put_rhs(r, right, sel->vclass, p, out);
	g_free(p);
	return ok;
}

/* --------------------------------------------------------------- statements ---- */

static bool put_verdict(struct rule_ctx *r, JsonNode *v, const char *path, GString *out)
{
	JsonNode *body;
	const char *k = only_member(v, &body);

	if (k && (!strcmp(k, "accept") || !strcmp(k, "drop") || !strcmp(k, "continue") ||
		  !strcmp(k, "return")) && JSON_NODE_HOLDS_NULL(body)) {
		g_string_append(out, k);
		return true;
	}
	if (k && (!strcmp(k, "jump") || !strcmp(k, "goto"))) {
		JsonObject *o = obj_of(body);
		JsonNode *t = o ? json_object_get_member(o, "target") : NULL;

		if (!is_string(t))
			return nj_problem(r->c, v, path, "expected {\"%s\": {\"target\": CHAIN}}", k);
		g_string_append_printf(out, "%s ", k);
		if (!nj_put_name(out, json_node_get_string(t)))
			return nj_problem(r->c, t, path, "%s.target: expected a chain name", k);
		return true;
	}
	return nj_problem(r->c, v, path, "expected a verdict ({\"accept\": null}, drop, continue, "
			  "return, {\"jump\": {\"target\": C}}, goto), got %s%s%s",
			  k ? "{\"" : nj_kind(v), k ? k : "", k ? "\": ...}" : "");
}

/* key : value pairs of a vmap or counter map: {"set": [[K, V], ...]} or "@map" */
static bool put_map(struct rule_ctx *r, JsonNode *data, const struct nj_sel *sel, bool vmap,
		    const char *path, GString *out)
{
	JsonNode *body;
	const char *k = only_member(data, &body);
	JsonArray *a = NULL;
	u32 i, n;

	if (is_string(data) && json_node_get_string(data)[0] == '@')
		a = named_elems(r, data, json_node_get_string(data), path, true);
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
		char *p = sub(path, "[%u]", i);
		bool ok;

		if (!pair || json_array_get_length(pair) != 2) {
			ok = nj_problem(r->c, e, p, "expected a [KEY, VALUE] pair");
			g_free(p);
			return ok;
		}
		if (i)
			g_string_append(out, ", ");
		ok = put_scalar(r, json_array_get_element(pair, 0), sel->vclass, p, out);
		g_string_append(out, " : ");
		if (ok && vmap) {
			ok = put_verdict(r, json_array_get_element(pair, 1), p, out);
		} else if (ok) {
			JsonNode *cn = json_array_get_element(pair, 1);

			if (!is_string(cn) || !nj_put_name(out, json_node_get_string(cn)))
				ok = nj_problem(r->c, cn, p, "expected a counter name");
		}
		g_free(p);
		if (!ok)
			return false;
	}
	g_string_append(out, " }");
	return true;
}

static bool stmt_vmap(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
		      GString *out)
{
	JsonObject *o = obj_of(body);
	JsonNode *key = o ? json_object_get_member(o, "key") : NULL;
	JsonNode *data = o ? json_object_get_member(o, "data") : NULL;
	const struct nj_sel *sel;
	char *p;
	bool ok;

	if (!key || !data)
		return nj_problem(r->c, stmt, path, "expected {\"vmap\": {\"key\": SELECTOR, "
				  "\"data\": MAP}}");
	p = sub(path, ".vmap.key");
	sel = selector(r, key, p);
	g_free(p);
	if (!sel)
		return false;
	g_string_append_printf(out, "%s vmap ", sel->text);
	p = sub(path, ".vmap.data");
	ok = put_map(r, data, sel, true, p, out);
	g_free(p);
	return ok;
}

static bool stmt_counter(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
			 GString *out)
{
	JsonObject *o = obj_of(body);

	if (!body || JSON_NODE_HOLDS_NULL(body)) {
		g_string_append(out, "counter");
		return true;
	}
	if (is_string(body)) {
		g_string_append(out, "counter name ");
		if (!nj_put_name(out, json_node_get_string(body)))
			return nj_problem(r->c, body, path, "counter: expected a counter name");
		return true;
	}
	if (o && json_object_has_member(o, "map")) {
		/* counter name KEY map { k : name, ... } */
		JsonObject *m = obj_of(json_object_get_member(o, "map"));
		JsonNode *key = m ? json_object_get_member(m, "key") : NULL;
		JsonNode *data = m ? json_object_get_member(m, "data") : NULL;
		const struct nj_sel *sel;
		char *p;
		bool ok;

		if (!key || !data)
			return nj_problem(r->c, stmt, path, "expected {\"counter\": {\"map\": "
					  "{\"key\": SELECTOR, \"data\": MAP}}}");
		p = sub(path, ".counter.map.key");
		sel = selector(r, key, p);
		g_free(p);
		if (!sel)
			return false;
		g_string_append_printf(out, "counter name %s map ", sel->text);
		p = sub(path, ".counter.map.data");
		ok = put_map(r, data, sel, false, p, out);
		g_free(p);
		return ok;
	}
	if (o) {
		JsonNode *pk = json_object_get_member(o, "packets");
		JsonNode *by = json_object_get_member(o, "bytes");

		if ((pk && !is_int(pk)) || (by && !is_int(by)) ||
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
			  nj_kind(body));
}

static bool stmt_mangle(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
			GString *out)
{
	JsonObject *o = obj_of(body);
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
	kk = only_member(key, &kb);
	if (kk && !strcmp(kk, "tcp option")) {
		JsonObject *to = obj_of(kb);
		const char *vk = only_member(val, &vb);

		if (!to || !is_string(json_object_get_member(to, "name")) ||
		    strcmp(json_object_get_string_member(to, "name"), "maxseg") ||
		    !is_string(json_object_get_member(to, "field")) ||
		    strcmp(json_object_get_string_member(to, "field"), "size"))
			return nj_problem(r->c, key, path, "mangle.key: the only TCP option the "
					  "model sets is maxseg size");
		if (vk && !strcmp(vk, "rt") && obj_of(vb) &&
		    is_string(json_object_get_member(obj_of(vb), "key")) &&
		    !strcmp(json_object_get_string_member(obj_of(vb), "key"), "mtu")) {
			g_string_append(out, "tcp option maxseg size set rt mtu");
			return true;
		}
		if (is_int(val) && json_node_get_int(val) >= 0 && json_node_get_int(val) <= 65535) {
			g_string_append_printf(out, "tcp option maxseg size set %" G_GINT64_FORMAT,
					       json_node_get_int(val));
			return true;
		}
		return nj_problem(r->c, val, path, "mangle.value: expected {\"rt\": {\"key\": "
				  "\"mtu\"}} or a size 0-65535");
	}
	p = sub(path, ".mangle.key");
	sel = selector(r, key, p);
	g_free(p);
	if (!sel)
		return false;
	if (strcmp(sel->text, "meta mark") && strcmp(sel->text, "ct mark") &&
	    strcmp(sel->text, "ip dscp") && strcmp(sel->text, "ip6 dscp"))
		return nj_problem(r->c, key, path, "mangle.key: the model sets meta mark, ct mark, "
				  "ip dscp, ip6 dscp and tcp option maxseg size, not %s", sel->text);
	g_string_append_printf(out, "%s set ", sel->text);
	p = sub(path, ".mangle.value");
	ok = put_scalar(r, val, VC_WORD, p, out);
	g_free(p);
	return ok;
}

static bool nat_flags(struct rule_ctx *r, JsonNode *f, const char *path, GString *out)
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
		const char *s = is_string(e) ? json_node_get_string(e) : "";

		if (strcmp(s, "random") && strcmp(s, "fully-random") && strcmp(s, "persistent"))
			return nj_problem(r->c, e, path, "flags: expected random, fully-random or "
					  "persistent");
		g_string_append_printf(out, "%s%s", i ? "," : " ", s);
	}
	return true;
}

static bool stmt_nat(struct rule_ctx *r, const char *kind, JsonNode *stmt, JsonNode *body,
		     const char *path, GString *out)
{
	JsonObject *o = obj_of(body);
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

			show(q, sizeof(q), name);
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
		const char *f = is_string(family) ? json_node_get_string(family) : "";

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
		const char *a = is_string(addr) ? json_node_get_string(addr) : NULL;

		if (!a || !word_ok(a) || strchr(a, '[') || strchr(a, ']'))
			return nj_problem(r->c, addr, path, "%s.addr: expected an address (address "
					  "ranges, prefixes and maps are not supported)", kind);
		if (strchr(a, ':') && port)
			g_string_append_printf(out, "[%s]", a);
		else
			g_string_append(out, a);
	}
	if (port) {
		g_string_append_c(out, ':');
		pk = only_member(port, &pb);
		if (is_int(port) && json_node_get_int(port) > 0 && json_node_get_int(port) <= 65535) {
			g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(port));
		} else if (pk && !strcmp(pk, "range") && JSON_NODE_HOLDS_ARRAY(pb) &&
			   json_array_get_length(json_node_get_array(pb)) == 2 &&
			   is_int(json_array_get_element(json_node_get_array(pb), 0)) &&
			   is_int(json_array_get_element(json_node_get_array(pb), 1))) {
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

static bool stmt_reject(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
			GString *out)
{
	JsonObject *o = obj_of(body);
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
	ts = is_string(t) ? json_node_get_string(t) : "";
	if (!strcmp(ts, "tcp reset")) {
		g_string_append(out, " with tcp reset");
		return true;
	}
	if (strcmp(ts, "icmp") && strcmp(ts, "icmpv6") && strcmp(ts, "icmpx"))
		return nj_problem(r->c, t, path, "reject.type: expected \"tcp reset\", \"icmp\", "
				  "\"icmpv6\" or \"icmpx\"");
	g_string_append_printf(out, " with %s type ", ts);
	if (is_string(e) && word_ok(json_node_get_string(e))) {
		g_string_append(out, json_node_get_string(e));
	} else if (is_int(e) && json_node_get_int(e) >= 0 && json_node_get_int(e) <= 255) {
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

static bool stmt_log(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
		     GString *out)
{
	static const char *const nums[] = { "group", "snaplen", "queue-threshold" };
	JsonObject *o = obj_of(body);
	JsonNode *v;
	size_t i;

	g_string_append(out, "log");
	if (!body || JSON_NODE_HOLDS_NULL(body))
		return true;
	if (!o)
		return nj_problem(r->c, stmt, path, "log: expected null or an object");
	v = json_object_get_member(o, "prefix");
	if (v) {
		if (!is_string(v) || !quoted_ok(json_node_get_string(v)))
			return nj_problem(r->c, v, path, "log.prefix: expected a string without "
					  "quotes, backslashes or control characters");
		g_string_append_printf(out, " prefix \"%s\"", json_node_get_string(v));
	}
	v = json_object_get_member(o, "level");
	if (v) {
		if (!is_string(v) || !word_ok(json_node_get_string(v)))
			return nj_problem(r->c, v, path, "log.level: expected a level name");
		g_string_append_printf(out, " level %s", json_node_get_string(v));
	}
	for (i = 0; i < G_N_ELEMENTS(nums); i++) {
		v = json_object_get_member(o, nums[i]);
		if (!v)
			continue;
		if (!is_int(v) || json_node_get_int(v) < 0)
			return nj_problem(r->c, v, path, "log.%s: expected a number", nums[i]);
		g_string_append_printf(out, " %s %" G_GINT64_FORMAT, nums[i], json_node_get_int(v));
	}
	/* log flags only change what the kernel logs; the model's log is a no-op */
	return true;
}

static bool stmt_limit(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
		       GString *out)
{
	JsonObject *o = obj_of(body);
	JsonNode *rate, *per, *burst, *inv, *unit;
	const char *ps;

	if (is_string(body))
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
	if (unit && (!is_string(unit) || strcmp(json_node_get_string(unit), "packets")))
		return nj_problem(r->c, unit, path, "limit.rate_unit: byte rates are not supported "
				  "by the model: expected \"packets\"");
	if (!is_int(rate) || json_node_get_int(rate) < 1 || json_node_get_int(rate) > 0xffffffffLL)
		return nj_problem(r->c, rate ? rate : stmt, path, "limit.rate: expected a number "
				  "1-4294967295");
	ps = is_string(per) ? json_node_get_string(per) : "";
	if (strcmp(ps, "second") && strcmp(ps, "minute") && strcmp(ps, "hour") &&
	    strcmp(ps, "day") && strcmp(ps, "week"))
		return nj_problem(r->c, per ? per : stmt, path, "limit.per: expected second, "
				  "minute, hour, day or week");
	if (burst && (!is_int(burst) || json_node_get_int(burst) < 0 ||
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

static bool stmt_flow(struct rule_ctx *r, JsonNode *stmt, JsonNode *body, const char *path,
		      GString *out)
{
	JsonObject *o = obj_of(body);
	JsonNode *op = o ? json_object_get_member(o, "op") : NULL;
	JsonNode *ft = o ? json_object_get_member(o, "flowtable") : NULL;
	const char *fs;

	if (!is_string(op) || strcmp(json_node_get_string(op), "add") || !is_string(ft))
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
static bool stmt_text(struct rule_ctx *r, JsonNode *stmt, const char *path, GString *out)
{
	const char *s = json_node_get_string(stmt);
	size_t i;
	char q[64];

	for (i = 0; s[i]; i++) {
		if (!(g_ascii_isalnum(s[i]) || strchr(" _.:/-*@+,", s[i])))
			break;
	}
	if (s[i] || !g_str_has_prefix(s, "flow ")) {
		show(q, sizeof(q), s);
		return nj_problem(r->c, stmt, path, "expected a statement object, got the string "
				  "\"%s\" (only \"flow add @NAME\" is read as text)", q);
	}
	g_string_append(out, s);
	return true;
}

static bool statement(struct rule_ctx *r, JsonNode *stmt, const char *path, GString *out)
{
	JsonNode *body;
	const char *k;
	char q[64];

	if (is_string(stmt))
		return stmt_text(r, stmt, path, out);
	k = only_member(stmt, &body);
	if (!k)
		return nj_problem(r->c, stmt, path, "expected a statement (an object with one "
				  "member: " SUPPORTED_STATEMENTS "), got %s", nj_kind(stmt));
	if (!strcmp(k, "match"))
		return stmt_match(r, stmt, body, path, out);
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
		if (!is_string(body) || !quoted_ok(json_node_get_string(body)) ||
		    !*json_node_get_string(body))
			return nj_problem(r->c, stmt, path, "expected {\"ct helper\": NAME}");
		g_string_append_printf(out, "ct helper set \"%s\"", json_node_get_string(body));
		return true;
	}
	show(q, sizeof(q), k);
	return nj_problem(r->c, stmt, path, "unsupported statement \"%s\": expected "
			  SUPPORTED_STATEMENTS, q);
}

bool nj_rule_text(struct nj_ctx *c, u32 index, JsonObject *rule, const char *family,
		  const char *table, GString *out, GArray *cols)
{
	struct rule_ctx r = { .c = c, .family = family, .table = table };
	JsonNode *expr = json_object_get_member(rule, "expr");
	JsonNode *comment = json_object_get_member(rule, "comment");
	JsonArray *a;
	char path[64];
	u32 i, n;

	g_snprintf(path, sizeof(path), "nftables[%u].rule.expr", index);
	if (!expr || !JSON_NODE_HOLDS_ARRAY(expr))
		return nj_problem(c, expr, path, "expected an array of statements, got %s",
				  expr ? nj_kind(expr) : "nothing");
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
		if (!is_string(comment) || !quoted_ok(json_node_get_string(comment)))
			return nj_problem(c, comment, path, "expected a string without quotes, "
					  "backslashes or control characters");
		g_string_append_printf(out, " comment \"%s\"", json_node_get_string(comment));
	}
	return true;
}
