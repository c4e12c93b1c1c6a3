/* SPDX-License-Identifier: MIT */
/*
 * test_bundle.c - trace bundles (traces/bundle.h): opening directories and archives, the
 * tar reader, malformed bundles, decoding (test_bundle_cli.c has `flowsim trace show|import`;
 * bundle_fixture.h the shared helpers).
 *
 * The fixture tests/data/bundle/timeline-mt7986 is a bundle as traces/collect.sh writes it,
 * four samples one second apart on a GL-MT6000 (MT7986, OpenWrt 24.10, kernel 6.6):
 *   A tcp 192.168.1.20:51514 -> 151.101.1.140:443   assured, then [HW_OFFLOAD] (2 BND)
 *   B udp 192.168.1.35:41641 -> 203.0.113.7:41641   [HW_OFFLOAD], then the flag goes while
 *                                                   both PPE entries stay bound (as in
 *                                                   data/traces file 06), then it is gone
 *                                                   and its 2 BND entries are orphans
 *   D udp 192.168.1.35:53211 -> 192.168.1.1:53      slow path, one UNB entry
 *   F tcp [2001:db8:100::20]:40000 -> ...:443       IPv6, [HW_OFFLOAD], 2 BND IPv6 5T
 *   E tcp 192.168.1.20:51530 -> 142.250.74.110:443  from sample 2: SYN_SENT [UNREPLIED],
 *                                                   assured, [OFFLOAD] (UNB entries only)
 * The expected numbers below are counted from those files by hand.
 */
#include "bundle_fixture.h"

static struct bundle *open_ok(const char *path)
{
	GError *err = NULL;
	struct bundle *b = bundle_open(path, &err);

	g_assert_no_error(err);
	g_assert_nonnull(b);
	return b;
}

/* Opening must fail with this code and a message containing every needle. */
static void open_fails(const char *path, int code, const char *needle1, const char *needle2)
{
	GError *err = NULL;
	struct bundle *b = bundle_open(path, &err);

	g_assert_null(b);
	g_assert_error(err, BUNDLE_ERROR, code);
	if (needle1 && !strstr(err->message, needle1))
		g_error("expected '%s' in: %s", needle1, err->message);
	if (needle2 && !strstr(err->message, needle2))
		g_error("expected '%s' in: %s", needle2, err->message);
	g_error_free(err);
}

static const struct bundle_ppe_occ *occ(const struct bundle_timeline *tl, guint i,
					const char *dir)
{
	const struct bundle_point *pt = point(tl, i);
	guint j;

	for (j = 0; j < pt->ppe->len; j++)
		if (!strcmp(g_array_index(pt->ppe, struct bundle_ppe_occ, j).dir, dir))
			return &g_array_index(pt->ppe, struct bundle_ppe_occ, j);
	g_error("no PPE %s in sample %u", dir, i + 1);
	return NULL;
}

static const struct bundle_flow *flow(const struct bundle_timeline *tl, const char *key)
{
	gpointer v = g_hash_table_lookup(tl->flow_index, key);

	if (!v)
		g_error("no connection '%s'", key);
	return g_ptr_array_index(tl->flows, GPOINTER_TO_UINT(v) - 1);
}

static void assert_states(const struct bundle_flow *f, const u8 *want, const u8 *bound,
			  const u8 *unbound, guint n)
{
	guint i;

	for (i = 0; i < n; i++) {
		if (f->state[i] != want[i] || f->ppe_bound[i] != bound[i] ||
		    f->ppe_unbound[i] != unbound[i])
			g_error("%s sample %u: state %s bound %u unbound %u, expected %s %u %u",
				f->key, i + 1, bundle_flow_state_name(f->state[i]),
				f->ppe_bound[i], f->ppe_unbound[i], bundle_flow_state_name(want[i]),
				bound[i], unbound[i]);
	}
}

