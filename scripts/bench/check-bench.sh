#!/usr/bin/env bash
# Speed of `mtcheck check` with the shipped model, end to end (process start, model load, check,
# output), min of RUNS runs, on three texts: a 5,000-word Wikipedia article (the first 5,000
# words of the held-out paragraphs, scripts/build/lm-data.sh), a 5,000-word news article (the first
# paragraphs of ../shared/data/dev/news-reuters-1987.jsonl, blank lines between) and one
# sentence (start-up cost). Reference in the same session: `mtcheck lm query` on the same text
# (process start, LM load, LM scoring only), so the ratio shows what features and scorer cost.
# `mtcheck check --deep` (the encoder, issue 13: targets 1 s for 5,000 words, model load
# 100 ms, i.e. the one-sentence run less `mtcheck check`'s) is timed with DEEP_RUNS runs.
# The texts are written by scripts/bench-texts.sh.
# usage: scripts/bench/check-bench.sh   (RUNS=10, DEEP_RUNS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-10}
DEEP_RUNS=${DEEP_RUNS:-3}
cargo build --release --quiet
scripts/bench/bench-texts.sh
ARTICLE=target/bench/article-5000.txt
NEWS=target/bench/news-5000.txt
SENTENCE=target/bench/one-sentence.txt

source scripts/bench/timing.sh

for text in "$ARTICLE" "$NEWS" "$SENTENCE"; do
  echo "$(basename "$text"): $(wc -w < "$text") words, $(wc -c < "$text") bytes"
  check=$(min_ms ./target/release/mtcheck check "$text" --format summary)
  query=$(min_ms ./target/release/mtcheck lm query "$text" -v summary)
  deep=$(RUNS=$DEEP_RUNS min_ms ./target/release/mtcheck check --deep "$text" --format summary)
  echo "  mtcheck check: ${check} ms (targets: 100 ms for 5,000 words, 30 ms for one sentence)"
  echo "  mtcheck check --deep: ${deep} ms (target: 1,000 ms for 5,000 words; one sentence = load)"
  echo "  mtcheck lm query (reference): ${query} ms"
  awk -v c="$check" -v q="$query" -v d="$deep" 'BEGIN { printf "  ratio check / lm query: %.2f, deep / check: %.2f\n", c / (q > 0 ? q : 1), d / (c > 0 ? c : 1) }'
done
