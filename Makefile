# vigil — top-level entry points. Every target installs what it needs first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
VIGIL_ARGS ?=

FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build run test unit-test integration-test bench fuzz format clean

all: build

deps:
	scripts/install-deps

configure:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/vigil run $(VIGIL_ARGS)

# Every test: unit tests, the integration tests (root, BPF, a real Docker engine), then each
# fuzzer briefly.
test: build
	scripts/ensure-dockerd
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600
	$(MAKE) fuzz FUZZ_SECONDS=10

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration-test: build
	scripts/ensure-dockerd
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

bench: build
	scripts/ensure-dockerd
	bench/run-all $(BUILD_DIR)

# libFuzzer targets (clang 19, ASan+UBSan), each run for FUZZ_SECONDS on a copy of its corpus.
fuzz: deps
	CC=clang-19 CXX=clang++-19 cmake -S . -B $(FUZZ_DIR) -DVIGIL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	scripts/run-fuzzers $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	find src tests bench bpf -name '*.cpp' -o -name '*.h' -o -name '*.c' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
