// SPDX-License-Identifier: MIT
/*
 * scenario_firewall.c - the router's firewall in a scenario: fw4's defaults, zones,
 * forwardings, rules and redirects written inline, or an OpenWrt UCI firewall file, and
 * the check that the zones' networks exist on the ports.
 *
 * Or a whole ruleset instead of fw4's: `ruleset: FILE.nft` (nft text) or `ruleset_json:
 * FILE.json` (an `nft -j list ruleset` dump, e.g. static/ruleset.json of a trace bundle,
 * translated by traces/nft_json.c), checked with the core's parser; errors name the file,
 * line and column (for a JSON dump also the JSON path).
 *
 * Own zones replace OpenWrt's shipped ones (lan, wan) with their forwardings and rules;
 * options fw4 has but the model does not use are accepted with a warning.  Zones written
 * in the scenario must name defined networks exactly (error), a UCI file may name networks
 * the scenario leaves out (warning: fw4 skips them).
 */
#include "scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowtable.h"
#include "nft_json.h"
#include "ruleset.h"
#include "uci.h"

/* ----------------------------------------------------------------- firewall ---- */

static const char *const firewall_keys[] = {
	"defaults", "zones", "forwardings", "rules", "redirects", NULL,
};
static const char *const fw_defaults_keys[] = {
	"input", "output", "forward", "drop_invalid", "syn_flood", "synflood_protect",
	"synflood_rate", "synflood_burst", "flow_offloading", "flow_offloading_hw",
	"auto_helper",
	/* fw4 options the model does not use (accepted with a warning) */
	"tcp_syncookies", "tcp_ecn", "tcp_window_scaling", "accept_redirects",
	"accept_source_route", "custom_chains", "disable_ipv6", "tcp_reject_code",
	"any_reject_code", "auto_includes", NULL,
};
static const char *const fw_defaults_unmodelled[] = {
	"tcp_syncookies", "tcp_ecn", "tcp_window_scaling", "accept_redirects",
	"accept_source_route", "custom_chains", "disable_ipv6", "tcp_reject_code",
	"any_reject_code", "auto_includes", NULL,
};
static const char *const fw_zone_keys[] = {
	"name", "network", "input", "output", "forward", "masq", "masq6", "mtu_fix",
	"masq_allow_invalid", "auto_helper",
	"family", "log", "log_limit", "device", "subnet", "masq_src", "masq_dest", "helper",
	"extra", "extra_src", "extra_dest", "enabled", NULL,
};
static const char *const fw_zone_unmodelled[] = {
	"family", "log", "log_limit", "device", "subnet", "masq_src", "masq_dest", "helper",
	"extra", "extra_src", "extra_dest", "enabled", NULL,
};
static const char *const fw_fwd_keys[] = { "src", "dest", "name", "family", "enabled", NULL };
static const char *const fw_rule_keys[] = {
	"name", "src", "dest", "family", "proto", "dest_port", "target", NULL,
};
static const char *const fw_redirect_keys[] = {
	"name", "src", "src_dport", "dest", "dest_ip", "dest_port", "proto", "target", NULL,
};

static bool fw_policy(struct scn_loader *l, const struct yu_node *v, const char *what, u8 *out)
{
	static const char *const pol[] = { "ACCEPT", "REJECT", "DROP", NULL };
	size_t i;

	if (!yu_expect_scalar(l->d, v, what))
		return false;
	for (i = 0; pol[i]; i++) {
		if (!g_ascii_strcasecmp(v->text, pol[i])) {
			*out = (u8)i;
			return true;
		}
	}
	ERR(l, v, "%s: expected ACCEPT, REJECT or DROP, got '%s'", what, v->text);
	return false;
}

static void fw_policy_key(struct scn_loader *l, const struct yu_node *map, const char *key,
			  u8 *out)
{
	const struct yu_node *v = yu_get(map, key);

	if (v)
		fw_policy(l, v, key, out);
}

static void fw_bool(struct scn_loader *l, const struct yu_node *map, const char *key, u8 *out)
{
	const struct yu_node *v = yu_get(map, key);
	bool b;

	if (v && yu_bool(l->d, v, key, &b))
		*out = b;
}

