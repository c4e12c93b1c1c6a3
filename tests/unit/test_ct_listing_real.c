/* SPDX-License-Identifier: MIT */
/*
 * Parse -> write round trip over every conntrack entry of every real file in
 * ../shared/data/traces that has /proc/net/nf_conntrack or `conntrack -L` lines (06, 11,
 * 13): the line is parsed by traces/conntrack_text.c, an entry in the same state is built
 * through the core's conntrack API (tuples, NAT, status, counters, timeout, TCP state, mark,
 * zone, use count), and model/ct_listing.c must print the very same bytes.  Redacted
 * addresses (x.x.x.x) stand for documentation addresses while the entry exists and are put
 * back after printing.  The `conntrack -E` lines of file 07 are checked by test_ct_listing.c.
 */
#include <string.h>

#include "conntrack.h"
#include "conntrack_text.h"
#include "ct_listing.h"
#include "testutil.h"

#define SEC(s) ((u64)(s) * 1000000000ULL)
#define REAL(f) FLOWSIM_SHARED_DIR "/data/traces/" f

struct redactions {
	char text[8][CT_TEXT_ADDR_LEN];
	u32 n;
};

/* The address of a printed address: redacted ones get 203.0.113.(1 + index). */
static union fs_addr addr_of(const struct ct_text_addr *a, struct redactions *rd)
{
	union fs_addr out;
	char buf[32];
	u32 i;

	if (!a->redacted)
		return a->addr;
	for (i = 0; i < rd->n && strcmp(rd->text[i], a->text); i++)
		;
	if (i == rd->n) {
		g_assert_cmpuint(rd->n, <, G_N_ELEMENTS(rd->text));
		g_strlcpy(rd->text[rd->n++], a->text, CT_TEXT_ADDR_LEN);
	}
	g_snprintf(buf, sizeof(buf), "203.0.113.%u", i + 1);
	out = tu_addr(buf);
	return out;
}

static char *unredact(const char *line, const struct redactions *rd)
{
	GString *s = g_string_new(line);
	u32 i;

	for (i = 0; i < rd->n; i++) {
		char buf[32];

		g_snprintf(buf, sizeof(buf), "=203.0.113.%u ", i + 1);
		{
			char *to = g_strdup_printf("=%s ", rd->text[i]);

			g_string_replace(s, buf, to, 0);
			g_free(to);
		}
	}
	return g_string_free(s, FALSE);
}

static char *addr_text(union fs_addr a)
{
	char buf[64];

	fs_addr_format(buf, sizeof(buf), FS_AF_INET, &a);
	return g_strdup(buf);
}

