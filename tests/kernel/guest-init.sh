#!/bin/sh
# /init of the kernel reference test's VM (built by tests/kernel/mkinitramfs.sh, booted by
# tests/kernel/run.sh).  It builds client - router - server network namespaces joined by
# veth pairs, loads the fw4 ruleset with its flowtable into the router, loads the flowsim
# kernel shim when the initramfs has one, captures every packet entering the router, runs
# the traffic phases while sampling the real conntrack table and the shim's prediction every
# 100 ms, then writes everything as a tar stream to the raw disk /dev/vda and powers off.
#
#   client 10.0.1.2/24 eth0 ── lan0 10.0.1.1 [router] wan0 10.0.2.1 ── eth0 10.0.2.2/24 server
#                                     masquerade on wan0 (fw4 zone wan)
#
# Phases (times are what the host compares; each is stamped into events.txt):
#   udp_default  iperf3 UDP for 2.5 s, then idle: the flow must leave the flowtable by the
#                default nf_flowtable_udp_timeout (30 s) while the next phases run;
#   tcp_bulk     iperf3 TCP at 10 Mbit/s for 3 s, then close: FIN teardown;
#   admission    cheap connections that exercise admission: a TCP SYN that is never answered
#                (SYN_SENT), a TCP SYN answered by RST, a single unanswered UDP datagram
#                (never confirmed at forward time), three unanswered UDP datagrams (UDP needs
#                no reply to be offloaded);
#   udp_short    after every flow has left the flowtable, nf_flowtable_udp_timeout=5 (also
#                given to the shim), iperf3 UDP for 2.5 s and idle expiry after 5 s.
# Console lines starting with "flowsim-guest:" are progress; "FLOWSIM-RESULT ok|fail" ends
# the run (run.sh greps for it).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

IP=/usr/sbin/ip          # iproute2; busybox's own ip applet is not installed
OUT=/tmp/out
CONF=/etc/flowsim
ROUTER=/run/netns/router
DBG=/sys/kernel/debug/flowsim
PERIOD_MS=100

log() {
	echo "flowsim-guest: $*"
}

stamp() {
	kernel_sampler stamp "$1" >>"$OUT/events.txt"
	log "phase $1"
}

in_ns() {
	ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

finish() {
	# $1: ok or fail.  Never returns.
	result=$1
	touch /tmp/stop
	sleep 1
	for p in $TCPDUMP_PIDS; do
		kill -INT "$p" 2>/dev/null
	done
	sleep 1
	dmesg >"$OUT/dmesg.txt"
	echo "$result" >"$OUT/result"
	echo "FLOWSIM-DMESG-BEGIN"
	cat "$OUT/dmesg.txt"
	echo "FLOWSIM-DMESG-END"
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -b /dev/vda ]; then
		tar -cf /dev/vda -C "$OUT" . && sync
	else
		log "no /dev/vda: results cannot be written"
		result=fail
	fi
	echo "FLOWSIM-RESULT $result"
	poweroff -f
	sleep 10
}

