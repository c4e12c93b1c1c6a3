/* SPDX-License-Identifier: MIT */
/*
 * Flowtable timelines through router_receive(): when a connection enters the flowtable,
 * which packets take the fast path, when and how it leaves, and what conntrack shows.
 * Expected values are the kernel's (spec linux-flowtable.md §1.5, §2.2, §3).
 */
#include <string.h>

#include "testutil.h"

static const char *ruleset_sw =
	"table inet filter {\n"
	"	flowtable ft {\n"
	"		hook ingress priority 0; devices = { veth0, veth1 };\n"
	"		counter;\n"
	"	}\n"
	"	chain forward {\n"
	"		type filter hook forward priority filter; policy accept;\n"
	"		meta l4proto { tcp, udp } flow add @ft\n"
	"	}\n"
	"}\n";

/* A TCP connection 10.0.1.99:40000 <-> 10.0.2.99:12345 driven packet by packet. */
struct tconn {
	struct lab *lab;
	u32 cseq, sseq;
	const char *caddr, *saddr;
};

static struct fs_packet tc_pkt(struct tconn *c, bool from_server, u8 flags, u16 payload)
{
	struct fs_packet p;

	if (from_server) {
		p = tu_packet(c->saddr, 12345, c->caddr, 40000, FS_IPPROTO_TCP, c->lab->wan,
			      (u16)(52 + payload));
		p.seq = c->sseq;
		p.ack = c->cseq;
		c->sseq += payload + ((flags & (FS_TCP_SYN | FS_TCP_FIN)) ? 1 : 0);
	} else {
		p = tu_packet(c->caddr, 40000, c->saddr, 12345, FS_IPPROTO_TCP, c->lab->lan,
			      (u16)(52 + payload));
		p.seq = c->cseq;
		p.ack = c->sseq;
		c->cseq += payload + ((flags & (FS_TCP_SYN | FS_TCP_FIN)) ? 1 : 0);
	}
	if (tu_family(c->caddr) == FS_AF_INET6)
		p.len += 20;
	p.tcp_flags = flags;
	p.payload = payload;
	p.win = 64240;
	return p;
}

static struct router_result tc_send(struct tconn *c, bool from_server, u8 flags, u16 payload,
				    u64 now)
{
	struct fs_packet p = tc_pkt(c, from_server, flags, payload);

	return tu_lab_send(c->lab, &p, now);
}

static void tc_init(struct tconn *c, struct lab *lab, bool v6)
{
	c->lab = lab;
	c->cseq = 1000;
	c->sseq = 900000;
	c->caddr = v6 ? "dead:1::99" : "10.0.1.99";
	c->saddr = v6 ? "dead:2::99" : "10.0.2.99";
}

static void tc_handshake(struct tconn *c, u64 now, u8 expect_path3)
{
	struct router_result r;

	r = tc_send(c, false, FS_TCP_SYN, 0, now);
	g_assert_cmpuint(r.verdict, ==, ROUTER_FORWARD);
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	r = tc_send(c, true, FS_TCP_SYN | FS_TCP_ACK, 0, now);
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	r = tc_send(c, false, FS_TCP_ACK, 0, now);
	g_assert_cmpuint(r.path, ==, expect_path3);
}

