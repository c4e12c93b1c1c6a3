/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text.h - parser for the text forms of the conntrack table and its events.
 *
 * One grammar covers every form a router prints (spec/linux-flowtable.md §3.6,
 * spec/mediatek-ppe-wed.md §4.3-4.4); each part in brackets is optional:
 *
 *   [stamp] [event] [l3name l3num] l4name l4num [timeout] [state]
 *       orig-tuple [zone-orig=] [packets= bytes=] [[UNREPLIED]]
 *       reply-tuple [zone-reply=] [packets= bytes=]
 *       [[HW_OFFLOAD] | [OFFLOAD] | [ASSURED]]
 *       [mark=] [secmark=] [secctx=] [zone=] [delta-time=] [[start=..]] [[stop=..]]
 *       [helper=] [use=] [id=] [labels=]
 *
 *  - /proc/net/nf_conntrack (nf_conntrack_standalone.c: ct_seq_show): l3 columns, no event;
 *  - `conntrack -L` (libnetfilter_conntrack snprintf_default.c): no l3 columns, and a
 *    trailer line "conntrack v1.4.6 (conntrack-tools): N flow entries have been shown."
 *    whose N is checked against the entries parsed since the previous trailer;
 *  - `conntrack -E`: an event tag "%9s " ("    [NEW]", " [UPDATE]", "[DESTROY]") first;
 *  - `-o extended`: l3 columns; `-o timestamp`: a "[%-8ld.%-6ld]\t" prefix - note the
 *    microseconds are printed left-justified and space-padded, not zero-padded, so
 *    "[1700000000.1234  ]" is 1234 us;
 *  - pasted output with a "HH:MM:SS" wall-clock prefix (data/traces file 07).
 * A tuple is src= dst= then, by protocol, sport= dport= (tcp, udp, udplite, sctp, dccp),
 * type= code= id= (icmp, icmpv6), srckey=0x dstkey=0x (gre), nothing (unknown).
 * Offloaded entries print no timeout and no TCP state; events print no use=.  In /proc, GRE
 * entries print "timeout=%u, stream_timeout=%u " where TCP prints its state
 * (nf_conntrack_proto_gre.c: gre_print_conntrack).
 *
 * Redacted addresses (x.x.x.x, a run of x letters, 192.168.1.x: invalid as an address but made of
 * masking letters) are kept as text with .redacted set; they are not errors.
 *
 * A line that is not conntrack at all (PPE dump lines, a bare time stamp, a shell prompt) is
 * told apart from a conntrack line that is malformed: the first is CT_TEXT_LINE_OTHER, the
 * second CT_TEXT_LINE_MALFORMED with the column and what was expected.  A bare time line
 * ("17:14:30" or unix seconds) between samples also sets the sample time of the entries
 * that follow it in a file.
 *
 * Parsing allocates nothing: an entry is a fixed-size struct filled in place.
 */
#ifndef FS_CONNTRACK_TEXT_H
#define FS_CONNTRACK_TEXT_H

#include "tuple.h"
#include "trace_common.h"

#define CT_TEXT_ADDR_LEN 48   /* INET6_ADDRSTRLEN (46) rounded up */
#define CT_TEXT_NAME_LEN 16
#define CT_TEXT_ERR_LEN 200

enum ct_text_event {
	CT_TEXT_EVENT_NONE,      /* a table listing line */
	CT_TEXT_EVENT_NEW,
	CT_TEXT_EVENT_UPDATE,
	CT_TEXT_EVENT_DESTROY,
};

enum ct_text_stamp {
	CT_TEXT_STAMP_NONE,
	CT_TEXT_STAMP_UNIX,      /* conntrack -o timestamp: "[sec.usec]" */
	CT_TEXT_STAMP_CLOCK,     /* pasted "HH:MM:SS[.frac]": seconds since midnight */
};

enum ct_text_l4_kind {
	CT_TEXT_L4_NONE,         /* generic protocol: addresses only */
	CT_TEXT_L4_PORTS,        /* sport= dport= */
	CT_TEXT_L4_ICMP,         /* type= code= id= */
	CT_TEXT_L4_GRE,          /* srckey= dstkey= */
};

