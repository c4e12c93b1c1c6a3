/* SPDX-License-Identifier: MIT */
/*
 * tcp.h - a simulated TCP connection: both endpoints (client and server) in one object.
 *
 * The simulator has no sockets and no payload bytes: a connection is two endpoint state
 * machines that exchange struct sim_pkt headers through the network (env->xmit) and receive
 * them back through tcp_conn_input().  Everything the router sees is a real packet: the SYN,
 * SYN-ACK and ACK of the handshake, data segments, every pure ACK, the FINs at the end.
 *
 * Behaviour (Linux is the reference; the kernel function a rule comes from is named in
 * tcp.c / tcp_cc.c):
 *  - 3-way handshake; SYN and SYN-ACK carry the window-scale option (fs_packet.wscale) and
 *    an MSS option (its 4 bytes are counted in the SYN's length; the value itself is the
 *    path MSS from the configuration, because struct fs_packet has no MSS field).
 *    SYN retransmission with exponential backoff from 1 s (TCP_TIMEOUT_INIT), 6 retries
 *    (tcp_syn_retries), SYN-ACK 5 retries (tcp_synack_retries).
 *  - Initial window 10 segments (TCP_INIT_CWND), slow start and congestion avoidance from
 *    Reno or CUBIC (tcp_cc.c, cwnd counted in segments as Linux does), cwnd validation
 *    (tcp_cwnd_validate: cwnd only grows while the sender is cwnd-limited), restart after
 *    idle (tcp_cwnd_restart, net.ipv4.tcp_slow_start_after_idle=1).
 *  - SACK (RFC 2018, on by default as net.ipv4.tcp_sack=1; tcp_config.no_sack turns it
 *    off for both sides): SYN and SYN-ACK carry SACK-permitted (NOP NOP SACK_PERM, 4 option
 *    bytes, as Linux writes it without timestamps); the receiver reports up to 4 blocks of
 *    out-of-order data, the block holding the most recent segment first, the others in
 *    recency order (tcp_sack_new_ofo_skb); blocks the cumulative ACK reached are dropped
 *    (tcp_sack_remove).  The blocks and their option bytes (NOP NOP + 2 + 8 per block) are
 *    counted in the packet length; a data segment carries them only if they fit beside its
 *    payload in the MSS (Linux shrinks the segment instead; only bidirectional bulk
 *    transfers with loss differ).  D-SACK is not modelled.
 *  - Loss recovery with SACK (RFC 6675, as Linux's tcp_sacktag_write_queue and the SACK
 *    path of tcp_fastretrans_alert): a scoreboard marks SACKed segments; in CA_Open the
 *    data in flight is packets_out - sacked_out (so 1-2 SACKed segments let new data out,
 *    Linux's limited transmit); recovery starts when 3 segments are SACKed (dupthresh,
 *    tcp_dupack_heuristics) or on the 3rd duplicate ACK; ssthresh from the CC, cwnd =
 *    ssthresh, the first hole is retransmitted at once; then every un-SACKed segment below
 *    the highest SACKed one is lost (RACK with reo_wnd 0, which Linux uses in recovery
 *    when no reordering was seen) and holes are retransmitted, then new data sent, while
 *    pipe = packets_out - sacked_out - lost_out + retrans_out < cwnd, cwnd being set on
 *    every ACK by proportional rate reduction (RFC 6937 with SSRB, tcp_cwnd_reduction).
 *    Recovery ends when the recovery point is acknowledged (cwnd = ssthresh).  A lost
 *    retransmission is repaired by the RTO (RACK's detection of lost retransmissions, TLP
 *    and undo are not modelled).
 *  - Loss recovery without SACK: fast retransmit on the 3rd duplicate ACK and NewReno fast
 *    recovery (RFC 6582: window inflation per duplicate ACK, retransmission of the next hole
 *    on each partial ACK, cwnd = ssthresh when the recovery point is acknowledged); a
 *    multi-loss window recovers one hole per RTT, as a SACK-less Linux peer does.
 *    Timestamps, F-RTO and undo are not modelled.
 *  - RTO: Linux's RFC 6298 estimator (tcp_rtt_estimator: srtt, mdev, per-window mdev_max,
 *    RTO = srtt + max(4*mdev, rto_min) with rto_min 200 ms), RTT samples per ACK from the
 *    send time of the newest newly acknowledged segment, Karn's rule (no samples from
 *    retransmitted segments), exponential backoff to 120 s (TCP_RTO_MAX), 15 retries
 *    (tcp_retries2) before the connection is aborted; after an RTO the sender goes back to
 *    snd_una (all outstanding segments are considered lost, as tcp_enter_loss marks them)
 *    with cwnd 1, with or without SACK (the scoreboard is cleared; SACKed segments are sent
 *    again, as Linux does only after SACK reneging).
 *  - Receiver: delayed ACKs (an ACK once more than one full segment is unacknowledged,
 *    i.e. every 2nd full segment, else after 40 ms - TCP_DELACK_MIN), an immediate ACK for
 *    out-of-order, duplicate or hole-filling segments and for a FIN; out-of-order data is
 *    kept (as intervals) and delivered when the hole is filled.  The application reads
 *    instantly, so the advertised window is the receive buffer (default 6 MiB, tcp_rmem[2],
 *    i.e. the size autotuning grows to; autotuning's slow growth is not modelled), scaled
 *    by the negotiated shift.  Quick-ack mode at connection start is not modelled.
 *  - Sender: Nagle with Minshall's rule as Linux (tcp_nagle_check: a sub-MSS segment waits
 *    while an earlier sub-MSS segment is unacknowledged, unless it carries the FIN), no pacing (Linux without fq), no TSO/GSO: one sim_pkt per wire segment.
 *    The receive window never closes (the application reads at once and the buffer is at
 *    least two segments), so no persist timer is needed.
 *  - Close: an application that has written everything closes; the FIN rides on the last
 *    data segment when it is still unsent, else goes alone (tcp_send_fin).  The peer's
 *    application, seeing end-of-file, closes too (FIN+ACK); the last ACK ends the
 *    connection, so the router sees the whole FIN teardown.  TIME_WAIT is not modelled (the
 *    connection object ends when both FINs are acknowledged); no RST is ever sent.
 *
 * The network must not deliver synchronously from inside xmit() (arrivals are later engine
 * events), so a connection is never re-entered.
 *
 * Packets.  Every packet is allocated from env->pool, filled completely (tuple, TTL, DF for
 * IPv4, DSCP, seq/ack/win/wscale/flags/payload/len, side, flow, born = send time, wire =
 * Ethernet bytes incl. preamble/IFG, q.len/q.mac_len/q.hash defaults for egress qdiscs) and
 * handed to env->xmit, which owns it from then on.  tcp_conn_input() only reads the packet;
 * the caller frees it.  Packets may be lost (never delivered): TCP recovers.  The server
 * sends to the inverse of the tuple its first received packet (the SYN) carried, so a NAT
 * on the way works as on a real network.
 *
 * Sequence space.  Internally every stream position is a u64 offset (data byte 0 is offset
 * 0, the FIN takes the offset after the last byte); wire sequence numbers are
 * ISN + 1 + offset modulo 2^32, so wrap-around is handled once at the edge.
 *
 * Cost.  O(1) work per ACK (segments acknowledged are popped from a ring; out-of-order
 * intervals are a short sorted array whose common operations touch its ends); with SACK,
 * O(blocks * log(window)) per ACK plus O(1) per newly SACKed segment (the parts of blocks
 * the previous ACK already reported are skipped, like Linux's recv_sack_cache), and the
 * retransmission cursor only moves forward within a recovery; no
 * allocation per packet beyond env->pool; the segment ring and the interval array grow by
 * doubling when a window outgrows them.
 *
 * Determinism.  The connection uses no randomness of its own (ISNs come from the config)
 * and no wall clock: the same configuration and the same network give the same packets.
 */
