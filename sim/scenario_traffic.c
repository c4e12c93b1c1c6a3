// SPDX-License-Identifier: MIT
/*
 * scenario_traffic.c - the scenario's traffic: section: one generator per item (tcp_bulk,
 * udp_cbr, udp_flood, p2p_swarm, web, game, voip) between a client and a server host, with
 * its keys, defaults and distributions (constant, exponential, pareto, lognormal, uniform).
 *
 * Invariant after loading: both endpoints resolve and share the traffic's address family,
 * start < stop <= duration, and each key present applies to the traffic's type.
 */
#include "scenario_internal.h"

#include <string.h>

/* ------------------------------------------------------------------ traffic ---- */

static const char *const traffic_common_keys[] = {
	"name", "type", "client", "server", "direction", "ip", "port", "start", "stop",
};
static const char *const *const traffic_type_keys[] = {
	(const char *const[]){ "cc", "count", "bytes", "duration", NULL },          /* tcp_bulk */
	(const char *const[]){ "rate", "size", NULL },                              /* udp_cbr */
	(const char *const[]){ "size", NULL },                                      /* udp_flood */
	(const char *const[]){ "flows", "peers", "peer_prefix", "rate", "churn", "udp_fraction",
			       NULL },                                               /* p2p_swarm */
	(const char *const[]){ "new_flows", "size", NULL },                         /* web */
	(const char *const[]){ "interval", "size", "measure_latency", NULL },       /* game */
	(const char *const[]){ "interval", "size", "measure_latency", NULL },       /* voip */
};
static const char *const traffic_all_keys[] = {
	"name", "type", "client", "server", "direction", "ip", "port", "start", "stop", "cc",
	"count", "bytes", "duration", "rate", "size", "flows", "peers", "peer_prefix", "churn",
	"udp_fraction", "new_flows", "interval", "measure_latency", NULL,
};
static const char *const direction_names[] = { "download", "upload", "both", NULL };
static const char *const cc_names[] = { "cubic", "reno", NULL };
static const char *const dist_names[] = {
	"constant", "exponential", "pareto", "lognormal", "uniform", NULL,
};
static const char *const dist_keys[] = {
	"dist", "value", "mean", "shape", "sigma", "min", "max", NULL,
};

typedef bool (*quantity_fn)(struct yu_diag *d, const struct yu_node *n, const char *what,
			    uint64_t *out);

static bool dist_value(struct scn_loader *l, const struct yu_node *map, const char *key,
		       quantity_fn fn, double *out, bool required, const char *what)
{
	const struct yu_node *v = required ? yu_require(l->d, map, what, key) : yu_get(map, key);
	uint64_t x;

	if (!v)
		return false;
	if (!fn(l->d, v, key, &x))
		return false;
	if (!x) {
		ERR(l, v, "%s: must be greater than zero", key);
		return false;
	}
	*out = (double)x;
	return true;
}

