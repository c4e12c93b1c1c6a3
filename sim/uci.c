// SPDX-License-Identifier: MIT
/*
 * uci.c - UCI file parser (see uci.h): the file syntax only.
 *
 * The file grammar is libuci's (file.c: uci_parse_line/parse_str): one statement per
 * line, words separated by blanks, '#' comments, '...' literal quotes, "..." quotes and
 * bare words with backslash escapes, adjacent parts glued into one value.
 *
 * The /etc/config/firewall reader built on it follows firewall4's fw4.uc: option values
 * in uci_options.c, sections in uci_firewall.c (see uci_internal.h).
 */
#include "uci.h"

#include <string.h>

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
 * Append one character of a word.  Control characters other than a tab are refused: names
 * and values end up in the nft ruleset fw4 renders (a rule's name becomes its comment),
 * whose strings cannot hold them.  (A '\r' outside quotes is a blank, for CRLF files.)
 */
static gboolean word_add(GString *w, char c, const char **err)
{
	if ((guchar)c < ' ' && c != '\t') {
		*err = "control character in a value: expected printable text";
		return FALSE;
	}
	g_string_append_c(w, c);
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
		gboolean ok = TRUE;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		w = g_string_new(NULL);
		while (ok && *p && *p != ' ' && *p != '\t' && *p != '\r') {
			if (*p == '\'') {
				p++;
				while (ok && *p && *p != '\'')
					ok = word_add(w, *p++, err);
				if (ok && *p != '\'') {
					*err = "unterminated single quote: expected a closing '";
					ok = FALSE;
				}
				p++;
			} else if (*p == '"') {
				p++;
				while (ok && *p && *p != '"') {
					if (*p == '\\' && p[1])
						p++;
					ok = word_add(w, *p++, err);
				}
				if (ok && *p != '"') {
					*err = "unterminated double quote: expected a closing \"";
					ok = FALSE;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				ok = word_add(w, p[1], err);
				p += 2;
			} else {
				ok = word_add(w, *p++, err);
			}
		}
		if (!ok) {
			g_string_free(w, TRUE);
			return -1;
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
