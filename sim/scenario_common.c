// SPDX-License-Identifier: MIT
/*
 * scenario_common.c - helpers every section loader of the scenario shares: names and
 * references to ports, hosts and radios (with "did you mean" suggestions), "a value or a
 * list of values", addresses and prefixes, paths relative to the scenario file, key lists.
 *
 * Invariants: a reference that does not resolve is reported once, where it is written, and
 * comes back as -1; a name that is accepted is one Linux would accept for a device too.
 */
#include "scenario_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ helpers ---- */

/* Names of everything, interface names included: a set Linux accepts for devices too. */
static bool valid_name(const char *s)
{
	const char *p;

	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (p = s; *p; p++)
		if (!(g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

bool scn_get_name(struct scn_loader *l, const struct yu_node *n, const char *what, char *buf,
		  size_t size)
{
	if (!yu_str(l->d, n, what, buf, size))
		return false;
	if (!valid_name(buf)) {
		ERR(l, n, "%s: '%s' is not a valid name (letters, digits, '_', '-', '.')", what,
		    buf);
		return false;
	}
	return true;
}

/* A list of names (NULL-terminated) for suggestions; g_free the array only. */
static const char **names_of(const void *arr, size_t stride, uint32_t n, size_t name_off)
{
	const char **v = g_new0(const char *, n + 1);
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = (const char *)arr + i * stride + name_off;
	return v;
}

static void unknown_ref(struct scn_loader *l, const struct yu_node *n, const char *what,
			const char *thing, const char **names)
{
	const char *sugg = yu_suggest(n->text, names);

	if (sugg)
		ERR(l, n, "%s: unknown %s '%s' (did you mean '%s'?)", what, thing, n->text, sugg);
	else if (names[0])
		ERR(l, n, "%s: unknown %s '%s'", what, thing, n->text);
	else
		ERR(l, n, "%s: unknown %s '%s' (none are defined)", what, thing, n->text);
}

/* The index of the item of arr (count items, stride bytes apart) whose name is at name_off. */
static int index_of_name(const void *arr, size_t stride, uint32_t count, size_t name_off,
			 const char *name)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		if (!strcmp((const char *)arr + i * stride + name_off, name))
			return (int)i;
	return -1;
}

/* The index of the item n names, or -1 after "WHAT: unknown THING 'x'" (with a suggestion). */
static int find_named(struct scn_loader *l, const struct yu_node *n, const char *what,
		      const char *thing, const void *arr, size_t stride, uint32_t count,
		      size_t name_off)
{
	const char **names;
	int i;

	if (!yu_expect_scalar(l->d, n, what))
		return -1;
	i = index_of_name(arr, stride, count, name_off, n->text);
	if (i >= 0)
		return i;
	names = names_of(arr, stride, count, name_off);
	unknown_ref(l, n, what, thing, names);
	g_free(names);
	return -1;
}

int scn_find_port(struct scn_loader *l, const struct yu_node *n, const char *what)
{
	return find_named(l, n, what, "port", l->s->ports, sizeof(struct scn_port),
			  l->s->n_ports, offsetof(struct scn_port, name));
}

int scn_find_host(struct scn_loader *l, const struct yu_node *n, const char *what)
{
	return find_named(l, n, what, "host", l->s->hosts, sizeof(struct scn_host),
			  l->s->n_hosts, offsetof(struct scn_host, name));
}

int scn_find_radio(struct scn_loader *l, const struct yu_node *n, const char *what)
{
	return find_named(l, n, what, "radio", l->s->radios, sizeof(struct scn_radio),
			  l->s->n_radios, offsetof(struct scn_radio, name));
}

int scenario_port_index(const struct scenario *s, const char *name)
{
	return index_of_name(s->ports, sizeof(struct scn_port), s->n_ports,
			     offsetof(struct scn_port, name), name);
}

int scenario_host_index(const struct scenario *s, const char *name)
{
	return index_of_name(s->hosts, sizeof(struct scn_host), s->n_hosts,
			     offsetof(struct scn_host, name), name);
}

int scenario_radio_index(const struct scenario *s, const char *name)
{
	return index_of_name(s->radios, sizeof(struct scn_radio), s->n_radios,
			     offsetof(struct scn_radio, name), name);
}

/* A value or a list of values: the items of a list, or NULL meaning "n itself" (count 1). */
const struct yu_node *const *scn_one_or_list(const struct yu_node *n, uint32_t *count)
{
	if (n->kind == YU_SEQ) {
		*count = n->n_items;
		return (const struct yu_node *const *)n->items;
	}
	*count = 1;
	return NULL;
}

const struct yu_node *scn_list_item(const struct yu_node *n, const struct yu_node *const *v,
				    uint32_t i)
{
	return v ? v[i] : n;
}

/* "192.168.1.1/24" or "fd00::1/64" */
bool scn_parse_prefix(struct scn_loader *l, const struct yu_node *n, const char *what,
		      struct scn_prefix *out, bool need_plen)
{
	const char *slash;
	char *end;
	unsigned long plen;
	int fam;

	if (!yu_expect_scalar(l->d, n, what))
		return false;
	slash = strchr(n->text, '/');
	fam = fs_addr_parse(n->text, slash ? (size_t)(slash - n->text) : n->len, &out->addr);
	if (!fam) {
		ERR(l, n, "%s: expected an address%s such as 192.168.1.1%s or fd00::1%s, got '%s'",
		    what, need_plen ? " with prefix length" : "", need_plen ? "/24" : "",
		    need_plen ? "/64" : "", n->text);
		return false;
	}
	out->family = (uint8_t)fam;
	if (!slash) {
		if (need_plen) {
			ERR(l, n, "%s: '%s' needs a prefix length (e.g. /%d)", what, n->text,
			    fam == FS_AF_INET ? 24 : 64);
			return false;
		}
		out->plen = fam == FS_AF_INET ? 32 : 128;
		return true;
	}
	plen = strtoul(slash + 1, &end, 10);
	if (!g_ascii_isdigit(slash[1]) || *end || plen > (fam == FS_AF_INET ? 32UL : 128UL)) {
		ERR(l, n, "%s: bad prefix length in '%s' (0..%d)", what, n->text,
		    fam == FS_AF_INET ? 32 : 128);
		return false;
	}
	out->plen = (uint8_t)plen;
	return true;
}

bool scn_parse_addr(struct scn_loader *l, const struct yu_node *n, const char *what, int family,
		    union fs_addr *out)
{
	int fam;

	if (!yu_expect_scalar(l->d, n, what))
		return false;
	fam = strchr(n->text, '/') ? 0 : fs_addr_parse(n->text, n->len, out);
	if (!fam || (family && fam != family)) {
		ERR(l, n, "%s: expected an %s address, got '%s'", what,
		    family == FS_AF_INET6 ? "IPv6" : family == FS_AF_INET ? "IPv4" : "IP",
		    n->text);
		return false;
	}
	return true;
}

char *scn_addr_text(uint8_t family, const union fs_addr *a)
{
	char buf[64];

	fs_addr_format(buf, sizeof(buf), family, a);
	return g_strdup(buf);
}

/* Paths are relative to the scenario file's directory. */
char *scn_resolve_path(struct scn_loader *l, const char *p)
{
	if (g_path_is_absolute(p))
		return g_strdup(p);
	return g_build_filename(l->s->dir, p, NULL);
}

bool scn_key_in(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; n ? i < n : list[i] != NULL; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}
