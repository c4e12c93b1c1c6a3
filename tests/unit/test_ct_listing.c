/* SPDX-License-Identifier: MIT */
/*
 * The conntrack listing writers reproduce what real routers printed, byte for byte
 * (../shared/data/traces/06, 07, 11, 13).  Entries are built through the conntrack API in
 * the state the real ones were in; redacted addresses in the pastes (x.x.x.x, y.y.y.y) are
 * substituted after formatting.
 */
#include <string.h>

#include "conntrack.h"
#include "ct_listing.h"
#include "testutil.h"

#define SEC(s) ((u64)(s) * 1000000000ULL)

static char *real_line(const char *file, int n)
{
	char *path = g_build_filename(FLOWSIM_SHARED_DIR, "data", "traces", file, NULL);
	char *text = tu_read_file(path, NULL);
	char **lines = g_strsplit(text, "\n", -1);
	char *line = g_strconcat(lines[n], "\n", NULL);

	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return line;
}

/* A confirmed entry for orig src:sport -> dst:dport whose reply comes from rsrc to rdst. */
static struct conntrack_entry *entry(struct conntrack_table *t, u8 proto, const char *src,
				     u16 sport, const char *dst, u16 dport, const char *rsrc,
				     const char *rdst, u64 now)
{
	struct fs_packet p = tu_packet(src, sport, dst, dport, proto, 1, 60);
	struct ct_in_result r;
	union fs_addr a;

	if (proto == FS_IPPROTO_TCP)
		p.tcp_flags = FS_TCP_SYN;
	conntrack_in(t, &p, now, &r);
	g_assert_nonnull(r.ct);
	a = tu_addr(rdst);
	if (!fs_addr_equal(&a, &p.t.src))
		g_assert_cmpint(conntrack_nat_snat(t, r.ct, &a, 0, 0), ==, 0);
	a = tu_addr(rsrc);
	if (!fs_addr_equal(&a, &p.t.dst))
		g_assert_cmpint(conntrack_nat_dnat(t, r.ct, &a, 0), ==, 0);
	g_assert_true(conntrack_confirm(t, r.ct, now));
	r.ct->status |= IPS_SEEN_REPLY;
	return r.ct;
}

static void set_acct(struct conntrack_entry *ct, u64 p0, u64 b0, u64 p1, u64 b1)
{
	ct->acct[0].packets = p0;
	ct->acct[0].bytes = b0;
	ct->acct[1].packets = p1;
	ct->acct[1].bytes = b1;
}

static void test_cli_lines_of_lantiq_paste(void)
{
	struct conntrack_params p;
	struct conntrack_table *t;
	struct conntrack_entry *ct;
	struct ct_listing_opts o = { .acct = 1 };
	char buf[512], *want;

	conntrack_params_openwrt(&p);
	t = conntrack_table_create(&p, NULL, NULL);
	/* line 3: software-offloaded, SNAT to 10.0.1.2: no timeout, no state, use=2 */
	ct = entry(t, FS_IPPROTO_TCP, "192.168.1.10", 42984, "10.0.1.1", 5201, "10.0.1.1",
		   "10.0.1.2", SEC(1));
	set_acct(ct, 2, 112, 1, 60);
	ct->status |= IPS_ASSURED | IPS_OFFLOAD;
	ct->use = 2;
	g_assert_cmpint(ct_listing_cli_line(ct, SEC(1), &o, buf, sizeof(buf)), >, 0);
	want = real_line("11-luci-issue-5909-conntrack-L-sw-offload-lantiq.txt", 3);
	g_assert_cmpstr(buf, ==, want);
	g_free(want);
	/* line 2: an ordinary assured entry with 7439 s left */
	ct = entry(t, FS_IPPROTO_TCP, "192.168.1.10", 40818, "192.168.1.1", 80, "192.168.1.1",
		   "192.168.1.10", SEC(1));
	set_acct(ct, 27, 3416, 26, 7155);
	ct->status |= IPS_ASSURED;
	ct->proto.tcp.state = TCP_CT_ESTABLISHED;
	conntrack_set_timeout(ct, SEC(1), 7440);
	g_assert_cmpint(ct_listing_cli_line(ct, SEC(1) + 500000000ULL, &o, buf, sizeof(buf)), >, 0);
	want = real_line("11-luci-issue-5909-conntrack-L-sw-offload-lantiq.txt", 2);
	g_assert_cmpstr(buf, ==, want);
	g_free(want);
	conntrack_table_destroy(t);
}

