/* SPDX-License-Identifier: MIT */
/*
 * bundle.c - the trace bundle container: a directory or a .tar(.gz) read into memory, its
 * layout and manifest checked, its samples listed (bundle.h has the contract, the format is
 * docs/trace-bundle.md).
 *
 * The archive reader is our own: gzip through GIO's GZlibDecompressor (zlib, already linked
 * through json-glib's gio), then the tar blocks in memory.  It understands what GNU tar,
 * busybox tar and bsdtar write for regular files and directories: POSIX ustar (name +
 * prefix), GNU long names ('L'), pax extended headers ('x': path, size; 'g' ignored).
 * Everything else (links, devices, FIFOs) is refused: a bundle holds files only, and a
 * link could point anywhere.
 *
 * Invariants:
 *  - every stored path is relative, normalised ("a/b", no "." or ".." parts, no "//"),
 *    made of printable ASCII, at most BUNDLE_PATH_MAX bytes;
 *  - the total of the stored contents never exceeds BUNDLE_MAX_BYTES and the count
 *    BUNDLE_MAX_FILES, whatever the archive claims (checked before allocating);
 *  - a returned bundle has a manifest whose format, version, interval, complete and samples
 *    keys are valid, and samples sorted by seq with distinct seqs.
 */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK(flowsim-bundle-error-quark, bundle_error)

#define TAR_BLOCK 512u
#define DIR_DEPTH_MAX 16

/* ------------------------------------------------------------------ files ---- */

/* g_ptr_array_sort() hands the comparator pointers to the elements */
static gint str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct open_ctx {
	struct bundle *b;
	GHashTable *files;        /* raw path (before the top directory is removed) -> GBytes */
	guint64 total;
};

static void bytes_unref(gpointer p)
{
	g_bytes_unref(p);
}

/* Contents + a NUL after them, so text parsers may treat them as a string. */
static GBytes *bytes_with_nul(const void *data, gsize len)
{
	char *copy = g_malloc(len + 1);

	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	return g_bytes_new_with_free_func(copy, len, g_free, copy);
}

/*
 * Normalise an archive or directory path into out: no leading "./" or "/", no "." parts,
 * no empty parts.  False (with the reason) for "..", control bytes, or an over-long path.
 */
static bool normalise_path(const char *in, gsize len, GString *out, const char **why)
{
	gsize i = 0;

	g_string_truncate(out, 0);
	if (len && in[0] == '/') {
		*why = "an absolute path";
		return false;
	}
	while (i < len) {
		gsize j = i;

		while (j < len && in[j] != '/')
			j++;
		if (j - i == 2 && in[i] == '.' && in[i + 1] == '.') {
			*why = "a \"..\" component";
			return false;
		}
		if (j > i && !(j - i == 1 && in[i] == '.')) {
			gsize k;

			for (k = i; k < j; k++) {
				unsigned char c = (unsigned char)in[k];

				if (c < 0x20 || c >= 0x7f || c == '\\') {
					*why = "a control, backslash or non-ASCII byte";
					return false;
				}
			}
			if (out->len)
				g_string_append_c(out, '/');
			g_string_append_len(out, in + i, (gssize)(j - i));
		}
		i = j + 1;
	}
	if (out->len > BUNDLE_PATH_MAX) {
		*why = "longer than " G_STRINGIFY(BUNDLE_PATH_MAX) " bytes";
		return false;
	}
	return true;
}

static bool check_limits(struct open_ctx *c, guint64 size, const char *what, GError **error)
{
	if (g_hash_table_size(c->files) >= BUNDLE_MAX_FILES) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
			    "%s: more than %u files: not a trace bundle (or a damaged one)",
			    c->b->source, BUNDLE_MAX_FILES);
		return false;
	}
	if (size > BUNDLE_MAX_BYTES || c->total + size > BUNDLE_MAX_BYTES) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
			    "%s: %s: the files add up to more than %llu MiB, the most flowsim "
			    "reads from one bundle", c->b->source, what,
			    (unsigned long long)(BUNDLE_MAX_BYTES >> 20));
		return false;
	}
	return true;
}

/* Store a file; takes the reference to contents (NUL-terminated: see bytes_with_nul). */
static bool add_file(struct open_ctx *c, const char *raw, gsize raw_len, GBytes *contents,
		     GError **error)
{
	GString *p = g_string_new(NULL);
	const char *why = NULL;
	gsize len = g_bytes_get_size(contents);
	char *shown;

	if (!normalise_path(raw, raw_len, p, &why) || !p->len) {
		shown = g_strndup(raw, MIN(raw_len, 200));
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
			    "%s: file name '%s' is %s: refusing it", c->b->source,
			    g_strcanon(shown, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789./_-+:@,", '?'),
			    why ? why : "empty");
		g_free(shown);
		g_string_free(p, TRUE);
		g_bytes_unref(contents);
		return false;
	}
	if (!check_limits(c, len, p->str, error)) {
		g_string_free(p, TRUE);
		g_bytes_unref(contents);
		return false;
	}
	if (g_hash_table_contains(c->files, p->str)) {
		/* tar semantics: the later member wins; say so, a collector never does this */
		trace_diags_add(&c->b->diags, TRACE_WARNING, c->b->source, 0, 0,
				"'%s' appears twice in the archive: the later copy is used", p->str);
		c->total -= g_bytes_get_size(g_hash_table_lookup(c->files, p->str));
	}
	c->total += len;
	g_hash_table_replace(c->files, g_string_free(p, FALSE), contents);
	return true;
}

