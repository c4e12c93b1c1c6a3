/* SPDX-License-Identifier: MIT */
/*
 * test_qdisc_htb.c - the htb qdisc (one HTB class over an fq_codel leaf, sqm-scripts'
 * simplest.qos): options and errors, exact token-bucket departures after the burst,
 * tc-stab framing, leaf drops and ECN marks counted once, reset.  On the bench of
 * qdisc_fixture.h.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "qdisc_fixture.h"

static void test_htb_options_and_errors(void)
{
	struct qdisc_params p;
	struct qdisc *q;
	char err[256];

	p = params("htb", (const char *const[]){ "rate", "500mbit", "burst", "61Kb", "overhead",
						 "44", "mpu", "64", "linklayer", "adsl", "limit",
						 "500", "target", "10ms", "flows", "256", "noecn",
						 NULL });
	g_assert_cmpuint(p.rate_bps, ==, 500000000);
	g_assert_cmpuint(p.burst, ==, 62464);
	g_assert_cmpint(p.overhead, ==, 44);
	g_assert_cmpuint(p.mpu, ==, 64);
	g_assert_cmpint(p.atm, ==, QDISC_ATM_ATM);
	g_assert_cmpuint(p.limit, ==, 500);
	g_assert_cmpuint(p.target_ns, ==, 10000000);
	g_assert_cmpuint(p.flows, ==, 256);
	g_assert_false(p.ecn);
	/* the leaf's fq_codel defaults; "bandwidth" is an alias of "rate" */
	p = params("htb", (const char *const[]){ "bandwidth", "12500kbps", "linklayer", "ptm",
						 NULL });
	g_assert_cmpuint(p.rate_bps, ==, 100000000);
	g_assert_cmpint(p.atm, ==, QDISC_ATM_PTM);
	g_assert_cmpuint(p.burst, ==, 0);
	g_assert_cmpuint(p.limit, ==, 10240);
	g_assert_cmpuint(p.memory_limit, ==, 32u << 20);
	g_assert_cmpuint(p.flows, ==, 1024);
	g_assert_true(p.ecn);
	g_assert_true(qdisc_param_is_flag("htb", "ecn"));
	g_assert_true(qdisc_param_is_flag("htb", "noecn"));
	g_assert_false(qdisc_param_is_flag("htb", "rate"));
	g_assert_false(qdisc_param_is_flag("htb", "linklayer"));

	expect_param_error("htb", (const char *const[]){ "linklayer", "dsl", NULL },
			   "htb: option \"linklayer\": expected ethernet, atm, adsl or ptm, got \"dsl\"");
	expect_param_error("htb", (const char *const[]){ "overhead", "300", NULL },
			   "htb: option \"overhead\": expected an integer -64..256, got \"300\"");
	expect_param_error("htb", (const char *const[]){ "mpu", "-1", NULL },
			   "htb: option \"mpu\": expected an integer 0..256, got \"-1\"");
	expect_param_error("htb", (const char *const[]){ "burst", "lots", NULL },
			   "htb: option \"burst\": expected a size in bytes such as 62500 or 61Kb, got \"lots\"");
	expect_param_error("htb", (const char *const[]){ "rate", "4bit", NULL },
			   "htb: option \"rate\": expected a rate such as 100mbit or 12500kbps, got \"4bit\"");
	expect_param_error("htb", (const char *const[]){ "rate", NULL },
			   "htb: option \"rate\" needs a value");
	expect_param_error("htb", (const char *const[]){ "target", "abc", NULL },
			   "htb: option \"target\": expected a time such as 5ms or 100us, got \"abc\"");
	expect_param_error("htb", (const char *const[]){ "bogus", "1", NULL },
			   "htb: unknown option \"bogus\"");

	/* no rate: refused when the qdisc is built (and by qdisc_params_check()) */
	g_assert_null(qdisc_create("htb", NULL, h_drop, NULL, err, sizeof(err)));
	g_assert_cmpstr(err, ==, "htb: rate is required");
	p = params("htb", (const char *const[]){ "limit", "100", NULL });
	err[0] = 0;
	g_assert_cmpint(qdisc_params_check(&p, "htb", err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "htb: rate is required");
	p.rate_bps = 1000000;
	g_assert_cmpint(qdisc_params_check(&p, "htb", err, sizeof(err)), ==, 0);
	/* the leaf's own checks come back under htb's name */
	p.flows = 0;
	g_assert_null(qdisc_create("htb", &p, h_drop, NULL, err, sizeof(err)));
	g_assert_true(g_str_has_prefix(err, "htb: leaf fq_codel: flows (1..65536)"));
	p = params("htb", (const char *const[]){ "rate", "1mbit", NULL });
	q = qdisc_create("htb", &p, h_drop, NULL, err, sizeof(err));
	g_assert_nonnull(q);
	g_assert_cmpstr(q->ops->kind, ==, "htb");
	qdisc_destroy(q, 0);
}

