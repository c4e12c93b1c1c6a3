// SPDX-License-Identifier: MIT
/*
 * scenario.c - load a scenario YAML file into struct scenario and validate it completely.
 *
 * Loading goes section by section in dependency order (radios, ports, router, hosts and
 * stations, traffic, events, output); every section reports all of its errors and keeps
 * going with what it could read, so one run of `flowsim validate` lists every problem.  A
 * reference that cannot be resolved becomes -1 after its error and later checks skip it.
 *
 * Invariants of a scenario that loaded (no errors): names are unique within ports, radios,
 * hosts+stations and traffic; every index is valid; each port's lower/conduit/master/radio
 * has the kind its kind needs and the device graph has no cycle; MTUs, rates, times and
 * sizes are in range; every host has an address that the router can reach; every traffic
 * endpoint has an address of the traffic's family; events are sorted by time.
 *
 * This file holds the entry points and the top-level keys; each section has its own
 * file: scenario_radios.c, scenario_ports.c, scenario_router.c (with scenario_firewall.c),
 * scenario_hosts.c, scenario_traffic.c, scenario_events.c, scenario_output.c,
 * scenario_replay.c (the replay: section of `flowsim run --replay`), and
 * scenario_extra_nft.c for the last check.  Shared helpers are in scenario_common.c, the
 * loader's state in scenario_internal.h; scenario_netconf.c turns a loaded scenario into
 * the model's device table.
 */
#include "scenario_internal.h"

#include <string.h>

const char *const scn_traffic_type_names[] = {
	"tcp_bulk", "udp_cbr", "udp_flood", "p2p_swarm", "web", "game", "voip", NULL,
};
const char *const scn_event_type_names[] = {
	"roam", "link_down", "link_up", "firewall_reload", NULL,
};
const char *const scn_snapshot_names[] = {
	"conntrack", "ppe", "ppe_bind", "nft", "flowtable", NULL,
};

/* --------------------------------------------------------------------- top ---- */

static const char *const top_keys[] = {
	"name", "description", "seed", "duration", "router", "ports", "radios", "hosts",
	"stations", "traffic", "events", "output", "replay", NULL,
};

static void load_top(struct scn_loader *l)
{
	struct scenario *s = l->s;
	const struct yu_node *root = l->doc->root, *v;

	if (!root) {
		yu_error_at(l->d, l->doc->file, 0, 0, "empty file: expected a scenario mapping");
		return;
	}
	if (!yu_expect_map(l->d, root, "scenario"))
		return;
	yu_check_keys(l->d, root, "scenario", top_keys);
	v = yu_get(root, "name");
	if (v)
		yu_str(l->d, v, "name", s->name, sizeof(s->name));
	v = yu_get(root, "description");
	if (v)
		yu_strdup(l->d, v, "description", &s->description);
	s->seed = 1;
	v = yu_get(root, "seed");
	if (v)
		yu_u64(l->d, v, "seed", 0, UINT64_MAX, &s->seed);
	v = yu_require(l->d, root, "scenario", "duration");
	if (v && yu_duration(l->d, v, "duration", &s->duration_ns)) {
		if (!s->duration_ns)
			ERR(l, v, "duration: must be greater than zero");
		else if (s->duration_ns > 7ULL * 24 * 3600 * 1000000000ULL)
			ERR(l, v, "duration: %s is more than a week of simulated time", v->text);
	}
	v = yu_get(root, "radios");
	if (v)
		scn_load_radios(l, v);
	v = yu_require(l->d, root, "scenario", "ports");
	if (v)
		scn_load_ports(l, v);
	v = yu_require(l->d, root, "scenario", "router");
	l->router_key = yu_get_key(root, "router");
	if (v)
		scn_load_router(l, v);
	scn_load_hosts(l, yu_get(root, "hosts"), yu_get(root, "stations"));
	scn_check_addresses_unique(l);
	v = yu_get(root, "traffic");
	if (v)
		scn_load_traffic(l, v);
	v = yu_get(root, "events");
	if (v)
		scn_load_events(l, v);
	scn_load_output(l, yu_get(root, "output"));
	v = yu_get(root, "replay");
	if (v)
		scn_load_replay(l, v);
	v = yu_get(root, "router");
	if (v && v->kind == YU_MAP && yu_get(v, "extra_nft") && !l->d->errors)
		scn_check_extra_nft(l, yu_get(v, "extra_nft"));
}

struct scenario *scenario_load_string(const char *display, const char *dir, const char *text,
				      size_t len, const char *soc_dir, struct yu_diag *d)
{
	struct scn_loader l;
	struct scenario *s;
	uint32_t errors = d->errors;

	memset(&l, 0, sizeof(l));
	l.d = d;
	l.soc_dir = soc_dir;
	l.doc = yu_load_string(display, text, len, d);
	if (!l.doc)
		return NULL;
	s = g_new0(struct scenario, 1);
	s->file = g_strdup(display);
	s->dir = g_strdup(dir ? dir : ".");
	l.s = s;
	load_top(&l);
	g_free(l.port_nodes);
	yu_doc_free(l.doc);
	if (d->errors != errors) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

struct scenario *scenario_load(const char *path, const char *soc_dir, struct yu_diag *d)
{
	struct scenario *s;
	char *text, *dir;
	size_t len = 0;

	text = yu_read_text(path, path, "a scenario file", &len, d);
	if (!text)
		return NULL;
	dir = g_path_get_dirname(path);
	s = scenario_load_string(path, dir, text, len, soc_dir, d);
	g_free(dir);
	g_free(text);
	return s;
}

void scenario_free(struct scenario *s)
{
	uint32_t i;

	if (!s)
		return;
	g_free(s->file);
	g_free(s->dir);
	g_free(s->description);
	g_free(s->router.sysctls);
	g_free(s->router.firewall_uci);
	g_free(s->router.extra_nft);
	g_free(s->router.ruleset);
	g_free(s->router.ruleset_file);
	g_free(s->ports);
	g_free(s->radios);
	g_free(s->hosts);
	g_free(s->traffic);
	g_free(s->events);
	g_free(s->output.database);
	g_free(s->output.json);
	g_free(s->replay.maps);
	for (i = 0; i < s->output.n_snapshots; i++)
		g_free(s->output.snapshots[i].at_ns);
	g_free(s);
}
