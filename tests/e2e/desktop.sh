# shellcheck shell=bash
# A real desktop on both daemons: a guest runs Debian 12's Weston (DRM back-end) on
# vhost-desktop-gpu, with a tablet served by vhost-desktop-input, and the test checks what
# a user would see and do:
# 1. Weston comes up on the virtio-gpu connector (its log names the output, the renderer),
# 2. QEMU's screendump is the desktop: the panel in the panel's colour with a launcher's
#    icon, the background, a client window (weston-flower): many colours (ppm-desktop.py),
# 3. libinput in the guest (`libinput debug-events` on the tablet) reports the moves and the
#    click injected over the input daemon's D-Bus control socket, at the exact positions,
# 4. that click, on the panel's launcher, starts a second weston-flower whose window shows
#    up in the next screendump.
# Sourced by desktop-pixman.sh (Weston's pixman renderer on the 2D daemon) and
# desktop-gl.sh (Weston's GL renderer on the guest's Mesa virgl driver, the daemon with
# --virgl on llvmpipe), which set renderer=pixman|gl first. The guest's userland is a
# Debian root of Weston, Mesa, udev and libinput-tools (build-debian-root.sh); busybox
# starts udevd and Weston in it. Boot-to-Weston times are printed as TAP comments. The last
# screendumps are kept as tests/e2e/desktop-RENDERER-*.ppm in the build tree.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

[ "${VD_SKIP_E2E:-0}" = 1 ] && vd_skip_all "VD_SKIP_E2E=1"
: "${renderer:?desktop.sh is sourced by desktop-pixman.sh or desktop-gl.sh}"
# Weston under TCG: boot, udev, Weston, two clients; generous for a loaded machine.
VD_E2E_TIMEOUT=${VD_E2E_TIMEOUT:-600}
vd_e2e_init 8

gpu=$top_builddir/src/vhost-desktop-gpu
input=$top_builddir/src/vhost-desktop-input
[ -x "$gpu" ] && [ -x "$input" ] || vd_skip_rest "the daemons are not built"

vd_debian_root desktop weston libinput-tools udev fonts-dejavu-core \
	libgl1-mesa-dri libegl-mesa0 libegl1 libgbm1 libgles2
vd_diag "guest's $(grep -E '^weston ' "$VD_E2E_CACHE/debian-desktop/packages"), Mesa" \
	"$(sed -n 's/^libgl1-mesa-dri //p' "$VD_E2E_CACHE/debian-desktop/packages")"

# The screen is 1280x800 (QEMU's default) and the tablet's axes count its pixels, so an
# injected position is a pixel for Weston and x/12.8 %, y/8 % for libinput's debug-events.
width=1280
height=800
panel=c08020
background=204060
tablet="vhost-desktop tablet"
ctl=$VD_WORK/input-control
# Moves libinput must report, as pixels and as debug-events prints them (percent of the
# axis), then the click on the first launcher of the panel (its cell is x < 38, y < 33).
moves=("128 80" "1152 720" "384 400" "16 16")
expect_moves="10.00/10.00 90.00/90.00 30.00/50.00 1.25/2.00"

weston_flags=()
gpu_flags=()
if [ "$renderer" = pixman ]; then
	weston_flags=(--use-pixman)
else
	gpu_flags=(--virgl)
fi

guest=$VD_WORK/desktop-guest.sh
cat >"$guest" <<GUEST
. /vd-guest.sh
vd_fb_quiet
vd_root_mount || exit 1
export MESA_SHADER_CACHE_DISABLE=true
# udev tags the input devices (ID_INPUT_*), without which libinput ignores them.
vd_root_run /lib/systemd/systemd-udevd --daemon || { echo "udevd failed"; exit 1; }
vd_root_run udevadm trigger --action=add
vd_root_run udevadm settle -t 30
dev=\$(vd_input_find "$tablet" 30) || { echo "no input device named $tablet"; exit 1; }
echo "tablet \$dev"
cat >/debian/tmp/weston.ini <<'INI'
[core]
idle-time=0
[shell]
background-color=0xff$background
panel-color=0xff$panel
panel-position=top
animation=none
startup-animation=none
locking=false
[launcher]
icon=/usr/share/weston/icon_flower.png
path=/usr/bin/weston-flower
INI
# debug-events prints through stdio: it flushes when SIGINT ends it.
vd_root_run libinput debug-events --device "\$dev" >/tmp/libinput.log 2>&1 &
vd_root_run weston --backend=drm-backend.so --tty=2 --socket=wayland-0 --config=/tmp/weston.ini \
	--log=/tmp/weston.log ${weston_flags[*]} &
