// SPDX-License-Identifier: MIT
/*
 * uci_firewall.c - a parsed /etc/config/firewall onto struct fw4_config, section by
 * section as firewall4's fw4.uc reads it (parse_defaults, parse_zone, parse_rule,
 * parse_forwarding, parse_redirect) and in fw4's order (defaults, zones, rules,
 * forwardings, redirects) whatever the file order is.  Defaults: rule proto "tcpudp",
 * zone policies inherited from `config defaults`, redirect target "dnat".
 *
 * Invariants: a section is added to the config only after all its options were read
 * without error or skip; disabled zones are remembered so references to them are
 * warnings, not errors; the first error stops the whole mapping.
 */
#include "uci_internal.h"

#include <string.h>

#include "tuple.h"

/* --- defaults --- */

static void do_defaults(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"input", "output", "forward", "drop_invalid", "syn_flood", "synflood_protect",
		"synflood_rate", "synflood_burst", "flow_offloading", "flow_offloading_hw",
		"auto_helper", NULL,
	};
	static const char *const known[] = {
		"drop_invalid_early", "tcp_reject_code", "any_reject_code", "tcp_syncookies",
		"tcp_ecn", "tcp_window_scaling", "accept_redirects", "accept_source_route",
		"flow_offloading_related", "auto_includes", NULL,
	};
	static const char *const unsupported[] = { "custom_chains", "disable_ipv6", NULL };
	struct fw4_defaults *d = &x->c->defaults;
	u8 syn_flood = 0, protect = 0;
	int has_sf, has_p;
	guint line;
	const char *rate;

	uci_fw_policy(x, s, "input", &d->input);
	uci_fw_policy(x, s, "output", &d->output);
	uci_fw_policy(x, s, "forward", &d->forward);
	uci_fw_bool(x, s, "drop_invalid", &d->drop_invalid);
	has_sf = uci_fw_bool(x, s, "syn_flood", &syn_flood);
	has_p = uci_fw_bool(x, s, "synflood_protect", &protect);
	/* fw4: synflood_protect wins; syn_flood is the fw3 alias */
	if (has_p > 0)
		d->syn_flood = protect;
	else if (has_sf > 0)
		d->syn_flood = syn_flood;
	rate = uci_fw_opt1(x, s, "synflood_rate", &line);
	if (rate)
		uci_fw_limit(x, s, "synflood_rate", rate, line, &d->synflood_rate);
	uci_fw_int(x, s, "synflood_burst", &d->synflood_burst);
	uci_fw_bool(x, s, "flow_offloading", &d->flow_offloading);
	uci_fw_bool(x, s, "flow_offloading_hw", &d->flow_offloading_hw);
	uci_fw_bool(x, s, "auto_helper", &d->auto_helper);
	if (!x->failed)
		uci_fw_check_options(x, s, used, known, unsupported);
}

/* --- zones --- */

static gboolean valid_identifier(const char *v)
{
	/* fw4 parse_identifier: ^[a-zA-Z_.][a-zA-Z0-9/_.-]*$ */
	if (!g_ascii_isalpha(*v) && *v != '_' && *v != '.')
		return FALSE;
	for (v++; *v; v++)
		if (!g_ascii_isalnum(*v) && !strchr("/_.-", *v))
			return FALSE;
	return TRUE;
}