static void test_tcp_offloaded_from_packet_3(void)
{
	struct lab lab;
	struct tconn c;
	struct router_result r;
	struct fs_packet probe;
	char *line;

	tu_lab_init(&lab, NULL, ruleset_sw);
	tc_init(&c, &lab, false);
	tc_send(&c, false, FS_TCP_SYN, 0, TU_SEC(1));
	tc_send(&c, true, FS_TCP_SYN | FS_TCP_ACK, 0, TU_SEC(1));
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 0);
	/* p3, the client's final ACK: ESTABLISHED+ASSURED, flow created at its FORWARD hook,
	 * the packet itself finishes on the slow path */
	r = tc_send(&c, false, FS_TCP_ACK, 0, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 1);
	/* p4 on: fast path, both directions */
	r = tc_send(&c, false, FS_TCP_ACK | FS_TCP_PSH, 1000, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	g_assert_cmpuint(r.tx_dev, ==, lab.wan);
	r = tc_send(&c, true, FS_TCP_ACK, 0, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	g_assert_cmpuint(r.tx_dev, ==, lab.lan);

	probe = tu_packet("10.0.1.99", 40000, "10.0.2.99", 12345, FS_IPPROTO_TCP, 0, 0);
	line = lab_proc_line(&lab, &probe.t, TU_SEC(2));
	/* no timeout, no state, [OFFLOAD], counters include the fast path (counter flag) */
	g_assert_cmpstr(line, ==,
			"ipv4     2 tcp      6 src=10.0.1.99 dst=10.0.2.99 sport=40000 dport=12345 "
			"packets=3 bytes=1156 src=10.0.2.99 dst=10.0.1.99 sport=12345 dport=40000 "
			"packets=2 bytes=104 [OFFLOAD] mark=0 zone=0 use=3\n");
	g_free(line);
	tu_lab_free(&lab);
}

static void test_udp_offloaded_from_packet_2_without_reply(void)
{
	struct lab lab;
	struct fs_packet p;
	struct router_result r;
	char *line;

	tu_lab_init(&lab, NULL, ruleset_sw);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 128);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 0);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 128);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 1);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 128);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	line = lab_proc_line(&lab, &p.t, TU_SEC(1));
	g_assert_cmpstr(line, ==,
			"ipv4     2 udp      17 src=10.0.1.99 dst=10.0.2.99 sport=5000 dport=6000 "
			"packets=3 bytes=384 [UNREPLIED] src=10.0.2.99 dst=10.0.1.99 sport=6000 "
			"dport=5000 packets=0 bytes=0 [OFFLOAD] mark=0 zone=0 use=3\n");
	g_free(line);
	tu_lab_free(&lab);
}

static void test_fin_tears_down_with_fixed_up_timeout(void)
{
	struct lab lab;
	struct tconn c;
	struct router_result r;
	struct conntrack_entry *ct;
	struct fs_packet probe;
	const struct fs_event *ev;
	guint i;
	bool fixup_seen = false;

	tu_lab_init(&lab, NULL, ruleset_sw);
	tc_init(&c, &lab, false);
	tc_handshake(&c, TU_SEC(1), ROUTER_PATH_SLOW);
	r = tc_send(&c, false, FS_TCP_ACK, 500, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	/* FIN on the fast path: teardown (<= 6.13), the FIN itself takes the slow path */
	r = tc_send(&c, false, FS_TCP_FIN | FS_TCP_ACK, 0, TU_SEC(3));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_TEARDOWN, NULL), ==, 1);
	for (i = 0; i < lab.events->len; i++) {
		ev = &g_array_index(lab.events, struct fs_event, i);
		if (ev->type == FS_EV_FLOW_TEARDOWN)
			g_assert_cmpuint(ev->detail, ==, FS_TEARDOWN_TCP_FLAGS);
		if (ev->type == FS_EV_CT_TIMEOUT_FIXUP) {
			/* OpenWrt ESTABLISHED 7440 - flowtable 30 */
			g_assert_cmpuint(ev->detail, ==, 7410);
			fixup_seen = true;
		}
	}
	g_assert_true(fixup_seen);
	probe = tu_packet("10.0.1.99", 40000, "10.0.2.99", 12345, FS_IPPROTO_TCP, 0, 0);
	ct = conntrack_find(router_conntrack(lab.r), &probe.t, NULL);
	g_assert_nonnull(ct);
	g_assert_false(ct->status & IPS_OFFLOAD);
	/* the FIN then went through conntrack: FIN_WAIT with its own timeout */
	g_assert_cmpuint(ct->proto.tcp.state, ==, TCP_CT_FIN_WAIT);
	g_assert_cmpuint(conntrack_remaining_secs(ct, TU_SEC(3)), ==, 120);
	/* no re-offload in FIN_WAIT: the server's ACK goes the slow way */
	r = tc_send(&c, true, FS_TCP_ACK, 0, TU_SEC(3));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 1);
	/* GC frees the torn-down flow on its next pass */
	router_timers(lab.r, TU_SEC(4));
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_DEL, NULL), ==, 1);
	g_assert_cmpuint(ct->use, ==, 1);
	tu_lab_free(&lab);
}

