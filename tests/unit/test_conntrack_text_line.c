/* SPDX-License-Identifier: MIT */
/*
 * One conntrack text line at a time (ct_text_parse_line, traces/conntrack_text_*.c): what
 * kind each line is, every field and its errors with their columns, NUL bytes, and seeded
 * mutations of real lines and random bytes (the answer is always one of the line kinds,
 * with a message and a column inside the line, and the same for the same bytes).
 */
#include "conntrack_text.h"
#include "conntrack.h"

#include <string.h>

#include <glib.h>

static enum ct_text_line_kind parse1(const char *s, struct ct_text_entry *e,
				     struct ct_text_meta *m, struct ct_text_error *err)
{
	return ct_text_parse_line(s, strlen(s), e, m, err);
}

/* ---- single lines ------------------------------------------------------------------------- */

static void test_line_kinds(void)
{
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error err;

	g_assert_cmpint(parse1("", &e, &m, &err), ==, CT_TEXT_LINE_BLANK);
	g_assert_cmpint(parse1(" \t ", &e, &m, &err), ==, CT_TEXT_LINE_BLANK);
	g_assert_cmpint(parse1("  # comment", &e, &m, &err), ==, CT_TEXT_LINE_COMMENT);

	g_assert_cmpint(parse1("conntrack v1.4.6 (conntrack-tools): 3 flow entries have been "
			       "shown.", &e, &m, &err), ==, CT_TEXT_LINE_TRAILER);
	g_assert_cmpuint(m.count, ==, 3);
	g_assert_false(m.events);
	g_assert_cmpstr(m.version, ==, "1.4.6");
	g_assert_cmpint(parse1("conntrack v1.4.8 (conntrack-tools): 12 flow events have been "
			       "shown.", &e, &m, &err), ==, CT_TEXT_LINE_TRAILER);
	g_assert_true(m.events);
	g_assert_cmpuint(m.count, ==, 12);
	g_assert_cmpint(parse1("conntrack v1.4.6 (conntrack-tools): Operation not permitted",
			       &e, &m, &err), ==, CT_TEXT_LINE_OTHER);
	g_assert_cmpint(parse1("conntrack v1.4.6 (conntrack-tools): 3 flow entries have",
			       &e, &m, &err), ==, CT_TEXT_LINE_MALFORMED);
	g_assert_cmpstr(err.message, ==, "expected 'been' in the trailer, found end of line");
	g_assert_cmpuint(err.column, ==, 56);
	g_assert_cmpint(parse1("conntrack v1.4.6 (conntrack-tools): 3 flow entrys have been shown.",
			       &e, &m, &err), ==, CT_TEXT_LINE_MALFORMED);
	g_assert_cmpstr(err.message, ==, "expected 'entries' or 'events' in the trailer, found "
			"'entrys'");
	g_assert_cmpuint(err.column, ==, 44);

	g_assert_cmpint(parse1("17:14:30", &e, &m, &err), ==, CT_TEXT_LINE_TIME);
	g_assert_cmpuint(m.stamp, ==, CT_TEXT_STAMP_CLOCK);
	g_assert_cmpint(m.sec, ==, 62070);
	g_assert_cmpint(parse1("1700000000.25", &e, &m, &err), ==, CT_TEXT_LINE_TIME);
	g_assert_cmpuint(m.stamp, ==, CT_TEXT_STAMP_UNIX);
	g_assert_cmpint(m.sec, ==, 1700000000);
	g_assert_cmpuint(m.usec, ==, 250000);   /* date +%s.%N: a decimal fraction */
	g_assert_cmpint(parse1("25:00:00", &e, &m, &err), ==, CT_TEXT_LINE_OTHER);

	g_assert_cmpint(parse1("root@OpenWrt:~# cat /proc/net/nf_conntrack", &e, &m, &err), ==,
			CT_TEXT_LINE_OTHER);
	g_assert_cmpuint(err.column, ==, 1);
	g_assert_cmpint(parse1("[  123.456789] mtk_soc_eth 1e100000.ethernet: link up",
			       &e, &m, &err), ==, CT_TEXT_LINE_OTHER);

	/* conntrack-looking: malformed, not other */
	g_assert_cmpint(parse1("tcp", &e, &m, &err), ==, CT_TEXT_LINE_MALFORMED);
	g_assert_cmpstr(err.message, ==, "expected the protocol number after 'tcp', found end of "
			"line");
	g_assert_cmpuint(err.column, ==, 4);
	g_assert_cmpint(parse1("    [NEW] ", &e, &m, &err), ==, CT_TEXT_LINE_MALFORMED);
	g_assert_cmpint(parse1("foo src=1.2.3.4 dst=5.6.7.8", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpuint(err.column, ==, 1);
	g_assert_cmpint(parse1("ipv4     2 tcp      6 300 BOGUS src=1.2.3.4", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpuint(err.column, ==, 27);
	g_assert_cmpint(parse1("ipv6     2 tcp      6 src=1.2.3.4 dst=5.6.7.8 sport=1 dport=2 "
			       "src=5.6.7.8 dst=1.2.3.4 sport=2 dport=1", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpuint(err.column, ==, 10);
}

static void test_line_fields(void)
{
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error err;

	/* libnfct extras: secmark, secctx, zone, delta-time, ktimestamps, helper, use, id */
	g_assert_cmpint(parse1("tcp      6 86390 ESTABLISHED src=10.1.1.2 dst=10.1.1.3 "
			       "sport=1025 dport=21 src=10.1.1.3 dst=10.1.1.2 sport=21 dport=1025 "
			       "[ASSURED] mark=7 secmark=3 secctx=system_u:object_r:unlabeled_t:s0 "
			       "zone=2 delta-time=30 [start=Tue Nov 14 22:13:20 2023] "
			       "[stop=Tue Nov 14 22:13:50 2023] helper=ftp use=1 id=3954231",
			       &e, &m, &err), ==, CT_TEXT_LINE_ENTRY);
	g_assert_cmpuint(e.mark, ==, 7);
	g_assert_true(e.has_secmark);
	g_assert_cmpuint(e.secmark, ==, 3);
	g_assert_true(e.has_secctx);
	g_assert_cmpuint(e.zone, ==, 2);
	g_assert_cmpuint(e.delta_time, ==, 30);
	g_assert_true(e.has_start);
	g_assert_true(e.has_stop);
	g_assert_cmpstr(e.helper, ==, "ftp");
	g_assert_cmpuint(e.id, ==, 3954231);

	/* directional zones, old libnfct LISTEN, sctp state */
	g_assert_cmpint(parse1("ipv4     2 tcp      6 100 LISTEN src=1.1.1.1 dst=2.2.2.2 sport=1 "
			       "dport=2 zone-orig=4 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 "
			       "zone-reply=5 mark=0 use=1", &e, &m, &err), ==, CT_TEXT_LINE_ENTRY);
	g_assert_cmpuint(e.tcp_state, ==, TCP_CT_SYN_SENT2);
	g_assert_true(e.orig.has_zone);
	g_assert_cmpuint(e.orig.zone, ==, 4);
	g_assert_cmpuint(e.reply.zone, ==, 5);
	g_assert_cmpint(parse1("sctp     132 3 COOKIE_WAIT src=1.1.1.1 dst=2.2.2.2 sport=5000 "
			       "dport=5001 [UNREPLIED] src=2.2.2.2 dst=1.1.1.1 sport=5001 "
			       "dport=5000 mark=0 use=1", &e, &m, &err), ==, CT_TEXT_LINE_ENTRY);
	g_assert_cmpstr(e.state, ==, "COOKIE_WAIT");
	g_assert_cmpuint(e.tcp_state, ==, CT_TEXT_TCP_STATE_NONE);

	/* redaction styles */
	g_assert_cmpint(parse1("udp      17 30 src=192.168.1.x dst=xxx sport=1 dport=2 "
			       "src=<redacted> dst=2001:db8::zz sport=2 dport=1 mark=0 use=1",
			       &e, &m, &err), ==, CT_TEXT_LINE_ENTRY);
	g_assert_cmpuint(e.redacted, ==, 4);
	g_assert_true(e.orig.src.redacted);
	g_assert_cmpstr(e.reply.src.text, ==, "<redacted>");
	/* but a mistyped address is not a redaction */
	g_assert_cmpint(parse1("udp      17 30 src=192.168.1.256 dst=1.1.1.1 sport=1 dport=2 "
			       "src=1.1.1.1 dst=192.168.1.2 sport=2 dport=1", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpint(parse1("udp      17 30 src=abc dst=1.1.1.1 sport=1 dport=2 "
			       "src=1.1.1.1 dst=192.168.1.2 sport=2 dport=1", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);

	/* counters on one side only, [UNREPLIED] after the reply tuple */
	g_assert_cmpint(parse1("udp      17 30 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 packets=1 "
			       "bytes=2 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1", &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpint(parse1("udp      17 30 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 "
			       "src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 [UNREPLIED]", &e, &m, &err),
			==, CT_TEXT_LINE_MALFORMED);
	g_assert_nonnull(strstr(err.message, "comes before the reply tuple"));
	/* 2^64 bytes overflows */
	g_assert_cmpint(parse1("udp      17 30 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 packets=1 "
			       "bytes=18446744073709551616 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 "
			       "packets=1 bytes=1", &e, &m, &err), ==, CT_TEXT_LINE_MALFORMED);
	g_assert_cmpuint(err.column, ==, 66);
}

/* A NUL byte is data, not the end of the line: reported at its column. */
static void test_line_with_nul_byte(void)
{
	static const char line[] = "tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2\0 "
				   "src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] use=2";
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error err;

	g_assert_cmpint(ct_text_parse_line(line, sizeof(line) - 1, &e, &m, &err), ==,
			CT_TEXT_LINE_MALFORMED);
	g_assert_cmpuint(err.column, ==, 44);
	g_assert_nonnull(strstr(err.message, "\\x00"));
}

/* ---- robustness: seeded mutations of real lines, and random bytes ----------------------- */

static const char *const seeds[] = {
	"ipv4     2 udp      17 src=192.168.81.11 dst=x.x.x.x sport=38720 dport=3578 packets=31 "
	"bytes=4600 src=x.x.x.x dst=y.y.y.y sport=3578 dport=38720 packets=31 bytes=11904 "
	"[HW_OFFLOAD] mark=0 zone=0 use=3",
	"17:14:21  [UPDATE] ipv4     2 udp      17 86400 src=192.168.81.11 dst=x.x.x.x sport=38720 "
	"dport=3578 src=x.x.x.x dst=y.y.y.y sport=3578 dport=38720 [OFFLOAD]",
	"tcp      6 7206 ESTABLISHED src=192.168.1.10 dst=10.0.1.1 sport=42978 dport=5201 "
	"packets=2 bytes=112 src=10.0.1.1 dst=10.0.1.2 sport=5201 dport=42978 packets=1 bytes=60 "
	"[ASSURED] mark=0 use=1",
	"conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown.",
	"ipv6     10 icmpv6   58 29 src=fe80::1 dst=ff02::1 type=128 code=0 id=7 packets=1 "
	"bytes=104 [UNREPLIED] src=ff02::1 dst=fe80::1 type=129 code=0 id=7 packets=0 bytes=0 "
	"mark=0 zone=0 use=2",
	"ipv4     2 gre      47 177 timeout=180, stream_timeout=18000 src=192.168.1.50 "
	"dst=198.51.100.9 srckey=0x0 dstkey=0x0 src=198.51.100.9 dst=203.0.113.7 srckey=0x0 "
	"dstkey=0x0 [ASSURED] mark=0 zone=0 use=2",
	"[1700000000.1234  ]\t  [DESTROY] tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 "
	"src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 [ASSURED] delta-time=42 "
	"[start=Tue Nov 14 22:13:20 2023] helper=ftp",
	"0252a BND IPv4 5T orig=x.x.x.x:3578->y.y.y.y:38720 new=x.x.x.x:3578->192.168.81.11:38720",
};

static const char spice[] = " =[]:.0123456789xsrcdtpo\t\0\r\n\xff,-#";

static void mutate(GRand *rng, GString *s)
{
	guint k, rounds = (guint)g_rand_int_range(rng, 1, 5);

	for (k = 0; k < rounds; k++) {
		guint pos = s->len ? (guint)g_rand_int_range(rng, 0, (gint32)s->len) : 0;
		char c = spice[g_rand_int_range(rng, 0, sizeof(spice) - 1)];

		switch (g_rand_int_range(rng, 0, 7)) {
		case 0:   /* flip a bit */
			if (s->len)
				s->str[pos] ^= (char)(1u << g_rand_int_range(rng, 0, 8));
			break;
		case 1:   /* insert a byte */
			g_string_insert_c(s, pos, c);
			break;
		case 2: { /* delete a span */
			gssize n = g_rand_int_range(rng, 1, 12);

			g_string_erase(s, pos, MIN((gssize)(s->len - pos), n));
			break;
		}
		case 3:   /* truncate */
			g_string_truncate(s, pos);
			break;
		case 4:   /* replace a byte */
			if (s->len)
				s->str[pos] = c;
			break;
		case 5: { /* duplicate a span */
			guint n = (guint)g_rand_int_range(rng, 1, 30);
			char *dup;

			n = MIN((guint)(s->len - pos), n);
			dup = g_strndup(s->str + pos, n);

			g_string_insert_len(s, pos, dup, n);
			g_free(dup);
			break;
		}
		default:  /* random byte anywhere in 0..255 */
			if (s->len)
				s->str[pos] = (char)g_rand_int_range(rng, 0, 256);
			break;
		}
	}
}

static void check_line_result(const GString *s)
{
	struct ct_text_entry e, e2;
	struct ct_text_meta m, m2;
	struct ct_text_error err, err2;
	enum ct_text_line_kind k, k2;

	k = ct_text_parse_line(s->str, s->len, &e, &m, &err);
	g_assert_cmpint(k, >=, CT_TEXT_LINE_ENTRY);
	g_assert_cmpint(k, <=, CT_TEXT_LINE_MALFORMED);
	if (k == CT_TEXT_LINE_MALFORMED) {
		/* a message, and a column inside the line or just past its end */
		g_assert_cmpuint(strlen(err.message), >, 0);
		g_assert_cmpuint(err.column, >=, 1);
		g_assert_cmpuint(err.column, <=, s->len + 1);
	}
	if (k == CT_TEXT_LINE_OTHER)
		g_assert_true(g_str_has_prefix(err.message, "not a conntrack line") ||
			      strstr(err.message, "conntrack-tools"));
	if (k == CT_TEXT_LINE_ENTRY) {
		g_assert_cmpuint(strlen(e.l4_name), >, 0);
		g_assert_cmpuint(e.flags & ~0xfu, ==, 0);
		g_assert_cmpuint(__builtin_popcount(e.flags & 0xeu), <=, 1);
		g_assert_true(e.orig.src.family || e.orig.src.redacted);
		g_assert_cmpuint(strlen(e.orig.src.text), <, CT_TEXT_ADDR_LEN);
	}
	/* deterministic: the same bytes give the same answer */
	k2 = ct_text_parse_line(s->str, s->len, &e2, &m2, &err2);
	g_assert_cmpint(k, ==, k2);
	g_assert_cmpint(memcmp(&err, &err2, sizeof(err)), ==, 0);
	if (k == CT_TEXT_LINE_ENTRY)
		g_assert_cmpint(memcmp(&e, &e2, sizeof(e)), ==, 0);
}

static void test_fuzz_mutated_real_lines(void)
{
	GRand *rng = g_rand_new_with_seed(0x5eed1234u);
	GString *s = g_string_new(NULL), *file = g_string_new(NULL);
	u32 i, kinds[CT_TEXT_LINE_MALFORMED + 1] = { 0 };

	for (i = 0; i < 4000; i++) {
		struct ct_text_entry e;
		struct ct_text_meta m;
		struct ct_text_error err;

		if (i % 10 == 9) {
			/* plain random bytes, NULs and newlines included */
			guint k, n = (guint)g_rand_int_range(rng, 0, 300);

			g_string_truncate(s, 0);
			for (k = 0; k < n; k++)
				g_string_append_c(s, (char)g_rand_int_range(rng, 0, 256));
		} else {
			g_string_assign(s, seeds[i % G_N_ELEMENTS(seeds)]);
			mutate(rng, s);
		}
		check_line_result(s);
		kinds[ct_text_parse_line(s->str, s->len, &e, &m, &err)]++;
		g_string_append_len(file, s->str, (gssize)s->len);
		g_string_append_c(file, '\n');

		/* every 100 lines: the file parser, both modes, on what we have so far */
		if (i % 100 == 99) {
			struct ct_text_stats st;
			struct trace_diags d;
			int rs, rt;

			trace_diags_init(&d);
			rs = ct_text_parse_buffer("fuzz", file->str, file->len, TRACE_STRICT, NULL,
						  NULL, &st, &d);
			/* strict: fails iff it reported exactly one error */
			g_assert_cmpint(rs == -1, ==, trace_diags_count(&d, TRACE_ERROR) == 1);
			g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), <=, 1);
			trace_diags_clear(&d);

			trace_diags_init(&d);
			rt = ct_text_parse_buffer("fuzz", file->str, file->len, TRACE_TOLERANT, NULL,
						  NULL, &st, &d);
			g_assert_cmpint(rt, ==, 0);
			g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 0);
			/* every line is accounted for exactly once */
			g_assert_cmpuint(st.lines, ==, st.entries + st.blank + st.comments +
					 st.not_conntrack + st.malformed + st.trailers);
			g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), >=, st.malformed);
			trace_diags_clear(&d);
		}
	}
	/* the mutations exercise every outcome, not just one */
	g_assert_cmpuint(kinds[CT_TEXT_LINE_ENTRY], >, 40);
	g_assert_cmpuint(kinds[CT_TEXT_LINE_MALFORMED], >, 1000);
	g_assert_cmpuint(kinds[CT_TEXT_LINE_OTHER], >, 100);
	g_test_message("4000 mutations: %u entries, %u malformed, %u other, %u trailers",
		       kinds[CT_TEXT_LINE_ENTRY], kinds[CT_TEXT_LINE_MALFORMED],
		       kinds[CT_TEXT_LINE_OTHER], kinds[CT_TEXT_LINE_TRAILER]);
	g_string_free(s, TRUE);
	g_string_free(file, TRUE);
	g_rand_free(rng);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/conntrack_text/line/kinds", test_line_kinds);
	g_test_add_func("/conntrack_text/line/fields", test_line_fields);
	g_test_add_func("/conntrack_text/line/nul_byte_is_reported", test_line_with_nul_byte);
	g_test_add_func("/conntrack_text/fuzz/mutated_real_lines", test_fuzz_mutated_real_lines);
	return g_test_run();
}
