/* SPDX-License-Identifier: MIT */
/*
 * The kernel selftest nft_flowtable.sh (tools/testing/selftests/net/netfilter), run over the
 * core: cases 1, 2, 3, 4a-c, 5a-b, 6, 7a-b and 9a of spec linux-flowtable.md §7.
 *
 * Topology as in the script: ns1 -(veth0) nsr1 (veth1)- (veth0) nsr2 (veth1)- ns2, MTUs
 * 9000 / 1500 / 2000.  Two struct router instances play nsr1 and nsr2; ns1 and ns2 are a
 * small deterministic TCP pair that sends a file each way (segments limited by the peer's
 * MSS and, with PMTU discovery on, by the path MTU learnt from MTU drops; one ACK per
 * segment).  Asserted as the script asserts: both files arrive whole, the forward-chain
 * counters routed_orig/routed_repl stay at or below the file size when PMTU is on, and ns2
 * sees the DSCP patterns that prove which hooks fast-path packets pass.
 */
#include <string.h>

#include "selftest_fixture.h"
#include "testutil.h"

#define FILE_SIZE (2u * 1024 * 1024)
#define CS3 24u

struct node {
	struct router *r;
	u16 veth0, veth1, br0;
};

struct ep {
	const char *addr;       /* own address */
	const char *peer;       /* address it sends to (may be a DNAT address) */
	u16 port, peer_port;
	u16 mtu;                /* own link MTU */
	u16 pmtu;               /* learnt path MTU */
	u32 snd_nxt, rcv_nxt;
	u32 to_send, received;
	u32 mss_peer;
};

struct st_lab {
	struct node nsr1, nsr2;
	struct ep ns1, ns2;
	bool pmtu;
	bool v6;
	u32 cs3, dscp0;         /* ns2's input counters (TCP packets from ns1's side) */
	u64 now;
	u32 drops;
};

static const char *nsr1_rules = SELFTEST_FILTER_RULES;

static const char *nat_rules = SELFTEST_NAT_RULES;

static u16 port_add(struct fs_netconf *nc, const char *name, u16 mtu, u8 kind, u16 master)
{
	struct fs_netdev d;
	int idx;

	memset(&d, 0, sizeof(d));
	g_strlcpy(d.name, name, sizeof(d.name));
	d.kind = kind;
	d.up = 1;
	d.mtu = mtu;
	d.master = master;
	d.gmac = 0xff;
	d.mac[0] = 2;
	d.mac[5] = (u8)(nc->num_addr + 1);
	idx = fs_netdev_add(nc, &d);
	g_assert_cmpint(idx, >, 0);
	return (u16)idx;
}

static void addr_add(struct fs_netconf *nc, u16 dev, const char *a, u8 plen)
{
	union fs_addr x = tu_addr(a);

	g_assert_cmpint(fs_ifaddr_add(nc, dev, (u8)tu_family(a), &x, plen), ==, 0);
}

static void neigh_add(struct fs_netconf *nc, u16 dev, u16 port, const char *a)
{
	struct fs_neigh n;

	memset(&n, 0, sizeof(n));
	n.addr = tu_addr(a);
	n.family = (u8)tu_family(a);
	n.ifindex = dev;
	n.port = port;
	n.valid = 1;
	n.mac[0] = 2;
	n.mac[1] = 0x77;
	n.mac[5] = (u8)(n.addr.ip6[3] & 0xff);
	g_assert_cmpint(fs_neigh_update(nc, &n), ==, 0);
}

static void route_add(struct fs_netconf *nc, const char *prefix, u8 plen, u16 oif, const char *gw)
{
	struct fs_route rt;

	memset(&rt, 0, sizeof(rt));
	rt.prefix = tu_addr(prefix);
	rt.family = (u8)tu_family(prefix);
	rt.plen = plen;
	rt.oif = oif;
	if (gw)
		rt.gateway = tu_addr(gw);
	g_assert_cmpint(fs_route_add(nc, &rt), ==, 0);
}

