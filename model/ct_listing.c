/* SPDX-License-Identifier: MIT */
/* ct_listing.c - conntrack text formats; see ct_listing.h for what differs between them. */
#include "ct_listing.h"


struct out {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

static void put(struct out *o, const char *fmt_done, int n)
{
	(void)fmt_done;
	if (n < 0 || o->len + (size_t)n >= o->size) {
		o->overflow = true;
		o->len = o->size ? o->size - 1 : 0;
		return;
	}
	o->len += (size_t)n;
}

#define PUTF(o, ...)                                                                  \
	put((o), NULL, fs_snprintf((o)->buf + (o)->len,                               \
				   (o)->overflow ? 0 : (o)->size - (o)->len, __VA_ARGS__))

static void put_addr(struct out *o, u8 family, const union fs_addr *a, bool full6)
{
	char tmp[48];

	if (family == FS_AF_INET6 && full6)
		fs_addr_format_full6(tmp, sizeof(tmp), a);
	else
		fs_addr_format(tmp, sizeof(tmp), family, a);
	PUTF(o, "%s", tmp);
}

static void put_tuple(struct out *o, const struct fs_tuple *t, bool full6)
{
	PUTF(o, "src=");
	put_addr(o, t->family, &t->src, full6);
	PUTF(o, " dst=");
	put_addr(o, t->family, &t->dst, full6);
	PUTF(o, " ");
	switch (t->proto) {
	case FS_IPPROTO_TCP:
	case FS_IPPROTO_UDP:
		PUTF(o, "sport=%u dport=%u ", t->sport, t->dport);
		break;
	case FS_IPPROTO_ICMP:
	case FS_IPPROTO_ICMPV6:
		PUTF(o, "type=%u code=%u id=%u ", t->dport >> 8, t->dport & 0xff, t->sport);
		break;
	default:
		break;
	}
}

static void put_l3(struct out *o, u8 family)
{
	PUTF(o, "%-8s %u ", family == FS_AF_INET ? "ipv4" : "ipv6", family);
}

static void put_l4(struct out *o, u8 proto)
{
	PUTF(o, "%-8s %u ", conntrack_proto_name(proto), proto);
}

static void put_acct(struct out *o, const struct conntrack_entry *ct, int dir)
{
	PUTF(o, "packets=%llu bytes=%llu ", (unsigned long long)ct->acct[dir].packets,
	     (unsigned long long)ct->acct[dir].bytes);
}

static void put_flags(struct out *o, u32 status)
{
	if (status & IPS_HW_OFFLOAD)
		PUTF(o, "[HW_OFFLOAD] ");
	else if (status & IPS_OFFLOAD)
		PUTF(o, "[OFFLOAD] ");
	else if (status & IPS_ASSURED)
		PUTF(o, "[ASSURED] ");
}

static int finish(struct out *o)
{
	if (o->overflow)
		return -1;
	o->buf[o->len] = 0;
	return (int)o->len;
}

/* The part every format shares: state?, tuples, counters, UNREPLIED. */
static void put_body(struct out *o, const struct conntrack_entry *ct, bool state, bool acct,
		     bool full6)
{
	const struct fs_tuple *orig = &ct->tuplehash[CT_DIR_ORIGINAL].tuple;

	if (state && orig->proto == FS_IPPROTO_TCP)
		PUTF(o, "%s ", conntrack_tcp_state_name(ct->proto.tcp.state));
	put_tuple(o, orig, full6);
	if (acct)
		put_acct(o, ct, CT_DIR_ORIGINAL);
	if (!(ct->status & IPS_SEEN_REPLY))
		PUTF(o, "[UNREPLIED] ");
	put_tuple(o, &ct->tuplehash[CT_DIR_REPLY].tuple, full6);
	if (acct)
		put_acct(o, ct, CT_DIR_REPLY);
}

int ct_listing_proc_line(const struct conntrack_entry *ct, u64 now,
			 const struct ct_listing_opts *opt, char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	const struct fs_tuple *orig = &ct->tuplehash[CT_DIR_ORIGINAL].tuple;
	bool offload = ct->status & IPS_OFFLOAD;

	put_l3(&o, orig->family);
	put_l4(&o, orig->proto);
	if (!offload)
		PUTF(&o, "%u ", conntrack_remaining_secs(ct, now));
	put_body(&o, ct, !offload, opt->acct, true);
	put_flags(&o, ct->status);
	PUTF(&o, "mark=%u ", ct->mark);
	if (opt->zones)
		PUTF(&o, "zone=0 ");
	/* the seq_file reader holds its own reference while it prints */
	PUTF(&o, "use=%u\n", ct->use + 1u);
	return finish(&o);
}

int ct_listing_cli_line(const struct conntrack_entry *ct, u64 now,
			const struct ct_listing_opts *opt, char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	const struct fs_tuple *orig = &ct->tuplehash[CT_DIR_ORIGINAL].tuple;
	bool offload = ct->status & IPS_OFFLOAD;

	if (opt->extended)
		put_l3(&o, orig->family);
	put_l4(&o, orig->proto);
	/* ctnetlink_dump_info leaves out timeout and protoinfo of offloaded entries */
	if (!offload)
		PUTF(&o, "%u ", conntrack_remaining_secs(ct, now));
	put_body(&o, ct, !offload, opt->acct, false);
	put_flags(&o, ct->status);
	PUTF(&o, "mark=%u ", ct->mark);
	PUTF(&o, "use=%u\n", ct->use);
	return finish(&o);
}

int ct_listing_event_line(const struct fs_event *ev, const struct ct_listing_opts *opt,
			  char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	const struct conntrack_entry *ct = ev->ct;
	const char *type;
	bool destroy = ev->type == FS_EV_CT_DESTROY;
	u32 secs;

	switch (ev->type) {
	case FS_EV_CT_NEW: type = "[NEW]"; break;
	case FS_EV_CT_UPDATE: type = "[UPDATE]"; break;
	case FS_EV_CT_DESTROY: type = "[DESTROY]"; break;
	default: return 0;
	}
	if (!ct)
		return 0;
	/* conntrack.c event_cb: "[%-.8ld.%-.6ld]\t" - zero-padded seconds and microseconds */
	if (opt->timestamp)
		PUTF(&o, "[%.8llu.%.6llu]\t", (unsigned long long)(ev->time / FS_NSEC_PER_SEC),
		     (unsigned long long)(ev->time % FS_NSEC_PER_SEC / 1000));
	PUTF(&o, "%9s ", type);
	if (opt->extended)
		put_l3(&o, ev->orig.family);
	put_l4(&o, ev->orig.proto);
	secs = conntrack_remaining_secs(ct, ev->time);
	if (!destroy && secs)
		PUTF(&o, "%u ", secs);
	put_body(&o, ct,
		 ev->type == FS_EV_CT_NEW || (ev->detail & CT_EVMASK_PROTOINFO),
		 destroy && opt->acct, false);
	if (!destroy)
		put_flags(&o, ct->status);
	if (ct->mark)
		PUTF(&o, "mark=%u ", ct->mark);
	/* libnetfilter_conntrack leaves no trailing blank */
	if (o.len && !o.overflow && buf[o.len - 1] == ' ')
		o.len--;
	PUTF(&o, "\n");
	return finish(&o);
}

struct table_walk {
	struct out *o;
	u64 now;
	enum ct_listing_kind kind;
	const struct ct_listing_opts *opt;
	u32 count;
};

static int table_line(struct conntrack_entry *ct, void *arg)
{
	struct table_walk *w = arg;
	struct out *o = w->o;
	int n;

	if (o->overflow)
		return 1;
	n = w->kind == CT_LISTING_PROC ?
		    ct_listing_proc_line(ct, w->now, w->opt, o->buf + o->len, o->size - o->len) :
		    ct_listing_cli_line(ct, w->now, w->opt, o->buf + o->len, o->size - o->len);
	if (n < 0) {
		o->overflow = true;
		return 1;
	}
	o->len += (size_t)n;
	w->count++;
	return 0;
}

int ct_listing_table(struct conntrack_table *t, u64 now, enum ct_listing_kind kind,
		     const struct ct_listing_opts *opt, char *buf, size_t size)
{
	struct out o = { buf, size, 0, size == 0 };
	struct table_walk w = { &o, now, kind, opt, 0 };

	conntrack_for_each(t, table_line, &w);
	if (kind == CT_LISTING_CLI)
		PUTF(&o, "conntrack v1.4.6 (conntrack-tools): %u flow entries have been shown.\n",
		     w.count);
	return finish(&o);
}
