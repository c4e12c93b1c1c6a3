/* SPDX-License-Identifier: MIT */
/*
 * bundle.h - trace bundles: what traces/collect.sh records on a router, read back.
 *
 * A bundle is a directory (or a gzip-compressed tar of one directory, as collect.sh writes
 * it) laid out as docs/trace-bundle.md describes:
 *
 *   manifest                      key=value lines: format, version, device, SoC, kernel, ...
 *   collect.log                   what the collector could not record, and why
 *   static/...                    one-off records (uname, openwrt_release, cpuinfo,
 *                                 firewall.uci, ruleset.json, wed_enable, sysctl)
 *   samples/NNNNNN/time           unix=, uptime=, uptime_end= of sample NNNNNN (1-based)
 *   samples/NNNNNN/stat           /proc/stat
 *   samples/NNNNNN/nf_conntrack   /proc/net/nf_conntrack
 *   samples/NNNNNN/conntrack      `conntrack -L` (stdout; its trailer is in conntrack.stderr)
 *   samples/NNNNNN/<ppe>/entries  /sys/kernel/debug/<ppe>/entries, <ppe> = ppeN, ppe, mtk_ppe
 *   samples/NNNNNN/<ppe>/bind     /sys/kernel/debug/<ppe>/bind
 *
 * Two layers:
 *  1. bundle_open(): the container.  Reads the archive (own ustar/GNU/pax reader over GIO's
 *     gzip decompressor: no temporary files, no external tar, untrusted input) or walks the
 *     directory, checks the layout and the manifest, lists the samples.  Everything that
 *     makes the bundle unusable is a GError naming the file (and line/column for the
 *     manifest); oddities that do not (unknown files, a sample count that differs from the
 *     manifest's) are kept as warnings in b->diags.
 *  2. bundle_decode(): the samples, through the trace parsers (ppe_dump.h,
 *     conntrack_text.h, proc_stat.h): per sample the conntrack counts by flag and TCP state,
 *     the PPE occupancy by state per table, the CPU load of the interval ending there, and
 *     per connection its offload state in every sample with the PPE entries bound to it.
 *     Entries are not kept (a router's table is 16K lines per sample); bundle_sample_*()
 *     parse one sample's file again for per-entry output.
 *
 * Limits (untrusted input): BUNDLE_MAX_BYTES of file contents in all, BUNDLE_MAX_FILES
 * files, paths of at most BUNDLE_PATH_MAX bytes, no absolute paths, no "..", regular files
 * and directories only.
 */
#ifndef FLOWSIM_BUNDLE_H
#define FLOWSIM_BUNDLE_H

/* the core's port header (bool) must come before anything that pulls <stdbool.h> */
#include "conntrack_text.h"
#include "ppe_dump.h"
#include "ppe_hash.h"
#include "proc_stat.h"
#include "trace_common.h"

#include <glib.h>

#define BUNDLE_FORMAT "flowsim-trace-bundle"
#define BUNDLE_VERSION 1
#define BUNDLE_MANIFEST "manifest"

#define BUNDLE_MAX_BYTES (2048ull * 1024 * 1024)
#define BUNDLE_MAX_FILES 200000u
#define BUNDLE_PATH_MAX 512

#define BUNDLE_ERROR bundle_error_quark()
GQuark bundle_error_quark(void);

enum bundle_error_code {
	BUNDLE_ERROR_IO,        /* cannot read the file or directory */
	BUNDLE_ERROR_ARCHIVE,   /* not gzip/tar, truncated, corrupt, unsupported entry */
	BUNDLE_ERROR_LAYOUT,    /* no manifest, a sample directory that is not one */
	BUNDLE_ERROR_MANIFEST,  /* manifest syntax or values */
	BUNDLE_ERROR_LIMIT,     /* too big, too many files, path too long */
	BUNDLE_ERROR_PARSE,     /* bundle_decode() in strict mode: a sample file is malformed */
};

/* One key=value line of the manifest. */
struct bundle_kv {
	char *key;
	char *value;
	u32 line;
};

struct bundle_sample {
	u32 seq;                  /* N of samples/NNNNNN */
	char *dir;                /* "samples/000001" */
	bool has_unix;
	s64 unix_time;            /* `date +%s` when the sample started */
	bool has_uptime;
	u64 uptime_cs;            /* /proc/uptime at the start, centiseconds */
	bool has_uptime_end;
	u64 uptime_end_cs;        /* ... and when the sample's files were all read */
	double t;                 /* seconds since the first sample (see bundle_open) */
};

