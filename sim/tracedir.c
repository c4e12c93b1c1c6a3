// SPDX-License-Identifier: MIT
/*
 * tracedir.c - the --trace-dir writer (see tracedir.h for the layout).
 *
 * Invariants:
 *  - a file appears under its final name only when complete: snapshots are written to
 *    ".<name>.tmp" beside it and renamed; the events go to ".conntrack_events.txt.tmp" and
 *    are renamed at close.  rename() within one directory is atomic, so a reader (or a run
 *    killed at any moment) sees either no file or the whole file;
 *  - manifest.json exists from tracedir_open() on, so a directory left by an interrupted
 *    run is recognisable ("complete": false) and --force may replace it;
 *  - --force deletes only names this writer produces, inside a directory that has our
 *    manifest, and refuses when anything else is left;
 *  - the text written is exactly the model's (ct_listing_table, ct_listing_event_line,
 *    ppe_dump): nothing here formats conntrack or PPE entries itself;
 *  - buffers are reused between snapshots (a snapshot allocates only when a table grew).
 */
#include "tracedir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "conntrack.h"
#include "event.h"
#include "ppe.h"
#include "results.h"

G_DEFINE_QUARK(flowsim-tracedir-error-quark, tracedir_error)

/* the event lines go to the results in pieces of about this size (bounded memory) */
#define EV_CHUNK_BYTES (64 * 1024)
/* a /proc line is < 400 bytes even for two IPv6 tuples with counters */
#define CT_LINE_ESTIMATE 400
/* listings larger than this are refused rather than exhausting memory */
#define LISTING_MAX ((size_t)1 << 30)
/* --force looks this deep for our files */
#define CLEAN_DEPTH 4

struct td_file {
	char *path;                    /* relative to the directory */
	char *stem;                    /* path without ".<T>.txt": the sample stream */
	char *kind;
	int ppe;                       /* PPE instance, -1 for other kinds */
	uint64_t t_ns;
	uint64_t bytes;
	uint64_t lines;
};

struct tracedir {
	char *dir;                     /* NULL: database only */
	struct results *res;
	char *scenario_path, *soc, *engine;
	uint64_t seed, duration_ns;
	uint16_t kernel;
	struct ct_listing_opts ct_opts;   /* /proc listings */
	struct ct_listing_opts ev_opts;   /* -E lines: ct_opts + timestamp */
	GArray *files;                 /* struct td_file, in the order written */
	GHashTable *names;             /* relative paths written in this run */
	char *buf;                     /* listing buffer, reused */
	size_t cap;
	FILE *events;                  /* the temporary events file */
	char *events_tmp;
	uint64_t n_events;
	GString *ev_chunk;             /* event lines not yet stored with results_trace() */
	uint64_t ev_chunk_t;
	GError *pending;
};

/* ----------------------------------------------------------------- helpers ---- */

static uint64_t count_lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	uint64_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	/* a last line without its newline still is a line */
	if (len && text[len - 1] != '\n')
		n++;
	return n;
}

static void set_errno_error(GError **error, int err, const char *what, const char *path)
{
	g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_IO, "trace directory: %s %s: %s", what,
		    path, g_strerror(err));
}

/* The temporary name of a final path: ".<basename>.tmp" in the same directory. */
static char *temp_name(const char *full)
{
	char *dir = g_path_get_dirname(full), *base = g_path_get_basename(full);
	char *name = g_strdup_printf(".%s.tmp", base);
	char *tmp = g_build_filename(dir, name, NULL);

	g_free(name);
	g_free(base);
	g_free(dir);
	return tmp;
}

static gboolean write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		data += n;
		len -= (size_t)n;
	}
	return TRUE;
}

