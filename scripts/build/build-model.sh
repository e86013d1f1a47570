#!/usr/bin/env bash
# Rebuilds models/en/ from ../shared/corpus and the dev data's train files:
#  1. lm.mtlm + tokenizer.json: both Wikipedia files except the last 8000 paragraphs of
#     wikitasks-2018, held out of LM training (scripts/build/lm-data.sh). Settings chosen by
#     scripts/measure/lm-sweep.sh (reports/lm.md): the best held-out perplexity under the 100 MB budget.
#  2. topics.bin: topic vectors for the off_topic feature, from the LM training text.
#  3. scorer.json: boosted trees trained on ../shared/data/dev/mlqe-*-train.jsonl (the token
#     forest also on the tokens of 4000 held-out clean paragraphs, all OK; the sentence forest
#     also on the opening 3-12 words of the same paragraphs as fluent fragments), quality
#     calibrated on 4000 other held-out paragraphs; default thresholds tuned on the dev sets
#     (reports/accuracy.md).
#  4. fast_scorer.json: the filter's fast scorer (one forest over sentence statistics), same
#     train files, fragments and calibration text.
#  5. document.json: the document verdict (P(MT) of a document from the means of sentence
#     signals), trained on WMT21/WMT24 original English from ../shared/data/train cut into
#     10-segment documents and the same documents round-tripped by Apertium through Spanish
#     and Catalan (scripts/build/build-document-sets.py; installs the apertium packages if missing).
# Takes about 4 minutes and 5 GB of RAM on 2 cores. Deterministic: the same inputs give the
# same files. usage: scripts/build/build-model.sh [--scorer-only]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build/lm-data.sh > /dev/null
cargo build --release --quiet
mkdir -p models/en
if [ "${1:-}" != "--scorer-only" ]; then
  ./target/release/mtcheck train lm \
    ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst target/lm-data/train-wikitasks.txt \
    --order 4 --prune 0 1 2 3 --max-vocab 200000 --bits 8 \
    -o models/en/lm.mtlm
  ./target/release/mtcheck lm info models/en/lm.mtlm --verify
  ./target/release/mtcheck train topics \
    target/lm-data/train-wikitasks.txt ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst \
    --max-paragraphs 1000000 --words 50000 --dim 128
fi
./target/release/mtcheck train scorer ../shared/data/dev/mlqe-*-train.jsonl \
  --clean target/lm-data/heldout-wiki.txt --clean-paragraphs 4000 \
  --human target/lm-data/heldout-wiki.txt --human-paragraphs 4000 \
  --fragments target/lm-data/heldout-wiki.txt \
  --trees 400 --depth 5 --learning-rate 0.05 --bags 5 --colsample 0.3 \
  --threshold 0.44 --span-gate 0.58 --span-threshold 0.5
./target/release/mtcheck train fast ../shared/data/dev/mlqe-*-train.jsonl \
  --clean target/lm-data/heldout-wiki.txt --clean-paragraphs 4000 \
  --fragments target/lm-data/heldout-wiki.txt \
  --trees 100 --depth 4 --learning-rate 0.1 --threshold 0.44
scripts/build/build-document-sets.py
./target/release/mtcheck train document target/document-sets/spun-train.jsonl target/document-sets/spun-wiki-train.jsonl
# Checksums of every file, checked before any answer (src/io/checksums.rs).
./target/release/mtcheck model seal models/en
du -b models/en/*
