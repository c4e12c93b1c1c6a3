/* SPDX-License-Identifier: MIT */
/*
 * nft_json_expr.c - what the statements of an `nft -j` rule are made of, written the way
 * `nft list ruleset` writes them so that the core's parser (model/nft_match.c,
 * model/nft_stmt.c) reads them back: values (names, numbers, prefixes, ranges, elements),
 * anonymous sets and references to named sets and maps (inlined: the model has no named
 * sets, so a set's elements at dump time are used), selectors (meta, payload, ct keys) and
 * the match statement.
 *
 * The JSON forms are those of nftables' src/json.c (relational_expr_json, payload_expr_json,
 * meta_expr_json, ct_expr_json, set_expr_json, ...): a match is {"match": {"op", "left",
 * "right"}}, a bitmask test is op "in", "tcp flags & (a|b) == c" is a binary "&" on the left.
 *
 * Invariant: every string that lands in the text is checked for characters that could
 * change the meaning of the script (quotes, newlines, braces), so a hostile dump cannot
 * inject statements; nesting is bounded by the schema (a range or element holds scalars).
 */
#include "nft_json_internal.h"

#include <string.h>

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

/* ------------------------------------------------------------------ helpers ---- */

/* The single member of a one-member object ({"accept": null}), or NULL. */
const char *nj_only_member(JsonNode *n, JsonNode **val)
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

/* A value written as a bare word: no characters the nft lexer treats specially. */
bool nj_word_ok(const char *s)
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
bool nj_quoted_ok(const char *s)
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
	if (!*s || !nj_quoted_ok(s))
		return false;
	g_string_append_printf(out, "\"%s\"", s);
	return true;
}

char *nj_sub(const char *path, const char *fmt, ...)
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
void nj_show(char *buf, size_t size, const char *s)
{
	trace_quote(buf, size, s, strlen(s), 40);
}

/* ------------------------------------------------------------------- values ---- */

/* {"prefix": {"addr": A, "len": N}} */
static bool put_prefix(struct nj_rule *r, JsonNode *v, JsonNode *body, const char *path,
		       GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *addr = o ? json_object_get_member(o, "addr") : NULL;
	JsonNode *len = o ? json_object_get_member(o, "len") : NULL;

	if (!trace_json_is_string(addr) || !trace_json_is_int(len) || json_node_get_int(len) < 0 ||
	    json_node_get_int(len) > 128 || !nj_word_ok(json_node_get_string(addr)))
		return nj_problem(r->c, v, path, "expected a prefix {\"addr\": ADDRESS, \"len\": "
				  "0-128}");
	g_string_append_printf(out, "%s/%d", json_node_get_string(addr),
			       (int)json_node_get_int(len));
	return true;
}

/* {"range": [LO, HI]} */
static bool put_range(struct nj_rule *r, JsonNode *v, JsonNode *body, u8 vclass,
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
	p = nj_sub(path, ".range[0]");
	ok = nj_put_scalar(r, json_array_get_element(a, 0), vclass, p, out);
	g_free(p);
	if (!ok)
		return false;
	g_string_append_c(out, '-');
	p = nj_sub(path, ".range[1]");
	ok = nj_put_scalar(r, json_array_get_element(a, 1), vclass, p, out);
	g_free(p);
	return ok;
}

/* One value: a string, a non-negative integer, a prefix, a range, or {"elem": {"val"}}. */
bool nj_put_scalar(struct nj_rule *r, JsonNode *v, u8 vclass, const char *path,
		   GString *out)
{
	JsonNode *body;
	const char *k;
	char q[64];

	if (trace_json_is_string(v)) {
		const char *s = json_node_get_string(v);

		if (vclass == VC_IFNAME) {
			if (!*s || strlen(s) >= 16 || !nj_quoted_ok(s)) {
				nj_show(q, sizeof(q), s);
				return nj_problem(r->c, v, path, "expected an interface name (1 to 15 "
						  "printable characters), got \"%s\"", q);
			}
			g_string_append_printf(out, "\"%s\"", s);
			return true;
		}
		if (!nj_word_ok(s)) {
			nj_show(q, sizeof(q), s);
			return nj_problem(r->c, v, path, "expected a value (a name, number or "
					  "address), got \"%s\"", q);
		}
		g_string_append(out, s);
		return true;
	}
	if (trace_json_is_int(v)) {
		if (json_node_get_int(v) < 0)
			return nj_problem(r->c, v, path, "expected a non-negative number, got %" G_GINT64_FORMAT,
					  json_node_get_int(v));
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(v));
		return true;
	}
	k = nj_only_member(v, &body);
	if (k && !strcmp(k, "prefix"))
		return put_prefix(r, v, body, path, out);
	if (k && !strcmp(k, "range"))
		return put_range(r, v, body, vclass, path, out);
	if (k && !strcmp(k, "elem")) {
		JsonObject *o = trace_json_object(body);
		JsonNode *val = o ? json_object_get_member(o, "val") : NULL;
		char *p;
		bool ok;

		if (!val)
			return nj_problem(r->c, v, path, "expected {\"elem\": {\"val\": VALUE, ...}}");
		p = nj_sub(path, ".elem.val");
		ok = nj_put_scalar(r, val, vclass, p, out);
		g_free(p);
		return ok;
	}
	if (k && !strcmp(k, "concat"))
		return nj_problem(r->c, v, path, "concatenations are not supported by the model: "
				  "expected a single value");
	return nj_problem(r->c, v, path, "expected a value (string, number, prefix, range), got "
			  "%s%s%s", k ? "{\"" : trace_json_kind(v), k ? k : "", k ? "\": ...}" : "");
}

