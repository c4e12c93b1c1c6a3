// SPDX-License-Identifier: MIT
/*
 * uci.c - UCI file parser and the /etc/config/firewall reader (see uci.h).
 *
 * The file grammar is libuci's (file.c: uci_parse_line/parse_str): one statement per
 * line, words separated by blanks, '#' comments, '...' literal quotes, "..." quotes and
 * bare words with backslash escapes, adjacent parts glued into one value.
 *
 * The firewall mapping follows firewall4's fw4.uc: the same option names, value
 * syntaxes (parse_bool, parse_policy's case-insensitive prefix match, parse_port,
 * parse_family, parse_protocol, parse_limit, the ICMP type names) and defaults
 * (rule proto "tcpudp", zone policies inherited from `config defaults`, redirect target
 * "dnat").  Sections are processed in fw4's order regardless of file order.
 */
#include "uci.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuple.h"

G_DEFINE_QUARK(flowsim-uci-error-quark, uci_error)

/* ---------------------------------------------------------------- file syntax */

static void option_free(gpointer p)
{
	struct uci_option *o = p;

	g_free(o->name);
	g_ptr_array_unref(o->values);
	g_free(o);
}

static void section_free(gpointer p)
{
	struct uci_section *s = p;

	g_free(s->type);
	g_free(s->name);
	g_ptr_array_unref(s->options);
	g_free(s);
}

void uci_file_free(struct uci_file *f)
{
	if (!f)
		return;
	g_free(f->path);
	g_ptr_array_unref(f->sections);
	g_free(f);
}

static gboolean valid_name(const char *s, gboolean dash)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && !(dash && *s == '-'))
			return FALSE;
	return TRUE;
}

/*
 * Split one line into words.  Returns the number of words, or -1 with *err set.
 * Bounded by the line length: every iteration consumes at least one character.
 */
static int split_line(const char *line, GPtrArray *words, const char **err)
{
	const char *p = line;

	for (;;) {
		GString *w;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		w = g_string_new(NULL);
		while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					g_string_append_c(w, *p++);
				if (*p != '\'') {
					*err = "unterminated single quote: expected a closing '";
					g_string_free(w, TRUE);
					return -1;
				}
				p++;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1])
						p++;
					g_string_append_c(w, *p++);
				}
				if (*p != '"') {
					*err = "unterminated double quote: expected a closing \"";
					g_string_free(w, TRUE);
					return -1;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				g_string_append_c(w, p[1]);
				p += 2;
			} else {
				g_string_append_c(w, *p++);
			}
		}
		g_ptr_array_add(words, g_string_free(w, FALSE));
	}
	return (int)words->len;
}

static gboolean syntax_error(GError **error, const char *path, guint line, const char *msg)
{
	g_set_error(error, UCI_ERROR, UCI_ERROR_SYNTAX, "%s:%u: %s", path, line, msg);
	return FALSE;
}

static gboolean parse_statement(struct uci_file *f, GPtrArray *w, guint line,
				struct uci_section **cur, GHashTable *type_count, GError **error)
{
	const char *kw = g_ptr_array_index(w, 0);
	char msg[200];

	if (!strcmp(kw, "package")) {
		if (w->len != 2)
			return syntax_error(error, f->path, line, "expected 'package NAME'");
		return TRUE;
	}
	if (!strcmp(kw, "config")) {
		struct uci_section *s;
		const char *type, *name;
		guint idx;

		if (w->len < 2 || w->len > 3)
			return syntax_error(error, f->path, line,
					    "expected 'config TYPE' or 'config TYPE NAME'");
		type = g_ptr_array_index(w, 1);
		name = w->len == 3 ? g_ptr_array_index(w, 2) : NULL;
		if (!valid_name(type, TRUE)) {
			g_snprintf(msg, sizeof(msg), "invalid section type '%s': expected letters, "
				   "digits, '_' or '-'", type);
			return syntax_error(error, f->path, line, msg);
		}
		if (name && !valid_name(name, FALSE)) {
			g_snprintf(msg, sizeof(msg), "invalid section name '%s': expected letters, "
				   "digits or '_'", name);
			return syntax_error(error, f->path, line, msg);
		}
		idx = GPOINTER_TO_UINT(g_hash_table_lookup(type_count, type));
		g_hash_table_replace(type_count, g_strdup(type), GUINT_TO_POINTER(idx + 1));
		s = g_new0(struct uci_section, 1);
		s->type = g_strdup(type);
		s->name = g_strdup(name);
		s->line = line;
		s->index = idx;
		s->options = g_ptr_array_new_with_free_func(option_free);
		g_ptr_array_add(f->sections, s);
		*cur = s;
		return TRUE;
	}
	if (!strcmp(kw, "option") || !strcmp(kw, "list")) {
		gboolean list = kw[0] == 'l';
		const char *name;
		struct uci_option *o = NULL;
		guint i;

		if (!*cur) {
			g_snprintf(msg, sizeof(msg), "'%s' outside a section: expected 'config TYPE' "
				   "first", kw);
			return syntax_error(error, f->path, line, msg);
		}
		if (w->len != 3) {
			g_snprintf(msg, sizeof(msg), "expected '%s NAME VALUE'%s", kw,
				   w->len > 3 ? " (quote values that contain spaces)" : "");
			return syntax_error(error, f->path, line, msg);
		}
		name = g_ptr_array_index(w, 1);
		if (!valid_name(name, FALSE)) {
			g_snprintf(msg, sizeof(msg), "invalid option name '%s': expected letters, "
				   "digits or '_'", name);
			return syntax_error(error, f->path, line, msg);
		}
		if (list) {
			for (i = 0; i < (*cur)->options->len; i++) {
				struct uci_option *e = g_ptr_array_index((*cur)->options, i);

				if (!strcmp(e->name, name) && e->is_list)
					o = e;
			}
		}
		if (!o) {
			o = g_new0(struct uci_option, 1);
			o->name = g_strdup(name);
			o->values = g_ptr_array_new_with_free_func(g_free);
			o->is_list = list;
			o->line = line;
			g_ptr_array_add((*cur)->options, o);
		}
		g_ptr_array_add(o->values, g_strdup(g_ptr_array_index(w, 2)));
		return TRUE;
	}
	g_snprintf(msg, sizeof(msg), "unknown keyword '%s': expected config, option, list or "
		   "package", kw);
	return syntax_error(error, f->path, line, msg);
}

