#!/bin/bash
# vhost-desktop-input in a real guest: QEMU 10's vhost-user-input-pci on our daemon as a
# tablet with ranges of our own. The guest's /proc/bus/input/devices must show our name,
# ids and bits, EVIOCGABS the ranges we set, and events injected over D-Bus (--control)
# must come out of the guest's /dev/input/eventN in order, a 8-event frame included (QEMU
# gives the event queue 4 buffers). A second daemon serves a keyboard: Caps Lock set by the
# guest must reach it through the status queue. A third serves a 4-slot touchscreen: the
# guest must accept it (INPUT_PROP_DIRECT, MT axes) and read two contacts. $VD_INPUT_BACKEND overrides the daemon's
# command line.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 10

daemon=${VD_INPUT_BACKEND:-$top_builddir/src/vhost-desktop-input}
read -r -a daemon_argv <<<"$daemon"
ctl=$VD_WORK/input-control
kbd_ctl=$VD_WORK/kbd-control
mt_ctl=$VD_WORK/mt-control
name="vhost-desktop tablet"

# The guest has no evtest: a freestanding helper prints EVIOCGABS for every axis.
absinfo=$VD_WORK/absinfo
if ! "${CC:-cc}" -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie -O2 \
	-e vd_start -o "$absinfo" "$top_srcdir/tests/input/guest-absinfo.c" >"$VD_WORK/cc.log" 2>&1
then
	absinfo=
fi

