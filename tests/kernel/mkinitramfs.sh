#!/bin/sh
# Builds the initramfs of the kernel reference test from this machine's Debian packages:
# busybox-static (the shell and every small tool), nft, conntrack, iproute2's ip, iperf3,
# tcpdump and their shared libraries (gathered with ldd, plus the dynamic loader), the
# netfilter/veth/virtio modules of the guest kernel with their dependencies (resolved with
# modinfo), the sampler, optionally the flowsim kernel shim, and the guest script as /init.
#
# Usage: mkinitramfs.sh OUT.cpio.gz ENV_FILE SAMPLER GUEST_INIT CONF_DIR [KSHIM_KO]
#   ENV_FILE  what scripts/kernel-deps.sh printed (KVER, MODDIR)
#   SAMPLER   the kernel_sampler binary (tests/kernel/kernel_sampler.c, built on the host)
#   CONF_DIR  files the guest reads (ruleset.nft, ...), copied to /etc/flowsim
# The staging tree is OUT's directory/initramfs.d; nothing is written into the source tree.
set -eu

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ $# -ge 5 ] && [ $# -le 6 ] || die "usage: mkinitramfs.sh OUT.cpio.gz ENV_FILE SAMPLER GUEST_INIT CONF_DIR [KSHIM_KO]"
out=$1
env_file=$2
sampler=$3
guest_init=$4
conf_dir=$5
kshim=${6:-}

[ -f "$env_file" ] || die "$env_file: no such env file (run scripts/kernel-deps.sh)"
# shellcheck disable=SC1090
. "$env_file"
[ -n "${KVER:-}" ] && [ -d "${MODDIR:-}" ] || die "$env_file: KVER/MODDIR missing or MODDIR not a directory"
[ -x "$sampler" ] || die "$sampler: sampler binary missing"
[ -f "$guest_init" ] || die "$guest_init: guest script missing"
[ -d "$conf_dir" ] || die "$conf_dir: configuration directory missing"
[ -z "$kshim" ] || [ -f "$kshim" ] || die "$kshim: kernel shim module missing"

need_tool() {
	p=$(command -v "$1" 2>/dev/null) || p=""
	[ -z "$p" ] && [ -x "/usr/sbin/$1" ] && p=/usr/sbin/$1
	[ -z "$p" ] && [ -x "/sbin/$1" ] && p=/sbin/$1
	[ -n "$p" ] || die "'$1' is not installed (package $2; scripts/install-deps.sh installs it)"
	echo "$p"
}

busybox=/bin/busybox
[ -x "$busybox" ] || die "/bin/busybox missing (package busybox-static)"
# busybox-static, not the dynamic busybox: the guest has no libc until we copy one, and the
# static one must not need it.
if ldd "$busybox" >/dev/null 2>&1; then
	die "/bin/busybox is dynamically linked: install busybox-static"
fi
nft=$(need_tool nft nftables)
conntrack=$(need_tool conntrack conntrack)
iperf3=$(need_tool iperf3 iperf3)
tcpdump=$(need_tool tcpdump tcpdump)
ip_bin=/usr/sbin/ip
[ -x "$ip_bin" ] || ip_bin=/sbin/ip
[ -x "$ip_bin" ] || die "iproute2's ip is not installed (package iproute2)"
modinfo=$(need_tool modinfo kmod)
depmod=$(need_tool depmod kmod)

outdir=$(cd "$(dirname "$out")" && pwd)
stage="$outdir/initramfs.d"
rm -rf "$stage"
mkdir -p "$stage"
for d in bin sbin usr/bin usr/sbin lib lib64 proc sys dev run tmp etc root mnt var/run "lib/modules/$KVER"; do
	mkdir -p "$stage/$d"
done

cp "$busybox" "$stage/bin/busybox"
# Applets by symlink, except the tools copied from Debian below (iproute2's ip must not be
# shadowed by busybox's applet: the guest calls it by path anyway).
for a in $("$busybox" --list); do
	case "$a" in
	busybox | ip) continue ;;
	esac
	ln -s busybox "$stage/bin/$a"
