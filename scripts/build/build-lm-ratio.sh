#!/usr/bin/env bash
# Builds the two models of the MT-vs-human LM ratio (issue 33; src/detect/roundtrip/lm_ratio.rs)
# into models/en: lm-ratio-mt.mtlm from neural round trips, lm-ratio-human.mtlm from their
# originals, the same sentences on both sides.
#
# Training text (scripts/measure/mt-lm-ratio.py writes it to target/lmratio/): the sentence pairs
# of ../shared/data/train/neural-pt-roundtrip.jsonl.zst (Wikipedia, WMT English originals; its
# newstest documents left out) and the human rows of english-original and paracrawl-v3-en sent
# through the vendored engine by `mtcheck spin` (news, social, literary, speech, web); every
# sentence that shares an 8-word shingle with a measured document of target/roundtrip-sets
# (scripts/build/build-roundtrip-sets.py: build that first) left out. Order 3, n-grams seen
# once pruned, 8-bit: ~9 MB each.
#
# Then: mtcheck features --dump target/roundtrip-sets/documents.jsonl --lm-ratio > target/roundtrip-sets/lm-ratio.jsonl
#       EXTRA_RATIO=1 python3 scripts/build/fit-roundtrip.py --write && mtcheck model seal models/en
# usage: scripts/build/build-lm-ratio.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
MTCHECK=target/release/mtcheck
python3 scripts/measure/mt-lm-ratio.py --text-only
out=target/lmratio/shipped
mkdir -p "$out"
for side in mt human; do
  # train lm writes tokenizer.json beside its model: train in target/, copy the model alone.
  "$MTCHECK" train lm target/lmratio/$side.txt -o "$out/lm-ratio-$side.mtlm" --order 3 --prune 0 1 1 \
    --discount-fallback 0.5 1 1.5
  cmp -s "$out/tokenizer.json" models/en/tokenizer.json || { echo "the tokenizer differs from models/en's" >&2; exit 1; }
  cp "$out/lm-ratio-$side.mtlm" models/en/
done
ls -l models/en/lm-ratio-*.mtlm
