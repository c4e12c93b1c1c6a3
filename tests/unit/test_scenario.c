// SPDX-License-Identifier: MIT
/*
 * test_scenario.c - scenario files: the unit parsers (rates, durations, sizes) with their
 * rejects, every example and every good test file validates, every malformed file gives
 * exactly the messages written in its "# expect:" comment lines, loaded values reach the
 * structs the run loop consumes, the router's netconf is built from the ports, and the
 * `flowsim validate` command prints and exits as documented.
 */
#include <string.h>

#include <glib.h>

#include "testutil.h"
#include "scenario.h"
#include "yaml_util.h"

#define DATA_DIR FLOWSIM_SOURCE_DIR "/tests/data/scenario"
#define SOC_DIR FLOWSIM_SOURCE_DIR "/hw/soc"

/* ------------------------------------------------------------------- units ---- */

static void rate_is(const char *s, uint64_t want)
{
	char err[256] = "";
	uint64_t v = 0;

	if (yu_parse_rate(s, &v, err, sizeof(err)))
		g_error("rate '%s' refused: %s", s, err);
	g_assert_cmpuint(v, ==, want);
}

static void rate_refused(const char *s, const char *msg)
{
	char err[256] = "";
	uint64_t v = 0;

	g_assert_cmpint(yu_parse_rate(s, &v, err, sizeof(err)), ==, -1);
	if (msg)
		g_assert_cmpstr(err, ==, msg);
}

static void test_units_rate(void)
{
	rate_is("1gbit", 1000000000ULL);
	rate_is("2.5gbit", 2500000000ULL);
	rate_is("100mbit", 100000000ULL);
	rate_is("64kbit", 64000ULL);
	rate_is("1.5Mbit/s", 1500000ULL);
	rate_is("10Gbit", 10000000000ULL);
	rate_is("0.001mbit", 1000ULL);
	rate_is("9bit", 9ULL);
	rate_is("1 gbit", 1000000000ULL);
	rate_refused("1gbps", "'1gbps' is ambiguous: tc reads 'gbps' as bytes per second; write "
			      "e.g. 100mbit for megabits per second");
	rate_refused("100", "'100' has no unit: expected a bit rate such as 100mbit or 2.5gbit");
	rate_refused("-1mbit", "must not be negative, got '-1mbit'");
	rate_refused("1.0000000001kbit", "'1.0000000001kbit' is not a whole number of bit/s");
	rate_refused("fast", "expected a bit rate such as 100mbit or 2.5gbit, got 'fast'");
	rate_refused("1e9bit", "expected a bit rate such as 100mbit or 2.5gbit, got '1e9bit'");
	rate_refused("", NULL);
	rate_refused("99999999999tbit", "'99999999999tbit' is too large");
	rate_refused("1.2.3mbit", NULL);
}

