/* SPDX-License-Identifier: MIT */
/*
 * world_events.c - what happens to the world at scripted times, and the router's timers.
 *
 *  roam             the station's attachment moves to the new port: its frames use the new
 *                   radio at min(its own PHY rate, the radio's) (or the Ethernet port of
 *                   the AP behind it), and its neighbour
 *                   entry in the core (bridge FDB port, wcid) is updated, as hostapd and the
 *                   bridge would.  Offloaded flows keep their cached port until they are
 *                   torn down: that is the stale-path behaviour the model reproduces.
 *  link_down/up     router_dev_set_up() on the device (NETDEV_DOWN tears down its flows) and
 *                   the physical link stops: frames in flight and frames sent to it are lost.
 *  firewall_reload  fw4's ruleset re-rendered and applied after `delete table inet fw4`, which
 *                   deletes the flowtable and so tears down every offloaded flow; extra_nft is
 *                   applied again after it, as fw4 re-includes /etc/nftables.d.
 *
 * Router timers: one engine timer at router_next_timer().  Packet processing can only add
 * earlier work (a flowtable hardware request due hw_work_delay later), so every transmit
 * and drop calls world_router_timer_check(), which moves the timer earlier when needed.
 */
#include <stdio.h>

#include "world.h"

static void router_timer_ev(struct engine *eng, engine_arg a, engine_arg b);

static void router_timer_arm(struct world *w, u64 when)
{
	u64 now = engine_now(w->eng);

	if (when == ENGINE_TIME_NEVER || when == ~(u64)0) {
		engine_timer_cancel(w->eng, w->router_timer);
		w->router_timer = ENGINE_TIMER_NONE;
		w->router_timer_at = ~(u64)0;
		return;
	}
	if (when < now)
		when = now;
	w->router_timer_at = when;
	engine_timer_set(w->eng, &w->router_timer, when, router_timer_ev, ENGINE_PTR(w),
			 ENGINE_NOARG);
}

static void router_timer_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world *w = a.p;
	u64 now = engine_now(eng), next;

	w->router_timer = ENGINE_TIMER_NONE;
	w->router_timer_at = ~(u64)0;
	router_timers(w->r, now);
	w->st.timer_runs++;
	next = router_next_timer(w->r);
	/* whatever is still due now ran above; never spin at one instant */
	router_timer_arm(w, next <= now ? now + 1 : next);
}

void world_router_timer_check(struct world *w)
{
	u64 next = router_next_timer(w->r);

	if (next < w->router_timer_at)
		router_timer_arm(w, next);
}

static void do_roam(struct world *w, const struct scn_event *ev)
{
	const struct scenario *s = w->s;
	struct world_host *h = &w->hosts[ev->host];
	const struct scn_port *np = &s->ports[ev->port];
	int old = h->port;

	/* a station's stated PHY rate is what it reaches; a radio of another band may
	 * offer less */
	if (np->radio >= 0) {
		u64 radio = s->radios[np->radio].phy_rate_bps, own = s->hosts[ev->host].phy_rate_bps;

		h->phy_rate = own && own < radio ? own : radio;
	}
	if (world_host_attach(w, h, ev->port)) {
		/* validated scenarios only roam to WLAN and LAN Ethernet ports: keep the old
		 * attachment and say so */
		fprintf(stderr, "%s:%u:%u: warning: roam of '%s' to '%s' cannot be modelled; "
			"the station stays on '%s'\n", s->file, ev->line, ev->col,
			s->hosts[ev->host].name, np->name, s->ports[old].name);
		world_host_attach(w, h, old);
		return;
	}
	w->st.roams++;
}

static void do_link(struct world *w, const struct scn_event *ev, bool up, u64 now)
{
	struct world_port *wp = &w->ports[ev->port];

	router_dev_set_up(w->r, wp->ifindex, up, now);
	wp->up = up;
	w->st.link_changes++;
}

static void do_reload(struct world *w, u64 now)
{
	struct yu_diag d;

	yu_diag_init(&d);
	if (world_apply_firewall(w, true, now, &d)) {
		guint i;

		for (i = 0; i < d.msgs->len; i++) {
			char *m = yu_msg_format(g_ptr_array_index(d.msgs, i));

			fprintf(stderr, "%s (at the firewall_reload event)\n", m);
			g_free(m);
		}
	}
	yu_diag_clear(&d);
	w->st.reloads++;
}

static void script_ev(struct engine *eng, engine_arg a, engine_arg b)
{
	struct world *w = a.p;
	const struct scn_event *ev = &w->s->events[b.u];
	u64 now = engine_now(eng);

	switch (ev->type) {
	case SCN_EV_ROAM:
		do_roam(w, ev);
		break;
	case SCN_EV_LINK_DOWN:
		do_link(w, ev, false, now);
		break;
	case SCN_EV_LINK_UP:
		do_link(w, ev, true, now);
		break;
	case SCN_EV_FIREWALL_RELOAD:
		do_reload(w, now);
		break;
	}
	if (w->script_fn)
		w->script_fn(w->script_ctx, ev, now);
	world_router_timer_check(w);
}

void world_events_schedule(struct world *w)
{
	u32 i;

	w->router_timer_at = ~(u64)0;
	router_timer_arm(w, router_next_timer(w->r));
	for (i = 0; i < w->s->n_events; i++)
		if (w->s->events[i].at_ns <= w->opts.duration_ns)
			engine_schedule(w->eng, w->s->events[i].at_ns, script_ev, ENGINE_PTR(w),
					ENGINE_U64(i));
}
