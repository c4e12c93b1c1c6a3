/* SPDX-License-Identifier: MIT */
/*
 * trace_common.c - diagnostics list, line reader and number scanning shared by the trace
 * parsers (see trace_common.h for the contract).
 *
 * Invariants:
 *  - the reader never allocates per line: buffer mode hands out slices of the caller's
 *    buffer, stream mode slices of one internal buffer of max_line + TRACE_STREAM_SLACK bytes
 *    (plus one truncation buffer, allocated on the first over-long line);
 *  - a diagnostic list never keeps more than max_kept entries, whatever the input.
 */
#include "trace_common.h"

#include <errno.h>
#include <string.h>

#define TRACE_STREAM_SLACK 4096u

static const char *const severity_names[TRACE_SEVERITY_COUNT] = {
	[TRACE_NOTE] = "note",
	[TRACE_WARNING] = "warning",
	[TRACE_ERROR] = "error",
};

const char *trace_severity_name(enum trace_severity sev)
{
	if ((unsigned)sev >= TRACE_SEVERITY_COUNT)
		return "?";
	return severity_names[sev];
}

void trace_diags_init(struct trace_diags *d)
{
	memset(d, 0, sizeof(*d));
	d->items = g_array_new(FALSE, TRUE, sizeof(struct trace_diag));
	d->max_kept = TRACE_DIAGS_MAX_KEPT;
}

void trace_diags_clear(struct trace_diags *d)
{
	guint i;

	if (d->items) {
		for (i = 0; i < d->items->len; i++) {
			struct trace_diag *x = &g_array_index(d->items, struct trace_diag, i);

			g_free(x->file);
			g_free(x->message);
		}
		g_array_free(d->items, TRUE);
	}
	memset(d, 0, sizeof(*d));
}

void trace_diags_addv(struct trace_diags *d, enum trace_severity sev, const char *file,
		      uint32_t line, uint32_t column, const char *fmt, va_list ap)
{
	struct trace_diag x;

	if (!d)
		return;
	if ((unsigned)sev >= TRACE_SEVERITY_COUNT)
		sev = TRACE_ERROR;
	/* A zero-initialised struct (never init'ed) still works: create the array lazily. */
	if (!d->items) {
		d->items = g_array_new(FALSE, TRUE, sizeof(struct trace_diag));
		if (!d->max_kept)
			d->max_kept = TRACE_DIAGS_MAX_KEPT;
	}
	d->count[sev]++;
	if (d->items->len >= d->max_kept) {
		d->dropped++;
		return;
	}
	x.file = g_strdup(file ? file : "<input>");
	x.line = line;
	x.column = line ? column : 0;
	x.severity = sev;
	x.message = g_strdup_vprintf(fmt, ap);
	g_array_append_val(d->items, x);
}

void trace_diags_add(struct trace_diags *d, enum trace_severity sev, const char *file,
		     uint32_t line, uint32_t column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_diags_addv(d, sev, file, line, column, fmt, ap);
	va_end(ap);
}

uint32_t trace_diags_len(const struct trace_diags *d)
{
	return d && d->items ? d->items->len : 0;
}

const struct trace_diag *trace_diags_get(const struct trace_diags *d, uint32_t i)
{
	if (!d || !d->items || i >= d->items->len)
		return NULL;
	return &g_array_index(d->items, struct trace_diag, i);
}

uint32_t trace_diags_count(const struct trace_diags *d, enum trace_severity sev)
{
	if (!d || (unsigned)sev >= TRACE_SEVERITY_COUNT)
		return 0;
	return d->count[sev];
}

const struct trace_diag *trace_diags_first(const struct trace_diags *d,
					   enum trace_severity sev)
{
	uint32_t i, n = trace_diags_len(d);

	for (i = 0; i < n; i++) {
		const struct trace_diag *x = trace_diags_get(d, i);

		if (x->severity == sev)
			return x;
	}
	return NULL;
}

char *trace_diag_format(const struct trace_diag *x)
{
	/* Errors print like a compiler's "file:line: expected ..." so editors can jump there. */
	const char *tag = x->severity == TRACE_ERROR ? "" :
			  x->severity == TRACE_WARNING ? "warning: " : "note: ";

	if (!x->line)
		return g_strdup_printf("%s: %s%s", x->file, tag, x->message);
	if (!x->column)
		return g_strdup_printf("%s:%u: %s%s", x->file, x->line, tag, x->message);
	return g_strdup_printf("%s:%u:%u: %s%s", x->file, x->line, x->column, tag, x->message);
}