/* Write a whole file under a temporary name and rename it into place. */
static gboolean write_atomic(const char *full, const char *data, size_t len, GError **error)
{
	char *tmp = temp_name(full);
	int fd, err;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		set_errno_error(error, errno, "cannot create", tmp);
		g_free(tmp);
		return FALSE;
	}
	if (!write_all(fd, data, len)) {
		err = errno ? errno : EIO;
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		err = errno;
		goto fail;
	}
	if (rename(tmp, full) != 0) {
		err = errno;
		goto fail;
	}
	g_free(tmp);
	return TRUE;
fail:
	set_errno_error(error, err, "cannot write", full);
	unlink(tmp);
	g_free(tmp);
	return FALSE;
}

static gboolean make_parent(const char *full, GError **error)
{
	char *dir = g_path_get_dirname(full);
	gboolean ok = g_mkdir_with_parents(dir, 0755) == 0;

	if (!ok)
		set_errno_error(error, errno, "cannot create directory", dir);
	g_free(dir);
	return ok;
}

/* "<stem>.<T>.txt": T = ms zero-padded to 9 digits, "_<ns rest>" if not a whole ms. */
static char *snapshot_name(const char *stem, uint64_t t_ns)
{
	uint64_t ms = t_ns / 1000000, rest = t_ns % 1000000;

	if (rest)
		return g_strdup_printf("%s.%09" G_GUINT64_FORMAT "_%06" G_GUINT64_FORMAT ".txt",
				       stem, ms, rest);
	return g_strdup_printf("%s.%09" G_GUINT64_FORMAT ".txt", stem, ms);
}

/* The names snapshot_name() makes (last path component), for --force. */
static gboolean is_snapshot_name(const char *name)
{
	const char *txt = g_str_has_suffix(name, ".txt") ? name + strlen(name) - 4 : NULL;
	const char *dot, *p;
	size_t digits = 0;

	if (!txt || txt == name)
		return FALSE;
	/* the T part: back from ".txt" to the previous '.' */
	for (dot = txt - 1; dot > name && *dot != '.'; dot--)
		;
	if (dot == name)
		return FALSE;
	for (p = dot + 1; p < txt && g_ascii_isdigit(*p); p++)
		digits++;
	if (digits < 9)
		return FALSE;
	if (p < txt) {
		const char *q;

		if (*p != '_' || txt - p != 7)
			return FALSE;
		for (q = p + 1; q < txt; q++)
			if (!g_ascii_isdigit(*q))
				return FALSE;
	}
	for (p = name; p < dot; p++)
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			return FALSE;
	return TRUE;
}

static gboolean is_temp_name(const char *name)
{
	return name[0] == '.' && g_str_has_suffix(name, ".tmp") && strlen(name) > 5;
}

static gboolean valid_stem(const char *stem)
{
	gchar **parts = g_strsplit(stem, "/", -1);
	gboolean ok = *stem != 0 && parts[0] != NULL;
	int i;

	for (i = 0; ok && parts[i]; i++) {
		const char *p = parts[i];

		if (!*p)
			ok = FALSE;
		for (; ok && *p; p++)
			if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
				ok = FALSE;
	}
	g_strfreev(parts);
	return ok;
}

/* ----------------------------------------------------------------- manifest ---- */

static void add_u64(JsonBuilder *b, const char *member, uint64_t v)
{
	json_builder_set_member_name(b, member);
	if (v <= (uint64_t)G_MAXINT64) {
		json_builder_add_int_value(b, (gint64)v);
	} else {
		/* JSON readers lose precision above 2^53 anyway; > 2^63 would wrap */
		char *s = g_strdup_printf("%" G_GUINT64_FORMAT, v);

		json_builder_add_string_value(b, s);
		g_free(s);
	}
}

