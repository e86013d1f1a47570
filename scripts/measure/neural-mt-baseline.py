#!/usr/bin/env python3
"""Issue 24's bar: the TF-IDF baseline (word 1-2-grams + char 2-4-grams, logistic regression)
on the neural-MT sets, measured the way the issue asks, and how it calibrates on clean text.

Sentence models are fitted on round-trip sentences of the early years; documents are scored by
the mean of their sentences' logits (length-invariant), and the "called MT" line is the 97th
percentile of held-out human round-trip originals (2012 documents, never fitted on). Reported:

- round-trip documents of unseen years (2013-2014): AUC, share of originals and of round trips
  over the line;
- German-original news documents of 2016-2019 (human translation against DeepL/Google): AUC;
- Europarl pseudo-documents (10 sentences) of systems left out of the fit: AUC;
- clean human text over the line: Reuters dev records grouped 8 at a time, WMT original English
  grouped 10 at a time;
- the four seeds' distance to the line (positive: called MT; 003 is the spun one).

Needs numpy, scipy, scikit-learn, zstandard (pip). About 5 minutes on 2 cores.
  python3 scripts/measure/neural-mt-baseline.py [rt|mix]
"""
import io
import json
import os
import random
import re
import sys

import numpy as np
import zstandard
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
TRAIN = os.path.join(SHARED, "data", "train")
HELD_OUT_SYSTEMS = ("deepl", "nllb", "tower")
SPLIT = re.compile(r'(?<=[.!?])["”’]?\s+(?=["“‘(]?[A-Z0-9])')


def rows(name):
    with open(os.path.join(TRAIN, name), "rb") as f:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8"):
            yield json.loads(line)


def sentences(text):
    return [s for s in SPLIT.split(text) if len(s.split()) >= 3] or [text]


def fit(texts, labels):
    """A sentence model; returns a scorer of documents (mean sentence logit)."""
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=False,
                            token_pattern=r"(?u)\b\w+\b|[^\w\s]", max_features=300000)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3, sublinear_tf=True,
                            max_features=300000)
    x = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=4, max_iter=3000, class_weight="balanced").fit(x, labels)

    def score(documents):
        out = []
        for d in documents:
            s = sentences(d)
            out.append(model.decision_function(hstack([words.transform(s), chars.transform(s)]).tocsr()).mean())
        return np.array(out)

    return score


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "rt"
    rng = random.Random(3)
    rt = list(rows("neural-roundtrip-news-train.jsonl.zst"))
    de = list(rows("neural-mt-news-de.jsonl.zst"))
    ep = list(rows("neural-mt-europarl.jsonl.zst"))
    eo = list(rows("english-original.jsonl.zst"))
    train = [r for r in rt if r["level"] == "sentence" and r["year"] <= 2011]
    if which == "mix":
        train += [r for r in de if r["level"] == "sentence" and r["year"] <= 2015
                  and r.get("system") in ("deepl", "google", None)]
        train += rng.sample([r for r in ep if r.get("system") not in HELD_OUT_SYSTEMS and r["kind"] != "orig"], 8000)
        # Europarl originals: half to the fit, the other half only to the left-out test.
        originals = [r for r in ep if r["kind"] == "orig"]
        rng.shuffle(originals)
        train += originals[: len(originals) // 2]
        ep_human = originals[len(originals) // 2:]
    else:
        ep_human = [r for r in ep if r["kind"] == "orig"]
    score = fit([r["text"] for r in train], [r["is_mt"] for r in train])
    calibration = [r["text"] for r in rt if r["level"] == "doc" and r["year"] == 2012 and r["is_mt"] == 0]
    line = np.quantile(score(calibration), 0.97)
    out = [f"fit: {which} ({len(train)} sentences)", f"line {line:.2f}"]

    test = [r for r in rt if r["level"] == "doc" and r["year"] >= 2013]
    y = np.array([r["is_mt"] for r in test])
    p = score([r["text"] for r in test])
    out.append(f"round trips 2013-14: AUC {roc_auc_score(y, p):.3f}, originals called {np.mean(p[y == 0] >= line):.2f}, "
               f"round trips called {np.mean(p[y == 1] >= line):.2f}")
    test = [r for r in de if r["level"] == "doc" and r["year"] >= 2016]
    out.append(f"German-original news 2016-19 AUC {roc_auc_score([r['is_mt'] for r in test], score([r['text'] for r in test])):.3f}")

    def pseudo(texts, n=150):
        texts = list(texts)
        random.Random(1).shuffle(texts)
        return [" ".join(texts[i * 10:(i + 1) * 10]) for i in range(n)]

    human = score(pseudo(r["text"] for r in ep_human))
    for system in HELD_OUT_SYSTEMS:
        machine = score(pseudo(r["text"] for r in ep if r.get("system") == system))
        auc = roc_auc_score([0] * len(human) + [1] * len(machine), np.r_[human, machine])
        out.append(f"Europarl {system} (left out) AUC {auc:.3f}")
    with open(os.path.join(SHARED, "data", "dev", "news-reuters-1987.jsonl"), encoding="utf-8") as f:
        reuters = [json.loads(line)["text"] for line in f]
    reuters = [" ".join(reuters[i:i + 8]) for i in range(0, len(reuters), 8)]
    original = [" ".join(r["text"] for r in eo[i:i + 10]) for i in range(0, len(eo), 10)]
    out.append(f"called MT: Reuters {np.mean(score(reuters) >= line):.3f}, WMT original English {np.mean(score(original) >= line):.3f}")
    seeds_dir = os.path.join(SHARED, "seeds")
    names = sorted(os.listdir(seeds_dir))
    texts = [open(os.path.join(seeds_dir, n), encoding="utf-8").read() for n in names]
    out.append("seeds over the line: " + ", ".join(f"{n[:3]} {s - line:+.2f}" for n, s in zip(names, score(texts))))
    print("\n".join(out))


if __name__ == "__main__":
    main()
