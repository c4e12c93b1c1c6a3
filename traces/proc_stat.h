/* SPDX-License-Identifier: MIT */
/*
 * proc_stat.h - /proc/stat CPU samples and the per-interval utilisation computed from them.
 *
 * Input: one or more /proc/stat dumps one after another, as a collector loop writes them
 * (`while :; do date +%s; cat /proc/stat; sleep 1; done`).  A sample starts
 *  - at a time stamp line: unix seconds with an optional fraction (`date +%s`,
 *    `date +%s.%N`), "HH:MM:SS[.frac]" (`date +%T`), or a /proc/uptime line
 *    ("350735.47 234388.90": the first number, seconds since boot);
 *  - or, without time stamps, at a "cpu" line for a CPU the current sample already has.
 * In a sample, "cpu" (all CPUs) and "cpuN" lines carry the counters of
 * Documentation/filesystems/proc.rst §1.7 in USER_HZ ticks:
 *   user nice system idle iowait irq softirq steal guest guest_nice
 * Kernels before 2.6.33 print fewer columns (at least 4: 2.4 had user nice system idle);
 * missing columns read as 0 and ncols says how many there were.  btime, ctxt, the intr
 * and softirq totals are kept; other "key number..." lines (processes, procs_running, ...)
 * are accepted and ignored; '#' lines and blank lines are skipped.
 *
 * Utilisation of an interval between two consecutive samples, per CPU (matched by id):
 *   busy  = user + nice + system + irq + softirq + steal
 *   total = busy + idle + iowait
 * guest and guest_nice are left out: the kernel already counts guest time in user/nice
 * (kernel/sched/cputime.c: account_guest_time).  busy_pct = 100 busy / total,
 * softirq_pct = 100 softirq / total, softirq_share = softirq / busy.
 *
 * Counters that go down between samples:
 *  - a field that wrapped at 2^32 (truncating collectors, old 32-bit kernels: previous value
 *    in the upper half of the 32-bit range, new value small) is unwrapped (flag wrapped);
 *  - idle or iowait alone going backwards is a known NO_HZ accounting artefact ("iowait ...
 *    will decrease in certain conditions", proc.rst); the delta is clamped to 0 (flag
 *    clamped);
 *  - user, nice, system, irq, softirq or steal going backwards, or btime changing, means the
 *    counters started again (a reboot; a collector restarted with other counters): the
 *    interval has no value for that CPU (status PROC_STAT_RESET; a changed btime resets
 *    every CPU);
 *  - a CPU present in only one of the two samples (hotplug) is PROC_STAT_MISSING;
 *  - no ticks at all (two identical samples) is PROC_STAT_NO_TICKS.
 */
#ifndef FS_PROC_STAT_H
#define FS_PROC_STAT_H

#include "trace_common.h"

enum proc_stat_field {
	PS_USER, PS_NICE, PS_SYSTEM, PS_IDLE, PS_IOWAIT, PS_IRQ, PS_SOFTIRQ, PS_STEAL,
	PS_GUEST, PS_GUEST_NICE,
	PS_NFIELDS
};

#define PROC_STAT_AGGREGATE (-1)   /* cpu id of the "cpu" line */

struct proc_stat_cpu {
	s32 cpu;                  /* PROC_STAT_AGGREGATE or N of "cpuN" */
	u8 ncols;                 /* counters printed (4..10) */
	u32 line;
	u64 v[PS_NFIELDS];        /* USER_HZ ticks */
};

enum proc_stat_time {
	PROC_STAT_TIME_NONE,
	PROC_STAT_TIME_UNIX,      /* seconds since the epoch */
	PROC_STAT_TIME_CLOCK,     /* seconds since midnight ("HH:MM:SS") */
	PROC_STAT_TIME_UPTIME,    /* seconds since boot (/proc/uptime) */
};

