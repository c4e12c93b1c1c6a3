/* SPDX-License-Identifier: MIT */
/*
 * bundle_decode.c - a trace bundle's samples decoded through the trace parsers into a
 * timeline (bundle.h has the contract): conntrack counts, PPE occupancy, CPU load, and
 * every connection's offload state per sample with the PPE entries that carry it.
 *
 * How a PPE entry is tied to a connection: a bound HNAPT entry's original tuple is the
 * tuple of the packets it matches as they arrive, i.e. one direction of the conntrack
 * entry - the orig tuple for the upload direction, the reply tuple for the download one
 * (mtk_ppe_offload.c: mtk_flow_offload_replace builds one entry per flow_offload direction
 * from that direction's tuple).  Both are printed the same way (bundle_ct_key(),
 * bundle_ppe_key()) and compared as text, so redacted addresses ("x.x.x.x") still match
 * when the paste's author redacted both listings alike.
 *
 * Invariants: no parsed entry outlives the sample it came from (a router's table is 16K
 * lines per sample); per-flow arrays have one slot per sample; counters saturate at 255.
 */
#include "bundle.h"

#include <string.h>

/* ------------------------------------------------------------------ names ---- */

const char *bundle_flow_state_name(enum bundle_flow_state s)
{
	static const char *const names[BF__COUNT] = {
		[BF_ABSENT] = "absent",
		[BF_UNREPLIED] = "unreplied",
		[BF_SLOW] = "slow",
		[BF_ASSURED] = "assured",
		[BF_OFFLOAD] = "offload",
		[BF_HW_OFFLOAD] = "hw_offload",
	};

	return (unsigned)s < BF__COUNT ? names[s] : "?";
}

char bundle_flow_state_letter(enum bundle_flow_state s)
{
	static const char letters[BF__COUNT] = ".usaOH";

	return (unsigned)s < BF__COUNT ? letters[s] : '?';
}

/* ------------------------------------------------------------------- SoCs ---- */

const struct ppe_soc_geometry *bundle_soc_lookup(const char *name)
{
	const struct ppe_soc_geometry *g;
	char *low, *p;

	if (!name || !*name)
		return NULL;
	g = ppe_soc_lookup(name);
	if (g)
		return g;
	/* "mt7986a", "MediaTek MT7621 ver:1": the first two letters + four digits */
	low = g_ascii_strdown(name, -1);
	for (p = low; *p && !g; p++) {
		char four[7];

		if (!g_ascii_isalpha(p[0]) || !g_ascii_isalpha(p[1]) || !g_ascii_isdigit(p[2]) ||
		    !g_ascii_isdigit(p[3]) || !g_ascii_isdigit(p[4]) || !g_ascii_isdigit(p[5]))
			continue;
		memcpy(four, p, 6);
		four[6] = '\0';
		/* Airoha's device tree says en7581 for the chip sold as AN7581 */
		if (!strcmp(four, "en7581"))
			four[0] = 'a';
		g = ppe_soc_lookup(four);
	}
	g_free(low);
	return g;
}

u8 bundle_soc_netsys(const struct ppe_soc_geometry *g)
{
	if (!g || g->airoha)
		return 0;   /* Airoha lines are told apart by data= and checked with their layout */
	return g->netsys;
}

/* ------------------------------------------------------------------- keys ---- */

static void key_addr(GString *s, const struct ct_text_addr *a, bool with_port, u16 port)
{
	char buf[64];
	bool v6;

	if (a->redacted || !a->family) {
		g_string_append(s, a->text);
		v6 = strchr(a->text, ':') != NULL;
	} else {
		fs_addr_format(buf, sizeof(buf), a->family, &a->addr);
		v6 = a->family == FS_AF_INET6;
		if (v6 && with_port)
			g_string_append_printf(s, "[%s]", buf);
		else
			g_string_append(s, buf);
	}
	if (with_port) {
		if (v6 && (a->redacted || !a->family)) {
			/* keep "[text]:port" unambiguous for redacted IPv6 too */
			g_string_insert_c(s, (gssize)(s->len - strlen(a->text)), '[');
			g_string_append_c(s, ']');
		}
		g_string_append_printf(s, ":%u", port);
	}
}

