/* SPDX-License-Identifier: MIT */
/*
 * iperf3_json.h - reader for `iperf3 -J` output (client or server side), via json-glib.
 *
 * What is extracted (iperf3 3.x layout, checked against iperf 3.12 output):
 *  - start: the connected streams (start.connected[]), test_start.{protocol, num_streams,
 *    duration, omit, reverse}, the version string and start.timestamp.timesecs;
 *  - intervals[]: each interval's "sum" (start, end, seconds, bytes, bits_per_second,
 *    retransmits when TCP, omitted) and, with --bidir, "sum_bidir_reverse";
 *  - end: sum_sent and sum_received (bits_per_second, bytes, seconds, retransmits), the
 *    UDP "sum" (jitter, loss) that older iperf3 prints instead of sum_sent/sum_received,
 *    the --bidir reverse sums, and cpu_utilization_percent host_* / remote_*;
 *  - the top-level "error" iperf3 writes when the test failed.
 *
 * Errors: the input is checked for NUL bytes and invalid UTF-8 (with line:column), then
 * scanned for its structure, so truncated JSON is reported as such ("the input ends inside
 * the object opened at line 67, column 16") next to json-glib's own line:column message
 * (which, for a truncated document, names some unexpected character near the end); other syntax
 * errors carry json-glib's line:column.  Missing or mistyped fields name their JSON path
 * ("end.sum_sent.bits_per_second") and the line:column where json-glib finished the value
 * or the enclosing object.
 *
 * Modes: strict fails on the first problem (syntax, a missing or mistyped field, trailing
 * text after the JSON, an "error" reported by iperf3).  Tolerant still fails on syntax
 * errors (JSON cannot be resynchronised), but skips text before the first line starting with
 * '{' (shell prompts, warnings), ignores trailing text, turns missing/mistyped fields into
 * warnings (the field is marked absent, an interval without a usable sum is skipped) and
 * keeps iperf3's "error" in the result.
 */
#ifndef FS_IPERF3_JSON_H
#define FS_IPERF3_JSON_H

#include "trace_common.h"

struct iperf3_sum {
	bool present;
	double start, end, seconds;
	u64 bytes;
	double bits_per_second;
	bool has_retransmits;        /* TCP sender side (Linux) */
	u64 retransmits;
	bool has_udp;                /* UDP: jitter and loss */
	double jitter_ms;
	u64 lost_packets, packets;
	double lost_percent;
	bool omitted;                /* interval sums: inside the -O omit period */
};

struct iperf3_interval {
	struct iperf3_sum sum;
	struct iperf3_sum sum_reverse;  /* --bidir: sum_bidir_reverse */
	u32 streams;                    /* entries in the interval's streams[] */
};

struct iperf3_cpu {
	bool present;
	double host_total, host_user, host_system;
	double remote_total, remote_user, remote_system;
};

struct iperf3_result {
	char *version;                /* "iperf 3.12"; NULL if absent */
	bool server;                  /* server-side output (start.accepted_connection) */
	u32 connected;                /* streams in start.connected[] */
	bool has_timesecs;
	u64 timesecs;                 /* start.timestamp.timesecs */
	/* start.test_start */
	bool has_test_start;
	char protocol[8];             /* "TCP", "UDP", "SCTP" */
	u32 num_streams;
	double duration;              /* seconds requested (-t) */
	u32 omit;                     /* seconds omitted (-O) */
	bool reverse;                 /* -R */
	bool bidir;                   /* --bidir (seen from the reverse sums) */
	/* intervals */
	GArray *intervals;            /* struct iperf3_interval */
	/* end */
	struct iperf3_sum sum_sent;
	struct iperf3_sum sum_received;
	struct iperf3_sum sum_udp;    /* end.sum (UDP) */
	struct iperf3_sum sum_sent_reverse;      /* --bidir */
	struct iperf3_sum sum_received_reverse;  /* --bidir */
	struct iperf3_cpu cpu;
	char *sender_congestion;      /* "cubic", "bbr"; NULL if absent */
	char *receiver_congestion;
	char *error;                  /* iperf3's own "error"; NULL if none */
};

void iperf3_result_init(struct iperf3_result *r);
void iperf3_result_clear(struct iperf3_result *r);  /* frees; r can be re-used after init */

/*
 * Parse iperf3 -J output.  name is used in diagnostics.  Returns 0 on success, -1 on
 * failure (diagnostics say why).  r must have been initialised; it is cleared first.
 */
int iperf3_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			struct iperf3_result *r, struct trace_diags *diags);
int iperf3_parse_file(const char *path, enum trace_mode mode, struct iperf3_result *r,
		      struct trace_diags *diags);

/*
 * The receiver-side throughput iperf3 prints on its "receiver" summary line: sum_received,
 * or the UDP sum for old output.  0 if neither is present.
 */
double iperf3_received_bps(const struct iperf3_result *r);
/* Mean of the interval sums' bits_per_second, omitted intervals excluded; 0 if none. */
double iperf3_mean_interval_bps(const struct iperf3_result *r);

#endif /* FS_IPERF3_JSON_H */
