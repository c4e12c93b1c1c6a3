/* SPDX-License-Identifier: MIT */
/*
 * proc_stat.c - /proc/stat sample sequences and per-interval CPU utilisation (contract and
 * delta rules in proc_stat.h).
 *
 * Invariants:
 *  - a sample in the series has at least one cpu line; its cpu lines are contiguous in
 *    series->cpus, in file order, with distinct ids;
 *  - parsing allocates only when the arrays grow (no per-line or per-field allocation);
 *  - utilisation values of an interval are only set when its status is PROC_STAT_OK.
 */
#include "proc_stat.h"

#include <errno.h>
#include <string.h>

#define WRAP32 (1ull << 32)

struct line_cursor {
	const char *s;
	size_t len;
	size_t pos;
};

static bool next_tok(struct line_cursor *c, const char **p, size_t *n)
{
	while (c->pos < c->len && trace_is_space(c->s[c->pos]))
		c->pos++;
	if (c->pos >= c->len)
		return false;
	*p = c->s + c->pos;
	while (c->pos < c->len && !trace_is_space(c->s[c->pos]))
		c->pos++;
	*n = (size_t)(c->s + c->pos - *p);
	return true;
}

/* ".123456789" after the integer part: 1-9 digits as a fraction of a second. */
static bool parse_fraction(const char *p, size_t n, double *out)
{
	double frac = 0, scale = 0.1;
	size_t i;

	if (!n || n > 9)
		return false;
	for (i = 0; i < n; i++) {
		if (!trace_is_digit(p[i]))
			return false;
		frac += (p[i] - '0') * scale;
		scale /= 10;
	}
	*out = frac;
	return true;
}

/* "1700000000", "1700000000.123456789", "350735.47": integer part and decimal fraction. */
static bool parse_decimal(const char *p, size_t n, bool need_fraction, double *out)
{
	const char *dot = memchr(p, '.', n);
	size_t a = dot ? (size_t)(dot - p) : n;
	double frac = 0;
	u64 v;

	if (!trace_parse_u64(p, a, &v))
		return false;
	if (!dot && need_fraction)
		return false;
	if (dot && !parse_fraction(dot + 1, n - a - 1, &frac))
		return false;
	*out = (double)v + frac;
	return true;
}

static bool parse_clock(const char *p, size_t n, double *out)
{
	unsigned h, m, s;
	double frac = 0;

	if (n < 8 || !trace_is_digit(p[0]) || !trace_is_digit(p[1]) || p[2] != ':' ||
	    !trace_is_digit(p[3]) || !trace_is_digit(p[4]) || p[5] != ':' ||
	    !trace_is_digit(p[6]) || !trace_is_digit(p[7]))
		return false;
	h = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
	m = (unsigned)(p[3] - '0') * 10 + (unsigned)(p[4] - '0');
	s = (unsigned)(p[6] - '0') * 10 + (unsigned)(p[7] - '0');
	if (h > 23 || m > 59 || s > 60)
		return false;
	if (n > 8 && (p[8] != '.' || !parse_fraction(p + 9, n - 9, &frac)))
		return false;
	*out = h * 3600.0 + m * 60.0 + s + frac;
	return true;
}

/* A time stamp line; kind and time set when true. */
static bool parse_time_line(const char *text, size_t len, u8 *kind, double *t)
{
	struct line_cursor c = { text, len, 0 };
	const char *p1, *p2, *p3;
	size_t n1, n2, n3;
	double up, idle;

	if (!next_tok(&c, &p1, &n1))
		return false;
	if (!next_tok(&c, &p2, &n2)) {
		const char *dot = memchr(p1, '.', n1);
		size_t ilen = dot ? (size_t)(dot - p1) : n1;

		/* ten or more integer digits: unix time (2001 on), not a stray counter */
		if (ilen >= 10 && parse_decimal(p1, n1, false, t)) {
			*kind = PROC_STAT_TIME_UNIX;
			return true;
		}
		if (parse_clock(p1, n1, t)) {
			*kind = PROC_STAT_TIME_CLOCK;
			return true;
		}
		return false;
	}
	/* /proc/uptime: "uptime idle", both with a fraction */
	if (next_tok(&c, &p3, &n3))
		return false;
	if (parse_decimal(p1, n1, true, &up) && parse_decimal(p2, n2, true, &idle)) {
		*kind = PROC_STAT_TIME_UPTIME;
		*t = up;
		return true;
	}
	return false;
}

