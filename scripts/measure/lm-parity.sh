#!/usr/bin/env bash
# Parity of `mtcheck train lm` with KenLM's lmplz on real text: about 1M words of the corpus,
# tokenized by mtcheck's front end, no pruning; every n-gram's log10 p and backoff must agree
# within 1e-4. usage: scripts/measure/lm-parity.sh [ORDER] [BYTES]   (needs python3 and pip access)
set -euo pipefail
cd "$(dirname "$0")/../.."
order=${1:-4}
bytes=${2:-7000000}
work=${WORK:-target/lm-parity}
kenlm=${KENLM:-target/kenlm-bin}
mkdir -p "$work"
[ -x "$kenlm/lmplz" ] || ../shared/tools/get-kenlm.sh "$kenlm" >/dev/null
cargo build --release --quiet
zstd -dc ../shared/corpus/enwiki-wikitasks-2018.clean.txt.zst | head -c "$bytes" > "$work/slice.txt" || true
./target/release/mtcheck tokenize "$work/slice.txt" > "$work/slice.tok"
echo "corpus: $(wc -w < "$work/slice.tok") tokens, $(wc -l < "$work/slice.tok") sentences"
/usr/bin/time -f "lmplz: %e s wall, %M KB peak" "$kenlm/lmplz" -o "$order" -S 20% -T "$work" \
  < "$work/slice.tok" > "$work/lmplz.arpa" 2> "$work/lmplz.log" || { tail "$work/lmplz.log"; exit 1; }
tail -1 "$work/lmplz.log"
/usr/bin/time -f "mtcheck: %e s wall, %M KB peak" ./target/release/mtcheck train lm --pretokenized \
  --order "$order" "$work/slice.tok" --arpa "$work/mtcheck.arpa"
python3 scripts/measure/compare_arpa.py "$work/lmplz.arpa" "$work/mtcheck.arpa" 1e-4
