#!/bin/bash
# What vhost-desktop-input says about its device options: the exact message for a missing
# or mistaken choice (exit 1), and a --seat without devices that says so and keeps running,
# waiting for hotplug.
set -u
top_builddir=${top_builddir:-.}
bin=$top_builddir/src/vhost-desktop-input
work=$(mktemp -d "${TMPDIR:-/tmp}/vd-inputopt.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
echo "1..5"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

expect "no device option" \
	"vhost-desktop-input: which device? Give one of --keyboard, --mouse, --tablet, --multitouch, --evdev=PATH or --seat=SEAT" \
	"$bin" --socket-path="$work/s"
# GOption gives --seat the next argument when no =SEAT follows.
expect "--seat followed by another option" \
	"vhost-desktop-input: --seat needs the name of a seat, e.g. --seat=seat0 (got \"--socket-path=$work/s\")" \
	"$bin" --seat --socket-path="$work/s"
expect "--seat with --evdev" \
	"vhost-desktop-input: give --evdev or --seat, not both" \
	"$bin" --seat=seat0 --evdev=/dev/input/event0 --socket-path="$work/s"

# A seat no device belongs to: said once, and the daemon goes on serving.
LC_ALL=C LANGUAGE= "$bin" --seat=vd-test-empty-seat --socket-path="$work/seat.sock" \
	2>"$work/seat.log" &
pid=$!
for _ in $(seq 100); do [ -S "$work/seat.sock" ] && break; sleep 0.05; done
want="seat vd-test-empty-seat has no input devices that this user can open; waiting for one to be plugged in"
grep -qF "$want" "$work/seat.log"
check $? "--seat without devices says so"
kill -0 "$pid" 2>/dev/null && [ -S "$work/seat.sock" ]
check $? "--seat without devices keeps serving its socket"
[ $n = 5 ] || sed 's/^/# /' "$work/seat.log"