struct uci_file *uci_parse(const char *path, const char *text, gsize len, GError **error)
{
	struct uci_file *f = g_new0(struct uci_file, 1);
	GHashTable *type_count = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct uci_section *cur = NULL;
	GString *logical = g_string_new(NULL);
	gsize pos = 0;
	guint line = 0, start_line = 0;
	gboolean ok = TRUE;

	f->path = g_strdup(path ? path : "<uci>");
	f->sections = g_ptr_array_new_with_free_func(section_free);
	while (ok && pos < len) {
		gsize end = pos;
		GPtrArray *words;
		const char *err = NULL;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (!logical->len)
			start_line = line;
		if (memchr(text + pos, '\0', end - pos)) {
			ok = syntax_error(error, f->path, line, "NUL byte in file");
			break;
		}
		g_string_append_len(logical, text + pos, (gssize)(end - pos));
		pos = end < len ? end + 1 : end;
		/* a backslash at the end of a line continues the statement */
		if (logical->len && logical->str[logical->len - 1] == '\\' &&
		    (logical->len < 2 || logical->str[logical->len - 2] != '\\')) {
			g_string_truncate(logical, logical->len - 1);
			if (pos < len)
				continue;
		}
		words = g_ptr_array_new_with_free_func(g_free);
		if (split_line(logical->str, words, &err) < 0)
			ok = syntax_error(error, f->path, start_line, err);
		else if (words->len)
			ok = parse_statement(f, words, start_line, &cur, type_count, error);
		g_ptr_array_unref(words);
		g_string_truncate(logical, 0);
	}
	g_string_free(logical, TRUE);
	g_hash_table_unref(type_count);
	if (!ok) {
		uci_file_free(f);
		return NULL;
	}
	return f;
}

struct uci_file *uci_load(const char *path, GError **error)
{
	struct uci_file *f;
	GError *e = NULL;
	char *text;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(error, UCI_ERROR, UCI_ERROR_IO, "%s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	f = uci_parse(path, text, len, error);
	g_free(text);
	return f;
}

const struct uci_option *uci_section_option(const struct uci_section *s, const char *name)
{
	const struct uci_option *found = NULL;
	guint i;

	for (i = 0; i < s->options->len; i++) {
		const struct uci_option *o = g_ptr_array_index(s->options, i);

		if (!strcmp(o->name, name))
			found = o;
	}
	return found;
}

/* ---------------------------------------------------------------- firewall mapping */

struct fwctx {
	const struct uci_file *f;
	struct fw4_config *c;
	GPtrArray *warnings;
	GError **error;
	gboolean failed;
	guint8 zone_disabled_names[FW4_MAX_ZONES * 4][FW4_NAME];
	guint num_disabled;
	gboolean set_in[FW4_MAX_ZONES], set_out[FW4_MAX_ZONES], set_fwd[FW4_MAX_ZONES];
};

static char *section_label(const struct uci_section *s)
{
	const struct uci_option *n = uci_section_option(s, "name");
	char *id = s->name ? g_strdup(s->name) : g_strdup_printf("@%s[%u]", s->type, s->index);
	char *label;

	if (n && n->values->len && strcmp(s->type, "zone"))
		label = g_strdup_printf("section %s (%s)", id,
					(const char *)g_ptr_array_index(n->values, 0));
	else if (n && n->values->len)
		label = g_strdup_printf("zone %s (%s)", id,
					(const char *)g_ptr_array_index(n->values, 0));
	else
		label = g_strdup_printf("section %s", id);
	g_free(id);
	return label;
}

static void warn(struct fwctx *x, const struct uci_section *s, guint line, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
static void warn(struct fwctx *x, const struct uci_section *s, guint line, const char *fmt, ...)
{
	char *label = section_label(s), *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (x->warnings)
		g_ptr_array_add(x->warnings, g_strdup_printf("%s:%u: %s: %s", x->f->path, line,
							     label, msg));
	g_free(msg);
	g_free(label);
}

static int fail(struct fwctx *x, const struct uci_section *s, guint line, int code,
		const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static int fail(struct fwctx *x, const struct uci_section *s, guint line, int code,
		const char *fmt, ...)
{
	char *label = section_label(s), *msg;
	va_list ap;

	if (!x->failed) {
		va_start(ap, fmt);
		msg = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		g_set_error(x->error, UCI_ERROR, code, "%s:%u: %s: %s", x->f->path, line, label,
			    msg);
		g_free(msg);
	}
	x->failed = TRUE;
	g_free(label);
	return -1;
}

/* The single value of an option (the last, for a list, with a warning). */
static const char *opt1(struct fwctx *x, const struct uci_section *s, const char *name,
			guint *line)
{
	const struct uci_option *o = uci_section_option(s, name);

	if (!o || !o->values->len)
		return NULL;
	*line = o->line;
	if (o->values->len > 1 || o->is_list)
		warn(x, s, o->line, "option '%s' must not be a list; using its last value", name);
	return g_ptr_array_index(o->values, o->values->len - 1);
}

/* Values of an option or list; options are split at blanks (fw4's to_array). */
static GPtrArray *optlist(const struct uci_section *s, const char *name, guint *line)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint i, j;

	*line = s->line;
	for (i = 0; i < s->options->len; i++) {
		const struct uci_option *o = g_ptr_array_index(s->options, i);

		if (strcmp(o->name, name))
			continue;
		*line = o->line;
		for (j = 0; j < o->values->len; j++) {
			const char *v = g_ptr_array_index(o->values, j);

			if (o->is_list) {
				char *t = g_strstrip(g_strdup(v));

				if (*t)
					g_ptr_array_add(out, t);
				else
					g_free(t);
			} else {
				char **parts = g_strsplit_set(v, " \t", -1);
				char **p;

				for (p = parts; *p; p++)
					if (**p)
						g_ptr_array_add(out, g_strdup(*p));
				g_strfreev(parts);
			}
		}
	}
	return out;
}

static int get_bool(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out)
{
	guint line;
	const char *v = opt1(x, s, name, &line);

	if (!v)
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 1;
	}
	if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
		*out = 0;
		return 1;
	}
	return fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': expected "
		    "a boolean (1/0, on/off, true/false, yes/no)", name, v);
}