/* ---- series ---------------------------------------------------------------------------- */

void proc_stat_series_init(struct proc_stat_series *s)
{
	s->samples = g_array_new(FALSE, TRUE, sizeof(struct proc_stat_sample));
	s->cpus = g_array_new(FALSE, TRUE, sizeof(struct proc_stat_cpu));
}

void proc_stat_series_clear(struct proc_stat_series *s)
{
	if (s->samples)
		g_array_free(s->samples, TRUE);
	if (s->cpus)
		g_array_free(s->cpus, TRUE);
	s->samples = NULL;
	s->cpus = NULL;
}

const struct proc_stat_cpu *proc_stat_sample_cpu(const struct proc_stat_series *s, u32 i,
						 s32 cpu)
{
	const struct proc_stat_sample *sm;
	u32 k;

	if (!s->samples || i >= s->samples->len)
		return NULL;
	sm = &g_array_index(s->samples, struct proc_stat_sample, i);
	for (k = 0; k < sm->ncpu; k++) {
		const struct proc_stat_cpu *c =
			&g_array_index(s->cpus, struct proc_stat_cpu, sm->first_cpu + k);

		if (c->cpu == cpu)
			return c;
	}
	return NULL;
}

struct pstate {
	const char *name;
	enum trace_mode mode;
	struct proc_stat_series *s;
	struct proc_stat_stats *st;
	struct trace_diags *diags;
	struct proc_stat_sample cur;
	bool open;             /* cur holds something (time, lines) */
	bool failed;
};

/* A bad line: strict error (parse fails), tolerant warning (line skipped). */
static void G_GNUC_PRINTF(4, 5)
bad(struct pstate *ps, u32 line, u32 col, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	g_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->mode == TRACE_STRICT) {
		trace_diags_add(ps->diags, TRACE_ERROR, ps->name, line, col, "%s", msg);
		ps->failed = true;
	} else {
		trace_diags_add(ps->diags, TRACE_WARNING, ps->name, line, col, "%s; skipped", msg);
	}
}

static void finish_sample(struct pstate *ps)
{
	if (!ps->open)
		return;
	ps->open = false;
	if (!ps->cur.ncpu) {
		/* A time stamp or other lines with no cpu line after them. */
		bad(ps, ps->cur.line, 0, "expected cpu lines in the /proc/stat sample starting "
		    "here, found none");
		return;
	}
	g_array_append_val(ps->s->samples, ps->cur);
	ps->st->samples++;
}

static void open_sample(struct pstate *ps, u32 line)
{
	memset(&ps->cur, 0, sizeof(ps->cur));
	ps->cur.line = line;
	ps->cur.first_cpu = ps->s->cpus->len;
	ps->open = true;
}

static bool sample_has_cpu(const struct pstate *ps, s32 id)
{
	u32 k;

	for (k = 0; k < ps->cur.ncpu; k++)
		if (g_array_index(ps->s->cpus, struct proc_stat_cpu,
				  ps->cur.first_cpu + k).cpu == id)
			return true;
	return false;
}

