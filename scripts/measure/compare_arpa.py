#!/usr/bin/env python3
"""Compares two ARPA files n-gram by n-gram: the same n-grams, and log10 probabilities and
backoffs within a tolerance. usage: compare_arpa.py REFERENCE.arpa OURS.arpa [TOLERANCE]"""
import sys


def read(path):
    grams, order = {}, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("\\") and line.endswith("-grams:"):
                order = int(line[1:-7])
                continue
            if not order or not line or line == "\\end\\":
                continue
            fields = line.split("\t")
            words = tuple(fields[1].split(" "))
            grams[words] = (float(fields[0]), float(fields[2]) if len(fields) > 2 else 0.0)
    return grams


def main():
    ref, ours = read(sys.argv[1]), read(sys.argv[2])
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
    missing = [g for g in ref if g not in ours]
    extra = [g for g in ours if g not in ref]
    worst_p = max((abs(ref[g][0] - ours[g][0]), g) for g in ref if g in ours)
    worst_b = max((abs(ref[g][1] - ours[g][1]), g) for g in ref if g in ours)
    print(f"n-grams: reference {len(ref)}, ours {len(ours)}, missing {len(missing)}, extra {len(extra)}")
    print(f"max |Δ log10 p| = {worst_p[0]:.2e} at {' '.join(worst_p[1])!r}")
    print(f"max |Δ log10 backoff| = {worst_b[0]:.2e} at {' '.join(worst_b[1])!r}")
    ok = not missing and not extra and worst_p[0] <= tol and worst_b[0] <= tol
    print("PARITY OK" if ok else f"PARITY FAILED (tolerance {tol})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
