/* SPDX-License-Identifier: MIT */
/*
 * tuple.h - addresses and connection tuples (the conntrack key).
 *
 * A tuple is what the kernel calls nf_conntrack_tuple: source and destination address and
 * the L4 identifiers, plus the L3/L4 protocol.  IPv4 addresses occupy the first word of the
 * 16-byte address and the other three words are zero, so one tuple type serves both
 * families and compares with a single memcmp.  Addresses and ports are kept in host byte
 * order: the model never touches wire bytes, and host order keeps printing and the PPE hash
 * (which works on CPU-order words) simple.
 *
 * ICMP: sport holds the echo identifier, dport holds (type << 8 | code), as the kernel keeps
 * them in u.icmp.{id,type,code}.
 */
#ifndef FS_TUPLE_H
#define FS_TUPLE_H

#include "fs_port.h"

#define FS_AF_INET 2
#define FS_AF_INET6 10

#define FS_IPPROTO_ICMP 1
#define FS_IPPROTO_TCP 6
#define FS_IPPROTO_UDP 17
#define FS_IPPROTO_GRE 47
#define FS_IPPROTO_ICMPV6 58

union fs_addr {
	u32 ip;      /* IPv4, host order */
	u32 ip6[4];  /* IPv6, [0] most significant, each word host order */
};

struct fs_tuple {
	union fs_addr src;
	union fs_addr dst;
	u16 sport;
	u16 dport;
	u8 family;   /* FS_AF_INET / FS_AF_INET6 */
	u8 proto;    /* FS_IPPROTO_* */
	u16 pad;     /* always zero: tuples are compared and hashed as raw words */
};

#define FS_TUPLE_WORDS (sizeof(struct fs_tuple) / sizeof(u32))

static inline bool fs_tuple_equal(const struct fs_tuple *a, const struct fs_tuple *b)
{
	return fs_memcmp(a, b, sizeof(*a)) == 0;
}

static inline u32 fs_tuple_hash(const struct fs_tuple *t, u32 seed)
{
	return fs_jhash2((const u32 *)t, FS_TUPLE_WORDS, seed);
}

static inline bool fs_addr_equal(const union fs_addr *a, const union fs_addr *b)
{
	return fs_memcmp(a, b, sizeof(*a)) == 0;
}

static inline bool fs_addr_is_zero(const union fs_addr *a)
{
	return (a->ip6[0] | a->ip6[1] | a->ip6[2] | a->ip6[3]) == 0;
}

/* True when addr lies inside prefix/plen of the given family. */
bool fs_addr_in_prefix(u8 family, const union fs_addr *addr,
		       const union fs_addr *prefix, u8 plen);

/* ICMP type of the reply to an ICMP request, or -1 if the type has no reply. */
int fs_icmp_reply_type(u8 family, u8 type);

/* The tuple a reply packet carries: addresses and ports swapped (ICMP: reply type). */
void fs_tuple_invert(struct fs_tuple *inv, const struct fs_tuple *t);

/*
 * Text forms used by every listing: "192.168.1.2" and the compressed IPv6 form the kernel's
 * %pI6c prints ("2001:db8::1").  Return the number of characters written (without NUL).
 */
int fs_addr_format(char *buf, size_t size, u8 family, const union fs_addr *a);
/* Uncompressed IPv6 (%pI6: eight groups of four hex digits), as the PPE debugfs prints. */
int fs_addr_format_full6(char *buf, size_t size, const union fs_addr *a);

/* Parse dotted quad or IPv6 text; returns the family or 0 if the text is not an address. */
int fs_addr_parse(const char *s, size_t len, union fs_addr *out);

#endif /* FS_TUPLE_H */
