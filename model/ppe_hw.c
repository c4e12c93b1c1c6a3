// SPDX-License-Identifier: MIT
/*
 * ppe_hw.c - what the PPE hardware does by itself: the lookup of every received frame
 * (UNBIND creation on a miss, packet counting, "rate reached", the CPU reasons), the
 * forwarding hit on a BIND entry (timestamp refresh, MIB counters) and the aging scan.
 *
 * Sources: spec mediatek-ppe-wed.md §1-§2; mtk_ppe.c (mtk_ppe_start: the flow and aging
 * configuration), mtk_eth_soc.c (mtk_poll_rx: which CPU reason runs the driver's check),
 * vendor hw_nat headers for the units and the aging rule ("idle time > life time").
 *
 * Invariants:
 *  - STATIC (reserved) slots stay INVALID and are never chosen by the hardware;
 *  - the hardware never evicts: a miss in a bucket without an INVALID way creates nothing.
 * Hardware details inferred rather than documented: aging changes only the state bits;
 * the UNBIND packet counter wraps within its field; TCP packets with SYN/FIN/RST that do
 * not hit a BIND entry are reported as TCP_FIN_SYN_RST and neither create nor count.
 */
#include "ppe_internal.h"
#include "ppe_hash.h"

static bool slot_static(const struct ppe_slot *s)
{
	return ppe_ib1_static(s->e.ib1);
}

/* ------------------------------------------------------------ hardware path ---- */

static int packet_type(const struct fs_packet *pkt)
{
	bool l4 = pkt->t.proto == FS_IPPROTO_TCP || pkt->t.proto == FS_IPPROTO_UDP;

	/* MTK_PPE_FLOW_CFG: IPv4 NAPT/NAT and IPv6 3T/5T route entries are built */
	if (pkt->t.family == FS_AF_INET)
		return l4 ? PPE_PKT_IPV4_HNAPT : PPE_PKT_IPV4_ROUTE;
	if (pkt->t.family == FS_AF_INET6)
		return l4 ? PPE_PKT_IPV6_ROUTE_5T : PPE_PKT_IPV6_ROUTE_3T;
	return -1;
}

static struct ppe_slot *find_slot(struct ppe *ppe, struct ppe_instance *in, u32 bucket,
				  const struct ppe_key *k, u32 type, bool udp)
{
	u32 w;

	for (w = 0; w < ppe->cfg.ways; w++) {
		struct ppe_slot *s = &in->slot[bucket + w];

		if (slot_static(s) || ppe_ib1_state(s->e.ib1) == PPE_STATE_INVALID)
			continue;
		if (ppe_ib1_type(s->e.ib1, ppe->cfg.netsys) != type)
			continue;
		if (ppe_key_match_entry(k, type, udp, &s->e))
			return s;
	}
	return NULL;
}

static struct ppe_slot *free_way(struct ppe *ppe, struct ppe_instance *in, u32 bucket)
{
	u32 w;

	for (w = 0; w < ppe->cfg.ways; w++) {
		struct ppe_slot *s = &in->slot[bucket + w];

		if (!slot_static(s) && ppe_ib1_state(s->e.ib1) == PPE_STATE_INVALID)
			return s;
	}
	return NULL;
}

static u32 unbind_packets_width(u8 netsys)
{
	/* 23:8 on v1; on v2/v3 bit 23 belongs to the packet type, leaving 22:8 */
	return netsys == PPE_NETSYS_V1 ? 16 : 15;
}

/* An UNBIND entry sees segs packets: per-tick rate, timestamp, packet counter. */
static void unbind_count(struct ppe *ppe, struct ppe_instance *in, struct ppe_slot *s,
			 u64 now, u32 segs)
{
	u32 tick = (u32)ppe_tick(now);
	u32 width = unbind_packets_width(ppe->cfg.netsys);
	u32 ib1 = s->e.ib1;
	u32 cnt;

	if (s->rate_tick != tick) {
		s->rate_tick = tick;
		s->rate_cnt = 0;
	}
	s->rate_cnt = (u16)FS_MIN(0xffffu, (u32)s->rate_cnt + segs);
	cnt = ppe_field(ib1, 8, width) + segs;
	ib1 = ppe_field_set(ib1, 8, width, cnt);
	ib1 = ppe_field_set(ib1, 0, 8, ppe_fe_unbind_ts(ppe, now));
	ppe_slot_write_ib1(ppe, in, s, ib1);
}

static void report_full(struct ppe *ppe, int idx, u32 bucket, const struct fs_packet *pkt,
			u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	struct ppe_slot *way0 = &in->slot[bucket];

	in->stats.full++;
	if (way0->full_reported)
		return;
	way0->full_reported = 1;
	ppe_emit(ppe, FS_EV_PPE_FULL, now, bucket, (u32)idx, &pkt->t, NULL, NULL);
}

