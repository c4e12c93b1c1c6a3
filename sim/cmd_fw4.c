// SPDX-License-Identifier: MIT
/*
 * cmd_fw4.c - `flowsim fw4 render`: OpenWrt firewall4's nftables ruleset for a UCI
 * firewall configuration, as the core generates it (model/fw4.c), the same text
 * router_apply_ruleset() would load.
 *
 * Networks (`ubus network.interface dump` on a router) come from --network options; the
 * device stacking that hardware offload resolves (bridge ports, VLAN parents) from
 * --bridge/--vlan; fw4's `nft -c` hardware probe from --hw-capable.  Without --uci the
 * shipped /etc/config/firewall is used, with lan=br-lan and wan=wan6=eth1.
 *
 * Exit status: 0 ok; 1 the configuration is invalid (file:line message) or, with
 * --check, the rendered text does not load; 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cli.h"
#include "fw4.h"
#include "netdev.h"
#include "ruleset.h"
#include "uci.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2

struct fw4_cli {
	char *uci;
	char **networks;
	char **hw_capable;
	char **bridges;
	char **vlans;
	char *offload;
	gboolean check;
	gboolean capable_given;
	GPtrArray *capable;   /* char * */
};

static const char summary[] =
	"Renders the nftables ruleset firewall4 (fw4) generates for a UCI firewall\n"
	"configuration: table inet fw4 with the flowtable 'ft' (software or hardware\n"
	"offload), 'meta l4proto { tcp, udp } flow offload @ft' first in the forward\n"
	"chain, zone chains, masquerade, mtu_fix and SYN-flood protection.\n\n"
	"Without --uci, OpenWrt's shipped /etc/config/firewall is used.  Without\n"
	"--network, lan=br-lan, wan=eth1 and wan6=eth1.\n\n"
	"Hardware offload (flow_offloading_hw) replaces bridges by their ports and VLANs\n"
	"by their parents (--bridge, --vlan) and probes every device (--hw-capable);\n"
	"if a device fails, fw4 falls back to software offloading, as on a router.\n\n"
	"Examples:\n"
	"  flowsim fw4 render --offload hw --bridge br-lan=lan1,lan2 --network lan=br-lan \\\n"
	"      --network wan=wan --network wan6=wan\n"
	"  flowsim fw4 render --uci /etc/config/firewall --network wan=eth1,pppoe-wan\n\n"
	"Exit status: 0 ok, 1 invalid configuration (or --check failed), 2 usage error.";

static void usage(FILE *f)
{
	fprintf(f, "usage: flowsim fw4 render [OPTIONS]\n"
		   "Run 'flowsim fw4 render --help' for the options.\n");
}

static int split_pair(const char *arg, const char *what, char **key, char **val)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "flowsim fw4: bad %s '%s': expected NAME=VALUE\n", what, arg);
		return -1;
	}
	*key = g_strndup(arg, (gsize)(eq - arg));
	*val = g_strdup(eq + 1);
	return 0;
}

static int check_ifname(const char *name, const char *opt)
{
	if (!*name || strlen(name) >= FS_IFNAMSIZ) {
		fprintf(stderr, "flowsim fw4: %s: device name '%s' must have 1 to %d characters\n",
			opt, name, FS_IFNAMSIZ - 1);
		return -1;
	}
	return 0;
}

static int parse_networks(struct fw4_cli *o, struct fw4_network *nets, u32 *n)
{
	static const struct fw4_network defaults[] = {
		{ "lan", "br-lan", "" }, { "wan", "eth1", "" }, { "wan6", "eth1", "" },
	};
	char **a;

	*n = 0;
	if (!o->networks) {
		memcpy(nets, defaults, sizeof(defaults));
		*n = G_N_ELEMENTS(defaults);
		return 0;
	}
	for (a = o->networks; *a; a++) {
		char *name, *val, **devs;
		int rc = 0;

		if (*n >= 32) {
			fprintf(stderr, "flowsim fw4: more than 32 --network options\n");
			return -1;
		}
		if (split_pair(*a, "--network", &name, &val))
			return -1;
		devs = g_strsplit(val, ",", 3);
		memset(&nets[*n], 0, sizeof(nets[*n]));
		if (strlen(name) >= FW4_NAME || !devs[0] || (devs[1] && devs[2])) {
			fprintf(stderr, "flowsim fw4: bad --network '%s': expected "
				"NAME=DEVICE[,L3DEVICE]\n", *a);
			rc = -1;
		} else if (check_ifname(devs[0], "--network") ||
			   (devs[1] && check_ifname(devs[1], "--network"))) {
			rc = -1;
		} else {
			g_strlcpy(nets[*n].name, name, FW4_NAME);
			g_strlcpy(nets[*n].device, devs[0], FS_IFNAMSIZ);
			if (devs[1])
				g_strlcpy(nets[*n].l3_device, devs[1], FS_IFNAMSIZ);
			(*n)++;
		}
		g_strfreev(devs);
		g_free(name);
		g_free(val);
		if (rc)
			return rc;
	}
	return 0;
}

