#!/bin/sh
# The kernel reference test (CTest `kernel_reference`, label kernel): boots Debian 12's own
# 6.1 kernel under qemu (TCG) with an initramfs built here, lets the real nf_flowtable, the
# flowsim kernel shim (when hw/kshim exists) and - on the host - the simulator replaying the
# captured packets (when `flowsim run --replay` exists) see the same traffic, and compares
# their conntrack [OFFLOAD] timelines (tests/kernel/kernel_compare.c).  README.md here says
# how to read the result.
#
# Usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR
# Exit: 0 pass, 1 fail, 77 skipped (only with FLOWSIM_KERNEL_TEST_ALLOW_SKIP=1 when qemu or
# the kernel packages cannot be had; without it that is a failure, as in CI).
# Environment: FLOWSIM_KERNEL_DIR (where scripts/kernel-deps.sh unpacks the kernel),
# FLOWSIM_KERNEL_TIMEOUT (seconds the VM may run, default 420).
set -eu

[ $# -eq 3 ] || {
	echo "usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR" >&2
	exit 2
}
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
mkdir -p "$3"
work=$(cd "$3" && pwd)
here="$src/tests/kernel"
flowsim="$build/flowsim"
sampler="$build/tests/kernel/kernel_sampler"
compare="$build/tests/kernel/kernel_compare"
vm_timeout=${FLOWSIM_KERNEL_TIMEOUT:-420}
t_start=$(date +%s)

fail() {
	echo "kernel test: FAIL: $*" >&2
	exit 1
}

# A missing prerequisite of the machine (not of this project): fail, or skip when allowed.
unavailable() {
	if [ "${FLOWSIM_KERNEL_TEST_ALLOW_SKIP:-0}" = 1 ]; then
		echo "kernel test: SKIPPED (FLOWSIM_KERNEL_TEST_ALLOW_SKIP=1): $*" >&2
		exit 77
	fi
	fail "$* (scripts/install-deps.sh installs the packages; set FLOWSIM_KERNEL_TEST_ALLOW_SKIP=1 to skip locally)"
}

for t in qemu-system-x86_64 gzip tcpdump iperf3 nft conntrack; do
	command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || unavailable "'$t' is not installed"
done
[ -x /bin/busybox ] || unavailable "busybox-static is not installed"
command -v modinfo >/dev/null 2>&1 || [ -x /usr/sbin/modinfo ] || [ -x /sbin/modinfo ] ||
	unavailable "kmod (modinfo, depmod) is not installed"
PATH=$PATH:/usr/sbin:/sbin
[ -x "$flowsim" ] && [ -x "$sampler" ] && [ -x "$compare" ] ||
	fail "build first: $flowsim, $sampler or $compare missing"

echo "== kernel: scripts/kernel-deps.sh"
env_file=$("$src/scripts/kernel-deps.sh") || unavailable "scripts/kernel-deps.sh could not provide Debian's 6.1 kernel"
# shellcheck disable=SC1090
. "$env_file"
echo "kernel $KVER: $VMLINUZ"

rm -rf "$work/conf" "$work/out" "$work/sim1" "$work/sim2"
mkdir -p "$work/conf" "$work/out"

# --- the kernel shim (hw/kshim), when it exists ----------------------------------------
kshim=""
if [ -f "$src/hw/kshim/build.sh" ]; then
	echo "== kernel shim: hw/kshim/build.sh"
	sh "$src/hw/kshim/build.sh" "$work/kshim" >"$work/kshim-build.log" 2>&1 || {
		tail -n 40 "$work/kshim-build.log" >&2
		fail "hw/kshim/build.sh failed (log: $work/kshim-build.log)"
	}
	kshim=$(tail -n 1 "$work/kshim-build.log")
	[ -f "$kshim" ] || fail "hw/kshim/build.sh did not end with the .ko path (got '$kshim')"
	echo "module: $kshim"
else
	echo "== kernel shim: hw/kshim/build.sh not present, no module column"
fi

# --- the ruleset: fw4's for tests/kernel/firewall.uci, as the simulator renders it ---------
# The ct helper objects are left out: their modules are not in the guest (auto_helper 0
# assigns none, and a connection with a helper is never offloaded anyway).
"$flowsim" fw4 render --uci "$here/firewall.uci" --network lan=lan0 --network wan=wan0 --check \
	>"$work/conf/fw4.nft" || fail "flowsim fw4 render failed"
awk '
	/^\tct helper [^ ]+ \{$/ { skip = 1; next }
	skip && /^\t\}$/ { skip = 0; getline; if ($0 != "") print; next }
	!skip { print }
' "$work/conf/fw4.nft" >"$work/conf/ruleset.nft"
grep -q "ct helper" "$work/conf/ruleset.nft" && fail "ruleset still has ct helper objects"
grep -q "flow offload @ft" "$work/conf/ruleset.nft" || fail "the rendered ruleset has no 'flow offload @ft'"
"$flowsim" nft check -q "$work/conf/ruleset.nft" || fail "the core's parser refuses $work/conf/ruleset.nft"

# --- initramfs and VM ----------------------------------------------------------------------
echo "== initramfs"
sh "$here/mkinitramfs.sh" "$work/initramfs.cpio.gz" "$env_file" "$sampler" "$here/guest-init.sh" \
	"$work/conf" $kshim >/dev/null || fail "mkinitramfs.sh failed"
