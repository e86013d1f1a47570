#!/usr/bin/env bash
# Size / perplexity trade-off of order, pruning, vocabulary cap and value bits, trained on the
# corpus (minus the held-out paragraphs). Prints one markdown table row per configuration.
# usage: scripts/measure/lm-sweep.sh "ORDER|PRUNE|MAX_VOCAB|BITS" ...   e.g. "4|0 1 2 3|200000|8"
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -s target/lm-data/eval-reuters.tok ] || scripts/build/lm-data.sh >/dev/null
cargo build --release --quiet
mtcheck=./target/release/mtcheck
out=target/lm-sweep
mkdir -p "$out"
ppl() { "$mtcheck" lm query -m "$1" --tokenized -v summary "$2" | awk -F'\t' '/including/ {i=$2} /excluding/ {e=$2} /^OOVs/ {o=$2} /^Tokens/ {t=$2} END {printf "%.1f / %.1f (OOV %.2f%%)", i, e, 100*o/t}'; }
echo "| order | prune | vocab cap | bits | n-grams | MB | bytes/n-gram | train s | peak GB | ppl held-out wiki | ppl reuters | ppl MLQE dev MT |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for config in "$@"; do
  IFS='|' read -r order prune vocab bits <<< "$config"
  model="$out/o${order}-p${prune// /}-v${vocab}-b${bits}.mtlm"
  log="$model.log"
  /usr/bin/time -f "%e %M" -o "$model.time" "$mtcheck" train lm --order "$order" --prune $prune \
    --max-vocab "$vocab" --bits "$bits" -o "$model" \
    ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst target/lm-data/train-wikitasks.txt 2> "$log"
  read -r secs kb < "$model.time"
  ngrams=$("$mtcheck" lm info "$model" | awk -F'\t' '/-grams/ {s+=$2} END {print s}')
  bytes=$(stat -c %s "$model")
  printf "| %s | %s | %s | %s | %s | %.1f | %.2f | %.0f | %.1f | %s | %s | %s |\n" "$order" "$prune" "$vocab" "$bits" \
    "$ngrams" "$(echo "$bytes/1000000" | bc -l)" "$(echo "$bytes/$ngrams" | bc -l)" "$secs" "$(echo "$kb/1048576" | bc -l)" \
    "$(ppl "$model" target/lm-data/eval-heldout-wiki.tok)" "$(ppl "$model" target/lm-data/eval-reuters.tok)" \
    "$(ppl "$model" target/lm-data/eval-mlqe-dev.tok)"
done
