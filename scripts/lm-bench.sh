#!/usr/bin/env bash
# mtcheck against KenLM in one run, same machine, same text, same models:
#  1. training: lmplz vs `mtcheck train lm --pretokenized`, unpruned 4-gram, full corpus, both
#     writing ARPA (wall time, peak RSS)
#  2. the shipped model's settings in KenLM (lmplz --prune 0 1 2 3): file sizes of its probing and
#     8-bit trie formats, and perplexities beside ours
#  3. query throughput, single thread, on the unpruned lmplz model (imported into mtcheck):
#     KenLM `query` on its probing binary vs `mtcheck lm query --tokenized`; load time is
#     subtracted by timing a one-line input; peak RSS of both
# Needs ~12 GB of disk under target/ and about 20 minutes. usage: scripts/lm-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/lm-bench
kenlm=${KENLM:-target/kenlm-bin}
mkdir -p "$work/tmp"
[ -x "$kenlm/lmplz" ] || ../shared/tools/get-kenlm.sh "$kenlm" >/dev/null
[ -s target/lm-data/eval-reuters.tok ] || scripts/lm-data.sh >/dev/null
cargo build --release --quiet
mtcheck=./target/release/mtcheck
timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@"; }

echo "## 1. training (unpruned 4-gram, full corpus, same tokens)"
if [ ! -s "$work/full.tok" ]; then
  "$mtcheck" tokenize ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst \
    ../shared/corpus/enwiki-wikitasks-2018.clean.txt.zst > "$work/full.tok"
fi
echo "tokens: $(wc -w < "$work/full.tok")"
timed "lmplz -o 4" "$kenlm/lmplz" -o 4 -S 80% -T "$work/tmp" < "$work/full.tok" > "$work/lmplz-o4.arpa" 2> "$work/lmplz-o4.log"
timed "mtcheck train lm --order 4" "$mtcheck" train lm --pretokenized --order 4 "$work/full.tok" --arpa "$work/mtcheck-o4.arpa" 2>&1 | tail -2
head -6 "$work/lmplz-o4.arpa" | grep ngram | tr '\n' ' '; echo "(lmplz)"
head -6 "$work/mtcheck-o4.arpa" | grep ngram | tr '\n' ' '; echo "(mtcheck)"
rm -f "$work/mtcheck-o4.arpa"

echo "## 2. the shipped model's settings in KenLM"
timed "lmplz -o 4 --prune 0 1 2 3" "$kenlm/lmplz" -o 4 --prune 0 1 2 3 -S 80% -T "$work/tmp" < "$work/full.tok" > "$work/lmplz-pruned.arpa" 2> "$work/lmplz-pruned.log"
"$kenlm/build_binary" probing "$work/lmplz-pruned.arpa" "$work/kenlm-pruned.probing" > /dev/null 2>&1
"$kenlm/build_binary" -q 8 -b 8 trie "$work/lmplz-pruned.arpa" "$work/kenlm-pruned.trie" > /dev/null 2>&1
ngrams=$(grep -m4 '^ngram' "$work/lmplz-pruned.arpa" | awk -F= '{s+=$2} END {print s}')
for f in "$work/kenlm-pruned.probing" "$work/kenlm-pruned.trie" models/en/lm.mtlm; do
  bytes=$(stat -c %s "$f")
  echo "$f: $bytes bytes"
done
echo "KenLM pruned n-grams: $ngrams"
"$mtcheck" lm info models/en/lm.mtlm | grep -E 'grams|bytes'
for text in heldout-wiki reuters mlqe-dev; do
  k=$("$kenlm/query" -v summary "$work/kenlm-pruned.probing" < "target/lm-data/eval-$text.tok" 2>/dev/null | awk -F'\t' '/including/ {i=$2} /excluding/ {e=$2} /^OOVs/ {o=$2} END {printf "%.1f / %.1f (OOVs %d)", i, e, o}')
  m=$("$mtcheck" lm query --tokenized -v summary "target/lm-data/eval-$text.tok" | awk -F'\t' '/including/ {i=$2} /excluding/ {e=$2} /^OOVs/ {o=$2} END {printf "%.1f / %.1f (OOVs %d)", i, e, o}')
  echo "perplexity incl/excl OOV on $text: KenLM $k | mtcheck $m"
done

echo "## 3. query throughput, single thread, unpruned 4-gram (the same model in both)"
"$kenlm/build_binary" probing "$work/lmplz-o4.arpa" "$work/kenlm-o4.probing" > /dev/null 2>&1
"$mtcheck" lm import-arpa "$work/lmplz-o4.arpa" -o "$work/mtcheck-o4.mtlm" --bits 8
"$mtcheck" lm import-arpa "$work/lmplz-o4.arpa" -o "$work/mtcheck-o4-exact.mtlm" --bits 32
for i in 1 2 3 4; do cat target/lm-data/eval-heldout-wiki.tok; done > "$work/query.tok"
head -1 "$work/query.tok" > "$work/one.tok"
tokens=$(( $(wc -w < "$work/query.tok") + $(wc -l < "$work/query.tok") ))
echo "query text: $tokens tokens (with </s>)"
seconds() { /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2>&1; cat "$work/t"; }
for round in 1 2; do
  read -r k1 _ <<< "$(seconds "$kenlm/query" -v summary "$work/kenlm-o4.probing" < "$work/one.tok")"
  read -r kn krss <<< "$(seconds "$kenlm/query" -v summary "$work/kenlm-o4.probing" < "$work/query.tok")"
  for model in mtcheck-o4 mtcheck-o4-exact; do
    read -r m1 _ <<< "$(seconds "$mtcheck" lm query -m "$work/$model.mtlm" --tokenized -v summary "$work/one.tok")"
    read -r mn mrss <<< "$(seconds "$mtcheck" lm query -m "$work/$model.mtlm" --tokenized -v summary "$work/query.tok")"
    echo "round $round, $model: KenLM $(echo "$tokens/($kn-$k1)/1000000" | bc -l | cut -c1-5) M tokens/s (peak RSS $krss KB), mtcheck $(echo "$tokens/($mn-$m1)/1000000" | bc -l | cut -c1-5) M tokens/s (peak RSS $mrss KB), ratio $(echo "($kn-$k1)/($mn-$m1)" | bc -l | cut -c1-5)"
  done
done
ls -l "$work"/*.probing "$work"/*.trie "$work"/*.mtlm | awk '{print $5, $9}'
echo "## open to first score (shipped model)"
for i in 1 2 3; do "$mtcheck" lm info models/en/lm.mtlm | grep 'first score'; done
