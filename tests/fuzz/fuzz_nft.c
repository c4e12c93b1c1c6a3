/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the core's nft ruleset text parser (model/nft_*.c through
 * ruleset.h).  The bytes are one script, or two separated by the first NUL byte: the first
 * is applied to an empty ruleset, the second (or the first again) to the result, so
 * commands that change an existing ruleset (add, insert, delete, flush) and duplicate
 * declarations are reached too.  Checked:
 *  - an error has a message, and a column only with a line (inside the script when the
 *    ruleset was empty);
 *  - a failed apply changes nothing (same listing, same generation): nft -f is atomic;
 *  - a ruleset that loads is listed, and the listing loads on an empty ruleset and lists
 *    identically (`nft list ruleset` output is valid nft input).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

/* The listing (malloc'ed), growing the buffer until it fits. */
static char *listing(const struct ruleset *rs, int *len)
{
	size_t cap = 1 << 16;

	for (;;) {
		char *buf = malloc(cap);

		CHECK(buf);
		*len = ruleset_format(rs, buf, cap);
		if (*len >= 0) {
			CHECK(strlen(buf) == (size_t)*len);
			return buf;
		}
		free(buf);
		CHECK(cap < (64u << 20));
		cap *= 2;
	}
}

static u32 count_lines(const char *text, size_t len)
{
	u32 n = 1;
	size_t i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* first: rs is empty, so an error's line is one of this script's (a later script's
 * validation may point at a rule an earlier script added) */
static void apply_checked(struct ruleset *rs, const char *text, size_t len, bool first)
{
	struct ruleset_error err;
	u32 gen = ruleset_generation(rs);
	int before_len, after_len;
	char *before = listing(rs, &before_len), *after;

	memset(&err, 0xa5, sizeof(err));
	if (!ruleset_apply(rs, text, len, &err)) {
		CHECK(ruleset_generation(rs) == gen + 1);
		free(before);
		return;
	}
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0]);
	CHECK(err.line || !err.col);
	CHECK(!first || err.line <= count_lines(text, len));
	after = listing(rs, &after_len);
	CHECK(ruleset_generation(rs) == gen);
	CHECK(after_len == before_len && !memcmp(before, after, (size_t)after_len));
	free(before);
	free(after);
}

static void check_roundtrip(const struct ruleset *rs)
{
	struct ruleset *again = ruleset_create();
	struct ruleset_error err;
	int len, len2;
	char *text = listing(rs, &len), *text2;

	CHECK(again);
	if (ruleset_apply(again, text, (size_t)len, &err)) {
		fprintf(stderr, "the listing does not load: %u:%u: %s\n%s", err.line, err.col,
			err.msg, text);
		__builtin_trap();
	}
	text2 = listing(again, &len2);
	if (len != len2 || memcmp(text, text2, (size_t)len)) {
		fprintf(stderr, "the listing lists differently:\n%s\n----\n%s", text, text2);
		__builtin_trap();
	}
	free(text);
	free(text2);
	ruleset_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t first = nul ? (size_t)(nul - text) : size;
	struct ruleset *rs = ruleset_create();

	CHECK(rs);
	apply_checked(rs, text, first, true);
	if (nul)
		apply_checked(rs, nul + 1, size - first - 1, false);
	else
		apply_checked(rs, text, size, false);
	check_roundtrip(rs);
	ruleset_destroy(rs);
	return 0;
}
