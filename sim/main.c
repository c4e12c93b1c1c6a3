/* SPDX-License-Identifier: MIT */
/* main.c - the flowsim command line: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct flowsim_command commands[] = {
	{ "ppe", "MediaTek PPE: hash a tuple, check a debugfs dump", cmd_ppe },
	{ "fw4", "render OpenWrt firewall4's ruleset from a UCI firewall file", cmd_fw4 },
	{ "nft", "check an nft ruleset file against the core's parser", cmd_nft },
	{ "timeline", "packet-by-packet offload timeline of a connection", cmd_timeline },
	{ "validate", "check scenario files and SoC profiles (FILE:LINE:COL errors)", cmd_validate },
	{ "trace", "show or import a router's trace bundle (traces/collect.sh)", cmd_trace },
	{ "run", "simulate a scenario: throughput, CPU, latency, offload paths", cmd_run },
	{ "compare", "compare two runs or trace bundles with tolerances (CI gate)", cmd_compare },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: flowsim COMMAND [ARGS...]\n\n"
		   "flowsim models Linux flow offloading (nf_flowtable, MediaTek PPE/WED).\n\n"
		   "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'flowsim COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("flowsim %s\n", FLOWSIM_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "flowsim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
