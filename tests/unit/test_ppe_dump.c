/* SPDX-License-Identifier: MIT */
/*
 * test_ppe_dump.c - the PPE debugfs line: writer (model/ppe_format.c), parser
 * (traces/ppe_dump.c) and the `flowsim ppe` command line (sim/cmd_ppe.c).
 *
 * Real dumps come from data/traces (FLOWSIM_SHARED_DIR); synthetic and damaged ones from
 * tests/data/ppe.  The round-trip tests print every parsed line again with the core's writer
 * and demand the same bytes.
 */
#include "ppe_dump.h"
#include "ppe_hash.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "testutil.h"

#define TRACES FLOWSIM_SHARED_DIR "/data/traces/"
#define DATA FLOWSIM_SOURCE_DIR "/tests/data/ppe/"

static const struct {
	const char *path;
	u8 netsys;         /* 0 = Airoha lines */
	u32 entries;       /* PPE lines */
	u32 redacted;
	bool real;
} dumps[] = {
	{ TRACES "01-openwrt-issue-19206-gl-mt3000-mt7981-ppe0-entries.txt", 2, 3, 0, true },
	{ TRACES "03-openwrt-pr-3952-turn87-mt7621-ppe-entries.txt", 1, 7, 0, true },
	{ TRACES "04-openwrt-pr-22533-gl-mt6000-mt7986-ppe0-entries.txt", 2, 3, 0, true },
	{ TRACES "06-openwrt-issue-17915-proc-nf_conntrack-and-ppe-bind-timeline.txt", 1, 4, 4,
	  true },
	{ TRACES "08-openwrt-pr-24038-airoha-an7581-ppe-bind-first.txt", 0, 2, 0, true },
	{ DATA "mt7621-16k-entries.txt", 1, 5, 0, false },
	{ DATA "mt7622-all-types.txt", 1, 8, 0, false },
	{ DATA "mt7986-types-counters.txt", 2, 4, 0, false },
	{ DATA "an7581-types.txt", 0, 3, 0, false },
	{ DATA "mt7986-mismatch.txt", 2, 3, 0, false },
};

static struct ppe_dump *load(const char *path, u8 netsys, bool strict)
{
	struct ppe_dump_opts o = { .netsys = netsys, .strict = strict };
	GError *err = NULL;
	struct ppe_dump *d = ppe_dump_load(path, &o, &err);

	g_assert_no_error(err);
	g_assert_nonnull(d);
	return d;
}

static const struct ppe_dump_line *line_at(const struct ppe_dump *d, u32 lineno)
{
	g_assert_cmpuint(lineno, >=, 1);
	g_assert_cmpuint(lineno, <=, d->lines->len);
	return d->lines->pdata[lineno - 1];
}

/* Parse -> format gives every real and synthetic line back byte for byte. */
static void test_round_trip_all_dumps(void)
{
	u32 real_exact = 0, real_redacted = 0, synthetic = 0;
	guint f, i;

	for (f = 0; f < G_N_ELEMENTS(dumps); f++) {
		struct ppe_dump *d = load(dumps[f].path, dumps[f].netsys, false);

		g_assert_cmpuint(d->n_entries, ==, dumps[f].entries);
		g_assert_cmpuint(d->n_redacted, ==, dumps[f].redacted);
		g_assert_cmpuint(d->n_bad, ==, 0);
		g_assert_cmpuint(d->n_normalised, ==, 0);
		for (i = 0; i < d->lines->len; i++) {
			const struct ppe_dump_line *l = d->lines->pdata[i];
			struct ppe_soc_format fmt;
			char buf[PPE_LINE_MAX], *again;
			int n;

			if (l->kind != PPE_DUMP_ENTRY)
				continue;
			/* through the traces helper (puts redactions back) */
			again = ppe_dump_format_entry(l, dumps[f].netsys);
			g_assert_cmpstr(again, ==, l->text);
			g_free(again);
			if (l->redacted) {
				real_redacted++;
				continue;
			}
			/* and straight through the core's writer, newline included */
			ppe_dump_line_format(l, dumps[f].netsys, &fmt);
			n = ppe_entry_format_line(&l->entry, &fmt, buf, sizeof(buf));
			g_assert_cmpint(n, ==, (int)strlen(l->text) + 1);
			g_assert_cmpint(buf[n - 1], ==, '\n');
			buf[n - 1] = '\0';
			g_assert_cmpstr(buf, ==, l->text);
			if (dumps[f].real)
				real_exact++;
			else
				synthetic++;
		}
		ppe_dump_free(d);
	}
	/* 19 real PPE lines: 15 byte-exact, 4 redacted ones exact after re-applying x.x.x.x */
	g_assert_cmpuint(real_exact, ==, 15);
	g_assert_cmpuint(real_redacted, ==, 4);
	g_assert_cmpuint(synthetic, ==, 23);
}