struct ppe_slot *ppe_hw_lookup(struct ppe *ppe, int idx, const struct fs_packet *pkt,
			       u64 now, u32 *reason)
{
	struct ppe_instance *in = &ppe->inst[idx];
	const struct ppe_config *cfg = &ppe->cfg;
	u32 segs = fs_packet_segments(pkt);
	bool tcp = pkt->t.proto == FS_IPPROTO_TCP;
	bool udp = pkt->t.proto == FS_IPPROTO_UDP;
	bool ctl = tcp && (pkt->tcp_flags & (FS_TCP_SYN | FS_TCP_FIN | FS_TCP_RST));
	struct ppe_slot *s;
	struct ppe_entry probe;
	struct ppe_key k;
	bool created = false;
	u32 bucket;
	int type;

	in->stats.rx_packets += segs;
	if (pkt->flags & FS_PKT_FRAG) {
		*reason = PPE_REASON_IPV4_FRAG;
		goto cpu;
	}
	if (pkt->flags & FS_PKT_IPOPT) {
		*reason = PPE_REASON_OPTION_HEADER;
		goto cpu;
	}
	type = packet_type(pkt);
	if (type < 0) {
		*reason = PPE_REASON_PPE_BYPASS;
		goto cpu;
	}
	/* only the tuple words are read (hash and compare): no need to clear the rest */
	ppe_entry_set_orig(&probe, &pkt->t, (u8)type);
	ppe_key_from_entry(&k, &probe);
	bucket = ppe_hash_entry_type(&probe, (u32)type, cfg->entries, cfg->ways);
	bucket &= ~(u32)(cfg->ways - 1);

	s = find_slot(ppe, in, bucket, &k, (u32)type, udp);
	if (s) {
		switch (ppe_ib1_state(s->e.ib1)) {
		case PPE_STATE_BIND:
			if (tcp && (pkt->tcp_flags & (FS_TCP_FIN | FS_TCP_RST))) {
				/* HIT_BIND_TCP_FIN: to the CPU, entry aged with the FIN delta */
				u32 ib1 = ppe_ib1_set_state(s->e.ib1, PPE_STATE_FIN);

				ib1 = ppe_ib1_set_bind_timestamp(ib1, cfg->netsys,
								 ppe_fe_timestamp(ppe, now));
				ppe_slot_write_ib1(ppe, in, s, ib1);
				*reason = PPE_REASON_HIT_BIND_TCP_FIN;
				goto cpu;
			}
			if (pkt->ttl <= 1) {
				*reason = PPE_REASON_HIT_TTL_1;
				goto cpu;
			}
			{
				const struct fs_netdev *l3 = fs_netdev_get(ppe->nc, s->eg.l3_oif);

				/* pkt->len covers a whole GSO aggregate: check one segment */
				if (l3 && l3->mtu && (pkt->len + segs - 1) / segs > l3->mtu) {
					*reason = PPE_REASON_EXCEED_MTU;
					goto cpu;
				}
			}
			*reason = 0;
			return s;
		case PPE_STATE_FIN:
			*reason = PPE_REASON_HIT_BIND_TCP_FIN;
			goto cpu;
		default:
			break;
		}
		/* UNBIND */
		if (ctl) {
			*reason = PPE_REASON_TCP_FIN_SYN_RST;
			goto cpu;
		}
		unbind_count(ppe, in, s, now, segs);
	} else {
		if (ctl) {
			*reason = PPE_REASON_TCP_FIN_SYN_RST;
			goto cpu;
		}
		s = free_way(ppe, in, bucket);
		if (!s) {
			/* no eviction: the flow stays on the CPU path until a way frees up */
			report_full(ppe, idx, bucket, pkt, now);
			*reason = PPE_REASON_UN_HIT;
			goto cpu;
		}
		/*
		 * SEARCH_MISS_ACTION_FORWARD_BUILD: the hardware writes the parsed tuple and a
		 * fresh UNBIND ib1; the rest of the slot keeps whatever it held before.
		 */
		ppe_key_store(&s->e, &k);
		{
			u32 ib1 = ppe_ib1_set_state(0, PPE_STATE_UNBIND);

			ib1 = ppe_ib1_set_type(ib1, cfg->netsys, (u32)type);
			if (udp)
				ib1 |= PPE_IB1_UDP;
			ppe_slot_write_ib1(ppe, in, s, ib1);
		}
		s->rate_tick = (u32)ppe_tick(now);
		s->rate_cnt = 0;
		unbind_count(ppe, in, s, now, segs);
		created = true;
		in->stats.unbind_created++;
		ppe_emit(ppe, FS_EV_PPE_UNBIND, now, s->e.index, (u32)idx, &pkt->t, NULL, NULL);
	}

	if (s->rate_cnt >= cfg->bind_rate) {
		*reason = PPE_REASON_HIT_UNBIND_RATE_REACHED;
		in->stats.reasons[*reason] += segs;
		/* mtk_poll_rx calls mtk_ppe_check_skb for this reason only */
		ppe_driver_check(ppe, idx, s->e.index, now);
		return NULL;
	}
	*reason = created ? PPE_REASON_UN_HIT : PPE_REASON_HIT_UNBIND;
cpu:
	in->stats.reasons[*reason & (PPE_REASON__COUNT - 1)] += segs;
	return NULL;
}

