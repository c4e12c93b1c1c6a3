/* SPDX-License-Identifier: MIT */
/* Conntrack behaviour through its public interface: states, timeouts, ASSURED, NAT, max. */
#include <string.h>

#include "conntrack.h"
#include "testutil.h"

#define SEC(s) ((u64)(s) * 1000000000ULL)

struct fixture {
	struct conntrack_table *t;
	struct conntrack_params p;
	u32 destroys;
};

static void on_event(void *arg, const struct fs_event *ev)
{
	struct fixture *f = arg;

	if (ev->type == FS_EV_CT_DESTROY)
		f->destroys++;
}

static void setup(struct fixture *f, bool openwrt, u32 max)
{
	memset(f, 0, sizeof(*f));
	if (openwrt)
		conntrack_params_openwrt(&f->p);
	else
		conntrack_params_linux(&f->p);
	if (max)
		f->p.max = max;
	f->t = conntrack_table_create(&f->p, on_event, f);
	g_assert_nonnull(f->t);
}

/* Feed one packet through conntrack and confirm it, as the router does for forwarded ones. */
static struct ct_in_result feed(struct fixture *f, struct fs_packet *p, u64 now)
{
	struct ct_in_result r;

	conntrack_in(f->t, p, now, &r);
	if (r.ct && r.is_new)
		g_assert_true(conntrack_confirm(f->t, r.ct, now));
	if (r.ct)
		conntrack_deliver_cached_events(f->t, r.ct, now);
	return r;
}

static struct fs_packet tcp(bool reply, u8 flags, u32 seq, u32 ack, u16 payload)
{
	struct fs_packet p = reply ? tu_packet("10.0.2.99", 80, "10.0.1.99", 40000, FS_IPPROTO_TCP, 2, 40 + payload)
				   : tu_packet("10.0.1.99", 40000, "10.0.2.99", 80, FS_IPPROTO_TCP, 1, 40 + payload);

	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = 65535;
	p.payload = payload;
	return p;
}

static struct conntrack_entry *handshake(struct fixture *f, u64 now)
{
	struct fs_packet p;
	struct ct_in_result r;

	p = tcp(false, FS_TCP_SYN, 1000, 0, 0);
	r = feed(f, &p, now);
	g_assert_nonnull(r.ct);
	g_assert_cmpint(r.ctinfo, ==, CT_NEW);
	g_assert_cmpuint(r.ct->proto.tcp.state, ==, TCP_CT_SYN_SENT);
	p = tcp(true, FS_TCP_SYN | FS_TCP_ACK, 5000, 1001, 0);
	r = feed(f, &p, now);
	g_assert_cmpint(r.ctinfo, ==, CT_ESTABLISHED_REPLY);
	g_assert_cmpuint(r.ct->proto.tcp.state, ==, TCP_CT_SYN_RECV);
	g_assert_false(r.ct->status & IPS_ASSURED);
	p = tcp(false, FS_TCP_ACK, 1001, 5001, 0);
	r = feed(f, &p, now);
	g_assert_cmpuint(r.ct->proto.tcp.state, ==, TCP_CT_ESTABLISHED);
	g_assert_true(r.ct->status & IPS_ASSURED);
	return r.ct;
}

static void test_tcp_handshake_assures_on_final_ack(void)
{
	struct fixture f;
	struct conntrack_entry *ct;

	setup(&f, true, 0);
	ct = handshake(&f, SEC(10));
	/* OpenWrt: ESTABLISHED 7440 s */
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(10)), ==, 7440);
	conntrack_table_destroy(f.t);
}