static const char *l4_key_name(const struct ct_text_entry *e)
{
	switch (e->l4_num) {
	case FS_IPPROTO_TCP: return "tcp";
	case FS_IPPROTO_UDP: return "udp";
	default: return e->l4_name;
	}
}

char *bundle_ct_key(const struct ct_text_entry *e, bool reply)
{
	const struct ct_text_tuple *t = reply ? &e->reply : &e->orig;
	GString *s = g_string_new(l4_key_name(e));
	bool ports = t->l4_kind == CT_TEXT_L4_PORTS;

	g_string_append_c(s, ' ');
	key_addr(s, &t->src, ports, t->sport);
	g_string_append(s, " -> ");
	key_addr(s, &t->dst, ports, t->dport);
	if (t->l4_kind == CT_TEXT_L4_ICMP)
		g_string_append_printf(s, " type=%u code=%u id=%u", t->icmp_type, t->icmp_code,
				       t->icmp_id);
	else if (t->l4_kind == CT_TEXT_L4_GRE)
		g_string_append_printf(s, " srckey=0x%x dstkey=0x%x", t->gre_srckey,
				       t->gre_dstkey);
	if (t->has_zone)
		g_string_append_printf(s, " zone=%u", t->zone);
	return g_string_free(s, FALSE);
}

static void ppe_key_addr(GString *s, const struct ppe_dump_line *l, guint slot, bool v6,
			 const u32 *words, u16 port)
{
	char buf[64];

	if (l->redacted & (1u << slot)) {
		if (v6)
			g_string_append_printf(s, "[%s]", l->redact_text[slot]);
		else
			g_string_append(s, l->redact_text[slot]);
	} else if (v6) {
		union fs_addr a;

		memcpy(a.ip6, words, sizeof(a.ip6));
		fs_addr_format(buf, sizeof(buf), FS_AF_INET6, &a);
		g_string_append_printf(s, "[%s]", buf);
	} else {
		union fs_addr a = { .ip = words[0] };

		fs_addr_format(buf, sizeof(buf), FS_AF_INET, &a);
		g_string_append(s, buf);
	}
	g_string_append_printf(s, ":%u", port);
}

char *bundle_ppe_key(const struct ppe_dump_line *l, u8 netsys)
{
	const struct ppe_entry *e = &l->entry;
	bool v6;
	GString *s;

	if (l->kind != PPE_DUMP_ENTRY || l->type == PPE_DUMP_TYPE_UNNAMED ||
	    !ppe_type_has_ports(l->type))
		return NULL;
	v6 = ppe_type_is_ipv6(l->type);
	/* the hardware keeps TCP and UDP apart by ib1's UDP bit (mtk_foe_entry_prepare) */
	s = g_string_new(ppe_ib1_udp(e->ib1) ? "udp " : "tcp ");
	ppe_key_addr(s, l, PPE_SLOT_ORIG_SRC, v6, e->src_ip, ppe_ports_sport(e->ports));
	g_string_append(s, " -> ");
	ppe_key_addr(s, l, PPE_SLOT_ORIG_DST, v6, e->dst_ip, ppe_ports_dport(e->ports));
	return g_string_free(s, FALSE);
}

/* ------------------------------------------------------- per-file parsing ---- */

/* Copy what a parser reported into the timeline's list. */
static void diags_merge(struct trace_diags *dst, const struct trace_diags *src)
{
	u32 i, n = trace_diags_len(src);

	if (!dst)
		return;
	for (i = 0; i < n; i++) {
		const struct trace_diag *x = trace_diags_get(src, i);

		trace_diags_add(dst, x->severity, x->file, x->line, x->column, "%s", x->message);
	}
	if (src->dropped)
		trace_diags_add(dst, TRACE_NOTE, NULL, 0, 0, "%u more messages not kept",
				src->dropped);
}

