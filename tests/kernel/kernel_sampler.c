/* SPDX-License-Identifier: MIT */
/*
 * kernel_sampler.c - the guest-side clock and sampler of the kernel reference test.
 *
 * Runs inside the test VM (tests/kernel/guest-init.sh); built on the host and copied into
 * the initramfs together with the host's libc (same architecture, same Debian release).
 *
 *   kernel_sampler stamp LABEL
 *       print one line "LABEL boottime=S.NNNNNNNNN realtime=S.NNNNNNNNN": the two clocks
 *       read back to back, so the host can map /proc/uptime-style times (CLOCK_BOOTTIME)
 *       onto the pcap's time stamps (CLOCK_REALTIME, which skb time stamps use).
 *
 *   kernel_sampler sample --netns FILE --period MS --stop FILE SRC=OUT [SRC=OUT...]
 *       enter the network namespace FILE (setns, so /proc/net/... is that namespace's while
 *       the mount namespace - and so debugfs - stays the caller's), then every MS
 *       milliseconds on an absolute CLOCK_BOOTTIME schedule append to each OUT
 *         "# sample N boottime=S.NNNNNNNNN realtime=S.NNNNNNNNN"
 *       followed by the whole text of SRC (a missing or unreadable SRC gives the header
 *       and a "# unavailable: ERRNO-TEXT" line), until the file FILE given to --stop exists.
 *       The header's clocks are read before the copies, so a sample's time is when its
 *       reading started (as the bundle collector's `uptime` field).
 *
 *   kernel_sampler send-udp SPORT DST DPORT COUNT GAP_MS
 *       send COUNT one-byte UDP datagrams from local port SPORT to DST:DPORT, GAP_MS apart
 *       (busybox nc has no UDP mode).
 *
 *   kernel_sampler connect-tcp SPORT DST DPORT WAIT_MS
 *       start a TCP connection from local port SPORT to DST:DPORT without waiting for it
 *       (non-blocking connect), keep the socket WAIT_MS, then close it; prints what became
 *       of the connect (established, refused, pending).  The kernel retransmits the SYN
 *       meanwhile, as any client would.
 *
 * Why C and not a busybox loop: busybox `date` has no sub-second format, and a shell loop
 * that forks cat twice per sample drifts under TCG; a period of 100 ms needs both.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 4

struct source {
	const char *src;
	const char *out;
	FILE *fp;
};

static void read_clocks(struct timespec *boot, struct timespec *real)
{
	clock_gettime(CLOCK_BOOTTIME, boot);
	clock_gettime(CLOCK_REALTIME, real);
}

static int cmd_stamp(const char *label)
{
	struct timespec b, r;

	read_clocks(&b, &r);
	printf("%s boottime=%lld.%09ld realtime=%lld.%09ld\n", label, (long long)b.tv_sec,
	       b.tv_nsec, (long long)r.tv_sec, r.tv_nsec);
	return fflush(stdout) == 0 ? 0 : 1;
}

static void copy_source(FILE *out, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(out, "# unavailable: %s\n", strerror(errno));
		return;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(out, "\n# read error: %s\n", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
	}
	close(fd);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: kernel_sampler stamp LABEL\n"
		"       kernel_sampler sample --netns FILE --period MS --stop FILE SRC=OUT...\n"
		"       kernel_sampler send-udp SPORT DST DPORT COUNT GAP_MS\n"
		"       kernel_sampler connect-tcp SPORT DST DPORT WAIT_MS\n");
	return 2;
}

static long number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, "kernel_sampler: %s: expected %ld..%ld, got '%s'\n", what, lo, hi, s);
		exit(2);
	}
	return v;
}

/* A socket of `type` bound to local port `sport`, and the peer address. */
static int bound_socket(int type, const char *sport, const char *dst, const char *dport,
			struct sockaddr_in *peer)
{
	struct sockaddr_in local = { .sin_family = AF_INET };
	int one = 1, fd;

	memset(peer, 0, sizeof(*peer));
	peer->sin_family = AF_INET;
	peer->sin_port = htons((unsigned short)number(dport, 1, 65535, "DPORT"));
	if (inet_pton(AF_INET, dst, &peer->sin_addr) != 1) {
		fprintf(stderr, "kernel_sampler: DST: expected an IPv4 address, got '%s'\n", dst);
		exit(2);
	}
	local.sin_port = htons((unsigned short)number(sport, 1, 65535, "SPORT"));
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		fprintf(stderr, "kernel_sampler: socket/bind to port %s: %s\n", sport, strerror(errno));
		exit(1);
	}
	return fd;
}

