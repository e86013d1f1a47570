#!/usr/bin/env python3
"""Writes the LM parity fixture: a small synthetic corpus (our own text, generated from a
seeded Markov chain over invented words, so it has the repeated n-grams Kneser-Ney discounts
need) and the ARPA model KenLM's lmplz builds from it. tests/lm_parity.rs checks that
`mtcheck train lm --pretokenized` reproduces every probability and backoff within 1e-4.

usage: scripts/make-lm-fixture.py KENLM_BIN_DIR   (get it with ../shared/tools/get-kenlm.sh)
"""
import os
import random
import subprocess
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "lm")
ORDER = 5
SENTENCES = 1500


def invented_words(rng, n):
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def main():
    kenlm = sys.argv[1]
    rng = random.Random(20261121)
    vocab = invented_words(rng, 3000)
    rng.shuffle(vocab)
    zipf = [1.0 / (r + 1) for r in range(len(vocab))]
    # Words follow Zipf's law; each has a few likely successors, so n-grams repeat at every order
    # while rare words keep the counts of counts natural.
    successors = {w: rng.choices(vocab, zipf, k=6) for w in vocab}
    weights = [1.0 / (r + 1) for r in range(6)]
    starts = vocab[:30]
    lines = []
    for _ in range(SENTENCES):
        word = rng.choice(starts)
        sentence = [word]
        while len(sentence) < 25 and not (len(sentence) > 3 and rng.random() < 0.15):
            word = rng.choices(successors[word], weights)[0] if rng.random() < 0.7 else rng.choices(vocab, zipf)[0]
            sentence.append(word)
        lines.append(" ".join(sentence))
    os.makedirs(OUT, exist_ok=True)
    corpus = os.path.join(OUT, "corpus.txt")
    with open(corpus, "w") as f:
        f.write("\n".join(lines) + "\n")
    arpa = os.path.join(OUT, f"lmplz-o{ORDER}.arpa")
    with open(corpus) as src, open(arpa, "w") as dst:
        subprocess.run([os.path.join(kenlm, "lmplz"), "-o", str(ORDER), "-S", "10%"],
                       stdin=src, stdout=dst, stderr=subprocess.DEVNULL, check=True)
    print(f"wrote {corpus} and {arpa}")


if __name__ == "__main__":
    main()
