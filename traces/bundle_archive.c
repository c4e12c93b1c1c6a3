/* SPDX-License-Identifier: MIT */
/*
 * bundle_archive.c - reads a trace bundle's files into memory: a directory walked on disk, or
 * a .tar / .tar.gz archive (split from bundle.c; bundle_internal.h has the shared context).
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
 *    BUNDLE_MAX_FILES, whatever the archive claims (checked before allocating).
 */
#include "bundle_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#define TAR_BLOCK 512u
#define DIR_DEPTH_MAX 16

/* ------------------------------------------------------------------ files ---- */

/* g_ptr_array_sort() hands the comparator pointers to the elements */
gint bundle_str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bundle_bytes_unref(gpointer p)
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

bool bundle_walk_dir(struct open_ctx *c, const char *abs, const char *rel, guint depth,
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
	g_ptr_array_sort(names, bundle_str_ptr_cmp);
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
			ok = bundle_walk_dir(c, child, crel, depth + 1, error);
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

/* data: the file, in a buffer tar_parse() may write into (see there). */
bool bundle_read_archive_bytes(struct open_ctx *c, GBytes *data, GError **error)
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

bool bundle_read_archive(struct open_ctx *c, GError **error)
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
	ok = bundle_read_archive_bytes(c, data, error);
	g_bytes_unref(data);
	return ok;
}
