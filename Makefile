# vigil — top-level entry points. Every target installs what it needs first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
VIGIL_ARGS ?=

.PHONY: all deps configure build run test unit-test integration-test bench format clean

all: build

deps:
	scripts/install-deps

configure:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/vigil run $(VIGIL_ARGS)

# Every test: unit tests, then the integration tests (root, BPF, a real Docker engine).
test: build
	scripts/ensure-dockerd
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

integration-test: build
	scripts/ensure-dockerd
	cd $(BUILD_DIR) && ctest --output-on-failure -L integration

bench: build
	scripts/ensure-dockerd
	bench/run-all $(BUILD_DIR)

format:
	find src tests bench bpf -name '*.cpp' -o -name '*.h' -o -name '*.c' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
