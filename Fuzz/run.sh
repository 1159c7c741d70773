#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harness (Fuzz/Package.swift) and runs it over the
# language's scanner, parser and interpreter, seeded from the tests' scripts and the lessons.
# Fails on any crash, leak, out-of-memory or input slower than FUZZ_TIMEOUT seconds; the
# failing input lands in Fuzz/artifacts/. See docs/fuzzing.md.
#
#   FUZZ_RUNS     executions (default 1000000)
#   FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 10)
#   FUZZ_SEED     libFuzzer's random seed; 0 picks one and prints it (default 0)
#   FUZZ_ARGS     extra libFuzzer flags (e.g. -max_total_time=600)
set -euo pipefail
cd "$(dirname "$0")"
SWIFT=${SWIFT:-swift}
RUNS=${FUZZ_RUNS:-1000000}
TIMEOUT=${FUZZ_TIMEOUT:-10}
SEED=${FUZZ_SEED:-0}
WORK=.build/fuzz

$SWIFT build -c release -Xswiftc -sanitize=fuzzer,address
BIN=$($SWIFT build -c release -Xswiftc -sanitize=fuzzer,address --show-bin-path)/FuzzScript

# The corpus starts from the seeds on every run (reproducible from FUZZ_SEED); libFuzzer adds
# what it finds to $WORK/corpus. Names keep their folder: basics-arithmetic.m2t.
rm -rf "$WORK/seeds" "$WORK/corpus"
mkdir -p "$WORK/seeds" "$WORK/corpus" artifacts
for f in ../Tests/M2ScriptTests/Scripts/*/*.m2t ../lessons/*.m2t; do
  cp "$f" "$WORK/seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
done
echo "fuzz: $(ls "$WORK/seeds" | wc -l) seed scripts, $RUNS runs, timeout ${TIMEOUT} s"

# One narrow suppression, explained in the file and in docs/fuzzing.md.
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start=$(date +%s)
status=0
nice "$BIN" "$WORK/corpus" "$WORK/seeds" -dict=m2t.dict -runs="$RUNS" -timeout="$TIMEOUT" -seed="$SEED" \
  -max_len=2048 -rss_limit_mb=2048 -artifact_prefix=artifacts/ -print_final_stats=1 ${FUZZ_ARGS:-} \
  2> "$WORK/fuzz.log" || status=$?
seconds=$(( $(date +%s) - start ))

grep -E '^(INFO: Seed|#[0-9]+\s+DONE|Done|stat::)' "$WORK/fuzz.log" || true
used=$(grep -c '^Suppressions used:' "$WORK/fuzz.log" || true)
[ "${used:-0}" -gt 0 ] && echo "fuzz: the LSan suppression (lsan.supp) matched in $used leak checks"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/fuzz.log")
if [ "$status" -ne 0 ]; then
  grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|ALARM)' "$WORK/fuzz.log" || true
  echo "fuzz: FAILED (exit $status) after ${seconds} s; log: Fuzz/$WORK/fuzz.log, input: Fuzz/artifacts/"
  exit "$status"
fi
echo "fuzz: ${runs:-?} executions in ${seconds} s ($(( ${runs:-0} / (seconds > 0 ? seconds : 1) )) exec/s), 0 crashes, 0 hangs over ${TIMEOUT} s; corpus $(ls "$WORK/corpus" | wc -l) inputs"
