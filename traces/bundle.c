/* SPDX-License-Identifier: MIT */
/*
 * bundle.c - the trace bundle container: a directory or a .tar(.gz) read into memory, its
 * layout and manifest checked, its samples listed (bundle.h has the contract, the format is
 * docs/trace-bundle.md).
 *
 * The work is split by concern: bundle_archive.c reads a directory or a .tar(.gz) into
 * memory, bundle_manifest.c checks the manifest, bundle_samples.c lists the samples; this
 * file finds the top directory, opens and frees a bundle and answers lookups
 * (bundle_internal.h has the private declarations they share).
 *
 * Invariants:
 *  - every stored path is relative, normalised ("a/b", no "." or ".." parts, no "//"),
 *    made of printable ASCII, at most BUNDLE_PATH_MAX bytes;
 *  - the total of the stored contents never exceeds BUNDLE_MAX_BYTES and the count
 *    BUNDLE_MAX_FILES, whatever the archive claims (checked before allocating);
 *  - a returned bundle has a manifest whose format, version, interval, complete and samples
 *    keys are valid, and samples sorted by seq with distinct seqs.
 */
#include "bundle_internal.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

G_DEFINE_QUARK(flowsim-bundle-error-quark, bundle_error)

/* ---------------------------------------------------------------- layout ---- */

/*
 * Where the bundle starts: "manifest" at the top, or "<top>/manifest" when every file is
 * under one directory (the collector's archives).  Moves the files into b->files with the
 * top removed.
 */
static bool find_top(struct open_ctx *c, GError **error)
{
	struct bundle *b = c->b;
	GHashTableIter it;
	gpointer k, v;
	char *top = NULL;
	bool one_top = true;

	if (!g_hash_table_size(c->files)) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
			    "%s: holds no files: not a trace bundle", b->source);
		return false;
	}
	if (!g_hash_table_contains(c->files, BUNDLE_MANIFEST)) {
		g_hash_table_iter_init(&it, c->files);
		while (g_hash_table_iter_next(&it, &k, NULL) && one_top) {
			const char *slash = strchr(k, '/');

			if (!slash)
				one_top = false;
			else if (!top)
				top = g_strndup(k, (gsize)(slash - (const char *)k));
			else if (strncmp(k, top, strlen(top)) || ((const char *)k)[strlen(top)] != '/')
				one_top = false;
		}
		if (one_top && top) {
			char *m = g_strconcat(top, "/" BUNDLE_MANIFEST, NULL);

			one_top = g_hash_table_contains(c->files, m);
			g_free(m);
		}
		if (!one_top || !top) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s: no manifest: a trace bundle has a file named '"
				    BUNDLE_MANIFEST "' at its top or in its one top directory "
				    "(as traces/collect.sh writes it)", b->source);
			g_free(top);
			return false;
		}
	}
	b->top = top ? top : g_strdup("");
	g_hash_table_iter_init(&it, c->files);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *rel = (const char *)k + (*b->top ? strlen(b->top) + 1 : 0);

		g_hash_table_insert(b->files, g_strdup(rel), g_bytes_ref(v));
		g_ptr_array_add(b->paths, g_strdup(rel));
	}
	g_ptr_array_sort(b->paths, bundle_str_ptr_cmp);
	b->total_bytes = c->total;
	return true;
}

/* ------------------------------------------------------------------- open ---- */

static struct bundle *bundle_new(const char *path)
{
	struct bundle *b = g_new0(struct bundle, 1);

	b->source = g_strdup(path);
	b->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bundle_bytes_unref);
	b->paths = g_ptr_array_new_with_free_func(g_free);
	b->manifest = g_array_new(FALSE, TRUE, sizeof(struct bundle_kv));
	b->samples = g_array_new(FALSE, TRUE, sizeof(struct bundle_sample));
	b->ppe_dirs = g_ptr_array_new_with_free_func(g_free);
	trace_diags_init(&b->diags);
	return b;
}

/* Everything after reading the files: top directory, manifest, samples. */
static struct bundle *finish_open(struct open_ctx *c, bool ok, GError **error)
{
	struct bundle *b = c->b;

	ok = ok && find_top(c, error);
	g_hash_table_destroy(c->files);
	ok = ok && bundle_parse_manifest(b, error) && bundle_list_samples(b, error);
	if (!ok) {
		bundle_free(b);
		return NULL;
	}
	return b;
}

struct bundle *bundle_open_bytes(const char *name, const void *data, gsize len,
				 GError **error)
{
	struct open_ctx c = { .b = bundle_new(name) };
	GBytes *copy = g_bytes_new(data, len);
	bool ok;

	c.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bundle_bytes_unref);
	ok = bundle_read_archive_bytes(&c, copy, error);
	g_bytes_unref(copy);
	return finish_open(&c, ok, error);
}

struct bundle *bundle_open(const char *path, GError **error)
{
	struct open_ctx c = { .b = bundle_new(path) };
	bool ok;

	c.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bundle_bytes_unref);
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		ok = bundle_walk_dir(&c, path, "", 0, error);
	} else if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		ok = bundle_read_archive(&c, error);
	} else {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s: %s", path,
			    g_strerror(ENOENT));
		ok = false;
	}
	return finish_open(&c, ok, error);
}

void bundle_free(struct bundle *b)
{
	guint i;

	if (!b)
		return;
	for (i = 0; i < b->manifest->len; i++) {
		struct bundle_kv *kv = &g_array_index(b->manifest, struct bundle_kv, i);

		g_free(kv->key);
		g_free(kv->value);
	}
	for (i = 0; i < b->samples->len; i++)
		g_free(g_array_index(b->samples, struct bundle_sample, i).dir);
	g_array_free(b->manifest, TRUE);
	g_array_free(b->samples, TRUE);
	g_ptr_array_free(b->paths, TRUE);
	g_ptr_array_free(b->ppe_dirs, TRUE);
	g_hash_table_destroy(b->files);
	trace_diags_clear(&b->diags);
	g_free(b->manifest_text);
	g_free(b->source);
	g_free(b->top);
	g_free(b);
}

const char *bundle_manifest_get(const struct bundle *b, const char *key)
{
	const struct bundle_kv *kv = bundle_manifest_kv(b, key);

	return kv ? kv->value : NULL;
}

const char *bundle_get(const struct bundle *b, const char *relpath, gsize *len)
{
	GBytes *d = g_hash_table_lookup(b->files, relpath);
	gsize n = 0;
	const char *p;

	if (!d) {
		if (len)
			*len = 0;
		return NULL;
	}
	p = g_bytes_get_data(d, &n);
	if (len)
		*len = n;
	return p ? p : "";
}

char *bundle_file_label(const struct bundle *b, const char *relpath)
{
	const char *sep = b->archive ? ":" : "/";

	if (*b->top)
		return g_strconcat(b->source, sep, b->top, "/", relpath, NULL);
	return g_strconcat(b->source, sep, relpath, NULL);
}