/* Everything the fixture's timeline must say, whatever container it came in. */
static void check_fixture_timeline(const struct bundle *b)
{
	GError *err = NULL;
	struct bundle_timeline *tl = bundle_decode(b, NULL, &err);
	static const u32 ct_entries[4] = { 4, 5, 5, 4 };
	static const u32 bnd[4] = { 4, 6, 6, 6 }, unb[4] = { 3, 2, 3, 3 };
	static const u32 orphan[4] = { 0, 0, 0, 2 };
	static const u8 a_st[4] = { BF_ASSURED, BF_HW_OFFLOAD, BF_HW_OFFLOAD, BF_HW_OFFLOAD };
	static const u8 a_b[4] = { 0, 2, 2, 2 }, a_u[4] = { 2, 0, 0, 0 };
	static const u8 b_st[4] = { BF_HW_OFFLOAD, BF_HW_OFFLOAD, BF_SLOW, BF_ABSENT };
	static const u8 b_b[4] = { 2, 2, 2, 0 }, zero[4] = { 0, 0, 0, 0 };
	static const u8 d_st[4] = { BF_SLOW, BF_SLOW, BF_SLOW, BF_SLOW };
	static const u8 one[4] = { 1, 1, 1, 1 }, two[4] = { 2, 2, 2, 2 };
	static const u8 e_st[4] = { BF_ABSENT, BF_UNREPLIED, BF_ASSURED, BF_OFFLOAD };
	static const u8 e_u[4] = { 0, 1, 2, 2 };
	static const u8 f_st[4] = { BF_HW_OFFLOAD, BF_HW_OFFLOAD, BF_HW_OFFLOAD, BF_HW_OFFLOAD };
	guint i;

	g_assert_no_error(err);
	g_assert_nonnull(tl);
	g_assert_nonnull(tl->soc);
	g_assert_cmpstr(tl->soc->name, ==, "mt7986");
	g_assert_cmpuint(tl->netsys, ==, PPE_NETSYS_V2);
	g_assert_cmpuint(tl->kmajor, ==, 6);
	g_assert_cmpuint(tl->kminor, ==, 6);
	/* 8192 entries up to 6.10 (spec 1.1) */
	g_assert_cmpuint(tl->table_size, ==, 8192);
	g_assert_cmpuint(tl->points->len, ==, 4);
	for (i = 0; i < 4; i++) {
		const struct bundle_point *pt = point(tl, i);

		g_assert_true(pt->ct.present);
		g_assert_cmpstr(pt->ct.source, ==, "nf_conntrack");
		g_assert_cmpuint(pt->ct.entries, ==, ct_entries[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->state[PPE_STATE_BIND], ==, bnd[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->state[PPE_STATE_UNBIND], ==, unb[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->bind_lines, ==, bnd[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->bound_orphan, ==, orphan[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->bound_matched, ==, bnd[i] - orphan[i]);
		g_assert_cmpuint(occ(tl, i, "ppe0")->ipv6, ==, 2);
		g_assert_cmpuint(occ(tl, i, "ppe0")->max_index, ==, 0x16e4);
		g_assert_cmpuint(occ(tl, i, "ppe1")->entries, ==, 0);
		g_assert_true(occ(tl, i, "ppe1")->has_entries);
		g_assert_cmpuint(pt->has_cpu, ==, i > 0);
	}
	/* sample 2: A is [HW_OFFLOAD] now, E appeared as SYN_SENT [UNREPLIED] */
	g_assert_cmpuint(point(tl, 1)->ct.by_state[BF_HW_OFFLOAD], ==, 3);
	g_assert_cmpuint(point(tl, 1)->ct.by_state[BF_UNREPLIED], ==, 1);
	g_assert_cmpuint(point(tl, 1)->ct.by_state[BF_SLOW], ==, 1);
	g_assert_cmpuint(point(tl, 1)->ct.tcp, ==, 3);
	g_assert_cmpuint(point(tl, 1)->ct.udp, ==, 2);
	g_assert_cmpuint(point(tl, 1)->ct.tcp_state[1 /* TCP_CT_SYN_SENT */], ==, 1);
	g_assert_cmpuint(point(tl, 3)->ct.by_state[BF_OFFLOAD], ==, 1);

	g_assert_cmpuint(tl->flows->len, ==, 5);
	/* in order of first appearance */
	g_assert_cmpstr(((struct bundle_flow *)g_ptr_array_index(tl->flows, 0))->key, ==, A_KEY);
	g_assert_cmpstr(((struct bundle_flow *)g_ptr_array_index(tl->flows, 3))->key, ==, F_KEY);
	g_assert_cmpstr(((struct bundle_flow *)g_ptr_array_index(tl->flows, 4))->key, ==, E_KEY);
	assert_states(flow(tl, A_KEY), a_st, a_b, a_u, 4);
	assert_states(flow(tl, B_KEY), b_st, b_b, zero, 4);
	assert_states(flow(tl, D_KEY), d_st, zero, one, 4);
	assert_states(flow(tl, E_KEY), e_st, zero, e_u, 4);
	assert_states(flow(tl, F_KEY), f_st, two, zero, 4);
	g_assert_cmpstr(flow(tl, A_KEY)->reply, ==, "tcp 151.101.1.140:443 -> 100.64.12.34:51514");
	g_assert_true(flow(tl, F_KEY)->has_tuple);
	g_assert_cmpuint(flow(tl, E_KEY)->first, ==, 1);
	g_assert_cmpuint(flow(tl, B_KEY)->last, ==, 2);

	/*
	 * CPU, interval 1 -> 2 (1.01 s by /proc/uptime): cpu0 +2 user +10 system +40 idle +49
	 * softirq = 61 busy of 101 ticks; all four CPUs 76 busy, 55 softirq of 404.
	 */
	g_assert_cmpfloat_with_epsilon(point(tl, 1)->cpu_seconds, 1.01, 1e-9);
	g_assert_cmpfloat_with_epsilon(cpu(tl, 1, 0)->busy_pct, 100.0 * 61 / 101, 1e-9);
	g_assert_cmpfloat_with_epsilon(cpu(tl, 1, 0)->softirq_pct, 100.0 * 49 / 101, 1e-9);
	g_assert_cmpfloat_with_epsilon(cpu(tl, 1, PROC_STAT_AGGREGATE)->busy_pct,
				       100.0 * 76 / 404, 1e-9);
	g_assert_cmpfloat_with_epsilon(cpu(tl, 1, PROC_STAT_AGGREGATE)->softirq_pct,
				       100.0 * 55 / 404, 1e-9);
	g_assert_cmpfloat_with_epsilon(cpu(tl, 2, PROC_STAT_AGGREGATE)->busy_pct,
				       100.0 * 20 / 404, 1e-9);
	g_assert_cmpuint(trace_diags_count(&tl->diags, TRACE_WARNING), ==, 0);
	bundle_timeline_free(tl);
}

/* ------------------------------------------------------------------- open ---- */

static void test_open_directory(void)
{
	struct bundle *b = open_ok(FIXTURE);
	const struct bundle_sample *s;

	g_assert_false(b->archive);
	g_assert_cmpstr(b->top, ==, "");
	g_assert_cmpuint(b->version, ==, 1);
	g_assert_cmpuint(b->interval, ==, 1);
	g_assert_true(b->complete);
	g_assert_cmpuint(b->samples->len, ==, 4);
	g_assert_cmpuint(b->ppe_dirs->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(b->ppe_dirs, 0), ==, "ppe0");
	g_assert_cmpstr(g_ptr_array_index(b->ppe_dirs, 1), ==, "ppe1");
	g_assert_cmpstr(bundle_manifest_get(b, "soc"), ==, "mt7986");
	g_assert_cmpstr(bundle_manifest_get(b, "device"), ==, "GL.iNet GL-MT6000");
	g_assert_cmpstr(bundle_manifest_get(b, "system_type"), ==, "");
	g_assert_null(bundle_manifest_get(b, "no_such_key"));
	g_assert_true(b->time_from_uptime);
	s = &g_array_index(b->samples, struct bundle_sample, 3);
	g_assert_cmpuint(s->seq, ==, 4);
	g_assert_cmpstr(s->dir, ==, "samples/000004");
	g_assert_cmpint(s->unix_time, ==, 1732461003);
	g_assert_cmpuint(s->uptime_cs, ==, 1234870);
	g_assert_cmpuint(s->uptime_end_cs, ==, 1234874);
	g_assert_cmpfloat_with_epsilon(s->t, 3.03, 1e-9);
	g_assert_nonnull(bundle_get(b, "static/ruleset.json", NULL));
	g_assert_null(bundle_get(b, "static/absent", NULL));
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_WARNING), ==, 0);
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_NOTE), ==, 0);
	check_fixture_timeline(b);
	bundle_free(b);
}

/* GNU tar (gzip), POSIX ustar and pax archives of the fixture read the same. */
static void test_open_archives(void)
{
	static const char *const fmts[] = { "gnu", "ustar", "pax" };
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "flowsim-bundle-gl-mt6000-20241124T151000Z");
	guint i;

	/* a name longer than 100 bytes: GNU 'L' records, the ustar prefix, a pax path */
	{
		char *longname = g_strdup_printf("%s/static/%s", top,
						 "notes-of-the-person-who-collected-this-bundle-"
						 "on-a-rainy-afternoon-in-november.txt");

		write_file(longname, "kept\n", -1);
		g_free(longname);
	}
	for (i = 0; i < G_N_ELEMENTS(fmts); i++) {
		char *tgz = make_tar(dir, "flowsim-bundle-gl-mt6000-20241124T151000Z", fmts[i],
				     true);
		struct bundle *b = open_ok(tgz);
		char *label = bundle_file_label(b, "manifest");
		char *want = g_strdup_printf("%s:flowsim-bundle-gl-mt6000-20241124T151000Z/manifest",
					     tgz);

		g_assert_true(b->archive);
		g_assert_cmpstr(b->top, ==, "flowsim-bundle-gl-mt6000-20241124T151000Z");
		g_assert_cmpstr(label, ==, want);
		g_assert_cmpstr(bundle_get(b, "static/notes-of-the-person-who-collected-this-"
					   "bundle-on-a-rainy-afternoon-in-november.txt", NULL),
				==, "kept\n");
		/* the extra file is reported as not part of the format, nothing else */
		g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_NOTE), ==, 1);
		g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_WARNING), ==, 0);
		check_fixture_timeline(b);
		bundle_free(b);
		g_free(label);
		g_free(want);
		g_free(tgz);
	}
	/* and a plain .tar */
	{
		char *tar = make_tar(dir, "flowsim-bundle-gl-mt6000-20241124T151000Z", NULL, false);
		struct bundle *b = open_ok(tar);

		check_fixture_timeline(b);
		bundle_free(b);
		g_free(tar);
	}
	rm_rf(dir);
	g_free(top);
	g_free(dir);
}

