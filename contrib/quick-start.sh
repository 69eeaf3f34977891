#!/bin/bash
# See both daemons work, in one command, on a Debian 12 machine:
#
#	bash contrib/quick-start.sh [OUTPUT-DIRECTORY]
#
# 1. installs what the machine lacks with contrib/install-deps.sh --for=quick-start: the
#    build dependencies, a kernel and busybox for the guest, and QEMU 10 from
#    bookworm-backports (nothing else from there); it says what it installs before it does,
#    and needs root only when something is missing,
# 2. builds in _build-quickstart/ (autoreconf and configure when needed, make -j2),
# 3. boots a small guest (the host's Debian kernel, a busybox initramfs; QEMU 10, TCG) with a
#    vhost-user-gpu-pci served by src/vhost-desktop-gpu and a vhost-user-input-pci tablet
#    served by src/vhost-desktop-input; the guest paints colour bands on its framebuffer and
#    reads its tablet while this script injects pointer events over the daemon's D-Bus
#    control socket,
# 4. leaves in OUTPUT-DIRECTORY (default _out/quick-start/) screen.png, a screenshot of the
#    guest's display, input-events.txt, the events the guest read (type code value), and
#    logs/ (serial console, QEMU, both daemons).
#
# Exits 0 only when the screenshot exists and the guest read exactly the injected events.
# Environment: VD_QS_JOBS sets make -j (default 2); VD_QEMU picks the QEMU binary.
set -euo pipefail
exec </dev/null

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/_out/quick-start}
build=$root/_build-quickstart
jobs=${VD_QS_JOBS:-2}
t_start=$SECONDS

qs_log()
{
	printf '==> [%4ds] %s\n' $((SECONDS - t_start)) "$*"
}

qs_die()
{
	echo "quick-start: error: $*" >&2
	exit 1
}

# ---- 1. packages: only what the quick start needs (the CI needs more) --------------------
qs_log "checking packages (contrib/install-deps.sh --for=quick-start)"
bash "$root/contrib/install-deps.sh" --for=quick-start || qs_die "installing packages failed"

# ---- 2. build ----------------------------------------------------------------------------
cd "$root"
if [ ! -x configure ]; then
	qs_log "autoreconf -fi"
	autoreconf -fi >/dev/null 2>&1 || qs_die "autoreconf -fi failed"
fi
mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
	qs_log "configure (in $build)"
	(cd "$build" && ../configure -q) || qs_die "configure failed"
fi
qs_log "make -j$jobs (log: $build/make.log)"
if ! make -C "$build" -j"$jobs" >"$build/make.log" 2>&1; then
	tail -n 40 "$build/make.log"
	qs_die "build failed (see $build/make.log)"
fi
for d in gpu input; do
	[ -x "$build/src/vhost-desktop-$d" ] || qs_die "$build/src/vhost-desktop-$d was not built"
done
qs_log "built src/vhost-desktop-gpu and src/vhost-desktop-input"

# ---- 3. the guest ------------------------------------------------------------------------
# The harness is written for `set -u` without -e: its waits and its exit trap test status.
set +e
mkdir -p "$out"
rm -rf "$out/logs" "$out/screen.png" "$out/input-events.txt"
mkdir -p "$out/logs"

# shellcheck disable=SC2034 # read by lib.sh
top_srcdir=$root
# shellcheck disable=SC2034
top_builddir=$build
# The guest image is cached where .ci/run caches it, so either reuses the other's.
export VD_E2E_CACHE=${VD_E2E_CACHE:-$root/tests/e2e/cache}
# shellcheck source=tests/e2e/lib.sh disable=SC2317 # the overrides below are called by it
. "$root/tests/e2e/lib.sh"
# The harness skips (exit 0) when QEMU 10, a kernel or busybox is missing; here that is a
# failure.
vd_skip_all()
{
	qs_die "cannot boot the guest: $*"
}
# Its TAP comments are this script's progress lines.
vd_diag()
{
	qs_log "$*"
}

qs_log "building or reusing the guest image (cache: $VD_E2E_CACHE)"
vd_e2e_init 1 > >(grep -v '^1\.\.[0-9]*$')

