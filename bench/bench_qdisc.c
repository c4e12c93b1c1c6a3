/* SPDX-License-Identifier: MIT */
/*
 * bench_qdisc.c - qdisc enqueue+dequeue cost per packet.
 *
 * For each kind, packets of `nflows` flows (round robin, 1514 bytes, ECN-capable) are kept
 * at a standing backlog of 100 packets: each step enqueues one packet and dequeues one, with
 * virtual time advancing by one 1 Gbit/s transmission time per step (12.1 us), so the
 * shaper (cake at 2 Gbit/s, i.e. never the bottleneck) and the AQMs see realistic clocks.
 * Prints million packets (enqueue + dequeue pairs) per wall-clock second.
 *
 * Usage: bench_qdisc [packets]   (default 5000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qdisc.h"

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct pool {
	struct qdisc_pkt *free;
};

static void on_drop(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why, u64 now)
{
	struct pool *p = ctx;

	pkt->next = p->free;
	p->free = pkt;
}

static double run(const char *kind, const char *const *argv, int argc, u32 nflows, u64 steps)
{
	struct qdisc_params prm;
	struct pool pool = { NULL };
	struct qdisc_pkt *pkts = calloc(4096, sizeof(*pkts));
	struct qdisc *q;
	char err[256];
	u64 now = 0, i, got = 0;
	double t0, dt;

	if (!pkts || qdisc_params_init(&prm, kind, err, sizeof(err)) ||
	    qdisc_params_parse(&prm, kind, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "bench_qdisc: %s\n", pkts ? err : "out of memory");
		exit(1);
	}
	q = qdisc_create(kind, &prm, on_drop, &pool, err, sizeof(err));
	if (!q) {
		fprintf(stderr, "bench_qdisc: %s\n", err);
		exit(1);
	}
	for (i = 0; i < 4096; i++) {
		pkts[i].next = pool.free;
		pool.free = &pkts[i];
	}
	t0 = wall();
	for (i = 0; i < steps + 100; i++) {
		struct qdisc_pkt *p = pool.free;

		pool.free = p->next;
		p->len = 1514;
		p->mac_len = 14;
		p->ecn = QDISC_ECN_ECT_0;
		p->hash = (u32)((i % nflows) * 2654435761u);
		qdisc_enqueue(q, p, now);
		if (i >= 100) {
			p = qdisc_dequeue(q, now);
			if (p) {
				p->next = pool.free;
				pool.free = p;
				got++;
			}
		}
		now += 12112;
	}
	dt = wall() - t0;
	qdisc_destroy(q, now);
	free(pkts);
	if (got < steps / 2)
		fprintf(stderr, "bench_qdisc: %s dequeued only %llu of %llu\n", kind,
			(unsigned long long)got, (unsigned long long)steps);
	return (double)steps / dt;
}

int main(int argc, char **argv)
{
	static const char *const cake_args[] = { "bandwidth", "2gbit", "ethernet" };
	u64 steps = argc > 1 ? strtoull(argv[1], NULL, 10) : 5000000;
	static const u32 flows[] = { 1, 16, 1024 };
	unsigned int f;

	if (!steps) {
		fprintf(stderr, "usage: bench_qdisc [packets]\n");
		return 2;
	}
	printf("%-9s %6s %12s\n", "qdisc", "flows", "Mpkt/s");
	for (f = 0; f < 3; f++) {
		printf("%-9s %6u %12.2f\n", "pfifo", flows[f], run("pfifo", NULL, 0, flows[f], steps) / 1e6);
		printf("%-9s %6u %12.2f\n", "fq_codel", flows[f],
		       run("fq_codel", NULL, 0, flows[f], steps) / 1e6);
		printf("%-9s %6u %12.2f\n", "cake", flows[f], run("cake", cake_args, 3, flows[f], steps) / 1e6);
		fflush(stdout);
	}
	return 0;
}