/* ------------------------------------------------------------------- gzip ---- */

static GByteArray *gunzip(const guint8 *in, gsize in_len, struct bundle *b, GError **error)
{
	GZlibDecompressor *dec = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	GByteArray *out;
	guint8 *buf = g_malloc(1u << 16);
	gsize pos = 0;
	guint32 isize = 0;

	/*
	 * The gzip trailer's ISIZE (size mod 2^32) sizes the buffer in one go: doubling a
	 * 400 MB buffer would need 800 MB for a moment.  Only a hint: a wrong one costs a
	 * reallocation, never correctness.
	 */
	if (in_len >= 18)
		isize = (guint32)in[in_len - 4] | (guint32)in[in_len - 3] << 8 |
			(guint32)in[in_len - 2] << 16 | (guint32)in[in_len - 1] << 24;
	out = g_byte_array_sized_new((guint)MIN(MIN((guint64)isize + 1, (guint64)in_len * 64),
						BUNDLE_MAX_BYTES));

	for (;;) {
		GError *e = NULL;
		gsize nread = 0, nwritten = 0;
		GConverterResult res;

		res = g_converter_convert(G_CONVERTER(dec), in + pos, in_len - pos, buf, 1u << 16,
					  G_CONVERTER_INPUT_AT_END, &nread, &nwritten, &e);
		if (res == G_CONVERTER_ERROR) {
			if (g_error_matches(e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
					    "%s: truncated gzip stream: it ends after %" G_GSIZE_FORMAT
					    " compressed bytes (%u bytes unpacked) before its end "
					    "marker; the file was cut short (copy it again)",
					    b->source, in_len, out->len);
			else
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
					    "%s: corrupt gzip data near compressed byte %" G_GSIZE_FORMAT
					    ": %s", b->source, pos, e->message);
			g_error_free(e);
			goto fail;
		}
		pos += nread;
		if ((guint64)out->len + nwritten > BUNDLE_MAX_BYTES + (64u << 20)) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
				    "%s: unpacks to more than %llu MiB, the most flowsim reads from "
				    "one bundle", b->source,
				    (unsigned long long)(BUNDLE_MAX_BYTES >> 20));
			goto fail;
		}
		g_byte_array_append(out, buf, (guint)nwritten);
		if (res != G_CONVERTER_FINISHED)
			continue;
		/* end of one gzip member: `cat a.gz b.gz` is still gzip, anything else is not */
		if (pos + 2 <= in_len && in[pos] == 0x1f && in[pos + 1] == 0x8b) {
			g_converter_reset(G_CONVERTER(dec));
			continue;
		}
		if (pos < in_len)
			trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
					"%" G_GSIZE_FORMAT " bytes after the end of the gzip stream "
					"ignored", in_len - pos);
		break;
	}
	g_free(buf);
	g_object_unref(dec);
	return out;
fail:
	g_free(buf);
	g_object_unref(dec);
	g_byte_array_free(out, TRUE);
	return NULL;
}

/* -------------------------------------------------------------------- tar ---- */

/* Offsets in a ustar header block */
#define TH_NAME 0
#define TH_SIZE 124
#define TH_CHKSUM 148
#define TH_TYPE 156
#define TH_MAGIC 257
#define TH_PREFIX 345