# The logs are copied out before lib.sh's exit trap removes its work directory.
qs_save_logs()
{
	local f
	for f in "$VD_WORK"/*.log; do
		# shellcheck disable=SC2094 # reads the work directory, writes $out
		[ -f "$f" ] && tr -d '\r' <"$f" >"$out/logs/$(basename "$f")"
	done
	return 0
}

bands=(ff0000 00ff00 0000ff ffffff)
tablet="vhost-desktop tablet"
ctl=$VD_WORK/input-control
# A move to (100, 200), then a left click (BTN_LEFT down, up), each in its own frame.
injections=("[(3,0,100),(3,1,200),(0,0,0)]" "[(1,272,1),(0,0,0)]" "[(1,272,0),(0,0,0)]")
expected='3 0 100
3 1 200
0 0 0
1 272 1
0 0 0
1 272 0
0 0 0'
nevents=$(wc -l <<<"$expected")

guest=$VD_WORK/quick-start-guest.sh
cat >"$guest" <<GUEST
. /vd-guest.sh
vd_fb_quiet
vd_fb_bands ${bands[*]} || exit 1
vd_signal PAINTED
dev=\$(vd_input_find "$tablet" 60) || { echo "no input device named $tablet"; exit 1; }
echo "tablet \$dev"
# evdev keeps events only for readers that have the node open: open it, then say so.
vd_input_read "\$dev" $nevents 90 >/tmp/events &
reader=\$!
sleep 2
vd_signal READY
wait \$reader
sed 's/^/EV /' /tmp/events
GUEST

vd_backend_start gpu "$build/src/vhost-desktop-gpu" || { qs_save_logs; qs_die "GPU daemon"; }
vd_backend_start input "$build/src/vhost-desktop-input" --tablet --control="$ctl" ||
	{ qs_save_logs; qs_die "input daemon"; }
qs_log "daemons listening; booting the guest (QEMU with TCG, 10 s or so)"
# shellcheck disable=SC2046 # the words are meant to split
vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci) \
	$(vd_vhost_user_args input vhost-user-input-pci)

shot=1
if vd_wait_serial '^@@VD-E2E-PAINTED@@$' 150; then
	qs_log "guest painted its framebuffer $(vd_guest_elapsed) s after QEMU started"
	if vd_screendump_shows_bands "${bands[@]}"; then
		shot=0
		qs_log "screendump ($VD_SCREEN_SIZE) shows the guest's colour bands"
	else
		qs_log "screendump does not show the guest's bands (logs/compare.log)"
	fi
fi

injected=1
if vd_wait_serial '^@@VD-E2E-READY@@$' 120; then
	qs_log "guest reading its tablet; injecting ${#injections[@]} frames over D-Bus"
	injected=0
	for e in "${injections[@]}"; do
		if ! gdbus call --address "unix:path=$ctl" --dest org.vhostdesktop.Input1 \
			--object-path /org/vhostdesktop/Input1 \
			--method org.vhostdesktop.Input1.InjectEvents "$e" >>"$VD_WORK/gdbus.log" 2>&1
		then
			injected=1
			qs_log "gdbus call failed: $(tail -n 1 "$VD_WORK/gdbus.log")"
			break
		fi
	done
fi
vd_guest_wait 120 || true
qs_save_logs

# ---- 4. results --------------------------------------------------------------------------
if [ -s "$VD_WORK/screen.ppm" ]; then
	# PPM (P6) to PNG with the standard library only.
	python3 - "$VD_WORK/screen.ppm" "$out/screen.png" <<'PY' || qs_log "PPM to PNG failed"
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
fields, pos = [], 0
while len(fields) < 4:
	while data[pos:pos + 1].isspace():
		pos += 1
	if data[pos:pos + 1] == b"#":
		pos = data.index(b"\n", pos)
		continue
	end = pos
	while not data[end:end + 1].isspace():
		end += 1
	fields.append(data[pos:end])
	pos = end
if fields[0] != b"P6" or int(fields[3]) != 255:
	sys.exit("not an 8-bit P6 PPM")
w, h = int(fields[1]), int(fields[2])
pixels = data[pos + 1:pos + 1 + w * h * 3]
if len(pixels) != w * h * 3:
	sys.exit("truncated PPM")
raw = b"".join(b"\0" + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))

def chunk(kind, body):
	return (struct.pack(">I", len(body)) + kind + body +
		struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))

with open(sys.argv[2], "wb") as f:
	f.write(b"\x89PNG\r\n\x1a\n")
	f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
	f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
	f.write(chunk(b"IEND", b""))
PY
fi

vd_guest_output | sed -n 's/^EV //p' >"$out/input-events.txt"
vd_guest_output >"$out/logs/guest-output.txt"

status=0
echo
if [ -s "$out/screen.png" ]; then
	echo "screenshot:   $out/screen.png"
	[ "$shot" -eq 0 ] || echo "  (but it does not show the bands the guest painted)"
else
	echo "screenshot:   missing"
	status=1
fi
if [ "$injected" -eq 0 ] && [ "$(cat "$out/input-events.txt")" = "$expected" ]; then
	echo "input events: $out/input-events.txt ($nevents events, as injected)"
else
	echo "input events: $out/input-events.txt does not hold the $nevents injected events"
	status=1
fi
echo "logs:         $out/logs/"
[ "$shot" -eq 0 ] || status=1
if [ "$status" -eq 0 ]; then
	qs_log "quick start done: both daemons work"
else
	qs_log "quick start FAILED (see the logs)"
fi
exit "$status"
