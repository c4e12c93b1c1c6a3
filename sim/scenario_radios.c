// SPDX-License-Identifier: MIT
/*
 * scenario_radios.c - the scenario's radios: section (name, band, PHY rate, shared airtime),
 * and the lookup of a wlan port by Wi-Fi band that stations and roam events use.
 *
 * Radios load before ports, so a wlan port's radio: reference always has its target; the
 * band lookup runs after the ports, when their radios are resolved.
 */
#include "scenario_internal.h"

#include <string.h>

/* ------------------------------------------------------------------- radios ---- */

static const char *const radio_keys[] = { "name", "band", "phy_rate", "shared_airtime", NULL };

/* "2.4", "5", "6" (optionally with GHz) -> enum scn_band, or -1 after an error. */
static int parse_band(struct scn_loader *l, const struct yu_node *v, const char *what)
{
	if (!yu_expect_scalar(l->d, v, what))
		return -1;
	if (!strcmp(v->text, "2.4") || !g_ascii_strcasecmp(v->text, "2.4GHz"))
		return SCN_BAND_2G4;
	if (!strcmp(v->text, "5") || !g_ascii_strcasecmp(v->text, "5GHz"))
		return SCN_BAND_5G;
	if (!strcmp(v->text, "6") || !g_ascii_strcasecmp(v->text, "6GHz"))
		return SCN_BAND_6G;
	ERR(l, v, "%s: expected 2.4, 5 or 6 (GHz), got '%s'", what, v->text);
	return -1;
}

/* The first wlan port on a radio of that band, or -1 after an error. */
int scn_wlan_port_of_band(struct scn_loader *l, const struct yu_node *v, const char *what)
{
	int band = parse_band(l, v, what);
	uint32_t i;

	if (band < 0)
		return -1;
	for (i = 0; i < l->s->n_ports; i++) {
		const struct scn_port *p = &l->s->ports[i];

		if (p->kind == FS_NETDEV_WLAN && p->radio >= 0 && l->s->radios[p->radio].band == band)
			return (int)i;
	}
	ERR(l, v, "%s: no wlan port is on a %s GHz radio", what, v->text);
	return -1;
}

void scn_load_phy_rate(struct scn_loader *l, const struct yu_node *v, uint64_t *bps)
{
	if (yu_rate(l->d, v, "phy_rate", bps) && (*bps < 1000000ULL || *bps > 46000000000ULL))
		ERR(l, v, "phy_rate: %s is not a Wi-Fi PHY rate (1mbit..46gbit)", v->text);
}

void scn_load_radios(struct scn_loader *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "radios"))
		return;
	s->radios = g_new0(struct scn_radio, seq->n_items);
	for (i = 0; i < seq->n_items; i++) {
		const struct yu_node *n = seq->items[i];
		struct scn_radio *r = &s->radios[s->n_radios];
		const struct yu_node *v;

		if (!yu_expect_map(l->d, n, "radios[]"))
			continue;
		yu_check_keys(l->d, n, "radio", radio_keys);
		r->line = n->line;
		r->col = n->col;
		v = yu_require(l->d, n, "radio", "name");
		if (!v || !scn_get_name(l, v, "name", r->name, sizeof(r->name)))
			continue;
		for (j = 0; j < s->n_radios; j++)
			if (!strcmp(s->radios[j].name, r->name))
				ERR(l, v, "name: radio '%s' is defined twice (first at line %u)",
				    r->name, s->radios[j].line);
		v = yu_require(l->d, n, "radio", "band");
		if (v) {
			int band = parse_band(l, v, "band");

			if (band >= 0)
				r->band = (uint8_t)band;
		}
		v = yu_require(l->d, n, "radio", "phy_rate");
		if (v)
			scn_load_phy_rate(l, v, &r->phy_rate_bps);
		r->shared_airtime = true;
		v = yu_get(n, "shared_airtime");
		if (v)
			yu_bool(l->d, v, "shared_airtime", &r->shared_airtime);
		s->n_radios++;
	}
}