static bool block_is_zero(const guint8 *h)
{
	guint i;

	for (i = 0; i < TAR_BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* An octal header field: optional leading spaces, digits, then NUL/space padding. */
static bool tar_octal(const guint8 *f, guint len, guint64 *out)
{
	guint i = 0;
	guint64 v = 0;
	bool digits = false;

	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (guint64)(f[i] - '0');
		digits = true;
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return digits;
}

static bool tar_checksum_ok(const guint8 *h)
{
	guint64 want, sum_u = 0;
	gint64 sum_s = 0;
	guint i;

	if (!tar_octal(h + TH_CHKSUM, 8, &want))
		return false;
	for (i = 0; i < TAR_BLOCK; i++) {
		guint8 c = (i >= TH_CHKSUM && i < TH_CHKSUM + 8) ? ' ' : h[i];

		sum_u += c;
		sum_s += (gint8)c;   /* some old tars summed signed chars */
	}
	return want == sum_u || (gint64)want == sum_s;
}

/* pax extended header records "LEN key=value\n": the path and size keys matter. */
static bool pax_parse(const guint8 *d, gsize len, char **path, bool *has_size, guint64 *size,
		      const char *source, guint64 offset, GError **error)
{
	gsize pos = 0;

	while (pos < len) {
		gsize rlen = 0, p = pos, eq;
		const char *rec;

		if (d[pos] == '\0')
			break;   /* NUL padding after the last record */
		while (p < len && d[p] >= '0' && d[p] <= '9' && rlen < (1u << 30))
			rlen = rlen * 10 + (gsize)(d[p++] - '0');
		if (p == pos || p >= len || d[p] != ' ' || rlen <= p - pos + 1 ||
		    rlen > len - pos || d[pos + rlen - 1] != '\n') {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
				    "%s: malformed pax header record at archive offset %" G_GUINT64_FORMAT
				    ": expected \"LENGTH key=value\\n\"", source, offset + pos);
			return false;
		}
		rec = (const char *)d + p + 1;
		eq = 0;
		while (rec + eq < (const char *)d + pos + rlen - 1 && rec[eq] != '=')
			eq++;
		if (rec + eq < (const char *)d + pos + rlen - 1) {
			gsize vlen = (gsize)((const char *)d + pos + rlen - 1 - (rec + eq + 1));

			if (eq == 4 && !memcmp(rec, "path", 4)) {
				g_free(*path);
				*path = g_strndup(rec + 5, vlen);
			} else if (eq == 4 && !memcmp(rec, "size", 4)) {
				char *v = g_strndup(rec + 5, vlen);

				*has_size = trace_parse_u64(v, vlen, size);
				g_free(v);
				if (!*has_size) {
					g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
						    "%s: pax header at archive offset %" G_GUINT64_FORMAT
						    ": size is not a number", source, offset + pos);
					return false;
				}
			}
		}
		pos += rlen;
	}
	return true;
}

static const char *tar_type_name(guint8 t)
{
	switch (t) {
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device";
	case '4': return "a block device";
	case '6': return "a FIFO";
	case 'S': return "a sparse file";
	default: return "an entry of an unknown type";
	}
}

/*
 * whole: the archive, in a writable buffer.  Members are not copied: each file is a slice
 * of whole, and the padding byte after its data (there is one unless the size is a
 * multiple of 512) is overwritten with the NUL that bundle_get() promises.
 */
static bool tar_parse(struct open_ctx *c, GBytes *whole, GError **error)
{
	gsize len;
	guint8 *a = (guint8 *)g_bytes_get_data(whole, &len);
	const char *src = c->b->source;
	gsize off = 0;
	char *long_name = NULL;       /* from a GNU 'L' or pax 'x' header: the next entry's */
	bool has_pax_size = false;
	guint64 pax_size = 0;
	bool ok = false, ended = false;

	while (off + TAR_BLOCK <= len) {
		const guint8 *h = a + off;
		guint64 size;
		gsize nlen, data_off, padded;
		char name[BUNDLE_PATH_MAX + 2];   /* ustar: 155 + '/' + 100; long names: <= max */
		guint8 type;

		if (block_is_zero(h)) {
			ended = true;
			break;
		}
		if (!tar_checksum_ok(h)) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
				    "%s: archive offset %" G_GSIZE_FORMAT ": not a tar header (bad "
				    "checksum)%s", src, off,
				    off ? "" : ": not a tar archive, nor a gzip-compressed one");
			goto out;
		}
		if (h[TH_SIZE] & 0x80) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
				    "%s: archive offset %" G_GSIZE_FORMAT ": member larger than 8 GiB",
				    src, off);
			goto out;
		}
		if (!tar_octal(h + TH_SIZE, 12, &size)) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
				    "%s: archive offset %" G_GSIZE_FORMAT ": size field is not octal",
				    src, off);
			goto out;
		}
		type = h[TH_TYPE];
		if (has_pax_size && type != 'x' && type != 'g' && type != 'L' && type != 'K') {
			size = pax_size;
			has_pax_size = false;
		}
		data_off = off + TAR_BLOCK;
		if (size > len - data_off) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
				    "%s: truncated tar archive: the member at offset %" G_GSIZE_FORMAT
				    " needs %" G_GUINT64_FORMAT " bytes, only %" G_GSIZE_FORMAT
				    " are left", src, off, size, len - data_off);
			goto out;
		}
		padded = (gsize)((size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK);
		/* the member's name: a pending long name, else ustar prefix + name */
		if (long_name) {
			g_strlcpy(name, long_name, sizeof(name));
			nlen = MIN(strlen(long_name), sizeof(name) - 1);
		} else {
			gsize plen = 0, l;

			/* POSIX ustar ("ustar\0") uses the prefix field; GNU ("ustar  ") does not */
			if (!memcmp(h + TH_MAGIC, "ustar\0", 6) && h[TH_PREFIX]) {
				plen = strnlen((const char *)h + TH_PREFIX, 155);
				memcpy(name, h + TH_PREFIX, plen);
				name[plen++] = '/';
			}
			l = strnlen((const char *)h + TH_NAME, 100);
			memcpy(name + plen, h + TH_NAME, l);
			nlen = plen + l;
			name[nlen] = '\0';
		}
		switch (type) {
		case 'L':   /* GNU long name: the data is the next member's name */
		case 'x':   /* pax extended header */
			if (size > 64 * 1024) {
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
					    "%s: archive offset %" G_GSIZE_FORMAT ": extended header of %"
					    G_GUINT64_FORMAT " bytes", src, off, size);
				goto out;
			}
			if (type == 'L') {
				g_free(long_name);
				long_name = g_strndup((const char *)a + data_off, (gsize)size);
			} else if (!pax_parse(a + data_off, (gsize)size, &long_name, &has_pax_size,
					      &pax_size, src, data_off, error)) {
				goto out;
			}
			if (long_name && strlen(long_name) > BUNDLE_PATH_MAX) {
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
					    "%s: archive offset %" G_GSIZE_FORMAT ": a file name longer "
					    "than %u bytes", src, off, BUNDLE_PATH_MAX);
				goto out;
			}
			off = data_off + padded;
			continue;
		case 'g':   /* pax global header, 'K' GNU long link name: nothing we use */
		case 'K':
			off = data_off + padded;
			continue;
		case '0':
		case '\0':
		case '7':   /* contiguous file: a regular file to everyone but old Masscomp */
			if (size % TAR_BLOCK && data_off + size < len) {
				a[data_off + size] = '\0';   /* a padding byte */
				if (!add_file(c, name, nlen, g_bytes_new_from_bytes(whole, data_off,
										    (gsize)size), error))
					goto out;
			} else if (!add_file(c, name, nlen, bytes_with_nul(a + data_off, (gsize)size),
					     error)) {
				goto out;
			}
			break;
		case '5':   /* directory: nothing to keep, names carry the structure */
			break;
		default: {
			char *shown = g_strndup(name, MIN(nlen, 200));

			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
				    "%s: '%s' is %s (tar type '%c'): a trace bundle holds only "
				    "regular files and directories", src, g_strcanon(shown,
				    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./_-",
				    '?'), tar_type_name(type), g_ascii_isprint(type) ? type : '?');
			g_free(shown);
			goto out;
		}
		}
		g_clear_pointer(&long_name, g_free);
		off = data_off + padded;
	}
	if (!ended) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
			    "%s: truncated tar archive: no end-of-archive marker after %"
			    G_GSIZE_FORMAT " bytes%s", src, len,
			    off < len ? " (it ends inside a header block)" : "");
		goto out;
	}
	ok = true;