#ifndef FLOWSIM_TCP_H
#define FLOWSIM_TCP_H

#include "engine.h"
#include "simpkt.h"

/*
 * The host interface shared by tcp.h and traffic.h: where packets come from and go to.
 * xmit() hands a packet to the network, which owns it from then on (it frees it on loss,
 * or passes it to traffic_deliver()/tcp_conn_input() on arrival).
 */
struct traffic_env {
	struct engine *eng;
	struct sim_pkt_pool *pool;
	void (*xmit)(void *ctx, struct sim_pkt *p);
	void *ctx;
};

/*
 * Bytes an IPv4/IPv6 packet of L3 length `len` occupies on Ethernet: 14-byte header and
 * 4-byte FCS (padded to the 64-byte minimum frame), plus preamble/SFD (8) and the
 * inter-frame gap (12).  A 1500-byte packet takes 1538.
 */
static inline u32 traffic_eth_wire(u32 len)
{
	u32 frame = len + 18;

	return (frame < 64 ? 64 : frame) + 20;
}

enum tcp_cc_algo {
	TCP_CC_RENO = 0,
	TCP_CC_CUBIC = 1,
};

/* "reno" / "cubic"; NULL for an unknown value. */
const char *tcp_cc_name(int cc);
/* The algorithm of a name ("reno", "cubic"), or -1. */
int tcp_cc_from_name(const char *name);

