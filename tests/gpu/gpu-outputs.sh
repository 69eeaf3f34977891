#!/bin/bash
# Multi-head end to end: QEMU 10's vhost-user-gpu-pci with max_outputs=2 on our daemon with
# --outputs=2; the guest's virtio-gpu driver must create two connectors, the first one
# connected with an EDID (forwarded from QEMU over the GPU socket).
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 1

ours=${VD_GPU_BACKEND:-$top_builddir/src/vhost-desktop-gpu}

gpu_two_connectors()
{
	local guest=$VD_WORK/outputs-guest.sh out n
	vd_backend_start gpu "$ours" --outputs=2 || return 1
	cat >"$guest" <<'GUEST'
. /vd-guest.sh
vd_wait_for /sys/class/drm/card0-Virtual-1 30 || echo "no connector appeared"
sleep 1
for c in /sys/class/drm/card*-*; do
	[ -e "$c/status" ] || continue
	echo "connector ${c##*/} $(cat "$c/status") edid=$(cat "$c/edid" | wc -c)"
done
vd_signal LISTED
sleep 100
GUEST
	# shellcheck disable=SC2046 # the words are meant to split
	vd_guest_start "$guest" $(vd_vhost_user_args gpu vhost-user-gpu-pci max_outputs=2)
	vd_wait_serial '^@@VD-E2E-LISTED@@$' 120 || { vd_guest_kill; vd_backend_stop gpu; return 1; }
	out=$(vd_guest_output)
	printf '%s\n' "$out" | sed 's/^/# guest: /'
	vd_guest_kill
	vd_backend_stop gpu >/dev/null
	n=$(printf '%s\n' "$out" | grep -c '^connector card[0-9]*-Virtual-[12] ')
	[ "$n" -eq 2 ] || { vd_diag "expected 2 connectors, saw $n"; return 1; }
	printf '%s\n' "$out" | grep -q '^connector card[0-9]*-Virtual-1 connected edid=[1-9]' || {
		vd_diag "the first connector is not connected with an EDID"
		return 1
	}
}

if [ -x "$ours" ]; then
	vd_check "guest sees two connectors with max_outputs=2 and --outputs=2" gpu_two_connectors
else
	vd_skip "$ours not built"
fi
