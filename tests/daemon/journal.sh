#!/bin/bash
# libvirt starts the GPU back-end with stdout and stderr on /dev/null: its messages must
# reach the journal instead. In a private mount namespace (root: unshare -m), a stand-in
# journal listens on /run/systemd/journal/socket; the daemons run with stderr on /dev/null
# and their messages must arrive there as MESSAGE= fields (GLib's journald writer), an
# option error included, while with stderr on a file nothing goes to the journal.
set -u
top_builddir=${top_builddir:-.}
top_builddir=$(cd "$top_builddir" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! command -v python3 >/dev/null ||
	! unshare -m true 2>/dev/null; then
	echo "1..0 # SKIP needs root, unshare -m and python3 (a stand-in journal socket)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/vd-journal.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat >"$work/journal.py" <<'PY'
# A stand-in journal: prints each datagram's MESSAGE field (the native protocol's simple
# KEY=VALUE lines; GLib sends the binary form only for values with newlines) as
# "[SYSLOG_IDENTIFIER] MESSAGE" lines until killed.
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "w") as out:
    while True:
        data = s.recv(65536)
        message = ""
        for line in data.split(b"\n"):
            if line.startswith(b"SYSLOG_IDENTIFIER="):
                out.write("[" + line[18:].decode(errors="replace") + "] ")
            if line.startswith(b"MESSAGE="):
                message = line[8:].decode(errors="replace")
        out.write(message + "\n")
        out.flush()
PY

# Runs in the namespace: /run is a fresh tmpfs there, the host's stays untouched.
cat >"$work/in-namespace.sh" <<'SH'
set -u
work=$1 bin=$2
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/systemd/journal
python3 "$work/journal.py" /run/systemd/journal/socket "$work/journal.txt" &
journal=$!
for _ in $(seq 50); do [ -e "$work/journal.txt.ready" ] && break; sleep 0.1; done
# An option error, with stderr on /dev/null.
"$bin/vhost-desktop-gpu" --outputs=99 >/dev/null 2>/dev/null
echo "outputs-rc=$?" >"$work/rc"
# A g_message of a running daemon, with stderr closed.
"$bin/vhost-desktop-gpu" --render-node=/nonexistent/renderD128 \
	--socket-path="$work/gpu.sock" >/dev/null 2>&- &
gpu=$!
# The input daemon, stderr on /dev/null too: its start-up message.
"$bin/vhost-desktop-input" --tablet --socket-path="$work/input.sock" >/dev/null 2>/dev/null &
input=$!
# With stderr on a file, the journal stays out of it.
"$bin/vhost-desktop-gpu" --max-hostmem=bogus >/dev/null 2>"$work/stderr.txt"
for _ in $(seq 50); do [ -S "$work/gpu.sock" ] && [ -S "$work/input.sock" ] && break; sleep 0.1; done
sleep 0.5
kill $gpu $input
wait $gpu $input
sleep 0.3
kill $journal
SH
unshare -m bash "$work/in-namespace.sh" "$work" "$top_builddir/src"

echo "1..4"
journal=$(cat "$work/journal.txt" 2>/dev/null)
printf '%s\n' "$journal" | sed 's/^/# journal: /'
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
grep -q 'outputs-rc=1' "$work/rc" &&
	grep -qx '\[vhost-desktop-gpu\] vhost-desktop-gpu: --outputs must be between 1 and 16' <<<"$journal"
check $? "an option error (--outputs=99, exit 1) with stderr on /dev/null reaches the journal, with the program as SYSLOG_IDENTIFIER"
grep -q -- '--render-node=/nonexistent/renderD128 without --virgl' <<<"$journal"
check $? "a running GPU daemon's message with stderr closed reaches the journal"
grep -qx '\[vhost-desktop-gpu\] Stopping on signal' <<<"$journal" &&
	grep -qx '\[vhost-desktop-input\] Stopping on signal' <<<"$journal"
check $? "both daemons' 'Stopping on signal' reach the journal"
! grep -q 'bogus' <<<"$journal" && grep -q "Bad --max-hostmem 'bogus'" "$work/stderr.txt"
check $? "with stderr on a file, the error goes there and not to the journal"
