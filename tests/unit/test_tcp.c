/* SPDX-License-Identifier: MIT */
/*
 * test_tcp.c - the simulated TCP over a fake delay line: handshake, exact bulk transfers,
 * goodput near the bottleneck for Reno and CUBIC, delayed ACKs, the FIN exchange and the
 * application API, IPv6, sequence wrap, and bit-identical packet traces for identical
 * inputs (test_tcp_cc.c has loss recovery, SACK and the congestion window; tcp_fixture.h
 * the shared test bench).  Tests whose exact numbers are NewReno's run with no_sack.
 */
#include "tcp_fixture.h"

/* ------------------------------------------------------------ handshake */

static void test_handshake(void)
{
	struct tc t;
	const struct fakenet_rec *syn, *synack, *ack;
	const struct tcp_ep *cl, *sv;

	/* without SACK: a SACK-permitted option makes the SYNs 4 bytes longer (see
	 * test_handshake_sack_permitted) and every time below would shift */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_RENO, false);
	t.cfg.no_sack = true;
	t.net.record = true;
	tc_bulk(&t, 0, 100000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);

	g_assert_cmpuint(t.net.trace->len, >=, 3);
	syn = fakenet_rec_at(&t.net, 0);
	synack = fakenet_rec_at(&t.net, 1);
	ack = fakenet_rec_at(&t.net, 2);
	/* SYN: client, ISN, window scale option, MSS+NOP+WS options in the length */
	g_assert_cmpuint(syn->time, ==, 0);
	g_assert_cmpuint(syn->side, ==, 0);
	g_assert_cmpuint(syn->tcp_flags, ==, FS_TCP_SYN);
	g_assert_cmpuint(syn->seq, ==, 1000);
	g_assert_cmpuint(syn->wscale, ==, 7);            /* 6 MiB buffer -> shift 7 */
	g_assert_cmpuint(syn->win, ==, 65535);
	g_assert_cmpuint(syn->len, ==, 20 + 20 + 8);
	g_assert_cmpuint(syn->proto, ==, FS_IPPROTO_TCP);
	/* SYN-ACK from the server after one-way delay + serialisation of the SYN */
	g_assert_cmpuint(synack->side, ==, 1);
	g_assert_cmpuint(synack->tcp_flags, ==, FS_TCP_SYN | FS_TCP_ACK);
	g_assert_cmpuint(synack->seq, ==, 500000);
	g_assert_cmpuint(synack->ack, ==, 1001);
	g_assert_cmpuint(synack->wscale, ==, 7);
	/* a SYN takes 48 + 18 + 20 = 86 wire bytes: 6.88 us at 100 Mbit/s */
	g_assert_cmpuint(synack->time, ==, TU_MS(10) + 86 * 8 * 10);
	/* the third packet: a pure ACK */
	g_assert_cmpuint(ack->side, ==, 0);
	g_assert_cmpuint(ack->tcp_flags, ==, FS_TCP_ACK);
	g_assert_cmpuint(ack->seq, ==, 1001);
	g_assert_cmpuint(ack->ack, ==, 500001);
	g_assert_cmpuint(ack->payload, ==, 0);
	g_assert_cmpuint(ack->win, ==, (6u << 20) >> 7);
	g_assert_cmpuint(ack->time, ==, synack->time + TU_MS(10) + 86 * 8 * 10);

	cl = tcp_conn_ep(t.c, 0);
	sv = tcp_conn_ep(t.c, 1);
	g_assert_cmpuint(cl->st.established_ns, ==, ack->time);
	g_assert_cmpuint(sv->st.established_ns, ==, ack->time + TU_MS(10) + 84 * 8 * 10);
	g_assert_cmpuint(cl->snd_wscale, ==, 7);
	g_assert_cmpuint(sv->snd_wscale, ==, 7);
	/* the SYN exchange gave the first RTT sample: 20 ms + two 86-byte serialisations,
	 * in whole microseconds; a pure ACK is a minimum frame (64 + 20 bytes) */
	g_assert_cmpuint(cl->st.rtt_min_us, ==, 20013);
	g_assert_cmpuint(tc_count(&t, TCP_EV_ESTABLISHED, -1), ==, 2);
	tc_free(&t);
}

