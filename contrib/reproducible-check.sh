#!/bin/bash
# Builds the Debian packages twice from the release tarball (contrib/debian-package.sh),
# in different directories, under a different umask, time zone and locale, the second
# a while after the first, and compares them: the daemons and every .deb must be
# byte for byte the same. dpkg-buildpackage takes SOURCE_DATE_EPOCH from
# debian/changelog. Prints the checksums; exits 1 on any difference (and shows it with
# diffoscope where that is installed).
#
# Usage: contrib/reproducible-check.sh [WORK-DIR]   (default: _out/reproducible)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/_out/reproducible}

rm -rf --one-file-system "$work"
mkdir -p "$work"
# Build 1 and 2 differ in path (different length too), umask, TZ, LANG and start time.
(umask 022 && TZ=UTC LANG=C.UTF-8 bash "$root/contrib/debian-package.sh" "$work/a") |
	sed 's/^/[1] /'
sleep 2
(umask 002 && TZ=Asia/Kolkata LANG=C bash "$root/contrib/debian-package.sh" \
	"$work/second-build-elsewhere") | sed 's/^/[2] /'

status=0
compare()
{
	local a=$1 b=$2 name=$3
	local sa sb
	sa=$(sha256sum <"$a" | cut -d' ' -f1)
	sb=$(sha256sum <"$b" | cut -d' ' -f1)
	if [ "$sa" = "$sb" ]; then
		echo "same      $sa  $name"
	else
		echo "DIFFERENT $sa $sb  $name"
		status=1
		if command -v diffoscope >/dev/null; then
			diffoscope "$a" "$b" | head -n 60 || true
		fi
	fi
}

for deb in "$work"/a/*.deb; do
	compare "$deb" "$work/second-build-elsewhere/$(basename "$deb")" "$(basename "$deb")"
done
for d in gpu input; do
	compare "$work/a/vhost-desktop-0.1.0/src/vhost-desktop-$d" \
		"$work/second-build-elsewhere/vhost-desktop-0.1.0/src/vhost-desktop-$d" \
		"vhost-desktop-$d (the daemon)"
done
if [ "$status" = 0 ]; then
	echo "reproducible-check: both builds are identical"
else
	echo "reproducible-check: the builds differ"
fi
exit "$status"
