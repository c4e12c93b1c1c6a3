/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the /proc/stat reader (traces/proc_stat.c): parse in both modes, then
 * compute the intervals; utilisation values must stay within 0..100 % whatever the counters
 * did (wraps, resets, garbage), and a parse fails iff it reported an error.
 */
#include "proc_stat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode;

	for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
		struct proc_stat_series s;
		struct proc_stat_report r;
		struct proc_stat_stats st;
		struct trace_diags d;
		u32 n, i;
		int rc;

		trace_diags_init(&d);
		proc_stat_series_init(&s);
		proc_stat_report_init(&r);
		rc = proc_stat_parse_buffer("fuzz", (const char *)data, size, (enum trace_mode)mode,
					    &s, &st, &d);
		CHECK((rc == -1) == (trace_diags_count(&d, TRACE_ERROR) > 0));
		n = proc_stat_compute(&s, &r, "fuzz", &d);
		CHECK(n == (s.samples->len ? s.samples->len - 1 : 0));
		for (i = 0; i < r.usage->len; i++) {
			const struct proc_stat_usage *u =
				&g_array_index(r.usage, struct proc_stat_usage, i);

			if (u->status != PROC_STAT_OK)
				continue;
			CHECK(u->ticks > 0);
			CHECK(u->busy_pct >= 0 && u->busy_pct <= 100.000001);
			CHECK(u->softirq_share >= 0 && u->softirq_share <= 1.000001);
		}
		proc_stat_report_clear(&r);
		proc_stat_series_clear(&s);
		trace_diags_clear(&d);
	}
	return 0;
}
