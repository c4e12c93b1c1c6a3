/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer entry for the capture reader (traces/pcap_reader.c): the input is a whole
 * pcap/pcapng file, read through fmemopen in both modes.  A read fails iff it reported an
 * error; every record is decoded, skipped for one reason, or (tolerant) the last one cut;
 * decoded packets have a family, lengths that hold their payload and at most
 * FS_ENCAP_MAX tags.  The first 64 bytes are also decoded as a frame of every link type.
 */
#include "pcap_reader.h"

#include <stdio.h>

#include <pcap/pcap.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const int dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode;
	size_t k;

	for (k = 0; k < sizeof(dlts) / sizeof(dlts[0]); k++) {
		struct pcap_pkt pk;
		char why[256];
		u32 n = size < 64 ? (u32)size : 64;
		int rc = pcap_decode_frame(dlts[k], data, n, n, &pk, why, sizeof(why));

		CHECK(rc >= 0 && rc <= PCAP_SKIP__COUNT);
		CHECK(rc == 0 || why[0]);
	}
	if (!size)
		return 0;
	for (mode = TRACE_STRICT; mode <= TRACE_TOLERANT; mode++) {
		struct pcap_reader_opts o = { .mode = (enum trace_mode)mode, .skip_outgoing = true };
		struct trace_diags d;
		struct pcap_reader *r;
		struct pcap_pkt pk;
		FILE *fp = fmemopen((void *)data, size, "rb");
		int rc = 0;
		u32 i;
		u64 skipped = 0;

		if (!fp)
			return 0;
		trace_diags_init(&d);
		r = pcap_reader_open_stream(fp, "fuzz", &o, &d);
		if (!r) {
			CHECK(trace_diags_count(&d, TRACE_ERROR) == 1);
			trace_diags_clear(&d);
			continue;
		}
		while ((rc = pcap_reader_next(r, &pk)) == 1) {
			CHECK(pk.hdr.t.family == FS_AF_INET || pk.hdr.t.family == FS_AF_INET6);
			CHECK(pk.hdr.payload <= pk.hdr.len);
			CHECK(pk.hdr.num_encap <= FS_ENCAP_MAX);
			CHECK(pk.hdr.t.pad == 0);
		}
		CHECK((rc == -1) == (trace_diags_count(&d, TRACE_ERROR) > 0));
		CHECK(mode == TRACE_STRICT || rc == 0);
		for (i = 0; i < PCAP_SKIP__COUNT; i++)
			skipped += pcap_reader_get_stats(r)->skipped[i];
		/* a cut record is counted as truncated without being a record */
		CHECK(pcap_reader_get_stats(r)->decoded + skipped <=
		      pcap_reader_get_stats(r)->records + 1);
		pcap_reader_close(r);
		trace_diags_clear(&d);
	}
	return 0;
}