static void test_units_duration(void)
{
	char err[256];
	uint64_t v;

	g_assert_cmpint(yu_parse_duration("300ms", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 300000000ULL);
	g_assert_cmpint(yu_parse_duration("1.5s", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 1500000000ULL);
	g_assert_cmpint(yu_parse_duration("30s", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 30000000000ULL);
	g_assert_cmpint(yu_parse_duration("2min", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 120000000000ULL);
	g_assert_cmpint(yu_parse_duration("1h", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 3600000000000ULL);
	g_assert_cmpint(yu_parse_duration("250us", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 250000ULL);
	g_assert_cmpint(yu_parse_duration("0.5ms", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 500000ULL);
	g_assert_cmpint(yu_parse_duration("0", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 0);
	g_assert_cmpint(yu_parse_duration("300", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "'300' has no unit: expected a duration such as 300ms, 1.5s or "
				 "2min");
	g_assert_cmpint(yu_parse_duration("0.5ns", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "'0.5ns' is not a whole number of nanoseconds");
	g_assert_cmpint(yu_parse_duration("-1s", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "must not be negative, got '-1s'");
	g_assert_cmpint(yu_parse_duration("1.5", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpint(yu_parse_duration("5 days", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "expected a duration such as 300ms, 1.5s or 2min, got '5 days'");
}

static void test_units_size_freq_events(void)
{
	char err[256];
	uint64_t v;
	double d;

	g_assert_cmpint(yu_parse_size("64KiB", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 65536);
	g_assert_cmpint(yu_parse_size("1500", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 1500);
	g_assert_cmpint(yu_parse_size("1.5KiB", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 1536);
	g_assert_cmpint(yu_parse_size("1MB", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 1000000);
	g_assert_cmpint(yu_parse_size("2GiB", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 2147483648ULL);
	/* "Mb" would be megabit: sizes take their unit's case as written */
	g_assert_cmpint(yu_parse_size("1Mb", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "expected a size such as 1500, 64KiB or 1GiB, got '1Mb'");
	g_assert_cmpint(yu_parse_size("1.5B", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "'1.5B' is not a whole number of bytes");
	g_assert_cmpint(yu_parse_size("-64KiB", &v, err, sizeof(err)), ==, -1);

	g_assert_cmpint(yu_parse_freq("880MHz", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 880000000ULL);
	g_assert_cmpint(yu_parse_freq("1.35GHz", &v, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(v, ==, 1350000000ULL);
	g_assert_cmpint(yu_parse_freq("880", &v, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "'880' has no unit: expected a frequency such as 880MHz or 1.3GHz");

	g_assert_cmpint(yu_parse_event_rate("20/s", &d, err, sizeof(err)), ==, 0);
	g_assert_cmpfloat(d, ==, 20.0);
	g_assert_cmpint(yu_parse_event_rate("30/min", &d, err, sizeof(err)), ==, 0);
	g_assert_cmpfloat(d, ==, 0.5);
	g_assert_cmpint(yu_parse_event_rate("20", &d, err, sizeof(err)), ==, -1);
	g_assert_cmpint(yu_parse_event_rate("-3/s", &d, err, sizeof(err)), ==, -1);
	g_assert_cmpstr(err, ==, "must not be negative, got '-3/s'");
}

static void test_suggestions(void)
{
	static const char *const keys[] = { "duration", "router", "ports", "traffic", NULL };

	g_assert_cmpstr(yu_suggest("durration", keys), ==, "duration");
	g_assert_cmpstr(yu_suggest("rotuer", keys), ==, "router");   /* swapped letters */
	g_assert_cmpstr(yu_suggest("Ports", keys), ==, "ports");
	g_assert_null(yu_suggest("radios", keys));
	g_assert_null(yu_suggest("x", keys));
}

/* ------------------------------------------------------------ whole files ---- */

/* All messages of loading path, with the file and directory made generic. */
static GPtrArray *load_messages(const char *path, struct scenario **out)
{
	GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
	char *dir = g_path_get_dirname(path);
	char *dirslash = g_strconcat(dir, "/", NULL);
	struct scenario *s;
	struct yu_diag d;
	guint i;

	yu_diag_init(&d);
	s = scenario_load(path, SOC_DIR, &d);
	for (i = 0; i < d.msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));
		GString *g = g_string_new(m);

		g_string_replace(g, path, "FILE", 0);
		g_string_replace(g, dirslash, "DIR/", 0);
		g_string_replace(g, SOC_DIR, "SOCDIR", 0);
		g_ptr_array_add(msgs, g_string_free(g, FALSE));
		g_free(m);
	}
	g_assert_true((s == NULL) == (d.errors > 0));
	yu_diag_clear(&d);
	if (out)
		*out = s;
	else
		scenario_free(s);
	g_free(dir);
	g_free(dirslash);
	return msgs;
}

static GPtrArray *expected_messages(const char *path)
{
	GPtrArray *exp = g_ptr_array_new_with_free_func(g_free);
	gchar *text = NULL;
	gchar **lines;
	guint i;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i]; i++)
		if (g_str_has_prefix(lines[i], "# expect: "))
			g_ptr_array_add(exp, g_strdup(lines[i] + strlen("# expect: ")));
	g_strfreev(lines);
	g_free(text);
	return exp;
}

static void compare_messages(const char *path, GPtrArray *got, GPtrArray *exp)
{
	guint i;

	for (i = 0; i < MAX(got->len, exp->len); i++) {
		const char *g = i < got->len ? g_ptr_array_index(got, i) : "(none)";
		const char *e = i < exp->len ? g_ptr_array_index(exp, i) : "(none)";

		if (strcmp(g, e))
			g_error("%s: message %u\n  got:      %s\n  expected: %s", path, i + 1, g, e);
	}
}

static char **files_matching(const char *dir, const char *prefix, const char *suffix)
{
	GDir *gd = g_dir_open(dir, 0, NULL);
	GPtrArray *a = g_ptr_array_new();
	const char *f;

	g_assert_nonnull(gd);
	while ((f = g_dir_read_name(gd)) != NULL)
		if (g_str_has_prefix(f, prefix) && g_str_has_suffix(f, suffix))
			g_ptr_array_add(a, g_build_filename(dir, f, NULL));
	g_dir_close(gd);
	g_ptr_array_sort(a, (GCompareFunc)g_strcmp0);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static void test_every_example_validates(void)
{
	char **files = files_matching(FLOWSIM_SOURCE_DIR "/examples", "", ".yaml");
	guint i;

	g_assert_cmpuint(g_strv_length(files), >=, 2);
	for (i = 0; files[i]; i++) {
		GPtrArray *got = load_messages(files[i], NULL);
		GPtrArray *none = g_ptr_array_new();

		/* examples are clean: no errors and no warnings */
		compare_messages(files[i], got, none);
		g_ptr_array_free(got, TRUE);
		g_ptr_array_free(none, TRUE);
	}
	g_strfreev(files);
}

static void test_good_files_validate(void)
{
	char **files = files_matching(DATA_DIR, "good-", ".yaml");
	guint i;

	g_assert_cmpuint(g_strv_length(files), >=, 3);
	for (i = 0; files[i]; i++) {
		struct scenario *s = NULL;
		GPtrArray *got = load_messages(files[i], &s);
		GPtrArray *exp = expected_messages(files[i]);

		compare_messages(files[i], got, exp);
		g_assert_nonnull(s);
		scenario_free(s);
		g_ptr_array_free(got, TRUE);
		g_ptr_array_free(exp, TRUE);
	}
	g_strfreev(files);
}

static void test_malformed_files_give_exact_messages(void)
{
	char **files = files_matching(DATA_DIR, "bad-", ".yaml");
	guint i, total = 0;

	g_assert_cmpuint(g_strv_length(files), >=, 20);
	for (i = 0; files[i]; i++) {
		struct scenario *s = NULL;
		GPtrArray *got = load_messages(files[i], &s);
		GPtrArray *exp = expected_messages(files[i]);

		g_assert_cmpuint(exp->len, >, 0);
		g_assert_null(s);
		compare_messages(files[i], got, exp);
		total += exp->len;
		g_ptr_array_free(got, TRUE);
		g_ptr_array_free(exp, TRUE);
	}
	g_assert_cmpuint(total, >=, 100);
	g_strfreev(files);
}

/* ------------------------------------------------------------ loaded values ---- */

static struct scenario *load_ok(const char *name)
{
	char *path = g_build_filename(DATA_DIR, name, NULL);
	struct scenario *s = NULL;
	GPtrArray *got = load_messages(path, &s);

	g_assert_nonnull(s);
	g_ptr_array_free(got, TRUE);
	g_free(path);
	return s;
}

static int port(const struct scenario *s, const char *name)
{
	int i = scenario_port_index(s, name);

	g_assert_cmpint(i, >=, 0);
	return i;
}

static void test_values_vlan_pppoe_uci(void)
{
	struct scenario *s = load_ok("good-uci-vlan-pppoe.yaml");
	const struct scn_port *pp = &s->ports[port(s, "pppoe-wan")];
	const struct scn_port *v7 = &s->ports[port(s, "wan.7")];
	const struct scn_host *phone = &s->hosts[scenario_host_index(s, "phone")];
	int i;

	g_assert_cmpuint(s->n_ports, ==, 8);
	g_assert_cmpuint(s->duration_ns, ==, 30000000000ULL);
	g_assert_cmpuint(s->seed, ==, 1);
	g_assert_cmpuint(s->router.kernel, ==, 606);
	g_assert_cmpstr(s->router.soc.name, ==, "mt7981");
	/* conntrack sized from 512 MiB on a 64-bit kernel with OpenWrt's divisor */
	g_assert_cmpuint(s->router.config.ct.max, ==, 32768);
	g_assert_cmpuint(s->router.config.ct.tcp_timeout[TCP_CT_ESTABLISHED], ==, 7440);
	g_assert_cmpuint(s->router.config.hw_work_delay, ==, 2000000ULL);
	g_assert_cmpuint(s->router.config.cost.flowtable, ==, s->router.soc.cost.flowtable);
	g_assert_true(s->router.has_ppe);
	g_assert_cmpuint(s->router.ppe.entries, ==, 4096);
	g_assert_cmpuint(s->router.ppe.bind_rate, ==, 10);
	g_assert_cmpuint(s->router.ppe.netsys, ==, 2);
	/* firewall from the UCI file */
	g_assert_nonnull(s->router.firewall_uci);
	g_assert_true(g_str_has_suffix(s->router.firewall_uci, "/firewall.uci"));
	g_assert_cmpuint(s->router.fw.defaults.flow_offloading, ==, 1);
	g_assert_cmpuint(s->router.fw.defaults.flow_offloading_hw, ==, 1);
	g_assert_cmpuint(s->router.fw.num_zones, ==, 2);
	g_assert_nonnull(s->router.extra_nft);
	/* networks: fw4's device is the lower side of PPPoE */
	g_assert_cmpuint(s->router.n_networks, ==, 2);
	for (i = 0; i < (int)s->router.n_networks; i++) {
		const struct fw4_network *n = &s->router.networks[i];

		if (!strcmp(n->name, "wan")) {
			g_assert_cmpstr(n->device, ==, "wan.7");
			g_assert_cmpstr(n->l3_device, ==, "pppoe-wan");
		} else {
			g_assert_cmpstr(n->name, ==, "lan");
			g_assert_cmpstr(n->device, ==, "br-lan");
		}
	}
	/* stacking and roles */
	g_assert_cmpint(pp->lower, ==, port(s, "wan.7"));
	g_assert_cmpint(v7->lower, ==, port(s, "wan"));
	g_assert_cmpuint(pp->role, ==, SCN_ROLE_WAN);
	g_assert_cmpuint(v7->role, ==, SCN_ROLE_WAN);
	g_assert_cmpuint(s->ports[port(s, "wl1")].role, ==, SCN_ROLE_LAN);
	g_assert_cmpuint(pp->mtu, ==, 1492);
	g_assert_cmpuint(pp->pppoe_sid, ==, 4660);
	g_assert_true(pp->default_route);
	g_assert_cmpstr(pp->qdisc.kind, ==, "cake");
	g_assert_cmpuint(pp->qdisc.params.rate_bps, ==, 40000000ULL);
	g_assert_cmpstr(s->ports[port(s, "wan")].qdisc.kind, ==, "noqueue");   /* DSA user port */
	g_assert_cmpstr(s->ports[port(s, "eth0")].qdisc.kind, ==, "fq_codel");
	g_assert_false(s->ports[port(s, "eth0")].qdisc.configured);
	g_assert_cmpuint(s->ports[port(s, "eth0")].qdisc.params.flows, ==, 1024);
	g_assert_cmpstr(s->ports[port(s, "br-lan")].qdisc.kind, ==, "fq_codel");
	g_assert_cmpuint(s->ports[port(s, "br-lan")].qdisc.params.target_ns, ==, 10000000ULL);
	g_assert_cmpint(s->ports[port(s, "lan1")].master, ==, port(s, "br-lan"));
	g_assert_cmpint(s->ports[port(s, "lan1")].lower, ==, port(s, "eth0"));
	g_assert_cmpuint(s->ports[port(s, "wan")].delay_ns, ==, 3000000ULL);
	g_assert_cmpuint(s->ports[port(s, "eth0")].rate_bps, ==, 2500000000ULL);
	/* radios, WED per radio, stations by radio */
	g_assert_cmpuint(s->n_radios, ==, 2);
	g_assert_cmpuint(s->radios[1].band, ==, SCN_BAND_5G);
	g_assert_true(s->radios[1].wed);
	g_assert_false(s->radios[0].wed);
	g_assert_false(s->radios[1].shared_airtime);
	g_assert_true(phone->station);
	g_assert_cmpint(phone->port, ==, port(s, "wl1"));
	g_assert_cmpuint(s->hosts[scenario_host_index(s, "tablet")].phy_rate_bps, ==, 144000000ULL);
	/* traffic */
	g_assert_cmpuint(s->n_traffic, ==, 3);
	g_assert_cmpuint(s->traffic[0].type, ==, SCN_TCP_BULK);
	g_assert_cmpuint(s->traffic[0].flow_duration_ns, ==, 10000000000ULL);
	g_assert_cmpuint(s->traffic[0].count, ==, 3);
	g_assert_cmpuint(s->traffic[0].stop_ns, ==, s->duration_ns);
	g_assert_cmpuint(s->traffic[1].rate_bps, ==, 20000000ULL);
	g_assert_cmpuint(s->traffic[1].direction, ==, SCN_BOTH);
	g_assert_cmpuint(s->traffic[2].interval_ns, ==, 30000000ULL);
	g_assert_false(s->traffic[2].measure_latency);
	g_assert_cmpuint(s->traffic[2].size, ==, 172);
	g_assert_cmpuint(s->traffic[2].family, ==, FS_AF_INET);
	/* events sorted by time */
	g_assert_cmpuint(s->n_events, ==, 5);
	g_assert_cmpuint(s->events[0].type, ==, SCN_EV_ROAM);
	g_assert_cmpuint(s->events[0].at_ns, ==, 5000000000ULL);
	g_assert_cmpint(s->events[0].port, ==, port(s, "wl0"));
	g_assert_cmpuint(s->events[1].type, ==, SCN_EV_LINK_DOWN);
	g_assert_cmpuint(s->events[3].type, ==, SCN_EV_FIREWALL_RELOAD);
	/* roam by band: to the first wlan port on a 5 GHz radio */
	g_assert_cmpuint(s->events[4].type, ==, SCN_EV_ROAM);
	g_assert_cmpint(s->events[4].host, ==, scenario_host_index(s, "tablet"));
	g_assert_cmpint(s->events[4].port, ==, port(s, "wl1"));
	g_assert_cmpint(s->hosts[scenario_host_index(s, "laptop")].port, ==, port(s, "wl1"));
	/* output paths relative to the scenario file */
	g_assert_cmpstr(s->output.database, ==, DATA_DIR "/out/run.sqlite");
	g_assert_cmpstr(s->output.json, ==, "/tmp/flowsim-run.json");
	g_assert_cmpuint(s->output.sample_interval_ns, ==, 50000000ULL);
	g_assert_cmpuint(s->output.n_snapshots, ==, 3);
	g_assert_cmpuint(s->output.snapshots[0].what, ==, SCN_SNAP_PPE);
	g_assert_cmpuint(s->output.snapshots[0].every_ns, ==, 2000000000ULL);
	g_assert_cmpuint(s->output.snapshots[1].n_at, ==, 3);
	g_assert_cmpuint(s->output.snapshots[1].at_ns[0], ==, 3000000000ULL);
	g_assert_cmpuint(s->output.snapshots[1].at_ns[2], ==, 20000000000ULL);
	scenario_free(s);
}

/* router.packet_steering: off unless given (OpenWrt's default), the value as written */
static void test_values_packet_steering(void)
{
	struct scenario *s = load_ok("good-minimal.yaml");
	char *path = g_build_filename(FLOWSIM_SOURCE_DIR, "tests", "data", "calibration",
				      "row17-mt7621-none.yaml", NULL);
	GPtrArray *got;

	g_assert_cmpuint(s->router.packet_steering, ==, 0);
	scenario_free(s);
	s = NULL;
	got = load_messages(path, &s);
	g_assert_nonnull(s);
	g_assert_cmpuint(s->router.packet_steering, ==, 2);
	scenario_free(s);
	g_ptr_array_free(got, TRUE);
	g_free(path);
}

static void test_values_inline_soc_sysctls_traffic(void)
{
	struct scenario *s = load_ok("good-inline-soc.yaml");
	const struct conntrack_params *ct = &s->router.config.ct;
	const struct scn_traffic *t;

	g_assert_cmpstr(s->name, ==, "inline-a53");
	g_assert_cmpuint(s->seed, ==, 99);
	g_assert_cmpstr(s->router.soc.name, ==, "my-a53-board");
	g_assert_cmpstr(s->router.soc.derived_from, ==, "mt7622");
	g_assert_cmpfloat_with_epsilon(s->router.soc.scale, 0.7 + 0.3 * 1800.0 / 1350.0, 1e-12);
	g_assert_cmpuint(s->router.soc.cpu.cores, ==, 4);
	g_assert_false(s->router.has_ppe);
	g_assert_cmpuint(s->router.kernel, ==, 612);
	g_assert_cmpuint(s->router.config.ft.kernel, ==, 612);
	g_assert_cmpuint(s->router.config.ft.hw_bidirectional, ==, 1);
	g_assert_cmpuint(s->router.config.ft.closing, ==, 0);
	/* linux profile: 1 GiB / 16384 / 8 buckets; nf_conntrack_max set explicitly */
	g_assert_cmpuint(s->router.ct_profile, ==, SCN_CT_LINUX);
	g_assert_cmpuint(ct->buckets, ==, 8192);
	g_assert_cmpuint(ct->max, ==, 100000);
	g_assert_cmpuint(ct->udp_timeout, ==, 45);
	g_assert_cmpuint(ct->udp_timeout_stream, ==, 120);
	g_assert_cmpuint(ct->tcp_loose, ==, 0);
	g_assert_cmpuint(ct->tcp_timeout[TCP_CT_ESTABLISHED], ==, 432000);
	g_assert_cmpuint(s->router.n_sysctls, ==, 3);
	g_assert_cmpstr(s->router.sysctls[0].name, ==, "nf_conntrack_max");
	/* the shipped OpenWrt firewall when none is given */
	g_assert_cmpuint(s->router.fw.num_zones, ==, 2);
	g_assert_cmpuint(s->router.fw.defaults.flow_offloading, ==, 0);
	g_assert_cmpuint(s->ports[1].rate_bps, ==, 2500000000ULL);
	g_assert_cmpuint(s->ports[1].delay_ns, ==, 1500000ULL);
	g_assert_true(s->ports[1].has_gw4 && s->ports[1].has_gw6);
	t = &s->traffic[0];
	g_assert_cmpuint(t->family, ==, FS_AF_INET6);
	g_assert_cmpuint(t->cc, ==, SCN_CC_RENO);
	g_assert_cmpuint(t->bytes, ==, 64ULL << 20);
	t = &s->traffic[1];
	g_assert_cmpuint(t->type, ==, SCN_UDP_FLOOD);
	g_assert_cmpuint(t->size, ==, 64);
	g_assert_cmpuint(t->direction, ==, SCN_UPLOAD);
	g_assert_cmpuint(t->start_ns, ==, 1000000000ULL);
	g_assert_cmpuint(t->stop_ns, ==, 2000000000ULL);
	t = &s->traffic[2];
	g_assert_cmpuint(t->type, ==, SCN_WEB);
	g_assert_cmpfloat(t->new_flows_per_s, ==, 12.0);
	g_assert_cmpuint(t->flow_size.kind, ==, SCN_DIST_LOGNORMAL);
	g_assert_cmpfloat(t->flow_size.mean, ==, 153600.0);
	g_assert_cmpfloat(t->flow_size.shape, ==, 1.2);
	g_assert_cmpuint(t->direction, ==, SCN_DOWNLOAD);
	scenario_free(s);
}

static void test_example_values(void)
{
	struct yu_diag d;
	struct scenario *s;
	const struct scn_traffic *p2p;

	yu_diag_init(&d);
	s = scenario_load(FLOWSIM_SOURCE_DIR "/examples/sfo-vs-hfo-mt7621.yaml", SOC_DIR, &d);
	g_assert_nonnull(s);
	g_assert_cmpuint(d.errors + d.warnings, ==, 0);
	p2p = &s->traffic[2];
	g_assert_cmpuint(p2p->type, ==, SCN_P2P_SWARM);
	g_assert_cmpuint(p2p->flows, ==, 2000);
	g_assert_cmpuint(p2p->peers, ==, 1500);
	g_assert_cmpuint(p2p->flow_rate.kind, ==, SCN_DIST_PARETO);
	g_assert_cmpfloat(p2p->flow_rate.mean, ==, 20000.0);
	g_assert_cmpfloat(p2p->flow_rate.shape, ==, 1.5);
	g_assert_cmpfloat(p2p->churn_per_s, ==, 20.0);
	g_assert_cmpuint(p2p->peer_prefix.plen, ==, 15);
	g_assert_cmpuint(p2p->direction, ==, SCN_BOTH);
	g_assert_cmpuint(s->traffic[1].interval_ns, ==, 16000000ULL);
	g_assert_true(s->traffic[1].measure_latency);
	/* 256 MiB, 32-bit, OpenWrt, 6.6: 256 Mi / 2048 / 4 */
	g_assert_cmpuint(s->router.config.ct.max, ==, 32768);
	g_assert_cmpuint(s->router.ppe.entries, ==, 8192);
	g_assert_cmpuint(s->router.fw.defaults.flow_offloading_hw, ==, 1);
	scenario_free(s);
	yu_diag_clear(&d);
}

static void test_build_netconf(void)
{
	struct scenario *s = load_ok("good-uci-vlan-pppoe.yaml");
	struct fs_netconf nc;
	uint16_t ifx[16];
	const struct fs_netdev *dev, *lower;
	const struct fs_route *rt;
	union fs_addr a;
	uint32_t i;

	fs_netconf_init(&nc);
	g_assert_cmpint(scenario_build_netconf(s, &nc, ifx), ==, 0);
	for (i = 0; i < s->n_ports; i++) {
		dev = fs_netdev_get(&nc, ifx[i]);
		g_assert_nonnull(dev);
		g_assert_cmpstr(dev->name, ==, s->ports[i].name);
		g_assert_cmpuint(dev->kind, ==, s->ports[i].kind);
		g_assert_cmpuint(dev->mtu, ==, s->ports[i].mtu);
	}
	dev = fs_netdev_by_name(&nc, "pppoe-wan");
	g_assert_cmpuint(dev->pppoe_sid, ==, 4660);
	lower = fs_netdev_get(&nc, dev->lower);
	g_assert_cmpstr(lower->name, ==, "wan.7");
	g_assert_cmpuint(lower->vlan_id, ==, 7);
	g_assert_cmpstr(fs_netdev_get(&nc, lower->lower)->name, ==, "wan");
	g_assert_cmpuint(fs_netdev_lowest(&nc, dev->ifindex), ==, fs_netdev_by_name(&nc, "eth0")->ifindex);
	dev = fs_netdev_by_name(&nc, "wl1");
	g_assert_cmpuint(dev->wlan_band, ==, 1);
	g_assert_cmpuint(dev->wlan_radio, ==, 1);
	g_assert_cmpuint(dev->wlan_wed, ==, 1);
	g_assert_cmpstr(fs_netdev_get(&nc, dev->master)->name, ==, "br-lan");
	g_assert_cmpuint(fs_netdev_by_name(&nc, "lan1")->gmac, ==, 0);
	/* routes: the LAN subnet is connected, everything else leaves through PPPoE */
	g_assert_cmpint(fs_addr_parse("192.168.5.77", 12, &a), ==, FS_AF_INET);
	rt = fs_route_lookup(&nc, FS_AF_INET, &a, 0);
	g_assert_nonnull(rt);
	g_assert_cmpstr(fs_netdev_get(&nc, rt->oif)->name, ==, "br-lan");
	g_assert_cmpuint(rt->plen, ==, 24);
	g_assert_cmpint(fs_addr_parse("8.8.8.8", 7, &a), ==, FS_AF_INET);
	rt = fs_route_lookup(&nc, FS_AF_INET, &a, 0);
	g_assert_nonnull(rt);
	g_assert_cmpstr(fs_netdev_get(&nc, rt->oif)->name, ==, "pppoe-wan");
	g_assert_true(fs_addr_is_local(&nc, FS_AF_INET, &s->ports[port(s, "pppoe-wan")].addrs[0].addr));
	fs_netconf_release(&nc);
	scenario_free(s);
}

/* -------------------------------------------------------------- the command ---- */

static const char *const validate_cmd[] = { "validate", "--soc-dir", SOC_DIR, NULL };

static void test_validate_command(void)
{
	const char *good = FLOWSIM_SOURCE_DIR "/examples/wifi-roam-wed-mt7986.yaml";
	const char *bad = DATA_DIR "/bad-units.yaml";
	char *out, *err, *want;

	if (!g_file_test(FLOWSIM_BINARY, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("flowsim binary not built");
		return;
	}
	g_assert_cmpint(tu_run_flowsim(validate_cmd, (const char *const[]){ good, NULL }, &out, &err), ==, 0);
	want = g_strdup_printf("%s: ok\n", good);
	g_assert_cmpstr(out, ==, want);
	g_assert_cmpstr(err, ==, "");
	g_free(want);
	g_free(out);
	g_free(err);

	g_assert_cmpint(tu_run_flowsim(validate_cmd, (const char *const[]){ good, bad, NULL }, &out, &err), ==, 1);
	want = g_strdup_printf("%s: ok\n", good);
	g_assert_cmpstr(out, ==, want);
	g_free(want);
	want = g_strdup_printf("%s:2:11: duration: '300' has no unit: expected a duration such as "
			       "300ms, 1.5s or 2min\n", bad);
	g_assert_true(g_str_has_prefix(err, want));
	g_free(want);
	g_free(out);
	g_free(err);

	/* a SoC profile is recognised and checked too */
	g_assert_cmpint(tu_run_flowsim(validate_cmd, (const char *const[]){ SOC_DIR "/mt7621.yaml", NULL },
				     &out, &err), ==, 0);
	g_assert_cmpstr(out, ==, SOC_DIR "/mt7621.yaml: ok\n");
	g_free(out);
	g_free(err);

	g_assert_cmpint(tu_run_flowsim(validate_cmd, (const char *const[]){ NULL }, &out, &err), ==, 2);
	g_assert_true(g_str_has_prefix(err, "flowsim validate: no file given\n"));
	g_free(out);
	g_free(err);
	g_assert_cmpint(tu_run_flowsim(validate_cmd, (const char *const[]){ DATA_DIR "/missing.yaml", NULL }, &out,
				     &err), ==, 1);
	g_assert_cmpstr(err, ==, DATA_DIR "/missing.yaml: cannot read: no such file\n");
	g_free(out);
	g_free(err);
}

/* ------------------------------------------------- found by fuzz_scenario ---- */

/* Every message of loading text as "fuzz.yaml", one per line; the load must fail. */
static char *string_errors(const char *text, size_t len)
{
	GString *g = g_string_new(NULL);
	struct scenario *s;
	struct yu_diag d;
	guint i;

	yu_diag_init(&d);
	s = scenario_load_string("fuzz.yaml", DATA_DIR, text, len, SOC_DIR, &d);
	g_assert_null(s);
	g_assert_cmpuint(d.errors, >, 0);
	for (i = 0; i < d.msgs->len; i++) {
		char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));

		g_string_append_printf(g, "%s\n", m);
		g_free(m);
	}
	yu_diag_clear(&d);
	return g_string_free(g, FALSE);
}

#define assert_string_errors(text, want) do {                                      \
		char *got_ = string_errors(text, sizeof(text) - 1);                    \
		g_assert_cmpstr(got_, ==, want);                                       \
		g_free(got_);                                                          \
	} while (0)

/* A NUL byte or invalid UTF-8 is named at its line and column (libfyaml 0.7.12 never
 * returned from a directive holding invalid UTF-8). */
static void test_binary_input_is_located(void)
{
	assert_string_errors("name: x\n  d\0", "fuzz.yaml:2:4: NUL byte: not a text file "
			     "(expected YAML text)\n");
	assert_string_errors("%\xff", "fuzz.yaml:1:2: invalid UTF-8 (byte 0xff): expected "
			     "YAML text in UTF-8\n");
	assert_string_errors("name: \"\xc3\xa9\xc3\xa9\" \xc3\n",
			     "fuzz.yaml:1:12: invalid UTF-8 (byte 0xc3): expected YAML text in "
			     "UTF-8\n");
}

/* A syntax error on a token wider than 80 columns with tabs: libfyaml 0.7.12 crashed
 * drawing the source line; its errors are now collected, not drawn. */
static void test_syntax_error_on_wide_tabbed_line(void)
{
	GString *g = g_string_new("ut");
	char *got;
	guint i;

	for (i = 0; i < 91; i++)
		g_string_append_c(g, '\t');
	g_string_append(g, "r: 1\n ");
	for (i = 0; i < 50; i++)
		g_string_append_c(g, '\t');
	g_string_append(g, "ress: 1\n");
	got = string_errors(g->str, g->len);
	g_assert_cmpstr(got, ==, "fuzz.yaml:1:97: YAML syntax error: invalid multiline plain "
			"key\n");
	g_free(got);
	g_string_free(g, TRUE);
}

/* A dsa port without its required dsa_port is that error alone, not also a clash of the
 * default 0 with another port (which was reported without a file or line). */
static void test_missing_dsa_port_is_one_error(void)
{
	assert_string_errors("ports:\n  - {name: eth0, kind: ether}\n"
			     "  - {name: lan1, kind: dsa, conduit: eth0, dsa_port: 0}\n"
			     "  - {name: lan2, kind: dsa, conduit: eth0}\n",
			     "fuzz.yaml:1:1: scenario: missing required key 'duration'\n"
			     "fuzz.yaml:4:5: port: missing required key 'dsa_port'\n"
			     "fuzz.yaml:1:1: scenario: missing required key 'router'\n");
}

/* A rule name with a control character loaded, and then fw4's ruleset (where the name is
 * a comment) failed in the world without a line; the name is refused where it stands. */
static void test_rule_name_control_character(void)
{
	assert_string_errors("duration: 10s\nrouter:\n  soc: mt7621\n  firewall:\n    zones:\n"
			     "      - {name: lan, network: lan, input: ACCEPT}\n"
			     "      - {name: wan, network: wan, masq: 1}\n    rules:\n"
			     "      - {name: \"s\\x01sh\", src: wan, proto: tcp, dest_port: 22, "
			     "target: ACCEPT}\nports:\n"
			     "  - {name: eth0, kind: ether, role: lan, network: lan, "
			     "address: 192.168.1.1/24}\n"
			     "  - {name: eth1, kind: ether, role: wan, network: wan, "
			     "address: 10.0.0.2/24, gateway: 10.0.0.1}\n",
			     "fuzz.yaml:9:17: name: expected printable text, got a control "
			     "character (0x01)\n");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/scenario/units/rate", test_units_rate);
	g_test_add_func("/scenario/units/duration", test_units_duration);
	g_test_add_func("/scenario/units/size_freq_events", test_units_size_freq_events);
	g_test_add_func("/scenario/unknown_keys_get_suggestions", test_suggestions);
	g_test_add_func("/scenario/every_example_validates", test_every_example_validates);
	g_test_add_func("/scenario/good_files_validate", test_good_files_validate);
	g_test_add_func("/scenario/malformed_files_give_exact_messages",
			test_malformed_files_give_exact_messages);
	g_test_add_func("/scenario/values/vlan_pppoe_uci", test_values_vlan_pppoe_uci);
	g_test_add_func("/scenario/values/inline_soc_sysctls_traffic",
			test_values_inline_soc_sysctls_traffic);
	g_test_add_func("/scenario/values/example_p2p", test_example_values);
	g_test_add_func("/scenario/values/packet_steering", test_values_packet_steering);
	g_test_add_func("/scenario/build_netconf", test_build_netconf);
	g_test_add_func("/scenario/validate_command", test_validate_command);
	g_test_add_func("/scenario/binary_input_is_located", test_binary_input_is_located);
	g_test_add_func("/scenario/syntax_error_on_wide_tabbed_line",
			test_syntax_error_on_wide_tabbed_line);
	g_test_add_func("/scenario/missing_dsa_port_is_one_error",
			test_missing_dsa_port_is_one_error);
	g_test_add_func("/scenario/rule_name_control_character",
			test_rule_name_control_character);
	return g_test_run();
}
