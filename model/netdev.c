/* SPDX-License-Identifier: MIT */
/*
 * netdev.c - devices, local addresses, neighbours and routes of the modelled router.
 *
 * Lookups here run on the slow path and at flow creation only (the fast path carries
 * everything it needs in the flow), so plain arrays with linear scans are the right size:
 * a home router has a handful of devices, routes and neighbours.
 */
#include "netdev.h"

static size_t name_len(const char *s)
{
	size_t n = 0;

	while (n < FS_IFNAMSIZ && s[n])
		n++;
	return n;
}

static bool name_eq(const char *a, const char *b)
{
	size_t la = name_len(a), lb = name_len(b);

	return la == lb && fs_memcmp(a, b, la) == 0;
}

void fs_netconf_init(struct fs_netconf *nc)
{
	fs_memset(nc, 0, sizeof(*nc));
}

void fs_netconf_release(struct fs_netconf *nc)
{
	fs_free(nc->neigh);
	fs_free(nc->neigh_index);
	nc->neigh = NULL;
	nc->neigh_index = NULL;
	nc->num_neigh = nc->neigh_cap = nc->neigh_index_mask = 0;
}

int fs_netdev_add(struct fs_netconf *nc, const struct fs_netdev *tmpl)
{
	u16 i;

	if (!tmpl->name[0] || fs_netdev_by_name(nc, tmpl->name))
		return -1;
	for (i = 1; i < FS_NETDEV_MAX; i++) {
		if (nc->dev[i].ifindex)
			continue;
		nc->dev[i] = *tmpl;
		nc->dev[i].ifindex = i;
		nc->dev[i].name[FS_IFNAMSIZ - 1] = 0;
		if (!nc->dev[i].mtu)
			nc->dev[i].mtu = 1500;
		return i;
	}
	return -1;
}

struct fs_netdev *fs_netdev_get(struct fs_netconf *nc, u16 ifindex)
{
	if (!ifindex || ifindex >= FS_NETDEV_MAX || !nc->dev[ifindex].ifindex)
		return NULL;
	return &nc->dev[ifindex];
}

const struct fs_netdev *fs_netdev_by_name(const struct fs_netconf *nc, const char *name)
{
	u16 i;

	for (i = 1; i < FS_NETDEV_MAX; i++)
		if (nc->dev[i].ifindex && name_eq(nc->dev[i].name, name))
			return &nc->dev[i];
	return NULL;
}

u16 fs_netdev_lowest(const struct fs_netconf *nc, u16 ifindex)
{
	u32 depth;

	/* a stack is at most a few devices deep; the bound also stops configuration loops */
	for (depth = 0; depth < 8; depth++) {
		if (!ifindex || ifindex >= FS_NETDEV_MAX || !nc->dev[ifindex].ifindex)
			return 0;
		if (!nc->dev[ifindex].lower)
			return ifindex;
		ifindex = nc->dev[ifindex].lower;
	}
	return 0;
}

int fs_ifaddr_add(struct fs_netconf *nc, u16 ifindex, u8 family,
		  const union fs_addr *addr, u8 plen)
{
	struct fs_ifaddr *a;

	if (nc->num_addr >= FS_IFADDR_MAX)
		return -1;
	a = &nc->addr[nc->num_addr++];
	a->ifindex = ifindex;
	a->family = family;
	a->plen = plen;
	a->addr = *addr;
	return 0;
}

const struct fs_ifaddr *fs_ifaddr_first(const struct fs_netconf *nc, u16 ifindex, u8 family)
{
	u32 i;

	for (i = 0; i < nc->num_addr; i++)
		if (nc->addr[i].ifindex == ifindex && nc->addr[i].family == family)
			return &nc->addr[i];
	return NULL;
}

bool fs_addr_is_local(const struct fs_netconf *nc, u8 family, const union fs_addr *a)
{
	u32 i;

	for (i = 0; i < nc->num_addr; i++)
		if (nc->addr[i].family == family && fs_addr_equal(&nc->addr[i].addr, a))
			return true;
	return false;
}

int fs_route_add(struct fs_netconf *nc, const struct fs_route *rt)
{
	if (nc->num_route >= FS_ROUTE_MAX)
		return -1;
	nc->route[nc->num_route++] = *rt;
	return 0;
}

