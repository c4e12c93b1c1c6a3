/* SPDX-License-Identifier: MIT */
/*
 * fw4_internal.h - shared between the files of the fw4 ruleset generator.  Not an API.
 *
 *   fw4.c          fw4_render(): the table header and the base chains (input, forward,
 *                  output, prerouting, handle_reject, syn_flood, raw and mangle);
 *   fw4_config.c   fw4.uc's defaults and OpenWrt's shipped /etc/config/firewall;
 *   fw4_devices.c  fw4_resolve_offload(): the flowtable's devices and the hw/sw decision;
 *   fw4_zones.c    zone analysis, the per-zone chains, forwardings, ct helpers and NAT;
 *   fw4_rules.c    `config rule` and `config redirect` sections as nft rules.
 *
 * The text writer (struct w) never fails half-way: it keeps counting what did not fit,
 * sets overflow, and fw4_render() turns that into -1 at the end.  The string helpers
 * below stand in for libc, which model/ may not use.
 */
#ifndef FS_FW4_INTERNAL_H
#define FS_FW4_INTERNAL_H

#include "fw4.h"

#define Z_MAX_DEV FW4_MAX_NETS

/* zone flags: which verdict chains exist (fw4's zone.sflags / zone.dflags) */
#define ZF_ACCEPT 0x1
#define ZF_REJECT 0x2
#define ZF_DROP 0x4

struct zinfo {
	char dev[Z_MAX_DEV][FS_IFNAMSIZ];   /* match devices (l3 devices) */
	u32 ndev;
	u8 sflags;
	u8 dflags;
	bool helper;
	bool dnat;
	bool snat;
};

struct w {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

struct fw4_ctx {
	const struct fw4_config *c;
	const struct fw4_network *nets;
	u32 num_nets;
	struct zinfo z[FW4_MAX_ZONES];
	struct fw4_offload off;
	struct w w;
};

/* ---------------------------------------------------------------- small helpers */

static inline bool seq(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return a[i] == b[i];
}

static inline int scmp(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return (int)(u8)a[i] - (int)(u8)b[i];
}

static inline void scopy(char *d, const char *s, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i]; i++)
		d[i] = s[i];
	if (size)
		d[i] = '\0';
}

static inline void put(struct w *w, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (w->len + 1 < w->size)
			w->buf[w->len] = s[i];
		else
			w->overflow = true;
		w->len++;
	}
}

static inline void putu(struct w *w, u32 v)
{
	char tmp[16];

	fs_snprintf(tmp, sizeof(tmp), "%u", v);
	put(w, tmp);
}

/* fw4.quote(s, true): wrapped in '"' quote marks, embedded '"' become '\'' */
static inline void putq(struct w *w, const char *s)
{
	char c[2] = { 0, 0 };
	size_t i;

	put(w, "\"");
	for (i = 0; s[i]; i++) {
		c[0] = s[i] == '"' ? '\'' : s[i];
		put(w, c);
	}
	put(w, "\"");
}

static inline const char *policy_name(u8 p)
{
	return p == FW4_ACCEPT ? "accept" : p == FW4_REJECT ? "reject" : "drop";
}

static inline u8 policy_flag(u8 p)
{
	return p == FW4_ACCEPT ? ZF_ACCEPT : p == FW4_REJECT ? ZF_REJECT : ZF_DROP;
}

/* ---- fw4.c: chain text shared by the base and the zone chains ---- */
/* "iifname "x"" or "iifname { "a", "b" }" */
void fw4_put_devmatch(struct w *w, const char *what, const struct zinfo *zi);
/* "\tchain NAME {" and, for a base chain (type != NULL), its hook line */
void fw4_chain_open(struct w *w, const char *name, const char *type, const char *hook,
		    const char *prio, const char *policy);
void fw4_chain_close(struct w *w);
/* `<match> <zone devices> jump <chain>_<zone> comment "!fw4: Handle <zone> IPv4/IPv6 <what>"` */
void fw4_put_zone_jump(struct fw4_ctx *x, u32 zi, const char *match, const char *chain,
		       const char *what);

/* ---- fw4_devices.c ---- */
/* Append dev to list unless it is empty, already there, or the list is full. */
void fw4_add_unique(char (*list)[FS_IFNAMSIZ], u32 *n, u32 max, const char *dev);

/* ---- fw4_zones.c ---- */
int fw4_find_zone(const struct fw4_config *c, const char *name);
/* fills x->z[]: match devices, verdict chains needed, helper/DNAT/SNAT use per zone */
void fw4_analyse(struct fw4_ctx *x);
/* "jump accept_to_<dest>" for every forwarding whose src is src ("*" or a zone name) */
void fw4_put_forwardings(struct w *w, const struct fw4_config *c, const char *src,
			 const char *label);
/* the `ct helper` objects of the table (one per helper fw4 ships) */
void fw4_put_ct_helpers(struct w *w);
void fw4_put_zone_chains(struct fw4_ctx *x, u32 zi);
void fw4_put_nat_chains(struct fw4_ctx *x);

/* ---- fw4_rules.c ---- */
/* every `config rule` that belongs in chain (fw4.uc parse_rule decides the chain) */
void fw4_put_rules_for(struct w *w, const struct fw4_config *c, const char *chain);
/* the DNAT rules of `config redirect` sections whose src is zone */
void fw4_put_redirects(struct w *w, const struct fw4_config *c, const char *zone);

#endif /* FS_FW4_INTERNAL_H */
