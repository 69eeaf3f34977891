# shellcheck shell=bash
# Shared harness of the end-to-end tests: boots a Debian kernel with a busybox initramfs in
# QEMU (TCG) with vhost-user devices served by a back-end daemon, and talks to it through
# the serial console and QMP. Source it from a bash TAP test:
#
#	. "${top_srcdir:-.}/tests/e2e/lib.sh"
#	vd_e2e_init 1                        # plan; skips the whole script without QEMU 10
#	vd_backend_start gpu /usr/lib/qemu/vhost-user-gpu   # adds --socket-path=...
#	vd_guest_start guest.sh $(vd_vhost_user_args gpu vhost-user-gpu-pci)
#	vd_wait_serial 'PAINTED' 60 && vd_screendump "$VD_WORK/screen.ppm"
#
# Environment: VD_QEMU (QEMU binary), VD_E2E_CACHE (where the guest image is cached),
# VD_E2E_KEEP=1 (keep the work directory), VD_E2E_TIMEOUT (seconds for the whole script,
# default 420), VD_SKIP_E2E=1 (skip every e2e test).
# Every wait has a timeout, counted in wall-clock seconds (polling loops slow down on a
# loaded machine), and everything started here is killed on exit, so a hung guest or
# daemon fails the test instead of hanging `make check`.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
VD_E2E_DIR=$top_srcdir/tests/e2e
VD_QEMU=${VD_QEMU:-qemu-system-x86_64}
VD_E2E_CACHE=${VD_E2E_CACHE:-$top_builddir/tests/e2e/cache}

vd_tap_n=0
vd_tap_plan=0
vd_failed=0
vd_qemu_pid=
vd_backend_pids=()
vd_backend_names=()
vd_watchdog_pid=

# TAP output. Diagnostics go to stdout as comments so they land in the test's .log.
vd_diag()
{
	printf '# %s\n' "$*"
}

vd_ok()
{
	vd_tap_n=$((vd_tap_n + 1))
	echo "ok $vd_tap_n - $*"
}

vd_not_ok()
{
	vd_tap_n=$((vd_tap_n + 1))
	vd_failed=1
	echo "not ok $vd_tap_n - $*"
}

vd_skip()
{
	vd_tap_n=$((vd_tap_n + 1))
	echo "ok $vd_tap_n # SKIP $*"
}

# Reports one case: vd_check DESCRIPTION COMMAND...
vd_check()
{
	local desc=$1
	shift
	if "$@"; then
		vd_ok "$desc"
	else
		vd_not_ok "$desc"
	fi
}

# Skips the whole script. automake's TAP driver counts a plan of 0 with SKIP as skipped;
# exit 77 would be reported as an error under TAP.
vd_skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

# Skips the cases not reported yet (of vd_e2e_init's plan) and ends the script.
vd_skip_rest()
{
	while [ "$vd_tap_n" -lt "$vd_tap_plan" ]; do
		vd_skip "$*"
	done
	exit 0
}

# Prints QEMU's major version, or nothing.
vd_qemu_major()
{
	"$VD_QEMU" --version 2>/dev/null |
		sed -n 's/^QEMU emulator version \([0-9][0-9]*\)\..*/\1/p' | head -n 1
}