/* ------------------------------------------------------------ hand-made tar ---- */

/* One ustar member; type '0' file, '2' symlink, '5' directory. */
static void tar_member(GByteArray *a, const char *name, char type, const char *data)
{
	guint8 h[512];
	gsize len = data ? strlen(data) : 0;
	guint sum = 0, i;
	static const guint8 pad[512];

	memset(h, 0, sizeof(h));
	g_strlcpy((char *)h, name, 100);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	g_snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	memcpy(h + 136, "14717263650", 11);
	h[156] = (guint8)type;
	if (type == '2')
		g_strlcpy((char *)h + 157, "/etc/shadow", 100);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	g_snprintf((char *)h + 148, 8, "%06o", sum);
	g_byte_array_append(a, h, 512);
	if (len) {
		g_byte_array_append(a, (const guint8 *)data, (guint)len);
		g_byte_array_append(a, pad, (guint)((512 - len % 512) % 512));
	}
}

static void tar_end(GByteArray *a)
{
	static const guint8 zero[1024];

	g_byte_array_append(a, zero, sizeof(zero));
}

static const char *const MINI_MANIFEST =
	"format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=2\nsamples=1\n";

static GByteArray *mini_tar(void)
{
	GByteArray *a = g_byte_array_new();

	tar_member(a, "b/", '5', NULL);
	tar_member(a, "b/manifest", '0', MINI_MANIFEST);
	tar_member(a, "b/samples/000001/time", '0', "unix=100\nuptime=5.5\n");
	tar_member(a, "b/samples/000001/nf_conntrack", '0',
		   "ipv4     2 udp      17 29 src=10.0.0.2 dst=10.0.1.2 sport=1000 dport=53 "
		   "src=10.0.1.2 dst=10.0.0.2 sport=53 dport=1000 mark=0 zone=0 use=2\n");
	return a;
}

