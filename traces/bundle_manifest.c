/* SPDX-License-Identifier: MIT */
/*
 * bundle_manifest.c - a trace bundle's manifest: "key=value" lines checked and stored in
 * b->manifest (split from bundle.c; docs/trace-bundle.md has the format).
 *
 * Invariant: after bundle_parse_manifest() succeeds, the format, version, interval,
 * complete and samples keys are valid.
 */
#include "bundle_internal.h"

#include <string.h>

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

const struct bundle_kv *bundle_manifest_kv(const struct bundle *b, const char *key)
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
bool bundle_manifest_uint(const struct bundle *b, const char *key, bool required, u32 *out,
			  bool *present, GError **error)
{
	const struct bundle_kv *kv = bundle_manifest_kv(b, key);
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
	const struct bundle_kv *kv = bundle_manifest_kv(b, key);
	guint64 v;

	if (!kv || !*kv->value)
		return true;
	if (!trace_parse_u64(kv->value, strlen(kv->value), &v))
		return manifest_error(error, b, kv->line, (u32)strlen(key) + 2,
				      "'%s': expected seconds since 1970, found '%s'", key,
				      kv->value);
	return true;
}

bool bundle_parse_manifest(struct bundle *b, GError **error)
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
		if (bundle_manifest_kv(b, nkv.key)) {
			ok = manifest_error(error, b, l.number, 1, "key '%s' given twice (first "
					    "on line %u)", nkv.key, bundle_manifest_kv(b, nkv.key)->line);
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

	kv = bundle_manifest_kv(b, "format");
	if (!kv)
		return manifest_error(error, b, 0, 0, "missing key 'format' (expected format="
				      BUNDLE_FORMAT "): not a flowsim trace bundle manifest");
	if (strcmp(kv->value, BUNDLE_FORMAT))
		return manifest_error(error, b, kv->line, 8, "format is '%s', expected '"
				      BUNDLE_FORMAT "'", kv->value);
	if (!bundle_manifest_uint(b, "version", true, &b->version, NULL, error))
		return false;
	if (b->version < 1 || b->version > BUNDLE_VERSION)
		return manifest_error(error, b, bundle_manifest_kv(b, "version")->line, 9,
				      "version %u: this flowsim reads bundle version %d", b->version,
				      BUNDLE_VERSION);
	if (!bundle_manifest_uint(b, "interval", true, &b->interval, NULL, error))
		return false;
	if (!b->interval)
		return manifest_error(error, b, bundle_manifest_kv(b, "interval")->line, 10,
				      "interval is 0: expected seconds >= 1");
	kv = bundle_manifest_kv(b, "complete");
	if (!kv)
		return manifest_error(error, b, 0, 0, "missing key 'complete'");
	if (strcmp(kv->value, "0") && strcmp(kv->value, "1"))
		return manifest_error(error, b, kv->line, 10, "complete: expected 0 or 1, found "
				      "'%s'", kv->value);
	b->complete = kv->value[0] == '1';
	if (!bundle_manifest_uint(b, "samples", true, &v, NULL, error) ||
	    !bundle_manifest_uint(b, "duration", false, &v, NULL, error) ||
	    !manifest_int64(b, "start_unix", error) || !manifest_int64(b, "end_unix", error))
		return false;
	if (!b->complete)
		trace_diags_add(&b->diags, TRACE_WARNING, b->source, 0, 0,
				"the collector did not finish (complete=0): the last samples may "
				"be missing");
	return true;
}