/* A scalar (constant) or {dist: ..., ...}. */
static void load_dist(struct scn_loader *l, const struct yu_node *n, const char *what,
		      quantity_fn fn, struct scn_dist *out)
{
	const struct yu_node *v;
	uint64_t x;
	int kind = -1;

	memset(out, 0, sizeof(*out));
	if (n->kind == YU_SCALAR) {
		if (fn(l->d, n, what, &x)) {
			if (!x)
				ERR(l, n, "%s: must be greater than zero", what);
			out->kind = SCN_DIST_CONSTANT;
			out->mean = (double)x;
		}
		return;
	}
	if (!yu_expect_map(l->d, n, what))
		return;
	yu_check_keys(l->d, n, what, dist_keys);
	v = yu_require(l->d, n, what, "dist");
	if (!v || !yu_enum(l->d, v, "dist", dist_names, &kind))
		return;
	out->kind = (uint8_t)kind;
	switch (kind) {
	case SCN_DIST_CONSTANT:
		dist_value(l, n, "value", fn, &out->mean, true, what);
		break;
	case SCN_DIST_EXPONENTIAL:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		break;
	case SCN_DIST_PARETO:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		v = yu_require(l->d, n, what, "shape");
		if (v && yu_double(l->d, v, "shape", 0, 100, &out->shape) && out->shape <= 1.0)
			ERR(l, v, "shape: a Pareto shape must be above 1 (else the mean is "
			    "infinite), got %s", v->text);
		break;
	case SCN_DIST_LOGNORMAL:
		dist_value(l, n, "mean", fn, &out->mean, true, what);
		v = yu_require(l->d, n, what, "sigma");
		if (v && yu_double(l->d, v, "sigma", 0, 10, &out->shape) && out->shape <= 0)
			ERR(l, v, "sigma: must be greater than zero");
		break;
	case SCN_DIST_UNIFORM:
		if (dist_value(l, n, "min", fn, &out->min, true, what) &&
		    dist_value(l, n, "max", fn, &out->max, true, what) && out->max < out->min)
			ERR(l, yu_get(n, "max"), "max: less than min");
		out->mean = (out->min + out->max) / 2;
		break;
	}
	/* keys of other distributions are unknown here */
	{
		static const char *const used[][3] = {
			{ "value", NULL, NULL }, { "mean", NULL, NULL }, { "mean", "shape", NULL },
			{ "mean", "sigma", NULL }, { "min", "max", NULL },
		};
		uint32_t i;

		for (i = 0; i < n->n_pairs; i++) {
			const char *k = n->pairs[i].key->text;

			if (!strcmp(k, "dist") || !scn_key_in(k, dist_keys, 0))
				continue;
			if ((used[kind][0] && !strcmp(k, used[kind][0])) ||
			    (used[kind][1] && !strcmp(k, used[kind][1])))
				continue;
			ERR(l, n->pairs[i].key, "key '%s' does not apply to a %s distribution", k,
			    dist_names[kind]);
		}
	}
}

static void check_traffic_keys(struct scn_loader *l, const struct yu_node *n, int type)
{
	uint32_t i;

	yu_check_keys(l->d, n, "traffic", traffic_all_keys);
	if (type < 0)
		return;
	for (i = 0; i < n->n_pairs; i++) {
		const struct yu_node *k = n->pairs[i].key;

		if (!scn_key_in(k->text, traffic_all_keys, 0) ||
		    scn_key_in(k->text, traffic_common_keys, G_N_ELEMENTS(traffic_common_keys)) ||
		    scn_key_in(k->text, traffic_type_keys[type], 0))
			continue;
		ERR(l, k, "key '%s' does not apply to traffic of type %s", k->text,
		    scn_traffic_type_names[type]);
	}
}

static bool wrap_rate(struct yu_diag *d, const struct yu_node *n, const char *w, uint64_t *o)
{
	return yu_rate(d, n, w, o);
}

static bool wrap_size(struct yu_diag *d, const struct yu_node *n, const char *w, uint64_t *o)
{
	return yu_size(d, n, w, o);
}

static void endpoint_family(struct scn_loader *l, const struct yu_node *n, struct scn_traffic *t)
{
	const struct scn_host *c = t->client >= 0 ? &l->s->hosts[t->client] : NULL;
	const struct scn_host *sv = t->server >= 0 ? &l->s->hosts[t->server] : NULL;
	const struct yu_node *v = yu_get(n, "ip");
	uint32_t ip = 0;

	if (v && yu_u32(l->d, v, "ip", 4, 6, &ip) && ip != 4 && ip != 6) {
		ERR(l, v, "ip: expected 4 or 6, got '%s'", v->text);
		ip = 0;
	}
	if (!c || !sv)
		return;
	if (!ip)
		ip = (c->has_v4 && sv->has_v4) ? 4 : (c->has_v6 && sv->has_v6) ? 6 : 0;
	if (!ip) {
		ERR(l, n, "traffic '%s': %s and %s share no address family", t->name, c->name,
		    sv->name);
		return;
	}
	t->family = ip == 4 ? FS_AF_INET : FS_AF_INET6;
	if (ip == 4 ? !c->has_v4 : !c->has_v6)
		ERR(l, v ? v : n, "traffic '%s': %s has no IPv%u address", t->name, c->name, ip);
	if (ip == 4 ? !sv->has_v4 : !sv->has_v6)
		ERR(l, v ? v : n, "traffic '%s': %s has no IPv%u address", t->name, sv->name, ip);
}

