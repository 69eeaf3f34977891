#!/bin/sh
# Replays the 3D decoder's fuzz corpus and crash reproducers (TAP from the runner).
exec "$top_builddir/tests/virgl/replay-commands" \
	"$top_srcdir/tests/virgl/corpus" "$top_srcdir/tests/virgl/crashes"
