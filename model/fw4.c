// SPDX-License-Identifier: MIT
/*
 * fw4.c - OpenWrt firewall4's ruleset generator (root/usr/share/firewall4/templates/
 * ruleset.uc and zone-*.uc, root/usr/share/ucode/fw4.uc), reduced to the options of
 * struct fw4_config.  See spec linux-flowtable.md §6.
 *
 * What the generated text contains, in fw4's order:
 *  - "table inet fw4" + "flush table inet fw4", then the table block;
 *  - flowtable ft (only with flow_offloading and at least one device): software mode
 *    lists each zone network's device that exists; hardware mode replaces bridges by
 *    their ports and VLANs by their parent (resolve_lower_devices), then probes every
 *    device (fw4's `nft -c ... flags offload`), falling back to the software list;
 *  - ct helper objects and helper_<zone> chains (zones with auto_helper and no masq);
 *  - input/forward/output with the ct state vmap, SYN-flood jump, zone dispatch by
 *    device and the REJECT policy as "policy drop" + "jump handle_reject";
 *    `meta l4proto { tcp, udp } flow offload @ft;` is the first rule of forward;
 *  - per zone input_/output_/forward_ chains and the accept/reject/drop _from_/_to_
 *    verdict chains, NAT-leakage protection in accept_to_<masq zone>;
 *  - dstnat/srcnat with DNAT redirects and masquerade, raw and mangle chains with the
 *    mtu_fix rules (ingress in mangle_forward, egress in mangle_postrouting).
 * The output always parses with the core's nft parser (tests/unit/test_fw4.c checks it).
 *
 * This file writes the table header and the base chains and drives the rest: the device
 * list comes from fw4_devices.c, zone chains, forwardings, helpers and NAT from
 * fw4_zones.c, `config rule`/`config redirect` rules from fw4_rules.c, the defaults from
 * fw4_config.c (see fw4_internal.h).
 */
#include "fw4_internal.h"

/* ---------------------------------------------------------------- chain text */

/* "iifname "x"" or "iifname { "a", "b" }" */
void fw4_put_devmatch(struct w *w, const char *what, const struct zinfo *zi)
{
	u32 i;

	put(w, what);
	put(w, zi->ndev > 1 ? " { " : " ");
	for (i = 0; i < zi->ndev; i++) {
		if (i)
			put(w, ", ");
		putq(w, zi->dev[i]);
	}
	put(w, zi->ndev > 1 ? " } " : " ");
}

void fw4_chain_open(struct w *w, const char *name, const char *type, const char *hook,
		    const char *prio, const char *policy)
{
	put(w, "\tchain ");
	put(w, name);
	put(w, " {\n");
	if (!type)
		return;
	put(w, "\t\ttype ");
	put(w, type);
	put(w, " hook ");
	put(w, hook);
	put(w, " priority ");
	put(w, prio);
	put(w, "; policy ");
	put(w, policy);
	put(w, ";\n");
}

void fw4_chain_close(struct w *w)
{
	put(w, "\t}\n\n");
}

void fw4_put_zone_jump(struct fw4_ctx *x, u32 zi, const char *match, const char *chain,
		       const char *what)
{
	const char *zone = x->c->zone[zi].name;

	put(&x->w, "\t\t");
	fw4_put_devmatch(&x->w, match, &x->z[zi]);
	put(&x->w, "jump ");
	put(&x->w, chain);
	put(&x->w, "_");
	put(&x->w, zone);
	put(&x->w, " comment \"!fw4: Handle ");
	put(&x->w, zone);
	put(&x->w, " IPv4/IPv6 ");
	put(&x->w, what);
	put(&x->w, "\"\n");
}

/* ---------------------------------------------------------------- the ruleset */

