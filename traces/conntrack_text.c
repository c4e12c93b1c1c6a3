/* SPDX-License-Identifier: MIT */
/*
 * conntrack_text.c - whole conntrack text inputs (a buffer, a stream or a file) read line by
 * line with ct_text_parse_line(), in strict or tolerant mode, and the conversions of a
 * parsed entry to the core's types (tuple, status bits).
 *
 * Invariants: every line is counted exactly once in struct ct_text_stats; all entries of a
 * file must have the shape of its first one (l3 columns, event tags, time stamps); a
 * conntrack-tools trailer's count must match the entries since the previous trailer.  In
 * strict mode the first bad line is the one error and stops the parse; in tolerant mode it
 * is a note or warning and is skipped.
 */
#include "conntrack_text.h"
#include "conntrack.h"

#include <errno.h>
#include <string.h>

/* ---- whole inputs ------------------------------------------------------------------------ */

struct file_state {
	const char *name;
	enum trace_mode mode;
	ct_text_entry_fn fn;
	void *arg;
	struct ct_text_stats *st;
	struct trace_diags *diags;
	/* shape of the first entry: has_l3 | event << 1 | stamp << 2 */
	int shape;
	u32 shape_line;
	u32 since_trailer;           /* entries since the last trailer */
	u32 malformed_since_trailer;
	bool have_sample;
	u8 sample_stamp;
	s64 sample_sec;
	u32 sample_usec;
};

static int entry_shape(const struct ct_text_entry *e)
{
	return (e->has_l3 ? 1 : 0) | (e->event != CT_TEXT_EVENT_NONE ? 2 : 0) | e->stamp << 2;
}

static const char *shape_text(int shape)
{
	static const char *const names[] = {
		"conntrack -L", "/proc/net/nf_conntrack or -o extended",
		"conntrack -E", "conntrack -E -o extended",
	};

	return names[shape & 3];
}

/* A bad line: in strict mode an error that stops, in tolerant mode a diagnostic. */
static int report(struct file_state *fs, const struct trace_line *ln, u32 column,
		  enum trace_severity tolerant_sev, const char *msg)
{
	const char *hint = (ln->flags & TRACE_LINE_NO_EOL) && tolerant_sev == TRACE_WARNING ?
			   " (last line has no newline: truncated paste?)" : "";

	if (fs->mode == TRACE_STRICT) {
		trace_diags_add(fs->diags, TRACE_ERROR, fs->name, ln->number, column, "%s%s",
				msg, hint);
		return -1;
	}
	trace_diags_add(fs->diags, tolerant_sev, fs->name, ln->number, column, "%s%s; skipped",
			msg, hint);
	return 0;
}

/*
 * A line that disagrees with the rest of the file (trailer count, format): in strict mode
 * an error that stops (-1), in tolerant mode a warning, and the line still counts (0).
 */
static int mismatch(struct file_state *fs, const struct trace_line *ln, const char *msg)
{
	if (fs->mode == TRACE_STRICT) {
		trace_diags_add(fs->diags, TRACE_ERROR, fs->name, ln->number, 0, "%s", msg);
		return -1;
	}
	trace_diags_add(fs->diags, TRACE_WARNING, fs->name, ln->number, 0, "%s", msg);
	return 0;
}

