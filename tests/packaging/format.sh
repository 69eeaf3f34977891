#!/bin/bash
# Every C file of src/, tests/ and contrib/ is laid out as .clang-format says, with the
# clang-format the project formats with (14, Debian 12's): `clang-format -i FILE` fixes
# one. Another version lays some things out differently, so it skips, naming it.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v clang-format >/dev/null; then
	echo "1..0 # SKIP clang-format is not installed (apt-get install clang-format)"
	exit 0
fi
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$version" != 14 ]; then
	echo "1..0 # SKIP clang-format $version: the layout is checked with clang-format 14"
	exit 0
fi
cd "$top_srcdir" || exit 1
# The sources, not what a build in the source tree generates there (the D-Bus XML as C).
mapfile -t files < <(find src tests contrib -name '*.[ch]' -not -path '*/corpus*' \
	-not -name '*dbus-xml.h' | sort)
echo "1..1"
bad=()
for f in "${files[@]}"; do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} = 0 ]; then
	echo "ok 1 - ${#files[@]} C files follow .clang-format"
else
	echo "not ok 1 - ${#bad[@]} of ${#files[@]} C files do not follow .clang-format (clang-format -i fixes them):"
	printf '#   %s\n' "${bad[@]}"
fi
