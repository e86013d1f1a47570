#!/usr/bin/env python3
"""Crawl-scale bench of `mtcheck pairs` (issue 27): Wikipedia documents (8 consecutive lines of
../shared/corpus/enwiki-wikivisual-2015 each) with spun copies mixed in: Apertium round
trips (through Spanish) of 2,000 of them, and the 156 news originals of
../shared/data/train/neural-roundtrip-news-train with their 312 DeepL/Google round trips.
Shuffled (fixed seed) into crawls of 25,000, 50,000 and 100,000 documents; each is run under
GNU time. Prints per crawl: size, seconds, MB/s, peak memory, groups, planted copies grouped
with their original, direction right, and documents in groups that were not planted (real
near-duplicates of Wikipedia, or false links).

Needs zstd, Debian's apertium and apertium-eng-spa, GNU time (/usr/bin/time).
  scripts/bench/pairs-bench.py [BIN] [SIZES...]
"""
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared")
CORPUS = os.path.join(SHARED, "corpus", "enwiki-wikivisual-2015.clean.txt.zst")
NEWS = os.path.join(SHARED, "data", "train", "neural-roundtrip-news-train.jsonl.zst")
WORK = os.path.join(ROOT, "target", "pairs-bench")
LINES_PER_DOC = 8
SPUN = 2000


def background(n):
    path = os.path.join(WORK, "background.jsonl")
    if os.path.exists(path) and sum(1 for _ in open(path)) >= n:
        return [json.loads(line) for _, line in zip(range(n), open(path))]
    proc = subprocess.Popen(["zstd", "-dc", CORPUS], stdout=subprocess.PIPE, text=True)
    docs, lines = [], []
    for line in proc.stdout:
        lines.append(line.strip())
        if len(lines) == LINES_PER_DOC:
            docs.append({"id": f"wiki-{len(docs)}", "text": " ".join(lines)})
            lines = []
            if len(docs) == n:
                break
    proc.kill()
    with open(path, "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    return docs


def spun(docs):
    path = os.path.join(WORK, "apertium-spa.jsonl")
    if not os.path.exists(path):
        source = os.path.join(WORK, "to-spin.jsonl")
        with open(source, "w") as f:
            for d in docs:
                f.write(json.dumps(d) + "\n")
        with open(path + ".part", "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "build", "spin-apertium.py"), source, "spa"],
                           stdout=f, check=True)
        os.replace(path + ".part", path)
    return [{"id": r["id"] + "-spun", "text": r["spun"], "of": r["id"]} for r in map(json.loads, open(path))]


def news():
    rows = subprocess.run(["zstd", "-dc", NEWS], capture_output=True, text=True, check=True).stdout.splitlines()
    docs = [d for d in map(json.loads, rows) if d["level"] == "doc"]
    originals = {d["pair"]: d["id"] for d in docs if d["kind"] == "orig"}
    return [{"id": d["id"], "text": d["text"], **({"of": originals[d["pair"]]} if d["kind"] != "orig" else {})}
            for d in docs]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "mtcheck")
    sizes = [int(s) for s in sys.argv[2:]] or [25000, 50000, 100000]
    os.makedirs(WORK, exist_ok=True)
    planted = spun(background(SPUN)) + news()
    truth = {d["id"]: d["of"] for d in planted if "of" in d}
    for size in sizes:
        docs = background(size - len(planted)) + planted
        random.Random(size).shuffle(docs)
        crawl = os.path.join(WORK, f"crawl-{size}.jsonl")
        with open(crawl, "w") as f:
            for d in docs:
                f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
        out = crawl + ".pairs"
        run = subprocess.run(["/usr/bin/time", "-v", binary, "pairs", crawl, "-o", out], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(run.stderr)
        seconds = float(re.search(r"wall clock.*: (?:(\d+):)?(\d+):([\d.]+)", run.stderr).group(3)) + 60 * float(
            re.search(r"wall clock.*: (?:(\d+):)?(\d+):", run.stderr).group(2))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024
        found = {r["id"]: r for r in map(json.loads, open(out))}
        grouped = sum(c in found and o in found and found[c]["group"] == found[o]["group"] for c, o in truth.items())
        right = sum(found.get(o, {}).get("role") == "original" and c in found and found[c]["role"] != "original"
                    for c, o in truth.items())
        groups = sum(r["role"] == "original" for r in found.values())
        involved = set(truth) | set(truth.values())
        stray = sum(1 for i in found if i not in involved)
        mb = os.path.getsize(crawl) / 1e6
        print(f"{size:>7} docs, {mb:.0f} MB: {seconds:.1f} s, {mb / seconds:.1f} MB/s, peak {rss:.0f} MB; "
              f"{groups} groups; planted copies {len(truth)}: with their original {grouped / len(truth):.3f}, "
              f"direction right {right / len(truth):.3f}; {stray} other documents in groups")
        print("   " + run.stderr.strip().splitlines()[0])


if __name__ == "__main__":
    main()
