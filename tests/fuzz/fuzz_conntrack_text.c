/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the conntrack text parser (traces/conntrack_text.c).
 *
 * The input is used as it comes: not NUL-terminated, so any read past its end is caught by
 * AddressSanitizer.  Each line goes through ct_text_parse_line, the whole input through
 * ct_text_parse_buffer in strict and tolerant mode, and the parsers' promises are checked:
 * a column inside the line, strict mode failing iff it reported one error, tolerant mode
 * accounting for every line.  A broken promise traps, which libFuzzer reports as a crash.
 */
#include "conntrack_text.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_lines(const char *buf, size_t len)
{
	struct trace_reader r;
	struct trace_line ln;

	trace_reader_init_buffer(&r, buf, len);
	while (trace_reader_next(&r, &ln)) {
		struct ct_text_entry e;
		struct ct_text_meta m;
		struct ct_text_error err;
		enum ct_text_line_kind k = ct_text_parse_line(ln.text, ln.len, &e, &m, &err);

		CHECK(k >= CT_TEXT_LINE_ENTRY && k <= CT_TEXT_LINE_MALFORMED);
		if (k == CT_TEXT_LINE_MALFORMED) {
			CHECK(err.message[0] != '\0');
			CHECK(err.column >= 1 && err.column <= ln.len + 1);
		}
		if (k == CT_TEXT_LINE_ENTRY) {
			CHECK(e.l4_name[0] != '\0');
			CHECK((e.flags & ~0xfu) == 0);
			CHECK(memchr(e.orig.src.text, '\0', sizeof(e.orig.src.text)) != NULL);
		}
	}
	trace_reader_destroy(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ct_text_stats st;
	struct trace_diags d;
	int rc;

	check_lines(buf, size);

	trace_diags_init(&d);
	rc = ct_text_parse_buffer("fuzz", buf, size, TRACE_STRICT, NULL, NULL, &st, &d);
	CHECK((rc == -1) == (trace_diags_count(&d, TRACE_ERROR) == 1));
	trace_diags_clear(&d);

	trace_diags_init(&d);
	rc = ct_text_parse_buffer("fuzz", buf, size, TRACE_TOLERANT, NULL, NULL, &st, &d);
	CHECK(rc == 0 && trace_diags_count(&d, TRACE_ERROR) == 0);
	CHECK(st.lines == st.entries + st.blank + st.comments + st.not_conntrack + st.malformed +
			  st.trailers);
	trace_diags_clear(&d);
	return 0;
}
