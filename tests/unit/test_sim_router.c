/* SPDX-License-Identifier: MIT */
/*
 * The router machine (sim_router): CPU time per path, NAPI and RX rings, receive livelock
 * under an unpaced flood, hardware offload protecting the CPU, GRO, qdisc bypass.
 */
#include <string.h>

#include "ppe.h"
#include "qdisc.h"
#include "sim_router.h"
#include "soc_profile.h"
#include "testutil.h"

#define MBIT 1000000ULL

struct world {
	struct engine *eng;
	struct sim_pkt_pool pool;
	struct lab lab;
	struct sim_router *sr;
	u64 delivered[2];        /* [0]: the probe flow, [1]: everything else */
	u64 dropped;
	u64 until;               /* delivered_until counts deliveries up to this time */
	u64 delivered_until;
};

static void on_tx(void *ctx, u16 ifindex, struct sim_pkt *p, u64 now, bool misdelivered)
{
	struct world *w = ctx;

	if (!misdelivered)
		w->delivered[p->flow ? 1 : 0]++;
	if (!misdelivered && now <= w->until)
		w->delivered_until++;
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

static void no_drop(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why, u64 now)
{
}

/* MT7620-like: one 580 MHz core; cycles per path roughly as calibration.md A.4 derives.
 * host: the SoC profile's host figures (NULL: none); fq_codel on the WAN port if set. */
/* the test router's clock (a faster one where a test needs the CPU out of the way) */
static u32 world_mhz = 580;
static u64 world_rate = 100 * MBIT;   /* both ports' line rate */

/* The test router's costs: cycles per path roughly as calibration.md A.4 derives. */
static void world_config(struct router_config *cfg)
{
	router_config_default(cfg);
	cfg->cost.rx_napi = 4000;
	cfg->cost.ip_forward = 14000;
	cfg->cost.conntrack = 9000;
	cfg->cost.nft_chain = 1000;
	cfg->cost.nft_rule = 500;
	cfg->cost.flowtable = 11000;
	cfg->cost.tx_eth = 4000;
	cfg->cost.hw_residual = 0;
}

static void world_init_gro(struct world *w, const char *offload, const struct soc_host *host,
			   bool wan_fq_codel, u32 gro_segs)
{
	struct router_config cfg;
	struct sim_cpu_params cpu = { .cores = 1, .mhz = world_mhz, .napi_budget = 64, .rx_ring = 256,
				      .irq_cycles = 2000, .gro_segs = 0 };
	GError *err = NULL;
	char *rules, qerr[128];
	bool ft = strcmp(offload, "none") != 0, hw = !strcmp(offload, "hw");
	struct qdisc *q = NULL;

	memset(w, 0, sizeof(*w));
	world_config(&cfg);
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
	cpu.host = host;
	cpu.gro_segs = gro_segs;
	w->sr = sim_router_create(w->eng, w->lab.r, &cpu, &w->pool, on_tx, on_drop, w);
	if (wan_fq_codel) {
		q = qdisc_create("fq_codel", NULL, no_drop, NULL, qerr, sizeof(qerr));
		g_assert_nonnull(q);
	}
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.lan, world_rate, 20, NULL, 0), ==, 0);
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.wan, world_rate, 20, q, 0), ==, 0);
}

static void world_init_host(struct world *w, const char *offload, const struct soc_host *host,
			    bool wan_fq_codel)
{
	world_init_gro(w, offload, host, wan_fq_codel, 0);
}