#define TCP_BYTES_UNLIMITED (~(u64)0)
#define TCP_DEFAULT_RCVBUF (6u << 20)       /* tcp_rmem[2] = 6 MiB */
#define TCP_INIT_CWND 10u                   /* include/net/tcp.h TCP_INIT_CWND */
#define TCP_RTO_MIN_US 200000u              /* TCP_RTO_MIN, 200 ms */
#define TCP_RTO_MAX_US 120000000u           /* TCP_RTO_MAX, 120 s */
#define TCP_TIMEOUT_INIT_US 1000000u        /* TCP_TIMEOUT_INIT, 1 s */
#define TCP_DELACK_NS (40 * FS_NSEC_PER_MSEC) /* TCP_DELACK_MIN = HZ/25 */
#define TCP_SYN_RETRIES 6
#define TCP_SYNACK_RETRIES 5
#define TCP_RETRIES2 15
#define TCP_OFO_MAX 1024                    /* out-of-order intervals kept at most */

/*
 * What one side's application does.  It starts writing when the connection is established
 * (or, with after_rcv, once that many bytes have arrived from the peer: a server answering
 * a request), writes `bytes` (TCP_BYTES_UNLIMITED: until stop_at), at `rate_bps` in
 * `chunk`-byte writes or all at once (rate_bps 0), then closes - unless wait_eof, in which
 * case it closes when the peer's FIN arrives (a client waiting for a response, or a pure
 * receiver: bytes 0 + wait_eof).
 */
struct tcp_app {
	u64 bytes;          /* bytes to send; 0: nothing; TCP_BYTES_UNLIMITED: until stop_at */
	u64 rate_bps;       /* application write rate (payload bits/s); 0: always has data */
	u32 chunk;          /* bytes per write when rate_bps > 0; 0: one MSS */
	u64 after_rcv;      /* start writing after this many bytes were received; 0: at once */
	u64 stop_at;        /* absolute ns: an unlimited writer stops and closes; 0: never */
	bool wait_eof;      /* after writing, close only when the peer has closed */
};

struct tcp_conn;

/* Per-connection events for observers (tests, result recorders). */
enum tcp_event {
	TCP_EV_ESTABLISHED,   /* arg: 0 */
	TCP_EV_RTT_SAMPLE,    /* arg: the sample in us */
	TCP_EV_FAST_RETRANS,  /* arg: cwnd before the reduction (segments) */
	TCP_EV_RECOVERY_END,  /* arg: cwnd after (= ssthresh) */
	TCP_EV_RTO,           /* arg: the RTO that expired, us (before backoff) */
	TCP_EV_FIN_SENT,      /* arg: stream length in bytes */
	TCP_EV_EOF,           /* the peer's FIN arrived in order; arg: bytes received */
	TCP_EV_DONE,          /* both FINs acknowledged; arg: 0 */
	TCP_EV_ABORT,         /* retries exhausted; arg: 0 */
};

