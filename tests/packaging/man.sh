#!/bin/bash
# Both man pages render without a single warning: groff with all warnings, and man(1) as
# a user runs it; they document every option of --help, every method of their D-Bus
# interface with its signature and every property, have the sections a user looks for,
# and name installed paths as configured (no @variable@ left).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
pages="data/vhost-desktop-gpu.1 data/vhost-desktop-input.1"

if ! command -v groff >/dev/null; then
	echo "1..0 # SKIP groff is not installed"
	exit 77
fi
echo "1..10"
n=0
for p in $pages; do
	f=${top_builddir:-.}/$p
	out=$(groff -man -ww -z "$f" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ] && [ -z "$out" ]; then echo "ok $n - $p: groff -ww is silent"; else
		echo "not ok $n - $p: groff -ww is silent"; printf '%s\n' "$out" | sed 's/^/# /'; fi

	n=$((n + 1))
	if ! command -v man >/dev/null; then
		echo "ok $n - $p: man -l # SKIP man is not installed"
	else
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$f" 2>&1 >/dev/null)
		if [ -z "$out" ]; then echo "ok $n - $p: man --warnings -l is silent"; else
			echo "not ok $n - $p: man --warnings -l is silent"
			printf '%s\n' "$out" | sed 's/^/# /'; fi
	fi

	# The page documents every option the daemon's --help lists.
	n=$((n + 1))
	bin=${top_builddir:-.}/src/$(basename "$p" .1)
	missing=
	for opt in $("$bin" --help | grep -oE '^ +(-[a-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$' | grep -vx -- --help); do
		grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$f" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then echo "ok $n - $p documents every option of --help"; else
		echo "not ok $n - $p documents every option of --help (missing:$missing)"; fi

	# Every method of the interface, as NAME( in the page, with its arguments' types, and
	# every property, in bold.
	n=$((n + 1))
	case $p in *gpu*) xml=org.vhostdesktop.Gpu1.xml ;; *) xml=org.vhostdesktop.Input1.xml ;; esac
	missing=
	for m in $(grep -oE '<method name="[A-Za-z]+"' "$top_srcdir/data/$xml" | cut -d'"' -f2); do
		grep -qE "^\.BI? $m\(" "$f" || grep -qE "\" $m\(" "$f" || missing="$missing $m"
	done
	for m in $(grep -oE '<property name="[A-Za-z]+"' "$top_srcdir/data/$xml" | cut -d'"' -f2); do
		grep -qE "^\.BR? $m( |\$)" "$f" || missing="$missing $m"
	done
	if [ -z "$missing" ]; then echo "ok $n - $p documents every method and property of $xml"; else
		echo "not ok $n - $p documents every method and property of $xml (missing:$missing)"; fi

	n=$((n + 1))
	missing=
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "D-BUS INTERFACE" ENVIRONMENT FILES \
		"EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qx "\.SH $sec" "$f" || missing="$missing [$sec]"
	done
	if grep -q '@[a-zA-Z_]*@' "$f"; then missing="$missing (unsubstituted @variables@)"; fi
	if [ -z "$missing" ]; then echo "ok $n - $p has every section, paths substituted"; else
		echo "not ok $n - $p sections:$missing"; fi
done
