#!/usr/bin/env bash
# Every user-visible output of a binary on the seeds, the examples and the dev sets, into one
# folder: check (JSONL, highlight with and without colour, grep-style, summary), filter (fast
# and full scorers, kept / rejected / annotated), eval (all three detectors), features --dump,
# with the exit codes. Run it with the binary before and after a refactor and `diff -r` the
# two folders: a behaviour-preserving change leaves no difference.
# usage: scripts/measure/snapshot-outputs.sh BINARY OUTDIR      (about 3 minutes on 2 cores)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$1")
OUT=$2
mkdir -p "$OUT"
DEV=../shared/data/dev
SEEDS=(../shared/seeds/*.txt examples/*.txt)
SETS=("$DEV"/mlqe-*-dev.jsonl "$DEV"/paracrawl-v6.jsonl "$DEV"/news-reuters-1987.jsonl)

run() {  # run NAME CMD...: stdout to NAME.out, stderr to NAME.err, exit code to NAME.rc
  local name=$1; shift
  "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
  echo $? > "$OUT/$name.rc"
}

for f in "${SEEDS[@]}"; do
  b=$(basename "$f" .txt)
  run "check-$b-highlight-color" "$BIN" "$f" --highlight --color always
  run "check-$b-highlight-plain" "$BIN" "$f" --highlight --color never
  run "check-$b-grep" "$BIN" "$f"
  run "check-$b-jsonl" "$BIN" "$f" --format jsonl
done
run check-summary "$BIN" "${SEEDS[@]}" --format summary
for set in "${SETS[@]}"; do
  b=$(basename "$set" .jsonl)
  run "check-$b-jsonl" "$BIN" "$set" --format jsonl
  run "filter-$b-fast" "$BIN" filter -q "$set" --min-quality 0.5 --rejected "$OUT/filter-$b-fast.rejected.jsonl"
  run "filter-$b-full-annotate" "$BIN" filter -q "$set" --annotate --min-quality 0.5
  run "filter-$b-keep-top" "$BIN" filter -q "$set" --keep-top 60%
done
for scorer in mtcheck fast perplexity; do
  run "eval-$scorer" "$BIN" eval --scorer "$scorer" "${SETS[@]}"
done
run features-dump "$BIN" features --dump "$DEV/mlqe-et-en-dev.jsonl"
echo "outputs in $OUT: $(ls "$OUT" | wc -l) files"