static void nft(struct router *r, const char *text)
{
	struct ruleset_error err;

	if (router_apply_ruleset(r, text, strlen(text), 0, &err))
		g_error("nft %u:%u: %s", err.line, err.col, err.msg);
}

static void st_lab_init(struct st_lab *l, bool bridge)
{
	struct router_config cfg;
	struct fs_netconf *nc;
	u16 l3;

	memset(l, 0, sizeof(*l));
	router_config_default(&cfg);
	conntrack_params_linux(&cfg.ct);
	l->nsr1.r = router_create(&cfg, NULL, NULL);
	l->nsr2.r = router_create(&cfg, NULL, NULL);

	nc = router_netconf(l->nsr1.r);
	l->nsr1.veth1 = port_add(nc, "veth1", 1500, FS_NETDEV_ETHER, 0);
	if (bridge) {
		l->nsr1.br0 = port_add(nc, "br0", 9000, FS_NETDEV_BRIDGE, 0);
		l->nsr1.veth0 = port_add(nc, "veth0", 9000, FS_NETDEV_ETHER, l->nsr1.br0);
		l3 = l->nsr1.br0;
	} else {
		l->nsr1.veth0 = port_add(nc, "veth0", 9000, FS_NETDEV_ETHER, 0);
		l3 = l->nsr1.veth0;
	}
	addr_add(nc, l3, "10.0.1.1", 24);
	addr_add(nc, l3, "dead:1::1", 64);
	addr_add(nc, l->nsr1.veth1, "192.168.10.1", 24);
	addr_add(nc, l->nsr1.veth1, "fee1:2::1", 64);
	neigh_add(nc, l3, l->nsr1.veth0, "10.0.1.99");
	neigh_add(nc, l3, l->nsr1.veth0, "dead:1::99");
	neigh_add(nc, l->nsr1.veth1, l->nsr1.veth1, "192.168.10.2");
	neigh_add(nc, l->nsr1.veth1, l->nsr1.veth1, "fee1:2::2");
	route_add(nc, "10.0.1.0", 24, l3, NULL);
	route_add(nc, "dead:1::", 64, l3, NULL);
	route_add(nc, "192.168.10.0", 24, l->nsr1.veth1, NULL);
	route_add(nc, "fee1:2::", 64, l->nsr1.veth1, NULL);
	route_add(nc, "0.0.0.0", 0, l->nsr1.veth1, "192.168.10.2");
	route_add(nc, "::", 0, l->nsr1.veth1, "fee1:2::2");

	nc = router_netconf(l->nsr2.r);
	l->nsr2.veth0 = port_add(nc, "veth0", 1500, FS_NETDEV_ETHER, 0);
	l->nsr2.veth1 = port_add(nc, "veth1", 2000, FS_NETDEV_ETHER, 0);
	addr_add(nc, l->nsr2.veth0, "192.168.10.2", 24);
	addr_add(nc, l->nsr2.veth0, "fee1:2::2", 64);
	addr_add(nc, l->nsr2.veth1, "10.0.2.1", 24);
	addr_add(nc, l->nsr2.veth1, "dead:2::1", 64);
	neigh_add(nc, l->nsr2.veth0, l->nsr2.veth0, "192.168.10.1");
	neigh_add(nc, l->nsr2.veth0, l->nsr2.veth0, "fee1:2::1");
	neigh_add(nc, l->nsr2.veth1, l->nsr2.veth1, "10.0.2.99");
	neigh_add(nc, l->nsr2.veth1, l->nsr2.veth1, "dead:2::99");
	route_add(nc, "10.0.2.0", 24, l->nsr2.veth1, NULL);
	route_add(nc, "dead:2::", 64, l->nsr2.veth1, NULL);
	route_add(nc, "192.168.10.0", 24, l->nsr2.veth0, NULL);
	route_add(nc, "fee1:2::", 64, l->nsr2.veth0, NULL);
	route_add(nc, "0.0.0.0", 0, l->nsr2.veth0, "192.168.10.1");
	route_add(nc, "::", 0, l->nsr2.veth0, "fee1:2::1");

	nft(l->nsr1.r, nsr1_rules);
}