static void add_str(JsonBuilder *b, const char *member, const char *v)
{
	json_builder_set_member_name(b, member);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void add_bool(JsonBuilder *b, const char *member, gboolean v)
{
	json_builder_set_member_name(b, member);
	json_builder_add_boolean_value(b, v);
}

static void add_samples(JsonBuilder *b, const struct tracedir *td)
{
	GPtrArray *stems = g_ptr_array_new();
	guint i, j;

	/* streams in order of their first file; times in write order (ascending) */
	for (i = 0; i < td->files->len; i++) {
		const struct td_file *f = &g_array_index(td->files, struct td_file, i);
		gboolean seen = FALSE;

		for (j = 0; j < stems->len && !seen; j++)
			seen = strcmp(g_ptr_array_index(stems, j), f->stem) == 0;
		if (!seen)
			g_ptr_array_add(stems, f->stem);
	}
	json_builder_set_member_name(b, "samples");
	json_builder_begin_object(b);
	for (j = 0; j < stems->len; j++) {
		const char *stem = g_ptr_array_index(stems, j);

		json_builder_set_member_name(b, stem);
		json_builder_begin_array(b);
		for (i = 0; i < td->files->len; i++) {
			const struct td_file *f = &g_array_index(td->files, struct td_file, i);

			if (strcmp(f->stem, stem) == 0)
				json_builder_add_int_value(b, (gint64)f->t_ns);
		}
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
	g_ptr_array_free(stems, TRUE);
}

static char *manifest_text(const struct tracedir *td, gboolean complete, gboolean closing,
			   uint64_t end_ns)
{
	JsonBuilder *b = json_builder_new();
	JsonGenerator *gen;
	JsonNode *root;
	char *text, kernel[16];
	guint i;

	json_builder_begin_object(b);
	add_str(b, "format", TRACEDIR_FORMAT);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, TRACEDIR_FORMAT_VERSION);
	add_bool(b, "complete", complete);
	add_str(b, "flowsim_version", FLOWSIM_VERSION);
	add_str(b, "scenario", td->scenario_path);
	add_u64(b, "seed", td->seed);
	add_str(b, "soc", td->soc);
	g_snprintf(kernel, sizeof(kernel), "%u.%u", td->kernel / 100, td->kernel % 100);
	add_str(b, "kernel", td->kernel ? kernel : NULL);
	add_str(b, "engine", td->engine);
	add_u64(b, "duration_ns", td->duration_ns);
	if (closing)
		add_u64(b, "end_ns", end_ns);
	if (td->res) {
		json_builder_set_member_name(b, "results_run_id");
		json_builder_add_int_value(b, results_run_id(td->res));
	}
	add_str(b, "time", "simulated time in ns from the start of the run; file names carry "
		"it in ms, zero-padded to 9 digits (\"_<ns>\" appended when not a whole ms)");

	json_builder_set_member_name(b, "conntrack_listing");
	json_builder_begin_object(b);
	add_str(b, "format", "/proc/net/nf_conntrack");
	add_bool(b, "acct", td->ct_opts.acct);
	add_bool(b, "zones", td->ct_opts.zones);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "conntrack_events");
	json_builder_begin_object(b);
	add_str(b, "path", td->dir && complete ? TRACEDIR_EVENTS : NULL);
	add_str(b, "format", td->ev_opts.extended ? "conntrack -E -o extended,timestamp" :
						    "conntrack -E -o timestamp");
	add_u64(b, "lines", td->n_events);
	json_builder_end_object(b);

	add_samples(b, td);

	json_builder_set_member_name(b, "files");
	json_builder_begin_array(b);
	for (i = 0; i < td->files->len; i++) {
		const struct td_file *f = &g_array_index(td->files, struct td_file, i);

		json_builder_begin_object(b);
		add_str(b, "path", f->path);
		add_str(b, "kind", f->kind);
		add_str(b, "stream", f->stem);
		add_u64(b, "t_ns", f->t_ns);
		if (f->ppe >= 0) {
			json_builder_set_member_name(b, "ppe");
			json_builder_add_int_value(b, f->ppe);
		}
		add_u64(b, "bytes", f->bytes);
		add_u64(b, "lines", f->lines);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	gen = json_generator_new();
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
	return text;
}

static gboolean write_manifest(struct tracedir *td, gboolean complete, gboolean closing,
			       uint64_t end_ns, GError **error)
{
	char *text, *full, *with_nl;
	gboolean ok;

	if (!td->dir)
		return TRUE;
	text = manifest_text(td, complete, closing, end_ns);
	with_nl = g_strconcat(text, "\n", NULL);
	full = g_build_filename(td->dir, TRACEDIR_MANIFEST, NULL);
	ok = write_atomic(full, with_nl, strlen(with_nl), error);
	g_free(full);
	g_free(with_nl);
	g_free(text);
	return ok;
}

/* ---------------------------------------------------------------- --force ---- */

/* TRUE if dir/manifest.json is a trace-directory manifest. */
static gboolean has_our_manifest(const char *dir)
{
	char *path = g_build_filename(dir, TRACEDIR_MANIFEST, NULL);
	JsonParser *p = json_parser_new();
	gboolean ok = FALSE;

	if (json_parser_load_from_file(p, path, NULL)) {
		JsonNode *root = json_parser_get_root(p);

		if (root && JSON_NODE_HOLDS_OBJECT(root)) {
			JsonObject *o = json_node_get_object(root);
			const char *fmt = json_object_has_member(o, "format") ?
				json_object_get_string_member_with_default(o, "format", NULL) :
				NULL;

			ok = fmt && strcmp(fmt, TRACEDIR_FORMAT) == 0;
		}
	}
	g_object_unref(p);
	g_free(path);
	return ok;
}

/*
 * Delete what a trace directory consists of below path (not the manifest): snapshot files,
 * the events file, temporaries, then the directories that became empty.  The first
 * leftover is reported in *foreign (g_free).
 */
static gboolean clean_tree(const char *path, int depth, char **foreign, GError **error)
{
	GDir *d = g_dir_open(path, 0, error);
	const char *name;
	gboolean ok = TRUE;

	if (!d)
		return FALSE;
	while (ok && (name = g_dir_read_name(d))) {
		char *full = g_build_filename(path, name, NULL);
		gboolean ours;
		GStatBuf st;

		if (g_lstat(full, &st) != 0) {
			set_errno_error(error, errno, "cannot inspect", full);
			ok = FALSE;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < CLEAN_DEPTH)
				ok = clean_tree(full, depth + 1, foreign, error);
			if (ok && g_rmdir(full) != 0 && !*foreign)
				*foreign = g_strdup(full);
		} else {
			ours = S_ISREG(st.st_mode) &&
			       (is_snapshot_name(name) || is_temp_name(name) ||
				(depth == 0 && strcmp(name, TRACEDIR_EVENTS) == 0));
			if (depth == 0 && strcmp(name, TRACEDIR_MANIFEST) == 0)
				;       /* removed last, by the caller */
			else if (!ours && !*foreign)
				*foreign = g_strdup(full);
			else if (ours && g_unlink(full) != 0) {
				set_errno_error(error, errno, "cannot remove", full);
				ok = FALSE;
			}
		}
		g_free(full);
	}
	g_dir_close(d);
	return ok;
}

