#!/usr/bin/env python3
"""Builds the labelled documents the document verdict is trained and measured on
(mtcheck-eval v1 JSONL, one document a line, `is_mt` 1 for MT or spun, 0 for human) into
target/document-sets/:

- spun-train.jsonl: ../shared/data/train/english-original.jsonl.zst (WMT21 news and WMT24
  social, literary, news, speech sources) cut into documents of 10 consecutive segments; each
  document as it is (human) and round-tripped through Spanish and through Catalan by Apertium
  (scripts/build/spin-apertium.py): spun.
- spun-tune.jsonl: the same from the WMT23 sources (mixed domains): held out for measuring.
- spun-testsuites-train.jsonl / spun-testsuites-tune.jsonl: the same from the first 300 rows per
  source and language pair of english-original-testsuites.jsonl.zst (WMT21/24 for train, WMT23
  held out); not in the shipped model's training (reports/accuracy.md), a second measure.
- wmt23-docs.jsonl: pseudo-documents of 10 consecutive WMT23 segments, one system (MT) or the
  human reference, from wmt-mt-vs-human-dev (tuning data, not a dev file); all references
  and 1,200 MT documents drawn with a fixed seed.
- wmt21-docs.jsonl: the same from wmt-mt-vs-human-train (for ablation).
- spun-wiki-train.jsonl / spun-wiki.jsonl: articles of 8-15 sentences (consecutive paragraphs)
  from the 8,000 Wikipedia paragraphs held out of LM training (target/lm-data/heldout-wiki.txt
  from scripts/build/lm-data.sh), as they are and round-tripped through Spanish and Catalan: clean
  edited prose, unlike the WMT23 originals (meeting transcripts, social posts). Train:
  paragraphs 4,000-5,999; spun-wiki (held out for measuring): 6,000-7,999. (The sentence
  scorers' clean text is the first 4,000, the deep detector's anchors the first 2,000.)

Needs apt packages apertium apertium-eng-spa apertium-eng-cat (installed if missing, as root)
and zstd. Deterministic; about 4 minutes on 2 cores (round trips cached in target/document-sets/).
    scripts/build/build-document-sets.py
"""
import collections
import json
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAIN = os.path.join(ROOT, "..", "shared", "data", "train")
OUT = os.path.join(ROOT, "target", "document-sets")
SEGMENTS = 10


def zread(name):
    text = subprocess.run(["zstd", "-dc", os.path.join(TRAIN, name)], capture_output=True, check=True, text=True).stdout
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def one_line(text):
    return " ".join(text.split())


def write(name, docs):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    counts = collections.Counter(d["is_mt"] for d in docs)
    print(f"{name}: {len(docs)} documents ({counts[1]} MT/spun, {counts[0]} human)")


def ensure_apertium():
    if shutil.which("apertium"):
        return
    subprocess.run(["apt-get", "install", "-y", "-q", "apertium", "apertium-eng-spa", "apertium-eng-cat"], check=True)


def spin(name, rows):
    """{row id: {pivot: round trip}} for `rows` of ../shared/data/train/`name` (cached)."""
    return spin_rows(name.replace(".jsonl.zst", ""), rows)


