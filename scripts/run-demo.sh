#!/usr/bin/env bash
# What `make demo` runs after the build. Today: the protocol-core tour, both
# sides of a v5 exchange in memory. (The runtime issue replaces this with
# examples/basic against a cqlkit-node started here.)
#   scripts/run-demo.sh BUILD
set -euo pipefail
build=${1:-build}
exec "$build/examples/frame_tour/frame_tour"
