#!/bin/bash
# Each daemon confines itself once it serves (src/daemon/sandbox.c): /proc/PID/status
# shows a seccomp filter and no_new_privs in every mode; what the filter forbids
# (execve, an AF_INET socket) fails with EPERM, or kills the daemon with --sandbox=strict;
# where the kernel has Landlock, a directory outside the system's (home) cannot be opened;
# --sandbox=off leaves it unconfined. The rest of the suite runs confined (the default).
set -u
top_builddir=${top_builddir:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/vd-sandbox.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
echo "1..15"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

# Usage: start NAME ARGS...: runs the daemon on $work/NAME.sock and waits for the socket.
start()
{
	local name=$1
	shift
	VD_SANDBOX_SELF_TEST=1 LC_ALL=C "$@" --socket-path="$work/$name.sock" \
		>"$work/$name.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$work/$name.sock" ] && grep -q "sandbox self-test\|Stopping" "$work/$name.log" &&
			return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop()
{
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

gpu=$top_builddir/src/vhost-desktop-gpu
input=$top_builddir/src/vhost-desktop-input
modes=(
	"gpu-2d|$gpu"
	"gpu-virgl|$gpu --virgl"
	"input-tablet|$input --tablet"
	"input-seat|$input --seat=vd-test-empty-seat"
)
for m in "${modes[@]}"; do
	name=${m%%|*}
	read -r -a cmd <<<"${m#*|}"
	if ! start "$name" "${cmd[@]}"; then
		check 1 "$name: starts and serves"
		sed 's/^/# /' "$work/$name.log"
		check 1 "$name: execve and socket(AF_INET) refused with EPERM"
		check 1 "$name: the home directory cannot be opened (Landlock)"
		continue
	fi
	status=$(grep -E '^(Seccomp|NoNewPrivs):' /proc/$pid/status | tr -s '\t ' ' ' | tr '\n' ' ')
	[ "$status" = "NoNewPrivs: 1 Seccomp: 2 " ]
	check $? "$name: confined once serving ($status)"
	grep -q "sandbox self-test: execve: Operation not permitted; socket(AF_INET): Operation not permitted" \
		"$work/$name.log"
	check $? "$name: execve and socket(AF_INET) refused with EPERM"
	# Landlock: nothing outside the system's directories, such as the home directory.
	if grep -q "open(home): no Landlock" "$work/$name.log"; then
		n=$((n + 1))
		echo "ok $n # SKIP $name: this kernel has no Landlock"
	else
		grep -q "open(home): Permission denied" "$work/$name.log"
		check $? "$name: the home directory cannot be opened (Landlock)"
	fi
	stop
done

# strict: the first forbidden call (the self-test's execve) kills the daemon (SIGSYS).
VD_SANDBOX_SELF_TEST=1 "$input" --tablet --sandbox=strict --socket-path="$work/strict.sock" \
	>"$work/strict.log" 2>&1
rc=$?
[ "$rc" = $((128 + 31)) ]
check $? "--sandbox=strict: a forbidden call kills the daemon with SIGSYS (exit $rc)"

start off "$input" --tablet --sandbox=off
status=$(grep -E '^(Seccomp|NoNewPrivs):' /proc/$pid/status | tr -s '\t ' ' ' | tr '\n' ' ')
[ "$status" = "NoNewPrivs: 0 Seccomp: 0 " ]
check $? "--sandbox=off: not confined ($status)"
stop

got=$(LC_ALL=C "$input" --tablet --sandbox=maybe --socket-path="$work/x.sock" 2>&1)
[ "$got" = "vhost-desktop-input: --sandbox=maybe: say on, strict or off" ]
check $? "--sandbox with a wrong mode says which are right"