void trace_diags_print(const struct trace_diags *d, FILE *out)
{
	uint32_t i, n = trace_diags_len(d);

	for (i = 0; i < n; i++) {
		char *s = trace_diag_format(trace_diags_get(d, i));

		fprintf(out, "%s\n", s);
		g_free(s);
	}
	if (d && d->dropped)
		fprintf(out, "note: %u more diagnostics not shown\n", d->dropped);
}

/* ---- line reader ------------------------------------------------------------------------ */

static void reader_common_init(struct trace_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->max_line = TRACE_LINE_MAX;
}

void trace_reader_init_buffer(struct trace_reader *r, const char *buf, size_t len)
{
	reader_common_init(r);
	r->buf = buf ? buf : "";
	r->len = buf ? len : 0;
}

void trace_reader_init_stream(struct trace_reader *r, FILE *fp)
{
	reader_common_init(r);
	r->fp = fp;
}

void trace_reader_set_max_line(struct trace_reader *r, size_t max_line)
{
	/* Stream mode sizes its buffer from it on the first line: later changes are ignored. */
	if (max_line < 16)
		max_line = 16;
	if (!r->sbuf)
		r->max_line = max_line;
}

void trace_reader_destroy(struct trace_reader *r)
{
	g_free(r->sbuf);
	r->sbuf = NULL;
	r->scap = 0;
}

/* Flags and trims common to both modes, applied to a complete (untruncated) line. */
static void finish_line(struct trace_reader *r, struct trace_line *line)
{
	if (line->len && line->text[line->len - 1] == '\r') {
		line->len--;
		line->flags |= TRACE_LINE_CRLF;
	}
	if (line->number == 1 && line->len >= 3 && !memcmp(line->text, "\xEF\xBB\xBF", 3)) {
		line->text += 3;
		line->len -= 3;
		line->flags |= TRACE_LINE_BOM;
	}
	/* over the whole line, as the stream reader does for the part it drops */
	if (memchr(line->text, '\0', line->len))
		line->flags |= TRACE_LINE_HAS_NUL;
	line->full_len = line->len;
	if (line->len > r->max_line) {
		line->len = r->max_line;
		line->flags |= TRACE_LINE_TRUNCATED;
	}
}

static bool next_from_buffer(struct trace_reader *r, struct trace_line *line)
{
	const char *start, *nl;
	size_t avail;

	if (r->pos >= r->len)
		return false;
	start = r->buf + r->pos;
	avail = r->len - r->pos;
	nl = memchr(start, '\n', avail);
	memset(line, 0, sizeof(*line));
	line->text = start;
	line->number = ++r->lineno;
	if (nl) {
		line->len = (size_t)(nl - start);
		r->pos += line->len + 1;
	} else {
		line->len = avail;
		r->pos = r->len;
		line->flags |= TRACE_LINE_NO_EOL;
	}
	finish_line(r, line);
	return true;
}

/* Read more stream data behind r->sbuf[r->sfill]; false at EOF or error. */
static bool stream_fill(struct trace_reader *r)
{
	size_t n;

	if (r->eof || r->sfill >= r->scap)
		return false;
	n = fread(r->sbuf + r->sfill, 1, r->scap - r->sfill, r->fp);
	r->sfill += n;
	if (n == 0) {
		if (ferror(r->fp))
			r->io_errno = errno ? errno : EIO;
		r->eof = true;
		return false;
	}
	return true;
}

static void stream_compact(struct trace_reader *r)
{
	if (r->pos == 0)
		return;
	memmove(r->sbuf, r->sbuf + r->pos, r->sfill - r->pos);
	r->sfill -= r->pos;
	r->pos = 0;
}

/*
 * An over-long line in stream mode: keep its first max_line bytes at the start of the
 * buffer, read and drop the rest up to the newline, and count its full length.
 */
