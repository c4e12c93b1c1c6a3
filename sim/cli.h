/* SPDX-License-Identifier: MIT */
/* cli.h - the flowsim subcommands.  Each returns the process exit status. */
#ifndef FLOWSIM_CLI_H
#define FLOWSIM_CLI_H

struct flowsim_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);  /* argv[0] is the subcommand name */
};

int cmd_ppe(int argc, char **argv);
int cmd_fw4(int argc, char **argv);
int cmd_nft(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
