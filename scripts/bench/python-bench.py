#!/usr/bin/env python3
"""What the Python layer costs, and what two datatrove workers share (issue 14).

Throughput per core, on the same documents (paracrawl-v6 and Reuters dev records, ~5 MB):
  - CLI `mtcheck filter -j 1` (full detector with --annotate; fast scorer) as the reference,
  - Python `Checker.check_batch(threads=1)`, `score_fast(threads=1)`, `annotate(threads=1)`,
  - datatrove's LocalPipelineExecutor (1 task, 1 worker) with MtcheckFilter (full and fast).
datatrove's own cost (reading JSONL into Documents, stats, the executor) is measured with a
keep-all filter in the same pipeline. Memory: two datatrove worker processes (2 tasks, 2 workers) each report their own RSS, PSS and
shared memory from /proc/self/smaps_rollup after scoring their half.

usage: scripts/bench/python-bench.py [--venv target/python-venv] [--runs 3]
(The venv must have the package: scripts/test/python-tests.sh makes one.)
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "data" / "dev"


def documents():
    texts = []
    for name in ("paracrawl-v6.jsonl", "news-reuters-1987.jsonl"):
        with open(DEV / name, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts


def best(runs, fn):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    import mtcheck
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.readers import JsonlReader
    from mtcheck.datatrove import MtcheckFilter

    texts = documents()
    mb = sum(len(t.encode()) for t in texts) / 1e6
    tmp = pathlib.Path(tempfile.mkdtemp())
    crawl = tmp / "crawl"
    crawl.mkdir()
    with open(crawl / "docs.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    # Two files for the two-worker run.
    halves = tmp / "halves"
    halves.mkdir()
    for k in range(2):
        with open(halves / f"part{k}.jsonl", "w", encoding="utf-8") as f:
            for i, t in enumerate(texts[k::2]):
                f.write(json.dumps({"id": f"{k}-{i}", "text": t}) + "\n")
    cli = REPO / "target" / "release" / "mtcheck"
    print(f"{len(texts)} documents, {mb:.1f} MB of text; best of {args.runs} runs; one core each")

    def cli_filter(*extra):
        subprocess.run([str(cli), "filter", "-q", "-j", "1", str(crawl / "docs.jsonl"), "-o", "/dev/null", *extra], check=True)

    checker = mtcheck.shared_checker()
    checker.check("warm up")
    checker.score_fast(["warm up"])

    from datatrove.pipeline.filters.base_filter import BaseFilter

    class KeepAll(BaseFilter):
        """datatrove's own cost: the same pipeline with a filter that keeps everything."""

        name = "keep all"

        def filter(self, doc):
            return True

    def datatrove(scorer):
        def run():
            step = KeepAll() if scorer is None else MtcheckFilter(min_quality=0.5, scorer=scorer, threads=1, batch_size=256)
            LocalPipelineExecutor(
                pipeline=[JsonlReader(str(crawl)), step],
                tasks=1,
                workers=1,
                logging_dir=str(tmp / f"logs-{scorer}-{time.time()}"),
            ).run()

        return run

    rows = [
        ("full", "CLI filter --annotate --scorer full", lambda: cli_filter("--annotate", "--scorer", "full", "--min-quality", "0.5")),
        ("full", "Python check_batch", lambda: checker.check_batch(texts, threads=1)),
        ("full", "Python annotate", lambda: checker.annotate(texts, min_quality=0.5, threads=1)),
        ("full", "datatrove MtcheckFilter", datatrove("full")),
        ("fast", "CLI filter --scorer fast", lambda: cli_filter("--scorer", "fast", "--min-quality", "0.5")),
        ("fast", "Python score_fast", lambda: checker.score_fast(texts, threads=1)),
        ("fast", "datatrove MtcheckFilter(scorer='fast')", datatrove("fast")),
        ("fast", "datatrove JsonlReader + keep-all filter (datatrove alone)", datatrove(None)),
    ]
    reference = {}
    print("| scorer | what | seconds | MB/s per core | vs CLI |")
    print("|---|---|---|---|---|")
    for scorer, name, fn in rows:
        s = best(args.runs, fn)
        reference.setdefault(scorer, s)
        print(f"| {scorer} | {name} | {s:.2f} | {mb / s:.2f} | {s / reference[scorer]:.3f}x |", flush=True)

    class Memory(PipelineStep):
        """Passes documents on and, at the end, writes this worker's memory figures."""

        name = "memory"

        def __init__(self, folder):
            super().__init__()
            self.folder = folder

        def run(self, data, rank=0, world_size=1):
            yield from data
            fields = {}
            with open("/proc/self/smaps_rollup") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                        fields[parts[0][:-1]] = int(parts[1])
            with open(os.path.join(self.folder, f"rank{rank}-pid{os.getpid()}.json"), "w") as f:
                json.dump(fields, f)

    mem = tmp / "memory"
    mem.mkdir()
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(halves)), MtcheckFilter(min_quality=0.5, threads=1, batch_size=256), Memory(str(mem))],
        tasks=2,
        workers=2,
        logging_dir=str(tmp / "logs-memory"),
    ).run()
    print("\nTwo datatrove workers (2 tasks, 2 workers), full detector, memory at the end of each task (MB):")
    print("| worker | RSS | PSS | shared (clean+dirty) | private |")
    print("|---|---|---|---|---|")
    for path in sorted(mem.glob("*.json")):
        m = json.loads(path.read_text())
        shared = m.get("Shared_Clean", 0) + m.get("Shared_Dirty", 0)
        private = m.get("Private_Clean", 0) + m.get("Private_Dirty", 0)
        print(f"| {path.stem} | {m['Rss'] / 1024:.0f} | {m['Pss'] / 1024:.0f} | {shared / 1024:.0f} | {private / 1024:.0f} |")
    lm = REPO / "models" / "en" / "lm.mtlm"
    print(f"\n(lm.mtlm is {lm.stat().st_size / 1e6:.0f} MB, memory-mapped)")


if __name__ == "__main__":
    sys.exit(main())
