#!/usr/bin/env bash
# Speed and memory of `mtcheck check` with the round-trip evidence (issue 33) against `--fast`
# (the same check without the MT engine) in the same run, end to end (process start, both
# models loaded and verified, check, output): min wall time of RUNS runs and the peak RSS.
# Texts (built at run time from ../shared, nothing stored): a 5,000-word news article (the
# first Reuters dev paragraphs, blank lines between), a ~3 KB article (the first paragraphs of
# seed 000), and seed 003 (the spun one). Also `mtcheck spin` on seed 003 (sentences/s).
# usage: scripts/bench/roundtrip-bench.sh   (RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
cargo build --release --quiet
mkdir -p target/bench
python3 - <<'PY'
import glob, json
words, out = 0, []
for line in open('../shared/data/dev/news-reuters-1987.jsonl', encoding='utf-8'):
    t = json.loads(line)['text']; out.append(t); words += len(t.split())
    if words >= 5000: break
open('target/bench/news-5000.txt', 'w', encoding='utf-8').write('\n\n'.join(out) + '\n')
paras, size = [], 0
for p in open(glob.glob('../shared/seeds/000_*.txt')[0], encoding='utf-8').read().split('\n\n'):
    if size + len(p) > 3000: break
    paras.append(p); size += len(p) + 2
open('target/bench/article-3k.txt', 'w', encoding='utf-8').write('\n\n'.join(paras) + '\n')
PY
cp ../shared/seeds/003_*.txt target/bench/seed-003.txt

source scripts/bench/timing.sh
rss_mb() {  # peak RSS in MB of one run
  /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'
}

for text in target/bench/news-5000.txt target/bench/article-3k.txt target/bench/seed-003.txt; do
  echo "$(basename "$text"): $(wc -w < "$text") words, $(wc -c < "$text") bytes"
  with=$(min_ms ./target/release/mtcheck check "$text" --format summary)
  fast=$(min_ms ./target/release/mtcheck check "$text" --format summary --fast)
  echo "  check (round trips): ${with} ms, $(rss_mb ./target/release/mtcheck check "$text" --format summary) MB peak"
  echo "  check --fast:        ${fast} ms, $(rss_mb ./target/release/mtcheck check "$text" --format summary --fast) MB peak"
  awk -v w="$with" -v f="$fast" 'BEGIN { printf "  ratio round trips / fast: %.1f\n", w / (f > 0 ? f : 1) }'
done
n=$(./target/release/mtcheck spin target/bench/seed-003.txt 2>&1 >/dev/null | sed -n 's/mtcheck spin: \([0-9]*\) sentences.*/\1/p')
spin=$(min_ms ./target/release/mtcheck spin target/bench/seed-003.txt -q)
awk -v n="$n" -v ms="$spin" 'BEGIN { printf "spin seed 003: %d sentences in %d ms (%.0f sentences/s with loading)\n", n, ms, n * 1000 / ms }'
