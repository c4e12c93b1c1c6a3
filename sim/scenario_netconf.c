// SPDX-License-Identifier: MIT
/*
 * scenario_netconf.c - builds the model's device table, addresses and routes
 * (struct fs_netconf) from a loaded scenario's ports.
 *
 * Invariant: lower devices, conduits and bridges get their ifindex before the ports that
 * use them; each address also adds its connected route, each gateway or default_route a
 * default route out of its port.
 */
#include "scenario.h"

#include <string.h>

/* ---------------------------------------------------------------- netconf ---- */

/* The mask of a 32-bit word with its first `bits` bits set. */
static uint32_t prefix_mask(uint32_t bits)
{
	return bits >= 32 ? 0xffffffffU : bits ? ~(0xffffffffU >> bits) : 0;
}

int scenario_build_netconf(const struct scenario *s, struct fs_netconf *nc,
			   uint16_t *ifindex_of)
{
	uint32_t i, j;
	bool progress = true;

	for (i = 0; i < s->n_ports; i++)
		ifindex_of[i] = 0;
	/* add lower devices, conduits and bridges before the ports that use them */
	while (progress) {
		progress = false;
		for (i = 0; i < s->n_ports; i++) {
			const struct scn_port *p = &s->ports[i];
			struct fs_netdev dev;
			int idx;

			if (ifindex_of[i] || (p->lower >= 0 && !ifindex_of[p->lower]) ||
			    (p->master >= 0 && !ifindex_of[p->master]))
				continue;
			memset(&dev, 0, sizeof(dev));
			g_strlcpy(dev.name, p->name, sizeof(dev.name));
			dev.kind = p->kind;
			dev.up = 1;
			dev.mtu = p->mtu;
			dev.lower = p->lower >= 0 ? ifindex_of[p->lower] : 0;
			dev.master = p->master >= 0 ? ifindex_of[p->master] : 0;
			dev.vlan_id = p->vlan_id;
			dev.pppoe_sid = p->pppoe_sid;
			dev.gmac = p->kind == FS_NETDEV_DSA && p->lower >= 0 ?
					   s->ports[p->lower].gmac : p->gmac;
			dev.dsa_port = p->dsa_port;
			if (p->radio >= 0) {
				dev.wlan_band = s->radios[p->radio].band;
				dev.wlan_radio = (u8)p->radio;
				dev.wlan_bss = p->bss;
				dev.wlan_wed = s->radios[p->radio].wed;
			}
			/* locally administered, unique per port */
			dev.mac[0] = 0x02;
			dev.mac[4] = (u8)(i >> 8);
			dev.mac[5] = (u8)i;
			idx = fs_netdev_add(nc, &dev);
			if (idx < 0)
				return -1;
			ifindex_of[i] = (uint16_t)idx;
			progress = true;
		}
	}
	for (i = 0; i < s->n_ports; i++)
		if (!ifindex_of[i])
			return -1;   /* a cycle (cannot happen in a validated scenario) */
	for (i = 0; i < s->n_ports; i++) {
		const struct scn_port *p = &s->ports[i];

		for (j = 0; j < p->n_addrs; j++) {
			const struct scn_prefix *pf = &p->addrs[j];
			struct fs_route rt;
			uint32_t w;

			if (fs_ifaddr_add(nc, ifindex_of[i], pf->family, &pf->addr, pf->plen))
				return -1;
			memset(&rt, 0, sizeof(rt));
			rt.family = pf->family;
			rt.plen = pf->plen;
			rt.oif = ifindex_of[i];
			/* the connected route: the address with its host bits cleared */
			if (pf->family == FS_AF_INET) {
				rt.prefix.ip = pf->addr.ip & prefix_mask(pf->plen);
			} else {
				for (w = 0; w < 4; w++) {
					uint32_t bits = pf->plen > w * 32 ? MIN(32U, pf->plen - w * 32) : 0;

					rt.prefix.ip6[w] = pf->addr.ip6[w] & prefix_mask(bits);
				}
			}
			if (fs_route_add(nc, &rt))
				return -1;
		}
		if (p->has_gw4 || p->has_gw6 || p->default_route) {
			int fam;

			for (fam = 0; fam < 2; fam++) {
				struct fs_route rt;
				bool gw = fam ? p->has_gw6 : p->has_gw4;

				if (!gw && !p->default_route)
					continue;
				memset(&rt, 0, sizeof(rt));
				rt.family = fam ? FS_AF_INET6 : FS_AF_INET;
				rt.oif = ifindex_of[i];
				if (gw)
					rt.gateway = fam ? p->gw6 : p->gw4;
				if (fs_route_add(nc, &rt))
					return -1;
			}
		}
	}
	return 0;
}
