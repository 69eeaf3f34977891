#!/bin/bash
# The documented way to reach a daemon's --control socket from a shell works:
# `gdbus call --address unix:path=... --dest ...` greets the peer as a bus first.
set -u
gpu=$top_builddir/src/vhost-desktop-gpu
input=$top_builddir/src/vhost-desktop-input
if ! command -v gdbus >/dev/null; then
	echo "1..0 # SKIP gdbus (libglib2.0-bin) is not installed"
	exit 0
fi
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
echo "1..2"

"$gpu" --socket-path="$work/gpu.sock" --control="$work/gpu.ctl" 2>"$work/gpu.log" &
pids+=($!)
"$input" --tablet --socket-path="$work/input.sock" --control="$work/input.ctl" \
	2>"$work/input.log" &
pids+=($!)
for _ in $(seq 50); do
	[ -S "$work/gpu.ctl" ] && [ -S "$work/input.ctl" ] && break
	sleep 0.1
done

out=$(timeout 10 gdbus call --address "unix:path=$work/gpu.ctl" --dest org.vhostdesktop.Gpu1 \
	--object-path /org/vhostdesktop/Gpu1 --method org.vhostdesktop.Gpu1.ListOutputs 2>&1)
if [[ $out == *"uint32 1280, uint32 800"* ]]; then
	echo "ok 1 - gdbus lists the GPU's outputs: $out"
else
	echo "not ok 1 - gdbus ListOutputs on the GPU control socket: $out"
fi
out=$(timeout 10 gdbus introspect --address "unix:path=$work/input.ctl" \
	--dest org.vhostdesktop.Input1 --object-path /org/vhostdesktop/Input1 2>&1)
if [[ $out == *"interface org.vhostdesktop.Input1"* ]]; then
	echo "ok 2 - gdbus introspects the input daemon's interface"
else
	echo "not ok 2 - gdbus introspect on the input control socket: $out"
fi
