/* SPDX-License-Identifier: MIT */
/*
 * pcap_reader.h - packets of a pcap or pcapng capture (libpcap reads both) decoded into
 * what the flow-offload core sees of a packet (struct fs_packet, model/packet.h): L3 and
 * L4 headers, TCP flags, sequence numbers, lengths, TTL, DSCP, fragment/option flags,
 * the VLAN/PPPoE headers of the frame, and the MACs when the link layer has them.
 *
 * Link types: EN10MB (Ethernet, with up to FS_ENCAP_MAX 802.1Q / 802.1ad tags and PPPoE
 * session headers in front of IP), LINUX_SLL and LINUX_SLL2 (`tcpdump -i any`; SLL2 also
 * carries the interface index), RAW, IPV4 and IPV6.  Timestamps are read in nanoseconds
 * whatever the file's precision.  The core never sees payload, so a capture cut by a
 * snap length is fine as long as the headers are there: lengths come from the IP header.
 *
 * What a packet can be:
 *  - decoded: pcap_reader_next() returns it;
 *  - skipped in every mode (well-formed, but not for the IP path): frames that are not
 *    IPv4/IPv6 (ARP, LLDP, PPPoE discovery, PPP control), and outgoing packets of an
 *    SLL/SLL2 capture when skip_outgoing is set;
 *  - undecodable: truncated headers, malformed IP (version, lengths), non-first
 *    fragments (no L4 header: the core cannot key them), more tags than FS_ENCAP_MAX, a
 *    link type the reader does not know.  TRACE_STRICT: the first one is an error
 *    "FILE: packet N (offset O, time T): expected ...", and the reader stops; TRACE_TOLERANT:
 *    it is skipped, counted by reason, and the first PCAP_WARN_MAX of them get a warning.
 * A file that is not a capture at all is an error in both modes ("FILE: not a pcap or
 * pcapng file (...)").  Packet numbers are 1-based record numbers of the file; offsets are
 * the byte offset of the record (pcap) or of the block reading started at (pcapng).
 */
#ifndef FS_PCAP_READER_H
#define FS_PCAP_READER_H

#include "trace_common.h"

#include "packet.h"

enum pcap_skip_reason {
	PCAP_SKIP_OUTGOING,      /* SLL/SLL2 outgoing packet, skip_outgoing set */
	PCAP_SKIP_NON_IP,        /* not IPv4/IPv6 */
	PCAP_SKIP_TRUNCATED,     /* captured bytes end inside the headers */
	PCAP_SKIP_MALFORMED,     /* impossible header values */
	PCAP_SKIP_FRAGMENT,      /* IP fragment other than the first */
	PCAP_SKIP_ENCAP,         /* more VLAN/PPPoE headers than the core models */
	PCAP_SKIP_LINKTYPE,      /* the file's link type is not supported */
	PCAP_SKIP__COUNT
};

/* Names in summaries: "outgoing", "non_ip", "truncated", ... */
const char *pcap_skip_reason_name(enum pcap_skip_reason r);

/* Warnings a tolerant read emits at most (the rest are only counted). */
#define PCAP_WARN_MAX 20

enum pcap_dir { PCAP_DIR_UNKNOWN, PCAP_DIR_IN, PCAP_DIR_OUT };

struct pcap_pkt {
	u64 ts_ns;                /* capture time stamp, ns since the epoch */
	u64 offset;               /* byte offset of the record in the file */
	u32 index;                /* 1-based record number */
	u32 caplen, wirelen;
	u8 direction;             /* enum pcap_dir (SLL/SLL2 only) */
	bool has_src_mac;         /* hdr.src_mac is the frame's (Ethernet, SLL with a MAC) */
	bool has_dst_mac;         /* hdr.dst_mac is the frame's (Ethernet) */
	u32 ifindex;              /* SLL2: the capturing interface's index; else 0 */
	/*
	 * t, seq, ack, win, payload, len, tcp_flags, ttl, dscp, flags (FRAG, IPOPT, DF),
	 * wscale (SYN: the option, else 0xff), num_encap/encap (the frame's tags, outermost
	 * first), src_mac/dst_mac (when known); iif, mark, gso_segs are 0.
	 */
	struct fs_packet hdr;
};

struct pcap_reader_opts {
	enum trace_mode mode;
	bool skip_outgoing;       /* drop SLL/SLL2 PACKET_OUTGOING records */
};

struct pcap_reader_stats {
	u64 records;              /* records read from the file */
	u64 decoded;              /* returned by pcap_reader_next() */
	u64 skipped[PCAP_SKIP__COUNT];
	u64 first_ts_ns;          /* stamp of the first record (decoded or not) */
};

struct pcap_reader;

/*
 * Open a capture.  NULL with an error in d: the file cannot be opened, is not a capture,
 * or (strict mode) has a link type the reader does not support.
 */
struct pcap_reader *pcap_reader_open(const char *path, const struct pcap_reader_opts *o,
				     struct trace_diags *d);
/* The same on a stream (owned by the reader from then on, even on failure). */
struct pcap_reader *pcap_reader_open_stream(FILE *fp, const char *display,
					    const struct pcap_reader_opts *o,
					    struct trace_diags *d);
/* 1: *out is the next decoded packet; 0: end of file; -1: error in d (the reader stops). */
int pcap_reader_next(struct pcap_reader *r, struct pcap_pkt *out);
const struct pcap_reader_stats *pcap_reader_get_stats(const struct pcap_reader *r);
int pcap_reader_linktype(const struct pcap_reader *r);    /* DLT_* of the file */
const char *pcap_reader_linktype_name(const struct pcap_reader *r);
void pcap_reader_close(struct pcap_reader *r);

/*
 * Decode one frame of link type dlt (DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
 * DLT_IPV4, DLT_IPV6) into out (ts/offset/index untouched).  0 on success, else 1 + the
 * enum pcap_skip_reason, with what was expected in why (may be NULL).
 */
int pcap_decode_frame(int dlt, const u8 *data, u32 caplen, u32 wirelen, struct pcap_pkt *out,
		      char *why, size_t why_size);

#endif /* FS_PCAP_READER_H */
