#!/usr/bin/env python3
"""Measures the n-gram MT-vs-human LM ratio of issue 33 (its point 3: "an n-gram MT-vs-human
LM ratio trained on the round-trip data"): two 4-gram Kneser-Ney models trained with
`mtcheck train lm`, one on the Portuguese round trips of `neural-pt-roundtrip` (this engine's
output), one on their originals (same sentences, same preparation), Wikipedia and WMT English
originals only (its newstest documents are left out: the news round trips are the held-out
test). A sentence's ratio is (log10 P_mt - log10 P_human) per token; a document's, the mean
over the sentences `check` sends on a round trip (target/roundtrip-sets/trips.jsonl).

Prints the document AUC of the ratio alone on the held-out sets of fit-roundtrip.py, and
writes target/lmratio/ratio.jsonl (record, sentence, ratio) for fit-roundtrip.py
(EXTRA=lmratio adds it to the sentence model's signals).

    python3 scripts/measure/mt-lm-ratio.py [--text-only]

(--text-only: write target/lmratio/{human,mt}.txt and stop; scripts/build/build-lm-ratio.sh
builds the shipped, smaller models from them.)
"""
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import zstandard

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "lmratio")
MTCHECK = os.path.join(ROOT, "target", "release", "mtcheck")
DATA = os.path.join(ROOT, "..", "shared", "data", "train", "neural-pt-roundtrip.jsonl.zst")
sys.path.insert(0, os.path.join(ROOT, "scripts", "build"))
fit = __import__("fit-roundtrip")


def normalise_trip(text):
    """The pt->en model often writes `analysts"` for `analysts'`: an odd quote after an s."""
    if text.count('"') % 2 == 1:
        text = re.sub(r'(?<=s)"(?=[\s,.;:]|$)', "'", text, count=1)
    return text


def shingles(text, n=8):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def evaluation_shingles():
    """Every 8-word shingle of the measured documents: a training sentence sharing one is left
    out, so that no measured text is in either LM (Wikipedia and WMT originals are in both the
    round-trip data and the measured sets)."""
    seen = set()
    for line in open(os.path.join(ROOT, "target", "roundtrip-sets", "documents.jsonl")):
        seen |= shingles(json.loads(line)["text"])
    return seen


def extra_round_trips():
    """More registers than Wikipedia: the human rows of english-original (WMT news, social,
    literary, speech) and paracrawl-v3-en (web), round-tripped here by `mtcheck spin`."""
    trips = os.path.join(OUT, "extra-trips.jsonl")
    if not os.path.exists(trips):
        origs = os.path.join(OUT, "extra-orig.jsonl")
        with open(origs, "w") as out:
            for name in ("english-original", "paracrawl-v3-en"):
                path = os.path.join(ROOT, "..", "shared", "data", "train", name + ".jsonl.zst")
                with open(path, "rb") as raw:
                    for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8"):
                        d = json.loads(line)
                        if d.get("is_mt") == 0 and len(d["text"].split()) >= 4:
                            out.write(json.dumps({"id": d["id"], "source": name, "text": d["text"].strip()}) + "\n")
        subprocess.run([MTCHECK, "spin", origs, "--to-field", "trip", "-o", trips], check=True)
    for line in open(trips):
        d = json.loads(line)
        yield d["text"], d["trip"]


def write_training_text():
    os.makedirs(OUT, exist_ok=True)
    human, mt = os.path.join(OUT, "human.txt"), os.path.join(OUT, "mt.txt")
    if os.path.exists(human) and os.path.exists(mt):
        return human, mt
    measured = evaluation_shingles()
    pairs = {}
    with open(DATA, "rb") as raw:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8"):
            d = json.loads(line)
            if d["level"] != "sentence" or d["source"].startswith("newstest"):
                continue
            key = d["id"].rsplit("-", 1)[0]
            pairs.setdefault(key, {})[d["kind"]] = d["text"].replace("\n", " ").strip()
    both = [(p["orig"], p["rt"]) for p in pairs.values() if "orig" in p and "rt" in p]
    if os.environ.get("EXTRA_TRIPS", "1") == "1":
        both += list(extra_round_trips())
    left_out = 0
    with open(human, "w") as h, open(mt, "w") as m:
        for orig, trip in both:
            if shingles(orig) & measured:
                left_out += 1
                continue
            h.write(orig.replace("\n", " ") + "\n")
            m.write(normalise_trip(trip.replace("\n", " ")) + "\n")
    print(f"training pairs: {len(both) - left_out} ({left_out} left out: they share words with measured documents)")
    return human, mt


