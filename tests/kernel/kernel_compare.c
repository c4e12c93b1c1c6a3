/* SPDX-License-Identifier: MIT */
/*
 * kernel_compare.c - host side of the kernel reference test (tests/kernel/run.sh).
 *
 *   kernel_compare pcap-merge [--split-at REALTIME OUT_BEFORE OUT_AFTER] OUT IN.pcap...
 *       merge the per-device captures of the guest (router-inbound packets of lan0 and
 *       wan0) into one capture sorted by time stamp (stable: equal stamps keep the input
 *       order); with --split-at also write the packets before / from REALTIME (unix
 *       seconds, as kernel_sampler prints them) into two more captures.
 *
 *   kernel_compare first-time PCAP
 *       print the first packet's time stamp (unix seconds).
 *
 *   kernel_compare report --real FILE [--module FILE] [--sim DIR=PCAP]... --events FILE
 *                         --zero PCAP [--out FILE] [--require-columns N]
 *       build per connection (its original tuple) the timeline of what each column's
 *       conntrack listing showed: seen, [OFFLOAD] set, [OFFLOAD] cleared, gone; print them
 *       side by side (real kernel | kernel shim | simulator replay) and decide.
 *         --real    the guest's /proc/net/nf_conntrack samples (kernel_sampler format)
 *         --module  the guest's flowsim/nf_conntrack (debugfs) samples, same format
 *         --sim     a `flowsim run --replay PCAP --trace-dir DIR` result: DIR's
 *                   conntrack/proc_nf_conntrack.<ms>.txt snapshots, whose simulated time 0
 *                   is PCAP's first packet; several (a replay split where a sysctl changed):
 *                   each connection is read from the first one that shows it
 *         --events  the guest's phase stamps (shown in the report, and the clock mapping)
 *         --zero    the capture whose first packet is time 0 of the report
 *
 * Exit 0 PASS, 1 FAIL, 2 bad input; what PASS needs is described in kernel_compare_judge.c.
 * This file: main, pcap-merge and first-time.  kernel_compare_load.c reads the columns'
 * listings into timelines, kernel_compare_judge.c decides and prints the report; the shared
 * structures are in kernel_compare.h.
 */
#include <math.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "kernel_compare.h"

int die_input(const char *fmt, ...)
{
	va_list ap;

	fputs("kernel_compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* ---- pcap merge ----------------------------------------------------------------------- */

struct pkt {
	struct pcap_pkthdr hdr;
	u_char *data;
	unsigned seq;
};

static int pkt_cmp(gconstpointer a, gconstpointer b)
{
	const struct pkt *x = a, *y = b;

	if (x->hdr.ts.tv_sec != y->hdr.ts.tv_sec)
		return x->hdr.ts.tv_sec < y->hdr.ts.tv_sec ? -1 : 1;
	if (x->hdr.ts.tv_usec != y->hdr.ts.tv_usec)
		return x->hdr.ts.tv_usec < y->hdr.ts.tv_usec ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static double pkt_time(const struct pkt *p)
{
	return (double)p->hdr.ts.tv_sec + (double)p->hdr.ts.tv_usec / 1e6;
}

static int write_pcap(pcap_t *like, const char *path, GArray *pkts, double from, double to)
{
	pcap_dumper_t *d = pcap_dump_open(like, path);
	unsigned i, n = 0;

	if (!d)
		return die_input("%s: cannot write: %s", path, pcap_geterr(like));
	for (i = 0; i < pkts->len; i++) {
		struct pkt *p = &g_array_index(pkts, struct pkt, i);
		double t = pkt_time(p);

		if (t < from || t >= to)
			continue;
		pcap_dump((u_char *)d, &p->hdr, p->data);
		n++;
	}
	if (pcap_dump_flush(d) != 0) {
		pcap_dump_close(d);
		return die_input("%s: write failed", path);
	}
	pcap_dump_close(d);
	printf("%s: %u packets\n", path, n);
	return 0;
}

static int cmd_pcap_merge(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *before = NULL, *after = NULL, *out;
	double split = 0;
	bool have_split = false;
	GArray *pkts = g_array_new(FALSE, FALSE, sizeof(struct pkt));
	pcap_t *first = NULL;
	int i = 0, rc = 0, linktype = -1;
	unsigned seq = 0;

	if (argc >= 4 && !strcmp(argv[0], "--split-at")) {
		char *end;

		split = g_ascii_strtod(argv[1], &end);
		if (*end || end == argv[1])
			return die_input("--split-at: expected unix seconds, got '%s'", argv[1]);
		have_split = true;
		before = argv[2];
		after = argv[3];
		i = 4;
	}
	if (argc - i < 2)
		return die_input("usage: pcap-merge [--split-at T BEFORE AFTER] OUT IN...");
	out = argv[i++];
	for (; i < argc; i++) {
		pcap_t *p = pcap_open_offline(argv[i], errbuf);
		struct pcap_pkthdr *h;
		const u_char *data;
		int r;

		if (!p) {
			rc = die_input("%s: %s", argv[i], errbuf);
			goto out;
		}
		if (linktype < 0) {
			linktype = pcap_datalink(p);
		} else if (pcap_datalink(p) != linktype) {
			rc = die_input("%s: link type %d differs from the first capture's %d", argv[i],
				       pcap_datalink(p), linktype);
			pcap_close(p);
			goto out;
		}
		while ((r = pcap_next_ex(p, &h, &data)) == 1) {
			struct pkt k = { .hdr = *h, .seq = seq++ };

			k.data = g_memdup2(data, h->caplen);
			g_array_append_val(pkts, k);
		}
		if (r == PCAP_ERROR) {
			rc = die_input("%s: %s", argv[i], pcap_geterr(p));
			pcap_close(p);
			goto out;
		}
		if (!first)
			first = p;
		else
			pcap_close(p);
	}
	g_array_sort(pkts, pkt_cmp);
	rc = write_pcap(first, out, pkts, -INFINITY, INFINITY);
	if (!rc && have_split)
		rc = write_pcap(first, before, pkts, -INFINITY, split);
	if (!rc && have_split)
		rc = write_pcap(first, after, pkts, split, INFINITY);
out:
	for (i = 0; i < (int)pkts->len; i++)
		g_free(g_array_index(pkts, struct pkt, i).data);
	g_array_free(pkts, TRUE);
	if (first)
		pcap_close(first);
	return rc;
}

double first_packet_time(const char *pcap_path, int *rc)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(pcap_path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;
	double t;

	if (!p) {
		*rc = die_input("%s: %s", pcap_path, errbuf);
		return 0;
	}
	if (pcap_next_ex(p, &h, &data) != 1) {
		*rc = die_input("%s: no packet", pcap_path);
		pcap_close(p);
		return 0;
	}
	t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
	pcap_close(p);
	return t;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "pcap-merge"))
		return cmd_pcap_merge(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "first-time")) {
		int rc = 0;
		double t = first_packet_time(argv[2], &rc);

		if (!rc)
			printf("%.6f\n", t);
		return rc;
	}
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 2, argv + 2);
	fprintf(stderr, "usage: kernel_compare pcap-merge [--split-at T BEFORE AFTER] OUT IN...\n"
			"       kernel_compare first-time PCAP\n"
			"       kernel_compare report --real F [--module F] [--sim DIR=PCAP]... --events F --zero PCAP [--out F]\n");
	return 2;
}
