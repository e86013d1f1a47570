"""The reference for scripts/bench/filter-bench.sh: the KenLM Python module scoring the documents
of a JSONL file on one core, as crawl filters use it (cc_net): each paragraph tokenized and
lower-cased, `full_scores` per paragraph, document quality = mean log10 p per token, kept
above a cut. usage: zstd -dc docs.jsonl.zst | python kenlm_filter.py MODEL.probing"""
import json
import re
import sys

import kenlm

TOKEN = re.compile(r"\w+(?:[.,:'’]\w+)*|\S")


def main():
    model = kenlm.Model(sys.argv[1])
    kept = docs = 0
    for line in sys.stdin:
        text = json.loads(line)["text"]
        total = count = 0
        for paragraph in text.split("\n"):
            tokens = TOKEN.findall(paragraph.lower())
            if not tokens:
                continue
            for log10p, _, _ in model.full_scores(" ".join(tokens)):
                total += log10p
                count += 1
        docs += 1
        kept += count > 0 and total / count > -3.0
    print(f"kenlm: {docs} documents, {kept} kept", file=sys.stderr)


if __name__ == "__main__":
    main()
