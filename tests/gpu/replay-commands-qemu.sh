#!/bin/sh
# Replays the command fuzz corpus with a GPU socket attached, and this
# variant's crash reproducers (TAP from the program).
exec "$top_builddir/tests/gpu/replay-commands-qemu" \
	"$top_srcdir/tests/gpu/corpus" "$top_srcdir/tests/gpu/crashes-qemu"
