"""A datatrove pipeline that drops machine-translated and garbled documents from a JSONL crawl.

    pip install "./python[datatrove]"
    python examples/datatrove_pipeline.py crawl/ out/        # a folder of .jsonl(.gz) files

Kept documents go to out/kept, dropped ones (with their reason) to out/dropped; both carry
doc.metadata["mtcheck"] (quality, flagged sentences, garbled spans, verdict).
"""

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from mtcheck.datatrove import MtcheckFilter

if __name__ == "__main__":
    source, out = sys.argv[1], sys.argv[2]
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(source),
            MtcheckFilter(min_quality=0.5, max_flagged=0.2, exclusion_writer=JsonlWriter(f"{out}/dropped")),
            JsonlWriter(f"{out}/kept"),
        ],
        tasks=4,
        workers=2,
        logging_dir=f"{out}/logs",
    ).run()
