/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the trace bundle reader (traces/bundle*.c): the input is either an
 * archive (first byte even: the rest is read as a .tar.gz or .tar, as bundle_open() reads a
 * file) or, first byte odd, the text of the bundle's files separated by lines "--": the
 * manifest, then samples/000001/{time,nf_conntrack,ppe0/entries,stat} and
 * static/ruleset.json, packed by this harness into a ustar archive (so the manifest,
 * sample and decoder paths get inputs that pass the archive layer).  Open and decode in
 * both modes; a failure must come with an error, a success with a consistent timeline.
 */
#include <string.h>

#include "bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const char *const names[] = {
	"b/manifest", "b/samples/000001/time", "b/samples/000001/nf_conntrack",
	"b/samples/000001/ppe0/entries", "b/samples/000001/stat", "b/static/ruleset.json",
};

static void octal(char *dst, size_t width, size_t v)
{
	size_t i;

	for (i = width - 1; i-- > 0; v >>= 3)
		dst[i] = (char)('0' + (v & 7));
	dst[width - 1] = '\0';
}

/* One ustar member: header block plus the data padded to 512 bytes. */
static void add_member(GByteArray *tar, const char *name, const uint8_t *p, size_t n)
{
	uint8_t h[512];
	unsigned sum = 0;
	size_t i;
	static const uint8_t zero[512];

	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	octal((char *)h + 100, 8, 0644);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, n);
	octal((char *)h + 136, 12, 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	octal((char *)h + 148, 7, sum);
	g_byte_array_append(tar, h, sizeof(h));
	g_byte_array_append(tar, p, (guint)n);
	if (n % 512)
		g_byte_array_append(tar, zero, (guint)(512 - n % 512));
}

static GByteArray *pack(const uint8_t *data, size_t size)
{
	GByteArray *tar = g_byte_array_new();
	static const uint8_t zero[1024];
	size_t start = 0, i, f = 0;

	for (i = 0; i <= size && f < G_N_ELEMENTS(names); i++) {
		bool sep = i + 3 <= size && data[i] == '-' && data[i + 1] == '-' &&
			   data[i + 2] == '\n' && (i == 0 || data[i - 1] == '\n');

		if (i == size || sep) {
			add_member(tar, names[f++], data + start, i - start);
			start = i + 3;
			i += 2;
		}
	}
	g_byte_array_append(tar, zero, sizeof(zero));
	return tar;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GByteArray *tar = NULL;
	const uint8_t *p = data + (size ? 1 : 0);
	size_t n = size ? size - 1 : 0;
	struct bundle *b;
	GError *err = NULL;
	int strict;

	if (size && (data[0] & 1)) {
		tar = pack(p, n);
		p = tar->data;
		n = tar->len;
	}
	b = bundle_open_bytes("fuzz.tar", p, n, &err);
	CHECK(!b == !!err);
	g_clear_error(&err);
	for (strict = 0; b && strict <= 1; strict++) {
		struct bundle_decode_opts o = { .strict = strict != 0 };
		struct bundle_timeline *tl = bundle_decode(b, &o, &err);

		CHECK(!tl == !!err);
		g_clear_error(&err);
		if (tl) {
			CHECK(tl->points->len == b->samples->len);
			bundle_timeline_free(tl);
		}
	}
	bundle_free(b);
	if (tar)
		g_byte_array_free(tar, TRUE);
	return 0;
}
