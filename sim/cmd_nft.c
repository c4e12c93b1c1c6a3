// SPDX-License-Identifier: MIT
/*
 * cmd_nft.c - `flowsim nft check FILE...`: load nft scripts (nft -f syntax) with the
 * core's ruleset engine, the same code the router evaluates, and print what was loaded:
 * tables, chains with their hooks and priorities, flowtables, counters, and the order in
 * which netfilter would run the base chains of every hook (ascending priority, equal
 * priorities most recently registered first; flowtables among a device's ingress hooks).
 *
 * Several files are applied in order, like several `nft -f` calls.  An error prints
 * FILE:LINE:COL: message and exits 1; nothing of that file is applied.
 *
 * With --json the files are `nft -j list ruleset` dumps, translated to nft text by
 * traces/nft_json.c (errors name the JSON path); --print shows the translated text.
 * Exit status: 0 ok, 1 a script does not load, 2 usage error or unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cli.h"
#include "nft_json.h"
#include "ruleset.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define MAX_LIST 4096

static const char summary[] =
	"Loads nft scripts (the syntax of 'nft -f') with the flow-offload core's ruleset\n"
	"engine and prints a summary: tables, chains (hook, priority, policy, rules),\n"
	"flowtables, counters and the run order of the base chains on every hook.\n"
	"Several files are applied in order.  On error: FILE:LINE:COL: message, exit 1.\n\n"
	"The engine supports the syntax used by the kernel selftest nft_flowtable.sh and\n"
	"by OpenWrt's firewall4 (see 'flowsim fw4 render').\n\n"
	"--json reads 'nft -j list ruleset' dumps instead (e.g. static/ruleset.json of a\n"
	"trace bundle): they are translated to nft text, which --print shows.  Errors name\n"
	"the JSON path (nftables[12].rule.expr[3]); --tolerant skips what the model cannot\n"
	"express, with a warning.  nft -j does not record a flowtable's flags: --hw-offload\n"
	"adds 'flags offload' to flowtables (as flow_offloading_hw does on the router).";

static const char *const hook_names[NFT_HOOK__COUNT] = {
	"prerouting", "input", "forward", "output", "postrouting", "ingress", "egress",
};

static const char *family_name(u8 f)
{
	switch (f) {
	case NFT_FAMILY_INET: return "inet";
	case NFT_FAMILY_IP: return "ip";
	case NFT_FAMILY_IP6: return "ip6";
	case NFT_FAMILY_NETDEV: return "netdev";
	default: return "?";
	}
}

static const char *type_name(u8 t)
{
	return t == NFT_CHAIN_NAT ? "nat" : t == NFT_CHAIN_ROUTE ? "route" : "filter";
}

static void print_summary(const struct ruleset *rs)
{
	struct ruleset_table_info *tabs = g_new0(struct ruleset_table_info, MAX_LIST);
	struct ruleset_chain_info *chains = g_new0(struct ruleset_chain_info, MAX_LIST);
	struct ruleset_flowtable *fts = g_new0(struct ruleset_flowtable, MAX_LIST);
	struct ruleset_counter_info *ctrs = g_new0(struct ruleset_counter_info, MAX_LIST);
	struct nft_chain_ref *refs = g_new0(struct nft_chain_ref, MAX_LIST);
	u32 nt = ruleset_tables(rs, tabs, MAX_LIST), nc = ruleset_chains(rs, chains, MAX_LIST);
	u32 nf = ruleset_flowtables(rs, fts, MAX_LIST), nk = ruleset_counters(rs, ctrs, MAX_LIST);
	GPtrArray *devs = g_ptr_array_new();
	u32 t, i, j, h, f;

	for (t = 0; t < nt; t++) {
		printf("table %s %s: %u chains, %u flowtables, %u counters\n",
		       family_name(tabs[t].family), tabs[t].name, tabs[t].num_chains,
		       tabs[t].num_flowtables, tabs[t].num_counters);
		for (i = 0; i < nf; i++) {
			if (strcmp(fts[i].table, tabs[t].name) || fts[i].family != tabs[t].family)
				continue;
			printf("  flowtable %s: hook ingress priority %d, devices", fts[i].name,
			       (int)fts[i].priority);
			for (j = 0; j < fts[i].num_devices; j++)
				printf("%s %s", j ? "," : "", fts[i].devices[j]);
			printf("%s%s\n", fts[i].flags & 0x1 ? ", flags offload" : "",
			       fts[i].flags & 0x2 ? ", counter" : "");
		}
		for (i = 0; i < nc; i++) {
			const struct ruleset_chain_info *c = &chains[i];

			if (strcmp(c->table, tabs[t].name) || c->family != tabs[t].family)
				continue;
			printf("  chain %s: ", c->name);
			if (c->base) {
				printf("type %s hook %s", type_name(c->type), hook_names[c->hook]);
				for (j = 0; j < c->num_devices; j++)
					printf("%s%s", j ? "," : " device ", c->devices[j]);
				printf(" priority %d policy %s, ", (int)c->priority,
				       c->policy == NFT_VERDICT_DROP ? "drop" : "accept");
			} else if (c->anonymous) {
				printf("anonymous, ");
			}
			printf("%u rule%s\n", c->num_rules, c->num_rules == 1 ? "" : "s");
		}
		for (i = 0; i < nk; i++)
			if (!strcmp(ctrs[i].table, tabs[t].name) && ctrs[i].family == tabs[t].family)
				printf("  counter %s\n", ctrs[i].name);
	}

	printf("hooks (run order):\n");
	for (h = NFT_HOOK_PREROUTING; h <= NFT_HOOK_POSTROUTING; h++) {
		for (f = 0; f < 2; f++) {
			u32 n = ruleset_hook_chains(rs, (u8)h, f ? 10 : 2, NULL, refs, MAX_LIST);

			if (!n)
				continue;
			printf("  %s %s:", f ? "ipv6" : "ipv4", hook_names[h]);
			for (i = 0; i < n; i++) {
				for (j = 0; j < nc; j++) {
					if (chains[j].id != refs[i].id)
						continue;
					printf("%s %s %s %s (%d)", i ? "," : "",
					       family_name(chains[j].family), chains[j].table,
					       chains[j].name, (int)refs[i].priority);
				}
			}
			printf("\n");
		}
	}
	/* devices with netdev chains or flowtables */
	for (i = 0; i < nc; i++)
		for (j = 0; j < chains[i].num_devices; j++)
			g_ptr_array_add(devs, chains[i].devices[j]);
	for (i = 0; i < nf; i++)
		for (j = 0; j < fts[i].num_devices; j++)
			g_ptr_array_add(devs, fts[i].devices[j]);
	for (i = 0; i < devs->len; i++) {
		const char *dev = g_ptr_array_index(devs, i);
		gboolean seen = FALSE;

		for (j = 0; j < i; j++)
			seen |= !strcmp(dev, g_ptr_array_index(devs, j));
		if (seen)
			continue;
		for (h = NFT_HOOK_INGRESS; h <= NFT_HOOK_EGRESS; h++) {
			u32 n = ruleset_hook_chains(rs, (u8)h, 2, dev, refs, MAX_LIST);
			u32 k, ci = 0, used = 0, printed = 0;
			gboolean any_ft = FALSE;
			/* flowtables hook ingress too: merge them into the chain order */
			u8 *ft_done = g_new0(u8, nf ? nf : 1);

			for (k = 0; h == NFT_HOOK_INGRESS && k < nf; k++)
				for (j = 0; j < fts[k].num_devices; j++)
					any_ft |= !strcmp(fts[k].devices[j], dev);
			if (!n && !any_ft) {
				g_free(ft_done);
				continue;
			}
			printf("  netdev %s %s:", hook_names[h], dev);
			for (;;) {
				s32 best_prio = 0;
				u32 best_seq = 0;
				int best_ft = -1;
				gboolean have = FALSE;

				for (k = 0; h == NFT_HOOK_INGRESS && k < nf; k++) {
					gboolean on = FALSE;

					for (j = 0; j < fts[k].num_devices; j++)
						on |= !strcmp(fts[k].devices[j], dev);
					if (!on || ft_done[k])
						continue;
					if (!have || fts[k].priority < best_prio ||
					    (fts[k].priority == best_prio && fts[k].reg_seq > best_seq)) {
						have = TRUE;
						best_prio = fts[k].priority;
						best_seq = fts[k].reg_seq;
						best_ft = (int)k;
					}
				}
				if (ci < n && (!have || refs[ci].priority < best_prio ||
					       (refs[ci].priority == best_prio &&
						refs[ci].reg_seq > best_seq))) {
					for (j = 0; j < nc; j++)
						if (chains[j].id == refs[ci].id)
							printf("%s chain %s %s %s (%d)", printed ? "," : "",
							       family_name(chains[j].family),
							       chains[j].table, chains[j].name,
							       (int)refs[ci].priority);
					ci++;
					printed++;
					continue;
				}
				if (!have)
					break;
				ft_done[best_ft] = 1;
				used++;
				printf("%s flowtable %s %s %s (%d)", printed ? "," : "",
				       family_name(fts[best_ft].family), fts[best_ft].table,
				       fts[best_ft].name, (int)best_prio);
				printed++;
			}
			printf("\n");
			g_free(ft_done);
		}
	}
	g_ptr_array_unref(devs);
	g_free(tabs);
	g_free(chains);
	g_free(fts);
	g_free(ctrs);
	g_free(refs);
}

