/* SPDX-License-Identifier: MIT */
/*
 * bench_run.c - speed of the whole simulator (`flowsim run`): a 1 Gbit/s TCP download
 * through an MT7621 profile (the SoC's own cost table, GRO, RX rings, fq_codel), 60 s of
 * simulated time, with hardware offload (HFO), software offload (SFO) and none.
 *
 * Prints, per mode: simulated link packets (frames the router received plus frames it
 * transmitted: a forwarded packet counts twice, as ns-3's link packets do), wall time, link
 * packets per wall second, the download's goodput and the router's CPU load.
 * Targets (DESIGN.md "performance"): >= 3 M link packets per wall second, <= 5 s of wall
 * time for the 60 s download.
 *
 * Usage: bench_run [seconds_simulated]   (default 60)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run.h"

static const char scenario_fmt[] =
	"name: bench-run-%s\n"
	"seed: 1\n"
	"duration: %us\n"
	"router:\n"
	"  soc: mt7621\n"
	"  kernel: \"6.6\"\n"
	"  firewall:\n"
	"    defaults: {flow_offloading: %d, flow_offloading_hw: %d}\n"
	"ports:\n"
	"  - {name: eth0, kind: ether, gmac: 0, rate: 1gbit}\n"
	"  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0, role: lan, rate: 1gbit,\n"
	"     network: lan, address: 192.168.1.1/24}\n"
	"  - {name: wan, kind: dsa, conduit: eth0, dsa_port: 4, role: wan, rate: 1gbit,\n"
	"     delay: 500us, network: wan, address: 100.64.0.2/24, gateway: 100.64.0.1}\n"
	"hosts:\n"
	"  - {name: pc, port: lan1, ipv4: 192.168.1.10}\n"
	"  - {name: mirror, port: wan, ipv4: 203.0.113.10, rtt: 20ms}\n"
	"traffic:\n"
	"  - {name: download, type: tcp_bulk, client: pc, server: mirror}\n";

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench(const char *mode, int ft, int hw, unsigned secs)
{
	char *text = g_strdup_printf(scenario_fmt, mode, secs, ft, hw);
	struct run_opts o;
	struct yu_diag d;
	struct scenario *s;
	struct run *r;
	struct engine_stats es;
	GError *err = NULL;
	double t0, t1, goodput;
	u64 pkts;

	yu_diag_init(&d);
	s = scenario_load_string("bench.yaml", ".", text, strlen(text), NULL, &d);
	memset(&o, 0, sizeof(o));
	r = s ? run_create(s, &o, &d) : NULL;
	if (!r) {
		guint i;

		for (i = 0; i < d.msgs->len; i++)
			fprintf(stderr, "%s\n", yu_msg_format(g_ptr_array_index(d.msgs, i)));
		return 1;
	}
	t0 = wall();
	if (!run_execute(r, &err)) {
		fprintf(stderr, "bench_run: %s\n", err->message);
		return 1;
	}
	t1 = wall();
	pkts = world_link_packets(r->w);
	engine_get_stats(r->w->eng, &es);
	goodput = (double)r->w->items[0].rx_bytes[1] * 8 / secs;
	printf("%-4s %3u s simulated: %10llu link packets in %6.2f s wall = %5.2f M packets/s; "
	       "goodput %6.1f Mbit/s, cpu0 %5.1f%%, %llu engine events\n", mode, secs,
	       (unsigned long long)pkts, t1 - t0, pkts / (t1 - t0) / 1e6, goodput / 1e6,
	       100.0 * sim_router_get_stats(r->w->sr)->busy_ns[0] / (secs * 1e9),
	       (unsigned long long)es.executed);
	run_destroy(r);
	scenario_free(s);
	yu_diag_clear(&d);
	g_free(text);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned secs = argc > 1 ? (unsigned)atoi(argv[1]) : 60;

	if (!secs)
		secs = 60;
	printf("bench_run: 1 Gbit/s TCP download (CUBIC) through an MT7621, RTT 21 ms\n");
	return bench("hfo", 1, 1, secs) || bench("sfo", 1, 0, secs) || bench("none", 0, 0, secs);
}
