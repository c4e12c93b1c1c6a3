// SPDX-License-Identifier: MIT
/*
 * uci_options.c - reading the value of one option of /etc/config/firewall the way
 * firewall4's fw4.uc does: the same value syntaxes (parse_bool, parse_policy's
 * case-insensitive prefix match, parse_port, parse_family, parse_protocol, parse_limit,
 * the ICMP type names, addresses and prefixes), and the messages: warnings and errors
 * name file:line and the section ("section @rule[2] (Allow-Ping)").
 *
 * Invariants: a reader either stores a valid value, leaves the target untouched (option
 * absent), or reports exactly one error; values the model cannot hold (negations,
 * network names, more than one address) are warnings that skip the section.
 */
#include "uci_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "tuple.h"

/* ---------------------------------------------------------------- messages */

char *uci_fw_section_id(const struct uci_section *s)
{
	return s->name ? g_strdup(s->name) : g_strdup_printf("@%s[%u]", s->type, s->index);
}

static char *section_label(const struct uci_section *s)
{
	const struct uci_option *n = uci_section_option(s, "name");
	char *id = uci_fw_section_id(s);
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

/* "file:line: <section label>: <message>" */
static char *located(struct fwctx *x, const struct uci_section *s, guint line,
		     const char *fmt, va_list ap) G_GNUC_PRINTF(4, 0);
static char *located(struct fwctx *x, const struct uci_section *s, guint line,
		     const char *fmt, va_list ap)
{
	char *label = section_label(s), *msg, *text;

	msg = g_strdup_vprintf(fmt, ap);
	text = g_strdup_printf("%s:%u: %s: %s", x->f->path, line, label, msg);
	g_free(msg);
	g_free(label);
	return text;
}

void uci_fw_warn(struct fwctx *x, const struct uci_section *s, guint line, const char *fmt, ...)
{
	va_list ap;

	if (!x->warnings)
		return;
	va_start(ap, fmt);
	g_ptr_array_add(x->warnings, located(x, s, line, fmt, ap));
	va_end(ap);
}

int uci_fw_fail(struct fwctx *x, const struct uci_section *s, guint line, int code,
		const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (!x->failed) {
		va_start(ap, fmt);
		text = located(x, s, line, fmt, ap);
		va_end(ap);
		g_set_error_literal(x->error, UCI_ERROR, code, text);
		g_free(text);
	}
	x->failed = TRUE;
	return -1;
}

/* ---------------------------------------------------------------- option values */

/* The single value of an option (the last, for a list, with a warning). */
const char *uci_fw_opt1(struct fwctx *x, const struct uci_section *s, const char *name,
			guint *line)
{
	const struct uci_option *o = uci_section_option(s, name);

	if (!o || !o->values->len)
		return NULL;
	*line = o->line;
	if (o->values->len > 1 || o->is_list)
		uci_fw_warn(x, s, o->line, "option '%s' must not be a list; using its last value",
			    name);
	return g_ptr_array_index(o->values, o->values->len - 1);
}

/* Values of an option or list; options are split at blanks (fw4's to_array). */
GPtrArray *uci_fw_optlist(const struct uci_section *s, const char *name, guint *line)
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

int uci_fw_bool(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out)
{
	guint line;
	const char *v = uci_fw_opt1(x, s, name, &line);

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
	return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value '%s': "
			   "expected a boolean (1/0, on/off, true/false, yes/no)", name, v);
}

/* fw4 parse_enum: the value is a case-insensitive prefix of one of the choices */
int uci_fw_enum_prefix(const char *v, const char *const *choices)
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

int uci_fw_policy(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out)
{
	static const char *const choices[] = { "accept", "reject", "drop", NULL };
	guint line;
	const char *v = uci_fw_opt1(x, s, name, &line);
	int i;

	if (!v)
		return 0;
	i = uci_fw_enum_prefix(v, choices);
	if (i < 0)
		return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value "
				   "'%s': expected ACCEPT, REJECT or DROP", name, v);
	*out = uci_fw_policy_value(i);
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
int uci_fw_limit(struct fwctx *x, const struct uci_section *s, const char *name,
		 const char *v, guint line, u32 *rate)
{
	static const char *const units[] = { "second", "minute", "hour", "day", NULL };
	static const u32 secs[] = { 1, 60, 3600, 86400 };
	char *num = g_strdup(v), *slash = strchr(num, '/');
	guint64 n;
	int u = 0;

	if (slash) {
		*slash = '\0';
		u = uci_fw_enum_prefix(slash + 1, units);
	}
	if (u < 0 || parse_uint(num, 0xffffffffu, &n) || !n) {
		g_free(num);
		return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value "
				   "'%s': expected a rate like 25/second", name, v);
	}
	g_free(num);
	if (secs[u] > 1) {
		*rate = (u32)((n + secs[u] - 1) / secs[u]);
		uci_fw_warn(x, s, line,
			    "limit '%s': the model keeps per-second rates; using %u/second", v,
			    *rate);
	} else {
		*rate = (u32)n;
	}
	return 1;
}

int uci_fw_int(struct fwctx *x, const struct uci_section *s, const char *name, u32 *out)
{
	guint line;
	const char *v = uci_fw_opt1(x, s, name, &line);
	guint64 n;

	if (!v)
		return 0;
	if (parse_uint(v, 0xffffffffu, &n))
		return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid value "
				   "'%s': expected a non-negative integer", name, v);
	*out = (u32)n;
	return 1;
}

