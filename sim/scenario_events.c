// SPDX-License-Identifier: MIT
/*
 * scenario_events.c - the scenario's events: section: scripted roams, link changes and
 * firewall reloads at given times, each with the keys its type takes.
 *
 * Invariant after loading: events are sorted by time (ties keep the file's order) and none
 * is after the end of the run.
 */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------- events ---- */

static const char *const event_keys[] = {
	"at", "type", "station", "to", "band", "port", NULL,
};

static int cmp_event(const void *a, const void *b)
{
	const struct scn_event *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

void scn_load_events(struct scn_loader *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, k;

	if (!yu_expect_seq(l->d, seq, "events"))
		return;
	s->events = g_new0(struct scn_event, seq->n_items + 1);
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i], *v;
		struct scn_event *e = &s->events[s->n_events];
		int type = -1;

		if (!yu_expect_map(l->d, n, "events[]"))
			continue;
		yu_check_keys(l->d, n, "event", event_keys);
		e->line = n->line;
		e->col = n->col;
		e->host = e->port = -1;
		v = yu_require(l->d, n, "event", "at");
		if (v && yu_duration(l->d, v, "at", &e->at_ns) && s->duration_ns &&
		    e->at_ns > s->duration_ns)
			ERR(l, v, "at: %s is after the end of the run (duration)", v->text);
		v = yu_require(l->d, n, "event", "type");
		if (!v || !yu_enum(l->d, v, "type", scn_event_type_names, &type))
			continue;
		e->type = (uint8_t)type;
		for (k = 0; k < n->n_pairs; k++) {
			const char *key = n->pairs[k].key->text;
			bool ok = !strcmp(key, "at") || !strcmp(key, "type") ||
				  (type == SCN_EV_ROAM && (!strcmp(key, "station") ||
							   !strcmp(key, "to") ||
							   !strcmp(key, "band"))) ||
				  ((type == SCN_EV_LINK_DOWN || type == SCN_EV_LINK_UP) &&
				   !strcmp(key, "port"));

			if (!ok && scn_key_in(key, event_keys, 0))
				ERR(l, n->pairs[k].key, "key '%s' does not apply to a %s event", key,
				    scn_event_type_names[type]);
		}
		switch (type) {
		case SCN_EV_ROAM:
			v = yu_require(l->d, n, "roam", "station");
			if (v) {
				e->host = scn_find_host(l, v, "station");
				if (e->host >= 0 && !s->hosts[e->host].station) {
					ERR(l, v, "station: '%s' is a wired host, only stations roam",
					    v->text);
					e->host = -1;
				}
			}
			if (yu_get(n, "band") && yu_get(n, "to")) {
				ERR(l, yu_get_key(n, "band"), "roam: give either to or band, not both");
				break;
			}
			if (yu_get(n, "band")) {
				e->port = scn_wlan_port_of_band(l, yu_get(n, "band"), "band");
				break;
			}
			v = yu_require(l->d, n, "roam", "to");
			if (v) {
				e->port = scn_find_port(l, v, "to");
				if (e->port >= 0) {
					const struct scn_port *p = &s->ports[e->port];

					if (p->kind != FS_NETDEV_WLAN && p->kind != FS_NETDEV_ETHER &&
					    p->kind != FS_NETDEV_DSA) {
						ERR(l, v, "to: '%s' is a %s port; a station roams to a "
						    "wlan port or to an Ethernet port with an AP behind it",
						    p->name, scn_port_kind_name(p->kind));
						e->port = -1;
					} else if (p->role == SCN_ROLE_WAN) {
						ERR(l, v, "to: '%s' is a WAN port", p->name);
						e->port = -1;
					}
				}
			}
			break;
		case SCN_EV_LINK_DOWN:
		case SCN_EV_LINK_UP:
			v = yu_require(l->d, n, "event", "port");
			if (v)
				e->port = scn_find_port(l, v, "port");
			break;
		default:
			break;
		}
		s->n_events++;
	}
	qsort(s->events, s->n_events, sizeof(*s->events), cmp_event);
}