/* Elements of a named set or map ("@name") of the rule's table, or NULL after a problem. */
JsonArray *nj_named_elems(struct nj_rule *r, JsonNode *v, const char *ref,
			  const char *path, bool map)
{
	char *key = g_strdup_printf("%s\t%s\t%s", r->family, r->table, ref + 1);
	JsonObject *set = g_hash_table_lookup(r->c->sets, key);
	JsonNode *elem;
	char q[64];

	g_free(key);
	nj_show(q, sizeof(q), ref);
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
			   trace_json_kind(elem));
		return NULL;
	}
	if (!json_array_get_length(json_node_get_array(elem))) {
		nj_problem(r->c, v, path, "%s is empty: the model has no empty sets (a rule "
			   "matching it never matches)", q);
		return NULL;
	}
	return json_node_get_array(elem);
}

/* The values of a, "v, w" in braces (a set), or "v,w" (a flag list) when flags. */
static bool put_values(struct nj_rule *r, JsonArray *a, u8 vclass, bool flags,
		       const char *path, GString *out)
{
	u32 i, n = json_array_get_length(a);

	if (!flags)
		g_string_append(out, "{ ");
	for (i = 0; i < n; i++) {
		char *p = nj_sub(path, "[%u]", i);
		bool ok;

		if (i)
			g_string_append(out, flags ? "," : ", ");
		ok = nj_put_scalar(r, json_array_get_element(a, i), vclass, p, out);
		g_free(p);
		if (!ok)
			return false;
	}
	if (!flags)
		g_string_append(out, " }");
	return true;
}

static bool put_elems(struct nj_rule *r, JsonArray *a, u8 vclass, const char *path,
		      GString *out)
{
	return put_values(r, a, vclass, false, path, out);
}

/* The right-hand side of a match: a value, a set, a list (bitmask), "@set". */
static bool put_rhs(struct nj_rule *r, JsonNode *v, u8 vclass, const char *path,
		    GString *out)
{
	JsonNode *body;
	const char *k;

	if (trace_json_is_string(v) && json_node_get_string(v)[0] == '@') {
		JsonArray *a = nj_named_elems(r, v, json_node_get_string(v), path, false);

		return a && put_elems(r, a, vclass, path, out);
	}
	if (v && JSON_NODE_HOLDS_ARRAY(v)) {
		JsonArray *a = json_node_get_array(v);

		if (!json_array_get_length(a))
			return nj_problem(r->c, v, path, "expected at least one value in the list");
		return put_values(r, a, vclass, vclass == VC_FLAGS, path, out);
	}
	k = nj_only_member(v, &body);
	if (k && !strcmp(k, "set")) {
		char *p = nj_sub(path, ".set");
		bool ok;

		if (body && JSON_NODE_HOLDS_ARRAY(body) &&
		    json_array_get_length(json_node_get_array(body))) {
			ok = put_elems(r, json_node_get_array(body), vclass, p, out);
		} else if (body && !JSON_NODE_HOLDS_ARRAY(body) && !JSON_NODE_HOLDS_NULL(body)) {
			/* SET := EXPRESSION: a set of one */
			g_string_append(out, "{ ");
			ok = nj_put_scalar(r, body, vclass, p, out);
			g_string_append(out, " }");
		} else {
			ok = nj_problem(r->c, v, p, "expected a non-empty array of set elements");
		}
		g_free(p);
		return ok;
	}
	return nj_put_scalar(r, v, vclass, path, out);
}

/* ---------------------------------------------------------------- selectors ---- */

