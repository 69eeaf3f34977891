#!/bin/bash
# Weston's desktop on both daemons, with Weston's GL renderer on the guest's virgl driver (--virgl); see desktop.sh.
renderer=gl
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/desktop.sh"