/* An entry of t in the state e describes, at time now. */
static struct conntrack_entry *build(struct conntrack_table *t, const struct ct_text_entry *e,
				     bool proc, u64 now, struct redactions *rd)
{
	char *osrc = addr_text(addr_of(&e->orig.src, rd));
	char *odst = addr_text(addr_of(&e->orig.dst, rd));
	union fs_addr rsrc = addr_of(&e->reply.src, rd), rdst = addr_of(&e->reply.dst, rd);
	struct fs_packet p = tu_packet(osrc, e->orig.sport, odst, e->orig.dport, e->l4_num, 1, 60);
	struct ct_in_result r;

	if (e->l4_num == FS_IPPROTO_TCP)
		p.tcp_flags = FS_TCP_SYN;
	conntrack_in(t, &p, now, &r);
	g_assert_nonnull(r.ct);
	if (!fs_addr_equal(&rdst, &p.t.src) || e->reply.dport != e->orig.sport)
		g_assert_cmpint(conntrack_nat_snat(t, r.ct, &rdst, e->reply.dport,
						   e->reply.dport), ==, 0);
	if (!fs_addr_equal(&rsrc, &p.t.dst) || e->reply.sport != e->orig.dport)
		g_assert_cmpint(conntrack_nat_dnat(t, r.ct, &rsrc, e->reply.sport), ==, 0);
	g_assert_true(conntrack_confirm(t, r.ct, now));
	if (!(e->flags & CT_TEXT_UNREPLIED))
		r.ct->status |= IPS_SEEN_REPLY;
	if (e->flags & CT_TEXT_ASSURED)
		r.ct->status |= IPS_ASSURED;
	if (e->flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD))
		r.ct->status |= IPS_ASSURED | IPS_OFFLOAD;
	if (e->flags & CT_TEXT_HW_OFFLOAD)
		r.ct->status |= IPS_HW_OFFLOAD;
	if (e->orig.has_counters) {
		r.ct->acct[0].packets = e->orig.packets;
		r.ct->acct[0].bytes = e->orig.bytes;
		r.ct->acct[1].packets = e->reply.packets;
		r.ct->acct[1].bytes = e->reply.bytes;
	}
	if (e->has_timeout)
		conntrack_set_timeout(r.ct, now, e->timeout);
	if (e->has_state)
		r.ct->proto.tcp.state = e->tcp_state;
	if (e->has_mark)
		r.ct->mark = e->mark;
	/* /proc's reader holds a reference of its own while printing (ct_seq_show) */
	if (e->has_use)
		r.ct->use = proc ? e->use - 1 : e->use;
	g_free(osrc);
	g_free(odst);
	return r.ct;
}

static void round_trip(const char *path, bool proc, u32 expect_entries)
{
	struct ct_text_stats st;
	struct trace_diags d;
	GArray *entries;
	char *text = tu_read_file(path, NULL);
	char **lines = g_strsplit(text, "\n", -1);
	u32 i;

	trace_diags_init(&d);
	entries = ct_text_load_file(path, TRACE_TOLERANT, &st, &d);
	g_assert_nonnull(entries);
	g_assert_cmpuint(entries->len, ==, expect_entries);
	for (i = 0; i < entries->len; i++) {
		const struct ct_text_entry *e = &g_array_index(entries, struct ct_text_entry, i);
		struct conntrack_params p;
		struct conntrack_table *t;
		struct conntrack_entry *ct;
		struct ct_listing_opts o = { .acct = e->orig.has_counters, .zones = e->has_zone };
		struct redactions rd = { .n = 0 };
		char buf[512], *got, *want;

		conntrack_params_openwrt(&p);
		t = conntrack_table_create(&p, NULL, NULL);
		ct = build(t, e, proc, SEC(10), &rd);
		if (proc)
			g_assert_cmpint(ct_listing_proc_line(ct, SEC(10), &o, buf, sizeof(buf)), >, 0);
		else
			g_assert_cmpint(ct_listing_cli_line(ct, SEC(10), &o, buf, sizeof(buf)), >, 0);
		got = unredact(buf, &rd);
		want = g_strconcat(lines[e->line - 1], "\n", NULL);
		g_assert_cmpstr(got, ==, want);
		g_free(got);
		g_free(want);
		conntrack_table_destroy(t);
	}
	g_array_unref(entries);
	trace_diags_clear(&d);
	g_strfreev(lines);
	g_free(text);
}

static void test_file06_proc(void)
{
	round_trip(REAL("06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt"),
		   true, 2);
}

static void test_file11_cli(void)
{
	round_trip(REAL("11-luci-issue-5909-conntrack-L-sw-offload-lantiq.txt"), false, 3);
}

static void test_file13_cli(void)
{
	round_trip(REAL("13-ubicloud-pr-1009-conntrack-L-sw-offload.txt"), false, 6);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ct_listing/real/file06_every_proc_line_round_trips", test_file06_proc);
	g_test_add_func("/ct_listing/real/file11_every_cli_line_round_trips", test_file11_cli);
	g_test_add_func("/ct_listing/real/file13_every_cli_line_round_trips", test_file13_cli);
	return g_test_run();
}