static void test_tcp_timeouts_by_profile(void)
{
	struct fixture f;
	struct conntrack_entry *ct;
	struct fs_packet p;

	setup(&f, false, 0);
	ct = handshake(&f, SEC(1));
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(1)), ==, 432000);
	/* FIN from the client: FIN_WAIT, 120 s */
	p = tcp(false, FS_TCP_FIN | FS_TCP_ACK, 1001, 5001, 0);
	feed(&f, &p, SEC(2));
	g_assert_cmpuint(ct->proto.tcp.state, ==, TCP_CT_FIN_WAIT);
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(2)), ==, 120);
	/* ACK of the FIN: CLOSE_WAIT 60 s */
	p = tcp(true, FS_TCP_ACK, 5001, 1002, 0);
	feed(&f, &p, SEC(3));
	g_assert_cmpuint(ct->proto.tcp.state, ==, TCP_CT_CLOSE_WAIT);
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(3)), ==, 60);
	/* server FIN: LAST_ACK 30 s, final ACK: TIME_WAIT 120 s */
	p = tcp(true, FS_TCP_FIN | FS_TCP_ACK, 5001, 1002, 0);
	feed(&f, &p, SEC(4));
	g_assert_cmpuint(ct->proto.tcp.state, ==, TCP_CT_LAST_ACK);
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(4)), ==, 30);
	p = tcp(false, FS_TCP_ACK, 1002, 5002, 0);
	feed(&f, &p, SEC(5));
	g_assert_cmpuint(ct->proto.tcp.state, ==, TCP_CT_TIME_WAIT);
	g_assert_cmpuint(conntrack_remaining_secs(ct, SEC(5)), ==, 120);
	conntrack_table_destroy(f.t);
}

static void test_tcp_rst_before_reply_kills_entry(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, true, 0);
	p = tcp(false, FS_TCP_SYN, 1000, 0, 0);
	feed(&f, &p, SEC(1));
	g_assert_cmpuint(conntrack_count(f.t), ==, 1);
	p = tcp(true, FS_TCP_RST | FS_TCP_ACK, 0, 1001, 0);
	r = feed(&f, &p, SEC(1));
	g_assert_null(r.ct);
	g_assert_cmpuint(conntrack_count(f.t), ==, 0);
	g_assert_cmpuint(f.destroys, ==, 1);
	conntrack_table_destroy(f.t);
}

static void test_tcp_syn_retransmission_keeps_timeout(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, true, 0);
	p = tcp(false, FS_TCP_SYN, 1000, 0, 0);
	r = feed(&f, &p, SEC(1));
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(1)), ==, 120);
	r = feed(&f, &p, SEC(4));
	/* deadline unchanged: 120 - 3 */
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(4)), ==, 117);
	conntrack_table_destroy(f.t);
}

static void test_tcp_loose_pickup_caps_at_unack(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, false, 0);
	p = tcp(false, FS_TCP_ACK, 777, 888, 100);
	r = feed(&f, &p, SEC(1));
	g_assert_nonnull(r.ct);
	g_assert_cmpuint(r.ct->proto.tcp.state, ==, TCP_CT_ESTABLISHED);
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(1)), ==, 300);
	g_assert_false(r.ct->status & IPS_ASSURED);
	conntrack_table_destroy(f.t);
}

static struct fs_packet udp(bool reply)
{
	return reply ? tu_packet("10.0.2.99", 53, "10.0.1.99", 5353, FS_IPPROTO_UDP, 2, 100)
		     : tu_packet("10.0.1.99", 5353, "10.0.2.99", 53, FS_IPPROTO_UDP, 1, 60);
}

static void test_udp_stream_needs_two_seconds_for_assured(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, true, 0);
	p = udp(false);
	r = feed(&f, &p, SEC(10));
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(10)), ==, 60);
	p = udp(true);
	r = feed(&f, &p, SEC(10) + 1000);
	g_assert_true(r.ct->status & IPS_SEEN_REPLY);
	/* the first reply is refreshed with the unreplied timeout */
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(10) + 1000), ==, 60);
	/* third packet within 2 s: still unreplied timeout, not assured */
	p = udp(false);
	r = feed(&f, &p, SEC(11));
	g_assert_false(r.ct->status & IPS_ASSURED);
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(11)), ==, 60);
	/* after 2 s: stream timeout (180 on OpenWrt) and ASSURED */
	r = feed(&f, &p, SEC(13));
	g_assert_true(r.ct->status & IPS_ASSURED);
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(13)), ==, 180);
	conntrack_table_destroy(f.t);
}

