/* SPDX-License-Identifier: MIT */
/*
 * test_traffic.c - traffic generators and the flow table over a fake delay line: exact
 * UDP CBR and flood packet counts and times, game latency percentiles on a known delay
 * line, p2p swarm size and deterministic churn, web arrivals and completion, TCP bulk via
 * the flow table, servers answering through NAT, the UDP hello, input validation, and
 * identical packet traces for identical seeds.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "fakenet.h"
#include "rng.h"
#include "traffic.h"
#include "testutil.h"

#define MBIT 1000000ULL
#define GBIT 1000000000ULL

struct tt {
	struct fakenet net;
	struct traffic *t;
	char err[256];
	/* NAT emulation: client packets get src 192.0.2.1 / port + 1000 on the way */
	bool nat;
	GRand *rand;
	double drop_prob;
	u32 drop_first_n_side0;  /* drop the first n packets sent by clients */
	u32 seen_side0;
	u64 started, ended;
};

static void tt_deliver(void *ctx, struct sim_pkt *p)
{
	struct tt *x = ctx;

	if (x->nat) {
		union fs_addr pub = tu_addr("192.0.2.1");

		if (p->side == 0) {
			union fs_addr priv = tu_addr("10.0.1.99");

			g_assert_true(fs_addr_equal(&p->hdr.t.src, &priv));
			p->hdr.t.src = pub;
			p->hdr.t.sport = (u16)(p->hdr.t.sport + 1000);
		} else {
			/* the server must answer the translated address */
			g_assert_true(fs_addr_equal(&p->hdr.t.dst, &pub));
			p->hdr.t.dst = tu_addr("10.0.1.99");
			p->hdr.t.dport = (u16)(p->hdr.t.dport - 1000);
		}
	}
	traffic_deliver(x->t, p);
}

static bool tt_drop(struct fakenet *n, const struct sim_pkt *p)
{
	struct tt *x = n->user;

	if (p->side == 0 && x->seen_side0++ < x->drop_first_n_side0)
		return true;
	return x->rand && g_rand_double(x->rand) < x->drop_prob;
}

static void tt_flow_obs(void *ctx, u32 flow, enum traffic_flow_event ev)
{
	struct tt *x = ctx;

	if (ev == TRAFFIC_FLOW_STARTED)
		x->started++;
	else
		x->ended++;
}

static void tt_init(struct tt *x, u64 rate, u64 one_way, u64 seed)
{
	memset(x, 0, sizeof(*x));
	fakenet_init(&x->net, rate, one_way);
	x->net.deliver = tt_deliver;
	x->net.deliver_ctx = x;
	x->net.drop = tt_drop;
	x->net.user = x;
	x->t = traffic_create(&x->net.env, seed);
	traffic_set_flow_observer(x->t, tt_flow_obs, x);
}

static void tt_free(struct tt *x)
{
	traffic_destroy(x->t);
	fakenet_free(&x->net);
	if (x->rand)
		g_rand_free(x->rand);
}

static struct traffic_hosts hosts4(void)
{
	struct traffic_hosts h = { 0 };

	h.family = FS_AF_INET;
	h.client = tu_addr("10.0.1.99");
	h.server = tu_addr("10.0.2.99");
	return h;
}

static struct traffic_hosts hosts6(void)
{
	struct traffic_hosts h = { 0 };

	h.family = FS_AF_INET6;
	h.client = tu_addr("dead:1::99");
	h.server = tu_addr("dead:2::99");
	return h;
}

static struct traffic_flow_result result(struct tt *x, u32 id)
{
	struct traffic_flow_result r;

	g_assert_true(traffic_flow_result(x->t, id, &r));
	return r;
}

/* ------------------------------------------------------------ UDP CBR / flood */

