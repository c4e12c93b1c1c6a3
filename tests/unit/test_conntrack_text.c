/* SPDX-License-Identifier: MIT */
/*
 * Conntrack listing and event parser (traces/conntrack_text.c) against the real pastes in
 * shared/data/traces (files 06, 07, 11, 13), our own samples in tests/data/traces/conntrack,
 * and seeded random mutations; plus the line reader of traces/trace_common.c.
 */
#include "conntrack_text.h"
#include "conntrack.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#define REAL(f) FLOWSIM_SHARED_DIR "/data/traces/" f
#define OWN(f) FLOWSIM_SOURCE_DIR "/tests/data/traces/conntrack/" f

#define F06 REAL("06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt")
#define F07 REAL("07-openwrt-issue-17915-conntrack-E-extended-events.txt")
#define F11 REAL("11-luci-issue-5909-conntrack-L-sw-offload-lantiq.txt")
#define F13 REAL("13-ubicloud-pr-1009-conntrack-L-sw-offload.txt")

static GArray *load(const char *path, enum trace_mode mode, struct ct_text_stats *st,
		    struct trace_diags *d)
{
	GArray *a;

	trace_diags_init(d);
	a = ct_text_load_file(path, mode, st, d);
	if (!a)
		trace_diags_print(d, stderr);
	return a;
}

static const struct ct_text_entry *at_line(GArray *a, u32 line)
{
	guint i;

	for (i = 0; i < a->len; i++)
		if (g_array_index(a, struct ct_text_entry, i).line == line)
			return &g_array_index(a, struct ct_text_entry, i);
	g_error("no entry at line %u", line);
	return NULL;
}

static enum ct_text_line_kind parse1(const char *s, struct ct_text_entry *e,
				     struct ct_text_meta *m, struct ct_text_error *err)
{
	return ct_text_parse_line(s, strlen(s), e, m, err);
}

static void assert_ports(const struct ct_text_tuple *t, const char *src, u16 sport,
			 const char *dst, u16 dport)
{
	g_assert_cmpstr(t->src.text, ==, src);
	g_assert_cmpstr(t->dst.text, ==, dst);
	g_assert_cmpuint(t->l4_kind, ==, CT_TEXT_L4_PORTS);
	g_assert_cmpuint(t->sport, ==, sport);
	g_assert_cmpuint(t->dport, ==, dport);
}

/* ---- real pastes ------------------------------------------------------------------------ */

