/* SPDX-License-Identifier: MIT */
/*
 * tuple.c - address and tuple helpers: prefix tests, inversion, text forms.
 *
 * The text forms match what the kernel prints: IPv4 dotted quad; IPv6 in the compressed
 * form of %pI6c (RFC 5952: the longest run of two or more zero groups becomes "::",
 * the leftmost run on ties) for conntrack listings, and the uncompressed %pI6 form for the
 * PPE debugfs.
 */
#include "tuple.h"

bool fs_addr_in_prefix(u8 family, const union fs_addr *addr,
		       const union fs_addr *prefix, u8 plen)
{
	u32 words = family == FS_AF_INET ? 1 : 4;
	u32 i;

	if (plen > words * 32)
		return false;
	for (i = 0; i < words && plen; i++) {
		u32 bits = plen >= 32 ? 32 : plen;
		u32 mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);

		if ((addr->ip6[i] ^ prefix->ip6[i]) & mask)
			return false;
		plen -= bits;
	}
	return true;
}

int fs_icmp_reply_type(u8 family, u8 type)
{
	if (family == FS_AF_INET) {
		switch (type) {
		case 8: return 0;    /* echo */
		case 13: return 14;  /* timestamp */
		case 15: return 16;  /* info */
		case 17: return 18;  /* address mask */
		default: return -1;
		}
	}
	/*
	 * nf_conntrack_proto_icmpv6.c: invmap[] and icmpv6_new()'s valid_new[] know only echo
	 * and node information queries.  Neighbour discovery and MLD are in noct_valid_new[]:
	 * nf_conntrack_icmpv6_error() leaves them untracked, they never start a connection.
	 */
	switch (type) {
	case 128: return 129;        /* echo request -> echo reply */
	case 139: return 140;        /* node information query -> response */
	default: return -1;
	}
}

void fs_tuple_invert(struct fs_tuple *inv, const struct fs_tuple *t)
{
	*inv = *t;
	inv->src = t->dst;
	inv->dst = t->src;
	if (t->proto == FS_IPPROTO_ICMP || t->proto == FS_IPPROTO_ICMPV6) {
		int rt = fs_icmp_reply_type(t->family, (u8)(t->dport >> 8));

		inv->sport = t->sport;
		inv->dport = (u16)(((rt < 0 ? 0 : rt) << 8) | (t->dport & 0xff));
	} else {
		inv->sport = t->dport;
		inv->dport = t->sport;
	}
}

static int format_v4(char *buf, size_t size, u32 ip)
{
	return fs_snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
			   (ip >> 8) & 0xff, ip & 0xff);
}

static u16 group6(const union fs_addr *a, u32 g)
{
	return (u16)(g & 1 ? a->ip6[g / 2] & 0xffff : a->ip6[g / 2] >> 16);
}

int fs_addr_format_full6(char *buf, size_t size, const union fs_addr *a)
{
	return fs_snprintf(buf, size, "%04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x",
			   group6(a, 0), group6(a, 1), group6(a, 2), group6(a, 3),
			   group6(a, 4), group6(a, 5), group6(a, 6), group6(a, 7));
}

static int format_v6(char *buf, size_t size, const union fs_addr *a)
{
	int best = -1, best_len = 1, run = -1, len = 0, n = 0;
	u32 g;

	for (g = 0; g < 8; g++) {
		if (group6(a, g) == 0) {
			if (run < 0) {
				run = (int)g;
				len = 0;
			}
			len++;
			if (len > best_len) {
				best = run;
				best_len = len;
			}
		} else {
			run = -1;
		}
	}
	/* IPv4-mapped addresses print with a dotted quad tail, as %pI6c does */
	if (best == 0 && best_len == 5 && group6(a, 5) == 0xffff) {
		n = fs_snprintf(buf, size, "::ffff:");
		return n + format_v4(buf + n, size > (size_t)n ? size - n : 0, a->ip6[3]);
	}
	for (g = 0; g < 8; g++) {
		size_t left = size > (size_t)n ? size - n : 0;

		if ((int)g == best) {
			n += fs_snprintf(buf + n, left, "::");
			g += best_len - 1;
			continue;
		}
		n += fs_snprintf(buf + n, left, "%x%s", group6(a, g),
				 g < 7 && (int)g + 1 != best ? ":" : "");
	}
	return n;
}

int fs_addr_format(char *buf, size_t size, u8 family, const union fs_addr *a)
{
	if (family == FS_AF_INET)
		return format_v4(buf, size, a->ip);
	return format_v6(buf, size, a);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_v4(const char *s, size_t len, u32 *out)
{
	u32 val = 0, part = 0, parts = 0, digits = 0;
	size_t i;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (!digits || part > 255)
				return false;
			val = (val << 8) | part;
			parts++;
			part = digits = 0;
			if (parts > 4)
				return false;
		} else if (s[i] >= '0' && s[i] <= '9') {
			part = part * 10 + (u32)(s[i] - '0');
			if (++digits > 3)
				return false;
		} else {
			return false;
		}
	}
	if (parts != 4)
		return false;
	*out = val;
	return true;
}

static bool parse_v6(const char *s, size_t len, union fs_addr *out)
{
	u16 head[8], tail[8];
	u32 nhead = 0, ntail = 0, g;
	bool gap = false;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true;
		i = 2;
	} else if (len && s[0] == ':') {
		return false;
	}
	while (i < len) {
		u32 val = 0, digits = 0;
		size_t start = i;

		while (i < len && hexval(s[i]) >= 0 && digits < 5) {
			val = (val << 4) | (u32)hexval(s[i]);
			digits++;
			i++;
		}
		if (i < len && s[i] == '.') {
			/* embedded IPv4 tail */
			u32 v4;

			if (!parse_v4(s + start, len - start, &v4))
				return false;
			if ((gap ? ntail : nhead) + 2 > 8)
				return false;
			if (gap) {
				tail[ntail++] = (u16)(v4 >> 16);
				tail[ntail++] = (u16)v4;
			} else {
				head[nhead++] = (u16)(v4 >> 16);
				head[nhead++] = (u16)v4;
			}
			i = len;
			break;
		}
		if (!digits || digits > 4)
			return false;
		if ((gap ? ntail : nhead) >= 8)
			return false;
		if (gap)
			tail[ntail++] = (u16)val;
		else
			head[nhead++] = (u16)val;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (gap)
				return false;
			gap = true;
			i++;
		} else if (i == len) {
			return false;
		}
	}
	if (gap ? nhead + ntail > 7 : nhead != 8)
		return false;
	fs_memset(out, 0, sizeof(*out));
	for (g = 0; g < nhead; g++)
		out->ip6[g / 2] |= (u32)head[g] << (g & 1 ? 0 : 16);
	for (g = 0; g < ntail; g++) {
		u32 pos = 8 - ntail + g;

		out->ip6[pos / 2] |= (u32)tail[g] << (pos & 1 ? 0 : 16);
	}
	return true;
}

int fs_addr_parse(const char *s, size_t len, union fs_addr *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == ':') {
			if (!parse_v6(s, len, out))
				return 0;
			return FS_AF_INET6;
		}
	}
	fs_memset(out, 0, sizeof(*out));
	if (!parse_v4(s, len, &out->ip))
		return 0;
	return FS_AF_INET;
}
