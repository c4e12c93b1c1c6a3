// SPDX-License-Identifier: MIT
/*
 * cmd_ppe.c - `flowsim ppe hash` and `flowsim ppe check`: the MediaTek PPE hash and a
 * checker for real debugfs dumps.  This file is the dispatcher: the subcommand, the
 * options both share (--soc, --entries, --kernel) and the common help text.
 *
 * hash:  computes the bucket (first slot) a tuple hashes to with the core's
 *        ppe_hash_tuple(), for a SoC's geometry and table size (cmd_ppe_hash.c).
 * check: reads a ppeN/entries|bind dump (model/ppe_format.h, traces/ppe_dump.h), decodes
 *        every entry for the SoC's ib1/ib2 layout, recomputes the bucket of every hashable
 *        entry and says ok or MISMATCH per entry.  Bad and foreign lines are reported with
 *        their line numbers and skipped (tolerant) or stop the run (--strict)
 *        (cmd_ppe_check.c, cmd_ppe_decode.c, cmd_ppe_report.c).
 *
 * Exit status: 0 = every hashable entry matches (and, with --strict, the file parses
 * cleanly); 1 = a mismatch, an index outside the table, a strict parse error, no PPE entry
 * at all, or a request the model cannot answer; 2 = usage error (options, tuple syntax,
 * unreadable file).
 */
#include "cmd_ppe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ help ---- */

void ppe_cli_list_socs(FILE *f)
{
	const struct ppe_soc_geometry *g;
	u32 i;

	fprintf(f, "SoCs (--soc):\n");
	for (i = 0; (g = ppe_soc_at(i)) != NULL; i++) {
		if (g->airoha)
			fprintf(f, "  %-7s Airoha layout, %u entries, hash not modelled (see below)\n",
				g->name, g->entries_old);
		else
			fprintf(f, "  %-7s NETSYS v%u, %u-way buckets, %u entries before kernel 6.11, "
				"%u from 6.11%s\n", g->name, g->netsys, g->ways, g->entries_old,
				g->entries_new, g->n_reserved ? ", reserved slots" : "");
	}
}

static void usage_ppe(FILE *f)
{
	fprintf(f,
		"usage: flowsim ppe hash --soc SOC [OPTIONS] TUPLE...\n"
		"       flowsim ppe check [--soc SOC] [OPTIONS] DUMPFILE\n\n"
		"MediaTek PPE (hardware flow offload) hash and debugfs dump checker.\n"
		"Run 'flowsim ppe hash --help' or 'flowsim ppe check --help' for details.\n");
}

void ppe_cli_usage_table_size(FILE *f)
{
	fprintf(f,
		"Table size: --entries N sets it (a power of two).  Without it the size is the\n"
		"SoC's default for --kernel (default %u.%u): MTK_PPE_ENTRIES is 8192 up to 6.10\n"
		"and 16384 from 6.11 (MT7620: 4096).  Dumps from 2021 MT7621 kernels hash with\n"
		"8192.\n",
		DEFAULT_KERNEL_MAJOR, DEFAULT_KERNEL_MINOR);
}

/* --------------------------------------------------------------- options ---- */