static void test_real_file11_conntrack_L(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	struct fs_tuple t;
	GArray *a = load(F11, TRACE_STRICT, &st, &d);

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 3);
	g_assert_cmpuint(st.entries, ==, 3);
	g_assert_cmpuint(st.comments, ==, 1);
	g_assert_cmpuint(st.trailers, ==, 1);
	g_assert_cmpuint(st.trailer_mismatches, ==, 0);
	g_assert_cmpuint(st.offloaded, ==, 1);
	g_assert_cmpuint(trace_diags_len(&d), ==, 0);

	/* first entry: ESTABLISHED, ASSURED, acct counters */
	e = at_line(a, 2);
	g_assert_false(e->has_l3);
	g_assert_cmpstr(e->l4_name, ==, "tcp");
	g_assert_cmpuint(e->l4_num, ==, 6);
	g_assert_true(e->has_timeout);
	g_assert_cmpuint(e->timeout, ==, 7206);
	g_assert_true(e->has_state);
	g_assert_cmpstr(e->state, ==, "ESTABLISHED");
	g_assert_cmpuint(e->tcp_state, ==, TCP_CT_ESTABLISHED);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_ASSURED);
	g_assert_cmpuint(e->use, ==, 1);

	/* third entry (file line 4): the offloaded one - no timeout, no state, use=2 */
	e = at_line(a, 4);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_NONE);
	g_assert_false(e->has_timeout);
	g_assert_false(e->has_state);
	g_assert_cmpuint(e->tcp_state, ==, CT_TEXT_TCP_STATE_NONE);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_OFFLOAD);
	assert_ports(&e->orig, "192.168.1.10", 42984, "10.0.1.1", 5201);
	g_assert_true(e->orig.has_counters);
	g_assert_cmpuint(e->orig.packets, ==, 2);
	g_assert_cmpuint(e->orig.bytes, ==, 112);
	assert_ports(&e->reply, "10.0.1.1", 5201, "10.0.1.2", 42984);
	g_assert_cmpuint(e->reply.packets, ==, 1);
	g_assert_cmpuint(e->reply.bytes, ==, 60);
	g_assert_true(e->has_mark);
	g_assert_cmpuint(e->mark, ==, 0);
	g_assert_false(e->has_zone);
	g_assert_true(e->has_use);
	g_assert_cmpuint(e->use, ==, 2);
	g_assert_cmpuint(ct_text_status_bits(e), ==, IPS_SEEN_REPLY | IPS_OFFLOAD);
	g_assert_true(ct_text_to_fs_tuple(e, &e->orig, &t));
	g_assert_cmpuint(t.family, ==, FS_AF_INET);
	g_assert_cmpuint(t.proto, ==, FS_IPPROTO_TCP);
	g_assert_cmphex(t.src.ip, ==, 0xc0a8010a);
	g_assert_cmphex(t.dst.ip, ==, 0x0a000101);
	g_assert_cmpuint(t.sport, ==, 42984);
	g_assert_cmpuint(t.dport, ==, 5201);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_real_file13_conntrack_L(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	GArray *a = load(F13, TRACE_STRICT, &st, &d);
	guint i;

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 6);
	g_assert_cmpuint(st.offloaded, ==, 5);
	g_assert_cmpuint(st.trailers, ==, 1);
	for (i = 0; i < a->len; i++) {
		e = &g_array_index(a, struct ct_text_entry, i);
		g_assert_cmpuint(e->orig.dport, ==, e->line == 6 ? 22 : 5432);
		if (e->line == 6)
			continue;
		/* offloaded TCP entries print neither timeout nor state (spec §4.4) */
		g_assert_false(e->has_timeout);
		g_assert_false(e->has_state);
		g_assert_cmpuint(e->flags, ==, CT_TEXT_OFFLOAD);
		g_assert_cmpuint(e->use, ==, 2);
		g_assert_false(e->orig.has_counters);
	}
	e = at_line(a, 6);
	g_assert_cmpuint(e->timeout, ==, 427591);
	g_assert_cmpstr(e->state, ==, "ESTABLISHED");
	g_assert_cmpuint(e->flags, ==, CT_TEXT_ASSURED);
	g_assert_cmpuint(e->use, ==, 1);
	assert_ports(&e->orig, "77.172.168.59", 50573, "178.63.116.246", 22);
	assert_ports(&e->reply, "172.16.217.175", 22, "77.172.168.59", 50573);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_real_file06_tolerant_skips_ppe_and_time_lines(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	GArray *a = load(F06, TRACE_TOLERANT, &st, &d);
	u32 i, ppe_notes = 0, time_notes = 0;

	g_assert_nonnull(a);
	g_assert_cmpuint(st.lines, ==, 10);
	g_assert_cmpuint(st.entries, ==, 2);
	g_assert_cmpuint(st.not_conntrack, ==, 6);   /* 4 PPE lines + 2 time lines */
	g_assert_cmpuint(st.time_lines, ==, 2);
	g_assert_cmpuint(st.blank, ==, 1);
	g_assert_cmpuint(st.comments, ==, 1);
	g_assert_cmpuint(st.malformed, ==, 0);
	g_assert_cmpuint(st.hw_offloaded, ==, 1);
	g_assert_cmpuint(st.redacted_addrs, ==, 6);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 0);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 0);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_NOTE), ==, 6);
	for (i = 0; i < trace_diags_len(&d); i++) {
		const struct trace_diag *x = trace_diags_get(&d, i);

		g_assert_true(g_str_has_prefix(x->message, "not a conntrack line"));
		if (strstr(x->message, "PPE debugfs"))
			ppe_notes++;
		if (strstr(x->message, "time stamp"))
			time_notes++;
	}
	g_assert_cmpuint(ppe_notes, ==, 4);
	g_assert_cmpuint(time_notes, ==, 2);

	/* 17:14:30: the hardware-offloaded sample */
	e = at_line(a, 3);
	g_assert_true(e->has_l3);
	g_assert_cmpstr(e->l3_name, ==, "ipv4");
	g_assert_cmpuint(e->l3_num, ==, 2);
	g_assert_cmpstr(e->l4_name, ==, "udp");
	g_assert_cmpuint(e->l4_num, ==, 17);
	g_assert_false(e->has_timeout);
	g_assert_false(e->has_state);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_HW_OFFLOAD);
	g_assert_cmpuint(ct_text_status_bits(e), ==, IPS_SEEN_REPLY | IPS_OFFLOAD | IPS_HW_OFFLOAD);
	g_assert_cmpstr(e->orig.src.text, ==, "192.168.81.11");
	g_assert_false(e->orig.src.redacted);
	g_assert_cmpuint(e->orig.src.family, ==, FS_AF_INET);
	g_assert_cmpstr(e->orig.dst.text, ==, "x.x.x.x");
	g_assert_true(e->orig.dst.redacted);
	g_assert_cmpuint(e->orig.dst.family, ==, 0);
	g_assert_cmpstr(e->reply.dst.text, ==, "y.y.y.y");
	g_assert_true(e->reply.dst.redacted);
	g_assert_cmpuint(e->redacted, ==, 3);
	g_assert_cmpuint(e->orig.sport, ==, 38720);
	g_assert_cmpuint(e->orig.dport, ==, 3578);
	g_assert_cmpuint(e->orig.packets, ==, 31);
	g_assert_cmpuint(e->orig.bytes, ==, 4600);
	g_assert_cmpuint(e->reply.packets, ==, 31);
	g_assert_cmpuint(e->reply.bytes, ==, 11904);
	g_assert_true(e->has_mark);
	g_assert_true(e->has_zone);
	g_assert_cmpuint(e->zone, ==, 0);
	g_assert_cmpuint(e->use, ==, 3);
	g_assert_true(e->has_sample_time);
	g_assert_cmpuint(e->sample_stamp, ==, CT_TEXT_STAMP_CLOCK);
	g_assert_cmpint(e->sample_sec, ==, 17 * 3600 + 14 * 60 + 30);
	{
		struct fs_tuple t;

		g_assert_false(ct_text_to_fs_tuple(e, &e->orig, &t));   /* redacted */
	}

	/* 17:14:31: back in software with a 149 s timeout, neither flag */
	e = at_line(a, 8);
	g_assert_true(e->has_timeout);
	g_assert_cmpuint(e->timeout, ==, 149);
	g_assert_cmpuint(e->flags, ==, 0);
	g_assert_cmpuint(e->use, ==, 2);
	g_assert_cmpint(e->sample_sec, ==, 17 * 3600 + 14 * 60 + 31);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_real_file06_strict_stops_at_time_line(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct trace_diag *x;
	char *s;
	GArray *a = load(F06, TRACE_STRICT, &st, &d);

	g_assert_null(a);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 1);
	x = trace_diags_first(&d, TRACE_ERROR);
	g_assert_cmpuint(x->line, ==, 2);
	g_assert_cmpuint(x->column, ==, 1);
	s = trace_diag_format(x);
	g_assert_true(g_str_has_prefix(s, F06 ":2:1: expected a conntrack entry"));
	g_free(s);
	g_assert_cmpuint(st.lines, ==, 2);
	trace_diags_clear(&d);
}

