#!/bin/sh
# SPDX-License-Identifier: MIT
#
# test_collect.sh - traces/collect.sh, end to end: run it the way a router would, open what
# it wrote with `flowsim trace show`.
#
# usage: test_collect.sh CASE SOURCE_DIR FLOWSIM_BINARY
#   dash       the GL-MT6000 fake root (tests/data/bundle/root-mt7986), 3 samples at 1 s,
#              with dash: files, manifest, byte-identical samples, flowsim decodes it
#   busybox    the MT7621 (old mtk_ppe/ layout) and AN7581 (Airoha ppe/) fake roots with
#              busybox sh and nothing but busybox applets on PATH; conntrack-tools absent
#   signals    SIGTERM to the collector, SIGINT to its process group (Ctrl-C) while it
#              waits and while it reads a sample: bundle still written, sample dropped
#   usage      bad options: exit 2
#   netns      this machine's own /proc inside network namespaces with conntrack and NAT,
#              TCP and ICMP traffic between 10.77.x addresses inside the namespaces only
# Exit 0 pass, 1 fail, 77 skipped (CTest SKIP_RETURN_CODE) with the reason on stdout.
set -u

CASE=$1
SRC=$2
FLOWSIM=$3
COLLECT="$SRC/traces/collect.sh"
DATA="$SRC/tests/data/bundle"
T=$(mktemp -d "${TMPDIR:-/tmp}/flowsim-collect-test.XXXXXX") || exit 1
NETNS=""
failures=0

