#!/usr/bin/env bash
# Writes the texts the check benchmarks run on into target/bench/ (built at run time: no corpus
# text is stored in the repository):
#   article-5000.txt  the first 5,000 words of the held-out Wikipedia paragraphs (scripts/build/lm-data.sh)
#   news-5000.txt     the first paragraphs of ../shared/data/dev/news-reuters-1987.jsonl up to
#                     5,000 words, blank lines between
#   one-sentence.txt  one news sentence (start-up cost)
# Used by scripts/bench/check-bench.sh and scripts/compare-binaries.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/build/lm-data.sh > /dev/null
mkdir -p target/bench
awk '{ for (i = 1; i <= NF && n < 5000; i++) { printf "%s%s", $i, (i < NF && n < 4999 ? " " : "\n"); n++ } if (n >= 5000) exit }' \
  target/lm-data/heldout-wiki.txt > target/bench/article-5000.txt
python3 -c "
import json
words, out = 0, []
for line in open('../shared/data/dev/news-reuters-1987.jsonl', encoding='utf-8'):
    t = json.loads(line)['text']; out.append(t); words += len(t.split())
    if words >= 5000: break
open('target/bench/news-5000.txt', 'w', encoding='utf-8').write('\n\n'.join(out) + '\n')"
echo "The council approved the budget on Tuesday after a long debate about the new school." > target/bench/one-sentence.txt
