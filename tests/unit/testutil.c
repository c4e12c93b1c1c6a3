/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <sys/wait.h>

#include "scenario.h"
#include "testutil.h"

union fs_addr tu_addr(const char *text)
{
	union fs_addr a;
	int fam = fs_addr_parse(text, strlen(text), &a);

	if (!fam)
		g_error("bad address literal in test: %s", text);
	return a;
}

int tu_family(const char *text)
{
	union fs_addr a;

	return fs_addr_parse(text, strlen(text), &a);
}

struct fs_packet tu_packet(const char *src, u16 sport, const char *dst, u16 dport, u8 proto,
			   u16 iif, u16 len)
{
	struct fs_packet p;

	memset(&p, 0, sizeof(p));
	p.t.src = tu_addr(src);
	p.t.dst = tu_addr(dst);
	p.t.family = (u8)tu_family(src);
	p.t.proto = proto;
	p.t.sport = sport;
	p.t.dport = dport;
	p.iif = iif;
	p.len = len;
	p.ttl = 64;
	p.wscale = 0xff;
	return p;
}

char *tu_read_file(const char *path, gsize *len)
{
	GError *err = NULL;
	char *buf = NULL;

	if (!g_file_get_contents(path, &buf, len, &err))
		g_error("cannot read %s: %s", path, err->message);
	return buf;
}

void tu_lab_init(struct lab *lab, const struct router_config *cfg, const char *ruleset)
{
	GError *err = NULL;

	if (!lab_init(lab, cfg, NULL, "veth0", "veth1", ruleset, &err))
		g_error("lab ruleset: %s", err->message);
}

void tu_lab_nft(struct lab *lab, const char *text, u64 now)
{
	GError *err = NULL;

	if (!lab_nft(lab, text, now, &err))
		g_error("ruleset: %s", err->message);
}

int tu_run_flowsim(const char *const *head, const char *const *args, char **out, char **err)
{
	GPtrArray *argv = g_ptr_array_new();
	GError *e = NULL;
	int status = -1;

	g_ptr_array_add(argv, (gpointer)FLOWSIM_BINARY);
	for (; head && *head; head++)
		g_ptr_array_add(argv, (gpointer)*head);
	for (; args && *args; args++)
		g_ptr_array_add(argv, (gpointer)*args);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
			  &status, &e))
		g_error("cannot run %s: %s", FLOWSIM_BINARY, e->message);
	g_ptr_array_free(argv, TRUE);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct scenario *tu_load_scenario(const char *path)
{
	struct yu_diag d;
	struct scenario *s;

	yu_diag_init(&d);
	s = scenario_load(path, FLOWSIM_SOURCE_DIR "/hw/soc", &d);
	if (!s) {
		guint i;

		for (i = 0; i < d.msgs->len; i++)
			g_printerr("%s\n", yu_msg_format(g_ptr_array_index(d.msgs, i)));
		g_error("%s does not load", path);
	}
	yu_diag_clear(&d);
	return s;
}
