#!/bin/bash
# The 2D dmabuf path of --dmabuf on a real /dev/udmabuf. The case below of test-qemu-socket
# (in-process: it plays QEMU's GPU socket on a socketpair) skips itself where the kernel has
# no udmabuf, as on Debian 12's own kernel (# CONFIG_UDMABUF is not set). Here it runs in a
# guest that boots a kernel with CONFIG_UDMABUF=y instead: Debian's bookworm-backports one,
# which .ci/run downloads (not installs) into the e2e cache. The guest gets the harness's
# busybox initramfs, a layer with the test program and every shared library ldd finds for
# it, no devices, and must pass the case without skipping it.
#
# VD_E2E_UDMABUF_KERNEL: the kernel (a bzImage) to boot; the test skips without it.
# VD_UDMABUF_TEST: the GTest case to run (default below).
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

test_path=${VD_UDMABUF_TEST:-/gpu/qemu-socket/udmabuf}

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
vd_e2e_init 4

kver=$(udmabuf_kernel_release "$kernel")
[ -n "$kver" ] || vd_diag "$kernel: no kernel release in its header (not a bzImage?)"
prog=$top_builddir/tests/gpu/test-qemu-socket
[ -x "$prog" ] || vd_skip_rest "$prog not built"
# The guest runs the file itself: a libtool wrapper script would find nothing there.
if [ "$(od -An -c -N 4 "$prog" | tr -d ' ')" != 177ELF ]; then
	vd_diag "$prog is not an ELF program (a libtool wrapper?)"
	exit 1
fi

# The layer: the program at /vd-test/, its libraries (and ld.so) where ldd finds them on
# the host, which are the guest loader's default directories too.
t_layer=$EPOCHREALTIME
layer=$VD_WORK/layer
mkdir -p "$layer/vd-test"
cp "$prog" "$layer/vd-test/"
if ! ldd "$prog" >"$VD_WORK/ldd.out" 2>&1 || grep -q 'not found' "$VD_WORK/ldd.out"; then
	vd_diag "ldd $prog failed:"
	sed 's/^/#   /' "$VD_WORK/ldd.out"
	exit 1
fi
while read -r lib; do
	mkdir -p "$layer$(dirname "$lib")"
	cp -L "$lib" "$layer$lib"
done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$VD_WORK/ldd.out")
(cd "$layer" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner 0:0) \
	>"$VD_WORK/layer.cpio"
vd_diag "layer: test-qemu-socket and $(find "$layer" -name '*.so*' | wc -l) libraries," \
	"$(($(stat -c %s "$VD_WORK/layer.cpio") / 1048576)) MiB, built in" \
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
t0=\$(cut -d' ' -f1 /proc/uptime)
# The environment make check gives the unit tests (AM_TESTS_ENVIRONMENT).
G_DEBUG=fatal-criticals MALLOC_PERTURB_=165 /vd-test/test-qemu-socket --tap -p $test_path
rc=\$?
echo "test-exit: \$rc"
echo "test ran from \$t0 to \$(cut -d' ' -f1 /proc/uptime) s"
exit \$rc
GUEST

vd_diag "booting $kernel ($kver), running $test_path"
VD_GUEST_KERNEL=$kernel VD_GUEST_LAYER=$VD_WORK/layer.cpio VD_GUEST_MEM=512M \
	vd_guest_start "$guest"
vd_guest_wait 240
out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'

vd_check "guest booted the udmabuf kernel (uname -r: ${kver:-?})" \
	grep -Fxq "kernel: ${kver:-?}" <<<"$out"
vd_check "/dev/udmabuf exists in the guest" grep -Fxq "udmabuf: present" <<<"$out"
# GLib's line for a skipped case ends in "# SKIP reason": only the bare line counts.
# shellcheck disable=SC2016 # an awk program
vd_check "$test_path passed in the guest, not skipped" \
	awk -v p="$test_path" '$1 == "ok" && $3 == p && NF == 3 { f = 1 } END { exit !f }' <<<"$out"
vd_check "test-qemu-socket exited with status 0 in the guest" \
	grep -Fxq "test-exit: 0" <<<"$out"