# Checks the tools, builds (or reuses) the guest image, prints the plan and arms the
# cleanup trap and the watchdog; sets VD_WORK (a fresh directory for this run) and
# VD_GUEST_KVER (the guest's kernel version). Usage: vd_e2e_init NUMBER-OF-CASES
vd_e2e_init()
{
	local major
	[ "${VD_SKIP_E2E:-0}" = 1 ] && vd_skip_all "VD_SKIP_E2E=1"
	major=$(vd_qemu_major)
	[ -n "$major" ] || vd_skip_all "$VD_QEMU not found"
	[ "$major" -ge 10 ] || vd_skip_all "QEMU $major is too old: vhost-user devices under TCG \
need QEMU 10 (Debian: apt-get install -t bookworm-backports qemu-system-x86)"
	ls /boot/vmlinuz-* >/dev/null 2>&1 || vd_skip_all "no kernel in /boot \
(apt-get install linux-image-amd64)"
	command -v busybox >/dev/null || vd_skip_all "no busybox (apt-get install busybox-static)"
	command -v python3 >/dev/null || vd_skip_all "no python3"

	VD_WORK=$(mktemp -d "${TMPDIR:-/tmp}/vd-e2e.XXXXXX")
	trap vd_cleanup EXIT
	trap 'vd_diag "stopped by a signal"; exit 1' INT TERM HUP
	# A test that loses its way is stopped here even if a wait forgot its own timeout.
	# Its output must not go to the TAP pipe: the driver waits for every writer to close it.
	(
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "${VD_E2E_TIMEOUT:-420}" &
		s=$!
		wait "$s"
		echo "script timed out after ${VD_E2E_TIMEOUT:-420} s"
		kill -TERM $$
	) >"$VD_WORK/watchdog.log" 2>&1 &
	vd_watchdog_pid=$!

	mkdir -p "$VD_E2E_CACHE"
	# Tests run in parallel under make -j: one builds the image, the others wait.
	if ! flock -w 120 "$VD_E2E_CACHE/.lock" \
		bash "$VD_E2E_DIR/build-initramfs.sh" "$VD_E2E_CACHE/guest" >"$VD_WORK/initramfs.log" 2>&1
	then
		echo "1..$1"
		vd_diag "building the guest image failed:"
		sed 's/^/#   /' "$VD_WORK/initramfs.log"
		exit 1
	fi
	# shellcheck disable=SC2034 # for the tests that source this file
	VD_GUEST_KVER=$(cat "$VD_E2E_CACHE/guest/kver")
	vd_tap_plan=$1
	echo "1..$1"
}

