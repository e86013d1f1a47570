#!/usr/bin/env python3
"""Writes the MT-vs-human sentences the encoder's MT head is fine-tuned on (issues 13 and 15):
target/deep/mt-vs-human.jsonl, rows {"id", "text", "is_mt"}.

- WMT21 (../shared/data/train/wmt-mt-vs-human-train): for every segment with a human
  reference, that reference and one system's output of the same segment, so both classes
  hold the same content and the head cannot learn the topic instead of the translation;
  plus WMT21's original English (human, no pair).
- ParaCrawl v3's English side (a noisy web-domain label: the pair was judged MT): every MT
  row and as many human rows.

Nothing from WMT23 (the tuning set the document verdict is measured on), WMT24 (the deep
heads' calibration text) or ../shared/data/dev. Fixed seed; standard library only.
usage: scripts/experiments/mt-vs-human-set.py [OUT]
"""
import io
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data" / "train"
SEED = 13


def rows(name):
    out = subprocess.run(["zstd", "-dc", str(SHARED / name)], check=True, capture_output=True).stdout
    return [json.loads(line) for line in io.TextIOWrapper(io.BytesIO(out), encoding="utf-8")]


def main():
    out_path = Path(sys.argv[1] if len(sys.argv) > 1 else "target/deep/mt-vs-human.jsonl")
    rng = random.Random(SEED)
    refs, outputs, out = defaultdict(list), defaultdict(list), []
    for row in rows("wmt-mt-vs-human-train.jsonl.zst"):
        if row["kind"] == "orig":
            out.append((row["id"], row["text"], 0))
            continue
        segment = (row["lp"], row["id"].rsplit("/", 1)[1])
        (refs if row["kind"] == "ref" else outputs)[segment].append(row)
    for segment in sorted(refs):
        if outputs.get(segment):
            for row in (rng.choice(refs[segment]), rng.choice(outputs[segment])):
                out.append((row["id"], row["text"], row["is_mt"]))
    crawl = rows("paracrawl-v3-en.jsonl.zst")
    machine = [r for r in crawl if r["is_mt"] == 1]
    human = [r for r in crawl if r["is_mt"] == 0]
    for row in machine + rng.sample(human, len(machine)):
        out.append((row["id"], row["text"], row["is_mt"]))
    rng.shuffle(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        for id_, text, is_mt in out:
            f.write(json.dumps({"id": id_, "text": text, "is_mt": is_mt}, ensure_ascii=False) + "\n")
    mt = sum(r[2] for r in out)
    print(f"{out_path}: {len(out)} sentences, {mt} MT, {len(out) - mt} human", file=sys.stderr)


if __name__ == "__main__":
    main()
