# cqlkit: the two commands a new user needs are `make demo` and `make test`.
# Everything else here is a convenience over CMake.
#
#   make demo            install deps, build, start a test node, run the main example
#   make test            install deps, build (clang: plain + ASan/UBSan + fuzz), run every test,
#                        then build with gcc -Werror and run the unit tests again
#   make fuzz            run every fuzz target for FUZZ_SECONDS (default 30) under ASan+UBSan
#   make bench           Release build, run the benchmarks (BENCH_ARGS=--quick for a smoke run)
#   make format          clang-format every C file
#   make clean

BUILD        ?= build
BUILD_GCC    ?= build-gcc
BUILD_BENCH  ?= build-release
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
FUZZ_TEST_SECONDS ?= 10
BENCH_ARGS   ?=
CTEST_ARGS   ?=

CMAKE_MAIN = -DCMAKE_C_COMPILER=clang -DCQLKIT_SANITIZERS=ON -DCQLKIT_FUZZ=ON \
             -DCQLKIT_FUZZ_TEST_SECONDS=$(FUZZ_TEST_SECONDS)

.PHONY: all deps build build-gcc test demo fuzz bench format clean

all: build

deps:
	@scripts/install-deps.sh
	@if [ -x scripts/install-peer-drivers.sh ]; then scripts/install-peer-drivers.sh; fi

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_MAIN) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

build-gcc: deps
	cmake -S . -B $(BUILD_GCC) -DCMAKE_C_COMPILER=gcc >/dev/null
	cmake --build $(BUILD_GCC) -j$(JOBS)

test: build build-gcc
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure $(CTEST_ARGS)
	cd $(BUILD_GCC) && ctest -j$(JOBS) --output-on-failure -L unit $(CTEST_ARGS)

demo: build
	scripts/run-demo.sh $(BUILD)

fuzz: build
	scripts/run-fuzz.sh $(BUILD) $(FUZZ_SECONDS)

bench: deps
	scripts/install-deps.sh --bench
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release \
	      -DCQLKIT_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD_BENCH) -j$(JOBS)
	scripts/run-bench.sh $(BUILD_BENCH) $(BENCH_ARGS)

format:
	git ls-files '*.c' '*.h' | grep -v '^generated/' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_GCC) $(BUILD_BENCH)