static void world_init(struct world *w, const char *offload)
{
	world_init_host(w, offload, NULL, false);
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

/* Run the probe (and the flood) on an initialised world for 3 s. */
static void run_sources(struct world *w, struct source *probe, struct source *fl)
{
	engine_schedule(w->eng, TU_MS(1), source_tick, ENGINE_PTR(probe), ENGINE_NOARG);
	if (fl)
		engine_schedule(w->eng, TU_MS(1), source_tick, ENGINE_PTR(fl), ENGINE_NOARG);
	engine_run_until(w->eng, TU_SEC(4));
}

/* Packets per path are counted per traffic flow, and add up to the router's totals. */
static void test_paths_counted_per_flow(void)
{
	struct world w;
	struct source probe = { &w, 5000, 1000, 0, 2000000, TU_SEC(3), 0 };
	struct source fl = { &w, 6000, 46, 1, 7467, TU_SEC(3), 0 };
	u64 a[ROUTER_PATH__COUNT], b[ROUTER_PATH__COUNT];
	const struct sim_router_stats *st;
	u32 i;

	world_init(&w, "hw");
	run_sources(&w, &probe, &fl);
	st = sim_router_get_stats(w.sr);
	g_assert_true(sim_router_flow_paths(w.sr, 0, a));
	g_assert_true(sim_router_flow_paths(w.sr, 1, b));
	/* the probe: its first packets through the CPU (slow path, then the flowtable until
	 * the PPE binds it), then the PPE; never WED (no Wi-Fi) */
	g_assert_cmpuint(a[ROUTER_PATH_SLOW], >=, 1);
	g_assert_cmpuint(a[ROUTER_PATH_PPE], >, a[ROUTER_PATH_SLOW] + a[ROUTER_PATH_FLOWTABLE]);
	g_assert_cmpuint(a[ROUTER_PATH_WED], ==, 0);
	g_assert_cmpuint(b[ROUTER_PATH_PPE], >, 0);
	for (i = 0; i < ROUTER_PATH__COUNT; i++)
		g_assert_cmpuint(a[i] + b[i], ==, st->path_packets[i]);
	/* the probe's forwarded packets are the ones delivered (nothing is lost after the
	 * router with this load on the PPE) */
	g_assert_cmpuint(a[ROUTER_PATH_SLOW] + a[ROUTER_PATH_FLOWTABLE] + a[ROUTER_PATH_PPE],
			 ==, w.delivered[0]);
	/* a flow the router never saw */
	g_assert_false(sim_router_flow_paths(w.sr, 7, a));
	g_assert_cmpuint(a[ROUTER_PATH_SLOW] + a[ROUTER_PATH_PPE], ==, 0);
	world_free(&w);
}

/* The host pays the egress qdisc: fq_codel once per packet, on the core that forwards it. */
static void test_fq_codel_cycles_charged(void)
{
	struct soc_host host;
	u64 cycles[2];
	u64 sent = 0;
	int k;

	memset(&host, 0, sizeof(host));
	host.qdisc_fq_codel = 1000;
	for (k = 0; k < 2; k++) {
		struct world w;
		struct source probe = { &w, 5000, 1000, 0, 2000000, TU_SEC(3), 0 };

		world_init_host(&w, "none", &host, k == 1);
		run_sources(&w, &probe, NULL);
		cycles[k] = sim_router_get_stats(w.sr)->cycles[0];
		g_assert_cmpuint(w.delivered[0], ==, probe.sent);
		sent = probe.sent;
		world_free(&w);
	}
	/* the same packets at the same times: the difference is the qdisc, 1000 per packet */
	g_assert_cmpuint(cycles[1] - cycles[0], ==, 1000 * sent);
}

/* A cake at `rate` bit/s (0: unlimited) behind the LAN port's ingress (its ifb). */
static void add_ingress_cake(struct world *w, u64 rate)
{
	struct qdisc_params p;
	struct qdisc *q;
	char err[128];

	g_assert_cmpint(qdisc_params_init(&p, "cake", err, sizeof(err)), ==, 0);
	p.rate_bps = rate;
	q = qdisc_create("cake", &p, no_drop, NULL, err, sizeof(err));
	g_assert_nonnull(q);
	g_assert_cmpint(sim_router_set_port_ingress(w->sr, w->lab.lan, q), ==, 0);
	g_assert_true(sim_router_port_ingress_qdisc(w->sr, w->lab.lan) == q);
}

/* Ingress shaping costs the CPU the redirect and the ifb's qdisc per skb, and a softirq
 * pass (a backlog poll) per batch the ifb hands back; nothing else changes. */
static void test_ingress_shaping_cycles(void)
{
	struct soc_host host;
	u64 cycles[2], polls = 0, sent = 0;
	int k;

	memset(&host, 0, sizeof(host));
	host.ifb_redirect = 700;
	host.qdisc_cake = 900;
	for (k = 0; k < 2; k++) {
		struct world w;
		struct source probe = { &w, 5000, 1000, 0, 2000000, TU_SEC(3), 0 };
		const struct sim_router_stats *st;

		world_init_host(&w, "none", &host, false);
		if (k)
			add_ingress_cake(&w, 0);
		run_sources(&w, &probe, NULL);
		st = sim_router_get_stats(w.sr);
		cycles[k] = st->cycles[0];
		g_assert_cmpuint(w.delivered[0], ==, probe.sent);
		g_assert_cmpuint(st->ifb_redirects, ==, k ? probe.sent : 0);
		g_assert_cmpuint(st->ingress_qdisc_drops, ==, 0);
		polls = st->backlog_polls;
		sent = probe.sent;
		if (k) {
			/* a second ingress qdisc, or one on a port the router does not have */
			g_assert_cmpint(sim_router_set_port_ingress(w.sr, w.lab.lan, NULL), ==, -1);
			g_assert_cmpint(sim_router_set_port_ingress(w.sr, 999, NULL), ==, -1);
			g_assert_null(sim_router_port_ingress_qdisc(w.sr, w.lab.wan));
		}
		world_free(&w);
	}
	/* 500 packets a second: each comes back from the ifb alone, one pass each */
	g_assert_cmpuint(polls, ==, sent);
	g_assert_cmpuint(cycles[1] - cycles[0], ==, (700 + 900) * sent + 2000 * polls);
}

/* 40 Mbit/s offered to a 20 Mbit/s ingress shaper: what leaves is the shaper's rate (cake
 * counts the 1014-byte frame), the rest is dropped in the ifb's qdisc; on the PPE path the
 * bound flow never reaches the CPU, so the shaper does not see it (HFO bypasses SQM). */
static u64 delivered_through_ingress_shaper(const char *offload, u64 *ifb_drops)
{
	struct world w;
	struct source probe = { &w, 5000, 1000, 0, 202800, TU_SEC(3), 0 };
	u64 got;

	world_mhz = 2000;           /* the CPU out of the way */
	world_init(&w, offload);
	w.until = TU_SEC(3);        /* while frames arrive (the queue drains after) */
	add_ingress_cake(&w, 20 * MBIT);
	run_sources(&w, &probe, NULL);
	got = w.delivered_until;
	*ifb_drops = sim_router_get_stats(w.sr)->ingress_qdisc_drops;
	g_assert_cmpuint(w.delivered[0] + w.dropped, ==, probe.sent);   /* ifb drops are among them */
	g_assert_cmpuint(*ifb_drops, <=, w.dropped);
	world_free(&w);
	world_mhz = 580;
	return got;
}

static void test_ingress_shaping_paces(void)
{
	/* frames from 1 ms to 3 s: 20e6 / (1014 * 8) per second leave meanwhile */
	double expect = 2.999 * 20e6 / (1014 * 8), got;
	u64 drops, sent = (TU_SEC(3) - TU_MS(1)) / 202800 + 1;

	got = (double)delivered_through_ingress_shaper("none", &drops);
	g_test_message("shaped: %.0f delivered (expected %.0f), %llu dropped in the ifb", got,
		       expect, (unsigned long long)drops);
	g_assert_cmpfloat(got, >, expect * 0.99);
	g_assert_cmpfloat(got, <, expect * 1.01);
	g_assert_cmpuint(drops, >, sent / 3);
	/* bound in the PPE after its first packets: nearly everything passes */
	got = (double)delivered_through_ingress_shaper("hw", &drops);
	g_test_message("hw: %.0f delivered of %llu, %llu dropped in the ifb", got,
		       (unsigned long long)sent, (unsigned long long)drops);
	g_assert_cmpfloat(got, >, sent * 0.95);
}

/* A burst of TCP segments of two flows, interleaved A B A B ..., in one RX ring. */
struct burst {
	struct world *w;
	u32 n;
	bool pppoe;          /* frames carry a PPPoE session header */
	bool gap;            /* flow A skips a segment half-way (a loss before the router) */
};

static void burst_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct burst *bu = a.p;
	u32 seq[2] = { 1000, 5000 }, i;

	for (i = 0; i < bu->n; i++) {
		struct sim_pkt *p = sim_pkt_alloc(&bu->w->pool);
		u32 f = i & 1;

		p->hdr = tu_packet("10.0.1.99", (u16)(7000 + f), "10.0.2.99", 80, FS_IPPROTO_TCP,
				   bu->w->lab.lan, 1040);
		p->hdr.payload = 1000;
		p->hdr.tcp_flags = FS_TCP_ACK;
		if (bu->gap && f == 0 && i == bu->n / 2)
			seq[0] += 1000;
		p->hdr.seq = seq[f];
		seq[f] += 1000;
		if (bu->pppoe) {
			p->hdr.num_encap = 1;
			p->hdr.encap[0].proto = FS_ETH_P_PPP_SES;
			p->hdr.encap[0].id = 0x11;
		}
		p->flow = f;
		sim_router_rx(bu->w->sr, bu->w->lab.lan, p);
	}
}