/* fw4 parse_enum: the value is a case-insensitive prefix of one of the choices */
static int enum_prefix(const char *v, const char *const *choices)
{
	size_t n = strlen(v);
	int i;

	if (!n)
		return -1;
	for (i = 0; choices[i]; i++)
		if (!g_ascii_strncasecmp(choices[i], v, n))
			return i;
	return -1;
}

static int get_policy(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out)
{
	static const char *const choices[] = { "accept", "reject", "drop", NULL };
	guint line;
	const char *v = opt1(x, s, name, &line);
	int i;

	if (!v)
		return 0;
	i = enum_prefix(v, choices);
	if (i < 0)
		return fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': "
			    "expected ACCEPT, REJECT or DROP", name, v);
	*out = i == 0 ? FW4_ACCEPT : i == 1 ? FW4_REJECT : FW4_DROP;
	return 1;
}

static int parse_uint(const char *v, guint64 max, guint64 *out)
{
	char *end;
	guint64 n;

	if (!*v || !g_ascii_isdigit(*v))
		return -1;
	errno = 0;
	n = g_ascii_strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*out = n;
	return 0;
}

/* "N[/unit]" (fw4 parse_limit); returns packets per second, rounded up */
static int get_limit(struct fwctx *x, const struct uci_section *s, const char *name,
		     const char *v, guint line, u32 *rate)
{
	static const char *const units[] = { "second", "minute", "hour", "day", NULL };
	static const u32 secs[] = { 1, 60, 3600, 86400 };
	char *num = g_strdup(v), *slash = strchr(num, '/');
	guint64 n;
	int u = 0;

	if (slash) {
		*slash = '\0';
		u = enum_prefix(slash + 1, units);
	}
	if (u < 0 || parse_uint(num, 0xffffffffu, &n) || !n) {
		g_free(num);
		return fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': "
			    "expected a rate like 25/second", name, v);
	}
	g_free(num);
	if (secs[u] > 1) {
		*rate = (u32)((n + secs[u] - 1) / secs[u]);
		warn(x, s, line, "limit '%s': the model keeps per-second rates; using %u/second",
		     v, *rate);
	} else {
		*rate = (u32)n;
	}
	return 1;
}

static int get_int(struct fwctx *x, const struct uci_section *s, const char *name, u32 *out)
{
	guint line;
	const char *v = opt1(x, s, name, &line);
	guint64 n;

	if (!v)
		return 0;
	if (parse_uint(v, 0xffffffffu, &n))
		return fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': "
			    "expected a non-negative integer", name, v);
	*out = (u32)n;
	return 1;
}

/* port "N", "N-M" or "N:M" (fw4 parse_port) */
static int parse_port(const char *v, u16 *lo, u16 *hi)
{
	char *copy = g_strdup(v), *sep = strpbrk(copy, "-:");
	guint64 a, b;
	int rc = -1;

	if (sep)
		*sep = '\0';
	if (!parse_uint(copy, 65535, &a)) {
		b = a;
		if (!sep || !parse_uint(sep + 1, 65535, &b)) {
			if (a <= b) {
				*lo = (u16)a;
				*hi = (u16)b;
				rc = 0;
			}
		}
	}
	g_free(copy);
	return rc;
}

static int get_family(struct fwctx *x, const struct uci_section *s, u8 *family)
{
	guint line;
	const char *v = opt1(x, s, "family", &line);

	if (!v)
		return 0;
	if (!strcmp(v, "any") || !strcmp(v, "all") || !strcmp(v, "*"))
		*family = 0;
	else if (!strcmp(v, "inet") || strchr(v, '4'))
		*family = FS_AF_INET;
	else if (strchr(v, '6'))
		*family = FS_AF_INET6;
	else
		return fail(x, s, line, UCI_ERROR_VALUE, "option 'family' has invalid value '%s': "
			    "expected ipv4, ipv6 or any", v);
	return 1;
}

struct proto_name {
	const char *name;
	u8 num;
};

