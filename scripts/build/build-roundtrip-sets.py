#!/usr/bin/env python3
"""Builds the labelled documents the round-trip evidence is fitted and measured on (issue 33),
mtcheck-eval v1 JSONL with extra fields `set`, `group` (year or system) and `pair`, into
target/roundtrip-sets/documents.jsonl. Deterministic. Every text comes from ../shared; none is
a dev file except the Reuters one, which is only ever measured (never fitted on).

Sets (`set`):
- news-rt: English-original newstest articles 2009-2014 and their DeepL / Google round trips
  through German (neural-roundtrip-news-train, doc rows). Fitting uses years <= 2012; 2013-2014
  are the issue's held-out measure.
- news-de: German-original newstest articles in English, DeepL / Google MT against the
  professional translation (neural-mt-news-de, doc rows), 40 per kind and year group.
- europarl: pseudo-documents of 8 consecutive Europarl sentences: original English, each of the
  ten systems' German->English MT, the human translation (neural-mt-europarl).
- wiki: Wikipedia paragraphs (orig, human) and this engine's own pt round trips of them (rt),
  from neural-pt-roundtrip; wmt-orig: WMT English originals (6 lines, human) likewise.
- apertium: news originals of 2009-2012 and Wikipedia paragraphs spun through Spanish by
  Apertium (rule-based; scripts/build/spin-apertium.py), and those originals.
- reuters: Reuters 1987 dev articles of 3+ sentences (human; measured only).
- seeds: the four seed articles (003 spun) and the examples.

    python3 scripts/build/build-roundtrip-sets.py
"""
import glob
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys

import zstandard

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
TRAIN = os.path.join(SHARED, "data", "train")
OUT = os.path.join(ROOT, "target", "roundtrip-sets")


def rows(name):
    with open(os.path.join(TRAIN, name), "rb") as f:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8"):
            yield json.loads(line)


def doc(set_, id_, text, is_mt, group, pair=None, kind=None):
    return {"id": id_, "text": text, "is_mt": is_mt, "set": set_, "group": str(group), "pair": pair, "kind": kind}


def apertium_spin(texts):
    """Texts round-tripped eng->spa->eng by Apertium, line by line (None where it failed)."""
    if not shutil.which("apertium"):
        subprocess.run(["apt-get", "install", "-y", "-q", "apertium", "apertium-eng-spa"], check=True,
                       stdout=subprocess.DEVNULL)
    out = []
    for text in texts:
        there = subprocess.run(["apertium", "-u", "eng-spa"], input=text, capture_output=True, text=True)
        back = subprocess.run(["apertium", "-u", "spa-eng"], input=there.stdout, capture_output=True, text=True)
        out.append(back.stdout.strip() if back.returncode == 0 and back.stdout.strip() else None)
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(33)
    docs = []
    news_orig_early = []
    for r in rows("neural-roundtrip-news-train.jsonl.zst"):
        if r["level"] != "doc":
            continue
        is_mt = int(r["kind"] == "roundtrip")
        group = r["year"]
        docs.append(doc("news-rt", r["id"], r["text"], is_mt, group, r.get("pair"), r.get("system") or "orig"))
        if not is_mt and r["year"] <= 2012:
            news_orig_early.append(r)

    by = {}
    for r in rows("neural-mt-news-de.jsonl.zst"):
        if r["level"] == "doc":
            key = (r["kind"], r.get("system"), "early" if r["year"] <= 2012 else "late")
            by.setdefault(key, []).append(r)
    for key in sorted(by, key=str):
        for r in rng.sample(by[key], min(40, len(by[key]))):
            docs.append(doc("news-de", r["id"], r["text"], int(r["kind"] == "mt"), r["year"], r.get("pair"),
                            r.get("system") or "ref"))

    streams = {}
    for r in rows("neural-mt-europarl.jsonl.zst"):
        streams.setdefault(r.get("system") or r["kind"], []).append(r)
    for system in sorted(streams):
        rs = streams[system]
        n_docs = 100 if system == "orig" else 30
        starts = sorted(rng.sample(range(0, len(rs) - 8, 8), min(n_docs, (len(rs) - 8) // 8)))
        for s in starts:
            chunk = rs[s:s + 8]
            docs.append(doc("europarl", f"europarl-{system}-{s}", " ".join(c["text"] for c in chunk),
                            int(chunk[0]["is_mt"]), system, kind=chunk[0]["kind"]))

    wiki, wmt = {}, {}
    for r in rows("neural-pt-roundtrip.jsonl.zst"):
        if r["level"] != "doc":
            continue
        target = wiki if r["source"].startswith("wiki") else wmt if r["source"].startswith("wmt") else None
        if target is not None:
            target.setdefault(r["doc"], {})[r["kind"]] = r
    wiki_keys = sorted(wiki)
    rng.shuffle(wiki_keys)
    for k in wiki_keys[:300]:
        docs.append(doc("wiki", wiki[k]["orig"]["id"], wiki[k]["orig"]["text"], 0, "orig", k, "orig"))
    for k in wiki_keys[300:400]:
        docs.append(doc("wiki", wiki[k]["rt"]["id"], wiki[k]["rt"]["text"], 1, "rt-pt", k, "rt"))
    wmt_keys = sorted(wmt)
    rng.shuffle(wmt_keys)
    for k in wmt_keys[:150]:
        docs.append(doc("wmt-orig", wmt[k]["orig"]["id"], wmt[k]["orig"]["text"], 0, "orig", k, "orig"))

    ap_src = [(r["id"], r["text"], "news") for r in news_orig_early[:60]] + \
             [(wiki[k]["orig"]["id"], wiki[k]["orig"]["text"], "wiki") for k in wiki_keys[400:520]]
    spun = apertium_spin([t for _, t, _ in ap_src])
    for (id_, text, group), s in zip(ap_src, spun):
        if s and s != text:
            docs.append(doc("apertium", id_ + "-apertium-spa", s, 1, group, id_, "apertium"))
            docs.append(doc("apertium", id_, text, 0, group, id_, "orig"))

    with open(os.path.join(SHARED, "data", "dev", "news-reuters-1987.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if len(re.findall(r"[.!?][\"')]?\s+[A-Z]", r["text"])) >= 2:
                docs.append(doc("reuters", r["id"], r["text"], 0, "reuters"))

    for path in sorted(glob.glob(os.path.join(SHARED, "seeds", "*.txt"))) + \
            sorted(glob.glob(os.path.join(ROOT, "examples", "*.txt"))):
        name = os.path.basename(path)
        with open(path) as f:
            docs.append(doc("seeds", name, f.read(), int(name.startswith("003") or "spun" in name), "seeds"))

    with open(os.path.join(OUT, "documents.jsonl"), "w") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    counts = {}
    for d in docs:
        counts[(d["set"], d["is_mt"])] = counts.get((d["set"], d["is_mt"]), 0) + 1
    print(len(docs), "documents:", sorted(counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