static u64 gro_merged_for(bool pppoe, bool gap, bool port_gro)
{
	struct world w;
	struct burst bu = { &w, 16, pppoe, gap };
	u64 merged;

	world_init_gro(&w, "none", NULL, false, 45);
	g_assert_cmpint(sim_router_set_port_gro(w.sr, w.lab.lan, port_gro), ==, 0);
	engine_schedule(w.eng, TU_MS(1), burst_ev, ENGINE_PTR(&bu), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(100));
	merged = sim_router_get_stats(w.sr)->gro_merged;
	world_free(&w);
	return merged;
}

/* GRO keeps several flows' aggregates open in a poll (net/core/gro.c gro_hash): 16
 * interleaved segments of two flows make two aggregates; a sequence gap flushes; PPPoE
 * session frames never merge (no GRO handler for ETH_P_PPP_SES). */
static void test_gro_interleaved_flows(void)
{
	g_assert_cmpuint(gro_merged_for(false, false, true), ==, 14);
	/* flow A's gap closes its aggregate and opens another: one merge fewer */
	g_assert_cmpuint(gro_merged_for(false, true, true), ==, 13);
	g_assert_cmpuint(gro_merged_for(true, false, true), ==, 0);
}

/* A port whose frames bypass GRO (a DSA user port before v5.8) merges nothing, and an
 * unknown port is refused. */
