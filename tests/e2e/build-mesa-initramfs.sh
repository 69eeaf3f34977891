#!/bin/bash
# Builds the Mesa layer of the guest used by gpu-virgl-mesa.sh: kmscube and the host's Mesa
# (virgl gallium driver, GBM, EGL through glvnd, GLES) with every shared library they need,
# copied from the host into one cpio archive. The harness's base initramfs (busybox, the
# virtio modules) goes first; the kernel unpacks concatenated archives in order.
#
# Usage: build-mesa-initramfs.sh OUTDIR
# Leaves OUTDIR/mesa.cpio (uncompressed: the guest's kernel unpacks it with memcpy, where
# gunzip of 200 MB costs tens of seconds under TCG) and OUTDIR/files (path and size of every
# file in it). Exits 2 with the package to install on stdout when the host lacks a part.
# Cached per content of this script and per name, size and time of the files it copies.
set -euo pipefail

outdir=${1:?usage: build-mesa-initramfs.sh OUTDIR}
multiarch=x86_64-linux-gnu
libdir=/usr/lib/$multiarch

missing()
{
	echo "$1"
	exit 2
}

command -v kmscube >/dev/null || missing "kmscube (apt-get install kmscube)"
kmscube=$(command -v kmscube)
dri=$libdir/dri/virtio_gpu_dri.so
[ -r "$dri" ] || missing "$dri (apt-get install libgl1-mesa-dri)"
egl_mesa=$libdir/libEGL_mesa.so.0
[ -r "$egl_mesa" ] || missing "$egl_mesa (apt-get install libegl-mesa0)"
vendor=/usr/share/glvnd/egl_vendor.d/50_mesa.json
[ -r "$vendor" ] || missing "$vendor (apt-get install libegl-mesa0)"
command -v cpio >/dev/null || missing "cpio (apt-get install cpio)"

# The programs and the modules loaded with dlopen (ldd cannot see those): glvnd's libEGL
# reads the vendor file and opens libEGL_mesa, which opens the DRI driver named after the
# kernel driver (virtio_gpu).
roots=("$kmscube" "$egl_mesa" "$dri" "$libdir/libgbm.so.1" "$libdir/libGLESv2.so.2"
	"$libdir/libEGL.so.1")

# Every shared library the roots need, by the path ldd resolves on this host.
declare -A files=()
for r in "${roots[@]}"; do
	[ -e "$r" ] || missing "$r"
	files[$r]=1
	while read -r lib; do
		files[$lib]=1
	done < <(ldd "$r" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
done
# ld.so itself, under the name every program asks for.
files[/lib64/ld-linux-x86-64.so.2]=1

# Paths as the guest will see them: kmscube where the guest's test runs it. Debian merges
# /lib into /usr/lib, the base initramfs has a real /lib (for modules), so every library goes
# under /usr/lib and /lib/$multiarch links there.
guest_path()
{
	case "$1" in
	"$kmscube") echo /usr/bin/kmscube ;;
	/lib/$multiarch/*) echo "/usr${1}" ;;
	*) echo "$1" ;;
	esac
}

list=$(for f in "${!files[@]}"; do echo "$f"; done | LC_ALL=C sort)
# Name, size and time of every file rather than its content: hashing 200 MB on every run
# would cost seconds, and a package upgrade changes both.
stamp=$( (cat "$0" "$vendor"; for f in $list; do stat -L -c '%n %s %Y' "$f"; done) |
	sha256sum | cut -c1-16)
if [ -f "$outdir/stamp" ] && [ "$(cat "$outdir/stamp")" = "$stamp" ] && [ -f "$outdir/mesa.cpio" ]
then
	exit 0
fi

mkdir -p "$outdir"
work=$(mktemp -d "$outdir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root$libdir/dri" "$root/lib64" "$root/usr/bin" "$root/usr/share/glvnd/egl_vendor.d" \
	"$root/lib"
ln -s "../usr/lib/$multiarch" "$root/lib/$multiarch"
: >"$work/files"
for f in $list; do
	g=$(guest_path "$f")
	mkdir -p "$root$(dirname "$g")"
	# Follow symlinks: the guest gets the file under the name the loader asks for.
	cp -L "$f" "$root$g"
	echo "$g $(stat -L -c %s "$f")" >>"$work/files"
done
cp "$vendor" "$root$vendor"
if [ -d /usr/share/drirc.d ]; then
	mkdir -p "$root/usr/share/drirc.d"
	cp /usr/share/drirc.d/* "$root/usr/share/drirc.d/"
fi

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner 0:0) \
	>"$work/mesa.cpio"
mv "$work/mesa.cpio" "$work/files" "$outdir/"
echo "$stamp" >"$outdir/stamp"
