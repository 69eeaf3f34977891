#!/bin/bash
# Builds the guest used by the end-to-end tests: the host's Debian kernel and a busybox
# initramfs carrying the virtio modules our devices need.
#
# Usage: build-initramfs.sh OUTDIR
# Leaves OUTDIR/vmlinuz and OUTDIR/initramfs.cpio.gz. A test adds its own /test.sh by
# appending a second cpio archive (the kernel unpacks concatenated archives in order), so
# one base image serves every test. The result is cached per kernel version and per
# version of this script and of busybox; set VD_E2E_KVER to pick a kernel other than the newest one.
# OUTDIR/kver names the kernel version the image was built for.
set -euo pipefail

outdir=${1:?usage: build-initramfs.sh OUTDIR}

# Modules the guest loads, in order. Their dependencies are resolved below.
modules="virtio_pci virtio_input evdev virtio_gpu"
# Modules only copied: guest-lib.sh's vd_root_mount loads them for the guests that mount a
# Debian root from a virtio disk (build-debian-root.sh). crc32c_generic is ext4's soft
# dependency, which busybox modprobe does not follow.
disk_modules="crc32c_generic virtio_blk ext4"

die()
{
	echo "build-initramfs: $*" >&2
	exit 1
}

# depmod and modinfo live in /sbin, which a non-root PATH may lack.
export PATH="$PATH:/sbin:/usr/sbin"

kver=${VD_E2E_KVER:-}
if [ -z "$kver" ]; then
	# The newest by version order, not by glob order.
	kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$kver" ] || die "no kernel in /boot (apt-get install linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "$kernel is not readable"
moddir=/lib/modules/$kver
[ -d "$moddir" ] || die "$moddir is missing"

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox not found (apt-get install busybox-static)"
# A dynamic busybox would find no libc inside the guest; ldd fails on static binaries.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (apt-get install busybox-static)"
fi
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"
command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"

stamp="$kver $(cat "$0" "$busybox" | sha256sum | cut -c1-16)"
if [ -f "$outdir/stamp" ] && [ "$(cat "$outdir/stamp")" = "$stamp" ] &&
	[ -f "$outdir/vmlinuz" ] && [ -f "$outdir/initramfs.cpio.gz" ] && [ -f "$outdir/kver" ]; then
	exit 0
fi

mkdir -p "$outdir"
work=$(mktemp -d "$outdir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules/"$kver"}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
for applet in modprobe insmod poweroff reboot; do
	ln -sf ../bin/busybox "$root/sbin/$applet"
done

# Copy a module and everything it depends on, uncompressed: busybox modprobe cannot read
# every compression the host kernel package may use.
declare -A copied=()
copy_module()
{
	local name=$1 path deps dep rel
	[ -n "${copied[$name]:-}" ] && return 0
	copied[$name]=1
	path=$(modinfo -k "$kver" -n "$name" 2>/dev/null) || die "module $name not found for $kver"
	# Built into the kernel: nothing to copy.
	case "$path" in
	builtin|"(builtin)"|"") return 0 ;;
	esac
	rel=${path#"$moddir"/}
	mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
	case "$path" in
	*.ko.xz) xz -dc "$path" >"$root/lib/modules/$kver/${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$path" >"$root/lib/modules/$kver/${rel%.zst}" ;;
	*.ko.gz) gzip -dc "$path" >"$root/lib/modules/$kver/${rel%.gz}" ;;
	*) cp "$path" "$root/lib/modules/$kver/$rel" ;;
	esac
	deps=$(modinfo -k "$kver" -F depends "$name")
	for dep in ${deps//,/ }; do
		copy_module "$dep"
	done
}
for m in $modules $disk_modules; do
	copy_module "$m"
done
cp "$moddir"/modules.builtin* "$moddir"/modules.order "$root/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$root" "$kver"

cat >"$root/init" <<INIT
#!/bin/sh
# Guest side of the vhost-desktop end-to-end tests: load the virtio drivers, run /test.sh,
# print its output between markers on the serial console, power off.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /run
mount -t tmpfs tmp /tmp
for m in $modules; do
	modprobe \$m || echo "vd-e2e: modprobe \$m failed"
done
# Let udev-less device nodes appear (devtmpfs creates them as drivers bind).
mdev -s 2>/dev/null
echo "@@VD-E2E-BEGIN@@"
if [ -f /test.sh ]; then
	sh /test.sh 2>&1
	rc=\$?
else
	echo "vd-e2e: no /test.sh in the initramfs"
	rc=127
fi
echo "@@VD-E2E-END rc=\$rc@@"
sync
poweroff -f
INIT
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner 0:0) |
	gzip -1 >"$work/initramfs.cpio.gz"
cp "$kernel" "$work/vmlinuz"
echo "$kver" >"$work/kver"
mv "$work/initramfs.cpio.gz" "$work/vmlinuz" "$work/kver" "$outdir/"
echo "$stamp" >"$outdir/stamp"
