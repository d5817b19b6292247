"""The eval harness and its CI gate: boardqa meets the committed gates; a broken retriever does not."""
from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from evals.metrics import contains_quote, first_hit, mention_coverage, reciprocal_rank
from evals.run import DEFAULT_QUESTIONS, GATES, evaluate, load_gates, load_questions, missed_gates
from ingest.errors import ConfigError
from qa.retrieve import Retrieval, to_passage
from qa.schema import QueryPlan
from qa.service import BoardQA
from ui.cli import app


class RandomBoardQA(BoardQA):
    """A deliberately broken system: retrieval returns random chunks."""

    def search(self, plan: QueryPlan, *, k: int = 10) -> Retrieval:
        chunks = list(self.index.chunks().values())
        picked = random.Random(plan.question).sample(chunks, k)
        return Retrieval(tuple(to_passage(n, 1.0 / n, c) for n, c in enumerate(picked, start=1)), 0.9, False)


def test_metrics_are_tolerant_of_whitespace_and_split_quotes():
    quote = "That the Board supports the work of the implementer neighbourhood site"
    assert contains_quote("x\nThat the  Board supports\nthe work of the implementer neighbourhood site y", quote)
    assert contains_quote("... That the Board supports the work of the", quote)  # head ends this chunk
    assert contains_quote("work of the implementer neighbourhood site in West Leicestershire", quote)  # tail opens the next
    assert not contains_quote("the implementer neighbourhood site in West Leicestershire", quote)  # under half
    assert not contains_quote("the Board supports", quote)
    assert first_hit(["a", "b " + quote], [quote]) == 2 and first_hit(["a", "b"], ["x", "b"]) == 2 and reciprocal_rank(2) == 0.5
    assert mention_coverage("Respiratory illness in West Leicestershire", ["respiratory", "Glenfield"]) == 0.5


def test_list_markers_do_not_decide_a_match():
    # a resolution's lettered parts, as the papers print them and as boardqa's resolution units hold them
    quote = "That the progress be noted; - (b) That the work of the group be supported."
    assert contains_quote("RESOLVED:\n(a) That the progress be noted;\n(b) That the work of the group be supported.", quote)
    assert contains_quote("TOTAL\t408,426\t51\t-\nNext steps", "TOTAL 408,426 51 -")
    assert not contains_quote("(a) That the progress be noted; (c) That the work of the group be supported.", quote)


def test_boardqa_meets_the_committed_gates(system, tmp_path):
    result = CliRunner().invoke(app, ["eval", "--home", str(system.settings.home.parent), "--out", str(tmp_path),
                                      "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["missed_gates"] == []
    overall = summary["overall"]
    assert set(overall) == {"boardqa", "stock-bm25", "stock-dense", "stock-hybrid"}
    assert overall["boardqa"]["hit@5"] >= load_gates()["hit_at_5"]
    assert (tmp_path / "report.md").read_text().startswith("# boardqa eval")
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_random_retriever_misses_the_gates(system):
    broken = RandomBoardQA(replace(system.settings))
    result = evaluate(broken, load_questions(DEFAULT_QUESTIONS))
    missed = missed_gates(result, load_gates())
    assert any(line.startswith("hit_at_5") for line in missed)
    assert any(line.startswith("mrr_at_10") for line in missed)
    assert any(line.startswith("hit_at_1") for line in missed)



def test_another_question_set_is_measured_not_gated(system, tmp_path):
    """The gates are set on questions.jsonl; a held-out set that scores nothing still reports, exit 0."""
    hard = tmp_path / "heldout.jsonl"
    hard.write_text(json.dumps({"id": "x1", "question": "What did the board resolve on dementia?", "kind": "resolution",
                                "gold_quote": "a sentence that is in no paper at all"}) + "\n")
    result = CliRunner().invoke(app, ["eval", "--questions", str(hard), "--no-baselines", "--json",
                                      "--home", str(system.settings.home.parent), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["overall"]["boardqa"]["hit@5"] == 0.0 and summary["missed_gates"] == []
    assert "measured only" in (tmp_path / "out" / "report.md").read_text()


def test_a_misspelt_gate_is_an_error_not_a_silent_pass(tmp_path):
    assert set(load_gates()) == set(GATES)  # every gate of the committed file is one the harness measures
    bad = tmp_path / "gates.toml"
    bad.write_text("hit_at_50 = 0.5\n")
    with pytest.raises(ConfigError, match="unknown gate hit_at_50"):
        load_gates(bad)