/*
 * 10 Mbit/s = 1.25e6 bytes/s: l2t(1514) = 1514 * 800 ns = 1211200 ns exactly (mult
 * 3355443200, shift 22).  Default burst 1.25e6 / 1e9 + 1600 = 1600 bytes = 1280 us =
 * 20000 psched ticks.  Six packets at t = 0: the full bucket (1280000) covers the first
 * (68800 left), the second still goes (tokens 68800 >= 0) and leaves -1142400, so the
 * third waits 1142400 ns; from then on departures are exactly 1211200 ns apart.
 */
static void test_htb_paces_exactly_at_rate_after_burst(void)
{
	struct qdisc_params p = params("htb", (const char *const[]){ "rate", "10mbit", NULL });
	struct harness *h = h_new("htb", &p, 0);
	static const u64 want[6] = { 0, 0, 1142400, 2353600, 3564800, 4776000 };
	u64 t[6];
	int i;

	h->busy = true;
	g_assert_cmpuint(qdisc_next_time(h->q, 0), ==, QDISC_TIME_NEVER);
	for (i = 0; i < 6; i++)
		qdisc_enqueue(h->q, &h_take(h, 0, 1514, 14)->qp, 0);
	g_assert_cmpuint(qdisc_next_time(h->q, 0), ==, 0);
	drain_at_next_time(h, 0, 6, t, NULL);
	for (i = 0; i < 6; i++)
		g_assert_cmpuint(t[i], ==, want[i]);
	for (i = 3; i < 6; i++)
		g_assert_cmpuint(t[i] - t[i - 1], ==, 1514ULL * 8 * 1000000000ULL / 10000000);
	/* every charge after the first left the class without tokens */
	g_assert_cmpuint(h->q->stats.overlimits, ==, 5);
	g_assert_cmpuint(h->q->stats.sent_pkts, ==, 6);
	g_assert_cmpuint(qdisc_next_time(h->q, t[5]), ==, QDISC_TIME_NEVER);
	h_free(h);
}

/*
 * sqm-scripts' burst at 500 Mbit/s: 1000 us x 500000 kbit/s / 8000 = 62500 bytes = 1 ms
 * = 15625 ticks.  l2t(1514) = 1514 x 16 ns = 24224 ns: 42 packets leave at once
 * (1e6 - 41 x 24224 >= 0), the 42nd leaves tokens at 1e6 - 42 x 24224 = -17408, then one
 * packet every 24224 ns.
 */