static void test_port_without_gro(void)
{
	struct world w;

	g_assert_cmpuint(gro_merged_for(false, false, false), ==, 0);
	world_init_gro(&w, "none", NULL, false, 45);
	g_assert_cmpint(sim_router_set_port_gro(w.sr, 999, false), ==, -1);
	world_free(&w);
}

#define TU_US(us) ((u64)(us) * 1000ULL)

/* TCP segments of one flow, one every `gap` ns from `start` (a paced sender's line). */
struct paced {
	struct world *w;
	u32 n, sent;
	u64 gap;
	u32 seq;
	u32 shrink;          /* per mille the gap shrinks after each frame (0: constant) */
	u64 min_gap;
};

static void paced_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct paced *pc = a.p;
	struct sim_pkt *p = sim_pkt_alloc(&pc->w->pool);

	p->hdr = tu_packet("10.0.1.99", 7000, "10.0.2.99", 80, FS_IPPROTO_TCP, pc->w->lab.lan,
			   1040);
	p->hdr.payload = 1000;
	p->hdr.tcp_flags = FS_TCP_ACK;
	p->hdr.seq = pc->seq;
	pc->seq += 1000;
	p->flow = 0;
	sim_router_rx(pc->w->sr, pc->w->lab.lan, p);
	if (pc->shrink)
		pc->gap = FS_MAX(pc->min_gap, pc->gap * (1000 - pc->shrink) / 1000);
	if (++pc->sent < pc->n)
		engine_schedule(eng, engine_now(eng) + pc->gap, paced_ev, ENGINE_PTR(pc),
				ENGINE_NOARG);
}

