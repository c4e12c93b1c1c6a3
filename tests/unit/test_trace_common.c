/* SPDX-License-Identifier: MIT */
/*
 * What the trace parsers share (traces/trace_common.c): the line reader on buffers and
 * streams (CRLF, NUL bytes, a byte-order mark, over-long lines, a missing final newline),
 * both agreeing on random input, a 200 KiB line inside a conntrack file, and the cap on
 * kept diagnostics.
 */
#include "conntrack_text.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

/* ---- the line reader (trace_common.c) ------------------------------------------------- */

struct rline {
	char text[64];
	size_t len, full_len;
	u32 number, flags;
};

static guint read_all(struct trace_reader *r, struct rline *out, guint max)
{
	struct trace_line ln;
	guint n = 0;

	while (trace_reader_next(r, &ln)) {
		g_assert_cmpuint(n, <, max);
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n].text, ln.text, MIN(ln.len, sizeof(out[n].text) - 1));
		out[n].len = ln.len;
		out[n].full_len = ln.full_len;
		out[n].number = ln.number;
		out[n].flags = ln.flags;
		n++;
	}
	return n;
}

static void check_reader_lines(const struct rline *l, guint n)
{
	g_assert_cmpuint(n, ==, 5);
	g_assert_cmpstr(l[0].text, ==, "first");
	g_assert_cmpuint(l[0].flags, ==, TRACE_LINE_BOM | TRACE_LINE_CRLF);
	g_assert_cmpuint(l[1].len, ==, 0);
	g_assert_cmpuint(l[1].flags, ==, 0);
	g_assert_cmpuint(l[2].len, ==, 5);
	g_assert_cmpuint(l[2].flags, ==, TRACE_LINE_HAS_NUL);
	g_assert_cmpuint(l[3].len, ==, 16);          /* max_line */
	g_assert_cmpuint(l[3].full_len, ==, 40);
	g_assert_cmpuint(l[3].flags, ==, TRACE_LINE_TRUNCATED | TRACE_LINE_CRLF);
	g_assert_cmpstr(l[3].text, ==, "0123456789abcdef");
	g_assert_cmpuint(l[4].number, ==, 5);
	g_assert_cmpstr(l[4].text, ==, "last");
	g_assert_cmpuint(l[4].flags, ==, TRACE_LINE_NO_EOL);
}

static void test_reader_buffer_and_stream(void)
{
	static const char data[] = "\xEF\xBB\xBF" "first\r\n\nab\0cd\n"
				   "0123456789abcdef0123456789abcdef01234567\r\nlast";
	struct trace_reader r;
	struct rline l[8];
	guint n;
	FILE *fp;

	trace_reader_init_buffer(&r, data, sizeof(data) - 1);
	trace_reader_set_max_line(&r, 16);
	n = read_all(&r, l, G_N_ELEMENTS(l));
	trace_reader_destroy(&r);
	check_reader_lines(l, n);

	fp = fmemopen((void *)data, sizeof(data) - 1, "r");
	trace_reader_init_stream(&r, fp);
	trace_reader_set_max_line(&r, 16);
	n = read_all(&r, l, G_N_ELEMENTS(l));
	trace_reader_destroy(&r);
	fclose(fp);
	check_reader_lines(l, n);
	g_assert_cmpint(r.io_errno, ==, 0);
}

