/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim.h - the seam between the two halves of the kernel shim.
 *
 * kshim_core.c is the model-facing half: it includes the core's headers (router.h,
 * ct_listing.h, ppe.h, fw4.h) and only generic kernel headers, because the core defines
 * names (IPS_*, struct flow_offload ...) that the kernel's netfilter headers define too.
 * kshim_net.c and kshim_main.c are the kernel-facing half (netfilter, netns, debugfs,
 * module parameters) and see the core only through this header, which uses nothing but
 * the port header's types and the core's fs_-prefixed packet/device types.
 *
 * Locking invariant: one spinlock in struct kshim_core serializes every call into the
 * core (packets from softirq on any CPU, timers and debugfs from process context); it is
 * always taken with spin_lock_bh.  The core is never entered without it once the router
 * is live.  Functions below say whether they take it.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include "packet.h"
#include "netdev.h"

#define KSHIM_NAME "flowsim"

struct kshim_core;

struct kshim_core_cfg {
	char soc[16];          /* "none" or a PPE SoC known to ppe_config_for_soc() */
	u16 kernel;            /* major * 100 + minor */
	u8 ct_openwrt;         /* conntrack profile: 0 = linux (Debian), 1 = openwrt */
	u32 events_max;        /* lines kept in the event ring */
};

/* Module load / unload (process context). */
struct kshim_core *kshim_core_create(const struct kshim_core_cfg *cfg, char *err, size_t errlen);
void kshim_core_destroy(struct kshim_core *c);
/* PPE instances of the configured SoC (0 with soc=none). */
u32 kshim_core_num_ppe(const struct kshim_core *c);
bool kshim_core_has_ppe(const struct kshim_core *c);

/*
 * Attach: kshim_core_router_new() creates a router that is not yet live, the caller fills
 * its network configuration through kshim_core_netconf() (no lock: nothing else sees it),
 * then kshim_core_router_start() attaches the PPE model and makes it live.  Detach:
 * kshim_core_router_stop() (takes the lock, the router stops taking packets) and, once no
 * hook can run any more, kshim_core_router_free().
 */
int kshim_core_router_new(struct kshim_core *c);
struct fs_netconf *kshim_core_netconf(struct kshim_core *c);
void kshim_core_router_start(struct kshim_core *c);
void kshim_core_router_stop(struct kshim_core *c);
void kshim_core_router_free(struct kshim_core *c);
bool kshim_core_attached(const struct kshim_core *c);

/* Render fw4's defaults (OpenWrt's shipped firewall; lan/wan = the given devices).
 * Returns a kvmalloc'ed NUL-terminated text (kvfree it) or NULL.  Takes the lock. */
char *kshim_core_fw4_default(struct kshim_core *c, const char *lan, const char *wan,
			     bool offload, bool offload_hw);

/* Apply nft text (takes the lock).  0, or -EINVAL with the parser's message in err. */
int kshim_core_apply_ruleset(struct kshim_core *c, const char *text, size_t len,
			     char *err, size_t errlen);

/* One "name value" sysctl line (takes the lock): 0, -EINVAL (err says why). */
int kshim_core_sysctl_set(struct kshim_core *c, const char *name, u32 value, char *err,
			  size_t errlen);
/* All sysctls as "name value\n" lines; returns the length or -ENOSPC. */
int kshim_core_sysctl_format(struct kshim_core *c, char *buf, size_t size);

/* Per packet (softirq, takes the lock): due timers, neighbour learning, router_receive. */
void kshim_core_receive(struct kshim_core *c, struct fs_packet *pkt);
/* ARP: the sender's address and MAC as seen on device iif (vlan: 0 = untagged). */
void kshim_core_learn(struct kshim_core *c, u16 iif, u16 vlan, u8 family,
		      const union fs_addr *addr, const u8 *mac);
/* NETDEV_UP/DOWN of a mirrored device (takes the lock). */
void kshim_core_dev_state(struct kshim_core *c, u16 idx, bool up);
/* Run due timers (takes the lock); returns ns until they are next due. */
u64 kshim_core_timers(struct kshim_core *c);

/* Counters the kernel half keeps about what it could not hand to the core. */
void kshim_core_count_skip(struct kshim_core *c, bool non_ip);

enum kshim_dump {
	KSHIM_DUMP_PROC,       /* /proc/net/nf_conntrack */
	KSHIM_DUMP_CLI,        /* conntrack -L */
	KSHIM_DUMP_FLOWTABLE,
	KSHIM_DUMP_EVENTS,     /* drains the event ring */
	KSHIM_DUMP_STATS,
	KSHIM_DUMP_PPE_ENTRIES,
	KSHIM_DUMP_PPE_BIND,
};

/*
 * Write a listing into buf (takes the lock).  Returns the length (NUL-terminated,
 * < size), -ENOSPC if it does not fit (nothing is consumed: retry with a bigger
 * buffer), -ENODEV when there is nothing to list (PPE index out of range).
 * Listings of a detached shim are empty.
 */
long kshim_core_dump(struct kshim_core *c, enum kshim_dump kind, int idx, char *buf,
		     size_t size);
/* A size hint for the first try of kshim_core_dump(). */
size_t kshim_core_dump_hint(struct kshim_core *c, enum kshim_dump kind);

/* kshim_net.c: netns attach/detach and hooks (process context, caller serializes). */
int kshim_net_attach(struct kshim_core *c, int pid, const char *devices, char *err,
		     size_t errlen);
void kshim_net_detach(struct kshim_core *c);
bool kshim_net_attached(void);
/* "pid N netns-inode I devices a,b" for reading back the attach file. */
int kshim_net_describe(char *buf, size_t size);
int kshim_net_init(void);
void kshim_net_exit(void);

#endif /* KSHIM_H */
