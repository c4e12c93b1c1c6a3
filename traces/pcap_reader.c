/* SPDX-License-Identifier: MIT */
/*
 * pcap_reader.c - pcap/pcapng captures decoded into the core's packet metadata (see
 * pcap_reader.h).
 *
 * libpcap reads the container (pcap with micro- or nanosecond stamps, either byte order,
 * and pcapng); this file decodes the frames.  Every header access is checked against the
 * captured length first, loops over tags and IPv6 extension headers are bounded, and
 * nothing is allocated per packet, so any byte sequence gives a result or a diagnostic.
 *
 * Layouts (all big-endian on the wire):
 *   Ethernet   dst(6) src(6) type(2); 802.1Q/802.1ad tag: TCI(2) type(2);
 *              PPPoE session (0x8864): ver/type(1) code(1) session(2) length(2) PPP proto(2)
 *              (0x0021 IPv4, 0x0057 IPv6; RFC 2516, RFC 1661)
 *   SLL        pkttype(2) hatype(2) halen(2) addr(8) protocol(2)          (16 bytes)
 *   SLL2       protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
 *                                                                           (20 bytes)
 *   pkttype 4 is PACKET_OUTGOING (linux/if_packet.h).  SLL protocol values below 0x0600
 *   are not EtherTypes (0x0004: 802.2 LLC, 0x0001: Novell 802.3): not IP.
 *   IPv4 (RFC 791), IPv6 (RFC 8200: extension headers 0, 43, 44, 60 and 51 (AH) are
 *   walked, at most 8), TCP (RFC 9293, window-scale option kind 3), UDP, ICMP/ICMPv6
 *   (echo identifier as the tuple's sport, type << 8 | code as dport, tuple.h).
 */
#include "pcap_reader.h"

#include <errno.h>
#include <string.h>

#include <pcap/pcap.h>

#define ETH_P_IP     0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_8021AD 0x88a8
#define PPP_IP       0x0021
#define PPP_IPV6     0x0057
#define PACKET_OUTGOING 4
#define ARPHRD_ETHER 1
#define V6_EXT_MAX 8

static const char *const skip_names[PCAP_SKIP__COUNT] = {
	"outgoing", "non_ip", "truncated", "malformed", "fragment", "encap", "linktype",
};

const char *pcap_skip_reason_name(enum pcap_skip_reason r)
{
	return (unsigned)r < PCAP_SKIP__COUNT ? skip_names[r] : "?";
}

struct pcap_reader {
	pcap_t *pc;
	FILE *fp;                 /* libpcap's stream (for offsets) */
	char *display;
	struct pcap_reader_opts opts;
	struct pcap_reader_stats st;
	struct trace_diags *d;
	int dlt;
	bool supported;
	bool failed;
	u32 warned;
};

/* ------------------------------------------------------------------ decoding ---- */

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* A skip with its reason text. */
static int fail(char *why, size_t size, enum pcap_skip_reason r, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static int fail(char *why, size_t size, enum pcap_skip_reason r, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		g_vsnprintf(why, (gulong)size, fmt, ap);
		va_end(ap);
	}
	return 1 + (int)r;
}

/* ICMP/ICMPv6 echo request/reply types carry an identifier. */
static bool icmp_has_id(u8 proto, u8 type)
{
	if (proto == FS_IPPROTO_ICMP)
		return type == 8 || type == 0;
	return type == 128 || type == 129;
}

