#!/usr/bin/env python3
"""Round-trip damage as token targets for the encoder's token head (issue 13's "round-trip
damage"): Apertium round trips of held-out Wikipedia paragraphs, each spun word tagged bad
unless the word-level alignment with its original keeps it.

Reads target/document-sets/heldout-wiki-4000-spun.jsonl (paragraphs 4,000-5,999 of the
Wikipedia text held out of LM training, through Spanish and Catalan; written by
scripts/build/build-document-sets.py, whose spun-wiki measuring set uses paragraphs 6,000+) and
writes target/deep/roundtrip-tokens.jsonl: `text` = the round trip, `tokens` = its
whitespace words, `bad` = 1 for words in a replaced or inserted stretch of difflib's alignment
(case-insensitive, punctuation kept), no `human_quality` (token head only). Paragraphs over
MAX_WORDS words are left out (the encoder reads at most 256 word pieces).
Measured (reports/accuracy.md, session 12): a third tuning epoch with these rows lifts the deep
sentence AUC on spun-wiki (0.834 -> 0.868) but not MLQE-PE, the flags or seed 003, and costs
ro-en word MCC; the shipped build does not use them. Rerun:
    python3 scripts/experiments/roundtrip-token-set.py
    mtcheck train encoder --tagged ../shared/data/dev/mlqe-*-en-train.jsonl target/deep/roundtrip-tokens.jsonl \
      --clean target/deep/anchor-wiki.jsonl target/deep/anchor-wmt21.jsonl \
      --from models/en/encoder.safetensors --layers 3 --learning-rate 0.00002 --output OUT
"""
import difflib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "target", "document-sets", "heldout-wiki-4000-spun.jsonl")
OUT = os.path.join(ROOT, "target", "deep", "roundtrip-tokens.jsonl")
MAX_WORDS = 120


def tags(original, spun):
    """1 for each word of `spun` that the alignment with `original` does not keep."""
    a, b = [w.lower() for w in original], [w.lower() for w in spun]
    bad = [1] * len(spun)
    for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        for k in range(block.b, block.b + block.size):
            bad[k] = 0
    return bad


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    kept = words = bad_words = 0
    with open(SOURCE, encoding="utf-8") as rows, open(OUT, "w", encoding="utf-8") as out:
        for line in rows:
            row = json.loads(line)
            spun = row["spun"].split()
            if not spun or len(spun) > MAX_WORDS:
                continue
            bad = tags(row["text"].split(), spun)
            record = {"id": f"{row['id']}/{row['pivot']}", "text": row["spun"], "tokens": spun, "bad": bad}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            kept += 1
            words += len(spun)
            bad_words += sum(bad)
    print(f"{OUT}: {kept} round trips, {words} words, {bad_words / max(words, 1):.1%} bad")


if __name__ == "__main__":
    main()
