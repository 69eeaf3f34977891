#!/bin/bash
# Host notifiers in a real guest: QEMU 10 maps the page our daemons send
# (BACKEND_VRING_HOST_NOTIFIER_MSG) over the notify area of vhost-user-gpu-pci and
# vhost-user-input-pci when they have page-per-vq=on. One boot serves both daemons started
# with --host-notifiers: the guest paints colour bands on /dev/fb0, which QEMU's screendump
# must show pixel for pixel, and reads events injected over the input daemon's D-Bus from
# its evdev node, exactly and in order. Each daemon's NotifyStats must then show that the
# page was really used (installed, never refused, the guest's doorbell writes seen in it)
# and its exit line must give the same figures. A second, short boot without page-per-vq:
# QEMU refuses the page, the GPU daemon says so once and serves the screen by eventfd.
# $VD_GPU_BACKEND and $VD_INPUT_BACKEND override the daemons' command lines;
# VD_HOST_NOTIFIERS_IDLE_US sets the daemons' idle time (see below);
# VD_HOST_NOTIFIERS_VERBOSE=1 adds --verbose (the logs are printed when a case fails,
# VD_E2E_KEEP=1 keeps them).
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 13

gpu=${VD_GPU_BACKEND:-$top_builddir/src/vhost-desktop-gpu}
input=${VD_INPUT_BACKEND:-$top_builddir/src/vhost-desktop-input}
read -r -a gpu_argv <<<"$gpu"
read -r -a input_argv <<<"$input"
command -v "${gpu_argv[0]}" >/dev/null || vd_skip_all "${gpu_argv[0]} not built"
command -v "${input_argv[0]}" >/dev/null || vd_skip_all "${input_argv[0]} not built"
command -v gdbus >/dev/null || vd_skip_all "no gdbus (libglib2.0-bin)"
verbose=()
[ "${VD_HOST_NOTIFIERS_VERBOSE:-0}" = 1 ] && verbose=(--verbose)
# The idle time after which a daemon takes its page back in boot 1: 1 s, not the default
# 1000 us, so that the page stays long enough for the slow TCG guest to ring its doorbell
# in it, which is what boot 1 checks. Boot 3 runs the default, which under TCG mostly
# removes the page before the guest's next request; it checks that QEMU survives the
# pages coming and going: QEMU 10.0 aborts ("vhost_user_host_notifier_remove: Assertion
# `!n->unmap_addr' failed") when a queue's page is removed again before its RCU callback
# freed the previous one, which the library's hold-off between a removal and the next
# install prevents (without it, 1000 us crashed QEMU 3 times in 3 boots).
idle=${VD_HOST_NOTIFIERS_IDLE_US:-1000000}
gpu_ctl=$VD_WORK/gpu-control
input_ctl=$VD_WORK/input-control
name="vhost-desktop tablet"
bands=(ff0000 00ff00 0000ff ffffff)

# Reads property PROP of daemon KIND (gpu or input) on control socket SOCK.
# Usage: get_prop SOCK KIND PROP
get_prop()
{
	local iface obj
	case $2 in
	gpu) iface=org.vhostdesktop.Gpu1 obj=/org/vhostdesktop/Gpu1 ;;
	*) iface=org.vhostdesktop.Input1 obj=/org/vhostdesktop/Input1 ;;
	esac
	gdbus call --address "unix:path=$1" --dest "$iface" --object-path "$obj" \
		--method org.freedesktop.DBus.Properties.Get "$iface" "$3" 2>&1
}

# Prints the NotifyStats of a daemon as "key value" lines, sorted by key.
# Usage: notify_stats SOCK KIND
notify_stats()
{
	local out
	out=$(get_prop "$1" "$2" NotifyStats) || {
		vd_diag "NotifyStats of $2: $out"
		return 1
	}
	# gdbus prints the type on the first value only: {'a': uint64 1, 'b': 2}
	grep -oE "'[a-z-]+': (uint64 )?[0-9]+" <<<"$out" |
		sed -E "s/^'([a-z-]+)': (uint64 )?/\1 /" | sort
}

# The value of KEY in notify_stats output STATS, -1 when it is missing.
# Usage: stat_of STATS KEY
stat_of()
{
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print -1 }' <<<"$1"
}

# The "host notifiers: ..." exit line in log FILE, as notify_stats prints the figures.
exit_figures()
{
	sed -n 's/.*host notifiers: \([0-9]*\) kicks by eventfd, \([0-9]*\) doorbell writes, \([0-9]*\) requests found by polling; \([0-9]*\) notifiers installed, \([0-9]*\) refused$/eventfd-kicks \1\ndoorbell-writes \2\npolled-requests \3\nnotifier-installs \4\nnotifier-refusals \5/p' \
		"$1" | sort
}