static const struct proto_name protos[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "tcp", 6 }, { "udp", 17 },
	{ "ipv6", 41 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "icmpv6", 58 },
	{ "ipv6-icmp", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

/* proto list (fw4 parse_protocol); *family_force = 6 for icmpv6 */
static int get_proto(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r,
		     u8 *family_force)
{
	guint line, i, k;
	GPtrArray *v = optlist(s, "proto", &line);
	gboolean any = FALSE;
	int rc = 0;

	if (!v->len)
		g_ptr_array_add(v, g_strdup("tcpudp"));
	for (i = 0; i < v->len && !rc; i++) {
		char *p = g_ascii_strdown(g_ptr_array_index(v, i), -1);
		guint64 num = 256;

		if (p[0] == '!') {
			warn(x, s, line, "negated protocol '%s' is not modelled; section skipped", p);
			rc = 2;
		} else if (!strcmp(p, "all") || !strcmp(p, "any") || !strcmp(p, "*")) {
			any = TRUE;
		} else if (!strcmp(p, "tcpudp")) {
			r->proto_mask |= FW4_PROTO_TCP | FW4_PROTO_UDP;
		} else {
			for (k = 0; k < G_N_ELEMENTS(protos); k++)
				if (!strcmp(p, protos[k].name))
					num = protos[k].num;
			if (num == 256 && parse_uint(p, 255, &num))
				rc = fail(x, s, line, UCI_ERROR_VALUE, "option 'proto' has invalid "
					  "value '%s': expected tcp, udp, tcpudp, icmp, icmpv6, a "
					  "protocol name or number, or all", p);
			else if (num == 6)
				r->proto_mask |= FW4_PROTO_TCP;
			else if (num == 17)
				r->proto_mask |= FW4_PROTO_UDP;
			else if (num == 1 || num == 58) {
				r->proto_mask |= FW4_PROTO_ICMP;
				if (num == 58)
					*family_force = FS_AF_INET6;
			} else if (r->proto_mask & FW4_PROTO_OTHER) {
				warn(x, s, line, "only one protocol besides tcp, udp and icmp is "
				     "modelled; ignoring '%s'", p);
			} else {
				r->proto_mask |= FW4_PROTO_OTHER;
				r->proto_other = (u8)num;
			}
		}
		g_free(p);
	}
	if (any && !rc)
		r->proto_mask = 0;
	g_ptr_array_unref(v);
	return rc;
}

struct icmp_name {
	const char *name;
	gint16 v4;   /* -1: not an IPv4 name */
	gint16 v6;
};

/* ICMP/ICMPv6 type names as fw4 knows them (RFC 792 / RFC 4443 type numbers) */
static const struct icmp_name icmp_names[] = {
	{ "echo-reply", 0, 129 }, { "pong", 0, 129 },
	{ "destination-unreachable", 3, 1 }, { "network-unreachable", 3, -1 },
	{ "host-unreachable", 3, -1 }, { "protocol-unreachable", 3, -1 },
	{ "port-unreachable", 3, 1 }, { "fragmentation-needed", 3, -1 },
	{ "source-route-failed", 3, -1 }, { "network-unknown", 3, -1 },
	{ "host-unknown", 3, -1 }, { "network-prohibited", 3, -1 },
	{ "host-prohibited", 3, -1 }, { "communication-prohibited", 3, 1 },
	{ "no-route", -1, 1 }, { "address-unreachable", -1, 1 },
	{ "source-quench", 4, -1 }, { "redirect", 5, 137 }, { "network-redirect", 5, -1 },
	{ "host-redirect", 5, -1 }, { "echo-request", 8, 128 }, { "ping", 8, 128 },
	{ "router-advertisement", 9, 134 }, { "router-solicitation", 10, 133 },
	{ "time-exceeded", 11, 3 }, { "ttl-exceeded", 11, 3 },
	{ "ttl-zero-during-transit", 11, 3 }, { "ttl-zero-during-reassembly", 11, 3 },
	{ "parameter-problem", 12, 4 }, { "ip-header-bad", 12, -1 },
	{ "required-option-missing", 12, -1 }, { "timestamp-request", 13, -1 },
	{ "timestamp-reply", 14, -1 }, { "address-mask-request", 17, -1 },
	{ "address-mask-reply", 18, -1 }, { "packet-too-big", -1, 2 },
	{ "bad-header", -1, 4 }, { "unknown-header-type", -1, 4 }, { "unknown-option", -1, 4 },
	{ "multicast-listener-query", -1, 130 }, { "multicast-listener-report", -1, 131 },
	{ "multicast-listener-done", -1, 132 }, { "neighbour-solicitation", -1, 135 },
	{ "neighbor-solicitation", -1, 135 }, { "neighbour-advertisement", -1, 136 },
	{ "neighbor-advertisement", -1, 136 }, { "v2-multicast-listener-report", -1, 143 },
};

static void add_type(u8 *list, u8 *n, u8 t)
{
	u8 i;

	for (i = 0; i < *n; i++)
		if (list[i] == t)
			return;
	if (*n < FW4_MAX_ICMP)
		list[(*n)++] = t;
}

static int get_icmp_types(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r)
{
	guint line, i, k;
	GPtrArray *v = optlist(s, "icmp_type", &line);
	int rc = 0;

	for (i = 0; i < v->len && !rc; i++) {
		const char *t = g_ptr_array_index(v, i);
		gboolean found = FALSE;
		guint64 type, code;
		char *copy, *slash;

		if (!strcmp(t, "any"))
			continue;
		for (k = 0; k < G_N_ELEMENTS(icmp_names); k++) {
			if (strcmp(t, icmp_names[k].name))
				continue;
			found = TRUE;
			if (icmp_names[k].v4 >= 0 && r->family != FS_AF_INET6)
				add_type(r->icmp_type, &r->num_icmp_types, (u8)icmp_names[k].v4);
			if (icmp_names[k].v6 >= 0 && r->family != FS_AF_INET)
				add_type(r->icmp6_type, &r->num_icmp6_types, (u8)icmp_names[k].v6);
		}
		if (found)
			continue;
		/* "type" or "type/code": both families; codes are not modelled */
		copy = g_strdup(t);
		slash = strchr(copy, '/');
		if (slash)
			*slash = '\0';
		if (parse_uint(copy, 255, &type) || (slash && parse_uint(slash + 1, 255, &code))) {
			rc = fail(x, s, line, UCI_ERROR_VALUE, "option 'icmp_type' has invalid "
				  "value '%s': expected an ICMP type name, TYPE or TYPE/CODE", t);
		} else {
			if (r->family != FS_AF_INET6)
				add_type(r->icmp_type, &r->num_icmp_types, (u8)type);
			if (r->family != FS_AF_INET)
				add_type(r->icmp6_type, &r->num_icmp6_types, (u8)type);
		}
		g_free(copy);
	}
	if (r->num_icmp_types + r->num_icmp6_types > 2 * FW4_MAX_ICMP - 2)
		warn(x, s, line, "more than %d ICMP types; the rest are ignored", FW4_MAX_ICMP);
	g_ptr_array_unref(v);
	return rc;
}

/* address or prefix: "a.b.c.d", "a.b.c.d/24", "a.b.c.d/255.255.255.0", "fe80::/10" */
static int parse_prefix(const char *v, union fs_addr *a, u8 *plen, u8 *family)
{
	char *copy = g_strdup(v), *slash = strchr(copy, '/');
	int fam;
	guint64 n;
	int rc = -1;

	if (slash)
		*slash = '\0';
	fam = fs_addr_parse(copy, strlen(copy), a);
	if (fam) {
		u32 max = fam == FS_AF_INET ? 32 : 128;

		*family = (u8)fam;
		*plen = (u8)max;
		rc = 0;
		if (slash) {
			union fs_addr m;

			if (!parse_uint(slash + 1, max, &n)) {
				*plen = (u8)n;
			} else if (fam == FS_AF_INET &&
				   fs_addr_parse(slash + 1, strlen(slash + 1), &m) == FS_AF_INET) {
				u32 bits = 0, mm = m.ip;

				while (mm & 0x80000000u) {
					bits++;
					mm <<= 1;
				}
				if (mm)
					rc = -1;
				*plen = (u8)bits;
			} else {
				rc = -1;
			}
		}
	}
	g_free(copy);
	return rc;
}

static int get_addr(struct fwctx *x, const struct uci_section *s, const char *name,
		    union fs_addr *a, u8 *plen, u8 *family, gboolean *skip)
{
	guint line;
	GPtrArray *v = optlist(s, name, &line);
	const char *first;
	int rc = 0;

	if (!v->len) {
		g_ptr_array_unref(v);
		return 0;
	}
	first = g_ptr_array_index(v, 0);
	if (v->len > 1)
		warn(x, s, line, "option '%s': only the first of %u addresses is modelled", name,
		     v->len);
	if (first[0] == '!') {
		warn(x, s, line, "negated address '%s' is not modelled; section skipped", first);
		*skip = TRUE;
	} else if (parse_prefix(first, a, plen, family)) {
		if (g_ascii_isalpha(first[0]))
			warn(x, s, line, "option '%s' names network '%s': network addresses are not "
			     "modelled; section skipped", name, first);
		else
			rc = fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': "
				  "expected an IPv4/IPv6 address or prefix", name, first);
		*skip = TRUE;
	} else {
		rc = 1;
	}
	g_ptr_array_unref(v);
	return rc;
}

