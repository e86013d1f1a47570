#!/usr/bin/env bash
# Speed of `mtcheck check` on a 5,000-word article with the shipped model, end to end (process
# start, model load, check, output), min of RUNS runs. Reference in the same session: `mtcheck
# lm query` on the same text (process start, LM load, LM scoring only), so the ratio shows what
# features and scorer cost. The article is the first 5,000 words of the held-out Wikipedia
# paragraphs (scripts/lm-data.sh), built at run time: no corpus text is stored in the repository.
# usage: scripts/check-bench.sh   (RUNS=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
scripts/lm-data.sh > /dev/null
cargo build --release --quiet
mkdir -p target/bench
ARTICLE=target/bench/article-5000.txt
awk '{ for (i = 1; i <= NF && n < 5000; i++) { printf "%s%s", $i, (i < NF && n < 4999 ? " " : "\n"); n++ } if (n >= 5000) exit }' \
  target/lm-data/heldout-wiki.txt > "$ARTICLE"
echo "article: $(wc -w < "$ARTICLE") words, $(wc -c < "$ARTICLE") bytes"

min_ms() {  # min wall time in ms of RUNS runs of the command
  local best=999999
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null || true; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}

check=$(min_ms ./target/release/mtcheck check "$ARTICLE" --format summary)
query=$(min_ms ./target/release/mtcheck lm query "$ARTICLE" -v summary)
echo "mtcheck check: ${check} ms (target: 100 ms)"
echo "mtcheck lm query (reference): ${query} ms"
awk -v c="$check" -v q="$query" 'BEGIN { printf "ratio check / lm query: %.2f\n", c / (q > 0 ? q : 1) }'
