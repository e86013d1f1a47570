#!/usr/bin/env bash
# Rebuilds models/en/ (lm.mtlm, tokenizer.json) from ../shared/corpus: both Wikipedia files,
# except the last 8000 paragraphs of wikitasks-2018, held out of LM training (scripts/lm-data.sh)
# for perplexity and for the scorer's synthetic damage. Settings chosen by scripts/lm-sweep.sh
# (reports/lm.md): the best held-out perplexity under the 100 MB budget for models/.
# Takes about 2 minutes and 5 GB of RAM on 2 cores. usage: scripts/build-model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lm-data.sh > /dev/null
cargo build --release --quiet
mkdir -p models/en
./target/release/mtcheck train lm \
  ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst target/lm-data/train-wikitasks.txt \
  --order 4 --prune 0 1 2 3 --max-vocab 200000 --bits 8 \
  -o models/en/lm.mtlm
./target/release/mtcheck lm info models/en/lm.mtlm --verify
