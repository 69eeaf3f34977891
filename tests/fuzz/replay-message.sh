#!/bin/sh
exec "$top_srcdir/tests/fuzz/run-corpus.sh" message
