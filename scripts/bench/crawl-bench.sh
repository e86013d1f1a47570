#!/usr/bin/env bash
# Throughput of `mtcheck filter` (fast scorer) on a realistic crawl rather than clean
# Wikipedia documents: 100,000 one-paragraph records, 70% Wikipedia paragraphs (the LM's
# training text, target/lm-data) and 30% MT output of the MLQE kind (four sentences drawn with
# a fixed seed from ../shared/data/dev/mlqe-*-train.jsonl), shuffled, ~45 MB of JSONL,
# zstd-compressed. Runs `filter --min-quality 0.5 -o kept.jsonl` with 1 and 2 threads, best of
# RUNS (3) runs, and prints MB/s of uncompressed JSONL and the speed-up. Quote ratios: the
# machines are shared and noisy. usage: scripts/bench/crawl-bench.sh [MTCHECK_BINARY]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/crawl-bench
mkdir -p "$work"
scripts/build/lm-data.sh > /dev/null
if [ $# -ge 1 ]; then mtcheck=$(realpath "$1"); else cargo build --release --quiet; mtcheck=./target/release/mtcheck; fi
RUNS=${RUNS:-3}

crawl=$work/crawl.jsonl.zst
if [ ! -s "$crawl" ]; then
  python3 - target/lm-data/train-wikitasks.txt ../shared/data/dev/mlqe-*-train.jsonl <<'PY' | zstd -q -T2 -o "$crawl"
import json, random, sys
rng = random.Random(15)
wiki = []
for line in open(sys.argv[1], encoding="utf-8"):
    if len(line.split()) >= 40:
        wiki.append(line.strip())
    if len(wiki) >= 70_000:
        break
mt = [json.loads(l)["text"] for path in sys.argv[2:] for l in open(path, encoding="utf-8")]
records = [("wiki", t) for t in wiki] + [("mt", " ".join(rng.sample(mt, 4))) for _ in range(30_000)]
rng.shuffle(records)
for i, (kind, text) in enumerate(records):
    print(json.dumps({"id": f"{kind}-{i}", "text": text}, ensure_ascii=False))
PY
fi
bytes=$(zstd -dc "$crawl" | wc -c)
echo "input: $(zstd -dc "$crawl" | wc -l) records, $bytes bytes of JSONL ($(stat -c %s "$crawl") compressed)"

best_of() {  # the best wall time of RUNS runs, in seconds
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1 s
    t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
    s=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    if [ -z "$best" ] || (( $(echo "$s < $best" | bc -l) )); then best=$s; fi
  done
  echo "$best"
}
mbs() { echo "$bytes / $1 / 1000000" | bc -l | xargs printf "%.1f"; }
t1=$(best_of "$mtcheck" filter "$crawl" --min-quality 0.5 -j 1 -q -o "$work/kept.jsonl")
t2=$(best_of "$mtcheck" filter "$crawl" --min-quality 0.5 -j 2 -q -o "$work/kept.jsonl")
echo "filter -j 1: $(printf %.2f "$t1") s, $(mbs "$t1") MB/s (target: 10 MB/s per core)"
echo "filter -j 2: $(printf %.2f "$t2") s, $(mbs "$t2") MB/s; speed-up $(echo "$t1 / $t2" | bc -l | xargs printf %.2f)x (target: 1.8x)"