static void test_expired_entry_is_reaped_by_gc(void)
{
	struct fixture f;
	struct fs_packet p = udp(false);

	setup(&f, false, 0);
	feed(&f, &p, SEC(0));
	conntrack_gc(f.t, SEC(29));
	g_assert_cmpuint(conntrack_count(f.t), ==, 1);
	conntrack_gc(f.t, SEC(30));
	g_assert_cmpuint(conntrack_count(f.t), ==, 0);
	g_assert_cmpuint(f.destroys, ==, 1);
	conntrack_table_destroy(f.t);
}

static void test_table_full_drops_new_keeps_established(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;
	u32 i;

	setup(&f, true, 4);
	for (i = 0; i < 4; i++) {
		p = tcp(false, FS_TCP_SYN, 1000, 0, 0);
		p.t.sport = (u16)(40000 + i);
		feed(&f, &p, SEC(1));
		p = tcp(true, FS_TCP_SYN | FS_TCP_ACK, 5000, 1001, 0);
		p.t.dport = (u16)(40000 + i);
		feed(&f, &p, SEC(1));
		p = tcp(false, FS_TCP_ACK, 1001, 5001, 0);
		p.t.sport = (u16)(40000 + i);
		r = feed(&f, &p, SEC(1));
		g_assert_true(r.ct->status & IPS_ASSURED);
	}
	g_assert_cmpuint(conntrack_count(f.t), ==, 4);
	p = tcp(false, FS_TCP_SYN, 1000, 0, 0);
	p.t.sport = 50000;
	conntrack_in(f.t, &p, SEC(2), &r);
	g_assert_true(r.drop);
	g_assert_null(r.ct);
	/* an established connection still tracks its packets */
	p = tcp(false, FS_TCP_ACK, 1001, 5001, 100);
	p.t.sport = 40002;
	r = feed(&f, &p, SEC(2));
	g_assert_nonnull(r.ct);
	g_assert_cmpint(r.ctinfo, ==, CT_ESTABLISHED);
	conntrack_table_destroy(f.t);
}

static void test_table_full_evicts_unassured_first(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;
	u32 i;

	setup(&f, true, 3);
	for (i = 0; i < 3; i++) {
		p = udp(false);
		p.t.sport = (u16)(1000 + i);
		feed(&f, &p, SEC(1));
	}
	/* unreplied UDP entries are not ASSURED: early_drop may evict one of them, if one
	 * lives within 8 buckets of the new tuple; with 1024 buckets that depends on hashes,
	 * so try several new tuples and require that evictions happen and the count holds */
	for (i = 0; i < 64; i++) {
		p = udp(false);
		p.t.sport = (u16)(2000 + i);
		conntrack_in(f.t, &p, SEC(2), &r);
		if (r.ct)
			g_assert_true(conntrack_confirm(f.t, r.ct, SEC(2)));
		g_assert_cmpuint(conntrack_count(f.t), <=, 3);
	}
	g_assert_cmpuint(f.destroys, >, 0);
	conntrack_table_destroy(f.t);
}

static void test_masquerade_rewrites_reply_tuple(void)
{
	struct fixture f;
	struct fs_packet p = udp(false), q;
	struct ct_in_result r;
	union fs_addr wan = tu_addr("192.168.10.1");

	setup(&f, true, 0);
	conntrack_in(f.t, &p, SEC(1), &r);
	g_assert_cmpint(conntrack_nat_snat(f.t, r.ct, &wan, 0, 0), ==, 0);
	g_assert_true(r.ct->status & IPS_SRC_NAT);
	conntrack_nat_packet(r.ct, CT_DIR_ORIGINAL, &p, false);
	g_assert_true(fs_addr_equal(&p.t.src, &wan));
	g_assert_cmpuint(p.t.sport, ==, 5353);   /* port kept: unique */
	g_assert_true(conntrack_confirm(f.t, r.ct, SEC(1)));
	/* the reply arrives addressed to the router and is found by the reply tuple */
	q = tu_packet("10.0.2.99", 53, "192.168.10.1", 5353, FS_IPPROTO_UDP, 2, 100);
	conntrack_in(f.t, &q, SEC(1), &r);
	g_assert_nonnull(r.ct);
	g_assert_cmpint(r.dir, ==, CT_DIR_REPLY);
	conntrack_nat_packet(r.ct, CT_DIR_REPLY, &q, true);
	{
		/* the whole union, not a compound literal of one member: the bytes past .ip of
		 * such a literal are unspecified (C11 6.2.6.1p7) and fs_addr_equal compares all */
		union fs_addr want = tu_addr("10.0.1.99");

		g_assert_true(fs_addr_equal(&q.t.dst, &want));
	}
	conntrack_table_destroy(f.t);
}

