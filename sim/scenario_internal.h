/* SPDX-License-Identifier: MIT */
/*
 * scenario_internal.h - what the files of the scenario loader (sim/scenario*.c) share and
 * nothing else may use: the loader's state, the ERR() shorthand, the helpers of
 * scenario_common.c and the section loaders that scenario.c calls in dependency order.
 *
 * Every function reports its problems into l->d and carries on; one that resolves a
 * reference returns -1 (or false) after its error, and later checks skip such values.
 */
#ifndef FLOWSIM_SCENARIO_INTERNAL_H
#define FLOWSIM_SCENARIO_INTERNAL_H

#include "scenario.h"

struct scn_loader {
	struct yu_diag *d;
	struct scenario *s;
	struct yu_doc *doc;
	const char *soc_dir;
	const struct yu_node **port_nodes;
	const struct yu_node *firewall_node;
	const struct yu_node *router_key;    /* the "router" key: place of router-wide notes */
};

#define ERR(l, n, ...) yu_error((l)->d, (n), __VA_ARGS__)

/* ------------------------------------------------------- scenario_common.c ---- */

/* A valid name (letters, digits, '_', '-', '.') of at most size-1 bytes, into buf. */
bool scn_get_name(struct scn_loader *l, const struct yu_node *n, const char *what, char *buf,
		  size_t size);
/* The index of the port / host / radio n names, or -1 after an error. */
int scn_find_port(struct scn_loader *l, const struct yu_node *n, const char *what);
int scn_find_host(struct scn_loader *l, const struct yu_node *n, const char *what);
int scn_find_radio(struct scn_loader *l, const struct yu_node *n, const char *what);
/* A value or a list of values: the items of a list, or NULL meaning "n itself" (count 1). */
const struct yu_node *const *scn_one_or_list(const struct yu_node *n, uint32_t *count);
const struct yu_node *scn_list_item(const struct yu_node *n, const struct yu_node *const *v,
				    uint32_t i);
/* "192.168.1.1/24" or "fd00::1/64"; without need_plen a bare address is a host prefix. */
bool scn_parse_prefix(struct scn_loader *l, const struct yu_node *n, const char *what,
		      struct scn_prefix *out, bool need_plen);
/* An address of family (0: either), no prefix length. */
bool scn_parse_addr(struct scn_loader *l, const struct yu_node *n, const char *what,
		    int family, union fs_addr *out);
char *scn_addr_text(uint8_t family, const union fs_addr *a);   /* g_free */
/* Paths are relative to the scenario file's directory.  g_free. */
char *scn_resolve_path(struct scn_loader *l, const char *p);
/* Is key one of list: its first n entries, or up to its NULL when n is 0? */
bool scn_key_in(const char *key, const char *const *list, size_t n);

/* ------------------------------------------------- radios, ports (devices) ---- */

void scn_load_radios(struct scn_loader *l, const struct yu_node *seq);
/* phy_rate: of a radio or a station: a rate in 1mbit..46gbit (an error if not). */
void scn_load_phy_rate(struct scn_loader *l, const struct yu_node *v, uint64_t *bps);
/* The first wlan port on a radio of the band v names, or -1 after an error. */
int scn_wlan_port_of_band(struct scn_loader *l, const struct yu_node *v, const char *what);
void scn_load_ports(struct scn_loader *l, const struct yu_node *seq);
const char *scn_port_kind_name(uint8_t kind);   /* "ether", "dsa", ... */
/* Is a inside one of the port's own address prefixes? */

/* ------------------------------------------------------- router, firewall ---- */

void scn_load_router(struct scn_loader *l, const struct yu_node *n);
/* The firewall keys of the router mapping n (after the networks are known). */
void scn_load_router_firewall(struct scn_loader *l, const struct yu_node *n);

/* ------------------------------------------------ hosts, traffic, events ---- */

void scn_load_hosts(struct scn_loader *l, const struct yu_node *hosts,
		    const struct yu_node *stas);
void scn_check_addresses_unique(struct scn_loader *l);
void scn_load_traffic(struct scn_loader *l, const struct yu_node *seq);
void scn_load_events(struct scn_loader *l, const struct yu_node *seq);
void scn_load_output(struct scn_loader *l, const struct yu_node *n);
/* replay: (scenario_replay.c), after ports. */
void scn_load_replay(struct scn_loader *l, const struct yu_node *n);
/* router.extra_nft against fw4's ruleset; only on a scenario without errors. */
void scn_check_extra_nft(struct scn_loader *l, const struct yu_node *at);

#endif /* FLOWSIM_SCENARIO_INTERNAL_H */