/* size: of udp_cbr, udp_flood, game and voip: a UDP payload, kept unless valid. */
static void load_udp_size(struct scn_loader *l, const struct yu_node *n, struct scn_traffic *t)
{
	const struct yu_node *v = yu_get(n, "size");
	uint64_t x;

	if (v && yu_size(l->d, v, "size", &x)) {
		if (x < 1 || x > 65507)
			ERR(l, v, "size: a UDP payload is 1..65507 bytes, got %s", v->text);
		else
			t->size = (uint32_t)x;
	}
}

static void load_traffic_item(struct scn_loader *l, const struct yu_node *n, struct scn_traffic *t,
			      uint32_t index)
{
	const struct scenario *s = l->s;
	const struct yu_node *v;
	uint32_t u;
	int type = -1, e;

	t->client = t->server = -1;
	t->line = n->line;
	t->col = n->col;
	v = yu_require(l->d, n, "traffic", "type");
	if (v)
		yu_enum(l->d, v, "type", scn_traffic_type_names, &type);
	check_traffic_keys(l, n, type);
	if (type < 0)
		return;
	t->type = (uint8_t)type;
	v = yu_get(n, "name");
	if (v)
		scn_get_name(l, v, "name", t->name, sizeof(t->name));
	else
		g_snprintf(t->name, sizeof(t->name), "%s-%u", scn_traffic_type_names[type], index);

	v = yu_require(l->d, n, "traffic", "client");
	if (v)
		t->client = scn_find_host(l, v, "client");
	v = yu_require(l->d, n, "traffic", "server");
	if (v)
		t->server = scn_find_host(l, v, "server");
	if (t->client >= 0 && t->client == t->server) {
		ERR(l, v, "server: the client and the server are the same host");
		t->server = -1;
	}
	endpoint_family(l, n, t);

	t->direction = type == SCN_GAME || type == SCN_VOIP || type == SCN_P2P_SWARM ?
			       SCN_BOTH : SCN_DOWNLOAD;
	v = yu_get(n, "direction");
	if (v && yu_enum(l->d, v, "direction", direction_names, &e))
		t->direction = (uint8_t)e;
	v = yu_get(n, "port");
	if (v && yu_u32(l->d, v, "port", 1, 65535, &u))
		t->port = (uint16_t)u;

	t->start_ns = 0;
	t->stop_ns = s->duration_ns;
	v = yu_get(n, "start");
	if (v)
		yu_duration(l->d, v, "start", &t->start_ns);
	v = yu_get(n, "stop");
	if (v)
		yu_duration(l->d, v, "stop", &t->stop_ns);
	if (s->duration_ns && t->stop_ns > s->duration_ns)
		ERR(l, yu_get(n, "stop"), "stop: %s is after the end of the run (duration)",
		    yu_get(n, "stop")->text);
	else if (t->start_ns >= t->stop_ns && (yu_get(n, "start") || yu_get(n, "stop")))
		ERR(l, yu_get(n, "start") ? yu_get(n, "start") : yu_get(n, "stop"),
		    "start: traffic '%s' starts at or after it stops", t->name);

	switch (type) {
	case SCN_TCP_BULK:
		t->cc = SCN_CC_CUBIC;
		v = yu_get(n, "cc");
		if (v && yu_enum(l->d, v, "cc", cc_names, &e))
			t->cc = (uint8_t)e;
		t->count = 1;
		v = yu_get(n, "count");
		if (v)
			yu_u32(l->d, v, "count", 1, 100000, &t->count);
		v = yu_get(n, "bytes");
		if (v && yu_size(l->d, v, "bytes", &t->bytes) && !t->bytes)
			ERR(l, v, "bytes: must be greater than zero");
		v = yu_get(n, "duration");
		if (v && yu_duration(l->d, v, "duration", &t->flow_duration_ns) &&
		    !t->flow_duration_ns)
			ERR(l, v, "duration: must be greater than zero");
		if (yu_get(n, "bytes") && yu_get(n, "duration"))
			ERR(l, yu_get_key(n, "duration"), "tcp_bulk: give either bytes or duration, "
			    "not both");
		break;
	case SCN_UDP_CBR:
		v = yu_require(l->d, n, "udp_cbr", "rate");
		if (v && yu_rate(l->d, v, "rate", &t->rate_bps) && !t->rate_bps)
			ERR(l, v, "rate: must be greater than zero");
		/* fall through */
	case SCN_UDP_FLOOD:
		t->size = 1472;   /* fills a 1500-byte MTU */
		load_udp_size(l, n, t);
		break;
	case SCN_GAME:
	case SCN_VOIP:
		t->interval_ns = 20000000ULL;
		t->size = type == SCN_VOIP ? 172 : 100;   /* G.711 20 ms + RTP; a game tick */
		t->measure_latency = true;
		v = yu_get(n, "interval");
		if (v && yu_duration(l->d, v, "interval", &t->interval_ns) &&
		    (t->interval_ns < 100000ULL || t->interval_ns > 10000000000ULL))
			ERR(l, v, "interval: %s is outside 100us..10s", v->text);
		load_udp_size(l, n, t);
		v = yu_get(n, "measure_latency");
		if (v)
			yu_bool(l->d, v, "measure_latency", &t->measure_latency);
		break;
	case SCN_P2P_SWARM:
		v = yu_require(l->d, n, "p2p_swarm", "flows");
		if (v)
			yu_u32(l->d, v, "flows", 1, 1000000, &t->flows);
		t->peers = t->flows;
		v = yu_get(n, "peers");
		if (v)
			yu_u32(l->d, v, "peers", 1, 1000000, &t->peers);
		v = yu_require(l->d, n, "p2p_swarm", "rate");
		if (v)
			load_dist(l, v, "rate", wrap_rate, &t->flow_rate);
		v = yu_get(n, "churn");
		if (v)
			yu_event_rate(l->d, v, "churn", &t->churn_per_s);
		t->udp_fraction = 0.5;
		v = yu_get(n, "udp_fraction");
		if (v)
			yu_double(l->d, v, "udp_fraction", 0.0, 1.0, &t->udp_fraction);
		v = yu_require(l->d, n, "p2p_swarm", "peer_prefix");
		if (v && scn_parse_prefix(l, v, "peer_prefix", &t->peer_prefix, true)) {
			uint32_t bits = (t->peer_prefix.family == FS_AF_INET ? 32 : 128) -
					t->peer_prefix.plen;

			if (t->family && t->peer_prefix.family != t->family)
				ERR(l, v, "peer_prefix: an IPv%d prefix for IPv%d traffic",
				    t->peer_prefix.family == FS_AF_INET ? 4 : 6,
				    t->family == FS_AF_INET ? 4 : 6);
			else if (bits < 32 && ((1ULL << bits) - 1) < t->peers)
				ERR(l, v, "peer_prefix: %s holds fewer than %u peers", v->text,
				    t->peers);
		}
		break;
	case SCN_WEB:
		v = yu_require(l->d, n, "web", "new_flows");
		if (v && yu_event_rate(l->d, v, "new_flows", &t->new_flows_per_s) &&
		    t->new_flows_per_s <= 0)
			ERR(l, v, "new_flows: must be greater than zero");
		v = yu_require(l->d, n, "web", "size");
		if (v)
			load_dist(l, v, "size", wrap_size, &t->flow_size);
		break;
	}
}

void scn_load_traffic(struct scn_loader *l, const struct yu_node *seq)
{
	struct scenario *s = l->s;
	uint32_t i, j;

	if (!yu_expect_seq(l->d, seq, "traffic"))
		return;
	s->traffic = g_new0(struct scn_traffic, seq->n_items + 1);
	for (i = 0; i < seq->n_items; i++) {
		struct scn_traffic *t = &s->traffic[s->n_traffic];

		if (!yu_expect_map(l->d, seq->items[i], "traffic[]"))
			continue;
		load_traffic_item(l, seq->items[i], t, i);
		for (j = 0; j < s->n_traffic; j++)
			if (t->name[0] && !strcmp(s->traffic[j].name, t->name))
				ERR(l, yu_get(seq->items[i], "name") ? yu_get(seq->items[i], "name") :
								       seq->items[i],
				    "name: traffic '%s' is defined twice (first at line %u)", t->name,
				    s->traffic[j].line);
		s->n_traffic++;
	}
}