static void put_ctstate(struct w *w, const struct fw4_config *c, const char *what)
{
	put(w, "\t\tct state vmap { established : accept, related : accept");
	if (c->defaults.drop_invalid)
		put(w, ", invalid : drop");
	put(w, " } comment \"!fw4: Handle ");
	put(w, what);
	put(w, " flows\"\n");
}

/* zone dispatch: every zone with devices gets "jump <dir>_<zone>" */
static void put_dispatch(struct fw4_ctx *x, const char *match, const char *dir,
			 const char *what)
{
	u32 i;

	for (i = 0; i < x->c->num_zones; i++)
		if (x->z[i].ndev)
			fw4_put_zone_jump(x, i, match, dir, what);
}

static u8 drop_if_reject(u8 p)
{
	return p == FW4_REJECT ? FW4_DROP : p;
}

/* input/forward/output: a REJECT policy is "policy drop" plus a last "jump handle_reject" */
static void filter_chain_open(struct w *w, const char *hook, u8 policy)
{
	fw4_chain_open(w, hook, "filter", hook, "filter", policy_name(drop_if_reject(policy)));
}

static void filter_chain_close(struct w *w, u8 policy)
{
	if (policy == FW4_REJECT)
		put(w, "\t\tjump handle_reject\n");
	fw4_chain_close(w);
}

static void put_filter_chains(struct fw4_ctx *x)
{
	const struct fw4_config *c = x->c;
	const struct fw4_defaults *d = &c->defaults;
	struct w *w = &x->w;
	u32 i;

	filter_chain_open(w, "input", d->input);
	put(w, "\t\tiifname \"lo\" accept comment \"!fw4: Accept traffic from loopback\"\n");
	put_ctstate(w, c, "inbound");
	if (d->syn_flood && d->synflood_rate)
		put(w, "\t\ttcp flags & (fin | syn | rst | ack) == syn jump syn_flood comment "
		       "\"!fw4: Rate limit TCP syn packets\"\n");
	fw4_put_rules_for(w, c, "input");
	put_dispatch(x, "iifname", "input", "input traffic");
	filter_chain_close(w, d->input);

	filter_chain_open(w, "forward", d->forward);
	if (x->off.num)
		put(w, "\t\tmeta l4proto { tcp, udp } flow offload @ft;\n");
	put_ctstate(w, c, "forwarded");
	fw4_put_rules_for(w, c, "forward");
	/* forwardings with src '*' go to the forward chain itself */
	fw4_put_forwardings(w, c, "*", "any");
	put_dispatch(x, "iifname", "forward", "forward traffic");
	filter_chain_close(w, d->forward);

	filter_chain_open(w, "output", d->output);
	put(w, "\t\toifname \"lo\" accept comment \"!fw4: Accept traffic towards loopback\"\n");
	put_ctstate(w, c, "outbound");
	fw4_put_rules_for(w, c, "output");
	put_dispatch(x, "oifname", "output", "output traffic");
	filter_chain_close(w, d->output);

	fw4_chain_open(w, "prerouting", "filter", "prerouting", "filter", "accept");
	for (i = 0; i < c->num_zones; i++)
		if (x->z[i].helper && x->z[i].ndev)
			fw4_put_zone_jump(x, i, "iifname", "helper", "helper assignment");
	fw4_chain_close(w);

	fw4_chain_open(w, "handle_reject", NULL, NULL, NULL, NULL);
	put(w, "\t\tmeta l4proto tcp reject with tcp reset comment \"!fw4: Reject TCP traffic\"\n");
	put(w, "\t\treject with icmpx type port-unreachable comment \"!fw4: Reject any other "
	       "traffic\"\n");
	fw4_chain_close(w);

	if (d->syn_flood && d->synflood_rate) {
		fw4_chain_open(w, "syn_flood", NULL, NULL, NULL, NULL);
		put(w, "\t\tlimit rate ");
		putu(w, d->synflood_rate);
		put(w, "/second");
		if (d->synflood_burst) {
			put(w, " burst ");
			putu(w, d->synflood_burst);
			put(w, " packets");
		}
		put(w, " return comment \"!fw4: Accept SYN packets below rate-limit\"\n");
		put(w, "\t\tdrop comment \"!fw4: Drop excess packets\"\n");
		fw4_chain_close(w);
	}
}