static void test_real_file07_extended_events(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	GArray *a = load(F07, TRACE_STRICT, &st, &d);

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 3);
	g_assert_cmpuint(st.events, ==, 3);
	g_assert_cmpuint(st.redacted_addrs, ==, 9);

	e = at_line(a, 2);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_NEW);
	g_assert_cmpuint(e->stamp, ==, CT_TEXT_STAMP_CLOCK);
	g_assert_cmpint(e->stamp_sec, ==, 17 * 3600 + 14 * 60 + 21);
	g_assert_true(e->has_l3);
	g_assert_cmpuint(e->timeout, ==, 60);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_UNREPLIED);
	g_assert_cmpuint(ct_text_status_bits(e), ==, 0);
	g_assert_false(e->has_use);
	g_assert_false(e->orig.has_counters);

	/* UPDATE with timeout 86400 and [OFFLOAD]: the flowtable took the flow */
	e = at_line(a, 3);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_UPDATE);
	g_assert_cmpstr(ct_text_event_name(e->event), ==, "UPDATE");
	g_assert_true(e->has_timeout);
	g_assert_cmpuint(e->timeout, ==, 86400);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_OFFLOAD);
	g_assert_cmpuint(e->orig.sport, ==, 38720);
	g_assert_cmpuint(e->reply.sport, ==, 3578);

	e = at_line(a, 4);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_DESTROY);
	g_assert_cmpint(e->stamp_sec, ==, 17 * 3600 + 17 * 60 + 2);
	g_assert_false(e->has_timeout);
	g_assert_cmpuint(e->orig.packets, ==, 31);
	g_assert_cmpuint(e->reply.bytes, ==, 11904);
	g_assert_cmpuint(e->flags, ==, 0);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

/* Files that are PPE dumps, not conntrack: tolerant finds nothing, strict fails on line 2. */
static void test_real_ppe_files_are_not_conntrack(void)
{
	static const char *const files[] = {
		REAL("01-openwrt-issue-19206-gl-mt3000-mt7981-ppe0-entries.txt"),
		REAL("03-openwrt-pr-3952-turn87-mt7621-ppe-entries.txt"),
		REAL("04-openwrt-pr-22533-gl-mt6000-mt7986-ppe0-entries.txt"),
		REAL("08-openwrt-pr-24038-airoha-an7581-ppe-bind-first.txt"),
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(files); i++) {
		struct ct_text_stats st;
		struct trace_diags d;
		GArray *a = load(files[i], TRACE_TOLERANT, &st, &d);

		g_assert_nonnull(a);
		g_assert_cmpuint(a->len, ==, 0);
		g_assert_cmpuint(st.not_conntrack, ==, st.lines - st.comments);
		g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 1);  /* "no entries" */
		g_array_free(a, TRUE);
		trace_diags_clear(&d);

		a = load(files[i], TRACE_STRICT, &st, &d);
		g_assert_null(a);
		g_assert_cmpuint(trace_diags_first(&d, TRACE_ERROR)->line, ==, 2);
		trace_diags_clear(&d);
	}
}

/* ---- our samples -------------------------------------------------------------------------- */