fail() {
	log "FAILED: $*"
	echo "$*" >>"$OUT/guest-errors.txt"
	finish fail
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p "$OUT" /run/netns
TCPDUMP_PIDS=""
log "booted, uptime $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r)"

KVER=$(uname -r)
while read -r name rel; do
	insmod "/lib/modules/$KVER/$rel" 2>"$OUT/insmod.err" ||
		grep -q "File exists" "$OUT/insmod.err" ||
		fail "insmod $name: $(cat "$OUT/insmod.err")"
done </etc/flowsim-modules

# --- namespaces and links --------------------------------------------------------------
for ns in client router server; do
	$IP netns add $ns || fail "ip netns add $ns"
	# IPv4 only: no router solicitations or MLD reports in the conntrack table.
	in_ns $ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	$IP -n "$ns" link set lo up
done
$IP link add lan0 netns router type veth peer name eth0 netns client || fail "veth lan0"
$IP link add wan0 netns router type veth peer name eth0 netns server || fail "veth wan0"
$IP -n client addr add 10.0.1.2/24 dev eth0
$IP -n router addr add 10.0.1.1/24 dev lan0
$IP -n router addr add 10.0.2.1/24 dev wan0
$IP -n server addr add 10.0.2.2/24 dev eth0
for l in "client eth0" "router lan0" "router wan0" "server eth0"; do
	# shellcheck disable=SC2086 # "NS DEV" split on purpose
	set -- $l
	$IP -n "$1" link set "$2" up || fail "link up $l"
done
$IP -n client route add default via 10.0.1.1 || fail "client default route"
in_ns router sysctl -q -w net.ipv4.ip_forward=1 || fail "ip_forward"
# The server drops what arrives on ports 7 and 9 without answering (admission cases).
in_ns server nft -f - <<'EOF' || fail "server ruleset"
table inet sink {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 7 drop
		udp dport { 7, 9 } drop
	}
}
EOF

# --- the router's ruleset (fw4's, from the same UCI config the simulator uses) ------------
in_ns router nft -f "$CONF/ruleset.nft" 2>"$OUT/nft.err" || fail "router ruleset: $(cat "$OUT/nft.err")"
in_ns router nft list ruleset >"$OUT/ruleset.listed" 2>&1
in_ns router nft list flowtables >>"$OUT/guest.log" 2>&1
# Prime the neighbour caches (the flowtable's device path needs resolved neighbours; an
# unresolved one only changes the transmit path, but keep the first connection clean).
in_ns client ping -c 1 -W 2 10.0.1.1 >/dev/null 2>&1
in_ns router ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1

# --- the kernel shim ---------------------------------------------------------------------
KSHIM=no
if [ -f /lib/flowsim/flowsim_kshim.ko ]; then
	insmod /lib/flowsim/flowsim_kshim.ko devices=lan0,wan0 kernel=601 2>"$OUT/insmod.err" ||
		fail "insmod flowsim_kshim: $(cat "$OUT/insmod.err")"
	[ -d "$DBG" ] || fail "flowsim_kshim loaded but $DBG is missing"
	# A process that lives in the router namespace, for the shim to find it by.
	nsenter --net=$ROUTER sleep 1000000 &
	holder=$!
	sleep 0.2
	echo "$holder" >"$DBG/attach" || fail "write $DBG/attach"
	cat "$CONF/ruleset.nft" >"$DBG/ruleset" || fail "write $DBG/ruleset"
	KSHIM=yes
fi
echo "$KSHIM" >"$OUT/kshim"
log "kernel shim: $KSHIM"

# --- capture and sampling ----------------------------------------------------------------
for dev in lan0 wan0; do
	in_ns router tcpdump -i $dev -Q in -n -s 128 -U -Z root -w "$OUT/$dev-in.pcap" ip \
		2>"$OUT/tcpdump-$dev.log" &
	TCPDUMP_PIDS="$TCPDUMP_PIDS $!"
done
for dev in lan0 wan0; do
	i=0
	until grep -q "listening on" "$OUT/tcpdump-$dev.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "tcpdump on $dev did not start: $(cat "$OUT/tcpdump-$dev.log")"
		sleep 0.1
	done
done
set -- /proc/net/nf_conntrack="$OUT/real.txt"
[ "$KSHIM" = yes ] && set -- "$@" "$DBG/nf_conntrack=$OUT/module.txt"
kernel_sampler sample --netns $ROUTER --period $PERIOD_MS --stop /tmp/stop "$@" \
	2>"$OUT/sampler.err" &

in_ns server iperf3 -s -p 5201 -D -I /tmp/iperf-tcp.pid >/dev/null 2>&1 || fail "iperf3 server 5201"
in_ns server iperf3 -s -p 5202 -D -I /tmp/iperf-udp.pid >/dev/null 2>&1 || fail "iperf3 server 5202"
sleep 1

