#!/usr/bin/env bash
# The Momentum² step of m2t against PyTorch's on the same cores, round by round: each round
# runs `m2t bench --step` and scripts/pytorch-step.py back to back (which goes first
# alternates), prints both rates and their ratio, and the end prints the median ratio. The
# host's other tenants move both engines' rates by up to 2× within minutes, so only ratios
# taken in one round are compared (docs/performance.md). Not part of CI.
#
#   scripts/step-ratio.sh ROUNDS PYTHON [bench options]
#   scripts/step-ratio.sh 9 /tmp/torchvenv/bin/python --width 16 --size 20 --channels 1 --batch 32 --repeats 20
#
# PYTHON is an interpreter with torch installed (see scripts/pytorch-step.py). The options go
# to both sides; m2t is .build/release/m2t (make build), or $M2T.
set -euo pipefail
rounds=${1:?rounds}; python=${2:?python with torch}; shift 2
m2t=${M2T:-.build/release/m2t}
here=$(cd "$(dirname "$0")" && pwd)
rate() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("m2t_step_images_per_s", d.get("step_images_per_s")))'; }
ratios=()
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
        ours=$("$m2t" bench --step "$@" | rate); theirs=$("$python" "$here/pytorch-step.py" "$@" | rate)
    else
        theirs=$("$python" "$here/pytorch-step.py" "$@" | rate); ours=$("$m2t" bench --step "$@" | rate)
    fi
    ratio=$(python3 -c "print(f'{$ours / $theirs:.3f}')")
    ratios+=("$ratio")
    printf 'round %d: m2t %.1f images/s, PyTorch %.1f images/s, ratio %s\n' "$r" "$ours" "$theirs" "$ratio"
done
python3 -c "import statistics, sys; r = sorted(map(float, sys.argv[1:])); print(f'median ratio {statistics.median(r):.3f} over {len(r)} rounds (min {r[0]:.3f}, max {r[-1]:.3f})')" "${ratios[@]}"