out:
	g_free(long_name);
	return ok;
}

/* -------------------------------------------------------------- directory ---- */

static bool walk_dir(struct open_ctx *c, const char *abs, const char *rel, guint depth,
		     GError **error)
{
	GError *e = NULL;
	GDir *dir;
	const char *ent;
	GPtrArray *names;
	bool ok = true;
	guint i;

	if (depth > DIR_DEPTH_MAX) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LIMIT,
			    "%s: directories nested more than %d deep at '%s'", c->b->source,
			    DIR_DEPTH_MAX, rel);
		return false;
	}
	dir = g_dir_open(abs, 0, &e);
	if (!dir) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s: %s", c->b->source,
			    e->message);
		g_error_free(e);
		return false;
	}
	/* sorted, so that messages and duplicate handling do not depend on readdir order */
	names = g_ptr_array_new_with_free_func(g_free);
	while ((ent = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(ent));
	g_dir_close(dir);
	g_ptr_array_sort(names, str_ptr_cmp);
	for (i = 0; i < names->len && ok; i++) {
		const char *n = *(const char **)&names->pdata[i];
		char *child = g_build_filename(abs, n, NULL);
		char *crel = *rel ? g_strconcat(rel, "/", n, NULL) : g_strdup(n);
		struct stat st;

		if (lstat(child, &st) != 0) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s: %s", child,
				    g_strerror(errno));
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk_dir(c, child, crel, depth + 1, error);
		} else if (S_ISREG(st.st_mode)) {
			char *data = NULL;
			gsize len = 0;

			ok = check_limits(c, (guint64)st.st_size, crel, error);
			if (ok && !g_file_get_contents(child, &data, &len, &e)) {
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s", e->message);
				g_clear_error(&e);
				ok = false;
			}
			if (ok) {
				/* g_file_get_contents() put a NUL after the data */
				ok = add_file(c, crel, strlen(crel), g_bytes_new_take(data, len),
					      error);
				data = NULL;
			}
			g_free(data);
		} else {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s: %s: a trace bundle holds only regular files and directories",
				    child, S_ISLNK(st.st_mode) ? "is a symbolic link" :
								 "is not a regular file");
			ok = false;
		}
		g_free(child);
		g_free(crel);
	}
	g_ptr_array_free(names, TRUE);
	return ok;
}

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
	g_ptr_array_sort(b->paths, str_ptr_cmp);
	b->total_bytes = c->total;
	return true;
}

/* --------------------------------------------------------------- manifest ---- */

static bool key_ok(const char *s, gsize len, gsize *bad)
{
	gsize i;

	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!(g_ascii_islower(ch) || ch == '_' || (i && g_ascii_isdigit(ch)))) {
			*bad = i;
			return false;
		}
	}
	*bad = len;
	return len > 0;
}

