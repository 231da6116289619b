#!/usr/bin/env bash
# Builds the gocql benchmark client with Debian's gocql (no network, no
# modules): build_gocql.sh OUTPUT [CACHE_DIR]. Never fails the caller's
# build: without Go or gocql it says so and exits 0, and the harness then
# shows gocql as "not built".
set -u
out=$(realpath -m "$1")
cache=$(realpath -m "${2:-$(dirname "$out")/gocache}")
src=$(cd "$(dirname "$0")/gocql_client" && pwd)
if ! command -v go >/dev/null 2>&1 || [[ ! -d /usr/share/gocode/src/github.com/gocql/gocql ]]; then
  echo "build_gocql: go or golang-github-gocql-gocql-dev missing; gocql client not built" >&2
  exit 0
fi
gopath=$(dirname "$out")/gopath
mkdir -p "$gopath/src/bench" "$cache"
# GOPATH mode wants the package under GOPATH/src.
cp "$src/main.go" "$gopath/src/bench/main.go"
if ! (cd "$gopath/src/bench" && GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" \
      GOCACHE="$cache" go build -o "$out.tmp" . 2>&1); then
  echo "build_gocql: go build failed; gocql client not built" >&2
  rm -f "$out.tmp"
  exit 0
fi
mv "$out.tmp" "$out"
