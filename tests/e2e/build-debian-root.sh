#!/bin/bash
# Builds a guest root file system from Debian packages, so that what a guest runs (Mesa,
# kmscube, Weston) is whole and the same whatever the host has installed: mmdebstrap
# extracts the named packages and everything they depend on from Debian 12 (bookworm,
# bookworm-updates, bookworm-security, at the URIs of the machine's own apt sources; never
# backports), and mke2fs turns the tree into an ext4 image that the guest mounts read-only
# from a virtio disk (guest-lib.sh: vd_root_mount, vd_root_run).
#
# Usage: build-debian-root.sh OUTDIR PACKAGE...
# Leaves OUTDIR/root.img, OUTDIR/packages (name and version of every package in it) and
# OUTDIR/build.log. Needs root (mmdebstrap's root mode keeps file owners without a user
# namespace), mmdebstrap and mke2fs; exits 2 naming what is missing. The image is cached
# under the key of this script, the package list and the archive's state (the InRelease
# files apt last fetched for those suites): an `apt-get update` that brings new versions
# rebuilds it, anything else reuses it.
set -euo pipefail

outdir=${1:?usage: build-debian-root.sh OUTDIR PACKAGE...}
shift
[ $# -gt 0 ] || { echo "usage: build-debian-root.sh OUTDIR PACKAGE..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
sources_script=$here/../../contrib/debian-sources.sh
suites=(bookworm bookworm-updates bookworm-security)
export PATH="$PATH:/sbin:/usr/sbin"

missing()
{
	echo "$1"
	exit 2
}

[ "$(id -u)" = 0 ] || missing "root (mmdebstrap's root mode)"
command -v mmdebstrap >/dev/null || missing "mmdebstrap (apt-get install mmdebstrap)"
command -v mke2fs >/dev/null || missing "mke2fs (apt-get install e2fsprogs)"
command -v ldconfig >/dev/null || missing "ldconfig (apt-get install libc-bin)"

mkdir -p "$outdir"
sources=$(bash "$sources_script" "${suites[@]}") || exit 1

# The archive's state as the host last saw it: the InRelease files name the hash of every
# package index, so a new version anywhere in these suites changes the key.
release_files=$(apt-get indextargets --format '$(FILENAME)' 'Created-By: Packages' |
	sed -n 's|_[^_/]*_binary-[^/]*_Packages.*$|_InRelease|p' | sort -u)
key=$( (cat "$0" "$sources_script"; echo "$*"; echo "$sources"
	for f in $release_files; do
		case "$f" in
		*_bookworm_* | *_bookworm-updates_* | *_bookworm-security_*)
			[ -r "$f" ] && sha256sum "$f" ;;
		esac
	done) | sha256sum | cut -c1-16)
if [ -f "$outdir/key" ] && [ "$(cat "$outdir/key")" = "$key" ] && [ -f "$outdir/root.img" ]
then
	exit 0
fi

work=$(mktemp -d "$outdir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%s\n' "$sources" >"$work/debian.sources"
root=$work/root

# extract: only unpack, run no maintainer script, so nothing runs inside the tree and no
# chroot is needed; the guests run single programs, not an init system.
# The extract variant registers nothing with dpkg: the names of the archives it unpacked
# (package_version_arch.deb) are the list of what the guest has.
mmdebstrap --variant=extract --include="$(IFS=,; echo "$*")" \
	--aptopt='Acquire::Retries "3"' \
	--extract-hook="cd \"\$1/var/cache/apt/archives\" && ls *.deb >'$work/debs'" \
	bookworm "$root" "$work/debian.sources" >"$outdir/build.log" 2>&1 || {
	tail -n 30 "$outdir/build.log" >&2
	echo "build-debian-root: mmdebstrap failed (log: $outdir/build.log)" >&2
	exit 1
}

# What maintainer scripts would have done and the programs need: the dynamic linker's
# cache (libc's multiarch directory), a machine id for D-Bus clients, a passwd file.
mkdir -p "$root/etc/ld.so.conf.d" "$root"/{dev,proc,sys,tmp,run,root}
[ -f "$root/etc/ld.so.conf" ] || echo 'include /etc/ld.so.conf.d/*.conf' >"$root/etc/ld.so.conf"
[ -f "$root/etc/ld.so.conf.d/x86_64-linux-gnu.conf" ] ||
	printf '/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' \
		>"$root/etc/ld.so.conf.d/x86_64-linux-gnu.conf"
ldconfig -r "$root"
[ -f "$root/etc/passwd" ] || echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
[ -f "$root/etc/group" ] || printf 'root:x:0:\nvideo:x:44:\ninput:x:105:\n' >"$root/etc/group"
echo 0123456789abcdef0123456789abcdef >"$root/etc/machine-id"

# Versions with an epoch are stored as NAME_EPOCH%3aVERSION_ARCH.deb.
sed 's/%3a/:/; s/_[^_]*\.deb$//; s/_/ /' "$work/debs" | LC_ALL=C sort >"$work/packages"
# Room for what the guest writes is on tmpfs; the image itself is mounted read-only.
mib=$(($(du -sm "$root" | cut -f1) * 11 / 10 + 32))
mke2fs -q -t ext4 -L vd-root -m 0 -d "$root" "$work/root.img" "${mib}M" >>"$outdir/build.log" 2>&1 || {
	tail -n 10 "$outdir/build.log" >&2
	echo "build-debian-root: mke2fs failed" >&2
	exit 1
}
mv "$work/root.img" "$work/packages" "$outdir/"
echo "$key" >"$outdir/key"