bool ppe_cli_parse_u32(const char *s, u32 *out)
{
	char *end;
	unsigned long v;

	if (!s || !g_ascii_isdigit(*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return false;
	*out = (u32)v;
	return true;
}

static bool parse_kernel(const char *s, u32 *major, u32 *minor)
{
	char **parts = g_strsplit(s, ".", 4);
	bool ok = parts[0] && parts[1] && ppe_cli_parse_u32(parts[0], major) &&
		  ppe_cli_parse_u32(parts[1], minor);
	u32 patch, i;

	for (i = 2; ok && parts[i]; i++)
		ok = ppe_cli_parse_u32(parts[i], &patch);
	g_strfreev(parts);
	return ok;
}

/* Returns 0 to go on, or an exit status. */
static int parse_options(struct ppe_cli *o, int argc, char **argv)
{
	int i;

	o->kmajor = DEFAULT_KERNEL_MAJOR;
	o->kminor = DEFAULT_KERNEL_MINOR;
	o->args = g_ptr_array_new();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		const char *eq;
		char name[32];

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				g_ptr_array_add(o->args, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			g_ptr_array_add(o->args, (gpointer)a);
			continue;
		}
		eq = strchr(a, '=');
		g_strlcpy(name, a, eq ? MIN((gsize)(eq - a) + 1, sizeof(name)) : sizeof(name));
		if (eq)
			val = eq + 1;

		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			o->help = true;
			continue;
		}
		if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
			o->verbose = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--json")) {
			o->json = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--strict")) {
			o->strict = true;
			continue;
		}
		if (!strcmp(o->cmd, "check") && !strcmp(name, "--brief")) {
			o->brief = true;
			continue;
		}
		if (strcmp(name, "--soc") && strcmp(name, "--entries") && strcmp(name, "--kernel")) {
			fprintf(stderr, "flowsim ppe %s: unknown option '%s' (see --help)\n",
				o->cmd, a);
			return EXIT_USAGE;
		}
		if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "flowsim ppe %s: option %s needs a value\n", o->cmd,
					name);
				return EXIT_USAGE;
			}
			val = argv[++i];
		}
		if (!strcmp(name, "--soc")) {
			o->soc_name = val;
			o->soc = ppe_soc_lookup(val);
			if (!o->soc) {
				fprintf(stderr, "flowsim ppe %s: unknown SoC '%s'\n", o->cmd, val);
				ppe_cli_list_socs(stderr);
				return EXIT_USAGE;
			}
		} else if (!strcmp(name, "--entries")) {
			if (!ppe_cli_parse_u32(val, &o->entries) || o->entries < 1024 ||
			    o->entries > 65536 || (o->entries & (o->entries - 1))) {
				fprintf(stderr, "flowsim ppe %s: --entries '%s': expected a power of "
					"two from 1024 to 65536 (e.g. 8192 or 16384)\n", o->cmd, val);
				return EXIT_USAGE;
			}
			o->entries_set = true;
		} else {
			if (!parse_kernel(val, &o->kmajor, &o->kminor)) {
				fprintf(stderr, "flowsim ppe %s: --kernel '%s': expected a version "
					"like 6.6 or 6.12.30\n", o->cmd, val);
				return EXIT_USAGE;
			}
		}
	}
	return 0;
}

const char *ppe_cli_layout_name(const struct ppe_soc_geometry *g)
{
	if (g->airoha)
		return "Airoha layout";
	return g->netsys == 1 ? "NETSYS v1" : g->netsys == 2 ? "NETSYS v2" : "NETSYS v3";
}

/* ------------------------------------------------------------------ main ---- */

int cmd_ppe(int argc, char **argv)
{
	struct ppe_cli o;
	int rc;

	memset(&o, 0, sizeof(o));
	if (argc < 2) {
		usage_ppe(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage_ppe(stdout);
		return 0;
	}
	if (strcmp(argv[1], "hash") && strcmp(argv[1], "check")) {
		fprintf(stderr, "flowsim ppe: unknown subcommand '%s'\n", argv[1]);
		usage_ppe(stderr);
		return EXIT_USAGE;
	}
	o.cmd = argv[1];
	rc = parse_options(&o, argc - 1, argv + 1);
	if (rc == 0 && o.help) {
		if (!strcmp(o.cmd, "hash"))
			ppe_cli_usage_hash(stdout);
		else
			ppe_cli_usage_check(stdout);
	} else if (rc == 0) {
		rc = !strcmp(o.cmd, "hash") ? ppe_cli_run_hash(&o) : ppe_cli_run_check(&o);
	}
	g_ptr_array_free(o.args, TRUE);
	return rc;
}