static void do_zone(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "network", "input", "output", "forward", "masq", "masq6", "mtu_fix",
		"masq_allow_invalid", "auto_helper", "enabled", NULL,
	};
	static const char *const known[] = {
		"family", "device", "subnet", "masq_src", "masq_dest", "log", "log_limit",
		"helper", "counter", NULL,
	};
	static const char *const unsupported[] = {
		"extra", "extra_src", "extra_dest", "custom_chains", NULL,
	};
	struct fw4_zone *z;
	const char *name;
	guint line, i, zi;
	GPtrArray *nets;
	u8 ah = 1;

	name = uci_fw_opt1(x, s, "name", &line);
	if (!name) {
		uci_fw_fail(x, s, s->line, UCI_ERROR_VALUE,
			    "option 'name' is mandatory but not set");
		return;
	}
	if (!valid_identifier(name) || strlen(name) >= FW4_NAME) {
		uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'name' has invalid value '%s': "
			    "expected an identifier of at most %d characters", name, FW4_NAME - 1);
		return;
	}
	if (!uci_fw_section_enabled(x, s)) {
		if (x->num_disabled < G_N_ELEMENTS(x->zone_disabled_names))
			g_strlcpy((char *)x->zone_disabled_names[x->num_disabled++], name,
				  FW4_NAME);
		return;
	}
	for (i = 0; i < x->c->num_zones; i++) {
		if (!strcmp(x->c->zone[i].name, name)) {
			uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "zone '%s' is defined twice",
				    name);
			return;
		}
	}
	if (x->c->num_zones >= FW4_MAX_ZONES) {
		uci_fw_fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d zones", FW4_MAX_ZONES);
		return;
	}
	zi = x->c->num_zones++;
	z = &x->c->zone[zi];
	memset(z, 0, sizeof(*z));
	g_strlcpy(z->name, name, sizeof(z->name));
	z->auto_helper = 0xff;
	nets = uci_fw_optlist(s, "network", &line);
	for (i = 0; i < nets->len && !x->failed; i++) {
		const char *n = g_ptr_array_index(nets, i);

		if (n[0] == '!') {
			uci_fw_warn(x, s, line, "negated network '%s' is not modelled (ignored)",
				    n);
			continue;
		}
		if (!valid_identifier(n) || strlen(n) >= FW4_NAME) {
			uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'network' has invalid "
				    "value '%s': expected network names", n);
			break;
		}
		if (z->num_network >= FW4_MAX_NETS) {
			uci_fw_fail(x, s, line, UCI_ERROR_LIMIT,
				    "more than %d networks in one zone", FW4_MAX_NETS);
			break;
		}
		g_strlcpy(z->network[z->num_network++], n, FW4_NAME);
	}
	g_ptr_array_unref(nets);
	x->set_in[zi] = uci_fw_policy(x, s, "input", &z->input) > 0;
	x->set_out[zi] = uci_fw_policy(x, s, "output", &z->output) > 0;
	x->set_fwd[zi] = uci_fw_policy(x, s, "forward", &z->forward) > 0;
	uci_fw_bool(x, s, "masq", &z->masq);
	uci_fw_bool(x, s, "masq6", &z->masq6);
	uci_fw_bool(x, s, "mtu_fix", &z->mtu_fix);
	uci_fw_bool(x, s, "masq_allow_invalid", &z->masq_allow_invalid);
	if (uci_fw_bool(x, s, "auto_helper", &ah) > 0)
		z->auto_helper = ah;
	if (!x->failed)
		uci_fw_check_options(x, s, used, known, unsupported);
}

/* zone reference: "" (absent), "*" or an enabled zone; 1 ok, 0 skip, -1 error */
static int zone_ref(struct fwctx *x, const struct uci_section *s, const char *opt, char *out,
		    gboolean required)
{
	guint line, i;
	const char *v = uci_fw_opt1(x, s, opt, &line);

	out[0] = '\0';
	if (!v) {
		if (required)
			return uci_fw_fail(x, s, s->line, UCI_ERROR_VALUE, "option '%s' is "
					   "mandatory but not set", opt);
		return 1;
	}
	if (!strcmp(v, "*")) {
		strcpy(out, "*");
		return 1;
	}
	for (i = 0; i < x->c->num_zones; i++) {
		if (!strcmp(x->c->zone[i].name, v)) {
			g_strlcpy(out, v, FW4_NAME);
			return 1;
		}
	}
	for (i = 0; i < x->num_disabled; i++) {
		if (!strcmp((const char *)x->zone_disabled_names[i], v)) {
			uci_fw_warn(x, s, line, "refers to disabled zone '%s'; section skipped", v);
			return 0;
		}
	}
	return uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option '%s' refers to unknown zone '%s'",
			   opt, v);
}

