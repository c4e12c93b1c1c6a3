/* SPDX-License-Identifier: MIT */
/*
 * kernel_compare.h - what the parts of kernel_compare (the host side of the kernel reference
 * test, tests/kernel/run.sh) share: the per-connection timelines each column's conntrack
 * listing yields, the report they are collected into, and the functions between the files.
 *
 *   kernel_compare.c        main, pcap-merge (with --split-at), first-time
 *   kernel_compare_load.c   timelines from kernel_sampler files, simulator trace
 *                           directories and the guest's events file
 *   kernel_compare_judge.c  the decision and the printed report (`report`)
 *
 * Invariants: column 0 is always the real kernel, 1 the kernel shim, 2 the simulator replay;
 * times are seconds since the report's time 0 (the realtime of the first captured packet);
 * a struct conn owns its timelines, struct report owns its conns (r->conns frees them with
 * conn_free).
 */
#ifndef KERNEL_COMPARE_H
#define KERNEL_COMPARE_H

#include <stdbool.h>

#include <glib.h>

#define MAX_COLS 3
#define TIME_TOL 1.0
#define ORDER_GAP 2.0
#define END_MARGIN 1.0

enum ev_kind { EV_SEEN, EV_OFFLOAD, EV_CLEAR, EV_GONE, EV_KINDS };
extern const char *const ev_names[EV_KINDS];

struct ev {
	enum ev_kind kind;
	double t;                 /* seconds since the report's time 0 */
};

/* One column's view of one connection. */
struct timeline {
	GArray *evs;              /* struct ev */
	double end;               /* last time this column observed (its window) */
	bool present;             /* in the last sample */
	bool offloaded;           /* in the last sample */
	bool ever_offloaded;
};

struct conn {
	char *key;
	bool is_tcp;
	struct timeline col[MAX_COLS];
	bool in_col[MAX_COLS];
};

struct column {
	const char *name;
	bool used;
	double end;               /* last sample time */
	double start;
	GHashTable *conns;        /* key -> struct timeline* owned by struct conn */
	unsigned samples;
};

struct report {
	GHashTable *conns;        /* key -> struct conn* */
	GPtrArray *order;         /* struct conn*, in order of first appearance */
	struct column col[MAX_COLS];
	double zero;              /* realtime of time 0 */
	bool have_clock;
	double boot_to_real;      /* realtime - boottime, from the events file */
};

/* Print "kernel_compare: <message>" to stderr; returns 2 (bad input). */
int die_input(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* kernel_compare.c */
double first_packet_time(const char *pcap_path, int *rc);

/* kernel_compare_load.c: each returns 0, 1 (a malformed listing line) or 2 (bad input). */
int load_sampler_file(struct report *r, int ci, const char *path);
int load_sim_part(struct report *r, int ci, const char *spec, GHashTable *claimed);
int load_events(struct report *r, const char *path, GString *o);
void conn_free(gpointer p);

/* kernel_compare_judge.c */
int cmd_report(int argc, char **argv);

#endif /* KERNEL_COMPARE_H */