done

# The dynamic tools and their libraries, at the paths ldd names (so the loader finds them
# without a cache), plus the loader itself.
copy_with_libs() {
	bin=$1
	dest=$2
	cp -L "$bin" "$stage$dest"
	ldd "$bin" | while read -r a b c _; do
		lib=""
		case "$a" in
		/*) lib=$a ;;
		esac
		[ "$b" = "=>" ] && case "$c" in /*) lib=$c ;; esac
		[ -n "$lib" ] || continue
		mkdir -p "$stage$(dirname "$lib")"
		[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
	done
}
copy_with_libs "$nft" /usr/sbin/nft
copy_with_libs "$conntrack" /usr/sbin/conntrack
copy_with_libs "$iperf3" /usr/bin/iperf3
copy_with_libs "$tcpdump" /usr/bin/tcpdump
copy_with_libs "$ip_bin" /usr/sbin/ip
copy_with_libs "$sampler" /usr/bin/kernel_sampler
# Name services some tools ask for (tcpdump drops privileges by user name unless -Z root).
printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:104::/nonexistent:/bin/false\n' >"$stage/etc/passwd"
printf 'root:x:0:\ntcpdump:x:104:\n' >"$stage/etc/group"
printf 'hosts: files\npasswd: files\ngroup: files\n' >"$stage/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$stage/etc/hosts"

# Kernel modules: the named ones and everything they depend on, in load order.
find_module() {
	f=$(find "$MODDIR/kernel" -name "$1.ko" -print 2>/dev/null | head -n 1)
	[ -n "$f" ] || die "module $1 not found under $MODDIR/kernel"
	echo "$f"
}
# etc/flowsim-modules: "NAME PATH" lines in load order (PATH relative to lib/modules/KVER).
order="$stage/etc/flowsim-modules"
: >"$order"
visit() {
	# Depth-first: dependencies are written before the module that needs them.  sh has no
	# local variables, so everything used after the recursion is recomputed from $1.
	grep -q "^$1 " "$order" && return 0
	# "softdep: pre: crc32c" (libcrc32c) names a crypto algorithm whose generic
	# implementation is the module NAME_generic.
	for dep in $("$modinfo" -F depends "$(find_module "$1")" | tr ',' ' ') \
		$("$modinfo" -F softdep "$(find_module "$1")" | sed -n 's/^pre: *//p'); do
		if find "$MODDIR/kernel" -name "$dep.ko" | grep -q .; then
			visit "$dep"
		else
			visit "${dep}_generic"
		fi
	done
	grep -q "^$1 " "$order" && return 0
	f=$(find_module "$1")
	rel=${f#"$MODDIR"/}
	mkdir -p "$stage/lib/modules/$KVER/$(dirname "$rel")"
	cp "$f" "$stage/lib/modules/$KVER/$rel"
	echo "$1 $rel" >>"$order"
}
for m in virtio_pci virtio_blk veth nf_conntrack nf_nat nf_tables nft_ct nft_masq nft_nat \
	nft_chain_nat nft_reject_inet nf_flow_table nf_flow_table_inet nft_flow_offload; do
	visit "$m"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$MODDIR/$f" ] && cp "$MODDIR/$f" "$stage/lib/modules/$KVER/"
done
# modules.dep/alias so that modprobe (and the kernel's request_module) work in the guest.
"$depmod" -b "$stage" "$KVER" || die "depmod failed on the staged modules"

if [ -n "$kshim" ]; then
	mkdir -p "$stage/lib/flowsim"
	cp "$kshim" "$stage/lib/flowsim/flowsim_kshim.ko"
fi

mkdir -p "$stage/etc/flowsim"
cp -R "$conf_dir"/. "$stage/etc/flowsim/"
cp "$guest_init" "$stage/init"
chmod 755 "$stage/init"
echo "KVER=$KVER" >"$stage/etc/flowsim-kernel"

tmp="$out.tmp"
(cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$tmp" || die "cpio/gzip failed"
mv "$tmp" "$out"
echo "$out"