static void put_mssfix(struct fw4_ctx *x, const char *match, const char *dir)
{
	u32 i;

	for (i = 0; i < x->c->num_zones; i++) {
		if (!x->c->zone[i].mtu_fix || !x->z[i].ndev)
			continue;
		put(&x->w, "\t\t");
		fw4_put_devmatch(&x->w, match, &x->z[i]);
		put(&x->w, "tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu "
			   "comment \"!fw4: Zone ");
		put(&x->w, x->c->zone[i].name);
		put(&x->w, " IPv4/IPv6 ");
		put(&x->w, dir);
		put(&x->w, " MTU fixing\"\n");
	}
}

static void put_raw_mangle(struct fw4_ctx *x)
{
	struct w *w = &x->w;

	fw4_chain_open(w, "raw_prerouting", "filter", "prerouting", "raw", "accept");
	fw4_chain_close(w);
	fw4_chain_open(w, "raw_output", "filter", "output", "raw", "accept");
	fw4_chain_close(w);
	fw4_chain_open(w, "mangle_prerouting", "filter", "prerouting", "mangle", "accept");
	fw4_chain_close(w);
	fw4_chain_open(w, "mangle_postrouting", "filter", "postrouting", "mangle", "accept");
	put_mssfix(x, "oifname", "egress");
	fw4_chain_close(w);
	fw4_chain_open(w, "mangle_input", "filter", "input", "mangle", "accept");
	fw4_chain_close(w);
	fw4_chain_open(w, "mangle_output", "route", "output", "mangle", "accept");
	fw4_chain_close(w);
	fw4_chain_open(w, "mangle_forward", "filter", "forward", "mangle", "accept");
	put_mssfix(x, "iifname", "ingress");
	put(w, "\t}\n");
}

static void put_header(struct fw4_ctx *x)
{
	struct w *w = &x->w;
	u32 i;

	put(w, "table inet fw4\nflush table inet fw4\n\ntable inet fw4 {\n");
	if (x->off.num) {
		put(w, "\tflowtable ft {\n\t\thook ingress priority 0;\n\t\tdevices = { ");
		for (i = 0; i < x->off.num; i++) {
			if (i)
				put(w, ", ");
			putq(w, x->off.dev[i]);
		}
		put(w, " };\n\t\tcounter;\n");
		if (x->off.hw)
			put(w, "\t\tflags offload;\n");
		put(w, "\t}\n\n");
	}
	fw4_put_ct_helpers(w);
}

int fw4_render(const struct fw4_config *c, const struct fw4_network *nets, u32 num_nets,
	       const struct fs_netconf *nc, bool (*hw_capable)(void *arg, const char *dev),
	       void *arg, char *buf, size_t size)
{
	struct fw4_ctx *x = fs_zalloc(sizeof(*x));
	u32 i;
	int len;

	if (!x)
		return -1;
	x->c = c;
	x->nets = nets;
	x->num_nets = num_nets;
	x->w.buf = buf;
	x->w.size = size;
	fw4_resolve_offload(c, nets, num_nets, nc, hw_capable, arg, &x->off);
	fw4_analyse(x);

	put_header(x);
	put_filter_chains(x);
	for (i = 0; i < c->num_zones; i++)
		fw4_put_zone_chains(x, i);
	fw4_put_nat_chains(x);
	put_raw_mangle(x);
	put(&x->w, "}\n");

	if (size)
		buf[x->w.len < size ? x->w.len : size - 1] = '\0';
	len = x->w.overflow || x->w.len >= size ? -1 : (int)x->w.len;
	fs_free(x);
	return len;
}