static void test_htb_burst_62500_at_500mbit_then_paces(void)
{
	struct qdisc_params p = params("htb", (const char *const[]){ "rate", "500mbit", "burst",
								    "62500", NULL });
	struct harness *h = h_new("htb", &p, 0);
	u64 t[60];
	int i;

	h->busy = true;
	for (i = 0; i < 60; i++)
		qdisc_enqueue(h->q, &h_take(h, 0, 1514, 14)->qp, 1000);
	drain_at_next_time(h, 1000, 60, t, NULL);
	for (i = 0; i < 42; i++)
		g_assert_cmpuint(t[i], ==, 1000);
	g_assert_cmpuint(t[42], ==, 1000 + 17408);
	for (i = 43; i < 60; i++)
		g_assert_cmpuint(t[i], ==, t[i - 1] + 24224);
	/* the 42nd packet and each of the 18 after it left the class without tokens */
	g_assert_cmpuint(h->q->stats.overlimits, ==, 19);
	h_free(h);
}

/*
 * At 8 Mbit/s a byte takes exactly 1000 ns (mult 4194304000, shift 22).  "burst 1" makes
 * the bucket 16 ticks (1024 ns): after the first packet or two the class is in debt, and
 * the last of four back-to-back packets leaves exactly l2t(stab length) after the third.
 * The spacing in us is the length HTB charged.
 */
static u32 htb_charged_len(const char *const *opts, u32 len)
{
	const char *argv[16] = { "rate", "8mbit", "burst", "1" };
	struct qdisc_params p;
	struct harness *h;
	u64 t[4];
	int i, n = 4;

	for (i = 0; opts[i]; i++)
		argv[n++] = opts[i];
	argv[n] = NULL;
	p = params("htb", argv);
	h = h_new("htb", &p, 0);
	h->busy = true;
	for (i = 0; i < 4; i++)
		qdisc_enqueue(h->q, &h_take(h, 0, len, 14)->qp, 1000);
	drain_at_next_time(h, 1000, 4, t, NULL);
	g_assert_cmpuint(h->q->stats.drops_aqm, ==, 0);
	h_free(h);
	g_assert_cmpuint((t[3] - t[2]) % 1000, ==, 0);
	/* a packet bigger than the bucket spends it alone: steady spacing from the second */
	if (t[1] > t[0])
		g_assert_cmpuint(t[2] - t[1], ==, t[3] - t[2]);
	return (u32)((t[3] - t[2]) / 1000);
}

static void test_htb_stab_framing_exact(void)
{
#define O(...) (const char *const[]){ __VA_ARGS__, NULL }
	g_assert_cmpuint(htb_charged_len((const char *const[]){ NULL }, 1514), ==, 1514);
	/* overhead alone: no size table, exact bytes (and the MAC header stays, unlike cake) */
	g_assert_cmpuint(htb_charged_len(O("overhead", "44"), 1514), ==, 1558);
	g_assert_cmpuint(htb_charged_len(O("overhead", "-10"), 1514), ==, 1504);
	g_assert_cmpuint(htb_charged_len(O("overhead", "-64"), 40), ==, 1);
	/* mpu builds tc's table: lengths rounded up to 4 bytes, then the mpu floor */
	g_assert_cmpuint(htb_charged_len(O("overhead", "44", "mpu", "64"), 1514), ==, 1560);
	g_assert_cmpuint(htb_charged_len(O("mpu", "84"), 1514), ==, 1516);
	g_assert_cmpuint(htb_charged_len(O("mpu", "84"), 60), ==, 84);
	/* ATM: 1514 + 32 = 1546 -> 33 cells of 53 (cake, removing the MAC header, says 32) */
	g_assert_cmpuint(htb_charged_len(O("linklayer", "atm", "overhead", "32"), 1514), ==, 1749);
	g_assert_cmpuint(htb_charged_len(O("linklayer", "adsl", "overhead", "32"), 1514), ==, 1749);
	g_assert_cmpuint(htb_charged_len(O("linklayer", "ethernet", "overhead", "32"), 1514), ==,
			 1546);
	/* PTM: 1514 + 30 = 1544, plus one byte per started 64 = 25 */
	g_assert_cmpuint(htb_charged_len(O("linklayer", "ptm", "overhead", "30"), 1514), ==, 1569);
	/* GSO aggregates: 65535 bytes charged whole; past the 512-slot table the kernel
	 * extrapolates from its last slot: ATM 2279 x 31 + 2279 = 72928 (cell-exact would be
	 * 72398), Ethernet with mpu 2048 x 32 */
	g_assert_cmpuint(htb_charged_len((const char *const[]){ NULL }, 65535), ==, 65535);
	g_assert_cmpuint(htb_charged_len(O("linklayer", "atm"), 65535), ==, 72928);
	g_assert_cmpuint(htb_charged_len(O("mpu", "64"), 65535), ==, 65536);
#undef O
}

