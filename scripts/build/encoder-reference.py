#!/usr/bin/env python3
"""Write tests/fixtures/encoder-reference.json: the numpy reference (scripts/build/deep_encoder.py) of
the shipped encoder's outputs on three sentences written for the test, which
tests/deep_encoder.rs checks the Rust forward pass (src/detect/deep/encoder.rs) against to 1e-3.

There is no PyTorch here: deep_encoder.py is a plain transcription of BERT's forward pass
(post-LayerNorm, erf GELU). Checked in session 8: run on the package's f32 weights it gives
"A man is eating food." / "A man is eating a piece of bread." cosine 0.755 and -0.105 against
"The girl is carrying a baby." (sentence-transformers' own example pairs); the int8 weights'
pooled embeddings agree with the f32 ones to cosine 0.9994-0.9996 on six sentences.

Run after scripts/build/build-encoder.py whenever the encoder file changes:
    target/probe-venv/bin/python scripts/build/encoder-reference.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deep_encoder import ROOT, Encoder, mean_pooled  # noqa: E402

SENTENCES = [
    "The council approved the budget on Tuesday after a long debate.",
    "Anti-retroviral treatment will grow as it grows, the minister said.",
    "Rain.",
]


def main():
    encoder = Encoder()
    out = {"sentences": []}
    for text in SENTENCES:
        ids, spans = encoder.pieces(text)
        layers, mask = encoder.forward([ids])
        out["sentences"].append({
            "text": text,
            "ids": ids,
            "spans": spans,
            "layer2": np.round(layers[2][0], 6).tolist(),
            "pooled_last": np.round(mean_pooled(layers[-1], mask)[0], 6).tolist(),
        })
    path = os.path.join(ROOT, "tests", "fixtures", "encoder-reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path) // 1000} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
