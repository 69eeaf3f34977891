# Helpers for guest test scripts (busybox sh). The harness puts this file at /vd-guest.sh
# next to /test.sh; a test script starts with `. /vd-guest.sh`. Variables are global in sh
# unless declared local, so every helper declares its own.

# Prints a line the host waits for with vd_wait_serial.
vd_signal()
{
	echo "@@VD-E2E-$1@@"
}

# Waits up to $2 seconds (default 10) for path $1 to exist.
vd_wait_for()
{
	local n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1))
		[ "$n" -gt $((${2:-10} * 10)) ] && return 1
		usleep 100000
	done
	return 0
}

# Detaches the framebuffer console so its cursor and text do not land in the picture.
vd_fb_quiet()
{
	local v
	for v in /sys/class/vtconsole/vtcon*; do
		grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
	done
	return 0
}

# Writes $2 copies of file $1 to stdout, by doubling: a fork per copy is slow under TCG.
vd_repeat_file()
{
	local n=1
	cp "$1" /tmp/vd-rep.$$
	while [ "$n" -lt "$2" ]; do
		cat /tmp/vd-rep.$$ /tmp/vd-rep.$$ >/tmp/vd-rep2.$$
		mv /tmp/vd-rep2.$$ /tmp/vd-rep.$$
		n=$((n * 2))
	done
	head -c $(($(wc -c <"$1") * $2)) /tmp/vd-rep.$$
	rm -f /tmp/vd-rep.$$
}

# Paints /dev/fb0 (XRGB8888) with horizontal bands of the colours given as RRGGBB; with N
# colours band i covers rows [i*H/N, (i+1)*H/N). ppm-bands.py checks the same layout.
vd_fb_bands()
{
	local fb=/sys/class/graphics/fb0 w h stride n i c r g b pad rows
	vd_wait_for /dev/fb0 10 || { echo "vd_fb_bands: no /dev/fb0"; return 1; }
	[ "$(cat $fb/bits_per_pixel)" = 32 ] || { echo "vd_fb_bands: not 32 bpp"; return 1; }
	w=$(cut -d, -f1 $fb/virtual_size)
	h=$(cut -d, -f2 $fb/virtual_size)
	stride=$(cat $fb/stride)
	n=$#
	i=0
	: >/tmp/vd-frame
	for c in "$@"; do
		r=${c%????}
		g=${c#??}
		g=${g%??}
		b=${c#????}
		# Little-endian XRGB8888: blue, green, red, unused.
		printf "$(printf '\\%03o\\%03o\\%03o\\000' 0x$b 0x$g 0x$r)" >/tmp/vd-px
		vd_repeat_file /tmp/vd-px "$w" >/tmp/vd-row
		pad=$((stride - w * 4))
		[ "$pad" -gt 0 ] && head -c "$pad" /dev/zero >>/tmp/vd-row
		rows=$(((i + 1) * h / n - i * h / n))
		vd_repeat_file /tmp/vd-row "$rows" >>/tmp/vd-frame
		i=$((i + 1))
	done
	cat /tmp/vd-frame >/dev/fb0
	echo "vd_fb_bands: painted ${w}x${h} stride $stride with $n bands"
}

# Prints the /dev/input/eventN node of the input device whose name is $1, waiting up to
# $2 seconds (default 10) for it to appear.
vd_input_find()
{
	local n=0 e
	while :; do
		for e in /sys/class/input/event*; do
			[ "$(cat "$e/device/name" 2>/dev/null)" = "$1" ] || continue
			echo "/dev/input/${e##*/}"
			return 0
		done
		n=$((n + 1))
		[ "$n" -gt $((${2:-10} * 10)) ] && return 1
		usleep 100000
	done
}

# Reads $2 events from evdev node $1 within $3 seconds (default 10) and prints one
# "type code value" line per event (decimal, value signed). struct input_event is 24 bytes
# on x86_64: a 16-byte timestamp, u16 type, u16 code, s32 value.
vd_input_read()
{
	timeout "${3:-10}" dd if="$1" bs=24 count="$2" 2>/dev/null |
		od -An -v -w24 -t u2 |
		awk '{ v = $11 + $12 * 65536; if (v >= 2147483648) v -= 4294967296; print $9, $10, v }'
}

# Mounts the Debian root that the host built with build-debian-root.sh and attached as the
# first virtio disk (lib.sh: VD_GUEST_DISK) read-only at /debian, with the kernel's file
# systems and a tmpfs on /tmp and /run inside it, so that vd_root_run can run its programs.
vd_root_mount()
{
	local m
	for m in crc32c_generic virtio_blk ext4; do
		modprobe $m || { echo "vd_root_mount: modprobe $m failed"; return 1; }
	done
	vd_wait_for /dev/vda 10 || { echo "vd_root_mount: no /dev/vda"; return 1; }
	mkdir -p /debian
	mount -t ext4 -o ro /dev/vda /debian || { echo "vd_root_mount: mount failed"; return 1; }
	mount -t devtmpfs dev /debian/dev &&
		mount -t proc proc /debian/proc &&
		mount -t sysfs sys /debian/sys &&
		mount -t tmpfs tmp /debian/tmp &&
		mount -t tmpfs run /debian/run || { echo "vd_root_mount: mounts failed"; return 1; }
	mkdir -p /debian/run/user/0
	chmod 700 /debian/run/user/0
}

# Runs a program of the Debian root (vd_root_mount) with the environment of this shell:
# vd_root_run /usr/bin/kmscube ARGS... Redirections are opened outside the root, so /tmp in
# them is the busybox /tmp, the root's own is /debian/tmp.
vd_root_run()
{
	# SYSTEMD_IGNORE_CHROOT: udevadm refuses to trigger or settle in a chroot otherwise.
	HOME=/root XDG_RUNTIME_DIR=/run/user/0 PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		SYSTEMD_IGNORE_CHROOT=1 chroot /debian "$@"
}
