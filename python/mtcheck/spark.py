"""mtcheck in PySpark jobs: score a text column, one model per executor process::

    from mtcheck.spark import score_column
    scored = score_column(df, "text")          # adds mtcheck_quality, _flagged, _verdict, _spans
    scored.filter("mtcheck_quality >= 0.5").write.parquet("kept/")

Runs through ``mapInPandas`` (Arrow batches): each Python worker loads the model once
(:func:`mtcheck.shared_checker`), and the language model is memory-mapped, so the workers of
one executor share its pages. Values are those of the CLI's JSONL for the same text.
"""

from __future__ import annotations

from typing import Optional

import mtcheck

SPAN_TYPE = "array<struct<start:int,end:int,score:double,reasons:array<string>>>"


def score_column(
    df,
    column: str = "text",
    model: Optional[str] = None,
    prefix: str = "mtcheck_",
    threads: Optional[int] = 1,
):
    """``df`` with four columns added: ``{prefix}quality`` (document quality, 0 garbage .. 1
    fluent), ``{prefix}flagged`` (any sentence flagged), ``{prefix}verdict`` (in words) and
    ``{prefix}spans`` (garbled spans: character offsets into the text, as Python indexes
    strings, with score and reasons). A null text gets null columns."""
    from pyspark.sql.types import ArrayType, BooleanType, DoubleType, StringType, StructField, StructType
    from pyspark.sql.types import IntegerType

    if column not in df.columns:
        raise ValueError(f"no column {column!r} in {df.columns}")
    span = StructType(
        [
            StructField("start", IntegerType()),
            StructField("end", IntegerType()),
            StructField("score", DoubleType()),
            StructField("reasons", ArrayType(StringType())),
        ]
    )
    schema = StructType(
        df.schema.fields
        + [
            StructField(prefix + "quality", DoubleType()),
            StructField(prefix + "flagged", BooleanType()),
            StructField(prefix + "verdict", StringType()),
            StructField(prefix + "spans", ArrayType(span)),
        ]
    )

    def score(batches):
        checker = mtcheck.shared_checker(model)
        for pdf in batches:
            texts = pdf[column].tolist()
            present = [i for i, t in enumerate(texts) if isinstance(t, str)]
            rows = checker.check_batch_with_verdicts([texts[i] for i in present], threads=threads)
            quality = [None] * len(texts)
            flagged = [None] * len(texts)
            verdict = [None] * len(texts)
            spans = [None] * len(texts)
            for i, (r, v) in zip(present, rows):
                quality[i] = r["quality"]
                flagged[i] = r["flagged"]
                verdict[i] = v
                spans[i] = [
                    {"start": s["char_start"], "end": s["char_end"], "score": s["score"], "reasons": s["reasons"]}
                    for sentence in r["sentences"]
                    for s in sentence["spans"]
                ]
            yield pdf.assign(
                **{prefix + "quality": quality, prefix + "flagged": flagged, prefix + "verdict": verdict, prefix + "spans": spans}
            )

    return df.mapInPandas(score, schema)
