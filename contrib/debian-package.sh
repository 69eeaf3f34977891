#!/bin/bash
# Builds the Debian packages as a Debian maintainer would, from the release tarball:
# `make dist`, the tarball unpacked with contrib/debian as its debian/, then
# `dpkg-buildpackage -us -uc -b` and lintian, which must report no error and no warning.
#
# Usage: contrib/debian-package.sh [OUTPUT-DIR]   (default: _out/debian)
# Needs: dpkg-dev, debhelper, lintian and the Build-Depends of contrib/debian/control
# (bash contrib/install-deps.sh --for=ci installs them all). Not root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/_out/debian}

die()
{
	echo "debian-package: $*" >&2
	exit 1
}

for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing (apt-get install dpkg-dev debhelper lintian)"
done

rm -rf --one-file-system "$out"
mkdir -p "$out/dist"
tarball=$(bash "$root/contrib/dist-tarball.sh" "$out/dist") || die "no tarball"
version=$(basename "$tarball" .tar.xz | sed 's/^vhost-desktop-//')
cp "$tarball" "$out/vhost-desktop_$version.orig.tar.xz"
tar -xf "$tarball" -C "$out"
src=$out/vhost-desktop-$version
[ -d "$src/contrib/debian" ] || die "the tarball has no contrib/debian"
cp -r "$src/contrib/debian" "$src/debian"
rm -rf --one-file-system "$out/dist"

echo "debian-package: building vhost-desktop $version in $src"
start=$SECONDS
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	die "dpkg-buildpackage failed (whole log: $out/build.log)"
fi
echo "debian-package: built in $((SECONDS - start)) s:"
(cd "$out" && ls -1 ./*.deb | sed 's|^\./|  |')

changes=$(ls "$out"/vhost-desktop_*_*.changes)
if lintian --fail-on error,warning --display-info "$changes" >"$out/lintian.log" 2>&1; then
	sed 's/^/  lintian: /' "$out/lintian.log"
	echo "debian-package: lintian: no error, no warning"
else
	sed 's/^/  lintian: /' "$out/lintian.log"
	die "lintian reports errors or warnings"
fi