weston=\$!
n=0
while [ ! -e /debian/run/user/0/wayland-0 ] && kill -0 \$weston 2>/dev/null && [ \$n -lt 2400 ]; do
	usleep 100000
	n=\$((n + 1))
done
[ -e /debian/run/user/0/wayland-0 ] || { echo "no Wayland socket"; ls -la /debian/run/user/0; grep -iE 'socket|wayland|runtime' /debian/tmp/weston.log; exit 1; }
echo "weston up: uptime \$(cut -d' ' -f1 /proc/uptime) s"
WAYLAND_DISPLAY=wayland-0 vd_root_run /usr/bin/weston-flower >/tmp/flower1.log 2>&1 &
# The shell's panel and the client draw a few seconds after the socket appears.
n=0
while [ "\$(pidof weston-flower | wc -w)" -lt 1 ] && [ \$n -lt 100 ]; do usleep 100000; n=\$((n + 1)); done
sleep 8
vd_signal DESKTOP
# The host injects the moves and the click now; the launcher starts a second flower.
n=0
while [ "\$(pidof weston-flower | wc -w)" -lt 2 ] && [ \$n -lt 1200 ]; do usleep 100000; n=\$((n + 1)); done
echo "flowers: \$(pidof weston-flower | wc -w)"
sleep 6
killall -INT libinput-debug-events 2>/dev/null
sleep 1
sed 's/^/libinput: /' /tmp/libinput.log
# Weston's log without the mode and extension lists.
grep -v -e '^ ' -e 'extensions' /debian/tmp/weston.log | sed 's/^/weston: /'
vd_signal LAUNCHED
sleep 300
GUEST

vd_backend_start gpu "$gpu" "${gpu_flags[@]}" || exit 1
vd_backend_start input "$input" --tablet --abs-x=0:$((width - 1)) --abs-y=0:$((height - 1)) \
	--control="$ctl" || exit 1
# shellcheck disable=SC2046 # the words are meant to split
VD_GUEST_DISK=$VD_DEBIAN_ROOT VD_GUEST_MEM=1G VD_GUEST_SMP=2 \
	vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci) \
	$(vd_vhost_user_args input vhost-user-input-pci)

# Usage: inject METHOD ARGS...: one call on the input daemon's control socket.
inject()
{
	local method=$1
	shift
	gdbus call --address "unix:path=$ctl" --dest org.vhostdesktop.Input1 \
		--object-path /org/vhostdesktop/Input1 --method "org.vhostdesktop.Input1.$method" \
		"$@" >>"$VD_WORK/gdbus.log" 2>&1
}

keep=$top_builddir/tests/e2e
mkdir -p "$keep"
desktop=1
shown=1
injected=1
launched=1
if vd_wait_serial '^@@VD-E2E-DESKTOP@@$|^@@VD-E2E-END rc=' 300 &&
	grep -q '^weston up' <<<"$(vd_guest_output)"; then
	desktop=0
	vd_diag "Weston up $(vd_guest_elapsed) s after QEMU started" \
		"($(vd_guest_output | sed -n 's/^weston up: //p') of guest uptime)"
	# The desktop is drawn once, then stays: a few tries for a slow first frame.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		vd_screendump "$VD_WORK/desktop.ppm" &&
			python3 "$VD_E2E_DIR/ppm-desktop.py" "$VD_WORK/desktop.ppm" "$panel" \
				"$background" >"$VD_WORK/desktop-check.log" 2>&1 && { shown=0; break; }
		sleep 2
	done
	sed 's/^/# desktop: /' "$VD_WORK/desktop-check.log"
	[ -f "$VD_WORK/desktop.ppm" ] && cp "$VD_WORK/desktop.ppm" "$keep/desktop-$renderer.ppm"

	injected=0
	for m in "${moves[@]}"; do
		# shellcheck disable=SC2086 # two numbers
		inject MoveAbsolute $m || injected=1
		sleep 0.5
	done
	inject Button 272 true || injected=1
	sleep 0.3
	inject Button 272 false || injected=1
	[ "$injected" -eq 0 ] || vd_diag "gdbus failed: $(tail -n 2 "$VD_WORK/gdbus.log")"