static bool manifest_error(GError **error, const struct bundle *b, u32 line, u32 col,
			   const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static bool manifest_error(GError **error, const struct bundle *b, u32 line, u32 col,
			   const char *fmt, ...)
{
	char *label = bundle_file_label(b, BUNDLE_MANIFEST);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (line && col)
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_MANIFEST, "%s:%u:%u: %s", label,
			    line, col, msg);
	else if (line)
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_MANIFEST, "%s:%u: %s", label, line,
			    msg);
	else
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_MANIFEST, "%s: %s", label, msg);
	g_free(label);
	g_free(msg);
	return false;
}

static const struct bundle_kv *manifest_kv(const struct bundle *b, const char *key)
{
	guint i;

	for (i = 0; i < b->manifest->len; i++) {
		const struct bundle_kv *kv = &g_array_index(b->manifest, struct bundle_kv, i);

		if (!strcmp(kv->key, key))
			return kv;
	}
	return NULL;
}

/* A required unsigned key; empty values are allowed only when !required. */
static bool manifest_uint(const struct bundle *b, const char *key, bool required, u32 *out,
			  bool *present, GError **error)
{
	const struct bundle_kv *kv = manifest_kv(b, key);
	u32 v;

	if (present)
		*present = false;
	if (!kv || !*kv->value) {
		if (!required)
			return true;
		if (!kv)
			return manifest_error(error, b, 0, 0, "missing key '%s'", key);
		return manifest_error(error, b, kv->line, (u32)strlen(key) + 2,
				      "'%s' has no value: expected a whole number", key);
	}
	if (!trace_parse_u32(kv->value, strlen(kv->value), &v))
		return manifest_error(error, b, kv->line, (u32)strlen(key) + 2,
				      "'%s': expected a whole number, found '%s'", key, kv->value);
	*out = v;
	if (present)
		*present = true;
	return true;
}

static bool manifest_int64(const struct bundle *b, const char *key, GError **error)
{
	const struct bundle_kv *kv = manifest_kv(b, key);
	guint64 v;

	if (!kv || !*kv->value)
		return true;
	if (!trace_parse_u64(kv->value, strlen(kv->value), &v))
		return manifest_error(error, b, kv->line, (u32)strlen(key) + 2,
				      "'%s': expected seconds since 1970, found '%s'", key,
				      kv->value);
	return true;
}

static bool parse_manifest(struct bundle *b, GError **error)
{
	gsize len;
	const char *text = bundle_get(b, BUNDLE_MANIFEST, &len);
	struct trace_reader r;
	struct trace_line l;
	const struct bundle_kv *kv;
	u32 v;
	bool ok = true;

	b->manifest_text = g_strndup(text, len);
	trace_reader_init_buffer(&r, text, len);
	while (ok && trace_reader_next(&r, &l)) {
		struct bundle_kv nkv;
		const char *eq;
		gsize bad;

		if (l.flags & TRACE_LINE_TRUNCATED) {
			ok = manifest_error(error, b, l.number, 0, "line longer than %u bytes",
					    TRACE_LINE_MAX);
			break;
		}
		if (l.flags & TRACE_LINE_HAS_NUL) {
			ok = manifest_error(error, b, l.number,
					    (u32)((const char *)memchr(l.text, 0, l.len) - l.text) + 1,
					    "NUL byte: the manifest is text");
			break;
		}
		if (!l.len || l.text[0] == '#')
			continue;
		eq = memchr(l.text, '=', l.len);
		if (!key_ok(l.text, eq ? (gsize)(eq - l.text) : l.len, &bad) || !eq) {
			if (!eq && bad == l.len)
				ok = manifest_error(error, b, l.number, (u32)l.len + 1,
						    "expected '=' after the key: lines are key=value");
			else
				ok = manifest_error(error, b, l.number, (u32)bad + 1,
						    "expected a key of lower-case letters, digits "
						    "and '_' before '=': lines are key=value");
			break;
		}
		nkv.key = g_strndup(l.text, (gsize)(eq - l.text));
		if (manifest_kv(b, nkv.key)) {
			ok = manifest_error(error, b, l.number, 1, "key '%s' given twice (first "
					    "on line %u)", nkv.key, manifest_kv(b, nkv.key)->line);
			g_free(nkv.key);
			break;
		}
		nkv.value = g_strndup(eq + 1, l.len - (gsize)(eq + 1 - l.text));
		nkv.line = l.number;
		g_array_append_val(b->manifest, nkv);
	}
	trace_reader_destroy(&r);
	if (!ok)
		return false;

	kv = manifest_kv(b, "format");
	if (!kv)
		return manifest_error(error, b, 0, 0, "missing key 'format' (expected format="
				      BUNDLE_FORMAT "): not a flowsim trace bundle manifest");
	if (strcmp(kv->value, BUNDLE_FORMAT))
		return manifest_error(error, b, kv->line, 8, "format is '%s', expected '"
				      BUNDLE_FORMAT "'", kv->value);
	if (!manifest_uint(b, "version", true, &b->version, NULL, error))
		return false;
	if (b->version < 1 || b->version > BUNDLE_VERSION)
		return manifest_error(error, b, manifest_kv(b, "version")->line, 9,
				      "version %u: this flowsim reads bundle version %d", b->version,
				      BUNDLE_VERSION);
	if (!manifest_uint(b, "interval", true, &b->interval, NULL, error))
		return false;
	if (!b->interval)
		return manifest_error(error, b, manifest_kv(b, "interval")->line, 10,
				      "interval is 0: expected seconds >= 1");
	kv = manifest_kv(b, "complete");
	if (!kv)
		return manifest_error(error, b, 0, 0, "missing key 'complete'");
	if (strcmp(kv->value, "0") && strcmp(kv->value, "1"))
		return manifest_error(error, b, kv->line, 10, "complete: expected 0 or 1, found "
				      "'%s'", kv->value);
	b->complete = kv->value[0] == '1';
	if (!manifest_uint(b, "samples", true, &v, NULL, error) ||
	    !manifest_uint(b, "duration", false, &v, NULL, error) ||
	    !manifest_int64(b, "start_unix", error) || !manifest_int64(b, "end_unix", error))
		return false;
	if (!b->complete)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"the collector did not finish (complete=0): the last samples may "
				"be missing");
	return true;
}