# Kills what vd_* started, prints the logs of a failed run and removes the work directory.
vd_cleanup()
{
	local rc=$? i
	vd_guest_kill
	for i in "${!vd_backend_pids[@]}"; do
		vd_kill_pid "${vd_backend_pids[$i]}"
	done
	if [ -n "$vd_watchdog_pid" ]; then
		kill "$vd_watchdog_pid" 2>/dev/null
		wait "$vd_watchdog_pid" 2>/dev/null
	fi
	if [ "$rc" -ne 0 ] || [ "$vd_failed" -ne 0 ]; then
		for f in "$VD_WORK"/*.log; do
			[ -s "$f" ] || continue
			vd_diag "---- $(basename "$f") (last 40 lines) ----"
			tail -n 40 "$f" | tr -d '\r' | sed 's/^/#   /'
		done
	fi
	if [ "${VD_E2E_KEEP:-0}" = 1 ]; then
		vd_diag "work directory kept: $VD_WORK"
	else
		rm -rf "$VD_WORK"
	fi
	# A failed case is already a "not ok" line; a non-zero exit on top of it would count
	# once more as an ERROR in automake's TAP driver.
	exit "$rc"
}

# Sends SIGTERM, waits up to 5 s, then SIGKILL.
vd_kill_pid()
{
	local pid=$1 n=0
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Socket path of the back-end called NAME.
vd_sock()
{
	echo "$VD_WORK/$1.sock"
}

# Starts a back-end daemon listening on $(vd_sock NAME) and waits for its socket.
# Usage: vd_backend_start NAME COMMAND [ARGS...]; --socket-path=... is appended.
# Its output goes to $VD_WORK/NAME.log.
vd_backend_start()
{
	local name=$1 sock deadline=$((SECONDS + 10))
	shift
	sock=$(vd_sock "$name")
	rm -f "$sock"
	"$@" --socket-path="$sock" >"$VD_WORK/$name.log" 2>&1 &
	vd_backend_pids+=($!)
	vd_backend_names+=("$name")
	while [ ! -S "$sock" ]; do
		if ! kill -0 "${vd_backend_pids[-1]}" 2>/dev/null; then
			vd_diag "back-end $name exited before listening: $*"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			vd_diag "back-end $name did not create $sock within 10 s"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# Stops the back-end called NAME (SIGTERM, then SIGKILL after 5 s).
vd_backend_stop()
{
	local i
	for i in "${!vd_backend_names[@]}"; do
		[ "${vd_backend_names[$i]}" = "$1" ] || continue
		vd_kill_pid "${vd_backend_pids[$i]}"
		unset 'vd_backend_pids[i]' 'vd_backend_names[i]'
	done
}

# QEMU arguments that plug back-end NAME in as DEVICE (vhost-user-gpu-pci,
# vhost-user-input-pci); extra device properties may follow. Paths hold no spaces
# (mktemp under $TMPDIR), so the words can be used unquoted.
vd_vhost_user_args()
{
	local name=$1 device=$2 props= p
	shift 2
	for p in "$@"; do
		props="$props,$p"
	done
	echo "-chardev socket,id=$name,path=$(vd_sock "$name") -device $device,chardev=$name$props"
}

# Boots the guest in the background. Usage: vd_guest_start GUEST-SCRIPT [QEMU-ARGS...]
# GUEST-SCRIPT runs as /test.sh (busybox sh) with guest-lib.sh at /vd-guest.sh; serial
# output goes to $VD_WORK/serial.log, QEMU's own messages to $VD_WORK/qemu.log.
# VD_GUEST_MEM sets the guest's memory (default 512M), VD_GUEST_SMP its vCPUs (default 1);
# VD_GUEST_LAYER names an uncompressed cpio archive laid between the base image and /test.sh
# (udmabuf.sh: its programs);
# VD_GUEST_KERNEL boots another kernel than the base image's (udmabuf.sh: one with udmabuf;
# the base image's modules do not match it, so /init's modprobe lines fail).
# VD_GUEST_DISK attaches a disk image read-only as the first virtio disk (/dev/vda): a
# Debian root from vd_debian_root, mounted in the guest by guest-lib.sh's vd_root_mount.
vd_guest_start()
{
	local script=$1 root=$VD_WORK/guest-root mem=${VD_GUEST_MEM:-512M}
	local kernel=${VD_GUEST_KERNEL:-$VD_E2E_CACHE/guest/vmlinuz}
	local base=$VD_E2E_CACHE/guest/initramfs.cpio.gz
	shift
	mkdir -p "$root"
	cp "$script" "$root/test.sh"
	cp "$VD_E2E_DIR/guest-lib.sh" "$root/vd-guest.sh"
	(cd "$root" && printf '%s\n' test.sh vd-guest.sh | cpio --quiet -o -H newc --owner 0:0) |
		gzip -1 >"$VD_WORK/test.cpio.gz"
	{
		cat "$base"
		if [ -n "${VD_GUEST_LAYER:-}" ]; then
			# The kernel takes an uncompressed archive after a compressed one only at
			# an offset that is a multiple of 4 ("invalid magic at start of compressed
			# archive" otherwise); it skips zeros between archives.
			head -c $(((512 - $(stat -c %s "$base") % 512) % 512)) /dev/zero
			cat "$VD_GUEST_LAYER"
		fi
		cat "$VD_WORK/test.cpio.gz"
	} >"$VD_WORK/initrd"
	rm -f "$VD_WORK/serial.log" "$VD_WORK/qmp.sock"
	: >"$VD_WORK/serial.log"
	vd_guest_t0=$EPOCHREALTIME
	"$VD_QEMU" -nodefaults -no-reboot -no-user-config \
		-machine q35,memory-backend=mem \
		-object memory-backend-memfd,id=mem,size="$mem",share=on \
		-accel tcg -m "$mem" -smp "${VD_GUEST_SMP:-1}" -display none \
		-serial file:"$VD_WORK/serial.log" \
		-qmp unix:"$VD_WORK/qmp.sock",server=on,wait=off \
		${VD_GUEST_DISK:+-drive file="$VD_GUEST_DISK",if=virtio,format=raw,readonly=on} \
		-kernel "$kernel" -initrd "$VD_WORK/initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3 vt.global_cursor_default=0 ${VD_E2E_APPEND:-}" \
		"$@" >"$VD_WORK/qemu.log" 2>&1 &
	vd_qemu_pid=$!
}

# Builds (or reuses) a Debian root of the given packages for a guest, cached in
# $VD_E2E_CACHE/debian-NAME (build-debian-root.sh), and sets VD_DEBIAN_ROOT to its image
# for VD_GUEST_DISK. Skips the rest of the test when the host cannot build one (not root,
# no mmdebstrap), fails it when the build fails. Usage: vd_debian_root NAME PACKAGE...
vd_debian_root()
{
	local name=$1 dir rc t0=$EPOCHREALTIME
	shift
	dir=$VD_E2E_CACHE/debian-$name
	mkdir -p "$dir"
	flock -w 600 "$VD_E2E_CACHE/.lock-debian-$name" \
		bash "$VD_E2E_DIR/build-debian-root.sh" "$dir" "$@" >"$VD_WORK/debian-$name.log" 2>&1
	rc=$?
	# 2: the host lacks a tool; the builder names it.
	[ "$rc" -eq 2 ] && vd_skip_rest "building the guest's Debian root needs" \
		"$(head -n 1 "$VD_WORK/debian-$name.log")"
	if [ "$rc" -ne 0 ]; then
		vd_diag "building the guest's Debian root ($name) failed:"
		sed 's/^/#   /' "$VD_WORK/debian-$name.log"
		exit 1
	fi
	VD_DEBIAN_ROOT=$dir/root.img
	vd_diag "Debian root $name: $(wc -l <"$dir/packages") packages," \
		"$(($(stat -c %s "$VD_DEBIAN_ROOT") / 1048576)) MiB, ready in" \
		"$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
}

# Seconds since vd_guest_start, with one decimal.
vd_guest_elapsed()
{
	awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $vd_guest_t0 }"
}

# Kills the guest if it is still running.
vd_guest_kill()
{
	[ -n "$vd_qemu_pid" ] || return 0
	vd_kill_pid "$vd_qemu_pid"
	vd_qemu_pid=
}

# Waits up to TIMEOUT seconds (default 120) for an extended regex on the serial console.
# Fails early if QEMU exits. Usage: vd_wait_serial REGEX [TIMEOUT]
vd_wait_serial()
{
	local re=$1 deadline=$((SECONDS + ${2:-120}))
	# grep reads all of it (no -q): an early exit would fail the pipe under pipefail once
	# the log outgrows the pipe's buffer.
	while ! tr -d '\r' <"$VD_WORK/serial.log" | grep -E -- "$re" >/dev/null; do
		if [ -z "$vd_qemu_pid" ] || ! kill -0 "$vd_qemu_pid" 2>/dev/null; then
			# One last look: the line may have come just before QEMU exited.
			tr -d '\r' <"$VD_WORK/serial.log" | grep -E -- "$re" >/dev/null && return 0
			vd_diag "QEMU exited before the console showed /$re/"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			vd_diag "console did not show /$re/ within ${2:-120} s"
			return 1
		fi
		sleep 0.2
	done
}

# Waits up to TIMEOUT seconds (default 120) for the guest to power off, killing it on a
# timeout. Prints the boot-to-exit time as a TAP comment.
vd_guest_wait()
{
	local deadline=$((SECONDS + ${1:-120})) rc
	while kill -0 "$vd_qemu_pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			vd_diag "guest did not power off within ${1:-120} s"
			vd_guest_kill
			return 1
		fi
		sleep 0.1
	done
	wait "$vd_qemu_pid"
	rc=$?
	vd_qemu_pid=
	vd_diag "guest ran for $(vd_guest_elapsed) s"
	if [ "$rc" -ne 0 ]; then
		vd_diag "QEMU exited with status $rc"
		return 1
	fi
}

# Prints what the guest's /test.sh wrote so far, between the markers of /init.
vd_guest_output()
{
	tr -d '\r' <"$VD_WORK/serial.log" |
		awk '/^@@VD-E2E-END rc=[0-9]*@@$/ { on = 0 } on { print } /^@@VD-E2E-BEGIN@@$/ { on = 1 }'
}

# Prints /test.sh's exit status, or nothing if it did not finish.
vd_guest_rc()
{
	tr -d '\r' <"$VD_WORK/serial.log" | sed -n 's/^@@VD-E2E-END rc=\([0-9]*\)@@$/\1/p'
}

# Sends one QMP command; prints its result as JSON. Usage: vd_qmp COMMAND [JSON-ARGS]
vd_qmp()
{
	timeout 40 python3 "$VD_E2E_DIR/qmp.py" "$VD_WORK/qmp.sock" "$@"
}

# Writes the guest's display as PPM. Usage: vd_screendump FILE
vd_screendump()
{
	rm -f "$1"
	vd_qmp screendump "{\"filename\": \"$1\", \"format\": \"ppm\"}" >/dev/null && [ -s "$1" ]
}

# After the guest signalled that vd_fb_bands painted BANDS: retries QMP screendump for up
# to 20 s (the picture travels guest -> back-end -> QEMU) until it shows the bands at the
# size the guest's driver chose. Leaves $VD_WORK/screen.ppm and compare.log; sets
# VD_SCREEN_SIZE. Usage: vd_screendump_shows_bands BAND...
vd_screendump_shows_bands()
{
	local n=0 deadline=$((SECONDS + 20))
	VD_SCREEN_SIZE=$(vd_guest_output |
		sed -n 's/^vd_fb_bands: painted \([0-9]*x[0-9]*\) .*/\1/p')
	while :; do
		if vd_screendump "$VD_WORK/screen.ppm" &&
			python3 "$VD_E2E_DIR/ppm-bands.py" "$VD_WORK/screen.ppm" "$VD_SCREEN_SIZE" \
				"$@" >"$VD_WORK/compare.log" 2>&1; then
			vd_diag "screendump matched after $n retries"
			return 0
		fi
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 1
		n=$((n + 1))
	done
}

