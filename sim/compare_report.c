// SPDX-License-Identifier: MIT
/*
 * compare_report.c - prints a comparison's report, as text or as JSON (compare.h,
 * docs/compare.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "compare_internal.h"

/* ----------------------------------------------------------------- output ---- */

static void fmt_num(char *buf, size_t size, double v)
{
	if (isnan(v))
		g_strlcpy(buf, "-", size);
	else if (fabs(v) >= 1e6)
		g_snprintf(buf, size, "%.4g", v);
	else if (v == floor(v))
		g_snprintf(buf, size, "%.0f", v);
	else
		g_snprintf(buf, size, "%.2f", v);
}

static void fmt_tol(char *buf, size_t size, const struct compare_metric *m)
{
	char x[32];

	if (m->agreement) {
		fmt_num(x, sizeof(x), 100.0 - m->tol.abs);
		g_snprintf(buf, size, ">=%s", x);
		return;
	}
	fmt_num(x, sizeof(x), m->tol.abs);
	if (m->tol.rel > 0 && m->tol.abs > 0)
		g_snprintf(buf, size, "%g%%|%s", m->tol.rel * 100, x);
	else if (m->tol.rel > 0)
		g_snprintf(buf, size, "%g%%", m->tol.rel * 100);
	else
		g_snprintf(buf, size, "%s", x);
}

void compare_report_print(const struct compare_report *r, FILE *f)
{
	guint i;
	bool first = true;

	fprintf(f, "A: %s\nB: %s\n", r->a_label, r->b_label);
	fprintf(f, "connections: A %u, B %u, in both %u\n\n", r->conn_a, r->conn_b,
		r->conn_both);
	fprintf(f, "%-30s %12s %12s %12s %10s  %-7s %s\n", "metric", "A", "B", "B-A",
		"tolerance", "verdict", "note");
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);
		char a[32], b[32], d[32], t[40];

		if (m->agreement) {
			fmt_num(a, sizeof(a), m->value);
			g_strlcpy(b, "", sizeof(b));
		} else {
			fmt_num(a, sizeof(a), m->a);
			fmt_num(b, sizeof(b), m->b);
		}
		fmt_num(d, sizeof(d), m->diff);
		fmt_tol(t, sizeof(t), m);
		fprintf(f, "%-30s %12s %12s %12s %10s  %-7s %s\n", m->name, a, b, d, t,
			compare_verdict_name(m->verdict), m->note ? m->note : "");
	}
	fprintf(f, "\n%u within, %u outside, %u not comparable\n", r->n_within, r->n_outside,
		r->n_na);
	if (compare_report_pass(r)) {
		fprintf(f, "PASS: every comparable metric is within its tolerance\n");
		return;
	}
	fprintf(f, "FAIL: outside tolerance:");
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		if (m->verdict != CV_OUTSIDE)
			continue;
		fprintf(f, "%s %s", first ? "" : ",", m->name);
		first = false;
	}
	fprintf(f, "\n");
}

static void json_num(JsonBuilder *jb, const char *name, double v)
{
	json_builder_set_member_name(jb, name);
	if (isnan(v) || !isfinite(v))
		json_builder_add_null_value(jb);
	else
		json_builder_add_double_value(jb, v);
}

char *compare_report_json(const struct compare_report *r)
{
	JsonBuilder *jb = json_builder_new();
	JsonGenerator *gen = json_generator_new();
	JsonNode *root;
	char *out;
	guint i;

	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "a");
	json_builder_add_string_value(jb, r->a_label);
	json_builder_set_member_name(jb, "b");
	json_builder_add_string_value(jb, r->b_label);
	json_builder_set_member_name(jb, "connections");
	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "a");
	json_builder_add_int_value(jb, r->conn_a);
	json_builder_set_member_name(jb, "b");
	json_builder_add_int_value(jb, r->conn_b);
	json_builder_set_member_name(jb, "both");
	json_builder_add_int_value(jb, r->conn_both);
	json_builder_end_object(jb);
	json_builder_set_member_name(jb, "metrics");
	json_builder_begin_array(jb);
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "name");
		json_builder_add_string_value(jb, m->name);
		json_builder_set_member_name(jb, "unit");
		json_builder_add_string_value(jb, m->unit);
		json_builder_set_member_name(jb, "kind");
		json_builder_add_string_value(jb, m->agreement ? "agreement" : "values");
		if (m->agreement) {
			json_num(jb, "value", m->value);
		} else {
			json_num(jb, "a", m->a);
			json_num(jb, "b", m->b);
		}
		json_num(jb, "diff", m->diff);
		json_builder_set_member_name(jb, "tolerance");
		json_builder_begin_object(jb);
		json_num(jb, "relative", m->tol.rel);
		json_num(jb, "absolute", m->tol.abs);
		json_builder_end_object(jb);
		json_builder_set_member_name(jb, "verdict");
		json_builder_add_string_value(jb, m->verdict == CV_WITHIN ? "within" :
						  m->verdict == CV_OUTSIDE ? "outside" : "n/a");
		json_builder_set_member_name(jb, "note");
		if (m->note)
			json_builder_add_string_value(jb, m->note);
		else
			json_builder_add_null_value(jb);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);
	json_builder_set_member_name(jb, "within");
	json_builder_add_int_value(jb, r->n_within);
	json_builder_set_member_name(jb, "outside");
	json_builder_add_int_value(jb, r->n_outside);
	json_builder_set_member_name(jb, "not_comparable");
	json_builder_add_int_value(jb, r->n_na);
	json_builder_set_member_name(jb, "failed");
	json_builder_begin_array(jb);
	for (i = 0; i < r->metrics->len; i++) {
		const struct compare_metric *m = g_ptr_array_index(r->metrics, i);

		if (m->verdict == CV_OUTSIDE)
			json_builder_add_string_value(jb, m->name);
	}
	json_builder_end_array(jb);
	json_builder_set_member_name(jb, "pass");
	json_builder_add_boolean_value(jb, compare_report_pass(r));
	json_builder_end_object(jb);
	root = json_builder_get_root(jb);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	out = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(jb);
	return out;
}