cleanup() {
	for n in $NETNS; do
		ip netns pids "$n" 2>/dev/null | while read -r p; do kill "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# manifest value of KEY in the bundle's manifest file $1
mget() {
	sed -n "s/^$2=//p" "$1"
}

expect_key() {
	v=$(mget "$1" "$2")
	[ "$v" = "$3" ] || fail "manifest $2='$v', expected '$3'"
}

# unpack bundle $1 into $2; prints the bundle's top directory
unpack() {
	mkdir -p "$2" && tar -xzf "$1" -C "$2" || { fail "cannot unpack $1"; return 1; }
	for d in "$2"/*; do
		printf '%s\n' "$d"
		return 0
	done
}

# busybox applets only, plus the named stand-ins from tests/data/bundle/bin
busybox_path() {
	dir=$1
	shift
	mkdir -p "$dir" || return 1
	busybox --install -s "$dir" 2>/dev/null || {
		for a in $(busybox --list); do ln -sf "$(command -v busybox)" "$dir/$a"; done
	}
	for c in "$@"; do ln -sf "$DATA/bin/$c" "$dir/$c"; done
}

# ---------------------------------------------------------------------------- cases ----

case_dash() {
	command -v dash >/dev/null 2>&1 || skip "dash is not installed"
	out="$T/mt7986.tar.gz"
	t0=$(date +%s)
	FLOWSIM_ROOT="$DATA/root-mt7986" PATH="$DATA/bin:$PATH" \
		dash "$COLLECT" -q -i 1 -d 3 -w "$T" -o "$out" >"$T/stdout" 2>"$T/stderr" ||
		fail "collect.sh exited $?: $(cat "$T/stderr")"
	t1=$(date +%s)
	[ "$(cat "$T/stdout")" = "$out" ] || fail "stdout is '$(cat "$T/stdout")', expected the path"
	[ ! -s "$T/stderr" ] || fail "-q, yet stderr: $(cat "$T/stderr")"
	# 3 samples, 2 sleeps of 1 s
	[ $((t1 - t0)) -ge 2 ] && [ $((t1 - t0)) -le 6 ] || fail "took $((t1 - t0)) s"
	ls "$T"/flowsim-collect.* >/dev/null 2>&1 && fail "work directory left behind"
	B=$(unpack "$out" "$T/x") || return
	case ${B##*/} in
	flowsim-bundle-gl-mt6000-20[0-9][0-9][01][0-9][0-3][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) ;;
	*) fail "top directory '${B##*/}'" ;;
	esac
	for f in manifest collect.log static/uname static/openwrt_release static/cpuinfo \
		static/version static/firewall.uci static/ruleset.json static/wed_enable static/sysctl; do
		[ -f "$B/$f" ] || fail "missing $f"
	done
	n=0
	for s in "$B"/samples/*; do
		n=$((n + 1))
		[ "${s##*/}" = "$(printf '%06d' $n)" ] || fail "sample directory ${s##*/}"
		for f in time stat nf_conntrack conntrack conntrack.stderr ppe0/entries ppe0/bind \
			ppe1/entries ppe1/bind; do
			[ -f "$s/$f" ] || fail "missing ${s##*/}/$f"
		done
		cmp -s "$s/stat" "$DATA/root-mt7986/proc/stat" || fail "${s##*/}/stat differs"
		cmp -s "$s/nf_conntrack" "$DATA/root-mt7986/proc/net/nf_conntrack" ||
			fail "${s##*/}/nf_conntrack differs"
		cmp -s "$s/ppe0/entries" "$DATA/root-mt7986/sys/kernel/debug/ppe0/entries" ||
			fail "${s##*/}/ppe0/entries differs"
		cmp -s "$s/conntrack" "$DATA/root-mt7986/.cmd/conntrack-L" ||
			fail "${s##*/}/conntrack differs"
		grep -qx 'conntrack v1.4.8 (conntrack-tools): 4 flow entries have been shown.' \
			"$s/conntrack.stderr" || fail "${s##*/}/conntrack.stderr"
		grep -qx 'uptime=12345.67' "$s/time" || fail "${s##*/}/time: $(cat "$s/time")"
		grep -q '^unix=[0-9][0-9]*$' "$s/time" || fail "${s##*/}/time has no unix="
	done
	[ $n -eq 3 ] || fail "$n samples, expected 3"
	M="$B/manifest"
	expect_key "$M" format flowsim-trace-bundle
	expect_key "$M" version 1
	expect_key "$M" complete 1
	expect_key "$M" stop 'done'
	expect_key "$M" samples 3
	expect_key "$M" dropped 0
	expect_key "$M" interval 1
	expect_key "$M" duration 3
	expect_key "$M" host gl-mt6000
	expect_key "$M" device "GL.iNet GL-MT6000"
	expect_key "$M" board glinet,gl-mt6000
	expect_key "$M" compatible "glinet,gl-mt6000 mediatek,mt7986a"
	expect_key "$M" soc mt7986
	expect_key "$M" kernel 6.6.73
	expect_key "$M" openwrt_release 24.10.0
	expect_key "$M" openwrt_revision r28427-6df0e3d02a
	expect_key "$M" openwrt_target mediatek/filogic
	expect_key "$M" flow_offloading 1
	expect_key "$M" flow_offloading_hw 1
	expect_key "$M" wed_enable Y
	expect_key "$M" ppe_dirs "ppe0 ppe1"
	expect_key "$M" conntrack_proc 1
	expect_key "$M" conntrack_tool 1
	expect_key "$M" start_uptime 12345.67
	st=$(mget "$M" start_unix)
	en=$(mget "$M" end_unix)
	[ "$en" -ge "$st" ] 2>/dev/null || fail "start_unix '$st', end_unix '$en'"
	grep -qx 'net.netfilter.nf_flowtable_tcp_timeout = 30' "$B/static/sysctl" ||
		fail "static/sysctl: $(cat "$B/static/sysctl")"
	grep -qx 'net.netfilter.nf_log.2 = NONE' "$B/static/sysctl" || fail "nf_log/2 not in sysctl"
	head -n 1 "$B/static/firewall.uci" | grep -qx 'package firewall' || fail "firewall.uci"
	cmp -s "$B/static/ruleset.json" "$DATA/root-mt7986/.cmd/ruleset.json" || fail "ruleset.json"
	[ ! -s "$B/collect.log" ] || fail "collect.log: $(cat "$B/collect.log")"

	# flowsim reads it: 3 samples, each 6 BND / 1 UNB on ppe0 with 2 orphans (the fake
	# root's IPv6 entries have no conntrack line), 4 connections
	"$FLOWSIM" trace show "$out" >"$T/show" 2>"$T/show.err" || fail "trace show: $(cat "$T/show.err")"
	[ "$(grep -c '  6/1/0      2                0/0/0      0' "$T/show")" -eq 3 ] ||
		fail "trace show samples: $(cat "$T/show")"
	grep -q '^connections: 4,' "$T/show" || fail "trace show connections"
	grep -q 'uptime does not advance' "$T/show.err" || fail "no note on the fake root's uptime"
	"$FLOWSIM" trace show --json "$out" >"$T/show.json" || fail "trace show --json"
	grep -q '"soc" : "mt7986"' "$T/show.json" || fail "JSON manifest soc"
}