static void test_proc_listing_all_protocols(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	struct fs_tuple t;
	GArray *a = load(OWN("proc-openwrt-hw-offload.txt"), TRACE_STRICT, &st, &d);

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 10);
	g_assert_cmpuint(st.hw_offloaded, ==, 2);
	g_assert_cmpuint(st.offloaded, ==, 3);

	e = at_line(a, 5);   /* udp, unreplied DNS query */
	g_assert_cmpuint(e->timeout, ==, 28);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_UNREPLIED);
	g_assert_cmpuint(ct_text_status_bits(e), ==, 0);

	e = at_line(a, 6);   /* icmp echo */
	g_assert_cmpstr(e->l4_name, ==, "icmp");
	g_assert_cmpuint(e->orig.l4_kind, ==, CT_TEXT_L4_ICMP);
	g_assert_cmpuint(e->orig.icmp_type, ==, 8);
	g_assert_cmpuint(e->orig.icmp_code, ==, 0);
	g_assert_cmpuint(e->orig.icmp_id, ==, 4242);
	g_assert_cmpuint(e->reply.icmp_type, ==, 0);
	g_assert_true(ct_text_to_fs_tuple(e, &e->orig, &t));
	g_assert_cmpuint(t.sport, ==, 4242);
	g_assert_cmpuint(t.dport, ==, 8 << 8);

	e = at_line(a, 7);   /* IPv6, software offloaded */
	g_assert_cmpstr(e->l3_name, ==, "ipv6");
	g_assert_cmpuint(e->l3_num, ==, 10);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_OFFLOAD);
	g_assert_cmpuint(e->orig.src.family, ==, FS_AF_INET6);
	g_assert_cmphex(e->orig.src.addr.ip6[0], ==, 0x20010db8);
	g_assert_cmphex(e->orig.src.addr.ip6[1], ==, 0x00010000);
	g_assert_cmphex(e->orig.src.addr.ip6[3], ==, 0x00000100);
	g_assert_cmphex(e->orig.dst.addr.ip6[3], ==, 0x681084e5);
	g_assert_cmpuint(e->reply.bytes, ==, 50000);

	e = at_line(a, 8);   /* icmpv6 */
	g_assert_cmpuint(e->l4_num, ==, 58);
	g_assert_cmpuint(e->orig.icmp_type, ==, 128);
	g_assert_cmpuint(e->reply.icmp_type, ==, 129);

	e = at_line(a, 9);   /* gre: timeouts where TCP prints its state, keys */
	g_assert_true(e->has_gre_timeouts);
	g_assert_cmpuint(e->gre_timeout, ==, 180);
	g_assert_cmpuint(e->gre_stream_timeout, ==, 18000);
	g_assert_cmpuint(e->orig.l4_kind, ==, CT_TEXT_L4_GRE);
	g_assert_cmpuint(e->orig.gre_srckey, ==, 0);
	g_assert_cmpuint(e->timeout, ==, 177);

	e = at_line(a, 10);  /* protocol without a tracker */
	g_assert_cmpstr(e->l4_name, ==, "unknown");
	g_assert_cmpuint(e->l4_num, ==, 41);
	g_assert_cmpuint(e->orig.l4_kind, ==, CT_TEXT_L4_NONE);
	g_assert_cmpuint(e->orig.packets, ==, 7);

	e = at_line(a, 11);
	g_assert_cmpuint(e->tcp_state, ==, TCP_CT_TIME_WAIT);

	e = at_line(a, 12);  /* game traffic in hardware, marked */
	g_assert_cmpuint(e->flags, ==, CT_TEXT_HW_OFFLOAD);
	g_assert_cmpuint(e->mark, ==, 16);
	g_assert_cmpuint(e->use, ==, 3);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_conntrack_L_extended_and_trailer(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct ct_text_entry *e;
	GArray *a = load(OWN("conntrack-L-extended.txt"), TRACE_STRICT, &st, &d);

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 3);
	g_assert_cmpuint(st.trailers, ==, 1);
	e = at_line(a, 3);
	g_assert_cmpuint(e->l3_num, ==, 10);
	g_assert_true(e->has_zone);
	g_assert_cmpuint(e->zone, ==, 7);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_OFFLOAD);
	e = at_line(a, 4);
	g_assert_cmpuint(e->tcp_state, ==, TCP_CT_SYN_SENT);
	g_assert_cmpuint(e->flags, ==, CT_TEXT_UNREPLIED);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_conntrack_E_plain_lifecycle(void)
{
	static const u8 want_ev[] = { CT_TEXT_EVENT_NEW, CT_TEXT_EVENT_UPDATE,
				      CT_TEXT_EVENT_UPDATE, CT_TEXT_EVENT_UPDATE,
				      CT_TEXT_EVENT_DESTROY };
	static const u32 want_flags[] = { CT_TEXT_UNREPLIED, 0, CT_TEXT_ASSURED, CT_TEXT_OFFLOAD,
					  CT_TEXT_ASSURED };
	struct ct_text_stats st;
	struct trace_diags d;
	GArray *a = load(OWN("conntrack-E-plain.txt"), TRACE_STRICT, &st, &d);
	const struct ct_text_entry *e;
	guint i;

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 5);
	for (i = 0; i < a->len; i++) {
		e = &g_array_index(a, struct ct_text_entry, i);
		g_assert_false(e->has_l3);
		g_assert_cmpuint(e->event, ==, want_ev[i]);
		g_assert_cmpuint(e->flags, ==, want_flags[i]);
	}
	e = &g_array_index(a, struct ct_text_entry, 3);
	g_assert_false(e->has_timeout);    /* offloaded: no timeout, no state */
	g_assert_false(e->has_state);
	e = &g_array_index(a, struct ct_text_entry, 4);
	g_assert_true(e->has_delta_time);
	g_assert_cmpuint(e->delta_time, ==, 42);
	g_assert_cmpuint(e->reply.bytes, ==, 15196160);
	g_assert_cmpuint(st.trailers, ==, 1);
	g_assert_cmpuint(st.trailer_mismatches, ==, 0);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

