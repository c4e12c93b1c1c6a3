// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kshim_net.c - the kernel-facing half of the shim: attach to a network namespace,
 * mirror its devices, addresses and routes into the core's netconf, hook the chosen
 * devices' ingress, turn each skb into a struct fs_packet, and run the core's timers.
 *
 * Where the hooks sit and why: the real flowtable's fast path is a netdev ingress hook
 * (net/netfilter/nf_flow_table_inet.c registers nf_flow_offload_ip_hook /
 * nf_flow_offload_ipv6_hook from net/netfilter/nf_flow_table_ip.c as the flowtable's
 * NFPROTO_NETDEV NF_NETDEV_INGRESS hook at the flowtable's priority); a packet it
 * forwards is transmitted from there (neigh_xmit / dev_queue_xmit) and never reaches
 * PREROUTING, FORWARD or POSTROUTING.  So the only place that sees every forwarded
 * packet, fast path or not, is the ingress of the receiving device, before the
 * flowtable: our hook is NFPROTO_NETDEV/NF_NETDEV_INGRESS at INT_MIN.  The core then
 * replays the whole path itself (router_receive: its own flowtable hook, conntrack, the
 * ruleset, routing), which is the point of the exercise.  The hook always returns
 * NF_ACCEPT and never writes to the skb (it only reads headers through
 * skb_header_pointer).
 *
 * Shadow invariants:
 *  - hooks are registered only while attached; detach unregisters all of them and then
 *    waits for hooks still running on other CPUs with synchronize_net() before the router
 *    is freed or a hook slot reused (6.1's __nf_unregister_net_hook only swaps the entry
 *    for accept_all and frees the old blob with call_rcu: it does not wait);
 *  - the attached netns is pinned with get_net() until detach, so its devices cannot be
 *    freed under us by a namespace teardown; a device deleted explicitly is unhooked by
 *    the netdevice notifier (NETDEV_UNREGISTER) under RTNL, as nf_tables does for its
 *    own netdev hooks;
 *  - attach/detach and the notifier run under RTNL, so they never race each other.
 */
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/if_arp.h>
#include <linux/if_bridge.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <net/net_namespace.h>
#include <net/if_inet6.h>
#include <net/addrconf.h>
#include <net/ip_fib.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/tcp.h>
#include <net/dsfield.h>

#include "kshim.h"

#define KSHIM_MAX_HOOKS 16

struct kshim_hook {
	struct nf_hook_ops ops;
	struct kshim_core *c;
	int ifindex;                 /* kernel ifindex in the attached netns */
	u16 idx;                     /* the core's ifindex */
	bool registered;
	char name[IFNAMSIZ];
};

struct kshim_map {
	int ifindex;                 /* kernel */
	u16 idx;                     /* core */
};

static struct {
	struct kshim_core *c;
	struct net *net;             /* pinned while attached */
	int pid;
	struct kshim_hook hook[KSHIM_MAX_HOOKS];
	u32 nhooks;
	struct kshim_map map[FS_NETDEV_MAX];
	u32 nmap;
	char devices[256];
	struct delayed_work timer;
	bool stopping;
	bool notifier;
} kn;

/* --- packets ------------------------------------------------------------------------ */

static u16 kshim_u16(u32 v)
{
	return v > 0xffff ? 0xffff : (u16)v;
}

static void kshim_tcp_options(const struct sk_buff *skb, unsigned int off, unsigned int optlen,
			      struct fs_packet *p)
{
	u8 buf[40];
	const u8 *o;
	unsigned int i = 0;

	if (!optlen || optlen > sizeof(buf))
		return;
	o = skb_header_pointer(skb, off, optlen, buf);
	if (!o)
		return;
	while (i < optlen) {
		u8 kind = o[i], len;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen)
			break;
		len = o[i + 1];
		if (len < 2 || i + len > optlen)
			break;
		if (kind == TCPOPT_WINDOW && len == TCPOLEN_WINDOW)
			p->wscale = o[i + 2];
		i += len;
	}
}