/* L4 header at p (n captured bytes), l4len bytes of IP payload by the IP header. */
static int decode_l4(const u8 *p, u32 n, u32 l4len, bool first_frag, struct pcap_pkt *out,
		     char *why, size_t size)
{
	struct fs_packet *h = &out->hdr;
	u32 doff, i;

	switch (h->t.proto) {
	case FS_IPPROTO_TCP:
		if (n < 20 || l4len < 20)
			return fail(why, size, n < 20 ? PCAP_SKIP_TRUNCATED : PCAP_SKIP_MALFORMED,
				    "expected a 20-byte TCP header, found %u %s bytes",
				    FS_MIN(n, l4len), n < 20 ? "captured" : "IP payload");
		doff = (u32)(p[12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return fail(why, size, PCAP_SKIP_MALFORMED, "expected a TCP data offset of "
				    "20..%u bytes, found %u", FS_MIN(l4len, 60u), doff);
		h->t.sport = be16(p);
		h->t.dport = be16(p + 2);
		h->seq = be32(p + 4);
		h->ack = be32(p + 8);
		h->tcp_flags = p[13] & 0x1f;
		h->win = be16(p + 14);
		h->payload = (u16)(l4len - doff);
		/* window scale (kind 3, length 3) on SYN: within the captured options only */
		for (i = 20; (h->tcp_flags & FS_TCP_SYN) && i < doff && i < n;) {
			u8 kind = p[i];

			if (kind == 0)
				break;
			if (kind == 1) {
				i++;
				continue;
			}
			if (i + 1 >= n || i + 1 >= doff || p[i + 1] < 2)
				break;
			if (kind == 3 && p[i + 1] == 3 && i + 2 < n && i + 2 < doff)
				h->wscale = p[i + 2];
			i += p[i + 1];
		}
		return 0;
	case FS_IPPROTO_UDP:
		if (n < 8 || l4len < 8)
			return fail(why, size, n < 8 ? PCAP_SKIP_TRUNCATED : PCAP_SKIP_MALFORMED,
				    "expected an 8-byte UDP header, found %u %s bytes",
				    FS_MIN(n, l4len), n < 8 ? "captured" : "IP payload");
		h->t.sport = be16(p);
		h->t.dport = be16(p + 2);
		h->payload = (u16)(l4len - 8);
		return 0;
	case FS_IPPROTO_ICMP:
	case FS_IPPROTO_ICMPV6:
		if (n < 4 || l4len < 4)
			return fail(why, size, n < 4 ? PCAP_SKIP_TRUNCATED : PCAP_SKIP_MALFORMED,
				    "expected an ICMP header (type, code, checksum), found %u "
				    "bytes", FS_MIN(n, l4len));
		h->t.dport = (u16)(p[0] << 8 | p[1]);
		if (icmp_has_id(h->t.proto, p[0])) {
			if (n < 8 || l4len < 8)
				return fail(why, size, n < 8 ? PCAP_SKIP_TRUNCATED :
					    PCAP_SKIP_MALFORMED, "expected an 8-byte ICMP echo "
					    "header, found %u bytes", FS_MIN(n, l4len));
			h->t.sport = be16(p + 4);
		}
		h->payload = (u16)(l4len > 8 ? l4len - 8 : 0);
		return 0;
	default:
		/* other protocols (GRE, ESP, ...): conntrack's generic tracker, no ports */
		(void)first_frag;
		h->payload = (u16)l4len;
		return 0;
	}
}

static int decode_ipv4(const u8 *p, u32 n, struct pcap_pkt *out, char *why, size_t size)
{
	struct fs_packet *h = &out->hdr;
	u32 ihl, tot, frag;

	if (n < 20)
		return fail(why, size, PCAP_SKIP_TRUNCATED, "expected a 20-byte IPv4 header, "
			    "found %u captured bytes", n);
	if (p[0] >> 4 != 4)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected IP version 4, found %u",
			    p[0] >> 4);
	ihl = (u32)(p[0] & 15) * 4;
	tot = be16(p + 2);
	if (ihl < 20 || tot < ihl)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected an IPv4 header length of "
			    "at least 20 and a total length of at least the header's, found %u "
			    "and %u", ihl, tot);
	if (n < ihl)
		return fail(why, size, PCAP_SKIP_TRUNCATED, "expected a %u-byte IPv4 header, "
			    "found %u captured bytes", ihl, n);
	h->t.family = FS_AF_INET;
	h->t.proto = p[9];
	h->t.src.ip = be32(p + 12);
	h->t.dst.ip = be32(p + 16);
	h->len = (u16)tot;
	h->ttl = p[8];
	h->dscp = p[1] >> 2;
	if (ihl != 20)
		h->flags |= FS_PKT_IPOPT;
	frag = be16(p + 6);
	if (frag & 0x4000)
		h->flags |= FS_PKT_DF;
	if (frag & 0x3fff) {
		if (frag & 0x1fff)
			return fail(why, size, PCAP_SKIP_FRAGMENT, "expected an unfragmented packet "
				    "or a first fragment, found fragment offset %u", (frag & 0x1fff) * 8);
		h->flags |= FS_PKT_FRAG;
	}
	return decode_l4(p + ihl, n - ihl, tot - ihl, true, out, why, size);
}