/* conntrack prints "[%-8ld.%-6ld]": the microseconds are an integer, space padded. */
static void test_conntrack_E_timestamp_microseconds(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	GArray *a = load(OWN("conntrack-E-timestamp.txt"), TRACE_STRICT, &st, &d);
	const struct ct_text_entry *e;

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 3);
	e = &g_array_index(a, struct ct_text_entry, 0);
	g_assert_cmpuint(e->stamp, ==, CT_TEXT_STAMP_UNIX);
	g_assert_cmpint(e->stamp_sec, ==, 1700000000);
	g_assert_cmpuint(e->stamp_usec, ==, 123456);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_NEW);
	e = &g_array_index(a, struct ct_text_entry, 1);
	g_assert_cmpuint(e->stamp_usec, ==, 1234);
	e = &g_array_index(a, struct ct_text_entry, 2);
	g_assert_cmpint(e->stamp_sec, ==, 1700000031);
	g_assert_cmpuint(e->stamp_usec, ==, 7);
	g_assert_cmpuint(e->event, ==, CT_TEXT_EVENT_DESTROY);
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

/* Every damaged line is reported where it breaks and skipped; the trailer count disagrees. */
static void test_malformed_tolerant_reports_and_skips(void)
{
	static const struct {
		u32 line, column;
		enum trace_severity sev;
		const char *msg;
	} want[] = {
		{ 3, 62, TRACE_WARNING, "expected 'dport=', found 'src=10.0.0.2'" },
		{ 4, 29, TRACE_WARNING, "expected an IPv4 or IPv6 address after 'dst=', "
					"found '10.0.0.300'" },
		{ 5, 10, TRACE_WARNING, "expected protocol number 6 for 'tcp', found 17" },
		{ 6, 1, TRACE_NOTE, "not a conntrack line: a PPE debugfs entry" },
		{ 7, 62, TRACE_WARNING, "expected a number 0-65535 after 'dport=', found '70000'" },
		{ 8, 107, TRACE_WARNING, "unexpected second status flag '[ASSURED]'" },
		{ 11, 111, TRACE_WARNING, "unexpected 'mark=0' here" },
		{ 12, 16, TRACE_WARNING, "unexpected state 'ESTABLISHED': udp entries have no "
					 "state" },
		{ 13, 41, TRACE_WARNING, "expected a destination of the same address family" },
		{ 14, 0, TRACE_WARNING, "conntrack-tools trailer says 11 flow entries, but 2 "
					"entries were parsed" },
	};
	struct ct_text_stats st;
	struct trace_diags d;
	GArray *a = load(OWN("malformed-tolerant.txt"), TRACE_TOLERANT, &st, &d);
	guint i;

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 2);
	g_assert_cmpuint(at_line(a, 2)->orig.dport, ==, 2);
	g_assert_cmpuint(at_line(a, 9)->orig.dport, ==, 10);
	g_assert_cmpuint(st.malformed, ==, 8);
	g_assert_cmpuint(st.not_conntrack, ==, 1);
	g_assert_cmpuint(st.blank, ==, 1);
	g_assert_cmpuint(st.trailer_mismatches, ==, 1);
	g_assert_cmpuint(trace_diags_len(&d), ==, G_N_ELEMENTS(want));
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		const struct trace_diag *x = trace_diags_get(&d, i);

		g_assert_cmpuint(x->line, ==, want[i].line);
		g_assert_cmpuint(x->column, ==, want[i].column);
		g_assert_cmpint(x->severity, ==, want[i].sev);
		if (!g_str_has_prefix(x->message, want[i].msg))
			g_error("line %u: got '%s', want '%s...'", x->line, x->message, want[i].msg);
	}
	g_array_free(a, TRUE);
	trace_diags_clear(&d);
}

static void test_malformed_strict_fails_at_first_bad_line(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	GArray *a = load(OWN("malformed-tolerant.txt"), TRACE_STRICT, &st, &d);
	char *s;

	g_assert_null(a);
	g_assert_cmpuint(trace_diags_len(&d), ==, 1);
	s = trace_diag_format(trace_diags_get(&d, 0));
	g_assert_cmpstr(s, ==, OWN("malformed-tolerant.txt")
			":3:62: expected 'dport=', found 'src=10.0.0.2'");
	g_free(s);
	g_assert_cmpuint(st.entries, ==, 1);
	g_assert_cmpuint(st.lines, ==, 3);
	trace_diags_clear(&d);
}