/* Redaction in every kind of field survives parse -> format. */
static void test_redaction_round_trip(void)
{
	static const struct {
		const char *line;
		u8 netsys;
		u32 slots;
	} cases[] = {
		{ "01698 UNB IPv6 5T orig=xxxx:xxxx:xxxx:xxxx:196d:66d3:18c0:e02d:52185->2606:4700:"
		  "0010:0000:0000:0000:6814:2917:443 eth=00:00:00:00:00:00->00:00:00:00:00:00 "
		  "etype=0dcd vlan=0,0 ib1=1a0002b2 ib2=34ce0066", 1, 1u << PPE_SLOT_ORIG_SRC },
		{ "00010 UNB     L2B eth=xx:xx:xx:xx:xx:xx->11:22:33:44:55:66 etype=0800 data=007f0000 "
		  "vlan=0,0 ib1=14000005 ib2=0003e040 packets=0 bytes=0", 0, 1u << PPE_SLOT_SRC_MAC },
		{ "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187.81.227:80 new=***:52294->"
		  "185.187.81.227:80 eth=34:ce:00:66:cd:0d->XX:XX:XX:XX:XX:XX etype=0200 vlan=0,0 "
		  "ib1=214127b9 ib2=007ff020", 1,
		  (1u << PPE_SLOT_NEW_SRC) | (1u << PPE_SLOT_DST_MAC) },
		{ "00203 UNB IPv4 3T orig=192.168.1.20->a.b.c.d new=0.0.0.0->0.0.0.0 eth=00:00:00:00:"
		  "00:00->00:00:00:00:00:00 etype=0000 vlan=0,0 ib1=12000510 ib2=00000000", 1,
		  1u << PPE_SLOT_ORIG_DST },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ppe_dump_opts o = { .netsys = cases[i].netsys, .strict = true };
		struct ppe_dump_line l;
		char *again;

		memset(&l, 0, sizeof(l));
		if (ppe_dump_parse_line(cases[i].line, strlen(cases[i].line), &o, &l) !=
		    PPE_DUMP_ENTRY)
			g_error("case %u: %u: %s", i, l.column, l.error);
		g_assert_cmphex(l.redacted, ==, cases[i].slots);
		again = ppe_dump_format_entry(&l, cases[i].netsys);
		g_assert_cmpstr(again, ==, cases[i].line);
		g_free(again);
		ppe_dump_line_clear(&l);
	}
}

/* Clean dumps pass strict mode. */
static void test_strict_accepts_clean_dumps(void)
{
	guint f;

	for (f = 0; f < G_N_ELEMENTS(dumps); f++) {
		struct ppe_dump *d;

		if (strstr(dumps[f].path, "/06-"))
			continue;
		d = load(dumps[f].path, dumps[f].netsys, true);
		g_assert_cmpuint(d->n_entries, ==, dumps[f].entries);
		ppe_dump_free(d);
	}
}

/* File 06 mixes timestamps and conntrack lines: strict refuses, tolerant skips them. */
static void test_mixed_paste(void)
{
	struct ppe_dump_opts o = { .netsys = 1, .strict = true };
	GError *err = NULL;
	struct ppe_dump *d = ppe_dump_load(dumps[3].path, &o, &err);
	const struct ppe_dump_line *l;

	g_assert_null(d);
	g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL);
	g_assert_true(g_str_has_suffix(strstr(err->message, "/06-") ? err->message : "",
				       ":2:1: not a PPE debugfs line (expected a 5-digit hex "
				       "index followed by UNB, BND or FIN)"));
	g_clear_error(&err);

	d = load(dumps[3].path, 1, false);
	g_assert_cmpuint(d->n_entries, ==, 4);
	g_assert_cmpuint(d->n_foreign, ==, 4);
	g_assert_cmpuint(d->n_blank, ==, 1);
	g_assert_cmpuint(d->n_comment, ==, 1);
	g_assert_cmpuint(d->n_bad, ==, 0);
	g_assert_cmpint(line_at(d, 2)->kind, ==, PPE_DUMP_FOREIGN);   /* 17:14:30 */
	g_assert_cmpint(line_at(d, 3)->kind, ==, PPE_DUMP_FOREIGN);   /* ipv4 2 udp ... */
	/* 0252a: both orig addresses redacted; 03c98: only the destination */
	l = line_at(d, 4);
	g_assert_cmpint(l->kind, ==, PPE_DUMP_ENTRY);
	g_assert_true(ppe_dump_tuple_redacted(l));
	g_assert_cmphex(l->redacted, ==, (1u << PPE_SLOT_ORIG_SRC) | (1u << PPE_SLOT_ORIG_DST) |
					 (1u << PPE_SLOT_NEW_SRC));
	g_assert_cmpstr(l->redact_text[PPE_SLOT_ORIG_SRC], ==, "x.x.x.x");
	g_assert_cmpstr(l->redact_text[PPE_SLOT_ORIG_DST], ==, "y.y.y.y");
	g_assert_cmpuint(ppe_ports_sport(l->entry.ports), ==, 3578);
	g_assert_cmpuint(ppe_ports_dport(l->entry.ports), ==, 38720);
	g_assert_cmphex(l->entry.new_dst_ip, ==, 0xc0a8510b);
	/* aa:aa:aa:aa:aa:aa is a well-formed MAC: kept as a value */
	g_assert_cmpuint(l->entry.l2.dst_mac[0], ==, 0xaa);
	g_assert_cmphex(l->entry.l2.etype, ==, 0x0004);  /* printed 0400: DSA port 2 */
	l = line_at(d, 5);
	g_assert_cmphex(l->redacted, ==, (1u << PPE_SLOT_ORIG_DST) | (1u << PPE_SLOT_NEW_DST) |
					 (1u << PPE_SLOT_NEW_SRC));
	g_assert_cmphex(l->entry.src_ip[0], ==, 0xc0a8510b);
	g_assert_cmphex(l->entry.l2.etype, ==, 0x8864);  /* printed 6488: PPPoE */
	g_assert_cmpuint(l->entry.index, ==, 0x3c98);
	g_assert_true(l->counters);
	ppe_dump_free(d);
}