static int decode_ipv6(const u8 *p, u32 n, struct pcap_pkt *out, char *why, size_t size)
{
	struct fs_packet *h = &out->hdr;
	u32 plen, off = 40, i, w;
	u8 nh;

	if (n < 40)
		return fail(why, size, PCAP_SKIP_TRUNCATED, "expected a 40-byte IPv6 header, "
			    "found %u captured bytes", n);
	if (p[0] >> 4 != 6)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected IP version 6, found %u",
			    p[0] >> 4);
	plen = be16(p + 4);
	if (!plen)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected a non-zero IPv6 payload "
			    "length (jumbograms are not supported)");
	if (plen + 40 > 65535)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected an IPv6 packet of at most "
			    "65535 bytes, found %u", plen + 40);
	h->t.family = FS_AF_INET6;
	for (w = 0; w < 4; w++) {
		h->t.src.ip6[w] = be32(p + 8 + 4 * w);
		h->t.dst.ip6[w] = be32(p + 24 + 4 * w);
	}
	h->len = (u16)(plen + 40);
	h->ttl = p[7];
	h->dscp = (u8)(((p[0] & 15) << 4 | p[1] >> 4) >> 2);
	nh = p[6];
	for (i = 0; i < V6_EXT_MAX; i++) {
		u32 hl;

		if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
			break;
		h->flags |= FS_PKT_IPOPT;
		if (off + 8 > n || off + 8 > plen + 40)
			return fail(why, size, off + 8 > n ? PCAP_SKIP_TRUNCATED : PCAP_SKIP_MALFORMED,
				    "expected an IPv6 extension header at byte %u", off);
		if (nh == 44) {
			u16 fo = be16(p + off + 2);

			if (fo & 0xfff8)
				return fail(why, size, PCAP_SKIP_FRAGMENT, "expected an unfragmented "
					    "packet or a first fragment, found fragment offset %u",
					    (fo >> 3) * 8);
			if (fo & 1)
				h->flags |= FS_PKT_FRAG;
			hl = 8;
		} else if (nh == 51) {
			hl = ((u32)p[off + 1] + 2) * 4;
		} else {
			hl = ((u32)p[off + 1] + 1) * 8;
		}
		nh = p[off];
		off += hl;
	}
	if (i == V6_EXT_MAX)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected at most %d IPv6 extension "
			    "headers", V6_EXT_MAX);
	if (off > plen + 40)
		return fail(why, size, PCAP_SKIP_MALFORMED, "expected the IPv6 extension headers "
			    "to end within the payload length %u", plen);
	if (off > n)
		return fail(why, size, PCAP_SKIP_TRUNCATED, "expected %u bytes of IPv6 headers, "
			    "found %u captured bytes", off, n);
	h->t.proto = nh;
	return decode_l4(p + off, n - off, plen + 40 - off, true, out, why, size);
}