static void open_bytes_fails(GByteArray *a, int code, const char *needle)
{
	GError *err = NULL;
	struct bundle *b = bundle_open_bytes("mem.tar", a->data, a->len, &err);

	g_assert_null(b);
	g_assert_error(err, BUNDLE_ERROR, code);
	if (!strstr(err->message, needle))
		g_error("expected '%s' in: %s", needle, err->message);
	g_error_free(err);
}

static void test_tar_hand_made(void)
{
	GByteArray *a = mini_tar();
	GError *err = NULL;
	struct bundle *b;
	struct bundle_timeline *tl;

	tar_end(a);
	b = bundle_open_bytes("mem.tar", a->data, a->len, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(b->interval, ==, 2);
	g_assert_cmpuint(b->samples->len, ==, 1);
	g_assert_cmpuint(b->ppe_dirs->len, ==, 0);
	tl = bundle_decode(b, NULL, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(point(tl, 0)->ct.by_state[BF_SLOW], ==, 1);
	g_assert_false(point(tl, 0)->has_cpu);
	bundle_timeline_free(tl);
	bundle_free(b);
	g_byte_array_free(a, TRUE);
}

static void test_tar_refuses_unsafe_members(void)
{
	GByteArray *a;

	a = mini_tar();
	tar_member(a, "b/../../etc/cron.d/x", '0', "* * * * * root sh\n");
	tar_end(a);
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "a \"..\" component");
	g_byte_array_free(a, TRUE);

	a = mini_tar();
	tar_member(a, "/b/static/uname", '0', "Linux\n");
	tar_end(a);
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "an absolute path");
	g_byte_array_free(a, TRUE);

	a = mini_tar();
	tar_member(a, "b/static/uname", '2', NULL);
	tar_end(a);
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "'b/static/uname' is a symbolic link");
	g_byte_array_free(a, TRUE);
}

static void test_tar_truncated_and_corrupt(void)
{
	GByteArray *a = mini_tar();
	guint full;

	tar_end(a);
	full = a->len;
	/* cut inside the last member's data: 1024 end blocks + 512 data + 100 */
	g_byte_array_set_size(a, full - 1024 - 512 + 100);
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "truncated tar archive: the member at offset");
	/* cut exactly at a member boundary: no end-of-archive blocks */
	g_byte_array_set_size(a, full - 1024);
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "no end-of-archive marker");
	g_byte_array_free(a, TRUE);
	/* cut right after the last member's data, inside its padding (ASan: no write past) */
	a = mini_tar();
	{
		guint data_len, i;

		/* the last member is nf_conntrack: its data ends where the zero padding starts */
		for (i = a->len; i > 0 && a->data[i - 1] == 0; i--)
			;
		data_len = i;
		g_byte_array_set_size(a, data_len);
		g_assert_cmpuint(a->len % 512, !=, 0);
	}
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "no end-of-archive marker");
	g_byte_array_free(a, TRUE);

	a = mini_tar();
	tar_end(a);
	a->data[512 + 10] ^= 0x20;   /* the manifest header's name: checksum no longer matches */
	open_bytes_fails(a, BUNDLE_ERROR_ARCHIVE, "archive offset 512: not a tar header (bad "
			 "checksum)");
	g_byte_array_free(a, TRUE);
}