static void do_forwarding(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = { "src", "dest", "enabled", "name", NULL };
	static const char *const known[] = { "family", NULL };
	struct fw4_forwarding f;
	int a, b;

	memset(&f, 0, sizeof(f));
	if (!uci_fw_section_enabled(x, s))
		return;
	a = zone_ref(x, s, "src", f.src, TRUE);
	b = a > 0 ? zone_ref(x, s, "dest", f.dest, TRUE) : a;
	if (a <= 0 || b <= 0)
		return;
	if (!strcmp(f.dest, "*")) {
		uci_fw_warn(x, s, s->line, "forwarding to any zone is not modelled (ignored)");
		return;
	}
	if (x->c->num_fwd >= FW4_MAX_FWD) {
		uci_fw_fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d forwardings",
			    FW4_MAX_FWD);
		return;
	}
	x->c->fwd[x->c->num_fwd++] = f;
	uci_fw_check_options(x, s, used, known, NULL);
}

static struct fw4_rule *new_rule(struct fwctx *x, const struct uci_section *s)
{
	struct fw4_rule *r;

	if (x->c->num_rules >= FW4_MAX_RULES) {
		uci_fw_fail(x, s, s->line, UCI_ERROR_LIMIT, "more than %d rules and redirects",
			    FW4_MAX_RULES);
		return NULL;
	}
	r = &x->c->rule[x->c->num_rules];
	memset(r, 0, sizeof(*r));
	return r;
}

static void rule_name(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r)
{
	guint line;
	const char *v = uci_fw_opt1(x, s, "name", &line);
	char *id = uci_fw_section_id(s);

	g_strlcpy(r->name, v ? v : id, sizeof(r->name));
	g_free(id);
}

/* src_ip/dest_ip of a rule: the address sets the family of a family-less rule; 0: stop */
static int rule_addr(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r,
		     const char *name, union fs_addr *a, u8 *plen)
{
	gboolean skip = FALSE;
	u8 afam = 0;

	if (uci_fw_addr(x, s, name, a, plen, &afam, &skip) < 0 || skip)
		return 0;
	if (*plen && r->family && afam != r->family) {
		uci_fw_warn(x, s, s->line, "%s does not match the rule family; section skipped",
			    name);
		return 0;
	}
	if (*plen)
		r->family = afam;
	return 1;
}