/* IP behind an EtherType (after the link header); walks VLAN tags and PPPoE sessions. */
static int decode_ethertype(u16 type, const u8 *p, u32 n, struct pcap_pkt *out, char *why,
			    size_t size)
{
	struct fs_packet *h = &out->hdr;
	u32 i;

	for (i = 0; i <= FS_ENCAP_MAX; i++) {
		if (type == ETH_P_IP)
			return decode_ipv4(p, n, out, why, size);
		if (type == ETH_P_IPV6)
			return decode_ipv6(p, n, out, why, size);
		if (type != FS_ETH_P_8021Q && type != ETH_P_8021AD && type != FS_ETH_P_PPP_SES)
			return fail(why, size, PCAP_SKIP_NON_IP, "EtherType 0x%04x is not IPv4 or "
				    "IPv6", type);
		if (h->num_encap == FS_ENCAP_MAX)
			return fail(why, size, PCAP_SKIP_ENCAP, "expected at most %d VLAN/PPPoE "
				    "headers in front of IP", FS_ENCAP_MAX);
		if (type == FS_ETH_P_PPP_SES) {
			u16 ppp;

			if (n < 8)
				return fail(why, size, PCAP_SKIP_TRUNCATED, "expected an 8-byte "
					    "PPPoE session header, found %u captured bytes", n);
			if (p[0] != 0x11 || p[1] != 0)
				return fail(why, size, PCAP_SKIP_MALFORMED, "expected PPPoE "
					    "version/type 0x11 and code 0, found 0x%02x and 0x%02x",
					    p[0], p[1]);
			h->encap[h->num_encap].proto = FS_ETH_P_PPP_SES;
			h->encap[h->num_encap].id = be16(p + 2);
			h->num_encap++;
			ppp = be16(p + 6);
			p += 8;
			n -= 8;
			if (ppp == PPP_IP)
				type = ETH_P_IP;
			else if (ppp == PPP_IPV6)
				type = ETH_P_IPV6;
			else
				return fail(why, size, PCAP_SKIP_NON_IP, "PPP protocol 0x%04x is not "
					    "IPv4 or IPv6", ppp);
			continue;
		}
		if (n < 4)
			return fail(why, size, PCAP_SKIP_TRUNCATED, "expected a 4-byte VLAN tag, "
				    "found %u captured bytes", n);
		h->encap[h->num_encap].proto = FS_ETH_P_8021Q;
		h->encap[h->num_encap].id = be16(p) & 0x0fff;
		h->num_encap++;
		type = be16(p + 2);
		p += 4;
		n -= 4;
	}
	return fail(why, size, PCAP_SKIP_ENCAP, "expected at most %d VLAN/PPPoE headers in "
		    "front of IP", FS_ENCAP_MAX);
}

static int decode_sll(int dlt, const u8 *p, u32 n, struct pcap_pkt *out, char *why, size_t size)
{
	u32 hl = dlt == DLT_LINUX_SLL2 ? 20 : 16;
	u16 proto, hatype, pkttype;
	u8 halen;
	const u8 *addr;

	if (n < hl)
		return fail(why, size, PCAP_SKIP_TRUNCATED, "expected a %u-byte Linux cooked "
			    "(%s) header, found %u captured bytes", hl,
			    dlt == DLT_LINUX_SLL2 ? "SLL2" : "SLL", n);
	if (dlt == DLT_LINUX_SLL2) {
		proto = be16(p);
		out->ifindex = be32(p + 4);
		hatype = be16(p + 8);
		pkttype = p[10];
		halen = p[11];
		addr = p + 12;
	} else {
		pkttype = be16(p);
		hatype = be16(p + 2);
		halen = (u8)FS_MIN(be16(p + 4), 255u);
		addr = p + 6;
		proto = be16(p + 14);
	}
	out->direction = pkttype == PACKET_OUTGOING ? PCAP_DIR_OUT : PCAP_DIR_IN;
	if (hatype == ARPHRD_ETHER && halen == 6) {
		memcpy(out->hdr.src_mac, addr, 6);
		out->has_src_mac = true;
	}
	if (proto < 0x0600)
		return fail(why, size, PCAP_SKIP_NON_IP, "Linux cooked protocol 0x%04x is not "
			    "IPv4 or IPv6", proto);
	return decode_ethertype(proto, p + hl, n - hl, out, why, size);
}