def train(text, name):
    model = os.path.join(OUT, name + ".bin")
    if not os.path.exists(model):
        subprocess.run([MTCHECK, "train", "lm", text, "-o", model, "--order", "4",
                        "--discount-fallback", "0.5", "1", "1.5"], check=True,
                       stdout=subprocess.DEVNULL)
    return model


def totals(model, sentences_file):
    out = subprocess.run([MTCHECK, "lm", "query", "-m", model, "-v", "sentence", sentences_file],
                         check=True, capture_output=True, text=True).stdout
    return [float(l.split()[1]) for l in out.splitlines() if l.startswith("Total:")]


def main():
    human_text, mt_text = write_training_text()
    if "--text-only" in sys.argv:
        return
    human, mt = train(human_text, "human"), train(mt_text, "mt")
    docs = fit.load()
    keys, lines, words = [], [], []
    for i, d in enumerate(docs):
        for t in d["trips"]:
            keys.append((i, t["sentence"]))
            lines.append(t["text"].replace("\n", " "))
            words.append(max(t["original"]["words"], 1))
    sentences = os.path.join(OUT, "sentences.txt")
    with open(sentences, "w") as f:
        f.write("\n".join(lines) + "\n")
    th, tm = totals(human, sentences), totals(mt, sentences)
    assert len(th) == len(tm) == len(lines), (len(th), len(tm), len(lines))
    ratio = [(m - h) / (n + 1) for h, m, n in zip(th, tm, words)]
    with open(os.path.join(OUT, "ratio.jsonl"), "w") as f:
        for (record, sentence), r in zip(keys, ratio):
            f.write(json.dumps({"id": docs[record]["id"], "sentence": sentence, "ratio": r}) + "\n")
    per_doc = {}
    for (record, _), r in zip(keys, ratio):
        per_doc.setdefault(record, []).append(r)
    for i, d in enumerate(docs):
        d["lmratio"] = float(np.mean(per_doc[i])) if i in per_doc else 0.0

    def report(name, pos, neg):
        print(f"| {name} | {len(pos)} / {len(neg)} | {fit.auc([d['lmratio'] for d in pos], [d['lmratio'] for d in neg]):.3f} |")

    print("| set | MT / human docs | AUC of the LM ratio |")
    print("|---|---|---|")
    held = [d for d in docs if d["set"] == "news-rt" and int(d["group"]) >= 2013]
    origs = [d for d in held if not d["is_mt"]]
    for system in ("deepl", "google"):
        report(f"news round trips 2013-14, {system}", [d for d in held if d["kind"] == system], origs)
    early = [d for d in docs if d["set"] == "news-rt" and int(d["group"]) <= 2012]
    report("news round trips <= 2012", [d for d in early if d["is_mt"]], [d for d in early if not d["is_mt"]])
    de = [d for d in docs if d["set"] == "news-de"]
    report("German news: MT vs human translation", [d for d in de if d["is_mt"]], [d for d in de if not d["is_mt"]])
    ap = [d for d in docs if d["set"] == "apertium"]
    report("Apertium spa trips", [d for d in ap if d["is_mt"]], [d for d in ap if not d["is_mt"]])
    wiki = [d for d in docs if d["set"] == "wiki"]
    report("this engine's pt trips of Wikipedia", [d for d in wiki if d["is_mt"]], [d for d in wiki if not d["is_mt"]])
    eu_orig = [d for d in docs if d["set"] == "europarl" and d["group"] == "orig"]
    for system in sorted({d["group"] for d in docs if d["set"] == "europarl" and d["is_mt"]}):
        report(f"Europarl {system}", [d for d in docs if d["set"] == "europarl" and d["group"] == system], eu_orig)
    for name in ("reuters", "wmt-orig", "seeds"):
        print(name, "mean ratio", round(float(np.mean([d["lmratio"] for d in docs if d["set"] == name and not d["is_mt"]])), 3))
    print("seeds:", {d["id"]: round(d["lmratio"], 3) for d in docs if d["set"] == "seeds"})
    wiki_orig = [d["lmratio"] for d in docs if d["set"] == "wiki" and not d["is_mt"]]
    print("wiki originals mean ratio", round(float(np.mean(wiki_orig)), 3))


if __name__ == "__main__":
    main()
