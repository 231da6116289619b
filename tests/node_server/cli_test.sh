#!/bin/sh
# The cqlkit-node executable: --help, bad arguments, --port 0 with
# --ready-file and the "listening" line, an OPTIONS round trip over a real
# socket, and a clean exit on SIGTERM. Usage: cli_test.sh PATH/TO/cqlkit-node
set -u
NODE="$1"
TMP=$(mktemp -d /tmp/cqlkit-node-cli-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; [ -f "$TMP/out" ] && cat "$TMP/out" "$TMP/err"; exit 1; }

"$NODE" --help > "$TMP/help" || fail "--help exit status"
grep -q -- "--ready-file" "$TMP/help" || fail "--help text"
"$NODE" --bogus 2>/dev/null && fail "a bad argument was accepted"
"$NODE" --max-version 3 2>/dev/null && fail "--max-version 3 was accepted"

"$NODE" --port 0 --ready-file "$TMP/ready" > "$TMP/out" 2> "$TMP/err" &
PID=$!
i=0
while [ ! -s "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$TMP/ready" ] || fail "no ready file"
PORT=$(cat "$TMP/ready")
i=0
while ! grep -q "listening" "$TMP/out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
grep -qx "cqlkit-node listening on 127.0.0.1:$PORT" "$TMP/out" || fail "listening line"

/usr/bin/python3 - "$PORT" <<'PY' || fail "OPTIONS round trip"
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(bytes([4, 0, 0, 1, 5, 0, 0, 0, 0]))
hdr = b""
while len(hdr) < 9:
    hdr += s.recv(9 - len(hdr))
assert hdr[0] == 0x84 and hdr[4] == 6, hdr
n = struct.unpack(">I", hdr[5:9])[0]
body = b""
while len(body) < n:
    body += s.recv(n - len(body))
assert b"PROTOCOL_VERSIONS" in body and b"lz4" in body and b"3.4.5" in body, body
PY

kill -TERM "$PID"
i=0
while kill -0 "$PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$PID" 2>/dev/null && fail "still running after SIGTERM"
wait "$PID" || fail "exit status after SIGTERM"
PID=""
echo "ok"