int pcap_decode_frame(int dlt, const u8 *data, u32 caplen, u32 wirelen, struct pcap_pkt *out,
		      char *why, size_t why_size)
{
	memset(&out->hdr, 0, sizeof(out->hdr));
	out->hdr.wscale = 0xff;
	out->caplen = caplen;
	out->wirelen = wirelen;
	out->direction = PCAP_DIR_UNKNOWN;
	out->has_src_mac = out->has_dst_mac = false;
	out->ifindex = 0;
	if (why && why_size)
		why[0] = 0;
	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < 14)
			return fail(why, why_size, PCAP_SKIP_TRUNCATED, "expected a 14-byte "
				    "Ethernet header, found %u captured bytes", caplen);
		memcpy(out->hdr.dst_mac, data, 6);
		memcpy(out->hdr.src_mac, data + 6, 6);
		out->has_src_mac = out->has_dst_mac = true;
		if (be16(data + 12) < 0x0600)
			return fail(why, why_size, PCAP_SKIP_NON_IP, "an 802.3 length field (%u) is "
				    "not IPv4 or IPv6", be16(data + 12));
		return decode_ethertype(be16(data + 12), data + 14, caplen - 14, out, why, why_size);
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		return decode_sll(dlt, data, caplen, out, why, why_size);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (!caplen)
			return fail(why, why_size, PCAP_SKIP_TRUNCATED, "expected an IP header, "
				    "found 0 captured bytes");
		if (data[0] >> 4 == 4 && dlt != DLT_IPV6)
			return decode_ipv4(data, caplen, out, why, why_size);
		if (data[0] >> 4 == 6 && dlt != DLT_IPV4)
			return decode_ipv6(data, caplen, out, why, why_size);
		return fail(why, why_size, PCAP_SKIP_MALFORMED, "expected IP version %s, found %u",
			    dlt == DLT_IPV4 ? "4" : dlt == DLT_IPV6 ? "6" : "4 or 6", data[0] >> 4);
	default:
		return fail(why, why_size, PCAP_SKIP_LINKTYPE, "expected link type EN10MB, "
			    "LINUX_SLL, LINUX_SLL2, RAW, IPV4 or IPV6, found %s (%d)",
			    pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?",
			    dlt);
	}
}

/* ------------------------------------------------------------------- reading ---- */

static bool dlt_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

struct pcap_reader *pcap_reader_open_stream(FILE *fp, const char *display,
					    const struct pcap_reader_opts *o,
					    struct trace_diags *d)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_reader *r;
	pcap_t *pc;

	errbuf[0] = 0;
	pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc) {
		fclose(fp);
		trace_diags_add(d, TRACE_ERROR, display, 0, 0, "not a pcap or pcapng file "
				"(libpcap: %s)", errbuf[0] ? errbuf : "unknown error");
		return NULL;
	}
	r = g_new0(struct pcap_reader, 1);
	r->pc = pc;
	r->fp = pcap_file(pc);
	r->display = g_strdup(display);
	r->opts = *o;
	r->d = d;
	r->dlt = pcap_datalink(pc);
	r->supported = dlt_supported(r->dlt);
	if (!r->supported && o->mode == TRACE_STRICT) {
		const char *name = pcap_datalink_val_to_name(r->dlt);

		trace_diags_add(d, TRACE_ERROR, display, 0, 0, "expected link type EN10MB, "
				"LINUX_SLL, LINUX_SLL2, RAW, IPV4 or IPV6, found %s (%d)",
				name ? name : "?", r->dlt);
		pcap_reader_close(r);
		return NULL;
	}
	if (!r->supported)
		trace_diags_add(d, TRACE_WARNING, display, 0, 0, "link type %s (%d) is not "
				"supported: every packet is skipped",
				pcap_datalink_val_to_name(r->dlt) ? pcap_datalink_val_to_name(r->dlt) :
								    "?", r->dlt);
	return r;
}

