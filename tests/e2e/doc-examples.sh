#!/bin/bash
# The examples of the README and of both man pages that use the daemons' D-Bus control
# sockets, run as written: their daemon command lines (from the build tree), a guest
# booted on the sockets their QEMU command names, then each of their commands (gdbus ...)
# with $XDG_RUNTIME_DIR pointing at a fresh directory. Every command must succeed, and
# a screenshot must show what the guest painted, pixel for pixel (read by png.py,
# independent of libpng). doc-examples.py says which blocks are taken.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

docs=("$top_srcdir/README.md" "$top_srcdir/data/vhost-desktop-gpu.1.in"
	"$top_srcdir/data/vhost-desktop-input.1.in")
vd_e2e_init $((3 * ${#docs[@]}))
command -v gdbus >/dev/null || vd_skip_all "gdbus is not installed (libglib2.0-bin)"
for d in gpu input; do
	[ -x "$top_builddir/src/vhost-desktop-$d" ] || vd_skip_all "vhost-desktop-$d not built"
done
PATH=$(cd "$top_builddir/src" && pwd):$PATH
bands=(ff0000 00ff00 0000ff ffffff)

# The guest paints the bands when it has a display and waits for its input devices.
write_guest()
{
	local gpu=$1 inputs=$2
	cat <<GUEST
. /vd-guest.sh
if [ $gpu = 1 ]; then
	vd_fb_quiet
	vd_fb_bands ${bands[*]} || exit 1
fi
n=0
while [ \$(cat /sys/class/input/event*/device/name 2>/dev/null | grep -c '^vhost-desktop') -lt $inputs ]; do
	n=\$((n + 1))
	[ \$n -gt 300 ] && { echo "only \$(ls /sys/class/input) after 30 s"; exit 1; }
	sleep 0.1
done
vd_signal READY
sleep 300
GUEST
}

# Starts the document's daemons and boots the guest on its devices. Sets gpu, run.
start_doc()
{
	local cmds=$1 tag rest gpu_n=0 input_n=0 i=0 sock devices=() deadline
	run=()
	while read -r tag rest; do
		case $tag in
		DAEMON)
			# As a user's shell would run it; PATH finds the built daemons.
			# exec: the pid we stop later is the daemon's, not a shell's around it.
			eval "exec $rest" >"$XDG_RUNTIME_DIR/daemon-$i.log" 2>&1 &
			vd_backend_pids+=($!)
			vd_backend_names+=("doc-$i")
			sock=$(eval "printf '%s\n' $rest" | sed -n 's/^--socket-path=//p')
			deadline=$((SECONDS + 10))
			while [ ! -S "$sock" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
			[ -S "$sock" ] || { vd_diag "no socket $sock: $(cat "$XDG_RUNTIME_DIR/daemon-$i.log")"; return 1; }
			i=$((i + 1))
			;;
		DEVICE)
			devices+=($(eval "printf '%s\n' $rest"))
			case $rest in *vhost-user-gpu-pci*) gpu_n=$((gpu_n + 1)) ;; esac
			case $rest in *vhost-user-input-pci*) input_n=$((input_n + 1)) ;; esac
			;;
		RUN) run+=("$rest") ;;
		esac
	done <"$cmds"
	gpu=$gpu_n
	write_guest "$gpu_n" "$input_n" >"$VD_WORK/doc-guest.sh"
	vd_guest_start "$VD_WORK/doc-guest.sh" "${devices[@]}"
	vd_wait_serial '^@@VD-E2E-READY@@$' 120 || return 1
	vd_diag "guest ready $(vd_guest_elapsed) s after QEMU started"
	# The picture has reached QEMU (and so the daemon) before anyone asks for it.
	[ "$gpu" = 0 ] || vd_screendump_shows_bands "${bands[@]}"
}

# Runs the document's commands; each must exit 0. Remembers screenshots' paths.
run_doc()
{
	local cmd out rc failed=0
	shots=()
	for cmd in "${run[@]}"; do
		# From a directory of the test's own, as a user runs them from theirs.
		out=$(cd "$XDG_RUNTIME_DIR" && eval "timeout 20 $cmd" 2>&1)
		rc=$?
		vd_diag "\$ $cmd"
		vd_diag "  $out (exit $rc)"
		[ $rc = 0 ] || failed=1
		case $cmd in
		# The file gdbus's fd 3 was opened on: the word after "3>", relative to where
		# the command ran.
		*.Screenshot\ *)
			shots+=("$(cd "$XDG_RUNTIME_DIR" &&
				realpath -m "$(sed -n 's/.* 3>\([^ ]*\).*/\1/p' <<<"$cmd")")") ;;
		*.ListOutputs*)
			[[ $out == "([(uint32 0, true, uint32 "* ]] || { vd_diag "  unexpected"; failed=1; } ;;
		esac
	done
	return $failed
}

shots_show_bands()
{
	local s
	for s in "${shots[@]}"; do
		vd_diag "$s: $(stat -c %s "$s") bytes"
		python3 "$VD_E2E_DIR/ppm-bands.py" "$s" "$VD_SCREEN_SIZE" "${bands[@]}" |
			sed 's/^/# /'
		[ "${PIPESTATUS[0]}" = 0 ] || return 1
	done
}

for doc in "${docs[@]}"; do
	name=$(basename "$doc" .in)
	export XDG_RUNTIME_DIR=$VD_WORK/run-$name
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	python3 "$VD_E2E_DIR/doc-examples.py" "$doc" >"$VD_WORK/$name.cmds"
	if ! vd_check "$name: its daemons start and a guest runs on them" start_doc "$VD_WORK/$name.cmds"
	then
		vd_guest_output | sed 's/^/# guest: /'
		vd_skip "$name: commands (no guest)"
		vd_skip "$name: screenshot (no guest)"
	else
		vd_check "$name: every command succeeds as written" run_doc
		if [ "${#shots[@]}" = 0 ]; then
			vd_skip "$name: no screenshot in its example"
		else
			vd_check "$name: the screenshot shows the guest's picture" shots_show_bands
		fi
	fi
	vd_guest_kill
	for i in "${!vd_backend_names[@]}"; do vd_backend_stop "${vd_backend_names[$i]}"; done
done