static bool stream_long_line(struct trace_reader *r, struct trace_line *line)
{
	size_t keep = r->max_line, full = 0;
	bool has_nul, saw_nl = false, last_cr = false;
	char *kept;

	/* The kept prefix moves to the start of the buffer; later reads go behind it. */
	stream_compact(r);
	kept = r->sbuf;
	has_nul = memchr(kept, '\0', r->sfill) != NULL;
	full = r->sfill;
	last_cr = r->sfill && r->sbuf[r->sfill - 1] == '\r';
	r->sfill = keep;
	while (!saw_nl) {
		char *chunk = r->sbuf + r->sfill, *nl;
		size_t n;

		if (!stream_fill(r))
			break;
		n = (size_t)(r->sbuf + r->sfill - chunk);
		nl = memchr(chunk, '\n', n);
		if (nl) {
			size_t used = (size_t)(nl - chunk);

			if (used)
				last_cr = nl[-1] == '\r';
			if (memchr(chunk, '\0', used))
				has_nul = true;
			full += used;
			/* Keep the bytes after the newline for the next line. */
			memmove(r->sbuf + keep, nl + 1, n - used - 1);
			r->sfill = keep + (n - used - 1);
			saw_nl = true;
		} else {
			if (memchr(chunk, '\0', n))
				has_nul = true;
			last_cr = chunk[n - 1] == '\r';
			full += n;
			r->sfill = keep;
		}
	}
	memset(line, 0, sizeof(*line));
	line->number = ++r->lineno;
	line->flags = TRACE_LINE_TRUNCATED;
	if (last_cr) {
		full--;
		line->flags |= TRACE_LINE_CRLF;
	}
	if (!saw_nl)
		line->flags |= TRACE_LINE_NO_EOL;
	if (has_nul)
		line->flags |= TRACE_LINE_HAS_NUL;
	line->full_len = full;
	/* The prefix stays at sbuf[0..keep) until the next call, which starts at pos = keep. */
	line->text = kept;
	line->len = keep;
	if (line->number == 1 && keep >= 3 && !memcmp(line->text, "\xEF\xBB\xBF", 3)) {
		line->text += 3;
		line->len -= 3;
		line->full_len -= 3;
		line->flags |= TRACE_LINE_BOM;
	}
	r->pos = keep;
	return true;
}

static bool next_from_stream(struct trace_reader *r, struct trace_line *line)
{
	size_t scanned = 0;

	if (!r->sbuf) {
		r->scap = r->max_line + TRACE_STREAM_SLACK;
		r->sbuf = g_malloc(r->scap);
	}
	for (;;) {
		char *start = r->sbuf + r->pos;
		size_t avail = r->sfill - r->pos;
		char *nl = memchr(start + scanned, '\n', avail - scanned);

		if (nl) {
			memset(line, 0, sizeof(*line));
			line->text = start;
			line->len = (size_t)(nl - start);
			line->number = ++r->lineno;
			r->pos += line->len + 1;
			finish_line(r, line);
			return true;
		}
		scanned = avail;
		/* +1: a line of exactly max_line bytes may still carry its '\r'. */
		if (avail > r->max_line + 1)
			return stream_long_line(r, line);
		if (r->eof) {
			if (!avail)
				return false;
			memset(line, 0, sizeof(*line));
			line->text = start;
			line->len = avail;
			line->number = ++r->lineno;
			line->flags |= TRACE_LINE_NO_EOL;
			r->pos = r->sfill;
			finish_line(r, line);
			return true;
		}
		stream_compact(r);
		if (!stream_fill(r) && !r->eof)
			return false;
	}
}

bool trace_reader_next(struct trace_reader *r, struct trace_line *line)
{
	if (r->fp)
		return next_from_stream(r, line);
	return next_from_buffer(r, line);
}

bool trace_read_file(const char *path, char **buf, size_t *len, struct trace_diags *diags)
{
	GError *err = NULL;
	gsize n = 0;

	*buf = NULL;
	*len = 0;
	if (!g_file_get_contents(path, buf, &n, &err)) {
		trace_diags_add(diags, TRACE_ERROR, path, 0, 0, "cannot read file: %s",
				err->message);
		g_error_free(err);
		return false;
	}
	*len = n;
	return true;
}

/* ---- scanning helpers ------------------------------------------------------------------- */

bool trace_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (!trace_is_digit(s[i]))
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool trace_parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (!trace_parse_u64(s, len, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

void trace_quote(char *buf, size_t size, const char *s, size_t len, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (!size)
		return;
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= size)
				break;
			buf[o++] = (char)c;
		} else {
			if (o + 4 >= size)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 3 < size) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
}