static void st_lab_free(struct st_lab *l)
{
	router_destroy(l->nsr1.r);
	router_destroy(l->nsr2.r);
}

static u32 header_len(const struct st_lab *l)
{
	return l->v6 ? 60 : 40;
}

/*
 * One packet from ep (true: ns1) through both routers.  Returns the packet as delivered, or
 * false if it was lost; an MTU drop teaches the sender the path MTU (PMTU discovery).
 */
static bool lab_deliver(struct st_lab *l, bool from_ns1, struct fs_packet *p)
{
	struct node *first = from_ns1 ? &l->nsr1 : &l->nsr2;
	struct node *second = from_ns1 ? &l->nsr2 : &l->nsr1;
	struct ep *src = from_ns1 ? &l->ns1 : &l->ns2;
	struct router_result r;
	u16 in2 = from_ns1 ? second->veth0 : second->veth1;

	l->now += 10000;
	p->iif = from_ns1 ? first->veth0 : first->veth1;
	router_timers(first->r, l->now);
	router_receive(first->r, p, l->now, &r);
	if (r.verdict != ROUTER_FORWARD)
		goto drop;
	g_assert_cmpuint(r.tx_dev, ==, from_ns1 ? first->veth1 : first->veth0);
	p->iif = in2;
	p->num_encap = 0;
	router_timers(second->r, l->now);
	router_receive(second->r, p, l->now, &r);
	if (r.verdict != ROUTER_FORWARD)
		goto drop;
	g_assert_cmpuint(r.tx_dev, ==, from_ns1 ? second->veth1 : second->veth0);
	if (from_ns1) {
		if (p->dscp == CS3)
			l->cs3++;
		else if (p->dscp == 0)
			l->dscp0++;
	}
	return true;
drop:
	if (r.drop_reason == ROUTER_DROP_MTU) {
		/* ICMP frag-needed / packet-too-big back to the sender */
		src->pmtu = 1500;
		return false;
	}
	l->drops++;
	g_error("packet from %s (flags %#x, %u bytes, seq %u) dropped: %s", from_ns1 ? "ns1" : "ns2",
		p->tcp_flags, p->len, p->seq, router_drop_reason_name(r.drop_reason));
	return false;
}

static struct fs_packet ep_packet(struct st_lab *l, struct ep *e, bool from_ns1, u8 flags,
				  u32 payload)
{
	struct fs_packet p = tu_packet(e->addr, e->port, e->peer, e->peer_port, FS_IPPROTO_TCP,
				       0, (u16)(header_len(l) + payload));

	p.tcp_flags = flags;
	p.seq = e->snd_nxt;
	p.ack = e->rcv_nxt;
	p.win = 65535;
	p.payload = (u16)payload;
	p.ttl = 64;
	if (flags & FS_TCP_SYN)
		p.wscale = 7;
	if (l->pmtu && !l->v6)
		p.flags |= FS_PKT_DF;
	(void)from_ns1;
	return p;
}

/* The receiving side's view: what was delivered must be addressed to it. */
static void ep_receive(struct ep *dst, const struct fs_packet *p)
{
	char a[64];

	fs_addr_format(a, sizeof(a), p->t.family, &p->t.dst);
	/* ns2 sees the real server address, ns1 sees what it connected to (DNAT undone) */
	g_assert_true(p->t.dport == dst->port);
	if (p->tcp_flags & FS_TCP_SYN)
		dst->rcv_nxt = p->seq;  /* learn the peer's initial sequence number */
	if (p->seq == dst->rcv_nxt) {
		dst->rcv_nxt += p->payload + ((p->tcp_flags & (FS_TCP_SYN | FS_TCP_FIN)) ? 1 : 0);
		dst->received += p->payload;
	}
}

