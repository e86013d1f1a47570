#!/usr/bin/env python3
"""Train the deep detector's heads: models/en/deep.json (issue 13).

The encoder (models/en/encoder.safetensors, all-MiniLM-L6-v2 int8: scripts/build/build-encoder.py)
stays frozen; only its first LAYER layers run. On top of them:
- a token head: logistic regression on each word's state (the mean of its word pieces' states
  at layer LAYER) -> P(garbled word). Trained on the word tags of the MLQE-PE train files
  (35,000 sentences, 5 pairs).
  Clean anchors' words count as OK: 2,000 held-out Wikipedia paragraphs and WMT21's original
  English (MLQE tags 40% of MT words BAD: trained on MLQE alone, the head gives clean words
  P 0.42 on average).
- a sentence head: ridge regression -> score on [the mean-pooled layer-LAYER state, the full
  detector's quality logit, the mean and the maximum token P(garbled)], trained on the same
  sentences' human grades (z-scored) and the anchors' sentences at CLEAN_Z
  (`mtcheck --format jsonl` gives the full detector's quality and the sentences).
- calibration and thresholds on clean text that is not a dev set and not an anchor: WMT24's
  original English and 4,000 WMT23 human references (../shared/data/train): quality =
  sigmoid((score - center) / scale), 0.5 at their 2nd percentile and 0.7 at their median; the
  flag line so that FLAG_RATE of their sentences are flagged; the token line so that SPAN_RATE
  of those flagged sentences get a span from the token head (the full detector's spans stay;
  the token head only adds to them in flagged sentences: its own spans, ungated, cost more
  clean text than the full detector's for a lower word MCC, see reports/accuracy.md).

Measured on a probe (2,000 sentences per pair, MLQE dev): layer 4's token head reaches word MCC
0.30 (the n-gram detector 0.17), layers 2/3/5/6 0.27-0.28; its sentence head alone Pearson
0.450 (n-gram 0.451), stacked 0.471. Layer 4 of 6 is also 2/3 of the cost.

Setup (once; numpy, tokenizers, scikit-learn):
    python3 -m venv target/probe-venv && target/probe-venv/bin/pip install numpy tokenizers scikit-learn
Run from the repository root after `cargo build --release` (~15 min on 2 cores, most of it the
encoder's forward pass; features are cached in target/deep/ by the encoder file's hash):
    target/probe-venv/bin/python scripts/build/train-deep.py [MODEL_DIR]   (default models/en)
"""
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deep_encoder import ROOT, MODEL, Encoder, batches, mean_pooled  # noqa: E402

# The encoder layer the heads read: 4 (or fewer if the tuned encoder keeps fewer layers;
# DEEP_LAYER overrides, e.g. to probe a frozen 6-layer file at another depth).
LAYER = 4
PAIRS = ["et", "ne", "ro", "ru", "si"]
SHARED = os.path.join(ROOT, "..", "shared")
CACHE = os.path.join(ROOT, "target", "deep")
MTCHECK = os.path.join(ROOT, "target", "release", "mtcheck")
WIKI_ANCHORS = 2000
# The sentence target of clean anchor text, in MLQE's z-scored grades: the 90th percentile of
# MLQE train (as good as the best MT), so that human text is not graded like average MT.
CLEAN_Z = 1.0
FLAG_RATE = 0.01
SPAN_RATE = 0.25
TOKEN_C = 0.1
SENTENCE_ALPHA = 10.0
SEED = 13


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def read_jsonl(path, limit=None):
    if path.endswith(".zst"):
        text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout.decode()
        lines = text.splitlines()
    else:
        lines = open(path, encoding="utf-8").read().splitlines()
    return [json.loads(line) for line in lines[:limit]]


def run_mtcheck(path):
    """`mtcheck PATH --format jsonl` (exit 1 means something was flagged, not an error)."""
    done = subprocess.run([MTCHECK, path, "--format", "jsonl"], capture_output=True)
    if done.returncode not in (0, 1):
        sys.exit(f"mtcheck failed on {path}: {done.stderr.decode()}")
    return done.stdout.decode()


