/* SPDX-License-Identifier: MIT */
/*
 * tcp_cc.c - congestion control for the simulated TCP: Reno and CUBIC as Linux does them.
 *
 * Reno follows net/ipv4/tcp_cong.c: tcp_slow_start() (cwnd += acked segments up to
 * ssthresh, leftover acks go to congestion avoidance), tcp_cong_avoid_ai() (cwnd += 1 per
 * w segments acknowledged, with the credit in cwnd_cnt), tcp_reno_cong_avoid() and
 * tcp_reno_ssthresh() (max(cwnd/2, 2)).
 *
 * CUBIC follows net/ipv4/tcp_cubic.c (bictcp_update, cubictcp_recalc_ssthresh,
 * cubictcp_state, cubictcp_cwnd_event, cubictcp_acked, hystart_update) with the module's
 * defaults: beta 717/1024, bic_scale 41 (C = 410/1024 ~ 0.4 once scaled like Linux's
 * cube_rtt_scale = bic_scale * 10), fast convergence and TCP friendliness on, HyStart on
 * (ACK-train and delay detection, low window 16, ack delta 2 ms) unless the connection
 * asks for no_hystart.  Time is Linux's: a jiffy clock at HZ = 1000 (the CUBIC function
 * is evaluated in 1/1024 s units from it), microseconds for RTTs.  The jiffy clock is the
 * simulation time in ms plus one, so that 0 keeps meaning "no epoch" as in the kernel.
 * Differences, stated: the cube root is computed exactly (floor of the real cube root)
 * where Linux uses a table and one Newton step (~0.2% error); HyStart's ack-delay cushion
 * uses Linux's pacing-rate formula (tcp_update_pacing_rate) and a 64 KiB GSO size.
 *
 * Invariants: cwnd >= 1 and <= cwnd_clamp after every call; everything is integer
 * arithmetic, so results are identical on every machine.
 */
#include <string.h>

#include "tcp.h"

#define CC_HZ 1000u
#define BICTCP_BETA_SCALE 1024u
#define BICTCP_HZ 10
#define CUBIC_BETA 717u
#define CUBIC_BIC_SCALE 41u
#define CUBIC_CUBE_RTT_SCALE (CUBIC_BIC_SCALE * 10u)
/* 8 * (1024 + beta) / 3 / (1024 - beta) as cubictcp_register() computes it (= 15) */
#define CUBIC_BETA_SCALE (8u * (BICTCP_BETA_SCALE + CUBIC_BETA) / 3u / \
			  (BICTCP_BETA_SCALE - CUBIC_BETA))
/* 2^(10 + 3 * BICTCP_HZ) / (bic_scale * 10): K = cbrt(cube_factor * (wmax - cwnd)) */
#define CUBIC_CUBE_FACTOR ((1ULL << (10 + 3 * BICTCP_HZ)) / CUBIC_CUBE_RTT_SCALE)

#define HYSTART_ACK_TRAIN 0x1
#define HYSTART_DELAY 0x2
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_DELAY_MIN 4000u
#define HYSTART_DELAY_MAX 16000u
#define HYSTART_LOW_WINDOW 16u
#define HYSTART_ACK_DELTA_US 2000u
#define HYSTART_GSO_MAX 65536u

static const char *const cc_names[] = { "reno", "cubic" };

const char *tcp_cc_name(int cc)
{
	if (cc < 0 || cc >= (int)FS_ARRAY_SIZE(cc_names))
		return NULL;
	return cc_names[cc];
}

int tcp_cc_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < FS_ARRAY_SIZE(cc_names); i++)
		if (name && strcmp(name, cc_names[i]) == 0)
			return (int)i;
	return -1;
}

static u32 cc_jiffies(u64 now)
{
	return (u32)(now / FS_NSEC_PER_MSEC) + 1;
}

static u32 cc_clock_us(u64 now)
{
	return (u32)(now / 1000);
}

