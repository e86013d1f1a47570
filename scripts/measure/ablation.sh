#!/usr/bin/env bash
# What each feature adds: retrains the scorer without it (its columns held constant) and
# scores the dev sets. Prints a markdown table for reports/accuracy.md: macro Pearson over the
# five MLQE-PE dev pairs, macro word MCC, paracrawl AUC, Reuters sentences flagged, each with
# its change against the full model trained the same way.
# Same settings as scripts/build/build-model.sh but fewer trees (TREES, default 200) and one bag, to
# keep it to ~15 minutes on 2 cores.
# usage: scripts/measure/ablation.sh [FEATURE...]   (default: every feature)
set -euo pipefail
cd "$(dirname "$0")/../.."
TREES=${TREES:-200}
D=../shared/data/dev
cargo build --release --quiet
BIN=target/ablation/mtcheck
mkdir -p target/ablation/model
cp target/release/mtcheck "$BIN"   # a rebuild during the run must not change the binary
for f in lm.mtlm tokenizer.json topics.bin; do ln -sf "$PWD/models/en/$f" target/ablation/model/$f; done
features=("$@")
[ ${#features[@]} -eq 0 ] && mapfile -t features < <("$BIN" features | awk '{print $1}')

score() {  # prints: pearson mcc auc fp
  "$BIN" train scorer $D/mlqe-*-train.jsonl --clean target/lm-data/heldout-wiki.txt \
    --human target/lm-data/heldout-wiki.txt --fragments target/lm-data/heldout-wiki.txt --colsample 0.3 --threshold 0.44 --span-gate 0.58 --span-threshold 0.5 \
    --model target/ablation/model --trees "$TREES" "$@" 2>/dev/null
  "$BIN" eval $D/mlqe-*-dev.jsonl $D/paracrawl-v6.jsonl $D/news-reuters-1987.jsonl --model target/ablation/model |
    awk -F'|' 'NR>2 && NR<8 {p+=$4; m+=$7} NR==8 {auc=$6} NR==9 {fp=$9} END {printf "%.3f %.3f %.3f %.3f\n", p/5, m/5, auc, fp}'
}

read -r P M A F < <(score)
echo "| feature left out | macro Pearson | Δ | macro word MCC | Δ | paracrawl AUC | Δ | Reuters flagged |"
echo "|---|---|---|---|---|---|---|---|"
echo "| (none: all features, $TREES trees) | $P | | $M | | $A | | $F |"
for f in "${features[@]}"; do
  read -r p m a fp < <(score --without "$f")
  awk -v f="$f" -v p="$p" -v m="$m" -v a="$a" -v fp="$fp" -v P="$P" -v M="$M" -v A="$A" \
    'BEGIN {printf "| %s | %.3f | %+.3f | %.3f | %+.3f | %.3f | %+.3f | %.3f |\n", f, p, p-P, m, m-M, a, a-A, fp}'
done