/* ---------------------------------------------------------------- samples ---- */

static bool is_ppe_dir(const char *s, gsize len)
{
	gsize i;

	if (len == 3 && !memcmp(s, "ppe", 3))
		return true;                       /* Airoha */
	if (len == 7 && !memcmp(s, "mtk_ppe", 7))
		return true;                       /* before the multi-PPE rework */
	if (len < 4 || len > 5 || memcmp(s, "ppe", 3))
		return false;
	for (i = 3; i < len; i++)
		if (!g_ascii_isdigit(s[i]))
			return false;
	return true;
}

static bool known_sample_file(const char *f)
{
	static const char *const names[] = {
		"time", "stat", "nf_conntrack", "conntrack", "conntrack.stderr",
	};
	const char *slash = strchr(f, '/');
	guint i;

	if (slash)
		return is_ppe_dir(f, (gsize)(slash - f)) &&
		       (!strcmp(slash + 1, "entries") || !strcmp(slash + 1, "bind"));
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (!strcmp(f, names[i]))
			return true;
	return false;
}

static bool known_top_file(const char *p)
{
	static const char *const statics[] = {
		"uname", "openwrt_release", "cpuinfo", "version", "firewall.uci",
		"ruleset.json", "wed_enable", "sysctl",
	};
	guint i;

	if (!strcmp(p, BUNDLE_MANIFEST) || !strcmp(p, "collect.log"))
		return true;
	if (!strncmp(p, "static/", 7))
		for (i = 0; i < G_N_ELEMENTS(statics); i++)
			if (!strcmp(p + 7, statics[i]))
				return true;
	return false;
}

/* "12345.67" (as /proc/uptime prints it) to centiseconds; more decimals are cut. */
static bool parse_uptime(const char *s, gsize len, u64 *cs)
{
	const char *dot = memchr(s, '.', len);
	u64 whole, frac = 0;
	gsize flen, i;

	if (!trace_parse_u64(s, dot ? (gsize)(dot - s) : len, &whole) || whole > G_MAXUINT64 / 200)
		return false;
	if (dot) {
		flen = len - (gsize)(dot + 1 - s);
		if (!flen)
			return false;
		for (i = 0; i < flen; i++) {
			if (!g_ascii_isdigit(dot[1 + i]))
				return false;
			if (i < 2)
				frac = frac * 10 + (u64)(dot[1 + i] - '0');
		}
		if (flen == 1)
			frac *= 10;
	}
	*cs = whole * 100 + frac;
	return true;
}

static bool parse_time_file(struct bundle *b, struct bundle_sample *s, GError **error)
{
	char *rel = g_strconcat(s->dir, "/time", NULL);
	gsize len;
	const char *text = bundle_get(b, rel, &len);
	struct trace_reader r;
	struct trace_line l;
	bool ok = true;

	if (!text) {
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"%s: no time file: the sample's time is taken from its number", rel);
		g_free(rel);
		return true;
	}
	trace_reader_init_buffer(&r, text, len);
	while (ok && trace_reader_next(&r, &l)) {
		const char *eq = memchr(l.text, '=', l.len);
		gsize klen = eq ? (gsize)(eq - l.text) : 0, vlen;
		const char *v = eq ? eq + 1 : NULL;
		char *label;
		guint64 u;

		if (!l.len)
			continue;
		vlen = eq ? l.len - klen - 1 : 0;
		label = bundle_file_label(b, rel);
		if (!eq || (l.flags & (TRACE_LINE_HAS_NUL | TRACE_LINE_TRUNCATED))) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s:%u:1: expected unix=SECONDS, uptime=SECONDS.CC or "
				    "uptime_end=SECONDS.CC", label, l.number);
			ok = false;
		} else if (!vlen) {
			/* the collector could not read the clock: nothing to note */
		} else if (klen == 4 && !memcmp(l.text, "unix", 4)) {
			ok = trace_parse_u64(v, vlen, &u) && u <= G_MAXINT64;
			s->has_unix = ok;
			s->unix_time = (s64)u;
		} else if (klen == 6 && !memcmp(l.text, "uptime", 6)) {
			ok = parse_uptime(v, vlen, &s->uptime_cs);
			s->has_uptime = ok;
		} else if (klen == 10 && !memcmp(l.text, "uptime_end", 10)) {
			ok = parse_uptime(v, vlen, &s->uptime_end_cs);
			s->has_uptime_end = ok;
		} else {
			trace_diags_add(&b->diags, TRACE_NOTE, label, l.number, 1,
					"unknown key '%.*s' ignored", (int)MIN(klen, 40), l.text);
		}
		if (!ok && eq)
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
				    "%s:%u:%u: expected a number of seconds after '%.*s=', found "
				    "'%.*s'", label, l.number, (u32)klen + 2, (int)klen, l.text,
				    (int)MIN(vlen, 40), v);
		g_free(label);
	}
	trace_reader_destroy(&r);
	g_free(rel);
	return ok;
}

