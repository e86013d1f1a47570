"""PySpark in local mode over a small DataFrame: the columns equal the CLI's JSONL."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("pyspark")

from conftest import seed  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter, the one with mtcheck installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mtcheck-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_score_column_equals_the_cli(spark, cli, tmp_path):
    from mtcheck.spark import score_column

    texts = [
        seed("003").read_text(encoding="utf-8"),
        seed("002").read_text(encoding="utf-8"),
        "The night is going on going on going on going on for the workers of the shifts.",
        "Zoë Müller said the “garbled garbled” words came from na pahatubba na bhavataba.",
    ]
    rows = [(i, t) for i, t in enumerate(texts)] + [(len(texts), None)]
    df = spark.createDataFrame(rows, "id int, text string")
    scored = {r["id"]: r for r in score_column(df).collect()}

    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    out = subprocess.run([str(cli), "--format", "jsonl", str(jsonl)], capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    for line in out.stdout.splitlines():
        expected = json.loads(line)
        row = scored[expected["id"]]
        assert row["mtcheck_quality"] == pytest.approx(expected["quality"], abs=1e-9)
        assert row["mtcheck_flagged"] == expected["flagged"]
        spans = [(s["char_start"], s["char_end"], s["score"], s["reasons"]) for x in expected["sentences"] for s in x["spans"]]
        assert [(s["start"], s["end"], s["score"], list(s["reasons"])) for s in row["mtcheck_spans"]] == spans
        assert row["mtcheck_verdict"]
    missing = scored[len(texts)]
    assert missing["mtcheck_quality"] is None and missing["mtcheck_spans"] is None