# One line of figures for the log: "notifier-installs=3 doorbell-writes=27 ..."
figures()
{
	awk '{ printf "%s%s=%s", sep, $1, $2; sep = " " } END { print "" }' <<<"$1"
}

# The page of daemon KIND was used: HostNotifiers is true, and NotifyStats STATS shows a
# page installed, never refused, and the guest's doorbell writes seen in it (which also
# means a request was found by polling). Usage: used_page SOCK KIND STATS
used_page()
{
	local hn
	hn=$(get_prop "$1" "$2" HostNotifiers)
	[ "$hn" = "(<true>,)" ] || { vd_diag "$2: HostNotifiers is $hn"; return 1; }
	[ "$(stat_of "$3" notifier-installs)" -ge 1 ] &&
		[ "$(stat_of "$3" doorbell-writes)" -ge 1 ] &&
		[ "$(stat_of "$3" polled-requests)" -ge 1 ] &&
		[ "$(stat_of "$3" notifier-refusals)" -eq 0 ]
}

# The exit line of LOG is there, once, with the figures of STATS (D-Bus, read after the
# guest was gone: nothing changes them in between). Usage: exit_line_matches LOG STATS
exit_line_matches()
{
	local got
	got=$(exit_figures "$1")
	[ "$(grep -c 'host notifiers: ' "$1")" -eq 1 ] && [ -n "$got" ] && [ "$got" = "$2" ]
}

# ---- boot 1: both daemons, page-per-vq=on ----
guest=$VD_WORK/hn-guest.sh
cat >"$guest" <<GUEST
. /vd-guest.sh
vd_fb_quiet
vd_fb_bands ${bands[*]} || exit 1
dev=\$(vd_input_find "$name" 60) || { echo "no input device named $name"; exit 1; }
echo "node \$dev"
# evdev keeps events only for readers that have the node open: open it, then say so.
vd_input_read "\$dev" 26 90 >/tmp/events &
reader=\$!
sleep 1
vd_signal READY
wait \$reader
sed 's/^/EV /' /tmp/events
GUEST

if ! vd_backend_start gpu "${gpu_argv[@]}" --host-notifiers="$idle" --control="$gpu_ctl" \
	"${verbose[@]}" ||
	! vd_backend_start input "${input_argv[@]}" --tablet --abs-x=0:1919 --abs-y=0:1079 \
		--host-notifiers="$idle" --control="$input_ctl" "${verbose[@]}"; then
	vd_not_ok "the daemons did not start"
	vd_skip_rest "the daemons did not start"
fi
# shellcheck disable=SC2046 # the words are meant to split
vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci page-per-vq=on) \
	$(vd_vhost_user_args input vhost-user-input-pci page-per-vq=on)


screen_ok=1
injected=1
if vd_wait_serial '^@@VD-E2E-READY@@$' 120; then
	vd_diag "guest painted and reads events $(vd_guest_elapsed) s after QEMU started"
	if vd_screendump_shows_bands "${bands[@]}"; then
		screen_ok=0
	else
		sed 's/^/# /' "$VD_WORK/compare.log"
	fi
	# Twice: the first round's refills bring the page (an eventfd kick, then the
	# install), so the second round's refills are doorbell writes into it.
	vd_inject_tablet_script "$input_ctl" && sleep 0.3 &&
		vd_inject_tablet_script "$input_ctl" && injected=0
fi
vd_check "page-per-vq=on: screendump shows the guest's framebuffer pixel for pixel" \
	test "$screen_ok" -eq 0
vd_check "page-per-vq=on: guest powers off by itself" vd_guest_wait 150
out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'
[ -s "$VD_WORK/gdbus.log" ] && sed 's/^/# gdbus: /' "$VD_WORK/gdbus.log"
events_ok()
{
	[ "$injected" -eq 0 ] &&
		[ "$(grep '^EV ' <<<"$out")" = "$(printf '%s\n%s' "$VD_TABLET_EVENTS" "$VD_TABLET_EVENTS")" ]
}
vd_check "page-per-vq=on: guest read the 26 events injected over D-Bus, in order" events_ok

gpu_stats=$(notify_stats "$gpu_ctl" gpu)
input_stats=$(notify_stats "$input_ctl" input)
vd_diag "gpu NotifyStats (idle $idle us): $(figures "$gpu_stats")"
vd_diag "input NotifyStats (idle $idle us): $(figures "$input_stats")"
vd_check "gpu: NotifyStats: page installed, doorbell writes seen in it, no refusal" \
	used_page "$gpu_ctl" gpu "$gpu_stats"
vd_check "input: NotifyStats: page installed, doorbell writes seen in it, no refusal" \
	used_page "$input_ctl" input "$input_stats"

