/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the MediaTek/Airoha PPE dump reader (traces/ppe_dump*.c): parse in
 * both modes with every layout; the tolerant mode never fails on content, the strict mode
 * fails when the tolerant parse found a foreign or bad line and succeeds when every line was
 * clean, and every clean entry formats back (the core's writer) into a line that parses as
 * an entry again.
 */
#include <stdint.h>
#include <string.h>

#include "ppe_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u8 layouts[] = { 0, PPE_NETSYS_V1, PPE_NETSYS_V2, PPE_NETSYS_V3 };
	u8 netsys = layouts[size ? data[0] % 4 : 0];
	struct ppe_dump_opts o = { .netsys = netsys, .strict = false };
	struct ppe_dump *tol, *st;
	GError *err = NULL;
	u32 i;

	tol = ppe_dump_parse("fuzz", (const char *)data, size, &o, &err);
	CHECK(tol && !err);
	CHECK(tol->n_entries <= tol->lines->len);
	for (i = 0; i < tol->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(tol->lines, i);
		struct ppe_dump_line back;
		char *text;

		/* the writer needs the layout the line was checked against */
		if (!netsys || l->kind != PPE_DUMP_ENTRY || ppe_dump_tuple_redacted(l) ||
		    l->airoha || l->normalised)
			continue;
		text = ppe_dump_format_entry(l, netsys);
		if (!text)
			continue;
		memset(&back, 0, sizeof(back));
		CHECK(ppe_dump_parse_line(text, strlen(text), &o, &back) == PPE_DUMP_ENTRY);
		ppe_dump_line_clear(&back);
		g_free(text);
	}
	o.strict = true;
	st = ppe_dump_parse("fuzz", (const char *)data, size, &o, &err);
	if (tol->n_bad + tol->n_foreign)
		CHECK(!st);
	else if (!tol->n_normalised)
		CHECK(st);
	CHECK(!st == !!err);
	g_clear_error(&err);
	ppe_dump_free(st);
	ppe_dump_free(tol);
	return 0;
}
