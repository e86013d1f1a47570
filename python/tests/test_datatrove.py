"""datatrove's LocalPipelineExecutor over a small JSONL: every document is kept or dropped,
and the annotations are there."""

import json

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from conftest import seed  # noqa: E402
from mtcheck.datatrove import MtcheckAnnotator, MtcheckFilter  # noqa: E402

TEXTS = [
    seed("000").read_text(encoding="utf-8"),
    seed("003").read_text(encoding="utf-8"),
    "The night is going on going on going on going on going on for the workers of the shifts.",
    "The city council approved the new budget on Tuesday after a long debate.",
    "Anti-retroviral treatment will grow as it grows, he said. We do not want a number of countries to help us.",
]


def read_jsonl(folder):
    docs = []
    for path in sorted(folder.glob("*.jsonl*")):
        import gzip

        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            docs += [json.loads(line) for line in f]
    return docs


@pytest.fixture()
def crawl(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "crawl.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(TEXTS):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    return folder


def test_filter_keeps_plus_drops_equals_read_and_annotates(crawl, tmp_path, checker):
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(crawl)),
            MtcheckFilter(min_quality=0.6, batch_size=2, exclusion_writer=JsonlWriter(str(dropped), compression=None)),
            JsonlWriter(str(kept), compression=None),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    kept_docs, dropped_docs = read_jsonl(kept), read_jsonl(dropped)
    assert len(kept_docs) + len(dropped_docs) == len(TEXTS)
    qualities = {d["id"]: checker.check(TEXTS[int(d["id"])])["quality"] for d in kept_docs + dropped_docs}
    assert {d["id"] for d in kept_docs} == {i for i, q in qualities.items() if q >= 0.6}
    assert dropped_docs, "the repetition loop is dropped"
    for d in kept_docs + dropped_docs:
        a = d["metadata"]["mtcheck"]
        assert set(a) >= {"quality", "sentences", "flagged_sentences", "spans", "keep", "verdict"}
        assert a["quality"] == qualities[d["id"]]
        for start, end, score, reasons in a["spans"]:
            assert 0 <= start < end <= len(d["text"]) and 0 <= score <= 1 and reasons


def test_annotator_keeps_everything(crawl, tmp_path):
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(crawl)), MtcheckAnnotator(scorer="fast", batch_size=3), JsonlWriter(str(out), compression=None)],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = read_jsonl(out)
    assert [d["id"] for d in docs] == [str(i) for i in range(len(TEXTS))]
    assert all("quality" in d["metadata"]["mtcheck"] and "keep" not in d["metadata"]["mtcheck"] for d in docs)


def test_filter_drops_documents_called_machine_translated(tmp_path):
    from pathlib import Path

    folder = tmp_path / "in"
    folder.mkdir()
    spun = (Path(__file__).parents[2] / "examples" / "spun.txt").read_text(encoding="utf-8")
    texts = [seed("000").read_text(encoding="utf-8"), spun]
    with open(folder / "crawl.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(folder)),
            MtcheckFilter(max_p_mt=0.5, exclusion_writer=JsonlWriter(str(dropped), compression=None)),
            JsonlWriter(str(kept), compression=None),
        ],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    assert [d["id"] for d in read_jsonl(kept)] == ["0"]
    (gone,) = read_jsonl(dropped)
    assert gone["id"] == "1" and gone["metadata"]["filter_reason"] == "mtcheck_machine_translated"
    with pytest.raises(ValueError, match="max_p_mt"):
        MtcheckFilter(max_p_mt=0.5, scorer="fast")


def test_spun_copy_annotator_names_the_original_and_passes_every_document(tmp_path):
    from mtcheck.datatrove import SpunCopyAnnotator
    from conftest import REPO

    folder = tmp_path / "pairs-in"
    folder.mkdir()
    texts = [("spun", (REPO / "examples" / "article-spun.txt").read_text(encoding="utf-8")),
             ("other", seed("002").read_text(encoding="utf-8")),
             ("original", (REPO / "examples" / "article.txt").read_text(encoding="utf-8"))]
    with open(folder / "crawl.jsonl", "w", encoding="utf-8") as f:
        for i, t in texts:
            f.write(json.dumps({"id": i, "text": t}) + "\n")
    out = tmp_path / "pairs-out"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(folder)), SpunCopyAnnotator(), JsonlWriter(str(out), compression=None)],
        tasks=1,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = {d["id"]: d for d in read_jsonl(out)}
    assert list(docs) == ["spun", "other", "original"], "every document, in order"
    assert docs["spun"]["metadata"]["spun_copy_of"] == "original"
    assert docs["spun"]["metadata"]["mtcheck_pairs"]["role"] == "spun_copy"
    assert docs["original"]["metadata"]["mtcheck_pairs"]["role"] == "original"
    assert "mtcheck_pairs" not in docs["other"].get("metadata", {})