/*
 * mtk_eth_soc's delay interrupt: the interrupt comes PINT frames or PTIME after the first
 * pending frame, so one poll finds several frames and GRO merges them.  Without it the
 * first frame interrupts at once and polls alone; frames that arrive while that poll
 * works are taken by the driver's re-poll before napi_complete_done (mtk_napi_rx's
 * irq_status loop), without another interrupt.
 */
static void test_irq_moderation_batches_frames(void)
{
	struct world w;
	struct paced pc = { &w, 4, 0, TU_US(10), 1000, 0, 0 };
	const struct sim_router_stats *st;

	/* no moderation: frame 1 alone (irq, poll); 2..4 arrive during its ~55 us of work
	 * and make one 3-segment aggregate in the re-poll; a last empty re-poll completes */
	world_init_gro(&w, "none", NULL, false, 45);
	engine_schedule(w.eng, TU_MS(1), paced_ev, ENGINE_PTR(&pc), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(100));
	st = sim_router_get_stats(w.sr);
	g_assert_cmpuint(w.delivered[0], ==, 4);
	g_assert_cmpuint(st->irqs, ==, 1);
	g_assert_cmpuint(st->gro_merged, ==, 2);
	g_assert_cmpuint(st->napi_repolls, ==, 2);
	world_free(&w);

	/* PTIME 50 us: all four frames (30 us apart at most) wait for one interrupt */
	pc = (struct paced){ &w, 4, 0, TU_US(10), 1000, 0, 0 };
	world_init_gro(&w, "none", NULL, false, 45);
	g_assert_cmpint(sim_router_set_port_irq_moderation(w.sr, w.lab.lan, TU_US(50), 127, false), ==,
			0);
	engine_schedule(w.eng, TU_MS(1), paced_ev, ENGINE_PTR(&pc), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(1) + TU_US(49));
	g_assert_cmpuint(sim_router_get_stats(w.sr)->irqs, ==, 0);   /* still held */
	engine_run_until(w.eng, TU_MS(100));
	st = sim_router_get_stats(w.sr);
	g_assert_cmpuint(w.delivered[0], ==, 4);
	g_assert_cmpuint(st->irqs, ==, 1);
	g_assert_cmpuint(st->gro_merged, ==, 3);
	world_free(&w);

	/* PINT 4 frames with a PTIME far away: the fourth frame raises the interrupt; a fifth
	 * frame after the poll waits for the timer */
	pc = (struct paced){ &w, 4, 0, TU_US(10), 1000, 0, 0 };
	world_init_gro(&w, "none", NULL, false, 45);
	g_assert_cmpint(sim_router_set_port_irq_moderation(w.sr, w.lab.lan, TU_MS(500), 4,
							    false), ==,
			0);
	g_assert_cmpint(sim_router_set_port_irq_moderation(w.sr, 999, TU_MS(500), 4, false), ==, -1);
	engine_schedule(w.eng, TU_MS(1), paced_ev, ENGINE_PTR(&pc), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(10));
	st = sim_router_get_stats(w.sr);
	g_assert_cmpuint(w.delivered[0], ==, 4);
	g_assert_cmpuint(st->irqs, ==, 1);
	g_assert_cmpuint(st->gro_merged, ==, 3);
	pc.n = 5;
	engine_schedule(w.eng, TU_MS(20), paced_ev, ENGINE_PTR(&pc), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(400));
	g_assert_cmpuint(w.delivered[0], ==, 4);
	g_assert_cmpuint(sim_router_get_stats(w.sr)->irqs, ==, 1);
	engine_run_until(w.eng, TU_MS(600));
	g_assert_cmpuint(w.delivered[0], ==, 5);
	g_assert_cmpuint(sim_router_get_stats(w.sr)->irqs, ==, 2);
	world_free(&w);
}

/* The largest moderation delay the LAN port had, sampled every 100 us. */
struct delay_probe {
	struct world *w;
	u64 max, stop;
};

