/* SPDX-License-Identifier: MIT */
/*
 * tcp_internal.h - private declarations shared by the TCP connection's files (not for
 * callers outside sim/tcp*.c; tcp.h is the interface).
 *
 *   tcp.c           setup and teardown: configuration checks, the handshake, segment
 *                   dispatch (tcp_rcv), end-of-connection reporting, packet construction.
 *   tcp_sender.c    the sender: transmission (tcp_write_xmit), segment ring, RTT/RTO,
 *                   SACK scoreboard and recovery (RFC 6675), NewReno loss recovery
 *                   without SACK, and the retransmission timer.
 *   tcp_receiver.c  the receiver: in-order and out-of-order data, ACK generation and the
 *                   delayed-ACK timer.
 *   tcp_app.c       the application model: when a side writes, how much, when it closes.
 *   tcp_cc.c        congestion control (Reno, CUBIC).
 */
#ifndef FLOWSIM_TCP_INTERNAL_H
#define FLOWSIM_TCP_INTERNAL_H

#include "tcp.h"

#define SEG_RETRANS 0x1      /* sent more than once: no RTT sample (Karn) */
#define SEG_SACKED 0x2       /* the peer SACKed it (TCPCB_SACKED_ACKED) */
#define SEG_RETX_OUT 0x4     /* retransmitted in this recovery, counted in retrans_out */

struct tcp_seg {
	u64 end;        /* offset after the segment (a FIN counts one) */
	u64 tx_time;    /* ns of the last transmission */
	u32 flags;
	u32 pad;
};

struct tcp_ofo {
	u64 start;
	u64 end;
};

#define TCP_HDR_LEN 20
#define TCP_SYN_OPT_LEN 8          /* MSS (4) + NOP + window scale (3) */
#define TCP_SACK_PERM_LEN 4        /* NOP NOP SACK_PERM (no timestamps to share with) */
#define TCP_SACK_OPT_LEN(n) (4u + 8u * (n)) /* NOP NOP kind len + 8 bytes a block */
#define TCP_DUPTHRESH 3            /* tcp_reordering default */
#define TCP_INFINITE_SSTHRESH 0x7fffffffu
#define TCP_MAX_WSCALE 14

static inline u64 tcp_now(const struct tcp_conn *c)
{
	return engine_now(c->env.eng);
}

static inline u32 snd_wire(const struct tcp_ep *ep, u64 off)
{
	return ep->iss + 1 + (u32)off;
}

static inline u32 rcv_wire(const struct tcp_ep *ep, u64 off)
{
	return ep->irs + 1 + (u32)off;
}

/* The stream offset of a wire sequence number, taken as the one nearest to `base`. */
static inline s64 wire_to_off(u32 wire, u32 isn, u64 base)
{
	s32 d = (s32)(wire - (isn + 1 + (u32)base));

	return (s64)base + d;
}

/* ---- tcp.c ---- */
void tcp_notify(struct tcp_ep *ep, enum tcp_event ev, u64 arg);
struct sim_pkt *tcp_new_pkt(struct tcp_ep *ep, u8 flags, u32 seq, u32 payload);
/* Hand a packet to the network; an ACK-carrying one settles any owed ACK. */
void tcp_xmit(struct tcp_ep *ep, struct sim_pkt *p);
void tcp_send_syn(struct tcp_ep *ep);
void tcp_abort(struct tcp_ep *ep);
/* After an event: let the application start or close, send what may be sent, then any
 * owed ACK. */
void tcp_ep_advance(struct tcp_ep *ep);
void tcp_maybe_done(struct tcp_conn *c);

/* ---- tcp_sender.c ---- */
void tcp_set_rto(struct tcp_ep *ep);
void tcp_rtt_sample(struct tcp_ep *ep, u64 rtt_ns);
void tcp_arm_rto(struct tcp_ep *ep);
void tcp_output(struct tcp_ep *ep);
void tcp_ack(struct tcp_ep *ep, const struct sim_pkt *p, bool pure);

/* ---- tcp_receiver.c ---- */
void tcp_send_ack(struct tcp_ep *ep);
void tcp_data(struct tcp_ep *ep, const struct fs_packet *h);
void tcp_ack_flush(struct tcp_ep *ep);

/* ---- tcp_app.c ---- */
void tcp_app_close(struct tcp_ep *ep);
void tcp_app_check(struct tcp_ep *ep);

#endif /* FLOWSIM_TCP_INTERNAL_H */