def full_sentences(path):
    """mtcheck's own sentences of every record of JSONL `path`: (record, text, full quality, prose)."""
    out = run_mtcheck(path)
    records = read_jsonl(path)
    rows = []
    for line, record in zip(out.splitlines(), records):
        report = json.loads(line)
        for s in report.get("sentences", []):
            text = record["text"][s["char_start"]:s["char_end"]]
            rows.append((record, text, s["quality"], s["kind"] == "prose"))
    return rows, records


def word_spans(text, tokens):
    spans, cursor = [], 0
    for token in tokens:
        i = text.find(token, cursor)
        if i < 0:
            spans.append(None)
            continue
        spans.append((i, i + len(token)))
        cursor = i + len(token)
    return spans


def whitespace_words(text):
    spans, start = [], None
    for i, c in enumerate(text + " "):
        if c.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    return spans


def extract(encoder, texts, words_of):
    """Per text: the pooled layer-LAYER state, and the states of its words (words_of(i, text)
    gives their character spans; None = a word not found)."""
    seqs, offsets = zip(*(encoder.pieces(t) for t in texts)) if texts else ((), ())
    pooled = np.zeros((len(texts), encoder.hidden), np.float32)
    words = [None] * len(texts)
    for batch in batches(list(seqs)):
        (hidden,), mask = encoder.forward([seqs[i] for i in batch], keep_layers=[LAYER])
        p = mean_pooled(hidden, mask)
        for j, i in enumerate(batch):
            pooled[i] = p[j]
            spans = words_of(i, texts[i])
            vecs = np.zeros((len(spans), encoder.hidden), np.float32)
            found = np.zeros(len(spans), bool)
            for w, span in enumerate(spans):
                if span is None:
                    continue
                pieces = [k + 1 for k, (s, e) in enumerate(offsets[i]) if s < span[1] and e > span[0]]
                if pieces:
                    vecs[w] = hidden[j, pieces].mean(0)
                    found[w] = True
            words[i] = (vecs, found)
    return pooled, words


def encoder_tag():
    """The encoder file's hash: features of another encoder are not reused."""
    digest = hashlib.sha256(open(os.path.join(MODEL, "encoder.safetensors"), "rb").read()).hexdigest()
    return digest[:10]


def cached(name, build):
    path = os.path.join(CACHE, f"{name}-{encoder_tag()}.npz")
    if os.path.exists(path):
        return dict(np.load(path, allow_pickle=True))
    t = time.time()
    value = build()
    np.savez(path, **value)
    log(f"  {name}: {time.time() - t:.0f} s")
    return value