/* L4 at off with l4len bytes of L4 header + payload.  0, or -1 when truncated. */
static int kshim_parse_l4(const struct sk_buff *skb, unsigned int off, unsigned int l4len,
			  struct fs_packet *p)
{
	switch (p->t.proto) {
	case IPPROTO_TCP: {
		struct tcphdr _th;
		const struct tcphdr *th = skb_header_pointer(skb, off, sizeof(_th), &_th);
		unsigned int doff;

		if (!th || th->doff < 5)
			return -1;
		doff = th->doff * 4;
		p->t.sport = ntohs(th->source);
		p->t.dport = ntohs(th->dest);
		p->seq = ntohl(th->seq);
		p->ack = ntohl(th->ack_seq);
		p->win = ntohs(th->window);
		p->tcp_flags = ((const u8 *)th)[13] & 0x3f;
		p->payload = l4len > doff ? kshim_u16(l4len - doff) : 0;
		if (th->syn)
			kshim_tcp_options(skb, off + sizeof(*th), doff - sizeof(*th), p);
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr _uh;
		const struct udphdr *uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);

		if (!uh)
			return -1;
		p->t.sport = ntohs(uh->source);
		p->t.dport = ntohs(uh->dest);
		p->payload = l4len > sizeof(*uh) ? kshim_u16(l4len - sizeof(*uh)) : 0;
		return 0;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		/* type, code, checksum, then the echo identifier (the tuple's "sport") */
		u8 _h[6];
		const u8 *h = skb_header_pointer(skb, off, sizeof(_h), _h);
		bool echo;

		if (!h)
			return -1;
		echo = p->t.proto == IPPROTO_ICMP ?
			       (h[0] == ICMP_ECHO || h[0] == ICMP_ECHOREPLY) :
			       (h[0] == ICMPV6_ECHO_REQUEST || h[0] == ICMPV6_ECHO_REPLY);
		p->t.dport = (u16)(h[0] << 8 | h[1]);
		p->t.sport = echo ? (u16)(h[4] << 8 | h[5]) : 0;
		p->payload = l4len > 8 ? kshim_u16(l4len - 8) : 0;
		return 0;
	}
	default:
		return 0;
	}
}

static int kshim_parse_ipv4(const struct sk_buff *skb, unsigned int off, struct fs_packet *p)
{
	struct iphdr _iph;
	const struct iphdr *iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	unsigned int ihl, tot;
	u16 frag;

	if (!iph || iph->version != 4 || iph->ihl < 5)
		return -1;
	ihl = iph->ihl * 4;
	tot = ntohs(iph->tot_len);
	/* a GSO aggregate's tot_len may describe one segment or be stale: use the skb */
	if (skb_is_gso(skb) || tot < ihl)
		tot = skb->len - off;
	p->t.family = FS_AF_INET;
	p->t.proto = iph->protocol;
	p->t.src.ip = ntohl(iph->saddr);
	p->t.dst.ip = ntohl(iph->daddr);
	p->ttl = iph->ttl;
	p->dscp = iph->tos >> 2;
	p->len = kshim_u16(tot);
	frag = ntohs(iph->frag_off);
	if (frag & (IP_MF | IP_OFFSET))
		p->flags |= FS_PKT_FRAG;
	if (frag & IP_DF)
		p->flags |= FS_PKT_DF;
	if (ihl != 20)
		p->flags |= FS_PKT_IPOPT;
	/* a non-first fragment has no L4 header; conntrack sees the reassembled packet */
	if (frag & IP_OFFSET)
		return 1;
	return kshim_parse_l4(skb, off + ihl, tot > ihl ? tot - ihl : 0, p);
}

