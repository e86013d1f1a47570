#!/usr/bin/env bash
# Speed of two mtcheck binaries in one session, interleaved run by run (the machines are shared
# and noisy, so only the ratio means much): `check` end to end on a 5,000-word Wikipedia
# article, on 5,000 words of Reuters news paragraphs and on one sentence (scripts/bench/bench-texts.sh),
# and `filter -j 1` (fast scorer, and
# full detector with --annotate) on the paracrawl-v6 + Reuters dev records. Min of RUNS runs.
# With DEEP=1 also `check --deep` on the news text and on one sentence (each binary reads the
# model folder it finds: its own source tree's models/en for a worktree build).
# usage: scripts/bench/compare-binaries.sh OLD_BINARY NEW_BINARY     (RUNS=7 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD=$(realpath "$1"); NEW=$(realpath "$2")
RUNS=${RUNS:-7}
scripts/bench/bench-texts.sh
WIKI=target/bench/article-5000.txt
NEWS=target/bench/news-5000.txt
CRAWL=target/bench/dev-records.jsonl
cat ../shared/data/dev/paracrawl-v6.jsonl ../shared/data/dev/news-reuters-1987.jsonl > "$CRAWL"

ms() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
compare() {  # compare NAME ARGS...: min ms of OLD and NEW, interleaved
  local name=$1; shift
  local best_old=999999 best_new=999999 t
  for _ in $(seq "$RUNS"); do
    t=$(ms "$OLD" "$@"); (( t < best_old )) && best_old=$t
    t=$(ms "$NEW" "$@"); (( t < best_new )) && best_new=$t
  done
  awk -v n="$name" -v o="$best_old" -v w="$best_new" 'BEGIN { printf "| %s | %d | %d | %.3f |\n", n, o, w, w / o }'
}
echo "| what | old ms | new ms | new / old |"
echo "|---|---|---|---|"
compare "check, 5,000 words of Wikipedia" check "$WIKI" --format summary
compare "check, 5,000 words of Reuters news" check "$NEWS" --format summary
compare "check, one sentence" check target/bench/one-sentence.txt --format summary
compare "filter -j1, fast scorer, $(du -m "$CRAWL" | cut -f1) MB" filter -q -j 1 "$CRAWL" --min-quality 0.5 -o /dev/null
compare "filter -j1, full detector + annotate" filter -q -j 1 "$CRAWL" --annotate --min-quality 0.5 -o /dev/null
if [ "${DEEP:-0}" = 1 ]; then
  compare "check --deep, 5,000 words of Reuters news" check --deep "$NEWS" --format summary
  compare "check --deep, one sentence" check --deep target/bench/one-sentence.txt --format summary
fi