struct proc_stat_sample {
	u32 line;                 /* first line of the sample (its time stamp or first cpu) */
	u8 time_kind;             /* enum proc_stat_time */
	double time;              /* seconds, meaning by time_kind */
	bool has_btime, has_ctxt, has_intr, has_softirq;
	u64 btime;                /* boot time, unix seconds */
	u64 ctxt;                 /* context switches */
	u64 intr;                 /* first number of "intr": all interrupts */
	u64 softirq;              /* first number of "softirq": all softirqs */
	u32 first_cpu;            /* index into the series' cpus */
	u32 ncpu;                 /* cpu lines of this sample, aggregate included */
};

struct proc_stat_series {
	GArray *samples;          /* struct proc_stat_sample */
	GArray *cpus;             /* struct proc_stat_cpu, grouped by sample */
};

struct proc_stat_stats {
	u32 lines;
	u32 samples;
	u32 cpu_lines;
	u32 time_lines;
	u32 other_lines;          /* accepted non-cpu lines (intr, ctxt, processes, ...) */
	u32 comments;
	u32 blank;
	u32 malformed;            /* skipped (tolerant) or fatal (strict) */
};

void proc_stat_series_init(struct proc_stat_series *s);
void proc_stat_series_clear(struct proc_stat_series *s);

/*
 * Parse a sequence of samples.  Returns 0 on success, -1 when strict mode met a bad line,
 * the input has no sample at all, or it could not be read.  stats and diags may be NULL.
 * The series is cleared first.
 */
int proc_stat_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			   struct proc_stat_series *s, struct proc_stat_stats *stats,
			   struct trace_diags *diags);
int proc_stat_parse_file(const char *path, enum trace_mode mode, struct proc_stat_series *s,
			 struct proc_stat_stats *stats, struct trace_diags *diags);

/* Sample i's cpu line for this id, or NULL. */
const struct proc_stat_cpu *proc_stat_sample_cpu(const struct proc_stat_series *s, u32 i,
						 s32 cpu);

enum proc_stat_status {
	PROC_STAT_OK,
	PROC_STAT_RESET,          /* counters started again (reboot) */
	PROC_STAT_MISSING,        /* CPU in only one of the two samples */
	PROC_STAT_NO_TICKS,       /* no time passed in the counters */
};

struct proc_stat_usage {
	s32 cpu;                  /* PROC_STAT_AGGREGATE or N */
	u8 status;                /* enum proc_stat_status; values are 0 unless PROC_STAT_OK */
	bool wrapped;             /* a 32-bit wrap was undone */
	bool clamped;             /* idle/iowait went backwards and was clamped */
	u64 ticks;                /* total delta */
	u64 delta[PS_NFIELDS];
	double busy_pct;
	double user_pct;          /* user + nice */
	double system_pct;
	double irq_pct;
	double softirq_pct;
	double steal_pct;
	double idle_pct;          /* idle + iowait */
	double iowait_pct;
	double softirq_share;     /* softirq / busy: 0..1, 0 when nothing was busy */
};

struct proc_stat_interval {
	u32 from, to;             /* sample indices (to == from + 1) */
	bool has_seconds;         /* both samples time-stamped with the same kind */
	double seconds;
	bool reboot;              /* btime changed */
	double ticks_per_second;  /* per CPU (mean of the cpuN lines, else the aggregate's):
				   * USER_HZ, 100 on nearly every build; 0 when unknown */
	u32 first;                /* index into the report's usage; the aggregate, if */
	u32 count;                /* present in both samples, first, then cpuN by id */
};

struct proc_stat_report {
	GArray *intervals;        /* struct proc_stat_interval */
	GArray *usage;            /* struct proc_stat_usage */
};

void proc_stat_report_init(struct proc_stat_report *r);
void proc_stat_report_clear(struct proc_stat_report *r);

/*
 * Per-interval, per-CPU utilisation of a series (rules above).  Resets, clamps and hotplug
 * are reported as notes (with the line of the later sample); a sample time going backwards
 * as a warning.  Returns the number of intervals.
 */
u32 proc_stat_compute(const struct proc_stat_series *s, struct proc_stat_report *r,
		      const char *name, struct trace_diags *diags);

/* Interval i's usage for this cpu id, or NULL. */
const struct proc_stat_usage *proc_stat_interval_cpu(const struct proc_stat_report *r, u32 i,
						     s32 cpu);

#endif /* FS_PROC_STAT_H */