static int kshim_parse_ipv6(const struct sk_buff *skb, unsigned int off, struct fs_packet *p)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	unsigned int tot, l4off;
	__be16 frag_off = 0;
	u8 nexthdr;
	int hoff, i;

	if (!ip6h || ip6h->version != 6)
		return -1;
	tot = sizeof(*ip6h) + ntohs(ip6h->payload_len);
	if (skb_is_gso(skb) || !ip6h->payload_len)
		tot = skb->len - off;
	p->t.family = FS_AF_INET6;
	for (i = 0; i < 4; i++) {
		p->t.src.ip6[i] = ntohl(ip6h->saddr.s6_addr32[i]);
		p->t.dst.ip6[i] = ntohl(ip6h->daddr.s6_addr32[i]);
	}
	p->ttl = ip6h->hop_limit;
	p->dscp = ipv6_get_dsfield(ip6h) >> 2;
	p->len = kshim_u16(tot);
	nexthdr = ip6h->nexthdr;
	l4off = off + sizeof(*ip6h);
	if (ipv6_ext_hdr(nexthdr)) {
		p->flags |= FS_PKT_IPOPT;
		hoff = ipv6_skip_exthdr(skb, l4off, &nexthdr, &frag_off);
		if (hoff < 0)
			return -1;
		l4off = hoff;
		if (frag_off)
			p->flags |= FS_PKT_FRAG;
		if (ntohs(frag_off) & ~0x7)
			return 1;
	}
	p->t.proto = nexthdr;
	return kshim_parse_l4(skb, l4off, off + tot > l4off ? off + tot - l4off : 0, p);
}

/* ARP: learn the sender (both requests and replies, as arp_process does). */
static void kshim_parse_arp(struct kshim_hook *hk, const struct sk_buff *skb, unsigned int off,
			    u16 vlan)
{
	struct {
		struct arphdr h;
		u8 sha[ETH_ALEN];
		__be32 sip;
	} __packed _a;
	const typeof(_a) *a = skb_header_pointer(skb, off, sizeof(_a), &_a);
	union fs_addr addr;

	if (!a || a->h.ar_hrd != htons(ARPHRD_ETHER) || a->h.ar_pro != htons(ETH_P_IP) ||
	    a->h.ar_hln != ETH_ALEN || a->h.ar_pln != 4)
		return;
	if (a->h.ar_op != htons(ARPOP_REQUEST) && a->h.ar_op != htons(ARPOP_REPLY))
		return;
	memset(&addr, 0, sizeof(addr));
	addr.ip = ntohl(a->sip);
	kshim_core_learn(hk->c, hk->idx, vlan, FS_AF_INET, &addr, a->sha);
}

static unsigned int kshim_hook_fn(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct kshim_hook *hk = priv;
	struct fs_packet p;
	__be16 proto = skb->protocol;
	unsigned int off = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	p.iif = hk->idx;
	p.mark = skb->mark;
	p.wscale = 0xff;
	if (skb_mac_header_was_set(skb) && skb_mac_header_len(skb) >= ETH_HLEN) {
		const struct ethhdr *eth = eth_hdr(skb);

		memcpy(p.src_mac, eth->h_source, ETH_ALEN);
		memcpy(p.dst_mac, eth->h_dest, ETH_ALEN);
	}
	/* __netif_receive_skb_core untags 802.1Q (skb_vlan_untag) before ingress hooks run */
	if (skb_vlan_tag_present(skb)) {
		p.encap[p.num_encap].id = skb_vlan_tag_get_id(skb);
		p.encap[p.num_encap].proto = FS_ETH_P_8021Q;
		p.num_encap++;
	}
	if (proto == htons(ETH_P_8021Q)) {
		struct vlan_hdr _vh;
		const struct vlan_hdr *vh = skb_header_pointer(skb, 0, sizeof(_vh), &_vh);

		if (!vh || p.num_encap >= FS_ENCAP_MAX)
			goto skip_bad;
		p.encap[p.num_encap].id = ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		p.encap[p.num_encap].proto = FS_ETH_P_8021Q;
		p.num_encap++;
		proto = vh->h_vlan_encapsulated_proto;
		off = sizeof(*vh);
	}
	if (proto == htons(ETH_P_IP)) {
		rc = kshim_parse_ipv4(skb, off, &p);
	} else if (proto == htons(ETH_P_IPV6)) {
		rc = kshim_parse_ipv6(skb, off, &p);
	} else if (proto == htons(ETH_P_ARP)) {
		kshim_parse_arp(hk, skb, off, p.num_encap ? p.encap[0].id : 0);
		goto skip_non_ip;
	} else {
		goto skip_non_ip;
	}
	if (rc)
		goto skip_bad;
	if (skb_is_gso(skb)) {
		p.flags |= FS_PKT_GSO;
		p.gso_segs = skb_shinfo(skb)->gso_segs;
	}
	kshim_core_receive(hk->c, &p);
	return NF_ACCEPT;
skip_non_ip:
	kshim_core_count_skip(hk->c, true);
	return NF_ACCEPT;
skip_bad:
	kshim_core_count_skip(hk->c, false);
	return NF_ACCEPT;
}

