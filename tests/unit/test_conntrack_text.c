/* SPDX-License-Identifier: MIT */
/*
 * Conntrack listing and event files (traces/conntrack_text.c): the real pastes in
 * shared/data/traces (files 06, 07, 11, 13), our own samples in tests/data/traces/conntrack,
 * strict and tolerant modes, trailer and format checks, callbacks and a 100k-line input.
 * Single lines are tested in test_conntrack_text_line.c, the line reader in
 * test_trace_common.c.
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
	g_test_add_func("/conntrack_text/file/trailer_and_shape_checks", test_trailer_and_shape_checks);
	g_test_add_func("/conntrack_text/file/callback_can_stop", test_callback_can_stop);
	g_test_add_func("/conntrack_text/file/scale_100k_lines_buffer_and_stream", test_scale_100k_lines_buffer_and_stream);
	return g_test_run();
}
