#!/usr/bin/env python3
"""MQM word tags as token targets for the encoder's token head (issue 13's "MQM spans").

Reads ../shared/data/train/mqm-zh-en-train.jsonl.zst (expert MQM annotations of zh->en news
and TED MT; a token is bad when at least half of its raters tagged it, the README's rule) and
writes target/deep/mqm-tokens.jsonl: the same rows without `human_quality`, so that `mtcheck
train encoder --tagged` trains the token head on them and leaves the sentence head to
MLQE-PE's z-scored grades (MQM penalties are on another scale). Rows whose text is only the
tokens joined by spaces (`text_is_tokenized`) are left out: their word pieces would not be the
ones real text gives. Every `EVERY`-th row is kept (default 2: half of the 37,685 rows keeps a
fine-tuning epoch near 30 minutes on 2 cores).
Measured (reports/accuracy.md, session 12): a third tuning epoch with these rows adds nothing to
MLQE-PE dev beyond the epoch itself, and 003's wrong words stay unseen; the shipped build does
not use them. Kept so that the experiment can be rerun:
    python3 scripts/experiments/mqm-token-set.py [EVERY]
    mtcheck train encoder --tagged ../shared/data/dev/mlqe-*-en-train.jsonl target/deep/mqm-tokens.jsonl \
      --clean target/deep/anchor-wiki.jsonl target/deep/anchor-wmt21.jsonl \
      --from models/en/encoder.safetensors --layers 3 --learning-rate 0.00002 --output OUT
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "..", "shared", "data", "train", "mqm-zh-en-train.jsonl.zst")
OUT = os.path.join(ROOT, "target", "deep", "mqm-tokens.jsonl")


def main():
    every = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    text = subprocess.run(["zstd", "-dc", SOURCE], capture_output=True, check=True, text=True).stdout
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    kept = bad = tokens = 0
    with open(OUT, "w", encoding="utf-8") as out:
        for n, line in enumerate(text.splitlines()):
            row = json.loads(line)
            if n % every or row.get("text_is_tokenized") or not row.get("tokens"):
                continue
            record = {"id": row["id"], "text": row["text"], "tokens": row["tokens"], "bad": row["bad"]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            kept += 1
            tokens += len(row["bad"])
            bad += sum(row["bad"])
    print(f"{OUT}: {kept} sentences, {tokens} tokens, {bad / max(tokens, 1):.1%} bad")


if __name__ == "__main__":
    main()
