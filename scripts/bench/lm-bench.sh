#!/usr/bin/env bash
# mtcheck against KenLM in one run, same machine, same text, same models:
#  1. training: lmplz vs `mtcheck train lm --pretokenized`, unpruned 4-gram, full corpus, both
#     writing ARPA (wall time, peak RSS)
#  2. the shipped model's settings (order 4, --prune 0 1 2 3) on the shipped model's training
#     text (held-out paragraphs excluded): KenLM's probing and 8-bit trie sizes and perplexity,
#     mtcheck on the same tokens without a vocabulary cap (like for like), and the shipped model
#  3. query throughput, single thread, on the unpruned lmplz model (imported into mtcheck):
#     KenLM `query` on its probing binary vs `mtcheck lm query --tokenized`; load time is
#     subtracted by timing a one-line input; peak RSS of both
# Needs ~12 GB of disk under target/ and about 20 minutes. usage: scripts/bench/lm-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/lm-bench
kenlm=${KENLM:-target/kenlm-bin}
mkdir -p "$work/tmp"
[ -x "$kenlm/lmplz" ] || ../shared/tools/get-kenlm.sh "$kenlm" >/dev/null
[ -s target/lm-data/eval-reuters.tok ] || scripts/build/lm-data.sh >/dev/null
cargo build --release --quiet
mtcheck=./target/release/mtcheck
# Timings go to fd 3 (the script's stdout), never into the timed command's redirected output.
exec 3>&1
timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" -o "$work/time.txt" "$@"; cat "$work/time.txt" >&3; }
ppl() { awk -F'\t' '/including/ {i=$2} /excluding/ {e=$2} /^OOVs/ {o=$2} END {printf "%.1f / %.1f (OOVs %d)", i, e, o}'; }

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

echo "## 2. the shipped model's settings, trained on the shipped model's training text"
if [ ! -s "$work/train.tok" ]; then
  "$mtcheck" tokenize ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst target/lm-data/train-wikitasks.txt > "$work/train.tok"
fi
timed "lmplz -o 4 --prune 0 1 2 3" "$kenlm/lmplz" -o 4 --prune 0 1 2 3 -S 80% -T "$work/tmp" < "$work/train.tok" > "$work/lmplz-pruned.arpa" 2> "$work/lmplz-pruned.log"
timed "mtcheck train lm --order 4 --prune 0 1 2 3" "$mtcheck" train lm "$work/train.tok" --pretokenized --order 4 --prune 0 1 2 3 -o "$work/mtcheck-pruned.mtlm" 2> /dev/null
"$kenlm/build_binary" probing "$work/lmplz-pruned.arpa" "$work/kenlm-pruned.probing" > /dev/null 2>&1
"$kenlm/build_binary" -q 8 -b 8 trie "$work/lmplz-pruned.arpa" "$work/kenlm-pruned.trie" > /dev/null 2>&1
kn=$(grep -m4 '^ngram' "$work/lmplz-pruned.arpa" | awk -F= '{s+=$2} END {print s}')
mn=$("$mtcheck" lm info "$work/mtcheck-pruned.mtlm" | awk -F'\t' '/-grams/ {s+=$2} END {print s}')
sn=$("$mtcheck" lm info models/en/lm.mtlm | awk -F'\t' '/-grams/ {s+=$2} END {print s}')
for row in "KenLM probing|$work/kenlm-pruned.probing|$kn" "KenLM trie -q 8 -b 8|$work/kenlm-pruned.trie|$kn" \
           "mtcheck, same tokens, no vocabulary cap|$work/mtcheck-pruned.mtlm|$mn" "mtcheck shipped (200k vocabulary)|models/en/lm.mtlm|$sn"; do
  IFS='|' read -r name file n <<< "$row"
  bytes=$(stat -c %s "$file")
  echo "$name: $n n-grams, $bytes bytes, $(echo "$bytes/$n" | bc -l | cut -c1-5) bytes/n-gram"
done
for text in heldout-wiki reuters mlqe-dev; do
  k=$("$kenlm/query" -v summary "$work/kenlm-pruned.probing" < "target/lm-data/eval-$text.tok" 2>/dev/null | ppl)
  m=$("$mtcheck" lm query -m "$work/mtcheck-pruned.mtlm" --tokenized -v summary "target/lm-data/eval-$text.tok" | ppl)
  s=$("$mtcheck" lm query --tokenized -v summary "target/lm-data/eval-$text.tok" | ppl)
  echo "perplexity incl / excl OOVs on $text: KenLM $k | mtcheck same tokens $m | mtcheck shipped $s"
done

echo "## 3. query throughput, single thread, unpruned 4-gram (the same model in both)"
"$kenlm/build_binary" probing "$work/lmplz-o4.arpa" "$work/kenlm-o4.probing" > /dev/null 2>&1
"$mtcheck" lm import-arpa "$work/lmplz-o4.arpa" -o "$work/mtcheck-o4.mtlm" --bits 8
"$mtcheck" lm import-arpa "$work/lmplz-o4.arpa" -o "$work/mtcheck-o4-exact.mtlm" --bits 32
for i in $(seq 16); do cat target/lm-data/eval-heldout-wiki.tok; done > "$work/query.tok"
head -1 "$work/query.tok" > "$work/one.tok"
tokens=$(( $(wc -w < "$work/query.tok") + $(wc -l < "$work/query.tok") ))
echo "query text: $tokens tokens (with </s>); min of 5 interleaved runs each (this machine is shared)"
seconds() { local input=$1; shift; /usr/bin/time -f "%e %M" -o "$work/t" "$@" < "$input" > /dev/null 2>&1; cat "$work/t"; }
declare -A best rss
for round in 1 2 3 4 5; do
  for tool in kenlm mtcheck8 mtcheck32; do
    case $tool in
      kenlm) cmd=("$kenlm/query" -v summary "$work/kenlm-o4.probing") ;;
      mtcheck8) cmd=("$mtcheck" lm query -m "$work/mtcheck-o4.mtlm" --tokenized -v summary) ;;
      mtcheck32) cmd=("$mtcheck" lm query -m "$work/mtcheck-o4-exact.mtlm" --tokenized -v summary) ;;
    esac
    for input in one query; do
      read -r secs kb <<< "$(seconds "$work/$input.tok" "${cmd[@]}")"
      key="$tool-$input"
      if [ -z "${best[$key]:-}" ] || [ "$(echo "$secs < ${best[$key]}" | bc)" = 1 ]; then best[$key]=$secs; fi
      [ "$input" = query ] && rss[$tool]=$kb
    done
  done
done
k=$(echo "${best[kenlm-query]} - ${best[kenlm-one]}" | bc -l)
for tool in kenlm mtcheck8 mtcheck32; do
  t=$(echo "${best[$tool-query]} - ${best[$tool-one]}" | bc -l)
  echo "$tool: load $(echo "${best[$tool-one]}") s, scoring $t s = $(echo "$tokens/$t/1000000" | bc -l | cut -c1-5) M tokens/s, ratio to KenLM $(echo "$k/$t" | bc -l | cut -c1-5), peak RSS ${rss[$tool]} KB"
done
ls -l "$work"/*.probing "$work"/*.trie "$work"/*.mtlm | awk '{print $5, $9}'
echo "## open to first score (shipped model)"
for i in 1 2 3; do "$mtcheck" lm info models/en/lm.mtlm | grep 'first score'; done
