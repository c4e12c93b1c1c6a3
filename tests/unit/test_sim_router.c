/* SPDX-License-Identifier: MIT */
/*
 * The router machine (sim_router): CPU time per path, NAPI and RX rings, receive livelock
 * under an unpaced flood, hardware offload protecting the CPU, GRO, qdisc bypass.
 */
#include <string.h>

#include "ppe.h"
#include "sim_router.h"
#include "testutil.h"

#define MBIT 1000000ULL

struct world {
	struct engine *eng;
	struct sim_pkt_pool pool;
	struct lab lab;
	struct sim_router *sr;
	u64 delivered[2];        /* [0]: the probe flow, [1]: everything else */
	u64 dropped;
};

static void on_tx(void *ctx, u16 ifindex, struct sim_pkt *p, u64 now, bool misdelivered)
{
	struct world *w = ctx;

	if (!misdelivered)
		w->delivered[p->flow ? 1 : 0]++;
	sim_pkt_free(&w->pool, p);
}

static void on_drop(void *ctx, struct sim_pkt *p, u8 reason, u64 now)
{
	struct world *w = ctx;

	w->dropped++;
}

static const char *rules_fmt =
	"table inet fw4 {\n"
	"	%s\n"
	"	chain forward {\n"
	"		type filter hook forward priority filter; policy accept;\n"
	"		%s\n"
	"		ct state established,related accept\n"
	"	}\n"
	"}\n";

/* MT7620-like: one 580 MHz core; cycles per path roughly as calibration.md A.4 derives */
static void world_init(struct world *w, const char *offload)
{
	struct router_config cfg;
	struct sim_cpu_params cpu = { .cores = 1, .mhz = 580, .napi_budget = 64, .rx_ring = 256,
				      .irq_cycles = 2000, .gro_segs = 0 };
	GError *err = NULL;
	char *rules;
	bool ft = strcmp(offload, "none") != 0, hw = !strcmp(offload, "hw");

	memset(w, 0, sizeof(*w));
	router_config_default(&cfg);
	cfg.cost.rx_napi = 4000;
	cfg.cost.ip_forward = 14000;
	cfg.cost.conntrack = 9000;
	cfg.cost.nft_chain = 1000;
	cfg.cost.nft_rule = 500;
	cfg.cost.flowtable = 11000;
	cfg.cost.tx_eth = 4000;
	cfg.cost.hw_residual = 0;
	w->eng = engine_create();
	sim_pkt_pool_init(&w->pool);
	g_assert_true(lab_init(&w->lab, &cfg, NULL, "lan", "wan", NULL, &err));
	if (hw) {
		struct ppe_config pc;

		g_assert_cmpint(ppe_config_for_soc(&pc, "mt7620", 606), ==, 0);
		lab_attach_ppe(&w->lab, &pc);
	}
	rules = g_strdup_printf(rules_fmt,
				!ft ? "" : hw ? "flowtable ft { hook ingress priority 0; devices = { lan, wan }; flags offload; }" :
						"flowtable ft { hook ingress priority 0; devices = { lan, wan }; }",
				ft ? "meta l4proto { tcp, udp } flow offload @ft" : "");
	g_assert_true(lab_nft(&w->lab, rules, 0, &err));
	g_free(rules);
	w->sr = sim_router_create(w->eng, w->lab.r, &cpu, &w->pool, on_tx, on_drop, w);
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.lan, 100 * MBIT, 20, NULL, 0), ==, 0);
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.wan, 100 * MBIT, 20, NULL, 0), ==, 0);
}

static void world_free(struct world *w)
{
	sim_router_destroy(w->sr);
	lab_free(&w->lab);
	engine_destroy(w->eng);
	sim_pkt_pool_release(&w->pool);
}

/* A UDP source on the LAN side: one packet every `gap` ns from port sport. */
struct source {
	struct world *w;
	u16 sport;
	u16 len;
	u32 flow;
	u64 gap, stop;
	u64 sent;
};