static void test_masquerade_port_clash_picks_another(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r1, r2;
	union fs_addr wan = tu_addr("192.168.10.1");

	setup(&f, true, 0);
	/* two LAN hosts using the same source port to the same server */
	p = tu_packet("10.0.1.98", 5000, "10.0.2.99", 53, FS_IPPROTO_UDP, 1, 60);
	conntrack_in(f.t, &p, SEC(1), &r1);
	conntrack_nat_snat(f.t, r1.ct, &wan, 0, 0);
	g_assert_true(conntrack_confirm(f.t, r1.ct, SEC(1)));
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 53, FS_IPPROTO_UDP, 1, 60);
	conntrack_in(f.t, &p, SEC(1), &r2);
	conntrack_nat_snat(f.t, r2.ct, &wan, 0, 0);
	g_assert_true(conntrack_confirm(f.t, r2.ct, SEC(1)));
	g_assert_cmpuint(r1.ct->tuplehash[CT_DIR_REPLY].tuple.dport, ==, 5000);
	g_assert_cmpuint(r2.ct->tuplehash[CT_DIR_REPLY].tuple.dport, !=, 5000);
	g_assert_cmpuint(r2.ct->tuplehash[CT_DIR_REPLY].tuple.dport, >=, 1024);
	conntrack_table_destroy(f.t);
}

static void test_ipv6_and_icmp_are_tracked(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, false, 0);
	p = tu_packet("dead:1::99", 40000, "dead:2::99", 443, FS_IPPROTO_UDP, 1, 60);
	r = feed(&f, &p, SEC(1));
	g_assert_nonnull(r.ct);
	g_assert_cmpuint(r.ct->tuplehash[0].tuple.family, ==, FS_AF_INET6);
	/* echo request id 7 -> reply type 0 */
	p = tu_packet("10.0.1.99", 7, "10.0.2.99", 8 << 8, FS_IPPROTO_ICMP, 1, 84);
	r = feed(&f, &p, SEC(1));
	g_assert_nonnull(r.ct);
	g_assert_cmpuint(r.ct->tuplehash[CT_DIR_REPLY].tuple.dport >> 8, ==, 0);
	g_assert_cmpuint(conntrack_remaining_secs(r.ct, SEC(1)), ==, 30);
	p = tu_packet("10.0.2.99", 7, "10.0.1.99", 0, FS_IPPROTO_ICMP, 2, 84);
	r = feed(&f, &p, SEC(1));
	g_assert_nonnull(r.ct);
	g_assert_cmpint(r.dir, ==, CT_DIR_REPLY);
	conntrack_table_destroy(f.t);
}

static void test_masquerade_keeps_icmp_id_and_reply_type(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;
	union fs_addr wan = tu_addr("192.168.10.1");
	const struct fs_tuple *reply;

	setup(&f, true, 0);
	/* echo request id 147: the reply tuple is type 0 code 0 id 147, addressed to the WAN */
	p = tu_packet("10.0.1.99", 147, "10.0.2.99", 8 << 8, FS_IPPROTO_ICMP, 1, 84);
	conntrack_in(f.t, &p, SEC(1), &r);
	g_assert_cmpint(conntrack_nat_snat(f.t, r.ct, &wan, 0, 0), ==, 0);
	reply = &r.ct->tuplehash[CT_DIR_REPLY].tuple;
	g_assert_true(fs_addr_equal(&reply->dst, &wan));
	g_assert_cmpuint(reply->sport, ==, 147);
	g_assert_cmpuint(reply->dport, ==, 0);
	g_assert_true(r.ct->status & IPS_SRC_NAT);
	conntrack_table_destroy(f.t);
}