static void test_udp_cbr_exact_count(void)
{
	struct tt x;
	struct traffic_udp_cbr d = { 0 };
	u32 i;
	guint k;

	tt_init(&x, GBIT, TU_MS(5), 1);
	x.net.record = true;
	d.hosts = hosts4();
	d.count = 3;
	d.rate_bps = 10 * MBIT;
	d.size = 1000;
	d.start = TU_MS(100);
	d.duration = TU_SEC(1);
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	g_assert_cmpuint(traffic_flow_count(x.t), ==, 3);
	for (i = 0; i < 3; i++) {
		struct traffic_flow_result r = result(&x, i);

		/* rate x duration / 8 / size = 1e7 * 1 / 8 / 1000 */
		g_assert_cmpuint(r.tx_pkts[0], ==, 1250);
		g_assert_cmpuint(r.rx_pkts[0], ==, 1250);
		g_assert_cmpuint(r.tx_bytes[0], ==, 1250000);
		g_assert_cmpuint(r.tx_pkts[1], ==, 0);
		g_assert_cmpuint(r.lost_pkts[0], ==, 0);
		g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
		g_assert_cmpuint(r.rate_bps[0], ==, 10 * MBIT);
		g_assert_cmpuint(r.tuple.proto, ==, FS_IPPROTO_UDP);
		g_assert_cmpuint(r.tuple.sport, ==, 32768 + i);
		g_assert_cmpuint(r.tuple.dport, ==, 5201);
		/* the last datagram left at 100 ms + 1249 * 0.8 ms */
		g_assert_cmpuint(r.end_ns, ==, TU_MS(100) + 1249 * 800000ULL);
	}
	/* send times: exactly start + k * 8 * size / rate */
	for (k = 0; k < x.net.trace->len; k++) {
		const struct fakenet_rec *r = fakenet_rec_at(&x.net, k);

		g_assert_cmpuint((r->time - TU_MS(100)) % 800000, ==, 0);
		g_assert_cmpuint(r->time, ==, TU_MS(100) + (u64)r->seq * 800000);
		g_assert_cmpuint(r->len, ==, 1028);
		g_assert_cmpuint(r->born, ==, r->time);
	}
	g_assert_cmpuint(x.started, ==, 3);
	g_assert_cmpuint(x.ended, ==, 3);
	tt_free(&x);
}

static void test_udp_cbr_non_integer_interval(void)
{
	struct tt x;
	struct traffic_udp_cbr d = { 0 };
	struct traffic_flow_result r;

	/* 7 Mbit/s of 1200-byte datagrams for 1 s: 729.17 fit, the 730th starts at 999.9 ms */
	tt_init(&x, 0, TU_MS(5), 1);
	d.hosts = hosts6();
	d.count = 1;
	d.rate_bps = 7 * MBIT;
	d.size = 1200;
	d.duration = TU_SEC(1);
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	r = result(&x, 0);
	g_assert_cmpuint(r.tx_pkts[0], ==, 730);
	g_assert_cmpuint(r.rx_pkts[0], ==, 730);
	g_assert_cmpuint(r.end_ns, ==, 729ULL * 1200 * 8 * 1000000000ULL / (7 * MBIT));
	tt_free(&x);
}

static void test_udp_cbr_download_hello(void)
{
	struct tt x;
	struct traffic_udp_cbr d = { 0 };
	struct traffic_totals tot;
	struct traffic_flow_result r;

	/* download: the client's hello is lost once; the repeat at 1 s starts the stream */
	tt_init(&x, GBIT, TU_MS(10), 1);
	x.drop_first_n_side0 = 1;
	d.hosts = hosts4();
	d.count = 1;
	d.rate_bps = 8 * MBIT;
	d.size = 1000;
	d.duration = TU_SEC(2);
	d.direction = TRAFFIC_DOWNLOAD;
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	r = result(&x, 0);
	traffic_get_totals(x.t, &tot);
	g_assert_cmpuint(tot.ctrl_pkts, ==, 2);
	g_assert_cmpuint(r.tx_pkts[1], ==, 2000);
	g_assert_cmpuint(r.rx_pkts[1], ==, 2000);
	g_assert_cmpuint(r.tx_pkts[0], ==, 0);
	g_assert_cmpuint(r.rx_pkts[0], ==, 0);
	/* the stream starts when the second hello arrives: 1 s + 10 ms + 84-byte wire time */
	g_assert_cmpuint(r.first_rx_ns[1], >, TU_SEC(1) + TU_MS(20));
	g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
	g_assert_cmpfloat(fabs(r.goodput_bps[1] - 8e6 * 2.0 / 3.02), <, 0.05e6);
	tt_free(&x);
}