# The GPU check, shared by every GPU back-end: boots a guest with vhost-user-gpu-pci
# served by COMMAND (given --socket-path=... too), lets it paint colour bands on /dev/fb0
# and compares QEMU's screendump with them pixel for pixel, retrying for up to 20 s while
# the picture travels from guest to host. Usage: vd_gpu_fb_check COMMAND [ARGS...]
vd_gpu_fb_check()
{
	vd_gpu_fb_check_and "" "$@"
}

# vd_gpu_fb_check, and the guest also runs GUEST-LINES (busybox sh, after painting, before
# the host takes its screendump), for tests that look at the guest's side of the device too.
# Their output is in vd_guest_output, the back-end's log in $VD_WORK/gpu.log, both kept
# until the script exits. Usage: vd_gpu_fb_check_and GUEST-LINES COMMAND [ARGS...]
vd_gpu_fb_check_and()
{
	local extra=$1 guest=$VD_WORK/gpu-fb-guest.sh ok=1
	shift
	local bands=(ff0000 00ff00 0000ff ffffff)
	rm -f "$VD_WORK/compare.log" "$VD_WORK/screen.ppm"
	vd_backend_start gpu "$@" || return 1
	cat >"$guest" <<GUEST
. /vd-guest.sh
vd_fb_quiet
vd_fb_bands ${bands[*]} || exit 1
$extra
vd_signal PAINTED
# The host takes its screendump now, then quits QEMU.
sleep 100
GUEST
	# shellcheck disable=SC2046 # the words are meant to split
	vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci)
	if vd_wait_serial '^@@VD-E2E-PAINTED@@$' 120; then
		vd_diag "guest painted $(vd_guest_elapsed) s after QEMU started"
		if vd_screendump_shows_bands "${bands[@]}"; then
			ok=0
		else
			sed 's/^/# /' "$VD_WORK/compare.log"
		fi
	fi
	vd_guest_output | sed 's/^/# guest: /'
	# QEMU quits cleanly on SIGTERM; QMP "quit" could hang with a stuck back-end.
	vd_guest_kill
	vd_backend_stop gpu
	return "$ok"
}

