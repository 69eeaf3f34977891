#!/bin/bash
# The 2D dmabuf path of --dmabuf on a real /dev/udmabuf. Its test cases take the udmabuf
# path only where the kernel has udmabuf, which Debian 12's own kernel lacks
# (# CONFIG_UDMABUF is not set): test-qemu-socket's (in-process: they play QEMU's GPU
# socket on a socketpair) skip themselves, test-integration's (the daemon with --dmabuf,
# driven by the test front-end) checks the pixel fallback instead. Here they run in a
# guest that boots a kernel with CONFIG_UDMABUF=y: Debian's bookworm-backports one, which
# .ci/run downloads (not installs) into the e2e cache. The guest gets the harness's busybox
# initramfs, a layer with the programs (and the daemon) at their build-tree paths and
# every shared library ldd finds for them, no devices, and must pass every case without
# skipping.
#
# VD_E2E_UDMABUF_KERNEL: the kernel (a bzImage) to boot; the test skips without it.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

# A program of the build tree and its GTest case, one pair a line.
cases="tests/gpu/test-qemu-socket /gpu/qemu-socket/udmabuf
tests/gpu/test-qemu-socket /gpu/qemu-socket/udmabuf-limit
tests/gpu/test-qemu-socket /gpu/qemu-socket/udmabuf-after-handshake
tests/gpu/test-integration /gpu/integration/dmabuf-2d"

# The release a bzImage reports (its setup header's kernel_version string), or nothing.
udmabuf_kernel_release()
{
	local off
	[ "$(od -An -c -j 514 -N 4 "$1" 2>/dev/null | tr -d ' ')" = HdrS ] || return 0
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	tail -c +$((off + 513)) "$1" | head -c 256 | tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

[ "${VD_SKIP_E2E:-0}" = 1 ] && vd_skip_all "VD_SKIP_E2E=1"
kernel=${VD_E2E_UDMABUF_KERNEL:-}
[ -n "$kernel" ] || vd_skip_all "VD_E2E_UDMABUF_KERNEL is not set (a kernel with \
CONFIG_UDMABUF=y; .ci/run downloads Debian's bookworm-backports one)"
[ -r "$kernel" ] || vd_skip_all "VD_E2E_UDMABUF_KERNEL=$kernel does not exist"
vd_e2e_init 10

kver=$(udmabuf_kernel_release "$kernel")
[ -n "$kver" ] || vd_diag "$kernel: no kernel release in its header (not a bzImage?)"
builddir=$(cd "$top_builddir" && pwd)
# test-integration starts the daemon from its build-tree path, compiled in.
files="$builddir/src/vhost-desktop-gpu $(cut -d' ' -f1 <<<"$cases" | sort -u | sed "s|^|$builddir/|")"
for f in $files; do
	[ -x "$f" ] || vd_skip_rest "$f not built"
	# The guest runs the file itself: a libtool wrapper script would find nothing there.
	if [ "$(od -An -c -N 4 "$f" | tr -d ' ')" != 177ELF ]; then
		vd_diag "$f is not an ELF program (a libtool wrapper?)"
		exit 1
	fi
done

# The layer: the libraries (and ld.so) at their host paths, the guest loader's default
# directories too, and the programs under /vd-build: the guest links that to their build
# tree's path at run time, as the tree may lie under /tmp, which the guest mounts over.
t_layer=$EPOCHREALTIME
layer=$VD_WORK/layer
mkdir -p "$layer"
for f in $files; do
	mkdir -p "$layer/vd-build$(dirname "$f")"
	cp "$f" "$layer/vd-build$f"
	if ! ldd "$f" >"$VD_WORK/ldd.out" 2>&1 || grep -q 'not found' "$VD_WORK/ldd.out"; then
		vd_diag "ldd $f failed:"
		sed 's/^/#   /' "$VD_WORK/ldd.out"
		exit 1
	fi
	while read -r lib; do
		mkdir -p "$layer$(dirname "$lib")"
		cp -L "$lib" "$layer$lib"
	done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' \
		"$VD_WORK/ldd.out")
done
(cd "$layer" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner 0:0) \
	>"$VD_WORK/layer.cpio"
vd_diag "layer: $(wc -w <<<"$files") programs and $(find "$layer" -name '*.so*' | wc -l)" \
	"libraries, $(($(stat -c %s "$VD_WORK/layer.cpio") / 1048576)) MiB, built in" \
	"$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t_layer }") s"

guest=$VD_WORK/udmabuf-guest.sh
cat >"$guest" <<GUEST
echo "kernel: \$(uname -r)"
echo "booted after \$(cut -d' ' -f1 /proc/uptime) s"
if [ -c /dev/udmabuf ]; then
	echo "udmabuf: present"
else
	echo "udmabuf: missing"
fi
mkdir -p "\$(dirname $builddir)"
ln -s /vd-build$builddir $builddir
t0=\$(cut -d' ' -f1 /proc/uptime)
rc=0
while read -r prog case; do
	# The environment make check gives the unit tests (AM_TESTS_ENVIRONMENT).
	G_DEBUG=fatal-criticals MALLOC_PERTURB_=165 $builddir/\$prog --tap -p \$case
	r=\$?
	echo "test-exit: \$prog \$case \$r"
	[ \$r = 0 ] || rc=\$r
done <<CASES
$cases
CASES
echo "tests ran from \$t0 to \$(cut -d' ' -f1 /proc/uptime) s"
exit \$rc
GUEST

vd_diag "booting $kernel ($kver)"
VD_GUEST_KERNEL=$kernel VD_GUEST_LAYER=$VD_WORK/layer.cpio VD_GUEST_MEM=512M \
	vd_guest_start "$guest"
vd_guest_wait 240
out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'

vd_check "guest booted the udmabuf kernel (uname -r: ${kver:-?})" \
	grep -Fxq "kernel: ${kver:-?}" <<<"$out"
vd_check "/dev/udmabuf exists in the guest" grep -Fxq "udmabuf: present" <<<"$out"
# GLib's line for a skipped case ends in "# SKIP reason": only the bare line counts.
while read -r prog case; do
	# shellcheck disable=SC2016 # an awk program
	vd_check "$case passed in the guest, not skipped" \
		awk -v p="$case" '$1 == "ok" && $3 == p && NF == 3 { f = 1 } END { exit !f }' \
		<<<"$out"
	vd_check "$(basename "$prog") -p $case exited with status 0 in the guest" \
		grep -Fxq "test-exit: $prog $case 0" <<<"$out"
done <<<"$cases"
