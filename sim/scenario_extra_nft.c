// SPDX-License-Identifier: MIT
/*
 * scenario_extra_nft.c - checks the router's extra_nft: rules by applying them to the
 * core's ruleset on top of what fw4 renders for the scenario, so a rule that nft would
 * refuse is an error at its own line and column in the scenario file.
 *
 * Runs last, and only on an otherwise valid scenario (it needs the device table).
 */
#include "scenario_internal.h"

#include <string.h>

#include "ruleset.h"

/* ----------------------------------------------------------- extra_nft check ---- */

static bool hw_capable_cb(void *arg, const char *dev)
{
	const struct scenario *s = arg;
	int i = scenario_port_index(s, dev);

	return s->router.has_ppe && i >= 0 &&
	       (s->ports[i].kind == FS_NETDEV_ETHER || s->ports[i].kind == FS_NETDEV_DSA);
}

/*
 * Where line/col (1-based) of a scalar's text is in the file.  Block scalars start at the
 * first content line (column 1 of the mark); their lines are indented by the block's
 * indentation, which the source text tells.  Flow scalars sit on the mark's line, one
 * column later when quoted.
 */
static void text_position(const struct yu_doc *doc, const struct yu_node *n, uint32_t line,
			  uint32_t col, uint32_t *fline, uint32_t *fcol)
{
	const char *p = doc->text;
	uint32_t cur = 1, indent = 0;

	if (!n->block) {
		*fline = n->line;
		*fcol = n->col + (col ? col - 1 : 0) + (n->quoted ? 1 : 0);
		return;
	}
	*fline = n->line + (line ? line - 1 : 0);
	while (p && *p && cur < *fline)
		if (*p++ == '\n')
			cur++;
	while (p && p[indent] == ' ')
		indent++;
	*fcol = indent + (col ? col : 1);
}

void scn_check_extra_nft(struct scn_loader *l, const struct yu_node *at)
{
	struct scenario *s = l->s;
	struct fs_netconf nc;
	struct ruleset *rs;
	struct ruleset_error err;
	uint16_t *ifx;
	size_t size = 1 << 20;
	char *buf;
	int len;

	if (!s->router.extra_nft)
		return;
	memset(&err, 0, sizeof(err));
	ifx = g_new0(uint16_t, s->n_ports + 1);
	fs_netconf_init(&nc);
	rs = ruleset_create();
	buf = g_malloc(size);
	if (scenario_build_netconf(s, &nc, ifx) == 0) {
		const char *base = buf;

		/* router.ruleset / ruleset_json replace fw4's ruleset */
		if (s->router.ruleset) {
			base = s->router.ruleset;
			len = (int)strlen(base);
		} else {
			len = fw4_render(&s->router.fw, s->router.networks, s->router.n_networks,
					 &nc, hw_capable_cb, s, buf, size);
		}
		if (len < 0 || ruleset_apply(rs, base, (size_t)len, &err))
			yu_warning(l->d, at, "extra_nft: cannot be checked because the "
				   "router's ruleset did not apply (%s)", err.msg[0] ? err.msg : "too large");
		else if (ruleset_apply(rs, s->router.extra_nft, strlen(s->router.extra_nft), &err)) {
			uint32_t fl, fc;

			text_position(l->doc, at, err.line, err.col, &fl, &fc);
			yu_error_at(l->d, l->doc->file, fl, fc, "extra_nft: %s", err.msg);
		}
	}
	g_free(buf);
	ruleset_destroy(rs);
	fs_netconf_release(&nc);
	g_free(ifx);
}
