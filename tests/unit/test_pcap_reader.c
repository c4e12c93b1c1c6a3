// SPDX-License-Identifier: MIT
/*
 * test_pcap_reader.c - traces/pcap_reader: captures the test writes itself with libpcap's
 * pcap_dump (EN10MB with VLAN tags and PPPoE, LINUX_SLL, LINUX_SLL2, RAW with IPv6) and a
 * pcapng file written byte by byte (libpcap cannot write pcapng) decode into the exact
 * header fields; strict mode stops at the first undecodable packet with
 * "FILE: packet N (offset O, time T): expected ...", tolerant mode skips and counts by
 * reason; files that are missing or not captures fail with the file's name.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "pcap_reader.h"
#include "testutil.h"
#include "pcap_fixture.h"

#define T0 1700000000123456789ULL

static char *tmpdir;

static char *tmp_path(const char *name)
{
	return g_build_filename(tmpdir, name, NULL);
}

/* Read all packets of path; returns the count decoded, -1 on error; pk[] gets up to max. */
static int read_all(const char *path, enum trace_mode mode, bool skip_out, struct pcap_pkt *pk,
		    int max, struct pcap_reader_stats *st, struct trace_diags *d)
{
	struct pcap_reader_opts o = { .mode = mode, .skip_outgoing = skip_out };
	struct pcap_reader *r = pcap_reader_open(path, &o, d);
	struct pcap_pkt tmp;
	int n = 0, rc;

	if (!r)
		return -1;
	while ((rc = pcap_reader_next(r, n < max ? &pk[n] : &tmp)) == 1)
		n++;
	*st = *pcap_reader_get_stats(r);
	pcap_reader_close(r);
	return rc < 0 ? -1 : n;
}

static char *first_error(const struct trace_diags *d)
{
	const struct trace_diag *e = trace_diags_first(d, TRACE_ERROR);

	g_assert_nonnull(e);
	return trace_diag_format(e);
}

static void ipv4_frame(struct pf_frame *f, u8 flags, u32 payload)
{
	f->len = pf_ipv4(f->b, "192.168.1.10", "203.0.113.7", 6, 40001, 443, 0x11223344,
			 flags & 0x10 ? 0x55667788 : 0, flags, payload, 63);
}

/* ---------------------------------------------------------------- EN10MB ---- */

static void test_ethernet_fields(void)
{
	char *path = tmp_path("eth.pcap");
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	static const u8 smac[6] = { 2, 0, 0, 0, 0, 0x33 }, dmac[6] = { 2, 0, 0, 0, 0, 1 };

	pf_open(&w, path, DLT_EN10MB);
	ipv4_frame(&f, 0x02, 0);                        /* SYN with wscale 7 */
	pf_eth(&f, 0x33, 0, 0, 4);
	pf_write(&w, &f, T0, 0);
	f.len = pf_ipv4(f.b, "192.168.1.10", "203.0.113.7", 17, 5353, 53, 0, 0, 0, 100, 64);
	pf_eth(&f, 0x33, 0, 0, 4);
	pf_write(&w, &f, T0 + 1500, 0);
	pf_close(&w);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 4, &st, &d), ==, 2);
	g_assert_cmpuint(st.records, ==, 2);
	g_assert_cmpuint(st.first_ts_ns, ==, T0);
	g_assert_cmpuint(pk[0].ts_ns, ==, T0);
	g_assert_cmpuint(pk[0].index, ==, 1);
	g_assert_cmpuint(pk[0].offset, ==, 24);        /* after the pcap file header */
	g_assert_cmpint(pk[0].hdr.t.family, ==, FS_AF_INET);
	g_assert_cmpint(pk[0].hdr.t.proto, ==, FS_IPPROTO_TCP);
	g_assert_cmphex(pk[0].hdr.t.src.ip, ==, 0xc0a8010a);
	g_assert_cmphex(pk[0].hdr.t.dst.ip, ==, 0xcb007107);
	g_assert_cmpuint(pk[0].hdr.t.sport, ==, 40001);
	g_assert_cmpuint(pk[0].hdr.t.dport, ==, 443);
	g_assert_cmphex(pk[0].hdr.seq, ==, 0x11223344);
	g_assert_cmpuint(pk[0].hdr.tcp_flags, ==, FS_TCP_SYN);
	g_assert_cmpuint(pk[0].hdr.win, ==, 64240);
	g_assert_cmpuint(pk[0].hdr.wscale, ==, 7);
	g_assert_cmpuint(pk[0].hdr.len, ==, 44);
	g_assert_cmpuint(pk[0].hdr.payload, ==, 0);
	g_assert_cmpuint(pk[0].hdr.ttl, ==, 63);
	g_assert_cmpuint(pk[0].hdr.dscp, ==, 10);
	g_assert_cmpuint(pk[0].hdr.flags, ==, FS_PKT_DF);
	g_assert_cmpuint(pk[0].hdr.num_encap, ==, 0);
	g_assert_true(pk[0].has_src_mac && pk[0].has_dst_mac);
	g_assert_cmpmem(pk[0].hdr.src_mac, 6, smac, 6);
	g_assert_cmpmem(pk[0].hdr.dst_mac, 6, dmac, 6);
	g_assert_cmpint(pk[0].direction, ==, PCAP_DIR_UNKNOWN);
	g_assert_cmpuint(pk[1].ts_ns, ==, T0 + 1500);
	g_assert_cmpuint(pk[1].offset, ==, 24 + 16 + 14 + 44);
	g_assert_cmpint(pk[1].hdr.t.proto, ==, FS_IPPROTO_UDP);
	g_assert_cmpuint(pk[1].hdr.t.sport, ==, 5353);
	g_assert_cmpuint(pk[1].hdr.payload, ==, 100);
	g_assert_cmpuint(pk[1].hdr.len, ==, 128);
	g_assert_cmpuint(pk[1].hdr.wscale, ==, 0xff);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 0);
	trace_diags_clear(&d);
	g_free(path);
}

