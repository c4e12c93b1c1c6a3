// SPDX-License-Identifier: MIT
/*
 * nft_match.c - selectors and their values: "tcp dport", "ct state", "iifname", ...
 *
 * Each selector has a datatype that decides how its values are written (names,
 * numbers, ranges a-b, anonymous sets { }, flag lists a,b / a|b for bitmask types) and
 * a protocol dependency that the kernel rule would carry implicitly (nft adds
 * "meta l4proto tcp" before "tcp dport"): evaluation stops the rule (NFT_BREAK) for a
 * packet without that header, whatever the operator.  Also the element lists of vmaps
 * and counter maps.
 */
#include "nft_parse.h"

static const struct key_info keys[RK__COUNT] = {
	[RK_IIF] = { "iif", DT_IFINDEX, KC_DEV, 0, 0, 0xffff },
	[RK_OIF] = { "oif", DT_IFINDEX, KC_DEV, 0, 0, 0xffff },
	[RK_IIFNAME] = { "iifname", DT_IFNAME, KC_DEV, 0, 0, 0 },
	[RK_OIFNAME] = { "oifname", DT_IFNAME, KC_DEV, 0, 0, 0 },
	[RK_L4PROTO] = { "meta l4proto", DT_PROTO, KC_SCALAR, 0, 0, 255 },
	[RK_NFPROTO] = { "meta nfproto", DT_NFPROTO, KC_SCALAR, 0, 0, 255 },
	[RK_PROTOCOL] = { "meta protocol", DT_ETHERTYPE, KC_SCALAR, 0, 0, 0xffff },
	[RK_MARK] = { "meta mark", DT_U32, KC_SCALAR, 0, 0, 0xffffffff },
	[RK_IP_PROTO] = { "ip protocol", DT_PROTO, KC_SCALAR, 0, 4, 255 },
	[RK_IP_SADDR] = { "ip saddr", DT_IPV4, KC_ADDR, 0, 4, 0 },
	[RK_IP_DADDR] = { "ip daddr", DT_IPV4, KC_ADDR, 0, 4, 0 },
	[RK_IP_DSCP] = { "ip dscp", DT_DSCP, KC_SCALAR, 0, 4, 63 },
	[RK_IP6_SADDR] = { "ip6 saddr", DT_IPV6, KC_ADDR, 0, 6, 0 },
	[RK_IP6_DADDR] = { "ip6 daddr", DT_IPV6, KC_ADDR, 0, 6, 0 },
	[RK_IP6_NEXTHDR] = { "ip6 nexthdr", DT_PROTO, KC_SCALAR, 0, 6, 255 },
	[RK_IP6_DSCP] = { "ip6 dscp", DT_DSCP, KC_SCALAR, 0, 6, 63 },
	[RK_TCP_SPORT] = { "tcp sport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_TCP_DPORT] = { "tcp dport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_UDP_SPORT] = { "udp sport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_UDP_DPORT] = { "udp dport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_TH_SPORT] = { "th sport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_TH_DPORT] = { "th dport", DT_PORT, KC_SCALAR, 0, 0, 65535 },
	[RK_TCP_FLAGS] = { "tcp flags", DT_TCPFLAGS, KC_SCALAR, 1, 0, 255 },
	[RK_ICMP_TYPE] = { "icmp type", DT_ICMP, KC_SCALAR, 0, 4, 255 },
	[RK_ICMPV6_TYPE] = { "icmpv6 type", DT_ICMP6, KC_SCALAR, 0, 6, 255 },
	[RK_CT_STATE] = { "ct state", DT_CTSTATE, KC_SCALAR, 1, 0, 0xff },
	[RK_CT_STATUS] = { "ct status", DT_CTSTATUS, KC_SCALAR, 1, 0, 0xffffffff },
	[RK_CT_MARK] = { "ct mark", DT_U32, KC_SCALAR, 0, 0, 0xffffffff },
	[RK_CT_DIRECTION] = { "ct direction", DT_CTDIR, KC_SCALAR, 0, 0, 1 },
};

static const struct named proto_names[] = {
	{ "icmp", 1 }, { "igmp", 2 }, { "ipip", 4 }, { "tcp", 6 }, { "dccp", 33 },
	{ "udp", 17 }, { "ipv6", 41 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 },
	{ "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 }, { "udplite", 136 }, { NULL, 0 },
};
static const struct named nfproto_names[] = { { "ipv4", 2 }, { "ipv6", 10 }, { NULL, 0 } };
static const struct named ether_names[] = {
	{ "ip", 0x0800 }, { "ip6", 0x86dd }, { "arp", 0x0806 }, { "vlan", 0x8100 }, { NULL, 0 },
};
static const struct named dscp_names[] = {
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 }, { "cs4", 32 }, { "cs5", 40 },
	{ "cs6", 48 }, { "cs7", 56 }, { "af11", 10 }, { "af12", 12 }, { "af13", 14 },
	{ "af21", 18 }, { "af22", 20 }, { "af23", 22 }, { "af31", 26 }, { "af32", 28 },
	{ "af33", 30 }, { "af41", 34 }, { "af42", 36 }, { "af43", 38 }, { "ef", 46 },
	{ "va", 44 }, { "le", 1 }, { NULL, 0 },
};
static const struct named port_names[] = {
	{ "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 }, { "smtp", 25 }, { "domain", 53 },
	{ "bootps", 67 }, { "bootpc", 68 }, { "tftp", 69 }, { "http", 80 }, { "ntp", 123 },
	{ "https", 443 }, { "isakmp", 500 }, { "dhcpv6-client", 546 },
	{ "dhcpv6-server", 547 }, { NULL, 0 },
};
static const struct named tcpflag_names[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "psh", 0x08 }, { "ack", 0x10 },
	{ "urg", 0x20 }, { "ecn", 0x40 }, { "cwr", 0x80 }, { NULL, 0 },
};
static const struct named icmp_names[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 }, { "source-quench", 4 },
	{ "redirect", 5 }, { "echo-request", 8 }, { "router-advertisement", 9 },
	{ "router-solicitation", 10 }, { "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp-request", 13 }, { "timestamp-reply", 14 }, { "info-request", 15 },
	{ "info-reply", 16 }, { "address-mask-request", 17 }, { "address-mask-reply", 18 },
	{ NULL, 0 },
};
static const struct named icmp6_names[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 }, { "time-exceeded", 3 },
	{ "parameter-problem", 4 }, { "echo-request", 128 }, { "echo-reply", 129 },
	{ "mld-listener-query", 130 }, { "mld-listener-report", 131 },
	{ "mld-listener-done", 132 }, { "mld-listener-reduction", 132 },
	{ "nd-router-solicit", 133 }, { "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 }, { "nd-neighbor-advert", 136 }, { "nd-redirect", 137 },
	{ "router-renumbering", 138 }, { "ind-neighbor-solicit", 141 },
	{ "ind-neighbor-advert", 142 }, { "mld2-listener-report", 143 }, { NULL, 0 },
};
static const struct named ctstate_names[] = {
	{ "invalid", RS_CT_STATE_INVALID }, { "established", RS_CT_STATE_ESTABLISHED },
	{ "related", RS_CT_STATE_RELATED }, { "new", RS_CT_STATE_NEW },
	{ "untracked", RS_CT_STATE_UNTRACKED }, { NULL, 0 },
};
static const struct named ctstatus_names[] = {
	{ "expected", IPS_EXPECTED }, { "seen-reply", IPS_SEEN_REPLY },
	{ "assured", IPS_ASSURED }, { "confirmed", IPS_CONFIRMED }, { "snat", IPS_SRC_NAT },
	{ "dnat", IPS_DST_NAT }, { "dying", IPS_DYING }, { NULL, 0 },
};
static const struct named ctdir_names[] = { { "original", 0 }, { "reply", 1 }, { NULL, 0 } };

