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

.PHONY: all deps build test bench demo clean

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

# Tests run optimized: the numerics are too slow in a debug build.
test: deps
	$(SWIFT) build $(RELEASE) --build-tests
	$(SWIFT) test $(RELEASE) --skip-build --disable-swift-testing

bench: build
	$(M2T) bench --json

# The main job: a short Momentum² pre-training on Fashion-MNIST, then the linear probe and
# the baselines (see `m2t pretrain --help` for every option).
demo: build
	$(M2T) pretrain

clean:
	rm -rf .build