static void parse_error_from_diags(GError **error, const struct trace_diags *d,
				   const char *fallback)
{
	const struct trace_diag *x = trace_diags_first(d, TRACE_ERROR);
	char *msg = x ? trace_diag_format(x) : NULL;

	g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_PARSE, "%s", msg ? msg : fallback);
	g_free(msg);
}

/* The stderr of `conntrack -L`: its trailer is checked against the listing. */
static void check_ct_stderr(const struct bundle *b, const char *rel, u32 entries,
			    struct trace_diags *diags)
{
	gsize len;
	const char *text = bundle_get(b, rel, &len);
	struct trace_reader r;
	struct trace_line l;
	char *label;

	if (!text)
		return;
	label = bundle_file_label(b, rel);
	trace_reader_init_buffer(&r, text, len);
	while (trace_reader_next(&r, &l)) {
		struct ct_text_entry e;
		struct ct_text_meta m;
		struct ct_text_error err;
		enum ct_text_line_kind k = ct_text_parse_line(l.text, l.len, &e, &m, &err);

		if (k == CT_TEXT_LINE_BLANK)
			continue;
		if (k == CT_TEXT_LINE_TRAILER) {
			if (m.count != entries)
				trace_diags_add(diags, TRACE_WARNING, label, l.number, 0,
						"conntrack says %u flow entries were shown, the "
						"listing has %u", m.count, entries);
		} else {
			trace_diags_add(diags, TRACE_WARNING, label, l.number, 0,
					"conntrack -L said: %.*s", (int)MIN(l.len, 200), l.text);
		}
	}
	trace_reader_destroy(&r);
	g_free(label);
}

/*
 * Parse a sample's conntrack listing through fn.  1 parsed, 0 the sample has none,
 * -1 error (strict mode).
 */
static int sample_ct_parse(const struct bundle *b, const struct bundle_sample *s, bool strict,
			   ct_text_entry_fn fn, void *arg, const char **source,
			   struct ct_text_stats *stats, struct trace_diags *diags,
			   GError **error)
{
	static const char *const sources[] = { "nf_conntrack", "conntrack" };
	struct trace_diags local;
	const char *text = NULL;
	char *rel = NULL, *label;
	gsize len = 0;
	guint i;
	int rc;

	for (i = 0; i < G_N_ELEMENTS(sources) && !text; i++) {
		g_free(rel);
		rel = g_strconcat(s->dir, "/", sources[i], NULL);
		text = bundle_get(b, rel, &len);
		*source = sources[i];
	}
	if (!text) {
		g_free(rel);
		*source = NULL;
		return 0;
	}
	label = bundle_file_label(b, rel);
	trace_diags_init(&local);
	rc = ct_text_parse_buffer(label, text, len, strict ? TRACE_STRICT : TRACE_TOLERANT, fn,
				  arg, stats, &local);
	if (rc == -1)
		parse_error_from_diags(error, &local, label);
	diags_merge(diags, &local);
	trace_diags_clear(&local);
	if (rc == 0 && !strcmp(*source, "conntrack")) {
		char *err_rel = g_strconcat(s->dir, "/conntrack.stderr", NULL);

		check_ct_stderr(b, err_rel, stats->entries, diags);
		g_free(err_rel);
	}
	g_free(label);
	g_free(rel);
	return rc == -1 ? -1 : 1;
}

static int collect_entry(const struct ct_text_entry *e, void *arg)
{
	g_array_append_val((GArray *)arg, *e);
	return 0;
}

GArray *bundle_sample_conntrack(const struct bundle *b, const struct bundle_sample *s,
				bool strict, const char **source, struct trace_diags *diags,
				GError **error)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct ct_text_entry));
	struct ct_text_stats st;
	int rc = sample_ct_parse(b, s, strict, collect_entry, a, source, &st, diags, error);

	if (rc != 1) {
		g_array_free(a, TRUE);
		return NULL;
	}
	return a;
}