static void delay_probe_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct delay_probe *dp = a.p;

	dp->max = FS_MAX(dp->max, sim_router_port_irq_delay(dp->w->sr, dp->w->lab.lan));
	if (engine_now(eng) < dp->stop)
		engine_schedule(eng, engine_now(eng) + TU_US(100), delay_probe_ev, ENGINE_PTR(dp),
				ENGINE_NOARG);
}

/*
 * net_dim (lib/dim/net_dim.c) on the delay interrupt, as mtk_eth_soc runs it.  At a
 * constant rate it never leaves 20 us: its first two RX EQE profiles (1 and 8 us) are the
 * same 20 us PTIME unit for mtk_dim_rx, so the step between them changes nothing, it
 * turns back, and after ten steps parks tired; a rate change while it is parked tired is
 * not seen.  A rate that keeps rising (each 64-interrupt sample > 10% more bytes) is
 * "better" at every step, so it climbs right through 80 and 140 us to 260 us.
 */
static void test_dim_moves_the_delay(void)
{
	struct world w;
	struct paced steady = { &w, 4000, 0, TU_US(50), 1000, 0, 0 };
	struct paced ramp = { &w, 20000, 0, TU_US(50), 1000, 5, TU_US(2) };
	struct delay_probe dp = { &w, 0, TU_MS(300) };
	u64 irqs;

	world_mhz = 58000;   /* neither the CPU nor the links are the limit here */
	world_rate = 10000 * MBIT;
	world_init_gro(&w, "none", NULL, false, 45);
	g_assert_cmpint(sim_router_set_port_irq_moderation(w.sr, w.lab.lan, TU_US(20), 127, true),
			==, 0);
	g_assert_cmpuint(sim_router_port_irq_delay(w.sr, w.lab.lan), ==, TU_US(20));
	engine_schedule(w.eng, TU_MS(1), paced_ev, ENGINE_PTR(&steady), ENGINE_NOARG);
	engine_schedule(w.eng, TU_MS(1), delay_probe_ev, ENGINE_PTR(&dp), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(300));
	g_assert_cmpuint(w.delivered[0], ==, 4000);
	g_assert_cmpuint(dp.max, ==, TU_US(20));
	g_assert_cmpuint(sim_router_get_stats(w.sr)->irqs, ==, 4000);
	world_free(&w);

	dp = (struct delay_probe){ &w, 0, TU_MS(300) };
	world_init_gro(&w, "none", NULL, false, 45);
	world_mhz = 580;
	world_rate = 100 * MBIT;
	g_assert_cmpint(sim_router_set_port_irq_moderation(w.sr, w.lab.lan, TU_US(20), 127, true),
			==, 0);
	engine_schedule(w.eng, TU_MS(1), paced_ev, ENGINE_PTR(&ramp), ENGINE_NOARG);
	engine_schedule(w.eng, TU_MS(1), delay_probe_ev, ENGINE_PTR(&dp), ENGINE_NOARG);
	engine_run_until(w.eng, TU_MS(300));
	irqs = sim_router_get_stats(w.sr)->irqs;
	g_test_message("ramp: %llu frames, %llu interrupts, %llu merged, largest delay %llu us, "
		       "last %llu us", (unsigned long long)w.delivered[0],
		       (unsigned long long)irqs,
		       (unsigned long long)sim_router_get_stats(w.sr)->gro_merged,
		       (unsigned long long)dp.max / 1000,
		       (unsigned long long)sim_router_port_irq_delay(w.sr, w.lab.lan) / 1000);
	g_assert_cmpuint(w.delivered[0], ==, 20000);
	g_assert_cmpuint(dp.max, ==, TU_US(260));
	/* at 260 us a poll finds ~100 frames at the 2 us end rate: few interrupts, GRO
	 * merges nearly every segment (aggregates of at most 45) */
	g_assert_cmpuint(irqs, <, 20000 / 20);
	g_assert_cmpuint(sim_router_get_stats(w.sr)->gro_merged, >, 20000 * 9 / 10);
	world_free(&w);
}

/*
 * OpenWrt's packet-steering.uc placement: Ethernet NAPI thread on the least loaded CPU,
 * its RPS on the next one; Ethernet bias; then Wi-Fi (the weights of the script).
 */