/* {"meta": {"key"}}, {"payload": {"protocol", "field"}}, {"ct": {"key"}} */
const struct nj_sel *nj_selector(struct nj_rule *r, JsonNode *n, const char *path)
{
	JsonNode *body;
	const char *k = nj_only_member(n, &body);
	JsonObject *o = trace_json_object(body);
	const char *proto = NULL, *field = NULL;
	char q1[64], q2[64];
	size_t i;

	if (k && o && !strcmp(k, "meta") && trace_json_is_string(json_object_get_member(o, "key"))) {
		proto = "meta";
		field = json_object_get_string_member(o, "key");
	} else if (k && o && !strcmp(k, "ct") && trace_json_is_string(json_object_get_member(o, "key"))) {
		if (json_object_has_member(o, "dir") || json_object_has_member(o, "family")) {
			nj_problem(r->c, n, path, "ct keys with a direction or family are not "
				   "supported: expected one of " SUPPORTED_SELECTORS);
			return NULL;
		}
		proto = "ct";
		field = json_object_get_string_member(o, "key");
	} else if (k && o && !strcmp(k, "payload") &&
		   trace_json_is_string(json_object_get_member(o, "protocol")) &&
		   trace_json_is_string(json_object_get_member(o, "field"))) {
		proto = json_object_get_string_member(o, "protocol");
		field = json_object_get_string_member(o, "field");
	} else {
		nj_problem(r->c, n, path, "expected a selector ({\"meta\": {\"key\": K}}, "
			   "{\"payload\": {\"protocol\": P, \"field\": F}} or {\"ct\": {\"key\": K}}), "
			   "got %s%s%s", k ? "{\"" : trace_json_kind(n), k ? k : "", k ? "\": ...}" : "");
		return NULL;
	}
	for (i = 0; i < G_N_ELEMENTS(selectors); i++)
		if (!strcmp(selectors[i].proto, proto) && !strcmp(selectors[i].field, field))
			return &selectors[i];
	nj_show(q1, sizeof(q1), proto);
	nj_show(q2, sizeof(q2), field);
	nj_problem(r->c, n, path, "unsupported selector %s %s: expected one of "
		   SUPPORTED_SELECTORS, q1, q2);
	return NULL;
}

/* ------------------------------------------------------------------ matches ---- */

bool nj_stmt_match(struct nj_rule *r, JsonNode *stmt, JsonNode *body, const char *path,
		   GString *out)
{
	JsonObject *o = trace_json_object(body);
	JsonNode *left = o ? json_object_get_member(o, "left") : NULL;
	JsonNode *right = o ? json_object_get_member(o, "right") : NULL;
	JsonNode *op = o ? json_object_get_member(o, "op") : NULL;
	const struct nj_sel *sel;
	const char *ops, *binop;
	JsonNode *lb;
	char *p;
	bool ok;

	if (!left || !right || !trace_json_is_string(op))
		return nj_problem(r->c, stmt, path, "expected {\"match\": {\"op\": OP, \"left\": "
				  "EXPRESSION, \"right\": EXPRESSION}}");
	ops = json_node_get_string(op);
	if (strcmp(ops, "==") && strcmp(ops, "!=") && strcmp(ops, "<") && strcmp(ops, ">") &&
	    strcmp(ops, "<=") && strcmp(ops, ">=") && strcmp(ops, "in")) {
		char q[64];

		nj_show(q, sizeof(q), ops);
		return nj_problem(r->c, op, path, "match.op: expected ==, !=, <, >, <=, >= or in, "
				  "got \"%s\"", q);
	}
	binop = nj_only_member(left, &lb);
	if (binop && !strcmp(binop, "&")) {
		/* "tcp flags & (fin | syn | rst | ack) == syn" */
		JsonArray *a = lb && JSON_NODE_HOLDS_ARRAY(lb) ? json_node_get_array(lb) : NULL;

		p = nj_sub(path, ".match.left.&[0]");
		if (!a || json_array_get_length(a) != 2) {
			g_free(p);
			return nj_problem(r->c, left, path, "match.left: expected {\"&\": [SELECTOR, "
					  "MASK]}");
		}
		sel = nj_selector(r, json_array_get_element(a, 0), p);
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
		p = nj_sub(path, ".match.left.&[1]");
		ok = put_rhs(r, json_array_get_element(a, 1), VC_FLAGS, p, out);
		g_free(p);
		if (!ok)
			return false;
		/* the core reads flag lists in parentheses with '|' as well as ',' */
		g_string_append_printf(out, ") %s ", ops);
		p = nj_sub(path, ".match.right");
		ok = put_rhs(r, right, VC_FLAGS, p, out);
		g_free(p);
		return ok;
	}
	if (binop && (!strcmp(binop, "|") || !strcmp(binop, "^") || !strcmp(binop, "<<") ||
		      !strcmp(binop, ">>")))
		return nj_problem(r->c, left, path, "match.left: the binary operation \"%s\" is not "
				  "supported (only & on tcp flags)", binop);
	p = nj_sub(path, ".match.left");
	sel = nj_selector(r, left, p);
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
	p = nj_sub(path, ".match.right");
	ok = put_rhs(r, right, sel->vclass, p, out);
	g_free(p);
	return ok;
}