static const struct named *dtype_names(u8 dtype)
{
	switch (dtype) {
	case DT_PROTO: return proto_names;
	case DT_NFPROTO: return nfproto_names;
	case DT_ETHERTYPE: return ether_names;
	case DT_DSCP: return dscp_names;
	case DT_PORT: return port_names;
	case DT_TCPFLAGS: return tcpflag_names;
	case DT_ICMP: return icmp_names;
	case DT_ICMP6: return icmp6_names;
	case DT_CTSTATE: return ctstate_names;
	case DT_CTSTATUS: return ctstatus_names;
	case DT_CTDIR: return ctdir_names;
	default: return NULL;
	}
}

bool rsp_lookup_named(const struct named *tab, const char *s, u32 n, u32 *v)
{
	u32 i;

	for (i = 0; tab && tab[i].name; i++) {
		if (rsi_memeq_str(s, n, tab[i].name)) {
			*v = tab[i].val;
			return true;
		}
	}
	return false;
}

bool rsp_all_digits(const char *s, u32 n)
{
	u32 i;

	if (!n)
		return false;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return true;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

const struct key_info *rsp_key(u8 key)
{
	return &keys[key < RK__COUNT ? key : 0];
}

/* ---------------------------------------------------------------- values */

static int value_error(struct nft_parser *p, u8 key, const struct tok *t)
{
	char got[48];

	rsp_tokstr(t, got, sizeof(got));
	switch (keys[key].dtype) {
	case DT_PROTO:
		return P_ERR(p, t, "%s: expected a protocol (tcp, udp, icmp, icmpv6, gre, esp, ...) "
			     "or number 0-255, got %s", keys[key].name, got);
	case DT_NFPROTO:
		return P_ERR(p, t, "%s: expected ipv4 or ipv6, got %s", keys[key].name, got);
	case DT_DSCP:
		return P_ERR(p, t, "%s: expected a DSCP class (cs0-cs7, af11-af43, ef) or number "
			     "0-63, got %s", keys[key].name, got);
	case DT_TCPFLAGS:
		return P_ERR(p, t, "%s: expected fin, syn, rst, psh, ack, urg, ecn or cwr, got %s",
			     keys[key].name, got);
	case DT_CTSTATE:
		return P_ERR(p, t, "%s: expected new, established, related, invalid or untracked, "
			     "got %s", keys[key].name, got);
	case DT_CTSTATUS:
		return P_ERR(p, t, "%s: expected expected, seen-reply, assured, confirmed, snat, "
			     "dnat or dying, got %s", keys[key].name, got);
	case DT_CTDIR:
		return P_ERR(p, t, "%s: expected original or reply, got %s", keys[key].name, got);
	case DT_PORT:
		return P_ERR(p, t, "%s: expected a port number 0-65535 or range, got %s",
			     keys[key].name, got);
	case DT_ICMP:
	case DT_ICMP6:
		return P_ERR(p, t, "%s: expected an ICMP type name or number 0-255, got %s",
			     keys[key].name, got);
	default:
		return P_ERR(p, t, "%s: expected a number, got %s", keys[key].name, got);
	}
}

/* One scalar value (name or number) of key's datatype, no ranges. */
int rsp_scalar_one(struct nft_parser *p, u8 key, const struct tok *t, u32 *v)
{
	const struct key_info *ki = &keys[key];
	u64 n;

	if (t->type != TK_WORD && t->type != TK_STR)
		return value_error(p, key, t);
	if (rsp_lookup_named(dtype_names(ki->dtype), t->s, t->len, v))
		return 0;
	if (ki->dtype == DT_CTSTATE || ki->dtype == DT_CTDIR || ki->dtype == DT_NFPROTO ||
	    !rsp_all_digits(t->s, t->len) || t->type != TK_WORD)
		return value_error(p, key, t);
	if (rsp_u64(p, t, &n))
		return -1;
	if (n > ki->max) {
		char got[48];

		rsp_tokstr(t, got, sizeof(got));
		return P_ERR(p, t, "%s: value %s out of range (0-%u)", ki->name, got, ki->max);
	}
	*v = (u32)n;
	return 0;
}

/* A value or a range "lo-hi" (one word). */
static int scalar_range(struct nft_parser *p, u8 key, const struct tok *t, struct rs_range *r)
{
	u32 i;

	if (t->type == TK_WORD && !rsp_lookup_named(dtype_names(keys[key].dtype), t->s, t->len, &i)) {
		for (i = 1; i + 1 < t->len; i++) {
			if (t->s[i] == '-') {
				struct tok lo = rsp_subtok(t, 0, i), hi = rsp_subtok(t, i + 1, t->len - i - 1);

				if (keys[key].bitmask)
					break;
				if (rsp_scalar_one(p, key, &lo, &r->lo) || rsp_scalar_one(p, key, &hi, &r->hi))
					return -1;
				if (r->lo > r->hi)
					return P_ERR(p, t, "%s: range start is above its end",
						     keys[key].name);
				return 0;
			}
		}
	}
	if (rsp_scalar_one(p, key, t, &r->lo))
		return -1;
	r->hi = r->lo;
	return 0;
}

/* flag1 | flag2 , flag3, optionally in parentheses (bitmask types) */
static int flag_list(struct nft_parser *p, u8 key, bool commas, u32 *mask)
{
	bool paren = rsp_is(p, TK_LPAREN);

	*mask = 0;
	if (paren && rsp_advance(p))
		return -1;
	for (;;) {
		u32 v;

		if (rsp_scalar_one(p, key, &p->tok, &v) || rsp_advance(p))
			return -1;
		*mask |= v;
		if (rsp_is(p, TK_PIPE) || (commas && rsp_is(p, TK_COMMA))) {
			if (rsp_advance(p))
				return -1;
			continue;
		}
		break;
	}
	if (paren)
		return rsp_expect(p, TK_RPAREN, "')'");
	return 0;
}

static int prefix_value(struct nft_parser *p, u8 key, const struct tok *t, struct rs_prefix *pf)
{
	u8 want = keys[key].family == 4 ? FS_AF_INET : FS_AF_INET6;
	u32 i, alen = t->len, maxlen = want == FS_AF_INET ? 32 : 128;
	u64 plen = maxlen;
	char got[48];
	int fam;

	rsp_tokstr(t, got, sizeof(got));
	if (t->type != TK_WORD)
		return P_ERR(p, t, "%s: expected an %s address or prefix, got %s", keys[key].name,
			     want == FS_AF_INET ? "IPv4" : "IPv6", got);
	for (i = 0; i < t->len; i++) {
		if (t->s[i] == '/') {
			struct tok pl = rsp_subtok(t, i + 1, t->len - i - 1);

			alen = i;
			if (!pl.len || rsp_u64(p, &pl, &plen))
				return P_ERR(p, t, "%s: bad prefix length in %s", keys[key].name, got);
			break;
		}
	}
	fam = fs_addr_parse(t->s, alen, &pf->addr);
	if (!fam) {
		for (i = 1; i < alen; i++)
			if (t->s[i] == '-' && want == FS_AF_INET)
				return P_ERR(p, t, "%s: address ranges are not supported, use a "
					     "prefix", keys[key].name);
		return P_ERR(p, t, "%s: expected an %s address or prefix, got %s", keys[key].name,
			     want == FS_AF_INET ? "IPv4" : "IPv6", got);
	}
	if (fam != want)
		return P_ERR(p, t, "%s: %s is not an %s address", keys[key].name, got,
			     want == FS_AF_INET ? "IPv4" : "IPv6");
	if (plen > maxlen)
		return P_ERR(p, t, "%s: prefix length %u is above %u", keys[key].name, (u32)plen,
			     maxlen);
	pf->plen = (u8)plen;
	/* keep the network part only, as nft does with "10.0.0.1/24" */
	for (i = 0; i < 4; i++) {
		u32 bits = plen > i * 32 ? (u32)plen - i * 32 : 0;
		u32 m = bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;

		if (want == FS_AF_INET) {
			if (i == 0)
				pf->addr.ip &= m;
			break;
		}
		pf->addr.ip6[i] &= m;
	}
	return 0;
}

static int dev_value(struct nft_parser *p, u8 key, const struct tok *t, u32 *id, bool *numeric)
{
	int pid;

	*numeric = false;
	if (t->type == TK_WORD && rsp_all_digits(t->s, t->len) && keys[key].dtype == DT_IFINDEX) {
		u64 v;

		if (rsp_u64(p, t, &v))
			return -1;
		if (v > 0xffff)
			return P_ERR(p, t, "%s: interface index out of range", keys[key].name);
		*numeric = true;
		*id = (u32)v;
		return 0;
	}
	if (t->type != TK_WORD && t->type != TK_STR)
		return P_ERR(p, t, "%s: expected an interface name", keys[key].name);
	if (!t->len || t->len >= FS_IFNAMSIZ)
		return P_ERR(p, t, "%s: interface names have 1 to %d characters", keys[key].name,
			     FS_IFNAMSIZ - 1);
	if (keys[key].dtype == DT_IFINDEX && t->s[t->len - 1] == '*')
		return P_ERR(p, t, "%s takes a device, not a wildcard: use %sname", keys[key].name,
			     keys[key].name);
	pid = rsi_pattern_intern(p->st, t->s, t->len);
	if (pid < 0)
		return P_ERR(p, t, "too many distinct interface names");
	*id = (u32)pid;
	return 0;
}

/* One element of a set or map key: appended to the instruction's data. */
static int set_element(struct nft_parser *p, struct rs_insn *in, const struct tok *t)
{
	const struct key_info *ki = &keys[in->key];
	u32 off;

	if (in->n >= RS_MAX_SET)
		return P_ERR(p, t, "set has more than %d elements", RS_MAX_SET);
	if (ki->cls == KC_ADDR) {
		struct rs_prefix *pf = rsp_data_alloc(p, sizeof(*pf), 4, &off, t);

		if (!pf || prefix_value(p, in->key, t, pf))
			return -1;
	} else if (ki->cls == KC_DEV) {
		struct rs_range *r = rsp_data_alloc(p, sizeof(*r), 4, &off, t);
		bool numeric;

		if (!r || dev_value(p, in->key, t, &r->lo, &numeric))
			return -1;
		r->hi = r->lo;
		if (in->n && numeric != !!(in->flags & RI_NUMERIC))
			return P_ERR(p, t, "%s: do not mix interface names and indexes", ki->name);
		if (numeric)
			in->flags |= RI_NUMERIC;
	} else {
		struct rs_range *r = rsp_data_alloc(p, sizeof(*r), 4, &off, t);

		if (!r || scalar_range(p, in->key, t, r))
			return -1;
	}
	if (!in->n)
		in->off = off;
	in->n++;
	return 0;
}

/* ---------------------------------------------------------------- selectors */

bool rsp_is_selector_start(const struct tok *t)
{
	static const char *const starts[] = {
		"meta", "iif", "oif", "iifname", "oifname", "mark", "ip", "ip6", "tcp", "udp",
		"th", "icmp", "icmpv6", "ct",
	};
	u32 i;

	for (i = 0; i < FS_ARRAY_SIZE(starts); i++)
		if (t->type == TK_WORD && rsi_memeq_str(t->s, t->len, starts[i]))
			return true;
	return false;
}

struct sel_word {
	const char *proto;
	const char *field;
	u8 key;
};

static const struct sel_word sel_words[] = {
	{ "meta", "l4proto", RK_L4PROTO }, { "meta", "nfproto", RK_NFPROTO },
	{ "meta", "protocol", RK_PROTOCOL }, { "meta", "mark", RK_MARK },
	{ "meta", "iif", RK_IIF }, { "meta", "oif", RK_OIF },
	{ "meta", "iifname", RK_IIFNAME }, { "meta", "oifname", RK_OIFNAME },
	{ "ip", "protocol", RK_IP_PROTO }, { "ip", "saddr", RK_IP_SADDR },
	{ "ip", "daddr", RK_IP_DADDR }, { "ip", "dscp", RK_IP_DSCP },
	{ "ip6", "saddr", RK_IP6_SADDR }, { "ip6", "daddr", RK_IP6_DADDR },
	{ "ip6", "nexthdr", RK_IP6_NEXTHDR }, { "ip6", "dscp", RK_IP6_DSCP },
	{ "tcp", "sport", RK_TCP_SPORT }, { "tcp", "dport", RK_TCP_DPORT },
	{ "tcp", "flags", RK_TCP_FLAGS }, { "udp", "sport", RK_UDP_SPORT },
	{ "udp", "dport", RK_UDP_DPORT }, { "th", "sport", RK_TH_SPORT },
	{ "th", "dport", RK_TH_DPORT }, { "icmp", "type", RK_ICMP_TYPE },
	{ "icmpv6", "type", RK_ICMPV6_TYPE }, { "ct", "state", RK_CT_STATE },
	{ "ct", "status", RK_CT_STATUS }, { "ct", "mark", RK_CT_MARK },
	{ "ct", "direction", RK_CT_DIRECTION },
};

/* meta KEY | iif | oif | iifname | oifname | mark | ip KEY | ... ; returns the key or 0 */
u8 rsp_selector(struct nft_parser *p)
{
	struct tok first = p->tok;
	const struct rs_table *t = rsp_top(p)->table;
	char fields[160];
	u32 i, o = 0;
	u8 key = 0;

	if (rsp_is_word(p, "iif") || rsp_is_word(p, "oif") || rsp_is_word(p, "iifname") ||
	    rsp_is_word(p, "oifname") || rsp_is_word(p, "mark")) {
		for (i = 0; i < FS_ARRAY_SIZE(sel_words); i++)
			if (rsi_memeq_str(first.s, first.len, sel_words[i].field) &&
			    rsi_streq(sel_words[i].proto, "meta"))
				key = sel_words[i].key;
		if (rsp_advance(p))
			return 0;
	} else {
		if (rsp_advance(p))
			return 0;
		for (i = 0; i < FS_ARRAY_SIZE(sel_words); i++) {
			if (!rsi_memeq_str(first.s, first.len, sel_words[i].proto))
				continue;
			if (rsp_is_word(p, sel_words[i].field))
				key = sel_words[i].key;
			o += (u32)fs_snprintf(fields + o, sizeof(fields) - o, "%s%s",
					      o ? ", " : "", sel_words[i].field);
			if (o >= sizeof(fields))
				o = sizeof(fields) - 1;
		}
		if (!key) {
			char what[200], f[24];

			rsp_tokstr(&first, f, sizeof(f));
			fs_snprintf(what, sizeof(what), "a %s field (%s)", f, fields);
			rsp_expected(p, what);
			return 0;
		}
		if (rsp_advance(p))
			return 0;
	}
	if ((keys[key].family == 4 && t->family == NFT_FAMILY_IP6) ||
	    (keys[key].family == 6 && t->family == NFT_FAMILY_IP)) {
		P_ERR(p, &first, "%s cannot match in an %s table", keys[key].name,
		      rsi_family_name(t->family));
		return 0;
	}
	return key;
}

enum rel { REL_IMPLICIT, REL_EQ, REL_NE, REL_LT, REL_GT, REL_LE, REL_GE };

static u8 parse_rel(struct nft_parser *p)
{
	static const struct { u8 tk; const char *w; u8 rel; } ops[] = {
		{ TK_EQEQ, "eq", REL_EQ }, { TK_NE, "ne", REL_NE }, { TK_LT, "lt", REL_LT },
		{ TK_GT, "gt", REL_GT }, { TK_LE, "le", REL_LE }, { TK_GE, "ge", REL_GE },
	};
	u32 i;

	for (i = 0; i < FS_ARRAY_SIZE(ops); i++) {
		if (rsp_is(p, ops[i].tk) || rsp_is_word(p, ops[i].w)) {
			rsp_advance(p);
			return ops[i].rel;
		}
	}
	return REL_IMPLICIT;
}

static int parse_set(struct nft_parser *p, struct rs_insn *in)
{
	if (rsp_expect(p, TK_LBRACE, "'{'"))
		return -1;
	for (;;) {
		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (p->failed)
			return -1;
		if (rsp_is(p, TK_RBRACE))
			break;
		if (set_element(p, in, &p->tok) || rsp_advance(p))
			return -1;
		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (rsp_is(p, TK_COMMA)) {
			rsp_advance(p);
			continue;
		}
		if (!rsp_is(p, TK_RBRACE))
			return rsp_expected(p, "',' or '}'");
	}
	if (!in->n)
		return P_ERR(p, &p->tok, "empty set");
	return rsp_advance(p);
}

int rsp_match(struct nft_parser *p, u8 key, const struct tok *at)
{
	const struct key_info *ki = &keys[key];
	struct rs_insn *in;
	u8 rel;

	if (key == RK_TCP_FLAGS && rsp_is(p, TK_AMP)) {
		/* tcp flags & (fin | syn | rst | ack) == syn */
		u32 mask, val;
		bool ne;

		if (rsp_advance(p) || flag_list(p, key, true, &mask))
			return -1;
		if (!rsp_is(p, TK_EQEQ) && !rsp_is(p, TK_NE))
			return rsp_expected(p, "'==' or '!='");
		ne = rsp_is(p, TK_NE);
		if (rsp_advance(p) || flag_list(p, key, true, &val))
			return -1;
		in = rsp_emit(p, OP_MATCH, at);
		if (!in)
			return -1;
		in->key = key;
		in->cmp = ne ? RC_MASKNE : RC_MASKEQ;
		in->a = mask;
		in->b = val & mask;
		return 0;
	}
	rel = parse_rel(p);
	if (p->failed)
		return -1;
	in = rsp_emit(p, OP_MATCH, at);
	if (!in)
		return -1;
	in->key = key;
	if (rsp_is(p, TK_LBRACE)) {
		if (rel != REL_IMPLICIT && rel != REL_EQ && rel != REL_NE)
			return P_ERR(p, &p->tok, "sets can only be compared with == or !=");
		in->cmp = rel == REL_NE ? RC_NOTIN : RC_IN;
		return parse_set(p, in);
	}
	if (rsp_at_rule_end(p))
		return rsp_expected(p, "a value");
	if (ki->cls == KC_SCALAR && ki->bitmask && rel != REL_EQ && rel != REL_LT &&
	    rel != REL_GT && rel != REL_LE && rel != REL_GE) {
		/* "ct state established,related", "tcp flags syn / syn,fin,rst" */
		u32 v, mask;

		if (flag_list(p, key, true, &v))
			return -1;
		if (key == RK_TCP_FLAGS && rsp_is_word(p, "/")) {
			if (rsp_advance(p) || flag_list(p, key, true, &mask))
				return -1;
			in->cmp = rel == REL_NE ? RC_MASKNE : RC_MASKEQ;
			in->a = mask;
			in->b = v & mask;
			return 0;
		}
		in->cmp = rel == REL_NE ? RC_NONE : RC_ANY;
		in->a = v;
		return 0;
	}
	if (ki->cls == KC_SCALAR && ki->bitmask && rel == REL_EQ) {
		struct rs_range *r;
		u32 v, off;

		if (flag_list(p, key, true, &v))
			return -1;
		r = rsp_data_alloc(p, sizeof(*r), 4, &off, at);
		if (!r)
			return -1;
		r->lo = r->hi = v;
		in->off = off;
		in->n = 1;
		in->cmp = RC_IN;
		return 0;
	}
	in->cmp = rel == REL_NE ? RC_NOTIN : RC_IN;
	if (set_element(p, in, &p->tok))
		return -1;
	if (rel >= REL_LT) {
		struct rs_range *r = (void *)((u8 *)rsp_top(p)->data + in->off);
		u32 v = r->lo, max = ki->max;

		if (ki->cls == KC_ADDR || (ki->cls == KC_DEV && !(in->flags & RI_NUMERIC)))
			return P_ERR(p, &p->tok, "%s cannot be compared with < or >", ki->name);
		if (r->lo != r->hi)
			return P_ERR(p, &p->tok, "ranges cannot be compared with < or >");
		if (ki->cls == KC_DEV)
			max = 0xffff;
		switch (rel) {
		case REL_LT:
			if (!v)
				return P_ERR(p, &p->tok, "%s < 0 never matches", ki->name);
			r->lo = 0;
			r->hi = v - 1;
			break;
		case REL_LE:
			r->lo = 0;
			break;
		case REL_GT:
			if (v >= max)
				return P_ERR(p, &p->tok, "%s > %u never matches", ki->name, v);
			r->lo = v + 1;
			r->hi = max;
			break;
		default:
			r->hi = max;
			break;
		}
	}
	return rsp_advance(p);
}

static int map_colon(struct nft_parser *p, struct tok *key, struct tok *val, bool *has_val)
{
	u32 i;

	*key = p->tok;
	*has_val = false;
	if (p->tok.type == TK_WORD) {
		for (i = 0; i < p->tok.len; i++) {
			if (p->tok.s[i] != ':')
				continue;
			if (i == 0)
				break;
			*key = rsp_subtok(&p->tok, 0, i);
			if (i + 1 < p->tok.len) {
				*val = rsp_subtok(&p->tok, i + 1, p->tok.len - i - 1);
				*has_val = true;
			}
			return rsp_advance(p);
		}
	}
	if (rsp_advance(p))
		return -1;
	if (p->tok.type == TK_WORD && p->tok.len > 1 && p->tok.s[0] == ':') {
		*val = rsp_subtok(&p->tok, 1, p->tok.len - 1);
		*has_val = true;
		return rsp_advance(p);
	}
	if (!rsp_is_word(p, ":"))
		return rsp_expected(p, "':'");
	return rsp_advance(p);
}

int rsp_map_entries(struct nft_parser *p, struct rs_insn *in, bool vmap)
{
	if (rsp_expect(p, TK_LBRACE, "'{'"))
		return -1;
	for (;;) {
		struct tok key, val;
		bool has_val;
		u32 off;

		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (p->failed)
			return -1;
		if (rsp_is(p, TK_RBRACE))
			break;
		if (in->n >= RS_MAX_SET)
			return P_ERR(p, &p->tok, "map has more than %d elements", RS_MAX_SET);
		if (map_colon(p, &key, &val, &has_val))
			return -1;
		if (!has_val) {
			val = p->tok;
			if (rsp_advance(p))
				return -1;
		}
		if (vmap) {
			struct rs_vmap_ent *e = rsp_data_alloc(p, sizeof(*e), 4, &off, &key);
			struct rs_range r;
			bool numeric = false;

			if (!e)
				return -1;
			if (keys[in->key].cls == KC_DEV) {
				if (dev_value(p, in->key, &key, &r.lo, &numeric))
					return -1;
				if (numeric)
					return P_ERR(p, &key, "vmap on interface indexes is not "
						     "supported");
				r.hi = r.lo;
			} else if (scalar_range(p, in->key, &key, &r)) {
				return -1;
			}
			e->lo = r.lo;
			e->hi = r.hi;
			if (rsi_memeq_str(val.s, val.len, "accept"))
				e->verdict = VC_ACCEPT;
			else if (rsi_memeq_str(val.s, val.len, "drop"))
				e->verdict = VC_DROP;
			else if (rsi_memeq_str(val.s, val.len, "return"))
				e->verdict = VC_RETURN;
			else if (rsi_memeq_str(val.s, val.len, "continue"))
				e->verdict = VC_CONTINUE;
			else if (rsi_memeq_str(val.s, val.len, "jump") ||
				 rsi_memeq_str(val.s, val.len, "goto")) {
				e->verdict = val.s[0] == 'j' ? VC_JUMP : VC_GOTO;
				if (p->tok.type != TK_WORD && p->tok.type != TK_STR)
					return rsp_expected(p, "a chain name");
				if (rsp_add_ref(p, RS_K_CHAIN, rsp_insn_index(p, in), in->n, &p->tok) ||
				    rsp_advance(p))
					return -1;
			} else {
				char got[48];

				rsp_tokstr(&val, got, sizeof(got));
				return P_ERR(p, &val, "expected a verdict (accept, drop, return, "
					     "continue, jump or goto), got %s", got);
			}
		} else {
			struct rs_cmap_ent *e = rsp_data_alloc(p, sizeof(*e), 4, &off, &key);
			struct rs_range r;

			if (!e || scalar_range(p, in->key, &key, &r))
				return -1;
			e->lo = r.lo;
			e->hi = r.hi;
			if ((val.type != TK_WORD && val.type != TK_STR) || !val.len)
				return P_ERR(p, &val, "expected a counter name");
			if (rsp_add_ref(p, RS_K_COUNTER, rsp_insn_index(p, in), in->n, &val))
				return -1;
		}
		if (!in->n)
			in->off = off;
		in->n++;
		while (rsp_is(p, TK_NL))
			rsp_advance(p);
		if (rsp_is(p, TK_COMMA)) {
			rsp_advance(p);
			continue;
		}
		if (!rsp_is(p, TK_RBRACE))
			return rsp_expected(p, "',' or '}'");
	}
	if (!in->n)
		return P_ERR(p, &p->tok, "empty map");
	return rsp_advance(p);
}
