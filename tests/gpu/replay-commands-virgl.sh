#!/bin/sh
# Replays the 3D variant's fuzz corpus and crash reproducers (TAP from the program).
exec "$top_builddir/tests/gpu/replay-commands-virgl" \
	"$top_srcdir/tests/gpu/corpus-virgl" "$top_srcdir/tests/gpu/crashes-virgl"