/* Options fw4 understands: not in `used` but here are recognised, warned as unmodelled. */
static void check_options(struct fwctx *x, const struct uci_section *s,
			  const char *const *used, const char *const *known,
			  const char *const *unsupported)
{
	guint i;
	int k;

	for (i = 0; i < s->options->len; i++) {
		const struct uci_option *o = g_ptr_array_index(s->options, i);
		gboolean hit = FALSE;

		for (k = 0; used[k] && !hit; k++)
			hit = !strcmp(used[k], o->name);
		if (hit)
			continue;
		for (k = 0; known && known[k] && !hit; k++)
			hit = !strcmp(known[k], o->name);
		if (hit) {
			warn(x, s, o->line, "option '%s' is not modelled by flowsim (ignored)",
			     o->name);
			continue;
		}
		for (k = 0; unsupported && unsupported[k] && !hit; k++)
			hit = !strcmp(unsupported[k], o->name);
		if (hit) {
			warn(x, s, o->line, "option '%s' is not supported by fw4 (ignored)", o->name);
			continue;
		}
		warn(x, s, o->line, "specifies unknown option '%s' (ignored)", o->name);
	}
}

static gboolean section_enabled(struct fwctx *x, const struct uci_section *s)
{
	u8 en = 1;

	if (get_bool(x, s, "enabled", &en) < 0)
		return FALSE;
	if (!en)
		warn(x, s, s->line, "is disabled, ignoring section");
	return en;
}

/* --- defaults --- */

static void do_defaults(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"input", "output", "forward", "drop_invalid", "syn_flood", "synflood_protect",
		"synflood_rate", "synflood_burst", "flow_offloading", "flow_offloading_hw",
		"auto_helper", NULL,
	};
	static const char *const known[] = {
		"drop_invalid_early", "tcp_reject_code", "any_reject_code", "tcp_syncookies",
		"tcp_ecn", "tcp_window_scaling", "accept_redirects", "accept_source_route",
		"flow_offloading_related", "auto_includes", NULL,
	};
	static const char *const unsupported[] = { "custom_chains", "disable_ipv6", NULL };
	struct fw4_defaults *d = &x->c->defaults;
	u8 syn_flood = 0, protect = 0;
	int has_sf, has_p;
	guint line;
	const char *rate;

	get_policy(x, s, "input", &d->input);
	get_policy(x, s, "output", &d->output);
	get_policy(x, s, "forward", &d->forward);
	get_bool(x, s, "drop_invalid", &d->drop_invalid);
	has_sf = get_bool(x, s, "syn_flood", &syn_flood);
	has_p = get_bool(x, s, "synflood_protect", &protect);
	/* fw4: synflood_protect wins; syn_flood is the fw3 alias */
	if (has_p > 0)
		d->syn_flood = protect;
	else if (has_sf > 0)
		d->syn_flood = syn_flood;
	rate = opt1(x, s, "synflood_rate", &line);
	if (rate)
		get_limit(x, s, "synflood_rate", rate, line, &d->synflood_rate);
	get_int(x, s, "synflood_burst", &d->synflood_burst);
	get_bool(x, s, "flow_offloading", &d->flow_offloading);
	get_bool(x, s, "flow_offloading_hw", &d->flow_offloading_hw);
	get_bool(x, s, "auto_helper", &d->auto_helper);
	if (!x->failed)
		check_options(x, s, used, known, unsupported);
}

