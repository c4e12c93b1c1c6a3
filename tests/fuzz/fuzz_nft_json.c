/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the `nft -j list ruleset` reader (traces/nft_json*.c): parse in both
 * modes; a parse fails iff it reported an error, a successful one yields text that the
 * core's parser accepts on an empty ruleset (the reader's own promise), the tolerant mode
 * never reports an error for a document the strict mode accepts, and the counts add up.
 */
#include <string.h>

#include "nft_json.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode, rc[2] = { 0, 0 };

	for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
		struct nft_json_result r;
		struct trace_diags d;

		trace_diags_init(&d);
		nft_json_result_init(&r);
		rc[mode] = nft_json_parse_buffer("fuzz", (const char *)data, size,
						 (enum trace_mode)mode,
						 size && (data[0] & 1) ? NFT_JSON_FT_HW_OFFLOAD : 0,
						 &r, &d);
		CHECK((rc[mode] == -1) == (trace_diags_count(&d, TRACE_ERROR) > 0));
		if (!rc[mode]) {
			struct ruleset *rs = ruleset_create();
			struct ruleset_error err;

			CHECK(r.text && strlen(r.text) == r.text_len);
			CHECK(r.flowtables->len <= r.objects);
			CHECK(r.tables <= r.objects);
			if (mode == TRACE_STRICT)
				CHECK(!r.rules_skipped && !r.objects_skipped);
			CHECK(rs && !ruleset_apply(rs, r.text, r.text_len, &err));
			ruleset_destroy(rs);
		}
		nft_json_result_clear(&r);
		trace_diags_clear(&d);
	}
	CHECK(rc[TRACE_STRICT] == -1 || rc[TRACE_TOLERANT] == 0);
	return 0;
}