static void warn_unmodelled(struct scn_loader *l, const struct yu_node *map, const char *what,
			    const char *const *keys)
{
	size_t i;

	for (i = 0; keys[i]; i++) {
		const struct yu_node *k = yu_get_key(map, keys[i]);

		if (k)
			yu_warning(l->d, k, "%s option '%s' has no effect in the model", what,
				   keys[i]);
	}
}

static void fw_defaults(struct scn_loader *l, const struct yu_node *n, struct fw4_defaults *d)
{
	const struct yu_node *v;
	uint32_t u;

	if (!yu_expect_map(l->d, n, "defaults"))
		return;
	yu_check_keys(l->d, n, "firewall defaults", fw_defaults_keys);
	warn_unmodelled(l, n, "defaults", fw_defaults_unmodelled);
	fw_policy_key(l, n, "input", &d->input);
	fw_policy_key(l, n, "output", &d->output);
	fw_policy_key(l, n, "forward", &d->forward);
	fw_bool(l, n, "drop_invalid", &d->drop_invalid);
	fw_bool(l, n, "syn_flood", &d->syn_flood);
	fw_bool(l, n, "synflood_protect", &d->syn_flood);
	fw_bool(l, n, "flow_offloading", &d->flow_offloading);
	fw_bool(l, n, "flow_offloading_hw", &d->flow_offloading_hw);
	fw_bool(l, n, "auto_helper", &d->auto_helper);
	v = yu_get(n, "synflood_rate");
	if (v && yu_expect_scalar(l->d, v, "synflood_rate")) {
		/* fw4's limit syntax: N, N/second, N/s, N/minute ... */
		char unit[16] = "";
		unsigned int rate;
		int k = sscanf(v->text, "%u/%15s", &rate, unit);

		if (k < 1 || rate == 0 || (k == 2 && strcmp(unit, "second") && strcmp(unit, "sec") &&
					   strcmp(unit, "s")) || strchr(v->text, ' '))
			ERR(l, v, "synflood_rate: expected packets per second such as 25 or "
			    "25/second, got '%s'", v->text);
		else
			d->synflood_rate = rate;
	}
	v = yu_get(n, "synflood_burst");
	if (v && yu_u32(l->d, v, "synflood_burst", 1, 1000000, &u))
		d->synflood_burst = u;
	if (d->flow_offloading_hw && !d->flow_offloading)
		yu_warning(l->d, yu_get_key(n, "flow_offloading_hw"), "flow_offloading_hw has no "
			   "effect without flow_offloading (fw4 emits no flowtable)");
}

/*
 * A rule's name becomes the comment of the rule fw4 renders ("!fw4: NAME"), and nft strings
 * hold no control characters but tabs (model/nft_lex.c): refuse them here, at the name.
 */
static void fw_check_comment_text(struct scn_loader *l, const struct yu_node *v,
				  const char *text)
{
	const char *c;

	for (c = text; *c; c++) {
		if ((unsigned char)*c < ' ' && *c != '\t') {
			ERR(l, v, "name: expected printable text, got a control character (0x%02x)",
			    (unsigned int)(unsigned char)*c);
			return;
		}
	}
}

static int fw_zone_index(const struct fw4_config *fw, const char *name)
{
	uint32_t i;

	for (i = 0; i < fw->num_zones; i++)
		if (!strcmp(fw->zone[i].name, name))
			return (int)i;
	return -1;
}

static void fw_zone_ref(struct scn_loader *l, const struct yu_node *v, const char *what,
			const struct fw4_config *fw, char *out, bool allow_any)
{
	const char *names[FW4_MAX_ZONES + 1];
	const char *sugg;
	uint32_t i;

	if (!yu_expect_scalar(l->d, v, what))
		return;
	if ((allow_any && !strcmp(v->text, "*")) || fw_zone_index(fw, v->text) >= 0) {
		g_strlcpy(out, v->text, FW4_NAME);
		return;
	}
	for (i = 0; i < fw->num_zones; i++)
		names[i] = fw->zone[i].name;
	names[i] = NULL;
	sugg = yu_suggest(v->text, names);
	if (sugg)
		ERR(l, v, "%s: unknown zone '%s' (did you mean '%s'?)", what, v->text, sugg);
	else
		ERR(l, v, "%s: unknown zone '%s'", what, v->text);
}