struct tcp_config {
	struct fs_tuple tuple;  /* client -> server (addresses, ports, family); proto set to TCP */
	u32 flow;               /* sim_pkt.flow of every packet */
	u16 mss;                /* payload bytes per segment; 0: 1500-byte MTU minus headers */
	u8 cc;                  /* enum tcp_cc_algo, both sides */
	u8 ttl;                 /* 0: 64 */
	u8 dscp;
	bool no_hystart;        /* CUBIC without HyStart (Linux default: HyStart on) */
	bool no_sack;           /* neither side offers SACK (Linux default: tcp_sack=1) */
	u32 rcvbuf;             /* receive buffer bytes per side; 0: TCP_DEFAULT_RCVBUF */
	u32 init_cwnd;          /* 0: TCP_INIT_CWND */
	u32 iss[2];             /* initial sequence numbers of client and server */
	struct tcp_app app[2];  /* [0] client, [1] server */
	/* Called once when the connection ends (done or aborted), as the very last thing the
	 * connection code does: the callee may destroy the connection. */
	void (*done)(void *ctx, struct tcp_conn *c);
	/* Optional observer; must not destroy the connection. */
	void (*event)(void *ctx, const struct tcp_conn *c, int side, enum tcp_event ev,
		      u64 arg);
	void *cb_ctx;
};

enum tcp_state {
	TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED,
	TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_CLOSING, TCP_TIME_WAIT, TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
};
const char *tcp_state_name(enum tcp_state s);

/* Congestion-avoidance state (Linux's icsk_ca_state subset). */
enum tcp_ca_state { TCP_CA_OPEN, TCP_CA_RECOVERY, TCP_CA_LOSS };

struct tcp_stats {
	/* sender */
	u64 segs_out;          /* every packet sent, pure ACKs included */
	u64 data_segs_out;     /* segments carrying payload (retransmissions included) */
	u64 pure_acks_out;     /* ACKs without payload, SYN or FIN */
	u64 bytes_out;         /* payload bytes sent, retransmissions included */
	u64 bytes_acked;       /* payload bytes the peer acknowledged */
	u64 retrans_segs;      /* data/FIN segments sent again */
	u64 retrans_bytes;
	u32 fast_retrans;      /* fast retransmits (recoveries entered) */
	u32 rack_lost_retrans; /* retransmissions RACK found lost again (resent, no RTO) */
	u32 tlp_probes;        /* tail loss probes sent */
	u64 sack_blocks_in;    /* SACK blocks received */
	u64 sacked_segs;       /* segments marked SACKed on the scoreboard */
	u32 rto_events;        /* retransmission timeouts (SYN timeouts included) */
	u32 syn_retrans;
	u32 cwnd_max;
	u64 rtt_samples;
	u64 rtt_sum_us;
	u32 rtt_min_us;
	u32 rtt_max_us;
	/* receiver */
	u64 segs_in;
	u64 data_segs_in;
	u64 dup_segs_in;       /* data entirely below rcv_nxt */
	u64 ofo_segs_in;       /* data beyond a hole */
	u64 ofo_dropped;       /* out-of-order data dropped (interval array full) */
	u64 app_bytes_rcvd;    /* in-order payload delivered to the application */
	u64 first_rx_ns;       /* when the first / last in-order byte reached the app */
	u64 last_rx_ns;
	/* lifecycle */
	u64 established_ns;
	u64 fin_sent_ns;
	u64 eof_ns;            /* peer's FIN consumed */
};

struct tcp_seg;
struct tcp_ofo;

/* A SACK block as stream offsets [start, end). */
struct tcp_sack_block {
	u64 start;
	u64 end;
};

struct tcp_cubic {
	u32 cnt;
	u32 last_max_cwnd;
	u32 last_cwnd;
	u32 last_time;         /* jiffies (HZ 1000) */
	u32 bic_origin_point;
	u32 bic_K;             /* 1/1024 s */
	u32 delay_min;         /* us */
	u32 epoch_start;       /* jiffies; 0: no epoch */
	u32 ack_cnt;
	u32 tcp_cwnd;
	u8 sample_cnt;
	u8 found;
	u32 round_start;       /* us */
	u64 end_seq;           /* offset */
	u32 last_ack;          /* us */
	u32 curr_rtt;          /* us */
};

