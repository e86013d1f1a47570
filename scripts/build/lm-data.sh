#!/usr/bin/env bash
# Prepares the text the LM scripts share, under target/lm-data/ (never committed):
#   train-wikitasks.txt   wikitasks-2018 without its last 8000 paragraphs (LM training)
#   heldout-wiki.txt      those 8000 paragraphs: held out of LM training, for perplexity here
#                         and for synthetic damage when training the scorer
#   eval-*.tok            evaluation text tokenized by mtcheck's front end, one sentence a line:
#                         held-out Wikipedia, news-reuters-1987, and the MLQE-PE dev MT output
# usage: scripts/build/lm-data.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/lm-data
shared=../shared
mkdir -p "$out"
cargo build --release --quiet
mtcheck=./target/release/mtcheck
heldout=8000
if [ ! -s "$out/heldout-wiki.txt" ]; then
  zstd -dc "$shared/corpus/enwiki-wikitasks-2018.clean.txt.zst" > "$out/wikitasks.txt"
  total=$(wc -l < "$out/wikitasks.txt")
  head -n $((total - heldout)) "$out/wikitasks.txt" > "$out/train-wikitasks.txt"
  tail -n "$heldout" "$out/wikitasks.txt" > "$out/heldout-wiki.txt"
  rm "$out/wikitasks.txt"
fi
jsonl_text() { python3 -c 'import json,sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        print(json.loads(line)["text"].replace("\n", " "))' "$@"; }
"$mtcheck" tokenize "$out/heldout-wiki.txt" > "$out/eval-heldout-wiki.tok"
jsonl_text "$shared/data/dev/news-reuters-1987.jsonl" | "$mtcheck" tokenize > "$out/eval-reuters.tok"
jsonl_text "$shared"/data/dev/mlqe-*-en-dev.jsonl | "$mtcheck" tokenize > "$out/eval-mlqe-dev.tok"
wc -w "$out"/eval-*.tok