static const char *intern_addr(u8 family, const union fs_addr *a)
{
	char b[64];

	fs_addr_format(b, sizeof(b), family, a);
	return g_intern_string(b);
}

static void transfer(struct st_lab *l, const char *ns1_addr, const char *dst, u16 dport,
		     u16 sport, u32 size)
{
	struct ep *c = &l->ns1, *s = &l->ns2;
	struct fs_packet p;
	u32 rounds = 0;
	bool ok;

	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->addr = ns1_addr;
	c->peer = dst;
	c->port = sport;
	c->peer_port = dport;
	c->mtu = 9000;
	c->snd_nxt = 1000;
	c->to_send = size;
	s->mtu = 2000;
	s->snd_nxt = 77000000;
	s->to_send = size;

	/* SYN: ns2 learns who it talks to from what arrives (after DNAT/masquerade) */
	p = ep_packet(l, c, true, FS_TCP_SYN, 0);
	g_assert_true(lab_deliver(l, true, &p));
	s->addr = intern_addr(p.t.family, &p.t.dst);
	s->peer = intern_addr(p.t.family, &p.t.src);
	s->port = p.t.dport;
	s->peer_port = p.t.sport;
	ep_receive(s, &p);
	c->snd_nxt++;
	/* each side's MSS: the smaller of its own and the peer's link MTU, minus headers */
	c->mss_peer = s->mtu - header_len(l);
	s->mss_peer = c->mtu - header_len(l);
	p = ep_packet(l, s, false, FS_TCP_SYN | FS_TCP_ACK, 0);
	g_assert_true(lab_deliver(l, false, &p));
	ep_receive(c, &p);
	s->snd_nxt++;
	p = ep_packet(l, c, true, FS_TCP_ACK, 0);
	g_assert_true(lab_deliver(l, true, &p));

	while ((c->to_send || s->to_send) && rounds++ < 100000) {
		struct ep *e;
		int side;

		for (side = 0; side < 2; side++) {
			u32 mss, seg;
			bool from_ns1 = side == 0;

			e = from_ns1 ? c : s;
			if (!e->to_send)
				continue;
			mss = FS_MIN(e->mss_peer, (u32)e->mtu - header_len(l));
			if (e->pmtu)
				mss = FS_MIN(mss, (u32)e->pmtu - header_len(l));
			seg = FS_MIN(mss, e->to_send);
			p = ep_packet(l, e, from_ns1, FS_TCP_ACK | FS_TCP_PSH, seg);
			ok = lab_deliver(l, from_ns1, &p);
			if (!ok)
				continue;  /* resend smaller next round */
			ep_receive(from_ns1 ? s : c, &p);
			e->snd_nxt += seg;
			e->to_send -= seg;
			/* the receiver acknowledges */
			p = ep_packet(l, from_ns1 ? s : c, !from_ns1, FS_TCP_ACK, 0);
			g_assert_true(lab_deliver(l, !from_ns1, &p));
		}
	}
	g_assert_cmpuint(s->received, ==, size);
	g_assert_cmpuint(c->received, ==, size);
}

static void counters(struct st_lab *l, u64 *orig, u64 *repl)
{
	struct ruleset *rs = router_ruleset(l->nsr1.r);
	u64 pk;

	g_assert_cmpint(ruleset_counter_get(rs, "filter", "routed_orig", &pk, orig), ==, 0);
	g_assert_cmpint(ruleset_counter_get(rs, "filter", "routed_repl", &pk, repl), ==, 0);
	ruleset_counters_reset(rs);
}

static void check_counters(struct st_lab *l, u32 size)
{
	u64 orig, repl;

	counters(l, &orig, &repl);
	g_test_message("routed_orig %llu bytes, routed_repl %llu bytes (file %u)",
		       (unsigned long long)orig, (unsigned long long)repl, size);
	g_assert_cmpuint(orig, <=, size);
	g_assert_cmpuint(repl, <=, size);
}

static void dscp_reset(struct st_lab *l)
{
	l->cs3 = l->dscp0 = 0;
}

