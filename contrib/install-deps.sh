#!/bin/bash
# Installs what vhost-desktop needs on a Debian 12 (bookworm) machine, and nothing else:
#
#	bash contrib/install-deps.sh --for=quick-start   # build, one small guest (the quick start)
#	bash contrib/install-deps.sh --for=ci            # and everything the whole test suite uses
#	bash contrib/install-deps.sh --for=ci --list     # print the packages, install nothing
#
# It says what it will install or upgrade before it does (from apt's own simulation), and
# does nothing when everything is there. What it changes on the machine:
# - Debian packages from bookworm (the lists below; `--for=quick-start` installs the build
#   dependencies, busybox-static, a kernel for the guest, cpio, kmod, python3, gdbus),
# - QEMU 10 from bookworm-backports (bookworm's 7.2 refuses vhost-user devices without KVM):
#   the suite is added to /etc/apt/sources.list.d/bookworm-backports.sources with the URI of
#   the machine's own Debian sources, and /etc/apt/preferences.d/vhost-desktop-qemu pins
#   QEMU's and SeaBIOS's source packages to it (no `-t`: nothing else comes from backports,
#   nothing installed is upgraded; later upgrades of QEMU also come from backports).
# Needs root when something is missing. Recommended packages are not installed.
set -euo pipefail
exec </dev/null

here=$(cd "$(dirname "$0")" && pwd)
target=
list_only=0
for arg in "$@"; do
	case "$arg" in
	--for=quick-start | --for=ci) target=${arg#--for=} ;;
	--list) list_only=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-deps: unknown argument $arg (see --help)" >&2
		exit 2
		;;
	esac
done
[ -n "$target" ] || { echo "install-deps: say --for=quick-start or --for=ci" >&2; exit 2; }

# What configure and make need.
build=(build-essential autoconf automake libtool autopoint gettext pkg-config
	libglib2.0-dev libpixman-1-dev libpng-dev zlib1g-dev libseccomp-dev libinput-dev
	libudev-dev libdrm-dev libvirglrenderer-dev)
# A guest to boot: the host's kernel and a busybox initramfs (tests/e2e/build-initramfs.sh),
# python3 for QMP and screendumps, gdbus for the D-Bus control sockets.
guest=(busybox-static linux-image-amd64 kmod cpio xz-utils python3 libglib2.0-bin)
# The rest of the suite: clang with ASan and llvm-symbolizer for its reports, Mesa's EGL
# and llvmpipe for --virgl, mmdebstrap and mke2fs for the guests' Debian roots
# (tests/e2e/build-debian-root.sh), D-Bus, systemd and man for the packaging tests,
# debhelper and lintian for the Debian packages (contrib/debian-package.sh).
ci=(clang clang-format libclang-rt-14-dev llvm
	libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgles2
	mmdebstrap e2fsprogs
	dbus systemd groff-base man-db
	debhelper lintian)
# From bookworm-backports. The GPU reference back-end (/usr/lib/qemu/vhost-user-gpu) is in
# qemu-system-gui: the tests compare against it, the quick start does not need it.
qemu=(qemu-system-x86)

packages=("${build[@]}" "${guest[@]}")
if [ "$target" = ci ]; then
	packages+=("${ci[@]}")
	qemu+=(qemu-system-gui)
fi

if [ "$list_only" = 1 ]; then
	echo "bookworm: ${packages[*]}"
	echo "bookworm-backports: ${qemu[*]}"
	exit 0
fi

say()
{
	echo "install-deps: $*"
}

# Prints the packages of the lists that are not installed, and QEMU if older than 10.
missing_packages()
{
	local p status v
	for p in "${packages[@]}" "${qemu[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		[ "${status:0:2}" = ii ] || echo "$p"
	done
	v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
	if [ -n "$v" ] && ! dpkg --compare-versions "$v" ge 1:10; then
		echo qemu-system-x86
	fi
}

missing=$(missing_packages | sort -u)
if [ -z "$missing" ]; then
	say "all packages for --for=$target are installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	say "missing: $(echo $missing)" >&2
	say "error: installing them needs root (or install them yourself)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	say "adding bookworm-backports to /etc/apt/sources.list.d/bookworm-backports.sources"
	bash "$here/debian-sources.sh" bookworm-backports \
		>/etc/apt/sources.list.d/bookworm-backports.sources
fi
pin=/etc/apt/preferences.d/vhost-desktop-qemu
if [ ! -f "$pin" ]; then
	say "pinning QEMU and SeaBIOS to bookworm-backports in $pin"
	cat >"$pin" <<-PIN
	Explanation: vhost-desktop: QEMU 10 (and the SeaBIOS it needs) from bookworm-backports,
	Explanation: nothing else (contrib/install-deps.sh)
	Package: src:qemu src:seabios
	Pin: release n=bookworm-backports
	Pin-Priority: 990
	PIN
fi
say "apt-get update"
apt-get update -q >/dev/null

# Only what is missing.
read -r -a request <<<"$(echo $missing)"
apt_install=(apt-get install -y -q --no-install-recommends)
if ! plan=$("${apt_install[@]}" -s "${request[@]}" 2>&1); then
	# A machine that took a library from backports (Mesa and libdrm come with QEMU installed
	# with -t bookworm-backports and its recommended packages) needs that library's -dev
	# package from there too: bookworm's asks for bookworm's exact version.
	for i in "${!request[@]}"; do
		p=${request[$i]}
		if ! "${apt_install[@]}" -s "$p" >/dev/null 2>&1 &&
			"${apt_install[@]}" -s "$p/bookworm-backports" >/dev/null 2>&1; then
			say "$p: from bookworm-backports, to match what the machine has from there"
			request[$i]=$p/bookworm-backports
		fi
	done
	plan=$("${apt_install[@]}" -s "${request[@]}" 2>&1) ||
		{ echo "$plan" >&2; say "error: apt cannot install these packages (see above)" >&2; exit 1; }
fi
new=$(sed -n 's/^Inst \([^ ]*\) (.*/\1/p' <<<"$plan")
upgraded=$(sed -n 's/^Inst \([^ ]*\) \[\([^]]*\)\] (\([^ ]*\) \([^)]*\)).*/\1 \2 -> \3 (\4)/p' \
	<<<"$plan")
from_backports=$(grep '^Inst ' <<<"$plan" | grep -- 'Backports' |
	sed 's/^Inst \([^ ]*\) .*/\1/' || true)
say "will install $(wc -w <<<"$new") new packages: $(echo $new)"
[ -z "$upgraded" ] || say "will upgrade: $(echo "$upgraded" | paste -sd ';' | sed 's/;/; /g')"
[ -z "$from_backports" ] || say "from bookworm-backports: $(echo $from_backports)"
"${apt_install[@]}" "${request[@]}"

missing=$(missing_packages | sort -u)
if [ -n "$missing" ]; then
	say "error: still missing after the install: $(echo $missing)" >&2
	exit 1
fi
say "done"
