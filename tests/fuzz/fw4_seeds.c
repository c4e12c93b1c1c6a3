/* SPDX-License-Identifier: MIT */
/*
 * fw4_seeds OUTDIR UCIFILE...: seeds for fuzz_nft, built and run with the fuzz targets.
 * For each UCI firewall file, firewall4's ruleset as `flowsim fw4 render` gives it for
 * OpenWrt's default networks, with the file's offload setting and with hardware offload,
 * written to OUTDIR/<n>-<sw|hw>.nft.  A file that does not map is skipped with a message.
 */
#include <stdio.h>
#include <string.h>

#include "fw4.h"
#include "uci.h"

static const struct fw4_network nets[] = {
	{ .name = "lan", .device = "br-lan" },
	{ .name = "wan", .device = "eth1" },
	{ .name = "wan6", .device = "eth1" },
};

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	int i, hw, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fw4_seeds OUTDIR UCIFILE...\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		struct fw4_config *c = g_new0(struct fw4_config, 1);
		GError *err = NULL;

		if (uci_firewall_load(argv[i], c, NULL, &err)) {
			fprintf(stderr, "fw4_seeds: skipped: %s\n", err->message);
			g_clear_error(&err);
			g_free(c);
			continue;
		}
		for (hw = 0; hw <= 1; hw++) {
			char *path = g_strdup_printf("%s/%d-%s.nft", argv[1], i - 1, hw ? "hw" : "sw");
			int len;

			if (hw) {
				c->defaults.flow_offloading = 1;
				c->defaults.flow_offloading_hw = 1;
			}
			len = fw4_render(c, nets, G_N_ELEMENTS(nets), NULL, NULL, NULL, buf,
					 sizeof(buf));
			if (len < 0 || !g_file_set_contents(path, buf, len, &err)) {
				fprintf(stderr, "fw4_seeds: %s: %s\n", path,
					err ? err->message : "rendered ruleset too large");
				g_clear_error(&err);
				rc = 1;
			}
			g_free(path);
		}
		g_free(c);
	}
	return rc;
}
