/* SPDX-License-Identifier: MIT */
/*
 * qdisc.c - the qdisc registry and factory, tc-style parameter parsing, and the generic
 * wrappers that keep the common statistics (arrivals, departures, sojourn times, drops).
 *
 * Invariants: stats.backlog_* always equal the sum over queued packets (implementations
 * call qdisc_backlog_add/sub as packets enter and leave); every packet given to
 * qdisc_enqueue() leaves exactly once, by qdisc_dequeue() or by the drop callback.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdisc.h"

const struct qdisc_ops *const qdisc_kinds[] = {
	&qdisc_pfifo_ops,
	&qdisc_fq_codel_ops,
	&qdisc_htb_ops,
	&qdisc_cake_ops,
	NULL,
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const struct qdisc_ops *qdisc_find_ops(const char *kind)
{
	int i;

	for (i = 0; kind && qdisc_kinds[i]; i++)
		if (!strcmp(qdisc_kinds[i]->kind, kind))
			return qdisc_kinds[i];
	return NULL;
}

static int unknown_kind(const char *kind, char *err, size_t errlen)
{
	return fail(err, errlen, "unknown qdisc \"%s\" (expected pfifo, fq_codel, htb or cake)",
		    kind ? kind : "(null)");
}

int qdisc_params_init(struct qdisc_params *p, const char *kind, char *err, size_t errlen)
{
	if (!qdisc_find_ops(kind))
		return unknown_kind(kind, err, errlen);
	memset(p, 0, sizeof(*p));
	p->mtu = 1514;
	p->quantum = 1514;
	p->flows = 1024;
	p->target_ns = 5000000;
	p->interval_ns = 100000000;
	p->ce_threshold_ns = QDISC_TIME_NEVER;
	p->drop_batch = 64;
	p->ecn = true;
	if (!strcmp(kind, "pfifo")) {
		p->limit = 1000;        /* tx_queue_len of an Ethernet device */
	} else if (!strcmp(kind, "fq_codel") || !strcmp(kind, "htb")) {
		/* htb: its fq_codel leaf's defaults; rate has none (required), burst 0 means
		 * tc's default, see qdisc_htb.c */
		p->limit = 10240;
		p->memory_limit = 32u << 20;
	} else {
		p->limit = 10240;
		p->memory_limit = 0;    /* automatic, see qdisc_cake.c */
	}
	return 0;
}

/* ---------------------------------------------------------------- units */

static int parse_u64(const char *s, u64 *out, const char **rest)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	*out = v;
	*rest = end;
	return 0;
}

/* A decimal number with optional fraction, scaled by `mult` exactly for integer parts. */
static int parse_scaled(const char *s, u64 mult_num, u64 *out, const char **rest)
{
	u64 ip, frac = 0, fdiv = 1;
	const char *r;

	if (parse_u64(s, &ip, &r))
		return -1;
	if (*r == '.') {
		r++;
		while (*r >= '0' && *r <= '9') {
			if (fdiv < 1000000000ULL) {
				frac = frac * 10 + (u64)(*r - '0');
				fdiv *= 10;
			}
			r++;
		}
	}
	if (ip && mult_num > ~0ULL / ip)
		return -1;
	*out = ip * mult_num + frac * mult_num / fdiv;
	*rest = r;
	return 0;
}

struct unit {
	const char *name;
	u64 mult;
};

static int parse_with_units(const char *s, const struct unit *units, u64 bare_mult, u64 *out)
{
	u64 ip;
	const char *r;
	int i;

	if (parse_u64(s, &ip, &r))
		return -1;
	/* find the unit suffix after the number */
	r = s;
	while ((*r >= '0' && *r <= '9') || *r == '.')
		r++;
	if (!*r)
		return parse_scaled(s, bare_mult, out, &r);
	for (i = 0; units[i].name; i++) {
		if (!strcasecmp(r, units[i].name)) {
			const char *rest;

			return parse_scaled(s, units[i].mult, out, &rest);
		}
	}
	return -1;
}

/* tc time: bare numbers are microseconds */
static int parse_time(const char *s, u64 *ns)
{
	static const struct unit units[] = {
		{ "ns", 1 }, { "nsec", 1 }, { "us", 1000 }, { "usec", 1000 },
		{ "ms", 1000000 }, { "msec", 1000000 }, { "s", 1000000000 },
		{ "sec", 1000000000 }, { "secs", 1000000000 }, { NULL, 0 },
	};

	return parse_with_units(s, units, 1000, ns);
}