no_offload_left() {
	! grep -q "OFFLOAD" /tmp/ct.now
}
wait_no_offload() {
	# $1: at most this many seconds
	i=0
	while [ $i -lt $(($1 * 4)) ]; do
		in_ns router cat /proc/net/nf_conntrack >/tmp/ct.now
		no_offload_left && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

# --- phases --------------------------------------------------------------------------------
stamp start
# UDP phases send 156 datagrams at 62.5/s (2.5 s), not `-t 2`: the flowtable moves a flow's
# deadline only when it advances by more than 1 s (flow_offload_refresh), so a flow lasting
# a whole number of seconds ends right at a refresh threshold, where a few milliseconds of
# clock difference decide whether the deadline moves by a full second.  Half a second away
# from it, the kernel, the shim and the simulator compute the same deadline.
stamp udp_default
in_ns client iperf3 -c 10.0.2.2 -p 5202 -u -b 100K -l 200 -k 156 --cport 40001 \
	>"$OUT/iperf-udp-default.txt" 2>&1 || fail "iperf3 udp (default timeout)"
stamp udp_default_end

stamp tcp_bulk
in_ns client iperf3 -c 10.0.2.2 -p 5201 -b 10M -t 3 --cport 40002 \
	>"$OUT/iperf-tcp.txt" 2>&1 || fail "iperf3 tcp"
stamp tcp_bulk_end

stamp admission
# SYN never answered (the server drops port 7): the connection stays SYN_SENT.
in_ns client kernel_sampler connect-tcp 40010 10.0.2.2 7 1500 >>"$OUT/guest.log" 2>&1 ||
	fail "connect-tcp 7"
# SYN answered by RST (nothing listens on 8): CLOSE.
in_ns client kernel_sampler connect-tcp 40011 10.0.2.2 8 500 >>"$OUT/guest.log" 2>&1 ||
	fail "connect-tcp 8"
# One UDP datagram, never answered: never confirmed when it passes the forward hook.
in_ns client kernel_sampler send-udp 40012 10.0.2.2 7 1 0 || fail "send-udp 7"
# Three UDP datagrams, never answered: UDP needs no reply to be offloaded (spec §1.2 3b).
in_ns client kernel_sampler send-udp 40013 10.0.2.2 9 3 500 || fail "send-udp 9"
stamp admission_end

# Every flow of the phases above leaves the flowtable by idle expiry or FIN.
wait_no_offload 45 || fail "flows still offloaded 45 s after the first phases"
sleep 1
stamp udp_short
in_ns router sysctl -q -w net.netfilter.nf_flowtable_udp_timeout=5 || fail "sysctl nf_flowtable_udp_timeout"
if [ "$KSHIM" = yes ]; then
	echo "nf_flowtable_udp_timeout 5" >"$DBG/sysctl" || fail "write $DBG/sysctl"
fi
in_ns client iperf3 -c 10.0.2.2 -p 5202 -u -b 100K -l 200 -k 156 --cport 40003 \
	>"$OUT/iperf-udp-short.txt" 2>&1 || fail "iperf3 udp (short timeout)"
stamp udp_short_end
wait_no_offload 15 || fail "UDP flow still offloaded 15 s after the short-timeout phase"
sleep 2
stamp end

if [ "$KSHIM" = yes ]; then
	cat "$DBG/events" >"$OUT/module-events.txt" 2>&1
	# Detach and unload, so teardown (router_destroy with live conntrack entries, kmem
	# caches, debugfs) runs under the dmesg check too.  The sampler holds flowsim/ files
	# open: stop it first.
	touch /tmp/stop
	sleep 1
	echo detach >"$DBG/attach" || fail "echo detach > $DBG/attach"
	rmmod flowsim_kshim || fail "rmmod flowsim_kshim"
	log "kernel shim: detached and unloaded"
fi
finish ok