vd_backend_stop gpu
vd_backend_stop input
grep 'host notifiers: ' "$VD_WORK/gpu.log" | sed 's/^/# gpu exit: /'
grep 'host notifiers: ' "$VD_WORK/input.log" | sed 's/^/# input exit: /'
vd_check "gpu: exit line \"host notifiers: ...\" with the NotifyStats figures" \
	exit_line_matches "$VD_WORK/gpu.log" "$gpu_stats"
vd_check "input: exit line \"host notifiers: ...\" with the NotifyStats figures" \
	exit_line_matches "$VD_WORK/input.log" "$input_stats"
# Boot 2 starts its own console and QEMU logs: keep these for a failure's report.
mv "$VD_WORK/serial.log" "$VD_WORK/boot1-serial.log"
mv "$VD_WORK/qemu.log" "$VD_WORK/boot1-qemu.log"

# Boots the guest painting the bands with the GPU daemon alone, started as NAME with
# --host-notifiers$OPT and control socket $VD_WORK/NAME-control; EXTRA is added to the
# device's options. 0 when the screendump showed the bands.
# Usage: gpu_only_boot NAME OPT [EXTRA]
gpu_only_boot()
{
	local ok=1 guest=$VD_WORK/$1-guest.sh
	cat >"$guest" <<GUEST
. /vd-guest.sh
vd_fb_quiet
vd_fb_bands ${bands[*]} || exit 1
vd_signal READY
# The host takes its screendump now, then stops QEMU.
sleep 100
GUEST
	if vd_backend_start "$1" "${gpu_argv[@]}" --host-notifiers"$2" \
		--control="$VD_WORK/$1-control" "${verbose[@]}"; then
		# shellcheck disable=SC2046 # the words are meant to split
		vd_guest_start "$guest" $(vd_vhost_user_args "$1" vhost-user-gpu-pci ${3:+"$3"})
		if vd_wait_serial '^@@VD-E2E-READY@@$' 120; then
			vd_diag "guest painted $(vd_guest_elapsed) s after QEMU started"
			if vd_screendump_shows_bands "${bands[@]}"; then
				ok=0
			else
				sed 's/^/# /' "$VD_WORK/compare.log"
			fi
		fi
		vd_guest_kill
	fi
	return $ok
}

# ---- boot 2: the GPU daemon with --host-notifiers, QEMU without page-per-vq ----
# QEMU refuses a page that is not one per queue; the daemon serves the queues by eventfd.
gpu_ctl=$VD_WORK/gpu-refused-control
vd_check "without page-per-vq: screendump shows the guest's framebuffer pixel for pixel" \
	gpu_only_boot gpu-refused "=$idle"

refused_stats=$(notify_stats "$gpu_ctl" gpu)
vd_diag "gpu NotifyStats without page-per-vq: $(figures "$refused_stats")"
refused_figures()
{
	[ "$(stat_of "$refused_stats" notifier-refusals)" -ge 1 ] &&
		[ "$(stat_of "$refused_stats" notifier-installs)" -eq 0 ] &&
		[ "$(stat_of "$refused_stats" doorbell-writes)" -eq 0 ] &&
		[ "$(stat_of "$refused_stats" eventfd-kicks)" -ge 1 ]
}
vd_check "without page-per-vq: NotifyStats: refused, nothing installed, kicks by eventfd" \
	refused_figures

vd_backend_stop gpu-refused
log=$VD_WORK/gpu-refused.log
grep -E 'refused the host notifier|host notifiers: ' "$log" | sed 's/^/# gpu exit: /'
said_once()
{
	[ "$(grep -c 'refused the host notifier' "$log")" -eq 1 ] &&
		exit_line_matches "$log" "$refused_stats"
}
vd_check "without page-per-vq: the daemon said once \"refused the host notifier\"; exit line" \
	said_once
mv "$VD_WORK/serial.log" "$VD_WORK/boot2-serial.log"
mv "$VD_WORK/qemu.log" "$VD_WORK/boot2-qemu.log"

# ---- boot 3: the default idle time, page-per-vq=on: QEMU must survive ----
gpu_ctl=$VD_WORK/gpu-default-control
vd_check "default idle time: screendump shows the guest's framebuffer pixel for pixel" \
	gpu_only_boot gpu-default "" page-per-vq=on
default_stats=$(notify_stats "$gpu_ctl" gpu)
vd_diag "gpu NotifyStats, default idle time: $(figures "$default_stats")"
vd_backend_stop gpu-default
vd_check "default idle time: pages installed, none refused" \
	test "$(stat_of "$default_stats" notifier-installs)" -ge 1 -a \
	"$(stat_of "$default_stats" notifier-refusals)" -eq 0
qemu_survived()
{
	[ -s "$VD_WORK/qemu.log" ] || [ -e "$VD_WORK/qemu.log" ] || return 1
	! grep -q 'Assertion' "$VD_WORK/qemu.log"
}
vd_check "default idle time: QEMU did not abort" qemu_survived
