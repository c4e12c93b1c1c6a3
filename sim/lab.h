/* SPDX-License-Identifier: MIT */
/*
 * lab.h - a two-port router for experiments, as in the kernel selftest's nsr1:
 *   lan: 10.0.1.1/24, dead:1::1/64 - client 10.0.1.99 / dead:1::99
 *   wan: 10.0.2.1/24, dead:2::1/64 - server 10.0.2.99 / dead:2::99
 * Device names are configurable (tests use veth0/veth1).  Every core event is recorded in
 * order, and the conntrack -E lines they make are collected as text.
 */
#ifndef FLOWSIM_LAB_H
#define FLOWSIM_LAB_H

#include <glib.h>

#include "router.h"
#include "ct_listing.h"

struct ppe;
struct ppe_config;

struct lab {
	struct router *r;
	struct ppe *ppe;          /* hardware offload engine when a SoC was given */
	GArray *events;           /* struct fs_event (ct pointer not valid afterwards) */
	GString *ct_events;       /* conntrack -E -o extended lines as they happened */
	u16 lan, wan;
};

/*
 * cfg NULL: router_config_default().  soc (e.g. "mt7621") puts the ports on the SoC's
 * GMACs (lan GMAC0, wan GMAC1) with that SoC's PPE in front of the CPU; NULL: plain NICs.
 * Returns FALSE with *error set if the SoC is unknown or the ruleset fails.
 */
gboolean lab_init(struct lab *lab, const struct router_config *cfg, const char *soc,
		  const char *lan_name, const char *wan_name, const char *ruleset,
		  GError **error);
void lab_free(struct lab *lab);
/* Put the ports on GMAC0/1 and attach a PPE built from pc (before the ruleset). */
void lab_attach_ppe(struct lab *lab, const struct ppe_config *pc);
gboolean lab_nft(struct lab *lab, const char *text, u64 now, GError **error);
struct router_result lab_send(struct lab *lab, struct fs_packet *pkt, u64 now);
guint lab_count(const struct lab *lab, enum fs_event_type type, u64 *last_time);
/* /proc/net/nf_conntrack line of the connection with this original tuple ("" if none). */
char *lab_proc_line(struct lab *lab, const struct fs_tuple *orig, u64 now);

#define LAB_ERROR lab_error_quark()
GQuark lab_error_quark(void);

#endif
