/* SPDX-License-Identifier: MIT */
/*
 * iperf3 -J reader (traces/iperf3_json.c): real iperf 3.12 output captured over loopback
 * (tests/data/traces/iperf3), damaged variants of it, and seeded random mutations.
 */
#include "iperf3_json.h"

#include <string.h>

#include <glib.h>

#define OWN(f) FLOWSIM_SOURCE_DIR "/tests/data/traces/iperf3/" f

struct parsed {
	struct iperf3_result r;
	struct trace_diags d;
	int rc;
};

static void parse_file(struct parsed *p, const char *path, enum trace_mode mode)
{
	trace_diags_init(&p->d);
	iperf3_result_init(&p->r);
	p->rc = iperf3_parse_file(path, mode, &p->r, &p->d);
}

static void parse_text(struct parsed *p, const char *text, enum trace_mode mode)
{
	trace_diags_init(&p->d);
	iperf3_result_init(&p->r);
	p->rc = iperf3_parse_buffer("text", text, strlen(text), mode, &p->r, &p->d);
}

static void done(struct parsed *p)
{
	iperf3_result_clear(&p->r);
	trace_diags_clear(&p->d);
}

static const struct iperf3_interval *iv(const struct parsed *p, guint i)
{
	g_assert_cmpuint(i, <, p->r.intervals->len);
	return &g_array_index(p->r.intervals, struct iperf3_interval, i);
}