/* --- timers ------------------------------------------------------------------------- */

static void kshim_timer_fn(struct work_struct *w)
{
	u64 wait;

	if (READ_ONCE(kn.stopping))
		return;
	wait = kshim_core_timers(kn.c);
	/* at least every 100 ms, at most every jiffy */
	wait = clamp_t(u64, wait, NSEC_PER_MSEC, 100 * NSEC_PER_MSEC);
	if (!READ_ONCE(kn.stopping))
		schedule_delayed_work(&kn.timer, max_t(unsigned long, 1, nsecs_to_jiffies(wait)));
}

/* --- attach --------------------------------------------------------------------------- */

static int kshim_map_find(int ifindex)
{
	u32 i;

	for (i = 0; i < kn.nmap; i++)
		if (kn.map[i].ifindex == ifindex)
			return kn.map[i].idx;
	return 0;
}

static u8 kshim_dev_kind(const struct net_device *dev)
{
	if (dev->flags & IFF_LOOPBACK)
		return FS_NETDEV_LOOPBACK;
	if (is_vlan_dev(dev))
		return FS_NETDEV_VLAN;
	if (netif_is_bridge_master(dev))
		return FS_NETDEV_BRIDGE;
	if (dev->type == ARPHRD_ETHER)
		return FS_NETDEV_ETHER;
	return FS_NETDEV_TUNNEL;
}

static void kshim_v6_prefix(union fs_addr *pfx, const union fs_addr *a, u8 plen)
{
	int i;

	for (i = 0; i < 4; i++) {
		int bits = plen - 32 * i;

		if (bits >= 32)
			pfx->ip6[i] = a->ip6[i];
		else if (bits <= 0)
			pfx->ip6[i] = 0;
		else
			pfx->ip6[i] = a->ip6[i] & ~(0xffffffffu >> bits);
	}
}

static void kshim_add_addrs(struct fs_netconf *nc, struct net_device *dev, u16 idx)
{
	struct in_device *in_dev = __in_dev_get_rtnl(dev);
	struct inet6_dev *idev = __in6_dev_get(dev);
	const struct in_ifaddr *ifa;
	struct inet6_ifaddr *ifp;
	struct fs_route rt;
	union fs_addr a;
	int i;

	if (in_dev) {
		in_dev_for_each_ifa_rtnl(ifa, in_dev) {
			memset(&a, 0, sizeof(a));
			a.ip = ntohl(ifa->ifa_local);
			if (fs_ifaddr_add(nc, idx, FS_AF_INET, &a, ifa->ifa_prefixlen))
				pr_notice("flowsim: address table full at %s\n", dev->name);
			if (dev->flags & IFF_LOOPBACK)
				continue;
			memset(&rt, 0, sizeof(rt));
			rt.family = FS_AF_INET;
			rt.plen = ifa->ifa_prefixlen;
			rt.prefix.ip = ifa->ifa_prefixlen ?
				a.ip & ~(0xffffffffu >> ifa->ifa_prefixlen) : 0;
			if (ifa->ifa_prefixlen >= 32)
				rt.prefix.ip = a.ip;
			rt.oif = idx;
			if (fs_route_add(nc, &rt))
				pr_notice("flowsim: route table full at %s\n", dev->name);
		}
	}
	if (!idev)
		return;
	read_lock_bh(&idev->lock);
	list_for_each_entry(ifp, &idev->addr_list, if_list) {
		memset(&a, 0, sizeof(a));
		for (i = 0; i < 4; i++)
			a.ip6[i] = ntohl(ifp->addr.s6_addr32[i]);
		if (fs_ifaddr_add(nc, idx, FS_AF_INET6, &a, ifp->prefix_len))
			pr_notice("flowsim: address table full at %s\n", dev->name);
		/* link-local prefixes exist on every device: they route nothing forwarded */
		if ((dev->flags & IFF_LOOPBACK) ||
		    (ipv6_addr_type(&ifp->addr) & IPV6_ADDR_LINKLOCAL))
			continue;
		memset(&rt, 0, sizeof(rt));
		rt.family = FS_AF_INET6;
		rt.plen = ifp->prefix_len;
		kshim_v6_prefix(&rt.prefix, &a, ifp->prefix_len);
		rt.oif = idx;
		if (fs_route_add(nc, &rt))
			pr_notice("flowsim: route table full at %s\n", dev->name);
	}
	read_unlock_bh(&idev->lock);
}

