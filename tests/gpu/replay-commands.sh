#!/bin/sh
# Replays the GPU command fuzz corpus and crash reproducers (TAP from the program).
exec "$top_builddir/tests/gpu/replay-commands" \
	"$top_srcdir/tests/gpu/corpus" "$top_srcdir/tests/gpu/crashes"