static void cpu_line(struct pstate *ps, const struct trace_line *ln, const char *key,
		     size_t keylen, struct line_cursor *c)
{
	struct proc_stat_cpu cpu;
	const char *p;
	size_t n;
	u64 id;
	char q[48];

	memset(&cpu, 0, sizeof(cpu));
	cpu.line = ln->number;
	if (keylen == 3) {
		cpu.cpu = PROC_STAT_AGGREGATE;
	} else if (!trace_parse_u64(key + 3, keylen - 3, &id) || id > 0x7fffffff) {
		trace_quote(q, sizeof(q), key, keylen, 32);
		bad(ps, ln->number, 1, "expected 'cpu' or 'cpuN', found '%s'", q);
		return;
	} else {
		cpu.cpu = (s32)id;
	}
	while (next_tok(c, &p, &n)) {
		if (cpu.ncols == PS_NFIELDS) {
			bad(ps, ln->number, (u32)(p - ln->text + 1), "expected at most %d counters "
			    "on a cpu line (user ... guest_nice)", PS_NFIELDS);
			return;
		}
		if (!trace_parse_u64(p, n, &cpu.v[cpu.ncols])) {
			trace_quote(q, sizeof(q), p, n, 32);
			bad(ps, ln->number, (u32)(p - ln->text + 1), "expected a tick counter "
			    "(unsigned 64-bit integer), found '%s'", q);
			return;
		}
		cpu.ncols++;
	}
	if (cpu.ncols < 4) {
		bad(ps, ln->number, (u32)(ln->len + 1), "expected at least 4 counters (user nice "
		    "system idle) on a cpu line, found %u%s", cpu.ncols,
		    ln->flags & TRACE_LINE_NO_EOL ? " (last line has no newline: truncated?)" : "");
		return;
	}
	/* Untimed dumps back to back: a CPU seen again begins the next sample. */
	if (!ps->open || sample_has_cpu(ps, cpu.cpu)) {
		finish_sample(ps);
		if (ps->failed)
			return;
		open_sample(ps, ln->number);
	}
	g_array_append_val(ps->s->cpus, cpu);
	ps->cur.ncpu++;
	ps->st->cpu_lines++;
}

/* "intr 12345 0 0 ...", "ctxt 99", "btime 1700000000", "processes 42", ... */
static void other_line(struct pstate *ps, const struct trace_line *ln, const char *key,
		       size_t keylen, struct line_cursor *c)
{
	const char *p;
	size_t n, i;
	u64 first = 0, v;
	u32 count = 0;
	char q[48];

	for (i = 0; i < keylen; i++) {
		if (!((key[i] >= 'a' && key[i] <= 'z') || key[i] == '_')) {
			trace_quote(q, sizeof(q), ln->text, ln->len, 40);
			bad(ps, ln->number, 1, "expected a /proc/stat line (cpuN, intr, ctxt, "
			    "btime, ...) or a time stamp, found '%s'", q);
			return;
		}
	}
	while (next_tok(c, &p, &n)) {
		if (!trace_parse_u64(p, n, &v)) {
			trace_quote(q, sizeof(q), p, n, 32);
			bad(ps, ln->number, (u32)(p - ln->text + 1), "expected a number after "
			    "'%.*s', found '%s'", (int)keylen, key, q);
			return;
		}
		if (!count++)
			first = v;
	}
	if (!count) {
		bad(ps, ln->number, (u32)(ln->len + 1), "expected a number after '%.*s'",
		    (int)keylen, key);
		return;
	}
	if (!ps->open)
		open_sample(ps, ln->number);
#define KEY_IS(lit) (keylen == sizeof(lit) - 1 && !memcmp(key, lit, keylen))
	if (KEY_IS("btime")) {
		ps->cur.has_btime = true;
		ps->cur.btime = first;
	} else if (KEY_IS("ctxt")) {
		ps->cur.has_ctxt = true;
		ps->cur.ctxt = first;
	} else if (KEY_IS("intr")) {
		ps->cur.has_intr = true;
		ps->cur.intr = first;
	} else if (KEY_IS("softirq")) {
		ps->cur.has_softirq = true;
		ps->cur.softirq = first;
	}
#undef KEY_IS
	ps->st->other_lines++;
}

static void handle_line(struct pstate *ps, const struct trace_line *ln)
{
	struct line_cursor c = { ln->text, ln->len, 0 };
	const char *key;
	size_t keylen;
	u8 kind;
	double t;
	u32 before = trace_diags_count(ps->diags, TRACE_WARNING) +
		     trace_diags_count(ps->diags, TRACE_ERROR);

	ps->st->lines++;
	if (ln->flags & TRACE_LINE_TRUNCATED) {
		bad(ps, ln->number, 0, "line too long (%zu bytes, limit %zu)", ln->full_len,
		    ln->len);
		goto out;
	}
	if (!next_tok(&c, &key, &keylen)) {
		ps->st->blank++;
		return;
	}
	if (key[0] == '#') {
		ps->st->comments++;
		return;
	}
	if (parse_time_line(ln->text, ln->len, &kind, &t)) {
		finish_sample(ps);
		if (ps->failed)
			return;
		open_sample(ps, ln->number);
		ps->cur.time_kind = kind;
		ps->cur.time = t;
		ps->st->time_lines++;
		return;
	}
	if (keylen >= 3 && !memcmp(key, "cpu", 3))
		cpu_line(ps, ln, key, keylen, &c);
	else
		other_line(ps, ln, key, keylen, &c);
out:
	if (trace_diags_count(ps->diags, TRACE_WARNING) + trace_diags_count(ps->diags, TRACE_ERROR)
	    != before || ps->failed)
		ps->st->malformed++;
}