static void do_rule(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "src", "dest", "family", "proto", "dest_port", "src_ip", "dest_ip",
		"icmp_type", "limit", "limit_burst", "target", "enabled", NULL,
	};
	static const char *const known[] = {
		"device", "direction", "ipset", "helper", "set_helper", "src_mac", "src_port",
		"utc_time", "start_date", "stop_date", "start_time", "stop_time", "weekdays",
		"mark", "set_mark", "set_xmark", "dscp", "set_dscp", "counter", "log", "log_limit",
		"_name", NULL,
	};
	static const char *const unsupported[] = { "monthdays", "extra", NULL };
	static const char *const targets[] = {
		"accept", "reject", "drop", "notrack", "helper", "mark", "dscp", "dnat", "snat",
		"masquerade", NULL,
	};
	struct fw4_rule *r;
	guint line;
	const char *v;
	gboolean skip = FALSE;
	u8 fam_force = 0;
	int t, rc;

	if (!uci_fw_section_enabled(x, s) || !(r = new_rule(x, s)))
		return;
	rule_name(x, s, r);
	if (zone_ref(x, s, "src", r->src, FALSE) <= 0 || zone_ref(x, s, "dest", r->dest, FALSE) <= 0)
		return;
	if (uci_fw_family(x, s, &r->family) < 0)
		return;
	rc = uci_fw_proto(x, s, r, &fam_force);
	if (rc)
		return;
	if (fam_force) {
		if (r->family == FS_AF_INET) {
			uci_fw_warn(x, s, s->line,
				    "proto icmpv6 in an IPv4-only rule; section skipped");
			return;
		}
		r->family = fam_force;
	}
	v = uci_fw_opt1(x, s, "target", &line);
	if (!v) {
		uci_fw_warn(x, s, s->line, "has no target; section skipped");
		return;
	}
	t = uci_fw_enum_prefix(v, targets);
	if (t < 0) {
		uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'target' has invalid value '%s': "
			    "expected ACCEPT, REJECT, DROP, NOTRACK, HELPER, MARK, DSCP, DNAT, "
			    "SNAT or MASQUERADE", v);
		return;
	}
	if (t > 2) {
		uci_fw_warn(x, s, line, "target '%s' is not modelled; section skipped", targets[t]);
		return;
	}
	r->target = uci_fw_policy_value(t);
	{
		GPtrArray *ports = uci_fw_optlist(s, "dest_port", &line);

		if (ports->len) {
			const char *p = g_ptr_array_index(ports, 0);

			if (p[0] == '!') {
				uci_fw_warn(x, s, line,
					    "negated port '%s' is not modelled; section skipped",
					    p);
				skip = TRUE;
			} else if (uci_fw_port(p, &r->dest_port, &r->dest_port_end)) {
				uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'dest_port' has "
					    "invalid value '%s': expected a port 0-65535 or a "
					    "range N-M", p);
			} else if (ports->len > 1) {
				uci_fw_warn(x, s, line, "option 'dest_port': only the first of %u "
					    "ports is modelled", ports->len);
			}
		}
		g_ptr_array_unref(ports);
	}
	if (x->failed || skip)
		return;
	if (!rule_addr(x, s, r, "src_ip", &r->src_ip, &r->src_plen) ||
	    !rule_addr(x, s, r, "dest_ip", &r->dest_ip, &r->dest_plen))
		return;
	if (uci_fw_icmp_types(x, s, r))
		return;
	v = uci_fw_opt1(x, s, "limit", &line);
	if (v && uci_fw_limit(x, s, "limit", v, line, &r->limit) < 0)
		return;
	if (uci_fw_int(x, s, "limit_burst", &r->limit_burst) < 0)
		return;
	uci_fw_check_options(x, s, used, known, unsupported);
	x->c->num_rules++;
}

static void do_redirect(struct fwctx *x, const struct uci_section *s)
{
	static const char *const used[] = {
		"name", "src", "dest", "src_dport", "dest_ip", "dest_port", "proto", "family",
		"target", "enabled", NULL,
	};
	static const char *const known[] = {
		"src_ip", "src_mac", "src_port", "src_dip", "ipset", "helper", "mark", "reflection",
		"reflection_src", "reflection_zone", "counter", "log", "limit", "limit_burst",
		"start_date", "stop_date", "start_time", "stop_time", "weekdays", "monthdays",
		"utc_time", "device", NULL,
	};
	static const char *const targets[] = { "dnat", "snat", NULL };
	struct fw4_rule *r;
	guint line;
	const char *v;
	u16 hi;
	u8 fam_force = 0, plen, afam;
	gboolean skip = FALSE;

	if (!uci_fw_section_enabled(x, s) || !(r = new_rule(x, s)))
		return;
	rule_name(x, s, r);
	r->is_redirect = 1;
	v = uci_fw_opt1(x, s, "target", &line);
	if (v) {
		int t = uci_fw_enum_prefix(v, targets);

		if (t < 0) {
			uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'target' has invalid "
				    "value '%s': expected DNAT or SNAT", v);
			return;
		}
		if (t == 1) {
			uci_fw_warn(x, s, line, "SNAT redirects are not modelled; section skipped");
			return;
		}
	}
	if (zone_ref(x, s, "src", r->src, TRUE) <= 0 || zone_ref(x, s, "dest", r->dest, FALSE) <= 0)
		return;
	if (!strcmp(r->src, "*")) {
		uci_fw_warn(x, s, s->line, "DNAT from any zone is not modelled; section skipped");
		return;
	}
	if (uci_fw_family(x, s, &r->family) < 0 || uci_fw_proto(x, s, r, &fam_force))
		return;
	if (!(r->proto_mask & (FW4_PROTO_TCP | FW4_PROTO_UDP)) && r->proto_mask) {
		uci_fw_warn(x, s, s->line, "redirects of protocols other than tcp/udp are not "
			    "modelled; section skipped");
		return;
	}
	v = uci_fw_opt1(x, s, "src_dport", &line);
	if (v && uci_fw_port(v, &r->src_dport, &hi)) {
		uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'src_dport' has invalid value "
			    "'%s': expected a port 0-65535", v);
		return;
	}
	if (v && hi != r->src_dport)
		uci_fw_warn(x, s, line, "port range '%s': only the first port is modelled", v);
	v = uci_fw_opt1(x, s, "dest_port", &line);
	if (v && uci_fw_port(v, &r->redirect_port, &hi)) {
		uci_fw_fail(x, s, line, UCI_ERROR_VALUE, "option 'dest_port' has invalid value "
			    "'%s': expected a port 0-65535", v);
		return;
	}
	if (uci_fw_addr(x, s, "dest_ip", &r->dest_ip, &plen, &afam, &skip) < 0 || skip)
		return;
	if (!fs_addr_is_zero(&r->dest_ip))
		r->family = afam;
	uci_fw_check_options(x, s, used, known, NULL);
	x->c->num_rules++;
}