static void test_vlan_pppoe(void)
{
	char *path = tmp_path("tags.pcap");
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	u8 qinq[8];
	char *msg;

	pf_open(&w, path, DLT_EN10MB);
	ipv4_frame(&f, 0x10, 10);
	pf_eth(&f, 1, 100, 0, 4);                       /* 802.1Q 100 */
	pf_write(&w, &f, T0, 0);
	ipv4_frame(&f, 0x10, 10);
	pf_eth(&f, 1, 7, 0x1234, 4);                    /* VLAN 7 + PPPoE session 0x1234 */
	pf_write(&w, &f, T0 + 1, 0);
	/* three headers: 802.1ad 10, 802.1Q 20, PPPoE: one more than the core models */
	ipv4_frame(&f, 0x10, 10);
	pf_eth(&f, 1, 20, 0x99, 4);
	pf_put16(qinq, 0x88a8);
	pf_put16(qinq + 2, 10);
	memmove(f.b + 16, f.b + 12, f.len - 12);
	memcpy(f.b + 12, qinq, 4);
	f.len += 4;
	pf_write(&w, &f, T0 + 2, 0);
	pf_close(&w);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 4, &st, &d), ==, 2);
	g_assert_cmpuint(pk[0].hdr.num_encap, ==, 1);
	g_assert_cmpuint(pk[0].hdr.encap[0].proto, ==, FS_ETH_P_8021Q);
	g_assert_cmpuint(pk[0].hdr.encap[0].id, ==, 100);
	g_assert_cmpuint(pk[0].hdr.payload, ==, 10);
	g_assert_cmpuint(pk[1].hdr.num_encap, ==, 2);
	g_assert_cmpuint(pk[1].hdr.encap[0].proto, ==, FS_ETH_P_8021Q);
	g_assert_cmpuint(pk[1].hdr.encap[0].id, ==, 7);
	g_assert_cmpuint(pk[1].hdr.encap[1].proto, ==, FS_ETH_P_PPP_SES);
	g_assert_cmpuint(pk[1].hdr.encap[1].id, ==, 0x1234);
	g_assert_cmphex(pk[1].hdr.t.src.ip, ==, 0xc0a8010a);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_ENCAP], ==, 1);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 1);
	trace_diags_clear(&d);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 4, &st, &d), ==, -1);
	msg = first_error(&d);
	g_assert_cmpstr(strstr(msg, ": packet 3 (offset "), !=, NULL);
	g_assert_true(g_str_has_suffix(msg, "time 1700000000.123456791): expected at most 2 "
					    "VLAN/PPPoE headers in front of IP"));
	g_assert_true(g_str_has_prefix(msg, path));
	g_free(msg);
	trace_diags_clear(&d);
	g_free(path);
}

