/* SPDX-License-Identifier: MIT */
/*
 * bench_core - the flow-offload core's per-packet cost and memory per connection.
 *
 * For 1k, 100k and 1M UDP connections through a two-port router (flowtable on both ports,
 * `flow add` in forward, masquerade on the WAN): nanoseconds per packet on the flowtable
 * fast path and on the slow path (conntrack + rules, without a flowtable), and bytes of
 * core memory per connection (conntrack entry with its embedded flow, both directions'
 * hash chains, slab and bucket arrays).
 *
 * Access patterns: "random" picks a uniformly random connection for every packet (every
 * lookup misses the CPU caches at 1M); "trains" sends 16 back-to-back packets per picked
 * connection, the way TCP bursts arrive.  Both are printed; neither is a test.
 *
 * Usage: bench_core [max_connections]   (default 1000000)
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router.h"

#define PORTS_PER_DST 60000u

static const char *rules_ft =
	"table inet filter {\n"
	"	flowtable ft { hook ingress priority 0; devices = { lan, wan }; }\n"
	"	chain forward { type filter hook forward priority filter; policy accept;\n"
	"		meta l4proto { tcp, udp } flow add @ft\n"
	"		ct state established,related accept\n"
	"	}\n"
	"	chain srcnat { type nat hook postrouting priority srcnat; policy accept;\n"
	"		oifname \"wan\" masquerade\n"
	"	}\n"
	"}\n";

static const char *rules_slow =
	"table inet filter {\n"
	"	chain forward { type filter hook forward priority filter; policy drop;\n"
	"		ct state established,related accept\n"
	"		ct state new accept\n"
	"	}\n"
	"	chain srcnat { type nat hook postrouting priority srcnat; policy accept;\n"
	"		oifname \"wan\" masquerade\n"
	"	}\n"
	"}\n";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static u16 add_port(struct fs_netconf *nc, const char *name, u32 addr)
{
	struct fs_netdev d;
	union fs_addr a = { .ip = addr };
	int idx;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.kind = FS_NETDEV_ETHER;
	d.up = 1;
	d.mtu = 1500;
	d.gmac = 0xff;
	idx = fs_netdev_add(nc, &d);
	fs_ifaddr_add(nc, (u16)idx, FS_AF_INET, &a, 24);
	return (u16)idx;
}

static void add_neigh(struct fs_netconf *nc, u16 dev, u32 addr)
{
	struct fs_neigh n;

	memset(&n, 0, sizeof(n));
	n.addr.ip = addr;
	n.family = FS_AF_INET;
	n.ifindex = dev;
	n.port = dev;
	n.valid = 1;
	n.mac[0] = 2;
	fs_neigh_update(nc, &n);
}

static void add_route(struct fs_netconf *nc, u32 prefix, u8 plen, u16 oif, u32 gw)
{
	struct fs_route rt;

	memset(&rt, 0, sizeof(rt));
	rt.prefix.ip = prefix;
	rt.gateway.ip = gw;
	rt.family = FS_AF_INET;
	rt.plen = plen;
	rt.oif = oif;
	fs_route_add(nc, &rt);
}

struct bench {
	struct router *r;
	u16 lan, wan;
	u32 n;
};

static void make_packet(const struct bench *b, u32 conn, struct fs_packet *p)
{
	memset(p, 0, sizeof(*p));
	p->t.family = FS_AF_INET;
	p->t.proto = FS_IPPROTO_UDP;
	p->t.src.ip = 0x0a000163;                               /* 10.0.1.99 */
	p->t.dst.ip = 0x64400000 + conn / PORTS_PER_DST;        /* 100.64.x.y */
	p->t.sport = (u16)(1024 + conn % PORTS_PER_DST);
	p->t.dport = 443;
	p->iif = b->lan;
	p->len = 1280;
	p->ttl = 64;
}

