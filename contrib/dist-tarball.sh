#!/bin/bash
# The release tarball, as the packaging scripts start from it: autoreconf in the source
# tree, then configure and `make dist` in a build tree of its own (the source tree gets
# no build files), the tarball moved to DIR and its path printed.
# Usage: contrib/dist-tarball.sh DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: dist-tarball.sh DIR}
build=$(mktemp -d "$dir/.dist.XXXXXX")

(cd "$root" && autoreconf -fi >/dev/null 2>&1) || { echo "dist-tarball: autoreconf failed" >&2; exit 1; }
if ! (cd "$build" && "$root/configure" -q >/dev/null && make -s dist >/dev/null); then
	echo "dist-tarball: make dist failed" >&2
	exit 1
fi
mv "$build"/vhost-desktop-*.tar.xz "$dir/"
rm -rf --one-file-system "$build"
ls "$dir"/vhost-desktop-*.tar.xz