/* Byte flips in a tar and a tar.gz: an error or a bundle, never a crash (ASan build). */
static void test_archive_mutations_never_crash(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *tgz = make_tar(dir, "bundle", NULL, true);
	char *tar = make_tar(dir, "bundle", NULL, false);
	const char *paths[2] = { tgz, tar };
	GRand *rnd = g_rand_new_with_seed(20241124);
	guint p, i, opened = 0, failed = 0;

	for (p = 0; p < 2; p++) {
		gsize len;
		char *orig = tu_read_file(paths[p], &len);

		for (i = 0; i < 150; i++) {
			char *m = g_memdup2(orig, len);
			guint flips = (guint)g_rand_int_range(rnd, 1, 8), f;
			GError *err = NULL;
			struct bundle *b;

			for (f = 0; f < flips; f++)
				m[g_rand_int_range(rnd, 0, (gint32)len)] ^=
					(char)g_rand_int_range(rnd, 1, 256);
			b = bundle_open_bytes("mutant", m, len, &err);
			if (b) {
				struct bundle_timeline *tl = bundle_decode(b, NULL, &err);

				g_assert_nonnull(tl);
				bundle_timeline_free(tl);
				bundle_free(b);
				opened++;
			} else {
				g_assert_nonnull(err);
				g_assert_cmpuint(strlen(err->message), >, 10);
				g_error_free(err);
				failed++;
			}
			g_free(m);
		}
		g_free(orig);
	}
	g_assert_cmpuint(opened + failed, ==, 300);
	g_assert_cmpuint(failed, >, 0);
	g_rand_free(rnd);
	rm_rf(dir);
	g_free(top);
	g_free(tgz);
	g_free(tar);
	g_free(dir);
}

/* ------------------------------------------------------- malformed bundles ---- */

static void test_missing_manifest(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *m = g_build_filename(top, "manifest", NULL);
	char *tgz;

	g_assert_cmpint(g_unlink(m), ==, 0);
	open_fails(top, BUNDLE_ERROR_LAYOUT, "no manifest", NULL);
	tgz = make_tar(dir, "bundle", NULL, true);
	open_fails(tgz, BUNDLE_ERROR_LAYOUT, "no manifest", tgz);
	rm_rf(dir);
	g_free(m);
	g_free(top);
	g_free(tgz);
	g_free(dir);
}

static void test_truncated_tar_gz(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *tgz = make_tar(dir, "bundle", NULL, true);
	gsize len;
	char *data = tu_read_file(tgz, &len);
	char *cut = g_strconcat(tgz, ".cut", NULL);

	write_file(cut, data, (gssize)(len / 2));
	open_fails(cut, BUNDLE_ERROR_ARCHIVE, "truncated gzip stream", cut);
	/* a damaged CRC: the last 8 bytes hold CRC32 and size */
	data[len - 6] ^= 0x55;
	write_file(cut, data, (gssize)len);
	open_fails(cut, BUNDLE_ERROR_ARCHIVE, "corrupt gzip data", NULL);
	rm_rf(dir);
	g_free(data);
	g_free(cut);
	g_free(top);
	g_free(tgz);
	g_free(dir);
}

static void test_garbage_files(void)
{
	char *dir = tmpdir_new();
	char *p = g_build_filename(dir, "garbage.tar.gz", NULL);
	char buf[4096];
	GRand *rnd = g_rand_new_with_seed(7);
	guint i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)g_rand_int_range(rnd, 0, 256);
	buf[0] = 'G';   /* not the gzip magic */
	write_file(p, buf, sizeof(buf));
	open_fails(p, BUNDLE_ERROR_ARCHIVE, "not a tar archive, nor a gzip-compressed one", p);
	write_file(p, "hello\n", -1);
	open_fails(p, BUNDLE_ERROR_ARCHIVE, "too short for a tar archive", NULL);
	write_file(p, "", 0);
	open_fails(p, BUNDLE_ERROR_ARCHIVE, "empty file", NULL);
	buf[0] = 0x1f;
	buf[1] = (char)0x8b;
	write_file(p, buf, sizeof(buf));
	open_fails(p, BUNDLE_ERROR_ARCHIVE, "gzip", NULL);
	open_fails(FIXTURE "/does-not-exist", BUNDLE_ERROR_IO, "does-not-exist", NULL);
	g_rand_free(rnd);
	rm_rf(dir);
	g_free(p);
	g_free(dir);
}