fi
if [ "$desktop" -eq 0 ] && vd_wait_serial '^@@VD-E2E-LAUNCHED@@$' 150; then
	# Not a pipe into grep -q: with pipefail its early exit would fail the pipe.
	grep -q '^flowers: 2' <<<"$(vd_guest_output)" && launched=0
	# The second window may take a frame or two to reach the host.
	for try in 1 2 3 4 5; do
		vd_screendump "$VD_WORK/launched.ppm" &&
			python3 "$VD_E2E_DIR/ppm-desktop.py" "$VD_WORK/launched.ppm" "$panel" \
				"$background" "$VD_WORK/desktop.ppm" >"$VD_WORK/launched-check.log" 2>&1 &&
			break
		sleep 2
	done
	[ -f "$VD_WORK/launched-check.log" ] && sed 's/^/# after the click: /' "$VD_WORK/launched-check.log"
	[ -f "$VD_WORK/launched.ppm" ] && cp "$VD_WORK/launched.ppm" "$keep/desktop-$renderer-launched.ppm"
	grep -q '^FAILED' "$VD_WORK/launched-check.log" 2>/dev/null && launched=1
fi

out=$(vd_guest_output)
printf '%s\n' "$out" | grep -v -e '^libinput: ' -e '^weston: ' -e 'could not load cursor' \
	-e 'Fontconfig error' | sed 's/^/# guest: /'
grep -E '^weston: .*(Output|renderer|GL version|DRM: head|shadow|Loading module)' <<<"$out" |
	sed 's/^/# /'
vd_guest_kill
vd_backend_stop input
vd_backend_stop gpu

# What libinput reported, as debug-events prints it.
got_moves=$(sed -n 's/^libinput: .*POINTER_MOTION_ABSOLUTE.*[[:space:]]\([0-9.]*\)\/ *\([0-9.]*\)$/\1\/\2/p' \
	<<<"$out" | paste -sd ' ')
buttons=$(sed -n 's/^libinput: .*POINTER_BUTTON.*[[:space:]]\(BTN_LEFT ([0-9]*) [a-z]*\).*/\1/p' <<<"$out" |
	paste -sd ',')
vd_diag "libinput: moves $got_moves; buttons $buttons"

vd_check "Weston starts on the virtio-gpu output ($renderer renderer)" test "$desktop" -eq 0
vd_check "Weston's log names the virtio-gpu connector (Virtual-1)" \
	grep -q '^weston: .*Virtual-1' <<<"$out"
if [ "$renderer" = pixman ]; then
	# Weston 10 logs no renderer name for pixman: its DRM outputs get a shadow buffer.
	vd_check "Weston renders with pixman (a shadow framebuffer, no GL renderer)" \
		eval "grep -q '^weston: .*Virtual-1 uses shadow framebuffer' <<<\"\$out\" &&
			! grep -q '^weston: .*GL renderer:' <<<\"\$out\""
else
	vd_check "Weston renders with GL on the guest's virgl driver" \
		grep -Eqi '^weston: .*GL renderer: *virgl' <<<"$out"
fi
vd_check "screendump shows the desktop: panel, launcher, background, a client window" \
	test "$shown" -eq 0
vd_check "the moves and the click were injected over D-Bus" test "$injected" -eq 0
vd_check "libinput reports the moves at the exact positions ($expect_moves)" \
	test "$got_moves" = "$expect_moves"
vd_check "libinput reports the click (BTN_LEFT pressed, released)" \
	test "$buttons" = "BTN_LEFT (272) pressed,BTN_LEFT (272) released"
vd_check "the click on the panel's launcher opened a second window" test "$launched" -eq 0