def logit(q):
    q = np.clip(np.asarray(q, np.float64), 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def mlqe_features(encoder, pair):
    path = os.path.join(SHARED, "data", "dev", f"mlqe-{pair}-en-train.jsonl")
    records = read_jsonl(path)
    texts = [r["text"] for r in records]

    def build():
        pooled, words = extract(encoder, texts, lambda i, t: word_spans(t, records[i]["tokens"]))
        full = [json.loads(line)["quality"] for line in run_mtcheck(path).splitlines()]
        return {
            "pooled": pooled,
            "words": np.concatenate([w[0] for w in words]),
            "found": np.concatenate([w[1] for w in words]),
            "bad": np.concatenate([np.array(r["bad"], np.int8) for r in records]),
            "nwords": np.array([len(r["tokens"]) for r in records]),
            "quality": np.array([r["human_quality"] for r in records], np.float32),
            "full": np.array(full, np.float32),
        }
    return cached(f"mlqe-{pair}-train-L{LAYER}", build)


def clean_features(encoder, name, path):
    """Sentences of a clean set (mtcheck's splitting), with their whitespace words' states."""
    def build():
        rows, records = full_sentences(path)
        texts = [r[1] for r in rows]
        pooled, words = extract(encoder, texts, lambda i, t: whitespace_words(t))
        return {
            "pooled": pooled,
            "words": np.concatenate([w[0] for w in words]),
            "nwords": np.array([len(w[0]) for w in words]),
            "full": np.array([r[2] for r in rows], np.float32),
            "prose": np.array([r[3] for r in rows]),
            "record_of": np.array(record_index(rows)),
        }
    return cached(f"{name}-L{LAYER}", build)


def record_index(rows):
    out, last, k = [], None, -1
    for row in rows:
        if row[0] is not last:
            last, k = row[0], k + 1
        out.append(k)
    return out


def write_clean_sets():
    """Clean text as JSONL in target/deep/ (read by mtcheck and here), none of it a dev set:
    anchors the heads train on (held-out Wikipedia, WMT21's original English) and the sets the
    thresholds are calibrated on (WMT24's original English, WMT23 human references)."""
    originals = read_jsonl(os.path.join(SHARED, "data", "train", "english-original.jsonl.zst"))
    wmt23 = read_jsonl(os.path.join(SHARED, "data", "train", "wmt-mt-vs-human-dev.jsonl.zst"))
    refs = [r for r in wmt23 if r.get("kind") == "ref"]
    rng = np.random.default_rng(SEED)
    wiki = os.path.join(ROOT, "target", "lm-data", "heldout-wiki.txt")
    if not os.path.exists(wiki):
        subprocess.run([os.path.join(ROOT, "scripts", "lm-data.sh")], check=True, stdout=subprocess.DEVNULL)
    paragraphs = open(wiki, encoding="utf-8").read().splitlines()[:WIKI_ANCHORS]
    sets = {
        "anchor-wiki": [{"id": f"wiki/{i}", "text": t} for i, t in enumerate(paragraphs)],
        "anchor-wmt21": [r for r in originals if r.get("source") == "wmt21"],
        "calibrate-wmt24": [r for r in originals if r.get("source") == "wmt24"],
        "calibrate-wmt23-refs": [refs[i] for i in sorted(rng.choice(len(refs), 4000, replace=False))],
    }
    paths = {}
    for name, records in sets.items():
        path = os.path.join(CACHE, name + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
        paths[name] = path
    return paths


def token_stats(probs, nwords):
    """Mean and max P(garbled) per sentence (0 for a sentence without words)."""
    means, maxes, start = [], [], 0
    for n in nwords:
        p = probs[start:start + n]
        means.append(p.mean() if n else 0.0)
        maxes.append(p.max() if n else 0.0)
        start += n
    return np.array(means), np.array(maxes)


def sentence_inputs(pooled, full, probs, nwords):
    mean, most = token_stats(probs, nwords)
    return np.column_stack([pooled, logit(full), mean, most])


def main():
    global MODEL, LAYER
    from sklearn.linear_model import LogisticRegression, Ridge

    if len(sys.argv) > 1:  # another model folder (an experiment): its encoder, its deep.json
        MODEL = os.path.abspath(sys.argv[1])

    os.makedirs(CACHE, exist_ok=True)
    if not os.path.exists(MTCHECK):
        sys.exit(f"{MTCHECK} is missing: run `cargo build --release` first")
    encoder = Encoder(MODEL)
    LAYER = int(os.environ.get("DEEP_LAYER", min(LAYER, encoder.layers)))
    encoder.layers = LAYER  # the layers above are never run
    log(f"features (layer {LAYER}, cached in target/deep/)")
    mlqe = [mlqe_features(encoder, p) for p in PAIRS]
    clean_paths = write_clean_sets()
    clean = {name: clean_features(encoder, name, path) for name, path in clean_paths.items()}

    anchors = [clean[n] for n in clean if n.startswith("anchor-")]
    calibration = {n: c for n, c in clean.items() if n.startswith("calibrate-")}

    log("token head")
    found = np.concatenate([m["found"] for m in mlqe])
    x_words = np.concatenate([np.concatenate([m["words"] for m in mlqe])[found]] + [a["words"] for a in anchors])
    y_words = np.concatenate([np.concatenate([m["bad"] for m in mlqe])[found]] +
                             [np.zeros(len(a["words"]), np.int8) for a in anchors])
    t = time.time()
    token_head = LogisticRegression(C=TOKEN_C, max_iter=500, class_weight="balanced", random_state=SEED)
    token_head.fit(x_words, y_words)
    log(f"  {len(y_words)} words ({sum(len(a['words']) for a in anchors)} clean), {y_words.mean():.1%} bad, "
        f"{time.time() - t:.0f} s")

    def token_probs(words):
        return token_head.predict_proba(words)[:, 1]

    def inputs(c):
        return sentence_inputs(c["pooled"], c["full"], token_probs(c["words"]), c["nwords"])

    log("sentence head")
    x_sent = np.vstack([inputs(m) for m in mlqe] + [inputs(a)[a["prose"].astype(bool)] for a in anchors])
    y_sent = np.concatenate([m["quality"] for m in mlqe] +
                            [np.full(a["prose"].sum(), CLEAN_Z, np.float32) for a in anchors])
    sentence_head = Ridge(alpha=SENTENCE_ALPHA).fit(x_sent, y_sent)

    log("calibration and thresholds on clean text")
    scores = {n: sentence_head.predict(inputs(c))[c["prose"].astype(bool)] for n, c in calibration.items()}
    pooled = np.concatenate(list(scores.values()))
    # As the full scorer's: quality 0.5 at the 2nd percentile of clean sentences, 0.7 at the median.
    low, mid = np.quantile(pooled, 0.02), np.quantile(pooled, 0.5)
    scale = (mid - low) / np.log(0.7 / 0.3)
    center = low

    def quality(score):
        return 1 / (1 + np.exp(-(score - center) / scale))

    flag_lines, span_lines = [], []
    for name, c in calibration.items():
        prose = c["prose"].astype(bool)
        flag_lines.append(np.quantile(quality(scores[name]), FLAG_RATE))
        _, most = token_stats(token_probs(c["words"]), c["nwords"])
        flagged = quality(scores[name]) < flag_lines[-1]
        # Token-head spans are added in flagged sentences only: the line where SPAN_RATE of the
        # flagged sentences would get one.
        span_lines.append(np.quantile(most[prose][flagged], 1 - SPAN_RATE) if flagged.any() else 0.5)
        log(f"  {name}: {prose.sum()} prose sentences, flag line {flag_lines[-1]:.3f}, span line {span_lines[-1]:.3f}")
    thresholds = {"sentence": round(float(min(flag_lines)), 4), "token": round(float(max(span_lines)), 4)}

    model = {
        "format": "mtcheck-deep v1",
        "encoder": "encoder.safetensors",
        "tokenizer": "encoder-tokenizer.json",
        "layer": LAYER,
        "token_head": {"weights": token_head.coef_[0].astype(float).round(6).tolist(),
                       "bias": float(token_head.intercept_[0])},
        "sentence_head": {"inputs": ["pooled state"] * encoder.hidden + ["full quality logit", "token mean", "token max"],
                          "weights": sentence_head.coef_.astype(float).round(6).tolist(),
                          "bias": float(sentence_head.intercept_)},
        "calibration": {"center": float(center), "scale": float(scale)},
        "thresholds": thresholds,
        "provenance": {
            "trained_by": "scripts/build/train-deep.py",
            "token_head": f"MLQE-PE train word tags ({', '.join(PAIRS)} -> en) and the words of clean anchors "
                          f"as OK ({WIKI_ANCHORS} held-out Wikipedia paragraphs, WMT21 original English), "
                          f"logistic regression C={TOKEN_C}, classes balanced",
            "sentence_head": f"MLQE-PE train grades and the anchors' sentences at z {CLEAN_Z}, ridge alpha={SENTENCE_ALPHA}",
            "calibration": "quality 0.5 at the 2nd percentile of the calibration sentences, 0.7 at their median",
            "thresholds": f"{FLAG_RATE:.0%} of prose sentences flagged, {SPAN_RATE:.0%} of those given a span, "
                          "the stricter of: WMT24 original English, 4,000 WMT23 human references",
        },
    }
    with open(os.path.join(MODEL, "deep.json"), "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    log(f"wrote {os.path.join(MODEL, 'deep.json')}: thresholds {thresholds}")


if __name__ == "__main__":
    main()