/* The manifest's mistakes, each with its line and column. */
static void test_manifest_errors(void)
{
	static const struct {
		const char *text, *needle;
	} cases[] = {
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=1\nsamples=4\n"
		  "this line has no equals sign\n", "manifest:6:5: expected a key of lower-case" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=1\nsamples=4\n"
		  "bare\n", "manifest:6:5: expected '=' after the key" },
		{ "format=flowsim-trace-bundle\nVersion=1\n", "manifest:2:1: expected a key" },
		{ "format=something-else\n", "manifest:1:8: format is 'something-else'" },
		{ "version=1\n", "missing key 'format'" },
		{ "format=flowsim-trace-bundle\nversion=2\ncomplete=1\ninterval=1\nsamples=4\n",
		  "manifest:2:9: version 2: this flowsim reads bundle version 1" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\nsamples=4\n",
		  "missing key 'interval'" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=1s\nsamples=4\n",
		  "manifest:4:10: 'interval': expected a whole number, found '1s'" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=yes\ninterval=1\nsamples=4\n",
		  "manifest:3:10: complete: expected 0 or 1" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=1\nsamples=4\n"
		  "interval=2\n", "manifest:6:1: key 'interval' given twice (first on line 4)" },
		{ "format=flowsim-trace-bundle\nversion=1\ncomplete=1\ninterval=1\nsamples=4\n"
		  "start_unix=yesterday\n", "manifest:6:12: 'start_unix': expected seconds" },
	};
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *m = g_build_filename(top, "manifest", NULL);
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		write_file(m, cases[i].text, -1);
		open_fails(top, BUNDLE_ERROR_MANIFEST, cases[i].needle, "bundle/manifest");
	}
	rm_rf(dir);
	g_free(m);
	g_free(top);
	g_free(dir);
}

static void test_layout_oddities(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *p;
	struct bundle *b;

	/* a sample the collector never renamed, a stray file, a time file with a bad value */
	p = g_build_filename(top, "samples", "000005.tmp", NULL);
	g_assert_cmpint(g_mkdir(p, 0755), ==, 0);
	g_free(p);
	p = g_build_filename(top, "samples", "000005.tmp", "stat", NULL);
	write_file(p, "cpu 1 2 3 4\n", -1);
	g_free(p);
	p = g_build_filename(top, "README", NULL);
	write_file(p, "mine\n", -1);
	g_free(p);
	b = open_ok(top);
	g_assert_cmpuint(b->samples->len, ==, 4);
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_WARNING), ==, 1);
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_NOTE), ==, 1);
	g_assert_nonnull(strstr(trace_diags_first(&b->diags, TRACE_WARNING)->message,
				"a sample the collector did not finish"));
	bundle_free(b);

	p = g_build_filename(top, "samples", "000002", "time", NULL);
	write_file(p, "unix=1732461001\nuptime=12346.6x\n", -1);
	open_fails(top, BUNDLE_ERROR_LAYOUT, "samples/000002/time:2:8: expected a number of "
		   "seconds after 'uptime='", NULL);
	g_free(p);

	/* the manifest's sample count disagrees, the collector was stopped: warnings */
	rm_rf(top);
	g_free(top);
	top = copy_fixture(dir, "bundle");
	p = g_build_filename(top, "samples", "000004", NULL);
	rm_rf(p);
	g_free(p);
	p = g_build_filename(top, "manifest", NULL);
	{
		gsize len;
		char *t = tu_read_file(p, &len);
		char **parts = g_strsplit(t, "complete=1", 2);
		char *t2 = g_strjoinv("complete=0", parts);

		write_file(p, t2, -1);
		g_strfreev(parts);
		g_free(t);
		g_free(t2);
	}
	g_free(p);
	b = open_ok(top);
	g_assert_cmpuint(b->samples->len, ==, 3);
	g_assert_false(b->complete);
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_WARNING), ==, 2);
	bundle_free(b);
	rm_rf(dir);
	g_free(top);
	g_free(dir);
}

/* A stuck /proc/uptime (a fake root) falls back to the wall clock. */
static void test_time_fallback(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	struct bundle *b;
	guint i;

	for (i = 1; i <= 4; i++) {
		char *p = g_strdup_printf("%s/samples/%06u/time", top, i);
		char *t = g_strdup_printf("unix=%u\nuptime=500.00\n", 1000 + 2 * i);

		write_file(p, t, -1);
		g_free(p);
		g_free(t);
	}
	b = open_ok(top);
	g_assert_false(b->time_from_uptime);
	g_assert_true(b->time_from_unix);
	g_assert_cmpfloat(g_array_index(b->samples, struct bundle_sample, 3).t, ==, 6.0);
	g_assert_cmpuint(trace_diags_count(&b->diags, TRACE_WARNING), ==, 1);
	bundle_free(b);
	rm_rf(dir);
	g_free(top);
	g_free(dir);
}

/* ------------------------------------------------------------------ decode ---- */

