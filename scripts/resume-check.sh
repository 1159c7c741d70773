#!/bin/bash
# SIGKILL mid-epoch, resume, compare losses with an uninterrupted run.
B="$(cd "$(dirname "$0")/.." && pwd)/.build/release/m2t"
ARGS="--steps 60 --batch 64 --train-limit 2048 --no-monitor --no-probe --log-every 1 --checkpoint-every 10"
rm -rf /tmp/rk-full /tmp/rk-part
$B pretrain $ARGS --output /tmp/rk-full > /dev/null 2>&1
$B pretrain $ARGS --output /tmp/rk-part > /dev/null 2>&1 &
pid=$!
while true; do
  n=$(grep -c "\"kind\":\"step\"" /tmp/rk-part/metrics.jsonl 2>/dev/null); n=${n:-0}
  if [ "$n" -ge 26 ]; then kill -9 $pid; break; fi
  sleep 0.2
done
wait $pid 2>/dev/null
echo "killed with SIGKILL after $(grep -c '"kind":"step"' /tmp/rk-part/metrics.jsonl) logged steps; checkpoint at step $(python3 -c "import json;print(json.load(open('/tmp/rk-part/last.json'))['step'])")"
$B pretrain --resume /tmp/rk-part/last.safetensors --output /tmp/rk-part > /dev/null 2>&1
python3 - <<'PY'
import json
def losses(p): return {r['step']: r['loss'] for r in map(json.loads, open(p)) if r['kind']=='step'}
a, b = losses('/tmp/rk-full/metrics.jsonl'), losses('/tmp/rk-part/metrics.jsonl')
same = [s for s in a if s in b and a[s] == b[s]]
print(f"uninterrupted: {len(a)} steps; killed+resumed: {len(b)} steps; identical losses: {len(same)}/{len(a)}")
print("first differing step:", next((s for s in sorted(a) if a.get(s) != b.get(s)), None))
PY
head -c 100000 /tmp/rk-part/last.safetensors > /tmp/rk-part/truncated.safetensors
$B pretrain --resume /tmp/rk-part/truncated.safetensors --output /tmp/rk-trunc; echo "exit code $?"