static void fw_zones(struct scn_loader *l, const struct yu_node *seq, struct fw4_config *fw)
{
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "zones"))
		return;
	fw->num_zones = 0;
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v, *const *items;
		struct fw4_zone *z;
		uint32_t cnt;

		if (!yu_expect_map(l->d, n, "zones[]"))
			continue;
		if (fw->num_zones >= FW4_MAX_ZONES) {
			ERR(l, n, "zones: at most %d zones", FW4_MAX_ZONES);
			break;
		}
		z = &fw->zone[fw->num_zones];
		memset(z, 0, sizeof(*z));
		/* fw4 zone defaults: input/output/forward inherit the defaults' policies */
		z->input = fw->defaults.input;
		z->output = fw->defaults.output;
		z->forward = fw->defaults.forward;
		z->mtu_fix = 0;
		z->auto_helper = 0xff;
		yu_check_keys(l->d, n, "zone", fw_zone_keys);
		warn_unmodelled(l, n, "zone", fw_zone_unmodelled);
		v = yu_require(l->d, n, "zone", "name");
		if (!v || !scn_get_name(l, v, "name", z->name, sizeof(z->name)))
			continue;
		if (fw_zone_index(fw, z->name) >= 0) {
			ERR(l, v, "name: zone '%s' is defined twice", z->name);
			continue;
		}
		v = yu_get(n, "network");
		if (v && v->kind != YU_MAP) {
			items = scn_one_or_list(v, &cnt);
			for (j = 0; j < cnt && z->num_network < FW4_MAX_NETS; j++)
				if (scn_get_name(l, scn_list_item(v, items, j), "network",
						 z->network[z->num_network], FW4_NAME))
					z->num_network++;
			if (cnt > FW4_MAX_NETS)
				ERR(l, v, "network: at most %d networks per zone", FW4_MAX_NETS);
		} else if (v) {
			ERR(l, v, "network: expected a network name or a list, got a mapping");
		}
		fw_policy_key(l, n, "input", &z->input);
		fw_policy_key(l, n, "output", &z->output);
		fw_policy_key(l, n, "forward", &z->forward);
		fw_bool(l, n, "masq", &z->masq);
		fw_bool(l, n, "masq6", &z->masq6);
		fw_bool(l, n, "mtu_fix", &z->mtu_fix);
		fw_bool(l, n, "masq_allow_invalid", &z->masq_allow_invalid);
		if (yu_get(n, "auto_helper"))
			fw_bool(l, n, "auto_helper", &z->auto_helper);
		fw->num_zones++;
	}
}

static u8 parse_proto(struct scn_loader *l, const struct yu_node *v)
{
	const struct yu_node *const *items;
	uint32_t cnt, i;
	u8 mask = 0;

	if (v->kind == YU_MAP) {
		ERR(l, v, "proto: expected a protocol or a list of them, got a mapping");
		return 0;
	}
	items = scn_one_or_list(v, &cnt);
	for (i = 0; i < cnt; i++) {
		const struct yu_node *it = scn_list_item(v, items, i);

		if (!yu_expect_scalar(l->d, it, "proto"))
			continue;
		if (!strcmp(it->text, "tcp"))
			mask |= 1;
		else if (!strcmp(it->text, "udp"))
			mask |= 2;
		else if (!strcmp(it->text, "icmp"))
			mask |= 4;
		else if (!strcmp(it->text, "tcpudp"))
			mask |= 3;
		else if (!strcmp(it->text, "all") || !strcmp(it->text, "any"))
			mask |= 7;
		else
			ERR(l, it, "proto: expected tcp, udp, icmp, tcpudp or all, got '%s'",
			    it->text);
	}
	return mask;
}

static bool parse_port_range(struct scn_loader *l, const struct yu_node *v, const char *what,
			     u16 *lo, u16 *hi)
{
	unsigned int a, b;
	char tail;

	if (!yu_expect_scalar(l->d, v, what))
		return false;
	if (sscanf(v->text, "%u-%u%c", &a, &b, &tail) == 2 ||
	    sscanf(v->text, "%u:%u%c", &a, &b, &tail) == 2) {
		/* range */
	} else if (sscanf(v->text, "%u%c", &a, &tail) == 1) {
		b = a;
	} else {
		ERR(l, v, "%s: expected a port or a range such as 8000-8100, got '%s'", what,
		    v->text);
		return false;
	}
	if (!a || a > 65535 || b > 65535 || b < a) {
		ERR(l, v, "%s: '%s' is not a port range within 1..65535", what, v->text);
		return false;
	}
	*lo = (u16)a;
	*hi = (u16)b;
	return true;
}