static gint sample_cmp(gconstpointer a, gconstpointer b)
{
	const struct bundle_sample *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sample times: /proc/uptime when it advances from sample to sample (centiseconds,
 * immune to wall-clock steps), else the wall clock when it never goes backwards, else
 * sample number x interval.  A stuck uptime is what a fake root gives.
 */
static void set_sample_times(struct bundle *b)
{
	bool mono_up = true, mono_unix = true, all_up = true, all_unix = true;
	guint i;

	for (i = 0; i < b->samples->len; i++) {
		const struct bundle_sample *s = &g_array_index(b->samples, struct bundle_sample, i);
		const struct bundle_sample *q = i ? s - 1 : NULL;

		all_up = all_up && s->has_uptime;
		all_unix = all_unix && s->has_unix;
		if (q && s->has_uptime && q->has_uptime && s->uptime_cs <= q->uptime_cs)
			mono_up = false;
		if (q && s->has_unix && q->has_unix && s->unix_time < q->unix_time)
			mono_unix = false;
	}
	if (all_up && !mono_up && b->samples->len > 1)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"/proc/uptime does not advance between samples (a reboot, or a "
				"fake root): sample times are taken from %s",
				all_unix && mono_unix ? "the wall clock" : "their numbers");
	b->time_from_uptime = all_up && mono_up;
	b->time_from_unix = !b->time_from_uptime && all_unix && mono_unix;
	if (!all_up && !b->time_from_unix && b->samples->len)
		trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
				"not every sample has a usable time: times are sample number x "
				"interval");
	for (i = 0; i < b->samples->len; i++) {
		struct bundle_sample *s = &g_array_index(b->samples, struct bundle_sample, i);
		const struct bundle_sample *s0 = &g_array_index(b->samples, struct bundle_sample, 0);

		if (b->time_from_uptime)
			s->t = (double)(s->uptime_cs - s0->uptime_cs) / 100.0;
		else if (b->time_from_unix)
			s->t = (double)(s->unix_time - s0->unix_time);
		else
			s->t = (double)(s->seq - s0->seq) * b->interval;
	}
}

