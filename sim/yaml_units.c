// SPDX-License-Identifier: MIT
/*
 * yaml_units.c - quantities with units in flowsim's inputs: bit rates, durations, sizes,
 * frequencies and event rates, as plain-text parsers (yu_parse_*) for the command line and
 * as typed getters on YAML nodes (yu_rate, yu_duration, ...).  The units are listed in
 * yaml_util.h.
 *
 * Invariant: numbers are parsed with integer decimal arithmetic, so "2.5gbit" is exactly
 * 2500000000 and "1.5s" exactly 1500000000 ns; a value that is not a whole number of the
 * base unit, or does not fit in 64 bits, is an error rather than rounded.
 */
#include "yaml_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- units ---- */

struct unit {
	const char *name;
	uint64_t mult;      /* base units per one of this unit */
	bool exact_case;
};

/* Exact decimal: "<digits>[.<digits>]" -> mantissa and fraction digits. */
static int parse_decimal(const char *s, const char **end, uint64_t *mant, unsigned *frac)
{
	uint64_t m = 0;
	unsigned f = 0, digits = 0;
	bool point = false;
	const char *p = s;

	for (;; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		if (m > (UINT64_MAX - 9) / 10)
			return -2;   /* too many digits */
		m = m * 10 + (uint64_t)(*p - '0');
		digits++;
		if (point)
			f++;
	}
	if (!digits)
		return -1;
	if (f > 18)
		return -2;
	*mant = m;
	*frac = f;
	*end = p;
	return 0;
}

static const struct unit *find_unit(const struct unit *units, const char *u)
{
	size_t i;

	for (i = 0; units[i].name; i++) {
		if (units[i].exact_case ? !strcmp(units[i].name, u) :
					  !g_ascii_strcasecmp(units[i].name, u))
			return &units[i];
	}
	return NULL;
}

/*
 * "<decimal><spaces?><unit>" with units from the table; bare_mult != 0 allows a bare number
 * (bare_zero_only: only "0").  The result is exact or an error.
 */
static int parse_quantity(const char *s, const struct unit *units, uint64_t bare_mult,
			  bool bare_zero_only, const char *expected, const char *base_name,
			  uint64_t *out, char *err, size_t errlen)
{
	const char *p = s, *end;
	const struct unit *u;
	uint64_t mant, mult, pow10 = 1;
	unsigned frac, i;
	unsigned __int128 v;
	int rc;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		snprintf(err, errlen, "must not be negative, got '%s'", s);
		return -1;
	}
	if (*p == '+')
		p++;
	rc = parse_decimal(p, &end, &mant, &frac);
	if (rc == -2) {
		snprintf(err, errlen, "'%s' is too large or too precise", s);
		return -1;
	}
	if (rc) {
		snprintf(err, errlen, "expected %s, got '%s'", expected, s);
		return -1;
	}
	while (*end == ' ')
		end++;
	if (!*end) {
		if (bare_mult && (!bare_zero_only || mant == 0)) {
			mult = bare_mult;
		} else {
			snprintf(err, errlen, "'%s' has no unit: expected %s", s, expected);
			return -1;
		}
	} else {
		u = find_unit(units, end);
		if (!u) {
			snprintf(err, errlen, "expected %s, got '%s'", expected, s);
			return -1;
		}
		mult = u->mult;
	}
	for (i = 0; i < frac; i++)
		pow10 *= 10;
	v = (unsigned __int128)mant * mult;
	if (v % pow10) {
		snprintf(err, errlen, "'%s' is not a whole number of %s", s, base_name);
		return -1;
	}
	v /= pow10;
	if (v > UINT64_MAX) {
		snprintf(err, errlen, "'%s' is too large", s);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

static const struct unit rate_units[] = {
	{ "bit", 1, false }, { "kbit", 1000ULL, false }, { "mbit", 1000000ULL, false },
	{ "gbit", 1000000000ULL, false }, { "tbit", 1000000000000ULL, false },
	{ "bit/s", 1, false }, { "kbit/s", 1000ULL, false }, { "mbit/s", 1000000ULL, false },
	{ "gbit/s", 1000000000ULL, false }, { "tbit/s", 1000000000000ULL, false },
	{ "bps", 0, false }, { "kbps", 0, false }, { "mbps", 0, false }, { "gbps", 0, false },
	{ "tbps", 0, false }, { NULL, 0, false },
};

int yu_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen)
{
	const char *p = s;
	const struct unit *u;

	/* tc's bps/kbps/... are BYTES per second: refuse rather than guess */
	while (*p && (isdigit((unsigned char)*p) || *p == '.' || *p == ' ' || *p == '+'))
		p++;
	u = *p ? find_unit(rate_units, p) : NULL;
	if (u && u->mult == 0) {
		snprintf(err, errlen,
			 "'%s' is ambiguous: tc reads '%s' as bytes per second; write e.g. 100mbit "
			 "for megabits per second", s, p);
		return -1;
	}
	return parse_quantity(s, rate_units, 0, false, "a bit rate such as 100mbit or 2.5gbit",
			      "bit/s", bps, err, errlen);
}