static void fw_rules(struct scn_loader *l, const struct yu_node *seq, struct fw4_config *fw,
		     bool redirects)
{
	const char *what = redirects ? "redirects" : "rules";
	uint32_t i;

	if (!yu_expect_seq(l->d, seq, what))
		return;
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v;
		struct fw4_rule *r;
		int fam;

		if (!yu_expect_map(l->d, n, redirects ? "redirects[]" : "rules[]"))
			continue;
		if (fw->num_rules >= FW4_MAX_RULES) {
			ERR(l, n, "%s: at most %d rules and redirects together", what, FW4_MAX_RULES);
			break;
		}
		r = &fw->rule[fw->num_rules];
		memset(r, 0, sizeof(*r));
		r->is_redirect = redirects;
		r->proto_mask = 3;    /* fw4: tcpudp unless stated */
		yu_check_keys(l->d, n, redirects ? "redirect" : "rule",
			      redirects ? fw_redirect_keys : fw_rule_keys);
		v = yu_get(n, "name");
		if (v && yu_str(l->d, v, "name", r->name, sizeof(r->name)))
			fw_check_comment_text(l, v, r->name);
		v = yu_get(n, "src");
		if (v)
			fw_zone_ref(l, v, "src", fw, r->src, !redirects);
		else if (redirects)
			ERR(l, n, "redirect: missing required key 'src'");
		v = yu_get(n, "dest");
		if (v)
			fw_zone_ref(l, v, "dest", fw, r->dest, !redirects);
		v = yu_get(n, "family");
		if (v && yu_expect_scalar(l->d, v, "family")) {
			static const char *const fams[] = { "any", "ipv4", "ipv6", NULL };

			if (yu_enum(l->d, v, "family", fams, &fam))
				r->family = fam == 1 ? FS_AF_INET : fam == 2 ? FS_AF_INET6 : 0;
		}
		v = yu_get(n, "proto");
		if (v)
			r->proto_mask = parse_proto(l, v);
		if (redirects) {
			u16 hi;

			v = yu_require(l->d, n, "redirect", "src_dport");
			if (v && parse_port_range(l, v, "src_dport", &r->src_dport, &hi) &&
			    hi != r->src_dport)
				ERR(l, v, "src_dport: the model redirects single ports, not ranges");
			v = yu_require(l->d, n, "redirect", "dest_ip");
			if (v)
				scn_parse_addr(l, v, "dest_ip", FS_AF_INET, &r->dest_ip);
			r->family = FS_AF_INET;
			v = yu_get(n, "dest_port");
			r->redirect_port = r->src_dport;
			if (v)
				parse_port_range(l, v, "dest_port", &r->redirect_port, &hi);
			v = yu_get(n, "target");
			if (v && yu_expect_scalar(l->d, v, "target") && strcmp(v->text, "DNAT"))
				ERR(l, v, "target: the model supports redirects with target DNAT, "
				    "got '%s'", v->text);
		} else {
			v = yu_get(n, "dest_port");
			if (v)
				parse_port_range(l, v, "dest_port", &r->dest_port, &r->dest_port_end);
			r->target = FW4_DROP;
			v = yu_get(n, "target");
			if (v)
				fw_policy(l, v, "target", &r->target);
			else
				r->target = FW4_ACCEPT;   /* fw4: rules default to ACCEPT */
		}
		fw->num_rules++;
	}
}