case_busybox() {
	command -v busybox >/dev/null 2>&1 || skip "busybox is not installed (Debian package busybox)"
	bb="$T/bb"
	busybox_path "$bb" uci nft || fail "cannot set up busybox PATH"
	# MT7621 on 22.03: the old mtk_ppe/ directory, MIPS cpuinfo, no conntrack-tools
	out="$T/mt7621.tar.gz"
	FLOWSIM_ROOT="$DATA/root-mt7621" PATH="$bb" "$bb/sh" "$COLLECT" -i 1 -n 2 -w "$T" \
		-o "$out" >"$T/stdout" 2>"$T/stderr" || fail "busybox sh: exit $?: $(cat "$T/stderr")"
	B=$(unpack "$out" "$T/x1") || return
	M="$B/manifest"
	expect_key "$M" soc mt7621
	expect_key "$M" system_type "MediaTek MT7621 ver:1 eco:3"
	expect_key "$M" kernel 5.10.176
	expect_key "$M" openwrt_release 22.03.5
	expect_key "$M" ppe_dirs mtk_ppe
	expect_key "$M" conntrack_tool 0
	expect_key "$M" wed_enable ""
	expect_key "$M" samples 2
	expect_key "$M" duration 2
	for s in 000001 000002; do
		cmp -s "$B/samples/$s/mtk_ppe/entries" "$DATA/root-mt7621/sys/kernel/debug/mtk_ppe/entries" ||
			fail "$s/mtk_ppe/entries"
		cmp -s "$B/samples/$s/mtk_ppe/bind" "$DATA/root-mt7621/sys/kernel/debug/mtk_ppe/bind" ||
			fail "$s/mtk_ppe/bind"
		[ -e "$B/samples/$s/conntrack" ] && fail "$s/conntrack without conntrack-tools"
	done
	grep -q 'conntrack (conntrack-tools) is not installed' "$B/collect.log" ||
		fail "collect.log: $(cat "$B/collect.log")"
	grep -q 'nft -j list ruleset failed' "$B/collect.log" || fail "nft failure not logged"
	[ -e "$B/static/ruleset.json" ] && fail "a failed nft left static/ruleset.json"
	"$FLOWSIM" trace show "$out" >"$T/show" 2>&1 || fail "trace show (busybox tar): $(cat "$T/show")"
	grep -q 'soc       mt7621: NETSYS v1' "$T/show" || fail "trace show soc"
	grep -q '2/2/0      0' "$T/show" || fail "trace show mtk_ppe occupancy: $(cat "$T/show")"

	# Airoha AN7581: /sys/kernel/debug/ppe, no uci (the config file is copied), -B
	out="$T/an7581.tar.gz"
	FLOWSIM_ROOT="$DATA/root-an7581" PATH="$bb" "$bb/sh" "$COLLECT" -i 1 -n 1 -B -w "$T" \
		-o "$out" >"$T/stdout" 2>"$T/stderr" || fail "busybox sh (an7581): exit $?"
	B=$(unpack "$out" "$T/x2") || return
	M="$B/manifest"
	expect_key "$M" soc en7581
	expect_key "$M" ppe_dirs ppe
	expect_key "$M" ppe_bind_only 1
	[ -f "$B/samples/000001/ppe/bind" ] || fail "ppe/bind missing"
	[ -e "$B/samples/000001/ppe/entries" ] && fail "-B recorded ppe/entries"
	"$FLOWSIM" trace show "$out" >"$T/show" 2>&1 || fail "trace show (an7581): $(cat "$T/show")"
	grep -q 'soc       an7581: Airoha layout' "$T/show" || fail "an7581 soc: $(cat "$T/show")"
	grep -q '2/?/?      0' "$T/show" || fail "an7581 bind-only occupancy: $(cat "$T/show")"
}

