#!/usr/bin/env python3
"""How often clean news carries a marker (issue 25): the share of paragraphs of human news
articles with any span (red or yellow) in `mtcheck check`, on three clean sources, checked as
whole articles the way an editor runs them:

- Reuters 1987 (../shared/data/dev/news-reuters-1987.jsonl): 8 consecutive records an article,
  a record a paragraph;
- WMT21 news originals (../shared/data/train/english-original.jsonl.zst, source wmt21): the
  segments of one document (`id` order) 6 to an article, a segment a paragraph;
- newstest 2009-2014 originals (../shared/data/train/neural-roundtrip-news-train.jsonl.zst,
  kind orig, level doc): an article a record, every sentence a paragraph (the set has no
  paragraph breaks).

Prints per source: articles, paragraphs, share of paragraphs with a span, share with a flagged
sentence, articles called MT. Pure Python beside the binary (zstd on PATH for the .zst sets).
  scripts/measure/clean-spans.py [BIN] [--model DIR]
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
SPLIT = re.compile(r'(?<=[.!?])["”’]?\s+(?=["“‘(]?[A-Z0-9])')


def zst_rows(name):
    out = subprocess.run(["zstd", "-dc", os.path.join(SHARED, "data", "train", name)], capture_output=True,
                         check=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def articles():
    """(source, paragraphs) for every article."""
    with open(os.path.join(SHARED, "data", "dev", "news-reuters-1987.jsonl"), encoding="utf-8") as f:
        reuters = [json.loads(line)["text"] for line in f]
    for i in range(0, len(reuters) - 7, 8):
        yield "reuters-1987", reuters[i:i + 8]
    wmt = [r["text"] for r in zst_rows("english-original.jsonl.zst") if r.get("source") == "wmt21"]
    for i in range(0, len(wmt) - 5, 6):
        yield "wmt21-news-originals", wmt[i:i + 6]
    for r in zst_rows("neural-roundtrip-news-train.jsonl.zst"):
        if r["kind"] == "orig" and r["level"] == "doc":
            yield "newstest-originals", [s for s in SPLIT.split(r["text"]) if s.strip()]


def main():
    args = sys.argv[1:]
    binary = args.pop(0) if args and not args[0].startswith("--") else os.path.join(ROOT, "target", "release", "mtcheck")
    docs = list(articles())
    records, bounds = [], []
    for k, (source, paragraphs) in enumerate(docs):
        text, spans = "", []
        for p in paragraphs:
            start = len(text.encode("utf-8"))
            text += p + "\n\n"
            spans.append((start, start + len(p.encode("utf-8"))))
        records.append(json.dumps({"id": k, "text": text}))
        bounds.append(spans)
    out = subprocess.run([binary, "check", "-", "--format", "jsonl", "--input-format", "jsonl", *args],
                         input="\n".join(records) + "\n", capture_output=True, text=True)
    stats = {}
    for line in out.stdout.splitlines():
        report = json.loads(line)
        source = docs[report["id"]][0]
        s = stats.setdefault(source, [0, 0, 0, 0, 0])
        s[0] += 1
        s[4] += (report.get("p_mt") or 0) >= 0.5
        for start, end in bounds[report["id"]]:
            inside = [x for x in report["sentences"] if x["start"] < end and x["end"] > start]
            s[1] += 1
            s[2] += any(x["spans"] for x in inside)
            s[3] += any(x["flagged"] for x in inside)
    print("| source | articles | paragraphs | with a span | with a flagged sentence | articles called MT |")
    print("|---|---|---|---|---|---|")
    for source, (n, paragraphs, spanned, flagged, called) in stats.items():
        print(f"| {source} | {n} | {paragraphs} | {spanned / paragraphs:.3f} | {flagged / paragraphs:.3f} | {called}/{n} |")


if __name__ == "__main__":
    main()