struct bundle {
	char *source;             /* the path given to bundle_open() */
	bool archive;             /* read from a .tar(.gz), else a directory */
	char *top;                /* the archive's top directory ("" when files are at its root) */
	GHashTable *files;        /* relative path -> GBytes (contents, NUL-terminated copy) */
	GPtrArray *paths;         /* every relative path, sorted */
	guint64 total_bytes;
	GArray *manifest;         /* struct bundle_kv in file order */
	char *manifest_text;
	u32 version;
	u32 interval;             /* seconds */
	bool complete;            /* the collector finished and packed the bundle */
	bool time_from_uptime;    /* t of the samples: /proc/uptime, else unix time, else seq */
	bool time_from_unix;
	GArray *samples;          /* struct bundle_sample, by seq */
	GPtrArray *ppe_dirs;      /* char *: PPE tables seen in the samples, sorted */
	struct trace_diags diags; /* warnings and notes found while opening */
};

/* Open a bundle: a directory, a .tar.gz (gzip magic) or a plain .tar.  NULL + error. */
struct bundle *bundle_open(const char *path, GError **error);
/* The same for an archive held in memory (name is used in messages; data is copied). */
struct bundle *bundle_open_bytes(const char *name, const void *data, gsize len,
				 GError **error);
void bundle_free(struct bundle *b);

/* Manifest value of key (NULL when absent). */
const char *bundle_manifest_get(const struct bundle *b, const char *key);
/* A file's contents (NUL-terminated, size without the NUL) or NULL. */
const char *bundle_get(const struct bundle *b, const char *relpath, gsize *len);
/* "SOURCE:relpath" (archives) or "SOURCE/relpath" (directories), for messages. g_free(). */
char *bundle_file_label(const struct bundle *b, const char *relpath);

/* ---- decoding -------------------------------------------------------------------------- */

/* A connection's state in one sample, from its conntrack line */
enum bundle_flow_state {
	BF_ABSENT,                /* not in this sample's table */
	BF_UNREPLIED,             /* [UNREPLIED]: no reply seen yet */
	BF_SLOW,                  /* replied, no flag: slow path */
	BF_ASSURED,               /* [ASSURED]: slow path, assured */
	BF_OFFLOAD,               /* [OFFLOAD]: in the flowtable (software fast path) */
	BF_HW_OFFLOAD,            /* [HW_OFFLOAD]: in the flowtable and in hardware */
	BF__COUNT
};
const char *bundle_flow_state_name(enum bundle_flow_state s);   /* "absent", "slow", ... */
char bundle_flow_state_letter(enum bundle_flow_state s);        /* '.', 'u', 's', 'a', 'O', 'H' */

/* One PPE table in one sample. */
struct bundle_ppe_occ {
	char dir[16];             /* "ppe0", "ppe", "mtk_ppe" */
	bool has_entries, has_bind;
	u32 entries;              /* entry lines of `entries` (or of `bind` without it) */
	u32 state[4];             /* by enum ppe_state */
	u32 bind_lines;           /* entry lines of `bind` */
	u32 ipv4, ipv6, other;    /* entries by family of the original tuple */
	u32 bad;                  /* lines skipped as malformed (tolerant mode) */
	u32 max_index;
	u32 bound_matched;        /* BND entries whose tuple is a direction of a listed connection */
	u32 bound_orphan;         /* BND entries matching no connection listed in this sample */
};

#define BUNDLE_TCP_STATES 16

struct bundle_ct_counts {
	bool present;             /* the sample has a listing */
	const char *source;       /* "nf_conntrack" or "conntrack" (static string) */
	u32 entries;
	u32 by_state[BF__COUNT];  /* by enum bundle_flow_state (BF_ABSENT unused) */
	u32 tcp, udp, icmp, other;
	u32 tcp_state[BUNDLE_TCP_STATES];   /* by enum tcp_ct_state, for TCP entries with one */
	u32 bad;                  /* malformed lines skipped */
};

struct bundle_cpu_load {
	s32 cpu;                  /* PROC_STAT_AGGREGATE or N */
	bool valid;               /* the interval had a value for this CPU */
	double busy_pct, softirq_pct, irq_pct, system_pct, user_pct;
};