# wait (up to 10 s) until the glob $1 matches
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		for f in $1; do
			[ -e "$f" ] && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

case_signals() {
	# SIGTERM to the collector while it sleeps between samples
	out="$T/term.tar.gz"
	FLOWSIM_ROOT="$DATA/root-an7581" sh "$COLLECT" -q -i 30 -d 0 -w "$T" -o "$out" \
		>/dev/null 2>"$T/stderr" &
	pid=$!
	wait_for "$T/flowsim-collect.*/*/samples/000001" || fail "no first sample"
	sleep 0.3
	t0=$(date +%s)
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	t1=$(date +%s)
	[ $rc -eq 0 ] || fail "SIGTERM: exit $rc: $(cat "$T/stderr")"
	[ $((t1 - t0)) -le 3 ] || fail "SIGTERM took $((t1 - t0)) s: the 30 s sleep was not cut"
	B=$(unpack "$out" "$T/x1") || return
	expect_key "$B/manifest" stop SIGTERM
	expect_key "$B/manifest" complete 1
	expect_key "$B/manifest" samples 1
	grep -q 'stopped by SIGTERM after 1 samples' "$B/collect.log" || fail "collect.log"
	"$FLOWSIM" trace show -q "$out" >/dev/null || fail "trace show after SIGTERM"

	# Ctrl-C: SIGINT to the whole process group while a sample is being read.  The
	# conntrack file is a FIFO nobody writes, so `cat` blocks there; the signal kills it
	# and the half-read sample must be dropped.
	root="$T/root-fifo"
	cp -R "$DATA/root-an7581" "$root"
	rm -f "$root/proc/net/nf_conntrack"
	mkfifo "$root/proc/net/nf_conntrack" || skip "mkfifo failed"
	out="$T/int.tar.gz"
	command -v setsid >/dev/null 2>&1 || skip "setsid (util-linux or busybox) is not installed"
	# A background job of a script starts with SIGINT ignored (POSIX), and an ignored
	# signal cannot be trapped: put it back to default, as a terminal's foreground job has
	# it (env --default-signal, coreutils >= 8.31).
	env --default-signal=INT true 2>/dev/null || skip "env --default-signal is not supported"
	# its own process group, as a terminal's foreground job: setsid does not fork when
	# its caller is not a group leader, so $! is the collector and its group id
	FLOWSIM_ROOT="$root" setsid env --default-signal=INT sh "$COLLECT" -q -i 1 -d 0 -w "$T" \
		-o "$out" >/dev/null 2>"$T/stderr" &
	pid=$!
	if ! wait_for "$T/flowsim-collect.*/*/samples/000001.tmp/stat"; then
		fail "collector not blocked on the FIFO"
		kill -KILL -"$pid" 2>/dev/null
		return
	fi
	sleep 0.3
	if ! kill -INT -"$pid" 2>/dev/null; then
		fail "collector is not a process group leader"
		kill -KILL "$pid"
		return
	fi
	wait "$pid"
	rc=$?
	[ $rc -eq 0 ] || fail "SIGINT: exit $rc: $(cat "$T/stderr")"
	B=$(unpack "$out" "$T/x2") || return
	expect_key "$B/manifest" stop SIGINT
	expect_key "$B/manifest" samples 0
	expect_key "$B/manifest" dropped 1
	[ -e "$B/samples/000001" ] && fail "the interrupted sample was kept"
	grep -q 'sample 1 interrupted by SIGINT: dropped' "$B/collect.log" || fail "collect.log: $(cat "$B/collect.log")"
	"$FLOWSIM" trace show "$out" >"$T/show" 2>&1 || fail "trace show of a bundle without samples"
	grep -q 'no samples' "$T/show" || fail "no warning about the empty bundle: $(cat "$T/show")"
}