static void test_decode_strict_and_tolerant(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *ct = g_build_filename(top, "samples", "000002", "nf_conntrack", NULL);
	char *ppe = g_build_filename(top, "samples", "000003", "ppe0", "entries", NULL);
	struct bundle_decode_opts strict = { .strict = true };
	struct bundle *b;
	struct bundle_timeline *tl;
	GError *err = NULL;
	const struct trace_diag *w;

	append_file(ct, "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=\n");
	append_file(ppe, "01234 BND IPv4 5T orig=192.168.1.2:1->\n");
	b = open_ok(top);
	tl = bundle_decode(b, NULL, &err);
	g_assert_no_error(err);
	/* the bad lines are skipped and reported; the rest is decoded as before */
	g_assert_cmpuint(point(tl, 1)->ct.entries, ==, 5);
	g_assert_cmpuint(point(tl, 1)->ct.bad, ==, 1);
	g_assert_cmpuint(occ(tl, 2, "ppe0")->bad, ==, 1);
	g_assert_cmpuint(occ(tl, 2, "ppe0")->entries, ==, 9);
	g_assert_cmpuint(trace_diags_count(&tl->diags, TRACE_WARNING), ==, 2);
	w = trace_diags_first(&tl->diags, TRACE_WARNING);
	g_assert_nonnull(strstr(w->file, "bundle/samples/000002/nf_conntrack"));
	g_assert_cmpuint(w->line, ==, 6);
	g_assert_cmpuint(w->column, >, 0);
	bundle_timeline_free(tl);

	tl = bundle_decode(b, &strict, &err);
	g_assert_null(tl);
	g_assert_error(err, BUNDLE_ERROR, BUNDLE_ERROR_PARSE);
	g_assert_nonnull(strstr(err->message, "bundle/samples/000002/nf_conntrack:6:"));
	g_clear_error(&err);
	bundle_free(b);
	rm_rf(dir);
	g_free(ct);
	g_free(ppe);
	g_free(top);
	g_free(dir);
}