/* One endpoint.  Fields are public for observers; only tcp.c / tcp_cc.c write them. */
struct tcp_ep {
	struct tcp_conn *conn;
	u8 side;                 /* 0 client, 1 server */
	u8 state;                /* enum tcp_state */
	u8 ca_state;             /* enum tcp_ca_state */
	u8 rcv_wscale;           /* shift applied to our advertised windows */
	u8 snd_wscale;           /* shift the peer applies (from its SYN) */
	bool tuple_known;        /* out tuple valid (server: after the SYN) */
	bool app_started;
	bool app_closed;         /* stream_end is final, FIN queued */
	bool eof;                /* peer's FIN consumed */
	bool rcv_fin_seen;       /* rcv_fin_off valid */
	bool ack_pending;        /* delayed ACK owed */
	bool is_cwnd_limited;
	bool syn_retransmitted;
	bool ack_now;            /* an immediate ACK is owed */
	bool passive_close;      /* the peer closed first (LAST_ACK rather than TIME_WAIT) */
	bool sack_ok;            /* SACK negotiated (both SYNs carried SACK-permitted) */
	u16 mss;
	struct fs_tuple out;     /* tuple of packets this side sends */
	u32 iss;                 /* our ISN */
	u32 irs;                 /* peer's ISN */
	u64 syn_time;            /* when our SYN / SYN-ACK was sent (RTT sample) */

	/* send side (offsets) */
	u64 snd_una;
	u64 snd_nxt;
	u64 snd_max;             /* highest offset ever sent (+1 for a sent FIN) */
	u64 app_end;             /* bytes written by the application so far */
	u64 stream_end;          /* total stream bytes once app_closed */
	u64 snd_wnd;             /* bytes the peer lets us have outstanding */
	u64 high_seq;            /* recovery point (NewReno "recover") */
	u64 snd_sml;             /* end of the last sub-MSS segment sent (Nagle/Minshall) */
	u64 cwnd_usage_seq;
	u32 cwnd;                /* segments */
	u32 ssthresh;
	u32 cwnd_cnt;            /* tcp_cong_avoid_ai credit */
	u32 cwnd_clamp;
	u32 init_cwnd;
	u32 prior_cwnd;
	u32 dupacks;
	u32 max_packets_out;
	u64 lsndtime;            /* ns of the last data sent */
	/* segments in flight: a ring of (end offset, send time, flags) */
	struct tcp_seg *ring;
	u32 ring_cap;            /* power of two */
	u32 ring_head;
	u32 packets_out;         /* = ring entries */
	/* SACK scoreboard (RFC 6675): flags in the ring entries, counters here */
	u32 sacked_out;          /* ring entries SACKed */
	u32 retrans_out;         /* ring entries retransmitted in this recovery, not yet
				  * acknowledged or SACKed */
	u64 highest_sack;        /* end of the highest SACKed segment (valid if sacked_out) */
	u64 retx_hint;           /* recovery: holes below this offset were retransmitted */
	/* RACK (RFC 8985, net/ipv4/tcp_recovery.c): the most recently sent segment known
	 * delivered (send time, end) and the RTT measured on it */
	u64 rack_mstamp;
	u64 rack_end;
	u32 rack_rtt_us;
	/* TLP (RFC 8985 7, tcp_schedule_loss_probe): the RTO timer fires first as the
	 * probe timer while tlp_armed; tlp_high_seq: snd_nxt when a probe went out, 0 when
	 * none is outstanding */
	u64 tlp_high_seq;
	bool tlp_armed;
	u32 prr_delivered;       /* PRR (RFC 6937): segments delivered since recovery began */
	u32 prr_out;             /* segments sent since recovery began */
	struct tcp_sack_block sack_cache[SIM_PKT_MAX_SACK]; /* the last ACK's blocks, as
							      * processed (offsets) */
	u32 sack_cache_n;
	/* RTT / RTO (Linux units: srtt_us << 3) */
	u32 srtt_us;
	u32 mdev_us;
	u32 mdev_max_us;
	u32 rttvar_us;
	u64 rtt_seq;
	u32 rto_us;
	u32 retries;             /* consecutive timeouts */
	engine_timer_id rto_timer;
	struct tcp_cubic cubic;

	/* receive side */
	u64 rcv_nxt;
	u64 rcv_wup;             /* rcv_nxt at the last ACK we sent */
	u64 rcv_fin_off;
	u32 rcvbuf;
	struct tcp_ofo *ofo;     /* sorted disjoint intervals beyond rcv_nxt */
	u32 ofo_len;
	u32 ofo_cap;
	struct tcp_sack_block sack_blk[SIM_PKT_MAX_SACK]; /* blocks to report, offsets,
							    * most recent first */
	u32 sack_n;
	engine_timer_id delack_timer;
	u64 delack_due;          /* ns when the pending delayed ACK is due */

