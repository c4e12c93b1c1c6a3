/* SPDX-License-Identifier: MIT */
/*
 * iperf3_json.c - iperf3 -J reader (contract in iperf3_json.h).
 *
 * The bytes, structure and json-glib passes are trace_json.c's (NUL and invalid UTF-8 with
 * line:column, truncation and trailing text recognised, every value's end position kept);
 * this file finds where the JSON starts (tolerant mode skips text before it), then walks
 * the schema and extracts the fields; every accessor checks type and range.
 *
 * Invariants: the result owns all its memory (strings duplicated, intervals in a GArray);
 * in strict mode only the first problem is reported and the parse fails.
 */
#include "iperf3_json.h"

#include <math.h>
#include <string.h>

#include "trace_json.h"

/* ---- schema walk -------------------------------------------------------------------------- */

struct jctx {
	struct trace_json t;   /* name, mode, diags, value positions, failed */
	bool quiet_missing;    /* iperf3 reported an error: absent sections are expected */
};

static bool G_GNUC_PRINTF(3, 4)
problem(struct jctx *j, JsonNode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_json_problemv(&j->t, at, fmt, ap);
	va_end(ap);
	return false;
}


static JsonNode *member(struct jctx *j, JsonNode *parent, const char *path, const char *name,
			bool required)
{
	JsonObject *o = json_node_get_object(parent);

	if (!json_object_has_member(o, name)) {
		if (required && !j->quiet_missing)
			problem(j, parent, "%s%s%s: missing", path, *path ? "." : "", name);
		return NULL;
	}
	return json_object_get_member(o, name);
}

static JsonNode *get_container(struct jctx *j, JsonNode *parent, const char *path,
			       const char *name, bool required, JsonNodeType type)
{
	JsonNode *n = member(j, parent, path, name, required);

	if (!n)
		return NULL;
	if (json_node_get_node_type(n) != type) {
		problem(j, n, "%s%s%s: expected %s, found %s", path, *path ? "." : "", name,
			type == JSON_NODE_OBJECT ? "an object" : "an array", trace_json_kind(n));
		return NULL;
	}
	return n;
}

static bool is_number(JsonNode *n)
{
	GType t;

	if (!JSON_NODE_HOLDS_VALUE(n))
		return false;
	t = json_node_get_value_type(n);
	return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static bool get_number(struct jctx *j, JsonNode *parent, const char *path, const char *name,
		       bool required, double *out)
{
	JsonNode *n = member(j, parent, path, name, required);
	double v;

	if (!n)
		return false;
	if (!is_number(n))
		return problem(j, n, "%s.%s: expected a number, found %s", path, name,
			       trace_json_kind(n));
	v = json_node_get_value_type(n) == G_TYPE_INT64 ? (double)json_node_get_int(n) :
							  json_node_get_double(n);
	if (!isfinite(v) || v < 0)
		return problem(j, n, "%s.%s: expected a finite number >= 0, found %g", path, name,
			       v);
	*out = v;
	return true;
}

static bool get_count(struct jctx *j, JsonNode *parent, const char *path, const char *name,
		      bool required, u64 *out)
{
	JsonNode *n = member(j, parent, path, name, required);
	double d;

	if (!n)
		return false;
	if (!is_number(n))
		return problem(j, n, "%s.%s: expected an integer, found %s", path, name,
			       trace_json_kind(n));
	if (json_node_get_value_type(n) == G_TYPE_INT64) {
		gint64 v = json_node_get_int(n);

		if (v < 0)
			return problem(j, n, "%s.%s: expected an integer >= 0, found %lld", path,
				       name, (long long)v);
		*out = (u64)v;
		return true;
	}
	/* Integers beyond int64 arrive as doubles: accept exact ones within u64. */
	d = json_node_get_double(n);
	if (!isfinite(d) || d < 0 || d >= 18446744073709551616.0 || d != (double)(u64)d)
		return problem(j, n, "%s.%s: expected an integer >= 0, found %g", path, name, d);
	*out = (u64)d;
	return true;
}

/* iperf3 prints test_start.reverse as 0/1 and "omitted" as true/false: take both. */
static bool get_flag(struct jctx *j, JsonNode *parent, const char *path, const char *name,
		     bool required, bool *out)
{
	JsonNode *n = member(j, parent, path, name, required);

	if (!n)
		return false;
	if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN) {
		*out = json_node_get_boolean(n);
		return true;
	}
	if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64 &&
	    (json_node_get_int(n) == 0 || json_node_get_int(n) == 1)) {
		*out = json_node_get_int(n) == 1;
		return true;
	}
	return problem(j, n, "%s.%s: expected true/false or 0/1, found %s", path, name,
		       trace_json_kind(n));
}

