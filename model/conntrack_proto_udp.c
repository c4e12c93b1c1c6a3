/* SPDX-License-Identifier: MIT */
/*
 * conntrack_proto_udp.c - UDP tracking after nf_conntrack_proto_udp.c:nf_conntrack_udp_packet.
 *
 * Read from the kernel source (6.x): stream_ts is set to creation + 2 s.  Once a reply has
 * been seen, a packet later than stream_ts gets the REPLIED ("stream") timeout and sets
 * ASSURED; earlier packets keep the UNREPLIED timeout and do not assure.  So a DNS-like
 * exchange is never ASSURED (spec linux-flowtable.md §5.2 says "the third packet sets
 * ASSURED", which was true before the 2 s rule; the code is what we follow).  With
 * udp_stream_delay = 0 (older kernels) REPLIED and ASSURED apply on any packet after the
 * reply.  IPS_SEEN_REPLY itself is set by the caller after this handler runs, so the first
 * reply is still refreshed with the UNREPLIED timeout.
 */
#include "conntrack_internal.h"

enum ct_l4_verdict ct_udp_packet(struct conntrack_table *t, struct conntrack_entry *ct,
				 enum ct_dir dir, const struct fs_packet *pkt, u64 now)
{
	u32 timeout = t->p.udp_timeout;

	if (!(ct->status & IPS_CONFIRMED))
		ct->proto.udp.stream_ts = fs_ticks(now) + (t->p.udp_stream_delay ? 2000u : 0u);

	if (ct->status & IPS_SEEN_REPLY) {
		bool stream = false;

		if (fs_ticks_left(ct->proto.udp.stream_ts, now) < 0 || !t->p.udp_stream_delay) {
			timeout = t->p.udp_timeout_stream;
			stream = !(ct->status & IPS_ASSURED);
		}
		conntrack_set_timeout(ct, now, timeout);
		if (ct->status & IPS_NAT_CLASH)
			return CT_L4_ACCEPT;
		if (stream) {
			ct->status |= IPS_ASSURED;
			ct->ev_cache |= CT_EVMASK_ASSURED;
			conntrack_event(t, FS_EV_CT_ASSURED, ct, now, 0);
		}
		return CT_L4_ACCEPT;
	}
	conntrack_set_timeout(ct, now, timeout);
	return CT_L4_ACCEPT;
}
