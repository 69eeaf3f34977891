#!/bin/bash
# Runs the README's two commands as a new user would, on a fresh Debian 12 machine: a
# minimal Debian 12 root made with mmdebstrap (what `debootstrap` gives a new server, plus
# git), the committed tree cloned into it, then, inside it as root (chroot with /dev, /proc
# and /sys mounted):
#
#	bash contrib/quick-start.sh
#	bash .ci/run
#
# and prints how each ended. A green CI on a developer's machine can hide a missing install
# step or a package a newer version breaks; this cannot.
#
# Usage: contrib/fresh-machine-check.sh [--mesa=bookworm|backports] [--keep] [WORKDIR]
#   --mesa=backports  first installs QEMU from bookworm-backports with its recommended
#                     packages, as its usual install instructions do: that brings Mesa 25
#                     and libdrm from backports, the second kind of machine CI must pass on
#   --keep            keeps the root (WORKDIR/root) for a look afterwards; remove it with
#                     `rm -rf --one-file-system`, or rerun the check, which removes it
#   WORKDIR           where the root is made (default /var/tmp/vd-fresh-machine); about
#                     4 GB with the e2e guests
# Needs root and mmdebstrap (installed when missing). Takes about 15 minutes on 2 cores:
# 1-2 to make the root, 2-3 for the quick start, the rest for the CI. Exits 0 only when
# both commands do. The apt sources are the machine's own (contrib/debian-sources.sh).
set -euo pipefail
exec </dev/null

top=$(cd "$(dirname "$0")/.." && pwd)
mesa=bookworm
keep=0
workdir=/var/tmp/vd-fresh-machine
for arg in "$@"; do
	case "$arg" in
	--mesa=bookworm | --mesa=backports) mesa=${arg#--mesa=} ;;
	--keep) keep=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "fresh-machine-check: unknown option $arg (see --help)" >&2
		exit 2
		;;
	*) workdir=$arg ;;
	esac
done
t_start=$SECONDS

say()
{
	printf '==> [%4ds] %s\n' $((SECONDS - t_start)) "$*"
}

die()
{
	echo "fresh-machine-check: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot, mounts)"
git -C "$top" rev-parse --verify -q HEAD >/dev/null || die "$top is not a git checkout"
if ! command -v mmdebstrap >/dev/null; then
	say "installing mmdebstrap on this machine (apt-get install mmdebstrap)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap \
		>/dev/null || die "apt-get install mmdebstrap failed"
fi

root=$workdir/root
mounted=()

# Removes the root, never what is mounted in it: the root has the host's /dev and /sys
# bind-mounted while the check runs, and an rm -rf through them would delete the host's
# device nodes (it did once).
remove_root()
{
	if findmnt -R "$root" >/dev/null 2>&1 || grep -q " $root/" /proc/self/mounts; then
		echo "fresh-machine-check: $root still has file systems mounted; not removing it" >&2
		return 1
	fi
	rm -rf --one-file-system "$root"
}

cleanup()
{
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R -l "${mounted[$i]}" 2>/dev/null || true
	done
	if [ "$keep" = 1 ]; then
		say "root kept: $root"
	else
		remove_root
	fi
}
trap cleanup EXIT

mkdir -p "$workdir"
remove_root || exit 1
sources=$workdir/debian.sources
bash "$top/contrib/debian-sources.sh" bookworm bookworm-updates bookworm-security >"$sources"
say "making a Debian 12 root (mmdebstrap --variant=important, plus git) in $root"
# policy-rc.d: packages installed in the root must not start services on this machine.
mmdebstrap --variant=important --include=git,ca-certificates \
	--customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
	bookworm "$root" "$sources" >"$workdir/mmdebstrap.log" 2>&1 ||
	{ tail -n 20 "$workdir/mmdebstrap.log"; die "mmdebstrap failed"; }
say "root ready: $(du -sm "$root" | cut -f1) MB, $(chroot "$root" dpkg-query -W | wc -l) packages"

for m in proc sys dev; do
	case "$m" in
	proc) mount -t proc proc "$root/proc" ;;
	*) mount --rbind "/$m" "$root/$m" && mount --make-rslave "$root/$m" ;;
	esac
	mounted+=("$root/$m")
done

# The committed tree, as CI's clean clone has it.
git clone -q "$top" "$root/root/vhost-desktop"
commit=$(git -C "$root/root/vhost-desktop" rev-parse --short HEAD)
say "cloned $commit into /root/vhost-desktop"

# Usage: in_root COMMAND...: runs COMMAND in the tree inside the root, with a clean
# environment (a login shell's, not this one's).
in_root()
{
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c 'cd /root/vhost-desktop && "$@"' bash "$@"
}

if [ "$mesa" = backports ]; then
	say "--mesa=backports: QEMU from bookworm-backports with its recommended packages"
	bash "$top/contrib/debian-sources.sh" bookworm-backports \
		>"$root/etc/apt/sources.list.d/backports.sources"
	in_root sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q -t bookworm-backports qemu-system-x86 qemu-system-gui' \
		>"$workdir/backports.log" 2>&1 || { tail -n 20 "$workdir/backports.log"; die "failed"; }
	say "Mesa in the root: $(in_root dpkg-query -W -f='${Version}' libgl1-mesa-dri)," \
		"libdrm2 $(in_root dpkg-query -W -f='${Version}' libdrm2)"
fi

# Usage: run_step NAME LOG COMMAND...: runs COMMAND in the root, keeps its output in LOG,
# prints its last lines, and sets step_rc and step_s.
run_step()
{
	local name=$1 log=$2 t0=$SECONDS
	shift 2
	say "$name: $*"
	step_rc=0
	in_root "$@" >"$log" 2>&1 || step_rc=$?
	step_s=$((SECONDS - t0))
	tail -n 12 "$log" | sed 's/^/    /'
	say "$name: exit $step_rc in $step_s s (log: $log)"
}

run_step "quick start" "$workdir/quick-start.log" bash contrib/quick-start.sh
qs_rc=$step_rc qs_s=$step_s
qs_last=$(grep -E 'quick start (done|FAILED)|error:' "$workdir/quick-start.log" | tail -n 1)
run_step "test command" "$workdir/ci.log" env CI=true bash .ci/run
ci_rc=$step_rc ci_s=$step_s
ci_last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$workdir/ci.log" | tail -n 1)

echo
echo "fresh Debian 12 root, Mesa from $mesa ($(in_root dpkg-query -W -f='${Version}' \
	libgl1-mesa-dri 2>/dev/null || echo 'not installed')), tree at $commit:"
echo "  bash contrib/quick-start.sh: exit $qs_rc in $qs_s s${qs_last:+: $qs_last}"
echo "  bash .ci/run:                exit $ci_rc in $ci_s s${ci_last:+: $ci_last}"
[ "$qs_rc" -eq 0 ] && [ "$ci_rc" -eq 0 ]
