#!/bin/bash
# The systemd user units: `systemd-analyze verify` finds nothing to say about them, and the
# command line of each service, started through the socket activation protocol by
# systemd-socket-activate, serves a vhost-user front-end and says READY=1 (Type=notify).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
units=$top_builddir/data

for tool in systemd-analyze systemd-socket-activate python3; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool is not installed"
		exit 77
	fi
done
echo "1..12"

work=$(mktemp -d "${TMPDIR:-/tmp}/vd-units.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/verify" "$work/runtime"
chmod 700 "$work/runtime"

# verify checks that ExecStart= is executable: point it at the built binaries.
for f in "$units"/vhost-desktop-*@.socket "$units"/vhost-desktop-*@.service; do
	sed "s|^ExecStart=[^ ]*/vhost-desktop-|ExecStart=$(cd "$top_builddir" && pwd)/src/vhost-desktop-|" \
		"$f" >"$work/verify/$(basename "$f")"
done
out=$(cd "$work/verify" && XDG_RUNTIME_DIR=$work/runtime systemd-analyze verify --user --man=no \
	vhost-desktop-gpu@vm1.socket vhost-desktop-gpu@vm1.service \
	vhost-desktop-input@vm1.socket vhost-desktop-input@vm1.service 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	echo "ok 1 - systemd-analyze verify is clean"
else
	echo "not ok 1 - systemd-analyze verify is clean (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

if grep -E '^ExecStart=.*--(socket-path|fd)' "$units"/*.service >/dev/null; then
	echo "not ok 2 - services take the socket from LISTEN_FDS, not --socket-path/--fd"
else
	echo "ok 2 - services take the socket from LISTEN_FDS, not --socket-path/--fd"
fi

n=2
for d in gpu input; do
	python3 "$top_srcdir/tests/packaging/activate.py" "$units/vhost-desktop-$d@.service" \
		"$units/vhost-desktop-$d@.socket" "$top_builddir/src" "$work" |
		while IFS= read -r line; do
			case $line in
			ok\ *|not\ ok\ *)
				n=$((n + 1))
				echo "$line" | sed -E "s/^(ok|not ok) [0-9]+/\1 $n/"
				;;
			*) echo "$line" ;;
			esac
		done
	n=$((n + 5))
done