static void test_udp_flood_line_rate(void)
{
	struct tt x;
	struct traffic_udp_flood d = { 0 };
	struct traffic_flow_result r;

	/* 1472-byte payload = 1500-byte packet = 1538 wire bytes = 12.304 us at 1 Gbit/s */
	tt_init(&x, GBIT, TU_MS(1), 1);
	d.hosts = hosts4();
	d.count = 1;
	d.line_rate_bps = GBIT;
	d.size = 1472;
	d.duration = TU_MS(10);
	g_assert_cmpint(traffic_add_udp_flood(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	r = result(&x, 0);
	g_assert_cmpuint(r.tx_pkts[0], ==, 813);     /* ceil(10 ms / 12.304 us) */
	g_assert_cmpuint(r.rx_pkts[0], ==, 813);
	/* back to back on a line of the same rate: no queue, constant latency */
	g_assert_cmpuint(r.latency[0].max_ns, ==, r.latency[0].min_ns);
	g_assert_cmpuint(r.latency[0].min_ns, ==, TU_MS(1) + 12304);
	tt_free(&x);
}

/* ------------------------------------------------------------ game latency */

static u64 game_extra(struct fakenet *n, const struct sim_pkt *p)
{
	/* client packets: (seq % 100) ms more; server packets: 2 * (seq % 37) ms more */
	return p->side == 0 ? (u64)(p->hdr.seq % 100) * TU_MS(1)
			    : (u64)(p->hdr.seq % 37) * TU_MS(2);
}

static int cmp64(gconstpointer a, gconstpointer b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void expect_latency(const struct traffic_latency *l, u64 n, u64 base, u64 step, u64 mod)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(u64));
	u64 i, sum = 0, e;

	for (i = 0; i < n; i++) {
		e = base + (i % mod) * step;
		sum += e;
		g_array_append_val(v, e);
	}
	g_array_sort(v, cmp64);
	g_assert_cmpuint(l->samples, ==, n);
	g_assert_cmpuint(l->min_ns, ==, g_array_index(v, u64, 0));
	g_assert_cmpuint(l->max_ns, ==, g_array_index(v, u64, n - 1));
	g_assert_cmpuint(l->mean_ns, ==, sum / n);
	/* nearest rank: the ceil(p n / 100)-th smallest */
	g_assert_cmpuint(l->p50_ns, ==, g_array_index(v, u64, (n * 50 + 99) / 100 - 1));
	g_assert_cmpuint(l->p99_ns, ==, g_array_index(v, u64, (n * 99 + 99) / 100 - 1));
	g_array_free(v, TRUE);
}

static void test_game_latency_percentiles(void)
{
	struct tt x;
	struct traffic_game d = { 0 };
	struct traffic_flow_result r;

	tt_init(&x, 0, TU_MS(10), 3);
	x.net.extra_delay = game_extra;
	d.hosts = hosts4();
	d.count = 1;
	d.interval = TU_MS(20);
	d.size_up = 60;
	d.size_down = 120;
	d.start = TU_SEC(1);
	d.duration = TU_SEC(20);
	d.hosts.dscp = 46;
	g_assert_cmpint(traffic_add_game(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	r = result(&x, 0);
	g_assert_cmpuint(r.tx_pkts[0], ==, 1000);    /* 20 s / 20 ms, whatever the phase */
	g_assert_cmpuint(r.rx_pkts[0], ==, 1000);
	g_assert_cmpuint(r.tuple.dport, ==, 3074);
	/* client -> server: 10 ms + 0..99 ms, ten times each: p50 59 ms, p99 108 ms */
	g_assert_cmpuint(r.latency[0].p50_ns, ==, TU_MS(59));
	g_assert_cmpuint(r.latency[0].p99_ns, ==, TU_MS(108));
	expect_latency(&r.latency[0], 1000, TU_MS(10), TU_MS(1), 100);
	/* the server starts at the first client packet and stops at the same end time */
	g_assert_cmpuint(r.tx_pkts[1], >=, 998);
	g_assert_cmpuint(r.tx_pkts[1], <=, 1000);
	g_assert_cmpuint(r.rx_pkts[1], ==, r.tx_pkts[1]);
	expect_latency(&r.latency[1], r.tx_pkts[1], TU_MS(10), TU_MS(2), 37);
	g_assert_cmpuint(r.lost_pkts[0] + r.lost_pkts[1], ==, 0);
	g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
	tt_free(&x);
}

/* ------------------------------------------------------------ p2p */

struct p2p_run {
	u64 hash;
	u64 churned;
	u64 flows;
	u32 active_mid;
	u32 tcp;
	u32 down;
	double median_rate;
	u64 active_end;
	u64 silent;
};

static void p2p_mid(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tt *x = a.p;
	struct p2p_run *pr = b.p;
	struct traffic_gen_info gi;

	g_assert_true(traffic_generator_info(x->t, 0, &gi));
	pr->active_mid = gi.active;
}

static int cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct p2p_run run_p2p(u64 seed, double churn)
{
	struct tt x;
	struct traffic_p2p d = { 0 };
	struct traffic_gen_info gi;
	struct traffic_totals tot;
	struct p2p_run pr = { 0 };
	GArray *rates = g_array_new(FALSE, FALSE, sizeof(double));
	GHashTable *ports = g_hash_table_new(g_direct_hash, g_direct_equal);
	u32 i;

	tt_init(&x, GBIT, TU_MS(15), seed);
	d.hosts = hosts4();
	d.hosts.servers = 5000;
	d.flows = 300;
	d.rate.dist = TRAFFIC_RATE_LOGNORMAL;
	d.rate.a = 100e3;
	d.rate.b = 1.0;
	d.rate.max = 5e6;
	d.tcp_share = 0.6;
	d.download_share = 0.8;
	d.churn_per_s = churn;
	d.start = TU_MS(10);
	d.duration = TU_SEC(10);
	g_assert_cmpint(traffic_add_p2p(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_schedule(x.net.eng, TU_SEC(5), p2p_mid, ENGINE_PTR(&x), ENGINE_PTR(&pr));
	engine_run(x.net.eng);

	g_assert_true(traffic_generator_info(x.t, 0, &gi));
	pr.churned = gi.churned;
	pr.flows = traffic_flow_count(x.t);
	g_assert_cmpuint(gi.flows_created, ==, pr.flows);
	g_assert_cmpuint(pr.flows, ==, 300 + gi.churned);
	for (i = 0; i < pr.flows; i++) {
		struct traffic_flow_result r = result(&x, i);
		int dir = r.rate_bps[1] ? 1 : 0;
		double rate = (double)r.rate_bps[dir];

		pr.tcp += r.proto == FS_IPPROTO_TCP;
		pr.down += dir;
		g_array_append_val(rates, rate);
		/* every flow its own ephemeral port */
		g_assert_false(g_hash_table_contains(ports, GUINT_TO_POINTER(r.tuple.sport)));
		g_hash_table_add(ports, GUINT_TO_POINTER(r.tuple.sport));
		g_assert_cmpfloat(rate, >=, 1000);
		g_assert_cmpfloat(rate, <=, 5e6);
		g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
		/* a flow churned away within its first round trip delivered nothing */
		pr.silent += r.rx_bytes[dir] == 0;
	}
	g_assert_cmpuint(pr.silent, <, pr.flows / 20);
	g_array_sort(rates, cmp_double);
	pr.median_rate = g_array_index(rates, double, rates->len / 2);
	traffic_get_totals(x.t, &tot);
	pr.active_end = tot.flows_active;
	pr.hash = x.net.hash;
	g_array_free(rates, TRUE);
	g_hash_table_destroy(ports);
	tt_free(&x);
	return pr;
}

static void test_p2p_swarm_and_churn(void)
{
	struct p2p_run a = run_p2p(11, 40), b = run_p2p(11, 40), c = run_p2p(12, 40);
	struct p2p_run none = run_p2p(11, 0);

	g_test_message("churned %" G_GUINT64_FORMAT " flows %" G_GUINT64_FORMAT
		       " tcp %u down %u median %.0f", a.churned, a.flows, a.tcp, a.down,
		       a.median_rate);
	/* the swarm keeps its size while flows are replaced */
	g_assert_cmpuint(a.active_mid, ==, 300);
	g_assert_cmpuint(none.active_mid, ==, 300);
	g_assert_cmpuint(none.churned, ==, 0);
	g_assert_cmpuint(none.flows, ==, 300);
	/* Poisson churn at 40/s over 10 s: 400 expected, sd 20 */
	g_assert_cmpuint(a.churned, >=, 320);
	g_assert_cmpuint(a.churned, <=, 480);
	/* mix and rates drawn as configured (binomial / lognormal median), loosely */
	g_assert_cmpfloat((double)a.tcp / (double)a.flows, >, 0.5);
	g_assert_cmpfloat((double)a.tcp / (double)a.flows, <, 0.7);
	g_assert_cmpfloat((double)a.down / (double)a.flows, >, 0.72);
	g_assert_cmpfloat((double)a.down / (double)a.flows, <, 0.88);
	g_assert_cmpfloat(a.median_rate, >, 80e3);
	g_assert_cmpfloat(a.median_rate, <, 125e3);
	/* everything ended at the generator's end */
	g_assert_cmpuint(a.active_end, ==, 0);
	/* deterministic: same seed, same churn and same packets; another seed differs */
	g_assert_cmpuint(a.churned, ==, b.churned);
	g_assert_cmpuint(a.hash, ==, b.hash);
	g_assert_cmpuint(a.hash, !=, c.hash);
}

/* ------------------------------------------------------------ web */

static void test_web_flows(void)
{
	struct tt x;
	struct traffic_web d = { 0 };
	struct traffic_totals tot;
	u32 i, n;
	double sum = 0;

	tt_init(&x, 100 * MBIT, TU_MS(10), 5);
	d.hosts = hosts4();
	d.hosts.servers = 20;
	d.flows_per_s = 20;
	d.size_min = 1000;
	d.size_max = 1e6;
	d.alpha = 1.2;
	d.duration = TU_SEC(10);
	g_assert_cmpint(traffic_add_web(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	n = traffic_flow_count(x.t);
	g_test_message("web flows %u", n);
	g_assert_cmpuint(n, >=, 140);
	g_assert_cmpuint(n, <=, 260);
	for (i = 0; i < n; i++) {
		struct traffic_flow_result r = result(&x, i);

		g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
		g_assert_cmpuint(r.tuple.dport, ==, 443);
		g_assert_cmpuint(r.rx_bytes[0], ==, 300);         /* the request */
		g_assert_cmpuint(r.rx_bytes[1], ==, r.tx_bytes[1]); /* lossless response */
		g_assert_cmpuint(r.rx_bytes[1], >=, 1000);
		g_assert_cmpuint(r.rx_bytes[1], <=, 1000000);
		g_assert_cmpuint(r.start_ns, <, TU_SEC(10));
		g_assert_cmpuint(r.end_ns, >, r.start_ns + TU_MS(40)); /* >= 2 RTT */
		if (i)
			g_assert_cmpuint(r.start_ns, >=, result(&x, i - 1).start_ns);
		sum += (double)r.rx_bytes[1];
	}
	/* bounded Pareto mean (lo 1e3, hi 1e6, alpha 1.2) is ~5.6 kB; heavy tail: loosely */
	g_test_message("mean size %.0f expected %.0f", sum / n,
		       rng_bounded_pareto_mean(1000, 1e6, 1.2));
	g_assert_cmpfloat(sum / n, >, 0.5 * rng_bounded_pareto_mean(1000, 1e6, 1.2));
	g_assert_cmpfloat(sum / n, <, 2.0 * rng_bounded_pareto_mean(1000, 1e6, 1.2));
	traffic_get_totals(x.t, &tot);
	g_assert_cmpuint(tot.flows_done, ==, n);
	g_assert_cmpuint(tot.flows_active, ==, 0);
	g_assert_cmpuint(tot.pkts_sent, ==, tot.pkts_delivered);
	g_assert_cmpuint(x.net.pool.in_use, ==, 0);
	tt_free(&x);
}

/* ------------------------------------------------------------ TCP bulk, NAT */

static void test_tcp_bulk_flows(void)
{
	struct tt x;
	struct traffic_tcp_bulk d = { 0 };
	u32 i;

	tt_init(&x, 100 * MBIT, TU_MS(10), 9);
	d.hosts = hosts6();
	d.hosts.clients = 2;
	d.count = 2;
	d.bytes = 5000000;
	d.direction = TRAFFIC_DOWNLOAD;
	d.cc = TCP_CC_CUBIC;
	d.start = TU_MS(50);
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &d, x.err, sizeof(x.err)), ==, 0);
	engine_run(x.net.eng);
	for (i = 0; i < 2; i++) {
		struct traffic_flow_result r = result(&x, i);
		char buf[64];

		g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
		g_assert_cmpuint(r.proto, ==, FS_IPPROTO_TCP);
		g_assert_cmpuint(r.rx_bytes[1], ==, 5000000);
		g_assert_cmpuint(r.rx_bytes[0], ==, 0);
		g_assert_cmpuint(r.tx_pkts[1], ==, (5000000 + 1439) / 1440);
		g_assert_cmpuint(r.pure_acks[0], >, 1000);
		g_assert_cmpuint(r.start_ns, ==, TU_MS(50));
		g_assert_cmpfloat(r.goodput_bps[1], >, 20e6);
		g_assert_cmpuint(r.tuple.sport, ==, 32768 + i);
		fs_addr_format(buf, sizeof(buf), FS_AF_INET6, &r.tuple.src);
		g_assert_cmpstr(buf, ==, i ? "dead:1::9a" : "dead:1::99");
		g_assert_null(traffic_flow_tcp(x.t, i));
	}
	tt_free(&x);
}

static void test_servers_answer_through_nat(void)
{
	struct tt x;
	struct traffic_tcp_bulk b = { 0 };
	struct traffic_udp_cbr u = { 0 };
	struct traffic_flow_result r;

	tt_init(&x, 100 * MBIT, TU_MS(10), 9);
	x.nat = true;
	b.hosts = hosts4();
	b.count = 1;
	b.bytes = 1000000;
	b.direction = TRAFFIC_DOWNLOAD;
	u.hosts = hosts4();
	u.count = 1;
	u.rate_bps = MBIT;
	u.size = 500;
	u.duration = TU_SEC(1);
	u.direction = TRAFFIC_DOWNLOAD;
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &b, x.err, sizeof(x.err)), ==, 0);
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &u, x.err, sizeof(x.err)), ==, 1);
	engine_run(x.net.eng);
	r = result(&x, 0);
	g_assert_cmpuint(r.state, ==, TRAFFIC_FLOW_DONE);
	g_assert_cmpuint(r.rx_bytes[1], ==, 1000000);
	r = result(&x, 1);
	g_assert_cmpuint(r.rx_pkts[1], ==, 250);
	tt_free(&x);
}

/* ------------------------------------------------------------ validation */

static void test_rejects_bad_descriptions(void)
{
	struct tt x;
	struct traffic_udp_cbr c = { 0 };
	struct traffic_p2p p = { 0 };
	struct traffic_web w = { 0 };
	struct traffic_game g = { 0 };
	struct traffic_tcp_bulk b = { 0 };

	tt_init(&x, 0, 0, 1);
	c.hosts = hosts4();
	c.count = 1;
	c.rate_bps = MBIT;
	c.duration = TU_SEC(1);
	c.size = 0;
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &c, x.err, sizeof(x.err)), ==, -1);
	g_assert_cmpstr(x.err, ==, "udp_cbr: size 0: expected 1..8972 bytes (UDP payload)");
	c.size = 1000;
	c.hosts.family = 7;
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &c, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "address family 7"));
	c.hosts = hosts4();
	c.count = 0;
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &c, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "count 0"));

	p.hosts = hosts4();
	p.flows = 10;
	p.duration = TU_SEC(1);
	p.rate.dist = TRAFFIC_RATE_PARETO;
	p.rate.a = 1e5;
	p.rate.b = 1.5;
	p.tcp_share = 1.5;
	g_assert_cmpint(traffic_add_p2p(x.t, &p, x.err, sizeof(x.err)), ==, -1);
	g_assert_cmpstr(x.err, ==, "p2p: tcp_share 1.5: expected 0..1");
	p.tcp_share = 0.5;
	p.rate.b = 0;
	g_assert_cmpint(traffic_add_p2p(x.t, &p, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "shape 0"));

	w.hosts = hosts4();
	w.flows_per_s = 1;
	w.duration = TU_SEC(1);
	w.size_min = 1000;
	w.size_max = 10;
	w.alpha = 1;
	g_assert_cmpint(traffic_add_web(x.t, &w, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "web: sizes 1000..10"));

	g.hosts = hosts4();
	g.count = 1;
	g.duration = TU_SEC(1);
	g.size_up = 10;
	g_assert_cmpint(traffic_add_game(x.t, &g, x.err, sizeof(x.err)), ==, -1);
	g_assert_cmpstr(x.err, ==, "game: interval 0: expected a positive interval");

	b.hosts = hosts4();
	b.count = 1;
	b.bytes = 0;
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &b, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "tcp_bulk: duration 0"));
	b.bytes = 100;
	b.mss = 10;
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &b, x.err, sizeof(x.err)), ==, -1);
	g_assert_cmpstr(x.err, ==, "tcp_bulk: tcp: mss 10 outside 64..9000 bytes");
	b.mss = 0;
	b.cc = 5;
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &b, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "congestion control"));

	/* a start in the past */
	engine_run_until(x.net.eng, TU_SEC(2));
	c.count = 1;
	c.start = TU_SEC(1);
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &c, x.err, sizeof(x.err)), ==, -1);
	g_assert_nonnull(strstr(x.err, "before the current time"));
	g_assert_cmpuint(traffic_generator_count(x.t), ==, 0);
	g_assert_cmpstr(traffic_kind_name(TRAFFIC_WEB), ==, "web");
	g_assert_null(traffic_kind_name(42));
	tt_free(&x);
}

