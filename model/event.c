/* SPDX-License-Identifier: MIT */
/* event.c - names of events and teardown reasons, for logs and results. */
#include "event.h"

const char *fs_event_name(enum fs_event_type type)
{
	static const char *const names[FS_EV__COUNT] = {
		[FS_EV_CT_NEW] = "ct_new",
		[FS_EV_CT_UPDATE] = "ct_update",
		[FS_EV_CT_ASSURED] = "ct_assured",
		[FS_EV_CT_STATE] = "ct_state",
		[FS_EV_CT_OFFLOAD] = "ct_offload",
		[FS_EV_CT_HW_OFFLOAD] = "ct_hw_offload",
		[FS_EV_CT_HW_OFFLOAD_CLEAR] = "ct_hw_offload_clear",
		[FS_EV_CT_TIMEOUT_FIXUP] = "ct_timeout_fixup",
		[FS_EV_CT_DESTROY] = "ct_destroy",
		[FS_EV_CT_DROP_FULL] = "ct_drop_full",
		[FS_EV_FLOW_ADD] = "flow_add",
		[FS_EV_FLOW_TEARDOWN] = "flow_teardown",
		[FS_EV_FLOW_DEL] = "flow_del",
		[FS_EV_PPE_UNBIND] = "ppe_unbind",
		[FS_EV_PPE_BIND] = "ppe_bind",
		[FS_EV_PPE_AGED] = "ppe_aged",
		[FS_EV_PPE_CLEAR] = "ppe_clear",
		[FS_EV_PPE_FULL] = "ppe_full",
		[FS_EV_WED_ATTACH] = "wed_attach",
		[FS_EV_WED_DETACH] = "wed_detach",
		[FS_EV_WED_STALE] = "wed_stale",
	};

	return (unsigned)type < FS_EV__COUNT && names[type] ? names[type] : "unknown";
}

const char *fs_teardown_reason_name(u32 reason)
{
	static const char *const names[] = {
		"none", "timeout", "tcp_flags", "closing_syn", "ct_dying", "dev_down",
		"flush", "route",
	};

	return reason < FS_ARRAY_SIZE(names) ? names[reason] : "unknown";
}

void fs_event_emit(fs_event_fn fn, void *arg, enum fs_event_type type, u64 now, u32 detail,
		   u32 aux, const struct fs_tuple *orig, const struct fs_tuple *reply,
		   const struct conntrack_entry *ct)
{
	struct fs_event ev;

	if (!fn)
		return;
	fs_memset(&ev, 0, sizeof(ev));
	ev.time = now;
	ev.type = type;
	ev.detail = detail;
	ev.aux = aux;
	if (orig) {
		ev.orig = *orig;
		ev.orig.pad = 0;
	}
	if (reply) {
		ev.reply = *reply;
		ev.reply.pad = 0;
	}
	ev.ct = ct;
	fn(arg, &ev);
}