/* 1: IPv4, no NAT, PMTU off: nsr1 fragments, most data takes the slow path, transfer intact */
static void test_case1_ipv4_offload(void)
{
	struct st_lab l;

	st_lab_init(&l, false);
	transfer(&l, "10.0.1.99", "10.0.2.99", 12345, 40001, FILE_SIZE / 16);
	st_lab_free(&l);
}

/* 2: the same over IPv6 (PTB is sent regardless of DF: IPv6 never fragments in transit) */
static void test_case2_ipv6_offload(void)
{
	struct st_lab l;

	st_lab_init(&l, false);
	l.v6 = true;
	transfer(&l, "dead:1::99", "dead:2::99", 12345, 40002, FILE_SIZE / 16);
	st_lab_free(&l);
}

static void nat_setup(struct st_lab *l)
{
	nft(l->nsr1.r, nat_rules);
}

static const char *dscp_ingress = SELFTEST_DSCP_INGRESS_RULES;

static const char *dscp_egress = SELFTEST_DSCP_EGRESS_RULES;

static void dscp_cases(struct st_lab *l, u16 port_base, u32 size)
{
	/* 3: dscp_none */
	dscp_reset(l);
	transfer(l, "10.0.1.99", "10.0.2.99", 12345, port_base, size);
	g_assert_cmpuint(l->cs3, ==, 0);
	g_assert_cmpuint(l->dscp0, >, 0);
	/* 4a: ingress chain on veth0, added after the flowtable at the same priority, runs
	 * first: every packet is marked, fast path or not */
	nft(l->nsr1.r, dscp_ingress);
	dscp_reset(l);
	transfer(l, "10.0.1.99", "10.0.2.99", 12345, (u16)(port_base + 1), size);
	g_assert_cmpuint(l->cs3, >, 0);
	g_assert_cmpuint(l->dscp0, ==, 0);
	nft(l->nsr1.r, "delete table netdev dscpmangle\n");
	/* 4b: egress chain on veth1: fast-path packets pass egress hooks too */
	nft(l->nsr1.r, dscp_egress);
	dscp_reset(l);
	transfer(l, "10.0.1.99", "10.0.2.99", 12345, (u16)(port_base + 2), size);
	g_assert_cmpuint(l->cs3, >, 0);
	g_assert_cmpuint(l->dscp0, ==, 0);
	nft(l->nsr1.r, "delete table netdev dscpmangle\n");
	/* 4c: a forward-chain rule marks only what takes the slow path */
	nft(l->nsr1.r, "insert rule inet filter forward ip dscp set cs3\n");
	dscp_reset(l);
	transfer(l, "10.0.1.99", "10.0.2.99", 12345, (u16)(port_base + 3), size);
	g_assert_cmpuint(l->cs3, >, 0);
	g_assert_cmpuint(l->dscp0, >, 0);
}

static void test_case3_4_dscp_pmtu_off(void)
{
	struct st_lab l;

	st_lab_init(&l, false);
	nat_setup(&l);
	dscp_cases(&l, 41000, FILE_SIZE / 16);
	st_lab_free(&l);
}

/* 5a/5b: masquerade and dnat, PMTU off: intact */
static void test_case5_nat_pmtu_off(void)
{
	struct st_lab l;

	st_lab_init(&l, false);
	nat_setup(&l);
	transfer(&l, "10.0.1.99", "10.0.2.99", 12345, 42001, FILE_SIZE / 16);
	transfer(&l, "10.0.1.99", "10.6.6.6", 1666, 42002, FILE_SIZE / 16);
	st_lab_free(&l);
}

/* 6: the DSCP patterns again with PMTU discovery on */
static void test_case6_dscp_pmtu_on(void)
{
	struct st_lab l;

	st_lab_init(&l, false);
	nat_setup(&l);
	l.pmtu = true;
	dscp_cases(&l, 43000, FILE_SIZE);
	st_lab_free(&l);
}