static u32 usecs_to_jiffies_up(u32 us)
{
	return (us + 999) / 1000;
}

/* ------------------------------------------------------------ Reno (tcp_cong.c) */

u32 tcp_slow_start(struct tcp_ep *ep, u32 acked)
{
	u32 cwnd = FS_MIN(ep->cwnd + acked, ep->ssthresh);

	acked -= cwnd - ep->cwnd;
	ep->cwnd = FS_MIN(cwnd, ep->cwnd_clamp);
	return acked;
}

void tcp_cong_avoid_ai(struct tcp_ep *ep, u32 w, u32 acked)
{
	/* credits accumulated at a larger w are applied gently now */
	if (ep->cwnd_cnt >= w) {
		ep->cwnd_cnt = 0;
		ep->cwnd++;
	}
	ep->cwnd_cnt += acked;
	if (ep->cwnd_cnt >= w) {
		u32 delta = ep->cwnd_cnt / w;

		ep->cwnd_cnt -= delta * w;
		ep->cwnd += delta;
	}
	ep->cwnd = FS_MIN(ep->cwnd, ep->cwnd_clamp);
}

/* ------------------------------------------------------------ CUBIC (tcp_cubic.c) */

/* Exact floor(cbrt(a)): the digit-by-digit method, three bits of a per result bit. */
u32 tcp_cubic_root(u64 a)
{
	u64 y = 0;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		u64 b;

		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((a >> s) >= b) {
			a -= b << s;
			y++;
		}
	}
	return (u32)y;
}

static void bictcp_reset(struct tcp_cubic *ca)
{
	ca->cnt = 0;
	ca->last_max_cwnd = 0;
	ca->last_cwnd = 0;
	ca->last_time = 0;
	ca->bic_origin_point = 0;
	ca->bic_K = 0;
	ca->delay_min = 0;
	ca->epoch_start = 0;
	ca->ack_cnt = 0;
	ca->tcp_cwnd = 0;
	ca->found = 0;
}

static void bictcp_hystart_reset(struct tcp_ep *ep, u64 now)
{
	struct tcp_cubic *ca = &ep->cubic;

	ca->round_start = ca->last_ack = cc_clock_us(now);
	ca->end_seq = ep->snd_nxt;
	ca->curr_rtt = ~0u;
	ca->sample_cnt = 0;
}