	/* application */
	struct tcp_app app;
	u64 app_start_ns;
	u64 app_writes;          /* rate-limited writes done */
	engine_timer_id app_timer;
	engine_timer_id stop_timer;

	struct tcp_stats st;
};

struct tcp_conn {
	struct traffic_env env;
	struct tcp_config cfg;
	struct tcp_ep ep[2];
	u32 qhash[2];            /* qdisc flow hash per direction */
	bool done;
	bool aborted;
	bool done_reported;
	u64 start_ns;
	u64 end_ns;
};

/*
 * Create a connection (nothing is sent yet).  Returns NULL and writes a message to err if
 * the configuration is invalid (family, MSS, application settings).
 */
struct tcp_conn *tcp_conn_create(const struct traffic_env *env, const struct tcp_config *cfg,
				 char *err, size_t errlen);
/* Free the connection; pending timers are cancelled.  Packets in flight are unaffected. */
void tcp_conn_destroy(struct tcp_conn *c);
/* The client's application connects now: the SYN is sent. */
void tcp_conn_start(struct tcp_conn *c);
/* A packet sent by side p->side arrived at the other side.  Reads p; the caller frees it. */
void tcp_conn_input(struct tcp_conn *c, const struct sim_pkt *p);
/* Side `side`'s application stops writing now and closes (what it wrote is still sent). */
void tcp_conn_close(struct tcp_conn *c, int side);

static inline const struct tcp_ep *tcp_conn_ep(const struct tcp_conn *c, int side)
{
	return &c->ep[side & 1];
}

enum tcp_state tcp_ep_state(const struct tcp_ep *ep);
/* Smoothed RTT in us (0 before the first sample) and the current RTO in us. */
static inline u32 tcp_ep_srtt_us(const struct tcp_ep *ep)
{
	return ep->srtt_us >> 3;
}

/* ---- congestion control (tcp_cc.c), called by tcp.c ---- */

/* Linux's tcp_in_slow_start() and tcp_is_cwnd_limited(). */
static inline bool tcp_in_slow_start(const struct tcp_ep *ep)
{
	return ep->cwnd < ep->ssthresh;
}

static inline bool tcp_is_cwnd_limited(const struct tcp_ep *ep)
{
	if (ep->is_cwnd_limited)
		return true;
	/* in slow start, let cwnd grow to twice what was in flight */
	if (tcp_in_slow_start(ep))
		return ep->cwnd < 2 * ep->max_packets_out;
	return false;
}

void tcp_cc_init(struct tcp_ep *ep, u64 now);
/* New ssthresh on a loss (tcp_reno_ssthresh / cubictcp_recalc_ssthresh). */
u32 tcp_cc_ssthresh(struct tcp_ep *ep);
/* `acked` segments newly acknowledged in CA_Open (tcp_reno_cong_avoid/cubictcp_cong_avoid). */
void tcp_cc_cong_avoid(struct tcp_ep *ep, u32 acked, u64 now);
/* An RTT sample for CC (ca_rtt, us; < 0: none): cubic's delay_min and HyStart. */
void tcp_cc_pkts_acked(struct tcp_ep *ep, s64 rtt_us, u64 now);
/* Entering loss state after an RTO (cubictcp_state(TCP_CA_Loss)). */
void tcp_cc_enter_loss(struct tcp_ep *ep, u64 now);
/* Transmission starts after the pipe ran empty (CA_EVENT_TX_START). */
void tcp_cc_tx_start(struct tcp_ep *ep, u64 now);
/* Linux's slow start and additive increase, exposed for the CC code and tests. */
u32 tcp_slow_start(struct tcp_ep *ep, u32 acked);
void tcp_cong_avoid_ai(struct tcp_ep *ep, u32 w, u32 acked);
/* Linux's cubic_root() (table + one Newton-Raphson step, ~0.2% error). */
u32 tcp_cubic_root(u64 a);

#endif /* FLOWSIM_TCP_H */
