#!/bin/sh
# Fetches Debian 12's own 6.1 kernel (image, headers, kbuild) without installing it, for the
# kernel shim (hw/kshim) and the reference test (tests/kernel).  Idempotent: a finished tree
# is reused.  Prints the path of an env file to source:
#   KVER     e.g. 6.1.0-56-amd64
#   KDIR     kernel build tree to pass to `make -C` (headers, redirected to this folder)
#   VMLINUZ  the kernel image qemu boots
#   MODDIR   lib/modules/$KVER of the unpacked image (nf_flow_table and friends)
#
# Why the ABI is resolved and not pinned: the archive keeps only the current ABI of a point
# release, so the metapackage linux-image-amd64 names the one that can be downloaded today.
# The image and the headers are resolved the same way, so the module's vermagic matches.
#
# Usage: scripts/kernel-deps.sh [DIR]    (default: $FLOWSIM_KERNEL_DIR or .kernel/ at the top)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${FLOWSIM_KERNEL_DIR:-$top/.kernel}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

die() {
	echo "kernel-deps: $*" >&2
	exit 1
}

abi_of() {
	# "Depends: linux-image-6.1.0-56-amd64" -> 6.1.0-56
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-[a-z]*-\(6\.1\.0-[0-9]*\)-amd64$/\1/p' | head -n 1
}

abi=$(abi_of linux-image-amd64)
if [ -z "$abi" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
	abi=$(abi_of linux-image-amd64)
fi
[ -n "$abi" ] || die "apt-cache cannot resolve linux-image-amd64 to a 6.1 ABI (is this Debian 12?)"
hdr_abi=$(abi_of linux-headers-amd64)
[ "$hdr_abi" = "$abi" ] || die "linux-image-amd64 ($abi) and linux-headers-amd64 ($hdr_abi) disagree"

kver="$abi-amd64"
env_file="$dir/$kver.env"
if [ -f "$env_file" ]; then
	echo "$env_file"
	exit 0
fi

debs="$dir/debs"
root="$dir/$kver"
rm -rf "$root"
mkdir -p "$debs" "$root"

# The headers' own version decides which linux-kbuild-6.1 matches (same source upload).
pkgs="linux-image-$kver linux-headers-$kver linux-headers-$abi-common linux-kbuild-6.1"
echo "kernel-deps: downloading $pkgs" >&2
(cd "$debs" && apt-get download $pkgs >&2) || die "apt-get download failed for: $pkgs"

for p in $pkgs; do
	deb=$(ls "$debs"/"${p}"_*.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$deb" ] || die "no .deb downloaded for $p"
	dpkg -x "$deb" "$root"
done

kdir="$root/usr/src/linux-headers-$kver"
common="$root/usr/src/linux-headers-$abi-common"
[ -f "$kdir/Makefile" ] || die "headers unpacked without $kdir/Makefile"
[ -d "$common" ] || die "headers unpacked without $common"

# The arch headers' Makefile includes the -common tree and kbuild by absolute /usr paths;
# point every such path at the unpacked copies.
sed -i \
	-e "s|/usr/src/linux-headers-$abi-common|$common|g" \
	"$kdir/Makefile"
for link in "$kdir/scripts" "$kdir/tools/objtool" "$common/scripts" ; do
	[ -L "$link" ] || continue
	target=$(readlink "$link")
	case "$target" in
	/*) ln -sfn "$root$target" "$link" ;;
	esac
done
# Relative links in the headers that climb to /usr/lib/linux-kbuild-6.1 resolve inside $root
# because the tree keeps the same shape.

vmlinuz="$root/boot/vmlinuz-$kver"
moddir="$root/lib/modules/$kver"
[ -f "$vmlinuz" ] || die "image unpacked without $vmlinuz"
[ -d "$moddir/kernel/net/netfilter" ] || die "image unpacked without netfilter modules"

cat >"$env_file.tmp" <<EOF
KVER=$kver
KDIR=$kdir
VMLINUZ=$vmlinuz
MODDIR=$moddir
EOF
mv "$env_file.tmp" "$env_file"
echo "$env_file"