static bool list_samples(struct bundle *b, GError **error)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *ppe = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k;
	u32 declared = 0, i;
	bool ok = true;
	guint p;

	for (p = 0; p < b->paths->len && ok; p++) {
		const char *path = g_ptr_array_index(b->paths, p);
		const char *name, *slash;
		gsize dlen, d;
		u32 seq = 0;

		if (strncmp(path, "samples/", 8)) {
			if (!known_top_file(path))
				trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
						"'%s' is not part of the bundle format: ignored", path);
			continue;
		}
		name = path + 8;
		slash = strchr(name, '/');
		if (!slash) {
			trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
					"'%s': a file directly under samples/: ignored", path);
			continue;
		}
		dlen = (gsize)(slash - name);
		for (d = 0; d < dlen && g_ascii_isdigit(name[d]); d++)
			;
		if (d != dlen || !dlen || dlen > 9) {
			if (dlen > 4 && !memcmp(name + dlen - 4, ".tmp", 4))
				trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
						"'%.*s': a sample the collector did not finish: ignored",
						(int)(dlen + 8), path);
			else
				trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
						"'%s': sample directories are named by number "
						"(samples/000001): ignored", path);
			continue;
		}
		trace_parse_u32(name, dlen, &seq);
		if (!known_sample_file(slash + 1))
			trace_diags_add(&b->diags, TRACE_NOTE, b->source, 0, 0,
					"'%s' is not part of the bundle format: ignored", path);
		else if (strchr(slash + 1, '/'))
			g_hash_table_add(ppe, g_strndup(slash + 1,
					 (gsize)(strchr(slash + 1, '/') - (slash + 1))));
		{
			char *dir = g_strndup(path, dlen + 8);
			struct bundle_sample s;
			guint j;

			if (g_hash_table_contains(seen, dir)) {
				g_free(dir);
				continue;
			}
			if (!seq) {
				g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
					    "%s: '%s': samples are numbered from 1", b->source, dir);
				g_free(dir);
				ok = false;
				break;
			}
			for (j = 0; j < b->samples->len; j++) {
				if (g_array_index(b->samples, struct bundle_sample, j).seq == seq) {
					g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_LAYOUT,
						    "%s: '%s' and '%s' are both sample %u", b->source,
						    g_array_index(b->samples, struct bundle_sample,
								  j).dir, dir, seq);
					ok = false;
				}
			}
			if (!ok) {
				g_free(dir);
				break;
			}
			memset(&s, 0, sizeof(s));
			s.seq = seq;
			s.dir = dir;
			g_hash_table_add(seen, g_strdup(dir));
			g_array_append_val(b->samples, s);
		}
	}
	if (ok) {
		g_array_sort(b->samples, sample_cmp);
		g_hash_table_iter_init(&it, ppe);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_ptr_array_add(b->ppe_dirs, g_strdup(k));
		g_ptr_array_sort(b->ppe_dirs, str_ptr_cmp);
	}
	g_hash_table_destroy(seen);
	g_hash_table_destroy(ppe);
	if (!ok)
		return false;

	for (i = 0; i < b->samples->len && ok; i++)
		ok = parse_time_file(b, &g_array_index(b->samples, struct bundle_sample, i), error);
	if (!ok)
		return false;
	manifest_uint(b, "samples", true, &declared, NULL, NULL);
	if (declared != b->samples->len)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"the manifest says samples=%u, the bundle holds %u", declared,
				b->samples->len);
	if (!b->samples->len)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"no samples: only the one-off records can be shown");

	set_sample_times(b);
	return true;
}

/* ------------------------------------------------------------------- open ---- */

static struct bundle *bundle_new(const char *path)
{
	struct bundle *b = g_new0(struct bundle, 1);

	b->source = g_strdup(path);
	b->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bytes_unref);
	b->paths = g_ptr_array_new_with_free_func(g_free);
	b->manifest = g_array_new(FALSE, TRUE, sizeof(struct bundle_kv));
	b->samples = g_array_new(FALSE, TRUE, sizeof(struct bundle_sample));
	b->ppe_dirs = g_ptr_array_new_with_free_func(g_free);
	trace_diags_init(&b->diags);
	return b;
}

/* data: the file, in a buffer tar_parse() may write into (see there). */
static bool read_archive_bytes(struct open_ctx *c, GBytes *data, GError **error)
{
	struct bundle *b = c->b;
	gsize len;
	const guint8 *p = g_bytes_get_data(data, &len);
	bool ok;

	b->archive = true;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		GByteArray *tar = gunzip(p, len, b, error);
		GBytes *whole;

		if (!tar)
			return false;
		whole = g_byte_array_free_to_bytes(tar);
		ok = tar_parse(c, whole, error);
		g_bytes_unref(whole);
	} else if (len >= TAR_BLOCK) {
		ok = tar_parse(c, data, error);
	} else {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_ARCHIVE,
			    "%s: %s: expected a bundle directory, a .tar.gz or a .tar", b->source,
			    len ? "too short for a tar archive and not gzip" : "empty file");
		ok = false;
	}
	return ok;
}

static bool read_archive(struct open_ctx *c, GError **error)
{
	GError *e = NULL;
	int fd = g_open(c->b->source, O_RDONLY | O_CLOEXEC, 0);
	GMappedFile *mf;
	GBytes *data;
	bool ok;

	if (fd < 0) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s: %s", c->b->source,
			    g_strerror(errno));
		return false;
	}
	/* writable on a read-only fd: a private copy-on-write mapping, the file is untouched */
	mf = g_mapped_file_new_from_fd(fd, TRUE, &e);
	close(fd);
	if (!mf) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_IO, "%s: %s", c->b->source,
			    e->message);
		g_error_free(e);
		return false;
	}
	data = g_mapped_file_get_bytes(mf);
	g_mapped_file_unref(mf);
	ok = read_archive_bytes(c, data, error);
	g_bytes_unref(data);
	return ok;
}

/* Everything after reading the files: top directory, manifest, samples. */
static struct bundle *finish_open(struct open_ctx *c, bool ok, GError **error)
{
	struct bundle *b = c->b;

	ok = ok && find_top(c, error);
	g_hash_table_destroy(c->files);
	ok = ok && parse_manifest(b, error) && list_samples(b, error);
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

	c.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bytes_unref);
	ok = read_archive_bytes(&c, copy, error);
	g_bytes_unref(copy);
	return finish_open(&c, ok, error);
}

struct bundle *bundle_open(const char *path, GError **error)
{
	struct open_ctx c = { .b = bundle_new(path) };
	bool ok;

	c.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bytes_unref);
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		ok = walk_dir(&c, path, "", 0, error);
	} else if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		ok = read_archive(&c, error);
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
	const struct bundle_kv *kv = manifest_kv(b, key);

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