int uci_firewall_config(const struct uci_file *f, struct fw4_config *out,
			GPtrArray *warnings, GError **error)
{
	static const char *const ignored[] = { "include", "ipset", "nat", "helper", NULL };
	struct fwctx *x = g_new0(struct fwctx, 1);
	gboolean have_defaults = FALSE;
	guint pass, i, k;
	int rc;

	x->f = f;
	x->c = out;
	x->warnings = warnings;
	x->error = error;
	fw4_config_defaults(out);
	/* fw4 load(): defaults, zones, rules, forwardings, redirects */
	for (pass = 0; pass < 5 && !x->failed; pass++) {
		for (i = 0; i < f->sections->len && !x->failed; i++) {
			const struct uci_section *s = g_ptr_array_index(f->sections, i);

			switch (pass) {
			case 0:
				if (strcmp(s->type, "defaults"))
					break;
				if (have_defaults) {
					uci_fw_warn(x, s, s->line,
						    "ignoring duplicate defaults section");
					break;
				}
				have_defaults = TRUE;
				do_defaults(x, s);
				break;
			case 1:
				if (!strcmp(s->type, "zone"))
					do_zone(x, s);
				break;
			case 2:
				if (!strcmp(s->type, "rule"))
					do_rule(x, s);
				break;
			case 3:
				if (!strcmp(s->type, "forwarding"))
					do_forwarding(x, s);
				break;
			default:
				if (!strcmp(s->type, "redirect"))
					do_redirect(x, s);
				else if (strcmp(s->type, "defaults") && strcmp(s->type, "zone") &&
					 strcmp(s->type, "rule") && strcmp(s->type, "forwarding")) {
					gboolean known = FALSE;

					for (k = 0; ignored[k]; k++)
						known |= !strcmp(ignored[k], s->type);
					uci_fw_warn(x, s, s->line, known ?
						    "'%s' sections are not modelled (ignored)" :
						    "unknown section type '%s' (ignored)", s->type);
				}
				break;
			}
		}
		if (pass == 1) {
			/* zone policies default to the defaults section's (fw4 parse_zone) */
			for (i = 0; i < out->num_zones; i++) {
				if (!x->set_in[i])
					out->zone[i].input = out->defaults.input;
				if (!x->set_out[i])
					out->zone[i].output = out->defaults.output;
				if (!x->set_fwd[i])
					out->zone[i].forward = out->defaults.forward;
			}
		}
	}
	rc = x->failed ? -1 : 0;
	g_free(x);
	return rc;
}

int uci_firewall_load(const char *path, struct fw4_config *out, GPtrArray *warnings,
		      GError **error)
{
	struct uci_file *f = uci_load(path, error);
	int rc;

	if (!f)
		return -1;
	rc = uci_firewall_config(f, out, warnings, error);
	uci_file_free(f);
	return rc;
}