static void source_tick(struct engine *eng, engine_arg a, engine_arg b)
{
	struct source *s = a.p;
	struct sim_pkt *p;
	u64 now = engine_now(eng);

	if (now >= s->stop)
		return;
	p = sim_pkt_alloc(&s->w->pool);
	p->hdr = tu_packet("10.0.1.99", s->sport, "10.0.2.99", 9, FS_IPPROTO_UDP, s->w->lab.lan, s->len);
	p->flow = s->flow;
	s->sent++;
	sim_router_rx(s->w->sr, s->w->lab.lan, p);
	engine_schedule(eng, now + s->gap, source_tick, ENGINE_PTR(s), ENGINE_NOARG);
}

static double run_probe_with_flood(const char *offload, bool flood, double *cpu_busy)
{
	struct world w;
	/* probe: 1000-byte datagrams at 4 Mbit/s; flood: 64-byte frames at 90% of the 100 Mbit/s
	 * line rate (so the egress link itself is not overloaded: this is about the CPU) */
	struct source probe = { &w, 5000, 1000, 0, 2000000, TU_SEC(3), 0 };
	struct source fl = { &w, 6000, 46, 1, 7467, TU_SEC(3), 0 };
	double frac;

	world_init(&w, offload);
	engine_schedule(w.eng, TU_MS(1), source_tick, ENGINE_PTR(&probe), ENGINE_NOARG);
	if (flood)
		engine_schedule(w.eng, TU_MS(1), source_tick, ENGINE_PTR(&fl), ENGINE_NOARG);
	engine_run_until(w.eng, TU_SEC(4));
	frac = (double)w.delivered[0] / (double)probe.sent;
	if (cpu_busy)
		*cpu_busy = sim_router_get_stats(w.sr)->busy_ns[0] / 3e9;
	g_test_message("%s%s: probe %llu/%llu delivered (%.1f%%), flood delivered %llu/%llu, "
		       "cpu %.0f%%, ring drops %llu", offload, flood ? " + flood" : "",
		       (unsigned long long)w.delivered[0], (unsigned long long)probe.sent, frac * 100,
		       (unsigned long long)w.delivered[1], (unsigned long long)fl.sent,
		       sim_router_get_stats(w.sr)->busy_ns[0] / 3e7,
		       (unsigned long long)sim_router_get_stats(w.sr)->rx_ring_drops);
	world_free(&w);
	return frac;
}

static void test_probe_alone_is_delivered(void)
{
	double busy;

	g_assert_cmpfloat(run_probe_with_flood("none", false, &busy), >, 0.99);
	/* 500 pps of ~45k cycles on 580 MHz: about 4% of the core */
	g_assert_cmpfloat(busy, >, 0.02);
	g_assert_cmpfloat(busy, <, 0.08);
}

static void test_flood_collapses_slow_path(void)
{
	double busy;

	/* the CPU forwards ~13k pps of 148k arriving: the probe loses most of its packets */
	g_assert_cmpfloat(run_probe_with_flood("none", true, &busy), <, 0.2);
	g_assert_cmpfloat(busy, >, 0.95);
}

static void test_software_offload_helps_but_saturates(void)
{
	double none = run_probe_with_flood("none", true, NULL);
	double sw = run_probe_with_flood("sw", true, NULL);

	g_assert_cmpfloat(sw, >, none * 1.5);
	g_assert_cmpfloat(sw, <, 0.5);
}

static void test_hardware_offload_keeps_the_probe(void)
{
	double busy;

	/* both flows bind in the PPE after a second: the CPU sees only the start */
	g_assert_cmpfloat(run_probe_with_flood("hw", true, &busy), >, 0.6);
	g_assert_cmpfloat(busy, <, 0.5);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim_router/probe_alone_is_delivered", test_probe_alone_is_delivered);
	g_test_add_func("/sim_router/flood_collapses_slow_path", test_flood_collapses_slow_path);
	g_test_add_func("/sim_router/software_offload_helps_but_saturates",
			test_software_offload_helps_but_saturates);
	g_test_add_func("/sim_router/hardware_offload_keeps_the_probe",
			test_hardware_offload_keeps_the_probe);
	return g_test_run();
}