static void test_steering_plan(void)
{
	struct sim_steer_dev d[2];

	/* MT7622 (2 CPUs), kernel 6.6: mtk_eth and mt76 both run NAPI threads */
	memset(d, 0, sizeof(d));
	d[0].threaded = 1;
	d[1].threaded = d[1].wlan = 1;
	sim_router_steering_plan(1, 2, 1, d, 2);
	g_assert_cmpuint(d[0].napi_cpu, ==, 0);
	g_assert_cmpuint(d[0].rps_mask, ==, 0x2);
	/* loads 300 / 75: the radio's NAPI goes to CPU 1, its RPS to the other one */
	g_assert_cmpuint(d[1].napi_cpu, ==, 1);
	g_assert_cmpuint(d[1].rps_mask, ==, 0x1);

	/* MT7621 (2 cores x 2 VPEs): a VPE's sibling gets 0.75 of its load, so the RPS CPU
	 * is on the other core; the radio's NAPI on the least loaded VPE (3), RPS on 2 */
	sim_router_steering_plan(1, 4, 2, d, 2);
	g_assert_cmpuint(d[0].napi_cpu, ==, 0);
	g_assert_cmpuint(d[0].rps_mask, ==, 0x4);
	g_assert_cmpuint(d[1].napi_cpu, ==, 3);
	g_assert_cmpuint(d[1].rps_mask, ==, 0x4);

	/* "2": RPS over all CPUs */
	sim_router_steering_plan(2, 4, 2, d, 2);
	g_assert_cmpuint(d[0].rps_mask, ==, 0xf);
	g_assert_cmpuint(d[1].rps_mask, ==, 0xf);

	/* no NAPI threads (before 5.12): the poll stays on CPU 0, and the least loaded CPU
	 * for RPS is CPU 0 itself - packet steering "1" moves nothing */
	d[0].threaded = d[1].threaded = 0;
	sim_router_steering_plan(1, 4, 2, d, 1);
	g_assert_cmpuint(d[0].napi_cpu, ==, 0);
	g_assert_cmpuint(d[0].rps_mask, ==, 0x1);

	/* "0", or one CPU: nothing */
	sim_router_steering_plan(0, 4, 2, d, 2);
	g_assert_cmpuint(d[0].rps_mask | d[1].rps_mask | d[1].napi_cpu, ==, 0);
	sim_router_steering_plan(2, 1, 1, d, 2);
	g_assert_cmpuint(d[0].rps_mask | d[1].rps_mask, ==, 0);
}

/* Two-core world for RPS: the LAN port's NAPI on CPU 0; smt: the two CPUs are VPEs of
 * one core doing 1.3x one VPE's work together. */
static void world_init_rps(struct world *w, u32 rps_mask, bool smt)
{
	struct router_config cfg;
	struct sim_cpu_params cpu = { .cores = 2, .mhz = 580, .napi_budget = 64, .rx_ring = 256,
				      .irq_cycles = 2000 };
	GError *err = NULL;
	char *rules;

	memset(w, 0, sizeof(*w));
	world_config(&cfg);
	if (smt) {
		cpu.threads_per_core = 2;
		cpu.smt_throughput_pct = 130;
	}
	w->eng = engine_create();
	sim_pkt_pool_init(&w->pool);
	g_assert_true(lab_init(&w->lab, &cfg, NULL, "lan", "wan", NULL, &err));
	rules = g_strdup_printf(rules_fmt, "", "");
	g_assert_true(lab_nft(&w->lab, rules, 0, &err));
	g_free(rules);
	w->sr = sim_router_create(w->eng, w->lab.r, &cpu, &w->pool, on_tx, on_drop, w);
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.lan, 100 * MBIT, 20, NULL, 0), ==, 0);
	g_assert_cmpint(sim_router_add_port(w->sr, w->lab.wan, 100 * MBIT, 20, NULL, 0), ==, 0);
	g_assert_cmpint(sim_router_set_port_steering(w->sr, w->lab.lan, 0, rps_mask), ==, 0);
	g_assert_cmpint(sim_router_set_port_steering(w->sr, 999, 0, rps_mask), ==, -1);
}