static void test_truncated_crlf_paste(void)
{
	struct ct_text_stats st;
	struct trace_diags d;
	const struct trace_diag *x;
	GArray *a = load(OWN("truncated-crlf.txt"), TRACE_TOLERANT, &st, &d);

	g_assert_nonnull(a);
	g_assert_cmpuint(a->len, ==, 2);
	/* CR stripped: "use=1\r" would otherwise not be a number */
	g_assert_cmpuint(at_line(a, 1)->use, ==, 1);
	g_assert_cmpuint(at_line(a, 2)->use, ==, 2);
	g_assert_cmpuint(st.malformed, ==, 1);
	x = trace_diags_first(&d, TRACE_WARNING);
	g_assert_cmpuint(x->line, ==, 3);
	g_assert_cmpuint(x->column, ==, 98);
	g_assert_nonnull(strstr(x->message, "truncated paste?"));
	g_array_free(a, TRUE);
	trace_diags_clear(&d);

	a = load(OWN("truncated-crlf.txt"), TRACE_STRICT, &st, &d);
	g_assert_null(a);
	g_assert_cmpuint(trace_diags_first(&d, TRACE_ERROR)->line, ==, 3);
	trace_diags_clear(&d);
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

static void test_trailer_and_shape_checks(void)
{
	static const char two[] =
		"tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=1.1.1.1 "
		"sport=2 dport=1 [OFFLOAD] mark=0 use=2\n"
		"conntrack v1.4.6 (conntrack-tools): 2 flow entries have been shown.\n";
	static const char mixed[] =
		"tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=1.1.1.1 "
		"sport=2 dport=1 [OFFLOAD] mark=0 use=2\n"
		"ipv4     2 tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 "
		"dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] mark=0 use=2\n";
	struct ct_text_stats st;
	struct trace_diags d;

	trace_diags_init(&d);
	g_assert_cmpint(ct_text_parse_buffer("two", two, sizeof(two) - 1, TRACE_STRICT, NULL,
					     NULL, &st, &d), ==, -1);
	g_assert_cmpstr(trace_diags_get(&d, 0)->message, ==, "conntrack-tools trailer says 2 "
			"flow entries, but 1 entries were parsed");
	g_assert_cmpuint(trace_diags_get(&d, 0)->line, ==, 2);
	trace_diags_clear(&d);

	trace_diags_init(&d);
	g_assert_cmpint(ct_text_parse_buffer("mixed", mixed, sizeof(mixed) - 1, TRACE_STRICT,
					     NULL, NULL, &st, &d), ==, -1);
	g_assert_cmpstr(trace_diags_get(&d, 0)->message, ==, "line format (/proc/net/nf_conntrack"
			" or -o extended) differs from line 1 (conntrack -L)");
	trace_diags_clear(&d);
	trace_diags_init(&d);
	g_assert_cmpint(ct_text_parse_buffer("mixed", mixed, sizeof(mixed) - 1, TRACE_TOLERANT,
					     NULL, NULL, &st, &d), ==, 0);
	g_assert_cmpuint(st.entries, ==, 2);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 1);
	trace_diags_clear(&d);
}

static int stop_at_second(const struct ct_text_entry *e, void *arg)
{
	int *n = arg;

	return ++*n == 2 ? 7 : 0;
}

static void test_callback_can_stop(void)
{
	struct ct_text_stats st;
	int n = 0;

	g_assert_cmpint(ct_text_parse_file(F13, TRACE_STRICT, stop_at_second, &n, &st, NULL), ==,
			7);
	g_assert_cmpint(n, ==, 2);
	g_assert_cmpint(ct_text_parse_file("/nonexistent/ct.txt", TRACE_TOLERANT, NULL, NULL, &st,
					   NULL), ==, -1);
}

/* ---- scale: 100k lines, buffer and stream agree --------------------------------------- */

static GString *big_listing(u32 n)
{
	GString *s = g_string_sized_new(n * 200);
	u32 i;

	for (i = 0; i < n; i++)
		g_string_append_printf(s, "ipv4     2 tcp      6 %u ESTABLISHED src=192.168.%u.%u "
				       "dst=198.51.100.%u sport=%u dport=443 packets=%u bytes=%u "
				       "src=198.51.100.%u dst=203.0.113.7 sport=443 dport=%u "
				       "packets=%u bytes=%u [ASSURED] mark=0 zone=0 use=2\n",
				       7000 + i % 400, (i >> 8) & 255, i & 255, i % 250,
				       1024 + i % 60000, i, i * 60, i % 250, 1024 + i % 60000, i,
				       i * 1400);
	return s;
}

static int count_ports(const struct ct_text_entry *e, void *arg)
{
	u64 *sum = arg;

	*sum += e->orig.sport;
	return 0;
}

static void test_scale_100k_lines_buffer_and_stream(void)
{
	GString *s = big_listing(100000);
	struct ct_text_stats a, b;
	u64 sum_a = 0, sum_b = 0, want = 0;
	gint64 t0, t1;
	FILE *fp;
	u32 i;

	for (i = 0; i < 100000; i++)
		want += 1024 + i % 60000;
	t0 = g_get_monotonic_time();
	g_assert_cmpint(ct_text_parse_buffer("big", s->str, s->len, TRACE_STRICT, count_ports,
					     &sum_a, &a, NULL), ==, 0);
	t1 = g_get_monotonic_time();
	g_test_message("100000 /proc lines (%zu bytes) parsed in %.1f ms", s->len,
		       (double)(t1 - t0) / 1000.0);
	g_assert_cmpuint(a.entries, ==, 100000);
	g_assert_cmpuint(sum_a, ==, want);

	fp = fmemopen(s->str, s->len, "r");
	g_assert_nonnull(fp);
	g_assert_cmpint(ct_text_parse_stream("big", fp, TRACE_STRICT, count_ports, &sum_b, &b,
					     NULL), ==, 0);
	fclose(fp);
	g_assert_cmpint(memcmp(&a, &b, sizeof(a)), ==, 0);
	g_assert_cmpuint(sum_b, ==, want);
	g_string_free(s, TRUE);
}

