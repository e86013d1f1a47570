#!/usr/bin/env bash
# Speed of `mtcheck check` with the shipped model, end to end (process start, model load, check,
# output), min of RUNS runs, on three texts: a 5,000-word Wikipedia article (the first 5,000
# words of the held-out paragraphs, scripts/lm-data.sh), a 5,000-word news article (the first
# paragraphs of ../shared/data/dev/news-reuters-1987.jsonl, blank lines between) and one
# sentence (start-up cost). Reference in the same session: `mtcheck lm query` on the same text
# (process start, LM load, LM scoring only), so the ratio shows what features and scorer cost.
# Texts are built at run time: no corpus text is stored in the repository.
# usage: scripts/check-bench.sh   (RUNS=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
scripts/lm-data.sh > /dev/null
cargo build --release --quiet
mkdir -p target/bench
first_words() {  # the first 5,000 words of stdin, a paragraph a line
  awk '{ for (i = 1; i <= NF && n < 5000; i++) { printf "%s%s", $i, (i < NF && n < 4999 ? " " : "\n"); n++ } if (n >= 5000) exit }'
}
ARTICLE=target/bench/article-5000.txt
first_words < target/lm-data/heldout-wiki.txt > "$ARTICLE"
NEWS=target/bench/news-5000.txt  # as scripts/compare-binaries.sh builds it
python3 -c "
import json
words, out = 0, []
for line in open('../shared/data/dev/news-reuters-1987.jsonl', encoding='utf-8'):
    t = json.loads(line)['text']; out.append(t); words += len(t.split())
    if words >= 5000: break
open('$NEWS', 'w', encoding='utf-8').write('\\n\\n'.join(out) + '\\n')"
SENTENCE=target/bench/one-sentence.txt
echo "The council approved the budget on Tuesday after a long debate about the new school." > "$SENTENCE"

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

for text in "$ARTICLE" "$NEWS" "$SENTENCE"; do
  echo "$(basename "$text"): $(wc -w < "$text") words, $(wc -c < "$text") bytes"
  check=$(min_ms ./target/release/mtcheck check "$text" --format summary)
  query=$(min_ms ./target/release/mtcheck lm query "$text" -v summary)
  echo "  mtcheck check: ${check} ms (targets: 100 ms for 5,000 words, 30 ms for one sentence)"
  echo "  mtcheck lm query (reference): ${query} ms"
  awk -v c="$check" -v q="$query" 'BEGIN { printf "  ratio check / lm query: %.2f\n", c / (q > 0 ? q : 1) }'
done