static void test_icmpv6_neighbour_discovery_is_untracked(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;
	static const u8 nd_types[] = { 133, 134, 135, 136, 130, 143 };
	u32 i;

	setup(&f, false, 0);
	for (i = 0; i < G_N_ELEMENTS(nd_types); i++) {
		p = tu_packet("fe80::1", 0, "ff02::1:ff00:2", (u16)(nd_types[i] << 8),
			      FS_IPPROTO_ICMPV6, 1, 72);
		conntrack_in(f.t, &p, SEC(1), &r);
		g_assert_null(r.ct);
		g_assert_cmpint(r.ctinfo, ==, CT_UNTRACKED);
	}
	g_assert_cmpuint(conntrack_count(f.t), ==, 0);
	/* node information query (139) does start a connection, with reply type 140 */
	p = tu_packet("dead:1::99", 5, "dead:2::99", 139 << 8, FS_IPPROTO_ICMPV6, 1, 72);
	r = feed(&f, &p, SEC(1));
	g_assert_nonnull(r.ct);
	g_assert_cmpuint(r.ct->tuplehash[CT_DIR_REPLY].tuple.dport >> 8, ==, 140);
	conntrack_table_destroy(f.t);
}

static void test_accounting_per_direction(void)
{
	struct fixture f;
	struct fs_packet p;
	struct ct_in_result r;

	setup(&f, true, 0);  /* OpenWrt enables nf_conntrack_acct */
	p = udp(false);
	feed(&f, &p, SEC(1));
	feed(&f, &p, SEC(1));
	p = udp(true);
	r = feed(&f, &p, SEC(1));
	g_assert_cmpuint(r.ct->acct[0].packets, ==, 2);
	g_assert_cmpuint(r.ct->acct[0].bytes, ==, 120);
	g_assert_cmpuint(r.ct->acct[1].packets, ==, 1);
	g_assert_cmpuint(r.ct->acct[1].bytes, ==, 100);
	conntrack_table_destroy(f.t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/conntrack/tcp/handshake_assures_on_final_ack", test_tcp_handshake_assures_on_final_ack);
	g_test_add_func("/conntrack/tcp/timeouts_follow_states", test_tcp_timeouts_by_profile);
	g_test_add_func("/conntrack/tcp/rst_before_reply_kills_entry", test_tcp_rst_before_reply_kills_entry);
	g_test_add_func("/conntrack/tcp/syn_retransmission_keeps_timeout", test_tcp_syn_retransmission_keeps_timeout);
	g_test_add_func("/conntrack/tcp/loose_pickup_caps_at_unack", test_tcp_loose_pickup_caps_at_unack);
	g_test_add_func("/conntrack/udp/stream_needs_two_seconds_for_assured", test_udp_stream_needs_two_seconds_for_assured);
	g_test_add_func("/conntrack/gc/expired_entry_is_reaped", test_expired_entry_is_reaped_by_gc);
	g_test_add_func("/conntrack/max/full_table_drops_new_keeps_established", test_table_full_drops_new_keeps_established);
	g_test_add_func("/conntrack/max/full_table_evicts_unassured", test_table_full_evicts_unassured_first);
	g_test_add_func("/conntrack/nat/masquerade_rewrites_reply_tuple", test_masquerade_rewrites_reply_tuple);
	g_test_add_func("/conntrack/nat/masquerade_port_clash_picks_another", test_masquerade_port_clash_picks_another);
	g_test_add_func("/conntrack/nat/masquerade_keeps_icmp_id_and_reply_type",
			test_masquerade_keeps_icmp_id_and_reply_type);
	g_test_add_func("/conntrack/icmpv6_neighbour_discovery_is_untracked",
			test_icmpv6_neighbour_discovery_is_untracked);
	g_test_add_func("/conntrack/ipv6_and_icmp_are_tracked", test_ipv6_and_icmp_are_tracked);
	g_test_add_func("/conntrack/accounting_per_direction", test_accounting_per_direction);
	return g_test_run();
}