static void test_handshake_synack_lost(void)
{
	struct tc t;

	/* the first SYN-ACK is lost: the client's SYN times out after 1 s and is repeated */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_RENO, false);
	t.net.record = true;
	t.drop_from = TU_MS(5);
	t.drop_until = TU_MS(15);
	tc_bulk(&t, 0, 20000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	g_assert_cmpuint(tcp_conn_ep(t.c, 1)->st.app_bytes_rcvd, ==, 20000);
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.syn_retrans, ==, 1);
	g_assert_cmpuint(fakenet_rec_at(&t.net, 2)->tcp_flags, ==, FS_TCP_SYN);
	g_assert_cmpuint(fakenet_rec_at(&t.net, 2)->time, ==, TU_SEC(1));
	/* the server repeats its SYN-ACK for the repeated SYN */
	g_assert_cmpuint(fakenet_rec_at(&t.net, 3)->tcp_flags, ==, FS_TCP_SYN | FS_TCP_ACK);
	/* no RTT sample from a retransmitted SYN (Karn) */
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.established_ns, >, TU_SEC(1));
	tc_free(&t);
}

/* ------------------------------------------------------------ bulk transfers */

static void run_bulk(int sender, int cc, bool v6, u64 bytes, u32 iss)
{
	struct tc t;
	const struct tcp_ep *s, *r;

	tc_init(&t, 100 * MBIT, TU_MS(20), cc, v6);
	t.cfg.iss[sender] = iss;
	tc_bulk(&t, sender, bytes, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	g_assert_false(t.c->aborted);
	s = tcp_conn_ep(t.c, sender);
	r = tcp_conn_ep(t.c, !sender);
	g_assert_cmpuint(r->st.app_bytes_rcvd, ==, bytes);
	g_assert_cmpuint(s->st.bytes_acked, ==, bytes);
	g_assert_cmpuint(s->st.bytes_out, ==, bytes);       /* lossless: nothing resent */
	g_assert_cmpuint(s->st.retrans_segs, ==, 0);
	g_assert_cmpuint(s->st.data_segs_out, ==, (bytes + s->mss - 1) / s->mss);
	g_assert_cmpuint(r->st.first_rx_ns, >, 0);
	g_assert_cmpuint(r->st.last_rx_ns, >=, r->st.first_rx_ns);
	g_assert_cmpuint(t.net.pool.in_use, ==, 0);        /* every packet came back */
	tc_free(&t);
}

static void test_bulk_upload_exact(void)
{
	run_bulk(0, TCP_CC_RENO, false, 10000000, 1000);
	run_bulk(0, TCP_CC_CUBIC, false, 1234567, 1000);
}

static void test_bulk_download_exact(void)
{
	run_bulk(1, TCP_CC_CUBIC, false, 10000000, 500000);
	run_bulk(1, TCP_CC_RENO, false, 1, 500000);
}

static void test_bulk_ipv6(void)
{
	struct tc t;

	run_bulk(1, TCP_CC_CUBIC, true, 3000000, 42);
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, true);
	t.cfg.no_sack = true;    /* SYN length without the SACK-permitted option */
	t.net.record = true;
	tc_bulk(&t, 0, 100000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	/* IPv6 SYN: 40 + 20 + 8; full segment: MSS 1440 -> 1500 bytes */
	g_assert_cmpuint(fakenet_rec_at(&t.net, 0)->len, ==, 68);
	g_assert_cmpuint(fakenet_rec_at(&t.net, 3)->len, ==, 1500);
	g_assert_cmpuint(fakenet_rec_at(&t.net, 3)->payload, ==, 1440);
	tc_free(&t);
}

static void test_sequence_wrap(void)
{
	/* ISNs just below 2^32: the stream crosses the wrap many times over */
	run_bulk(0, TCP_CC_CUBIC, false, 5000000, 0xffffff00u);
	run_bulk(1, TCP_CC_RENO, false, 5000000, 0xfffffff0u);
}

/* ------------------------------------------------------------ goodput */

struct sampler {
	struct tc *t;
	int side;
	u64 at[2];
	u64 bytes[2];
};

static void sample_cb(struct engine *eng, engine_arg a, engine_arg b)
{
	struct sampler *s = a.p;

	s->bytes[b.u] = tcp_conn_ep(s->t->c, s->side)->st.app_bytes_rcvd;
}

static double goodput_over(int cc, u64 from, u64 to)
{
	struct tc t;
	struct sampler s = { 0 };
	double gbps;

	tc_init(&t, 100 * MBIT, TU_MS(20), cc, false);
	tc_bulk(&t, 0, TCP_BYTES_UNLIMITED, to + TU_MS(100));
	tc_start(&t);
	s.t = &t;
	s.side = 1;
	engine_schedule(t.net.eng, from, sample_cb, ENGINE_PTR(&s), ENGINE_U64(0));
	engine_schedule(t.net.eng, to, sample_cb, ENGINE_PTR(&s), ENGINE_U64(1));
	engine_run(t.net.eng);
	g_assert_true(t.done);
	gbps = (double)(s.bytes[1] - s.bytes[0]) * 8 / ((double)(to - from) / 1e9);
	g_test_message("%s: goodput %.2f Mbit/s, cwnd max %u, retrans %" G_GUINT64_FORMAT,
		       tcp_cc_name(cc), gbps / 1e6, tcp_conn_ep(t.c, 0)->st.cwnd_max,
		       tcp_conn_ep(t.c, 0)->st.retrans_segs);
	/* the application stopped: everything written was delivered, FIN exchanged */
	g_assert_cmpuint(tcp_conn_ep(t.c, 1)->st.app_bytes_rcvd, ==,
			 tcp_conn_ep(t.c, 0)->stream_end);
	tc_free(&t);
	return gbps;
}

static void test_goodput_lossless(void)
{
	/* payload share of a 100 Mbit/s Ethernet line: 1460 of 1538 wire bytes per segment */
	double line = 100e6 * 1460.0 / 1538.0;
	double reno = goodput_over(TCP_CC_RENO, TU_SEC(2), TU_SEC(10));
	double cubic = goodput_over(TCP_CC_CUBIC, TU_SEC(2), TU_SEC(10));

	g_assert_cmpfloat(reno, >=, 0.95 * line);
	g_assert_cmpfloat(reno, <=, line * 1.0001);
	g_assert_cmpfloat(cubic, >=, 0.95 * line);
	g_assert_cmpfloat(cubic, <=, line * 1.0001);
}

/* ------------------------------------------------------------ delayed ACK */

static void test_delayed_ack_ratio(void)
{
	struct tc t;
	const struct tcp_ep *s, *r;
	double ratio;

	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, false);
	tc_bulk(&t, 1, 20000000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	s = tcp_conn_ep(t.c, 1);
	r = tcp_conn_ep(t.c, 0);
	ratio = (double)r->st.pure_acks_out / (double)s->st.data_segs_out;
	g_test_message("data %" G_GUINT64_FORMAT " acks %" G_GUINT64_FORMAT " ratio %.4f",
		       s->st.data_segs_out, r->st.pure_acks_out, ratio);
	g_assert_cmpfloat(ratio, >=, 0.49);
	g_assert_cmpfloat(ratio, <=, 0.52);
	tc_free(&t);
}

static void test_delayed_ack_timer(void)
{
	struct tc t;
	guint i;
	u64 data_arrival = 0, ack_time = 0;

	/* one 1000-byte request that does not close: the server ACKs it after 40 ms */
	tc_init(&t, 0, TU_MS(20), TCP_CC_RENO, false);
	t.net.record = true;
	t.cfg.app[0].bytes = 1000;
	t.cfg.app[0].wait_eof = true;
	t.cfg.app[1].bytes = 0;
	t.cfg.app[1].wait_eof = true;
	tc_start(&t);
	engine_run_until(t.net.eng, TU_SEC(1));
	for (i = 0; i < t.net.trace->len; i++) {
		const struct fakenet_rec *r = fakenet_rec_at(&t.net, i);

		if (r->side == 0 && r->payload == 1000)
			data_arrival = r->time + TU_MS(10);
		if (r->side == 1 && r->tcp_flags == FS_TCP_ACK && data_arrival)
			ack_time = r->time;
	}
	g_assert_cmpuint(data_arrival, ==, TU_MS(20) + TU_MS(10));
	g_assert_cmpuint(ack_time, ==, data_arrival + TU_MS(40));
	g_assert_cmpuint(tcp_conn_ep(t.c, 1)->st.app_bytes_rcvd, ==, 1000);
	g_assert_cmpstr(tcp_state_name(tcp_ep_state(tcp_conn_ep(t.c, 0))), ==, "ESTABLISHED");
	tc_free(&t);
}

/* ------------------------------------------------------------ close */

static void test_fin_exchange(void)
{
	struct tc t;
	guint n, i, fins;
	const struct fakenet_rec *a, *b, *c;

	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, false);
	t.net.record = true;
	tc_bulk(&t, 0, 50000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	n = t.net.trace->len;
	/* the last three packets of each side: the client's FIN rides on its last data
	 * segment; the server ACKs the data, answers the FIN with FIN+ACK; the client sends
	 * the last ACK */
	c = fakenet_rec_at(&t.net, n - 1);
	b = fakenet_rec_at(&t.net, n - 2);
	a = NULL;
	for (i = n - 2; i-- > 0;) {
		if (fakenet_rec_at(&t.net, i)->side == 0) {
			a = fakenet_rec_at(&t.net, i);
			break;
		}
	}
	g_assert_nonnull(a);
	g_assert_cmpuint(a->tcp_flags, ==, FS_TCP_FIN | FS_TCP_ACK | FS_TCP_PSH);
	g_assert_cmpuint(a->payload, ==, 50000 % 1460);
	g_assert_cmpuint(a->seq + a->payload, ==, 1000 + 1 + 50000);
	g_assert_cmpuint(b->side, ==, 1);
	g_assert_cmpuint(b->tcp_flags, ==, FS_TCP_FIN | FS_TCP_ACK);
	g_assert_cmpuint(b->ack, ==, 1000 + 1 + 50000 + 1);
	g_assert_cmpuint(b->time, >=, a->time + TU_MS(10) + (400 + 38) * 80);
	g_assert_cmpuint(c->side, ==, 0);
	g_assert_cmpuint(c->tcp_flags, ==, FS_TCP_ACK);
	g_assert_cmpuint(c->ack, ==, b->seq + 1);
	/* only one FIN per side */
	for (i = 0, fins = 0; i < n; i++)
		fins += (fakenet_rec_at(&t.net, i)->tcp_flags & FS_TCP_FIN) != 0;
	g_assert_cmpuint(fins, ==, 2);
	g_assert_cmpuint(t.done_at, ==, c->time + TU_MS(10) + 84 * 8 * 10);
	g_assert_cmpstr(tcp_state_name(tcp_ep_state(tcp_conn_ep(t.c, 0))), ==, "TIME_WAIT");
	g_assert_cmpstr(tcp_state_name(tcp_ep_state(tcp_conn_ep(t.c, 1))), ==, "CLOSED");
	g_assert_cmpuint(tc_count(&t, TCP_EV_FIN_SENT, -1), ==, 2);
	g_assert_cmpuint(tc_count(&t, TCP_EV_DONE, -1), ==, 1);
	tc_free(&t);
}

static void test_request_response(void)
{
	struct tc t;

	/* web-style: 300-byte request, the server answers 200 kB after the whole request,
	 * closes first; the client closes at end-of-file */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, false);
	t.cfg.app[0].bytes = 300;
	t.cfg.app[0].wait_eof = true;
	t.cfg.app[1].bytes = 200000;
	t.cfg.app[1].after_rcv = 300;
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	g_assert_cmpuint(tcp_conn_ep(t.c, 1)->st.app_bytes_rcvd, ==, 300);
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.app_bytes_rcvd, ==, 200000);
	g_assert_cmpstr(tcp_state_name(tcp_ep_state(tcp_conn_ep(t.c, 1))), ==, "TIME_WAIT");
	g_assert_cmpstr(tcp_state_name(tcp_ep_state(tcp_conn_ep(t.c, 0))), ==, "CLOSED");
	tc_free(&t);
}

