#!/usr/bin/env bash
# Installs the peer CQL drivers that the interop tests and vector generators
# run and that Debian does not package: the Node.js cassandra-driver, into
# tests/vectors/node/node_modules, exactly as package-lock.json pins it.
# (The Python driver and gocql come from Debian: scripts/install-deps.sh.)
#
# Idempotent: `npm ci` runs only when node_modules is missing or older than
# package.json / package-lock.json (or lacks the driver). Network access: the
# npm registry only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/tests/vectors/node"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-peer-drivers: npm not found (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

stamp="$dir/node_modules/.package-lock.json" # npm writes it on every install
stale=0
if [[ ! -f "$stamp" || ! -f "$dir/node_modules/cassandra-driver/package.json" ]]; then
  stale=1
elif [[ "$dir/package-lock.json" -nt "$stamp" || "$dir/package.json" -nt "$stamp" ]]; then
  stale=1
fi
if ((stale == 0)); then
  exit 0
fi

echo "install-peer-drivers: npm ci in tests/vectors/node"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