/* tc rate: bare numbers and "bit" are bits per second; "bps" is bytes per second */
static int parse_rate(const char *s, u64 *bps)
{
	static const struct unit units[] = {
		{ "bit", 1 }, { "kbit", 1000 }, { "mbit", 1000000 }, { "gbit", 1000000000 },
		{ "tbit", 1000000000000ULL }, { "bps", 8 }, { "kbps", 8000 },
		{ "mbps", 8000000 }, { "gbps", 8000000000ULL }, { NULL, 0 },
	};

	return parse_with_units(s, units, 1, bps);
}

/* tc size: bare numbers are bytes; k/m/g are binary multiples; kbit etc. are bits */
static int parse_size(const char *s, u64 *bytes)
{
	static const struct unit units[] = {
		{ "b", 1 }, { "k", 1024 }, { "kb", 1024 }, { "m", 1 << 20 }, { "mb", 1 << 20 },
		{ "g", 1 << 30 }, { "gb", 1 << 30 }, { NULL, 0 },
	};

	return parse_with_units(s, units, 1, bytes);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------- options */

struct cake_framing {
	const char *name;
	s32 add;
	s32 mpu;           /* -1: unchanged */
	int atm;           /* -1: unchanged */
};

/* tc-cake(8) / iproute2 q_cake.c keywords: bytes added to the overhead, mpu, cell mode */
static const struct cake_framing cake_framings[] = {
	{ "ipoa-vcmux", 8, -1, QDISC_ATM_ATM },
	{ "ipoa-llcsnap", 16, -1, QDISC_ATM_ATM },
	{ "bridged-vcmux", 24, -1, QDISC_ATM_ATM },
	{ "bridged-llcsnap", 32, -1, QDISC_ATM_ATM },
	{ "pppoa-vcmux", 10, -1, QDISC_ATM_ATM },
	{ "pppoa-llc", 14, -1, QDISC_ATM_ATM },
	{ "pppoe-vcmux", 32, -1, QDISC_ATM_ATM },
	{ "pppoe-llcsnap", 40, -1, QDISC_ATM_ATM },
	{ "pppoe-ptm", 30, -1, QDISC_ATM_PTM },
	{ "bridged-ptm", 22, -1, QDISC_ATM_PTM },
	{ "ethernet", 38, 84, -1 },
	{ "ether-vlan", 4, -1, -1 },
	{ "docsis", 18, 64, QDISC_ATM_NONE },
	{ NULL, 0, 0, 0 },
};

/* cake RTT presets (target us, interval us) */
static const struct {
	const char *name;
	u64 target_us;
	u64 interval_us;
} cake_presets[] = {
	{ "datacentre", 5, 100 }, { "lan", 50, 1000 }, { "metro", 500, 10000 },
	{ "regional", 1500, 30000 }, { "internet", 5000, 100000 },
	{ "oceanic", 15000, 300000 }, { "satellite", 50000, 1000000 },
	{ "interplanetary", 50000000, 1000000000 },
};

/* accepted cake keywords with no effect in this model (see qdisc.h) */
static const char *const cake_accepted[] = {
	"besteffort", "diffserv3", "diffserv4", "diffserv8", "diffserv", "precedence",
	"flows", "srchost", "dsthost", "hosts", "dual-srchost", "dual-dsthost",
	"triple-isolate", "nat", "nonat", "wash", "nowash", "split-gso", "no-split-gso",
	"no-ack-filter", "via-ethernet", NULL,
};

/* keywords (the first three take no value, fwmark takes a mask) */
static const char *const cake_unsupported[] = {
	"ack-filter", "ack-filter-aggressive", "autorate-ingress", "fwmark", NULL,
};

static bool in_list(const char *const *list, const char *key)
{
	int i;

	for (i = 0; list[i]; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

bool qdisc_param_is_flag(const char *kind, const char *key)
{
	size_t i;

	if (!kind || !key)
		return false;
	if (!strcmp(kind, "fq_codel") || !strcmp(kind, "htb"))
		return !strcmp(key, "ecn") || !strcmp(key, "noecn");
	if (strcmp(kind, "cake"))
		return false;
	if ((in_list(cake_unsupported, key) && strcmp(key, "fwmark")) ||
	    in_list(cake_accepted, key) || !strcmp(key, "unlimited") || !strcmp(key, "raw") ||
	    !strcmp(key, "conservative") || !strcmp(key, "atm") || !strcmp(key, "ptm") ||
	    !strcmp(key, "noatm") || !strcmp(key, "flowblind") || !strcmp(key, "ingress") ||
	    !strcmp(key, "egress"))
		return true;
	for (i = 0; cake_framings[i].name; i++)
		if (!strcmp(cake_framings[i].name, key))
			return true;
	for (i = 0; i < FS_ARRAY_SIZE(cake_presets); i++)
		if (!strcmp(cake_presets[i].name, key))
			return true;
	return false;
}

#define NEED_VALUE()                                                                    \
	do {                                                                            \
		if (!value)                                                             \
			return fail(err, errlen, "%s: option \"%s\" needs a value", kind, key); \
	} while (0)

static int bad(char *err, size_t errlen, const char *kind, const char *key, const char *value,
	       const char *expected)
{
	return fail(err, errlen, "%s: option \"%s\": expected %s, got \"%s\"", kind, key,
		    expected, value);
}

static int set_common(struct qdisc_params *p, const char *kind, const char *key,
		      const char *value, char *err, size_t errlen, bool *done)
{
	u64 v;
	const char *r;

	*done = true;
	if (!strcmp(key, "limit")) {
		NEED_VALUE();
		if (parse_u64(value, &v, &r) || *r || !v || v > 0x7fffffff)
			return bad(err, errlen, kind, key, value, "a packet count 1..2147483647");
		p->limit = (u32)v;
		return 0;
	}
	if (!strcmp(key, "mtu")) {
		NEED_VALUE();
		if (parse_u64(value, &v, &r) || *r || v < 68 || v > 65536)
			return bad(err, errlen, kind, key, value, "a byte count 68..65536");
		p->mtu = (u32)v;
		return 0;
	}
	if (!strcmp(key, "seed") || !strcmp(key, "stream")) {
		NEED_VALUE();
		if (parse_u64(value, &v, &r) || *r)
			return bad(err, errlen, kind, key, value, "an unsigned integer");
		if (!strcmp(key, "seed"))
			p->seed = v;
		else
			p->stream = v;
		return 0;
	}
	*done = false;
	return 0;
}

static int set_fq_codel(struct qdisc_params *p, const char *kind, const char *key,
			const char *value, char *err, size_t errlen)
{
	u64 v;
	const char *r;

	if (!strcmp(key, "ecn") || !strcmp(key, "noecn")) {
		if (value)
			return fail(err, errlen, "%s: option \"%s\" takes no value", kind, key);
		p->ecn = !strcmp(key, "ecn");
		return 0;
	}
	NEED_VALUE();
	if (!strcmp(key, "flows")) {
		if (parse_u64(value, &v, &r) || *r || !v || v > 65536)
			return bad(err, errlen, kind, key, value, "a flow count 1..65536");
		p->flows = (u32)v;
	} else if (!strcmp(key, "quantum")) {
		if (parse_u64(value, &v, &r) || *r || v > 0x7fffffff)
			return bad(err, errlen, kind, key, value, "a byte count");
		p->quantum = v < 256 ? 256 : (u32)v; /* fq_codel_change(): max(256, quantum) */
	} else if (!strcmp(key, "target") || !strcmp(key, "interval") ||
		   !strcmp(key, "ce_threshold")) {
		if (parse_time(value, &v) || !v)
			return bad(err, errlen, kind, key, value, "a time such as 5ms or 100us");
		if (!strcmp(key, "target"))
			p->target_ns = v;
		else if (!strcmp(key, "interval"))
			p->interval_ns = v;
		else
			p->ce_threshold_ns = v;
	} else if (!strcmp(key, "memory_limit")) {
		if (parse_size(value, &v) || !v)
			return bad(err, errlen, kind, key, value, "a size such as 32Mb or 4096");
		p->memory_limit = v > (1u << 31) ? 1u << 31 : (u32)v;
	} else if (!strcmp(key, "drop_batch")) {
		if (parse_u64(value, &v, &r) || *r || !v || v > 0xffff)
			return bad(err, errlen, kind, key, value, "a packet count 1..65535");
		p->drop_batch = (u32)v;
	} else {
		return fail(err, errlen, "%s: unknown option \"%s\"", kind, key);
	}
	return 0;
}

/* Per-packet framing compensation, cake's and tc-stab's alike: "overhead" bytes added
 * (-64..256) and the "mpu" minimum packet unit (0..256). */
static int set_framing(struct qdisc_params *p, const char *kind, const char *key,
		       const char *value, char *err, size_t errlen)
{
	long l;

	if (!strcmp(key, "overhead")) {
		if (parse_int(value, -64, 256, &l))
			return bad(err, errlen, kind, key, value, "an integer -64..256");
		p->overhead = (s32)l;
		p->overhead_set = true;
		return 0;
	}
	if (parse_int(value, 0, 256, &l))
		return bad(err, errlen, kind, key, value, "an integer 0..256");
	p->mpu = (u32)l;
	return 0;
}

static int set_cake(struct qdisc_params *p, const char *kind, const char *key,
		    const char *value, char *err, size_t errlen)
{
	u64 v;
	size_t i;

	if (in_list(cake_unsupported, key))
		return fail(err, errlen, "%s: option \"%s\" is not modelled by this simulator",
			    kind, key);
	if (qdisc_param_is_flag(kind, key) && value)
		return fail(err, errlen, "%s: option \"%s\" takes no value", kind, key);
	if (in_list(cake_accepted, key))
		return 0;
	for (i = 0; cake_framings[i].name; i++) {
		const struct cake_framing *f = &cake_framings[i];

		if (strcmp(f->name, key))
			continue;
		p->overhead += f->add;
		p->overhead_set = true;
		if (f->mpu >= 0)
			p->mpu = (u32)f->mpu;
		if (f->atm >= 0)
			p->atm = (enum qdisc_atm_mode)f->atm;
		return 0;
	}
	for (i = 0; i < FS_ARRAY_SIZE(cake_presets); i++) {
		if (!strcmp(cake_presets[i].name, key)) {
			p->target_ns = cake_presets[i].target_us * 1000;
			p->interval_ns = cake_presets[i].interval_us * 1000;
			return 0;
		}
	}
	if (!strcmp(key, "unlimited")) {
		p->rate_bps = 0;
	} else if (!strcmp(key, "flowblind")) {
		p->flowblind = true;
	} else if (!strcmp(key, "ingress") || !strcmp(key, "egress")) {
		/* q_cake.c: the last of the two wins */
		p->ingress = !strcmp(key, "ingress");
	} else if (!strcmp(key, "raw")) {
		p->atm = QDISC_ATM_NONE;
		p->overhead = 0;
		p->overhead_set = false;
	} else if (!strcmp(key, "conservative")) {
		p->atm = QDISC_ATM_ATM;
		p->overhead = 48;
		p->overhead_set = true;
	} else if (!strcmp(key, "atm")) {
		p->atm = QDISC_ATM_ATM;
	} else if (!strcmp(key, "ptm")) {
		p->atm = QDISC_ATM_PTM;
	} else if (!strcmp(key, "noatm")) {
		p->atm = QDISC_ATM_NONE;
	} else {
		NEED_VALUE();
		if (!strcmp(key, "bandwidth")) {
			if (parse_rate(value, &v))
				return bad(err, errlen, kind, key, value,
					   "a rate such as 100mbit or 12500kbps");
			p->rate_bps = v;
		} else if (!strcmp(key, "rtt")) {
			if (parse_time(value, &v) || !v)
				return bad(err, errlen, kind, key, value, "a time such as 100ms");
			/* q_cake.c: target = rtt / 20, at least 1 us */
			p->interval_ns = v;
			p->target_ns = v / 20 < 1000 ? 1000 : v / 20;
		} else if (!strcmp(key, "overhead") || !strcmp(key, "mpu")) {
			return set_framing(p, kind, key, value, err, errlen);
		} else if (!strcmp(key, "memlimit")) {
			if (parse_size(value, &v) || !v || v > 0xffffffffULL)
				return bad(err, errlen, kind, key, value, "a size such as 4Mb");
			p->memory_limit = (u32)v;
		} else {
			return fail(err, errlen, "%s: unknown option \"%s\"", kind, key);
		}
	}
	return 0;
}

/*
 * htb: the class options of tc's q_htb.c that make sense for one class with rate = ceil,
 * the root's tc-stab options (tc_stab.c), and the fq_codel options of its leaf.
 */
static int set_htb(struct qdisc_params *p, const char *kind, const char *key,
		   const char *value, char *err, size_t errlen)
{
	u64 v;

	if (strcmp(key, "rate") && strcmp(key, "bandwidth") && strcmp(key, "burst") &&
	    strcmp(key, "overhead") && strcmp(key, "mpu") && strcmp(key, "linklayer"))
		return set_fq_codel(p, kind, key, value, err, errlen);
	NEED_VALUE();
	if (!strcmp(key, "rate") || !strcmp(key, "bandwidth")) {
		/* tc's get_rate64() keeps bytes per second: below 8 bit/s nothing is left */
		if (parse_rate(value, &v) || v < 8)
			return bad(err, errlen, kind, key, value,
				   "a rate such as 100mbit or 12500kbps");
		p->rate_bps = v;
	} else if (!strcmp(key, "burst")) {
		if (parse_size(value, &v) || !v || v > 0xffffffffULL)
			return bad(err, errlen, kind, key, value,
				   "a size in bytes such as 62500 or 61Kb");
		p->burst = (u32)v;
	} else if (!strcmp(key, "overhead") || !strcmp(key, "mpu")) {
		return set_framing(p, kind, key, value, err, errlen);
	} else {
		/* tc_util.c get_linklayer(), plus this simulator's ptm (see qdisc.h) */
		if (!strcmp(value, "ethernet"))
			p->atm = QDISC_ATM_NONE;
		else if (!strcmp(value, "atm") || !strcmp(value, "adsl"))
			p->atm = QDISC_ATM_ATM;
		else if (!strcmp(value, "ptm"))
			p->atm = QDISC_ATM_PTM;
		else
			return bad(err, errlen, kind, key, value, "ethernet, atm, adsl or ptm");
	}
	return 0;
}

int qdisc_params_set(struct qdisc_params *p, const char *kind, const char *key,
		     const char *value, char *err, size_t errlen)
{
	bool done;
	int ret;

	if (!qdisc_find_ops(kind))
		return unknown_kind(kind, err, errlen);
	if (!key)
		return fail(err, errlen, "%s: missing option name", kind);
	ret = set_common(p, kind, key, value, err, errlen, &done);
	if (done)
		return ret;
	if (!strcmp(kind, "fq_codel"))
		return set_fq_codel(p, kind, key, value, err, errlen);
	if (!strcmp(kind, "cake"))
		return set_cake(p, kind, key, value, err, errlen);
	if (!strcmp(kind, "htb"))
		return set_htb(p, kind, key, value, err, errlen);
	return fail(err, errlen, "%s: unknown option \"%s\"", kind, key);
}

int qdisc_params_parse(struct qdisc_params *p, const char *kind, int argc,
		       const char *const *argv, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *value = NULL;

		if (!qdisc_param_is_flag(kind, argv[i])) {
			if (i + 1 >= argc)
				return fail(err, errlen, "%s: option \"%s\" needs a value", kind,
					    argv[i]);
			value = argv[++i];
		}
		if (qdisc_params_set(p, kind, argv[i - (value ? 1 : 0)], value, err, errlen))
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- lifecycle */

struct qdisc *qdisc_create(const char *kind, const struct qdisc_params *p, qdisc_drop_fn drop,
			   void *drop_ctx, char *err, size_t errlen)
{
	const struct qdisc_ops *ops = qdisc_find_ops(kind);
	struct qdisc *q;

	if (!ops) {
		unknown_kind(kind, err, errlen);
		return NULL;
	}
	if (!drop) {
		fail(err, errlen, "%s: a drop callback is required", kind);
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		fail(err, errlen, "%s: out of memory", kind);
		return NULL;
	}
	if (p)
		q->params = *p;
	else
		qdisc_params_init(&q->params, kind, NULL, 0);
	q->ops = ops;
	q->drop = drop;
	q->drop_ctx = drop_ctx;
	q->priv = calloc(1, ops->priv_size);
	if (!q->priv) {
		fail(err, errlen, "%s: out of memory", kind);
		free(q);
		return NULL;
	}
	if (ops->init(q, &q->params, err, errlen)) {
		free(q->priv);
		free(q);
		return NULL;
	}
	return q;
}

static void check_drop(void *ctx, struct qdisc_pkt *pkt, enum qdisc_drop_reason why, u64 now)
{
	/* never called: the qdisc built by qdisc_params_check() holds no packet */
}

int qdisc_params_check(const struct qdisc_params *p, const char *kind, char *err,
		       size_t errlen)
{
	struct qdisc *q = qdisc_create(kind, p, check_drop, NULL, err, errlen);

	if (!q)
		return -1;
	qdisc_destroy(q, 0);
	return 0;
}

void qdisc_destroy(struct qdisc *q, u64 now)
{
	if (!q)
		return;
	q->ops->reset(q, now);
	q->ops->destroy(q);
	free(q->priv);
	free(q);
}

enum qdisc_verdict qdisc_enqueue(struct qdisc *q, struct qdisc_pkt *pkt, u64 now)
{
	pkt->enq_time = now;
	pkt->next = NULL;
	q->stats.arrivals++;
	q->stats.arrival_bytes += pkt->len;
	return q->ops->enqueue(q, pkt, now);
}

static unsigned int sojourn_bucket(u64 ns)
{
	u64 us = ns / 1000;
	unsigned int b;

	if (us < 2)
		return 0;
	b = (unsigned int)(63 - __builtin_clzll(us));
	return b < QDISC_SOJOURN_BUCKETS ? b : QDISC_SOJOURN_BUCKETS - 1;
}

struct qdisc_pkt *qdisc_dequeue(struct qdisc *q, u64 now)
{
	struct qdisc_pkt *pkt = q->ops->dequeue(q, now);
	u64 sojourn;

	if (!pkt)
		return NULL;
	pkt->next = NULL;
	sojourn = now - pkt->enq_time;
	q->stats.sent_pkts++;
	q->stats.sent_bytes += pkt->len;
	q->stats.sojourn_sum_ns += sojourn;
	q->stats.last_sojourn_ns = sojourn;
	if (sojourn > q->stats.sojourn_max_ns)
		q->stats.sojourn_max_ns = sojourn;
	q->stats.sojourn_hist[sojourn_bucket(sojourn)]++;
	return pkt;
}

u64 qdisc_next_time(struct qdisc *q, u64 now)
{
	return q->ops->next_time(q, now);
}

void qdisc_reset(struct qdisc *q, u64 now)
{
	q->ops->reset(q, now);
}

/* ---------------------------------------------------------------- helpers */

void qdisc_backlog_add(struct qdisc *q, const struct qdisc_pkt *pkt, u32 truesize)
{
	struct qdisc_stats *st = &q->stats;

	st->backlog_pkts++;
	st->backlog_bytes += pkt->len;
	st->memory_usage += truesize;
	if (st->backlog_pkts > st->max_backlog_pkts)
		st->max_backlog_pkts = st->backlog_pkts;
	if (st->backlog_bytes > st->max_backlog_bytes)
		st->max_backlog_bytes = st->backlog_bytes;
}

void qdisc_backlog_sub(struct qdisc *q, const struct qdisc_pkt *pkt, u32 truesize)
{
	q->stats.backlog_pkts--;
	q->stats.backlog_bytes -= pkt->len;
	q->stats.memory_usage -= truesize;
}

void qdisc_drop_pkt(struct qdisc *q, struct qdisc_pkt *pkt, enum qdisc_drop_reason why,
		    u64 now)
{
	struct qdisc_stats *st = &q->stats;

	pkt->next = NULL;
	st->dropped_pkts++;
	st->dropped_bytes += pkt->len;
	switch (why) {
	case QDISC_DROP_OVERMEMORY:
		st->drops_overmemory++;
		st->drops_overlimit++;
		break;
	case QDISC_DROP_OVERLIMIT:
		st->drops_overlimit++;
		break;
	case QDISC_DROP_AQM:
		st->drops_aqm++;
		break;
	case QDISC_DROP_FLUSH:
		break;
	}
	q->drop(q->drop_ctx, pkt, why, now);
}

bool qdisc_pkt_set_ce(struct qdisc_pkt *pkt)
{
	if (pkt->ecn == QDISC_ECN_NOT_ECT)
		return false;
	pkt->ecn = QDISC_ECN_CE;
	return true;
}

u32 qdisc_truesize(u32 len)
{
	/* SKB_TRUESIZE(): data (with NET_SKB_PAD headroom) and skb_shared_info aligned to
	 * cache lines, plus struct sk_buff; about 2.2 KB for a 1514-byte frame */
	return ((len + 64 + 63) & ~63u) + 320 + 256;
}
