/* SPDX-License-Identifier: MIT */
/*
 * /proc/stat samples and per-interval utilisation (traces/proc_stat.c): a real capture from
 * the build VM, router-like samples written with known per-interval deltas, counter
 * wraps/resets/hotplug, old kernels, damaged pastes and seeded random mutations.
 */
#include "proc_stat.h"

#include <string.h>

#include <glib.h>

#define OWN(f) FLOWSIM_SOURCE_DIR "/tests/data/traces/proc_stat/" f

struct run {
	struct proc_stat_series s;
	struct proc_stat_stats st;
	struct proc_stat_report r;
	struct trace_diags d;
	int rc;
	u32 n;
};

static void run_file(struct run *x, const char *path, enum trace_mode mode)
{
	memset(x, 0, sizeof(*x));
	trace_diags_init(&x->d);
	proc_stat_series_init(&x->s);
	proc_stat_report_init(&x->r);
	x->rc = proc_stat_parse_file(path, mode, &x->s, &x->st, &x->d);
	x->n = proc_stat_compute(&x->s, &x->r, path, &x->d);
}

static void run_text(struct run *x, const char *text, enum trace_mode mode)
{
	memset(x, 0, sizeof(*x));
	trace_diags_init(&x->d);
	proc_stat_series_init(&x->s);
	proc_stat_report_init(&x->r);
	x->rc = proc_stat_parse_buffer("text", text, strlen(text), mode, &x->s, &x->st, &x->d);
	x->n = proc_stat_compute(&x->s, &x->r, "text", &x->d);
}

static void finish(struct run *x)
{
	proc_stat_series_clear(&x->s);
	proc_stat_report_clear(&x->r);
	trace_diags_clear(&x->d);
}

static const struct proc_stat_usage *use(const struct run *x, u32 i, s32 cpu)
{
	const struct proc_stat_usage *u = proc_stat_interval_cpu(&x->r, i, cpu);

	g_assert_nonnull(u);
	return u;
}

static const struct proc_stat_interval *ivl(const struct run *x, u32 i)
{
	g_assert_cmpuint(i, <, x->r.intervals->len);
	return &g_array_index(x->r.intervals, struct proc_stat_interval, i);
}

#define EPS 1e-9

static void assert_usage(const struct proc_stat_usage *u, u64 ticks, double busy,
			 double softirq, double share)
{
	g_assert_cmpuint(u->status, ==, PROC_STAT_OK);
	g_assert_cmpuint(u->ticks, ==, ticks);
	g_assert_cmpfloat_with_epsilon(u->busy_pct, busy, EPS);
	g_assert_cmpfloat_with_epsilon(u->softirq_pct, softirq, EPS);
	g_assert_cmpfloat_with_epsilon(u->softirq_share, share, EPS);
}