/* The leaf's fat-flow drop (limit 20): counted in htb once each, handed to us once each. */
static void test_htb_leaf_drops_counted_once(void)
{
	struct qdisc_params p = params("htb", (const char *const[]){ "rate", "10mbit", "limit",
								    "20", NULL });
	struct harness *h = h_new("htb", &p, 0);
	struct tpkt *pk;
	int i;

	h->busy = true;
	for (i = 0; i < 19; i++)
		h_offer(h, 0, 1000, 14, 0);
	h_offer(h, 1, 1000, 14, 0);
	g_assert_cmpuint(h->q->stats.new_flow_count, ==, 2);
	g_assert_cmpuint(h->q->stats.memory_usage, ==, 20 * qdisc_truesize(1000));
	pk = h_take(h, 0, 1000, 14);
	g_assert_cmpint(qdisc_enqueue(h->q, &pk->qp, 1), ==, QDISC_CN);
	g_assert_cmpuint(h->fs[0].dropped, ==, 10);
	g_assert_cmpuint(h->drops_by_reason[QDISC_DROP_OVERLIMIT], ==, 10);
	g_assert_cmpuint(h->q->stats.dropped_pkts, ==, 10);
	g_assert_cmpuint(h->q->stats.dropped_bytes, ==, 10000);
	g_assert_cmpuint(h->q->stats.drops_overlimit, ==, 10);
	g_assert_cmpuint(h->q->stats.backlog_pkts, ==, 11);
	g_assert_cmpuint(h->q->stats.backlog_bytes, ==, 11000);
	g_assert_cmpuint(h->q->stats.memory_usage, ==, 11 * qdisc_truesize(1000));
	g_assert_cmpuint(h->q->stats.max_backlog_pkts, ==, 21);
	g_assert_cmpuint(h->outstanding, ==, h->q->stats.backlog_pkts);
	g_assert_cmpuint(h->q->stats.arrivals, ==, 21);
	h->busy = false;
	h_try_send(h);
	engine_run(h->eng);
	g_assert_cmpuint(h->fs[0].delivered, ==, 10);
	g_assert_cmpuint(h->fs[1].delivered, ==, 1);
	g_assert_cmpuint(h->q->stats.sent_pkts, ==, 11);
	g_assert_cmpuint(h->q->stats.dropped_pkts, ==, 10);
	g_assert_cmpuint(h->early_probe_fail, ==, 0);
	h_free(h);
}

/*
 * Reset flushes through our callback; like sch_htb.c's htb_reset() it puts the class back
 * to CAN_SEND but keeps the tokens it owes: the next packet leaves at once and the one
 * after pays for both.
 */