/* --- zones --- */

static gboolean valid_identifier(const char *v)
{
	/* fw4 parse_identifier: ^[a-zA-Z_.][a-zA-Z0-9/_.-]*$ */
	if (!g_ascii_isalpha(*v) && *v != '_' && *v != '.')
		return FALSE;
	for (v++; *v; v++)
		if (!g_ascii_isalnum(*v) && !strchr("/_.-", *v))
			return FALSE;
	return TRUE;
}

static void do_zone(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "network", "input", "output", "forward", "masq", "masq6", "mtu_fix",
		"masq_allow_invalid", "auto_helper", "enabled", NULL,
	};
	static const char *const known[] = {
		"family", "device", "subnet", "masq_src", "masq_dest", "log", "log_limit",
		"helper", "counter", NULL,
	};
	static const char *const unsupported[] = {
		"extra", "extra_src", "extra_dest", "custom_chains", NULL,
	};
	struct fw4_zone *z;
	const char *name;
	guint line, i, zi;
	GPtrArray *nets;
	u8 ah = 1;

	name = opt1(x, s, "name", &line);
	if (!name) {
		fail(x, s, s->line, UCI_ERROR_VALUE, "option 'name' is mandatory but not set");
		return;
	}
	if (!valid_identifier(name) || strlen(name) >= FW4_NAME) {
		fail(x, s, line, UCI_ERROR_VALUE, "option 'name' has invalid value '%s': expected "
		     "an identifier of at most %d characters", name, FW4_NAME - 1);
		return;
	}
	if (!section_enabled(x, s)) {
		if (x->num_disabled < G_N_ELEMENTS(x->zone_disabled_names))
			g_strlcpy((char *)x->zone_disabled_names[x->num_disabled++], name, FW4_NAME);
		return;
	}
	for (i = 0; i < x->c->num_zones; i++) {
		if (!strcmp(x->c->zone[i].name, name)) {
			fail(x, s, line, UCI_ERROR_VALUE, "zone '%s' is defined twice", name);
			return;
		}
	}
	if (x->c->num_zones >= FW4_MAX_ZONES) {
		fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d zones", FW4_MAX_ZONES);
		return;
	}
	zi = x->c->num_zones++;
	z = &x->c->zone[zi];
	memset(z, 0, sizeof(*z));
	g_strlcpy(z->name, name, sizeof(z->name));
	z->auto_helper = 0xff;
	nets = optlist(s, "network", &line);
	for (i = 0; i < nets->len && !x->failed; i++) {
		const char *n = g_ptr_array_index(nets, i);

		if (n[0] == '!') {
			warn(x, s, line, "negated network '%s' is not modelled (ignored)", n);
			continue;
		}
		if (!valid_identifier(n) || strlen(n) >= FW4_NAME) {
			fail(x, s, line, UCI_ERROR_VALUE, "option 'network' has invalid value '%s': "
			     "expected network names", n);
			break;
		}
		if (z->num_network >= FW4_MAX_NETS) {
			fail(x, s, line, UCI_ERROR_LIMIT, "more than %d networks in one zone",
			     FW4_MAX_NETS);
			break;
		}
		g_strlcpy(z->network[z->num_network++], n, FW4_NAME);
	}
	g_ptr_array_unref(nets);
	x->set_in[zi] = get_policy(x, s, "input", &z->input) > 0;
	x->set_out[zi] = get_policy(x, s, "output", &z->output) > 0;
	x->set_fwd[zi] = get_policy(x, s, "forward", &z->forward) > 0;
	get_bool(x, s, "masq", &z->masq);
	get_bool(x, s, "masq6", &z->masq6);
	get_bool(x, s, "mtu_fix", &z->mtu_fix);
	get_bool(x, s, "masq_allow_invalid", &z->masq_allow_invalid);
	if (get_bool(x, s, "auto_helper", &ah) > 0)
		z->auto_helper = ah;
	if (!x->failed)
		check_options(x, s, used, known, unsupported);
}

/* zone reference: "" (absent), "*" or an enabled zone; 1 ok, 0 skip, -1 error */
static int zone_ref(struct fwctx *x, const struct uci_section *s, const char *opt, char *out,
		    gboolean required)
{
	guint line, i;
	const char *v = opt1(x, s, opt, &line);

	out[0] = '\0';
	if (!v) {
		if (required)
			return fail(x, s, s->line, UCI_ERROR_VALUE, "option '%s' is mandatory but "
				    "not set", opt);
		return 1;
	}
	if (!strcmp(v, "*")) {
		strcpy(out, "*");
		return 1;
	}
	for (i = 0; i < x->c->num_zones; i++) {
		if (!strcmp(x->c->zone[i].name, v)) {
			g_strlcpy(out, v, FW4_NAME);
			return 1;
		}
	}
	for (i = 0; i < x->num_disabled; i++) {
		if (!strcmp((const char *)x->zone_disabled_names[i], v)) {
			warn(x, s, line, "refers to disabled zone '%s'; section skipped", v);
			return 0;
		}
	}
	return fail(x, s, line, UCI_ERROR_VALUE, "option '%s' refers to unknown zone '%s'", opt, v);
}