/* What real pastes do to lines: every damaged line is reported at the right place. */
static void test_truncated_lines(void)
{
	static const struct {
		u32 line, column;
		const char *msg;
	} bad[] = {
		{ 4, 43, "expected an IPv4 address, found '176.98.9' at the end of the line" },
		{ 6, 163, "expected the ib1 word (8 hex digits), found '214127b' at the end of the line" },
		{ 7, 6, "expected a single space before the entry state, found end of line" },
		{ 8, 18, "expected a single space before orig=, found end of line" },
		{ 9, 71, "expected an IPv6 address as eight groups of four hex digits" },
		{ 10, 1, "expected the entry index (5 hex digits), found '7 UNB     6RD" },
		{ 12, 7, "expected an entry state (UNB, BND or FIN), found 'UN'" },
	};
	struct ppe_dump_opts o = { .netsys = 1, .strict = true };
	const char *path = DATA "mt7621-truncated.txt";
	struct ppe_dump *d = load(path, 1, false);
	GError *err = NULL;
	char *want;
	guint i;

	g_assert_cmpuint(d->n_entries, ==, 3);
	g_assert_cmpuint(d->n_bad, ==, G_N_ELEMENTS(bad));
	g_assert_cmpuint(d->n_foreign, ==, 0);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		const struct ppe_dump_line *l = line_at(d, bad[i].line);

		g_assert_cmpint(l->kind, ==, PPE_DUMP_BAD);
		g_assert_cmpuint(l->column, ==, bad[i].column);
		if (!g_str_has_prefix(l->error, bad[i].msg))
			g_error("line %u: '%s' does not start with '%s'", bad[i].line, l->error,
				bad[i].msg);
	}
	g_assert_cmpint(line_at(d, 3)->kind, ==, PPE_DUMP_ENTRY);
	g_assert_cmpint(line_at(d, 5)->kind, ==, PPE_DUMP_ENTRY);
	g_assert_cmpint(line_at(d, 11)->kind, ==, PPE_DUMP_ENTRY);
	ppe_dump_free(d);

	/* strict: the first bad line, with file, line and column */
	d = ppe_dump_load(path, &o, &err);
	g_assert_null(d);
	want = g_strdup_printf("%s:4:43: expected an IPv4 address", path);
	g_assert_true(g_str_has_prefix(err->message, want));
	g_free(want);
	g_clear_error(&err);
}

/* Tolerant mode reads what a forum/terminal/editor made of a dump; strict refuses it. */
static void test_mangled_paste(void)
{
	const char *path = DATA "mt7621-mangled-paste.txt";
	struct ppe_dump *d = load(path, 1, false);
	struct ppe_dump *clean = load(dumps[1].path, 1, false);
	struct ppe_dump_opts o = { .netsys = 1, .strict = true };
	GError *err = NULL;
	guint i, j, matched = 0;

	g_assert_cmpuint(d->n_entries, ==, 7);
	g_assert_cmpuint(d->n_foreign, ==, 3);
	g_assert_cmpuint(d->n_blank, ==, 1);
	g_assert_cmpuint(d->n_bad, ==, 0);
	g_assert_cmpuint(d->n_normalised, ==, 6);
	g_assert_true(line_at(d, 6)->crlf);
	g_assert_false(line_at(d, 6)->normalised);
	/* same entries as the clean dump, field for field */
	for (i = 0; i < d->lines->len; i++) {
		const struct ppe_dump_line *l = d->lines->pdata[i];

		if (l->kind != PPE_DUMP_ENTRY)
			continue;
		for (j = 0; j < clean->lines->len; j++) {
			const struct ppe_dump_line *c = clean->lines->pdata[j];

			if (c->kind == PPE_DUMP_ENTRY && c->entry.index == l->entry.index) {
				g_assert_true(memcmp(&c->entry, &l->entry, sizeof(c->entry)) == 0);
				g_assert_cmpuint(c->type, ==, l->type);
				matched++;
			}
		}
	}
	g_assert_cmpuint(matched, ==, 7);
	ppe_dump_free(clean);
	ppe_dump_free(d);

	d = ppe_dump_load(path, &o, &err);
	g_assert_null(d);
	g_assert_true(g_str_has_suffix(err->message, ":3:1: not a PPE debugfs line (expected a "
				       "5-digit hex index followed by UNB, BND or FIN)"));
	g_clear_error(&err);
}

struct bad_case {
	const char *line;
	bool strict;
	u32 column;
	const char *msg;
};

#define GOOD_V1 "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187.81.227:80 " \
	"new=176.98.95.135:52294->185.187.81.227:80 eth=34:ce:00:66:cd:0d->00:12:44:c9:a8:40 " \
	"etype=0200 vlan=0,0 ib1=214127b9 ib2=007ff020"