static gboolean dir_is_empty(const char *dir, GError **error, gboolean *empty)
{
	GDir *d = g_dir_open(dir, 0, error);

	if (!d)
		return FALSE;
	*empty = g_dir_read_name(d) == NULL;
	g_dir_close(d);
	return TRUE;
}

static gboolean prepare_dir(const char *dir, unsigned int flags, GError **error)
{
	char *foreign = NULL, *manifest;
	gboolean empty;

	if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
		if (g_mkdir_with_parents(dir, 0755) != 0) {
			set_errno_error(error, errno, "cannot create directory", dir);
			return FALSE;
		}
		return TRUE;
	}
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_EXISTS,
			    "trace directory %s: exists and is not a directory", dir);
		return FALSE;
	}
	if (!dir_is_empty(dir, error, &empty))
		return FALSE;
	if (empty)
		return TRUE;
	if (!(flags & TRACEDIR_FORCE)) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_EXISTS,
			    "trace directory %s: exists and is not empty (--force replaces a "
			    "previous trace directory)", dir);
		return FALSE;
	}
	if (!has_our_manifest(dir)) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_FOREIGN,
			    "trace directory %s: refusing to replace it, it is not a flowsim trace "
			    "directory (no %s with \"format\": \"%s\")", dir, TRACEDIR_MANIFEST,
			    TRACEDIR_FORMAT);
		return FALSE;
	}
	if (!clean_tree(dir, 0, &foreign, error)) {
		g_free(foreign);
		return FALSE;
	}
	if (foreign) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_FOREIGN,
			    "trace directory %s: %s was not written by flowsim; remove it or "
			    "choose another directory", dir, foreign);
		g_free(foreign);
		return FALSE;
	}
	manifest = g_build_filename(dir, TRACEDIR_MANIFEST, NULL);
	if (g_unlink(manifest) != 0 && errno != ENOENT) {
		set_errno_error(error, errno, "cannot remove", manifest);
		g_free(manifest);
		return FALSE;
	}
	g_free(manifest);
	return TRUE;
}