struct ppe_dump *bundle_sample_ppe(const struct bundle *b, const struct bundle_sample *s,
				   const char *ppe_dir, bool bind, u8 netsys, bool strict,
				   GError **error)
{
	char *rel = g_strconcat(s->dir, "/", ppe_dir, bind ? "/bind" : "/entries", NULL);
	struct ppe_dump_opts o = { .netsys = netsys, .strict = strict };
	struct ppe_dump *d = NULL;
	GError *e = NULL;
	const char *text;
	gsize len;

	text = bundle_get(b, rel, &len);
	if (text) {
		char *label = bundle_file_label(b, rel);

		d = ppe_dump_parse(label, text, len, &o, &e);
		if (!d) {
			g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_PARSE, "%s",
				    e ? e->message : label);
			g_clear_error(&e);
		}
		g_free(label);
	}
	g_free(rel);
	return d;
}

/* ----------------------------------------------------------------- decode ---- */

struct dec {
	const struct bundle *b;
	struct bundle_timeline *tl;
	const struct bundle_decode_opts *o;
	u32 np;                      /* number of points */
	u32 i;                       /* current point */
	struct bundle_point *pt;
	GHashTable *dirmap;          /* this sample: direction key -> flow index + 1 */
};

static enum bundle_flow_state state_of(const struct ct_text_entry *e)
{
	if (e->flags & CT_TEXT_HW_OFFLOAD)
		return BF_HW_OFFLOAD;
	if (e->flags & CT_TEXT_OFFLOAD)
		return BF_OFFLOAD;
	if (e->flags & CT_TEXT_UNREPLIED)
		return BF_UNREPLIED;
	if (e->flags & CT_TEXT_ASSURED)
		return BF_ASSURED;
	return BF_SLOW;
}

static struct bundle_flow *flow_get(struct dec *d, const struct ct_text_entry *e, char *key,
				    u32 *index)
{
	struct bundle_timeline *tl = d->tl;
	gpointer v = g_hash_table_lookup(tl->flow_index, key);
	struct bundle_flow *f;

	if (v) {
		g_free(key);
		*index = GPOINTER_TO_UINT(v) - 1;
		return g_ptr_array_index(tl->flows, *index);
	}
	f = g_new0(struct bundle_flow, 1);
	f->key = key;
	f->reply = bundle_ct_key(e, true);
	f->l4num = e->l4_num;
	f->has_tuple = ct_text_to_fs_tuple(e, &e->orig, &f->orig_tuple) &&
		       ct_text_to_fs_tuple(e, &e->reply, &f->reply_tuple);
	f->state = g_new0(u8, d->np);
	f->tcp_state = g_new(u8, d->np);
	memset(f->tcp_state, CT_TEXT_TCP_STATE_NONE, d->np);
	f->ppe_bound = g_new0(u8, d->np);
	f->ppe_unbound = g_new0(u8, d->np);
	f->first = d->i;
	*index = tl->flows->len;
	g_ptr_array_add(tl->flows, f);
	g_hash_table_insert(tl->flow_index, g_strdup(key), GUINT_TO_POINTER(*index + 1));
	return f;
}