static void test_idle_flow_leaves_30s_after_last_packet(void)
{
	struct lab lab;
	struct fs_packet p;
	struct router_result r;
	u64 t, last = 0, teardown = 0;

	tu_lab_init(&lab, NULL, ruleset_sw);
	for (t = TU_SEC(1); t <= TU_MS(10500); t += TU_MS(100)) {
		p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 200);
		r = tu_lab_send(&lab, &p, t);
		if (r.path == ROUTER_PATH_FLOWTABLE)
			last = t;
	}
	g_assert_cmpuint(last, ==, TU_MS(10500));
	for (t = TU_SEC(11); t <= TU_SEC(60); t += TU_SEC(1))
		router_timers(lab.r, t);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_TEARDOWN, &teardown), ==, 1);
	/* 30 s after the last fast-path packet, within the GC's one-second granularity
	 * and the refresh's once-per-second rule */
	g_assert_cmpuint(teardown, >=, last + TU_SEC(29));
	g_assert_cmpuint(teardown, <=, last + TU_SEC(31));
	tu_lab_free(&lab);
}

static void check_idle_teardown_timeout(bool openwrt, u8 proto, u32 expect)
{
	struct router_config cfg;
	struct lab lab;
	struct conntrack_entry *ct;
	struct fs_packet probe;
	struct tconn c;
	u64 t;

	router_config_default(&cfg);
	if (!openwrt)
		conntrack_params_linux(&cfg.ct);
	tu_lab_init(&lab, &cfg, ruleset_sw);
	if (proto == FS_IPPROTO_TCP) {
		tc_init(&c, &lab, false);
		tc_handshake(&c, TU_SEC(1), ROUTER_PATH_SLOW);
		tc_send(&c, false, FS_TCP_ACK, 100, TU_SEC(1));
		probe = tu_packet("10.0.1.99", 40000, "10.0.2.99", 12345, proto, 0, 0);
	} else {
		probe = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, proto, lab.lan, 100);
		tu_lab_send(&lab, &probe, TU_SEC(1));
		probe = tu_packet("10.0.2.99", 6000, "10.0.1.99", 5000, proto, lab.wan, 100);
		tu_lab_send(&lab, &probe, TU_SEC(1));
		probe = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, proto, lab.lan, 100);
		tu_lab_send(&lab, &probe, TU_SEC(1));
	}
	ct = conntrack_find(router_conntrack(lab.r), &probe.t, NULL);
	g_assert_nonnull(ct);
	g_assert_true(ct->status & IPS_OFFLOAD);
	for (t = TU_SEC(2); t <= TU_SEC(40); t += TU_SEC(1))
		router_timers(lab.r, t);
	g_assert_false(ct->status & IPS_OFFLOAD);
	g_assert_cmpuint(conntrack_remaining_secs(ct, TU_SEC(31)), ==, expect);
	tu_lab_free(&lab);
}

static void test_teardown_timeout_openwrt(void)
{
	check_idle_teardown_timeout(true, FS_IPPROTO_TCP, 7440 - 30);
	check_idle_teardown_timeout(true, FS_IPPROTO_UDP, 180 - 30);
}

static void test_teardown_timeout_linux(void)
{
	check_idle_teardown_timeout(false, FS_IPPROTO_TCP, 432000 - 30);
	check_idle_teardown_timeout(false, FS_IPPROTO_UDP, 120 - 30);
}

static void test_conntrack_full_keeps_offloaded(void)
{
	struct router_config cfg;
	struct lab lab;
	struct tconn c1, c2;
	struct fs_packet p;
	struct router_result r;

	router_config_default(&cfg);
	cfg.ct.max = 2;
	tu_lab_init(&lab, &cfg, ruleset_sw);
	tc_init(&c1, &lab, false);
	tc_handshake(&c1, TU_SEC(1), ROUTER_PATH_SLOW);
	tc_init(&c2, &lab, true);
	tc_handshake(&c2, TU_SEC(1), ROUTER_PATH_SLOW);
	p = tu_packet("10.0.1.99", 41000, "10.0.2.99", 80, FS_IPPROTO_TCP, lab.lan, 52);
	p.tcp_flags = FS_TCP_SYN;
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.verdict, ==, ROUTER_DROP);
	g_assert_cmpuint(r.drop_reason, ==, ROUTER_DROP_CT_FULL);
	r = tc_send(&c1, false, FS_TCP_ACK, 1000, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	r = tc_send(&c2, true, FS_TCP_ACK, 1000, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	tu_lab_free(&lab);
}

static struct lab *offloaded_udp(struct lab *lab)
{
	struct fs_packet p;
	int i;

	tu_lab_init(lab, NULL, ruleset_sw);
	for (i = 0; i < 2; i++) {
		p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab->lan, 100);
		tu_lab_send(lab, &p, TU_SEC(1));
	}
	return lab;
}

