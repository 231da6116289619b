#!/usr/bin/env bash
# What `make demo` (and the ctest example.basic) runs after the build:
# examples/basic against a cqlkit-node started here on an ephemeral port,
# or against the cluster named by CQLKIT_CONTACT_POINTS when that is set.
#
#   scripts/run-demo.sh BUILD
#
# Exits with basic's status. The node is always stopped, also on failure or
# Ctrl-C. Until examples/basic builds, falls back to the protocol-core tour.
set -euo pipefail
build=${1:-build}
basic="$build/examples/basic/basic"
node_exe="$build/node/cqlkit-node"

if [[ ! -x "$basic" ]]; then
  echo "run-demo: $basic is not built; running the protocol-core tour instead" >&2
  exec "$build/examples/frame_tour/frame_tour"
fi

if [[ -z "${CQLKIT_CONTACT_POINTS:-}" ]]; then
  unset CQLKIT_CONTACT_POINTS
else
  echo "run-demo: using the cluster at $CQLKIT_CONTACT_POINTS"
  exec "$basic"
fi

if [[ ! -x "$node_exe" ]]; then
  echo "run-demo: $node_exe is not built" >&2
  exit 1
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/cqlkit-demo.XXXXXX")
node_pid=""
cleanup() {
  if [[ -n "$node_pid" ]] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    # Give it a moment to close cleanly, then insist.
    for _ in $(seq 1 50); do
      kill -0 "$node_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ready="$workdir/ready"
"$node_exe" --port 0 --ready-file "$ready" >"$workdir/node.log" 2>&1 &
node_pid=$!

# Wait up to 10 s for the node to say which port it bound.
for _ in $(seq 1 100); do
  [[ -s "$ready" ]] && break
  if ! kill -0 "$node_pid" 2>/dev/null; then
    echo "run-demo: cqlkit-node exited before it was ready:" >&2
    cat "$workdir/node.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$ready" ]]; then
  echo "run-demo: cqlkit-node did not become ready within 10 s" >&2
  exit 1
fi
port=$(tr -d '[:space:]' <"$ready")
echo "run-demo: cqlkit-node listening on 127.0.0.1:$port"

status=0
CQLKIT_PORT="$port" "$basic" || status=$?
exit "$status"