static void load_firewall(struct scn_loader *l, const struct yu_node *n)
{
	struct fw4_config *fw = &l->s->router.fw;
	const struct yu_node *v;
	uint32_t i;

	if (!yu_expect_map(l->d, n, "firewall"))
		return;
	yu_check_keys(l->d, n, "firewall", firewall_keys);
	v = yu_get(n, "defaults");
	if (v)
		fw_defaults(l, v, &fw->defaults);
	/* own zones replace the shipped zones, forwardings and rules altogether */
	if (yu_get(n, "zones")) {
		fw->num_zones = 0;
		fw->num_fwd = 0;
		fw->num_rules = 0;
		fw_zones(l, yu_get(n, "zones"), fw);
	} else if (yu_get(n, "forwardings") || yu_get(n, "rules") || yu_get(n, "redirects")) {
		/* they refer to the shipped zones (lan, wan): keep those */
		fw->num_fwd = 0;
		fw->num_rules = 0;
	}
	v = yu_get(n, "forwardings");
	if (v && yu_expect_seq(l->d, v, "forwardings")) {
		for (i = 0; i < v->n_items; i++) {
			const struct yu_node *f = v->items[i], *x;
			struct fw4_forwarding *fwd;

			if (!yu_expect_map(l->d, f, "forwardings[]"))
				continue;
			if (fw->num_fwd >= FW4_MAX_FWD) {
				ERR(l, f, "forwardings: at most %d", FW4_MAX_FWD);
				break;
			}
			fwd = &fw->fwd[fw->num_fwd];
			memset(fwd, 0, sizeof(*fwd));
			yu_check_keys(l->d, f, "forwarding", fw_fwd_keys);
			x = yu_require(l->d, f, "forwarding", "src");
			if (x)
				fw_zone_ref(l, x, "src", fw, fwd->src, false);
			x = yu_require(l->d, f, "forwarding", "dest");
			if (x)
				fw_zone_ref(l, x, "dest", fw, fwd->dest, false);
			fw->num_fwd++;
		}
	}
	v = yu_get(n, "rules");
	if (v)
		fw_rules(l, v, fw, false);
	v = yu_get(n, "redirects");
	if (v)
		fw_rules(l, v, fw, true);
}

/* "path:line: message" from the UCI reader -> a message at that place. */
static void uci_message(struct scn_loader *l, const struct yu_node *at, const char *text,
			bool warning)
{
	const char *c1 = strchr(text, ':');
	char *end;
	unsigned long line = 0;

	if (c1 && g_ascii_isdigit(c1[1])) {
		line = strtoul(c1 + 1, &end, 10);
		if (*end == ':' && end[1] == ' ') {
			char *file = g_strndup(text, (gsize)(c1 - text));

			if (warning)
				yu_warning_at(l->d, file, (uint32_t)line, 0, "%s", end + 2);
			else
				yu_error_at(l->d, file, (uint32_t)line, 0, "%s", end + 2);
			g_free(file);
			return;
		}
	}
	if (warning)
		yu_warning(l->d, at, "firewall_uci: %s", text);
	else
		ERR(l, at, "firewall_uci: %s", text);
}

static bool load_firewall_uci(struct scn_loader *l, const struct yu_node *v)
{
	struct scn_router *r = &l->s->router;
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	bool ok = false;
	char *path;
	guint i;

	if (!yu_expect_scalar(l->d, v, "firewall_uci"))
		goto out;
	path = scn_resolve_path(l, v->text);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		ERR(l, v, "firewall_uci: no such file: %s", path);
		g_free(path);
		goto out;
	}
	r->firewall_uci = path;
	if (uci_firewall_load(path, &r->fw, warnings, &err)) {
		uci_message(l, v, err ? err->message : "cannot read", false);
		g_clear_error(&err);
	} else {
		ok = true;
	}
	for (i = 0; i < warnings->len; i++)
		uci_message(l, v, g_ptr_array_index(warnings, i), true);
out:
	g_ptr_array_free(warnings, TRUE);
	return ok;
}

/* Networks the firewall's zones name must be defined on a port. */
static const struct yu_node *zone_node(struct scn_loader *l, const char *name);

enum zone_check { ZC_STRICT, ZC_FILE, ZC_SHIPPED };

/*
 * Networks the firewall's zones name should be defined on a port.  Zones written in the
 * scenario must be exact (error); zones from a UCI file may list networks the scenario does
 * not model (warning, fw4 skips them); OpenWrt's shipped zones only warn when a zone
 * matches no network at all (wan6 is routinely absent).
 */