static int handle_line(struct file_state *fs, const struct trace_line *ln)
{
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error err;
	enum ct_text_line_kind k;
	char msg[CT_TEXT_ERR_LEN + 80];
	int ret;

	fs->st->lines++;
	if (ln->flags & TRACE_LINE_TRUNCATED) {
		fs->st->malformed++;
		fs->malformed_since_trailer++;
		g_snprintf(msg, sizeof(msg), "line too long (%zu bytes, limit %zu)", ln->full_len,
			   ln->len);
		return report(fs, ln, 0, TRACE_WARNING, msg);
	}
	k = ct_text_parse_line(ln->text, ln->len, &e, &m, &err);
	switch (k) {
	case CT_TEXT_LINE_BLANK:
		fs->st->blank++;
		return 0;
	case CT_TEXT_LINE_COMMENT:
		fs->st->comments++;
		return 0;
	case CT_TEXT_LINE_TIME:
		fs->st->time_lines++;
		fs->st->not_conntrack++;
		fs->have_sample = true;
		fs->sample_stamp = m.stamp;
		fs->sample_sec = m.sec;
		fs->sample_usec = m.usec;
		return report(fs, ln, 1, TRACE_NOTE, fs->mode == TRACE_STRICT ?
			      "expected a conntrack entry, found a time stamp line" :
			      "not a conntrack line: a time stamp (used as the sample time)");
	case CT_TEXT_LINE_OTHER:
		fs->st->not_conntrack++;
		if (fs->mode == TRACE_STRICT) {
			char q[64];
			size_t off = err.column ? err.column - 1 : 0;

			trace_quote(q, sizeof(q), ln->text + off, ln->len - off, 40);
			g_snprintf(msg, sizeof(msg), "expected a conntrack entry, found '%s' (%s)", q,
				   err.message);
			return report(fs, ln, err.column, TRACE_NOTE, msg);
		}
		return report(fs, ln, err.column, TRACE_NOTE, err.message);
	case CT_TEXT_LINE_MALFORMED:
		fs->st->malformed++;
		fs->malformed_since_trailer++;
		return report(fs, ln, err.column, TRACE_WARNING, err.message);
	case CT_TEXT_LINE_TRAILER:
		fs->st->trailers++;
		if (m.count != fs->since_trailer) {
			fs->st->trailer_mismatches++;
			g_snprintf(msg, sizeof(msg), "conntrack-tools trailer says %u flow %s, but %u "
				   "entries were parsed%s", m.count, m.events ? "events" : "entries",
				   fs->since_trailer, fs->malformed_since_trailer ?
				   " (malformed lines were skipped)" : "");
			if (mismatch(fs, ln, msg))
				return -1;
		}
		fs->since_trailer = 0;
		fs->malformed_since_trailer = 0;
		return 0;
	case CT_TEXT_LINE_ENTRY:
		break;
	}

	e.line = ln->number;
	if (fs->have_sample) {
		e.has_sample_time = true;
		e.sample_stamp = fs->sample_stamp;
		e.sample_sec = fs->sample_sec;
		e.sample_usec = fs->sample_usec;
	}
	if (fs->shape < 0) {
		fs->shape = entry_shape(&e);
		fs->shape_line = ln->number;
	} else if (entry_shape(&e) != fs->shape) {
		g_snprintf(msg, sizeof(msg), "line format (%s%s) differs from line %u (%s%s)",
			   shape_text(entry_shape(&e)), e.stamp ? " with time stamp" : "",
			   fs->shape_line, shape_text(fs->shape),
			   fs->shape >> 2 ? " with time stamp" : "");
		if (mismatch(fs, ln, msg))
			return -1;
	}
	fs->st->entries++;
	fs->since_trailer++;
	if (e.event != CT_TEXT_EVENT_NONE)
		fs->st->events++;
	fs->st->redacted_addrs += e.redacted;
	if (e.flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD))
		fs->st->offloaded++;
	if (e.flags & CT_TEXT_HW_OFFLOAD)
		fs->st->hw_offloaded++;
	if (fs->fn) {
		ret = fs->fn(&e, fs->arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_reader(const char *name, struct trace_reader *r, enum trace_mode mode,
			ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			struct trace_diags *diags)
{
	struct ct_text_stats local;
	struct file_state fs = {
		.name = name ? name : "<input>", .mode = mode, .fn = fn, .arg = arg,
		.st = stats ? stats : &local, .diags = diags, .shape = -1,
	};
	struct trace_line ln;
	int ret = 0;

	memset(fs.st, 0, sizeof(*fs.st));
	while (trace_reader_next(r, &ln)) {
		ret = handle_line(&fs, &ln);
		if (ret)
			return ret;
	}
	if (r->io_errno) {
		trace_diags_add(diags, TRACE_ERROR, fs.name, r->lineno + 1, 0, "read error: %s",
				g_strerror(r->io_errno));
		return -1;
	}
	if (!fs.st->entries && fs.st->not_conntrack + fs.st->malformed > 0)
		trace_diags_add(diags, TRACE_WARNING, fs.name, 0, 0,
				"no conntrack entries found (%u lines were not conntrack, "
				"%u malformed)", fs.st->not_conntrack, fs.st->malformed);
	return 0;
}

int ct_text_parse_buffer(const char *name, const char *buf, size_t len, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags)
{
	struct trace_reader r;
	int ret;

	trace_reader_init_buffer(&r, buf, len);
	ret = parse_reader(name, &r, mode, fn, arg, stats, diags);
	trace_reader_destroy(&r);
	return ret;
}

int ct_text_parse_stream(const char *name, FILE *fp, enum trace_mode mode,
			 ct_text_entry_fn fn, void *arg, struct ct_text_stats *stats,
			 struct trace_diags *diags)
{
	struct trace_reader r;
	int ret;

	trace_reader_init_stream(&r, fp);
	ret = parse_reader(name, &r, mode, fn, arg, stats, diags);
	trace_reader_destroy(&r);
	return ret;
}

int ct_text_parse_file(const char *path, enum trace_mode mode, ct_text_entry_fn fn, void *arg,
		       struct ct_text_stats *stats, struct trace_diags *diags)
{
	FILE *fp = fopen(path, "rb");
	int ret;

	if (!fp) {
		trace_diags_add(diags, TRACE_ERROR, path, 0, 0, "cannot open: %s",
				g_strerror(errno));
		if (stats)
			memset(stats, 0, sizeof(*stats));
		return -1;
	}
	ret = ct_text_parse_stream(path, fp, mode, fn, arg, stats, diags);
	fclose(fp);
	return ret;
}

static int collect(const struct ct_text_entry *e, void *arg)
{
	g_array_append_val((GArray *)arg, *e);
	return 0;
}

GArray *ct_text_load_file(const char *path, enum trace_mode mode, struct ct_text_stats *stats,
			  struct trace_diags *diags)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct ct_text_entry));

	if (ct_text_parse_file(path, mode, collect, a, stats, diags)) {
		g_array_free(a, TRUE);
		return NULL;
	}
	return a;
}