static const char *get_string(struct jctx *j, JsonNode *parent, const char *path,
			      const char *name, bool required)
{
	JsonNode *n = member(j, parent, path, name, required);

	if (!n)
		return NULL;
	if (!trace_json_is_string(n)) {
		problem(j, n, "%s%s%s: expected a string, found %s", path, *path ? "." : "", name,
			trace_json_kind(n));
		return NULL;
	}
	return json_node_get_string(n);
}

enum sum_kind { SUM_INTERVAL, SUM_END };

/* One "sum" object; false if a required field is missing or bad. */
static bool read_sum(struct jctx *j, JsonNode *n, const char *path, struct iperf3_sum *s,
		     enum sum_kind kind)
{
	bool ok = true;
	double jitter;

	memset(s, 0, sizeof(*s));
	ok &= get_number(j, n, path, "start", true, &s->start);
	ok &= get_number(j, n, path, "end", true, &s->end);
	ok &= get_number(j, n, path, "seconds", true, &s->seconds);
	ok &= get_count(j, n, path, "bytes", true, &s->bytes);
	ok &= get_number(j, n, path, "bits_per_second", true, &s->bits_per_second);
	if (!ok)
		return false;
	if (s->end + 1e-6 < s->start)
		return problem(j, n, "%s: ends (%g s) before it starts (%g s)", path, s->end,
			       s->start);
	s->has_retransmits = get_count(j, n, path, "retransmits", false, &s->retransmits);
	if (get_number(j, n, path, "jitter_ms", false, &jitter)) {
		s->has_udp = true;
		s->jitter_ms = jitter;
		get_count(j, n, path, "lost_packets", false, &s->lost_packets);
		get_count(j, n, path, "packets", false, &s->packets);
		get_number(j, n, path, "lost_percent", false, &s->lost_percent);
	}
	if (kind == SUM_INTERVAL)
		get_flag(j, n, path, "omitted", false, &s->omitted);
	s->present = true;
	return !j->t.failed;
}

