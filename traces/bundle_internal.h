/* SPDX-License-Identifier: MIT */
/*
 * bundle_internal.h - private declarations shared by the trace bundle container's files:
 * bundle.c (layout, open, accessors), bundle_archive.c (the directory / tar / gzip reader),
 * bundle_manifest.c (the manifest) and bundle_samples.c (the sample directories).
 * Not part of the bundle.h contract.
 */
#ifndef FLOWSIM_TRACES_BUNDLE_INTERNAL_H
#define FLOWSIM_TRACES_BUNDLE_INTERNAL_H

#include "bundle.h"

#include <stdbool.h>

#include <glib.h>

/* What bundle_open() is reading into: the files before the top directory is removed. */
struct open_ctx {
	struct bundle *b;
	GHashTable *files;        /* raw path (before the top directory is removed) -> GBytes */
	guint64 total;
};

/* bundle_archive.c */
gint bundle_str_ptr_cmp(gconstpointer a, gconstpointer b);
void bundle_bytes_unref(gpointer p);
bool bundle_walk_dir(struct open_ctx *c, const char *abs, const char *rel, guint depth,
	      GError **error);
bool bundle_read_archive_bytes(struct open_ctx *c, GBytes *data, GError **error);
bool bundle_read_archive(struct open_ctx *c, GError **error);

/* bundle_manifest.c */
const struct bundle_kv *bundle_manifest_kv(const struct bundle *b, const char *key);
bool bundle_manifest_uint(const struct bundle *b, const char *key, bool required, u32 *out,
			  bool *present, GError **error);
bool bundle_parse_manifest(struct bundle *b, GError **error);

/* bundle_samples.c */
bool bundle_list_samples(struct bundle *b, GError **error);

#endif