/* port "N", "N-M" or "N:M" (fw4 parse_port) */
int uci_fw_port(const char *v, u16 *lo, u16 *hi)
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

int uci_fw_family(struct fwctx *x, const struct uci_section *s, u8 *family)
{
	guint line;
	const char *v = uci_fw_opt1(x, s, "family", &line);

	if (!v)
		return 0;
	if (!strcmp(v, "any") || !strcmp(v, "all") || !strcmp(v, "*"))
		*family = 0;
	else if (!strcmp(v, "inet") || strchr(v, '4'))
		*family = FS_AF_INET;
	else if (strchr(v, '6'))
		*family = FS_AF_INET6;
	else
		return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'family' has invalid value "
				   "'%s': expected ipv4, ipv6 or any", v);
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
int uci_fw_proto(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r,
		 u8 *family_force)
{
	guint line, i, k;
	GPtrArray *v = uci_fw_optlist(s, "proto", &line);
	gboolean any = FALSE;
	int rc = 0;

	if (!v->len)
		g_ptr_array_add(v, g_strdup("tcpudp"));
	for (i = 0; i < v->len && !rc; i++) {
		char *p = g_ascii_strdown(g_ptr_array_index(v, i), -1);
		guint64 num = 256;

		if (p[0] == '!') {
			uci_fw_warn(x, s, line,
				    "negated protocol '%s' is not modelled; section skipped", p);
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
				rc = uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'proto' has "
						 "invalid value '%s': expected tcp, udp, tcpudp, "
						 "icmp, icmpv6, a protocol name or number, or "
						 "all", p);
			else if (num == 6)
				r->proto_mask |= FW4_PROTO_TCP;
			else if (num == 17)
				r->proto_mask |= FW4_PROTO_UDP;
			else if (num == 1 || num == 58) {
				r->proto_mask |= FW4_PROTO_ICMP;
				if (num == 58)
					*family_force = FS_AF_INET6;
			} else if (r->proto_mask & FW4_PROTO_OTHER) {
				uci_fw_warn(x, s, line, "only one protocol besides tcp, udp and "
					    "icmp is modelled; ignoring '%s'", p);
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

int uci_fw_icmp_types(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r)
{
	guint line, i, k;
	GPtrArray *v = uci_fw_optlist(s, "icmp_type", &line);
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
			rc = uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'icmp_type' has "
					 "invalid value '%s': expected an ICMP type name, TYPE or "
					 "TYPE/CODE", t);
		} else {
			if (r->family != FS_AF_INET6)
				add_type(r->icmp_type, &r->num_icmp_types, (u8)type);
			if (r->family != FS_AF_INET)
				add_type(r->icmp6_type, &r->num_icmp6_types, (u8)type);
		}
		g_free(copy);
	}
	if (r->num_icmp_types + r->num_icmp6_types > 2 * FW4_MAX_ICMP - 2)
		uci_fw_warn(x, s, line, "more than %d ICMP types; the rest are ignored",
			    FW4_MAX_ICMP);
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

int uci_fw_addr(struct fwctx *x, const struct uci_section *s, const char *name,
		union fs_addr *a, u8 *plen, u8 *family, gboolean *skip)
{
	guint line;
	GPtrArray *v = uci_fw_optlist(s, name, &line);
	const char *first;
	int rc = 0;

	if (!v->len) {
		g_ptr_array_unref(v);
		return 0;
	}
	first = g_ptr_array_index(v, 0);
	if (v->len > 1)
		uci_fw_warn(x, s, line, "option '%s': only the first of %u addresses is modelled",
			    name, v->len);
	if (first[0] == '!') {
		uci_fw_warn(x, s, line, "negated address '%s' is not modelled; section skipped",
			    first);
		*skip = TRUE;
	} else if (parse_prefix(first, a, plen, family)) {
		if (g_ascii_isalpha(first[0]))
			uci_fw_warn(x, s, line, "option '%s' names network '%s': network addresses "
				    "are not modelled; section skipped", name, first);
		else
			rc = uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' has invalid "
					 "value '%s': expected an IPv4/IPv6 address "
					 "or prefix", name, first);
		*skip = TRUE;
	} else {
		rc = 1;
	}
	g_ptr_array_unref(v);
	return rc;
}

/* Options fw4 understands: not in `used` but here are recognised, warned as unmodelled. */
void uci_fw_check_options(struct fwctx *x, const struct uci_section *s,
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
			uci_fw_warn(x, s, o->line,
				    "option '%s' is not modelled by flowsim (ignored)", o->name);
			continue;
		}
		for (k = 0; unsupported && unsupported[k] && !hit; k++)
			hit = !strcmp(unsupported[k], o->name);
		if (hit) {
			uci_fw_warn(x, s, o->line, "option '%s' is not supported by fw4 (ignored)",
				    o->name);
			continue;
		}
		uci_fw_warn(x, s, o->line, "specifies unknown option '%s' (ignored)", o->name);
	}
}

gboolean uci_fw_section_enabled(struct fwctx *x, const struct uci_section *s)
{
	u8 en = 1;

	if (uci_fw_bool(x, s, "enabled", &en) < 0)
		return FALSE;
	if (!en)
		uci_fw_warn(x, s, s->line, "is disabled, ignoring section");
	return en;
}
