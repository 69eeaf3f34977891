#!/bin/bash
# QEMU vhost-user descriptors (docs/interop/vhost-user.json): each generated JSON parses,
# names an absolute binary, the same one the systemd service runs, and that binary's
# --print-capabilities reports the descriptor's type and only features QEMU defines for it.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}

if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is not installed"
	exit 77
fi
echo "1..10"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"

for d in gpu input; do
	json=$top_builddir/data/50-vhost-desktop-$d.json
	python3 -m json.tool "$json" >/dev/null 2>&1
	check $? "$d: $(basename "$json") parses"

	python3 - "$json" "$d" "$top_builddir/data/vhost-desktop-$d@.service" <<'PY'
import json, sys
desc = json.load(open(sys.argv[1]))
keys = {'description', 'type', 'binary', 'tags'}
ok = (set(desc) <= keys and {'description', 'type', 'binary'} <= set(desc)
      and desc['type'] == sys.argv[2] and desc['binary'].startswith('/')
      and desc['binary'].endswith('/vhost-desktop-' + sys.argv[2])
      and all(isinstance(t, str) for t in desc.get('tags', [])))
exec_start = [l.split('=', 1)[1].split()[0] for l in open(sys.argv[3]) if l.startswith('ExecStart=')]
if not ok or exec_start != [desc['binary']]:
    print('# descriptor %r, ExecStart binary %r' % (desc, exec_start))
    sys.exit(1)
PY
	check $? "$d: VhostUserBackend fields, type $d, binary as in the service's ExecStart"

	caps=$("$top_builddir/src/vhost-desktop-$d" --print-capabilities)
	rc=$?
	echo "# $caps"
	check $rc "$d: --print-capabilities exits 0"

	python3 - "$json" "$caps" <<'PY'
import json, sys
# VHostUserBackendGPUFeature and VHostUserBackendInputFeature of QEMU's vhost-user.json.
defined = {'gpu': {'render-node', 'virgl'}, 'input': {'evdev-path', 'no-grab'}}
desc = json.load(open(sys.argv[1]))
caps = json.loads(sys.argv[2])
ok = (set(caps) == {'type', 'features'} and caps['type'] == desc['type']
      and isinstance(caps['features'], list)
      and set(caps['features']) <= defined[desc['type']]
      and len(set(caps['features'])) == len(caps['features']))
sys.exit(0 if ok else 1)
PY
	check $? "$d: capabilities have the descriptor's type and only features QEMU defines for it"

	# vhost-user.json defines each feature as "the --FEATURE command line option is
	# supported": management software passes it, so the option must exist.
	unknown=
	for f in $(python3 -c 'import json, sys; print(" ".join(json.loads(sys.argv[1])["features"]))' \
		"$caps"); do
		for arg in "--$f" "--$f=/nonexistent"; do
			out=$(LC_ALL=C timeout 10 "$top_builddir/src/vhost-desktop-$d" "$arg" 2>&1 </dev/null)
			case $out in
			*"Unknown option --$f"*) unknown="$unknown $arg" ;;
			esac
		done
	done
	check "$([ -z "$unknown" ]; echo $?)" \
		"$d: the daemon accepts the option of every feature it reports${unknown:+ (unknown:$unknown)}"
done