static void test_fast_path_exceptions_take_slow_path(void)
{
	struct lab lab;
	struct fs_packet p;
	struct router_result r;

	offloaded_udp(&lab);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	p.ttl = 1;
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(r.drop_reason, ==, ROUTER_DROP_TTL);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	p.flags = FS_PKT_FRAG;
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	p.flags = FS_PKT_IPOPT;
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	/* bigger than the route MTU: the slow path fragments it (no DF) */
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 4000);
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(r.frames, ==, 3);
	/* ... or drops it with DF (ICMP frag-needed) */
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 4000);
	p.flags = FS_PKT_DF;
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.drop_reason, ==, ROUTER_DROP_MTU);
	/* and an ordinary one still flies */
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	r = tu_lab_send(&lab, &p, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	g_assert_cmpuint(p.ttl, ==, 63);
	tu_lab_free(&lab);
}

static void test_kernel_5_15_offloads_tcp_at_syn_ack(void)
{
	struct router_config cfg;
	struct lab lab;
	struct tconn c;
	struct router_result r;

	router_config_default(&cfg);
	flowtable_behaviour_for_kernel(&cfg.ft, 515);
	tu_lab_init(&lab, &cfg, ruleset_sw);
	tc_init(&c, &lab, false);
	tc_send(&c, false, FS_TCP_SYN, 0, TU_SEC(1));
	r = tc_send(&c, true, FS_TCP_SYN | FS_TCP_ACK, 0, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 1);
	r = tc_send(&c, false, FS_TCP_ACK, 0, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	tu_lab_free(&lab);
}

static void test_closing_kernels_keep_fin_on_fast_path(void)
{
	struct router_config cfg;
	struct lab lab;
	struct tconn c;
	struct router_result r;

	router_config_default(&cfg);
	flowtable_behaviour_for_kernel(&cfg.ft, 616);
	tu_lab_init(&lab, &cfg, ruleset_sw);
	tc_init(&c, &lab, false);
	tc_handshake(&c, TU_SEC(1), ROUTER_PATH_SLOW);
	r = tc_send(&c, false, FS_TCP_FIN | FS_TCP_ACK, 0, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_TEARDOWN, NULL), ==, 0);
	r = tc_send(&c, true, FS_TCP_FIN | FS_TCP_ACK, 0, TU_SEC(2));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	/* a SYN reusing the ports on a CLOSING flow tears it down (port reuse) */
	c.cseq += 100000;
	r = tc_send(&c, false, FS_TCP_SYN, 0, TU_SEC(3));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_TEARDOWN, NULL), ==, 1);
	tu_lab_free(&lab);
}

static void test_ipv6_flow_offloaded(void)
{
	struct lab lab;
	struct tconn c;
	struct router_result r;

	tu_lab_init(&lab, NULL, ruleset_sw);
	tc_init(&c, &lab, true);
	tc_handshake(&c, TU_SEC(1), ROUTER_PATH_SLOW);
	r = tc_send(&c, true, FS_TCP_ACK, 1200, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	tu_lab_free(&lab);
}

static void test_masquerade_on_fast_path_matches_slow_path(void)
{
	struct lab lab;
	struct fs_packet p;
	struct router_result r;
	char src[64];

	tu_lab_init(&lab, NULL, ruleset_sw);
	tu_lab_nft(&lab,
		   "table ip nat {\n"
		   "	chain postrouting {\n"
		   "		type nat hook postrouting priority srcnat; policy accept;\n"
		   "		oifname \"veth1\" masquerade\n"
		   "	}\n"
		   "}\n", 0);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	fs_addr_format(src, sizeof(src), FS_AF_INET, &p.t.src);
	g_assert_cmpstr(src, ==, "10.0.2.1");
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	tu_lab_send(&lab, &p, TU_SEC(1));
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	fs_addr_format(src, sizeof(src), FS_AF_INET, &p.t.src);
	g_assert_cmpstr(src, ==, "10.0.2.1");
	g_assert_cmpuint(p.t.sport, ==, 5000);
	/* the reply, addressed to the router, is un-NATed on the fast path */
	p = tu_packet("10.0.2.99", 6000, "10.0.2.1", 5000, FS_IPPROTO_UDP, lab.wan, 100);
	r = tu_lab_send(&lab, &p, TU_SEC(1));
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_FLOWTABLE);
	fs_addr_format(src, sizeof(src), FS_AF_INET, &p.t.dst);
	g_assert_cmpstr(src, ==, "10.0.1.99");
	g_assert_cmpuint(r.tx_dev, ==, lab.lan);
	tu_lab_free(&lab);
}