struct pcap_reader *pcap_reader_open(const char *path, const struct pcap_reader_opts *o,
				     struct trace_diags *d)
{
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		trace_diags_add(d, TRACE_ERROR, path, 0, 0, "cannot open the capture: %s",
				g_strerror(errno));
		return NULL;
	}
	return pcap_reader_open_stream(fp, path, o, d);
}

static void where(char *buf, size_t size, const struct pcap_pkt *p)
{
	g_snprintf(buf, (gulong)size, "packet %u (offset %" G_GUINT64_FORMAT ", time %"
		   G_GUINT64_FORMAT ".%09u)", p->index, (guint64)p->offset, (guint64)(p->ts_ns / 1000000000ULL),
		   (unsigned)(p->ts_ns % 1000000000ULL));
}

int pcap_reader_next(struct pcap_reader *r, struct pcap_pkt *out)
{
	struct pcap_pkthdr *ph;
	const u_char *data;
	char why[256], at[96];

	if (r->failed)
		return -1;
	for (;;) {
		long off = r->fp ? ftell(r->fp) : -1;
		int rc = pcap_next_ex(r->pc, &ph, &data), k;

		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			/* a cut or corrupt record: the container itself is broken here */
			trace_diags_add(r->d, r->opts.mode == TRACE_STRICT ? TRACE_ERROR :
					TRACE_WARNING, r->display, 0, 0, "packet %" G_GUINT64_FORMAT
					" (offset %ld): expected a complete pcap/pcapng record: %s",
					(guint64)(r->st.records + 1), off, pcap_geterr(r->pc));
			if (r->opts.mode == TRACE_STRICT) {
				r->failed = true;
				return -1;
			}
			r->st.skipped[PCAP_SKIP_TRUNCATED]++;
			return 0;   /* nothing after a broken record can be found again */
		}
		r->st.records++;
		out->index = (u32)FS_MIN(r->st.records, 0xffffffffULL);
		out->offset = off < 0 ? 0 : (u64)off;
		out->ts_ns = (u64)ph->ts.tv_sec * 1000000000ULL + (u64)ph->ts.tv_usec;
		if (r->st.records == 1)
			r->st.first_ts_ns = out->ts_ns;
		if (!r->supported) {
			r->st.skipped[PCAP_SKIP_LINKTYPE]++;
			continue;
		}
		k = pcap_decode_frame(r->dlt, data, ph->caplen, ph->len, out, why, sizeof(why));
		if (!k && out->direction == PCAP_DIR_OUT && r->opts.skip_outgoing)
			k = 1 + PCAP_SKIP_OUTGOING;
		if (!k) {
			r->st.decoded++;
			return 1;
		}
		k--;
		if (k == PCAP_SKIP_NON_IP || k == PCAP_SKIP_OUTGOING) {
			r->st.skipped[k]++;
			continue;
		}
		where(at, sizeof(at), out);
		if (r->opts.mode == TRACE_STRICT) {
			trace_diags_add(r->d, TRACE_ERROR, r->display, 0, 0, "%s: %s", at, why);
			r->failed = true;
			return -1;
		}
		r->st.skipped[k]++;
		if (r->warned++ < PCAP_WARN_MAX)
			trace_diags_add(r->d, TRACE_WARNING, r->display, 0, 0, "%s: skipped (%s): %s",
					at, skip_names[k], why);
	}
}

const struct pcap_reader_stats *pcap_reader_get_stats(const struct pcap_reader *r)
{
	return &r->st;
}

int pcap_reader_linktype(const struct pcap_reader *r)
{
	return r->dlt;
}

const char *pcap_reader_linktype_name(const struct pcap_reader *r)
{
	const char *n = pcap_datalink_val_to_name(r->dlt);

	return n ? n : "?";
}

void pcap_reader_close(struct pcap_reader *r)
{
	if (!r)
		return;
	if (r->pc)
		pcap_close(r->pc);
	g_free(r->display);
	g_free(r);
}
