"""mtcheck: detects machine-translation artifacts in English text.

The Rust core (the same code as the ``mtcheck`` command line), for Python::

    import mtcheck
    checker = mtcheck.Checker()                  # the shipped model, loaded once
    report = checker.check("The night is going on going on going on.")
    report["quality"], report["flagged"], report["sentences"][0]["spans"]

``check`` returns exactly the object the CLI writes with ``--format jsonl`` (byte and character
offsets, sentence kinds, span reasons). ``find_spun_copies`` is ``mtcheck pairs``: the spun copies
among the documents of files, each with the original it was taken from. ``check_batch`` runs on all cores without holding the
GIL. Integrations: :mod:`mtcheck.datatrove` and :mod:`mtcheck.spark`.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Iterable, Optional

from . import _mtcheck
from ._mtcheck import ModelError, MtcheckError

__all__ = ["Checker", "MtcheckError", "ModelError", "default_model_dir", "shared_checker"]
__version__ = "0.1.0"


def default_model_dir() -> str:
    """The model folder used when none is given: ``$MTCHECK_MODEL_DIR``, else the ``models/en``
    folder of the source tree the package was built from."""
    return _mtcheck.default_model_dir()


def _texts(texts: Iterable[str]) -> list:
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__}, not str")
    return texts


class Checker:
    """A loaded model folder (language model memory-mapped, so worker processes share its
    pages). Raises :class:`ModelError` when the folder is missing, incomplete or corrupt."""

    def __init__(self, model: Optional[str | os.PathLike] = None, threshold: Optional[float] = None,
                 deep: bool = False):
        """``deep=True`` reads every sentence again with the fine-tuned encoder (the CLI's
        ``--deep``): better sentence qualities, about 16x slower."""
        self._inner = _mtcheck.Checker(None if model is None else os.fspath(model), threshold, deep)

    @property
    def model_dir(self) -> str:
        return self._inner.model_dir

    @property
    def threshold(self) -> float:
        """Sentences below this quality are flagged (the model's default unless given)."""
        return self._inner.threshold

    def check(self, text: str) -> dict:
        """One document's report: the CLI's JSONL object (``quality``, ``flagged``,
        ``sentences`` with offsets, kinds, qualities and garbled ``spans``)."""
        if not isinstance(text, str):
            raise TypeError(f"text is {type(text).__name__}, not str")
        return json.loads(self._inner.check_json(text))

    def check_batch(self, texts: Iterable[str], threads: Optional[int] = None) -> list:
        """:meth:`check` of every text, in order, on ``threads`` cores (default: all)."""
        return [json.loads(line) for line, _ in self._inner.check_batch_json(_texts(texts), threads)]

    def check_batch_with_verdicts(self, texts: Iterable[str], threads: Optional[int] = None) -> list:
        """:meth:`check_batch` with each document's verdict in words: ``[(report, verdict)]``."""
        rows = self._inner.check_batch_json(_texts(texts), threads)
        return [(json.loads(line), verdict) for line, verdict in rows]

    def score_fast(self, texts: Iterable[str], threads: Optional[int] = None) -> list:
        """Document qualities from the fast scorer ``mtcheck filter`` uses (no spans)."""
        return self._inner.score_fast(_texts(texts), threads)

    def annotate(
        self,
        texts: Iterable[str],
        min_quality: Optional[float] = None,
        max_flagged: Optional[float] = None,
        scorer: str = "full",
        threads: Optional[int] = None,
        max_p_mt: Optional[float] = None,
    ) -> list:
        """For every text, the ``"mtcheck"`` object of ``mtcheck filter --annotate`` (dolma
        attribute style: quality, p_mt, sentences, flagged_sentences, spans, keep) plus
        ``verdict``, the document verdict in words. ``keep`` applies ``min_quality`` /
        ``max_flagged`` / ``max_p_mt`` (P(machine-translated) of the document; the full scorer
        only, texts under 3 sentences have none and pass)."""
        if scorer not in ("full", "fast"):
            raise ValueError(f"scorer must be 'full' or 'fast', not {scorer!r}")
        out = []
        if max_p_mt is not None and scorer == "fast":
            raise ValueError("max_p_mt needs the full scorer's document verdict; the fast scorer gives no p_mt")
        rows = self._inner.annotate_batch(_texts(texts), min_quality, max_flagged, scorer == "fast", threads, max_p_mt)
        for annotation, verdict in rows:
            a = json.loads(annotation)
            a["verdict"] = verdict
            out.append(a)
        return out


def find_spun_copies(paths: Iterable[str | os.PathLike], field: str = "text",
                     model: Optional[str | os.PathLike] = None, min_similarity: Optional[float] = None) -> dict:
    """``mtcheck pairs`` over JSONL (or text) files, .gz/.zst accepted: near-duplicate groups, the
    original of each, and its copies. Returns ``{"pairs": [...], "errors": [...]}``: ``pairs`` holds
    the CLI's JSON lines (``role`` original / spun_copy / copy, ``spun_copy_of`` or ``copy_of`` the
    original's id, ``input`` and ``line``, words changed); ``errors`` the unreadable records as
    ``{"input", "line", "error"}`` (they are skipped, never fatal)."""
    paths = [os.fspath(p) for p in paths]
    lines, bad = _mtcheck.find_pairs_json(paths, field, None if model is None else os.fspath(model),
                                          min_similarity)
    return {"pairs": [json.loads(line) for line in lines],
            "errors": [{"input": i, "line": n, "error": e} for i, n, e in bad]}


_shared: dict = {}
_shared_lock = threading.Lock()


def shared_checker(model: Optional[str | os.PathLike] = None, threshold: Optional[float] = None) -> Checker:
    """One :class:`Checker` per process and settings: what pipeline steps and Spark tasks use,
    so a worker loads the model once however many tasks it runs."""
    key = (None if model is None else os.fspath(model), threshold, os.getpid())
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Checker(model, threshold)
        return _shared[key]
