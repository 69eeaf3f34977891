#!/bin/bash
# The stress suite's long mode: tests/stress/test-stress with 10 million requests (or
# the number given), from a configured and built tree. About 10 minutes on 2 cores.
# Usage: contrib/stress-long.sh [BUILD-DIR [REQUESTS]]
set -euo pipefail
build=${1:-.}
requests=${2:-10000000}
if [ ! -f "$build/Makefile" ]; then
	echo "stress-long: $build is not a configured build tree (give it as the first argument)" >&2
	exit 2
fi
make -C "$build" -s tests/stress/test-stress tests/vhost/echo-daemon src/vhost-desktop-gpu \
	src/vhost-desktop-input
cd "$build"
echo "stress-long: $requests requests, started $(date -u '+%F %T') UTC"
start=$SECONDS
VD_STRESS_REQUESTS=$requests top_builddir=$PWD tests/stress/test-stress
echo "stress-long: passed in $((SECONDS - start)) s"