/* ------------------------------------------------------------------ writer ---- */

static void free_file(gpointer p)
{
	struct td_file *f = p;

	g_free(f->path);
	g_free(f->stem);
	g_free(f->kind);
}

static void td_free(struct tracedir *td)
{
	if (td->events)
		fclose(td->events);
	g_free(td->events_tmp);
	g_free(td->dir);
	g_free(td->scenario_path);
	g_free(td->soc);
	g_free(td->engine);
	g_array_free(td->files, TRUE);
	g_hash_table_destroy(td->names);
	g_free(td->buf);
	g_string_free(td->ev_chunk, TRUE);
	g_clear_error(&td->pending);
	g_free(td);
}

struct tracedir *tracedir_open(const char *dir, struct results *res,
			       const struct tracedir_info *info, unsigned int flags,
			       GError **error)
{
	static const struct tracedir_info none;
	struct tracedir *td;

	if (!info)
		info = &none;
	if (dir && !prepare_dir(dir, flags, error))
		return NULL;
	td = g_new0(struct tracedir, 1);
	td->dir = g_strdup(dir);
	td->res = res;
	td->scenario_path = g_strdup(info->scenario_path);
	td->soc = g_strdup(info->soc);
	td->engine = g_strdup(info->engine ? info->engine : "builtin");
	td->seed = info->seed;
	td->duration_ns = info->duration_ns;
	td->kernel = info->kernel;
	td->ct_opts = info->ct_opts;
	td->ct_opts.timestamp = 0;
	td->ev_opts = info->ct_opts;
	td->ev_opts.timestamp = 1;
	td->files = g_array_new(FALSE, TRUE, sizeof(struct td_file));
	g_array_set_clear_func(td->files, free_file);
	td->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	td->ev_chunk = g_string_sized_new(EV_CHUNK_BYTES + 1024);
	if (dir) {
		char *final = g_build_filename(dir, TRACEDIR_EVENTS, NULL);

		td->events_tmp = temp_name(final);
		g_free(final);
		td->events = fopen(td->events_tmp, "we");
		if (!td->events) {
			set_errno_error(error, errno, "cannot create", td->events_tmp);
			td_free(td);
			return NULL;
		}
		if (!write_manifest(td, FALSE, FALSE, 0, error)) {
			td_free(td);
			return NULL;
		}
	}
	return td;
}

