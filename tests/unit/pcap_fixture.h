/* SPDX-License-Identifier: MIT */
/*
 * pcap_fixture.h - frames built byte by byte for the capture tests (test_pcap_reader.c,
 * test_replay.c): IPv4/IPv6 packets with TCP/UDP headers, wrapped in Ethernet (with VLAN
 * tags and PPPoE session headers), Linux cooked SLL/SLL2 or nothing (RAW), and written
 * with libpcap's pcap_dump at given nanosecond stamps.  Payload bytes are zero.
 */
#ifndef FLOWSIM_PCAP_FIXTURE_H
#define FLOWSIM_PCAP_FIXTURE_H

#include <string.h>

#include <glib.h>
#include <pcap/pcap.h>

#define PFX_FRAME_MAX 2048

struct pf_frame {
	u8 b[PFX_FRAME_MAX];
	u32 len;
};

static inline void pf_put16(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void pf_put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/* An IPv4 address "a.b.c.d" as a host-order word. */
static inline u32 pf_ip4(const char *s)
{
	unsigned a, b, c, d;

	g_assert_cmpint(sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d), ==, 4);
	return a << 24 | b << 16 | c << 8 | d;
}

/* L4 header + payload into p; returns its length. flags: TCP flags; proto 6 or 17. */
static inline u32 pf_l4(u8 *p, u8 proto, u16 sport, u16 dport, u32 seq, u32 ack, u8 flags,
			u32 payload, int wscale)
{
	u32 hl;

	if (proto == 17) {
		memset(p, 0, 8 + payload);
		pf_put16(p, sport);
		pf_put16(p + 2, dport);
		pf_put16(p + 4, 8 + payload);
		return 8 + payload;
	}
	hl = wscale >= 0 ? 24 : 20;
	memset(p, 0, hl + payload);
	pf_put16(p, sport);
	pf_put16(p + 2, dport);
	pf_put32(p + 4, seq);
	pf_put32(p + 8, ack);
	p[12] = (u8)((hl / 4) << 4);
	p[13] = flags;
	pf_put16(p + 14, 64240);
	if (wscale >= 0) {
		p[20] = 1;      /* NOP */
		p[21] = 3;      /* window scale */
		p[22] = 3;
		p[23] = (u8)wscale;
	}
	return hl + payload;
}

/* IPv4 packet into p; returns its length. */
static inline u32 pf_ipv4(u8 *p, const char *src, const char *dst, u8 proto, u16 sport,
			  u16 dport, u32 seq, u32 ack, u8 flags, u32 payload, u8 ttl)
{
	u32 l4 = pf_l4(p + 20, proto, sport, dport, seq, ack, flags, payload,
		       (flags & 0x02) ? 7 : -1);

	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = 0x28;                   /* DSCP 10 */
	pf_put16(p + 2, 20 + l4);
	pf_put16(p + 6, 0x4000);       /* DF */
	p[8] = ttl;
	p[9] = proto;
	pf_put32(p + 12, pf_ip4(src));
	pf_put32(p + 16, pf_ip4(dst));
	return 20 + l4;
}

/* IPv6 packet (addresses given as 4 host-order words) into p; returns its length. */
static inline u32 pf_ipv6(u8 *p, const u32 src[4], const u32 dst[4], u8 proto, u16 sport,
			  u16 dport, u32 payload, u8 hlim)
{
	u32 l4 = pf_l4(p + 40, proto, sport, dport, 1, 0, 0x10, payload, -1), i;

	memset(p, 0, 40);
	p[0] = 0x60;
	pf_put16(p + 4, l4);
	p[6] = proto;
	p[7] = hlim;
	for (i = 0; i < 4; i++) {
		pf_put32(p + 8 + 4 * i, src[i]);
		pf_put32(p + 24 + 4 * i, dst[i]);
	}
	return 40 + l4;
}

/* Link headers in front of an IP packet already at f->b + off (moves it). */
static inline void pf_prepend(struct pf_frame *f, const u8 *hdr, u32 n)
{
	memmove(f->b + n, f->b, f->len);
	memcpy(f->b, hdr, n);
	f->len += n;
}

/* Ethernet: MACs 02:00:00:00:00:<dst_last> / <src_last>, then tags: vlan ids (0 ends),
 * pppoe session (0: none) in front of IP of version ipver. */
static inline void pf_eth(struct pf_frame *f, u8 src_last, u16 vlan, u16 pppoe, int ipver)
{
	u8 h[64];
	u32 n = 0;

	memset(h, 0, sizeof(h));
	h[0] = 0x02;
	h[5] = 0x01;
	h[6] = 0x02;
	h[11] = src_last;
	n = 12;
	if (vlan) {
		pf_put16(h + n, 0x8100);
		pf_put16(h + n + 2, vlan);
		n += 4;
	}
	if (pppoe) {
		pf_put16(h + n, 0x8864);
		h[n + 2] = 0x11;
		h[n + 3] = 0;
		pf_put16(h + n + 4, pppoe);
		pf_put16(h + n + 6, f->len + 2);
		pf_put16(h + n + 8, ipver == 6 ? 0x0057 : 0x0021);
		n += 10;
	} else {
		pf_put16(h + n, ipver == 6 ? 0x86dd : 0x0800);
		n += 2;
	}
	pf_prepend(f, h, n);
}

/* Linux cooked v1: pkttype (0 host, 4 outgoing), Ethernet source MAC ..:<src_last>. */
static inline void pf_sll(struct pf_frame *f, u16 pkttype, u8 src_last, u16 proto)
{
	u8 h[16];

	memset(h, 0, sizeof(h));
	pf_put16(h, pkttype);
	pf_put16(h + 2, 1);            /* ARPHRD_ETHER */
	pf_put16(h + 4, 6);
	h[6] = 0x02;
	h[11] = src_last;
	pf_put16(h + 14, proto);
	pf_prepend(f, h, 16);
}

/* Linux cooked v2 (tcpdump -i any). */
static inline void pf_sll2(struct pf_frame *f, u8 pkttype, u32 ifindex, u8 src_last, u16 proto)
{
	u8 h[20];

	memset(h, 0, sizeof(h));
	pf_put16(h, proto);
	pf_put32(h + 4, ifindex);
	pf_put16(h + 8, 1);
	h[10] = pkttype;
	h[11] = 6;
	h[12] = 0x02;
	h[17] = src_last;
	pf_prepend(f, h, 20);
}

struct pf_writer {
	pcap_t *dead;
	pcap_dumper_t *d;
};

static inline void pf_open(struct pf_writer *w, const char *path, int dlt)
{
	w->dead = pcap_open_dead_with_tstamp_precision(dlt, 65535, PCAP_TSTAMP_PRECISION_NANO);
	g_assert_nonnull(w->dead);
	w->d = pcap_dump_open(w->dead, path);
	g_assert_nonnull(w->d);
}

/* Write f at t_ns with caplen (0: the whole frame). */
static inline void pf_write(struct pf_writer *w, const struct pf_frame *f, u64 t_ns, u32 caplen)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(t_ns / 1000000000ULL);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000ULL);   /* ns: nano precision */
	h.len = f->len;
	h.caplen = caplen ? caplen : f->len;
	pcap_dump((u_char *)w->d, &h, f->b);
}

static inline void pf_close(struct pf_writer *w)
{
	pcap_dump_close(w->d);
	pcap_close(w->dead);
}

#endif