/* Status flags as printed (not the kernel's IPS_* bits: see ct_text_status_bits()). */
#define CT_TEXT_UNREPLIED  0x01u
#define CT_TEXT_ASSURED    0x02u
#define CT_TEXT_OFFLOAD    0x04u
#define CT_TEXT_HW_OFFLOAD 0x08u

#define CT_TEXT_TCP_STATE_NONE 0xffu  /* no TCP state printed / not TCP */

struct ct_text_addr {
	char text[CT_TEXT_ADDR_LEN];  /* exactly as printed */
	union fs_addr addr;           /* host order, as tuple.h; zero when redacted */
	u8 family;                    /* FS_AF_INET / FS_AF_INET6; 0 when redacted */
	bool redacted;
};

struct ct_text_tuple {
	struct ct_text_addr src;
	struct ct_text_addr dst;
	u8 l4_kind;                   /* enum ct_text_l4_kind */
	u16 sport, dport;             /* CT_TEXT_L4_PORTS */
	u8 icmp_type, icmp_code;      /* CT_TEXT_L4_ICMP */
	u16 icmp_id;
	u32 gre_srckey, gre_dstkey;   /* CT_TEXT_L4_GRE */
	bool has_zone;                /* zone-orig= / zone-reply= */
	u16 zone;
	bool has_counters;            /* packets= bytes= (nf_conntrack_acct) */
	u64 packets, bytes;
};

struct ct_text_entry {
	u32 line;                     /* 1-based line in its file; 0 for a single line */
	/* prefix */
	u8 event;                     /* enum ct_text_event */
	u8 stamp;                     /* enum ct_text_stamp */
	s64 stamp_sec;                /* unix seconds, or seconds since midnight */
	u32 stamp_usec;
	bool has_sample_time;         /* a bare time line preceded this entry in its file */
	u8 sample_stamp;              /* enum ct_text_stamp of that line */
	s64 sample_sec;
	u32 sample_usec;
	/* protocol columns */
	bool has_l3;                  /* /proc and -o extended */
	char l3_name[CT_TEXT_NAME_LEN];
	u8 l3_num;                    /* 2 ipv4, 10 ipv6 */
	char l4_name[CT_TEXT_NAME_LEN];
	u8 l4_num;
	bool has_timeout;             /* absent for offloaded entries and some events */
	u32 timeout;                  /* seconds */
	bool has_state;
	char state[CT_TEXT_NAME_LEN]; /* "ESTABLISHED", sctp/dccp state names too */
	u8 tcp_state;                 /* enum tcp_ct_state, or CT_TEXT_TCP_STATE_NONE */
	bool has_gre_timeouts;        /* /proc gre: "timeout=%u, stream_timeout=%u " */
	u32 gre_timeout, gre_stream_timeout;
	/* tuples */
	struct ct_text_tuple orig;
	struct ct_text_tuple reply;
	u32 flags;                    /* CT_TEXT_UNREPLIED | one of ASSURED/OFFLOAD/HW_OFFLOAD */
	/* trailing fields */
	bool has_mark;
	u32 mark;
	bool has_secmark;
	u32 secmark;
	bool has_secctx;
	bool has_zone;
	u16 zone;
	bool has_delta_time;
	u64 delta_time;
	bool has_start, has_stop;     /* -o ktimestamp "[start=<ctime>]" "[stop=<ctime>]" */
	bool has_helper;
	char helper[CT_TEXT_NAME_LEN];
	bool has_use;
	u32 use;
	bool has_id;
	u32 id;
	bool has_labels;
	u8 redacted;                  /* number of redacted addresses in the line */
};

enum ct_text_line_kind {
	CT_TEXT_LINE_ENTRY,      /* *entry filled */
	CT_TEXT_LINE_TRAILER,    /* conntrack-tools summary: meta->count/events/version */
	CT_TEXT_LINE_BLANK,
	CT_TEXT_LINE_COMMENT,    /* first non-blank character is '#' */
	CT_TEXT_LINE_TIME,       /* a bare time stamp line: meta->stamp/sec/usec */
	CT_TEXT_LINE_OTHER,      /* not conntrack (PPE dump, prompt, ...): err says what */
	CT_TEXT_LINE_MALFORMED,  /* conntrack, but not well-formed: err says where and why */
};

