#!/usr/bin/env python3
"""`check --source` on the neural round trips of ../shared/data/train (issue 27): every round-trip
article read against its own original, and against another original of the same year (which
must come out unrelated). The truth for changed words is the word diff of the pair (difflib
over lower-cased words without punctuation); a word of the round trip counts as marked when a
change span of the answer overlaps it.

Prints: pairs, share called spun copy / copy / unrelated, changed-word precision and recall,
and for the mismatched pairs the share called unrelated; the same for the Apertium round
trips when scripts/measure/pairs.py has made them (target/pairs-data/apertium.jsonl). Needs zstd on PATH; standard library.
  scripts/measure/attribution.py [BIN]
"""
import difflib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SET = os.path.join(ROOT, "..", "shared", "data", "train", "neural-roundtrip-news-train.jsonl.zst")
WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def words(text):
    return [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]


def check(binary, text, source):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(source)
    try:
        out = subprocess.run([binary, "check", "-", "--format", "jsonl", "--input-format", "text", "--source", f.name],
                             input=text, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout)["source"]


def changed_words(binary, name, pairs):
    """`check --source` on (text, source) pairs: the relations called, and changed-word precision
    and recall against the pair's word diff."""
    relations, tp, fp, fn, copy_side = {}, 0, 0, 0, 0
    for text, source in pairs:
        answer = check(binary, text, source)
        relations[answer["relation"]] = relations.get(answer["relation"], 0) + 1
        copy_side += answer.get("p_copy", 0) > 0.5
        ours, theirs = words(text), words(source)
        # Char offsets of the answer are Python string indices.
        marked = [any(c["char_start"] < end and c["char_end"] > start for c in answer["changes"]) for _, start, end in ours]
        truth = [True] * len(ours)
        matcher = difflib.SequenceMatcher(None, [w for w, _, _ in ours], [w for w, _, _ in theirs], autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.a, block.a + block.size):
                truth[k] = False
        tp += sum(m and t for m, t in zip(marked, truth))
        fp += sum(m and not t for m, t in zip(marked, truth))
        fn += sum(t and not m for m, t in zip(marked, truth))
    n = len(pairs)
    print(f"{n} {name} against their originals: " + ", ".join(f"{k} {v / n:.3f}" for k, v in sorted(relations.items())))
    print(f"  changed words: precision {tp / max(1, tp + fp):.3f}, recall {tp / max(1, tp + fn):.3f} "
          f"({tp + fn} changed of their words by the pair's word diff); "
          f"the text judged the copy (p_copy > 0.5) in {copy_side / n:.3f}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "mtcheck")
    rows = [json.loads(line) for line in subprocess.run(["zstd", "-dc", SET], capture_output=True, text=True,
                                                           check=True).stdout.splitlines()]
    docs = [r for r in rows if r["level"] == "doc"]
    originals = {r["pair"]: r for r in docs if r["kind"] == "orig"}
    trips = [r for r in docs if r["kind"] == "roundtrip" and r["pair"] in originals]
    changed_words(binary, "neural round-trip articles", [(r["text"], originals[r["pair"]]["text"]) for r in trips])
    apertium = os.path.join(ROOT, "target", "pairs-data", "apertium.jsonl")
    if os.path.exists(apertium):
        by_id = {o["id"]: o["text"] for o in originals.values()}
        rows = [json.loads(line) for line in open(apertium)]
        changed_words(binary, "Apertium round trips (made by scripts/measure/pairs.py)",
                      [(r["spun"], by_id[r["id"]]) for r in rows if r["id"] in by_id])
    n = len(trips)
    rng = random.Random(7)
    unrelated = 0
    sample = rng.sample(trips, min(100, n))
    for r in sample:
        others = [o for p, o in originals.items() if p != r["pair"] and o["year"] == r["year"]]
        answer = check(binary, r["text"], rng.choice(others)["text"])
        unrelated += answer["relation"] == "unrelated"
    print(f"{len(sample)} round trips against another original of their year: unrelated {unrelated / len(sample):.3f}")


if __name__ == "__main__":
    main()
