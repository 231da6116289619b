#!/usr/bin/env bash
# Installs the Debian packages cqlkit needs to build and test, and only the
# ones that are missing, so running it again is cheap. Debian 12 (bookworm).
#
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the benchmark's (gnuplot)
set -euo pipefail

packages=(
  cmake make pkg-config gcc clang libclang-rt-dev llvm  # toolchain, libFuzzer, sanitizers
  libuv1-dev libssl-dev liblz4-dev zlib1g-dev           # runtime (zlib: CRC32)
  libcmocka-dev valgrind                                # tests
  m4 python3                                            # codegen (Python stdlib + m4)
  python3-cassandra python3-lz4                         # oracle and peer client
  openssl                                               # test certificates
  golang-go golang-github-gocql-gocql-dev               # gocql peer client
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(gnuplot-nox)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# Node.js: the machine's own node/npm is preferred; Debian's only if none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: not root and no sudo; please install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