static int on_ct_entry(const struct ct_text_entry *e, void *arg)
{
	struct dec *d = arg;
	struct bundle_ct_counts *c = &d->pt->ct;
	enum bundle_flow_state st = state_of(e);
	struct bundle_flow *f;
	u32 idx;

	c->entries++;
	c->by_state[st]++;
	if (e->l4_num == FS_IPPROTO_TCP) {
		c->tcp++;
		if (e->tcp_state < BUNDLE_TCP_STATES)
			c->tcp_state[e->tcp_state]++;
	} else if (e->l4_num == FS_IPPROTO_UDP) {
		c->udp++;
	} else if (e->l4_num == FS_IPPROTO_ICMP || e->l4_num == FS_IPPROTO_ICMPV6) {
		c->icmp++;
	} else {
		c->other++;
	}
	f = flow_get(d, e, bundle_ct_key(e, false), &idx);
	/* the same tuple twice in one listing (zones): the more offloaded state wins */
	if (st > f->state[d->i])
		f->state[d->i] = (u8)st;
	f->tcp_state[d->i] = e->tcp_state;
	f->last = d->i;
	if (e->orig.l4_kind == CT_TEXT_L4_PORTS) {
		g_hash_table_insert(d->dirmap, g_strdup(f->key), GUINT_TO_POINTER(idx + 1));
		g_hash_table_insert(d->dirmap, bundle_ct_key(e, true), GUINT_TO_POINTER(idx + 1));
	}
	return 0;
}

static void note_bad_ppe_lines(struct dec *d, const struct ppe_dump *pd)
{
	u32 foreign = 0, first_foreign = 0;
	guint i;

	for (i = 0; i < pd->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(pd->lines, i);

		if (l->kind == PPE_DUMP_BAD) {
			trace_diags_add(&d->tl->diags, TRACE_WARNING, pd->filename, l->lineno,
					l->column, "%s", l->error ? l->error : "malformed PPE line");
		} else if (l->kind == PPE_DUMP_FOREIGN) {
			if (!foreign++)
				first_foreign = l->lineno;
		}
	}
	if (foreign)
		trace_diags_add(&d->tl->diags, TRACE_WARNING, pd->filename, first_foreign, 0,
				"%u line%s that %s not PPE entries skipped (the first here)",
				foreign, foreign == 1 ? "" : "s", foreign == 1 ? "is" : "are");
}

static bool decode_ppe(struct dec *d, struct bundle_ppe_occ *occ, const struct bundle_sample *s,
		       bool have_ct, GError **error)
{
	bool strict = d->o && d->o->strict;
	struct ppe_dump *ent, *bind;
	struct ppe_dump *use;
	guint i;

	ent = bundle_sample_ppe(d->b, s, occ->dir, false, d->tl->netsys, strict, error);
	if (!ent && error && *error)
		return false;
	bind = bundle_sample_ppe(d->b, s, occ->dir, true, d->tl->netsys, strict, error);
	if (!bind && error && *error) {
		ppe_dump_free(ent);
		return false;
	}
	occ->has_entries = ent != NULL;
	occ->has_bind = bind != NULL;
	if (bind) {
		occ->bind_lines = bind->n_entries;
		if (!ent)
			note_bad_ppe_lines(d, bind);
	}
	use = ent ? ent : bind;
	if (!use)
		return true;
	if (ent)
		note_bad_ppe_lines(d, ent);
	occ->bad = use->n_bad;
	for (i = 0; i < use->lines->len; i++) {
		const struct ppe_dump_line *l = g_ptr_array_index(use->lines, i);
		enum ppe_state st;
		char *key;
		gpointer v;

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		st = ppe_entry_state(&l->entry);
		occ->entries++;
		occ->state[st & 3]++;
		if (l->type == PPE_DUMP_TYPE_UNNAMED)
			occ->other++;
		else if (ppe_type_is_ipv6(l->type))
			occ->ipv6++;
		else
			occ->ipv4++;
		if (l->entry.index > occ->max_index)
			occ->max_index = l->entry.index;
		key = bundle_ppe_key(l, d->tl->netsys);
		v = key ? g_hash_table_lookup(d->dirmap, key) : NULL;
		g_free(key);
		if (v) {
			struct bundle_flow *f = g_ptr_array_index(d->tl->flows,
								  GPOINTER_TO_UINT(v) - 1);
			u8 *slot = st == PPE_STATE_BIND ? &f->ppe_bound[d->i] :
							  &f->ppe_unbound[d->i];

			if (*slot < 255)
				(*slot)++;
			if (st == PPE_STATE_BIND)
				occ->bound_matched++;
		} else if (st == PPE_STATE_BIND && have_ct) {
			occ->bound_orphan++;
		}
	}
	ppe_dump_free(ent);
	ppe_dump_free(bind);
	return true;
}