void ppe_slot_hit(struct ppe *ppe, struct ppe_slot *s, const struct fs_packet *pkt, u64 now)
{
	u8 ns = ppe->cfg.netsys;
	u32 segs = fs_packet_segments(pkt);

	s->e.ib1 = ppe_ib1_set_bind_timestamp(s->e.ib1, ns, ppe_fe_timestamp(ppe, now));
	if (ppe->cfg.accounting && (s->e.ib2 & ppe_ib2_mib_bit(ns))) {
		/* MIB widths: 40-bit packets / 48-bit bytes on v1/v2, 64-bit on v3 */
		u64 pmask = ns >= PPE_NETSYS_V3 ? ~0ULL : (1ULL << 40) - 1;
		u64 bmask = ns >= PPE_NETSYS_V3 ? ~0ULL : (1ULL << 48) - 1;

		s->mib_packets = (s->mib_packets + segs) & pmask;
		s->mib_bytes = (s->mib_bytes + pkt->len) & bmask;
	}
}

/* ----------------------------------------------------------------- aging ---- */

static void age_slot(struct ppe *ppe, int idx, struct ppe_slot *s, u32 fe, u32 fe8, u64 now)
{
	struct ppe_instance *in = &ppe->inst[idx];
	const struct ppe_config *cfg = &ppe->cfg;
	enum ppe_state st = ppe_ib1_state(s->e.ib1);
	u32 ib1 = s->e.ib1;
	u32 idle, delta, type;
	struct fs_tuple t;

	switch (st) {
	case PPE_STATE_BIND:
		type = ppe_ib1_type(ib1, cfg->netsys);
		idle = ppe_idle_ticks(fe, ib1, ppe->ts_mask);
		if (ppe_ib1_udp(ib1))
			delta = cfg->age_udp;
		else if (type == PPE_PKT_IPV4_HNAPT || type == PPE_PKT_IPV6_ROUTE_5T ||
			 type == PPE_PKT_IPV4_DSLITE)
			delta = cfg->age_tcp;
		else
			delta = cfg->age_non_l4;
		break;
	case PPE_STATE_FIN:
		idle = ppe_idle_ticks(fe, ib1, ppe->ts_mask);
		delta = cfg->age_fin;
		break;
	case PPE_STATE_UNBIND:
		if (ppe_field(ib1, 8, unbind_packets_width(cfg->netsys)) >= cfg->unbind_min_packets)
			return;
		idle = ppe_idle_ticks(fe8, ib1, 0xff);
		delta = cfg->age_unbind;
		break;
	default:
		return;
	}
	/* vendor hw_nat: an entry is aged when its idle time is greater than the delta */
	if (idle <= delta)
		return;
	ppe_slot_write_ib1(ppe, in, s, ppe_ib1_set_state(ib1, PPE_STATE_INVALID));
	in->stats.aged++;
	ppe_slot_tuple(ppe, s, &t);
	ppe_emit(ppe, FS_EV_PPE_AGED, now, s->e.index, (u32)idx | ((u32)st << 8), &t, NULL, NULL);
}

void ppe_age(struct ppe *ppe, u64 now)
{
	u64 tick = ppe_tick(now);
	u32 fe, fe8, i;
	int idx;

	if (ppe->aged_tick == tick + 1)
		return;
	ppe->aged_tick = tick + 1;
	fe = ppe_fe_timestamp(ppe, now);
	fe8 = ppe_fe_unbind_ts(ppe, now);
	for (idx = 0; idx < ppe->cfg.num_ppe; idx++) {
		struct ppe_instance *in = &ppe->inst[idx];

		for (i = 0; i < ppe->cfg.entries && in->active; i++)
			age_slot(ppe, idx, &in->slot[i], fe, fe8, now);
	}
}

u64 ppe_next_age(const struct ppe *ppe)
{
	int idx;

	for (idx = 0; idx < ppe->cfg.num_ppe; idx++)
		if (ppe->inst[idx].active)
			return ppe->aged_tick * FS_NSEC_PER_SEC;
	return ~0ULL;
}
