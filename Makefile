# M2T — install what is missing, build, test, benchmark, run the demo.
# `make demo` and `make test` are the two commands of the README; `make lab` opens the
# lessons in Jupyter.

# The engine's libraries; ZeroMQ and OpenSSL's libcrypto for the Jupyter kernel; Jupyter's
# client library and nbclient for the kernel's tests; Open MPI for data-parallel runs.
DEBS := libopenblas-dev libreadline-dev zlib1g-dev libpng-dev libjpeg-dev dataset-fashion-mnist \
        libzmq3-dev libssl-dev python3-jupyter-client python3-nbclient python3-nbformat \
        libopenmpi-dev openmpi-bin
# `make lab` only: Jupyter Notebook (the classic Notebook 6 is what Debian packages).
LAB_DEBS := jupyter-notebook
SWIFT ?= swift
# Debian's Python, the one python3-jupyter-client and python3-nbclient are installed for
# (a python3 earlier on PATH, e.g. pyenv's, would not find them).
PYTHON ?= /usr/bin/python3
# Swift compiles for baseline x86-64 (SSE2) unless told otherwise; on a CPU with AVX2 and
# FMA the engine's own loops (batch norm, elementwise, im2col) use them.
CPUFLAGS := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo "-Xswiftc -Xcc -Xswiftc -march=x86-64-v3")
# One set of flags for the program and the tests, so `make test` and `make demo` share a
# build (tests may use @testable imports, hence -enable-testing).
RELEASE := -c release $(CPUFLAGS) -Xswiftc -enable-testing
M2T := .build/release/m2t
# The Float64 build (docs/numerics.md): same sources, TensorScalar = Double, its own folder.
F64 := $(RELEASE) -Xswiftc -DM2T_FLOAT64 --scratch-path .build/f64
F64_TESTS := M2TensorTests|M2NNTests|Momentum2Tests|MPITests
# The AddressSanitizer build (docs/sanitizers.md): same flags, its own folder. LeakSanitizer
# checks at exit, in the test process and in every m2t the tests start; the suppression
# file names what it reports wrongly or what the toolchain leaks, the doc gives the evidence.
ASAN := $(RELEASE) --sanitize=address --scratch-path .build/asan
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/.asan/lsan.supp

.PHONY: all deps install-debs build build-f64 test test-f32 test-kernel test-f64 test-asan fuzz bench demo notebooks lab clean

all: build

# Installs the Debian packages that are not yet installed (needs root; otherwise prints
# the command to run).
deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEBS)"

install-debs:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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
# test in the Float32 build, the Jupyter kernel through Jupyter's client library, then the
# numerics (tensor, layers, method) again in the Float64 build, where the three reference
# training steps must match to rel 1e-4.
test: test-f32 test-kernel test-f64

test-f32: deps
	$(SWIFT) build $(RELEASE) --build-tests
	$(SWIFT) test $(RELEASE) --skip-build --disable-swift-testing

# The kernel's protocol, bad input, and every lesson as a notebook through nbclient
# (Tests/Kernel; the kernelspec goes into a temporary prefix, nothing global is touched).
test-kernel: build
	M2T=$(M2T) $(PYTHON) Tests/Kernel/run.py

# The language and REPL suites stay out: their golden outputs print Float32 values.
test-f64: deps
	$(SWIFT) build $(F64) --build-tests
	$(SWIFT) test $(F64) --skip-build --disable-swift-testing --filter '$(F64_TESTS)'

# Every suite under AddressSanitizer and LeakSanitizer (about 12 minutes from clean on two
# free cores: an 8½-minute build, then 3–4 minutes of tests). Not part of `make test`.
test-asan: deps
	$(SWIFT) build $(ASAN) --build-tests
	$(ASAN_ENV) $(SWIFT) test $(ASAN) --skip-build --disable-swift-testing

# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the language's scanner, parser
# and interpreter, from the tests' scripts: 10⁶ executions, fails on any crash, leak or input
# slower than 10 s (docs/fuzzing.md). `make fuzz FUZZ_RUNS=10000` for a quick look.
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/run.sh

bench: build
	$(M2T) bench --json

# The main job: a short Momentum² pre-training on Fashion-MNIST, then the linear probe and
# the baselines (see `m2t pretrain --help` for every option).
# OpenBLAS picks its kernels per CPU family, and two families may round a product's last
# bit differently, which 2,000 steps grow into other digits: on a Zen 4 (AVX-512, where it
# picks Cooperlake's) the teacher row moved by 1.1 points. So m2t itself runs on the Haswell
# (AVX2) kernels on every CPU that has AVX2 and FMA, and prints the README's table on all of
# them (docs/results.md); an OPENBLAS_CORETYPE of your own wins.
demo: build
	$(M2T) pretrain

# The lessons as Jupyter notebooks, generated from lessons/*.m2t (the source) into notebooks/.
notebooks: build
	@mkdir -p notebooks
	@for f in lessons/*.m2t; do \
	  $(M2T) notebook $$f --format ipynb --no-execute -o notebooks/$$(basename $$f .m2t).ipynb || exit 1; \
	done

# Jupyter from Debian, the M2T kernelspec for this user, and the lessons opened in it
# (JupyterLab instead when it is installed, e.g. from PyPI).
lab: notebooks
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(LAB_DEBS)"
	$(M2T) kernel install --user
	@root=$$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	if command -v jupyter-lab >/dev/null; then jupyter lab $$root notebooks; else jupyter notebook $$root notebooks; fi

clean:
	rm -rf .build notebooks
