/* SPDX-License-Identifier: MIT */
/*
 * bundle_fixture.h - shared helpers of the trace bundle tests (test_bundle.c,
 * test_bundle_cli.c): the fixture's paths and connection keys, temporary directories,
 * copies and tar archives of the fixture, files written or appended, and lookups into a
 * decoded timeline.
 */
#ifndef FLOWSIM_TEST_BUNDLE_FIXTURE_H
#define FLOWSIM_TEST_BUNDLE_FIXTURE_H

#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bundle.h"
#include "results.h"
#include "testutil.h"

#define DATA FLOWSIM_SOURCE_DIR "/tests/data/bundle"
#define FIXTURE DATA "/timeline-mt7986"
#define SHARED_TRACES FLOWSIM_SHARED_DIR "/data/traces"

/* ------------------------------------------------------------------ helpers ---- */

static inline char *tmpdir_new(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("flowsim-bundle-XXXXXX", &err);

	g_assert_no_error(err);
	return d;
}

static inline void rm_rf(const char *path)
{
	char *argv[] = { "rm", "-rf", (char *)path, NULL };

	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
				   NULL, NULL));
}

static inline void run_ok(char **argv)
{
	GError *err = NULL;
	int status = -1;
	char *out = NULL, *errs = NULL;

	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errs,
				   &status, &err));
	g_assert_no_error(err);
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s", argv[0], errs);
	g_free(out);
	g_free(errs);
}

/* A copy of the fixture under dir/<name>, as an unpacked collector archive would be. */
static inline char *copy_fixture(const char *dir, const char *name)
{
	char *dst = g_build_filename(dir, name, NULL);
	char *argv[] = { "cp", "-r", FIXTURE, dst, NULL };

	run_ok(argv);
	return dst;
}

/* tar (GNU tar's own format unless fmt says otherwise) of dir/name, gzip'ed when gz. */
static inline char *make_tar(const char *dir, const char *name, const char *fmt, bool gz)
{
	char *out = g_strdup_printf("%s/%s.%s", dir, name, gz ? "tar.gz" : "tar");
	char *fmtopt = g_strdup_printf("--format=%s", fmt ? fmt : "gnu");
	char *argv[] = { "tar", gz ? "-czf" : "-cf", out, fmtopt, "-C", (char *)dir,
			 (char *)name, NULL };

	run_ok(argv);
	g_free(fmtopt);
	return out;
}

static inline void write_file(const char *path, const char *text, gssize len)
{
	GError *err = NULL;

	g_file_set_contents(path, text, len, &err);
	g_assert_no_error(err);
}

static inline void append_file(const char *path, const char *text)
{
	gsize len;
	char *old = tu_read_file(path, &len);
	char *all = g_strconcat(old, text, NULL);

	write_file(path, all, -1);
	g_free(old);
	g_free(all);
}
static inline const struct bundle_point *point(const struct bundle_timeline *tl, guint i)
{
	g_assert_cmpuint(i, <, tl->points->len);
	return &g_array_index(tl->points, struct bundle_point, i);
}
static inline const struct bundle_cpu_load *cpu(const struct bundle_timeline *tl, guint i, s32 id)
{
	const struct bundle_point *pt = point(tl, i);
	guint j;

	g_assert_true(pt->has_cpu);
	for (j = 0; j < pt->cpu->len; j++)
		if (g_array_index(pt->cpu, struct bundle_cpu_load, j).cpu == id)
			return &g_array_index(pt->cpu, struct bundle_cpu_load, j);
	g_error("no cpu %d in sample %u", id, i + 1);
	return NULL;
}

#define A_KEY "tcp 192.168.1.20:51514 -> 151.101.1.140:443"
#define B_KEY "udp 192.168.1.35:41641 -> 203.0.113.7:41641"
#define D_KEY "udp 192.168.1.35:53211 -> 192.168.1.1:53"
#define E_KEY "tcp 192.168.1.20:51530 -> 142.250.74.110:443"
#define F_KEY "tcp [2001:db8:100::20]:40000 -> [2606:4700::6810:84e5]:443"

#endif /* FLOWSIM_TEST_BUNDLE_FIXTURE_H */
