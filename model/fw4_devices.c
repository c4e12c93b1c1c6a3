// SPDX-License-Identifier: MIT
/*
 * fw4_devices.c - which devices firewall4 puts into `flowtable ft` and whether it keeps
 * `flags offload` (fw4.uc resolve_offload_devices, resolve_hw_offload_devices,
 * resolve_lower_devices).  See spec linux-flowtable.md §6.
 *
 *  - software offload: each zone network's device, if the device exists;
 *  - hardware offload: bridges are replaced by their ports and VLANs by their parent,
 *    recursively, then every device is probed (fw4's `nft -c ... flags offload`); one
 *    failure makes fw4 fall back to the software list.
 * Invariants: the result is sorted (ucode's sort(): plain string order) and free of
 * duplicates; the walk over stacked devices is iterative and bounded.
 */
#include "fw4_internal.h"

void fw4_add_unique(char (*list)[FS_IFNAMSIZ], u32 *n, u32 max, const char *dev)
{
	u32 i;

	if (!dev[0])
		return;
	for (i = 0; i < *n; i++)
		if (seq(list[i], dev))
			return;
	if (*n < max)
		scopy(list[(*n)++], dev, FS_IFNAMSIZ);
}

/* fw4 sorts with ucode's sort(): plain string order; insertion sort, n is small */
static void sort_devs(char (*list)[FS_IFNAMSIZ], u32 n)
{
	char tmp[FS_IFNAMSIZ];
	u32 i, j;

	for (i = 1; i < n; i++) {
		scopy(tmp, list[i], sizeof(tmp));
		for (j = i; j > 0 && scmp(list[j - 1], tmp) > 0; j--)
			scopy(list[j], list[j - 1], FS_IFNAMSIZ);
		scopy(list[j], tmp, FS_IFNAMSIZ);
	}
}

/*
 * resolve_lower_devices(): bridges become their ports, VLANs their parent, recursively;
 * other devices stay; unknown devices vanish (the /sys/class/net check).  Explicit stack.
 */
static void resolve_lower(const struct fs_netconf *nc, const char *name,
			  struct fw4_offload *out)
{
	const struct fs_netdev *d;
	u16 stack[FS_NETDEV_MAX];
	u32 sp = 0, steps = 0;

	if (!nc) {
		fw4_add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS, name);
		return;
	}
	d = fs_netdev_by_name(nc, name);
	if (!d)
		return;
	stack[sp++] = d->ifindex;
	while (sp && steps++ < 4 * FS_NETDEV_MAX) {
		u16 idx = stack[--sp];
		const struct fs_netdev *dev;
		u32 i;

		if (idx >= FS_NETDEV_MAX || !nc->dev[idx].ifindex)
			continue;
		dev = &nc->dev[idx];
		if (dev->kind == FS_NETDEV_VLAN) {
			if (dev->lower && sp < FS_NETDEV_MAX)
				stack[sp++] = dev->lower;
		} else if (dev->kind == FS_NETDEV_BRIDGE) {
			for (i = FS_NETDEV_MAX; i > 1; i--)
				if (nc->dev[i - 1].ifindex && nc->dev[i - 1].master == idx &&
				    sp < FS_NETDEV_MAX)
					stack[sp++] = (u16)(i - 1);
		} else {
			fw4_add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS, dev->name);
		}
	}
}

void fw4_resolve_offload(const struct fw4_config *c, const struct fw4_network *nets,
			 u32 num_nets, const struct fs_netconf *nc,
			 bool (*hw_capable)(void *arg, const char *dev), void *arg,
			 struct fw4_offload *out)
{
	u32 zi, ni, k, i;

	fs_memset(out, 0, sizeof(*out));
	if (!c->defaults.flow_offloading)
		return;
	if (c->defaults.flow_offloading_hw) {
		/* resolve_hw_offload_devices */
		for (zi = 0; zi < c->num_zones; zi++) {
			const struct fw4_zone *z = &c->zone[zi];

			for (ni = 0; ni < z->num_network; ni++)
				for (k = 0; k < num_nets; k++)
					if (seq(nets[k].name, z->network[ni]) && nets[k].device[0])
						resolve_lower(nc, nets[k].device, out);
		}
		sort_devs(out->dev, out->num);
		if (out->num) {
			bool ok = true;

			for (i = 0; i < out->num && ok; i++)
				ok = !hw_capable || hw_capable(arg, out->dev[i]);
			if (ok) {
				out->hw = true;
				return;
			}
			out->hw_fallback = true;
		}
		out->num = 0;
	}
	/* resolve_offload_devices: each zone network's device, if it exists */
	for (zi = 0; zi < c->num_zones; zi++) {
		const struct fw4_zone *z = &c->zone[zi];

		for (ni = 0; ni < z->num_network; ni++) {
			for (k = 0; k < num_nets; k++) {
				if (!seq(nets[k].name, z->network[ni]) || !nets[k].device[0])
					continue;
				if (nc && !fs_netdev_by_name(nc, nets[k].device))
					continue;
				fw4_add_unique(out->dev, &out->num, FW4_MAX_OFFLOAD_DEVS,
					       nets[k].device);
			}
		}
	}
	sort_devs(out->dev, out->num);
}
