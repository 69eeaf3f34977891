#!/bin/bash
# 3D end to end: our GPU daemon with --virgl (virglrenderer; llvmpipe through surfaceless EGL
# on a machine without a GPU) serves a Linux guest. The guest's virtio-gpu driver must see
# VIRGL and both capsets (virgl, virgl2), and the framebuffer the guest paints (a dumb buffer
# that now lives in virglrenderer and is read back on every flush) must still show pixel for
# pixel in QEMU's screendump. Runs $VD_GPU_BACKEND (a command line) or
# $top_builddir/src/vhost-desktop-gpu, with --virgl appended.
#
# Skipped only when the daemon says virglrenderer cannot start on this machine (no Mesa EGL).
#
# QEMU's reference back-end, /usr/lib/qemu/vhost-user-gpu --virgl, is no yardstick here: on
# a machine without /dev/dri it logs "Failed to initialize virgl" yet still offers VIRGL and
# two capsets, then dies on the first capset request. Measured with QEMU 10.0.2 and the
# guest's Linux 6.1 (Debian 12), the guest's dmesg says
#	[drm] features: +virgl +edid -resource_blob -host_visible
#	[drm] number of cap sets: 2
#	[drm:virtio_gpu_get_capsets [virtio_gpu]] *ERROR* timed out waiting for cap set 0
# its debugfs "cap sets : 0", and the screen stays black (640x480, never set up). So this test
# runs only our daemon, and checks the capset answers, not just the count in the config.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 5

ours=${VD_GPU_BACKEND:-$top_builddir/src/vhost-desktop-gpu}
read -r -a ours_argv <<<"$ours"
command -v "${ours_argv[0]}" >/dev/null || vd_skip_rest "${ours_argv[0]} not built"

# What the guest reports of its virtio-gpu: the driver's probe messages (kernel log, as the
# console runs at loglevel 3) and the feature list the driver keeps in debugfs.
# shellcheck disable=SC2016 # expanded by the guest's shell
guest_lines='
dmesg | grep -E "\[drm\]|virtio.gpu" | sed -E "s/^\[ *[0-9]+\.[0-9]+\] //; s/^/dmesg: /"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for f in /sys/kernel/debug/dri/*/virtio-gpu-features; do
	[ -r "$f" ] && sed "s/^/debugfs: /" "$f" && break
done
'

# English messages: the skip below recognises the daemon's own words.
vd_gpu_fb_check_and "$guest_lines" env LC_ALL=C LANGUAGE= "${ours_argv[@]}" --virgl
fb=$?
log=$VD_WORK/gpu.log
if [ "$fb" -ne 0 ] && grep -q -- '--virgl: virglrenderer could not start' "$log"; then
	vd_skip_rest "$(grep -m 1 -- '--virgl:' "$log" | sed 's/.*--virgl: //')"
fi

out=$(vd_guest_output)
grep -E '^dmesg: \[drm\] (features:|number of cap sets|cap set )|^debugfs: (virgl|cap sets) ' \
	<<<"$out" | sed 's/^/# found: /'
grep -E '3D renderer' "$log" | sed 's/^/# found: daemon: /'

vd_check "$ours --virgl: screendump shows the guest's framebuffer pixel for pixel" \
	test "$fb" -eq 0
vd_check "guest's driver reports +virgl ([drm] features: +virgl)" \
	grep -Eq '^dmesg: \[drm\] features: \+virgl( |$)' <<<"$out"
vd_check "guest's driver reports 2 capsets ([drm] number of cap sets: 2)" \
	grep -Eqx 'dmesg: \[drm\] number of cap sets: 2' <<<"$out"
# The driver asks for each capset's id at probe (GET_CAPSET_INFO) and keeps the count only
# when every answer came back valid: virgl is id 1, virgl2 id 2.
capsets_learnt()
{
	local ids
	ids=$(sed -En 's/^dmesg: \[drm\] cap set [0-9]+: id ([0-9]+),.*/\1/p' <<<"$out" |
		sort -n | tr '\n' ' ')
	[ "$ids" = "1 2 " ] &&
		grep -Eq '^debugfs: virgl +: yes$' <<<"$out" &&
		grep -Eq '^debugfs: cap sets +: 2$' <<<"$out"
}
vd_check "guest's driver learnt capset ids 1 and 2; debugfs: virgl yes, cap sets 2" \
	capsets_learnt
# Without a render node virglrenderer can only run on Mesa's software rasteriser.
if ls /dev/dri/renderD* >/dev/null 2>&1; then
	renderer='3D renderer: [^ ]'
else
	renderer='3D renderer: .*llvmpipe'
fi
vd_check "daemon logs its renderer (/$renderer/)" grep -Eiq -- "$renderer" "$log"