/* Store one snapshot: the file (if a directory), the results row, the manifest record. */
static gboolean emit(struct tracedir *td, const char *kind, const char *stem, int ppe,
		     uint64_t now, const char *text, size_t len, GError **error)
{
	struct td_file f = { 0 };
	char *name = snapshot_name(stem, now);

	if (g_hash_table_contains(td->names, name)) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
			    "trace directory: %s written twice (two %s snapshots at the same time)",
			    name, kind);
		g_free(name);
		return FALSE;
	}
	if (td->dir) {
		char *full = g_build_filename(td->dir, name, NULL);
		gboolean ok = make_parent(full, error) && write_atomic(full, text, len, error);

		g_free(full);
		if (!ok) {
			g_free(name);
			return FALSE;
		}
	}
	if (td->res)
		results_trace(td->res, now, kind, name, text);
	f.path = name;
	f.stem = g_strdup(stem);
	f.kind = g_strdup(kind);
	f.ppe = ppe;
	f.t_ns = now;
	f.bytes = len;
	f.lines = count_lines(text, len);
	g_array_append_val(td->files, f);
	g_hash_table_add(td->names, g_strdup(name));
	return TRUE;
}

/* Make the listing buffer at least size bytes. */
static gboolean reserve(struct tracedir *td, size_t size, GError **error)
{
	if (size > LISTING_MAX) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
			    "trace directory: a listing larger than %zu bytes", LISTING_MAX);
		return FALSE;
	}
	if (size > td->cap) {
		g_free(td->buf);
		td->buf = g_malloc(size);
		td->cap = size;
	}
	return TRUE;
}

gboolean tracedir_conntrack_snapshot(struct tracedir *td, struct conntrack_table *t,
				     uint64_t now, const struct ct_listing_opts *opts,
				     GError **error)
{
	struct ct_listing_opts o = opts ? *opts : td->ct_opts;
	size_t want = ((size_t)conntrack_count(t) + 1) * CT_LINE_ESTIMATE;
	int len;

	o.timestamp = 0;
	if (!reserve(td, want, error))
		return FALSE;
	/* ct_listing_table has no side effects, so a listing that did not fit is redone */
	while ((len = ct_listing_table(t, now, CT_LISTING_PROC, &o, td->buf, td->cap)) < 0) {
		if (!reserve(td, td->cap * 2, error))
			return FALSE;
	}
	return emit(td, TRACEDIR_KIND_CONNTRACK, "conntrack/proc_nf_conntrack", -1, now, td->buf,
		    (size_t)len, error);
}

gboolean tracedir_ppe_snapshot(struct tracedir *td, struct ppe *ppe, int ppe_idx,
			       gboolean bind_only, uint64_t now, GError **error)
{
	const struct ppe_config *cfg = ppe_get_config(ppe);
	struct ppe_occupancy occ;
	char stem[32];
	long len;
	gboolean ok;

	if (ppe_idx < 0 || ppe_idx >= cfg->num_ppe) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
			    "trace directory: no PPE %d (the %s has %u)", ppe_idx, cfg->soc,
			    cfg->num_ppe);
		return FALSE;
	}
	/*
	 * Size the buffer from the occupancy so one ppe_dump() call suffices: a second call
	 * prints the same text (the MIB counters were folded into the totals by the first),
	 * but one pass is what a reader of the debugfs file does.
	 */
	ppe_get_occupancy(ppe, ppe_idx, &occ);
	if (!reserve(td, ((size_t)occ.bound + occ.unbound + occ.fin + occ.reserved + 1) *
			 PPE_LINE_MAX, error))
		return FALSE;
	len = ppe_dump(ppe, ppe_idx, bind_only, td->buf, td->cap, now);
	if (len >= 0 && (size_t)len >= td->cap) {
		if (!reserve(td, (size_t)len + 1, error))
			return FALSE;
		len = ppe_dump(ppe, ppe_idx, bind_only, td->buf, td->cap, now);
	}
	if (len < 0 || (size_t)len >= td->cap) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
			    "trace directory: ppe%d dump failed", ppe_idx);
		return FALSE;
	}
	g_snprintf(stem, sizeof(stem), "ppe%d/%s", ppe_idx, bind_only ? "bind" : "entries");
	ok = emit(td, bind_only ? TRACEDIR_KIND_PPE_BIND : TRACEDIR_KIND_PPE_ENTRIES, stem,
		  ppe_idx, now, td->buf, (size_t)len, error);
	return ok;
}