static void test_rate_limited_app(void)
{
	struct tc t;
	double rate;
	const struct tcp_ep *r;

	/* an application writing 16 KiB blocks at 2 Mbit/s for 10 s on a fast path */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, false);
	tc_bulk(&t, 1, TCP_BYTES_UNLIMITED, TU_SEC(10));
	t.cfg.app[1].rate_bps = 2 * MBIT;
	t.cfg.app[1].chunk = 16384;
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	r = tcp_conn_ep(t.c, 0);
	rate = (double)r->st.app_bytes_rcvd * 8 / 10.0;
	/* writes at start + k * 65.536 ms while k * 65.536 ms < ~9.98 s: 153 blocks */
	g_assert_cmpuint(r->st.app_bytes_rcvd % 16384, ==, 0);
	g_assert_cmpfloat(fabs(rate - 2e6), <, 0.01 * 2e6);
	tc_free(&t);
}

static void test_nagle_coalesces_small_writes(void)
{
	struct tc t;
	const struct tcp_ep *s;

	/* 100-byte writes every 20 us (40 Mbit/s) for 2 s: Nagle (Minshall) lets one small
	 * segment out at a time, everything else leaves as full segments */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_CUBIC, false);
	tc_bulk(&t, 0, TCP_BYTES_UNLIMITED, TU_SEC(2));
	t.cfg.app[0].rate_bps = 40 * MBIT;
	t.cfg.app[0].chunk = 100;
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	s = tcp_conn_ep(t.c, 0);
	g_assert_cmpuint(tcp_conn_ep(t.c, 1)->st.app_bytes_rcvd, ==, s->stream_end);
	g_assert_cmpuint(s->stream_end % 100, ==, 0);
	g_assert_cmpuint(s->stream_end, >=, 9900000);
	g_test_message("%" G_GUINT64_FORMAT " bytes in %" G_GUINT64_FORMAT " segments",
		       s->st.bytes_out, s->st.data_segs_out);
	g_assert_cmpuint(s->st.data_segs_out, <, s->stream_end / 1460 * 11 / 10);
	tc_free(&t);
}

