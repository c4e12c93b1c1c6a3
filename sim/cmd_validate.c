// SPDX-License-Identifier: MIT
/*
 * cmd_validate.c - `flowsim validate FILE...`: load scenario files (and SoC profiles) the
 * way `flowsim run` will and report every problem as FILE:LINE:COL: message.
 *
 * A file whose top level has `cpu` and no `router` is checked as a SoC profile; anything else
 * as a scenario.  Prints "FILE: ok" for a clean file (warnings are printed but do not fail);
 * the exit status is 0 when every file is valid, 1 when any has an error, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli.h"
#include "scenario.h"
#include "soc_profile.h"
#include "yaml_util.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: flowsim validate [--soc-dir DIR] [--quiet] FILE...\n\n"
		   "Check scenario files (and SoC profiles) without running them.  Every error is\n"
		   "printed as FILE:LINE:COL: message; a valid file prints FILE: ok.\n\n"
		   "  --soc-dir DIR  where SoC profile names are looked up (default: $FLOWSIM_SOC_DIR,\n"
		   "                 else %s)\n"
		   "  --quiet, -q    print nothing for valid files\n"
		   "Exit status: 0 all valid, 1 some file has errors, 2 usage error.\n",
		FLOWSIM_SOC_DIR);
}

static void print_msgs(const struct yu_diag *d)
{
	guint i;

	for (i = 0; i < d->msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d->msgs, i));

		fprintf(stderr, "%s\n", m);
		g_free(m);
	}
	if (d->errors + d->warnings > d->msgs->len)
		fprintf(stderr, "(%u more messages not shown)\n",
			d->errors + d->warnings - d->msgs->len);
}

/* A SoC profile rather than a scenario? */
static bool is_profile(const char *path)
{
	struct yu_diag d;
	struct yu_doc *doc;
	bool yes = false;

	yu_diag_init(&d);
	doc = yu_load_file(path, NULL, &d);
	if (doc && doc->root && doc->root->kind == YU_MAP)
		yes = yu_get(doc->root, "cpu") && !yu_get(doc->root, "router");
	yu_doc_free(doc);
	yu_diag_clear(&d);
	return yes;
}

static bool validate_one(const char *path, const char *soc_dir, bool quiet)
{
	struct yu_diag d;
	bool ok;

	yu_diag_init(&d);
	if (is_profile(path)) {
		struct soc_profile p;

		ok = soc_profile_load(path, NULL, soc_dir, &p, &d);
	} else {
		struct scenario *s = scenario_load(path, soc_dir, &d);

		ok = s != NULL;
		scenario_free(s);
	}
	print_msgs(&d);
	if (ok && !quiet)
		printf("%s: ok\n", path);
	yu_diag_clear(&d);
	return ok;
}

int cmd_validate(int argc, char **argv)
{
	const char *soc_dir = NULL;
	bool quiet = false, all_ok = true;
	int i, files = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (!strcmp(argv[i], "--soc-dir")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "flowsim validate: --soc-dir needs a directory\n");
				return 2;
			}
			soc_dir = argv[++i];
		} else if (!strncmp(argv[i], "--soc-dir=", 10)) {
			soc_dir = argv[i] + 10;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "flowsim validate: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else {
			break;
		}
	}
	for (; i < argc; i++) {
		files++;
		if (!validate_one(argv[i], soc_dir, quiet))
			all_ok = false;
		fflush(stdout);
		fflush(stderr);
	}
	if (!files) {
		fprintf(stderr, "flowsim validate: no file given\n");
		usage(stderr);
		return 2;
	}
	return all_ok ? 0 : 1;
}
