/* SPDX-License-Identifier: MIT */
/*
 * conntrack_nat.c - NAT bindings (nf_nat_core.c: nf_nat_setup_info) and packet mangling
 * (nf_nat_packet / nf_nat_manip_pkt).
 *
 * A NAT binding is nothing but a rewritten reply tuple: SNAT changes the reply's
 * destination, DNAT its source.  Mangling a packet then never needs the NAT type: at
 * PREROUTING a packet's destination becomes the source of the other direction's tuple, at
 * POSTROUTING its source becomes the other direction's destination (the inverse of the
 * reply tuple is exactly "what the packet must look like").  Without NAT both are no-ops.
 *
 * Port choice (nf_nat_l4proto_unique_tuple): keep the original port when the resulting
 * tuple is unused, otherwise probe the range deterministically, starting at a hash of the
 * tuple, so the same scenario always gets the same ports.
 */
#include "conntrack_internal.h"

static bool tuple_taken(struct conntrack_table *t, const struct fs_tuple *reply)
{
	return conntrack_find(t, reply, NULL) != NULL;
}

int conntrack_nat_snat(struct conntrack_table *t, struct conntrack_entry *ct,
		       const union fs_addr *addr, u16 port_min, u16 port_max)
{
	struct fs_tuple reply = ct->tuplehash[CT_DIR_REPLY].tuple;
	bool has_ports = reply.proto == FS_IPPROTO_TCP || reply.proto == FS_IPPROTO_UDP;
	u32 range, i, start;
	u16 orig_port = ct->tuplehash[CT_DIR_ORIGINAL].tuple.sport;

	if (ct->status & IPS_SRC_NAT_DONE)
		return 0;
	reply.dst = *addr;
	if (!port_min && !port_max) {
		/* masquerade / snat without ports: keep the port if possible, else pick
		 * from the class of the original (nf_nat_l4proto_unique_tuple) */
		if (orig_port < 512) {
			port_min = 1;
			port_max = 511;
		} else if (orig_port < 1024) {
			port_min = 600;
			port_max = 1023;
		} else {
			port_min = 1024;
			port_max = 65535;
		}
	}
	/*
	 * ICMP has no ports: its reply tuple keeps the echo id in sport and the reply type
	 * and code in dport (see fs_tuple_invert), and masquerade rewrites only the address.
	 */
	if (!has_ports)
		goto done;
	reply.dport = orig_port;
	if (orig_port >= port_min && orig_port <= port_max && !tuple_taken(t, &reply))
		goto done;
	range = (u32)port_max - port_min + 1;
	start = fs_tuple_hash(&ct->tuplehash[CT_DIR_ORIGINAL].tuple, 0x6e617421) % range;
	for (i = 0; i < range; i++) {
		reply.dport = (u16)(port_min + (start + i) % range);
		if (!tuple_taken(t, &reply))
			goto done;
	}
	return -1;  /* range exhausted: the kernel drops the packet */
done:
	reply.pad = CT_DIR_REPLY;
	ct->tuplehash[CT_DIR_REPLY].tuple = reply;
	if (!fs_addr_equal(&reply.dst, &ct->tuplehash[CT_DIR_ORIGINAL].tuple.src) ||
	    (has_ports && reply.dport != orig_port))
		ct->status |= IPS_SRC_NAT;
	ct->status |= IPS_SRC_NAT_DONE;
	return 0;
}

int conntrack_nat_dnat(struct conntrack_table *t, struct conntrack_entry *ct,
		       const union fs_addr *addr, u16 port)
{
	struct fs_tuple *reply = &ct->tuplehash[CT_DIR_REPLY].tuple;
	const struct fs_tuple *orig = &ct->tuplehash[CT_DIR_ORIGINAL].tuple;

	if (ct->status & IPS_DST_NAT_DONE)
		return 0;
	reply->src = *addr;
	if (port && (reply->proto == FS_IPPROTO_TCP || reply->proto == FS_IPPROTO_UDP))
		reply->sport = port;
	if (!fs_addr_equal(&reply->src, &orig->dst) || reply->sport != orig->dport)
		ct->status |= IPS_DST_NAT;
	ct->status |= IPS_DST_NAT_DONE;
	return 0;
}

void conntrack_nat_packet(const struct conntrack_entry *ct, enum ct_dir dir,
			  struct fs_packet *pkt, bool dst_part)
{
	const struct fs_tuple *other = &ct->tuplehash[!dir].tuple;
	bool ports = pkt->t.proto == FS_IPPROTO_TCP || pkt->t.proto == FS_IPPROTO_UDP;

	if (dst_part) {
		pkt->t.dst = other->src;
		if (ports)
			pkt->t.dport = other->sport;
	} else {
		pkt->t.src = other->dst;
		if (ports)
			pkt->t.sport = other->dport;
	}
}