static void read_start(struct jctx *j, JsonNode *root, struct iperf3_result *r)
{
	JsonNode *start, *conn, *ts, *tst;
	const char *s;
	u64 v;

	start = get_container(j, root, "", "start", true, JSON_NODE_OBJECT);
	if (!start)
		return;
	if ((s = get_string(j, start, "start", "version", false)))
		r->version = g_strdup(s);
	r->server = json_object_has_member(json_node_get_object(start), "accepted_connection");
	conn = get_container(j, start, "start", "connected", true, JSON_NODE_ARRAY);
	if (conn)
		r->connected = json_array_get_length(json_node_get_array(conn));
	ts = get_container(j, start, "start", "timestamp", false, JSON_NODE_OBJECT);
	if (ts)
		r->has_timesecs = get_count(j, ts, "start.timestamp", "timesecs", false,
					    &r->timesecs);
	tst = get_container(j, start, "start", "test_start", true, JSON_NODE_OBJECT);
	if (!tst)
		return;
	r->has_test_start = true;
	if ((s = get_string(j, tst, "start.test_start", "protocol", true))) {
		if (strlen(s) >= sizeof(r->protocol) || !*s)
			problem(j, json_object_get_member(json_node_get_object(tst), "protocol"),
				"start.test_start.protocol: expected TCP, UDP or SCTP, found '%.16s'",
				s);
		else
			g_strlcpy(r->protocol, s, sizeof(r->protocol));
	}
	if (get_count(j, tst, "start.test_start", "num_streams", true, &v)) {
		if (v > UINT32_MAX)
			problem(j, tst, "start.test_start.num_streams: %llu is out of range",
				(unsigned long long)v);
		else
			r->num_streams = (u32)v;
	}
	get_number(j, tst, "start.test_start", "duration", true, &r->duration);
	if (get_count(j, tst, "start.test_start", "omit", false, &v))
		r->omit = v > UINT32_MAX ? UINT32_MAX : (u32)v;
	get_flag(j, tst, "start.test_start", "reverse", true, &r->reverse);
	get_flag(j, tst, "start.test_start", "bidir", false, &r->bidir);
}

static void read_intervals(struct jctx *j, JsonNode *root, struct iperf3_result *r)
{
	JsonNode *ivs = get_container(j, root, "", "intervals", true, JSON_NODE_ARRAY);
	JsonArray *a;
	guint i, n;

	if (!ivs)
		return;
	a = json_node_get_array(ivs);
	n = json_array_get_length(a);
	for (i = 0; i < n && !j->t.failed; i++) {
		JsonNode *el = json_array_get_element(a, i), *sum, *rev, *streams;
		struct iperf3_interval iv;
		char path[48];

		memset(&iv, 0, sizeof(iv));
		g_snprintf(path, sizeof(path), "intervals[%u]", i);
		if (json_node_get_node_type(el) != JSON_NODE_OBJECT) {
			problem(j, el, "%s: expected an object, found %s; skipped", path,
				trace_json_kind(el));
			continue;
		}
		streams = get_container(j, el, path, "streams", false, JSON_NODE_ARRAY);
		if (streams)
			iv.streams = json_array_get_length(json_node_get_array(streams));
		sum = get_container(j, el, path, "sum", true, JSON_NODE_OBJECT);
		g_strlcat(path, ".sum", sizeof(path));
		if (!sum || !read_sum(j, sum, path, &iv.sum, SUM_INTERVAL))
			continue;   /* tolerant: the interval is skipped, the warning names it */
		g_snprintf(path, sizeof(path), "intervals[%u]", i);
		rev = get_container(j, el, path, "sum_bidir_reverse", false, JSON_NODE_OBJECT);
		g_strlcat(path, ".sum_bidir_reverse", sizeof(path));
		if (rev && read_sum(j, rev, path, &iv.sum_reverse, SUM_INTERVAL))
			r->bidir = true;
		g_array_append_val(r->intervals, iv);
	}
}

