/* SPDX-License-Identifier: MIT */
/*
 * conntrack_proto_tcp.c - TCP connection tracking, after the kernel's
 * net/netfilter/nf_conntrack_proto_tcp.c: the transition table tcp_conntracks[][][],
 * window tracking (tcp_in_window), timeout selection and ASSURED.
 *
 * What is left out, and why: td_maxack and the RST sequence validation built on it (a RST
 * never keeps a flow offloaded either way), SACK blocks (the model's packets carry no SACK option, and
 * without it tcp_sack() leaves sack == ack), the sequence adjustment of NAT helpers (helper
 * connections are never offloaded, which is all flowsim needs to know of them), and the
 * challenge-ACK/RST corner cases of TIME_WAIT, which never reach a flowtable.
 */
#include "conntrack_internal.h"

enum tcp_bit_set {
	TCP_SYN_SET,
	TCP_SYNACK_SET,
	TCP_FIN_SET,
	TCP_ACK_SET,
	TCP_RST_SET,
	TCP_NONE_SET,
};

#define sNO TCP_CT_NONE
#define sSS TCP_CT_SYN_SENT
#define sSR TCP_CT_SYN_RECV
#define sES TCP_CT_ESTABLISHED
#define sFW TCP_CT_FIN_WAIT
#define sCW TCP_CT_CLOSE_WAIT
#define sLA TCP_CT_LAST_ACK
#define sTW TCP_CT_TIME_WAIT
#define sCL TCP_CT_CLOSE
#define sS2 TCP_CT_SYN_SENT2
#define sIV TCP_CT_MAX
#define sIG TCP_CT_IGNORE

