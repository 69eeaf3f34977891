#!/bin/sh
# Replays a fuzz target's corpus and crash reproducers (TAP from the driver).
# Usage: run-corpus.sh TARGET  (message or virtqueue)
target=${1:?target}
exec "$top_builddir/tests/fuzz/replay-$target" \
	"$top_srcdir/tests/fuzz/corpus/$target" "$top_srcdir/tests/fuzz/crashes/$target"