static void test_close_api(void)
{
	struct tc t;

	/* both applications are told to close mid-transfer (a churned flow) */
	tc_init(&t, 100 * MBIT, TU_MS(20), TCP_CC_RENO, false);
	tc_bulk(&t, 1, TCP_BYTES_UNLIMITED, 0);
	tc_start(&t);
	engine_run_until(t.net.eng, TU_SEC(2));
	g_assert_false(t.done);
	tcp_conn_close(t.c, 0);
	tcp_conn_close(t.c, 1);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.app_bytes_rcvd, ==,
			 tcp_conn_ep(t.c, 1)->stream_end);
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.app_bytes_rcvd, >, 10000000);
	tc_free(&t);
}

static void test_bad_config(void)
{
	struct fakenet n;
	struct tcp_config cfg = { 0 };
	char err[256];

	fakenet_init(&n, 0, 0);
	cfg.tuple.family = 3;
	g_assert_null(tcp_conn_create(&n.env, &cfg, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "family"));
	cfg.tuple.family = FS_AF_INET;
	cfg.mss = 20;
	g_assert_null(tcp_conn_create(&n.env, &cfg, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "mss 20"));
	cfg.mss = 0;
	cfg.cc = 9;
	g_assert_null(tcp_conn_create(&n.env, &cfg, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "congestion control"));
	cfg.cc = 0;
	cfg.app[0].bytes = TCP_BYTES_UNLIMITED;
	cfg.app[0].wait_eof = true;
	g_assert_null(tcp_conn_create(&n.env, &cfg, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "client application"));
	g_assert_cmpint(tcp_cc_from_name("cubic"), ==, TCP_CC_CUBIC);
	g_assert_cmpint(tcp_cc_from_name("bbr"), ==, -1);
	fakenet_free(&n);
}

