#!/usr/bin/env bash
# Regenerates the committed test vectors from the peer drivers (the Debian
# DataStax Python driver and the npm Node.js cassandra-driver).
#   tests/vectors/generate.sh           rewrite tests/vectors/*.tsv in place
#   tests/vectors/generate.sh --check   regenerate into a scratch tree and fail
#                                       on any difference (ctest vectors.regenerate)
# The generators write next to themselves and read ../shared/reference, so
# --check rebuilds that layout in a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
python=/usr/bin/python3

generate() { # $1: a tests/vectors directory holding the generators
  local dir=$1
  "$python" "$dir/gen_values.py" >/dev/null
  if [[ -d "$here/node/node_modules/cassandra-driver" ]]; then
    node "$dir/gen_values_node.js" >/dev/null
  else
    echo "generate.sh: tests/vectors/node/node_modules missing (run scripts/install-peer-drivers.sh)" >&2
    return 1
  fi
  "$python" "$dir/gen_requests.py" >"$dir/requests.tsv"
  "$python" "$dir/gen_responses.py" >/dev/null
  "$python" "$dir/gen_segments.py" 2>/dev/null
}

if [[ ${1:-} != --check ]]; then
  generate "$here"
  exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/repo/tests/vectors" "$scratch/repo/tests/fuzz/corpus"
ln -s "$(cd "$top/.." && pwd)/shared" "$scratch/shared"
cp "$here"/gen_* "$scratch/repo/tests/vectors/"
ln -s "$here/node" "$scratch/repo/tests/vectors/node"
# values.tsv is read back by the Node generator (it keeps the Python lines).
cp -r "$top/tests/fuzz/corpus/." "$scratch/repo/tests/fuzz/corpus/"
generate "$scratch/repo/tests/vectors"
status=0
for f in "$here"/*.tsv; do
  if ! diff -u "$f" "$scratch/repo/tests/vectors/${f##*/}" >"$scratch/diff" 2>&1; then
    echo "vectors: ${f##*/} differs from a fresh generation:" >&2
    head -40 "$scratch/diff" >&2
    status=1
  fi
done
if ! diff -r "$top/tests/fuzz/corpus" "$scratch/repo/tests/fuzz/corpus" >"$scratch/diff"; then
  echo "vectors: generated fuzz seeds differ:" >&2
  head -20 "$scratch/diff" >&2
  status=1
fi
((status == 0)) && echo "vectors: $(cat "$here"/*.tsv | grep -vc '^#') lines regenerate byte-identically"
exit $status