gboolean tracedir_text_snapshot(struct tracedir *td, const char *kind, const char *stem,
				uint64_t now, const char *text, GError **error)
{
	if (!kind || !*kind || !stem || !valid_stem(stem) || !text) {
		g_set_error(error, TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
			    "trace directory: bad snapshot name '%s' (expected components of "
			    "[A-Za-z0-9_-] separated by '/', and a kind)", stem ? stem : "(null)");
		return FALSE;
	}
	return emit(td, kind, stem, -1, now, text, strlen(text), error);
}

static void flush_events_to_results(struct tracedir *td)
{
	if (!td->res || !td->ev_chunk->len)
		return;
	results_trace(td->res, td->ev_chunk_t, TRACEDIR_KIND_CT_EVENTS, TRACEDIR_EVENTS,
		      td->ev_chunk->str);
	g_string_truncate(td->ev_chunk, 0);
}

void tracedir_ct_event(struct tracedir *td, const struct fs_event *ev)
{
	char line[1024];
	int n;

	if (td->pending)
		return;
	n = ct_listing_event_line(ev, &td->ev_opts, line, sizeof(line));
	if (n == 0)
		return;
	if (n < 0) {
		td->pending = g_error_new(TRACEDIR_ERROR, TRACEDIR_ERROR_INVALID,
					  "trace directory: a conntrack -E line at %" G_GUINT64_FORMAT
					  " ns is longer than %zu bytes", ev->time, sizeof(line));
		return;
	}
	if (td->events && fwrite(line, 1, (size_t)n, td->events) != (size_t)n) {
		td->pending = g_error_new(TRACEDIR_ERROR, TRACEDIR_ERROR_IO,
					  "trace directory: cannot write %s: %s", td->events_tmp,
					  g_strerror(errno));
		return;
	}
	td->n_events++;
	if (!td->res)
		return;
	if (!td->ev_chunk->len)
		td->ev_chunk_t = ev->time;
	g_string_append_len(td->ev_chunk, line, n);
	if (td->ev_chunk->len >= EV_CHUNK_BYTES)
		flush_events_to_results(td);
}

const GError *tracedir_pending_error(const struct tracedir *td)
{
	return td->pending;
}

guint tracedir_n_files(const struct tracedir *td)
{
	return td->files->len;
}

/* Close the events file and rename it into place. */
static gboolean finish_events(struct tracedir *td, GError **error)
{
	char *final;
	FILE *f = td->events;
	int err = 0;

	if (!f)
		return TRUE;
	td->events = NULL;
	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno;
	final = g_build_filename(td->dir, TRACEDIR_EVENTS, NULL);
	if (!err && rename(td->events_tmp, final) != 0)
		err = errno;
	if (err) {
		set_errno_error(error, err, "cannot write", final);
		unlink(td->events_tmp);
	}
	g_free(final);
	return err == 0;
}

gboolean tracedir_close(struct tracedir *td, uint64_t end_ns, GError **error)
{
	gboolean ok;

	if (td->pending) {
		g_propagate_error(error, g_error_copy(td->pending));
		tracedir_abort(td);
		return FALSE;
	}
	flush_events_to_results(td);
	ok = finish_events(td, error) && write_manifest(td, TRUE, TRUE, end_ns, error);
	td_free(td);
	return ok;
}

void tracedir_abort(struct tracedir *td)
{
	if (!td)
		return;
	if (td->events) {
		fclose(td->events);
		td->events = NULL;
		unlink(td->events_tmp);
	}
	/* best effort: the manifest from open is still there if this fails */
	write_manifest(td, FALSE, FALSE, 0, NULL);
	td_free(td);
}
