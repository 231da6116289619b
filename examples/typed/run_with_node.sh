#!/bin/sh
# usage: run_with_node.sh CQLKIT_NODE PROGRAM
# Starts cqlkit-node on an ephemeral loopback port, runs PROGRAM 127.0.0.1
# PORT, and always stops the node.
set -u
node=$1
prog=$2
dir=$(mktemp -d)
"$node" --host 127.0.0.1 --port 0 --ready-file "$dir/port" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
i=0
while [ ! -s "$dir/port" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "cqlkit-node did not start" >&2
    exit 1
  fi
  sleep 0.1
done
"$prog" 127.0.0.1 "$(cat "$dir/port")"
