#!/usr/bin/env bash
# Throughput and memory of `mtcheck filter` on English JSONL.zst, beside the KenLM Python
# module scoring the same documents in the same session (this machine is shared and noisy:
# compare the ratios, not the absolute figures):
#  1. input: documents of 5 Wikipedia paragraphs each (id, url, text) from the LM's training
#     text (target/lm-data, scripts/build/lm-data.sh), ~50 MB of JSONL, zstd-compressed
#  2. mtcheck filter --min-quality 0.5 with 1 and 2 threads, end to end (process start, model
#     load, decompression, scoring, writing .zst output): MB/s of uncompressed JSONL
#  3. KenLM Python module (pip, into target/filter-bench/venv) on the same documents, one
#     core: tokenize + full_scores per paragraph on a 4-gram probing model trained by lmplz on
#     the same text with the shipped model's pruning (target/lm-bench, built if missing)
#  4. monocleaner, if it is installed in the same venv (it needs libhunspell-dev from apt,
#     pybind11 and cmake from pip, and the kenlm module built with MAX_ORDER=7, e.g.
#     `MAX_ORDER=7 pip install --no-build-isolation kenlm`; then `pip install monocleaner`):
#     trained by monocleaner-train on 100,000 paragraphs of the same text (lmplz on PATH), run
#     on the paragraphs of the first 2,000 documents, one core, with its hard rules but without
#     language identification (its FastText model is downloaded at run time: no internet here)
#  5. peak RSS on a 100 MB and a 2 GB input (the 50 MB of documents repeated)
# Takes ~10 minutes (~25 when the KenLM model must be built). usage: scripts/bench/filter-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/filter-bench
kenlm=${KENLM:-target/kenlm-bin}
mkdir -p "$work"
scripts/build/lm-data.sh > /dev/null
cargo build --release --quiet
mtcheck=./target/release/mtcheck
RUNS=${RUNS:-3}

docs=$work/docs.jsonl.zst
if [ ! -s "$docs" ]; then
  python3 - target/lm-data/train-wikitasks.txt <<'PY' | zstd -q -T2 -o "$docs"
import json, sys
paragraphs = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
for i in range(0, len(paragraphs), 5):
    print(json.dumps({"id": f"doc-{i // 5}", "url": f"https://en.wikipedia.org/?curid={i // 5}", "text": "\n\n".join(paragraphs[i:i + 5])}, ensure_ascii=False))
PY
fi
bytes=$(zstd -dc "$docs" | wc -c)
records=$(zstd -dc "$docs" | wc -l)
echo "input: $records documents, $bytes bytes of JSONL ($(stat -c %s "$docs") compressed)"

# The best wall time of RUNS runs, in seconds.
best_of() {
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
    local s; s=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    if [ -z "$best" ] || (( $(echo "$s < $best" | bc -l) )); then best=$s; fi
  done
  echo "$best"
}
mbs() { echo "$bytes / $1 / 1000000" | bc -l | xargs printf "%.1f"; }

echo "## throughput (best of $RUNS runs each)"
t1=$(best_of "$mtcheck" filter "$docs" --min-quality 0.5 -j 1 -q -o "$work/kept.jsonl.zst")
t2=$(best_of "$mtcheck" filter "$docs" --min-quality 0.5 -j 2 -q -o "$work/kept.jsonl.zst")
echo "mtcheck filter -j 1: $(printf %.2f "$t1") s, $(mbs "$t1") MB/s per core"
echo "mtcheck filter -j 2: $(printf %.2f "$t2") s, $(mbs "$t2") MB/s ($(echo "$(mbs "$t2") / 2" | bc -l | xargs printf %.1f) MB/s per core); speed-up 1 -> 2 threads: $(echo "$t1 / $t2" | bc -l | xargs printf %.2f)x"

venv=${VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import kenlm" 2> /dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q kenlm > /dev/null 2>&1 || echo "(pip install kenlm failed)"
fi
model=target/lm-bench/kenlm-pruned.probing
if [ ! -s "$model" ]; then
  [ -x "$kenlm/lmplz" ] || ../shared/tools/get-kenlm.sh "$kenlm" > /dev/null
  mkdir -p target/lm-bench/tmp
  "$mtcheck" tokenize ../shared/corpus/enwiki-wikivisual-2015.clean.txt.zst target/lm-data/train-wikitasks.txt > target/lm-bench/train.tok
  "$kenlm/lmplz" -o 4 --prune 0 1 2 3 -S 60% -T target/lm-bench/tmp < target/lm-bench/train.tok > target/lm-bench/lmplz-pruned.arpa 2> /dev/null
  "$kenlm/build_binary" probing target/lm-bench/lmplz-pruned.arpa "$model" > /dev/null 2>&1
fi
if "$venv/bin/python" -c "import kenlm" 2> /dev/null; then
  tk=$(best_of bash -c "zstd -dc '$docs' | '$venv/bin/python' scripts/bench/kenlm_filter.py '$model'")
  echo "KenLM Python module, 1 core: $(printf %.2f "$tk") s, $(mbs "$tk") MB/s; mtcheck -j 1 / KenLM: $(echo "$tk / $t1" | bc -l | xargs printf %.2f)x"
fi
if [ -x "$venv/bin/monocleaner" ]; then
  mono=$work/monocleaner
  if [ ! -s "$mono/model/metadata.yaml" ]; then
    mkdir -p "$mono/model"
    head -100000 target/lm-data/train-wikitasks.txt > "$mono/train.txt"
    PATH="$PWD/$kenlm:$PWD/$venv/bin:$PATH" "$venv/bin/monocleaner-train" -q -l en "$mono/train.txt" "$mono/model"
  fi
  { zstd -dc "$docs" || true; } | head -2000 | python3 -c 'import json, sys
for line in sys.stdin:
    for p in json.loads(line)["text"].split("\n"):
        if p.strip(): print(p.strip().replace("\t", " "))' > "$mono/paragraphs.txt"
  lines=$(wc -l < "$mono/paragraphs.txt"); mbytes=$(wc -c < "$mono/paragraphs.txt")
  tm=$(best_of "$venv/bin/monocleaner" --disable_lang_ident -q "$mono/model" "$mono/paragraphs.txt" "$mono/scores.tsv")
  tf=$(best_of bash -c "zstd -dc '$docs' | head -2000 | '$mtcheck' filter - --input-format jsonl --min-quality 0.5 -j 1 -q")
  echo "monocleaner, 1 core: $lines paragraphs ($mbytes bytes) in $(printf %.2f "$tm") s: $(echo "$lines / $tm" | bc -l | xargs printf %.0f) paragraphs/s, $(echo "$mbytes / $tm / 1000000" | bc -l | xargs printf %.2f) MB/s"
  echo "mtcheck filter -j 1 on the same 2,000 documents: $(printf %.2f "$tf") s ($(echo "$tm / $tf" | bc -l | xargs printf %.1f)x faster)"
else
  echo "monocleaner: not installed in $venv (see the comment at the top); not compared"
fi

echo "## peak RSS (-j 2), 100 MB vs 2 GB of input"
for size in 2 40; do
  big=$work/docs-x$size.jsonl.zst
  [ -s "$big" ] || for _ in $(seq "$size"); do zstd -dc "$docs"; done | zstd -q -T2 -o "$big"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$mtcheck" filter "$big" --min-quality 0.5 -j 2 -q -o /dev/null
  read -r secs kb < "$work/time.txt"
  echo "input $(echo "$bytes * $size / 1000000" | bc) MB: peak RSS $((kb / 1024)) MB, $secs s"
done