case_usage() {
	for args in "-i 0" "-i abc" "-d -5" "-n 0" "-x" "-w $T/nonexistent" "extra"; do
		# shellcheck disable=SC2086
		sh "$COLLECT" $args -o "$T/u.tar.gz" >/dev/null 2>"$T/err"
		rc=$?
		[ $rc -eq 2 ] || fail "collect.sh $args: exit $rc, expected 2"
		[ -s "$T/err" ] || fail "collect.sh $args: no message"
	done
	sh "$COLLECT" -h >"$T/out" || fail "-h"
	grep -q '^usage: collect.sh' "$T/out" || fail "-h prints no usage"
	[ -e "$T/u.tar.gz" ] && fail "a usage error wrote a bundle"
	# a path that cannot be written: exit 1, the samples are kept for the user
	FLOWSIM_ROOT="$DATA/root-an7581" sh "$COLLECT" -q -n 1 -w "$T" -o "$T/no/such/dir/b.tar.gz" \
		>/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 1 ] || fail "unwritable output: exit $rc"
	grep -q 'the samples are left in' "$T/err" || fail "unwritable output: $(cat "$T/err")"
}

case_netns() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for ip netns"
	for c in ip nft conntrack; do
		command -v $c >/dev/null 2>&1 || skip "$c is not installed"
	done
	P="fsbc$$"
	for n in a r b; do
		ip netns add "$P-$n" 2>"$T/err" || skip "ip netns add: $(cat "$T/err")"
		NETNS="$NETNS $P-$n"
	done
	ip link add "$P-va" type veth peer name "$P-ra" 2>"$T/err" || skip "veth: $(cat "$T/err")"
	ip link set "$P-va" netns "$P-a" && ip link set "$P-ra" netns "$P-r" &&
		ip link add "$P-vb" type veth peer name "$P-rb" &&
		ip link set "$P-vb" netns "$P-b" && ip link set "$P-rb" netns "$P-r" ||
		skip "cannot move veth ends into namespaces"
	ip -n "$P-a" addr add 10.77.1.2/24 dev "$P-va"
	ip -n "$P-b" addr add 10.77.2.2/24 dev "$P-vb"
	ip -n "$P-r" addr add 10.77.1.1/24 dev "$P-ra"
	ip -n "$P-r" addr add 10.77.2.1/24 dev "$P-rb"
	for x in "a va" "b vb" "r ra" "r rb"; do
		set -- $x
		ip -n "$P-$1" link set "$P-$2" up
	done
	for n in a r b; do ip -n "$P-$n" link set lo up; done
	ip -n "$P-a" route add default via 10.77.1.1
	ip -n "$P-b" route add default via 10.77.2.1
	ip netns exec "$P-r" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
	# conntrack with NAT as fw4 sets it up; a flowtable where the kernel has one
	cat >"$T/rules.nft" <<EOF
table inet fsbtest {
	chain forward { type filter hook forward priority 0; policy accept; ct state established,related counter accept; }
	chain srcnat { type nat hook postrouting priority 100; oifname "$P-rb" masquerade; }
}
EOF
	ip netns exec "$P-r" nft -f "$T/rules.nft" 2>"$T/err" || skip "nft in a namespace: $(cat "$T/err")"
	cat >"$T/ft.nft" <<EOF
table inet fsbtest {
	flowtable ft { hook ingress priority 0; devices = { "$P-ra", "$P-rb" }; }
	chain forward { type filter hook forward priority 0; policy accept; meta l4proto tcp flow add @ft; }
}
EOF
	flowtable=1
	ip netns exec "$P-r" nft -f "$T/ft.nft" 2>"$T/ft.err" || {
		flowtable=0
		echo "note: no flowtable in this kernel ($(head -n 1 "$T/ft.err")): slow path only"
	}
	if command -v ping >/dev/null 2>&1; then
		PING=ping
	elif command -v busybox >/dev/null 2>&1; then
		PING="busybox ping"
	else
		skip "neither ping nor busybox is installed"
	fi
	ip netns exec "$P-a" $PING -c 1 -W 2 10.77.2.2 >"$T/ping" 2>&1 ||
		skip "no route through the namespaces: $(cat "$T/ping")"

	# traffic, all between the namespaces, bounded: ICMP and a TCP bulk transfer
	# busybox ping has no -i: one a second for the 4 s of sampling
	ip netns exec "$P-a" $PING -c 5 10.77.2.2 >/dev/null 2>&1 &
	tcp=none
	if command -v iperf3 >/dev/null 2>&1; then
		ip netns exec "$P-b" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
		sleep 0.5
		ip netns exec "$P-a" timeout 20 iperf3 -c 10.77.2.2 -p 5201 -t 3 >/dev/null 2>&1 &
		tcp=iperf3
	elif command -v busybox >/dev/null 2>&1; then
		ip netns exec "$P-b" timeout 20 busybox nc -l -p 5201 >/dev/null 2>&1 &
		sleep 0.5
		(dd if=/dev/zero bs=64k count=4000 2>/dev/null | ip netns exec "$P-a" timeout 20 \
			busybox nc 10.77.2.2 5201 >/dev/null 2>&1) &
		tcp=nc
	fi
	out="$T/netns.tar.gz"
	ip netns exec "$P-r" sh "$COLLECT" -i 1 -n 4 -w "$T" -o "$out" >"$T/stdout" 2>"$T/stderr" ||
		fail "collect.sh in the router namespace: $(cat "$T/stderr")"
	wait
	B=$(unpack "$out" "$T/x") || return
	expect_key "$B/manifest" samples 4
	expect_key "$B/manifest" conntrack_proc 1
	expect_key "$B/manifest" conntrack_tool 1
	grep -q '"table": {"family": "inet", "name": "fsbtest"' "$B/static/ruleset.json" ||
		grep -q '"name":"fsbtest"' "$B/static/ruleset.json" ||
		fail "the namespace's ruleset is not in static/ruleset.json"
	grep -q '^net.netfilter.nf_conntrack_max = ' "$B/static/sysctl" || fail "sysctl"
	grep -q 'src=10.77.1.2 dst=10.77.2.2' "$B/samples/000002/nf_conntrack" ||
		fail "no 10.77 connection in the namespace's /proc/net/nf_conntrack"
	"$FLOWSIM" trace show "$out" >"$T/show" 2>"$T/show.err" || fail "trace show: $(cat "$T/show.err")"
	grep -q '  icmp 10.77.1.2 -> 10.77.2.2 type=8 code=0 id=' "$T/show" ||
		fail "no ICMP connection: $(cat "$T/show")"
	if [ $tcp != none ]; then
		grep -q '  tcp 10.77.1.2:[0-9]* -> 10.77.2.2:5201  (reply tcp 10.77.2.2:5201 -> 10.77.2.1:' "$T/show" ||
			fail "no masqueraded TCP connection: $(cat "$T/show")"
		if [ $flowtable -eq 1 ]; then
			grep -q ' offload ' "$T/show" || fail "flowtable, but no [OFFLOAD] state"
		else
			grep -q 'assured    ESTABLISHED' "$T/show" || fail "no assured ESTABLISHED state"
		fi
	fi
	cat "$T/show"
}

[ -x "$FLOWSIM" ] || { echo "no flowsim binary at $FLOWSIM"; exit 1; }
case $CASE in
dash) case_dash ;;
busybox) case_busybox ;;
signals) case_signals ;;
usage) case_usage ;;
netns) case_netns ;;
*)
	echo "unknown case '$CASE'"
	exit 1
	;;
esac
if [ $failures -ne 0 ]; then
	echo "$CASE: $failures failure(s)"
	exit 1
fi
echo "$CASE: ok"
exit 0