/* 7a/7b: with PMTU on the fast path carries the data: the forward counters stay small */
static void test_case7_nat_pmtu_on_counters(void)
{
	struct st_lab l;
	u64 orig, repl;

	st_lab_init(&l, false);
	nat_setup(&l);
	l.pmtu = true;
	counters(&l, &orig, &repl);
	transfer(&l, "10.0.1.99", "10.0.2.99", 12345, 44001, FILE_SIZE);
	check_counters(&l, FILE_SIZE);
	transfer(&l, "10.0.1.99", "10.6.6.6", 1666, 44002, FILE_SIZE);
	check_counters(&l, FILE_SIZE);
	st_lab_free(&l);
}

/* Control: with the flowtable's `flow add` taken out, every packet takes the forward chain,
 * so the same transfer pushes the counters past the file size - the check above can fail. */
static void test_control_without_offload_counters_exceed(void)
{
	struct st_lab l;
	u64 orig, repl;

	st_lab_init(&l, false);
	nft(l.nsr1.r, "flush chain inet filter forward\n"
		      "add rule inet filter forward meta oif \"veth1\" tcp dport 12345 ct mark set 1 "
		      "counter name routed_orig accept\n"
		      "add rule inet filter forward ct mark 1 counter name ct direction map "
		      "{ original : routed_orig, reply : routed_repl } accept\n"
		      "add rule inet filter forward ct state established,related accept\n");
	nat_setup(&l);
	l.pmtu = true;
	counters(&l, &orig, &repl);
	transfer(&l, "10.0.1.99", "10.0.2.99", 12345, 46001, FILE_SIZE);
	counters(&l, &orig, &repl);
	g_assert_cmpuint(orig, >, FILE_SIZE);
	g_assert_cmpuint(repl, >, FILE_SIZE);
	st_lab_free(&l);
}

/* 9a: veth0 is a port of br0; the flowtable lists the port, so flows xmit DIRECT */
static void test_case9a_bridge(void)
{
	struct st_lab l;

	st_lab_init(&l, true);
	nft(l.nsr1.r,
	    "table ip nat {\n"
	    "	chain prerouting {\n"
	    "		type nat hook prerouting priority 0; policy accept;\n"
	    "		meta iif \"br0\" ip daddr 10.6.6.6 tcp dport 1666 counter dnat ip to 10.0.2.99:12345\n"
	    "	}\n"
	    "	chain postrouting {\n"
	    "		type nat hook postrouting priority 0; policy accept;\n"
	    "		meta oifname \"veth1\" counter masquerade\n"
	    "	}\n"
	    "}\n");
	l.pmtu = true;
	transfer(&l, "10.0.1.99", "10.0.2.99", 12345, 45001, FILE_SIZE);
	check_counters(&l, FILE_SIZE);
	transfer(&l, "10.0.1.99", "10.6.6.6", 1666, 45002, FILE_SIZE);
	check_counters(&l, FILE_SIZE);
	st_lab_free(&l);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/selftest/nft_flowtable/1_ipv4_flow_offloaded", test_case1_ipv4_offload);
	g_test_add_func("/selftest/nft_flowtable/2_ipv6_flow_offloaded", test_case2_ipv6_offload);
	g_test_add_func("/selftest/nft_flowtable/3_4_dscp_pmtu_off", test_case3_4_dscp_pmtu_off);
	g_test_add_func("/selftest/nft_flowtable/5_nat_pmtu_off", test_case5_nat_pmtu_off);
	g_test_add_func("/selftest/nft_flowtable/6_dscp_pmtu_on", test_case6_dscp_pmtu_on);
	g_test_add_func("/selftest/nft_flowtable/7_nat_pmtu_on_counters", test_case7_nat_pmtu_on_counters);
	g_test_add_func("/selftest/nft_flowtable/9a_bridge", test_case9a_bridge);
	g_test_add_func("/selftest/nft_flowtable/control_without_offload_counters_exceed",
			test_control_without_offload_counters_exceed);
	return g_test_run();
}
