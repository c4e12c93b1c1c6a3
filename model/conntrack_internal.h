/* SPDX-License-Identifier: MIT */
/*
 * conntrack_internal.h - shared between the conntrack files; not part of the interface.
 */
#ifndef FS_CONNTRACK_INTERNAL_H
#define FS_CONNTRACK_INTERNAL_H

#include "conntrack.h"

struct conntrack_table {
	struct conntrack_params p;
	struct ct_tuplehash **bucket;
	u32 nbuckets;              /* power of two */
	u32 count;                 /* allocated entries, confirmed or not */
	u32 seed;
	struct fs_cache *cache;
	fs_event_fn ev;
	void *ev_arg;
	u32 gc_cursor;             /* next bucket the incremental GC scans */
	/* killed entries still referenced (by a flow or hardware work), linked through
	 * their unhashed tuplehash[0].next, like the kernel's dying list */
	struct ct_tuplehash *dying;
};

/* L4 verdicts of the per-protocol packet handlers */
enum ct_l4_verdict {
	CT_L4_ACCEPT,      /* valid: state and timeout updated */
	CT_L4_IGNORE,      /* accepted, but no state or timeout change (TCP "ignored") */
	CT_L4_INVALID,     /* -NF_ACCEPT: the packet passes untracked, ct state invalid */
	CT_L4_KILL,        /* accepted, and the entry is destroyed (RST before any reply) */
	CT_L4_REOPEN,      /* kill the old entry and treat the packet as a new connection */
};

/* Can pkt start a new connection of this protocol?  Initialises proto state if so. */
bool ct_tcp_new(struct conntrack_table *t, struct conntrack_entry *ct,
		const struct fs_packet *pkt);
enum ct_l4_verdict ct_tcp_packet(struct conntrack_table *t, struct conntrack_entry *ct,
				 enum ct_dir dir, const struct fs_packet *pkt, u64 now);
enum ct_l4_verdict ct_udp_packet(struct conntrack_table *t, struct conntrack_entry *ct,
				 enum ct_dir dir, const struct fs_packet *pkt, u64 now);


#endif