/* A sample's /proc/stat as one series sample (parsed alone: messages name its file). */
static int parse_stat(struct dec *d, const struct bundle_sample *s, struct proc_stat_series *one,
		      char **label, GError **error)
{
	bool strict = d->o && d->o->strict;
	char *rel = g_strconcat(s->dir, "/stat", NULL);
	struct trace_diags local;
	const char *text;
	gsize len;
	int rc;

	*label = NULL;
	text = bundle_get(d->b, rel, &len);
	if (!text) {
		g_free(rel);
		return 0;
	}
	*label = bundle_file_label(d->b, rel);
	g_free(rel);
	trace_diags_init(&local);
	rc = proc_stat_parse_buffer(*label, text, len, strict ? TRACE_STRICT : TRACE_TOLERANT,
				    one, NULL, &local);
	if (rc != 0 && strict) {
		parse_error_from_diags(error, &local, *label);
	} else if (rc != 0) {
		trace_diags_add(&local, TRACE_WARNING, *label, 0, 0,
				"no CPU sample in this file: the CPU load around it is unknown");
	} else if (one->samples->len > 1) {
		trace_diags_add(&local, TRACE_WARNING, *label, 0, 0,
				"%u /proc/stat samples in one file: the first is used",
				one->samples->len);
	}
	diags_merge(&d->tl->diags, &local);
	trace_diags_clear(&local);
	if (rc != 0)
		return strict ? -1 : 0;
	g_array_set_size(one->samples, 1);
	return 1;
}

/*
 * The CPU load between the previous sample that had a /proc/stat and this one: the two
 * are put into a two-sample series so that proc_stat_compute()'s messages (resets,
 * clamps, hotplug) name this sample's file.
 */
static bool decode_stat(struct dec *d, const struct bundle_sample *s,
			struct proc_stat_series *prev, const struct bundle_sample **prev_s,
			GError **error)
{
	struct proc_stat_series one = { 0 }, pair;
	struct proc_stat_report rep;
	char *label;
	int rc = parse_stat(d, s, &one, &label, error);
	guint j;

	if (rc <= 0) {
		proc_stat_series_clear(&one);
		g_free(label);
		return rc == 0;
	}
	if (*prev_s) {
		const struct bundle_sample *sp[2] = { *prev_s, s };
		const struct proc_stat_series *src[2] = { prev, &one };
		guint k;

		proc_stat_series_init(&pair);
		for (k = 0; k < 2; k++) {
			struct proc_stat_sample smp = g_array_index(src[k]->samples,
								    struct proc_stat_sample, 0);

			for (j = 0; j < smp.ncpu; j++)
				g_array_append_val(pair.cpus,
						   g_array_index(src[k]->cpus, struct proc_stat_cpu,
								 smp.first_cpu + j));
			smp.first_cpu = k ? g_array_index(pair.samples, struct proc_stat_sample,
							  0).ncpu : 0;
			if (d->b->time_from_uptime) {
				smp.time_kind = PROC_STAT_TIME_UPTIME;
				smp.time = (double)sp[k]->uptime_cs / 100.0;
			} else if (d->b->time_from_unix) {
				smp.time_kind = PROC_STAT_TIME_UNIX;
				smp.time = (double)sp[k]->unix_time;
			} else {
				smp.time_kind = PROC_STAT_TIME_NONE;
				smp.time = 0;
			}
			g_array_append_val(pair.samples, smp);
		}
		proc_stat_report_init(&rep);
		if (proc_stat_compute(&pair, &rep, label, &d->tl->diags) == 1) {
			const struct proc_stat_interval *iv =
				&g_array_index(rep.intervals, struct proc_stat_interval, 0);

			d->pt->has_cpu = true;
			d->pt->cpu_seconds = iv->has_seconds ? iv->seconds : 0;
			for (j = 0; j < iv->count; j++) {
				const struct proc_stat_usage *u =
					&g_array_index(rep.usage, struct proc_stat_usage,
						       iv->first + j);
				struct bundle_cpu_load l = {
					.cpu = u->cpu,
					.valid = u->status == PROC_STAT_OK,
					.busy_pct = u->busy_pct,
					.softirq_pct = u->softirq_pct,
					.irq_pct = u->irq_pct,
					.system_pct = u->system_pct,
					.user_pct = u->user_pct,
				};

				g_array_append_val(d->pt->cpu, l);
			}
		}
		proc_stat_report_clear(&rep);
		proc_stat_series_clear(&pair);
	}
	proc_stat_series_clear(prev);
	*prev = one;
	*prev_s = s;
	g_free(label);
	return true;
}

