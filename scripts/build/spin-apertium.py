#!/usr/bin/env python3
"""Round-trips ("spins") human English through Apertium's rule-based MT, the way content farms
spin articles through translation engines: English -> PIVOT -> English.

Reads mtcheck-eval JSONL (optionally .zst) and writes one JSONL row per input row and pivot:
{"id", "pivot", "text": original, "spun": round trip}. Rows whose round trip fails or comes
back unchanged are left out (a spun document must differ from its original).

Needs Debian's apertium, apertium-eng-spa and apertium-eng-cat (apt-get install -y ...);
deterministic (rule-based MT, no randomness).

    scripts/build/spin-apertium.py ../shared/data/train/english-original.jsonl.zst spa cat > spun.jsonl
"""
import json
import subprocess
import sys

CHUNK = 64


def apertium(mode, lines):
    """Translates `lines` (no newlines inside) with one apertium call; None if the line count
    does not survive (apertium occasionally drops the rest of a batch on odd input)."""
    out = subprocess.run(["apertium", "-u", mode], input="\n".join(lines) + "\n",
                         capture_output=True, text=True)
    got = out.stdout.rstrip("\n").split("\n")
    return got if out.returncode == 0 and len(got) == len(lines) else None


def translate(mode, lines):
    """Every line translated, "" where apertium fails on it even alone."""
    done = []
    for i in range(0, len(lines), CHUNK):
        chunk = lines[i:i + CHUNK]
        got = apertium(mode, chunk)
        if got is None:
            got = [(apertium(mode, [line]) or [""])[0] for line in chunk]
        done.extend(got)
    return done


def read(path):
    if path.endswith(".zst"):
        text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True, text=True).stdout
    else:
        text = open(path, encoding="utf-8").read()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main():
    path, pivots = sys.argv[1], sys.argv[2:] or ["spa"]
    rows = read(path)
    texts = [" ".join(r["text"].split()) for r in rows]
    for pivot in pivots:
        there = translate(f"eng-{pivot}", texts)
        back = translate(f"{pivot}-eng", there)
        for row, text, spun in zip(rows, texts, back):
            spun = " ".join(spun.split())
            if spun and spun != text:
                print(json.dumps({"id": row["id"], "pivot": pivot, "text": text, "spun": spun}, ensure_ascii=False))


if __name__ == "__main__":
    main()