static void check_zone_networks(struct scn_loader *l, enum zone_check mode,
				const struct yu_node *at)
{
	struct scn_router *r = &l->s->router;
	const char *names[SCN_MAX_NETWORKS + 1];
	uint32_t i, j, k, matched;

	for (i = 0; i < r->n_networks; i++)
		names[i] = r->networks[i].name;
	names[i] = NULL;
	for (i = 0; i < r->fw.num_zones; i++) {
		const struct fw4_zone *z = &r->fw.zone[i];

		matched = 0;
		for (j = 0; j < z->num_network; j++) {
			for (k = 0; k < r->n_networks; k++)
				if (!strcmp(r->networks[k].name, z->network[j]))
					break;
			if (k < r->n_networks) {
				matched++;
				continue;
			}
			if (mode == ZC_STRICT) {
				const char *sugg = yu_suggest(z->network[j], names);
				const struct yu_node *zn = zone_node(l, z->name);

				if (sugg)
					ERR(l, zn, "zone '%s': network '%s' is not defined on any "
					    "port (did you mean '%s'?)", z->name, z->network[j], sugg);
				else
					ERR(l, zn, "zone '%s': network '%s' is not defined on any "
					    "port", z->name, z->network[j]);
			} else if (mode == ZC_FILE) {
				yu_warning(l->d, at, "zone '%s': network '%s' is not defined on any "
					   "port (fw4 skips it)", z->name, z->network[j]);
			}
		}
		if (mode == ZC_SHIPPED && !matched)
			yu_warning(l->d, at, "OpenWrt's default firewall zone '%s' matches no "
				   "network: give a port 'network: %s'", z->name,
				   z->num_network ? z->network[0] : z->name);
	}
}

/* The zone node that defines zone i (for precise messages), else the firewall node. */
static const struct yu_node *zone_node(struct scn_loader *l, const char *name)
{
	const struct yu_node *zs = l->firewall_node ? yu_get(l->firewall_node, "zones") : NULL;
	uint32_t i;

	if (zs && zs->kind == YU_SEQ)
		for (i = 0; i < zs->n_items; i++) {
			const struct yu_node *nm = yu_get(zs->items[i], "name");

			if (nm && nm->kind == YU_SCALAR && !strcmp(nm->text, name))
				return yu_get(zs->items[i], "network") ? yu_get(zs->items[i], "network") :
									 zs->items[i];
		}
	return l->firewall_node;
}

/*
 * The router's firewall: inline (firewall:), from a UCI file (firewall_uci:) or OpenWrt's
 * shipped zones, then the check that the zones name networks the ports define.
 */
/* ------------------------------------------------------ ruleset, ruleset_json ---- */

static const char *const ruleset_json_keys[] = { "file", "hw_offload", "tolerant", NULL };

/*
 * The firewall defaults the summary reports follow the ruleset: offloading when a flowtable
 * exists, hardware offloading when one has `flags offload`.
 */
static bool check_ruleset_text(struct scn_loader *l, const char *file, const char *text,
			       size_t len, const char *shown)
{
	struct ruleset *rs = ruleset_create();
	struct ruleset_flowtable ft[16];
	struct ruleset_error err;
	u32 i, n;

	memset(&err, 0, sizeof(err));
	if (!rs || ruleset_apply(rs, text, len, &err)) {
		yu_error_at(l->d, file, err.line, err.col, "%s%s", shown ? shown : "",
			    rs ? err.msg : "out of memory");
		ruleset_destroy(rs);
		return false;
	}
	n = ruleset_flowtables(rs, ft, 16);
	l->s->router.fw.defaults.flow_offloading = n > 0;
	l->s->router.fw.defaults.flow_offloading_hw = 0;
	for (i = 0; i < n && i < 16; i++)
		if (ft[i].flags & FLOWTABLE_F_HW_OFFLOAD)
			l->s->router.fw.defaults.flow_offloading_hw = 1;
	ruleset_destroy(rs);
	return true;
}

static void load_ruleset_nft(struct scn_loader *l, const struct yu_node *v)
{
	struct scn_router *r = &l->s->router;
	char *path, *text;
	size_t len = 0;

	if (!yu_expect_text(l->d, v, "ruleset", "a path to an nft ruleset file"))
		return;
	path = scn_resolve_path(l, v->text);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		ERR(l, v, "ruleset: no such file: %s", path);
		g_free(path);
		return;
	}
	text = yu_read_text(path, path, "an nft ruleset (nft -f syntax)", &len, l->d);
	if (!text) {
		g_free(path);
		return;
	}
	if (check_ruleset_text(l, path, text, len, NULL)) {
		r->ruleset = text;
		r->ruleset_file = path;
		return;
	}
	g_free(text);
	g_free(path);
}