def spin_rows(stem, rows):
    """{row id: {pivot: round trip}} for `rows`, cached in target/document-sets/STEM-spun.jsonl."""
    spun_path = os.path.join(OUT, stem + "-spun.jsonl")
    if not os.path.exists(spun_path):
        ensure_apertium()
        source = spun_path + ".in.jsonl"
        with open(source, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
        with open(spun_path + ".part", "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "spin-apertium.py"), source, "spa", "cat"],
                           stdout=f, check=True)
        os.rename(spun_path + ".part", spun_path)
        os.remove(source)
    spun = collections.defaultdict(dict)
    for line in open(spun_path, encoding="utf-8"):
        d = json.loads(line)
        spun[d["id"]][d["pivot"]] = d["spun"]
    return spun


def spun_documents(name, per_group=None):
    """(train, tune) documents: originals of `name` cut into 10-segment documents and their
    round trips; the WMT23 rows go to tune. `per_group`: at most so many rows of each source
    and language pair."""
    groups = collections.defaultdict(list)
    for r in zread(name):
        source, lp = r["id"].split("/")[:2]
        if per_group is None or len(groups[(source, lp)]) < per_group:
            groups[(source, lp)].append(r)
    spun = spin(name, [r for rows in groups.values() for r in rows])
    train, tune = [], []
    for (source, lp), rows in sorted(groups.items()):
        out = tune if source.startswith("wmt23") else train
        for i in range(0, len(rows) - SEGMENTS + 1, SEGMENTS):
            chunk = rows[i:i + SEGMENTS]
            out.append({"id": f"orig/{source}/{lp}/{i}", "text": "\n".join(one_line(r["text"]) for r in chunk),
                        "is_mt": 0, "kind": "orig"})
            for pivot in ("spa", "cat"):
                if all(pivot in spun[r["id"]] for r in chunk):
                    out.append({"id": f"spun-{pivot}/{source}/{lp}/{i}",
                                "text": "\n".join(spun[r["id"]][pivot] for r in chunk),
                                "is_mt": 1, "kind": f"spun-{pivot}"})
    return train, tune


def pseudo_documents(name, out_name, mt_documents=1200):
    groups = collections.defaultdict(list)
    for r in zread(name):
        parts = r["id"].split("/")  # wmt23/de-en/mt/SYSTEM/INDEX
        groups[tuple(parts[1:4])].append((int(parts[4]), r))
    docs = []
    for key, rows in sorted(groups.items()):
        rows.sort(key=lambda x: x[0])
        for i in range(0, len(rows) - SEGMENTS + 1, SEGMENTS):
            chunk = [r for _, r in rows[i:i + SEGMENTS]]
            docs.append({"id": "/".join(key) + f"/{i}", "text": "\n".join(one_line(r["text"]) for r in chunk),
                         "is_mt": chunk[0]["is_mt"], "kind": key[1]})
    human = [d for d in docs if d["is_mt"] == 0]
    mt = [d for d in docs if d["is_mt"] == 1]
    random.Random(1).shuffle(mt)
    write(out_name, human + mt[:mt_documents])


def sentence_count(text):
    # Rough (the analyzer splits better): enough to size a document.
    return max(1, sum(text.count(end) for end in (". ", "? ", "! ")) + 1)


def wiki_documents(first, paragraphs=2000, least=8, most=15):
    heldout = os.path.join(ROOT, "target", "lm-data", "heldout-wiki.txt")
    if not os.path.exists(heldout):
        subprocess.run([os.path.join(ROOT, "scripts", "lm-data.sh")], check=True, stdout=subprocess.DEVNULL)
    lines = [one_line(line) for line in open(heldout, encoding="utf-8")][first:first + paragraphs]
    rows = [{"id": f"wiki/{first + i}", "text": t} for i, t in enumerate(lines) if t]
    # Articles: consecutive paragraphs until `least` sentences; longer ones are left out.
    articles, current, count = [], [], 0
    for r in rows:
        current.append(r)
        count += sentence_count(r["text"])
        if count >= least:
            if count <= most:
                articles.append(current)
            current, count = [], 0
    spun = spin_rows(f"heldout-wiki-{first}", [r for a in articles for r in a])
    docs = []
    for a in articles:
        key = a[0]["id"]
        docs.append({"id": f"orig/{key}", "text": "\n".join(r["text"] for r in a), "is_mt": 0, "kind": "orig"})
        for pivot in ("spa", "cat"):
            if all(pivot in spun[r["id"]] for r in a):
                docs.append({"id": f"spun-{pivot}/{key}", "text": "\n".join(spun[r["id"]][pivot] for r in a),
                             "is_mt": 1, "kind": f"spun-{pivot}"})
    return docs


def main():
    os.makedirs(OUT, exist_ok=True)
    write("spun-wiki-train.jsonl", wiki_documents(4000))
    write("spun-wiki.jsonl", wiki_documents(6000))
    train, tune = spun_documents("english-original.jsonl.zst")
    write("spun-train.jsonl", train)
    write("spun-tune.jsonl", tune)
    train, tune = spun_documents("english-original-testsuites.jsonl.zst", per_group=300)
    write("spun-testsuites-train.jsonl", train)
    write("spun-testsuites-tune.jsonl", tune)
    pseudo_documents("wmt-mt-vs-human-dev.jsonl.zst", "wmt23-docs.jsonl")
    pseudo_documents("wmt-mt-vs-human-train.jsonl.zst", "wmt21-docs.jsonl")


if __name__ == "__main__":
    main()