static int ensure_dev(struct fs_netconf *nc, const char *name, u8 kind)
{
	const struct fs_netdev *d = fs_netdev_by_name(nc, name);
	struct fs_netdev t;
	int idx;

	if (d) {
		if (kind != FS_NETDEV_ETHER && d->kind == FS_NETDEV_ETHER) {
			/* declared as a port or parent first, now as a bridge/VLAN */
			fs_netdev_get(nc, d->ifindex)->kind = kind;
		}
		return d->ifindex;
	}
	memset(&t, 0, sizeof(t));
	g_strlcpy(t.name, name, sizeof(t.name));
	t.kind = kind;
	t.mtu = 1500;
	t.up = 1;
	t.gmac = 0xff;
	idx = fs_netdev_add(nc, &t);
	if (idx < 0)
		fprintf(stderr, "flowsim fw4: too many devices (at most %d)\n", FS_NETDEV_MAX - 1);
	return idx;
}

/* Devices for hardware resolution; returns 1 if a netconf was built. */
static int build_netconf(struct fw4_cli *o, const struct fw4_network *nets, u32 n,
			 struct fs_netconf *nc)
{
	char **a;
	u32 i;

	if (!o->bridges && !o->vlans)
		return 0;
	fs_netconf_init(nc);
	for (a = o->bridges; a && *a; a++) {
		char *br, *ports, **p, **q;
		int bi;

		if (split_pair(*a, "--bridge", &br, &ports))
			return -1;
		bi = check_ifname(br, "--bridge") ? -1 : ensure_dev(nc, br, FS_NETDEV_BRIDGE);
		p = g_strsplit(ports, ",", -1);
		for (q = p; bi >= 0 && *q; q++) {
			int pi = check_ifname(*q, "--bridge") ? -1 : ensure_dev(nc, *q, FS_NETDEV_ETHER);

			if (pi < 0) {
				bi = -1;
				break;
			}
			fs_netdev_get(nc, (u16)pi)->master = (u16)bi;
		}
		g_strfreev(p);
		g_free(br);
		g_free(ports);
		if (bi < 0)
			return -1;
	}
	for (a = o->vlans; a && *a; a++) {
		char *vl, *parent;
		int vi, pi;

		if (split_pair(*a, "--vlan", &vl, &parent))
			return -1;
		vi = check_ifname(vl, "--vlan") || check_ifname(parent, "--vlan") ? -1 :
		     ensure_dev(nc, vl, FS_NETDEV_VLAN);
		pi = vi < 0 ? -1 : ensure_dev(nc, parent, FS_NETDEV_ETHER);
		if (pi >= 0)
			fs_netdev_get(nc, (u16)vi)->lower = (u16)pi;
		g_free(vl);
		g_free(parent);
		if (pi < 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (ensure_dev(nc, nets[i].device, FS_NETDEV_ETHER) < 0)
			return -1;
	return 1;
}

static bool probe(void *arg, const char *dev)
{
	struct fw4_cli *o = arg;
	guint i;

	if (!o->capable_given)
		return true;
	for (i = 0; i < o->capable->len; i++)
		if (!strcmp(g_ptr_array_index(o->capable, i), dev))
			return true;
	return false;
}

static int render(struct fw4_cli *o)
{
	struct fw4_network nets[32];
	struct fw4_config *c = g_new0(struct fw4_config, 1);
	struct fs_netconf nc;
	struct fw4_offload off;
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	int have_nc = 0, rc = EXIT_INVALID, len;
	size_t size = 1 << 16;
	char *buf = NULL;
	u32 nnets;
	guint i;

	memset(&nc, 0, sizeof(nc));
	if (parse_networks(o, nets, &nnets)) {
		rc = EXIT_USAGE;
		goto out;
	}
	have_nc = build_netconf(o, nets, nnets, &nc);
	if (have_nc < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o->uci) {
		if (uci_firewall_load(o->uci, c, warnings, &err)) {
			fprintf(stderr, "%s\n", err->message);
			goto out;
		}
	} else {
		fw4_config_openwrt_default(c);
	}
	for (i = 0; i < warnings->len; i++)
		fprintf(stderr, "warning: %s\n", (const char *)g_ptr_array_index(warnings, i));
	if (o->offload) {
		if (!strcmp(o->offload, "none")) {
			c->defaults.flow_offloading = 0;
			c->defaults.flow_offloading_hw = 0;
		} else if (!strcmp(o->offload, "sw")) {
			c->defaults.flow_offloading = 1;
			c->defaults.flow_offloading_hw = 0;
		} else if (!strcmp(o->offload, "hw")) {
			c->defaults.flow_offloading = 1;
			c->defaults.flow_offloading_hw = 1;
		} else {
			fprintf(stderr, "flowsim fw4: bad --offload '%s': expected none, sw or hw\n",
				o->offload);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	fw4_resolve_offload(c, nets, nnets, have_nc > 0 ? &nc : NULL, probe, o, &off);
	if (off.hw_fallback)
		fprintf(stderr, "warning: Hardware flow offloading unavailable, falling back to "
			"software offloading\n");
	for (;;) {
		buf = g_malloc(size);
		len = fw4_render(c, nets, nnets, have_nc > 0 ? &nc : NULL, probe, o, buf, size);
		if (len >= 0)
			break;
		g_free(buf);
		buf = NULL;
		if (size >= (64u << 20)) {
			fprintf(stderr, "flowsim fw4: rendered ruleset too large\n");
			goto out;
		}
		size *= 2;
	}
	if (o->check) {
		struct ruleset *rs = ruleset_create();
		struct ruleset_error re;

		if (!rs || ruleset_apply(rs, buf, (size_t)len, &re)) {
			char msg[300];

			ruleset_error_format(&re, msg, sizeof(msg));
			fprintf(stderr, "flowsim fw4: rendered ruleset does not load: <fw4>:%s\n",
				msg);
			ruleset_destroy(rs);
			goto out;
		}
		ruleset_destroy(rs);
	}
	fwrite(buf, 1, (size_t)len, stdout);
	rc = 0;
out:
	if (have_nc > 0)
		fs_netconf_release(&nc);
	g_free(buf);
	g_clear_error(&err);
	g_ptr_array_unref(warnings);
	g_free(c);
	return rc;
}

int cmd_fw4(int argc, char **argv)
{
	struct fw4_cli o;
	GOptionEntry entries[] = {
		{ "uci", 'u', 0, G_OPTION_ARG_FILENAME, &o.uci,
		  "UCI firewall file (default: OpenWrt's shipped /etc/config/firewall)", "FILE" },
		{ "network", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &o.networks,
		  "logical network: its device (ifc.device) and optional L3 device "
		  "(ifc.l3_device, e.g. pppoe-wan); repeatable", "NAME=DEVICE[,L3DEVICE]" },
		{ "hw-capable", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &o.hw_capable,
		  "devices that accept 'flags offload' (fw4's nft -c probe); default: all; "
		  "repeatable", "DEV[,DEV...]" },
		{ "bridge", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &o.bridges,
		  "a bridge and its ports, for hardware offload; repeatable", "BR=PORT[,PORT...]" },
		{ "vlan", 'V', 0, G_OPTION_ARG_STRING_ARRAY, &o.vlans,
		  "a VLAN device and its parent, for hardware offload; repeatable", "VLAN=PARENT" },
		{ "offload", 'o', 0, G_OPTION_ARG_STRING, &o.offload,
		  "override flow_offloading/flow_offloading_hw: none, sw or hw", "MODE" },
		{ "check", 0, 0, G_OPTION_ARG_NONE, &o.check,
		  "also load the rendered text with the core's nft parser", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx;
	GError *err = NULL;
	int rc;
	char **a;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "help"))) {
		FILE *f = argc < 2 ? stderr : stdout;

		usage(f);
		fprintf(f, "\n%s\n", summary);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "render")) {
		fprintf(stderr, "flowsim fw4: unknown subcommand '%s': expected 'render'\n",
			argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	ctx = g_option_context_new("- render firewall4's nftables ruleset");
	g_option_context_set_summary(ctx, summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	argc--;
	argv++;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim fw4 render: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (argc > 1) {
		fprintf(stderr, "flowsim fw4 render: unexpected argument '%s'\n", argv[1]);
		rc = EXIT_USAGE;
		goto out;
	}
	o.capable = g_ptr_array_new_with_free_func(g_free);
	for (a = o.hw_capable; a && *a; a++) {
		char **devs = g_strsplit(*a, ",", -1), **d;

		o.capable_given = TRUE;
		for (d = devs; *d; d++)
			if (**d)
				g_ptr_array_add(o.capable, g_strdup(*d));
		g_strfreev(devs);
	}
	rc = render(&o);
out:
	if (o.capable)
		g_ptr_array_unref(o.capable);
	g_free(o.uci);
	g_free(o.offload);
	g_strfreev(o.networks);
	g_strfreev(o.hw_capable);
	g_strfreev(o.bridges);
	g_strfreev(o.vlans);
	return rc;
}
