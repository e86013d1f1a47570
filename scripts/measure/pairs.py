#!/usr/bin/env python3
"""`mtcheck pairs` on the news round trips of ../shared/data/train (issue 27): the 156 English
originals mixed with one kind of copy at a time (DeepL round trips, Google round trips, and,
when Debian's apertium is installed, Apertium round trips through Spanish and Catalan made by
scripts/build/spin-apertium.py), then with all four kinds at once.

Prints per kind: copies found in a group, copies grouped with their own original among all
originals (recall@1), direction right (the original called original, its copy a copy), and for the Apertium trips the changed-word precision and recall of `check --source`
(scripts/measure/attribution.py does the neural ones). Years 2013-14 separately: the
direction weights were fitted on the years up to 2012 (scripts/build/fit-direction.py).
  scripts/measure/pairs.py [BIN]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SET = os.path.join(ROOT, "..", "shared", "data", "train", "neural-roundtrip-news-train.jsonl.zst")
CACHE = os.path.join(ROOT, "target", "pairs-data")


def docs():
    rows = subprocess.run(["zstd", "-dc", SET], capture_output=True, text=True, check=True).stdout.splitlines()
    return [d for d in map(json.loads, rows) if d["level"] == "doc"]


def apertium_trips(originals):
    """{original id: {pivot: text}} of Apertium round trips (cached), or {} without apertium."""
    if shutil.which("apertium") is None:
        return {}
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, "apertium.jsonl")
    if not os.path.exists(path):
        source = os.path.join(CACHE, "originals.jsonl")
        with open(source, "w") as f:
            for d in originals:
                f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
        with open(path + ".part", "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build", "spin-apertium.py"), source, "spa",
                            "cat"], stdout=f, check=True)
        os.replace(path + ".part", path)
    trips = {}
    for r in map(json.loads, open(path)):
        trips.setdefault(r["id"], {})["ap-" + r["pivot"]] = r["spun"]
    return trips


def run_pairs(binary, records):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    try:
        out = subprocess.run([binary, "pairs", f.name, "--quiet"], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    return {r["id"]: r for r in map(json.loads, out.splitlines())}


def measure(binary, name, originals, copies):
    """copies: [(copy id, text, original id, year)]."""
    records = [{"id": o["id"], "text": o["text"]} for o in originals] + [{"id": c, "text": t} for c, t, _, _ in copies]
    found = run_pairs(binary, records)
    for label, years in (("all years", None), ("2013-14", {2013, 2014})):
        chosen = [c for c in copies if years is None or c[3] in years]
        n = len(chosen)
        grouped = sum(c in found for c, _, _, _ in chosen)
        # Matched: in the group of its own original (and of no other: groups are disjoint).
        own = sum(c in found and o in found and found[c]["group"] == found[o]["group"] for c, _, o, _ in chosen)
        right = sum(found.get(o, {}).get("role") == "original" and found.get(c, {}).get("role") in ("spun_copy", "copy")
                    for c, _, o, _ in chosen)
        print(f"{name:<22} {label:<9}: {n:>3} copies, in a group {grouped / n:.3f}, "
              f"with their own original {own / n:.3f}, direction right {right / n:.3f}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "mtcheck")
    all_docs = docs()
    originals = [d for d in all_docs if d["kind"] == "orig"]
    by_id = {d["pair"]: d for d in originals}
    kinds = {}
    for d in all_docs:
        if d["kind"] == "roundtrip" and d["pair"] in by_id:
            o = by_id[d["pair"]]
            kinds.setdefault(d["system"], []).append((d["id"], d["text"], o["id"], d["year"]))
    for o_id, trips in apertium_trips(originals).items():
        o = next(x for x in originals if x["id"] == o_id)
        for pivot, text in trips.items():
            kinds.setdefault(pivot, []).append((f"{o_id}-{pivot}", text, o_id, o["year"]))
    for kind, copies in sorted(kinds.items()):
        measure(binary, kind, originals, copies)
    measure(binary, "all kinds in one run", originals, [c for copies in kinds.values() for c in copies])


if __name__ == "__main__":
    main()