static void test_cli_lines_without_accounting(void)
{
	struct conntrack_params p;
	struct conntrack_table *t;
	struct conntrack_entry *ct;
	struct ct_listing_opts o = { .acct = 0 };
	char buf[512], *want;

	conntrack_params_linux(&p);
	t = conntrack_table_create(&p, NULL, NULL);
	/* ubicloud paste, line 1: DNAT to 172.16.217.175, offloaded */
	ct = entry(t, FS_IPPROTO_TCP, "77.172.168.59", 51912, "178.63.116.246", 5432,
		   "172.16.217.175", "77.172.168.59", SEC(1));
	ct->status |= IPS_ASSURED | IPS_OFFLOAD;
	ct->use = 2;
	g_assert_cmpint(ct_listing_cli_line(ct, SEC(1), &o, buf, sizeof(buf)), >, 0);
	want = real_line("13-ubicloud-pr-1009-conntrack-L-sw-offload.txt", 1);
	g_assert_cmpstr(buf, ==, want);
	g_free(want);
	conntrack_table_destroy(t);
}

static char *redact(const char *line)
{
	GString *s = g_string_new(line);

	/* the paste's owner replaced the public addresses */
	g_string_replace(s, "203.0.113.7", "x.x.x.x", 0);
	g_string_replace(s, "198.51.100.9", "y.y.y.y", 0);
	return g_string_free(s, FALSE);
}

static void test_proc_line_of_hw_offloaded_udp(void)
{
	struct conntrack_params p;
	struct conntrack_table *t;
	struct conntrack_entry *ct;
	struct ct_listing_opts o = { .acct = 1, .zones = 1 };
	char buf[512], *want, *got;

	conntrack_params_openwrt(&p);
	t = conntrack_table_create(&p, NULL, NULL);
	ct = entry(t, FS_IPPROTO_UDP, "192.168.81.11", 38720, "203.0.113.7", 3578, "203.0.113.7",
		   "198.51.100.9", SEC(1));
	set_acct(ct, 31, 4600, 31, 11904);
	ct->status |= IPS_OFFLOAD | IPS_HW_OFFLOAD;
	ct->use = 2;
	g_assert_cmpint(ct_listing_proc_line(ct, SEC(1), &o, buf, sizeof(buf)), >, 0);
	got = redact(buf);
	want = real_line("06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt", 2);
	g_assert_cmpstr(got, ==, want);
	g_free(want);
	g_free(got);
	/* one second later the flow was torn down: 149 s left of 180 - 30, flags gone */
	ct->status &= ~(IPS_OFFLOAD | IPS_HW_OFFLOAD);
	ct->use = 1;
	conntrack_set_timeout(ct, SEC(1), 150);
	g_assert_cmpint(ct_listing_proc_line(ct, SEC(2), &o, buf, sizeof(buf)), >, 0);
	got = redact(buf);
	want = real_line("06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt", 7);
	g_assert_cmpstr(got, ==, want);
	g_free(want);
	g_free(got);
	conntrack_table_destroy(t);
}

