/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the UCI reader (sim/uci.c, uci_firewall.c, uci_options.c): the bytes
 * are an /etc/config/firewall.  Parsing and mapping fail iff they set an error, whose text
 * starts "fuzz.uci:LINE: " (so do the warnings); a config that maps renders (model/fw4*.c, with OpenWrt's
 * default networks and no device table, as `flowsim fw4 render` does) into a ruleset the
 * core's nft parser accepts on an empty ruleset, in both offload modes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fw4.h"
#include "ruleset.h"
#include "uci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const struct fw4_network nets[] = {
	{ .name = "lan", .device = "br-lan" },
	{ .name = "wan", .device = "eth1" },
	{ .name = "wan6", .device = "eth1" },
};

/* "fuzz.uci:" then a line number (at least 1) and ": " */
static void check_located_text(const char *msg)
{
	const char *p = msg + strlen("fuzz.uci:");

	CHECK(g_str_has_prefix(msg, "fuzz.uci:"));
	CHECK(*p >= '1' && *p <= '9');
	while (*p >= '0' && *p <= '9')
		p++;
	CHECK(p[0] == ':' && p[1] == ' ' && p[2]);
}

static void render_loads(struct fw4_config *c)
{
	static char buf[1 << 20];
	int hw, len;

	for (hw = 0; hw <= 1; hw++) {
		struct ruleset *rs;
		struct ruleset_error re;

		c->defaults.flow_offloading_hw = (u8)hw;
		len = fw4_render(c, nets, G_N_ELEMENTS(nets), NULL, NULL, NULL, buf, sizeof(buf));
		CHECK(len >= 0 && (size_t)len < sizeof(buf));
		rs = ruleset_create();
		CHECK(rs);
		if (ruleset_apply(rs, buf, (size_t)len, &re)) {
			fprintf(stderr, "the rendered ruleset does not load: %u:%u: %s\n%s",
				re.line, re.col, re.msg, buf);
			__builtin_trap();
		}
		ruleset_destroy(rs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GPtrArray *warnings;
	struct fw4_config *c;
	struct uci_file *f;
	GError *err = NULL;
	guint i;
	int rc;

	f = uci_parse("fuzz.uci", (const char *)data, size, &err);
	CHECK((f == NULL) == (err != NULL));
	if (!f) {
		check_located_text(err->message);
		g_error_free(err);
		return 0;
	}
	c = g_new0(struct fw4_config, 1);
	warnings = g_ptr_array_new_with_free_func(g_free);
	rc = uci_firewall_config(f, c, warnings, &err);
	CHECK((rc != 0) == (err != NULL));
	for (i = 0; i < warnings->len; i++)
		check_located_text(g_ptr_array_index(warnings, i));
	if (rc) {
		check_located_text(err->message);
		g_error_free(err);
	} else {
		render_loads(c);
	}
	g_ptr_array_unref(warnings);
	g_free(c);
	uci_file_free(f);
	return 0;
}
