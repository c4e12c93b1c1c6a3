/* SPDX-License-Identifier: MIT */
/*
 * traffic_game.c - the game/VoIP generator: bidirectional UDP, `size_up` bytes every
 * `interval` from the client and `size_down` from the server once the client's first
 * packet arrived; every packet's one-way latency is kept, so results carry p50/p99.
 * Each flow starts at its own random phase within the interval (generator's rng stream).
 */
#include <glib.h>

#include "traffic_internal.h"

int traffic_add_game(struct traffic *t, const struct traffic_game *d, char *err,
		     size_t errlen)
{
	const char *k = "game";

	if (trf_check_hosts(&d->hosts, k, err, errlen) ||
	    trf_check_count(d->count, k, "count", err, errlen) ||
	    trf_check_start(t, d->start, k, err, errlen) ||
	    trf_check_duration(d->duration, k, err, errlen) ||
	    trf_check_udp_size(d->size_up, d->hosts.family, k, "size_up", true, err, errlen) ||
	    trf_check_udp_size(d->size_down, d->hosts.family, k, "size_down", true, err, errlen))
		return -1;
	if (d->interval == 0) {
		g_snprintf(err, errlen, "%s: interval 0: expected a positive interval", k);
		return -1;
	}
	if (!d->size_up && !d->size_down) {
		g_snprintf(err, errlen, "%s: size_up and size_down are both 0: nothing to send", k);
		return -1;
	}
	return trf_gen_add(t, TRAFFIC_GAME, d, sizeof(*d), d->start);
}

void trf_start_game(struct traffic *t, u32 gi)
{
	const struct traffic_game d = t->gens[gi].d.game;
	u64 end = d.start + d.duration;
	u32 i;

	for (i = 0; i < d.count; i++) {
		struct fs_tuple tu;
		struct udp_stream st[2];
		/* each flow its own phase, so that flows do not tick in lockstep */
		u64 phase = rng_below(&t->gens[gi].rng, d.interval);

		trf_make_tuple(t, &d.hosts, i, i, d.hosts.server_port ? d.hosts.server_port : 3074,
			       FS_IPPROTO_UDP, &tu);
		st[0] = trf_stream_tpl(d.size_up ? ST_RUNNING : ST_OFF, d.start + phase, d.size_up,
				       d.interval, 1, NEVER, end);
		st[1] = trf_stream_tpl(d.size_down ? ST_WAITING : ST_OFF, 0, d.size_down,
				       d.interval, 1, NEVER, end);
		trf_udp_flow_start(t, gi, &tu, &d.hosts, st, true);
	}
}