static void bictcp_update(struct tcp_ep *ep, u32 cwnd, u32 acked, u64 now)
{
	struct tcp_cubic *ca = &ep->cubic;
	u32 jiffies = cc_jiffies(now);
	u32 delta, bic_target, max_cnt;
	u64 offs, t;

	ca->ack_cnt += acked;

	if (ca->last_cwnd == cwnd && (s32)(jiffies - ca->last_time) <= (s32)(CC_HZ / 32))
		return;

	/* the cubic function is evaluated at most once per jiffy; a cwnd reduction zeroes
	 * epoch_start, which forces a new evaluation */
	if (ca->epoch_start && jiffies == ca->last_time)
		goto tcp_friendliness;

	ca->last_cwnd = cwnd;
	ca->last_time = jiffies;

	if (ca->epoch_start == 0) {
		ca->epoch_start = jiffies;
		ca->ack_cnt = acked;
		ca->tcp_cwnd = cwnd;
		if (ca->last_max_cwnd <= cwnd) {
			ca->bic_K = 0;
			ca->bic_origin_point = cwnd;
		} else {
			/* K = cbrt((wmax - cwnd) / C) in 1/1024 s */
			ca->bic_K = tcp_cubic_root(CUBIC_CUBE_FACTOR *
						   (u64)(ca->last_max_cwnd - cwnd));
			ca->bic_origin_point = ca->last_max_cwnd;
		}
	}

	/* t: time since the epoch plus the minimum delay, in 1/1024 s */
	t = (u64)(s64)(s32)(jiffies - ca->epoch_start);
	t += usecs_to_jiffies_up(ca->delay_min);
	t <<= BICTCP_HZ;
	t /= CC_HZ;

	offs = t < ca->bic_K ? ca->bic_K - t : t - ca->bic_K;
	/* C * (t - K)^3 in segments.  Linux's product overflows 64 bits once |t - K| passes
	 * ~256 s (an epoch that long happens when cwnd stops being the limit for minutes);
	 * capping there keeps the target astronomically large instead of wrapping */
	if (offs > (1u << 18))
		offs = 1u << 18;
	delta = (u32)((CUBIC_CUBE_RTT_SCALE * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
	if (t < ca->bic_K)
		bic_target = ca->bic_origin_point - delta;
	else
		bic_target = ca->bic_origin_point + delta;

	if (bic_target > cwnd)
		ca->cnt = cwnd / (bic_target - cwnd);
	else
		ca->cnt = 100 * cwnd;      /* very small increment */

	/* without a previous maximum, do not grow slower than 5% per RTT */
	if (ca->last_max_cwnd == 0 && ca->cnt > 20)
		ca->cnt = 20;

tcp_friendliness:
	/* grow at least as fast as Reno would with the same beta (the estimate tcp_cwnd) */
	delta = (cwnd * CUBIC_BETA_SCALE) >> 3;
	if (delta == 0)
		delta = 1;
	while (ca->ack_cnt > delta) {
		ca->ack_cnt -= delta;
		ca->tcp_cwnd++;
	}
	if (ca->tcp_cwnd > cwnd) {
		delta = ca->tcp_cwnd - cwnd;
		max_cnt = cwnd / delta;
		if (ca->cnt > max_cnt)
			ca->cnt = max_cnt;
	}

	/* at most one segment per two acknowledged: 1.5x per RTT */
	ca->cnt = FS_MAX(ca->cnt, 2u);
}

static u32 hystart_ack_delay(const struct tcp_ep *ep)
{
	u64 rate;
	u32 srtt = ep->srtt_us;   /* << 3 */

	if (!srtt)
		return 0;
	/* tcp_update_pacing_rate(): mss * cwnd / srtt, 200% in slow start */
	rate = (u64)ep->mss * ((1000000u / 100) << 3);
	rate *= tcp_in_slow_start(ep) ? 200 : 120;
	rate *= FS_MAX(ep->cwnd, ep->packets_out);
	rate /= srtt;
	if (!rate)
		return 0;
	return (u32)FS_MIN(1000ULL, (u64)HYSTART_GSO_MAX * 4 * 1000000ULL / rate);
}

static void hystart_update(struct tcp_ep *ep, u32 delay, u64 now)
{
	struct tcp_cubic *ca = &ep->cubic;
	u32 threshold;

	if (ep->snd_una > ca->end_seq)
		bictcp_hystart_reset(ep, now);

	if (ep->cwnd < HYSTART_LOW_WINDOW)
		return;

	/* ACK train: the ACKs of one round, closely spaced, last longer than half the
	 * minimum RTT - the pipe is full */
	{
		u32 t_us = cc_clock_us(now);

		if ((s32)(t_us - ca->last_ack) <= (s32)HYSTART_ACK_DELTA_US) {
			ca->last_ack = t_us;
			threshold = ca->delay_min + hystart_ack_delay(ep);
			/* no pacing (no fq): SK_PACING_NONE halves the threshold */
			threshold >>= 1;
			if ((s32)(t_us - ca->round_start) > (s32)threshold) {
				ca->found = 1;
				ep->ssthresh = ep->cwnd;
			}
		}
	}

	/* delay increase: the minimum RTT of this round exceeds delay_min by an eighth
	 * (clamped to 4..16 ms) - a queue is building */
	if (ca->curr_rtt > delay)
		ca->curr_rtt = delay;
	if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
		ca->sample_cnt++;
	} else {
		u32 thresh = ca->delay_min >> 3;

		thresh = FS_MIN(FS_MAX(thresh, HYSTART_DELAY_MIN), HYSTART_DELAY_MAX);
		if (ca->curr_rtt > ca->delay_min + thresh) {
			ca->found = 1;
			ep->ssthresh = ep->cwnd;
		}
	}
}

/* ------------------------------------------------------------ dispatch */

void tcp_cc_init(struct tcp_ep *ep, u64 now)
{
	memset(&ep->cubic, 0, sizeof(ep->cubic));
	if (ep->conn->cfg.cc == TCP_CC_CUBIC) {
		bictcp_reset(&ep->cubic);
		if (!ep->conn->cfg.no_hystart)
			bictcp_hystart_reset(ep, now);
	}
}

u32 tcp_cc_ssthresh(struct tcp_ep *ep)
{
	struct tcp_cubic *ca = &ep->cubic;

	if (ep->conn->cfg.cc != TCP_CC_CUBIC)
		return FS_MAX(ep->cwnd >> 1, 2u);

	ca->epoch_start = 0;
	/* Wmax, with fast convergence: release bandwidth when the maximum shrinks */
	if (ep->cwnd < ca->last_max_cwnd)
		ca->last_max_cwnd = (ep->cwnd * (BICTCP_BETA_SCALE + CUBIC_BETA)) /
				    (2 * BICTCP_BETA_SCALE);
	else
		ca->last_max_cwnd = ep->cwnd;
	return FS_MAX((ep->cwnd * CUBIC_BETA) / BICTCP_BETA_SCALE, 2u);
}

void tcp_cc_cong_avoid(struct tcp_ep *ep, u32 acked, u64 now)
{
	if (!tcp_is_cwnd_limited(ep))
		return;
	if (tcp_in_slow_start(ep)) {
		acked = tcp_slow_start(ep, acked);
		if (!acked)
			return;
	}
	if (ep->conn->cfg.cc == TCP_CC_CUBIC) {
		bictcp_update(ep, ep->cwnd, acked, now);
		tcp_cong_avoid_ai(ep, ep->cubic.cnt, acked);
	} else {
		tcp_cong_avoid_ai(ep, ep->cwnd, acked);
	}
}

void tcp_cc_pkts_acked(struct tcp_ep *ep, s64 rtt_us, u64 now)
{
	struct tcp_cubic *ca = &ep->cubic;
	u32 delay;

	if (ep->conn->cfg.cc != TCP_CC_CUBIC || rtt_us < 0)
		return;
	/* discard delay samples right after a reduction */
	if (ca->epoch_start && (s32)(cc_jiffies(now) - ca->epoch_start) < (s32)CC_HZ)
		return;
	delay = rtt_us > 0 ? (u32)FS_MIN(rtt_us, (s64)0xffffffff) : 1;
	if (ca->delay_min == 0 || ca->delay_min > delay)
		ca->delay_min = delay;
	if (!ca->found && tcp_in_slow_start(ep) && !ep->conn->cfg.no_hystart)
		hystart_update(ep, delay, now);
}

void tcp_cc_enter_loss(struct tcp_ep *ep, u64 now)
{
	if (ep->conn->cfg.cc != TCP_CC_CUBIC)
		return;
	bictcp_reset(&ep->cubic);
	bictcp_hystart_reset(ep, now);
}

void tcp_cc_tx_start(struct tcp_ep *ep, u64 now)
{
	struct tcp_cubic *ca = &ep->cubic;
	u32 jnow = cc_jiffies(now);
	s32 delta;

	if (ep->conn->cfg.cc != TCP_CC_CUBIC)
		return;
	/* idle (application-limited) for a while: shift the epoch so that the cubic curve
	 * continues where it left off */
	delta = (s32)(jnow - cc_jiffies(ep->lsndtime));
	if (ca->epoch_start && delta > 0) {
		ca->epoch_start += (u32)delta;
		if ((s32)(ca->epoch_start - jnow) > 0)
			ca->epoch_start = jnow;
	}
}
