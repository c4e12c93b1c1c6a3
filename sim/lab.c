/* SPDX-License-Identifier: MIT */
/* lab.c - the two-port experiment router (see lab.h). */
#include <string.h>

#include "lab.h"
#include "ppe.h"

G_DEFINE_QUARK(flowsim-lab-error-quark, lab_error)

static void lab_event(void *arg, const struct fs_event *ev)
{
	struct lab *lab = arg;
	struct ct_listing_opts o = { .acct = 1, .zones = 1, .extended = 1 };
	char line[512];

	g_array_append_val(lab->events, *ev);
	if (ct_listing_event_line(ev, &o, line, sizeof(line)) > 0)
		g_string_append(lab->ct_events, line);
}

static void addr_or_die(const char *text, union fs_addr *a)
{
	if (!fs_addr_parse(text, strlen(text), a))
		g_error("lab: bad built-in address %s", text);
}

static u16 add_port(struct fs_netconf *nc, const char *name, const char *v4, const char *v6,
		    u8 mac_last)
{
	struct fs_netdev d;
	union fs_addr a;
	int idx;

	memset(&d, 0, sizeof(d));
	g_strlcpy(d.name, name, sizeof(d.name));
	d.kind = FS_NETDEV_ETHER;
	d.up = 1;
	d.mtu = 1500;
	d.gmac = 0xff;
	d.mac[0] = 0x02;
	d.mac[5] = mac_last;
	idx = fs_netdev_add(nc, &d);
	if (idx <= 0)
		g_error("lab: cannot add device %s", name);
	addr_or_die(v4, &a);
	fs_ifaddr_add(nc, (u16)idx, FS_AF_INET, &a, 24);
	addr_or_die(v6, &a);
	fs_ifaddr_add(nc, (u16)idx, FS_AF_INET6, &a, 64);
	return (u16)idx;
}

static void add_host(struct fs_netconf *nc, u16 dev, const char *addr, u8 mac_last)
{
	struct fs_neigh n;

	memset(&n, 0, sizeof(n));
	addr_or_die(addr, &n.addr);
	n.family = strchr(addr, ':') ? FS_AF_INET6 : FS_AF_INET;
	n.ifindex = dev;
	n.port = dev;
	n.valid = 1;
	n.mac[0] = 0x02;
	n.mac[1] = 0xaa;
	n.mac[5] = mac_last;
	if (fs_neigh_update(nc, &n))
		g_error("lab: out of memory");
}

static void add_route(struct fs_netconf *nc, const char *prefix, u8 plen, u16 oif)
{
	struct fs_route rt;

	memset(&rt, 0, sizeof(rt));
	addr_or_die(prefix, &rt.prefix);
	rt.family = strchr(prefix, ':') ? FS_AF_INET6 : FS_AF_INET;
	rt.plen = plen;
	rt.oif = oif;
	fs_route_add(nc, &rt);
}

gboolean lab_init(struct lab *lab, const struct router_config *cfg, const char *soc,
		  const char *lan_name, const char *wan_name, const char *ruleset,
		  GError **error)
{
	struct router_config def;
	struct fs_netconf *nc;

	memset(lab, 0, sizeof(*lab));
	if (!cfg) {
		router_config_default(&def);
		cfg = &def;
	}
	lab->events = g_array_new(FALSE, TRUE, sizeof(struct fs_event));
	lab->ct_events = g_string_new(NULL);
	lab->r = router_create(cfg, lab_event, lab);
	if (!lab->r)
		g_error("lab: out of memory");
	nc = router_netconf(lab->r);
	lab->lan = add_port(nc, lan_name, "10.0.1.1", "dead:1::1", 1);
	lab->wan = add_port(nc, wan_name, "10.0.2.1", "dead:2::1", 2);
	add_host(nc, lab->lan, "10.0.1.99", 0x99);
	add_host(nc, lab->wan, "10.0.2.99", 0x98);
	add_host(nc, lab->lan, "dead:1::99", 0x99);
	add_host(nc, lab->wan, "dead:2::99", 0x98);
	add_route(nc, "10.0.1.0", 24, lab->lan);
	add_route(nc, "10.0.2.0", 24, lab->wan);
	add_route(nc, "dead:1::", 64, lab->lan);
	add_route(nc, "dead:2::", 64, lab->wan);
	if (soc) {
		struct ppe_config pc;

		if (ppe_config_for_soc(&pc, soc, router_get_config(lab->r)->ft.kernel)) {
			g_set_error(error, LAB_ERROR, 2, "unknown SoC '%s' (or one without a PPE)", soc);
			lab_free(lab);
			return FALSE;
		}
		lab_attach_ppe(lab, &pc);
	}
	if (ruleset && !lab_nft(lab, ruleset, 0, error)) {
		lab_free(lab);
		return FALSE;
	}
	return TRUE;
}

void lab_attach_ppe(struct lab *lab, const struct ppe_config *pc)
{
	struct fs_netconf *nc = router_netconf(lab->r);

	fs_netdev_get(nc, lab->lan)->gmac = 0;
	fs_netdev_get(nc, lab->wan)->gmac = 1;
	lab->ppe = ppe_create(pc, nc, &router_get_config(lab->r)->cost, lab_event, lab);
	if (!lab->ppe)
		g_error("lab: out of memory");
	router_set_hw(lab->r, ppe_router_ops(), lab->ppe);
}

void lab_free(struct lab *lab)
{
	if (!lab->r)
		return;
	router_destroy(lab->r);
	if (lab->ppe)
		ppe_destroy(lab->ppe);
	g_array_free(lab->events, TRUE);
	g_string_free(lab->ct_events, TRUE);
	lab->r = NULL;
}

gboolean lab_nft(struct lab *lab, const char *text, u64 now, GError **error)
{
	struct ruleset_error err;

	if (router_apply_ruleset(lab->r, text, strlen(text), now, &err)) {
		g_set_error(error, LAB_ERROR, 1, "%u:%u: %s", err.line, err.col, err.msg);
		return FALSE;
	}
	return TRUE;
}

struct router_result lab_send(struct lab *lab, struct fs_packet *pkt, u64 now)
{
	struct router_result res;

	router_timers(lab->r, now);
	router_receive(lab->r, pkt, now, &res);
	return res;
}

guint lab_count(const struct lab *lab, enum fs_event_type type, u64 *last_time)
{
	guint i, n = 0;

	for (i = 0; i < lab->events->len; i++) {
		const struct fs_event *ev = &g_array_index(lab->events, struct fs_event, i);

		if (ev->type != type)
			continue;
		n++;
		if (last_time)
			*last_time = ev->time;
	}
	return n;
}

char *lab_proc_line(struct lab *lab, const struct fs_tuple *orig, u64 now)
{
	struct ct_listing_opts o = { .acct = 1, .zones = 1 };
	struct conntrack_entry *ct;
	struct fs_tuple t = *orig;
	char buf[512];

	t.pad = 0;
	ct = conntrack_find(router_conntrack(lab->r), &t, NULL);
	if (!ct || ct_listing_proc_line(ct, now, &o, buf, sizeof(buf)) < 0)
		return g_strdup("");
	return g_strdup(buf);
}
