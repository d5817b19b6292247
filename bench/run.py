"""Benchmarks, written down rather than asserted: ingest throughput (cold and no-op re-ingest),
`retrieve` and `ask` latency on the shipped corpus with the model loaded, and peak memory.
Run: `make bench` (or `.venv/bin/python bench/run.py [--home DIR]`); results go to bench/results.md."""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from evals.run import DEFAULT_QUESTIONS, load_questions  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from qa.service import BoardQA  # noqa: E402


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, help="BOARDQA_HOME to use (default: a new temporary one: a cold ingest)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="boardqa-bench-"))
    system = BoardQA(Settings(home=home))
    corpus = REPO / "corpus"

    cold, report = timed(lambda: system.ingest([corpus]))
    pages = sum(r.pages or 0 for r in report.files)
    chunks = report.sync.total
    noop, _ = timed(lambda: system.ingest([corpus]))

    questions = load_questions(DEFAULT_QUESTIONS)
    system.ask(questions[0]["question"])  # warm up: model and index loaded once per process
    retrieve_ms, ask_ms = [], []
    for q in questions:
        history = q.get("history") or []
        t, _ = timed(lambda: system.retrieve(q["question"], history=history))
        retrieve_ms.append(t * 1000)
        t, _ = timed(lambda: system.ask(q["question"], history=history))
        ask_ms.append(t * 1000)
    r50, r95 = percentiles(retrieve_ms)
    a50, a95 = percentiles(ask_ms)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    results = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_ingest_s": round(cold, 1), "chunks": chunks, "chunks_per_s": round(chunks / cold, 1),
        "pages_per_s": round(pages / cold, 1) if pages else None, "noop_reingest_s": round(noop, 2),
        "questions": len(questions), "retrieve_p50_ms": round(r50, 1), "retrieve_p95_ms": round(r95, 1),
        "ask_p50_ms": round(a50, 1), "ask_p95_ms": round(a95, 1), "peak_rss_mb": round(peak_mb),
    }
    print(json.dumps(results, indent=1))
    lines = ["# boardqa benchmarks", "", f"Measured {results['when']} on {results['machine']} with "
             f"`{' '.join(['.venv/bin/python', 'bench/run.py', *sys.argv[1:]])}` (`make bench`).", "",
             "| measure | value | target |", "|---|---|---|",
             f"| cold ingest of the shipped corpus (5 files, {chunks} chunks, embedding included) | {results['cold_ingest_s']} s "
             f"({results['chunks_per_s']} chunks/s) | |",
             f"| re-ingest of the unchanged corpus (no-op) | {results['noop_reingest_s']} s | < 3 s |",
             f"| `retrieve` latency p50 / p95 ({len(questions)} eval questions, model loaded) | {r50:.0f} / {r95:.0f} ms | p50 < 100 ms |",
             f"| `ask` latency p50 / p95 | {a50:.0f} / {a95:.0f} ms | p50 < 150 ms, p95 < 150 ms |",
             f"| peak resident memory of the process | {results['peak_rss_mb']} MB | |", "",
             "The corpus is text, so pages/s does not apply to it. Not yet measured: the synthetic corpus 100 times "
             "larger, server mode, and UI cold start (issue 6).", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
