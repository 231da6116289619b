#!/usr/bin/env bash
# Runs the benchmarks of a (Release) build: the codec micro-benchmark, then
# the driver benchmark (bench/run_bench.py: cqlkit against the raw floor and
# the peer drivers on one cqlkit-node). Called by `make bench`.
#
#   scripts/run-bench.sh BUILD_DIR [--quick] [run_bench.py options...]
#
# Results: bench/results/<timestamp>.json, latest.json, latest.png and
# codec-latest.json. The full mode takes several minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: run-bench.sh BUILD_DIR [--quick] [options]}
shift
build=$(cd "$build" && pwd)
results=$here/bench/results
mkdir -p "$results"

quick=()
prev=
for a in "$@"; do
  [[ "$a" == "--quick" ]] && quick=(--quick)
  [[ "$prev" == "--results-dir" ]] && results=$a && mkdir -p "$results"
  prev=$a
done

if [[ -x "$build/bench/codec_bench" ]]; then
  echo "== codec_bench ${quick[*]}"
  "$build/bench/codec_bench" "${quick[@]}" --json "$results/codec-latest.json"
fi

# The gocql client is built here (not by CMake) so a missing Go toolchain
# only drops that client.
"$here/bench/clients/build_gocql.sh" "$build/bench/gocql_client" "$build/bench/gocache"

exec /usr/bin/python3 -B "$here/bench/run_bench.py" --build-dir "$build" "$@"
