#!/bin/bash
# Proves that the README's "libvirt" section works as written on this machine (Debian 12:
# libvirt 9.0, QEMU 10 from bookworm-backports): installs the daemons from this source
# tree with `make install`, links the GPU descriptor where libvirt looks, boots a transient
# domain with `<video><driver name='vhostuser'/>...` and checks what a user would see.
# See usage() for the options; the output is TAP, ending in a summary line.
set -uo pipefail

usage()
{
	cat <<EOF
Usage: bash contrib/libvirt-check.sh [OPTION]...

Checks the README's "libvirt" section end to end: libvirt starts vhost-desktop-gpu
itself (from its vhost-user descriptor), a busybox guest (the host's kernel) paints
colour bands on its framebuffer, and \`virsh screenshot\` must show them pixel for pixel.

  --system         qemu:///system (needs root)
  --session        qemu:///session (as you, or as root: as --user)
  --all            both (the default as root; without root: --session)
  --tcg            type='qemu' domains only
  --kvm            type='kvm' domains only (skipped, with the reason, where KVM
                   cannot run a guest)
                   (default: both)
  --user=NAME      the session user when run as root (default vdcheck; created for the
                   run and removed at the end if it does not exist)
  --prefix=DIR     use the daemons installed under DIR (\`make install\` with
                   --prefix=DIR) instead of building this tree into the work directory
  --workdir=DIR    where the work directory is made (default /var/tmp); it must be
                   readable by libvirt-qemu and the session user
  --keep           keep the work directory (logs, domain XML, screenshots) and the install
  -h, --help       this text

What it changes on the machine, all undone on exit: starts virtlogd and libvirtd
(system) and the session user's libvirtd when they are not running (in the foreground,
their pid files in the work directory) and stops them again; creates
/etc/qemu/vhost-user/10-vhost-desktop-gpu.json and
~USER/.config/qemu/vhost-user/10-vhost-desktop-gpu.json (and the directories it had to
make); creates the session user when missing. Domains are transient (\`virsh create\`).
An existing session user keeps what libvirt itself writes in ~/.config/libvirt and
~/.cache/libvirt.

Needs: libvirt (apt-get install --no-install-recommends libvirt-daemon-system
libvirt-clients), qemu-system-x86 >= 10 (bookworm-backports), what the end-to-end tests
need for the guest (linux-image-amd64, busybox-static, cpio, kmod, python3) and the build
dependencies of this tree (contrib/install-deps.sh --for=quick-start --list).
Exits 0 only when no check failed.
EOF
}

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
modes=()
accels=()
keep=0
want_user=
prefix=
workbase=/var/tmp

for arg in "$@"; do
	case "$arg" in
	--system) modes+=(system) ;;
	--session) modes+=(session) ;;
	--all) modes+=(system session) ;;
	--tcg) accels+=(tcg) ;;
	--kvm) accels+=(kvm) ;;
	--user=*) want_user=${arg#--user=} ;;
	--prefix=*) prefix=${arg#--prefix=} ;;
	--workdir=*) workbase=${arg#--workdir=} ;;
	--keep) keep=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "libvirt-check: unknown option $arg (--help lists them)" >&2; exit 2 ;;
	esac
done

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
if [ "${#modes[@]}" -eq 0 ]; then
	if [ "$is_root" = 1 ]; then modes=(system session); else modes=(session); fi
fi
[ "${#accels[@]}" -eq 0 ] && accels=(tcg kvm)
export LC_ALL=C LANGUAGE=
export PATH="$PATH:/usr/sbin:/sbin"

# ---- TAP ----
tap_n=0
n_pass=0
n_fail=0
n_skip=0
t_start=$SECONDS

diag()
{
	printf '# %s\n' "$*"
}

ok()
{
	tap_n=$((tap_n + 1))
	n_pass=$((n_pass + 1))
	echo "ok $tap_n - $*"
}

not_ok()
{
	tap_n=$((tap_n + 1))
	n_fail=$((n_fail + 1))
	echo "not ok $tap_n - $*"
}

skip()
{
	tap_n=$((tap_n + 1))
	n_skip=$((n_skip + 1))
	echo "ok $tap_n # SKIP $*"
}

# check DESCRIPTION COMMAND...
check()
{
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

die_missing()
{
	echo "libvirt-check: $*" >&2
	exit 2
}

# ---- what the machine must have ----
missing=()
for c in libvirtd virtlogd; do
	command -v "$c" >/dev/null || missing+=("$c (libvirt-daemon-system)")
done
command -v virsh >/dev/null || missing+=("virsh (libvirt-clients)")
if [ "${#missing[@]}" -gt 0 ]; then
	die_missing "libvirt is missing: ${missing[*]}. Install it with:
    apt-get install --no-install-recommends libvirt-daemon-system libvirt-clients"
fi
qemu_major=$(qemu-system-x86_64 --version 2>/dev/null |
	sed -n 's/^QEMU emulator version \([0-9][0-9]*\)\..*/\1/p' | head -n 1)
[ -n "$qemu_major" ] || die_missing "qemu-system-x86_64 not found
    (apt-get install -t bookworm-backports qemu-system-x86)"
[ "$qemu_major" -ge 10 ] || die_missing "QEMU $qemu_major is too old: vhost-user devices
    under TCG need QEMU 10 (apt-get install -t bookworm-backports qemu-system-x86)"
command -v python3 >/dev/null || die_missing "python3 not found (apt-get install python3)"
command -v setpriv >/dev/null || die_missing "setpriv not found (apt-get install util-linux)"

for m in "${modes[@]}"; do
	if [ "$m" = system ] && [ "$is_root" = 0 ]; then
		die_missing "--system needs root (libvirtd for qemu:///system runs as root)"
	fi
done
if [ "$is_root" = 1 ]; then
	session_user=${want_user:-vdcheck}
else
	session_user=$(id -un)
	if [ -n "$want_user" ] && [ "$want_user" != "$session_user" ]; then
		die_missing "--user=$want_user needs root"
	fi
fi

# ---- cleanup: everything below registers what it started or made ----
work=
started_pids=()     # "pid:name", stopped in reverse order
added_paths=()      # files and directories we made, removed in reverse order
domains=()          # "mode:name" of domains we created
created_user=
uid=
gid=
u_home=
u_run=
u_dir=              # the session user's runtime directory (and home, if created): short paths

# Sends SIGTERM, waits up to 10 s, then SIGKILL. Only for processes this script started.
stop_pid()
{
	local pid=$1 n=0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		diag "pid $pid did not stop on SIGTERM; SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

remove_added()
{
	local i p
	for ((i = ${#added_paths[@]} - 1; i >= 0; i--)); do
		p=${added_paths[$i]}
		if [ -L "$p" ] || [ -f "$p" ]; then
			rm -f "$p"
		elif [ -d "$p" ]; then
			rmdir "$p" 2>/dev/null || diag "left $p: not empty"
		fi
	done
	added_paths=()
}

# Removes a scratch directory of ours, unless --keep or something is mounted in it.
# Usage: remove_scratch_dir DIR WHAT
remove_scratch_dir()
{
	local dir=$1 what=$2
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	if [ "$keep" = 1 ]; then
		diag "$what kept: $dir"
	elif [ -n "$(findmnt -R -n -o TARGET "$dir" 2>/dev/null)" ]; then
		diag "$what kept, something is mounted in it: $dir"
	else
		rm -rf --one-file-system "$dir"
	fi
}

cleanup()
{
	local rc=$? d i entry
	trap - EXIT INT TERM HUP
	for d in "${domains[@]}"; do
		virsh_as "${d%%:*}" destroy "${d#*:}" >/dev/null 2>&1
	done
	for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
		entry=${started_pids[$i]}
		stop_pid "${entry%%:*}"
	done
	remove_added
	if [ -n "$created_user" ]; then
		userdel "$created_user" 2>/dev/null || diag "userdel $created_user failed"
	fi
	remove_scratch_dir "$u_dir" "session user's directory"
	remove_scratch_dir "$work" "work directory"
	exit "$rc"
}
trap cleanup EXIT
trap 'diag "stopped by a signal"; exit 1' INT TERM HUP

# ---- commands as the session user ----

as_user_argv=()

# Runs a command as the session user, with the environment a login would give
# (as_user_argv: set by setup_session_user; a plain command, so that "$!" of a command
# started through it in the background is the command's own pid).
as_user()
{
	"${as_user_argv[@]}" "$@"
}

# virsh_as MODE ARGS...: virsh on qemu:///MODE, as the user that mode belongs to.
virsh_as()
{
	local mode=$1
	shift
	if [ "$mode" = system ]; then
		virsh -q -c qemu:///system "$@"
	else
		as_user virsh -q -c qemu:///session "$@"
	fi
}

# ---- work directory: readable by libvirt-qemu and the session user ----
work=$(mktemp -d "$workbase/vd-libvirt-check.XXXXXX") || exit 2
chmod 755 "$work"
diag "work directory $work"
echo "TAP version 13"

# Waits up to $2 seconds for command "${@:3}" to succeed.
wait_for()
{
	local what=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@"; do
		[ "$SECONDS" -ge "$deadline" ] && { diag "gave up waiting for $what"; return 1; }
		sleep 0.2
	done
}

# ---- 1. install the daemons the way the README says ----
t0=$SECONDS
if [ -z "$prefix" ]; then
	prefix=$work/prefix
	build=$work/build
	mkdir -p "$build"
	if [ -f "$srcdir/config.status" ]; then
		not_ok "build: $srcdir is configured in-tree; out-of-tree builds need \`make distclean\` there (or pass --prefix=DIR)"
		exit 1
	fi
	if [ ! -x "$srcdir/configure" ]; then
		diag "no configure in $srcdir: running autoreconf -fi there"
		(cd "$srcdir" && autoreconf -fi) >"$work/autoreconf.log" 2>&1 ||
			{ not_ok "autoreconf -fi failed (see $work/autoreconf.log)"; keep=1; exit 1; }
	fi
	# The user unit directory inside the prefix: by default `make install` writes the units
	# into systemd's own directory (/usr/lib/systemd/user), outside any --prefix.
	if (cd "$build" && "$srcdir/configure" --prefix="$prefix" \
		--with-systemduserunitdir="\${prefix}/lib/systemd/user" &&
		make -j"$(nproc)" && make install) >"$work/build.log" 2>&1; then
		ok "configure --prefix=$prefix && make && make install ($((SECONDS - t0)) s)"
	else
		not_ok "configure && make && make install failed; last lines of $work/build.log:"
		tail -n 20 "$work/build.log" | sed 's/^/#   /'
		keep=1
		exit 1
	fi
else
	prefix=$(cd "$prefix" && pwd) || die_missing "--prefix: no such directory"
fi
gpu_bin=$prefix/bin/vhost-desktop-gpu
descriptor=$prefix/share/qemu/vhost-user/50-vhost-desktop-gpu.json
if [ -x "$gpu_bin" ] && [ -f "$descriptor" ] &&
	grep -q "\"binary\": \"$gpu_bin\"" "$descriptor"; then
	ok "make install put $descriptor, naming $gpu_bin"
else
	not_ok "no $gpu_bin, or $descriptor missing or not naming it"
	exit 1
fi
caps=$("$gpu_bin" --print-capabilities 2>/dev/null)
diag "vhost-desktop-gpu --print-capabilities: $caps"
render_node=$(find /dev/dri -maxdepth 1 -name 'renderD*' 2>/dev/null | sort | head -n 1)
if [ -n "$render_node" ]; then
	diag "host render node: $render_node (libvirt adds --render-node= when the daemon lists render-node)"
else
	diag "no /dev/dri/renderD* on this host: no render-node capability, no --render-node="
fi
[ -f /usr/share/qemu/vhost-user/50-qemu-gpu.json ] &&
	diag "QEMU's /usr/share/qemu/vhost-user/50-qemu-gpu.json is there (sorts before ours)"

# ---- 2. the guest: the e2e tests' kernel and busybox initramfs ----
if ! bash "$srcdir/tests/e2e/build-initramfs.sh" "$work/guest" >"$work/initramfs.log" 2>&1; then
	not_ok "guest image (tests/e2e/build-initramfs.sh): $(tail -n 1 "$work/initramfs.log")"
	exit 1
fi
chmod -R a+rX "$work/guest"

# A guest image whose /test.sh is $1 (a file): base initramfs + one cpio layer.
make_initrd()
{
	local script=$1 out=$2 root
	root=$(mktemp -d "$work/layer.XXXXXX")
	cp "$script" "$root/test.sh"
	cp "$srcdir/tests/e2e/guest-lib.sh" "$root/vd-guest.sh"
	{
		cat "$work/guest/initramfs.cpio.gz"
		(cd "$root" && printf '%s\n' test.sh vd-guest.sh |
			cpio --quiet -o -H newc --owner 0:0) | gzip -1
	} >"$out"
	rm -rf --one-file-system "$root"
	chmod 644 "$out"
}

bands=(ff0000 00ff00 0000ff ffffff)
cat >"$work/paint.sh" <<GUEST
. /vd-guest.sh
vd_fb_quiet
dmesg | grep -E '\[drm\] features:' | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //; s/^/dmesg: /'
vd_fb_bands ${bands[*]} || exit 1
vd_signal PAINTED
# libvirt takes its screenshot now, then destroys the domain.
sleep 600
GUEST
make_initrd "$work/paint.sh" "$work/guest/paint.initrd"

# virsh screenshot gives PNG with QEMU 10 (PPM with older ones): PNG to PPM with the
# standard library only, for tests/e2e/ppm-bands.py.
cat >"$work/png2ppm.py" <<'PY'
import struct, sys, zlib

def main(src, dst):
    data = open(src, "rb").read()
    if data[:2] == b"P6":
        open(dst, "wb").write(data)
        return 0
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print(f"png2ppm: {src}: neither PNG nor PPM")
        return 1
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        elif typ == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        print(f"png2ppm: {src}: depth {depth}, colour type {ctype}, interlace {interlace}")
        return 1
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        elif f != 0:
            print(f"png2ppm: {src}: bad filter {f} in row {y}")
            return 1
        prev = line
        if bpp == 3:
            out += line
        else:
            for i in range(0, stride, 4):
                out += line[i:i + 3]
    with open(dst, "wb") as o:
        o.write(b"P6\n%d %d\n255\n" % (w, h))
        o.write(out)
    return 0

sys.exit(main(sys.argv[1], sys.argv[2]))
PY

# ---- KVM: does it really run a guest here? ----
kvm_reason=
kvm_probe()
{
	local d=$work/kvm-probe pid deadline
	if [ ! -e /dev/kvm ]; then
		kvm_reason="no /dev/kvm on this host"
		return 1
	fi
	mkdir -p "$d"
	echo 'echo KVM-PROBE-RAN' >"$d/test.sh"
	make_initrd "$d/test.sh" "$d/initrd"
	: >"$d/serial.log"
	# As the user running this script: whether libvirt's QEMU may open /dev/kvm is the
	# domain's own check below.
	qemu-system-x86_64 -accel kvm -nodefaults -no-reboot -no-user-config -machine q35 \
		-m 256M -display none -serial file:"$d/serial.log" \
		-kernel "$work/guest/vmlinuz" -initrd "$d/initrd" \
		-append 'console=ttyS0 panic=-1 quiet loglevel=3' >"$d/qemu.log" 2>&1 &
	pid=$!
	deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] &&
		! grep -q KVM-PROBE-RAN "$d/serial.log"; do
		sleep 0.2
	done
	local exited=1
	kill -0 "$pid" 2>/dev/null && exited=0
	stop_pid "$pid"
	if grep -q KVM-PROBE-RAN "$d/serial.log"; then
		return 0
	fi
	if [ "$exited" = 1 ]; then
		kvm_reason="QEMU with -accel kvm failed: $(grep -v 'warning:' "$d/qemu.log" | head -n 1)"
	else
		kvm_reason="/dev/kvm opens, but a guest under -accel kvm printed nothing within 30 s"
		kvm_reason+=" (TCG boots it in a few seconds)"
		grep -Eqw 'vmx|svm' /proc/cpuinfo ||
			kvm_reason+="; this host's CPU has no vmx/svm flag: nested virtualisation does not work here"
	fi
	return 1
}
kvm_ok=0
for a in "${accels[@]}"; do
	[ "$a" = kvm ] || continue
	t0=$SECONDS
	if kvm_probe; then
		kvm_ok=1
		diag "KVM runs a guest here (probe: $((SECONDS - t0)) s)"
	else
		diag "KVM probe ($((SECONDS - t0)) s): $kvm_reason"
	fi
done

# ---- libvirt daemons ----
# start_bg NAME LOG COMMAND...: starts a daemon in the foreground, in the background.
start_bg()
{
	local name=$1 log=$2
	shift 2
	"$@" >"$log" 2>&1 &
	started_pids+=("$!:$name")
	diag "started $name (pid $!): $*"
}

system_up()
{
	virsh -q -c qemu:///system version >/dev/null 2>&1
}

# The environment systemd gives libvirtd.service, not this shell's: libvirt 9.0 passes its
# own environment on to the vhost-user back-end it starts.
system_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)

start_system_libvirt()
{
	if system_up; then
		diag "qemu:///system: libvirtd is already running; using it, leaving it running"
		return 0
	fi
	if ! pgrep -u 0 -x virtlogd >/dev/null 2>&1 || [ ! -S /run/libvirt/virtlogd-sock ]; then
		start_bg virtlogd "$work/virtlogd.log" "${system_env[@]}" virtlogd \
			--pid-file="$work/virtlogd.pid"
		wait_for "virtlogd socket" 10 test -S /run/libvirt/virtlogd-sock || return 1
	fi
	start_bg libvirtd "$work/libvirtd.log" "${system_env[@]}" libvirtd \
		--pid-file="$work/libvirtd.pid"
	wait_for "libvirtd answering virsh" 30 system_up
}

session_sock()
{
	echo "$u_run/libvirt/libvirt-sock"
}

session_up()
{
	as_user virsh -q -c qemu:///session version >/dev/null 2>&1
}

session_virtlogd_pid=
start_session_libvirt()
{
	if [ -S "$(session_sock)" ] && session_up; then
		diag "qemu:///session: $session_user's libvirtd is already running; using it"
		return 0
	fi
	# Started here rather than autostarted by virsh, so that it can be stopped on exit.
	start_bg "session libvirtd" "$work/session-libvirtd.log" "${as_user_argv[@]}" libvirtd
	wait_for "session libvirtd answering virsh" 30 session_up
}

# ---- the session user ----
setup_session_user()
{
	if [ "$is_root" = 0 ]; then
		uid=$(id -u)
		gid=$(id -g)
		u_home=$HOME
		u_run=${XDG_RUNTIME_DIR:-}
		if [ -z "$u_run" ]; then
			u_dir=$(mktemp -d /var/tmp/vdc.XXXXXX) || return 1
			u_run=$u_dir
		fi
		as_user_argv=(env HOME="$u_home" XDG_RUNTIME_DIR="$u_run")
		return 0
	fi
	# Short paths: libvirt puts the QEMU monitor's socket under ~/.config/libvirt and
	# $XDG_RUNTIME_DIR/libvirt, and a Unix socket path has at most 107 bytes.
	u_dir=$(mktemp -d /var/tmp/vdc.XXXXXX) || return 1
	chmod 755 "$u_dir"
	if ! getent passwd "$session_user" >/dev/null; then
		command -v useradd >/dev/null || { echo "useradd not found (passwd)"; return 1; }
		useradd --system --user-group --no-create-home --home-dir "$u_dir/home" \
			--shell /usr/sbin/nologin "$session_user" || return 1
		created_user=$session_user
		mkdir -m 700 "$u_dir/home"
		chown "$session_user:" "$u_dir/home"
		diag "created user $session_user for qemu:///session (removed again on exit)," \
			"home $u_dir/home"
	fi
	uid=$(id -u "$session_user")
	gid=$(id -g "$session_user")
	u_home=$(getent passwd "$session_user" | cut -d: -f6)
	# No logind here to make /run/user/UID: a runtime directory of its own.
	u_run=$u_dir/run
	mkdir -m 700 "$u_run"
	chown "$session_user:" "$u_run"
	as_user_argv=(setpriv --reuid="$uid" --regid="$gid" --init-groups
		env -i HOME="$u_home" USER="$session_user" LOGNAME="$session_user"
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C XDG_RUNTIME_DIR="$u_run")
}

# ---- descriptor links, as the README says ----
# link_descriptor DIR AS: mkdir -p DIR, ln -s the descriptor as DIR/10-vhost-desktop-gpu.json;
# AS is "root" or "user". Records what it made.
link_descriptor()
{
	local dir=$1 as=$2 p=$1 missing_dirs=() i run=()
	[ "$as" = user ] && run=(as_user)
	while [ ! -e "$p" ]; do
		missing_dirs=("$p" "${missing_dirs[@]}")
		p=$(dirname "$p")
	done
	"${run[@]}" mkdir -p "$dir" || return 1
	for i in "${missing_dirs[@]}"; do
		added_paths+=("$i")
	done
	if [ -e "$dir/10-vhost-desktop-gpu.json" ] || [ -L "$dir/10-vhost-desktop-gpu.json" ]; then
		diag "$dir/10-vhost-desktop-gpu.json already exists; not touching it"
		return 1
	fi
	"${run[@]}" ln -s "$descriptor" "$dir/10-vhost-desktop-gpu.json" || return 1
	added_paths+=("$dir/10-vhost-desktop-gpu.json")
}

# ---- one domain ----
# domain_xml NAME TYPE ACCEL-ELEMENT DIR: the README's domain, completed into one that boots
# the test guest. <features><acpi/> is needed: without it libvirt 9.0 passes -no-acpi,
# which QEMU 10 no longer has.
domain_xml()
{
	local name=$1 type=$2 accel=$3 dir=$4 model
	if [ -n "$accel" ]; then
		model="<model type='virtio' heads='1'>$accel</model>"
	else
		model="<model type='virtio' heads='1'/>"
	fi
	cat <<EOF
<domain type='$type'>
  <name>$name</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$work/guest/vmlinuz</kernel>
    <initrd>$work/guest/paint.initrd</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet loglevel=3 vt.global_cursor_default=0</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'>
      <source path='$dir/serial.log'/>
    </serial>
    <video>
      <driver name='vhostuser'/>
      $model
    </video>
  </devices>
</domain>
EOF
}

# lacks_word WORD STRING: STRING has no word that starts with WORD.
lacks_word()
{
	! grep -q -- " $1" <<<" $2"
}

pid_gone()
{
	! kill -0 "$1" 2>/dev/null
}

# The pid of the vhost-desktop-gpu that serves a domain (--fd=N), from our prefix.
find_daemon()
{
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "$exe" = "$gpu_bin" ] || continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- '--fd=' || continue
		echo "${p#/proc/}"
		return 0
	done
	return 1
}

# The daemon's messages in the journal or syslog: what reached them for PID.
log_lines()
{
	local pid=$1 f
	if [ -S /run/systemd/journal/socket ]; then
		journalctl -q -o cat -t vhost-desktop-gpu _PID="$pid" 2>/dev/null
		return
	fi
	for f in /var/log/syslog /var/log/daemon.log /var/log/messages /var/log/user.log; do
		[ -r "$f" ] && grep -a "vhost-desktop-gpu\[$pid\]" "$f"
	done
}

screen_matches()
{
	local dir=$1 mode=$2 name=$3 size=$4 shot
	shot=$dir/screen.img
	rm -f "$shot"
	virsh_as "$mode" screenshot "$name" "$shot" >"$dir/screenshot.log" 2>&1 || return 1
	python3 "$work/png2ppm.py" "$shot" "$dir/screen.ppm" >"$dir/compare.log" 2>&1 &&
		python3 "$srcdir/tests/e2e/ppm-bands.py" "$dir/screen.ppm" "$size" "${bands[@]}" \
			>>"$dir/compare.log" 2>&1
}

# run_case MODE ACCEL CASE: CASE is 2d (no <acceleration>), 3d (accel3d='yes') or
# 3d-no (accel3d='no').
run_case()
{
	local mode=$1 accel=$2 case=$3 type=qemu acc_el='' name dir t0=$SECONDS pid='' cmd
	local want_user label deadline size out want_virgl err lines
	[ "$accel" = kvm ] && type=kvm
	case "$case" in
	2d) want_virgl=0 ;;
	3d) acc_el="<acceleration accel3d='yes'/>"; want_virgl=1 ;;
	3d-no) acc_el="<acceleration accel3d='no'/>"; want_virgl=1 ;;
	esac
	label="$mode/$accel/${acc_el:-no <acceleration>}"
	name=vdlc-$$-${mode:0:3}-$accel-$case
	dir=$work/$mode-$accel-$case
	mkdir -p "$dir"
	if [ "$mode" = session ]; then
		chown "$uid:$gid" "$dir"
		want_user=$session_user
	else
		want_user=libvirt-qemu
	fi
	domain_xml "$name" "$type" "$acc_el" "$dir" >"$dir/domain.xml"

	if ! virsh_as "$mode" create "$dir/domain.xml" >"$dir/create.log" 2>&1; then
		err=$(grep -v '^$' "$dir/create.log" | tail -n 2 | tr '\n' ' ')
		not_ok "$label: virsh create: $err"
		[ "$type" = kvm ] && grep -q '/dev/kvm' "$dir/create.log" &&
			diag "$(ls -l /dev/kvm): QEMU runs as $want_user"
		return
	fi
	domains+=("$mode:$name")
	ok "$label: virsh create starts the domain"

	if wait_for "the daemon of $name" 10 find_daemon >/dev/null; then
		pid=$(find_daemon)
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
		cmd=${cmd% }
		local owner
		owner=$(stat -c %U "/proc/$pid")
		diag "daemon: pid $pid, user $owner: $cmd"
		diag "daemon's environment: $(tr '\0' ' ' <"/proc/$pid/environ" 2>/dev/null)"
		check "$label: libvirt runs $gpu_bin --fd=N as $want_user" \
			test "$owner" = "$want_user"
		if [ "$want_virgl" = 1 ]; then
			check "$label: the daemon got --virgl" grep -q -- ' --virgl' <<<" $cmd"
		else
			check "$label: the daemon got no --virgl" \
				lacks_word --virgl "$cmd"
		fi
		if [ -n "$render_node" ]; then
			check "$label: --render-node= passed (the host has $render_node)" \
				grep -q -- ' --render-node=' <<<" $cmd"
		else
			check "$label: no --render-node= (no render node here)" \
				lacks_word --render-node "$cmd"
		fi
		local o1 o2
		o1=$(readlink "/proc/$pid/fd/1")
		o2=$(readlink "/proc/$pid/fd/2")
		check "$label: the daemon's stdout and stderr are /dev/null (got $o1, $o2)" \
			test "$o1" = /dev/null -a "$o2" = /dev/null
	else
		not_ok "$label: no $gpu_bin --fd=N running (libvirt chose another back-end?)"
		pgrep -a -f 'vhost-user-gpu|vhost-desktop-gpu' | sed 's/^/#   /'
	fi

	# The guest paints; its driver's feature line tells whether it got virgl.
	deadline=$((SECONDS + 180))
	until tr -d '\r' <"$dir/serial.log" 2>/dev/null | grep -q '^@@VD-E2E-PAINTED@@$'; do
		if [ "$SECONDS" -ge "$deadline" ] ||
			! virsh_as "$mode" domstate "$name" 2>/dev/null | grep -q running; then
			break
		fi
		sleep 0.5
	done
	out=$(tr -d '\r' <"$dir/serial.log" 2>/dev/null)
	if grep -q '^@@VD-E2E-PAINTED@@$' <<<"$out"; then
		ok "$label: the guest painted its framebuffer ($((SECONDS - t0)) s after virsh create)"
		grep -E '^(dmesg|vd_fb_bands):' <<<"$out" | sed 's/^/# guest: /'
		if [ "$want_virgl" = 1 ]; then
			check "$label: the guest's driver reports +virgl" \
				grep -Eq '^dmesg: \[drm\] features: \+virgl' <<<"$out"
		else
			check "$label: the guest's driver reports -virgl" \
				grep -Eq '^dmesg: \[drm\] features: -virgl' <<<"$out"
		fi
		size=$(sed -n 's/^vd_fb_bands: painted \([0-9]*x[0-9]*\) .*/\1/p' <<<"$out")
		deadline=$((SECONDS + 20))
		until screen_matches "$dir" "$mode" "$name" "$size"; do
			[ "$SECONDS" -ge "$deadline" ] && break
			sleep 1
		done
		if screen_matches "$dir" "$mode" "$name" "$size"; then
			ok "$label: virsh screenshot shows the guest's bands pixel for pixel ($(tail -n 1 "$dir/compare.log"))"
		else
			not_ok "$label: virsh screenshot does not show the bands"
			cat "$dir/screenshot.log" "$dir/compare.log" 2>/dev/null | sed 's/^/#   /'
		fi
	else
		not_ok "$label: the guest did not paint within 180 s"
		tail -n 15 <<<"$out" | sed 's/^/#   /'
	fi

	if ! virsh_as "$mode" destroy "$name" >"$dir/destroy.log" 2>&1; then
		not_ok "$label: virsh destroy: $(tr '\n' ' ' <"$dir/destroy.log")"
	fi
	# libvirt's log of the domain (QEMU's command line, the daemon's start): kept in the work
	# directory; for system domains, removed from /var/log/libvirt/qemu with this mode.
	if [ "$mode" = system ] && [ -f "/var/log/libvirt/qemu/$name.log" ]; then
		cp "/var/log/libvirt/qemu/$name.log" "$dir/libvirt-domain.log"
		added_paths+=("/var/log/libvirt/qemu/$name.log")
	elif [ -f "$u_home/.cache/libvirt/qemu/log/$name.log" ]; then
		cp "$u_home/.cache/libvirt/qemu/log/$name.log" "$dir/libvirt-domain.log"
	fi
	local d kept=()
	for d in "${domains[@]}"; do
		[ "$d" = "$mode:$name" ] || kept+=("$d")
	done
	domains=("${kept[@]}")
	if [ -n "$pid" ]; then
		check "$label: the daemon exits after virsh destroy" \
			wait_for "daemon $pid to exit" 10 pid_gone "$pid"
		sleep 0.5
		lines=$(log_lines "$pid")
		if [ -n "$lines" ]; then
			ok "$label: the daemon's messages reach the journal/syslog: $(head -n 1 <<<"$lines")"
		elif [ ! -S /run/systemd/journal/socket ] && [ ! -S /dev/log ]; then
			skip "$label: daemon messages: no journald (/run/systemd/journal/socket) and no" \
				"syslog daemon (/dev/log) on this host; with stderr on /dev/null the daemon" \
				"falls back to syslog(3), whose messages are then dropped"
		else
			not_ok "$label: none of the daemon's messages (pid $pid) in the journal or syslog"
		fi
	fi
	diag "$label: $((SECONDS - t0)) s"
}

# ---- run the modes ----
declare -A mode_time=()
for mode in "${modes[@]}"; do
	t0=$SECONDS
	diag "==== qemu:///$mode ===="
	if [ "$mode" = system ]; then
		if ! setpriv --reuid=libvirt-qemu --regid=libvirt-qemu --init-groups \
			test -x "$gpu_bin" -a -r "$descriptor" 2>/dev/null; then
			not_ok "system: libvirt-qemu cannot run $gpu_bin or read $descriptor (a prefix under /root?)"
			continue
		fi
		if ! start_system_libvirt; then
			not_ok "system: libvirtd did not come up (see $work/libvirtd.log)"
			keep=1
			continue
		fi
		ok "system: libvirtd answers on qemu:///system"
		if [ -e /dev/kvm ] && ! setpriv --reuid=libvirt-qemu --regid=libvirt-qemu --init-groups \
			test -r /dev/kvm -a -w /dev/kvm 2>/dev/null; then
			# Measured with libvirt 9.0: its capability cache says "KVM was enabled when
			# probing ..., but it is not available now" at every look-up and probes QEMU
			# again (about 4 s, some 15 times for one domain start).
			diag "note: /dev/kvm is $(stat -c '%A %U:%G' /dev/kvm), closed to libvirt-qemu" \
				"(Debian's udev rule makes it crw-rw---- root:kvm): libvirt 9.0 then probes" \
				"QEMU again at every capability look-up, and virsh create takes about a minute"
		fi
		if link_descriptor /etc/qemu/vhost-user root; then
			ok "system: ln -s $descriptor /etc/qemu/vhost-user/10-vhost-desktop-gpu.json"
		else
			not_ok "system: linking the descriptor into /etc/qemu/vhost-user"
			continue
		fi
	else
		if ! setup_session_user; then
			not_ok "session: no session user"
			continue
		fi
		if ! as_user test -x "$gpu_bin" -a -r "$descriptor" -a -r "$work/guest/vmlinuz"; then
			not_ok "session: $session_user cannot run $gpu_bin or read $descriptor"
			continue
		fi
		if ! start_session_libvirt; then
			not_ok "session: $session_user's libvirtd did not come up (see $work/session-libvirtd.log)"
			keep=1
			continue
		fi
		ok "session: $session_user's libvirtd answers on qemu:///session"
		if link_descriptor "$u_home/.config/qemu/vhost-user" user; then
			ok "session: ln -s $descriptor ~$session_user/.config/qemu/vhost-user/10-vhost-desktop-gpu.json"
		else
			not_ok "session: linking the descriptor into ~$session_user/.config/qemu/vhost-user"
			continue
		fi
		[ -e /etc/qemu/vhost-user/10-vhost-desktop-gpu.json ] &&
			diag "note: /etc/qemu/vhost-user/10-vhost-desktop-gpu.json exists and applies to" \
				"qemu:///session too"
	fi
	for accel in "${accels[@]}"; do
		if [ "$accel" = kvm ] && [ "$kvm_ok" = 0 ]; then
			skip "$mode/kvm: $kvm_reason"
			continue
		fi
		if [ "$accel" = kvm ] && [ "$mode" = session ] &&
			! as_user test -r /dev/kvm -a -w /dev/kvm; then
			skip "$mode/kvm: $session_user cannot open /dev/kvm ($(stat -c '%A %U:%G' /dev/kvm)): add the user to its group"
			continue
		fi
		run_case "$mode" "$accel" 2d
		run_case "$mode" "$accel" 3d
		run_case "$mode" "$accel" 3d-no
	done
	# Undo this mode's changes before the next mode: the session must find the descriptor
	# in ~/.config, not through the system's link.
	for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
		stop_pid "${started_pids[$i]%%:*}"
	done
	if [ "$mode" = session ] && [ -f "$u_run/libvirt/virtlogd.pid" ]; then
		# The session libvirtd spawned its user's virtlogd (it would exit after 30 s idle).
		session_virtlogd_pid=$(cat "$u_run/libvirt/virtlogd.pid")
		[ -n "$session_virtlogd_pid" ] && [ "$(stat -c %U "/proc/$session_virtlogd_pid" 2>/dev/null)" = "$session_user" ] &&
			stop_pid "$session_virtlogd_pid"
	fi
	started_pids=()
	remove_added
	mode_time[$mode]=$((SECONDS - t0))
	diag "qemu:///$mode took ${mode_time[$mode]} s"
done

echo "1..$tap_n"
summary="$n_pass passed, $n_fail failed, $n_skip skipped in $((SECONDS - t_start)) s"
for mode in "${modes[@]}"; do
	summary+="; $mode ${mode_time[$mode]:-?} s"
done
echo "# $summary"
[ "$n_fail" -eq 0 ]
