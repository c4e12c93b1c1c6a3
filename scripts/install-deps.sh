#!/bin/sh
# Installs the Debian 12 packages flowsim needs to build and test. Idempotent: packages already
# present are left alone, and apt-get is only called when something is missing.
set -eu

# busybox-static, conntrack, nftables: tests/collect runs traces/collect.sh under busybox sh
# and in a network namespace with conntrack (those cases are skipped without them).
# busybox-static (not busybox, which it conflicts with) because tests/kernel copies
# /bin/busybox into a VM's initramfs, where it must run without a libc.
# qemu-system-x86, kmod, iproute2, iperf3, tcpdump: tests/kernel boots Debian's 6.1 kernel
# under qemu with those tools (and nftables, conntrack) in its initramfs; the kernel itself
# is fetched by scripts/kernel-deps.sh.
PKGS="build-essential cmake ninja-build pkg-config
libglib2.0-dev libsqlite3-dev libfyaml-dev libjson-glib-dev libpcap-dev
sqlite3 valgrind
busybox-static conntrack nftables
qemu-system-x86 kmod iproute2 iperf3 tcpdump"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