/* ------------------------------------------------------------- SLL, SLL2 ---- */

static void test_sll_directions(void)
{
	char *p1 = tmp_path("sll.pcap"), *p2 = tmp_path("sll2.pcap");
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	int v;

	for (v = 1; v <= 2; v++) {
		pf_open(&w, v == 1 ? p1 : p2, v == 1 ? DLT_LINUX_SLL : DLT_LINUX_SLL2);
		ipv4_frame(&f, 0x10, 0);
		if (v == 1)
			pf_sll(&f, 0, 0x44, 0x0800);
		else
			pf_sll2(&f, 0, 5, 0x44, 0x0800);
		pf_write(&w, &f, T0, 0);
		ipv4_frame(&f, 0x10, 0);
		if (v == 1)
			pf_sll(&f, 4, 0x45, 0x0800);
		else
			pf_sll2(&f, 4, 6, 0x45, 0x0800);
		pf_write(&w, &f, T0 + 10, 0);
		memset(&f, 0, sizeof(f));
		f.len = 28;
		if (v == 1)
			pf_sll(&f, 1, 0x46, 0x0806);   /* ARP */
		else
			pf_sll2(&f, 1, 5, 0x46, 0x0806);
		pf_write(&w, &f, T0 + 20, 0);
		pf_close(&w);

		trace_diags_init(&d);
		g_assert_cmpint(read_all(v == 1 ? p1 : p2, TRACE_STRICT, true, pk, 4, &st, &d), ==, 1);
		g_assert_cmpuint(st.records, ==, 3);
		g_assert_cmpuint(st.skipped[PCAP_SKIP_OUTGOING], ==, 1);
		g_assert_cmpuint(st.skipped[PCAP_SKIP_NON_IP], ==, 1);
		g_assert_cmpint(pk[0].direction, ==, PCAP_DIR_IN);
		g_assert_true(pk[0].has_src_mac);
		g_assert_false(pk[0].has_dst_mac);
		g_assert_cmpuint(pk[0].hdr.src_mac[5], ==, 0x44);
		g_assert_cmpuint(pk[0].ifindex, ==, v == 2 ? 5 : 0);
		g_assert_cmpuint(pk[0].hdr.t.dport, ==, 443);
		g_assert_cmpuint(pk[0].hdr.tcp_flags, ==, FS_TCP_ACK);
		/* kept when asked */
		g_assert_cmpint(read_all(v == 1 ? p1 : p2, TRACE_STRICT, false, pk, 4, &st, &d), ==, 2);
		g_assert_cmpint(pk[1].direction, ==, PCAP_DIR_OUT);
		g_assert_cmpuint(pk[1].ifindex, ==, v == 2 ? 6 : 0);
		g_assert_cmpuint(st.skipped[PCAP_SKIP_OUTGOING], ==, 0);
		trace_diags_clear(&d);
	}
	g_free(p1);
	g_free(p2);
}

/* ------------------------------------------------------------- RAW, IPv6 ---- */

