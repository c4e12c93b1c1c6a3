/* SPDX-License-Identifier: MIT */
/* testutil.h - helpers shared by the unit tests: building addresses and packets. */
#ifndef FLOWSIM_TESTUTIL_H
#define FLOWSIM_TESTUTIL_H

#include <glib.h>

#include "packet.h"

/* Parse an IPv4/IPv6 literal or abort the test. */
union fs_addr tu_addr(const char *text);
int tu_family(const char *text);

/* A packet from src:sport to dst:dport ("10.0.1.99", 40000, ...), proto TCP/UDP, on iif. */
struct fs_packet tu_packet(const char *src, u16 sport, const char *dst, u16 dport, u8 proto,
			   u16 iif, u16 len);

/*
 * Run the built flowsim binary with head (may be NULL) then args (NULL-terminated lists, the
 * binary itself not included).  Returns its exit status, or -1 if a signal ended it; stdout
 * and stderr land in *out / *err (g_free them).  Aborts the test if it cannot be started.
 */
int tu_run_flowsim(const char *const *head, const char *const *args, char **out, char **err);

/* Load a scenario with the repository's SoC profiles; aborts the test (printing every
 * diagnostic) if it does not load.  scenario_free() the result. */
struct scenario;
struct scenario *tu_load_scenario(const char *path);

/* Read a whole file (test data); aborts the test on failure. g_free() the result. */
char *tu_read_file(const char *path, gsize *len);

#include "lab.h"

/* The lab router with the test suite's device names (veth0, veth1); aborts on errors. */
void tu_lab_init(struct lab *lab, const struct router_config *cfg, const char *ruleset);
void tu_lab_nft(struct lab *lab, const char *text, u64 now);
#define tu_lab_free lab_free
#define tu_lab_send lab_send
#define tu_lab_count lab_count

/* fw4's shape with a hardware flowtable on devices lan and wan (the PPE lab's names), all
 * TCP/UDP offloaded, masquerade out of wan. */
#define TU_RULES_HW_OFFLOAD \
	"table inet fw4 {\n" \
	"	flowtable ft { hook ingress priority 0; devices = { lan, wan }; counter; flags offload; }\n" \
	"	chain forward {\n" \
	"		type filter hook forward priority filter; policy accept;\n" \
	"		meta l4proto { tcp, udp } flow offload @ft\n" \
	"	}\n" \
	"	chain srcnat {\n" \
	"		type nat hook postrouting priority srcnat; policy accept;\n" \
	"		oifname \"wan\" meta nfproto ipv4 masquerade\n" \
	"	}\n" \
	"}\n"

#define TU_SEC(s) ((u64)(s) * 1000000000ULL)
#define TU_MS(ms) ((u64)(ms) * 1000000ULL)

#endif