static void test_real_vm_capture(void)
{
	struct run x;
	const struct proc_stat_sample *sm;
	const struct proc_stat_cpu *c;

	run_file(&x, OWN("real-x86-vm-2cpu.txt"), TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.samples, ==, 3);
	g_assert_cmpuint(x.st.cpu_lines, ==, 9);
	g_assert_cmpuint(x.st.time_lines, ==, 3);
	g_assert_cmpuint(x.st.other_lines, ==, 21);
	g_assert_cmpuint(x.st.malformed, ==, 0);
	sm = &g_array_index(x.s.samples, struct proc_stat_sample, 0);
	g_assert_cmpuint(sm->time_kind, ==, PROC_STAT_TIME_UNIX);
	g_assert_cmpfloat_with_epsilon(sm->time, 1795558131.474183414, 1e-6);
	g_assert_cmpuint(sm->ncpu, ==, 3);
	g_assert_true(sm->has_btime);
	g_assert_cmpuint(sm->btime, ==, 1795556620);
	g_assert_cmpuint(sm->ctxt, ==, 822771);
	g_assert_cmpuint(sm->intr, ==, 719949);
	g_assert_cmpuint(sm->softirq, ==, 1101459);
	c = proc_stat_sample_cpu(&x.s, 0, 1);
	g_assert_nonnull(c);
	g_assert_cmpuint(c->ncols, ==, 10);
	g_assert_cmpuint(c->v[PS_USER], ==, 28916);
	g_assert_cmpuint(c->v[PS_IOWAIT], ==, 451);
	g_assert_cmpuint(c->v[PS_SOFTIRQ], ==, 383);

	g_assert_cmpuint(x.n, ==, 2);
	g_assert_true(ivl(&x, 0)->has_seconds);
	g_assert_cmpfloat_with_epsilon(ivl(&x, 0)->seconds, 1795558132.479564210 -
				       1795558131.474183414, 1e-6);
	/* cpu0: user +1, idle +99 in ~1 s at USER_HZ 100 */
	assert_usage(use(&x, 0, 0), 100, 1.0, 0.0, 0.0);
	assert_usage(use(&x, 0, 1), 101, 0.0, 0.0, 0.0);
	assert_usage(use(&x, 0, PROC_STAT_AGGREGATE), 201, 100.0 / 201, 0.0, 0.0);
	g_assert_cmpfloat(ivl(&x, 0)->ticks_per_second, >, 95);
	g_assert_cmpfloat(ivl(&x, 0)->ticks_per_second, <, 105);
	g_assert_cmpuint(trace_diags_len(&x.d), ==, 0);
	finish(&x);
}

/* Per-interval deltas chosen when the file was written (see its header). */
static void test_router_softirq_then_offload(void)
{
	struct run x;

	run_file(&x, OWN("mt7621-4cpu-offload.txt"), TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.samples, ==, 4);
	g_assert_cmpuint(x.n, ==, 3);
	g_assert_cmpuint(ivl(&x, 0)->count, ==, 5);
	g_assert_cmpfloat(ivl(&x, 0)->seconds, ==, 1.0);
	g_assert_cmpfloat(ivl(&x, 0)->ticks_per_second, ==, 100.0);

	/* interval 0: cpu0 spends 70 % in softirq (software forwarding) */
	assert_usage(use(&x, 0, 0), 100, 80.0, 70.0, 70.0 / 80.0);
	assert_usage(use(&x, 0, 1), 100, 20.0, 10.0, 0.5);
	assert_usage(use(&x, 0, 2), 100, 3.0, 1.0, 1.0 / 3.0);
	assert_usage(use(&x, 0, 3), 100, 1.0, 0.0, 0.0);
	assert_usage(use(&x, 0, PROC_STAT_AGGREGATE), 400, 26.0, 20.25, 81.0 / 104.0);
	g_assert_cmpfloat_with_epsilon(use(&x, 0, 0)->system_pct, 9.0, EPS);
	g_assert_cmpfloat_with_epsilon(use(&x, 0, 0)->idle_pct, 20.0, EPS);

	/* interval 1: offloaded - cpu0 nearly idle */
	assert_usage(use(&x, 1, 0), 100, 5.0, 2.0, 0.4);
	assert_usage(use(&x, 1, 2), 100, 0.0, 0.0, 0.0);
	assert_usage(use(&x, 1, PROC_STAT_AGGREGATE), 400, 2.0, 0.75, 3.0 / 8.0);

	/* interval 2: every column moves on cpu0 */
	assert_usage(use(&x, 2, 0), 100, 40.0, 5.0, 5.0 / 40.0);
	g_assert_cmpfloat_with_epsilon(use(&x, 2, 0)->user_pct, 15.0, EPS);  /* user + nice */
	g_assert_cmpfloat_with_epsilon(use(&x, 2, 0)->irq_pct, 5.0, EPS);
	g_assert_cmpfloat_with_epsilon(use(&x, 2, 0)->iowait_pct, 10.0, EPS);
	g_assert_cmpfloat_with_epsilon(use(&x, 2, 0)->idle_pct, 60.0, EPS); /* idle + iowait */
	g_assert_cmpuint(use(&x, 2, 0)->delta[PS_NICE], ==, 5);
	assert_usage(use(&x, 2, 1), 100, 30.0, 0.0, 0.0);
	g_assert_cmpuint(trace_diags_len(&x.d), ==, 0);
	finish(&x);
}

