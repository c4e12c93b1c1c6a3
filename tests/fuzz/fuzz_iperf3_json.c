/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the iperf3 -J reader (traces/iperf3_json.c): both modes on the raw,
 * not NUL-terminated input; a parse fails iff it reported an error, strict mode reports at
 * most one problem, and whatever was accepted is in range.
 */
#include "iperf3_json.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode;

	for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
		struct iperf3_result r;
		struct trace_diags d;
		guint i;
		int rc;

		trace_diags_init(&d);
		iperf3_result_init(&r);
		rc = iperf3_parse_buffer("fuzz", (const char *)data, size, (enum trace_mode)mode,
					 &r, &d);
		CHECK((rc == -1) == (trace_diags_count(&d, TRACE_ERROR) > 0));
		if (mode == TRACE_STRICT)
			CHECK(trace_diags_count(&d, TRACE_ERROR) + trace_diags_count(&d, TRACE_WARNING)
			      <= 1);
		for (i = 0; rc == 0 && i < r.intervals->len; i++) {
			const struct iperf3_interval *iv =
				&g_array_index(r.intervals, struct iperf3_interval, i);

			CHECK(iv->sum.present);
			CHECK(isfinite(iv->sum.bits_per_second) && iv->sum.bits_per_second >= 0);
		}
		iperf3_result_clear(&r);
		trace_diags_clear(&d);
	}
	return 0;
}