static void do_forwarding(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = { "src", "dest", "enabled", "name", NULL };
	static const char *const known[] = { "family", NULL };
	struct fw4_forwarding f;
	int a, b;

	memset(&f, 0, sizeof(f));
	if (!section_enabled(x, s))
		return;
	a = zone_ref(x, s, "src", f.src, TRUE);
	b = a > 0 ? zone_ref(x, s, "dest", f.dest, TRUE) : a;
	if (a <= 0 || b <= 0)
		return;
	if (!strcmp(f.dest, "*")) {
		warn(x, s, s->line, "forwarding to any zone is not modelled (ignored)");
		return;
	}
	if (x->c->num_fwd >= FW4_MAX_FWD) {
		fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d forwardings", FW4_MAX_FWD);
		return;
	}
	x->c->fwd[x->c->num_fwd++] = f;
	check_options(x, s, used, known, NULL);
}

static struct fw4_rule *new_rule(struct fwctx *x, const struct uci_section *s)
{
	struct fw4_rule *r;

	if (x->c->num_rules >= FW4_MAX_RULES) {
		fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d rules and redirects",
		     FW4_MAX_RULES);
		return NULL;
	}
	r = &x->c->rule[x->c->num_rules];
	memset(r, 0, sizeof(*r));
	return r;
}

static void rule_name(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r)
{
	guint line;
	const char *v = opt1(x, s, "name", &line);
	char *id = s->name ? g_strdup(s->name) : g_strdup_printf("@%s[%u]", s->type, s->index);

	g_strlcpy(r->name, v ? v : id, sizeof(r->name));
	g_free(id);
}

static void do_rule(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "src", "dest", "family", "proto", "dest_port", "src_ip", "dest_ip",
		"icmp_type", "limit", "limit_burst", "target", "enabled", NULL,
	};
	static const char *const known[] = {
		"device", "direction", "ipset", "helper", "set_helper", "src_mac", "src_port",
		"utc_time", "start_date", "stop_date", "start_time", "stop_time", "weekdays",
		"mark", "set_mark", "set_xmark", "dscp", "set_dscp", "counter", "log", "log_limit",
		"_name", NULL,
	};
	static const char *const unsupported[] = { "monthdays", "extra", NULL };
	static const char *const targets[] = {
		"accept", "reject", "drop", "notrack", "helper", "mark", "dscp", "dnat", "snat",
		"masquerade", NULL,
	};
	struct fw4_rule *r;
	guint line;
	const char *v;
	gboolean skip = FALSE;
	u8 fam_force = 0, afam = 0;
	int t, rc;

	if (!section_enabled(x, s) || !(r = new_rule(x, s)))
		return;
	rule_name(x, s, r);
	if (zone_ref(x, s, "src", r->src, FALSE) <= 0 || zone_ref(x, s, "dest", r->dest, FALSE) <= 0)
		return;
	if (get_family(x, s, &r->family) < 0)
		return;
	rc = get_proto(x, s, r, &fam_force);
	if (rc)
		return;
	if (fam_force) {
		if (r->family == FS_AF_INET) {
			warn(x, s, s->line, "proto icmpv6 in an IPv4-only rule; section skipped");
			return;
		}
		r->family = fam_force;
	}
	v = opt1(x, s, "target", &line);
	if (!v) {
		warn(x, s, s->line, "has no target; section skipped");
		return;
	}
	t = enum_prefix(v, targets);
	if (t < 0) {
		fail(x, s, line, UCI_ERROR_VALUE, "option 'target' has invalid value '%s': expected "
		     "ACCEPT, REJECT, DROP, NOTRACK, HELPER, MARK, DSCP, DNAT, SNAT or MASQUERADE",
		     v);
		return;
	}
	if (t > 2) {
		warn(x, s, line, "target '%s' is not modelled; section skipped", targets[t]);
		return;
	}
	r->target = t == 0 ? FW4_ACCEPT : t == 1 ? FW4_REJECT : FW4_DROP;
	{
		GPtrArray *ports = optlist(s, "dest_port", &line);

		if (ports->len) {
			const char *p = g_ptr_array_index(ports, 0);

			if (p[0] == '!') {
				warn(x, s, line, "negated port '%s' is not modelled; section skipped", p);
				skip = TRUE;
			} else if (parse_port(p, &r->dest_port, &r->dest_port_end)) {
				fail(x, s, line, UCI_ERROR_VALUE, "option 'dest_port' has invalid value "
				     "'%s': expected a port 0-65535 or a range N-M", p);
			} else if (ports->len > 1) {
				warn(x, s, line, "option 'dest_port': only the first of %u ports is "
				     "modelled", ports->len);
			}
		}
		g_ptr_array_unref(ports);
	}
	if (x->failed || skip)
		return;
	if (get_addr(x, s, "src_ip", &r->src_ip, &r->src_plen, &afam, &skip) < 0 || skip)
		return;
	if (r->src_plen && r->family && afam != r->family) {
		warn(x, s, s->line, "src_ip does not match the rule family; section skipped");
		return;
	}
	if (r->src_plen)
		r->family = afam;
	if (get_addr(x, s, "dest_ip", &r->dest_ip, &r->dest_plen, &afam, &skip) < 0 || skip)
		return;
	if (r->dest_plen && r->family && afam != r->family) {
		warn(x, s, s->line, "dest_ip does not match the rule family; section skipped");
		return;
	}
	if (r->dest_plen)
		r->family = afam;
	if (get_icmp_types(x, s, r))
		return;
	v = opt1(x, s, "limit", &line);
	if (v && get_limit(x, s, "limit", v, line, &r->limit) < 0)
		return;
	if (get_int(x, s, "limit_burst", &r->limit_burst) < 0)
		return;
	check_options(x, s, used, known, unsupported);
	x->c->num_rules++;
}

