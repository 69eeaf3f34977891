#!/bin/bash
# What a user meets with a wrong socket path, on both daemons: the exact message, naming
# the program, the option and the path, exit status 1, and nothing of theirs removed.
set -u
top_builddir=${top_builddir:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/vd-sockerr.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
echo "1..14"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

touch "$work/file"
for d in gpu input; do
	bin=$top_builddir/src/vhost-desktop-$d
	dev=()
	[ $d = input ] && dev=(--tablet)
	expect "$d: a regular file at --socket-path" \
		"vhost-desktop-$d: --socket-path=$work/file: a file that is not a socket is in the way; remove it or choose another path" \
		"$bin" "${dev[@]}" --socket-path="$work/file"
	expect "$d: a regular file at --control" \
		"vhost-desktop-$d: --control=$work/file: a file that is not a socket is in the way; remove it or choose another path" \
		"$bin" "${dev[@]}" --socket-path="$work/$d.sock" --control="$work/file"
	test -f "$work/file"
	check $? "$d: the file at --control is left where it was"
	expect "$d: --control equal to --socket-path" \
		"vhost-desktop-$d: --control and --socket-path both name $work/x.sock: the control socket needs a path of its own" \
		"$bin" "${dev[@]}" --socket-path="$work/x.sock" --control="$work/./x.sock"
	expect "$d: --control in a missing directory" \
		"vhost-desktop-$d: --control=$work/none/c: the directory $work/none does not exist" \
		"$bin" "${dev[@]}" --socket-path="$work/$d.sock" --control="$work/none/c"
	expect "$d: --socket-path in a missing directory" \
		"vhost-desktop-$d: --socket-path=$work/none/s: the directory $work/none does not exist" \
		"$bin" "${dev[@]}" --socket-path="$work/none/s"

	# A socket another daemon serves.
	"$bin" "${dev[@]}" --socket-path="$work/live-$d.sock" >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do [ -S "$work/live-$d.sock" ] && break; sleep 0.05; done
	expect "$d: a socket another daemon serves" \
		"vhost-desktop-$d: --socket-path=$work/live-$d.sock: another process is serving this socket" \
		"$bin" "${dev[@]}" --socket-path="$work/live-$d.sock"
done