/* ------------------------------------------------------------ determinism */

static u64 trace_hash(u32 iss, u64 seed, bool no_sack)
{
	struct tc t;
	u64 h;

	tc_init(&t, 20 * MBIT, TU_MS(40), TCP_CC_CUBIC, false);
	t.cfg.no_sack = no_sack;
	t.net.qlimit[1] = 60000;         /* a shallow tail-drop buffer: losses */
	t.rand = g_rand_new_with_seed((guint32)seed);
	t.drop_prob = 0.005;
	t.cfg.iss[1] = iss;
	tc_bulk(&t, 1, 3000000, 0);
	tc_start(&t);
	engine_run(t.net.eng);
	g_assert_true(t.done);
	g_assert_cmpuint(tcp_conn_ep(t.c, 0)->st.app_bytes_rcvd, ==, 3000000);
	g_assert_cmpuint(t.net.dropped[1], >, 0);
	h = t.net.hash;
	tc_free(&t);
	return h;
}

static void test_deterministic_trace(void)
{
	/* with SACK (the default) and without: no expected hash values are pinned, the
	 * same inputs must give the same trace and a different ISN a different one */
	u64 a = trace_hash(77, 5, false), b = trace_hash(77, 5, false);
	u64 c = trace_hash(78, 5, false);
	u64 d = trace_hash(77, 5, true), e = trace_hash(77, 5, true);

	g_assert_cmpuint(a, ==, b);
	g_assert_cmpuint(a, !=, c);
	g_assert_cmpuint(d, ==, e);
	/* with losses, SACK changes the packets (blocks in ACK lengths, recovery) */
	g_assert_cmpuint(a, !=, d);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/handshake/syn_synack_ack", test_handshake);
	g_test_add_func("/tcp/handshake/synack_lost_syn_retransmitted", test_handshake_synack_lost);
	g_test_add_func("/tcp/bulk/upload_exact_bytes", test_bulk_upload_exact);
	g_test_add_func("/tcp/bulk/download_exact_bytes", test_bulk_download_exact);
	g_test_add_func("/tcp/bulk/ipv6", test_bulk_ipv6);
	g_test_add_func("/tcp/bulk/sequence_wraps", test_sequence_wrap);
	g_test_add_func("/tcp/goodput/lossless_100M_20ms_reno_cubic", test_goodput_lossless);
	g_test_add_func("/tcp/ack/delayed_ack_every_second_segment", test_delayed_ack_ratio);
	g_test_add_func("/tcp/ack/delayed_ack_timer_40ms", test_delayed_ack_timer);
	g_test_add_func("/tcp/close/fin_exchange", test_fin_exchange);
	g_test_add_func("/tcp/close/request_response", test_request_response);
	g_test_add_func("/tcp/close/close_api_mid_transfer", test_close_api);
	g_test_add_func("/tcp/app/rate_limited_writes", test_rate_limited_app);
	g_test_add_func("/tcp/app/nagle_coalesces_small_writes", test_nagle_coalesces_small_writes);
	g_test_add_func("/tcp/config/rejects_bad_values", test_bad_config);
	g_test_add_func("/tcp/determinism/same_input_same_trace", test_deterministic_trace);
	return g_test_run();
}
