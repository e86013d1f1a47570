#!/usr/bin/env bash
# Linear time on hostile text (issue 12): a random mix of `a . " ( )`, which made sentence
# splitting super-quadratic. Times `mtcheck tokenize` and `check` on 100 KB and 1 MB of it and
# fails (exit 1) when 10x the text takes more than 20x the time; then filters a crawl of such
# records (-j 1) and prints MB/s (target: at least 1 MB/s per core). With OLD=binary, the same
# for an older binary beside it (give it a TIMEOUT; the quadratic one takes minutes on 1 MB).
# usage: scripts/bench/hostile-bench.sh        (OLD=/path/to/mtcheck TIMEOUT=60 for a comparison)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
mkdir -p target/bench
gen() { python3 -c "import random; random.seed($2); print(''.join(random.choice('a.\"() ') for _ in range($1)))"; }
gen 100000 1 > target/bench/hostile-100k.txt
gen 1000000 1 > target/bench/hostile-1m.txt
python3 - <<'PY'
import json, random
random.seed(2)
with open("target/bench/hostile-crawl.jsonl", "w") as f:
    for i in range(40):
        f.write(json.dumps({"id": i, "text": "".join(random.choice('a."() ') for _ in range(100000))}) + "\n")
PY

secs() { local t0 t1; t0=$(date +%s%N); timeout "${TIMEOUT:-600}" "$@" > /dev/null 2>&1 || true; t1=$(date +%s%N); echo "scale=3; ($t1 - $t0) / 1000000000" | bc; }
status=0
for bin in ./target/release/mtcheck ${OLD:-}; do
  echo "== $bin"
  for cmd in tokenize check; do
    small=$(secs "$bin" $cmd target/bench/hostile-100k.txt)
    large=$(secs "$bin" $cmd target/bench/hostile-1m.txt)
    ratio=$(echo "scale=1; $large / ($small + 0.001)" | bc)
    echo "$cmd: 100 KB ${small} s, 1 MB ${large} s, ratio ${ratio} (linear: about 10)"
    if [ "$bin" = ./target/release/mtcheck ] && [ "$(echo "$ratio > 20" | bc)" = 1 ]; then status=1; fi
  done
  crawl=$(secs "$bin" filter -q -j 1 target/bench/hostile-crawl.jsonl --min-quality 0.5 -o /dev/null)
  mb=$(du -b target/bench/hostile-crawl.jsonl | cut -f1)
  echo "filter -j 1 on 40 hostile records of 100 KB: ${crawl} s, $(echo "scale=2; $mb / 1000000 / $crawl" | bc) MB/s"
done
exit $status
