/* SPDX-License-Identifier: MIT */
/*
 * uci_internal.h - shared between the two halves of the /etc/config/firewall reader.
 * Not an API.
 *
 *   uci_options.c   reading one option's value the way fw4.uc does (parse_bool,
 *                   parse_policy, parse_port, parse_family, parse_protocol, parse_limit,
 *                   ICMP type names, addresses), warnings and errors with file:line;
 *   uci_firewall.c  the sections: defaults, zones, rules, forwardings, redirects, in
 *                   fw4's order, into struct fw4_config.
 *
 * Error model: the first error is kept in *error and sets failed; every later reader
 * returns early or is skipped, so one bad value gives exactly one message.
 */
#ifndef FLOWSIM_UCI_INTERNAL_H
#define FLOWSIM_UCI_INTERNAL_H

#include "uci.h"

struct fwctx {
	const struct uci_file *f;
	struct fw4_config *c;
	GPtrArray *warnings;
	GError **error;
	gboolean failed;
	guint8 zone_disabled_names[FW4_MAX_ZONES * 4][FW4_NAME];
	guint num_disabled;
	gboolean set_in[FW4_MAX_ZONES], set_out[FW4_MAX_ZONES], set_fwd[FW4_MAX_ZONES];
};

/* index into { accept, reject, drop, ... } as enum fw4_policy */
static inline u8 uci_fw_policy_value(int i)
{
	return i == 0 ? FW4_ACCEPT : i == 1 ? FW4_REJECT : FW4_DROP;
}

/* "cfg" name or "@type[index]" for anonymous sections; g_free() it */
char *uci_fw_section_id(const struct uci_section *s);
/* "file:line: section ...: text" appended to the warnings */
void uci_fw_warn(struct fwctx *x, const struct uci_section *s, guint line, const char *fmt,
		 ...) G_GNUC_PRINTF(4, 5);
/* The first error wins; returns -1 so readers can `return uci_fw_fail(...)`. */
int uci_fw_fail(struct fwctx *x, const struct uci_section *s, guint line, int code,
		const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* The single value of an option (the last, for a list, with a warning). */
const char *uci_fw_opt1(struct fwctx *x, const struct uci_section *s, const char *name,
			guint *line);
/* Values of an option or list; options are split at blanks (fw4's to_array). */
GPtrArray *uci_fw_optlist(const struct uci_section *s, const char *name, guint *line);

/*
 * Typed readers: 1 = set, 0 = option absent (or section to be skipped, where said),
 * -1 = invalid value (error reported).
 */
int uci_fw_bool(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out);
/* fw4 parse_enum: the value is a case-insensitive prefix of one of the choices */
int uci_fw_enum_prefix(const char *v, const char *const *choices);
int uci_fw_policy(struct fwctx *x, const struct uci_section *s, const char *name, u8 *out);
/* "N[/unit]" (fw4 parse_limit); returns packets per second, rounded up */
int uci_fw_limit(struct fwctx *x, const struct uci_section *s, const char *name,
		 const char *v, guint line, u32 *rate);
int uci_fw_int(struct fwctx *x, const struct uci_section *s, const char *name, u32 *out);
/* port "N", "N-M" or "N:M" (fw4 parse_port); 0 ok, -1 invalid */
int uci_fw_port(const char *v, u16 *lo, u16 *hi);
int uci_fw_family(struct fwctx *x, const struct uci_section *s, u8 *family);
/* proto list (fw4 parse_protocol); 0 ok, 2 skip the section, -1 error */
int uci_fw_proto(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r,
		 u8 *family_force);
/* icmp_type list; 0 ok, -1 error */
int uci_fw_icmp_types(struct fwctx *x, const struct uci_section *s, struct fw4_rule *r);
/* first address or prefix of an option; *skip when the section cannot be modelled */
int uci_fw_addr(struct fwctx *x, const struct uci_section *s, const char *name,
		union fs_addr *a, u8 *plen, u8 *family, gboolean *skip);
/* Options fw4 understands: not in `used` but here are recognised, warned as unmodelled. */
void uci_fw_check_options(struct fwctx *x, const struct uci_section *s,
			  const char *const *used, const char *const *known,
			  const char *const *unsupported);
/* option `enabled` (warns when a section is disabled) */
gboolean uci_fw_section_enabled(struct fwctx *x, const struct uci_section *s);

#endif /* FLOWSIM_UCI_INTERNAL_H */