static void test_flowtable_reload_flushes_flows(void)
{
	struct lab lab;
	struct fs_packet p;
	struct router_result r;

	offloaded_udp(&lab);
	/* fw4 reload: the flowtable is deleted and created again */
	tu_lab_nft(&lab, "delete table inet filter\n", TU_SEC(2));
	tu_lab_nft(&lab, ruleset_sw, TU_SEC(2));
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_TEARDOWN, NULL), ==, 1);
	p = tu_packet("10.0.1.99", 5000, "10.0.2.99", 6000, FS_IPPROTO_UDP, lab.lan, 100);
	r = tu_lab_send(&lab, &p, TU_SEC(3));
	/* UDP re-offloads on the next packet, which itself takes the slow path */
	g_assert_cmpuint(r.path, ==, ROUTER_PATH_SLOW);
	g_assert_cmpuint(tu_lab_count(&lab, FS_EV_FLOW_ADD, NULL), ==, 2);
	tu_lab_free(&lab);
}

static void test_conntrack_events_match_kernel_format(void)
{
	struct lab lab;
	struct fs_packet p;

	tu_lab_init(&lab, NULL, ruleset_sw);
	p = tu_packet("10.0.1.11", 38720, "10.0.2.99", 3578, FS_IPPROTO_UDP, lab.lan, 100);
	tu_lab_send(&lab, &p, TU_SEC(1));
	p = tu_packet("10.0.2.99", 3578, "10.0.1.11", 38720, FS_IPPROTO_UDP, lab.wan, 100);
	tu_lab_send(&lab, &p, TU_SEC(1));
	/* cf. shared/data/traces/07: NEW unreplied with 60 s, then UPDATE with the day-long
	 * offload timeout and [OFFLOAD] */
	g_assert_cmpstr(lab.ct_events->str, ==,
			"    [NEW] ipv4     2 udp      17 60 src=10.0.1.11 dst=10.0.2.99 sport=38720 "
			"dport=3578 [UNREPLIED] src=10.0.2.99 dst=10.0.1.11 sport=3578 dport=38720\n"
			" [UPDATE] ipv4     2 udp      17 86400 src=10.0.1.11 dst=10.0.2.99 "
			"sport=38720 dport=3578 src=10.0.2.99 dst=10.0.1.11 sport=3578 dport=38720 "
			"[OFFLOAD]\n");
	tu_lab_free(&lab);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flowtable/tcp/offloaded_from_packet_3", test_tcp_offloaded_from_packet_3);
	g_test_add_func("/flowtable/udp/offloaded_from_packet_2_without_reply",
			test_udp_offloaded_from_packet_2_without_reply);
	g_test_add_func("/flowtable/tcp/fin_tears_down_with_fixed_up_timeout",
			test_fin_tears_down_with_fixed_up_timeout);
	g_test_add_func("/flowtable/idle_flow_leaves_30s_after_last_packet",
			test_idle_flow_leaves_30s_after_last_packet);
	g_test_add_func("/flowtable/teardown_timeout/openwrt", test_teardown_timeout_openwrt);
	g_test_add_func("/flowtable/teardown_timeout/linux", test_teardown_timeout_linux);
	g_test_add_func("/flowtable/conntrack_full_keeps_offloaded", test_conntrack_full_keeps_offloaded);
	g_test_add_func("/flowtable/fast_path_exceptions_take_slow_path",
			test_fast_path_exceptions_take_slow_path);
	g_test_add_func("/flowtable/kernel_5_15/offloads_tcp_at_syn_ack",
			test_kernel_5_15_offloads_tcp_at_syn_ack);
	g_test_add_func("/flowtable/closing/fin_stays_on_fast_path",
			test_closing_kernels_keep_fin_on_fast_path);
	g_test_add_func("/flowtable/ipv6_flow_offloaded", test_ipv6_flow_offloaded);
	g_test_add_func("/flowtable/nat/masquerade_on_fast_path", test_masquerade_on_fast_path_matches_slow_path);
	g_test_add_func("/flowtable/reload_flushes_flows", test_flowtable_reload_flushes_flows);
	g_test_add_func("/flowtable/events/conntrack_E_format", test_conntrack_events_match_kernel_format);
	return g_test_run();
}
