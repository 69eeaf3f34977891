#!/bin/bash
# A guest paints colour bands on /dev/fb0 of a vhost-user-gpu-pci device; QEMU's screendump
# must show them pixel for pixel. Case 1 runs QEMU's reference back-end, to prove the test;
# case 2 runs ours: $VD_GPU_BACKEND (a command line) or $top_builddir/src/vhost-desktop-gpu.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 2

ref=${VD_GPU_REFERENCE:-/usr/lib/qemu/vhost-user-gpu}
if [ -x "$ref" ]; then
	vd_check "reference back-end $ref: screendump shows the guest's framebuffer" \
		vd_gpu_fb_check "$ref"
else
	vd_skip "$ref not installed (apt-get install -t bookworm-backports qemu-system-gui)"
fi

ours=${VD_GPU_BACKEND:-$top_builddir/src/vhost-desktop-gpu}
read -r -a ours_argv <<<"$ours"
if command -v "${ours_argv[0]}" >/dev/null; then
	vd_check "$ours: screendump shows the guest's framebuffer" vd_gpu_fb_check "${ours_argv[@]}"
else
	vd_skip "${ours_argv[0]} not built"
fi
