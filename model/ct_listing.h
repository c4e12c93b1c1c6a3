/* SPDX-License-Identifier: MIT */
/*
 * ct_listing.h - conntrack as users see it: /proc/net/nf_conntrack lines (ct_seq_show in
 * nf_conntrack_standalone.c), `conntrack -L` lines and `conntrack -E` events
 * (libnetfilter_conntrack's default output over ctnetlink).  Spec linux-flowtable.md §3.6.
 *
 * The differences that matter for offload: an offloaded entry prints no timeout and no TCP
 * state in /proc and -L, exactly one of [HW_OFFLOAD]/[OFFLOAD]/[ASSURED], and use=2 (-L) or
 * use=3 (/proc, whose reader holds a reference of its own while printing).  Events print a
 * timeout even for offloaded entries (ctnetlink_conntrack_event), the TCP state only when
 * it changed, counters only on [DESTROY], and neither mark (when 0) nor use.
 */
#ifndef FS_CT_LISTING_H
#define FS_CT_LISTING_H

#include "conntrack.h"

struct ct_listing_opts {
	u8 acct;          /* print packets=/bytes= (nf_conntrack_acct) */
	u8 zones;         /* /proc: CONFIG_NF_CONNTRACK_ZONES prints zone=0 (OpenWrt, Debian) */
	u8 extended;      /* conntrack -o extended: l3 columns in -L and -E */
	u8 timestamp;     /* conntrack -E -o timestamp: "[sec.usec]\t" prefix */
};

/* One /proc/net/nf_conntrack line with its newline. Returns length or -1 if too small. */
int ct_listing_proc_line(const struct conntrack_entry *ct, u64 now,
			 const struct ct_listing_opts *o, char *buf, size_t size);
/* One `conntrack -L` line with its newline. */
int ct_listing_cli_line(const struct conntrack_entry *ct, u64 now,
			const struct ct_listing_opts *o, char *buf, size_t size);
/* One `conntrack -E` line for FS_EV_CT_NEW/UPDATE/DESTROY (others: returns 0). */
int ct_listing_event_line(const struct fs_event *ev, const struct ct_listing_opts *o,
			  char *buf, size_t size);

enum ct_listing_kind { CT_LISTING_PROC, CT_LISTING_CLI };

/*
 * A whole table.  Appends to buf (NUL-terminated) and returns the length, or -1 if it
 * does not fit.  CLI listings end with conntrack-tools' summary line, as users paste it.
 */
int ct_listing_table(struct conntrack_table *t, u64 now, enum ct_listing_kind kind,
		     const struct ct_listing_opts *o, char *buf, size_t size);

#endif