/* The IPv4 default route of the netns, if any (fib_lookup of 0.0.0.0 hits only 0/0). */
static void kshim_add_default4(struct net *net, struct fs_netconf *nc)
{
	struct flowi4 fl4;
	struct fib_result res;
	struct fs_route rt;
	u16 idx = 0;
	u32 gw = 0;

	memset(&fl4, 0, sizeof(fl4));
	memset(&res, 0, sizeof(res));
	rcu_read_lock();
	if (!fib_lookup(net, &fl4, &res, 0) && res.prefixlen == 0 && res.type == RTN_UNICAST &&
	    res.nhc) {
		struct fib_nh_common *nhc = res.nhc;

		if (nhc->nhc_gw_family == AF_INET)
			gw = ntohl(nhc->nhc_gw.ipv4);
		if (nhc->nhc_dev)
			idx = kshim_map_find(nhc->nhc_dev->ifindex);
	}
	rcu_read_unlock();
	if (!idx)
		return;
	memset(&rt, 0, sizeof(rt));
	rt.family = FS_AF_INET;
	rt.gateway.ip = gw;
	rt.oif = idx;
	if (fs_route_add(nc, &rt))
		pr_notice("flowsim: route table full (default route)\n");
}

/* Mirror the netns into the core's netconf.  RTNL held. */
static int kshim_snapshot(struct net *net, struct fs_netconf *nc, char *err, size_t errlen)
{
	struct net_device *dev;
	u32 i;

	kn.nmap = 0;
	for_each_netdev(net, dev) {
		struct fs_netdev t;
		int idx;

		memset(&t, 0, sizeof(t));
		strscpy(t.name, dev->name, sizeof(t.name));
		t.mtu = kshim_u16(dev->mtu);
		t.up = netif_running(dev);
		t.kind = kshim_dev_kind(dev);
		t.gmac = 0xff;
		if (dev->addr_len == ETH_ALEN)
			memcpy(t.mac, dev->dev_addr, ETH_ALEN);
		if (t.kind == FS_NETDEV_VLAN)
			t.vlan_id = vlan_dev_vlan_id(dev);
		if (kn.nmap >= ARRAY_SIZE(kn.map)) {
			pr_notice("flowsim: more than %zu devices; %s not mirrored\n",
				  ARRAY_SIZE(kn.map), dev->name);
			continue;
		}
		idx = fs_netdev_add(nc, &t);
		if (idx < 0) {
			pr_notice("flowsim: device %s not mirrored (table full or name taken)\n",
				  dev->name);
			continue;
		}
		kn.map[kn.nmap].ifindex = dev->ifindex;
		kn.map[kn.nmap].idx = (u16)idx;
		kn.nmap++;
	}
	/* stacking, now that every device has its core index */
	for (i = 0; i < kn.nmap; i++) {
		struct fs_netdev *d = fs_netdev_get(nc, kn.map[i].idx);
		struct net_device *upper;

		dev = __dev_get_by_index(net, kn.map[i].ifindex);
		if (!dev || !d)
			continue;
		if (is_vlan_dev(dev))
			d->lower = (u16)kshim_map_find(vlan_dev_real_dev(dev)->ifindex);
		if (netif_is_bridge_port(dev)) {
			upper = netdev_master_upper_dev_get(dev);
			if (upper)
				d->master = (u16)kshim_map_find(upper->ifindex);
		}
		kshim_add_addrs(nc, dev, kn.map[i].idx);
	}
	kshim_add_default4(net, nc);
	if (!kn.nmap) {
		scnprintf(err, errlen, "the namespace has no devices");
		return -ENODEV;
	}
	return 0;
}