/* One malformed line per error class: class, column and message. */
static void test_malformed_lines(void)
{
	static const struct bad_case cases[] = {
		{ "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187.81.227:80 new=176.98.95.135:"
		  "52294->185.187.81.227:80 eth=34:ce:00:66:cd:0d->00:12:44:c9:a8:40 etype=0200 "
		  "vlan=0,0 ib1=114127b9 ib2=007ff020", false, 170,
		  "expected an ib1 word whose state bits (29:28) say BND" },
		{ "012f2 BND IPv5 5T orig=1.2.3.4:1->1.2.3.4:2", false, 11,
		  "expected an entry type (IPv4 5T" },
		{ "012f2 BND IPv4 5T orig=1.2.3.4:65536->1.2.3.4:2", false, 32,
		  "expected a port number (at most 65535)" },
		{ "01698 UNB IPv6 5T orig=2001:db8::1:52185->2606:4700:10::6814:2917:443", false, 24,
		  "expected an IPv6 address as eight groups of four hex digits" },
		{ "012f2 BND IPv4 5T orig=1.2.3.4:1->1.2.3.4:2 new=1.2.3.4:1->1.2.3.4:2 "
		  "eth=00:11:22:33:44->00:11:22:33:44:55", false, 74, "expected a MAC address" },
		{ GOOD_V1 " extra", false, 192, "expected 'packets=', found 'extra'" },
		{ GOOD_V1 " packets=1 bytes=2 extra", false, 209, "expected the end of the line" },
		{ "012f2 BND IPv4 5T orig=1.2.3.4:1->1.2.3.4:2 new=1.2.3.4:1->1.2.3.4:2 "
		  "eth=00:11:22:33:44:55->00:11:22:33:44:55 etype=800 vlan=0,0", false, 117,
		  "expected the etype (4 hex digits)" },
		{ "00700 BND     L2B eth=00:0c:43:76:22:01->e8:6f:38:01:02:03 etype=0200 vlan=10,0 "
		  "ib1=24000022 ib2=007ff020", false, 15, "expected no 'L2B' type on a MediaTek" },
		{ "00700 BND UNKNOWN eth=00:0c:43:76:22:01->e8:6f:38:01:02:03 etype=0200 vlan=10,0 "
		  "ib1=24000022 ib2=007ff020", false, 19,
		  "expected orig=(null)->(null) for a type without a tuple on a MediaTek line" },
		{ "004ac BND IPv4 5T orig=172.25.100.104:58788->172.25.100.10:5201 new=172.25.100."
		  "104:58788->172.25.100.10:5201 eth=aa:aa:aa:aa:aa:aa->bb:bb:bb:bb:bb:bb etype=0800 "
		  "data=007f1000 vlan=0,0 ib1=21000123 ib2=0003e240", false, 210,
		  "expected ' packets=' (Airoha lines always end with" },
		{ "012f2 BND IPv4 5T orig=1.2.3:80->1.2.3.4:2", false, 24,
		  "expected an IPv4 address" },
		{ "012f2 BND IPv4 5T orig=1.2.3.256:80->1.2.3.4:2", false, 24,
		  "expected an IPv4 address" },
		{ "012f2 BND IPv4 5T orig=01.2.3.4:80->1.2.3.4:2", false, 24,
		  "expected an IPv4 address" },
		/* the same damage that tolerant mode accepts is an error in strict mode */
		{ "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187.81.227:80 new=176.98.95.135:"
		  "52294->185.187.81.227:80 eth=34:ce:00:66:cd:0d->00:12:44:c9:a8:40 etype=0200 "
		  "vlan=00,0 ib1=214127b9 ib2=007ff020", true, 162, "expected vlan1 without "
		  "leading zeros" },
		{ "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187.81.227:80 new=176.98.95.135:"
		  "52294->185.187.81.227:80 eth=34:ce:00:66:cd:0d->00:12:44:c9:a8:40 etype=0200 "
		  "vlan=0,0 ib1=214127B9 ib2=007ff020", true, 176,
		  "expected the ib1 word in lowercase hex" },
		{ "01567 UNB 6RD orig=2606:4700:0010:0000:0000:0000:6814:2917->2a01:00d0:e6c6:0000:"
		  "196d:66d3:18c0:e02d eth=00:00:00:00:00:00->00:00:00:00:00:00 etype=0ecd vlan=0,0 "
		  "ib1=1e0004b4 ib2=34ce0066", true, 10,
		  "expected the entry type right-aligned in 7 columns (\"    6RD\")" },
		{ "012f2  BND IPv4 5T orig=1.2.3.4:1->1.2.3.4:2", true, 6,
		  "expected a single space before the entry state" },
		{ " " GOOD_V1, true, 1, "expected the entry index at the start of the line" },
		{ GOOD_V1 " ", true, 191, "expected the end of the line, found ' '" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ppe_dump_opts o = { .netsys = 1, .strict = cases[i].strict };
		struct ppe_dump_line l;

		memset(&l, 0, sizeof(l));
		if (ppe_dump_parse_line(cases[i].line, strlen(cases[i].line), &o, &l) !=
		    PPE_DUMP_BAD)
			g_error("case %u parsed: %s", i, cases[i].line);
		if (l.column != cases[i].column || !g_str_has_prefix(l.error, cases[i].msg))
			g_error("case %u: column %u '%s', want column %u '%s'", i, l.column, l.error,
				cases[i].column, cases[i].msg);
		ppe_dump_line_clear(&l);
	}
}

/* NUL bytes and binary junk: classified, never read past the line, no crash. */
static void test_binary_input(void)
{
	static const char with_nul[] = "012f2 BND IPv4 5T orig=192.168.1.22:52294->185.187\0.81";
	static const char junk[] = "\x01\x02\xff\xfe 012f2 BND\n\n\x7f";
	struct ppe_dump_opts o = { .netsys = 1, .strict = false };
	struct ppe_dump_line l;
	struct ppe_dump *d;
	GRand *r = g_rand_new_with_seed(24038);
	char buf[300];
	guint i, k;

	memset(&l, 0, sizeof(l));
	g_assert_cmpint(ppe_dump_parse_line(with_nul, sizeof(with_nul) - 1, &o, &l), ==,
			PPE_DUMP_BAD);
	g_assert_nonnull(strstr(l.error, "\\x00"));
	ppe_dump_line_clear(&l);

	d = ppe_dump_parse("junk", junk, sizeof(junk) - 1, &o, NULL);
	g_assert_cmpuint(d->n_foreign, ==, 2);
	g_assert_cmpuint(d->n_blank, ==, 1);
	ppe_dump_free(d);

	/* random mutations of a good line: every outcome is a class, parses stay in bounds */
	for (i = 0; i < 3000; i++) {
		gsize len = strlen(GOOD_V1);

		memcpy(buf, GOOD_V1, len);
		for (k = 0; k < 1 + i % 4; k++)
			buf[g_rand_int_range(r, 0, (gint32)len)] = (char)g_rand_int_range(r, 0, 256);
		len = (gsize)g_rand_int_range(r, 0, (gint32)len + 1);
		memset(&l, 0, sizeof(l));
		o.strict = i & 1;
		switch (ppe_dump_parse_line(buf, len, &o, &l)) {
		case PPE_DUMP_BAD:
		case PPE_DUMP_FOREIGN:
			g_assert_nonnull(l.error);
			g_assert_cmpuint(l.column, >=, 1);
			g_assert_cmpuint(l.column, <=, len + 1);
			break;
		case PPE_DUMP_ENTRY:
			g_assert_null(l.error);
			break;
		default:
			break;
		}
		ppe_dump_line_clear(&l);
	}
	g_rand_free(r);
}

/* Writer details: quirks of both drivers, and snprintf-like truncation. */
static void test_writer(void)
{
	struct ppe_soc_format v1 = { .netsys = 1, .entries = 8192 };
	struct ppe_soc_format v2c = { .netsys = 2, .counters = true, .entries = 8192 };
	struct ppe_soc_format air = { .netsys = PPE_NETSYS_AIROHA, .airoha = true };
	struct ppe_entry e;
	char buf[PPE_LINE_MAX], small[20];
	int n;

	memset(&e, 0, sizeof(e));
	e.index = 0x12345;
	e.ib1 = ppe_ib1_set_type(0x20000000, 1, PPE_PKT_BRIDGE);
	e.l2.etype = 0x0800;
	n = ppe_entry_format_line(&e, &v1, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "12345 BND UNKNOWN orig=(null)->(null) eth=00:00:00:00:00:00->"
			"00:00:00:00:00:00 etype=0008 vlan=0,0 ib1=24000000 ib2=00000000\n");
	g_assert_cmpint(n, ==, (int)strlen(buf));
	/* Airoha: type 2 is "L2B", no orig= at all, etype as stored, data= */
	e.ib1 = ppe_ib1_set_type(0x10000000, PPE_NETSYS_AIROHA, PPE_PKT_BRIDGE);
	e.data = 0xdeadbeef;
	ppe_entry_format_line(&e, &air, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "12345 UNB     L2B eth=00:00:00:00:00:00->00:00:00:00:00:00 "
			"etype=0800 data=deadbeef vlan=0,0 ib1=14000000 ib2=00000000 "
			"packets=0 bytes=0\n");
	/* Airoha IPv6: the last two source MAC bytes print as zero */
	e.ib1 = ppe_ib1_set_type(0x20000000, PPE_NETSYS_AIROHA, PPE_PKT_IPV6_ROUTE_5T);
	e.src_ip[0] = 0x20010db8;
	e.dst_ip[3] = 0xffff;
	e.ports = ppe_ports_make(65535, 0);
	memcpy(e.l2.src_mac, "\x01\x02\x03\x04\x05\x06", 6);
	e.packets = 18446744073709551615ULL;
	e.bytes = 1;
	ppe_entry_format_line(&e, &air, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "12345 BND IPv6 5T orig=2001:0db8:0000:0000:0000:0000:0000:0000:"
			"65535->0000:0000:0000:0000:0000:0000:0000:ffff:0 eth=01:02:03:04:00:00->"
			"00:00:00:00:00:00 etype=0800 data=deadbeef vlan=0,0 ib1=2a000000 "
			"ib2=00000000 packets=18446744073709551615 bytes=1\n");
	/* MediaTek v2 IPv4 route: no ports in orig or new, FIN state, counters */
	memset(&e, 0, sizeof(e));
	e.index = 7;
	e.ib1 = ppe_ib1_set_type(0x30000000, 2, PPE_PKT_IPV4_ROUTE);
	e.src_ip[0] = 0x0a000001;
	e.dst_ip[0] = 0xffffffff;
	e.new_src_ip = 0x01020304;
	e.l2.vlan1 = 65535;
	e.l2.vlan2 = 4094;
	e.l2.etype = 0x86dd;
	e.ib2 = 0x80000001;
	ppe_entry_format_line(&e, &v2c, buf, sizeof(buf));
	g_assert_cmpstr(buf, ==, "00007 FIN IPv4 3T orig=10.0.0.1->255.255.255.255 "
			"new=1.2.3.4->0.0.0.0 eth=00:00:00:00:00:00->00:00:00:00:00:00 etype=dd86 "
			"vlan=65535,4094 ib1=30800000 ib2=80000001 packets=0 bytes=0\n");
	/* too small a buffer: NUL-terminated prefix, full length returned */
	n = ppe_entry_format_line(&e, &v2c, small, sizeof(small));
	g_assert_cmpint(n, ==, (int)strlen(buf));
	g_assert_cmpuint(strlen(small), ==, sizeof(small) - 1);
	g_assert_true(strncmp(small, buf, sizeof(small) - 1) == 0);
	g_assert_cmpint(ppe_entry_format_line(&e, &v2c, small, 0), ==, -1);
	g_assert_cmpint(ppe_entry_format_line(&e, &v2c, NULL, 10), ==, -1);
	/* the longest line (IPv6 5T with 20-digit counters) fits PPE_LINE_MAX */
	memset(&e, 0xff, sizeof(e));
	e.index = 0xfffff;
	e.ib1 = ppe_ib1_set_type(0xffffffff, 2, PPE_PKT_IPV6_ROUTE_5T);
	n = ppe_entry_format_line(&e, &v2c, buf, sizeof(buf));
	g_assert_cmpint(n, <, PPE_LINE_MAX);
	ppe_format_ipv4(small, sizeof(small), 0xc0a80116);
	g_assert_cmpstr(small, ==, "192.168.1.22");
}

/* Random entries of every type and layout: format -> parse -> format is the identity. */
static void test_random_round_trip(void)
{
	static const struct ppe_soc_format fmts[] = {
		{ .netsys = 1 }, { .netsys = 1, .counters = true }, { .netsys = 2, .counters = true },
		{ .netsys = 3 }, { .netsys = PPE_NETSYS_AIROHA, .airoha = true },
	};
	GRand *r = g_rand_new_with_seed(3952);
	guint i, k;

	for (i = 0; i < 5000; i++) {
		const struct ppe_soc_format *fmt = &fmts[i % G_N_ELEMENTS(fmts)];
		u8 layout = ppe_fmt_layout(fmt);
		struct ppe_dump_opts o = { .netsys = fmt->airoha ? 0 : fmt->netsys, .strict = true };
		struct ppe_entry e;
		struct ppe_dump_line l;
		char a[PPE_LINE_MAX], b[PPE_LINE_MAX];
		u32 type = (u32)g_rand_int_range(r, 0, 8);
		int n;

		for (k = 0; k < sizeof(e); k++)
			((u8 *)&e)[k] = (u8)g_rand_int(r);
		e.index = g_rand_int(r) & 0xffff;
		e.ib1 = ppe_ib1_set_type(e.ib1, layout, type);
		if (ppe_ib1_state(e.ib1) == PPE_STATE_INVALID)
			e.ib1 = ppe_ib1_set_state(e.ib1, PPE_STATE_BIND);
		n = ppe_entry_format_line(&e, fmt, a, sizeof(a));
		g_assert_cmpint(n, >, 0);
		g_assert_cmpint(n, <, PPE_LINE_MAX);
		a[n - 1] = '\0';
		memset(&l, 0, sizeof(l));
		if (ppe_dump_parse_line(a, (gsize)n - 1, &o, &l) != PPE_DUMP_ENTRY)
			g_error("%s\n -> %u: %s", a, l.column, l.error);
		g_assert_false(l.normalised);
		g_assert_cmpuint(l.entry.index, ==, e.index);
		g_assert_cmphex(l.entry.ib1, ==, e.ib1);
		g_assert_cmphex(l.entry.ib2, ==, e.ib2);
		g_assert_cmphex(l.entry.l2.etype, ==, e.l2.etype);
		n = ppe_entry_format_line(&l.entry, fmt, b, sizeof(b));
		b[n - 1] = '\0';
		g_assert_cmpstr(a, ==, b);
		ppe_dump_line_clear(&l);
	}
	g_rand_free(r);
}

/* ---- the command line ------------------------------------------------------------------ */

/* Run flowsim; demand the exit status and, when given, text in stdout / stderr. */
static void run_expect(int rc, const char *out_has, const char *err_has,
		       const char *const *args)
{
	char *out = NULL, *err = NULL;
	int r = tu_run_flowsim(NULL, args, &out, &err);

	if (r != rc || (out_has && !strstr(out, out_has)) || (err_has && !strstr(err, err_has)))
		g_error("flowsim %s ...: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", args[1], r,
			rc, out, err);
	g_free(out);
	g_free(err);
}

#define RUN(rc, out_has, err_has, ...)                                     \
	do {                                                               \
		const char *const a_[] = { __VA_ARGS__, NULL };            \
		run_expect((rc), (out_has), (err_has), a_);                \
	} while (0)

static void test_cli_hash(void)
{
	char *line03;
	gsize len;
	char *text = tu_read_file(dumps[1].path, &len);
	char **lines = g_strsplit(text, "\n", -1);

	RUN(0, "012f2\n", NULL, "ppe", "hash", "--soc", "mt7621",
	    "IPv4 5T 192.168.1.22:52294->185.187.81.227:80");
	RUN(0, "00464\n", NULL, "ppe", "hash", "--soc", "mt7981",
	    "IPv4 5T 192.168.54.4:50853->157.148.61.140:443");
	/* both IPv6 spellings; --verbose lists the bucket's slots and the reserved one */
	RUN(0, "01ce6\n  soc mt7621: NETSYS v1, 2-way buckets, 8192 entries (kernel default)\n"
	    "  slots: 01ce6 (reserved STATIC) 01ce7\n", NULL, "ppe", "hash", "--soc", "mt7621",
	    "--verbose", "IPv6 5T 2a01:00d0:e6c6:0000:196d:66d3:18c0:e02d:52235->"
	    "2a00:1450:4010:0c0f:0000:0000:0000:00bc:443");
	RUN(0, "01698\n", NULL, "ppe", "hash", "--soc", "mt7621",
	    "ipv6 5t [2a01:d0:e6c6:0:196d:66d3:18c0:e02d]:52185 -> [2606:4700:10::6814:2917]:443");
	/* table size by kernel version and by option */
	RUN(0, "0273e\n", NULL, "ppe", "hash", "--soc", "mt7621", "--kernel", "6.12",
	    "IPv4 5T 192.168.1.10:40000->93.184.216.34:443");
	RUN(0, "0073e\n", NULL, "ppe", "hash", "--soc", "mt7621", "--kernel", "6.6",
	    "IPv4 5T 192.168.1.10:40000->93.184.216.34:443");
	RUN(0, "0273e\n", NULL, "ppe", "hash", "--soc", "mt7621", "--entries=16384",
	    "IPv4 5T 192.168.1.10:40000->93.184.216.34:443");
	/* a whole debugfs line */
	line03 = g_strdup(lines[1]);
	RUN(0, "012f2\n  dump index 012f2: in this bucket (ok)", NULL, "ppe", "hash", "--soc",
	    "mt7621", "-v", line03);
	g_free(line03);
	RUN(1, NULL, "is not hashed by the driver", "ppe", "hash", "--soc", "mt7621", lines[3]);
	/* errors */
	RUN(2, NULL, "add 'proto N'", "ppe", "hash", "--soc", "mt7981", "IPv4 3T 1.2.3.4->5.6.7.8");
	RUN(0, "\n", NULL, "ppe", "hash", "--soc", "mt7981", "IPv4 3T 1.2.3.4->5.6.7.8 proto 17");
	RUN(2, NULL, "expected an IPv4 address:port, found '1.2.3.4'", "ppe", "hash", "--soc",
	    "mt7621", "IPv4 5T 1.2.3.4->2.3.4.5:2");
	RUN(2, NULL, "expected [IPv6 address]:port or the debugfs form", "ppe", "hash", "--soc",
	    "mt7621", "IPv6 5T 2001:db8::1:80->[2001:db8::2]:443");
	RUN(2, NULL, "unknown SoC 'mt7628'", "ppe", "hash", "--soc", "mt7628", "x");
	RUN(2, NULL, "--soc is required", "ppe", "hash", "IPv4 5T 1.2.3.4:1->2.3.4.5:2");
	RUN(2, NULL, "expected a power of two", "ppe", "hash", "--soc", "mt7621", "--entries",
	    "12000", "IPv4 5T 1.2.3.4:1->2.3.4.5:2");
	RUN(2, NULL, "expected a version", "ppe", "hash", "--soc", "mt7621", "--kernel", "six",
	    "IPv4 5T 1.2.3.4:1->2.3.4.5:2");
	RUN(2, NULL, "unknown option '--bogus'", "ppe", "hash", "--bogus");
	RUN(1, NULL, "an7581 hash is not modelled", "ppe", "hash", "--soc", "an7581",
	    "IPv4 5T 1.2.3.4:1->2.3.4.5:2");
	RUN(0, "Exit status", NULL, "ppe", "hash", "--help");
	RUN(2, NULL, "unknown subcommand", "ppe", "rehash");
	g_strfreev(lines);
	g_free(text);
}

static void test_cli_check(void)
{
	RUN(0, "summary: 7 entries, 6 hashed: 6 ok, 0 mismatch; 0 redacted, 1 not hashable",
	    NULL, "ppe", "check", "--soc", "mt7621", dumps[1].path);
	RUN(0, ":8: 01ce7 UNB IPv6 5T ok: bucket 01ce6, way 1\n", NULL, "ppe", "check", "--soc",
	    "mt7621", "--brief", dumps[1].path);
	RUN(0, "summary: 3 entries, 3 hashed: 3 ok", NULL, "ppe", "check", "--soc", "mt7981",
	    dumps[0].path);
	RUN(0, "summary: 3 entries, 3 hashed: 3 ok", NULL, "ppe", "check", "--soc", "mt7986",
	    dumps[2].path);
	/* file 06: redacted, 16K table detected from the index, foreign lines listed */
	RUN(0, "4 redacted", NULL, "ppe", "check", "--soc", "mt7621", dumps[3].path);
	RUN(0, "using 16384 entries", NULL, "ppe", "check", "--soc", "mt7621", dumps[3].path);
	RUN(0, "skipped 4 foreign (non-PPE) lines: 2-3, 7-8", NULL, "ppe", "check", "--soc",
	    "mt7621", dumps[3].path);
	RUN(1, "4 out of range", NULL, "ppe", "check", "--soc", "mt7621", "--entries", "8192",
	    dumps[3].path);
	RUN(1, NULL, ":2:1: not a PPE debugfs line", "ppe", "check", "--soc", "mt7621",
	    "--strict", dumps[3].path);
	/* Airoha: recognised without --soc, decoded, hash reported as not modelled */
	RUN(0, "2 not modelled", NULL, "ppe", "check", dumps[4].path);
	RUN(2, NULL, "use --soc an7581", "ppe", "check", "--soc", "mt7986", dumps[4].path);
	/* MediaTek without --soc */
	RUN(2, NULL, "--soc is required for MediaTek dumps", "ppe", "check", dumps[1].path);
	/* wrong SoC: the hint names the right geometry */
	RUN(1, "hint: as a NETSYS v2 SoC (4-way buckets, e.g. --soc mt7981), 3 of 3", NULL,
	    "ppe", "check", "--soc", "mt7621", dumps[0].path);
	RUN(1, NULL, "in the NETSYS v2 layout: wrong --soc?", "ppe", "check", "--soc", "mt7981",
	    dumps[1].path);
	/* synthetic data */
	RUN(1, "MISMATCH: hash gives bucket 0040c (slots 0040c-0040f), index is in bucket 00410",
	    NULL, "ppe", "check", "--soc", "mt7986", DATA "mt7986-mismatch.txt");
	RUN(0, "summary: 5 entries, 5 hashed: 5 ok", NULL, "ppe", "check", "--soc",
	    "mt7621", DATA "mt7621-16k-entries.txt");
	RUN(0, "16384-entry table (grown to fit an index)", NULL, "ppe", "check", "--soc",
	    "mt7621", DATA "mt7621-16k-entries.txt");
	RUN(1, "MISMATCH", NULL, "ppe", "check", "--soc", "mt7621", "--entries", "16384",
	    dumps[1].path);
	RUN(0, "summary: 5 entries, 5 hashed: 5 ok", NULL, "ppe", "check", "--soc", "mt7621",
	    "--kernel", "6.12", DATA "mt7621-16k-entries.txt");
	RUN(0, "hashed: 2 ok", NULL, "ppe", "check", "--soc", "mt7986",
	    DATA "mt7986-types-counters.txt");
	RUN(0, "wdma (from vlan2): bss 1, wcid 2, ring 0", NULL, "ppe", "check", "--soc",
	    "mt7622", DATA "mt7622-all-types.txt");
	RUN(0, "7 bad lines", NULL, "ppe", "check", "--soc", "mt7621",
	    DATA "mt7621-truncated.txt");
	RUN(0, "mt7621-truncated.txt:4:43: bad line skipped: expected an IPv4 address", NULL,
	    "ppe", "check", "--soc", "mt7621", DATA "mt7621-truncated.txt");
	RUN(1, NULL, "mt7621-truncated.txt:4:43: expected an IPv4 address", "ppe", "check",
	    "--soc", "mt7621", "--strict", DATA "mt7621-truncated.txt");
	RUN(0, "6 ok", NULL, "ppe", "check", "--soc", "mt7621", DATA "mt7621-mangled-paste.txt");
	/* files with nothing to check, and files that are not there */
	RUN(1, NULL, "no usable PPE debugfs entry lines (0 bad, 3 foreign",
	    "ppe", "check", "--soc", "mt7621",
	    TRACES "07-openwrt-issue-17915-conntrack-E-extended-events.txt");
	RUN(2, NULL, "No such file", "ppe", "check", "--soc", "mt7621", DATA "does-not-exist");
	RUN(2, NULL, "expected one DUMPFILE", "ppe", "check", "--soc", "mt7621");
	RUN(0, "JSON keys", NULL, "ppe", "check", "--help");
}

/* DUMPFILE "-": the dump comes through a pipe (read once, parsed twice) */
static void test_cli_check_stdin(void)
{
	const char *const argv[] = { FLOWSIM_BINARY, "ppe", "check", "--soc", "mt7986", "--brief",
				     "-", NULL };
	GError *err = NULL;
	GSubprocess *p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
					   G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err);
	gsize len;
	char *in = tu_read_file(dumps[2].path, &len);
	char *out = NULL;

	g_assert_no_error(err);
	g_assert_true(g_subprocess_communicate_utf8(p, in, NULL, &out, NULL, &err));
	g_assert_no_error(err);
	g_assert_true(g_subprocess_get_if_exited(p));
	g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
	g_assert_nonnull(strstr(out, "<stdin>:4: 0040c UNB IPv4 5T ok: bucket 0040c, way 0\n"));
	g_assert_nonnull(strstr(out, "summary: 3 entries, 3 hashed: 3 ok"));
	g_free(out);
	g_free(in);
	g_object_unref(p);
}