struct bundle_point {
	u32 seq;
	double t;
	struct bundle_ct_counts ct;
	GArray *ppe;              /* struct bundle_ppe_occ, in b->ppe_dirs order (absent: zeros) */
	bool has_cpu;             /* CPU load of the interval from the previous stat sample */
	double cpu_seconds;       /* length of that interval (0 when unknown) */
	GArray *cpu;              /* struct bundle_cpu_load: aggregate first, then cpuN */
};

struct bundle_flow {
	char *key;                /* "udp 192.168.81.11:38720 -> x.x.x.x:3578" (orig direction) */
	char *reply;              /* reply direction, same form */
	bool has_tuple;           /* orig/reply hold the tuples (false: an address is redacted) */
	struct fs_tuple orig_tuple, reply_tuple;
	u8 l4num;
	u8 *state;                /* per point: enum bundle_flow_state */
	u8 *tcp_state;            /* per point: enum tcp_ct_state or CT_TEXT_TCP_STATE_NONE */
	u8 *ppe_bound;            /* per point: BND entries for either direction (<= 255) */
	u8 *ppe_unbound;          /* per point: UNB/FIN entries for either direction */
	u32 first, last;          /* points where it was listed */
};

struct bundle_decode_opts {
	bool strict;              /* any malformed line in a sample file is an error */
	const char *soc;          /* override the manifest's SoC (NULL: manifest) */
	u32 table_size;           /* PPE entries per table; 0: the SoC's default for the kernel */
};

struct bundle_timeline {
	GArray *points;           /* struct bundle_point, one per sample */
	GPtrArray *flows;         /* struct bundle_flow *, by first appearance */
	GHashTable *flow_index;   /* key -> index + 1 */
	const struct ppe_soc_geometry *soc;   /* NULL when unknown */
	u8 netsys;                /* layout the PPE lines were checked with (0: unknown) */
	u32 table_size;           /* 0 when unknown */
	char *table_size_source;  /* "--table-size", "mt7986 default for kernel 6.6", ... */
	u32 kmajor, kminor;       /* from the manifest's kernel (0.0 when unknown) */
	struct trace_diags diags; /* what the parsers reported */
};

/*
 * Decode every sample.  Tolerant mode (the default): malformed lines are counted and
 * reported as warnings in tl->diags.  Strict mode: the first one is a BUNDLE_ERROR_PARSE
 * error naming the file, line and column.  NULL + error.
 */
struct bundle_timeline *bundle_decode(const struct bundle *b, const struct bundle_decode_opts *o,
				      GError **error);
void bundle_timeline_free(struct bundle_timeline *tl);

/* The netsys value for ppe_dump_opts of a SoC (0 when unknown or Airoha). */
u8 bundle_soc_netsys(const struct ppe_soc_geometry *g);
/* Look up a SoC name as the manifest gives it ("mt7986a", "en7581", "MT7621"). */
const struct ppe_soc_geometry *bundle_soc_lookup(const char *name);

/* ---- one sample's files, parsed again (per-entry output) ---------------------------------- */

/* The PPE file of a sample (bind: the bind file) or NULL with no error when absent. */
struct ppe_dump *bundle_sample_ppe(const struct bundle *b, const struct bundle_sample *s,
				   const char *ppe_dir, bool bind, u8 netsys, bool strict,
				   GError **error);
/*
 * The conntrack listing of a sample (nf_conntrack, else conntrack + conntrack.stderr) as a
 * GArray of struct ct_text_entry; NULL with no error when the sample has none.  *source is
 * set to the file used.
 */
GArray *bundle_sample_conntrack(const struct bundle *b, const struct bundle_sample *s,
				bool strict, const char **source, struct trace_diags *diags,
				GError **error);

/*
 * A connection's direction as bundle_flow.key prints it ("tcp 10.0.0.1:5 -> 10.0.0.2:80",
 * "[2001:db8::1]:5" for IPv6, the author's text for a redacted address), and a PPE entry's
 * original tuple in the same form, so that equal strings mean "this entry carries that
 * direction".  bundle_ppe_key() gives NULL for types without ports (3T, 6RD).  g_free().
 */
char *bundle_ct_key(const struct ct_text_entry *e, bool reply);
char *bundle_ppe_key(const struct ppe_dump_line *l, u8 netsys);

#endif /* FLOWSIM_BUNDLE_H */