static void test_htb_reset_flushes_and_keeps_tokens(void)
{
	struct qdisc_params p = params("htb", (const char *const[]){ "rate", "10mbit", NULL });
	struct harness *h = h_new("htb", &p, 0);
	struct tpkt *pk[5];
	u64 t[2];
	int i;

	h->busy = true;
	for (i = 0; i < 3; i++) {
		pk[i] = h_take(h, 0, 1514, 14);
		qdisc_enqueue(h->q, &pk[i]->qp, 0);
	}
	drain_at_next_time(h, 0, 2, t, NULL);
	g_assert_cmpuint(t[1], ==, 0);
	g_assert_cmpuint(qdisc_next_time(h->q, 0), ==, 1142400);
	qdisc_reset(h->q, 100000);
	g_assert_cmpuint(h->drops_by_reason[QDISC_DROP_FLUSH], ==, 1);
	g_assert_cmpuint(h->fs[0].dropped, ==, 1);
	g_assert_cmpuint(h->q->stats.dropped_pkts, ==, 1);
	g_assert_cmpuint(h->q->stats.backlog_pkts, ==, 0);
	g_assert_cmpuint(h->q->stats.backlog_bytes, ==, 0);
	g_assert_cmpuint(h->q->stats.memory_usage, ==, 0);
	g_assert_cmpuint(h->outstanding, ==, 0);
	g_assert_cmpuint(qdisc_next_time(h->q, 100000), ==, QDISC_TIME_NEVER);

	pk[3] = h_take(h, 0, 1514, 14);
	qdisc_enqueue(h->q, &pk[3]->qp, 200000);
	g_assert_cmpuint(qdisc_next_time(h->q, 200000), ==, 200000);
	g_assert_true(qdisc_dequeue(h->q, 200000) == &pk[3]->qp);
	h_give_back(h, pk[3]);
	/* -1142400 + 200000 - 1211200 = -2153600 */
	pk[4] = h_take(h, 0, 1514, 14);
	qdisc_enqueue(h->q, &pk[4]->qp, 200000);
	g_assert_cmpuint(qdisc_next_time(h->q, 200000), ==, 200000 + 2153600);
	drain_at_next_time(h, 200000, 1, t, NULL);
	g_assert_cmpuint(t[0], ==, 2353600);
	g_assert_cmpuint(h->q->stats.overlimits, ==, 3);
	h_free(h);
}

/*
 * An ECN-capable flow at 1.25x the shaped 10 Mbit/s: the leaf's CoDel marks instead of
 * dropping, every mark shows in htb's statistics and in the delivered packets, and the
 * shaper holds the rate.
 */
static void test_htb_ecn_marks_pass_through(void)
{
	struct qdisc_params p = params("htb", (const char *const[]){ "rate", "10mbit", NULL });
	struct harness *h = h_new("htb", &p, 0);
	u64 tx = 1514ULL * 8 * 1000000000ULL / 10000000;
	struct source s;
	double rate;

	src_start(&s, h, 0, 1514, tx * 4 / 5, 0, FS_SEC(3));
	s.ecn = QDISC_ECN_ECT_0;
	engine_run(h->eng);
	g_assert_cmpuint(h->early_probe_fail, ==, 0);
	g_assert_cmpuint(h->q->stats.drops_aqm, ==, 0);
	g_assert_cmpuint(h->fs[0].dropped, ==, 0);
	g_assert_cmpuint(h->q->stats.ecn_marks, >, 5);
	g_assert_cmpuint(h->q->stats.ecn_marks, ==, h->fs[0].marked);
	g_assert_cmpuint(h->q->stats.new_flow_count, >=, 1);
	rate = (double)h->fs[0].bytes * 8e9 / (double)(h->last_tx - h->first_tx);
	g_assert_cmpfloat(fabs(rate / 10e6 - 1.0), <, 0.002);
	h_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qdisc/htb/options_and_errors", test_htb_options_and_errors);
	g_test_add_func("/qdisc/htb/paces_exactly_at_rate_after_burst",
			test_htb_paces_exactly_at_rate_after_burst);
	g_test_add_func("/qdisc/htb/burst_62500_at_500mbit_then_paces",
			test_htb_burst_62500_at_500mbit_then_paces);
	g_test_add_func("/qdisc/htb/stab_framing_exact", test_htb_stab_framing_exact);
	g_test_add_func("/qdisc/htb/leaf_drops_counted_once", test_htb_leaf_drops_counted_once);
	g_test_add_func("/qdisc/htb/reset_flushes_and_keeps_tokens",
			test_htb_reset_flushes_and_keeps_tokens);
	g_test_add_func("/qdisc/htb/ecn_marks_pass_through", test_htb_ecn_marks_pass_through);
	return g_test_run();
}