static void read_end(struct jctx *j, JsonNode *root, struct iperf3_result *r)
{
	static const char *const cpu_keys[6] = {
		"host_total", "host_user", "host_system",
		"remote_total", "remote_user", "remote_system",
	};
	double *cpu_vals[6] = {
		&r->cpu.host_total, &r->cpu.host_user, &r->cpu.host_system,
		&r->cpu.remote_total, &r->cpu.remote_user, &r->cpu.remote_system,
	};
	JsonNode *end, *n, *cpu;
	JsonObject *eo;
	const char *s;
	bool ok = true;
	int i;

	end = get_container(j, root, "", "end", true, JSON_NODE_OBJECT);
	if (!end)
		return;
	if ((n = get_container(j, end, "end", "sum_sent", false, JSON_NODE_OBJECT)))
		read_sum(j, n, "end.sum_sent", &r->sum_sent, SUM_END);
	if ((n = get_container(j, end, "end", "sum_received", false, JSON_NODE_OBJECT)))
		read_sum(j, n, "end.sum_received", &r->sum_received, SUM_END);
	if ((n = get_container(j, end, "end", "sum", false, JSON_NODE_OBJECT)))
		read_sum(j, n, "end.sum", &r->sum_udp, SUM_END);
	if ((n = get_container(j, end, "end", "sum_sent_bidir_reverse", false,
			       JSON_NODE_OBJECT)) &&
	    read_sum(j, n, "end.sum_sent_bidir_reverse", &r->sum_sent_reverse, SUM_END))
		r->bidir = true;
	if ((n = get_container(j, end, "end", "sum_received_bidir_reverse", false,
			       JSON_NODE_OBJECT)) &&
	    read_sum(j, n, "end.sum_received_bidir_reverse", &r->sum_received_reverse, SUM_END))
		r->bidir = true;
	/* Only when absent: a present but broken sum has had its own message. */
	eo = json_node_get_object(end);
	if (!j->quiet_missing && !json_object_has_member(eo, "sum") &&
	    !(json_object_has_member(eo, "sum_sent") && json_object_has_member(eo, "sum_received")))
		problem(j, end, "end: expected sum_sent and sum_received (or sum, for UDP)");

	cpu = get_container(j, end, "end", "cpu_utilization_percent", true, JSON_NODE_OBJECT);
	if (cpu) {
		for (i = 0; i < 6; i++)
			ok &= get_number(j, cpu, "end.cpu_utilization_percent", cpu_keys[i], true,
					 cpu_vals[i]);
		r->cpu.present = ok;
	}
	if ((s = get_string(j, end, "end", "sender_tcp_congestion", false)))
		r->sender_congestion = g_strdup(s);
	if ((s = get_string(j, end, "end", "receiver_tcp_congestion", false)))
		r->receiver_congestion = g_strdup(s);
}

void iperf3_result_init(struct iperf3_result *r)
{
	memset(r, 0, sizeof(*r));
	r->intervals = g_array_new(FALSE, TRUE, sizeof(struct iperf3_interval));
}

void iperf3_result_clear(struct iperf3_result *r)
{
	g_free(r->version);
	g_free(r->sender_congestion);
	g_free(r->receiver_congestion);
	g_free(r->error);
	if (r->intervals)
		g_array_free(r->intervals, TRUE);
	memset(r, 0, sizeof(*r));
}

/* Where the JSON starts; in tolerant mode text before a line starting with '{' is skipped. */
static bool find_root(const char *name, const char *buf, size_t len, enum trace_mode mode,
		      size_t *root, struct trace_diags *diags)
{
	size_t i = trace_json_skip_space(buf, len);
	const char *eol;
	u32 line, col;
	char q[64];

	if (i >= len) {
		trace_diags_add(diags, TRACE_ERROR, name, 0, 0,
				"empty input: expected iperf3 -J output (a JSON object)");
		return false;
	}
	if (buf[i] == '{') {
		*root = i;
		return true;
	}
	trace_json_linecol(buf, i, &line, &col);
	eol = memchr(buf + i, '\n', len - i);
	trace_quote(q, sizeof(q), buf + i, eol ? (size_t)(eol - (buf + i)) : len - i, 40);
	if (mode == TRACE_STRICT) {
		trace_diags_add(diags, TRACE_ERROR, name, line, col,
				"expected '{' starting the iperf3 JSON object, found '%s'", q);
		return false;
	}
	/* Tolerant: the first line whose first non-blank character is '{'. */
	for (; i < len; i++) {
		size_t k;

		if (buf[i] != '\n')
			continue;
		for (k = i + 1; k < len && (buf[k] == ' ' || buf[k] == '\t'); k++)
			;
		if (k < len && buf[k] == '{') {
			u32 l2, c2;

			trace_json_linecol(buf, k, &l2, &c2);
			trace_diags_add(diags, TRACE_WARNING, name, line, col,
					"text before the JSON object skipped ('%s'; JSON starts at "
					"line %u)", q, l2);
			*root = k;
			return true;
		}
	}
	trace_diags_add(diags, TRACE_ERROR, name, line, col,
			"expected iperf3 -J output: no line starts a JSON object ('{'), found '%s'",
			q);
	return false;
}