/* ---- the line reader (trace_common.c) ------------------------------------------------- */

struct rline {
	char text[64];
	size_t len, full_len;
	u32 number, flags;
};

static guint read_all(struct trace_reader *r, struct rline *out, guint max)
{
	struct trace_line ln;
	guint n = 0;

	while (trace_reader_next(r, &ln)) {
		g_assert_cmpuint(n, <, max);
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n].text, ln.text, MIN(ln.len, sizeof(out[n].text) - 1));
		out[n].len = ln.len;
		out[n].full_len = ln.full_len;
		out[n].number = ln.number;
		out[n].flags = ln.flags;
		n++;
	}
	return n;
}

static void check_reader_lines(const struct rline *l, guint n)
{
	g_assert_cmpuint(n, ==, 5);
	g_assert_cmpstr(l[0].text, ==, "first");
	g_assert_cmpuint(l[0].flags, ==, TRACE_LINE_BOM | TRACE_LINE_CRLF);
	g_assert_cmpuint(l[1].len, ==, 0);
	g_assert_cmpuint(l[1].flags, ==, 0);
	g_assert_cmpuint(l[2].len, ==, 5);
	g_assert_cmpuint(l[2].flags, ==, TRACE_LINE_HAS_NUL);
	g_assert_cmpuint(l[3].len, ==, 16);          /* max_line */
	g_assert_cmpuint(l[3].full_len, ==, 40);
	g_assert_cmpuint(l[3].flags, ==, TRACE_LINE_TRUNCATED | TRACE_LINE_CRLF);
	g_assert_cmpstr(l[3].text, ==, "0123456789abcdef");
	g_assert_cmpuint(l[4].number, ==, 5);
	g_assert_cmpstr(l[4].text, ==, "last");
	g_assert_cmpuint(l[4].flags, ==, TRACE_LINE_NO_EOL);
}

static void test_reader_buffer_and_stream(void)
{
	static const char data[] = "\xEF\xBB\xBF" "first\r\n\nab\0cd\n"
				   "0123456789abcdef0123456789abcdef01234567\r\nlast";
	struct trace_reader r;
	struct rline l[8];
	guint n;
	FILE *fp;

	trace_reader_init_buffer(&r, data, sizeof(data) - 1);
	trace_reader_set_max_line(&r, 16);
	n = read_all(&r, l, G_N_ELEMENTS(l));
	trace_reader_destroy(&r);
	check_reader_lines(l, n);

	fp = fmemopen((void *)data, sizeof(data) - 1, "r");
	trace_reader_init_stream(&r, fp);
	trace_reader_set_max_line(&r, 16);
	n = read_all(&r, l, G_N_ELEMENTS(l));
	trace_reader_destroy(&r);
	fclose(fp);
	check_reader_lines(l, n);
	g_assert_cmpint(r.io_errno, ==, 0);
}

/* Random text with CRs, NULs and long lines, read with small limits: both readers agree. */
static void test_reader_random_stream_equals_buffer(void)
{
	GRand *rng = g_rand_new_with_seed(0xbeefu);
	u32 round;

	for (round = 0; round < 40; round++) {
		GString *s = g_string_new(NULL);
		size_t max_line = (size_t)g_rand_int_range(rng, 16, 200);
		struct trace_reader a, b;
		struct trace_line la, lb;
		bool more_a, more_b;
		FILE *fp;

		while (s->len < 20000) {
			guint32 r = g_rand_int_range(rng, 0, 100);

			if (r < 8)
				g_string_append_c(s, '\n');
			else if (r < 11)
				g_string_append(s, "\r\n");
			else if (r < 12)
				g_string_append_c(s, '\r');
			else if (r < 13)
				g_string_append_c(s, '\0');
			else if (r < 14)   /* now and then a line far over the limit */
				for (r = 0; r < 3 * max_line; r++)
					g_string_append_c(s, 'L');
			else
				g_string_append_c(s, (char)('a' + r % 26));
		}
		trace_reader_init_buffer(&a, s->str, s->len);
		trace_reader_set_max_line(&a, max_line);
		fp = fmemopen(s->str, s->len, "r");
		trace_reader_init_stream(&b, fp);
		trace_reader_set_max_line(&b, max_line);
		do {
			more_a = trace_reader_next(&a, &la);
			more_b = trace_reader_next(&b, &lb);
			g_assert_cmpint(more_a, ==, more_b);
			if (!more_a)
				break;
			g_assert_cmpuint(la.number, ==, lb.number);
			g_assert_cmpuint(la.len, ==, lb.len);
			g_assert_cmpuint(la.full_len, ==, lb.full_len);
			g_assert_cmphex(la.flags, ==, lb.flags);
			g_assert_cmpint(memcmp(la.text, lb.text, la.len), ==, 0);
			g_assert_cmpuint(la.len, <=, max_line);
		} while (1);
		trace_reader_destroy(&a);
		trace_reader_destroy(&b);
		fclose(fp);
		g_string_free(s, TRUE);
	}
	g_rand_free(rng);
}

