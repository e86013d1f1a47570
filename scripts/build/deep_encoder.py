"""The encoder of models/en/encoder.safetensors in numpy: the reference the Rust forward pass
(src/detect/deep/encoder.rs) is tested against, and the feature extractor scripts/build/train-deep.py
trains the deep heads on. Same int8 weights, same tokenizer, same word-piece-to-word mapping.

Needs numpy and tokenizers (pip). Imported by the scripts beside it.
"""
import json
import os
import struct

import numpy as np
from tokenizers import Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "models", "en")


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = {"F32": "<f4", "U8": "u1"}[info["dtype"]]
        tensors[name] = np.frombuffer(data[8 + n + start:8 + n + end], dtype=dtype).reshape(info["shape"])
    return tensors, metadata


def erf(x):
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf and scipy is not needed
    # for anything else.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class Encoder:
    def __init__(self, model_dir=MODEL):
        raw, meta = read_safetensors(os.path.join(model_dir, "encoder.safetensors"))
        self.w = {}
        for name, array in raw.items():
            if name.endswith(".q8"):
                base = name[:-3]
                scale = raw[base + ".scale"]
                self.w[base] = ((array.astype(np.float32) - 128.0) * scale[:, None]).astype(np.float32)
            elif not name.endswith(".scale"):
                self.w[name] = array.astype(np.float32)
        self.layers = int(meta["layers"])
        self.hidden = int(meta["hidden"])
        self.heads = int(meta["heads"])
        self.eps = float(meta["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "encoder-tokenizer.json"))
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")
        self.max_length = self.w["embeddings.position_embeddings.weight"].shape[0]

    def pieces(self, text):
        """([CLS] ids [SEP], char spans of the pieces between) like wordpieces.rs (which gives
        byte spans: the same for the caller's purposes as long as it maps with the same unit)."""
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        keep = min(len(enc.ids), self.max_length - 2)
        return [self.cls] + enc.ids[:keep] + [self.sep], enc.offsets[:keep]

    def forward(self, batch, keep_layers=None):
        """Hidden states of the layers in keep_layers (default: all, 0 = embeddings) for a batch
        of id lists, padded; and the mask."""
        w = self.w
        size, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((size, length), dtype=np.int64)
        mask = np.zeros((size, length), dtype=np.float32)
        for i, seq in enumerate(batch):
            ids[i, :len(seq)] = seq
            mask[i, :len(seq)] = 1
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        out = [x]
        h, dh = self.heads, self.hidden // self.heads
        bias = ((mask - 1.0) * 10000.0)[:, None, None, :]
        for l in range(self.layers):
            p = f"encoder.layer.{l}."
            lin = lambda t, name: t @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            split = lambda t: t.reshape(size, length, h, dh).transpose(0, 2, 1, 3)
            q, k, v = (split(lin(x, "attention.self." + n)) for n in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(size, length, self.hidden)
            x = layer_norm(x + lin(ctx, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"], self.eps)
            inner = lin(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))
            x = layer_norm(x + lin(inner, "output.dense"), w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], self.eps)
            out.append(x)
        if keep_layers is not None:
            out = [out[i] for i in keep_layers]
        return out, mask


def mean_pooled(hidden, mask):
    s = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return s / (np.linalg.norm(s, axis=1, keepdims=True) + 1e-12)


def batches(sequences, budget=2048, most=64):
    """Indices of `sequences` in batches of similar length (sorted), at most `budget` padded
    pieces and `most` sequences each: the batching of src/detect/deep."""
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    batch = []
    for i in order:
        if batch and ((len(batch) + 1) * len(sequences[i]) > budget or len(batch) == most):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch
