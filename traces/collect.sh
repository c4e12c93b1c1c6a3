#!/bin/sh
# SPDX-License-Identifier: MIT
#
# collect.sh - record a flowsim trace bundle on a router (OpenWrt, busybox only).
#
# Samples, every INTERVAL seconds:
#   /proc/stat, /proc/uptime, /proc/net/nf_conntrack, `conntrack -L` (when installed),
#   /sys/kernel/debug/ppeN/{entries,bind} (and the older mtk_ppe/, Airoha's ppe/)
# and records once, at the start: uname -a, /etc/openwrt_release, /proc/cpuinfo,
# `uci export firewall`, `nft -j list ruleset`, mt7915e's wed_enable, net.netfilter.* sysctls.
# Writes a gzip-compressed tar bundle whose layout docs/trace-bundle.md describes, and
# which `flowsim trace show|import` reads.
#
# Rules this script keeps, so it runs on a stock router:
#  - POSIX sh and busybox applets only (busybox ash, dash): no bash arrays, no [[ ]], no
#    `local`, no GNU-only options (no tar -z: tar | gzip; no date +%N: /proc/uptime).
#  - Every file it reads is prefixed with $FLOWSIM_ROOT (empty on a router), so a test can
#    point it at a fake root tree.  Commands (uci, nft, conntrack, uname) are found on PATH
#    as usual; a test puts stand-ins first on PATH.
#  - SIGINT/SIGTERM/SIGHUP end the sampling; the bundle is still written.  A sample that a
#    signal interrupted is dropped: a Ctrl-C also kills the cat reading it, so its files may
#    be cut short.  Packaging ignores further signals.
#  - Each sample is written into a ".tmp" directory and renamed when whole; the manifest is
#    written first with complete=0 and rewritten at the end.
#
# Exit status: 0 bundle written (also after a signal), 1 failure, 2 usage error.

COLLECT_VERSION=1

R=${FLOWSIM_ROOT:-}
# "/" and "" both mean the real root; drop a trailing slash so "$R/proc" is one slash
case $R in
*/) R=${R%/} ;;
esac

interval=1
duration=60
count=""
out=""
workdir=${TMPDIR:-/tmp}
bind_only=0
quiet=0

usage() {
	cat <<EOF
usage: collect.sh [-i INTERVAL] [-d DURATION | -n COUNT] [-o OUT.tar.gz] [-w WORKDIR] [-B] [-q]

Record a flowsim trace bundle: PPE tables, conntrack, CPU counters every INTERVAL seconds.

  -i INTERVAL  seconds between samples (whole number >= 1, default 1)
  -d DURATION  seconds to sample (default 60): DURATION/INTERVAL samples; 0 = until a signal
  -n COUNT     take COUNT samples (instead of -d)
  -o FILE      bundle to write (default ./flowsim-bundle-HOST-TIME.tar.gz)
  -w DIR       where samples are kept until packed (default \$TMPDIR or /tmp; on a router
               this is RAM: a full 16K-entry PPE table is about 4 MB per sample, use -B or
               a USB stick for long runs)
  -B           PPE: record only the bind files (bound entries), not the whole table
  -q           no progress messages
Environment: FLOWSIM_ROOT=DIR reads every file under DIR instead of / (tests).
Stop early with Ctrl-C or kill: the bundle is still written.
EOF
}

log() {
	[ "$quiet" -eq 1 ] || printf 'collect.sh: %s\n' "$*" >&2
}

die() {
	printf 'collect.sh: error: %s\n' "$*" >&2
	exit 1
}

usage_error() {
	printf 'collect.sh: %s\n' "$*" >&2
	usage >&2
	exit 2
}

is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	# at most 9 digits: sh arithmetic is only guaranteed 32 bits wide
	[ ${#1} -le 9 ]
}

while getopts i:d:n:o:w:Bqh opt; do
	case $opt in
	i) interval=$OPTARG ;;
	d) duration=$OPTARG ;;
	n) count=$OPTARG ;;
	o) out=$OPTARG ;;
	w) workdir=$OPTARG ;;
	B) bind_only=1 ;;
	q) quiet=1 ;;
	h)
		usage
		exit 0
		;;
	*) usage_error "unknown option" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage_error "unexpected argument '$1'"

is_uint "$interval" && [ "$interval" -ge 1 ] ||
	usage_error "-i: expected whole seconds >= 1, got '$interval'"
is_uint "$duration" || usage_error "-d: expected whole seconds >= 0, got '$duration'"
if [ -n "$count" ]; then
	is_uint "$count" && [ "$count" -ge 1 ] ||
		usage_error "-n: expected a sample count >= 1, got '$count'"
	duration=$((count * interval))
elif [ "$duration" -gt 0 ]; then
	count=$((duration / interval))
	[ "$count" -ge 1 ] || count=1
fi
[ -d "$workdir" ] || usage_error "-w: '$workdir' is not a directory"

# ---- helpers ------------------------------------------------------------------------------

# A file's contents on one line (newlines and CRs become spaces), for a manifest value.
one_line() {
	tr '\r\n' '  ' | sed -e 's/  *$//'
}

# first line of a file under the root, or nothing
read_first() {
	[ -r "$R$1" ] || return 1
	sed -n '1p' "$R$1" 2>/dev/null | one_line
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# /proc/uptime's first number ("12345.67"), or empty
uptime_now() {
	up=""
	if [ -r "$R/proc/uptime" ]; then
		read -r up _rest <"$R/proc/uptime" || up=""
	fi
	printf '%s' "$up"
}

# value of KEY='value' in /etc/openwrt_release (never sourced: it is data)
release_field() {
	[ -r "$R/etc/openwrt_release" ] || return 0
	sed -n "s/^$1=['\"]\{0,1\}\([^'\"]*\)['\"]\{0,1\}[[:space:]]*\$/\1/p" \
		"$R/etc/openwrt_release" | sed -n '1p'
}

# ---- where things go -----------------------------------------------------------------------

hostname=$(read_first /proc/sys/kernel/hostname)
[ -n "$hostname" ] || hostname=router
# names in the bundle keep to [A-Za-z0-9._-]
safe_host=$(printf '%s' "$hostname" | tr -c 'A-Za-z0-9._-' '_')
start_unix=$(date +%s)
start_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="flowsim-bundle-$safe_host-$stamp"
[ -n "$out" ] || out="./$name.tar.gz"

tmp=$(mktemp -d "$workdir/flowsim-collect.XXXXXX") || die "cannot create a directory in '$workdir'"
B="$tmp/$name"
mkdir -p "$B/static" "$B/samples" || die "cannot create '$B'"
: >"$B/collect.log"

keep_tmp=0
cleanup() {
	if [ "$keep_tmp" -eq 0 ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

note() {
	printf '%s\n' "$*" >>"$B/collect.log"
	log "$*"
}

# From here on a signal ends the recording but not the script: the bundle is still packed
# with what was recorded so far.
stop=0
stop_reason=""
sleep_pid=""
on_signal() {
	stop=1
	stop_reason=$1
	if [ -n "$sleep_pid" ]; then
		kill "$sleep_pid" 2>/dev/null
	fi
}
trap 'on_signal SIGINT' INT
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGHUP' HUP

# ---- one-off records -----------------------------------------------------------------------

ppe_dirs=""
for d in "$R"/sys/kernel/debug/ppe[0-9] "$R"/sys/kernel/debug/ppe "$R"/sys/kernel/debug/mtk_ppe; do
	[ -d "$d" ] || continue
	base=${d##*/}
	if [ -r "$d/entries" ] || [ -r "$d/bind" ]; then
		ppe_dirs="$ppe_dirs $base"
	fi
done
ppe_dirs=${ppe_dirs# }
if [ -z "$ppe_dirs" ]; then
	if [ -d "$R/sys/kernel/debug" ] && [ -n "$(ls "$R/sys/kernel/debug" 2>/dev/null)" ]; then
		note "no PPE debugfs directory (ppeN, ppe, mtk_ppe) under /sys/kernel/debug"
	else
		note "debugfs is not mounted at /sys/kernel/debug: no PPE tables"
	fi
fi

ct_proc=0
[ -r "$R/proc/net/nf_conntrack" ] && ct_proc=1
[ "$ct_proc" -eq 1 ] || note "/proc/net/nf_conntrack is not readable"
ct_tool=0
if have conntrack; then
	ct_tool=1
else
	note "conntrack (conntrack-tools) is not installed: no conntrack -L samples"
fi

S="$B/static"
if have uname; then
	uname -a >"$S/uname" 2>>"$B/collect.log" || note "uname -a failed"
fi
for f in /etc/openwrt_release /proc/cpuinfo /proc/version; do
	if [ -r "$R$f" ]; then
		cat "$R$f" >"$S/${f##*/}" 2>>"$B/collect.log" || note "cannot read $f"
	fi
done
if have uci; then
	uci export firewall >"$S/firewall.uci" 2>>"$B/collect.log" || {
		note "uci export firewall failed"
		rm -f "$S/firewall.uci"
	}
elif [ -r "$R/etc/config/firewall" ]; then
	# without uci the config file itself is the same syntax as its export
	cat "$R/etc/config/firewall" >"$S/firewall.uci"
	note "uci not found: static/firewall.uci is a copy of /etc/config/firewall"
fi
if have nft; then
	nft -j list ruleset >"$S/ruleset.json" 2>>"$B/collect.log" || {
		note "nft -j list ruleset failed"
		rm -f "$S/ruleset.json"
	}
else
	note "nft not found: no ruleset"
fi
wed=""
if [ -r "$R/sys/module/mt7915e/parameters/wed_enable" ]; then
	cat "$R/sys/module/mt7915e/parameters/wed_enable" >"$S/wed_enable"
	wed=$(one_line <"$S/wed_enable")
fi
# net.netfilter.* as `sysctl -a` prints them, one directory level deep (nf_log/2)
nf="$R/proc/sys/net/netfilter"
if [ -d "$nf" ]; then
	for f in "$nf"/* "$nf"/*/*; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		rel=${f#"$nf"/}
		v=$(one_line 2>/dev/null <"$f") || continue
		printf 'net.netfilter.%s = %s\n' "$(printf '%s' "$rel" | tr '/' '.')" "$v"
	done >"$S/sysctl"
fi

# What the manifest says about the device
device=$(read_first /tmp/sysinfo/model)
if [ -z "$device" ] && [ -r "$R/proc/device-tree/model" ]; then
	device=$(tr '\000' ' ' <"$R/proc/device-tree/model" | one_line)
fi
board=$(read_first /tmp/sysinfo/board_name)
compatible=""
if [ -r "$R/proc/device-tree/compatible" ]; then
	compatible=$(tr '\000' ' ' <"$R/proc/device-tree/compatible" | one_line)
fi
system_type=""
if [ -r "$R/proc/cpuinfo" ]; then
	system_type=$(sed -n 's/^system type[[:space:]]*:[[:space:]]*//p' "$R/proc/cpuinfo" |
		sed -n '1p' | one_line)
fi
# The SoC, lower case: "mediatek,mt7986a" in the device tree or "MediaTek MT7621 ver:1" as the
# MIPS system type give mt7986 / mt7621; "airoha,en7581" gives en7581.  The board entry of
# the device tree ("glinet,gl-mt6000") is not a SoC, hence the vendor prefix.
soc=$(printf '%s %s\n' "$compatible" "$system_type" | tr 'A-Z' 'a-z' |
	sed -n -e 's/.*mediatek[, ]\(mt[0-9][0-9][0-9][0-9]\).*/\1/p' \
		-e 's/.*airoha[, ]\([ae]n[0-9][0-9][0-9][0-9]\).*/\1/p' | sed -n '1p')
kernel=$(read_first /proc/sys/kernel/osrelease)
[ -n "$kernel" ] || kernel=$(uname -r 2>/dev/null)
arch=$(uname -m 2>/dev/null)

# flow_offloading / flow_offloading_hw of the firewall's defaults section
flow_sw=""
flow_hw=""
if [ -r "$S/firewall.uci" ]; then
	eval "$(awk '
		$1 == "config" { d = ($2 == "defaults" || $2 == "\047defaults\047"); if (d) n++ }
		d && n == 1 && $1 == "option" && ($2 == "flow_offloading" || $2 == "flow_offloading_hw") {
			v = $3; gsub(/[^A-Za-z0-9]/, "", v)
			k = ($2 == "flow_offloading") ? "flow_sw" : "flow_hw"
			printf "%s=%s\n", k, v
		}' "$S/firewall.uci")"
fi

# The manifest: "key=value" lines; rewritten (whole, then renamed) at the end.
write_manifest() {
	{
		printf '# flowsim trace bundle manifest (docs/trace-bundle.md)\n'
		printf 'format=flowsim-trace-bundle\n'
		printf 'version=1\n'
		printf 'collector=collect.sh %s\n' "$COLLECT_VERSION"
		printf 'complete=%s\n' "$1"
		printf 'stop=%s\n' "$2"
		printf 'host=%s\n' "$hostname"
		printf 'device=%s\n' "$device"
		printf 'board=%s\n' "$board"
		printf 'compatible=%s\n' "$compatible"
		printf 'system_type=%s\n' "$system_type"
		printf 'soc=%s\n' "$soc"
		printf 'kernel=%s\n' "$kernel"
		printf 'arch=%s\n' "$arch"
		printf 'openwrt_release=%s\n' "$(release_field DISTRIB_RELEASE)"
		printf 'openwrt_revision=%s\n' "$(release_field DISTRIB_REVISION)"
		printf 'openwrt_target=%s\n' "$(release_field DISTRIB_TARGET)"
		printf 'flow_offloading=%s\n' "$flow_sw"
		printf 'flow_offloading_hw=%s\n' "$flow_hw"
		printf 'wed_enable=%s\n' "$wed"
		printf 'ppe_dirs=%s\n' "$ppe_dirs"
		printf 'ppe_bind_only=%s\n' "$bind_only"
		printf 'conntrack_proc=%s\n' "$ct_proc"
		printf 'conntrack_tool=%s\n' "$ct_tool"
		printf 'interval=%s\n' "$interval"
		printf 'duration=%s\n' "$duration"
		printf 'start_unix=%s\n' "$start_unix"
		printf 'start_utc=%s\n' "$start_utc"
		printf 'start_uptime=%s\n' "$start_uptime"
		printf 'end_unix=%s\n' "$3"
		printf 'samples=%s\n' "$taken"
		printf 'dropped=%s\n' "$dropped"
	} >"$B/manifest.tmp" && mv "$B/manifest.tmp" "$B/manifest"
}

# ---- sampling ------------------------------------------------------------------------------

taken=0
dropped=0
start_uptime=$(uptime_now)

write_manifest 0 running "" || die "cannot write $B/manifest"

take_sample() {
	seq=$(printf '%06d' "$1")
	d="$B/samples/$seq.tmp"
	mkdir "$d" || return 1
	{
		printf 'unix=%s\n' "$(date +%s)"
		printf 'uptime=%s\n' "$(uptime_now)"
	} >"$d/time"
	[ -r "$R/proc/stat" ] && cat "$R/proc/stat" >"$d/stat" 2>/dev/null
	[ "$ct_proc" -eq 1 ] && cat "$R/proc/net/nf_conntrack" >"$d/nf_conntrack" 2>/dev/null
	if [ "$ct_tool" -eq 1 ]; then
		# the "N flow entries have been shown" trailer goes to stderr: keep both
		conntrack -L >"$d/conntrack" 2>"$d/conntrack.stderr"
	fi
	for p in $ppe_dirs; do
		mkdir "$d/$p"
		if [ "$bind_only" -eq 0 ] && [ -r "$R/sys/kernel/debug/$p/entries" ]; then
			cat "$R/sys/kernel/debug/$p/entries" >"$d/$p/entries" 2>/dev/null
		fi
		if [ -r "$R/sys/kernel/debug/$p/bind" ]; then
			cat "$R/sys/kernel/debug/$p/bind" >"$d/$p/bind" 2>/dev/null
		fi
	done
	printf 'uptime_end=%s\n' "$(uptime_now)" >>"$d/time"
	if [ "$stop" -ne 0 ]; then
		# a signal arrived while reading: the files may be cut short
		rm -rf "$d"
		dropped=$((dropped + 1))
		note "sample $1 interrupted by $stop_reason: dropped"
		return 0
	fi
	mv "$d" "$B/samples/$seq" || return 1
	taken=$((taken + 1))
	return 0
}

if [ -n "$count" ]; then
	log "sampling every ${interval}s, $count samples, into $out"
else
	log "sampling every ${interval}s until interrupted, into $out"
fi
n=0
while [ "$stop" -eq 0 ]; do
	n=$((n + 1))
	take_sample "$n" || die "cannot write sample $n under $B/samples"
	if [ -n "$count" ] && [ "$n" -ge "$count" ]; then
		stop_reason=${stop_reason:-'done'}
		break
	fi
	[ "$stop" -eq 0 ] || break
	# in the background so that a signal ends the wait at once
	sleep "$interval" &
	sleep_pid=$!
	wait "$sleep_pid" 2>/dev/null
	sleep_pid=""
done

# ---- packing: no more interruptions ----------------------------------------------------------

trap '' INT TERM HUP
[ -n "$stop_reason" ] || stop_reason='done'
if [ "$stop_reason" = 'done' ]; then
	write_manifest 1 'done' "$(date +%s)" || die "cannot write $B/manifest"
else
	note "stopped by $stop_reason after $taken samples"
	write_manifest 1 "$stop_reason" "$(date +%s)" || die "cannot write $B/manifest"
fi

rm -f "$tmp/tar.failed"
{ tar -cf - -C "$tmp" "$name" || : >"$tmp/tar.failed"; } | gzip -c >"$out.tmp"
gz=$?
if [ "$gz" -ne 0 ] || [ -e "$tmp/tar.failed" ]; then
	rm -f "$out.tmp"
	keep_tmp=1
	die "packing failed; the samples are left in $B"
fi
mv "$out.tmp" "$out" || {
	keep_tmp=1
	die "cannot write '$out'; the samples are left in $B"
}
log "wrote $out ($taken samples)"
printf '%s\n' "$out"
exit 0