guest=$VD_WORK/input-guest.sh
{
	cat <<GUEST
. /vd-guest.sh
dev=\$(vd_input_find "$name" 60) || { echo "no input device named $name"; exit 1; }
echo "node \$dev"
awk -v RS= '/Name="$name"/' /proc/bus/input/devices | sed 's/^/DEV /'
ln -s "\$dev" /tmp/vd-evdev
GUEST
	if [ -n "$absinfo" ]; then
		echo "base64 -d >/tmp/absinfo <<'B64'"
		base64 "$absinfo"
		echo "B64"
		echo "chmod +x /tmp/absinfo && /tmp/absinfo >/tmp/abs; cat /tmp/abs"
		echo 'echo "ABS-COUNT $(grep -c "^ABS " /tmp/abs)"'
	fi
	# Caps Lock on, as a desktop would set it: EV_LED LED_CAPSL 1 and SYN_REPORT written to
	# the keyboard's node (two 24-byte struct input_event). busybox printf stops at NUL bytes,
	# so the bytes travel as base64.
	caps=$(python3 -c 'import base64, struct
e = lambda t, c, v: bytes(16) + struct.pack("<HHi", t, c, v)
print(base64.b64encode(e(17, 1, 1) + e(0, 0, 0)).decode())')
	cat <<GUEST
kbd=\$(vd_input_find "vhost-desktop keyboard" 30) && echo "keyboard \$kbd"
[ -n "\$kbd" ] && echo "$caps" | base64 -d >"\$kbd" && echo "caps lock written"
GUEST
	cat <<'GUEST'
mt=$(vd_input_find "vhost-desktop multitouch" 30) && echo "multitouch $mt"
[ -n "$mt" ] && awk -v RS= '/Name="vhost-desktop multitouch"/' /proc/bus/input/devices |
	sed 's/^/MT /'
# evdev keeps events only for readers that have the node open: open it, then say so.
vd_input_read "$dev" 13 90 >/tmp/events &
reader=$!
[ -n "$mt" ] && vd_input_read "$mt" 12 90 >/tmp/mt-events &
mt_reader=$!
sleep 2
vd_signal READY
wait $reader
wait $mt_reader
sed 's/^/EV /' /tmp/events
[ -f /tmp/mt-events ] && sed 's/^/TOUCH /' /tmp/mt-events
GUEST
} >"$guest"

if ! command -v "${daemon_argv[0]}" >/dev/null; then
	vd_skip_all "${daemon_argv[0]} not built"
fi
if ! vd_backend_start input "${daemon_argv[@]}" --tablet --abs-x=-50:1919 --abs-y=0:1079 \
	--control="$ctl"; then
	for i in 1 2 3 4 5 6 7 8 9 10; do vd_not_ok "daemon did not start"; done
	exit 0
fi
kbd_ok=0
vd_backend_start kbd "${daemon_argv[@]}" --keyboard --control="$kbd_ctl" || kbd_ok=1
kbd_args=
[ "$kbd_ok" -eq 0 ] && kbd_args=$(vd_vhost_user_args kbd vhost-user-input-pci)
mt_ok=0
vd_backend_start mt "${daemon_argv[@]}" --multitouch --slots=4 --abs-x=0:999 --abs-y=0:499 \
	--control="$mt_ctl" || mt_ok=1
mt_args=
[ "$mt_ok" -eq 0 ] && mt_args=$(vd_vhost_user_args mt vhost-user-input-pci)
# shellcheck disable=SC2046 # the words are meant to split
vd_guest_start "$guest" $(vd_vhost_user_args input vhost-user-input-pci) $kbd_args $mt_args


# The keyboard daemon's Leds property, polled until Caps Lock (bit 1) shows or 20 s pass.
leds=
poll_leds()
{
	local n=0
	while [ "$n" -lt 200 ]; do
		leds=$(gdbus call --address "unix:path=$kbd_ctl" --dest org.vhostdesktop.Input1 \
			--object-path /org/vhostdesktop/Input1 --method org.freedesktop.DBus.Properties.Get \
			org.vhostdesktop.Input1 Leds 2>&1)
		[ "$leds" = "(<uint32 2>,)" ] && return 0
		sleep 0.1
		n=$((n + 1))
	done
	vd_diag "keyboard Leds property: $leds"
	return 1
}

injected=1
if vd_wait_serial '^@@VD-E2E-READY@@$' 150; then
	vd_diag "guest reading events $(vd_guest_elapsed) s after QEMU started"
	vd_inject_tablet_script "$ctl" && injected=0
	# Two contacts; the guest's input core drops the first ABS_MT_SLOT (slot 0 is current).
	if [ "$mt_ok" -eq 0 ]; then
		vd_input_call "$mt_ctl" Touch 0 down 10 11 && vd_input_call "$mt_ctl" Touch 1 down 30 31 ||
			injected=1
	fi
fi
vd_check "guest powers off by itself" vd_guest_wait 150
out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'
[ -s "$VD_WORK/gdbus.log" ] && sed 's/^/# gdbus: /' "$VD_WORK/gdbus.log"

vd_check "guest has an input device named \"$name\"" grep -q '^node /dev/input/event' <<<"$out"
# Every line given must be a line of the guest's output.
out_has()
{
	local p
	for p in "$@"; do
		grep -qxF -- "$p" <<<"$out" || { vd_diag "guest output lacks: $p"; return 1; }
	done
}
vd_check "/proc/bus/input/devices: our ids and bits (5 buttons, hi-res wheels, ABS_X/Y)" \
	out_has "DEV I: Bus=0006 Vendor=1af4 Product=0003 Version=0001" \
	"DEV N: Name=\"$name\"" "DEV B: EV=f" "DEV B: KEY=1f0000 0 0 0 0" "DEV B: REL=1940" \
	"DEV B: ABS=3"
if [ -n "$absinfo" ]; then
	vd_check "EVIOCGABS in the guest: ABS_X -50..1919, ABS_Y 0..1079, no other axis" \
		out_has "ABS 0 -50 1919 0 0 0" "ABS 1 0 1079 0 0 0" "ABS-COUNT 2"
else
	vd_skip "no C compiler for the guest helper ($(head -n 1 "$VD_WORK/cc.log"))"
fi
if [ "$kbd_ok" -eq 0 ]; then
	vd_check "guest has our keyboard" grep -q '^keyboard /dev/input/event' <<<"$out"
	vd_check "Caps Lock set in the guest reached the keyboard daemon (status queue)" poll_leds
else
	vd_not_ok "keyboard daemon did not start"
	vd_not_ok "keyboard daemon did not start"
fi
if [ "$mt_ok" -eq 0 ]; then
	vd_check "multitouch: INPUT_PROP_DIRECT, BTN_TOUCH, ABS_X/Y and ABS_MT_SLOT/POSITION/TRACKING_ID" \
		out_has "MT B: PROP=2" "MT B: KEY=400 0 0 0 0 0" "MT B: ABS=260800000000003"
	mt_expected='TOUCH 3 57 0
TOUCH 3 53 10
TOUCH 3 54 11
TOUCH 1 330 1
TOUCH 3 0 10
TOUCH 3 1 11
TOUCH 0 0 0
TOUCH 3 47 1
TOUCH 3 57 1
TOUCH 3 53 30
TOUCH 3 54 31
TOUCH 0 0 0'
	vd_check "multitouch: two contacts read in order from the guest's node" \
		test "$(grep '^TOUCH ' <<<"$out")" = "$mt_expected"
else
	vd_not_ok "multitouch daemon did not start"
	vd_not_ok "multitouch daemon did not start"
fi
vd_check "events injected over D-Bus were accepted" test "$injected" -eq 0
vd_check "guest read the 13 events in order from /dev/input/eventN, the 8-event frame whole" \
	test "$(grep '^EV ' <<<"$out")" = "$VD_TABLET_EVENTS"