static int parse_reader(const char *name, struct trace_reader *r, enum trace_mode mode,
			struct proc_stat_series *s, struct proc_stat_stats *stats,
			struct trace_diags *diags)
{
	struct proc_stat_stats local;
	struct trace_diags own;
	struct pstate ps = {
		.name = name ? name : "<input>", .mode = mode, .s = s,
		.st = stats ? stats : &local, .diags = diags,
	};
	struct trace_line ln;

	/* Malformed lines are counted from the diagnostics: keep a list even if none given. */
	if (!diags) {
		trace_diags_init(&own);
		ps.diags = &own;
	}
	memset(ps.st, 0, sizeof(*ps.st));
	proc_stat_series_clear(s);
	proc_stat_series_init(s);
	while (!ps.failed && trace_reader_next(r, &ln))
		handle_line(&ps, &ln);
	if (!ps.failed)
		finish_sample(&ps);
	if (!ps.failed && r->io_errno) {
		trace_diags_add(ps.diags, TRACE_ERROR, ps.name, r->lineno + 1, 0, "read error: %s",
				g_strerror(r->io_errno));
		ps.failed = true;
	}
	if (!ps.failed && !s->samples->len) {
		trace_diags_add(ps.diags, TRACE_ERROR, ps.name, 0, 0,
				"no /proc/stat sample found (expected 'cpu' lines)");
		ps.failed = true;
	}
	if (!diags)
		trace_diags_clear(&own);
	return ps.failed ? -1 : 0;
}

int proc_stat_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			   struct proc_stat_series *s, struct proc_stat_stats *stats,
			   struct trace_diags *diags)
{
	struct trace_reader r;
	int ret;

	trace_reader_init_buffer(&r, buf, len);
	ret = parse_reader(name, &r, mode, s, stats, diags);
	trace_reader_destroy(&r);
	return ret;
}

int proc_stat_parse_file(const char *path, enum trace_mode mode, struct proc_stat_series *s,
			 struct proc_stat_stats *stats, struct trace_diags *diags)
{
	struct trace_reader r;
	FILE *fp = fopen(path, "rb");
	int ret;

	if (!fp) {
		trace_diags_add(diags, TRACE_ERROR, path, 0, 0, "cannot open: %s",
				g_strerror(errno));
		proc_stat_series_clear(s);
		proc_stat_series_init(s);
		if (stats)
			memset(stats, 0, sizeof(*stats));
		return -1;
	}
	trace_reader_init_stream(&r, fp);
	ret = parse_reader(path, &r, mode, s, stats, diags);
	trace_reader_destroy(&r);
	fclose(fp);
	return ret;
}

/* ---- utilisation ------------------------------------------------------------------------ */

void proc_stat_report_init(struct proc_stat_report *r)
{
	r->intervals = g_array_new(FALSE, TRUE, sizeof(struct proc_stat_interval));
	r->usage = g_array_new(FALSE, TRUE, sizeof(struct proc_stat_usage));
}

void proc_stat_report_clear(struct proc_stat_report *r)
{
	if (r->intervals)
		g_array_free(r->intervals, TRUE);
	if (r->usage)
		g_array_free(r->usage, TRUE);
	r->intervals = NULL;
	r->usage = NULL;
}

const struct proc_stat_usage *proc_stat_interval_cpu(const struct proc_stat_report *r, u32 i,
						     s32 cpu)
{
	const struct proc_stat_interval *iv;
	u32 k;

	if (!r->intervals || i >= r->intervals->len)
		return NULL;
	iv = &g_array_index(r->intervals, struct proc_stat_interval, i);
	for (k = 0; k < iv->count; k++) {
		const struct proc_stat_usage *u =
			&g_array_index(r->usage, struct proc_stat_usage, iv->first + k);

		if (u->cpu == cpu)
			return u;
	}
	return NULL;
}

