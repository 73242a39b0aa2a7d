# Thin wrapper over CMake + ctest. See README.md.
BUILD      ?= build
SANBUILD   ?= build-san
FUZZBUILD  ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 120

.PHONY: all deps build san test demo bench fuzz tear-full clean format

all: build

deps:
	@bash scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The test suite runs in an AddressSanitizer + UndefinedBehaviorSanitizer build, so every test
# is also a memory-safety test. The release build is made too: the demo and bench use it.
san: deps
	@cmake -S . -B $(SANBUILD) -DCMAKE_BUILD_TYPE=Debug -DSEAM_SANITIZE=ON >/dev/null
	@cmake --build $(SANBUILD) -j$(JOBS)

test: build san
	@cd $(SANBUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	@$(BUILD)/seam demo

bench: build
	@$(BUILD)/bench_scp03
	@$(BUILD)/bench_jcvm
	@$(BUILD)/bench_scp11
	@$(BUILD)/bench_jccrypto
	@$(BUILD)/bench_gpsc

# Long fuzzing: every target under fuzz/ with libFuzzer for FUZZ_SECONDS each.
fuzz: deps
	@CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEAM_FUZZ=ON >/dev/null
	@cmake --build $(FUZZBUILD) -j$(JOBS)
	@bash scripts/fuzz.sh $(FUZZBUILD) $(FUZZ_SECONDS)

# Exhaustive tear run (every write of a long workload); make test runs a short pass.
tear-full: san
	@SEAM_TEAR_FULL=1 $(SANBUILD)/test_tear

clean:
	rm -rf $(BUILD) $(SANBUILD) $(FUZZBUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')