int iperf3_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			struct iperf3_result *r, struct trace_diags *diags)
{
	struct jctx j = { .quiet_missing = false };
	char *copy = NULL;
	const char *text = buf;
	size_t root = 0;
	JsonNode *rootn;
	const char *s;
	int ret = -1;

	trace_json_init(&j.t, name, mode, diags);
	iperf3_result_clear(r);
	iperf3_result_init(r);
	if (!buf)
		len = 0;
	if (len && !trace_json_check_bytes(&j.t, buf, len, "iperf3 JSON"))
		return -1;
	if (!find_root(j.t.name, buf, len, mode, &root, diags))
		return -1;
	if (root > 0) {
		/* Blank the skipped text (and a BOM) so json-glib's line:column stay right. */
		size_t i;

		copy = g_malloc(len);
		memcpy(copy, buf, len);
		for (i = 0; i < root; i++)
			if (copy[i] != '\n')
				copy[i] = ' ';
		text = copy;
	}
	if (!trace_json_load(&j.t, text, root, len, true, &rootn))
		goto out;
	if (j.t.trailing < len) {
		u32 l, c;

		trace_json_linecol(text, j.t.trailing, &l, &c);
		if (mode == TRACE_STRICT) {
			trace_diags_add(diags, TRACE_ERROR, j.t.name, l, c,
					"unexpected text after the end of the JSON object");
			goto out;
		}
		trace_diags_add(diags, TRACE_WARNING, j.t.name, l, c,
				"text after the end of the JSON object ignored");
	}
	if (!rootn || json_node_get_node_type(rootn) != JSON_NODE_OBJECT) {
		trace_diags_add(diags, TRACE_ERROR, j.t.name, 0, 0,
				"expected a JSON object at the top level, found %s",
				trace_json_kind(rootn));
		goto out;
	}
	if ((s = get_string(&j, rootn, "", "error", false))) {
		r->error = g_strdup(s);
		problem(&j, json_object_get_member(json_node_get_object(rootn), "error"),
			"iperf3 reported an error: %s", s);
		j.quiet_missing = true;
	}
	read_start(&j, rootn, r);
	read_intervals(&j, rootn, r);
	read_end(&j, rootn, r);
	ret = j.t.failed ? -1 : 0;
out:
	trace_json_destroy(&j.t);
	g_free(copy);
	return ret;
}

int iperf3_parse_file(const char *path, enum trace_mode mode, struct iperf3_result *r,
		      struct trace_diags *diags)
{
	char *buf;
	size_t len;
	int ret;

	if (!trace_read_file(path, &buf, &len, diags)) {
		iperf3_result_clear(r);
		iperf3_result_init(r);
		return -1;
	}
	ret = iperf3_parse_buffer(path, buf, len, mode, r, diags);
	g_free(buf);
	return ret;
}

double iperf3_received_bps(const struct iperf3_result *r)
{
	if (r->sum_received.present)
		return r->sum_received.bits_per_second;
	if (r->sum_udp.present)
		return r->sum_udp.bits_per_second;
	return 0;
}

double iperf3_mean_interval_bps(const struct iperf3_result *r)
{
	double total = 0;
	guint i, n = 0;

	for (i = 0; r->intervals && i < r->intervals->len; i++) {
		const struct iperf3_interval *iv =
			&g_array_index(r->intervals, struct iperf3_interval, i);

		if (iv->sum.omitted)
			continue;
		total += iv->sum.bits_per_second;
		n++;
	}
	return n ? total / n : 0;
}
