/* SPDX-License-Identifier: MIT */
/*
 * uci.h - reading OpenWrt UCI configuration files (/etc/config/<package>).
 *
 * uci_parse() reads the file syntax of libuci: `package`, `config TYPE ['NAME']`,
 * `option NAME VALUE`, `list NAME VALUE`, '#' comments, values quoted with '...' or
 * "..." or bare, adjacent quoted parts concatenated, backslash escapes outside single
 * quotes.  Malformed syntax is an error naming file:line and what was expected.
 *
 * uci_firewall_config() maps a parsed /etc/config/firewall onto struct fw4_config the
 * way firewall4 (fw4.uc: parse_defaults, parse_zone, parse_rule, parse_forwarding,
 * parse_redirect) reads it: sections in fw4's order (defaults, zones, rules, forwardings,
 * redirects), OpenWrt's option names and value syntaxes.  Invalid values (a bad policy,
 * bool, port, address, an unknown zone reference, a limit the model cannot hold) are
 * errors with file:line; options fw4 knows but the model does not use, unknown options
 * and disabled sections are warnings (file:line: text) appended to `warnings`.
 */
#ifndef FLOWSIM_UCI_H
#define FLOWSIM_UCI_H

#include <glib.h>

#include "fw4.h"

#define UCI_ERROR (uci_error_quark())
GQuark uci_error_quark(void);

enum uci_error_code {
	UCI_ERROR_SYNTAX,      /* malformed file */
	UCI_ERROR_VALUE,       /* an option has an invalid value */
	UCI_ERROR_LIMIT,       /* more zones/rules/... than struct fw4_config holds */
	UCI_ERROR_IO,
};

struct uci_option {
	char *name;
	GPtrArray *values;     /* char *; one entry for `option` */
	gboolean is_list;
	guint line;
};

struct uci_section {
	char *type;
	char *name;            /* NULL for anonymous sections */
	guint line;
	guint index;           /* position among sections of the same type (@type[index]) */
	GPtrArray *options;    /* struct uci_option * */
};

struct uci_file {
	char *path;
	GPtrArray *sections;   /* struct uci_section * */
};

struct uci_file *uci_parse(const char *path, const char *text, gsize len, GError **error);
struct uci_file *uci_load(const char *path, GError **error);
void uci_file_free(struct uci_file *f);

/* The last option called name in the section (NULL if absent). */
const struct uci_option *uci_section_option(const struct uci_section *s, const char *name);

int uci_firewall_config(const struct uci_file *f, struct fw4_config *out,
			GPtrArray *warnings, GError **error);
int uci_firewall_load(const char *path, struct fw4_config *out, GPtrArray *warnings,
		      GError **error);

#endif /* FLOWSIM_UCI_H */
