/* SPDX-License-Identifier: MIT */
/*
 * event.h - every state change of the core, reported through one callback.
 *
 * The simulator records events in its results database and writes them as `conntrack -E`
 * lines; the kernel shim logs them to debugfs; tests assert on them.  The callback runs
 * synchronously inside the core call that caused the change, so it must not call back
 * into the core.
 */
#ifndef FS_EVENT_H
#define FS_EVENT_H

#include "tuple.h"

enum fs_event_type {
	FS_EV_CT_NEW,          /* conntrack entry confirmed (first packet left the router) */
	FS_EV_CT_UPDATE,       /* ctnetlink [UPDATE] at the end of a packet: detail = CT_EVMASK_* */
	FS_EV_CT_ASSURED,      /* IPS_ASSURED set */
	FS_EV_CT_STATE,        /* TCP state changed */
	FS_EV_CT_OFFLOAD,      /* IPS_OFFLOAD set: flow entered the flowtable */
	FS_EV_CT_HW_OFFLOAD,   /* IPS_HW_OFFLOAD set: a driver accepted a direction */
	FS_EV_CT_HW_OFFLOAD_CLEAR, /* IPS_HW_OFFLOAD cleared (hardware rule destroyed) */
	FS_EV_CT_TIMEOUT_FIXUP,/* flowtable teardown rewrote the conntrack timeout */
	FS_EV_CT_DESTROY,      /* conntrack entry removed */
	FS_EV_CT_DROP_FULL,    /* new connection dropped: nf_conntrack_max reached */
	FS_EV_FLOW_ADD,        /* flowtable entry created */
	FS_EV_FLOW_TEARDOWN,   /* flowtable entry torn down (reason in detail) */
	FS_EV_FLOW_DEL,        /* flowtable entry freed */
	FS_EV_PPE_UNBIND,      /* PPE created an UNBIND entry */
	FS_EV_PPE_BIND,        /* PPE entry bound */
	FS_EV_PPE_AGED,        /* PPE entry aged out by hardware */
	FS_EV_PPE_CLEAR,       /* PPE entry cleared by the driver */
	FS_EV_PPE_FULL,        /* no free way in the bucket: flow stays in software */
	FS_EV_WED_ATTACH,      /* first flow on a WED instance */
	FS_EV_WED_DETACH,      /* last flow left a WED instance */
	FS_EV_WED_STALE,       /* a bound WED entry points at a station that roamed away */
	FS_EV__COUNT
};

/* FS_EV_FLOW_TEARDOWN detail */
enum fs_teardown_reason {
	FS_TEARDOWN_TIMEOUT = 1,   /* idle past the flowtable timeout (GC) */
	FS_TEARDOWN_TCP_FLAGS,     /* FIN or RST on the fast path (<= 6.13) */
	FS_TEARDOWN_CLOSING_SYN,   /* SYN on a CLOSING flow (NF_FLOW_CLOSING kernels) */
	FS_TEARDOWN_CT_DYING,      /* conntrack entry died underneath */
	FS_TEARDOWN_DEV_DOWN,      /* NETDEV_DOWN on a device of the flow */
	FS_TEARDOWN_FLUSH,         /* flowtable deleted (fw4 reload) */
	FS_TEARDOWN_ROUTE,         /* cached route became stale */
};

struct fs_event {
	u64 time;                  /* ns, the "now" of the call that caused it */
	enum fs_event_type type;
	u32 detail;                /* type-specific: reason, new TCP state, PPE index ... */
	u32 aux;                   /* type-specific: PPE number, direction, WED index ... */
	struct fs_tuple orig;      /* the connection's original-direction tuple */
	struct fs_tuple reply;     /* and its reply tuple (after NAT) */
	const struct conntrack_entry *ct; /* may be NULL (PPE events without a flow) */
};

/* FS_EV_CT_UPDATE detail: what changed during the packet (the kernel's IPCT_* cache) */
#define CT_EVMASK_REPLY     0x01   /* first reply seen */
#define CT_EVMASK_ASSURED   0x02
#define CT_EVMASK_PROTOINFO 0x04   /* TCP state changed: the event prints the state */
#define CT_EVMASK_MARK      0x08
#define CT_EVMASK_NAT       0x10

typedef void (*fs_event_fn)(void *arg, const struct fs_event *ev);

/*
 * Build and deliver one event.  orig/reply may be NULL (zero tuples); their pad (the
 * conntrack direction) is cleared so events compare as plain tuples.
 */
void fs_event_emit(fs_event_fn fn, void *arg, enum fs_event_type type, u64 now, u32 detail,
		   u32 aux, const struct fs_tuple *orig, const struct fs_tuple *reply,
		   const struct conntrack_entry *ct);

const char *fs_event_name(enum fs_event_type type);
const char *fs_teardown_reason_name(u32 reason);

#endif /* FS_EVENT_H */