/* ---- conversions -------------------------------------------------------------------------- */

u32 ct_text_status_bits(const struct ct_text_entry *e)
{
	u32 bits = 0;

	if (!(e->flags & CT_TEXT_UNREPLIED))
		bits |= IPS_SEEN_REPLY;
	if (e->flags & CT_TEXT_ASSURED)
		bits |= IPS_ASSURED;
	if (e->flags & (CT_TEXT_OFFLOAD | CT_TEXT_HW_OFFLOAD))
		bits |= IPS_OFFLOAD;
	if (e->flags & CT_TEXT_HW_OFFLOAD)
		bits |= IPS_HW_OFFLOAD;
	return bits;
}

bool ct_text_to_fs_tuple(const struct ct_text_entry *e, const struct ct_text_tuple *t,
			 struct fs_tuple *out)
{
	memset(out, 0, sizeof(*out));
	if (t->src.redacted || t->dst.redacted || !t->src.family)
		return false;
	out->src = t->src.addr;
	out->dst = t->dst.addr;
	out->family = t->src.family;
	out->proto = e->l4_num;
	switch (t->l4_kind) {
	case CT_TEXT_L4_PORTS:
		out->sport = t->sport;
		out->dport = t->dport;
		break;
	case CT_TEXT_L4_ICMP:
		/* tuple.h: sport = echo id, dport = type << 8 | code */
		out->sport = t->icmp_id;
		out->dport = (u16)(t->icmp_type << 8 | t->icmp_code);
		break;
	case CT_TEXT_L4_GRE:
		/* PPTP GRE keys are 16-bit call ids (nf_conntrack_proto_gre.c) */
		out->sport = (u16)t->gre_srckey;
		out->dport = (u16)t->gre_dstkey;
		break;
	default:
		break;
	}
	return true;
}

const char *ct_text_event_name(enum ct_text_event ev)
{
	switch (ev) {
	case CT_TEXT_EVENT_NEW:
		return "NEW";
	case CT_TEXT_EVENT_UPDATE:
		return "UPDATE";
	case CT_TEXT_EVENT_DESTROY:
		return "DESTROY";
	default:
		return "";
	}
}