/* "6.6.73" -> 6, 6 */
static void parse_kernel(const char *k, u32 *major, u32 *minor)
{
	const char *dot;
	const char *end;

	*major = *minor = 0;
	if (!k)
		return;
	dot = strchr(k, '.');
	if (!dot || !trace_parse_u32(k, (gsize)(dot - k), major)) {
		*major = 0;
		return;
	}
	for (end = dot + 1; g_ascii_isdigit(*end); end++)
		;
	if (!trace_parse_u32(dot + 1, (gsize)(end - dot - 1), minor))
		*major = *minor = 0;
}

static void table_size(struct bundle_timeline *tl, const struct bundle_decode_opts *o)
{
	u32 max = 0, i, j;
	bool any = false;

	for (i = 0; i < tl->points->len; i++) {
		const struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);

		for (j = 0; j < pt->ppe->len; j++) {
			const struct bundle_ppe_occ *oc =
				&g_array_index(pt->ppe, struct bundle_ppe_occ, j);

			if (oc->entries) {
				any = true;
				max = MAX(max, oc->max_index);
			}
		}
	}
	if (o && o->table_size) {
		tl->table_size = o->table_size;
		tl->table_size_source = g_strdup("--table-size");
		if (any && max >= tl->table_size)
			trace_diags_add(&tl->diags, TRACE_WARNING, NULL, 0, 0,
					"--table-size %u, but an entry has index 0x%05x",
					tl->table_size, max);
		return;
	}
	if (!tl->soc)
		return;
	if (tl->soc->airoha) {
		tl->table_size = tl->soc->entries_new;
		tl->table_size_source = g_strdup_printf("%s table", tl->soc->name);
	} else if (tl->kmajor) {
		tl->table_size = ppe_soc_default_entries(tl->soc, tl->kmajor, tl->kminor);
		tl->table_size_source = g_strdup_printf("%s default for kernel %u.%u",
							tl->soc->name, tl->kmajor, tl->kminor);
	} else {
		return;
	}
	if (any && max >= tl->table_size) {
		/* OpenWrt backports the 16K table to older kernels (spec 1.1) */
		u32 n = tl->table_size;

		while (n && n <= max)
			n <<= 1;
		g_free(tl->table_size_source);
		tl->table_size_source = g_strdup_printf("at least %u: index %05x was seen (the %s "
							"default for kernel %u.%u is %u)", n, max,
							tl->soc->name, tl->kmajor, tl->kminor,
							tl->table_size);
		tl->table_size = n;
	}
}

