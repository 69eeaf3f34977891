#!/bin/bash
# A frame rendered by Mesa in the guest, through virgl: the guest runs kmscube (KMS, GBM,
# EGL, GLES 2) on Mesa's virgl driver over virtio-gpu; our GPU daemon with --virgl replays
# its commands in virglrenderer (llvmpipe on a machine without a GPU) and reads the scanout
# back for QEMU, whose screendump must show the spinning cube: kmscube's grey background,
# many colours on the cube, and a different picture a moment later.
#
# The guest's userland is Debian 12's kmscube and Mesa with everything they depend on,
# extracted from the packages (build-debian-root.sh, about 330 MB, libLLVM the largest part)
# into a disk image the busybox guest mounts and runs kmscube in, so the guest's Mesa is
# whole whatever Mesa the host has. Runs $VD_GPU_BACKEND (a command line) or
# $top_builddir/src/vhost-desktop-gpu, with --virgl appended. Skipped when the host cannot
# build the root (not root, no mmdebstrap) or when the daemon says virglrenderer cannot start.
# The last screendump is kept as tests/e2e/gpu-virgl-mesa.ppm in the build tree.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

[ "${VD_SKIP_E2E:-0}" = 1 ] && vd_skip_all "VD_SKIP_E2E=1"
vd_e2e_init 4

ours=${VD_GPU_BACKEND:-$top_builddir/src/vhost-desktop-gpu}
read -r -a ours_argv <<<"$ours"
command -v "${ours_argv[0]}" >/dev/null || vd_skip_rest "${ours_argv[0]} not built"

vd_debian_root mesa kmscube libgl1-mesa-dri libegl-mesa0 libegl1 libgbm1 libgles2
vd_diag "guest's Mesa: $(grep '^libgl1-mesa-dri ' "$VD_E2E_CACHE/debian-mesa/packages")"

guest=$VD_WORK/mesa-guest.sh
# VD_MESA_ENV: VAR=VALUE words for kmscube's environment, e.g. EGL_LOG_LEVEL=debug.
{
	echo '. /vd-guest.sh'
	[ -n "${VD_MESA_ENV:-}" ] && echo "export ${VD_MESA_ENV}"
} >"$guest"
cat >>"$guest" <<'GUEST'
echo "booted after $(cut -d' ' -f1 /proc/uptime) s"
vd_root_mount || exit 1
# The root is read-only: no shader cache.
export MESA_SHADER_CACHE_DISABLE=true
dmesg | grep -E '\[drm\] features:' | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //; s/^/dmesg: /'
vd_wait_for /dev/dri/card0 10 || { echo "no /dev/dri/card0"; exit 1; }
vd_fb_quiet
# Frames until kmscube stops: more than the host's screendumps will ever wait for.
# kmscube stops when its stdin turns readable ("user interrupted!"), as /dev/null always is:
# give it a FIFO whose writer stays silent (not a pipeline: $! must be kmscube itself).
: >/tmp/kmscube.log
mkfifo /tmp/kmscube.in
sleep 100000 >/tmp/kmscube.in &
vd_root_run /usr/bin/kmscube -c 100000 </tmp/kmscube.in >/tmp/kmscube.log 2>&1 &
k=$!
# Until it has set up GL (it prints the renderer), has died, or 60 s have passed.
t0=$(cut -d. -f1 /proc/uptime)
while ! grep -q 'renderer:' /tmp/kmscube.log && kill -0 $k 2>/dev/null &&
	[ $(($(cut -d. -f1 /proc/uptime) - t0)) -lt 60 ]; do
	usleep 100000
done
usleep 500000
# The extension lists are long and say nothing here.
grep -v 'extensions:' /tmp/kmscube.log | sed 's/^/kmscube: /'
kill -0 $k 2>/dev/null || { wait $k; echo "kmscube exited with status $?"; exit 1; }
echo "kmscube set up after $(cut -d' ' -f1 /proc/uptime) s"
vd_signal RENDERING
# The host takes its screendumps now, then quits QEMU.
sleep 300
GUEST

# English messages: the skip below recognises the daemon's own words.
vd_backend_start gpu env LC_ALL=C LANGUAGE= "${ours_argv[@]}" --virgl || exit 1
# shellcheck disable=SC2046 # the words are meant to split
VD_GUEST_DISK=$VD_DEBIAN_ROOT VD_GUEST_MEM=1G \
	vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci)

rendering=1
if vd_wait_serial '^@@VD-E2E-RENDERING@@$|^@@VD-E2E-END rc=' 150 &&
	tr -d '\r' <"$VD_WORK/serial.log" | grep -q '^@@VD-E2E-RENDERING@@$'; then
	rendering=0
	vd_diag "kmscube rendering $(vd_guest_elapsed) s after QEMU started"
fi
if [ "$rendering" -ne 0 ] && grep -q -- '--virgl: virglrenderer could not start' "$VD_WORK/gpu.log"
then
	vd_skip_rest "$(grep -m 1 -- '--virgl:' "$VD_WORK/gpu.log" | sed 's/.*--virgl: //')"
fi

# Screendumps until one shows the cube and differs from the one before it (the cube turns),
# for up to 60 s: frames take a while under TCG.
frame=1
turned=1
n=0
deadline=$((SECONDS + 60))
rm -f "$VD_WORK/prev.ppm" "$VD_WORK/screen.ppm" "$VD_WORK/frame.log"
while [ "$rendering" -eq 0 ]; do
	prev=()
	if [ -f "$VD_WORK/screen.ppm" ]; then
		mv "$VD_WORK/screen.ppm" "$VD_WORK/prev.ppm"
		prev=("$VD_WORK/prev.ppm")
	fi
	if vd_screendump "$VD_WORK/screen.ppm"; then
		python3 "$VD_E2E_DIR/ppm-kmscube.py" "$VD_WORK/screen.ppm" "${prev[@]}" >"$VD_WORK/frame.log" 2>&1
		rc=$?
		# The cube turned only if the screendump before showed it too.
		if [ "$rc" -eq 0 ] && [ "$frame" -eq 0 ]; then
			turned=0
			break
		fi
		if [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; then
			[ "$frame" -ne 0 ] && vd_diag "cube on screen $(vd_guest_elapsed) s after QEMU started"
			frame=0
		fi
	fi
	[ "$SECONDS" -ge "$deadline" ] && break
	sleep 1
	n=$((n + 1))
done
[ "$rendering" -eq 0 ] &&
	vd_diag "screendumps: $((n + 1)), last $(vd_guest_elapsed) s after QEMU started"
if [ -f "$VD_WORK/screen.ppm" ]; then
	mkdir -p "$top_builddir/tests/e2e"
	cp "$VD_WORK/screen.ppm" "$top_builddir/tests/e2e/gpu-virgl-mesa.ppm"
fi
[ -f "$VD_WORK/frame.log" ] && sed 's/^/# /' "$VD_WORK/frame.log"

out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'
vd_guest_kill
vd_backend_stop gpu

vd_check "guest's driver reports +virgl ([drm] features: +virgl)" \
	grep -Eq '^dmesg: \[drm\] features: \+virgl( |$)' <<<"$out"
vd_check "kmscube in the guest renders with Mesa's virgl driver (renderer: \"virgl ...\")" \
	grep -Eq '^kmscube: +renderer: "virgl' <<<"$out"
vd_check "screendump shows kmscube's cube (grey background, 64+ colours)" test "$frame" -eq 0
vd_check "a later screendump shows the cube turned" test "$turned" -eq 0