static void test_wrap_clamp_hotplug_reboot_midnight(void)
{
	struct run x;
	const struct proc_stat_usage *u;
	u32 i;

	run_file(&x, OWN("reset-wrap-hotplug.txt"), TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.samples, ==, 6);
	g_assert_cmpuint(x.n, ==, 5);
	for (i = 0; i < 5; i++) {
		/* HH:MM:SS stamps, one second apart across midnight */
		g_assert_true(ivl(&x, i)->has_seconds);
		g_assert_cmpfloat(ivl(&x, i)->seconds, ==, 1.0);
	}

	/* 23:59:58 -> :59: cpu0 user wrapped at 2^32 (+50), cpu1 iowait went back 3 */
	u = use(&x, 0, 0);
	g_assert_true(u->wrapped);
	g_assert_cmpuint(u->delta[PS_USER], ==, 50);
	assert_usage(u, 100, 70.0, 10.0, 10.0 / 70.0);
	u = use(&x, 0, 1);
	g_assert_true(u->clamped);
	g_assert_false(u->wrapped);
	g_assert_cmpuint(u->delta[PS_IOWAIT], ==, 0);
	assert_usage(u, 100, 23.0, 3.0, 3.0 / 23.0);
	u = use(&x, 0, PROC_STAT_AGGREGATE);
	g_assert_true(u->clamped);
	assert_usage(u, 200, 46.5, 6.5, 13.0 / 93.0);

	/* 23:59:59 -> 00:00:00: cpu1 offline */
	g_assert_cmpuint(use(&x, 1, 1)->status, ==, PROC_STAT_MISSING);
	assert_usage(use(&x, 1, 0), 100, 30.0, 10.0, 1.0 / 3.0);
	/* 00:00:00 -> :01: cpu1 back, still no interval value for it */
	g_assert_cmpuint(use(&x, 2, 1)->status, ==, PROC_STAT_MISSING);
	g_assert_cmpfloat(ivl(&x, 2)->ticks_per_second, ==, 100.0);  /* from cpu0 alone */

	/* 00:00:01 -> :02: btime changed, every CPU reset */
	g_assert_true(ivl(&x, 3)->reboot);
	g_assert_cmpuint(ivl(&x, 3)->count, ==, 3);
	for (i = 0; i < 3; i++)
		g_assert_cmpuint(g_array_index(x.r.usage, struct proc_stat_usage,
					       ivl(&x, 3)->first + i).status, ==, PROC_STAT_RESET);
	g_assert_cmpfloat(ivl(&x, 3)->ticks_per_second, ==, 0.0);

	/* after the reboot, normal again */
	g_assert_false(ivl(&x, 4)->reboot);
	assert_usage(use(&x, 4, 0), 100, 40.0, 20.0, 0.5);
	assert_usage(use(&x, 4, 1), 103, 800.0 / 103, 200.0 / 103, 0.25);

	/* notes, no warnings: none of this is an input error */
	g_assert_cmpuint(trace_diags_count(&x.d, TRACE_WARNING), ==, 0);
	g_assert_cmpuint(trace_diags_count(&x.d, TRACE_ERROR), ==, 0);
	g_assert_cmpuint(trace_diags_count(&x.d, TRACE_NOTE), ==, 6);
	finish(&x);
}

