#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD for SECONDS each under ASan+UBSan,
# starting from the committed corpus, and prints each target's exec count.
#   scripts/run-fuzz.sh BUILD SECONDS
set -euo pipefail
build=${1:-build}
seconds=${2:-30}
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
shopt -s nullglob
targets=("$build"/tests/fuzz_* "$build"/node/fuzz_*)
if ((${#targets[@]} == 0)); then
  echo "run-fuzz: no fuzz targets in $build (configure with -DCQLKIT_FUZZ=ON and CC=clang)" >&2
  exit 1
fi
for exe in "${targets[@]}"; do
  [[ -x "$exe" ]] || continue
  name=${exe##*/fuzz_}
  scratch="$build/fuzz-corpus/$name"
  mkdir -p "$scratch"
  log="$build/fuzz-$name.log"
  if "$exe" "$scratch" "$top/tests/fuzz/corpus/$name" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    printf '%-24s ok   %12s execs in %ss\n' "$name" "${execs:-?}" "$seconds"
  else
    printf '%-24s FAIL (see %s)\n' "$name" "$log"
    status=1
  fi
done
exit $status