/* tcp_conntracks[dir][flag class][current state]: spec linux-flowtable.md §5.1 */
static const u8 tcp_conntracks[2][6][TCP_CT_MAX] = {
	{
/* ORIGINAL */
/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2	*/
/*syn*/	   { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
/*synack*/ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/	   { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV }
	},
	{
/* REPLY */
/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2	*/
/*syn*/	   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
/*synack*/ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/	   { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV }
	}
};

/* get_conntrack_index: RST > SYN (SYN+ACK = synack) > FIN > ACK > none */
static enum tcp_bit_set tcp_flag_class(u8 flags)
{
	if (flags & FS_TCP_RST)
		return TCP_RST_SET;
	if (flags & FS_TCP_SYN)
		return flags & FS_TCP_ACK ? TCP_SYNACK_SET : TCP_SYN_SET;
	if (flags & FS_TCP_FIN)
		return TCP_FIN_SET;
	if (flags & FS_TCP_ACK)
		return TCP_ACK_SET;
	return TCP_NONE_SET;
}

/* segment_seq_plus_len: SYN and FIN each occupy one sequence number */
static u32 seg_end(const struct fs_packet *pkt)
{
	return pkt->seq + pkt->payload + (pkt->tcp_flags & FS_TCP_SYN ? 1 : 0) +
	       (pkt->tcp_flags & FS_TCP_FIN ? 1 : 0);
}

static bool before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool after(u32 a, u32 b)
{
	return before(b, a);
}

/* tcp_options: window scale (SACK is not modelled). */
static void tcp_options(const struct fs_packet *pkt, struct ct_tcp *tcp, int d)
{
	if (pkt->wscale != 0xff) {
		tcp->flags[d] |= CT_TCP_FLAG_WINDOW_SCALE;
		tcp->td_scale[d] = pkt->wscale > 14 ? 14 : pkt->wscale;
	}
}

static void tcp_dir_reset(struct ct_tcp *tcp, int d)
{
	tcp->td_end[d] = tcp->td_maxend[d] = tcp->td_maxwin[d] = 0;
	tcp->td_scale[d] = tcp->flags[d] = 0;
}

bool ct_tcp_new(struct conntrack_table *t, struct conntrack_entry *ct,
		const struct fs_packet *pkt)
{
	struct ct_tcp *tcp = &ct->proto.tcp;
	u8 state = tcp_conntracks[0][tcp_flag_class(pkt->tcp_flags)][TCP_CT_NONE];

	if (state >= TCP_CT_MAX)
		return false;
	fs_memset(tcp, 0, sizeof(*tcp));
	if (state == TCP_CT_SYN_SENT) {
		tcp->td_end[0] = seg_end(pkt);
		tcp->td_maxwin[0] = pkt->win ? pkt->win : 1;
		tcp->td_maxend[0] = tcp->td_end[0];
		tcp_options(pkt, tcp, 0);
	} else {
		/* mid-stream pickup (nf_conntrack_tcp_loose) */
		if (!t->p.tcp_loose)
			return false;
		tcp->td_end[0] = seg_end(pkt);
		tcp->td_maxwin[0] = pkt->win ? pkt->win : 1;
		tcp->td_maxend[0] = tcp->td_end[0] + tcp->td_maxwin[0];
		/* history is lost: be liberal so window scaling cannot make us drop */
		tcp->flags[0] = tcp->flags[1] =
			CT_TCP_FLAG_SACK_PERM | CT_TCP_FLAG_BE_LIBERAL;
	}
	tcp->last_index = TCP_NONE_SET;
	return true;
}

static bool tcp_in_window(struct conntrack_table *t, struct ct_tcp *state, enum ct_dir dir,
			  enum tcp_bit_set index, const struct fs_packet *pkt)
{
	const int snd = dir, rcv = !dir;
	u32 seq = pkt->seq, ack = pkt->ack, sack = pkt->ack, end = seg_end(pkt);
	u32 win = pkt->win, swin, maxackwin;
	bool is_syn = pkt->tcp_flags & FS_TCP_SYN, has_ack = pkt->tcp_flags & FS_TCP_ACK;
	bool in_recv_win;

	if (state->td_maxwin[snd] == 0) {
		if (is_syn) {
			/* SYN-ACK in reply to a SYN, or a SYN from the reply side */
			state->td_end[snd] = state->td_maxend[snd] = end;
			state->td_maxwin[snd] = win ? win : 1;
			tcp_options(pkt, state, snd);
			/* RFC 1323: scaling only if both sides sent the option */
			if (!(state->flags[snd] & CT_TCP_FLAG_WINDOW_SCALE &&
			      state->flags[rcv] & CT_TCP_FLAG_WINDOW_SCALE))
				state->td_scale[snd] = state->td_scale[rcv] = 0;
			if (!has_ack)
				return true;  /* simultaneous open */
		} else {
			/* history lost (pickup, or td_maxwin zeroed by a flowtable teardown) */
			state->td_end[snd] = end;
			swin = win << state->td_scale[snd];
			state->td_maxwin[snd] = swin ? swin : 1;
			state->td_maxend[snd] = end + state->td_maxwin[snd];
			if (state->td_maxwin[rcv] == 0)
				state->td_end[rcv] = state->td_maxend[rcv] = sack;
			else if (sack == state->td_end[rcv] + 1)
				state->td_end[rcv]++;
		}
	} else if (((state->state == TCP_CT_SYN_SENT && dir == CT_DIR_ORIGINAL) ||
		    (state->state == TCP_CT_SYN_RECV && dir == CT_DIR_REPLY)) &&
		   after(end, state->td_end[snd])) {
		/* reinitialised connection: new sequence space */
		state->td_end[snd] = state->td_maxend[snd] = end;
		state->td_maxwin[snd] = win ? win : 1;
		tcp_options(pkt, state, snd);
	}

	if (!has_ack)
		ack = sack = state->td_end[rcv];
	else if ((pkt->tcp_flags & (FS_TCP_ACK | FS_TCP_RST)) == (FS_TCP_ACK | FS_TCP_RST) && !ack)
		ack = sack = state->td_end[rcv];  /* broken stacks: RST+ACK with ack 0 */
	if ((pkt->tcp_flags & FS_TCP_RST) && seq == 0 && state->state == TCP_CT_SYN_SENT)
		seq = end = state->td_end[snd];

	maxackwin = state->td_maxwin[snd] ? state->td_maxwin[snd] : 66000;
	in_recv_win = !state->td_maxwin[rcv] ||
		      after(end, state->td_end[snd] - state->td_maxwin[rcv] - 1);
	if (before(seq, state->td_maxend[snd] + 1) && in_recv_win &&
	    before(sack, state->td_end[rcv] + 1) && after(sack, state->td_end[rcv] - maxackwin - 1)) {
		if (!is_syn)
			win <<= state->td_scale[snd];
		swin = win + (sack - ack);
		if (state->td_maxwin[snd] < swin)
			state->td_maxwin[snd] = swin;
		if (after(end, state->td_end[snd])) {
			state->td_end[snd] = end;
			state->flags[snd] |= CT_TCP_FLAG_DATA_UNACK;
		}
		if (state->td_maxwin[rcv] != 0 && after(end, state->td_maxend[snd]))
			state->td_maxwin[rcv] += end - state->td_maxend[snd];
		if (after(sack + win, state->td_maxend[rcv] - 1)) {
			state->td_maxend[rcv] = sack + win;
			if (win == 0)
				state->td_maxend[rcv]++;
		}
		if (ack == state->td_end[rcv])
			state->flags[rcv] &= ~CT_TCP_FLAG_DATA_UNACK;
		if (index == TCP_ACK_SET) {
			if (state->last_dir == dir && state->last_seq == seq &&
			    state->last_ack == ack && state->last_end == end &&
			    state->last_win == win) {
				if (state->retrans < 255)
					state->retrans++;
			} else {
				state->last_dir = dir;
				state->last_seq = seq;
				state->last_ack = ack;
				state->last_end = end;
				state->last_win = (u16)(win > 0xffff ? 0xffff : win);
				state->retrans = 0;
			}
		}
		return true;
	}
	return (state->flags[snd] & CT_TCP_FLAG_BE_LIBERAL) || t->p.tcp_be_liberal;
}

static u32 tcp_pick_timeout(struct conntrack_table *t, const struct ct_tcp *tcp,
			    enum tcp_bit_set index, u8 new_state)
{
	const u32 *to = t->p.tcp_timeout;

	if (tcp->retrans >= t->p.tcp_max_retrans && to[new_state] > to[TCP_CT_RETRANS])
		return to[TCP_CT_RETRANS];
	if (index == TCP_RST_SET && new_state == TCP_CT_ESTABLISHED &&
	    to[new_state] > to[TCP_CT_UNACK])
		return to[TCP_CT_UNACK];
	if (((tcp->flags[0] | tcp->flags[1]) & CT_TCP_FLAG_DATA_UNACK) &&
	    to[new_state] > to[TCP_CT_UNACK])
		return to[TCP_CT_UNACK];
	if (tcp->last_win == 0 && tcp->last_index == TCP_ACK_SET &&
	    to[new_state] > to[TCP_CT_RETRANS])
		return to[TCP_CT_RETRANS];
	return to[new_state];
}

enum ct_l4_verdict ct_tcp_packet(struct conntrack_table *t, struct conntrack_entry *ct,
				 enum ct_dir dir, const struct fs_packet *pkt, u64 now)
{
	struct ct_tcp *tcp = &ct->proto.tcp;
	enum tcp_bit_set index = tcp_flag_class(pkt->tcp_flags);
	u8 old_state = tcp->state;
	u8 new_state = tcp_conntracks[dir][index][old_state];
	u32 timeout;

	switch (new_state) {
	case TCP_CT_SYN_SENT:
		if (old_state < TCP_CT_TIME_WAIT)
			break;
		/* a SYN on a closed connection: reopen if it was closed by us or reset */
		if (((tcp->flags[0] | tcp->flags[1]) & CT_TCP_FLAG_CLOSE_INIT) ||
		    (tcp->last_dir == dir && tcp->last_index == TCP_RST_SET))
			return CT_L4_REOPEN;
		/* fall through */
	case TCP_CT_IGNORE:
		if (index == TCP_SYNACK_SET && tcp->last_index == TCP_SYN_SET &&
		    tcp->last_dir != dir && pkt->ack == tcp->last_end) {
			/* SYN-ACK answering a SYN we ignored: re-sync on it */
			old_state = TCP_CT_SYN_SENT;
			new_state = TCP_CT_SYN_RECV;
			tcp->td_end[tcp->last_dir] = tcp->last_end;
			tcp->td_maxend[tcp->last_dir] = tcp->last_end;
			tcp->td_maxwin[tcp->last_dir] = tcp->last_win ? tcp->last_win : 1;
			tcp->td_scale[tcp->last_dir] = 0;
			tcp->flags[tcp->last_dir] = 0;
			tcp_dir_reset(tcp, dir);
			break;
		}
		tcp->last_index = index;
		tcp->last_dir = dir;
		tcp->last_seq = pkt->seq;
		tcp->last_end = seg_end(pkt);
		tcp->last_win = pkt->win;
		return CT_L4_IGNORE;
	case TCP_CT_MAX:
		return CT_L4_INVALID;
	default:
		break;
	}

	if (!tcp_in_window(t, tcp, dir, index, pkt))
		return CT_L4_INVALID;

	tcp->last_index = index;
	tcp->last_dir = dir;
	tcp->state = new_state;
	if (old_state != new_state && new_state == TCP_CT_FIN_WAIT)
		tcp->flags[dir] |= CT_TCP_FLAG_CLOSE_INIT;
	if (old_state != new_state) {
		ct->ev_cache |= CT_EVMASK_PROTOINFO;
		conntrack_event(t, FS_EV_CT_STATE, ct, now, new_state);
	}

	timeout = tcp_pick_timeout(t, tcp, index, new_state);

	if (!(ct->status & IPS_SEEN_REPLY)) {
		/* the only reply is a RST: no connection, delete at once */
		if (pkt->tcp_flags & FS_TCP_RST)
			return CT_L4_KILL;
		/* a retransmitted SYN neither refreshes nor counts: port reuse must not
		 * keep the entry (and its NAT binding) alive forever */
		if (index == TCP_SYN_SET && old_state == TCP_CT_SYN_SENT)
			return CT_L4_IGNORE;
		/* loose pickup reaching ESTABLISHED without a reply: capped at UNACK */
		if (new_state == TCP_CT_ESTABLISHED &&
		    timeout > t->p.tcp_timeout[TCP_CT_UNACK])
			timeout = t->p.tcp_timeout[TCP_CT_UNACK];
	} else if (!(ct->status & IPS_ASSURED) &&
		   (old_state == TCP_CT_SYN_RECV || old_state == TCP_CT_ESTABLISHED) &&
		   new_state == TCP_CT_ESTABLISHED) {
		ct->status |= IPS_ASSURED;
		ct->ev_cache |= CT_EVMASK_ASSURED;
		conntrack_event(t, FS_EV_CT_ASSURED, ct, now, 0);
	}
	conntrack_set_timeout(ct, now, timeout);
	return CT_L4_ACCEPT;
}
