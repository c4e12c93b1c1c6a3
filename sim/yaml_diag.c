// SPDX-License-Identifier: MIT
/*
 * yaml_diag.c - the diagnostics list of flowsim's YAML readers (struct yu_diag): errors and
 * warnings with a file, line and column, formatted as "FILE:LINE:COL: message".
 *
 * Invariants: errors and warnings are counted even beyond YU_MAX_MSGS, when their text is
 * no longer kept; messages stay in the order they were found.
 */
#include "yaml_util.h"

#include <stdarg.h>

/* ---------------------------------------------------------------- diagnostics ---- */

void yu_diag_init(struct yu_diag *d)
{
	d->msgs = g_ptr_array_new();
	d->errors = 0;
	d->warnings = 0;
}

static void msg_free(struct yu_msg *m)
{
	g_free(m->file);
	g_free(m->text);
	g_free(m);
}

void yu_diag_clear(struct yu_diag *d)
{
	guint i;

	if (!d->msgs)
		return;
	for (i = 0; i < d->msgs->len; i++)
		msg_free(g_ptr_array_index(d->msgs, i));
	g_ptr_array_free(d->msgs, TRUE);
	d->msgs = NULL;
	d->errors = 0;
	d->warnings = 0;
}

char *yu_msg_format(const struct yu_msg *m)
{
	const char *w = m->warning ? "warning: " : "";

	if (m->line && m->col)
		return g_strdup_printf("%s:%u:%u: %s%s", m->file, m->line, m->col, w, m->text);
	if (m->line)
		return g_strdup_printf("%s:%u: %s%s", m->file, m->line, w, m->text);
	return g_strdup_printf("%s: %s%s", m->file, w, m->text);
}

static void diag_addv(struct yu_diag *d, bool warning, const char *file, uint32_t line,
		      uint32_t col, const char *fmt, va_list ap)
{
	struct yu_msg *m;

	if (warning)
		d->warnings++;
	else
		d->errors++;
	if (d->msgs->len >= YU_MAX_MSGS)
		return;
	m = g_new0(struct yu_msg, 1);
	m->file = g_strdup(file ? file : "<input>");
	m->line = line;
	m->col = col;
	m->warning = warning;
	m->text = g_strdup_vprintf(fmt, ap);
	g_ptr_array_add(d->msgs, m);
}

void yu_error(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, false, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void yu_warning(struct yu_diag *d, const struct yu_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, true, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
}

void yu_error_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, false, file, line, col, fmt, ap);
	va_end(ap);
}

void yu_warning_at(struct yu_diag *d, const char *file, uint32_t line, uint32_t col,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(d, true, file, line, col, fmt, ap);
	va_end(ap);
}