static gint cmp_s32(gconstpointer a, gconstpointer b)
{
	s32 x = *(const s32 *)a, y = *(const s32 *)b;

	return x < y ? -1 : x > y;
}

/* Delta of one counter; sets *wrapped / *back when it did not simply grow. */
static u64 field_delta(u64 prev, u64 cur, bool *wrapped, bool *back)
{
	if (cur >= prev)
		return cur - prev;
	/* Wrapped at 2^32: the old value in the upper half, the new one in the lower. */
	if (prev < WRAP32 && prev >= WRAP32 / 2 && cur < WRAP32 / 2) {
		*wrapped = true;
		return WRAP32 - prev + cur;
	}
	*back = true;
	return 0;
}

static void usage_of(const struct proc_stat_cpu *a, const struct proc_stat_cpu *b,
		     bool reboot, struct proc_stat_usage *u)
{
	u8 ncols = a->ncols < b->ncols ? a->ncols : b->ncols;
	bool reset = reboot;
	u64 busy;
	double tot;
	int f;

	for (f = 0; f < ncols; f++) {
		bool back = false;

		u->delta[f] = field_delta(a->v[f], b->v[f], &u->wrapped, &back);
		if (!back)
			continue;
		if (f == PS_IDLE || f == PS_IOWAIT)
			u->clamped = true;      /* proc.rst: iowait/idle may decrease */
		else if (f != PS_GUEST && f != PS_GUEST_NICE)
			reset = true;
	}
	if (reset) {
		u->status = PROC_STAT_RESET;
		memset(u->delta, 0, sizeof(u->delta));
		u->wrapped = u->clamped = false;
		return;
	}
	busy = u->delta[PS_USER] + u->delta[PS_NICE] + u->delta[PS_SYSTEM] + u->delta[PS_IRQ] +
	       u->delta[PS_SOFTIRQ] + u->delta[PS_STEAL];
	u->ticks = busy + u->delta[PS_IDLE] + u->delta[PS_IOWAIT];
	if (!u->ticks) {
		u->status = PROC_STAT_NO_TICKS;
		return;
	}
	u->status = PROC_STAT_OK;
	tot = (double)u->ticks;
	u->busy_pct = 100.0 * (double)busy / tot;
	u->user_pct = 100.0 * (double)(u->delta[PS_USER] + u->delta[PS_NICE]) / tot;
	u->system_pct = 100.0 * (double)u->delta[PS_SYSTEM] / tot;
	u->irq_pct = 100.0 * (double)u->delta[PS_IRQ] / tot;
	u->softirq_pct = 100.0 * (double)u->delta[PS_SOFTIRQ] / tot;
	u->steal_pct = 100.0 * (double)u->delta[PS_STEAL] / tot;
	u->idle_pct = 100.0 * (double)(u->delta[PS_IDLE] + u->delta[PS_IOWAIT]) / tot;
	u->iowait_pct = 100.0 * (double)u->delta[PS_IOWAIT] / tot;
	u->softirq_share = busy ? (double)u->delta[PS_SOFTIRQ] / (double)busy : 0.0;
}

static const char *cpu_name(s32 id, char *buf, size_t size)
{
	if (id == PROC_STAT_AGGREGATE)
		g_strlcpy(buf, "cpu", size);
	else
		g_snprintf(buf, size, "cpu%d", id);
	return buf;
}

