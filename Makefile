# M2T — install what is missing, build, test, benchmark, run the demo.
# `make demo` and `make test` are the two commands of the README.

DEBS := libopenblas-dev libreadline-dev zlib1g-dev libpng-dev libjpeg-dev dataset-fashion-mnist
SWIFT ?= swift
RELEASE := -c release
M2T := .build/release/m2t
# Tests may use @testable imports, so the optimized test build enables testing.
TESTING := -Xswiftc -enable-testing

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
	$(SWIFT) build $(RELEASE) $(TESTING) --build-tests
	$(SWIFT) test $(RELEASE) $(TESTING) --skip-build --disable-swift-testing

bench: build
	$(M2T) bench --json

# The main job: a short Momentum² pre-training on Fashion-MNIST, then the linear probe and
# the baselines (see `m2t pretrain --help` for every option).
demo: build
	$(M2T) pretrain

clean:
	rm -rf .build
