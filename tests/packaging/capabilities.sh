#!/bin/bash
# What libvirt reads from `vhost-desktop-gpu --print-capabilities` (libvirt passes
# --render-node whenever "render-node" is listed, and fails on a host without /dev/dri):
# it exits 0 with JSON, lists "render-node" only where a render node exists and only with
# "virgl", and still answers when virglrenderer crashes while starting (no EGL vendor
# file). --render-node without --virgl starts the 2D device and says the node is unused.
set -u
top_builddir=${top_builddir:-.}
gpu=$top_builddir/src/vhost-desktop-gpu
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi
echo "1..5"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vd-caps.XXXXXX")
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
pid=

# Prints the features of a capabilities line, one per line; fails unless it is the JSON
# QEMU's vhost-user.json describes, with type gpu.
features()
{
	python3 -c '
import json, sys
caps = json.loads(sys.stdin.read())
assert caps["type"] == "gpu", caps
print("\n".join(caps["features"]))'
}

out=$("$gpu" --print-capabilities 2>"$work/err")
rc=$?
feats=$(features <<<"$out")
check $((rc + $?)) "exits 0 with gpu capabilities JSON: $out"

have_node=no
ls /dev/dri/renderD* >/dev/null 2>&1 && have_node=yes
listed=no
grep -qx render-node <<<"$feats" && listed=yes
test "$listed" = "$have_node" && { [ "$listed" = no ] || grep -qx virgl <<<"$feats"; }
check $? "render-node listed ($listed) exactly when the machine has a render node ($have_node), with virgl"

out=$(__EGL_VENDOR_LIBRARY_DIRS=$work/no-vendors "$gpu" --print-capabilities 2>"$work/err")
rc=$?
feats=$(features <<<"$out")
test "$rc" = 0 && [ $? = 0 ] && ! grep -qx virgl <<<"$feats"
check $? "without an EGL vendor (virglrenderer cannot start): exits 0, no virgl: $out"

"$gpu" --render-node="$work/renderD128" --socket-path="$work/gpu.sock" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ -S "$work/gpu.sock" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
test -S "$work/gpu.sock"
check $? "--render-node without --virgl: the 2D device serves (the node is not opened)"
grep -q -- "--render-node=$work/renderD128 without --virgl: no 3D, the node is not used" "$work/log"
check $? "--render-node without --virgl: says the node is not used ($(head -n 1 "$work/log"))"