u32 proc_stat_compute(const struct proc_stat_series *s, struct proc_stat_report *r,
		      const char *name, struct trace_diags *diags)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(s32));
	u32 i, n = s->samples ? s->samples->len : 0;

	if (!name)
		name = "<input>";
	proc_stat_report_clear(r);
	proc_stat_report_init(r);
	for (i = 1; i < n; i++) {
		const struct proc_stat_sample *a =
			&g_array_index(s->samples, struct proc_stat_sample, i - 1);
		const struct proc_stat_sample *b =
			&g_array_index(s->samples, struct proc_stat_sample, i);
		struct proc_stat_interval iv;
		u32 k, ok_cpus = 0;
		u64 cpu_ticks = 0;
		const struct proc_stat_usage *agg = NULL;
		char nb[24];

		memset(&iv, 0, sizeof(iv));
		iv.from = i - 1;
		iv.to = i;
		iv.first = r->usage->len;
		iv.reboot = a->has_btime && b->has_btime && a->btime != b->btime;
		if (iv.reboot)
			trace_diags_add(diags, TRACE_NOTE, name, b->line, 0,
					"btime changed (%llu -> %llu): the router rebooted, no "
					"utilisation for this interval",
					(unsigned long long)a->btime, (unsigned long long)b->btime);
		if (a->time_kind && a->time_kind == b->time_kind) {
			double d = b->time - a->time;

			if (d < 0 && a->time_kind == PROC_STAT_TIME_CLOCK)
				d += 86400.0;       /* HH:MM:SS past midnight */
			if (d > 0) {
				iv.has_seconds = true;
				iv.seconds = d;
			} else {
				trace_diags_add(diags, TRACE_WARNING, name, b->line, 0,
						"sample time does not advance (%.3f s after the "
						"sample at line %u)", d, a->line);
			}
		}

		g_array_set_size(ids, 0);
		for (k = 0; k < b->ncpu; k++)
			g_array_append_val(ids, g_array_index(s->cpus, struct proc_stat_cpu,
							      b->first_cpu + k).cpu);
		for (k = 0; k < a->ncpu; k++) {
			s32 id = g_array_index(s->cpus, struct proc_stat_cpu, a->first_cpu + k).cpu;

			if (!proc_stat_sample_cpu(s, i, id))
				g_array_append_val(ids, id);
		}
		g_array_sort(ids, cmp_s32);

		for (k = 0; k < ids->len; k++) {
			s32 id = g_array_index(ids, s32, k);
			const struct proc_stat_cpu *ca = proc_stat_sample_cpu(s, i - 1, id);
			const struct proc_stat_cpu *cb = proc_stat_sample_cpu(s, i, id);
			struct proc_stat_usage u;

			memset(&u, 0, sizeof(u));
			u.cpu = id;
			if (!ca || !cb) {
				u.status = PROC_STAT_MISSING;
				trace_diags_add(diags, TRACE_NOTE, name, b->line, 0,
						"%s is in only one of the samples at lines %u and %u "
						"(CPU hotplug?)", cpu_name(id, nb, sizeof(nb)),
						a->line, b->line);
			} else {
				usage_of(ca, cb, iv.reboot, &u);
				if (u.status == PROC_STAT_RESET && !iv.reboot)
					trace_diags_add(diags, TRACE_NOTE, name, cb->line, 0,
							"%s counters went backwards since line %u: "
							"reset (reboot?), no value",
							cpu_name(id, nb, sizeof(nb)), ca->line);
				if (u.clamped)
					trace_diags_add(diags, TRACE_NOTE, name, cb->line, 0,
							"%s idle/iowait went backwards since line %u "
							"(NO_HZ accounting); clamped to 0",
							cpu_name(id, nb, sizeof(nb)), ca->line);
				if (u.wrapped)
					trace_diags_add(diags, TRACE_NOTE, name, cb->line, 0,
							"%s counter wrapped at 2^32 since line %u",
							cpu_name(id, nb, sizeof(nb)), ca->line);
				if (u.status == PROC_STAT_OK && id != PROC_STAT_AGGREGATE) {
					ok_cpus++;
					cpu_ticks += u.ticks;
				}
			}
			g_array_append_val(r->usage, u);
		}
		iv.count = r->usage->len - iv.first;
		for (k = 0; k < iv.count; k++) {
			const struct proc_stat_usage *u =
				&g_array_index(r->usage, struct proc_stat_usage, iv.first + k);

			if (u->cpu == PROC_STAT_AGGREGATE && u->status == PROC_STAT_OK)
				agg = u;
		}
		/*
		 * Per-CPU lines first: the aggregate also moves with CPUs that were missing from
		 * a sample (it sums every possible CPU), which would inflate the rate.
		 */
		if (iv.has_seconds && ok_cpus)
			iv.ticks_per_second = (double)cpu_ticks / iv.seconds / ok_cpus;
		else if (iv.has_seconds && agg)
			iv.ticks_per_second = (double)agg->ticks / iv.seconds;
		g_array_append_val(r->intervals, iv);
	}
	g_array_free(ids, TRUE);
	return r->intervals->len;
}
