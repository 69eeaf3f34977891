#!/bin/bash
# Proves the e2e harness: boots the guest with no vhost-user device and checks that its
# test script ran inside the guest's kernel and that the drivers our devices need loaded.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

vd_e2e_init 3

guest=$VD_WORK/boot-guest.sh
cat >"$guest" <<'GUEST'
echo "kernel $(uname -r)"
for m in virtio_pci virtio_input evdev virtio_gpu; do
	grep -q "^$m " /proc/modules && echo "module $m"
done
GUEST
vd_guest_start "$guest"
vd_check "guest powers off by itself" vd_guest_wait 120
out=$(vd_guest_output)
printf '%s\n' "$out" | sed 's/^/# guest: /'
vd_check "guest test script ran on kernel $VD_GUEST_KVER" \
	grep -qx "kernel $VD_GUEST_KVER" <<<"$out"
vd_check "guest loaded virtio_pci, virtio_input, evdev, virtio_gpu" \
	test "$(grep -c '^module ' <<<"$out")" -eq 4