# Calls METHOD of the input daemon on control socket CTL with ARGS (gdbus's syntax);
# gdbus's output goes to $VD_WORK/gdbus.log. Usage: vd_input_call CTL METHOD ARGS...
vd_input_call()
{
	gdbus call --address "unix:path=$1" --dest org.vhostdesktop.Input1 \
		--object-path /org/vhostdesktop/Input1 --method "org.vhostdesktop.Input1.$2" "${@:3}" \
		>>"$VD_WORK/gdbus.log" 2>&1
}

# The tablet script: an 8-event frame through InjectEvents, a move to the corner of a
# 1920x1080 tablet, a button release, into the daemon on control socket CTL; and what a
# guest reading the tablet's evdev node must see, in order (VD_TABLET_EVENTS, one
# "EV type code value" line each). Usage: vd_inject_tablet_script CTL
vd_inject_tablet_script()
{
	vd_input_call "$1" InjectEvents \
		"[(3,0,100),(3,1,200),(1,272,1),(2,8,1),(2,11,120),(3,0,101),(3,1,201),(0,0,0)]" &&
		vd_input_call "$1" MoveAbsolute 1919 1079 &&
		vd_input_call "$1" Button 272 false
}
# shellcheck disable=SC2034 # used by the scripts that source this file
VD_TABLET_EVENTS='EV 3 0 100
EV 3 1 200
EV 1 272 1
EV 2 8 1
EV 2 11 120
EV 3 0 101
EV 3 1 201
EV 0 0 0
EV 3 0 1919
EV 3 1 1079
EV 0 0 0
EV 1 272 0
EV 0 0 0'
