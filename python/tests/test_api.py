"""The Python API on the seeds: the same reports as the CLI, batches in order, clear errors."""

import json
import pathlib
from pathlib import Path
import subprocess

import pytest

import mtcheck
from conftest import seed


def cli_jsonl(cli, paths):
    out = subprocess.run([str(cli), "--format", "jsonl", *map(str, paths)], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_check_equals_the_cli_jsonl_on_the_seeds(cli, checker):
    paths = [seed(p) for p in ("000", "001", "002", "003")]
    for path, expected in zip(paths, cli_jsonl(cli, paths)):
        expected.pop("id")  # the CLI names the file
        assert checker.check(path.read_text(encoding="utf-8")) == expected


def test_deep_equals_the_cli_deep_jsonl(cli):
    deep = mtcheck.Checker(deep=True)
    paths = [seed("003"), seed("000")]
    out = subprocess.run([str(cli), "--deep", "--format", "jsonl", *map(str, paths)], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    for path, line in zip(paths, out.stdout.splitlines()):
        expected = json.loads(line)
        expected.pop("id")
        assert deep.check(path.read_text(encoding="utf-8")) == expected


def test_check_batch_keeps_order_and_matches_check(checker):
    texts = [seed(p).read_text(encoding="utf-8") for p in ("003", "000")] + ["", "Zoë said: “fine”."]
    one_thread = checker.check_batch(texts, threads=1)
    assert one_thread == [checker.check(t) for t in texts]
    assert checker.check_batch(texts) == one_thread
    assert checker.check_batch([]) == []


def test_reports_carry_offsets_into_python_strings(checker):
    text = "Zoë Müller said the night is going on going on going on for the workers of the shifts."
    report = checker.check(text)
    for sentence in report["sentences"]:
        assert text[sentence["char_start"] : sentence["char_end"]].strip()
        for span in sentence["spans"]:
            assert 0 <= span["char_start"] < span["char_end"] <= len(text)
            assert text.encode()[span["start"] : span["end"]].decode() == text[span["char_start"] : span["char_end"]]


def test_fast_scores_and_annotations(checker):
    texts = [seed("000").read_text(encoding="utf-8"), "The night is going on going on going on going on."]
    fast = checker.score_fast(texts)
    assert len(fast) == 2 and all(0.0 <= q <= 1.0 for q in fast)
    annotations = checker.annotate(texts, min_quality=0.5)
    for a, report in zip(annotations, checker.check_batch(texts)):
        assert set(a) == {"quality", "p_mt", "sentences", "flagged_sentences", "spans", "keep", "verdict"}
        assert a["quality"] == report["quality"]
        assert a["keep"] == (a["quality"] >= 0.5)
        assert a["verdict"] == report["verdict"] and a["p_mt"] == report["p_mt"]
    # Three sentences or more: a document verdict; a machine-translated one is dropped by max_p_mt.
    spun = (Path(__file__).parents[2] / "examples" / "spun.txt").read_text(encoding="utf-8")
    (a,) = checker.annotate([spun], max_p_mt=0.5)
    assert a["p_mt"] > 0.5 and a["verdict"].startswith("likely machine-translated") and a["keep"] is False
    with pytest.raises(ValueError, match="max_p_mt"):
        checker.annotate([spun], scorer="fast", max_p_mt=0.5)
    assert all(a["spans"] == [] for a in checker.annotate(texts, scorer="fast"))


def test_a_damaged_model_is_refused_as_corrupt(tmp_path):
    """Issue 25: damage in topics.bin, the encoder or lm.mtlm is refused, never used."""
    import shutil

    shipped = pathlib.Path(__file__).resolve().parents[2] / "models" / "en"
    for name, deep in (("topics.bin", False), ("lm.mtlm", False), ("encoder.safetensors", True)):
        folder = tmp_path / name
        shutil.copytree(shipped, folder)
        data = bytearray((folder / name).read_bytes())
        middle = len(data) // 2
        data[middle:middle + 64] = b"\xff" * 64
        (folder / name).write_bytes(bytes(data))
        with pytest.raises(mtcheck.ModelError, match="corrupt"):
            mtcheck.Checker(model=folder, deep=deep)


def test_errors_are_python_exceptions_with_clear_messages(checker, tmp_path):
    with pytest.raises(mtcheck.ModelError, match="no such model folder"):
        mtcheck.Checker(model=tmp_path / "missing")
    (tmp_path / "lm.mtlm").write_bytes(b"\xff" * 1000)
    with pytest.raises(mtcheck.ModelError, match="lm.mtlm"):
        mtcheck.Checker(model=tmp_path)
    with pytest.raises(ValueError, match="threshold"):
        mtcheck.Checker(threshold=3)
    with pytest.raises(TypeError, match="not str"):
        checker.check(b"bytes")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        checker.check_batch(["fine", None])
    with pytest.raises(ValueError, match="threads"):
        checker.check_batch(["fine"], threads=0)
    with pytest.raises(ValueError, match="scorer"):
        checker.annotate(["fine"], scorer="neural")
    assert issubclass(mtcheck.ModelError, mtcheck.MtcheckError)


def test_the_model_opens_once_per_process():
    assert mtcheck.shared_checker() is mtcheck.shared_checker()
    assert mtcheck.default_model_dir().endswith("en")