static void test_event_lines_of_openwrt_udp_flow(void)
{
	struct conntrack_params p;
	struct conntrack_table *t;
	struct conntrack_entry *ct;
	struct ct_listing_opts o = { .acct = 1, .extended = 1 };
	struct fs_event ev;
	char buf[512], *want, *got, *prefixed;
	static const char *times[] = { "17:14:21 ", "17:14:21 ", "17:17:02 " };
	int i;

	conntrack_params_openwrt(&p);
	t = conntrack_table_create(&p, NULL, NULL);
	ct = entry(t, FS_IPPROTO_UDP, "192.168.81.11", 38720, "203.0.113.7", 3578, "203.0.113.7",
		   "198.51.100.9", SEC(1));
	memset(&ev, 0, sizeof(ev));
	ev.ct = ct;
	ev.orig = ct->tuplehash[0].tuple;
	for (i = 0; i < 3; i++) {
		ev.time = SEC(1);
		if (i == 0) {
			ev.type = FS_EV_CT_NEW;
			ct->status &= ~IPS_SEEN_REPLY;
			conntrack_set_timeout(ct, SEC(1), 60);
		} else if (i == 1) {
			ev.type = FS_EV_CT_UPDATE;
			ev.detail = CT_EVMASK_REPLY;
			ct->status |= IPS_SEEN_REPLY | IPS_OFFLOAD;
			conntrack_set_timeout(ct, SEC(1), 86400);
		} else {
			ev.type = FS_EV_CT_DESTROY;
			ct->status &= ~IPS_OFFLOAD;
			set_acct(ct, 31, 4600, 31, 11904);
		}
		g_assert_cmpint(ct_listing_event_line(&ev, &o, buf, sizeof(buf)), >, 0);
		prefixed = g_strconcat(times[i], buf, NULL);
		got = redact(prefixed);
		want = real_line("07-openwrt-issue-17915-conntrack-E-extended-events.txt", i + 1);
		g_assert_cmpstr(got, ==, want);
		g_free(want);
		g_free(got);
		g_free(prefixed);
	}
	conntrack_table_destroy(t);
}

static void test_ipv6_proc_lines_are_uncompressed(void)
{
	struct conntrack_params p;
	struct conntrack_table *t;
	struct conntrack_entry *ct;
	struct ct_listing_opts o = { .acct = 0, .zones = 1 };
	char buf[512];

	conntrack_params_linux(&p);
	t = conntrack_table_create(&p, NULL, NULL);
	ct = entry(t, FS_IPPROTO_UDP, "dead:1::99", 5000, "dead:2::99", 53, "dead:2::99",
		   "dead:1::99", SEC(1));
	conntrack_set_timeout(ct, SEC(1), 30);
	g_assert_cmpint(ct_listing_proc_line(ct, SEC(1), &o, buf, sizeof(buf)), >, 0);
	/* ct_seq_show prints %pI6 (all eight groups); conntrack -L prints inet_ntop's form */
	g_assert_cmpstr(buf, ==,
			"ipv6     10 udp      17 30 src=dead:0001:0000:0000:0000:0000:0000:0099 "
			"dst=dead:0002:0000:0000:0000:0000:0000:0099 sport=5000 dport=53 "
			"src=dead:0002:0000:0000:0000:0000:0000:0099 "
			"dst=dead:0001:0000:0000:0000:0000:0000:0099 sport=53 dport=5000 mark=0 zone=0 use=2\n");
	g_assert_cmpint(ct_listing_cli_line(ct, SEC(1), &o, buf, sizeof(buf)), >, 0);
	g_assert_cmpstr(buf, ==,
			"udp      17 30 src=dead:1::99 dst=dead:2::99 sport=5000 dport=53 "
			"src=dead:2::99 dst=dead:1::99 sport=53 dport=5000 mark=0 use=1\n");
	/* a buffer that is too small is refused, not overrun */
	g_assert_cmpint(ct_listing_cli_line(ct, SEC(1), &o, buf, 20), ==, -1);
	conntrack_table_destroy(t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ct_listing/cli/reproduces_lantiq_paste", test_cli_lines_of_lantiq_paste);
	g_test_add_func("/ct_listing/cli/reproduces_paste_without_accounting",
			test_cli_lines_without_accounting);
	g_test_add_func("/ct_listing/proc/reproduces_hw_offload_timeline",
			test_proc_line_of_hw_offloaded_udp);
	g_test_add_func("/ct_listing/events/reproduce_extended_events", test_event_lines_of_openwrt_udp_flow);
	g_test_add_func("/ct_listing/ipv6_forms", test_ipv6_proc_lines_are_uncompressed);
	return g_test_run();
}
