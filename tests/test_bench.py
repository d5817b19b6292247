"""The benchmark's synthetic corpus builder runs against the current index code (it writes through
the store, Chroma and BM25 itself, so an index change can break it where no other test looks)."""
from __future__ import annotations

from pathlib import Path

from bench.synth import synthesize
from conftest import COUNTY
from ingest.settings import Settings
from qa.service import BoardQA


def test_a_two_fold_synthetic_corpus_is_in_step_and_answers(system: BoardQA, tmp_path) -> None:
    target = Settings(home=tmp_path / "synth")
    written = synthesize(system.settings, target, times=2, log=lambda _: None)
    shipped = system.index.status().chunks
    assert written == 2 * shipped
    synth = BoardQA(target)
    status = synth.index.status()
    assert status.in_step and status.chunks == 2 * shipped
    boards = {d.board for d in synth.documents()}
    assert COUNTY in boards and len(boards) > 3  # the copy went to other, made-up boards
    answer = synth.ask("what was resolved on neighbourhoods in December 2025", filters=None)
    assert answer.found and any("West Leicestershire" in c.passage.text for c in answer.citations)

    # the benchmark times re-ingesting the shipped corpus into this index: it must be a no-op
    report = synth.ingest([Path(__file__).resolve().parent.parent / "corpus"])
    assert {r.status for r in report.files} == {"unchanged"} and not report.sync.added
