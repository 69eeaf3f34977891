#!/bin/bash
# Weston's desktop on both daemons, with Weston's pixman renderer (2D); see desktop.sh.
renderer=pixman
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/desktop.sh"