/* Random text with CRs, NULs and long lines, read with small limits: both readers agree. */
static void test_reader_random_stream_equals_buffer(void)
{
	GRand *rng = g_rand_new_with_seed(0xbeefu);
	u32 round;

	for (round = 0; round < 40; round++) {
		GString *s = g_string_new(NULL);
		size_t max_line = (size_t)g_rand_int_range(rng, 16, 200);
		struct trace_reader a, b;
		struct trace_line la, lb;
		bool more_a, more_b;
		FILE *fp;

		while (s->len < 20000) {
			guint32 r = g_rand_int_range(rng, 0, 100);

			if (r < 8)
				g_string_append_c(s, '\n');
			else if (r < 11)
				g_string_append(s, "\r\n");
			else if (r < 12)
				g_string_append_c(s, '\r');
			else if (r < 13)
				g_string_append_c(s, '\0');
			else if (r < 14)   /* now and then a line far over the limit */
				for (r = 0; r < 3 * max_line; r++)
					g_string_append_c(s, 'L');
			else
				g_string_append_c(s, (char)('a' + r % 26));
		}
		trace_reader_init_buffer(&a, s->str, s->len);
		trace_reader_set_max_line(&a, max_line);
		fp = fmemopen(s->str, s->len, "r");
		trace_reader_init_stream(&b, fp);
		trace_reader_set_max_line(&b, max_line);
		do {
			more_a = trace_reader_next(&a, &la);
			more_b = trace_reader_next(&b, &lb);
			g_assert_cmpint(more_a, ==, more_b);
			if (!more_a)
				break;
			g_assert_cmpuint(la.number, ==, lb.number);
			g_assert_cmpuint(la.len, ==, lb.len);
			g_assert_cmpuint(la.full_len, ==, lb.full_len);
			g_assert_cmphex(la.flags, ==, lb.flags);
			g_assert_cmpint(memcmp(la.text, lb.text, la.len), ==, 0);
			g_assert_cmpuint(la.len, <=, max_line);
		} while (1);
		trace_reader_destroy(&a);
		trace_reader_destroy(&b);
		fclose(fp);
		g_string_free(s, TRUE);
	}
	g_rand_free(rng);
}

/* A 200 KiB line in a file: reported once, the lines after it keep their numbers. */
static void test_reader_very_long_line_in_parser(void)
{
	GString *s = g_string_new("tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 "
				  "dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] mark=0 use=2\n");
	struct ct_text_stats st;
	struct trace_diags d;
	FILE *fp;

	g_string_append(s, "tcp      6 ");
	while (s->len < 200 * 1024)
		g_string_append(s, "src=1.1.1.1 ");
	g_string_append(s, "\ntcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 "
			"dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] mark=0 use=2");
	fp = fmemopen(s->str, s->len, "r");
	trace_diags_init(&d);
	g_assert_cmpint(ct_text_parse_stream("long", fp, TRACE_TOLERANT, NULL, NULL, &st, &d), ==,
			0);
	fclose(fp);
	g_assert_cmpuint(st.lines, ==, 3);
	g_assert_cmpuint(st.entries, ==, 2);
	g_assert_cmpuint(st.malformed, ==, 1);
	g_assert_cmpuint(trace_diags_get(&d, 0)->line, ==, 2);
	g_assert_true(g_str_has_prefix(trace_diags_get(&d, 0)->message, "line too long"));
	trace_diags_clear(&d);
	g_string_free(s, TRUE);
}

static void test_diags_cap(void)
{
	struct trace_diags d;
	char *s;
	u32 i;

	trace_diags_init(&d);
	d.max_kept = 3;
	for (i = 0; i < 10; i++)
		trace_diags_add(&d, TRACE_WARNING, "f", i + 1, 2, "w%u", i);
	trace_diags_add(&d, TRACE_ERROR, "f", 11, 0, "e");
	g_assert_cmpuint(trace_diags_len(&d), ==, 3);
	g_assert_cmpuint(d.dropped, ==, 8);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 10);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 1);
	s = trace_diag_format(trace_diags_get(&d, 1));
	g_assert_cmpstr(s, ==, "f:2:2: warning: w1");
	g_free(s);
	trace_diags_clear(&d);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/trace_common/reader/buffer_and_stream_agree", test_reader_buffer_and_stream);
	g_test_add_func("/trace_common/reader/random_stream_equals_buffer", test_reader_random_stream_equals_buffer);
	g_test_add_func("/trace_common/reader/very_long_line_keeps_numbering", test_reader_very_long_line_in_parser);
	g_test_add_func("/trace_common/diags/cap_and_format", test_diags_cap);
	return g_test_run();
}
