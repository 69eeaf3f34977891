#!/bin/bash
# What both daemons say about the options they share: the exact message for a bad value
# (exit 1), and --help naming them.
set -u
top_builddir=${top_builddir:-.}
echo "1..8"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

for d in gpu input; do
	bin=$top_builddir/src/vhost-desktop-$d
	dev=()
	[ $d = input ] && dev=(--tablet)
	for v in 0 abc 1000001; do
		expect "$d: --host-notifiers=$v" \
			"vhost-desktop-$d: --host-notifiers=$v: give the idle time in microseconds, 1 to 1000000 (default 1000)" \
			"$bin" "${dev[@]}" --host-notifiers="$v"
	done
	help=$(LC_ALL=C LANGUAGE='' "$bin" --help)
	grep -qE '^ +--host-notifiers=IDLE_US .*host notifier' <<<"$help"
	rc=$?
	check $rc "$d: --help lists --host-notifiers=IDLE_US, saying host notifier"
	[ $rc = 0 ] || grep -- --host-notifiers <<<"$help" | sed 's/^/# /'
done
