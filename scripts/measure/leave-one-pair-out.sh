#!/usr/bin/env bash
# How the scorer does on a language pair it was not trained on, which is what held-out sets from
# other pairs or MT systems ask of it. For each MLQE-PE pair, retrains the scorer on the other
# four train files (same settings as scripts/build/build-model.sh, but one bag and fewer trees: about
# 2 minutes on 2 cores) and scores that pair's dev set; then once more on all five train files
# with the same settings, so the two columns differ only by the held-out pair.
# Prints a markdown table for reports/accuracy.md.
# usage: scripts/measure/leave-one-pair-out.sh   (TREES=200 by default; FRAGMENTS=0 trains without the
#   fluent fragments of held-out text that build-model.sh adds, to compare)
set -euo pipefail
cd "$(dirname "$0")/../.."
TREES=${TREES:-200}
D=../shared/data/dev
PAIRS=(et ne ro ru si)
cargo build --release --quiet
mkdir -p target/lopo/model
BIN=target/lopo/mtcheck
cp target/release/mtcheck "$BIN"   # a rebuild during the run must not change the binary
for f in lm.mtlm tokenizer.json topics.bin; do ln -sf "$PWD/models/en/$f" target/lopo/model/$f; done

EXTRA=()
[ "${FRAGMENTS:-1}" = 0 ] || EXTRA=(--fragments target/lm-data/heldout-wiki.txt)
train() {  # train files... -> target/lopo/model/scorer.json
  "$BIN" train scorer "$@" --clean target/lm-data/heldout-wiki.txt --human target/lm-data/heldout-wiki.txt \
    --colsample 0.3 --threshold 0.44 --span-gate 0.58 --span-threshold 0.5 \
    --model target/lopo/model --trees "$TREES" "${EXTRA[@]}" 2>/dev/null
}
pearson() {  # dev set -> its Pearson
  "$BIN" eval "$1" --model target/lopo/model | awk -F'|' 'NR==3 {printf "%.3f", $4}'
}

declare -A held all
for pair in "${PAIRS[@]}"; do
  others=()
  for o in "${PAIRS[@]}"; do [ "$o" != "$pair" ] && others+=("$D/mlqe-$o-en-train.jsonl"); done
  train "${others[@]}"
  held[$pair]=$(pearson "$D/mlqe-$pair-en-dev.jsonl")
done
train $D/mlqe-*-train.jsonl
for pair in "${PAIRS[@]}"; do all[$pair]=$(pearson "$D/mlqe-$pair-en-dev.jsonl"); done

echo "| dev pair | Pearson, pair held out of training | Pearson, all five pairs trained |"
echo "|---|---|---|"
for pair in "${PAIRS[@]}"; do echo "| $pair-en | ${held[$pair]} | ${all[$pair]} |"; done
macro() { local -n v=$1; printf '%s\n' "${v[@]}" | awk '{s+=$1} END {printf "%.3f", s/NR}'; }
echo "| macro | $(macro held) | $(macro all) |"