/* A 200 KiB line in a file: reported once, the lines after it keep their numbers. */
static void test_reader_very_long_line_in_parser(void)
{
	GString *s = g_string_new("tcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 "
				  "dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] mark=0 use=2\n");
	struct ct_text_stats st;
	struct trace_diags d;
	FILE *fp;

	g_string_append(s, "tcp      6 ");
	while (s->len < 200 * 1024)
		g_string_append(s, "src=1.1.1.1 ");
	g_string_append(s, "\ntcp      6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 "
			"dst=1.1.1.1 sport=2 dport=1 [OFFLOAD] mark=0 use=2");
	fp = fmemopen(s->str, s->len, "r");
	trace_diags_init(&d);
	g_assert_cmpint(ct_text_parse_stream("long", fp, TRACE_TOLERANT, NULL, NULL, &st, &d), ==,
			0);
	fclose(fp);
	g_assert_cmpuint(st.lines, ==, 3);
	g_assert_cmpuint(st.entries, ==, 2);
	g_assert_cmpuint(st.malformed, ==, 1);
	g_assert_cmpuint(trace_diags_get(&d, 0)->line, ==, 2);
	g_assert_true(g_str_has_prefix(trace_diags_get(&d, 0)->message, "line too long"));
	trace_diags_clear(&d);
	g_string_free(s, TRUE);
}

static void test_diags_cap(void)
{
	struct trace_diags d;
	char *s;
	u32 i;

	trace_diags_init(&d);
	d.max_kept = 3;
	for (i = 0; i < 10; i++)
		trace_diags_add(&d, TRACE_WARNING, "f", i + 1, 2, "w%u", i);
	trace_diags_add(&d, TRACE_ERROR, "f", 11, 0, "e");
	g_assert_cmpuint(trace_diags_len(&d), ==, 3);
	g_assert_cmpuint(d.dropped, ==, 8);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 10);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 1);
	s = trace_diag_format(trace_diags_get(&d, 1));
	g_assert_cmpstr(s, ==, "f:2:2: warning: w1");
	g_free(s);
	trace_diags_clear(&d);
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
	g_test_add_func("/conntrack_text/real/file11_conntrack_L_offload_entry", test_real_file11_conntrack_L);
	g_test_add_func("/conntrack_text/real/file13_conntrack_L_no_timeout_no_state", test_real_file13_conntrack_L);
	g_test_add_func("/conntrack_text/real/file06_tolerant_skips_ppe_and_time_lines", test_real_file06_tolerant_skips_ppe_and_time_lines);
	g_test_add_func("/conntrack_text/real/file06_strict_stops_at_time_line", test_real_file06_strict_stops_at_time_line);
	g_test_add_func("/conntrack_text/real/file07_extended_events", test_real_file07_extended_events);
	g_test_add_func("/conntrack_text/real/ppe_dumps_are_not_conntrack", test_real_ppe_files_are_not_conntrack);
	g_test_add_func("/conntrack_text/proc/all_protocols", test_proc_listing_all_protocols);
	g_test_add_func("/conntrack_text/list/extended_with_trailer", test_conntrack_L_extended_and_trailer);
	g_test_add_func("/conntrack_text/events/plain_lifecycle", test_conntrack_E_plain_lifecycle);
	g_test_add_func("/conntrack_text/events/timestamp_microseconds_space_padded", test_conntrack_E_timestamp_microseconds);
	g_test_add_func("/conntrack_text/errors/tolerant_reports_and_skips", test_malformed_tolerant_reports_and_skips);
	g_test_add_func("/conntrack_text/errors/strict_fails_at_first_bad_line", test_malformed_strict_fails_at_first_bad_line);
	g_test_add_func("/conntrack_text/errors/truncated_crlf_paste", test_truncated_crlf_paste);
	g_test_add_func("/conntrack_text/line/kinds", test_line_kinds);
	g_test_add_func("/conntrack_text/line/fields", test_line_fields);
	g_test_add_func("/conntrack_text/line/nul_byte_is_reported", test_line_with_nul_byte);
	g_test_add_func("/conntrack_text/file/trailer_and_shape_checks", test_trailer_and_shape_checks);
	g_test_add_func("/conntrack_text/file/callback_can_stop", test_callback_can_stop);
	g_test_add_func("/conntrack_text/file/scale_100k_lines_buffer_and_stream", test_scale_100k_lines_buffer_and_stream);
	g_test_add_func("/trace_common/reader/buffer_and_stream_agree", test_reader_buffer_and_stream);
	g_test_add_func("/trace_common/reader/random_stream_equals_buffer", test_reader_random_stream_equals_buffer);
	g_test_add_func("/trace_common/reader/very_long_line_keeps_numbering", test_reader_very_long_line_in_parser);
	g_test_add_func("/trace_common/diags/cap_and_format", test_diags_cap);
	g_test_add_func("/conntrack_text/fuzz/mutated_real_lines", test_fuzz_mutated_real_lines);
	return g_test_run();
}