static int cmd_send_udp(char **argv)
{
	struct sockaddr_in peer;
	int fd = bound_socket(SOCK_DGRAM, argv[0], argv[1], argv[2], &peer);
	long count = number(argv[3], 1, 100000, "COUNT");
	long gap = number(argv[4], 0, 60000, "GAP_MS");
	long i;

	for (i = 0; i < count; i++) {
		struct timespec ts = { gap / 1000, (gap % 1000) * 1000000L };

		if (i)
			nanosleep(&ts, NULL);
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer)) != 1) {
			fprintf(stderr, "kernel_sampler: sendto: %s\n", strerror(errno));
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int cmd_connect_tcp(char **argv)
{
	struct sockaddr_in peer;
	int fd = bound_socket(SOCK_STREAM | SOCK_NONBLOCK, argv[0], argv[1], argv[2], &peer);
	long wait_ms = number(argv[3], 0, 600000, "WAIT_MS");
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);
	const char *what = "pending";
	struct timespec t0, t1;
	long left;

	if (connect(fd, (struct sockaddr *)&peer, sizeof(peer)) < 0 && errno != EINPROGRESS) {
		fprintf(stderr, "kernel_sampler: connect: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (poll(&p, 1, (int)wait_ms) == 1) {
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		what = err ? strerror(err) : "established";
		/* Whatever happened, keep the socket for the rest of the time asked for. */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = wait_ms - ((t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L);
		if (left > 0) {
			struct timespec ts = { left / 1000, (left % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	printf("connect-tcp %s:%s from port %s: %s\n", argv[1], argv[2], argv[0], what);
	close(fd);
	return 0;
}

static int cmd_sample(int argc, char **argv)
{
	struct source src[MAX_SOURCES];
	const char *netns = NULL, *stop = NULL;
	struct timespec next, b, r;
	long period_ms = 0;
	int nsrc = 0, i, fd;
	unsigned long n;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			netns = argv[++i];
		} else if (!strcmp(argv[i], "--stop") && i + 1 < argc) {
			stop = argv[++i];
		} else if (!strcmp(argv[i], "--period") && i + 1 < argc) {
			char *end;

			period_ms = strtol(argv[++i], &end, 10);
			if (*end || period_ms < 10 || period_ms > 10000) {
				fprintf(stderr, "kernel_sampler: --period: expected 10..10000 ms, got '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (strchr(argv[i], '=') && nsrc < MAX_SOURCES) {
			char *eq = strchr(argv[i], '=');

			*eq = '\0';
			src[nsrc].src = argv[i];
			src[nsrc].out = eq + 1;
			nsrc++;
		} else {
			return usage();
		}
	}
	if (!stop || !period_ms || !nsrc)
		return usage();

	if (netns) {
		fd = open(netns, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
			fprintf(stderr, "kernel_sampler: cannot enter network namespace %s: %s\n", netns,
				strerror(errno));
			return 1;
		}
		close(fd);
	}
	for (i = 0; i < nsrc; i++) {
		src[i].fp = fopen(src[i].out, "a");
		if (!src[i].fp) {
			fprintf(stderr, "kernel_sampler: cannot write %s: %s\n", src[i].out,
				strerror(errno));
			return 1;
		}
	}

	clock_gettime(CLOCK_BOOTTIME, &next);
	for (n = 1; access(stop, F_OK) != 0; n++) {
		read_clocks(&b, &r);
		for (i = 0; i < nsrc; i++) {
			fprintf(src[i].fp, "# sample %lu boottime=%lld.%09ld realtime=%lld.%09ld\n", n,
				(long long)b.tv_sec, b.tv_nsec, (long long)r.tv_sec, r.tv_nsec);
			copy_source(src[i].fp, src[i].src);
			fflush(src[i].fp);
		}
		next.tv_nsec += period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		/* Late (a starved vCPU): skip the missed slots rather than burst. */
		clock_gettime(CLOCK_BOOTTIME, &b);
		while (b.tv_sec > next.tv_sec || (b.tv_sec == next.tv_sec && b.tv_nsec > next.tv_nsec)) {
			next.tv_nsec += period_ms * 1000000L;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
		}
		while (clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	for (i = 0; i < nsrc; i++)
		if (fclose(src[i].fp) != 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "stamp"))
		return cmd_stamp(argv[2]);
	if (argc == 7 && !strcmp(argv[1], "send-udp"))
		return cmd_send_udp(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "connect-tcp"))
		return cmd_connect_tcp(argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "sample"))
		return cmd_sample(argc - 2, argv + 2);
	return usage();
}
