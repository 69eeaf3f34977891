#!/bin/bash
# Builds the RPM packages from the release tarball with contrib/vhost-desktop.spec, as a
# Fedora packager would (rpmbuild -bb; --nodeps on a machine whose RPM database does not
# know the build dependencies, such as Debian), then runs rpmlint on them, which must
# report no error.
#
# Usage: contrib/rpm-package.sh [OUTPUT-DIR]   (default: _out/rpm)
# Needs: rpm (rpmbuild) and rpmlint, and the build dependencies installed some way.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/_out/rpm}

die()
{
	echo "rpm-package: $*" >&2
	exit 1
}

for tool in rpmbuild rpmlint; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install rpm rpmlint)"
done
rm -rf --one-file-system "$out"
mkdir -p "$out"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}
bash "$root/contrib/dist-tarball.sh" "$out/SOURCES" >/dev/null || die "no tarball"
cp "$root/contrib/vhost-desktop.spec" "$out/SPECS/"

nodeps=
# rpmbuild checks BuildRequires against the RPM database; Debian's is empty.
command -v dpkg >/dev/null && nodeps=--nodeps
start=$SECONDS
# No debuginfo: find-debuginfo belongs to Fedora's debugedit, not to every rpm.
if ! rpmbuild -bb $nodeps --define "_topdir $out" --define 'debug_package %{nil}' \
	"$out/SPECS/vhost-desktop.spec" >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	die "rpmbuild failed (whole log: $out/build.log)"
fi
echo "rpm-package: built in $((SECONDS - start)) s:"
find "$out/RPMS" -name '*.rpm' -printf '  %f\n' | sort
rpmlint -c "$root/contrib/rpmlint.toml" "$out"/RPMS/*/*.rpm "$out/SPECS/vhost-desktop.spec" \
	>"$out/rpmlint.log" 2>&1 || true
sed 's/^/  rpmlint: /' "$out/rpmlint.log"
grep -qE ' 0 errors' "$out/rpmlint.log" || die "rpmlint reports errors"
echo "rpm-package: rpmlint: no error"
