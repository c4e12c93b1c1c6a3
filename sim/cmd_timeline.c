/* SPDX-License-Identifier: MIT */
/*
 * cmd_timeline.c - `flowsim timeline`: one connection through the lab router, packet by
 * packet: which path each packet took, what conntrack shows, which events fired - then the
 * idle period, teardown and expiry.  For labs and for checking a kernel's behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab.h"

struct tl_opts {
	char *proto;
	gint family;
	char *kernel;
	char *conntrack;
	char *offload;
	gint packets;
	gint interval_ms;
	char *close;
	gint idle;
	char *ruleset;
	char *soc;
	gboolean masq;
	gboolean no_reply;
};

static const char *ruleset_fmt =
	"table inet fw4 {\n"
	"	%s\n"
	"	chain forward {\n"
	"		type filter hook forward priority filter; policy accept;\n"
	"		%s\n"
	"		ct state established,related accept\n"
	"	}\n"
	"	chain srcnat {\n"
	"		type nat hook postrouting priority srcnat; policy accept;\n"
	"		%s\n"
	"	}\n"
	"}\n";

static char *default_ruleset(const struct tl_opts *o)
{
	bool ft = strcmp(o->offload, "none") != 0;
	bool hw = !strcmp(o->offload, "hw");

	return g_strdup_printf(ruleset_fmt,
			       !ft ? "" : hw ? "flowtable ft { hook ingress priority 0; devices = { lan, wan }; counter; flags offload; }"
					    : "flowtable ft { hook ingress priority 0; devices = { lan, wan }; counter; }",
			       ft ? "meta l4proto { tcp, udp } flow offload @ft" : "",
			       o->masq ? "oifname \"wan\" meta nfproto ipv4 masquerade" : "");
}

static u16 parse_kernel(const char *s)
{
	unsigned maj = 0, min = 0;

	if (sscanf(s, "%u.%u", &maj, &min) != 2 || maj < 4 || maj > 9 || min > 99)
		return 0;
	return (u16)(maj * 100 + min);
}

static void flags_text(u8 f, char *buf)
{
	char *p = buf;

	if (f & FS_TCP_SYN) *p++ = 'S';
	if (f & FS_TCP_FIN) *p++ = 'F';
	if (f & FS_TCP_RST) *p++ = 'R';
	if (f & FS_TCP_PSH) *p++ = 'P';
	if (f & FS_TCP_ACK) *p++ = 'A';
	if (p == buf) *p++ = '-';
	*p = 0;
}

static void ct_text(struct lab *lab, const struct fs_tuple *orig, u64 now, char *buf, size_t n)
{
	struct fs_tuple t = *orig;
	struct conntrack_entry *ct;

	t.pad = 0;
	ct = conntrack_find(router_conntrack(lab->r), &t, NULL);
	if (!ct) {
		g_strlcpy(buf, "(none)", n);
		return;
	}
	if (ct->status & (IPS_OFFLOAD | IPS_HW_OFFLOAD)) {
		g_strlcpy(buf, ct->status & IPS_HW_OFFLOAD ? "[HW_OFFLOAD]" : "[OFFLOAD]", n);
		return;
	}
	snprintf(buf, n, "%s%s %us%s",
		 t.proto == FS_IPPROTO_TCP ? conntrack_tcp_state_name(ct->proto.tcp.state) : "",
		 t.proto == FS_IPPROTO_TCP ? "" : (ct->status & IPS_SEEN_REPLY ? "replied" : "unreplied"),
		 conntrack_remaining_secs(ct, now), ct->status & IPS_ASSURED ? " [ASSURED]" : "");
}

static GString *events_since(struct lab *lab, guint *seen)
{
	GString *s = g_string_new(NULL);

	for (; *seen < lab->events->len; (*seen)++) {
		const struct fs_event *ev = &g_array_index(lab->events, struct fs_event, *seen);

		if (ev->type == FS_EV_CT_STATE)
			continue;
		if (s->len)
			g_string_append(s, ", ");
		g_string_append(s, fs_event_name(ev->type));
		if (ev->type == FS_EV_FLOW_TEARDOWN)
			g_string_append_printf(s, "(%s)", fs_teardown_reason_name(ev->detail));
		if (ev->type == FS_EV_CT_TIMEOUT_FIXUP)
			g_string_append_printf(s, "(%us)", ev->detail);
	}
	return s;
}

struct tl_conn {
	struct lab *lab;
	const struct tl_opts *o;
	u8 proto;
	u32 seq[2];
	guint seen;
	struct fs_tuple orig;
};

static void tl_send(struct tl_conn *c, bool reply, u8 flags, u16 payload, u64 now)
{
	const char *a = c->o->family == 6 ? "dead:1::99" : "10.0.1.99";
	const char *b = c->o->family == 6 ? "dead:2::99" : "10.0.2.99";
	u16 hdr = (u16)((c->o->family == 6 ? 40 : 20) + (c->proto == FS_IPPROTO_TCP ? 32 : 8));
	struct fs_packet p;
	struct router_result r;
	char fl[8], ct[64];
	GString *ev;

	memset(&p, 0, sizeof(p));
	fs_addr_parse(reply ? b : a, strlen(reply ? b : a), &p.t.src);
	fs_addr_parse(reply ? a : b, strlen(reply ? a : b), &p.t.dst);
	p.t.family = c->o->family == 6 ? FS_AF_INET6 : FS_AF_INET;
	p.t.proto = c->proto;
	p.t.sport = reply ? 443 : 40000;
	p.t.dport = reply ? 40000 : 443;
	p.iif = reply ? c->lab->wan : c->lab->lan;
	p.len = (u16)(hdr + payload);
	p.ttl = 64;
	p.wscale = (flags & FS_TCP_SYN) ? 7 : 0xff;
	p.tcp_flags = flags;
	p.payload = payload;
	p.win = 65535;
	p.seq = c->seq[reply];
	p.ack = c->seq[!reply];
	c->seq[reply] += payload + ((flags & (FS_TCP_SYN | FS_TCP_FIN)) ? 1 : 0);
	if (!reply && !c->orig.family)
		c->orig = p.t;
	r = lab_send(c->lab, &p, now);
	flags_text(c->proto == FS_IPPROTO_TCP ? flags : 0, fl);
	ct_text(c->lab, &c->orig, now, ct, sizeof(ct));
	ev = events_since(c->lab, &c->seen);
	printf("%9.3f  %-5s  %-5s %6u  %-10s %-26s %s\n", now / 1e9, reply ? "reply" : "orig", fl,
	       p.len, r.verdict == ROUTER_DROP ? router_drop_reason_name(r.drop_reason) :
	       router_path_name(r.path), ct, ev->str);
	g_string_free(ev, TRUE);
}

static void tl_idle(struct tl_conn *c, u64 from, u64 until)
{
	u64 t;

	for (t = (from / 1000000000ULL + 1) * 1000000000ULL; t <= until; t += 1000000000ULL) {
		GString *ev;
		char ct[64];

		router_timers(c->lab->r, t);
		if (c->seen == c->lab->events->len)
			continue;
		ct_text(c->lab, &c->orig, t, ct, sizeof(ct));
		ev = events_since(c->lab, &c->seen);
		printf("%9.3f  %-5s  %-5s %6s  %-10s %-26s %s\n", t / 1e9, "timer", "", "", "", ct,
		       ev->str);
		g_string_free(ev, TRUE);
	}
}

int cmd_timeline(int argc, char **argv)
{
	struct tl_opts o = { .family = 4, .packets = 5, .interval_ms = 100, .idle = 40 };
	GOptionEntry entries[] = {
		{ "proto", 0, 0, G_OPTION_ARG_STRING, &o.proto, "tcp (default) or udp", "P" },
		{ "family", 0, 0, G_OPTION_ARG_INT, &o.family, "4 (default) or 6", "N" },
		{ "kernel", 0, 0, G_OPTION_ARG_STRING, &o.kernel, "kernel behaviour, e.g. 5.15, 6.6 (default), 6.16", "V" },
		{ "conntrack", 0, 0, G_OPTION_ARG_STRING, &o.conntrack, "sysctl profile: openwrt (default) or linux", "P" },
		{ "offload", 0, 0, G_OPTION_ARG_STRING, &o.offload, "sw (default: software flowtable), hw (PPE; needs --soc) or none", "M" },
		{ "soc", 0, 0, G_OPTION_ARG_STRING, &o.soc, "SoC whose PPE sits in front of the CPU: mt7620, mt7621, mt7622, mt7981, mt7986, mt7988", "SOC" },
		{ "packets", 0, 0, G_OPTION_ARG_INT, &o.packets, "data packets each way after the handshake (5)", "N" },
		{ "interval", 0, 0, G_OPTION_ARG_INT, &o.interval_ms, "milliseconds between packets (100)", "MS" },
		{ "close", 0, 0, G_OPTION_ARG_STRING, &o.close, "end with fin, rst or idle (default idle)", "HOW" },
		{ "idle", 0, 0, G_OPTION_ARG_INT, &o.idle, "seconds of timers after the last packet (40)", "S" },
		{ "ruleset", 0, 0, G_OPTION_ARG_FILENAME, &o.ruleset, "nft ruleset for the router (devices lan, wan)", "FILE" },
		{ "masquerade", 0, 0, G_OPTION_ARG_NONE, &o.masq, "masquerade on the wan port", NULL },
		{ "no-reply", 0, 0, G_OPTION_ARG_NONE, &o.no_reply, "the server never answers", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("- one connection through the router, packet by packet");
	GError *err = NULL;
	struct router_config cfg;
	struct tl_conn c;
	struct lab lab;
	char *rules = NULL, *line;
	u64 t = 1000000000ULL;
	u16 kernel;
	int i, rc = 1;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
		"A client (10.0.1.99, lan) talks to a server (10.0.2.99, wan) through the lab router.\n"
		"Each line is one packet: its direction, TCP flags, size, the path it took (slow,\n"
		"flowtable, ppe, wed, or why it was dropped), the conntrack state after it, and the\n"
		"core's events.  Then the timers run so the flow's teardown and expiry show.\n\n"
		"Example: flowsim timeline --proto udp --kernel 6.6 --conntrack openwrt\n");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "flowsim timeline: %s\n", err->message);
		goto out;
	}
	if (!o.proto) o.proto = g_strdup("tcp");
	if (!o.kernel) o.kernel = g_strdup("6.6");
	if (!o.conntrack) o.conntrack = g_strdup("openwrt");
	if (!o.offload) o.offload = g_strdup("sw");
	if (!o.close) o.close = g_strdup("idle");
	kernel = parse_kernel(o.kernel);
	if ((strcmp(o.proto, "tcp") && strcmp(o.proto, "udp")) || (o.family != 4 && o.family != 6) ||
	    !kernel || (strcmp(o.conntrack, "openwrt") && strcmp(o.conntrack, "linux")) ||
	    (strcmp(o.offload, "sw") && strcmp(o.offload, "none") && strcmp(o.offload, "hw")) ||
	    (!strcmp(o.offload, "hw") && !o.soc) || o.packets < 0 ||
	    o.packets > 100000 || o.interval_ms < 0 || o.idle < 0 || o.idle > 1000000 ||
	    (strcmp(o.close, "fin") && strcmp(o.close, "rst") && strcmp(o.close, "idle"))) {
		fprintf(stderr, "flowsim timeline: invalid option value (see --help)\n");
		goto out;
	}
	router_config_default(&cfg);
	if (!strcmp(o.conntrack, "linux"))
		conntrack_params_linux(&cfg.ct);
	flowtable_behaviour_for_kernel(&cfg.ft, kernel);
	if (o.ruleset) {
		gsize len;

		if (!g_file_get_contents(o.ruleset, &rules, &len, &err)) {
			fprintf(stderr, "flowsim timeline: %s\n", err->message);
			goto out;
		}
	} else {
		rules = default_ruleset(&o);
	}
	if (!lab_init(&lab, &cfg, o.soc, "lan", "wan", rules, &err)) {
		fprintf(stderr, "flowsim timeline: %s%s%s\n", o.ruleset ? o.ruleset : "ruleset",
			o.ruleset ? ":" : ": ", err->message);
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.lab = &lab;
	c.o = &o;
	c.proto = strcmp(o.proto, "tcp") ? FS_IPPROTO_UDP : FS_IPPROTO_TCP;
	c.seq[0] = 1000;
	c.seq[1] = 500000;

	printf("# lab router: lan 10.0.1.1/24 <-> wan 10.0.2.1/24; kernel %s, conntrack %s, "
	       "offload %s%s%s%s\n", o.kernel, o.conntrack, o.offload, o.masq ? ", masquerade" : "",
	       o.soc ? ", SoC " : "", o.soc ? o.soc : "");
	printf("%9s  %-5s  %-5s %6s  %-10s %-26s %s\n", "time(s)", "dir", "flags", "bytes", "path",
	       "conntrack", "events");
	if (c.proto == FS_IPPROTO_TCP) {
		tl_send(&c, false, FS_TCP_SYN, 0, t);
		tl_send(&c, true, FS_TCP_SYN | FS_TCP_ACK, 0, t += 1000000);
		tl_send(&c, false, FS_TCP_ACK, 0, t += 1000000);
	}
	for (i = 0; i < o.packets; i++) {
		t += (u64)o.interval_ms * 1000000;
		tl_send(&c, false, c.proto == FS_IPPROTO_TCP ? FS_TCP_ACK | FS_TCP_PSH : 0, 1000, t);
		if (!o.no_reply)
			tl_send(&c, true, c.proto == FS_IPPROTO_TCP ? FS_TCP_ACK : 0,
				c.proto == FS_IPPROTO_TCP ? 0 : 1000, t += 1000000);
	}
	if (c.proto == FS_IPPROTO_TCP && !strcmp(o.close, "fin")) {
		tl_send(&c, false, FS_TCP_FIN | FS_TCP_ACK, 0, t += 1000000);
		tl_send(&c, true, FS_TCP_FIN | FS_TCP_ACK, 0, t += 1000000);
		tl_send(&c, false, FS_TCP_ACK, 0, t += 1000000);
	} else if (c.proto == FS_IPPROTO_TCP && !strcmp(o.close, "rst")) {
		tl_send(&c, false, FS_TCP_RST, 0, t += 1000000);
	}
	line = lab_proc_line(&lab, &c.orig, t);
	printf("\n# /proc/net/nf_conntrack after the last packet:\n%s", line[0] ? line : "(no entry)\n");
	g_free(line);
	tl_idle(&c, t, t + (u64)o.idle * 1000000000ULL);
	printf("\n# conntrack -E -o extended:\n%s", lab.ct_events->str);
	lab_free(&lab);
	rc = 0;
out:
	if (err)
		g_error_free(err);
	g_free(rules);
	g_free(o.proto); g_free(o.kernel); g_free(o.conntrack); g_free(o.offload); g_free(o.close);
	g_free(o.ruleset);
	g_free(o.soc);
	g_option_context_free(ctx);
	return rc;
}