/* ------------------------------------------------------------ determinism */

static u64 mixed_run(u64 seed, u32 loss_seed)
{
	struct tt x;
	struct traffic_p2p p = { 0 };
	struct traffic_web w = { 0 };
	struct traffic_game g = { 0 };
	struct traffic_udp_cbr c = { 0 };
	struct traffic_tcp_bulk b = { 0 };
	u64 h;

	tt_init(&x, 200 * MBIT, TU_MS(8), seed);
	x.net.qlimit[0] = x.net.qlimit[1] = 200000;
	x.rand = g_rand_new_with_seed(loss_seed);
	x.drop_prob = 0.002;
	p.hosts = hosts4();
	p.hosts.servers = 100;
	p.flows = 50;
	p.rate.dist = TRAFFIC_RATE_PARETO;
	p.rate.a = 50e3;
	p.rate.b = 1.3;
	p.rate.max = 10e6;
	p.tcp_share = 0.5;
	p.download_share = 0.5;
	p.churn_per_s = 10;
	p.duration = TU_SEC(3);
	w.hosts = hosts6();
	w.flows_per_s = 10;
	w.size_min = 500;
	w.size_max = 2e6;
	w.alpha = 1.1;
	w.duration = TU_SEC(3);
	w.cc = TCP_CC_RENO;
	g.hosts = hosts4();
	g.count = 4;
	g.interval = TU_MS(15);
	g.size_up = 80;
	g.size_down = 200;
	g.duration = TU_SEC(3);
	c.hosts = hosts6();
	c.count = 2;
	c.rate_bps = 5 * MBIT;
	c.size = 1200;
	c.duration = TU_SEC(2);
	c.direction = TRAFFIC_DOWNLOAD;
	b.hosts = hosts4();
	b.count = 2;
	b.duration = TU_SEC(3);
	b.cc = TCP_CC_CUBIC;
	g_assert_cmpint(traffic_add_p2p(x.t, &p, x.err, sizeof(x.err)), ==, 0);
	g_assert_cmpint(traffic_add_web(x.t, &w, x.err, sizeof(x.err)), ==, 1);
	g_assert_cmpint(traffic_add_game(x.t, &g, x.err, sizeof(x.err)), ==, 2);
	g_assert_cmpint(traffic_add_udp_cbr(x.t, &c, x.err, sizeof(x.err)), ==, 3);
	g_assert_cmpint(traffic_add_tcp_bulk(x.t, &b, x.err, sizeof(x.err)), ==, 4);
	engine_run(x.net.eng);
	g_assert_cmpuint(x.net.dropped[0] + x.net.dropped[1], >, 0);
	h = x.net.hash;
	tt_free(&x);
	return h;
}

