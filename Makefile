# The two commands of the README: `make run` and `make test`. Both install what is missing first.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
STAMPEDE := $(BUILD_DIR)/stampede

.PHONY: all deps build run test bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The built-in demo: a progressive LLM-like streaming test against the embedded mock.
run: build
	$(STAMPEDE) run --json results/demo.json

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target bench_all
	bench/run_all.sh $(BUILD_DIR)

fuzz: deps
	cmake --preset fuzz && cmake --build build/fuzz -j $(JOBS) \
	  --target fuzz_sse_parser fuzz_http_response_parser fuzz_chunk_observer
	@echo "fuzz targets are in build/fuzz/fuzz/ (run e.g. build/fuzz/fuzz/fuzz_sse_parser -max_total_time=60)"

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
