#!/usr/bin/env bash
# check_install.sh BUILD_DIR EXAMPLE_DIR C_COMPILER
# Installs BUILD_DIR into a temporary prefix and builds EXAMPLE_DIR's sources
# as an outside project that only knows the prefix.
set -euo pipefail
build=$1 example=$2 cc=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
mkdir "$scratch/app"
cp "$example"/schema.cql "$example"/queries.cql "$example"/typed.c "$scratch/app/"
cat >"$scratch/app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(outside_app C)
set(CMAKE_C_STANDARD 11)
find_package(cqlkit REQUIRED)
cqlkit_generate(typed_shop SCHEMAS schema.cql QUERIES queries.cql)
add_executable(typed typed.c)
target_compile_options(typed PRIVATE -Wall -Wextra -Werror)
target_link_libraries(typed PRIVATE typed_shop)
CMAKE
cmake -S "$scratch/app" -B "$scratch/app/build" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/app/build" >/dev/null
test -x "$scratch/app/build/typed"
# The installed generator is the one that ran.
grep -q "cqlkit-gen" "$scratch/app/build"/*/*.h 2>/dev/null || grep -rqs "cqlkit-gen" "$scratch/app/build"
echo "install: an outside project built against $scratch/prefix"