int cmd_nft(int argc, char **argv)
{
	gboolean list = FALSE, quiet = FALSE, json = FALSE, print = FALSE, tolerant = FALSE;
	gboolean hw = FALSE;
	GOptionEntry entries[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json,
		  "the files are 'nft -j list ruleset' dumps", NULL },
		{ "print", 'p', 0, G_OPTION_ARG_NONE, &print,
		  "with --json: print the translated nft text", NULL },
		{ "tolerant", 't', 0, G_OPTION_ARG_NONE, &tolerant,
		  "with --json: skip rules and objects the model cannot express (warnings)", NULL },
		{ "hw-offload", 0, 0, G_OPTION_ARG_NONE, &hw,
		  "with --json: flowtables without recorded flags offload to hardware", NULL },
		{ "list", 'l', 0, G_OPTION_ARG_NONE, &list,
		  "also print the loaded ruleset as 'nft list ruleset' would", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print nothing on success", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx;
	GError *err = NULL;
	struct ruleset *rs;
	int i, rc = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		FILE *f = argc < 2 ? stderr : stdout;

		fprintf(f, "usage: flowsim nft check [--list] [--quiet] [--json [--print] "
			"[--tolerant] [--hw-offload]] FILE...\n\n%s\n", summary);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "check")) {
		fprintf(stderr, "flowsim nft: unknown subcommand '%s': expected 'check'\n", argv[1]);
		return EXIT_USAGE;
	}
	ctx = g_option_context_new("FILE... - load nft scripts with the core's ruleset engine");
	g_option_context_set_summary(ctx, summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	argc--;
	argv++;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim nft check: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (argc < 2) {
		fprintf(stderr, "flowsim nft check: expected at least one FILE\n");
		return EXIT_USAGE;
	}
	rs = ruleset_create();
	if (!rs) {
		fprintf(stderr, "flowsim nft check: out of memory\n");
		return EXIT_USAGE;
	}
	for (i = 1; i < argc && !rc; i++) {
		struct ruleset_error re;
		char *text;
		gsize len;

		if (json) {
			struct nft_json_result jr;
			struct trace_diags d;
			int jrc;

			trace_diags_init(&d);
			nft_json_result_init(&jr);
			jrc = nft_json_parse_file(argv[i], tolerant ? TRACE_TOLERANT : TRACE_STRICT,
						  hw ? NFT_JSON_FT_HW_OFFLOAD : 0, &jr, &d);
			trace_diags_print(&d, stderr);
			if (!jrc && !quiet)
				printf("%s: nftables %s, %u objects: %u tables, %u chains, %u rules, "
				       "%u flowtables; skipped %u rules, %u objects\n", argv[i],
				       jr.version[0] ? jr.version : "?", jr.objects, jr.tables,
				       jr.chains, jr.rules, jr.flowtables->len, jr.rules_skipped,
				       jr.objects_skipped);
			if (!jrc && print)
				fputs(jr.text, stdout);
			text = jrc ? NULL : g_strndup(jr.text, jr.text_len);
			len = jr.text_len;
			nft_json_result_clear(&jr);
			if (jrc && trace_diags_count(&d, TRACE_ERROR) &&
			    !trace_diags_first(&d, TRACE_ERROR)->line &&
			    !g_file_test(argv[i], G_FILE_TEST_IS_REGULAR))
				rc = EXIT_USAGE;
			else if (jrc)
				rc = EXIT_INVALID;
			trace_diags_clear(&d);
			if (rc)
				break;
		} else if (!g_file_get_contents(argv[i], &text, &len, &err)) {
			fprintf(stderr, "flowsim nft check: %s\n", err->message);
			g_clear_error(&err);
			rc = EXIT_USAGE;
			break;
		}
		if (ruleset_apply(rs, text, len, &re)) {
			if (re.line)
				fprintf(stderr, "%s:%u:%u: %s\n", argv[i], re.line, re.col, re.msg);
			else
				fprintf(stderr, "%s: %s\n", argv[i], re.msg);
			rc = EXIT_INVALID;
		} else if (!quiet && !json) {
			printf("%s: ok\n", argv[i]);
		}
		g_free(text);
	}
	if (!rc && !quiet) {
		print_summary(rs);
		if (list) {
			size_t size = 1 << 16;
			char *buf;

			for (;;) {
				buf = g_malloc(size);
				if (ruleset_format(rs, buf, size) >= 0 || size >= (256u << 20))
					break;
				g_free(buf);
				size *= 2;
			}
			fputs(buf, stdout);
			g_free(buf);
		}
	}
	ruleset_destroy(rs);
	return rc;
}