static const struct unit duration_units[] = {
	{ "ns", 1, false }, { "us", 1000ULL, false }, { "\xc2\xb5s", 1000ULL, false },
	{ "ms", 1000000ULL, false }, { "s", 1000000000ULL, false },
	{ "min", 60000000000ULL, false }, { "h", 3600000000000ULL, false }, { NULL, 0, false },
};

int yu_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	return parse_quantity(s, duration_units, 1, true,
			      "a duration such as 300ms, 1.5s or 2min", "nanoseconds", ns, err,
			      errlen);
}

static const struct unit size_units[] = {
	{ "B", 1, true }, { "kB", 1000ULL, true }, { "KB", 1000ULL, true },
	{ "MB", 1000000ULL, true }, { "GB", 1000000000ULL, true },
	{ "TB", 1000000000000ULL, true }, { "KiB", 1024ULL, true }, { "kiB", 1024ULL, true },
	{ "MiB", 1048576ULL, true }, { "GiB", 1073741824ULL, true },
	{ "TiB", 1099511627776ULL, true }, { NULL, 0, false },
};

int yu_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	return parse_quantity(s, size_units, 1, false, "a size such as 1500, 64KiB or 1GiB",
			      "bytes", bytes, err, errlen);
}

static const struct unit freq_units[] = {
	{ "Hz", 1, false }, { "kHz", 1000ULL, false }, { "MHz", 1000000ULL, false },
	{ "GHz", 1000000000ULL, false }, { NULL, 0, false },
};

int yu_parse_freq(const char *s, uint64_t *hz, char *err, size_t errlen)
{
	return parse_quantity(s, freq_units, 0, false, "a frequency such as 880MHz or 1.3GHz",
			      "Hz", hz, err, errlen);
}

int yu_parse_event_rate(const char *s, double *per_sec, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char *num, *end;
	double v, div;

	if (!slash) {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		return -1;
	}
	if (!strcmp(slash, "/s"))
		div = 1;
	else if (!strcmp(slash, "/min"))
		div = 60;
	else if (!strcmp(slash, "/h"))
		div = 3600;
	else {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		return -1;
	}
	num = g_strndup(s, (gsize)(slash - s));
	g_strstrip(num);
	if (num[0] == '-') {
		snprintf(err, errlen, "must not be negative, got '%s'", s);
		g_free(num);
		return -1;
	}
	errno = 0;
	v = (isdigit((unsigned char)num[0]) || num[0] == '.') && !strpbrk(num, "xXnN") ?
		    strtod(num, &end) : NAN;
	if (isnan(v) || *end || errno == ERANGE || !isfinite(v)) {
		snprintf(err, errlen, "expected a rate of events such as 20/s or 5/min, got '%s'",
			 s);
		g_free(num);
		return -1;
	}
	g_free(num);
	*per_sec = v / div;
	return 0;
}

typedef int (*parse_fn)(const char *s, uint64_t *out, char *err, size_t errlen);

static bool typed_u64(struct yu_diag *d, const struct yu_node *n, const char *what,
		      const char *expected, parse_fn fn, uint64_t *out)
{
	char err[256];

	if (!yu_expect_text(d, n, what, expected))
		return false;
	if (fn(n->text, out, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	return true;
}

bool yu_rate(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bps)
{
	return typed_u64(d, n, what, "a bit rate such as 100mbit or 2.5gbit", yu_parse_rate,
			 bps);
}

bool yu_duration(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *ns)
{
	return typed_u64(d, n, what, "a duration such as 300ms, 1.5s or 2min",
			 yu_parse_duration, ns);
}

bool yu_size(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *bytes)
{
	return typed_u64(d, n, what, "a size such as 1500, 64KiB or 1GiB", yu_parse_size,
			 bytes);
}

bool yu_freq(struct yu_diag *d, const struct yu_node *n, const char *what, uint64_t *hz)
{
	return typed_u64(d, n, what, "a frequency such as 880MHz or 1.3GHz", yu_parse_freq, hz);
}

bool yu_event_rate(struct yu_diag *d, const struct yu_node *n, const char *what,
		   double *per_sec)
{
	char err[256];

	if (!yu_expect_text(d, n, what, "a rate of events such as 20/s"))
		return false;
	if (yu_parse_event_rate(n->text, per_sec, err, sizeof(err))) {
		yu_error(d, n, "%s: %s", what, err);
		return false;
	}
	return true;
}