static void test_raw_ipv6(void)
{
	char *path = tmp_path("raw6.pcap");
	static const u32 src[4] = { 0x20010db8, 0, 0, 0x10 }, dst[4] = { 0x20010db8, 1, 0, 0x99 };
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	u8 frag[8];

	pf_open(&w, path, DLT_RAW);
	f.len = pf_ipv6(f.b, src, dst, 17, 1000, 2000, 500, 33);
	f.b[1] = 0xb0;                                  /* traffic class 0xb8: DSCP 46 */
	f.b[0] = 0x6b;
	pf_write(&w, &f, T0, 0);
	f.len = pf_ipv6(f.b, src, dst, 6, 1000, 2000, 0, 33);
	pf_write(&w, &f, T0 + 5, 0);
	/* a first fragment (offset 0, M) and a later one */
	f.len = pf_ipv6(f.b, src, dst, 17, 1000, 2000, 100, 33);
	memset(frag, 0, sizeof(frag));
	frag[0] = 17;
	pf_put16(frag + 2, 1);
	memmove(f.b + 48, f.b + 40, f.len - 40);
	memcpy(f.b + 40, frag, 8);
	f.b[6] = 44;
	pf_put16(f.b + 4, (f.len - 40) + 8);
	f.len += 8;
	pf_write(&w, &f, T0 + 6, 0);
	pf_put16(f.b + 42, (185 << 3));
	pf_write(&w, &f, T0 + 7, 0);
	pf_close(&w);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 4, &st, &d), ==, 3);
	g_assert_cmpint(pk[0].hdr.t.family, ==, FS_AF_INET6);
	g_assert_cmphex(pk[0].hdr.t.src.ip6[0], ==, 0x20010db8);
	g_assert_cmphex(pk[0].hdr.t.src.ip6[3], ==, 0x10);
	g_assert_cmphex(pk[0].hdr.t.dst.ip6[1], ==, 1);
	g_assert_cmpuint(pk[0].hdr.len, ==, 548);
	g_assert_cmpuint(pk[0].hdr.payload, ==, 500);
	g_assert_cmpuint(pk[0].hdr.ttl, ==, 33);
	g_assert_cmpuint(pk[0].hdr.dscp, ==, 46);
	g_assert_cmpint(pk[1].hdr.t.proto, ==, FS_IPPROTO_TCP);
	g_assert_cmpuint(pk[2].hdr.flags, ==, FS_PKT_FRAG | FS_PKT_IPOPT);
	g_assert_cmpuint(pk[2].hdr.t.sport, ==, 1000);
	g_assert_cmpuint(pk[2].hdr.payload, ==, 100);
	g_assert_false(pk[0].has_src_mac);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_FRAGMENT], ==, 1);
	trace_diags_clear(&d);
	g_free(path);
}

static void test_ipv4_fragments(void)
{
	char *path = tmp_path("frag4.pcap");
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	char *msg;

	pf_open(&w, path, DLT_EN10MB);
	f.len = pf_ipv4(f.b, "10.0.0.1", "10.0.0.2", 17, 1, 2, 0, 0, 0, 1400, 64);
	pf_put16(f.b + 6, 0x2000);                      /* MF, offset 0 */
	pf_eth(&f, 1, 0, 0, 4);
	pf_write(&w, &f, T0, 0);
	f.len = pf_ipv4(f.b, "10.0.0.1", "10.0.0.2", 17, 1, 2, 0, 0, 0, 100, 64);
	pf_put16(f.b + 6, 175);                         /* offset 1400 */
	pf_eth(&f, 1, 0, 0, 4);
	pf_write(&w, &f, T0 + 1000000000ULL, 0);
	pf_close(&w);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 4, &st, &d), ==, -1);
	msg = first_error(&d);
	g_assert_cmpstr(strchr(msg, ':'), ==, ": packet 2 (offset 1482, time 1700000001.123456789): "
			"expected an unfragmented packet or a first fragment, found fragment "
			"offset 1400");
	g_free(msg);
	trace_diags_clear(&d);
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 4, &st, &d), ==, 1);
	g_assert_cmpuint(pk[0].hdr.flags, ==, FS_PKT_FRAG);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_FRAGMENT], ==, 1);
	trace_diags_clear(&d);
	g_free(path);
}

/* ------------------------------------------------------- strict/tolerant ---- */

static void test_truncated_strict_tolerant(void)
{
	char *path = tmp_path("trunc.pcap");
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[8];
	struct pcap_reader_stats st;
	struct trace_diags d;
	char *msg, *want;
	int i;

	pf_open(&w, path, DLT_EN10MB);
	for (i = 0; i < 5; i++) {
		ipv4_frame(&f, 0x18, 1000);
		pf_eth(&f, 1, 0, 0, 4);
		/* packets 2 and 4 cut inside the TCP header (snaplen 42: 8 bytes of TCP) */
		pf_write(&w, &f, T0 + (u64)i * 1000, i == 1 || i == 3 ? 42 : 60);
	}
	pf_close(&w);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 8, &st, &d), ==, -1);
	g_assert_cmpuint(st.decoded, ==, 1);
	msg = first_error(&d);
	want = g_strdup_printf("%s: packet 2 (offset %u, time 1700000000.123457789): expected a "
			       "20-byte TCP header, found 8 captured bytes", path, 24 + 16 + 60);
	g_assert_cmpstr(msg, ==, want);
	g_free(msg);
	g_free(want);
	trace_diags_clear(&d);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 8, &st, &d), ==, 3);
	g_assert_cmpuint(st.records, ==, 5);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_TRUNCATED], ==, 2);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_WARNING), ==, 2);
	g_assert_cmpuint(trace_diags_count(&d, TRACE_ERROR), ==, 0);
	/* a snap length that keeps the headers is fine: lengths come from the IP header */
	g_assert_cmpuint(pk[0].hdr.payload, ==, 1000);
	g_assert_cmpuint(pk[0].hdr.len, ==, 1040);
	g_assert_cmpuint(pk[0].caplen, ==, 60);
	g_assert_cmpuint(pk[2].index, ==, 5);
	trace_diags_clear(&d);
	g_free(path);
}