const struct fs_route *fs_route_lookup(const struct fs_netconf *nc, u8 family,
				       const union fs_addr *dst, u32 mark)
{
	const struct fs_route *best = NULL;
	u32 i;

	for (i = 0; i < nc->num_route; i++) {
		const struct fs_route *rt = &nc->route[i];
		const struct fs_netdev *dev;

		if (rt->family != family || (rt->mark && rt->mark != mark))
			continue;
		if (!fs_addr_in_prefix(family, dst, &rt->prefix, rt->plen))
			continue;
		dev = rt->oif < FS_NETDEV_MAX ? &nc->dev[rt->oif] : NULL;
		if (!dev || !dev->ifindex || !dev->up)
			continue;
		/* longest prefix wins; a mark-specific route beats a generic one of equal length */
		if (!best || rt->plen > best->plen ||
		    (rt->plen == best->plen && rt->mark && !best->mark))
			best = rt;
	}
	return best;
}

static u32 neigh_hash(u8 family, const union fs_addr *a)
{
	return fs_jhash2(a->ip6, 4, family);
}

struct fs_neigh *fs_neigh_find(const struct fs_netconf *nc, u8 family, const union fs_addr *addr)
{
	u32 i, slot;

	if (!nc->neigh_index)
		return NULL;
	for (i = 0, slot = neigh_hash(family, addr) & nc->neigh_index_mask;
	     i <= nc->neigh_index_mask; i++, slot = (slot + 1) & nc->neigh_index_mask) {
		u32 idx = nc->neigh_index[slot];
		struct fs_neigh *n;

		if (!idx)
			return NULL;
		n = &nc->neigh[idx - 1];
		if (n->family == family && fs_addr_equal(&n->addr, addr))
			return n;
	}
	return NULL;
}

struct fs_neigh *fs_neigh_lookup(const struct fs_netconf *nc, u16 ifindex, u8 family,
				 const union fs_addr *addr)
{
	struct fs_neigh *n = fs_neigh_find(nc, family, addr);

	return n && n->ifindex == ifindex ? n : NULL;
}

/* The index holds 1-based positions in neigh[] and stays at most half full. */
static int neigh_reindex(struct fs_netconf *nc, u32 slots)
{
	u32 *idx = fs_zalloc_array(slots, sizeof(*idx));
	u32 i;

	if (!idx)
		return -1;
	for (i = 0; i < nc->num_neigh; i++) {
		u32 slot = neigh_hash(nc->neigh[i].family, &nc->neigh[i].addr) & (slots - 1);

		while (idx[slot])
			slot = (slot + 1) & (slots - 1);
		idx[slot] = i + 1;
	}
	fs_free(nc->neigh_index);
	nc->neigh_index = idx;
	nc->neigh_index_mask = slots - 1;
	return 0;
}

int fs_neigh_update(struct fs_netconf *nc, const struct fs_neigh *n)
{
	struct fs_neigh *cur = fs_neigh_find(nc, n->family, &n->addr);

	if (cur) {
		*cur = *n;
		return 0;
	}
	if (nc->num_neigh == nc->neigh_cap) {
		u32 cap = nc->neigh_cap ? nc->neigh_cap * 2 : 16;
		struct fs_neigh *grown = fs_zalloc_array(cap, sizeof(*grown));

		if (!grown)
			return -1;
		if (nc->num_neigh)
			fs_memcpy(grown, nc->neigh, nc->num_neigh * sizeof(*grown));
		fs_free(nc->neigh);
		nc->neigh = grown;
		nc->neigh_cap = cap;
	}
	nc->neigh[nc->num_neigh++] = *n;
	if (!nc->neigh_index || nc->num_neigh * 2 > nc->neigh_index_mask + 1)
		return neigh_reindex(nc, nc->neigh_cap * 2 < 32 ? 32 : nc->neigh_cap * 2);
	{
		u32 slot = neigh_hash(n->family, &n->addr) & nc->neigh_index_mask;

		while (nc->neigh_index[slot])
			slot = (slot + 1) & nc->neigh_index_mask;
		nc->neigh_index[slot] = nc->num_neigh;
	}
	return 0;
}