/* RPS to CPU 1: CPU 0 keeps the interrupt and the driver receive (rx_napi), and the TX
 * completion of the WAN port, whose NAPI is on CPU 0 too (half of tx_eth); CPU 1 pays the
 * rest of the path plus a poll of its backlog; the total is the same work plus those. */
static void test_rps_moves_the_path(void)
{
	struct world w;
	struct source probe = { &w, 5000, 1000, 0, 2000000, TU_SEC(3), 0 };
	const struct sim_router_stats *st;
	u64 alone, irqs;

	world_init_rps(&w, 0, false);
	run_sources(&w, &probe, NULL);
	st = sim_router_get_stats(w.sr);
	alone = st->cycles[0];
	g_assert_cmpuint(st->cycles[1], ==, 0);
	g_assert_cmpuint(st->rps_steered, ==, 0);
	world_free(&w);

	probe.sent = 0;
	world_init_rps(&w, 0x2, false);
	run_sources(&w, &probe, NULL);
	st = sim_router_get_stats(w.sr);
	irqs = st->irqs;
	g_assert_cmpuint(w.delivered[0], ==, probe.sent);
	g_assert_cmpuint(st->rps_steered, ==, probe.sent);
	g_assert_cmpuint(st->backlog_polls, >, 0);
	g_assert_cmpuint(st->cycles[0], ==, irqs * 2000 + probe.sent * (4000 + 4000 / 2));
	g_assert_cmpuint(st->cycles[0] + st->cycles[1], ==, alone + st->backlog_polls * 2000);
	world_free(&w);
}

/* SMT: work on a VPE whose sibling is busy takes threads / smt_throughput longer, so a
 * saturated VPE forwards less while its sibling polls the NIC. */
static void test_smt_siblings_share_a_core(void)
{
	u64 fwd[2];
	int k;

	for (k = 0; k < 2; k++) {
		struct world w;
		/* 64-byte frames at 60 kpps: more than VPE 1 forwards, VPE 0 ~40% receiving */
		struct source fl = { &w, 6000, 46, 1, 16667, TU_SEC(3), 0 };

		world_init_rps(&w, 0x2, k == 1);
		run_sources(&w, &fl, NULL);
		fwd[k] = w.delivered[1];
		g_assert_cmpuint(sim_router_get_stats(w.sr)->busy_ns[1], >, TU_MS(2900));
		world_free(&w);
	}
	g_test_message("VPE 1 forwarded: alone %llu, with a busy sibling %llu",
		       (unsigned long long)fwd[0], (unsigned long long)fwd[1]);
	g_assert_cmpuint(fwd[1], <, fwd[0]);
	/* never less than the whole stretch allows: 1.3 / 2 */
	g_assert_cmpuint(fwd[1], >=, fwd[0] * 130 / 200);
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
	g_test_add_func("/sim_router/paths_counted_per_flow", test_paths_counted_per_flow);
	g_test_add_func("/sim_router/fq_codel_cycles_charged", test_fq_codel_cycles_charged);
	g_test_add_func("/sim_router/ingress_shaping_cycles", test_ingress_shaping_cycles);
	g_test_add_func("/sim_router/ingress_shaping_paces_and_hfo_bypasses_it",
			test_ingress_shaping_paces);
	g_test_add_func("/sim_router/gro_interleaved_flows", test_gro_interleaved_flows);
	g_test_add_func("/sim_router/port_without_gro_merges_nothing", test_port_without_gro);
	g_test_add_func("/sim_router/irq_moderation_batches_frames",
			test_irq_moderation_batches_frames);
	g_test_add_func("/sim_router/dim_moves_the_delay", test_dim_moves_the_delay);
	g_test_add_func("/sim_router/steering_plan_as_packet_steering_uc", test_steering_plan);
	g_test_add_func("/sim_router/rps_moves_the_path", test_rps_moves_the_path);
	g_test_add_func("/sim_router/smt_siblings_share_a_core", test_smt_siblings_share_a_core);
	return g_test_run();
}
