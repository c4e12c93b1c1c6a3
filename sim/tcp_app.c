/* SPDX-License-Identifier: MIT */
/*
 * tcp_app.c - the application on each side of a simulated TCP connection (struct tcp_app):
 * when it starts writing, how much it has written (all at once, or rate-limited writes at
 * exact times), when it closes; its write-tick and stop-time timers.
 *
 * Invariants: app_end only grows until the close fixes stream_end; a closed application
 * never writes again.  The timer callbacks end with tcp_maybe_done().
 */
#include <glib.h>

#include "tcp_internal.h"

static void tcp_app_tick(struct engine *eng, engine_arg a, engine_arg b);
static void tcp_app_stop_fire(struct engine *eng, engine_arg a, engine_arg b);

void tcp_app_close(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;

	if (ep->app_closed)
		return;
	engine_timer_cancel(c->env.eng, ep->app_timer);
	engine_timer_cancel(c->env.eng, ep->stop_timer);
	if (!ep->app_started)
		ep->app_end = 0;
	else if (ep->app_end == TCP_BYTES_UNLIMITED)
		ep->app_end = ep->snd_max;   /* what an always-ready writer had handed over */
	ep->stream_end = ep->app_end;
	ep->app_closed = true;
	ep->passive_close = ep->eof;
}

/* One write of a rate-limited application. */
static void tcp_app_write(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 chunk = ep->app.chunk ? ep->app.chunk : ep->mss;
	u64 left = ep->app.bytes - ep->app_end;
	unsigned __int128 off;
	u64 next;

	ep->app_end += FS_MIN(chunk, left);
	ep->app_writes++;
	if (ep->app_end >= ep->app.bytes)
		return;
	/* write k happens at start + k * chunk * 8 / rate, exactly (no drift) */
	off = (unsigned __int128)ep->app_writes * chunk * 8 * FS_NSEC_PER_SEC / ep->app.rate_bps;
	next = ep->app_start_ns + (u64)off;
	engine_timer_set(c->env.eng, &ep->app_timer, FS_MAX(next, tcp_now(c)), tcp_app_tick,
			 ENGINE_PTR(c), ENGINE_U64(ep->side));
}

static void tcp_app_start(struct tcp_ep *ep)
{
	struct tcp_conn *c = ep->conn;
	u64 now = tcp_now(c);

	ep->app_started = true;
	ep->app_start_ns = now;
	if (ep->app.bytes && ep->app.stop_at) {
		if (ep->app.stop_at <= now) {
			tcp_app_close(ep);
			return;
		}
		engine_timer_set(c->env.eng, &ep->stop_timer, ep->app.stop_at, tcp_app_stop_fire,
				 ENGINE_PTR(c), ENGINE_U64(ep->side));
	}
	if (ep->app.bytes == 0)
		ep->app_end = 0;
	else if (ep->app.rate_bps == 0)
		ep->app_end = ep->app.bytes;
	else
		tcp_app_write(ep);
}

/* Start or close the application when its conditions are met. */
void tcp_app_check(struct tcp_ep *ep)
{
	bool all_written;

	if (ep->state != TCP_ESTABLISHED || ep->app_closed)
		return;
	if (!ep->app_started) {
		if (ep->st.app_bytes_rcvd >= ep->app.after_rcv)
			tcp_app_start(ep);
		else if (ep->eof)
			tcp_app_close(ep);     /* the request never came complete */
		if (!ep->app_started || ep->app_closed)
			return;
	}
	all_written = ep->app.bytes != TCP_BYTES_UNLIMITED && ep->app_end >= ep->app.bytes;
	if (all_written && (!ep->app.wait_eof || ep->eof))
		tcp_app_close(ep);
}

/* ------------------------------------------------------------ timers */

static void tcp_app_tick(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];

	if (c->done || ep->app_closed)
		return;
	tcp_app_write(ep);
	tcp_ep_advance(ep);
	tcp_maybe_done(c);
}

static void tcp_app_stop_fire(struct engine *eng, engine_arg a, engine_arg b)
{
	struct tcp_conn *c = a.p;
	struct tcp_ep *ep = &c->ep[b.u & 1];

	if (c->done)
		return;
	tcp_app_close(ep);
	tcp_ep_advance(ep);
	tcp_maybe_done(c);
}