static bool kshim_hooked(int ifindex)
{
	u32 i;

	for (i = 0; i < kn.nhooks; i++)
		if (kn.hook[i].ifindex == ifindex)
			return true;
	return false;
}

/* Resolve the hooked devices ("lan0,wan0"); with a PPE, they get GMACs in that order. */
static int kshim_pick_devices(struct net *net, struct fs_netconf *nc, const char *list,
			      bool ppe, char *err, size_t errlen)
{
	const char *p = list;
	u8 gmac = 0;

	kn.nhooks = 0;
	while (*p) {
		char name[IFNAMSIZ];
		struct net_device *dev;
		struct kshim_hook *hk;
		size_t n = strcspn(p, ", \t\n");
		int idx;

		if (!n) {
			p++;
			continue;
		}
		if (n >= IFNAMSIZ) {
			scnprintf(err, errlen, "device name too long in '%s'", list);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = 0;
		p += n;
		dev = __dev_get_by_name(net, name);
		idx = dev ? kshim_map_find(dev->ifindex) : 0;
		if (!idx) {
			scnprintf(err, errlen, "no device '%s' in the namespace", name);
			return -ENODEV;
		}
		if (kn.nhooks >= KSHIM_MAX_HOOKS) {
			scnprintf(err, errlen, "more than %d devices", KSHIM_MAX_HOOKS);
			return -E2BIG;
		}
		if (kshim_hooked(dev->ifindex)) {
			/* hooked twice, every packet would pass through the core twice */
			scnprintf(err, errlen, "device '%s' listed twice in '%s'", name, list);
			return -EINVAL;
		}
		hk = &kn.hook[kn.nhooks++];
		memset(hk, 0, sizeof(*hk));
		hk->c = kn.c;
		hk->ifindex = dev->ifindex;
		hk->idx = (u16)idx;
		strscpy(hk->name, name, sizeof(hk->name));
		hk->ops.hook = kshim_hook_fn;
		hk->ops.pf = NFPROTO_NETDEV;
		hk->ops.hooknum = NF_NETDEV_INGRESS;
		hk->ops.priority = INT_MIN;
		hk->ops.dev = dev;
		hk->ops.priv = hk;
		if (ppe && fs_netdev_get(nc, (u16)idx)->kind == FS_NETDEV_ETHER && gmac < 3)
			fs_netdev_get(nc, (u16)idx)->gmac = gmac++;
	}
	if (!kn.nhooks) {
		scnprintf(err, errlen, "no devices to hook: set devices= or write flowsim/devices");
		return -EINVAL;
	}
	return 0;
}

static void kshim_unhook_all(void)
{
	u32 i;

	for (i = 0; i < kn.nhooks; i++) {
		if (!kn.hook[i].registered)
			continue;
		nf_unregister_net_hook(kn.net, &kn.hook[i].ops);
		kn.hook[i].registered = false;
	}
	kn.nhooks = 0;
}

int kshim_net_attach(struct kshim_core *c, int pid, const char *devices, char *err,
		     size_t errlen)
{
	struct fs_netconf *nc;
	struct net *net;
	int rc;
	u32 i;

	if (kn.net) {
		scnprintf(err, errlen, "already attached to pid %d: write 'detach' first", kn.pid);
		return -EBUSY;
	}
	net = get_net_ns_by_pid(pid);
	if (IS_ERR(net)) {
		scnprintf(err, errlen, "no process with pid %d", pid);
		return PTR_ERR(net);
	}
	kn.c = c;
	rc = kshim_core_router_new(c);
	if (rc) {
		scnprintf(err, errlen, "cannot create the router (%d)", rc);
		put_net(net);
		return rc;
	}
	nc = kshim_core_netconf(c);
	rtnl_lock();
	rc = kshim_snapshot(net, nc, err, errlen);
	if (!rc)
		rc = kshim_pick_devices(net, nc, devices, kshim_core_has_ppe(c), err, errlen);
	if (rc)
		goto fail_unlock;
	kshim_core_router_start(c);
	kn.net = net;
	kn.pid = pid;
	strscpy(kn.devices, devices, sizeof(kn.devices));
	for (i = 0; i < kn.nhooks; i++) {
		rc = nf_register_net_hook(net, &kn.hook[i].ops);
		if (rc) {
			scnprintf(err, errlen, "cannot hook %s (%d)", kn.hook[i].name, rc);
			goto fail_hooks;
		}
		kn.hook[i].registered = true;
	}
	rtnl_unlock();
	WRITE_ONCE(kn.stopping, false);
	schedule_delayed_work(&kn.timer, msecs_to_jiffies(10));
	return 0;

fail_hooks:
	kshim_core_router_stop(c);
	kshim_unhook_all();
	kn.net = NULL;
fail_unlock:
	kn.nhooks = 0;
	rtnl_unlock();
	synchronize_net();   /* hooks registered before the failure may be running */
	kshim_core_router_free(c);
	put_net(net);
	return rc;
}

void kshim_net_detach(struct kshim_core *c)
{
	struct net *net;

	if (!kn.net)
		return;
	kshim_core_router_stop(c);
	WRITE_ONCE(kn.stopping, true);
	cancel_delayed_work_sync(&kn.timer);
	rtnl_lock();
	kshim_unhook_all();
	net = kn.net;
	kn.net = NULL;
	kn.nmap = 0;
	rtnl_unlock();
	/* a hook that loaded kshim_hook_fn before the unregister may still run: wait for it */
	synchronize_net();
	kshim_core_router_free(c);
	put_net(net);
}

bool kshim_net_attached(void)
{
	return kn.net != NULL;
}

int kshim_net_describe(char *buf, size_t size)
{
	size_t n;
	u32 i;

	rtnl_lock();
	if (!kn.net) {
		n = scnprintf(buf, size, "detached\n");
		goto out;
	}
	n = scnprintf(buf, size, "pid %d netns %u hooked", kn.pid, kn.net->ns.inum);
	for (i = 0; i < kn.nhooks; i++)
		n += scnprintf(buf + n, size - n, " %s%s", kn.hook[i].name,
			       kn.hook[i].registered ? "" : "(gone)");
	n += scnprintf(buf + n, size - n, "\n");
out:
	rtnl_unlock();
	return n;
}

/* --- device events ------------------------------------------------------------------- */

static int kshim_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	u32 i;
	int idx;

	/* RTNL is held: kn cannot change under us */
	if (!kn.net || !net_eq(dev_net(dev), kn.net))
		return NOTIFY_DONE;
	idx = kshim_map_find(dev->ifindex);
	if (!idx)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UP:
		kshim_core_dev_state(kn.c, (u16)idx, true);
		break;
	case NETDEV_DOWN:
		/* nf_flow_table_cleanup(dev): the core flushes its flows of the device */
		kshim_core_dev_state(kn.c, (u16)idx, false);
		break;
	case NETDEV_UNREGISTER:
		kshim_core_dev_state(kn.c, (u16)idx, false);
		for (i = 0; i < kn.nhooks; i++) {
			if (kn.hook[i].ifindex != dev->ifindex || !kn.hook[i].registered)
				continue;
			nf_unregister_net_hook(kn.net, &kn.hook[i].ops);
			kn.hook[i].registered = false;
			pr_info("flowsim: %s unregistered; unhooked\n", dev->name);
		}
		for (i = 0; i < kn.nmap; i++)
			if (kn.map[i].ifindex == dev->ifindex)
				kn.map[i].ifindex = 0;
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block kshim_netdev_nb = {
	.notifier_call = kshim_netdev_event,
};

int kshim_net_init(void)
{
	int rc;

	INIT_DELAYED_WORK(&kn.timer, kshim_timer_fn);
	rc = register_netdevice_notifier(&kshim_netdev_nb);
	if (!rc)
		kn.notifier = true;
	return rc;
}

void kshim_net_exit(void)
{
	if (kn.notifier)
		unregister_netdevice_notifier(&kshim_netdev_nb);
	kn.notifier = false;
}