static JsonObject *check_json(const char *soc, const char *path, JsonParser **parser)
{
	const char *const args[] = { "ppe", "check", "--json", "--soc", soc, path, NULL };
	char *out = NULL, *err = NULL;
	GError *e = NULL;

	g_assert_cmpint(tu_run_flowsim(NULL, args, &out, &err), ==, 0);
	*parser = json_parser_new();
	if (!json_parser_load_from_data(*parser, out, -1, &e))
		g_error("bad JSON (%s): %s", e->message, out);
	g_free(out);
	g_free(err);
	return json_node_get_object(json_parser_get_root(*parser));
}

static void test_cli_check_json(void)
{
	JsonParser *p;
	JsonObject *root = check_json("mt7621", dumps[1].path, &p);
	JsonObject *sum = json_object_get_object_member(root, "summary");
	JsonArray *ents = json_object_get_array_member(root, "entries_checked");
	JsonObject *e7 = json_array_get_object_element(ents, 6);
	JsonObject *e1 = json_array_get_object_element(ents, 0);

	g_assert_cmpstr(json_object_get_string_member(root, "soc"), ==, "mt7621");
	g_assert_cmpint(json_object_get_int_member(root, "entries"), ==, 8192);
	g_assert_cmpint(json_object_get_int_member(root, "ways"), ==, 2);
	g_assert_cmpstr(json_object_get_string_member(root, "entries_source"), ==,
			"kernel-default");
	g_assert_cmpint(json_object_get_int_member(sum, "ok"), ==, 6);
	g_assert_cmpint(json_object_get_int_member(sum, "not_hashable"), ==, 1);
	g_assert_cmpint(json_object_get_int_member(sum, "mismatch"), ==, 0);
	g_assert_cmpuint(json_array_get_length(ents), ==, 7);
	g_assert_cmpstr(json_object_get_string_member(e7, "index_hex"), ==, "01ce7");
	g_assert_cmpint(json_object_get_int_member(e7, "way"), ==, 1);
	g_assert_cmpint(json_object_get_int_member(e7, "bucket"), ==, 0x1ce6);
	g_assert_cmpstr(json_object_get_string_member(
				json_object_get_object_member(e7, "orig"), "dst"), ==,
			"2a00:1450:4010:c0f::bc");
	g_assert_cmpint(json_object_get_int_member(
				json_object_get_object_member(e1, "ib1"), "timestamp"), ==, 0x27b9);
	g_assert_cmpint(json_object_get_int_member(
				json_object_get_object_member(e1, "ib2"), "dest_port"), ==, 1);
	g_assert_cmpstr(json_object_get_string_member(
				json_object_get_object_member(e1, "l2"), "etype_meaning"), ==,
			"DSA port 1");
	g_object_unref(p);

	root = check_json("mt7621", dumps[3].path, &p);
	sum = json_object_get_object_member(root, "summary");
	g_assert_cmpint(json_object_get_int_member(sum, "redacted"), ==, 4);
	g_assert_cmpint(json_object_get_int_member(sum, "foreign_lines"), ==, 4);
	g_assert_cmpint(json_object_get_int_member(root, "entries"), ==, 16384);
	g_assert_cmpstr(json_object_get_string_member(root, "entries_source"), ==,
			"grown-to-fit");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(root, "problems")),
			 ==, 4);
	ents = json_object_get_array_member(root, "entries_checked");
	e1 = json_array_get_object_element(ents, 0);
	g_assert_cmpstr(json_object_get_string_member(e1, "status"), ==, "redacted");
	g_assert_cmpstr(json_object_get_string_member(
				json_object_get_object_member(e1, "orig"), "src"), ==, "x.x.x.x");
	g_object_unref(p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ppe/dump/round_trip_all_dumps", test_round_trip_all_dumps);
	g_test_add_func("/ppe/dump/redaction_round_trip", test_redaction_round_trip);
	g_test_add_func("/ppe/dump/strict_accepts_clean_dumps", test_strict_accepts_clean_dumps);
	g_test_add_func("/ppe/dump/mixed_paste_skips_foreign_lines", test_mixed_paste);
	g_test_add_func("/ppe/dump/truncated_lines_reported_with_column", test_truncated_lines);
	g_test_add_func("/ppe/dump/mangled_paste_tolerant_only", test_mangled_paste);
	g_test_add_func("/ppe/dump/malformed_lines", test_malformed_lines);
	g_test_add_func("/ppe/dump/binary_input", test_binary_input);
	g_test_add_func("/ppe/format/writer_quirks", test_writer);
	g_test_add_func("/ppe/format/random_round_trip", test_random_round_trip);
	g_test_add_func("/ppe/cli/hash", test_cli_hash);
	g_test_add_func("/ppe/cli/check", test_cli_check);
	g_test_add_func("/ppe/cli/check_json", test_cli_check_json);
	g_test_add_func("/ppe/cli/check_stdin", test_cli_check_stdin);
	return g_test_run();
}