static int setup(struct bench *b, u32 n, bool flowtable)
{
	struct router_config cfg;
	struct ruleset_error err;
	struct fs_netconf *nc;
	const char *rules = flowtable ? rules_ft : rules_slow;
	struct router_result res;
	struct fs_packet p;
	u32 i, k;

	router_config_default(&cfg);
	cfg.ct.max = n + 1024;
	b->r = router_create(&cfg, NULL, NULL);
	b->n = n;
	nc = router_netconf(b->r);
	b->lan = add_port(nc, "lan", 0x0a000101);
	b->wan = add_port(nc, "wan", 0x0a000201);
	add_neigh(nc, b->lan, 0x0a000163);
	add_neigh(nc, b->wan, 0x0a0002fe);
	add_route(nc, 0x0a000100, 24, b->lan, 0);
	add_route(nc, 0x0a000200, 24, b->wan, 0);
	add_route(nc, 0, 0, b->wan, 0x0a0002fe);
	if (router_apply_ruleset(b->r, rules, strlen(rules), 0, &err)) {
		fprintf(stderr, "bench_core: ruleset %u:%u: %s\n", err.line, err.col, err.msg);
		return -1;
	}
	/* two packets per connection: the second creates the flow (when there is a flowtable) */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n; i++) {
			make_packet(b, i, &p);
			router_receive(b->r, &p, FS_MSEC(500), &res);
			if (res.verdict != ROUTER_FORWARD) {
				fprintf(stderr, "bench_core: setup packet dropped (%s)\n",
					router_drop_reason_name(res.drop_reason));
				return -1;
			}
		}
	}
	return 0;
}

#define BATCH 32

/* Packets arrive in NAPI-sized batches (router_receive_batch), as the simulator feeds them. */
static double run(struct bench *b, u32 packets, u32 train, u8 expect_path)
{
	struct router_result res[BATCH];
	struct fs_packet p[BATCH];
	u64 x = 0x9e3779b97f4a7c15ull;
	u32 i = 0, j, conn = 0, bad = 0;
	double t0, t1;

	t0 = now_ns();
	for (i = 0; i < packets; i += BATCH) {
		for (j = 0; j < BATCH; j++) {
			if ((i + j) % train == 0) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				conn = (u32)((x >> 33) % b->n);
			}
			make_packet(b, conn, &p[j]);
		}
		router_receive_batch(b->r, p, BATCH, FS_MSEC(600), res);
		for (j = 0; j < BATCH; j++)
			bad += res[j].path != expect_path;
	}
	t1 = now_ns();
	if (bad)
		fprintf(stderr, "bench_core: %u packets took an unexpected path\n", bad);
	return (t1 - t0) / packets;
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 1000, 100000, 1000000 };
	u32 max = argc > 1 ? (u32)strtoul(argv[1], NULL, 10) : 1000000;
	size_t i;

	printf("# flowsim core benchmark (UDP, masquerade, one router)\n");
	printf("# sizeof(struct conntrack_entry) = %zu bytes (flow embedded)\n",
	       sizeof(struct conntrack_entry));
	printf("%-12s %14s %14s %14s %14s %16s\n", "connections", "fast_random", "fast_trains",
	       "slow_random", "slow_trains", "bytes_per_conn");
	for (i = 0; i < G_N_ELEMENTS(sizes); i++) {
		struct bench fast, slow;
		u32 n = sizes[i];
		u32 packets = n < 1000000 ? 2000000 : 3000000;
		double fr, ft, sr, st, bytes;

		if (n > max)
			break;
		if (setup(&fast, n, true) || setup(&slow, n, false))
			return 1;
		bytes = (double)conntrack_memory(router_conntrack(fast.r)) / n;
		fr = run(&fast, packets, 1, ROUTER_PATH_FLOWTABLE);
		ft = run(&fast, packets, 16, ROUTER_PATH_FLOWTABLE);
		sr = run(&slow, packets, 1, ROUTER_PATH_SLOW);
		st = run(&slow, packets, 16, ROUTER_PATH_SLOW);
		printf("%-12u %11.1f ns %11.1f ns %11.1f ns %11.1f ns %16.1f\n", n, fr, ft, sr, st,
		       bytes);
		fflush(stdout);
		router_destroy(fast.r);
		router_destroy(slow.r);
	}
	return 0;
}