static void test_tcp_client_exact_values(void)
{
	struct parsed p;

	parse_file(&p, OWN("client-tcp-1stream.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpuint(trace_diags_len(&p.d), ==, 0);
	g_assert_cmpstr(p.r.version, ==, "iperf 3.12");
	g_assert_false(p.r.server);
	g_assert_cmpuint(p.r.connected, ==, 1);
	g_assert_true(p.r.has_timesecs);
	g_assert_cmpuint(p.r.timesecs, ==, 1795557423);
	g_assert_cmpstr(p.r.protocol, ==, "TCP");
	g_assert_cmpuint(p.r.num_streams, ==, 1);
	g_assert_cmpfloat(p.r.duration, ==, 3);
	g_assert_cmpuint(p.r.omit, ==, 0);
	g_assert_false(p.r.reverse);
	g_assert_false(p.r.bidir);

	g_assert_cmpuint(p.r.intervals->len, ==, 3);
	g_assert_cmpfloat(iv(&p, 0)->sum.bits_per_second, ==, 22053250828.2418);
	g_assert_cmpfloat(iv(&p, 1)->sum.bits_per_second, ==, 22302810055.976593);
	g_assert_cmpfloat(iv(&p, 2)->sum.bits_per_second, ==, 21836069068.851868);
	g_assert_cmpuint(iv(&p, 1)->sum.bytes, ==, 2787901440);
	g_assert_cmpfloat(iv(&p, 1)->sum.start, ==, 1.000351);
	g_assert_cmpfloat(iv(&p, 1)->sum.end, ==, 2.000369);
	g_assert_true(iv(&p, 2)->sum.has_retransmits);
	g_assert_cmpuint(iv(&p, 2)->sum.retransmits, ==, 11);
	g_assert_false(iv(&p, 0)->sum.omitted);
	g_assert_cmpuint(iv(&p, 0)->streams, ==, 1);
	g_assert_false(iv(&p, 0)->sum_reverse.present);

	g_assert_true(p.r.sum_sent.present);
	g_assert_cmpfloat(p.r.sum_sent.bits_per_second, ==, 22064059500.96545);
	g_assert_cmpuint(p.r.sum_sent.bytes, ==, 8274444288);
	g_assert_true(p.r.sum_sent.has_retransmits);
	g_assert_cmpuint(p.r.sum_sent.retransmits, ==, 29);
	g_assert_true(p.r.sum_received.present);
	g_assert_cmpfloat(p.r.sum_received.bits_per_second, ==, 22061338741.279438);
	g_assert_false(p.r.sum_received.has_retransmits);
	g_assert_cmpfloat(p.r.sum_received.seconds, ==, 3.000523);
	g_assert_false(p.r.sum_udp.present);
	g_assert_cmpfloat(iperf3_received_bps(&p.r), ==, 22061338741.279438);
	g_assert_cmpfloat_with_epsilon(iperf3_mean_interval_bps(&p.r),
				       (22053250828.2418 + 22302810055.976593 +
					21836069068.851868) / 3, 1e-3);

	g_assert_true(p.r.cpu.present);
	g_assert_cmpfloat(p.r.cpu.host_total, ==, 98.7495793167104);
	g_assert_cmpfloat(p.r.cpu.host_user, ==, 1.0632207845868307);
	g_assert_cmpfloat(p.r.cpu.host_system, ==, 97.686391853572232);
	g_assert_cmpfloat(p.r.cpu.remote_total, ==, 37.357508221897241);
	g_assert_cmpfloat(p.r.cpu.remote_system, ==, 35.6702695929111);
	g_assert_cmpstr(p.r.sender_congestion, ==, "bbr");
	g_assert_cmpstr(p.r.receiver_congestion, ==, "bbr");
	g_assert_null(p.r.error);
	done(&p);
}

static void test_udp_client(void)
{
	struct parsed p;

	parse_file(&p, OWN("client-udp-50M.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpstr(p.r.protocol, ==, "UDP");
	g_assert_cmpuint(p.r.intervals->len, ==, 3);
	g_assert_cmpfloat(iv(&p, 0)->sum.bits_per_second, ==, 50063649.340919085);
	g_assert_false(iv(&p, 0)->sum.has_retransmits);
	g_assert_true(p.r.sum_udp.present);
	g_assert_true(p.r.sum_udp.has_udp);
	g_assert_cmpfloat(p.r.sum_udp.jitter_ms, ==, 0.0047890538969911243);
	g_assert_cmpuint(p.r.sum_udp.lost_packets, ==, 0);
	g_assert_cmpuint(p.r.sum_udp.packets, ==, 573);
	g_assert_cmpfloat(p.r.sum_received.bits_per_second, ==, 50066483.3221729);
	g_assert_cmpfloat(p.r.cpu.host_total, ==, 2.5566113944020934);
	g_assert_null(p.r.sender_congestion);
	done(&p);
}

static void test_reverse_two_streams(void)
{
	struct parsed p;

	parse_file(&p, OWN("client-tcp-reverse-P2.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_true(p.r.reverse);
	g_assert_false(p.r.bidir);
	g_assert_cmpuint(p.r.connected, ==, 2);
	g_assert_cmpuint(p.r.num_streams, ==, 2);
	g_assert_cmpuint(p.r.intervals->len, ==, 2);
	g_assert_cmpuint(iv(&p, 0)->streams, ==, 2);
	g_assert_cmpfloat(p.r.duration, ==, 2);
	done(&p);
}

static void test_bidir_reverse_sums(void)
{
	struct parsed p;

	parse_file(&p, OWN("client-tcp-bidir.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_true(p.r.bidir);
	g_assert_false(p.r.reverse);
	g_assert_cmpuint(p.r.connected, ==, 2);
	g_assert_true(iv(&p, 0)->sum_reverse.present);
	g_assert_true(iv(&p, 1)->sum_reverse.present);
	g_assert_true(p.r.sum_sent_reverse.present);
	g_assert_true(p.r.sum_received_reverse.present);
	g_assert_cmpfloat(p.r.sum_sent.bits_per_second, >, 0);
	g_assert_cmpfloat(p.r.sum_received_reverse.bits_per_second, >, 0);
	done(&p);
}

/* -O 1: the omitted interval is kept, flagged, and left out of the mean. */
static void test_omit_interval(void)
{
	struct parsed p;

	parse_file(&p, OWN("client-tcp-omit1.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpuint(p.r.omit, ==, 1);
	g_assert_cmpuint(p.r.intervals->len, ==, 3);
	g_assert_true(iv(&p, 0)->sum.omitted);
	g_assert_false(iv(&p, 1)->sum.omitted);
	g_assert_cmpfloat_with_epsilon(iperf3_mean_interval_bps(&p.r),
				       (iv(&p, 1)->sum.bits_per_second +
					iv(&p, 2)->sum.bits_per_second) / 2, 1e-3);
	done(&p);
}

static void test_server_side(void)
{
	struct parsed p;

	parse_file(&p, OWN("server-tcp-1stream.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_true(p.r.server);
	g_assert_cmpuint(p.r.intervals->len, ==, 4);
	g_assert_cmpfloat(p.r.sum_sent.bits_per_second, ==, 0);
	g_assert_cmpfloat(p.r.sum_received.bits_per_second, ==, 22061338741.279438);
	g_assert_cmpfloat(p.r.cpu.host_total, ==, 37.35750822189724);
	g_assert_cmpfloat(p.r.cpu.remote_total, ==, 0);
	done(&p);
}

static void test_iperf3_error_strict_and_tolerant(void)
{
	struct parsed p;
	char *s;

	parse_file(&p, OWN("client-refused.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpuint(trace_diags_len(&p.d), ==, 1);
	s = trace_diag_format(trace_diags_get(&p.d, 0));
	g_assert_true(g_str_has_prefix(s, OWN("client-refused.json") ":10:"));
	g_assert_true(g_str_has_suffix(s, ": iperf3 reported an error: unable to connect to "
				       "server: Connection refused"));
	g_free(s);
	done(&p);

	parse_file(&p, OWN("client-refused.json"), TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpstr(p.r.error, ==, "unable to connect to server: Connection refused");
	g_assert_cmpuint(p.r.connected, ==, 0);
	g_assert_cmpuint(p.r.intervals->len, ==, 0);
	g_assert_false(p.r.sum_sent.present);
	/* only the error itself: the missing sections are what a failed run looks like */
	g_assert_cmpuint(trace_diags_len(&p.d), ==, 1);
	g_assert_cmpint(trace_diags_get(&p.d, 0)->severity, ==, TRACE_WARNING);
	done(&p);
}

static void test_truncated_json(void)
{
	struct parsed p;
	const struct trace_diag *x;

	parse_file(&p, OWN("truncated-mid-interval.json"), TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpuint(trace_diags_count(&p.d, TRACE_ERROR), ==, 1);
	x = trace_diags_first(&p.d, TRACE_ERROR);
	/* the position is where the input ends: line 73, after '"bits_per_second":\t2' */
	g_assert_cmpuint(x->line, ==, 73);
	g_assert_cmpuint(x->column, ==, 26);
	g_assert_true(g_str_has_prefix(x->message, "truncated JSON: the input ends inside the "
				       "object opened at line 67, column 16 (5 containers left "
				       "open; json-glib at 73:25: "));
	g_assert_nonnull(strstr(x->message, "Parse error"));
	done(&p);
}

static void test_syntax_error_position(void)
{
	struct parsed p;
	const struct trace_diag *x;

	parse_text(&p, "{\n  \"start\": {},\n  \"intervals\": [1, 2,],\n  \"end\": {}\n}\n",
		   TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	x = trace_diags_first(&p.d, TRACE_ERROR);
	g_assert_cmpuint(x->line, ==, 3);
	g_assert_cmpuint(x->column, >, 0);
	g_assert_true(g_str_has_prefix(x->message, "invalid JSON: "));
	g_assert_null(strstr(x->message, "<data>"));
	done(&p);
}

static void test_bad_type_names_path_and_line(void)
{
	struct parsed p;
	const struct trace_diag *x;

	parse_file(&p, OWN("bad-type-sum-sent.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpuint(trace_diags_len(&p.d), ==, 1);
	x = trace_diags_get(&p.d, 0);
	g_assert_cmpuint(x->line, ==, 153);
	g_assert_cmpstr(x->message, ==, "end.sum_sent.bits_per_second: expected a number, found "
			"a string");
	done(&p);

	parse_file(&p, OWN("bad-type-sum-sent.json"), TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_false(p.r.sum_sent.present);
	g_assert_true(p.r.sum_received.present);
	g_assert_true(p.r.cpu.present);
	g_assert_cmpuint(p.r.intervals->len, ==, 3);
	g_assert_cmpuint(trace_diags_count(&p.d, TRACE_WARNING), ==, 1);
	done(&p);
}

static void test_missing_cpu(void)
{
	struct parsed p;

	parse_file(&p, OWN("missing-cpu.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpstr(trace_diags_get(&p.d, 0)->message, ==,
			"end.cpu_utilization_percent: missing");
	g_assert_cmpuint(trace_diags_get(&p.d, 0)->line, >, 0);
	done(&p);

	parse_file(&p, OWN("missing-cpu.json"), TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_false(p.r.cpu.present);
	g_assert_true(p.r.sum_sent.present);
	done(&p);
}

/* A prompt and a warning before the JSON: strict refuses, tolerant skips with a warning. */
static void test_text_before_json(void)
{
	struct parsed p;
	const struct trace_diag *x;

	parse_file(&p, OWN("with-prompt-prefix.json"), TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	x = trace_diags_first(&p.d, TRACE_ERROR);
	g_assert_cmpuint(x->line, ==, 1);
	g_assert_cmpuint(x->column, ==, 1);
	g_assert_cmpstr(x->message, ==, "expected '{' starting the iperf3 JSON object, found "
			"'root@OpenWrt:~# iperf3 -c 192.168.1.10 -...'");
	done(&p);

	parse_file(&p, OWN("with-prompt-prefix.json"), TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpuint(trace_diags_count(&p.d, TRACE_WARNING), ==, 1);
	g_assert_nonnull(strstr(trace_diags_get(&p.d, 0)->message, "JSON starts at line 3"));
	g_assert_cmpfloat(p.r.sum_sent.bits_per_second, ==, 22064059500.96545);
	done(&p);
}

/* Line numbers after a skipped prefix still point into the file. */
static void test_positions_survive_skipped_prefix(void)
{
	struct parsed p;

	parse_text(&p, "iperf3: warning\n{\"start\": {\"connected\": [], \"test_start\": "
		   "{\"protocol\": \"TCP\", \"num_streams\": 1, \"duration\": 10,\n"
		   "\"reverse\": \"no\"}}, \"intervals\": [], \"end\": {}}", TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpuint(trace_diags_len(&p.d), >=, 2);
	g_assert_cmpuint(trace_diags_get(&p.d, 1)->line, ==, 3);
	g_assert_cmpstr(trace_diags_get(&p.d, 1)->message, ==, "start.test_start.reverse: "
			"expected true/false or 0/1, found a string");
	done(&p);
}

static void test_bytes_and_structure_errors(void)
{
	static const char nul[] = "{\"start\":\n {\0}}";
	static const char bad_utf8[] = "{\"start\": \"\xff\"}";
	struct parsed p;

	trace_diags_init(&p.d);
	iperf3_result_init(&p.r);
	g_assert_cmpint(iperf3_parse_buffer("nul", nul, sizeof(nul) - 1, TRACE_TOLERANT, &p.r,
					    &p.d), ==, -1);
	g_assert_cmpuint(trace_diags_get(&p.d, 0)->line, ==, 2);
	g_assert_cmpuint(trace_diags_get(&p.d, 0)->column, ==, 3);
	done(&p);

	trace_diags_init(&p.d);
	iperf3_result_init(&p.r);
	g_assert_cmpint(iperf3_parse_buffer("utf8", bad_utf8, sizeof(bad_utf8) - 1, TRACE_STRICT,
					    &p.r, &p.d), ==, -1);
	g_assert_cmpuint(trace_diags_get(&p.d, 0)->column, ==, 12);
	g_assert_true(g_str_has_prefix(trace_diags_get(&p.d, 0)->message, "invalid UTF-8"));
	done(&p);

	parse_text(&p, "  \n\t ", TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_true(g_str_has_prefix(trace_diags_get(&p.d, 0)->message, "empty input"));
	done(&p);

	parse_text(&p, "[1, 2]", TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, -1);
	done(&p);

	parse_text(&p, "{\"start\": {}} {\"second\": 1}", TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpstr(trace_diags_get(&p.d, 0)->message, ==,
			"unexpected text after the end of the JSON object");
	g_assert_cmpuint(trace_diags_get(&p.d, 0)->column, ==, 15);
	done(&p);

	parse_text(&p, "{\"start\": \"unterminated", TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_nonnull(strstr(trace_diags_get(&p.d, 0)->message, "inside the string opened "
				"at line 1, column 11"));
	done(&p);

	parse_file(&p, "/nonexistent/iperf3.json", TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_true(g_str_has_prefix(trace_diags_get(&p.d, 0)->message, "cannot read file"));
	done(&p);
}

static void test_values_out_of_range(void)
{
	struct parsed p;

	parse_text(&p, "{\"start\": {\"connected\": [{}], \"test_start\": {\"protocol\": \"TCP\", "
		   "\"num_streams\": -1, \"duration\": 10, \"reverse\": 0}}, \"intervals\": "
		   "[{\"sum\": {\"start\": 0, \"end\": 1, \"seconds\": 1, \"bytes\": 1.5, "
		   "\"bits_per_second\": 8}}, {\"sum\": {\"start\": 2, \"end\": 1, \"seconds\": 1, "
		   "\"bytes\": 1, \"bits_per_second\": -8}}, 7], \"end\": {\"sum\": {\"start\": 0, "
		   "\"end\": 1, \"seconds\": 1, \"bytes\": 1, \"bits_per_second\": 1e400}, "
		   "\"cpu_utilization_percent\": {\"host_total\": 1, \"host_user\": 1, "
		   "\"host_system\": 0, \"remote_total\": 0, \"remote_user\": 0, "
		   "\"remote_system\": null}}}", TRACE_TOLERANT);
	g_assert_cmpint(p.rc, ==, 0);
	g_assert_cmpuint(p.r.intervals->len, ==, 0);   /* all three intervals rejected */
	g_assert_cmpstr(trace_diags_get(&p.d, 0)->message, ==,
			"start.test_start.num_streams: expected an integer >= 0, found -1");
	g_assert_cmpstr(trace_diags_get(&p.d, 1)->message, ==,
			"intervals[0].sum.bytes: expected an integer >= 0, found 1.5");
	g_assert_cmpstr(trace_diags_get(&p.d, 2)->message, ==,
			"intervals[1].sum.bits_per_second: expected a finite number >= 0, "
			"found -8");
	g_assert_cmpstr(trace_diags_get(&p.d, 3)->message, ==,
			"intervals[2]: expected an object, found a number; skipped");
	g_assert_cmpstr(trace_diags_get(&p.d, 4)->message, ==,
			"end.sum.bits_per_second: expected a finite number >= 0, found inf");
	g_assert_cmpstr(trace_diags_get(&p.d, 5)->message, ==,
			"end.cpu_utilization_percent.remote_system: expected a number, found null");
	g_assert_cmpuint(trace_diags_len(&p.d), ==, 6);
	g_assert_false(p.r.cpu.present);
	g_assert_false(p.r.sum_udp.present);
	done(&p);

	/* no sums at all in "end" */
	parse_text(&p, "{\"start\": {\"connected\": [], \"test_start\": {\"protocol\": \"TCP\", "
		   "\"num_streams\": 1, \"duration\": 10, \"reverse\": 0}}, \"intervals\": [], "
		   "\"end\": {\"sum_sent\": {\"start\": 0, \"end\": 1, \"seconds\": 1, \"bytes\": 1, "
		   "\"bits_per_second\": 8}}}", TRACE_STRICT);
	g_assert_cmpint(p.rc, ==, -1);
	g_assert_cmpstr(trace_diags_get(&p.d, 0)->message, ==,
			"end: expected sum_sent and sum_received (or sum, for UDP)");
	done(&p);
}

/* ---- robustness ------------------------------------------------------------------------ */

static void test_fuzz_mutated_real_output(void)
{
	GRand *rng = g_rand_new_with_seed(0x1be3f3u);
	char *orig;
	gsize olen;
	u32 i, ok = 0, failed = 0;

	g_assert_true(g_file_get_contents(OWN("client-tcp-bidir.json"), &orig, &olen, NULL));
	for (i = 0; i < 1500; i++) {
		GString *s = g_string_new_len(orig, (gssize)olen);
		guint k, rounds = (guint)g_rand_int_range(rng, 1, 4);
		struct parsed p;
		int mode;

		for (k = 0; k < rounds; k++) {
			guint pos = (guint)g_rand_int_range(rng, 0, (gint32)s->len);

			switch (g_rand_int_range(rng, 0, 5)) {
			case 0:
				g_string_truncate(s, pos);
				break;
			case 1:
				s->str[pos] = "{}[],:\"0e-.\\ \n\0\xc3"[g_rand_int_range(rng, 0, 16)];
				break;
			case 2: {
				gssize n = g_rand_int_range(rng, 1, 40);

				g_string_erase(s, pos, MIN((gssize)(s->len - pos), n));
				break;
			}
			case 3:
				s->str[pos] ^= (char)(1u << g_rand_int_range(rng, 0, 8));
				break;
			default:
				g_string_insert(s, pos, "\"x\": 1, ");
				break;
			}
			if (!s->len)
				break;
		}
		for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
			trace_diags_init(&p.d);
			iperf3_result_init(&p.r);
			p.rc = iperf3_parse_buffer("fuzz", s->str, s->len, (enum trace_mode)mode,
						   &p.r, &p.d);
			/* failure iff an error was reported; strict reports at most one */
			g_assert_cmpint(p.rc == -1, ==, trace_diags_count(&p.d, TRACE_ERROR) > 0);
			if (mode == TRACE_STRICT) {
				g_assert_cmpuint(trace_diags_count(&p.d, TRACE_ERROR), <=, 1);
				g_assert_cmpuint(trace_diags_count(&p.d, TRACE_WARNING), ==, 0);
			}
			if (p.rc == 0) {
				ok++;
				g_assert_cmpuint(p.r.intervals->len, <=, 2);
			} else {
				failed++;
			}
			done(&p);
		}
		g_string_free(s, TRUE);
	}
	g_test_message("1500 mutations x 2 modes: %u parsed, %u rejected", ok, failed);
	g_assert_cmpuint(ok, >, 100);
	g_assert_cmpuint(failed, >, 100);
	g_free(orig);
	g_rand_free(rng);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/iperf3_json/real/tcp_client_exact_values", test_tcp_client_exact_values);
	g_test_add_func("/iperf3_json/real/udp_client", test_udp_client);
	g_test_add_func("/iperf3_json/real/reverse_two_streams", test_reverse_two_streams);
	g_test_add_func("/iperf3_json/real/bidir_reverse_sums", test_bidir_reverse_sums);
	g_test_add_func("/iperf3_json/real/omitted_interval_flagged", test_omit_interval);
	g_test_add_func("/iperf3_json/real/server_side", test_server_side);
	g_test_add_func("/iperf3_json/real/iperf3_error_strict_and_tolerant", test_iperf3_error_strict_and_tolerant);
	g_test_add_func("/iperf3_json/errors/truncated_json_says_so", test_truncated_json);
	g_test_add_func("/iperf3_json/errors/syntax_error_has_position", test_syntax_error_position);
	g_test_add_func("/iperf3_json/errors/bad_type_names_path_and_line", test_bad_type_names_path_and_line);
	g_test_add_func("/iperf3_json/errors/missing_cpu", test_missing_cpu);
	g_test_add_func("/iperf3_json/errors/text_before_json", test_text_before_json);
	g_test_add_func("/iperf3_json/errors/positions_survive_skipped_prefix", test_positions_survive_skipped_prefix);
	g_test_add_func("/iperf3_json/errors/bytes_and_structure", test_bytes_and_structure_errors);
	g_test_add_func("/iperf3_json/errors/values_out_of_range", test_values_out_of_range);
	g_test_add_func("/iperf3_json/fuzz/mutated_real_output", test_fuzz_mutated_real_output);
	return g_test_run();
}
