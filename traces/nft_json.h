/* SPDX-License-Identifier: MIT */
/*
 * nft_json.h - reader for `nft -j list ruleset` (libnftables-json(5), schema version 1, as
 * nftables 1.0.x prints it), via json-glib.
 *
 * The dump is translated into nft text (the syntax of `nft -f`) that the core's own parser
 * (model/nft_*.c, ruleset_apply()) then loads: one evaluator for both forms, and the text
 * is readable and loggable.  The translation is checked by applying it to an empty core
 * ruleset, so a successful parse always yields text that ruleset_apply() accepts.
 *
 * What is translated: tables (ip, ip6, inet, netdev, ...), base and regular chains, rules,
 * named counters, ct helpers, flowtables; in rules the matches on meta (l4proto, nfproto,
 * protocol, mark, iif, oif, iifname, oifname), payload (ip protocol/saddr/daddr/dscp, ip6
 * saddr/daddr/nexthdr/dscp, tcp/udp/th sport/dport, tcp flags, icmp/icmpv6 type) and ct
 * (state, status, mark, direction) keys with ==, !=, <, >, <=, >=, `in` and bitmask `&`,
 * values as names, numbers, prefixes, ranges, anonymous sets and references to named sets
 * (inlined: the model has no named sets, so a set's elements at dump time are used),
 * statements counter (anonymous, named, `counter name KEY map`), mangle (meta mark, ct mark,
 * ip/ip6 dscp, tcp option maxseg size), vmap, verdicts, flow add, snat, dnat, masquerade,
 * redirect, reject, log, limit (packet rates), ct helper; and the plain-text statements old
 * nftables printed for statements without a JSON form ("flow add @ft").
 *
 * Flowtable flags: nftables 1.0.6's JSON (flowtable_print_json) has no member for a
 * flowtable's flags (`offload`, `counter`) - its `nft -j` loses whether a flowtable offloads
 * to hardware.  A "flags" member (string or array, as newer nftables prints it) is honoured;
 * without one, NFT_JSON_FT_HW_OFFLOAD adds `flags offload` to every flowtable, for callers
 * that know the router offloads to hardware (firewall option flow_offloading_hw).  struct nft_json_flowtable.flags_known tells which.
 *
 * Errors name the input, the JSON path of the offending value ("nftables[12].rule.expr[3]")
 * and what was expected, with the line:column where json-glib finished that value.
 * Strict mode: the first problem fails the parse.  Tolerant mode: a rule that cannot be
 * translated (or that the core refuses) is skipped with a warning and counted, an object
 * the model does not have (quota, limit, ct timeout, ...) is skipped; malformed JSON still
 * fails.  Netdev base chains without their device (nftables 1.0.6 omits "dev" from its
 * JSON) cannot be translated: strict error, tolerant skip of the chain and its rules.
 */
#ifndef FS_NFT_JSON_H
#define FS_NFT_JSON_H

#include "trace_common.h"

#define NFT_JSON_MAX_FT_DEVS 16

/* nft_json_parse_*() flags */
#define NFT_JSON_FT_HW_OFFLOAD 0x1u   /* flowtables without a "flags" member offload to hw */

struct nft_json_flowtable {
	char family[16];
	char table[64];
	char name[64];
	s32 prio;
	u32 num_devices;
	char devices[NFT_JSON_MAX_FT_DEVS][16];
	bool flags_known;             /* the dump had a "flags" member */
	bool hw_offload;              /* `flags offload` (given, or NFT_JSON_FT_HW_OFFLOAD) */
	bool counter;                 /* `counter` */
};

struct nft_json_result {
	char *text;                   /* the translated nft script (NUL-terminated), or NULL */
	size_t text_len;
	char version[64];             /* metainfo.version ("1.0.6"), empty if absent */
	u32 schema_version;           /* metainfo.json_schema_version, 0 if absent */
	u32 objects;                  /* entries of the "nftables" array */
	u32 tables, chains, base_chains, rules, counters, helpers, sets;
	u32 rules_skipped;            /* tolerant mode: rules left out */
	u32 objects_skipped;          /* tolerant mode: other objects left out */
	GArray *flowtables;           /* struct nft_json_flowtable */
};

void nft_json_result_init(struct nft_json_result *r);
void nft_json_result_clear(struct nft_json_result *r);

/* 0 on success, -1 on failure (diagnostics in *diags).  name: the file name for messages. */
int nft_json_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			  u32 flags, struct nft_json_result *r, struct trace_diags *diags);
int nft_json_parse_file(const char *path, enum trace_mode mode, u32 flags,
			struct nft_json_result *r, struct trace_diags *diags);

#endif /* FS_NFT_JSON_H */
