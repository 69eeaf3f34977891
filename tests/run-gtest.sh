#!/bin/sh
# Runs one GTest program in TAP mode for automake's tap-driver.
exec "$@" --tap