static void test_same_seed_same_trace(void)
{
	u64 a = mixed_run(21, 4), b = mixed_run(21, 4);

	g_assert_cmpuint(a, ==, b);
	g_assert_cmpuint(a, !=, mixed_run(22, 4));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/traffic/udp_cbr/exact_count_and_times", test_udp_cbr_exact_count);
	g_test_add_func("/traffic/udp_cbr/non_integer_interval", test_udp_cbr_non_integer_interval);
	g_test_add_func("/traffic/udp_cbr/download_hello_repeated", test_udp_cbr_download_hello);
	g_test_add_func("/traffic/udp_flood/one_packet_per_wire_time", test_udp_flood_line_rate);
	g_test_add_func("/traffic/game/latency_percentiles_known_delays",
			test_game_latency_percentiles);
	g_test_add_func("/traffic/p2p/swarm_size_and_deterministic_churn",
			test_p2p_swarm_and_churn);
	g_test_add_func("/traffic/web/poisson_arrivals_complete", test_web_flows);
	g_test_add_func("/traffic/tcp_bulk/flows_complete_exact", test_tcp_bulk_flows);
	g_test_add_func("/traffic/nat/servers_answer_translated_tuple",
			test_servers_answer_through_nat);
	g_test_add_func("/traffic/config/rejects_bad_descriptions", test_rejects_bad_descriptions);
	g_test_add_func("/traffic/determinism/same_seed_same_trace", test_same_seed_same_trace);
	return g_test_run();
}
