#!/usr/bin/env python3
"""Writes the LM parity fixture: a small synthetic corpus (our own text, generated from a
seeded Markov chain over invented words, so it has the repeated n-grams Kneser-Ney discounts
need) and the ARPA model KenLM's lmplz builds from it. tests/lm_parity.rs checks that
`mtcheck train lm --pretokenized` reproduces every probability and backoff within 1e-4.

usage: scripts/build/make-lm-fixture.py KENLM_BIN_DIR   (get it with ../shared/tools/get-kenlm.sh)
"""
import os
import random
import subprocess
import sys

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "lm")
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
    # Probe sentences for query parity: seen text, the same words shuffled (backoff paths)
    # and invented unknown words (OOV paths); KenLM's query scores them from its probing binary.
    probe_lines = lines[:60]
    for line in lines[60:120]:
        words = line.split()
        rng.shuffle(words)
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), "xq" + str(rng.randrange(1000)))
        probe_lines.append(" ".join(words))
    probe = os.path.join(OUT, "probe.txt")
    with open(probe, "w") as f:
        f.write("\n".join(probe_lines) + "\n")
    binary = os.path.join(OUT, "kenlm.probing.tmp")
    subprocess.run([os.path.join(kenlm, "build_binary"), arpa, binary], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(probe) as src, open(os.path.join(OUT, "kenlm-query.txt"), "w") as dst:
        subprocess.run([os.path.join(kenlm, "query"), binary], stdin=src, stdout=dst, stderr=subprocess.DEVNULL, check=True)
    os.remove(binary)
    print(f"wrote {corpus}, {arpa}, {probe} and kenlm-query.txt")


if __name__ == "__main__":
    main()