static void do_redirect(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "src", "dest", "src_dport", "dest_ip", "dest_port", "proto", "family",
		"target", "enabled", NULL,
	};
	static const char *const known[] = {
		"src_ip", "src_mac", "src_port", "src_dip", "ipset", "helper", "mark", "reflection",
		"reflection_src", "reflection_zone", "counter", "log", "limit", "limit_burst",
		"start_date", "stop_date", "start_time", "stop_time", "weekdays", "monthdays",
		"utc_time", "device", NULL,
	};
	static const char *const targets[] = { "dnat", "snat", NULL };
	struct fw4_rule *r;
	guint line;
	const char *v;
	u16 hi;
	u8 fam_force = 0, plen, afam;
	gboolean skip = FALSE;

	if (!section_enabled(x, s) || !(r = new_rule(x, s)))
		return;
	rule_name(x, s, r);
	r->is_redirect = 1;
	v = opt1(x, s, "target", &line);
	if (v) {
		int t = enum_prefix(v, targets);

		if (t < 0) {
			fail(x, s, line, UCI_ERROR_VALUE, "option 'target' has invalid value '%s': "
			     "expected DNAT or SNAT", v);
			return;
		}
		if (t == 1) {
			warn(x, s, line, "SNAT redirects are not modelled; section skipped");
			return;
		}
	}
	if (zone_ref(x, s, "src", r->src, TRUE) <= 0 || zone_ref(x, s, "dest", r->dest, FALSE) <= 0)
		return;
	if (!strcmp(r->src, "*")) {
		warn(x, s, s->line, "DNAT from any zone is not modelled; section skipped");
		return;
	}
	if (get_family(x, s, &r->family) < 0 || get_proto(x, s, r, &fam_force))
		return;
	if (!(r->proto_mask & (FW4_PROTO_TCP | FW4_PROTO_UDP)) && r->proto_mask) {
		warn(x, s, s->line, "redirects of protocols other than tcp/udp are not modelled; "
		     "section skipped");
		return;
	}
	v = opt1(x, s, "src_dport", &line);
	if (v && parse_port(v, &r->src_dport, &hi)) {
		fail(x, s, line, UCI_ERROR_VALUE, "option 'src_dport' has invalid value '%s': "
		     "expected a port 0-65535", v);
		return;
	}
	if (v && hi != r->src_dport)
		warn(x, s, line, "port range '%s': only the first port is modelled", v);
	v = opt1(x, s, "dest_port", &line);
	if (v && parse_port(v, &r->redirect_port, &hi)) {
		fail(x, s, line, UCI_ERROR_VALUE, "option 'dest_port' has invalid value '%s': "
		     "expected a port 0-65535", v);
		return;
	}
	if (get_addr(x, s, "dest_ip", &r->dest_ip, &plen, &afam, &skip) < 0 || skip)
		return;
	if (!fs_addr_is_zero(&r->dest_ip))
		r->family = afam;
	check_options(x, s, used, known, NULL);
	x->c->num_rules++;
}

int uci_firewall_config(const struct uci_file *f, struct fw4_config *out,
			GPtrArray *warnings, GError **error)
{
	static const char *const ignored[] = { "include", "ipset", "nat", "helper", NULL };
	struct fwctx *x = g_new0(struct fwctx, 1);
	gboolean have_defaults = FALSE;
	guint pass, i, k;
	int rc;

	x->f = f;
	x->c = out;
	x->warnings = warnings;
	x->error = error;
	fw4_config_defaults(out);
	/* fw4 load(): defaults, zones, rules, forwardings, redirects */
	for (pass = 0; pass < 5 && !x->failed; pass++) {
		for (i = 0; i < f->sections->len && !x->failed; i++) {
			const struct uci_section *s = g_ptr_array_index(f->sections, i);

			switch (pass) {
			case 0:
				if (strcmp(s->type, "defaults"))
					break;
				if (have_defaults) {
					warn(x, s, s->line, "ignoring duplicate defaults section");
					break;
				}
				have_defaults = TRUE;
				do_defaults(x, s);
				break;
			case 1:
				if (!strcmp(s->type, "zone"))
					do_zone(x, s);
				break;
			case 2:
				if (!strcmp(s->type, "rule"))
					do_rule(x, s);
				break;
			case 3:
				if (!strcmp(s->type, "forwarding"))
					do_forwarding(x, s);
				break;
			default:
				if (!strcmp(s->type, "redirect"))
					do_redirect(x, s);
				else if (strcmp(s->type, "defaults") && strcmp(s->type, "zone") &&
					 strcmp(s->type, "rule") && strcmp(s->type, "forwarding")) {
					gboolean known = FALSE;

					for (k = 0; ignored[k]; k++)
						known |= !strcmp(ignored[k], s->type);
					warn(x, s, s->line, known ? "'%s' sections are not modelled "
					     "(ignored)" : "unknown section type '%s' (ignored)", s->type);
				}
				break;
			}
		}
		if (pass == 1) {
			/* zone policies default to the defaults section's (fw4 parse_zone) */
			for (i = 0; i < out->num_zones; i++) {
				if (!x->set_in[i])
					out->zone[i].input = out->defaults.input;
				if (!x->set_out[i])
					out->zone[i].output = out->defaults.output;
				if (!x->set_fwd[i])
					out->zone[i].forward = out->defaults.forward;
			}
		}
	}
	rc = x->failed ? -1 : 0;
	g_free(x);
	return rc;
}

int uci_firewall_load(const char *path, struct fw4_config *out, GPtrArray *warnings,
		      GError **error)
{
	struct uci_file *f = uci_load(path, error);
	int rc;

	if (!f)
		return -1;
	rc = uci_firewall_config(f, out, warnings, error);
	uci_file_free(f);
	return rc;
}
