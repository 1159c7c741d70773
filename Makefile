# M2T — install what is missing, build, test, benchmark, run the demo.
# `make demo` and `make test` are the two commands of the README.

DEBS := libopenblas-dev libreadline-dev zlib1g-dev libpng-dev libjpeg-dev dataset-fashion-mnist
SWIFT ?= swift
# Swift compiles for baseline x86-64 (SSE2) unless told otherwise; on a CPU with AVX2 and
# FMA the engine's own loops (batch norm, elementwise, im2col) use them.
CPUFLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo "-Xswiftc -Xcc -Xswiftc -march=x86-64-v3")
# One set of flags for the program and the tests, so `make test` and `make demo` share a
# build (tests may use @testable imports, hence -enable-testing).
RELEASE := -c release $(CPUFLAGS) -Xswiftc -enable-testing
M2T := .build/release/m2t
# The Float64 build (docs/numerics.md): same sources, TensorScalar = Double, its own folder.
F64 := $(RELEASE) -Xswiftc -DM2T_FLOAT64 --scratch-path .build/f64
F64_TESTS := M2TensorTests|M2NNTests|Momentum2Tests

.PHONY: all deps build build-f64 test test-f32 test-f64 fuzz bench demo clean

all: build

# Installs the Debian packages that are not yet installed (needs root; otherwise prints
# the command to run).
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build $(RELEASE)

# .build/f64/release/m2t, every tensor in Float64 (docs/numerics.md).
build-f64: deps
	$(SWIFT) build $(F64)

# Tests run optimized: the numerics are too slow in a debug build. `make test` runs every
# test in the Float32 build, then the numerics (tensor, layers, method) again in the Float64
# build, where the three reference training steps must match to rel 1e-4.
test: test-f32 test-f64

test-f32: deps
	$(SWIFT) build $(RELEASE) --build-tests
	$(SWIFT) test $(RELEASE) --skip-build --disable-swift-testing

# The language and REPL suites stay out: their golden outputs print Float32 values.
test-f64: deps
	$(SWIFT) build $(F64) --build-tests
	$(SWIFT) test $(F64) --skip-build --disable-swift-testing --filter '$(F64_TESTS)'

# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the language's scanner, parser
# and interpreter, from the tests' scripts: 10⁶ executions, fails on any crash, leak or input
# slower than 10 s (docs/fuzzing.md). `make fuzz FUZZ_RUNS=10000` for a quick look.
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/run.sh

bench: build
	$(M2T) bench --json

# The main job: a short Momentum² pre-training on Fashion-MNIST, then the linear probe and
# the baselines (see `m2t pretrain --help` for every option).
demo: build
	$(M2T) pretrain

clean:
	rm -rf .build