static void test_cut_file(void)
{
	char *path = tmp_path("cut.pcap"), *text, *msg;
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	gsize len;

	pf_open(&w, path, DLT_EN10MB);
	ipv4_frame(&f, 0x10, 0);
	pf_eth(&f, 1, 0, 0, 4);
	pf_write(&w, &f, T0, 0);
	pf_write(&w, &f, T0 + 1, 0);
	pf_close(&w);
	g_assert_true(g_file_get_contents(path, &text, &len, NULL));
	g_assert_true(g_file_set_contents(path, text, (gssize)len - 10, NULL));
	g_free(text);
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 4, &st, &d), ==, -1);
	msg = first_error(&d);
	g_assert_cmpstr(strstr(msg, "packet 2 (offset 94): expected a complete pcap/pcapng "
			       "record: truncated dump file"), !=, NULL);
	g_free(msg);
	trace_diags_clear(&d);
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 4, &st, &d), ==, 1);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_TRUNCATED], ==, 1);
	trace_diags_clear(&d);
	g_free(path);
}

static void test_not_a_capture(void)
{
	char *path = tmp_path("garbage.pcap"), *missing = tmp_path("missing.pcap"), *msg, *want;
	struct pcap_pkt pk[1];
	struct pcap_reader_stats st;
	struct trace_diags d;

	g_assert_true(g_file_set_contents(path, "ipv4 2 tcp 6 src=1.2.3.4 ...\n", -1, NULL));
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 1, &st, &d), ==, -1);
	msg = first_error(&d);
	want = g_strdup_printf("%s: not a pcap or pcapng file (libpcap: unknown file format)", path);
	g_assert_cmpstr(msg, ==, want);
	g_free(msg);
	g_free(want);
	trace_diags_clear(&d);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(missing, TRACE_STRICT, true, pk, 1, &st, &d), ==, -1);
	msg = first_error(&d);
	want = g_strdup_printf("%s: cannot open the capture: No such file or directory", missing);
	g_assert_cmpstr(msg, ==, want);
	g_free(msg);
	g_free(want);
	trace_diags_clear(&d);

	/* empty file */
	g_assert_true(g_file_set_contents(path, "", 0, NULL));
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 1, &st, &d), ==, -1);
	msg = first_error(&d);
	g_assert_true(g_str_has_prefix(msg, path));
	g_assert_nonnull(strstr(msg, ": not a pcap or pcapng file (libpcap: "));
	g_free(msg);
	trace_diags_clear(&d);
	g_free(path);
	g_free(missing);
}

static void test_unsupported_linktype(void)
{
	char *path = tmp_path("ppp.pcap"), *msg;
	struct pf_writer w;
	struct pf_frame f;
	struct pcap_pkt pk[2];
	struct pcap_reader_stats st;
	struct trace_diags d;

	pf_open(&w, path, DLT_IEEE802_11);
	ipv4_frame(&f, 0x10, 0);
	pf_write(&w, &f, T0, 0);
	pf_write(&w, &f, T0 + 1, 0);
	pf_close(&w);
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 2, &st, &d), ==, -1);
	msg = first_error(&d);
	g_assert_true(g_str_has_suffix(msg, ": expected link type EN10MB, LINUX_SLL, LINUX_SLL2, "
				       "RAW, IPV4 or IPV6, found IEEE802_11 (105)"));
	g_free(msg);
	trace_diags_clear(&d);
	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_TOLERANT, true, pk, 2, &st, &d), ==, 0);
	g_assert_cmpuint(st.skipped[PCAP_SKIP_LINKTYPE], ==, 2);
	trace_diags_clear(&d);
	g_free(path);
}

