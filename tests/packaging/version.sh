#!/bin/bash
# --version on both daemons: one line, "PROGRAM VERSION (vhost-desktop)", exit 0, whatever
# else is on the command line; with --verbose, GLib's and the libraries' versions too. The
# version is configure's (AC_INIT), read from the build tree's config.h.
set -u
top_builddir=${top_builddir:-.}
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
echo "1..6"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

for d in gpu input; do
	bin=$top_builddir/src/vhost-desktop-$d
	out=$("$bin" --version 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ "$out" = "vhost-desktop-$d $version (vhost-desktop)" ]
	check $? "$d: --version prints 'vhost-desktop-$d $version (vhost-desktop)' (got '$out', exit $rc)"

	# Options that would make it serve are not looked at.
	out=$("$bin" -V --fd=99 2>&1)
	[ "$out" = "vhost-desktop-$d $version (vhost-desktop)" ]
	check $? "$d: -V wins over an unusable --fd (got '$out')"

	case $d in
	gpu) libs='^pixman [0-9]' ;;
	input) libs='^libinput [0-9]' ;;
	esac
	out=$("$bin" --version --verbose 2>/dev/null)
	grep -q '^GLib [0-9]*\.[0-9]*\.[0-9]* (built against' <<<"$out" && grep -q "$libs" <<<"$out"
	check $? "$d: --version --verbose names GLib and ${libs#^} ($(echo $out))"
done