/* What a line that is not an entry carried: a trailer, or a bare time stamp. */
struct ct_text_meta {
	/* CT_TEXT_LINE_TRAILER */
	u32 count;               /* N of "N flow entries/events have been shown." */
	bool events;             /* "flow events" (conntrack -E) rather than "flow entries" */
	char version[CT_TEXT_NAME_LEN];
	/*
	 * CT_TEXT_LINE_TIME: "HH:MM:SS[.frac]" (CT_TEXT_STAMP_CLOCK), or unix seconds as
	 * `date +%s[.%N]` prints them or as a lone "[sec.usec]" (CT_TEXT_STAMP_UNIX).
	 */
	u8 stamp;                /* enum ct_text_stamp */
	s64 sec;
	u32 usec;
};

struct ct_text_error {
	u32 column;              /* 1-based byte column of the offending token; 0 whole line */
	char message[CT_TEXT_ERR_LEN];
};

/*
 * Parse one line (without its terminator).  `len` bytes are read, NUL bytes included
 * (a NUL is an unexpected character).  entry, meta and err must be non-NULL; all three are
 * cleared first.
 */
enum ct_text_line_kind ct_text_parse_line(const char *text, size_t len,
					  struct ct_text_entry *entry,
					  struct ct_text_meta *meta,
					  struct ct_text_error *err);

struct ct_text_stats {
	u32 lines;
	u32 entries;             /* CT_TEXT_LINE_ENTRY lines accepted, events included */
	u32 events;              /* of which event lines */
	u32 blank;
	u32 comments;
	u32 time_lines;          /* bare time stamp lines (also counted in not_conntrack) */
	u32 not_conntrack;       /* skipped: CT_TEXT_LINE_OTHER and time lines */
	u32 malformed;           /* skipped (tolerant) or fatal (strict) */
	u32 trailers;
	u32 trailer_mismatches;
	u32 redacted_addrs;
	u32 offloaded;           /* entries with [OFFLOAD] or [HW_OFFLOAD] */
	u32 hw_offloaded;
};

/* Called for each accepted entry; a nonzero return stops parsing and is returned. */
typedef int (*ct_text_entry_fn)(const struct ct_text_entry *e, void *arg);

/*
 * Parse a whole input.  name is used in diagnostics.  Returns 0 on success, -1 when strict
 * mode met a bad line or the input could not be read (diagnostics say why), or the
 * callback's nonzero value.  stats and diags may be NULL; fn may be NULL (count only).
 *
 * Per line: blank and '#' lines are skipped silently; an entry is checked to have the same
 * shape (l3 columns, event or not, stamp kind) as the file's first entry; a trailer's N is
 * checked against the entries since the previous trailer; OTHER lines are a note
 * ("not a conntrack line"), MALFORMED lines a warning, in tolerant mode, and an error that
 * stops parsing in strict mode.  Shape and trailer mismatches are warnings in tolerant mode
 * (the entry is kept).
 */
int ct_text_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags);
int ct_text_parse_stream(const char *name, FILE *fp, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags);
int ct_text_parse_file(const char *path, enum trace_mode mode, ct_text_entry_fn fn, void *arg,
		       struct ct_text_stats *stats, struct trace_diags *diags);

/* All entries of a file in a GArray of struct ct_text_entry; NULL on failure. */
GArray *ct_text_load_file(const char *path, enum trace_mode mode, struct ct_text_stats *stats,
			  struct trace_diags *diags);

/*
 * The kernel status bits (conntrack.h IPS_*) a listed entry implies: SEEN_REPLY unless
 * [UNREPLIED], ASSURED, OFFLOAD (also for [HW_OFFLOAD], which the kernel only sets on an
 * offloaded entry), HW_OFFLOAD.  [OFFLOAD] hides ASSURED in the listing (ct_seq_show prints
 * one flag only), so an offloaded entry's ASSURED bit is unknown and reported as unset.
 */
u32 ct_text_status_bits(const struct ct_text_entry *e);

/* The kernel tuple of one direction; false if an address is redacted. */
bool ct_text_to_fs_tuple(const struct ct_text_entry *e, const struct ct_text_tuple *t,
			 struct fs_tuple *out);

const char *ct_text_event_name(enum ct_text_event ev);  /* "NEW", "UPDATE", "DESTROY", "" */

#endif /* FS_CONNTRACK_TEXT_H */
