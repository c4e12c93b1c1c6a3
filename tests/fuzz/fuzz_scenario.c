/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the scenario loader (sim/scenario*.c on sim/yaml_*.c, with the SoC
 * profiles of hw/soc, the firewall/UCI/extra_nft checks and the core's fw4 and nft
 * parsers behind them): the bytes are a scenario file.  A load fails iff it reported an
 * error; a scenario that loads must build its world (run_create, the world-level checks)
 * or say why, again failing iff an error was reported.  The simulation itself is not run
 * (far too slow per input).  Every error names the file and, but for the whole-file ones
 * (an empty file), a line.
 *
 * Relative paths in a scenario (firewall_uci, ruleset files) are resolved against
 * tests/data/scenario, whose firewall.uci the seeds refer to.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "scenario.h"
#include "yaml_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

/* Every message names a file; errors have a line unless the whole input is at fault. */
static void check_messages(const struct yu_diag *d, uint32_t from)
{
	guint i;

	for (i = from; i < d->msgs->len; i++) {
		const struct yu_msg *m = g_ptr_array_index(d->msgs, i);

		CHECK(m->file && m->text && *m->text);
		if ((m->col && !m->line) ||
		    (!m->warning && !m->line && (strcmp(m->file, "fuzz.yaml") ||
						 !g_str_has_prefix(m->text, "empty file")))) {
			char *text = yu_msg_format(m);

			fprintf(stderr, "message without a line: %s\n", text);
			g_free(text);
			__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yu_diag d;
	struct scenario *s;
	guint nmsgs;

	yu_diag_init(&d);
	s = scenario_load_string("fuzz.yaml", FUZZ_SCENARIO_DIR, (const char *)data, size,
				 FUZZ_SOC_DIR, &d);
	CHECK((s == NULL) == (d.errors > 0));
	check_messages(&d, 0);
	nmsgs = d.msgs->len;
	if (s) {
		struct run_opts o;
		struct run *r;

		memset(&o, 0, sizeof(o));
		o.duration_ns = 1000000;      /* 1 ms: nothing here runs it */
		o.soc_dir = FUZZ_SOC_DIR;
		r = run_create(s, &o, &d);
		CHECK((r == NULL) == (d.errors > 0));
		check_messages(&d, nmsgs);
		run_destroy(r);
		scenario_free(s);
	}
	yu_diag_clear(&d);
	return 0;
}