/* ----------------------------------------------------------------- pcapng ---- */

static void put32le(GByteArray *b, u32 v)
{
	u8 x[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

	g_byte_array_append(b, x, 4);
}

static void put16le(GByteArray *b, u16 v)
{
	u8 x[2] = { (u8)v, (u8)(v >> 8) };

	g_byte_array_append(b, x, 2);
}

/* pcapng (draft-ietf-opsawg-pcapng): SHB, IDB (EN10MB, if_tsresol 9: ns), two EPBs. */
static void test_pcapng(void)
{
	char *path = tmp_path("cap.pcapng");
	GByteArray *b = g_byte_array_new();
	struct pf_frame f;
	struct pcap_pkt pk[4];
	struct pcap_reader_stats st;
	struct trace_diags d;
	static const u8 pad[4];
	int k;

	/* Section Header Block */
	put32le(b, 0x0a0d0d0a);
	put32le(b, 28);
	put32le(b, 0x1a2b3c4d);
	put16le(b, 1);
	put16le(b, 0);
	put32le(b, 0xffffffff);
	put32le(b, 0xffffffff);
	put32le(b, 28);
	/* Interface Description Block with if_tsresol = 9 and opt_endofopt */
	put32le(b, 1);
	put32le(b, 32);
	put16le(b, DLT_EN10MB);
	put16le(b, 0);
	put32le(b, 0);
	put16le(b, 9);
	put16le(b, 1);
	g_byte_array_append(b, (const u8 *)"\x09\0\0\0", 4);
	put32le(b, 0);
	put32le(b, 32);
	for (k = 0; k < 2; k++) {
		u64 ts = T0 + (u64)k * 250;
		u32 plen, total;

		ipv4_frame(&f, 0x10, (u32)k * 7);
		pf_eth(&f, 9, 0, 0, 4);
		plen = (f.len + 3) & ~3u;
		total = 32 + plen;
		put32le(b, 6);
		put32le(b, total);
		put32le(b, 0);
		put32le(b, (u32)(ts >> 32));
		put32le(b, (u32)ts);
		put32le(b, f.len);
		put32le(b, f.len);
		g_byte_array_append(b, f.b, f.len);
		g_byte_array_append(b, pad, plen - f.len);
		put32le(b, total);
	}
	g_assert_true(g_file_set_contents(path, (const char *)b->data, b->len, NULL));
	g_byte_array_free(b, TRUE);

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 4, &st, &d), ==, 2);
	g_assert_cmpuint(pk[0].ts_ns, ==, T0);
	g_assert_cmpuint(pk[1].ts_ns, ==, T0 + 250);
	g_assert_cmpuint(pk[1].hdr.payload, ==, 7);
	g_assert_cmpuint(pk[0].hdr.src_mac[5], ==, 9);
	g_assert_cmpuint(pk[0].hdr.t.dport, ==, 443);
	trace_diags_clear(&d);
	g_free(path);
}

