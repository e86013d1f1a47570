#!/usr/bin/env python3
"""Fits the weights of src/attribution/direction.rs: which of an article and its round trip is
the original, from the differences of their signals (mean LM log-probability of the words,
mean matched n-gram length, mean unigram log-probability, ln of the word count).

Data: the English originals of ../shared/data/train/neural-roundtrip-news-train and their
DeepL and Google round trips (documents). `mtcheck pairs` groups them and prints each
document's signals; a logistic regression without intercept (the two orders of a pair are
mirror images) is fitted on the pairs of the years up to 2012 (its L2 strength chosen by
leave-one-year-out accuracy within them) and scored on 2013-2014. Prints the accuracy on
both, and the WEIGHTS line to paste into direction.rs.
With STABILITY=1 a fifth signal joins them: the mean word similarity of the document's
sentences to their neural round trips (the copy, itself a translation, changes less), read
from target/roundtrip-sets/trips.jsonl (scripts/build/build-roundtrip-sets.py), the sample the
detector's round trips take.
Standard library only; needs zstd on PATH and a built mtcheck.
  [STABILITY=1] scripts/build/fit-direction.py [BIN]
"""
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SET = os.path.join(ROOT, "..", "shared", "data", "train", "neural-roundtrip-news-train.jsonl.zst")
KEYS = ["lm", "ngram", "unigram", "words"]
FIT_UP_TO = 2012
TRIPS = os.path.join(ROOT, "target", "roundtrip-sets", "trips.jsonl")


def stability():
    """{id: mean round-trip similarity} of the documents of trips.jsonl."""
    found = {}
    with open(TRIPS) as f:
        for line in f:
            r = json.loads(line)
            if r.get("trips"):
                found[r["id"]] = sum(t["similarity"] for t in r["trips"]) / len(r["trips"])
    return found


def signals(binary):
    """{id: signals} of every document of the set, as `mtcheck pairs` reads them."""
    rows = subprocess.run(["zstd", "-dc", SET], capture_output=True, text=True, check=True).stdout.splitlines()
    docs = [json.loads(r) for r in rows]
    docs = [d for d in docs if d["level"] == "doc"]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
    try:
        out = subprocess.run([binary, "pairs", f.name, "--quiet"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    found = {r["id"]: r["signals"] for r in map(json.loads, out.splitlines())}
    return docs, found


def fit(xs, ys, l2=1e-3, steps=200):
    """Logistic regression without intercept by Newton's method (4 weights)."""
    k = len(xs[0])
    w = [0.0] * k
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        hess = [[l2 * (i == j) for j in range(k)] for i in range(k)]
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x))))
            for i in range(k):
                grad[i] += (p - y) * x[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        w = [wi - di for wi, di in zip(w, solve(hess, grad))]
    return w


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "mtcheck")
    docs, found = signals(binary)
    if os.environ.get("STABILITY"):
        stable = stability()
        KEYS.append("stability")
        found = {i: {**v, "stability": stable[i]} for i, v in found.items() if i in stable}
        print(f"with round-trip stability: {len(found)} documents have it")
    originals = {d["pair"]: d for d in docs if d["kind"] == "orig"}
    train, test, years = ([], []), ([], []), []
    for d in docs:
        o = originals.get(d["pair"])
        if d["kind"] != "roundtrip" or o is None or d["id"] not in found or o["id"] not in found:
            continue
        diff = [found[o["id"]][k] - found[d["id"]][k] for k in KEYS]
        xs, ys = train if d["year"] <= FIT_UP_TO else test
        # Both orders: original first (y = 1) and copy first (y = 0).
        xs += [diff, [-v for v in diff]]
        ys += [1, 0]
        if d["year"] <= FIT_UP_TO:
            years += [d["year"]] * 2

    def right(w, xs, ys):
        return sum((sum(a * b for a, b in zip(w, x)) > 0) == (y == 1) for x, y in zip(xs, ys))

    def leave_one_year_out(l2):
        hits = 0
        for year in sorted(set(years)):
            inside = [i for i, y in enumerate(years) if y != year]
            out = [i for i, y in enumerate(years) if y == year]
            w = fit([train[0][i] for i in inside], [train[1][i] for i in inside], l2)
            hits += right(w, [train[0][i] for i in out], [train[1][i] for i in out])
        return hits / len(years)

    # Features on one scale (each difference divided by its spread), so one L2 strength fits all.
    scale = [max(1e-9, (sum(x[i] ** 2 for x in train[0]) / len(train[0])) ** 0.5) for i in range(len(KEYS))]
    train = ([[v / c for v, c in zip(x, scale)] for x in train[0]], train[1])
    test = ([[v / c for v, c in zip(x, scale)] for x in test[0]], test[1])
    scores = {l2: leave_one_year_out(l2) for l2 in (1e-2, 1e-1, 1.0, 10.0, 100.0)}
    l2 = max(scores, key=lambda k: (scores[k], k))
    print("leave-one-year-out accuracy by L2: " + ", ".join(f"{k:g} {v:.3f}" for k, v in scores.items()))
    w = fit(*train, l2)
    for name, (xs, ys) in (("fit (<= %d)" % FIT_UP_TO, train), ("held out (2013-14)", test)):
        print(f"{name}: {len(xs) // 2} pairs, direction right in {right(w, xs, ys) / len(xs):.3f}")
    for i, k in enumerate(KEYS):
        sign = 1 if sum(x[i] * (1 if y else -1) for x, y in zip(*train)) > 0 else -1
        print(f"  {k} alone (sign from the fit years): held out right in "
              f"{sum((sign * x[i] > 0) == (y == 1) for x, y in zip(*test)) / len(test[0]):.3f}")
    print(f"pub const WEIGHTS: [f32; {len(KEYS)}] = [" + ", ".join(f"{v / c:.2f}" for v, c in zip(w, scale)) + "];")


if __name__ == "__main__":
    main()