/* Without /proc/net/nf_conntrack the `conntrack -L` listing is used, its trailer checked. */
static void test_decode_conntrack_tool_listing(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *proc = g_build_filename(top, "samples", "000001", "nf_conntrack", NULL);
	char *tool = g_build_filename(top, "samples", "000001", "conntrack", NULL);
	char *tool_err = g_build_filename(top, "samples", "000001", "conntrack.stderr", NULL);
	struct bundle *b;
	struct bundle_timeline *tl;
	GError *err = NULL;
	const struct trace_diag *w;

	g_assert_cmpint(g_unlink(proc), ==, 0);
	write_file(tool, "tcp      6 7440 ESTABLISHED src=192.168.1.20 dst=151.101.1.140 "
		   "sport=51514 dport=443 src=151.101.1.140 dst=100.64.12.34 sport=443 "
		   "dport=51514 [ASSURED] mark=0 use=1\n"
		   "udp      17 src=192.168.1.35 dst=203.0.113.7 sport=41641 dport=41641 "
		   "src=203.0.113.7 dst=100.64.12.34 sport=41641 dport=41641 [HW_OFFLOAD] mark=0 "
		   "use=1\n", -1);
	write_file(tool_err, "conntrack v1.4.8 (conntrack-tools): 3 flow entries have been "
		   "shown.\n", -1);
	b = open_ok(top);
	tl = bundle_decode(b, NULL, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(point(tl, 0)->ct.source, ==, "conntrack");
	g_assert_cmpuint(point(tl, 0)->ct.entries, ==, 2);
	g_assert_cmpuint(point(tl, 0)->ct.by_state[BF_HW_OFFLOAD], ==, 1);
	g_assert_cmpuint(flow(tl, B_KEY)->ppe_bound[0], ==, 2);
	/* the fixture's IPv6 entries now have no connection in sample 1 */
	g_assert_cmpuint(occ(tl, 0, "ppe0")->bound_orphan, ==, 2);
	g_assert_cmpuint(trace_diags_count(&tl->diags, TRACE_WARNING), ==, 1);
	w = trace_diags_first(&tl->diags, TRACE_WARNING);
	g_assert_nonnull(strstr(w->file, "samples/000001/conntrack.stderr"));
	g_assert_cmpstr(w->message, ==, "conntrack says 3 flow entries were shown, the listing "
			"has 2");
	bundle_timeline_free(tl);
	bundle_free(b);
	rm_rf(dir);
	g_free(proc);
	g_free(tool);
	g_free(tool_err);
	g_free(top);
	g_free(dir);
}

/* Redacted pastes still tie PPE entries to their connection (data/traces file 06). */
static void test_keys_match_redacted_paste(void)
{
	gsize len;
	char *text = tu_read_file(SHARED_TRACES "/06-openwrt-issue-17915-proc-nf_conntrack-and-"
				  "ppe-bind-timeline.txt", &len);
	char **lines = g_strsplit(text, "\n", -1);
	struct ppe_dump_opts po = { .netsys = PPE_NETSYS_V1 };
	struct ct_text_entry e;
	struct ct_text_meta m;
	struct ct_text_error ce;
	struct ppe_dump_line up, down;
	char *ko, *kr, *ku, *kd;

	/* line 3: the conntrack entry; lines 4-5: its two bound PPE entries */
	g_assert_cmpint(ct_text_parse_line(lines[2], strlen(lines[2]), &e, &m, &ce), ==,
			CT_TEXT_LINE_ENTRY);
	memset(&up, 0, sizeof(up));
	memset(&down, 0, sizeof(down));
	g_assert_cmpint(ppe_dump_parse_line(lines[3], strlen(lines[3]), &po, &down), ==,
			PPE_DUMP_ENTRY);
	g_assert_cmpint(ppe_dump_parse_line(lines[4], strlen(lines[4]), &po, &up), ==,
			PPE_DUMP_ENTRY);
	ko = bundle_ct_key(&e, false);
	kr = bundle_ct_key(&e, true);
	ku = bundle_ppe_key(&up, PPE_NETSYS_V1);
	kd = bundle_ppe_key(&down, PPE_NETSYS_V1);
	g_assert_cmpstr(ko, ==, "udp 192.168.81.11:38720 -> x.x.x.x:3578");
	g_assert_cmpstr(kr, ==, "udp x.x.x.x:3578 -> y.y.y.y:38720");
	g_assert_cmpstr(ku, ==, ko);
	g_assert_cmpstr(kd, ==, kr);
	g_free(ko);
	g_free(kr);
	g_free(ku);
	g_free(kd);
	ppe_dump_line_clear(&up);
	ppe_dump_line_clear(&down);
	g_strfreev(lines);
	g_free(text);
}

static void test_soc_names(void)
{
	g_assert_cmpstr(bundle_soc_lookup("mt7986a")->name, ==, "mt7986");
	g_assert_cmpstr(bundle_soc_lookup("MediaTek MT7621 ver:1 eco:3")->name, ==, "mt7621");
	g_assert_cmpstr(bundle_soc_lookup("en7581")->name, ==, "an7581");
	g_assert_cmpstr(bundle_soc_lookup("MT7988")->name, ==, "mt7988");
	g_assert_null(bundle_soc_lookup("ipq8074"));
	g_assert_null(bundle_soc_lookup(""));
	g_assert_null(bundle_soc_lookup(NULL));
	g_assert_cmpuint(bundle_soc_netsys(bundle_soc_lookup("mt7621")), ==, PPE_NETSYS_V1);
	g_assert_cmpuint(bundle_soc_netsys(bundle_soc_lookup("an7581")), ==, 0);
}

/* A 16K table on a kernel whose default is 8K (OpenWrt backports, spec 1.1). */
static void test_table_size_grows_with_index(void)
{
	char *dir = tmpdir_new();
	char *top = copy_fixture(dir, "bundle");
	char *p = g_build_filename(top, "samples", "000001", "ppe0", "entries", NULL);
	struct bundle *b;
	struct bundle_timeline *tl;
	struct bundle_decode_opts o = { .table_size = 32768 };
	GError *err = NULL;

	append_file(p, "03c98 UNB IPv4 5T orig=192.168.1.20:40001->1.1.1.1:53 new=0.0.0.0:0->"
		       "0.0.0.0:0 eth=00:00:00:00:00:00->00:00:00:00:00:00 etype=0000 vlan=0,0 "
		       "ib1=50000190 ib2=00000000 packets=0 bytes=0\n");
	b = open_ok(top);
	tl = bundle_decode(b, NULL, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(tl->table_size, ==, 16384);
	g_assert_nonnull(strstr(tl->table_size_source, "index 03c98 was seen"));
	bundle_timeline_free(tl);
	tl = bundle_decode(b, &o, &err);
	g_assert_cmpuint(tl->table_size, ==, 32768);
	g_assert_cmpstr(tl->table_size_source, ==, "--table-size");
	bundle_timeline_free(tl);
	bundle_free(b);
	rm_rf(dir);
	g_free(p);
	g_free(top);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/bundle/open/directory_as_collected", test_open_directory);
	g_test_add_func("/bundle/open/gnu_ustar_pax_and_plain_tar_read_alike", test_open_archives);
	g_test_add_func("/bundle/tar/hand_made_ustar", test_tar_hand_made);
	g_test_add_func("/bundle/tar/refuses_dotdot_absolute_and_links",
			test_tar_refuses_unsafe_members);
	g_test_add_func("/bundle/tar/truncated_and_bad_checksum", test_tar_truncated_and_corrupt);
	g_test_add_func("/bundle/tar/mutations_error_or_open_never_crash",
			test_archive_mutations_never_crash);
	g_test_add_func("/bundle/error/missing_manifest", test_missing_manifest);
	g_test_add_func("/bundle/error/truncated_or_corrupt_gzip", test_truncated_tar_gz);
	g_test_add_func("/bundle/error/garbage_files", test_garbage_files);
	g_test_add_func("/bundle/error/manifest_line_and_column", test_manifest_errors);
	g_test_add_func("/bundle/layout/unfinished_sample_stray_file_bad_time",
			test_layout_oddities);
	g_test_add_func("/bundle/time/stuck_uptime_uses_wall_clock", test_time_fallback);
	g_test_add_func("/bundle/decode/tolerant_skips_strict_fails_with_line",
			test_decode_strict_and_tolerant);
	g_test_add_func("/bundle/decode/conntrack_tool_listing_and_trailer",
			test_decode_conntrack_tool_listing);
	g_test_add_func("/bundle/decode/redacted_ppe_entries_match_their_connection",
			test_keys_match_redacted_paste);
	g_test_add_func("/bundle/decode/soc_names_from_device_tree", test_soc_names);
	g_test_add_func("/bundle/decode/table_size_grows_with_seen_index",
			test_table_size_grows_with_index);
	return g_test_run();
}