/* A real `tcpdump -i any -y LINUX_SLL2` capture (loopback: one TCP connection, a datagram). */
static void test_real_tcpdump_any(void)
{
	const char *path = FLOWSIM_SOURCE_DIR "/tests/data/traces/pcap/loopback-any-sll2.pcap";
	struct pcap_pkt pk[16];
	struct pcap_reader_stats st;
	struct trace_diags d;
	int i;

	trace_diags_init(&d);
	g_assert_cmpint(read_all(path, TRACE_STRICT, true, pk, 16, &st, &d), ==, 11);
	g_assert_cmpuint(st.records, ==, 11);
	g_assert_cmpuint(pk[0].ts_ns, ==, 1795565972350532000ULL);
	g_assert_cmpuint(pk[10].ts_ns, ==, 1795565972350711000ULL);
	for (i = 0; i < 11; i++) {
		g_assert_cmpint(pk[i].direction, ==, PCAP_DIR_IN);
		g_assert_cmphex(pk[i].hdr.t.src.ip, ==, 0x7f000001);
		g_assert_cmpuint(pk[i].ifindex, ==, 1);
		g_assert_false(pk[i].has_src_mac);       /* ARPHRD_LOOPBACK */
	}
	g_assert_cmpuint(pk[0].hdr.tcp_flags, ==, FS_TCP_SYN);
	g_assert_cmpuint(pk[0].hdr.seq, ==, 1632944679u);
	g_assert_cmpuint(pk[0].hdr.t.sport, ==, 49172);
	g_assert_cmpuint(pk[0].hdr.t.dport, ==, 5555);
	g_assert_cmpuint(pk[0].hdr.wscale, ==, 10);
	g_assert_cmpuint(pk[0].hdr.win, ==, 65495);
	g_assert_cmpuint(pk[1].hdr.tcp_flags, ==, FS_TCP_SYN | FS_TCP_ACK);
	g_assert_cmpuint(pk[1].hdr.ack, ==, 1632944680u);
	g_assert_cmpuint(pk[2].hdr.wscale, ==, 0xff);
	g_assert_cmpuint(pk[3].hdr.payload, ==, 100);
	g_assert_cmpuint(pk[3].hdr.len, ==, 20 + 32 + 100);
	g_assert_cmpuint(pk[5].hdr.payload, ==, 1000);
	g_assert_cmpuint(pk[5].hdr.tcp_flags, ==, FS_TCP_PSH | FS_TCP_ACK);
	g_assert_cmpuint(pk[7].hdr.tcp_flags, ==, FS_TCP_FIN | FS_TCP_ACK);
	g_assert_cmpint(pk[10].hdr.t.proto, ==, FS_IPPROTO_UDP);
	g_assert_cmpuint(pk[10].hdr.payload, ==, 40);
	trace_diags_clear(&d);
}

/* Decoding never reads past caplen: every prefix of a frame gives a result or a reason. */
static void test_every_prefix(void)
{
	struct pf_frame f;
	struct pcap_pkt pk;
	char why[256];
	u32 n;
	int ok = 0, trunc = 0;

	ipv4_frame(&f, 0x02, 0);
	pf_eth(&f, 1, 100, 0x22, 4);
	for (n = 0; n <= f.len; n++) {
		u8 *copy = g_memdup2(f.b, n ? n : 1);
		int rc = pcap_decode_frame(DLT_EN10MB, copy, n, f.len, &pk, why, sizeof(why));

		if (!rc)
			ok++;
		else if (rc == 1 + PCAP_SKIP_TRUNCATED)
			trunc++;
		g_free(copy);
	}
	/* 14 Ethernet + 4 VLAN + 8 PPPoE + 20 IP + 20 TCP: shorter is truncated */
	g_assert_cmpint(trunc, ==, 66);
	g_assert_cmpint(ok, ==, (int)f.len + 1 - 66);
}

int main(int argc, char **argv)
{
	GError *err = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("pcapreader-XXXXXX", &err);
	g_assert_no_error(err);
	g_test_add_func("/pcap/ethernet/fields", test_ethernet_fields);
	g_test_add_func("/pcap/ethernet/vlan_pppoe_and_too_many_tags", test_vlan_pppoe);
	g_test_add_func("/pcap/sll/directions_and_non_ip", test_sll_directions);
	g_test_add_func("/pcap/raw/ipv6_and_fragments", test_raw_ipv6);
	g_test_add_func("/pcap/ipv4/fragments", test_ipv4_fragments);
	g_test_add_func("/pcap/mode/truncated_strict_tolerant", test_truncated_strict_tolerant);
	g_test_add_func("/pcap/mode/cut_file", test_cut_file);
	g_test_add_func("/pcap/file/not_a_capture", test_not_a_capture);
	g_test_add_func("/pcap/file/unsupported_linktype", test_unsupported_linktype);
	g_test_add_func("/pcap/pcapng/handwritten", test_pcapng);
	g_test_add_func("/pcap/decode/every_prefix", test_every_prefix);
	g_test_add_func("/pcap/real/tcpdump_any_sll2_loopback", test_real_tcpdump_any);
	rc = g_test_run();
	{
		GDir *dd = g_dir_open(tmpdir, 0, NULL);
		const char *n;

		while (dd && (n = g_dir_read_name(dd))) {
			char *p = g_build_filename(tmpdir, n, NULL);

			g_remove(p);
			g_free(p);
		}
		if (dd)
			g_dir_close(dd);
		g_rmdir(tmpdir);
		g_free(tmpdir);
	}
	return rc;
}