static void test_old_kernel_uptime_stamps(void)
{
	struct run x;
	const struct proc_stat_sample *sm;

	run_file(&x, OWN("old-kernel-uptime.txt"), TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.samples, ==, 3);
	sm = &g_array_index(x.s.samples, struct proc_stat_sample, 1);
	g_assert_cmpuint(sm->time_kind, ==, PROC_STAT_TIME_UPTIME);
	g_assert_cmpfloat_with_epsilon(sm->time, 12347.67, 1e-9);
	g_assert_cmpuint(proc_stat_sample_cpu(&x.s, 0, 0)->ncols, ==, 8);
	g_assert_cmpuint(x.n, ==, 2);
	g_assert_cmpfloat_with_epsilon(ivl(&x, 0)->seconds, 2.0, 1e-9);
	g_assert_cmpfloat_with_epsilon(ivl(&x, 0)->ticks_per_second, 100.0, 1e-9);
	/* cpu0: +5 +0 +10 +150 +5 +5 +25 = 200 ticks, busy 45 */
	assert_usage(use(&x, 0, 0), 200, 22.5, 12.5, 25.0 / 45.0);
	assert_usage(use(&x, 1, 1), 200, 18.5, 7.5, 15.0 / 37.0);
	finish(&x);
}

static void test_linux24_four_columns_untimed(void)
{
	struct run x;

	/* 2.4 printed user nice system idle only; no time stamps: cpu lines split samples */
	run_text(&x, "cpu  10 0 10 80\ncpu0 10 0 10 80\npage 1 2\nswap 0 0\n"
		     "cpu  30 0 20 150\ncpu0 30 0 20 150\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.samples, ==, 2);
	g_assert_cmpuint(proc_stat_sample_cpu(&x.s, 0, 0)->ncols, ==, 4);
	g_assert_cmpuint(x.n, ==, 1);
	g_assert_false(ivl(&x, 0)->has_seconds);
	g_assert_cmpfloat(ivl(&x, 0)->ticks_per_second, ==, 0.0);
	assert_usage(use(&x, 0, 0), 100, 30.0, 0.0, 0.0);
	finish(&x);
}

static void test_identical_samples_have_no_ticks(void)
{
	struct run x;

	run_text(&x, "1700000000\ncpu0 1 2 3 4 5 6 7 8 9 10\n"
		     "1700000001\ncpu0 1 2 3 4 5 6 7 8 9 10\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(use(&x, 0, 0)->status, ==, PROC_STAT_NO_TICKS);
	g_assert_cmpfloat(use(&x, 0, 0)->busy_pct, ==, 0.0);
	finish(&x);

	/* a real reset without btime: user goes back */
	run_text(&x, "cpu0 500 0 500 5000 0 0 0 0 0 0\ncpu0 5 0 5 50 0 0 0 0 0 0\n",
		 TRACE_STRICT);
	g_assert_cmpuint(use(&x, 0, 0)->status, ==, PROC_STAT_RESET);
	g_assert_nonnull(strstr(trace_diags_get(&x.d, 0)->message, "went backwards"));
	finish(&x);

	/* time going backwards (unix stamps): no duration, a warning */
	run_text(&x, "1700000005\ncpu0 1 0 1 8 0 0 0 0 0 0\n1700000001\ncpu0 2 0 2 16 0 0 0 0 0 0\n",
		 TRACE_STRICT);
	g_assert_false(ivl(&x, 0)->has_seconds);
	g_assert_cmpuint(trace_diags_count(&x.d, TRACE_WARNING), ==, 1);
	assert_usage(use(&x, 0, 0), 10, 20.0, 0.0, 0.0);
	finish(&x);
}

static void test_damaged_strict_and_tolerant(void)
{
	static const struct { u32 line, column; const char *msg; } want[] = {
		{ 6, 12, "expected a tick counter (unsigned 64-bit integer), found 'x'" },
		{ 7, 9, "expected at least 4 counters (user nice system idle) on a cpu line, "
			"found 2" },
		{ 9, 1, "expected a /proc/stat line (cpuN, intr, ctxt, btime, ...) or a time "
			"stamp, found 'Sampled by foo.sh v2'" },
		{ 13, 15, "expected at least 4 counters (user nice system idle) on a cpu line, "
			  "found 3 (last line has no newline: truncated?)" },
	};
	struct run x;
	char *s;
	u32 i;

	run_file(&x, OWN("damaged-truncated.txt"), TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpuint(trace_diags_len(&x.d), ==, 1);
	s = trace_diag_format(trace_diags_get(&x.d, 0));
	g_assert_cmpstr(s, ==, OWN("damaged-truncated.txt") ":6:12: expected a tick counter "
			"(unsigned 64-bit integer), found 'x'");
	g_free(s);
	finish(&x);

	run_file(&x, OWN("damaged-truncated.txt"), TRACE_TOLERANT);
	g_assert_cmpint(x.rc, ==, 0);
	g_assert_cmpuint(x.st.malformed, ==, 4);
	g_assert_cmpuint(x.st.samples, ==, 2);
	g_assert_cmpuint(trace_diags_count(&x.d, TRACE_WARNING), ==, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		const struct trace_diag *d = trace_diags_get(&x.d, i);

		g_assert_cmpuint(d->line, ==, want[i].line);
		g_assert_cmpuint(d->column, ==, want[i].column);
		g_assert_true(g_str_has_prefix(d->message, want[i].msg));
		g_assert_true(g_str_has_suffix(d->message, "; skipped"));
	}
	/* the cut cpu1 line is gone: cpu1 has no value, cpu0 does */
	g_assert_cmpuint(use(&x, 0, 1)->status, ==, PROC_STAT_MISSING);
	assert_usage(use(&x, 0, 0), 100, 20.0, 0.0, 0.0);
	finish(&x);
}

static void test_structural_errors(void)
{
	struct run x;

	run_text(&x, "1700000000\n1700000001\ncpu0 1 2 3 4\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpuint(trace_diags_get(&x.d, 0)->line, ==, 1);
	g_assert_cmpstr(trace_diags_get(&x.d, 0)->message, ==,
			"expected cpu lines in the /proc/stat sample starting here, found none");
	finish(&x);

	run_text(&x, "intr 1 2 3\nctxt 5\n", TRACE_TOLERANT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_nonnull(strstr(trace_diags_first(&x.d, TRACE_ERROR)->message,
				"no /proc/stat sample found"));
	finish(&x);

	run_text(&x, "cpu0 1 2 3 4 5 6 7 8 9 10 11\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpuint(trace_diags_get(&x.d, 0)->column, ==, 27);
	finish(&x);

	run_text(&x, "cpu0 18446744073709551616 0 0 0\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpuint(trace_diags_get(&x.d, 0)->column, ==, 6);
	finish(&x);

	run_text(&x, "cpux 1 2 3 4\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpstr(trace_diags_get(&x.d, 0)->message, ==, "expected 'cpu' or 'cpuN', found "
			"'cpux'");
	finish(&x);

	run_text(&x, "cpu0 1 2 3 4\r\nctxt\r\n", TRACE_STRICT);
	g_assert_cmpint(x.rc, ==, -1);
	g_assert_cmpstr(trace_diags_get(&x.d, 0)->message, ==, "expected a number after 'ctxt'");
	finish(&x);

	memset(&x, 0, sizeof(x));
	trace_diags_init(&x.d);
	proc_stat_series_init(&x.s);
	g_assert_cmpint(proc_stat_parse_file("/nonexistent/stat", TRACE_TOLERANT, &x.s, &x.st,
					     &x.d), ==, -1);
	g_assert_cmpuint(x.s.samples->len, ==, 0);
	finish(&x);
}

/* ---- robustness ------------------------------------------------------------------------ */

static void test_fuzz_mutated_samples(void)
{
	GRand *rng = g_rand_new_with_seed(0x57a7u);
	char *orig;
	gsize olen;
	u32 i, ok = 0;

	g_assert_true(g_file_get_contents(OWN("mt7621-4cpu-offload.txt"), &orig, &olen, NULL));
	for (i = 0; i < 1500; i++) {
		GString *s = g_string_new_len(orig, (gssize)olen);
		guint k, rounds = (guint)g_rand_int_range(rng, 1, 6);
		int mode;

		for (k = 0; k < rounds && s->len; k++) {
			guint pos = (guint)g_rand_int_range(rng, 0, (gint32)s->len);

			switch (g_rand_int_range(rng, 0, 4)) {
			case 0:
				g_string_truncate(s, pos);
				break;
			case 1:
				s->str[pos] = "0123456789 \n\0\r-x:."[g_rand_int_range(rng, 0, 19)];
				break;
			case 2: {
				gssize n = g_rand_int_range(rng, 1, 60);

				g_string_erase(s, pos, MIN((gssize)(s->len - pos), n));
				break;
			}
			default:
				g_string_insert(s, pos, g_rand_boolean(rng) ? "\ncpu9 " : "4294967295");
				break;
			}
		}
		for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
			struct run x;
			u32 j;

			memset(&x, 0, sizeof(x));
			trace_diags_init(&x.d);
			proc_stat_series_init(&x.s);
			proc_stat_report_init(&x.r);
			x.rc = proc_stat_parse_buffer("fuzz", s->str, s->len, (enum trace_mode)mode,
						      &x.s, &x.st, &x.d);
			g_assert_cmpint(x.rc == -1, ==, trace_diags_count(&x.d, TRACE_ERROR) > 0);
			if (mode == TRACE_STRICT)
				g_assert_cmpuint(trace_diags_count(&x.d, TRACE_ERROR), <=, 1);
			x.n = proc_stat_compute(&x.s, &x.r, "fuzz", &x.d);
			g_assert_cmpuint(x.n, ==, x.s.samples->len ? x.s.samples->len - 1 : 0);
			for (j = 0; j < x.r.usage->len; j++) {
				const struct proc_stat_usage *u =
					&g_array_index(x.r.usage, struct proc_stat_usage, j);

				if (u->status != PROC_STAT_OK)
					continue;
				/* percentages stay percentages whatever the counters did */
				g_assert_cmpfloat(u->busy_pct, >=, 0.0);
				g_assert_cmpfloat(u->busy_pct, <=, 100.0 + EPS);
				g_assert_cmpfloat(u->busy_pct + u->idle_pct, <=, 100.0 + 1e-6);
				g_assert_cmpfloat(u->softirq_share, <=, 1.0 + EPS);
				ok++;
			}
			finish(&x);
		}
		g_string_free(s, TRUE);
	}
	g_test_message("1500 mutated files x 2 modes: %u per-CPU values computed", ok);
	g_assert_cmpuint(ok, >, 1000);
	g_free(orig);
	g_rand_free(rng);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proc_stat/real/vm_capture", test_real_vm_capture);
	g_test_add_func("/proc_stat/usage/router_softirq_then_offload", test_router_softirq_then_offload);
	g_test_add_func("/proc_stat/usage/wrap_clamp_hotplug_reboot_midnight", test_wrap_clamp_hotplug_reboot_midnight);
	g_test_add_func("/proc_stat/usage/old_kernel_uptime_stamps", test_old_kernel_uptime_stamps);
	g_test_add_func("/proc_stat/usage/linux24_four_columns_untimed", test_linux24_four_columns_untimed);
	g_test_add_func("/proc_stat/usage/no_ticks_reset_and_time_backwards", test_identical_samples_have_no_ticks);
	g_test_add_func("/proc_stat/errors/damaged_strict_and_tolerant", test_damaged_strict_and_tolerant);
	g_test_add_func("/proc_stat/errors/structural", test_structural_errors);
	g_test_add_func("/proc_stat/fuzz/mutated_samples", test_fuzz_mutated_samples);
	return g_test_run();
}