struct bundle_timeline *bundle_decode(const struct bundle *b, const struct bundle_decode_opts *o,
				      GError **error)
{
	struct bundle_timeline *tl = g_new0(struct bundle_timeline, 1);
	struct proc_stat_series prev = { 0 };
	const struct bundle_sample *prev_s = NULL;
	struct dec d = { .b = b, .tl = tl, .o = o, .np = b->samples->len };
	const char *soc = o && o->soc ? o->soc : bundle_manifest_get(b, "soc");
	bool ok = true;
	u32 i, j;

	trace_diags_init(&tl->diags);
	tl->points = g_array_new(FALSE, TRUE, sizeof(struct bundle_point));
	tl->flows = g_ptr_array_new();
	tl->flow_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	tl->soc = bundle_soc_lookup(soc);
	if (o && o->soc && !tl->soc) {
		g_set_error(error, BUNDLE_ERROR, BUNDLE_ERROR_PARSE,
			    "unknown SoC '%s' (flowsim ppe hash --help lists them)", o->soc);
		bundle_timeline_free(tl);
		return NULL;
	}
	if (!tl->soc && b->ppe_dirs->len)
		trace_diags_add(&tl->diags, TRACE_NOTE, b->source, 0, 0,
				"SoC %s%s%s: PPE lines are read without checking their type "
				"against ib1 (give --soc)", soc && *soc ? "'" : "not given",
				soc && *soc ? soc : "", soc && *soc ? "' is not one flowsim models" : "");
	tl->netsys = bundle_soc_netsys(tl->soc);
	parse_kernel(bundle_manifest_get(b, "kernel"), &tl->kmajor, &tl->kminor);

	for (i = 0; i < d.np && ok; i++) {
		const struct bundle_sample *s = &g_array_index(b->samples, struct bundle_sample, i);
		struct bundle_point pt = { .seq = s->seq, .t = s->t };
		struct ct_text_stats st;
		int rc;

		pt.ppe = g_array_new(FALSE, TRUE, sizeof(struct bundle_ppe_occ));
		pt.cpu = g_array_new(FALSE, TRUE, sizeof(struct bundle_cpu_load));
		for (j = 0; j < b->ppe_dirs->len; j++) {
			struct bundle_ppe_occ oc = { 0 };

			g_strlcpy(oc.dir, g_ptr_array_index(b->ppe_dirs, j), sizeof(oc.dir));
			g_array_append_val(pt.ppe, oc);
		}
		g_array_append_val(tl->points, pt);
		d.i = i;
		d.pt = &g_array_index(tl->points, struct bundle_point, i);
		d.dirmap = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		rc = sample_ct_parse(b, s, o && o->strict, on_ct_entry, &d, &d.pt->ct.source, &st,
				     &tl->diags, error);
		if (rc < 0)
			ok = false;
		d.pt->ct.present = rc == 1;
		if (rc == 1)
			d.pt->ct.bad = st.malformed;
		for (j = 0; j < d.pt->ppe->len && ok; j++)
			ok = decode_ppe(&d, &g_array_index(d.pt->ppe, struct bundle_ppe_occ, j), s,
					rc == 1, error);
		ok = ok && decode_stat(&d, s, &prev, &prev_s, error);
		g_hash_table_destroy(d.dirmap);
	}
	if (ok)
		table_size(tl, o);
	proc_stat_series_clear(&prev);
	if (!ok) {
		bundle_timeline_free(tl);
		return NULL;
	}
	return tl;
}

void bundle_timeline_free(struct bundle_timeline *tl)
{
	guint i;

	if (!tl)
		return;
	for (i = 0; i < tl->points->len; i++) {
		struct bundle_point *pt = &g_array_index(tl->points, struct bundle_point, i);

		g_array_free(pt->ppe, TRUE);
		g_array_free(pt->cpu, TRUE);
	}
	for (i = 0; i < tl->flows->len; i++) {
		struct bundle_flow *f = g_ptr_array_index(tl->flows, i);

		g_free(f->key);
		g_free(f->reply);
		g_free(f->state);
		g_free(f->tcp_state);
		g_free(f->ppe_bound);
		g_free(f->ppe_unbound);
		g_free(f);
	}
	g_array_free(tl->points, TRUE);
	g_ptr_array_free(tl->flows, TRUE);
	g_hash_table_destroy(tl->flow_index);
	trace_diags_clear(&tl->diags);
	g_free(tl->table_size_source);
	g_free(tl);
}