static void load_ruleset_json(struct scn_loader *l, const struct yu_node *v)
{
	struct scn_router *r = &l->s->router;
	const struct yu_node *file = v, *o;
	struct nft_json_result jr;
	struct trace_diags td;
	bool hw = false, tolerant = false;
	char *path;
	u32 i;

	if (v->kind == YU_MAP) {
		yu_check_keys(l->d, v, "ruleset_json", ruleset_json_keys);
		file = yu_require(l->d, v, "ruleset_json", "file");
		o = yu_get(v, "hw_offload");
		if (o)
			yu_bool(l->d, o, "hw_offload", &hw);
		o = yu_get(v, "tolerant");
		if (o)
			yu_bool(l->d, o, "tolerant", &tolerant);
		if (!file)
			return;
	}
	if (!yu_expect_text(l->d, file, "ruleset_json", "a path to an nft -j list ruleset dump"))
		return;
	path = scn_resolve_path(l, file->text);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		ERR(l, file, "ruleset_json: no such file: %s", path);
		g_free(path);
		return;
	}
	trace_diags_init(&td);
	nft_json_result_init(&jr);
	if (!nft_json_parse_file(path, tolerant ? TRACE_TOLERANT : TRACE_STRICT,
				 hw ? NFT_JSON_FT_HW_OFFLOAD : 0, &jr, &td) &&
	    check_ruleset_text(l, path, jr.text, jr.text_len, "the translated dump: ")) {
		r->ruleset = g_strndup(jr.text, jr.text_len);
		r->ruleset_file = g_strdup(path);
	}
	for (i = 0; i < trace_diags_len(&td); i++) {
		const struct trace_diag *dg = trace_diags_get(&td, i);

		if (dg->severity == TRACE_ERROR)
			yu_error_at(l->d, dg->file, dg->line, dg->column, "%s", dg->message);
		else
			yu_warning_at(l->d, dg->file, dg->line, dg->column, "%s", dg->message);
	}
	if (jr.rules_skipped || jr.objects_skipped)
		yu_warning(l->d, file, "ruleset_json: %u rules and %u other objects of %s were "
			   "left out (tolerant)", jr.rules_skipped, jr.objects_skipped, path);
	nft_json_result_clear(&jr);
	trace_diags_clear(&td);
	g_free(path);
}

/* router.ruleset / router.ruleset_json; false when neither is given */
static bool load_own_ruleset(struct scn_loader *l, const struct yu_node *n)
{
	const struct yu_node *rs_nft = yu_get(n, "ruleset"), *rs_json = yu_get(n, "ruleset_json");

	if (!rs_nft && !rs_json)
		return false;
	if (rs_nft && rs_json) {
		ERR(l, yu_get_key(n, "ruleset_json"), "ruleset_json: give either ruleset or "
		    "ruleset_json, not both");
		return true;
	}
	if (yu_get(n, "firewall") || yu_get(n, "firewall_uci")) {
		ERR(l, yu_get_key(n, yu_get(n, "firewall") ? "firewall" : "firewall_uci"),
		    "%s: a router with its own %s has no fw4 firewall: give either "
		    "firewall/firewall_uci or ruleset/ruleset_json",
		    yu_get(n, "firewall") ? "firewall" : "firewall_uci",
		    rs_nft ? "ruleset" : "ruleset_json");
		return true;
	}
	if (rs_nft)
		load_ruleset_nft(l, rs_nft);
	else
		load_ruleset_json(l, rs_json);
	return true;
}

void scn_load_router_firewall(struct scn_loader *l, const struct yu_node *n)
{
	const struct yu_node *fw_inline, *fw_uci;

	if (load_own_ruleset(l, n))
		return;
	fw_inline = yu_get(n, "firewall");
	fw_uci = yu_get(n, "firewall_uci");
	l->firewall_node = fw_inline;
	if (fw_inline && fw_uci) {
		ERR(l, yu_get_key(n, "firewall_uci"), "firewall_uci: give either firewall or "
		    "firewall_uci, not both");
	} else if (fw_inline) {
		load_firewall(l, fw_inline);
		/* own zones must name defined networks; the shipped ones may not (wan6) */
		check_zone_networks(l, yu_get(fw_inline, "zones") ? ZC_STRICT : ZC_SHIPPED,
				    fw_inline);
	} else if (fw_uci) {
		if (load_firewall_uci(l, fw_uci))
			check_zone_networks(l, ZC_FILE, fw_uci);
	} else {
		check_zone_networks(l, ZC_SHIPPED, l->router_key ? l->router_key : n);
	}
}