rm -f "$work/results.img"
dd if=/dev/zero of="$work/results.img" bs=1M count=0 seek=64 2>/dev/null
echo "== qemu (TCG, timeout ${vm_timeout}s): console in $work/console.log"
t_vm=$(date +%s)
set +e
timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
	-machine q35,accel=tcg -cpu max -smp 1 -m 512 \
	-nographic -no-reboot -nic none \
	-kernel "$VMLINUZ" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 clocksource=tsc tsc=reliable panic=-1 loglevel=4 rdinit=/init" \
	-drive file="$work/results.img",format=raw,if=virtio,cache=unsafe \
	</dev/null >"$work/console.log" 2>&1
qrc=$?
set -e
echo "VM ran $(($(date +%s) - t_vm)) s (qemu exit $qrc)"
[ $qrc -eq 124 ] || [ $qrc -eq 137 ] && {
	tail -n 30 "$work/console.log" >&2
	fail "the guest did not finish within ${vm_timeout}s (console: $work/console.log)"
}
[ $qrc -eq 0 ] || {
	tail -n 30 "$work/console.log" >&2
	fail "qemu exited with $qrc (console: $work/console.log)"
}
tar -xf "$work/results.img" -C "$work/out" 2>/dev/null ||
	fail "no results on the guest's disk (console: $work/console.log)"
grep -a "^flowsim-guest:" "$work/console.log" || true

# The guest's own verdict, then its kernel log: any BUG, WARNING or Oops fails the test.
[ -f "$work/out/dmesg.txt" ] || fail "the guest wrote no dmesg"
if grep -n -E "BUG|WARNING|Oops|general protection fault|Kernel panic|UBSAN|KASAN" \
	"$work/out/dmesg.txt" >"$work/dmesg-bad.txt"; then
	cat "$work/dmesg-bad.txt" >&2
	fail "the guest kernel logged BUG/WARNING/Oops (full log: $work/out/dmesg.txt)"
fi
grep -a -q "^FLOWSIM-RESULT ok" "$work/console.log" || {
	cat "$work/out/guest-errors.txt" 2>/dev/null >&2
	fail "the guest run did not complete (console: $work/console.log)"
}
if [ -n "$kshim" ]; then
	[ "$(cat "$work/out/kshim")" = yes ] || fail "the module was built but the guest did not load it"
	grep -E "flowsim|taint" "$work/out/dmesg.txt" || true
fi

# --- capture and replay --------------------------------------------------------------------
stamp_of() {
	sed -n "s/^$1 boottime=[0-9.]* realtime=\([0-9.]*\)$/\1/p" "$work/out/events.txt"
}
t_short=$(stamp_of udp_short)
t_end=$(stamp_of end)
[ -n "$t_short" ] && [ -n "$t_end" ] || fail "events.txt lacks the udp_short/end stamps"
"$compare" pcap-merge --split-at "$t_short" "$work/capture-1.pcap" "$work/capture-2.pcap" \
	"$work/capture.pcap" "$work/out/lan0-in.pcap" "$work/out/wan0-in.pcap" ||
	fail "cannot merge the guest's captures"

set -- --real "$work/out/real.txt" --events "$work/out/events.txt" --zero "$work/capture.pcap" \
	--out "$work/report.txt"
required=1
[ -n "$kshim" ] && set -- "$@" --module "$work/out/module.txt" && required=$((required + 1))

echo "== simulator replay"
required=$((required + 1))
for part in 1 2; do
	first=$("$compare" first-time "$work/capture-$part.pcap") || fail "capture-$part.pcap is empty"
	# Simulate until the guest's last sample, and a little more.
	dur_ms=$(awk -v a="$first" -v b="$t_end" 'BEGIN { printf "%d", (b - a) * 1000 + 2000 }')
	scenario="$here/replay.yaml"
	if [ $part = 2 ]; then
		scenario="$work/replay-short.yaml"
		sed -e 's/nf_flowtable_udp_timeout: 30/nf_flowtable_udp_timeout: 5/' \
			-e "s|firewall_uci: firewall.uci|firewall_uci: $here/firewall.uci|" \
			"$here/replay.yaml" >"$scenario"
		grep -q "nf_flowtable_udp_timeout: 5" "$scenario" || fail "cannot derive the short-timeout scenario"
	fi
	"$flowsim" run "$scenario" --replay "$work/capture-$part.pcap" --duration "${dur_ms}ms" \
		--trace-dir "$work/sim$part" --json '' --db '' -q >"$work/sim$part.log" 2>&1 || {
		cat "$work/sim$part.log" >&2
		fail "flowsim run --replay failed on capture-$part.pcap"
	}
	set -- "$@" --sim "$work/sim$part=$work/capture-$part.pcap"
done

echo "== comparison ($work/report.txt)"
set +e
"$compare" report "$@" --require-columns "$required"
crc=$?
set -e
echo "kernel test: $(($(date +%s) - t_start)) s wall time"
[ $crc -eq 0 ] || fail "the columns disagree or the run is incomplete (report: $work/report.txt)"
echo "kernel test: PASS (report: $work/report.txt)"
